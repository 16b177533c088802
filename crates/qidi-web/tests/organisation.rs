//! The organisation as data, through HTTP on both backends: the office adds a department
//! and an item type on the web, a ledger that uses them imports, and an application of
//! the new type goes through; a second campaign runs on a database that holds the
//! first, with its own milestones and organisation; bad input is refused with its reason.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, ledger_xlsx, TestApp, WIND_FARM_CODE, WIND_FARM_ROW};
use qidi_core::Role;
use serde_json::{json, Value};
use sqlx::Row;

async fn import(app: &TestApp, cookie: &str, bytes: Vec<u8>) -> common::TestResponse {
    let req = Request::post("/api/v1/ledger/import")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(Body::from(bytes))
        .unwrap();
    app.send(req).await
}

async fn act(app: &TestApp, cookie: &str, id: &str, action: Value) -> Value {
    let res =
        app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(cookie), &json!({ "action": action })).await;
    assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    res.json()
}

/// A row of the sample ledger with another item and handling department.
fn row(item: &'static str, department: &'static str) -> [&'static str; 15] {
    let mut r = WIND_FARM_ROW;
    r[8] = item;
    r[9] = department;
    r
}

#[tokio::test]
async fn an_item_type_added_on_the_web_is_imported_and_applied_for() {
    TestApp::on_each_backend(|app| async move {
        let office = app.account("office", "office", Role::Office, None, None).await;
        let leader = app.account("leader", "leader", Role::Leader, None, None).await;

        // Only the office keeps the catalogue.
        let form = [("code", "rfb"), ("name", "旗人民防空办公室"), ("aliases", "人防办")];
        let res = app.post_form("/catalogue/departments", Some(&leader), &form).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        // A department the plan did not list.
        let res = app.post_form("/catalogue/departments", Some(&office), &form).await;
        assert_eq!(res.location(), Some("/catalogue/departments#dept-rfb"), "{}", res.body);
        // A name another department answers to is refused, and what was typed stays.
        let taken = [("code", "fgw2"), ("name", "正镶白旗发改委"), ("aliases", "")];
        let res = app.post_form("/catalogue/departments", Some(&office), &taken).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "a name taken is a conflict");
        assert!(res.body.contains("已是部门“旗发展和改革委员会”的名称或别名"), "{}", res.body);
        assert!(res.body.contains("value=\"fgw2\""), "what was typed is kept: {}", res.body);

        // An item type the plan did not list (R2: any other item before groundbreaking).
        let new_type = [
            ("code", "civil_defence"),
            ("name", "人防工程审批"),
            ("aliases", "人防审批、防空地下室审批"),
            ("department_code", "rfb"),
            ("authority_level", "banner"),
            ("statutory_limit", "20"),
            ("promised_limit", "10"),
            ("extension_limit", "0"),
            ("limit_unit", "working_days"),
            ("limit_source", "旗政务服务事项清单"),
            ("materials", "design 人防工程设计文件\napplication_form 人防工程审批申请表"),
            ("prerequisites", ""),
        ];
        // Refused first: a promise beyond the law, and an alias that already means 环评.
        let mut over = new_type.to_vec();
        over[6] = ("promised_limit", "25");
        let res = app.post_form("/catalogue/new", Some(&office), &over).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("承诺时限（25）不能超过法定时限（20）"), "{}", res.body);
        assert!(res.body.contains("value=\"人防工程审批\""), "what was typed is kept");
        let mut clash = new_type.to_vec();
        clash[2] = ("aliases", "环评");
        let res = app.post_form("/catalogue/new", Some(&office), &clash).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "a name taken is a conflict");
        assert!(res.body.contains("“环评”已是审批事项“环境影响评价”的名称或别名"), "{}", res.body);
        let res = app.post_form("/catalogue/new", Some(&leader), &new_type).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app.post_form("/catalogue/new", Some(&office), &new_type).await;
        assert_eq!(res.location(), Some("/catalogue#item-civil_defence"), "{}", res.body);
        let types = app.get("/api/v1/item-types", Some(&office)).await.json();
        let added = types.as_array().unwrap().iter().find(|t| t["code"] == "civil_defence").expect("listed").clone();
        assert_eq!((added["department"].as_str(), added["promised_limit"].as_u64()), (Some("旗人民防空办公室"), Some(10)));
        let item_type_id = added["id"].as_str().unwrap().to_string();
        // The catalogue page speaks Chinese: its notes on limits and checklists too.
        let page = app.get("/catalogue", Some(&office)).await;
        for english in ["unconfirmed", "default", "verified", "believed", "edited by", "added by"] {
            assert!(!page.body.contains(english), "{english} on the catalogue page");
        }
        assert!(page.body.contains("默认清单（据实践，未确认）") && page.body.contains("office 新增"), "{}", page.body);

        // The department cannot be retired while it handles the type.
        let res = app.post_form("/catalogue/departments/rfb", Some(&office), &[("action", "retire")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("仍是审批事项 人防工程审批 的办理部门"), "{}", res.body);

        // A ledger that uses it, written as departments write: the region's name around
        // the department, an alias for the item.
        let res = import(&app, &office, ledger_xlsx(&[row("人防审批", "正镶白旗人防办")])).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let item: String = sqlx::query(
            "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
             WHERE p.code = $1 AND t.code = 'civil_defence'",
        )
        .bind(WIND_FARM_CODE)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0);

        // Its application goes through like a shipped type's.
        let owner = app.store.owner_id_or_create(&banner(), "锡林能源有限公司").await.unwrap();
        let unit = app.account("unit", "unit", Role::Applicant, None, Some(&owner)).await;
        let handler = app.account("rfb_handler", "rfb_handler", Role::Handler, Some("rfb"), None).await;
        let res = app.post_json("/api/v1/applications", Some(&unit), &json!({ "pending_item_id": item })).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let id = res.json()["application"]["id"].as_str().unwrap().to_string();
        for code in ["design", "application_form"] {
            let req = Request::put(format!("/api/v1/applications/{id}/materials/{code}?name={code}.pdf"))
                .header(header::COOKIE, &unit)
                .header(header::CONTENT_TYPE, "application/pdf")
                .body(Body::from(b"%PDF-1.4 material".to_vec()))
                .unwrap();
            assert_eq!(app.send(req).await.status, StatusCode::CREATED);
        }
        act(&app, &unit, &id, json!({ "type": "submit" })).await;
        act(&app, &handler, &id, json!({ "type": "accept" })).await;
        let approve =
            json!({ "type": "approve", "document_number": "正人防〔2026〕1号", "decided_on": qidi_store::today() });
        let done = act(&app, &handler, &id, approve).await;
        assert_eq!(done["application"]["pending_item_status"], "granted", "{done}");

        // Retired, it matches nothing in a file and takes no 补录; the granted item stays.
        let res = app.post_form(&format!("/catalogue/{item_type_id}/retire"), Some(&office), &[]).await;
        assert_eq!(res.location(), Some("/catalogue#item-civil_defence"), "{}", res.body);
        let res = import(&app, &office, ledger_xlsx(&[row("人防审批", "人防办")])).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("人防审批"), "{}", res.body);
        // Now the department may go; a retired department takes no new item type.
        let res = app.post_form("/catalogue/departments/rfb", Some(&office), &[("action", "retire")]).await;
        assert_eq!(res.location(), Some("/catalogue/departments#dept-rfb"), "{}", res.body);
        let mut another = new_type.to_vec();
        another[0] = ("code", "civil_defence_2");
        another[1] = ("name", "人防工程竣工备案");
        another[2] = ("aliases", "");
        let res = app.post_form("/catalogue/new", Some(&office), &another).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("部门“旗人民防空办公室”已撤销"), "{}", res.body);
        let departments = app.get("/api/v1/departments", Some(&office)).await.json();
        let rfb = departments.as_array().unwrap().iter().find(|d| d["code"] == "rfb").unwrap().clone();
        assert!(!rfb["retired_at"].is_null(), "{rfb}");
        assert_eq!(item_status(&app, &item).await, "granted");

        // Every change is on the record, by the office.
        let actions: Vec<String> = sqlx::query(
            "SELECT action FROM events WHERE object_type IN ('department', 'item_type') AND actor_role = 'office' ORDER BY seq",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
        assert_eq!(actions, ["department.create", "item_type.create", "item_type.retire", "department.retire"]);
    })
    .await;
}

