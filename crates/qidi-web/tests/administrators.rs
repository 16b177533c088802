//! The three administrators (三员分立) on both backends: none of them reads business
//! data or materials; the audit administrator alone searches the record; the security
//! administrator alone unlocks accounts, resets second factors and changes roles, and
//! never an administrator's account or their own.

mod common;

use axum::http::StatusCode;
use common::{banner, TestApp, PASSWORD};
use serde_json::Value;

async fn demo(app: &TestApp) -> Vec<(String, String)> {
    app.store.load_demo(&banner()).await.unwrap();
    let mut cookies = Vec::new();
    for name in ["office", "admin", "security", "auditor", "zrzy_handler"] {
        cookies.push((name.to_string(), app.sign_in(name).await));
    }
    cookies
}

fn cookie<'a>(cookies: &'a [(String, String)], name: &str) -> &'a str {
    &cookies.iter().find(|(n, _)| n == name).unwrap().1
}

#[tokio::test]
async fn no_administrator_reads_business_data() {
    TestApp::on_each_backend(|app| async move {
        let cookies = demo(&app).await;
        let office = app.get("/api/v1/projects", Some(cookie(&cookies, "office"))).await.json();
        let project = office[0]["id"].as_str().expect("the office sees the demo's projects").to_string();
        for admin in ["admin", "security", "auditor"] {
            let c = cookie(&cookies, admin);
            let list = app.get("/api/v1/projects", Some(c)).await;
            assert_eq!((list.status, list.json()), (StatusCode::OK, Value::Array(vec![])), "{admin}");
            assert_eq!(app.get(&format!("/api/v1/projects/{project}"), Some(c)).await.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get(&format!("/projects/{project}"), Some(c)).await.status, StatusCode::NOT_FOUND);
            let summary = app.get("/api/v1/summary", Some(c)).await.json();
            assert_eq!(summary["pending_items"], 0, "{admin}: {summary}");
            // Home is the administrator's own work, not the ledger.
            assert!(app.get("/", Some(c)).await.location().is_some_and(|l| l != "/"), "{admin}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_audit_administrator_alone_searches_the_record() {
    TestApp::on_each_backend(|app| async move {
        let cookies = demo(&app).await;
        let auditor = cookie(&cookies, "auditor");
        for other in ["office", "admin", "security", "zrzy_handler"] {
            assert_eq!(app.get("/audit", Some(cookie(&cookies, other))).await.status, StatusCode::NOT_FOUND, "{other}");
            let api = app.get("/api/v1/audit/events", Some(cookie(&cookies, other))).await;
            assert_eq!(api.status, StatusCode::NOT_FOUND, "{other}");
        }
        let page = app.get("/audit?action=auth.login&actor=office", Some(auditor)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("<code>auth.login</code>") && page.body.contains("<td>office</td>"),
            "{}",
            page.body
        );

        assert!(!page.body.contains("<td>zrzy_handler</td>"), "only the office's events: {}", page.body);
        let logins = app.get("/api/v1/audit/events?action=auth.&actor=office", Some(auditor)).await.json();
        let events = logins["events"].as_array().unwrap();
        assert!(!events.is_empty());
        assert!(events
            .iter()
            .all(|e| e["action"].as_str().unwrap().starts_with("auth.") && e["actor_username"] == "office"));

        // Paging by the chain's seq: two pages never share an event, and keep going down.
        for n in 0..60 {
            let e = qidi_store::events::NewEvent {
                region_code: banner().as_str().to_string(),
                action: "demo.note".into(),
                object_type: "note".into(),
                object_id: Some(format!("n{n}")),
                ..Default::default()
            };
            app.store.append_event(&e).await.unwrap();
        }
        let first = app.get("/api/v1/audit/events", Some(auditor)).await.json();
        let next = first["next_before"].as_i64().expect("the demo has more than a page of events");
        let second = app.get(&format!("/api/v1/audit/events?before={next}"), Some(auditor)).await.json();
        let seqs =
            |v: &Value| v["events"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect::<Vec<_>>();
        let (a, b) = (seqs(&first), seqs(&second));
        assert_eq!(a.len(), 50);
        assert!(a.windows(2).all(|w| w[0] > w[1]) && b.iter().all(|s| *s < a[a.len() - 1]), "{a:?} {b:?}");

        let bad = app.get("/audit?from=2026-12-02&to=2026-12-01", Some(auditor)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("截止日期：不能早于起始日期"), "{}", bad.body);
        let today = qidi_store::today().to_string();
        let by_day =
            app.get(&format!("/api/v1/audit/events?from={today}&to={today}&outcome=ok"), Some(auditor)).await.json();
        assert!(by_day["events"].as_array().unwrap().iter().all(|e| e["at"].as_str().unwrap().starts_with(&today)));
    })
    .await;
}

#[tokio::test]
async fn the_security_administrator_manages_accounts_but_no_administrators() {
    TestApp::on_each_backend(|app| async move {
        let cookies = demo(&app).await;
        let security = cookie(&cookies, "security");
        for other in ["office", "admin", "auditor"] {
            assert_eq!(
                app.get("/security/accounts", Some(cookie(&cookies, other))).await.status,
                StatusCode::NOT_FOUND
            );
            let res = app
                .post_form("/security/accounts/zrzy_handler", Some(cookie(&cookies, other)), &[("action", "unlock")])
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{other}");
        }
        // Six wrong passwords lock the handler; the page says so, and unlocking lets them in.
        for _ in 0..6 {
            app.post_json(
                "/api/v1/login",
                None,
                &serde_json::json!({"username": "zrzy_handler", "password": "Wrong-2026-pw"}),
            )
            .await;
        }
        let page = app.get("/security/accounts", Some(security)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("锁定至"), "{}", page.body);
        let res = app.post_form("/security/accounts/zrzy_handler", Some(security), &[("action", "unlock")]).await;
        assert_eq!(res.location(), Some("/security/accounts"));
        let again = app
            .post_json("/api/v1/login", None, &serde_json::json!({"username": "zrzy_handler", "password": PASSWORD}))
            .await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.body);

        // A new role ends the account's sessions and is recorded.
        let handler = again.session_cookie().unwrap();
        let handler = handler.as_str();
        assert_eq!(app.get("/", Some(handler)).await.status, StatusCode::OK);
        let zrzy = app.store.department_id(&banner(), "zrzy").await.unwrap();
        let form = [("action", "role"), ("role", "department_head"), ("department_id", zrzy.as_str())];
        let res = app.post_form("/security/accounts/zrzy_handler", Some(security), &form).await;
        assert_eq!(res.location(), Some("/security/accounts"), "{}", res.body);
        assert_eq!(app.get("/", Some(handler)).await.location(), Some("/login"));
        let changed = app.store.user_by_username("zrzy_handler").await.unwrap().unwrap();
        assert_eq!((changed.role.as_str(), changed.department_id.as_deref()), ("department_head", Some(zrzy.as_str())));
        let record = app.store.events_for("user", &changed.id).await.unwrap();
        let role_event = record.iter().find(|e| e.action == "user.role").expect("recorded");
        assert_eq!(role_event.actor_role.as_deref(), Some("security_admin"));
        // So is its unlocking, with its actor.
        let unlock = record.iter().find(|e| e.action == "user.unlock").expect("the unlock is recorded");
        assert_eq!(unlock.actor_role.as_deref(), Some("security_admin"));
        let no_department = [("action", "role"), ("role", "handler"), ("department_id", "")];
        let res = app.post_form("/security/accounts/zrzy_handler", Some(security), &no_department).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("该角色必须归属一个部门"), "{}", res.body);

        // Never an administrator's account, never their own, never an administrator's role.
        for (who, form) in [
            ("admin", vec![("action", "unlock")]),
            ("auditor", vec![("action", "role"), ("role", "office")]),
            ("security", vec![("action", "role"), ("role", "office")]),
            ("office", vec![("action", "role"), ("role", "audit_admin")]),
        ] {
            let res = app.post_form(&format!("/security/accounts/{who}"), Some(security), &form).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
        }
        let office = app.store.user_by_username("office").await.unwrap().unwrap();
        assert_eq!(office.role.as_str(), "office");
    })
    .await;
}
