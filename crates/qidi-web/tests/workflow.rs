//! The approval workflow through HTTP, as the project unit, the handlers and the
//! office, on SQLite and (with `QIDI_TEST_DATABASE_URL`) PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp, TestResponse};
use qidi_core::Role;
use qidi_store::users::NewUser;
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

async fn user(app: &TestApp, name: &str, display: &str, role: Role, dept: Option<&str>, owner: Option<&str>) -> String {
    let dept_id = match dept {
        Some(code) => Some(app.store.department_id(&banner(), code).await.unwrap()),
        None => None,
    };
    app.store
        .create_user(
            &NewUser {
                region: &banner(),
                username: name,
                display_name: display,
                role,
                department_id: dept_id.as_deref(),
                owner_id: owner,
                password: common::PASSWORD,
            },
            None,
        )
        .await
        .unwrap();
    app.sign_in(name).await
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
        unit: user(app, "unit", "绿野能源 张经理", Role::Applicant, None, Some(&owner)).await,
        zrzy: user(app, "zrzy_h", "自然资源局 李娜", Role::Handler, Some("zrzy"), None).await,
        zrzy2: user(app, "zrzy_h2", "自然资源局 王海", Role::Handler, Some("zrzy"), None).await,
        slj: user(app, "slj_h", "水利局 赵磊", Role::Handler, Some("slj"), None).await,
        sthj: user(app, "sthj_h", "生态环境分局 陈静", Role::Handler, Some("sthj"), None).await,
        fgw: user(app, "fgw_h", "发改委 杨帆", Role::Handler, Some("fgw"), None).await,
        office: user(app, "office_u", "大起底办公室 孙丽", Role::Office, Some("fgw"), None).await,
        inspector: user(app, "insp", "派驻纪检组 乌兰", Role::Inspector, None, None).await,
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

/// A date-time at 10:00 Beijing time, as the store takes it.
fn at<T: serde::de::DeserializeOwned>(date: &str) -> T {
    serde_json::from_value(json!(format!("{date}T10:00:00+08:00"))).unwrap()
}

fn store_req(mut action: Value) -> qidi_store::workflow::ActRequest {
    if action["type"] == "submit" {
        action["materials"] = json!([]);
    }
    serde_json::from_value(json!({ "action": action })).unwrap()
}

#[tokio::test]
async fn the_timeline_page_shows_dates_actors_and_working_days() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "land_pre_review").await;
        let id = create(&app, &w.unit, &item).await;
        upload_all(&app, &w.unit, &id).await;
        // A history from September 2022, with the Mid-Autumn holiday (10–12 September).
        let unit = app.store.user_by_username("unit").await.unwrap().unwrap();
        let handler = app.store.user_by_username("zrzy_h").await.unwrap().unwrap();
        let steps = [
            (&unit, json!({ "type": "submit" }), "2022-09-05"),
            (&handler, json!({ "type": "accept" }), "2022-09-08"),
            (&handler, json!({ "type": "pause", "reason": "public_notice", "note": "用地公示" }), "2022-09-13"),
            (&handler, json!({ "type": "resume" }), "2022-09-20"),
            (
                &handler,
                json!({ "type": "approve", "document_number": "正自然资预〔2022〕31号", "decided_on": "2022-09-30" }),
                "2022-09-30",
            ),
        ];
        for (who, action, on) in steps {
            app.store.act_at(who, &id, store_req(action), at(on)).await.unwrap();
        }
        let page = app.get(&format!("/projects/{}/timeline", w.project), Some(&w.unit)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for text in [
            "2022-09-05",
            "2022-09-08",
            "2022-09-13",
            "2022-09-20",
            "2022-09-30",
            "绿野能源 张经理",
            "自然资源局 李娜",
            "受理",
            "中止计时",
            "正自然资预〔2022〕31号",
        ] {
            assert!(page.body.contains(text), "timeline lacks {text}");
        }
        let days: Vec<&str> =
            page.body.split("<td class=\"n days\">").skip(1).map(|s| s.split('<').next().unwrap()).collect();
        // 5→8 Sep: 3 (accepted within the 3-day notice limit); →13: 2 (the 9th, then
        // the Mid-Autumn holiday); →20: 5; →30: 8.
        assert_eq!(&days[1..], &["3", "2", "5", "8"]);
        assert!(page.body.contains("累计 18 个工作日"), "total");
        // 水利 handles other items of the project: it sees the project, not this application.
        let other = app.get(&format!("/projects/{}/timeline", w.project), Some(&w.slj)).await;
        assert_eq!(other.status, StatusCode::OK);
        assert!(!other.body.contains("正自然资预〔2022〕31号") && other.body.contains("该项目尚无申请记录"));
        // A department with nothing on the project does not see it at all.
        let jtj = user(&app, "jtj_h", "交通局 刘洋", Role::Handler, Some("jtj"), None).await;
        assert_eq!(
            app.get(&format!("/projects/{}/timeline", w.project), Some(&jtj)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&format!("/api/v1/projects/{}/timeline", w.project), Some(&jtj)).await.status,
            StatusCode::NOT_FOUND
        );
        let api = app.get(&format!("/api/v1/projects/{}/timeline", w.project), Some(&w.inspector)).await.json();
        assert_eq!(api[0]["steps"][3]["working_days_since_previous"], 5);
    })
    .await;
}

