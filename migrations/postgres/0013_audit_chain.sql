-- The tamper-evident record: every event is a link of one SM3 hash chain (core
-- `audit`). `seq` counts events from 1 without gaps, `prev_hash` is the hash of the
-- event before (64 zeros for the first), `hash` = SM3 over seq, prev_hash and the
-- event's content. All three are written by `events::append` in the transaction of the
-- event, under the one row of `audit_chain_head`, which every appender updates first
-- (`UPDATE … RETURNING` takes the row lock until commit, so the chain never forks).

ALTER TABLE events ADD COLUMN seq BIGINT, ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT;

-- Events from before this migration join the chain in the order they were read in
-- (time, then id). Their hashes need SM3, which SQL lacks: `Store::migrate` computes
-- them right after this migration, once (the trigger function below allows exactly that).
ALTER TABLE events DISABLE TRIGGER events_no_update;
UPDATE events SET seq = r.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY at, id) AS n FROM events) AS r
WHERE r.id = events.id;
ALTER TABLE events ENABLE TRIGGER events_no_update;
CREATE UNIQUE INDEX events_seq ON events(seq);

CREATE TABLE audit_chain_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
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
CREATE OR REPLACE FUNCTION qidi_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash IS NULL AND OLD.prev_hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND (to_jsonb(OLD) - 'hash' - 'prev_hash') = (to_jsonb(NEW) - 'hash' - 'prev_hash') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'events are append-only';
END;
$$;

-- A new event is always a link of the chain.
CREATE FUNCTION qidi_events_chained() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS NULL OR NEW.seq < 1 OR NEW.prev_hash IS NULL OR NEW.hash IS NULL THEN
        RAISE EXCEPTION 'events must be chained: seq, prev_hash and hash are required';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER events_chained BEFORE INSERT ON events
FOR EACH ROW EXECUTE FUNCTION qidi_events_chained();

-- Checkpoints (检查点) made by `qidi audit checkpoint`, as signed: a copy for
-- `qidi audit prove`. The copy kept elsewhere is the one that counts.
CREATE TABLE audit_checkpoints (
    id   TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    at   TEXT NOT NULL,
    line TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq);
CREATE FUNCTION qidi_audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'checkpoints are append-only';
END;
$$;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
FOR EACH ROW EXECUTE FUNCTION qidi_audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION qidi_audit_checkpoints_append_only();
