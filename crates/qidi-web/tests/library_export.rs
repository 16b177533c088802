//! The project library's export (`GET /projects/export`): every project the filters
//! find in the user's scope, not one page, in the ledger's layout, on the record. Each
//! file is read back (calamine, through the ledger import) and compared with what the
//! library's pages list and with the database.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp};
use http_body_util::BodyExt;
use qidi_core::ledger_file::LedgerImport;
use qidi_office::{read_ledger_bytes, ImportOptions};
use sqlx::Row;
use tower::ServiceExt;

async fn get_bytes(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// The export of `query` as `cookie` sees it, read back.
async fn export(app: &TestApp, cookie: &str, query: &str) -> LedgerImport {
    let (status, headers, bytes) = get_bytes(app, &format!("/projects/export?{query}"), cookie).await;
    assert_eq!(status, StatusCode::OK, "{query}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(cd.starts_with("attachment; filename=\"library-") && cd.contains("filename*=UTF-8''"), "{cd}");
    assert!(headers.get("x-qidi-export-capped").is_none(), "the demo is far below the cap");
    let back = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
    assert!(back.errors.is_empty(), "{query}: {:?}", back.errors);
    back
}

fn codes(l: &LedgerImport) -> Vec<String> {
    l.projects.iter().map(|p| p.code.as_str().to_string()).collect()
}

