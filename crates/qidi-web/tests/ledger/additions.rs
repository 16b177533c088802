//! Items found after the baseline is fixed: added, listed as changes, and confirmed rather than signed again.

use crate::common;
use crate::common::{banner, TestApp};
use crate::{
    approve_through_workflow, cast, fix_baseline, import, item_type_id, ledger_rows, project_id, signature_states,
    total, P1,
};
use axum::http::StatusCode;
use qidi_core::ledger::Capacity;
use sqlx::Row;

#[tokio::test]
async fn a_pending_item_found_later_joins_a_fixed_baseline_as_an_addition() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let p1 = project_id(&app, P1).await;
        let energy = item_type_id(&app, "energy_review").await;
        let path = format!("/projects/{p1}/items");
        let form = [("item_type_id", energy.as_str()), ("responsible_person", " 王海 "), ("due_on", "2022-12-15")];

        // Only the initiating department (or the office) sees the form and may add.
        let zrzy = app.sign_in("zrzy_handler").await;
        let page = app.get(&format!("/projects/{p1}"), Some(&zrzy)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"add-item\""));
        assert_eq!(app.post_form(&path, Some(&zrzy), &form).await.status, StatusCode::FORBIDDEN, "sees it, may not");
        let inspector = app.sign_in("inspector").await;
        assert_eq!(app.post_form(&path, Some(&inspector), &form).await.status, StatusCode::FORBIDDEN);
        let slj = app.sign_in("slj_head").await;
        assert_eq!(app.post_form(&path, Some(&slj), &form).await.status, StatusCode::NOT_FOUND, "out of its scope");
        assert_eq!(total(&app).await.additions, 0);

        let fgw = app.sign_in("fgw_head").await;
        let page = app.get(&format!("/projects/{p1}"), Some(&fgw)).await;
        assert!(page.body.contains("id=\"add-item\""), "{}", page.body);
        assert!(page.body.contains("节能审查") || page.body.contains("能评"), "energy review is offered");
        let res = app.post_form(&path, Some(&fgw), &[("item_type_id", energy.as_str()), ("due_on", "12/15")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("YYYY-MM-DD"));
        let res = app.post_form(&path, Some(&fgw), &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let p = total(&app).await;
        assert_eq!((p.baseline, p.additions, p.remaining), (4, 1, 5), "the baseline grows by an addition");
        let (person, due, handling): (Option<String>, Option<String>, String) = {
            let r = sqlx::query(
                "SELECT i.responsible_person, i.due_on, d.code FROM pending_items i JOIN departments d
                 ON d.id = i.handling_department_id WHERE i.item_type_id = $1",
            )
            .bind(&energy)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        assert_eq!((person.as_deref(), due.as_deref(), handling.as_str()), (Some("王海"), Some("2022-12-15"), "fgw"));
        let events = app.store.recent_events(100).await.unwrap();
        assert!(events.iter().any(|e| e.action == "pending_item.add" && e.payload.contains("\"addition\":true")));

        // The same item twice is refused, and the form no longer offers it.
        let res = app.post_form(&path, Some(&fgw), &form).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("已有待批事项"), "{}", res.body);
        let page = app.get(&format!("/projects/{p1}"), Some(&fgw)).await;
        assert!(!page.body.contains(&format!("value=\"{energy}\"")));
        assert_eq!(total(&app).await.additions, 1);
    })
    .await;
}

