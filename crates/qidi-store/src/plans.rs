//! The query plans of the hot queries, pinned on both engines (region scale): a page
//! about one object reads that object's rows through an index, lists page through an
//! index, dashboards read kept counts, and the daily light run finds what changed by
//! date through the due and warning dates' indexes. A full scan of a large table that
//! creeps back into any of them fails here.
//!
//! SQLite's `EXPLAIN QUERY PLAN` is read as it is. On PostgreSQL sequential scans are
//! turned off for the check, because on a handful of rows the planner rightly prefers
//! them; what is checked is that an index can serve the query. Parameters are inlined
//! there: EXPLAIN of a statement with binds needs a prepared generic plan, which the
//! Any driver does not expose.

use crate::ledger::{
    item_scope, library_scope, pending_items_sql, project_page_sql, project_scope, project_sql, projects_from_sql,
    PageDirection,
};
use crate::testing::{banner, on_each_backend};
use crate::{Backend, Store};
use qidi_core::role::{Scope, ScopeLimit};
use qidi_core::Role;
use sqlx::Row;

/// The tables that grow with the region; no hot query may scan one of them whole.
const LARGE: [&str; 12] = [
    "projects",
    "pending_items",
    "applications",
    "events",
    "baseline_items",
    "clock_records",
    "hotline_orders",
    // A region's signed texts, in parts of 4 MiB.
    "ledger_text_parts",
    // Kept counts that grow with the region too: per project, per group of days.
    "pending_projects",
    "scope_projects",
    "baseline_counts",
    "baseline_days",
];

/// The plan of `sql` with `binds` ($1…) on this store's engine, one line per step. A
/// bind written `#N` is the number N; every other bind is text.
async fn plan(store: &Store, sql: &str, binds: &[&str]) -> Vec<String> {
    plan_with(store, sql, binds, &[]).await
}

/// As [`plan`], with PostgreSQL planner methods turned off besides sequential scans
/// (`enable_sort`: whether an index can give the order, however few the rows).
async fn plan_with(store: &Store, sql: &str, binds: &[&str], off: &[&str]) -> Vec<String> {
    let mut conn = store.pool().acquire().await.unwrap();
    match store.backend() {
        Backend::Sqlite => {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut q = sqlx::query(&explain);
            for b in binds {
                q = match b.strip_prefix('#') {
                    Some(n) => q.bind(n.parse::<i64>().unwrap()),
                    None => q.bind(*b),
                };
            }
            q.fetch_all(&mut *conn).await.unwrap().iter().map(|r| r.get::<String, _>(3)).collect()
        }
        Backend::Postgres => {
            for setting in ["enable_seqscan"].iter().chain(off) {
                sqlx::query(&format!("SET {setting} = off")).execute(&mut *conn).await.unwrap();
            }
            let rows = sqlx::query(&format!("EXPLAIN {}", inlined(sql, binds))).fetch_all(&mut *conn).await.unwrap();
            for setting in ["enable_seqscan"].iter().chain(off) {
                sqlx::query(&format!("SET {setting} = on")).execute(&mut *conn).await.unwrap();
            }
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        }
    }
}

/// The most rows any step of `sql`'s plan read, run (PostgreSQL, planned as in service:
/// with sequential scans off, the old page read only its own rows here too).
async fn most_rows_read(store: &Store, sql: &str, binds: &[&str]) -> (u64, String) {
    let explain = format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {}", inlined(sql, binds));
    let rows = sqlx::query(&explain).fetch_all(store.pool()).await.unwrap();
    let plan: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    let most = plan
        .iter()
        .filter_map(|l| l.split(" rows=").nth(1).and_then(|n| n.split(' ').next()?.parse::<u64>().ok()))
        .max()
        .unwrap_or(0);
    (most, plan.join("\n"))
}

/// `sql` with its binds written in (PostgreSQL's `EXPLAIN` of a statement as planned
/// for its values): `#n` a number, else quoted text.
fn inlined(sql: &str, binds: &[&str]) -> String {
    let mut inlined = sql.to_string();
    // Highest first, so that $1 does not eat the start of $12.
    for (i, b) in binds.iter().enumerate().rev() {
        let value = match b.strip_prefix('#') {
            Some(n) => n.to_string(),
            None => format!("'{}'", b.replace('\'', "''")),
        };
        inlined = inlined.replace(&format!("${}", i + 1), &value);
    }
    inlined
}

