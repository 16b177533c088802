//! An application's steps through the JSON API: return, resubmission, decisions, withdrawal and forwarding.

use crate::common::TestApp;
use crate::{act, act_ok, create, detail, item_status, notice, put_file, refusal, state, upload_all, world};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;
use sqlx::Row;

#[tokio::test]
async fn return_resubmit_accept_pause_resume_approve_grants_the_item() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "land_pre_review").await;
        let summary_before =
            app.get("/api/v1/summary", Some(&w.office)).await.json()["pending_items"].as_i64().unwrap();
        let id = create(&app, &w.unit, &item).await;

        // Before uploading, the unit sees every missing material by its Chinese name.
        let d = detail(&app, &w.unit, &id).await;
        let missing: Vec<&str> = d["warnings"]["missing_materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        assert_eq!(missing.len(), d["checklist"].as_array().unwrap().len());
        assert!(missing.contains(&"建设项目用地预审与选址申请表"), "{missing:?}");
        upload_all(&app, &w.unit, &id).await;
        assert_eq!(detail(&app, &w.unit, &id).await["warnings"]["missing_materials"], json!([]));

        // Double submission of the same form: one step, the same answer twice.
        let body = json!({ "action": { "type": "submit" }, "client_token": "form-7f3a", "expected_version": 0 });
        let first = app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(&w.unit), &body).await;
        let second = app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(&w.unit), &body).await;
        assert_eq!((first.status, second.status), (StatusCode::OK, StatusCode::OK), "{}", second.body);
        let (first, second) = (first.json(), second.json());
        assert_eq!((first["repeated"].as_bool(), second["repeated"].as_bool()), (Some(false), Some(true)));
        assert_eq!(first["version"], second["version"]);
        assert_eq!(state(&second), "submitted");
        // The same step without the token is a repeat, refused with the reason.
        let (status, code, _) = refusal(&act(&app, &w.unit, &id, json!({ "type": "submit" })).await);
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "already_in_state"));

        // Approving before acceptance is refused with the reason.
        let approve =
            json!({ "type": "approve", "document_number": "正自然资预〔2026〕3号", "decided_on": qidi_store::today() });
        let (status, code, message) = refusal(&act(&app, &w.zrzy, &id, approve.clone()).await);
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "not_yet_accepted"));
        assert_eq!(message, "尚未受理，不能作出审批决定");

        let r = act_ok(&app, &w.zrzy, &id, notice("boundary_survey")).await;
        assert_eq!(state(&r), "returned");
        assert_eq!(r["breaks_one_time_rule"], false);
        // The unit replaces the file the notice named and resubmits.
        let res = put_file(&app, &w.unit, &id, "boundary_survey", "界址点坐标（补正）.pdf", b"%PDF corrected").await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let r = act_ok(&app, &w.unit, &id, json!({ "type": "resubmit" })).await;
        assert_eq!(state(&r), "submitted");
        let d = detail(&app, &w.zrzy, &id).await;
        assert_eq!(d["view"]["submissions"][1]["replaced"], json!(["boundary_survey"]));

        assert_eq!(state(&act_ok(&app, &w.zrzy, &id, json!({ "type": "accept" })).await), "under_review");
        let paused =
            act_ok(&app, &w.zrzy, &id, json!({ "type": "pause", "reason": "expert_review", "note": "组织专家评审" }))
                .await;
        assert_eq!(state(&paused), "paused");
        assert!(paused["application"]["due_on"].is_null() && !paused["application"]["paused_since"].is_null());
        let resumed = act_ok(&app, &w.zrzy, &id, json!({ "type": "resume" })).await;
        assert_eq!(state(&resumed), "under_review");
        assert!(!resumed["application"]["due_on"].is_null());

        let approved = act_ok(&app, &w.zrzy, &id, approve).await;
        assert_eq!(state(&approved), "approved");
        assert_eq!(approved["application"]["pending_item_status"], "granted");
        assert_eq!(item_status(&app, &item).await, "granted");
        let summary_after = app.get("/api/v1/summary", Some(&w.office)).await.json()["pending_items"].as_i64().unwrap();
        assert_eq!(summary_after, summary_before - 1, "审批1个核减1个");

        let d = detail(&app, &w.unit, &id).await;
        let actions: Vec<&str> =
            d["timeline"].as_array().unwrap().iter().map(|s| s["action_code"].as_str().unwrap()).collect();
        assert_eq!(actions, ["submit", "return", "resubmit", "accept", "pause", "resume", "approve"]);
        assert_eq!(d["timeline"][1]["actor_name"], "自然资源局 李娜");
        // Every transition is on the record, in order, each with its actor's role.
        let record: Vec<(String, Option<String>)> = app
            .store
            .events_for("application", &id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| !e.action.starts_with("application.file") && e.action != "application.create")
            .map(|e| (e.action, e.actor_role))
            .collect();
        let expected: Vec<String> = actions.iter().map(|a| format!("application.{a}")).collect();
        assert_eq!(record.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), expected, "{record:?}");
        assert!(record.iter().all(|r| r.1.is_some()), "{record:?}");
        assert_eq!(d["available_actions"], json!([]));
        // Nothing more can happen to a decided application.
        let (status, code, _) = refusal(&act(&app, &w.unit, &id, json!({ "type": "withdraw", "reason": "x" })).await);
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "terminal"));
    })
    .await;
}

