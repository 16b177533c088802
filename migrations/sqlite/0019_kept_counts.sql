-- Kept counts (region scale): the figures the dashboards, the ledger's baseline
-- progress and the home page show are kept current by triggers, in the same
-- transaction as the change that moves them, instead of being recounted from every
-- row on each request. `qidi check counts` recounts them in full and repairs them.

-- Pending items per initiating and handling department, counting items that are
-- pending in a project in the library; `projects` is the number of such projects with
-- at least one. A region sums over initiating departments; a department takes the rows
-- it handles or initiated (each item is in exactly one row). No initiating department
-- is ''.
CREATE TABLE pending_counts (
    region_code              TEXT NOT NULL,
    initiating_department_id TEXT NOT NULL,
    department_id            TEXT NOT NULL,
    pending_items            INTEGER NOT NULL DEFAULT 0,
    projects                 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, initiating_department_id, department_id)
);
CREATE INDEX pending_counts_handling ON pending_counts(region_code, department_id);

-- Projects in the library per region.
CREATE TABLE library_counts (
    region_code TEXT PRIMARY KEY,
    projects    INTEGER NOT NULL DEFAULT 0
);

-- Baseline rows grouped by everything progress and the burn-down read of them. Absent
-- values are '' so that the key has no NULLs.
CREATE TABLE baseline_counts (
    campaign_id              TEXT NOT NULL,
    initiating_department_id TEXT NOT NULL,
    handling_department_id   TEXT NOT NULL,
    is_addition              INTEGER NOT NULL,
    added_on                 TEXT NOT NULL,
    reduction                TEXT NOT NULL,
    reduced_on               TEXT NOT NULL,
    n                        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on)
);

-- Baseline progress reads two sums of these groups: per pair of departments, and per day
-- for the burn-down. Each index holds what its sum reads, in its grouping order.
CREATE INDEX baseline_counts_departments
    ON baseline_counts(campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, n);
CREATE INDEX baseline_counts_days
    ON baseline_counts(campaign_id, added_on, is_addition, reduction, reduced_on, initiating_department_id,
                       handling_department_id, n);

-- pending_counts ------------------------------------------------------------------

-- Pending items per project and handling department (in the library or not): a
-- project counts for a department while this is above zero. Kept row by row, so the
-- count is right however many rows one statement changes (PostgreSQL fires row
-- triggers after the whole statement, when every row of it is already changed).
CREATE TABLE pending_projects (
    project_id    TEXT NOT NULL,
    department_id TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (project_id, department_id)
);

CREATE TRIGGER pending_counts_insert AFTER INSERT ON pending_items WHEN NEW.status = 'pending'
BEGIN
    INSERT INTO pending_projects (project_id, department_id, n) VALUES (NEW.project_id, NEW.handling_department_id, 1)
    ON CONFLICT (project_id, department_id) DO UPDATE SET n = n + 1;
    INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
    SELECT NEW.region_code, coalesce(p.initiating_department_id, ''), NEW.handling_department_id, 1,
           (SELECT CASE WHEN pp.n = 1 THEN 1 ELSE 0 END FROM pending_projects pp
            WHERE pp.project_id = NEW.project_id AND pp.department_id = NEW.handling_department_id)
    FROM projects p WHERE p.id = NEW.project_id AND p.in_library
    ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
        SET pending_items = pending_items + excluded.pending_items, projects = projects + excluded.projects;
END;

CREATE TRIGGER pending_counts_delete AFTER DELETE ON pending_items WHEN OLD.status = 'pending'
BEGIN
    UPDATE pending_projects SET n = n - 1
    WHERE project_id = OLD.project_id AND department_id = OLD.handling_department_id;
    UPDATE pending_counts
    SET pending_items = pending_items - 1,
        projects = projects - (SELECT CASE WHEN pp.n = 0 THEN 1 ELSE 0 END FROM pending_projects pp
                               WHERE pp.project_id = OLD.project_id AND pp.department_id = OLD.handling_department_id)
    WHERE region_code = OLD.region_code AND department_id = OLD.handling_department_id
      AND initiating_department_id = (SELECT coalesce(p.initiating_department_id, '') FROM projects p
                                      WHERE p.id = OLD.project_id AND p.in_library);
    DELETE FROM pending_projects WHERE project_id = OLD.project_id AND department_id = OLD.handling_department_id AND n <= 0;
END;

