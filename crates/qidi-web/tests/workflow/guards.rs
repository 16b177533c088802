//! What the workflow refuses or guards: steps out of scope, racing approvals, helpers, uploads and planted fields.

use crate::common::TestApp;
use crate::{
    act, act_ok, create, detail, item_status, multipart, put_file, refusal, state, upload_all, without_prerequisites,
    world,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use qidi_core::Role;
use serde_json::json;
use sqlx::Row;

#[tokio::test]
async fn illegal_steps_are_refused_with_the_reason_and_scope_is_kept() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "land_pre_review").await;
        // A handler cannot open an application for the unit.
        let res = app.post_json("/api/v1/applications", Some(&w.zrzy), &json!({ "pending_item_id": item })).await;
        assert_eq!(refusal(&res).0, StatusCode::FORBIDDEN, "{}", res.body);
        let id = create(&app, &w.unit, &item).await;
        upload_all(&app, &w.unit, &id).await;
        act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;

        // Another department's handler: the application does not exist for them.
        assert_eq!(app.get(&format!("/api/v1/applications/{id}"), Some(&w.slj)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(act(&app, &w.slj, &id, json!({ "type": "accept" })).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/applications/{id}"), Some(&w.slj)).await.status, StatusCode::NOT_FOUND);
        let form = [("type", "accept"), ("client_token", "t-1")];
        assert_eq!(
            app.post_form(&format!("/applications/{id}/act"), Some(&w.slj), &form).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(app.get("/api/v1/applications/inbox", Some(&w.slj)).await.json().as_array().unwrap().is_empty());
        // The initiating department sees its project's application but may not handle it.
        let (status, code, message) = refusal(&act(&app, &w.fgw, &id, json!({ "type": "accept" })).await);
        assert_eq!(
            (status, code.as_str(), message.as_str()),
            (StatusCode::FORBIDDEN, "not_handling_department", "非本部门经办人，无权办理")
        );
        // The inspector reads, never acts; the unit cannot accept its own application.
        assert_eq!(app.get(&format!("/api/v1/applications/{id}"), Some(&w.inspector)).await.status, StatusCode::OK);
        let (status, code, _) = refusal(&act(&app, &w.inspector, &id, json!({ "type": "accept" })).await);
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "role_cannot_act"));
        let (status, code, _) = refusal(&act(&app, &w.unit, &id, json!({ "type": "accept" })).await);
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "not_handler"));
        let denials: i64 = sqlx::query(
            "SELECT COUNT(*) FROM events WHERE object_id = $1 AND action = 'application.accept' AND outcome = 'denied'",
        )
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0);
        assert_eq!(denials, 3, "forbidden attempts are on the record");
        // A malformed action and an empty notice.
        let (status, _, _) = refusal(&act(&app, &w.zrzy, &id, json!({ "type": "approve_now" })).await);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, code, _) =
            refusal(&act(&app, &w.zrzy, &id, json!({ "type": "return", "notice": { "problems": [] } })).await);
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "empty_notice"));
        // A stale version is a conflict.
        let res = app
            .post_json(
                &format!("/api/v1/applications/{id}/actions"),
                Some(&w.zrzy),
                &json!({ "action": { "type": "accept" }, "expected_version": 0 }),
            )
            .await;
        assert_eq!(refusal(&res).0, StatusCode::CONFLICT);
        // Materials change only in a draft or after a return.
        let res = put_file(&app, &w.unit, &id, "boundary_survey", "late.pdf", b"late").await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_handlers_approving_at_once_get_one_200_and_one_409() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "land_pre_review").await;
        let id = create(&app, &w.unit, &item).await;
        upload_all(&app, &w.unit, &id).await;
        act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;
        let accepted = act_ok(&app, &w.zrzy, &id, json!({ "type": "accept" })).await;
        let version = accepted["version"].as_i64().unwrap();
        let mut tasks = Vec::new();
        for (n, cookie) in [(1, w.zrzy.clone()), (2, w.zrzy2.clone())] {
            let router = app.router.clone();
            let body = json!({
                "action": { "type": "approve", "document_number": format!("正自然资预〔2026〕{n}号"), "decided_on": qidi_store::today() },
                "client_token": format!("approve-{n}"),
                "expected_version": version,
            });
            let req = Request::post(format!("/api/v1/applications/{id}/actions"))
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            tasks.push(tokio::spawn(async move {
                use tower::ServiceExt;
                router.oneshot(req).await.unwrap().status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        let approvals: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE object_id = $1 AND action = 'application.approve'")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(approvals, 1, "exactly one decision on the record");
        let d = detail(&app, &w.zrzy, &id).await;
        assert_eq!(d["application"]["version"].as_i64(), Some(version + 1));
        assert_eq!(item_status(&app, &item).await, "granted");
    })
    .await;
}

#[tokio::test]
async fn a_helper_acts_for_the_unit_only_once_authorised() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        without_prerequisites(&app).await;
        let helper = app.account("helper", "帮办员 其其格", Role::Office, Some("fgw"), None).await;
        let item = w.item(&app, "grassland").await;
        let assign = |cookie: String| {
            let app = &app;
            let path = format!("/api/v1/projects/{}/helpers", w.project);
            async move { app.post_json(&path, Some(&cookie), &json!({ "username": "helper" })).await }
        };
        assert_eq!(assign(w.unit.clone()).await.status, StatusCode::FORBIDDEN);
        // The office picks the helper from a list of staff: never a project unit's or an
        // inspector's account, which are refused if sent anyway.
        let page = app.get(&format!("/projects/{}/timeline", w.project), Some(&w.office)).await;
        assert!(page.body.contains("<option value=\"helper\">帮办员 其其格（旗发展和改革委员会）"), "{}", page.body);
        assert!(!page.body.contains("<option value=\"unit\">") && !page.body.contains("<option value=\"insp\">"));
        for staff_only in ["unit", "insp"] {
            let path = format!("/api/v1/projects/{}/helpers", w.project);
            let res = app.post_json(&path, Some(&w.office), &json!({ "username": staff_only })).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{staff_only}: {}", res.body);
            assert!(res.body.contains("帮办代办人员须为"), "{}", res.body);
        }
        let res = assign(w.office.clone()).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let helper_id = res.json()["helper_user_id"].as_str().unwrap().to_string();
        // Not yet authorised by the unit: may not act for it.
        let res = app.post_json("/api/v1/applications", Some(&helper), &json!({ "pending_item_id": item })).await;
        let (status, code, _) = refusal(&res);
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "helper_not_authorised"));
        // Only the unit authorises.
        let path = format!("/api/v1/projects/{}/helpers/{helper_id}", w.project);
        assert_eq!(
            app.post_json(&path, Some(&w.office), &json!({ "authorised": true })).await.status,
            StatusCode::FORBIDDEN
        );
        let res = app.post_json(&path, Some(&w.unit), &json!({ "authorised": true })).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let id = create(&app, &helper, &item).await;
        upload_all(&app, &helper, &id).await;
        act_ok(&app, &helper, &id, json!({ "type": "submit" })).await;
        let d = detail(&app, &w.unit, &id).await;
        assert_eq!(d["timeline"][0]["helper_for"], true);
        let page = app.get(&format!("/projects/{}/timeline", w.project), Some(&w.unit)).await;
        assert!(page.body.contains("帮办代办，代表项目单位") && page.body.contains("帮办员 其其格"));
        // A helper acts for the unit, never for the department.
        let lcj = app.account("lcj_h", "林草局 额尔德尼", Role::Handler, Some("lcj"), None).await;
        let (status, code, _) = refusal(&act(&app, &helper, &id, json!({ "type": "accept" })).await);
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "not_handler"));
        act_ok(&app, &lcj, &id, json!({ "type": "accept" })).await;
        let _ = &w.owner;
    })
    .await;
}

