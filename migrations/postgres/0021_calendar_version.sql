-- The working-day calendar is read on most pages and changes a few times a year. Each
-- server keeps the calendar it read with this version and reads it again only when the
-- version moved: every change of the calendar's rows moves it, whichever server (or
-- command) made the change.
CREATE TABLE calendar_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 1);

CREATE FUNCTION calendar_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE calendar_version SET version = version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER calendar_version_days AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
FOR EACH STATEMENT EXECUTE FUNCTION calendar_version_bump();
CREATE TRIGGER calendar_version_years AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_years
FOR EACH STATEMENT EXECUTE FUNCTION calendar_version_bump();
