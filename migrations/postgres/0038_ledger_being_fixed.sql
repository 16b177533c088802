-- qidi schema 0038 (PostgreSQL): what else the signature that fixes a department ledger
-- must not miss. Like a grant (0036), a pending item added to the department (补录, an
-- import) or a removal of its project approved between the signature's reading and its
-- commit saw the ledger unfixed and its baseline rows not yet there: the item never
-- joined the baseline, and the removed project's rows stayed unreduced. Both now take the
-- department's lock shared, without waiting, as a grant does: refused with QD001 while
-- the signature holds it. The signature (it now takes the lock before it writes its
-- baseline rows, not after as 0036 says) adds the items added meanwhile as additions and
-- reduces the rows of removals approved meanwhile; an import that began before the ledger
-- was fixed adds its own items once they are written.
CREATE FUNCTION qidi_ledger_not_being_fixed(department TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF department IS NOT NULL
       AND NOT pg_try_advisory_xact_lock_shared(hashtext('qidi.baseline'), hashtext(department)) THEN
        RAISE EXCEPTION 'the ledger of department % is being signed: its baseline is being written', department
            USING ERRCODE = 'QD001';
    END IF;
END;
$$;

-- Once per statement and department: an import adds hundreds of thousands of items.
CREATE FUNCTION qidi_items_added_not_being_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    department TEXT;
BEGIN
    FOR department IN
        SELECT DISTINCT p.initiating_department_id FROM added a JOIN projects p ON p.id = a.project_id
    LOOP
        PERFORM qidi_ledger_not_being_fixed(department);
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER pending_items_added_not_being_fixed AFTER INSERT ON pending_items
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION qidi_items_added_not_being_fixed();

CREATE FUNCTION qidi_removal_not_being_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM qidi_ledger_not_being_fixed((SELECT initiating_department_id FROM projects WHERE id = NEW.project_id));
    RETURN NULL;
END;
$$;
CREATE TRIGGER removals_approved_not_being_fixed AFTER UPDATE OF decision ON removals
    FOR EACH ROW WHEN (NEW.decision = 'approved' AND OLD.decision IS DISTINCT FROM 'approved')
    EXECUTE FUNCTION qidi_removal_not_being_fixed();

-- The grant's own check (0036), now the shared function's.
CREATE OR REPLACE FUNCTION qidi_granted_reduce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM qidi_ledger_not_being_fixed((SELECT initiating_department_id FROM projects WHERE id = NEW.project_id));
    UPDATE baseline_items SET reduction = 'approved',
           reduced_on = to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
    WHERE pending_item_id = NEW.id AND reduction IS NULL;
    RETURN NULL;
END;
$$;
