//! 12345 hotline work orders through HTTP on both backends: the platform's token,
//! intake that is one complaint when sent twice, field errors in Chinese, the steps
//! through the API up to closure with one reopening; the department complained about
//! never sees the caller's name or phone on any page or API answer, while the leading
//! department sees the phone masked and can unmask it, recorded; the office enters an
//! order on the web and assigns it.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{TestApp, TestResponse};
use qidi_core::Role;
use qidi_store::testing::{banner, test_pending_item, test_user};
use serde_json::{json, Value};

const PHONE: &str = "13912345678";
const NAME: &str = "赵来电";
const PROJECT: &str = "2026-152529-44-01-000001";

async fn post_bearer(app: &TestApp, path: &str, token: &str, body: &Value) -> TestResponse {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

fn order(number: &str) -> Value {
    json!({
        "order_number": number,
        "category": "blocked_submission",
        "caller_name": NAME,
        "caller_phone": PHONE,
        "text": "窗口不让提交环评申请",
        "project_code": PROJECT,
        "item_type": "land_pre_review",
    })
}

/// A project initiated by 发改委 with an item of 自然资源局; the platform's token;
/// accounts of both departments and the office. Returns the token.
async fn world(app: &TestApp) -> String {
    let owner = app.store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    test_pending_item(&app.store, &owner, 1, "land_pre_review", "zrzy").await;
    test_user(&app.store, "office", Role::Office, None, None, None).await;
    test_user(&app.store, "fgw_h", Role::Handler, Some("fgw"), None, None).await;
    test_user(&app.store, "fgw_head", Role::DepartmentHead, Some("fgw"), None, None).await;
    test_user(&app.store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await;
    test_user(&app.store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None, None).await;
    app.store.add_api_token(&banner(), "hotline", None).await.unwrap().1
}

async fn act(app: &TestApp, cookie: &str, id: &str, action: Value) -> TestResponse {
    app.post_json(&format!("/api/v1/hotline/complaints/{id}/actions"), Some(cookie), &json!({ "action": action })).await
}

#[tokio::test]
async fn an_order_sent_twice_is_one_complaint_and_runs_to_closure() {
    TestApp::on_each_backend(|app| async move {
        let token = world(&app).await;
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &order("GD-1")).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let id = res.json()["id"].as_str().unwrap().to_string();
        assert_eq!(res.json()["state"], "assigned");
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &order("GD-1")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["id"], id.as_str());

        // Bad input names the field, in Chinese; the phone is not repeated.
        let mut bad = order("GD-2");
        bad["caller_phone"] = json!("139-1234-567x");
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["error"]["field"], "caller_phone");
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("来电人电话"));
        assert!(!res.body.contains("1234-567"));
        let mut bad = order("GD-2");
        bad["category"] = json!("noise");
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &bad).await;
        assert_eq!(
            (res.status, res.json()["error"]["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("category"))
        );
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &json!({"order_number": 5})).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["error"]["code"], "invalid");
        // A wrong token, a session instead of a token, a revoked token: 401.
        assert_eq!(
            post_bearer(&app, "/api/v1/hotline/orders", "qidi_hotline_x", &order("GD-3")).await.status,
            StatusCode::UNAUTHORIZED
        );
        let office = app.sign_in("office").await;
        assert_eq!(
            app.post_json("/api/v1/hotline/orders", Some(&office), &order("GD-3")).await.status,
            StatusCode::UNAUTHORIZED
        );

        // The leading department (发改委) signs for, handles and replies.
        let lead = app.sign_in("fgw_h").await;
        let complained = app.sign_in("zrzy_h").await;
        assert_eq!(act(&app, &complained, &id, json!({"type": "sign_for"})).await.status, StatusCode::FORBIDDEN);
        let res = act(&app, &lead, &id, json!({"type": "sign_for"})).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["complaint"]["state"], "signed_for");
        assert_eq!(act(&app, &lead, &id, json!({"type": "sign_for"})).await.status, StatusCode::CONFLICT);
        assert_eq!(
            act(&app, &lead, &id, json!({"type": "handle", "note": " "})).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        for (round, satisfied) in [(1, false), (2, true)] {
            assert_eq!(
                act(&app, &lead, &id, json!({"type": "handle", "note": format!("第{round}次办理")})).await.status,
                StatusCode::OK
            );
            assert_eq!(
                act(&app, &lead, &id, json!({"type": "reply", "text": "已督促窗口受理"})).await.status,
                StatusCode::OK
            );
            let res =
                post_bearer(&app, "/api/v1/hotline/orders/GD-1/follow-up", &token, &json!({"satisfied": satisfied}))
                    .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        }
        let d = app.get(&format!("/api/v1/hotline/complaints/{id}"), Some(&office)).await.json();
        assert_eq!(
            (d["complaint"]["state"].clone(), d["complaint"]["reopen_count"].clone()),
            (json!("closed"), json!(1))
        );
        assert!(
            post_bearer(&app, "/api/v1/hotline/orders/GD-404/follow-up", &token, &json!({"satisfied": true}))
                .await
                .status
                == StatusCode::NOT_FOUND
        );

        let t = app.store.list_api_tokens(&banner()).await.unwrap()[0].id.clone();
        app.store.revoke_api_token(&banner(), &t).await.unwrap();
        assert_eq!(
            post_bearer(&app, "/api/v1/hotline/orders", &token, &order("GD-4")).await.status,
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test]
async fn the_department_complained_about_never_sees_the_caller() {
    TestApp::on_each_backend(|app| async move {
        let token = world(&app).await;
        let id = post_bearer(&app, "/api/v1/hotline/orders", &token, &order("GD-9")).await.json()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let lead = app.sign_in("fgw_h").await;
        act(&app, &lead, &id, json!({"type": "sign_for"})).await;
        // The leading department sees the phone masked, unmasks it, and that is recorded.
        let page = app.get(&format!("/hotline/{id}"), Some(&lead)).await;
        assert!(
            page.body.contains(NAME) && page.body.contains("139****5678") && !page.body.contains(PHONE),
            "{}",
            page.body
        );
        let res = app.post_form(&format!("/hotline/{id}/unmask"), Some(&lead), &[]).await;
        assert!(res.body.contains(PHONE), "unmasked on request");
        let res = app.post_json(&format!("/api/v1/hotline/complaints/{id}/unmask"), Some(&lead), &json!({})).await;
        assert_eq!(res.json()["caller_phone"], PHONE);

        for who in ["zrzy_h", "zrzy_head"] {
            let cookie = app.sign_in(who).await;
            let mut seen = Vec::new();
            for path in [
                "/".to_string(),
                "/hotline".into(),
                format!("/hotline/{id}"),
                "/api/v1/hotline/complaints".into(),
                format!("/api/v1/hotline/complaints/{id}"),
                "/messages".into(),
                "/api/v1/messages".into(),
            ] {
                let res = app.get(&path, Some(&cookie)).await;
                assert_eq!(res.status, StatusCode::OK, "{who} {path}");
                seen.push((path, res.body));
            }
            for (action, path) in [
                ("unmask", format!("/api/v1/hotline/complaints/{id}/unmask")),
                ("page unmask", format!("/hotline/{id}/unmask")),
            ] {
                let res = if action == "unmask" {
                    app.post_json(&path, Some(&cookie), &json!({})).await
                } else {
                    app.post_form(&path, Some(&cookie), &[]).await
                };
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{who} {action}");
                seen.push((path, res.body));
            }
            let res = act(&app, &cookie, &id, json!({"type": "handle", "note": "x"})).await;
            seen.push(("act".into(), res.body));
            assert!(seen[2].1.contains("来电人") && seen[2].1.contains("窗口不让提交环评申请"), "it sees the text");
            for (path, body) in &seen {
                for secret in [PHONE, NAME, "5678", "139****"] {
                    assert!(!body.contains(secret), "{who} saw {secret} at {path}");
                }
            }
        }
        // Other departments do not see the order at all.
        test_user(&app.store, "slj_h", Role::Handler, Some("slj"), None, None).await;
        let other = app.sign_in("slj_h").await;
        assert_eq!(app.get(&format!("/hotline/{id}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/api/v1/hotline/complaints/{id}"), Some(&other)).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn the_office_enters_an_order_and_assigns_it() {
    TestApp::on_each_backend(|app| async move {
        world(&app).await;
        let office = app.sign_in("office").await;
        let lead = app.sign_in("fgw_h").await;
        assert_eq!(app.get("/hotline/new", Some(&lead)).await.status, StatusCode::NOT_FOUND);
        let form = app.get("/hotline/new", Some(&office)).await;
        assert!(form.body.contains("登记12345工单"));
        let fields = [
            ("order_number", "GD-W1"),
            ("category", "other"),
            ("urgency", "urgent"),
            ("caller_name", NAME),
            ("caller_phone", "139-12x"),
            ("text", "不知道找哪个部门"),
        ];
        let res = app.post_form("/hotline/new", Some(&office), &fields).await;
        assert!(res.body.contains("来电人电话（caller_phone）格式有误"), "{}", res.body);
        let mut fields = fields.to_vec();
        fields[4] = ("caller_phone", PHONE);
        let res = app.post_form("/hotline/new", Some(&office), &fields).await;
        let to = res.location().expect("redirect to the order").to_string();
        let id = to.trim_start_matches("/hotline/").to_string();
        let page = app.get(&to, Some(&office)).await;
        assert!(page.body.contains("待派单") && page.body.contains("139****5678"), "{}", page.body);
        let res = app
            .post_form(&format!("/hotline/{id}/act"), Some(&office), &[("action", "assign"), ("department", "fgw")])
            .await;
        assert_eq!(res.location(), Some(to.as_str()));
        let list = app.get("/hotline", Some(&lead)).await;
        assert!(list.body.contains("GD-W1") && list.body.contains("待签收"), "{}", list.body);
        let head = app.sign_in("fgw_head").await;
        let msgs = app.get("/api/v1/messages", Some(&head)).await.json();
        assert_eq!(msgs["messages"][0]["kind"], "hotline");
        assert_eq!(msgs["messages"][0]["link"], format!("/hotline/{id}"));
        let res = app.post_form(&format!("/hotline/{id}/act"), Some(&lead), &[("action", "sign_for")]).await;
        assert_eq!(res.location(), Some(to.as_str()));
        let page = app.get(&to, Some(&lead)).await;
        assert!(page.body.contains("办理中"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn the_office_sets_limits_as_data() {
    TestApp::on_each_backend(|app| async move {
        world(&app).await;
        let office = app.sign_in("office").await;
        let lead = app.sign_in("fgw_h").await;
        let table = app.get("/api/v1/hotline/limits", Some(&office)).await.json();
        assert_eq!(table.as_array().unwrap().len(), 10);
        let row = |t: &Value| t.as_array().unwrap().iter().find(|r| r["category"] == "delay" && r["urgency"] == "normal").unwrap().clone();
        assert_eq!((row(&table)["limits"]["reply"].clone(), row(&table)["stored"].clone()), (json!(15), json!(false)));
        let body = json!({"category": "delay", "urgency": "normal", "assign": 1, "sign_for": 1, "reply": 10, "follow_up": 2});
        assert_eq!(app.post_json("/api/v1/hotline/limits", Some(&lead), &body).await.status, StatusCode::FORBIDDEN);
        let res = app.post_json("/api/v1/hotline/limits", Some(&office), &json!({"category": "delay", "urgency": "normal", "assign": 1, "sign_for": 1, "reply": 61, "follow_up": 2})).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("答复时限"));
        let res = app.post_json("/api/v1/hotline/limits", Some(&office), &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!((row(&res.json())["limits"]["reply"].clone(), row(&res.json())["stored"].clone()), (json!(10), json!(true)));
    })
    .await;
}

#[tokio::test]
async fn a_callers_orders_are_found_by_phone() {
    TestApp::on_each_backend(|app| async move {
        let token = world(&app).await;
        let mut ids = Vec::new();
        for (number, phone) in [("GD-F1", PHONE), ("GD-F2", "13700001111"), ("GD-F3", PHONE)] {
            let mut o = order(number);
            o["caller_phone"] = json!(phone);
            ids.push(post_bearer(&app, "/api/v1/hotline/orders", &token, &o).await.json()["id"].clone());
        }
        let office = app.sign_in("office").await;
        let res = app
            .post_json("/api/v1/hotline/complaints/by-phone", Some(&office), &json!({"phone": "139 1234 5678"}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let found: Vec<Value> = res.json().as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
        assert_eq!(found, vec![ids[2].clone(), ids[0].clone()], "newest first, only that caller's");
        assert!(!res.body.contains(PHONE) && res.body.contains("139****5678"), "{}", res.body);
        let res = app.post_json("/api/v1/hotline/complaints/by-phone", Some(&office), &json!({"phone": "x"})).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

        let page = app.post_form("/hotline/by-phone", Some(&office), &[("phone", PHONE)]).await;
        assert!(
            page.body.contains("GD-F1") && page.body.contains("GD-F3") && !page.body.contains("GD-F2"),
            "{}",
            page.body
        );
        // The department complained about finds nothing, and learns no caller.
        let complained = app.sign_in("zrzy_h").await;
        let res =
            app.post_json("/api/v1/hotline/complaints/by-phone", Some(&complained), &json!({"phone": PHONE})).await;
        assert_eq!(res.json(), json!([]));
        let page = app.post_form("/hotline/by-phone", Some(&complained), &[("phone", PHONE)]).await;
        assert!(!page.body.contains("GD-F1") && !page.body.contains(NAME), "{}", page.body);
    })
    .await;
}

/// A refusal decided in core or the store reads in the page's language: Chinese by
/// default, English on an English page.
#[tokio::test]
async fn hotline_refusals_read_in_the_pages_language() {
    TestApp::on_each_backend(|app| async move {
        let token = world(&app).await;
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &order("GD-L1")).await;
        let id = res.json()["id"].as_str().unwrap().to_string();
        let en = |cookie: &str| format!("{cookie}; qidi_lang=en");

        // A step in the wrong state (core): the state's label is the argument.
        let lead = app.sign_in("fgw_h").await;
        let reply = [("action", "reply"), ("text", "已督促受理")];
        let path = format!("/hotline/{id}/act");
        let zh = app.post_form(&path, Some(&lead), &reply).await;
        assert_eq!(zh.status, StatusCode::CONFLICT, "a step in the wrong state is a conflict");
        assert!(zh.body.contains("工单当前状态为“待签收”，不能答复来电人"), "{}", zh.body);
        assert!(zh.body.contains("已督促受理"), "what was written is not lost: {}", zh.body);
        let page = app.post_form(&path, Some(&en(&lead)), &reply).await;
        assert!(
            page.body.contains("This work order is “To be signed for”: the caller cannot be replied to now."),
            "{}",
            page.body
        );
        assert!(!page.body.contains("不能答复来电人"), "{}", page.body);
        // The JSON API words it in the request's language too.
        let api = act(&app, &en(&lead), &id, json!({"type": "reply", "text": "已督促受理"})).await;
        assert_eq!(api.status, StatusCode::CONFLICT, "{}", api.body);
        assert_eq!(
            api.json()["error"]["message"],
            "This work order is “To be signed for”: the caller cannot be replied to now."
        );
        let api = act(&app, &lead, &id, json!({"type": "reply", "text": "已督促受理"})).await;
        assert_eq!(api.json()["error"]["message"], "工单当前状态为“待签收”，不能答复来电人");

        // A refusal of the store's own.
        let office = app.sign_in("office").await;
        let zh = app.post_form("/hotline/by-phone", Some(&office), &[("phone", "x")]).await;
        assert!(zh.body.contains("来电人电话格式有误，应为 5 到 20 位数字"), "{}", zh.body);
        let page = app.post_form("/hotline/by-phone", Some(&en(&office)), &[("phone", "x")]).await;
        assert!(page.body.contains("phone is not in the right form: it should be 5 to 20 digits."), "{}", page.body);
        assert!(!page.body.contains("来电人电话格式有误"), "{}", page.body);

        // A field of the order form (core), its label from the pages' catalogue.
        let fields =
            [("category", "other"), ("caller_name", NAME), ("caller_phone", PHONE), ("text", "不知道找哪个部门")];
        let zh = app.post_form("/hotline/new", Some(&office), &fields).await;
        assert!(zh.body.contains("缺少工单编号（order_number）"), "{}", zh.body);
        let page = app.post_form("/hotline/new", Some(&en(&office)), &fields).await;
        assert!(page.body.contains("“Work order number” (order_number) is missing."), "{}", page.body);
        assert!(!page.body.contains("缺少工单编号"), "{}", page.body);
    })
    .await;
}

/// A refused step on the order's page answers with the refusal's status (409 for a
/// step overtaken, 422 for a value refused) and keeps what was typed: in the form it
/// came from, with the refusal beside it, or under the refusal when that form is gone.
#[tokio::test]
async fn a_refused_step_answers_its_status_and_keeps_what_was_typed() {
    TestApp::on_each_backend(|app| async move {
        let token = world(&app).await;
        let res = post_bearer(&app, "/api/v1/hotline/orders", &token, &order("GD-R1")).await;
        let id = res.json()["id"].as_str().unwrap().to_string();
        let (to, act_path, sub_path) =
            (format!("/hotline/{id}"), format!("/hotline/{id}/act"), format!("/hotline/{id}/substantiated"));
        let (lead, head, office) =
            (app.sign_in("fgw_h").await, app.sign_in("fgw_head").await, app.sign_in("office").await);
        let res = app.post_form(&act_path, Some(&lead), &[("action", "sign_for")]).await;
        assert_eq!(res.location(), Some(to.as_str()), "{}", res.body);

        // A blank handling note: 422, the handling form shown again with the refusal.
        let res = app.post_form(&act_path, Some(&lead), &[("action", "handle"), ("note", "  ")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains(r#"<input name="note" value="  " required>"#), "{}", res.body);

        // Two of the leading department had the form open; the second is overtaken:
        // 409, and the note written is said under the refusal.
        let res = app.post_form(&act_path, Some(&lead), &[("action", "handle"), ("note", "已督促窗口受理")]).await;
        assert_eq!(res.location(), Some(to.as_str()), "{}", res.body);
        let late = [("action", "handle"), ("note", "已电话联系企业并受理")];
        let res = app.post_form(&act_path, Some(&head), &late).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert!(res.body.contains("不能"), "the refusal is said: {}", res.body);
        assert!(res.body.contains("已电话联系企业并受理"), "the note written is kept: {}", res.body);

        // A substantiation naming an item type that does not exist: 422, in its form,
        // with the reason and the item type as typed.
        let typed = [("department", "zrzy"), ("item_type", "no_such_item"), ("note", "窗口拒收属实")];
        let res = app.post_form(&sub_path, Some(&office), &typed).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let form = res.body.find(&format!(r#"action="{sub_path}""#)).expect("the substantiation form");
        let error = res.body.find("不在事项目录中").expect("the refusal");
        assert!(error > form, "the refusal is said in its form: {}", res.body);
        assert!(res.body.contains(r#"value="窗口拒收属实""#), "{}", res.body);
        assert!(res.body.contains(r#"value="no_such_item""#), "{}", res.body);
        let ok = [("department", "zrzy"), ("item_type", ""), ("note", "窗口拒收属实")];
        assert_eq!(app.post_form(&sub_path, Some(&office), &ok).await.location(), Some(to.as_str()));
        // The same department again: 409, the new reason kept in the form.
        let again = [("department", "zrzy"), ("item_type", ""), ("note", "再次认定")];
        let res = app.post_form(&sub_path, Some(&office), &again).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert!(res.body.contains("已就此部门和事项认定属实"), "{}", res.body);
        assert!(res.body.contains(r#"value="再次认定""#), "{}", res.body);
    })
    .await;
}
