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
    n             BIGINT NOT NULL,
    PRIMARY KEY (department_id, project_id)
);
CREATE INDEX scope_projects_project ON scope_projects(project_id);

-- Projects in the library in each department's scope.
CREATE TABLE scope_counts (
    department_id TEXT PRIMARY KEY,
    projects      BIGINT NOT NULL DEFAULT 0
);

-- Add `sign` reasons for the project to be in the department's scope, if the department
-- is of the region (`region`) the reason is in; the project's reasons for it after.
CREATE FUNCTION scope_reason(department TEXT, project TEXT, region TEXT, sign INTEGER) RETURNS BIGINT AS $$
DECLARE
    now_n BIGINT;
BEGIN
    IF department IS NULL OR NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = department AND d.region_code = region)
    THEN
        RETURN NULL;
    END IF;
    INSERT INTO scope_projects (department_id, project_id, n) VALUES (department, project, sign)
    ON CONFLICT (department_id, project_id) DO UPDATE SET n = scope_projects.n + excluded.n
    RETURNING n INTO now_n;
    IF now_n <= 0 THEN
        DELETE FROM scope_projects WHERE department_id = department AND project_id = project;
    END IF;
    RETURN now_n;
END;
$$ LANGUAGE plpgsql;

-- The same, and the department's count when the project enters or leaves its scope.
CREATE FUNCTION scope_apply(department TEXT, project TEXT, region TEXT, sign INTEGER) RETURNS void AS $$
DECLARE
    now_n BIGINT;
BEGIN
    now_n := scope_reason(department, project, region, sign);
    IF (sign > 0 AND now_n = 1) OR (sign < 0 AND now_n = 0) THEN
        INSERT INTO scope_counts (department_id, projects)
        SELECT department, sign FROM projects p WHERE p.id = project AND p.in_library
        ON CONFLICT (department_id) DO UPDATE SET projects = scope_counts.projects + excluded.projects;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION scope_items() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM scope_apply(OLD.handling_department_id, OLD.project_id, OLD.region_code, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM scope_apply(NEW.handling_department_id, NEW.project_id, NEW.region_code, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER scope_items_delete AFTER DELETE ON pending_items
FOR EACH ROW EXECUTE FUNCTION scope_items();
CREATE TRIGGER scope_items_update AFTER UPDATE OF handling_department_id, project_id, region_code ON pending_items
FOR EACH ROW
WHEN (OLD.handling_department_id IS DISTINCT FROM NEW.handling_department_id OR OLD.project_id IS DISTINCT FROM NEW.project_id
      OR OLD.region_code IS DISTINCT FROM NEW.region_code)
EXECUTE FUNCTION scope_items();

-- A project passed to another initiating department, or leaving or joining the library:
-- out of every scope's count as it was, its reasons changed, into every scope's count as
-- it is. (New projects are counted per statement, below.)
CREATE FUNCTION scope_projects_rows() RETURNS trigger AS $$
BEGIN
    IF OLD.in_library THEN
        UPDATE scope_counts SET projects = projects - 1
        WHERE department_id IN (SELECT s.department_id FROM scope_projects s WHERE s.project_id = OLD.id);
    END IF;
    IF OLD.initiating_department_id IS DISTINCT FROM NEW.initiating_department_id THEN
        PERFORM scope_reason(OLD.initiating_department_id, OLD.id, OLD.region_code, -1);
        PERFORM scope_reason(NEW.initiating_department_id, NEW.id, NEW.region_code, 1);
    END IF;
    IF NEW.in_library THEN
        INSERT INTO scope_counts (department_id, projects)
        SELECT s.department_id, 1 FROM scope_projects s WHERE s.project_id = NEW.id
        ON CONFLICT (department_id) DO UPDATE SET projects = scope_counts.projects + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER scope_projects_update AFTER UPDATE OF initiating_department_id, in_library ON projects FOR EACH ROW
WHEN (OLD.initiating_department_id IS DISTINCT FROM NEW.initiating_department_id
      OR OLD.in_library IS DISTINCT FROM NEW.in_library)
EXECUTE FUNCTION scope_projects_rows();

-- Baseline days and pairs --------------------------------------------------------

-- The burn-down and the public statistics read baseline rows by day: per department
-- (in its ledger or handled by it; '' for all), the rows added on a day (`reduction`
-- '') and the rows reduced on a day, as what (never before the day they were added).
-- One row per day and kind, however many departments and days of addition there are.
CREATE TABLE baseline_days (
    department_id TEXT NOT NULL,
    campaign_id   TEXT NOT NULL,
    day           TEXT NOT NULL,
    is_addition   BOOLEAN NOT NULL,
    reduction     TEXT NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, campaign_id, day, is_addition, reduction)
);

-- Baseline progress per pair of departments, over every day.
CREATE TABLE baseline_pairs (
    campaign_id              TEXT NOT NULL,
    initiating_department_id TEXT NOT NULL,
    handling_department_id   TEXT NOT NULL,
    is_addition              BOOLEAN NOT NULL,
    reduction                TEXT NOT NULL,
    n                        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction)
);