-- An update is the old row taken out and the new one put in.
CREATE TRIGGER pending_counts_update AFTER UPDATE OF status, handling_department_id, project_id, region_code ON pending_items
WHEN OLD.status = 'pending' OR NEW.status = 'pending'
BEGIN
    UPDATE pending_projects SET n = n - 1
    WHERE OLD.status = 'pending' AND project_id = OLD.project_id AND department_id = OLD.handling_department_id;
    UPDATE pending_counts
    SET pending_items = pending_items - 1,
        projects = projects - (SELECT CASE WHEN pp.n = 0 THEN 1 ELSE 0 END FROM pending_projects pp
                               WHERE pp.project_id = OLD.project_id AND pp.department_id = OLD.handling_department_id)
    WHERE OLD.status = 'pending' AND region_code = OLD.region_code AND department_id = OLD.handling_department_id
      AND initiating_department_id = (SELECT coalesce(p.initiating_department_id, '') FROM projects p
                                      WHERE p.id = OLD.project_id AND p.in_library);
    DELETE FROM pending_projects WHERE project_id = OLD.project_id AND department_id = OLD.handling_department_id AND n <= 0;
    INSERT INTO pending_projects (project_id, department_id, n)
    SELECT NEW.project_id, NEW.handling_department_id, 1 WHERE NEW.status = 'pending'
    ON CONFLICT (project_id, department_id) DO UPDATE SET n = n + 1;
    INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
    SELECT NEW.region_code, coalesce(p.initiating_department_id, ''), NEW.handling_department_id, 1,
           (SELECT CASE WHEN pp.n = 1 THEN 1 ELSE 0 END FROM pending_projects pp
            WHERE pp.project_id = NEW.project_id AND pp.department_id = NEW.handling_department_id)
    FROM projects p WHERE NEW.status = 'pending' AND p.id = NEW.project_id AND p.in_library
    ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
        SET pending_items = pending_items + excluded.pending_items, projects = projects + excluded.projects;
END;

-- A project leaving or joining the library, or passing to another initiating
-- department, takes its pending items with it: out of the old row, into the new.
CREATE TRIGGER pending_counts_library AFTER UPDATE OF in_library, initiating_department_id ON projects
WHEN OLD.in_library IS NOT NEW.in_library OR OLD.initiating_department_id IS NOT NEW.initiating_department_id
BEGIN
    INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
    SELECT OLD.region_code, coalesce(OLD.initiating_department_id, ''), pp.department_id, -pp.n, -1
    FROM pending_projects pp WHERE OLD.in_library AND pp.project_id = NEW.id AND pp.n > 0
    ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
        SET pending_items = pending_items + excluded.pending_items, projects = projects + excluded.projects;
    INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
    SELECT NEW.region_code, coalesce(NEW.initiating_department_id, ''), pp.department_id, pp.n, 1
    FROM pending_projects pp WHERE NEW.in_library AND pp.project_id = NEW.id AND pp.n > 0
    ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
        SET pending_items = pending_items + excluded.pending_items, projects = projects + excluded.projects;
END;

-- library_counts ------------------------------------------------------------------

CREATE TRIGGER library_counts_insert AFTER INSERT ON projects WHEN NEW.in_library
BEGIN
    INSERT INTO library_counts (region_code, projects) VALUES (NEW.region_code, 1)
    ON CONFLICT (region_code) DO UPDATE SET projects = projects + 1;
END;

CREATE TRIGGER library_counts_delete AFTER DELETE ON projects WHEN OLD.in_library
BEGIN
    UPDATE library_counts SET projects = projects - 1 WHERE region_code = OLD.region_code;
END;

CREATE TRIGGER library_counts_update AFTER UPDATE OF in_library, region_code ON projects
WHEN OLD.in_library IS NOT NEW.in_library OR OLD.region_code IS NOT NEW.region_code
BEGIN
    UPDATE library_counts SET projects = projects - 1 WHERE OLD.in_library AND region_code = OLD.region_code;
    INSERT INTO library_counts (region_code, projects) SELECT NEW.region_code, 1 WHERE NEW.in_library
    ON CONFLICT (region_code) DO UPDATE SET projects = projects + 1;
END;

-- baseline_counts -----------------------------------------------------------------

CREATE TRIGGER baseline_counts_insert AFTER INSERT ON baseline_items
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT NEW.campaign_id, coalesce(p.initiating_department_id, ''), i.handling_department_id, NEW.is_addition,
           NEW.added_on, coalesce(NEW.reduction, ''), coalesce(NEW.reduced_on, ''), 1
    FROM pending_items i JOIN projects p ON p.id = i.project_id WHERE i.id = NEW.pending_item_id
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = n + 1;
END;

