-- qidi schema 0036 (PostgreSQL): an approval and a department ledger's completing
-- signature never miss each other.
--
-- The signature reads the department's pending items, then writes their baseline rows,
-- in READ COMMITTED. An approval that committed between the two found no baseline row to
-- reduce (the rows were not yet committed), and the signature then wrote the granted item
-- into the baseline unreduced. At a region's size the gap is a minute.
--
-- Now the signature, once its rows are written, takes its department's lock exclusively,
-- which waits for every grant of that department still under way, and then reduces the
-- rows whose item is granted by now. A grant takes the same lock shared. It does not wait
-- for it: while a signature holds it (the last second or two of the signature) the grant
-- is refused with SQLSTATE QD001, and the person tries again. Waiting could deadlock: the
-- grant's transaction may already hold the audit chain's head, which the signature takes
-- after the lock. SQLite has one writer, so there the two never overlap.
CREATE OR REPLACE FUNCTION qidi_granted_reduce() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    department TEXT;
BEGIN
    -- A department ledger is the ledger of its projects' initiating department.
    SELECT initiating_department_id INTO department FROM projects WHERE id = NEW.project_id;
    IF department IS NOT NULL
       AND NOT pg_try_advisory_xact_lock_shared(hashtext('qidi.baseline'), hashtext(department)) THEN
        RAISE EXCEPTION 'the ledger of department % is being signed: its baseline is being written', department
            USING ERRCODE = 'QD001';
    END IF;
    UPDATE baseline_items SET reduction = 'approved',
           reduced_on = to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
    WHERE pending_item_id = NEW.id AND reduction IS NULL;
    RETURN NULL;
END;
$$;
