-- qidi schema 0031 (SQLite): a department's and a unit's own library in key order, and
-- a campaign's facts by index (region scale).
--
-- Each row of a department's scope carries its project's key (region, code), so that
-- the department's library pages walk the (department, region, code) index, a page at
-- a time, instead of gathering the department's whole scope and sorting it. A
-- project's region and code never change once it is made.
ALTER TABLE scope_projects ADD COLUMN region_code TEXT;
ALTER TABLE scope_projects ADD COLUMN code TEXT;

UPDATE scope_projects SET (region_code, code) =
    (SELECT p.region_code, p.code FROM projects p WHERE p.id = scope_projects.project_id);

CREATE INDEX scope_projects_key ON scope_projects(department_id, region_code, code);

-- A row that enters a scope takes its project's key, in the same transaction. (A
-- reason added to a row already there is an update, and leaves the key as it is.)
CREATE TRIGGER scope_projects_keyed AFTER INSERT ON scope_projects
BEGIN
    UPDATE scope_projects SET (region_code, code) =
        (SELECT p.region_code, p.code FROM projects p WHERE p.id = NEW.project_id)
    WHERE department_id = NEW.department_id AND project_id = NEW.project_id;
END;

-- A project unit's own library in key order (a unit belongs to one region).
CREATE INDEX projects_owner_key ON projects(owner_id, region_code, code);

-- A campaign's facts, asked by the office's and the leader's home pages: whether its
-- removals were all decided and when the last was, and each department's first step
-- on an application, without reading every removal of the campaign or every event of
-- the region.
CREATE INDEX removals_campaign_decision ON removals(campaign_id, decision);
CREATE INDEX removals_campaign_decided ON removals(campaign_id, decided_at);
CREATE INDEX events_department_at ON events(actor_department_id, object_type, at);
