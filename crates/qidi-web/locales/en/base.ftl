# The page frame: titles, navigation, footer, sign-in, error page, role names.
language-name = English
site-name = qidi · Pending Approval Supervision
site-title-suffix = qidi Pending Approval Supervision
footer = qidi · every step of approval on the record, open to public supervision
language-switch = Language
trial-clock = Trial clock on: the system's time runs from { $at } (QIDI_NOW), for training, drills and tests only; no date shown is real.

nav-menu = Menu
nav-accounts = Accounts
nav-calendar = Working-day calendar
nav-channels = Message channels
nav-send-log = Send log
nav-security-accounts = Account security
nav-audit = Audit record
nav-home = Overview
nav-projects = Project library
nav-ledger = Ledger and baseline
nav-my-projects = My projects
nav-inbox = Applications to handle
nav-catalogue = Item types
nav-campaigns = Campaigns and organisation
nav-bulletins = Monthly bulletins
nav-hotline = 12345 work orders
nav-supervision = Supervision orders and progress reports
nav-assessment = Department assessment
nav-lookback = Look-back reviews
nav-messages = Messages
nav-unread = Unread messages
nav-account-security = Account security
nav-paren-open = {" "}(
nav-paren-close = )
nav-logout = Sign out

public-nav = Public record
public-nav-lookup = Public record · Find a project
public-nav-staff-login = Staff sign-in

login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in

confirm-title = Please confirm
confirm-yes = Confirm
confirm-no = Cancel and go back
error-back = Back to the previous page
error-home = Back to the home page
error-title = Something went wrong
error-not-found-title = Not found
error-not-found = The page you are looking for does not exist, or you may not see it.
error-render = The page could not be generated

role-applicant = Project owner
role-handler = Handler
role-department_head = Department head
role-office = Leading group office
role-leader = Leader in charge
role-inspector = Discipline inspection group
role-admin = System administrator
role-security_admin = Security administrator
role-audit_admin = Audit administrator
api-error-bad-request = The request is malformed
api-error-unauthorized = Please sign in first
api-error-forbidden = You may not do this
api-error-not-found = Not found, or you may not see it
api-error-method-not-allowed = This address does not take this request method
api-error-timeout = The request took too long; please try again later
api-error-payload-too-large = The request is too large
api-error-unsupported-media-type = The request has the wrong content type; it should be application/json
api-error-invalid = The request content is wrong
api-error-too-many-requests = Too many requests; please try again later
api-error-internal = The system cannot handle this just now; please try again later
api-error-error = The request could not be completed
api-error-file = A file on the server could not be read or written; try again later or contact the system administrator
api-error-with-detail = { $sentence }: { $detail }

## The web layer's own refusals: JSON the API could not read, tokens, the rate limits,
## cross-site writes, and what the public record's and the bulletins' API answer.
api-malformed = The request is malformed: { $detail }
api-malformed-hint = The request is malformed ({ $hint }): { $detail }
api-hint-hotline-order = a JSON object whose fields are all strings is needed
api-hint-hotline-follow-up = satisfied (true or false) is needed
api-hint-hotline-phone = phone is needed
api-hint-hotline-action = action.type is needed: assign, sign_for, handle, reply or follow_up
api-hint-hotline-substantiated = department and note are needed, item_type is optional
api-hint-hotline-limits = category, urgency and the working days for assign, sign_for, reply and follow_up are needed
api-hint-supervision-order = target, target_id, title, reason, required_action, deadline (YYYY-MM-DD) and responsible_person are needed
api-hint-supervision-lift = result (the outcome) is needed
api-hint-progress-report = period (the reporting period, e.g. 2026-04a) and text (the progress made) are needed
api-hint-report-schedule = half_monthly_until (YYYY-MM-DD) and due_working_days are needed
api-hint-inspector-departments = departments (a list of department codes) is needed
api-hint-outside-approval = document_number and decided_on are needed, the date as YYYY-MM-DD
api-supervision-target = The supervision order's target type (target) should be department, project or item
api-token-refused = The API token is not valid or has been revoked
api-token-region = The token's region is not valid
api-too-many-requests = Too many requests; try again in { $seconds ->
        [one] one second
       *[other] { $seconds } seconds
    }
api-cross-site = Cross-site request refused
api-public-unknown-project = No project has this project code; check the code (like 2022-152529-44-01-012345)
api-public-empty-query = The query parameter q is empty: give a project code (or its beginning) or words from a project's name
api-bulletin-final = An issued bulletin is never changed; to correct one, the office issues a correction
api-lookback-rule = The selection rule “{ $rule }” is not valid: it should be department_items, all_removals, late_approvals or all_closed
api-lookback-finding = The finding “{ $finding }” is not valid: it should be no_problem, problem_found or correction_needed
