//! The project library filtered (项目库筛选): by department, item type, light, year of
//! initiation, stage and free text over code, name and unit.
//!
//! Filtered pages walk the library in key order, `(region_code, code)`, one window of
//! at most [`WINDOW`] projects at a time, and test each project in the window against
//! the filters. A request reads at most [`WINDOWS`] windows, so a page costs the same
//! at a million projects as at a few hundred, however rare the match; when it has
//! not filled its page by then it says how far it looked and offers to go on from
//! there. A whole project code is a lookup through the code's index instead.
//!
//! An export of a filter ([`Store::export_library`]) reads every match, in the same
//! order and through the same SQL as the pages, a batch at a time.

use crate::db::params;
use crate::ledger::{
    item_scope, library_scope, project_from_row, select_from, LibraryScope, ProjectKey, ProjectRow, PROJECT_SELECT,
};
use crate::ledger_import::{ledger_items, ledger_project, LEDGER_ITEM_SELECT, LEDGER_PROJECT_SELECT};
use crate::{Backend, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::ledger_file::{LedgerItem, LedgerProject};
use qidi_core::light::LightDates;
use qidi_core::project::LibraryFilter;
use qidi_core::role::Scope;
use sqlx::Row;
use std::collections::HashMap;
use std::ops::ControlFlow;

/// Projects tested per window.
pub const WINDOW: i64 = 5_000;
/// Windows read per request at most (10,000 projects: about 80 ms of a 1,000,000
/// projects' SQLite database, BENCHMARKS.md).
pub const WINDOWS: usize = 2;

/// One filtered page of the library.
#[derive(Debug, Clone)]
pub struct LibraryPage {
    pub projects: Vec<ProjectRow>,
    /// Where to go on from: after the last project listed when the page is full, or
    /// after the last project looked at when the windows ran out first. `None` once
    /// the end of the library was reached.
    pub next: Option<ProjectKey>,
    /// When the request ran out of windows before it filled its page: how many projects
    /// it looked at (the page then offers to go on from `next`).
    pub looked_at: Option<i64>,
}

enum Arg {
    Text(String),
    Int(i64),
}

/// SQL with numbered binds, built as it is written, for one engine.
struct Sql {
    backend: Backend,
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn new(backend: Backend) -> Sql {
        Sql { backend, text: String::new(), args: Vec::new() }
    }

    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// ` AND {test} $n`, with `a` bound as `$n`.
    fn and(&mut self, test: &str, a: Arg) {
        let n = self.arg(a);
        self.text.push_str(&format!(" AND {test} {n}"));
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// The scope read in library order, its binds taken (its SQL is not pushed).
    fn scope(&mut self, scope: &Scope) -> LibraryScope {
        let ls = library_scope(scope, self.args.len() + 1);
        self.args.extend(ls.binds.iter().cloned().map(Arg::Text));
        ls
    }

    /// The query, planned for its own keys on PostgreSQL ([`Backend::keeps_prepared`]):
    /// a window's keys and words tell the planner how much of the library they hold.
    fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text).persistent(self.backend.keeps_prepared());
        for a in &self.args {
            q = match a {
                Arg::Text(t) => q.bind(t.as_str()),
                Arg::Int(n) => q.bind(*n),
            };
        }
        q
    }
}

/// Ends each filter's subquery. PostgreSQL may turn an `EXISTS` under `OR` into a
/// hashed subplan, which reads every matching row of the region (every red item) to
/// test a window's projects; an `OFFSET` keeps it a test of one project at a time.
const PER_ROW: &str = " LIMIT 1 OFFSET 0";

/// How the year of initiation is tested (see [`ordered_filter_sql`]).
#[derive(Clone, Copy)]
enum Year {
    /// The year leads the key, and the window has no end: its index is walked from the
    /// start of the year.
    Walked,
    /// The year leads the key, and both of the window's keys hold it already.
    Bounded,
    /// A department's or unit's own key is walked: the year is a test of each row.
    Tested,
}

