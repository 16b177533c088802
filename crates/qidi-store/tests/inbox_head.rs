//! A dashboard's head of an inbox (`Store::inbox_head`), on both backends and on
//! generated data with lights of every colour: its counts and first rows are those of
//! the inbox itself (`Store::inbox_filtered`) for each role, by light and by
//! department; and each application carries its item's handling department, which
//! follows the item when it is given to another department.

use qidi_core::light::{DueSoon, Light};
use qidi_core::workflow::inbox::InboxFilter;
use qidi_store::testing::{banner, on_each_backend};
use qidi_store::users::User;
use qidi_store::workflow::ApplicationRow;
use qidi_store::Store;
use sqlx::Row;

async fn demo_user(store: &Store, name: &str) -> User {
    store.user_by_username(name).await.unwrap().unwrap_or_else(|| panic!("the demo has {name}"))
}

/// Applications whose handling department is not their item's.
async fn strays(store: &Store) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) FROM applications a JOIN pending_items i ON i.id = a.pending_item_id
         WHERE a.handling_department_id IS NULL OR a.handling_department_id <> i.handling_department_id",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0)
}

/// The head checked against the inbox read whole: counts and the first `shown` rows.
async fn same_as_inbox(store: &Store, user: &User, filter: &InboxFilter, among: &[String], shown: usize) -> usize {
    let (all, capped) = store.inbox_filtered(user, filter).await.unwrap();
    assert!(!capped, "the test's inbox is under the limit");
    let all: Vec<ApplicationRow> =
        all.into_iter().filter(|a| among.is_empty() || among.contains(&a.handling_department_id)).collect();
    let head = store.inbox_head(user, filter, among, shown).await.unwrap();
    let calendar = store.work_calendar().await.unwrap();
    let today = qidi_store::today();
    let soon = |k: DueSoon| {
        all.iter()
            .filter(|r| r.paused_since.is_none() && r.due_on.and_then(|d| DueSoon::of(&calendar, d, today)) == Some(k))
            .count()
    };
    let who = format!("{} with {filter:?} among {among:?}", user.username);
    assert_eq!(head.total, all.len(), "{who}: total");
    assert_eq!(head.red, all.iter().filter(|a| a.light == Some(Light::Red)).count(), "{who}: red");
    assert_eq!(head.due_today, soon(DueSoon::Today), "{who}: due today");
    assert_eq!(head.due_next_working_day, soon(DueSoon::NextWorkingDay), "{who}: due next working day");
    let ids = |rows: &[ApplicationRow]| rows.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&head.rows), ids(&all[..all.len().min(shown)]), "{who}: first rows");
    all.len()
}

#[tokio::test]
async fn a_dashboards_head_is_the_inboxs_own() {
    on_each_backend(|store| async move {
        let region = banner();
        store.load_demo(&region).await.unwrap();
        store.generate_projects(&region, 300, |_| {}).await.unwrap();
        assert_eq!(strays(&store).await, 0, "every generated application carries its item's department");

        let red = InboxFilter { light: Some(Light::Red), ..Default::default() };
        let yellow = InboxFilter { light: Some(Light::Yellow), ..Default::default() };
        let mut seen_red = 0;
        for name in ["office", "leader", "inspector", "fgw_head", "zrzy_handler", "slj_handler", "applicant"] {
            let user = demo_user(&store, name).await;
            for shown in [1, 10] {
                same_as_inbox(&store, &user, &Default::default(), &[], shown).await;
                seen_red += same_as_inbox(&store, &user, &red, &[], shown).await;
                same_as_inbox(&store, &user, &yellow, &[], shown).await;
            }
        }
        assert!(seen_red > 0, "the generated data has overdue applications");

        // The region's overdue applications kept to some departments, as an inspector's.
        let office = demo_user(&store, "office").await;
        let (overdue, _) = store.inbox_filtered(&office, &red).await.unwrap();
        let mut departments: Vec<String> = overdue.iter().map(|a| a.handling_department_id.clone()).collect();
        departments.sort();
        departments.dedup();
        assert!(departments.len() >= 2, "overdue applications of several departments: {departments:?}");
        let some = &departments[..1];
        let n = same_as_inbox(&store, &office, &red, some, 10).await;
        assert!(n > 0 && n < overdue.len(), "kept to one department: {n} of {}", overdue.len());
        let by_filter = InboxFilter { department_id: Some(departments[1].clone()), ..red.clone() };
        same_as_inbox(&store, &office, &by_filter, &[], 10).await;
    })
    .await;
}