-- Add `sign` times a group's n to its day rows and its pair.
CREATE FUNCTION baseline_days_apply(c baseline_counts, sign INTEGER) RETURNS void AS $$
BEGIN
    INSERT INTO baseline_days (department_id, campaign_id, day, is_addition, reduction, n)
    SELECT d.id, c.campaign_id, k.day, c.is_addition, k.reduction, sign * c.n
    FROM (SELECT '' AS id UNION SELECT c.initiating_department_id UNION SELECT c.handling_department_id) d,
         (SELECT c.added_on AS day, '' AS reduction
          UNION ALL
          SELECT CASE WHEN c.reduced_on > c.added_on THEN c.reduced_on ELSE c.added_on END, c.reduction
          WHERE c.reduction <> '') k
    ON CONFLICT (department_id, campaign_id, day, is_addition, reduction) DO UPDATE SET n = baseline_days.n + excluded.n;
    INSERT INTO baseline_pairs (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, n)
    VALUES (c.campaign_id, c.initiating_department_id, c.handling_department_id, c.is_addition, c.reduction, sign * c.n)
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, reduction)
    DO UPDATE SET n = baseline_pairs.n + excluded.n;
END;
$$ LANGUAGE plpgsql;

-- Both follow baseline_counts: a change of a group's n is the same change of its day
-- rows and its pair.
CREATE FUNCTION baseline_days_groups() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM baseline_days_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM baseline_days_apply(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER baseline_days_groups AFTER INSERT OR DELETE OR UPDATE ON baseline_counts
FOR EACH ROW EXECUTE FUNCTION baseline_days_groups();

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

-- Inserts, counted per statement -----------------------------------------------------

-- PostgreSQL keeps every version of a row that a transaction updates until it ends, and
-- each update walks them all: a bulk import that moved the same count row once per
-- inserted row made every statement slower than the one before (a 100,000-project ledger
-- did not finish). New rows are therefore counted once per statement, from its
-- transition table; updates and deletes, which qidi makes a few rows at a time, stay per
-- row. (SQLite updates in place and keeps its row triggers.)

DROP TRIGGER pending_counts_insert ON pending_items;
CREATE TRIGGER pending_counts_delete AFTER DELETE ON pending_items
FOR EACH ROW EXECUTE FUNCTION pending_counts_items();
DROP TRIGGER library_counts_insert ON projects;
CREATE TRIGGER library_counts_delete AFTER DELETE ON projects
FOR EACH ROW EXECUTE FUNCTION library_counts_projects();
DROP TRIGGER baseline_counts_insert ON baseline_items;

-- New pending items: their projects per department (a pair whose count is now what this
-- statement added is new), and the pending counts of projects in the library.
CREATE FUNCTION counts_items_inserted() RETURNS trigger AS $$
BEGIN
    WITH added AS (
        SELECT region_code, project_id, handling_department_id AS department_id, COUNT(*) AS c
        FROM new_items WHERE status = 'pending' GROUP BY region_code, project_id, handling_department_id
    ), kept AS (
        INSERT INTO pending_projects (project_id, department_id, n)
        SELECT project_id, department_id, SUM(c) FROM added GROUP BY project_id, department_id
        ON CONFLICT (project_id, department_id) DO UPDATE SET n = pending_projects.n + excluded.n
        RETURNING project_id, department_id, n
    )
    INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
    SELECT a.region_code, coalesce(p.initiating_department_id, ''), a.department_id, SUM(a.c),
           SUM(CASE WHEN k.n = a.c THEN 1 ELSE 0 END)
    FROM added a JOIN kept k ON k.project_id = a.project_id AND k.department_id = a.department_id
         JOIN projects p ON p.id = a.project_id
    WHERE p.in_library
    GROUP BY a.region_code, coalesce(p.initiating_department_id, ''), a.department_id
    ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
        SET pending_items = pending_counts.pending_items + excluded.pending_items,
            projects = pending_counts.projects + excluded.projects;

    WITH added AS (
        SELECT i.handling_department_id AS department_id, i.project_id, COUNT(*) AS c
        FROM new_items i JOIN departments d ON d.id = i.handling_department_id AND d.region_code = i.region_code
        GROUP BY i.handling_department_id, i.project_id
    ), kept AS (
        INSERT INTO scope_projects (department_id, project_id, n)
        SELECT department_id, project_id, c FROM added
        ON CONFLICT (department_id, project_id) DO UPDATE SET n = scope_projects.n + excluded.n
        RETURNING department_id, project_id, n
    )
    INSERT INTO scope_counts (department_id, projects)
    SELECT a.department_id, COUNT(*)
    FROM added a JOIN kept k ON k.department_id = a.department_id AND k.project_id = a.project_id
         JOIN projects p ON p.id = a.project_id
    WHERE k.n = a.c AND p.in_library
    GROUP BY a.department_id
    ON CONFLICT (department_id) DO UPDATE SET projects = scope_counts.projects + excluded.projects;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER counts_items_inserted AFTER INSERT ON pending_items
REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION counts_items_inserted();

-- New projects: the library per region, and the initiating department's scope.
CREATE FUNCTION counts_projects_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO library_counts (region_code, projects)
    SELECT region_code, COUNT(*) FROM new_projects WHERE in_library GROUP BY region_code
    ON CONFLICT (region_code) DO UPDATE SET projects = library_counts.projects + excluded.projects;

    WITH added AS (
        SELECT p.initiating_department_id AS department_id, p.id AS project_id, p.in_library
        FROM new_projects p JOIN departments d ON d.id = p.initiating_department_id AND d.region_code = p.region_code
    ), kept AS (
        INSERT INTO scope_projects (department_id, project_id, n)
        SELECT department_id, project_id, 1 FROM added
        ON CONFLICT (department_id, project_id) DO UPDATE SET n = scope_projects.n + 1
        RETURNING department_id, project_id, n
    )
    INSERT INTO scope_counts (department_id, projects)
    SELECT a.department_id, COUNT(*)
    FROM added a JOIN kept k ON k.department_id = a.department_id AND k.project_id = a.project_id
    WHERE k.n = 1 AND a.in_library
    GROUP BY a.department_id
    ON CONFLICT (department_id) DO UPDATE SET projects = scope_counts.projects + excluded.projects;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER counts_projects_inserted AFTER INSERT ON projects
REFERENCING NEW TABLE AS new_projects FOR EACH STATEMENT EXECUTE FUNCTION counts_projects_inserted();

-- New baseline rows, by group.
CREATE FUNCTION counts_baseline_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT b.campaign_id, coalesce(p.initiating_department_id, ''), i.handling_department_id, b.is_addition,
           b.added_on, coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), COUNT(*)
    FROM new_rows b JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = baseline_counts.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER counts_baseline_inserted AFTER INSERT ON baseline_items
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION counts_baseline_inserted();
