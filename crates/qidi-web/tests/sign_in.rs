//! Sign-in as a client sees it: no answer tells whether an account exists or is locked,
//! and a client address or an account name that tries too often is throttled (429 with
//! `Retry-After`); so are searches and exports, at rates of their own.

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
async fn a_sign_in_never_adopts_the_token_the_browser_brought() {
    TestApp::on_each_backend(|app| async move {
        create_wang(&app).await;
        let first = app.sign_in("wang").await;
        // A token planted by someone else, and the user's own live one: both are
        // replaced by a fresh token, and the planted one opens nothing.
        for brought in ["qidi_session=planted-by-someone-else-0123456789abcdef", first.as_str()] {
            let res = app.post_form("/login", Some(brought), &[("username", "wang"), ("password", PASSWORD)]).await;
            let fresh = res.session_cookie().unwrap_or_else(|| panic!("a new cookie: {:?}", res.headers));
            assert_ne!(fresh, brought);
            assert_eq!(app.get("/", Some(&fresh)).await.status, StatusCode::OK);
        }
        let planted = app.get("/", Some("qidi_session=planted-by-someone-else-0123456789abcdef")).await;
        assert_eq!(planted.location(), Some("/login"));
    })
    .await;
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
async fn an_account_name_tried_from_many_addresses_is_throttled() {
    TestApp::on_each_backend(|app| async move {
        create_wang(&app).await;
        // One guess from each of ten addresses at a name no account has.
        for i in 0..10 {
            let res = app.send(api_request(&format!("192.0.2.{}:5000", 10 + i), "nobody", "Wrong-2026-pw")).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
        }
        let res = app.send(page_request("192.0.2.99:5000", "NOBODY", "Wrong-2026-pw")).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "the eleventh address for the same name");
        assert!(res.headers.contains_key(header::RETRY_AFTER));
        // Another name from that address is not held back.
        let wang = app.send(api_request("192.0.2.99:5001", "wang", PASSWORD)).await;
        assert_eq!(wang.status, StatusCode::OK, "{}", wang.body);
    })
    .await;
}

#[tokio::test]
async fn the_rate_is_a_setting_and_zero_turns_it_off() {
    TestApp::on_each_backend(|app| async move {
        let config =
            qidi_web::WebConfig { secure_cookies: false, data_dir: app.data_dir.clone(), ..Default::default() };
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

fn get(addr: &str, path: &str, cookie: &str) -> Request<Body> {
    from(addr, Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap())
}

#[tokio::test]
async fn searches_and_exports_have_rates_of_their_own() {
    TestApp::on_each_backend(|app| async move {
        create_wang(&app).await;
        qidi_store::testing::office_account(&app.store, "li", PASSWORD).await;
        let config =
            qidi_web::WebConfig { secure_cookies: false, data_dir: app.data_dir.clone(), ..Default::default() };
        let rates = qidi_web::Rates {
            search: qidi_web::ThrottlePolicy { per_minute: 2 },
            export: qidi_web::ThrottlePolicy { per_minute: 1 },
            ..qidi_web::Rates::from_env()
        };
        let router = qidi_web::router_with_rates(app.store.clone(), config, rates);
        let strict = TestApp { store: app.store.clone(), router, data_dir: app.data_dir.clone() };
        let (wang, li) = (strict.sign_in("wang").await, strict.sign_in("li").await);

        let search = "/projects?q=%E9%A3%8E%E7%94%B5";
        let statuses = |v: Vec<TestResponse>| v.iter().map(|r| r.status).collect::<Vec<_>>();
        let mut seen = Vec::new();
        for port in 0..3 {
            seen.push(strict.send(get(&format!("192.0.2.20:{port}"), search, &wang)).await);
        }
        assert_eq!(statuses(seen), [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
        let refused = strict.send(get("192.0.2.20:9", search, &wang)).await;
        assert!(refused.headers.contains_key(header::RETRY_AFTER));
        assert!(refused.body.contains("访问过于频繁"), "{}", refused.body);
        // Browsing without a filter is not a search; the same account elsewhere is still held.
        assert_eq!(strict.send(get("192.0.2.20:10", "/projects", &wang)).await.status, StatusCode::OK);
        let moved = strict.send(get("198.51.100.20:1", search, &wang)).await;
        assert_eq!(moved.status, StatusCode::TOO_MANY_REQUESTS, "an account is held from every address");
        assert_eq!(strict.send(get("198.51.100.21:1", search, &li)).await.status, StatusCode::OK);

        // Exports: one a minute here; searching used none of it.
        let export = "/ledger/export";
        assert_eq!(strict.send(get("192.0.2.20:11", export, &wang)).await.status, StatusCode::OK);
        let again = strict.send(get("192.0.2.20:12", export, &wang)).await;
        assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(again.headers.contains_key(header::RETRY_AFTER));
        let from_there = strict.send(get("192.0.2.20:13", export, &li)).await;
        assert_eq!(from_there.status, StatusCode::TOO_MANY_REQUESTS, "the address is held too");
        assert_eq!(strict.send(get("198.51.100.21:2", export, &li)).await.status, StatusCode::OK);
    })
    .await;
}

/// The app with `policy` for the second factor, on the same database.
fn with_second_factor(app: &TestApp, policy: &str) -> TestApp {
    let policy = qidi_core::second_factor::SecondFactorPolicy::parse(policy).unwrap();
    let store = app.store.clone().with_second_factor(policy);
    let config = qidi_web::WebConfig { secure_cookies: false, data_dir: app.data_dir.clone(), ..Default::default() };
    TestApp { store: store.clone(), router: qidi_web::router(store, config), data_dir: app.data_dir.clone() }
}

fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Every text between `start` and the next `end` in `body`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    body.split(start).skip(1).filter_map(|s| s.split(end).next()).collect()
}

#[tokio::test]
async fn a_required_second_factor_is_set_up_then_owed_after_every_password() {
    TestApp::on_each_backend(|app| async move {
        let wang = create_wang(&app).await;
        app.store.set_password("wang", PASSWORD, false).await.unwrap();
        let app = with_second_factor(&app, "office");

        // The role requires it: after the password, nothing but its setup.
        let first = api(&app, "wang", PASSWORD).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert_eq!(first.json()["pending_second_factor"], "enrol");
        let c1 = first.session_cookie().unwrap();
        assert_eq!(app.get("/", Some(&c1)).await.location(), Some("/account/second-factor"));
        let me = app.get("/api/v1/me", Some(&c1)).await;
        assert_eq!(
            (me.status, me.json()["error"]["code"].clone()),
            (StatusCode::FORBIDDEN, "second_factor_enrolment_required".into())
        );
        let setup = app.get("/account/second-factor", Some(&c1)).await;
        assert_eq!(setup.status, StatusCode::OK);
        assert!(setup.body.contains("<svg") && setup.body.contains("您的角色要求使用双因素认证"), "{}", setup.body);
        let secret_text = between(&setup.body, "<code class=\"secret\">", "</code>")[0].to_string();
        let secret = qidi_core::second_factor::parse_secret(&secret_text).expect("the page shows the secret");
        let confirm = |code: String| [("action", "confirm".to_string()), ("code", code)];
        let wrong = format!(
            "{:06}",
            (qidi_core::second_factor::code_at(&secret, now_unix()).parse::<u32>().unwrap() + 1) % 1_000_000
        );
        let form = confirm(wrong);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app.post_form("/account/second-factor", Some(&c1), &form).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a wrong code sets nothing up");
        let code = qidi_core::second_factor::code_at(&secret, now_unix());
        let form = confirm(code.clone());
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = app.post_form("/account/second-factor", Some(&c1), &form).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let recovery: Vec<String> =
            between(&done.body, "<li><code>", "</code>").iter().map(|s| s.to_string()).collect();
        assert_eq!(recovery.len(), qidi_core::second_factor::RECOVERY_CODES, "{}", done.body);
        assert_eq!(app.get("/", Some(&c1)).await.status, StatusCode::OK, "this session is complete");
        let stored: String = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
            .bind(&wang)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(stored.starts_with("sm4g1:") && !stored.contains(&secret_text), "sealed: {stored}");
        let hashes: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes WHERE user_id = $1")
            .bind(&wang)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
        assert!(hashes.iter().all(|h| recovery.iter().all(|c| !h.contains(&c.replace('-', "")))), "hashes only");

        // The next sign-in owes a code; the one already used does not pass again.
        let second = page(&app, "wang", PASSWORD).await;
        assert_eq!(second.location(), Some("/login/code"));
        let c2 = second.session_cookie().unwrap();
        assert_eq!(app.get("/", Some(&c2)).await.location(), Some("/login/code"));
        let me = app.get("/api/v1/me", Some(&c2)).await;
        assert_eq!(
            (me.status, me.json()["error"]["code"].clone()),
            (StatusCode::UNAUTHORIZED, "second_factor_required".into())
        );
        let replay = app.post_form("/login/code", Some(&c2), &[("code", &code)]).await;
        assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "a code works once");
        assert!(replay.body.contains("验证码不正确"), "{}", replay.body);
        let next = qidi_core::second_factor::code_at(&secret, now_unix() + 30);
        let ok = app.post_json("/api/v1/login/code", Some(&c2), &serde_json::json!({ "code": next })).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.json()["pending_second_factor"], serde_json::Value::Null);
        assert_eq!(app.get("/", Some(&c2)).await.status, StatusCode::OK);

        // A recovery code, however typed, works once.
        let c3 = page(&app, "wang", PASSWORD).await.session_cookie().unwrap();
        let typed = recovery[0].to_uppercase().replace('-', " ");
        assert_eq!(app.post_form("/login/code", Some(&c3), &[("code", &typed)]).await.location(), Some("/"));
        let c4 = page(&app, "wang", PASSWORD).await.session_cookie().unwrap();
        let again = app.post_form("/login/code", Some(&c4), &[("code", &recovery[0])]).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        // Five wrong codes end the half-open session.
        for _ in 0..3 {
            let res = app.post_form("/login/code", Some(&c4), &[("code", "abcde-abcde")]).await;
            assert!(res.body.contains("验证码不正确"), "{}", res.body);
        }
        let ended = app.post_form("/login/code", Some(&c4), &[("code", "000000 ")]).await;
        assert!(ended.body.contains("错误次数过多"), "{}", ended.body);
        assert_eq!(app.get("/login/code", Some(&c4)).await.location(), Some("/login"));
        let events = app.store.events_for("user", &wang).await.unwrap();
        let outcomes: Vec<&str> =
            events.iter().filter(|e| e.action == "auth.second_factor").map(|e| e.outcome.as_str()).collect();
        assert_eq!(outcomes, ["denied", "ok", "ok", "denied", "denied", "denied", "denied", "ended"]);

        // A lost phone: the console resets it, every session ends, and it is set up anew.
        app.store.reset_second_factor("wang", None).await.unwrap();
        assert_eq!(app.get("/", Some(&c2)).await.location(), Some("/login"));
        let fresh = page(&app, "wang", PASSWORD).await;
        assert_eq!(fresh.location(), Some("/account/second-factor"));
    })
    .await;
}

#[tokio::test]
async fn a_second_factor_the_role_allows_can_be_turned_off_with_a_code() {
    TestApp::on_each_backend(|app| async move {
        create_wang(&app).await;
        app.store.set_password("wang", PASSWORD, false).await.unwrap();
        let app = with_second_factor(&app, "");
        let c1 = page(&app, "wang", PASSWORD).await.session_cookie().unwrap();
        assert_eq!(app.get("/", Some(&c1)).await.status, StatusCode::OK, "nothing is required");
        let setup = app.get("/account/second-factor", Some(&c1)).await;
        let secret =
            qidi_core::second_factor::parse_secret(between(&setup.body, "<code class=\"secret\">", "</code>")[0])
                .unwrap();
        let code = qidi_core::second_factor::code_at(&secret, now_unix());
        let done = app.post_form("/account/second-factor", Some(&c1), &[("action", "confirm"), ("code", &code)]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(page(&app, "wang", PASSWORD).await.location(), Some("/login/code"), "once on, it is owed");
        let status = app.get("/account/second-factor", Some(&c1)).await;
        assert!(
            status.body.contains("停用双因素认证") && status.body.contains("未使用的恢复码：10"),
            "{}",
            status.body
        );
        let bad =
            app.post_form("/account/second-factor", Some(&c1), &[("action", "turn_off"), ("code", "12345")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let next = qidi_core::second_factor::code_at(&secret, now_unix() + 30);
        let off = app.post_form("/account/second-factor", Some(&c1), &[("action", "turn_off"), ("code", &next)]).await;
        assert_eq!(off.location(), Some("/login"));
        assert_eq!(page(&app, "wang", PASSWORD).await.location(), Some("/"), "the password alone again");
    })
    .await;
}
