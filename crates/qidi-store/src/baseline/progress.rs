//! Baseline progress: progress and the burn-down, the baseline rows, and pending items
//! found later (补录) that join a fixed baseline as additions.

use super::{
    actor_event, baseline_day, current_campaign_tx, date_text, locked_departments_tx, CampaignRow, DepartmentRef,
    BASELINE_DAYS, BASELINE_GROUPS,
};
use crate::events::{append, NewEvent};
use crate::ledger_import::{addition_row, Batch, BASELINE_COLUMNS};
use crate::users::User;
use crate::workflow::bind_all;
use crate::{new_id, now_text, today, Backend, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::ledger::{
    AddItemRefusal, BaselineDay, BaselineFilter, BaselineSort, BaselineSource, BaselineStatus, BurnDown, Progress,
    Reduction, RemovalReason,
};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// The rows of the baseline table: `FROM … WHERE …` over the aliases `b` (baseline row),
/// `i` (its item), `p` (project), `t` (item type) and `hd` (handling department), and
/// its binds as placeholders: `$1` the campaign, with a department `$2` the department.
/// A department's rows are the items of the projects in its scope (`scope_projects`:
/// it initiated the project or handles one of its items) that it initiated or handles.
/// `CROSS JOIN` keeps SQLite from starting at the campaign's baseline rows (every row
/// of the region) and looking for the department's among them; for PostgreSQL it is a
/// join like any other.
fn baseline_from_sql(department: bool) -> (String, Vec<String>) {
    let joins = "JOIN item_types t ON t.id = i.item_type_id JOIN departments hd ON hd.id = i.handling_department_id";
    if department {
        (
            format!(
                "FROM scope_projects s JOIN projects p ON p.id = s.project_id JOIN pending_items i ON i.project_id = p.id
                      CROSS JOIN baseline_items b {joins}
                 WHERE s.department_id = $2 AND b.campaign_id = $1 AND b.pending_item_id = i.id
                   AND (p.initiating_department_id = $2 OR i.handling_department_id = $2)"
            ),
            vec![String::new(), String::new()],
        )
    } else {
        (
            format!(
                "FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id
                      {joins}
                 WHERE b.campaign_id = $1"
            ),
            vec![String::new()],
        )
    }
}

/// Baseline rows of additions, many to a statement; an item already in the baseline is
/// left as it is.
fn additions() -> Batch {
    Batch::new("baseline_items", &BASELINE_COLUMNS).ignoring_conflicts("(campaign_id, pending_item_id)")
}

/// Add a pending item found after the baseline was fixed, marked as an addition.
async fn insert_addition(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    pending_item_id: &str,
    today: &str,
    now: &str,
) -> Result<bool, StoreError> {
    let mut batch = additions();
    batch.push(addition_row(region, campaign_id, pending_item_id, today, now));
    Ok(batch.flush(conn, backend).await? > 0)
}

/// A department ledger just fixed, as what joins its baseline is written.
pub(crate) struct FixedNow<'a> {
    pub(crate) region: &'a str,
    pub(crate) campaign_id: &'a str,
    pub(crate) department_id: &'a str,
    /// Today (Beijing) and now, as the rows record them.
    pub(crate) day: &'a str,
    pub(crate) at: &'a str,
}

/// The department's pending items in the library that the campaign's baseline lacks join
/// it as additions, as [`Store::add_pending_item`] adds one; only those of `project` when
/// given. Returns how many. For items found later, for those of a project moved into the
/// department, and on PostgreSQL for those added while the ledger was being fixed, which
/// saw it unfixed: then it is called under the department's lock (the signature's, or the
/// shared one the adder took with its items).
pub(crate) async fn add_missing_additions(
    conn: &mut AnyConnection,
    backend: Backend,
    fixed: &FixedNow<'_>,
    project: Option<&str>,
) -> Result<u64, StoreError> {
    let of_project = if project.is_some() { " AND p.id = $4" } else { "" };
    let sql = format!(
        "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id
         WHERE p.region_code = $1 AND p.initiating_department_id = $2 AND p.in_library = TRUE AND i.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM baseline_items b WHERE b.campaign_id = $3 AND b.pending_item_id = i.id){of_project}"
    );
    let mut q = sqlx::query(&sql).bind(fixed.region).bind(fixed.department_id).bind(fixed.campaign_id);
    if let Some(p) = project {
        q = q.bind(p);
    }
    let ids: Vec<String> = q.fetch_all(&mut *conn).await?.iter().map(|r| r.get(0)).collect();
    // Many rows to a statement, as the import writes its additions: an import may add a
    // region's items to a department fixed meanwhile.
    let mut batch = additions();
    let mut added = 0;
    for id in ids {
        batch.push(addition_row(fixed.region, fixed.campaign_id, &id, fixed.day, fixed.at));
        if batch.is_full() {
            added += batch.flush(conn, backend).await?;
        }
    }
    Ok(added + batch.flush(conn, backend).await?)
}

