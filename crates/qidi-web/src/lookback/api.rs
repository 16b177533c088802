//! The look-back reviews' JSON API.

use super::{deadline, numbers, rule};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use qidi_store::lookback::{NewFinding, Review, ReviewView};
use serde::Deserialize;

fn invalid(b: super::Bad) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", b.api())
}

pub async fn list(State(state): State<SharedState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Review>>, ApiError> {
    Ok(Json(state.store.lookback_reviews(&user).await?))
}

#[derive(Deserialize)]
pub struct OpenBody {
    title: String,
    rule: String,
    #[serde(default)]
    department: String,
    sample_size: Option<u32>,
    seed: Option<u64>,
}

pub async fn open(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Json(b): Json<OpenBody>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let r = rule(&b.rule, &b.department).map_err(invalid)?;
    let (size, seed) = numbers(&b.sample_size.map(|n| n.to_string()).unwrap_or_default(), "").map_err(invalid)?;
    let id = state.store.open_lookback(&user, &b.title, &r, size, b.seed.or(seed)).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

pub async fn detail(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ReviewView>, ApiError> {
    Ok(Json(state.store.lookback(&user, &id, qidi_store::today()).await?))
}

#[derive(Deserialize)]
pub struct FindingBody {
    object_type: String,
    object_id: String,
    finding: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    correction: String,
    #[serde(default)]
    deadline: String,
}

pub async fn finding(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(b): Json<FindingBody>,
) -> Result<StatusCode, ApiError> {
    let f = NewFinding {
        object_type: &b.object_type,
        object_id: &b.object_id,
        finding: super::finding(&b.finding).map_err(invalid)?,
        note: &b.note,
        correction: &b.correction,
        deadline: deadline(&b.deadline).map_err(invalid)?,
    };
    state.store.record_lookback_finding(&user, &id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct CorrectedBody {
    object_type: String,
    object_id: String,
    note: String,
}

pub async fn corrected(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(b): Json<CorrectedBody>,
) -> Result<StatusCode, ApiError> {
    state.store.close_lookback_correction(&user, &id, &b.object_type, &b.object_id, &b.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn close(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.store.close_lookback(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
