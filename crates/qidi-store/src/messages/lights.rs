//! The daily run: every clock that turned yellow or red since the last run is
//! announced once, grouped into one message per person, channel and day; and the
//! reminders of reports still missing (`reminders`).
//!
//! Clocks are found by date through the indexes on `warn_on` and `due_on` (migration
//! 0022), never by reading every open clock: only those whose warning or due date
//! fell since the last run can have changed. They are read in pages, and a digest
//! keeps only what it lists, so a run's memory does not grow with the region. `light_notices` remembers what was
//! announced, so a clock is never announced twice for the same light and due date;
//! `job_runs` holds one row per day, so a second instance's run of the same day
//! writes nothing. A run keeps its notices page by page in short transactions and
//! writes its digests last; one cut off in between is taken over (`claim_light_run`).

use super::{department_users, group_channels, public_url, tell, Recipient};
use crate::{now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::light::Light;
use qidi_core::message::{light_audience, light_change, light_digest, DigestItems, LightAudience, LightItem};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What one daily run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightRun {
    pub run_on: NaiveDate,
    /// The previous run's day; `None` on the first run, which announces every clock
    /// already yellow or red.
    pub since: Option<NaiveDate>,
    /// Clocks whose light change was announced.
    pub changes: usize,
    /// In-app messages and outbox rows written.
    pub written: usize,
    /// Of those, reminders of check results and signatures still missing.
    pub reminders: usize,
}

/// A clock whose light may have changed.
struct Candidate {
    object_type: &'static str,
    object_id: String,
    region: String,
    department_id: String,
    due_on: NaiveDate,
    warn_on: NaiveDate,
    item: LightItem,
}

const LIGHT_JOB: &str = "lights";

/// A claimed run that has kept no page's notices for this long was cut off (a run
/// touches its claim with every page it keeps).
pub const STALE_RUN_MINUTES: i64 = 15;

/// A claimed run's summary until it finishes (the column's default).
const UNFINISHED: &str = "{}";

/// Clocks are read this many at a time, so that a run's memory does not follow the
/// number of changes (the first run over a region-sized ledger lights most of it).
const PAGE: i64 = 2_000;

/// The three kinds of clock: its object type, and its query with `{date}` for the
/// date column it is read by. Each is read twice, by its due dates and by its warning
/// dates, each time in the order of that date's index (migration 0022) and in pages
/// by key: `$1`/`$2` the last date and id read, `$3` the window's last date, `$4` the
/// page's length. A clock in both windows is read twice; `light_notices` announces it
/// once. (An OR of the two dates would be served by no index.)
const CLOCKS: [(&str, &str); 3] = [
    (
        "application",
        "SELECT a.id, a.region_code, i.handling_department_id, a.due_on, a.warn_on, p.code, p.name, t.name, d.name, a.{date}
         FROM applications a JOIN pending_items i ON i.id = a.pending_item_id JOIN projects p ON p.id = a.project_id
              JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = i.handling_department_id
         WHERE a.closed_at IS NULL AND (a.{date}, a.id) > ($1, $2) AND a.{date} <= $3 AND a.paused_since IS NULL
         ORDER BY a.{date}, a.id LIMIT $4",
    ),
    (
        "pending_item",
        "SELECT i.id, i.region_code, i.handling_department_id, i.due_on, i.warn_on, p.code, p.name, t.name, d.name, i.{date}, p.id
         FROM pending_items i JOIN projects p ON p.id = i.project_id
              JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = i.handling_department_id
         WHERE i.status = 'pending' AND (i.{date}, i.id) > ($1, $2) AND i.{date} <= $3
           AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pending_item_id = i.id AND a.closed_at IS NULL)
         ORDER BY i.{date}, i.id LIMIT $4",
    ),
    (
        // 12345 work orders: the leading department's running step.
        "hotline_order",
        "SELECT o.id, o.region_code, o.leading_department_id, o.due_on, o.warn_on, o.order_number,
                COALESCE(p.name, o.order_number), '12345工单', d.name, o.{date}
         FROM hotline_orders o JOIN departments d ON d.id = o.leading_department_id
              LEFT JOIN projects p ON p.id = o.project_id
         WHERE o.state <> 'closed' AND (o.{date}, o.id) > ($1, $2) AND o.{date} <= $3
           AND o.leading_department_id IS NOT NULL
         ORDER BY o.{date}, o.id LIMIT $4",
    ),
];

