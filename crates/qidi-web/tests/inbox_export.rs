//! `GET /inbox/export`: the inbox as an Excel list, with the page's filters and order,
//! every page of it, within the user's scope, on the record. On the demo banner with
//! its applications; every file is read back (calamine, through qidi-office) and held
//! against the inbox the store gives the page.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp};
use http_body_util::BodyExt;
use qidi_core::light::Light;
use qidi_core::workflow::inbox::InboxQuery;
use qidi_office::inbox_export::{read_inbox_export, InboxSheet, INBOX_HEADINGS, INBOX_TITLE};
use qidi_store::users::User;
use qidi_store::workflow::ApplicationRow;
use sqlx::Row;
use tower::ServiceExt;

async fn get_bytes(
    app: &TestApp,
    path: &str,
    cookie: &str,
    language: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::get(path).header(header::COOKIE, cookie);
    if let Some(l) = language {
        req = req.header(header::ACCEPT_LANGUAGE, l);
    }
    let res = app.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// The export of `query` (a query string, possibly empty), read back.
async fn export(app: &TestApp, cookie: &str, query: &str) -> InboxSheet {
    let path = if query.is_empty() { "/inbox/export".to_string() } else { format!("/inbox/export?{query}") };
    let (status, headers, bytes) = get_bytes(app, &path, cookie, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let sheet = read_inbox_export(&bytes).unwrap();
    assert_eq!(sheet.title, INBOX_TITLE);
    assert_eq!(sheet.headings, INBOX_HEADINGS);
    assert_eq!(sheet.notes, [format!("共 {} 件。", sheet.rows.len())], "{path}: no cap reached");
    sheet
}

/// What the page lists for `query`, every page of it, as the export's cells: the lamp,
/// project code, name and unit, item type, department, state and due date.
async fn listed(app: &TestApp, user: &User, query: &str) -> Vec<Vec<String>> {
    let q: InboxQuery = serde_urlencoded::from_str(query).unwrap();
    let filter = q.filter().unwrap();
    let (rows, capped) = app.store.inbox_filtered(user, &filter).await.unwrap();
    assert!(!capped);
    rows.iter().map(cells).collect()
}

fn cells(a: &ApplicationRow) -> Vec<String> {
    let lamp = match (a.light, a.paused_since.is_some()) {
        (Some(l), _) => l.label_zh(),
        (None, true) => "计时中止",
        (None, false) => "",
    };
    vec![
        lamp.to_string(),
        a.project_code.clone(),
        a.project_name.clone(),
        a.owner.clone().unwrap_or_default(),
        a.item_type.clone(),
        a.handling_department.clone(),
        a.state.label_zh().to_string(),
        a.due_on.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// The same cells of the exported rows (序号 aside), checking that 序号 counts from 1.
fn exported(sheet: &InboxSheet) -> Vec<Vec<String>> {
    sheet
        .rows
        .iter()
        .enumerate()
        .map(|(n, r)| {
            assert_eq!(r[0], (n + 1).to_string());
            [1, 2, 3, 4, 5, 6, 7, 9].iter().map(|&c| r[c].clone()).collect()
        })
        .collect()
}

async fn user(app: &TestApp, name: &str) -> User {
    app.store.user_by_username(name).await.unwrap().unwrap()
}

async fn exports_on_record(app: &TestApp) -> Vec<serde_json::Value> {
    sqlx::query("SELECT payload FROM events WHERE action = 'inbox.export' AND object_type = 'inbox' ORDER BY seq")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>(0)).unwrap())
        .collect()
}

async fn demo(app: &TestApp) {
    app.store.load_demo(&banner()).await.unwrap();
    app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
}

#[tokio::test]
async fn the_export_holds_exactly_the_filtered_inbox_in_its_order() {
    TestApp::on_each_backend(|app| async move {
        demo(&app).await;
        let office = app.sign_in("office").await;
        let office_user = user(&app, "office").await;

        // Unfiltered: every application the office's inbox lists, in its order.
        let all = export(&app, &office, "").await;
        let everything = listed(&app, &office_user, "").await;
        assert!(everything.len() >= 3, "the demo's inbox: {everything:?}");
        assert_eq!(exported(&all), everything);
        assert_eq!(all.lines[0], "筛选条件：无（全部待办）　排序：按预警灯（红灯、黄灯、绿灯，同色按到期日）");
        assert_eq!(all.lines[1], format!("导出日期：{}", qidi_store::today()));

        // Each filter and order: exactly what the page lists, and for a filter fewer.
        let (inbox, _) = app.store.inbox_filtered(&office_user, &Default::default()).await.unwrap();
        let first = &inbox[0];
        let word: String = first.project_name.chars().take(4).collect();
        let mut queries = vec![
            "sort=due".to_string(),
            "sort=project".to_string(),
            format!("item_type={}", item_type_id(&app, first).await),
            format!("department={}&sort=due", first.handling_department_id),
            format!("q={}", common::urlencode(&word)),
        ];
        let lights: Vec<Light> = inbox.iter().filter_map(|a| a.light).collect();
        for l in [Light::Red, Light::Yellow, Light::Green] {
            if lights.contains(&l) {
                queries.push(format!("light={}", l.as_str()));
            }
        }
        assert!(queries.len() >= 7, "the demo lights more than one colour: {lights:?}");
        let mut narrower = 0;
        for q in &queries {
            let sheet = export(&app, &office, q).await;
            let expected = listed(&app, &office_user, q).await;
            assert_eq!(exported(&sheet), expected, "{q}");
            if expected.len() < everything.len() {
                narrower += 1;
            }
            if q.starts_with("light=") {
                assert!(!expected.is_empty(), "{q}");
                assert!(sheet.lines[0].starts_with("筛选条件：预警灯："), "{}", sheet.lines[0]);
            }
        }
        assert!(narrower >= 4, "filters narrow the list ({narrower} of {})", queries.len());

        // The working days: left while not red, past the due date when red.
        for r in &all.rows {
            match r[1].as_str() {
                "红灯" => assert!(r[11].is_empty() && r[12].parse::<i64>().unwrap() >= 0, "{r:?}"),
                "黄灯" | "绿灯" => assert!(r[12].is_empty() && r[11].parse::<i64>().unwrap() >= 0, "{r:?}"),
                _ => assert!(r[11].is_empty() && r[12].is_empty() && r[9].is_empty(), "{r:?}"),
            }
        }

        // On the record: the filters used and the rows written.
        let record = exports_on_record(&app).await;
        assert_eq!(record.len(), 1 + queries.len());
        assert_eq!(record[0]["rows"], everything.len());
        assert_eq!(record[0]["capped"], false);
        assert_eq!(record[0]["filters"]["sort"], "light");
        let red = record.iter().find(|p| p["filters"]["light"] == "red");
        assert!(red.is_none_or(|p| p["rows"].as_u64() < Some(everything.len() as u64)), "{red:?}");
        assert_eq!(record[2]["filters"]["sort"], "project");

        // In English the file name is English; the file itself stays Chinese.
        let (status, headers, bytes) = get_bytes(&app, "/inbox/export?sort=due", &office, Some("en")).await;
        assert_eq!(status, StatusCode::OK);
        let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(cd.starts_with("attachment; filename=\"inbox-") && cd.contains("filename*=UTF-8''inbox-"), "{cd}");
        assert_eq!(read_inbox_export(&bytes).unwrap().headings, INBOX_HEADINGS);
        let (_, headers, _) = get_bytes(&app, "/inbox/export", &office, None).await;
        let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(cd.contains(&format!("filename*=UTF-8''{}", common::urlencode("审批待办-"))), "{cd}");

        // The page links the export of its own filters (the page number aside).
        let page = app.get("/inbox?light=red&sort=due&page=1", Some(&office)).await.body;
        assert!(page.contains("href=\"/inbox/export?light=red&#38;sort=due\""), "{page}");
        let page = app.get("/inbox", Some(&office)).await.body;
        assert!(page.contains("href=\"/inbox/export\"") && page.contains("导出 Excel"), "{page}");

        // A filter that cannot be read exports nothing and says which field.
        let (status, _, body) = get_bytes(&app, "/inbox/export?light=blue", &office, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(String::from_utf8_lossy(&body).contains("预警灯"));
        assert!(!app.get("/inbox?light=blue", Some(&office)).await.body.contains("/inbox/export"));
    })
    .await;
}

#[tokio::test]
async fn the_export_keeps_to_the_users_scope() {
    TestApp::on_each_backend(|app| async move {
        demo(&app).await;
        let office_user = user(&app, "office").await;
        let (inbox, _) = app.store.inbox_filtered(&office_user, &Default::default()).await.unwrap();
        let all = inbox.len();

        // A handler: its own department's applications only, as its page lists them.
        let code: String = sqlx::query("SELECT code FROM departments WHERE id = $1")
            .bind(&inbox[0].handling_department_id)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let handler_name = format!("{code}_handler");
        let handler = app.sign_in(&handler_name).await;
        let handler_user = user(&app, &handler_name).await;
        let mine = export(&app, &handler, "").await;
        let expected = listed(&app, &handler_user, "").await;
        assert!(!expected.is_empty() && expected.len() < all, "{} of {all}", expected.len());
        assert_eq!(exported(&mine), expected);
        assert!(mine.rows.iter().all(|r| r[6] == inbox[0].handling_department));
        // Asking for another department's applications finds none of them.
        let other = inbox.iter().find(|a| a.handling_department_id != inbox[0].handling_department_id);
        if let Some(other) = other {
            let sheet = export(&app, &handler, &format!("department={}", other.handling_department_id)).await;
            assert!(sheet.rows.is_empty(), "{:?}", sheet.rows);
        }

        // The project unit: what waits on it, as its page lists it.
        let unit = app.sign_in("applicant").await;
        let unit_user = user(&app, "applicant").await;
        assert_eq!(
            exported(&export(&app, &unit, "sort=project").await),
            listed(&app, &unit_user, "sort=project").await
        );

        // A department with nothing of these: an empty list, headings only.
        let busy: Vec<&str> = inbox.iter().map(|a| a.handling_department_id.as_str()).collect();
        let idle: String = sqlx::query("SELECT code, id FROM departments WHERE region_code = '152529' ORDER BY code")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
            .iter()
            .find(|r| !busy.contains(&r.get::<String, _>(1).as_str()))
            .map(|r| r.get(0))
            .unwrap();
        qidi_store::testing::test_user(&app.store, "idle_handler", qidi_core::Role::Handler, Some(&idle), None, None)
            .await;
        let idle = app.sign_in("idle_handler").await;
        assert!(export(&app, &idle, "").await.rows.is_empty());

        // The administrators see no business data: 404, and nothing on the record.
        let before = exports_on_record(&app).await.len();
        for admin in ["admin", "security", "auditor"] {
            let cookie = app.sign_in(admin).await;
            let (status, _, _) = get_bytes(&app, "/inbox/export", &cookie, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{admin}");
            assert!(!app.get("/inbox", Some(&cookie)).await.body.contains("/inbox/export"), "{admin}");
        }
        assert_eq!(exports_on_record(&app).await.len(), before);

        // Without a session: to the sign-in page.
        let res = app.get("/inbox/export", None).await;
        assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, Some("/login")));
    })
    .await;
}

#[tokio::test]
async fn reading_in_batches_gives_the_pages_order_and_stops_at_the_cap() {
    TestApp::on_each_backend(|app| async move {
        demo(&app).await;
        let office = user(&app, "office").await;
        for query in ["", "sort=due", "sort=project", "light=red", "light=green&sort=project", "light=yellow&sort=due"]
        {
            let filter = serde_urlencoded::from_str::<InboxQuery>(query).unwrap().filter().unwrap();
            let (page, _) = app.store.inbox_filtered(&office, &filter).await.unwrap();
            let ids: Vec<String> = page.iter().map(|a| a.id.clone()).collect();
            for batch in [1, 2, 3, 1000] {
                let mut got = Vec::new();
                let done = app
                    .store
                    .inbox_each(&office, &filter, batch, 100_000, |a| {
                        got.push(a.id);
                        Ok(())
                    })
                    .await
                    .unwrap();
                assert_eq!(got, ids, "{query}, {batch} a batch");
                assert_eq!((done.rows, done.capped), (ids.len(), false));
            }
            // At a cap below the count: the first rows, and a word that more were left.
            if !ids.is_empty() {
                let cap = ids.len() - 1;
                let mut got = Vec::new();
                let done = app
                    .store
                    .inbox_each(&office, &filter, 2, cap, |a| {
                        got.push(a.id);
                        Ok(())
                    })
                    .await
                    .unwrap();
                assert_eq!((got.as_slice(), done.rows, done.capped), (&ids[..cap], cap, true), "{query}");
            }
        }
    })
    .await;
}

/// The item type of an application, by id (the inbox filters by id).
async fn item_type_id(app: &TestApp, a: &ApplicationRow) -> String {
    sqlx::query("SELECT item_type_id FROM pending_items WHERE id = $1")
        .bind(&a.pending_item_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}