/// Every project the library's pages list for `query`, following their links to the end.
async fn listed(app: &TestApp, cookie: &str, query: &str) -> Vec<String> {
    let (mut found, mut path) = (Vec::new(), format!("/projects?{query}"));
    loop {
        let page = app.get(&path, Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for cell in page.body.split("<td class=\"code\">").skip(1) {
            found.push(cell[..cell.find("</td>").unwrap()].to_string());
        }
        let Some(at) = page.body.find("&amp;after=") else { return found };
        let rest = &page.body[at + "&amp;after=".len()..];
        path = format!("/projects?{query}&after={}", &rest[..rest.find('"').unwrap()]);
    }
}

/// Codes from SQL, in the library's order.
async fn codes_where(app: &TestApp, condition: &str, bind: Option<&str>) -> Vec<String> {
    let sql = format!("SELECT code FROM projects p WHERE {condition} ORDER BY region_code, code");
    let mut q = sqlx::query(&sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    q.fetch_all(app.store.pool()).await.unwrap().iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn an_export_holds_exactly_what_the_filters_find() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        // Applications under way: items with clocks, and so with lights.
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        let office = app.sign_in("office").await;
        let everything = codes_where(&app, "p.region_code = '152529'", None).await;

        // Year and stage: the file holds what the pages list, and what the database holds.
        let query = "year=2019&stage=not_started";
        let file = export(&app, &office, query).await;
        let expected = codes_where(&app, "p.initiated_year = 2019 AND p.stage = 'not_started'", None).await;
        assert!(!expected.is_empty() && expected.len() < everything.len(), "{} projects", expected.len());
        assert_eq!(codes(&file), expected);
        assert_eq!(listed(&app, &office, query).await, expected);
        assert_eq!(file.title.as_deref(), Some("正镶白旗待批项目台账（项目库筛选：立项年度：2019；建设状态：未开工）"));
        assert_eq!(file.unit.as_deref(), Some("正镶白旗待批项目大起底工作领导小组办公室"));
        // Each project with its pending items, as the ledger's export holds them.
        for p in &file.projects {
            let pending: i64 = sqlx::query(
                "SELECT COUNT(*) FROM pending_items i JOIN projects p ON p.id = i.project_id
                 WHERE p.code = $1 AND i.status = 'pending'",
            )
            .bind(p.code.as_str())
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
            assert_eq!(p.items.len() as i64, pending, "{}", p.code.as_str());
        }

        // The page links the export of its filters, as typed.
        let page = app.get(&format!("/projects?{query}"), Some(&office)).await;
        assert!(page.body.contains("href=\"/projects/export?year=2019&#38;stage=not_started\""), "{}", page.body);
        let page = app.get("/projects", Some(&office)).await;
        assert!(page.body.contains("href=\"/projects/export\""));

        // Filters the database cannot answer as plainly (lights, a department's scope,
        // text): the file holds what the pages list, across pages.
        let fgw = app.store.department_id(&banner(), "fgw").await.unwrap();
        for query in
            ["light=red", "light=yellow&stage=under_construction", &format!("department={fgw}"), "q=%E5%85%89%E4%BC%8F"]
        {
            let pages = listed(&app, &office, query).await;
            assert_eq!(codes(&export(&app, &office, query).await), pages, "{query}");
        }
        let red = listed(&app, &office, "light=red").await;
        assert!(!red.is_empty() && red.len() < everything.len(), "{} red", red.len());
        let theirs = listed(&app, &office, &format!("department={fgw}")).await;
        assert!(theirs.len() > 50, "more than a page: {}", theirs.len());

        // Unfiltered: the whole library, more than any filter.
        let all = export(&app, &office, "").await;
        assert_eq!(codes(&all), everything);
        assert_eq!(all.title.as_deref(), Some("正镶白旗待批项目台账"));
        let items: i64 = sqlx::query("SELECT COUNT(*) FROM pending_items WHERE status = 'pending'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(all.item_count() as i64, items);

        // Each export is on the record, with its filters and what it wrote.
        let rows = sqlx::query(
            "SELECT payload, object_type FROM events WHERE action = 'library.export' AND outcome = 'ok' ORDER BY seq",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(rows.len(), 6);
        let first: serde_json::Value = serde_json::from_str(&rows[0].get::<String, _>(0)).unwrap();
        assert_eq!(first["filters"]["year"], 2019);
        assert_eq!(first["filters"]["stage"], "not_started");
        assert_eq!(first["filters"]["light"], serde_json::Value::Null);
        assert_eq!(first["projects"], expected.len());
        assert_eq!(
            first["rows"].as_u64().unwrap(),
            file.projects.iter().map(|p| p.items.len().max(1) as u64).sum::<u64>()
        );
        assert_eq!(first["capped"], serde_json::Value::Null);
        assert_eq!(rows[0].get::<String, _>(1), "library");
        let last: serde_json::Value = serde_json::from_str(&rows[5].get::<String, _>(0)).unwrap();
        assert_eq!(last["projects"], everything.len());

        // A filter that cannot be read exports nothing.
        let (status, _, _) = get_bytes(&app, "/projects/export?year=abc", &office).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn an_export_keeps_to_the_users_scope() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        let zrzy = app.store.department_id(&banner(), "zrzy").await.unwrap();
        let fgw = app.store.department_id(&banner(), "fgw").await.unwrap();
        let in_scope = "(p.initiating_department_id = $1
                         OR p.id IN (SELECT i.project_id FROM pending_items i WHERE i.handling_department_id = $1))";

        // A department's handler: its own scope, and its own items only.
        let handler = app.sign_in("zrzy_handler").await;
        let mine = export(&app, &handler, "").await;
        let expected = codes_where(&app, in_scope, Some(&zrzy)).await;
        let everything = codes_where(&app, "p.region_code = '152529'", None).await;
        assert!(!expected.is_empty() && expected.len() < everything.len());
        assert_eq!(codes(&mine), expected);
        assert_eq!(mine.unit.as_deref(), Some("旗自然资源局"));
        let initiated = codes_where(&app, "p.initiating_department_id = $1", Some(&zrzy)).await;
        for p in mine.projects.iter().filter(|p| !initiated.contains(&p.code.as_str().to_string())) {
            assert!(p.items.iter().all(|i| i.handling_department == "zrzy"), "{}", p.code.as_str());
        }
        // Another department's filter: only what both scopes hold.
        let both = export(&app, &handler, &format!("department={fgw}")).await;
        let fgw_scope = codes_where(&app, in_scope, Some(&fgw)).await;
        let expected: Vec<String> = expected.iter().filter(|c| fgw_scope.contains(c)).cloned().collect();
        assert!(expected.len() < fgw_scope.len());
        assert_eq!(codes(&both), expected);
        assert_eq!(codes(&both), listed(&app, &handler, &format!("department={fgw}")).await);

        // A project unit reads no ledger: no link, and the export is not there.
        let unit = app.sign_in("applicant").await;
        let page = app.get("/projects", Some(&unit)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/projects/export"), "{}", page.body);
        let (status, _, _) = get_bytes(&app, "/projects/export", &unit).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // An administrator sees no projects: a file without any.
        let admin = app.sign_in("admin").await;
        assert!(export(&app, &admin, "").await.projects.is_empty());
        // Without a session: the sign-in page.
        let res = app.get("/projects/export?light=red", None).await;
        assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, Some("/login")));

        let actions: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'library.export'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(actions, 3, "the handler's two and the administrator's");
    })
    .await;
}
