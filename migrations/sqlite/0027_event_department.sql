-- qidi schema 0027 (SQLite): the department of the person behind each event.
--
-- An event names its actor and role; the department is kept too, as it was when the
-- event happened (a later transfer does not rewrite the record). It is hashed with the
-- rest of the event; older events have none, which hashes as before (NULLs are left
-- out of an event's content).

ALTER TABLE events ADD COLUMN actor_department_id TEXT;
