-- The database guards the baseline (R5), not only the application.
--
-- qidi_core says what may reduce the baseline; these triggers refuse, on their own,
-- every change to the tables that would shrink it without the decision behind it:
--   * a pending item granted without an approval of that very item: an application of
--     it approved here or above (applications.state 'approved' / 'higher_approved'),
--     or an approval made outside the system recorded with its document number and date
--     (outside_approvals, below); inserted already granted, likewise;
--   * a granted item going back to pending (or to anything else), being re-pointed at
--     another project or item type, or deleted; a status other than pending/granted;
--   * a baseline row reduced by removal without an approved removal of that very item,
--     or of its project, in the row's region and campaign, with the removal's reason;
--   * a baseline row inserted already reduced;
--   * a project leaving the library without an approved removal of that project in its
--     region.
-- Same meaning as migrations/postgres/0008_baseline_guard.sql.

-- 系统外审批: an approval made outside the system, recorded with its document number
-- (文号) and date. The record, like events: never changed, never deleted.
CREATE TABLE outside_approvals (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL REFERENCES regions(code),
    pending_item_id TEXT NOT NULL REFERENCES pending_items(id),
    document_number TEXT NOT NULL CHECK (length(trim(document_number)) > 0),
    decided_on      TEXT NOT NULL CHECK (decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                                         AND date(decided_on) IS decided_on),
    recorded_by     TEXT REFERENCES users(id),
    recorded_at     TEXT NOT NULL,
    note            TEXT
);
CREATE INDEX outside_approvals_item ON outside_approvals(pending_item_id);

CREATE TRIGGER outside_approvals_of_an_item_of_the_region BEFORE INSERT ON outside_approvals
BEGIN
    SELECT RAISE(ABORT, 'an outside approval names a pending item of its own region')
    WHERE NOT EXISTS (SELECT 1 FROM pending_items i WHERE i.id = NEW.pending_item_id AND i.region_code = NEW.region_code);
END;
CREATE TRIGGER outside_approvals_no_update BEFORE UPDATE ON outside_approvals
BEGIN SELECT RAISE(ABORT, 'outside approvals are append-only'); END;
CREATE TRIGGER outside_approvals_no_delete BEFORE DELETE ON outside_approvals
BEGIN SELECT RAISE(ABORT, 'outside approvals are append-only'); END;

-- The approvals a grant may rest on, one row per approval, whatever its source.
CREATE VIEW pending_item_approvals (pending_item_id, region_code, source, source_id) AS
    SELECT a.pending_item_id, a.region_code, 'application', a.id FROM applications a
    WHERE a.state IN ('approved', 'higher_approved')
    UNION ALL
    SELECT o.pending_item_id, o.region_code, 'outside', o.id FROM outside_approvals o;

-- 审批1个核减1个 only with the approval behind it. The workflow updates the application
-- to its approved state before it grants the item, in the same transaction.
CREATE TRIGGER pending_items_grant_needs_approval BEFORE UPDATE OF status ON pending_items
WHEN NEW.status = 'granted' AND OLD.status IS NOT 'granted'
BEGIN
    SELECT RAISE(ABORT, 'a pending item is granted only with its approval: an approved application of that item, or an outside approval recorded with its document number and date')
    WHERE NOT EXISTS (SELECT 1 FROM pending_item_approvals a
                      WHERE a.pending_item_id = NEW.id AND a.region_code = NEW.region_code);
END;

CREATE TRIGGER pending_items_insert_granted_needs_approval BEFORE INSERT ON pending_items
WHEN NEW.status IS NOT 'pending'
BEGIN
    SELECT RAISE(ABORT, 'a pending item is pending or granted')
    WHERE NEW.status IS NOT 'granted';
    SELECT RAISE(ABORT, 'a pending item is granted only with its approval: an approved application of that item, or an outside approval recorded with its document number and date')
    WHERE NOT EXISTS (SELECT 1 FROM pending_item_approvals a
                      WHERE a.pending_item_id = NEW.id AND a.region_code = NEW.region_code);
END;

CREATE TRIGGER pending_items_status_known BEFORE UPDATE OF status ON pending_items
WHEN OLD.status IS NOT 'granted' AND NEW.status IS NOT 'pending' AND NEW.status IS NOT 'granted'
BEGIN SELECT RAISE(ABORT, 'a pending item is pending or granted'); END;

-- A grant is final: the item stays granted, and stays the item that was granted.
CREATE TRIGGER pending_items_granted_final BEFORE UPDATE ON pending_items
WHEN OLD.status = 'granted'
 AND (NEW.status IS NOT 'granted' OR NEW.id IS NOT OLD.id OR NEW.region_code IS NOT OLD.region_code
      OR NEW.project_id IS NOT OLD.project_id OR NEW.item_type_id IS NOT OLD.item_type_id)
BEGIN SELECT RAISE(ABORT, 'a granted pending item stays granted'); END;

CREATE TRIGGER pending_items_granted_kept BEFORE DELETE ON pending_items
WHEN OLD.status = 'granted'
BEGIN SELECT RAISE(ABORT, 'a granted pending item stays granted'); END;

-- A baseline row starts unreduced; only the guard below lets it be reduced.
CREATE TRIGGER baseline_items_added_unreduced BEFORE INSERT ON baseline_items
WHEN NEW.reduction IS NOT NULL OR NEW.reduced_on IS NOT NULL OR NEW.reason_category IS NOT NULL
  OR NEW.reason_text IS NOT NULL OR NEW.removal_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a baseline row is added unreduced: it is reduced later, by approval or by an approved removal'); END;

-- The guard of 0004, with the removal tightened: the approved removal must be of this
-- very item (kind 'item') or of its project (kind 'project'), in the row's region and
-- campaign, and the row carries the removal's reason.
DROP TRIGGER baseline_items_guard;
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
    SELECT RAISE(ABORT, 'a baseline row is reduced only by approval (its item granted) or by an approved removal of that very item or its project, in its region, with its reason')
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
         AND EXISTS (SELECT 1 FROM removals r JOIN pending_items i ON i.id = NEW.pending_item_id
                     WHERE r.id = NEW.removal_id AND r.decision = 'approved'
                       AND r.reason_category = NEW.reason_category AND r.reason_text = NEW.reason_text
                       AND r.region_code = NEW.region_code AND r.campaign_id = NEW.campaign_id
                       AND ((r.kind = 'item' AND r.pending_item_id = NEW.pending_item_id)
                            OR (r.kind = 'project' AND r.project_id = i.project_id))))
      );
END;

-- 移出项目库 only by the office's approved removal of that project, in its region. The
-- removal is decided before the project is updated, in the same transaction.
CREATE TRIGGER projects_leave_library_by_removal BEFORE UPDATE OF in_library ON projects
WHEN OLD.in_library = 1 AND NEW.in_library IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'a project leaves the library only by an approved removal of that project, in its region')
    WHERE NOT EXISTS (SELECT 1 FROM removals r WHERE r.kind = 'project' AND r.project_id = NEW.id
                      AND r.region_code = NEW.region_code AND r.decision = 'approved');
END;
