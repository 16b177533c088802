//! Every route × every role, on both backends (SECURITY.md, "Access"). The routes are
//! read from the web crate's source, so a new route that this test does not classify
//! fails it. Then, on the demo banner with its applications:
//! - without a session, nothing but the public record, sign-in and static files answers;
//! - the inspector (and the leader) never write, whatever they send;
//! - an application, its files and its project are 404 to a handler of another
//!   department, to another project unit, and to the three administrators;
//! - no GET changes anything, and no signed-in answer may be stored by a browser or proxy.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp, TestResponse};
use qidi_core::Role;
use qidi_store::testing::test_user;
use sqlx::Row;
use std::collections::BTreeSet;

/// Routes anyone may use without signing in.
const OPEN: &[&str] = &[
    "/login",
    "/healthz",
    "/readyz",
    "/static/qidi.css",
    "/static/qidi.js",
    "/public",
    "/public/projects/{code}",
    "/public/projects/{code}/qr",
    "/public/projects/{code}/qr.png",
    "/public/projects/{code}/qr.svg",
    "/api/v1/public/projects",
    "/api/v1/public/projects/{code}",
    "/api/v1/public/stats",
    "/api/v1/login",
    // The language switch: a preference, for the public too.
    "/language",
    // The 12345 platform's own routes: an API token, not a session.
    "/api/v1/hotline/orders",
    "/api/v1/hotline/orders/{number}/follow-up",
];

/// Writes that are a person's own (signing in and out, their messages, their password
/// and second factor): a read-only role may make them.
const OWN: &[&str] = &[
    "/login",
    "/logout",
    "/language",
    "/login/code",
    "/api/v1/login",
    "/api/v1/login/code",
    "/password",
    "/account/second-factor",
    "/messages/read",
    "/messages/preferences",
    "/api/v1/messages/read-all",
    "/api/v1/messages/{id}/read",
];

/// Every (method, path) the web crate routes, read from its source: each `.route("…",`
/// and the method routers chained in it (`get(…).post(…)`).
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                routes_of(&std::fs::read_to_string(&path).unwrap(), &mut found);
            }
        }
    }
    found
}

fn routes_of(src: &str, found: &mut BTreeSet<(String, String)>) {
    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
    for (at, _) in src.match_indices(".route(") {
        let rest = src[at + 7..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else { continue };
        let Some(end) = rest.find('"') else { continue };
        let path = &rest[..end];
        // Walk the route call's arguments: a method router is a name called directly
        // inside them (`get(…)`, `.post(…)`), not one nested deeper (`max(…)`).
        let (mut depth, mut ident) = (1, String::new());
        for c in rest[end + 1..].chars() {
            match c {
                '(' => {
                    if depth == 1 && METHODS.contains(&ident.as_str()) {
                        found.insert((ident.to_uppercase(), path.to_string()));
                    }
                    depth += 1;
                    ident.clear();
                }
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    ident.clear();
                }
                c if c.is_alphanumeric() || c == '_' => ident.push(c),
                _ => ident.clear(),
            }
        }
    }
}

/// The objects the test points routes at.
struct World {
    application: String,
    file: String,
    project: String,
    project_code: String,
    /// The application's pending item, and the code of its project's initiating
    /// department: the ledger's objects of the same case.
    item: String,
    department_code: String,
}

/// A path with its parameters filled: the application, its file and its project where
/// the route takes them, harmless values elsewhere.
fn fill(path: &str, w: &World) -> String {
    let id = if path.contains("/applications/") {
        w.application.as_str()
    } else if path.contains("/projects/") {
        w.project.as_str()
    } else {
        "00000000-0000-7000-8000-000000000000"
    };
    let code = if path.starts_with("/public") || path.starts_with("/api/v1/public") {
        w.project_code.as_str()
    } else if path.contains("/materials/") {
        "site_plan"
    } else {
        "zrzy"
    };
    path.replace("{id}", id)
        .replace("{file_id}", &w.file)
        .replace("{code}", code)
        .replace("{seq}", "1")
        .replace("{number}", "T-1")
        .replace("{date}", "2026-06-01")
        .replace("{format}", "xlsx")
        .replace("{user_id}", "00000000-0000-7000-8000-000000000001")
        .replace("{username}", "office")
}

async fn ask(app: &TestApp, method: &str, path: &str, cookie: Option<&str>) -> TestResponse {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    let body = if method == "GET" {
        Body::empty()
    } else if path.starts_with("/api/") {
        b = b.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    } else {
        b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::from("client_token=access-test")
    };
    app.send(b.body(body).unwrap()).await
}

