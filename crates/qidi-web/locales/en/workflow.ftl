# Approval handling: my projects, the inbox, the application page, the one-time notice,
# a project's full record, the item types; and the labels of the codes these pages show
# (application states, steps, kinds of time limit, pause circumstances, authority levels, units).

## Shared
workflow-list-separator = ,{" "}
workflow-project = Project
workflow-owner = Owner
workflow-item-type = Item type
workflow-handling-department = Handling department
workflow-authority-level = Authority level
workflow-promised-limit = Promised limit
workflow-statutory-limit = Statutory limit
workflow-state = Status
workflow-due-on = Due
workflow-material = Material
workflow-problem = Problem
workflow-remedy = What to correct
workflow-reasons = Reasons
workflow-document-number = Document number
workflow-all = All
workflow-choose = (choose)
workflow-view = View
workflow-save = Save
workflow-provisional = {" "}(provisional)
workflow-clock-paused = Clock paused
workflow-breaks-one-time-rule = Breaks the one-time notice rule
workflow-after-notice-limit = After the notice limit
workflow-timeline = Full record
# The length of a time limit: { $n } days.
workflow-days-working = { $n ->
    [one] { $n } working day
   *[other] { $n } working days
}
workflow-days-calendar = { $n ->
    [one] { $n } calendar day
   *[other] { $n } calendar days
}

## My projects
workflow-my-title = My projects
workflow-my-hint = An owner may submit an application at any time. Upload every material on the checklist before you submit; if the application is returned for correction, you receive a one-time notice.
workflow-my-state = Application status
workflow-my-clock = Time limit
workflow-my-action = Action
workflow-my-open-prerequisites = Prerequisites not yet completed: { $list }
workflow-my-granted = Decision obtained
workflow-my-not-applied = Not applied for
workflow-my-apply = Apply
workflow-my-none = There are no projects for you to handle.

## Inbox
workflow-inbox-title = Applications to handle
workflow-inbox-pending = To do
workflow-inbox-hint = Sorted by traffic light: red (overdue) first, then yellow (near the limit) and green; the same colour by due date.
workflow-inbox-q = Keywords
workflow-inbox-q-placeholder = Project code, name or owner
workflow-inbox-light = Traffic light
workflow-inbox-sort = Sort
workflow-inbox-sort-by-light = By traffic light
workflow-inbox-sort-by-due = By due date
workflow-inbox-sort-by-project = By project code
workflow-inbox-filter = Filter
workflow-inbox-clear = Clear filters
workflow-inbox-filter-error = The filters are not valid: { $error }
workflow-inbox-total = { $n ->
    [one] { $n } application
   *[other] { $n } applications
}
workflow-inbox-capped = {" "}(only the { $limit } due soonest were read; narrow the list with the filters)
workflow-inbox-col-light = Light
workflow-inbox-col-clock = Time limit
workflow-inbox-handle = Handle
workflow-inbox-none = No applications to handle.
workflow-inbox-pages = Inbox pages
workflow-inbox-previous = Previous page
workflow-inbox-next = Next page
workflow-inbox-page-of = Page { $page } of { $pages }
# The inbox's time limit column: the clock that runs now.
workflow-inbox-clock-initial_review = Initial review
workflow-inbox-clock-review = Review (promised limit)
workflow-inbox-clock-forward = Forward
workflow-inbox-clock-notice_due = One-time notice

