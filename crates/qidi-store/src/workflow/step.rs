//! Writing one step of an application: the event, the derived row, the running clock,
//! the facts of every clock the step ended, the one-time notice's number and, on
//! approval, the grant, all in one transaction. Also the steps the law takes on its
//! own: a deemed acceptance (视为受理) when the notice limit has run out.

use super::{app_from_row, date_text, ApplicationRow, Derived, Stored, WorkflowError, APP_SELECT};
use crate::calendar::{clear_deadline, keep_clock, locked_calendar, DeadlineClock, DeadlineTarget};
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{now_text, Store, StoreError};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};
use qidi_core::deadline::ClockPause;
use qidi_core::workflow::{
    clock_record, deemed_acceptance, notice_number, running_clock, Action, Actor, ApplicationEvent, ApplicationState,
    ApplicationView,
};
use sqlx::{AnyConnection, Row};

/// The `events.actor_role` and `actor_user_id` of steps qidi records itself.
pub const SYSTEM_ACTOR: &str = "system";

/// One step, decided and folded into `view`, ready to be written.
pub(crate) struct Step<'a> {
    pub app: &'a ApplicationRow,
    pub stored: &'a Stored,
    /// The view with the step applied.
    pub view: &'a ApplicationView,
    pub event: ApplicationEvent,
    /// Who took it; `None` for qidi itself.
    pub user: Option<&'a User>,
    pub token: Option<&'a str>,
}