#[tokio::test]
async fn an_application_follows_its_item_to_another_department() {
    on_each_backend(|store| async move {
        let region = banner();
        store.load_demo(&region).await.unwrap();
        store.generate_projects(&region, 100, |_| {}).await.unwrap();
        // A handler with something awaiting it, and another department's handler.
        let mut handlers = Vec::new();
        for name in ["zrzy_handler", "slj_handler", "sthj_handler", "zjj_handler", "lcj_handler"] {
            let user = demo_user(&store, name).await;
            let head = store.inbox_head(&user, &Default::default(), &[], 1000).await.unwrap();
            handlers.push((user, head));
        }
        handlers.sort_by_key(|(_, head)| std::cmp::Reverse(head.total));
        let (handler, mine) = handlers.remove(0);
        let (other, _) = handlers.remove(0);
        let moved = mine.rows.first().expect("something awaits a handler").clone();
        assert_eq!(Some(&moved.handling_department_id), handler.department_id.as_ref());
        let to = other.department_id.clone().unwrap();

        sqlx::query("UPDATE pending_items SET handling_department_id = $1 WHERE id = $2")
            .bind(&to)
            .bind(&moved.pending_item_id)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(strays(&store).await, 0, "the application went with its item");
        let after = store.inbox_head(&handler, &Default::default(), &[], 1000).await.unwrap();
        assert_eq!(after.total, mine.total - 1);
        assert!(after.rows.iter().all(|a| a.id != moved.id));
        let theirs = store.inbox_head(&other, &Default::default(), &[], 1000).await.unwrap();
        assert!(theirs.rows.iter().any(|a| a.id == moved.id), "the new department's inbox has it");
    })
    .await;
}

/// A project unit's counts (`Store::unit_counts`) are those of its projects read whole
/// (`Store::my_projects`), for the demo's unit and for the generated unit with the most
/// projects.
#[tokio::test]
async fn a_units_counts_are_its_projects_own() {
    use qidi_core::Role;
    use qidi_store::users::NewUser;
    use qidi_store::workflow::{UnitCounts, AWAITING_DEPARTMENT, AWAITING_HIGHER};
    on_each_backend(|store| async move {
        let region = banner();
        store.load_demo(&region).await.unwrap();
        store.generate_projects(&region, 300, |_| {}).await.unwrap();
        let owner: String = sqlx::query(
            "SELECT p.owner_id FROM projects p JOIN pending_items i ON i.project_id = p.id
             JOIN applications a ON a.pending_item_id = i.id
             GROUP BY p.owner_id ORDER BY COUNT(DISTINCT p.id) DESC, p.owner_id LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        let generated = store
            .create_user(
                &NewUser {
                    region: &region,
                    username: "unit_counts",
                    display_name: "单位",
                    role: Role::Applicant,
                    department_id: None,
                    owner_id: Some(&owner),
                    password: "Unit-Counts-2026!x",
                },
                None,
            )
            .await
            .unwrap();
        let mut seen = UnitCounts::default();
        for user in [demo_user(&store, "applicant").await, generated] {
            let projects = store.my_projects(&user).await.unwrap();
            let items: Vec<_> = projects.iter().flat_map(|p| &p.items).filter(|i| i.status == "pending").collect();
            let waiting: Vec<_> = items
                .iter()
                .filter_map(|i| i.application.as_ref())
                .filter(|a| {
                    a.closed_at.is_none()
                        && a.awaiting.as_deref().is_some_and(|w| [AWAITING_DEPARTMENT, AWAITING_HIGHER].contains(&w))
                })
                .collect();
            let expected = UnitCounts {
                projects: projects.len(),
                not_applied: items.iter().filter(|i| i.application.is_none()).count(),
                on_department: waiting.len(),
                department_late: waiting.iter().filter(|a| a.light == Some(Light::Red)).count(),
            };
            assert!(items.len() < 2000, "my_projects reads the unit whole");
            assert_eq!(store.unit_counts(&user).await.unwrap(), expected, "{}", user.username);
            seen.projects += expected.projects;
            seen.not_applied += expected.not_applied;
            seen.on_department += expected.on_department;
            seen.department_late += expected.department_late;
        }
        assert!(
            seen.projects > 0 && seen.not_applied > 0 && seen.on_department > 0 && seen.department_late > 0,
            "the units have every kind of count: {seen:?}"
        );
    })
    .await;
}