async fn item_status(app: &TestApp, item: &str) -> String {
    sqlx::query("SELECT status FROM pending_items WHERE id = $1")
        .bind(item)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}

fn states(campaign: &Value) -> Vec<(String, String)> {
    campaign["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap_or("").to_string(), m["state"].as_str().unwrap().to_string()))
        .collect()
}

/// The plan's own list, as printed (section 五).
const LEADING_GROUP: &str = "组 长：\t李东林\t旗委常委、政府常务副旗长\n副组长：\t史春磊\t旗发改委主任\n\t黄 龙\t旗金融外事服务中心主任\n成 员：\t高 峰\t旗明安图产业园办公室主任";

#[tokio::test]
async fn a_second_campaign_runs_on_a_database_that_holds_the_first() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        let office = app.sign_in("office").await;
        let leader = app.sign_in("leader").await;

        let first = app.get("/api/v1/campaigns", Some(&office)).await.json();
        assert_eq!(first.as_array().unwrap().len(), 1, "{first}");
        let old = first[0].clone();
        assert_eq!((old["code"].as_str(), old["current"].as_bool()), (Some("sweep-2022"), Some(true)));
        // The demo's 2022 campaign: every milestone is judged from the record, and long past.
        assert_eq!(states(&old).len(), 6);
        assert!(states(&old).iter().all(|(k, s)| !k.is_empty() && s == "missed"), "{old}");
        let old_id = old["id"].as_str().unwrap().to_string();
        // Every initiating department pushes its check lists, years late.
        let today = qidi_store::today();
        let due = today.to_string();
        for dept in ["fgw", "gxj", "mat"] {
            let res =
                app.post_form(&format!("/ledger/departments/{dept}/push"), Some(&office), &[("due_on", &due)]).await;
            assert!(res.status.is_redirection(), "{dept}: {}", res.body);
        }
        let old = app.get("/api/v1/campaigns", Some(&office)).await.json()[0].clone();
        let old_states = states(&old);
        assert_eq!(old_states[0], ("lists_pushed".to_string(), "met_late".to_string()), "{old}");
        assert_eq!(old["milestones"][0]["completed_on"], json!(today));

        // The leading group, pasted from the plan.
        let path = format!("/api/v1/campaigns/{old_id}/organisation/leading_group");
        let res = app.send(put_json(&path, &office, &json!({ "text": LEADING_GROUP }))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json().as_array().unwrap().len(), 4);
        let res = app.send(put_json(&path, &leader, &json!({ "text": LEADING_GROUP }))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app.send(put_json(&path, &office, &json!({ "text": "李四 旗发改委科员" }))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("第1行没有职位"));

        // A second campaign, from the plan's template, starting today.
        let new = json!({ "code": "sweep-2026", "name": "第二轮待批项目大起底", "starts_on": today });
        let res = app.post_json("/api/v1/campaigns", Some(&leader), &new).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        for (bad, reason) in [
            (json!({ "code": "sweep-2022", "name": "重复", "starts_on": today }), "已被本地区的另一项工作使用"),
            (json!({ "code": "sweep-2019", "name": "更早", "starts_on": "2019-01-01" }), "须晚于上一项工作"),
            (
                json!({ "code": "sweep-x", "name": "越界", "starts_on": today,
                        "milestones": [{ "on": "2040-01-01", "label": "部门台账签字" }] }),
                "不在工作期内",
            ),
        ] {
            let res = app.post_json("/api/v1/campaigns", Some(&office), &bad).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", res.body);
            assert!(res.json()["error"]["message"].as_str().unwrap().contains(reason), "{}", res.body);
        }
        let res = app.post_json("/api/v1/campaigns", Some(&office), &new).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let created = res.json();
        assert_eq!(created["current"], true);
        assert!(states(&created).iter().all(|(_, s)| s == "open"), "{created}");

        let both = app.get("/api/v1/campaigns", Some(&office)).await.json();
        let both = both.as_array().unwrap();
        assert_eq!(both.len(), 2);
        assert_eq!((both[0]["code"].as_str(), both[0]["current"].as_bool()), (Some("sweep-2026"), Some(true)));
        // The first keeps its record: its milestones and its organisation.
        assert_eq!((both[1]["id"].as_str(), both[1]["current"].as_bool()), (Some(old_id.as_str()), Some(false)));
        assert_eq!(states(&both[1]), old_states);
        assert_eq!(both[1]["organisation"].as_array().unwrap().len(), 4);
        // The organisation carries over to the new campaign, to be edited there.
        assert_eq!(both[0]["organisation"], both[1]["organisation"]);

        // The new campaign's work is its own: the baseline starts empty; the old one's stays.
        let progress = app.get("/api/v1/ledger/progress", Some(&office)).await.json();
        assert_eq!(progress["total"]["baseline"], 0, "{progress}");
        let lists = |campaign: String| {
            let pool = app.store.pool().clone();
            async move {
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM check_lists WHERE campaign_id = $1")
                    .bind(campaign)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
                    .get(0);
                n
            }
        };
        let old_lists = lists(old_id.clone()).await;
        assert!(old_lists > 0);
        let new_id = both[0]["id"].as_str().unwrap().to_string();
        assert_eq!(lists(new_id.clone()).await, 0);
        // Pushing every initiating department's list meets the new campaign's first milestone.
        for dept in ["fgw", "gxj", "mat"] {
            let res =
                app.post_form(&format!("/ledger/departments/{dept}/push"), Some(&office), &[("due_on", &due)]).await;
            assert!(res.status.is_redirection(), "{dept}: {}", res.body);
        }
        let now = app.get("/api/v1/campaigns", Some(&office)).await.json();
        let pushed = &now[0]["milestones"][0];
        assert_eq!(
            (pushed["kind"].as_str(), pushed["state"].as_str()),
            (Some("lists_pushed"), Some("met")),
            "{pushed}"
        );
        assert_eq!(pushed["completed_on"], json!(today));
        assert_eq!(states(&now[1]), old_states, "the first campaign's record does not move");
        assert_eq!(lists(old_id.clone()).await, old_lists);
        assert!(lists(new_id).await > 0);

        // The page shows both, the current one marked, and the plan's leading group.
        let page = app.get("/campaigns", Some(&leader)).await;
        assert_eq!(page.status, StatusCode::OK);
        for text in ["第二轮待批项目大起底", "当前工作", "李东林", "旗委常委、政府常务副旗长", "已完成"]
        {
            assert!(page.body.contains(text), "{text}: {}", page.body);
        }
        assert!(!page.body.contains("设立新一轮工作"), "the leader reads, the office plans");
        let unit = app.sign_in("applicant").await;
        assert_eq!(app.get("/campaigns", Some(&unit)).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

fn put_json(path: &str, cookie: &str, json: &Value) -> Request<Body> {
    Request::put(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_string()))
        .unwrap()
}

/// A refusal about the organisation, decided in core or the store, reads in the reader's
/// language: Chinese by default, English on an English page or for an API request
/// that asks for English; a label among its words (a body of the organisation) too.
#[tokio::test]
async fn a_refusal_about_the_organisation_reads_in_the_readers_language() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        let office = app.sign_in("office").await;
        let english = format!("{office}; qidi_lang=en");
        let today = qidi_store::today();
        let (starts_on, ends_on) = (today.to_string(), (today + chrono::Duration::days(200)).to_string());
        let form = |code: &'static str, milestones: &'static str| -> Vec<(&'static str, String)> {
            vec![
                ("code", code.into()),
                ("name", "第二轮".into()),
                ("starts_on", starts_on.clone()),
                ("ends_on", ends_on.clone()),
                ("milestones", milestones.into()),
            ]
        };
        let post = |cookie: String, path: String, fields: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form(&path, Some(&cookie), &fields).await
            }
        };

        // The store refuses a campaign code already used (core's rule).
        let taken = || form("sweep-2022", "");
        let zh = post(office.clone(), "/campaigns".into(), taken()).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zh.body);
        assert!(zh.body.contains("工作代码“sweep-2022”已被本地区的另一项工作使用"), "{}", zh.body);
        let en = post(english.clone(), "/campaigns".into(), taken()).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", en.body);
        assert!(
            en.body.contains("Campaign code “sweep-2022” is already used by another campaign in this region."),
            "{}",
            en.body
        );
        assert!(!en.body.contains("已被本地区"), "{}", en.body);

        // The page reads the milestones with core's parser; its refusal names the line.
        let bad_line = || form("sweep-new", "下周 签字");
        let zh = post(office.clone(), "/campaigns".into(), bad_line()).await;
        assert!(zh.body.contains("节点第1行应为“日期 名称”"), "{}", zh.body);
        let en = post(english.clone(), "/campaigns".into(), bad_line()).await;
        assert!(en.body.contains("Milestone line 1 should read “date name”"), "{}", en.body);
        assert!(!en.body.contains("节点第1行"), "{}", en.body);

        // A body's label inside the sentence is worded from the labels' catalogue.
        let id = app.get("/api/v1/campaigns", Some(&office)).await.json()[0]["id"].as_str().unwrap().to_string();
        let crowd: String = (0..101).map(|i| format!("成员：人{i}\n")).collect();
        let too_many = || vec![("body", "work_team".to_string()), ("text", crowd.clone())];
        let path = format!("/campaigns/{id}/organisation");
        let zh = post(office.clone(), path.clone(), too_many()).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zh.body);
        assert!(zh.body.contains("工作专班最多 100 人"), "{}", zh.body);
        let en = post(english.clone(), path, too_many()).await;
        assert!(en.body.contains("Work team has at most 100 people."), "{}", en.body);
        assert!(!en.body.contains("最多 100 人"), "{}", en.body);

        // The API answers in the language the request asks for.
        let api = format!("/api/v1/campaigns/{id}/organisation/leading_group");
        let no_position = json!({ "text": "李四 旗发改委科员" });
        let res = app.send(put_json(&api, &office, &no_position)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["error"]["message"], "第1行没有职位，请写成“成员：姓名 职务”");
        let mut req = put_json(&api, &office, &no_position);
        req.headers_mut().insert(header::ACCEPT_LANGUAGE, "en".parse().unwrap());
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            res.json()["error"]["message"],
            "Line 1 has no position; write it as “Position: Name Title”.",
            "{}",
            res.body
        );
    })
    .await;
}

