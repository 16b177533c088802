//! Sign-in as a client sees it: no answer tells whether an account exists or is locked,
//! and a client address that tries too often is throttled (429 with `Retry-After`).

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::{urlencode, TestApp, TestResponse, PASSWORD};
use std::net::SocketAddr;

async fn create_wang(app: &TestApp) -> String {
    qidi_store::testing::office_account(&app.store, "wang", PASSWORD).await.id
}

/// The page's error paragraph: the form around it echoes the username typed.
fn page_error(res: &TestResponse) -> &str {
    let start = res.body.find("<p class=\"error\"").unwrap_or_else(|| panic!("no error shown: {}", res.body));
    let end = start + res.body[start..].find("</p>").expect("closed");
    &res.body[start..end]
}

async fn page(app: &TestApp, username: &str, password: &str) -> TestResponse {
    app.post_form("/login", None, &[("username", username), ("password", password)]).await
}

async fn api(app: &TestApp, username: &str, password: &str) -> TestResponse {
    app.post_json("/api/v1/login", None, &serde_json::json!({"username": username, "password": password})).await
}

#[tokio::test]
async fn unknown_wrong_and_locked_get_the_same_answer() {
    TestApp::on_each_backend(|app| async move {
        let wang = create_wang(&app).await;
        let unknown = (page(&app, "nobody", "Wrong-2026-pw").await, api(&app, "nobody", "Wrong-2026-pw").await);
        let wrong = (page(&app, "wang", "Wrong-2026-pw").await, api(&app, "wang", "Wrong-2026-pw").await);
        // Four more failures (six in all) lock the account.
        for _ in 0..4 {
            assert_eq!(api(&app, "wang", "Wrong-2026-pw").await.status, StatusCode::UNAUTHORIZED);
        }
        let events = app.store.events_for("user", &wang).await.unwrap();
        let locks = events.iter().filter(|e| e.action == "auth.lockout").count();
        assert_eq!(locks, 1, "the 6th failure locked the account, and the lock is in the record");
        let locked_wrong = (page(&app, "wang", "Wrong-2026-pw").await, api(&app, "wang", "Wrong-2026-pw").await);
        let locked_right = (page(&app, "wang", PASSWORD).await, api(&app, "wang", PASSWORD).await);
        assert!(locked_right.1.session_cookie().is_none(), "a locked account refuses the right password");

        let (page_ref, api_ref) = &unknown;
        assert_eq!(page_ref.status, StatusCode::UNAUTHORIZED);
        assert!(page_error(page_ref).contains("用户名或密码错误"), "{}", page_ref.body);
        assert_eq!(api_ref.status, StatusCode::UNAUTHORIZED);
        assert_eq!(api_ref.json()["error"]["code"], "login_failed");
        for (what, (p, a)) in
            [("wrong password", &wrong), ("locked", &locked_wrong), ("locked, right password", &locked_right)]
        {
            assert_eq!(p.status, page_ref.status, "page, {what}");
            assert_eq!(page_error(p), page_error(page_ref), "page, {what}");
            assert_eq!(a.status, api_ref.status, "API, {what}");
            assert_eq!(a.body, api_ref.body, "API, {what}");
        }
    })
    .await;
}

fn from(addr: &str, mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut().insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
    req
}

fn page_request(addr: &str, username: &str, password: &str) -> Request<Body> {
    let body = format!("username={}&password={}", urlencode(username), urlencode(password));
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    from(addr, req)
}

fn api_request(addr: &str, username: &str, password: &str) -> Request<Body> {
    let body = serde_json::json!({"username": username, "password": password}).to_string();
    let req =
        Request::post("/api/v1/login").header(header::CONTENT_TYPE, "application/json").body(Body::from(body)).unwrap();
    from(addr, req)
}

#[tokio::test]
async fn a_client_address_that_tries_too_often_is_throttled() {
    TestApp::on_each_backend(|app| async move {
        create_wang(&app).await;
        let rate = qidi_web::ThrottlePolicy::default().per_minute;
        assert_eq!(rate, 10);
        // The page and the API draw on one allowance per address.
        for i in 0..rate {
            let req = if i % 2 == 0 {
                page_request("192.0.2.7:50000", "nobody", "Wrong-2026-pw")
            } else {
                api_request("192.0.2.7:50001", "nobody", "Wrong-2026-pw")
            };
            assert_eq!(app.send(req).await.status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
        }
        let page = app.send(page_request("192.0.2.7:50002", "wang", PASSWORD)).await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(page.session_cookie().is_none(), "throttled before the password is looked at");
        let wait: u64 = page.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
        assert!(page.body.contains("登录尝试过于频繁") && page.body.contains(&format!("{wait} 秒后")), "{}", page.body);
        let api = app.send(api_request("192.0.2.7:50003", "wang", PASSWORD)).await;
        assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(api.headers.contains_key(header::RETRY_AFTER));
        assert_eq!(api.json()["error"]["code"], "too_many_attempts");

        // Another address is not held back, and signs in.
        let other = app.send(api_request("198.51.100.4:40000", "wang", PASSWORD)).await;
        assert_eq!(other.status, StatusCode::OK, "{}", other.body);
        assert!(other.session_cookie().is_some());
        let events = app.store.recent_events(5).await.unwrap();
        let ok = events.iter().find(|e| e.action == "auth.login" && e.outcome == "ok").expect("sign-in recorded");
        assert_eq!(ok.client_addr.as_deref(), Some("198.51.100.4"), "the API records the client address too");
    })
    .await;
}

#[tokio::test]
async fn the_rate_is_a_setting_and_zero_turns_it_off() {
    TestApp::on_each_backend(|app| async move {
        let config = qidi_web::WebConfig { secure_cookies: false, data_dir: app.data_dir.clone() };
        let strict = qidi_web::router_with_login_rate(
            app.store.clone(),
            config.clone(),
            qidi_web::ThrottlePolicy { per_minute: 2 },
        );
        let off =
            qidi_web::router_with_login_rate(app.store.clone(), config, qidi_web::ThrottlePolicy { per_minute: 0 });
        let strict = TestApp { store: app.store.clone(), router: strict, data_dir: app.data_dir.clone() };
        let off = TestApp { store: app.store.clone(), router: off, data_dir: app.data_dir.clone() };
        let mut s = Vec::new();
        for _ in 0..3 {
            s.push(strict.send(api_request("203.0.113.9:1000", "nobody", "Wrong-2026-pw")).await.status);
        }
        assert_eq!(s, [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]);
        for _ in 0..15 {
            let res = off.send(api_request("203.0.113.9:1000", "nobody", "Wrong-2026-pw")).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "0 turns throttling off");
        }
    })
    .await;
}
