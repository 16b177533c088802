//! Concurrent writers on a file-backed SQLite database: write transactions begin
//! IMMEDIATE (`Store::begin_write`), so a transaction that reads before it writes waits
//! for the other writers (the busy timeout applies) instead of failing with "database
//! is locked".

use qidi_core::RegionCode;
use qidi_store::baseline::NewPendingItem;
use qidi_store::testing::{fresh_sqlite_database, migrated_store, FreshDatabase};
use qidi_store::Store;
use sqlx::Row;
use std::sync::Arc;

const WRITERS: usize = 8;

async fn sqlite_store() -> (FreshDatabase, Store) {
    let db = fresh_sqlite_database();
    let store = migrated_store(&db).await;
    sqlx::query("CREATE TABLE tally (n INTEGER NOT NULL)").execute(store.pool()).await.unwrap();
    (db, store)
}

/// What the store did before: deferred transactions that all read, then all write.
/// Every writer but the first fails at once, busy timeout or not (its snapshot is stale
/// once the first commits). This shows the test below sets up the contention it claims.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deferred_transactions_that_read_first_fail_under_concurrent_writers() {
    let (_db, store) = sqlite_store().await;
    let all_have_read = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|_| {
            let (store, all_have_read) = (store.clone(), all_have_read.clone());
            tokio::spawn(async move {
                let mut tx = store.pool().begin().await?;
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM tally").fetch_one(&mut *tx).await?.get(0);
                all_have_read.wait().await;
                sqlx::query("INSERT INTO tally (n) VALUES ($1)").bind(n).execute(&mut *tx).await?;
                tx.commit().await
            })
        })
        .collect();
    let mut failed = 0;
    for t in tasks {
        if let Err(e) = t.await.unwrap() {
            assert!(e.to_string().contains("locked") || e.to_string().contains("busy"), "{e}");
            failed += 1;
        }
    }
    assert!(failed >= 1, "deferred writers that read first should have collided");
    store.close().await;
}

/// The same writers through `begin_write`: all succeed, one after another, and each
/// sees the rows of those before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn write_transactions_wait_for_each_other_on_sqlite() {
    let (_db, store) = sqlite_store().await;
    let tasks: Vec<_> = (0..WRITERS)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.begin_write().await?;
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM tally").fetch_one(&mut *tx).await?.get(0);
                // Let the other writers come in between the read and the write.
                tokio::task::yield_now().await;
                sqlx::query("INSERT INTO tally (n) VALUES ($1)").bind(n).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok::<_, qidi_store::StoreError>(())
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("no busy error");
    }
    let seen: Vec<i64> = sqlx::query("SELECT n FROM tally ORDER BY n")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seen, (0..WRITERS as i64).collect::<Vec<_>>(), "each writer read what the ones before it wrote");
    store.close().await;
}

/// 补录 by several people at once (the request the probe saw answered 503): every one is
/// written.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_additions_all_succeed_on_sqlite() {
    let db = fresh_sqlite_database();
    let store = migrated_store(&db).await;
    let banner = RegionCode::parse("152529").unwrap();
    store.load_demo(&banner).await.unwrap();
    let office = store.user_by_username("office").await.unwrap().expect("demo office account");
    let pairs: Vec<(String, String)> = sqlx::query(
        "SELECT p.id, t.id FROM projects p CROSS JOIN item_types t
         WHERE p.in_library = 1 AND t.region_code = p.region_code
           AND NOT EXISTS (SELECT 1 FROM pending_items i WHERE i.project_id = p.id AND i.item_type_id = t.id)
         ORDER BY p.id, t.id LIMIT $1",
    )
    .bind(WRITERS as i64)
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    assert_eq!(pairs.len(), WRITERS);
    let tasks: Vec<_> = pairs
        .into_iter()
        .map(|(project, item_type_id)| {
            let (store, office) = (store.clone(), office.clone());
            tokio::spawn(async move {
                let new = NewPendingItem { item_type_id, ..Default::default() };
                store.add_pending_item(&office, &project, &new).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("every addition is written, none refused as busy");
    }
    store.close().await;
}
