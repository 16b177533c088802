//! The scheduler's record of what it has done: one `job_runs` row per job and day.

use crate::{now_text, Store, StoreError};
use chrono::NaiveDate;

impl Store {
    /// Whether `job` was done for `day`.
    pub async fn job_ran(&self, job: &str, day: NaiveDate) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM job_runs WHERE job = $1 AND run_on = $2")
            .bind(job)
            .bind(day.to_string())
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// Record that `job` was done for `day` (once; a second record is ignored).
    pub async fn record_job_run(&self, job: &str, day: NaiveDate, worker: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO job_runs (job, run_on, ran_at, worker) VALUES ($1, $2, $3, $4) ON CONFLICT (job, run_on) DO NOTHING")
            .bind(job)
            .bind(day.to_string())
            .bind(now_text())
            .bind(worker)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
