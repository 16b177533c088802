//! The hotline's JSON API: intake and follow-up for the platform, the complaints for
//! signed-in people.

use super::HotlineToken;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qidi_core::hotline::{Action, Category, FieldError, OrderInput, StepLimits, Urgency};
use qidi_core::RegionCode;
use qidi_store::hotline::{Complaint, ComplaintDetail, IntakeSource, LimitRow};
use serde::Deserialize;

/// 422 naming the refused field: `{error: {code: "invalid", field, message}}`.
pub(super) fn field_error(e: &FieldError) -> Response {
    let body = serde_json::json!({ "error": { "code": "invalid", "field": e.field, "message": e.message } });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// 422 for a body that is not the JSON asked for: `hint` says what is needed (in the
/// request's language), and axum's detail (in English, naming the field) follows.
fn bad_json(e: &JsonRejection, hint: &str) -> ApiError {
    let message = crate::i18n::t2("api-malformed-hint", "hint", hint, "detail", e.body_text());
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
}

pub async fn intake(
    State(state): State<SharedState>,
    HotlineToken(token): HotlineToken,
    body: Result<Json<OrderInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(input) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-hotline-order")))?;
    let order = match input.check() {
        Ok(o) => o,
        Err(e) => return Ok(field_error(&e)),
    };
    let region = RegionCode::parse(&token.region_code).map_err(|_| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", crate::i18n::t("api-token-region"))
    })?;
    let intake = state.store.intake_hotline_order(&region, IntakeSource::Api(&token), &order).await?;
    let status = if intake.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(intake)).into_response())
}

#[derive(Deserialize)]
pub struct FollowUpBody {
    satisfied: bool,
    #[serde(default)]
    note: String,
}

pub async fn follow_up(
    State(state): State<SharedState>,
    HotlineToken(token): HotlineToken,
    Path(number): Path<String>,
    body: Result<Json<FollowUpBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-hotline-follow-up")))?;
    let id = state.store.hotline_follow_up(&token, &number, b.satisfied, &b.note).await?;
    Ok(Json(serde_json::json!({ "id": id, "order_number": number })).into_response())
}

pub async fn list(State(state): State<SharedState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Complaint>>, ApiError> {
    Ok(Json(state.store.hotline_complaints(&user).await?))
}

#[derive(Deserialize)]
pub struct ByPhoneBody {
    phone: String,
}

/// The orders of one caller, by phone. A POST, so that the number stays out of URLs
/// and the logs that keep them.
pub async fn by_phone(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<ByPhoneBody>, JsonRejection>,
) -> Result<Json<Vec<Complaint>>, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-hotline-phone")))?;
    Ok(Json(state.store.hotline_complaints_by_phone(&user, &b.phone).await?))
}

pub async fn detail(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(state.store.hotline_complaint(&user, &id).await?))
}

#[derive(Deserialize)]
pub struct ActBody {
    action: Action,
}

pub async fn act(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<ActBody>, JsonRejection>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-hotline-action")))?;
    state.store.hotline_act(&user, &id, b.action).await?;
    Ok(Json(state.store.hotline_complaint(&user, &id).await?))
}

pub async fn unmask(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let phone = state.store.hotline_unmask_phone(&user, &id).await?;
    Ok(Json(serde_json::json!({ "caller_phone": phone })))
}

#[derive(Deserialize)]
pub struct SubstantiatedBody {
    department: String,
    #[serde(default)]
    item_type: Option<String>,
    note: String,
}

pub async fn substantiated(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<SubstantiatedBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-hotline-substantiated")))?;
    let s =
        state.store.record_hotline_substantiated(&user, &id, &b.department, b.item_type.as_deref(), &b.note).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

pub async fn limits(State(state): State<SharedState>, ApiUser(user): ApiUser) -> Result<Json<Vec<LimitRow>>, ApiError> {
    Ok(Json(state.store.hotline_limit_table(&user.region_code).await?))
}

#[derive(Deserialize)]
pub struct LimitsBody {
    category: Category,
    urgency: Urgency,
    #[serde(flatten)]
    limits: StepLimits,
}

pub async fn set_limits(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<LimitsBody>, JsonRejection>,
) -> Result<Json<Vec<LimitRow>>, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-hotline-limits")))?;
    state.store.set_hotline_limits(&user, b.category, b.urgency, b.limits).await?;
    Ok(Json(state.store.hotline_limit_table(&user.region_code).await?))
}
