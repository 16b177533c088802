# 审批办理：我的项目、待办、申请页、一次性告知书、项目全流程记录、审批事项目录，
# 以及这些页面用到的代码名称（申请状态、办理环节、时限种类、中止情形、审批层级、计时单位）。

## 通用
workflow-list-separator = 、
workflow-project = 项目
workflow-owner = 项目单位
workflow-item-type = 审批事项
workflow-handling-department = 办理部门
workflow-authority-level = 审批层级
workflow-promised-limit = 承诺时限
workflow-statutory-limit = 法定时限
workflow-state = 状态
workflow-due-on = 到期日
workflow-material = 材料
workflow-problem = 存在问题
workflow-remedy = 补正要求
workflow-reasons = 理由
workflow-document-number = 批复文号
workflow-all = 全部
workflow-choose = （请选择）
workflow-view = 查看
workflow-save = 保存
workflow-provisional = （暂定）
workflow-clock-paused = 计时中止
workflow-breaks-one-time-rule = 违反一次性告知
workflow-after-notice-limit = 超过告知时限
workflow-timeline = 全流程记录
# 时限的长度：{ $n } 为天数。
workflow-days-working = { $n } 个工作日
workflow-days-calendar = { $n } 日（自然日）

## 我的项目
workflow-my-title = 我的项目
workflow-my-hint = 项目单位可随时提交申请。提交前请按材料清单上传全部材料；退回补正时会收到一次性告知书。
workflow-my-state = 申请状态
workflow-my-clock = 时限
workflow-my-action = 办理
workflow-my-open-prerequisites = 前置事项未办结：{ $list }
workflow-my-granted = 已取得批复
workflow-my-not-applied = 未申请
workflow-my-apply = 发起申请
workflow-my-none = 暂无您可办理的项目。

## 待办
workflow-inbox-title = 审批办理
workflow-inbox-pending = 待办
workflow-inbox-hint = 默认按红绿灯排序：红灯（已超期）在前，其次黄灯（临近时限）、绿灯，同色按到期日。
workflow-inbox-q = 关键词
workflow-inbox-q-placeholder = 项目代码、名称或项目单位
workflow-inbox-light = 预警灯
workflow-inbox-sort = 排序
workflow-inbox-sort-by-light = 按预警灯
workflow-inbox-sort-by-due = 按到期日
workflow-inbox-sort-by-project = 按项目代码
workflow-inbox-filter = 筛选
workflow-inbox-clear = 清除筛选
workflow-inbox-filter-error = 筛选条件有误：{ $error }
workflow-inbox-total = 共 { $n } 件
workflow-inbox-capped = （只读取了最早到期的 { $limit } 件，请用筛选缩小范围）
workflow-inbox-col-light = 预警
workflow-inbox-col-clock = 时限
workflow-inbox-handle = 办理
workflow-inbox-none = 暂无待办申请。
workflow-inbox-pages = 待办分页
workflow-inbox-previous = 上一页
workflow-inbox-next = 下一页
workflow-inbox-page-of = 第 { $page } / { $pages } 页
# 待办列表“时限”一栏：正在计算的时限。
workflow-inbox-clock-initial_review = 初审
workflow-inbox-clock-review = 审查（承诺时限）
workflow-inbox-clock-forward = 转报
workflow-inbox-clock-notice_due = 一次性告知