## Application page
workflow-app-title = Application for { $item }
workflow-app-state = Current status
workflow-app-acceptance = Acceptance
workflow-deemed-acceptance = Deemed acceptance
workflow-app-deemed = The one-time notice limit (to { $due }) ran out with no notice; { $then }
workflow-app-deemed-from = from { $on } the application counts by law as accepted on the day it was received, { $received }
workflow-app-extension = Extension
workflow-app-extension-text = { $granted }: { $reason }
workflow-app-extension-granted = On { $on } the department head extended the limit by { $days }
workflow-clocks = Time limits
workflow-clocks-name = Time limit
workflow-clocks-start = Starts
workflow-clocks-limit = Length
workflow-clocks-used = Used
workflow-clocks-warn = Yellow from
workflow-clocks-light = Light
workflow-clocks-paused = {" "}(clock paused)
workflow-warnings-before-submit = Before you submit
workflow-warnings-at-submission = Missing at submission (the department decides through a one-time notice whether it must be supplied)
workflow-warnings-missing-materials = Materials not yet uploaded: { $list }
workflow-warnings-unmet-prerequisites = Prerequisites not yet completed: { $list }
workflow-warnings-hint = An owner may submit at any time; what is missing does not stop a submission. Whether anything must be supplied, the department says in one one-time notice within 3 working days.
workflow-materials = Required materials
workflow-materials-file = Uploaded file
workflow-materials-size = Size
workflow-materials-uploaded-at = Uploaded
workflow-materials-not-uploaded = Not uploaded
workflow-materials-file-input = File
workflow-materials-upload = Upload
workflow-clock-records = Time limits ended
workflow-clock-records-ended = Ended
workflow-clock-records-used = Used
workflow-clock-records-overdue = Overdue
workflow-clock-records-outcome = Outcome
workflow-notices = One-time notices
workflow-notice-line = { $on }: { $notice }
workflow-notice-problems = { $number }, { $n ->
    [one] { $n } problem
   *[other] { $n } problems
}
workflow-notice-view-print = View and print the notice
workflow-actions = Handle
workflow-submit-hint = After submission the department must list everything to correct in one one-time notice within 3 working days; if it does not, the application counts as accepted from the day the materials were received. The initial review limit is 5 working days.
workflow-confirm-missing = I know what is missing above and still want to submit
workflow-submit = Submit the application
workflow-resubmit-hint = Correct the materials as the one-time notice asks, then submit again.
workflow-resubmit = Resubmit
workflow-return-title = Return with a one-time notice
workflow-return-hint = List every problem at once (within 3 working days). If a later return raises a problem the first notice did not, on a material that was not replaced, it is marked as breaking the one-time notice rule.
workflow-return-choose-material = (choose a material)
workflow-return-suggestions = Suggestions (one a line)
workflow-return-submit = Return and notify
workflow-accept-confirm = Acceptance starts the promised limit and cannot be undone. Accept the application?
workflow-accept = Accept
workflow-extend-title = Extension (granted by the department head, once only)
workflow-extend-hint = Under article 42 of the Administrative Licensing Law this item type may be extended by { $days }; the applicant must be told the reason for the extension.
workflow-extend-reason = Reason for the extension
workflow-extend-submit = Grant the extension
workflow-pause = Pause the clock
workflow-pause-reason = Statutory circumstance
workflow-pause-note = Note
workflow-resume = Resume the clock
workflow-approve-confirm = Approval closes this pending item and reduces it from the baseline; it cannot be undone. Approve?
workflow-approve = Approve
workflow-decided-on = Decision date
workflow-refuse-confirm = A refusal closes this application and cannot be undone. Refuse?
workflow-refuse = Refuse
workflow-forward-confirm = Once forwarded, the higher authority handles the application; it cannot be undone. Forward?
workflow-forward-title = Forward to the higher authority
workflow-forward-authority = Higher authority
workflow-forward = Forward
workflow-higher-confirm = Recording the higher authority's decision closes this application; it cannot be undone. Record it?
workflow-higher-title = Record the higher authority's decision
workflow-higher-outcome = Decision
workflow-higher-document-number = Document number (if approved)
workflow-higher-reasons = Reasons (if refused)
workflow-higher-decided-on = Date of the higher decision
workflow-higher-submit = Record
workflow-withdraw-confirm = A withdrawn application ends and cannot be undone. Withdraw?
workflow-withdraw-title = Withdraw the application
workflow-withdraw = Withdraw
workflow-steps-title = Handling record
workflow-app-timeline-link = The project's full record →

