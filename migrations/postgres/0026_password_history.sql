-- qidi schema 0026 (PostgreSQL): when each password was set, and the passwords retired.
--
-- Under the "mlps" profile a password older than 90 days must be changed at the next
-- sign-in (an account from before this migration counts from its creation), and none of
-- the last 5 may be set again. Retired passwords are kept as their argon2 hashes.

ALTER TABLE users ADD COLUMN password_set_at TEXT;

CREATE TABLE password_history (
    user_id       TEXT NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    retired_at    TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, retired_at);
