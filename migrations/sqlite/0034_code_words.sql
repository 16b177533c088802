-- qidi schema 0034 (SQLite): nothing to change.
--
-- On PostgreSQL this migration adds an index of the projects' key that holds their name
-- and unit, for a department's library searched by word. SQLite has had one since
-- migration 0033 (`projects_code_search`); the number is kept so that both engines'
-- schemas carry the same versions.
SELECT 1;
