//! A handler's inbox: its limits, its light order, the filtered page, a dashboard's head and the export.

use super::inbox_query::{app_select_parts, inbox_conditions, sort_keys, InboxConditions};
use super::{inbox_head_sql, inbox_sql};
use crate::db::params;
use crate::users::User;
use crate::workflow::{app_from_row, applications_of, bind_all, ApplicationRow, WorkflowError};
use crate::{Store, StoreError};
use qidi_core::light::Light;
use qidi_core::workflow::inbox::{InboxFilter, InboxSort};
use serde::Serialize;
use sqlx::Row;

fn light_rank(l: Option<Light>) -> u8 {
    match l {
        Some(Light::Red) => 0,
        Some(Light::Yellow) => 1,
        Some(Light::Green) => 2,
        None => 3,
    }
}

/// Red first, then yellow, then green, then those without a running clock; within a
/// colour the earliest due date first.
/// The most applications an inbox reads: the earliest due. The page says when it is reached.
pub const INBOX_LIMIT: usize = 5000;

pub fn sort_by_light(rows: &mut [ApplicationRow]) {
    rows.sort_by(|a, b| {
        (light_rank(a.light), a.due_on.is_none(), a.due_on, &a.created_at).cmp(&(
            light_rank(b.light),
            b.due_on.is_none(),
            b.due_on,
            &b.created_at,
        ))
    });
}

/// How many applications an inbox export ([`Store::inbox_each`]) writes at most: the
/// file says when there were more.
pub const INBOX_EXPORT_LIMIT: usize = 100_000;

/// Rows an inbox export reads a query.
pub const INBOX_EXPORT_BATCH: usize = 1_000;

/// The columns of [`APP_SELECT`]: a key read after them starts here.
const APP_COLUMNS: usize = 24;

/// What an inbox export handed over: how many rows, and whether the limit left some out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InboxExported {
    pub rows: usize,
    pub capped: bool,
}

/// The head of an inbox for a dashboard ([`Store::inbox_head`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct InboxHead {
    /// Every application the filter keeps, not cut at [`INBOX_LIMIT`].
    pub total: usize,
    pub red: usize,
    /// Running clocks due today, and due after today up to the next working day.
    pub due_today: usize,
    pub due_next_working_day: usize,
    /// The first rows, in the inbox's light order.
    pub rows: Vec<ApplicationRow>,
}

impl Store {
    /// What awaits the user's side, most urgent first: for a department its
    /// applications awaiting a step or the higher outcome; for a project unit (or a
    /// helper) those awaiting the unit; for the office and supervisors everything
    /// open in the region that awaits a department or the higher authority.
    pub async fn inbox(&self, user: &User) -> Result<Vec<ApplicationRow>, WorkflowError> {
        Ok(self.inbox_filtered(user, &InboxFilter::default()).await?.0)
    }

    /// [`Store::inbox`] filtered (core `InboxFilter`: light, item type, department, text)
    /// and ordered, with whether the [`INBOX_LIMIT`] earliest-due cut was reached. The
    /// page is the caller's to take ([`InboxFilter::window`]).
    pub async fn inbox_filtered(
        &self,
        user: &User,
        filter: &InboxFilter,
    ) -> Result<(Vec<ApplicationRow>, bool), WorkflowError> {
        let today = crate::today();
        let (sql, binds) = inbox_sql(self.backend(), user, filter, today)?;
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        let capped = rows.len() >= INBOX_LIMIT;
        let mut apps = rows.iter().map(|r| app_from_row(r, today)).collect::<Result<Vec<_>, _>>()?;
        match filter.sort {
            InboxSort::Light => sort_by_light(&mut apps),
            // Already by due date from the query.
            InboxSort::Due => {}
            InboxSort::Project => {
                apps.sort_by(|a, b| (&a.project_code, &a.item_type).cmp(&(&b.project_code, &b.item_type)))
            }
        }
        Ok((apps, capped))
    }

    /// What a dashboard shows of an inbox with `filter` (its light, department, item
    /// type and text; not its sort or page), kept to the handling departments `among`
    /// (none: all): how many, how many red and due soon, and the first `shown` in the
    /// inbox's light order. Counted in the database, not cut at [`INBOX_LIMIT`]: a home
    /// page reads only the rows it shows.
    pub async fn inbox_head(
        &self,
        user: &User,
        filter: &InboxFilter,
        among: &[String],
        shown: usize,
    ) -> Result<InboxHead, WorkflowError> {
        let today = crate::today();
        let calendar = self.work_calendar().await?;
        let q = inbox_head_sql(self.backend(), user, filter, among, shown, &calendar, today)?;
        let keep = self.backend().keeps_prepared();
        let counts = bind_all(sqlx::query(&q.counts), &q.count_binds).persistent(keep).fetch_one(&self.pool).await?;
        let count = |i: usize| usize::try_from(counts.get::<i64, _>(i)).unwrap_or(0);
        let rows = bind_all(sqlx::query(&q.rows), &q.row_binds).persistent(keep).fetch_all(&self.pool).await?;
        Ok(InboxHead {
            total: count(0),
            red: count(1),
            due_today: count(2),
            due_next_working_day: count(3),
            rows: rows.iter().map(|r| app_from_row(r, today)).collect::<Result<Vec<_>, _>>()?,
        })
    }

    /// Every application of [`Store::inbox_filtered`] with the same filters, in the
    /// same order, handed to `each` one at a time: read `batch` rows a query, by key
    /// (the sort's columns and the id), so that nothing holds the whole list. Unlike
    /// the page it is not cut at the [`INBOX_LIMIT`] earliest due. At most `limit`
    /// rows; the answer says how many were handed over and whether more were left.
    pub async fn inbox_each<F>(
        &self,
        user: &User,
        filter: &InboxFilter,
        batch: usize,
        limit: usize,
        mut each: F,
    ) -> Result<InboxExported, WorkflowError>
    where
        F: FnMut(ApplicationRow) -> Result<(), StoreError>,
    {
        let batch = batch.clamp(1, 10_000);
        let today = crate::today();
        let InboxConditions { sql: filtered, mut binds, .. } = inbox_conditions(user, filter, today);
        let applications = applications_of(self.backend(), user);
        let keys = sort_keys(filter.sort, &mut binds, today);
        let (columns, tables) = app_select_parts()?;
        let key_list = keys.join(", ");
        let mut after: Option<Vec<String>> = None;
        let mut out = InboxExported { rows: 0, capped: false };
        loop {
            // One more than the limit, to know whether the limit cut anything.
            let want = batch.min(limit.saturating_add(1) - out.rows);
            let mut binds = binds.clone();
            let mut sql = format!("{columns}, {key_list} FROM {applications}{tables} WHERE {filtered}");
            if let Some(key) = &after {
                let from = binds.len() + 1;
                binds.extend(key.iter().cloned());
                sql.push_str(&format!(" AND ({key_list}) > ({})", params(from, key.len())));
            }
            sql.push_str(&format!(" ORDER BY {key_list} LIMIT {want}"));
            let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
            for r in &rows {
                if out.rows == limit {
                    out.capped = true;
                    return Ok(out);
                }
                each(app_from_row(r, today)?)?;
                out.rows += 1;
            }
            match rows.last() {
                Some(last) if rows.len() == want => {
                    after = Some((APP_COLUMNS..APP_COLUMNS + keys.len()).map(|i| last.get::<String, _>(i)).collect());
                }
                _ => return Ok(out),
            }
        }
    }
}
