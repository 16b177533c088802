//! The assessment's JSON API.

use super::{may_read, period, scoped, visible};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use qidi_core::assessment::Profile;
use qidi_store::assessment::{AssessmentResult, NewEntry, StoredProfile};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Ask {
    period: Option<String>,
    profile: Option<i64>,
}

pub async fn assessment(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<Ask>,
) -> Result<Json<AssessmentResult>, ApiError> {
    if !may_read(&user) {
        return Err(ApiError::not_found());
    }
    let p = period(&state.store, &user, q.period.as_deref()).await?;
    let mut r = state.store.assessment(&user.region(), &p, q.profile, qidi_store::today()).await?;
    r.assessment = scoped(r.assessment, visible(&state.store, &user).await?.as_deref());
    Ok(Json(r))
}

pub async fn profile(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<StoredProfile>, ApiError> {
    if !may_read(&user) {
        return Err(ApiError::not_found());
    }
    Ok(Json(state.store.assessment_profile(&user.region()).await?))
}

/// The whole profile as JSON (numbers in hundredths of a point); saved as a new version.
pub async fn save_profile(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Json(p): Json<Profile>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let version = state.store.save_assessment_profile(&user, &p).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "version": version }))))
}

#[derive(Deserialize)]
pub struct EntryBody {
    department: String,
    /// Points 0–100, up to two decimals, as text or number.
    score: serde_json::Value,
    comment: String,
    project_code: Option<String>,
}

pub async fn add_entry(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Json(b): Json<EntryBody>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let text = match &b.score {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let score = qidi_core::assessment::parse_centi(&text)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("score：{e}")))?;
    let id = state
        .store
        .record_assessment_entry(
            &user,
            &NewEntry {
                department: &b.department,
                score,
                comment: &b.comment,
                project_code: b.project_code.as_deref(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}
