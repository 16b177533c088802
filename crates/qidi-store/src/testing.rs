//! Fresh databases for tests: every test gets its own SQLite file, and its own
//! PostgreSQL database when `QIDI_TEST_DATABASE_URL` names a server.

use crate::{Backend, Store};

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_ENV: &str = "QIDI_TEST_DATABASE_URL";

/// URLs of fresh, empty databases: always one SQLite file, plus one PostgreSQL
/// database when the environment names a server.
pub async fn fresh_database_urls() -> Vec<String> {
    let mut urls = vec![fresh_sqlite_url()];
    if let Some(pg) = fresh_postgres_url().await {
        urls.push(pg);
    }
    urls
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

/// A migrated store on a fresh database at `url`.
pub async fn migrated_store(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap_or_else(|e| panic!("connect {url}: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("migrate {url}: {e}"));
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
