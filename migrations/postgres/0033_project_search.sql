-- qidi schema 0033 (PostgreSQL): nothing to change.
--
-- On SQLite this migration adds `projects_search`, an index in which a library search
-- tests names without reading each project's row. PostgreSQL reads each row an index
-- scan finds from the table in any case, so the index would only cost writes here.
-- The migration is kept so that both engines' schemas carry the same numbers.
SELECT 1;
