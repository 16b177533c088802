-- Kept counts, second part (region scale): what a department's home page and the
-- baseline's burn-down still counted from the rows.

-- A ledger page's removals, awaiting a decision and the newest, without reading every
-- removal of the region.
CREATE INDEX removals_region_proposed ON removals(region_code, proposed_at, decision);

-- A department's scope ----------------------------------------------------------

-- A project is in a department's scope while it initiated the project or handles any
-- of its items (of any status), in the department's own region; `n` is the number of
-- such reasons. Kept row by row, like pending_projects.
CREATE TABLE scope_projects (
    department_id TEXT NOT NULL,
    project_id    TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (department_id, project_id)
);
CREATE INDEX scope_projects_project ON scope_projects(project_id);

-- Projects in the library in each department's scope.
CREATE TABLE scope_counts (
    department_id TEXT PRIMARY KEY,
    projects      INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER scope_items_insert AFTER INSERT ON pending_items
WHEN NEW.region_code = (SELECT d.region_code FROM departments d WHERE d.id = NEW.handling_department_id)
BEGIN
    INSERT INTO scope_projects (department_id, project_id, n) VALUES (NEW.handling_department_id, NEW.project_id, 1)
    ON CONFLICT (department_id, project_id) DO UPDATE SET n = n + 1;
    INSERT INTO scope_counts (department_id, projects)
    SELECT NEW.handling_department_id, 1 FROM scope_projects s JOIN projects p ON p.id = s.project_id
    WHERE s.department_id = NEW.handling_department_id AND s.project_id = NEW.project_id AND s.n = 1 AND p.in_library
    ON CONFLICT (department_id) DO UPDATE SET projects = projects + 1;
END;

CREATE TRIGGER scope_items_delete AFTER DELETE ON pending_items
WHEN OLD.region_code = (SELECT d.region_code FROM departments d WHERE d.id = OLD.handling_department_id)
BEGIN
    UPDATE scope_projects SET n = n - 1 WHERE department_id = OLD.handling_department_id AND project_id = OLD.project_id;
    UPDATE scope_counts SET projects = projects - 1
    WHERE department_id = OLD.handling_department_id
      AND EXISTS (SELECT 1 FROM scope_projects s JOIN projects p ON p.id = s.project_id
                  WHERE s.department_id = OLD.handling_department_id AND s.project_id = OLD.project_id AND s.n = 0
                    AND p.in_library);
    DELETE FROM scope_projects WHERE department_id = OLD.handling_department_id AND project_id = OLD.project_id AND n <= 0;
END;

-- An item handed to another department (or moved): out of the old scope, into the new.
CREATE TRIGGER scope_items_update AFTER UPDATE OF handling_department_id, project_id, region_code ON pending_items
WHEN OLD.handling_department_id IS NOT NEW.handling_department_id OR OLD.project_id IS NOT NEW.project_id
  OR OLD.region_code IS NOT NEW.region_code
BEGIN
    UPDATE scope_projects SET n = n - 1
    WHERE department_id = OLD.handling_department_id AND project_id = OLD.project_id
      AND OLD.region_code = (SELECT d.region_code FROM departments d WHERE d.id = OLD.handling_department_id);
    UPDATE scope_counts SET projects = projects - 1
    WHERE department_id = OLD.handling_department_id
      AND EXISTS (SELECT 1 FROM scope_projects s JOIN projects p ON p.id = s.project_id
                  WHERE s.department_id = OLD.handling_department_id AND s.project_id = OLD.project_id AND s.n = 0
                    AND p.in_library);
    DELETE FROM scope_projects WHERE department_id = OLD.handling_department_id AND project_id = OLD.project_id AND n <= 0;
    INSERT INTO scope_projects (department_id, project_id, n)
    SELECT NEW.handling_department_id, NEW.project_id, 1 FROM departments d
    WHERE d.id = NEW.handling_department_id AND d.region_code = NEW.region_code
    ON CONFLICT (department_id, project_id) DO UPDATE SET n = n + 1;
    INSERT INTO scope_counts (department_id, projects)
    SELECT NEW.handling_department_id, 1 FROM scope_projects s JOIN projects p ON p.id = s.project_id
    JOIN departments d ON d.id = s.department_id
    WHERE s.department_id = NEW.handling_department_id AND s.project_id = NEW.project_id AND s.n = 1 AND p.in_library
      AND d.region_code = NEW.region_code
    ON CONFLICT (department_id) DO UPDATE SET projects = projects + 1;
END;

CREATE TRIGGER scope_projects_insert AFTER INSERT ON projects
WHEN NEW.region_code = (SELECT d.region_code FROM departments d WHERE d.id = NEW.initiating_department_id)
BEGIN
    INSERT INTO scope_projects (department_id, project_id, n) VALUES (NEW.initiating_department_id, NEW.id, 1)
    ON CONFLICT (department_id, project_id) DO UPDATE SET n = n + 1;
    INSERT INTO scope_counts (department_id, projects)
    SELECT NEW.initiating_department_id, 1 FROM scope_projects s
    WHERE s.department_id = NEW.initiating_department_id AND s.project_id = NEW.id AND s.n = 1 AND NEW.in_library
    ON CONFLICT (department_id) DO UPDATE SET projects = projects + 1;
END;

-- A project passed to another initiating department, or leaving or joining the
-- library: out of every scope's count as it was, its reasons changed, into every
-- scope's count as it is (right also when one statement changes both).
CREATE TRIGGER scope_projects_update AFTER UPDATE OF initiating_department_id, in_library ON projects
WHEN OLD.initiating_department_id IS NOT NEW.initiating_department_id OR OLD.in_library IS NOT NEW.in_library
BEGIN
    UPDATE scope_counts SET projects = projects - 1
    WHERE OLD.in_library AND department_id IN (SELECT s.department_id FROM scope_projects s WHERE s.project_id = OLD.id);
    UPDATE scope_projects SET n = n - 1
    WHERE OLD.initiating_department_id IS NOT NEW.initiating_department_id
      AND department_id = OLD.initiating_department_id AND project_id = OLD.id
      AND OLD.region_code = (SELECT d.region_code FROM departments d WHERE d.id = OLD.initiating_department_id);
    DELETE FROM scope_projects WHERE project_id = OLD.id AND n <= 0;
    INSERT INTO scope_projects (department_id, project_id, n)
    SELECT NEW.initiating_department_id, NEW.id, 1 FROM departments d
    WHERE OLD.initiating_department_id IS NOT NEW.initiating_department_id
      AND d.id = NEW.initiating_department_id AND d.region_code = NEW.region_code
    ON CONFLICT (department_id, project_id) DO UPDATE SET n = n + 1;
    INSERT INTO scope_counts (department_id, projects)
    SELECT s.department_id, 1 FROM scope_projects s WHERE NEW.in_library AND s.project_id = NEW.id
    ON CONFLICT (department_id) DO UPDATE SET projects = projects + 1;
END;

-- Baseline days and pairs --------------------------------------------------------

-- The burn-down and the public statistics read baseline rows by day: per department
-- (in its ledger or handled by it; '' for all), the rows added on a day (`reduction`
-- '') and the rows reduced on a day, as what (never before the day they were added).
-- One row per day and kind, however many departments and days of addition there are.
CREATE TABLE baseline_days (
    department_id TEXT NOT NULL,
    campaign_id   TEXT NOT NULL,
    day           TEXT NOT NULL,
    is_addition   INTEGER NOT NULL,
    reduction     TEXT NOT NULL,
    n             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, campaign_id, day, is_addition, reduction)
);

