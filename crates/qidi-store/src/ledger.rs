//! The ledger as people read it: projects and their pending items, within a scope.

use crate::workflow::bind_all;
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

/// The region codes under `prefix` as a range `[low, high)`, which an index on
/// `region_code` serves on both engines (a `LIKE 'prefix%'` is served by none on SQLite,
/// whose `LIKE` ignores case). Codes are digits: the high end is the prefix plus one.
pub(crate) fn region_range(prefix: &str) -> (String, String) {
    let mut high: Vec<u8> = prefix.as_bytes().to_vec();
    while let Some(last) = high.pop() {
        if last < b'9' {
            high.push(last + 1);
            return (prefix.to_string(), String::from_utf8(high).unwrap_or_default());
        }
    }
    // All nines, or no prefix: every code (letters sort after digits in every collation).
    (prefix.to_string(), "A".to_string())
}

/// `alias.region_code` within the scope's region, as a range with its two binds from
/// `$first`. A range keeps the planner on the better index where there is one (a
/// project's id, a page's key) instead of reading a whole banner by its code.
fn region_sql(alias: &str, scope: &Scope, first: usize) -> (String, Vec<String>) {
    let (low, high) = region_range(&scope.region_prefix);
    (format!("{alias}.region_code >= ${first} AND {alias}.region_code < ${}", first + 1), vec![low, high])
}

// A department's and a project unit's rows are found through their own indexes,
// `(region_code, department or owner)`, with the region taken from the department or
// unit itself (each belongs to one banner). An outer region range as well would lead
// the planner to read the whole region and filter.

pub(crate) fn project_scope(scope: &Scope, first: usize) -> ScopeSql {
    let alias = "p";
    match &scope.limit {
        ScopeLimit::Region => {
            let (sql, binds) = region_sql(alias, scope, first);
            ScopeSql { sql, binds }
        }
        // Projects the department initiated, and projects with an item it handles: two
        // index lookups, not an OR that only a scan of the region could answer.
        ScopeLimit::Department(d) => {
            let region = department_region(first);
            ScopeSql {
                sql: format!(
                    "{alias}.id IN (SELECT sp.id FROM projects sp
                                    WHERE sp.region_code = {region} AND sp.initiating_department_id = ${first}
                                    UNION
                                    SELECT si.project_id FROM pending_items si
                                    WHERE si.region_code = {region} AND si.handling_department_id = ${first})"
                ),
                binds: vec![d.clone()],
            }
        }
        ScopeLimit::Owner(o) => ScopeSql { sql: owner_sql(alias, first), binds: vec![o.clone()] },
        ScopeLimit::Nothing => ScopeSql { sql: "1 = 0".to_string(), binds: Vec::new() },
    }
}

/// A scope read in library order, `(region_code, code)`, for pages of a list. A
/// department's projects are read from its kept scope (`scope_projects` `k`, which
/// carries each project's key since migration 0031) through its `(department_id,
/// region_code, code)` index, and a project unit's through `(owner_id, region_code,
/// code)`, a page at a time; through [`project_scope`] the planner would gather the
/// whole scope and sort it, or walk the region's key in order and test each project.
/// Every other scope reads `projects` through its `(region_code, code)` index.
pub(crate) struct LibraryScope {
    /// What follows `FROM`: the projects, as `p`, and for a department its scope first.
    pub from: &'static str,
    /// What the keys alone are read from (a department's need not its projects).
    keys_from: &'static str,
    /// The key's columns in index order, led by the department's or unit's.
    key: &'static str,
    /// The department's or unit's bind, which leads the key's comparisons (PostgreSQL
    /// bounds an index scan by a row comparison only over the index's leading columns).
    lead: Option<String>,
    pub sql: String,
    pub binds: Vec<String>,
}

/// [`LibraryScope`] of `scope`, binds from `$first`.
pub(crate) fn library_scope(scope: &Scope, first: usize) -> LibraryScope {
    match &scope.limit {
        ScopeLimit::Department(d) => LibraryScope {
            from: "scope_projects k JOIN projects p ON p.id = k.project_id",
            keys_from: "scope_projects k",
            key: "k.department_id, k.region_code, k.code",
            lead: Some(format!("${first}")),
            sql: format!("k.department_id = ${first}"),
            binds: vec![d.clone()],
        },
        ScopeLimit::Owner(o) => LibraryScope {
            from: "projects p",
            keys_from: "projects p",
            key: "p.owner_id, p.region_code, p.code",
            lead: Some(format!("${first}")),
            // A unit's projects are all in its own region: the unit alone, so that the
            // planner walks the unit's key rather than its (region, unit) index.
            sql: format!("p.owner_id = ${first}"),
            binds: vec![o.clone()],
        },
        _ => {
            let ps = project_scope(scope, first);
            LibraryScope {
                from: "projects p",
                keys_from: "projects p",
                key: "p.region_code, p.code",
                lead: None,
                sql: ps.sql,
                binds: ps.binds,
            }
        }
    }
}

