-- qidi schema 0012 (PostgreSQL): monthly bulletins (通报), issued once and never rewritten.
--
-- A bulletin's content is kept as issued (JSON of core `Bulletin`) with its hash; the
-- database refuses UPDATE and DELETE. A correction is a new row that names the row it
-- corrects. Serials run per region and year in the office's series.
CREATE TABLE bulletins (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL REFERENCES regions(code),
    month           TEXT NOT NULL,
    year            BIGINT NOT NULL,
    serial          BIGINT NOT NULL,
    document_number TEXT NOT NULL UNIQUE,
    issuing_body    TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    issued_by       TEXT REFERENCES users(id),
    corrects_id     TEXT REFERENCES bulletins(id),
    content         TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (region_code, year, serial)
);
-- One original bulletin per month; the rest are corrections.
CREATE UNIQUE INDEX bulletins_original ON bulletins(region_code, month) WHERE corrects_id IS NULL;
CREATE INDEX bulletins_month ON bulletins(region_code, month, created_at);

CREATE FUNCTION qidi_bulletins_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a bulletin is kept as issued: issue a correction instead';
END;
$$;
CREATE TRIGGER bulletins_kept BEFORE UPDATE OR DELETE ON bulletins
FOR EACH ROW EXECUTE FUNCTION qidi_bulletins_kept();
