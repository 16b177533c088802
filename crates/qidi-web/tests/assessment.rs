//! Assessment and look-back reviews on the web, on both backends: who sees which
//! departments, the derivation page, the office's profile form changing the result,
//! initiating departments' entries, and a look-back review opened by sample,
//! a finding with its correction's light, downloads, and who may write.

mod common;

use axum::http::StatusCode;
use chrono::{FixedOffset, NaiveDate, TimeZone};
use common::{banner, TestApp};
use qidi_core::bulletin::Month;
use qidi_core::workflow::Action;
use qidi_core::Role;
use qidi_store::testing::{test_pending_item, test_user};
use qidi_store::workflow::ActRequest;
use serde_json::json;

fn score_of(v: &serde_json::Value, code: &str) -> i64 {
    v["assessment"]["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["department_code"] == code)
        .unwrap_or_else(|| panic!("{code} not in {v}"))["score"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn departments_see_their_own_and_the_office_edits_the_profile() {
    TestApp::on_each_backend(|app| async move {
        for (name, role, dept) in [
            ("office", Role::Office, None),
            ("insp", Role::Inspector, None),
            ("zrzy_h", Role::Handler, Some("zrzy")),
            ("fgw_h", Role::Handler, Some("fgw")),
            ("admin", Role::Admin, None),
        ] {
            test_user(&app.store, name, role, dept, None, None).await;
        }
        let (office, insp, zrzy, fgw) = (
            app.sign_in("office").await,
            app.sign_in("insp").await,
            app.sign_in("zrzy_h").await,
            app.sign_in("fgw_h").await,
        );
        let last = Month::of(qidi_store::today()).previous().to_string();
        let this = Month::of(qidi_store::today()).to_string();

        // The current month is not over: said on the page, in Chinese.
        let res = app.get(&format!("/assessment?period={this}"), Some(&office)).await;
        assert!(res.body.contains("尚未结束"), "{}", res.body);
        let res = app.get("/assessment?period=May", Some(&office)).await;
        assert!(res.body.contains("不是考核期"), "{}", res.body);

        // The office sees every department; a department only itself.
        let page = app.get(&format!("/assessment?period={last}"), Some(&office)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("旗自然资源局") && page.body.contains("旗生态环境分局"), "{}", page.body);
        let own = app.get(&format!("/assessment?period={last}"), Some(&zrzy)).await;
        assert!(own.body.contains("旗自然资源局") && !own.body.contains("旗生态环境分局"), "{}", own.body);
        let api = app.get(&format!("/api/v1/assessment?period={last}"), Some(&zrzy)).await.json();
        assert_eq!(api["assessment"]["departments"].as_array().unwrap().len(), 1);
        let all = app.get(&format!("/api/v1/assessment?period={last}"), Some(&insp)).await.json();
        assert!(all["assessment"]["departments"].as_array().unwrap().len() > 5);
        // Without facts: full marks but no online points, 90.
        assert_eq!(score_of(&all, "sthj"), 9000);
        let detail = app.get(&format!("/assessment/departments/zrzy?period={last}"), Some(&zrzy)).await;
        assert_eq!(detail.status, StatusCode::OK);
        assert!(detail.body.contains("补正告知按时率") && detail.body.contains("网上办理"), "{}", detail.body);
        assert_eq!(
            app.get(&format!("/assessment/departments/sthj?period={last}"), Some(&zrzy)).await.status,
            StatusCode::NOT_FOUND
        );

        // The administrators read no business data (三员分立): no assessment at all.
        let admin = app.sign_in("admin").await;
        assert_eq!(app.get(&format!("/assessment?period={last}"), Some(&admin)).await.status, StatusCode::NOT_FOUND);
        let api = app.get(&format!("/api/v1/assessment?period={last}"), Some(&admin)).await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);

        // The profile: the office edits, the inspector only reads.
        assert_eq!(app.post_form("/assessment/profile", Some(&insp), &[]).await.status, StatusCode::NOT_FOUND);
        let profile = app.get("/api/v1/assessment/profile", Some(&office)).await.json();
        let mut p = profile["profile"].clone();
        assert_eq!(app.post_json("/api/v1/assessment/profile", Some(&insp), &p).await.status, StatusCode::FORBIDDEN);
        let mut form: Vec<(String, String)> = qidi_core::assessment::FIELDS
            .iter()
            .map(|(k, _)| (k.to_string(), qidi_core::assessment::centi_text(p[*k].as_i64().unwrap())))
            .collect();
        form.push(("name".into(), "2026年考核方案".into()));
        form.push(("empty_gets_full".into(), "yes".into()));
        let set = |form: &mut Vec<(String, String)>, k: &str, v: &str| {
            form.iter_mut().find(|(key, _)| key == k).unwrap().1 = v.into();
        };
        set(&mut form, "notice_weight", "abc");
        let refs = |f: &Vec<(String, String)>| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
        let pairs = refs(&form);
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = app.post_form("/assessment/profile", Some(&office), &borrowed).await;
        assert!(res.body.contains("“补正告知按时率（分）”填写有误"), "{}", res.body);
        // Refused, with what was typed kept: the bad value itself, not the stored one.
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("name=\"notice_weight\" value=\"abc\""), "{}", res.body);
        // 补正告知 worth 5 instead of 15: a department without facts drops to 80, 良好.
        set(&mut form, "notice_weight", "5");
        let pairs = refs(&form);
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = app.post_form("/assessment/profile", Some(&office), &borrowed).await;
        assert_eq!(res.location(), Some("/assessment/profile?saved=1"), "{}", res.body);
        let after = app.get(&format!("/api/v1/assessment?period={last}"), Some(&insp)).await.json();
        assert_eq!(after["profile_version"], 1);
        assert_eq!(score_of(&after, "sthj"), 8000);
        let page = app.get(&format!("/assessment/departments/sthj?period={last}"), Some(&office)).await;
        assert!(page.body.contains("良好"), "{}", page.body);
        // Version 0 is still there to recompute with.
        let v0 = app.get(&format!("/api/v1/assessment?period={last}&profile=0"), Some(&insp)).await.json();
        assert_eq!(score_of(&v0, "sthj"), 9000);
        // By JSON, the office saves a whole profile; a bad one is refused naming why.
        p["pass"] = json!(9999);
        let res = app.post_json("/api/v1/assessment/profile", Some(&office), &p).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("合格"));

        // Entries: 发改委 (initiating) assesses 自然资源局; 自然资源局 may not assess.
        let form = app.get("/assessment/entries", Some(&fgw)).await;
        assert!(form.body.contains("评价办理部门"), "{}", form.body);
        let res = app
            .post_form(
                "/assessment/entries",
                Some(&fgw),
                &[("department", "zrzy"), ("score", "75.5"), ("comment", "推进较慢"), ("project_code", "")],
            )
            .await;
        assert_eq!(res.location(), Some(format!("/assessment/entries?period={this}").as_str()), "{}", res.body);
        let list = app.get(&format!("/assessment/entries?period={this}"), Some(&zrzy)).await;
        assert!(list.body.contains("推进较慢") && list.body.contains("75.5"), "{}", list.body);
        let res = app
            .post_form("/assessment/entries", Some(&fgw), &[("department", "zrzy"), ("score", "120"), ("comment", "x")])
            .await;
        assert!(res.body.contains("评分应在 0 到 100 之间"), "{}", res.body);
        let res = app
            .post_json(
                "/api/v1/assessment/entries",
                Some(&zrzy),
                &json!({"department": "sthj", "score": 90, "comment": "好"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app
            .post_json(
                "/api/v1/assessment/entries",
                Some(&fgw),
                &json!({"department": "sthj", "score": 90, "comment": "好"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    })
    .await;
}

#[tokio::test]
async fn a_look_back_review_on_the_web() {
    TestApp::on_each_backend(|app| async move {
        test_user(&app.store, "office", Role::Office, None, None, None).await;
        test_user(&app.store, "insp", Role::Inspector, None, None, None).await;
        let zrzy = test_user(&app.store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await;
        let owner = app.store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        let unit = test_user(&app.store, "unit", Role::Applicant, None, Some(&owner), None).await;
        // Two applications approved last week.
        let today = qidi_store::today();
        let on = |d: NaiveDate| FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&d.and_hms_opt(9, 0, 0).unwrap()).unwrap();
        let start = today - chrono::Days::new(10);
        for serial in 1..3 {
            let (_, item) = test_pending_item(&app.store, &owner, serial, "land_pre_review", "zrzy").await;
            let id = app.store.create_application(&unit, &item, None).await.unwrap().application.id;
            let req = |action| ActRequest { action, client_token: None, expected_version: None, reason: None };
            app.store.act_at(&unit, &id, req(Action::Submit { materials: vec![] }), on(start)).await.unwrap();
            app.store.act_at(&zrzy, &id, req(Action::Accept), on(start)).await.unwrap();
            let approve = Action::Approve { document_number: format!("正自然资字〔2026〕{serial}号"), decided_on: start };
            app.store.act_at(&zrzy, &id, req(approve), on(start)).await.unwrap();
        }
        let (office, insp, handler) = (app.sign_in("office").await, app.sign_in("insp").await, app.sign_in("zrzy_h").await);
        assert_eq!(app.get("/lookback", Some(&handler)).await.status, StatusCode::NOT_FOUND);
        let res = app
            .post_form("/lookback", Some(&office), &[("title", "抽查"), ("rule", "department_items"), ("department", "")])
            .await;
        assert!(res.body.contains("按部门选取时须选择部门"), "{}", res.body);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("value=\"抽查\""), "the title typed is kept: {}", res.body);
        let res = app
            .post_form(
                "/lookback",
                Some(&office),
                &[("title", "自然资源局抽查"), ("rule", "department_items"), ("department", "zrzy"), ("sample_size", "1"), ("seed", "42")],
            )
            .await;
        let location = res.location().unwrap_or_else(|| panic!("{} {}", res.status, res.body)).to_string();
        let id = location.trim_start_matches("/lookback/").to_string();
        let v = app.get(&format!("/api/v1/lookback/{id}"), Some(&insp)).await.json();
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(v["review"]["sample"]["seed"], 42);
        let object_id = items[0]["object_id"].as_str().unwrap().to_string();
        // The same seed by the API: the same item.
        let again = app
            .post_json(
                "/api/v1/lookback",
                Some(&office),
                &json!({"title": "复现", "rule": "department_items", "department": "zrzy", "sample_size": 1, "seed": 42}),
            )
            .await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
        let again_id = again.json()["id"].as_str().unwrap().to_string();
        let v2 = app.get(&format!("/api/v1/lookback/{again_id}"), Some(&office)).await.json();
        assert_eq!(v2["items"][0]["object_id"], object_id.as_str());

        // A finding with a correction due in 20 days: green; the inspector may not write.
        let due = (today + chrono::Days::new(20)).to_string();
        let finding = [
            ("object_type", "application"),
            ("object_id", object_id.as_str()),
            ("finding", "correction_needed"),
            ("note", "批复未公开"),
            ("correction", "在阳光审批公开批复"),
            ("deadline", due.as_str()),
        ];
        assert_eq!(
            app.post_form(&format!("/lookback/{id}/finding"), Some(&insp), &finding).await.status,
            StatusCode::NOT_FOUND
        );
        let res = app.post_form(&format!("/lookback/{id}/finding"), Some(&office), &finding).await;
        assert_eq!(res.location(), Some(location.as_str()), "{}", res.body);
        let page = app.get(&location, Some(&insp)).await;
        assert!(page.body.contains("在阳光审批公开批复") && page.body.contains("绿灯"), "{}", page.body);
        let bad = [("object_type", "application"), ("object_id", object_id.as_str()), ("finding", "correction_needed"), ("deadline", "soon")];
        let res = app.post_form(&format!("/lookback/{id}/finding"), Some(&office), &bad).await;
        assert!(res.body.contains("整改期限“soon”不是日期"), "{}", res.body);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        for (format, kind) in [("xlsx", "spreadsheetml"), ("docx", "wordprocessingml")] {
            let res = app.get(&format!("/lookback/{id}/download/{format}"), Some(&insp)).await;
            assert_eq!(res.status, StatusCode::OK, "{format}");
            assert!(res.headers["content-type"].to_str().unwrap().contains(kind));
        }
        let res = app
            .post_form(
                &format!("/lookback/{id}/corrected"),
                Some(&office),
                &[("object_type", "application"), ("object_id", object_id.as_str()), ("note", "已公开")],
            )
            .await;
        assert_eq!(res.location(), Some(location.as_str()), "{}", res.body);
        assert_eq!(app.post_form(&format!("/lookback/{id}/close"), Some(&office), &[]).await.location(), Some(location.as_str()));
        let closed = app.get(&format!("/api/v1/lookback/{id}"), Some(&office)).await.json();
        assert!(closed["review"]["closed_on"].is_string());
        assert_eq!(closed["summary"]["corrected"], 1);
        let res = app.post_json(&format!("/api/v1/lookback/{id}/close"), Some(&office), &json!({})).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
    })
    .await;
}
