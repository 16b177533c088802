//! Removals (移出/核减): proposing them, the office's decision and their list.

use super::{actor_event, date_text};
use crate::events::append;
use crate::users::User;
use crate::{new_id, now_text, today, Store, StoreError};
use qidi_core::ledger::{
    check_decision, check_reason_text, check_reduction, may_propose_removal_of, Decision, Reduction, RemovalError,
    RemovalFacts, RemovalKind, RemovalReason,
};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::Row;

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
        qidi_core::ledger::may_propose_removal(actor.role).map_err(|e| StoreError::invalid(&e))?;
        let text = check_reason_text(r.text).map_err(|e| StoreError::invalid(&e))?;
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
                    return Err(StoreError::conflict(Sentence::new(
                        "err-ledger-removal-project-removed",
                        "该项目已移出项目库",
                    )));
                }
                None
            }
            RemovalKind::Item => {
                let item = r.pending_item_id.ok_or_else(|| {
                    StoreError::invalid(Sentence::new("err-ledger-removal-no-item", "请选择要核减的待批事项"))
                })?;
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
                    return Err(StoreError::conflict(Sentence::new("err-ledger-removal-item-reduced", "该事项已核减")));
                }
                let handling: String = row.get(1);
                let answering: Vec<&str> = std::iter::once(handling.as_str()).chain(initiating.as_deref()).collect();
                if !may_propose_removal_of(actor.role, actor.department_id.as_deref(), &answering) {
                    return Err(StoreError::NotFound("该事项不存在，或不属于本部门".into()));
                }
                Some(item.to_string())
            }
        };
        if r.kind == RemovalKind::Project
            && !may_propose_removal_of(actor.role, actor.department_id.as_deref(), initiating.as_deref().as_slice())
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
        let kind =
            RemovalKind::parse(&row.get::<String, _>(2)).ok_or_else(|| StoreError::invalid("bad removal kind"))?;
        let project_id: String = row.get(3);
        let item: Option<String> = row.get(4);
        let reason = RemovalReason::parse(&row.get::<String, _>(5)).ok_or_else(|| StoreError::invalid("bad reason"))?;
        let text: String = row.get(6);
        let current = Decision::parse(&row.get::<String, _>(7)).unwrap_or(Decision::Proposed);
        check_decision(actor.role, current, decision).map_err(|e| match e {
            RemovalError::MayNotDecide => StoreError::forbidden(&e),
            e => StoreError::conflict(&e),
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
            return Err(StoreError::conflict(Sentence::new("err-ledger-removal-decided", "该移除申请已有决定")));
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
                    .map_err(|e| StoreError::conflict(&e))?;
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
