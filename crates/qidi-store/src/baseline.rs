//! Check lists, signed ledger versions, the baseline and removals.
//!
//! The rules are `qidi_core::ledger`'s; this module remembers. Every write is one
//! transaction with its event. The database backs the baseline up with triggers
//! (migration 0004): no row is deleted, and a row is marked reduced only when its item
//! is granted or an approved removal with its reason says so.

pub(crate) use crate::campaigns::current_campaign_tx;
pub use crate::campaigns::CampaignRow;
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, today, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::ledger::{
    check_change_confirmation, check_decision, check_missing, check_reason_text, check_reduction, check_signature,
    content_hash, diff_lines, fully_signed, AddItemRefusal, BannerPart, BaselineDay, BurnDown, CanonicalLedger,
    Capacity, ChangeKind, ChangeSet, CheckAnswer, Decision, FieldChange, LedgerKind, LedgerLine, LedgerNow, LineChange,
    LineKey, Progress, Reduction, RemovalError, RemovalFacts, RemovalKind, RemovalReason, SignRequest, SignatureState,
};
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet, HashSet};

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn actor_event(actor: &User, action: &str, object_type: &str, object_id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent::by(actor, actor.region_code.clone(), action, object_type, Some(object_id.to_string()), payload)
}

/// Baseline progress per pair of departments: how many rows were added as what and
/// reduced how, over every day (the kept counts, `crate::counts`).
pub(crate) const BASELINE_GROUPS: &str =
    "SELECT initiating_department_id, handling_department_id, is_addition, reduction, CAST(n AS BIGINT)
     FROM baseline_pairs WHERE campaign_id = $1 AND n <> 0";

/// The burn-down's days: rows added and reduced per day, of one department (`$1`; in
/// its ledger or handled by it) or of all (`$1` empty), in one campaign (`$2`).
pub(crate) const BASELINE_DAYS: &str = "SELECT day, is_addition, reduction, CAST(n AS BIGINT)
     FROM baseline_days WHERE department_id = $1 AND campaign_id = $2 AND n <> 0";

/// A row of (day, addition, reduction or '', number) of `baseline_days`.
pub(crate) fn baseline_day(r: &sqlx::any::AnyRow) -> Option<BaselineDay> {
    Some(BaselineDay {
        day: parse_date(&r.get::<String, _>(0))?,
        addition: crate::get_bool(r, 1),
        reduction: Reduction::parse(&r.get::<String, _>(2)),
        n: u64::try_from(r.get::<i64, _>(3)).ok()?,
    })
}

/// Department ids whose ledger has a fully signed version in the campaign.
pub(crate) async fn locked_departments_tx(
    conn: &mut AnyConnection,
    campaign_id: &str,
) -> Result<HashSet<String>, StoreError> {
    // A department is locked once any one version carries every signature; signatures of
    // different versions do not add up, so count per version.
    let rows = sqlx::query(
        "SELECT v.id, v.department_id, s.capacity FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.kind = 'department'",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut per_version: BTreeMap<String, (String, Vec<Capacity>)> = BTreeMap::new();
    for r in &rows {
        let d: Option<String> = r.get(1);
        if let (Some(d), Some(c)) = (d, Capacity::parse(&r.get::<String, _>(2))) {
            per_version.entry(r.get(0)).or_insert_with(|| (d, Vec::new())).1.push(c);
        }
    }
    Ok(per_version
        .into_values()
        .filter(|(_, caps)| fully_signed(LedgerKind::Department, caps))
        .map(|(d, _)| d)
        .collect())
}

/// Add a pending item found after the baseline was fixed, marked as an addition.
pub(crate) async fn insert_addition(
    conn: &mut AnyConnection,
    region: &str,
    campaign_id: &str,
    pending_item_id: &str,
    today: &str,
    now: &str,
) -> Result<bool, StoreError> {
    let res = sqlx::query(
        "INSERT INTO baseline_items (id, region_code, campaign_id, pending_item_id, ledger_version_id, is_addition, added_on, added_at)
         VALUES ($1, $2, $3, $4, NULL, $5, $6, $7) ON CONFLICT (campaign_id, pending_item_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(region)
    .bind(campaign_id)
    .bind(pending_item_id)
    .bind(true)
    .bind(today)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(res.rows_affected() > 0)
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

// ---------------------------------------------------------------------------
// Departments
// ---------------------------------------------------------------------------

/// A department as the ledger pages name it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DepartmentRef {
    pub id: String,
    pub code: String,
    pub name: String,
    pub initiates: bool,
}

impl Store {
    /// A department of the region by code.
    pub async fn department_by_code(
        &self,
        region: &RegionCode,
        code: &str,
    ) -> Result<Option<DepartmentRef>, StoreError> {
        let row = sqlx::query("SELECT id, code, name, initiates FROM departments WHERE region_code = $1 AND code = $2")
            .bind(region.as_str())
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| DepartmentRef {
            id: r.get(0),
            code: r.get(1),
            name: r.get(2),
            initiates: crate::get_bool(&r, 3),
        }))
    }

    /// The region's departments, by code.
    pub async fn departments(&self, region: &RegionCode) -> Result<Vec<DepartmentRef>, StoreError> {
        let rows =
            sqlx::query("SELECT id, code, name, initiates FROM departments WHERE region_code = $1 ORDER BY code")
                .bind(region.as_str())
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| DepartmentRef { id: r.get(0), code: r.get(1), name: r.get(2), initiates: crate::get_bool(r, 3) })
            .collect())
    }
}

// ---------------------------------------------------------------------------
// Check lists
// ---------------------------------------------------------------------------

/// What a push did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PushSummary {
    /// Handling departments the list went to.
    pub lists: u64,
    /// Rows new on the lists.
    pub items_added: u64,
}

/// One check-list row, as both sides see it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    pub pending_item_id: String,
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub initiating_department_id: String,
    pub initiating_department: String,
    pub handling_department_id: String,
    pub handling_department: String,
    /// The date the answer is due.
    pub answer_due_on: NaiveDate,
    pub answered_at: Option<String>,
    pub check_result: Option<String>,
    pub responsible_person: Option<String>,
    pub acceptance_status: Option<String>,
    /// The completion deadline the handling department gave.
    pub due_on: Option<String>,
}

