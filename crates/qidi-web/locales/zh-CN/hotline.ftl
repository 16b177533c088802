# 12345热线工单页面：列表、登记、工单详情与办理，及投诉类别、紧急程度、状态、时限、办理环节的名称。
hotline-list-title = 12345热线工单
hotline-list-hint = 涉及审批的12345投诉由项目立项部门牵头办理；未匹配到项目的由领导小组办公室派单。来电人信息按规定保护。
hotline-enter-order = 登记工单
hotline-find-by-phone = 按来电人电话查找
hotline-find = 查找
hotline-all-orders = 全部工单
hotline-light = 预警
hotline-order-number = 工单编号
hotline-category = 类别
hotline-caller = 来电人
hotline-caller-unreadable = （来电人信息无法读取）
hotline-project = 项目
hotline-leading-department = 牵头部门
hotline-complained-department = 被投诉部门
hotline-status = 状态
hotline-limit = 时限
hotline-not-assigned = 待派单
hotline-escalated = 已升级
hotline-view = 查看
hotline-no-orders = 暂无工单。

hotline-new-title = 登记12345工单
hotline-complaint-category = 投诉类别
hotline-urgency = 紧急程度
hotline-caller-name = 来电人姓名
hotline-caller-phone = 来电人电话
hotline-project-code-optional = 项目代码（可选）
hotline-item-type-code-optional = 审批事项代码（可选）
hotline-text = 诉求内容
hotline-enter = 登记

hotline-order-title = 12345工单 { $number }
hotline-escalated-to-office = 已升级至领导小组办公室
hotline-reopened-times = 重办 { $n } 次
hotline-category-urgency = { $category }（{ $urgency }）
hotline-full-number-recorded = （完整号码，本次查看已记录）
hotline-unmask = 查看完整号码（将记录）
hotline-project-concerned = 涉及项目
hotline-item-type-concerned = 涉及事项
hotline-received-on = 受理日期
hotline-handling-note = 办理情况
hotline-reply-text = 答复内容
hotline-handling = 办理
hotline-assign = 派单
hotline-sign-for = 签收
hotline-handled = 办理完毕
hotline-reply-to-caller = 答复来电人
hotline-reply = 答复
hotline-follow-up-result = 回访结果
hotline-satisfied = 满意
hotline-unsatisfied = 不满意
hotline-unsatisfied-reopen = 不满意（重办）
hotline-note = 说明
hotline-record-follow-up = 登记回访
hotline-substantiations = 投诉属实认定
hotline-department-item = { $department }（{ $item }）
hotline-substantiated-against = 认定对{ $department }的投诉属实：{ $note }
hotline-no-substantiations = 尚无认定。
hotline-handling-department = 办理部门
hotline-item-type-code = 审批事项代码
hotline-reason = 理由
hotline-substantiate = 认定属实
hotline-history = 办理记录
hotline-history-time = 时间
hotline-history-step = 环节
hotline-history-actor = 办理人
hotline-back-to-list = 返回工单列表
hotline-unknown-action = 未知的操作
hotline-actor-platform = 12345热线平台
hotline-actor-system = 系统
hotline-result-with-note = { $result }：{ $note }
hotline-urge-detail = 已超期 { $n } 个工作日
hotline-escalate-detail = 已重办 { $n } 次

# 投诉类别（core hotline::Category）
hotline-category-blocked_submission = 阻挠申报
hotline-category-delay = 拖延办理
hotline-category-repeated_demands = 反复要求补充材料
hotline-category-attitude = 服务态度
hotline-category-other = 其他

# 紧急程度（Urgency）
hotline-urgency-normal = 一般
hotline-urgency-urgent = 紧急

# 工单状态（OrderState）
hotline-state-received = 待派单
hotline-state-assigned = 待签收
hotline-state-signed_for = 办理中
hotline-state-handled = 待答复
hotline-state-replied = 待回访
hotline-state-reopened = 重办中
hotline-state-closed = 已办结

# 时限（Clock）
hotline-clock-assign = 派单时限
hotline-clock-sign_for = 签收时限
hotline-clock-reply = 答复时限
hotline-clock-follow_up = 回访时限

# 办理记录的环节（事件 hotline.<环节>）
hotline-step-receive = 受理工单
hotline-step-assign = 派单
hotline-step-sign_for = 签收
hotline-step-handle = 办理
hotline-step-reply = 答复来电人
hotline-step-follow_up = 回访
hotline-step-escalate = 升级至领导小组办公室
hotline-step-urge = 催办
hotline-step-unmask = 查看来电人完整电话
hotline-step-substantiate = 认定投诉属实
hotline-step-other = 其他
hotline-sign-for-confirm = 签收后由本部门承办，不能撤回。确定签收吗？
hotline-substantiate-confirm = 认定属实将计入部门考核，不能撤回。确定认定吗？

## 被拒绝的步骤：表单已不再显示时，所填内容显示在拒绝理由下方
hotline-typed-not-saved = 您填写的内容未保存：
