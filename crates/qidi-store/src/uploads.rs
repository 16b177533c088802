//! Spreadsheets uploaded on the web, kept between their check and their confirmation.
//!
//! They live in the database rather than on one server's disk, so that the instance
//! that confirms an upload need not be the one that checked it. An upload is its
//! uploader's alone and waits at most [`UPLOAD_TTL_HOURS`] hours; older ones are
//! removed whenever a new one is kept.

use crate::users::User;
use crate::{new_id, now_text, timestamp_text, Store, StoreError};
use sqlx::{AnyConnection, Row};

/// How long an upload waits for its confirmation.
pub const UPLOAD_TTL_HOURS: i64 = 24;

/// An upload waiting for its confirmation.
#[derive(Debug, Clone)]
pub struct PendingUpload {
    pub file_name: String,
    pub content: Vec<u8>,
}

fn cutoff() -> String {
    timestamp_text(crate::now() - chrono::Duration::hours(UPLOAD_TTL_HOURS))
}

impl Store {
    /// Keep `content` for `user` until confirmed; returns its token. Expired uploads
    /// (everyone's) are removed in the same transaction.
    pub async fn keep_ledger_upload(&self, user: &User, file_name: &str, content: &[u8]) -> Result<String, StoreError> {
        let token = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM ledger_uploads WHERE created_at < $1").bind(cutoff()).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO ledger_uploads (id, region_code, user_id, file_name, content, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token)
        .bind(&user.region_code)
        .bind(&user.id)
        .bind(file_name)
        .bind(content)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// `user`'s upload with this token, if it is still waiting (not confirmed, not
    /// expired). Anyone else's token finds nothing.
    pub async fn ledger_upload(&self, user: &User, token: &str) -> Result<Option<PendingUpload>, StoreError> {
        let row = sqlx::query(
            "SELECT file_name, content FROM ledger_uploads WHERE id = $1 AND user_id = $2 AND created_at >= $3",
        )
        .bind(token.trim())
        .bind(&user.id)
        .bind(cutoff())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| PendingUpload { file_name: r.get(0), content: r.get(1) }))
    }
}

/// Take `user`'s upload out of waiting, in the caller's transaction; false if it is no
/// longer there (imported already, expired, or not theirs).
pub(crate) async fn claim_upload(conn: &mut AnyConnection, user: &User, token: &str) -> Result<bool, StoreError> {
    let n = sqlx::query("DELETE FROM ledger_uploads WHERE id = $1 AND user_id = $2 AND created_at >= $3")
        .bind(token.trim())
        .bind(&user.id)
        .bind(cutoff())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}
