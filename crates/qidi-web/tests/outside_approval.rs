//! `POST /api/v1/pending-items/{id}/outside-approval` on both backends: an approval made
//! outside the system, recorded with its document number and date by the item's
//! handling department, grants the item and reduces the signed baseline by one; anyone
//! else, a blank number or a date in the future is refused with a Chinese message.

mod common;

use axum::http::StatusCode;
use common::{banner, ledger_xlsx, TestApp, PASSWORD};
use qidi_core::ledger::Capacity;
use qidi_core::Role;
use qidi_office::{read_ledger_bytes, ImportOptions};
use qidi_store::users::{NewUser, User};
use serde_json::json;
use sqlx::Row;

async fn user(app: &TestApp, username: &str, role: Role, dept: Option<&str>) -> User {
    let department_id = match dept {
        Some(code) => Some(app.store.department_id(&banner(), code).await.unwrap()),
        None => None,
    };
    let new = NewUser {
        region: &banner(),
        username,
        display_name: username,
        role,
        department_id: department_id.as_deref(),
        owner_id: None,
        password: PASSWORD,
    };
    app.store.create_user(&new, None).await.unwrap()
}

/// 发改委's ledger of one project with two items, imported and signed: a baseline of two.
async fn signed_ledger(app: &TestApp) {
    let rows = [
        common::WIND_FARM_ROW,
        ["", "", "", "", "", "", "", "", "环评", "生态环境局", "正在编制", "李娜", "未受理", "2022年10月31日", ""],
    ];
    let names = app.store.name_table(&banner()).await.unwrap();
    let ledger = read_ledger_bytes(&ledger_xlsx(&rows), &ImportOptions { names, ..ImportOptions::default() }).unwrap();
    assert!(ledger.errors.is_empty(), "{:?}", ledger.errors);
    app.store.import_ledger(&banner(), &ledger, None, false).await.unwrap();
    let head = user(app, "fgw_head", Role::DepartmentHead, Some("fgw")).await;
    let leader = user(app, "leader", Role::Leader, None).await;
    let fgw = head.department_id.clone().unwrap();
    let hash = app.store.ledger_state(&banner(), Some(&fgw)).await.unwrap().current_hash;
    app.store.sign_ledger(&banner(), Some(&fgw), Capacity::DepartmentHead, &hash, true, &head).await.unwrap();
    let out = app.store.sign_ledger(&banner(), Some(&fgw), Capacity::Leader, &hash, true, &leader).await.unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (true, 2));
}

async fn land(app: &TestApp) -> String {
    sqlx::query(
        "SELECT i.id FROM pending_items i JOIN item_types t ON t.id = i.item_type_id WHERE t.code = 'land_pre_review'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap()
    .get(0)
}

async fn remaining(app: &TestApp) -> u64 {
    app.store.baseline_progress(&banner(), None).await.unwrap().total.remaining
}

#[tokio::test]
async fn the_handling_department_records_an_outside_approval_and_the_baseline_shrinks_by_one() {
    TestApp::on_each_backend(|app| async move {
        signed_ledger(&app).await;
        user(&app, "zrzy_handler", Role::Handler, Some("zrzy")).await;
        user(&app, "slj_handler", Role::Handler, Some("slj")).await;
        user(&app, "inspector", Role::Inspector, None).await;
        let zrzy = app.sign_in("zrzy_handler").await;
        let slj = app.sign_in("slj_handler").await;
        let head = app.sign_in("fgw_head").await;
        let inspector = app.sign_in("inspector").await;
        let item = land(&app).await;
        let path = format!("/api/v1/pending-items/{item}/outside-approval");
        let today = qidi_store::today();
        let good =
            json!({"document_number": "正自然资字〔2022〕12号", "decided_on": today, "note": "台账所列已批事项"});
        assert_eq!(remaining(&app).await, 2);

        assert_eq!(app.post_json(&path, None, &good).await.status, StatusCode::UNAUTHORIZED);
        // Another department that neither handles nor initiated it does not see it.
        assert_eq!(app.post_json(&path, Some(&slj), &good).await.status, StatusCode::NOT_FOUND);
        // The initiating department and the inspectors see it, but may not grant it.
        for cookie in [&head, &inspector] {
            let res = app.post_json(&path, Some(cookie), &good).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
            assert_eq!(res.json()["error"]["message"], "只有领导小组办公室或该事项的办理部门可以登记系统外审批");
        }
        // What must be there.
        let res = app.post_json(&path, Some(&zrzy), &json!({"document_number": "  ", "decided_on": today})).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(res.json()["error"]["message"], "请填写批复文号");
        let tomorrow = today.succ_opt().unwrap();
        let res = app
            .post_json(
                &path,
                Some(&zrzy),
                &json!({"document_number": "正自然资字〔2022〕12号", "decided_on": tomorrow}),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("晚于今天"), "{}", res.body);
        let res = app.post_json(&path, Some(&zrzy), &json!({"document_number": "正自然资字〔2022〕12号"})).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(res.json()["error"]["code"], "invalid");
        let res =
            app.post_json(&path, Some(&zrzy), &json!({"document_number": "文号", "decided_on": "2022/09/01"})).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(remaining(&app).await, 2, "nothing refused changed anything");

        // The handling department's handler: recorded, granted, the baseline one lower.
        let res = app.post_json(&path, Some(&zrzy), &good).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let body = res.json();
        assert_eq!(body["document_number"], "正自然资字〔2022〕12号");
        assert_eq!(body["decided_on"], today.to_string());
        assert_eq!(body["note"], "台账所列已批事项");
        assert_eq!(body["baseline_reduced"], true);
        assert_eq!(remaining(&app).await, 1);
        let items = app.get("/api/v1/pending-items", Some(&zrzy)).await.json();
        let row = items.as_array().unwrap().iter().find(|i| i["id"] == item.as_str()).expect("still listed");
        assert_eq!(row["status"], "granted", "{row}");
        // Once is enough.
        let res = app.post_json(&path, Some(&zrzy), &good).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert_eq!(res.json()["error"]["message"], "该事项已审批办结，无需再登记");
        // Unknown ids are simply not found.
        let res = app.post_json("/api/v1/pending-items/no-such-item/outside-approval", Some(&zrzy), &good).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    })
    .await;
}
