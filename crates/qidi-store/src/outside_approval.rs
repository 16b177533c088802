//! Approvals made outside the system (系统外审批): a pending item a ledger lists as
//! already approved, or decided before its department handled it in qidi, is granted
//! by recording the approval with its document number (文号) and date.
//!
//! One transaction: the `outside_approvals` row (append-only), the grant — which the
//! database allows only because that row now stands behind it, and which reduces the
//! item's baseline entry by the trigger of migration 0004 — and the event. Who may,
//! and what a record must say, are `qidi_core::outside_approval`'s rules.

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{get_bool, new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::outside_approval::{check, check_item, may_record, OutsideApprovalError};
use serde::Serialize;
use sqlx::Row;

/// An outside approval as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideApprovalRecord {
    pub id: String,
    pub pending_item_id: String,
    pub document_number: String,
    pub decided_on: NaiveDate,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    /// Whether the grant reduced a baseline entry (审批1个核减1个); false when the item
    /// is on no fixed ledger, or its entry was already reduced by a removal.
    pub baseline_reduced: bool,
}

fn refused(e: OutsideApprovalError) -> StoreError {
    match e {
        OutsideApprovalError::NotAllowed => StoreError::forbidden(&e),
        OutsideApprovalError::AlreadyGranted | OutsideApprovalError::OpenApplication => StoreError::conflict(&e),
        _ => StoreError::invalid(&e),
    }
}

impl Store {
    /// Record an approval made outside the system and grant the pending item with it.
    /// The item must be one the user sees (else not found), still pending, with no
    /// application under way; the office or the item's handling department records it.
    pub async fn record_outside_approval(
        &self,
        user: &User,
        pending_item_id: &str,
        document_number: &str,
        decided_on: NaiveDate,
        note: Option<&str>,
    ) -> Result<OutsideApprovalRecord, StoreError> {
        let missing = || StoreError::NotFound("待批事项不存在，或您无权查看".into());
        let scope = crate::ledger::item_scope(&user.scope(), 2);
        let sql = format!(
            "SELECT i.region_code, i.handling_department_id, i.status,
                    EXISTS (SELECT 1 FROM applications a WHERE a.pending_item_id = i.id AND a.closed_at IS NULL)
             FROM pending_items i JOIN projects p ON p.id = i.project_id
             WHERE i.id = $1 AND {}",
            scope.sql
        );
        let mut tx = self.begin_write().await?;
        let mut q = sqlx::query(&sql).bind(pending_item_id);
        for b in &scope.binds {
            q = q.bind(b.as_str());
        }
        let item = q.fetch_optional(&mut *tx).await?.ok_or_else(missing)?;
        let region: String = item.get(0);
        let handling: String = item.get(1);
        let status: String = item.get(2);
        let open_application = get_bool(&item, 3);

        if let Err(e) = may_record(user.role, user.department_id.as_deref(), &handling) {
            drop(tx);
            self.append_event(&NewEvent {
                region_code: region,
                actor_id: Some(user.id.clone()),
                actor_role: Some(user.role.as_str().into()),
                action: "pending_item.record_outside_approval".into(),
                object_type: "pending_item".into(),
                object_id: Some(pending_item_id.to_string()),
                outcome: "denied".into(),
                payload: serde_json::json!({ "message": e.to_string() }),
                ..Default::default()
            })
            .await?;
            return Err(refused(e));
        }
        let checked = check(document_number, decided_on, note, crate::today()).map_err(refused)?;
        check_item(status == qidi_core::ledger::GRANTED, open_application).map_err(refused)?;

        let id = new_id();
        let now = now_text();
        let decided_text = checked.decided_on.format("%Y-%m-%d").to_string();
        sqlx::query(
            "INSERT INTO outside_approvals (id, region_code, pending_item_id, document_number, decided_on, recorded_by, recorded_at, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&region)
        .bind(pending_item_id)
        .bind(&checked.document_number)
        .bind(&decided_text)
        .bind(&user.id)
        .bind(&now)
        .bind(&checked.note)
        .execute(&mut *tx)
        .await?;
        // The grant: the database lets it through because of the row above, and reduces
        // the item's baseline entry in the same statement.
        let granted = sqlx::query("UPDATE pending_items SET status = 'granted' WHERE id = $1 AND status = 'pending'")
            .bind(pending_item_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if granted != 1 {
            return Err(refused(OutsideApprovalError::AlreadyGranted));
        }
        crate::calendar::clear_deadline(&mut tx, crate::calendar::DeadlineTarget::PendingItem, pending_item_id).await?;
        let reduced: i64 =
            sqlx::query("SELECT COUNT(*) FROM baseline_items WHERE pending_item_id = $1 AND reduction = 'approved'")
                .bind(pending_item_id)
                .fetch_one(&mut *tx)
                .await?
                .get(0);
        append(
            &mut tx,
            &NewEvent::by(
                user,
                region.clone(),
                "pending_item.record_outside_approval",
                "pending_item",
                Some(pending_item_id.to_string()),
                serde_json::json!({
                    "outside_approval_id": id,
                    "document_number": checked.document_number,
                    "decided_on": decided_text,
                    "note": checked.note,
                    "baseline_reduced": reduced > 0,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(OutsideApprovalRecord {
            id,
            pending_item_id: pending_item_id.to_string(),
            document_number: checked.document_number,
            decided_on: checked.decided_on,
            note: checked.note,
            recorded_by: user.id.clone(),
            recorded_at: now,
            baseline_reduced: reduced > 0,
        })
    }
}