/// `sql` reads no large table whole, nor all of a region's rows of one (for a banner,
/// that is everything). SQLite: no `SCAN` step on one (a covering-index scan reads
/// every entry too) and no search on `region_code` alone; PostgreSQL: no sequential
/// scan and no index condition on `region_code` alone.
async fn assert_indexed(store: &Store, what: &str, sql: &str, binds: &[&str]) {
    let plan = plan(store, sql, binds).await;
    let text = plan.join("\n");
    for table in LARGE {
        match store.backend() {
            Backend::Sqlite => {
                let scans = plan.iter().any(|l| {
                    let l = l.trim_start_matches(['|', '`', '-', ' ']);
                    l.starts_with(&format!("SCAN {table}")) || scans_alias(l, table, sql)
                });
                assert!(!scans, "{what} (SQLite) reads all of {table}:\n{text}");
            }
            Backend::Postgres => {
                assert!(
                    !text.contains(&format!("Seq Scan on {table}")),
                    "{what} (PostgreSQL) reads all of {table}:\n{text}"
                );
            }
        }
    }
    let large_aliases: Vec<String> = LARGE.iter().flat_map(|t| aliases(t, sql)).collect();
    let mut table_of_scan = String::new();
    let whole_region = plan.iter().any(|l| match store.backend() {
        Backend::Sqlite => {
            let l = l.trim_start_matches(['|', '`', '-', ' ']);
            large_aliases.iter().any(|a| l.starts_with(&format!("SEARCH {a} ")))
                && (l.ends_with("(region_code=?)") || l.ends_with("(region_code>? AND region_code<?)"))
        }
        Backend::Postgres => {
            if let Some((_, on)) = l.split_once(" on ") {
                table_of_scan = on.split_whitespace().next().unwrap_or_default().to_string();
            }
            LARGE.contains(&table_of_scan.as_str())
                && l.split_once("Index Cond: ").is_some_and(|(_, cond)| {
                    cond.split(" AND ").all(|part| part.trim_start_matches('(').starts_with("region_code "))
                })
        }
    });
    assert!(!whole_region, "{what} reads every row of the region:\n{text}");
}

/// The aliases `table` has in `sql` (`projects p` → `p`), and the table's own name.
fn aliases(table: &str, sql: &str) -> Vec<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let mut out = vec![table.to_string()];
    for w in words.windows(2).filter(|w| w[0] == table) {
        let alias = w[1].trim_end_matches([',', ')']);
        if !["WHERE", "ON", "JOIN", "LEFT", "GROUP", "ORDER", "SET"].contains(&alias.to_uppercase().as_str()) {
            out.push(alias.to_string());
        }
    }
    out
}

/// Whether a SQLite plan line scans `table` under one of its aliases in `sql` (`SCAN p`).
fn scans_alias(line: &str, table: &str, sql: &str) -> bool {
    aliases(table, sql).iter().any(|a| line == format!("SCAN {a}") || line.starts_with(&format!("SCAN {a} ")))
}

/// The demo banner's rows, so that plans are made as for real data. PostgreSQL plans
/// from statistics (kept by autovacuum in service), so they are gathered here; SQLite
/// keeps none unless asked, and plans as it would in service.
async fn with_data(store: &Store) {
    store.load_demo(&banner()).await.unwrap();
    if store.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
}

fn office_scope() -> Scope {
    Scope::for_user(Role::Office, &banner(), None, None)
}

fn strings(binds: &[String]) -> Vec<&str> {
    binds.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn a_project_page_reads_one_projects_rows() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let ps = project_scope(&office_scope(), 2);
        let mut binds = vec!["x"];
        binds.extend(strings(&ps.binds));
        assert_indexed(&store, "the project", &project_sql(&ps.sql), &binds).await;

        let is = item_scope(&office_scope(), 3);
        let mut binds = vec!["x", "#1000"];
        binds.extend(strings(&is.binds));
        assert_indexed(&store, "the project's items", &pending_items_sql(true, &is.sql), &binds).await;

        // The page's one query, for the office and for a department.
        for scope in [office_scope(), Scope::for_user(Role::Handler, &banner(), Some("d"), None)] {
            let (ps, is) = (project_scope(&scope, 3), item_scope(&scope, 3));
            let sql = project_page_sql(&ps.sql, &is.sql);
            let mut binds = vec!["x", "#1000"];
            binds.extend(strings(&ps.binds));
            assert_indexed(&store, "the project's page", &sql, &binds).await;
            let page = plan(&store, &sql, &binds).await.join("\n");
            assert!(
                page.contains("supervision_orders_open_project"),
                "its open orders are looked up by project: {page}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_signed_text_is_read_a_part_at_a_time_by_key() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let sql = crate::baseline::LEDGER_TEXT_PART;
        assert_indexed(&store, "a signed text's part", sql, &["v-1", "content", "#3"]).await;
    })
    .await;
}

