//! The project library filtered (项目库筛选): by department, item type, light, year of
//! initiation, stage and free text over code, name and unit.
//!
//! Filtered pages walk the library in key order, `(region_code, code)`, one window of
//! at most [`WINDOW`] projects at a time, and test each project in the window against
//! the filters. A request reads at most [`WINDOWS`] windows, so a page costs the same
//! at a million projects as at a few hundred, however rare the match; when it has
//! not filled its page by then it says how far it looked and offers to go on from
//! there. A whole project code is a lookup through the code's index instead.

use crate::ledger::{project_from_row, project_scope, ProjectKey, ProjectRow, PROJECT_SELECT};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use qidi_core::light::LightDates;
use qidi_core::project::LibraryFilter;
use qidi_core::role::Scope;
use sqlx::Row;

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

/// SQL with numbered binds, built as it is written.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
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

    fn scope(&mut self, scope: &Scope) {
        let ps = project_scope(scope, self.args.len() + 1);
        self.push(&format!(" AND {}", ps.sql));
        self.args.extend(ps.binds.into_iter().map(Arg::Text));
    }

    fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
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

/// The filter with an index in key order within it (migration 0023): the year of
/// initiation. Windows count only the projects of that year.
fn ordered_filter_sql(sql: &mut Sql, f: &LibraryFilter) {
    if let Some(y) = f.year {
        sql.and("p.initiated_year =", Arg::Int(i64::from(y)));
    }
}

/// The filters as SQL on the projects alias `p`, each a test of one project through
/// an index: its items by project, its department scope by (department, project).
fn filter_sql(sql: &mut Sql, f: &LibraryFilter, today: NaiveDate) {
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
    ordered_filter_sql(sql, f);
    if let Some(s) = f.stage {
        sql.and("p.stage =", Arg::Text(s.as_str().to_string()));
    }
    if let Some(code) = f.code() {
        sql.and("p.code =", Arg::Text(code.as_str().to_string()));
    } else if let Some(pattern) = f.like_pattern() {
        let t = sql.arg(Arg::Text(pattern));
        // The units whose name matches are found once per query (a unit has many
        // projects), not joined again for every project of the window.
        sql.push(&format!(
            " AND (p.code LIKE {t} ESCAPE '\\' OR p.name LIKE {t} ESCAPE '\\'
                   OR p.owner_id IN (SELECT fu.id FROM owners fu WHERE fu.name LIKE {t} ESCAPE '\\'))"
        ));
    }
}

/// The library's key compared with `key` (`>` or `<=`). With a year, the year leads, as
/// in its index: PostgreSQL bounds an index scan by a row comparison only over the
/// index's leading columns (the year is fixed, so the order is the same).
fn key_sql(sql: &mut Sql, f: &LibraryFilter, op: &str, key: &ProjectKey) -> String {
    let year = f.year.map(|y| sql.arg(Arg::Int(i64::from(y))));
    let (r, c) = (sql.arg(Arg::Text(key.region_code.clone())), sql.arg(Arg::Text(key.code.clone())));
    match year {
        Some(y) => format!("(p.initiated_year, p.region_code, p.code) {op} ({y}, {r}, {c})"),
        None => format!("(p.region_code, p.code) {op} ({r}, {c})"),
    }
}

/// The library's order, led by the year when a year is chosen (see [`key_sql`]).
fn key_order(f: &LibraryFilter) -> &'static str {
    if f.year.is_some() {
        "p.initiated_year, p.region_code, p.code"
    } else {
        "p.region_code, p.code"
    }
}

/// The last key of the window of at most `window` projects in scope after `after` (of
/// the year filtered, if any), if the library goes on that far (read from
/// an index alone).
fn window_end_sql(sql: &mut Sql, scope: &Scope, f: &LibraryFilter, after: &ProjectKey, window: i64) {
    let after = key_sql(sql, f, ">", after);
    sql.push(&format!("SELECT p.region_code, p.code FROM projects p WHERE {after}"));
    sql.scope(scope);
    ordered_filter_sql(sql, f);
    let skip = sql.arg(Arg::Int(window - 1));
    sql.push(&format!(" ORDER BY {} LIMIT 1 OFFSET {skip}", key_order(f)));
}

/// Up to `limit` projects in scope after `after` and up to `end` that pass the filters.
fn matches_sql(
    sql: &mut Sql,
    scope: &Scope,
    f: &LibraryFilter,
    today: NaiveDate,
    after: &ProjectKey,
    end: Option<&ProjectKey>,
    limit: i64,
) {
    let after = key_sql(sql, f, ">", after);
    sql.push(&format!("{PROJECT_SELECT} WHERE {after}"));
    if let Some(end) = end {
        let end = key_sql(sql, f, "<=", end);
        sql.push(&format!(" AND {end}"));
    }
    sql.scope(scope);
    filter_sql(sql, f, today);
    let limit = sql.arg(Arg::Int(limit));
    sql.push(&format!(" ORDER BY {} LIMIT {limit}", key_order(f)));
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
                let mut sql = Sql::default();
                window_end_sql(&mut sql, scope, filter, &after, window);
                sql.query()
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| ProjectKey { region_code: r.get(0), code: r.get(1) })
            };
            let want = limit - page.projects.len() as i64;
            let mut sql = Sql::default();
            matches_sql(&mut sql, scope, filter, today, &after, end.as_ref(), want + 1);
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
}

#[cfg(test)]
pub(crate) fn plan_sqls(scope: &Scope, f: &LibraryFilter) -> Vec<(String, Vec<String>)> {
    let after = ProjectKey { region_code: "152529".into(), code: "2016".into() };
    let mut window = Sql::default();
    window_end_sql(&mut window, scope, f, &after, WINDOW);
    let mut matches = Sql::default();
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
    matches_sql(&mut matches, scope, f, today, &after, Some(&after), 51);
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
}
