-- qidi schema 0034 (PostgreSQL): a department's library searched by word (region scale).
--
-- A department's library walks its scope's rows in key order (migration 0031), a window
-- of 5,000 at a time. To test a word against each project's code, name and unit it read
-- each scope row to learn its project, then looked the project up by id and read its
-- row, both in no useful order: at a million projects 45 ms a window warm, two windows
-- a request, and far more while the rows were not cached. Now the scope's key holds the
-- project's id, and each project is looked up by its key in an index that holds its name
-- and unit as well, so that neither row is read: the scope's rows come in key order, so
-- consecutive lookups fall on the same pages (25 ms a window). SQLite has had the same
-- since migration 0033. Both built in about 10 s at a million projects.
CREATE INDEX projects_code_words ON projects(region_code, code) INCLUDE (name, owner_id);
DROP INDEX scope_projects_key;
CREATE INDEX scope_projects_key ON scope_projects(department_id, region_code, code) INCLUDE (project_id);
