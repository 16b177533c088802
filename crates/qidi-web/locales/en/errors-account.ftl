# Refusals from core and the store about accounts. Their Chinese wording is in the
# code that decides them (qidi-core, qidi-store); every other language words them here.
err-password-too-short = A password has at least 8 characters.
err-password-too-long = The password is too long (at most { $max } characters).
err-password-too-few-classes = A password contains at least three of: capital letters, small letters, digits, symbols.
err-password-contains-username = A password may not contain the user name.
err-password-too-common = This password is too common; choose another.
err-password-reused = The new password may not be one of the last { $count } passwords used.
err-account-missing-department = This role must belong to a department.
err-account-missing-owner = This role must belong to a project owner.
err-account-bad-username = A username must be 1–64 characters, without spaces.
err-account-username-taken = The username “{ $username }” already exists.
err-account-no-such-department = The chosen department does not exist.
err-account-security-refused = The security administrator may only manage accounts that are not administrator accounts, and not their own.
err-account-create-refused = The system administrator may only create staff accounts (not administrator or project owner accounts).
err-account-bad-display-name = Fill in a name or post (at most 64 characters).
err-account-disable-refused = The system administrator may only disable or enable staff accounts, and may not disable their own.
err-account-reset-refused = The system administrator may only reset the passwords of staff accounts, and may not reset their own.
err-owner-name-missing = The project owner's name may not be empty.
err-second-factor-already-on = Two-factor authentication is already set up; to change it, turn it off first.
err-second-factor-no-pending-setup = There is no two-factor setup waiting to be confirmed; start again.
err-second-factor-required = Your role requires two-factor authentication; it cannot be turned off.
err-login-failed = Wrong username or password (after several wrong tries in a row, the account is locked for a while).
err-login-disabled = This account is disabled; contact the administrator.
err-login-throttled = Too many sign-in attempts; try again in { $seconds ->
        [one] one second
       *[other] { $seconds } seconds
    }.
err-auth-second-factor-code-required = Enter the two-factor authentication code (POST /api/v1/login/code).
err-auth-password-change-required = Change the initial password first.
err-auth-second-factor-enrolment-required = Your role requires two-factor authentication; set it up on the web pages first.
