//! One application with everything its page shows: checklist, clocks, the actions open to the user.

use super::TimelineStep;
use crate::users::User;
use crate::workflow::{actor_for, ApplicationRow, NamedWarnings, ProjectHelper, StoredFile, WorkflowError};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::ClockPause;
use qidi_core::light::{Light, LightPolicy};
use qidi_core::workflow::{
    clock_records, one_time_violations, running_clocks, Action, ApplicationFacts, ApplicationState, ApplicationView,
    ClockRecord, NoticeProblem, OneTimeNotice, OneTimeViolation, PauseReason, SubmissionWarnings,
};
use serde::Serialize;

/// A clock running now, counted for today.
#[derive(Debug, Clone, Serialize)]
pub struct ClockStatus {
    pub kind: &'static str,
    pub label: &'static str,
    pub started_on: NaiveDate,
    pub limit: u32,
    pub unit: LimitUnit,
    pub due_on: Option<NaiveDate>,
    pub warn_on: Option<NaiveDate>,
    pub provisional: bool,
    pub paused: bool,
    pub used: i64,
    pub light: Option<Light>,
}

/// One checklist line with its current file.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistEntry {
    pub code: String,
    pub name: String,
    pub file: Option<StoredFile>,
}

/// An application with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationDetail {
    pub application: ApplicationRow,
    pub facts: ApplicationFacts,
    pub checklist: Vec<ChecklistEntry>,
    /// Every upload, newest first (replaced ones included).
    pub files: Vec<StoredFile>,
    pub view: ApplicationView,
    pub timeline: Vec<TimelineStep>,
    pub clocks: Vec<ClockStatus>,
    pub one_time_violations: Vec<OneTimeViolation>,
    /// Every clock that ended, with its lateness, in the order started.
    pub clock_records: Vec<ClockRecord>,
    /// What the (last) submission lacks, or for a draft or a return what the files
    /// uploaded now lack: a warning for the unit before it submits, and for the
    /// handler, who decides through the one-time notice what is really missing.
    pub warnings: NamedWarnings,
    /// The actions (core `Action::as_str`) the core would let this user take now.
    pub available_actions: Vec<&'static str>,
    pub helpers: Vec<ProjectHelper>,
}

impl ApplicationDetail {
    pub fn can(&self, action: &str) -> bool {
        self.available_actions.contains(&action)
    }
}

/// Action templates to ask the core which steps are open: each with content that
/// passes validation, so that only who and when decide.
fn probes(facts: &ApplicationFacts, today: NaiveDate) -> Vec<Action> {
    let all = facts.required_materials.clone();
    let text = || "—".to_string();
    vec![
        Action::Submit { materials: all.clone() },
        Action::Resubmit { materials: all.clone(), replaced: Vec::new() },
        Action::Return {
            notice: OneTimeNotice {
                problems: vec![NoticeProblem::new(all.first().map_or("—", |s| s.as_str()), "—", "—")],
                suggestions: Vec::new(),
                number: None,
            },
        },
        Action::Accept,
        Action::Extend { reason: text() },
        Action::Pause { reason: PauseReason::ExpertReview, note: text() },
        Action::Resume,
        Action::Approve { document_number: text(), decided_on: today },
        Action::Refuse { reasons: text() },
        Action::Forward { to_authority: text() },
        Action::RecordHigherOutcome { approved: true, document_number: Some(text()), reasons: None, decided_on: None },
        Action::Withdraw { reason: text() },
    ]
}

impl Store {
    /// An application with its checklist, files, timeline, clocks and the actions the
    /// user may take.
    pub async fn application_detail(&self, user: &User, id: &str) -> Result<ApplicationDetail, WorkflowError> {
        let application = self.application(user, id).await?;
        let stored = self.stored_facts(id).await?;
        let events = self.application_events(id).await?;
        let view = qidi_core::workflow::replay(&events, &stored.facts)
            .map_err(|e| StoreError::invalid(format!("application {id}: its record does not replay: {e}")))?;
        let calendar = self.work_calendar().await?;
        let today = crate::today();
        let names = self.user_names(events.iter().map(|e| e.actor_user_id.as_str())).await?;
        let created_on = NaiveDate::parse_from_str(stored.created_at.get(..10).unwrap_or(""), "%Y-%m-%d")
            .unwrap_or_else(|_| events.first().map_or(today, |e| e.on));
        let timeline = Self::timeline_of(&events, &stored.facts, &stored.checklist, created_on, &calendar, &names);
        let clocks = clock_statuses(&view, &calendar, &stored.policy, today);
        let helper = self.helper_link(&user.id, &application.project_id).await?;
        let available_actions = probes(&stored.facts, today)
            .into_iter()
            .filter(|a| {
                let actor = actor_for(user, helper.as_ref(), &stored.facts.owner_id, a.side());
                view.decide(&stored.facts, &actor, a, today).is_ok()
            })
            .map(|a| a.as_str())
            .collect();
        let current = self.current_files(id).await?;
        let provided: Vec<String> = match view.submissions.last() {
            Some(last) if !matches!(view.state, ApplicationState::Draft | ApplicationState::Returned) => {
                last.materials.clone()
            }
            _ => current.iter().map(|f| f.material_code.clone()).collect(),
        };
        let unmet = if view.state.is_terminal() { Vec::new() } else { self.unmet_prerequisites(id).await? };
        let warnings = NamedWarnings::of(&SubmissionWarnings::of(&stored.facts, &provided, unmet), &stored.checklist);
        let clock_records = clock_records(&view, &calendar).unwrap_or_default();
        let checklist = stored
            .checklist
            .iter()
            .map(|m| ChecklistEntry {
                code: m.code.clone(),
                name: m.name.clone(),
                file: current.iter().find(|f| f.material_code == m.code).cloned(),
            })
            .collect();
        Ok(ApplicationDetail {
            one_time_violations: one_time_violations(&view),
            clock_records,
            warnings,
            files: self.all_files(id).await?,
            helpers: self.project_helpers(user, &application.project_id).await?,
            application,
            facts: stored.facts,
            checklist,
            view,
            timeline,
            clocks,
            available_actions,
        })
    }
}

/// Every clock running now, with its deadline and light for `today`.
fn clock_statuses(
    view: &ApplicationView,
    calendar: &WorkCalendar,
    policy: &LightPolicy,
    today: NaiveDate,
) -> Vec<ClockStatus> {
    running_clocks(view)
        .into_iter()
        .filter_map(|c| {
            let pauses: Vec<ClockPause> =
                c.pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect();
            let deadline = calendar.compute_deadline(c.started_on, c.limit, c.unit, &pauses, policy).ok()?;
            let used = calendar.limit_used(c.started_on, today, c.unit, &pauses).unwrap_or(0);
            Some(ClockStatus {
                kind: c.kind.as_str(),
                label: c.kind.label_zh(),
                started_on: c.started_on,
                limit: c.limit,
                unit: c.unit,
                due_on: deadline.due_on,
                warn_on: deadline.warn_on,
                provisional: deadline.provisional,
                paused: c.is_paused(),
                used,
                light: deadline.light(today),
            })
        })
        .collect()
}
