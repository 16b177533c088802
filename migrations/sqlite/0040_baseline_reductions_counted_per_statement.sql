-- qidi schema 0040 (SQLite): nothing to change. On PostgreSQL this migration counts baseline
-- rows reduced many at a time once per statement; SQLite updates a count row in place, and
-- its row triggers stay.
SELECT 1;
