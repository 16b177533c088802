-- Deadlines that follow the official calendar.
--
-- A stored due date computed from working days depends on the calendar: when a year's
-- notice is loaded, the deadlines that counted across that year must be recomputed.
-- deadline_clocks keeps, for every pending item or application whose due_on/warn_on
-- were computed, what they were computed from (start, limit, unit, clock pauses and the
-- warning policy), so that a calendar change can recompute exactly those it touches
-- (qidi_store::calendar). Rows without a clock (dates typed in from a department's
-- check report) are literal dates and are never recomputed.
--
-- provisional: the deadline counts across days whose year has no published notice yet
-- (WorkCalendar::is_settled); shown as 暂定 until that year is loaded. applications
-- has the same column from 0003.
ALTER TABLE pending_items ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE deadline_clocks (
    object_type        TEXT NOT NULL,             -- 'pending_item' | 'application'
    object_id          TEXT NOT NULL,
    region_code        TEXT NOT NULL,
    started_on         TEXT NOT NULL,             -- the event day; counting starts the next day
    time_limit         BIGINT NOT NULL,
    limit_unit         TEXT NOT NULL,             -- 'working_days' | 'calendar_days'
    pauses             TEXT NOT NULL DEFAULT '[]', -- JSON [{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD" | null}]
    warn_days          BIGINT NOT NULL,
    warn_ratio_percent BIGINT NOT NULL,
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (object_type, object_id)
);

-- Recomputation selects by due date across departments.
CREATE INDEX pending_items_due ON pending_items(due_on);
CREATE INDEX applications_due ON applications(due_on);
