use qidi_core::sentence::Sentence;
use thiserror::Error;

/// What can go wrong in the store, worded for the person who must act on it.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database URL `{0}` is not valid: use sqlite://PATH or postgres://USER@HOST:PORT/DB")]
    BadUrl(String),
    #[error("cannot reach the database at {url}: {reason}. Check that the server is running and the URL is right")]
    Unreachable { url: String, reason: String },
    #[error("the database file {path} is not a usable SQLite database ({reason}). It was left untouched; restore it from a backup or point --database-url elsewhere")]
    Corrupt { path: String, reason: String },
    #[error("migrating the database failed: {0}")]
    Migrate(String),
    #[error("{0}")]
    NotFound(String),
    /// The state of things does not allow it now (someone else got there first).
    #[error("{0}")]
    Conflict(Sentence),
    /// What was sent is incomplete or wrong.
    #[error("{0}")]
    Invalid(Sentence),
    /// The person may see the object but may not do this to it.
    #[error("{0}")]
    Forbidden(Sentence),
    /// The field key sealing personal data is missing, malformed or wrong.
    #[error("{0}")]
    FieldKey(String),
    #[error("database error: {0}")]
    Db(sqlx::Error),
    /// A file on the server could not be read or written. The text names the path
    /// for the log; the web shows only a plain sentence.
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
}

/// The SQLSTATE with which PostgreSQL refuses a grant, an added item or an approved
/// removal while the signature that fixes its department's ledger writes the baseline
/// (migrations 0036, 0038).
const LEDGER_BEING_FIXED: &str = "QD001";

/// PostgreSQL's SQLSTATEs for a transaction given up so that another could go on
/// (deadlock_detected, serialization_failure): nothing was written, and trying again works.
const GIVEN_UP: [&str; 2] = ["40P01", "40001"];

/// The conflicts above, which say to try again.
const TRY_AGAIN: [&str; 2] = ["err-ledger-being-fixed", "err-given-up-for-another"];

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let code = e.as_database_error().and_then(|d| d.code());
        match code.as_deref() {
            Some(LEDGER_BEING_FIXED) => StoreError::conflict(Sentence::new(
                "err-ledger-being-fixed",
                "该项目所属部门的台账此刻正在签字、写入基数，本次操作未保存：请稍候一分钟再试",
            )),
            Some(c) if GIVEN_UP.contains(&c) => {
                tracing::info!(error = %e, "a transaction was given up for another");
                StoreError::conflict(Sentence::new(
                    "err-given-up-for-another",
                    "他人正同时修改相关记录，本次操作未保存：请再试一次",
                ))
            }
            _ => StoreError::Db(e),
        }
    }
}

impl StoreError {
    /// A refusal because of the state of things: a [`Sentence`], a core error
    /// (`&e`), or plain text.
    pub fn conflict(s: impl Into<Sentence>) -> Self {
        StoreError::Conflict(s.into())
    }

    /// A refusal of what was sent.
    pub fn invalid(s: impl Into<Sentence>) -> Self {
        StoreError::Invalid(s.into())
    }

    /// A refusal of who asked.
    pub fn forbidden(s: impl Into<Sentence>) -> Self {
        StoreError::Forbidden(s.into())
    }

    /// Whether the error is a unique-constraint violation (someone else got there first).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => e.is_unique_violation(),
            // Not a refusal that says to try again: nobody else got there first.
            StoreError::Conflict(s) => !s.key.is_some_and(|k| TRY_AGAIN.contains(&k)),
            _ => false,
        }
    }
}
