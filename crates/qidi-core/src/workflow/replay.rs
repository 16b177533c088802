//! Events, and the view of an application folded from them: its state, notices,
//! pauses, decision and clocks (R12).

use super::{
    decide_in, Action, Actor, ApplicationFacts, ApplicationState, OneTimeNotice, PauseReason, TransitionError,
    FORWARD_WORKING_DAYS, INITIAL_REVIEW_WORKING_DAYS, NOTICE_WORKING_DAYS,
};
use crate::catalogue::LimitUnit;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

/// The Asia/Shanghai date of an instant (UTC+8 all year since 1991).
pub fn shanghai_date(at: &DateTime<FixedOffset>) -> NaiveDate {
    (at.naive_utc() + TimeDelta::hours(8)).date()
}

/// One step on the record: who took which action when, why, and with which files.
/// Stored as JSON in the append-only events table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationEvent {
    /// Strictly increasing within one application (gaps allowed).
    pub seq: u64,
    pub at: DateTime<FixedOffset>,
    /// The Asia/Shanghai date of `at`; the day clocks count from.
    pub on: NaiveDate,
    pub actor_user_id: String,
    pub actor: Actor,
    pub action: Action,
    /// A remark by the actor, beyond what the action itself carries.
    #[serde(default)]
    pub reason: Option<String>,
    /// Stored attachment names (server-made).
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl ApplicationEvent {
    /// An event with `on` taken from `at`, no remark and no attachments.
    pub fn new(seq: u64, at: DateTime<FixedOffset>, actor_user_id: &str, actor: Actor, action: Action) -> Self {
        ApplicationEvent {
            seq,
            on: shanghai_date(&at),
            at,
            actor_user_id: actor_user_id.to_string(),
            actor,
            action,
            reason: None,
            attachments: Vec::new(),
        }
    }
}

/// One submission or resubmission, with the material codes it provided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub seq: u64,
    pub on: NaiveDate,
    pub resubmission: bool,
    pub materials: Vec<String>,
    /// For a resubmission: the materials it says were replaced or corrected.
    pub replaced: Vec<String>,
}

/// A return as recorded, with what it broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRecord {
    pub seq: u64,
    pub on: NaiveDate,
    pub notice: OneTimeNotice,
    pub flags: Vec<ReturnFlag>,
}

impl NoticeRecord {
    /// Raised problems the first notice should have raised.
    pub fn breaks_one_time_rule(&self) -> bool {
        self.flags.iter().any(|f| matches!(f, ReturnFlag::BreaksOneTimeRule { .. }))
    }

    /// Sent after the notice limit ran out.
    pub fn after_notice_limit(&self) -> bool {
        self.flags.iter().any(|f| matches!(f, ReturnFlag::AfterNoticeLimit { .. }))
    }
}

/// What is wrong with a return, though it was allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReturnFlag {
    /// A later notice raised problems about these materials, which the first notice
    /// did not mention and the unit has not changed since: they should have been told
    /// at once. Counts against the department in assessment.
    BreaksOneTimeRule { materials: Vec<String> },
    /// Returned after the notice limit ran out, when the application already counted
    /// as accepted (视为受理). Its lateness is kept as a notice clock record.
    AfterNoticeLimit { notice_due_on: NaiveDate },
}

impl ReturnFlag {
    pub fn as_str(&self) -> &'static str {
        match self {
            ReturnFlag::BreaksOneTimeRule { .. } => "breaks_one_time_rule",
            ReturnFlag::AfterNoticeLimit { .. } => "after_notice_limit",
        }
    }
    pub fn label_zh(&self) -> &'static str {
        match self {
            ReturnFlag::BreaksOneTimeRule { .. } => "违反一次性告知",
            ReturnFlag::AfterNoticeLimit { .. } => "超过告知时限退回",
        }
    }
}

/// 视为受理: the acceptance the law deemed when the notice limit ran out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeemedAcceptance {
    pub seq: u64,
    /// The first day past the notice limit, when it was deemed.
    pub on: NaiveDate,
    /// The day of receipt, from which it counts as accepted.
    pub received_on: NaiveDate,
    pub notice_due_on: NaiveDate,
}

/// 延期: the decision limit extended once by the department head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub seq: u64,
    pub on: NaiveDate,
    pub days: u32,
    pub unit: LimitUnit,
    pub reason: String,
}