async fn world(app: &TestApp) -> World {
    app.store.load_demo(&banner()).await.unwrap();
    app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
    let r = sqlx::query(
        "SELECT a.id, f.id, p.id, p.code, a.pending_item_id, d.code FROM applications a
         JOIN application_files f ON f.application_id = a.id
         JOIN projects p ON p.id = a.project_id
         JOIN departments d ON d.id = p.initiating_department_id
         ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    World {
        application: r.get(0),
        file: r.get(1),
        project: r.get(2),
        project_code: r.get(3),
        item: r.get(4),
        department_code: r.get(5),
    }
}

/// A handler of a department that neither handles the application nor initiated its
/// project, and an applicant of another project unit.
async fn outsiders(app: &TestApp, w: &World) -> (String, String) {
    let r = sqlx::query(
        "SELECT d.code FROM departments d WHERE d.region_code = '152529'
           AND d.id NOT IN (SELECT pi.handling_department_id FROM applications a JOIN pending_items pi ON pi.id = a.pending_item_id WHERE a.id = $1)
           AND d.id NOT IN (SELECT p.initiating_department_id FROM projects p WHERE p.id = $2)
         ORDER BY d.code LIMIT 1",
    )
    .bind(&w.application)
    .bind(&w.project)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let code: String = r.get(0);
    test_user(&app.store, "outside_handler", Role::Handler, Some(&code), None, None).await;
    let owner: String = sqlx::query(
        "SELECT id FROM owners WHERE id <> (SELECT owner_id FROM projects WHERE id = $1) ORDER BY id LIMIT 1",
    )
    .bind(&w.project)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
    .get(0);
    test_user(&app.store, "outside_unit", Role::Applicant, None, Some(&owner), None).await;
    (app.sign_in("outside_handler").await, app.sign_in("outside_unit").await)
}

/// Events other than sign-ins and recorded refusals: what a write would leave.
async fn writes(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM events WHERE action NOT LIKE 'auth.%' AND action <> 'access.denied'")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}

/// Reads that are on the record by design: an export, a download, an unmasking.
const READS_ON_RECORD: &[&str] = &[
    "ledger.export",
    "library.export",
    "inbox.export",
    "bulletin.download",
    "lookback.download",
    "application.file_download",
    "hotline.unmask",
];

/// Events that change something: neither sign-ins, refusals, nor reads on the record.
async fn changes(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT action FROM events WHERE action NOT LIKE 'auth.%' AND action <> 'access.denied' ORDER BY seq")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .filter(|a| !READS_ON_RECORD.contains(&a.as_str()))
        .collect()
}

#[test]
fn every_route_in_the_source_is_read() {
    let routes = routes_in_source();
    assert!(routes.len() > 150, "{} routes: {routes:?}", routes.len());
    for expected in [
        ("GET", "/projects/{id}"),
        ("POST", "/ledger/import/confirm"),
        ("PUT", "/api/v1/applications/{id}/materials/{code}"),
        ("PATCH", "/api/v1/item-types/{id}"),
        ("POST", "/login"),
    ] {
        assert!(routes.contains(&(expected.0.to_string(), expected.1.to_string())), "{expected:?} not read");
    }
}

#[tokio::test]
async fn every_route_keeps_to_each_roles_scope() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let routes = routes_in_source();
        let (outside_handler, outside_unit) = outsiders(&app, &w).await;

        // Without a session: the sign-in page or 401, except the open routes.
        for (method, path) in &routes {
            if OPEN.contains(&path.as_str()) || path == "/login/code" {
                continue;
            }
            let res = ask(&app, method, &fill(path, &w), None).await;
            let to_login = res.status == StatusCode::SEE_OTHER && res.location() == Some("/login");
            let refused = matches!(res.status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND);
            assert!(to_login || refused, "{method} {path} without a session: {} {:?}", res.status, res.location());
        }

        // The inspector and the leader read; whatever they send writes nothing.
        for who in ["inspector", "leader"] {
            let cookie = app.sign_in(who).await;
            let before = writes(&app).await;
            for (method, path) in routes.iter().filter(|(m, _)| m != "GET") {
                if OWN.contains(&path.as_str()) || OPEN.contains(&path.as_str()) {
                    continue;
                }
                let res = ask(&app, method, &fill(path, &w), Some(&cookie)).await;
                assert!(
                    matches!(
                        res.status,
                        StatusCode::FORBIDDEN
                            | StatusCode::NOT_FOUND
                            | StatusCode::UNPROCESSABLE_ENTITY
                            | StatusCode::BAD_REQUEST
                            | StatusCode::CONFLICT
                    ) || (res.status == StatusCode::SEE_OTHER && res.location() == Some("/login")),
                    "{who} {method} {path}: {} {}",
                    res.status,
                    res.body.chars().take(300).collect::<String>()
                );
            }
            assert_eq!(writes(&app).await, before, "{who} wrote something");
        }

        // The application, its files and its project are nobody's business outside its scope.
        let mut outside = vec![("outside_handler", outside_handler), ("outside_unit", outside_unit)];
        for admin in ["admin", "security", "auditor"] {
            outside.push((admin, app.sign_in(admin).await));
        }
        let scoped: Vec<&(String, String)> = routes
            .iter()
            .filter(|(_, p)| {
                p.contains("/applications/{id}")
                    || p.contains("/projects/{id}")
                    || p.starts_with("/ledger/departments/{code}")
                    || p.starts_with("/ledger/items/{id}")
            })
            .collect();
        assert!(scoped.len() >= 19, "{scoped:?}");
        // The ledger's objects of the same case: its project's initiating department's
        // ledger, and the pending item the application is for.
        let case = |path: &str| {
            if path.starts_with("/ledger/") {
                path.replace("{code}", &w.department_code).replace("{id}", &w.item)
            } else {
                fill(path, &w)
            }
        };
        for (who, cookie) in &outside {
            let before = writes(&app).await;
            for (method, path) in &scoped {
                let res = ask(&app, method, &case(path), Some(cookie)).await;
                // A read must not find it; a write may also fall at its empty form first,
                // and must write nothing (checked below).
                let refused = matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
                    || (method != "GET"
                        && matches!(res.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST));
                assert!(
                    refused,
                    "{who} {method} {path}: {} {}",
                    res.status,
                    res.body.chars().take(300).collect::<String>()
                );
            }
            assert_eq!(writes(&app).await, before, "{who} wrote something");
        }
    })
    .await;
}

