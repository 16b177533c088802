-- The official calendar: statutory days off and make-up working days, one row per
-- listed date, and the notice years that are loaded. National, so no region_code.
CREATE TABLE calendar_years (
    year      BIGINT PRIMARY KEY,
    papers    TEXT NOT NULL DEFAULT '[]',
    loaded_at TEXT NOT NULL
);

CREATE TABLE calendar_days (
    date       TEXT NOT NULL,
    is_off_day BOOLEAN NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    year       BIGINT NOT NULL REFERENCES calendar_years(year),
    PRIMARY KEY (date, year)
);
