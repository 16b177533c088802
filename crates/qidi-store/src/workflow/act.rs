//! Taking one step on an application: the request, the outcome, repeats and denials, the derived columns.

use super::create::check_token;
use super::{actor_for, ApplicationRow, NamedWarnings, Step, Stored, WorkflowError};
use crate::events::NewEvent;
use crate::users::User;
use crate::{now_text, Store, StoreError};
use chrono::{DateTime, FixedOffset};
use qidi_core::deadline::{ClockPause, Deadline};
use qidi_core::sentence::Sentence;
use qidi_core::workflow::{
    replay, running_clock, shanghai_date, Action, ApplicationEvent, ApplicationView, Awaiting, SubmissionWarnings,
    TransitionError,
};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The request to take one step.
#[derive(Debug, Clone, Deserialize)]
pub struct ActRequest {
    pub action: Action,
    /// Sent again with the same token, the request returns the first result.
    #[serde(default)]
    pub client_token: Option<String>,
    /// The version the user saw; if the application moved on since, a conflict.
    #[serde(default)]
    pub expected_version: Option<i64>,
    /// A remark beyond what the action carries.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The result of a step.
#[derive(Debug, Clone, Serialize)]
pub struct ActOutcome {
    pub application: ApplicationRow,
    /// The event the step appended (for a repeat: the first request's event).
    pub seq: u64,
    /// The version right after the step.
    pub version: i64,
    /// The same client token was seen before: nothing new happened.
    pub repeated: bool,
    /// A return that breaks the one-time rule (allowed, but counted in assessment).
    pub breaks_one_time_rule: bool,
    /// A return after the notice limit ran out (视为受理 had been recorded).
    pub after_notice_limit: bool,
    /// A return's one-time notice number.
    pub notice_number: Option<String>,
    /// For a (re)submission: what it lacks, as far as qidi can tell. It went through.
    pub warnings: Option<NamedWarnings>,
}

fn shanghai_now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&now_text()).expect("now_text is RFC 3339")
}

impl Store {
    /// Take one step on an application now. See [`Store::act_at`].
    pub async fn act(&self, user: &User, application_id: &str, req: ActRequest) -> Result<ActOutcome, WorkflowError> {
        self.act_at(user, application_id, req, shanghai_now()).await
    }

    /// Take one step, dated `at` (the present, except when importing a history or in
    /// tests). The core decides; the event, the derived row and, for an approval, the
    /// pending item's grant are written in one transaction, and only if nobody moved
    /// the application since it was read.
    ///
    /// For a submission the materials are those uploaded, not what the client claims;
    /// for a resubmission, `replaced` are the materials whose file changed since.
    pub async fn act_at(
        &self,
        user: &User,
        application_id: &str,
        req: ActRequest,
        at: DateTime<FixedOffset>,
    ) -> Result<ActOutcome, WorkflowError> {
        let app = self.application(user, application_id).await?;
        let token = check_token(req.client_token.as_deref())?;
        if let Some(t) = &token {
            if let Some(first) = self.repeated_request(user, &app, t, &req.action).await? {
                return Ok(first);
            }
        }
        // What the law made happen before this step comes first on the record.
        let app = if self.settle_deemed(&app, shanghai_date(&at)).await? {
            self.application(user, application_id).await?
        } else {
            app
        };
        if let Some(expected) = req.expected_version {
            if expected != app.version {
                return Err(stale(app.version));
            }
        }
        let stored = self.stored_facts(application_id).await?;
        let events = self.application_events(application_id).await?;
        let mut view = replay(&events, &stored.facts).map_err(|e| {
            StoreError::invalid(format!("application {application_id}: its record does not replay: {e}"))
        })?;
        let last = view.last_seq.unwrap_or(0);
        if i64::try_from(last).ok() != Some(app.version) {
            // A step landed between reading the row and reading the events.
            return Err(stale(app.version));
        }
        let owner_id = stored.facts.owner_id.clone();
        let helper = self.helper_link(&user.id, &app.project_id).await?;
        let actor = actor_for(user, helper.as_ref(), &owner_id, req.action.side());

        let (action, attachments) = match req.action {
            Action::Submit { .. } | Action::Resubmit { .. } => {
                let files = self.current_files(application_id).await?;
                let materials: Vec<String> = stored
                    .checklist
                    .iter()
                    .filter(|m| files.iter().any(|f| f.material_code == m.code))
                    .map(|m| m.code.clone())
                    .collect();
                let attachments: Vec<String> = files.iter().map(|f| f.stored_name.clone()).collect();
                let action = if matches!(req.action, Action::Submit { .. }) {
                    Action::Submit { materials }
                } else {
                    let before: Vec<String> = view
                        .submissions
                        .last()
                        .and_then(|s| events.iter().find(|e| e.seq == s.seq))
                        .map(|e| e.attachments.clone())
                        .unwrap_or_default();
                    let replaced = files
                        .iter()
                        .filter(|f| !before.contains(&f.stored_name))
                        .map(|f| f.material_code.clone())
                        .filter(|m| materials.contains(m))
                        .collect();
                    Action::Resubmit { materials, replaced }
                };
                (action, attachments)
            }
            other => (other, Vec::new()),
        };
        let seq = last + 1;
        let mut event = ApplicationEvent::new(seq, at, &user.id, actor, action);
        event.reason = req.reason.map(|r| r.trim().chars().take(2000).collect::<String>()).filter(|r| !r.is_empty());
        event.attachments = attachments;
        let warnings = match &event.action {
            Action::Submit { materials } | Action::Resubmit { materials, .. } => {
                let unmet = self.unmet_prerequisites(application_id).await?;
                Some(SubmissionWarnings::of(&stored.facts, materials, unmet))
            }
            _ => None,
        };
        if let Err(e) = view.apply(&event, &stored.facts) {
            self.record_denial(user, &app.region_code, application_id, event.action.as_str(), &e).await?;
            return Err(WorkflowError::Refused(e));
        }
        let action = event.action.clone();
        let step = Step { app: &app, stored: &stored, view: &view, event, user: Some(user), token: token.as_deref() };
        let Some(event) = self.write_step(step).await? else {
            if let Some(t) = &token {
                if let Some(first) = self.repeated_request(user, &app, t, &action).await? {
                    return Ok(first);
                }
            }
            return Err(stale(app.version));
        };
        let notice = view.notices.last().filter(|n| n.seq == seq);
        Ok(ActOutcome {
            application: self.application(user, application_id).await?,
            seq,
            version: i64::try_from(seq).unwrap_or(i64::MAX),
            repeated: false,
            breaks_one_time_rule: notice.is_some_and(|n| n.breaks_one_time_rule()),
            after_notice_limit: notice.is_some_and(|n| n.after_notice_limit()),
            notice_number: match &event.action {
                Action::Return { notice } => notice.number.clone(),
                _ => None,
            },
            warnings: warnings.map(|w| NamedWarnings::of(&w, &stored.checklist)),
        })
    }

