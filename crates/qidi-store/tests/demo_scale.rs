//! The region-scale generator on both backends: N more projects on top of the demo, with
//! items in both statuses, ledger deadlines of every colour today, a baseline partly
//! reduced, applications whose histories replay, and a record that still verifies; run
//! twice, N more without a code collision. Also a league, spread over its banners.

use qidi_core::light::{light, Light};
use qidi_core::RegionCode;
use qidi_store::testing::{banner, on_each_backend};
use qidi_store::Store;
use sqlx::Row;
use std::collections::BTreeSet;

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

async fn verifies(store: &Store) {
    let verdict = store.verify_audit_chain(vec![]).await.expect("verify reads the database");
    assert!(verdict.is_ok(), "the record verifies: {verdict:?}");
}

#[tokio::test]
async fn generated_projects_on_top_of_the_demo() {
    on_each_backend(|store| async move {
        let region = banner();
        store.load_demo(&region).await.unwrap();
        let before = count(&store, "SELECT COUNT(*) FROM projects").await;
        let mut seen = Vec::new();
        let report = store.generate_projects(&region, 300, |n| seen.push(n)).await.unwrap();
        assert_eq!(seen.last(), Some(&300));
        assert_eq!(report.projects, 300);
        assert_eq!(report.regions, vec![("152529".to_string(), 300)]);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, before + 300);
        assert_eq!(count(&store, "SELECT COUNT(DISTINCT owner_id) FROM projects WHERE code LIKE '%-1_____'").await, 15);

        // Items in both statuses the schema allows.
        let statuses: BTreeSet<String> = sqlx::query("SELECT DISTINCT status FROM pending_items")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(statuses, BTreeSet::from(["granted".to_string(), "pending".to_string()]));
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM pending_items WHERE status = 'granted'").await,
            report.granted as i64
        );

        // Every colour among pending items' ledger deadlines today.
        let today = qidi_store::today();
        let mut colours = BTreeSet::new();
        for r in sqlx::query("SELECT due_on, warn_on FROM pending_items WHERE status = 'pending' AND due_on IS NOT NULL")
            .fetch_all(store.pool())
            .await
            .unwrap()
        {
            let due = r.get::<String, _>(0).parse().unwrap();
            let warn = r.get::<Option<String>, _>(1).map_or(due, |w| w.parse().unwrap());
            colours.insert(light(today, due, warn));
        }
        assert_eq!(colours, BTreeSet::from([Light::Green, Light::Yellow, Light::Red]));

        // The baseline: rows for most items, some reduced by approval, dates spread.
        let rows = count(&store, "SELECT COUNT(*) FROM baseline_items").await;
        assert!(rows as u64 >= report.baseline_items && report.baseline_items > 500, "{report:?}");
        assert!(report.baseline_approved > 10, "{report:?}");
        let days = count(
            &store,
            "SELECT COUNT(DISTINCT reduced_on) FROM baseline_items WHERE reduction = 'approved'",
        )
        .await;
        assert!(days > 5, "reductions spread over days: {days}");
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                 WHERE b.reduction = 'approved' AND i.status <> 'granted'"
            )
            .await,
            0
        );

        // Applications with their history, in several states; their lamps are computed.
        assert!(report.applications > 0, "{report:?}");
        let generated_apps = count(
            &store,
            "SELECT COUNT(*) FROM applications a WHERE EXISTS
                 (SELECT 1 FROM events e WHERE e.object_type = 'application' AND e.object_id = a.id AND e.actor_id IS NULL
                  AND e.action = 'application.create')",
        )
        .await;
        assert_eq!(generated_apps as u64, report.applications);
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM applications a WHERE NOT EXISTS
                     (SELECT 1 FROM events e WHERE e.object_type = 'application' AND e.object_id = a.id)"
            )
            .await,
            0
        );
        assert!(count(&store, "SELECT COUNT(DISTINCT state) FROM applications").await >= 3);
        assert!(count(&store, "SELECT COUNT(*) FROM outside_approvals").await as u64 == report.outside_approvals);

        // Each generated application reads back as the workflow shows it: its record
        // replays to the state stored on its row.
        let office = qidi_store::testing::test_user(&store, "scale_office", qidi_core::Role::Office, None, None, None).await;
        let apps = sqlx::query("SELECT id, state FROM applications").fetch_all(store.pool()).await.unwrap();
        for r in &apps {
            let (id, state): (String, String) = (r.get(0), r.get(1));
            let detail = store.application_detail(&office, &id).await.unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(detail.view.state.as_str(), state, "application {id}");
        }

        verifies(&store).await;

        // Again: 300 more, no code taken twice.
        let again = store.generate_projects(&region, 300, |_| {}).await.unwrap();
        assert_eq!(again.projects, 300);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, before + 600);
        assert_eq!(count(&store, "SELECT COUNT(DISTINCT code) FROM projects").await, before + 600);
        verifies(&store).await;
        // Rows written many to a statement keep their counts too (PostgreSQL fires the
        // row triggers after the whole statement).
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_league_spreads_its_projects_over_its_banners() {
    on_each_backend(|store| async move {
        let league = RegionCode::parse("152500").unwrap();
        let report = store.generate_projects(&league, 130, |_| {}).await.unwrap();
        assert_eq!(report.projects, 130);
        assert_eq!(report.regions.len(), 12, "{:?}", report.regions);
        assert_eq!(report.regions.iter().map(|(_, n)| n).sum::<u64>(), 130);
        assert_eq!(count(&store, "SELECT COUNT(DISTINCT region_code) FROM projects").await, 12);
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM pending_items i JOIN departments d ON d.id = i.handling_department_id
                 WHERE d.region_code <> i.region_code"
            )
            .await,
            0
        );
        verifies(&store).await;
    })
    .await;
}

/// After a bulk load the store settles: on PostgreSQL the tables are vacuumed and
/// analyzed at once (so an index-only scan reads no table page), on SQLite nothing
/// changes (it plans without statistics unless asked).
#[tokio::test]
async fn a_bulk_load_settles() {
    on_each_backend(|store| async move {
        store.load_demo(&banner()).await.unwrap();
        store.generate_projects(&banner(), 50, |_| {}).await.unwrap();
        store.settle().await.unwrap();
        match store.backend() {
            qidi_store::Backend::Postgres => {
                let vacuumed: i64 = sqlx::query(
                    "SELECT COUNT(*) FROM pg_stat_user_tables
                     WHERE relname IN ('projects', 'pending_items') AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL",
                )
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
                assert_eq!(vacuumed, 2, "projects and pending items vacuumed and analyzed");
            }
            qidi_store::Backend::Sqlite => {
                let stats: i64 = sqlx::query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
                    .get(0);
                assert_eq!(stats, 0, "SQLite keeps planning without statistics");
            }
        }
    })
    .await;
}
