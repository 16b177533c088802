//! The scheduler inside `qidi serve`, and `qidi jobs run`: what is due now, once.
//!
//! - deemed acceptances (视为受理) the law has made;
//! - the daily light run, on working days from the morning time, and at start-up for
//!   the latest working day missed while the server was down (`due_run` in core);
//! - the monthly bulletin of the month before, from the morning of each month's first
//!   working day, if it has not been issued;
//! - sending the outbox;
//! - urging (催办) late 12345 work orders, and posting their results to the hotline
//!   platform.
//!
//! Several instances may run this at once: the light run of a day is claimed by one
//! row in `job_runs`, messages by row locks, deemed acceptances by version checks.

use crate::{DeliveryReport, Notifier};
use chrono::{DateTime, FixedOffset, NaiveTime, Utc};
use qidi_store::messages::LightRun;
use qidi_store::{Store, StoreError};
use serde::Serialize;
use std::time::Duration;

/// When the daily run is due (`QIDI_MORNING`, default 08:30 Beijing time).
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub morning: NaiveTime,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { morning: NaiveTime::from_hms_opt(8, 30, 0).expect("08:30 exists") }
    }
}

/// What one pass of the jobs did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct JobsReport {
    pub deemed_acceptances: usize,
    pub light_run: Option<LightRun>,
    /// Document numbers of the bulletins issued.
    pub bulletins: Vec<String>,
    pub delivery: DeliveryReport,
    pub hotline_urged: usize,
    pub hotline_callbacks: DeliveryReport,
}

fn beijing(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    now.with_timezone(&qidi_store::beijing())
}

/// The `job_runs` name of the day's deemed acceptances.
const DEEMED_JOB: &str = "deemed_acceptances";

/// Run every job due at `now`, once.
pub async fn run_due_jobs(
    store: &Store,
    notifier: &Notifier,
    schedule: Schedule,
    now: DateTime<Utc>,
) -> Result<JobsReport, StoreError> {
    let local = beijing(now);
    let today = local.date_naive();
    // A notice limit runs out at the end of a day, so the law's acceptances of a day
    // are all recorded by its first run; later runs that day have nothing to find.
    let deemed_acceptances = if store.job_ran(DEEMED_JOB, today).await? {
        0
    } else {
        let n = store.settle_deemed_acceptances(today).await.map_err(workflow_error)?;
        store.record_job_run(DEEMED_JOB, today, &notifier.worker).await?;
        n
    };
    let calendar = store.work_calendar().await?;
    let last = store.last_light_run().await?;
    let light_run = match qidi_core::message::due_run(&calendar, today, local.time(), schedule.morning, last) {
        Some(day) => store.run_lights(day, &notifier.worker).await?,
        None => None,
    };
    let bulletins = match qidi_core::bulletin::bulletin_due(&calendar, today, local.time(), schedule.morning) {
        Some(month) => {
            store.issue_due_bulletins(month, today).await?.into_iter().map(|b| b.bulletin.document_number).collect()
        }
        None => Vec::new(),
    };
    let hotline_urged = store.run_hotline_urging(today).await?;
    let delivery = notifier.deliver_due(store, now).await?;
    let hotline_callbacks = notifier.deliver_hotline_callbacks(store, now).await?;
    Ok(JobsReport { deemed_acceptances, light_run, bulletins, delivery, hotline_urged, hotline_callbacks })
}

fn workflow_error(e: qidi_store::workflow::WorkflowError) -> StoreError {
    match e {
        qidi_store::workflow::WorkflowError::Store(s) => s,
        other => StoreError::invalid(other.to_string()),
    }
}

/// Start the scheduler: jobs at start-up and every minute, the outbox every few
/// seconds. Errors are logged and tried again on the next tick; nothing is lost,
/// because what is not done stays due.
pub fn spawn_scheduler(store: Store, notifier: Notifier, schedule: Schedule) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            let now = qidi_store::now();
            if n.is_multiple_of(12) {
                match run_due_jobs(&store, &notifier, schedule, now).await {
                    Ok(r) => {
                        if let Some(run) = &r.light_run {
                            tracing::info!(day = %run.run_on, changes = run.changes, written = run.written, "light run done");
                        }
                        for number in &r.bulletins {
                            tracing::info!(%number, "bulletin issued");
                        }
                        if r.deemed_acceptances > 0 {
                            tracing::info!(count = r.deemed_acceptances, "recorded deemed acceptances");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "scheduled jobs failed; will try again in a minute"),
                }
            } else if let Err(e) = notifier.deliver_due(&store, now).await {
                tracing::warn!(error = %e, "sending messages failed; will try again");
            }
            n = n.wrapping_add(1);
        }
    })
}
