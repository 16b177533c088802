//! The public record (阳光审批, R12): what anyone may see without signing in.
//!
//! This is the one place that decides which fields are public. The store reads its
//! rows into the *source* types below (which carry private fields too: the owner,
//! responsible persons, notes, who took each step, the notice's text), and the pure
//! functions here build the *public* types, which hold only allowed fields. Only the
//! public types are serialisable, so nothing private can reach a response by accident.
//!
//! Shown: each pending item's status, department, the date of each step, working days
//! used against the limit, its light, and the lateness kept for every clock that
//! ended; the project's timeline; region-wide statistics (baseline, approved,
//! remaining, on-time rate by department, a weekly burn-down).
//! Never shown: personal data, who handled a step, phone or ID numbers, material
//! files, internal notes and remarks, or the text of one-time notices.

use crate::calendar::WorkCalendar;
use crate::catalogue::LimitUnit;
use crate::deadline::{ClockPause, Deadline};
use crate::light::{Light, LightPolicy};
use crate::project::ProjectStage;
use crate::workflow::{
    clock_record, replay, Action, ApplicationEvent, ApplicationFacts, ApplicationState, ApplicationView, ClockOutcome,
    Side,
};
use chrono::NaiveDate;
use serde::Serialize;

mod stats;

pub use stats::{weekly_remaining, DepartmentOutcomes, PublicOnTime, PublicStats, StatsSource, WeekPoint};

// ---------------------------------------------------------------------------
// Sources: what the store reads. Not serialisable on purpose.
// ---------------------------------------------------------------------------

/// A project as the store holds it, with private fields the public never sees.
#[derive(Debug, Clone)]
pub struct ProjectSource {
    pub code: String,
    pub name: String,
    /// The project unit: not shown (it may be a person, and the public page shows no
    /// contact persons).
    pub owner: Option<String>,
    pub initiating_department: Option<String>,
    pub initiated_year: Option<i64>,
    pub investment_yuan: Option<i64>,
    pub stage: String,
    pub in_library: bool,
    pub items: Vec<ItemSource>,
}

/// A pending item as the store holds it.
#[derive(Debug, Clone)]
pub struct ItemSource {
    pub item_type: String,
    pub department: String,
    /// `pending` or `granted`.
    pub status: String,
    /// The ledger's 责任人, a person: not shown.
    pub responsible_person: Option<String>,
    /// The check report and the ledger's 备注: internal, not shown.
    pub check_result: Option<String>,
    pub note: Option<String>,
    /// The ledger's completion deadline and its first yellow day.
    pub due_on: Option<NaiveDate>,
    pub warn_on: Option<NaiveDate>,
    pub provisional: bool,
    /// Its applications, oldest first.
    pub applications: Vec<ApplicationSource>,
}

/// An application with its recorded steps (which name who acted and carry remarks and
/// notice texts: none of that is shown).
#[derive(Debug, Clone)]
pub struct ApplicationSource {
    pub facts: ApplicationFacts,
    pub light_policy: LightPolicy,
    pub events: Vec<ApplicationEvent>,
}

// ---------------------------------------------------------------------------
// Public types: only allowed fields.
// ---------------------------------------------------------------------------

/// A project's public record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicProject {
    pub code: String,
    pub name: String,
    pub initiating_department: Option<String>,
    pub initiated_year: Option<i64>,
    pub stage: &'static str,
    pub in_library: bool,
    pub pending_items: usize,
    pub granted_items: usize,
    pub items: Vec<PublicItem>,
    /// Every step of every application, oldest first.
    pub timeline: Vec<PublicStep>,
    /// The day of the latest step (the record's last change), if any.
    pub last_step_on: Option<NaiveDate>,
}

/// One pending item in public.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicItem {
    pub item_type: String,
    pub department: String,
    /// `pending` or `granted`.
    pub status: &'static str,
    pub status_label: &'static str,
    /// Where its latest application stands (`not_applied` when none was submitted).
    pub application_state: &'static str,
    pub application_state_label: &'static str,
    /// The day it was first submitted.
    pub submitted_on: Option<NaiveDate>,
    /// The day it was decided (approved, refused, or the higher authority's outcome).
    pub decided_on: Option<NaiveDate>,
    /// Its light today: of the running clock, or of the ledger's completion deadline
    /// while no application runs; none once decided.
    pub light: Option<Light>,
    pub light_label: &'static str,
    /// The ledger's completion deadline.
    pub due_on: Option<NaiveDate>,
    /// The clock running now, with working days used against its limit.
    pub clock: Option<PublicClock>,
    /// Every clock that ended, with its kept lateness.
    pub lateness: Vec<PublicLateness>,
}