impl Store {
    /// An initiating department pushes its project list to each handling department:
    /// one check list per handling department, due on `due_on`, with every pending
    /// item of its projects in the library. Pushing again adds new items and moves the
    /// due date; answers already given stay.
    pub async fn push_check_lists(
        &self,
        region: &RegionCode,
        initiating_department_id: &str,
        due_on: NaiveDate,
        actor: &User,
    ) -> Result<PushSummary, StoreError> {
        let campaign = self.campaign(region).await?;
        campaign
            .campaign
            .date_window(today())
            .check("反馈期限", due_on)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let rc = region.as_str();
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "SELECT i.id, i.handling_department_id FROM pending_items i JOIN projects p ON p.id = i.project_id
             WHERE p.region_code = $1 AND p.initiating_department_id = $2 AND p.in_library = TRUE AND i.status = 'pending'
             ORDER BY i.handling_department_id, i.id",
        )
        .bind(rc)
        .bind(initiating_department_id)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Err(StoreError::Invalid("本部门立项的项目没有待批事项，无需推送核查清单".into()));
        }
        let now = now_text();
        let mut s = PushSummary::default();
        let mut list_ids: BTreeMap<String, String> = BTreeMap::new();
        for r in &rows {
            let item: String = r.get(0);
            let handling: String = r.get(1);
            let list_id = match list_ids.get(&handling) {
                Some(id) => id.clone(),
                None => {
                    sqlx::query(
                        "INSERT INTO check_lists (id, region_code, campaign_id, initiating_department_id, handling_department_id, due_on, pushed_at, pushed_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                         ON CONFLICT (campaign_id, initiating_department_id, handling_department_id)
                         DO UPDATE SET due_on = excluded.due_on, pushed_at = excluded.pushed_at, pushed_by = excluded.pushed_by",
                    )
                    .bind(new_id())
                    .bind(rc)
                    .bind(&campaign.id)
                    .bind(initiating_department_id)
                    .bind(&handling)
                    .bind(date_text(due_on))
                    .bind(&now)
                    .bind(&actor.id)
                    .execute(&mut *tx)
                    .await?;
                    let id: String = sqlx::query(
                        "SELECT id FROM check_lists WHERE campaign_id = $1 AND initiating_department_id = $2 AND handling_department_id = $3",
                    )
                    .bind(&campaign.id)
                    .bind(initiating_department_id)
                    .bind(&handling)
                    .fetch_one(&mut *tx)
                    .await?
                    .get(0);
                    list_ids.insert(handling.clone(), id.clone());
                    s.lists += 1;
                    id
                }
            };
            let res = sqlx::query(
                "INSERT INTO check_list_items (check_list_id, pending_item_id, region_code) VALUES ($1, $2, $3)
                 ON CONFLICT (check_list_id, pending_item_id) DO NOTHING",
            )
            .bind(&list_id)
            .bind(&item)
            .bind(rc)
            .execute(&mut *tx)
            .await?;
            s.items_added += res.rows_affected();
        }
        append(
            &mut tx,
            &actor_event(
                actor,
                "check_list.push",
                "department",
                initiating_department_id,
                serde_json::json!({ "due_on": date_text(due_on), "lists": s.lists, "items_added": s.items_added }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    /// The check-list rows a department is on, either side: lists it pushed (as the
    /// initiating department) and lists it must answer (as the handling department).
    pub async fn check_rows(&self, region: &RegionCode, department_id: &str) -> Result<Vec<CheckRow>, StoreError> {
        let campaign = self.campaign(region).await?;
        let rows = sqlx::query(
            "SELECT i.id, p.code, p.name, t.name, idd.id, idd.name, hd.id, hd.name, c.due_on, ci.answered_at,
                    i.check_result, i.responsible_person, i.acceptance_status, i.due_on
             FROM check_list_items ci JOIN check_lists c ON c.id = ci.check_list_id
                  JOIN pending_items i ON i.id = ci.pending_item_id JOIN projects p ON p.id = i.project_id
                  JOIN item_types t ON t.id = i.item_type_id
                  JOIN departments idd ON idd.id = c.initiating_department_id
                  JOIN departments hd ON hd.id = c.handling_department_id
             WHERE c.campaign_id = $1 AND (c.initiating_department_id = $2 OR c.handling_department_id = $2)
             ORDER BY c.due_on, p.code, t.code
             LIMIT 5000",
        )
        .bind(&campaign.id)
        .bind(department_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| CheckRow {
                pending_item_id: r.get(0),
                project_code: r.get(1),
                project_name: r.get(2),
                item_type: r.get(3),
                initiating_department_id: r.get(4),
                initiating_department: r.get(5),
                handling_department_id: r.get(6),
                handling_department: r.get(7),
                answer_due_on: parse_date(&r.get::<String, _>(8)).unwrap_or_else(today),
                answered_at: r.get(9),
                check_result: r.get(10),
                responsible_person: r.get(11),
                acceptance_status: r.get(12),
                due_on: r.get(13),
            })
            .collect())
    }

    /// The handling department of a pending item, with the item's region (for checks).
    pub async fn pending_item_department(&self, item_id: &str) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT region_code, handling_department_id FROM pending_items WHERE id = $1")
            .bind(item_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    /// A handling department answers for one pending item (核查情况): the answer is
    /// validated by the core, written to the item and marks the check-list rows answered.
    pub async fn answer_check(&self, item_id: &str, answer: CheckAnswer, actor: &User) -> Result<(), StoreError> {
        let a = answer.validated().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let Some((region, handling)) = self.pending_item_department(item_id).await? else {
            return Err(StoreError::NotFound("待批事项不存在".into()));
        };
        if region != actor.region_code
            || !qidi_core::ledger::may_answer(actor.role, actor.department_id.as_deref(), &handling)
        {
            return Err(StoreError::NotFound("待批事项不存在，或不由本部门办理".into()));
        }
        if let Some(due_on) = a.due_on {
            let campaign = self.campaign(&actor.region()).await?;
            campaign
                .campaign
                .date_window(today())
                .check("完成时限", due_on)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
        let now = now_text();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE pending_items SET check_result = $1, responsible_person = $2, acceptance_status = $3, due_on = $4 WHERE id = $5",
        )
        .bind(&a.check_result)
        .bind(&a.responsible_person)
        .bind(&a.acceptance_status)
        .bind(a.due_on.map(date_text))
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE check_list_items SET answered_at = $1, answered_by = $2 WHERE pending_item_id = $3")
            .bind(&now)
            .bind(&actor.id)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &actor_event(
                actor,
                "check_report.answer",
                "pending_item",
                item_id,
                serde_json::to_value(&a).unwrap_or_default(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Ledger versions and sign-off
// ---------------------------------------------------------------------------
//
// A department ledger is signed whole until it is fixed (every capacity has signed one
// version). From then on, what is signed is that version: approvals and approved
// removals reduce it without touching a signature, and only changes to the signed
// content itself are confirmed, as change sets bound to their own hash. The rules are
// core's (`diff_lines`, `ChangeSet`, `check_signature`, `check_change_confirmation`).

/// One signature as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub capacity: Capacity,
    pub signer_name: String,
    pub signed_at: String,
    pub content_hash: String,
    pub state: SignatureState,
    /// Pending items whose check report was missing when this signature was given (the
    /// signer saw the count and confirmed).
    pub missing_checks: i64,
}

/// A stored version with its signatures.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub id: String,
    pub content_hash: String,
    pub items: i64,
    pub created_at: String,
    pub signatures: Vec<SignatureView>,
    pub fully_signed: bool,
    /// The version that fixed the department ledger: what its signatories signed.
    pub in_force: bool,
}

/// What the signatories of a fixed department ledger have signed, as it stands.
#[derive(Debug, Clone, Serialize)]
pub struct SignedContent {
    /// The version they signed whole.
    pub version_id: String,
    pub version_hash: String,
    /// The signed content in force: that version with the confirmed change sets.
    pub hash: String,
    /// Lines of the signed content.
    pub items: u64,
    /// Of those, the lines that have left by reduction (approved, or removed).
    pub reduced: u64,
    /// Change sets confirmed since the version was signed.
    pub confirmed_change_sets: u64,
}

/// A change to the signed content awaiting confirmation (新增/变更，待签认).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub kind: ChangeKind,
    pub project_code: String,
    pub project_name: String,
    /// Item type code, and its name.
    pub item_type: String,
    pub item_type_name: String,
    /// What differs: before → after (department fields hold department codes).
    pub fields: Vec<FieldChange>,
    /// Whether the line's check report is missing.
    pub missing_check: bool,
}

/// The change set that confirms the pending changes.
#[derive(Debug, Clone, Serialize)]
pub struct PendingChangeSet {
    /// The hash to sign.
    pub hash: String,
    pub changes: u64,
    /// Capacities that have confirmed this very change set.
    pub signed: Vec<Capacity>,
    /// Added or changed lines among them whose check report is missing.
    pub missing_checks: u64,
}

/// A stored change set with its confirmations.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeSetView {
    pub id: String,
    pub content_hash: String,
    pub from_hash: String,
    pub to_hash: String,
    pub changes: i64,
    pub created_at: String,
    /// Every capacity has confirmed it, and it is part of the signed content in force.
    pub confirmed: bool,
    pub signatures: Vec<SignatureView>,
}

/// A ledger now, and what has been signed of it.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerState {
    pub kind: LedgerKind,
    /// Department id (None for the banner).
    pub department_id: Option<String>,
    /// The ledger as it is now: for a department, its pending items less those that
    /// left the baseline by reduction. What is signed while it is not fixed.
    pub current_hash: String,
    pub items: u64,
    /// Signatures of the current content, by capacity.
    pub signed_now: Vec<Capacity>,
    /// Versions that carry signatures, newest first.
    pub versions: Vec<VersionView>,
    /// Whether some version of this ledger is fully signed (the baseline is fixed).
    pub locked: bool,
    /// The banner ledger's parts (departments with a fully signed version).
    pub parts: Vec<BannerPart>,
    /// Pending items of the department ledger whose check report is missing.
    pub missing_checks: u64,
    /// Once the department ledger is fixed: what its signatories signed.
    pub signed: Option<SignedContent>,
    /// Changes to the signed content awaiting confirmation, by project code and item type.
    pub changes: Vec<ChangeView>,
    /// The change set confirming them, when there are any.
    pub change_set: Option<PendingChangeSet>,
    /// Change sets that carry confirmations, newest first.
    pub change_sets: Vec<ChangeSetView>,
}

/// What a signature did.
#[derive(Debug, Clone, Serialize)]
pub struct SignOutcome {
    pub version_id: String,
    pub content_hash: String,
    pub fully_signed: bool,
    /// Entries newly in the baseline.
    pub baseline_added: u64,
}

/// What a confirmation of changes did.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeOutcome {
    pub change_set_id: String,
    pub content_hash: String,
    pub changes: u64,
    /// Every capacity has confirmed: the changes are part of the signed content.
    pub confirmed: bool,
}