/// One problem of a later notice that breaks the one-time rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeViolation {
    /// The return's event.
    pub seq: u64,
    pub on: NaiveDate,
    pub material: String,
    pub problem: String,
}

/// A clock pause. A pause still open when the application is decided or withdrawn
/// ends on that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseRecord {
    pub seq: u64,
    pub reason: PauseReason,
    pub note: String,
    pub paused_on: NaiveDate,
    pub resumed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    pub seq: u64,
    pub on: NaiveDate,
    pub to_authority: String,
}

/// The decision: this level's, or the higher authority's as recorded here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub seq: u64,
    pub approved: bool,
    pub by_higher_authority: bool,
    pub document_number: Option<String>,
    pub reasons: Option<String>,
    /// The date of the decision document (for a higher outcome without one: `recorded_on`).
    pub decided_on: NaiveDate,
    pub recorded_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub seq: u64,
    pub on: NaiveDate,
    pub reason: String,
}

/// Which limit a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// A return with its one-time notice is due within 3 working days of (re)submission
    /// (R8). Runs beside [`ClockKind::InitialReview`] and binds only if the answer is a
    /// return: an acceptance on day 4 or 5 is on time, a return is not.
    NoticeDue,
    /// The initial review: return or accept within 5 working days of (re)submission (R11).
    InitialReview,
    /// The item type's promised limit, from acceptance; pauses are excluded (R9).
    Review,
    /// Forward to the higher authority within 5 working days of acceptance (R10).
    Forward,
    /// The promised limit once extended (art. 42): same start and pauses as the
    /// review it replaces, the limit longer by the item type's extension.
    Extension,
}

impl ClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::NoticeDue => "notice_due",
            ClockKind::InitialReview => "initial_review",
            ClockKind::Review => "review",
            ClockKind::Forward => "forward",
            ClockKind::Extension => "extension",
        }
    }

    pub fn parse(s: &str) -> Option<ClockKind> {
        [ClockKind::NoticeDue, ClockKind::InitialReview, ClockKind::Review, ClockKind::Forward, ClockKind::Extension]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ClockKind::NoticeDue => "一次性告知时限",
            ClockKind::InitialReview => "初审时限",
            ClockKind::Review => "承诺审批时限",
            ClockKind::Forward => "转报时限",
            ClockKind::Extension => "延期后审批时限",
        }
    }
}

/// A running limit. The caller counts with the calendar: the start day is not counted,
/// and the days of each pause (paused_on, resumed_on] are not counted either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub kind: ClockKind,
    /// The date of the event that started it.
    pub started_on: NaiveDate,
    pub limit: u32,
    pub unit: LimitUnit,
    /// (paused_on, resumed_on); an open pause has no end yet.
    pub pauses: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl Clock {
    /// Whether the clock stands still now.
    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|(_, end)| end.is_none())
    }
}

/// A clock as it ran: still running, or ended by an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRun {
    /// The event that started it.
    pub started_seq: u64,
    pub clock: Clock,
    pub ended: Option<ClockEnd>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockEnd {
    pub seq: u64,
    pub on: NaiveDate,
    /// [`Action::as_str`] of the event that ended it.
    pub action: String,
}

/// An application as its events make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub state: ApplicationState,
    pub last_seq: Option<u64>,
    pub submissions: Vec<Submission>,
    pub notices: Vec<NoticeRecord>,
    /// The current acceptance, given or deemed (for a deemed one: the day of receipt).
    /// A later return clears it.
    pub accepted_on: Option<NaiveDate>,
    /// Set while the current acceptance is a deemed one.
    pub deemed: Option<DeemedAcceptance>,
    pub extension: Option<Extension>,
    pub pauses: Vec<PauseRecord>,
    pub forwarding: Option<Forwarding>,
    pub decision: Option<Decision>,
    pub withdrawal: Option<Withdrawal>,
    /// Every clock that ran, in the order started; those with `ended: None` run now.
    pub clocks: Vec<ClockRun>,
}

impl Default for ApplicationView {
    fn default() -> Self {
        ApplicationView::new()
    }
}

