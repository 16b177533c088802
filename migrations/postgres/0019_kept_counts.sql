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
    pending_items            BIGINT NOT NULL DEFAULT 0,
    projects                 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, initiating_department_id, department_id)
);
CREATE INDEX pending_counts_handling ON pending_counts(region_code, department_id);

-- Projects in the library per region.
CREATE TABLE library_counts (
    region_code TEXT PRIMARY KEY,
    projects    BIGINT NOT NULL DEFAULT 0
);

-- Baseline rows grouped by everything progress and the burn-down read of them. Absent
-- values are '' so that the key has no NULLs.
CREATE TABLE baseline_counts (
    campaign_id              TEXT NOT NULL,
    initiating_department_id TEXT NOT NULL,
    handling_department_id   TEXT NOT NULL,
    is_addition              BOOLEAN NOT NULL,
    added_on                 TEXT NOT NULL,
    reduction                TEXT NOT NULL,
    reduced_on               TEXT NOT NULL,
    n                        BIGINT NOT NULL DEFAULT 0,
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
-- count is right however many rows one statement changes (row triggers fire after the
-- whole statement, when every row of it is already changed, so "is there another
-- pending item" cannot be asked of the table).
CREATE TABLE pending_projects (
    project_id    TEXT NOT NULL,
    department_id TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (project_id, department_id)
);

-- Put one pending item in (sign 1) or take it out (sign -1) of the counts.
CREATE FUNCTION pending_counts_apply(item pending_items, sign INTEGER) RETURNS void AS $$
DECLARE
    now_n BIGINT;
    initiating TEXT;
BEGIN
    IF item.status <> 'pending' THEN
        RETURN;
    END IF;
    INSERT INTO pending_projects (project_id, department_id, n) VALUES (item.project_id, item.handling_department_id, sign)
    ON CONFLICT (project_id, department_id) DO UPDATE SET n = pending_projects.n + excluded.n
    RETURNING n INTO now_n;
    IF now_n <= 0 THEN
        DELETE FROM pending_projects WHERE project_id = item.project_id AND department_id = item.handling_department_id;
    END IF;
    SELECT coalesce(p.initiating_department_id, '') INTO initiating FROM projects p
    WHERE p.id = item.project_id AND p.in_library;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
    VALUES (item.region_code, initiating, item.handling_department_id, sign,
            CASE WHEN sign > 0 AND now_n = 1 THEN 1 WHEN sign < 0 AND now_n = 0 THEN -1 ELSE 0 END)
    ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
        SET pending_items = pending_counts.pending_items + excluded.pending_items,
            projects = pending_counts.projects + excluded.projects;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION pending_counts_items() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pending_counts_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM pending_counts_apply(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pending_counts_insert AFTER INSERT OR DELETE ON pending_items
FOR EACH ROW EXECUTE FUNCTION pending_counts_items();
CREATE TRIGGER pending_counts_update AFTER UPDATE OF status, handling_department_id, project_id, region_code
ON pending_items FOR EACH ROW
WHEN (OLD.status = 'pending' OR NEW.status = 'pending')
EXECUTE FUNCTION pending_counts_items();

-- A project leaving or joining the library, or passing to another initiating
-- department, takes its pending items with it: out of the old row, into the new.
CREATE FUNCTION pending_counts_library() RETURNS trigger AS $$
BEGIN
    IF OLD.in_library THEN
        INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
        SELECT OLD.region_code, coalesce(OLD.initiating_department_id, ''), pp.department_id, -pp.n, -1
        FROM pending_projects pp WHERE pp.project_id = NEW.id AND pp.n > 0
        ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
            SET pending_items = pending_counts.pending_items + excluded.pending_items,
                projects = pending_counts.projects + excluded.projects;
    END IF;
    IF NEW.in_library THEN
        INSERT INTO pending_counts (region_code, initiating_department_id, department_id, pending_items, projects)
        SELECT NEW.region_code, coalesce(NEW.initiating_department_id, ''), pp.department_id, pp.n, 1
        FROM pending_projects pp WHERE pp.project_id = NEW.id AND pp.n > 0
        ON CONFLICT (region_code, initiating_department_id, department_id) DO UPDATE
            SET pending_items = pending_counts.pending_items + excluded.pending_items,
                projects = pending_counts.projects + excluded.projects;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pending_counts_library AFTER UPDATE OF in_library, initiating_department_id ON projects FOR EACH ROW
WHEN (OLD.in_library IS DISTINCT FROM NEW.in_library
      OR OLD.initiating_department_id IS DISTINCT FROM NEW.initiating_department_id)
EXECUTE FUNCTION pending_counts_library();

-- library_counts ------------------------------------------------------------------

CREATE FUNCTION library_counts_projects() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.in_library THEN
        UPDATE library_counts SET projects = projects - 1 WHERE region_code = OLD.region_code;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.in_library THEN
        INSERT INTO library_counts (region_code, projects) VALUES (NEW.region_code, 1)
        ON CONFLICT (region_code) DO UPDATE SET projects = library_counts.projects + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER library_counts_insert AFTER INSERT OR DELETE ON projects
FOR EACH ROW EXECUTE FUNCTION library_counts_projects();
CREATE TRIGGER library_counts_update AFTER UPDATE OF in_library, region_code ON projects FOR EACH ROW
WHEN (OLD.in_library IS DISTINCT FROM NEW.in_library OR OLD.region_code IS DISTINCT FROM NEW.region_code)
EXECUTE FUNCTION library_counts_projects();

-- baseline_counts -----------------------------------------------------------------

-- Add `sign` to the group of one baseline row, with the departments it has now.
CREATE FUNCTION baseline_counts_apply(b baseline_items, sign INTEGER) RETURNS void AS $$
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT b.campaign_id, coalesce(p.initiating_department_id, ''), i.handling_department_id, b.is_addition,
           b.added_on, coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), sign
    FROM pending_items i JOIN projects p ON p.id = i.project_id WHERE i.id = b.pending_item_id
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = baseline_counts.n + excluded.n;
END;
$$ LANGUAGE plpgsql;

-- Baseline rows are never deleted (a trigger of their own refuses it); a reduction
-- moves a row from one group to another.
CREATE FUNCTION baseline_counts_rows() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM baseline_counts_apply(OLD, -1);
    END IF;
    PERFORM baseline_counts_apply(NEW, 1);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER baseline_counts_insert AFTER INSERT ON baseline_items
FOR EACH ROW EXECUTE FUNCTION baseline_counts_rows();
CREATE TRIGGER baseline_counts_update AFTER UPDATE OF reduction, reduced_on ON baseline_items
FOR EACH ROW EXECUTE FUNCTION baseline_counts_rows();

-- An item handed to another department, or a project to another initiating
-- department, moves its baseline rows' groups.
CREATE FUNCTION baseline_counts_handling() RETURNS trigger AS $$
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT b.campaign_id, coalesce(p.initiating_department_id, ''), d.dept, b.is_addition, b.added_on,
           coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), sum(d.sign)
    FROM baseline_items b JOIN projects p ON p.id = NEW.project_id,
         (SELECT OLD.handling_department_id AS dept, -1 AS sign UNION ALL SELECT NEW.handling_department_id, 1) d
    WHERE b.pending_item_id = NEW.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = baseline_counts.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION baseline_counts_initiating() RETURNS trigger AS $$
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
                 reduced_on) DO UPDATE SET n = baseline_counts.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER baseline_counts_handling AFTER UPDATE OF handling_department_id ON pending_items FOR EACH ROW
