-- qidi schema 0025 (SQLite): the second factor (TOTP) for staff.
--
-- A user's secret is set when enrolment starts and counts once its first code has
-- confirmed it (totp_enabled_at). totp_last_step is the last 30-second step whose code
-- was accepted: a code works once. A session opened by the password alone waits for
-- the second factor in sessions.second_factor: 'code' (enter a code) or 'enrol' (the
-- role requires one: set it up first); NULL is a complete session. Recovery codes are
-- kept as SHA-256 hashes and each works once.

ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

ALTER TABLE sessions ADD COLUMN second_factor TEXT CHECK (second_factor IN ('code', 'enrol'));
ALTER TABLE sessions ADD COLUMN code_failures INTEGER NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);
