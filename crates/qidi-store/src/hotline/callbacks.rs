//! Results going back to the hotline platform (`QIDI_HOTLINE_CALLBACK_URL`): an
//! outbox of their own, written in the step's transaction, claimed like the message
//! outbox (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and retried until the platform
//! acknowledges with HTTP 2xx. The payload names the order, never the caller.

use crate::{new_id, now_text, timestamp_text, Store, StoreError};
use chrono::{DateTime, Utc};
use qidi_core::hotline::{callback_retry_delay, Action, OrderState};
use sqlx::{AnyConnection, Row};

/// A claimed callback: the JSON to post.
#[derive(Debug, Clone)]
pub struct HotlineCallback {
    pub id: String,
    pub order_id: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

pub(super) async fn enqueue(
    conn: &mut AnyConnection,
    region: &str,
    order_id: &str,
    version: i64,
    action: &Action,
    to: OrderState,
) -> Result<(), StoreError> {
    let r = sqlx::query("SELECT order_number, reply_text FROM hotline_orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let now = now_text();
    let mut payload = serde_json::json!({
        "order_number": r.get::<String, _>(0),
        "id": order_id,
        "event": action.name(),
        "state": to.as_str(),
        "state_label": to.label_zh(),
        "at": now,
    });
    match action {
        Action::Reply { text } => payload["reply"] = text.trim().into(),
        Action::FollowUp { satisfied, .. } => payload["satisfied"] = (*satisfied).into(),
        _ => {}
    }
    sqlx::query(
        "INSERT INTO hotline_callbacks (id, region_code, order_id, dedup_key, payload, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(region)
    .bind(order_id)
    .bind(format!("{order_id}:{version}"))
    .bind(payload.to_string())
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Claim up to `limit` callbacks due at `now` for `worker`, for `lease_seconds`,
    /// oldest first (so a platform sees an order's results in order).
    pub async fn claim_hotline_callbacks(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_seconds: i64,
        limit: i64,
    ) -> Result<Vec<HotlineCallback>, StoreError> {
        let now_s = timestamp_text(now);
        let until = timestamp_text(now + chrono::Duration::seconds(lease_seconds));
        let mut tx = self.begin_write().await?;
        let sql = crate::messages::claim_statement(
            self.backend(),
            "hotline_callbacks",
            "id, order_id, payload, attempts, created_at",
        );
        let mut out: Vec<(String, HotlineCallback)> = sqlx::query(&sql)
            .bind(worker)
            .bind(&until)
            .bind(&now_s)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                let cb = HotlineCallback {
                    id: r.get(0),
                    order_id: r.get(1),
                    payload: r.get(2),
                    attempts: u32::try_from(r.get::<i64, _>(3)).unwrap_or(0),
                };
                (r.get::<String, _>(4), cb)
            })
            .collect();
        tx.commit().await?;
        out.sort_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }

    /// Record one attempt at a claimed callback: acknowledged, or due again after the
    /// backoff (never given up). A worker whose claim was taken over records nothing.
    pub async fn record_hotline_callback(
        &self,
        id: &str,
        worker: &str,
        now: DateTime<Utc>,
        acknowledged: bool,
        answer: &str,
    ) -> Result<(), StoreError> {
        let now_s = timestamp_text(now);
        let answer: String = answer.chars().take(500).collect();
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "UPDATE hotline_callbacks SET attempts = attempts + 1
             WHERE id = $1 AND claimed_by = $2 AND status = 'pending' RETURNING attempts",
        )
        .bind(id)
        .bind(worker)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(());
        };
        let attempts: i64 = row.get(0);
        let (status, next, sent_at) = if acknowledged {
            ("sent", now_s.clone(), Some(now_s.clone()))
        } else {
            let wait = callback_retry_delay(u32::try_from(attempts).unwrap_or(u32::MAX));
            ("pending", timestamp_text(now + wait), None)
        };
        sqlx::query(
            "UPDATE hotline_callbacks SET status = $1, next_attempt_at = $2, sent_at = $3, last_answer = $4,
                 claimed_by = NULL, claimed_until = NULL
             WHERE id = $5",
        )
        .bind(status)
        .bind(&next)
        .bind(sent_at)
        .bind(&answer)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many callbacks are in each status, for `qidi jobs run` and tests.
    pub async fn hotline_callback_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM hotline_callbacks GROUP BY status ORDER BY status")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}
