//! Bulletins on the web, on both backends: the office issues one for a closed month
//! and a correction; the inspector reads and downloads them and is refused every write;
//! a handler does not see them.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use qidi_core::Role;
use qidi_store::testing::test_user;
use serde_json::json;

#[tokio::test]
async fn the_office_issues_and_the_inspector_only_reads() {
    TestApp::on_each_backend(|app| async move {
        test_user(&app.store, "office", Role::Office, None, None, None).await;
        test_user(&app.store, "insp", Role::Inspector, None, None, None).await;
        test_user(&app.store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await;
        let (office, insp, handler) =
            (app.sign_in("office").await, app.sign_in("insp").await, app.sign_in("zrzy_h").await);

        // The current month is not over: refused, in Chinese.
        let this_month = qidi_core::bulletin::Month::of(qidi_store::today()).to_string();
        let res = app.post_form("/bulletins", Some(&office), &[("month", &this_month)]).await;
        assert!(res.body.contains("尚未结束"), "{}", res.body);

        let last_month = qidi_core::bulletin::Month::of(qidi_store::today()).previous().to_string();
        let res = app.post_form("/bulletins", Some(&office), &[("month", &last_month)]).await;
        let location = res.location().unwrap_or_else(|| panic!("{} {}", res.status, res.body)).to_string();
        let id = location.trim_start_matches("/bulletins/").to_string();
        let page = app.get(&location, Some(&insp)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("清理办通报〔") && page.body.contains("待批项目审批超期情况的通报"));
        for (format, kind) in
            [("xlsx", "spreadsheetml"), ("docx", "wordprocessingml"), ("json", "json"), ("pdf", "application/pdf")]
        {
            let res = app.get(&format!("/bulletins/{id}/download/{format}"), Some(&insp)).await;
            assert_eq!(res.status, StatusCode::OK, "{format}");
            assert!(res.headers["content-type"].to_str().unwrap().contains(kind));
            assert!(res.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
        }
        let taken = app.store.events_for("bulletin", &id).await.unwrap();
        let taken: Vec<_> = taken.iter().filter(|e| e.action == "bulletin.download").collect();
        assert_eq!(taken.len(), 4, "each download is on the record");
        assert!(taken.iter().all(|e| e.actor_role.as_deref() == Some("inspector")));
        assert!(taken.iter().any(|e| e.payload.contains("\"pdf\"")));
        let list = app.get("/api/v1/bulletins", Some(&insp)).await.json();
        assert_eq!(list.as_array().unwrap().len(), 1);

        // The inspector writes nothing.
        assert_eq!(
            app.post_form("/bulletins", Some(&insp), &[("month", &last_month)]).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.post_form("/bulletins", Some(&insp), &[("month", &last_month), ("correct", "yes")]).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.post_json(&format!("/api/v1/bulletins/{id}"), Some(&insp), &json!({})).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post_json(&format!("/api/v1/bulletins/{id}"), Some(&office), &json!({})).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(app.get("/bulletins", Some(&handler)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&location, Some(&handler)).await.status, StatusCode::NOT_FOUND);

        // A second one for the month is a correction; both stay.
        let res = app.post_form("/bulletins", Some(&office), &[("month", &last_month), ("correct", "yes")]).await;
        let second = res.location().unwrap().to_string();
        assert_ne!(second, location);
        let page = app.get(&second, Some(&insp)).await;
        assert!(page.body.contains("本通报更正清理办通报〔"), "{}", page.body);
        assert_eq!(app.get("/api/v1/bulletins", Some(&insp)).await.json().as_array().unwrap().len(), 2);
        // Delivered to the inspector's message centre.
        assert_eq!(app.get("/api/v1/messages", Some(&insp)).await.json()["unread"], 2);
    })
    .await;
}