impl ApplicationView {
    /// A draft with no events.
    pub fn new() -> Self {
        ApplicationView {
            state: ApplicationState::Draft,
            last_seq: None,
            submissions: Vec::new(),
            notices: Vec::new(),
            accepted_on: None,
            deemed: None,
            extension: None,
            pauses: Vec::new(),
            forwarding: None,
            decision: None,
            withdrawal: None,
            clocks: Vec::new(),
        }
    }

    /// Whether `actor` may take `action` on the application as it stands, on the day
    /// `on`, and the state that follows: [`super::decide`], plus what only the record
    /// knows (a deemed acceptance may still be returned, a limit is extended once, a
    /// decision is dated between acceptance and the day it is recorded).
    pub fn decide(
        &self,
        facts: &ApplicationFacts,
        actor: &Actor,
        action: &Action,
        on: NaiveDate,
    ) -> Result<ApplicationState, TransitionError> {
        let next = decide_in(self.state, self.deemed.is_some(), facts, actor, action)?;
        match action {
            Action::Extend { .. } if self.extension.is_some() => return Err(TransitionError::AlreadyExtended),
            Action::DeemAccept { received_on, notice_due_on } => {
                let last = self.submissions.last().map(|s| s.on);
                if last != Some(*received_on) {
                    return Err(TransitionError::WrongReceivedOn { received_on: *received_on });
                }
                if on <= *notice_due_on {
                    return Err(TransitionError::NoticeLimitNotOver { notice_due_on: *notice_due_on });
                }
            }
            Action::Approve { decided_on, .. } => self.check_decision_date(*decided_on, on)?,
            Action::RecordHigherOutcome { decided_on: Some(d), .. } => self.check_decision_date(*d, on)?,
            _ => {}
        }
        Ok(next)
    }

    fn check_decision_date(&self, date: NaiveDate, on: NaiveDate) -> Result<(), TransitionError> {
        let from = self.accepted_on.unwrap_or(on);
        if date < from || date > on {
            return Err(TransitionError::DecisionDateOutOfRange { date, from, to: on });
        }
        Ok(())
    }

