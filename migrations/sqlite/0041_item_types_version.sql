-- The item types a project may still be given are offered on its page, and the item
-- types change a few times a year. Each server keeps the types it read with this version
-- and reads them again only when the version moved. The project page reads the version
-- with its project, so the check costs no query of its own. Every change of the item
-- types, or of the name or code of a department they show, moves it, whichever server
-- (or command) made the change.
CREATE TABLE item_types_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO item_types_version (id, version) VALUES (1, 1);

CREATE TRIGGER item_types_version_insert AFTER INSERT ON item_types
BEGIN
    UPDATE item_types_version SET version = version + 1;
END;
CREATE TRIGGER item_types_version_update AFTER UPDATE ON item_types
BEGIN
    UPDATE item_types_version SET version = version + 1;
END;
CREATE TRIGGER item_types_version_delete AFTER DELETE ON item_types
BEGIN
    UPDATE item_types_version SET version = version + 1;
END;
CREATE TRIGGER item_types_version_departments AFTER UPDATE OF name, code ON departments
WHEN OLD.name IS NOT NEW.name OR OLD.code IS NOT NEW.code
BEGIN
    UPDATE item_types_version SET version = version + 1;
END;

-- The project page asks whether an open supervision order is on its project.
CREATE INDEX supervision_orders_open_project ON supervision_orders (project_id) WHERE lifted_on IS NULL;
