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
