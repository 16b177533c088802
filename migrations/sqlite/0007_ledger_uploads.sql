-- A spreadsheet uploaded on the web, kept between its check (the dry run) and its
-- confirmation. In the database, not on one server's disk, so that any instance behind
-- the load balancer can confirm it. Rows older than a day are removed.
CREATE TABLE ledger_uploads (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX ledger_uploads_created ON ledger_uploads(created_at);