#[tokio::test]
async fn a_get_changes_nothing_and_no_signed_in_answer_is_stored() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let routes = routes_in_source();
        let gets: Vec<&String> = routes.iter().filter(|(m, _)| m == "GET").map(|(_, p)| p).collect();
        for who in ["office", "zrzy_handler", "applicant", "auditor", "security"] {
            let cookie = app.sign_in(who).await;
            let before = changes(&app).await;
            let mut answered = 0;
            for path in &gets {
                let res = ask(&app, "GET", &fill(path, &w), Some(&cookie)).await;
                assert!(!res.status.is_server_error(), "{who} GET {path}: {} {}", res.status, res.body);
                if res.status == StatusCode::OK && !OPEN.contains(&path.as_str()) {
                    answered += 1;
                    let cache = res.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok());
                    assert!(
                        cache.is_some_and(|c| c.split(',').any(|d| d.trim() == "no-store")),
                        "{who} GET {path}: {cache:?}"
                    );
                }
            }
            assert!(answered >= 3, "{who} saw {answered} pages");
            assert_eq!(changes(&app).await, before, "{who}'s GETs changed something");
        }
    })
    .await;
}

/// The reason a row-issue table gives for `row` and `column` (the header as written).
fn reason<'a>(body: &'a str, row: u32, column: &str) -> &'a str {
    let cells = format!("<tr><td class=\"n\">{row}</td><td>{column}</td><td>");
    let at = body.find(&cells).unwrap_or_else(|| panic!("no row {row} {column} in {body}")) + cells.len();
    &body[at..at + body[at..].find("</td>").unwrap()]
}

