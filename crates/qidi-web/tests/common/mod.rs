//! A `TestApp` per test: a fresh database (SQLite, or PostgreSQL when
//! `QIDI_TEST_DATABASE_URL` is set), the whole router, and helpers that speak HTTP to
//! it in-process.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use qidi_core::RegionCode;
use qidi_store::Store;
use tower::ServiceExt;

pub struct TestApp {
    pub store: Store,
    pub router: Router,
    pub data_dir: std::path::PathBuf,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("qidi_session=") && !v.starts_with("qidi_session=;"))
            .and_then(|v| v.split(';').next())
            .map(str::to_string)
    }
}

pub fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

pub const PASSWORD: &str = "Test-Ledger-2026";

impl TestApp {
    pub async fn new(url: &str) -> TestApp {
        let store = qidi_store::testing::migrated_store(url).await;
        store.seed_catalogue(&banner()).await.unwrap();
        let data_dir = std::env::temp_dir().join(format!("qidi-web-test-{}", qidi_store::new_id()));
        std::fs::create_dir_all(&data_dir).unwrap();
        let router = qidi_web::router(
            store.clone(),
            qidi_web::WebConfig {
                secure_cookies: false,
                data_dir: data_dir.clone(),
                // Every ledger is shown at once however loaded the machine; the reading
                // tests set their own wait.
                ledger_reading_wait: Some(std::time::Duration::from_secs(60)),
                ..Default::default()
            },
        );
        TestApp { store, router, data_dir }
    }

    /// Run `f` on a fresh app per backend.
    pub async fn on_each_backend<F, Fut>(f: F)
    where
        F: Fn(TestApp) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        for url in qidi_store::testing::fresh_database_urls().await {
            eprintln!("-- on {}", if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" });
            let app = TestApp::new(&url).await;
            let (store, data_dir) = (app.store.clone(), app.data_dir.clone());
            f(app).await;
            store.close().await;
            let _ = std::fs::remove_dir_all(data_dir);
        }
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let res = self.router.clone().oneshot(req).await.expect("router is infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> TestResponse {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> TestResponse {
        let body = form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// Upload a workbook on the ledger import page, as its form does.
    pub async fn upload_ledger(&self, cookie: &str, name: &str, bytes: &[u8]) -> TestResponse {
        const BOUNDARY: &str = "qidi-test-7d3f0a";
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let req = Request::post("/ledger/import")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_json(&self, path: &str, cookie: Option<&str>, json: &serde_json::Value) -> TestResponse {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(json.to_string())).unwrap()).await
    }

    /// A new account `username` of `role` shown as `display`, of department `dept` (its
    /// code) or project unit `owner`, signed in: its session cookie.
    pub async fn account(
        &self,
        username: &str,
        display: &str,
        role: qidi_core::Role,
        dept: Option<&str>,
        owner: Option<&str>,
    ) -> String {
        let department_id = match dept {
            Some(code) => Some(self.store.department_id(&banner(), code).await.unwrap()),
            None => None,
        };
        let new = qidi_store::users::NewUser {
            region: &banner(),
            username,
            display_name: display,
            role,
            department_id: department_id.as_deref(),
            owner_id: owner,
            password: PASSWORD,
        };
        self.store.create_user(&new, None).await.unwrap();
        self.sign_in(username).await
    }

    /// Give an existing account a known password that needs no change, and sign in.
    pub async fn sign_in(&self, username: &str) -> String {
        self.store.set_password(username, PASSWORD, false).await.unwrap();
        let res = self
            .post_json("/api/v1/login", None, &serde_json::json!({"username": username, "password": PASSWORD}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "sign-in of {username}: {}", res.body);
        res.session_cookie().expect("session cookie")
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The header row of a department's ledger, as spreadsheets write it.
pub const LEDGER_HEADER: [&str; 15] = [
    "序号",
    "项目代码",
    "项目名称",
    "项目单位",
    "立项部门",
    "立项年度",
    "总投资（万元）",
    "建设状态",
    "待批事项",
    "办理部门",
    "核查情况",
    "责任人",
    "受理情况",
    "完成时限",
    "备注",
];

/// The first project of the shared sample ledger: 发改委's wind farm, its land pre-review
/// row (the project's cells are on this, its first row).
pub const WIND_FARM_CODE: &str = "2022-152529-44-01-000101";
pub const WIND_FARM_ROW: [&str; 15] = [
    "1",
    WIND_FARM_CODE,
    "正镶白旗明安图风电场项目（一期）",
    "锡林能源有限公司",
    "旗发改委",
    "2022",
    "1,234.56",
    "未开工",
    "土地预审",
    "自然资源局",
    "材料已齐",
    "王海",
    "已受理",
    "2022.9.30",
    "",
];

/// A ledger workbook as a department keeps it: title, 填报单位, [`LEDGER_HEADER`], then
/// one row per item (a project's later rows leave its cells empty, as merged cells
/// read). Cells that read as numbers are written as numbers, except the project code.
pub fn ledger_xlsx(rows: &[[&str; 15]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "正镶白旗待批项目台账").unwrap();
    ws.write_string(1, 0, "填报单位：旗发改委").unwrap();
    for (c, h) in LEDGER_HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            match v.parse::<f64>() {
                Ok(x) if c != 1 => ws.write_number(3 + r as u32, c as u16, x).unwrap(),
                _ => ws.write_string(3 + r as u32, c as u16, *v).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}
