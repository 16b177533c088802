//! A signature or confirmation that outlasts its request goes on without it: the answer
//! says so (202), and the department's ledger shows it once stored. Here the database's
//! write lock is held while the request waits, as a region's ledger of two million lines
//! holds it for minutes.

mod common;

use axum::http::{header, StatusCode};
use common::{banner, TestApp};
use qidi_core::ledger::Capacity;
use qidi_core::Role;
use qidi_store::baseline::LedgerState;
use qidi_store::testing::{test_pending_item, test_user};
use qidi_store::{Backend, Store};
use std::time::Duration;

/// `app` with a server whose sign-offs wait a fifth of a second for their work, and that
/// works on one at a time (as on SQLite) whatever the engine.
fn hardly_waiting(app: TestApp) -> TestApp {
    let config = qidi_web::WebConfig {
        secure_cookies: false,
        data_dir: app.data_dir.clone(),
        ledger_reading_wait: Some(Duration::from_secs(60)),
        ledger_signing_wait: Some(Duration::from_millis(200)),
        ledger_signing: Some(qidi_web::LedgerSigning::for_backend(Backend::Sqlite)),
    };
    TestApp { router: qidi_web::router(app.store.clone(), config), ..app }
}

/// A transaction holding what a signature writes: SQLite's write lock, or PostgreSQL's
/// tables of signatures, which readers still read.
async fn hold_writes(store: &Store) -> sqlx::Transaction<'static, sqlx::Any> {
    let mut tx = store.begin_write().await.unwrap();
    if store.backend() == Backend::Postgres {
        sqlx::query("LOCK TABLE ledger_versions, ledger_signatures, ledger_change_signatures IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx
}

async fn signatures(store: &Store) -> i64 {
    let sql = "SELECT (SELECT COUNT(*) FROM ledger_signatures) + (SELECT COUNT(*) FROM ledger_change_signatures)";
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

/// fgw's ledger once `done` says it holds what was stored; fails after 20 s.
async fn once(store: &Store, fgw: &str, done: impl Fn(&LedgerState) -> bool) -> LedgerState {
    for _ in 0..200 {
        let state = store.ledger_state(&banner(), Some(fgw)).await.unwrap();
        if done(&state) {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the work that went on was never stored");
}

#[tokio::test]
async fn a_signature_past_its_wait_goes_on_and_is_stored() {
    TestApp::on_each_backend(|app| async move {
        let app = hardly_waiting(app);
        let store = &app.store.clone();
        test_user(store, "fgw_head", Role::DepartmentHead, Some("fgw"), None, None).await;
        test_user(store, "leader", Role::Leader, None, None, None).await;
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        for serial in 1..=3 {
            test_pending_item(store, &owner, serial, "land_pre_review", "zrzy").await;
        }
        let fgw = store.department_id(&banner(), "fgw").await.unwrap();
        let head = app.sign_in("fgw_head").await;
        let leader = app.sign_in("leader").await;

        // The form says it is at work, and cannot be sent twice meanwhile.
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("data-busy=\"正在签字"), "{}", page.body);
        let hash = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json()["current_hash"]
            .as_str()
            .unwrap()
            .to_string();

        // The head signs while the lock is held: the page answers that the work goes on.
        let held = hold_writes(store).await;
        // The test's items have no check result: the signer confirms that.
        let form = [("capacity", "department_head"), ("hash", hash.as_str()), ("confirm_missing_checks", "1")];
        let res = app.post_form("/ledger/departments/fgw/sign", Some(&head), &form).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
        assert!(res.body.contains("签字仍在进行"), "{}", res.body);
        assert!(res.body.contains("href=\"/ledger/departments/fgw#signoff\""), "{}", res.body);
        // While it works, the server begins no other: the leader is asked to come back.
        let body = serde_json::json!({ "capacity": "leader", "hash": hash, "confirm_missing_checks": true });
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &body).await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
        assert_eq!(res.json()["error"]["code"], "busy", "{}", res.body);
        held.commit().await.unwrap();
        let state = once(store, &fgw, |s| s.signed_now.contains(&Capacity::DepartmentHead)).await;
        assert!(!state.locked);

        // The leader signs through the API: 202, and where to look.
        let held = hold_writes(store).await;
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &body).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
        let json = res.json();
        assert_eq!(json["status"], "running");
        assert_eq!(json["location"], "/api/v1/ledger/departments/fgw");
        assert_eq!(res.headers.get(header::LOCATION).unwrap(), "/api/v1/ledger/departments/fgw");
        held.commit().await.unwrap();
        let state = once(store, &fgw, |s| s.locked).await;
        assert_eq!(state.signed.as_ref().map(|s| s.items), Some(3), "the baseline is fixed with its 3 lines");

        // A line added later is confirmed the same way.
        test_pending_item(store, &owner, 4, "land_pre_review", "zrzy").await;
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        let set = state.change_set.expect("a change to confirm").hash;
        let held = hold_writes(store).await;
        let form = [("capacity", "department_head"), ("hash", set.as_str()), ("confirm_missing_checks", "1")];
        let res = app.post_form("/ledger/departments/fgw/changes/sign", Some(&head), &form).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
        assert!(res.body.contains("签认仍在进行"), "{}", res.body);
        held.commit().await.unwrap();
        once(store, &fgw, |s| s.change_set.as_ref().is_some_and(|c| c.signed.contains(&Capacity::DepartmentHead)))
            .await;
        assert_eq!(signatures(store).await, 3);

        // Within its wait (25 s on a server as configured by default), a refusal is
        // shown as before, and stores nothing.
        let config = qidi_web::WebConfig { data_dir: app.data_dir.clone(), ..Default::default() };
        let app = TestApp { router: qidi_web::router(store.clone(), config), ..app };
        let res = app.post_form("/ledger/departments/fgw/changes/sign", Some(&head), &form).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert_eq!(signatures(store).await, 3);
    })
    .await;
}