#[tokio::test]
async fn the_inbox_puts_red_before_yellow_before_green() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        without_prerequisites(&app).await;
        let calendar = app.store.work_calendar().await.unwrap();
        let today = qidi_store::today();
        // A start date with 2 working days since: past the yellow line of the 3-day
        // notice limit, not overdue.
        let mut yellow = today;
        while calendar.working_days_between(yellow, today) < 2 {
            yellow = yellow.pred_opt().unwrap();
        }
        let unit = app.store.user_by_username("unit").await.unwrap().unwrap();
        let mut ids = Vec::new();
        for (code, on) in [
            ("energy_review", None),
            ("land_pre_review", Some("2022-09-05".to_string())),
            ("forest_land", Some(yellow.to_string())),
        ] {
            let item = w.item(&app, code).await;
            let id = create(&app, &w.unit, &item).await;
            upload_all(&app, &w.unit, &id).await;
            match on {
                Some(d) => {
                    app.store.act_at(&unit, &id, store_req(json!({ "type": "submit" })), at(&d)).await.unwrap();
                }
                None => {
                    act_ok(&app, &w.unit, &id, json!({ "type": "submit" })).await;
                }
            }
            ids.push(id);
        }
        let inbox = app.get("/api/v1/applications/inbox", Some(&w.office)).await.json();
        let lights: Vec<&str> = inbox.as_array().unwrap().iter().map(|a| a["light"].as_str().unwrap()).collect();
        assert_eq!(lights, ["red", "yellow", "green"]);
        assert_eq!(inbox[0]["id"], ids[1].as_str());
        let page = app.get("/inbox", Some(&w.office)).await;
        assert_eq!(page.status, StatusCode::OK);
        let (r, y, g) = (
            page.body.find("lamp lamp-red").unwrap(),
            page.body.find("lamp lamp-yellow").unwrap(),
            page.body.find("lamp lamp-green").unwrap(),
        );
        assert!(r < y && y < g, "lamps in order on the page");
        assert!(!page.body.contains("style="), "no inline styles: the CSP forbids them");
        // Filters, on the page and in the API: a light, an item type, free text.
        let lamps = |body: &str| body.matches("<span class=\"lamp lamp-").count();
        let red = app.get("/inbox?light=red", Some(&w.office)).await.body;
        assert_eq!(lamps(&red), 1, "{red}");
        assert!(red.contains("lamp lamp-red") && red.contains("共 1 件"));
        let green = app.get("/api/v1/applications/inbox?light=green", Some(&w.office)).await.json();
        assert_eq!(green.as_array().unwrap().len(), 1);
        assert_eq!(green[0]["id"], ids[0].as_str());
        let forest: String = sqlx::query("SELECT id FROM item_types WHERE code = 'forest_land'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let one = app.get(&format!("/inbox?item_type={forest}"), Some(&w.office)).await.body;
        assert!(lamps(&one) == 1 && one.contains("lamp lamp-yellow"), "{one}");
        assert_eq!(lamps(&app.get("/inbox?q=风电场", Some(&w.office)).await.body), 3);
        assert_eq!(lamps(&app.get("/inbox?q=光伏", Some(&w.office)).await.body), 0);
        // By due date, the earliest first: the red one (2022) leads, the green last.
        let due = app.get("/api/v1/applications/inbox?sort=due", Some(&w.office)).await.json();
        assert_eq!(due[0]["id"], ids[1].as_str());
        // A filter that cannot be read says which, in Chinese, and shows the whole inbox.
        let bad = app.get("/inbox?light=blue", Some(&w.office)).await.body;
        assert!(bad.contains("预警灯：“blue”不是红灯、黄灯或绿灯") && lamps(&bad) == 3, "{bad}");
        let bad = app.get("/api/v1/applications/inbox?page=0", Some(&w.office)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // A department's inbox holds only its own applications.
        let zrzy = app.get("/api/v1/applications/inbox", Some(&w.zrzy)).await.json();
        assert_eq!(zrzy.as_array().unwrap().len(), 1);
        // A handler's home is the department's own work, red first, with what falls
        // due today and on the next working day.
        let home = app.get("/", Some(&w.zrzy)).await.body;
        assert!(home.contains("本部门待办") && home.contains("id=\"work-red\">1<"), "{home}");
        assert!(home.contains("lamp lamp-red") && home.contains("已超期"), "{home}");
        let lcj = user(&app, "lcj_h", "林草局 额尔德尼", Role::Handler, Some("lcj"), None).await;
        let home = app.get("/", Some(&lcj)).await.body;
        // Two working days into the 3-day notice limit: due on the next working day.
        assert!(home.contains("id=\"work-red\">0<") && home.contains("id=\"work-next\">1<"), "{home}");
        assert!(home.contains("下一个工作日到期</strong>"), "{home}");
        assert!(!app.get("/", Some(&w.office)).await.body.contains("本部门待办"), "the office has the region's view");
        // The office's dashboard lists what is overdue, by working days overdue; an
        // inspector who oversees the water bureau sees only its own (none).
        let home = app.get("/", Some(&w.office)).await.body;
        let red_due = inbox[0]["application"]["due_on"].as_str().or(inbox[0]["due_on"].as_str()).unwrap().to_string();
        let days = calendar.working_days_between(red_due.parse().unwrap(), today);
        assert!(home.contains("id=\"overdue-total\">1<"), "{home}");
        assert!(home.contains(&format!("<td>{red_due}</td><td class=\"n\">{days}</td>")), "{days} days: {home}");
        user(&app, "admin_u", "系统管理员", Role::Admin, None, None).await;
        let admin_user = app.store.user_by_username("admin_u").await.unwrap().unwrap();
        let insp = app.store.user_by_username("insp").await.unwrap().unwrap();
        app.store.set_inspector_departments(&admin_user, &insp.id, &["slj".to_string()]).await.unwrap();
        let home = app.get("/", Some(&w.inspector)).await.body;
        assert!(home.contains("超期申请（旗水利局）") && home.contains("id=\"overdue-total\">0<"), "{home}");
        // The project unit's home: what waits on it and what waits on a department; the
        // red lamp is the department's lateness, not the unit's.
        let home = app.get("/", Some(&w.unit)).await.body;
        assert!(home.contains("id=\"unit-on-department\">3<") && home.contains("id=\"unit-on-unit\">0<"), "{home}");
        assert!(home.contains("id=\"unit-department-late\">1<") && home.contains("责任在部门，不在项目单位"), "{home}");
        act_ok(&app, &w.zrzy, &ids[1], notice("boundary_survey")).await;
        let home = app.get("/", Some(&w.unit)).await.body;
        assert!(home.contains("id=\"unit-on-unit\">1<") && home.contains("id=\"unit-on-department\">2<"), "{home}");
        assert!(home.contains("id=\"unit-department-late\">0<") && home.contains("已退回"), "{home}");
        let css = app.get("/static/qidi.css", None).await.body;
        assert!(css.contains(".lamp-red") && css.contains("@media print"));
    })
    .await;
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

