//! The daily light run at region scale, against a bare scan of the same rows.
//!
//! Builds N open application clocks (default 1,000,000) whose due dates spread over
//! 400 days, with their projects and pending items, in bulk SQL. Then, in one run:
//! - the baseline: one SQL statement that reads every open clock and counts those
//!   yellow or red today (what a run that scanned all clocks would at least cost);
//! - the light run of three consecutive working days, each after the previous day's
//!   run, as the scheduler makes them.
//!
//! `cargo bench -p qidi-store --bench light_run -- [N] [DATABASE_URL]` (SQLite in a
//! temporary file when no URL is given). A plain binary (`harness = false`).

use qidi_core::Role;
use qidi_store::testing::{banner, fresh_sqlite_url, migrated_store, test_user};
use qidi_store::{Backend, Store};
use sqlx::Row;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn build(store: &Store, n: i64) {
    store.seed_catalogue(&banner()).await.unwrap();
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    test_user(store, "zrzy_h", Role::Handler, Some("zrzy"), None, Some("h@example.cn")).await;
    test_user(store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None, None).await;
    test_user(store, "office", Role::Office, None, None, None).await;
    let dept = store.department_id(&banner(), "zrzy").await.unwrap();
    let fgw = store.department_id(&banner(), "fgw").await.unwrap();
    let item_type: String = sqlx::query("SELECT id FROM item_types WHERE code = 'land_pre_review'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    let (series, day) = match store.backend() {
        Backend::Sqlite => (
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) SELECT i FROM n",
            "date('2026-01-01', '+' || (i % 400) || ' days')",
        ),
        Backend::Postgres => (
            "SELECT generate_series(0, $1 - 1)::BIGINT AS i",
            "to_char(DATE '2026-01-01' + (i % 400)::INT, 'YYYY-MM-DD')",
        ),
    };
    let warn = day.replace("(i % 400)", "(i % 400 - 3)");
    let statements = [
        format!(
            "INSERT INTO projects (id, region_code, code, name, owner_id, initiating_department_id, stage, in_library, created_at, updated_at)
             SELECT 'p' || i, '152529', '2026-152529-44-01-' || i, '项目' || i, '{owner}', '{fgw}', 'not_started', TRUE,
                    '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00'
             FROM ({series}) s"
        ),
        format!(
            "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
             SELECT 'i' || i, '152529', 'p' || i, '{item_type}', '{dept}', 'pending', '2026-01-01T00:00:00+08:00' FROM ({series}) s"
        ),
        format!(
            "INSERT INTO applications (id, region_code, pending_item_id, project_id, state, due_on, warn_on, version,
                 created_at, updated_at, clock_kind, awaiting)
             SELECT 'a' || i, '152529', 'i' || i, 'p' || i, 'under_review', {day}, {warn}, 2,
                    '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00', 'review', 'department'
             FROM ({series}) s"
        ),
    ];
    for sql in statements {
        let t = Instant::now();
        sqlx::query(&sql).bind(n).execute(store.pool()).await.unwrap_or_else(|e| panic!("{e}: {sql}"));
        eprintln!(
            "built in {:.1} s: {}",
            t.elapsed().as_secs_f64(),
            sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
    sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let n: i64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let url = args.get(1).cloned().unwrap_or_else(fresh_sqlite_url);
    let store = migrated_store(&url).await;
    println!("backend: {:?}, open clocks: {n}", store.backend());
    build(&store, n).await;
    let run_days = ["2026-06-01", "2026-06-02", "2026-06-03"];
    // The previous morning's run, so each run covers one day as in production.
    sqlx::query("INSERT INTO job_runs (job, run_on, ran_at, worker) VALUES ('lights', '2026-05-29', '2026-05-29T09:00:00+08:00', 'bench')")
        .execute(store.pool())
        .await
        .unwrap();
    let mut scans = Vec::new();
    let mut runs = Vec::new();
    for d in run_days {
        let t = Instant::now();
        let lit: i64 = sqlx::query(
            "SELECT COUNT(*) FROM applications WHERE closed_at IS NULL AND paused_since IS NULL AND (due_on < $1 OR warn_on <= $1)",
        )
        .bind(d)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        scans.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let run = store.run_lights(d.parse().unwrap(), "bench").await.unwrap().expect("a run per day");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        runs.push(ms);
        println!(
            "{d}: bare scan {:.1} ms ({lit} lit of {n}); light run {ms:.1} ms ({} changes, {} messages written)",
            scans.last().unwrap(),
            run.changes,
            run.written
        );
    }
    println!("median: bare scan {:.1} ms, light run {:.1} ms", median(scans), median(runs));
    store.close().await;
}
