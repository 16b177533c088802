-- The tamper-evident record: every event is a link of one SM3 hash chain (core
-- `audit`). `seq` counts events from 1 without gaps, `prev_hash` is the hash of the
-- event before (64 zeros for the first), `hash` = SM3 over seq, prev_hash and the
-- event's content. All three are written by `events::append` in the transaction of the
-- event, under the one row of `audit_chain_head`, which every appender updates first.

ALTER TABLE events ADD COLUMN seq INTEGER;
ALTER TABLE events ADD COLUMN prev_hash TEXT;
ALTER TABLE events ADD COLUMN hash TEXT;

-- Events from before this migration join the chain in the order they were read in
-- (time, then id). Their hashes need SM3, which SQL lacks: `Store::migrate` computes
-- them right after this migration, once (the trigger below allows exactly that).
DROP TRIGGER events_no_update;
UPDATE events SET seq = r.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY at, id) AS n FROM events) AS r
WHERE r.id = events.id;
CREATE UNIQUE INDEX events_seq ON events(seq);

-- The head of the chain: the last seq, its hash and its time. An appender's first
-- statement is an UPDATE of this row, so appenders queue on it and the chain never
-- forks. `hash` is NULL only until the events above are hashed.
CREATE TABLE audit_chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT,
    at   TEXT
);
INSERT INTO audit_chain_head (id, seq, hash, at)
SELECT 1, COUNT(*),
       CASE WHEN COUNT(*) = 0 THEN '0000000000000000000000000000000000000000000000000000000000000000' END,
       MAX(at)
FROM events;

-- Still append-only. The one UPDATE allowed gives an event from before this migration
-- its prev_hash and hash, once, and changes nothing else.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (OLD.hash IS NULL AND OLD.prev_hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
          AND NEW.seq IS OLD.seq AND NEW.id IS OLD.id AND NEW.region_code IS OLD.region_code
          AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.actor_role IS OLD.actor_role
          AND NEW.action IS OLD.action AND NEW.object_type IS OLD.object_type
          AND NEW.object_id IS OLD.object_id AND NEW.outcome IS OLD.outcome AND NEW.payload IS OLD.payload
          AND NEW.client_addr IS OLD.client_addr AND NEW.request_id IS OLD.request_id)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- A new event is always a link of the chain.
CREATE TRIGGER events_chained BEFORE INSERT ON events
WHEN NEW.seq IS NULL OR NEW.seq < 1 OR NEW.prev_hash IS NULL OR NEW.hash IS NULL
BEGIN SELECT RAISE(ABORT, 'events must be chained: seq, prev_hash and hash are required'); END;

-- Checkpoints (检查点) made by `qidi audit checkpoint`, as signed: a copy for
-- `qidi audit prove`. The copy kept elsewhere is the one that counts.
CREATE TABLE audit_checkpoints (
    id   TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL,
    at   TEXT NOT NULL,
    line TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
