-- The ledger (台账): campaigns, check lists, signed ledger versions, the baseline and removals.
--
-- The rules live in qidi_core::ledger; the triggers here are the last line: the
-- baseline never loses a row, and a row is marked reduced only by approval (its
-- pending item is granted) or by a removal the office approved, with its reason.

-- 备注 of a ledger row, kept so that export then import gives back the same ledger.
ALTER TABLE pending_items ADD COLUMN note TEXT;

-- A time-boxed sweep, its end date and the plan's milestones as data (R6).
CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    milestones  TEXT NOT NULL DEFAULT '[]', -- JSON [{"on": "YYYY-MM-DD", "label": "..."}]
    created_at  TEXT NOT NULL,
    UNIQUE (region_code, code)
);

-- The demo campaign: the 2022 sweep of 正镶白旗.
INSERT INTO campaigns (id, region_code, code, name, starts_on, ends_on, milestones, created_at) VALUES (
    '0184c0a0-0000-7000-8000-000000152529', '152529', 'sweep-2022', '待批项目大起底', '2022-08-19', '2022-12-31',
    '[{"on":"2022-08-20","label":"推送核查清单，各办理部门反馈核查情况"},{"on":"2022-08-23","label":"部门台账签字"},{"on":"2022-08-25","label":"全旗台账报旗政府"},{"on":"2022-09-20","label":"不符合要求的项目移出项目库"},{"on":"2022-09-30","label":"全部部门上线办理"},{"on":"2022-12-31","label":"待批事项基本办结"}]',
    '2022-08-19T00:00:00.000000+08:00'
);

-- 核查清单: an initiating department's project list pushed to one handling department.
CREATE TABLE check_lists (
    id                       TEXT PRIMARY KEY,
    region_code              TEXT NOT NULL,
    campaign_id              TEXT NOT NULL REFERENCES campaigns(id),
    initiating_department_id TEXT NOT NULL REFERENCES departments(id),
    handling_department_id   TEXT NOT NULL REFERENCES departments(id),
    due_on                   TEXT NOT NULL,
    pushed_at                TEXT NOT NULL,
    pushed_by                TEXT,
    UNIQUE (campaign_id, initiating_department_id, handling_department_id)
);

-- One row per pending item on a check list; the answer itself is the pending item's
-- check_result, responsible_person, acceptance_status and due_on.
CREATE TABLE check_list_items (
    check_list_id   TEXT NOT NULL REFERENCES check_lists(id),
    pending_item_id TEXT NOT NULL REFERENCES pending_items(id),
    region_code     TEXT NOT NULL,
    answered_at     TEXT,
    answered_by     TEXT,
    PRIMARY KEY (check_list_id, pending_item_id)
);
CREATE INDEX check_list_items_item ON check_list_items(pending_item_id);

-- A ledger at a moment: its canonical content and the SHA-256 a signature binds.
-- scope_key is the department id, or 'banner'.
CREATE TABLE ledger_versions (
    id            TEXT PRIMARY KEY,
    region_code   TEXT NOT NULL,
    campaign_id   TEXT NOT NULL REFERENCES campaigns(id),
    kind          TEXT NOT NULL CHECK (kind IN ('department', 'banner')),
    scope_key     TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id),
    content_hash  TEXT NOT NULL,
    content       TEXT NOT NULL,
    item_count    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT,
    UNIQUE (campaign_id, scope_key, content_hash)
);

CREATE TABLE ledger_signatures (
    id                TEXT PRIMARY KEY,
    region_code       TEXT NOT NULL,
    ledger_version_id TEXT NOT NULL REFERENCES ledger_versions(id),
    capacity          TEXT NOT NULL CHECK (capacity IN ('department_head', 'leader', 'office')),
    content_hash      TEXT NOT NULL,
    signer_id         TEXT NOT NULL REFERENCES users(id),
    signer_name       TEXT NOT NULL,
    signed_at         TEXT NOT NULL,
    UNIQUE (ledger_version_id, capacity)
);

-- A proposed removal: a project from the library, or one pending item from the baseline.
CREATE TABLE removals (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL,
    campaign_id     TEXT NOT NULL REFERENCES campaigns(id),
    kind            TEXT NOT NULL CHECK (kind IN ('project', 'item')),
    project_id      TEXT NOT NULL REFERENCES projects(id),
    pending_item_id TEXT REFERENCES pending_items(id),
    reason_category TEXT NOT NULL CHECK (reason_category IN ('industrial_policy', 'land_saving', 'not_going_ahead', 'other')),
    reason_text     TEXT NOT NULL CHECK (length(trim(reason_text)) > 0),
    proposed_by     TEXT,
    proposed_at     TEXT NOT NULL,
    decision        TEXT NOT NULL DEFAULT 'proposed' CHECK (decision IN ('proposed', 'approved', 'rejected')),
    decided_by      TEXT,
    decided_at      TEXT,
    decision_note   TEXT,
    CHECK (kind = 'project' OR pending_item_id IS NOT NULL)
);
CREATE INDEX removals_project ON removals(project_id);

