//! The calendar over HTTP, on both backends: the administrator's import page (404 for
//! anyone else), refusals that name the date and change nothing, and the JSON answers.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, TestApp, TestResponse, PASSWORD};
use qidi_core::Role;
use qidi_store::users::NewUser;

/// A made-up 2027 notice: 2027-01-01 (Friday) off and 2027-12-25 (Saturday) worked.
const FILE_2027: &str = r#"{"year": 2027, "papers": ["https://www.gov.cn/test-2027"], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "春节", "date": "2027-02-06", "isOffDay": false},
  {"name": "春节", "date": "2027-02-08", "isOffDay": true},
  {"name": "春节", "date": "2027-02-09", "isOffDay": true},
  {"name": "春节", "date": "2027-02-10", "isOffDay": true},
  {"name": "春节", "date": "2027-02-11", "isOffDay": true},
  {"name": "春节", "date": "2027-02-12", "isOffDay": true},
  {"name": "元旦", "date": "2027-12-25", "isOffDay": false}
]}"#;

/// Lists 2027-12-25 as a day off, against the 2027 notice.
const FILE_2028_CONTRADICTING: &str = r#"{"year": 2028, "days": [
  {"name": "元旦", "date": "2027-12-25", "isOffDay": true},
  {"name": "元旦", "date": "2028-01-03", "isOffDay": true}
]}"#;

const BOUNDARY: &str = "qidi-test-boundary-7f3a";

async fn account(app: &TestApp, name: &str, role: Role) -> String {
    app.store
        .create_user(
            &NewUser {
                region: &banner(),
                username: name,
                display_name: name,
                role,
                department_id: None,
                owner_id: None,
                password: PASSWORD,
            },
            None,
        )
        .await
        .unwrap();
    app.sign_in(name).await
}

/// POST /admin/calendar as multipart: an uploaded file and/or pasted text.
async fn upload(
    app: &TestApp,
    cookie: Option<&str>,
    file: Option<&str>,
    pasted: Option<&str>,
    origin: Option<&str>,
) -> TestResponse {
    let mut body = String::new();
    if let Some(f) = file {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notice.json\"\r\nContent-Type: application/json\r\n\r\n{f}\r\n"
        ));
    }
    if let Some(p) = pasted {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{p}\r\n"));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let mut b = Request::post("/admin/calendar")
        .header(header::HOST, "qidi.example")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    app.send(b.body(Body::from(body)).unwrap()).await
}

/// Everything an import may change.
async fn calendar_state(app: &TestApp) -> (Vec<(i32, i64, String)>, usize) {
    let years = app.store.calendar_years().await.unwrap();
    let events = app.store.recent_events(100_000).await.unwrap();
    (
        years.into_iter().map(|y| (y.year, y.days, y.loaded_at)).collect(),
        events.iter().filter(|e| e.object_type == "calendar").count(),
    )
}

#[tokio::test]
async fn only_administrators_see_the_calendar_page() {
    TestApp::on_each_backend(|app| async move {
        let anonymous = app.get("/admin/calendar", None).await;
        assert_eq!(anonymous.location(), Some("/login"), "signed out: sign in first");

        let office = account(&app, "office1", Role::Office).await;
        let res = app.get("/admin/calendar", Some(&office)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(!res.body.contains("导入新一年"), "nothing of the page leaks");
        let before = calendar_state(&app).await;
        let res = upload(&app, Some(&office), Some(FILE_2027), None, None).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(calendar_state(&app).await, before, "a non-admin upload changes nothing");
        let res = app.post_form("/admin/calendar", Some(&office), &[("json", FILE_2027)]).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "not multipart: still 404 for a non-admin");
        assert!(!app.store.work_calendar().await.unwrap().is_published(2027));

        let admin = account(&app, "admin1", Role::Admin).await;
        let res = app.get("/admin/calendar", Some(&admin)).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("导入新一年的放假安排"), "{}", res.body);
        assert!(res.body.contains("<td>2026</td>") && res.body.contains("<td>2016</td>"), "loaded years listed");
        assert!(!res.body.contains("<td>2027</td>"));
    })
    .await;
}

