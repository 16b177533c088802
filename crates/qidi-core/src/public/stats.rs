//! Region-wide statistics of the public record: the baseline and what became of it,
//! the on-time rate of each department, and the remaining count week by week.

use crate::ledger::{BaselineDay, BurnDown, Progress};
use chrono::NaiveDate;
use serde::Serialize;

/// Clocks that ended at one department, by outcome (from the kept clock records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentOutcomes {
    pub department: String,
    pub on_time: u64,
    pub late: u64,
    pub deemed: u64,
}

/// What the store reads for the statistics.
#[derive(Debug, Clone, Default)]
pub struct StatsSource {
    pub campaign: Option<String>,
    pub campaign_ends_on: Option<NaiveDate>,
    /// Baseline entries counted by day (the store's kept counts).
    pub days: Vec<BaselineDay>,
    pub outcomes: Vec<DepartmentOutcomes>,
}

/// A department's on-time rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicOnTime {
    pub department: String,
    pub on_time: u64,
    pub late: u64,
    pub deemed: u64,
    /// On-time share of the clocks that ended, in per mille; `None` when none ended.
    pub on_time_permille: Option<u32>,
    /// "92.5%", or "—".
    pub rate: String,
}

impl PublicOnTime {
    pub fn of(o: &DepartmentOutcomes) -> PublicOnTime {
        let ended = o.on_time + o.late + o.deemed;
        let on_time_permille = (ended > 0).then(|| (o.on_time.saturating_mul(1000) / ended) as u32);
        PublicOnTime {
            department: o.department.clone(),
            on_time: o.on_time,
            late: o.late,
            deemed: o.deemed,
            on_time_permille,
            rate: on_time_permille.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10)),
        }
    }
}

/// Remaining at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekPoint {
    pub on: NaiveDate,
    pub remaining: u64,
}

/// The public statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicStats {
    pub campaign: Option<String>,
    pub campaign_ends_on: Option<NaiveDate>,
    pub as_of: NaiveDate,
    /// Entries of the signed ledgers.
    pub baseline: u64,
    /// Entries found later and added.
    pub additions: u64,
    pub approved: u64,
    pub removed: u64,
    pub remaining: u64,
    pub percent_done: u64,
    /// Departments, the highest on-time rate first; those with no ended clock last.
    pub on_time_by_department: Vec<PublicOnTime>,
    /// Remaining at the start and at the end of every week since, up to today.
    pub burn_down: Vec<WeekPoint>,
}

impl PublicStats {
    pub fn of(src: &StatsSource, today: NaiveDate) -> PublicStats {
        let progress = Progress::of_days(&src.days);
        let mut on_time: Vec<PublicOnTime> = src.outcomes.iter().map(PublicOnTime::of).collect();
        on_time.sort_by(|a, b| {
            b.on_time_permille
                .is_some()
                .cmp(&a.on_time_permille.is_some())
                .then(b.on_time_permille.cmp(&a.on_time_permille))
                .then(a.department.cmp(&b.department))
        });
        PublicStats {
            campaign: src.campaign.clone(),
            campaign_ends_on: src.campaign_ends_on,
            as_of: today,
            baseline: progress.baseline,
            additions: progress.additions,
            approved: progress.approved,
            removed: progress.removed,
            remaining: progress.remaining,
            percent_done: progress.percent_done(),
            on_time_by_department: on_time,
            burn_down: weekly_remaining(&src.days, today),
        }
    }

    /// Whether there is anything to chart.
    pub fn is_empty(&self) -> bool {
        self.baseline + self.additions == 0
    }
}

/// The remaining count week by week: at the day the baseline was fixed (the earliest
/// entry of a signed ledger, else the earliest entry), then every 7 days, and at
/// `today`. Empty without entries. Counted like [`BurnDown`]: an entry counts from
/// the day it was added (not before the start) until the day it was reduced.
pub fn weekly_remaining(days: &[BaselineDay], today: NaiveDate) -> Vec<WeekPoint> {
    let Some(start) = BaselineDay::baseline_start(days) else {
        return Vec::new();
    };
    let b = BurnDown::of_days(days, start, start, today);
    // `actual` holds the remaining on every day it changed: the value on a day is that
    // of the last change on or before it.
    let at = |day: NaiveDate| -> u64 {
        let i = b.actual.partition_point(|p| p.0 <= day);
        if i == 0 {
            b.initial
        } else {
            b.actual[i - 1].1
        }
    };
    let last = today.max(start);
    let mut out = Vec::new();
    let mut day = start;
    while day < last {
        out.push(WeekPoint { on: day, remaining: at(day) });
        day += chrono::Duration::days(7);
    }
    out.push(WeekPoint { on: last, remaining: at(last) });
    out
}