/// A pending item of a department ledger now.
struct NowLine {
    id: String,
    line: LedgerLine,
    /// Its check report is missing (core `check_missing`).
    missing: bool,
}

/// Pending items of a department ledger's projects in the library.
async fn department_lines(
    conn: &mut AnyConnection,
    region: &str,
    campaign_id: &str,
    department_id: &str,
) -> Result<Vec<NowLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id, p.code, p.name, o.name, idd.code, t.code, hd.code, i.check_result, i.responsible_person,
                i.acceptance_status, i.due_on,
                EXISTS (SELECT 1 FROM check_list_items ci JOIN check_lists c ON c.id = ci.check_list_id
                        WHERE ci.pending_item_id = i.id AND ci.answered_at IS NULL AND c.campaign_id = $3)
         FROM pending_items i JOIN projects p ON p.id = i.project_id LEFT JOIN owners o ON o.id = p.owner_id
              JOIN departments idd ON idd.id = p.initiating_department_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments hd ON hd.id = i.handling_department_id
         WHERE p.region_code = $1 AND p.initiating_department_id = $2 AND p.in_library = TRUE AND i.status = 'pending'",
    )
    .bind(region)
    .bind(department_id)
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let due: Option<String> = r.get(10);
            let line = LedgerLine {
                project_code: r.get(1),
                project_name: r.get(2),
                owner: r.get(3),
                initiating_department: r.get(4),
                item_type: r.get(5),
                handling_department: r.get(6),
                check_result: r.get(7),
                responsible_person: r.get(8),
                acceptance_status: r.get(9),
                due_on: due.as_deref().and_then(parse_date),
            };
            let missing = check_missing(line.check_result.as_deref(), crate::get_bool(r, 11));
            NowLine { id: r.get(0), line, missing }
        })
        .collect())
}

/// The lines that have left the campaign's baseline by reduction, by (project code,
/// item type): read from the baseline, not guessed from absence.
async fn reduced_keys(conn: &mut AnyConnection, campaign_id: &str) -> Result<BTreeSet<LineKey>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.code, t.code FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
              JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
         WHERE b.campaign_id = $1 AND b.reduction IS NOT NULL",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

async fn department_code(conn: &mut AnyConnection, department_id: &str) -> Result<String, StoreError> {
    sqlx::query("SELECT code FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::NotFound("部门不存在".into()))
}

/// The newest fully signed version of each department: what the banner ledger aggregates.
async fn banner_parts(conn: &mut AnyConnection, campaign_id: &str) -> Result<Vec<BannerPart>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.id, d.code, v.content_hash, v.item_count, v.created_at, s.capacity
         FROM ledger_versions v JOIN departments d ON d.id = v.department_id
              JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.kind = 'department'
         ORDER BY v.created_at, v.id",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: BTreeMap<String, (String, String, i64, String, Vec<Capacity>)> = BTreeMap::new();
    for r in &rows {
        let e = versions.entry(r.get(0)).or_insert_with(|| (r.get(1), r.get(2), r.get(3), r.get(4), Vec::new()));
        if let Some(c) = Capacity::parse(&r.get::<String, _>(5)) {
            e.4.push(c);
        }
    }
    let mut newest: BTreeMap<String, (String, BannerPart)> = BTreeMap::new();
    for (_, (dept, hash, items, created, caps)) in versions {
        if !fully_signed(LedgerKind::Department, &caps) {
            continue;
        }
        let part = BannerPart { department: dept.clone(), content_hash: hash, items: items.max(0) as u64 };
        match newest.get(&dept) {
            Some((at, _)) if *at >= created => {}
            _ => {
                newest.insert(dept, (created, part));
            }
        }
    }
    Ok(newest.into_values().map(|(_, p)| p).collect())
}

/// The version that fixed a department ledger: the newest fully signed one (the one
/// the banner ledger aggregates). (id, content hash, content).
async fn fixed_version(
    conn: &mut AnyConnection,
    campaign_id: &str,
    department_id: &str,
) -> Result<Option<(String, String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.id, v.content_hash, v.content, s.capacity
         FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.scope_key = $2 AND v.kind = 'department'
         ORDER BY v.created_at, v.id",
    )
    .bind(campaign_id)
    .bind(department_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: Vec<(String, String, String, Vec<Capacity>)> = Vec::new();
    for r in &rows {
        let id: String = r.get(0);
        if versions.last().is_none_or(|v| v.0 != id) {
            versions.push((id, r.get(1), r.get(2), Vec::new()));
        }
        let v = versions.last_mut().expect("pushed above");
        v.3.extend(Capacity::parse(&r.get::<String, _>(3)));
    }
    Ok(versions.into_iter().rev().find(|v| fully_signed(LedgerKind::Department, &v.3)).map(|v| (v.0, v.1, v.2)))
}

