use crate::StoreError;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a pool and which engine is behind it.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// The working-day calendar last read (`Store::work_calendar`).
    pub(crate) calendar: Arc<Mutex<Option<CachedCalendar>>>,
    /// Each region's item types as last read (`Store::item_types_of_region_at`).
    pub(crate) item_types: Arc<Mutex<CachedItemTypes>>,
    /// When each session's touch was last started (`Store::session_user`).
    pub(crate) touches: Arc<Mutex<std::collections::HashMap<String, std::time::Instant>>>,
    /// Which roles must sign in with a second factor (`Store::with_second_factor`).
    pub(crate) second_factor: Arc<qidi_core::second_factor::SecondFactorPolicy>,
    /// Reuse and expiry of passwords (`Store::with_password_age`).
    pub(crate) password_age: qidi_core::auth::PasswordAgePolicy,
    /// The key sealing personal data, once loaded (`Store::open_personal_data`).
    pub(crate) field_key: Arc<std::sync::OnceLock<crate::personal::FieldKey>>,
}

/// A calendar as read, with the `calendar_version` it was read at.
pub(crate) type CachedCalendar = (i64, Arc<qidi_core::calendar::WorkCalendar>);

/// Item types as read, by region, with the `item_types_version` they were read at.
pub(crate) type CachedItemTypes = (i64, std::collections::HashMap<String, Arc<[crate::workflow::ItemType]>>);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// `$from, $from+1, …` for `n` values: the binds of an `IN (…)` list.
pub(crate) fn params(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The URL with any password replaced, for logs and messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((auth, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl Backend {
    /// Whether a statement of skewed data is kept prepared: on PostgreSQL it is not
    /// ([`sqlx::query::Query::persistent`]), so that each run is planned for its own
    /// parameters. A kept statement is planned once for any parameters after five runs,
    /// and guesses: counting a region's 8,306 overdue applications it guessed 58 and
    /// joined them one at a time (36 ms; 16 ms planned for the day's dates). SQLite
    /// plans without statistics, and keeps its statements.
    pub(crate) fn keeps_prepared(self) -> bool {
        self == Backend::Sqlite
    }

    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::BadUrl(redact_url(url)))
        }
    }
}

fn sqlite_path(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or(rest).to_string()
}

/// A PostgreSQL connection idle for longer than this is pinged before it is handed out,
/// and replaced if the server has ended it (a restart, a cut by a firewall); one in
/// constant use is not. A SQLite connection lives in this process and is never pinged.
pub(crate) const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

