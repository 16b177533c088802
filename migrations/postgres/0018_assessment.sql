-- qidi schema 0018 (PostgreSQL): department assessment (考核) and look-back reviews (回头看).
--
-- An assessment is not stored: it is recomputed from the record (clock records,
-- notices, complaints, ratings, entries) whenever it is asked for. What is stored is
-- what the record cannot give: the office's profiles (weights, deductions, grade
-- thresholds; each edit a new version, the latest in force) and the initiating
-- departments' scored entries (R16). Both are append-only.
CREATE TABLE assessment_profiles (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions(code),
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id),
    created_at  TEXT NOT NULL,
    UNIQUE (region_code, version)
);
CREATE FUNCTION assessment_profiles_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessment profiles are kept as they were saved';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_profiles_no_change BEFORE UPDATE OR DELETE ON assessment_profiles
FOR EACH ROW EXECUTE FUNCTION assessment_profiles_kept();

CREATE TABLE assessment_entries (
    id                     TEXT PRIMARY KEY,
    region_code            TEXT NOT NULL REFERENCES regions(code),
    assessed_department_id TEXT NOT NULL REFERENCES departments(id),
    assessor_department_id TEXT NOT NULL REFERENCES departments(id),
    assessed_on            TEXT NOT NULL,
    score                  INTEGER NOT NULL CHECK (score >= 0 AND score <= 10000),
    comment                TEXT NOT NULL CHECK (length(trim(comment)) > 0),
    project_id             TEXT REFERENCES projects(id),
    recorded_by            TEXT NOT NULL REFERENCES users(id),
    created_at             TEXT NOT NULL
);
CREATE INDEX assessment_entries_on ON assessment_entries(region_code, assessed_on);
CREATE FUNCTION assessment_entries_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessment entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_entries_no_change BEFORE UPDATE OR DELETE ON assessment_entries
FOR EACH ROW EXECUTE FUNCTION assessment_entries_kept();

-- The period's facts, read by range: complaints by the day received, ratings and
-- online submissions from the event record by time.
CREATE INDEX hotline_orders_received ON hotline_orders(region_code, received_on);
CREATE INDEX events_region_action_at ON events(region_code, action, at);

-- 回头看: a review over closed items or removals, chosen by a rule (JSON) and, for a
-- sample, its size and seed (a decimal u64 as text), so the choice is reproducible.
CREATE TABLE lookback_reviews (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions(code),
    title       TEXT NOT NULL,
    rule        TEXT NOT NULL,
    sample_size INTEGER,
    seed        TEXT,
    opened_by   TEXT REFERENCES users(id),
    opened_on   TEXT NOT NULL,
    closed_on   TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX lookback_reviews_region ON lookback_reviews(region_code, opened_on);

-- One row per item under review, in the order chosen; the finding, the correction
-- required and its clock (dates computed by core on the calendar), and its closure.
CREATE TABLE lookback_items (
    review_id             TEXT NOT NULL REFERENCES lookback_reviews(id),
    object_type           TEXT NOT NULL CHECK (object_type IN ('application', 'removal')),
    object_id             TEXT NOT NULL,
    position              INTEGER NOT NULL,
    region_code           TEXT NOT NULL,
    department_code       TEXT NOT NULL,
    label                 TEXT NOT NULL,
    link                  TEXT NOT NULL,
    finding               TEXT CHECK (finding IN ('no_problem', 'problem_found', 'correction_needed')),
    note                  TEXT NOT NULL DEFAULT '',
    correction            TEXT NOT NULL DEFAULT '',
    correction_started_on TEXT,
    correction_due_on     TEXT,
    correction_warn_on    TEXT,
    corrected_on          TEXT,
    corrected_note        TEXT,
    reviewed_by           TEXT REFERENCES users(id),
    reviewed_at           TEXT,
    PRIMARY KEY (review_id, object_type, object_id)
);
CREATE INDEX lookback_items_open_due ON lookback_items(correction_due_on) WHERE corrected_on IS NULL;
