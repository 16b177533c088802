//! Monthly bulletins (通报): the facts of a closed month gathered from the record
//! (clock records, one-time notices, light notices, the baseline), put together by
//! core `bulletin`, issued with a number in the office's series, kept as issued, and
//! delivered to the office, the leader and the discipline inspectors of the departments
//! it names in the same transaction. Late or missing progress reports and the
//! supervision orders open at the month's end come from `progress_reports` and
//! `supervision`.

use crate::events::{append, NewEvent};
use crate::messages::{public_url, tell, Recipient};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::bulletin::{
    bulletin_items, bulletin_number, rank, BaselineLine, Bulletin, ClockFact, DepartmentLine, ListedFact, Month,
};
use qidi_core::calendar::WorkCalendar;
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// A bulletin as stored.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedBulletin {
    pub id: String,
    pub bulletin: Bulletin,
    pub content_hash: String,
    pub corrects_id: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT id, content, content_hash, corrects_id, created_at FROM bulletins";

fn from_row(r: &sqlx::any::AnyRow) -> Result<IssuedBulletin, StoreError> {
    let content: String = r.get(1);
    let bulletin: Bulletin = serde_json::from_str(&content)
        .map_err(|e| StoreError::invalid(format!("bulletin {} does not read back: {e}", r.get::<String, _>(0))))?;
    Ok(IssuedBulletin { id: r.get(0), bulletin, content_hash: r.get(2), corrects_id: r.get(3), created_at: r.get(4) })
}

/// The calendar, the departments and the baseline's progress, for `compose`.
struct Context {
    calendar: std::sync::Arc<WorkCalendar>,
    departments: Vec<crate::baseline::DepartmentRef>,
    baseline: BaselineLine,
}

/// The joins that name a clock's project, item type and department.
const NAMES: &str = "JOIN pending_items i ON i.id = a.pending_item_id JOIN projects p ON p.id = a.project_id
     JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = i.handling_department_id";

fn date(r: &sqlx::any::AnyRow, i: usize) -> Option<NaiveDate> {
    r.get::<Option<String>, _>(i).and_then(|s| s.parse().ok())
}

/// Every clock that was running at the end of the span `first..=last` (a month for
/// the bulletin, any closed period for the assessment) or ended during it.
pub(crate) async fn clock_facts(
    conn: &mut AnyConnection,
    region: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<ClockFact>, StoreError> {
    let (start, end) = (first.to_string(), last.to_string());
    let mut facts = Vec::new();
    let fact =
        |r: &sqlx::any::AnyRow, due_on: NaiveDate, ended_on: Option<NaiveDate>, closed_item: bool, link: String| {
            ClockFact {
                project_code: r.get(0),
                project_name: r.get(1),
                item_type: r.get(2),
                department_code: r.get(3),
                department: r.get(4),
                clock: r.get(5),
                due_on,
                ended_on,
                closed_item,
                link,
            }
        };
    // Clocks that ended after the month's end were running at it.
    let sql = format!(
        "SELECT p.code, p.name, t.name, d.code, d.name, r.kind, r.due_on, a.id,
                (a.closed_at IS NOT NULL AND r.ended_seq = a.version), r.ended_on
         FROM clock_records r JOIN applications a ON a.id = r.application_id {NAMES}
         WHERE r.region_code = $1 AND ((r.started_on <= $2 AND r.ended_on > $2) OR (r.ended_on >= $3 AND r.ended_on <= $2))"
    );
    for r in sqlx::query(&sql).bind(region).bind(&end).bind(&start).fetch_all(&mut *conn).await? {
        let (Some(due), Some(ended)) = (date(&r, 6), date(&r, 9)) else { continue };
        let link = format!("/applications/{}", r.get::<String, _>(7));
        if ended > last {
            facts.push(fact(&r, due, None, false, link));
        } else {
            facts.push(fact(&r, due, Some(ended), crate::get_bool(&r, 8), link));
        }
    }
    // Applications still open, with the clock that runs now if it ran at the month's end.
    let sql = format!(
        "SELECT p.code, p.name, t.name, d.code, d.name, COALESCE(a.clock_kind, 'review'), a.due_on, a.id
         FROM applications a {NAMES} JOIN deadline_clocks c ON c.object_type = 'application' AND c.object_id = a.id
         WHERE a.region_code = $1 AND a.closed_at IS NULL AND a.due_on IS NOT NULL AND a.due_on < $2 AND c.started_on <= $2"
    );
    for r in sqlx::query(&sql).bind(region).bind(&end).fetch_all(&mut *conn).await? {
        let Some(due) = date(&r, 6) else { continue };
        let link = format!("/applications/{}", r.get::<String, _>(7));
        facts.push(fact(&r, due, None, false, link));
    }
    // Ledger items with a promised date and no application under way.
    let sql = "SELECT p.code, p.name, t.name, d.code, d.name, 'ledger', i.due_on, p.id
         FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments d ON d.id = i.handling_department_id
         WHERE i.region_code = $1 AND i.status = 'pending' AND i.due_on IS NOT NULL AND i.due_on < $2
           AND i.created_at <= $3
           AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pending_item_id = i.id)";
    let end_of_day = format!("{end}T23:59:59.999999+08:00");
    for r in sqlx::query(sql).bind(region).bind(&end).bind(&end_of_day).fetch_all(&mut *conn).await? {
        let Some(due) = date(&r, 6) else { continue };
        let link = format!("/projects/{}", r.get::<String, _>(7));
        facts.push(fact(&r, due, None, false, link));
    }
    Ok(facts)
}

