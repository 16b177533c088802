//! The pages' language (R23): Chinese by default, English by `Accept-Language` or by the
//! switch, and a signed-in user's choice kept for their next sign-in.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{TestApp, TestResponse, PASSWORD};

async fn get_with_language(app: &TestApp, path: &str, accept: &str, cookie: Option<&str>) -> TestResponse {
    let mut b = Request::get(path).header(header::ACCEPT_LANGUAGE, accept);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    app.send(b.body(Body::empty()).unwrap()).await
}

fn language_cookie(res: &TestResponse) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("qidi_lang="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

#[tokio::test]
async fn chinese_by_default_english_when_the_browser_asks() {
    TestApp::on_each_backend(|app| async move {
        let zh = app.get("/login", None).await;
        assert_eq!(zh.status, StatusCode::OK);
        assert!(zh.body.contains(r#"<html lang="zh-CN">"#) && zh.body.contains("用户名"), "{}", zh.body);
        assert_eq!(zh.headers[header::CONTENT_LANGUAGE], "zh-CN");

        let en = get_with_language(&app, "/login", "en-US,en;q=0.9,zh-CN;q=0.5", None).await;
        assert!(en.body.contains(r#"<html lang="en">"#), "{}", en.body);
        assert!(en.body.contains("Username") && en.body.contains("Sign in"), "{}", en.body);
        assert!(!en.body.contains("用户名"));
        assert_eq!(en.headers[header::CONTENT_LANGUAGE], "en");
        assert!(en.headers.get_all(header::VARY).iter().any(|v| v.to_str().unwrap().contains("Accept-Language")));
        // A language qidi does not hold falls back to Chinese.
        let fr = get_with_language(&app, "/login", "fr-FR", None).await;
        assert!(fr.body.contains("用户名"));
    })
    .await;
}

#[tokio::test]
async fn the_switch_sets_the_browser_and_the_user_and_stays_on_this_site() {
    TestApp::on_each_backend(|app| async move {
        // Without signing in: the cookie decides over Accept-Language.
        let res = app.post_form("/language", None, &[("lang", "en"), ("back", "/public?q=1")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.location(), Some("/public?q=1"));
        let cookie = language_cookie(&res).expect("a language cookie");
        assert_eq!(cookie, "qidi_lang=en");
        let page = get_with_language(&app, "/login", "zh-CN", Some(&cookie)).await;
        assert!(page.body.contains("Username"), "{}", page.body);
        // The page offers the way back to Chinese, named in Chinese.
        assert!(page.body.contains(r#"value="zh-CN""#) && page.body.contains("简体中文"));

        // Never a redirect off the site; an unknown language changes nothing.
        for back in ["//elsewhere.example/x", "https://elsewhere.example/", "/\\elsewhere"] {
            let res = app.post_form("/language", None, &[("lang", "en"), ("back", back)]).await;
            assert_eq!(res.location(), Some("/"), "{back}");
        }
        let res = app.post_form("/language", None, &[("lang", "xx"), ("back", "/login")]).await;
        assert_eq!((res.location(), language_cookie(&res)), (Some("/login"), None));

        // Signed in: the choice is the user's, and a new browser gets it at sign-in.
        qidi_store::testing::office_account(&app.store, "wang", PASSWORD).await;
        let session = app.sign_in("wang").await;
        let res = app.post_form("/language", Some(&session), &[("lang", "en"), ("back", "/")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(app.store.user_by_username("wang").await.unwrap().unwrap().language.as_deref(), Some("en"));
        let home = app.get("/", Some(&format!("{session}; qidi_lang=en"))).await;
        assert!(home.body.contains("Sign out") && home.body.contains("Leading group office"), "{}", home.body);
        let again = app.post_form("/login", None, &[("username", "wang"), ("password", PASSWORD)]).await;
        assert_eq!(language_cookie(&again).as_deref(), Some("qidi_lang=en"));
    })
    .await;
}

#[tokio::test]
async fn a_refusal_decided_in_core_reads_in_the_page_language() {
    TestApp::on_each_backend(|app| async move {
        qidi_store::testing::office_account(&app.store, "wang", PASSWORD).await;
        let session = app.sign_in("wang").await;
        let weak = [("current", PASSWORD), ("new", "abc"), ("confirm", "abc")];
        let zh = app.post_form("/password", Some(&session), &weak).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(zh.body.contains("密码至少 8 位"), "{}", zh.body);
        let en = app.post_form("/password", Some(&format!("{session}; qidi_lang=en")), &weak).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(en.body.contains("A password has at least 8 characters."), "{}", en.body);
        assert!(!en.body.contains("密码至少"), "{}", en.body);
        // An argument reaches the English sentence.
        let long = "Aa1!".repeat(300);
        let too_long = [("current", PASSWORD), ("new", long.as_str()), ("confirm", long.as_str())];
        let en = app.post_form("/password", Some(&format!("{session}; qidi_lang=en")), &too_long).await;
        assert!(
            en.body.contains("at most 1024 characters") || en.body.contains("at most 1,024 characters"),
            "{}",
            en.body
        );
    })
    .await;
}

#[tokio::test]
async fn a_page_that_answers_a_form_stands_at_the_address_of_the_page_the_form_was_on() {
    TestApp::on_each_backend(|app| async move {
        qidi_store::testing::office_account(&app.store, "wang", PASSWORD).await;
        let session = app.sign_in("wang").await;
        let page = app.get("/password", Some(&session)).await;
        assert!(!page.body.contains("data-address"), "a page fetched is at its own address");
        assert!(page.body.contains(r#"name="back" value="/password""#), "{}", page.body);

        // A refused form: the switch comes back to the form's page, not to the address the
        // form was sent to, and the browser is told to show that page's address.
        let weak = "current=x&new=abc&confirm=abc";
        let post = |referer: Option<&'static str>| {
            let mut b = Request::post("/password")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &session)
                .header(header::HOST, "qidi.example");
            if let Some(r) = referer {
                b = b.header(header::REFERER, r);
            }
            b.body(Body::from(weak)).unwrap()
        };
        let refused = app.send(post(Some("http://qidi.example/password?from=home"))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains(r#"data-address="/password?from=home""#), "{}", refused.body);
        assert!(refused.body.contains(r#"name="back" value="/password?from=home""#), "{}", refused.body);
        // Without a page of this site to go back to: the home page.
        let refused = app.send(post(None)).await;
        assert!(refused.body.contains(r#"data-address="/""#), "{}", refused.body);
        assert!(refused.body.contains(r#"name="back" value="/""#), "{}", refused.body);
    })
    .await;
}
