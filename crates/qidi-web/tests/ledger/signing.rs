//! Sign-off: signatures bound to the content hash, missing check results, and approvals that keep them valid.

use crate::common::{banner, TestApp};
use crate::{approve_through_workflow, cast, fix_baseline, import, ledger_rows, signature_states, total, P1};
use axum::http::StatusCode;
use qidi_core::ledger::{content_hash, Capacity};
use sqlx::Row;

#[tokio::test]
async fn a_signature_binds_the_hash_and_a_changed_ledger_outdates_it() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let state = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap();
        assert_eq!(state.items, 4, "P1's two items and P3's two");
        let hash = state.current_hash.clone();

        let head = app.sign_in("fgw_head").await;
        let leader = app.sign_in("leader").await;
        let handler = app.sign_in("fgw_handler").await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("name=\"hash\" value=\"{hash}\"")), "{}", page.body);

        let sign = |cookie: String, capacity: &'static str, hash: String| {
            let app = &app;
            async move {
                app.post_form("/ledger/departments/fgw/sign", Some(&cookie), &[("capacity", capacity), ("hash", &hash)])
                    .await
            }
        };
        // A handler cannot sign; the leader cannot sign before the head; a stale hash signs nothing.
        assert_eq!(sign(handler.clone(), "department_head", hash.clone()).await.status, StatusCode::FORBIDDEN);
        let res = sign(leader.clone(), "leader", hash.clone()).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("须先由“部门主要负责人”签字"), "{}", res.body);
        assert_eq!(sign(head.clone(), "department_head", "0".repeat(64)).await.status, StatusCode::CONFLICT);
        assert!(app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().versions.is_empty());

        assert_eq!(sign(head.clone(), "department_head", hash.clone()).await.status, StatusCode::SEE_OTHER);
        assert_eq!(sign(head.clone(), "department_head", hash.clone()).await.status, StatusCode::CONFLICT, "once");
        assert_eq!(sign(leader.clone(), "leader", hash.clone()).await.status, StatusCode::SEE_OTHER);

        // What was signed: the stored content (its parts, in order) hashes to the signed
        // hash, for both signers.
        let rows = sqlx::query(
            "SELECT s.capacity, s.content_hash, v.id, s.signer_name FROM ledger_signatures s
             JOIN ledger_versions v ON v.id = s.ledger_version_id ORDER BY s.signed_at",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(rows.len(), 2);
        for r in &rows {
            assert_eq!(r.get::<String, _>(1), hash);
            let parts = sqlx::query("SELECT text FROM ledger_text_parts WHERE owner_id = $1 ORDER BY part")
                .bind(r.get::<String, _>(2))
                .fetch_all(app.store.pool())
                .await
                .unwrap();
            let content: String = parts.iter().map(|p| p.get::<String, _>(0)).collect();
            assert_eq!(content_hash(&content), hash);
        }
        assert_eq!(rows[0].get::<String, _>(3), c.fgw_head.display_name);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.body.matches("与签字版本一致</td>").count(), 2, "{}", page.body);
        assert!(page.body.contains("基线已锁定"));
        let progress = app.store.baseline_progress(&banner(), None).await.unwrap();
        assert_eq!((progress.total.baseline, progress.total.remaining), (4, 4));

        // The banner ledger aggregates the signed department ledger; the office signs it.
        let office = app.sign_in("office").await;
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        assert_eq!(banner_state.parts.len(), 1);
        assert_eq!(banner_state.parts[0].content_hash, hash);
        let res = app
            .post_form(
                "/ledger/banner/sign",
                Some(&office),
                &[("capacity", "office"), ("hash", &banner_state.current_hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app
            .post_form(
                "/ledger/banner/sign",
                Some(&leader),
                &[("capacity", "office"), ("hash", &banner_state.current_hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        // A handling department answers its check list: the ledger content changes.
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let zrzy = app.sign_in("zrzy_handler").await;
        let page = app.get("/ledger/departments/zrzy", Some(&zrzy)).await;
        assert!(page.body.contains("逾期未反馈"), "the 08-20 due date has passed: {}", page.body);
        let head_page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(head_page.body.contains("尚未反馈的事项") && head_page.body.contains("逾期未反馈"));
        let item = app
            .store
            .check_rows(&banner(), &c.zrzy_handler.department_id.clone().unwrap())
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.project_code == P1)
            .unwrap()
            .pending_item_id;
        let incomplete = app
            .post_form(
                &format!("/ledger/items/{item}/answer"),
                Some(&zrzy),
                &[
                    ("check_result", "已受理"),
                    ("responsible_person", ""),
                    ("acceptance_status", "已受理"),
                    ("due_on", ""),
                ],
            )
            .await;
        assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(incomplete.body.contains("责任人") && incomplete.body.contains("完成时限"), "{}", incomplete.body);
        let res = app
            .post_form(
                &format!("/ledger/items/{item}/answer"),
                Some(&zrzy),
                &[
                    ("check_result", "材料齐全，已受理"),
                    ("responsible_person", "王海"),
                    ("acceptance_status", "已受理"),
                    ("due_on", "2022-10-15"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // A changed check report of a signed line: a change to the signed content,
        // listed with what changed, for the signatories to confirm.
        let now = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap();
        assert_ne!(now.current_hash, hash);
        assert_eq!(now.changes.len(), 1);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.body.matches("新增/变更，待签认</td>").count(), 2, "{}", page.body);
        assert!(page.body.contains("新增/变更，待签认（1 项）"), "{}", page.body);
        assert!(page.body.contains("完成时限：2022-09-30 → 2022-10-15"), "{}", page.body);
        assert!(page.body.contains("核查情况：材料已齐 → 材料齐全，已受理"), "{}", page.body);
        assert!(page.body.contains("尚有 <strong>3</strong> 项待批事项缺少核查情况"), "{}", page.body);
        // The ledger is not signed whole again, with the old hash or the new one.
        assert_eq!(sign(head.clone(), "department_head", hash.clone()).await.status, StatusCode::CONFLICT);
        let res = sign(head.clone(), "department_head", now.current_hash.clone()).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("逐项签认"), "{}", res.body);
        // The change is confirmed: the head, then the leader.
        let set = now.change_set.clone().unwrap().hash;
        assert!(page.body.contains(&format!("name=\"hash\" value=\"{set}\"")), "{}", page.body);
        let confirm = |cookie: String, capacity: &'static str| {
            let (app, set) = (&app, set.clone());
            async move {
                app.post_form(
                    "/ledger/departments/fgw/changes/sign",
                    Some(&cookie),
                    &[("capacity", capacity), ("hash", &set)],
                )
                .await
            }
        };
        assert_eq!(confirm(leader.clone(), "leader").await.status, StatusCode::CONFLICT, "the head first");
        assert_eq!(confirm(head.clone(), "department_head").await.status, StatusCode::SEE_OTHER);
        assert_eq!(confirm(leader.clone(), "leader").await.status, StatusCode::SEE_OTHER);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(
            page.body.matches("与签字版本一致</td>").count(),
            4,
            "two signatures, two confirmations: {}",
            page.body
        );
        assert!(!page.body.contains("待签认（"), "{}", page.body);
        assert!(page.body.contains("新增/变更签认记录"));
        let banner_now = app.store.ledger_state(&banner(), None).await.unwrap();
        assert_eq!(banner_now.current_hash, banner_state.current_hash, "the banner ledger is unchanged");
        let _ = (c.office, c.leader);
    })
    .await;
}

#[tokio::test]
async fn an_approval_on_a_signed_ledger_leaves_every_signature_valid() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        app.store
            .sign_ledger(&banner(), None, Capacity::Office, &banner_state.current_hash, false, &c.office)
            .await
            .unwrap();
        let head = app.sign_in("fgw_head").await;
        let before = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        let valid = |caps: &[&str]| caps.iter().map(|c| (c.to_string(), "matches".to_string())).collect::<Vec<_>>();
        assert_eq!(signature_states(&before), valid(&["department_head", "leader"]));
        assert_eq!(total(&app).await.remaining, 4);

        approve_through_workflow(&app, P1, "land_pre_review", "zrzy_handler").await;

        let after = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(signature_states(&after), valid(&["department_head", "leader"]), "{after}");
        let t = total(&app).await;
        assert_eq!((t.baseline, t.approved, t.remaining), (4, 1, 3), "审批1个核减1个");
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        let banner_sigs: Vec<_> =
            banner_state.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        assert_eq!(banner_sigs, vec![qidi_core::ledger::SignatureState::Matches], "the banner signature holds");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(!page.body.contains("不一致"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn missing_check_results_are_counted_and_confirmed_before_signing() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let head = app.sign_in("fgw_head").await;
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(ledger["missing_checks"], 4, "no handling department has answered yet");
        let hash = ledger["current_hash"].as_str().unwrap().to_string();

        // The page says how many, and the signing form asks for confirmation.
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("尚有 <strong>4</strong> 项待批事项缺少核查情况"), "{}", page.body);
        assert!(page.body.contains("我已知悉尚有 4 项缺少核查情况，仍签字确认"), "{}", page.body);
        let res = app
            .post_form("/ledger/departments/fgw/sign", Some(&head), &[("capacity", "department_head"), ("hash", &hash)])
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("尚有 4 项待批事项缺少核查情况"), "{}", res.body);
        // The API the same: 409 with the count, unless confirmed.
        let body = |tick: bool| serde_json::json!({ "capacity": "department_head", "hash": hash, "confirm_missing_checks": tick });
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&head), &body(false)).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(res.json()["error"]["message"], "尚有 4 项待批事项缺少核查情况（核查清单未反馈或未填写核查情况）：请确认知悉后再签字");
        assert!(app.store.ledger_state(&banner(), ledger["department_id"].as_str()).await.unwrap().versions.is_empty());
        let res = app
            .post_form(
                "/ledger/departments/fgw/sign",
                Some(&head),
                &[("capacity", "department_head"), ("hash", &hash), ("confirm_missing_checks", "1")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("签字时 4 项缺核查情况，已确认知悉"), "{}", page.body);

        // The leader is asked to confirm the count too.
        let leader = app.sign_in("leader").await;
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &serde_json::json!({ "capacity": "leader", "hash": hash })).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "the leader is asked too: {}", res.body);
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &serde_json::json!({ "capacity": "leader", "hash": hash, "confirm_missing_checks": true })).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["fully_signed"], true);
    })
    .await;
}

