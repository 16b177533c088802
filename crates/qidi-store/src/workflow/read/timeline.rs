//! An application's timeline: its steps as shown, with their summaries and actors' names.

use crate::users::User;
use crate::workflow::{
    app_from_row, bind_all, material_name, visible, ApplicationRow, MaterialSpec, WorkflowError, APP_SELECT,
};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::workflow::{
    clock_record, Action, ApplicationEvent, ApplicationFacts, ApplicationState, ApplicationView, ClockOutcome,
    ClockRecord,
};
use qidi_core::Role;
use serde::Serialize;
use std::collections::HashMap;

/// One step of an application's record, as the timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineStep {
    pub seq: u64,
    pub at: String,
    pub on: NaiveDate,
    pub actor_user_id: String,
    pub actor_name: String,
    pub actor_role: &'static str,
    /// The actor's role; `None` for qidi itself.
    pub role: Option<Role>,
    /// A resubmission's replaced materials, by their names in the checklist.
    pub replaced_names: Vec<String>,
    /// Taken by an assisted-service helper on the unit's behalf.
    pub helper_for: bool,
    pub action: Action,
    pub action_code: &'static str,
    pub action_label: &'static str,
    pub state_after: ApplicationState,
    pub state_label: &'static str,
    /// What the action carried, in one line (document number, reasons, notice size …).
    pub summary: String,
    pub reason: Option<String>,
    pub attachments: Vec<String>,
    /// Working days in (previous step, this step]; for the first step, since the
    /// application was created.
    pub working_days_since_previous: i64,
    /// A return that breaks the one-time rule.
    pub breaks_one_time_rule: bool,
    /// A return after the notice limit ran out.
    pub after_notice_limit: bool,
    /// Taken by qidi itself (视为受理).
    pub by_system: bool,
    /// The clocks this step ended, with their lateness ("承诺审批时限超期 3 个工作日办结").
    pub clocks_ended: Vec<ClockRecord>,
}

impl TimelineStep {
    /// Whether a clock this step ended ran late.
    pub fn late(&self) -> bool {
        self.clocks_ended.iter().any(|r| r.outcome == ClockOutcome::Late)
    }
}

fn summary(action: &Action, checklist: &[MaterialSpec]) -> String {
    let names = |codes: &[String]| codes.iter().map(|c| material_name(checklist, c)).collect::<Vec<_>>().join("、");
    match action {
        Action::Submit { materials } => format!("提交材料 {} 项", materials.len()),
        Action::Resubmit { materials, replaced } if replaced.is_empty() => {
            format!("重新提交材料 {} 项", materials.len())
        }
        Action::Resubmit { materials, replaced } => {
            format!("重新提交材料 {} 项，更换：{}", materials.len(), names(replaced))
        }
        Action::Return { notice } => match &notice.number {
            Some(n) => format!("{n}，一次性告知问题 {} 项", notice.problems.len()),
            None => format!("一次性告知问题 {} 项", notice.problems.len()),
        },
        Action::Accept | Action::Resume => String::new(),
        Action::DeemAccept { received_on, notice_due_on } => {
            format!("一次性告知时限至 {notice_due_on} 届满未告知，自收件之日 {received_on} 起视为受理")
        }
        Action::Extend { reason } => format!("延期理由：{reason}"),
        Action::Pause { reason, note } if note.trim().is_empty() => reason.label_zh().to_string(),
        Action::Pause { reason, note } => format!("{}：{}", reason.label_zh(), note.trim()),
        Action::Approve { document_number, decided_on } => format!("批复文号 {document_number}，{decided_on}"),
        Action::Refuse { reasons } => format!("理由：{reasons}"),
        Action::Forward { to_authority } => format!("转报至 {to_authority}"),
        Action::RecordHigherOutcome { approved: true, document_number, decided_on, .. } => format!(
            "上级批准，文号 {}{}",
            document_number.as_deref().unwrap_or(""),
            decided_on.map(|d| format!("，{d}")).unwrap_or_default()
        ),
        Action::RecordHigherOutcome { approved: false, reasons, .. } => {
            format!("上级不予许可，理由：{}", reasons.as_deref().unwrap_or(""))
        }
        Action::Withdraw { reason } => format!("理由：{reason}"),
    }
}