/// A clock running now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicClock {
    /// The clock's code (`initial_review`, `review` …) and its Chinese label.
    pub kind: &'static str,
    pub label: &'static str,
    pub started_on: NaiveDate,
    pub limit: u32,
    /// `working_days` or `calendar_days`, and its Chinese label.
    pub unit_code: &'static str,
    pub unit: &'static str,
    /// Days of the limit used up to today, pauses excluded.
    pub used: i64,
    /// `None` while paused with the due day not reached.
    pub due_on: Option<NaiveDate>,
    pub provisional: bool,
    pub paused: bool,
}

/// A clock that ended, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicLateness {
    pub kind: &'static str,
    pub label: &'static str,
    pub due_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub limit: u32,
    pub unit_code: &'static str,
    pub unit: &'static str,
    pub days_used: i64,
    pub days_overdue: i64,
    pub outcome: ClockOutcome,
    pub outcome_label: &'static str,
    /// "承诺审批时限超期 3 个工作日办结" …
    pub summary: String,
}

/// One step of the project's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicStep {
    pub on: NaiveDate,
    pub item_type: String,
    pub department: String,
    pub action: &'static str,
    pub action_label: &'static str,
    /// Which side took it (`unit`, `department`, `recorder`, `system`; never a name),
    /// and in Chinese: 项目单位, 审批部门, 上级结果录入, 起底系统.
    pub side: &'static str,
    pub by: &'static str,
    /// The application's state after the step, and its Chinese label.
    pub state: &'static str,
    pub state_label: &'static str,
    /// Structured facts only: a decision's document number, a pause's kind.
    pub detail: Option<String>,
    /// The same facts with their parts, for a page in another language.
    pub fact: Option<PublicFact>,
    /// Working days since the step before on the same application.
    pub working_days_since_previous: i64,
    /// The lateness of the clocks this step ended.
    pub lateness: Vec<String>,
}

/// What of a step the public may read, by its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PublicFact {
    DocumentNumber { number: String },
    HigherDocumentNumber { number: String },
    Pause { reason: &'static str },
    DeemedAcceptance { received_on: NaiveDate },
}

const NOT_APPLIED: (&str, &str) = ("not_applied", "尚未申请");

pub fn status_label(status: &str) -> (&'static str, &'static str) {
    match status {
        "granted" => ("granted", "已批复"),
        _ => ("pending", "待批"),
    }
}

pub fn unit_label(unit: LimitUnit) -> &'static str {
    match unit {
        LimitUnit::WorkingDays => "个工作日",
        LimitUnit::CalendarDays => "日",
    }
}

pub fn light_label(light: Option<Light>) -> &'static str {
    light.map_or("—", Light::label_zh)
}

fn side_code(side: Side) -> &'static str {
    match side {
        Side::Unit => "unit",
        Side::Department => "department",
        Side::Recorder => "recorder",
        Side::System => "system",
    }
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Unit => "项目单位",
        Side::Department => "审批部门",
        Side::Recorder => "上级结果录入",
        Side::System => "起底系统",
    }
}

/// What of an action the public may read: structured facts, never free text typed by a
/// person (reasons, notes, notice problems), except an approval's document number,
/// which is published with the decision (masked like any text).
fn public_fact(action: &Action) -> Option<PublicFact> {
    match action {
        Action::Approve { document_number, .. } => {
            Some(PublicFact::DocumentNumber { number: mask_personal(document_number) })
        }
        Action::RecordHigherOutcome { approved: true, document_number: Some(n), .. } => {
            Some(PublicFact::HigherDocumentNumber { number: mask_personal(n) })
        }
        Action::Pause { reason, .. } => Some(PublicFact::Pause { reason: reason.as_str() }),
        Action::DeemAccept { received_on, .. } => Some(PublicFact::DeemedAcceptance { received_on: *received_on }),
        _ => None,
    }
}

fn public_detail(action: &Action) -> Option<String> {
    match action {
        Action::Approve { document_number, .. } => Some(format!("批复文号 {}", mask_personal(document_number))),
        Action::RecordHigherOutcome { approved: true, document_number: Some(n), .. } => {
            Some(format!("上级批复文号 {}", mask_personal(n)))
        }
        Action::Pause { reason, .. } => Some(reason.label_zh().to_string()),
        Action::DeemAccept { received_on, .. } => Some(format!("依法自收件之日 {received_on} 起视为受理")),
        _ => None,
    }
}