-- Baseline progress per pair of departments, over every day.
CREATE TABLE baseline_pairs (
    campaign_id              TEXT NOT NULL,
    initiating_department_id TEXT NOT NULL,
    handling_department_id   TEXT NOT NULL,
    is_addition              INTEGER NOT NULL,
    reduction                TEXT NOT NULL,
    n                        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction)
);

-- Both follow baseline_counts: a change of a group's n is the same change of its day
-- rows and its pair.
CREATE TRIGGER baseline_days_insert AFTER INSERT ON baseline_counts
BEGIN
    INSERT INTO baseline_days (department_id, campaign_id, day, is_addition, reduction, n)
    SELECT d.id, NEW.campaign_id, k.day, NEW.is_addition, k.reduction, NEW.n
    FROM (SELECT '' AS id UNION SELECT NEW.initiating_department_id UNION SELECT NEW.handling_department_id) d,
         (SELECT NEW.added_on AS day, '' AS reduction
          UNION ALL
          SELECT CASE WHEN NEW.reduced_on > NEW.added_on THEN NEW.reduced_on ELSE NEW.added_on END, NEW.reduction
          WHERE NEW.reduction <> '') k
    WHERE true
    ON CONFLICT (department_id, campaign_id, day, is_addition, reduction) DO UPDATE SET n = n + excluded.n;
    INSERT INTO baseline_pairs (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, n)
    VALUES (NEW.campaign_id, NEW.initiating_department_id, NEW.handling_department_id, NEW.is_addition, NEW.reduction,
            NEW.n)
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction)
    DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER baseline_days_delete AFTER DELETE ON baseline_counts
