//! Reminders of reports due under the campaign's milestones and still missing: a
//! check list's answers (核查反馈), a department's ledger signature (台账签字) and its
//! progress reports (信息报送, in `progress_reports`).
//! Each is told to the department concerned (its head, its handlers, its group
//! channels) twice at most: when it is due within a working day, and once late.
//! Written in the daily run's transaction.

use super::{department_users, group_channels, public_url, tell, Recipient};
use crate::baseline::{current_campaign_tx, locked_departments_tx};
use crate::StoreError;
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::message::{missing_check_results, missing_signature, report_stage, signing_milestone};
use qidi_core::sentence::Words;
use qidi_core::RegionCode;
use sqlx::{AnyConnection, Row};

/// The department's head and handlers, and its group channels.
async fn department(conn: &mut AnyConnection, region: &str, department_id: &str) -> Result<Vec<Recipient>, StoreError> {
    let mut to: Vec<Recipient> = department_users(conn, department_id, &["department_head", "handler"])
        .await?
        .into_iter()
        .map(Recipient::User)
        .collect();
    to.extend(group_channels(conn, region, Some(department_id)).await?);
    Ok(to)
}

/// Remind every department of what it owes on `run_on`. Returns the rows written.
/// The departments that hold pending items in the region `$1`, by code.
pub(crate) const REGION_HANDLERS: &str = "SELECT d.id, d.code, d.name FROM departments d
     WHERE EXISTS (SELECT 1 FROM pending_items i
                   WHERE i.region_code = $1 AND i.handling_department_id = d.id AND i.status = 'pending')
     ORDER BY d.code";

pub(super) async fn remind_missing_reports(
    conn: &mut AnyConnection,
    calendar: &WorkCalendar,
    run_on: NaiveDate,
) -> Result<usize, StoreError> {
    let mut written = 0;
    // Check lists with answers still missing, due by tomorrow at the latest.
    let horizon = calendar.add_working_days(run_on, 1).to_string();
    let lists = sqlx::query(
        "SELECT c.id, c.region_code, c.handling_department_id, d.code, d.name, c.due_on, COUNT(*)
         FROM check_lists c JOIN check_list_items ci ON ci.check_list_id = c.id
              JOIN departments d ON d.id = c.handling_department_id
         WHERE ci.answered_at IS NULL AND c.due_on <= $1
         GROUP BY c.id, c.region_code, c.handling_department_id, d.code, d.name, c.due_on",
    )
    .bind(&horizon)
    .fetch_all(&mut *conn)
    .await?;
    for r in lists {
        let (id, region, department_id): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        let Ok(due_on) = r.get::<String, _>(5).parse::<NaiveDate>() else { continue };
        let Some(stage) = report_stage(calendar, due_on, run_on) else { continue };
        let missing = usize::try_from(r.get::<i64, _>(6)).unwrap_or(0);
        let link = format!("/ledger/departments/{}", r.get::<String, _>(3));
        let name: String = r.get(4);
        let write = |w: &dyn Words| missing_check_results(w, &name, due_on, stage, missing, &link, public_url());
        let to = department(conn, &region, &department_id).await?;
        written += tell(conn, &region, &format!("missing:check:{id}:{}", stage.as_str()), &write, &to).await?;
    }
    // Department ledgers unsigned at the signing milestone of each region's campaign.
    let regions: Vec<String> = sqlx::query("SELECT DISTINCT region_code FROM campaigns")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for region in regions {
        let Ok(code) = RegionCode::parse(&region) else { continue };
        let Some(campaign) = current_campaign_tx(conn, &code).await? else { continue };
        let Some(milestone) = signing_milestone(&campaign.campaign) else { continue };
        let Some(stage) = report_stage(calendar, milestone.on, run_on) else { continue };
        if run_on > campaign.campaign.ends_on {
            continue;
        }
        let signed = locked_departments_tx(conn, &campaign.id).await?;
        // Departments that hold pending items in the region and have not signed: one
        // probe of the (region, department, status) index per department. This runs
        // in the light run's last write transaction, so it must not read the region's
        // items (seconds at a million projects, while sign-ins wait for the writer).
        let departments = sqlx::query(REGION_HANDLERS).bind(&region).fetch_all(&mut *conn).await?;
        for d in departments {
            let department_id: String = d.get(0);
            if signed.contains(&department_id) {
                continue;
            }
            let link = format!("/ledger/departments/{}", d.get::<String, _>(1));
            let name: String = d.get(2);
            let write = |w: &dyn Words| missing_signature(w, &name, milestone.on, stage, &link, public_url());
            let to = department(conn, &region, &department_id).await?;
            let key = format!("missing:signature:{}:{department_id}:{}", campaign.id, stage.as_str());
            written += tell(conn, &region, &key, &write, &to).await?;
        }
    }
    written += crate::progress_reports::remind_progress_reports(conn, calendar, run_on).await?;
    Ok(written)
}