/// Whether a plan sorts rows for its `ORDER BY` instead of reading them in an index's
/// order. PostgreSQL sorts a handful of rows by choice, so ask it with sorting off
/// ([`plan_with`] and `enable_sort`): it still sorts if no index gives the order.
fn sorts(backend: Backend, plan: &str) -> bool {
    match backend {
        // "USE TEMP B-TREE FOR ORDER BY", "… FOR RIGHT PART OF ORDER BY"
        Backend::Sqlite => plan.lines().any(|l| l.contains("TEMP B-TREE FOR") && l.contains("ORDER BY")),
        Backend::Postgres => plan.lines().any(|l| l.contains("Sort Key:")),
    }
}

/// The library pages by key, or by offset over keys alone, through an index that gives
/// its order: the region's `(region_code, code)`, or for a department its kept scope's
/// `(department_id, region_code, code)`, never the department's whole scope gathered
/// and sorted.
#[tokio::test]
async fn the_library_pages_by_key_through_an_index() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let department = Scope::for_user(Role::Handler, &banner(), Some(&busiest_department(&store).await), None);
        let owner: String =
            sqlx::query("SELECT owner_id FROM projects GROUP BY owner_id ORDER BY COUNT(*) DESC, owner_id LIMIT 1")
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
        let unit = Scope::for_user(Role::Applicant, &banner(), None, Some(&owner));
        for scope in [office_scope(), department, unit] {
            let ls = library_scope(&scope, 4);
            for direction in [PageDirection::After, PageDirection::Before] {
                let mut binds = vec!["152529", "2016-152529-44-01-010000", "#51"];
                binds.extend(strings(&ls.binds));
                let sql = projects_from_sql(direction, &ls);
                assert_indexed(&store, "a library page", &sql, &binds).await;
                // The page's keys are read in their index's order (the page's own rows
                // are then put in order: a page's worth).
                let keys = crate::ledger::page_keys_sql(direction, &ls);
                let plan =
                    plan_with(&store, &keys, &binds, &["enable_sort", "enable_incremental_sort"]).await.join("\n");
                assert!(!sorts(store.backend(), &plan), "a library page in its index's order:\n{plan}");
                // Only the page's projects are joined, however the planner guesses: the
                // demo's one region is what a banner of a large import looks like, where
                // PostgreSQL guessed one project after the region's key and read them all.
                // (Planned as in service; a unit's or a department's few demo projects it
                // may rightly read whole to join its page's keys by hash.)
                let region_wide = scope.limit == ScopeLimit::Region;
                if store.backend() == Backend::Postgres && direction == PageDirection::After && region_wide {
                    let first = ["152529", "", "#5"].into_iter().chain(binds[3..].iter().copied()).collect::<Vec<_>>();
                    let (most, plan) = most_rows_read(&store, &sql, &first).await;
                    assert!(most <= 10, "a page of 5 read {most} rows in one step:\n{plan}");
                }
                if ls.keys().1 == "scope_projects k" {
                    assert!(plan.contains("scope_projects_key"), "a department's page by its scope's key:\n{plan}");
                }
                if scope.limit == ScopeLimit::Owner(owner.clone()) {
                    assert!(plan.contains("projects_owner_key"), "a unit's page by its own key:\n{plan}");
                }
            }
            let ls = library_scope(&scope, 3);
            let mut binds = vec!["#50", "#50000"];
            binds.extend(strings(&ls.binds));
            // The keys skipped are read in their index's order (the page's own rows
            // are then put in order: a page's worth).
            let keys = crate::ledger::offset_keys_sql(&ls);
            let skipped =
                plan_with(&store, &keys, &binds, &["enable_sort", "enable_incremental_sort"]).await.join("\n");
            assert!(!sorts(store.backend(), &skipped), "a page by offset in its index's order:\n{skipped}");
            let sql = crate::ledger::projects_at_offset_sql(&ls);
            let plan = plan(&store, &sql, &binds).await.join("\n");
            // By offset, the rows skipped are keys from the index, not projects.
            let covered = match store.backend() {
                Backend::Sqlite => plan.contains("COVERING INDEX"),
                // An index-only scan once the visibility map is set (VACUUM); either way
                // the skipped rows are read through the key's index, without the columns.
                Backend::Postgres => {
                    plan.contains("Index Only Scan")
                        || plan.contains("projects_region_code_code_key on projects p")
                        || plan.contains(" on scope_projects k")
                        || plan.contains("projects_owner_key")
                }
            };
            assert!(covered, "a page by offset skips keys only:\n{plan}");
        }
    })
    .await;
}