#[tokio::test]
async fn uploads_are_capped_and_other_bodies_keep_the_2_mb_limit() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "energy_review").await;
        let id = create(&app, &w.unit, &item).await;
        // A scanned report of 3 MB is fine.
        let res = put_file(&app, &w.unit, &id, "energy_report", "节能报告.pdf", &vec![b'x'; 3 * 1024 * 1024]).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["size_bytes"], 3 * 1024 * 1024);
        // Past the cap: refused, nothing stored.
        let big = vec![b'x'; qidi_store::workflow::MAX_UPLOAD_BYTES + 1];
        let res = put_file(&app, &w.unit, &id, "energy_report", "big.pdf", &big).await;
        assert!(matches!(res.status.as_u16(), 413 | 422), "{}", res.status);
        // A material not on the checklist, and an empty file.
        assert_eq!(
            put_file(&app, &w.unit, &id, "no_such", "a.pdf", b"x").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            put_file(&app, &w.unit, &id, "energy_report", "a.pdf", b"").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // JSON elsewhere still stops at 2 MB.
        let padding = "x".repeat(3 * 1024 * 1024);
        let res = app
            .post_json("/api/v1/applications", Some(&w.unit), &json!({ "pending_item_id": item, "pad": padding }))
            .await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM application_files WHERE application_id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 1);
    })
    .await;
}

