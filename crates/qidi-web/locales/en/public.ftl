# The public record (no sign-in): search and statistics, a project's full approval record,
# the notice-board QR code, the burn-down chart; and the pending-item statuses (the
# project page uses them too).

public-title = Public record
public-heading = Public record: every step of pending-item approvals in the open
public-intro = Anyone may look up a project's approval progress by its project code or name, without signing in. This page shows no personal data, no handling staff, no phone numbers, no application materials and no internal opinions.
public-search-label = Project code or project name
public-search-placeholder = e.g. 2022-152529-44-01-012345, or “wind farm”
public-search-submit = Search
public-results = Results
public-no-results = No project's code or name matches “{ $q }”. Check the project code, or search for a few characters of the project's name.
public-results-limit = Only the first 50 projects are listed: type more of the project code or name.
public-project-code = Project code
public-project-name = Project name
public-initiating-department = Initiating department
public-pending-items = Pending items
public-granted-items = Approved

public-stats-heading = { $subject }: region-wide statistics
public-stats-default-subject = Pending items
public-stats-empty = No ledger baseline yet, so no statistics.
public-stat-baseline = Pending items in the baseline
public-stat-additions = Added since
public-stat-approved = Reduced: approved
public-stat-removed = Reduced: removed under the rules
public-stat-remaining = Still pending
public-stats-progress = As of { $on }, { $percent }% done
public-stats-until = ; the campaign runs until { $on }
public-stats-full-stop = .
public-burndown-heading = Pending items remaining (weekly)
public-burndown-caption = The red line is the pending items remaining each week; the dashed line is the pace that clears them on time.
public-burndown-data = Weekly figures
public-col-date = Date
public-col-remaining = Still pending
public-on-time-heading = On-time rate by handling department
public-no-departments = No handling departments yet.
public-col-department = Handling department
public-col-on-time = Closed on time
public-col-late = Closed late
public-col-deemed = Deemed acceptance
public-col-rate = On-time rate
public-on-time-hint = Counted from the closed steps of each limit (one-time notice, initial review, promised limit, forwarding); “—” means nothing closed yet.
public-api-label = Data interface:{" "}
public-api-more = , /api/v1/public/projects?q=search terms, /api/v1/public/projects/project code

# The burn-down chart (SVG).
public-chart-title = Pending items remaining (weekly)
public-chart-desc = From { $start } to { $end }
public-chart-start = { $n ->
    [one] one item on { $on }
   *[other] { $n } items on { $on }
}
public-chart-end = { $n } remaining on { $on }
public-chart-point = { $on }: { $n } remaining
public-chart-actual = Remaining
public-chart-ideal = On schedule

public-back = ← Public record home
public-initiated-year = Year of initiation
public-stage = Construction stage
public-library = Project library
public-in-library = In the library
public-removed = Removed from the library
public-item-counts = { $pending } pending, { $granted } approved
public-qr-alt = QR code of this page
public-qr-caption = Scan to open this page
public-items-heading = Pending items and their handling
public-col-item-type = Item type
public-col-status = Status
public-col-light = Traffic light
public-col-clock = Current limit
public-col-lateness = Limits kept
public-not-applied = Not applied for yet
public-submitted-on = First submitted { $on }
public-decided-on = Decided { $on }
public-clock = { $clock }: { $used }
public-clock-used-working_days = { $limit ->
    [one] { $used } of { $limit } working day used
   *[other] { $used } of { $limit } working days used
}
public-clock-used-calendar_days = { $limit ->
    [one] { $used } of { $limit } day used
   *[other] { $used } of { $limit } days used
}
public-clock-paused = {" "}(clock paused)
public-clock-due = until { $on }
public-provisional = {" "}(provisional)
public-ledger-due = Completion deadline { $on }
public-lateness-late-working_days = { $clock }: closed { $days ->
    [one] one working day late
   *[other] { $days } working days late
}
public-lateness-late-calendar_days = { $clock }: closed { $days ->
    [one] one day late
   *[other] { $days } days late
}
public-lateness-on_time = { $clock }: closed on time ({ $used })
public-lateness-used-working_days = { $limit ->
    [one] { $used } of { $limit } working day used
   *[other] { $used } of { $limit } working days used
}
public-lateness-used-calendar_days = { $limit ->
    [one] { $used } of { $limit } day used
   *[other] { $used } of { $limit } days used
}
public-lateness-deemed = { $clock }: ran out with no notice, deemed acceptance
public-no-items = This project has no pending items.
public-timeline-heading = Full approval record
public-no-steps = No approval steps yet.
public-col-step = Step
public-col-by = Taken by
public-col-state-after = State after
public-col-interval = Working days since the step before
public-col-timeliness = Limits
public-side-unit = Owner
public-side-department = Handling department
public-side-recorder = Recorder of the higher outcome
public-side-system = qidi (by law, automatically)
public-detail-document-number = Decision document number { $number }
public-detail-higher-document-number = Higher authority's document number { $number }
public-detail-deemed = Deemed accepted by law from receipt on { $on }
public-footnote = Working days follow the national public holidays and make-up working days; the day of an event is not counted, nor is any clock pause allowed by law. This page shows no personal data, no handling staff, no phone numbers, no application materials, no internal opinions and no one-time notice texts.
public-print-qr = Print the notice-board QR code

public-qr-title = Notice-board QR code
public-qr-code = Project code: { $code }
public-qr-image-alt = QR code to look up the project's approval progress
public-qr-scan = Scan to see this project's full approval record (public record)
public-qr-download-svg = Download SVG
public-qr-download-png = Download PNG
public-qr-print = Use the browser's “Print” to print this page on A4.

public-not-found = No project has this project code. Check the code (like 2022-152529-44-01-012345), or search by the project's name on the public record's home page (/public).
public-render-failed = The page could not be generated; please try again later
public-qr-too-long = The QR code could not be made: the public address (QIDI_PUBLIC_URL) is too long
public-qr-png-failed = The QR code image could not be made

# Pending-item statuses.
item-status-pending = Pending
item-status-granted = Approved
