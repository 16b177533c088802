//! The ledger as people read it: projects and their pending items, within a scope.

use crate::{Store, StoreError};
use qidi_core::role::{Scope, ScopeLimit};
use serde::Serialize;
use sqlx::Row;

/// SQL that keeps only what a scope may see, with its bind values. `p` is the
/// projects alias; `i`, when given, the pending-items alias. Placeholders start at `$first`.
pub(crate) struct ScopeSql {
    pub sql: String,
    pub binds: Vec<String>,
}

pub(crate) fn project_scope(scope: &Scope, first: usize) -> ScopeSql {
    let region = format!("p.region_code LIKE ${first}");
    let mut binds = vec![format!("{}%", scope.region_prefix)];
    let limit = match &scope.limit {
        ScopeLimit::Region => String::new(),
        ScopeLimit::Department(d) => {
            binds.push(d.clone());
            let n = first + 1;
            format!(
                " AND (p.initiating_department_id = ${n} OR EXISTS (SELECT 1 FROM pending_items si WHERE si.project_id = p.id AND si.handling_department_id = ${n}))"
            )
        }
        ScopeLimit::Owner(o) => {
            binds.push(o.clone());
            format!(" AND p.owner_id = ${}", first + 1)
        }
        ScopeLimit::Nothing => " AND 1 = 0".to_string(),
    };
    ScopeSql { sql: format!("{region}{limit}"), binds }
}

pub(crate) fn item_scope(scope: &Scope, first: usize) -> ScopeSql {
    let region = format!("i.region_code LIKE ${first}");
    let mut binds = vec![format!("{}%", scope.region_prefix)];
    let limit = match &scope.limit {
        ScopeLimit::Region => String::new(),
        // A department sees the items it handles, and the items of projects it initiated
        // (it answers for their ledger); nothing of other departments' projects.
        ScopeLimit::Department(d) => {
            binds.push(d.clone());
            let n = first + 1;
            format!(" AND (i.handling_department_id = ${n} OR p.initiating_department_id = ${n})")
        }
        ScopeLimit::Owner(o) => {
            binds.push(o.clone());
            format!(" AND p.owner_id = ${}", first + 1)
        }
        ScopeLimit::Nothing => " AND 1 = 0".to_string(),
    };
    ScopeSql { sql: format!("{region}{limit}"), binds }
}

