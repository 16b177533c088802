//! Deadlines: a time limit counted from an event, with clock pauses (计时中止).
//!
//! The rules, all in one place:
//! - **Start.** The day of the event is not counted; counting begins the next day
//!   (行政许可法; DOMAIN.md "Counting time").
//! - **Working days.** The due day is the `limit`-th counted working day. A limit of 0
//!   is due on the event day itself.
//! - **Calendar days.** The due day is the `limit`-th counted calendar day; if that is
//!   not a working day, the next working day (民法典 art. 203: a period ending on a
//!   statutory holiday ends on the day after it). A limit of 0 is the event day, moved
//!   the same way.
//! - **Pauses.** A pause `{ from: P, to: Some(R) }` excludes the days `P+1 ..= R`:
//!   the day the pause begins still counts (the department worked it), and the day the
//!   clock resumes does not, so counting restarts the day after R, just as it starts
//!   the day after the event ("after corrected materials arrive, the clock restarts from
//!   the next day"). In short: counted days are `(start, ∞)` minus every `(P, R]`.
//!   Pauses may repeat and overlap; the excluded days are their union. `to == from`
//!   excludes nothing; `to < from` is an error. An open pause (`to: None`) excludes
//!   everything after P: if the limit is not reached by P, the deadline is unknown
//!   ([`Due::Paused`]) until the clock resumes.
//! - **Provisional.** A result is provisional when a day whose working-day status it
//!   depends on is not settled ([`WorkCalendar::is_settled`]): its year's notice is not
//!   loaded, or, for a December day, the next year's.

use crate::calendar::{CalendarError, WorkCalendar};
use crate::catalogue::LimitUnit;
use crate::light::{light, Light, LightPolicy};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Legally excluded time: expert review, hearing, public notice, waiting for
/// corrected materials. See the module documentation for which days it excludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockPause {
    /// The day the pause begins (still counted).
    pub from: NaiveDate,
    /// The day the clock resumes (not counted; counting restarts the next day).
    /// `None`: still paused.
    pub to: Option<NaiveDate>,
}

/// When a limit runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Due {
    /// The last day on which the work is on time.
    On { due_on: NaiveDate, provisional: bool },
    /// An open pause stopped the clock before the limit ran out.
    Paused { since: NaiveDate, provisional: bool },
}

impl Due {
    pub fn due_on(&self) -> Option<NaiveDate> {
        match *self {
            Due::On { due_on, .. } => Some(due_on),
            Due::Paused { .. } => None,
        }
    }
    pub fn is_provisional(&self) -> bool {
        match *self {
            Due::On { provisional, .. } | Due::Paused { provisional, .. } => provisional,
        }
    }
    pub fn paused_since(&self) -> Option<NaiveDate> {
        match *self {
            Due::On { .. } => None,
            Due::Paused { since, .. } => Some(since),
        }
    }
}

/// The dates to store for a pending item: what "all red items in department X" is
/// queried on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// `None` while an open pause holds the clock.
    pub due_on: Option<NaiveDate>,
    /// The first yellow day; `None` only while paused before reaching it. Never after
    /// `due_on`.
    pub warn_on: Option<NaiveDate>,
    pub provisional: bool,
    /// Set when the deadline is unknown because of an open pause.
    pub paused_since: Option<NaiveDate>,
}

impl Deadline {
    /// The light on `today`; `None` while the clock is paused (no deadline).
    pub fn light(&self, today: NaiveDate) -> Option<Light> {
        let due = self.due_on?;
        Some(light(today, due, self.warn_on.unwrap_or(due)))
    }
}

/// Excluded days `(from, to]` (`to: None` = unbounded), clipped to after the start,
/// disjoint and sorted.
#[derive(Debug, Clone, Copy)]
struct Gap {
    from: NaiveDate,
    to: Option<NaiveDate>,
    /// The earliest `from` among the pauses merged into this gap.
    since: NaiveDate,
}

