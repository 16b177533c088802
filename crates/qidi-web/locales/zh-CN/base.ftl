# 页面框架：标题、导航、页脚、登录、错误页、角色名。
# Keys are the same in every language; see README "Languages" for how to add one.
language-name = 简体中文
site-name = 起底 · 待批项目审批监督平台
site-title-suffix = 起底 待批项目审批监督平台
footer = 起底（qidi）· 审批全程留痕，接受社会监督
language-switch = 语言
trial-clock = 演练时钟已启用：系统时间从 { $at } 起计（QIDI_NOW），仅用于培训、演练和测试，所有日期均非真实日期。

nav-menu = 菜单
nav-accounts = 账户管理
nav-calendar = 工作日历
nav-channels = 消息渠道
nav-send-log = 发送记录
nav-security-accounts = 账户安全管理
nav-audit = 审计记录
nav-home = 台账概览
nav-projects = 项目库
nav-ledger = 台账与基线
nav-my-projects = 我的项目
nav-inbox = 审批办理
nav-catalogue = 事项目录
nav-campaigns = 工作与组织
nav-bulletins = 月度通报
nav-hotline = 12345工单
nav-supervision = 督办与报送
nav-assessment = 部门考核
nav-lookback = 回头看
nav-messages = 消息
nav-unread = 未读消息
nav-account-security = 账户安全
nav-paren-open = （
nav-paren-close = ）
nav-logout = 退出

public-nav = 阳光审批
public-nav-lookup = 阳光审批 · 项目查询
public-nav-staff-login = 工作人员登录

login-title = 登录
login-username = 用户名
login-password = 密码
login-submit = 登录

confirm-title = 请确认
confirm-yes = 确认
confirm-no = 取消，返回
error-back = 返回上一页
error-home = 返回首页
error-title = 出错了
error-not-found-title = 未找到
error-not-found = 您要找的页面不存在，或您无权查看。
error-render = 页面生成失败

role-applicant = 项目单位
role-handler = 审批经办人
role-department_head = 部门负责人
role-office = 领导小组办公室
role-leader = 分管领导
role-inspector = 派驻纪检组
role-admin = 系统管理员
role-security_admin = 安全管理员
role-audit_admin = 审计管理员
api-error-bad-request = 请求格式有误
api-error-unauthorized = 请先登录
api-error-forbidden = 无权执行该操作
api-error-not-found = 未找到，或无权查看
api-error-method-not-allowed = 该地址不支持此请求方法
api-error-timeout = 请求处理超时，请稍后再试
api-error-payload-too-large = 请求内容过大
api-error-unsupported-media-type = 请求内容类型有误，应为 application/json
api-error-invalid = 请求内容有误
api-error-too-many-requests = 访问过于频繁，请稍后再试
api-error-internal = 系统暂时无法处理，请稍后再试
api-error-error = 请求未能完成
api-error-file = 服务器文件读写失败，请稍后再试或联系系统管理员
api-error-with-detail = { $sentence }：{ $detail }

## The web layer's own refusals: JSON the API could not read, tokens, the rate limits,
## cross-site writes, and what the public record's and the bulletins' API answer.
api-malformed = 请求格式有误：{ $detail }
api-malformed-hint = 请求格式有误（{ $hint }）：{ $detail }
api-hint-hotline-order = 需要 JSON 对象，字段均为字符串
api-hint-hotline-follow-up = 需要 satisfied（true 或 false）
api-hint-hotline-phone = 需要 phone
api-hint-hotline-action = 需要 action.type：assign、sign_for、handle、reply 或 follow_up
api-hint-hotline-substantiated = 需要 department、note，可选 item_type
api-hint-hotline-limits = 需要 category、urgency 以及 assign、sign_for、reply、follow_up 工作日数
api-hint-supervision-order = 需要 target、target_id、title、reason、required_action、deadline（YYYY-MM-DD）、responsible_person
api-hint-supervision-lift = 需要 result（办理结果）
api-hint-progress-report = 需要 period（报送期次，如 2026-04a）和 text（工作进展）
api-hint-report-schedule = 需要 half_monthly_until（YYYY-MM-DD）和 due_working_days
api-hint-inspector-departments = 需要 departments（部门代码列表）
api-hint-outside-approval = 需要 document_number 与 decided_on，日期格式 YYYY-MM-DD
api-supervision-target = 督办对象类型（target）应为 department、project 或 item
api-token-refused = API 令牌无效或已吊销
api-token-region = 令牌所属地区无效
api-too-many-requests = 访问过于频繁，请 { $seconds } 秒后再试
api-cross-site = 跨站请求已拒绝
api-public-unknown-project = 未找到该项目代码对应的项目，请核对项目代码（形如 2022-152529-44-01-012345）
api-public-empty-query = 查询参数 q 为空：请填写项目代码（或其开头部分）或项目名称中的文字
api-bulletin-final = 通报一经印发不得修改；如需更正，请由清理办发布更正通报
api-lookback-rule = 选取规则“{ $rule }”无效：应为 department_items、all_removals、late_approvals 或 all_closed
api-lookback-finding = 检查结论“{ $finding }”无效：应为 no_problem、problem_found 或 correction_needed
