# 督办与信息报送页面：挂牌督办、督办详情、各部门报送情况、报送表单，及督办对象、报送状态、报送期次的名称。
supervision-title = 督办与信息报送
supervision-hint = 对工作推进缓慢、未实现线上审批的部门和项目挂牌督办，督办时限按工作日亮灯（临近时限黄灯，超过时限红灯），办结后由领导小组办公室解除并记录办理结果。各部门按期报送工作进展：{ $until } 前每半月报送，此后按月报送，期末后 { $days } 个工作日内报送。
supervision-orders-heading = 挂牌督办
supervision-light = 预警
supervision-order-title = 督办名称
supervision-target = 督办对象
supervision-target-named = { $target }：{ $name }
supervision-responsible-department = 责任部门
supervision-responsible-person = 责任人
supervision-issued-on = 挂牌日期
supervision-deadline = 督办时限
supervision-status = 状态
supervision-lifted = 已解除
supervision-days-overdue = 已超期 { $n } 个工作日
supervision-lifted-on = { $date } 解除
supervision-open = 督办中
supervision-no-orders = 暂无督办事项。
supervision-issue-heading = 挂牌督办
supervision-form-department = 部门（督办部门时）
supervision-form-project-code = 项目代码（督办项目或事项时）
supervision-form-item-type = 审批事项名称或代码（督办事项时）
supervision-reason = 督办事由
supervision-required-action = 整改要求
supervision-issue = 挂牌督办
supervision-reports-heading = 信息报送
supervision-latest-period = 最近一期：{ $period }（{ $span }）
supervision-span = { $from } 至 { $to }
supervision-due-by = ，应于 { $due } 前报送。
supervision-see-reports = 查看各部门报送情况 →
supervision-department = 部门
supervision-first-filed = 首次报送
supervision-no-departments-due = 暂无需报送的部门。
supervision-file-own = 填报本部门{ $period }工作进展 →
supervision-no-ended-period = 本工作期尚无已结束的报送期次。

supervision-issued = 挂牌
supervision-date-by = { $date }（{ $by }）
supervision-deadline-warn = { $deadline }（{ $warn } 起黄灯）
supervision-past-deadline = ，超过时限 { $n } 个工作日
supervision-lifted-heading = 解除
supervision-result = 办理结果
supervision-view-project = 查看项目 →
supervision-lift = 解除督办
supervision-typed-not-saved = 您填写的办理结果未保存：

supervision-file-title = 报送工作进展
supervision-file-for = 报送工作进展：{ $period }
supervision-report-period-span = 报送期 { $span }
supervision-filed-before = 本期已于 { $date } 报送第 { $version } 版；再次报送将形成新版本，原版本保留。
supervision-report-period = 报送期次
supervision-switch = 切换
supervision-figures-heading = 办理数据（按系统记录预填）
supervision-figure-pending = 待批事项
supervision-figure-approved = 本期办结
supervision-figure-removed = 本期移出
supervision-figure-overdue = 本期超期
supervision-count = { $n } 个
supervision-progress = 工作进展
supervision-file = 报送

supervision-reports-title = 信息报送 { $period }
supervision-reports-for = 信息报送：{ $period }
supervision-due-by-lapses = ，应于 { $due } 前报送。逾期或未报送的部门：
supervision-lapses-unit = 个。
supervision-period-option = { $period }（{ $due } 前）
supervision-view = 查看
supervision-latest-version = 最新版本
supervision-version-filed = 第 { $version } 版，{ $filed }
supervision-filed-on-by = { $date }，{ $by }
supervision-reports-filed = 报送内容
supervision-version = 第 { $version } 版
supervision-updates-previous = （更新前一版）
supervision-report-pending = 待批事项 { $n } 个；
supervision-report-approved-removed = 本期办结 { $approved } 个，移出 { $removed } 个，
supervision-report-overdue = 超期 { $n } 个。
supervision-no-reports = 本期尚无报送。
supervision-schedule = 报送安排
supervision-schedule-set = 已设置。
supervision-schedule-default = 按工作方案默认（未确认）：全部部门上线办理节点前每半月报送，此后按月；期末后 3 个工作日内报送。
supervision-half-monthly-until = 半月报截止日期
supervision-due-working-days = 报送时限（期末后工作日数）
supervision-save = 保存

supervision-error-office-issues = 只有领导小组办公室可以挂牌督办
supervision-error-choose-target = 督办对象：请选择部门、项目或待批事项
supervision-error-no-project = 督办对象：未找到项目代码为“{ $code }”的项目
supervision-error-no-project-or-item = 督办对象：未找到项目代码为“{ $code }”的项目或该项目的此项待批事项
supervision-error-choose-deadline = 督办时限：请选择日期
supervision-error-department-files = 只有本部门的部门负责人或经办人可以报送工作进展
supervision-error-no-ended-period = 本工作期尚无已结束的报送期次
supervision-error-office-schedules = 只有领导小组办公室可以设置信息报送安排
supervision-error-schedule-blank = 报送安排：请填写半月报截止日期和报送时限（工作日数）
supervision-schedule-error = 报送安排：{ $message }

# 报送期次的名称：月份数字（英文为月名），及按月、上半月、下半月的期次
supervision-month-name = { $month }
supervision-period-month = { $year }年{ $month }月
supervision-period-first-half = { $year }年{ $month }月上半月
supervision-period-second-half = { $year }年{ $month }月下半月

# 督办对象（core supervision::OrderTarget）
order-target-department = 部门
order-target-project = 项目
order-target-item = 待批事项

# 报送状态（core progress_report::ReportState）
report-state-open = 待报送
report-state-on_time = 按时报送
report-state-late = 逾期报送
report-state-missing = 未报送
supervision-lift-confirm = 解除督办后不能恢复。确定解除吗？
