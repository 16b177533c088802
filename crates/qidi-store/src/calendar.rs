//! The official calendar in the database: seeded from the shipped notices on first
//! use, extended by administrators year by year; and the stored deadlines that follow it.
//!
//! # Importing a year
//!
//! [`Store::import_calendar_file`] loads one year's notice in one transaction:
//! - a file that contradicts the loaded calendar (a date another year's notice lists
//!   the other way) is refused, naming the date, and nothing is written;
//! - a year already loaded is accepted only when the file lists exactly the same dates
//!   with the same values (nothing is written then); a file that differs is refused,
//!   naming the first date that differs. A loaded year is never overwritten, so that
//!   deadlines already computed, lit and reported do not move under the officials who
//!   answer for them;
//! - otherwise the year is stored, a `calendar.import` event is appended, and the
//!   stored deadlines the change touches are recomputed, all in the same transaction.
//!
//! # Deadlines that follow the calendar
//!
//! `pending_items` and `applications` store `due_on`, `warn_on` and `provisional`
//! (migrations 0005 and 0003), so that "all red items in department X" is an index
//! query. A due date computed from the calendar is written with [`set_deadline`], which
//! also keeps what it was computed from (start, limit, unit, clock pauses, warning
//! policy) in `deadline_clocks`; when the clock stops (decided, withdrawn, waiting for
//! the unit) [`clear_deadline`] stops following it. The workflow calls these in the
//! transaction of the step that starts, pauses, resumes or ends a clock.
//!
//! A calendar change then recomputes ([`recompute_deadlines`], in the same transaction):
//! - only rows that have a clock (dates typed in by hand are literal and never move);
//! - and of those only rows whose `due_on` or `warn_on` is on or after the first date
//!   whose working-day status changed, rows marked provisional (their year's notice
//!   was missing; loading it settles them), and rows with no due date (an open clock
//!   pause). A deadline before the first changed date counted only unchanged days, so
//!   it is left alone.
//!
//! It rewrites `due_on`, `warn_on` and `provisional` and nothing else: the state, the
//! clock's kind and the start of an open pause do not depend on the calendar.
//!
//! A deadline is provisional when it counts across a day whose status is not settled:
//! its year's notice is not loaded (or, for a December day, the next year's).
//!
//! Calendar writes and deadline writes take one lock row (`app_meta` key
//! `calendar_lock`), so an import and a deadline computed at the same time cannot miss
//! each other, and two imports cannot both pass the contradiction check. Both take it
//! before touching any other row ([`locked_calendar`]), so they wait for each other
//! and never deadlock.

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{now_text, Store, StoreError};
use chrono::{Datelike, NaiveDate};
use qidi_core::calendar::{shipped_files, weekday_zh, CalendarDay, HolidayFile, WorkCalendar};
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::{ClockPause, Deadline};
use qidi_core::light::LightPolicy;
use qidi_core::sentence::Sentence;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The earliest notice year that may be imported.
pub const FIRST_IMPORT_YEAR: i32 = 1990;
/// How many years after the current one may be imported (the State Council publishes
/// the next year's notice in the autumn; a larger year is a typing error).
pub const YEARS_AHEAD: i32 = 3;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarImport {
    pub year: i32,
    /// Dates the file lists.
    pub days: usize,
    /// The year was already loaded with exactly these dates: nothing was written.
    pub unchanged: bool,
    /// The first date whose working-day status changed, if any.
    pub first_changed: Option<NaiveDate>,
    pub recomputed: DeadlineRecompute,
}

/// What a recomputation of stored deadlines did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeadlineRecompute {
    /// Rows selected and computed again.
    pub examined: u64,
    /// Rows whose due date, warning date or provisional mark changed.
    pub changed: u64,
}

/// One loaded year, for the administrator's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    /// Dates its notice lists.
    pub days: i64,
    pub off_days: i64,
    /// 调休: weekend days declared working days.
    pub make_up_days: i64,
    pub papers: Vec<String>,
    pub loaded_at: String,
}

/// Which table a stored deadline lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineTarget {
    PendingItem,
    Application,
}

impl DeadlineTarget {
    pub const ALL: [DeadlineTarget; 2] = [DeadlineTarget::PendingItem, DeadlineTarget::Application];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineTarget::PendingItem => "pending_item",
            DeadlineTarget::Application => "application",
        }
    }

    fn table(self) -> &'static str {
        match self {
            DeadlineTarget::PendingItem => "pending_items",
            DeadlineTarget::Application => "applications",
        }
    }
}

