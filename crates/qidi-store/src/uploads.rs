//! Spreadsheets uploaded on the web, kept between their check and their confirmation.
//!
//! They live in the database rather than on one server's disk, so that the instance
//! that confirms an upload need not be the one that checked it. An upload is its
//! uploader's alone and waits at most [`UPLOAD_TTL_HOURS`] hours; older ones are
//! removed whenever a new one is kept. Each uploader has a quota ([`UploadQuota`]):
//! keeping a new upload removes that uploader's oldest waiting ones beyond it, so
//! repeated uploads cannot fill the database.

use crate::users::User;
use crate::{new_id, now_text, timestamp_text, Store, StoreError};
use sqlx::{AnyConnection, Row};

/// How long an upload waits for its confirmation.
pub const UPLOAD_TTL_HOURS: i64 = 24;

/// How much one uploader may have waiting at once, the new upload included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadQuota {
    pub uploads: usize,
    pub bytes: usize,
}

impl Default for UploadQuota {
    /// Three uploads, and two of the largest the web takes (20 MB each).
    fn default() -> UploadQuota {
        UploadQuota { uploads: 3, bytes: 40 << 20 }
    }
}

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
    /// (everyone's), and `user`'s oldest beyond the default [`UploadQuota`], are removed
    /// in the same transaction.
    pub async fn keep_ledger_upload(&self, user: &User, file_name: &str, content: &[u8]) -> Result<String, StoreError> {
        self.keep_ledger_upload_within(user, file_name, content, UploadQuota::default()).await
    }

    /// [`Store::keep_ledger_upload`] with the quota given.
    pub async fn keep_ledger_upload_within(
        &self,
        user: &User,
        file_name: &str,
        content: &[u8],
        quota: UploadQuota,
    ) -> Result<String, StoreError> {
        let token = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM ledger_uploads WHERE created_at < $1").bind(cutoff()).execute(&mut *tx).await?;
        let waiting = sqlx::query(
            "SELECT id, length(content) FROM ledger_uploads WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(&user.id)
        .fetch_all(&mut *tx)
        .await?;
        let waiting: Vec<(String, usize)> =
            waiting.iter().map(|r| (r.get(0), usize::try_from(r.get::<i64, _>(1)).unwrap_or(usize::MAX))).collect();
        for id in beyond_quota(&waiting, content.len(), quota) {
            sqlx::query("DELETE FROM ledger_uploads WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
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

/// The waiting uploads (newest first: id and size) to remove so that a new one of
/// `size` bytes fits the quota: the newest that fit are kept, the rest go.
fn beyond_quota(waiting: &[(String, usize)], size: usize, quota: UploadQuota) -> Vec<&str> {
    let (mut count, mut bytes) = (1usize, size);
    let mut gone = Vec::new();
    for (id, len) in waiting {
        if gone.is_empty() && count < quota.uploads && bytes.saturating_add(*len) <= quota.bytes {
            count += 1;
            bytes += len;
        } else {
            gone.push(id.as_str());
        }
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_uploads_that_fit_are_kept() {
        let w = |v: &[(&str, usize)]| v.iter().map(|(i, n)| (i.to_string(), *n)).collect::<Vec<_>>();
        let q = UploadQuota { uploads: 3, bytes: 100 };
        assert!(beyond_quota(&w(&[("b", 10), ("a", 10)]), 10, q).is_empty());
        assert_eq!(beyond_quota(&w(&[("c", 10), ("b", 10), ("a", 10)]), 10, q), ["a"]);
        // Bytes: 50 new, 40 fits, 20 would make 110; and nothing older than a gone one stays.
        assert_eq!(beyond_quota(&w(&[("c", 40), ("b", 20), ("a", 1)]), 50, q), ["b", "a"]);
        // A new upload larger than the quota on its own still goes in, alone.
        assert_eq!(beyond_quota(&w(&[("a", 1)]), 500, q), ["a"]);
    }
}
