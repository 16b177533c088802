//! A department ledger read in the background: a page that cannot wait for its ledger
//! says how far the reading has come, and its address shows the result once read, to
//! the account that asked, for that view only.

mod common;

use axum::http::StatusCode;
use common::{banner, TestApp};
use qidi_core::Role;
use qidi_store::testing::{test_pending_item, test_user};
use std::time::Duration;

/// `app` with a server that does not wait for any reading: every department page starts
/// one and says how far it has come.
fn not_waiting(app: TestApp) -> TestApp {
    let config = qidi_web::WebConfig {
        secure_cookies: false,
        data_dir: app.data_dir.clone(),
        ledger_reading_wait: Some(Duration::ZERO),
        ..Default::default()
    };
    TestApp { router: qidi_web::router(app.store.clone(), config), ..app }
}

const UNIT: &str = "白旗绿野能源有限公司";

/// fgw's head, signed in, and `n` pending items in projects fgw initiates: (fgw's id,
/// the head's cookie).
async fn fgw_with_items(app: &TestApp, n: u32) -> (String, String) {
    test_user(&app.store, "fgw_head", Role::DepartmentHead, Some("fgw"), None, None).await;
    let owner = app.store.owner_id_or_create(&banner(), UNIT).await.unwrap();
    for serial in 1..=n {
        test_pending_item(&app.store, &owner, serial, "land_pre_review", "zrzy").await;
    }
    let fgw = app.store.department_id(&banner(), "fgw").await.unwrap();
    (fgw, app.sign_in("fgw_head").await)
}

/// The value of `attribute` on the page (the first one), unescaped.
fn attribute(body: &str, attribute: &str) -> String {
    let at = format!("{attribute}=\"");
    let rest = body.split(&at).nth(1).unwrap_or_else(|| panic!("no {attribute}: {body}"));
    rest.split('"').next().unwrap().replace("&amp;", "&")
}