/// The filter with an index in key order within it (migration 0023): the year of
/// initiation. Windows count only the projects of that year.
fn ordered_filter_sql(sql: &mut Sql, f: &LibraryFilter, how: Year) {
    let Some(y) = f.year else { return };
    match how {
        Year::Walked => sql.and("p.initiated_year =", Arg::Int(i64::from(y))),
        // What the year's partial index holds, so that the planner may read it; an
        // equality would leave SQLite no room for the keys' range after it.
        Year::Bounded => sql.push(" AND p.initiated_year IS NOT NULL"),
        // `+` keeps the planner from walking the year's index instead of the scope's.
        Year::Tested => sql.and("+p.initiated_year =", Arg::Int(i64::from(y))),
    }
}

/// How the year is tested in `ls`'s window, bounded at its end or not.
fn year_test(ls: &LibraryScope, f: &LibraryFilter, bounded: bool) -> Year {
    match (year_leads(ls, f), bounded) {
        (false, _) => Year::Tested,
        (true, false) => Year::Walked,
        (true, true) => Year::Bounded,
    }
}

/// The filters as SQL on the projects alias `p` (read from `ls`), each a test of one
/// project through an index: its items by project, its department scope by
/// (department, project), its words by code on SQLite when the scope's rows carry it.
fn filter_sql(sql: &mut Sql, ls: &LibraryScope, f: &LibraryFilter, today: NaiveDate, year: Year) {
    if let Some(d) = &f.department_id {
        let d = sql.arg(Arg::Text(d.clone()));
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM scope_projects fs WHERE fs.department_id = {d} AND fs.project_id = p.id{PER_ROW})"
        ));
    }
    match (f.light, &f.item_type_id) {
        (None, None) => {}
        (None, Some(t)) => {
            let t = sql.arg(Arg::Text(t.clone()));
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM pending_items fi WHERE fi.project_id = p.id AND fi.status = 'pending' AND fi.item_type_id = {t}{PER_ROW})"
            ));
        }
        (Some(light), t) => {
            // An item's light is its application's clock while one runs (none while
            // paused for the applicant), else its own ledger deadline, as in the
            // daily light run.
            let t = t.as_ref().map(|t| sql.arg(Arg::Text(t.clone())));
            let of_type =
                |alias: &str| t.as_ref().map(|t| format!(" AND {alias}.item_type_id = {t}")).unwrap_or_default();
            let dates = LightDates::of(light, today);
            let mut on = |alias: &str| {
                let mut out = String::new();
                for (bound, op, column) in [
                    (dates.due_before, "<", "due_on"),
                    (dates.due_from, ">=", "due_on"),
                    (dates.warn_until, "<=", "warn_on"),
                    (dates.warn_after, ">", "warn_on"),
                ] {
                    if let Some(day) = bound {
                        out.push_str(&format!(" AND {alias}.{column} {op} {}", sql.arg(Arg::Text(day.to_string()))));
                    }
                }
                out
            };
            let (item_dates, application_dates) = (on("fi"), on("fa"));
            sql.push(&format!(
                " AND (EXISTS (SELECT 1 FROM pending_items fi WHERE fi.project_id = p.id AND fi.status = 'pending'{}{item_dates}
                               AND NOT EXISTS (SELECT 1 FROM applications fo WHERE fo.pending_item_id = fi.id AND fo.closed_at IS NULL){PER_ROW})
                       OR EXISTS (SELECT 1 FROM applications fa JOIN pending_items fai ON fai.id = fa.pending_item_id
                                  WHERE fa.project_id = p.id AND fa.closed_at IS NULL AND fa.paused_since IS NULL{}{application_dates}{PER_ROW}))",
                of_type("fi"),
                of_type("fai"),
            ));
        }
    }
    ordered_filter_sql(sql, f, year);
    if let Some(s) = f.stage {
        sql.and("p.stage =", Arg::Text(s.as_str().to_string()));
    }
    if let Some(code) = f.code() {
        sql.and("p.code =", Arg::Text(code.as_str().to_string()));
    } else if let Some(pattern) = f.like_pattern() {
        let t = sql.arg(Arg::Text(pattern));
        // The units whose name matches are found once per query (a unit has many
        // projects), not joined again for every project of the window.
        let words = |a: &str| {
            format!(
                "({a}.code LIKE {t} ESCAPE '\\' OR {a}.name LIKE {t} ESCAPE '\\'
                  OR {a}.owner_id IN (SELECT fu.id FROM owners fu WHERE fu.name LIKE {t} ESCAPE '\\'))"
            )
        };
        match ls.scope_rows() {
            // A department's scope rows come in key order, its projects' rows in no
            // useful order: on SQLite the words are tested in the code's index, which
            // holds name and unit (migration 0033), before the project's row is read.
            Some(k) if sql.backend == Backend::Sqlite => sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM projects fs INDEXED BY projects_code_search
                              WHERE fs.code = {k}.code AND fs.region_code = {k}.region_code AND {})",
                words("fs")
            )),
            // PostgreSQL tests them in the same way, in its index of the key that holds
            // name and unit (migration 0034), each scope row on its own: it guesses a
            // fifth of the projects match a word, and would rather read them all and
            // join them to the window by hash; and a join to the window's projects
            // between its two codes, planned for the few scope rows it guessed there,
            // read that range again for each of 5,000 rows (10 s). Looked up by id, each
            // project's row was read from its page in no useful order: 45 ms a window at
            // a million projects; 25 ms in the index, with the scope's row read from its
            // key's index alone (BENCHMARKS.md, eleventh round).
            Some(k) => sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM projects fs WHERE fs.region_code = {k}.region_code AND fs.code = {k}.code AND {}{PER_ROW})",
                words("fs")
            )),
            None => sql.push(&format!(" AND {}", words("p"))),
        }
    }
}

