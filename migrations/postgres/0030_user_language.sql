-- qidi schema 0030 (PostgreSQL): each user's language for the pages (R23).
--
-- NULL: the browser's Accept-Language decides; otherwise a language tag that the string
-- catalogues hold (zh-CN, en, ...). Set from the language switch; read at sign-in.
ALTER TABLE users ADD COLUMN language TEXT;
