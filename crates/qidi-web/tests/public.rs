//! The public record (阳光审批) from outside, without signing in: every page and JSON
//! answer is free of personal data, cacheable, rate-limited, and 404 for an unknown
//! code; on SQLite and (with `QIDI_TEST_DATABASE_URL`) PostgreSQL.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp, TestResponse};
use qidi_core::Role;
use qidi_store::hotline::IntakeSource;
use serde_json::{json, Value};
use sqlx::Row;
use std::net::SocketAddr;

const CODE: &str = "2026-152529-44-01-900001";
const UNIT_PHONE: &str = "13812345678";
const NAME_PHONE: &str = "13987654321";
const RESPONSIBLE_PHONE: &str = "13700001234";
const ID_NUMBER: &str = "150525198801011234";
const CALLER_PHONE: &str = "13655556666";
const HANDLER: &str = "zrzy_secret_handler";
const HANDLER_NAME: &str = "经办人欧阳娜娜";
const UNIT_USER: &str = "unit_secret";
const UNIT_NAME: &str = "联系人司马光";
const NOTICE_PROBLEM: &str = "缺少唯一标记ABCDEF的盖章页";
const NOTICE_REMEDY: &str = "请致电13512345678补正";
const NOTICE_SUGGESTION: &str = "独特建议文本QWERTY";
const NOTE: &str = "内部备注不宜公开XYZ";

async fn act(app: &TestApp, cookie: &str, id: &str, action: Value) {
    let res =
        app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(cookie), &json!({ "action": action })).await;
    assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
}

/// A project whose unit, responsible person, notes and record are full of private
/// data: a phone in the unit's name and in the project's name, an ID number in the
/// check report, a handler with a distinctive account, a one-time notice with
/// distinctive text. The application is returned, resubmitted and accepted.
/// Returns (unit cookie, handler cookie, application id).
async fn secrets(app: &TestApp) -> (String, String, String) {
    let store = &app.store;
    let owner = store.owner_id_or_create(&banner(), &format!("{UNIT_NAME}个体工商户 {UNIT_PHONE}")).await.unwrap();
    let fgw = store.department_id(&banner(), "fgw").await.unwrap();
    let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
    let project = qidi_store::new_id();
    let now = qidi_store::now_text();
    sqlx::query(
        "INSERT INTO projects (id, region_code, code, name, owner_id, initiating_department_id, initiated_year, stage, in_library, created_at, updated_at)
         VALUES ($1, '152529', $2, $3, $4, $5, 2026, 'not_started', TRUE, $6, $6)",
    )
    .bind(&project)
    .bind(CODE)
    .bind(format!("明安图测试风电场（联系电话{NAME_PHONE}）"))
    .bind(&owner)
    .bind(&fgw)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    let item_type: String =
        sqlx::query("SELECT id FROM item_types WHERE code = 'land_pre_review' AND region_code = '152529'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
    let item = qidi_store::new_id();
    sqlx::query(
        "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, check_result,
                                    responsible_person, note, due_on, created_at)
         VALUES ($1, '152529', $2, $3, $4, 'pending', $5, $6, $7, '2026-12-31', $8)",
    )
    .bind(&item)
    .bind(&project)
    .bind(&item_type)
    .bind(&zrzy)
    .bind(format!("核查：法人身份证 {ID_NUMBER}"))
    .bind(format!("赵钱孙 {RESPONSIBLE_PHONE}"))
    .bind(NOTE)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    let unit = app.account(UNIT_USER, UNIT_NAME, Role::Applicant, None, Some(&owner)).await;
    let handler = app.account(HANDLER, HANDLER_NAME, Role::Handler, Some("zrzy"), None).await;
    let res = app.post_json("/api/v1/applications", Some(&unit), &json!({ "pending_item_id": item })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["application"]["id"].as_str().unwrap().to_string();
    act(app, &unit, &id, json!({ "type": "submit" })).await;
    let notice = json!({ "type": "return", "notice": {
        "problems": [{ "material": "application_form", "problem": NOTICE_PROBLEM, "remedy": NOTICE_REMEDY }],
        "suggestions": [NOTICE_SUGGESTION] } });
    act(app, &handler, &id, notice).await;
    act(app, &unit, &id, json!({ "type": "resubmit" })).await;
    act(app, &handler, &id, json!({ "type": "accept" })).await;
    // A 12345 complaint about the project: its caller and words are never public.
    let token = store.add_api_token(&banner(), "hotline", Some("12345")).await.unwrap().0;
    let order = qidi_store::testing::hotline_order("GD-PUBLIC-1", CALLER_PHONE, Some(CODE));
    store.intake_hotline_order(&banner(), IntakeSource::Api(&token), &order).await.unwrap();
    (unit, handler, id)
}

/// Runs of digits that look like a mobile number or an ID number.
fn personal_numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || (i - start == 17 && matches!(chars[i], 'X' | 'x'))) {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let mobile =
            run.len() >= 11 && run.as_bytes().windows(2).any(|w| w[0] == b'1' && (b'3'..=b'9').contains(&w[1]));
        if mobile || run.len() >= 15 {
            found.push(run);
        }
    }
    found
}

