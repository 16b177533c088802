# 阳光审批（公开页面，无需登录）：查询与统计、项目审批全程记录、公示牌二维码、燃尽图；
# 以及待批事项状态的名称（项目页也用）。

public-title = 阳光审批
public-heading = 阳光审批：待批项目审批全程公开
public-intro = 任何人无需登录即可按项目代码或项目名称查询项目的审批进度。本页面不公开任何个人信息、经办人员、联系电话、申请材料和内部意见。
public-search-label = 项目代码或项目名称
public-search-placeholder = 如 2022-152529-44-01-012345，或“风电场”
public-search-submit = 查询
public-results = 查询结果
public-no-results = 没有找到项目代码或名称与“{ $q }”相符的项目。请核对项目代码，或换用项目名称中的几个字查询。
public-results-limit = 只列出前 50 个项目，请输入更完整的项目代码或名称。
public-project-code = 项目代码
public-project-name = 项目名称
public-initiating-department = 立项部门
public-pending-items = 待批事项
public-granted-items = 已批复

public-stats-heading = { $subject } · 全域统计
public-stats-default-subject = 待批事项
public-stats-empty = 台账基线尚未建立，暂无统计数据。
public-stat-baseline = 基线待批事项
public-stat-additions = 后续新增
public-stat-approved = 已审批核减
public-stat-removed = 依规移出核减
public-stat-remaining = 剩余待批
public-stats-progress = 截至 { $on }，已完成 { $percent }%
public-stats-until = ，工作期至 { $on }
public-stats-full-stop = 。
public-burndown-heading = 剩余待批事项（按周）
public-burndown-caption = 红线为每周剩余待批事项，虚线为按期清零的进度。
public-burndown-data = 查看每周数据
public-col-date = 日期
public-col-remaining = 剩余待批
public-on-time-heading = 各办理部门按时办结率
public-no-departments = 暂无办理部门。
public-col-department = 办理部门
public-col-on-time = 按时办结
public-col-late = 超期办结
public-col-deemed = 逾期视为受理
public-col-rate = 按时率
public-on-time-hint = 按各审批环节时限（一次性告知、初审、承诺审批、转报）的办结记录计算；“—”表示尚无办结记录。
public-api-label = 数据接口：
public-api-more = 、/api/v1/public/projects?q=查询词、/api/v1/public/projects/项目代码

# 燃尽图（SVG）。
public-chart-title = 剩余待批事项（按周）
public-chart-desc = { $start }，{ $end }
public-chart-start = 自 { $on } 的 { $n } 项起
public-chart-end = 至 { $on } 剩余 { $n } 项
public-chart-point = { $on } 剩余 { $n } 项
public-chart-actual = 实际剩余
public-chart-ideal = 按期清零

public-back = ← 阳光审批首页
public-initiated-year = 立项年度
public-stage = 建设状态
public-library = 项目库
public-in-library = 在库
public-removed = 已移出项目库
public-item-counts = 待批 { $pending } 项，已批复 { $granted } 项
public-qr-alt = 本页二维码
public-qr-caption = 扫码查看本页
public-items-heading = 待批事项办理情况
public-col-item-type = 审批事项
public-col-status = 状态
public-col-light = 红绿灯
public-col-clock = 当前时限
public-col-lateness = 时限记录
public-not-applied = 尚未申请
public-submitted-on = 首次提交 { $on }
public-decided-on = 决定 { $on }
public-clock = { $clock }：{ $used }
public-clock-used-working_days = 已用 { $used }/{ $limit } 个工作日
public-clock-used-calendar_days = 已用 { $used }/{ $limit } 日
public-clock-paused = （计时中止）
public-clock-due = 至 { $on }
public-provisional = （暂定）
public-ledger-due = 完成时限 { $on }
public-lateness-late-working_days = { $clock }超期 { $days } 个工作日办结
public-lateness-late-calendar_days = { $clock }超期 { $days } 日办结
public-lateness-on_time = { $clock }按时办结（{ $used }）
public-lateness-used-working_days = 用时 { $used }/{ $limit } 个工作日
public-lateness-used-calendar_days = 用时 { $used }/{ $limit } 日
public-lateness-deemed = { $clock }届满未告知，视为受理
public-no-items = 该项目没有待批事项。
public-timeline-heading = 审批全程记录
public-no-steps = 尚无审批办理记录。
public-col-step = 环节
public-col-by = 办理方
public-col-state-after = 办理后状态
public-col-interval = 间隔工作日
public-col-timeliness = 时限情况
public-side-unit = 项目单位
public-side-department = 审批部门
public-side-recorder = 上级结果录入
public-side-system = 起底系统
public-detail-document-number = 批复文号 { $number }
public-detail-higher-document-number = 上级批复文号 { $number }
public-detail-deemed = 依法自收件之日 { $on } 起视为受理
public-footnote = 工作日按国家法定节假日和调休安排计算，事件当日不计入，依法中止计时的期间不计入。本页不公开个人信息、经办人员、联系电话、申请材料、内部意见和一次性告知书内容。
public-print-qr = 打印公示牌二维码

public-qr-title = 公示牌二维码
public-qr-code = 项目代码：{ $code }
public-qr-image-alt = 项目审批进度查询二维码
public-qr-scan = 扫码查看本项目审批全程记录（阳光审批）
public-qr-download-svg = 下载 SVG
public-qr-download-png = 下载 PNG
public-qr-print = 用浏览器“打印”即可按 A4 打印本页。

public-not-found = 未找到该项目代码对应的项目。请核对项目代码（形如 2022-152529-44-01-012345），或在“阳光审批”首页（/public）按项目名称查询。
public-render-failed = 页面生成失败，请稍后再试
public-qr-too-long = 二维码生成失败：公开访问地址（QIDI_PUBLIC_URL）过长
public-qr-png-failed = 二维码图片生成失败

# 待批事项状态（pending_items.status）。
item-status-pending = 待批
item-status-granted = 已批复
