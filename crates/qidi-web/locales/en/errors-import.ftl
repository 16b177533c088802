# Sentences about importing Excel ledgers: why a file cannot be read, each row's errors and warnings,
# and unknown names. Their Chinese wording is in the code that decides them (qidi-office, qidi-core,
# qidi-store); every other language words them here.

## Files that cannot be read

err-import-cancelled = The import was cancelled: the upload request has ended.
err-import-read-failed = The file cannot be read: a read or write error occurred.
err-import-file-not-found = The file cannot be read: it does not exist.
err-import-permission-denied = The file cannot be read: there is no permission to read it.
err-import-busy = The file cannot be read just now: the server is busy with other ledger imports; try again shortly.
err-import-names-unavailable = The file cannot be read just now: the directory of departments cannot be loaded.
err-import-file-too-large = The file is too large ({ $size } bytes); the limit is { $max } bytes.
err-import-not-excel = The file is not an Excel workbook: upload an .xlsx or .xls file.
err-import-corrupt = The file is damaged or incomplete and cannot be read as an Excel workbook: open it in Excel, save it as .xlsx and upload it again.
err-import-encrypted = The file is protected by a password: remove the password and upload it again.
err-import-too-many-entries = The file holds too many internal parts ({ $count }, the limit is { $max }) and was refused.
err-import-uncompressed-too-large = The file is too large once decompressed (over { $max } bytes); it looks like a compression bomb and was refused.
err-import-shared-strings-too-large = The text in the file is too large once decompressed (over { $max } bytes) to be read safely, and was refused: delete the sheets that are not needed, or split the file, and upload it again.
err-import-compression-ratio = The part “{ $entry }” of the file is compressed far more than usual (over { $max_ratio }:1); it looks like a compression bomb and was refused.
err-import-forbidden-xml = The part “{ $entry }” of the file contains XML declarations that are not allowed (DOCTYPE/ENTITY), and was refused.
err-import-no-sheet = The workbook has no worksheet that can be read.
err-import-sheet-not-found = The workbook has no sheet named “{ $sheet }”.
err-import-no-header = No header row found: none of the first { $rows } rows contains both “project code” and “project name” (项目代码, 项目名称, or their usual variants).

## Header mapping files (the command line's --headers)

err-import-header-map-invalid = The header mapping file is not valid: { $detail }
err-import-header-map-json = The header mapping file is not valid: it is not valid JSON ({ $detail }).
err-import-header-map-toml = The header mapping file is not valid: it is not valid TOML ({ $detail }).
err-import-header-map-not-object = The header mapping file is not valid: it should be an object of “header: field” pairs.
err-import-header-map-not-table = The header mapping file is not valid: headers should be a table.
err-import-header-map-not-a-name = The header mapping file is not valid: the value of “{ $header }” should be a field name.
err-import-header-map-too-large = The header mapping file is not valid: it is too large (the limit is 1 MB).
err-import-header-map-unknown-field = The header mapping file is not valid: “{ $header }” maps to the unknown field “{ $field }”; the fields are: { $fields }.

## Errors and warnings on a row