/// Whether the year leads the library's key: for a region's library, whose projects of
/// a year have their own index. A department or a unit walks its own index, and tests
/// the year as any other filter.
fn year_leads(ls: &LibraryScope, f: &LibraryFilter) -> bool {
    f.year.is_some() && !ls.is_own()
}

/// The library's key compared with `key` (`>` or `<=`). With a year, the year leads, as
/// in its index: PostgreSQL bounds an index scan by a row comparison only over the
/// index's leading columns (the year is fixed, so the order is the same).
fn key_sql(sql: &mut Sql, ls: &LibraryScope, f: &LibraryFilter, op: &str, key: &ProjectKey) -> String {
    let year = f.year.filter(|_| year_leads(ls, f)).map(|y| sql.arg(Arg::Int(i64::from(y))));
    let (r, c) = (sql.arg(Arg::Text(key.region_code.clone())), sql.arg(Arg::Text(key.code.clone())));
    match year {
        Some(y) => format!("(p.initiated_year, p.region_code, p.code) {op} ({y}, {r}, {c})"),
        None => ls.compare(op, &r, &c),
    }
}

/// The library's order, led by the year when it leads the key (see [`key_sql`]).
fn key_order(ls: &LibraryScope, f: &LibraryFilter) -> String {
    if year_leads(ls, f) {
        "p.initiated_year, p.region_code, p.code".to_string()
    } else {
        ls.order("ASC")
    }
}

/// The last key of the window of at most `window` projects in scope after `after` (of
/// the year filtered, if any), if the library goes on that far (read from
/// an index alone).
fn window_end_sql(sql: &mut Sql, scope: &Scope, f: &LibraryFilter, after: &ProjectKey, window: i64) {
    let ls = sql.scope(scope);
    let after = key_sql(sql, &ls, f, ">", after);
    let (keys, from) = ls.keys();
    // A department's window reads its scope alone, unless a year is to be tested.
    let from = if f.year.is_some() { ls.from } else { from };
    sql.push(&format!("SELECT {keys} FROM {from} WHERE {after} AND {}", ls.sql));
    ordered_filter_sql(sql, f, year_test(&ls, f, false));
    let skip = sql.arg(Arg::Int(window - 1));
    sql.push(&format!(" ORDER BY {} LIMIT 1 OFFSET {skip}", key_order(&ls, f)));
}