/// The department with the most projects in its scope (one with a share of the
/// region, so that the planner has something to sort if no index gives the order).
async fn busiest_department(store: &Store) -> String {
    sqlx::query(
        "SELECT department_id FROM scope_projects GROUP BY department_id ORDER BY COUNT(*) DESC, department_id LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0)
}

#[tokio::test]
async fn the_public_record_reads_one_project() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let code = ["2016-152529-44-01-010000"];
        assert_indexed(&store, "the public project", crate::public::PUBLIC_PROJECT, &code).await;
        for (what, sql) in [
            ("its items", crate::public::PUBLIC_ITEMS),
            ("its applications", crate::public::PUBLIC_APPLICATIONS),
            ("its steps", crate::public::PUBLIC_EVENTS),
        ] {
            assert_indexed(&store, what, sql, &["x"]).await;
        }
    })
    .await;
}

#[tokio::test]
async fn dashboards_read_kept_counts() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        assert_indexed(&store, "projects in the library", crate::ledger::KEPT_LIBRARY, &["152529", "152530"]).await;
        assert_indexed(&store, "pending per department", crate::ledger::KEPT_PENDING, &["152529", "152530"]).await;
        assert_indexed(&store, "a department's pending items", crate::ledger::KEPT_DEPARTMENT_PENDING, &["d"]).await;
        assert_indexed(&store, "baseline progress", crate::baseline::BASELINE_GROUPS, &["c"]).await;
        assert_indexed(&store, "a department's projects", crate::ledger::KEPT_SCOPE_PROJECTS, &["d"]).await;
        let lines = crate::baseline::KEPT_LEDGER_LINES;
        assert_indexed(&store, "a department ledger's lines", lines, &["152529", "d"]).await;
        for department in ["", "d"] {
            assert_indexed(&store, "the burn-down's days", crate::baseline::BASELINE_DAYS, &[department, "c"]).await;
        }
        assert_indexed(&store, "the public statistics' days", crate::public::PUBLIC_DAYS, &[]).await;
    })
    .await;
}

#[tokio::test]
async fn lights_that_change_by_date_are_found_by_date() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        for (object_type, date, sql) in crate::messages::lights::clock_scans() {
            let what = format!("the light run's {object_type}s by {date}");
            let binds = ["2026-03-01", "", "2026-03-02", "#2000"];
            assert_indexed(&store, &what, &sql, &binds).await;
            // Pages by key in the index's order: a sort would read the whole window
            // for every page. (PostgreSQL sorts a handful of rows by choice; with
            // sorting turned off it still sorts if no index gives the order.)
            let plan = plan_with(&store, &sql, &binds, &["enable_sort"]).await.join("\n");
            assert!(!sorts(store.backend(), &plan), "{what} is sorted, not read in its index's order:\n{plan}");
        }
    })
    .await;
}

/// A PostgreSQL subplan that is hashed (run once, whole, before its rows are probed)
/// and reads a large table: its name.
fn hashed_large_subplan(plan: &[String]) -> Option<String> {
    let text = plan.join("\n");
    for (i, line) in plan.iter().enumerate() {
        let Some(name) = line.trim_start().strip_prefix("SubPlan ").map(|n| format!("SubPlan {n}")) else { continue };
        if !text.contains(&format!("hashed {name}")) {
            continue;
        }
        let depth = line.len() - line.trim_start().len();
        let block = plan[i + 1..].iter().take_while(|l| l.len() - l.trim_start().len() > depth);
        if block.into_iter().any(|l| LARGE.iter().any(|t| l.contains(&format!(" on {t} ")))) {
            return Some(name);
        }
    }
    None
}