    /// Put a forbidden attempt on the record (SECURITY.md: denials are audited).
    /// Conflicts and invalid input are the user's to fix and are not recorded.
    pub(super) async fn record_denial(
        &self,
        user: &User,
        region: &str,
        object_id: &str,
        action: &str,
        e: &TransitionError,
    ) -> Result<(), StoreError> {
        if e.kind() != qidi_core::workflow::ErrorKind::Forbidden {
            return Ok(());
        }
        self.append_event(&NewEvent {
            region_code: region.to_string(),
            actor_id: Some(user.id.clone()),
            actor_role: Some(user.role.as_str().into()),
            action: format!("application.{action}"),
            object_type: if action == "create" { "pending_item" } else { "application" }.into(),
            object_id: Some(object_id.to_string()),
            outcome: "denied".into(),
            payload: serde_json::json!({ "code": e.code(), "message": e.to_string() }),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    /// The first result of a request made with `token`, if there was one.
    async fn repeated_request(
        &self,
        user: &User,
        app: &ApplicationRow,
        token: &str,
        action: &Action,
    ) -> Result<Option<ActOutcome>, WorkflowError> {
        let row = sqlx::query(
            "SELECT application_id, user_id, action, seq, version FROM application_requests WHERE client_token = $1",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (app_id, user_id, tag): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        if app_id != app.id || user_id != user.id || tag != action.as_str() {
            return Err(WorkflowError::conflict(Sentence::new(
                "err-workflow-token-other-action",
                "该请求标识已用于另一项操作",
            )));
        }
        Ok(Some(ActOutcome {
            application: self.application(user, &app.id).await?,
            seq: u64::try_from(row.get::<i64, _>(3)).unwrap_or(0),
            version: row.get(4),
            repeated: true,
            breaks_one_time_rule: false,
            after_notice_limit: false,
            notice_number: None,
            warnings: None,
        }))
    }

    /// Replay an application's record and check it against the derived row.
    pub async fn application_view(&self, user: &User, id: &str) -> Result<ApplicationView, WorkflowError> {
        self.application(user, id).await?;
        let stored = self.stored_facts(id).await?;
        let events = self.application_events(id).await?;
        replay(&events, &stored.facts)
            .map_err(|e| WorkflowError::Store(StoreError::invalid(format!("application {id}: {e}"))))
    }
}

fn stale(version: i64) -> WorkflowError {
    WorkflowError::conflict(
        Sentence::new("err-workflow-stale", format!("申请已被他人办理（当前版本 {version}），请刷新后再试"))
            .arg("version", version),
    )
}

/// The derived columns after a step.
pub(crate) struct Derived {
    pub deadline: Deadline,
    pub clock_kind: Option<&'static str>,
    pub awaiting: Option<&'static str>,
}

impl Derived {
    pub(crate) fn of(
        view: &ApplicationView,
        stored: &Stored,
        calendar: &qidi_core::calendar::WorkCalendar,
    ) -> Result<Derived, WorkflowError> {
        let clock = running_clock(view);
        let deadline = match &clock {
            Some(c) => {
                let pauses: Vec<ClockPause> =
                    c.pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect();
                calendar
                    .compute_deadline(c.started_on, c.limit, c.unit, &pauses, &stored.policy)
                    .map_err(|e| WorkflowError::invalid(&e))?
            }
            None => Deadline { due_on: None, warn_on: None, provisional: false, paused_since: None },
        };
        let awaiting = Awaiting::of(view.state, clock.is_some()).map(Awaiting::as_str);
        Ok(Derived { deadline, clock_kind: clock.map(|c| c.kind.as_str()), awaiting })
    }
}
