//! The baseline: reduced only by approval or an approved removal, and its table's filters on a department page.

use crate::common::{banner, TestApp};
use crate::{cast, fix_baseline, import, item_id, ledger_rows, project_id, total, P1, P3};
use axum::http::StatusCode;
use sqlx::Row;

#[tokio::test]
async fn the_baseline_shrinks_only_by_approval_or_an_approved_removal() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let pool = app.store.pool().clone();
        let land = item_id(&app, P1, "land_pre_review").await;
        let eia = item_id(&app, P1, "eia").await;
        let before = total(&app).await;
        assert_eq!((before.baseline, before.remaining, before.approved, before.removed), (4, 4, 0, 0));

        // The database itself refuses every other way out.
        let refused = |sql: &'static str, bind: String| {
            let pool = pool.clone();
            async move { sqlx::query(sql).bind(bind).execute(&pool).await }
        };
        assert!(refused("DELETE FROM baseline_items WHERE pending_item_id = $1", land.clone()).await.is_err());
        assert!(refused("DELETE FROM baseline_items WHERE pending_item_id <> $1", String::new()).await.is_err());
        assert!(refused(
            "UPDATE baseline_items SET reduction = 'removed', reduced_on = '2022-09-01' WHERE pending_item_id = $1",
            land.clone()
        )
        .await
        .is_err());
        assert!(refused(
            "UPDATE baseline_items SET reduction = 'removed', reduced_on = '2022-09-01', reason_category = 'other', reason_text = '不想做了' WHERE pending_item_id = $1",
            land.clone()
        )
        .await
        .is_err(), "a reason without the office's approved removal is not enough");
        assert!(refused(
            "UPDATE baseline_items SET reduction = 'approved', reduced_on = '2022-09-01' WHERE pending_item_id = $1",
            land.clone()
        )
        .await
        .is_err(), "not granted, so not approved");
        assert!(refused("UPDATE baseline_items SET added_on = '2023-01-01' WHERE pending_item_id = $1", land.clone())
            .await
            .is_err());
        assert!(refused("DELETE FROM pending_items WHERE id = $1", land.clone()).await.is_err(), "the item stays");
        assert_eq!(total(&app).await, before);

        // 审批1个核减1个: the approval transaction marks the item granted; the baseline follows.
        // (Granting needs the approval behind it: here one recorded from outside the system.)
        let today = qidi_store::today();
        app.store.record_outside_approval(&c.zrzy_handler, &land, "正自然资字〔2022〕12号", today, None).await.unwrap();
        let after = total(&app).await;
        assert_eq!((after.baseline, after.approved, after.removed, after.remaining), (4, 1, 0, 3));
        let reduced: Option<String> = sqlx::query("SELECT reduction FROM baseline_items WHERE pending_item_id = $1")
            .bind(&land)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(reduced.as_deref(), Some("approved"));
        assert!(refused("UPDATE baseline_items SET reduction = NULL, reduced_on = NULL WHERE pending_item_id = $1", land.clone())
            .await
            .is_err(), "a reduction is final");

        // A removal: proposed by the department, decided by the office only.
        let head = app.sign_in("fgw_head").await;
        let inspector = app.sign_in("inspector").await;
        let office = app.sign_in("office").await;
        let p1 = project_id(&app, P1).await;
        // The page's one form, with the row chosen by its radio button.
        let chosen = format!("{p1}:{eia}");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await.body;
        assert_eq!(page.matches("id=\"reduce-item\"").count(), 1, "one form serves every row");
        assert!(page.contains(&format!("name=\"item\" value=\"{chosen}\" form=\"reduce-item\"")), "{page}");
        let form = [
            ("kind", "item"),
            ("item", chosen.as_str()),
            ("reason", "land_saving"),
            ("text", "用地不符合节约集约要求，项目调整选址"),
            ("back", "fgw"),
        ];
        let nothing_chosen = [("kind", "item"), ("reason", "land_saving"), ("text", "x")];
        let res = app.post_form("/ledger/removals", Some(&head), &nothing_chosen).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请先在表中选中"), "{}", res.body);
        // The rows on view (filters and page) go with the page's forms: a refusal shows
        // the same rows, and so does the page after a step.
        let view = "status=pending&q=%E5%8F%91%E6%94%B9&baseline_page=1";
        let filtered = app.get(&format!("/ledger/departments/fgw?{view}"), Some(&head)).await.body;
        assert!(
            filtered.contains(&format!(r#"action="/ledger/removals?{}""#, view.replace('&', "&#38;"))),
            "{filtered}"
        );
        let mut refused_here = nothing_chosen.to_vec();
        refused_here.push(("back", "fgw"));
        let res = app.post_form(&format!("/ledger/removals?{view}"), Some(&head), &refused_here).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请先在表中选中") && res.body.contains(r#"id="baseline-filter""#), "{}", res.body);
        assert!(res.body.contains(r#"name="q" value="发改""#), "the filter is kept: {}", res.body);
        assert!(res.body.contains(r#"<option value="pending" selected>"#), "{}", res.body);
        assert_eq!(app.post_form("/ledger/removals", Some(&inspector), &form).await.status, StatusCode::FORBIDDEN);
        let res = app.post_form(&format!("/ledger/removals?{view}"), Some(&head), &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location(), Some(format!("/ledger/departments/fgw?{view}").as_str()));
        let no_reason = [("kind", "item"), ("project_id", p1.as_str()), ("pending_item_id", eia.as_str()), ("reason", "other"), ("text", "  ")];
        assert_eq!(app.post_form("/ledger/removals", Some(&head), &no_reason).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(total(&app).await.remaining, 3, "a proposal reduces nothing");
        let removal: String =
            sqlx::query("SELECT id FROM removals").fetch_one(&pool).await.unwrap().get(0);
        let decide = format!("/ledger/removals/{removal}/decide");
        assert_eq!(app.post_form(&decide, Some(&head), &[("decision", "approved")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.post_form(&decide, Some(&inspector), &[("decision", "approved")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(total(&app).await.remaining, 3);
        let res = app.post_form(&decide, Some(&office), &[("decision", "approved"), ("note", "白旗发改发〔2022〕18号")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let t = total(&app).await;
        assert_eq!((t.baseline, t.approved, t.removed, t.remaining), (4, 1, 1, 2));
        assert_eq!(app.post_form(&decide, Some(&office), &[("decision", "rejected")]).await.status, StatusCode::CONFLICT);
        let row = sqlx::query("SELECT reason_category, reason_text, removal_id FROM baseline_items WHERE pending_item_id = $1")
            .bind(&eia)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>(0), "land_saving");
        assert_eq!(row.get::<String, _>(2), removal);
        assert!(refused("UPDATE removals SET decision = 'rejected' WHERE id = $1", removal.clone()).await.is_err());
        assert!(refused("DELETE FROM removals WHERE id = $1", removal.clone()).await.is_err());

        // A project leaves the library with its reason; it stays on record.
        let p3 = project_id(&app, P3).await;
        let form = [("kind", "project"), ("project_id", p3.as_str()), ("reason", "not_going_ahead"), ("text", "项目单位书面申请不再实施")];
        assert_eq!(app.post_form("/ledger/removals", Some(&head), &form).await.status, StatusCode::SEE_OTHER);
        let removal: String = sqlx::query("SELECT id FROM removals WHERE kind = 'project'").fetch_one(&pool).await.unwrap().get(0);
        let res = app.post_form(&format!("/ledger/removals/{removal}/decide"), Some(&office), &[("decision", "approved")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let t = total(&app).await;
        assert_eq!((t.baseline, t.approved, t.removed, t.remaining), (4, 1, 3, 0));
        let project = app.get(&format!("/projects/{p3}"), Some(&office)).await;
        assert_eq!(project.status, StatusCode::OK, "a removed project stays visible");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("项目不再实施") && page.body.contains("已移出"), "{}", page.body);
        assert!(page.body.contains("白旗发改发〔2022〕18号"));

        // Found later: a new item of a fixed ledger joins as an addition.
        let s = import(
            &app,
            &ledger_rows(&[["", P1, "正镶白旗明安图风电场项目（一期）", "", "", "", "", "", "能评", "发改委", "", "", "", "", ""]]),
        )
        .await;
        assert_eq!((s.items_new, s.additions), (1, 1));
        let t = total(&app).await;
        assert_eq!((t.baseline, t.additions, t.remaining), (4, 1, 1));

        // The progress table and the burn-down, server-drawn without inline styles.
        let page = app.get("/ledger/banner", Some(&office)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg") && page.body.contains("class=\"actual\""), "{}", page.body);
        assert!(!page.body.contains("style="), "the CSP forbids inline styles");
        assert!(
            page.body.match_indices("<script").all(|(i, _)| page.body[i..].starts_with("<script src=\"/static/")),
            "no inline script: the chart is drawn by the server"
        );
        assert!(page.body.contains("id=\"progress-total\""));
        assert!(page.body.contains("2022-12-31"));
    })
    .await;
}

/// The baseline table's filters on a department's page: the rows and the count follow
/// them, the pager keeps them, nothing found says so, and a value that cannot be read
/// is named next to the form (the table shows every row), never a server error.
#[tokio::test]
async fn the_baseline_table_filters_and_keeps_its_filters_in_the_pager() {
    use qidi_core::ledger::BaselineQuery;
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let count = |status: &str| {
            let (app, fgw_id) = (&app, fgw_id.clone());
            let filter = BaselineQuery { status: Some(status.into()), ..Default::default() }.filter().unwrap();
            async move { app.store.baseline_rows_filtered(&banner(), Some(&fgw_id), &filter, 0, 0).await.unwrap().1 }
        };
        let (all, pending, reduced) = (count("all").await, count("pending").await, count("reduced").await);
        assert!(reduced > 0 && pending > 200 && all == pending + reduced, "{all} {pending} {reduced}");
        let head = app.sign_in("fgw_head").await;
        let radios = |body: &str| body.matches("form=\"reduce-item\"").count();

        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("id=\"baseline-filter\"") && page.body.contains("method=\"get\" action=\"#baseline\"")
        );
        assert!(page.body.contains("name=\"handling\""), "an initiating department filters by handling department");
        assert!(page.body.contains(&format!("共 {all} 项基线事项，符合条件的 {all} 项")), "{}", page.body);

        // Reduced rows only: no row to choose for a reduction, one page.
        let page = app.get("/ledger/departments/fgw?status=reduced&sort=name#baseline", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("共 {all} 项基线事项，符合条件的 {reduced} 项")), "{}", page.body);
        assert_eq!(radios(&page.body), 0, "reduced rows are not chosen again");
        assert!(page.body.contains("<option value=\"reduced\" selected>"));
        assert!(page.body.contains("<option value=\"name\" selected>"));

        // Not reduced: every row on the page may be chosen, and the pager keeps the filter.
        let page = app.get("/ledger/departments/fgw?status=pending", Some(&head)).await;
        assert!(page.body.contains(&format!("符合条件的 {pending} 项")), "{}", page.body);
        assert_eq!(radios(&page.body), 200);
        let next = "href=\"?status=pending&#38;baseline_page=2#baseline\"";
        assert!(page.body.contains(next), "the pager keeps the filter: {}", page.body);
        let second = app.get("/ledger/departments/fgw?status=pending&baseline_page=2", Some(&head)).await;
        assert!(second.body.contains("href=\"?status=pending&#38;baseline_page=1#baseline\""), "{}", second.body);
        assert!(second.body.contains(&format!("第 2 / {} 页", pending.div_ceil(200))));

        // An item type and a project's name or code.
        let (types, handlings) = app.store.baseline_choices(&banner(), Some(&fgw_id)).await.unwrap();
        assert!(!types.is_empty() && !handlings.is_empty());
        let (type_id, type_name) = &types[0];
        let filter = BaselineQuery { item_type: Some(type_id.clone()), ..Default::default() }.filter().unwrap();
        let (rows, n) = app.store.baseline_rows_filtered(&banner(), Some(&fgw_id), &filter, 200, 0).await.unwrap();
        let page = app.get(&format!("/ledger/departments/fgw?item_type={type_id}"), Some(&head)).await;
        assert!(page.body.contains(&format!("符合条件的 {n} 项")), "{}", page.body);
        assert!(page.body.contains(&format!("<option value=\"{type_id}\" selected>{type_name}</option>")));
        assert!(rows.iter().all(|r| r.item_type == *type_name));
        let code = rows[0].project_code.clone();
        let page = app.get(&format!("/ledger/departments/fgw?q={code}"), Some(&head)).await;
        assert!(page.body.contains(&code) && !page.body.contains("符合条件的 0 项"), "{}", page.body);

        // Nothing found: said so, with a way back.
        let page = app
            .get("/ledger/departments/fgw?q=%E6%97%A0%E6%AD%A4%E9%A1%B9%E7%9B%AE&source=addition", Some(&head))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("没有符合筛选条件的基线事项。"), "{}", page.body);
        assert!(page.body.contains("符合条件的 0 项") && page.body.contains("清除筛选"));

        // A value that cannot be read: named next to the form, in Chinese, not a 500.
        for (query, message) in [
            ("status=done", "筛选条件有误：状态“done”无效"),
            ("sort=due&status=pending", "筛选条件有误：排序“due”无效"),
            ("source=both", "筛选条件有误：来源“both”无效"),
            ("baseline_page=x", "筛选条件有误：页码“x”无效"),
        ] {
            let page = app.get(&format!("/ledger/departments/fgw?{query}"), Some(&head)).await;
            assert_eq!(page.status, StatusCode::OK, "{query}");
            assert!(page.body.contains(message), "{query}: {}", page.body);
            assert!(page.body.contains(&format!("符合条件的 {all} 项")), "{query}: every row is shown");
            assert!(page.body.contains("href=\"?baseline_page=2#baseline\""), "{query}: the pager drops the bad value");
        }
    })
    .await;
}