/// A filtered library page reads a window of the library by its key, and tests each
/// project through indexes; a whole code is found by its index.
#[tokio::test]
async fn a_filtered_library_page_reads_its_window_by_key() {
    use qidi_core::project::LibraryQuery;
    on_each_backend(|store| async move {
        with_data(&store).await;
        let every = LibraryQuery {
            q: Some("风电".into()),
            department: Some("fgw".into()),
            item_type: Some("eia".into()),
            light: Some("red".into()),
            year: Some("2019".into()),
            stage: Some("not_started".into()),
        };
        let code = LibraryQuery { q: Some("2016-152529-44-01-010000".into()), ..Default::default() };
        let department = Scope::for_user(Role::DepartmentHead, &banner(), Some("fgw"), None);
        let word = LibraryQuery { q: Some("风电".into()), ..Default::default() };
        for (what, query) in [("a word", &word), ("every filter", &every), ("a code", &code)] {
            for scope in [office_scope(), department.clone()] {
                let filter = query.filter().unwrap();
                // A whole code is one project: nothing to page, no window to bound.
                let one = filter.code().is_some();
                for (sql, binds) in crate::library::plan_sqls(store.backend(), &scope, &filter) {
                    let what = format!("a library page by {what}");
                    assert_indexed(&store, &what, &sql, &strings(&binds)).await;
                    // Each project is tested by its own rows, never against every
                    // matching row of the region gathered first.
                    let plan = plan(&store, &sql, &strings(&binds)).await;
                    let hashed = hashed_large_subplan(&plan);
                    assert!(hashed.is_none(), "{what}: {hashed:?}\n{}", plan.join("\n"));
                    // The scan of the window stops at the window's end: SQLite bounds
                    // its search by the key's row on both sides, not by the region's
                    // range or the department's equality, which read on to their end.
                    if store.backend() == Backend::Sqlite && sql.contains(") <= (") && !one {
                        let text = plan.join("\n");
                        assert!(text.contains(")<(?"), "{what}: the window's end bounds the scan:\n{text}");
                    }
                    // PostgreSQL ends a scan on a row comparison's first column alone:
                    // the window's code range bounds it, its shared columns equalities.
                    // (A year that leads the region's key keeps the row comparisons.)
                    let year_leads = filter.year.is_some() && matches!(scope.limit, ScopeLimit::Region);
                    if store.backend() == Backend::Postgres && sql.contains(" <= ") && !one && !year_leads {
                        let text = plan.join("\n");
                        let bounded = text
                            .lines()
                            .any(|l| l.contains("Index Cond: ") && l.contains("(code > ") && l.contains("(code <= "));
                        assert!(bounded, "{what}: the window's end bounds the scan:\n{text}");
                    }
                    // A department's words are tested in the code's index, which holds
                    // name and unit, each scope row's project looked up there by its key
                    // (migrations 0033 and 0034), not on each project's row by its id, read
                    // in no useful order.
                    if matches!(scope.limit, ScopeLimit::Department(_))
                        && filter.like_pattern().is_some()
                        && sql.contains(" LIKE ")
                    {
                        let by_key = match store.backend() {
                            Backend::Sqlite => "USING COVERING INDEX projects_code_search (code=? AND region_code=?)",
                            Backend::Postgres => "Index Cond: ((region_code = k.region_code) AND (code = k.code))",
                        };
                        let text = plan.join("\n");
                        assert!(
                            text.contains(by_key),
                            "{what}: a department's words looked up by the project's key:\n{text}"
                        );
                    }
                    // In the key's index order: a department's scope is not gathered
                    // and sorted. (A whole code is one project: nothing to page.)
                    let plan = plan_with(&store, &sql, &strings(&binds), &["enable_sort", "enable_incremental_sort"])
                        .await
                        .join("\n");
                    assert!(one || !sorts(store.backend(), &plan), "{what} in its index's order:\n{plan}");
                }
            }
        }
        // A year is walked through its own index, in key order within the year (the
        // year leads the key's comparison, or PostgreSQL cannot bound the scan by it).
        let year = LibraryQuery { year: Some("2019".into()), ..Default::default() }.filter().unwrap();
        let sqls = crate::library::plan_sqls(store.backend(), &office_scope(), &year);
        for (sql, binds) in sqls {
            let plan = plan(&store, &sql, &strings(&binds)).await.join("\n");
            assert!(plan.contains("projects_year"), "a year's window by its index:\n{plan}");
        }
    })
    .await;
}

/// The light run's reminders, asked in its last write transaction (sign-ins wait for
/// it on SQLite), find the departments that must sign or report by probing their
/// items' index, never by reading the region's items.
#[tokio::test]
async fn the_light_runs_reminders_probe_each_departments_items() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        for (what, sql) in [
            ("departments that must sign", crate::messages::reminders::REGION_HANDLERS),
            ("departments that report", crate::progress_reports::REPORTING_DEPARTMENTS),
        ] {
            assert_indexed(&store, what, sql, &["152529"]).await;
            let plan = plan(&store, sql, &["152529"]).await.join("\n");
            let probed = match store.backend() {
                Backend::Sqlite => plan.contains("pending_items_dept (region_code=? AND handling_department_id=?"),
                Backend::Postgres => {
                    plan.contains("Index Cond: ((region_code = ") && plan.contains("handling_department_id = d.id")
                }
            };
            assert!(probed, "{what}: each department's items by the index:\n{plan}");
        }
    })
    .await;
}

