# Refusals from core and the store about the 12345 hotline, supervision orders, assessment, bulletins, look-back reviews and messages. Their Chinese
# wording is in the code that decides them (qidi-core, qidi-store); every other language words them here.

## 12345 hotline: the steps of a work order
err-hotline-cannot-assign = This work order is “{ $state }”: it cannot be assigned now.
err-hotline-cannot-sign-for = This work order is “{ $state }”: it cannot be signed for now.
err-hotline-cannot-handle = This work order is “{ $state }”: it cannot be marked as handled now.
err-hotline-cannot-reply = This work order is “{ $state }”: the caller cannot be replied to now.
err-hotline-cannot-follow-up = This work order is “{ $state }”: no follow-up result can be recorded now.
err-hotline-office-assigns = Only the leading group office may assign a work order.
err-hotline-office-follows-up = Only the leading group office may record the follow-up result.
err-hotline-leading-signs-for = Only the leading department may sign for this work order.
err-hotline-leading-handles = Only the leading department may handle this work order.
err-hotline-leading-replies = Only the leading department may reply to the caller.
err-hotline-blank-department = Choose the leading department.
err-hotline-blank-note = Say how the work order was handled.
err-hotline-blank-reply = The reply to the caller may not be empty.
err-hotline-limit-too-long = { $clock }: a limit is at most { $max } working days.

## 12345 hotline: entering a work order
err-hotline-field-missing = “{ $label }” ({ $field }) is missing.
err-hotline-field-too-long = “{ $label }” ({ $field }) may not be longer than { $max } characters.
err-hotline-field-control = “{ $label }” ({ $field }) contains control characters.
err-hotline-bad-category = The complaint category ({ $field }) “{ $value }” is not valid: it should be one of { $allowed }.
err-hotline-bad-urgency = The urgency ({ $field }) “{ $value }” is not valid: it should be normal or urgent.
err-hotline-bad-phone = The caller's phone ({ $field }) is not in the right form: it should be 5 to 20 digits.
err-hotline-project-code-too-long = The project code ({ $field }) may not be longer than { $max } characters.
err-hotline-item-type-too-long = The item type ({ $field }) may not be longer than { $max } characters.
err-hotline-office-enters = Only the leading group office may enter 12345 work orders.
err-hotline-item-type-unknown = The item type (item_type) “{ $code }” is not in the item catalogue.
err-hotline-being-entered = Work order { $number } is being entered; please try again shortly.

## 12345 hotline: handling, callers and substantiated complaints
err-hotline-department-unknown = There is no department “{ $department }”.
err-hotline-changed-meanwhile = Someone else has just handled this work order; refresh the page and try again.
err-hotline-may-not-see-phone = You may not see the caller's phone number.
err-hotline-may-not-find-by-phone = You may not look up work orders by the caller's phone.
err-hotline-search-bad-phone = The caller's phone is not in the right form: it should be 5 to 20 digits.
err-hotline-may-not-substantiate = Only the leading group office or the leading department may record a complaint as substantiated.
err-hotline-substantiation-reason-blank = Give the reason the complaint is substantiated.
err-hotline-substantiation-item-type-unknown = The item type “{ $code }” is not in the item catalogue.
err-hotline-already-substantiated = This complaint has already been recorded as substantiated for this department and item type.
err-hotline-may-not-set-limits = Only the leading group office or the system administrator may set work order limits.

## Supervision orders
err-supervision-office-only = Only the leading group office may issue or lift supervision orders.
err-supervision-field-blank = { $field }: may not be empty.
err-supervision-field-too-long = { $field }: at most { $max } characters.
err-supervision-deadline-before-issue = The deadline { $deadline } is before the day of issue { $issued_on }.
err-supervision-already-lifted = This supervision order was lifted on { $on }.
err-supervision-target-department-unknown = Put on: there is no department { $department }.
err-supervision-target-project-unknown = Put on: the project does not exist.
err-supervision-target-project-no-department = Put on: the project has no initiating department; put the order on a department instead.
err-supervision-target-item-unknown = Put on: the pending item does not exist.
err-supervision-lifted-meanwhile = This supervision order has already been lifted; refresh the page to see it.
err-supervision-admin-sets-inspector-departments = Only the system administrator may set the departments a discipline inspection group oversees.
err-supervision-not-an-inspector = Overseen departments can only be set for a discipline inspection group's account.
err-supervision-department-unknown = There is no department { $department }.

