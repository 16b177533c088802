-- Signatures survive approvals: what is signed is the ledger as it was fixed. After
-- that, approvals and approved removals reduce it (审批1个核减1个) without touching a
-- signature; only a change to the signed content itself (an item added later, a
-- changed deadline or check report) needs the signatories again, and they confirm
-- those changes as a change set (新增/变更，待签认) instead of signing the ledger again.

-- How many pending items lacked their check report when the signature was given (the
-- signer was shown the count and confirmed it).
ALTER TABLE ledger_signatures ADD COLUMN missing_checks BIGINT NOT NULL DEFAULT 0;

-- A change set: the changes to the signed content of a fixed department ledger, bound
-- to its own hash. `content` is core's canonical change-set text (its head names
-- from_hash and to_hash); `result` the signed content once confirmed, hashing to to_hash.
CREATE TABLE ledger_change_sets (
    id                TEXT PRIMARY KEY,
    region_code       TEXT NOT NULL,
    campaign_id       TEXT NOT NULL REFERENCES campaigns(id),
    department_id     TEXT NOT NULL REFERENCES departments(id),
    ledger_version_id TEXT NOT NULL REFERENCES ledger_versions(id),
    from_hash         TEXT NOT NULL,
    to_hash           TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    content           TEXT NOT NULL,
    result            TEXT NOT NULL,
    change_count      BIGINT NOT NULL,
    created_at        TEXT NOT NULL,
    created_by        TEXT,
    UNIQUE (ledger_version_id, content_hash)
);

-- Confirmations of a change set, in the order of the ledger's sign-off. The last
-- capacity (the leader) confirms it; from one signed content only one set can be
-- confirmed.
CREATE TABLE ledger_change_signatures (
    id                TEXT PRIMARY KEY,
    region_code       TEXT NOT NULL,
    change_set_id     TEXT NOT NULL REFERENCES ledger_change_sets(id),
    ledger_version_id TEXT NOT NULL REFERENCES ledger_versions(id),
    from_hash         TEXT NOT NULL,
    capacity          TEXT NOT NULL CHECK (capacity IN ('department_head', 'leader')),
    content_hash      TEXT NOT NULL,
    missing_checks    BIGINT NOT NULL DEFAULT 0,
    signer_id         TEXT NOT NULL REFERENCES users(id),
    signer_name       TEXT NOT NULL,
    signed_at         TEXT NOT NULL,
    UNIQUE (change_set_id, capacity)
);
CREATE UNIQUE INDEX ledger_change_signatures_one_confirmed
    ON ledger_change_signatures(ledger_version_id, from_hash) WHERE capacity = 'leader';

-- Like signed versions and signatures, the record: never changed, never deleted.
CREATE TRIGGER ledger_change_sets_frozen BEFORE UPDATE OR DELETE ON ledger_change_sets
    FOR EACH ROW EXECUTE FUNCTION qidi_ledger_record_frozen();
CREATE TRIGGER ledger_change_sets_no_truncate BEFORE TRUNCATE ON ledger_change_sets
    FOR EACH STATEMENT EXECUTE FUNCTION qidi_ledger_record_frozen();
CREATE TRIGGER ledger_change_signatures_frozen BEFORE UPDATE OR DELETE ON ledger_change_signatures
    FOR EACH ROW EXECUTE FUNCTION qidi_ledger_record_frozen();
CREATE TRIGGER ledger_change_signatures_no_truncate BEFORE TRUNCATE ON ledger_change_signatures
    FOR EACH STATEMENT EXECUTE FUNCTION qidi_ledger_record_frozen();
