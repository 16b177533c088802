# 台账概览（首页）、项目页、修改密码页；预计办结和到期提示的名称。

home-title = 台账概览
home-heading = 待批项目台账概览
home-list-separator = 、

home-unit-heading = 我的项目
home-unit-projects = 项目
home-unit-on-unit = 待我方补正或提交
home-unit-not-applied = 尚未申请
home-unit-on-department = 待部门办理
home-unit-department-late = 部门已超期
home-unit-late-hint = 红灯表示办理部门已超过办理时限，责任在部门，不在项目单位。
home-unit-waiting = ：{ $state }
home-unit-all = 全部项目和申请 →
home-unit-more = 另有 { $count } 件待我方办理，见待办 →

home-work-heading = 本部门待办
home-work-total = 待办申请
home-work-red = 红灯
home-work-today = 今日到期
home-work-next = 下一个工作日到期
home-work-none = 暂无待办申请。
home-work-all = 全部 { $n } 件待办 →
home-clock-paused = 计时中止

home-col-light = 预警
home-col-project = 项目
home-col-pending-item = 待批事项
home-col-state = 状态
home-col-due = 到期日
home-col-item-type = 审批事项
home-col-department = 办理部门
home-col-pending-items = 待批事项
home-col-projects = 涉及项目
home-col-days-overdue = 超期工作日
home-col-date = 日期
home-col-milestone = 节点
home-col-milestone-state = 完成情况

home-stat-projects = 在库项目
home-stat-items = 待批事项
home-stat-departments = 涉及办理部门
home-by-department = 各办理部门待批事项
home-none-in-scope = 您的权限范围内暂无待批事项。
home-library-link = 查看项目库 →

home-burndown-heading = 基线核减进度
home-latest-bulletin = 最新通报：
home-overdue-heading = 超期申请
home-overdue-heading-overseen = 超期申请（{ $departments }）
home-overdue-before = 共
home-overdue-after = 件超期
home-overdue-sorted = ，按超期工作日排列
home-overdue-end = 。
home-overdue-all-red = 全部红灯申请 →
home-milestones = { $campaign } 时间节点
home-campaigns-link = 工作与组织机构

# 按近期核减速度的预计（Forecast）。
forecast-no_baseline = 尚未形成基线
forecast-done = 基线事项已全部核减
forecast-on = 按近 4 周每周核减约 { $per_week } 个的速度，预计 { $on } 全部核减
forecast-stalled = 近 4 周没有核减，按此速度无法办结

# 到期提示（DueSoon）。
due-soon-overdue = 已超期
due-soon-today = 今日到期
due-soon-next_working_day = 下一个工作日到期

project-code = 项目代码
project-owner = 项目单位
project-initiating-department = 立项部门
project-year = 立项年度
project-investment = 总投资
project-investment-wan = { $amount } 万元
project-stage = 建设状态
project-timeline-link = 审批全流程记录 →
project-public-label = 阳光审批：
project-public-page = 公开页面
project-public-qr = 打印公示牌二维码
project-qr-files-before = （
project-qr-files-after = ）
project-pending-items = 待批事项
project-col-item-type = 审批事项
project-col-department = 办理部门
project-col-status = 状态
project-col-responsible = 责任人
project-col-due = 完成时限
project-provisional = （暂定）
project-no-items = 无您可查看的待批事项。
project-add-heading = 补录待批事项
project-add-hint = 台账建立后新发现的待批事项。本部门台账已签字确认的，补录的事项记入基线，标为“新增”。
project-add-item-type = 审批事项
project-add-type-option = { $item }（{ $department }）
project-add-responsible = 责任人
project-add-due = 完成时限
project-add-note = 备注
project-add-submit = 补录

password-title = 修改密码
password-must-change = 首次登录须修改初始密码后才能继续使用。
password-current = 当前密码
password-new = 新密码
password-confirm = 确认新密码
password-rules = 至少 8 位，包含大写字母、小写字母、数字、符号中的三类，且不含用户名。
password-save = 保存
password-mismatch = 两次输入的新密码不一致
password-same = 新密码不能与当前密码相同
password-current-wrong = 当前密码不正确：{ $reason }
