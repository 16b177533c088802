-- Ledgers as departments really write them (issue 10):
-- * 立项时间 is a date: the day a project was initiated, when the ledger gives it.
-- * Departments and item types can be retired: their names then match nothing, and
--   no alias may point at them.
-- * Names the office mapped in an import's check step, saved per region as aliases of
--   a department or an item type, so that the next file goes through. One alias means
--   one thing in a region (compared in the importer's normalised form, `alias_key`).
ALTER TABLE projects ADD COLUMN initiated_on TEXT;
ALTER TABLE departments ADD COLUMN retired_at TEXT;
ALTER TABLE item_types ADD COLUMN retired_at TEXT;

CREATE TABLE name_aliases (
    id            TEXT PRIMARY KEY,
    region_code   TEXT NOT NULL REFERENCES regions(code),
    kind          TEXT NOT NULL CHECK (kind IN ('department', 'item_type')),
    alias         TEXT NOT NULL,
    alias_key     TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id),
    item_type_id  TEXT REFERENCES item_types(id),
    created_by    TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL,
    UNIQUE (region_code, kind, alias_key),
    CHECK ((kind = 'department' AND department_id IS NOT NULL AND item_type_id IS NULL)
        OR (kind = 'item_type' AND item_type_id IS NOT NULL AND department_id IS NULL))
);
