//! Campaigns per region, the record's facts about their milestones, and each
//! campaign's organisation (R20): the leading group, its office and the work team.
//!
//! A region's current campaign is the one that started last; an earlier campaign keeps
//! its check lists, ledgers, baseline and organisation under its own id.

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::campaign::{may_plan, CampaignFacts};
use qidi_core::ledger::{fully_signed, Campaign, Capacity, LedgerKind, Milestone};
use qidi_core::organisation::{may_keep_organisation, Body, Member};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap, HashSet};

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The day of a stored instant (`YYYY-MM-DD…`, local time as written).
fn day_of(at: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok()
}

/// A campaign as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignRow {
    pub id: String,
    pub region_code: String,
    pub campaign: Campaign,
}

const CAMPAIGN_SELECT: &str = "SELECT id, region_code, code, name, starts_on, ends_on, milestones FROM campaigns";

fn campaign_from_row(r: &sqlx::any::AnyRow) -> Result<CampaignRow, StoreError> {
    let bad = |what: &str| StoreError::invalid(format!("campaigns row has a bad {what}"));
    let starts: String = r.get(4);
    let ends: String = r.get(5);
    let milestones: Vec<Milestone> = serde_json::from_str(&r.get::<String, _>(6)).map_err(|_| bad("milestones"))?;
    Ok(CampaignRow {
        id: r.get(0),
        region_code: r.get(1),
        campaign: Campaign {
            code: r.get(2),
            name: r.get(3),
            starts_on: NaiveDate::parse_from_str(&starts, "%Y-%m-%d").map_err(|_| bad("starts_on"))?,
            ends_on: NaiveDate::parse_from_str(&ends, "%Y-%m-%d").map_err(|_| bad("ends_on"))?,
            milestones,
        }
        .with_known_kinds(),
    })
}

/// The region's current campaign (the one that started last), if any.
pub(crate) async fn current_campaign_tx(
    conn: &mut AnyConnection,
    region: &RegionCode,
) -> Result<Option<CampaignRow>, StoreError> {
    let sql = format!("{CAMPAIGN_SELECT} WHERE region_code = $1 ORDER BY starts_on DESC, created_at DESC LIMIT 1");
    let row = sqlx::query(&sql).bind(region.as_str()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(campaign_from_row).transpose()
}

async fn insert_campaign(tx: &mut AnyConnection, id: &str, region: &str, c: &Campaign) -> Result<bool, StoreError> {
    let res = sqlx::query(
        "INSERT INTO campaigns (id, region_code, code, name, starts_on, ends_on, milestones, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (region_code, code) DO NOTHING",
    )
    .bind(id)
    .bind(region)
    .bind(&c.code)
    .bind(c.name.trim())
    .bind(date_text(c.starts_on))
    .bind(date_text(c.ends_on))
    .bind(serde_json::to_string(&c.milestones).unwrap_or_else(|_| "[]".into()))
    .bind(now_text())
    .execute(&mut *tx)
    .await?;
    Ok(res.rows_affected() > 0)
}

fn campaign_event(actor: Option<&User>, region: &str, action: &str, id: &str, payload: serde_json::Value) -> NewEvent {
    match actor {
        Some(a) => NewEvent::by(a, region.to_string(), action, "campaign", Some(id.to_string()), payload),
        None => NewEvent {
            region_code: region.to_string(),
            action: action.into(),
            object_type: "campaign".into(),
            object_id: Some(id.to_string()),
            payload,
            ..Default::default()
        },
    }
}

/// The departments handling items of the region `$1`: one probe of the items'
/// (region, department) index per department, not a read of the region's items.
pub(crate) const FACTS_HANDLING: &str = "SELECT d.id FROM departments d
     WHERE EXISTS (SELECT 1 FROM pending_items i WHERE i.region_code = $1 AND i.handling_department_id = d.id)";

/// The departments of the region `$1` with a project in the library that has items:
/// the region's initiating departments walked in the projects' (region, initiating
/// department) index, each step the next department's first such project (a skip
/// scan; a handful of index probes). Asked per department instead, PostgreSQL guesses
/// a third of the region for each and reads the whole table for a department with none.
pub(crate) const FACTS_INITIATING: &str = "WITH RECURSIVE found(id) AS (
        SELECT (SELECT p.initiating_department_id FROM projects p
                WHERE p.region_code = $1 AND p.initiating_department_id IS NOT NULL AND p.in_library
                  AND EXISTS (SELECT 1 FROM pending_items i WHERE i.project_id = p.id)
                ORDER BY p.region_code, p.initiating_department_id LIMIT 1)
        UNION ALL
        SELECT (SELECT p.initiating_department_id FROM projects p
                WHERE p.region_code = $1 AND p.initiating_department_id > f.id AND p.in_library
                  AND EXISTS (SELECT 1 FROM pending_items i WHERE i.project_id = p.id)
                ORDER BY p.region_code, p.initiating_department_id LIMIT 1)
        FROM found f WHERE f.id IS NOT NULL)
     SELECT d.id FROM departments d JOIN found f ON f.id = d.id";

