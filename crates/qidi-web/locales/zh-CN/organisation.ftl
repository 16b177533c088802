# 工作与组织机构（/campaigns）和部门名录（/catalogue/departments）；组织机构和节点完成情况的名称。

campaign-title = 工作与组织机构
campaign-intro = 每项大起底工作有自己的时间节点、台账、基线和组织机构。节点是否完成由系统根据记录判断：核查清单推送、部门台账签字、全旗台账签字、移出申请审定、部门上线办理和基线核减。最新开始的工作为当前工作，以前的工作及其记录保留。
campaign-current = 当前工作
campaign-span = { $from } 至 { $to }
campaign-col-date = 日期
campaign-col-milestone = 节点
campaign-col-state = 完成情况
campaign-organisation = 组织机构
campaign-body-empty = 尚未填写。
campaign-edit-body = 修改{ $body }
campaign-members-label = 每行一人：“职位：姓名 职务”，同一职位的后续人员可省略职位（可直接粘贴方案原文）
campaign-save = 保存
campaign-new-heading = 设立新一轮工作
campaign-new-hint = 按 2022 年方案的节点间隔预填，可修改。新工作设立后成为当前工作，沿用上一轮的组织机构（可再修改）；上一轮的台账、基线和记录保留。
campaign-new-confirm = 设立后新工作即成为当前工作，各部门须按新工作重新推送清单和签字。确定设立吗？
campaign-new-code = 工作代码（小写字母、数字、连字符）
campaign-new-name = 工作名称
campaign-new-starts-on = 开始日期
campaign-new-ends-on = 结束日期
campaign-new-milestones = 时间节点（每行“日期 名称”）
campaign-new-submit = 设立
campaign-default-name = 待批项目大起底
campaign-invalid-date = { $field }“{ $value }”不是有效日期

# 组织机构（organisation Body）。
organisation-body-leading_group = 领导小组
organisation-body-office = 领导小组办公室
organisation-body-work_team = 工作专班
organisation-body-error = { $body }：{ $error }

# 节点完成情况（MilestoneState）。
milestone-state-met = 已完成（{ $on }）
milestone-state-met_late = 逾期完成（{ $on }）
milestone-state-missed = 未按期完成
milestone-state-open = 进行中
milestone-state-unjudged = —

catalogue-departments-title = 部门名录
catalogue-departments-intro = 立项部门和前期手续办理部门。别名是台账文件中对同一部门的其他写法（名称中的盟旗名称会自动去掉）。新增、改名和撤销由领导小组办公室进行，全部留痕；撤销的部门不再匹配台账文件中的名称，已有台账和记录保留。
catalogue-departments-item-types-link = 审批事项目录
catalogue-departments-new = 新增部门
catalogue-departments-new-code = 部门代码（小写字母、数字、下划线，如 rfb）
catalogue-departments-new-name = 部门名称
catalogue-departments-aliases = 别名（用顿号分隔）
catalogue-departments-initiates-pushes = 立项部门（推送核查清单）
catalogue-departments-add = 新增
catalogue-departments-col-code = 代码
catalogue-departments-col-name = 名称
catalogue-departments-col-aliases = 别名
catalogue-departments-col-initiates = 立项部门
catalogue-departments-col-handles = 办理的审批事项
catalogue-departments-col-state = 状态
catalogue-departments-col-actions = 操作
catalogue-departments-separator = 、
catalogue-departments-yes = 是
catalogue-departments-no = 否
catalogue-departments-retired = 已撤销
catalogue-departments-in-use = 在用
catalogue-departments-edit = 修改
catalogue-departments-name = 名称
catalogue-departments-initiates = 立项部门
catalogue-departments-save = 保存
catalogue-departments-restore = 恢复
catalogue-departments-retire = 撤销
catalogue-departments-retire-confirm = 撤销后，台账文件中的“{ $name }”将不再被识别，也不能再办理新增的审批事项。确定撤销吗？