#[tokio::test]
async fn an_imported_files_row_errors_and_file_errors_read_in_the_page_language() {
    TestApp::on_each_backend(|app| async move {
        qidi_store::testing::office_account(&app.store, "wang", common::PASSWORD).await;
        let session = app.sign_in("wang").await;
        let english = format!("{session}; qidi_lang=en");
        // The sample's first project, then a second whose deadline is not a date and whose
        // handling department is unknown (sheet rows 4 and 5).
        let mut bad = common::WIND_FARM_ROW;
        bad[0] = "2";
        bad[1] = "2021-152529-59-03-000202";
        bad[2] = "正镶白旗冷链物流园项目";
        bad[9] = "公安局";
        bad[13] = "下个月";
        let workbook = common::ledger_xlsx(&[common::WIND_FARM_ROW, bad]);

        let zh = app.upload_ledger(&session, "bad.xlsx", &workbook).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zh.body);
        assert!(reason(&zh.body, 5, "完成时限").starts_with("日期“下个月”无法识别"), "{}", zh.body);
        assert!(reason(&zh.body, 5, "办理部门").starts_with("部门“公安局”不在部门目录中"), "{}", zh.body);

        let en = app.upload_ledger(&english, "bad.xlsx", &workbook).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", en.body);
        assert_eq!(
            reason(&en.body, 5, "完成时限"),
            "The date “下个月” cannot be read: write it like 2022-09-30, 2022.9.30, 2022/09/30 or 2022年9月30日."
        );
        assert!(
            reason(&en.body, 5, "办理部门")
                .starts_with("The department “公安局” is not in the directory of departments."),
            "{}",
            en.body
        );
        assert!(!en.body.contains("无法识别") && !en.body.contains("不在部门目录中"), "{}", en.body);

        // A file that is no workbook at all: refused in the reader's language too.
        let zh = app.upload_ledger(&session, "notes.xlsx", "项目代码,项目名称\n".as_bytes()).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(zh.body.contains("文件不是 Excel 工作簿"), "{}", zh.body);
        let en = app.upload_ledger(&english, "notes.xlsx", "项目代码,项目名称\n".as_bytes()).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(en.body.contains("The file is not an Excel workbook: upload an .xlsx or .xls file."), "{}", en.body);
        assert!(!en.body.contains("文件不是 Excel 工作簿"), "{}", en.body);
    })
    .await;
}

/// A JSON request to the API, with headers of its own.
async fn api_post(app: &TestApp, path: &str, cookie: &str, headers: &[(&str, &str)], body: &str) -> TestResponse {
    let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json").header(header::COOKIE, cookie);
    for (name, value) in headers {
        b = b.header(*name, *value);
    }
    app.send(b.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn the_web_layers_own_api_refusals_follow_the_requests_language() {
    TestApp::on_each_backend(|app| async move {
        qidi_store::testing::office_account(&app.store, "wang", common::PASSWORD).await;
        let session = app.sign_in("wang").await;
        let english = [("accept-language", "en")];
        let message = |res: &TestResponse| res.json()["error"]["message"].as_str().unwrap_or_default().to_string();

        // A body the supervision API cannot read: what it needs, then axum's detail.
        let body = r#"{"target": "department"}"#;
        let zh = api_post(&app, "/api/v1/supervision/orders", &session, &[], body).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zh.body);
        assert_eq!(zh.json()["error"]["code"], "invalid");
        assert!(
            message(&zh).starts_with(
                "请求格式有误（需要 target、target_id、title、reason、required_action、deadline（YYYY-MM-DD）、responsible_person）："
            ),
            "{}",
            zh.body
        );
        let en = api_post(&app, "/api/v1/supervision/orders", &session, &english, body).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", en.body);
        assert_eq!(en.json()["error"]["code"], "invalid");
        assert!(
            message(&en).starts_with("The request is malformed (target, target_id, title, reason, required_action, deadline (YYYY-MM-DD) and responsible_person are needed): "),
            "{}",
            en.body
        );
        assert!(message(&en).contains("target_id"), "axum's detail names the field: {}", en.body);
        assert!(!en.body.contains("请求格式有误") && !en.body.contains("需要"), "{}", en.body);

        // A write from another site, refused before any handler and reshaped as the
        // API's JSON: in the request's language too.
        let cross = [("origin", "https://elsewhere.example")];
        let zh = api_post(&app, "/api/v1/supervision/orders", &session, &cross, "{}").await;
        assert_eq!(zh.status, StatusCode::FORBIDDEN, "{}", zh.body);
        assert_eq!(message(&zh), "无权执行该操作：跨站请求已拒绝", "{}", zh.body);
        let cross_en = [cross[0], english[0]];
        let en = api_post(&app, "/api/v1/supervision/orders", &session, &cross_en, "{}").await;
        assert_eq!(en.status, StatusCode::FORBIDDEN, "{}", en.body);
        assert_eq!(en.json()["error"]["code"], "forbidden");
        assert_eq!(message(&en), "You may not do this: Cross-site request refused", "{}", en.body);
        assert_eq!(en.headers[header::CONTENT_LANGUAGE], "en");
    })
    .await;
}
