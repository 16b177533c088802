//! The append-only record. Every write that changes state appends its event in the
//! same transaction; the database refuses UPDATE and DELETE on the table, and every
//! event is a link of an SM3 hash chain (see `crate::audit` and core `audit`).

use crate::{new_id, now_text, StoreError};
use qidi_core::audit;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// One event to append.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewEvent {
    pub region_code: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub outcome: String,
    pub payload: serde_json::Value,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

impl NewEvent {
    /// An event done by a signed-in user in `region_code`; request details are added by
    /// the caller when it has them.
    pub fn by(
        actor: &crate::users::User,
        region_code: impl Into<String>,
        action: &str,
        object_type: &str,
        object_id: Option<String>,
        payload: serde_json::Value,
    ) -> NewEvent {
        NewEvent {
            region_code: region_code.into(),
            actor_id: Some(actor.id.clone()),
            actor_role: Some(actor.role.as_str().to_string()),
            action: action.to_string(),
            object_type: object_type.to_string(),
            object_id,
            payload,
            ..Default::default()
        }
    }
}

/// An event as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: String,
    pub region_code: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub outcome: String,
    pub payload: String,
    pub client_addr: Option<String>,
}

/// The columns `append` writes besides the chain's own, in order. Every one of them is
/// hashed, so a column added to `events` must be written here (a value left to a
/// column default would not be hashed, and verify would report the event as altered).
const COLUMNS: [&str; 12] = [
    "id",
    "region_code",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "payload",
    "client_addr",
    "request_id",
];

fn insert_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let n = COLUMNS.len();
        let params: Vec<String> = (1..=n + 3).map(|i| format!("${i}")).collect();
        format!("INSERT INTO events ({}, seq, prev_hash, hash) VALUES ({})", COLUMNS.join(", "), params.join(", "))
    })
}

/// The chain columns of one appended event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// Make `rows` the next links of the record's hash chain, in the caller's transaction:
/// each row holds the values of `columns` (which must be every column the row will be
/// inserted with, the chain's own aside). Returns each row's `seq`, `prev_hash` and
/// `hash`; the caller inserts the rows with them in the same transaction.
///
/// The first statement takes the chain head (`UPDATE audit_chain_head … RETURNING`): on
/// PostgreSQL its row lock queues every other appender until this transaction ends, on
/// SQLite the write lock does, so two events never get the same sequence number or
/// predecessor, and a rolled-back transaction leaves no gap. Time never goes back
/// along the chain: a row's `at` earlier than the head's (or the row before it) is
/// raised to it.
pub async fn chain_next(
    conn: &mut AnyConnection,
    columns: &[&str],
    rows: &mut [Vec<Option<String>>],
) -> Result<Vec<Link>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let n = i64::try_from(rows.len()).map_err(|_| StoreError::Invalid("too many events at once".into()))?;
    let head = sqlx::query("UPDATE audit_chain_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash, at")
        .bind(n)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Invalid("the record has no chain head; run `qidi migrate`".into()))?;
    let last: i64 = head.try_get(0)?;
    let prev: Option<String> = head.try_get(1)?;
    let mut latest: Option<String> = head.try_get(2)?;
    let mut prev = prev.as_deref().and_then(audit::parse_hash).ok_or_else(|| {
        StoreError::Invalid(
            "the record's chain head has no valid hash; run `qidi migrate`, then `qidi audit verify`".into(),
        )
    })?;
    let at_idx = columns.iter().position(|c| *c == "at");
    let mut links = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter_mut().enumerate() {
        let seq = last - n + 1 + i as i64;
        let seq_u =
            u64::try_from(seq).map_err(|_| StoreError::Invalid(format!("the chain head's seq {last} is invalid")))?;
        if let Some(a) = at_idx {
            match (&row[a], &latest) {
                (Some(at), Some(l)) if at < l => row[a] = Some(l.clone()),
                _ => {}
            }
            if row[a].is_some() {
                latest = row[a].clone();
            }
        }
        let content = audit::content_digest(columns.iter().copied().zip(row.iter().map(|v| v.as_deref())));
        let hash = audit::link_hash(seq_u, &prev, &content);
        links.push(Link { seq, prev_hash: audit::hex_hash(&prev), hash: audit::hex_hash(&hash) });
        prev = hash;
    }
    sqlx::query("UPDATE audit_chain_head SET hash = $1, at = $2 WHERE id = 1")
        .bind(audit::hex_hash(&prev))
        .bind(latest)
        .execute(&mut *conn)
        .await?;
    Ok(links)
}

/// Append `e` as the next link of the record's hash chain, in the caller's transaction
/// (see [`chain_next`]).
pub async fn append(conn: &mut AnyConnection, e: &NewEvent) -> Result<String, StoreError> {
    let id = new_id();
    let outcome = if e.outcome.is_empty() { "ok" } else { e.outcome.as_str() };
    let mut rows = vec![vec![
        Some(id.clone()),
        Some(e.region_code.clone()),
        Some(now_text()),
        e.actor_id.clone(),
        e.actor_role.clone(),
        Some(e.action.clone()),
        Some(e.object_type.clone()),
        e.object_id.clone(),
        Some(outcome.to_string()),
        Some(e.payload.to_string()),
        e.client_addr.clone(),
        e.request_id.clone(),
    ]];
    let links = chain_next(&mut *conn, &COLUMNS, &mut rows).await?;
    let (Some(row), Some(link)) = (rows.pop(), links.into_iter().next()) else {
        return Err(StoreError::Invalid("no link was made for the event".into()));
    };
    let mut q = sqlx::query(insert_sql());
    for v in row {
        q = q.bind(v);
    }
    q.bind(link.seq).bind(link.prev_hash).bind(link.hash).execute(&mut *conn).await?;
    Ok(id)
}

impl crate::Store {
    /// Append one event on its own (for events with no other write, such as a denied sign-in).
    pub async fn append_event(&self, e: &NewEvent) -> Result<String, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = append(&mut tx, e).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Events about one object, oldest first.
    pub async fn events_for(&self, object_type: &str, object_id: &str) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, region_code, at, actor_id, actor_role, action, object_type, object_id, outcome, payload, client_addr
             FROM events WHERE object_type = $1 AND object_id = $2 ORDER BY at, id",
        )
        .bind(object_type)
        .bind(object_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from_row).collect())
    }

    /// The newest events, newest first.
    pub async fn recent_events(&self, limit: i64) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, region_code, at, actor_id, actor_role, action, object_type, object_id, outcome, payload, client_addr
             FROM events ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from_row).collect())
    }
}

fn event_from_row(r: &sqlx::any::AnyRow) -> Event {
    Event {
        id: r.get(0),
        region_code: r.get(1),
        at: r.get(2),
        actor_id: r.get(3),
        actor_role: r.get(4),
        action: r.get(5),
        object_type: r.get(6),
        object_id: r.get(7),
        outcome: r.get(8),
        payload: r.get(9),
        client_addr: r.get(10),
    }
}