impl LibraryScope {
    /// Whether this scope walks its own index (a department's or a unit's), not the
    /// region's key.
    pub fn is_own(&self) -> bool {
        self.lead.is_some()
    }

    /// The key compared (`op`) with the region and code written `region`, `code` (binds).
    pub fn compare(&self, op: &str, region: &str, code: &str) -> String {
        match &self.lead {
            Some(d) => format!("({}) {op} ({d}, {region}, {code})", self.key),
            None => format!("({}) {op} ({region}, {code})", self.key),
        }
    }

    /// The library's order, `ASC` or `DESC`.
    pub fn order(&self, direction: &str) -> String {
        self.key.split(", ").map(|c| format!("{c} {direction}")).collect::<Vec<_>>().join(", ")
    }

    /// The alias of the scope's own rows when they carry each project's key (a
    /// department's `scope_projects`), read before the projects' rows.
    pub fn scope_rows(&self) -> Option<&'static str> {
        self.keys_from.strip_prefix("scope_projects ")
    }

    /// The key's region and code columns, and what to read them from.
    pub fn keys(&self) -> (String, &'static str) {
        let alias = &self.key[..1];
        (format!("{alias}.region_code, {alias}.code"), self.keys_from)
    }
}

/// The region of the department `$first`, as a scalar subquery.
fn department_region(first: usize) -> String {
    format!("(SELECT dr.region_code FROM departments dr WHERE dr.id = ${first})")
}

/// A project unit's projects (`$first`) under the projects alias `alias`, through
/// `(region_code, owner_id)`.
pub(crate) fn owner_sql(alias: &str, first: usize) -> String {
    format!(
        "{alias}.region_code = (SELECT orr.region_code FROM owners orr WHERE orr.id = ${first}) AND {alias}.owner_id = ${first}"
    )
}

pub(crate) fn item_scope(scope: &Scope, first: usize) -> ScopeSql {
    match &scope.limit {
        ScopeLimit::Region => {
            let (sql, binds) = region_sql("i", scope, first);
            ScopeSql { sql, binds }
        }
        // A department sees the items it handles, and the items of projects it initiated
        // (it answers for their ledger); nothing of other departments' projects.
        ScopeLimit::Department(d) => {
            let region = department_region(first);
            ScopeSql {
                sql: format!(
                    "i.id IN (SELECT si.id FROM pending_items si
                              WHERE si.region_code = {region} AND si.handling_department_id = ${first}
                              UNION
                              SELECT si.id FROM projects sp JOIN pending_items si ON si.project_id = sp.id
                              WHERE sp.region_code = {region} AND sp.initiating_department_id = ${first})"
                ),
                binds: vec![d.clone()],
            }
        }
        ScopeLimit::Owner(o) => ScopeSql { sql: owner_sql("p", first), binds: vec![o.clone()] },
        ScopeLimit::Nothing => ScopeSql { sql: "1 = 0".to_string(), binds: Vec::new() },
    }
}

/// The pending items of one project (`$1`), or of every project (`$1 = ''`), in the
/// scope `scope_sql` (binds from `$3`), at most `$2`. One project's page reads that
/// project's items through the `(project_id, …)` index: `$1 = '' OR p.id = $1` could
/// use no index and read the whole region.
pub(crate) fn pending_items_sql(one_project: bool, scope_sql: &str) -> String {
    let project = if one_project { "i.project_id = $1" } else { "$1 = ''" };
    // Named, so that the project page can read them as a table of its own
    // ([`project_page_sql`]); `type_code` is their order there.
    format!(
        "SELECT i.id AS item_id, i.region_code AS item_region, p.id AS project_id, p.code AS project_code,
                p.name AS project_name, t.name AS item_type, d.id AS department_id, d.name AS department, i.status,
                i.responsible_person, i.due_on, i.provisional, t.code AS type_code
         FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments d ON d.id = i.handling_department_id
         WHERE {project} AND {scope_sql} ORDER BY p.code, t.code LIMIT $2"
    )
}

