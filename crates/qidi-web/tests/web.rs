//! The foundation's pages and API, in-process and through a real socket.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{TestApp, PASSWORD};

#[tokio::test]
async fn health_and_readiness() {
    TestApp::on_each_backend(|app| async move {
        let res = app.get("/healthz", None).await;
        assert_eq!((res.status, res.body.as_str()), (StatusCode::OK, "ok"));
        let res = app.get("/readyz", None).await;
        assert_eq!(res.status, StatusCode::OK);
        app.store.close().await;
        let res = app.get("/readyz", None).await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "a closed database is not ready");
    })
    .await;
}

#[tokio::test]
async fn signed_out_visitors_go_to_the_chinese_sign_in_page() {
    TestApp::on_each_backend(|app| async move {
        let res = app.get("/", None).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.location(), Some("/login"));
        let res = app.get("/login", None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("<html lang=\"zh-CN\">") && res.body.contains("登录"));
        assert_eq!(app.get("/api/v1/summary", None).await.status, StatusCode::UNAUTHORIZED);
        let res = app.get("/no/such/page", None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(res.body.contains("不存在"));
    })
    .await;
}

#[tokio::test]
async fn home_shows_the_demo_ledger_from_the_database() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let cookie = app.sign_in("office").await;
        let res = app.get("/", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("<span class=\"num\" id=\"stat-projects\">465</span>"), "{}", res.body);
        let summary = app.get("/api/v1/summary", Some(&cookie)).await.json();
        assert_eq!(summary["projects"], 465);
        let items = summary["pending_items"].as_i64().unwrap();
        assert!(res.body.contains(&format!("id=\"stat-items\">{items}</span>")));
        for d in summary["by_department"].as_array().unwrap() {
            assert!(res.body.contains(d["department"].as_str().unwrap()));
        }
        let list = app.get("/projects", Some(&cookie)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("项目库") && list.body.contains("下一页"));
        let projects = app.get("/api/v1/projects?per_page=500", Some(&cookie)).await.json();
        assert_eq!(projects.as_array().unwrap().len(), 465);
    })
    .await;
}

