//! Progress reports (信息报送): the campaign's reporting schedule, each department's
//! reports as filed (append-only: filing again adds a version naming the one before),
//! the figures pre-filled from the record, the reminders of the daily run, and the
//! late and missing reports for the office's page and the bulletin.

use crate::events::{append, NewEvent};
use crate::messages::{department_users, group_channels, public_url, tell, Recipient};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::bulletin::Month;
use qidi_core::calendar::WorkCalendar;
use qidi_core::ledger::Campaign;
use qidi_core::progress_report::{
    check_text, lapses, may_file, periods, reminder_stage, ReportError, ReportFigures, ReportLapse, ReportPeriod,
    ReportSchedule, ReportState,
};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// A region's campaign with its reporting schedule and periods.
#[derive(Debug, Clone, Serialize)]
pub struct ReportPlan {
    pub campaign_id: String,
    pub campaign: Campaign,
    pub schedule: ReportSchedule,
    /// Whether the schedule was set for the campaign (otherwise the plan's default).
    pub schedule_set: bool,
    pub periods: Vec<ReportPeriod>,
}

impl ReportPlan {
    pub fn period(&self, key: &str) -> Option<&ReportPeriod> {
        self.periods.iter().find(|p| p.key == key)
    }
}

/// A progress report as filed.
#[derive(Debug, Clone, Serialize)]
pub struct FiledReport {
    pub id: String,
    pub department_id: String,
    pub department_code: String,
    pub department: String,
    pub period: String,
    pub due_on: NaiveDate,
    pub version: i64,
    pub supersedes_id: Option<String>,
    pub filed_on: NaiveDate,
    pub filed_by: String,
    pub figures: ReportFigures,
    pub text: String,
}

/// A department's standing for one period, for the office's page.
#[derive(Debug, Clone, Serialize)]
pub struct ReportStatus {
    pub department_id: String,
    pub department_code: String,
    pub department: String,
    pub state: ReportState,
    /// The first filing's day (the one lateness is judged by).
    pub first_filed_on: Option<NaiveDate>,
    /// The latest version.
    pub latest: Option<FiledReport>,
}