## Handling record (the application page and the project's full record)
workflow-steps-date = Date
workflow-steps-actor = By
workflow-steps-action = Step
workflow-steps-summary = Details
workflow-steps-days = Working days taken
workflow-steps-state-after = Status after
workflow-steps-helper-for = {" "}(helper, for the owner)
workflow-steps-note = Note: { $note }
workflow-steps-none = No steps recorded yet.
workflow-system-actor = qidi
workflow-system-role = System (recorded by law)
# What each step carried.
workflow-summary-submit = { $n ->
    [one] { $n } material submitted
   *[other] { $n } materials submitted
}
workflow-summary-resubmit = { $n ->
    [one] { $n } material resubmitted
   *[other] { $n } materials resubmitted
}
workflow-summary-resubmit-replaced = { $n ->
    [one] { $n } material resubmitted
   *[other] { $n } materials resubmitted
}; replaced: { $names }
workflow-summary-return = { $n ->
    [one] one-time notice of { $n } problem
   *[other] one-time notice of { $n } problems
}
workflow-summary-return-numbered = { $number }: { $n ->
    [one] one-time notice of { $n } problem
   *[other] one-time notice of { $n } problems
}
workflow-summary-deem-accept = The one-time notice limit ran out on { $due } with no notice: deemed accepted from the day it was received, { $received }
workflow-summary-extend = Reason for the extension: { $reason }
workflow-summary-pause = { $reason }: { $note }
workflow-summary-approve = Document number { $number }, { $on }
workflow-summary-reasons = Reasons: { $reasons }
workflow-summary-forward = Forwarded to { $authority }
workflow-summary-higher-approved = Approved by the higher authority, document number { $number }
workflow-summary-higher-approved-on = Approved by the higher authority, document number { $number }, { $on }
workflow-summary-higher-refused = Refused by the higher authority. Reasons: { $reasons }
# A time limit a step ended: { $kind } is the limit's name.
workflow-clock-late-working = { $kind }: closed { $n ->
    [one] { $n } working day
   *[other] { $n } working days
} late
workflow-clock-late-calendar = { $kind }: closed { $n ->
    [one] { $n } day
   *[other] { $n } days
} late
workflow-clock-on-time-working = { $kind }: closed on time ({ $used } working days used)
workflow-clock-on-time-calendar = { $kind }: closed on time ({ $used } days used)
workflow-clock-deemed = { $kind } ran out with no notice: deemed acceptance

## One-time notice
workflow-notice-title = One-time notice
workflow-notice-back = ← Back to the application
workflow-notice-print-hint = Use the browser's Print command to print this notice.
workflow-notice-number = No. { $number }
workflow-notice-to = To { $owner }:
workflow-notice-body = Your application for { $item } for { $project } has been through initial review, and its materials have the problems below. They are listed here once and in full; please correct them as required and submit again:
workflow-notice-project = “{ $name }” (project code { $code })
workflow-notice-seq = No.
workflow-notice-suggestions = Suggestions
workflow-notice-breaks = Note: this return raises problems the first notice did not list, on materials that were not replaced. It breaks the one-time notice rule and counts in the department assessment.
# The date format under the notice's signature (chrono strftime).
workflow-notice-date-format = %Y-%m-%d

## A project's full record
workflow-timeline-heading = Full approval record
workflow-timeline-hint = The date, the person and the working days of every step (by the official working-day calendar: public holidays excluded, make-up working days included).
workflow-timeline-total = { $days ->
    [one] { $days } working day
   *[other] { $days } working days
} in all since the first step.
workflow-timeline-none = This project has no applications on record.
workflow-helpers = Assisted service
workflow-helpers-none = No helper has been assigned.
workflow-helper-authorised = { $name }: authorised by the owner to act for it
workflow-helper-accompanying = { $name }: accompanies the owner (not authorised to act for it)
workflow-helper-revoke = Withdraw the authorisation
workflow-helper-authorise = Authorise to act
workflow-helper-assign-label = Assign a helper
workflow-helper-choose = (choose a staff member)
workflow-helper-choice = { $name } ({ $department })
workflow-helper-assign = Assign

## Item types
workflow-catalogue-title = Item types
workflow-catalogue-hint = Limits not yet verified are marked “unconfirmed”, and a materials list still at its default says so as its source. The leading group office adds, edits and retires item types, all on the record. An edit affects only applications created after it.{" "}
workflow-catalogue-departments = Department directory
workflow-catalogue-new = Add an item type
workflow-catalogue-new-hint = Pre-construction procedures the plan does not list (planning permit, verification, civil air defence, fire design review …) can be added here; once added they can be used in ledger imports, additions and applications.
workflow-catalogue-code = Code (lowercase letters, digits, underscores, e.g. fire_design)
workflow-catalogue-name = Name
workflow-catalogue-aliases-new = Aliases (other names in ledger files, separated by commas)
workflow-catalogue-aliases-edit = Aliases (separated by commas)
workflow-catalogue-aliases = Aliases
workflow-catalogue-extension-limit = Extension limit (0: no extension)
workflow-catalogue-limit-unit = Unit
workflow-catalogue-limit-source = Basis of the limits
workflow-catalogue-materials = Materials list (one a line: code, space, name)
workflow-catalogue-prerequisites-input = Prerequisites (item type codes, separated by spaces)
workflow-catalogue-add = Add
workflow-catalogue-retired = Retired
workflow-catalogue-unconfirmed = {" "}(unconfirmed)
workflow-catalogue-extendable = Extension
workflow-catalogue-no-extension = Not allowed
workflow-catalogue-extension-once = Once, by { $days }
workflow-catalogue-materials-source = Source of the materials list
workflow-catalogue-prerequisites = Prerequisites
workflow-catalogue-yellow = Yellow light
workflow-catalogue-yellow-when = When { $days ->
    [one] { $days } day remains
   *[other] { $days } days remain
} or { $percent }% is used
workflow-catalogue-edit = Edit
workflow-catalogue-limit-confirmed = Limits confirmed
workflow-catalogue-warn-days = Yellow light: days left
workflow-catalogue-warn-ratio = Yellow light: share used (%)
workflow-catalogue-restore = Restore
workflow-catalogue-retire-confirm = Once retired, “{ $name }” is no longer recognised in ledger files and cannot be added again; existing pending items and applications go on as before. Retire it?
workflow-catalogue-retire = Retire the item type

