-- qidi schema 0037 (PostgreSQL): the texts a signature binds, stored in parts.
-- A region's department ledger is hundreds of megabytes of canonical text, and a change
-- set with its result as much again. Bound as one value each, SQLite copied the value
-- and built the row whole (three gigabytes at two million lines), and PostgreSQL refuses
-- a value, or a statement's values together, of a gigabyte. A text is now written as
-- parts of at most 4 MiB, cut after a line, and its row's own column is left empty; the
-- row says how many parts it has. Rows written before keep their text, with no parts.
CREATE TABLE ledger_text_parts (
    -- A ledger version or a change set.
    owner_id TEXT NOT NULL,
    field    TEXT NOT NULL CHECK (field IN ('content', 'result')),
    part     BIGINT NOT NULL CHECK (part >= 0),
    text     TEXT NOT NULL,
    PRIMARY KEY (owner_id, field, part)
);
ALTER TABLE ledger_versions ADD COLUMN content_parts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ledger_change_sets ADD COLUMN content_parts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ledger_change_sets ADD COLUMN result_parts BIGINT NOT NULL DEFAULT 0;

-- Like the versions and change sets they belong to, the record: never changed, never deleted.
CREATE TRIGGER ledger_text_parts_frozen BEFORE UPDATE OR DELETE ON ledger_text_parts
    FOR EACH ROW EXECUTE FUNCTION qidi_ledger_record_frozen();
CREATE TRIGGER ledger_text_parts_no_truncate BEFORE TRUNCATE ON ledger_text_parts
    FOR EACH STATEMENT EXECUTE FUNCTION qidi_ledger_record_frozen();

-- A part belongs to a row already written, within the count that row names: no part is
-- added to a signed text afterwards.
CREATE FUNCTION qidi_text_part_owned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_versions v
               WHERE v.id = NEW.owner_id AND NEW.field = 'content' AND NEW.part < v.content_parts)
       OR EXISTS (SELECT 1 FROM ledger_change_sets c
                  WHERE c.id = NEW.owner_id
                    AND NEW.part < CASE NEW.field WHEN 'content' THEN c.content_parts ELSE c.result_parts END) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a signed text has only the parts its row names';
END;
$$;
CREATE TRIGGER ledger_text_parts_owned BEFORE INSERT ON ledger_text_parts
    FOR EACH ROW EXECUTE FUNCTION qidi_text_part_owned();