/// A stored change set with its signatures.
struct ChangeSetRow {
    id: String,
    hash: String,
    content: String,
    result: String,
    from_hash: String,
    to_hash: String,
    changes: i64,
    created_at: String,
    /// (capacity, signer name, signed at, signed hash, missing checks)
    signatures: Vec<(Capacity, String, String, String, i64)>,
}

impl ChangeSetRow {
    fn capacities(&self) -> Vec<Capacity> {
        self.signatures.iter().map(|s| s.0).collect()
    }
}

async fn change_sets(conn: &mut AnyConnection, version_id: &str) -> Result<Vec<ChangeSetRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT cs.id, cs.content_hash, cs.content, cs.result, cs.from_hash, cs.to_hash, cs.change_count, cs.created_at,
                s.capacity, s.signer_name, s.signed_at, s.content_hash, s.missing_checks
         FROM ledger_change_sets cs JOIN ledger_change_signatures s ON s.change_set_id = cs.id
         WHERE cs.ledger_version_id = $1
         ORDER BY cs.created_at, cs.id, s.signed_at",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut sets: Vec<ChangeSetRow> = Vec::new();
    for r in &rows {
        let id: String = r.get(0);
        if sets.last().is_none_or(|s| s.id != id) {
            sets.push(ChangeSetRow {
                id,
                hash: r.get(1),
                content: r.get(2),
                result: r.get(3),
                from_hash: r.get(4),
                to_hash: r.get(5),
                changes: r.get(6),
                created_at: r.get(7),
                signatures: Vec::new(),
            });
        }
        if let Some(c) = Capacity::parse(&r.get::<String, _>(8)) {
            let s = sets.last_mut().expect("pushed above");
            s.signatures.push((c, r.get(9), r.get(10), r.get(11), r.get(12)));
        }
    }
    Ok(sets)
}

/// What the signatories of a fixed department ledger signed, as it stands.
struct Fixed {
    version_id: String,
    version_hash: String,
    /// The signed content in force, its hash, and the change sets (ids) it went through.
    lines: Vec<LedgerLine>,
    hash: String,
    chain: Vec<String>,
    sets: Vec<ChangeSetRow>,
}

/// A department ledger now, and against what it was signed.
struct DepartmentNow {
    code: String,
    /// Pending items less those that left by reduction.
    lines: Vec<NowLine>,
    canonical: CanonicalLedger,
    missing: u64,
    reduced: BTreeSet<LineKey>,
    fixed: Option<Fixed>,
    changes: Vec<LineChange>,
    change_set: Option<ChangeSet>,
    /// Added or changed lines whose check report is missing.
    change_missing: u64,
}

async fn department_now(
    conn: &mut AnyConnection,
    region: &str,
    campaign_id: &str,
    department_id: &str,
) -> Result<DepartmentNow, StoreError> {
    let code = department_code(conn, department_id).await?;
    let reduced = reduced_keys(conn, campaign_id).await?;
    let mut lines = department_lines(conn, region, campaign_id, department_id).await?;
    lines.retain(|l| !reduced.contains(&l.line.key()));
    let plain: Vec<LedgerLine> = lines.iter().map(|l| l.line.clone()).collect();
    let canonical = CanonicalLedger::department(region, &code, &plain);
    let missing = lines.iter().filter(|l| l.missing).count() as u64;
    let fixed = match fixed_version(conn, campaign_id, department_id).await? {
        None => None,
        Some((version_id, version_hash, version_content)) => {
            let sets = change_sets(conn, &version_id).await?;
            // The signed content: the version, then each confirmed change set in turn
            // from the content it was made for. A set that does not hold together is
            // not followed, so its changes show as pending again.
            let mut signed = CanonicalLedger::parse_department(&version_content).unwrap_or_default();
            let mut hash = version_hash.clone();
            let mut chain = Vec::new();
            while let Some(s) = sets.iter().find(|s| {
                !chain.contains(&s.id)
                    && fully_signed(LedgerKind::Department, &s.capacities())
                    && ChangeSet::ends(&s.content).is_some_and(|(from, _)| from == hash)
                    && ChangeSet::intact(&s.hash, &s.content, &s.result)
                    && s.signatures.iter().all(|g| g.3 == s.hash)
            }) {
                signed = CanonicalLedger::parse_department(&s.result).unwrap_or_default();
                hash = content_hash(&s.result);
                chain.push(s.id.clone());
            }
            Some(Fixed { version_id, version_hash, lines: signed, hash, chain, sets })
        }
    };
    let (changes, change_set) = match &fixed {
        Some(f) => {
            let changes = diff_lines(&f.lines, &plain, &reduced);
            let set = (!changes.is_empty()).then(|| ChangeSet::of(region, &code, &f.lines, &changes));
            (changes, set)
        }
        None => (Vec::new(), None),
    };
    let missing_keys: BTreeSet<LineKey> = lines.iter().filter(|l| l.missing).map(|l| l.line.key()).collect();
    let change_missing = changes.iter().filter(|c| c.after.is_some() && missing_keys.contains(&c.key())).count() as u64;
    Ok(DepartmentNow { code, lines, canonical, missing, reduced, fixed, changes, change_set, change_missing })
}

/// Capacities that have confirmed the change set with this hash.
fn confirmed_by(fixed: Option<&Fixed>, hash: &str) -> Vec<Capacity> {
    fixed.and_then(|f| f.sets.iter().find(|s| s.hash == hash)).map(ChangeSetRow::capacities).unwrap_or_default()
}