## 申请页
workflow-app-title = { $item }申请
workflow-app-state = 当前状态
workflow-app-acceptance = 受理
workflow-deemed-acceptance = 视为受理
workflow-app-deemed = 一次性告知时限（至 { $due }）届满未告知，{ $then }
workflow-app-deemed-from = { $on } 起依法视为自收件之日 { $received } 受理
workflow-app-extension = 延期
workflow-app-extension-text = { $granted }：{ $reason }
workflow-app-extension-granted = { $on } 经部门负责人批准延期 { $days }
workflow-clocks = 办理时限
workflow-clocks-name = 时限
workflow-clocks-start = 起算日
workflow-clocks-limit = 时限
workflow-clocks-used = 已用
workflow-clocks-warn = 黄灯日
workflow-clocks-light = 预警
workflow-clocks-paused = （计时中止）
workflow-warnings-before-submit = 提交前请注意
workflow-warnings-at-submission = 提交时的缺项（由审批部门通过一次性告知决定是否补正）
workflow-warnings-missing-materials = 尚未上传的材料：{ $list }
workflow-warnings-unmet-prerequisites = 尚未办结的前置事项：{ $list }
workflow-warnings-hint = 项目单位可以随时提交申请，缺项不妨碍提交；是否确需补正，由审批部门在 3 个工作日内一次性告知。
workflow-materials = 申请材料
workflow-materials-file = 已上传文件
workflow-materials-size = 大小
workflow-materials-uploaded-at = 上传时间
workflow-materials-not-uploaded = 未上传
workflow-materials-file-input = 文件
workflow-materials-upload = 上传
workflow-clock-records = 已结束的时限
workflow-clock-records-ended = 结束日
workflow-clock-records-used = 用时
workflow-clock-records-overdue = 超期
workflow-clock-records-outcome = 结果
workflow-notices = 一次性告知
workflow-notice-line = { $on }：{ $notice }
workflow-notice-problems = { $number } 告知问题 { $n } 项
workflow-notice-view-print = 查看、打印告知书
workflow-actions = 办理
workflow-submit-hint = 提交后，审批部门须在 3 个工作日内一次性告知需补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理；初审时限 5 个工作日。
workflow-confirm-missing = 我已知悉上述缺项，仍要提交
workflow-submit = 提交申请
workflow-resubmit-hint = 按一次性告知书补正材料后重新提交。
workflow-resubmit = 重新提交
workflow-return-title = 退回并一次性告知
workflow-return-hint = 一次列明全部问题（3 个工作日内）。以后再次退回时，若提出首次未告知、且材料未更换的问题，将标记为违反一次性告知。
workflow-return-choose-material = （选择材料）
workflow-return-suggestions = 建议（每行一条）
workflow-return-submit = 退回并告知
workflow-accept-confirm = 受理后开始计算承诺时限，不能撤销。确定受理吗？
workflow-accept = 受理
workflow-extend-title = 延期（部门负责人批准，仅限一次）
workflow-extend-hint = 依《行政许可法》第四十二条，本事项可延长 { $days }，应将延长期限的理由告知申请人。
workflow-extend-reason = 延期理由
workflow-extend-submit = 批准延期
workflow-pause = 中止计时
workflow-pause-reason = 法定情形
workflow-pause-note = 说明
workflow-resume = 恢复计时
workflow-approve-confirm = 批准后该事项办结并从基线核减，不能撤销。确定批准吗？
workflow-approve = 批准
workflow-decided-on = 批复日期
workflow-refuse-confirm = 不予许可后该申请办结，不能撤销。确定不予许可吗？
workflow-refuse = 不予许可
workflow-forward-confirm = 转报后由上级审批机关办理，不能撤销。确定转报吗？
workflow-forward-title = 转报上级
workflow-forward-authority = 上级审批机关
workflow-forward = 转报
workflow-higher-confirm = 录入上级决定后该申请办结，不能撤销。确定录入吗？
workflow-higher-title = 录入上级审批结果
workflow-higher-outcome = 结果
workflow-higher-document-number = 批复文号（批准时填写）
workflow-higher-reasons = 理由（不予许可时填写）
workflow-higher-decided-on = 上级决定日期
workflow-higher-submit = 录入
workflow-withdraw-confirm = 撤回后该申请结束，不能撤销。确定撤回吗？
workflow-withdraw-title = 撤回申请
workflow-withdraw = 撤回
workflow-steps-title = 办理记录
workflow-app-timeline-link = 查看项目全流程 →

## 办理记录（申请页与项目全流程共用）
workflow-steps-date = 日期
workflow-steps-actor = 办理人
workflow-steps-action = 环节
workflow-steps-summary = 说明
workflow-steps-days = 用时（工作日）
workflow-steps-state-after = 办理后状态
workflow-steps-helper-for = （帮办代办，代表项目单位）
workflow-steps-note = 备注：{ $note }
workflow-steps-none = 尚无办理记录。
workflow-system-actor = 起底系统
workflow-system-role = 系统（依法记录）
# 每一步的说明。
workflow-summary-submit = 提交材料 { $n } 项
workflow-summary-resubmit = 重新提交材料 { $n } 项
workflow-summary-resubmit-replaced = 重新提交材料 { $n } 项，更换：{ $names }
workflow-summary-return = 一次性告知问题 { $n } 项
workflow-summary-return-numbered = { $number }，一次性告知问题 { $n } 项
workflow-summary-deem-accept = 一次性告知时限至 { $due } 届满未告知，自收件之日 { $received } 起视为受理
workflow-summary-extend = 延期理由：{ $reason }
workflow-summary-pause = { $reason }：{ $note }
workflow-summary-approve = 批复文号 { $number }，{ $on }
workflow-summary-reasons = 理由：{ $reasons }
workflow-summary-forward = 转报至 { $authority }
workflow-summary-higher-approved = 上级批准，文号 { $number }
workflow-summary-higher-approved-on = 上级批准，文号 { $number }，{ $on }
workflow-summary-higher-refused = 上级不予许可，理由：{ $reasons }
# 一步结束的时限：{ $kind } 为时限名称。
workflow-clock-late-working = { $kind }超期 { $n } 个工作日办结
workflow-clock-late-calendar = { $kind }超期 { $n } 日办结
workflow-clock-on-time-working = { $kind }按时办结（用时 { $used } 个工作日）
workflow-clock-on-time-calendar = { $kind }按时办结（用时 { $used } 日）
workflow-clock-deemed = { $kind }届满未告知，视为受理