#[tokio::test]
async fn an_item_added_later_waits_for_confirmation_and_is_confirmed_not_signed_again() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        app.store.sign_ledger(&banner(), None, Capacity::Office, &banner_state.current_hash, false, &c.office).await.unwrap();
        let head = app.sign_in("fgw_head").await;
        let leader = app.sign_in("leader").await;

        // 补录: an energy review of P1, found after the ledger was fixed.
        let p1 = project_id(&app, P1).await;
        let energy = item_type_id(&app, "energy_review").await;
        let body = serde_json::json!({ "item_type_id": energy, "responsible_person": "杨帆", "due_on": "2022-12-15" });
        let res = app.post_json(&format!("/api/v1/projects/{p1}/items"), Some(&head), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

        // Listed separately: which item, what it is; the signatures wait for it.
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        let pending = |caps: &[&str]| caps.iter().map(|c| (c.to_string(), "changes_pending".to_string())).collect::<Vec<_>>();
        assert_eq!(signature_states(&ledger), pending(&["department_head", "leader"]));
        let changes = ledger["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{ledger}");
        assert_eq!((changes[0]["kind"].as_str(), changes[0]["project_code"].as_str()), (Some("added"), Some(P1)));
        assert_eq!(changes[0]["item_type"], "energy_review");
        assert_eq!(changes[0]["missing_check"], true, "no check result yet");
        assert_eq!((ledger["signed"]["items"].as_u64(), ledger["signed"]["reduced"].as_u64()), (Some(4), Some(0)));
        let set = ledger["change_set"]["hash"].as_str().unwrap().to_string();
        assert_eq!(ledger["change_set"]["missing_checks"], 1);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("新增/变更，待签认（1 项）"), "{}", page.body);
        assert!(page.body.contains("完成时限：2022-12-15") && page.body.contains("责任人：杨帆"), "{}", page.body);
        assert!(page.body.contains("以部门主要负责人身份签认以上 1 项新增/变更"), "{}", page.body);
        assert!(page.body.contains("name=\"confirm_missing_checks\" value=\"1\" required"), "{}", page.body);
        assert!(!page.body.contains("action=\"/ledger/departments/fgw/sign\""), "no whole-ledger signing once fixed");

        // The head confirms in the page; a check result is missing, so the box must be ticked.
        let form = |hash: &str, tick: bool| {
            let mut f = vec![("capacity".to_string(), "department_head".to_string()), ("hash".into(), hash.to_string())];
            if tick {
                f.push(("confirm_missing_checks".into(), "1".into()));
            }
            f
        };
        let post = |cookie: String, f: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.post_form("/ledger/departments/fgw/changes/sign", Some(&cookie), &f).await
            }
        };
        let res = post(head.clone(), form(&set, false)).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("尚有 1 项待批事项缺少核查情况"), "{}", res.body);
        assert_eq!(post(head.clone(), form(&"0".repeat(64), true)).await.status, StatusCode::CONFLICT, "stale");
        let res = post(head.clone(), form(&set, true)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("已签认：部门主要负责人"), "{}", page.body);

        // The leader confirms through the API.
        let confirm = |hash: &str, tick: bool| serde_json::json!({ "capacity": "leader", "hash": hash, "confirm_missing_checks": tick });
        let res = app.post_json("/api/v1/ledger/departments/fgw/changes/sign", Some(&leader), &confirm(&set, false)).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("1 项"), "{}", res.body);
        let res = app.post_json("/api/v1/ledger/departments/fgw/changes/sign", Some(&leader), &confirm(&set, true)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!((res.json()["confirmed"].as_bool(), res.json()["changes"].as_u64()), (Some(true), Some(1)));
        let res = app.post_json("/api/v1/ledger/departments/fgw/changes/sign", Some(&leader), &confirm(&set, true)).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "nothing left to confirm");

        // Every signature holds again; the banner ledger never moved.
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        let valid = |caps: &[&str]| caps.iter().map(|c| (c.to_string(), "matches".to_string())).collect::<Vec<_>>();
        assert_eq!(signature_states(&ledger), valid(&["department_head", "leader"]), "{ledger}");
        assert_eq!(ledger["changes"], serde_json::json!([]));
        assert_eq!((ledger["signed"]["items"].as_u64(), ledger["signed"]["confirmed_change_sets"].as_u64()), (Some(5), Some(1)));
        assert_ne!(ledger["signed"]["hash"], ledger["signed"]["version_hash"]);
        let sets = ledger["change_sets"].as_array().unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0]["confirmed"], true);
        assert_eq!(sets[0]["signatures"][0]["missing_checks"], 1, "the count the head confirmed is kept");
        let banner_now = app.store.ledger_state(&banner(), None).await.unwrap();
        let states: Vec<_> = banner_now.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        assert_eq!(states, vec![qidi_core::ledger::SignatureState::Matches]);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("签字有效：与签字版本一致"), "{}", page.body);
        assert!(page.body.contains("含已签认的新增/变更 1 次"), "{}", page.body);
        let events = app.store.recent_events(100).await.unwrap();
        assert_eq!(events.iter().filter(|e| e.action == "ledger.confirm_changes").count(), 2);

        // Approving the added item afterwards reduces it, and touches no signature.
        approve_through_workflow(&app, P1, "energy_review", "fgw_handler").await;
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(signature_states(&ledger), valid(&["department_head", "leader"]), "{ledger}");
        assert_eq!(ledger["signed"]["reduced"], 1);
        assert_eq!(total(&app).await.remaining, 4, "4 signed + 1 added − 1 approved");
    })
    .await;
}

/// `n` more projects of the fgw ledger, one item each: the wind farm's row under
/// another number, code and name.
fn more_projects(n: usize) -> Vec<[&'static str; 15]> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    (0..n)
        .map(|i| {
            let mut row = common::WIND_FARM_ROW;
            row[0] = leak((10 + i).to_string());
            row[1] = leak(format!("2022-152529-44-01-{:06}", 300 + i));
            row[2] = leak(format!("正镶白旗第{}号光伏发电项目", i + 1));
            row
        })
        .collect()
}

