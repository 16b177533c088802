//! One application's stored record: the row if visible, the facts it was judged by, its events, unmet prerequisites.

use super::{app_from_row, bind_all, visible, ApplicationRow, MaterialSpec, WorkflowError, APP_SELECT};
use crate::users::User;
use crate::{Store, StoreError};
use qidi_core::light::LightPolicy;
use qidi_core::workflow::{ApplicationEvent, ApplicationFacts};
use serde::Serialize;
use sqlx::Row;

/// What an application was judged by, as stored at its creation.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub facts: ApplicationFacts,
    pub checklist: Vec<MaterialSpec>,
    pub policy: LightPolicy,
    pub created_at: String,
}

impl Store {
    /// One application, if `user` may see it.
    pub async fn application(&self, user: &User, id: &str) -> Result<ApplicationRow, WorkflowError> {
        let (vis, binds) = visible(user, 2);
        let sql = format!("{APP_SELECT} WHERE a.id = $1 AND {vis}");
        let row = bind_all(sqlx::query(&sql).bind(id), &binds).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => Ok(app_from_row(&r, crate::today())?),
            None => Err(WorkflowError::NotFound),
        }
    }

    pub(crate) async fn stored_facts(&self, id: &str) -> Result<Stored, WorkflowError> {
        let r = sqlx::query("SELECT facts, checklist, light_policy, created_at FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WorkflowError::NotFound)?;
        let bad = |what: &str, e: serde_json::Error| {
            WorkflowError::Store(StoreError::invalid(format!("application {id}: stored {what} unreadable: {e}")))
        };
        Ok(Stored {
            facts: serde_json::from_str(&r.get::<String, _>(0)).map_err(|e| bad("facts", e))?,
            checklist: serde_json::from_str(&r.get::<String, _>(1)).map_err(|e| bad("checklist", e))?,
            policy: serde_json::from_str(&r.get::<String, _>(2)).unwrap_or_default(),
            created_at: r.get(3),
        })
    }

    /// The application's transition events, in order.
    pub(crate) async fn application_events(&self, id: &str) -> Result<Vec<ApplicationEvent>, WorkflowError> {
        let rows = sqlx::query(
            "SELECT payload FROM events WHERE object_type = 'application' AND object_id = $1 AND outcome = 'ok' ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let payload: serde_json::Value = serde_json::from_str(&r.get::<String, _>(0)).unwrap_or_default();
            if let Some(e) = payload.get("event") {
                let e: ApplicationEvent = serde_json::from_value(e.clone()).map_err(|e| {
                    WorkflowError::Store(StoreError::invalid(format!("application {id}: event unreadable: {e}")))
                })?;
                out.push(e);
            }
        }
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }
}

impl Store {
    /// Names of the application's prerequisite item types that its project still has
    /// pending (a prerequisite the project never needed, or was granted, is met).
    pub(crate) async fn unmet_prerequisites(&self, application_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.prerequisites, t2.code, t2.name
             FROM applications a
             JOIN pending_items i ON i.id = a.pending_item_id
             JOIN item_types t ON t.id = i.item_type_id
             JOIN pending_items i2 ON i2.project_id = i.project_id AND i2.status = 'pending' AND i2.id <> i.id
             JOIN item_types t2 ON t2.id = i2.item_type_id
             WHERE a.id = $1
             ORDER BY t2.code",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter(|r| {
                let required: Vec<String> = serde_json::from_str(&r.get::<String, _>(0)).unwrap_or_default();
                required.contains(&r.get::<String, _>(1))
            })
            .map(|r| r.get::<String, _>(2))
            .collect())
    }
}

/// A stored JSON column; serialising these types cannot fail.
pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}