/// A pending item found after the ledger was built (补录).
#[derive(Debug, Clone, Default)]
pub struct NewPendingItem {
    pub item_type_id: String,
    pub responsible_person: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// What [`Store::add_pending_item`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedItem {
    pub id: String,
    /// Whether it joined a fixed baseline as an addition.
    pub addition: bool,
}

/// Progress of one department.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentProgress {
    pub department: DepartmentRef,
    pub progress: Progress,
}

/// Progress banner-wide and per department, and the burn-down.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressReport {
    pub campaign: CampaignRow,
    pub total: Progress,
    /// Per initiating department (whose ledger the entry is in).
    pub by_initiating: Vec<DepartmentProgress>,
    /// Per handling department (who must approve).
    pub by_handling: Vec<DepartmentProgress>,
    pub burn_down: BurnDown,
}

/// One baseline row as a page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineRow {
    pub id: String,
    pub pending_item_id: String,
    pub project_id: String,
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub handling_department: String,
    pub is_addition: bool,
    pub added_on: String,
    pub reduction: Option<Reduction>,
    pub reduced_on: Option<String>,
    pub reason: Option<RemovalReason>,
    pub reason_text: Option<String>,
}

/// A kept group of baseline rows (`baseline_pairs`): how many rows of one pair of
/// departments, one source and one reduction.
struct BaselineGroup {
    /// The project's initiating department ('' when it has none).
    initiating: String,
    handling: String,
    addition: bool,
    reduction: Option<Reduction>,
    n: u64,
}

impl BaselineGroup {
    /// Whether the group's rows are `department_id`'s (in its ledger or handled by it),
    /// or, with none, any department's.
    fn of(&self, department_id: Option<&str>) -> bool {
        department_id.is_none_or(|d| self.initiating == d || self.handling == d)
    }
}

impl Store {
    /// The kept groups of a campaign's baseline rows.
    async fn baseline_groups(&self, campaign_id: &str) -> Result<Vec<BaselineGroup>, StoreError> {
        let rows = sqlx::query(BASELINE_GROUPS).bind(campaign_id).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| BaselineGroup {
                initiating: r.get(0),
                handling: r.get(1),
                addition: crate::get_bool(r, 2),
                reduction: Reduction::parse(&r.get::<String, _>(3)),
                n: u64::try_from(r.get::<i64, _>(4)).unwrap_or(0),
            })
            .collect())
    }

    /// Progress against the baseline. With `department_id`, only the entries of that
    /// department (in its ledger or handled by it) count for the total and burn-down.
    pub async fn baseline_progress(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
    ) -> Result<ProgressReport, StoreError> {
        let campaign = self.campaign(region).await?;
        let depts = self.departments(region).await?;
        // The kept groups of baseline rows (`crate::counts`), not the rows themselves:
        // progress per pair of departments, and the burn-down's days.
        let mut total = Progress::default();
        let mut by_init: BTreeMap<String, Progress> = BTreeMap::new();
        let mut by_handling: BTreeMap<String, Progress> = BTreeMap::new();
        for g in self.baseline_groups(&campaign.id).await? {
            if !g.initiating.is_empty() {
                by_init.entry(g.initiating.clone()).or_default().add_counted(g.addition, g.reduction, g.n);
            }
            by_handling.entry(g.handling.clone()).or_default().add_counted(g.addition, g.reduction, g.n);
            if g.of(department_id) {
                total.add_counted(g.addition, g.reduction, g.n);
            }
        }
        let days: Vec<BaselineDay> = sqlx::query(BASELINE_DAYS)
            .bind(department_id.unwrap_or(""))
            .bind(&campaign.id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .filter_map(baseline_day)
            .collect();
        let start = days
            .iter()
            .filter(|d| !d.addition && d.reduction.is_none())
            .map(|d| d.day)
            .min()
            .unwrap_or(campaign.campaign.starts_on);
        let burn_down = BurnDown::of_days(&days, start, campaign.campaign.ends_on, today());
        let named = |m: BTreeMap<String, Progress>| -> Vec<DepartmentProgress> {
            depts
                .iter()
                .filter_map(|d| m.get(&d.id).map(|p| DepartmentProgress { department: d.clone(), progress: *p }))
                .collect()
        };
        Ok(ProgressReport {
            campaign,
            total,
            by_initiating: named(by_init),
            by_handling: named(by_handling),
            burn_down,
        })
    }

    /// A page of the baseline rows of a department (in its ledger or handled by it), or
    /// of all, by project code and item type, with how many there are in all.
    pub async fn baseline_rows(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<BaselineRow>, u64), StoreError> {
        self.baseline_rows_filtered(region, department_id, &BaselineFilter::default(), limit, offset).await
    }

    /// A page of the baseline rows that `filter` keeps, in its order, with how many it
    /// keeps in all. A department's rows are found through its scope
    /// (`scope_projects`), each project's items by project and its baseline row by
    /// (campaign, item); every filter is a test of those rows.
    pub async fn baseline_rows_filtered(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        filter: &BaselineFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<BaselineRow>, u64), StoreError> {
        let campaign = self.campaign(region).await?;
        let (count_sql, rows_sql, mut binds) = Store::baseline_rows_sql(department_id.is_some(), filter);
        binds[0] = campaign.id.clone();
        if let Some(d) = department_id {
            binds[1] = d.to_string();
        }
        // What the kept groups can count is not counted again from the rows (a
        // department's whole baseline at every view of its page).
        let total = if filter.counted_by_groups() {
            let groups = self.baseline_groups(&campaign.id).await?;
            let kept = groups
                .iter()
                .filter(|g| g.of(department_id) && filter.keeps_group(g.addition, g.reduction.is_some(), &g.handling));
            i64::try_from(kept.map(|g| g.n).sum::<u64>()).unwrap_or(i64::MAX)
        } else {
            bind_all(sqlx::query(&count_sql), &binds).fetch_one(&self.pool).await?.get(0)
        };
        let rows = bind_all(sqlx::query(&rows_sql), &binds).bind(limit).bind(offset).fetch_all(&self.pool).await?;
        let rows = rows
            .iter()
            .map(|r| {
                let reduction: Option<String> = r.get(9);
                let reason: Option<String> = r.get(11);
                BaselineRow {
                    id: r.get(0),
                    pending_item_id: r.get(1),
                    project_id: r.get(2),
                    project_code: r.get(3),
                    project_name: r.get(4),
                    item_type: r.get(5),
                    handling_department: r.get(6),
                    is_addition: crate::get_bool(r, 7),
                    added_on: r.get(8),
                    reduction: reduction.as_deref().and_then(Reduction::parse),
                    reduced_on: r.get(10),
                    reason: reason.as_deref().and_then(RemovalReason::parse),
                    reason_text: r.get(12),
                }
            })
            .collect();
        Ok((rows, u64::try_from(total).unwrap_or(0)))
    }

    /// What the baseline table's filters offer, each as (id, name) in catalogue order:
    /// the region's item types, and the handling departments of a department's baseline
    /// rows (or of all), from the kept groups. Reading the distinct types and
    /// departments of the rows themselves read a department's whole baseline at every
    /// view of its page (2 s for 200,000 rows).
    pub async fn baseline_choices(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
    ) -> Result<(Vec<(String, String)>, Vec<(String, String)>), StoreError> {
        let campaign = self.campaign(region).await?;
        let groups = self.baseline_groups(&campaign.id).await?;
        let handling: BTreeSet<&str> =
            groups.iter().filter(|g| g.of(department_id)).map(|g| g.handling.as_str()).collect();
        let handling = self
            .departments(region)
            .await?
            .into_iter()
            .filter(|d| handling.contains(d.id.as_str()))
            .map(|d| (d.id, d.name))
            .collect();
        let item_types = sqlx::query("SELECT id, name FROM item_types WHERE region_code = $1 ORDER BY code, id")
            .bind(region.as_str())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        Ok((item_types, handling))
    }

    /// The count and the page of the baseline rows `filter` keeps, of a department
    /// (`department`) or of all, and their text binds: `$1` the campaign, with a
    /// department `$2` the department (placeholders, filled by the caller), then the
    /// filters' values. The page's query ends with `LIMIT` and `OFFSET`, the next two
    /// binds. (An associated function, so that the plan tests reach it.)
    pub(crate) fn baseline_rows_sql(department: bool, filter: &BaselineFilter) -> (String, String, Vec<String>) {
        let (from, mut binds) = baseline_from_sql(department);
        let mut sql = from;
        let arg = |binds: &mut Vec<String>, v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        match filter.status {
            None => {}
            Some(BaselineStatus::Pending) => sql.push_str(" AND b.reduction IS NULL"),
            Some(BaselineStatus::Reduced) => sql.push_str(" AND b.reduction IS NOT NULL"),
        }
        match filter.source {
            None => {}
            Some(BaselineSource::Signed) => sql.push_str(" AND b.is_addition = FALSE"),
            Some(BaselineSource::Addition) => sql.push_str(" AND b.is_addition = TRUE"),
        }
        if let Some(t) = &filter.item_type_id {
            let n = arg(&mut binds, t.clone());
            sql.push_str(&format!(" AND i.item_type_id = {n}"));
        }
        if let Some(d) = &filter.handling_department_id {
            let n = arg(&mut binds, d.clone());
            sql.push_str(&format!(" AND i.handling_department_id = {n}"));
        }
        if let Some(pattern) = filter.like_pattern() {
            let n = arg(&mut binds, pattern);
            sql.push_str(&format!(" AND (p.code LIKE {n} ESCAPE '\\' OR p.name LIKE {n} ESCAPE '\\')"));
        }
        let order = match filter.sort {
            // A department's scope is read in its key's order, which is the code's (one
            // region), so a page stops after its rows instead of sorting every row of the
            // department first (9 s for 200,000 rows on SQLite, 0.15 s so).
            BaselineSort::Code if department => "s.region_code, s.code, t.code, b.id",
            BaselineSort::Code => "p.code, t.code, b.id",
            BaselineSort::Name => "p.name, p.code, t.code, b.id",
            BaselineSort::ItemType => "t.name, t.code, p.code, b.id",
            BaselineSort::Status => "CASE WHEN b.reduction IS NULL THEN 0 ELSE 1 END, p.code, t.code, b.id",
        };
        let count = format!("SELECT COUNT(*) {sql}");
        let rows = format!(
            "SELECT b.id, i.id, p.id, p.code, p.name, t.name, hd.name, b.is_addition, b.added_on, b.reduction, b.reduced_on,
                    b.reason_category, b.reason_text {sql}
             ORDER BY {order} LIMIT ${} OFFSET ${}",
            binds.len() + 1,
            binds.len() + 2
        );
        (count, rows, binds)
    }

    /// Add a pending item found later to a project in `actor`'s scope (补录): handled by
    /// the item type's department; when the project's department ledger is already
    /// fixed it joins the baseline as an addition. One transaction with its record.
    pub async fn add_pending_item(
        &self,
        actor: &User,
        project_id: &str,
        new: &NewPendingItem,
    ) -> Result<AddedItem, StoreError> {
        let scope = actor.scope();
        let ps = crate::ledger::project_scope(&scope, 2);
        let sql = format!(
            "SELECT p.region_code, p.initiating_department_id, p.in_library, p.code FROM projects p WHERE p.id = $1 AND {}",
            ps.sql
        );
        let mut tx = self.begin_write().await?;
        let project = bind_all(sqlx::query(&sql).bind(project_id), &ps.binds)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound("项目不存在".into()))?;
        let region: String = project.get(0);
        let initiating: Option<String> = project.get(1);
        let code: String = project.get(3);
        let refusal = qidi_core::ledger::add_item_refusal(
            actor.role,
            actor.department_id.as_deref(),
            initiating.as_deref(),
            crate::get_bool(&project, 2),
        );
        match refusal {
            Some(r @ AddItemRefusal::NotAllowed) => return Err(StoreError::forbidden(&r)),
            Some(r @ AddItemRefusal::NotInLibrary) => return Err(StoreError::conflict(&r)),
            None => {}
        }
        let item_type =
            sqlx::query("SELECT department_id, name, retired_at FROM item_types WHERE id = $1 AND region_code = $2")
                .bind(&new.item_type_id)
                .bind(&region)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    StoreError::invalid(Sentence::new(
                        "err-ledger-add-item-unknown-type",
                        "请选择本地区事项目录中的审批事项",
                    ))
                })?;
        let handling: String = item_type.get(0);
        let type_name: String = item_type.get(1);
        if item_type.get::<Option<String>, _>(2).is_some() {
            return Err(StoreError::invalid(
                Sentence::new("err-ledger-add-item-type-retired", format!("审批事项“{type_name}”已撤销，不能再补录"))
                    .arg("item_type", &type_name),
            ));
        }
        let duplicate = || {
            StoreError::conflict(
                Sentence::new("err-ledger-add-item-duplicate", format!("项目 {code} 已有待批事项“{type_name}”"))
                    .arg("code", &code)
                    .arg("item_type", &type_name),
            )
        };
        let exists = sqlx::query("SELECT 1 FROM pending_items WHERE project_id = $1 AND item_type_id = $2")
            .bind(project_id)
            .bind(&new.item_type_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(duplicate());
        }
        let id = new_id();
        let now = now_text();
        let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        sqlx::query(
            "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status,
                responsible_person, due_on, note, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&region)
        .bind(project_id)
        .bind(&new.item_type_id)
        .bind(&handling)
        .bind(trimmed(&new.responsible_person))
        .bind(new.due_on.map(date_text))
        .bind(trimmed(&new.note))
        .bind(&now)
        .execute(&mut *tx)
        .await
        // Two people adding the same item at once: the second finds it there.
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                duplicate()
            } else {
                e.into()
            }
        })?;
        let mut addition = false;
        let region_code = RegionCode::parse(&region).map_err(|_| {
            StoreError::invalid(Sentence::new("err-ledger-project-region-invalid", "项目的地区代码无效"))
        })?;
        if let (Some(c), Some(d)) = (current_campaign_tx(&mut tx, &region_code).await?, &initiating) {
            if locked_departments_tx(&mut tx, &c.id).await?.contains(d) {
                addition =
                    insert_addition(&mut tx, self.backend(), &region, &c.id, &id, &date_text(today()), &now).await?;
            }
        }
        append(
            &mut tx,
            &actor_event(
                actor,
                "pending_item.add",
                "project",
                project_id,
                serde_json::json!({ "code": code, "pending_item": id, "item_type": type_name, "addition": addition }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(AddedItem { id, addition })
    }

    /// Record pending items of departments with a fixed ledger that are not in the
    /// baseline yet (found later), as additions. Returns how many were added.
    pub async fn record_additions(&self, region: &RegionCode, actor: Option<&User>) -> Result<u64, StoreError> {
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        let mut tx = self.begin_write().await?;
        let locked = locked_departments_tx(&mut tx, &campaign.id).await?;
        let mut added = 0u64;
        let now = now_text();
        let day = date_text(today());
        for d in &locked {
            let fixed = FixedNow { region: rc, campaign_id: &campaign.id, department_id: d, day: &day, at: &now };
            added += add_missing_additions(&mut tx, self.backend(), &fixed, None).await?;
        }
        if added > 0 {
            append(
                &mut tx,
                &NewEvent {
                    region_code: rc.to_string(),
                    actor_id: actor.map(|a| a.id.clone()),
                    actor_role: actor.map(|a| a.role.as_str().to_string()),
                    action: "baseline.add".into(),
                    object_type: "campaign".into(),
                    object_id: Some(campaign.id.clone()),
                    payload: serde_json::json!({ "additions": added }),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }
}
