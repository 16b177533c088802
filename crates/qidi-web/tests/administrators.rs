//! The three administrators (三员分立) on both backends: none of them reads business
//! data or materials; the audit administrator alone searches the record; the security
//! administrator alone unlocks accounts, resets second factors and changes roles, and
//! never an administrator's account or their own; the system administrator alone
//! creates staff accounts and disables or enables them.

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

/// The one-time password on the page that answered an account's creation.
fn one_time_password(body: &str) -> String {
    let at = body.find("<p><code>").unwrap_or_else(|| panic!("no password shown: {body}")) + "<p><code>".len();
    body[at..at + body[at..].find("</code>").unwrap()].to_string()
}

#[tokio::test]
async fn the_system_administrator_creates_and_disables_staff_accounts_but_no_administrators() {
    TestApp::on_each_backend(|app| async move {
        let cookies = demo(&app).await;
        let admin = cookie(&cookies, "admin");
        let zrzy = app.store.department_id(&banner(), "zrzy").await.unwrap();
        for other in ["security", "auditor", "office", "zrzy_handler"] {
            assert_eq!(app.get("/admin/accounts", Some(cookie(&cookies, other))).await.status, StatusCode::NOT_FOUND);
            let form = [("username", "sneaky"), ("display_name", "x"), ("role", "office")];
            let res = app.post_form("/admin/accounts", Some(cookie(&cookies, other)), &form).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{other}");
        }
        let page = app.get("/admin/accounts", Some(admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("zrzy_handler") && page.body.contains("创建账户"), "{}", page.body);
        assert!(!page.body.contains("value=\"security_admin\"") && !page.body.contains("value=\"applicant\""));

        // A new handler: its one-time password is shown once, and it must set its own.
        let form = [
            ("username", "zrzy_new"),
            ("display_name", "自然资源局 新经办人"),
            ("role", "handler"),
            ("department_id", zrzy.as_str()),
        ];
        let res = app.post_form("/admin/accounts", Some(admin), &form).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let password = one_time_password(&res.body);
        assert!(res.headers.get("cache-control").is_some_and(|v| v.to_str().unwrap().contains("no-store")));
        let new = app.store.user_by_username("zrzy_new").await.unwrap().expect("created");
        assert_eq!(
            (new.role.as_str(), new.department_id.as_deref(), new.must_change_password),
            ("handler", Some(zrzy.as_str()), true)
        );
        let signed = app
            .post_json("/api/v1/login", None, &serde_json::json!({"username": "zrzy_new", "password": password}))
            .await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
        let created = app.store.events_for("user", &new.id).await.unwrap();
        let e = created.iter().find(|e| e.action == "user.create").expect("recorded");
        assert_eq!(e.actor_role.as_deref(), Some("admin"));
        assert!(!e.payload.contains(&password), "the password is not on the record");

        // Refused, with the reason on the page and the status of the refusal: a name
        // taken (409), an administrator's role (403), a handler without a department
        // (422). The form comes back as typed: username, display name and role.
        for (form, reason, status) in [
            (
                vec![("username", "zrzy_new"), ("display_name", "重名的经办人"), ("role", "office")],
                "已存在",
                StatusCode::CONFLICT,
            ),
            (
                vec![("username", "second_admin"), ("display_name", "第二个管理员"), ("role", "security_admin")],
                "只能创建工作人员账户",
                StatusCode::FORBIDDEN,
            ),
            (
                vec![("username", "no_dept"), ("display_name", "没有部门的经办人"), ("role", "handler")],
                "部门",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            let res = app.post_form("/admin/accounts", Some(admin), &form).await;
            assert_eq!(res.status, status, "{form:?}: {}", res.body);
            assert!(res.body.contains(reason), "{reason}: {}", res.body);
            let (username, display_name) = (form[0].1, form[1].1);
            assert!(
                res.body.contains(&format!(r#"name="username" value="{username}""#))
                    && res.body.contains(&format!(r#"name="display_name" value="{display_name}""#)),
                "what was typed is kept: {}",
                res.body
            );
            if status != StatusCode::FORBIDDEN {
                assert!(res.body.contains(&format!(r#"value="{}" selected"#, form[2].1)), "{}", res.body);
            }
        }
        assert!(app.store.user_by_username("second_admin").await.unwrap().is_none());

        // Disabling ends the handler's session at once; enabling lets it sign in again.
        let handler = cookie(&cookies, "zrzy_handler");
        assert_eq!(app.get("/", Some(handler)).await.status, StatusCode::OK);
        let res = app.post_form("/admin/accounts/zrzy_handler", Some(admin), &[("action", "disable")]).await;
        assert_eq!(res.location(), Some("/admin/accounts"), "{}", res.body);
        assert_eq!(app.get("/", Some(handler)).await.location(), Some("/login"));
        let again = serde_json::json!({"username": "zrzy_handler", "password": PASSWORD});
        assert_ne!(app.post_json("/api/v1/login", None, &again).await.status, StatusCode::OK);
        let res = app.post_form("/admin/accounts/zrzy_handler", Some(admin), &[("action", "enable")]).await;
        assert_eq!(res.location(), Some("/admin/accounts"));
        assert_eq!(app.post_json("/api/v1/login", None, &again).await.status, StatusCode::OK);
        let target = app.store.user_by_username("zrzy_handler").await.unwrap().unwrap();
        let record = app.store.events_for("user", &target.id).await.unwrap();
        for action in ["user.disable", "user.enable"] {
            let e = record.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("{action}"));
            assert_eq!(e.actor_role.as_deref(), Some("admin"), "{action}");
        }

        // A forgotten password: a new one-time password, shown once; the old password and
        // the session stop working, and the person must set their own.
        let handler = app.sign_in("zrzy_handler").await;
        let res = app.post_form("/admin/accounts/zrzy_handler", Some(admin), &[("action", "reset_password")]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("已重置账户"), "{}", res.body);
        let reset = one_time_password(&res.body);
        assert_eq!(app.get("/", Some(&handler)).await.location(), Some("/login"));
        assert_ne!(app.post_json("/api/v1/login", None, &again).await.status, StatusCode::OK);
        let with_reset = serde_json::json!({"username": "zrzy_handler", "password": reset});
        let signed = app.post_json("/api/v1/login", None, &with_reset).await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
        let me = app.get("/", signed.session_cookie().as_deref()).await;
        assert_eq!(me.location(), Some("/password"), "the one-time password must be changed first");
        let record = app.store.events_for("user", &target.id).await.unwrap();
        let e = record.iter().rev().find(|e| e.action == "user.password").expect("the reset is recorded");
        assert_eq!(e.actor_role.as_deref(), Some("admin"));
        assert!(!e.payload.contains(&reset));

        // Never an administrator's account, nor the system administrator's own.
        for who in ["security", "auditor", "admin"] {
            let path = format!("/admin/accounts/{who}");
            let res = app.post_form(&path, Some(admin), &[("action", "disable")]).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
            assert!(!app.store.user_by_username(who).await.unwrap().unwrap().disabled, "{who}");
            let res = app.post_form(&path, Some(admin), &[("action", "reset_password")]).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        }
    })
    .await;
}

/// The hidden fields of the first form after `after` in a page, as a browser sends them.
fn hidden_fields(body: &str, after: &str) -> Vec<(String, String)> {
    let start = body.find(after).unwrap_or_else(|| panic!("{after} not on the page: {body}"));
    let form = &body[start..start + body[start..].find("</form>").expect("the form ends")];
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let name = &rest[..rest.find('"').unwrap()];
            let value = rest.split("value=\"").nth(1).map(|v| &v[..v.find('"').unwrap()]).unwrap_or("");
            (unescape(name), unescape(value))
        })
        .collect()
}

#[tokio::test]
async fn without_scripts_a_step_that_cannot_be_undone_is_asked_on_a_page_first() {
    TestApp::on_each_backend(|app| async move {
        let cookies = demo(&app).await;
        let admin = cookie(&cookies, "admin");
        let disabled = |app: &TestApp| {
            let store = app.store.clone();
            async move { store.user_by_username("zrzy_handler").await.unwrap().unwrap().disabled }
        };
        // The disable form as the accounts page offers it: its question rides with it.
        let page = app.get("/admin/accounts", Some(admin)).await;
        let question = "停用后该账户立即退出登录，且不能再登录。确定停用吗？";
        let at = page.body.find(question).expect("the disable form carries its question");
        let form = hidden_fields(&page.body[page.body[..at].rfind("<form").unwrap()..], "<form");
        let expected = [("confirm_question", question), ("action", "disable")];
        assert_eq!(form, expected.map(|(k, v)| (k.to_string(), v.to_string())));

        // Sent as a browser without scripts sends it (no yes): the question comes back on
        // a page of its own, nothing is done, and a way back leads to where the form was.
        let body = form.iter().map(|(k, v)| format!("{k}={}", common::urlencode(v))).collect::<Vec<_>>().join("&");
        let req = axum::http::Request::post("/admin/accounts/zrzy_handler")
            .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(axum::http::header::COOKIE, admin)
            .header(axum::http::header::HOST, "qidi.test")
            .header(axum::http::header::REFERER, "http://qidi.test/admin/accounts")
            .body(axum::body::Body::from(body))
            .unwrap();
        let asked = app.send(req).await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
        assert!(asked.body.contains("请确认") && asked.body.contains("确定停用吗？"), "{}", asked.body);
        assert!(asked.body.contains(r#"<a href="/admin/accounts">"#), "the way back: {}", asked.body);
        assert!(!disabled(&app).await, "nothing is done before the answer");

        // The page's own button sends the same fields with the answer: now it is done.
        let answer = hidden_fields(&asked.body, r#"action="/admin/accounts/zrzy_handler""#);
        assert!(answer.contains(&("confirmed".to_string(), "1".to_string())), "{answer:?}");
        assert!(answer.contains(&("action".to_string(), "disable".to_string())), "{answer:?}");
        let answer: Vec<(&str, &str)> = answer.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let done = app.post_form("/admin/accounts/zrzy_handler", Some(admin), &answer).await;
        assert_eq!(done.location(), Some("/admin/accounts"), "{}", done.body);
        assert!(disabled(&app).await);

        // In English the page's own words are English; the question is the form's own.
        let req = axum::http::Request::post("/admin/accounts/zrzy_handler")
            .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(axum::http::header::COOKIE, format!("{admin}; qidi_lang=en"))
            .body(axum::body::Body::from("confirm_question=Enable%3F&action=enable"))
            .unwrap();
        let asked = app.send(req).await;
        assert!(asked.body.contains("Please confirm") && asked.body.contains("Enable?"), "{}", asked.body);
        assert!(!asked.body.contains("请确认"), "{}", asked.body);
        assert!(disabled(&app).await, "still disabled: enabling was not answered");
    })
    .await;
}
