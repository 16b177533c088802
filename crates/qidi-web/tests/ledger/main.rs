//! The ledger pages on both backends: spreadsheet upload (errors shown, nothing
//! written; valid files imported after a dry run), export, sign-off bound to the
//! content hash, the baseline that only approval or an approved removal reduces (down
//! to the database triggers), and who may do what.

#[path = "../common/mod.rs"]
mod common;

mod additions;
mod api;
mod baseline;
mod refusals;
mod roles;
mod signing;
mod uploads;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, ledger_xlsx as xlsx, TestApp, PASSWORD};
use http_body_util::BodyExt;
use qidi_core::ledger::Capacity;
use qidi_core::role::{Scope, ScopeLimit};
use qidi_core::Role;
use qidi_office::{read_ledger_bytes, ImportOptions};
use qidi_store::users::{NewUser, User};
use sqlx::Row;
use tower::ServiceExt;

const P1: &str = common::WIND_FARM_CODE;
const P2: &str = "2021-152529-59-03-000202";
const P3: &str = "2020-152529-76-01-000303";

/// Rows under the header, one per item: project cells repeated (a project's later rows
/// leave them empty, as merged cells read).
fn ledger_rows(extra: &[[&'static str; 15]]) -> Vec<[&'static str; 15]> {
    let mut rows = vec![
        common::WIND_FARM_ROW,
        ["", "", "", "", "", "", "", "", "环评", "生态环境局", "正在编制", "李娜", "未受理", "2022年10月31日", ""],
        [
            "2",
            P2,
            "正镶白旗冷链物流园项目",
            "草原农牧业发展有限公司",
            "工信局",
            "2021",
            "800",
            "在建",
            "施工许可",
            "住建局",
            "待提交",
            "张伟",
            "未受理",
            "2022/09/30",
            "",
        ],
        [
            "3",
            P3,
            "正镶白旗牧区饮水安全工程",
            "北疆建设投资有限公司",
            "发改委",
            "2020",
            "50.5",
            "未开工",
            "取水",
            "水利局",
            "已核查",
            "巴特尔",
            "已受理",
            "2022-11-15",
            "",
        ],
        ["", "", "", "", "", "", "", "", "水保", "水利局", "已核查", "巴特尔", "已受理", "2022-11-30", ""],
    ];
    rows.extend_from_slice(extra);
    rows
}

fn error_rows() -> Vec<[&'static str; 15]> {
    ledger_rows(&[
        [
            "4",
            "2022-152529-44-01-000404",
            "正镶白旗储能电站项目",
            "天骄公司",
            "发改委",
            "2022",
            "约一千万",
            "未开工",
            "规划许可",
            "自然资源局",
            "",
            "",
            "",
            "2022.9.30",
            "",
        ],
        [
            "5",
            "坏代码",
            "正镶白旗污水处理厂项目",
            "白旗公司",
            "发改委",
            "2021",
            "300",
            "未开工",
            "环评",
            "生态环境局",
            "",
            "",
            "",
            "下个月",
            "",
        ],
    ])
}

/// An account of the demo banner, of the department `dept` when given.
async fn user(app: &TestApp, username: &str, role: Role, dept: Option<&str>) -> User {
    qidi_store::testing::test_user(&app.store, username, role, dept, None, None).await
}

struct Cast {
    office: User,
    leader: User,
    fgw_head: User,
    zrzy_handler: User,
}

async fn cast(app: &TestApp) -> Cast {
    Cast {
        office: user(app, "office", Role::Office, None).await,
        leader: user(app, "leader", Role::Leader, None).await,
        fgw_head: user(app, "fgw_head", Role::DepartmentHead, Some("fgw")).await,
        zrzy_handler: {
            user(app, "inspector", Role::Inspector, None).await;
            user(app, "fgw_handler", Role::Handler, Some("fgw")).await;
            user(app, "slj_head", Role::DepartmentHead, Some("slj")).await;
            user(app, "zrzy_handler", Role::Handler, Some("zrzy")).await
        },
    }
}

/// Read these rows as the server would, with the banner's names.
async fn read(app: &TestApp, rows: &[[&str; 15]]) -> qidi_office::LedgerImport {
    let names = app.store.name_table(&banner()).await.unwrap();
    read_ledger_bytes(&xlsx(rows), &ImportOptions { names, ..ImportOptions::default() }).unwrap()
}

/// Load the clean ledger straight through the store.
async fn import(app: &TestApp, rows: &[[&str; 15]]) -> qidi_store::ledger_import::ImportSummary {
    let l = read(app, rows).await;
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    app.store.import_ledger(&banner(), &l, None, false).await.unwrap()
}

fn region() -> Scope {
    Scope { region_prefix: "152529".into(), limit: ScopeLimit::Region, read_only: true }
}

async fn counts(app: &TestApp) -> (usize, usize, usize) {
    let projects = app.store.list_projects(&region(), 1000, 0).await.unwrap().len();
    let items = app.store.list_pending_items(&region(), 1000).await.unwrap().len();
    let imports = app.store.recent_events(1000).await.unwrap().iter().filter(|e| e.action == "ledger.import").count();
    (projects, items, imports)
}

/// The bytes of a response, for downloads (the common helper reads text).
async fn get_bytes(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// Sign fgw's ledger as its head and the leader: the baseline is fixed.
async fn fix_baseline(app: &TestApp, c: &Cast) {
    let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
    let hash = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().current_hash;
    app.store.sign_ledger(&banner(), Some(&fgw_id), Capacity::DepartmentHead, &hash, false, &c.fgw_head).await.unwrap();
    let out = app.store.sign_ledger(&banner(), Some(&fgw_id), Capacity::Leader, &hash, false, &c.leader).await.unwrap();
    assert!(out.fully_signed);
    assert_eq!(out.baseline_added, 4);
}

async fn item_id(app: &TestApp, project: &str, item_type: &str) -> String {
    sqlx::query(
        "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
         WHERE p.code = $1 AND t.code = $2",
    )
    .bind(project)
    .bind(item_type)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
    .get(0)
}

async fn project_id(app: &TestApp, code: &str) -> String {
    sqlx::query("SELECT id FROM projects WHERE code = $1").bind(code).fetch_one(app.store.pool()).await.unwrap().get(0)
}

async fn item_type_id(app: &TestApp, code: &str) -> String {
    sqlx::query("SELECT id FROM item_types WHERE code = $1")
        .bind(code)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn total(app: &TestApp) -> qidi_core::ledger::Progress {
    app.store.baseline_progress(&banner(), None).await.unwrap().total
}

/// Take a pending item through the workflow as its project unit and handler: an
/// application with every material, submitted, accepted and approved today.
async fn approve_through_workflow(app: &TestApp, project: &str, item_type: &str, handler: &str) {
    let item = item_id(app, project, item_type).await;
    let owner: String = sqlx::query("SELECT owner_id FROM projects WHERE code = $1")
        .bind(project)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0);
    let unit_name = format!("unit-{}", &owner[owner.len() - 6..]);
    if app.store.user_by_username(&unit_name).await.unwrap().is_none() {
        app.store
            .create_user(
                &NewUser {
                    region: &banner(),
                    username: &unit_name,
                    display_name: "项目单位",
                    role: Role::Applicant,
                    department_id: None,
                    owner_id: Some(&owner),
                    password: PASSWORD,
                },
                None,
            )
            .await
            .unwrap();
    }
    let unit = app.sign_in(&unit_name).await;
    let handler = app.sign_in(handler).await;
    let res = app.post_json("/api/v1/applications", Some(&unit), &serde_json::json!({ "pending_item_id": item })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["application"]["id"].as_str().unwrap().to_string();
    let detail = app.get(&format!("/api/v1/applications/{id}"), Some(&unit)).await.json();
    for code in detail["facts"]["required_materials"].as_array().unwrap() {
        let code = code.as_str().unwrap();
        let req = Request::put(format!("/api/v1/applications/{id}/materials/{code}?name={code}.pdf"))
            .header(header::COOKIE, &unit)
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(&b"%PDF-1.4 material"[..]))
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::CREATED);
    }
    let today = qidi_store::today().to_string();
    for (cookie, action) in [
        (&unit, serde_json::json!({ "type": "submit" })),
        (&handler, serde_json::json!({ "type": "accept" })),
        (
            &handler,
            serde_json::json!({ "type": "approve", "document_number": "正自然资预〔2026〕7号", "decided_on": today }),
        ),
    ] {
        let res = app
            .post_json(
                &format!("/api/v1/applications/{id}/actions"),
                Some(cookie),
                &serde_json::json!({ "action": action }),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    let status: String = sqlx::query("SELECT status FROM pending_items WHERE id = $1")
        .bind(&item)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "granted");
}

/// Every signature of a ledger's JSON, as (capacity, state).
fn signature_states(ledger: &serde_json::Value) -> Vec<(String, String)> {
    ledger["versions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["signatures"].as_array().unwrap().iter())
        .map(|s| (s["capacity"].as_str().unwrap().to_string(), s["state"].as_str().unwrap().to_string()))
        .collect()
}