impl Store {
    /// Display names of users by id.
    pub(super) async fn user_names(
        &self,
        ids: impl Iterator<Item = &str>,
    ) -> Result<HashMap<String, (String, Role)>, StoreError> {
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            if let Some(u) = self.user_by_id(id).await? {
                out.insert(id.to_string(), (u.display_name, u.role));
            }
        }
        Ok(out)
    }

    pub(super) fn timeline_of(
        events: &[ApplicationEvent],
        facts: &ApplicationFacts,
        checklist: &[MaterialSpec],
        created_on: NaiveDate,
        calendar: &WorkCalendar,
        names: &HashMap<String, (String, Role)>,
    ) -> Vec<TimelineStep> {
        let mut view = ApplicationView::new();
        let mut prev = created_on;
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            // The record was checked when written; a step that no longer replays is
            // still shown, with the state it left.
            let _ = view.apply(e, facts);
            let notice = view.notices.iter().find(|n| n.seq == e.seq);
            let clocks_ended = view
                .clocks
                .iter()
                .filter(|r| r.ended.as_ref().is_some_and(|end| end.seq == e.seq))
                .filter_map(|r| clock_record(r, calendar).ok().flatten())
                .collect();
            let (name, role) = if e.actor.system {
                ("起底系统".to_string(), None)
            } else {
                let (name, role) =
                    names.get(&e.actor_user_id).cloned().unwrap_or_else(|| (e.actor_user_id.clone(), e.actor.role));
                (name, Some(role))
            };
            let replaced_names = match &e.action {
                Action::Resubmit { replaced, .. } => replaced.iter().map(|c| material_name(checklist, c)).collect(),
                _ => Vec::new(),
            };
            out.push(TimelineStep {
                seq: e.seq,
                at: e.at.format("%Y-%m-%d %H:%M").to_string(),
                on: e.on,
                actor_user_id: e.actor_user_id.clone(),
                actor_name: name,
                actor_role: role.map_or("系统（依法记录）", Role::label_zh),
                role,
                replaced_names,
                helper_for: e.actor.helper_for,
                action: e.action.clone(),
                action_code: e.action.as_str(),
                action_label: e.action.label_zh(),
                state_after: view.state,
                state_label: view.state.label_zh(),
                summary: summary(&e.action, checklist),
                reason: e.reason.clone(),
                attachments: e.attachments.clone(),
                working_days_since_previous: calendar.working_days_between(prev, e.on).max(0),
                breaks_one_time_rule: notice.is_some_and(|n| n.breaks_one_time_rule()),
                after_notice_limit: notice.is_some_and(|n| n.after_notice_limit()),
                by_system: e.actor.system,
                clocks_ended,
            });
            prev = e.on;
        }
        out
    }

    /// A project's applications, each with its timeline, oldest application first.
    pub async fn project_timeline(
        &self,
        user: &User,
        project_id: &str,
    ) -> Result<Vec<(ApplicationRow, Vec<TimelineStep>)>, WorkflowError> {
        self.visible_project(user, project_id).await?;
        let (vis, binds) = visible(user, 2);
        let sql = format!("{APP_SELECT} WHERE a.project_id = $1 AND {vis} ORDER BY a.created_at, a.id");
        let rows = bind_all(sqlx::query(&sql).bind(project_id), &binds).fetch_all(&self.pool).await?;
        let today = crate::today();
        let calendar = self.work_calendar().await?;
        let mut out = Vec::new();
        for r in &rows {
            let app = app_from_row(r, today)?;
            let stored = self.stored_facts(&app.id).await?;
            let events = self.application_events(&app.id).await?;
            let names = self.user_names(events.iter().map(|e| e.actor_user_id.as_str())).await?;
            let created_on = NaiveDate::parse_from_str(stored.created_at.get(..10).unwrap_or(""), "%Y-%m-%d")
                .unwrap_or_else(|_| events.first().map_or(today, |e| e.on));
            let steps = Self::timeline_of(&events, &stored.facts, &stored.checklist, created_on, &calendar, &names);
            out.push((app, steps));
        }
        Ok(out)
    }
}
