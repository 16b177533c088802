# Messages: each person's message centre and delivery settings; the administrator's
# channels, delivery rules and send log.

## Message centre
messages-title = Message centre
messages-all = All messages
messages-unread-only = Unread only
messages-mark-all-read = Mark all as read ({ $n })
messages-col-time = Time
messages-col-kind = Kind
messages-col-subject = Subject
messages-view = View
messages-mark-read = Mark as read
messages-none = No messages.
messages-settings = Delivery settings
messages-settings-hint = Choose the channels each kind of message reaches you by. Email needs an address that the administrator records for your account
messages-no-email = {" "}(your account has none yet)
messages-settings-hint-end = . Choices marked “Required” or “Not sent” are set by the administrator and cannot be changed.
messages-col-category = Kind of message
messages-receive = Receive
messages-save-settings = Save settings
messages-saved = Your delivery settings are saved.
messages-kind-other = Message

## Send log
messages-log-title = Send log
messages-log-heading = Message send log
messages-log-hint = Every message sent by email or group robot: its channel, the attempts, and the receiver's answer. A failed message is retried automatically at intervals; after repeated failures it stops and the reason is kept. In-app messages are not listed.
messages-log-col-created = Created
messages-log-col-channel = Channel
messages-log-col-recipient = Recipient
messages-log-col-status = Status
messages-log-col-attempts = Attempts
messages-log-col-answer = Receiver's answer
messages-log-col-sent-at = Sent at
messages-log-sent = Sent
messages-log-given-up = Given up
messages-log-pending = Waiting
messages-log-none = Nothing has been sent yet.

## Message channels (administrator)
channel-title = Message channels
channel-hint =
    Besides each person's message centre and email, messages such as red and yellow light alerts and new applications can go to a department's or the office's shared mailbox, or to a WeCom or DingTalk group robot.
    A red light is also reported to the office.{" "}
channel-send-log-link = View the send log
channel-add-title = Add a channel
channel-col-department = Department
channel-col-kind = Type
channel-shared-mailbox = Shared mailbox
channel-target = Email address or webhook URL
channel-target-placeholder = zrzy@example.gov.cn or https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
channel-secret = DingTalk signing secret (optional)
channel-add = Add
channel-in-use = Channels in use
channel-col-target = Address
channel-col-signed = Signed
channel-col-id = ID
channel-signed-yes = Yes
channel-confirm-remove = Confirm removal
channel-remove = Remove
channel-none = No channel is set up yet.
channel-policy-title = Personal delivery rules
channel-policy-hint = How each kind of message reaches a person in the app and by email: the person's choice (on unless they turn it off), required (cannot be turned off), or not sent.
channel-save = Save
channel-office = Office (the banner's sweep office)
channel-added = Channel added. `qidi channel test ID` sends it a test message.
channel-removed = Channel removed.
channel-policy-saved = Message policy saved.
channel-choose-kind = Choose a channel type: email, or a WeCom or DingTalk group robot
channel-not-added = Not added: { $reason }
channel-error-department = Choose a department
channel-confirm-first = Tick “Confirm removal” before removing a channel.

## Kinds of message (MessageKind)
message-kind-light_change = Traffic light alerts
message-kind-new_application = New applications to accept
message-kind-applicant_update = One-time notices, acceptances and decisions
message-kind-missing_report = Reminders: check reports, sign-offs and progress reports
message-kind-bulletin = Monthly bulletins
message-kind-hotline = 12345 hotline work orders
message-kind-channel_test = Channel tests

## Channels (ChannelKind)
channel-kind-in_app = In-app message
channel-kind-email = Email
channel-kind-wecom = WeCom group robot
channel-kind-dingtalk = DingTalk group robot

## Delivery rules (ChannelRule)
channel-rule-optional = Person's choice
channel-rule-required = Required
channel-rule-forbidden = Not sent

## Cells of the choice tables: category and channel
messages-receive-label = Receive { $category }: { $channel }
channel-policy-cell-label = { $category }: { $channel }
