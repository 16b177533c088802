-- qidi schema 0037 (SQLite): the texts a signature binds, stored in parts.
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
    part     INTEGER NOT NULL CHECK (part >= 0),
    text     TEXT NOT NULL,
    PRIMARY KEY (owner_id, field, part)
);
ALTER TABLE ledger_versions ADD COLUMN content_parts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_change_sets ADD COLUMN content_parts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_change_sets ADD COLUMN result_parts INTEGER NOT NULL DEFAULT 0;

-- Like the versions and change sets they belong to, the record: never changed, never deleted.
CREATE TRIGGER ledger_text_parts_frozen BEFORE UPDATE ON ledger_text_parts
BEGIN SELECT RAISE(ABORT, 'signed texts are immutable'); END;
CREATE TRIGGER ledger_text_parts_kept BEFORE DELETE ON ledger_text_parts
BEGIN SELECT RAISE(ABORT, 'signed texts are immutable'); END;

-- A part belongs to a row already written, within the count that row names: no part is
-- added to a signed text afterwards.
CREATE TRIGGER ledger_text_parts_owned BEFORE INSERT ON ledger_text_parts
WHEN NOT EXISTS (SELECT 1 FROM ledger_versions v
                 WHERE v.id = NEW.owner_id AND NEW.field = 'content' AND NEW.part < v.content_parts)
 AND NOT EXISTS (SELECT 1 FROM ledger_change_sets c
                 WHERE c.id = NEW.owner_id
                   AND NEW.part < CASE NEW.field WHEN 'content' THEN c.content_parts ELSE c.result_parts END)
BEGIN SELECT RAISE(ABORT, 'a signed text has only the parts its row names'); END;