/// Listed facts of the span `first..=last`: (department code, fact).
pub(crate) async fn listed(
    conn: &mut AnyConnection,
    sql_where: &str,
    region: &str,
    (first, last): (NaiveDate, NaiveDate),
    calendar: &WorkCalendar,
) -> Result<Vec<(String, ListedFact)>, StoreError> {
    let sql = format!(
        "SELECT p.code, p.name, t.name, d.code, d.name, r.ended_on, r.due_on, a.id
         FROM clock_records r JOIN applications a ON a.id = r.application_id {NAMES}
         WHERE r.region_code = $1 AND r.ended_on >= $2 AND r.ended_on <= $3 AND {sql_where}
         ORDER BY r.ended_on, p.code"
    );
    let rows =
        sqlx::query(&sql).bind(region).bind(first.to_string()).bind(last.to_string()).fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let (on, due) = (date(r, 5)?, date(r, 6)?);
            let late = calendar.working_days_overdue(due, on);
            Some((
                r.get::<String, _>(3),
                ListedFact {
                    project_code: r.get(0),
                    project_name: r.get(1),
                    item_type: r.get(2),
                    department: r.get(4),
                    on,
                    detail: if late > 0 {
                        format!("时限 {due}，超期 {late} 个工作日")
                    } else {
                        format!("时限 {due}")
                    },
                    link: format!("/applications/{}", r.get::<String, _>(7)),
                },
            ))
        })
        .collect())
}

/// One-time notices of the span `first..=last` that came after the notice limit or
/// broke the one-time rule.
pub(crate) async fn notice_breaches(
    conn: &mut AnyConnection,
    region: &str,
    (first, last): (NaiveDate, NaiveDate),
) -> Result<Vec<(String, ListedFact)>, StoreError> {
    let sql = format!(
        "SELECT p.code, p.name, t.name, d.code, d.name, n.issued_on, n.document_number, a.id, n.after_limit, n.breaks_one_time
         FROM one_time_notices n JOIN applications a ON a.id = n.application_id {NAMES}
         WHERE n.region_code = $1 AND n.issued_on >= $2 AND n.issued_on <= $3
           AND (n.after_limit = TRUE OR n.breaks_one_time = TRUE)
         ORDER BY n.issued_on, n.document_number"
    );
    let rows =
        sqlx::query(&sql).bind(region).bind(first.to_string()).bind(last.to_string()).fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let on = date(r, 5)?;
            let mut what = Vec::new();
            if crate::get_bool(r, 8) {
                what.push("超过补正告知期限");
            }
            if crate::get_bool(r, 9) {
                what.push("违反一次性告知规定（再次要求补正此前未提出的材料）");
            }
            Some((
                r.get::<String, _>(3),
                ListedFact {
                    project_code: r.get(0),
                    project_name: r.get(1),
                    item_type: r.get(2),
                    department: r.get(4),
                    on,
                    detail: format!("{}：{}", r.get::<String, _>(6), what.join("；")),
                    link: format!("/applications/{}", r.get::<String, _>(7)),
                },
            ))
        })
        .collect())
}

