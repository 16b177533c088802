-- The working-day calendar is read on most pages and changes a few times a year. Each
-- server keeps the calendar it read with this version and reads it again only when the
-- version moved: every change of the calendar's rows moves it, whichever server (or
-- command) made the change.
CREATE TABLE calendar_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 1);

CREATE TRIGGER calendar_version_days_insert AFTER INSERT ON calendar_days
BEGIN
    UPDATE calendar_version SET version = version + 1;
END;
CREATE TRIGGER calendar_version_days_update AFTER UPDATE ON calendar_days
BEGIN
    UPDATE calendar_version SET version = version + 1;
END;
CREATE TRIGGER calendar_version_days_delete AFTER DELETE ON calendar_days
BEGIN
    UPDATE calendar_version SET version = version + 1;
END;
CREATE TRIGGER calendar_version_years_insert AFTER INSERT ON calendar_years
BEGIN
    UPDATE calendar_version SET version = version + 1;
END;
CREATE TRIGGER calendar_version_years_update AFTER UPDATE ON calendar_years
BEGIN
    UPDATE calendar_version SET version = version + 1;
END;
CREATE TRIGGER calendar_version_years_delete AFTER DELETE ON calendar_years
BEGIN
    UPDATE calendar_version SET version = version + 1;
END;
