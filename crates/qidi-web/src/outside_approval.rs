//! Recording an approval made outside the system (系统外审批) as JSON:
//!
//! - `POST /api/v1/pending-items/{id}/outside-approval`
//!   `{"document_number", "decided_on": "YYYY-MM-DD", "note"?}`: 201 with the record;
//!   the pending item is granted and its baseline entry reduced in the same transaction.
//!   An item the user cannot see is 404; one they see but may not grant is 403; a blank
//!   number or a date in the future is 422; an item already granted or under way is 409.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;

pub fn routes() -> Router<SharedState> {
    Router::new().route("/api/v1/pending-items/{id}/outside-approval", post(record))
}

#[derive(Deserialize)]
pub struct OutsideApprovalBody {
    document_number: String,
    decided_on: NaiveDate,
    #[serde(default)]
    note: Option<String>,
}

pub async fn record(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<OutsideApprovalBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            crate::i18n::t2(
                "api-malformed-hint",
                "hint",
                crate::i18n::t("api-hint-outside-approval"),
                "detail",
                e.body_text(),
            ),
        )
    })?;
    let record =
        state.store.record_outside_approval(&user, &id, &b.document_number, b.decided_on, b.note.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}
