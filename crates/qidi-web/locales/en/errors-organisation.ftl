# Refusals from core and the store about campaigns, the organisation, the catalogue, the calendar and
# progress reports. Their Chinese wording is in the code that decides them; every other language words them here.

## The catalogue of departments and item types (core catalogue::CatalogueError)
err-catalogue-promised-above-statutory = The promised limit ({ $promised }) may not exceed the statutory limit ({ $statutory }).
err-catalogue-prerequisite-cycle = Prerequisites may not form a loop: { $cycle }.
err-catalogue-bad-stored-limit = The { $which ->
        [statutory] statutory limit
        [promised] promised limit
        [extension] extension limit
       *[other] limit
    } stored for item type “{ $code }” ({ $value }) is invalid; correct it in the item type catalogue.
err-catalogue-bad-code = { $what } code must be 1–32 lower-case letters, digits or underscores, e.g. fire_design.
err-catalogue-code-taken = { $what } code “{ $code }” is already in use.
err-catalogue-bad-name = { $what } name must be 1–60 characters.
err-catalogue-bad-aliases = { $what }: at most 20 aliases, each of 1–100 characters.
err-catalogue-name-taken = “{ $written }” is already the name or an alias of “{ $means }” ({ $what }) and cannot be used again.
err-catalogue-empty-after-region = “{ $written }” is empty once the region's names and bracketed notes are taken out, so it cannot be a name or an alias.
err-catalogue-limit-out-of-range = The statutory and promised limits must be whole numbers from 1 to 3650, and the extension limit from 0 to 3650.
err-catalogue-no-department = An item type needs a handling department: there is no department “{ $code }”.
err-catalogue-department-retired = Department “{ $name }” is retired and cannot be the handling department of an item type.
err-catalogue-department-still-handles = Department “{ $department }” is still the handling department of the item types { $items }; first give them to another department, or retire them.
err-catalogue-still-prerequisite = Item type “{ $item }” is still a prerequisite of { $dependants }; change those item types first.
err-catalogue-already-retired = { $what } “{ $name }” is already retired.
err-catalogue-not-retired = { $what } “{ $name }” is not retired.
err-catalogue-forbidden = Only the leading group office may maintain the departments and item types.

## An item type's edit (store workflow::catalogue)
err-item-type-limit-out-of-range = A limit must be a whole number from 1 to 3650.
err-item-type-extension-out-of-range = The extension limit must be a whole number from 0 to 3650 (0: no extension).
err-item-type-too-many-materials = The materials list has at most 100 entries.
err-item-type-bad-material-code = Material { $n }: its code must be lower-case letters, digits or underscores (at most 64).
err-item-type-bad-material-name = Material { $n }: its name must be 1–200 characters.
err-item-type-material-code-repeated = The material code “{ $code }” is used twice.
err-item-type-own-prerequisite = An item type cannot be its own prerequisite.
err-item-type-unknown-prerequisite = The prerequisite “{ $code }” is not in the item type catalogue.
err-item-type-bad-warn-ratio = Yellow light: the share used must be from 0 to 100.
err-item-type-warn-days-too-large = Yellow light: too many days left.
err-item-type-limit-source-too-long = The basis of the limits has at most 500 characters.

## Campaigns and their milestones (core campaign)
err-campaign-ends-before-start = The end date { $ends_on } is before the start date { $starts_on }.
err-campaign-ends-too-late = The end date { $ends_on } is after { $latest } ({ $years } years after the start); check the year.
err-campaign-milestone-outside = The date { $on } of milestone “{ $label }” is outside the campaign.
err-campaign-bad-name = A campaign name must be 1–60 characters.
err-campaign-bad-code = A campaign code must be 1–32 lower-case letters, digits or hyphens, e.g. sweep-2027.
err-campaign-code-taken = Campaign code “{ $code }” is already used by another campaign in this region.
err-campaign-bad-milestone-label = A milestone name must be 1–100 characters.
err-campaign-bad-milestone-line = Milestone line { $line } should read “date name”, e.g. 2027-03-02 Push check lists.
err-campaign-starts-before-previous = The new campaign's start date { $starts_on } must be after the start date { $previous_start } of the previous campaign “{ $previous }”.
err-campaign-date-outside = { $field ->
        [due_on] The deadline
        [answer_due] The answer due date
       *[other] { $label }
    } { $on } is outside the reasonable range (from { $from } to { $to }); check the year.
