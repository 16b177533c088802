//! Sign-in, the home page, a ledger import and the phone layout in headless Chromium,
//! driven over WebDriver (chromedriver). Runs when chromedriver is installed; `.ci/run`
//! installs it and sets `QIDI_BROWSER_TESTS=required`, so CI never skips it.

mod common;

use common::TestApp;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
}

impl Driver {
    async fn start() -> Option<Driver> {
        let required = std::env::var("QIDI_BROWSER_TESTS").is_ok_and(|v| v == "required");
        let exists = std::path::Path::new("/usr/bin/chromedriver").exists();
        if !exists {
            assert!(!required, "QIDI_BROWSER_TESTS=required but /usr/bin/chromedriver is missing");
            eprintln!(
                "SKIPPED: browser test needs chromium and chromium-driver (apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("qidi-chromium-{}", qidi_store::new_id()));
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]}}}});
        let mut d = Driver { child, base, session: String::new(), http };
        let res = d.call("POST", "/session", Some(caps)).await;
        d.session = res["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {res}")).to_string();
        Some(d)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body.unwrap_or(json!({})).to_string()),
        };
        let text = req.send().await.expect("webdriver").text().await.unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("webdriver said: {text}"));
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url}))).await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css}))).await;
        v[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")).to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.call("POST", &format!("/element/{e}/value"), Some(json!({"text": text}))).await;
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.call("POST", &format!("/element/{e}/click"), None).await;
    }

    async fn url(&self) -> String {
        self.call("GET", "/url", None).await.as_str().unwrap_or_default().to_string()
    }

    /// Wait until the address satisfies `ok` (a click may return before its navigation ends).
    async fn wait_url(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let url = self.url().await;
            let ready = self.script("return document.readyState").await == json!("complete");
            if ok(&url) && ready {
                return url;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "waiting for {what}, still at {url}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until an element exists and has this text.
    async fn wait_text(&self, css: &str, want: &str) {
        let start = Instant::now();
        loop {
            let v = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css}))).await;
            if let Some(e) = v.as_array().and_then(|a| a.first()).and_then(|e| e[ELEMENT_KEY].as_str()) {
                let t = self.call("GET", &format!("/element/{e}/text"), None).await;
                if t == json!(want) {
                    return;
                }
            }
            assert!(start.elapsed() < Duration::from_secs(15), "waiting for {css} to read {want}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until the text of `css` contains `want`.
    async fn wait_contains(&self, css: &str, want: &str) {
        let start = Instant::now();
        let js = format!("const e = document.querySelector({css:?}); return e ? e.textContent : ''");
        loop {
            let text = self.script(&js).await;
            if text.as_str().is_some_and(|t| t.contains(want)) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "waiting for {css} to contain {want}, it reads {text}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": js, "args": []}))).await
    }

    async fn quit(mut self) {
        self.call("DELETE", "", None).await;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn first_sign_in_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let app = TestApp::new(&qidi_store::testing::fresh_sqlite_url()).await;
    let accounts = app.store.load_demo(&common::banner()).await.unwrap();
    let office = accounts.iter().find(|a| a.username == "office").unwrap().password.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });

    driver.goto(&format!("{base}/")).await;
    driver.wait_url("the sign-in page for signed-out visitors", |u| u.ends_with("/login")).await;
    driver.type_into("input[name=username]", "office").await;
    driver.type_into("input[name=password]", "wrong-password").await;
    driver.click("button[type=submit]").await;
    driver.wait_contains(".error", "用户名或密码错误").await;

    driver.type_into("input[name=password]", &office).await;
    driver.click("button[type=submit]").await;
    driver.wait_url("the new-password page at first sign-in", |u| u.ends_with("/password")).await;
    driver.type_into("input[name=current]", &office).await;
    driver.type_into("input[name=new]", common::PASSWORD).await;
    driver.type_into("input[name=confirm]", common::PASSWORD).await;
    driver.click("button[type=submit]").await;
    let home = format!("{base}/");
    driver.wait_url("the home page", |u| u == home).await;
    driver.wait_text("#stat-projects", "465").await;

    // The page is laid out by our stylesheet (CSP allows it), and on a phone the
    // ledger still fits the screen's width.
    let bar_width = driver.script("return document.querySelector('.bar').getBoundingClientRect().width").await;
    assert!(bar_width.as_f64().unwrap_or(0.0) > 10.0, "bars are drawn: {bar_width}");
    driver.call("POST", "/window/rect", Some(json!({"width": 390, "height": 844}))).await;
    let fits = driver.script("return document.documentElement.scrollWidth <= window.innerWidth + 1").await;
    assert_eq!(fits, json!(true), "no sideways scrolling on a phone");

    // On a phone, sign-out sits in the folded menu.
    driver.click("label.nav-toggle-label").await;
    driver.click("nav form button").await;
    driver.wait_url("the sign-in page after sign-out", |u| u.ends_with("/login")).await;
    driver.quit().await;
    server.abort();
}

