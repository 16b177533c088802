# The ledger and baseline pages, the Excel ledger import and the project library
# (ledger_*.html, projects.html, and ledger.rs, ledger/).
# Code labels: capacity-, signature-state-, change-kind-, answer-state-, removal-reason-, removal-kind-,
# removal-decision-, reduction-, name-kind-, ledger-field- (the ledger's fields).

## Shared

ledger-list-separator = {", "}
ledger-full-stop = .
ledger-empty-value = (empty)
ledger-previous = Previous
ledger-next = Next
ledger-col-project = Project
ledger-col-pending-item = Pending item
ledger-col-items = Items
ledger-col-status = Status
ledger-col-department = Department
ledger-initiating-department = Initiating department
ledger-handling-department = Handling department
ledger-campaign-dates = : { $from } to { $to }.
ledger-import = Import an Excel ledger

## Progress tables and the burn-down chart

ledger-col-baseline = Baseline
ledger-col-additions = Added
ledger-col-approved = Reduced on approval
ledger-col-removed = Reduced on removal
ledger-col-remaining = Remaining
ledger-col-percent = Done
ledger-progress-empty = Progress shows here once the ledger is signed off and the baseline is set.
ledger-progress-heading = Baseline progress
ledger-progress-scope = Scope
ledger-progress-total = Banner total
ledger-progress-own-ledger = This department's ledger (projects it initiated)
ledger-progress-own-handling = Items this department handles
ledger-burndown-title = Baseline burn-down
ledger-burndown-caption = { $summary } (dashed line: the pace that clears the baseline on time; red line: what actually remains)
ledger-burndown-summary = Baseline of { $initial ->
        [one] one item
       *[other] { $initial } items
    } from { $start }; { $left } left on { $day }, against { $ideal } on the pace that clears it by the campaign's end, { $end }{ $behind ->
        [yes] ; behind schedule
       *[no] {""}
    }

## Sign-off

ledger-current = Current ledger:{" "}
ledger-current-items = { $n ->
        [one] pending item
       *[other] pending items
    }, content hash
ledger-current-plain = Current ledger: { $n ->
        [one] one pending item
       *[other] { $n } pending items
    }, content hash
ledger-baseline-locked = Baseline locked
ledger-no-baseline = No baseline yet
ledger-signed-now = Signed as it stands by: { $names }
ledger-sign-as = Sign off as { $capacity } (hash { $hash })
ledger-sig-col-version = Version hash
ledger-sig-col-capacity = Sign-off
ledger-sig-col-signer = Signed by
ledger-sig-col-time = Time
ledger-sig-col-state = Sign-off status
ledger-fully-signed = Fully signed
ledger-not-fully-signed = Not fully signed
ledger-no-signatures = No sign-offs yet.
ledger-signed-version-badge = Signed version
ledger-sig-missing-checks = { $n ->
        [one] One item
       *[other] { $n } items
    } had no check report at sign-off; the signer confirmed being aware
ledger-sign-missing = I know that { $n ->
        [one] one pending item lacks
       *[other] { $n } pending items lack
    } a check report, and sign off all the same

## Removals from the library and reductions

ledger-removals-heading = Removals from the library and reductions
ledger-removal-col-kind = Kind
ledger-removal-col-item = Item
ledger-removal-col-reason = Reason
ledger-removal-col-text = Explanation
ledger-removal-col-proposed = Proposed
ledger-removal-col-decision = Decision
ledger-removal-col-in-library = In the library
ledger-removal-decision-note = : { $note }
ledger-removal-note-placeholder = Decision note (document number etc.)
ledger-removal-approve = Approve
ledger-removal-reject = Reject
ledger-removal-in-library = In the library
ledger-removal-removed = Removed
ledger-removals-empty = No removals yet.
ledger-removals-shown = Only those awaiting a decision and the { $n } most recently proposed are listed.
ledger-reason-placeholder = Grounds
ledger-propose-removal = Propose removal from the library
ledger-projects-capped = There are many projects: the list above offers only the first { $n }.

## The banner ledger

