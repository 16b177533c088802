//! The approval workflow through HTTP, as the project unit, the handlers and the
//! office, on SQLite and (with `QIDI_TEST_DATABASE_URL`) PostgreSQL.

#[path = "../common/mod.rs"]
mod common;

mod guards;
mod pages;
mod steps;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp, TestResponse};
use qidi_core::Role;
use serde_json::{json, Value};
use sqlx::Row;

/// Everyone the tests need, signed in, and one project with a pending item of every
/// shipped item type.
struct World {
    unit: String,
    zrzy: String,
    zrzy2: String,
    slj: String,
    sthj: String,
    fgw: String,
    office: String,
    inspector: String,
    project: String,
    owner: String,
}

impl World {
    /// The pending item of an item type on the project.
    async fn item(&self, app: &TestApp, code: &str) -> String {
        sqlx::query(
            "SELECT i.id FROM pending_items i JOIN item_types t ON t.id = i.item_type_id WHERE i.project_id = $1 AND t.code = $2",
        )
        .bind(&self.project)
        .bind(code)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
    }
}

/// Every item type of the one project is pending in `world`, so the shipped
/// prerequisites (land pre-review first) would hold most of them back; tests about
/// other steps lift them.
async fn without_prerequisites(app: &TestApp) {
    sqlx::query("UPDATE item_types SET prerequisites = '[]'").execute(app.store.pool()).await.unwrap();
}

async fn world(app: &TestApp) -> World {
    let store = &app.store;
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    let fgw = store.department_id(&banner(), "fgw").await.unwrap();
    let project = qidi_store::new_id();
    let now = qidi_store::now_text();
    sqlx::query(
        "INSERT INTO projects (id, region_code, code, name, owner_id, initiating_department_id, stage, in_library, created_at, updated_at)
         VALUES ($1, '152529', '2022-152529-44-01-000001', '明安图风电场项目', $2, $3, 'not_started', TRUE, $4, $4)",
    )
    .bind(&project)
    .bind(&owner)
    .bind(&fgw)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    for r in sqlx::query("SELECT id, department_id FROM item_types").fetch_all(store.pool()).await.unwrap() {
        sqlx::query(
            "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
             VALUES ($1, '152529', $2, $3, $4, 'pending', $5)",
        )
        .bind(qidi_store::new_id())
        .bind(&project)
        .bind(r.get::<String, _>(0))
        .bind(r.get::<String, _>(1))
        .bind(&now)
        .execute(store.pool())
        .await
        .unwrap();
    }
    World {
        unit: app.account("unit", "绿野能源 张经理", Role::Applicant, None, Some(&owner)).await,
        zrzy: app.account("zrzy_h", "自然资源局 李娜", Role::Handler, Some("zrzy"), None).await,
        zrzy2: app.account("zrzy_h2", "自然资源局 王海", Role::Handler, Some("zrzy"), None).await,
        slj: app.account("slj_h", "水利局 赵磊", Role::Handler, Some("slj"), None).await,
        sthj: app.account("sthj_h", "生态环境分局 陈静", Role::Handler, Some("sthj"), None).await,
        fgw: app.account("fgw_h", "发改委 杨帆", Role::Handler, Some("fgw"), None).await,
        office: app.account("office_u", "大起底办公室 孙丽", Role::Office, Some("fgw"), None).await,
        inspector: app.account("insp", "派驻纪检组 乌兰", Role::Inspector, None, None).await,
        project,
        owner,
    }
}

async fn create(app: &TestApp, cookie: &str, item: &str) -> String {
    let res = app.post_json("/api/v1/applications", Some(cookie), &json!({ "pending_item_id": item })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["application"]["id"].as_str().unwrap().to_string()
}

async fn put_file(app: &TestApp, cookie: &str, id: &str, code: &str, name: &str, bytes: &[u8]) -> TestResponse {
    let req = Request::put(format!("/api/v1/applications/{id}/materials/{code}?name={}", common::urlencode(name)))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    app.send(req).await
}

async fn detail(app: &TestApp, cookie: &str, id: &str) -> Value {
    let res = app.get(&format!("/api/v1/applications/{id}"), Some(cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

async fn upload_all(app: &TestApp, cookie: &str, id: &str) {
    let d = detail(app, cookie, id).await;
    for code in d["facts"]["required_materials"].as_array().unwrap() {
        let code = code.as_str().unwrap();
        let res = put_file(app, cookie, id, code, &format!("{code}.pdf"), b"%PDF-1.4 material").await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
}

async fn act(app: &TestApp, cookie: &str, id: &str, action: Value) -> TestResponse {
    app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(cookie), &json!({ "action": action })).await
}

async fn act_ok(app: &TestApp, cookie: &str, id: &str, action: Value) -> Value {
    let res = act(app, cookie, id, action.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    res.json()
}

fn state(v: &Value) -> &str {
    v["application"]["state"].as_str().unwrap()
}

/// Status and error code of a refusal.
fn refusal(res: &TestResponse) -> (StatusCode, String, String) {
    let j = res.json();
    (
        res.status,
        j["error"]["code"].as_str().unwrap_or("").to_string(),
        j["error"]["message"].as_str().unwrap_or("").to_string(),
    )
}

async fn item_status(app: &TestApp, item: &str) -> String {
    sqlx::query("SELECT status FROM pending_items WHERE id = $1")
        .bind(item)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}

fn notice(material: &str) -> Value {
    json!({ "type": "return", "notice": {
        "problems": [{ "material": material, "problem": "界址点坐标缺失", "remedy": "补充2000国家大地坐标系坐标" }],
        "suggestions": ["可先与帮办代办人员核对材料"] } })
}

fn multipart(code: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let b = "----qidiBoundary7MA4YWxk";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"material_code\"\r\n\r\n{code}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}
