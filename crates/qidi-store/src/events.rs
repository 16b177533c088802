//! The append-only record. Every write that changes state appends its event in the
//! same transaction; the database refuses UPDATE and DELETE on the table, and every
//! event is a link of an SM3 hash chain (see `crate::audit` and core `audit`).

use crate::db::params;
use crate::{new_id, now_text, StoreError};
use qidi_core::audit;
use qidi_core::record_query::RecordFilter;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// Where the request being served came from. The web layer runs each request inside
/// [`with_request`], and every event appended while it is served carries these, so no
/// store call needs them passed by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

/// Run `f` as the serving of one request: events it appends carry `context`.
pub async fn with_request<F: std::future::Future>(context: RequestContext, f: F) -> F::Output {
    REQUEST.scope(context, f).await
}

/// One event to append.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewEvent {
    pub region_code: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    /// The actor's department, when the caller knows it (`Some(None)`: the actor has
    /// none); left `None`, [`append`] reads it from the actor's account.
    pub actor_department_id: Option<Option<String>>,
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
            actor_department_id: Some(actor.department_id.clone()),
            action: action.to_string(),
            object_type: object_type.to_string(),
            object_id,
            payload,
            ..Default::default()
        }
    }
}

impl NewEvent {
    /// The event's client address and request id: its own, or else those of the
    /// request being served.
    pub fn request_fields(&self) -> (Option<String>, Option<String>) {
        let served = REQUEST.try_with(|r| (r.client_addr.clone(), r.request_id.clone())).unwrap_or_default();
        (self.client_addr.clone().or(served.0), self.request_id.clone().or(served.1))
    }
}

/// An event as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: String,
    /// Its place in the record's hash chain.
    pub seq: i64,
    pub region_code: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_department_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub outcome: String,
    pub payload: String,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

/// The columns `append` writes besides the chain's own, in order. Every one of them is
/// hashed, so a column added to `events` must be written here (a value left to a
/// column default would not be hashed, and verify would report the event as altered).
pub(crate) const COLUMNS: [&str; 13] = [
    "id",
    "region_code",
    "at",
    "actor_id",
    "actor_role",
    "actor_department_id",
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
        format!("INSERT INTO events ({}, seq, prev_hash, hash) VALUES ({})", COLUMNS.join(", "), params(1, n + 3))
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
    let n = i64::try_from(rows.len()).map_err(|_| StoreError::invalid("too many events at once"))?;
    let head = sqlx::query("UPDATE audit_chain_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash, at")
        .bind(n)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::invalid("the record has no chain head; run `qidi migrate`"))?;
    let last: i64 = head.try_get(0)?;
    let prev: Option<String> = head.try_get(1)?;
    let mut latest: Option<String> = head.try_get(2)?;
    let mut prev = prev.as_deref().and_then(audit::parse_hash).ok_or_else(|| {
        StoreError::invalid("the record's chain head has no valid hash; run `qidi migrate`, then `qidi audit verify`")
    })?;
    let at_idx = columns.iter().position(|c| *c == "at");
    let mut links = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter_mut().enumerate() {
        let seq = last - n + 1 + i as i64;
        let seq_u =
            u64::try_from(seq).map_err(|_| StoreError::invalid(format!("the chain head's seq {last} is invalid")))?;
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
    let (client_addr, request_id) = e.request_fields();
    let id = new_id();
    let outcome = if e.outcome.is_empty() { "ok" } else { e.outcome.as_str() };
    let department = match (&e.actor_department_id, &e.actor_id) {
        (Some(known), _) => known.clone(),
        (None, Some(actor)) => sqlx::query_scalar::<_, Option<String>>("SELECT department_id FROM users WHERE id = $1")
            .bind(actor)
            .fetch_optional(&mut *conn)
            .await?
            .flatten(),
        (None, None) => None,
    };
    let mut rows = vec![vec![
        Some(id.clone()),
        Some(e.region_code.clone()),
        Some(now_text()),
        e.actor_id.clone(),
        e.actor_role.clone(),
        department,
        Some(e.action.clone()),
        Some(e.object_type.clone()),
        e.object_id.clone(),
        Some(outcome.to_string()),
        Some(e.payload.to_string()),
        client_addr,
        request_id,
    ]];
    let links = chain_next(&mut *conn, &COLUMNS, &mut rows).await?;
    let (Some(row), Some(link)) = (rows.pop(), links.into_iter().next()) else {
        return Err(StoreError::invalid("no link was made for the event"));
    };
    let mut q = sqlx::query(insert_sql());
    for v in row {
        q = q.bind(v);
    }
    q.bind(link.seq).bind(link.prev_hash).bind(link.hash).execute(&mut *conn).await?;
    Ok(id)
}