WHEN (OLD.handling_department_id IS DISTINCT FROM NEW.handling_department_id)
EXECUTE FUNCTION baseline_counts_handling();
CREATE TRIGGER baseline_counts_initiating AFTER UPDATE OF initiating_department_id ON projects FOR EACH ROW
WHEN (OLD.initiating_department_id IS DISTINCT FROM NEW.initiating_department_id)
EXECUTE FUNCTION baseline_counts_initiating();

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
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, department_id, outcome)
);

CREATE FUNCTION clock_counts_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO clock_counts (region_code, department_id, outcome, n)
    VALUES (NEW.region_code, NEW.handling_department_id, NEW.outcome, 1)
    ON CONFLICT (region_code, department_id, outcome) DO UPDATE SET n = clock_counts.n + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER clock_counts_insert AFTER INSERT ON clock_records
FOR EACH ROW EXECUTE FUNCTION clock_counts_insert();

INSERT INTO clock_counts (region_code, department_id, outcome, n)
SELECT region_code, handling_department_id, outcome, COUNT(*) FROM clock_records
GROUP BY region_code, handling_department_id, outcome;


-- Work orders whose warning date comes, found by date like their due dates.
CREATE INDEX hotline_orders_open_warn ON hotline_orders(warn_on) WHERE state <> 'closed';
