-- qidi schema 0040 (PostgreSQL): baseline rows reduced many at a time are counted once per
-- statement, as new rows are (0020). Each reduced row moved its count groups one row at a
-- time, and PostgreSQL walks every version a transaction left of a row it updates again:
-- the signature that fixes a region's department ledger reduces, in one statement, the
-- rows of the removals approved meanwhile (8,458 rows at 1,000,000 projects), each moving
-- the same day's count rows, and took minutes with the department's lock held. A grant or
-- a removal still reduces a few rows: one statement each.
DROP TRIGGER baseline_counts_update ON baseline_items;

CREATE FUNCTION counts_baseline_updated() RETURNS trigger AS $$
BEGIN
    INSERT INTO baseline_counts (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on,
                                 reduction, reduced_on, n)
    SELECT b.campaign_id, coalesce(p.initiating_department_id, ''), i.handling_department_id, b.is_addition,
           b.added_on, coalesce(b.reduction, ''), coalesce(b.reduced_on, ''), SUM(b.sign)
    FROM (SELECT o.pending_item_id, o.campaign_id, o.is_addition, o.added_on, o.reduction, o.reduced_on, -1 AS sign
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE o.reduction IS DISTINCT FROM n.reduction OR o.reduced_on IS DISTINCT FROM n.reduced_on
          UNION ALL
          SELECT n.pending_item_id, n.campaign_id, n.is_addition, n.added_on, n.reduction, n.reduced_on, 1
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE o.reduction IS DISTINCT FROM n.reduction OR o.reduced_on IS DISTINCT FROM n.reduced_on) b
    JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction,
                 reduced_on) DO UPDATE SET n = baseline_counts.n + excluded.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Transition tables allow no column list: every update of baseline rows comes here, and
-- only rows whose reduction changed count.
CREATE TRIGGER counts_baseline_updated AFTER UPDATE ON baseline_items
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION counts_baseline_updated();
