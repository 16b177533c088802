//! Refusals on the ledger pages: worded in the page's language and shown beside the form that was filled in.

use crate::common::TestApp;
use crate::{cast, fix_baseline, import, item_id, ledger_rows, project_id, P1, P3};
use axum::http::StatusCode;
use sqlx::Row;

#[tokio::test]
async fn a_ledger_refusal_reads_in_the_page_language() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let head = app.sign_in("fgw_head").await;
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // A check report without a person responsible or a deadline: the fields it lacks
        // are named in the page's language.
        let zrzy = app.sign_in("zrzy_handler").await;
        let path = format!("/ledger/items/{}/answer", item_id(&app, P1, "land_pre_review").await);
        let incomplete =
            [("check_result", "已受理"), ("responsible_person", ""), ("acceptance_status", "已受理"), ("due_on", "")];
        let zh = app.post_form(&path, Some(&zrzy), &incomplete).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(zh.body.contains("请填写：责任人、完成时限"), "{}", zh.body);
        let en = app.post_form(&path, Some(&format!("{zrzy}; qidi_lang=en")), &incomplete).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(en.body.contains("Fill in: Person responsible and Deadline."), "{}", en.body);
        assert!(!en.body.contains("请填写"), "{}", en.body);

        // The deputy banner head may not sign before the department head: the capacity
        // is named by its label.
        let hash = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json()["current_hash"]
            .as_str()
            .unwrap()
            .to_string();
        let leader = app.sign_in("leader").await;
        let form = [("capacity", "leader"), ("hash", hash.as_str())];
        let zh = app.post_form("/ledger/departments/fgw/sign", Some(&leader), &form).await;
        assert_eq!(zh.status, StatusCode::CONFLICT);
        assert!(zh.body.contains("须先由“部门主要负责人”签字"), "{}", zh.body);
        let en = app.post_form("/ledger/departments/fgw/sign", Some(&format!("{leader}; qidi_lang=en")), &form).await;
        assert_eq!(en.status, StatusCode::CONFLICT);
        assert!(en.body.contains("“Principal head of the department” must sign off first."), "{}", en.body);
        assert!(!en.body.contains("须先由"), "{}", en.body);
    })
    .await;
}

/// The row `<tr … id="item-{id}">…</tr>` of the department page's answers table.
fn item_row<'a>(body: &'a str, item: &str) -> &'a str {
    let at = body.find(&format!("id=\"item-{item}\"")).unwrap_or_else(|| panic!("row of {item} in {body}"));
    let end = body[at..].find("</tr>").map_or(body.len(), |e| at + e);
    &body[at..end]
}

#[tokio::test]
async fn a_refused_form_on_the_department_page_is_shown_again_where_it_was_filled_in() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let head = app.sign_in("fgw_head").await;

        // Nothing in the library yet: no push form, and pushing anyway is refused in place.
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/ledger/departments/fgw/push"), "nothing to push: {}", page.body);
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("id=\"checklists-error\""), "{}", res.body);
        assert!(res.body.contains("没有待批事项"), "{}", res.body);
        assert!(res.body.contains("id=\"checklists\""), "the department page again: {}", res.body);

        import(&app, &ledger_rows(&[])).await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("action=\"/ledger/departments/fgw/push\""), "{}", page.body);
        // 自然资源局 initiates nothing here: its handler sees no push form.
        let zrzy = app.sign_in("zrzy_handler").await;
        let page = app.get("/ledger/departments/zrzy", Some(&zrzy)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/push\""), "{}", page.body);

        // A date out of range: the page again, the date as typed, the sentence above the lists.
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "1922-08-20")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("name=\"due_on\" value=\"1922-08-20\""), "{}", res.body);
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // An answer refused: 422, the sentence in that item's row naming project and item,
        // the four values typed kept in the row's inputs, and nothing stored.
        let land = item_id(&app, P1, "land_pre_review").await;
        let land_name: String = sqlx::query("SELECT name FROM item_types WHERE code = 'land_pre_review'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let path = format!("/ledger/items/{land}/answer");
        let typed = [
            ("check_result", "材料待补正，已通知项目单位"),
            ("responsible_person", "王海燕"),
            ("acceptance_status", "待受理"),
            ("due_on", "2202-10-15"),
        ];
        let res = app.post_form(&path, Some(&zrzy), &typed).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let row = item_row(&res.body, &land);
        let error = row.split("class=\"error\"").nth(1).unwrap_or_else(|| panic!("an error in the row: {row}"));
        let error = &error[..error.find("</p>").unwrap()];
        assert!(error.contains(P1), "names the project: {error}");
        assert!(error.contains(&land_name), "names the item: {error}");
        assert!(error.contains("完成时限 2202-10-15 超出合理范围"), "{error}");
        for (name, value) in typed {
            assert!(row.contains(&format!("name=\"{name}\" value=\"{value}\"")), "{name} kept: {row}");
        }
        assert_eq!(res.body.matches("class=\"error\"").count(), 1, "only that row: {}", res.body);
        let stored: Option<String> = sqlx::query("SELECT check_result FROM pending_items WHERE id = $1")
            .bind(&land)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_ne!(stored.as_deref(), Some("材料待补正，已通知项目单位"));
        // The English page words it in English around the same values.
        let res = app.post_form(&path, Some(&format!("{zrzy}; qidi_lang=en")), &typed).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(item_row(&res.body, &land).contains("was not saved"), "{}", res.body);
    })
    .await;
}

