//! The helpers every generated row uses: the run's counter keys, times in UTC+8, dates, text values.

use crate::ledger_import::Val;
use crate::timestamp_text;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

pub(super) fn meta_key(region: &str, what: &str) -> String {
    format!("demo_scale:{region}:{what}")
}

pub(super) fn at(day: NaiveDate, minute: u32) -> DateTime<FixedOffset> {
    let t = day.and_hms_opt(9 + minute / 60 % 8, minute % 60, 0).expect("a valid time");
    crate::beijing().from_local_datetime(&t).single().expect("fixed offset")
}

pub(super) fn stamp(t: DateTime<FixedOffset>) -> String {
    timestamp_text(t.with_timezone(&chrono::Utc))
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn text(s: impl Into<String>) -> Val {
    Val::Text(Some(s.into()))
}

pub(super) fn opt(s: Option<String>) -> Val {
    Val::Text(s)
}
