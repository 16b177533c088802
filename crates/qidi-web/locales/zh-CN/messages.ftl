# 消息：每个人的消息中心和接收设置，管理员的消息渠道、接收规定和发送记录。

## 消息中心
messages-title = 消息中心
messages-all = 全部消息
messages-unread-only = 只看未读
messages-mark-all-read = 全部标为已读（{ $n }）
messages-col-time = 时间
messages-col-kind = 类别
messages-col-subject = 标题
messages-view = 查看
messages-mark-read = 标为已读
messages-none = 暂无消息。
messages-settings = 接收设置
messages-settings-hint = 选择每类消息通过哪些渠道告知您。电子邮件需管理员为您的账户登记邮箱
messages-no-email = （您的账户尚未登记邮箱）
messages-settings-hint-end = 。标“必收”“不发送”的由管理员规定，不能更改。
messages-col-category = 消息类别
messages-receive = 接收
messages-save-settings = 保存设置
messages-saved = 已保存您的消息接收设置。
messages-kind-other = 消息

## 发送记录
messages-log-title = 发送记录
messages-log-heading = 消息发送记录
messages-log-hint = 每条经邮件或群机器人发出的消息：渠道、尝试次数和对方的应答。失败的消息按间隔自动重试，多次失败后停止并记录原因。站内消息不在此列。
messages-log-col-created = 生成时间
messages-log-col-channel = 渠道
messages-log-col-recipient = 接收方
messages-log-col-status = 状态
messages-log-col-attempts = 尝试
messages-log-col-answer = 对方应答
messages-log-col-sent-at = 发出时间
messages-log-sent = 已发送
messages-log-given-up = 已放弃
messages-log-pending = 待发送
messages-log-none = 暂无发送记录。

## 消息渠道（管理员）
channel-title = 消息渠道
channel-hint =
    红黄灯预警、新申请等消息除发到每个人的消息中心和邮箱外，还可发到部门或清理办的公共邮箱、企业微信或钉钉群机器人。
    红灯同时告知清理办。
channel-send-log-link = 查看发送记录
channel-add-title = 添加渠道
channel-col-department = 部门
channel-col-kind = 类型
channel-shared-mailbox = 公共邮箱
channel-target = 邮箱地址或 Webhook 地址
channel-target-placeholder = zrzy@example.gov.cn 或 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
channel-secret = 钉钉加签密钥（可选）
channel-add = 添加
channel-in-use = 在用渠道
channel-col-target = 地址
channel-col-signed = 加签
channel-col-id = 编号
channel-signed-yes = 是
channel-confirm-remove = 确认删除
channel-remove = 删除
channel-none = 尚未配置渠道。
channel-policy-title = 个人接收规定
channel-policy-hint = 每类消息经站内消息和电子邮件告知个人的规定：个人自选（默认接收，可关闭）、必收（不能关闭）或不发送。
channel-save = 保存
channel-office = 清理办（旗清理办公室）
channel-added = 已添加渠道。可用 `qidi channel test ID` 发送一条测试消息。
channel-removed = 已删除渠道。
channel-policy-saved = 已保存消息策略。
channel-choose-kind = 请选择渠道类型：电子邮件、企业微信或钉钉群机器人
channel-not-added = 未添加：{ $reason }
channel-error-department = 请选择部门
channel-confirm-first = 删除渠道前请勾选“确认删除”。

## 消息类别（MessageKind）
message-kind-light_change = 红黄灯预警
message-kind-new_application = 新申请待受理
message-kind-applicant_update = 补正告知、受理与审批结果
message-kind-missing_report = 核查反馈、签字与信息报送提醒
message-kind-bulletin = 月度通报
message-kind-hotline = 12345热线工单
message-kind-channel_test = 渠道测试

## 渠道（ChannelKind）
channel-kind-in_app = 站内消息
channel-kind-email = 电子邮件
channel-kind-wecom = 企业微信群机器人
channel-kind-dingtalk = 钉钉群机器人

## 接收规定（ChannelRule）
channel-rule-optional = 个人自选
channel-rule-required = 必收
channel-rule-forbidden = 不发送

## 选择表的格子：分类与渠道
messages-receive-label = 接收{ $category }：{ $channel }
channel-policy-cell-label = { $category }：{ $channel }
