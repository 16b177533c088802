# Supervision orders and progress reports: the overview, one order, every department's
# reports for a period, the report form, and the names of order targets, report states
# and report periods.
supervision-title = Supervision orders and progress reports
supervision-hint = Departments and projects where work is slow or approval is not yet online are put under a supervision order. Its deadline is lit by working days (yellow near the deadline, red past it); when the work is done, the leading group office lifts the order and records the result. Departments file progress reports on schedule: every half month until { $until }, monthly after that, within { $days ->
    [one] 1 working day
   *[other] { $days } working days
} of the period's end.
supervision-orders-heading = Supervision orders
supervision-light = Light
supervision-order-title = Title
supervision-target = Put on
supervision-target-named = { $target }: { $name }
supervision-responsible-department = Responsible department
supervision-responsible-person = Responsible person
supervision-issued-on = Issued on
supervision-deadline = Deadline
supervision-status = Status
supervision-lifted = Lifted
supervision-days-overdue = { $n ->
    [one] 1 working day overdue
   *[other] { $n } working days overdue
}
supervision-lifted-on = Lifted on { $date }
supervision-open = Open
supervision-no-orders = No supervision orders.
supervision-issue-heading = Issue a supervision order
supervision-form-department = Department (for an order on a department)
supervision-form-project-code = Project code (for an order on a project or a pending item)
supervision-form-item-type = Item type name or code (for an order on a pending item)
supervision-reason = Reason
supervision-required-action = Required action
supervision-issue = Issue the order
supervision-reports-heading = Progress reports
supervision-latest-period = Latest period: { $period } ({ $span })
supervision-span = { $from } to { $to }
supervision-due-by = ; reports due by { $due }.{" "}
supervision-see-reports = Every department's report →
supervision-department = Department
supervision-first-filed = First filed
supervision-no-departments-due = No department has a report due.
supervision-file-own = File this department's progress report for { $period } →
supervision-no-ended-period = No report period of this campaign has ended yet.

supervision-issued = Issued
supervision-date-by = { $date } ({ $by })
supervision-deadline-warn = { $deadline } (yellow from { $warn })
supervision-past-deadline = , { $n ->
    [one] 1 working day
   *[other] { $n } working days
} past the deadline
supervision-lifted-heading = Lifted
supervision-result = Result
supervision-view-project = View the project →
supervision-lift = Lift the order
supervision-typed-not-saved = The result you wrote was not saved:

supervision-file-title = File a progress report
supervision-file-for = Progress report: { $period }
supervision-report-period-span = Report period { $span }
supervision-filed-before = Version { $version } of this period's report was filed on { $date }; filing again makes a new version and keeps the earlier ones.
supervision-report-period = Report period
supervision-switch = Switch
supervision-figures-heading = Figures (pre-filled from the record)
supervision-figure-pending = Pending items
supervision-figure-approved = Granted in the period
supervision-figure-removed = Removed in the period
supervision-figure-overdue = Overdue in the period
supervision-count = { $n }
supervision-progress = Progress
supervision-file = File the report

supervision-reports-title = Progress reports { $period }
supervision-reports-for = Progress reports: { $period }
supervision-due-by-lapses = ; reports due by { $due }. Late or not filed:{" "}
supervision-lapses-unit = { $n ->
    [one] department.
   *[other] departments.
}
supervision-period-option = { $period } (due { $due })
supervision-view = View
supervision-latest-version = Latest version
supervision-version-filed = Version { $version }, { $filed }
supervision-filed-on-by = { $date }, { $by }
supervision-reports-filed = Reports filed
supervision-version = Version { $version }
supervision-updates-previous = {" "}(updates the previous version)
supervision-report-pending = Pending items: { $n };
supervision-report-approved-removed = {" "}granted in the period: { $approved }, removed: { $removed },
supervision-report-overdue = {" "}overdue: { $n }.
supervision-no-reports = No reports filed for this period yet.
supervision-schedule = Reporting schedule
supervision-schedule-set = Set.
supervision-schedule-default = The work plan's default (not confirmed): every half month until the milestone by which every department handles applications online, monthly after that; due within 3 working days of the period's end.
supervision-half-monthly-until = Half-monthly reports until
supervision-due-working-days = Due within (working days after the period's end)
supervision-save = Save

supervision-error-office-issues = Only the leading group office may issue supervision orders
supervision-error-choose-target = Choose what the order is put on: a department, a project or a pending item
supervision-error-no-project = No project has the project code “{ $code }”
supervision-error-no-project-or-item = No project has the project code “{ $code }”, or it has no such pending item
supervision-error-choose-deadline = Deadline: choose a date
supervision-error-department-files = Only the department's head or handlers may file its progress report
supervision-error-no-ended-period = No report period of this campaign has ended yet
supervision-error-office-schedules = Only the leading group office may set the reporting schedule
supervision-error-schedule-blank = Reporting schedule: fill in the date half-monthly reports run until and the working days allowed
supervision-schedule-error = Reporting schedule: { $message }

# Report periods: a month's name, and the monthly and half-monthly periods
supervision-month-name = { $month ->
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
}
supervision-period-month = { $month } { $year }
supervision-period-first-half = { $month } { $year }, first half
supervision-period-second-half = { $month } { $year }, second half

# Supervision order targets (core supervision::OrderTarget)
order-target-department = Department
order-target-project = Project
order-target-item = Pending item

# Progress report states (core progress_report::ReportState)
report-state-open = Not yet filed
report-state-on_time = Filed on time
report-state-late = Filed late
report-state-missing = Not filed
supervision-lift-confirm = A lifted supervision order cannot be restored. Lift it?