fn assert_public(path: &str, res: &TestResponse, forbidden: &[String]) {
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    assert!(res.location().is_none(), "{path} redirects");
    let numbers = personal_numbers(&res.body);
    assert!(numbers.is_empty(), "{path} shows numbers that look personal: {numbers:?}");
    for f in forbidden {
        assert!(!res.body.contains(f.as_str()), "{path} shows `{f}`");
    }
}

#[tokio::test]
async fn every_public_response_is_free_of_personal_data() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        secrets(&app).await;
        // Everything forbidden, and proof that it is really in the database.
        let mut forbidden: Vec<String> = [
            UNIT_PHONE,
            NAME_PHONE,
            RESPONSIBLE_PHONE,
            ID_NUMBER,
            HANDLER,
            HANDLER_NAME,
            UNIT_USER,
            UNIT_NAME,
            NOTICE_PROBLEM,
            NOTICE_REMEDY,
            NOTICE_SUGGESTION,
            NOTE,
            "赵钱孙",
            CALLER_PHONE,
            qidi_store::testing::CALLER_NAME,
            "一个月没有受理",
            "GD-PUBLIC-1",
            // The demo's one-time notices.
            "材料缺少盖章页",
            "补充加盖单位公章的完整材料",
            "可预约帮办代办人员现场指导",
            "组织专家评审",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for r in sqlx::query("SELECT username, display_name FROM users WHERE role <> 'applicant'")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
        {
            forbidden.push(r.get(0));
            forbidden.push(r.get(1));
        }
        let record: Vec<String> = sqlx::query("SELECT payload FROM events WHERE object_type = 'application'")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let record = record.join("\n");
        assert!(record.contains(NOTICE_PROBLEM) && record.contains("材料缺少盖章页"), "the notices are on record");
        let complaints: i64 =
            sqlx::query("SELECT COUNT(*) FROM hotline_orders").fetch_one(app.store.pool()).await.unwrap().get(0);
        assert_eq!(complaints, 1, "the complaint is on record");

        let mut paths = vec![
            "/public".to_string(),
            "/public?q=%E9%A3%8E%E7%94%B5".to_string(), // 风电
            "/public?q=2026-152529".to_string(),
            "/public?q=%E6%B5%8B%E8%AF%95".to_string(), // 测试
            "/api/v1/public/stats".to_string(),
            "/api/v1/public/projects?q=%E9%A3%8E%E7%94%B5".to_string(),
            "/api/v1/public/projects?q=2026-152529".to_string(),
            format!("/public/projects/{CODE}/qr"),
            format!("/public/projects/{CODE}/qr.svg"),
        ];
        let codes: Vec<String> = sqlx::query("SELECT code FROM projects ORDER BY code")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(codes.len(), qidi_store::demo::DEMO_PROJECTS + 1);
        for code in &codes {
            paths.push(format!("/public/projects/{code}"));
            paths.push(format!("/api/v1/public/projects/{code}"));
        }
        let mut steps = 0;
        for path in &paths {
            let res = app.get(path, None).await;
            assert_public(path, &res, &forbidden);
            if path.starts_with("/api/v1/public/projects/") {
                steps += res.json()["timeline"].as_array().unwrap().len();
            }
        }
        assert!(steps > 10, "the demo's records are shown: {steps} steps");

        // The secret project itself: its public facts are there, masked where needed.
        let page = app.get(&format!("/public/projects/{CODE}"), None).await;
        assert!(page.body.contains("明安图测试风电场") && page.body.contains("139****4321"), "{}", page.body);
        assert!(page.body.contains("退回并一次性告知") && page.body.contains("受理"));
        let j = app.get(&format!("/api/v1/public/projects/{CODE}"), None).await.json();
        let actions: Vec<&str> =
            j["timeline"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["submit", "return", "resubmit", "accept"]);
        let item = &j["items"][0];
        assert_eq!(item["department"], "旗自然资源局");
        assert_eq!(item["application_state"], "under_review");
        assert_eq!(item["light"], "green");
        assert_eq!(item["clock"]["label"], "承诺审批时限");
        assert_eq!(item["clock"]["used"], 0);
        assert!(item["lateness"].as_array().unwrap().iter().any(|l| l["label"] == "一次性告知时限"));
        // The search finds it by code and by name.
        let found = app.get("/api/v1/public/projects?q=2026-152529-44-01-9000", None).await.json();
        assert_eq!(found["projects"][0]["code"], CODE);
        let page = app.get("/public?q=%E6%B5%8B%E8%AF%95%E9%A3%8E%E7%94%B5", None).await; // 测试风电
        assert!(page.body.contains(&format!("href=\"/public/projects/{CODE}\"")), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn the_statistics_count_the_demo_baseline_and_draw_its_burn_down() {
    TestApp::on_each_backend(|app| async move {
        // An empty ledger draws an empty state, not a broken chart.
        let empty = app.get("/public", None).await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.body.contains("id=\"stats-empty\"") && !empty.body.contains("<svg"), "{}", empty.body);
        let stats = app.get("/api/v1/public/stats", None).await.json();
        assert_eq!((stats["baseline"].as_u64(), stats["burn_down"].as_array().map(Vec::len)), (Some(0), Some(0)));

        app.store.load_demo(&banner()).await.unwrap();
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        let stats = app.get("/api/v1/public/stats", None).await.json();
        let n = |k: &str| stats[k].as_u64().unwrap();
        let baseline: i64 = sqlx::query("SELECT COUNT(*) FROM baseline_items WHERE is_addition = FALSE")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert!(baseline > 0);
        assert_eq!(n("baseline"), baseline as u64);
        let approved: i64 = sqlx::query("SELECT COUNT(*) FROM baseline_items WHERE reduction = 'approved'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(n("approved"), approved as u64);
        assert_eq!(n("remaining"), n("baseline") + n("additions") - n("approved") - n("removed"));
        let weeks = stats["burn_down"].as_array().unwrap();
        assert_eq!(weeks.last().unwrap()["remaining"].as_u64(), Some(n("remaining")));
        let rates = stats["on_time_by_department"].as_array().unwrap();
        assert!(rates.iter().any(|d| d["on_time"].as_u64().unwrap() > 0), "{rates:?}");
        let page = app.get("/public", None).await;
        assert!(page.body.contains(&format!("id=\"stat-remaining\">{}</span>", n("remaining"))), "{}", page.body);
        assert!(page.body.contains("<svg") && page.body.contains("自然资源局"));
    })
    .await;
}

#[tokio::test]
async fn answers_are_cacheable_and_change_with_the_record() {
    TestApp::on_each_backend(|app| async move {
        let (_, handler, id) = secrets(&app).await;
        for path in [
            format!("/public/projects/{CODE}"),
            format!("/api/v1/public/projects/{CODE}"),
            "/api/v1/public/stats".to_string(),
            "/public".to_string(),
            format!("/public/projects/{CODE}/qr.svg"),
            format!("/public/projects/{CODE}/qr.png"),
        ] {
            let first = app.get(&path, None).await;
            assert_eq!(first.status, StatusCode::OK, "{path}");
            assert_eq!(first.headers[header::CACHE_CONTROL], "public, max-age=60", "{path}");
            let etag = first.headers[header::ETAG].to_str().unwrap().to_string();
            let req = Request::get(&path).header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap();
            let again = app.send(req).await;
            assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
            assert!(again.body.is_empty());
            assert_eq!(again.headers[header::ETAG], etag.as_str());
            let req = Request::get(&path).header(header::IF_NONE_MATCH, "\"other\"").body(Body::empty()).unwrap();
            assert_eq!(app.send(req).await.status, StatusCode::OK, "{path}");
        }
        // A new step changes the record, and so its tag.
        let path = format!("/api/v1/public/projects/{CODE}");
        let before = app.get(&path, None).await.headers[header::ETAG].to_str().unwrap().to_string();
        act(&app, &handler, &id, json!({ "type": "pause", "reason": "expert_review", "note": "专家评审" })).await;
        let req = Request::get(&path).header(header::IF_NONE_MATCH, &before).body(Body::empty()).unwrap();
        let after = app.send(req).await;
        assert_eq!(after.status, StatusCode::OK);
        assert_eq!(after.json()["items"][0]["application_state"], "paused");
    })
    .await;
}

fn from(addr: &str, path: &str) -> Request<Body> {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
    req
}

#[tokio::test]
async fn a_client_that_asks_too_often_gets_429_with_retry_after() {
    TestApp::on_each_backend(|app| async move {
        secrets(&app).await;
        let config =
            qidi_web::WebConfig { secure_cookies: false, data_dir: app.data_dir.clone(), ..Default::default() };
        let rates =
            qidi_web::Rates { public: qidi_web::ThrottlePolicy { per_minute: 3 }, ..qidi_web::Rates::from_env() };
        let router = qidi_web::router_with_rates(app.store.clone(), config, rates);
        let strict = TestApp { store: app.store.clone(), router, data_dir: app.data_dir.clone() };
        let page = format!("/public/projects/{CODE}");
        let api = format!("/api/v1/public/projects/{CODE}");
        for path in [&page, &api, &page] {
            assert_eq!(strict.send(from("192.0.2.9:1000", path)).await.status, StatusCode::OK);
        }
        let html = strict.send(from("192.0.2.9:1001", &page)).await;
        assert_eq!(html.status, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = html.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
        assert!(html.body.contains("访问过于频繁") && html.body.contains(&format!("{wait} 秒后")), "{}", html.body);
        let json = strict.send(from("192.0.2.9:1002", &api)).await;
        assert_eq!(json.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(json.headers.contains_key(header::RETRY_AFTER));
        assert_eq!(json.json()["error"]["code"], "too_many_requests");
        // Another client is not held back; sign-in keeps its own allowance.
        assert_eq!(strict.send(from("198.51.100.7:1000", &page)).await.status, StatusCode::OK);
        assert_eq!(strict.send(from("192.0.2.9:1003", "/login")).await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_code_is_a_chinese_404_and_nothing_public_asks_to_sign_in() {
    TestApp::on_each_backend(|app| async move {
        let page = app.get("/public/projects/2099-152529-44-01-999999", None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("<html lang=\"zh-CN\">") && page.body.contains("未找到该项目代码对应的项目"));
        let api = app.get("/api/v1/public/projects/2099-152529-44-01-999999", None).await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert_eq!(api.json()["error"]["code"], "not_found");
        assert!(api.json()["error"]["message"].as_str().unwrap().contains("项目代码"));
        for path in ["/public/projects/nope/qr.svg", "/public/projects/nope/qr.png", "/public/projects/nope/qr"] {
            let res = app.get(path, None).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
            assert!(res.location().is_none());
        }
        let res = app.get("/api/v1/public/projects?q=", None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("查询参数 q"));
        // A search that finds nothing says so, and is not an error.
        let res = app.get("/public?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("没有找到"));
    })
    .await;
}

#[tokio::test]
async fn the_qr_codes_point_at_the_public_page_and_the_office_can_print_them() {
    TestApp::on_each_backend(|app| async move {
        secrets(&app).await;
        let svg = app.get(&format!("/public/projects/{CODE}/qr.svg"), None).await;
        assert_eq!(svg.status, StatusCode::OK);
        assert_eq!(svg.headers[header::CONTENT_TYPE], "image/svg+xml");
        assert!(svg.body.contains("<svg") && svg.body.contains("<path"), "{}", svg.body);
        let png = app.get(&format!("/public/projects/{CODE}/qr.png"), None).await;
        assert_eq!(png.headers[header::CONTENT_TYPE], "image/png");
        let res = app.router.clone();
        let bytes = {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let r = res.oneshot(Request::get(format!("/public/projects/{CODE}/qr.png")).body(Body::empty()).unwrap());
            r.await.unwrap().into_body().collect().await.unwrap().to_bytes()
        };
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        // Version 2 or more (a URL of this length), 8 pixels a module, a 4-module margin.
        assert!(width >= (25 + 8) * 8 && width % 8 == 0, "{width}");
        // The sheet names the address the code points at.
        let sheet = app.get(&format!("/public/projects/{CODE}/qr"), None).await;
        assert!(sheet.body.contains(&format!("{}/public/projects/{CODE}", qidi_store::messages::public_url())));
        // The office's project page links to the sheet and the downloads.
        let office = app.account("office_p", "办公室", Role::Office, Some("fgw"), None).await;
        let id: String = sqlx::query("SELECT id FROM projects WHERE code = $1")
            .bind(CODE)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let page = app.get(&format!("/projects/{id}"), Some(&office)).await;
        assert_eq!(page.status, StatusCode::OK);
        for link in ["qr\"", "qr.png\"", "qr.svg\""] {
            assert!(page.body.contains(&format!("/public/projects/{CODE}/{link}")), "{link}: {}", page.body);
        }
    })
    .await;
}