/// A campaign's facts, on the office's and the leader's home pages, are probes of
/// indexes and reads of kept counts: never the region's items, projects or events, nor
/// every removal or baseline row of the campaign.
#[tokio::test]
async fn a_campaigns_facts_are_read_by_index() {
    use crate::campaigns::{
        FACTS_ACTED, FACTS_BASELINE, FACTS_HANDLING, FACTS_INITIATING, FACTS_LAST_REDUCED, FACTS_REMOVALS,
    };
    on_each_backend(|store| async move {
        with_data(&store).await;
        let campaign = store.campaign(&banner()).await.unwrap().id;
        for (what, sql, binds) in [
            ("departments handling items", FACTS_HANDLING, vec!["152529"]),
            ("departments initiating projects with items", FACTS_INITIATING, vec!["152529"]),
            ("each department's first step", FACTS_ACTED, vec!["152529", "2026-01-01"]),
            ("the baseline's rows", FACTS_BASELINE, vec![campaign.as_str()]),
            ("the last reduction", FACTS_LAST_REDUCED, vec![campaign.as_str()]),
            ("the removals", FACTS_REMOVALS, vec![campaign.as_str()]),
        ] {
            assert_indexed(&store, what, sql, &binds).await;
            let plan = plan(&store, sql, &binds).await.join("\n");
            let index = match what {
                "departments handling items" => "pending_items_dept",
                "departments initiating projects with items" => "projects_dept",
                "each department's first step" => "events_department_at",
                "the removals" => "removals_campaign_",
                _ => "",
            };
            assert!(plan.contains(index), "{what} through {index}:\n{plan}");
            assert!(
                !(plan.contains("SCAN r") || plan.contains("Seq Scan on removals")),
                "{what} reads every removal:\n{plan}"
            );
        }
    })
    .await;
}

/// A project unit's home (its projects, their applications, what awaits it), a
/// helper's, and a department's inbox reach the applications through the projects',
/// the helpers' and the awaiting applications' indexes, never by testing every
/// application or item of every region.
#[tokio::test]
async fn a_units_and_a_helpers_work_is_read_through_their_projects() {
    use crate::workflow::read::{inbox_sql, my_projects_sql};
    on_each_backend(|store| async move {
        with_data(&store).await;
        let unit = store.user_by_username("applicant").await.unwrap().expect("the demo's project unit");
        let helper = store.user_by_username("zrzy_handler").await.unwrap().expect("a demo handler");
        for (who, user) in [("a unit", &unit), ("a helper", &helper)] {
            let (items, applications, binds) = my_projects_sql(user);
            assert_indexed(&store, &format!("{who}'s items"), &items, &strings(&binds)).await;
            assert_indexed(&store, &format!("{who}'s applications"), &applications, &strings(&binds)).await;
        }
        for (who, user) in [("a unit", &unit), ("a department", &helper)] {
            let (sql, binds) = inbox_sql(store.backend(), user, &Default::default(), crate::today()).unwrap();
            assert_indexed(&store, &format!("what awaits {who}"), &sql, &strings(&binds)).await;
        }
        let (sql, binds) = crate::workflow::unit::unit_counts_sql(store.backend(), &unit, crate::today());
        assert_indexed(&store, "a unit's counts", &sql, &strings(&binds)).await;
        assert_through_projects(&store, "a unit's counts", &sql, &strings(&binds)).await;
        let (sql, binds) = inbox_sql(store.backend(), &unit, &Default::default(), crate::today()).unwrap();
        assert_through_projects(&store, "what awaits a unit", &sql, &strings(&binds)).await;
    })
    .await;
}

/// SQLite, which has no statistics, would rather find a unit's applications among every
/// region's that await it or a department, or walk them by deadline for each of the
/// unit's projects (indexes not led by a region, so not caught by [`assert_indexed`]):
/// each application is found through its project, or by its id from such a list.
async fn assert_through_projects(store: &Store, what: &str, sql: &str, binds: &[&str]) {
    if store.backend() != Backend::Sqlite {
        return;
    }
    let plan = plan(store, sql, binds).await;
    for l in plan.iter().map(|l| l.trim_start_matches(['|', '`', '-', ' '])) {
        if l.starts_with("SEARCH a ") {
            let by = l.ends_with("(project_id=?)")
                || l.ends_with("(id=?)")
                || l.ends_with("USING INTEGER PRIMARY KEY (rowid=?)");
            assert!(by, "{what}: the unit's applications through its projects:\n{}", plan.join("\n"));
        }
    }
}

