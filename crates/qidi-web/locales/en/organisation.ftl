# Campaigns and organisation (/campaigns) and the department list (/catalogue/departments);
# the labels of the organisation's bodies and of milestone progress.

campaign-title = Campaigns and organisation
campaign-intro = Each sweep has its own milestones, ledgers, baseline and organisation. Whether a milestone is met is judged from the record: check lists pushed, department ledgers signed off, the banner ledger signed off, removal requests decided, departments handling online, and baseline reductions. The campaign that started last is the current one; earlier campaigns and their records are kept.
campaign-current = Current campaign
campaign-span = { $from } to { $to }
campaign-col-date = Date
campaign-col-milestone = Milestone
campaign-col-state = Progress
campaign-organisation = Organisation
campaign-body-empty = Not filled in yet.
campaign-edit-body = Edit: { $body }
campaign-members-label = One person per line, “Position: Name Title”; later people with the same position may leave it out (the plan's text can be pasted as it is)
campaign-save = Save
campaign-new-heading = Start a new campaign
campaign-new-hint = Pre-filled with the intervals between the 2022 plan's milestones; change them as needed. Once started, the new campaign is the current one and takes over the previous organisation (which can be changed); the previous campaign's ledgers, baseline and records are kept.
campaign-new-confirm = Once started, the new campaign becomes the current one, and every department must push its check lists and sign off again for it. Start it?
campaign-new-code = Campaign code (lower-case letters, digits, hyphens)
campaign-new-name = Campaign name
campaign-new-starts-on = Start date
campaign-new-ends-on = End date
campaign-new-milestones = Milestones (one a line: “date name”)
campaign-new-submit = Start
campaign-default-name = Pending approvals sweep
campaign-invalid-date = { $field } “{ $value }” is not a valid date

# The organisation's bodies.
organisation-body-leading_group = Leading group
organisation-body-office = Leading group office
organisation-body-work_team = Work team
organisation-body-error = { $body }: { $error }

# Milestone progress.
milestone-state-met = Met ({ $on })
milestone-state-met_late = Met late ({ $on })
milestone-state-missed = Missed
milestone-state-open = Under way
milestone-state-unjudged = —

catalogue-departments-title = Departments
catalogue-departments-intro = Initiating departments and the handling departments of pre-construction procedures. Aliases are other ways ledger files write the same department (a league or banner name in it is dropped automatically). The leading group office adds, renames and retires departments, all on the record; a retired department no longer matches names in ledger files, and existing ledgers and records are kept.
catalogue-departments-item-types-link = Item types
catalogue-departments-new = Add a department
catalogue-departments-new-code = Department code (lower-case letters, digits, underscores, e.g. rfb)
catalogue-departments-new-name = Department name
catalogue-departments-aliases = Aliases (separated by commas)
catalogue-departments-initiates-pushes = Initiating department (pushes check lists)
catalogue-departments-add = Add
catalogue-departments-col-code = Code
catalogue-departments-col-name = Name
catalogue-departments-col-aliases = Aliases
catalogue-departments-col-initiates = Initiating department
catalogue-departments-col-handles = Item types handled
catalogue-departments-col-state = State
catalogue-departments-col-actions = Actions
catalogue-departments-separator = {", "}
catalogue-departments-yes = Yes
catalogue-departments-no = No
catalogue-departments-retired = Retired
catalogue-departments-in-use = In use
catalogue-departments-edit = Edit
catalogue-departments-name = Name
catalogue-departments-initiates = Initiating department
catalogue-departments-save = Save
catalogue-departments-restore = Restore
catalogue-departments-retire = Retire
catalogue-departments-retire-confirm = Once retired, “{ $name }” in ledger files is no longer recognised, and the department can take no new item types. Retire it?
