-- qidi schema 0016 (PostgreSQL): the public record (阳光审批).
--
-- Anyone looks a project up by its national project code without signing in, and
-- does not know its region: an index on the code alone serves that lookup (the
-- unique key is (region_code, code)).
CREATE INDEX projects_code ON projects(code);
