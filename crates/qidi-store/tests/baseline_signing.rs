//! An approval, an added item, a moved project or an approved removal and the signature
//! that fixes a department ledger never miss each other (migrations 0036, 0038, 0039).
//! PostgreSQL only: there the signature reads the ledger and writes its baseline rows in
//! READ COMMITTED, beside approvals committing in the meantime. SQLite's one writer puts
//! an approval wholly before a signature or wholly after it.
//!
//! Each test holds a transaction open on the store's own database at the moment that
//! matters, and lets it go once the signature is seen asking for its lock
//! (`pg_stat_activity`) or holding it (`pg_locks`).

#[path = "support/baseline_fixture.rs"]
mod baseline_fixture;

use baseline_fixture::*;
use qidi_core::ledger::{Capacity, Decision, RemovalKind, RemovalReason};
use qidi_store::baseline::SignOutcome;
use qidi_store::baseline::{NewPendingItem, NewRemoval};
use qidi_store::testing::{assert_kept_counts, discard, fresh_postgres_url, migrated_store};
use qidi_store::{Store, StoreError};
use sqlx::Row;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// A migrated PostgreSQL store, or None (said on stderr) when no server is configured.
async fn postgres() -> Option<(Store, String)> {
    let Some(url) = fresh_postgres_url().await else {
        eprintln!("QIDI_TEST_DATABASE_URL is not set: this test is about PostgreSQL only");
        return None;
    };
    Some((migrated_store(&url).await, url))
}

/// The leader's signature of 发改委's ledger, the one that fixes it, under way.
async fn leader_signs(store: &Store, f: &Fixture) -> JoinHandle<Result<SignOutcome, StoreError>> {
    let fgw = f.fgw_head.department_id.clone().unwrap();
    let hash = store.ledger_state(&banner(), Some(&fgw)).await.unwrap().current_hash;
    let (store, leader) = (store.clone(), f.leader.clone());
    tokio::spawn(async move { store.sign_ledger(&banner(), Some(&fgw), Capacity::Leader, &hash, true, &leader).await })
}

/// The signature holds its department's lock.
const HOLDS_THE_LOCK: &str = "SELECT COUNT(*) FROM pg_locks
    WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND locktype = 'advisory' AND granted AND mode = 'ExclusiveLock'";

/// The signature asks for its department's lock, and has not got it: held by a grant,
/// an addition or a removal under way. (It asks again every 50 ms before it queues.)
const ASKS_FOR_THE_LOCK: &str = "SELECT COUNT(*) FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE 'SELECT pg_try_advisory_xact_lock(%'";