/// What a stored deadline is computed from: a limit counted from an event, with its
/// clock pauses and the item type's warning policy (see `qidi_core::deadline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineClock {
    /// The day of the event; counting starts the next day.
    pub started_on: NaiveDate,
    pub limit: u32,
    pub unit: LimitUnit,
    #[serde(default)]
    pub pauses: Vec<ClockPause>,
    pub policy: LightPolicy,
}

impl DeadlineClock {
    pub fn deadline(&self, cal: &WorkCalendar) -> Result<Deadline, StoreError> {
        cal.compute_deadline(self.started_on, self.limit, self.unit, &self.pauses, &self.policy)
            .map_err(|e| StoreError::invalid(&e))
    }
}

/// A deadline as stored on its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredDeadline {
    pub due_on: Option<NaiveDate>,
    pub warn_on: Option<NaiveDate>,
    pub is_provisional: bool,
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_stored_date(s: &str, what: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::invalid(format!("{what} holds a malformed date `{s}`")))
}

fn status_zh(listed: Option<bool>) -> &'static str {
    match listed {
        Some(true) => "放假",
        Some(false) => "调休上班",
        None => "未列出",
    }
}

/// A date's status in a notice, as a code the catalogues choose their words by.
fn status_code(listed: Option<bool>) -> &'static str {
    match listed {
        Some(true) => "off",
        Some(false) => "work",
        None => "unlisted",
    }
}

/// Take the calendar lock for the rest of the transaction (a write, so it serialises
/// on both engines).
async fn lock_calendar(conn: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ('calendar_lock', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Load the shipped notices if none is loaded, within the caller's transaction.
async fn seed_in(conn: &mut AnyConnection) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM calendar_years").fetch_one(&mut *conn).await?.get(0);
    if n > 0 {
        return Ok(false);
    }
    let files = shipped_files();
    for file in &files {
        insert_file(&mut *conn, file).await?;
    }
    append(
        &mut *conn,
        &NewEvent {
            action: "calendar.seed".into(),
            object_type: "calendar".into(),
            payload: serde_json::json!({ "years": files.iter().map(|f| f.year).collect::<Vec<_>>() }),
            ..Default::default()
        },
    )
    .await?;
    Ok(true)
}

/// The stored years and listed dates.
async fn stored_days(conn: &mut AnyConnection) -> Result<(Vec<i32>, Vec<CalendarDay>), StoreError> {
    let years: Vec<i32> = sqlx::query("SELECT year FROM calendar_years ORDER BY year")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get::<i64, _>(0) as i32)
        .collect();
    let rows = sqlx::query("SELECT date, is_off_day, year FROM calendar_days ORDER BY date, year")
        .fetch_all(&mut *conn)
        .await?;
    let mut days = Vec::with_capacity(rows.len());
    for r in &rows {
        let date = parse_stored_date(&r.get::<String, _>(0), "calendar_days")?;
        days.push(CalendarDay { date, is_off_day: crate::get_bool(r, 1), year: r.get::<i64, _>(2) as i32 });
    }
    Ok((years, days))
}

/// The working-day calendar as stored, read on the caller's connection or transaction.
/// Does not seed: on an empty table it is the weekday calendar with nothing published.
pub async fn load_calendar(conn: &mut AnyConnection) -> Result<WorkCalendar, StoreError> {
    let (years, days) = stored_days(conn).await?;
    WorkCalendar::from_days(days, years).map_err(|e| StoreError::invalid(&e))
}

/// Check that a notice year is one that can be imported.
pub fn check_import_year(year: i32) -> Result<(), StoreError> {
    let last = crate::today().year() + YEARS_AHEAD;
    if (FIRST_IMPORT_YEAR..=last).contains(&year) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            Sentence::new(
                "err-calendar-year-out-of-range",
                format!(
                    "放假安排的年份 {year} 超出可导入的范围（{FIRST_IMPORT_YEAR} 至 {last} 年），请检查文件中的 year"
                ),
            )
            .arg("year", year.to_string())
            .arg("first", FIRST_IMPORT_YEAR.to_string())
            .arg("last", last.to_string()),
        ))
    }
}

impl Store {
    /// Load the shipped notices if the table is empty. Running it again changes nothing.
    pub async fn seed_calendar(&self) -> Result<(), StoreError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM calendar_years").fetch_one(&self.pool).await?.get(0);
        if n > 0 {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        lock_calendar(&mut tx).await?;
        seed_in(&mut tx).await?;
        tx.commit().await.map_err(Into::into)
    }

