//! What the database already holds of a file's projects, items and units; department and item type ids by code.

use crate::db::{params, Backend};
use crate::{new_id, StoreError};
use qidi_core::catalogue::{DEPARTMENTS, ITEM_TYPES};
use qidi_core::ledger_file::LedgerProject;
use qidi_core::sentence::Sentence;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};

pub(super) struct ProjectDb {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) owner_id: Option<String>,
    pub(super) department_id: Option<String>,
    pub(super) year: Option<i64>,
    pub(super) initiated_on: Option<String>,
    pub(super) investment: Option<i64>,
    pub(super) stage: String,
}

pub(super) struct ItemDb {
    pub(super) id: String,
    pub(super) handling_department_id: String,
    pub(super) check_result: Option<String>,
    pub(super) responsible_person: Option<String>,
    pub(super) acceptance_status: Option<String>,
    pub(super) due_on: Option<String>,
    pub(super) note: Option<String>,
}

pub(super) const DEPARTMENT_IDS: &str = "SELECT code, id FROM departments WHERE region_code = $1";

pub(super) async fn load_map(
    conn: &mut AnyConnection,
    sql: &str,
    region: &str,
) -> Result<HashMap<String, String>, StoreError> {
    let rows = sqlx::query(sql).bind(region).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Projects of a file read per statement when the import looks up what the database
/// holds (their items: a few per project; binds stay far below either engine's limit).
/// On PostgreSQL each lookup is planned for the tables as the import has grown them
/// ([`Backend::keeps_prepared`]): planned once, it took a few hundred projects for the
/// table's size and read every project for each chunk (a 100,000-project import 2.4×
/// slower).
pub(super) const LOOKUP: usize = 500;

/// The projects of the region (`$1`) with `n` codes (`$2`…), through the code's index.
pub(crate) fn stored_projects_sql(n: usize) -> String {
    format!(
        "SELECT code, id, name, owner_id, initiating_department_id, initiated_year, investment_yuan, stage,
                initiated_on
         FROM projects WHERE region_code = $1 AND code IN ({})",
        params(2, n)
    )
}

/// The pending items of `n` projects (`$1`…), through the (project, item type) index.
pub(crate) fn stored_items_sql(n: usize) -> String {
    format!(
        "SELECT project_id, item_type_id, id, handling_department_id, check_result, responsible_person,
                acceptance_status, due_on, note
         FROM pending_items WHERE project_id IN ({})",
        params(1, n)
    )
}

/// The units of the region (`$1`) with `n` names (`$2`…), through the name's index.
pub(crate) fn stored_owners_sql(n: usize) -> String {
    format!("SELECT name, id FROM owners WHERE region_code = $1 AND name IN ({})", params(2, n))
}

/// The projects of `chunk` the database already holds, by code.
pub(super) async fn stored_projects(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    chunk: &[LedgerProject],
) -> Result<HashMap<String, ProjectDb>, StoreError> {
    let sql = stored_projects_sql(chunk.len());
    let mut q = sqlx::query(&sql).persistent(backend.keeps_prepared()).bind(region);
    for p in chunk {
        q = q.bind(p.code.as_str());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let p = ProjectDb {
                id: r.get(1),
                name: r.get(2),
                owner_id: r.get(3),
                department_id: r.get(4),
                year: r.get(5),
                initiated_on: r.get(8),
                investment: r.get(6),
                stage: r.get(7),
            };
            (r.get(0), p)
        })
        .collect())
}

/// The pending items of `projects`, by (project id, item type id).
pub(super) async fn stored_items(
    conn: &mut AnyConnection,
    backend: Backend,
    projects: &HashMap<String, ProjectDb>,
) -> Result<HashMap<(String, String), ItemDb>, StoreError> {
    if projects.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = stored_items_sql(projects.len());
    let mut q = sqlx::query(&sql).persistent(backend.keeps_prepared());
    for p in projects.values() {
        q = q.bind(p.id.as_str());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let it = ItemDb {
                id: r.get(2),
                handling_department_id: r.get(3),
                check_result: r.get(4),
                responsible_person: r.get(5),
                acceptance_status: r.get(6),
                due_on: r.get(7),
                note: r.get(8),
            };
            ((r.get(0), r.get(1)), it)
        })
        .collect())
}

/// A project's unit as the file names it, trimmed; none when the cell is empty.
pub(super) fn owner_name(p: &LedgerProject) -> Option<&str> {
    p.owner.as_deref().map(str::trim).filter(|o| !o.is_empty())
}

/// Adds to `ids` the units `chunk` names that the database holds and `ids` lacks.
pub(super) async fn stored_owners(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    chunk: &[LedgerProject],
    ids: &mut HashMap<String, String>,
) -> Result<(), StoreError> {
    let names: HashSet<&str> = chunk.iter().filter_map(owner_name).filter(|n| !ids.contains_key(*n)).collect();
    if names.is_empty() {
        return Ok(());
    }
    let sql = stored_owners_sql(names.len());
    let mut q = sqlx::query(&sql).persistent(backend.keeps_prepared()).bind(region);
    for n in &names {
        q = q.bind(*n);
    }
    for r in q.fetch_all(&mut *conn).await? {
        ids.insert(r.get(0), r.get(1));
    }
    Ok(())
}

/// A department's id by code; a shipped department missing from the database is added.
pub(super) async fn department_id(
    conn: &mut AnyConnection,
    write: bool,
    region: &str,
    ids: &mut HashMap<String, String>,
    code: &str,
) -> Result<String, StoreError> {
    if let Some(id) = ids.get(code) {
        return Ok(id.clone());
    }
    let Some(seed) = DEPARTMENTS.iter().find(|d| d.code == code) else {
        return Err(StoreError::invalid(
            Sentence::new("err-import-department-not-in-region", format!("部门“{code}”不在本地区的部门目录中"))
                .arg("code", code),
        ));
    };
    let id = new_id();
    if write {
        crate::seed::insert_department(conn, &id, region, seed).await?;
    }
    ids.insert(code.to_string(), id.clone());
    Ok(id)
}

/// An item type's id by code; a shipped item type missing from the database is added.
pub(super) async fn item_type_id(
    conn: &mut AnyConnection,
    write: bool,
    region: &str,
    ids: &mut HashMap<String, String>,
    dept_ids: &mut HashMap<String, String>,
    code: &str,
) -> Result<String, StoreError> {
    if let Some(id) = ids.get(code) {
        return Ok(id.clone());
    }
    let Some(t) = ITEM_TYPES.iter().find(|t| t.code == code) else {
        return Err(StoreError::invalid(
            Sentence::new("err-import-item-type-not-in-region", format!("审批事项“{code}”不在本地区的事项目录中"))
                .arg("code", code),
        ));
    };
    let dept = department_id(conn, write, region, dept_ids, t.department).await?;
    let id = new_id();
    if write {
        crate::seed::insert_item_type(conn, &id, region, t, &dept).await?;
    }
    ids.insert(code.to_string(), id.clone());
    Ok(id)
}
