-- qidi schema 0024 (PostgreSQL): the 12345 caller's name and phone sealed at rest.
--
-- caller_name_sealed and caller_phone_sealed hold the values sealed with SM4-GCM under
-- the field key (`sm4g1:` + hex of nonce, ciphertext and tag; the row's id is
-- authenticated with them). caller_phone_lookup is the keyed SM3 hash (HMAC-SM3) of
-- the normalised phone, so that a caller's orders are found without opening every
-- row. The key is never in the database (QIDI_FIELD_KEY or a key file).
--
-- SQL cannot seal: rows from before this migration keep their plain name and phone
-- until the application starts with the key and seals them, in one transaction,
-- leaving caller_name and caller_phone empty ('') for good. A row whose
-- caller_phone_sealed is NULL is one still waiting to be sealed.

ALTER TABLE hotline_orders ADD COLUMN caller_name_sealed TEXT;
ALTER TABLE hotline_orders ADD COLUMN caller_phone_sealed TEXT;
ALTER TABLE hotline_orders ADD COLUMN caller_phone_lookup TEXT;
CREATE INDEX hotline_orders_caller_lookup ON hotline_orders(caller_phone_lookup);
