//! What a request leaves on the record, on both backends: every event carries the
//! request's id and client address (a client's own `X-Request-Id` only when it is
//! plain), exports of documents are recorded, and so is every refusal (403). Downloads
//! of bulletins are checked in `bulletins.rs`.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::{ledger_xlsx, TestApp, TestResponse, PASSWORD, WIND_FARM_ROW};
use qidi_store::events::Event;
use std::net::SocketAddr;

fn from(addr: &str, request_id: Option<&str>, mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut().insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
    if let Some(id) = request_id {
        req.headers_mut().insert("x-request-id", id.parse().unwrap());
    }
    req
}

fn response_id(res: &TestResponse) -> String {
    res.headers.get("x-request-id").expect("every answer names its request").to_str().unwrap().to_string()
}

async fn events(app: &TestApp, action: &str) -> Vec<Event> {
    app.store.recent_events(500).await.unwrap().into_iter().filter(|e| e.action == action).collect()
}

#[tokio::test]
async fn every_event_names_its_request_and_client() {
    TestApp::on_each_backend(|app| async move {
        let office = qidi_store::testing::office_account(&app.store, "office", PASSWORD).await;
        let cookie = app.sign_in("office").await;

        // An export, with the client's own plain request id.
        let req = Request::get("/ledger/export").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
        let res = app.send(from("192.0.2.30:4000", Some("lb-7:case.42"), req)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(response_id(&res), "lb-7:case.42");
        let export = events(&app, "ledger.export").await;
        assert_eq!(export.len(), 1, "the export is on the record");
        assert_eq!(export[0].actor_id.as_deref(), Some(office.id.as_str()));
        assert_eq!(export[0].client_addr.as_deref(), Some("192.0.2.30"));
        assert_eq!(export[0].request_id.as_deref(), Some("lb-7:case.42"));

        // A ledger import writes its project events in batches: they carry the request too.
        let req = Request::post("/api/v1/ledger/import")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .body(Body::from(ledger_xlsx(&[WIND_FARM_ROW])))
            .unwrap();
        // Not plain: replaced by an id the server makes, which the answer names.
        let res = app.send(from("198.51.100.31:4001", Some("<script>alert(1)</script>"), req)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let made = response_id(&res);
        assert!(uuid::Uuid::parse_str(&made).is_ok(), "a server-made id, not {made:?}");
        for action in ["project.import", "ledger.import"] {
            let found = events(&app, action).await;
            assert!(!found.is_empty(), "{action} recorded");
            for e in found {
                assert_eq!(e.request_id.as_deref(), Some(made.as_str()), "{action}");
                assert_eq!(e.client_addr.as_deref(), Some("198.51.100.31"), "{action}");
            }
        }
        // An export names how many projects left: none before the import, one after.
        let res = app.get("/ledger/export", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::OK);
        let counted: Vec<serde_json::Value> = events(&app, "ledger.export")
            .await
            .iter()
            .map(|e| serde_json::from_str::<serde_json::Value>(&e.payload).unwrap()["projects"].clone())
            .collect();
        assert_eq!(counted.len(), 2);
        assert!(counted.contains(&serde_json::json!(0)) && counted.contains(&serde_json::json!(1)), "{counted:?}");

        // A refusal: a write from another site's page.
        let req = Request::post("/logout")
            .header(header::COOKIE, &cookie)
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::empty())
            .unwrap();
        let res = app.send(from("203.0.113.32:4002", None, req)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let denied = events(&app, "access.denied").await;
        assert_eq!(denied.len(), 1);
        let d = &denied[0];
        assert_eq!((d.outcome.as_str(), d.object_id.as_deref()), ("denied", Some("/logout")));
        assert_eq!(d.actor_id.as_deref(), Some(office.id.as_str()));
        assert_eq!(d.client_addr.as_deref(), Some("203.0.113.32"));
        assert_eq!(d.request_id.as_deref(), Some(response_id(&res).as_str()));
        assert!(d.payload.contains("POST"), "{}", d.payload);
        // A refusal without a session has no one to record, and is not an error.
        let req = Request::post("/logout").header(header::ORIGIN, "https://evil.example").body(Body::empty()).unwrap();
        assert_eq!(app.send(from("203.0.113.32:4003", None, req)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(events(&app, "access.denied").await.len(), 1);

        // A department's handler: its export and its sign-out name its department, the
        // one taken from its account, the other looked up when the event is written.
        let handler =
            qidi_store::testing::test_user(&app.store, "zrzy_h", qidi_core::Role::Handler, Some("zrzy"), None, None)
                .await;
        let handler_cookie = app.sign_in("zrzy_h").await;
        assert_eq!(app.get("/ledger/export", Some(&handler_cookie)).await.status, StatusCode::OK);
        assert_eq!(app.post_form("/logout", Some(&handler_cookie), &[]).await.status, StatusCode::SEE_OTHER);
        let theirs: Vec<Event> = app
            .store
            .recent_events(500)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.actor_id.as_deref() == Some(handler.id.as_str()))
            .collect();
        for action in ["ledger.export", "auth.logout"] {
            let e = theirs.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("{action}: {theirs:?}"));
            assert_eq!(e.actor_department_id, handler.department_id, "{action}");
        }
        assert!(handler.department_id.is_some());

        // The session's own sign-out (same site) is recorded with its request too.
        let req = Request::post("/logout").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
        let res = app.send(from("192.0.2.30:4004", Some("out-1"), req)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let out = events(&app, "auth.logout").await;
        assert_eq!(out[0].request_id.as_deref(), Some("out-1"));
        assert_eq!(out[0].client_addr.as_deref(), Some("192.0.2.30"));
    })
    .await;
}
