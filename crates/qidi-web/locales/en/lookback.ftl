# Look-back reviews: opening one, its selection rule and sample, findings, corrections
# and the summary.

## The list of look-back reviews
lookback-title = Look-back reviews
lookback-hint = Re-checks of closed approvals and of projects removed from the project library: all that a rule selects, or a random sample of a given size (the seed is kept, so the same sample can be drawn again). A problem found is corrected by a deadline, whose traffic light counts working days.
lookback-open-title = Open a look-back review
lookback-name = Title
lookback-rule = Selection rule
lookback-option-department-items = Every closed item of one department
lookback-department = Department (when selecting by department)
lookback-sample-size = Sample size (empty for all)
lookback-seed = Random seed (empty to generate one)
lookback-start = Start
lookback-col-sample = Sample
lookback-col-opened = Opened
lookback-col-closed = Closed
lookback-sample-of = { $size } (seed { $seed })
lookback-sample-all = All
lookback-in-progress = In progress
lookback-none = No look-back review yet.

## Selection rules (Rule)
lookback-rule-department_items = Every closed item of department { $department }
lookback-rule-all_removals = Every project removed from the project library
lookback-rule-late_approvals = Every approval closed late
lookback-rule-all_closed = Every closed item and removed project

## One look-back review
lookback-detail-sample = , a random sample of { $size } (seed { $seed })
lookback-detail-opened = ; opened { $date }
lookback-detail-closed = , closed { $date }
lookback-detail-in-progress = , in progress
lookback-detail-end = .
lookback-summary-items = { $n ->
        [one] One item
       *[other] { $n } items
    }:{" "}
lookback-summary-findings = no problem: { $no_problem }, problem found: { $problem_found },{" "}
lookback-summary-open = correction needed: { $correction_needed }, not yet checked: { $unreviewed };{" "}
lookback-summary-corrections = corrected: { $corrected }, not yet corrected: { $open }
lookback-summary-overdue = {" "}({ $red } overdue).
lookback-col-position = No.
lookback-col-object = Checked
lookback-col-department = Department
lookback-col-finding = Finding
lookback-col-correction = Correction
lookback-col-light = Light
lookback-col-record = Record
lookback-due = Due { $date }
lookback-corrected-on = , corrected on { $date }
lookback-note-placeholder = Problem
lookback-correction-placeholder = Correction required
lookback-record = Record
lookback-corrected-note-placeholder = What was corrected
lookback-confirm-corrected = Confirm corrected
lookback-close = Close the review
lookback-unreviewed = Not checked

## Findings (Finding)
lookback-finding-no_problem = No problem
lookback-finding-problem_found = Problem found
lookback-finding-correction_needed = Correction needed

## Errors in the forms
lookback-error-department = Choose a department to select by department
lookback-error-rule = The selection rule “{ $rule }” is not valid: choose one from the list
lookback-error-finding = The finding “{ $finding }” is not valid: choose one from the list
lookback-error-sample-size = The sample size “{ $value }” should be a whole number above 0
lookback-error-seed = The random seed “{ $value }” should be a whole number, 0 or more
lookback-error-deadline = The correction deadline “{ $value }” is not a date (e.g. 2026-06-30)
lookback-finding-label = Finding
lookback-deadline-label = Correction deadline
lookback-close-confirm = Once closed, no more findings can be recorded. Close this look-back?