## Assessment
err-assessment-bad-period = “{ $value }” is not an assessment period: give a month (2026-05), a quarter (2026-Q2) or campaign.
err-assessment-period-not-closed = The period { $period } is not over yet (it ends on { $last }): only a period that has ended is assessed.
err-assessment-bad-number = “{ $value }” is not a valid score: give a number up to 1000 with at most two decimal places.
err-assessment-profile-name-blank = The assessment scheme is wrong: the scheme name may not be empty.
err-assessment-profile-negative = The assessment scheme is wrong: “{ $field }” may not be negative (it is { $value }).
err-assessment-profile-grades-out-of-order = The assessment scheme is wrong: the grade thresholds should be Excellent ≥ Good ≥ Pass (they are { $excellent } / { $good } / { $pass }).
err-assessment-office-edits-profile = Only the leading group office may change the assessment scheme.
err-assessment-profile-unreadable = Version { $version } of the assessment scheme cannot be read: { $reason }
err-assessment-entry-not-initiating = Only the staff of an initiating department may rate handling departments.
err-assessment-entry-own-department = A department may not rate itself.
err-assessment-entry-score-out-of-range = The rating should be from 0 to 100 (it is { $value }).
err-assessment-entry-comment-blank = The rating's comment may not be empty.
err-assessment-entry-department-unknown = There is no department “{ $department }” to rate.
err-assessment-entry-project-unknown = There is no project with the project code “{ $code }”.

## Bulletins
err-bulletin-bad-month = “{ $value }” is not a month such as 2026-03.
err-bulletin-month-not-closed = { $month } is not over yet: a bulletin is made for a closed month (its last day is { $last }).
err-bulletin-office-issues = Only the leading group office may issue a bulletin.

## Look-back reviews
err-lookback-note-blank = The finding is wrong: when a problem is found, describe the problem.
err-lookback-correction-blank = The finding is wrong: when a correction is needed, say what must be corrected.
err-lookback-no-deadline = The finding is wrong: when a correction is needed, give a correction deadline.
err-lookback-deadline-not-after-today = The finding is wrong: the correction deadline { $due_on } should be after today ({ $today }).
err-lookback-office-opens = Only the leading group office may open a look-back review.
err-lookback-title-blank = The look-back review's title may not be empty.
err-lookback-department-unknown = There is no department “{ $department }”.
err-lookback-nothing-to-check = “{ $rule }” selects no closed item or removed project to check.
err-lookback-nothing-in-department = Department { $department } has no closed item to check.
err-lookback-may-not-read = You may not see look-back reviews.
err-lookback-office-records-findings = Only the leading group office's reviewers may record findings.
err-lookback-office-confirms-corrections = Only the leading group office may confirm a correction.
err-lookback-corrected-note-blank = To confirm a correction, say what was corrected.
err-lookback-no-open-correction = This item has no correction still to be made.
err-lookback-office-closes = Only the leading group office may close a look-back review.
err-lookback-closed = This look-back review is closed and can no longer be changed.
err-lookback-record-unreadable = A look-back review's record cannot be read ({ $what }).

## Messages and channels
err-channel-not-an-email = “{ $value }” is not an email address.
err-channel-not-a-url = “{ $value }” is not a valid address: a group robot's address must be a webhook URL starting with http:// or https://.
err-channel-secret-not-used = A signing secret is only used by DingTalk group robots.
err-channel-not-a-group-channel = In-app messages go to people, not to a configured channel.
err-messages-personal-channels-only = Choose in-app messages or email only.
err-messages-rule-fixed = The administrator has set “{ $kind }” by “{ $channel }” to “{ $rule }”; it cannot be changed.
err-messages-admin-sets-policy = Only the system administrator may set the message policy.
err-messages-bad-email = “{ $value }” is not a valid email address.
