-- qidi schema 0015 (SQLite): progress reports (信息报送), supervision orders (挂牌督办)
-- and the departments each discipline inspector oversees.

-- The campaign's reporting schedule as data: JSON {"half_monthly_until": "YYYY-MM-DD",
-- "due_working_days": N}. NULL: the plan's (core `ReportSchedule::of_plan`).
ALTER TABLE campaigns ADD COLUMN report_schedule TEXT;

-- A department's progress report for one period, kept as filed. Filing again for the
-- same period adds a new version naming the one it replaces; lateness is judged by
-- the first version.
CREATE TABLE progress_reports (
    id               TEXT PRIMARY KEY,
    region_code      TEXT NOT NULL REFERENCES regions(code),
    campaign_id      TEXT NOT NULL REFERENCES campaigns(id),
    department_id    TEXT NOT NULL REFERENCES departments(id),
    period           TEXT NOT NULL,
    period_starts_on TEXT NOT NULL,
    period_ends_on   TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    supersedes_id    TEXT REFERENCES progress_reports(id),
    filed_on         TEXT NOT NULL,
    filed_by         TEXT NOT NULL REFERENCES users(id),
    pending          INTEGER NOT NULL,
    approved         INTEGER NOT NULL,
    removed          INTEGER NOT NULL,
    overdue          INTEGER NOT NULL,
    text             TEXT NOT NULL CHECK (length(trim(text)) > 0),
    created_at       TEXT NOT NULL,
    UNIQUE (campaign_id, department_id, period, version),
    CHECK ((version = 1) = (supersedes_id IS NULL))
);
CREATE INDEX progress_reports_due ON progress_reports(region_code, due_on);

CREATE TRIGGER progress_reports_no_update BEFORE UPDATE ON progress_reports
BEGIN
    SELECT RAISE(ABORT, 'a progress report is kept as filed: file a new version instead');
END;
CREATE TRIGGER progress_reports_no_delete BEFORE DELETE ON progress_reports
BEGIN
    SELECT RAISE(ABORT, 'a progress report is kept as filed: file a new version instead');
END;

-- 挂牌督办: on a department, a project or a pending item. The department is the one
-- answerable (the project's initiating department, the item's handling department).
-- Lifting fills lifted_on, lifted_by and result once; nothing else ever changes.
CREATE TABLE supervision_orders (
    id                 TEXT PRIMARY KEY,
    region_code        TEXT NOT NULL REFERENCES regions(code),
    target             TEXT NOT NULL CHECK (target IN ('department', 'project', 'item')),
    department_id      TEXT NOT NULL REFERENCES departments(id),
    project_id         TEXT REFERENCES projects(id),
    pending_item_id    TEXT REFERENCES pending_items(id),
    title              TEXT NOT NULL,
    reason             TEXT NOT NULL,
    required_action    TEXT NOT NULL,
    responsible_person TEXT NOT NULL,
    issued_on          TEXT NOT NULL,
    deadline           TEXT NOT NULL,
    warn_on            TEXT NOT NULL,
    issued_by          TEXT NOT NULL REFERENCES users(id),
    lifted_on          TEXT,
    lifted_by          TEXT REFERENCES users(id),
    result             TEXT,
    created_at         TEXT NOT NULL,
    CHECK ((target = 'department') = (project_id IS NULL)),
    CHECK ((target = 'item') = (pending_item_id IS NOT NULL)),
    CHECK ((lifted_on IS NULL) = (result IS NULL))
);
CREATE INDEX supervision_orders_department ON supervision_orders(region_code, department_id, lifted_on);
CREATE INDEX supervision_orders_project ON supervision_orders(project_id);

CREATE TRIGGER supervision_orders_no_delete BEFORE DELETE ON supervision_orders
BEGIN
    SELECT RAISE(ABORT, 'a supervision order is never deleted: lift it with its result');
END;
CREATE TRIGGER supervision_orders_lift_once BEFORE UPDATE ON supervision_orders
WHEN OLD.lifted_on IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.region_code IS NOT OLD.region_code OR NEW.target IS NOT OLD.target
  OR NEW.department_id IS NOT OLD.department_id OR NEW.project_id IS NOT OLD.project_id
  OR NEW.pending_item_id IS NOT OLD.pending_item_id OR NEW.title IS NOT OLD.title OR NEW.reason IS NOT OLD.reason
  OR NEW.required_action IS NOT OLD.required_action OR NEW.responsible_person IS NOT OLD.responsible_person
  OR NEW.issued_on IS NOT OLD.issued_on OR NEW.deadline IS NOT OLD.deadline OR NEW.warn_on IS NOT OLD.warn_on
  OR NEW.issued_by IS NOT OLD.issued_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a supervision order is lifted once, with its result; nothing else changes');
END;

-- 派驻纪检组: the departments an inspector account oversees. An inspector without rows
-- oversees the whole region.
CREATE TABLE inspector_departments (
    user_id       TEXT NOT NULL REFERENCES users(id),
    department_id TEXT NOT NULL REFERENCES departments(id),
    PRIMARY KEY (user_id, department_id)
);
CREATE INDEX inspector_departments_department ON inspector_departments(department_id);