    /// Check one more event against the view and fold it in. On refusal the view is
    /// unchanged. The store calls this on the current view before appending.
    pub fn apply(&mut self, event: &ApplicationEvent, facts: &ApplicationFacts) -> Result<(), TransitionError> {
        let (seq, on) = (event.seq, event.on);
        if self.last_seq.is_some_and(|last| seq <= last) {
            return Err(TransitionError::EventOutOfOrder { seq });
        }
        if shanghai_date(&event.at) != on {
            return Err(TransitionError::EventDateMismatch { seq });
        }
        let next = self.decide(facts, &event.actor, &event.action, on)?;
        let tag = event.action.as_str();
        match &event.action {
            Action::Submit { materials } => {
                self.submissions.push(Submission {
                    seq,
                    on,
                    resubmission: false,
                    materials: materials.clone(),
                    replaced: Vec::new(),
                });
                self.start_initial_review(seq, on);
            }
            Action::Resubmit { materials, replaced } => {
                self.submissions.push(Submission {
                    seq,
                    on,
                    resubmission: true,
                    materials: materials.clone(),
                    replaced: replaced.clone(),
                });
                self.start_initial_review(seq, on);
            }
            Action::Return { notice } => {
                let breached = self.one_time_breaches(notice);
                let mut flags = Vec::new();
                if !breached.is_empty() {
                    flags.push(ReturnFlag::BreaksOneTimeRule { materials: breached });
                }
                if let Some(deemed) = self.deemed.take() {
                    flags.push(ReturnFlag::AfterNoticeLimit { notice_due_on: deemed.notice_due_on });
                    // The notice clock ran out at the deemed acceptance; the late return
                    // ends it a second time, so that its lateness is kept.
                    if let Some(notice) = self.clocks.iter().rfind(|r| r.clock.kind == ClockKind::NoticeDue).cloned() {
                        self.clocks
                            .push(ClockRun { ended: Some(ClockEnd { seq, on, action: tag.to_string() }), ..notice });
                    }
                }
                self.notices.push(NoticeRecord { seq, on, notice: notice.clone(), flags });
                self.close_pause(on);
                self.end_clocks(seq, on, tag);
                self.accepted_on = None;
            }
            Action::Accept => {
                self.end_clocks(seq, on, tag);
                self.accepted_on = Some(on);
                self.start_decision_clock(seq, on, next, facts);
            }
            Action::DeemAccept { received_on, notice_due_on } => {
                self.end_clocks(seq, on, tag);
                self.accepted_on = Some(*received_on);
                self.deemed =
                    Some(DeemedAcceptance { seq, on, received_on: *received_on, notice_due_on: *notice_due_on });
                self.start_decision_clock(seq, *received_on, next, facts);
            }
            Action::Extend { reason } => {
                let review = self
                    .clocks
                    .iter()
                    .rfind(|r| r.ended.is_none() && r.clock.kind == ClockKind::Review)
                    .map(|r| r.clock.clone());
                self.end_clocks(seq, on, tag);
                if let Some(review) = review {
                    let clock = Clock {
                        kind: ClockKind::Extension,
                        limit: review.limit.saturating_add(facts.extension_limit),
                        ..review
                    };
                    self.clocks.push(ClockRun { started_seq: seq, clock, ended: None });
                }
                self.extension = Some(Extension {
                    seq,
                    on,
                    days: facts.extension_limit,
                    unit: facts.limit_unit,
                    reason: reason.trim().to_string(),
                });
            }
            Action::Pause { reason, note } => {
                self.pauses.push(PauseRecord {
                    seq,
                    reason: *reason,
                    note: note.trim().to_string(),
                    paused_on: on,
                    resumed_on: None,
                });
                for run in self.clocks.iter_mut().filter(|r| r.ended.is_none()) {
                    run.clock.pauses.push((on, None));
                }
            }
            Action::Resume => self.close_pause(on),
            Action::Approve { document_number, decided_on } => {
                self.close_pause(on);
                self.end_clocks(seq, on, tag);
                self.decision = Some(Decision {
                    seq,
                    approved: true,
                    by_higher_authority: false,
                    document_number: Some(document_number.trim().to_string()),
                    reasons: None,
                    decided_on: *decided_on,
                    recorded_on: on,
                });
            }
            Action::Refuse { reasons } => {
                self.close_pause(on);
                self.end_clocks(seq, on, tag);
                self.decision = Some(Decision {
                    seq,
                    approved: false,
                    by_higher_authority: false,
                    document_number: None,
                    reasons: Some(reasons.trim().to_string()),
                    decided_on: on,
                    recorded_on: on,
                });
            }
            Action::Forward { to_authority } => {
                self.end_clocks(seq, on, tag);
                self.forwarding = Some(Forwarding { seq, on, to_authority: to_authority.trim().to_string() });
            }
            Action::RecordHigherOutcome { approved, document_number, reasons, decided_on } => {
                let text =
                    |s: &Option<String>| s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
                self.decision = Some(Decision {
                    seq,
                    approved: *approved,
                    by_higher_authority: true,
                    document_number: text(document_number),
                    reasons: text(reasons),
                    decided_on: decided_on.unwrap_or(on),
                    recorded_on: on,
                });
            }
            Action::Withdraw { reason } => {
                self.close_pause(on);
                self.end_clocks(seq, on, tag);
                self.withdrawal = Some(Withdrawal { seq, on, reason: reason.trim().to_string() });
            }
        }
        self.state = next;
        self.last_seq = Some(seq);
        Ok(())
    }

    fn start_initial_review(&mut self, seq: u64, on: NaiveDate) {
        for (kind, limit) in
            [(ClockKind::NoticeDue, NOTICE_WORKING_DAYS), (ClockKind::InitialReview, INITIAL_REVIEW_WORKING_DAYS)]
        {
            let clock = Clock { kind, started_on: on, limit, unit: LimitUnit::WorkingDays, pauses: Vec::new() };
            self.clocks.push(ClockRun { started_seq: seq, clock, ended: None });
        }
    }

    /// After an acceptance given or deemed on `from`: the forwarding clock where the
    /// authority lies higher, else the promised limit.
    fn start_decision_clock(&mut self, seq: u64, from: NaiveDate, next: ApplicationState, facts: &ApplicationFacts) {
        let clock = if next == ApplicationState::Accepted {
            Clock {
                kind: ClockKind::Forward,
                started_on: from,
                limit: FORWARD_WORKING_DAYS,
                unit: LimitUnit::WorkingDays,
                pauses: Vec::new(),
            }
        } else {
            Clock {
                kind: ClockKind::Review,
                started_on: from,
                limit: facts.promised_limit,
                unit: facts.limit_unit,
                pauses: Vec::new(),
            }
        };
        self.clocks.push(ClockRun { started_seq: seq, clock, ended: None });
    }

