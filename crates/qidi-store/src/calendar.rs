//! The official calendar in the database: seeded from the shipped notices on first
//! use, extended by administrators year by year.

use crate::events::{append, NewEvent};
use crate::{now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::{shipped_files, CalendarDay, HolidayFile, WorkCalendar};
use sqlx::Row;

impl Store {
    /// Load the shipped notices if the table is empty. Running it again changes nothing.
    pub async fn seed_calendar(&self) -> Result<(), StoreError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM calendar_years").fetch_one(&self.pool).await?.get(0);
        if n > 0 {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for file in shipped_files() {
            insert_file(&mut tx, &file).await?;
        }
        append(
            &mut tx,
            &NewEvent {
                action: "calendar.seed".into(),
                object_type: "calendar".into(),
                payload: serde_json::json!({ "years": shipped_files().iter().map(|f| f.year).collect::<Vec<_>>() }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await.map_err(Into::into)
    }

    /// The working-day calendar as stored.
    pub async fn work_calendar(&self) -> Result<WorkCalendar, StoreError> {
        self.seed_calendar().await?;
        let years: Vec<i32> = sqlx::query("SELECT year FROM calendar_years ORDER BY year")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.get::<i64, _>(0) as i32)
            .collect();
        let rows = sqlx::query("SELECT date, is_off_day, year FROM calendar_days ORDER BY date").fetch_all(&self.pool).await?;
        let mut days = Vec::with_capacity(rows.len());
        for r in &rows {
            let date: String = r.get(0);
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|_| StoreError::Invalid(format!("calendar_days holds a malformed date `{date}`")))?;
            days.push(CalendarDay { date, is_off_day: crate::get_bool(r, 1), year: r.get::<i64, _>(2) as i32 });
        }
        WorkCalendar::from_days(days, years).map_err(|e| StoreError::Invalid(e.to_string()))
    }
}

pub(crate) async fn insert_file(conn: &mut sqlx::AnyConnection, file: &HolidayFile) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO calendar_years (year, papers, loaded_at) VALUES ($1, $2, $3)")
        .bind(i64::from(file.year))
        .bind(serde_json::to_string(&file.papers).unwrap_or_else(|_| "[]".into()))
        .bind(now_text())
        .execute(&mut *conn)
        .await?;
    for d in &file.days {
        sqlx::query("INSERT INTO calendar_days (date, is_off_day, name, year) VALUES ($1, $2, $3, $4)")
            .bind(d.date.format("%Y-%m-%d").to_string())
            .bind(d.is_off_day)
            .bind(&d.name)
            .bind(i64::from(file.year))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
