//! Check lists (核查清单): pushing them to handling departments and their answers.

use super::{actor_event, date_text, parse_date};
use crate::events::append;
use crate::users::User;
use crate::{new_id, now_text, today, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::ledger::CheckAnswer;
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

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
        campaign.campaign.date_window(today()).check("反馈期限", due_on).map_err(|e| StoreError::invalid(&e))?;
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
            return Err(StoreError::invalid(Sentence::new(
                "err-ledger-push-nothing-pending",
                "本部门立项的项目没有待批事项，无需推送核查清单",
            )));
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
        let a = answer.validated().map_err(|e| StoreError::invalid(&e))?;
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
            campaign.campaign.date_window(today()).check("完成时限", due_on).map_err(|e| StoreError::invalid(&e))?;
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
