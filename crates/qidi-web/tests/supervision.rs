//! Supervision orders and progress reports on the web, on both backends: the office
//! issues orders (form and JSON) that show on the department's ledger page and the
//! project's page and timeline; a department files its report through the form; the
//! bulletin's numbers link to the items behind them and an inspector's departments
//! stand out; an inspector is refused every write.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{banner, TestApp};
use qidi_core::bulletin::Month;
use qidi_core::supervision::{OrderRequest, OrderTarget};
use qidi_core::Role;
use qidi_store::supervision::NewOrder;
use qidi_store::testing::{test_pending_item, test_user};
use serde_json::json;

#[tokio::test]
async fn orders_and_reports_on_the_web() {
    TestApp::on_each_backend(|app| async move {
        let store = &app.store;
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        let (project, _item) = test_pending_item(store, &owner, 3, "land_pre_review", "zrzy").await;
        let office_user = test_user(store, "office", Role::Office, None, None, None).await;
        test_user(store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None, None).await;
        let insp_user = test_user(store, "insp", Role::Inspector, None, None, None).await;
        let admin_user = test_user(store, "admin", Role::Admin, None, None, None).await;
        let (office, head, insp, admin) = (
            app.sign_in("office").await,
            app.sign_in("zrzy_head").await,
            app.sign_in("insp").await,
            app.sign_in("admin").await,
        );
        // The campaign runs on past today, so that its periods reach it.
        store.set_campaign_end(&banner(), "2030-12-31".parse().unwrap(), &office_user).await.unwrap();
        let today = qidi_store::today();

        // The administrator scopes the inspector to 自然资源.
        let res = app
            .post_json(
                &format!("/api/v1/inspectors/{}/departments", insp_user.id),
                Some(&admin),
                &json!({"departments": ["zrzy"]}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()[0]["code"], "zrzy");
        assert_eq!(store.inspector_departments(&admin_user.id).await.unwrap().len(), 0);

        // The office puts the department under an order through the form …
        let deadline = (today + Duration::days(20)).to_string();
        let res = app
            .post_form(
                "/supervision/orders",
                Some(&office),
                &[
                    ("target", "department"),
                    ("department", "zrzy"),
                    ("title", "督办自然资源局用地预审"),
                    ("reason", "用地预审超期"),
                    ("required_action", "限期办结"),
                    ("deadline", &deadline),
                    ("responsible_person", "李局长"),
                ],
            )
            .await;
        let order_page = res.location().unwrap_or_else(|| panic!("{} {}", res.status, res.body)).to_string();
        assert!(app.get(&order_page, Some(&office)).await.body.contains("督办自然资源局用地预审"));
        // … a bad form is answered in Chinese, naming the field …
        let res = app
            .post_form(
                "/supervision/orders",
                Some(&office),
                &[("target", "project"), ("project_code", "2099-000000-00-00-000000"), ("deadline", &deadline)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("督办对象：未找到项目代码"), "{}", res.body);
        // … and the project under one through the API.
        let res = app
            .post_json(
                "/api/v1/supervision/orders",
                Some(&office),
                &json!({"target": "project", "target_id": project, "title": "督办项目前期手续", "reason": "进展缓慢",
                        "required_action": "两周内完成", "deadline": deadline, "responsible_person": "张主任"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let project_order = res.json()["id"].as_str().unwrap().to_string();
        assert_eq!(res.json()["light"], "green");

        // Shown on the department's ledger page and the project's page and timeline.
        let ledger = app.get("/ledger/departments/zrzy", Some(&head)).await;
        assert_eq!(ledger.status, StatusCode::OK);
        assert!(ledger.body.contains("督办自然资源局用地预审"), "{}", ledger.body);
        for path in [format!("/projects/{project}"), format!("/projects/{project}/timeline")] {
            let page = app.get(&path, Some(&office)).await;
            assert!(page.body.contains("督办项目前期手续"), "{path}: {}", page.body);
        }
        let overview = app.get("/supervision", Some(&insp)).await;
        assert!(overview.body.contains("class=\"mine\""), "the inspector's department stands out");

        // The department files its report of the latest period that has ended.
        let plan = store.report_plan(&banner()).await.unwrap();
        let period = qidi_core::progress_report::current_period(&plan.periods, today).unwrap().clone();
        let form = app.get(&format!("/supervision/reports/new?period={}", period.key), Some(&head)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("待批事项</dt><dd>1 个"), "pre-filled from the record: {}", form.body);
        let res = app
            .post_form("/supervision/reports", Some(&head), &[("period", &period.key), ("text", "本期推进顺利。")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let reports = app.get(&format!("/supervision/reports?period={}", period.key), Some(&office)).await;
        assert!(reports.body.contains("本期推进顺利。"));
        assert!(!reports.body.contains("state-missing") && !reports.body.contains("state-open"), "{}", reports.body);
        let empty = app.post_form("/supervision/reports", Some(&head), &[("period", &period.key), ("text", " ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("请填写本期工作进展"));

        // An order of last month still open at its end, and last month's bulletin.
        let last = Month::of(today).previous();
        store
            .issue_order(
                &office_user,
                &NewOrder {
                    target: OrderTarget::Department,
                    target_id: "zrzy".into(),
                    request: OrderRequest {
                        title: "上月督办".into(),
                        reason: "r".into(),
                        required_action: "a".into(),
                        deadline: last.first_day() + Duration::days(5),
                        responsible_person: "p".into(),
                    },
                },
                last.first_day(),
            )
            .await
            .unwrap();
        let res = app.post_form("/bulletins", Some(&office), &[("month", &last.to_string())]).await;
        let bulletin = res.location().unwrap().to_string();
        let page = app.get(&bulletin, Some(&insp)).await;
        assert!(page.body.contains("<tr class=\"mine\">"), "the inspector's department stands out");
        let orders_link = format!("{bulletin}?department=zrzy&amp;what=open_orders#open_orders");
        // The template escapes `&` as `&#38;`; either spelling is the same link.
        let body = page.body.replace("&#38;", "&amp;");
        assert!(body.contains(&orders_link), "the count links to its orders: {}", page.body);
        let narrowed = app.get(&format!("{bulletin}?department=zrzy&what=open_orders"), Some(&insp)).await;
        assert!(narrowed.body.contains("上月督办") && narrowed.body.contains("仅列出"));
        assert!(!narrowed.body.contains("督办自然资源局用地预审"), "issued this month, not open at last month's end");
        let bl = store.latest_bulletin(&banner(), last).await.unwrap().unwrap().bulletin;
        assert!(bl.report_lapses.iter().all(|l| l.department_code == "zrzy"));

        // An inspector is refused every write.
        let orders_before = app.get("/api/v1/supervision/orders", Some(&office)).await.json().as_array().unwrap().len();
        let form_writes: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/supervision/orders".into(),
                vec![
                    ("target", "department"),
                    ("department", "zrzy"),
                    ("title", "t"),
                    ("reason", "r"),
                    ("required_action", "a"),
                    ("deadline", &deadline),
                    ("responsible_person", "p"),
                ],
            ),
            (format!("/supervision/orders/{project_order}/lift"), vec![("result", "x")]),
            ("/supervision/reports".into(), vec![("period", &period.key), ("text", "x")]),
            ("/supervision/schedule".into(), vec![("half_monthly_until", "2022-09-30"), ("due_working_days", "3")]),
        ];
        for (path, form) in &form_writes {
            let res = app.post_form(path, Some(&insp), form).await;
            assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{path}: {}", res.status);
        }
        let json_writes = [
            (
                "/api/v1/supervision/orders".to_string(),
                json!({"target": "department", "target_id": "zrzy", "title": "t", "reason": "r", "required_action": "a",
                       "deadline": deadline, "responsible_person": "p"}),
            ),
            (format!("/api/v1/supervision/orders/{project_order}/lift"), json!({"result": "x"})),
            ("/api/v1/progress-reports".into(), json!({"period": period.key, "text": "x"})),
            (
                "/api/v1/progress-reports/schedule".into(),
                json!({"half_monthly_until": "2022-09-30", "due_working_days": 3}),
            ),
            (format!("/api/v1/inspectors/{}/departments", insp_user.id), json!({"departments": []})),
        ];
        for (path, body) in &json_writes {
            let res = app.post_json(path, Some(&insp), body).await;
            assert!(
                matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{path}: {} {}",
                res.status,
                res.body
            );
        }
        // Nothing changed.
        let orders = app.get("/api/v1/supervision/orders", Some(&office)).await.json();
        assert_eq!(orders.as_array().unwrap().len(), orders_before);
        assert!(orders.as_array().unwrap().iter().all(|o| o["lifted_on"].is_null()));
        assert_eq!(store.inspector_departments(&insp_user.id).await.unwrap().len(), 1);
        assert!(!store.report_plan(&banner()).await.unwrap().schedule_set);
        // The inspector still reads.
        assert_eq!(app.get(&order_page, Some(&insp)).await.status, StatusCode::OK);
        assert_eq!(app.get("/api/v1/progress-reports", Some(&insp)).await.json().as_array().unwrap().len(), 1);

        // The reports' plan is for the administration's staff: not for an administrator.
        assert_eq!(app.get("/api/v1/progress-reports/plan", Some(&office)).await.status, StatusCode::OK);
        assert_eq!(app.get("/api/v1/progress-reports/plan", Some(&admin)).await.status, StatusCode::NOT_FOUND);

        // The office lifts the order with its result; it leaves the project's page.
        let res = app
            .post_json(
                &format!("/api/v1/supervision/orders/{project_order}/lift"),
                Some(&office),
                &json!({"result": "已完成"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["result"], "已完成");
        assert!(!app.get(&format!("/projects/{project}"), Some(&office)).await.body.contains("督办项目前期手续"));
    })
    .await;
}

/// A refused lift comes back on the order's page: in the lift form with the result typed
/// and the refusal's status (422), at the top when the reader has no lift form (403), or
/// when the order was lifted meanwhile (409) with the result typed said under it; nothing
/// is written.
#[tokio::test]
async fn a_refused_lift_comes_back_on_the_orders_page() {
    TestApp::on_each_backend(|app| async move {
        let store = &app.store;
        let office_user = test_user(store, "office", Role::Office, None, None, None).await;
        test_user(store, "insp", Role::Inspector, None, None, None).await;
        let (office, insp) = (app.sign_in("office").await, app.sign_in("insp").await);
        let today = qidi_store::today();
        let new = NewOrder {
            target: OrderTarget::Department,
            target_id: "zrzy".into(),
            request: OrderRequest {
                title: "督办自然资源局用地预审".into(),
                reason: "用地预审超期".into(),
                required_action: "限期办结".into(),
                deadline: today + Duration::days(20),
                responsible_person: "李局长".into(),
            },
        };
        let id = store.issue_order(&office_user, &new, today).await.unwrap().id;
        let path = format!("/supervision/orders/{id}/lift");
        let on_order_page = |res: &common::TestResponse| {
            assert!(res.body.contains("<h1>督办自然资源局用地预审 "), "not the order's page: {}", res.body);
            assert!(!res.body.contains("出错了"), "{}", res.body);
            assert_eq!(res.body.matches("role=\"alert\"").count(), 1, "one message: {}", res.body);
        };
        let lift_form = |body: &str| -> String {
            let from = body.find(&format!("action=\"{path}\"")).expect("the lift form");
            body[from..].split("</form>").next().unwrap().to_string()
        };
        let lifts = || async {
            let orders = app.get("/api/v1/supervision/orders", Some(&office)).await.json();
            orders.as_array().unwrap().iter().filter(|o| !o["lifted_on"].is_null()).count()
        };

        // A result too long: 422, in the lift form, what was typed kept.
        let long = "已按期办结。".repeat(400);
        let form = [("confirm_question", "确定解除吗？"), ("confirmed", "1"), ("result", long.as_str())];
        let res = app.post_form(&path, Some(&office), &form).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        on_order_page(&res);
        let lift = lift_form(&res.body);
        assert!(lift.starts_with(&format!("action=\"{path}\"><input type=\"hidden\" name=\"confirm_question\"")));
        assert!(lift.contains("role=\"alert\">办理结果：不能超过 2000 字</p>"), "{lift}");
        assert!(lift.contains(&format!(">{long}</textarea>")), "{lift}");
        // In English on an English page.
        let res = app.post_form(&path, Some(&format!("{office}; qidi_lang=en")), &form).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let lift = lift_form(&res.body);
        assert!(lift.contains("role=\"alert\">Result: at most 2000 characters.</p>"), "{lift}");
        assert!(lift.contains(&format!(">{long}</textarea>")), "{lift}");
        assert!(!res.body.contains("不能超过"), "{}", res.body);

        // Someone who may not lift: 403, on the order's page, at the top.
        let res = app.post_form(&path, Some(&insp), &[("result", "已办结")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        on_order_page(&res);
        assert!(res.body.contains("role=\"alert\">只有领导小组办公室可以挂牌督办或解除督办"), "{}", res.body);
        assert!(!res.body.contains(&format!("action=\"{path}\"")), "the inspector has no lift form");
        assert_eq!(lifts().await, 0, "nothing was written");

        // Lifted meanwhile: 409, the refusal at the top and the result typed under it.
        let res = app
            .post_json(&format!("/api/v1/supervision/orders/{id}/lift"), Some(&office), &json!({"result": "已完成"}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let res = app.post_form(&path, Some(&office), &[("result", "用地预审已批复")]).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        on_order_page(&res);
        assert!(res.body.contains(&format!("role=\"alert\">该督办已于 {today} 解除")), "{}", res.body);
        assert!(
            res.body.contains("您填写的办理结果未保存") && res.body.contains(">用地预审已批复</pre>"),
            "{}",
            res.body
        );
        let order = app.get(&format!("/api/v1/supervision/orders/{id}"), Some(&office)).await.json();
        assert_eq!(order["result"], "已完成", "the first lift stands: {order}");
        assert_eq!(lifts().await, 1);
    })
    .await;
}
