//! API tokens for machines (the 12345 hotline platform): issued by the administrator
//! with `qidi token add`, shown once, stored only as their SHA-256 (like session
//! tokens), revocable, and recorded.

use crate::events::{append, NewEvent};
use crate::password::{random_token, token_hash};
use crate::{now_text, Store, StoreError};
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::Row;

/// What a token may be used for.
pub const PURPOSES: [&str; 1] = ["hotline"];

/// A token as listed (never the token itself).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub region_code: String,
    pub purpose: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

const COLUMNS: &str = "id, region_code, purpose, name, created_at, revoked_at, last_used_at";

fn from_row(r: &sqlx::any::AnyRow) -> ApiToken {
    ApiToken {
        id: r.get(0),
        region_code: r.get(1),
        purpose: r.get(2),
        name: r.get(3),
        created_at: r.get(4),
        revoked_at: r.get(5),
        last_used_at: r.get(6),
    }
}

fn token_event(region: &str, action: &str, id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        region_code: region.to_string(),
        actor_role: Some("admin".into()),
        action: action.into(),
        object_type: "api_token".into(),
        object_id: Some(id.to_string()),
        payload,
        ..Default::default()
    }
}

impl Store {
    /// Issue a token for `purpose`. Returns the token's row and the token itself, which
    /// is shown this once and never stored.
    pub async fn add_api_token(
        &self,
        region: &RegionCode,
        purpose: &str,
        name: Option<&str>,
    ) -> Result<(ApiToken, String), StoreError> {
        if !PURPOSES.contains(&purpose) {
            return Err(StoreError::invalid(format!("unknown token purpose `{purpose}`: use {}", PURPOSES.join(", "))));
        }
        let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(purpose).to_string();
        let secret = format!("qidi_{purpose}_{}", random_token());
        let id = crate::new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, region_code, purpose, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(purpose)
        .bind(&name)
        .bind(token_hash(&secret))
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &token_event(
                region.as_str(),
                "api_token.add",
                &id,
                serde_json::json!({ "purpose": purpose, "name": name }),
            ),
        )
        .await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1"))
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((from_row(&row), secret))
    }

    /// Every token of the region, newest first, revoked ones too.
    pub async fn list_api_tokens(&self, region: &RegionCode) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE region_code = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(from_row).collect())
    }

    /// Revoke a token at once; it is refused from then on.
    pub async fn revoke_api_token(&self, region: &RegionCode, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND region_code = $3 AND revoked_at IS NULL",
        )
        .bind(now_text())
        .bind(id)
        .bind(region.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("no token with id {id} in use")));
        }
        append(&mut tx, &token_event(region.as_str(), "api_token.revoke", id, serde_json::json!({}))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live token `secret` is, if it is one for `purpose`. Notes its use.
    pub async fn api_token(&self, secret: &str, purpose: &str) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND purpose = $2 AND revoked_at IS NULL"
        ))
        .bind(token_hash(secret))
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token = from_row(&row);
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now_text())
            .bind(&token.id)
            .execute(&self.pool)
            .await?;
        Ok(Some(token))
    }
}
