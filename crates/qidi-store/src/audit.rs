//! The record's hash chain as stored: hashing the events from before migration 0013
//! (once, at `migrate`), reading the chain in pages, verifying it, recording signed
//! checkpoints (检查点) and building inclusion proofs. The rules are core `audit`'s.
//!
//! Verification reads `SELECT *`, so every column of `events` is hashed, also one
//! added after this module was written; see `events::append`.

use crate::{new_id, StoreError};
use qidi_core::audit::{
    self, Break, ChainRow, Checkpoint, CheckpointMark, Head, InclusionProof, ProofStep, Summary, Verifier,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Column, Row};

/// Rows read per query while walking the chain.
pub const PAGE: i64 = 2000;

/// One column's value as text: text as it is, integers in decimal, booleans 1/0.
fn column_text(row: &AnyRow, idx: usize, name: &str) -> Result<Option<String>, StoreError> {
    if let Ok(v) = row.try_get::<Option<String>, _>(idx) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(idx) {
        return Ok(v.map(|n| n.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(idx) {
        return Ok(v.map(|b| if b { "1" } else { "0" }.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(idx) {
        return Ok(v.map(|f| f.to_string()));
    }
    Err(StoreError::invalid(format!("column `{name}` of events holds a value qidi cannot read as text")))
}

fn chain_row(row: &AnyRow) -> Result<ChainRow, StoreError> {
    let mut out = ChainRow::default();
    for (idx, col) in row.columns().iter().enumerate() {
        let name = col.name();
        match name {
            "seq" => out.seq = column_text(row, idx, name)?.and_then(|s| s.parse().ok()),
            "prev_hash" => out.prev_hash = column_text(row, idx, name)?,
            "hash" => out.hash = column_text(row, idx, name)?,
            _ => out.columns.push((name.to_string(), column_text(row, idx, name)?)),
        }
    }
    Ok(out)
}

/// Rows with `(seq, id)` after `(after_seq, after_id)` and `seq <= through`, in order.
///
/// The query is a range on `seq` (the unique index), starting at `after_seq` itself so
/// that a second row with the same seq (possible only with the index dropped) is still
/// read; rows up to `(after_seq, after_id)` are skipped here. The verifier stops at the
/// first repeated seq, so a page is never all repeats.
async fn page(
    conn: &mut AnyConnection,
    after_seq: i64,
    after_id: &str,
    through: i64,
) -> Result<Vec<ChainRow>, StoreError> {
    let rows = sqlx::query("SELECT * FROM events WHERE seq >= $1 AND seq <= $2 ORDER BY seq, id LIMIT $3")
        .bind(after_seq)
        .bind(through)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let row = chain_row(r)?;
        let seq = row.seq.unwrap_or(i64::MIN);
        if seq > after_seq || (seq == after_seq && row.id() > after_id) {
            out.push(row);
        }
    }
    Ok(out)
}

async fn read_head(conn: &mut AnyConnection) -> Result<Head, StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::invalid("the record has no chain head row (audit_chain_head is empty)"))?;
    Ok(Head { seq: row.try_get(0)?, hash: row.try_get(1)? })
}

/// Give the events from before migration 0013 their `prev_hash` and `hash`, once, in
/// one transaction under the chain head. Returns how many were hashed.
pub(crate) async fn hash_older_events(store: &crate::Store) -> Result<u64, StoreError> {
    let mut conn = store.pool.acquire().await?;
    let head = read_head(&mut conn).await?;
    if head.hash.is_some() {
        return Ok(0);
    }
    drop(conn);
    let mut tx = store.begin_write().await?;
    // Take the head (and, on SQLite, the write lock) before reading.
    let row = sqlx::query("UPDATE audit_chain_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *tx)
        .await?;
    let head_seq: i64 = row.try_get(0)?;
    if row.try_get::<Option<String>, _>(1)?.is_some() {
        return Ok(0); // someone else did it
    }
    let mut prev = audit::GENESIS;
    let mut last_at: Option<String> = None;
    let (mut after_seq, mut after_id) = (i64::MIN, String::new());
    let mut n = 0u64;
    loop {
        let rows = page(&mut tx, after_seq, &after_id, head_seq).await?;
        let Some(last) = rows.last() else { break };
        (after_seq, after_id) = (last.seq.unwrap_or(i64::MAX), last.id().to_string());
        for mut r in rows {
            let seq = r.seq.unwrap_or(0);
            if r.hash.is_some() || seq != n as i64 + 1 {
                return Err(StoreError::invalid(format!(
                    "cannot chain the older events: event {} has seq {seq} where {} was expected; run `qidi audit verify`",
                    r.id(),
                    n + 1
                )));
            }
            r.prev_hash = Some(audit::hex_hash(&prev));
            let hash = r.computed_hash().unwrap_or(audit::GENESIS);
            sqlx::query("UPDATE events SET prev_hash = $1, hash = $2 WHERE id = $3 AND hash IS NULL")
                .bind(audit::hex_hash(&prev))
                .bind(audit::hex_hash(&hash))
                .bind(r.id())
                .execute(&mut *tx)
                .await?;
            prev = hash;
            last_at = r.column("at").map(str::to_string).or(last_at);
            n += 1;
        }
    }
    if n as i64 != head_seq {
        return Err(StoreError::invalid(format!(
            "cannot chain the older events: the head counts {head_seq}, the record holds {n}"
        )));
    }
    sqlx::query("UPDATE audit_chain_head SET hash = $1, at = $2 WHERE id = 1")
        .bind(audit::hex_hash(&prev))
        .bind(last_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(events = n, "hashed the events recorded before the hash chain");
    Ok(n)
}

/// The outcome of a verification: the summary of an unbroken record, or its first break.
pub type Verdict = Result<Summary, Break>;

impl crate::Store {
    /// The chain head: the last sequence number and its hash.
    pub async fn audit_head(&self) -> Result<Head, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_head(&mut conn).await
    }

    /// Recompute the whole chain and compare it with its head and with `marks` (from
    /// checkpoints whose signatures the caller has checked). A broken record is an
    /// `Ok(Err(break))`; `Err` is reserved for a database that cannot be read at all.
    pub async fn verify_audit_chain(&self, marks: Vec<CheckpointMark>) -> Result<Verdict, StoreError> {
        let mut conn = self.pool.acquire().await?;
        // Everything up to this head is committed: a row and the head move together.
        let head = read_head(&mut conn).await?;
        let mut v = Verifier::new(marks);
        let (mut after_seq, mut after_id) = (i64::MIN, String::new());
        loop {
            let rows = page(&mut conn, after_seq, &after_id, head.seq).await?;
            let Some(last) = rows.last() else { break };
            (after_seq, after_id) = (last.seq.unwrap_or(i64::MAX), last.id().to_string());
            for r in &rows {
                if let Err(b) = v.push(r) {
                    return Ok(Err(b));
                }
            }
        }
        let summary = match v.finish(Some(&head)) {
            Ok(s) => s,
            Err(b) => return Ok(Err(b)),
        };
        // One statement, one snapshot: a row past the head that is committed never
        // came through `append`.
        if let Some(r) = sqlx::query(
            "SELECT id, seq FROM events WHERE seq > (SELECT seq FROM audit_chain_head WHERE id = 1) ORDER BY seq LIMIT 1",
        )
        .fetch_optional(&mut *conn)
        .await?
        {
            let id: String = r.try_get(0)?;
            let seq: i64 = r.try_get(1)?;
            return Ok(Err(Break::BeyondHead { seq, id, head_seq: head.seq }));
        }
        if let Some(r) = sqlx::query(
            "SELECT id FROM events WHERE seq IS NULL OR prev_hash IS NULL OR hash IS NULL ORDER BY at LIMIT 1",
        )
        .fetch_optional(&mut *conn)
        .await?
        {
            return Ok(Err(Break::OutsideChain { id: r.try_get(0)? }));
        }
        Ok(Ok(summary))
    }

    /// Keep a copy of a signed checkpoint in the database and record who made it, in
    /// one transaction.
    pub async fn record_audit_checkpoint(
        &self,
        region_code: &str,
        checkpoint: &Checkpoint,
        actor_role: Option<&str>,
    ) -> Result<String, StoreError> {
        let line = serde_json::to_string(checkpoint).map_err(|e| StoreError::invalid(e.to_string()))?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO audit_checkpoints (id, seq, at, line) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(checkpoint.seq)
            .bind(&checkpoint.at)
            .bind(&line)
            .execute(&mut *tx)
            .await?;
        crate::events::append(
            &mut tx,
            &crate::events::NewEvent {
                region_code: region_code.to_string(),
                actor_role: actor_role.map(str::to_string),
                action: "audit.checkpoint".into(),
                object_type: "audit_checkpoint".into(),
                object_id: Some(id.clone()),
                payload: serde_json::json!({ "seq": checkpoint.seq, "head_hash": checkpoint.head_hash }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The checkpoints kept in the database, oldest first, as their JSON lines.
    pub async fn audit_checkpoint_lines(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT line FROM audit_checkpoints ORDER BY seq, at, id").fetch_all(&self.pool).await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    /// An inclusion proof of event `event_id` against `checkpoint`: the event as stored,
    /// and each later event's sequence number and content digest up to the checkpoint.
    pub async fn audit_proof(&self, event_id: &str, checkpoint: &Checkpoint) -> Result<InclusionProof, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query("SELECT * FROM events WHERE id = $1")
            .bind(event_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no event with id {event_id}")))?;
        let event = chain_row(&row)?;
        let (Some(seq), Some(prev_hash), Some(hash)) = (event.seq, event.prev_hash.clone(), event.hash.clone()) else {
            return Err(StoreError::invalid(format!("event {event_id} is not in the chain; run `qidi audit verify`")));
        };
        if seq > checkpoint.seq {
            return Err(StoreError::invalid(format!(
                "event {event_id} (seq {seq}) is newer than the latest checkpoint (seq {}); make one with `qidi audit checkpoint -o FILE` first",
                checkpoint.seq
            )));
        }
        let mut steps = Vec::with_capacity(usize::try_from(checkpoint.seq - seq).unwrap_or(0).min(1 << 20));
        let (mut after_seq, mut after_id) = (seq, event_id.to_string());
        loop {
            let rows = page(&mut conn, after_seq, &after_id, checkpoint.seq).await?;
            let Some(last) = rows.last() else { break };
            (after_seq, after_id) = (last.seq.unwrap_or(i64::MAX), last.id().to_string());
            for r in &rows {
                steps.push(ProofStep { seq: r.seq.unwrap_or(0), content: audit::hex_hash(&r.content_digest()) });
            }
        }
        let proof = InclusionProof {
            kind: audit::PROOF_KIND.to_string(),
            event: event.columns.into_iter().collect(),
            seq,
            prev_hash,
            hash,
            steps,
            checkpoint: checkpoint.clone(),
        };
        // Never hand out a proof that does not hold.
        if let Err(e) = audit::check_proof(proof.seq, &proof.hash, &proof.steps, checkpoint.seq, &checkpoint.head_hash)
        {
            return Err(StoreError::invalid(format!(
                "the record does not lead from event {event_id} to the checkpoint ({e}); run `qidi audit verify`"
            )));
        }
        Ok(proof)
    }
}

/// What `lock_down_audit` left the application's role with on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRights {
    pub role: String,
    pub select: bool,
    pub insert: bool,
    pub update: bool,
    pub delete: bool,
    pub truncate: bool,
}

impl crate::Store {
    /// PostgreSQL only: take UPDATE, DELETE and TRUNCATE on `events` and
    /// `audit_checkpoints` from `role` (and from PUBLIC), and give it what appending
    /// needs: SELECT and INSERT on both, SELECT and UPDATE on `audit_chain_head`. Refuses
    /// a role that owns `events` or is a superuser: either can drop the triggers and
    /// take the rights back, so the application must connect as another role.
    pub async fn lock_down_audit(&self, role: &str) -> Result<RecordRights, StoreError> {
        if self.backend() != crate::Backend::Postgres {
            return Err(StoreError::invalid(
                "lock-down is for PostgreSQL; an embedded SQLite file is guarded by the triggers and by who may write the file",
            ));
        }
        let valid = !role.is_empty()
            && role.len() <= 63
            && role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !role.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(StoreError::invalid(format!(
                "role name `{role}` is not a plain PostgreSQL name (lower-case letters, digits, _)"
            )));
        }
        let row = sqlx::query("SELECT rolsuper FROM pg_roles WHERE rolname = $1")
            .bind(role)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "PostgreSQL has no role `{role}`; create it first (CREATE ROLE {role} LOGIN)"
                ))
            })?;
        if row.try_get::<bool, _>(0)? {
            return Err(StoreError::invalid(format!(
                "role `{role}` is a superuser and ignores privileges; connect the application as an ordinary role"
            )));
        }
        let owner: String = sqlx::query(
            "SELECT tableowner::text FROM pg_tables WHERE tablename = 'events' AND schemaname = current_schema()",
        )
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        if owner == role {
            return Err(StoreError::invalid(format!(
                "role `{role}` owns the events table and could drop its triggers; run migrations as `{role}` but connect the application as another role"
            )));
        }
        let mut tx = self.begin_write().await?;
        for stmt in [
            format!("REVOKE UPDATE, DELETE, TRUNCATE ON events, audit_checkpoints FROM PUBLIC, \"{role}\""),
            format!("GRANT SELECT, INSERT ON events, audit_checkpoints TO \"{role}\""),
            format!("GRANT SELECT, UPDATE ON audit_chain_head TO \"{role}\""),
        ] {
            sqlx::query(&stmt).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        let r = sqlx::query(
            "SELECT has_table_privilege($1, 'events', 'SELECT'), has_table_privilege($1, 'events', 'INSERT'),
                    has_table_privilege($1, 'events', 'UPDATE'), has_table_privilege($1, 'events', 'DELETE'),
                    has_table_privilege($1, 'events', 'TRUNCATE')",
        )
        .bind(role)
        .fetch_one(&self.pool)
        .await?;
        Ok(RecordRights {
            role: role.to_string(),
            select: r.try_get(0)?,
            insert: r.try_get(1)?,
            update: r.try_get(2)?,
            delete: r.try_get(3)?,
            truncate: r.try_get(4)?,
        })
    }
}
