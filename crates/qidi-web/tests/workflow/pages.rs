//! The workflow on the pages: the project timeline, inboxes and home pages, page forms, and refusals by language.

use crate::common::TestApp;
use crate::{act, act_ok, create, detail, multipart, notice, refusal, upload_all, without_prerequisites, world};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use qidi_core::Role;
use serde_json::{json, Value};
use sqlx::Row;

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
        let jtj = app.account("jtj_h", "交通局 刘洋", Role::Handler, Some("jtj"), None).await;
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
        let lcj = app.account("lcj_h", "林草局 额尔德尼", Role::Handler, Some("lcj"), None).await;
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
        app.account("admin_u", "系统管理员", Role::Admin, None, None).await;
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
        let zjj = app.account("zjj_h", "住建局 巴特尔", Role::Handler, Some("zjj"), None).await;
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