#[tokio::test]
async fn an_administrator_imports_a_year() {
    TestApp::on_each_backend(|app| async move {
        let admin = account(&app, "admin1", Role::Admin).await;
        let res = upload(&app, Some(&admin), Some(FILE_2027), None, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("已导入 2027 年放假安排：8 个日期"), "{}", res.body);
        assert!(res.body.contains("<td>2027</td>"), "the new year is listed");
        assert!(res.body.contains(r#"href="https://www.gov.cn/test-2027""#));

        let cal = app.store.work_calendar().await.unwrap();
        assert!(cal.is_published(2027));
        assert!(!cal.is_working_day(qidi_core::calendar::parse_date("2027-01-01").unwrap()));
        let events = app.store.recent_events(100).await.unwrap();
        let import = events.iter().find(|e| e.action == "calendar.import").expect("audited");
        let admin_user = app.store.user_by_username("admin1").await.unwrap().unwrap();
        assert_eq!(import.actor_id.as_deref(), Some(admin_user.id.as_str()));

        // The same notice pasted into the form: accepted, nothing changed.
        let before = calendar_state(&app).await;
        let res = upload(&app, Some(&admin), None, Some(FILE_2027), None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("内容相同，未作更改"), "{}", res.body);
        assert_eq!(calendar_state(&app).await, before);

        // A request from another site is refused by the same-origin guard.
        let res = upload(&app, Some(&admin), Some(FILE_2027), None, Some("https://evil.example")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn a_contradicting_file_shows_the_date_and_changes_nothing() {
    TestApp::on_each_backend(|app| async move {
        let admin = account(&app, "admin1", Role::Admin).await;
        assert_eq!(upload(&app, Some(&admin), Some(FILE_2027), None, None).await.status, StatusCode::OK);
        let before = calendar_state(&app).await;

        let res = upload(&app, Some(&admin), Some(FILE_2028_CONTRADICTING), None, None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("2027-12-25") && res.body.contains("矛盾"), "{}", res.body);
        assert!(res.body.contains(r#"class="error""#));
        assert!(!res.body.contains("<td>2028</td>"));
        assert_eq!(calendar_state(&app).await, before);

        // A file that contradicts itself, and one with a date outside its year.
        let twice = r#"{"year": 2028, "days": [{"name": "元旦", "date": "2028-01-03", "isOffDay": true},
                                               {"name": "元旦", "date": "2028-01-03", "isOffDay": false}]}"#;
        let res = upload(&app, Some(&admin), Some(twice), None, None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("2028-01-03"), "{}", res.body);
        let wrong_year = r#"{"year": 2028, "days": [{"name": "x", "date": "2030-05-01", "isOffDay": true}]}"#;
        let res = upload(&app, Some(&admin), None, Some(wrong_year), None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("2030-05-01"), "{}", res.body);
        assert!(
            res.body.contains("&quot;2030-05-01&quot;") || res.body.contains("&#34;2030-05-01&#34;"),
            "pasted text is kept"
        );
        let res = upload(&app, Some(&admin), None, None, None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请选择放假安排文件"), "{}", res.body);
        let res = app.post_form("/admin/calendar", Some(&admin), &[("json", FILE_2028_CONTRADICTING)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请通过本页的表单"), "{}", res.body);
        assert_eq!(calendar_state(&app).await, before);
    })
    .await;
}

#[tokio::test]
async fn working_day_answers_for_signed_in_users() {
    TestApp::on_each_backend(|app| async move {
        assert_eq!(app.get("/api/v1/calendar/2023-01-29", None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/calendar/add?from=2022-09-29&n=5", None).await.status, StatusCode::UNAUTHORIZED);

        let user = account(&app, "office1", Role::Office).await;
        let res = app.get("/api/v1/calendar/2023-01-29", Some(&user)).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            res.json(),
            serde_json::json!({"date": "2023-01-29", "is_working_day": true, "provisional": false}),
            "a make-up Sunday"
        );
        let res = app.get("/api/v1/calendar/2022-10-03", Some(&user)).await;
        assert_eq!(res.json()["is_working_day"], false);
        let res = app.get("/api/v1/calendar/2027-01-01", Some(&user)).await;
        assert_eq!(res.json(), serde_json::json!({"date": "2027-01-01", "is_working_day": true, "provisional": true}));

        let res = app.get("/api/v1/calendar/add?from=2022-09-29&n=5", Some(&user)).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            res.json(),
            serde_json::json!({"from": "2022-09-29", "n": 5, "date": "2022-10-11", "provisional": false})
        );
        let res = app.get("/api/v1/calendar/add?from=2026-12-24&n=10", Some(&user)).await;
        assert_eq!((res.json()["date"].clone(), res.json()["provisional"].clone()), ("2027-01-07".into(), true.into()));

        // Once 2027 is loaded the same question has a settled, different answer.
        app.store
            .import_calendar_file(&qidi_core::calendar::HolidayFile::parse(FILE_2027).unwrap(), None)
            .await
            .unwrap();
        let res = app.get("/api/v1/calendar/add?from=2026-12-24&n=10", Some(&user)).await;
        assert_eq!(
            (res.json()["date"].clone(), res.json()["provisional"].clone()),
            ("2027-01-08".into(), false.into())
        );
        let res = app.get("/api/v1/calendar/2027-01-01", Some(&user)).await;
        assert_eq!(
            res.json(),
            serde_json::json!({"date": "2027-01-01", "is_working_day": false, "provisional": false})
        );

        for (path, names) in [
            ("/api/v1/calendar/2023-02-29", "2023-02-29"),
            ("/api/v1/calendar/add?from=2023-02-30&n=1", "2023-02-30"),
            ("/api/v1/calendar/add?from=2023-02-01&n=-3", "-3"),
            ("/api/v1/calendar/add?from=2023-02-01&n=x", "x"),
            ("/api/v1/calendar/add?n=3", "from"),
            ("/api/v1/calendar/add?from=2023-02-01", "n"),
        ] {
            let res = app.get(path, Some(&user)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", res.body);
            let msg = res.json()["error"]["message"].as_str().unwrap().to_string();
            assert!(msg.contains(names), "{path}: {msg}");
        }
    })
    .await;
}
