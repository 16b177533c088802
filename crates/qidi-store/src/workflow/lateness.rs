//! The facts of lateness as kept (`clock_records`): every clock that ended, queryable by
//! department and month, for bulletins, lights and assessment.

use super::{bind_all, visible, WorkflowError};
use crate::users::User;
use crate::Store;
use chrono::NaiveDate;
use qidi_core::sentence::Sentence;
use qidi_core::workflow::{ClockKind, ClockOutcome};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One kept clock record with what it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct ClockRecordRow {
    pub application_id: String,
    pub pending_item_id: String,
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub handling_department_id: String,
    pub handling_department: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub started_on: String,
    pub limit: i64,
    pub unit: String,
    pub due_on: String,
    pub ended_on: String,
    pub ended_by: String,
    pub days_used: i64,
    pub days_overdue: i64,
    pub outcome: String,
    pub outcome_label: &'static str,
}

/// Which records: a department (by code), a month (`YYYY-MM`, by the day the clock
/// ended), an outcome.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClockRecordFilter {
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub outcome: Option<String>,
}

/// The first day of a `YYYY-MM` month and the first day of the next.
fn month_range(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next))
}

impl Store {
    /// The clock records `user` may see, newest end first (at most 5000).
    pub async fn clock_records(
        &self,
        user: &User,
        filter: &ClockRecordFilter,
    ) -> Result<Vec<ClockRecordRow>, WorkflowError> {
        let (vis, mut binds) = visible(user, 1);
        let mut sql = format!(
            "SELECT c.application_id, c.pending_item_id, p.code, p.name, t.name, c.handling_department_id, d.name,
                    c.kind, c.started_on, c.time_limit, c.limit_unit, c.due_on, c.ended_on, c.ended_by, c.days_used,
                    c.days_overdue, c.outcome
             FROM clock_records c JOIN pending_items i ON i.id = c.pending_item_id JOIN projects p ON p.id = i.project_id
                  JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = c.handling_department_id
             WHERE {vis}"
        );
        if let Some(code) = filter.department.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            binds.push(code.to_string());
            sql.push_str(&format!(" AND d.code = ${}", binds.len()));
        }
        if let Some(month) = filter.month.as_deref().filter(|m| !m.trim().is_empty()) {
            let (from, to) = month_range(month).ok_or_else(|| {
                WorkflowError::invalid(
                    Sentence::new("err-workflow-bad-month", format!("月份“{month}”格式应为 YYYY-MM，例如 2026-11"))
                        .arg("month", month),
                )
            })?;
            binds.push(from.to_string());
            binds.push(to.to_string());
            sql.push_str(&format!(" AND c.ended_on >= ${} AND c.ended_on < ${}", binds.len() - 1, binds.len()));
        }
        if let Some(outcome) = filter.outcome.as_deref().filter(|o| !o.trim().is_empty()) {
            let o = ClockOutcome::parse(outcome.trim()).ok_or_else(|| {
                WorkflowError::invalid(
                    Sentence::new("err-workflow-bad-outcome", format!("结果“{outcome}”应为 on_time、late 或 deemed"))
                        .arg("outcome", outcome),
                )
            })?;
            binds.push(o.as_str().to_string());
            sql.push_str(&format!(" AND c.outcome = ${}", binds.len()));
        }
        sql.push_str(" ORDER BY c.ended_on DESC, c.application_id, c.ended_seq LIMIT 5000");
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let kind: String = r.get(7);
                let outcome: String = r.get(16);
                ClockRecordRow {
                    application_id: r.get(0),
                    pending_item_id: r.get(1),
                    project_code: r.get(2),
                    project_name: r.get(3),
                    item_type: r.get(4),
                    handling_department_id: r.get(5),
                    handling_department: r.get(6),
                    kind_label: ClockKind::parse(&kind).map_or("", ClockKind::label_zh),
                    kind,
                    started_on: r.get(8),
                    limit: r.get(9),
                    unit: r.get(10),
                    due_on: r.get(11),
                    ended_on: r.get(12),
                    ended_by: r.get(13),
                    days_used: r.get(14),
                    days_overdue: r.get(15),
                    outcome_label: ClockOutcome::parse(&outcome).map_or("", ClockOutcome::label_zh),
                    outcome,
                }
            })
            .collect())
    }
}