/// Wait until `seen` (a count) is above nought, or the signature has ended (without the
/// guard it does not wait, and the assertions after say what went wrong).
async fn until(store: &Store, seen: &str, signing: &JoinHandle<Result<SignOutcome, StoreError>>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while sqlx::query_scalar::<_, i64>(seen).fetch_one(store.pool()).await.unwrap() == 0 && !signing.is_finished() {
        assert!(Instant::now() < deadline, "the signature never came to the lock: {seen}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_approval_committed_while_the_ledger_is_signed_reduces_its_baseline_row() {
    let Some((store, url)) = postgres().await else { return };
    let f = fixture_signed_by_head(&store).await;
    let land = item_id(&store, P1, "land_pre_review").await;

    // An approval of one of 发改委's items, granted but not yet committed.
    let mut approval = store.pool().begin().await.unwrap();
    sqlx::query(
        "INSERT INTO outside_approvals (id, region_code, pending_item_id, document_number, decided_on, recorded_at)
         VALUES ($1, '152529', $2, '正自然资字〔2022〕12号', '2022-09-01', $3)",
    )
    .bind(qidi_store::new_id())
    .bind(&land)
    .bind(qidi_store::now_text())
    .execute(&mut *approval)
    .await
    .unwrap();
    let granted = sqlx::query("UPDATE pending_items SET status = 'granted' WHERE id = $1")
        .bind(&land)
        .execute(&mut *approval)
        .await
        .unwrap();
    assert_eq!(granted.rows_affected(), 1);

    // The signature reads the item as pending and writes its baseline row; it then
    // waits for the approval before it reduces what was granted meanwhile.
    let signing = leader_signs(&store, &f).await;
    until(&store, ASKS_FOR_THE_LOCK, &signing).await;
    approval.commit().await.unwrap();
    let out = signing.await.unwrap().unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (true, 7), "the ledger as read: the item was pending");

    assert_eq!(status(&store, &land).await, "granted");
    assert_eq!(reduction(&store, &land).await.as_deref(), Some("approved"), "审批1个核减1个");
    assert_eq!(remaining(&store).await, 6);
    assert_kept_counts(&store).await;
    // The record says so.
    let payload = fixing_event(&store, &out).await;
    assert_eq!(payload["baseline_added"].as_u64(), Some(7));
    assert_eq!(payload["meanwhile"], serde_json::json!({ "granted": 1, "removed": 0, "added": 0 }));
    store.close().await;
    discard(&url).await;
}

#[tokio::test]
async fn an_approval_while_the_signature_writes_its_baseline_is_refused_and_can_be_made_after() {
    let Some((store, url)) = postgres().await else { return };
    let f = fixture_signed_by_head(&store).await;
    let land = item_id(&store, P1, "land_pre_review").await;
    let today = qidi_store::today();
    let removal = propose_removing_p4(&store, &f).await;
    let eia: String =
        sqlx::query("SELECT id FROM item_types WHERE code = 'eia'").fetch_one(store.pool()).await.unwrap().get(0);
    let eia = NewPendingItem { item_type_id: eia, ..Default::default() };
    let p3 = project_id(&store, P3).await;

    // Hold the record's chain head: the signature, once it holds its department's lock
    // and has reduced what it must, waits here to write its event.
    let mut chain = store.pool().begin().await.unwrap();
    sqlx::query("SELECT seq FROM audit_chain_head WHERE id = 1 FOR UPDATE").fetch_one(&mut *chain).await.unwrap();
    let signing = leader_signs(&store, &f).await;
    until(&store, HOLDS_THE_LOCK, &signing).await;

    // Refused at once, with a sentence the person can act on; nothing written.
    let e = store.record_outside_approval(&f.zrzy, &land, "正自然资字〔2022〕12号", today, None).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("正在签字") && m.contains("再试")), "{e:?}");
    assert!(!e.is_unique_violation(), "nobody else got there first");
    assert_eq!(status(&store, &land).await, "pending");
    // So are an item added to the department (补录) and the approval of a removal.
    let e = store.add_pending_item(&f.office, &p3, &eia).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("正在签字")), "{e:?}");
    let e = store.decide_removal(&removal, Decision::Approved, "", &f.office).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("正在签字")), "{e:?}");
    // And an import that moves 工信局's project to 发改委: nothing of it is written.
    let mut moving = workbook();
    moving.projects = vec![project(P2, "fgw", vec![item("construction_permit", "zjj")])];
    // (Not refused, it would wait for the chain head this test holds: bounded, so that
    // shows as a failure.)
    let e = tokio::time::timeout(Duration::from_secs(20), store.import_ledger(&banner(), &moving, None, false))
        .await
        .expect("the import moving a project into the ledger was not refused")
        .unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("正在签字")), "{e:?}");
    let initiating: String = sqlx::query(
        "SELECT d.code FROM projects p JOIN departments d ON d.id = p.initiating_department_id WHERE p.code = $1",
    )
    .bind(P2)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0);
    assert_eq!(initiating, "gxj");

    chain.rollback().await.unwrap();
    let out = signing.await.unwrap().unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (true, 7));
    assert_eq!(reduction(&store, &land).await, None);
    assert_eq!(remaining(&store).await, 7);

    // Tried again once the signature is done, it is recorded and reduces the baseline.
    let r = store.record_outside_approval(&f.zrzy, &land, "正自然资字〔2022〕12号", today, None).await.unwrap();
    assert!(r.baseline_reduced);
    assert_eq!(reduction(&store, &land).await.as_deref(), Some("approved"));
    assert_eq!(remaining(&store).await, 6);
    assert!(store.add_pending_item(&f.office, &p3, &eia).await.unwrap().addition, "the ledger is fixed now");
    assert_eq!(store.decide_removal(&removal, Decision::Approved, "", &f.office).await.unwrap(), 2);
    assert_eq!(remaining(&store).await, 6 + 1 - 2);
    let s = store.import_ledger(&banner(), &moving, None, false).await.unwrap();
    assert_eq!((s.projects_changed, s.additions), (1, 1), "the moved project's item is an addition");
    assert_eq!(remaining(&store).await, 6 + 1 - 2 + 1);
    assert_kept_counts(&store).await;
    store.close().await;
    discard(&url).await;
}