#[tokio::test]
async fn a_refused_removal_proposal_is_shown_beside_its_form_on_the_department_page() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let head = app.sign_in("fgw_head").await;
        // A removal proposal refused from the department page: shown beside its form with
        // the reason and the text kept; from anywhere else, the error page as before.
        fix_baseline(&app, &c).await;
        let p1 = project_id(&app, P1).await;
        let p3 = project_id(&app, P3).await;
        let project = [
            ("kind", "project"),
            ("project_id", p3.as_str()),
            ("reason", "not_going_ahead"),
            ("text", "   "),
            ("back", "fgw"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &project).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("id=\"propose-removal-error\""), "{}", res.body);
        assert!(res.body.contains(&format!("<option value=\"{p3}\" selected>")), "{}", res.body);
        let form_at = res.body.find("id=\"propose-removal\"").unwrap();
        assert!(res.body[form_at..].contains("<option value=\"not_going_ahead\" selected>"), "{}", res.body);
        let elsewhere = [
            ("kind", "project"),
            ("project_id", p3.as_str()),
            ("reason", "not_going_ahead"),
            ("text", "   "),
            ("back", "zrzy"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &elsewhere).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(!res.body.contains("id=\"propose-removal\""), "not a page fgw may not see: {}", res.body);

        let eia = item_id(&app, P1, "eia").await;
        let chosen = format!("{p1}:{eia}");
        let reduce = [
            ("kind", "item"),
            ("item", chosen.as_str()),
            ("reason", "land_saving"),
            ("text", "项目调整选址"),
            ("back", "fgw"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &reduce).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let office = app.sign_in("office").await;
        let removal: String = sqlx::query("SELECT id FROM removals").fetch_one(app.store.pool()).await.unwrap().get(0);
        let res = app
            .post_form(&format!("/ledger/removals/{removal}/decide"), Some(&office), &[("decision", "approved")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        // Reduced already: 409, the sentence beside the reduction form, the text kept.
        let again = [
            ("kind", "item"),
            ("item", chosen.as_str()),
            ("reason", "land_saving"),
            ("text", "再次核减的理由"),
            ("back", "fgw"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &again).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert!(res.body.contains("id=\"reduce-item-error\""), "{}", res.body);
        assert!(res.body.contains("该事项已核减"), "{}", res.body);
        let form_at = res.body.find("id=\"reduce-item\"").unwrap();
        assert!(res.body[form_at..].contains("value=\"再次核减的理由\""), "{}", res.body);
        assert!(res.body[form_at..].contains("<option value=\"land_saving\" selected>"), "{}", res.body);
    })
    .await;
}
