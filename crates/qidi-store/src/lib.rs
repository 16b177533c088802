//! qidi's persistence: one repository API over embedded SQLite and PostgreSQL.
//!
//! Both backends go through sqlx's `Any` driver with the same SQL: ids, dates and
//! timestamps are text, integers are 64-bit, and placeholders are `$1…$n`, which both
//! engines accept. Each backend has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`), compiled into the binary. The store remembers and
//! translates; the rules it applies (who sees what, what a password must be) come
//! from `qidi-core`.

pub mod account_security;
pub mod assessment;
pub mod audit;
pub mod baseline;
pub mod bulletins;
pub mod calendar;
pub mod campaigns;
pub mod counts;
mod db;
pub mod demo;
pub mod demo_scale;
mod demo_workflow;
pub mod departments;
mod error;
pub mod events;
pub mod hotline;
mod jobs;
pub mod ledger;
pub mod ledger_import;
pub mod ledger_readings;
pub mod library;
pub mod lookback;
pub mod messages;
pub mod name_aliases;
pub mod outside_approval;
pub mod password;
pub mod personal;
#[cfg(test)]
mod plans;
pub mod progress_reports;
pub mod public;
pub mod second_factor;
pub mod seed;
pub mod supervision;
pub mod testing;
pub mod tokens;
pub mod uploads;
pub mod users;
pub mod workflow;

pub use db::{redact_url, Backend, Store};
pub use error::StoreError;

/// The current time as stored: RFC 3339 with the Asia/Shanghai offset.
pub fn now_text() -> String {
    timestamp_text(now())
}

/// The current instant: the machine's clock, or the trial clock (演练时钟) when one is
/// set with [`start_trial_clock`].
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + TRIAL_OFFSET.get().copied().unwrap_or_default()
}

static TRIAL_OFFSET: std::sync::OnceLock<chrono::Duration> = std::sync::OnceLock::new();
static TRIAL_START: std::sync::OnceLock<chrono::DateTime<chrono::FixedOffset>> = std::sync::OnceLock::new();

/// Start this process's clock at `at` (`QIDI_NOW`); it runs on from there. For
/// training, trials and tests on a copy of the data. Only the first call counts.
pub fn start_trial_clock(at: chrono::DateTime<chrono::FixedOffset>) {
    let _ = TRIAL_OFFSET.set(at.with_timezone(&chrono::Utc) - chrono::Utc::now());
    let _ = TRIAL_START.set(at);
}

/// The instant the trial clock was started at, while one is set.
pub fn trial_clock() -> Option<chrono::DateTime<chrono::FixedOffset>> {
    TRIAL_START.get().copied()
}

/// Beijing time (UTC+8, no daylight saving): the zone qidi shows every time in and dates
/// every day by.
pub fn beijing() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn timestamp_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&beijing()).format("%Y-%m-%dT%H:%M:%S%.6f%:z").to_string()
}

/// Today's date in Asia/Shanghai.
pub fn today() -> chrono::NaiveDate {
    now().with_timezone(&beijing()).date_naive()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Read a boolean column: BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite.
pub(crate) fn get_bool(row: &sqlx::any::AnyRow, idx: usize) -> bool {
    use sqlx::Row;
    row.try_get::<bool, _>(idx).or_else(|_| row.try_get::<i64, _>(idx).map(|v| v != 0)).unwrap_or(false)
}