/// A page of the library from a key (`$1` region, `$2` code), at most `$3`, in the
/// scope `ls` (binds from `$4`). The row comparison is served by the scope's key index
/// on both engines. The page's keys are read first, from that index alone, and only
/// their projects are joined: a region of one banner, as after a large import, holds
/// one value of `region_code`, and PostgreSQL, which estimates a row comparison by its
/// first column, then guessed one project after the key, joined all 50,000 to their
/// units and sorted them (300 ms a page; 3 ms so).
pub(crate) fn projects_from_sql(direction: PageDirection, ls: &LibraryScope) -> String {
    let order = direction.order();
    format!(
        "{PROJECT_SELECT} WHERE (p.region_code, p.code) IN ({})
         ORDER BY p.region_code {order}, p.code {order}",
        page_keys_sql(direction, ls)
    )
}

/// The keys of [`projects_from_sql`]'s page, in the scope's index order.
pub(crate) fn page_keys_sql(direction: PageDirection, ls: &LibraryScope) -> String {
    let cmp = match direction {
        PageDirection::After => ">",
        PageDirection::Before => "<",
    };
    let (keys, from) = ls.keys();
    format!(
        "SELECT {keys} FROM {from} WHERE {} AND {} ORDER BY {} LIMIT $3",
        ls.compare(cmp, "$1", "$2"),
        ls.sql,
        ls.order(direction.order())
    )
}

/// A page of the library by offset (`$1` rows from `$2` on), in the scope `ls` (binds
/// from `$3`). The rows skipped are only keys read from the scope's key index; the
/// project's columns and its count of items are read for the page's rows alone.
pub(crate) fn projects_at_offset_sql(ls: &LibraryScope) -> String {
    format!(
        "{PROJECT_SELECT} WHERE (p.region_code, p.code) IN ({})
         ORDER BY p.region_code, p.code",
        offset_keys_sql(ls)
    )
}

/// The keys of [`projects_at_offset_sql`]'s page, in the scope's index order.
pub(crate) fn offset_keys_sql(ls: &LibraryScope) -> String {
    let (keys, from) = ls.keys();
    format!("SELECT {keys} FROM {from} WHERE {} ORDER BY {} LIMIT $1 OFFSET $2", ls.sql, ls.order("ASC"))
}

/// One project by id (`$1`) in a scope (binds from `$2`).
pub(crate) fn project_sql(scope_sql: &str) -> String {
    format!("{PROJECT_SELECT} WHERE p.id = $1 AND {scope_sql}")
}

