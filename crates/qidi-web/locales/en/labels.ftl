# Labels of codes that several pages share: tc("light", code) and so on.
light-green = Green
light-yellow = Yellow
light-red = Red
report-stage-due = due soon
report-stage-overdue = overdue
stage-not_started = Not started
stage-under_construction = Under construction
