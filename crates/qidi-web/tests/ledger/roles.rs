//! Who may sign, read and see which ledger, by role and department.

use crate::common::{banner, ledger_xlsx as xlsx, TestApp};
use crate::{cast, get_bytes, import, item_id, ledger_rows, P3};
use axum::http::StatusCode;

#[tokio::test]
async fn roles_decide_who_signs_reads_and_sees() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let hash = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().current_hash;
        let handler = app.sign_in("fgw_handler").await;
        let inspector = app.sign_in("inspector").await;
        let zrzy = app.sign_in("zrzy_handler").await;
        let slj_head = app.sign_in("slj_head").await;

        // A handler sees its department's page but no sign button, and cannot sign.
        let page = app.get("/ledger/departments/fgw", Some(&handler)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("name=\"capacity\""));
        let res = app
            .post_form(
                "/ledger/departments/fgw/sign",
                Some(&handler),
                &[("capacity", "department_head"), ("hash", &hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Another department's head cannot sign fgw's ledger either: it cannot even see it.
        let res = app
            .post_form(
                "/ledger/departments/fgw/sign",
                Some(&slj_head),
                &[("capacity", "department_head"), ("hash", &hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // The inspector reads everything and changes nothing.
        for path in ["/ledger/banner", "/ledger/departments/fgw", "/ledger/departments/zrzy"] {
            let page = app.get(path, Some(&inspector)).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(!page.body.contains("<form method=\"post\" action=\"/ledger"), "{path} has no forms");
        }
        assert_eq!(app.get("/ledger", Some(&inspector)).await.location(), Some("/ledger/banner"));
        let (status, _, _) = get_bytes(&app, "/ledger/export?department=fgw", &inspector).await;
        assert_eq!(status, StatusCode::OK);
        for (path, form) in [
            ("/ledger/departments/fgw/push", vec![("due_on", "2022-08-20")]),
            ("/ledger/departments/fgw/sign", vec![("capacity", "department_head"), ("hash", hash.as_str())]),
            ("/ledger/campaign", vec![("ends_on", "2023-06-30")]),
        ] {
            assert_eq!(app.post_form(path, Some(&inspector), &form).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(app.get("/ledger/import", Some(&inspector)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.upload_ledger(&inspector, "x.xlsx", &xlsx(&ledger_rows(&[]))).await.status,
            StatusCode::FORBIDDEN
        );
        // A department's handler may upload, but another department's project is refused.
        let res = app.upload_ledger(&handler, "x.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("立项部门不是本部门"), "{}", res.body);
        assert!(app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().versions.is_empty());
        assert_eq!(app.store.campaign(&banner()).await.unwrap().campaign.ends_on.to_string(), "2022-12-31");

        // Another department's ledger is 404, in the page, the download and the answers.
        assert_eq!(app.get("/ledger/departments/fgw", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/ledger/departments/nope", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/ledger/banner", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/ledger", Some(&zrzy)).await.location(), Some("/ledger/departments/zrzy"));
        let (status, _, _) = get_bytes(&app, "/ledger/export?department=fgw", &zrzy).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let water = item_id(&app, P3, "water_intake").await;
        let res = app
            .post_form(
                &format!("/ledger/items/{water}/answer"),
                Some(&zrzy),
                &[
                    ("check_result", "x"),
                    ("responsible_person", "x"),
                    ("acceptance_status", "x"),
                    ("due_on", "2022-10-01"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // The office moves the campaign's end; the burn-down follows.
        let office = app.sign_in("office").await;
        let res = app.post_form("/ledger/campaign", Some(&office), &[("ends_on", "2023-06-30")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(app.get("/ledger/banner", Some(&office)).await.body.contains("2023-06-30"));
        let res = app.post_form("/ledger/campaign", Some(&office), &[("ends_on", "2022-09-01")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "milestones stay inside the campaign");
    })
    .await;
}
