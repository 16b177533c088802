//! Sign-in under attack, on both backends: parallel guesses lock the account, and every
//! attempt costs one password hash whether the account exists, is locked or not.
//!
//! This file holds one test on purpose: it counts the process's password checks
//! (`password_checks`), which another test running at the same time would disturb.

use qidi_core::auth::LockoutPolicy;
use qidi_store::password::password_checks;
use qidi_store::testing::{office_account, on_each_backend};
use qidi_store::users::LoginFailure;
use qidi_store::Store;
use sqlx::Row;

const RIGHT: &str = "Ledger-2026-ok";

async fn count(store: &Store, sql: &str, user_id: &str) -> i64 {
    sqlx::query(sql).bind(user_id).fetch_one(store.pool()).await.unwrap().get(0)
}

async fn outcomes(store: &Store, user_id: &str, action: &str, outcome: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM events WHERE object_id = $1 AND action = $2 AND outcome = $3")
        .bind(user_id)
        .bind(action)
        .bind(outcome)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_lock_the_account_and_every_attempt_costs_one_hash() {
    on_each_backend(|store| async move {
        let wang = office_account(&store, "wang", RIGHT).await;
        let (_, token) = store.login("wang", RIGHT, None).await.unwrap().unwrap();

        // An unknown username costs one (dummy) hash, like a known one.
        let before = password_checks();
        assert_eq!(store.login("nobody", RIGHT, None).await.unwrap().unwrap_err(), LoginFailure::BadCredentials);
        let after = password_checks();
        assert_eq!((after.0 - before.0, after.1 - before.1), (0, 1), "unknown user: one dummy hash");

        let before = password_checks();
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { store.login("wang", &format!("Wrong-guess-{i}"), Some("10.0.0.9")).await })
            })
            .collect();
        for t in tasks {
            let res = t.await.unwrap().expect("no database error under parallel sign-ins");
            let failure = res.expect_err("a wrong password never signs in");
            assert!(matches!(failure, LoginFailure::BadCredentials | LoginFailure::Locked), "{failure:?}");
        }
        let after = password_checks();
        let (real, dummy) = (after.0 - before.0, after.1 - before.1);
        let policy = LockoutPolicy::default();
        assert_eq!(real + dummy, 100, "every attempt costs one hash");
        assert!(real <= u64::from(policy.checks_per_window()), "{real} guesses were checked against the password");

        // At most 5 failures were answered while the account stayed open; the next locked it.
        let denied = outcomes(&store, &wang.id, "auth.login", "denied").await;
        assert!(denied <= 5, "{denied} failures counted as not locking");
        assert_eq!(outcomes(&store, &wang.id, "auth.lockout", "locked").await, 1, "one lock, audited");
        assert_eq!(outcomes(&store, &wang.id, "auth.login", "locked").await, 100 - denied);
        let locked_until: Option<String> = sqlx::query("SELECT locked_until FROM users WHERE id = $1")
            .bind(&wang.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert!(locked_until.is_some_and(|t| t > qidi_store::now_text()), "the account is locked");

        // The lock ended the session opened before, and refuses the right password.
        assert_eq!(count(&store, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", &wang.id).await, 0);
        assert!(store.session_user(&token).await.unwrap().is_none(), "locking ends sessions");
        let before = password_checks();
        assert_eq!(store.login("wang", RIGHT, None).await.unwrap().unwrap_err(), LoginFailure::Locked);
        let after = password_checks();
        assert_eq!((after.0 - before.0, after.1 - before.1), (0, 1), "locked: one dummy hash, the real one unread");
    })
    .await;
}

/// A session due for its touch still signs its user in at once while SQLite's one
/// writer is busy (the first light run over a region holds it for minutes): the touch
/// is housekeeping, waits for the writer in the background, and lands when it is done.
#[tokio::test]
async fn a_busy_writer_does_not_hold_up_a_session() {
    use sqlx::Connection;
    let url = qidi_store::testing::fresh_sqlite_database();
    let store = qidi_store::testing::migrated_store(&url).await;
    let wang = office_account(&store, "wang", RIGHT).await;
    let (_, token) = store.login("wang", RIGHT, None).await.unwrap().unwrap();
    // Last seen two minutes ago: the next request touches it.
    let before = qidi_store::now() - chrono::Duration::minutes(2);
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2")
        .bind(before.to_rfc3339())
        .bind(&wang.id)
        .execute(store.pool())
        .await
        .unwrap();
    let seen = || async {
        sqlx::query("SELECT last_seen_at FROM sessions WHERE user_id = $1")
            .bind(&wang.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get::<String, _>(0)
    };
    let stale = seen().await;

    // Another connection holds the write lock.
    let mut writer = sqlx::AnyConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut writer).await.unwrap();
    for _ in 0..3 {
        let user = store.session_user(&token).await.unwrap();
        assert_eq!(user.map(|u| u.id), Some(wang.id.clone()), "still signed in");
    }
    assert_eq!(seen().await, stale, "not touched while the writer is busy");
    sqlx::query("ROLLBACK").execute(&mut writer).await.unwrap();

    // The touch started by the first request lands once the writer is done.
    let mut touched = false;
    for _ in 0..50 {
        if seen().await > stale {
            touched = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(touched, "touched after the writer");
}