#[tokio::test]
async fn refusal_withdrawal_and_a_second_notice_that_breaks_the_one_time_rule() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        // Refused with reasons by 水利.
        let item = w.item(&app, "soil_water").await;
        let id = create(&app, &w.unit, &item).await;
        upload_all(&app, &w.unit, &id).await;
        act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;
        act_ok(&app, &w.slj, &id, json!({ "type": "accept" })).await;
        let (status, code, message) =
            refusal(&act(&app, &w.slj, &id, json!({ "type": "refuse", "reasons": " " })).await);
        assert_eq!(
            (status, code.as_str(), message.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "missing_reasons", "不予许可须说明理由")
        );
        let r = act_ok(&app, &w.slj, &id, json!({ "type": "refuse", "reasons": "方案不符合水土保持技术标准" })).await;
        assert_eq!(state(&r), "refused");
        assert_eq!(item_status(&app, &item).await, "pending", "a refusal grants nothing");
        // The unit may apply again for the same item once the first is closed.
        let again = create(&app, &w.unit, &item).await;
        assert_ne!(again, id);

        // Withdrawn by the unit while returned; a second return raising a new problem
        // about an unchanged material is allowed, but marked.
        let item = w.item(&app, "eia").await;
        let id = create(&app, &w.unit, &item).await;
        upload_all(&app, &w.unit, &id).await;
        act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;
        act_ok(&app, &w.sthj, &id, notice("eia_report")).await;
        act_ok(&app, &w.unit, &id, json!({ "type": "resubmit" })).await;
        let r = act_ok(&app, &w.sthj, &id, notice("public_participation")).await;
        assert_eq!(r["breaks_one_time_rule"], true);
        let d = detail(&app, &w.unit, &id).await;
        assert_eq!(d["one_time_violations"][0]["material"], "public_participation");
        let (status, code, _) = refusal(&act(&app, &w.unit, &id, json!({ "type": "withdraw", "reason": "" })).await);
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "missing_withdraw_reason"));
        let r = act_ok(&app, &w.unit, &id, json!({ "type": "withdraw", "reason": "项目调整选址" })).await;
        assert_eq!(state(&r), "withdrawn");
        assert!(r["application"]["closed_at"].is_string());
        let page = app.get(&format!("/applications/{id}"), Some(&w.unit)).await;
        assert!(page.body.contains("违反一次性告知"), "{}", page.body);
        // The printable notice.
        let seq = d["view"]["notices"][0]["seq"].as_u64().unwrap();
        let print = app.get(&format!("/applications/{id}/notices/{seq}"), Some(&w.unit)).await;
        assert_eq!(print.status, StatusCode::OK);
        for text in [
            "一次性告知书",
            "环境影响报告书（表）全本",
            "界址点坐标缺失",
            "可先与帮办代办人员核对材料",
            "旗生态环境分局",
            "print-doc",
        ] {
            assert!(print.body.contains(text), "notice lacks {text}");
        }
    })
    .await;
}