BEGIN
    UPDATE baseline_days SET n = n - OLD.n
    WHERE department_id IN ('', OLD.initiating_department_id, OLD.handling_department_id)
      AND campaign_id = OLD.campaign_id AND is_addition = OLD.is_addition
      AND ((day = OLD.added_on AND reduction = '')
           OR (OLD.reduction <> '' AND reduction = OLD.reduction
               AND day = CASE WHEN OLD.reduced_on > OLD.added_on THEN OLD.reduced_on ELSE OLD.added_on END));
    UPDATE baseline_pairs SET n = n - OLD.n
    WHERE campaign_id = OLD.campaign_id AND initiating_department_id = OLD.initiating_department_id
      AND handling_department_id = OLD.handling_department_id AND is_addition = OLD.is_addition
      AND reduction = OLD.reduction;
END;

-- A group's key never changes; only its n does.
CREATE TRIGGER baseline_days_update AFTER UPDATE OF n ON baseline_counts
BEGIN
    UPDATE baseline_days SET n = n + NEW.n - OLD.n
    WHERE department_id IN ('', NEW.initiating_department_id, NEW.handling_department_id)
      AND campaign_id = NEW.campaign_id AND is_addition = NEW.is_addition
      AND ((day = NEW.added_on AND reduction = '')
           OR (NEW.reduction <> '' AND reduction = NEW.reduction
               AND day = CASE WHEN NEW.reduced_on > NEW.added_on THEN NEW.reduced_on ELSE NEW.added_on END));
    UPDATE baseline_pairs SET n = n + NEW.n - OLD.n
    WHERE campaign_id = NEW.campaign_id AND initiating_department_id = NEW.initiating_department_id
      AND handling_department_id = NEW.handling_department_id AND is_addition = NEW.is_addition
      AND reduction = NEW.reduction;
END;

-- What the kept rows count, one row per reason or entry: the backfill below and
-- `qidi check counts` count these.
CREATE VIEW scope_reasons AS
SELECT p.initiating_department_id AS department_id, p.id AS project_id
FROM projects p JOIN departments d ON d.id = p.initiating_department_id AND d.region_code = p.region_code
UNION ALL
SELECT i.handling_department_id, i.project_id
FROM pending_items i JOIN departments d ON d.id = i.handling_department_id AND d.region_code = i.region_code;

-- Each baseline row counts for all (''), its initiating department and its handling
-- department (once if they are the same), on the day it was added and, once reduced,
-- on the day it was reduced.
CREATE VIEW baseline_day_entries AS
SELECT CASE r.role WHEN 0 THEN '' WHEN 1 THEN e.initiating ELSE e.handling END AS department_id,
       e.campaign_id,
       CASE WHEN k.reduced = 0 THEN e.added_on WHEN e.reduced_on > e.added_on THEN e.reduced_on ELSE e.added_on END
           AS day,
       e.is_addition,
       CASE WHEN k.reduced = 0 THEN '' ELSE e.reduction END AS reduction
FROM (SELECT b.campaign_id, coalesce(p.initiating_department_id, '') AS initiating, i.handling_department_id AS handling,
             b.is_addition, b.added_on, coalesce(b.reduction, '') AS reduction, coalesce(b.reduced_on, '') AS reduced_on
      FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id) e,
     (SELECT 0 AS role UNION ALL SELECT 1 UNION ALL SELECT 2) r,
     (SELECT 0 AS reduced UNION ALL SELECT 1) k
WHERE (r.role = 0 OR (r.role = 1 AND e.initiating <> '') OR (r.role = 2 AND e.handling <> e.initiating))
  AND (k.reduced = 0 OR e.reduction <> '');

-- What is already there.
INSERT INTO scope_projects (department_id, project_id, n)
SELECT department_id, project_id, COUNT(*) FROM scope_reasons GROUP BY department_id, project_id;

INSERT INTO scope_counts (department_id, projects)
SELECT s.department_id, COUNT(*) FROM scope_projects s JOIN projects p ON p.id = s.project_id
WHERE p.in_library GROUP BY s.department_id;

INSERT INTO baseline_days (department_id, campaign_id, day, is_addition, reduction, n)
SELECT department_id, campaign_id, day, is_addition, reduction, COUNT(*) FROM baseline_day_entries
GROUP BY department_id, campaign_id, day, is_addition, reduction;

INSERT INTO baseline_pairs (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, n)
SELECT campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, SUM(n) FROM baseline_counts
GROUP BY campaign_id, initiating_department_id, handling_department_id, is_addition, reduction;
