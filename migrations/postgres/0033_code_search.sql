-- qidi schema 0033 (PostgreSQL): nothing to change.
--
-- On SQLite this migration widens the code's index so that a department's library is
-- searched by word without reading each project's row. PostgreSQL tests the word on
-- the project's row as before; the number is kept so that both engines' schemas carry
-- the same versions.
SELECT 1;
