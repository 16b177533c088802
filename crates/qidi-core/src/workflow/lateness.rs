//! Lateness kept forever (超期办结): what each clock that ended owed, used and overran,
//! and when an application counts as accepted because its notice limit ran out
//! (视为受理, 行政许可法 art. 32).
//!
//! Both need the working-day calendar, so they live beside the fold rather than in it:
//! the fold records which clock ran from when to when, and these count it.

use super::{Action, ApplicationState, ApplicationView, ClockKind, ClockRun};
use crate::calendar::{CalendarError, WorkCalendar};
use crate::catalogue::LimitUnit;
use crate::deadline::{ClockPause, Due};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a clock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockOutcome {
    /// Ended on or before its due date.
    OnTime,
    /// Ended after its due date: 超期办结, by [`ClockRecord::days_overdue`].
    Late,
    /// The notice limit ran out with neither a return nor an acceptance: the
    /// application counts as accepted from its receipt. Not lateness in days (the law
    /// turns it into an acceptance), but counted on its own in bulletins.
    Deemed,
}

impl ClockOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockOutcome::OnTime => "on_time",
            ClockOutcome::Late => "late",
            ClockOutcome::Deemed => "deemed",
        }
    }

    pub fn parse(s: &str) -> Option<ClockOutcome> {
        [ClockOutcome::OnTime, ClockOutcome::Late, ClockOutcome::Deemed].into_iter().find(|o| o.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ClockOutcome::OnTime => "按时办结",
            ClockOutcome::Late => "超期办结",
            ClockOutcome::Deemed => "逾期未告知，视为受理",
        }
    }
}

/// One clock that ended, with the facts of its lateness. Days are counted in the unit
/// of the clock's limit (calendar days for a calendar-day limit), pauses excluded; the
/// day the clock started is not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRecord {
    pub kind: ClockKind,
    pub started_seq: u64,
    pub started_on: NaiveDate,
    pub limit: u32,
    pub unit: LimitUnit,
    pub due_on: NaiveDate,
    pub ended_seq: u64,
    pub ended_on: NaiveDate,
    /// [`Action::as_str`] of the step that ended it.
    pub ended_by: String,
    pub days_used: i64,
    /// Counted days after the due date up to the end; 0 when on time.
    pub days_overdue: i64,
    pub outcome: ClockOutcome,
}

impl ClockRecord {
    /// "超期 3 个工作日办结", "按时办结 (用时 4/5 个工作日)" …
    pub fn summary_zh(&self) -> String {
        let unit = match self.unit {
            LimitUnit::WorkingDays => "个工作日",
            LimitUnit::CalendarDays => "日",
        };
        match self.outcome {
            ClockOutcome::Late => format!("{}超期 {} {unit}办结", self.kind.label_zh(), self.days_overdue),
            ClockOutcome::OnTime => {
                format!("{}按时办结（用时 {}/{} {unit}）", self.kind.label_zh(), self.days_used, self.limit)
            }
            ClockOutcome::Deemed => format!("{}届满未告知，视为受理", self.kind.label_zh()),
        }
    }
}

fn pauses_of(run: &ClockRun) -> Vec<ClockPause> {
    run.clock.pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect()
}

/// The record of a clock that ended; `None` while it runs (or if it ended paused,
/// which the fold never does).
pub fn clock_record(run: &ClockRun, calendar: &WorkCalendar) -> Result<Option<ClockRecord>, CalendarError> {
    let Some(end) = &run.ended else { return Ok(None) };
    let c = &run.clock;
    let pauses = pauses_of(run);
    let Due::On { due_on, .. } = calendar.compute_due(c.started_on, c.limit, c.unit, &pauses)? else {
        return Ok(None);
    };
    let used = calendar.limit_used(c.started_on, end.on, c.unit, &pauses)?;
    let overdue = calendar.limit_used(due_on, end.on, c.unit, &pauses)?;
    // The notice limit binds only a return: an acceptance is answered by the initial
    // review's limit, and a notice limit that runs out becomes an acceptance.
    let (days_used, days_overdue, outcome) = match (c.kind, end.action.as_str()) {
        (ClockKind::NoticeDue, "deem_accept") => (used.min(i64::from(c.limit)), 0, ClockOutcome::Deemed),
        (ClockKind::NoticeDue, action) if action != "return" => (used, 0, ClockOutcome::OnTime),
        _ if overdue > 0 => (used, overdue, ClockOutcome::Late),
        _ => (used, 0, ClockOutcome::OnTime),
    };
    Ok(Some(ClockRecord {
        kind: c.kind,
        started_seq: run.started_seq,
        started_on: c.started_on,
        limit: c.limit,
        unit: c.unit,
        due_on,
        ended_seq: end.seq,
        ended_on: end.on,
        ended_by: end.action.clone(),
        days_used,
        days_overdue,
        outcome,
    }))
}

/// Every clock of the application that ended, in the order they started.
pub fn clock_records(view: &ApplicationView, calendar: &WorkCalendar) -> Result<Vec<ClockRecord>, CalendarError> {
    let mut out = Vec::new();
    for run in &view.clocks {
        if let Some(r) = clock_record(run, calendar)? {
            out.push(r);
        }
    }
    Ok(out)
}

/// The deemed acceptance the law has made by the day `on`, if any: the application is
/// still waiting for its initial review and its notice limit ran out before `on`.
/// Returns the day it was deemed (the first day past the limit) and the step to
/// record, dated that day, by [`super::Actor::system`].
pub fn deemed_acceptance(
    view: &ApplicationView,
    calendar: &WorkCalendar,
    on: NaiveDate,
) -> Result<Option<(NaiveDate, Action)>, CalendarError> {
    if view.state != ApplicationState::Submitted {
        return Ok(None);
    }
    let Some(run) = view.clocks.iter().find(|r| r.ended.is_none() && r.clock.kind == ClockKind::NoticeDue) else {
        return Ok(None);
    };
    let c = &run.clock;
    let Due::On { due_on, .. } = calendar.compute_due(c.started_on, c.limit, c.unit, &pauses_of(run))? else {
        return Ok(None);
    };
    let Some(deemed_on) = due_on.succ_opt().filter(|d| *d <= on) else { return Ok(None) };
    Ok(Some((deemed_on, Action::DeemAccept { received_on: c.started_on, notice_due_on: due_on })))
}
