# Refusals from core and the store about applications, their uploads and helpers, outside approvals, the inbox's
# filters and the audit search. Their Chinese wording is in the code that decides them; every other language words them here.

## Who may take a step
err-workflow-role-cannot-act = The role “{ $role }” cannot handle approvals.
err-workflow-not-owner = You are not this project's owner and may not do this.
err-workflow-helper-not-authorised = The project owner has not authorised you to act for it, so you may not do this.
err-workflow-not-applicant = Only the project owner, or a helper it has authorised, may take this step.
err-workflow-not-handler = Only a handler of the handling department may take this step.
err-workflow-not-handling-department = You are not a handler of this application's handling department and may not do this.
err-workflow-helper-cannot-handle = A helper acts for the project owner and cannot take the handling department's steps.
err-workflow-not-recorder = Only the leading group office or a handler of the handling department may record the higher authority's decision.
err-workflow-system-only = Deemed acceptance is recorded by the system as the law provides; it cannot be recorded by hand.
err-workflow-not-for-system = The system records only deemed acceptances; it cannot act for a person.
err-workflow-not-department-head = An extension must be granted by the head of the department.

## What the application's status allows
err-workflow-already-in-state = The application is already “{ $state }”; the step need not be taken again.
err-workflow-terminal = The application is closed ({ $state }); no further step can be taken.
err-workflow-not-yet-accepted = The application has not been accepted, so no decision can be made yet.
err-workflow-wrong-state = An application with the status “{ $state }” does not allow this step ({ $action }).
err-workflow-already-extended = The decision limit has already been extended once; it cannot be extended again.
err-workflow-no-extension = By law, the decision limit of this item type cannot be extended.
err-workflow-notice-limit-not-over = The one-time notice limit (to { $due }) has not run out, so the application cannot be deemed accepted.
err-workflow-not-higher-authority = This item type is decided at this level and cannot be forwarded.
err-workflow-higher-authority = The authority to decide this item type lies at { $level }: accept the application and forward it; it cannot be decided at this level.

## What a step must carry
err-workflow-missing-extension-reason = An extension must give its reason.
err-workflow-decision-date-out-of-range = The decision date { $date } must fall between the day of acceptance ({ $from }) and today ({ $to }).
err-workflow-wrong-received-on = The day of receipt { $received } of a deemed acceptance is not the day of this submission.
err-workflow-replaced-not-provided = Materials marked as replaced are not part of this submission: { $materials }
err-workflow-empty-notice = A one-time notice must list at least one problem.
err-workflow-incomplete-notice-problem = Problem { $position } of the one-time notice lacks its material, its problem or what to correct.
err-workflow-missing-document-number = An approval needs the decision's document number.
err-workflow-missing-reasons = A refusal must give its reasons.
err-workflow-missing-authority = A forward must name the higher authority.
err-workflow-missing-pause-note = A clock pause for “Other statutory circumstance” must say what the circumstance is.
err-workflow-missing-withdraw-reason = A withdrawal must give its reason.

## The record of an application
err-workflow-event-out-of-order = Event { $seq } does not follow the event before it.
err-workflow-event-date-mismatch = The date of event { $seq } does not match its time (Beijing time).

## Applications, uploads and helpers (the store)
err-workflow-bad-client-token = The request token (client_token) must be at most 100 letters, digits or hyphens.
err-workflow-item-closed = This item is closed; no application is needed.
err-workflow-no-owner = No owner is recorded for this project, so no application can be made.
err-workflow-application-open = This item already has an application under way; please continue with that application.
err-workflow-token-used = This request token has already been used.
err-workflow-token-other-action = This request token has already been used for another step.
err-workflow-stale = Someone else has handled the application in the meantime (now version { $version }); please reload the page and try again.
err-workflow-material-not-listed = “{ $code }” is not on the list of required materials.
err-workflow-empty-file = The uploaded file is empty.
err-workflow-file-too-large = The file is too large: each material may be at most { $mb } MB.
err-workflow-upload-state = The application is “{ $state }”: materials can be uploaded only to a draft or to an application returned for correction.
err-workflow-helper-office-assigns = Helpers are assigned by the leading group office.
err-workflow-helper-unknown-user = The user “{ $username }” does not exist or has been disabled.
err-workflow-helper-wrong-role = “{ $name }” has the role “{ $role }”; a helper must be from the leading group office, a department head or a handler.
err-workflow-helper-owner-authorises = Only the project owner itself can authorise a helper.
err-workflow-bad-month = The month “{ $month }” must be written YYYY-MM, e.g. 2026-11.
err-workflow-bad-outcome = The outcome “{ $outcome }” must be on_time, late or deemed.

## The inbox's filters
err-inbox-bad-light = Traffic light: “{ $value }” is not red, yellow or green.
err-inbox-bad-sort = Sort: “{ $value }” is not by traffic light, by due date or by project.
err-inbox-bad-page = Page: “{ $value }” is not a page number.

## Approvals made outside the system
err-outside-approval-not-allowed = Only the leading group office or the item's handling department can record an approval made outside the system.
err-outside-approval-no-document-number = Please fill in the decision's document number.
err-outside-approval-document-number-too-long = The document number is too long (at most { $max } characters).
err-outside-approval-decided-in-future = The decision date { $decided } is after today ({ $today }); a decision not yet made cannot be recorded.
err-outside-approval-decided-before-scope = The decision date { $decided } is before { $from } (ledgers hold projects from 2016 on); please check the year.
err-outside-approval-note-too-long = The note is too long (at most { $max } characters).
err-outside-approval-already-granted = This item has already been approved; there is nothing to record.
err-outside-approval-open-application = This item has an application under way; please make the decision in that application.

## The search of the audit record
err-record-query-too-long = { $field }: at most { $max } characters.
err-record-query-bad-characters = { $field }: contains characters that are not allowed.
err-record-query-bad-date = { $field }: “{ $value }” is not a date written YYYY-MM-DD.
err-record-query-to-before-from = To: may not be earlier than From.