ledger-banner-title = Banner ledger
ledger-banner-heading = Banner ledger and baseline progress
ledger-export-banner = Export the banner ledger (Excel)
ledger-by-initiating = By initiating department (department ledgers)
ledger-by-handling = By handling department
ledger-banner-signoff = Banner ledger sign-off
ledger-banner-signoff-hint = The banner ledger is compiled from the fully signed department ledgers; once the leading group office has signed it off, it goes to the banner government and the league administration.
ledger-col-department-ledger = Department ledger
ledger-parts-heading = Department ledger versions compiled
ledger-parts-col-code = Department code
ledger-parts-col-hash = Hash of the fully signed version
ledger-parts-empty = No department ledger is fully signed yet.
ledger-milestones-heading = Milestones
ledger-milestones-all = All campaigns and organisation
ledger-milestone-col-date = Date
ledger-milestone-col-step = Milestone
ledger-milestone-col-state = Completion
ledger-campaign-end = Campaign end date
ledger-campaign-adjust = Change
ledger-departments-heading = Department ledgers

## A department's ledger

ledger-department-title = { $department } ledger
ledger-department-heading = { $department } · Ledger
ledger-export-department = Export this department's ledger (Excel)
ledger-department-signoff = Department ledger sign-off
ledger-department-signoff-hint = The pending items of the projects this department initiated. A sign-off is bound to the hash (SHA-256) of the ledger's content. The department's principal head signs off first, then the deputy banner head in charge; once both have signed, the baseline is set, and what they signed off is this version. From then on, items approved, or removed with the office's approval, are reduced (one approved, one reduced) without touching the sign-offs; only additions to or changes of the signed content itself (items added later or by an import, a changed deadline or check report of a signed item, and so on) are listed as “additions and changes awaiting confirmation”, which the principal head and the deputy banner head in charge confirm one by one, without signing off the whole ledger again.
ledger-missing-checks-before = {""}
ledger-missing-checks-after = { $n ->
        [one] pending item has
       *[other] pending items have
    } no check report (the check list was not answered, or the check report was left empty)
ledger-missing-checks-see-below = ; see “Not yet answered” below
ledger-missing-checks-end = . Check them before signing off, and confirm that you are aware.
ledger-signed-version = Signed version: hash
ledger-signed-sep = ,{" "}
ledger-signed-items = { $n ->
        [one] pending item,
       *[other] pending items,
    }
ledger-signed-reduced = reduced,
ledger-signed-remaining = remaining
ledger-signed-change-sets = {" "}(including { $n ->
        [one] one confirmed set
       *[other] { $n } confirmed sets
    } of additions and changes)
ledger-signature-valid = Sign-offs valid: the ledger matches the signed version
ledger-changes-heading = Additions and changes awaiting confirmation ({ $n })
ledger-changes-capped = Only the first { $n } of { $total } are listed above; the exported department ledger holds them all. A confirmation covers all { $total }.
ledger-changes-later = The { $n } that follow are listed above, of { $total }; a confirmation covers all { $total }.
ledger-changes-pager = Pages of changes
ledger-changes-first = Back to the start
ledger-changes-next = The ones that follow
ledger-changes-hint = These are additions to, or changes of, the signed content itself since the signed version. Only these are confirmed: by the department's principal head first, then by the deputy banner head in charge. Once they are confirmed, the sign-offs match the signed version again, and the banner ledger's sign-off is not affected.
ledger-changes-col-kind = Kind
ledger-changes-col-content = Content (before → now)
ledger-missing-check = No check report
ledger-change-field = { $field }:{" "}
ledger-change-set = To confirm: { $n ->
        [one] one addition or change
       *[other] { $n } additions and changes
    }, hash
ledger-change-set-confirmed = Confirmed by: { $names }
ledger-confirm-missing = I know that { $n ->
        [one] one of them has
       *[other] { $n } of them have
    } no check report, and confirm all the same
ledger-confirm-as = Confirm the { $n ->
        [one] addition or change
       *[other] { $n } additions and changes
    } above as { $capacity } (hash { $hash })