#[tokio::test]
async fn forwarded_to_the_higher_authority_and_the_outcome_recorded_by_the_office() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        // The office moves water intake to the league's authority; the edit is audited.
        let types = app.get("/api/v1/item-types", Some(&w.office)).await.json();
        let water = types.as_array().unwrap().iter().find(|t| t["code"] == "water_intake").unwrap().clone();
        let tid = water["id"].as_str().unwrap();
        let patch = |cookie: &str| {
            Request::patch(format!("/api/v1/item-types/{tid}"))
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({ "authority_level": "league", "promised_limit": 15 }).to_string()))
                .unwrap()
        };
        let res = app.send(patch(&w.slj)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "only the office edits the catalogue");
        let res = app.send(patch(&w.office)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!((res.json()["authority_level"].as_str(), res.json()["promised_limit"].as_u64()), (Some("league"), Some(15)));
        let audited: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'item_type.update' AND object_id = $1")
            .bind(tid)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(audited, 1);

        let item = w.item(&app, "water_intake").await;
        let id = create(&app, &w.unit, &item).await;
        upload_all(&app, &w.unit, &id).await;
        act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;
        let r = act_ok(&app, &w.slj, &id, json!({ "type": "accept" })).await;
        assert_eq!(state(&r), "accepted");
        assert_eq!(r["application"]["clock_kind"], "forward");
        let (status, code, _) = refusal(
            &act(&app, &w.slj, &id, json!({ "type": "approve", "document_number": "x", "decided_on": qidi_store::today() })).await,
        );
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "higher_authority"));
        let r = act_ok(&app, &w.slj, &id, json!({ "type": "forward", "to_authority": "锡林郭勒盟水利局" })).await;
        assert_eq!(state(&r), "forwarded");
        assert_eq!(r["application"]["awaiting"], "higher_authority");
        // The office's inbox shows it; the unit may not record the outcome.
        let inbox = app.get("/api/v1/applications/inbox", Some(&w.office)).await.json();
        assert!(inbox.as_array().unwrap().iter().any(|a| a["id"] == id.as_str()));
        let outcome = json!({ "type": "record_higher_outcome", "approved": true, "document_number": "锡水许〔2026〕8号", "decided_on": qidi_store::today() });
        let (status, code, _) = refusal(&act(&app, &w.unit, &id, outcome.clone()).await);
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "not_recorder"));
        let r = act_ok(&app, &w.office, &id, outcome).await;
        assert_eq!(state(&r), "higher_approved");
        assert_eq!(item_status(&app, &item).await, "granted");
    })
    .await;
}

#[tokio::test]
async fn a_submission_with_missing_materials_goes_through_the_api_with_warnings_by_name() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "land_pre_review").await;
        let id = create(&app, &w.unit, &item).await;
        let put = put_file(&app, &w.unit, &id, "application_form", "申请表.pdf", b"%PDF-1.4 form").await;
        assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
        let r = act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;
        assert_eq!(state(&r), "submitted");
        assert_eq!(r["application"]["clock_kind"], "notice_due", "the 3-day notice clock runs from submission");
        let names: Vec<&str> = r["warnings"]["missing_materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names.contains(&"节约集约用地论证分析专章") && !names.contains(&"建设项目用地预审与选址申请表"));
        assert!(names.iter().all(|n| !n.is_ascii()), "Chinese names, never internal codes: {names:?}");
        // The handler sees the same list on the application, and decides by notice.
        let d = detail(&app, &w.zrzy, &id).await;
        assert_eq!(d["warnings"]["missing_materials"], r["warnings"]["missing_materials"]);
        let page = app.get(&format!("/applications/{id}"), Some(&w.zrzy)).await;
        assert!(page.body.contains("提交时的缺项") && page.body.contains("节约集约用地论证分析专章"), "{}", page.body);
        // The return gets the department's running notice number.
        let r = act_ok(&app, &w.zrzy, &id, notice("boundary_survey")).await;
        assert_eq!(r["notice_number"], format!("自然资源告〔{}〕1号", &qidi_store::today().to_string()[..4]));
        // The ended clocks are kept and can be asked for by department and month.
        let month = &qidi_store::today().to_string()[..7];
        let rows = app.get(&format!("/api/v1/clock-records?department=zrzy&month={month}"), Some(&w.office)).await;
        assert_eq!(rows.status, StatusCode::OK, "{}", rows.body);
        let kept = rows.json();
        let mut kinds: Vec<&str> = kept.as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
        kinds.sort();
        assert_eq!(kinds, ["initial_review", "notice_due"], "both clocks the return ended");
        let bad = app.get("/api/v1/clock-records?month=12-2026", Some(&w.office)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("YYYY-MM"));
    })
    .await;
}