/// A department's ledger file: two projects, the first over two item rows.
fn ledger_file() -> std::path::PathBuf {
    #[rustfmt::skip]
    let rows = [
        ["1", "2022-152529-44-01-000101", "明安图风电场项目", "锡林能源有限公司", "旗发改委", "2022", "1,234.56", "未开工",
         "土地预审", "自然资源局", "", "", "", "2022.9.30", ""],
        ["", "", "", "", "", "", "", "", "环评", "生态环境局", "", "", "", "2022年10月31日", ""],
        ["2", "2021-152529-59-03-000202", "冷链物流园项目", "草原农牧业发展有限公司", "发改委", "2021", "800", "在建",
         "取水", "水利局", "", "", "", "2022/09/30", ""],
    ];
    let path = std::env::temp_dir().join(format!("qidi-browser-{}.xlsx", qidi_store::new_id()));
    std::fs::write(&path, common::ledger_xlsx(&rows)).unwrap();
    path
}

#[tokio::test]
async fn a_ledger_file_is_checked_then_imported_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let app = TestApp::new(&qidi_store::testing::fresh_sqlite_url()).await;
    let region = common::banner();
    let new_user = qidi_store::users::NewUser {
        region: &region,
        username: "office",
        display_name: "办公室",
        role: qidi_core::Role::Office,
        department_id: None,
        owner_id: None,
        password: common::PASSWORD,
    };
    app.store.create_user(&new_user, None).await.unwrap();
    app.store.set_password("office", common::PASSWORD, false).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });

    driver.goto(&format!("{base}/login")).await;
    driver.type_into("input[name=username]", "office").await;
    driver.type_into("input[name=password]", common::PASSWORD).await;
    driver.click("form[action='/login'] button").await;
    let home = format!("{base}/");
    driver.wait_url("the home page", |u| u == home).await;

    // Choose the file, check it: the dry run says what would change and writes nothing.
    let file = ledger_file();
    driver.goto(&format!("{base}/ledger/import")).await;
    driver.type_into("input[type=file]", &file.display().to_string()).await;
    driver.click("form[enctype='multipart/form-data'] button").await;
    driver.wait_contains("#import-dry-run", "可导入 2 个项目、3 个待批事项").await;
    let scope = qidi_core::role::Scope::for_user(qidi_core::Role::Office, &region, None, None);
    let projects = || async { app.store.ledger_summary(&scope).await.unwrap().projects };
    assert_eq!(projects().await, 0, "checking writes nothing");

    // Confirm: imported, and the summary says so.
    driver.click("#confirm-import button").await;
    driver.wait_contains("#import-summary", "项目：新增 2").await;
    assert_eq!(projects().await, 2);

    // While a file is being sent, the form says so and cannot be sent twice (the
    // navigation itself is held back here, so the state can be read).
    driver.goto(&format!("{base}/ledger/import")).await;
    driver.type_into("input[type=file]", &file.display().to_string()).await;
    let form = "document.querySelector('form[data-busy]')";
    driver
        .script(&format!(
            "{form}.addEventListener('submit', e => e.preventDefault(), {{ once: true }}); {form}.requestSubmit(); return null"
        ))
        .await;
    let state = driver
        .script(&format!("return [{form}.querySelector('button').disabled, {form}.querySelector('.busy').textContent]"))
        .await;
    assert_eq!(state, json!([true, "正在上传并检查，请稍候……"]));
    let _ = std::fs::remove_file(&file);

    // On a phone: the menu folds behind its button, and a table scrolls inside itself
    // with no column squeezed to a character, while the page itself never scrolls sideways.
    driver.call("POST", "/window/rect", Some(json!({"width": 390, "height": 844}))).await;
    for page in ["/projects", "/ledger/banner", "/"] {
        driver.goto(&format!("{base}{page}")).await;
        let nav = "getComputedStyle(document.querySelector('header.top nav')).display";
        assert_eq!(driver.script(&format!("return {nav}")).await, json!("none"), "{page}: the menu is folded");
        let header = driver.script("return document.querySelector('header.top').getBoundingClientRect().height").await;
        assert!(header.as_f64().unwrap() < 80.0, "{page}: the header takes {header}px");
        let overflow = driver.script("return document.documentElement.scrollWidth - window.innerWidth").await;
        assert!(overflow.as_f64().unwrap() <= 0.0, "{page}: the page scrolls sideways by {overflow}px");
        let narrowest = driver
            .script("const w = [...document.querySelectorAll('main th')].filter(th => getComputedStyle(th).display !== 'none').map(th => th.getBoundingClientRect().width); return w.length ? Math.min(...w) : 999")
            .await;
        assert!(narrowest.as_f64().unwrap() >= 60.0, "{page}: a column is {narrowest}px wide");
        driver.click("label.nav-toggle-label").await;
        assert_eq!(driver.script(&format!("return {nav}")).await, json!("flex"), "{page}: the button opens it");
    }
    // On a desktop the menu is always open and there is no button.
    driver.call("POST", "/window/rect", Some(json!({"width": 1280, "height": 900}))).await;
    driver.goto(&format!("{base}/projects")).await;
    let shown = driver
        .script("return [getComputedStyle(document.querySelector('header.top nav')).display, getComputedStyle(document.querySelector('label.nav-toggle-label')).display]")
        .await;
    assert_eq!(shown, json!(["flex", "none"]));
    driver.quit().await;
    server.abort();
}