/// The window after `after` up to `end` on PostgreSQL, which ends an index scan on a
/// row comparison's first column alone: `(department, region, code) <= (…)` read on to
/// the department's last row, and `(region, code) <= (…)` to the region's. The region,
/// which both keys hold but at a region's border, is written as an equality and the
/// code as a range, which bounds the scan on both sides (a department's or unit's
/// equality is its scope's own SQL, written beside). The walk's first window starts
/// at the scope's first region (a department's or unit's own, or the region's code).
fn window_sql_pg(sql: &mut Sql, ls: &LibraryScope, scope: &Scope, after: &ProjectKey, end: &ProjectKey) -> String {
    let (keys, _) = ls.keys();
    let (region, code) = keys.split_once(", ").unwrap_or_default();
    let first = match (after.code.is_empty(), ls.is_own()) {
        (true, true) => end.region_code.clone(),
        (true, false) => after.region_code.clone().max(scope.region_prefix.clone()),
        (false, _) => after.region_code.clone(),
    };
    if first == end.region_code {
        let r = sql.arg(Arg::Text(first));
        let (c1, c2) = (sql.arg(Arg::Text(after.code.clone())), sql.arg(Arg::Text(end.code.clone())));
        format!("{region} = {r} AND {code} > {c1} AND {code} <= {c2}")
    } else {
        let (r1, c1) = (sql.arg(Arg::Text(first)), sql.arg(Arg::Text(after.code.clone())));
        let (r2, c2) = (sql.arg(Arg::Text(end.region_code.clone())), sql.arg(Arg::Text(end.code.clone())));
        format!("({region}, {code}) > ({r1}, {c1}) AND ({region}, {code}) <= ({r2}, {c2})")
    }
}

/// Up to `limit` projects in scope after `after` and up to `end` that pass the filters,
/// read with `select` (a `SELECT … FROM projects p …` without its `WHERE`).
#[allow(clippy::too_many_arguments)]
fn matches_sql(
    sql: &mut Sql,
    select: &str,
    scope: &Scope,
    f: &LibraryFilter,
    today: NaiveDate,
    after: &ProjectKey,
    end: Option<&ProjectKey>,
    limit: i64,
) {
    let ls = sql.scope(scope);
    // A window lies between two keys, and the scan of the key's index must stop at its
    // end. SQLite bounds an index scan by one condition per side: the end is written
    // before the scope, which it takes first among equals (else the region's range
    // ended the scan, and a word found nowhere read every key to the region's end),
    // and an equality on the key's first column (a department, a unit, or a year that
    // leads the key), which leaves no room for a range after it, is left out: both
    // keys begin with it. PostgreSQL is given the window as a range on the code
    // ([`window_sql_pg`]), with the scope beside it; but a year that leads the key keeps
    // the row comparisons: written as a range, the code (which begins with the year)
    // made PostgreSQL walk the region's key instead of the year's, 1.6 s a page at a
    // million projects.
    let bounds = match end {
        Some(end) if sql.backend == Backend::Postgres && !year_leads(&ls, f) => {
            let window = window_sql_pg(sql, &ls, scope, after, end);
            format!("{window} AND {}", ls.sql)
        }
        Some(end) => {
            let (after, end) = (key_sql(sql, &ls, f, ">", after), key_sql(sql, &ls, f, "<=", end));
            if ls.is_own() {
                format!("{after} AND {end}")
            } else {
                format!("{after} AND {end} AND {}", ls.sql)
            }
        }
        None => format!("{} AND {}", key_sql(sql, &ls, f, ">", after), ls.sql),
    };
    sql.push(&format!("{} WHERE {bounds}", select_from(select, ls.from)));
    filter_sql(sql, &ls, f, today, year_test(&ls, f, end.is_some()));
    let limit = sql.arg(Arg::Int(limit));
    sql.push(&format!(" ORDER BY {} LIMIT {limit}", key_order(&ls, f)));
}

impl Store {
    /// A page of at most `limit` projects in scope that pass `filter`, after `after`
    /// (from the start if `None`), in library order.
    pub async fn find_projects(
        &self,
        scope: &Scope,
        filter: &LibraryFilter,
        after: Option<&ProjectKey>,
        limit: i64,
    ) -> Result<LibraryPage, StoreError> {
        self.find_projects_in(scope, filter, after, limit, (WINDOW, WINDOWS)).await
    }