/// Ask for a reading's status until it is done; its last status.
async fn finished(app: &TestApp, status: &str, cookie: &str) -> serde_json::Value {
    for _ in 0..3000 {
        let res = app.get(status, Some(cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{status}: {}", res.body);
        let json = res.json();
        if json["done"] == true {
            return json;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the reading {status} did not finish in 30 s");
}

#[tokio::test]
async fn a_long_reading_says_how_far_it_has_come_and_its_address_shows_the_result() {
    TestApp::on_each_backend(|app| async move {
        let app = not_waiting(app);
        let store = &app.store;
        test_user(store, "office", Role::Office, None, None, None).await;
        let (fgw, head) = fgw_with_items(&app, 3).await;

        // Not waited for, the page says the reading has begun, of about 3 lines.
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("正在核算本部门台账") && page.body.contains("共约 3 行"), "{}", page.body);
        assert!(!page.body.contains("id=\"current-hash\""), "no state before it is read: {}", page.body);
        assert!(page.body.contains("id=\"checklists\""), "the rest of the page is there: {}", page.body);
        let status = attribute(&page.body, "data-reading-status");
        let href = attribute(&page.body, "data-reading-href");
        assert!(href.contains("reading=") && href.starts_with("/ledger/departments/fgw?"), "{href}");

        // Its status counts every line; only the account that asked sees it.
        let done = finished(&app, &status, &head).await;
        assert_eq!((&done["lines_read"], &done["lines"]), (&3.into(), &3.into()), "{done}");
        assert_eq!(done["text"], "已读 3 行，共约 3 行。", "{done}");
        let office = app.sign_in("office").await;
        assert_eq!(app.get(&status, Some(&office)).await.status, StatusCode::NOT_FOUND);

        // Its address shows what it read, and when.
        let expected = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        let page = app.get(&href, Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(attribute(&page.body, "id=\"current-hash\" title"), expected.current_hash);
        assert!(page.body.contains("id=\"reading-began\"") && !page.body.contains("id=\"reading\""), "{}", page.body);
        assert_eq!(expected.items, 3);

        // Another account, or another view, at that address begins a reading of its own.
        let theirs = app.get(&href, Some(&office)).await;
        assert!(theirs.body.contains("id=\"reading\""), "{}", theirs.body);
        assert_ne!(attribute(&theirs.body, "data-reading-href"), href);
        let unknown = app.get("/ledger/departments/fgw?reading=none", Some(&head)).await;
        assert!(unknown.body.contains("id=\"reading\""), "{}", unknown.body);
        assert_ne!(attribute(&unknown.body, "data-reading-href"), href);
        finished(&app, &attribute(&unknown.body, "data-reading-status"), &head).await;

        // A line added since: the kept result is the one read before, and reading again
        // (the page's link) finds it.
        let owner = store.owner_id_or_create(&banner(), UNIT).await.unwrap();
        test_pending_item(store, &owner, 4, "land_pre_review", "zrzy").await;
        let kept = app.get(&href, Some(&head)).await;
        assert_eq!(attribute(&kept.body, "id=\"current-hash\" title"), expected.current_hash);
        let again = kept.body.split("id=\"reading-began\"").nth(1).unwrap();
        let again = attribute(again, "href");
        assert!(!again.contains("reading="), "{again}");
        let page = app.get(&again, Some(&head)).await;
        let done = finished(&app, &attribute(&page.body, "data-reading-status"), &head).await;
        assert_eq!(done["lines_read"], 4, "{done}");
        let page = app.get(&attribute(&page.body, "data-reading-href"), Some(&head)).await;
        let now = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_ne!(now.current_hash, expected.current_hash);
        assert_eq!(attribute(&page.body, "id=\"current-hash\" title"), now.current_hash);
    })
    .await;
}

#[tokio::test]
async fn a_reading_within_the_wait_is_shown_at_once() {
    TestApp::on_each_backend(|app| async move {
        let (_, head) = fgw_with_items(&app, 1).await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"current-hash\""), "{}", page.body);
        assert!(!page.body.contains("id=\"reading\"") && !page.body.contains("id=\"reading-began\""), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn the_json_api_answers_202_while_it_reads_and_the_ledger_at_its_location() {
    TestApp::on_each_backend(|app| async move {
        let app = not_waiting(app);
        let store = &app.store;
        let (fgw, head) = fgw_with_items(&app, 2).await;

        let res = app.get("/api/v1/ledger/departments/fgw?limit=5", Some(&head)).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
        let under_way = res.json();
        let location = under_way["location"].as_str().unwrap().to_string();
        assert_eq!(res.location(), Some(location.as_str()));
        assert!(location.contains("limit=5") && location.contains("reading="), "{location}");
        assert_eq!(under_way["lines"], 2, "{under_way}");
        assert!(res.headers.contains_key("retry-after"));

        let mut ledger = serde_json::Value::Null;
        for _ in 0..3000 {
            let res = app.get(&location, Some(&head)).await;
            if res.status == StatusCode::OK {
                ledger = res.json();
                break;
            }
            assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let expected = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_eq!(ledger["current_hash"], expected.current_hash.as_str(), "{ledger}");
        assert_eq!(ledger["items"], 2);
        assert!(ledger["reading_began_at"].is_string(), "{ledger}");
        // A bad limit is refused before any reading begins.
        let res = app.get("/api/v1/ledger/departments/fgw?limit=0", Some(&head)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn another_server_behind_the_same_balancer_answers_for_a_reading() {
    TestApp::on_each_backend(|app| async move {
        let app = not_waiting(app);
        let (fgw, head) = fgw_with_items(&app, 3).await;
        // A second server on the same database, as behind a load balancer.
        let other = not_waiting(TestApp {
            router: app.router.clone(),
            store: app.store.clone(),
            data_dir: app.data_dir.clone(),
        });
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        let (status, href) = (attribute(&page.body, "data-reading-status"), attribute(&page.body, "data-reading-href"));
        // Past its wait (none here) the reading notes itself in the database.
        let mut early = other.get(&status, Some(&head)).await;
        for _ in 0..3000 {
            if early.status == StatusCode::OK {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            early = other.get(&status, Some(&head)).await;
        }
        assert_eq!(early.status, StatusCode::OK, "the other server knows of it: {}", early.body);
        assert_eq!(early.json()["lines"], 3, "{}", early.body);
        let done = finished(&other, &status, &head).await;
        assert_eq!(done["lines_read"], 3, "{done}");
        let page = other.get(&href, Some(&head)).await;
        let expected = app.store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_eq!(attribute(&page.body, "id=\"current-hash\" title"), expected.current_hash, "{}", page.body);
        assert!(page.body.contains("id=\"reading-began\""), "{}", page.body);
        let id = href.split("reading=").nth(1).unwrap().split('#').next().unwrap();
        let json = other.get(&format!("/api/v1/ledger/departments/fgw?reading={id}"), Some(&head)).await;
        assert_eq!(json.status, StatusCode::ACCEPTED, "1,000 changes listed is another view, read anew");
        let json = other.get(&format!("/api/v1/ledger/departments/fgw?limit=200&reading={id}"), Some(&head)).await;
        assert_eq!(json.status, StatusCode::OK, "the same view: {}", json.body);
        assert_eq!(json.json()["current_hash"], expected.current_hash.as_str());

        // A reading whose server stopped (not heard from for a minute) is done for the
        // page's script, and its address begins another.
        let user = app.store.user_by_username("fgw_head").await.unwrap().unwrap();
        let began = chrono::Utc::now() - chrono::Duration::seconds(60);
        let stopped = qidi_store::ledger_readings::NewReading {
            id: "stopped-reading",
            user_id: &user.id,
            department_id: &fgw,
            view: "listed=200;after=",
            began_at: began,
            lines: 3,
        };
        app.store.begin_ledger_reading(&stopped, began - chrono::Duration::seconds(600)).await.unwrap();
        let status = other.get("/ledger/readings/stopped-reading", Some(&head)).await.json();
        assert_eq!((&status["done"], &status["lines_read"]), (&true.into(), &0.into()), "{status}");
        let page = other.get("/ledger/departments/fgw?reading=stopped-reading", Some(&head)).await;
        assert!(page.body.contains("id=\"reading\""), "{}", page.body);
        assert!(!attribute(&page.body, "data-reading-href").contains("stopped-reading"));
    })
    .await;
}