/// Each department's first step on an application of the region `$1` since `$2`, as
/// a handler or head: the oldest of its events, through its own (department, kind,
/// time) index.
pub(crate) const FACTS_ACTED: &str = "SELECT f.id, f.first FROM (SELECT d.id,
        (SELECT MIN(e.at) FROM events e
         WHERE e.actor_department_id = d.id AND e.object_type = 'application' AND e.at >= $2
           AND e.region_code = $1 AND e.actor_role IN ('handler', 'department_head')) AS first
     FROM departments d) f WHERE f.first IS NOT NULL";

/// Whether the campaign `$1` had removals proposed, whether any still awaits its
/// decision, and the last decision's time (migration 0031's indexes).
pub(crate) const FACTS_REMOVALS: &str = "SELECT
        EXISTS (SELECT 1 FROM removals r WHERE r.campaign_id = $1),
        EXISTS (SELECT 1 FROM removals r WHERE r.campaign_id = $1 AND r.decision = 'proposed'),
        (SELECT MAX(r.decided_at) FROM removals r WHERE r.campaign_id = $1)";

/// The campaign's (`$1`) baseline rows, and those not reduced, from the kept pairs.
pub(crate) const FACTS_BASELINE: &str = "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT),
        CAST(COALESCE(SUM(CASE WHEN reduction = '' THEN n ELSE 0 END), 0) AS BIGINT)
     FROM baseline_pairs WHERE campaign_id = $1";

/// The last day a baseline row of the campaign `$1` was reduced, from the kept days.
pub(crate) const FACTS_LAST_REDUCED: &str = "SELECT MAX(day) FROM baseline_days
     WHERE department_id = '' AND campaign_id = $1 AND reduction <> '' AND n <> 0";

impl Store {
    /// The region's current campaign. A region without one starts with the 2022 plan's
    /// template (the office may start a campaign of its own later).
    pub async fn campaign(&self, region: &RegionCode) -> Result<CampaignRow, StoreError> {
        let mut conn = self.pool.acquire().await?;
        if let Some(c) = current_campaign_tx(&mut conn, region).await? {
            return Ok(c);
        }
        drop(conn);
        let c = Campaign::sweep_2022();
        let mut tx = self.begin_write().await?;
        let id = new_id();
        if insert_campaign(&mut tx, &id, region.as_str(), &c).await? {
            let payload = serde_json::json!({ "code": c.code, "ends_on": date_text(c.ends_on) });
            append(&mut tx, &campaign_event(None, region.as_str(), "campaign.create", &id, payload)).await?;
        }
        let row = current_campaign_tx(&mut tx, region).await?;
        tx.commit().await?;
        row.ok_or_else(|| StoreError::NotFound("campaign vanished".into()))
    }