/// What the signature that fixed the ledger put on the record (the head's came first).
async fn fixing_event(store: &Store, out: &SignOutcome) -> serde_json::Value {
    let payload: String = sqlx::query(
        "SELECT payload FROM events WHERE action = 'ledger.sign' AND object_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&out.version_id)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0);
    serde_json::from_str(&payload).unwrap()
}

/// fgw's head proposes removing P4 (two items) as not going ahead.
async fn propose_removing_p4(store: &Store, f: &Fixture) -> String {
    propose_removing(store, f, P4).await
}

/// fgw's head proposes removing a project as not going ahead.
async fn propose_removing(store: &Store, f: &Fixture, code: &str) -> String {
    let removal = NewRemoval {
        kind: RemovalKind::Project,
        project_id: &project_id(store, code).await,
        pending_item_id: None,
        reason: RemovalReason::NotGoingAhead,
        text: "项目单位书面申请不再实施",
    };
    store.propose_removal(&banner(), &removal, &f.fgw_head).await.unwrap()
}

#[tokio::test]
async fn an_item_added_and_a_removal_approved_while_the_ledger_is_signed_are_in_its_baseline() {
    let Some((store, url)) = postgres().await else { return };
    let f = fixture_signed_by_head(&store).await;
    let removal = propose_removing_p4(&store, &f).await;
    // P1's three items are handled by three departments: the catch-up reduces rows of
    // four count groups in one statement (migration 0040 counts them once).
    let p1_removal = propose_removing(&store, &f, P1).await;

    // Under way together, not yet committed: an item added to one of 发改委's projects
    // (补录), and the removals of two others approved.
    let added = qidi_store::new_id();
    let mut meanwhile = store.pool().begin().await.unwrap();
    for (sql, binds) in [
        (
            "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
             SELECT $1, '152529', $2, t.id, d.id, 'pending', $3 FROM item_types t, departments d
             WHERE t.code = 'eia' AND d.code = 'sthj' AND d.region_code = '152529'",
            vec![added.clone(), project_id(&store, P3).await, qidi_store::now_text()],
        ),
        (
            "UPDATE removals SET decision = 'approved', decided_by = $2, decided_at = $3, decision_note = '' WHERE id = $1",
            vec![removal.clone(), f.office.id.clone(), qidi_store::now_text()],
        ),
        ("UPDATE projects SET in_library = FALSE WHERE id = $1", vec![project_id(&store, P4).await]),
        (
            "UPDATE removals SET decision = 'approved', decided_by = $2, decided_at = $3, decision_note = '' WHERE id = $1",
            vec![p1_removal.clone(), f.office.id.clone(), qidi_store::now_text()],
        ),
        ("UPDATE projects SET in_library = FALSE WHERE id = $1", vec![project_id(&store, P1).await]),
        // 工信局's project moved to 发改委 (an import does this) brings its item.
        (
            "UPDATE projects SET initiating_department_id = (SELECT id FROM departments WHERE code = 'fgw' AND region_code = '152529')
             WHERE id = $1",
            vec![project_id(&store, P2).await],
        ),
    ] {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(b);
        }
        assert_eq!(q.execute(&mut *meanwhile).await.unwrap().rows_affected(), 1, "{sql}");
    }

    let signing = leader_signs(&store, &f).await;
    until(&store, ASKS_FOR_THE_LOCK, &signing).await;
    meanwhile.commit().await.unwrap();
    let out = signing.await.unwrap().unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (true, 7), "the ledger as read");

    // The added item and the moved project's joined as additions; the removed project's
    // two rows are reduced with the removal's reason.
    let moved: bool = sqlx::query(
        "SELECT b.is_addition FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
         JOIN projects p ON p.id = i.project_id WHERE p.code = $1",
    )
    .bind(P2)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0);
    assert!(moved);
    let row =
        sqlx::query("SELECT is_addition, ledger_version_id, reduction FROM baseline_items WHERE pending_item_id = $1")
            .bind(&added)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(row.get::<bool, _>(0));
    assert_eq!((row.get::<Option<String>, _>(1), row.get::<Option<String>, _>(2)), (None, None));
    let removed: Vec<(String, String, String)> = sqlx::query(
        "SELECT b.reduction, b.reason_category, b.removal_id FROM baseline_items b
         JOIN pending_items i ON i.id = b.pending_item_id JOIN projects p ON p.id = i.project_id WHERE p.code = $1",
    )
    .bind(P4)
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect();
    assert_eq!(removed.len(), 2);
    assert!(removed.iter().all(|r| r == &("removed".into(), "not_going_ahead".into(), removal.clone())), "{removed:?}");
    assert_eq!(remaining(&store).await, 7 + 2 - 2 - 3);
    assert_kept_counts(&store).await;
    let payload = fixing_event(&store, &out).await;
    assert_eq!(payload["meanwhile"], serde_json::json!({ "granted": 0, "removed": 5, "added": 2 }));
    store.close().await;
    discard(&url).await;
}