    fn end_clocks(&mut self, seq: u64, on: NaiveDate, action: &str) {
        for run in self.clocks.iter_mut().filter(|r| r.ended.is_none()) {
            run.ended = Some(ClockEnd { seq, on, action: action.to_string() });
        }
    }

    fn close_pause(&mut self, on: NaiveDate) {
        for p in self.pauses.iter_mut().filter(|p| p.resumed_on.is_none()) {
            p.resumed_on = Some(on);
        }
        for run in self.clocks.iter_mut().filter(|r| r.ended.is_none()) {
            for (_, end) in run.clock.pauses.iter_mut().filter(|(_, end)| end.is_none()) {
                *end = Some(on);
            }
        }
    }

    /// The materials `notice` would raise against the one-time rule if it were issued
    /// now: not in the first notice, and not replaced or newly provided since it.
    /// Empty before the first notice. Lets the handler be warned before sending.
    pub fn one_time_breaches(&self, notice: &OneTimeNotice) -> Vec<String> {
        let Some(first) = self.notices.first() else {
            return Vec::new();
        };
        let told = first.notice.materials();
        let baseline: Vec<&str> = self
            .submissions
            .iter()
            .rfind(|s| s.seq < first.seq)
            .map(|s| s.materials.iter().map(|m| m.trim()).collect())
            .unwrap_or_default();
        let mut changed: Vec<&str> = Vec::new();
        for s in self.submissions.iter().filter(|s| s.seq > first.seq) {
            changed.extend(s.replaced.iter().map(|m| m.trim()));
            changed.extend(s.materials.iter().map(|m| m.trim()).filter(|m| !baseline.contains(m)));
        }
        notice.materials().into_iter().filter(|m| !told.contains(m) && !changed.contains(&m.as_str())).collect()
    }

    /// Whether any return broke the one-time rule.
    pub fn breaks_one_time_rule(&self) -> bool {
        self.notices.iter().any(NoticeRecord::breaks_one_time_rule)
    }
}

/// Fold an application's events, checking each with [`decide`](super::decide) as it was taken.
/// A refusal names the event: [`TransitionError::InEvent`].
pub fn replay(events: &[ApplicationEvent], facts: &ApplicationFacts) -> Result<ApplicationView, TransitionError> {
    let mut view = ApplicationView::new();
    for e in events {
        view.apply(e, facts).map_err(|error| TransitionError::InEvent { seq: e.seq, error: Box::new(error) })?;
    }
    Ok(view)
}

/// The clock that bounds the current step, if the department owes one: after a
/// (re)submission the notice limit (3 working days: when it runs out the application
/// counts as accepted), then the review (or its extension) after acceptance, or the
/// forwarding. Nothing runs in a draft, a return (the unit's turn), after forwarding
/// (the higher authority's time) or after a decision. A paused review clock is still
/// returned; see [`Clock::is_paused`].
pub fn running_clock(view: &ApplicationView) -> Option<Clock> {
    view.clocks.iter().find(|r| r.ended.is_none()).map(|r| r.clock.clone())
}

/// Every clock running now, the stricter first: after a (re)submission both the
/// notice clock (3 working days) and the initial review (5) run.
pub fn running_clocks(view: &ApplicationView) -> Vec<Clock> {
    view.clocks.iter().filter(|r| r.ended.is_none()).map(|r| r.clock.clone()).collect()
}

/// Every problem of a later notice that breaks the one-time rule, in order.
pub fn one_time_violations(view: &ApplicationView) -> Vec<OneTimeViolation> {
    let mut out = Vec::new();
    for n in &view.notices {
        for flag in &n.flags {
            let ReturnFlag::BreaksOneTimeRule { materials } = flag else { continue };
            for p in n.notice.problems.iter().filter(|p| materials.iter().any(|m| m == p.material.trim())) {
                out.push(OneTimeViolation {
                    seq: n.seq,
                    on: n.on,
                    material: p.material.trim().to_string(),
                    problem: p.problem.clone(),
                });
            }
        }
    }
    out
}
