-- The filtered library (qidi_store::library) walks the library in key order,
-- (region_code, code). Project codes begin with the year, so the projects of one year
-- of initiation sit together in that order, and a year's filter read through the key
-- alone would cross every earlier year first. With this index a year is walked in key
-- order within itself. (The stage has two values and passes a third of projects or
-- more: it is tested row by row.) The index is partial so that only a query that
-- names a year can use it: region_code is inside it, and PostgreSQL would otherwise
-- scan it whole for a region's pages.
CREATE INDEX projects_year ON projects(initiated_year, region_code, code) WHERE initiated_year IS NOT NULL;
