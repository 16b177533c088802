-- qidi schema 0038 (SQLite): nothing to change. On PostgreSQL this migration keeps an item
-- added, or a removal approved, from committing unseen while a department ledger's
-- completing signature writes its baseline. SQLite has one writer (see 0036).
SELECT 1;