    /// The region's campaigns, the current one first.
    pub async fn campaigns(&self, region: &RegionCode) -> Result<Vec<CampaignRow>, StoreError> {
        let sql = format!("{CAMPAIGN_SELECT} WHERE region_code = $1 ORDER BY starts_on DESC, created_at DESC");
        let rows = sqlx::query(&sql).bind(region.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(campaign_from_row).collect()
    }

    /// One campaign of the region by id.
    pub async fn campaign_by_id(&self, region: &RegionCode, id: &str) -> Result<CampaignRow, StoreError> {
        let sql = format!("{CAMPAIGN_SELECT} WHERE region_code = $1 AND id = $2");
        let row = sqlx::query(&sql).bind(region.as_str()).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(campaign_from_row).transpose()?.ok_or_else(|| StoreError::NotFound("工作不存在".into()))
    }

    /// Start a new campaign in the actor's region (the office). It becomes the current
    /// one; the previous campaign's organisation is carried over, to be edited. One
    /// transaction with its `campaign.create` event.
    pub async fn create_campaign(&self, actor: &User, c: &Campaign) -> Result<CampaignRow, StoreError> {
        if !may_plan(actor.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-campaign-forbidden",
                "只有领导小组办公室可以设立和调整工作",
            )));
        }
        let region = actor.region();
        // Make sure the region's first campaign exists before another follows it.
        let previous = self.campaign(&region).await?;
        let mut tx = self.begin_write().await?;
        let sql = format!("{CAMPAIGN_SELECT} WHERE region_code = $1");
        let existing: Vec<Campaign> = sqlx::query(&sql)
            .bind(region.as_str())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| campaign_from_row(r).map(|c| c.campaign))
            .collect::<Result<_, _>>()?;
        c.check_new(&existing).map_err(|e| StoreError::invalid(&e))?;
        let id = new_id();
        if !insert_campaign(&mut tx, &id, region.as_str(), c).await? {
            return Err(StoreError::conflict(
                Sentence::new("err-campaign-code-in-use", format!("工作代码“{}”已被使用", c.code)).arg("code", &c.code),
            ));
        }
        let carried = sqlx::query(
            "INSERT INTO organisation_members (id, region_code, campaign_id, body, position, name, title, sort_order, created_at)
             SELECT id || '-' || $1, region_code, $1, body, position, name, title, sort_order, $2
             FROM organisation_members WHERE campaign_id = $3 AND removed_at IS NULL",
        )
        .bind(&id)
        .bind(now_text())
        .bind(&previous.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let payload = serde_json::json!({
            "code": c.code, "name": c.name.trim(), "starts_on": date_text(c.starts_on), "ends_on": date_text(c.ends_on),
            "milestones": c.milestones, "previous": previous.id, "members_carried": carried,
        });
        append(&mut tx, &campaign_event(Some(actor), region.as_str(), "campaign.create", &id, payload)).await?;
        let row = current_campaign_tx(&mut tx, &region).await?;
        tx.commit().await?;
        row.filter(|r| r.id == id).ok_or_else(|| {
            StoreError::conflict(Sentence::new("err-campaign-started-meanwhile", "另一项工作同时设立，请刷新后重试"))
        })
    }

    /// Move the current campaign's end date (milestones must stay inside it).
    pub async fn set_campaign_end(
        &self,
        region: &RegionCode,
        ends_on: NaiveDate,
        actor: &User,
    ) -> Result<CampaignRow, StoreError> {
        if !may_plan(actor.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-campaign-forbidden",
                "只有领导小组办公室可以设立和调整工作",
            )));
        }
        let current = self.campaign(region).await?;
        let updated = current.campaign.with_end(ends_on).map_err(|e| StoreError::invalid(&e))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE campaigns SET ends_on = $1 WHERE id = $2")
            .bind(date_text(updated.ends_on))
            .bind(&current.id)
            .execute(&mut *tx)
            .await?;
        let payload = serde_json::json!({ "ends_on": date_text(ends_on), "was": date_text(current.campaign.ends_on) });
        append(&mut tx, &campaign_event(Some(actor), region.as_str(), "campaign.update", &current.id, payload)).await?;
        tx.commit().await?;
        Ok(CampaignRow { campaign: updated, ..current })
    }

    /// What the record shows of a campaign's steps (core `CampaignFacts`); the office's
    /// and the leader's home pages and the banner's ledger ask it on every request, so
    /// each question is a probe of an index or a read of kept counts (region scale): the day each
    /// was completed, if it was. The departments that must act are those that handle
    /// pending items of the region; the initiating departments those whose projects in
    /// the library have any.
    pub async fn campaign_facts(&self, c: &CampaignRow) -> Result<CampaignFacts, StoreError> {
        let rc = c.region_code.as_str();
        let mut conn = self.pool.acquire().await?;
        let handling: HashSet<String> =
            sqlx::query(FACTS_HANDLING).bind(rc).fetch_all(&mut *conn).await?.iter().map(|r| r.get(0)).collect();
        let initiating: HashSet<String> =
            sqlx::query(FACTS_INITIATING).bind(rc).fetch_all(&mut *conn).await?.iter().map(|r| r.get(0)).collect();
        // Each department's first day of doing it; the step is done on the day the last
        // department needed did it.
        let all_done_on = |needed: &HashSet<String>, firsts: &HashMap<String, NaiveDate>| -> Option<NaiveDate> {
            if needed.is_empty() {
                return None;
            }
            needed.iter().map(|d| firsts.get(d).copied()).collect::<Option<Vec<_>>>()?.into_iter().max()
        };
        let firsts = |rows: Vec<sqlx::any::AnyRow>| -> HashMap<String, NaiveDate> {
            rows.iter().filter_map(|r| Some((r.get::<String, _>(0), day_of(&r.get::<String, _>(1))?))).collect()
        };

        let pushed = sqlx::query(
            "SELECT initiating_department_id, MIN(pushed_at) FROM check_lists WHERE campaign_id = $1
             GROUP BY initiating_department_id",
        )
        .bind(&c.id)
        .fetch_all(&mut *conn)
        .await?;
        let lists_pushed = all_done_on(&initiating, &firsts(pushed));

        // Signatures per version; a version is signed on the day its last signature came.
        let rows = sqlx::query(
            "SELECT v.id, v.kind, v.department_id, s.capacity, s.signed_at
             FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
             WHERE v.campaign_id = $1",
        )
        .bind(&c.id)
        .fetch_all(&mut *conn)
        .await?;
        type Version = (String, Option<String>, Vec<Capacity>, String);
        let mut versions: BTreeMap<String, Version> = BTreeMap::new();
        for r in &rows {
            let v = versions.entry(r.get(0)).or_insert_with(|| (r.get(1), r.get(2), Vec::new(), String::new()));
            v.2.extend(Capacity::parse(&r.get::<String, _>(3)));
            v.3 = v.3.clone().max(r.get(4));
        }
        let mut department_signed: HashMap<String, NaiveDate> = HashMap::new();
        let mut banner_signed: Option<NaiveDate> = None;
        for (kind, dept, caps, last) in versions.into_values() {
            let Some(on) = day_of(&last) else { continue };
            match (kind.as_str(), dept) {
                ("department", Some(d)) if fully_signed(LedgerKind::Department, &caps) => {
                    let e = department_signed.entry(d).or_insert(on);
                    *e = (*e).min(on);
                }
                ("banner", _) if fully_signed(LedgerKind::Banner, &caps) => {
                    banner_signed = Some(banner_signed.map_or(on, |b| b.min(on)));
                }
                _ => {}
            }
        }
        let ledgers_signed = all_done_on(&handling, &department_signed);

        let r = sqlx::query(FACTS_REMOVALS).bind(&c.id).fetch_one(&mut *conn).await?;
        let (proposed, open) = (crate::get_bool(&r, 0), crate::get_bool(&r, 1));
        let removals_decided =
            if proposed && !open { r.get::<Option<String>, _>(2).as_deref().and_then(day_of) } else { None };

        let acted =
            sqlx::query(FACTS_ACTED).bind(rc).bind(date_text(c.campaign.starts_on)).fetch_all(&mut *conn).await?;
        let departments_online = all_done_on(&handling, &firsts(acted));

        let r = sqlx::query(FACTS_BASELINE).bind(&c.id).fetch_one(&mut *conn).await?;
        let (rows_in, remaining): (i64, i64) = (r.get(0), r.get(1));
        let finished = if rows_in > 0 && remaining == 0 {
            let last: Option<String> = sqlx::query(FACTS_LAST_REDUCED).bind(&c.id).fetch_one(&mut *conn).await?.get(0);
            last.as_deref().and_then(day_of)
        } else {
            None
        };

        Ok(CampaignFacts {
            lists_pushed,
            ledgers_signed,
            banner_signed,
            removals_decided,
            departments_online,
            finished,
        })
    }

    /// The members of a campaign's bodies, body by body, in the order the office wrote them.
    pub async fn organisation(&self, campaign_id: &str) -> Result<Vec<Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT body, position, name, title FROM organisation_members
             WHERE campaign_id = $1 AND removed_at IS NULL ORDER BY body, sort_order",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await?;
        let mut members: Vec<Member> = rows
            .iter()
            .filter_map(|r| {
                Some(Member {
                    body: Body::parse(&r.get::<String, _>(0))?,
                    position: r.get(1),
                    name: r.get(2),
                    title: r.get(3),
                })
            })
            .collect();
        members.sort_by_key(|m| m.body);
        Ok(members)
    }

    /// Replace the members of one body of a campaign in the actor's region (the office):
    /// the old list is marked removed, never deleted, and one `organisation.update` event
    /// holds both lists.
    pub async fn set_organisation(
        &self,
        actor: &User,
        campaign_id: &str,
        body: Body,
        members: &[Member],
    ) -> Result<(), StoreError> {
        may_keep_organisation(actor.role).map_err(|e| StoreError::forbidden(&e))?;
        let campaign = self.campaign_by_id(&actor.region(), campaign_id).await?;
        let before: Vec<Member> =
            self.organisation(&campaign.id).await?.into_iter().filter(|m| m.body == body).collect();
        let now = now_text();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE organisation_members SET removed_at = $1 WHERE campaign_id = $2 AND body = $3 AND removed_at IS NULL",
        )
        .bind(&now)
        .bind(&campaign.id)
        .bind(body.as_str())
        .execute(&mut *tx)
        .await?;
        for (i, m) in members.iter().filter(|m| m.body == body).enumerate() {
            sqlx::query(
                "INSERT INTO organisation_members (id, region_code, campaign_id, body, position, name, title, sort_order, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(new_id())
            .bind(&campaign.region_code)
            .bind(&campaign.id)
            .bind(body.as_str())
            .bind(&m.position)
            .bind(&m.name)
            .bind(&m.title)
            .bind(i as i64)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        let payload = serde_json::json!({ "body": body.as_str(), "before": before, "after": members });
        append(
            &mut tx,
            &campaign_event(Some(actor), &campaign.region_code, "organisation.update", &campaign.id, payload),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::FACTS_INITIATING;
    use crate::testing::{banner, on_each_backend};
    use crate::Store;
    use sqlx::Row;

    async fn ids(store: &Store, region: &str, sql: &str) -> Vec<String> {
        let rows = sqlx::query(sql).bind(region).fetch_all(store.pool()).await.unwrap();
        let mut ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        ids.sort();
        ids
    }

    /// The skip scan finds the same departments as the plain definition: the region's
    /// departments with a project in the library that has items; a department left
    /// with one such project is still found, and drops out when that one goes to
    /// another department.
    #[tokio::test]
    async fn the_initiating_departments_are_found_by_skip_scan() {
        on_each_backend(|store| async move {
            let region = banner();
            store.load_demo(&region).await.unwrap();
            store.generate_projects(&region, 200, |_| {}).await.unwrap();
            let plain = "SELECT DISTINCT p.initiating_department_id FROM projects p
                         WHERE p.region_code = $1 AND p.initiating_department_id IS NOT NULL AND p.in_library
                           AND EXISTS (SELECT 1 FROM pending_items i WHERE i.project_id = p.id)";
            let before = ids(&store, region.as_str(), FACTS_INITIATING).await;
            assert!(before.len() >= 2, "several initiating departments: {before:?}");
            assert_eq!(before, ids(&store, region.as_str(), plain).await);

            // The second department's projects go to the first, all but one.
            let gone = &before[1];
            let keep: String = sqlx::query(
                "SELECT p.id FROM projects p WHERE p.initiating_department_id = $1
                   AND EXISTS (SELECT 1 FROM pending_items i WHERE i.project_id = p.id) ORDER BY p.code LIMIT 1",
            )
            .bind(gone)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
            let to =
                "UPDATE projects SET initiating_department_id = $1 WHERE initiating_department_id = $2 AND id <> $3";
            sqlx::query(to).bind(&before[0]).bind(gone).bind(&keep).execute(store.pool()).await.unwrap();
            assert_eq!(
                ids(&store, region.as_str(), FACTS_INITIATING).await,
                before,
                "one project keeps the department"
            );
            sqlx::query("UPDATE projects SET initiating_department_id = $1 WHERE id = $2")
                .bind(&before[0])
                .bind(&keep)
                .execute(store.pool())
                .await
                .unwrap();
            let after = ids(&store, region.as_str(), FACTS_INITIATING).await;
            assert!(!after.contains(gone) && after.len() == before.len() - 1, "{after:?}");
            assert_eq!(after, ids(&store, region.as_str(), plain).await);
        })
        .await;
    }
}