    /// The working-day calendar as stored. It is read again only when its version moved
    /// (any change of its rows, by any server, moves it): one small query otherwise.
    pub async fn work_calendar(&self) -> Result<Arc<WorkCalendar>, StoreError> {
        let version: i64 = sqlx::query("SELECT version FROM calendar_version").fetch_one(&self.pool).await?.get(0);
        if let Some((v, cal)) = self.calendar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            if *v == version {
                return Ok(cal.clone());
            }
        }
        self.seed_calendar().await?;
        let mut conn = self.pool.acquire().await?;
        // Read the version with the days, so that a change in between is read next time.
        let version: i64 = sqlx::query("SELECT version FROM calendar_version").fetch_one(&mut *conn).await?.get(0);
        let cal = Arc::new(load_calendar(&mut conn).await?);
        *self.calendar.lock().unwrap_or_else(|e| e.into_inner()) = Some((version, cal.clone()));
        Ok(cal)
    }

    /// The loaded years, oldest first, with their counts.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>, StoreError> {
        self.seed_calendar().await?;
        let rows = sqlx::query("SELECT year, papers, loaded_at FROM calendar_years ORDER BY year")
            .fetch_all(&self.pool)
            .await?;
        let mut years: BTreeMap<i32, CalendarYear> = rows
            .iter()
            .map(|r| {
                let year = r.get::<i64, _>(0) as i32;
                let papers: Vec<String> = serde_json::from_str(&r.get::<String, _>(1)).unwrap_or_default();
                (year, CalendarYear { year, days: 0, off_days: 0, make_up_days: 0, papers, loaded_at: r.get(2) })
            })
            .collect();
        let mut conn = self.pool.acquire().await?;
        let (_, days) = stored_days(&mut conn).await?;
        for d in days {
            if let Some(y) = years.get_mut(&d.year) {
                y.days += 1;
                if d.is_off_day {
                    y.off_days += 1;
                } else {
                    y.make_up_days += 1;
                }
            }
        }
        Ok(years.into_values().collect())
    }

    /// Load one year's notice (already parsed and checked by [`HolidayFile::parse`]).
    /// See the module documentation for what is refused; every refusal is
    /// [`StoreError::Invalid`] with a Chinese message naming the date, and writes nothing.
    pub async fn import_calendar_file(
        &self,
        file: &HolidayFile,
        actor: Option<&User>,
    ) -> Result<CalendarImport, StoreError> {
        check_import_year(file.year)?;
        let mut tx = self.begin_write().await?;
        lock_calendar(&mut tx).await?;
        seed_in(&mut tx).await?;
        let (years, days) = stored_days(&mut tx).await?;
        if years.contains(&file.year) {
            let loaded: BTreeMap<NaiveDate, bool> =
                days.iter().filter(|d| d.year == file.year).map(|d| (d.date, d.is_off_day)).collect();
            let given: BTreeMap<NaiveDate, bool> = file.days.iter().map(|d| (d.date, d.is_off_day)).collect();
            let dates: BTreeSet<NaiveDate> = loaded.keys().chain(given.keys()).copied().collect();
            let Some(date) = dates.into_iter().find(|d| loaded.get(d) != given.get(d)) else {
                // Nothing to write (but keep the shipped notices if this call seeded them).
                tx.commit().await?;
                return Ok(CalendarImport {
                    year: file.year,
                    days: file.days.len(),
                    unchanged: true,
                    first_changed: None,
                    recomputed: DeadlineRecompute::default(),
                });
            };
            let (imported, in_file) = (loaded.get(&date).copied(), given.get(&date).copied());
            return Err(StoreError::invalid(
                Sentence::new(
                    "err-calendar-differs-from-imported",
                    format!(
                        "{year} 年放假安排已经导入，上传的文件与之不同：{date}（{weekday}）已导入的为“{a}”，文件中为“{b}”。\
                         已导入的年度不会被覆盖，以免已算出的时限随之改变",
                        year = file.year,
                        weekday = weekday_zh(date),
                        a = status_zh(imported),
                        b = status_zh(in_file),
                    ),
                )
                .arg("year", file.year.to_string())
                .arg("date", date)
                .arg("imported", status_code(imported))
                .arg("file", status_code(in_file)),
            ));
        }
        let old = WorkCalendar::from_days(days.iter().copied(), years.iter().copied())
            .map_err(|e| StoreError::invalid(&e))?;
        let new = WorkCalendar::from_days(
            days.iter().copied().chain(file.calendar_days()),
            years.iter().copied().chain([file.year]),
        )
        .map_err(|e| StoreError::invalid(&e))?;
        // Only listed dates can change: an unlisted date is a weekday in both.
        let first_changed = file.days.iter().map(|d| d.date).find(|&d| old.is_working_day(d) != new.is_working_day(d));
        insert_file(&mut tx, file).await.map_err(|e| {
            if e.is_unique_violation() {
                StoreError::conflict(
                    Sentence::new(
                        "err-calendar-imported-meanwhile",
                        format!("{} 年放假安排刚刚已被他人导入，请刷新后查看", file.year),
                    )
                    .arg("year", file.year.to_string()),
                )
            } else {
                e
            }
        })?;
        let recomputed = recompute_deadlines(&mut tx, &new, first_changed).await?;
        append(
            &mut tx,
            &NewEvent {
                region_code: actor.map(|a| a.region_code.clone()).unwrap_or_default(),
                actor_id: actor.map(|a| a.id.clone()),
                actor_role: actor.map(|a| a.role.as_str().to_string()),
                action: "calendar.import".into(),
                object_type: "calendar".into(),
                object_id: Some(file.year.to_string()),
                payload: serde_json::json!({
                    "year": file.year,
                    "days": file.days.len(),
                    "papers": file.papers,
                    "first_changed": first_changed.map(date_text),
                    "deadlines_examined": recomputed.examined,
                    "deadlines_changed": recomputed.changed,
                }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(CalendarImport { year: file.year, days: file.days.len(), unchanged: false, first_changed, recomputed })
    }

    /// Recompute, on the calendar as stored, every stored deadline with a clock whose
    /// due or warning date is on or after `from`, or that is provisional or paused (see
    /// the module documentation); one transaction with a `calendar.recompute` event.
    /// [`Store::import_calendar_file`] does this itself, from the first changed date.
    pub async fn recompute_deadlines_from(&self, from: NaiveDate) -> Result<DeadlineRecompute, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_calendar(&mut tx).await?;
        seed_in(&mut tx).await?;
        let cal = load_calendar(&mut tx).await?;
        let done = recompute_deadlines(&mut tx, &cal, Some(from)).await?;
        append(
            &mut tx,
            &NewEvent {
                action: "calendar.recompute".into(),
                object_type: "calendar".into(),
                payload: serde_json::json!({ "from": date_text(from), "examined": done.examined, "changed": done.changed }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The deadline stored on a row, if the row exists.
    pub async fn stored_deadline(
        &self,
        target: DeadlineTarget,
        id: &str,
    ) -> Result<Option<StoredDeadline>, StoreError> {
        let sql = format!("SELECT due_on, warn_on, provisional FROM {} WHERE id = $1", target.table());
        let Some(r) = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let date = |i: usize| -> Result<Option<NaiveDate>, StoreError> {
            r.get::<Option<String>, _>(i).map(|s| parse_stored_date(&s, target.table())).transpose()
        };
        Ok(Some(StoredDeadline { due_on: date(0)?, warn_on: date(1)?, is_provisional: crate::get_bool(&r, 2) }))
    }

    /// The clock a row's deadline follows, if it has one.
    pub async fn deadline_clock(&self, target: DeadlineTarget, id: &str) -> Result<Option<DeadlineClock>, StoreError> {
        let row = sqlx::query(
            "SELECT started_on, time_limit, limit_unit, pauses, warn_days, warn_ratio_percent
             FROM deadline_clocks WHERE object_type = $1 AND object_id = $2",
        )
        .bind(target.as_str())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(clock_from_row).transpose()
    }
}

/// Columns 0..6: started_on, time_limit, limit_unit, pauses, warn_days, warn_ratio_percent.
fn clock_from_row(r: &sqlx::any::AnyRow) -> Result<DeadlineClock, StoreError> {
    let bad = |what: &str| StoreError::invalid(format!("deadline_clocks holds a malformed {what}"));
    let unit: String = r.get(2);
    Ok(DeadlineClock {
        started_on: parse_stored_date(&r.get::<String, _>(0), "deadline_clocks")?,
        limit: u32::try_from(r.get::<i64, _>(1)).map_err(|_| bad("time_limit"))?,
        unit: LimitUnit::parse(&unit).ok_or_else(|| bad("limit_unit"))?,
        pauses: serde_json::from_str(&r.get::<String, _>(3)).map_err(|_| bad("pauses"))?,
        policy: LightPolicy {
            warn_days: u32::try_from(r.get::<i64, _>(4)).map_err(|_| bad("warn_days"))?,
            warn_ratio_percent: u32::try_from(r.get::<i64, _>(5)).map_err(|_| bad("warn_ratio_percent"))?,
        },
    })
}

/// Take the calendar lock and load the calendar as stored, in `conn`'s transaction:
/// what any deadline write does first. A deadline computed from the result stays the
/// calendar's until commit, and taking the lock before any other row (as a calendar
/// import does) means a workflow step and an import cannot deadlock.
pub async fn locked_calendar(conn: &mut AnyConnection) -> Result<WorkCalendar, StoreError> {
    lock_calendar(&mut *conn).await?;
    seed_in(&mut *conn).await?;
    load_calendar(&mut *conn).await
}

/// Compute a row's deadline from `clock` on the calendar as stored, write `due_on`,
/// `warn_on` and `provisional` on the row, and keep the clock so that calendar
/// changes recompute it. Call it in the transaction that starts, pauses or resumes the
/// clock (and appends the event); call it again with the new pauses after each pause
/// or resumption. [`StoreError::NotFound`] when the row does not exist.
pub async fn set_deadline(
    conn: &mut AnyConnection,
    target: DeadlineTarget,
    id: &str,
    clock: &DeadlineClock,
) -> Result<Deadline, StoreError> {
    let cal = locked_calendar(&mut *conn).await?;
    let deadline = clock.deadline(&cal)?;
    keep_clock(&mut *conn, target, id, clock).await?;
    write_deadline(&mut *conn, target, id, &deadline).await?;
    Ok(deadline)
}

/// Keep the clock behind a row's deadline, so that calendar changes recompute it. The
/// caller computed the deadline from [`locked_calendar`] in this transaction and wrote
/// it with the row. [`StoreError::NotFound`] when the row does not exist.
pub(crate) async fn keep_clock(
    conn: &mut AnyConnection,
    target: DeadlineTarget,
    id: &str,
    clock: &DeadlineClock,
) -> Result<(), StoreError> {
    let region: Option<String> = sqlx::query(&format!("SELECT region_code FROM {} WHERE id = $1", target.table()))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.get(0));
    let Some(region) = region else {
        return Err(StoreError::NotFound(format!("{} {id} not found", target.as_str())));
    };
    sqlx::query(
        "INSERT INTO deadline_clocks (object_type, object_id, region_code, started_on, time_limit, limit_unit, pauses, warn_days, warn_ratio_percent, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (object_type, object_id) DO UPDATE SET region_code = excluded.region_code, started_on = excluded.started_on,
             time_limit = excluded.time_limit, limit_unit = excluded.limit_unit, pauses = excluded.pauses,
             warn_days = excluded.warn_days, warn_ratio_percent = excluded.warn_ratio_percent, updated_at = excluded.updated_at",
    )
    .bind(target.as_str())
    .bind(id)
    .bind(region)
    .bind(date_text(clock.started_on))
    .bind(i64::from(clock.limit))
    .bind(clock.unit.as_str())
    .bind(serde_json::to_string(&clock.pauses).unwrap_or_else(|_| "[]".into()))
    .bind(i64::from(clock.policy.warn_days))
    .bind(i64::from(clock.policy.warn_ratio_percent))
    .bind(now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stop recomputing a row's deadline (its clock ended: decided, withdrawn, granted).
/// The stored dates stay as the record of the last deadline.
pub async fn clear_deadline(conn: &mut AnyConnection, target: DeadlineTarget, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM deadline_clocks WHERE object_type = $1 AND object_id = $2")
        .bind(target.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn write_deadline(
    conn: &mut AnyConnection,
    target: DeadlineTarget,
    id: &str,
    d: &Deadline,
) -> Result<(), StoreError> {
    let sql = format!("UPDATE {} SET due_on = $1, warn_on = $2, provisional = $3 WHERE id = $4", target.table());
    sqlx::query(&sql)
        .bind(d.due_on.map(date_text))
        .bind(d.warn_on.map(date_text))
        .bind(d.provisional)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Recompute, on `cal`, the stored deadlines a calendar change from `first_changed`
/// may touch: rows with a clock whose `due_on` or `warn_on` is on or after that date,
/// or that are provisional, or that have no due date (an open pause). With no changed
/// date only the provisional and paused rows are recomputed (a newly loaded year can
/// settle them without moving any day). Rows whose dates are earlier counted only
/// unchanged, settled days and are not read. Runs in the caller's transaction.
pub async fn recompute_deadlines(
    conn: &mut AnyConnection,
    cal: &WorkCalendar,
    first_changed: Option<NaiveDate>,
) -> Result<DeadlineRecompute, StoreError> {
    // Dates are 'YYYY-MM-DD' text, so text order is date order; nothing is due after 9999.
    let from = first_changed.map(date_text).unwrap_or_else(|| "9999-12-31".into());
    let mut done = DeadlineRecompute::default();
    for target in DeadlineTarget::ALL {
        let sql = format!(
            "SELECT c.started_on, c.time_limit, c.limit_unit, c.pauses, c.warn_days, c.warn_ratio_percent,
                    t.id, t.due_on, t.warn_on, t.provisional
             FROM {} t JOIN deadline_clocks c ON c.object_type = $1 AND c.object_id = t.id
             WHERE t.due_on IS NULL OR t.due_on >= $2 OR t.warn_on >= $2 OR t.provisional = TRUE
             ORDER BY t.id",
            target.table()
        );
        let rows = sqlx::query(&sql).bind(target.as_str()).bind(&from).fetch_all(&mut *conn).await?;
        for r in &rows {
            let clock = clock_from_row(r)?;
            let id: String = r.get(6);
            let stored = (r.get::<Option<String>, _>(7), r.get::<Option<String>, _>(8), crate::get_bool(r, 9));
            let d = clock.deadline(cal)?;
            done.examined += 1;
            if stored != (d.due_on.map(date_text), d.warn_on.map(date_text), d.provisional) {
                write_deadline(&mut *conn, target, &id, &d).await?;
                done.changed += 1;
            }
        }
    }
    recompute_hotline_clocks(conn, cal, &from, &mut done).await?;
    Ok(done)
}

/// 12345 work orders' running clocks count working days on the same calendar: those
/// due or warning on or after `from` are recomputed from their start and limit.
async fn recompute_hotline_clocks(
    conn: &mut AnyConnection,
    cal: &WorkCalendar,
    from: &str,
    done: &mut DeadlineRecompute,
) -> Result<(), StoreError> {
    use qidi_core::hotline::{Deadline as OrderDeadline, OrderState};
    let rows = sqlx::query(
        "SELECT id, state, clock_started_on, clock_limit, due_on, warn_on FROM hotline_orders
         WHERE state <> 'closed' AND clock_started_on IS NOT NULL AND (due_on >= $1 OR warn_on >= $1)
         ORDER BY id",
    )
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let id: String = r.get(0);
        let state: String = r.get(1);
        let Some(clock) = OrderState::parse(&state).and_then(OrderState::clock) else { continue };
        let started = parse_stored_date(&r.get::<String, _>(2), "hotline_orders")?;
        let limit = u32::try_from(r.get::<Option<i64>, _>(3).unwrap_or(0)).unwrap_or(0);
        let d = OrderDeadline::start(cal, clock, started, limit);
        done.examined += 1;
        let stored = (r.get::<Option<String>, _>(4), r.get::<Option<String>, _>(5));
        if stored != (Some(date_text(d.due_on)), Some(date_text(d.warn_on))) {
            sqlx::query("UPDATE hotline_orders SET due_on = $1, warn_on = $2 WHERE id = $3")
                .bind(date_text(d.due_on))
                .bind(date_text(d.warn_on))
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            done.changed += 1;
        }
    }
    Ok(())
}

pub(crate) async fn insert_file(conn: &mut AnyConnection, file: &HolidayFile) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO calendar_years (year, papers, loaded_at) VALUES ($1, $2, $3)")
        .bind(i64::from(file.year))
        .bind(serde_json::to_string(&file.papers).unwrap_or_else(|_| "[]".into()))
        .bind(now_text())
        .execute(&mut *conn)
        .await?;
    for d in &file.days {
        sqlx::query("INSERT INTO calendar_days (date, is_off_day, name, year) VALUES ($1, $2, $3, $4)")
            .bind(date_text(d.date))
            .bind(d.is_off_day)
            .bind(&d.name)
            .bind(i64::from(file.year))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