/// Every query the run reads clocks with: (object type, date column, SQL).
pub(crate) fn clock_scans() -> impl Iterator<Item = (&'static str, &'static str, String)> {
    CLOCKS.into_iter().flat_map(|(object_type, sql)| {
        ["due_on", "warn_on"].into_iter().map(move |date| (object_type, date, sql.replace("{date}", date)))
    })
}

impl Store {
    /// Run the light check for `run_on` (a working day, see
    /// `qidi_core::message::due_run`). Returns `None` if that day's run was already
    /// made, by this instance or another.
    pub async fn run_lights(&self, run_on: NaiveDate, worker: &str) -> Result<Option<LightRun>, StoreError> {
        let calendar = self.work_calendar().await?;
        if !self.claim_light_run(run_on, worker).await? {
            return Ok(None);
        }
        // Only a completed run counts: one cut off (and taken over) left nothing visible.
        let since: Option<NaiveDate> =
            sqlx::query("SELECT MAX(run_on) FROM job_runs WHERE job = $1 AND run_on < $2 AND summary <> $3")
                .bind(LIGHT_JOB)
                .bind(run_on.to_string())
                .bind(UNFINISHED)
                .fetch_one(&self.pool)
                .await?
                .get::<Option<String>, _>(0)
                .and_then(|s| s.parse().ok());
        // Clocks are read outside any transaction, and each page's notices are kept in a
        // short transaction of their own: the first run over a region-sized ledger takes
        // minutes, and SQLite's one writer must stay free for sign-ins and approvals
        // meanwhile. The digests are written last, with the run's summary; a run cut off
        // before that is taken over later and its notices made again (`claim_light_run`).
        let mut conn = self.pool.acquire().await?;
        // Each recipient's digest shares the items it lists.
        let mut digests: BTreeMap<(String, Recipient), DigestItems<Arc<LightItem>>> = BTreeMap::new();
        let mut changes = 0;
        let mut known = Known::default();
        // Only a clock whose warning or due date fell in the window since the last run
        // can have changed (one day of overlap, which `light_notices` makes harmless).
        // A clock turns red the day after it is due, yellow on its warning day.
        let from = since.map_or_else(|| "0000-01-01".to_string(), |s| s.pred_opt().unwrap_or(s).to_string());
        for (object_type, date, sql) in clock_scans() {
            let last = if date == "due_on" { run_on.pred_opt().unwrap_or(run_on) } else { run_on };
            let mut after = (from.clone(), String::new());
            loop {
                let page = clock_page(&mut conn, object_type, &sql, &after, last).await?;
                let lit: Vec<(Candidate, Light, LightAudience)> = page
                    .clocks
                    .into_iter()
                    .filter_map(|c| {
                        let light = light_change(c.due_on, c.warn_on, since, run_on)?;
                        Some((c, light, light_audience(light)?))
                    })
                    .collect();
                for (mut c, light, audience) in self.keep_notices(run_on, lit).await? {
                    changes += 1;
                    c.item.light = light;
                    c.item.days_overdue = LightItem::days_overdue_on(&calendar, c.due_on, run_on);
                    let to = recipients(&mut conn, &c, audience, &mut known).await?;
                    let item = Arc::new(c.item);
                    for r in to {
                        digests.entry((c.region.clone(), r)).or_default().push(item.clone());
                    }
                }
                match page.next {
                    Some(next) => after = next,
                    None => break,
                }
            }
        }
        drop(conn);
        let mut tx = self.begin_write().await?;
        let key = format!("light:{run_on}");
        let mut written = 0;
        for ((region, recipient), items) in digests {
            let write = |w: &dyn qidi_core::sentence::Words| light_digest(w, run_on, &items, public_url());
            written += tell(&mut tx, &region, &key, &write, std::slice::from_ref(&recipient)).await?;
        }
        let reminders = super::reminders::remind_missing_reports(&mut tx, &calendar, run_on).await?;
        written += reminders;
        let summary = LightRun { run_on, since, changes, written, reminders };
        sqlx::query("UPDATE job_runs SET summary = $1 WHERE job = $2 AND run_on = $3")
            .bind(serde_json::to_string(&summary).unwrap_or_default())
            .bind(LIGHT_JOB)
            .bind(run_on.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(summary))
    }