fn day(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

const REPORT_SELECT: &str =
    "SELECT r.id, r.department_id, d.code, d.name, r.period, r.due_on, r.version, r.supersedes_id,
        r.filed_on, u.display_name, r.pending, r.approved, r.removed, r.overdue, r.text
     FROM progress_reports r JOIN departments d ON d.id = r.department_id JOIN users u ON u.id = r.filed_by";

fn report_from_row(r: &sqlx::any::AnyRow) -> Result<FiledReport, StoreError> {
    let bad = |what: &str| StoreError::invalid(format!("progress_reports row has a bad {what}"));
    Ok(FiledReport {
        id: r.get(0),
        department_id: r.get(1),
        department_code: r.get(2),
        department: r.get(3),
        period: r.get(4),
        due_on: day(&r.get::<String, _>(5)).ok_or_else(|| bad("due_on"))?,
        version: r.get(6),
        supersedes_id: r.get(7),
        filed_on: day(&r.get::<String, _>(8)).ok_or_else(|| bad("filed_on"))?,
        filed_by: r.get(9),
        figures: ReportFigures { pending: r.get(10), approved: r.get(11), removed: r.get(12), overdue: r.get(13) },
        text: r.get(14),
    })
}

/// The reporting schedule stored with a campaign, or the plan's.
async fn schedule_of(
    conn: &mut AnyConnection,
    campaign_id: &str,
    campaign: &Campaign,
) -> Result<(ReportSchedule, bool), StoreError> {
    let stored: Option<String> = sqlx::query("SELECT report_schedule FROM campaigns WHERE id = $1")
        .bind(campaign_id)
        .fetch_optional(&mut *conn)
        .await?
        .and_then(|r| r.get(0));
    match stored {
        Some(json) => serde_json::from_str(&json)
            .map(|s| (s, true))
            .map_err(|_| StoreError::invalid("campaigns row has a bad report_schedule")),
        None => Ok((ReportSchedule::of_plan(campaign), false)),
    }
}

/// The campaign, schedule and periods of `region`, if it has a campaign.
pub(crate) async fn plan_tx(
    conn: &mut AnyConnection,
    calendar: &WorkCalendar,
    region: &RegionCode,
) -> Result<Option<ReportPlan>, StoreError> {
    let Some(c) = crate::baseline::current_campaign_tx(conn, region).await? else { return Ok(None) };
    let (schedule, schedule_set) = schedule_of(conn, &c.id, &c.campaign).await?;
    let periods = periods(calendar, &c.campaign, &schedule);
    Ok(Some(ReportPlan { campaign_id: c.id, campaign: c.campaign, schedule, schedule_set, periods }))
}

/// The departments that report (`$1` the region): the region's departments handling
/// pending items in it, each found by one probe of the (region, department) index.
/// The light run asks this in its last write transaction; a test of every item of
/// every region per department read the whole table for a department with none.
pub(crate) const REPORTING_DEPARTMENTS: &str = "SELECT d.id, d.code, d.name FROM departments d
     WHERE d.region_code = $1
       AND EXISTS (SELECT 1 FROM pending_items i WHERE i.region_code = d.region_code AND i.handling_department_id = d.id)
     ORDER BY d.code";

/// The departments that report: those handling pending items in the region.
pub(crate) async fn reporting_departments(
    conn: &mut AnyConnection,
    region: &str,
) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(sqlx::query(REPORTING_DEPARTMENTS)
        .bind(region)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// The day each department first filed for each period of a campaign.
async fn first_filings(
    conn: &mut AnyConnection,
    campaign_id: &str,
) -> Result<HashMap<(String, String), NaiveDate>, StoreError> {
    Ok(sqlx::query(
        "SELECT department_id, period, filed_on FROM progress_reports WHERE campaign_id = $1 AND version = 1",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .filter_map(|r| Some(((r.get(0), r.get(1)), day(&r.get::<String, _>(2))?)))
    .collect())
}

/// Reports due in `month` that were filed late, or not filed by its last day.
pub(crate) async fn month_lapses(
    conn: &mut AnyConnection,
    calendar: &WorkCalendar,
    region: &RegionCode,
    month: Month,
) -> Result<Vec<ReportLapse>, StoreError> {
    span_lapses(conn, calendar, region, month.first_day(), month.last_day()).await
}

/// Reports due from `first` to `last` that were filed late, or not filed by `last`.
pub(crate) async fn span_lapses(
    conn: &mut AnyConnection,
    calendar: &WorkCalendar,
    region: &RegionCode,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<ReportLapse>, StoreError> {
    let Some(plan) = plan_tx(conn, calendar, region).await? else { return Ok(Vec::new()) };
    let due: Vec<&ReportPeriod> = plan.periods.iter().filter(|p| first <= p.due_on && p.due_on <= last).collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let filed = first_filings(conn, &plan.campaign_id).await?;
    let mut rows = Vec::new();
    for (id, code, name) in reporting_departments(conn, region.as_str()).await? {
        for p in &due {
            let f = filed.get(&(id.clone(), p.key.clone())).copied();
            rows.push((code.clone(), name.clone(), (*p).clone(), f));
        }
    }
    Ok(lapses(calendar, &rows, last))
}

/// Remind every reporting department of a report due within a working day or just
/// late and not filed, in the daily run's transaction. Returns the rows written.
pub(crate) async fn remind_progress_reports(
    conn: &mut AnyConnection,
    calendar: &WorkCalendar,
    run_on: NaiveDate,
) -> Result<usize, StoreError> {
    let regions: Vec<String> = sqlx::query("SELECT DISTINCT region_code FROM campaigns ORDER BY region_code")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut written = 0;
    for region in regions {
        let Ok(code) = RegionCode::parse(&region) else { continue };
        let Some(plan) = plan_tx(conn, calendar, &code).await? else { continue };
        let due: Vec<(ReportPeriod, qidi_core::message::ReportStage)> = plan
            .periods
            .iter()
            .filter_map(|p| Some((p.clone(), reminder_stage(calendar, p.due_on, run_on)?)))
            .collect();
        if due.is_empty() {
            continue;
        }
        let filed = first_filings(conn, &plan.campaign_id).await?;
        for (department_id, _, name) in reporting_departments(conn, &region).await? {
            for (p, stage) in &due {
                if filed.contains_key(&(department_id.clone(), p.key.clone())) {
                    continue;
                }
                let mut to: Vec<Recipient> = department_users(conn, &department_id, &["department_head", "handler"])
                    .await?
                    .into_iter()
                    .map(Recipient::User)
                    .collect();
                to.extend(group_channels(conn, &region, Some(&department_id)).await?);
                let link = format!("/supervision/reports/new?period={}", p.key);
                let period = p.sentence();
                let write = |w: &dyn qidi_core::sentence::Words| {
                    qidi_core::message::missing_progress_report(
                        w,
                        &name,
                        &period,
                        p.due_on,
                        *stage,
                        &link,
                        public_url(),
                    )
                };
                let key = format!("missing:progress:{}:{department_id}:{}:{}", plan.campaign_id, p.key, stage.as_str());
                written += tell(conn, &region, &key, &write, &to).await?;
            }
        }
    }
    Ok(written)
}

impl Store {
    /// The region's campaign with its reporting schedule and periods.
    pub async fn report_plan(&self, region: &RegionCode) -> Result<ReportPlan, StoreError> {
        let calendar = self.work_calendar().await?;
        // Creates the plan's campaign for a region that has none.
        self.campaign(region).await?;
        let mut conn = self.pool.acquire().await?;
        plan_tx(&mut conn, &calendar, region).await?.ok_or_else(|| StoreError::NotFound("本地区尚无工作期".into()))
    }

    /// Set the campaign's reporting schedule (the office).
    pub async fn set_report_schedule(&self, actor: &User, schedule: ReportSchedule) -> Result<ReportPlan, StoreError> {
        if !qidi_core::progress_report::may_set_schedule(actor.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-report-schedule-forbidden",
                "只有领导小组办公室可以设置信息报送安排",
            )));
        }
        let region = actor.region();
        let plan = self.report_plan(&region).await?;
        schedule.validate(&plan.campaign).map_err(|e| StoreError::invalid(&e))?;
        let json = serde_json::to_string(&schedule).map_err(|e| StoreError::invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE campaigns SET report_schedule = $1 WHERE id = $2")
            .bind(&json)
            .bind(&plan.campaign_id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &NewEvent::by(
                actor,
                region.to_string(),
                "campaign.report_schedule",
                "campaign",
                Some(plan.campaign_id.clone()),
                serde_json::json!({ "schedule": schedule, "was": plan.schedule }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.report_plan(&region).await
    }

    /// The figures of a department's report for a period, from the record: pending
    /// items it handles now; items granted, and items removed by an approved removal,
    /// in the period; clocks that ended late in the period and applications still
    /// open past their due date at its end.
    pub async fn report_figures(&self, department_id: &str, p: &ReportPeriod) -> Result<ReportFigures, StoreError> {
        let (from, to) = (p.starts_on.to_string(), p.ends_on.to_string());
        let to_end = format!("{to}T23:59:59.999999+08:00");
        let count = |sql: &'static str, binds: Vec<String>| async move {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b);
            }
            Ok::<i64, StoreError>(q.fetch_one(&self.pool).await?.get::<i64, _>(0))
        };
        let d = department_id.to_string();
        let pending = count(
            "SELECT COUNT(*) FROM pending_items WHERE handling_department_id = $1 AND status = 'pending'",
            vec![d.clone()],
        )
        .await?;
        let approved = count(
            "SELECT COUNT(*) FROM pending_items i WHERE i.handling_department_id = $1 AND i.status = 'granted' AND (
                 EXISTS (SELECT 1 FROM applications a WHERE a.pending_item_id = i.id AND a.state IN ('approved', 'higher_approved')
                         AND substr(a.closed_at, 1, 10) >= $2 AND substr(a.closed_at, 1, 10) <= $3)
              OR EXISTS (SELECT 1 FROM outside_approvals o WHERE o.pending_item_id = i.id AND o.decided_on >= $2 AND o.decided_on <= $3))",
            vec![d.clone(), from.clone(), to.clone()],
        )
        .await?;
        let removed = count(
            "SELECT COUNT(*) FROM pending_items i WHERE i.handling_department_id = $1 AND EXISTS (
                 SELECT 1 FROM removals r WHERE r.decision = 'approved'
                   AND substr(r.decided_at, 1, 10) >= $2 AND substr(r.decided_at, 1, 10) <= $3
                   AND ((r.kind = 'item' AND r.pending_item_id = i.id) OR (r.kind = 'project' AND r.project_id = i.project_id)))",
            vec![d.clone(), from.clone(), to.clone()],
        )
        .await?;
        let overdue = count(
            "SELECT (SELECT COUNT(*) FROM clock_records r WHERE r.handling_department_id = $1 AND r.outcome = 'late'
                       AND r.ended_on >= $2 AND r.ended_on <= $3)
                  + (SELECT COUNT(*) FROM applications a JOIN pending_items i ON i.id = a.pending_item_id
                     WHERE i.handling_department_id = $1 AND a.due_on < $3 AND (a.closed_at IS NULL OR a.closed_at > $4))",
            vec![d, from, to, to_end],
        )
        .await?;
        Ok(ReportFigures { pending, approved, removed, overdue })
    }

    /// File the progress report of `department_id` for `period_key`, written by a
    /// head or handler of that department, on `today` (the period's last day or
    /// later). A second filing for the period is a new version naming the earlier;
    /// lateness is judged by the first.
    pub async fn file_progress_report(
        &self,
        user: &User,
        period_key: &str,
        text: &str,
        today: NaiveDate,
    ) -> Result<FiledReport, StoreError> {
        let department_id = user.department_id.clone().unwrap_or_default();
        may_file(user.role, user.department_id.as_deref(), &department_id).map_err(|e| StoreError::forbidden(&e))?;
        let text = check_text(text).map_err(|e| StoreError::invalid(&e))?;
        let region = user.region();
        let plan = self.report_plan(&region).await?;
        let p = plan
            .period(period_key)
            .cloned()
            .ok_or_else(|| StoreError::invalid(&ReportError::UnknownPeriod(period_key.to_string())))?;
        if !p.open_for_filing(today) {
            return Err(StoreError::invalid(
                Sentence::new(
                    "err-report-period-not-ended",
                    format!("{}尚未结束（{} 截止），期末当天起方可报送", p.label_zh(), p.ends_on),
                )
                .arg("from", p.starts_on)
                .arg("to", p.ends_on),
            ));
        }
        let figures = self.report_figures(&department_id, &p).await?;
        let mut tx = self.begin_write().await?;
        let latest = sqlx::query(
            "SELECT id, version FROM progress_reports WHERE campaign_id = $1 AND department_id = $2 AND period = $3
             ORDER BY version DESC LIMIT 1",
        )
        .bind(&plan.campaign_id)
        .bind(&department_id)
        .bind(&p.key)
        .fetch_optional(&mut *tx)
        .await?;
        let (supersedes, version): (Option<String>, i64) = match latest {
            Some(r) => (Some(r.get(0)), r.get::<i64, _>(1) + 1),
            None => (None, 1),
        };
        let id = new_id();
        let res = sqlx::query(
            "INSERT INTO progress_reports (id, region_code, campaign_id, department_id, period, period_starts_on, period_ends_on,
                 due_on, version, supersedes_id, filed_on, filed_by, pending, approved, removed, overdue, text, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(&plan.campaign_id)
        .bind(&department_id)
        .bind(&p.key)
        .bind(p.starts_on.to_string())
        .bind(p.ends_on.to_string())
        .bind(p.due_on.to_string())
        .bind(version)
        .bind(&supersedes)
        .bind(today.to_string())
        .bind(&user.id)
        .bind(figures.pending)
        .bind(figures.approved)
        .bind(figures.removed)
        .bind(figures.overdue)
        .bind(&text)
        .bind(now_text())
        .execute(&mut *tx)
        .await;
        match res {
            Ok(_) => {}
            Err(e) => {
                let e = StoreError::from(e);
                return Err(if e.is_unique_violation() {
                    StoreError::conflict(Sentence::new(
                        "err-report-filed-meanwhile",
                        "本期报送刚由他人提交，请刷新后再试",
                    ))
                } else {
                    e
                });
            }
        }
        let state = ReportState::of(p.due_on, Some(today), today);
        append(
            &mut tx,
            &NewEvent::by(
                user,
                region.to_string(),
                "progress_report.file",
                "progress_report",
                Some(id.clone()),
                serde_json::json!({
                    "department_id": department_id, "period": p.key, "version": version,
                    "supersedes_id": supersedes, "due_on": p.due_on.to_string(), "state": state.as_str(),
                    "figures": figures,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.progress_report(&id).await?.ok_or_else(|| StoreError::NotFound("progress report vanished".into()))
    }

    pub async fn progress_report(&self, id: &str) -> Result<Option<FiledReport>, StoreError> {
        let row = sqlx::query(&format!("{REPORT_SELECT} WHERE r.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// Reports of the region's campaign, newest first; of one department and/or period.
    pub async fn progress_reports(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<FiledReport>, StoreError> {
        let plan = self.report_plan(region).await?;
        let sql = format!(
            "{REPORT_SELECT} WHERE r.campaign_id = $1 AND ($2 = '' OR r.department_id = $2) AND ($3 = '' OR r.period = $3)
             ORDER BY r.due_on DESC, d.code, r.version DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(&plan.campaign_id)
            .bind(department_id.unwrap_or(""))
            .bind(period.unwrap_or(""))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(report_from_row).collect()
    }

    /// Every reporting department's standing for one period on `today`.
    pub async fn report_statuses(
        &self,
        region: &RegionCode,
        period: &ReportPeriod,
        today: NaiveDate,
    ) -> Result<Vec<ReportStatus>, StoreError> {
        let reports = self.progress_reports(region, None, Some(&period.key)).await?;
        let mut conn = self.pool.acquire().await?;
        let departments = reporting_departments(&mut conn, region.as_str()).await?;
        drop(conn);
        Ok(departments
            .into_iter()
            .map(|(id, code, name)| {
                let mine: Vec<&FiledReport> = reports.iter().filter(|r| r.department_id == id).collect();
                let first = mine.iter().find(|r| r.version == 1).map(|r| r.filed_on);
                ReportStatus {
                    state: ReportState::of(period.due_on, first, today),
                    department_id: id,
                    department_code: code,
                    department: name,
                    first_filed_on: first,
                    latest: mine.first().map(|r| (*r).clone()),
                }
            })
            .collect())
    }

    /// Reports due in `month` filed late or not by its end (the bulletin's section).
    pub async fn report_lapses(&self, region: &RegionCode, month: Month) -> Result<Vec<ReportLapse>, StoreError> {
        let calendar = self.work_calendar().await?;
        let mut conn = self.pool.acquire().await?;
        month_lapses(&mut conn, &calendar, region, month).await
    }
}
