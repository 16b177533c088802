-- qidi schema 0014 (PostgreSQL): 12345 hotline complaints as work orders.
--
-- The hotline platform sends orders with an API token (api_tokens, stored by the
-- SHA-256 of the token, revocable). An order is one row of hotline_orders, unique by
-- its order number in the region, so the same order sent twice (even at once) is one
-- complaint. Its steps are events (object_type 'hotline_order'); the row keeps where
-- it stands and its running clock's dates. The caller's name and phone live only
-- here and are never copied into events, messages or callbacks.

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions(code),
    purpose      TEXT NOT NULL CHECK (purpose IN ('hotline')),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Limits in working days per category and urgency, overriding core's defaults.
CREATE TABLE hotline_limits (
    region_code TEXT NOT NULL REFERENCES regions(code),
    category    TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    assign      BIGINT NOT NULL,
    sign_for    BIGINT NOT NULL,
    reply       BIGINT NOT NULL,
    follow_up   BIGINT NOT NULL,
    PRIMARY KEY (region_code, category, urgency)
);

CREATE TABLE hotline_orders (
    id                       TEXT PRIMARY KEY,
    region_code              TEXT NOT NULL REFERENCES regions(code),
    order_number             TEXT NOT NULL,
    category                 TEXT NOT NULL CHECK (category IN ('blocked_submission', 'delay', 'repeated_demands', 'attitude', 'other')),
    urgency                  TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    caller_name              TEXT NOT NULL,
    caller_phone             TEXT NOT NULL,
    text                     TEXT NOT NULL,
    project_code             TEXT,
    project_id               TEXT REFERENCES projects(id),
    item_type_code           TEXT,
    item_type_id             TEXT REFERENCES item_types(id),
    -- 牵头部门: the project's initiating department, or whom the office assigned.
    leading_department_id    TEXT REFERENCES departments(id),
    -- The department complained about: the handling department of the item named.
    complained_department_id TEXT REFERENCES departments(id),
    state                    TEXT NOT NULL CHECK (state IN ('received', 'assigned', 'signed_for', 'handled', 'replied', 'reopened', 'closed')),
    reopen_count             BIGINT NOT NULL DEFAULT 0,
    escalated                BOOLEAN NOT NULL DEFAULT FALSE,
    -- The running clock: started (not counted), its limit, due and warning dates.
    clock_started_on         TEXT,
    clock_limit              BIGINT,
    due_on                   TEXT,
    warn_on                  TEXT,
    -- The due date whose lateness was urged (催办), so that each is urged once.
    urged_for                TEXT,
    handling_note            TEXT,
    reply_text               TEXT,
    source                   TEXT NOT NULL CHECK (source IN ('api', 'web')),
    received_on              TEXT NOT NULL,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    version                  BIGINT NOT NULL DEFAULT 1,
    UNIQUE (region_code, order_number)
);
CREATE INDEX hotline_orders_leading ON hotline_orders(region_code, leading_department_id);
CREATE INDEX hotline_orders_complained ON hotline_orders(region_code, complained_department_id);
CREATE INDEX hotline_orders_open_due ON hotline_orders(due_on) WHERE state <> 'closed';

-- 属实: a complaint found true against a handling department and item; facts the
-- assessment counts. Append-only.
CREATE TABLE hotline_substantiations (
    id                     TEXT PRIMARY KEY,
    region_code            TEXT NOT NULL REFERENCES regions(code),
    order_id               TEXT NOT NULL REFERENCES hotline_orders(id),
    handling_department_id TEXT NOT NULL REFERENCES departments(id),
    item_type_id           TEXT REFERENCES item_types(id),
    note                   TEXT NOT NULL,
    recorded_by            TEXT NOT NULL REFERENCES users(id),
    recorded_on            TEXT NOT NULL,
    created_at             TEXT NOT NULL
);
CREATE INDEX hotline_substantiations_department ON hotline_substantiations(region_code, handling_department_id, recorded_on);
CREATE FUNCTION hotline_substantiations_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'substantiated complaints are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hotline_substantiations_no_change BEFORE UPDATE OR DELETE ON hotline_substantiations
FOR EACH ROW EXECUTE FUNCTION hotline_substantiations_append_only();

-- Results going back to the hotline platform's callback URL: an outbox of its own,
-- claimed like the message outbox, retried until the platform acknowledges.
CREATE TABLE hotline_callbacks (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL,
    order_id        TEXT NOT NULL REFERENCES hotline_orders(id),
    dedup_key       TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_by      TEXT,
    claimed_until   TEXT,
    last_answer     TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX hotline_callbacks_due ON hotline_callbacks(next_attempt_at) WHERE status = 'pending';