/// Mask what looks like a phone or ID number in free text shown in public (a project
/// name, a document number): an ID-card number (18 characters, a final `X` included)
/// keeps its first 6 and last 4, any other run of 11 or more digits (a mobile) its first
/// 3 and last 4, and a run of 7 to 10 digits (a landline) its last 2. Project codes are written with
/// hyphens and keep their runs short, so they are not touched.
pub fn mask_personal(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i < chars.len() && matches!(chars[i], 'X' | 'x') && i - start == 17 {
            i += 1;
        }
        let run = &chars[start..i];
        if run.len() == 18 {
            // An ID-card number: the region of issue stays, as national practice shows
            // it (110105********1234).
            out.extend(&run[..6]);
            out.extend(std::iter::repeat_n('*', 8));
            out.extend(&run[14..]);
        } else if run.len() >= 11 {
            out.extend(&run[..3]);
            out.extend(std::iter::repeat_n('*', run.len() - 7));
            out.extend(&run[run.len() - 4..]);
        } else if run.len() >= 7 {
            // A landline: too short to keep both ends.
            out.extend(std::iter::repeat_n('*', run.len() - 2));
            out.extend(&run[run.len() - 2..]);
        } else {
            out.extend(run);
        }
    }
    out
}

fn pauses_of(pauses: &[(NaiveDate, Option<NaiveDate>)]) -> Vec<ClockPause> {
    pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect()
}

fn decided_on(view: &ApplicationView) -> Option<NaiveDate> {
    view.decision.as_ref().map(|d| d.decided_on)
}

/// Build the public item and its steps.
/// A step with the instant it was taken (to order steps across items; the time of
/// day itself is not shown).
type TimedStep = (chrono::DateTime<chrono::FixedOffset>, PublicStep);

fn public_item(src: &ItemSource, calendar: &WorkCalendar, today: NaiveDate) -> (PublicItem, Vec<TimedStep>) {
    let (status, status_label) = status_label(&src.status);
    let mut steps = Vec::new();
    let mut lateness = Vec::new();
    let mut latest: Option<(ApplicationView, &ApplicationSource)> = None;
    let mut submitted_on = None;
    for app in src.applications.iter().filter(|a| !a.events.is_empty()) {
        // The record was checked when written; an application whose record no longer
        // replays is left out rather than shown half.
        let Ok(view) = replay(&app.events, &app.facts) else { continue };
        submitted_on = submitted_on.or_else(|| view.submissions.first().map(|s| s.on));
        let mut step_view = ApplicationView::new();
        let mut prev: Option<NaiveDate> = None;
        for e in &app.events {
            let _ = step_view.apply(e, &app.facts);
            let ended: Vec<String> = step_view
                .clocks
                .iter()
                .filter(|r| r.ended.as_ref().is_some_and(|end| end.seq == e.seq))
                .filter_map(|r| clock_record(r, calendar).ok().flatten())
                .map(|r| r.summary_zh())
                .collect();
            let side = if e.actor.system { Side::System } else { e.action.side() };
            steps.push((
                e.at,
                PublicStep {
                    on: e.on,
                    item_type: src.item_type.clone(),
                    department: src.department.clone(),
                    action: e.action.as_str(),
                    action_label: e.action.label_zh(),
                    side: side_code(side),
                    by: side_label(side),
                    state: step_view.state.as_str(),
                    state_label: step_view.state.label_zh(),
                    detail: public_detail(&e.action),
                    fact: public_fact(&e.action),
                    working_days_since_previous: prev.map_or(0, |p| calendar.working_days_between(p, e.on).max(0)),
                    lateness: ended,
                },
            ));
            prev = Some(e.on);
        }
        for run in &view.clocks {
            if let Ok(Some(r)) = clock_record(run, calendar) {
                lateness.push(PublicLateness {
                    kind: r.kind.as_str(),
                    label: r.kind.label_zh(),
                    due_on: r.due_on,
                    ended_on: r.ended_on,
                    limit: r.limit,
                    unit_code: r.unit.as_str(),
                    unit: unit_label(r.unit),
                    days_used: r.days_used,
                    days_overdue: r.days_overdue,
                    outcome: r.outcome,
                    outcome_label: r.outcome.label_zh(),
                    summary: r.summary_zh(),
                });
            }
        }
        latest = Some((view, app));
    }
    let clock = latest.as_ref().and_then(|(view, app)| {
        // The stricter clock first (the notice limit beside the initial review).
        let run = view.clocks.iter().find(|r| r.ended.is_none())?;
        let c = &run.clock;
        let pauses = pauses_of(&c.pauses);
        let deadline = calendar.compute_deadline(c.started_on, c.limit, c.unit, &pauses, &app.light_policy).ok()?;
        let used = calendar.limit_used(c.started_on, today, c.unit, &pauses).unwrap_or(0);
        Some((
            PublicClock {
                kind: c.kind.as_str(),
                label: c.kind.label_zh(),
                started_on: c.started_on,
                limit: c.limit,
                unit_code: c.unit.as_str(),
                unit: unit_label(c.unit),
                used,
                due_on: deadline.due_on,
                provisional: deadline.provisional,
                paused: c.is_paused(),
            },
            deadline,
        ))
    });
    let state = latest.as_ref().map(|(v, _)| v.state).filter(|s| *s != ApplicationState::Draft);
    let (application_state, application_state_label) = state.map_or(NOT_APPLIED, |s| (s.as_str(), s.label_zh()));
    let decided = latest.as_ref().and_then(|(v, _)| decided_on(v));
    let light = match (&clock, status, state) {
        (_, "granted", _) => None,
        (Some((_, deadline)), _, _) => deadline.light(today),
        // No clock of the department runs (not applied, returned, forwarded, decided
        // against): the ledger's completion deadline lights the item while it waits.
        (None, _, s) if s.is_none_or(|s| !s.is_terminal()) => {
            Deadline { due_on: src.due_on, warn_on: src.warn_on, provisional: src.provisional, paused_since: None }
                .light(today)
        }
        _ => None,
    };
    let item = PublicItem {
        item_type: src.item_type.clone(),
        department: src.department.clone(),
        status,
        status_label,
        application_state,
        application_state_label,
        submitted_on,
        decided_on: decided,
        light,
        light_label: light_label(light),
        due_on: src.due_on,
        clock: clock.map(|(c, _)| c),
        lateness,
    };
    (item, steps)
}

