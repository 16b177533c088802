//! Readings of a department ledger that outlast a request (台账核算), as every server
//! behind one load balancer sees them: how far each has come and, once done, the state
//! it read. The server that reads writes them (migration 0035); the web decides what a
//! request is shown.

use crate::baseline::LedgerState;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A reading as stored.
#[derive(Debug)]
pub struct ReadingRecord {
    pub user_id: String,
    pub department_id: String,
    pub view: String,
    pub began_at: DateTime<Utc>,
    pub lines: u64,
    pub lines_read: u64,
    /// When the reading last said how far it had come.
    pub noted_at: DateTime<Utc>,
    pub finished: bool,
    /// The state read; None while reading, or when it failed.
    pub state: Option<LedgerState>,
}

/// A new reading to note.
pub struct NewReading<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub department_id: &'a str,
    pub view: &'a str,
    pub began_at: DateTime<Utc>,
    pub lines: u64,
}

/// Real time, not the trial clock (演练时钟): a reading's age is the server's.
fn stamp(t: DateTime<Utc>) -> String {
    crate::timestamp_text(t)
}

fn parse(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Note a reading as it begins, and forget the readings begun before `forget_before`.
    pub async fn begin_ledger_reading(
        &self,
        new: &NewReading<'_>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM ledger_readings WHERE began_at < $1")
            .bind(stamp(forget_before))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO ledger_readings (id, user_id, department_id, view, began_at, lines, noted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $5)",
        )
        .bind(new.id)
        .bind(new.user_id)
        .bind(new.department_id)
        .bind(new.view)
        .bind(stamp(new.began_at))
        .bind(count(new.lines))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Note how far a reading has come.
    pub async fn note_ledger_reading(&self, id: &str, lines: u64, lines_read: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE ledger_readings SET lines = $2, lines_read = $3, noted_at = $4 WHERE id = $1")
            .bind(id)
            .bind(count(lines))
            .bind(count(lines_read))
            .bind(stamp(Utc::now()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Note a reading's end: the lines it read, and the state it read (None when it
    /// failed).
    pub async fn finish_ledger_reading(
        &self,
        id: &str,
        lines_read: u64,
        state: Option<&LedgerState>,
    ) -> Result<(), StoreError> {
        let json = match state {
            Some(s) => Some(serde_json::to_string(s).map_err(|e| StoreError::Io {
                what: "writing a ledger reading's state".into(),
                source: std::io::Error::other(e),
            })?),
            None => None,
        };
        let now = stamp(Utc::now());
        sqlx::query(
            "UPDATE ledger_readings SET state = $2, finished_at = $3, noted_at = $3, lines_read = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(json)
        .bind(now)
        .bind(count(lines_read))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A reading, if it is still kept. A state that cannot be read back (written by
    /// another version of qidi) counts as a failed reading.
    pub async fn ledger_reading(&self, id: &str) -> Result<Option<ReadingRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, department_id, view, began_at, lines, lines_read, noted_at, finished_at, state
             FROM ledger_readings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| {
            let state: Option<String> = r.get(8);
            ReadingRecord {
                user_id: r.get(0),
                department_id: r.get(1),
                view: r.get(2),
                began_at: parse(&r.get::<String, _>(3)),
                lines: u64::try_from(r.get::<i64, _>(4)).unwrap_or(0),
                lines_read: u64::try_from(r.get::<i64, _>(5)).unwrap_or(0),
                noted_at: parse(&r.get::<String, _>(6)),
                finished: r.get::<Option<String>, _>(7).is_some(),
                state: state.and_then(|s| serde_json::from_str(&s).ok()),
            }
        }))
    }
}