/// The project page's one query: [`project_sql`] with what the page needs besides. It
/// reads whether an open supervision order is on the project (or one of its items), the
/// item types' version, and the project's items in scope ([`pending_items_sql`], at
/// most `$2`), one row each after the project's columns; a project without items in scope
/// gives one row, its items' columns empty. Both scopes take the same binds, from `$3`.
pub(crate) fn project_page_sql(project_scope_sql: &str, item_scope_sql: &str) -> String {
    let select = PROJECT_SELECT.replacen(
        " FROM projects p ",
        ", EXISTS (SELECT 1 FROM supervision_orders so WHERE so.project_id = p.id AND so.lifted_on IS NULL),
        (SELECT v.version FROM item_types_version v), x.*
    FROM projects p ",
        1,
    );
    format!(
        "{select} LEFT JOIN ({}) x ON TRUE WHERE p.id = $1 AND {project_scope_sql} ORDER BY x.type_code",
        pending_items_sql(true, item_scope_sql)
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

/// A project as its page reads it, in one query ([`project_page_sql`]). Every query a
/// page makes is a round trip to the database (to SQLite's worker thread, or to the
/// server), and these cost most of a page's time. So the page reads its project's items
/// in the same query, and learns there whether it needs two more: the open supervision
/// orders (most projects have none), and the item types to offer, which come from memory
/// while `item_types_version` holds ([`Store::item_types_of_region_at`]).
#[derive(Debug, Clone)]
pub struct ProjectPage {
    pub project: ProjectRow,
    /// Its pending items in the scope, as [`Store::list_pending_items`] lists them.
    pub items: Vec<PendingItemRow>,
    /// Whether a supervision order on the project or one of its items is open.
    pub open_orders: bool,
    /// The item types' version when the project was read.
    pub item_types_version: i64,
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

/// Where a page of the project library starts: a project's region and code, written
/// `REGION/CODE` in links (`/projects?after=152529/2016-152529-44-01-010000`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectKey {
    pub region_code: String,
    pub code: String,
}

impl ProjectKey {
    pub fn parse(text: &str) -> Option<ProjectKey> {
        let (region, code) = text.split_once('/')?;
        (!region.is_empty() && !code.is_empty())
            .then(|| ProjectKey { region_code: region.to_string(), code: code.to_string() })
    }

    pub fn of(p: &ProjectRow) -> ProjectKey {
        ProjectKey { region_code: p.region_code.clone(), code: p.code.clone() }
    }
}

impl std::fmt::Display for ProjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.region_code, self.code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageDirection {
    After,
    Before,
}

impl PageDirection {
    /// The key's order read this way: `ASC` or `DESC`.
    fn order(self) -> &'static str {
        match self {
            PageDirection::After => "ASC",
            PageDirection::Before => "DESC",
        }
    }
}

/// A project's columns as [`project_from_row`] reads them, from the projects `p`.
pub(crate) const PROJECT_SELECT: &str = "SELECT p.id, p.region_code, p.code, p.name, o.name, d.name, p.initiated_year, p.investment_yuan, p.stage, p.in_library,
        (SELECT COUNT(*) FROM pending_items c WHERE c.project_id = p.id AND c.status = 'pending'), p.initiating_department_id
    FROM projects p LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id";

/// `select` (one of the `…_SELECT` constants, reading `FROM projects p …`) reading the
/// projects from `from` instead ([`LibraryScope::from`]), which names them `p` too.
pub(crate) fn select_from(select: &str, from: &str) -> String {
    select.replacen("FROM projects p ", &format!("FROM {from} "), 1)
}

pub(crate) fn project_from_row(r: &sqlx::any::AnyRow) -> ProjectRow {
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

/// A summary from rows of (department id, name, pending items, projects).
fn summary_of(projects: i64, rows: &[sqlx::any::AnyRow]) -> LedgerSummary {
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
    LedgerSummary { projects, pending_items, by_department }
}

pub(crate) const KEPT_LIBRARY: &str = "SELECT CAST(COALESCE(SUM(projects), 0) AS BIGINT) FROM library_counts WHERE region_code >= $1 AND region_code < $2";

pub(crate) const KEPT_PENDING: &str =
    "SELECT d.id, d.name, CAST(SUM(c.pending_items) AS BIGINT), CAST(SUM(c.projects) AS BIGINT)
     FROM pending_counts c JOIN departments d ON d.id = c.department_id
     WHERE c.region_code >= $1 AND c.region_code < $2
     GROUP BY d.id, d.name HAVING SUM(c.pending_items) > 0 ORDER BY SUM(c.pending_items) DESC, d.name";

/// A department's (`$1`) pending items per handling department: the kept rows it
/// handles or initiated, in its own region. Each item is in one row, so nothing counts
/// twice, and a project has one initiating department, so neither do projects.
pub(crate) const KEPT_DEPARTMENT_PENDING: &str =
    "SELECT d.id, d.name, CAST(SUM(c.pending_items) AS BIGINT), CAST(SUM(c.projects) AS BIGINT)
     FROM pending_counts c JOIN departments d ON d.id = c.department_id
     WHERE c.region_code = (SELECT dr.region_code FROM departments dr WHERE dr.id = $1)
       AND (c.department_id = $1 OR c.initiating_department_id = $1)
     GROUP BY d.id, d.name HAVING SUM(c.pending_items) > 0 ORDER BY SUM(c.pending_items) DESC, d.name";

/// Projects in the library in a department's (`$1`) scope: initiated by it or with an
/// item it handles (`scope_counts`).
pub(crate) const KEPT_SCOPE_PROJECTS: &str =
    "SELECT CAST(COALESCE(SUM(projects), 0) AS BIGINT) FROM scope_counts WHERE department_id = $1";

impl Store {
    /// Counts for the home page: projects in the library and pending items, and the
    /// pending items per handling department, all within the scope. A region's and a
    /// department's figures are the kept counts (see `crate::counts`); a unit's are
    /// counted from its own rows, through indexes.
    pub async fn ledger_summary(&self, scope: &Scope) -> Result<LedgerSummary, StoreError> {
        if scope.limit == ScopeLimit::Region {
            return self.kept_summary(scope).await;
        }
        if let ScopeLimit::Department(d) = &scope.limit {
            let projects: i64 = sqlx::query(KEPT_SCOPE_PROJECTS).bind(d).fetch_one(&self.pool).await?.get(0);
            let rows = sqlx::query(KEPT_DEPARTMENT_PENDING).bind(d).fetch_all(&self.pool).await?;
            return Ok(summary_of(projects, &rows));
        }
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
        Ok(summary_of(projects, &rows))
    }

    async fn kept_summary(&self, scope: &Scope) -> Result<LedgerSummary, StoreError> {
        let (low, high) = region_range(&scope.region_prefix);
        let projects: i64 = sqlx::query(KEPT_LIBRARY).bind(&low).bind(&high).fetch_one(&self.pool).await?.get(0);
        let rows = sqlx::query(KEPT_PENDING).bind(&low).bind(&high).fetch_all(&self.pool).await?;
        Ok(summary_of(projects, &rows))
    }

    /// Projects in scope, by region and code, with their number of pending items; the
    /// page `offset` rows on. For long lists prefer [`Store::list_projects_from`].
    pub async fn list_projects(&self, scope: &Scope, limit: i64, offset: i64) -> Result<Vec<ProjectRow>, StoreError> {
        let ls = library_scope(scope, 3);
        let sql = projects_at_offset_sql(&ls);
        let q = sqlx::query(&sql).bind(limit).bind(offset);
        let rows = bind_all(q, &ls.binds).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(project_from_row).collect())
    }

    /// Keyset paging of the project library: at most `limit` projects in scope after
    /// (or, going back, before) `key`, in (region, code) order. Each page is read
    /// through the `(region_code, code)` index however deep it is.
    pub async fn list_projects_from(
        &self,
        scope: &Scope,
        limit: i64,
        key: &ProjectKey,
        direction: PageDirection,
    ) -> Result<Vec<ProjectRow>, StoreError> {
        let ls = library_scope(scope, 4);
        let sql = projects_from_sql(direction, &ls);
        let q = sqlx::query(&sql).bind(&key.region_code).bind(&key.code).bind(limit);
        let rows = bind_all(q, &ls.binds).fetch_all(&self.pool).await?;
        let mut out: Vec<ProjectRow> = rows.iter().map(project_from_row).collect();
        if direction == PageDirection::Before {
            out.reverse();
        }
        Ok(out)
    }

    /// Pending items in scope, at most `limit`, in the ledger's order (project code, item
    /// type). One project's are read with its page ([`Store::project_page`]).
    pub async fn list_pending_items(&self, scope: &Scope, limit: i64) -> Result<Vec<PendingItemRow>, StoreError> {
        let is = item_scope(scope, 3);
        let sql = pending_items_sql(false, &is.sql);
        let q = sqlx::query(&sql).bind("").bind(limit);
        let rows = bind_all(q, &is.binds).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| pending_item_from_row(r, 0)).collect())
    }

    /// One project, if the scope may see it.
    pub async fn project_in_scope(&self, scope: &Scope, id: &str) -> Result<Option<ProjectRow>, StoreError> {
        let ps = project_scope(scope, 2);
        let sql = project_sql(&ps.sql);
        let row = bind_all(sqlx::query(&sql).bind(id), &ps.binds).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(project_from_row))
    }

    /// One project for its page, with its items, if the scope may see it ([`ProjectPage`]).
    pub async fn project_page(&self, scope: &Scope, id: &str) -> Result<Option<ProjectPage>, StoreError> {
        let (ps, is) = (project_scope(scope, 3), item_scope(scope, 3));
        debug_assert_eq!(ps.binds, is.binds, "both scopes are bound once");
        let sql = project_page_sql(&ps.sql, &is.sql);
        let rows = bind_all(sqlx::query(&sql).bind(id).bind(1000_i64), &ps.binds).fetch_all(&self.pool).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        // The items' columns follow the project's twelve and the two facts.
        const ITEM: usize = 14;
        let items = rows
            .iter()
            .filter(|r| r.try_get::<Option<String>, _>(ITEM).ok().flatten().is_some())
            .map(|r| pending_item_from_row(r, ITEM))
            .collect();
        Ok(Some(ProjectPage {
            project: project_from_row(first),
            items,
            open_orders: crate::get_bool(first, 12),
            item_types_version: first.get(13),
        }))
    }
}

/// A row of [`pending_items_sql`]'s columns from column `at` on.
fn pending_item_from_row(r: &sqlx::any::AnyRow, at: usize) -> PendingItemRow {
    PendingItemRow {
        id: r.get(at),
        region_code: r.get(at + 1),
        project_id: r.get(at + 2),
        project_code: r.get(at + 3),
        project_name: r.get(at + 4),
        item_type: r.get(at + 5),
        handling_department_id: r.get(at + 6),
        handling_department: r.get(at + 7),
        status: r.get(at + 8),
        responsible_person: r.get(at + 9),
        due_on: r.get(at + 10),
        provisional: crate::get_bool(r, at + 11),
    }
}