ledger-change-sets-heading = Confirmations of additions and changes
ledger-cs-col-hash = Confirmation hash
ledger-cs-col-changes = Additions and changes
ledger-cs-col-capacity = Confirmation
ledger-cs-col-signer = Confirmed by
ledger-confirmed = Confirmed
ledger-awaiting-confirmation = Awaiting the next confirmation
ledger-checklists-heading = Check lists
ledger-answer-due = Answer due by
ledger-push = Push the project list to the handling departments
ledger-pushed-heading = Lists this department pushed
ledger-lists-col-answered = Answered
ledger-lists-col-missing = Not answered
ledger-lists-col-overdue = Overdue
ledger-lists-empty = No check list pushed yet.
ledger-unanswered-heading = Not yet answered
ledger-to-answer-heading = Items this department must answer
ledger-update = Update
ledger-answer = Answer
ledger-to-answer-empty = Nothing for this department to answer.
ledger-baseline-heading = Baseline items
ledger-baseline-hint = The baseline is reduced only by an approval (one approved, one reduced) or by a removal the office approved.
ledger-reduce-select-hint = Choose an item in the table below, then
ledger-reduce-reason = Reason for the reduction
ledger-reduce-text = Grounds for the reduction
ledger-reduce-submit = Propose reducing the chosen item
ledger-baseline-col-choose = Choose
ledger-baseline-col-source = Source
ledger-baseline-addition = Added later
ledger-baseline-signed = Signed ledger
ledger-baseline-empty = No baseline yet.
ledger-baseline-pager = Baseline items, by page
ledger-baseline-pages = Page { $page } of { $pages }, { $total ->
        [one] one item
       *[other] { $total } items
    } in all
ledger-baseline-open = To be handled
ledger-reduction-reason = : { $reason } ({ $text })

## Errors and the export (ledger.rs)

ledger-error-date-format = { $field } must be written YYYY-MM-DD
ledger-form-date-end = Date
ledger-error-read-only = The discipline inspection group has read-only access and may not change the ledger
ledger-error-department-signer = Your role may not sign off a department ledger
ledger-error-capacity = Not a valid sign-off capacity
ledger-error-banner-signer = Only the leading group office may sign off the banner ledger
ledger-error-push = Only the initiating department or the leading group office may push check lists
ledger-error-answer = Only the handling department may give the check report
ledger-error-propose = Your role may not propose a removal
ledger-error-removal-kind = Not a valid kind of removal
ledger-error-removal-reason = Choose the reason for the removal
ledger-error-nothing-chosen = First choose the item or project to reduce in the table
ledger-error-decision = Not a valid decision
ledger-export-file = { $name } ledger { $date }.xlsx
ledger-export-banner-name = Banner

## The ledger's fields (tc("ledger-field", field))

ledger-field-project_code = Project code
ledger-field-project_name = Project name
ledger-field-owner = Owner
ledger-field-initiating_department = Initiating department
ledger-field-item_type = Pending item
ledger-field-handling_department = Handling department
ledger-field-check_result = Check report
ledger-field-responsible_person = Person responsible
ledger-field-acceptance_status = Acceptance status
ledger-field-due_on = Deadline

## Code labels

capacity-department_head = Principal head of the department
capacity-leader = Deputy banner head in charge
capacity-office = Leading group office
signature-state-matches = Matches the signed version
signature-state-changes_pending = Additions and changes awaiting confirmation
signature-state-outdated = Differs from the current ledger (the ledger has changed)
signature-state-broken = Check failed: the signed version's content was altered
change-kind-added = Added
change-kind-changed = Changed
change-kind-dropped = No longer listed
answer-state-answered = Answered
answer-state-missing = Not answered
answer-state-overdue = Overdue, not answered
removal-reason-industrial_policy = Against industrial policy
removal-reason-land_saving = Against the rules on saving land
removal-reason-not_going_ahead = Project not going ahead
removal-reason-other = Other
removal-kind-project = Removal from the library
removal-kind-item = Reduction of a pending item
removal-decision-proposed = Awaiting the office's decision
removal-decision-approved = Approved
removal-decision-rejected = Not approved
reduction-approved = Reduced on approval
reduction-removed = Reduced on removal
name-kind-department = Department
name-kind-item_type = Item type

## Excel ledger import

import-title = Import an Excel ledger
import-done = Imported
import-summary-projects = Projects: { $new } new, { $changed } updated, { $unchanged } unchanged;
import-summary-items = pending items: { $new } new, { $changed } updated, { $unchanged } unchanged;
import-summary-other = new owners: { $owners }; added to the baseline: { $additions }.
import-kept-confirmed = { $n ->
        [one] One item that another department handles keeps
       *[other] { $n } items that other departments handle keep
    } the handling department's answers in the system; the spreadsheet did not overwrite them.
