//! Reading the public record (阳光审批): a project by its code, a search, the
//! statistics. Read-only, no scope (no one is signed in); what of it is public is
//! decided by core `public`, which these sources are handed to.

use crate::workflow::parse_date;
use crate::{Store, StoreError};
use qidi_core::public::{
    ApplicationSource, DepartmentOutcomes, ItemSource, ProjectHitSource, ProjectSource, SearchTerm, StatsSource,
};
use qidi_core::workflow::{ApplicationEvent, ClockOutcome};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// At most this many projects are listed for one search.
pub const SEARCH_LIMIT: i64 = 50;

/// `text` for a LIKE pattern, with its wildcards taken literally (`ESCAPE '\'`).
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Baseline rows of every department and campaign by day (`baseline_days`, department
/// ''): one row per day and kind, not per baseline row.
pub(crate) const PUBLIC_DAYS: &str = "SELECT day, is_addition, reduction, CAST(SUM(n) AS BIGINT) FROM baseline_days
     WHERE department_id = '' GROUP BY day, is_addition, reduction HAVING SUM(n) <> 0";

pub(crate) const PUBLIC_PROJECT: &str = "SELECT p.id, p.code, p.name, o.name, d.name, p.initiated_year, p.investment_yuan, p.stage, p.in_library
             FROM projects p LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id
             WHERE p.code = $1 ORDER BY p.region_code LIMIT 1";

pub(crate) const PUBLIC_ITEMS: &str = "SELECT i.id, t.name, d.name, i.status, i.responsible_person, i.check_result, i.note, i.due_on, i.warn_on,
                    i.provisional
             FROM pending_items i JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = i.handling_department_id
             WHERE i.project_id = $1 ORDER BY t.code, i.id";

pub(crate) const PUBLIC_APPLICATIONS: &str =
    "SELECT a.id, a.pending_item_id, a.facts, a.light_policy FROM applications a
             WHERE a.project_id = $1 ORDER BY a.created_at, a.id";

pub(crate) const PUBLIC_EVENTS: &str = "SELECT e.object_id, e.payload FROM events e
             WHERE e.object_type = 'application' AND e.outcome = 'ok'
               AND e.object_id IN (SELECT a.id FROM applications a WHERE a.project_id = $1)
             ORDER BY e.at, e.id";

impl Store {
    /// The code of the project with this code, if there is one (for the QR codes).
    pub async fn public_project_code(&self, code: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT p.code FROM projects p WHERE p.code = $1 LIMIT 1")
            .bind(code.trim())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// A project with its items, applications and their recorded steps, by its national
    /// project code; `None` if no project has that code.
    pub async fn public_project_source(&self, code: &str) -> Result<Option<ProjectSource>, StoreError> {
        let Some(p) = sqlx::query(PUBLIC_PROJECT).bind(code.trim()).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let project_id: String = p.get(0);
        let item_rows = sqlx::query(PUBLIC_ITEMS).bind(&project_id).fetch_all(&self.pool).await?;
        let app_rows = sqlx::query(PUBLIC_APPLICATIONS).bind(&project_id).fetch_all(&self.pool).await?;
        let event_rows = sqlx::query(PUBLIC_EVENTS).bind(&project_id).fetch_all(&self.pool).await?;
        let mut events: HashMap<String, Vec<ApplicationEvent>> = HashMap::new();
        for r in &event_rows {
            let id: String = r.get(0);
            let payload: serde_json::Value = serde_json::from_str(&r.get::<String, _>(1)).unwrap_or_default();
            let Some(e) = payload.get("event") else { continue };
            let e: ApplicationEvent = serde_json::from_value(e.clone())
                .map_err(|e| StoreError::invalid(format!("application {id}: event unreadable: {e}")))?;
            events.entry(id).or_default().push(e);
        }
        let mut apps: HashMap<String, Vec<ApplicationSource>> = HashMap::new();
        for r in &app_rows {
            let id: String = r.get(0);
            let facts = serde_json::from_str(&r.get::<String, _>(2))
                .map_err(|e| StoreError::invalid(format!("application {id}: stored facts unreadable: {e}")))?;
            let mut events = events.remove(&id).unwrap_or_default();
            events.sort_by_key(|e| e.seq);
            apps.entry(r.get(1)).or_default().push(ApplicationSource {
                facts,
                light_policy: serde_json::from_str(&r.get::<String, _>(3)).unwrap_or_default(),
                events,
            });
        }
        let items = item_rows
            .iter()
            .map(|r| ItemSource {
                item_type: r.get(1),
                department: r.get(2),
                status: r.get(3),
                responsible_person: r.get(4),
                check_result: r.get(5),
                note: r.get(6),
                due_on: parse_date(r.get(7)),
                warn_on: parse_date(r.get(8)),
                provisional: crate::get_bool(r, 9),
                applications: apps.remove(&r.get::<String, _>(0)).unwrap_or_default(),
            })
            .collect();
        Ok(Some(ProjectSource {
            code: p.get(1),
            name: p.get(2),
            owner: p.get(3),
            initiating_department: p.get(4),
            initiated_year: p.get(5),
            investment_yuan: p.get(6),
            stage: p.get(7),
            in_library: crate::get_bool(&p, 8),
            items,
        }))
    }

    /// Projects whose code begins with, or whose name contains, what was asked; by
    /// code, at most [`SEARCH_LIMIT`].
    pub async fn public_search(&self, term: &SearchTerm) -> Result<Vec<ProjectHitSource>, StoreError> {
        let (condition, pattern) = match term {
            SearchTerm::Code(c) => ("p.code LIKE $1 ESCAPE '\\'", format!("{}%", like_literal(c))),
            SearchTerm::Name(n) => ("p.name LIKE $1 ESCAPE '\\'", format!("%{}%", like_literal(n))),
        };
        let sql = format!(
            "SELECT p.code, p.name, o.name, d.name, p.initiated_year, p.stage,
                    (SELECT COUNT(*) FROM pending_items c WHERE c.project_id = p.id AND c.status = 'pending'),
                    (SELECT COUNT(*) FROM pending_items c WHERE c.project_id = p.id AND c.status = 'granted')
             FROM projects p LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id
             WHERE {condition} ORDER BY p.code, p.region_code LIMIT $2"
        );
        let rows = sqlx::query(&sql).bind(pattern).bind(SEARCH_LIMIT).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| ProjectHitSource {
                code: r.get(0),
                name: r.get(1),
                owner: r.get(2),
                initiating_department: r.get(3),
                initiated_year: r.get(4),
                stage: r.get(5),
                pending_items: r.get(6),
                granted_items: r.get(7),
            })
            .collect())
    }

    /// The baseline entries of every campaign, the latest campaign's name and end, and
    /// the clocks that ended per handling department by outcome.
    pub async fn public_stats_source(&self) -> Result<StatsSource, StoreError> {
        let campaign = sqlx::query("SELECT name, ends_on FROM campaigns ORDER BY starts_on DESC, id LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        // The kept days of baseline rows of all departments (`crate::counts`), not the
        // rows themselves.
        let days = sqlx::query(PUBLIC_DAYS)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .filter_map(crate::baseline::baseline_day)
            .collect();
        // Every department that handles an item, with its ended clocks (none: no rate).
        let departments = sqlx::query(
            "SELECT d.id, d.name FROM departments d
             WHERE EXISTS (SELECT 1 FROM pending_items i
                           WHERE i.region_code = d.region_code AND i.handling_department_id = d.id)",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_id: BTreeMap<String, DepartmentOutcomes> = departments
            .iter()
            .map(|r| {
                let o = DepartmentOutcomes { department: r.get(1), on_time: 0, late: 0, deemed: 0 };
                (r.get::<String, _>(0), o)
            })
            .collect();
        let counts = sqlx::query(
            "SELECT c.department_id, d.name, c.outcome, CAST(SUM(c.n) AS BIGINT) FROM clock_counts c
             JOIN departments d ON d.id = c.department_id
             GROUP BY c.department_id, d.name, c.outcome",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &counts {
            let o = by_id.entry(r.get(0)).or_insert_with(|| DepartmentOutcomes {
                department: r.get(1),
                on_time: 0,
                late: 0,
                deemed: 0,
            });
            let n = r.get::<i64, _>(3).max(0) as u64;
            match ClockOutcome::parse(&r.get::<String, _>(2)) {
                Some(ClockOutcome::OnTime) => o.on_time += n,
                Some(ClockOutcome::Late) => o.late += n,
                Some(ClockOutcome::Deemed) => o.deemed += n,
                None => {}
            }
        }
        Ok(StatsSource {
            campaign: campaign.as_ref().map(|r| r.get(0)),
            campaign_ends_on: campaign.as_ref().and_then(|r| parse_date(r.get(1))),
            days,
            outcomes: by_id.into_values().collect(),
        })
    }
}