#[tokio::test]
async fn the_demo_approvals_leave_the_demo_signatures_valid() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        assert!(total(&app).await.approved > 0, "the demo approves some of fgw's baseline");
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let fgw = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap();
        let states: Vec<_> = fgw.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        use qidi_core::ledger::SignatureState::Matches;
        assert_eq!(states, vec![Matches, Matches]);
        assert!(fgw.signed.as_ref().is_some_and(|s| s.reduced > 0) && fgw.changes.is_empty());
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        let states: Vec<_> = banner_state.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        assert_eq!(states, vec![Matches]);
        let head = app.sign_in("fgw_head").await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        // The demo's biggest department ledger stays small: the baseline's rows carry a
        // radio button each, not a form (it was over 1 MB with a form on every row).
        assert!(page.body.len() < 500_000, "the fgw ledger page is {} bytes", page.body.len());
        // The baseline table is paged, 200 rows a page, and says how many there are.
        let rows = |body: &str| body.matches("form=\"reduce-item\"").count();
        let (baseline, total) = app.store.baseline_rows(&banner(), Some(&fgw_id), 1, 0).await.unwrap();
        assert_eq!(baseline.len(), 1);
        assert!(total > 200, "the demo's fgw baseline has {total} rows");
        let pages = total.div_ceil(200);
        assert!(page.body.contains(&format!("第 1 / {pages} 页，共 {total} 个事项")), "{}", page.body);
        let unreduced_first = rows(&page.body);
        assert!(unreduced_first <= 200);
        let last = app.get(&format!("/ledger/departments/fgw?baseline_page={pages}"), Some(&head)).await;
        assert!(last.body.contains(&format!("第 {pages} / {pages} 页")) && !last.body.contains(">下一页<"));
        assert!(last.body.contains(">上一页<"));
        assert!(page.body.len() < 300_000, "paged, the fgw ledger page is {} bytes", page.body.len());
        assert_eq!(page.body.matches("class=\"state-ok\">与签字版本一致").count(), 2, "{}", page.body);
        assert!(
            page.body.contains("签字时") && page.body.contains("项缺核查情况，已确认知悉"),
            "the demo signed knowingly"
        );
    })
    .await;
}
