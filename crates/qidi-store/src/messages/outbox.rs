//! The outbox: messages waiting for a channel, claimed by one notifier at a time,
//! retried with backoff, and kept with every attempt and the receiver's answer.

use crate::{get_bool, new_id, timestamp_text, Backend, Store, StoreError};
use chrono::{DateTime, Utc};
use qidi_core::message::{retry_delay, ChannelKind, Message};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert(
    conn: &mut AnyConnection,
    region: &str,
    dedup: &str,
    msg: &Message,
    channel: ChannelKind,
    channel_id: Option<&str>,
    user_id: Option<&str>,
    now: &str,
) -> Result<usize, StoreError> {
    let n = sqlx::query(
        "INSERT INTO outbox (id, region_code, dedup_key, kind, channel_kind, channel_id, user_id, subject, body_text,
             body_html, body_markdown, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(region)
    .bind(dedup)
    .bind(msg.kind.as_str())
    .bind(channel.as_str())
    .bind(channel_id)
    .bind(user_id)
    .bind(&msg.subject)
    .bind(&msg.text)
    .bind(&msg.html)
    .bind(&msg.markdown)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n as usize)
}

/// The statement that claims up to `$4` due rows of an outbox-shaped `table` (columns
/// `status`, `next_attempt_at`, `claimed_by`, `claimed_until`, `created_at`) for worker
/// `$1` until `$2`, at `$3`, returning `returning`. One statement that writes first, so
/// that on SQLite it takes the write lock (and waits for it) before it reads; on
/// PostgreSQL rows are locked with SKIP LOCKED, so instances never claim the same row.
/// A claim whose lease ran out (its worker died) may be taken again.
pub(crate) fn claim_statement(backend: Backend, table: &str, returning: &str) -> String {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    format!(
        "UPDATE {table} SET claimed_by = $1, claimed_until = $2
         WHERE id IN (SELECT id FROM {table} WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
                          AND (claimed_until IS NULL OR claimed_until < $3)
                      ORDER BY created_at, id LIMIT $4{lock})
         RETURNING {returning}"
    )
}

/// A claimed message, with where it goes. `target` is an email address or a webhook
/// URL: never log it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: String,
    pub channel: ChannelKind,
    pub target: Option<String>,
    pub secret: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub markdown: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// What came of one attempt to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver accepted it; its answer.
    Sent(String),
    /// It failed and may succeed later; the error or the receiver's answer.
    Failed(String),
    /// It can never be sent (no address, channel removed): give up now.
    Undeliverable(String),
}

/// One row of the send log.
#[derive(Debug, Clone, Serialize)]
pub struct SendLogEntry {
    pub id: String,
    pub kind: String,
    pub channel: String,
    pub channel_label: &'static str,
    /// Whom it is for: a person's name, or the department whose channel it is.
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub attempts: i64,
    pub last_answer: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

impl Store {
    /// Claim up to `limit` messages due at `now` for `worker`, for `lease` seconds
    /// (see `claim_statement`: no two instances claim the same message).
    pub async fn claim_outgoing(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_seconds: i64,
        limit: i64,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let now_s = timestamp_text(now);
        let until = timestamp_text(now + chrono::Duration::seconds(lease_seconds));
        let mut tx = self.begin_write().await?;
        let sql = claim_statement(self.backend(), "outbox", "id");
        let ids: Vec<String> = sqlx::query(&sql)
            .bind(worker)
            .bind(&until)
            .bind(&now_s)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let r = sqlx::query(
                "SELECT o.id, o.channel_kind, COALESCE(c.target, u.email), c.secret, o.subject, o.body_text, o.body_html,
                        o.body_markdown, o.attempts, (c.removed_at IS NOT NULL)
                 FROM outbox o LEFT JOIN channels c ON c.id = o.channel_id LEFT JOIN users u ON u.id = o.user_id
                 WHERE o.id = $1",
            )
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
            let Some(channel) = ChannelKind::parse(&r.get::<String, _>(1)) else { continue };
            let removed = get_bool(&r, 9);
            out.push(Outgoing {
                id: r.get(0),
                channel,
                target: if removed { None } else { r.get(2) },
                secret: r.get(3),
                subject: r.get(4),
                text: r.get(5),
                html: r.get(6),
                markdown: r.get(7),
                attempts: u32::try_from(r.get::<i64, _>(8)).unwrap_or(0),
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Record one attempt at a claimed message: sent, or failed and due again after
    /// the backoff, or given up after the last attempt. `answer` is what the receiver
    /// said. A worker whose claim was taken over records nothing.
    pub async fn record_attempt(
        &self,
        id: &str,
        worker: &str,
        now: DateTime<Utc>,
        result: Attempt,
    ) -> Result<(), StoreError> {
        let now_s = timestamp_text(now);
        let mut tx = self.begin_write().await?;
        // Write first (see `claim_outgoing`): count the attempt if the claim is still ours.
        let Some(row) = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1 WHERE id = $1 AND claimed_by = $2 AND status = 'pending' RETURNING attempts",
        )
        .bind(id)
        .bind(worker)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(());
        };
        let attempt: i64 = row.get(0);
        let (ok, answer) = match &result {
            Attempt::Sent(a) => (true, a.as_str()),
            Attempt::Failed(a) | Attempt::Undeliverable(a) => (false, a.as_str()),
        };
        // A receiver's answer may quote an address; the log keeps it masked.
        let answer: String = qidi_core::message::mask_addresses_in(answer).chars().take(500).collect();
        sqlx::query(
            "INSERT INTO outbox_attempts (outbox_id, attempt, at, ok, answer, worker) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(attempt)
        .bind(&now_s)
        .bind(ok)
        .bind(&answer)
        .bind(worker)
        .execute(&mut *tx)
        .await?;
        let retry = match result {
            Attempt::Sent(_) | Attempt::Undeliverable(_) => None,
            Attempt::Failed(_) => retry_delay(u32::try_from(attempt).unwrap_or(u32::MAX)),
        };
        let (status, next, sent_at) = match (ok, retry) {
            (true, _) => ("sent", now_s.clone(), Some(now_s.clone())),
            (false, Some(wait)) => ("pending", timestamp_text(now + wait), None),
            (false, None) => ("given_up", now_s.clone(), None),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, sent_at = $4, last_answer = $5,
                 claimed_by = NULL, claimed_until = NULL
             WHERE id = $6",
        )
        .bind(status)
        .bind(attempt)
        .bind(&next)
        .bind(sent_at)
        .bind(&answer)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The send log: the newest `limit` messages of the region with their status.
    pub async fn send_log(&self, region: &str, limit: i64) -> Result<Vec<SendLogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.kind, o.channel_kind, COALESCE(u.display_name, d.name, '清理办'), o.subject, o.status,
                    o.attempts, o.last_answer, o.created_at, o.sent_at
             FROM outbox o LEFT JOIN users u ON u.id = o.user_id LEFT JOIN channels c ON c.id = o.channel_id
                  LEFT JOIN departments d ON d.id = c.department_id
             WHERE o.region_code = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
        )
        .bind(region)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let channel: String = r.get(2);
                SendLogEntry {
                    id: r.get(0),
                    kind: r.get(1),
                    channel_label: ChannelKind::parse(&channel).map_or("—", ChannelKind::label_zh),
                    channel,
                    recipient: r.get(3),
                    subject: r.get(4),
                    status: r.get(5),
                    attempts: r.get(6),
                    last_answer: r.get(7),
                    created_at: r.get(8),
                    sent_at: r.get(9),
                }
            })
            .collect())
    }

    /// How many outbox messages are in each status, for `qidi jobs run` and tests.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}