#[tokio::test]
async fn a_department_page_lists_the_first_changes_and_counts_them_all() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        // A file of 205 more projects imported into the fixed ledger: 205 additions.
        import(&app, &ledger_rows(&more_projects(205))).await;
        let head = app.sign_in("fgw_head").await;
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(ledger["changes"].as_array().map(Vec::len), Some(205), "a page of 1,000 holds them all");
        assert_eq!((&ledger["changes_total"], &ledger["more_changes"]), (&205.into(), &false.into()), "{ledger}");
        assert!(ledger["next_after"].is_null(), "{ledger}");
        // Paged by key, 100 at a time: the same changes in the same order, then no more.
        let key = |c: &serde_json::Value| {
            format!("{}/{}", c["project_code"].as_str().unwrap(), c["item_type"].as_str().unwrap())
        };
        let (mut paged, mut after) = (Vec::new(), String::new());
        for expected in [100, 100, 5] {
            let url = format!("/api/v1/ledger/departments/fgw?limit=100{after}");
            let page = app.get(&url, Some(&head)).await.json();
            let changes = page["changes"].as_array().unwrap();
            assert_eq!((changes.len(), &page["changes_total"]), (expected, &205.into()), "{url}");
            assert_eq!(page["more_changes"], expected == 100, "{url}");
            assert_eq!(page["change_set"]["hash"], ledger["change_set"]["hash"], "every page confirms all");
            paged.extend(changes.iter().map(key));
            match page["next_after"].as_str() {
                Some(next) => after = format!("&after={}", common::urlencode(next)),
                None => assert_eq!(expected, 5),
            }
        }
        assert_eq!(paged, ledger["changes"].as_array().unwrap().iter().map(key).collect::<Vec<_>>());
        for bad in ["limit=0", "limit=10001", "limit=many", "after=no-item-type"] {
            let res = app.get(&format!("/api/v1/ledger/departments/fgw?{bad}"), Some(&head)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", res.body);
            assert!(res.body.contains("收到"), "says what it got: {}", res.body);
        }
        // Listed in part, the state's change set and hash are those of all 205 changes.
        let fgw_id = ledger["department_id"].as_str().unwrap();
        let listed = app.store.ledger_state_listing(&banner(), Some(fgw_id), 3).await.unwrap();
        assert_eq!((listed.changes.len(), listed.changes_total), (3, 205));
        assert_eq!(listed.change_set.map(|s| s.hash).as_deref(), ledger["change_set"]["hash"].as_str());
        assert_eq!(listed.current_hash, ledger["current_hash"].as_str().unwrap());
        assert_eq!(listed.changes[0].project_code, ledger["changes"][0]["project_code"].as_str().unwrap());

        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("新增/变更，待签认（205 项）"), "{}", page.body);
        assert_eq!(page.body.matches("<tr class=\"change-added\">").count(), 200, "{}", page.body);
        assert!(page.body.contains("以上只列出前 200 项，共 205 项"), "{}", page.body);
        assert!(page.body.contains("签认以上 205 项新增/变更"), "the confirmation covers all: {}", page.body);
        // The 5 that follow are a link away, and the confirmation there covers all 205 too.
        assert!(!page.body.contains("回到开头"), "the first page links to no start");
        let before_link = page.body.split("\" id=\"changes-next\"").next().unwrap();
        let next = before_link.rsplit("href=\"").next().unwrap().replace("&amp;", "&");
        let later = app.get(&format!("/ledger/departments/fgw{next}"), Some(&head)).await;
        assert_eq!(later.status, StatusCode::OK, "{next}");
        assert_eq!(later.body.matches("<tr class=\"change-added\">").count(), 5, "{}", later.body);
        assert!(later.body.contains("以上列出其后的 5 项，共 205 项"), "{}", later.body);
        assert!(later.body.contains("签认以上 205 项新增/变更") && later.body.contains("回到开头"), "{}", later.body);
        assert!(!later.body.contains("id=\"changes-next\""), "the last page links to no next");
        let last_of_first = page.body.rsplit("<tr class=\"change-added\"><td><span class=\"code\">").next().unwrap();
        let first_of_later = later.body.split("<tr class=\"change-added\"><td><span class=\"code\">").nth(1).unwrap();
        assert!(
            last_of_first.split('<').next() < first_of_later.split('<').next(),
            "in key order, after the first 200"
        );
        // Confirmed from the page, all 205 are confirmed.
        let set = ledger["change_set"]["hash"].as_str().unwrap().to_string();
        let leader = app.sign_in("leader").await;
        for (cookie, capacity) in [(&head, "department_head"), (&leader, "leader")] {
            let f = [("capacity", capacity), ("hash", set.as_str()), ("confirm_missing_checks", "1")];
            let res = app.post_form("/ledger/departments/fgw/changes/sign", Some(cookie), &f).await;
            assert!(res.status.is_redirection(), "{capacity}: {} {}", res.status, res.body);
        }
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(ledger["changes"], serde_json::json!([]), "{ledger}");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(!page.body.contains("id=\"changes-capped\"") && !page.body.contains("待签认（"), "{}", page.body);
    })
    .await;
}
