# 管理员页面：账户管理、工作日历、审计记录、账户安全管理，以及本人的双因素认证。

## 账户管理（系统管理员）
admin-accounts-title = 账户管理
admin-accounts-hint = 系统管理员可创建工作人员账户，重置其密码（一次性密码），停用或重新启用账户。账户的角色调整、解锁和双因素认证由安全管理员负责；管理员账户只能在服务器上用命令行创建；项目单位账户由领导小组办公室开通。每项操作都记入审计记录。
admin-reset-before = 已重置账户
admin-reset-after = 的密码，该账户已退出登录
admin-created-before = 已创建账户
admin-one-time-password = 。一次性密码（只显示这一次，请当面或通过安全渠道交给本人）：
admin-first-sign-in = 本人首次登录时须设置自己的密码。
admin-create = 创建账户
admin-display-name = 姓名或岗位
admin-department-hint = 部门（经办人、部门负责人须选）
admin-no-department = （不属部门）
admin-all-accounts = 全部账户
admin-col-username = 用户名
admin-col-name = 姓名
admin-col-role = 角色
admin-col-department = 部门或单位
admin-col-status = 状态
admin-col-actions = 操作
admin-disabled = 已停用
admin-active = 正常
admin-reset-confirm = 重置后该账户立即退出登录，须用新的一次性密码登录。确定重置 { $username } 的密码吗？
admin-reset-password = 重置密码
admin-enable = 启用
admin-disable-confirm = 停用后该账户立即退出登录，且不能再登录。确定停用吗？
admin-disable = 停用
admin-choose-role = 请选择角色
admin-unknown-action = 未知的操作
admin-account-error = { $username }：{ $message }

## 账户安全管理（安全管理员）
security-title = 账户安全管理
security-hint = 安全管理员可为账户解锁、重置双因素认证、调整角色。管理员账户（系统、安全、审计）只能在服务器上用命令行创建，每个账户只担任一种管理员角色；本页不能修改管理员账户，也不能修改自己的账户。每项操作都记入审计记录。
security-col-second-factor = 双因素认证
security-locked-until = 锁定至 { $until }
security-second-factor-on = 已启用
security-second-factor-off = 未启用
security-unlock = 解锁
security-reset-second-factor-confirm = 重置后该账户须重新设置双因素认证，其登录会话全部结束。确定重置吗？
security-reset-second-factor = 重置双因素
security-change-role-confirm = 调整角色后该账户的登录会话全部结束。确定调整吗？
security-new-role = 新角色
security-change-role = 调整角色

## 工作日历（放假安排）
calendar-title = 放假安排
calendar-heading = 放假安排（工作日历）
calendar-hint =
    所有时限按工作日计算：通知列出的日期以通知为准（放假或调休上班），未列出的日期周一至周五为工作日。
    尚未导入通知的年份，时限按周一至周五暂算，标为“暂定”；导入后，受影响的时限自动重新计算。
calendar-import-title = 导入新一年的放假安排
calendar-file = 通知文件（JSON）
calendar-paste = 或粘贴 JSON 内容
calendar-paste-example = {"{"}"year": 2027, "papers": ["https://www.gov.cn/…"], "days": [{"{"}"name": "元旦", "date": "2027-01-01", "isOffDay": true{"}"}]{"}"}
calendar-format-hint =
    格式同 holiday-cn：year 为通知年份；days 列出每个放假日（isOffDay 为 true）和调休上班日（false）；12 月或次年 1 月的日期也可列入。
    已导入的年份不会被覆盖；与已导入日期相矛盾的文件会被拒绝，且不作任何更改。
