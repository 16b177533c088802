-- qidi schema 0009 (SQLite): the workflow as the Administrative Licensing Law means it.
--
-- clock_records keeps the lateness of every clock that ended (notice, initial review,
-- forwarding, promised limit, extension), written by core `clock_record` in the same
-- transaction as the step that ended it, so that bulletins, lights and assessment
-- count facts, never a recount of dates. Days are in the unit of the clock's limit.
-- A late return after a deemed acceptance ends the notice clock a second time, so the
-- key includes the step that ended it. Records are never changed or deleted.
CREATE TABLE clock_records (
    application_id         TEXT NOT NULL REFERENCES applications(id),
    region_code            TEXT NOT NULL,
    pending_item_id        TEXT NOT NULL REFERENCES pending_items(id),
    handling_department_id TEXT NOT NULL REFERENCES departments(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('notice_due', 'initial_review', 'review', 'forward', 'extension')),
    started_seq            INTEGER NOT NULL,
    started_on             TEXT NOT NULL,
    time_limit             INTEGER NOT NULL,
    limit_unit             TEXT NOT NULL,
    due_on                 TEXT NOT NULL,
    ended_seq              INTEGER NOT NULL,
    ended_on               TEXT NOT NULL,
    ended_by               TEXT NOT NULL,
    days_used              INTEGER NOT NULL,
    days_overdue           INTEGER NOT NULL CHECK (days_overdue >= 0),
    outcome                TEXT NOT NULL CHECK (outcome IN ('on_time', 'late', 'deemed')),
    recorded_at            TEXT NOT NULL,
    PRIMARY KEY (application_id, kind, started_seq, ended_seq)
);
-- "Overdue items of department X closed in month M": a range on ended_on.
CREATE INDEX clock_records_department ON clock_records(region_code, handling_department_id, ended_on);
CREATE INDEX clock_records_ended ON clock_records(region_code, ended_on);

CREATE TRIGGER clock_records_no_update BEFORE UPDATE ON clock_records
BEGIN SELECT RAISE(ABORT, 'clock records are kept as they were written'); END;
CREATE TRIGGER clock_records_no_delete BEFORE DELETE ON clock_records
BEGIN SELECT RAISE(ABORT, 'clock records are kept as they were written'); END;

-- One-time notices with their document numbers: per department and year a running
-- serial, 〔2026〕12号 style. The counter row is taken with an UPSERT, so two returns
-- at once never share a number; the unique keys say so again.
CREATE TABLE notice_counters (
    department_id TEXT NOT NULL REFERENCES departments(id),
    year          INTEGER NOT NULL,
    region_code   TEXT NOT NULL,
    last_serial   INTEGER NOT NULL,
    PRIMARY KEY (department_id, year)
);
CREATE TABLE one_time_notices (
    application_id  TEXT NOT NULL REFERENCES applications(id),
    seq             INTEGER NOT NULL,
    region_code     TEXT NOT NULL,
    department_id   TEXT NOT NULL REFERENCES departments(id),
    year            INTEGER NOT NULL,
    serial          INTEGER NOT NULL,
    document_number TEXT NOT NULL UNIQUE,
    issued_on       TEXT NOT NULL,
    after_limit     INTEGER NOT NULL DEFAULT FALSE,
    breaks_one_time INTEGER NOT NULL DEFAULT FALSE,
    PRIMARY KEY (application_id, seq),
    UNIQUE (department_id, year, serial)
);
CREATE INDEX one_time_notices_issued ON one_time_notices(region_code, department_id, issued_on);
CREATE TRIGGER one_time_notices_no_update BEFORE UPDATE ON one_time_notices
BEGIN SELECT RAISE(ABORT, 'issued notices are kept as they were issued'); END;
CREATE TRIGGER one_time_notices_no_delete BEFORE DELETE ON one_time_notices
BEGIN SELECT RAISE(ABORT, 'issued notices are kept as they were issued'); END;

-- The extension an item type allows (行政许可法 art. 42), in its limit's unit; 0: none.
ALTER TABLE item_types ADD COLUMN extension_limit INTEGER NOT NULL DEFAULT 10;

-- The deemed-acceptance sweep looks for applications still waiting for their initial review.
CREATE INDEX applications_state ON applications(state, due_on);