#[tokio::test]
async fn fields_a_client_may_not_set_are_never_taken_from_its_request() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "energy_review").await;
        let slj: String = sqlx::query("SELECT id FROM departments WHERE code = 'slj'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let planted = json!({
            "pending_item_id": item,
            "state": "approved",
            "version": 42,
            "region_code": "110105",
            "handling_department_id": slj,
            "owner_id": "someone-else",
            "due_on": "2099-01-01",
        });
        let res = app.post_json("/api/v1/applications", Some(&w.unit), &planted).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let id = res.json()["application"]["id"].as_str().unwrap().to_string();
        let d = detail(&app, &w.unit, &id).await;
        let a = &d["application"];
        assert_eq!((a["state"].as_str(), a["version"].as_i64()), (Some("draft"), Some(0)));
        assert_eq!(a["region_code"], "152529");
        assert_ne!(a["handling_department_id"], json!(slj));
        assert_eq!(a["owner_id"], json!(w.owner));
        assert!(a["due_on"].is_null(), "{a}");

        // An action carries only what its type allows: a planted state stays a wish.
        upload_all(&app, &w.unit, &id).await;
        let body = json!({
            "action": { "type": "submit", "state": "approved", "decided_on": "2022-01-01" },
            "expected_version": 0,
            "state": "approved",
            "handling_department_id": slj,
        });
        let res = app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(&w.unit), &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let a = detail(&app, &w.unit, &id).await;
        assert_eq!(state(&a), "submitted");
        assert_ne!(a["application"]["handling_department_id"], json!(slj));
        assert_eq!(item_status(&app, &item).await, "pending");
    })
    .await;
}

#[tokio::test]
async fn a_file_the_server_cannot_write_is_a_500_that_names_no_path() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "energy_review").await;
        let id = create(&app, &w.unit, &item).await;
        // A plain file where the uploads folder belongs: every write under it fails,
        // even for root, whom permissions would not stop.
        let uploads = qidi_store::workflow::uploads_dir(&app.data_dir);
        let _ = std::fs::remove_dir_all(&uploads);
        std::fs::write(&uploads, b"not a folder").unwrap();
        let dir = app.data_dir.to_string_lossy().to_string();

        let res = put_file(&app, &w.unit, &id, "energy_report", "节能报告.pdf", b"%PDF-1.4 report").await;
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", res.body);
        assert_eq!(res.json()["error"]["code"], "internal");
        assert!(!res.body.contains(&dir) && !res.body.contains("uploads") && !res.body.contains("os error"));

        let (ct, body) = multipart("energy_report", "节能报告.pdf", b"%PDF-1.4 report");
        let req = Request::post(format!("/applications/{id}/materials"))
            .header(header::COOKIE, &w.unit)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", res.body);
        assert!(res.body.contains("服务器文件读写失败"), "{}", res.body);
        assert!(!res.body.contains(&dir) && !res.body.contains("os error"), "{}", res.body);

        // Nothing half-written: no file row, and the folder is still the file it was.
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM application_files WHERE application_id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0);
        assert_eq!(std::fs::read(&uploads).unwrap(), b"not a folder");
    })
    .await;
}
