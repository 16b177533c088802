# 部门考核页面：排名、得分明细、考核方案、立项部门评价，及等次、考核项、方案各项的名称。
assessment-title = 部门考核
assessment-hint = 考核结果由审批全程留痕记录（计时记录、一次性告知、12345投诉及回访、网上申请、立项部门评价）按考核方案即时计算，不另行保存；同一期间任何时候重新计算结果相同。
assessment-period = 考核期
assessment-view = 查看
assessment-edit-profile = 修改考核方案
assessment-profile = 考核方案
assessment-entries = 立项部门评价
assessment-computed-with = 按考核方案第 { $version } 版计算（第 0 版为系统默认方案）。
assessment-rank = 名次
assessment-department = 部门
assessment-score = 得分
assessment-grade = 等次
assessment-online = 网上办理
assessment-yes = 是
assessment-no = 否
assessment-details = 得分明细
assessment-no-departments = 没有可考核的部门。

assessment-department-title = { $department } 考核得分明细
assessment-grade-lead = ，等次
assessment-rank-version = ，第 { $rank } 名（考核方案第 { $version } 版）。
assessment-back-to-ranking = 返回排名
assessment-term = 考核项
assessment-value = 取值
assessment-weight = 分值
assessment-evidence = 依据
assessment-average-days = 各审批事项平均用时
assessment-item-type = 审批事项
assessment-closed-count = 办结件数
assessment-average-working-days = 平均用时（工作日）
assessment-no-closed = 本期没有办结的审批。

# 考核项的取值与分值
assessment-no-records-full = 无记录（按满分计）
assessment-no-records-none = 无记录（不得分）
assessment-no-online = 本期无网上受理的申请
assessment-rate = { $fraction }（{ $percent }）
assessment-online-yes = 是（本期网上申请 { $n } 件）
assessment-entries-value = { $n } 条，平均 { $average } 分
assessment-count = { $n } 件
assessment-points = { $points } 分
assessment-points-each = 每件 -{ $points } 分

assessment-entries-hint = 立项部门牵头办理投诉、推进项目前期手续，对办理部门的配合和办理情况打分（0–100分）并写明意见，计入办理部门当期考核。
assessment-rate-department = 评价办理部门
assessment-rated-department = 被评价部门
assessment-entry-score = 评分
assessment-project-code-optional = 涉及项目代码（可选）
assessment-entry-comment = 评价意见
assessment-submit-entry = 提交评价
assessment-entries-period = 期间
assessment-date = 日期
assessment-rated-by = 评价部门
assessment-project = 项目
assessment-comment = 意见
assessment-no-entries = 本期没有评价。

assessment-profile-hint = 当前为第 { $version } 版（第 0 版为系统默认方案）。每次修改保存为新的一版，已结束期间可按任一版重新计算。各项分值可带两位小数。
assessment-profile-saved = 已保存为新的一版。
assessment-profile-name = 方案名称
assessment-empty-gets-full = 本期无记录的按时率、满意率、评价项按满分计
assessment-save-version = 保存为新版本

assessment-error-field = “{ $field }”填写有误：“{ $value }”不是数字（可带两位小数）
assessment-error-score = 评分填写有误：“{ $value }”不是 0 到 100 之间的数字

# 考核期的名称
assessment-period-month = { $year }年{ $month }月
assessment-period-quarter = { $year }年第{ $quarter }季度
assessment-period-campaign = { $name }（{ $span }）
assessment-span = { $first } 至 { $last }

# 等次（core assessment::Grade）
assessment-grade-excellent = 优秀
assessment-grade-good = 良好
assessment-grade-pass = 合格
assessment-grade-fail = 不合格

# 考核项（Term 的 key）
assessment-term-notice = 补正告知按时率
assessment-term-initial_review = 初审按时率
assessment-term-forward = 转报按时率
assessment-term-decision = 承诺时限内办结率
assessment-term-satisfaction = 来电人满意率
assessment-term-online = 网上办理
assessment-term-entries = 立项部门评价
assessment-term-breaches = 违反一次性告知
assessment-term-deemed = 视为受理
assessment-term-overdue = 超期事项
assessment-term-complaints = 收到投诉
assessment-term-substantiated = 投诉属实
assessment-term-late_reports = 信息报送迟报漏报

# 考核方案各项（FIELDS 的 key）
assessment-field-notice_weight = 补正告知按时率（分）
assessment-field-initial_review_weight = 初审按时率（分）
assessment-field-forward_weight = 转报按时率（分）
assessment-field-decision_weight = 承诺时限内办结率（分）
assessment-field-satisfaction_weight = 来电人满意率（分）
assessment-field-online_weight = 网上办理（分）
assessment-field-entries_weight = 立项部门评价（分）
assessment-field-breach_deduction = 每件违反一次性告知扣分
assessment-field-deemed_deduction = 每件视为受理扣分
assessment-field-overdue_deduction = 每件超期事项扣分
assessment-field-complaint_deduction = 每件投诉扣分
assessment-field-substantiated_deduction = 每件投诉属实扣分
assessment-field-late_report_deduction = 每次信息报送迟报漏报扣分
assessment-field-excellent = 优秀分数线
assessment-field-good = 良好分数线
assessment-field-pass = 合格分数线
