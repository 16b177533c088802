# The overview (home page), the project page, the change-password page; the forecast's
# and the due-soon labels.

home-title = Overview
home-heading = Projects pending approval: ledger overview
home-list-separator = {", "}

home-unit-heading = My projects
home-unit-projects = Projects
home-unit-on-unit = Waiting for us to correct or submit
home-unit-not-applied = Not applied for yet
home-unit-on-department = With the handling department
home-unit-department-late = Department overdue
home-unit-late-hint = A red light means the handling department has passed its limit: the delay is the department's, not the owner's.
home-unit-waiting = : { $state }
home-unit-all = All projects and applications →
home-unit-more = { $count } more waiting for us: see the inbox →

home-work-heading = My department's work
home-work-total = Applications to handle
home-work-red = Red
home-work-today = Due today
home-work-next = Due on the next working day
home-work-none = No applications to handle.
home-work-all = { $n ->
    [one] The one application to handle →
   *[other] All { $n } applications to handle →
}
home-clock-paused = Clock paused

home-col-light = Light
home-col-project = Project
home-col-pending-item = Pending item
home-col-state = State
home-col-due = Due
home-col-item-type = Item type
home-col-department = Handling department
home-col-pending-items = Pending items
home-col-projects = Projects
home-col-days-overdue = Working days overdue
home-col-date = Date
home-col-milestone = Milestone
home-col-milestone-state = Progress

home-stat-projects = Projects in the library
home-stat-items = Pending items
home-stat-departments = Handling departments
home-by-department = Pending items by handling department
home-none-in-scope = No pending items within your scope.
home-library-link = Project library →

home-burndown-heading = Baseline reductions
home-latest-bulletin = Latest bulletin:{" "}
home-overdue-heading = Overdue applications
home-overdue-heading-overseen = Overdue applications ({ $departments })
home-overdue-before = {""}
home-overdue-after = overdue
home-overdue-sorted = , most working days overdue first
home-overdue-end = .
home-overdue-all-red = All red-light applications →
home-milestones = { $campaign }: milestones
home-campaigns-link = Campaigns and organisation

# The forecast at the recent rate of reductions.
forecast-no_baseline = No baseline yet
forecast-done = Every baseline entry has been reduced
forecast-on = At the last 4 weeks' rate of about { $per_week ->
    [one] one reduction
   *[other] { $per_week } reductions
} a week, the baseline will be cleared on { $on }
forecast-stalled = Nothing reduced in the last 4 weeks: at this rate the baseline will never be cleared

# When a clock falls due.
due-soon-overdue = Overdue
due-soon-today = Due today
due-soon-next_working_day = Due on the next working day

project-code = Project code
project-owner = Owner
project-initiating-department = Initiating department
project-year = Year of initiation
project-investment = Total investment
project-investment-wan = { $amount } × 10,000 yuan
project-stage = Construction stage
project-timeline-link = Full approval record →
project-public-label = Public record:{" "}
project-public-page = public page
project-public-qr = print the notice-board QR code
project-qr-files-before = {" "}(
project-qr-files-after = )
project-pending-items = Pending items
project-col-item-type = Item type
project-col-department = Handling department
project-col-status = Status
project-col-responsible = Responsible person
project-col-due = Completion deadline
project-provisional = {" "}(provisional)
project-no-items = No pending items you may see.
project-add-heading = Add a pending item
project-add-hint = A pending item found after the ledger was drawn up. If your department's ledger has been signed off, the item goes into the baseline, marked as an addition.
project-add-item-type = Item type
project-add-type-option = { $item } ({ $department })
project-add-responsible = Responsible person
project-add-due = Completion deadline
project-add-note = Note
project-add-submit = Add

password-title = Change password
password-must-change = You must change your initial password before going on.
password-current = Current password
password-new = New password
password-confirm = Confirm the new password
password-rules = At least 8 characters, with three of: upper-case letters, lower-case letters, digits, symbols; not containing the username.
password-save = Save
password-mismatch = The two new passwords differ
password-same = The new password must differ from the current one
password-current-wrong = The current password is wrong: { $reason }