## 一次性告知书
workflow-notice-title = 一次性告知书
workflow-notice-back = ← 返回申请
workflow-notice-print-hint = 请使用浏览器的“打印”功能打印本告知书。
workflow-notice-number = 编号：{ $number }
workflow-notice-to = { $owner }：
workflow-notice-body = 你单位申请的{ $project }{ $item }事项，经初审，申请材料存在以下问题。现一次性告知如下，请按要求补正后重新提交：
workflow-notice-project = “{ $name }”（项目代码 { $code }）
workflow-notice-seq = 序号
workflow-notice-suggestions = 建议
workflow-notice-breaks = 注意：本次退回提出了首次告知未列明、且材料未作更换的问题，违反一次性告知要求，将计入部门考核。
# 告知书落款日期的格式（chrono 的 strftime 格式）。
workflow-notice-date-format = %Y年%m月%d日

## 项目全流程记录
workflow-timeline-heading = 审批全流程记录
workflow-timeline-hint = 每一步的日期、办理人和所用工作日（按官方工作日历，不含法定节假日，含调休上班日）。
workflow-timeline-total = 自首次办理起累计 { $days } 个工作日。
workflow-timeline-none = 该项目尚无申请记录。
workflow-helpers = 帮办代办
workflow-helpers-none = 尚未指定帮办代办人员。
workflow-helper-authorised = { $name }：已获项目单位授权代办
workflow-helper-accompanying = { $name }：陪同帮办（未授权代办）
workflow-helper-revoke = 取消授权
workflow-helper-authorise = 授权代办
workflow-helper-assign-label = 指定帮办代办人员
workflow-helper-choose = （请选择工作人员）
workflow-helper-choice = { $name }（{ $department }）
workflow-helper-assign = 指定

## 审批事项目录
workflow-catalogue-title = 审批事项目录
workflow-catalogue-hint = 时限未经核实的注明“未确认”，材料清单为默认值的注明“默认清单”；新增、修改和撤销由领导小组办公室进行，全部留痕。修改只影响此后新建的申请。
workflow-catalogue-departments = 部门名录
workflow-catalogue-new = 新增审批事项
workflow-catalogue-new-hint = 方案所列以外的开工前手续（如规划许可、核准、人防、消防设计审查）可在此增加；增加后即可在台账导入、补录和申请中使用。
workflow-catalogue-code = 事项代码（小写字母、数字、下划线，如 fire_design）
workflow-catalogue-name = 事项名称
workflow-catalogue-aliases-new = 别名（台账中的其他写法，用顿号分隔）
workflow-catalogue-aliases-edit = 别名（用顿号分隔）
workflow-catalogue-aliases = 别名
workflow-catalogue-extension-limit = 延期时限（0 为不得延期）
workflow-catalogue-limit-unit = 计时单位
workflow-catalogue-limit-source = 时限依据
workflow-catalogue-materials = 材料清单（每行“代码 名称”）
workflow-catalogue-prerequisites-input = 前置事项（事项代码，空格分隔）
workflow-catalogue-add = 新增
workflow-catalogue-retired = 已撤销
workflow-catalogue-unconfirmed = （未确认）
workflow-catalogue-extendable = 可延期
workflow-catalogue-no-extension = 不得延期
workflow-catalogue-extension-once = 一次，{ $days }
workflow-catalogue-materials-source = 材料来源
workflow-catalogue-prerequisites = 前置事项
workflow-catalogue-yellow = 黄灯
workflow-catalogue-yellow-when = 剩余 { $days } 日或已用 { $percent }% 时
workflow-catalogue-edit = 修改
workflow-catalogue-limit-confirmed = 时限已确认
workflow-catalogue-warn-days = 黄灯：剩余天数
workflow-catalogue-warn-ratio = 黄灯：已用比例（%）
workflow-catalogue-restore = 恢复
workflow-catalogue-retire-confirm = 撤销后，台账文件中的“{ $name }”将不再被识别，也不能再补录；已有的待批事项和申请照常办理。确定撤销吗？
workflow-catalogue-retire = 撤销事项

