# Refusals from core and the store about ledgers, the baseline and the project library. Their Chinese
# wording is in the code that decides them (qidi-core, qidi-store); every other language words them here.

## Check reports

err-ledger-answer-missing = Fill in: { $n ->
        [1] { $field1 }
        [2] { $field1 } and { $field2 }
        [3] { $field1 }, { $field2 } and { $field3 }
       *[other] { $field1 }, { $field2 }, { $field3 } and { $field4 }
    }.
err-ledger-answer-too-long = { $field } is too long (at most { $max } characters).
err-ledger-push-nothing-pending = The projects this department initiated have no pending items: there is no check list to push.

## Sign-off

err-ledger-sign-wrong-role = Your role may not sign off as “{ $capacity }”.
err-ledger-sign-not-for-this-ledger = This ledger needs no sign-off by “{ $capacity }”.
err-ledger-sign-other-department = You may sign off only your own department's ledger.
err-ledger-sign-out-of-order = “{ $capacity }” must sign off first.
err-ledger-sign-already-signed = “{ $capacity }” has already signed off this version.
err-ledger-sign-stale = The ledger has changed: reload the page and check it before signing off.
err-ledger-sign-empty = The ledger is empty: there is nothing to sign off.
err-ledger-sign-already-fixed = This department's ledger is fully signed and the baseline is set: from now on, additions and changes are confirmed one by one under “Additions and changes awaiting confirmation”, without signing off the whole ledger again.
err-ledger-sign-not-fixed = The ledger is not yet fully signed and has no baseline, so there are no additions or changes to confirm.
err-ledger-sign-no-changes = There are no additions or changes awaiting confirmation.
err-ledger-sign-missing-checks = { $n ->
        [one] One pending item still has
       *[other] { $n } pending items still have
    } no check report (the check list was not answered, or the check report was left empty): confirm that you are aware before signing off.
err-ledger-changes-confirmed-meanwhile = Someone else has already confirmed these additions and changes: reload the page and check them.
err-ledger-moved-between-reads = The ledger changed while it was being read: reload the page.
err-ledger-being-fixed = The ledger of this project's department is being signed at this moment and its baseline is being written, so this was not saved: try again in a minute.
err-given-up-for-another = Someone else was changing related records at the same moment, so this was not saved: try again.

## Removals and reductions

err-ledger-removal-no-reason-text = State the grounds for the removal.
err-ledger-removal-reason-too-long = The grounds for the removal are too long (at most { $max } characters).
err-ledger-removal-may-not-propose = Your role may not propose a removal.
err-ledger-removal-may-not-decide = Only the leading group office may approve or reject a removal.
err-ledger-removal-already-decided = This removal has already been decided ({ $decision }) and cannot be changed.
err-ledger-removal-not-a-decision = The decision must be to approve or to reject.
err-ledger-removal-project-removed = This project has already been removed from the library.
err-ledger-removal-no-item = Choose the pending item to reduce.
err-ledger-removal-item-reduced = This item has already been reduced.
err-ledger-removal-decided = This removal has already been decided.
err-ledger-reduction-already-reduced = This item has already been reduced and cannot change.
err-ledger-reduction-not-granted = Only an approved item can be reduced on approval.
err-ledger-reduction-removal-not-approved = A reduction on removal needs a removal the office has approved.
err-ledger-reduction-no-reason = A reduction on removal must state its grounds.

## Pending items found later

err-ledger-add-item-not-allowed = Only the project's initiating department or the leading group office may add a pending item found later.
err-ledger-add-item-not-in-library = The project has been removed from the library: no pending item can be added to it.
err-ledger-add-item-unknown-type = Choose an item type from this region's catalogue.
err-ledger-add-item-type-retired = The item type “{ $item_type }” is retired: no pending item of it can be added.
err-ledger-add-item-duplicate = Project { $code } already has the pending item “{ $item_type }”.
err-ledger-project-region-invalid = The project's region code is not valid.

## Importing ledgers

err-ledger-import-no-department = Your account is not linked to a department, so you may not import a ledger.
err-ledger-import-other-department = You may import only the projects your department initiated: this project's initiating department is another one.
err-ledger-import-stored-other-department = This project is already on record with another initiating department, and your department's import may not overwrite it; contact the leading group office.
err-ledger-import-not-allowed = You may not import a ledger.
err-ledger-api-not-excel = The request body should be an Excel file (.xlsx/.xls).
err-ledger-api-limit = limit should be a whole number from 1 to { $max }; got: { $value }
err-ledger-api-after = after should be "project code/item type code"; got: { $value }

## Filters

err-ledger-baseline-filter-invalid = “{ $value }” is not a valid { $field }.
err-library-filter-light = Traffic light: “{ $value }” is not red, yellow or green.
err-library-filter-stage = Construction status: “{ $value }” is neither “not started” nor “under construction”.
err-library-filter-year = Year of initiation: “{ $value }” is not a year from 1990 to 2100.

## Projects and owners

err-project-code-malformed = The project code “{ $code }” is not well formed: it should look like 2022-152529-44-01-012345.
err-project-code-digit-count = The project code has the wrong number of digits: “{ $code }” has { $digits ->
        [one] one digit
       *[other] { $digits } digits
    }, while a national project code has 20 digits (such as 2022-152529-44-01-012345). It may have been cut short, or turned into a number by Excel.
err-project-code-not-national-shape = The project code “{ $code }” is not in the shape of a national project code (4-6-2-2-6 digits, such as 2022-152529-44-01-012345): it was imported as written; check it.
err-project-amount-invalid = The amount “{ $amount }” cannot be read: it should be a number in 10,000 yuan, such as 1,234.56.
err-credit-code-length = The unified social credit code “{ $code }” should have 18 characters (digits and capital letters).
err-credit-code-character = The unified social credit code “{ $code }” contains “{ $found }”, which is not allowed (I, O, S, V and Z are not used).
err-credit-code-check = The unified social credit code “{ $code }” has the wrong check character (it should be { $expected }): check that it was not miscopied.

## The catalogue

err-department-changed-meanwhile = Someone else has just changed the department: reload the page and try again.
err-names-alias-saved-meanwhile-department = “{ $written }” has just been saved as a department's alias: it cannot be added twice.
err-names-alias-saved-meanwhile-item-type = “{ $written }” has just been saved as an item type's alias: it cannot be added twice.
err-ledger-reading-failed = Reading the ledger did not finish: reload the page to try again.