    /// Claim the run of `run_on` for this worker. A run that was claimed but never
    /// finished (its summary still the empty `{}`) and has not shown a sign of life for [`STALE_RUN_MINUTES`]
    /// was cut off: its notices, never announced, are removed with its claim, whatever
    /// day it was for, so that its changes are announced by the run that takes over.
    async fn claim_light_run(&self, run_on: NaiveDate, worker: &str) -> Result<bool, StoreError> {
        let cutoff = crate::timestamp_text(crate::now() - chrono::Duration::minutes(STALE_RUN_MINUTES));
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM light_notices WHERE run_on IN
               (SELECT run_on FROM job_runs WHERE job = $1 AND summary = $3 AND ran_at < $2)",
        )
        .bind(LIGHT_JOB)
        .bind(&cutoff)
        .bind(UNFINISHED)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM job_runs WHERE job = $1 AND summary = $3 AND ran_at < $2")
            .bind(LIGHT_JOB)
            .bind(&cutoff)
            .bind(UNFINISHED)
            .execute(&mut *tx)
            .await?;
        let claimed = sqlx::query(
            "INSERT INTO job_runs (job, run_on, ran_at, worker) VALUES ($1, $2, $3, $4) ON CONFLICT (job, run_on) DO NOTHING",
        )
        .bind(LIGHT_JOB)
        .bind(run_on.to_string())
        .bind(now_text())
        .bind(worker)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(claimed == 1)
    }

    /// Keep one page's notices in a transaction of its own, and return the clocks not
    /// announced before for that light and due date. The run's claim is touched in the
    /// same transaction: a sign of life, so that no other instance takes it over.
    async fn keep_notices(
        &self,
        run_on: NaiveDate,
        lit: Vec<(Candidate, Light, LightAudience)>,
    ) -> Result<Vec<(Candidate, Light, LightAudience)>, StoreError> {
        if lit.is_empty() {
            return Ok(lit);
        }
        let mut tx = self.begin_write().await?;
        let mut fresh = Vec::with_capacity(lit.len());
        for (c, light, audience) in lit {
            let added = sqlx::query(
                "INSERT INTO light_notices (object_type, object_id, due_on, light, run_on) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT DO NOTHING",
            )
            .bind(c.object_type)
            .bind(&c.object_id)
            .bind(c.due_on.to_string())
            .bind(light.as_str())
            .bind(run_on.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added == 1 {
                fresh.push((c, light, audience));
            }
        }
        sqlx::query("UPDATE job_runs SET ran_at = $1 WHERE job = $2 AND run_on = $3")
            .bind(now_text())
            .bind(LIGHT_JOB)
            .bind(run_on.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(fresh)
    }

    /// The last day the light run was made, if ever.
    pub async fn last_light_run(&self) -> Result<Option<NaiveDate>, StoreError> {
        Ok(sqlx::query("SELECT MAX(run_on) FROM job_runs WHERE job = $1 AND summary <> $2")
            .bind(LIGHT_JOB)
            .bind(UNFINISHED)
            .fetch_one(&self.pool)
            .await?
            .get::<Option<String>, _>(0)
            .and_then(|s| s.parse().ok()))
    }
}

/// One page of clocks, and the key (date, id) to read the next page after, if the page
/// was full.
struct ClockPage {
    clocks: Vec<Candidate>,
    next: Option<(String, String)>,
}

/// One page of open clocks of one kind, read by one date column after the key
/// `after` (date, id) up to `last`. Pending items count only while
/// no application is under way (the application's clock runs then), and a 12345 work
/// order is held by its leading department (the caller is never named).
async fn clock_page(
    conn: &mut AnyConnection,
    object_type: &'static str,
    sql: &str,
    after: &(String, String),
    last: NaiveDate,
) -> Result<ClockPage, StoreError> {
    let rows =
        sqlx::query(sql).bind(&after.0).bind(&after.1).bind(last.to_string()).bind(PAGE).fetch_all(&mut *conn).await?;
    let next = match rows.last() {
        Some(r) if rows.len() as i64 == PAGE => Some((r.get::<String, _>(9), r.get::<String, _>(0))),
        _ => None,
    };
    let mut clocks = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.get(0);
        let date = |i: usize| r.get::<Option<String>, _>(i).and_then(|s| s.parse::<NaiveDate>().ok());
        let (Some(due_on), Some(warn_on)) = (date(3), date(4)) else { continue };
        let link = match object_type {
            "application" => format!("/applications/{id}"),
            "hotline_order" => format!("/hotline/{id}"),
            _ => format!("/projects/{}", r.get::<String, _>(10)),
        };
        let candidate = Candidate {
            object_type,
            region: r.get(1),
            department_id: r.get(2),
            due_on,
            warn_on,
            item: LightItem {
                project_code: r.get(5),
                project_name: r.get(6),
                item_type: r.get(7),
                department: r.get(8),
                due_on,
                light: Light::Green,
                days_overdue: 0,
                link,
            },
            object_id: id,
        };
        clocks.push(candidate);
    }
    Ok(ClockPage { clocks, next })
}