#[tokio::test]
async fn a_department_cannot_see_another_departments_items() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let zrzy = app.sign_in("zrzy_handler").await;
        let slj = app.sign_in("slj_handler").await;
        let mine = app.get("/api/v1/pending-items", Some(&zrzy)).await.json();
        let theirs = app.get("/api/v1/pending-items", Some(&slj)).await.json();
        let mine = mine.as_array().unwrap();
        let theirs = theirs.as_array().unwrap();
        assert!(!mine.is_empty() && !theirs.is_empty());
        let dept = mine[0]["handling_department_id"].as_str().unwrap().to_string();
        assert!(mine.iter().all(|i| i["handling_department_id"] == dept.as_str()));
        assert!(theirs.iter().all(|i| i["handling_department_id"] != dept.as_str()));

        // A project only 水利 handles: 404 for 自然资源, in the API and on the page.
        let hidden = theirs
            .iter()
            .map(|i| i["project_id"].as_str().unwrap())
            .find(|p| !mine.iter().any(|m| m["project_id"] == *p))
            .expect("a project without 自然资源 items");
        assert_eq!(app.get(&format!("/api/v1/projects/{hidden}"), Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/projects/{hidden}"), Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        let ok = app.get(&format!("/api/v1/projects/{hidden}"), Some(&slj)).await;
        assert_eq!(ok.status, StatusCode::OK);
        // Even on a shared project, each department sees only its own items of it.
        let shared = mine
            .iter()
            .map(|i| i["project_id"].as_str().unwrap())
            .find(|p| theirs.iter().any(|t| t["project_id"] == *p));
        if let Some(p) = shared {
            let view = app.get(&format!("/api/v1/projects/{p}"), Some(&zrzy)).await.json();
            assert!(view["pending_items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["handling_department_id"] == dept.as_str()));
        }
        let home = app.get("/", Some(&zrzy)).await;
        assert!(home.body.contains("旗自然资源局") && !home.body.contains("旗水利局</td>"));
    })
    .await;
}

#[tokio::test]
async fn sign_in_failures_look_alike_and_first_sign_in_forces_a_new_password() {
    TestApp::on_each_backend(|app| async move {
        let accounts = app.store.load_demo(&common::banner()).await.unwrap();
        let unknown = app.post_form("/login", None, &[("username", "nobody"), ("password", "x")]).await;
        let wrong = app.post_form("/login", None, &[("username", "office"), ("password", "x")]).await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(unknown.body.contains("用户名或密码错误") && wrong.body.contains("用户名或密码错误"));

        let leader = accounts.iter().find(|a| a.username == "leader").unwrap();
        let res = app.post_form("/login", None, &[("username", "leader"), ("password", &leader.password)]).await;
        assert_eq!(res.location(), Some("/password"));
        let cookie = res.session_cookie().unwrap();
        assert_eq!(app.get("/", Some(&cookie)).await.location(), Some("/password"));
        assert_eq!(app.get("/api/v1/summary", Some(&cookie)).await.status, StatusCode::FORBIDDEN);
        let weak = app
            .post_form("/password", Some(&cookie), &[("current", &leader.password), ("new", "abc"), ("confirm", "abc")])
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(weak.body.contains("密码至少 8 位"));
        let ok = app
            .post_form(
                "/password",
                Some(&cookie),
                &[("current", &leader.password), ("new", PASSWORD), ("confirm", PASSWORD)],
            )
            .await;
        assert_eq!(ok.location(), Some("/"), "{}", ok.body);
        assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::SEE_OTHER, "old session ended by the change");
        let fresh = ok.session_cookie().unwrap();
        assert_eq!(app.get("/", Some(&fresh)).await.status, StatusCode::OK);
        let changed = app.store.recent_events(20).await.unwrap();
        let changed = changed.iter().find(|e| e.action == "user.password").expect("the change is on the record");
        assert_eq!(changed.actor_role.as_deref(), Some("leader"), "with who changed it");
        assert_eq!(changed.actor_id, changed.object_id, "their own");

        let out = app.post_form("/logout", Some(&fresh), &[]).await;
        assert_eq!(out.location(), Some("/login"));
        assert_eq!(app.get("/", Some(&fresh)).await.location(), Some("/login"));
    })
    .await;
}

#[tokio::test]
async fn cross_site_writes_are_refused_and_headers_are_set() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let cookie = app.sign_in("office").await;
        let req = Request::post("/logout")
            .header(header::HOST, "qidi.example")
            .header(header::ORIGIN, "http://evil.example")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::OK, "still signed in");
        let req = Request::post("/logout")
            .header(header::HOST, "qidi.example")
            .header(header::ORIGIN, "http://qidi.example")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.send(req).await.location(), Some("/login"));

        let res = app.get("/login", None).await;
        let h = |n: &str| res.headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
        assert_eq!(h("x-content-type-options"), "nosniff");
        assert_eq!(h("cache-control"), "no-store");
        assert!(!h("x-request-id").is_empty());
        let login = app
            .post_json("/api/v1/login", None, &serde_json::json!({"username": "office", "password": PASSWORD}))
            .await;
        let set_cookie = login.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    })
    .await;
}

