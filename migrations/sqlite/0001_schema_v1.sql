-- qidi schema v1 (SQLite). Ids are UUIDv7 text; dates are ISO 'YYYY-MM-DD' text;
-- timestamps are RFC 3339 text with the +08:00 offset, so text order is time order.
-- Booleans are INTEGER 0/1 (the Any driver cannot read SQLite BOOLEAN).
-- Every business row carries region_code (GB/T 2260).

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code)
);

CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions(code),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]',
    initiates   INTEGER NOT NULL DEFAULT FALSE,
    UNIQUE (region_code, code)
);

-- 项目单位: the owners of projects, who apply.
CREATE TABLE owners (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions(code),
    name        TEXT NOT NULL,
    credit_code TEXT,
    UNIQUE (region_code, name)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    region_code   TEXT NOT NULL REFERENCES regions(code),
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id),
    owner_id      TEXT REFERENCES owners(id),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT TRUE,
    disabled      INTEGER NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    first_failed_at TEXT,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);

-- Server-side sessions; the cookie holds a random token, the table only its hash.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    region_code  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE item_types (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL REFERENCES regions(code),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    aliases         TEXT NOT NULL DEFAULT '[]',
    department_id   TEXT NOT NULL REFERENCES departments(id),
    authority_level TEXT NOT NULL,
    statutory_limit INTEGER NOT NULL,
    limit_unit      TEXT NOT NULL,
    promised_limit  INTEGER NOT NULL,
    limit_confirmed INTEGER NOT NULL DEFAULT FALSE,
    limit_source    TEXT NOT NULL DEFAULT '',
    UNIQUE (region_code, code)
);

CREATE TABLE projects (
    id                        TEXT PRIMARY KEY,
    region_code               TEXT NOT NULL REFERENCES regions(code),
    code                      TEXT NOT NULL,
    name                      TEXT NOT NULL,
    owner_id                  TEXT REFERENCES owners(id),
    initiating_department_id  TEXT REFERENCES departments(id),
    initiated_year            INTEGER,
    investment_yuan           INTEGER,
    stage                     TEXT NOT NULL DEFAULT 'not_started',
    in_library                INTEGER NOT NULL DEFAULT TRUE,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL,
    UNIQUE (region_code, code)
);
CREATE INDEX projects_dept ON projects(region_code, initiating_department_id);
CREATE INDEX projects_owner ON projects(region_code, owner_id);

-- 待批事项: one item type for one project that is not yet granted.
CREATE TABLE pending_items (
    id                     TEXT PRIMARY KEY,
    region_code            TEXT NOT NULL REFERENCES regions(code),
    project_id             TEXT NOT NULL REFERENCES projects(id),
    item_type_id           TEXT NOT NULL REFERENCES item_types(id),
    handling_department_id TEXT NOT NULL REFERENCES departments(id),
    status                 TEXT NOT NULL DEFAULT 'pending',
    check_result           TEXT,
    responsible_person     TEXT,
    acceptance_status      TEXT,
    due_on                 TEXT,
    warn_on                TEXT,
    created_at             TEXT NOT NULL,
    UNIQUE (project_id, item_type_id)
);
CREATE INDEX pending_items_dept ON pending_items(region_code, handling_department_id, status, due_on);

-- 申请: one submission of a pending item. The state is derived from its events.
CREATE TABLE applications (
    id              TEXT PRIMARY KEY,
    region_code     TEXT NOT NULL REFERENCES regions(code),
    pending_item_id TEXT NOT NULL REFERENCES pending_items(id),
    project_id      TEXT NOT NULL REFERENCES projects(id),
    state           TEXT NOT NULL,
    due_on          TEXT,
    warn_on         TEXT,
    version         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX applications_item ON applications(pending_item_id);

-- The full-process record: every state change, append-only.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor_id    TEXT,
    actor_role  TEXT,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT,
    outcome     TEXT NOT NULL DEFAULT 'ok',
    payload     TEXT NOT NULL DEFAULT '{}',
    client_addr TEXT,
    request_id  TEXT
);
CREATE INDEX events_object ON events(object_type, object_id, at);
CREATE INDEX events_region_at ON events(region_code, at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