#[tokio::test]
async fn an_import_that_began_before_the_ledger_was_fixed_adds_its_items_to_the_baseline() {
    let Some((store, url)) = postgres().await else { return };
    let f = fixture_signed_by_head(&store).await;
    const P5: &str = "2023-152529-44-01-000505";
    let mut file = workbook();
    file.projects = vec![project(P5, "fgw", vec![item("eia", "sthj")])];

    // The import reads which ledgers are fixed, then waits to write its project.
    let mut blocker = store.pool().begin().await.unwrap();
    sqlx::query("LOCK TABLE projects IN SHARE MODE").execute(&mut *blocker).await.unwrap();
    let importing = tokio::spawn({
        let store = store.clone();
        async move { store.import_ledger(&banner(), &file, None, false).await }
    });
    let waits = "SELECT COUNT(*) FROM pg_locks
        WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND locktype = 'relation' AND NOT granted";
    let deadline = Instant::now() + Duration::from_secs(60);
    while sqlx::query_scalar::<_, i64>(waits).fetch_one(store.pool()).await.unwrap() == 0 {
        assert!(Instant::now() < deadline && !importing.is_finished(), "the import never waited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Meanwhile the leader fixes 发改委's ledger; then the import writes its new item.
    let out = leader_signs(&store, &f).await.await.unwrap().unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (true, 7));
    blocker.commit().await.unwrap();
    let s = importing.await.unwrap().unwrap();
    assert_eq!((s.projects_new, s.items_new, s.additions), (1, 1, 1), "the new item is an addition");
    let row = sqlx::query(
        "SELECT b.is_addition FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
         JOIN projects p ON p.id = i.project_id WHERE p.code = $1",
    )
    .bind(P5)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(row.get::<bool, _>(0));
    assert_eq!(remaining(&store).await, 8);
    assert_kept_counts(&store).await;
    store.close().await;
    discard(&url).await;
}
