//! The append-only record. Every write that changes state appends its event in the
//! same transaction; the database refuses UPDATE and DELETE on the table.

use crate::{new_id, now_text, StoreError};
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

pub async fn append(conn: &mut AnyConnection, e: &NewEvent) -> Result<String, StoreError> {
    let id = new_id();
    let outcome = if e.outcome.is_empty() { "ok" } else { e.outcome.as_str() };
    sqlx::query(
        "INSERT INTO events (id, region_code, at, actor_id, actor_role, action, object_type, object_id, outcome, payload, client_addr, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(&e.region_code)
    .bind(now_text())
    .bind(&e.actor_id)
    .bind(&e.actor_role)
    .bind(&e.action)
    .bind(&e.object_type)
    .bind(&e.object_id)
    .bind(outcome)
    .bind(e.payload.to_string())
    .bind(&e.client_addr)
    .bind(&e.request_id)
    .execute(conn)
    .await?;
    Ok(id)
}

impl crate::Store {
    /// Append one event on its own (for events with no other write, such as a denied sign-in).
    pub async fn append_event(&self, e: &NewEvent) -> Result<String, StoreError> {
        let mut conn = self.pool.acquire().await?;
        append(&mut conn, e).await
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
