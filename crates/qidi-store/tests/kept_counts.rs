//! Kept counts (region scale): the dashboards' figures are kept by triggers in the same
//! transaction as each change, equal a full recount after the demo's history, and
//! `check_counts` finds and repairs what is wrong.

use qidi_core::role::Scope;
use qidi_core::Role;
use qidi_store::testing::{assert_kept_counts, banner, on_each_backend};
use sqlx::Row;

/// The demo banner with its applications and their history.
async fn demo_with_applications(store: &qidi_store::Store) {
    store.load_demo(&banner()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("qidi-kept-{}", qidi_store::new_id()));
    assert!(store.load_demo_applications(&banner(), &dir).await.unwrap() > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_demo_history_keeps_its_counts_and_a_region_summary_reads_them() {
    on_each_backend(|store| async move {
        demo_with_applications(&store).await;
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

/// Each application carries its item's handling department (by which a department's
/// inbox is read): a wrong copy is found, counted per department, and set again from the
/// item by a repair.
#[tokio::test]
async fn an_applications_wrong_department_is_found_and_repaired() {
    on_each_backend(|store| async move {
        demo_with_applications(&store).await;
        let (app, right, wrong): (String, String, String) = {
            let r = sqlx::query(
                "SELECT a.id, i.handling_department_id, d.id FROM applications a
                 JOIN pending_items i ON i.id = a.pending_item_id
                 JOIN departments d ON d.region_code = a.region_code AND d.id <> i.handling_department_id
                 ORDER BY a.id, d.id LIMIT 1",
            )
            .fetch_one(store.pool())
            .await
            .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        // Written past the triggers, as a restore of an old copy or a hand edit would.
        sqlx::query("UPDATE applications SET handling_department_id = $1 WHERE id = $2")
            .bind(&wrong)
            .bind(&app)
            .execute(store.pool())
            .await
            .unwrap();

        let dry = store.check_counts(false).await.unwrap();
        assert_eq!(dry.mismatches.len(), 2, "{:#?}", dry.mismatches);
        assert!(dry.mismatches.iter().all(|m| m.table == "applications"));
        let of = |dept: &str| dry.mismatches.iter().find(|m| m.key == dept).unwrap();
        assert_eq!(of(&right).kept[0] + 1, of(&right).counted[0]);
        assert_eq!(of(&wrong).kept[0], of(&wrong).counted[0] + 1);

        let fixed = store.check_counts(true).await.unwrap();
        assert!(fixed.repaired);
        assert_kept_counts(&store).await;
        let now: String = sqlx::query("SELECT handling_department_id FROM applications WHERE id = $1")
            .bind(&app)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(now, right);
    })
    .await;
}

/// A department's projects (initiated by it, or with an item it handles) on its home
/// page: the kept count equals the library's own list of its scope, through an item
/// handed to another department, a project passed to another initiating department
/// and taken out of the library in one statement, and a project put back.
#[tokio::test]
async fn a_departments_projects_are_kept_through_every_change() {
    on_each_backend(|store| async move {
        store.load_demo(&banner()).await.unwrap();
        let departments: Vec<(String, String)> =
            sqlx::query("SELECT id, code FROM departments WHERE region_code = $1 ORDER BY code")
                .bind(banner().as_str())
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        let check = |label: &'static str| {
            let store = store.clone();
            let departments = departments.clone();
            async move {
                for (id, code) in &departments {
                    let scope = Scope::for_user(Role::DepartmentHead, &banner(), Some(id), None);
                    let listed = store.list_projects(&scope, 1_000_000, 0).await.unwrap();
                    let live = listed.iter().filter(|p| p.in_library).count() as i64;
                    let kept = store.ledger_summary(&scope).await.unwrap().projects;
                    assert_eq!(kept, live, "{label}: department {code}");
                }
                assert_kept_counts(&store).await;
            }
        };
        check("the demo").await;
        let busy = &departments.iter().find(|(_, c)| c == "fgw").unwrap().0;
        let other = &departments.iter().find(|(_, c)| c == "zrzy").unwrap().0;
        let before = store
            .ledger_summary(&Scope::for_user(Role::DepartmentHead, &banner(), Some(busy), None))
            .await
            .unwrap()
            .projects;
        assert!(before > 0);

        // An item of a project handed from one department to another.
        sqlx::query(
            "UPDATE pending_items SET handling_department_id = $1
             WHERE id = (SELECT id FROM pending_items WHERE handling_department_id <> $1 ORDER BY id LIMIT 1)",
        )
        .bind(other)
        .execute(store.pool())
        .await
        .unwrap();
        check("an item handed over").await;

        // Projects of the busy department passed to another and out of the library at
        // once (by an approved removal, as the guard requires), then back into the library.
        let moved: Vec<String> =
            sqlx::query("SELECT id FROM projects WHERE initiating_department_id = $1 ORDER BY code LIMIT 3")
                .bind(busy)
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
        // The region's campaign, which the removals belong to.
        store.campaign(&banner()).await.unwrap();
        for p in &moved {
            sqlx::query(
                "INSERT INTO removals (id, region_code, campaign_id, kind, project_id, reason_category, reason_text,
                                       proposed_at, decision)
                 SELECT $1, $2, id, 'project', $3, 'other', '不再建设', $4, 'approved' FROM campaigns LIMIT 1",
            )
            .bind(qidi_store::new_id())
            .bind(banner().as_str())
            .bind(p)
            .bind(qidi_store::now_text())
            .execute(store.pool())
            .await
            .unwrap();
        }
        sqlx::query(
            "UPDATE projects SET initiating_department_id = $1, in_library = FALSE
             WHERE id IN (SELECT id FROM projects WHERE initiating_department_id = $2 ORDER BY code LIMIT 3)",
        )
        .bind(other)
        .bind(busy)
        .execute(store.pool())
        .await
        .unwrap();
        check("passed on and out of the library").await;
        sqlx::query("UPDATE projects SET in_library = TRUE").execute(store.pool()).await.unwrap();
        check("back in the library").await;
    })
    .await;
}

/// A department's baseline table counts from the kept groups whatever filter they can
/// answer (status, source, handling department), and gets the same figure as counting
/// its rows: a text that every project code holds (`-`) makes the store count the rows.
#[tokio::test]
async fn a_baseline_tables_count_from_the_kept_groups_equals_its_rows() {
    use qidi_core::ledger::{BaselineFilter, BaselineSource, BaselineStatus};
    on_each_backend(|store| async move {
        demo_with_applications(&store).await;
        let departments: Vec<String> = sqlx::query("SELECT id FROM departments WHERE region_code = $1 ORDER BY code")
            .bind(banner().as_str())
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut handlings: Vec<Option<String>> = departments.iter().cloned().map(Some).collect();
        handlings.push(None);
        let (mut compared, mut nonzero) = (0, 0);
        for department in departments.iter().map(Some).chain([None]) {
            for status in [None, Some(BaselineStatus::Pending), Some(BaselineStatus::Reduced)] {
                for source in [None, Some(BaselineSource::Signed), Some(BaselineSource::Addition)] {
                    for handling in &handlings {
                        let filter = BaselineFilter {
                            status,
                            source,
                            handling_department_id: handling.clone(),
                            ..Default::default()
                        };
                        let counted = BaselineFilter { text: Some("-".into()), ..filter.clone() };
                        assert!(filter.counted_by_groups() && !counted.counted_by_groups());
                        let n = |f: BaselineFilter| {
                            let store = &store;
                            async move {
                                store
                                    .baseline_rows_filtered(&banner(), department.map(String::as_str), &f, 0, 0)
                                    .await
                                    .unwrap()
                                    .1
                            }
                        };
                        let (kept, rows) = (n(filter.clone()).await, n(counted).await);
                        assert_eq!(kept, rows, "{department:?} {filter:?}");
                        compared += 1;
                        nonzero += usize::from(kept > 0);
                    }
                }
            }
        }
        // The demo has signed rows and additions, reduced and not, in several departments.
        assert!(nonzero > 50, "{nonzero} of {compared} filters kept any row");
        let reduced = BaselineFilter { status: Some(BaselineStatus::Reduced), ..Default::default() };
        assert!(store.baseline_rows_filtered(&banner(), None, &reduced, 0, 0).await.unwrap().1 > 0);
    })
    .await;
}
