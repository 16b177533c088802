# Refusals from core and the store about accounts. Their Chinese wording is in the
# code that decides them (qidi-core, qidi-store); every other language words them here.
err-password-too-short = A password has at least 8 characters.
err-password-too-long = The password is too long (at most { $max } characters).
err-password-too-few-classes = A password contains at least three of: capital letters, small letters, digits, symbols.
err-password-contains-username = A password may not contain the user name.
err-password-too-common = This password is too common; choose another.
err-password-reused = The new password may not be one of the last { $count } passwords used.