#[tokio::test]
async fn through_a_real_socket() {
    let url = qidi_store::testing::fresh_sqlite_database();
    let app = TestApp::new(&url).await;
    app.store.load_demo(&common::banner()).await.unwrap();
    app.store.set_password("office", PASSWORD, false).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app.router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = format!("http://{addr}");
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    let res = client
        .post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[("username", "office"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(body.contains("待批项目台账概览") && body.contains(">465<"));
    let events = app.store.recent_events(20).await.unwrap();
    let login = events.iter().find(|e| e.action == "auth.login" && e.outcome == "ok").expect("login audited");
    assert_eq!(login.client_addr.as_deref(), Some("127.0.0.1"), "the client address is recorded");
    server.abort();
}

#[tokio::test]
async fn a_provisional_due_date_is_marked_on_the_project_page() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let cookie = app.sign_in("office").await;
        let items = app.get("/api/v1/pending-items", Some(&cookie)).await.json();
        let item = &items.as_array().unwrap()[0];
        let (id, project) = (item["id"].as_str().unwrap(), item["project_id"].as_str().unwrap());
        assert_eq!(item["provisional"], false);
        sqlx::query("UPDATE pending_items SET due_on = '2027-01-05', provisional = $1 WHERE id = $2")
            .bind(true)
            .bind(id)
            .execute(app.store.pool())
            .await
            .unwrap();
        let page = app.get(&format!("/projects/{project}"), Some(&cookie)).await;
        assert!(page.body.contains("2027-01-05<span class=\"hint\">（暂定）</span>"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn baseline_progress_as_json_follows_the_scope() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        app.store.load_demo_applications(&common::banner(), &app.data_dir).await.unwrap();
        let office = app.sign_in("office").await;
        let all = app.get("/api/v1/ledger/progress", Some(&office)).await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        let all = all.json();
        let baseline = all["total"]["baseline"].as_u64().unwrap();
        let approved = all["total"]["approved"].as_u64().unwrap();
        assert!(baseline > 0 && approved > 0, "{all}");
        assert_eq!(
            all["total"]["remaining"].as_u64().unwrap(),
            baseline - approved - all["total"]["removed"].as_u64().unwrap()
        );

        let zrzy = app.sign_in("zrzy_handler").await;
        let mine = app.get("/api/v1/ledger/progress", Some(&zrzy)).await.json();
        assert!(mine["total"]["baseline"].as_u64().unwrap() < baseline, "a department sees its own part: {mine}");

        let unit = app.sign_in("applicant").await;
        assert_eq!(app.get("/api/v1/ledger/progress", Some(&unit)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/ledger/progress", None).await.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

/// The codes of the projects a library page lists, and its links to the pages before
/// and after it.
fn library_page(body: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let codes =
        body.split("<td class=\"code\">").skip(1).filter_map(|s| s.split('<').next()).map(String::from).collect();
    let link = |text: &str| {
        body.split("href=\"")
            .skip(1)
            .filter_map(|s| s.split_once('"'))
            .find(|(_, rest)| rest.contains(text))
            .map(|(href, _)| href.replace("&amp;", "&").replace("&#38;", "&"))
    };
    (codes, link("上一页"), link("下一页"))
}

/// The library pages by key: each page's links carry the key of its first or last
/// project, forward and back give the same pages, and the API takes the same key.
#[tokio::test]
async fn the_library_pages_by_key_both_ways() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let cookie = app.sign_in("office").await;
        let first = app.get("/projects", Some(&cookie)).await;
        assert_eq!(first.status, StatusCode::OK);
        let (codes1, prev1, next1) = library_page(&first.body);
        assert_eq!(codes1.len(), 50);
        assert!(prev1.is_none(), "the first page has no page before it");
        let next1 = next1.expect("a link to the second page");
        assert!(next1.contains("after="), "{next1}");

        let second = app.get(&next1, Some(&cookie)).await;
        assert_eq!(second.status, StatusCode::OK);
        let (codes2, prev2, _) = library_page(&second.body);
        assert_eq!(codes2.len(), 50);
        assert!(codes1.last().unwrap() < codes2.first().unwrap(), "page 2 starts after page 1 ends");
        // By number, the same second page.
        let (by_number, _, _) = library_page(&app.get("/projects?page=2", Some(&cookie)).await.body);
        assert_eq!(by_number, codes2);

        let back = app.get(&prev2.expect("a link back"), Some(&cookie)).await;
        let (codes_back, prev_back, _) = library_page(&back.body);
        assert_eq!(codes_back, codes1, "back from page 2 is page 1");
        assert!(prev_back.is_none(), "and it knows it is the first");

        // The API: the 5 projects after the first page's last, in order.
        let key = next1.split("after=").nth(1).unwrap().split('&').next().unwrap().to_string();
        let res = app.get(&format!("/api/v1/projects?per_page=5&after={key}"), Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let api: Vec<String> =
            res.json().as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_string()).collect();
        assert_eq!(api, codes2[..5].to_vec());
        let bad = app.get("/api/v1/projects?after=no-key", Some(&cookie)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    })
    .await;
}

/// Two lists of codes are the same; if not, says where they part.
fn same(found: Vec<String>, expected: Vec<String>, what: &str) {
    let first = found.iter().zip(&expected).position(|(a, b)| a != b);
    assert!(
        found == expected,
        "{what}: {} found, {} expected, first difference at {first:?}: {:?} / {:?}",
        found.len(),
        expected.len(),
        first.map(|i| &found[i]),
        first.map(|i| &expected[i])
    );
}

/// Every code a filtered library lists, following its pages to the end.
async fn all_filtered(app: &TestApp, cookie: &str, first: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let mut next = Some(first.to_string());
    while let Some(path) = next {
        let res = app.get(&path, Some(cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
        let (page, _, more) = library_page(&res.body);
        assert!(page.len() <= 50);
        codes.extend(page);
        next = more;
    }
    codes
}

/// The library's filters: each finds what a reading of every row finds, the pages
/// carry the filters along, a whole code finds its project, and a filter that cannot
/// be read says which field, in Chinese.
#[tokio::test]
async fn the_library_filters_find_what_the_rows_say() {
    use qidi_core::light::{light, Light};
    use sqlx::Row;
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        // Generated projects bring deadlines of every light.
        app.store.generate_projects(&common::banner(), 300, |_| {}).await.unwrap();
        let cookie = app.sign_in("office").await;
        let today = qidi_store::today();
        let date = |r: &sqlx::any::AnyRow, i: usize| r.get::<Option<String>, _>(i).and_then(|s| s.parse().ok());
        // An item's clock: its open application's while one runs (none while paused),
        // else its own ledger deadline.
        let mut rows = Vec::new();
        for sql in [
            "SELECT p.code, i.due_on, i.warn_on FROM pending_items i JOIN projects p ON p.id = i.project_id
             WHERE i.status = 'pending'
               AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pending_item_id = i.id AND a.closed_at IS NULL)",
            "SELECT p.code, a.due_on, a.warn_on FROM applications a JOIN projects p ON p.id = a.project_id
             JOIN pending_items i ON i.id = a.pending_item_id
             WHERE i.status = 'pending' AND a.closed_at IS NULL AND a.paused_since IS NULL",
        ] {
            rows.extend(sqlx::query(sql).fetch_all(app.store.pool()).await.unwrap());
        }
        let lit = |l: Light| {
            let mut codes: Vec<String> = rows
                .iter()
                .filter(|r| matches!((date(r, 1), date(r, 2)), (Some(d), Some(w)) if light(today, d, w) == l))
                .map(|r| r.get(0))
                .collect();
            codes.sort();
            codes.dedup();
            codes
        };
        let (red, yellow) = (lit(Light::Red), lit(Light::Yellow));
        assert!(!red.is_empty() && !yellow.is_empty(), "the demo has red ({}) and yellow ({})", red.len(), yellow.len());
        same(all_filtered(&app, &cookie, "/projects?light=yellow").await, yellow, "yellow");
        same(all_filtered(&app, &cookie, "/projects?light=red").await, red.clone(), "red");

        // A department: the projects its own head sees.
        let fgw: String = sqlx::query("SELECT id FROM departments WHERE code = 'fgw'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let rows = sqlx::query(
            "SELECT code FROM projects WHERE initiating_department_id = $1
             UNION SELECT p.code FROM pending_items i JOIN projects p ON p.id = i.project_id WHERE i.handling_department_id = $1",
        )
        .bind(&fgw)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        let mut theirs: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        theirs.sort();
        same(all_filtered(&app, &cookie, &format!("/projects?department={fgw}")).await, theirs, "department");

        // Year and stage together, and the form keeps what was chosen.
        let rows = sqlx::query("SELECT code FROM projects WHERE initiated_year = 2019 AND stage = 'not_started'")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
        let mut expected: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        expected.sort();
        let path = "/projects?year=2019&stage=not_started";
        same(all_filtered(&app, &cookie, path).await, expected, "year and stage");
        let page = app.get(path, Some(&cookie)).await.body;
        assert!(page.contains("value=\"2019\"") && page.contains("value=\"not_started\" selected"), "{page}");

        // A whole code is that project.
        let code = red[0].clone();
        assert_eq!(all_filtered(&app, &cookie, &format!("/projects?q={code}")).await, vec![code]);

        let bad = app.get("/projects?year=abc", Some(&cookie)).await;
        assert_eq!(bad.status, StatusCode::OK);
        assert!(bad.body.contains("筛选条件有误：立项年度：“abc”不是"), "{}", bad.body);
        let none = app.get("/projects?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E9%A1%B9%E7%9B%AE", Some(&cookie)).await;
        assert!(none.body.contains("没有符合条件的项目。"), "{}", none.body);
    })
    .await;
}

#[tokio::test]
async fn api_errors_are_json_even_when_axum_refuses() {
    TestApp::on_each_backend(|app| async move {
        let send = |method: &str, path: &str, content_type: Option<&str>, body: &str| {
            let mut b = Request::builder().method(method).uri(path);
            if let Some(t) = content_type {
                b = b.header(header::CONTENT_TYPE, t);
            }
            b.body(Body::from(body.to_string())).unwrap()
        };
        let cases = [
            (
                send("POST", "/api/v1/login", Some("application/json"), "{not json"),
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                send("POST", "/api/v1/login", Some("text/plain"), "x"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                send("POST", "/api/v1/login", Some("application/json"), r#"{"username":"x"}"#),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (send("GET", "/api/v1/no-such-thing", None, ""), StatusCode::NOT_FOUND, "not_found"),
            (send("DELETE", "/api/v1/me", None, ""), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ];
        for (req, status, code) in cases {
            let what = format!("{} {}", req.method(), req.uri());
            let res = app.send(req).await;
            assert_eq!(res.status, status, "{what}: {}", res.body);
            assert!(res.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"), "{what}");
            assert_eq!(res.json()["error"]["code"], code, "{what}: {}", res.body);
            assert!(!res.json()["error"]["message"].as_str().unwrap().is_empty());
        }
        let missing = app.send(send("POST", "/api/v1/login", Some("application/json"), r#"{"username":"x"}"#)).await;
        assert!(
            missing.json()["error"]["message"].as_str().unwrap().contains("password"),
            "names the field: {}",
            missing.body
        );
        // Pages keep their Chinese pages.
        let page = app.get("/no-such-page", None).await;
        assert!(page.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    })
    .await;
}

#[tokio::test]
async fn behind_https_the_session_cookie_is_host_prefixed_and_hsts_is_sent() {
    TestApp::on_each_backend(|app| async move {
        qidi_store::testing::office_account(&app.store, "wang", PASSWORD).await;
        app.store.set_password("wang", PASSWORD, false).await.unwrap();
        let plain = app.get("/login", None).await;
        assert!(!plain.headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS over plain HTTP");

        let config = qidi_web::WebConfig { secure_cookies: true, data_dir: app.data_dir.clone(), ..Default::default() };
        let https = TestApp {
            store: app.store.clone(),
            router: qidi_web::router(app.store.clone(), config),
            data_dir: app.data_dir.clone(),
        };
        let login = https
            .post_json("/api/v1/login", None, &serde_json::json!({"username": "wang", "password": PASSWORD}))
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);
        assert_eq!(login.headers[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
        let set = login.headers[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(set.starts_with("__Host-qidi_session=") && set.contains("; Secure") && set.contains("Path=/"), "{set}");
        assert!(!set.contains("Domain"), "{set}");
        let token = set.split(';').next().unwrap().trim_start_matches("__Host-qidi_session=").to_string();
        let me = https.get("/api/v1/me", Some(&format!("__Host-qidi_session={token}"))).await;
        assert_eq!(me.status, StatusCode::OK);
        let unprefixed = https.get("/api/v1/me", Some(&format!("qidi_session={token}"))).await;
        assert_eq!(unprefixed.status, StatusCode::UNAUTHORIZED, "behind HTTPS only the prefixed cookie counts");
    })
    .await;
}

#[tokio::test]
async fn each_role_finds_its_own_dashboard_at_home() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let region = common::banner();
        let today = qidi_store::today();
        let banner_forecast =
            app.store.baseline_progress(&region, None).await.unwrap().burn_down.forecast(today).label_zh();
        // The office and the leader: the burn-down with its forecast and the milestones.
        for who in ["office", "leader"] {
            let home = app.get("/", Some(&app.sign_in(who).await)).await.body;
            assert!(home.contains(&format!("<strong>{banner_forecast}</strong>")), "{who}: {home}");
            assert!(home.contains("id=\"milestones\"") && home.contains("部门台账签字"), "{who}");
            assert!(home.contains("<svg") && !home.contains("本部门待办"), "{who}");
        }
        // An inspector: the burn-down, not the milestones.
        let home = app.get("/", Some(&app.sign_in("inspector").await)).await.body;
        assert!(home.contains("id=\"overview\"") && !home.contains("id=\"milestones\""));
        // A department head: the department's own burn-down and its own work.
        let fgw = app.store.department_id(&region, "fgw").await.unwrap();
        let fgw_forecast =
            app.store.baseline_progress(&region, Some(&fgw)).await.unwrap().burn_down.forecast(today).label_zh();
        let home = app.get("/", Some(&app.sign_in("fgw_head").await)).await.body;
        assert!(home.contains(&format!("<strong>{fgw_forecast}</strong>")) && home.contains("本部门待办"), "{home}");
        // A handler: its work, no campaign overview; a project unit: neither.
        let home = app.get("/", Some(&app.sign_in("zrzy_handler").await)).await.body;
        assert!(home.contains("本部门待办") && !home.contains("id=\"overview\""));
        let home = app.get("/", Some(&app.sign_in("applicant").await)).await.body;
        assert!(!home.contains("本部门待办") && !home.contains("id=\"overview\""));
    })
    .await;
}

#[tokio::test]
async fn an_error_page_leads_back_to_the_page_of_this_site_it_came_from() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&common::banner()).await.unwrap();
        let cookie = app.sign_in("office").await;
        let missing = |referer: &'static str| {
            Request::get("/projects/no-such-project")
                .header(header::HOST, "qidi.example")
                .header(header::REFERER, referer)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap()
        };
        let res = app.send(missing("http://qidi.example/projects?light=red")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(res.body.contains(r#"<a href="/projects?light=red">返回上一页</a>"#), "{}", res.body);
        assert!(res.body.contains(r#"<a href="/">返回首页</a>"#));
        let res = app.send(missing("http://evil.example/projects")).await;
        assert!(!res.body.contains("返回上一页") && !res.body.contains("evil"), "{}", res.body);

        // Another site's form is refused, not asked to be confirmed.
        let req = Request::post("/logout")
            .header(header::HOST, "qidi.example")
            .header(header::ORIGIN, "http://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &cookie)
            .body(Body::from("confirm_question=%3F"))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(!res.body.contains("请确认"), "{}", res.body);
    })
    .await;
}