## 页面表单的错误
workflow-error-unknown-action = 未知的办理操作
workflow-error-date-format = 日期格式应为 YYYY-MM-DD
workflow-error-form = 表单内容有误：{ $error }
workflow-error-upload-form = 上传表单格式有误
workflow-error-too-large = 文件过大：每份材料不应超过 { $mb } MB
workflow-error-upload-incomplete = 上传不完整，请重新选择文件上传
workflow-error-no-file = 请选择要上传的文件
workflow-error-choose-level = 请选择审批层级
workflow-error-statutory-limit-required = 请填写法定时限
workflow-error-choose-unit = 请选择计时单位
workflow-error-promised-limit-required = 请填写承诺时限
workflow-error-not-integer = { $field }须为整数
workflow-error-materials-line = 材料清单第{ $line }行应为“代码 名称”
workflow-field-extension-limit = 延期时限
workflow-field-warn-days = 黄灯提前天数
workflow-field-warn-ratio = 黄灯比例

## 代码名称
# 办理环节（Action）
workflow-action-submit = 提交
workflow-action-return = 退回并一次性告知
workflow-action-resubmit = 重新提交
workflow-action-accept = 受理
workflow-action-deem_accept = 视为受理
workflow-action-extend = 延期
workflow-action-pause = 中止计时
workflow-action-resume = 恢复计时
workflow-action-approve = 批准
workflow-action-refuse = 不予许可
workflow-action-forward = 转报
workflow-action-record_higher_outcome = 录入上级审批结果
workflow-action-withdraw = 撤回
# 申请状态（ApplicationState）
application-state-draft = 草稿
application-state-submitted = 已提交待初审
application-state-returned = 已退回（一次性告知）
application-state-accepted = 已受理待转报
application-state-under_review = 审查中
application-state-paused = 计时中止
application-state-approved = 已批准
application-state-refused = 不予许可
application-state-forwarded = 已转报上级
application-state-higher_approved = 上级已批准
application-state-higher_refused = 上级不予许可
application-state-withdrawn = 已撤回
# 时限种类（ClockKind）
clock-kind-notice_due = 一次性告知时限
clock-kind-initial_review = 初审时限
clock-kind-review = 承诺审批时限
clock-kind-forward = 转报时限
clock-kind-extension = 延期后审批时限
# 时限结束的结果（ClockOutcome）
clock-outcome-on_time = 按时办结
clock-outcome-late = 超期办结
clock-outcome-deemed = 逾期未告知，视为受理
# 计时中止的法定情形（PauseReason）
pause-reason-expert_review = 专家评审
pause-reason-hearing = 听证
pause-reason-public_notice = 公示
pause-reason-tendering = 招标、拍卖
pause-reason-testing = 检验、检测、检疫
pause-reason-appraisal = 鉴定
pause-reason-awaiting_correction = 补正材料
pause-reason-other = 其他法定情形
# 审批层级（AuthorityLevel）
authority-level-banner = 旗级
authority-level-league = 盟级
authority-level-region = 自治区级
authority-level-national = 国家级
# 计时单位（LimitUnit）
limit-unit-working_days = 工作日
limit-unit-calendar_days = 自然日
# 待办导出（Excel）
workflow-inbox-export = 导出 Excel（当前筛选的全部页）
workflow-inbox-export-title = 按当前的筛选和排序导出全部待办，不止本页；最多 { $limit } 件
workflow-inbox-export-file = 审批待办-{ $date }.xlsx
workflow-return-confirm = 一次性告知书送达后不能再次告知，也不能撤回。确定退回补正吗？
workflow-return-row-material = 第{ $n }项 · 材料
workflow-return-row-problem = 第{ $n }项 · 存在问题
workflow-return-row-remedy = 第{ $n }项 · 整改要求