/// The form that posts to `action`, from its tag to its end.
fn form_to<'a>(page: &'a str, action: &str) -> &'a str {
    let from =
        page.find(&format!("action=\"{action}\"")).unwrap_or_else(|| panic!("no form posts to {action}: {page}"));
    let rest = &page[from..];
    &rest[..rest.find("</form>").expect("the form ends")]
}

/// The page after `marker`, up to the first `end` after it.
fn part_after<'a>(page: &'a str, marker: &str, end: &str) -> &'a str {
    let from = page.find(marker).unwrap_or_else(|| panic!("no {marker}: {page}"));
    let rest = &page[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// A refused form came back on the page headed `h1`, not on the error page, with its
/// message said once (beside its form, or at the top when there is no form).
fn back_on_page(res: &common::TestResponse, h1: &str) {
    assert!(res.body.contains(&format!("<h1>{h1}</h1>")), "not the page {h1}: {}", res.body);
    assert!(!res.body.contains("出错了") && !res.body.contains("Something went wrong"), "{}", res.body);
    assert_eq!(res.body.matches("role=\"alert\"").count(), 1, "one message: {}", res.body);
}

async fn events_on(app: &TestApp, object_type: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM events WHERE object_type = $1")
        .bind(object_type)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}

/// A refused item-type form comes back on the catalogue beside itself (the new form, or
/// the edit form or retire button of its row) with what was typed, the message in the
/// reader's language and the refusal's status; nothing is written.
#[tokio::test]
async fn a_refused_item_type_form_comes_back_beside_itself() {
    TestApp::on_each_backend(|app| async move {
        let office = app.account("office", "office", Role::Office, None, None).await;
        let leader = app.account("leader", "leader", Role::Leader, None, None).await;
        let before = app.get("/api/v1/item-types", Some(&office)).await.json();
        let permit = before.as_array().unwrap().iter().find(|t| t["code"] == "construction_permit").unwrap().clone();
        let tid = permit["id"].as_str().unwrap().to_string();
        assert_ne!(permit["promised_limit"], 6, "the typed value differs from the stored one");

        // A number that does not read: 422, naming the field, in the new form.
        let new_type = [
            ("code", "civil_defence"),
            ("name", "人防工程审批"),
            ("aliases", ""),
            ("department_code", "zjj"),
            ("authority_level", "banner"),
            ("statutory_limit", "20"),
            ("promised_limit", "十日"),
            ("extension_limit", "0"),
            ("limit_unit", "working_days"),
            ("limit_source", ""),
            ("materials", "design 人防工程设计文件"),
            ("prerequisites", ""),
            ("confirm_question", "确定吗？"),
            ("confirmed", "1"),
        ];
        let res = app.post_form("/catalogue/new", Some(&office), &new_type).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "审批事项目录");
        let form = form_to(&res.body, "/catalogue/new");
        assert!(form.contains("role=\"alert\">承诺时限须为整数</p>"), "{form}");
        assert!(form.contains("name=\"promised_limit\" value=\"十日\""), "{form}");
        assert!(form.contains("value=\"人防工程审批\"") && form.contains("<option value=\"zjj\" selected>"), "{form}");
        assert!(form.contains(">design 人防工程设计文件</textarea>"), "{form}");
        assert!(res.body.contains("<details open>"), "the form is open");

        // A code taken: a conflict, 409.
        let mut taken = new_type.to_vec();
        taken[0] = ("code", "construction_permit");
        taken[6] = ("promised_limit", "10");
        let res = app.post_form("/catalogue/new", Some(&office), &taken).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        back_on_page(&res, "审批事项目录");
        let form = form_to(&res.body, "/catalogue/new");
        assert!(form.contains("role=\"alert\">审批事项代码“construction_permit”已被使用"), "{form}");
        assert!(form.contains("name=\"code\" value=\"construction_permit\""), "{form}");

        // The edit form of a row: a number that does not read, then a name taken.
        let path = format!("/catalogue/{tid}");
        let edit = |name: &'static str, warn_days: &'static str| {
            vec![
                ("name", name),
                ("promised_limit", "6"),
                ("statutory_limit", "15"),
                ("limit_unit", "working_days"),
                ("authority_level", "banner"),
                ("limit_source", "据实践"),
                ("materials", "application_form 申请表"),
                ("prerequisites", ""),
                ("warn_days", warn_days),
                ("warn_ratio_percent", "80"),
            ]
        };
        let res = app.post_form(&path, Some(&office), &edit("建筑工程施工许可", "三")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "审批事项目录");
        let form = form_to(&res.body, &path);
        assert!(form.contains("role=\"alert\">黄灯提前天数须为整数</p>"), "{form}");
        assert!(form.contains("name=\"warn_days\" value=\"三\""), "{form}");
        assert!(form.contains("name=\"promised_limit\" value=\"6\""), "{form}");
        assert!(form.contains(">application_form 申请表</textarea>"), "{form}");
        assert!(!form.contains("name=\"limit_confirmed\" checked"), "the box as it was sent: {form}");
        let card = part_after(&res.body, "id=\"item-construction_permit\"", "</section>");
        assert!(card.contains("<details open>"), "{card}");
        let res = app.post_form(&path, Some(&office), &edit("环境影响评价", "1")).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        back_on_page(&res, "审批事项目录");
        let form = form_to(&res.body, &path);
        assert!(form.contains("已是审批事项“环境影响评价”的名称或别名"), "{form}");
        assert!(form.contains("name=\"name\" value=\"环境影响评价\""), "{form}");

        // A step the reader may not take: 403, on the catalogue, at the top.
        let res = app.post_form(&path, Some(&leader), &edit("建筑工程施工许可", "1")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        back_on_page(&res, "审批事项目录");
        assert!(res.body.contains("role=\"alert\">只有领导小组办公室可以维护部门和事项目录"), "{}", res.body);
        assert!(!res.body.contains("action=\"/catalogue/new\""), "the leader has no forms");

        // Restoring an item type in use: beside its row's button.
        let res = app.post_form(&format!("/catalogue/{tid}/restore"), Some(&office), &[]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "审批事项目录");
        let card = part_after(&res.body, "id=\"item-construction_permit\"", "</section>");
        assert!(card.contains("role=\"alert\">审批事项“") && card.contains("”未撤销"), "{card}");

        // In English on an English page.
        let english = format!("{office}; qidi_lang=en");
        let res = app.post_form(&path, Some(&english), &edit("建筑工程施工许可", "三")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "Item types");
        let form = form_to(&res.body, &path);
        assert!(form.contains("role=\"alert\">Yellow light days must be a whole number.</p>"), "{form}");
        assert!(form.contains("name=\"warn_days\" value=\"三\""), "{form}");
        assert!(!res.body.contains("须为整数"), "{}", res.body);

        // Nothing was written.
        assert_eq!(app.get("/api/v1/item-types", Some(&office)).await.json(), before);
        assert_eq!(events_on(&app, "item_type").await, 0);
    })
    .await;
}

/// A refused department form comes back on the department list beside itself, with what
/// was typed, the message and the refusal's status; nothing is written.
#[tokio::test]
async fn a_refused_department_form_comes_back_beside_itself() {
    TestApp::on_each_backend(|app| async move {
        let office = app.account("office", "office", Role::Office, None, None).await;
        let leader = app.account("leader", "leader", Role::Leader, None, None).await;
        let before = app.get("/api/v1/departments", Some(&office)).await.json();

        // A new department whose name another answers to: 409, in the new form.
        let taken = [("code", "fgw2"), ("name", "正镶白旗发改委"), ("aliases", "第二发改"), ("initiates", "on")];
        let res = app.post_form("/catalogue/departments", Some(&office), &taken).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        back_on_page(&res, "部门名录");
        let form = form_to(&res.body, "/catalogue/departments");
        assert!(form.contains("role=\"alert\">“正镶白旗发改委”已是部门“旗发展和改革委员会”的名称或别名"), "{form}");
        assert!(form.contains("value=\"fgw2\"") && form.contains("value=\"第二发改\""), "{form}");
        assert!(form.contains("name=\"initiates\" checked"), "{form}");

        // Renaming a department to another's name: 409, in that row's edit form.
        let rename = [("name", "旗发展和改革委员会"), ("aliases", "资源局甲")];
        let res = app.post_form("/catalogue/departments/zrzy", Some(&office), &rename).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        back_on_page(&res, "部门名录");
        let row = part_after(&res.body, "id=\"dept-zrzy\"", "</tr>");
        assert!(row.contains("<details open>"), "{row}");
        let form = form_to(row, "/catalogue/departments/zrzy");
        assert!(form.contains("role=\"alert\">“旗发展和改革委员会”已是部门“旗发展和改革委员会”的名称或别名"), "{form}");
        assert!(form.contains("name=\"name\" value=\"旗发展和改革委员会\""), "{form}");
        assert!(form.contains("name=\"aliases\" value=\"资源局甲\""), "{form}");

        // Retiring a department that still handles item types: 422, in its row.
        let retire = [("confirm_question", "确定撤销吗？"), ("confirmed", "1"), ("action", "retire")];
        let res = app.post_form("/catalogue/departments/zrzy", Some(&office), &retire).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "部门名录");
        let row = part_after(&res.body, "id=\"dept-zrzy\"", "</tr>");
        assert!(row.contains("role=\"alert\">部门“") && row.contains("”仍是审批事项"), "{row}");

        // A step the reader may not take: 403, on the list, at the top.
        let res = app.post_form("/catalogue/departments", Some(&leader), &taken).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        back_on_page(&res, "部门名录");
        assert!(res.body.contains("role=\"alert\">只有领导小组办公室可以维护部门和事项目录"), "{}", res.body);

        // In English on an English page.
        let english = format!("{office}; qidi_lang=en");
        let res = app.post_form("/catalogue/departments/zrzy", Some(&english), &rename).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        back_on_page(&res, "Departments");
        let form = form_to(part_after(&res.body, "id=\"dept-zrzy\"", "</tr>"), "/catalogue/departments/zrzy");
        assert!(form.contains("is already the name or an alias of"), "{form}");
        assert!(form.contains("name=\"name\" value=\"旗发展和改革委员会\""), "{form}");
        assert!(!res.body.contains("的名称或别名"), "{}", res.body);

        // Nothing was written.
        assert_eq!(app.get("/api/v1/departments", Some(&office)).await.json(), before);
        assert_eq!(events_on(&app, "department").await, 0);
    })
    .await;
}

