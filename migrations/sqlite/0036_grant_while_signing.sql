-- qidi schema 0036 (SQLite): nothing to change. On PostgreSQL this migration keeps an
-- approval from committing unseen while a department ledger's completing signature writes
-- its baseline. SQLite has one writer: the signature holds the write lock from before it
-- reads the ledger until it commits, so an approval comes wholly before it or after it.
SELECT 1;