impl Store {
    /// A department's ledger now (`department_id` Some) or the banner's (None), with
    /// every signed version and how each signature stands: for a fixed department
    /// ledger, against what was signed (reductions never touch it; changes to the signed
    /// content are listed until confirmed).
    pub async fn ledger_state(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
    ) -> Result<LedgerState, StoreError> {
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        let mut conn = self.pool.acquire().await?;
        let (canonical, parts, dept) = match department_id {
            Some(d) => {
                let now = department_now(&mut conn, rc, &campaign.id, d).await?;
                (now.canonical.clone(), Vec::new(), Some(now))
            }
            None => {
                let parts = banner_parts(&mut conn, &campaign.id).await?;
                (CanonicalLedger::banner(rc, &parts), parts, None)
            }
        };
        let current_hash = canonical.hash();
        let kind = if department_id.is_some() { LedgerKind::Department } else { LedgerKind::Banner };
        let scope_key = department_id.unwrap_or("banner");
        let rows = sqlx::query(
            "SELECT v.id, v.content_hash, v.item_count, v.created_at, v.content, s.capacity, s.signer_name, s.signed_at,
                    s.content_hash, s.missing_checks
             FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
             WHERE v.campaign_id = $1 AND v.scope_key = $2
             ORDER BY v.created_at DESC, v.id, s.signed_at",
        )
        .bind(&campaign.id)
        .bind(scope_key)
        .fetch_all(&mut *conn)
        .await?;
        let fixed = dept.as_ref().and_then(|d| d.fixed.as_ref());
        let pending = dept.as_ref().map_or(0, |d| d.changes.len());
        let mut versions: Vec<VersionView> = Vec::new();
        for r in &rows {
            let id: String = r.get(0);
            if versions.last().is_none_or(|v| v.id != id) {
                versions.push(VersionView {
                    id: id.clone(),
                    content_hash: r.get(1),
                    items: r.get(2),
                    created_at: r.get(3),
                    signatures: Vec::new(),
                    fully_signed: false,
                    in_force: fixed.is_some_and(|f| f.version_id == id),
                });
            }
            let content: String = r.get(4);
            let signed_hash: String = r.get(8);
            let Some(capacity) = Capacity::parse(&r.get::<String, _>(5)) else { continue };
            let state = match fixed {
                Some(f) if f.version_id == id => SignatureState::of_fixed(&signed_hash, &content, pending),
                // A version the fixed one superseded.
                Some(f) => SignatureState::of(&signed_hash, &content, &f.version_hash),
                None => SignatureState::of(&signed_hash, &content, &current_hash),
            };
            let v = versions.last_mut().expect("pushed above");
            v.signatures.push(SignatureView {
                capacity,
                signer_name: r.get(6),
                signed_at: r.get(7),
                state,
                content_hash: signed_hash,
                missing_checks: r.get(9),
            });
        }
        let mut locked = false;
        let mut signed_now = Vec::new();
        for v in &mut versions {
            let caps: Vec<Capacity> = v.signatures.iter().map(|s| s.capacity).collect();
            v.fully_signed = fully_signed(kind, &caps);
            locked |= v.fully_signed;
            if v.content_hash == current_hash {
                signed_now = caps;
            }
        }
        let mut state = LedgerState {
            kind,
            department_id: department_id.map(str::to_string),
            current_hash,
            items: canonical.items,
            signed_now,
            versions,
            locked,
            parts,
            missing_checks: 0,
            signed: None,
            changes: Vec::new(),
            change_set: None,
            change_sets: Vec::new(),
        };
        let Some(d) = dept else { return Ok(state) };
        state.missing_checks = d.missing;
        let Some(f) = &d.fixed else { return Ok(state) };
        state.signed = Some(SignedContent {
            version_id: f.version_id.clone(),
            version_hash: f.version_hash.clone(),
            hash: f.hash.clone(),
            items: f.lines.len() as u64,
            reduced: f.lines.iter().filter(|l| d.reduced.contains(&l.key())).count() as u64,
            confirmed_change_sets: f.chain.len() as u64,
        });
        let type_names: BTreeMap<String, String> =
            sqlx::query("SELECT code, name FROM item_types WHERE region_code = $1")
                .bind(rc)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        let missing: BTreeSet<LineKey> = d.lines.iter().filter(|l| l.missing).map(|l| l.line.key()).collect();
        state.changes = d
            .changes
            .iter()
            .map(|c| ChangeView {
                kind: c.kind,
                project_code: c.project_code.clone(),
                project_name: c
                    .after
                    .as_ref()
                    .or(c.before.as_ref())
                    .map(|l| l.project_name.clone())
                    .unwrap_or_default(),
                item_type_name: type_names.get(&c.item_type).cloned().unwrap_or_else(|| c.item_type.clone()),
                item_type: c.item_type.clone(),
                fields: c.fields(),
                missing_check: c.after.is_some() && missing.contains(&c.key()),
            })
            .collect();
        let pending_hash = d.change_set.as_ref().map(ChangeSet::hash);
        state.change_set = d.change_set.as_ref().map(|s| PendingChangeSet {
            hash: s.hash(),
            changes: s.changes,
            signed: confirmed_by(Some(f), &s.hash()),
            missing_checks: d.change_missing,
        });
        state.change_sets = f
            .sets
            .iter()
            .rev()
            .map(|s| {
                let in_chain = f.chain.contains(&s.id);
                let intact = ChangeSet::intact(&s.hash, &s.content, &s.result);
                // A confirmed set holds as itself; one still being confirmed holds while
                // it is the set of the changes pending now.
                let reference = if in_chain || pending_hash.as_deref() == Some(s.hash.as_str()) { &s.hash } else { "" };
                ChangeSetView {
                    id: s.id.clone(),
                    content_hash: s.hash.clone(),
                    from_hash: s.from_hash.clone(),
                    to_hash: s.to_hash.clone(),
                    changes: s.changes,
                    created_at: s.created_at.clone(),
                    confirmed: in_chain,
                    signatures: s
                        .signatures
                        .iter()
                        .map(|(capacity, name, at, signed_hash, missing)| SignatureView {
                            capacity: *capacity,
                            signer_name: name.clone(),
                            signed_at: at.clone(),
                            content_hash: signed_hash.clone(),
                            state: if intact {
                                SignatureState::of(signed_hash, &s.content, reference)
                            } else {
                                SignatureState::Broken
                            },
                            missing_checks: *missing,
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(state)
    }

    /// Sign the ledger as it is now. `seen_hash` is the hash the signer was shown: if
    /// the ledger changed since, nothing is signed. With check results missing, the
    /// signer must have been shown how many and confirmed (`confirm_missing_checks`).
    /// The signature binds the version's content hash. When the version carries every
    /// signature its kind needs, its items join the baseline; a department ledger is
    /// then fixed, and its later changes are confirmed with [`Store::confirm_changes`].
    pub async fn sign_ledger(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        capacity: Capacity,
        seen_hash: &str,
        confirm_missing_checks: bool,
        actor: &User,
    ) -> Result<SignOutcome, StoreError> {
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        if actor.region_code != rc {
            return Err(StoreError::NotFound("台账不存在".into()));
        }
        let kind = if department_id.is_some() { LedgerKind::Department } else { LedgerKind::Banner };
        let scope_key = department_id.unwrap_or("banner");
        let mut tx = self.begin_write().await?;
        let (canonical, item_ids, fixed, missing) = match department_id {
            Some(d) => {
                let now = department_now(&mut tx, rc, &campaign.id, d).await?;
                let ids: Vec<String> = now.lines.iter().map(|l| l.id.clone()).collect();
                (now.canonical, ids, now.fixed.is_some(), now.missing)
            }
            None => {
                let parts = banner_parts(&mut tx, &campaign.id).await?;
                (CanonicalLedger::banner(rc, &parts), Vec::new(), false, 0)
            }
        };
        let hash = canonical.hash();
        let existing = sqlx::query(
            "SELECT id FROM ledger_versions WHERE campaign_id = $1 AND scope_key = $2 AND content_hash = $3",
        )
        .bind(&campaign.id)
        .bind(scope_key)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get::<String, _>(0));
        let mut signed: Vec<Capacity> = Vec::new();
        if let Some(v) = &existing {
            for r in sqlx::query("SELECT capacity FROM ledger_signatures WHERE ledger_version_id = $1")
                .bind(v)
                .fetch_all(&mut *tx)
                .await?
            {
                signed.extend(Capacity::parse(&r.get::<String, _>(0)));
            }
        }
        let user_dept_code = match &actor.department_id {
            Some(d) => Some(department_code(&mut tx, d).await?),
            None => None,
        };
        let ledger_dept_code = match department_id {
            Some(d) => Some(department_code(&mut tx, d).await?),
            None => None,
        };
        let req = SignRequest {
            role: actor.role,
            capacity,
            kind,
            user_department: user_dept_code.as_deref(),
            ledger_department: ledger_dept_code.as_deref(),
            seen_hash,
            missing_checks_confirmed: confirm_missing_checks,
        };
        let now = LedgerNow { hash: &hash, items: canonical.items, signed: &signed, fixed, missing_checks: missing };
        check_signature(&req, &now).map_err(|e| StoreError::Conflict(e.to_string()))?;
        let at = now_text();
        let version_id = match existing {
            Some(v) => v,
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO ledger_versions (id, region_code, campaign_id, kind, scope_key, department_id, content_hash, content, item_count, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&id)
                .bind(rc)
                .bind(&campaign.id)
                .bind(kind.as_str())
                .bind(scope_key)
                .bind(department_id)
                .bind(&hash)
                .bind(&canonical.text)
                .bind(canonical.items as i64)
                .bind(&at)
                .bind(&actor.id)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        sqlx::query(
            "INSERT INTO ledger_signatures (id, region_code, ledger_version_id, capacity, content_hash, signer_id, signer_name, signed_at, missing_checks)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(rc)
        .bind(&version_id)
        .bind(capacity.as_str())
        .bind(&hash)
        .bind(&actor.id)
        .bind(&actor.display_name)
        .bind(&at)
        .bind(missing as i64)
        .execute(&mut *tx)
        .await?;
        signed.push(capacity);
        let complete = fully_signed(kind, &signed);
        let mut baseline_added = 0u64;
        if complete && kind == LedgerKind::Department {
            // The version that fixes the ledger forms the baseline.
            let day = date_text(today());
            for item in &item_ids {
                let res = sqlx::query(
                    "INSERT INTO baseline_items (id, region_code, campaign_id, pending_item_id, ledger_version_id, is_addition, added_on, added_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, pending_item_id) DO NOTHING",
                )
                .bind(new_id())
                .bind(rc)
                .bind(&campaign.id)
                .bind(item)
                .bind(&version_id)
                .bind(false)
                .bind(&day)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
                baseline_added += res.rows_affected();
            }
        }
        append(
            &mut tx,
            &actor_event(
                actor,
                "ledger.sign",
                "ledger_version",
                &version_id,
                serde_json::json!({
                    "kind": kind.as_str(),
                    "department": ledger_dept_code,
                    "capacity": capacity.as_str(),
                    "content_hash": hash,
                    "items": canonical.items,
                    "missing_checks": missing,
                    "fully_signed": complete,
                    "baseline_added": baseline_added,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(SignOutcome { version_id, content_hash: hash, fully_signed: complete, baseline_added })
    }

    /// Confirm the changes to a fixed department ledger's signed content (新增/变更，
    /// 待签认) as they are now: `seen_hash` is the change set's hash the signer was
    /// shown. The department head first, then the leader, as for the ledger; with the
    /// leader's confirmation the changes become part of the signed content, and the
    /// ledger's signatures (and the banner ledger's) hold again. One transaction with
    /// its record.
    pub async fn confirm_changes(
        &self,
        region: &RegionCode,
        department_id: &str,
        capacity: Capacity,
        seen_hash: &str,
        confirm_missing_checks: bool,
        actor: &User,
    ) -> Result<ChangeOutcome, StoreError> {
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        if actor.region_code != rc {
            return Err(StoreError::NotFound("台账不存在".into()));
        }
        let mut tx = self.begin_write().await?;
        let now = department_now(&mut tx, rc, &campaign.id, department_id).await?;
        let set_hash = now.change_set.as_ref().map(ChangeSet::hash).unwrap_or_default();
        let signed = confirmed_by(now.fixed.as_ref(), &set_hash);
        let user_dept_code = match &actor.department_id {
            Some(d) => Some(department_code(&mut tx, d).await?),
            None => None,
        };
        let req = SignRequest {
            role: actor.role,
            capacity,
            kind: LedgerKind::Department,
            user_department: user_dept_code.as_deref(),
            ledger_department: Some(&now.code),
            seen_hash,
            missing_checks_confirmed: confirm_missing_checks,
        };
        let ledger_now = LedgerNow {
            hash: &set_hash,
            items: now.changes.len() as u64,
            signed: &signed,
            fixed: now.fixed.is_some(),
            missing_checks: now.change_missing,
        };
        check_change_confirmation(&req, &ledger_now).map_err(|e| StoreError::Conflict(e.to_string()))?;
        let (Some(fixed), Some(set)) = (&now.fixed, &now.change_set) else {
            return Err(StoreError::Conflict("没有待签认的新增/变更".into()));
        };
        let at = now_text();
        sqlx::query(
            "INSERT INTO ledger_change_sets (id, region_code, campaign_id, department_id, ledger_version_id, from_hash, to_hash,
                content_hash, content, result, change_count, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (ledger_version_id, content_hash) DO NOTHING",
        )
        .bind(new_id())
        .bind(rc)
        .bind(&campaign.id)
        .bind(department_id)
        .bind(&fixed.version_id)
        .bind(&set.from_hash)
        .bind(&set.to_hash)
        .bind(&set_hash)
        .bind(&set.text)
        .bind(&set.result.text)
        .bind(set.changes as i64)
        .bind(&at)
        .bind(&actor.id)
        .execute(&mut *tx)
        .await?;
        let set_id: String =
            sqlx::query("SELECT id FROM ledger_change_sets WHERE ledger_version_id = $1 AND content_hash = $2")
                .bind(&fixed.version_id)
                .bind(&set_hash)
                .fetch_one(&mut *tx)
                .await?
                .get(0);
        sqlx::query(
            "INSERT INTO ledger_change_signatures (id, region_code, change_set_id, ledger_version_id, from_hash, capacity,
                content_hash, missing_checks, signer_id, signer_name, signed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(rc)
        .bind(&set_id)
        .bind(&fixed.version_id)
        .bind(&set.from_hash)
        .bind(capacity.as_str())
        .bind(&set_hash)
        .bind(now.change_missing as i64)
        .bind(&actor.id)
        .bind(&actor.display_name)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                StoreError::Conflict("这些新增/变更已由他人签认，请刷新页面核对".into())
            } else {
                e.into()
            }
        })?;
        let mut caps = signed;
        caps.push(capacity);
        let confirmed = fully_signed(LedgerKind::Department, &caps);
        append(
            &mut tx,
            &actor_event(
                actor,
                "ledger.confirm_changes",
                "ledger_change_set",
                &set_id,
                serde_json::json!({
                    "department": now.code,
                    "capacity": capacity.as_str(),
                    "content_hash": set_hash,
                    "from": set.from_hash,
                    "to": set.to_hash,
                    "changes": set.changes,
                    "missing_checks": now.change_missing,
                    "confirmed": confirmed,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ChangeOutcome { change_set_id: set_id, content_hash: set_hash, changes: set.changes, confirmed })
    }
}

// ---------------------------------------------------------------------------
// Baseline progress
// ---------------------------------------------------------------------------

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

impl Store {
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
        let rows = sqlx::query(BASELINE_GROUPS).bind(&campaign.id).fetch_all(&self.pool).await?;
        let mut total = Progress::default();
        let mut by_init: BTreeMap<String, Progress> = BTreeMap::new();
        let mut by_handling: BTreeMap<String, Progress> = BTreeMap::new();
        for r in &rows {
            let init: String = r.get(0);
            let handling: String = r.get(1);
            let addition = crate::get_bool(r, 2);
            let reduction = Reduction::parse(&r.get::<String, _>(3));
            let n = u64::try_from(r.get::<i64, _>(4)).unwrap_or(0);
            if !init.is_empty() {
                by_init.entry(init.clone()).or_default().add_counted(addition, reduction, n);
            }
            by_handling.entry(handling.clone()).or_default().add_counted(addition, reduction, n);
            if department_id.is_none_or(|d| init == d || handling == d) {
                total.add_counted(addition, reduction, n);
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
        let campaign = self.campaign(region).await?;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                  JOIN projects p ON p.id = i.project_id
             WHERE b.campaign_id = $1 AND ($2 = '' OR p.initiating_department_id = $2 OR i.handling_department_id = $2)",
        )
        .bind(&campaign.id)
        .bind(department_id.unwrap_or(""))
        .fetch_one(&self.pool)
        .await?
        .get(0);
        let rows = sqlx::query(
            "SELECT b.id, i.id, p.id, p.code, p.name, t.name, hd.name, b.is_addition, b.added_on, b.reduction, b.reduced_on,
                    b.reason_category, b.reason_text
             FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id
                  JOIN item_types t ON t.id = i.item_type_id JOIN departments hd ON hd.id = i.handling_department_id
             WHERE b.campaign_id = $1 AND ($2 = '' OR p.initiating_department_id = $2 OR i.handling_department_id = $2)
             ORDER BY p.code, t.code LIMIT $3 OFFSET $4",
        )
        .bind(&campaign.id)
        .bind(department_id.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
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
        let mut q = sqlx::query(&sql).bind(project_id);
        for b in &ps.binds {
            q = q.bind(b.as_str());
        }
        let project = q.fetch_optional(&mut *tx).await?.ok_or_else(|| StoreError::NotFound("项目不存在".into()))?;
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
            Some(r @ AddItemRefusal::NotAllowed) => return Err(StoreError::Forbidden(r.message().into())),
            Some(r @ AddItemRefusal::NotInLibrary) => return Err(StoreError::Conflict(r.message().into())),
            None => {}
        }
        let item_type =
            sqlx::query("SELECT department_id, name, retired_at FROM item_types WHERE id = $1 AND region_code = $2")
                .bind(&new.item_type_id)
                .bind(&region)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Invalid("请选择本地区事项目录中的审批事项".into()))?;
        let handling: String = item_type.get(0);
        let type_name: String = item_type.get(1);
        if item_type.get::<Option<String>, _>(2).is_some() {
            return Err(StoreError::Invalid(format!("审批事项“{type_name}”已撤销，不能再补录")));
        }
        let duplicate = || StoreError::Conflict(format!("项目 {code} 已有待批事项“{type_name}”"));
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
        let region_code = RegionCode::parse(&region).map_err(|_| StoreError::Invalid("项目的地区代码无效".into()))?;
        if let (Some(c), Some(d)) = (current_campaign_tx(&mut tx, &region_code).await?, &initiating) {
            if locked_departments_tx(&mut tx, &c.id).await?.contains(d) {
                addition = insert_addition(&mut tx, &region, &c.id, &id, &date_text(today()), &now).await?;
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
            let rows = sqlx::query(
                "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id
                 WHERE p.region_code = $1 AND p.initiating_department_id = $2 AND p.in_library = TRUE AND i.status = 'pending'
                   AND NOT EXISTS (SELECT 1 FROM baseline_items b WHERE b.campaign_id = $3 AND b.pending_item_id = i.id)",
            )
            .bind(rc)
            .bind(d)
            .bind(&campaign.id)
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                if insert_addition(&mut tx, rc, &campaign.id, &r.get::<String, _>(0), &day, &now).await? {
                    added += 1;
                }
            }
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

// ---------------------------------------------------------------------------
// Removals
// ---------------------------------------------------------------------------

/// A removal to propose.
#[derive(Debug, Clone)]
pub struct NewRemoval<'a> {
    pub kind: RemovalKind,
    pub project_id: &'a str,
    /// For [`RemovalKind::Item`]: the pending item leaving the baseline.
    pub pending_item_id: Option<&'a str>,
    pub reason: RemovalReason,
    pub text: &'a str,
}

/// A removal as listed.
#[derive(Debug, Clone, Serialize)]
pub struct RemovalRow {
    pub id: String,
    pub kind: RemovalKind,
    pub project_id: String,
    pub project_code: String,
    pub project_name: String,
    pub in_library: bool,
    pub item_type: Option<String>,
    pub reason: RemovalReason,
    pub reason_text: String,
    pub proposed_at: String,
    pub decision: Decision,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
    pub initiating_department_id: Option<String>,
}

/// Removals of a region (`$1`), of one department (`$2`; in its ledger or handled by it)
/// or all (`$2` empty): those awaiting a decision, then the others, each part newest
/// first through `removals_region_proposed` and at most `$3` long, so that a page reads
/// only what it shows however many removals the region has.
pub(crate) fn removals_sql() -> String {
    let part = |waiting: bool| {
        format!(
            "SELECT * FROM (
                 SELECT r.id AS removal_id, r.kind, p.id AS project_id, p.code, p.name AS project_name, p.in_library,
                        t.name AS item_type, r.reason_category, r.reason_text, r.proposed_at, r.decision, r.decided_at,
                        r.decision_note, p.initiating_department_id, {w} AS w
                 FROM removals r JOIN projects p ON p.id = r.project_id
                      LEFT JOIN pending_items i ON i.id = r.pending_item_id LEFT JOIN item_types t ON t.id = i.item_type_id
                 WHERE r.region_code = $1 AND r.decision {op} 'proposed'
                   AND ($2 = '' OR p.initiating_department_id = $2 OR i.handling_department_id = $2)
                 ORDER BY r.proposed_at DESC LIMIT $3) part_{w}",
            w = if waiting { 0 } else { 1 },
            op = if waiting { "=" } else { "<>" },
        )
    };
    format!("SELECT * FROM ({} UNION ALL {}) u ORDER BY w, proposed_at DESC LIMIT $3", part(true), part(false))
}

impl Store {
    /// Propose a removal: a project from the library, or one pending item from the
    /// baseline. Nothing leaves anything until the office approves.
    pub async fn propose_removal(
        &self,
        region: &RegionCode,
        r: &NewRemoval<'_>,
        actor: &User,
    ) -> Result<String, StoreError> {
        qidi_core::ledger::may_propose_removal(actor.role).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let text = check_reason_text(r.text).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        let mut tx = self.begin_write().await?;
        let project =
            sqlx::query("SELECT in_library, initiating_department_id FROM projects WHERE id = $1 AND region_code = $2")
                .bind(r.project_id)
                .bind(rc)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound("项目不存在".into()))?;
        let in_library = crate::get_bool(&project, 0);
        let initiating: Option<String> = project.get(1);
        let item = match r.kind {
            RemovalKind::Project => {
                if !in_library {
                    return Err(StoreError::Conflict("该项目已移出项目库".into()));
                }
                None
            }
            RemovalKind::Item => {
                let item = r.pending_item_id.ok_or_else(|| StoreError::Invalid("请选择要核减的待批事项".into()))?;
                let row = sqlx::query(
                    "SELECT b.reduction, i.handling_department_id FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                     WHERE b.campaign_id = $1 AND b.pending_item_id = $2 AND i.project_id = $3",
                )
                .bind(&campaign.id)
                .bind(item)
                .bind(r.project_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound("该事项不在基线中".into()))?;
                let reduction: Option<String> = row.get(0);
                if reduction.is_some() {
                    return Err(StoreError::Conflict("该事项已核减".into()));
                }
                let handling: String = row.get(1);
                if matches!(actor.role, qidi_core::Role::Handler | qidi_core::Role::DepartmentHead)
                    && actor.department_id.as_deref() != Some(handling.as_str())
                    && actor.department_id != initiating
                {
                    return Err(StoreError::NotFound("该事项不存在，或不属于本部门".into()));
                }
                Some(item.to_string())
            }
        };
        if r.kind == RemovalKind::Project
            && matches!(actor.role, qidi_core::Role::Handler | qidi_core::Role::DepartmentHead)
            && actor.department_id != initiating
        {
            return Err(StoreError::NotFound("只能对本部门立项的项目提出移出".into()));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO removals (id, region_code, campaign_id, kind, project_id, pending_item_id, reason_category, reason_text, proposed_by, proposed_at, decision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'proposed')",
        )
        .bind(&id)
        .bind(rc)
        .bind(&campaign.id)
        .bind(r.kind.as_str())
        .bind(r.project_id)
        .bind(&item)
        .bind(r.reason.as_str())
        .bind(&text)
        .bind(&actor.id)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &actor_event(
                actor,
                "removal.propose",
                "removal",
                &id,
                serde_json::json!({ "kind": r.kind.as_str(), "project_id": r.project_id, "pending_item_id": item, "reason": r.reason.as_str(), "text": text }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The office decides a proposed removal. Approval takes the project out of the
    /// library (it stays on record) and reduces its baseline entries, or reduces the one
    /// entry, with the removal's reason — all in one transaction.
    pub async fn decide_removal(
        &self,
        removal_id: &str,
        decision: Decision,
        note: &str,
        actor: &User,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT region_code, campaign_id, kind, project_id, pending_item_id, reason_category, reason_text, decision
             FROM removals WHERE id = $1",
        )
        .bind(removal_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound("移除申请不存在".into()))?;
        let region: String = row.get(0);
        if region != actor.region_code {
            return Err(StoreError::NotFound("移除申请不存在".into()));
        }
        let campaign_id: String = row.get(1);
        let kind = RemovalKind::parse(&row.get::<String, _>(2))
            .ok_or_else(|| StoreError::Invalid("bad removal kind".into()))?;
        let project_id: String = row.get(3);
        let item: Option<String> = row.get(4);
        let reason =
            RemovalReason::parse(&row.get::<String, _>(5)).ok_or_else(|| StoreError::Invalid("bad reason".into()))?;
        let text: String = row.get(6);
        let current = Decision::parse(&row.get::<String, _>(7)).unwrap_or(Decision::Proposed);
        check_decision(actor.role, current, decision).map_err(|e| match e {
            RemovalError::MayNotDecide => StoreError::Forbidden(e.to_string()),
            e => StoreError::Conflict(e.to_string()),
        })?;
        let now = now_text();
        let day = date_text(today());
        let res = sqlx::query(
            "UPDATE removals SET decision = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND decision = 'proposed'",
        )
        .bind(decision.as_str())
        .bind(&actor.id)
        .bind(&now)
        .bind(note.trim())
        .bind(removal_id)
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() != 1 {
            return Err(StoreError::Conflict("该移除申请已有决定".into()));
        }
        let mut reduced = 0u64;
        if decision == Decision::Approved {
            if kind == RemovalKind::Project {
                sqlx::query("UPDATE projects SET in_library = FALSE, updated_at = $1 WHERE id = $2")
                    .bind(&now)
                    .bind(&project_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let rows = sqlx::query(
                "SELECT b.id, b.reduction, i.status FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                 WHERE b.campaign_id = $1 AND i.project_id = $2 AND ($3 = '' OR i.id = $3)",
            )
            .bind(&campaign_id)
            .bind(&project_id)
            .bind(item.as_deref().unwrap_or(""))
            .fetch_all(&mut *tx)
            .await?;
            let facts = RemovalFacts { decision, reason, text: &text };
            for r in &rows {
                let already: Option<String> = r.get(1);
                let already = already.as_deref().and_then(Reduction::parse);
                if already.is_some() {
                    continue; // approved before the removal: it stays an approval
                }
                check_reduction(already, Reduction::Removed, &r.get::<String, _>(2), Some(&facts))
                    .map_err(|e| StoreError::Conflict(e.to_string()))?;
                sqlx::query(
                    "UPDATE baseline_items SET reduction = 'removed', reduced_on = $1, reason_category = $2, reason_text = $3, removal_id = $4
                     WHERE id = $5",
                )
                .bind(&day)
                .bind(reason.as_str())
                .bind(&text)
                .bind(removal_id)
                .bind(r.get::<String, _>(0))
                .execute(&mut *tx)
                .await?;
                reduced += 1;
            }
        }
        append(
            &mut tx,
            &actor_event(
                actor,
                "removal.decide",
                "removal",
                removal_id,
                serde_json::json!({ "decision": decision.as_str(), "note": note.trim(), "kind": kind.as_str(), "project_id": project_id, "reduced": reduced }),
            ),
        )
        .await?;
        if decision == Decision::Approved && kind == RemovalKind::Project {
            append(
                &mut tx,
                &actor_event(
                    actor,
                    "project.remove",
                    "project",
                    &project_id,
                    serde_json::json!({ "removal_id": removal_id, "reason": reason.as_str(), "text": text }),
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(reduced)
    }

    /// Removals of the region, those awaiting a decision first, then the newest, at most
    /// `limit`; with `department_id`, those of projects it initiated or items it handles.
    pub async fn removals(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<RemovalRow>, StoreError> {
        let rows = sqlx::query(&removals_sql())
            .bind(region.as_str())
            .bind(department_id.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(RemovalRow {
                    id: r.get(0),
                    kind: RemovalKind::parse(&r.get::<String, _>(1))?,
                    project_id: r.get(2),
                    project_code: r.get(3),
                    project_name: r.get(4),
                    in_library: crate::get_bool(r, 5),
                    item_type: r.get(6),
                    reason: RemovalReason::parse(&r.get::<String, _>(7))?,
                    reason_text: r.get(8),
                    proposed_at: r.get(9),
                    decision: Decision::parse(&r.get::<String, _>(10))?,
                    decided_at: r.get(11),
                    decision_note: r.get(12),
                    initiating_department_id: r.get(13),
                })
            })
            .collect())
    }
}