err-import-cell-error = The cell holds an error value ({ $value }) and cannot be read.
err-import-date-unreadable = The date “{ $written }” cannot be read: write it like 2022-09-30, 2022.9.30, 2022/09/30 or 2022年9月30日.
err-import-amount-unreadable = The amount “{ $written }” cannot be read: it should be a number (in 10,000 yuan), such as 1,234.56.
err-import-initiation-unreadable = The initiation date “{ $written }” cannot be read: it should be a date (such as 2017-04-04, 2017.4.4 or 2017年4月4日) or a four-digit year (such as 2022).
err-import-stage-unreadable = The construction status “{ $written }” cannot be read: it should be “not started” (未开工) or “under construction” (在建).
err-import-code-stored-as-number = Excel stored the project code as a number, so its last digits may be lost: format the column as text and enter the code again.
err-import-code-missing = The project code is missing.
err-import-name-missing = The project name is missing.
err-import-no-project = The row has neither a project code nor a project name, and there is no project above it that it could belong to.
err-import-item-type-missing = The pending item is missing: the row reports on its handling but does not say which item it is.
err-import-code-repeated = The project code { $code } already appears on row { $first }; the rows were merged into one project.
err-import-item-repeated = The pending item “{ $item }” is already listed on row { $first }; the rows were merged.
err-import-item-repeated-differs = The pending item “{ $item }” is already listed on row { $first } with different details; the details on row { $first } were kept.
err-import-differs-slightly = Slightly different from the value on row { $first }; the value on row { $first } was kept.
err-import-differs = Does not match row { $first } (this row “{ $value }”, row { $first } “{ $first_value }”); the value on row { $first } was kept.
err-import-note-without-item = The note belongs to no pending item and was not imported.
err-import-due-not-yet = The completion deadline reads “{ $written }”: there is no deadline yet. The item was imported without a date and shows no traffic light; fill in the deadline once it is known.

## Names that match nothing

err-import-unknown-department = The department “{ $written }” is not in the directory of departments. (The leading group office can map it to an existing department on the import check page, or ask an administrator to add an alias.)
err-import-unknown-department-suggest = The department “{ $written }” is not in the directory of departments. Did you mean { $suggestions }? (The leading group office can map it to an existing department on the import check page, or ask an administrator to add an alias.)
err-import-unknown-item-type = The pending item “{ $written }” is not in the catalogue of item types. (The leading group office can map it to an existing item type on the import check page, or ask an administrator to add an alias.)
err-import-unknown-item-type-suggest = The pending item “{ $written }” is not in the catalogue of item types. Did you mean { $suggestions }? (The leading group office can map it to an existing item type on the import check page, or ask an administrator to add an alias.)

## Aliases for unknown names

err-names-map-not-office = Only the leading group office may save what a name stands for (an alias).
err-names-alias-empty-department = The alias “{ $written }” is empty once region names and spaces are taken out, so it cannot be an alias of a department.
err-names-alias-empty-item-type = The alias “{ $written }” is empty once region names and spaces are taken out, so it cannot be an alias of an item type.
err-names-alias-too-long = An alias has at most 100 characters; “{ $start }…” is too long.
err-names-alias-taken-department = “{ $written }” is already the name or an alias of the department “{ $means }” and cannot be added again.
err-names-alias-taken-item-type = “{ $written }” is already the name or an alias of the item type “{ $means }” and cannot be added again.
err-names-alias-retired-department = The department “{ $target }” is retired: no alias may point to a retired department.
err-names-alias-retired-item-type = The item type “{ $target }” is retired: no alias may point to a retired item type.

## Importing what was read

err-import-project-refused = Project { $code }: { $why }
err-import-project-refused-nothing = Project { $code }: { $why } Nothing was imported.
err-import-project-due-outside = Project { $code }: { $field } { $on } is outside the reasonable range (from { $from } to { $to }); check the year.
err-import-file-has-errors = The ledger has { $n ->
        [one] one error
       *[other] { $n } errors
    }, so nothing was imported: correct the file and import it again, or choose to import only the projects without errors.
err-import-upload-gone = The uploaded file has been imported already or has expired: upload it again.
err-import-department-not-in-region = The department “{ $code }” is not in this region's directory of departments.
err-import-item-type-not-in-region = The item type “{ $code }” is not in this region's catalogue of item types.

## Writing Excel files

err-export-too-many-rows = There are more rows than one Excel worksheet holds (1,048,576).
err-export-cell-too-long = The Excel file could not be written: a cell's text is longer than 32,767 characters.
err-export-write-io = The Excel file could not be written: writing the file failed (is the disk full, or is there no permission to write?).
err-export-merge-layout = The Excel file could not be written: merging cells failed because the workbook was not laid out as expected.
err-export-write-failed = The Excel file could not be written: { $detail }
