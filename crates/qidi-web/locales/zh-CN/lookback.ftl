# 回头看：组织回头看、选取规则与抽样、检查结论、整改与汇总。

## 回头看列表
lookback-title = 回头看
lookback-hint = 对已办结的审批事项和移出项目库的项目进行复查：按规则全部选取，或按数量随机抽取（随机种子保存，可复现同一批抽样）。发现问题的限期整改，整改期限按工作日亮灯。
lookback-open-title = 组织回头看
lookback-name = 名称
lookback-rule = 选取规则
lookback-option-department-items = 某部门全部已办结事项
lookback-department = 部门（按部门选取时）
lookback-sample-size = 随机抽取数量（留空为全部）
lookback-seed = 随机种子（留空自动生成）
lookback-start = 开始
lookback-col-sample = 抽样
lookback-col-opened = 开始
lookback-col-closed = 结束
lookback-sample-of = { $size } 件（种子 { $seed }）
lookback-sample-all = 全部
lookback-in-progress = 进行中
lookback-none = 尚无回头看。

## 选取规则（Rule）
lookback-rule-department_items = 部门（{ $department }）全部已办结事项
lookback-rule-all_removals = 全部移出项目库的项目
lookback-rule-late_approvals = 全部超期办结的审批
lookback-rule-all_closed = 全部已办结事项和移出项目

## 一次回头看
lookback-detail-sample = ，随机抽取 { $size } 件（种子 { $seed }）
lookback-detail-opened = ；{ $date } 开始
lookback-detail-closed = ，{ $date } 结束
lookback-detail-in-progress = ，进行中
lookback-detail-end = 。
lookback-summary-items = 共 { $n } 件：
lookback-summary-findings = 未发现问题 { $no_problem }，发现问题 { $problem_found }，
lookback-summary-open = 需要整改 { $correction_needed }，尚未检查 { $unreviewed }；
lookback-summary-corrections = 已整改 { $corrected }，未整改 { $open }
lookback-summary-overdue = （超期 { $red }）。
lookback-col-position = 序号
lookback-col-object = 检查对象
lookback-col-department = 部门
lookback-col-finding = 结论
lookback-col-correction = 整改
lookback-col-light = 预警
lookback-col-record = 记录
lookback-due = 期限 { $date }
lookback-corrected-on = ，{ $date } 已整改
lookback-note-placeholder = 问题
lookback-correction-placeholder = 整改要求
lookback-record = 记录
lookback-corrected-note-placeholder = 整改情况
lookback-confirm-corrected = 确认整改完成
lookback-close = 结束回头看
lookback-unreviewed = 未检查

## 检查结论（Finding）
lookback-finding-no_problem = 未发现问题
lookback-finding-problem_found = 发现问题
lookback-finding-correction_needed = 需要整改

## 表单的错误
lookback-error-department = 按部门选取时须选择部门
lookback-error-rule = 选取规则“{ $rule }”无效：应为 department_items、all_removals、late_approvals 或 all_closed
lookback-error-finding = 检查结论“{ $finding }”无效：应为 no_problem、problem_found 或 correction_needed
lookback-error-sample-size = 抽样数量“{ $value }”应为正整数
lookback-error-seed = 随机种子“{ $value }”应为非负整数
lookback-error-deadline = 整改期限“{ $value }”不是日期（如 2026-06-30）
lookback-finding-label = 核查结论
lookback-deadline-label = 整改期限
lookback-close-confirm = 办结后不能再记录问题。确定办结本次回头看吗？