fn gaps(start: NaiveDate, pauses: &[ClockPause]) -> Result<Vec<Gap>, CalendarError> {
    let mut v = Vec::with_capacity(pauses.len());
    for p in pauses {
        match p.to {
            Some(to) if to < p.from => return Err(CalendarError::PauseEndsBeforeStart { from: p.from, to }),
            Some(to) if to <= start || to == p.from => {} // excludes no counted day
            _ => v.push(Gap { from: p.from.max(start), to: p.to, since: p.from }),
        }
    }
    v.sort_by_key(|g| g.from);
    let mut merged: Vec<Gap> = Vec::with_capacity(v.len());
    for g in v {
        match merged.last_mut() {
            Some(last) if last.to.is_none_or(|to| g.from <= to) => {
                last.to = match (last.to, g.to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                last.since = last.since.min(g.since);
            }
            _ => merged.push(g),
        }
    }
    Ok(merged)
}

enum Walk {
    Reached { date: NaiveDate, provisional: bool },
    Paused { since: NaiveDate, provisional: bool },
}

impl WorkCalendar {
    /// Units of `unit` in `(a, b]`, for `a <= b`.
    fn measure(&self, unit: LimitUnit, a: NaiveDate, b: NaiveDate) -> i64 {
        match unit {
            LimitUnit::WorkingDays => self.working_days_between(a, b),
            LimitUnit::CalendarDays => (b - a).num_days(),
        }
    }

    fn advance(&self, unit: LimitUnit, a: NaiveDate, n: i64) -> Option<NaiveDate> {
        match unit {
            LimitUnit::WorkingDays => self.checked_add_working_days(a, u32::try_from(n).ok()?),
            LimitUnit::CalendarDays => a.checked_add_days(Days::new(u64::try_from(n).ok()?)),
        }
    }

    /// The `limit`-th counted day after `start`, before any move to a working day.
    fn walk(&self, start: NaiveDate, limit: u32, unit: LimitUnit, gaps: &[Gap]) -> Result<Walk, CalendarError> {
        let too_large = || CalendarError::LimitTooLarge { start, limit };
        if limit == 0 {
            return Ok(Walk::Reached { date: start, provisional: false });
        }
        // For calendar days the count does not depend on the calendar at all.
        let depends = unit == LimitUnit::WorkingDays;
        let (mut cur, mut left, mut provisional) = (start, i64::from(limit), false);
        for g in gaps {
            let m = self.measure(unit, cur, g.from);
            if m >= left {
                let date = self.advance(unit, cur, left).ok_or_else(too_large)?;
                provisional |= depends && self.is_provisional(cur, date);
                return Ok(Walk::Reached { date, provisional });
            }
            left -= m;
            provisional |= depends && self.is_provisional(cur, g.from);
            match g.to {
                Some(to) => cur = to,
                None => return Ok(Walk::Paused { since: g.since, provisional }),
            }
        }
        let date = self.advance(unit, cur, left).ok_or_else(too_large)?;
        provisional |= depends && self.is_provisional(cur, date);
        Ok(Walk::Reached { date, provisional })
    }

    /// For calendar days: the first working day on or after `date`.
    fn settle_on_working_day(&self, unit: LimitUnit, date: NaiveDate, provisional: bool) -> Result<Due, CalendarError> {
        if unit == LimitUnit::WorkingDays || self.is_working_day(date) {
            let provisional = provisional || (unit == LimitUnit::CalendarDays && !self.is_settled(date));
            return Ok(Due::On { due_on: date, provisional });
        }
        let due_on =
            self.checked_add_working_days(date, 1).ok_or(CalendarError::LimitTooLarge { start: date, limit: 1 })?;
        let from_raw = date.pred_opt().unwrap_or(date);
        Ok(Due::On { due_on, provisional: provisional || self.is_provisional(from_raw, due_on) })
    }

    /// When a `limit` counted from the event on `start` runs out, given the pauses.
    /// See the module documentation for the rules.
    pub fn compute_due(
        &self,
        start: NaiveDate,
        limit: u32,
        unit: LimitUnit,
        pauses: &[ClockPause],
    ) -> Result<Due, CalendarError> {
        let gaps = gaps(start, pauses)?;
        match self.walk(start, limit, unit, &gaps)? {
            Walk::Reached { date, provisional } => self.settle_on_working_day(unit, date, provisional),
            Walk::Paused { since, provisional } => Ok(Due::Paused { since, provisional }),
        }
    }

    /// The due day and the first yellow day. Yellow starts on the day the limit's
    /// used part first reaches [`LightPolicy::warn_threshold`], counted exactly like
    /// the limit (same unit, same pauses); for calendar days it is not moved to a
    /// working day. A threshold of 0 makes the event day yellow.
    pub fn compute_deadline(
        &self,
        start: NaiveDate,
        limit: u32,
        unit: LimitUnit,
        pauses: &[ClockPause],
        policy: &LightPolicy,
    ) -> Result<Deadline, CalendarError> {
        let gaps = gaps(start, pauses)?;
        let due = match self.walk(start, limit, unit, &gaps)? {
            Walk::Reached { date, provisional } => self.settle_on_working_day(unit, date, provisional)?,
            Walk::Paused { since, provisional } => Due::Paused { since, provisional },
        };
        let warn_on = match self.walk(start, policy.warn_threshold(limit), unit, &gaps)? {
            Walk::Reached { date, .. } => Some(date),
            Walk::Paused { .. } => None,
        };
        Ok(Deadline {
            due_on: due.due_on(),
            warn_on,
            provisional: due.is_provisional(),
            paused_since: due.paused_since(),
        })
    }

    /// Counted days of `unit` in `(start, today]`, pauses excluded; 0 when `today <= start`.
    pub fn limit_used(
        &self,
        start: NaiveDate,
        today: NaiveDate,
        unit: LimitUnit,
        pauses: &[ClockPause],
    ) -> Result<i64, CalendarError> {
        let mut used = 0;
        let mut cur = start;
        for g in gaps(start, pauses)? {
            if cur >= today {
                return Ok(used);
            }
            used += self.measure(unit, cur, g.from.min(today));
            match g.to {
                Some(to) => cur = to,
                None => return Ok(used),
            }
        }
        if cur < today {
            used += self.measure(unit, cur, today);
        }
        Ok(used)
    }

    /// Working days counted in `(start, today]`, pauses excluded; 0 when `today <= start`.
    pub fn working_days_used(
        &self,
        start: NaiveDate,
        today: NaiveDate,
        pauses: &[ClockPause],
    ) -> Result<i64, CalendarError> {
        self.limit_used(start, today, LimitUnit::WorkingDays, pauses)
    }
}

/// What people write in a deadline cell when there is no deadline yet: 待定, 无, 暂无,
/// —, -, /, 空, 未定, 待确定 and their kin. Such a row is read with a warning, no date
/// is stored, and nothing is lit until a date is set ([`Deadline::light`] is `None`
/// without a due date).
pub const NO_DATE_YET: &[&str] = &[
    "待定",
    "未定",
    "待确定",
    "未确定",
    "不确定",
    "暂未确定",
    "尚未确定",
    "暂不确定",
    "待明确",
    "未明确",
    "待核实",
    "待商定",
    "待议",
    "无",
    "暂无",
    "没有",
    "空",
    "无时限",
    "暂无时限",
    "未定时限",
    "待定时限",
    "/",
    "\\",
    "-",
    "--",
    "---",
    "—",
    "——",
    "–",
    "n/a",
    "na",
    "tbd",
    "×",
    "x",
];

/// Whether a deadline cell says that there is no deadline yet (see [`NO_DATE_YET`]).
/// Full-width forms, spaces and a trailing full stop count as the same.
pub fn is_no_date_yet(written: &str) -> bool {
    let t: String = crate::catalogue::to_half_width(written)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches(['。', '.'])
        .to_lowercase();
    !t.is_empty() && NO_DATE_YET.contains(&t.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_date_yet_is_recognised_and_lights_nothing() {
        for w in ["待定", " 待定 ", "无", "暂无", "—", "-", "/", "空", "未定", "待确定", "／", "ＴＢＤ", "待定。", "——"]
        {
            assert!(is_no_date_yet(w), "{w}");
        }
        for w in ["", "2022-09-30", "明年三月", "待", "无锡"] {
            assert!(!is_no_date_yet(w), "{w}");
        }
        let none = Deadline { due_on: None, warn_on: None, provisional: false, paused_since: None };
        assert_eq!(none.light(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()), None);
    }

    use super::*;
    use crate::calendar::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn gaps_merge_and_clip() {
        let p = |a: &str, b: Option<&str>| ClockPause { from: d(a), to: b.map(d) };
        let g = gaps(
            d("2024-03-01"),
            &[
                p("2024-03-10", Some("2024-03-12")),
                p("2024-02-01", Some("2024-03-01")), // before the start: nothing
                p("2024-03-05", Some("2024-03-10")), // adjacent to the first: merged
                p("2024-03-20", Some("2024-03-20")), // empty
                p("2024-03-25", None),
                p("2024-03-26", Some("2024-04-30")), // inside the open one
            ],
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].from, g[0].to, g[0].since), (d("2024-03-05"), Some(d("2024-03-12")), d("2024-03-05")));
        assert_eq!((g[1].from, g[1].to), (d("2024-03-25"), None));
        let e = gaps(d("2024-03-01"), &[p("2024-03-10", Some("2024-03-09"))]).unwrap_err();
        assert!(e.to_string().contains("2024-03-09") && e.to_string().contains("2024-03-10"), "{e}");
    }
}
