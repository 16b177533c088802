# Messages qidi sends to a person (in-app, e-mail), in English. The Chinese is in
# qidi-core's message.rs, where each message is written; group channels (a
# department's mailbox, robots) always get the Chinese.

msg-view = View
msg-view-at = View: { $url }
msg-light = { $light }

## The daily light digest
msg-digest-subject-yellow = [Yellow light] { $on }: { $yellow ->
    [one] 1 item is near its time limit
   *[other] { $yellow } items are near their time limit
}
msg-digest-subject-red = [Red light] { $on }: { $red ->
    [one] 1 item is overdue
   *[other] { $red } items are overdue
}
msg-digest-subject-both = [Red light] { $on }: { $red } overdue, { $yellow } near their time limit
msg-digest-col-light = Light
msg-digest-col-code = Project code
msg-digest-col-name = Project
msg-digest-col-item-type = Approval item
msg-digest-col-department = Department
msg-digest-col-due = Time limit
msg-digest-col-overdue = Working days overdue
msg-digest-overdue = , { $days ->
    [one] 1 working day overdue
   *[other] { $days } working days overdue
}
msg-digest-line = [{ $light }] { $name } ({ $code }) { $item_type }, { $department }, due { $due }{ $overdue }
msg-digest-more = { $more } more items are not listed; sign in to see them.
msg-digest-footer = Please act in time. Overdue items are counted in the monthly bulletin and in the department's assessment.

## Lines of a message
msg-line-project = Project: { $name } ({ $code })
msg-line-item-type = Approval item: { $item_type }
msg-line-department = Handling department: { $department }
msg-line-what = What happened: { $what }
msg-line-due = Time limit: { $due }
msg-line-unit-department = Department: { $department }
msg-line-missing-answers = Items without a check result: { $missing }
msg-line-answer-due = Results due: { $due }
msg-line-signature-due = Signature due: { $due }
msg-line-period = Reporting period: { $period }
msg-line-report-due = Report due: { $due }
msg-period = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }{ $half ->
    [first] , first half
    [second] , second half
   *[none] {""}
}
msg-line-number = Document number: { $number }
msg-line-title = Title: { $title }
msg-line-overdue-items = Overdue items: { $items }
msg-line-order = Work order: { $order }
msg-line-category = Complaint category: { $category }
msg-line-hotline-project = Project concerned: { $project }

## Applications
msg-new-application-subject = [To accept] { $name } · { $item_type }
msg-applicant-update-subject = [Approval progress] { $name } · { $item_type }: { $what }
msg-step-submit = The project unit submitted an application; accept it or issue a one-time correction notice within the time limit.
msg-step-resubmit = The project unit corrected and resubmitted the application; please review it promptly.
msg-step-return-numbered = A one-time correction notice was issued ({ $number }); please supply every material it lists at once.
msg-step-return = A one-time correction notice was issued; please supply every material it lists at once.
msg-step-accept = Accepted; the approval time limit has started.
msg-step-deem-accept = No correction notice came within its time limit, so by law the application counts as accepted from { $received }.
msg-step-extend = The department head extended the approval time limit: { $reason }
msg-step-approve = Approved ({ $number })
msg-step-refuse = Refused: { $reasons }
msg-step-forward = Forwarded to { $authority } for approval
msg-step-higher-approve-numbered = Approved by the higher authority ({ $number })
msg-step-higher-approve = Approved by the higher authority
msg-step-higher-refuse = Refused by the higher authority

## Reminders
msg-missing-check-subject = [Check results due] { $department } has { $missing } items without a check result; due { $due } ({ $stage })
msg-missing-check-ask = Please give each item's check result within the time limit and sign.
msg-missing-signature-subject = [Ledger signature due] { $department } has not signed its ledger of pending items; due { $due } ({ $stage })
msg-missing-signature-ask = The department head checks the department's ledger and signs it; once signed, the ledger is the baseline and only shrinks.
msg-missing-progress-subject = [Progress report due] { $department } has not filed its progress report for { $period }; due { $due } ({ $stage })
msg-missing-progress-ask = The department head or a handler files this period's progress report in qidi (the figures are filled in from the record).

## Bulletins
msg-bulletin-subject = [Bulletin] { $number } { $title }
msg-bulletin-download = View it in qidi and download the Excel and Word versions.

## 12345 work orders
msg-hotline-assigned = [12345 work order] { $order } ({ $category }) is assigned to your department to lead
msg-hotline-urging = [Urging] 12345 work order { $order } is { $days } working days overdue; please handle and answer it promptly
msg-hotline-escalated = [Escalated] 12345 work order { $order } was reopened { $reopenings } times and the caller is still not satisfied
msg-hotline-caller-protected = The caller's details are protected; read the request and handle it in qidi.

## Channel test
msg-channel-test-subject = [qidi] Channel test
msg-channel-test-body = A test message, to confirm that the channel “{ $channel }” receives qidi's notifications.
msg-channel-test-no-reply = No reply is needed.
