# Administrators' pages: accounts, the working-day calendar, the audit record, account
# security, and a user's own two-factor authentication.

## Accounts (system administrator)
admin-accounts-title = Accounts
admin-accounts-hint = The system administrator creates staff accounts, resets their passwords (with a one-time password), and disables or re-enables accounts. Roles, unlocking and two-factor authentication are the security administrator's; administrator accounts can only be created on the server's command line; owner accounts are opened by the leading group office. Every action goes on the audit record.
admin-reset-before = Reset the password of account
admin-reset-after = and signed it out
admin-created-before = Created account
admin-one-time-password = . One-time password (shown this once only: hand it to the person face to face or over a secure channel):
admin-first-sign-in = At their first sign-in, the person must set their own password.
admin-create = Create account
admin-display-name = Name or post
admin-department-hint = Department (required for handlers and department heads)
admin-no-department = (no department)
admin-all-accounts = All accounts
admin-col-username = Username
admin-col-name = Name
admin-col-role = Role
admin-col-department = Department or owner
admin-col-status = Status
admin-col-actions = Actions
admin-disabled = Disabled
admin-active = Active
admin-reset-confirm = Resetting signs the account out at once, and it must sign in with the new one-time password. Reset the password of { $username }?
admin-reset-password = Reset password
admin-enable = Enable
admin-disable-confirm = Disabling signs the account out at once, and it can no longer sign in. Disable it?
admin-disable = Disable
admin-choose-role = Choose a role
admin-unknown-action = Unknown action
admin-account-error = { $username }: { $message }

## Account security (security administrator)
security-title = Account security
security-hint = The security administrator unlocks accounts, resets two-factor authentication and changes roles. Administrator accounts (system, security, audit) can only be created on the server's command line, and each holds one administrator role only; this page cannot change an administrator account, nor your own. Every action goes on the audit record.
security-col-second-factor = Two-factor authentication
security-locked-until = Locked until { $until }
security-second-factor-on = On
security-second-factor-off = Off
security-unlock = Unlock
security-reset-second-factor-confirm = After the reset the account must set up two-factor authentication again, and all its sessions end. Reset it?
security-reset-second-factor = Reset two-factor
security-change-role-confirm = Changing the role ends all the account's sessions. Change it?
security-new-role = New role
security-change-role = Change role

## Working-day calendar (public holidays)
calendar-title = Public holidays
calendar-heading = Public holidays (working-day calendar)
calendar-hint =
    Every time limit counts working days: a date the notice lists is as the notice says (a holiday or a make-up working day); on a date it does not list, Monday to Friday are working days.
    For a year whose notice is not imported yet, limits count Monday to Friday for now and are marked “provisional”; once it is imported, the limits affected are recalculated automatically.
calendar-import-title = Import a new year's holidays
calendar-file = Notice file (JSON)
calendar-paste = Or paste the JSON
calendar-paste-example = {"{"}"year": 2027, "papers": ["https://www.gov.cn/…"], "days": [{"{"}"name": "New Year's Day", "date": "2027-01-01", "isOffDay": true{"}"}]{"}"}
calendar-format-hint =
    The format is holiday-cn's: year is the notice's year; days lists every holiday (isOffDay true) and every make-up working day (false); dates in December or the next January may be listed too.
    A year already imported is never overwritten; a file that contradicts an imported date is refused, and nothing is changed.
calendar-import = Import
calendar-loaded-years = Imported years
calendar-col-year = Year
calendar-col-days = Dates listed
calendar-col-off-days = Holidays
calendar-col-make-up-days = Make-up working days
calendar-col-loaded-at = Imported at
calendar-col-notice = Notice
calendar-notice-link = State Council General Office notice
calendar-no-years = No year has been imported yet.
calendar-too-large = The file is too large: a holiday file should not exceed { $kb } KB
calendar-unreadable = The upload could not be read; choose the file again and retry
calendar-use-form = Upload the holiday file with this page's form
calendar-not-utf8 = The file is not JSON text in UTF-8
calendar-choose-file = Choose a holiday file, or paste its JSON
calendar-unchanged = The { $year } holidays were imported before with the same content; nothing was changed.
calendar-imported = Imported the { $year } holidays: { $days ->
        [one] one date
       *[other] { $days } dates
    }.
calendar-recomputed = {" "}Recalculated { $examined ->
        [one] one affected time limit
       *[other] { $examined } affected time limits
    }, of which { $changed } changed.

## Audit record (audit administrator)
audit-title = Audit record
audit-hint = Every action on the record, newest first. An entry's number in the hash chain cannot change; to check integrity, use
audit-hint-end = .
audit-action = Action
audit-action-placeholder = e.g. auth.login or hotline.
audit-actor = User
audit-actor-placeholder = Username
audit-object-id = Object ID
audit-outcome = Outcome
audit-request-id = Request ID
audit-client-addr = Client address
audit-from = From
audit-to = To
audit-search = Search
audit-clear = Clear
audit-none = No entries match.
audit-col-seq = No.
audit-col-at = Time
audit-col-object = Object
audit-col-client = Client
audit-col-payload = Content
audit-earlier = Earlier entries
audit-actor-with-role = { $user } ({ $role })
audit-actor-system = System

## Two-factor authentication (a user's own setup, and the code at sign-in)
second-factor-title = Two-factor authentication
second-factor-recovery-codes = Recovery codes
second-factor-recovery-hint = Write down or print these recovery codes now and keep them safe. If your phone is lost or the authenticator cannot be used, each recovery code signs you in once in place of a code. They are not shown again once this page is closed.
second-factor-continue = Continue
second-factor-on = On. When you sign in, after the password you also enter the 6-digit code from your authenticator. Unused recovery codes: { $left }.
second-factor-required-hint = Your role requires two-factor authentication, so it cannot be turned off. If your phone is lost, sign in with a recovery code, or ask the system administrator to reset it.
second-factor-turn-off-confirm = Once it is off, signing in needs only the password. Turn off two-factor authentication?
second-factor-turn-off-code = Current code, to turn it off
second-factor-turn-off = Turn off two-factor authentication
second-factor-required-setup = Your role requires two-factor authentication: set it up to go on using the system.
second-factor-step-install = Install an authenticator app on your phone (any authenticator that supports TOTP will do).
second-factor-step-scan = Scan the QR code below with the app; if it cannot scan, type in the key by hand.
second-factor-step-code = Enter the 6-digit code the app shows to finish.
second-factor-qr-label = Authenticator QR code
second-factor-secret = Key:{" "}
second-factor-code = Code
second-factor-finish = Finish setup
second-factor-new-secret = Use a new key
second-factor-enter-code = Enter your code
second-factor-code-hint = Password accepted. Open the authenticator app on your phone and enter the 6-digit code it shows for “qidi 起底”. Without your phone, you may enter a recovery code (each works once).
second-factor-code-or-recovery = Code or recovery code
second-factor-verify = Verify
second-factor-cancel = Cancel and sign out
second-factor-wrong-code = The code is wrong or already used; enter the current code from your authenticator
second-factor-ended = Too many wrong codes; please sign in again
second-factor-enabled = Two-factor authentication is on.
second-factor-new-key = A new key has been made; scan the QR code again.
second-factor-cannot = That cannot be done; reload the page and try again
