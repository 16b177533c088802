-- qidi schema 0032 (PostgreSQL): what awaits a department, and a region's overdue
-- applications, found by index (region scale).
--
-- Each application carries the department that handles its item, so that a
-- department's home page and inbox walk the (handling_department_id, awaiting, due_on)
-- index for its own applications, instead of reading every application of the region
-- that awaits a department and testing each one's item.
ALTER TABLE applications ADD COLUMN handling_department_id TEXT;

UPDATE applications a SET handling_department_id = i.handling_department_id
FROM pending_items i WHERE i.id = a.pending_item_id;

-- The index holds what a home page's counts and first rows test and order by, so that
-- both are read from the index alone, not from each application's row.
CREATE INDEX applications_handler ON applications(handling_department_id, awaiting, due_on, region_code, id,
    paused_since, warn_on, created_at);

-- A region's overdue applications (its office's, leader's and inspectors' home pages):
-- those awaiting a department or the higher authority, by due date, the region read
-- from the index itself.
CREATE INDEX applications_awaiting_due ON applications(awaiting, due_on, region_code, id, paused_since, warn_on,
    created_at);

-- An application takes its item's department, in the same transaction as it is made;
-- an item given to another department takes its applications with it.
CREATE FUNCTION applications_handled() RETURNS trigger AS $$
BEGIN
    SELECT i.handling_department_id INTO NEW.handling_department_id
    FROM pending_items i WHERE i.id = NEW.pending_item_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER applications_handled BEFORE INSERT ON applications
FOR EACH ROW EXECUTE FUNCTION applications_handled();

CREATE FUNCTION pending_items_handled() RETURNS trigger AS $$
BEGIN
    UPDATE applications SET handling_department_id = NEW.handling_department_id WHERE pending_item_id = NEW.id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER pending_items_handled AFTER UPDATE OF handling_department_id ON pending_items
FOR EACH ROW WHEN (OLD.handling_department_id IS DISTINCT FROM NEW.handling_department_id)
EXECUTE FUNCTION pending_items_handled();
