-- qidi schema 0039 (PostgreSQL): a project moved into a department (an import changes its
-- initiating department) brings its pending items into that department's ledger. Moved
-- while the ledger is being fixed, between the signature's reading and its commit, its
-- items would miss the baseline, as an added item did before 0038. The move now takes the
-- department's lock shared, without waiting, as an added item does: refused with QD001
-- while the signature holds it, and otherwise seen by the signature's catch-up, which adds
-- the items the baseline lacks. The import adds the moved project's items to a ledger
-- fixed before the move.
CREATE FUNCTION qidi_project_moved_not_being_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM qidi_ledger_not_being_fixed(NEW.initiating_department_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER projects_moved_not_being_fixed AFTER UPDATE OF initiating_department_id ON projects
    FOR EACH ROW WHEN (NEW.initiating_department_id IS DISTINCT FROM OLD.initiating_department_id)
    EXECUTE FUNCTION qidi_project_moved_not_being_fixed();
