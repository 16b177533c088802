//! The ledger out of the database: an export's heading and its projects in pages.

use crate::ledger::{item_scope, project_scope};
use crate::{Store, StoreError};
use qidi_core::ledger_file::{LedgerItem, LedgerProject};
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::{RegionCode, Scope};
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// The title and 填报单位 of an exported ledger: the region's, or a department's.
    pub async fn export_heading(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
    ) -> Result<(String, String), StoreError> {
        let region_name: String = sqlx::query("SELECT name FROM regions WHERE code = $1")
            .bind(region.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0))
            .unwrap_or_else(|| region.to_string());
        let unit = match department_id {
            Some(d) => sqlx::query("SELECT name FROM departments WHERE id = $1")
                .bind(d)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.get(0))
                .ok_or_else(|| StoreError::NotFound("部门不存在".into()))?,
            None => format!("{region_name}待批项目大起底工作领导小组办公室"),
        };
        Ok((format!("{region_name}待批项目台账"), unit))
    }

    /// The ledger in `scope` for export, one project at a time (by project code):
    /// projects in the library, and their pending items still pending. Reads the
    /// database in pages of `page` projects.
    pub async fn export_ledger<F>(&self, scope: &Scope, page: i64, mut each: F) -> Result<u64, StoreError>
    where
        F: FnMut(LedgerProject) -> Result<(), StoreError>,
    {
        let page = page.clamp(1, 10_000);
        let mut last = String::new();
        let mut count = 0u64;
        loop {
            let ps = project_scope(scope, 3);
            let sql = format!(
                "{LEDGER_PROJECT_SELECT} WHERE p.in_library = TRUE AND p.code > $1 AND {} ORDER BY p.code LIMIT $2",
                ps.sql
            );
            let mut q = sqlx::query(&sql).bind(&last).bind(page);
            for b in &ps.binds {
                q = q.bind(b.as_str());
            }
            let rows = q.fetch_all(&self.pool).await?;
            if rows.is_empty() {
                break;
            }
            let first_code: String = rows[0].get(1);
            let last_code: String = rows[rows.len() - 1].get(1);
            let is = item_scope(scope, 3);
            let sql = format!(
                "{LEDGER_ITEM_SELECT}
                 WHERE i.status = 'pending' AND p.in_library = TRUE AND p.code >= $1 AND p.code <= $2 AND {}
                 ORDER BY p.code, t.code",
                is.sql
            );
            let mut q = sqlx::query(&sql).bind(&first_code).bind(&last_code);
            for b in &is.binds {
                q = q.bind(b.as_str());
            }
            let mut by_project = ledger_items(&q.fetch_all(&self.pool).await?);
            for r in &rows {
                each(ledger_project(r, &mut by_project))?;
                count += 1;
            }
            last = last_code;
            if (rows.len() as i64) < page {
                break;
            }
        }
        Ok(count)
    }
}

/// A project's columns as an export of the ledger holds it (projects `p`, their unit
/// `o` and initiating department `d`), read by [`ledger_project`]; the project's
/// region is the last column, for paging by key.
pub(crate) const LEDGER_PROJECT_SELECT: &str =
    "SELECT p.id, p.code, p.name, o.name, d.code, p.initiated_year, p.investment_yuan, p.stage, p.region_code
     FROM projects p LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id";

/// A pending item's columns as an export of the ledger holds it (items `i`, their
/// project `p`), read by [`ledger_items`].
pub(crate) const LEDGER_ITEM_SELECT: &str =
    "SELECT i.project_id, t.code, hd.code, i.check_result, i.responsible_person, i.acceptance_status, i.due_on, i.note
     FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
          JOIN departments hd ON hd.id = i.handling_department_id";

/// Rows of [`LEDGER_ITEM_SELECT`] by project id, in the rows' order.
pub(crate) fn ledger_items(rows: &[sqlx::any::AnyRow]) -> HashMap<String, Vec<LedgerItem>> {
    let mut by_project: HashMap<String, Vec<LedgerItem>> = HashMap::new();
    for r in rows {
        let due: Option<String> = r.get(6);
        by_project.entry(r.get(0)).or_default().push(LedgerItem {
            item_type: r.get(1),
            handling_department: r.get(2),
            check_result: r.get(3),
            responsible_person: r.get(4),
            acceptance_status: r.get(5),
            due_on: due.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            note: r.get(7),
            row: 0,
        });
    }
    by_project
}

/// A row of [`LEDGER_PROJECT_SELECT`] as a ledger's project, with its items taken
/// from `items` (by project id).
pub(crate) fn ledger_project(r: &sqlx::any::AnyRow, items: &mut HashMap<String, Vec<LedgerItem>>) -> LedgerProject {
    let id: String = r.get(0);
    let code: String = r.get(1);
    let year: Option<i64> = r.get(5);
    let investment: Option<i64> = r.get(6);
    let stage: String = r.get(7);
    LedgerProject {
        code: ProjectCode::from_stored(code),
        name: r.get(2),
        owner: r.get(3),
        initiating_department: r.get(4),
        year: year.and_then(|y| i32::try_from(y).ok()),
        investment: investment.map(Yuan),
        stage: ProjectStage::parse(&stage),
        items: items.remove(&id).unwrap_or_default(),
        // Not in the official layout's columns.
        owner_credit_code: None,
        initiated_on: None,
        first_row: 0,
    }
}
