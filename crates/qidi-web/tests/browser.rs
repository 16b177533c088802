//! Sign-in, the home page, a ledger import, the approval journey, the phone layout and a
//! ledger read in the background
//! in headless Chromium, driven over WebDriver (chromedriver, through fantoccini). Runs when chromedriver is installed; `.ci/run`
//! installs it and sets `QIDI_BROWSER_TESTS=required`, so CI never skips it.

mod common;

use common::TestApp;
use fantoccini::Client;
use fantoccini::{ClientBuilder, Locator};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Headless Chromium over WebDriver (fantoccini), with the waits these tests need.
struct Driver {
    child: Child,
    client: Client,
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
        let profile = std::env::temp_dir().join(format!("qidi-chromium-{}", qidi_store::new_id()));
        let caps = json!({"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     // An official's browser asks for Chinese (headless Chromium asks for English).
                     "--lang=zh-CN",
                     format!("--user-data-dir={}", profile.display())],
            "prefs": {"intl.accept_languages": "zh-CN,zh"}}});
        let Value::Object(caps) = caps else { unreachable!("an object") };
        let start = Instant::now();
        // chromedriver takes a moment to listen.
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) => {
                    assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        };
        Some(Driver { child, client })
    }

    async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Click a button whose form asks for confirmation (confirm_question), and say yes.
    async fn click_confirmed(&self, css: &str) {
        self.click(css).await;
        let start = Instant::now();
        loop {
            match self.client.accept_alert().await {
                Ok(()) => return,
                Err(_) if start.elapsed() < Duration::from_secs(10) => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(e) => panic!("no confirmation asked after {css}: {e}"),
            }
        }
    }

    /// Mark the page, run `act` (a click that sends a form), and wait until a new page
    /// has loaded in its place (its address may be the same).
    async fn reloads(&self, what: &str, act: impl std::future::Future<Output = ()>) {
        self.script("window.qidiOld = true; return null").await;
        act.await;
        let start = Instant::now();
        loop {
            let state = self.client.execute("return [window.qidiOld === true, document.readyState]", vec![]).await;
            if state.is_ok_and(|s| s == json!([false, "complete"])) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn select(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    async fn url(&self) -> String {
        self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default()
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
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                if e.text().await.is_ok_and(|t| t == want) {
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
        self.client.execute(js, vec![]).await.unwrap_or_else(|e| panic!("script {js}: {e}"))
    }

    async fn window(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("window size");
    }

    /// Write what the browser shows to `docs/screenshots/NAME.png` (PNG, from the browser).
    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    async fn quit(mut self) {
        let _ = self.client.close().await;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn first_sign_in_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let db = qidi_store::testing::fresh_sqlite_database();
    let app = TestApp::new(&db).await;
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
    driver.window(390, 844).await;
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
    let db = qidi_store::testing::fresh_sqlite_database();
    let app = TestApp::new(&db).await;
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
    driver.window(390, 844).await;
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
    driver.window(1280, 900).await;
    driver.goto(&format!("{base}/projects")).await;
    let shown = driver
        .script("return [getComputedStyle(document.querySelector('header.top nav')).display, getComputedStyle(document.querySelector('label.nav-toggle-label')).display]")
        .await;
    assert_eq!(shown, json!(["flex", "none"]));
    driver.quit().await;
    server.abort();
}

/// Serve `app` on a free port; its base URL and the server's task.
/// The page is English: the document says so, and the page's own words that the Chinese
/// journey above waited for are gone (names of projects, owners and materials are data and
/// stay as written).
async fn english_page(driver: &Driver, what: &str) {
    let lang = driver.script("return document.documentElement.lang").await;
    assert_eq!(lang, json!("en"), "{what} is in English");
    // textContent: the folded menu of a phone counts too.
    let text = driver.script("return document.body.textContent").await;
    let text = text.as_str().unwrap_or_default();
    for chinese in ["当前状态", "告知问题", "台账概览", "退出", "阳光审批", "工作人员登录", "已批复", "待办申请"]
    {
        assert!(!text.contains(chinese), "{what} shows {chinese} in English: {text}");
    }
    assert!(text.contains("Sign out") || text.contains("Staff sign-in"), "{what}: {text}");
}

async fn serve(app: &TestApp) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    (base, server)
}

async fn sign_in(driver: &Driver, base: &str, username: &str) {
    driver.client.delete_all_cookies().await.expect("cookies");
    driver.goto(&format!("{base}/login")).await;
    driver.type_into("input[name=username]", username).await;
    driver.type_into("input[name=password]", common::PASSWORD).await;
    driver.click("form[action='/login'] button").await;
    let home = format!("{base}/");
    driver.wait_url(&format!("{username}'s home page"), |u| u == home).await;
}

#[tokio::test]
async fn the_approval_journey_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let db = qidi_store::testing::fresh_sqlite_database();
    let app = TestApp::new(&db).await;
    let region = common::banner();
    // The office imports a project with one pending item: 节能审查, handled by 发改委.
    let mut row = common::WIND_FARM_ROW;
    row[8] = "节能审查";
    row[9] = "发改委";
    let owner = app.store.owner_id_or_create(&region, row[3]).await.unwrap();
    let fgw = app.store.department_id(&region, "fgw").await.unwrap();
    for (username, role, department, owner) in [
        ("office", qidi_core::Role::Office, None, None),
        ("unit", qidi_core::Role::Applicant, None, Some(owner.as_str())),
        ("fgw_handler", qidi_core::Role::Handler, Some(fgw.as_str()), None),
    ] {
        let new = qidi_store::users::NewUser {
            region: &region,
            username,
            display_name: username,
            role,
            department_id: department,
            owner_id: owner,
            password: common::PASSWORD,
        };
        app.store.create_user(&new, None).await.unwrap();
        app.store.set_password(username, common::PASSWORD, false).await.unwrap();
    }
    let office = app.sign_in("office").await;
    let req = axum::http::Request::post("/api/v1/ledger/import")
        .header(axum::http::header::COOKIE, &office)
        .header(axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(axum::body::Body::from(common::ledger_xlsx(&[row])))
        .unwrap();
    assert_eq!(app.send(req).await.status, axum::http::StatusCode::OK);
    let (base, server) = serve(&app).await;
    let material = std::env::temp_dir().join(format!("qidi-material-{}.pdf", qidi_store::new_id()));
    std::fs::write(&material, b"%PDF-1.4 material").unwrap();
    let material = material.display().to_string();

    // The unit applies and sends every material, then submits.
    sign_in(&driver, &base, "unit").await;
    driver.screenshot("zh-unit-home-desktop").await;
    driver.goto(&format!("{base}/my-projects")).await;
    driver.reloads("the new application", driver.click("form[action='/applications'] button")).await;
    let application = driver.wait_url("the new application", |u| u.contains("/applications/")).await;
    let codes = driver
        .script("return [...document.querySelectorAll('select[name=material_code] option')].map(o => o.value)")
        .await;
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert!(!codes.is_empty(), "the checklist offers its materials");
    for code in &codes {
        driver.select("form[action$='/materials'] select[name=material_code]", code).await;
        driver.type_into("form[action$='/materials'] input[type=file]", &material).await;
        driver.reloads("the application after an upload", driver.click("form[action$='/materials'] button")).await;
    }
    driver.reloads("the submitted application", driver.click("form.action input[value=submit] ~ button")).await;
    driver.wait_contains("main", "当前状态已提交待初审").await;
    driver.screenshot("zh-application-desktop").await;

    // The handler returns it with a one-time notice naming the first material.
    sign_in(&driver, &base, "fgw_handler").await;
    driver.wait_contains("#my-work", "待办申请").await;
    driver.goto(&application).await;
    driver.select("select[name=material_0]", &codes[0]).await;
    // A row with a material and no problem is refused beside the form, and the page
    // stands at the application's address, not the form's (reloading sends nothing).
    driver.reloads("the refused return", driver.click_confirmed("form.action input[value=return] ~ button")).await;
    driver.wait_contains("form.action .error", "未填写").await;
    assert_eq!(driver.url().await, application, "the address after a refusal is the application's");
    driver.type_into("input[name=problem_0]", "缺少盖章页").await;
    driver.type_into("input[name=remedy_0]", "补充盖章页后重新上传").await;
    // A one-time notice cannot be taken back: the form asks first.
    driver
        .reloads("the returned application", driver.click_confirmed("form.action input[value=return] ~ button"))
        .await;
    driver.wait_contains("main", "当前状态已退回（一次性告知）").await;

    // The unit puts it right and resubmits.
    sign_in(&driver, &base, "unit").await;
    driver.goto(&application).await;
    driver.wait_contains("main", "告知问题 1 项").await;
    driver.select("form[action$='/materials'] select[name=material_code]", &codes[0]).await;
    driver.type_into("form[action$='/materials'] input[type=file]", &material).await;
    driver.reloads("the application after the correction", driver.click("form[action$='/materials'] button")).await;
    driver.reloads("the resubmitted application", driver.click("form.action input[value=resubmit] ~ button")).await;
    driver.wait_contains("main", "当前状态已提交待初审").await;

    // The handler accepts and approves, each confirmed, for neither can be undone.
    sign_in(&driver, &base, "fgw_handler").await;
    driver.goto(&application).await;
    driver
        .reloads("the accepted application", driver.click_confirmed("form.action input[value=accept] ~ button"))
        .await;
    driver.wait_contains("main", "当前状态审查中").await;
    driver.type_into("input[name=document_number]", "正发改能审〔2026〕1号").await;
    driver
        .reloads("the approved application", driver.click_confirmed("form.action input[value=approve] ~ button"))
        .await;
    driver.wait_contains("main", "当前状态已批准").await;
    // The department's dashboard has nothing left to do.
    driver.goto(&format!("{base}/")).await;
    driver.wait_text("#work-red", "0").await;
    driver.wait_contains("#my-work", "暂无待办申请").await;

    // The public page, signed out, shows the item granted.
    driver.client.delete_all_cookies().await.unwrap();
    driver.goto(&format!("{base}/public/projects/{}", common::WIND_FARM_CODE)).await;
    driver.wait_contains("main", "节能审查").await;
    driver.wait_contains("main", "已批复 1 项").await;
    driver.screenshot("zh-public-project-desktop").await;
    // On a phone the public page fits the screen.
    driver.window(390, 844).await;
    driver.goto(&format!("{base}/public/projects/{}", common::WIND_FARM_CODE)).await;
    let overflow = driver.script("return document.documentElement.scrollWidth - window.innerWidth").await;
    assert!(overflow.as_f64().unwrap() <= 0.0, "the public page scrolls sideways by {overflow}px");
    driver.screenshot("zh-public-project-phone").await;
    sign_in(&driver, &base, "unit").await;
    driver.goto(&application).await;
    let overflow = driver.script("return document.documentElement.scrollWidth - window.innerWidth").await;
    assert!(overflow.as_f64().unwrap() <= 0.0, "the application scrolls sideways by {overflow}px");
    driver.screenshot("zh-application-phone").await;
    // The Chinese page names materials by their Chinese names only: no internal codes.
    let text = driver.script("return document.querySelector('main').innerText").await;
    let text = text.as_str().unwrap_or_default();
    for code in &codes {
        assert!(!text.contains(code.as_str()), "{code} shows on the application page");
    }
    assert!(!text.contains("版本"), "no version numbers on the page");

    // The footer's switch turns the pages to English, for this user from now on.
    driver.reloads("the application in English", driver.click("footer button[value=en]")).await;
    english_page(&driver, "the application").await;
    driver.screenshot("en-application-phone").await;
    driver.window(1280, 900).await;
    driver.goto(&format!("{base}/")).await;
    english_page(&driver, "the unit's home page").await;
    driver.screenshot("en-unit-home-desktop").await;
    driver.goto(&application).await;
    driver.screenshot("en-application-desktop").await;
    // Signed out, the browser's cookie keeps English on the public record.
    driver.client.delete_cookie("qidi_session").await.unwrap();
    driver.goto(&format!("{base}/public/projects/{}", common::WIND_FARM_CODE)).await;
    english_page(&driver, "the public record").await;
    driver.screenshot("en-public-project-desktop").await;
    driver.window(390, 844).await;
    driver.goto(&format!("{base}/public/projects/{}", common::WIND_FARM_CODE)).await;
    driver.screenshot("en-public-project-phone").await;
    let _ = std::fs::remove_file(&material);
    driver.quit().await;
    server.abort();
}

#[tokio::test]
async fn a_ledger_read_in_the_background_shows_its_result_by_itself() {
    let Some(driver) = Driver::start().await else { return };
    let db = qidi_store::testing::fresh_sqlite_database();
    let app = TestApp::new(&db).await;
    // A server that waits for no reading: the page always starts one and shows its bar.
    let config = qidi_web::WebConfig {
        secure_cookies: false,
        data_dir: app.data_dir.clone(),
        ledger_reading_wait: Some(Duration::ZERO),
        ..Default::default()
    };
    let app = TestApp { router: qidi_web::router(app.store.clone(), config), ..app };
    let store = &app.store;
    qidi_store::testing::test_user(store, "fgw_head", qidi_core::Role::DepartmentHead, Some("fgw"), None, None).await;
    store.set_password("fgw_head", common::PASSWORD, false).await.unwrap();
    let owner = store.owner_id_or_create(&common::banner(), "白旗绿野能源有限公司").await.unwrap();
    for serial in 1..=2 {
        qidi_store::testing::test_pending_item(store, &owner, serial, "land_pre_review", "zrzy").await;
    }
    let (base, server) = serve(&app).await;
    sign_in(&driver, &base, "fgw_head").await;
    driver.goto(&format!("{base}/ledger/departments/fgw")).await;
    let first = driver.url().await;
    assert!(!first.contains("reading="), "{first}");
    // The page follows its reading and goes to the result when it is read.
    driver.wait_url("the reading's result", |u| u.contains("reading=")).await;
    driver.find("#reading-began").await;
    let hash = driver.find("#current-hash").await.attr("title").await.unwrap().unwrap_or_default();
    let fgw = store.department_id(&common::banner(), "fgw").await.unwrap();
    assert_eq!(hash, store.ledger_state(&common::banner(), Some(&fgw)).await.unwrap().current_hash);
    server.abort();
    driver.quit().await;
}