impl Store {
    /// What a bulletin needs besides the month's facts, read before its transaction
    /// begins: on SQLite the write transaction holds the only write lock, and reading
    /// the calendar may write (it seeds the shipped years).
    async fn context(&self, region: &RegionCode) -> Result<Context, StoreError> {
        let calendar = self.work_calendar().await?;
        let departments = self.departments(region).await?;
        let baseline = match self.baseline_progress(region, None).await {
            Ok(p) => BaselineLine {
                baseline: p.total.baseline + p.total.additions,
                reduced: p.total.approved + p.total.removed,
                remaining: p.total.remaining,
            },
            Err(StoreError::NotFound(_)) => BaselineLine::default(),
            Err(e) => return Err(e),
        };
        Ok(Context { calendar, departments, baseline })
    }

    /// Put together the bulletin of `month` from the record, numbered `number`.
    #[allow(clippy::too_many_arguments)]
    async fn compose(
        &self,
        conn: &mut AnyConnection,
        region: &RegionCode,
        month: Month,
        number: String,
        issued_on: NaiveDate,
        corrects: Option<String>,
        ctx: Context,
    ) -> Result<Bulletin, StoreError> {
        let Context { calendar, departments, baseline } = ctx;
        let r = region.as_str();
        let span = (month.first_day(), month.last_day());
        let facts = clock_facts(conn, r, span.0, span.1).await?;
        let items = bulletin_items(&calendar, month, &facts);
        let breaches = notice_breaches(conn, r, span).await?;
        let deemed = listed(conn, "r.outcome = 'deemed'", r, span, &calendar).await?;
        let forwards = listed(conn, "r.kind = 'forward' AND r.outcome = 'late'", r, span, &calendar).await?;

        let mut lines: BTreeMap<String, DepartmentLine> = BTreeMap::new();
        for d in departments {
            lines.insert(
                d.code.clone(),
                DepartmentLine { department_code: d.code, department: d.name, ..Default::default() },
            );
        }
        let outcomes = sqlx::query(
            "SELECT d.code, r.outcome, COUNT(*) FROM clock_records r JOIN departments d ON d.id = r.handling_department_id
             WHERE r.region_code = $1 AND r.ended_on >= $2 AND r.ended_on <= $3 GROUP BY d.code, r.outcome",
        )
        .bind(r)
        .bind(month.first_day().to_string())
        .bind(month.last_day().to_string())
        .fetch_all(&mut *conn)
        .await?;
        for row in outcomes {
            let Some(line) = lines.get_mut(&row.get::<String, _>(0)) else { continue };
            let n = u32::try_from(row.get::<i64, _>(2)).unwrap_or(u32::MAX);
            match row.get::<String, _>(1).as_str() {
                "on_time" => line.on_time += n,
                "late" => line.late += n,
                _ => line.deemed += n,
            }
        }
        let reds = sqlx::query(
            "SELECT d.code, COUNT(*) FROM light_notices n
                 LEFT JOIN applications a ON n.object_type = 'application' AND a.id = n.object_id
                 JOIN pending_items i ON i.id = COALESCE(a.pending_item_id, n.object_id)
                 JOIN departments d ON d.id = i.handling_department_id
             WHERE n.light = 'red' AND n.run_on >= $1 AND n.run_on <= $2 AND i.region_code = $3 GROUP BY d.code",
        )
        .bind(month.first_day().to_string())
        .bind(month.last_day().to_string())
        .bind(r)
        .fetch_all(&mut *conn)
        .await?;
        for row in reds {
            if let Some(line) = lines.get_mut(&row.get::<String, _>(0)) {
                line.new_red_lights = u32::try_from(row.get::<i64, _>(1)).unwrap_or(u32::MAX);
            }
        }
        for f in &facts {
            let Some(line) = lines.get_mut(&f.department_code) else { continue };
            if items.iter().any(|i| i.link == f.link && i.clock == f.clock && i.due_on == f.due_on) {
                if f.ended_on.is_some() {
                    line.closed_late += 1;
                } else {
                    line.overdue_at_end += 1;
                }
            }
        }
        for (code, _) in &breaches {
            if let Some(line) = lines.get_mut(code) {
                line.notice_breaches += 1;
            }
        }
        for (code, _) in &forwards {
            if let Some(line) = lines.get_mut(code) {
                line.late_forwards += 1;
            }
        }
        let report_lapses = crate::progress_reports::month_lapses(conn, &calendar, region, month).await?;
        let open_orders = crate::supervision::month_open_orders(conn, &calendar, r, month).await?;
        for l in &report_lapses {
            if let Some(line) = lines.get_mut(&l.department_code) {
                line.report_lapses += 1;
            }
        }
        for o in &open_orders {
            if let Some(line) = lines.get_mut(&o.department_code) {
                line.open_orders += 1;
            }
        }
        let not_online = not_online_at(conn, r, month.last_day()).await?;
        let mut departments: Vec<DepartmentLine> = lines.into_values().collect();
        rank(&mut departments);
        let region_name: String = sqlx::query("SELECT name FROM regions WHERE code = $1")
            .bind(r)
            .fetch_optional(&mut *conn)
            .await?
            .map_or_else(|| r.to_string(), |row| row.get(0));
        Ok(Bulletin {
            document_number: number,
            title: format!("关于{}年{}月待批项目审批超期情况的通报", month.year, month.month),
            issuing_body: format!("{region_name}待批项目清理工作领导小组办公室"),
            issued_on,
            month,
            main_recipients: vec!["各审批部门".into(), "各派驻纪检监察组".into()],
            corrects,
            items,
            notice_breaches: breaches.into_iter().map(|(_, f)| f).collect(),
            deemed_acceptances: deemed.into_iter().map(|(_, f)| f).collect(),
            late_forwards: forwards.into_iter().map(|(_, f)| f).collect(),
            departments,
            baseline,
            report_lapses,
            open_orders,
            not_online,
            not_reported: Vec::new(),
        })
    }

