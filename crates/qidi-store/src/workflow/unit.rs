//! A project unit's projects at a glance, counted in the database: a unit of a large
//! imported ledger holds a thousand projects or more, and its home page reads none of
//! their rows.

use super::read::light_sql;
use super::{applications_of, bind_all, visible, WorkflowError, AWAITING_DEPARTMENT, AWAITING_HIGHER};
use crate::users::User;
use crate::{Backend, Store};
use chrono::NaiveDate;
use qidi_core::light::Light;
use serde::Serialize;
use sqlx::Row;

/// What a project unit's projects count, and what of them waits on a department.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UnitCounts {
    pub projects: usize,
    /// Pending items with no application yet.
    pub not_applied: usize,
    /// Open applications of pending items waiting for a department or the higher authority.
    pub on_department: usize,
    /// Of those, past the department's deadline: the department is late, not the unit.
    pub department_late: usize,
}

/// [`Store::unit_counts`]'s query on `backend` and its binds for `user` on `today`:
/// each count reaches the rows through the unit's list of projects ([`visible`]),
/// never a region's.
pub(crate) fn unit_counts_sql(backend: Backend, user: &User, today: NaiveDate) -> (String, Vec<String>) {
    let (vis, mut binds) = visible(user, 1);
    binds.push(AWAITING_DEPARTMENT.into());
    binds.push(AWAITING_HIGHER.into());
    let on = binds.len();
    // `CROSS JOIN` makes SQLite start at the unit's projects ([`applications_of`]);
    // for PostgreSQL it is a join like any other.
    let applications = applications_of(backend, user);
    let waiting = format!(
        "FROM projects p CROSS JOIN {applications} JOIN pending_items i ON i.id = a.pending_item_id
         WHERE a.project_id = p.id AND {vis} AND i.status = 'pending' AND a.closed_at IS NULL
           AND a.awaiting IN (${}, ${on})",
        on - 1
    );
    let red = light_sql(&mut binds, "a", Light::Red, today);
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM projects p WHERE {vis}),
                (SELECT COUNT(*) FROM pending_items i JOIN projects p ON p.id = i.project_id
                 WHERE {vis} AND i.status = 'pending'
                   AND NOT EXISTS (SELECT 1 FROM applications na WHERE na.pending_item_id = i.id)),
                (SELECT COUNT(*) {waiting}),
                (SELECT COUNT(*) {waiting} AND {red})"
    );
    (sql, binds)
}

impl Store {
    /// A project unit's counts ([`UnitCounts`]).
    pub async fn unit_counts(&self, user: &User) -> Result<UnitCounts, WorkflowError> {
        let (sql, binds) = unit_counts_sql(self.backend(), user, crate::today());
        let r = bind_all(sqlx::query(&sql), &binds).fetch_one(&self.pool).await?;
        let count = |i: usize| usize::try_from(r.get::<i64, _>(i)).unwrap_or(0);
        Ok(UnitCounts { projects: count(0), not_applied: count(1), on_department: count(2), department_late: count(3) })
    }
}