-- Baseline rows are never deleted (a trigger of their own refuses it); a reduction
-- moves a row from one group to another.
CREATE TRIGGER baseline_counts_update AFTER UPDATE OF reduction, reduced_on ON baseline_items
BEGIN
    UPDATE baseline_counts SET n = n - 1
    WHERE campaign_id = OLD.campaign_id AND is_addition = OLD.is_addition AND added_on = OLD.added_on
      AND reduction = coalesce(OLD.reduction, '') AND reduced_on = coalesce(OLD.reduced_on, '')
      AND (initiating_department_id, handling_department_id) IN (
          SELECT coalesce(p.initiating_department_id, ''), i.handling_department_id
          FROM pending_items i JOIN projects p ON p.id = i.project_id WHERE i.id = OLD.pending_item_id);
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT NEW.campaign_id, coalesce(p.initiating_department_id, ''), i.handling_department_id, NEW.is_addition,
           NEW.added_on, coalesce(NEW.reduction, ''), coalesce(NEW.reduced_on, ''), 1
    FROM pending_items i JOIN projects p ON p.id = i.project_id WHERE i.id = NEW.pending_item_id
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = n + 1;
END;

-- An item handed to another department, or a project to another initiating
-- department, moves its baseline rows' groups.
CREATE TRIGGER baseline_counts_handling AFTER UPDATE OF handling_department_id ON pending_items
WHEN OLD.handling_department_id IS NOT NEW.handling_department_id
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT b.campaign_id, coalesce(p.initiating_department_id, ''), d.dept, b.is_addition, b.added_on,
           coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), sum(d.sign)
    FROM baseline_items b JOIN projects p ON p.id = NEW.project_id,
         (SELECT OLD.handling_department_id AS dept, -1 AS sign UNION ALL
          SELECT NEW.handling_department_id, 1) d
    WHERE b.pending_item_id = NEW.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER baseline_counts_initiating AFTER UPDATE OF initiating_department_id ON projects
WHEN OLD.initiating_department_id IS NOT NEW.initiating_department_id
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT b.campaign_id, d.dept, i.handling_department_id, b.is_addition, b.added_on,
           coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), sum(d.sign)
    FROM pending_items i JOIN baseline_items b ON b.pending_item_id = i.id,
         (SELECT coalesce(OLD.initiating_department_id, '') AS dept, -1 AS sign UNION ALL
          SELECT coalesce(NEW.initiating_department_id, ''), 1) d
    WHERE i.project_id = NEW.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = n + excluded.n;
END;

-- What is already there.
INSERT INTO pending_projects (project_id, department_id, n)
SELECT project_id, handling_department_id, COUNT(*) FROM pending_items WHERE status = 'pending'
GROUP BY project_id, handling_department_id;

INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
SELECT i.region_code, coalesce(p.initiating_department_id, ''), i.handling_department_id, COUNT(*),
       COUNT(DISTINCT i.project_id)
FROM pending_items i JOIN projects p ON p.id = i.project_id
WHERE i.status = 'pending' AND p.in_library
GROUP BY i.region_code, coalesce(p.initiating_department_id, ''), i.handling_department_id;

INSERT INTO library_counts (region_code, projects)
SELECT region_code, COUNT(*) FROM projects WHERE in_library GROUP BY region_code;

INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                             reduction, reduced_on, n)
SELECT b.campaign_id, coalesce(p.initiating_department_id, ''), i.handling_department_id, b.is_addition, b.added_on,
       coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), COUNT(*)
FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Ended clocks per handling department and outcome (the public on-time rates).
-- clock_records is append-only, so only an insert moves it.
CREATE TABLE clock_counts (
    region_code   TEXT NOT NULL,
    department_id TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    n             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, department_id, outcome)
);

CREATE TRIGGER clock_counts_insert AFTER INSERT ON clock_records
BEGIN
    INSERT INTO clock_counts (region_code, department_id, outcome, n)
    VALUES (NEW.region_code, NEW.handling_department_id, NEW.outcome, 1)
    ON CONFLICT (region_code, department_id, outcome) DO UPDATE SET n = n + 1;
END;

INSERT INTO clock_counts (region_code, department_id, outcome, n)
SELECT region_code, handling_department_id, outcome, COUNT(*) FROM clock_records
GROUP BY region_code, handling_department_id, outcome;


-- Work orders whose warning date comes, found by date like their due dates.
CREATE INDEX hotline_orders_open_warn ON hotline_orders(warn_on) WHERE state <> 'closed';