/// Every role's home page counts what awaits it, and lists its first rows, through the
/// applications' own indexes: a department's by `(handling_department_id, awaiting,
/// due_on)`, the region's overdue ones by `(awaiting, due_on, region_code)`; only the
/// rows shown are joined. Nothing reads every application of the region.
#[tokio::test]
async fn a_home_pages_inbox_is_read_by_index() {
    use crate::workflow::read::inbox_head_sql;
    use qidi_core::light::Light;
    use qidi_core::workflow::inbox::InboxFilter;
    on_each_backend(|store| async move {
        with_data(&store).await;
        let calendar = store.work_calendar().await.unwrap();
        let today = crate::today();
        let red = InboxFilter { light: Some(Light::Red), ..Default::default() };
        let all = InboxFilter::default();
        for (name, filter) in [
            ("office", &red),
            ("leader", &red),
            ("inspector", &red),
            ("fgw_head", &red),
            ("fgw_head", &all),
            ("zrzy_handler", &all),
            ("applicant", &all),
        ] {
            let user = store.user_by_username(name).await.unwrap().expect("a demo account");
            let among = if name == "inspector" { vec![busiest_department(&store).await] } else { Vec::new() };
            let q = inbox_head_sql(store.backend(), &user, filter, &among, 10, &calendar, today).unwrap();
            let what = format!("{name}'s home page ({:?})", filter.light);
            assert_indexed(&store, &format!("{what}: counts"), &q.counts, &strings(&q.count_binds)).await;
            assert_indexed(&store, &format!("{what}: first rows"), &q.rows, &strings(&q.row_binds)).await;
            if name == "applicant" {
                assert_through_projects(&store, &format!("{what}: counts"), &q.counts, &strings(&q.count_binds)).await;
                assert_through_projects(&store, &format!("{what}: first rows"), &q.rows, &strings(&q.row_binds)).await;
            }
        }
    })
    .await;
}

/// The check itself fails on a query that reads a whole table.
#[tokio::test]
async fn a_full_scan_is_caught() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let sql = "SELECT p.id FROM projects p WHERE p.name LIKE $1";
        let plan = plan(&store, sql, &["%风电%"]).await.join("\n");
        let caught = match store.backend() {
            Backend::Sqlite => plan.contains("SCAN p"),
            Backend::Postgres => plan.contains("Seq Scan on projects"),
        };
        assert!(caught, "a scan of every project shows in the plan:\n{plan}");
    })
    .await;
}

/// A department's scope (its ledger page, its summary) finds its projects and items
/// through the department indexes, not by reading the whole region.
#[tokio::test]
async fn a_departments_scope_reads_its_own_rows() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let scope = Scope::for_user(Role::Handler, &banner(), Some("d"), None);
        let ps = project_scope(&scope, 1);
        let sql = format!("SELECT p.id FROM projects p WHERE {}", ps.sql);
        assert_indexed(&store, "a department's projects", &sql, &strings(&ps.binds)).await;
        let is = item_scope(&scope, 1);
        let sql = format!(
            "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id WHERE i.status = 'pending' AND {}",
            is.sql
        );
        assert_indexed(&store, "a department's items", &sql, &strings(&is.binds)).await;
    })
    .await;
}

/// A ledger page's removals walk the region's removals newest first through their own
/// index and stop at the page's length; they never read every removal of the region.
#[tokio::test]
async fn a_ledger_pages_removals_walk_their_index() {
    on_each_backend(|store| async move {
        with_data(&store).await;
        let sql = crate::baseline::removals_sql();
        for department in ["", "d"] {
            let binds = ["152529", department, "#50"];
            assert_indexed(&store, "a ledger page's removals", &sql, &binds).await;
            let plan = plan(&store, &sql, &binds).await.join("\n");
            assert!(plan.contains("removals_region_proposed"), "the removals' index:\n{plan}");
            if store.backend() == Backend::Sqlite {
                assert!(!plan.contains("SCAN r"), "no scan of the removals:\n{plan}");
            }
        }
    })
    .await;
}

