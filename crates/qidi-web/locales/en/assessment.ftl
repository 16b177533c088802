# Department assessment: the ranking, a department's score details, the assessment
# scheme, the initiating departments' ratings, and the names of grades, terms and the
# scheme's fields.
assessment-title = Department assessment
assessment-hint = Results are computed on demand by the assessment scheme from the approval record (clocks, one-time notices, 12345 complaints and follow-ups, online applications, initiating departments' ratings) and are not stored; recomputing a period gives the same result at any time.
assessment-period = Period
assessment-view = View
assessment-edit-profile = Edit the assessment scheme
assessment-profile = Assessment scheme
assessment-entries = Initiating departments' ratings
assessment-computed-with = Computed with version { $version } of the assessment scheme (version 0 is the system default).
assessment-rank = Rank
assessment-department = Department
assessment-score = Score
assessment-grade = Grade
assessment-online = Online handling
assessment-yes = Yes
assessment-no = No
assessment-details = Score details
assessment-no-departments = No department to assess.

assessment-department-title = { $department }: assessment score details
assessment-grade-lead = , grade
assessment-rank-version = , rank { $rank } (assessment scheme version { $version }).
assessment-back-to-ranking = Back to the ranking
assessment-term = Term
assessment-value = Value
assessment-weight = Weight
assessment-evidence = Evidence
assessment-average-days = Average time per item type
assessment-item-type = Item type
assessment-closed-count = Closed
assessment-average-working-days = Average (working days)
assessment-no-closed = No approval was closed in this period.

# Terms' values and weights
assessment-no-records-full = No records (full points)
assessment-no-records-none = No records (no points)
assessment-no-online = No online application accepted in this period
assessment-rate = { $fraction } ({ $percent })
assessment-online-yes = Yes ({ $n ->
    [one] 1 online application
   *[other] { $n } online applications
} in this period)
assessment-entries-value = { $n ->
    [one] 1 rating
   *[other] { $n } ratings
}, average { $average } points
assessment-count = { $n }
assessment-points = { $n ->
    [one] { $points } point
   *[other] { $points } points
}
assessment-points-each = { $n ->
    [one] -{ $points } point each
   *[other] -{ $points } points each
}

assessment-entries-hint = Initiating departments, which lead on complaints and on projects' pre-construction procedures, rate how handling departments cooperated and handled them (0–100 points) with a comment; the rating counts in the handling department's assessment for the period.
assessment-rate-department = Rate a handling department
assessment-rated-department = Department rated
assessment-entry-score = Rating
assessment-project-code-optional = Project code (optional)
assessment-entry-comment = Comment
assessment-submit-entry = Submit the rating
assessment-entries-period = Period
assessment-date = Date
assessment-rated-by = Rated by
assessment-project = Project
assessment-comment = Comment
assessment-no-entries = No ratings in this period.

assessment-profile-hint = This is version { $version } (version 0 is the system default). Every change is saved as a new version; a closed period can be recomputed with any version. Points may have two decimal places.
assessment-profile-saved = Saved as a new version.
assessment-profile-name = Scheme name
assessment-empty-gets-full = Give full points for on-time rates, satisfaction and ratings with no records in the period
assessment-save-version = Save as a new version

assessment-error-field = “{ $field }” is wrong: “{ $value }” is not a number (up to two decimal places)
assessment-error-score = Rating is wrong: “{ $value }” is not a number from 0 to 100

# Periods assessed
assessment-period-month = { $month } { $year }
assessment-period-quarter = Q{ $quarter } { $year }
assessment-period-campaign = { $name } ({ $span })
assessment-span = { $first } to { $last }

# Grades (core assessment::Grade)
assessment-grade-excellent = Excellent
assessment-grade-good = Good
assessment-grade-pass = Pass
assessment-grade-fail = Fail

# Terms (Term keys)
assessment-term-notice = One-time notices on time
assessment-term-initial_review = Initial reviews on time
assessment-term-forward = Forwards on time
assessment-term-decision = Decided within the promised limit
assessment-term-satisfaction = Caller satisfaction
assessment-term-online = Online handling
assessment-term-entries = Initiating departments' ratings
assessment-term-breaches = One-time notice breaches
assessment-term-deemed = Deemed acceptances
assessment-term-overdue = Overdue items
assessment-term-complaints = Complaints received
assessment-term-substantiated = Substantiated complaints
assessment-term-late_reports = Late or missing progress reports

# The scheme's fields (FIELDS keys)
assessment-field-notice_weight = One-time notices on time (points)
assessment-field-initial_review_weight = Initial reviews on time (points)
assessment-field-forward_weight = Forwards on time (points)
assessment-field-decision_weight = Decided within the promised limit (points)
assessment-field-satisfaction_weight = Caller satisfaction (points)
assessment-field-online_weight = Online handling (points)
assessment-field-entries_weight = Initiating departments' ratings (points)
assessment-field-breach_deduction = Deduction per one-time notice breach
assessment-field-deemed_deduction = Deduction per deemed acceptance
assessment-field-overdue_deduction = Deduction per overdue item
assessment-field-complaint_deduction = Deduction per complaint
assessment-field-substantiated_deduction = Deduction per substantiated complaint
assessment-field-late_report_deduction = Deduction per late or missing progress report
assessment-field-excellent = Lowest score for Excellent
assessment-field-good = Lowest score for Good
assessment-field-pass = Lowest score for Pass