impl crate::Store {
    /// Record that `user` took a document out of the system: `action` is what it was
    /// (`ledger.export`, `bulletin.download`, `lookback.download`), with its object and
    /// details such as the format.
    pub async fn record_export(
        &self,
        user: &crate::users::User,
        action: &str,
        object_type: &str,
        object_id: Option<String>,
        payload: serde_json::Value,
    ) -> Result<(), StoreError> {
        let e = NewEvent::by(user, user.region_code.clone(), action, object_type, object_id, payload);
        self.append_event(&e).await.map(|_| ())
    }

    /// Record that a request of `user` was refused (403): `access.denied`, with the
    /// method and path asked for.
    pub async fn record_refusal(&self, user: &crate::users::User, method: &str, path: &str) -> Result<(), StoreError> {
        let path: String = path.chars().take(300).collect();
        let mut e = NewEvent::by(
            user,
            user.region_code.clone(),
            "access.denied",
            "route",
            Some(path),
            serde_json::json!({ "method": method }),
        );
        e.outcome = "denied".into();
        self.append_event(&e).await.map(|_| ())
    }

    /// Append one event on its own (for events with no other write, such as a denied sign-in).
    pub async fn append_event(&self, e: &NewEvent) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = append(&mut tx, e).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Events about one object, oldest first.
    pub async fn events_for(&self, object_type: &str, object_id: &str) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, region_code, at, actor_id, actor_role, action, object_type, object_id, outcome, payload, client_addr, request_id, seq,
                    actor_department_id
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
            "SELECT id, region_code, at, actor_id, actor_role, action, object_type, object_id, outcome, payload, client_addr, request_id, seq,
                    actor_department_id
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
        request_id: r.get(11),
        seq: r.get(12),
        actor_department_id: r.get(13),
    }
}

/// The columns `event_from_row` reads (0 to 13), for a query of events aliased `e`.
const EVENT_SELECT: &str = "e.id, e.region_code, e.at, e.actor_id, e.actor_role, e.action, e.object_type, e.object_id,
     e.outcome, e.payload, e.client_addr, e.request_id, e.seq, e.actor_department_id";

/// One event found by a search of the record, with who acted by name.
#[derive(Debug, Clone, Serialize)]
pub struct RecordEntry {
    #[serde(flatten)]
    pub event: Event,
    pub actor_username: Option<String>,
}

impl crate::Store {
    /// Events of the region `region_prefix` matching `filter`, newest first, at most
    /// `limit`, older than the event `before` (a `seq`) when given.
    pub async fn search_record(
        &self,
        region_prefix: &str,
        filter: &RecordFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<RecordEntry>, StoreError> {
        let mut sql = format!(
            "SELECT {EVENT_SELECT}, u.username FROM events e LEFT JOIN users u ON u.id = e.actor_id
             WHERE (e.region_code = '' OR (e.region_code >= $1 AND e.region_code < $2))"
        );
        let (low, high) = crate::ledger::region_range(region_prefix);
        let mut binds: Vec<String> = vec![low, high];
        let mut bind = |sql: &mut String, clause: &str, value: String| {
            binds.push(value);
            sql.push_str(&clause.replace("$?", &format!("${}", binds.len())));
        };
        if let Some(a) = &filter.action {
            if filter.action_prefix {
                // Actions are [a-z_.]: every one under `kind.` sorts before `kind/`.
                bind(&mut sql, " AND e.action >= $?", a.clone());
                bind(&mut sql, " AND e.action < $?", format!("{}/", a.trim_end_matches('.')));
            } else {
                bind(&mut sql, " AND e.action = $?", a.clone());
            }
        }
        if let Some(a) = &filter.actor {
            bind(&mut sql, " AND e.actor_id IN (SELECT id FROM users WHERE username = $?)", a.clone());
        }
        if let Some(o) = &filter.object {
            bind(&mut sql, " AND e.object_id = $?", o.clone());
        }
        if let Some(o) = &filter.outcome {
            bind(&mut sql, " AND e.outcome = $?", o.clone());
        }
        if let Some(r) = &filter.request_id {
            bind(&mut sql, " AND e.request_id = $?", r.clone());
        }
        if let Some(c) = &filter.client_addr {
            bind(&mut sql, " AND e.client_addr = $?", c.clone());
        }
        // Events are stamped in Beijing time, and their text sorts as time.
        if let Some(d) = filter.from {
            bind(&mut sql, " AND e.at >= $?", format!("{d}T00:00:00"));
        }
        if let Some(d) = filter.to {
            bind(&mut sql, " AND e.at < $?", format!("{}T00:00:00", d + chrono::Days::new(1)));
        }
        if let Some(b) = before {
            bind(&mut sql, " AND e.seq < CAST($? AS BIGINT)", b.to_string());
        }
        sql.push_str(&format!(" ORDER BY e.seq DESC LIMIT {}", limit.clamp(1, 500)));
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| RecordEntry { event: event_from_row(r), actor_username: r.get(14) }).collect())
    }
}