## Errors of the page forms
workflow-error-unknown-action = Unknown action.
workflow-error-date-format = Dates must be written YYYY-MM-DD
workflow-error-form = The form is not valid: { $error }
workflow-error-upload-form = The upload form is not valid.
workflow-error-too-large = The file is too large: each material may be at most { $mb } MB.
workflow-error-upload-incomplete = The upload did not complete; please choose the file and upload it again.
workflow-error-no-file = Please choose a file to upload.
workflow-error-choose-level = Please choose the authority level.
workflow-error-statutory-limit-required = Please fill in the statutory limit.
workflow-error-choose-unit = Please choose the unit.
workflow-error-promised-limit-required = Please fill in the promised limit.
workflow-error-not-integer = { $field } must be a whole number.
workflow-error-materials-line = Line { $line } of the materials list must be “code name”.
workflow-field-extension-limit = Extension limit
workflow-field-warn-days = Yellow light days
workflow-field-warn-ratio = Yellow light share

## Labels of codes
# Steps (Action)
workflow-action-submit = Submission
workflow-action-return = Return with a one-time notice
workflow-action-resubmit = Resubmission
workflow-action-accept = Acceptance
workflow-action-deem_accept = Deemed acceptance
workflow-action-extend = Extension
workflow-action-pause = Clock paused
workflow-action-resume = Clock resumed
workflow-action-approve = Approval
workflow-action-refuse = Refusal
workflow-action-forward = Forwarded
workflow-action-record_higher_outcome = Higher authority's decision recorded
workflow-action-withdraw = Withdrawal
# Application states (ApplicationState)
application-state-draft = Draft
application-state-submitted = Submitted, awaiting initial review
application-state-returned = Returned (one-time notice)
application-state-accepted = Accepted, awaiting forwarding
application-state-under_review = Under review
application-state-paused = Clock paused
application-state-approved = Approved
application-state-refused = Refused
application-state-forwarded = Forwarded to the higher authority
application-state-higher_approved = Approved by the higher authority
application-state-higher_refused = Refused by the higher authority
application-state-withdrawn = Withdrawn
# Kinds of time limit (ClockKind)
clock-kind-notice_due = One-time notice limit
clock-kind-initial_review = Initial review limit
clock-kind-review = Promised decision limit
clock-kind-forward = Forward limit
clock-kind-extension = Extended decision limit
# How a time limit ended (ClockOutcome)
clock-outcome-on_time = Closed on time
clock-outcome-late = Closed late
clock-outcome-deemed = No notice in time: deemed acceptance
# Statutory circumstances of a clock pause (PauseReason)
pause-reason-expert_review = Expert review
pause-reason-hearing = Hearing
pause-reason-public_notice = Public notice
pause-reason-tendering = Tendering or auction
pause-reason-testing = Inspection, testing or quarantine
pause-reason-appraisal = Appraisal
pause-reason-awaiting_correction = Correction of materials
pause-reason-other = Other statutory circumstance
# Authority levels (AuthorityLevel)
authority-level-banner = Banner level
authority-level-league = League level
authority-level-region = Region level
authority-level-national = National level
# Units of a time limit (LimitUnit)
limit-unit-working_days = Working days
limit-unit-calendar_days = Calendar days
# The inbox's export (Excel)
workflow-inbox-export = Export to Excel (every page of these filters)
workflow-inbox-export-title = Every application with the current filters and order, not only this page; at most { $limit }
workflow-inbox-export-file = inbox-{ $date }.xlsx
workflow-return-confirm = A one-time notice cannot be given twice or withdrawn. Return the application for correction?
workflow-return-row-material = Row { $n } · material
workflow-return-row-problem = Row { $n } · problem
workflow-return-row-remedy = Row { $n } · what to correct
