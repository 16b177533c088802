-- qidi schema 0033 (SQLite): a library search tests names in an index (region scale).
--
-- A filtered library page walks a window of projects in key order and tests each
-- one's code, name and unit against the words searched for. SQLite reads a project's
-- row only when a column its index lacks is asked for; this index holds the key, the
-- name and the unit, so that the projects of a window that do not match are tested
-- here and never read from the table, whose rows lie scattered over the file.
CREATE INDEX projects_search ON projects(region_code, code, name, owner_id);
