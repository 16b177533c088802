-- qidi schema 0028 (SQLite): the campaign's organisation (R20) as data.
--
-- The leading group, its office and the work team, with their members, per campaign
-- (a later campaign may have another group). Members are never deleted: an edit marks
-- the old list removed and writes the new one, with one event holding both.

CREATE TABLE organisation_members (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id),
    body        TEXT NOT NULL CHECK (body IN ('leading_group', 'office', 'work_team')),
    position    TEXT NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    removed_at  TEXT
);
CREATE INDEX organisation_members_campaign ON organisation_members(campaign_id, body, sort_order);

-- Campaigns are data per region: migration 0004 gave every database the 2022 plan's
-- campaign of 正镶白旗. Where nothing was done under it yet, it goes; the store creates
-- a region's first campaign from the plan's template when the region first needs one.
DELETE FROM campaigns
WHERE id = '0184c0a0-0000-7000-8000-000000152529'
  AND NOT EXISTS (SELECT 1 FROM check_lists WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM ledger_versions WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM removals WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM baseline_items WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM ledger_change_sets WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM progress_reports WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM baseline_counts WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM baseline_days WHERE campaign_id = campaigns.id)
  AND NOT EXISTS (SELECT 1 FROM baseline_pairs WHERE campaign_id = campaigns.id);