calendar-import = 导入
calendar-loaded-years = 已导入的年份
calendar-col-year = 年份
calendar-col-days = 列出日期
calendar-col-off-days = 放假
calendar-col-make-up-days = 调休上班
calendar-col-loaded-at = 导入时间
calendar-col-notice = 通知
calendar-notice-link = 国务院办公厅通知
calendar-no-years = 尚未导入任何年份。
calendar-too-large = 文件过大：放假安排文件不应超过 { $kb } KB
calendar-unreadable = 上传内容无法读取，请重新选择文件后再试
calendar-use-form = 请通过本页的表单上传放假安排文件
calendar-not-utf8 = 文件不是 UTF-8 编码的 JSON 文本
calendar-choose-file = 请选择放假安排文件，或粘贴其 JSON 内容
calendar-unchanged = { $year } 年放假安排已导入过，内容相同，未作更改。
calendar-imported = 已导入 { $year } 年放假安排：{ $days } 个日期。
calendar-recomputed = 重新计算受影响的时限 { $examined } 个，其中 { $changed } 个有变化。

## 审计记录（审计管理员）
audit-title = 审计记录
audit-hint = 全部操作记录，最新的在前。每条记录在哈希链中的序号不可更改；完整性校验请用
audit-hint-end = 。
audit-action = 操作
audit-action-placeholder = 如 auth.login 或 hotline.
audit-actor = 操作人
audit-actor-placeholder = 用户名
audit-object-id = 对象编号
audit-outcome = 结果
audit-request-id = 请求编号
audit-client-addr = 客户端地址
audit-from = 起始日期
audit-to = 截止日期
audit-search = 查询
audit-clear = 清空条件
audit-none = 没有符合条件的记录。
audit-col-seq = 序号
audit-col-at = 时间
audit-col-object = 对象
audit-col-client = 客户端
audit-col-payload = 内容
audit-earlier = 更早的记录
audit-actor-with-role = { $user }（{ $role }）
audit-actor-system = 系统

## 双因素认证（本人设置，以及登录时输入验证码）
second-factor-title = 双因素认证
second-factor-recovery-codes = 恢复码
second-factor-recovery-hint = 请立即抄写或打印以下恢复码，妥善保管。手机丢失或无法使用验证器时，每个恢复码可代替验证码登录一次。本页关闭后不再显示。
second-factor-continue = 继续使用
second-factor-on = 已启用。登录时，在密码之后还须输入验证器上的 6 位验证码。未使用的恢复码：{ $left } 个。
second-factor-required-hint = 您的角色要求使用双因素认证，不能停用。手机丢失时，请用恢复码登录，或请系统管理员重置。
second-factor-turn-off-confirm = 停用后登录只需密码，确定停用双因素认证吗？
second-factor-turn-off-code = 停用须输入当前验证码
second-factor-turn-off = 停用双因素认证
second-factor-required-setup = 您的角色要求使用双因素认证，设置完成后才能继续使用本系统。
second-factor-step-install = 在手机上安装任一验证器应用（支持 TOTP 的身份验证器均可）。
second-factor-step-scan = 用应用扫描下面的二维码；无法扫描时，手动输入密钥。
second-factor-step-code = 输入应用显示的 6 位验证码，完成设置。
second-factor-qr-label = 验证器二维码
second-factor-secret = 密钥：
second-factor-code = 验证码
second-factor-finish = 完成设置
second-factor-new-secret = 换一个密钥
second-factor-enter-code = 输入验证码
second-factor-code-hint = 密码正确。请打开手机上的验证器（身份验证器）应用，输入“qidi 起底”显示的 6 位验证码。手机不在身边时，可输入一个恢复码（每个只能用一次）。
second-factor-code-or-recovery = 验证码或恢复码
second-factor-verify = 验证
second-factor-cancel = 取消并退出
second-factor-wrong-code = 验证码不正确或已使用过，请输入验证器上的当前验证码
second-factor-ended = 验证码错误次数过多，请重新登录
second-factor-enabled = 双因素认证已启用。
second-factor-new-key = 已生成新的密钥，请重新扫描二维码。
second-factor-cannot = 无法执行该操作，请刷新页面后重试