impl PublicProject {
    /// The public record of a project on `today`.
    pub fn of(src: &ProjectSource, calendar: &WorkCalendar, today: NaiveDate) -> PublicProject {
        let mut items = Vec::with_capacity(src.items.len());
        let mut timeline: Vec<(chrono::DateTime<chrono::FixedOffset>, usize, PublicStep)> = Vec::new();
        for (n, item) in src.items.iter().enumerate() {
            let (public, steps) = public_item(item, calendar, today);
            timeline.extend(steps.into_iter().map(|(at, s)| (at, n, s)));
            items.push(public);
        }
        // Oldest first across items; steps of one item keep their order.
        timeline.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let timeline: Vec<PublicStep> = timeline.into_iter().map(|(_, _, s)| s).collect();
        PublicProject {
            code: src.code.clone(),
            name: mask_personal(&src.name),
            initiating_department: src.initiating_department.clone(),
            initiated_year: src.initiated_year,
            stage: ProjectStage::parse(&src.stage).map_or("—", ProjectStage::label_zh),
            in_library: src.in_library,
            pending_items: items.iter().filter(|i| i.status == "pending").count(),
            granted_items: items.iter().filter(|i| i.status == "granted").count(),
            last_step_on: timeline.iter().map(|s| s.on).max(),
            items,
            timeline,
        }
    }
}

/// One project found by a public search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicProjectHit {
    pub code: String,
    pub name: String,
    pub initiating_department: Option<String>,
    pub initiated_year: Option<i64>,
    pub stage: &'static str,
    pub pending_items: i64,
    pub granted_items: i64,
}

/// A project found by a search, as the store reads it.
#[derive(Debug, Clone)]
pub struct ProjectHitSource {
    pub code: String,
    pub name: String,
    pub owner: Option<String>,
    pub initiating_department: Option<String>,
    pub initiated_year: Option<i64>,
    pub stage: String,
    pub pending_items: i64,
    pub granted_items: i64,
}

impl PublicProjectHit {
    pub fn of(src: &ProjectHitSource) -> PublicProjectHit {
        PublicProjectHit {
            code: src.code.clone(),
            name: mask_personal(&src.name),
            initiating_department: src.initiating_department.clone(),
            initiated_year: src.initiated_year,
            stage: ProjectStage::parse(&src.stage).map_or("—", ProjectStage::label_zh),
            pending_items: src.pending_items,
            granted_items: src.granted_items,
        }
    }
}

/// What a public search looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// A national project code, or its beginning (digits and hyphens).
    Code(String),
    /// Part of a project's name.
    Name(String),
}

/// The longest search text taken (characters).
pub const MAX_SEARCH_CHARS: usize = 60;

impl SearchTerm {
    /// Read what someone typed: nothing (after trimming) is no search; digits and
    /// hyphens (at least 4 digits) are a code or its beginning; anything else a part of
    /// a name. Over-long text is cut.
    pub fn parse(q: &str) -> Option<SearchTerm> {
        let q: String = q.trim().chars().take(MAX_SEARCH_CHARS).collect();
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        let digits = q.chars().filter(char::is_ascii_digit).count();
        if digits >= 4 && q.chars().all(|c| c.is_ascii_digit() || c == '-') {
            Some(SearchTerm::Code(q.to_string()))
        } else {
            Some(SearchTerm::Name(q.to_string()))
        }
    }
}

#[cfg(test)]
mod tests;
