# The 12345 hotline's pages: the list, entering an order, one work order and its handling,
# and the names of complaint categories, urgencies, states, clocks and history steps.
hotline-list-title = 12345 hotline work orders
hotline-list-hint = 12345 complaints about approvals are handled under the lead of the project's initiating department; the leading group office assigns those that match no project. Callers' details are protected as the rules require.
hotline-enter-order = Enter a work order
hotline-find-by-phone = Find by the caller's phone
hotline-find = Find
hotline-all-orders = All work orders
hotline-light = Light
hotline-order-number = Work order number
hotline-category = Category
hotline-caller = Caller
hotline-caller-unreadable = (the caller's details cannot be read)
hotline-project = Project
hotline-leading-department = Leading department
hotline-complained-department = Department complained about
hotline-status = Status
hotline-limit = Due
hotline-not-assigned = Not yet assigned
hotline-escalated = Escalated
hotline-view = View
hotline-no-orders = No work orders.

hotline-new-title = Enter a 12345 work order
hotline-complaint-category = Complaint category
hotline-urgency = Urgency
hotline-caller-name = Caller's name
hotline-caller-phone = Caller's phone
hotline-project-code-optional = Project code (optional)
hotline-item-type-code-optional = Item type code (optional)
hotline-text = Complaint
hotline-enter = Enter

hotline-order-title = 12345 work order { $number }
hotline-escalated-to-office = Escalated to the leading group office
hotline-reopened-times = { $n ->
    [one] 1 reopening
   *[other] { $n } reopenings
}
hotline-category-urgency = { $category } ({ $urgency })
hotline-full-number-recorded = (full number; this viewing is recorded)
hotline-unmask = Show the full number (recorded)
hotline-project-concerned = Project concerned
hotline-item-type-concerned = Item type concerned
hotline-received-on = Received on
hotline-handling-note = How it was handled
hotline-reply-text = Reply
hotline-handling = Handling
hotline-assign = Assign
hotline-sign-for = Sign for
hotline-handled = Mark as handled
hotline-reply-to-caller = Reply to the caller
hotline-reply = Reply
hotline-follow-up-result = Follow-up result
hotline-satisfied = Satisfied
hotline-unsatisfied = Not satisfied
hotline-unsatisfied-reopen = Not satisfied (reopen)
hotline-note = Note
hotline-record-follow-up = Record the follow-up
hotline-substantiations = Substantiated complaints
hotline-department-item = { $department } ({ $item })
hotline-substantiated-against = Complaint against { $department } found substantiated: { $note }
hotline-no-substantiations = None found substantiated yet.
hotline-handling-department = Handling department
hotline-item-type-code = Item type code
hotline-reason = Reason
hotline-substantiate = Record as substantiated
hotline-history = Handling record
hotline-history-time = Time
hotline-history-step = Step
hotline-history-actor = By
hotline-back-to-list = Back to the work orders
hotline-unknown-action = Unknown action
hotline-actor-platform = 12345 hotline platform
hotline-actor-system = System
hotline-result-with-note = { $result }: { $note }
hotline-urge-detail = { $n ->
    [one] 1 working day overdue
   *[other] { $n } working days overdue
}
hotline-escalate-detail = { $n ->
    [one] Reopened once
   *[other] Reopened { $n } times
}

# Complaint categories (core hotline::Category)
hotline-category-blocked_submission = Submission blocked
hotline-category-delay = Handling delayed
hotline-category-repeated_demands = Repeated demands for more materials
hotline-category-attitude = Service attitude
hotline-category-other = Other

# Urgency
hotline-urgency-normal = Normal
hotline-urgency-urgent = Urgent

# Work order states (OrderState)
hotline-state-received = To be assigned
hotline-state-assigned = To be signed for
hotline-state-signed_for = Being handled
hotline-state-handled = Awaiting reply
hotline-state-replied = Awaiting follow-up
hotline-state-reopened = Reopened
hotline-state-closed = Closed

# Clocks (Clock): shown before the due date
hotline-clock-assign = Assign by
hotline-clock-sign_for = Sign for by
hotline-clock-reply = Reply by
hotline-clock-follow_up = Follow up by

# Steps of the handling record (events hotline.<step>)
hotline-step-receive = Work order received
hotline-step-assign = Assigned
hotline-step-sign_for = Signed for
hotline-step-handle = Handled
hotline-step-reply = Replied to the caller
hotline-step-follow_up = Follow-up
hotline-step-escalate = Escalated to the leading group office
hotline-step-urge = Urging notice
hotline-step-unmask = Caller's full phone viewed
hotline-step-substantiate = Found substantiated
hotline-step-other = Other
hotline-sign-for-confirm = Once signed for, the work order is your department's and this cannot be undone. Sign for it?
hotline-substantiate-confirm = A substantiated complaint counts in the department's assessment and cannot be withdrawn. Record it?

## A refused step whose form is no longer shown: what was written, under the refusal
hotline-typed-not-saved = What you wrote was not saved:
