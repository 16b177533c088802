-- qidi schema 0039 (SQLite): nothing to change. On PostgreSQL this migration keeps a
-- project moved into a department from committing unseen while the department ledger's
-- completing signature writes its baseline. SQLite has one writer (see 0036).
SELECT 1;