#[tokio::test]
async fn pages_drive_the_workflow_and_files_go_out_only_in_scope() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "construction_permit").await;
        let my = app.get("/my-projects", Some(&w.unit)).await;
        assert_eq!(my.status, StatusCode::OK);
        assert!(
            my.body.contains("明安图风电场项目") && my.body.contains("前置事项未办结：用地预审与选址"),
            "{}",
            my.body
        );
        // Opening the same form twice makes one draft.
        let form = [("pending_item_id", item.as_str()), ("client_token", "page-open-1")];
        let a = app.post_form("/applications", Some(&w.unit), &form).await;
        let b = app.post_form("/applications", Some(&w.unit), &form).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location(), b.location());
        let id = a.location().unwrap().trim_start_matches("/applications/").to_string();

        // Upload every material through the page's multipart form.
        let d = detail(&app, &w.unit, &id).await;
        for code in d["facts"]["required_materials"].as_array().unwrap() {
            let (ct, body) = multipart(code.as_str().unwrap(), "施工图审查合格书.pdf", b"%PDF-1.7 page upload");
            let req = Request::post(format!("/applications/{id}/materials"))
                .header(header::COOKIE, &w.unit)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap();
            let res = app.send(req).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
        let page = app.get(&format!("/applications/{id}"), Some(&w.unit)).await;
        assert!(page.body.contains("提交申请") && !page.body.contains("未上传"), "{}", page.body);
        // Land pre-review, the permit's prerequisite, is still pending: the unit is told
        // before it submits and must tick that it knows, but is never stopped (R11).
        for text in ["提交前请注意", "尚未办结的前置事项：用地预审与选址", "name=\"confirm_missing\" required"]
        {
            assert!(page.body.contains(text), "page lacks {text}");
        }
        let token = "page-submit-1";
        let submit = [("type", "submit"), ("client_token", token), ("expected_version", "0")];
        assert_eq!(
            app.post_form(&format!("/applications/{id}/act"), Some(&w.unit), &submit).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.post_form(&format!("/applications/{id}/act"), Some(&w.unit), &submit).await.status,
            StatusCode::SEE_OTHER
        );

        // The handler's review page offers return, accept and withdraw-free forms.
        let zjj = user(&app, "zjj_h", "住建局 巴特尔", Role::Handler, Some("zjj"), None).await;
        let review = app.get(&format!("/applications/{id}"), Some(&zjj)).await;
        assert_eq!(review.status, StatusCode::OK);
        for text in ["退回并一次性告知", "name=\"problem_0\"", "受理", "value=\"accept\""] {
            assert!(review.body.contains(text), "review page lacks {text}");
        }
        assert!(!review.body.contains("value=\"approve\""), "no approval before acceptance");
        // A refused return comes back in its own form, with everything typed kept: a
        // row with a material and a problem but no remedy is incomplete, not dropped.
        let incomplete = [
            ("type", "return"),
            ("client_token", "page-ret-0"),
            ("material_0", "drawing_review"),
            ("problem_0", "审查合格书已过期"),
            ("remedy_0", ""),
            ("material_1", "drawing_review"),
            ("suggestions", "建议与审图机构联系"),
        ];
        let res = app.post_form(&format!("/applications/{id}/act"), Some(&zjj), &incomplete).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let return_form = res.body.split("name=\"type\" value=\"return\"").nth(1).expect("the return form");
        let return_form = return_form.split("</form>").next().unwrap();
        assert!(return_form.contains("role=\"alert\">一次性告知书第1项问题"), "{return_form}");
        assert!(return_form.contains("name=\"problem_0\" value=\"审查合格书已过期\""), "{return_form}");
        assert!(return_form.contains("<option value=\"drawing_review\" selected>"), "{return_form}");
        assert!(return_form.contains(">建议与审图机构联系</textarea>"), "{return_form}");
        assert_eq!(detail(&app, &w.unit, &id).await["application"]["state"], "submitted", "nothing happened");

        // A return with structured rows from the form.
        let ret = [
            ("type", "return"),
            ("client_token", "page-ret-1"),
            ("material_0", "drawing_review"),
            ("problem_0", "审查合格书已过期"),
            ("remedy_0", "提供有效期内的合格书"),
            ("material_1", ""),
            ("problem_1", ""),
            ("remedy_1", ""),
            ("suggestions", "建议与审图机构联系\n"),
        ];
        let res = app.post_form(&format!("/applications/{id}/act"), Some(&zjj), &ret).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let d = detail(&app, &w.unit, &id).await;
        assert_eq!(d["application"]["state"], "returned");
        assert_eq!(d["view"]["notices"][0]["notice"]["problems"].as_array().unwrap().len(), 1);
        assert_eq!(d["view"]["submissions"].as_array().unwrap().len(), 1, "the double post submitted once");
        // An approval form with a bad date is refused before anything happens.
        let bad = [("type", "approve"), ("document_number", "x"), ("decided_on", "2026-13-40")];
        let res = app.post_form(&format!("/applications/{id}/act"), Some(&zjj), &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("日期格式应为"));
        // No approval form on a returned application: the refusal is shown at the top.
        assert!(res.body.contains("<p class=\"error\" role=\"alert\">日期格式应为"), "{}", res.body);

        // Download: in scope, as an attachment, never sniffed; out of scope, 404.
        let file = &d["checklist"][0]["file"];
        let url = format!("/applications/{id}/files/{}", file["id"].as_str().unwrap());
        let res = app.get(&url, Some(&zjj)).await;
        assert_eq!(res.status, StatusCode::OK);
        let cd = res.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
        assert!(cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''"), "{cd}");
        assert_eq!(res.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert_eq!(res.body, "%PDF-1.7 page upload");
        assert_eq!(app.get(&url, Some(&w.slj)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/api{}", url.replacen("/applications", "/v1/applications", 1)), Some(&w.slj))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Every upload and the one download that went out are on the record, with
        // their actor's role; the refused ones are not downloads.
        let record = app.store.recent_events(1000).await.unwrap();
        let on_record = |action: &str| -> Vec<_> {
            record.iter().filter(|e| e.action == action && e.object_id.as_deref() == Some(id.as_str())).collect()
        };
        let uploads = on_record("application.file_upload");
        let materials = d["facts"]["required_materials"].as_array().unwrap().len();
        assert_eq!(uploads.len(), materials);
        assert!(uploads.iter().all(|e| e.actor_role.as_deref() == Some("applicant")), "{uploads:?}");
        let downloads = on_record("application.file_download");
        assert_eq!(downloads.len(), 1);
        assert_eq!(downloads[0].actor_role.as_deref(), Some("handler"));
        assert!(downloads[0].payload.contains(file["id"].as_str().unwrap()), "{}", downloads[0].payload);
        // Files sit under server-made names in the data directory.
        let stored: Vec<String> = std::fs::read_dir(app.data_dir.join("uploads"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!stored.is_empty() && stored.iter().all(|n| n.len() == 36 && !n.contains('.')), "{stored:?}");

        // The office edits the catalogue through its page; a handler may not.
        let cat = app.get("/catalogue", Some(&w.office)).await;
        assert!(cat.body.contains("施工图设计文件审查合格书") && cat.body.contains("默认清单"));
        let tid: String = sqlx::query("SELECT id FROM item_types WHERE code = 'construction_permit'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let edit = [
            ("promised_limit", "5"),
            ("statutory_limit", "7"),
            ("limit_unit", "calendar_days"),
            ("authority_level", "banner"),
            ("limit_source", "7 days (verified); promised 5"),
            ("limit_confirmed", "on"),
            ("materials", "application_form 建筑工程施工许可证申请表\nplanning_permit 建设工程规划许可证"),
            ("prerequisites", "land_pre_review"),
            ("warn_days", "1"),
            ("warn_ratio_percent", "80"),
        ];
        assert_eq!(app.post_form(&format!("/catalogue/{tid}"), Some(&zjj), &edit).await.status, StatusCode::FORBIDDEN);
        let res = app.post_form(&format!("/catalogue/{tid}"), Some(&w.office), &edit).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let t = app.get(&format!("/api/v1/item-types/{tid}"), Some(&w.office)).await.json();
        assert_eq!(t["promised_limit"], 5);
        assert_eq!(t["required_materials"].as_array().unwrap().len(), 2);
        // The open application keeps the checklist it was created with.
        assert_eq!(detail(&app, &w.unit, &id).await["facts"]["required_materials"].as_array().unwrap().len(), 6);
    })
    .await;
}

#[tokio::test]
async fn a_helper_acts_for_the_unit_only_once_authorised() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        without_prerequisites(&app).await;
        let helper = user(&app, "helper", "帮办员 其其格", Role::Office, Some("fgw"), None).await;
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
        let lcj = user(&app, "lcj_h", "林草局 额尔德尼", Role::Handler, Some("lcj"), None).await;
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

/// A refusal reads in the page's language: Chinese by default, English with the
/// language cookie, a status and a step through their labels, on pages and in the API.
#[tokio::test]
async fn a_workflow_refusal_reads_in_the_page_language() {
    TestApp::on_each_backend(|app| async move {
        let w = world(&app).await;
        let item = w.item(&app, "land_pre_review").await;
        let id = create(&app, &w.unit, &item).await;
        let handler_en = format!("{}; qidi_lang=en", w.zrzy);
        let act_url = format!("/applications/{id}/act");

        // The core's refusal: resuming the clock of a draft.
        let resume = [("type", "resume")];
        let zh = app.post_form(&act_url, Some(&w.zrzy), &resume).await;
        assert_eq!(zh.status, StatusCode::CONFLICT, "{}", zh.body);
        assert!(zh.body.contains("申请处于“草稿”状态，不能恢复计时"), "{}", zh.body);
        let en = app.post_form(&act_url, Some(&handler_en), &resume).await;
        assert_eq!(en.status, StatusCode::CONFLICT, "{}", en.body);
        assert!(
            en.body.contains("An application with the status “Draft” does not allow this step (Clock resumed)."),
            "{}",
            en.body
        );
        assert!(!en.body.contains("恢复计时"), "{}", en.body);
        // The API words it in the request's language too; its code is the same.
        let (status, code, message) = refusal(&act(&app, &handler_en, &id, json!({ "type": "resume" })).await);
        assert_eq!(
            (status, code.as_str(), message.as_str()),
            (
                StatusCode::CONFLICT,
                "wrong_state",
                "An application with the status “Draft” does not allow this step (Clock resumed)."
            )
        );
        let (_, code, message) = refusal(&act(&app, &w.zrzy, &id, json!({ "type": "resume" })).await);
        assert_eq!((code.as_str(), message.as_str()), ("wrong_state", "申请处于“草稿”状态，不能恢复计时"));

        // The store's refusal: a material the checklist does not name.
        let upload = |cookie: String| {
            let (ct, body) = multipart("no_such_material", "a.pdf", b"%PDF-1.7");
            Request::post(format!("/applications/{id}/materials"))
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap()
        };
        let zh = app.send(upload(w.unit.clone())).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zh.body);
        assert!(zh.body.contains("材料清单中没有“no_such_material”"), "{}", zh.body);
        let en = app.send(upload(format!("{}; qidi_lang=en", w.unit))).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", en.body);
        assert!(en.body.contains("“no_such_material” is not on the list of required materials."), "{}", en.body);

        // A filter of the inbox that cannot be read.
        let zh = app.get("/inbox?light=blue", Some(&w.zrzy)).await;
        assert!(zh.body.contains("预警灯：“blue”不是红灯、黄灯或绿灯"), "{}", zh.body);
        let en = app.get("/inbox?light=blue", Some(&handler_en)).await;
        assert!(en.body.contains("Traffic light: “blue” is not red, yellow or green."), "{}", en.body);
        assert!(!en.body.contains("预警灯"), "{}", en.body);
    })
    .await;
}