/// A refused campaign or organisation form comes back on the campaigns page beside
/// itself, with what was typed, the message and the refusal's status; nothing is written.
#[tokio::test]
async fn a_refused_campaign_form_comes_back_beside_itself() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        let office = app.sign_in("office").await;
        let leader = app.sign_in("leader").await;
        let before = app.get("/api/v1/campaigns", Some(&office)).await.json();
        let id = before[0]["id"].as_str().unwrap().to_string();
        let today = qidi_store::today();
        let ends_on = (today + chrono::Duration::days(200)).to_string();
        let new = |code: &'static str, starts_on: String| {
            vec![
                ("confirm_question", "确定吗？".to_string()),
                ("confirmed", "1".to_string()),
                ("code", code.to_string()),
                ("name", "第二轮待批项目大起底".to_string()),
                ("starts_on", starts_on),
                ("ends_on", ends_on.clone()),
                ("milestones", String::new()),
            ]
        };
        let post = |cookie: String, path: String, fields: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form(&path, Some(&cookie), &fields).await
            }
        };

        // A code already used: 422, in the new campaign's form, what was typed kept.
        let res = post(office.clone(), "/campaigns".into(), new("sweep-2022", today.to_string())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "工作与组织机构");
        let form = form_to(&res.body, "/campaigns");
        assert!(form.contains("role=\"alert\">工作代码“sweep-2022”已被本地区的另一项工作使用"), "{form}");
        assert!(form.contains("value=\"sweep-2022\"") && form.contains("value=\"第二轮待批项目大起底\""), "{form}");
        assert!(form.contains(&format!("name=\"ends_on\" value=\"{ends_on}\"")), "{form}");
        assert!(res.body.contains("<details open>"), "the form is open");
        // A date that does not read.
        let res = post(office.clone(), "/campaigns".into(), new("sweep-new", "2026-02-30".into())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let form = form_to(&res.body, "/campaigns");
        assert!(form.contains("role=\"alert\">开始日期“2026-02-30”不是有效日期"), "{form}");
        assert!(form.contains("name=\"starts_on\" value=\"2026-02-30\""), "{form}");
        // A step the reader may not take: 403, on the page, at the top.
        let res = post(leader.clone(), "/campaigns".into(), new("sweep-new", today.to_string())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        back_on_page(&res, "工作与组织机构");
        assert!(!res.body.contains("action=\"/campaigns\""), "the leader plans nothing");

        // A body's members that do not read: 422, in that body's form, the text kept.
        let path = format!("/campaigns/{id}/organisation");
        let members = || vec![("body", "leading_group".to_string()), ("text", "李四 旗发改委科员".to_string())];
        let res = post(office.clone(), path.clone(), members()).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "工作与组织机构");
        let form = part_after(&res.body, "name=\"body\" value=\"leading_group\"", "</form>");
        assert!(form.contains("role=\"alert\">领导小组：第1行没有职位"), "{form}");
        assert!(form.contains(">李四 旗发改委科员</textarea>"), "{form}");
        let valid = vec![("body", "leading_group".to_string()), ("text", "组长：李四 旗发改委主任".to_string())];
        let res = post(leader.clone(), path.clone(), valid).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        back_on_page(&res, "工作与组织机构");
        assert!(!res.body.contains(&format!("action=\"{path}\"")), "the leader keeps no organisation");
        // In English on an English page.
        let res = post(format!("{office}; qidi_lang=en"), path.clone(), members()).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        back_on_page(&res, "Campaigns and organisation");
        let form = part_after(&res.body, "name=\"body\" value=\"leading_group\"", "</form>");
        assert!(form.contains("Line 1 has no position"), "{form}");
        assert!(form.contains(">李四 旗发改委科员</textarea>"), "{form}");

        // Nothing was written.
        assert_eq!(app.get("/api/v1/campaigns", Some(&office)).await.json(), before);
    })
    .await;
}