err-campaign-forbidden = Only the leading group office may start campaigns and change them.
err-campaign-code-in-use = Campaign code “{ $code }” is already in use.
err-campaign-started-meanwhile = Another campaign was started at the same time; reload the page and try again.

## The organisation's bodies (core organisation)
err-organisation-no-position = Line { $line } has no position; write it as “Position: Name Title”.
err-organisation-no-name = Line { $line } has no name.
err-organisation-line-too-long = Line { $line } is too long: a position has at most 20 characters, a name 40, a title 100.
err-organisation-too-many = { $body } has at most 100 people.
err-organisation-forbidden = Only the leading group office may maintain the organisation.
err-organisation-request-malformed = The request is not in the right form: { $detail }

## Region codes (core region)
err-region-invalid-code = The region code “{ $code }” is invalid: it should be 6 digits (GB/T 2260), e.g. 152529.

## The working-day calendar (core calendar, store calendar)
err-calendar-invalid-date = The date “{ $input }” is invalid: it should be a real date written YYYY-MM-DD, e.g. 2024-02-04.
err-calendar-invalid-date-in-file = The date “{ $input }” in the { $year } holidays is invalid: it should be a real date written YYYY-MM-DD, e.g. 2024-02-04.
err-calendar-unreadable = The holiday file cannot be read: { $detail }
err-calendar-invalid-year = The year { $year } of the holiday file is invalid.
err-calendar-empty = The { $year } holidays list no dates.
err-calendar-conflict-in-file = { $date } is listed twice in the { $year } holidays, once as a holiday and once as a working day, which contradicts itself.
err-calendar-wrong-year = { $date } does not belong to the { $year } holidays: that year's notice may only list dates from { $from } to { $to }.
err-calendar-suspicious-workday = The { $year } holidays list { $date } as a make-up working day, but that day is a working day anyway (Monday to Friday); it is probably a typing error.
err-calendar-conflict-between-years = The { $first_year } and { $second_year } holidays contradict each other on { $date }: one makes it a holiday, the other a working day.
err-calendar-pause-ends-before-start = The clock pause's resume date { $to } is before its start date { $from }.
err-calendar-limit-too-large = A limit of { $limit } days is too large: counted from { $start } it runs past the dates that can be calculated.
err-calendar-year-out-of-range = The holiday file's year { $year } is outside the years that can be imported ({ $first } to { $last }); check the year in the file.
err-calendar-differs-from-imported = The { $year } holidays were imported before, and the uploaded file differs from them: on { $date } the imported holidays { $imported ->
        [off] make it a holiday
        [work] make it a make-up working day
       *[unlisted] do not list it
    }, the file { $file ->
        [off] makes it a holiday
        [work] makes it a make-up working day
       *[unlisted] does not list it
    }. An imported year is never overwritten, so that the limits already calculated do not change.
err-calendar-imported-meanwhile = The { $year } holidays were imported by someone else just now; reload the page to see them.
err-calendar-query-missing-from = The parameter from (YYYY-MM-DD) is missing.
err-calendar-query-missing-n = The parameter n (a number of working days) is missing.
err-calendar-query-negative-days = The number of working days “{ $n }” is invalid: it cannot be negative; it should be 0 or a positive whole number.
err-calendar-query-too-many-days = The number of working days “{ $n }” is too large.
err-calendar-query-bad-days = The number of working days “{ $n }” is invalid: it should be 0 or a positive whole number, e.g. 5.
err-calendar-query-out-of-range = Adding { $n } working days to { $from } runs past the dates that can be calculated.

## Progress reports (core progress_report, store progress_reports)
err-report-bad-due-days = Reports are due 1 to 30 working days after the period's end, not { $days }.
err-report-until-outside = The date half-monthly reports run until, { $until }, is outside the campaign ({ $from } to { $to }).
err-report-unknown-period = Report period { $period } is not a report period of this campaign.
err-report-text-missing = Progress report: write this period's progress.
err-report-text-too-long = Progress report: at most 5000 characters.
err-report-bad-text = Progress report: { $problem }
err-report-not-allowed = Only the department's head or handlers may file its progress report.
err-report-schedule-forbidden = Only the leading group office may set the reporting schedule.
err-report-period-not-ended = The report period { $from } to { $to } has not ended yet; a report can be filed from its last day.
err-report-filed-meanwhile = This period's report was just filed by someone else; reload the page and try again.
