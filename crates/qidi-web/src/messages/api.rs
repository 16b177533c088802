//! The message centre as JSON.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::{Path, Query, State};
use axum::Json;
use qidi_store::messages::InAppMessage;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    unread: bool,
}

#[derive(Serialize)]
pub struct MessageList {
    unread: i64,
    messages: Vec<InAppMessage>,
}

pub async fn list(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<MessageList>, ApiError> {
    let messages = state.store.messages_for(&user, q.unread, 200).await?;
    Ok(Json(MessageList { unread: user.unread_messages, messages }))
}

#[derive(Serialize)]
pub struct Marked {
    marked: u64,
}

pub async fn read(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Marked>, ApiError> {
    Ok(Json(Marked { marked: state.store.mark_read(&user, Some(&id)).await? }))
}

pub async fn read_all(State(state): State<SharedState>, ApiUser(user): ApiUser) -> Result<Json<Marked>, ApiError> {
    Ok(Json(Marked { marked: state.store.mark_read(&user, None).await? }))
}
