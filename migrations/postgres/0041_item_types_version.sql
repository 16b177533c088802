-- The item types a project may still be given are offered on its page, and the item
-- types change a few times a year. Each server keeps the types it read with this version
-- and reads them again only when the version moved. The project page reads the version
-- with its project, so the check costs no query of its own. Every change of the item
-- types, or of the name or code of a department they show, moves it, whichever server
-- (or command) made the change.
CREATE TABLE item_types_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO item_types_version (id, version) VALUES (1, 1);

CREATE FUNCTION item_types_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE item_types_version SET version = version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Row by row, unlike the calendar's: a statement that changes no row (the catalogue's seed,
-- `ON CONFLICT DO NOTHING`, runs at every start) moves nothing.
CREATE TRIGGER item_types_version_types AFTER INSERT OR UPDATE OR DELETE ON item_types
FOR EACH ROW EXECUTE FUNCTION item_types_version_bump();
CREATE TRIGGER item_types_version_truncate AFTER TRUNCATE ON item_types
FOR EACH STATEMENT EXECUTE FUNCTION item_types_version_bump();
CREATE TRIGGER item_types_version_departments AFTER UPDATE OF name, code ON departments
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.code IS DISTINCT FROM NEW.code)
EXECUTE FUNCTION item_types_version_bump();

-- The project page asks whether an open supervision order is on its project.
CREATE INDEX supervision_orders_open_project ON supervision_orders (project_id) WHERE lifted_on IS NULL;
