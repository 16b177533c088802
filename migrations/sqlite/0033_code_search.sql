-- qidi schema 0033 (SQLite): a department's library searched by word (region scale).
--
-- A department's library walks its scope's rows in key order (migration 0031). To test
-- a word against each project's code, name and unit it read each project's row, found
-- by its id in no useful order: at a million projects a window of 5,000 took 85 to
-- 350 ms. The code's index now holds the name and the unit too, and the test looks the
-- project up by its code there: the scope's rows come in code order within the region,
-- so consecutive lookups fall on the same pages, and the row itself is never read.
-- The code leads, so that the public record's lookup by code alone still uses it, and
-- a walk of the region's key never does.
DROP INDEX projects_code;
CREATE INDEX projects_code_search ON projects(code, region_code, name, owner_id);