/// The pending items of one project (`$1`), or of every project (`$1 = ''`), in the
/// scope `scope_sql` (binds from `$3`), at most `$2`. One project's page reads that
/// project's items through the `(project_id, …)` index: `$1 = '' OR p.id = $1` could
/// use no index and read the whole region.
fn pending_items_sql(one_project: bool, scope_sql: &str) -> String {
    let project = if one_project { "i.project_id = $1" } else { "$1 = ''" };
    format!(
        "SELECT i.id, i.region_code, p.id, p.code, p.name, t.name, d.id, d.name, i.status, i.responsible_person, i.due_on,
                i.provisional
         FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments d ON d.id = i.handling_department_id
         WHERE {project} AND {scope_sql} ORDER BY p.code, t.code LIMIT $2"
    )
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DepartmentCount {
    pub department_id: String,
    pub department: String,
    pub pending_items: i64,
    pub projects: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LedgerSummary {
    pub projects: i64,
    pub pending_items: i64,
    pub by_department: Vec<DepartmentCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow {
    pub id: String,
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub owner: Option<String>,
    pub initiating_department: Option<String>,
    pub initiated_year: Option<i64>,
    pub investment_yuan: Option<i64>,
    pub stage: String,
    pub in_library: bool,
    pub pending_items: i64,
    pub initiating_department_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PendingItemRow {
    pub id: String,
    pub region_code: String,
    pub project_id: String,
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub handling_department_id: String,
    pub handling_department: String,
    pub status: String,
    pub responsible_person: Option<String>,
    pub due_on: Option<String>,
    /// The due date counts days of a year whose official calendar is not loaded yet.
    pub provisional: bool,
}

const PROJECT_SELECT: &str = "SELECT p.id, p.region_code, p.code, p.name, o.name, d.name, p.initiated_year, p.investment_yuan, p.stage, p.in_library,
        (SELECT COUNT(*) FROM pending_items c WHERE c.project_id = p.id AND c.status = 'pending'), p.initiating_department_id
    FROM projects p LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id";

fn project_from_row(r: &sqlx::any::AnyRow) -> ProjectRow {
    ProjectRow {
        id: r.get(0),
        region_code: r.get(1),
        code: r.get(2),
        name: r.get(3),
        owner: r.get(4),
        initiating_department: r.get(5),
        initiated_year: r.get(6),
        investment_yuan: r.get(7),
        stage: r.get(8),
        in_library: crate::get_bool(r, 9),
        pending_items: r.get(10),
        initiating_department_id: r.get(11),
    }
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = q.bind(b.as_str());
    }
    q
}

impl Store {
    /// Counts for the home page: projects in the library and pending items, and the
    /// pending items per handling department, all within the scope.
    pub async fn ledger_summary(&self, scope: &Scope) -> Result<LedgerSummary, StoreError> {
        let ps = project_scope(scope, 1);
        let sql = format!("SELECT COUNT(*) FROM projects p WHERE p.in_library = TRUE AND {}", ps.sql);
        let projects: i64 = bind_all(sqlx::query(&sql), &ps.binds).fetch_one(&self.pool).await?.get(0);

        let is = item_scope(scope, 1);
        let sql = format!(
            "SELECT d.id, d.name, COUNT(*), COUNT(DISTINCT i.project_id)
             FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN departments d ON d.id = i.handling_department_id
             WHERE i.status = 'pending' AND p.in_library = TRUE AND {}
             GROUP BY d.id, d.name ORDER BY COUNT(*) DESC, d.name",
            is.sql
        );
        let rows = bind_all(sqlx::query(&sql), &is.binds).fetch_all(&self.pool).await?;
        let by_department: Vec<DepartmentCount> = rows
            .iter()
            .map(|r| DepartmentCount {
                department_id: r.get(0),
                department: r.get(1),
                pending_items: r.get(2),
                projects: r.get(3),
            })
            .collect();
        let pending_items = by_department.iter().map(|d| d.pending_items).sum();
        Ok(LedgerSummary { projects, pending_items, by_department })
    }

    /// Projects in scope, by code, with their number of pending items.
    pub async fn list_projects(&self, scope: &Scope, limit: i64, offset: i64) -> Result<Vec<ProjectRow>, StoreError> {
        let ps = project_scope(scope, 3);
        let sql = format!("{PROJECT_SELECT} WHERE {} ORDER BY p.code LIMIT $1 OFFSET $2", ps.sql);
        let q = sqlx::query(&sql).bind(limit).bind(offset);
        let rows = bind_all(q, &ps.binds).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(project_from_row).collect())
    }

    /// Pending items in scope, optionally of one project.
    pub async fn list_pending_items(
        &self,
        scope: &Scope,
        project_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<PendingItemRow>, StoreError> {
        let is = item_scope(scope, 3);
        let sql = pending_items_sql(project_id.is_some(), &is.sql);
        let q = sqlx::query(&sql).bind(project_id.unwrap_or("")).bind(limit);
        let rows = bind_all(q, &is.binds).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| PendingItemRow {
                id: r.get(0),
                region_code: r.get(1),
                project_id: r.get(2),
                project_code: r.get(3),
                project_name: r.get(4),
                item_type: r.get(5),
                handling_department_id: r.get(6),
                handling_department: r.get(7),
                status: r.get(8),
                responsible_person: r.get(9),
                due_on: r.get(10),
                provisional: crate::get_bool(r, 11),
            })
            .collect())
    }

    /// One project, if the scope may see it.
    pub async fn project_in_scope(&self, scope: &Scope, id: &str) -> Result<Option<ProjectRow>, StoreError> {
        let ps = project_scope(scope, 2);
        let sql = format!("{PROJECT_SELECT} WHERE p.id = $1 AND {}", ps.sql);
        let row = bind_all(sqlx::query(&sql).bind(id), &ps.binds).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(project_from_row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{banner, on_each_backend};

    /// The plan of the project page's query on each engine: the items are found through
    /// an index on `project_id`, never by reading every item. On PostgreSQL sequential
    /// scans are turned off for the check, because with a handful of rows the planner
    /// would rightly prefer one; what is checked is that an index can serve the query.
    #[tokio::test]
    async fn a_projects_items_are_read_through_an_index() {
        on_each_backend(|store| async move {
            store.seed_catalogue(&banner()).await.unwrap();
            let scope = Scope::for_user(qidi_core::Role::Office, &banner(), None, None);
            let is = item_scope(&scope, 3);
            let sql = pending_items_sql(true, &is.sql);
            let mut conn = store.pool.acquire().await.unwrap();
            let plan: Vec<String> = match store.backend() {
                crate::Backend::Sqlite => {
                    let explain = format!("EXPLAIN QUERY PLAN {sql}");
                    let q = sqlx::query(&explain).bind("x").bind(10i64);
                    bind_all(q, &is.binds)
                        .fetch_all(&mut *conn)
                        .await
                        .unwrap()
                        .iter()
                        .map(|r| r.get::<String, _>(3))
                        .collect()
                }
                crate::Backend::Postgres => {
                    sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
                    // Parameters are inlined: EXPLAIN of a statement with binds needs a
                    // prepared generic plan, which the Any driver does not expose.
                    let inlined =
                        sql.replace("$1", "'x'").replace("$2", "10").replace("$3", &format!("'{}'", is.binds[0]));
                    sqlx::query(&format!("EXPLAIN {inlined}"))
                        .fetch_all(&mut *conn)
                        .await
                        .unwrap()
                        .iter()
                        .map(|r| r.get::<String, _>(0))
                        .collect()
                }
            };
            let text = plan.join("\n");
            match store.backend() {
                crate::Backend::Sqlite => {
                    assert!(
                        plan.iter().any(|l| l.contains("SEARCH i USING") && l.contains("project_id")),
                        "items by index: {text}"
                    );
                    assert!(!plan.iter().any(|l| l.starts_with("SCAN i")), "no scan of every item: {text}");
                }
                crate::Backend::Postgres => {
                    assert!(text.contains("Index") && text.contains("pending_items"), "items by index: {text}");
                    assert!(!text.contains("Seq Scan on pending_items"), "no scan of every item: {text}");
                }
            }
        })
        .await;
    }
}