/// A department's baseline table, with every filter and each order, finds the
/// department's rows through its scope (`scope_projects`), each project's items by
/// project and their baseline rows by (campaign, item): never the whole campaign's
/// rows, nor a whole table. All-of-the-region (no department) reads the campaign's rows
/// by their key.
#[tokio::test]
async fn a_baseline_tables_filters_read_the_departments_rows() {
    use qidi_core::ledger::{BaselineFilter, BaselineSort, BaselineSource, BaselineStatus};
    on_each_backend(|store| async move {
        with_data(&store).await;
        // The demo's own campaign and department, so that PostgreSQL plans from what it
        // knows of them (an unknown campaign would look like no rows at all).
        let campaign = store.campaign(&banner()).await.unwrap().id;
        // A department with a share of the region's projects, as most are (one whose
        // scope is nearly every project may rightly walk the projects in code order).
        let department: String = sqlx::query(
            "SELECT department_id FROM scope_projects GROUP BY department_id ORDER BY COUNT(*), department_id LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        // The demo signs no ledger: every item joins the baseline here, as once the
        // ledgers are signed, and PostgreSQL learns how many rows the campaign has.
        sqlx::query(
            "INSERT INTO baseline_items (id, region_code, campaign_id, pending_item_id, is_addition, added_on, added_at)
             SELECT 'b-' || i.id, i.region_code, $1, i.id, $2, '2026-01-05', '2026-01-05T09:00:00+08:00'
             FROM pending_items i",
        )
        .bind(&campaign)
        .bind(true)
        .execute(store.pool())
        .await
        .unwrap();
        if store.backend() == Backend::Postgres {
            sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
        }
        let every = BaselineFilter {
            status: Some(BaselineStatus::Pending),
            item_type_id: Some("t".into()),
            handling_department_id: Some("h".into()),
            source: Some(BaselineSource::Addition),
            text: Some("风电".into()),
            ..Default::default()
        };
        let reduced = BaselineFilter {
            status: Some(BaselineStatus::Reduced),
            source: Some(BaselineSource::Signed),
            ..Default::default()
        };
        for filter in [BaselineFilter::default(), every, reduced] {
            for sort in BaselineSort::ALL {
                let filter = BaselineFilter { sort, ..filter.clone() };
                let (count, rows, mut binds) = Store::baseline_rows_sql(true, &filter);
                binds[0] = campaign.clone();
                binds[1] = department.clone();
                let what = format!("a department's baseline rows ({filter:?})");
                assert_indexed(&store, &what, &count, &strings(&binds)).await;
                let mut page = strings(&binds);
                page.extend(["#200", "#0"]);
                assert_indexed(&store, &what, &rows, &page).await;
                let plan = plan(&store, &rows, &page).await.join("\n");
                let by_scope = match store.backend() {
                    Backend::Sqlite => plan.contains("SEARCH s USING") && !plan.contains("(campaign_id=?)"),
                    // No row here is reduced (the database lets only a grant or an approved
                    // removal reduce one), so PostgreSQL rightly expects to find none,
                    // wherever it looks; that filter's plan is only checked for scans.
                    Backend::Postgres => {
                        plan.contains("scope_projects_pkey")
                            || plan.contains("scope_projects_key")
                            || filter.status == Some(BaselineStatus::Reduced)
                    }
                };
                assert!(by_scope, "{what} through the department's scope:\n{plan}");
                // By code, the page is read in the scope key's order and stops after its
                // rows; only each project's few items are sorted.
                if filter.sort == BaselineSort::Code && store.backend() == Backend::Sqlite {
                    assert!(
                        plan.contains("scope_projects_key") && !plan.contains("TEMP B-TREE FOR ORDER BY"),
                        "{what} in the scope key's order:\n{plan}"
                    );
                }
            }
        }
        let (count, _, mut binds) = Store::baseline_rows_sql(false, &BaselineFilter::default());
        binds[0] = campaign.clone();
        assert_indexed(&store, "all baseline rows", &count, &strings(&binds)).await;
    })
    .await;
}

/// An import looks up what the database holds of the file's own projects, their items
/// and units, a chunk at a time through their keys: never the region's whole ledger.
#[tokio::test]
async fn an_import_looks_up_the_files_own_rows() {
    use crate::ledger_import::{stored_items_sql, stored_owners_sql, stored_projects_sql};
    on_each_backend(|store| async move {
        with_data(&store).await;
        let r = sqlx::query(
            "SELECT p.region_code, p.code, p.id, o.name FROM projects p JOIN owners o ON o.id = p.owner_id LIMIT 2",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        let text = |i: usize, c: usize| r[i].get::<String, _>(c);
        let (region, codes, ids, owners) =
            (text(0, 0), [text(0, 1), text(1, 1)], [text(0, 2), text(1, 2)], [text(0, 3), text(1, 3)]);
        let binds = |first: Option<&str>, rest: &[String]| -> Vec<String> {
            first.map(str::to_string).into_iter().chain(rest.iter().cloned()).collect()
        };
        let b = binds(Some(&region), &codes);
        assert_indexed(&store, "an import's projects", &stored_projects_sql(2), &strings(&b)).await;
        let b = binds(None, &ids);
        assert_indexed(&store, "an import's items", &stored_items_sql(2), &strings(&b)).await;
        let b = binds(Some(&region), &owners);
        assert_indexed(&store, "an import's units", &stored_owners_sql(2), &strings(&b)).await;
    })
    .await;
}
