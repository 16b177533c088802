//! Fresh databases for tests: every test gets its own SQLite file, and its own
//! PostgreSQL database when `QIDI_TEST_DATABASE_URL` names a server.

use crate::{Backend, Store};

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_ENV: &str = "QIDI_TEST_DATABASE_URL";

/// Fresh, empty databases: always one SQLite file, plus one PostgreSQL database when
/// the environment names a server. Each is removed when the test is done with it.
pub async fn fresh_database_urls() -> Vec<FreshDatabase> {
    let mut urls = vec![FreshDatabase(fresh_sqlite_url())];
    if let Some(pg) = fresh_postgres_url().await {
        urls.push(FreshDatabase(pg));
    }
    urls
}

/// A test's own database, read as its URL, and removed ([`discard`]) when it goes out
/// of scope. Not when the test is panicking: a failing test leaves its database to look
/// at.
#[derive(Debug)]
pub struct FreshDatabase(String);

impl FreshDatabase {
    /// Take charge of removing a test database made otherwise (a copy of one).
    pub fn adopt(url: String) -> FreshDatabase {
        FreshDatabase(url)
    }
}

impl std::ops::Deref for FreshDatabase {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for FreshDatabase {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_ref()
    }
}

impl std::fmt::Display for FreshDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let url = std::mem::take(&mut self.0);
        // A drop cannot wait on the test's runtime (it may be the one thread, blocked
        // here): the removal runs on a runtime of its own, on a thread of its own.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(discard(&url));
            }
        })
        .join();
    }
}

/// A fresh SQLite file, removed when the test is done with it ([`FreshDatabase`]).
pub fn fresh_sqlite_database() -> FreshDatabase {
    FreshDatabase(fresh_sqlite_url())
}

pub fn fresh_sqlite_url() -> String {
    let dir = std::env::temp_dir().join("qidi-tests");
    let _ = std::fs::create_dir_all(&dir);
    format!("sqlite://{}/{}.db", dir.display(), crate::new_id())
}

/// A new database on the server named by `QIDI_TEST_DATABASE_URL`, or None when unset.
/// Panics (this is test support) when it is set but unusable: PostgreSQL must never be
/// skipped silently.
pub async fn fresh_postgres_url() -> Option<String> {
    use sqlx::Connection;
    let base = std::env::var(TEST_DATABASE_ENV).ok().filter(|s| !s.is_empty())?;
    let name = format!("qidi_t_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{TEST_DATABASE_ENV} is set but PostgreSQL is unreachable: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    let _ = conn.close().await;
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (base.as_str(), String::new()),
    };
    let prefix = head.rsplit_once('/').map(|(p, _)| p).unwrap_or(head);
    Some(format!("{prefix}/{name}{query}"))
}

/// Remove a test database once its test is done with it (its store closed): the SQLite
/// file with its journal, or the PostgreSQL database. A failing test panics before this
/// and leaves its database to look at. Test runs on one machine add up: hundreds of
/// databases a run.
pub async fn discard(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        // Only a database `fresh_sqlite_url` made.
        if !std::path::Path::new(path).starts_with(std::env::temp_dir().join("qidi-tests")) {
            return;
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return;
    }
    use sqlx::Connection;
    let Some(base) = std::env::var(TEST_DATABASE_ENV).ok().filter(|s| !s.is_empty()) else { return };
    let name = url.split('?').next().unwrap_or(url).rsplit('/').next().unwrap_or_default();
    if !name.starts_with("qidi_t_") || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return;
    }
    if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
        let _ = conn.close().await;
    }
}

/// The field key of test stores (never one to use for real data).
pub fn test_field_key() -> crate::personal::FieldKey {
    crate::personal::FieldKey::from_secret(&[0x5a; 32])
}