/// Who hears of a clock's change: those of its `audience`, and the channels of its
/// department (and of its region, when the office hears of it), each once.
async fn recipients(
    conn: &mut AnyConnection,
    c: &Candidate,
    audience: LightAudience,
    known: &mut Known,
) -> Result<Vec<Recipient>, StoreError> {
    let mut to: Vec<Recipient> = Vec::new();
    if audience.holder {
        to.extend(holders(conn, c, known).await?.into_iter().map(Recipient::User));
    }
    if audience.department_head {
        to.extend(known.heads(conn, &c.department_id).await?.iter().cloned().map(Recipient::User));
    }
    to.extend(known.channels(conn, &c.region, Some(&c.department_id)).await?.iter().cloned());
    if audience.office {
        to.extend(known.office(conn, &c.region).await?.iter().cloned().map(Recipient::User));
        to.extend(known.channels(conn, &c.region, None).await?.iter().cloned());
    }
    to.sort();
    to.dedup();
    Ok(to)
}

/// Who holds a clock: the handler or head who last acted on the application, or,
/// while nobody has (or for a ledger item), the department's handlers.
async fn holders(conn: &mut AnyConnection, c: &Candidate, known: &mut Known) -> Result<Vec<String>, StoreError> {
    if c.object_type == "application" {
        let last = sqlx::query(
            "SELECT e.actor_id FROM events e JOIN users u ON u.id = e.actor_id
             WHERE e.object_type = 'application' AND e.object_id = $1 AND e.actor_role IN ('handler', 'department_head')
                   AND u.disabled = FALSE
             ORDER BY e.at DESC LIMIT 1",
        )
        .bind(&c.object_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(r) = last {
            return Ok(vec![r.get(0)]);
        }
    }
    Ok(known.handlers(conn, &c.department_id).await?.to_vec())
}

/// A department's people and channels, read once per run however many of its
/// clocks changed.
#[derive(Default)]
struct Known {
    handlers: HashMap<String, Vec<String>>,
    heads: HashMap<String, Vec<String>>,
    office: HashMap<String, Vec<String>>,
    channels: HashMap<(String, Option<String>), Vec<Recipient>>,
}

impl Known {
    async fn handlers(&mut self, conn: &mut AnyConnection, department_id: &str) -> Result<&[String], StoreError> {
        if !self.handlers.contains_key(department_id) {
            let users = department_users(conn, department_id, &["handler"]).await?;
            self.handlers.insert(department_id.to_string(), users);
        }
        Ok(&self.handlers[department_id])
    }

    async fn heads(&mut self, conn: &mut AnyConnection, department_id: &str) -> Result<&[String], StoreError> {
        if !self.heads.contains_key(department_id) {
            let users = department_users(conn, department_id, &["department_head"]).await?;
            self.heads.insert(department_id.to_string(), users);
        }
        Ok(&self.heads[department_id])
    }

    async fn office(&mut self, conn: &mut AnyConnection, region: &str) -> Result<&[String], StoreError> {
        if !self.office.contains_key(region) {
            let users = office_users(conn, region).await?;
            self.office.insert(region.to_string(), users);
        }
        Ok(&self.office[region])
    }

    async fn channels(
        &mut self,
        conn: &mut AnyConnection,
        region: &str,
        department_id: Option<&str>,
    ) -> Result<&[Recipient], StoreError> {
        let key = (region.to_string(), department_id.map(str::to_string));
        if !self.channels.contains_key(&key) {
            let found = group_channels(conn, region, department_id).await?;
            self.channels.insert(key.clone(), found);
        }
        Ok(&self.channels[&key])
    }
}

async fn office_users(conn: &mut AnyConnection, region: &str) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query("SELECT id FROM users WHERE region_code = $1 AND role = 'office' AND disabled = FALSE ORDER BY id")
        .bind(region)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}
