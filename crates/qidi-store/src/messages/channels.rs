//! Group channels (渠道): a department's or the sweep office's shared mailbox or group
//! robot (群机器人), configured by the administrator.

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::message::{check_channel, ChannelKind};
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::Row;

/// The department code that stands for the sweep office (清理办) in `--department`.
pub const OFFICE: &str = "office";

/// A configured channel. `target` is an address or a webhook URL: shown to the
/// administrator, never logged.
#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    pub id: String,
    /// `office` for the sweep office's own channels.
    pub department_code: String,
    pub department: String,
    pub kind: ChannelKind,
    pub kind_label: &'static str,
    pub target: String,
    /// Whether a DingTalk signing secret is set (the secret itself is never shown).
    pub signed: bool,
    pub created_at: String,
}

impl Store {
    /// Add a group channel for a department (`office` for the sweep office).
    pub async fn add_channel(
        &self,
        region: &RegionCode,
        department_code: &str,
        kind: ChannelKind,
        target: &str,
        secret: Option<&str>,
        actor: Option<&User>,
    ) -> Result<Channel, StoreError> {
        check_channel(kind, target, secret).map_err(|e| StoreError::invalid(&e))?;
        let department_id =
            if department_code == OFFICE { None } else { Some(self.department_id(region, department_code).await?) };
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO channels (id, region_code, department_id, kind, target, secret, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(&department_id)
        .bind(kind.as_str())
        .bind(target.trim())
        .bind(secret.filter(|s| !s.is_empty()))
        .bind(actor.map(|a| a.id.clone()))
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        let payload = serde_json::json!({ "department": department_code, "kind": kind.as_str() });
        append(&mut tx, &channel_event(region.as_str(), actor, "channel.add", &id, payload)).await?;
        tx.commit().await?;
        self.channel(&id).await?.ok_or_else(|| StoreError::NotFound("channel vanished".into()))
    }

    /// The region's channels in use, the office's first.
    pub async fn list_channels(&self, region: &str) -> Result<Vec<Channel>, StoreError> {
        let rows = sqlx::query(&format!(
            "{CHANNEL_SELECT} WHERE c.region_code = $1 AND c.removed_at IS NULL ORDER BY d.code, c.created_at"
        ))
        .bind(region)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel_from_row).collect()
    }

    pub async fn channel(&self, id: &str) -> Result<Option<Channel>, StoreError> {
        let row = sqlx::query(&format!("{CHANNEL_SELECT} WHERE c.id = $1 AND c.removed_at IS NULL"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(channel_from_row).transpose()
    }

    /// Stop using a channel. Its messages stay in the send log; those not yet sent
    /// are given up when their turn comes.
    pub async fn remove_channel(&self, region: &str, id: &str, actor: Option<&User>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE channels SET removed_at = $1 WHERE id = $2 AND region_code = $3 AND removed_at IS NULL",
        )
        .bind(now_text())
        .bind(id)
        .bind(region)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("渠道 {id} 不存在或已删除")));
        }
        append(&mut tx, &channel_event(region, actor, "channel.remove", id, serde_json::json!({}))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signing secret of a channel, for the notifier.
    pub async fn channel_secret(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query("SELECT secret FROM channels WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .and_then(|r| r.get(0)))
    }
}

/// The record of a change to a channel, by a person or (no actor) the command line.
fn channel_event(region: &str, actor: Option<&User>, action: &str, id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        region_code: region.to_string(),
        actor_id: actor.map(|a| a.id.clone()),
        actor_role: Some(actor.map_or("cli", |a| a.role.as_str()).to_string()),
        action: action.into(),
        object_type: "channel".into(),
        object_id: Some(id.to_string()),
        payload,
        ..Default::default()
    }
}

const CHANNEL_SELECT: &str = "SELECT c.id, d.code, d.name, c.kind, c.target, c.secret, c.created_at
     FROM channels c LEFT JOIN departments d ON d.id = c.department_id";

fn channel_from_row(r: &sqlx::any::AnyRow) -> Result<Channel, StoreError> {
    let kind: String = r.get(3);
    let kind =
        ChannelKind::parse(&kind).ok_or_else(|| StoreError::invalid(format!("unknown channel kind `{kind}`")))?;
    let code: Option<String> = r.get(1);
    Ok(Channel {
        id: r.get(0),
        department: r.get::<Option<String>, _>(2).unwrap_or_else(|| "清理办".into()),
        department_code: code.unwrap_or_else(|| OFFICE.into()),
        kind,
        kind_label: kind.label_zh(),
        target: r.get(4),
        signed: r.get::<Option<String>, _>(5).is_some(),
        created_at: r.get(6),
    })
}