impl Store {
    /// Connect to `url`. A SQLite file is created if missing; an existing file that is
    /// not a database is reported and left alone.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url_for_pool = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            // A connection is checked before use only after it sat idle (see
            // PING_AFTER_IDLE), not on every query: sqlx's default check is a round trip
            // per query, to SQLite's worker thread or to the server, and a page makes
            // several queries.
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if backend == Backend::Postgres && meta.idle_for > PING_AFTER_IDLE {
                        use sqlx::Connection;
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;").await?;
                    }
                    Ok(())
                })
            });
        if backend == Backend::Postgres {
            // One direct attempt first: a pool would retry a refused connection until its
            // timeout, and a person waiting at the console deserves the answer now.
            use sqlx::Connection;
            let conn = tokio::time::timeout(Duration::from_secs(10), sqlx::AnyConnection::connect(url)).await;
            match conn {
                Ok(Ok(c)) => {
                    let _ = c.close().await;
                }
                Ok(Err(sqlx::Error::Configuration(_))) => return Err(StoreError::BadUrl(redact_url(url))),
                Ok(Err(e)) => return Err(StoreError::Unreachable { url: redact_url(url), reason: e.to_string() }),
                Err(_) => {
                    return Err(StoreError::Unreachable {
                        url: redact_url(url),
                        reason: "no answer within 10 s".into(),
                    })
                }
            }
        }
        let pool = options.connect(&url_for_pool).await.map_err(|e| match backend {
            Backend::Sqlite => StoreError::Corrupt { path: sqlite_path(url), reason: e.to_string() },
            Backend::Postgres => match e {
                sqlx::Error::Configuration(_) => StoreError::BadUrl(redact_url(url)),
                other => StoreError::Unreachable { url: redact_url(url), reason: other.to_string() },
            },
        })?;
        let store = Store {
            pool,
            backend,
            calendar: Default::default(),
            item_types: Default::default(),
            touches: Default::default(),
            second_factor: Default::default(),
            password_age: Default::default(),
            field_key: Default::default(),
        };
        if backend == Backend::Sqlite {
            // WAL lets readers go on while one writer commits; it is persistent per file.
            // This is also the first real read of the file, so a corrupt file shows here.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&store.pool)
                .await
                .and(sqlx::query("SELECT count(*) FROM sqlite_master").execute(&store.pool).await)
                .map_err(|e| StoreError::Corrupt { path: sqlite_path(url), reason: e.to_string() })?;
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// After a bulk load (the generator's million projects): on PostgreSQL, vacuum and
    /// analyze at once, so that the planner plans from the new rows' statistics and an
    /// index-only scan need not visit each row's page to learn it is visible (the
    /// library's page 1,000 read 50,000 rows' pages: 1.1 s, 17 ms after). Autovacuum
    /// would do the same, later. SQLite keeps no statistics unless asked and needs none.
    pub async fn settle(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("VACUUM (ANALYZE)").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Begin a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the
    /// write lock is taken at once, waiting up to the busy timeout for another writer,
    /// so a transaction that reads before it writes cannot fail with "database is
    /// locked" when it comes to write (a deferred one would: its snapshot is stale once
    /// another writer commits, and SQLite does not wait then). PostgreSQL keeps its
    /// plain `BEGIN`. Every write transaction of the store starts here.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// [`begin_write`](Self::begin_write) on a connection already taken from the pool.
    pub(crate) async fn begin_write_on<'c>(
        &self,
        conn: &'c mut sqlx::AnyConnection,
    ) -> Result<sqlx::Transaction<'c, sqlx::Any>, StoreError> {
        use sqlx::Connection;
        Ok(match self.backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => conn.begin().await?,
        })
    }

    /// Begin a transaction that only reads, on one snapshot: a page that reads a ledger
    /// twice sees the same ledger both times. SQLite's deferred transaction reads one
    /// snapshot once it has read; PostgreSQL needs `REPEATABLE READ` for it.
    pub(crate) async fn begin_read_on<'c>(
        &self,
        conn: &'c mut sqlx::AnyConnection,
    ) -> Result<sqlx::Transaction<'c, sqlx::Any>, StoreError> {
        use sqlx::Connection;
        Ok(match self.backend {
            Backend::Sqlite => conn.begin().await?,
            Backend::Postgres => conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Apply the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // An application role without CREATE on the schema (see `qidi audit lock-down`)
        // cannot run the migrator even when nothing is pending, so look first.
        if !self.all_applied(migrator).await {
            migrator.run(&self.pool).await.map_err(|e| StoreError::Migrate(e.to_string()))?;
        }
        // Events from before the hash chain (migration 0013) are hashed once, here.
        crate::audit::hash_older_events(self).await?;
        Ok(())
    }

    /// Whether every migration of `migrator` is applied, each with its checksum.
    async fn all_applied(&self, migrator: &sqlx::migrate::Migrator) -> bool {
        let Ok(rows) =
            sqlx::query("SELECT version, checksum FROM _sqlx_migrations WHERE success").fetch_all(&self.pool).await
        else {
            return false;
        };
        let applied: std::collections::HashMap<i64, Vec<u8>> = rows
            .iter()
            .filter_map(|r| Some((sqlx::Row::try_get(r, 0).ok()?, sqlx::Row::try_get(r, 1).ok()?)))
            .collect();
        migrator.iter().all(|m| applied.get(&m.version).is_some_and(|c| c.as_slice() == &*m.checksum))
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<AnyRow> =
            sqlx::query("SELECT value FROM app_meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| sqlx::Row::get::<String, _>(&r, 0)))
    }
}