import-errors-skipped = The projects with { $n ->
        [one] the error
       *[other] the { $n } errors
    } were not imported.
import-back = Back to the ledger
import-check-heading = Check result (nothing imported yet)
import-file-line = File “{ $file }”, sheet “{ $sheet }”, header on row { $row }
import-unit = , reporting unit: { $unit }
import-dry-run-projects = Ready to import { $projects ->
        [one] one project
       *[other] { $projects } projects
    } and { $items ->
        [one] one pending item
       *[other] { $items } pending items
    }. Projects: { $new } new, { $changed } updated, { $unchanged } unchanged;
import-dry-run-items = pending items: { $new } new, { $changed } updated, { $unchanged } unchanged.
import-kept-dry-run = { $n ->
        [one] One item that another department handles keeps
       *[other] { $n } items that other departments handle keep
    } the handling department's answers in the system; the spreadsheet will not overwrite them.
import-unknown-heading = Unrecognised names: { $n }
import-unknown-hint = Map each name to an existing department or item type, once: the mapping is saved as an alias in this region, this file is checked again at once, and later files are read the same way.
import-col-kind = Kind
import-col-written = As written in the spreadsheet
import-col-rows = Rows
import-col-target = Stands for
import-map-label = Map “{ $written }” to
import-choose-department = Choose a department
import-choose-item_type = Choose an item type
import-save-alias = Save the alias and check again
import-errors-heading = { $n ->
        [one] One error
       *[other] { $n } errors
    } (their projects cannot be imported)
import-warnings-heading = { $n ->
        [one] One warning
       *[other] { $n } warnings
    }
import-col-row = Row
import-col-column = Column
import-col-reason = Reason
import-col-note = Note
import-col-sheet = Sheet
import-busy-confirm = Importing, please wait; a large ledger takes some tens of seconds…
import-confirm = Confirm the import
import-skip-invalid = Skip the projects with errors and import the other { $n ->
        [one] project
       *[other] { $n } projects
    }
import-or-fix = Or correct the file and upload it again.
import-upload-heading = Upload a file
import-upload-hint = Takes the .xlsx / .xls ledgers the departments keep today: title rows, the reporting unit's row, the usual ways of writing the headers, merged cells and every way of writing a date are understood. The file is checked first and imported only when you confirm; the check writes nothing.
import-upload-own-only = {" "}A department may import only the projects it initiated; other departments' projects are listed as errors.
import-upload-limit = {" "}Uploads on this page are limited to 20 MB; for larger files use the command line:
import-busy-upload = Uploading and checking, please wait…
import-file-label = Excel file
import-upload-submit = Upload and check
import-rows-more = … ({ $n } rows in all)
import-did-you-mean = Did you mean { $names }?
import-refused = You may not import a ledger: the leading group office imports the banner ledger, and each department the projects it initiated
import-too-large = The file is too large: uploads on this page are limited to 20 MB; import a larger ledger with the command line, qidi import ledger
import-incomplete = The upload was incomplete: choose the file and upload it again
import-no-file = Choose the Excel file to import
import-default-file-name = ledger.xlsx
import-unreadable = Cannot read “{ $file }”: { $error }
import-cannot-keep = The uploaded file cannot be saved just now; try again later
import-bad-kind = Not a valid kind of name: it must be a department or an item type
import-expired = The uploaded file has expired (not confirmed within 24 hours) or was imported already; upload it again
import-alias-missing-department = “{ $written }”: choose the department it stands for
import-alias-missing-item_type = “{ $written }”: choose the item type it stands for
import-alias-not-saved = “{ $written }” could not be saved as an alias: { $error }
import-has-errors = The ledger has { $n ->
        [one] one error
       *[other] { $n } errors
    }, and nothing was imported: correct them and upload the file again, or choose to import only the projects without errors
import-map-names-refused = Only the leading group office may save what a name stands for (an alias)

## The project library

