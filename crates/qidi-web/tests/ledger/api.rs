//! The ledger's JSON API: import, sign-off and a later addition, as on the pages.

use crate::common;
use crate::common::{ledger_xlsx as xlsx, TestApp};
use crate::{cast, counts, error_rows, item_type_id, ledger_rows, project_id, total, P1};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

async fn api_import(app: &TestApp, cookie: &str, query: &str, bytes: &[u8]) -> common::TestResponse {
    let req = Request::post(format!("/api/v1/ledger/import{query}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn the_json_api_imports_signs_and_adds_like_the_pages() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;

        // Row errors: 422 with each row, column and reason, and nothing written.
        let res = api_import(&app, &office, "", &xlsx(&error_rows())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let j = res.json();
        assert_eq!(j["errors"].as_array().unwrap().len(), 4);
        assert!(j["errors"].as_array().unwrap().iter().any(|e| e["row"] == 10 && e["column"] == "项目代码"));
        assert!(j["summary"].is_null());
        assert_eq!(counts(&app).await, (0, 0, 0));
        // A dry run tells what the valid part would do, and writes nothing.
        let res = api_import(&app, &office, "?dry_run=true", &xlsx(&error_rows())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "the file has errors");
        let j = res.json();
        assert_eq!((j["summary"]["projects_new"].as_u64(), j["summary"]["written"].as_bool()), (Some(3), Some(false)));
        assert_eq!(counts(&app).await, (0, 0, 0));
        // Not a workbook: a sentence, not a crash.
        let res = api_import(&app, &office, "", b"not a spreadsheet").await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["error"]["code"], "unreadable");
        // A clean file goes in.
        let res = api_import(&app, &office, "", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let j = res.json();
        assert_eq!((j["projects"].as_u64(), j["items"].as_u64()), (Some(3), Some(5)));
        assert_eq!(j["summary"]["written"], true);
        assert_eq!(counts(&app).await, (3, 5, 1));
        // The inspector reads and never writes.
        let inspector = app.sign_in("inspector").await;
        let res = api_import(&app, &inspector, "", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        // The department ledger, and its signatures through the API.
        let fgw_head = app.sign_in("fgw_head").await;
        let res = app.get("/api/v1/ledger/departments/fgw", Some(&fgw_head)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let hash = res.json()["current_hash"].as_str().unwrap().to_string();
        let zrzy = app.sign_in("zrzy_handler").await;
        assert_eq!(app.get("/api/v1/ledger/departments/fgw", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        let sign = |capacity: &'static str, hash: String| serde_json::json!({ "capacity": capacity, "hash": hash });
        let res =
            app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&fgw_head), &sign("leader", hash.clone())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "not the head's capacity");
        let res = app
            .post_json("/api/v1/ledger/departments/fgw/sign", Some(&fgw_head), &sign("department_head", "0".repeat(64)))
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "a hash that is not the ledger's now: {}", res.body);
        let res = app
            .post_json("/api/v1/ledger/departments/fgw/sign", Some(&fgw_head), &sign("department_head", hash.clone()))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["fully_signed"], false);
        let res =
            app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&inspector), &sign("leader", hash.clone())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "the inspector signs nothing");
        let leader = app.sign_in("leader").await;
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &sign("leader", hash)).await;
        assert_eq!(res.status, StatusCode::OK, "the deputy banner head signs second: {}", res.body);
        assert_eq!(
            (res.json()["fully_signed"].as_bool(), res.json()["baseline_added"].as_u64()),
            (Some(true), Some(4))
        );
        assert_eq!(total(&app).await.baseline, 4);

        // 补录 through the API joins the fixed baseline.
        let p1 = project_id(&app, P1).await;
        let energy = item_type_id(&app, "energy_review").await;
        let body = serde_json::json!({ "item_type_id": energy, "due_on": "2022-12-15" });
        let res = app.post_json(&format!("/api/v1/projects/{p1}/items"), Some(&fgw_head), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["addition"], true);
        let res = app.post_json(&format!("/api/v1/projects/{p1}/items"), Some(&fgw_head), &body).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(total(&app).await.additions, 1);
    })
    .await;
}