/// A migrated store on a fresh database at `url`, with the test field key loaded.
pub async fn migrated_store(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap_or_else(|e| panic!("connect {url}: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("migrate {url}: {e}"));
    store.open_personal_data(test_field_key()).await.unwrap_or_else(|e| panic!("field key {url}: {e}"));
    store
}

/// Run `f` once per backend, each time on a fresh migrated database.
pub async fn on_each_backend<F, Fut>(f: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        let backend: Backend = store.backend();
        eprintln!("-- on {backend:?}");
        f(store.clone()).await;
        store.close().await;
    }
}

/// The banner the fixtures below live in (正镶白旗).
pub fn banner() -> qidi_core::RegionCode {
    qidi_core::RegionCode::parse("152529").expect("valid region code")
}

/// The password of every fixture account.
pub const TEST_PASSWORD: &str = "Test-Ledger-2026";

/// An account in the banner, with `dept` (a department code) or `owner` (a project
/// unit's id) as its role needs, and an email address if given.
pub async fn test_user(
    store: &Store,
    username: &str,
    role: qidi_core::Role,
    dept: Option<&str>,
    owner: Option<&str>,
    email: Option<&str>,
) -> crate::users::User {
    let department_id = match dept {
        Some(code) => Some(store.department_id(&banner(), code).await.expect("department exists")),
        None => None,
    };
    store
        .create_user(
            &crate::users::NewUser {
                region: &banner(),
                username,
                display_name: &format!("{username} 显示名"),
                role,
                department_id: department_id.as_deref(),
                owner_id: owner,
                password: TEST_PASSWORD,
            },
            None,
        )
        .await
        .expect("create user");
    if email.is_some() {
        store.set_user_email(username, email, None).await.expect("set email");
    }
    store.user_by_username(username).await.expect("read user").expect("user exists")
}

/// A project of `owner` with one pending item of `item_code` handled by `dept`.
/// Returns (project id, pending item id). `serial` makes the project code unique.
pub async fn test_pending_item(
    store: &Store,
    owner: &str,
    serial: u32,
    item_code: &str,
    dept: &str,
) -> (String, String) {
    use sqlx::Row;
    store.seed_catalogue(&banner()).await.expect("seed catalogue");
    let fgw = store.department_id(&banner(), "fgw").await.expect("fgw");
    let handling = store.department_id(&banner(), dept).await.expect("department exists");
    let project = crate::new_id();
    let now = crate::now_text();
    sqlx::query(
        "INSERT INTO projects (id, region_code, code, name, owner_id, initiating_department_id, stage, in_library, created_at, updated_at)
         VALUES ($1, '152529', $2, $3, $4, $5, 'not_started', TRUE, $6, $6)",
    )
    .bind(&project)
    .bind(format!("2026-152529-44-01-{serial:06}"))
    .bind(format!("测试项目{serial}"))
    .bind(owner)
    .bind(&fgw)
    .bind(&now)
    .execute(store.pool())
    .await
    .expect("insert project");
    let item_type: String = sqlx::query("SELECT id FROM item_types WHERE code = $1")
        .bind(item_code)
        .fetch_one(store.pool())
        .await
        .expect("item type exists")
        .get(0);
    let item = crate::new_id();
    sqlx::query(
        "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
         VALUES ($1, '152529', $2, $3, $4, 'pending', $5)",
    )
    .bind(&item)
    .bind(&project)
    .bind(&item_type)
    .bind(&handling)
    .bind(&now)
    .execute(store.pool())
    .await
    .expect("insert pending item");
    (project, item)
}

/// An office account in the banner 152529 (seeded first), for tests of sign-in.
pub async fn office_account(store: &Store, username: &str, password: &str) -> crate::users::User {
    let banner = qidi_core::RegionCode::parse("152529").expect("valid region");
    store.seed_catalogue(&banner).await.expect("seed the banner");
    let new = crate::users::NewUser {
        region: &banner,
        username,
        display_name: username,
        role: qidi_core::Role::Office,
        department_id: None,
        owner_id: None,
        password,
    };
    store.create_user(&new, None).await.unwrap_or_else(|e| panic!("create {username}: {e}"))
}

/// The kept counts (`crate::counts`) equal a full recount: whatever the test did, the
/// triggers kept every figure in step.
pub async fn assert_kept_counts(store: &Store) {
    let check = store.check_counts(false).await.expect("recount the kept counts");
    assert!(check.mismatches.is_empty(), "kept counts differ from a full count: {:#?}", check.mismatches);
}

/// The caller of the test 12345 work orders.
pub const CALLER_NAME: &str = "王来电";
/// The project of [`hotline_setup`], whose land pre-review the complaints are about.
pub const HOTLINE_PROJECT_CODE: &str = "2026-152529-44-01-000001";

/// A delay complaint about land pre-review from `phone`, on `project_code` if given.
pub fn hotline_order(number: &str, phone: &str, project_code: Option<&str>) -> qidi_core::hotline::NewOrder {
    qidi_core::hotline::OrderInput {
        order_number: Some(number.into()),
        category: Some("delay".into()),
        caller_name: Some(CALLER_NAME.into()),
        caller_phone: Some(phone.into()),
        text: Some("土地预审材料已交齐，一个月没有受理".into()),
        project_code: project_code.map(str::to_string),
        item_type: Some("land_pre_review".into()),
        ..Default::default()
    }
    .check()
    .expect("a valid order")
}

/// The catalogue, [`HOTLINE_PROJECT_CODE`] (a unit's project whose land pre-review
/// 自然资源局 handles, initiated by 发改委), and the hotline platform's API token.
pub async fn hotline_setup(store: &Store) -> crate::tokens::ApiToken {
    store.seed_catalogue(&banner()).await.expect("catalogue");
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.expect("owner");
    test_pending_item(store, &owner, 1, "land_pre_review", "zrzy").await;
    store.add_api_token(&banner(), "hotline", Some("12345")).await.expect("token").0
}