    /// [`Store::find_projects`] with windows of `window.0` projects, `window.1` at most.
    async fn find_projects_in(
        &self,
        scope: &Scope,
        filter: &LibraryFilter,
        after: Option<&ProjectKey>,
        limit: i64,
        (window, windows): (i64, usize),
    ) -> Result<LibraryPage, StoreError> {
        let today = crate::today();
        let start = ProjectKey { region_code: String::new(), code: String::new() };
        let mut after = after.cloned().unwrap_or(start);
        let mut page = LibraryPage { projects: Vec::new(), next: None, looked_at: None };
        // A whole code is one lookup through its index: no windows.
        let by_code = filter.code().is_some();
        let windows = if by_code { 1 } else { windows };
        for _ in 0..windows {
            let end = if by_code {
                None
            } else {
                let mut sql = Sql::new(self.backend());
                window_end_sql(&mut sql, scope, filter, &after, window);
                sql.query()
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| ProjectKey { region_code: r.get(0), code: r.get(1) })
            };
            let want = limit - page.projects.len() as i64;
            let mut sql = Sql::new(self.backend());
            matches_sql(&mut sql, PROJECT_SELECT, scope, filter, today, &after, end.as_ref(), want + 1);
            let rows = sql.query().fetch_all(&self.pool).await?;
            let more = rows.len() as i64 > want;
            page.projects.extend(rows.iter().take(want as usize).map(project_from_row));
            if more {
                page.next = page.projects.last().map(ProjectKey::of);
                return Ok(page);
            }
            match end {
                Some(end) => after = end,
                None => return Ok(page),
            }
        }
        page.next = Some(after);
        page.looked_at = Some(window * windows as i64);
        Ok(page)
    }

    /// Every project in scope that passes `filter`, in library order, as an export of
    /// the ledger holds it: with its pending items still pending that the scope sees.
    /// The projects are those [`Store::find_projects`] pages through (the same SQL),
    /// read `batch` at a time by key, so the export and the pages cannot disagree.
    /// `each` may stop the export ([`ControlFlow::Break`]); returns how many projects
    /// it took.
    pub async fn export_library<F>(
        &self,
        scope: &Scope,
        filter: &LibraryFilter,
        batch: i64,
        mut each: F,
    ) -> Result<u64, StoreError>
    where
        F: FnMut(LedgerProject) -> Result<ControlFlow<()>, StoreError>,
    {
        let batch = batch.clamp(1, 10_000);
        // One day for the whole export, so that a light means the same in every batch.
        let today = crate::today();
        let mut after = ProjectKey { region_code: String::new(), code: String::new() };
        let mut count = 0u64;
        loop {
            let mut sql = Sql::new(self.backend());
            matches_sql(&mut sql, LEDGER_PROJECT_SELECT, scope, filter, today, &after, None, batch);
            let rows = sql.query().fetch_all(&self.pool).await?;
            let Some(last) = rows.last() else { break };
            let ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            let mut items = self.export_items(scope, &ids).await?;
            for r in &rows {
                if each(ledger_project(r, &mut items))?.is_break() {
                    return Ok(count);
                }
                count += 1;
            }
            if (rows.len() as i64) < batch {
                break;
            }
            after = ProjectKey { region_code: last.get(8), code: last.get(1) };
        }
        Ok(count)
    }

    /// The pending items still pending of the projects `ids` that `scope` sees, by
    /// project id, each project's in item type order (as the ledger's export).
    async fn export_items(
        &self,
        scope: &Scope,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<LedgerItem>>, StoreError> {
        let is = item_scope(scope, 1);
        let first = is.binds.len() + 1;
        let sql = format!(
            "{LEDGER_ITEM_SELECT} WHERE i.project_id IN ({}) AND i.status = 'pending' AND {} ORDER BY i.project_id, t.code",
            params(first, ids.len()),
            is.sql
        );
        let mut q = sqlx::query(&sql);
        for b in is.binds.iter().chain(ids) {
            q = q.bind(b.as_str());
        }
        Ok(ledger_items(&q.fetch_all(&self.pool).await?))
    }
}

