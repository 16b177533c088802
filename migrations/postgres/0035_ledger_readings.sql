-- qidi schema 0035 (PostgreSQL): readings of a department ledger that outlast a request
-- (台账核算). The server that reads notes how far it has come every few seconds and,
-- once done, the ledger's state as JSON: any server behind the same load balancer then
-- answers the page's questions about it. Kept ten minutes; forgotten by the next reading.
CREATE TABLE ledger_readings (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    department_id TEXT NOT NULL,
    -- Which changes are listed: `listed` and the key they follow, as the server wrote it.
    view          TEXT NOT NULL,
    began_at      TEXT NOT NULL,
    lines         BIGINT NOT NULL DEFAULT 0,
    lines_read    BIGINT NOT NULL DEFAULT 0,
    -- When the reading last said how far it had come (a server that stopped stops it).
    noted_at      TEXT NOT NULL,
    finished_at   TEXT,
    -- The state read (JSON); NULL while reading, and when the reading failed.
    state         TEXT
);
CREATE INDEX ledger_readings_began ON ledger_readings(began_at);