-- 基线: the entries of the signed ledgers, plus additions found later.
CREATE TABLE baseline_items (
    id                TEXT PRIMARY KEY,
    region_code       TEXT NOT NULL,
    campaign_id       TEXT NOT NULL REFERENCES campaigns(id),
    pending_item_id   TEXT NOT NULL REFERENCES pending_items(id),
    ledger_version_id TEXT REFERENCES ledger_versions(id),
    is_addition       INTEGER NOT NULL DEFAULT FALSE,
    added_on          TEXT NOT NULL,
    added_at          TEXT NOT NULL,
    reduction         TEXT CHECK (reduction IN ('approved', 'removed')),
    reduced_on        TEXT,
    reason_category   TEXT,
    reason_text       TEXT,
    removal_id        TEXT REFERENCES removals(id),
    UNIQUE (campaign_id, pending_item_id)
);
CREATE INDEX baseline_items_item ON baseline_items(pending_item_id);

CREATE TRIGGER baseline_items_no_delete BEFORE DELETE ON baseline_items
BEGIN
    SELECT RAISE(ABORT, 'baseline rows are never deleted: they are reduced by approval or by an approved removal');
END;

CREATE TRIGGER baseline_items_guard BEFORE UPDATE ON baseline_items
BEGIN
    SELECT RAISE(ABORT, 'a baseline row keeps what it was added as')
    WHERE NEW.id IS NOT OLD.id OR NEW.region_code IS NOT OLD.region_code OR NEW.campaign_id IS NOT OLD.campaign_id
       OR NEW.pending_item_id IS NOT OLD.pending_item_id OR NEW.ledger_version_id IS NOT OLD.ledger_version_id
       OR NEW.is_addition IS NOT OLD.is_addition OR NEW.added_on IS NOT OLD.added_on OR NEW.added_at IS NOT OLD.added_at;
    SELECT RAISE(ABORT, 'a reduced baseline row stays reduced')
    WHERE OLD.reduction IS NOT NULL
      AND (NEW.reduction IS NOT OLD.reduction OR NEW.reduced_on IS NOT OLD.reduced_on
           OR NEW.reason_category IS NOT OLD.reason_category OR NEW.reason_text IS NOT OLD.reason_text
           OR NEW.removal_id IS NOT OLD.removal_id);
    SELECT RAISE(ABORT, 'a baseline row is reduced only by approval (its item granted) or by an approved removal with its reason')
    WHERE OLD.reduction IS NULL
      AND (NEW.reduction IS NOT NULL OR NEW.reduced_on IS NOT NULL OR NEW.reason_category IS NOT NULL
           OR NEW.reason_text IS NOT NULL OR NEW.removal_id IS NOT NULL)
      AND NOT (
        (NEW.reduction = 'approved' AND NEW.reduced_on IS NOT NULL AND NEW.removal_id IS NULL
         AND EXISTS (SELECT 1 FROM pending_items p WHERE p.id = NEW.pending_item_id AND p.status = 'granted'))
        OR
        (NEW.reduction = 'removed' AND NEW.reduced_on IS NOT NULL
         AND NEW.reason_category IN ('industrial_policy', 'land_saving', 'not_going_ahead', 'other')
         AND length(trim(coalesce(NEW.reason_text, ''))) > 0
         AND EXISTS (SELECT 1 FROM removals r WHERE r.id = NEW.removal_id AND r.decision = 'approved'
                     AND r.reason_category = NEW.reason_category))
      );
END;

-- 审批1个核减1个: whichever transaction grants a pending item also reduces its baseline row.
CREATE TRIGGER pending_items_granted_reduce AFTER UPDATE OF status ON pending_items
WHEN NEW.status = 'granted' AND OLD.status IS NOT 'granted'
BEGIN
    UPDATE baseline_items SET reduction = 'approved', reduced_on = date('now', '+8 hours')
    WHERE pending_item_id = NEW.id AND reduction IS NULL;
END;

-- Signed versions and signatures are the record: never changed, never deleted.
CREATE TRIGGER ledger_versions_frozen BEFORE UPDATE ON ledger_versions
BEGIN SELECT RAISE(ABORT, 'ledger versions are immutable'); END;
CREATE TRIGGER ledger_versions_kept BEFORE DELETE ON ledger_versions
BEGIN SELECT RAISE(ABORT, 'ledger versions are immutable'); END;
CREATE TRIGGER ledger_signatures_frozen BEFORE UPDATE ON ledger_signatures
BEGIN SELECT RAISE(ABORT, 'signatures are immutable'); END;
CREATE TRIGGER ledger_signatures_kept BEFORE DELETE ON ledger_signatures
BEGIN SELECT RAISE(ABORT, 'signatures are immutable'); END;

-- A removal is decided once; it is never deleted.
CREATE TRIGGER removals_decided_once BEFORE UPDATE ON removals
WHEN OLD.decision <> 'proposed'
BEGIN SELECT RAISE(ABORT, 'a decided removal is final'); END;
CREATE TRIGGER removals_kept BEFORE DELETE ON removals
BEGIN SELECT RAISE(ABORT, 'removals are kept in the record'); END;
