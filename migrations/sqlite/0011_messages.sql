-- qidi schema 0011 (SQLite): messages that reach people.
--
-- A change that tells someone something writes, in its own transaction, an in-app
-- message (messages) and one outbox row per other channel (outbox). Each has a
-- dedup_key that names what it is about, who gets it and over which channel, so a
-- message can never be written twice, even when two instances race. The notifier
-- claims outbox rows, sends them, and records every attempt (outbox_attempts).

ALTER TABLE users ADD COLUMN email TEXT;

-- 渠道: a department's (or, with no department, the sweep office's) shared mailbox or
-- group robot (群机器人).
CREATE TABLE channels (
    id            TEXT PRIMARY KEY,
    region_code   TEXT NOT NULL REFERENCES regions(code),
    department_id TEXT REFERENCES departments(id),
    kind          TEXT NOT NULL CHECK (kind IN ('email', 'wecom', 'dingtalk')),
    target        TEXT NOT NULL,
    secret        TEXT,
    created_by    TEXT,
    created_at    TEXT NOT NULL,
    removed_at    TEXT
);
CREATE INDEX channels_department ON channels(region_code, department_id) WHERE removed_at IS NULL;

-- 消息中心: what a person reads in the app.
CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    dedup_key   TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX messages_user ON messages(user_id, created_at);
CREATE INDEX messages_unread ON messages(user_id) WHERE read_at IS NULL;

-- What is still to be sent, and what was sent. A person's address is read from users
-- when the message is sent, never copied here.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL,
    dedup_key       TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    channel_kind    TEXT NOT NULL CHECK (channel_kind IN ('email', 'wecom', 'dingtalk')),
    channel_id      TEXT REFERENCES channels(id),
    user_id         TEXT REFERENCES users(id),
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'given_up')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,             -- NULL: due at once
    claimed_by      TEXT,
    claimed_until   TEXT,
    last_answer     TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    CHECK ((channel_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_created ON outbox(region_code, created_at);

CREATE TABLE outbox_attempts (
    outbox_id  TEXT NOT NULL REFERENCES outbox(id),
    attempt    INTEGER NOT NULL,
    at         TEXT NOT NULL,
    ok         INTEGER NOT NULL,
    answer     TEXT NOT NULL,
    worker     TEXT NOT NULL,
    PRIMARY KEY (outbox_id, attempt)
);

-- A person's choices: a row turns one channel off (or back on) for one kind.
CREATE TABLE message_preferences (
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    channel_kind TEXT NOT NULL,
    enabled      INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, channel_kind)
);

-- What the administrator allows: a row makes one channel required (always on) or
-- forbidden (never used) for one kind of message; without a row people choose.
CREATE TABLE message_policy (
    region_code  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    channel_kind TEXT NOT NULL,
    rule         TEXT NOT NULL CHECK (rule IN ('required', 'forbidden')),
    PRIMARY KEY (region_code, kind, channel_kind)
);

-- Which light change of which clock was announced: (object, its due date, the light).
-- A clock whose due date moves is a new clock to announce.
CREATE TABLE light_notices (
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    light        TEXT NOT NULL,
    run_on       TEXT NOT NULL,
    PRIMARY KEY (object_type, object_id, due_on, light)
);

-- The scheduler's runs: one row per job and day, written in the run's transaction,
-- so a second instance's run of the same day fails and rolls back.
CREATE TABLE job_runs (
    job      TEXT NOT NULL,
    run_on   TEXT NOT NULL,
    ran_at   TEXT NOT NULL,
    worker   TEXT NOT NULL,
    summary  TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (job, run_on)
);

-- Light changes are found by date, never by scanning every open clock.
CREATE INDEX applications_open_warn ON applications(warn_on) WHERE closed_at IS NULL;
CREATE INDEX applications_open_due ON applications(due_on) WHERE closed_at IS NULL;
CREATE INDEX pending_items_open_warn ON pending_items(warn_on) WHERE status = 'pending';
CREATE INDEX pending_items_open_due ON pending_items(due_on) WHERE status = 'pending';