    /// The bulletin of a closed `month`: the one already issued (the latest correction,
    /// if any), or a new one issued now. With `correct`, a correction is issued that
    /// names the latest one; the earlier bulletins stay as they were.
    pub async fn issue_bulletin(
        &self,
        region: &RegionCode,
        month: Month,
        today: NaiveDate,
        issuer: Option<&User>,
        correct: bool,
    ) -> Result<(IssuedBulletin, bool), StoreError> {
        if issuer.is_some_and(|u| !qidi_core::bulletin::may_issue(u.role)) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-bulletin-office-issues",
                "只有领导小组办公室可以印发通报",
            )));
        }
        month.check_closed(today).map_err(|e| StoreError::invalid(&e))?;
        let latest = self.latest_bulletin(region, month).await?;
        if let (Some(b), false) = (&latest, correct) {
            return Ok((b.clone(), false));
        }
        let ctx = self.context(region).await?;
        let mut tx = self.begin_write().await?;
        let year = chrono::Datelike::year(&today);
        let serial: i64 =
            sqlx::query("SELECT COALESCE(MAX(serial), 0) + 1 FROM bulletins WHERE region_code = $1 AND year = $2")
                .bind(region.as_str())
                .bind(i64::from(year))
                .fetch_one(&mut *tx)
                .await?
                .get(0);
        let number = bulletin_number("清理办通报", year, u32::try_from(serial).unwrap_or(u32::MAX));
        let corrects = latest.as_ref().map(|b| b.bulletin.document_number.clone());
        let bulletin = self.compose(&mut tx, region, month, number, today, corrects, ctx).await?;
        let content = serde_json::to_string(&bulletin).map_err(|e| StoreError::invalid(e.to_string()))?;
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content.as_bytes()));
        let id = new_id();
        sqlx::query(
            "INSERT INTO bulletins (id, region_code, month, year, serial, document_number, issuing_body, issued_on, issued_by,
                 corrects_id, content, content_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(month.to_string())
        .bind(i64::from(year))
        .bind(serial)
        .bind(&bulletin.document_number)
        .bind(&bulletin.issuing_body)
        .bind(today.to_string())
        .bind(issuer.map(|u| u.id.clone()))
        .bind(latest.as_ref().map(|b| b.id.clone()))
        .bind(&content)
        .bind(&hash)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        // Delivered to the office, the leader and the discipline inspectors of the
        // departments it names (and those overseeing the whole region).
        let mut readers: Vec<Recipient> = sqlx::query(
            "SELECT id FROM users WHERE region_code = $1 AND role IN ('office', 'leader') AND disabled = FALSE ORDER BY id",
        )
        .bind(region.as_str())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Recipient::User(r.get(0)))
        .collect();
        let named = bulletin.named_departments();
        readers.extend(
            crate::supervision::bulletin_inspectors(&mut tx, region.as_str(), &named)
                .await?
                .into_iter()
                .map(Recipient::User),
        );
        let link = format!("/bulletins/{id}");
        let write = |w: &dyn qidi_core::sentence::Words| {
            let b = &bulletin;
            qidi_core::message::bulletin_issued(w, &b.document_number, &b.title, b.items.len(), &link, public_url())
        };
        tell(&mut tx, region.as_str(), &format!("bulletin:{id}"), &write, &readers).await?;
        append(
            &mut tx,
            &NewEvent {
                region_code: region.to_string(),
                actor_id: issuer.map(|u| u.id.clone()),
                actor_role: Some(issuer.map_or(crate::workflow::SYSTEM_ACTOR, |u| u.role.as_str()).to_string()),
                action: if correct { "bulletin.correct" } else { "bulletin.issue" }.into(),
                object_type: "bulletin".into(),
                object_id: Some(id.clone()),
                payload: serde_json::json!({ "month": month.to_string(), "document_number": bulletin.document_number, "content_hash": hash }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        let issued = self.bulletin(&id).await?.ok_or_else(|| StoreError::NotFound("bulletin vanished".into()))?;
        Ok((issued, true))
    }

    /// Issue, for every region served, the bulletin of `month` if it has not been
    /// (the scheduler's monthly job). Returns the bulletins issued.
    pub async fn issue_due_bulletins(&self, month: Month, today: NaiveDate) -> Result<Vec<IssuedBulletin>, StoreError> {
        let regions: Vec<String> = sqlx::query("SELECT DISTINCT region_code FROM departments ORDER BY region_code")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut issued = Vec::new();
        for r in regions {
            let Ok(region) = RegionCode::parse(&r) else { continue };
            // An issued bulletin is returned as it is (`false`), before any work.
            match self.issue_bulletin(&region, month, today, None, false).await {
                Ok((b, true)) => issued.push(b),
                Ok((_, false)) => {}
                // Another instance issued it first: the original's unique index says so.
                Err(e) if e.is_unique_violation() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(issued)
    }

    /// The latest bulletin issued for `month` (a correction if there is one).
    pub async fn latest_bulletin(
        &self,
        region: &RegionCode,
        month: Month,
    ) -> Result<Option<IssuedBulletin>, StoreError> {
        let sql = format!("{SELECT} WHERE region_code = $1 AND month = $2 ORDER BY serial DESC LIMIT 1");
        let row = sqlx::query(&sql).bind(region.as_str()).bind(month.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn bulletin(&self, id: &str) -> Result<Option<IssuedBulletin>, StoreError> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The region a bulletin belongs to.
    pub async fn bulletin_region(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query("SELECT region_code FROM bulletins WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0)))
    }

    /// Every bulletin of the region, newest first.
    pub async fn bulletins(&self, region: &RegionCode) -> Result<Vec<IssuedBulletin>, StoreError> {
        let sql = format!("{SELECT} WHERE region_code = $1 ORDER BY year DESC, serial DESC");
        let rows = sqlx::query(&sql).bind(region.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }
}

/// Departments with pending items and no application to them that had started a clock
/// on qidi by `last` (a submission starts the notice clock).
async fn not_online_at(
    conn: &mut AnyConnection,
    region: &str,
    last: NaiveDate,
) -> Result<Vec<qidi_core::bulletin::NotOnline>, StoreError> {
    let pending: Vec<(String, String, u64)> = sqlx::query(
        "SELECT d.code, d.name, COUNT(*) FROM pending_items i JOIN departments d ON d.id = i.handling_department_id
         WHERE i.region_code = $1 AND i.status = 'pending' GROUP BY d.code, d.name",
    )
    .bind(region)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1), u64::try_from(r.get::<i64, _>(2)).unwrap_or(0)))
    .collect();
    let online: std::collections::HashSet<String> = sqlx::query(
        "SELECT d.code FROM clock_records r JOIN departments d ON d.id = r.handling_department_id
         WHERE r.region_code = $1 AND r.started_on <= $2
         UNION
         SELECT d.code FROM deadline_clocks c JOIN applications a ON a.id = c.object_id
             JOIN pending_items i ON i.id = a.pending_item_id JOIN departments d ON d.id = i.handling_department_id
         WHERE c.object_type = 'application' AND c.region_code = $1 AND c.started_on <= $2",
    )
    .bind(region)
    .bind(last.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.get(0))
    .collect();
    Ok(qidi_core::bulletin::not_online(&pending, &online))
}