impl Store {
    /// Write `step` if the application is still at the version it was decided on.
    /// Returns the event as written (a return carries its notice number), or `None`
    /// if someone else moved the application first.
    pub(crate) async fn write_step(&self, step: Step<'_>) -> Result<Option<ApplicationEvent>, WorkflowError> {
        let Step { app, stored, view, mut event, user, token } = step;
        let seq = event.seq;
        let version = i64::try_from(seq).unwrap_or(i64::MAX);
        let now = now_text();
        let mut tx = self.begin_write().await?;
        // The calendar lock first, as a calendar import takes it (see `calendar`): the
        // deadline computed here is the calendar's until commit.
        let calendar = locked_calendar(&mut tx).await?;
        let derived = Derived::of(view, stored, &calendar)?;
        let updated = sqlx::query(
            "UPDATE applications SET state = $1, version = $2, due_on = $3, warn_on = $4, provisional = $5,
                 paused_since = $6, clock_kind = $7, awaiting = $8, closed_at = $9, updated_at = $10
             WHERE id = $11 AND version = $12",
        )
        .bind(view.state.as_str())
        .bind(version)
        .bind(date_text(derived.deadline.due_on))
        .bind(date_text(derived.deadline.warn_on))
        .bind(derived.deadline.provisional)
        .bind(date_text(derived.deadline.paused_since))
        .bind(derived.clock_kind)
        .bind(derived.awaiting)
        .bind(view.state.is_terminal().then(|| now.clone()))
        .bind(&now)
        .bind(&app.id)
        .bind(app.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(None);
        }
        // Keep the running clock beside the row, so a calendar change recomputes it.
        match running_clock(view) {
            Some(c) => {
                let clock = DeadlineClock {
                    started_on: c.started_on,
                    limit: c.limit,
                    unit: c.unit,
                    pauses: c.pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect(),
                    policy: stored.policy,
                };
                keep_clock(&mut tx, DeadlineTarget::Application, &app.id, &clock).await?;
            }
            None => clear_deadline(&mut tx, DeadlineTarget::Application, &app.id).await?,
        }
        record_clocks(&mut tx, app, view, seq, &calendar, &now).await?;
        if let Action::Return { notice } = &mut event.action {
            let record = view.notices.iter().find(|n| n.seq == seq);
            let flags = record.map_or((false, false), |n| (n.after_notice_limit(), n.breaks_one_time_rule()));
            notice.number = Some(issue_notice(&mut tx, app, seq, event.on, flags).await?);
        }
        if let (Some(t), Some(user)) = (token, user) {
            sqlx::query(
                "INSERT INTO application_requests (client_token, application_id, user_id, action, seq, version, created_at, region_code)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(t)
            .bind(&app.id)
            .bind(&user.id)
            .bind(event.action.as_str())
            .bind(version)
            .bind(version)
            .bind(&now)
            .bind(&app.region_code)
            .execute(&mut *tx)
            .await?;
        }
        // 审批1个核减1个: an approval here or above grants the pending item at once. Before
        // the events: the grant may wait for a department's baseline rows (their counts),
        // and must not hold the record's chain head while it does (see migration 0036).
        let grant = match view.decision.as_ref().filter(|d| d.approved && d.seq == seq) {
            Some(d) => {
                let granted =
                    sqlx::query("UPDATE pending_items SET status = 'granted' WHERE id = $1 AND status = 'pending'")
                        .bind(&app.pending_item_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                Some((d, granted))
            }
            None => None,
        };
        let (actor_id, actor_role) = match user {
            Some(u) => (Some(u.id.clone()), u.role.as_str().to_string()),
            None => (None, SYSTEM_ACTOR.to_string()),
        };
        append(
            &mut tx,
            &NewEvent {
                region_code: app.region_code.clone(),
                actor_id: actor_id.clone(),
                actor_role: Some(actor_role.clone()),
                action: format!("application.{}", event.action.as_str()),
                object_type: "application".into(),
                object_id: Some(app.id.clone()),
                payload: serde_json::json!({ "event": event, "state": view.state }),
                ..Default::default()
            },
        )
        .await?;
        crate::messages::tell_step(&mut tx, app, &event, derived.deadline.due_on).await?;
        if let Some((d, granted)) = grant {
            append(
                &mut tx,
                &NewEvent {
                    region_code: app.region_code.clone(),
                    actor_id,
                    actor_role: Some(actor_role),
                    action: "pending_item.grant".into(),
                    object_type: "pending_item".into(),
                    object_id: Some(app.pending_item_id.clone()),
                    outcome: if granted == 1 { "ok" } else { "unchanged" }.into(),
                    payload: serde_json::json!({
                        "application_id": app.id,
                        "document_number": d.document_number,
                        "decided_on": d.decided_on,
                        "by_higher_authority": d.by_higher_authority,
                    }),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(event))
    }

    /// Record the deemed acceptance of one application if the law has made it by
    /// `today` and it is not on the record yet. Returns whether this call recorded it
    /// (false also when another instance did so first).
    pub async fn settle_deemed_acceptance(
        &self,
        application_id: &str,
        today: NaiveDate,
    ) -> Result<bool, WorkflowError> {
        let sql = format!("{APP_SELECT} WHERE a.id = $1");
        let Some(row) = sqlx::query(&sql).bind(application_id).fetch_optional(&self.pool).await? else {
            return Err(WorkflowError::NotFound);
        };
        self.settle_deemed(&app_from_row(&row, today)?, today).await
    }

    /// [`Store::settle_deemed_acceptance`] for an application row already read.
    pub(crate) async fn settle_deemed(&self, app: &ApplicationRow, today: NaiveDate) -> Result<bool, WorkflowError> {
        if app.state != ApplicationState::Submitted {
            return Ok(false);
        }
        let application_id = app.id.as_str();
        let stored = self.stored_facts(application_id).await?;
        let events = self.application_events(application_id).await?;
        let mut view = qidi_core::workflow::replay(&events, &stored.facts).map_err(|e| {
            StoreError::invalid(format!("application {application_id}: its record does not replay: {e}"))
        })?;
        if i64::try_from(view.last_seq.unwrap_or(0)).ok() != Some(app.version) {
            return Ok(false);
        }
        let calendar = self.work_calendar().await?;
        let deemed = deemed_acceptance(&view, &calendar, today).map_err(|e| WorkflowError::invalid(&e))?;
        let Some((on, action)) = deemed else { return Ok(false) };
        let event =
            ApplicationEvent::new(view.last_seq.unwrap_or(0) + 1, start_of(on), SYSTEM_ACTOR, Actor::system(), action);
        view.apply(&event, &stored.facts).map_err(|e| {
            StoreError::invalid(format!("application {application_id}: deemed acceptance refused: {e}"))
        })?;
        let step = Step { app, stored: &stored, view: &view, event, user: None, token: None };
        Ok(self.write_step(step).await?.is_some())
    }

    /// Record every deemed acceptance the law has made by `today` (the scheduler runs
    /// this on the first run of each day). Returns how many were recorded.
    pub async fn settle_deemed_acceptances(&self, today: NaiveDate) -> Result<usize, WorkflowError> {
        let ids: Vec<String> = sqlx::query("SELECT id FROM applications WHERE state = 'submitted' ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut recorded = 0;
        for id in ids {
            if self.settle_deemed_acceptance(&id, today).await? {
                recorded += 1;
            }
        }
        Ok(recorded)
    }
}

/// 00:00 Beijing time on `d`: when a deemed acceptance took effect.
pub(crate) fn start_of(d: NaiveDate) -> DateTime<FixedOffset> {
    crate::beijing()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .single()
        .expect("a fixed offset has one local time")
}

/// Keep the facts of every clock the step `seq` ended (core `clock_record`).
async fn record_clocks(
    conn: &mut AnyConnection,
    app: &ApplicationRow,
    view: &ApplicationView,
    seq: u64,
    calendar: &qidi_core::calendar::WorkCalendar,
    now: &str,
) -> Result<(), WorkflowError> {
    for run in view.clocks.iter().filter(|r| r.ended.as_ref().is_some_and(|e| e.seq == seq)) {
        let Some(r) = clock_record(run, calendar).map_err(|e| WorkflowError::invalid(&e))? else {
            continue;
        };
        sqlx::query(
            "INSERT INTO clock_records (application_id, region_code, pending_item_id, handling_department_id, kind,
                 started_seq, started_on, time_limit, limit_unit, due_on, ended_seq, ended_on, ended_by, days_used,
                 days_overdue, outcome, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
             ON CONFLICT DO NOTHING",
        )
        .bind(&app.id)
        .bind(&app.region_code)
        .bind(&app.pending_item_id)
        .bind(&app.handling_department_id)
        .bind(r.kind.as_str())
        .bind(i64::try_from(r.started_seq).unwrap_or(i64::MAX))
        .bind(r.started_on.to_string())
        .bind(i64::from(r.limit))
        .bind(r.unit.as_str())
        .bind(r.due_on.to_string())
        .bind(i64::try_from(r.ended_seq).unwrap_or(i64::MAX))
        .bind(r.ended_on.to_string())
        .bind(&r.ended_by)
        .bind(r.days_used)
        .bind(r.days_overdue)
        .bind(r.outcome.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Give a return its notice number: the department's next serial of the year, taken
/// from its counter row with one UPSERT (atomic on both engines), kept with the notice.
async fn issue_notice(
    conn: &mut AnyConnection,
    app: &ApplicationRow,
    seq: u64,
    on: NaiveDate,
    (after_limit, breaks_one_time): (bool, bool),
) -> Result<String, WorkflowError> {
    let year = on.year();
    let serial: i64 = sqlx::query(
        "INSERT INTO notice_counters (department_id, year, region_code, last_serial) VALUES ($1, $2, $3, 1)
         ON CONFLICT (department_id, year) DO UPDATE SET last_serial = notice_counters.last_serial + 1
         RETURNING last_serial",
    )
    .bind(&app.handling_department_id)
    .bind(i64::from(year))
    .bind(&app.region_code)
    .fetch_one(&mut *conn)
    .await?
    .get(0);
    let number = notice_number(&app.handling_department, year, u32::try_from(serial).unwrap_or(u32::MAX));
    sqlx::query(
        "INSERT INTO one_time_notices (application_id, seq, region_code, department_id, year, serial, document_number,
             issued_on, after_limit, breaks_one_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&app.id)
    .bind(i64::try_from(seq).unwrap_or(i64::MAX))
    .bind(&app.region_code)
    .bind(&app.handling_department_id)
    .bind(i64::from(year))
    .bind(serial)
    .bind(&number)
    .bind(on.to_string())
    .bind(after_limit)
    .bind(breaks_one_time)
    .execute(&mut *conn)
    .await?;
    Ok(number)
}