#[cfg(test)]
pub(crate) fn plan_sqls(backend: Backend, scope: &Scope, f: &LibraryFilter) -> Vec<(String, Vec<String>)> {
    let after = ProjectKey { region_code: "152529".into(), code: "2016".into() };
    let mut window = Sql::new(backend);
    window_end_sql(&mut window, scope, f, &after, WINDOW);
    let mut matches = Sql::new(backend);
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
    matches_sql(&mut matches, PROJECT_SELECT, scope, f, today, &after, Some(&after), 51);
    [window, matches]
        .into_iter()
        .map(|s| {
            let binds = s
                .args
                .iter()
                .map(|a| match a {
                    Arg::Text(t) => t.clone(),
                    Arg::Int(n) => format!("#{n}"),
                })
                .collect();
            (s.text, binds)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::PageDirection;
    use crate::testing::{banner, on_each_backend};
    use qidi_core::project::LibraryQuery;
    use qidi_core::Role;

    /// Every page of a filter, followed to its end: the codes found, and whether some
    /// request ran out of windows before it filled its page.
    async fn walk(store: &Store, scope: &Scope, f: &LibraryFilter, windows: (i64, usize)) -> (Vec<String>, bool) {
        let (mut codes, mut stopped_short, mut after) = (Vec::new(), false, None);
        loop {
            let page = store.find_projects_in(scope, f, after.as_ref(), 10, windows).await.unwrap();
            if let Some(n) = page.looked_at {
                assert_eq!(n, windows.0 * windows.1 as i64);
                assert!(page.next.is_some(), "a page that ran out goes on");
                stopped_short = true;
            }
            codes.extend(page.projects.iter().map(|p| p.code.clone()));
            match page.next {
                Some(next) => after = Some(next),
                None => return (codes, stopped_short),
            }
        }
    }

    /// Small windows over the demo: a rare match takes several requests, each looking
    /// at no more than its windows, and together they find exactly what a filter of
    /// the whole library finds.
    #[tokio::test]
    async fn a_rare_match_is_found_window_by_window() {
        on_each_backend(|store| async move {
            store.load_demo(&banner()).await.unwrap();
            let scope = Scope::for_user(Role::Office, &banner(), None, None);
            let all = store.list_projects(&scope, 1000, 0).await.unwrap();
            // A word in a few names only.
            let word = "光伏";
            let mut expected: Vec<String> = all
                .iter()
                .filter(|p| {
                    p.name.contains(word) || p.owner.as_deref().unwrap_or("").contains(word) || p.code.contains(word)
                })
                .map(|p| p.code.clone())
                .collect();
            expected.sort();
            assert!(!expected.is_empty() && expected.len() < 100, "{} matches", expected.len());
            let f = LibraryQuery { q: Some(word.into()), ..Default::default() }.filter().unwrap();
            let (found, stopped_short) = walk(&store, &scope, &f, (40, 2)).await;
            assert_eq!(found, expected);
            assert!(stopped_short, "some request ran out of windows before filling its page");
            // One window as large as the library: the same, in pages of 10.
            assert_eq!(walk(&store, &scope, &f, (WINDOW, 1)).await.0, expected);
        })
        .await;
    }

    /// A department's library, read from its kept scope in key order (by offset, by key
    /// both ways, and filtered), lists exactly the projects its scope sees through
    /// `projects`, in the same order; and a project made or an item handed over moves
    /// it at once.
    #[tokio::test]
    async fn a_departments_library_is_its_scope_in_key_order() {
        on_each_backend(|store| async move {
            store.load_demo(&banner()).await.unwrap();
            let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
            let scope = Scope::for_user(Role::Handler, &banner(), Some(&zrzy), None);
            let seen = |store: Store, scope: Scope| async move {
                let ps = crate::ledger::project_scope(&scope, 1);
                let sql = format!("SELECT p.code FROM projects p WHERE {} ORDER BY p.region_code, p.code", ps.sql);
                let mut q = sqlx::query(&sql);
                for b in &ps.binds {
                    q = q.bind(b.as_str());
                }
                q.fetch_all(&store.pool).await.unwrap().iter().map(|r| r.get::<String, _>(0)).collect::<Vec<_>>()
            };
            let expected = seen(store.clone(), scope.clone()).await;
            let office = Scope::for_user(Role::Office, &banner(), None, None);
            let all = store.list_projects(&office, 10_000, 0).await.unwrap();
            assert!(expected.len() > 10 && expected.len() < all.len(), "{} of {}", expected.len(), all.len());
            let codes = |rows: Vec<ProjectRow>| rows.into_iter().map(|p| p.code).collect::<Vec<_>>();

            // By offset, in pages of 7.
            let mut by_offset = Vec::new();
            for page in 0.. {
                let rows = store.list_projects(&scope, 7, page * 7).await.unwrap();
                if rows.is_empty() {
                    break;
                }
                by_offset.extend(codes(rows));
            }
            assert_eq!(by_offset, expected);
            // By key, forward, then back from the end.
            let (mut forward, mut key) = (Vec::new(), ProjectKey { region_code: String::new(), code: String::new() });
            loop {
                let rows = store.list_projects_from(&scope, 7, &key, PageDirection::After).await.unwrap();
                let Some(last) = rows.last() else { break };
                key = ProjectKey::of(last);
                forward.extend(codes(rows));
            }
            assert_eq!(forward, expected);
            let back = store.list_projects_from(&scope, 5, &key, PageDirection::Before).await.unwrap();
            assert_eq!(codes(back), expected[expected.len() - 6..expected.len() - 1]);
            // Filtered (a year), in small windows: the same as testing the year on each.
            let year: i64 = sqlx::query("SELECT initiated_year FROM projects WHERE code = $1")
                .bind(&expected[expected.len() / 2])
                .fetch_one(&store.pool)
                .await
                .unwrap()
                .get(0);
            let f = LibraryQuery { year: Some(year.to_string()), ..Default::default() }.filter().unwrap();
            let (found, _) = walk(&store, &scope, &f, (5, 2)).await;
            let of_year: Vec<String> = all
                .iter()
                .filter(|p| p.initiated_year == Some(year) && expected.contains(&p.code))
                .map(|p| p.code.clone())
                .collect();
            assert!(!of_year.is_empty());
            assert_eq!(found, of_year);
            // Searched by a word of a project's name, of a unit's, and of a code (on
            // SQLite in the code's index): the projects in scope that hold it.
            let middle = all.iter().find(|p| p.code == expected[expected.len() / 2]).unwrap();
            let owner = middle.owner.clone().unwrap_or_default();
            for word in [
                middle.name.chars().skip(4).take(2).collect::<String>(),
                owner,
                middle.code[middle.code.len() - 6..].to_string(),
            ] {
                let f = LibraryQuery { q: Some(word.clone()), ..Default::default() }.filter().unwrap();
                let (found, _) = walk(&store, &scope, &f, (5, 2)).await;
                let holding: Vec<String> = all
                    .iter()
                    .filter(|p| expected.contains(&p.code))
                    .filter(|p| {
                        p.name.contains(&word)
                            || p.owner.as_deref().unwrap_or("").contains(&word)
                            || p.code.contains(&word)
                    })
                    .map(|p| p.code.clone())
                    .collect();
                assert!(!holding.is_empty() && holding.len() < expected.len(), "{word}: {}", holding.len());
                assert_eq!(found, holding, "{word}");
            }

            // An item of another department's project handed to this one: the project
            // joins the scope in its place in key order, with its key.
            let (item, code): (String, String) = sqlx::query(
                "SELECT i.id, p.code FROM pending_items i JOIN projects p ON p.id = i.project_id
                 WHERE i.handling_department_id <> $1 AND NOT EXISTS
                   (SELECT 1 FROM scope_projects s WHERE s.department_id = $1 AND s.project_id = p.id)
                 ORDER BY p.code LIMIT 1",
            )
            .bind(&zrzy)
            .fetch_one(&store.pool)
            .await
            .map(|r| (r.get(0), r.get(1)))
            .unwrap();
            sqlx::query("UPDATE pending_items SET handling_department_id = $1 WHERE id = $2")
                .bind(&zrzy)
                .bind(&item)
                .execute(&store.pool)
                .await
                .unwrap();
            let now = codes(store.list_projects(&scope, 10_000, 0).await.unwrap());
            assert!(now.contains(&code));
            assert_eq!(now, seen(store.clone(), scope.clone()).await);
            assert!(store.check_counts(false).await.unwrap().mismatches.is_empty());
        })
        .await;
    }

    /// An export of a filter holds exactly the projects its pages list, in their order,
    /// whatever its batches; a department's export holds its scope only; `Break` stops it.
    #[tokio::test]
    async fn an_export_holds_what_the_pages_list() {
        on_each_backend(|store| async move {
            store.load_demo(&banner()).await.unwrap();
            let office = Scope::for_user(Role::Office, &banner(), None, None);
            let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
            let department = Scope::for_user(Role::Handler, &banner(), Some(&zrzy), None);
            let exported = |scope: Scope, f: LibraryFilter, batch: i64| {
                let store = store.clone();
                async move {
                    let mut projects = Vec::new();
                    let n = store
                        .export_library(&scope, &f, batch, |p| {
                            projects.push(p);
                            Ok(ControlFlow::Continue(()))
                        })
                        .await
                        .unwrap();
                    assert_eq!(n as usize, projects.len());
                    projects
                }
            };
            for (scope, query) in [
                (&office, LibraryQuery::default()),
                (&office, LibraryQuery { light: Some("red".into()), ..Default::default() }),
                (
                    &office,
                    LibraryQuery { year: Some("2019".into()), stage: Some("not_started".into()), ..Default::default() },
                ),
                (&office, LibraryQuery { q: Some("光伏".into()), ..Default::default() }),
                (&department, LibraryQuery::default()),
                (&department, LibraryQuery { light: Some("yellow".into()), ..Default::default() }),
            ] {
                let f = query.filter().unwrap();
                let (listed, _) = walk(&store, scope, &f, (WINDOW, WINDOWS)).await;
                for batch in [7, 500] {
                    let projects = exported(scope.clone(), f.clone(), batch).await;
                    let codes: Vec<String> = projects.iter().map(|p| p.code.as_str().to_string()).collect();
                    assert_eq!(codes, listed, "{query:?} in batches of {batch}");
                }
            }
            // Unfiltered, the office's export is the whole library, with every pending item.
            let all = exported(office.clone(), LibraryFilter::default(), 50).await;
            assert_eq!(all.len(), store.list_projects(&office, 10_000, 0).await.unwrap().len());
            let items: usize = all.iter().map(|p| p.items.len()).sum();
            let pending: i64 = sqlx::query("SELECT COUNT(*) FROM pending_items WHERE status = 'pending'")
                .fetch_one(&store.pool)
                .await
                .unwrap()
                .get(0);
            assert_eq!(items as i64, pending);
            assert!(all.iter().all(|p| p.items.windows(2).all(|w| w[0].item_type <= w[1].item_type)));
            // A department sees only its own items of the projects it sees.
            let theirs = exported(department.clone(), LibraryFilter::default(), 50).await;
            assert!(!theirs.is_empty() && theirs.len() < all.len());
            let zrzy_initiated: Vec<String> =
                sqlx::query("SELECT code FROM projects WHERE initiating_department_id = $1")
                    .bind(&zrzy)
                    .fetch_all(&store.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
            for p in &theirs {
                if !zrzy_initiated.contains(&p.code.as_str().to_string()) {
                    assert!(p.items.iter().all(|i| i.handling_department == "zrzy"), "{}", p.code.as_str());
                }
            }
            // Stopped after three.
            let mut seen = 0;
            let n = store
                .export_library(&office, &LibraryFilter::default(), 2, |_| {
                    seen += 1;
                    Ok(if seen > 3 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
                })
                .await
                .unwrap();
            assert_eq!((n, seen), (3, 4));
        })
        .await;
    }
}
