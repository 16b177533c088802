//! Kept counts (region scale): the dashboards' figures are kept by triggers in the same
//! transaction as each change, equal a full recount after the demo's history, and
//! `check_counts` finds and repairs what is wrong.

use qidi_core::role::Scope;
use qidi_core::Role;
use qidi_store::testing::{assert_kept_counts, banner, on_each_backend};
use sqlx::Row;

#[tokio::test]
async fn the_demo_history_keeps_its_counts_and_a_region_summary_reads_them() {
    on_each_backend(|store| async move {
        store.load_demo(&banner()).await.unwrap();
        let dir = std::env::temp_dir().join(format!("qidi-kept-{}", qidi_store::new_id()));
        assert!(store.load_demo_applications(&banner(), &dir).await.unwrap() > 0);
        let _ = std::fs::remove_dir_all(&dir);
        assert_kept_counts(&store).await;

        // The region's summary (kept) equals the counts the departments get from
        // their own rows: every department's figure, summed over departments.
        let office = Scope::for_user(Role::Office, &banner(), None, None);
        let kept = store.ledger_summary(&office).await.unwrap();
        assert_eq!(kept.projects, qidi_store::demo::DEMO_PROJECTS as i64);
        let live: i64 = sqlx::query(
            "SELECT COUNT(*) FROM pending_items i JOIN projects p ON p.id = i.project_id
             WHERE i.status = 'pending' AND p.in_library = TRUE",
        )
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        assert_eq!(kept.pending_items, live);
        for d in &kept.by_department {
            let (items, projects): (i64, i64) = {
                let r = sqlx::query(
                    "SELECT COUNT(*), COUNT(DISTINCT i.project_id) FROM pending_items i JOIN projects p ON p.id = i.project_id
                     WHERE i.status = 'pending' AND p.in_library = TRUE AND i.handling_department_id = $1",
                )
                .bind(&d.department_id)
                .fetch_one(store.pool())
                .await
                .unwrap();
                (r.get(0), r.get(1))
            };
            assert_eq!((d.pending_items, d.projects), (items, projects), "{}", d.department);
        }

        // An item found later (补录) is counted at once, in its handling department.
        let (pid, type_id, dept): (String, String, String) = {
            let r = sqlx::query(
                "SELECT p.id, t.id, t.department_id FROM projects p, item_types t
                 WHERE t.region_code = p.region_code
                   AND NOT EXISTS (SELECT 1 FROM pending_items i WHERE i.project_id = p.id AND i.item_type_id = t.id)
                 ORDER BY p.code, t.code LIMIT 1",
            )
            .fetch_one(store.pool())
            .await
            .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        let office_user = store.user_by_username("office").await.unwrap().unwrap();
        let new = qidi_store::baseline::NewPendingItem { item_type_id: type_id, ..Default::default() };
        store.add_pending_item(&office_user, &pid, &new).await.unwrap();
        let after = store.ledger_summary(&office).await.unwrap();
        assert_eq!(after.pending_items, kept.pending_items + 1);
        let of = |s: &qidi_store::ledger::LedgerSummary| {
            s.by_department.iter().find(|d| d.department_id == dept).map_or(0, |d| d.pending_items)
        };
        assert_eq!(of(&after), of(&kept) + 1);
        assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_wrong_kept_count_is_found_and_repaired() {
    on_each_backend(|store| async move {
        store.load_demo(&banner()).await.unwrap();
        sqlx::query(
            "UPDATE pending_counts SET pending_items = pending_items + 7
             WHERE (initiating_department_id, department_id) IN (
                 SELECT initiating_department_id, department_id FROM pending_counts
                 ORDER BY initiating_department_id, department_id LIMIT 1)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query("DELETE FROM library_counts").execute(store.pool()).await.unwrap();

        let dry = store.check_counts(false).await.unwrap();
        assert_eq!(dry.mismatches.len(), 2, "{:#?}", dry.mismatches);
        assert!(!dry.repaired);
        let tables: Vec<&str> = dry.mismatches.iter().map(|m| m.table.as_str()).collect();
        assert!(tables.contains(&"pending_counts") && tables.contains(&"library_counts"));
        let wrong = dry.mismatches.iter().find(|m| m.table == "pending_counts").unwrap();
        assert_eq!(wrong.kept[0], wrong.counted[0] + 7);
        // A dry run changed nothing.
        assert_eq!(store.check_counts(false).await.unwrap().mismatches.len(), 2);

        let fixed = store.check_counts(true).await.unwrap();
        assert!(fixed.repaired && fixed.mismatches.len() == 2);
        assert_kept_counts(&store).await;
        let office = Scope::for_user(Role::Office, &banner(), None, None);
        assert_eq!(store.ledger_summary(&office).await.unwrap().projects, qidi_store::demo::DEMO_PROJECTS as i64);
    })
    .await;
}