library-title = Project library
library-keywords = Keywords
library-keywords-placeholder = Project code, name or owner
library-department = Department
library-all = All
library-item-type = Item type
library-light = Traffic light
library-year = Year of initiation
library-stage = Construction status
library-filter = Filter
library-clear = Clear the filters
library-filter-error = The filters could not be read: { $error }
library-col-code = Project code
library-col-name = Project name
library-col-owner = Owner
library-col-department = Initiating department
library-col-year = Year
library-col-investment = Total investment (10,000 yuan)
library-col-pending = Pending items
library-none-in-part = No project in the part searched matches.
library-none = No project matches.
library-empty = There are no projects within your access yet.
library-first-page = Back to the first page
library-looked-at = Searched { $n ->
        [one] one project
       *[other] { $n } projects
    }, found { $found }.
library-search-on = Search on
library-previous = Previous page
library-next = Next page
library-page = Page { $n }
library-export-all = Export the library (Excel)
library-export-filtered = Export these results (Excel)
library-export-hint = Exports every project the current filters find (not only this page), in the ledger's layout, at most { $max } rows
library-export-file = project library { $date }.xlsx

## Filtering and ordering the baseline items (a department's ledger page)

ledger-baseline-filter-form = Filter the baseline items
ledger-baseline-filter-any = All
ledger-baseline-filter-status = Status
ledger-baseline-filter-status-pending = Not reduced
ledger-baseline-filter-status-reduced = Reduced
ledger-baseline-filter-item-type = Item type
ledger-baseline-filter-handling = Handling department
ledger-baseline-filter-source = Source
ledger-baseline-filter-source-signed = Signed ledger
ledger-baseline-filter-source-addition = Added later
ledger-baseline-filter-text = Project
ledger-baseline-filter-text-placeholder = Project name or project code
ledger-baseline-filter-sort = Order
ledger-baseline-filter-sort-code = By project code
ledger-baseline-filter-sort-name = By project name
ledger-baseline-filter-sort-item_type = By item type
ledger-baseline-filter-sort-status = By status (not reduced first)
ledger-baseline-filter-submit = Filter
ledger-baseline-filter-clear = Clear the filters
ledger-baseline-filter-count = { $n } of { $total } baseline items
ledger-baseline-filter-empty = No baseline item matches these filters.
ledger-baseline-filter-error = The filters could not be read: “{ $value }” is not a valid { $field }; all baseline items are shown below.
ledger-baseline-filter-field-status = status
ledger-baseline-filter-field-source = source
ledger-baseline-filter-field-sort = order
ledger-baseline-filter-field-baseline_page = page number
ledger-change-set-confirm-ask = A confirmation cannot be withdrawn. Confirm the changes of version { $hash }?
ledger-sign-confirm = A signature cannot be withdrawn. Sign version { $hash } as { $capacity }?
ledger-removal-decide-confirm = A removal decision cannot be undone. Submit it?
ledger-removal-reason-label = Reason for the removal
ledger-removal-text-label = Grounds for the removal
ledger-answer-refused = The check result for { $project } ({ $item }) was not saved: { $reason }
ledger-reading-heading = Reading the department's ledger
ledger-reading-lines = { $read } of about { $lines } lines read.
ledger-reading-hint = The ledger is large, so it is read in the background; the rest of this page works as usual. The result shows by itself once it is read, or follow
ledger-reading-show = Show the result
ledger-reading-began = What follows is the ledger as read from { $at }.
ledger-reading-again = Read it again
ledger-signing-title = Signing goes on
ledger-signing-goes-on = This department's ledger is large, so the signature is still being stored in the background. You need not stay on this page; please do not send it again. Once stored, the signature shows on the department's ledger page. Should the ledger change meanwhile, the signature does not take effect: check it again and sign again.
ledger-confirming-title = Confirmation goes on
ledger-confirming-goes-on = This department's ledger is large, so the confirmation of its changes is still being stored in the background. You need not stay on this page; please do not send it again. Once stored, the confirmation shows on the department's ledger page. Should the ledger change meanwhile, the confirmation does not take effect: check it again and confirm again.
ledger-signing-back = Back to the department's ledger
ledger-busy-sign = Signing; a large ledger takes a while. Please wait and do not send it twice…
ledger-signing-busy = This server is storing another large ledger's signature; yours was not begun. Please try again in a minute or two.
