//! JSON endpoints of the workflow. Same scope rules as the pages: what a user may not
//! see is 404.

use super::file_response;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use qidi_store::workflow::{
    ActOutcome, ActRequest, ApplicationDetail, ApplicationRow, ClockRecordFilter, ClockRecordRow, ItemType,
    ItemTypeEdit, NewItemType, ProjectApplications, ProjectHelper, StoredFile, TimelineStep,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    pub pending_item_id: String,
    #[serde(default)]
    pub client_token: Option<String>,
}

/// Open a draft: 201 when made, 200 when the same client token had made it already.
pub async fn create(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Json(body): Json<CreateBody>,
) -> Result<Response, ApiError> {
    let c = state.store.create_application(&user, &body.pending_item_id, body.client_token.as_deref()).await?;
    let status = if c.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(c)).into_response())
}

/// What awaits the user, with the inbox's filters (`light`, `item_type`, `department`,
/// `q`, `sort`); every row, not a page.
pub async fn inbox(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    axum::extract::Query(query): axum::extract::Query<qidi_core::workflow::inbox::InboxQuery>,
) -> Result<Json<Vec<ApplicationRow>>, ApiError> {
    let filter =
        query.filter().map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    Ok(Json(state.store.inbox_filtered(&user, &filter).await?.0))
}

/// The facts of lateness: `?department=CODE&month=YYYY-MM&outcome=late|on_time|deemed`.
pub async fn clock_records(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(filter): Query<ClockRecordFilter>,
) -> Result<Json<Vec<ClockRecordRow>>, ApiError> {
    Ok(Json(state.store.clock_records(&user, &filter).await?))
}

pub async fn detail(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationDetail>, ApiError> {
    Ok(Json(state.store.application_detail(&user, &id).await?))
}

/// Take one step: `{action: {type: …}, client_token, expected_version, reason}`. For
/// `submit` and `resubmit` the materials are the files uploaded, so the action needs
/// no `materials` list (one sent is ignored).
pub async fn act(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ActOutcome>, ApiError> {
    let invalid = |m: String| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", crate::i18n::t1("api-malformed", "detail", m))
    };
    let Json(mut body) = body.map_err(|e| invalid(e.body_text()))?;
    if let Some(action) = body.get_mut("action").and_then(|a| a.as_object_mut()) {
        if matches!(action.get("type").and_then(|t| t.as_str()), Some("submit" | "resubmit")) {
            action.entry("materials").or_insert_with(|| serde_json::json!([]));
        }
    }
    let req: ActRequest = serde_json::from_value(body).map_err(|e| invalid(e.to_string()))?;
    Ok(Json(state.store.act(&user, &id, req).await?))
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// The original file name, shown and sent back on download.
    #[serde(default)]
    pub name: Option<String>,
}

/// Upload the file for one required material: the body is the file itself.
pub async fn upload(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let name = q.name.unwrap_or_else(|| code.clone());
    let file =
        state.store.upload_material(&state.config.data_dir, &user, &id, &code, &name, content_type, &body).await?;
    Ok((StatusCode::CREATED, Json(file)).into_response())
}

pub async fn download(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (file, bytes): (StoredFile, Vec<u8>) =
        state.store.download_file(&state.config.data_dir, &user, &id, &file_id).await?;
    Ok(file_response(&file, bytes))
}

pub async fn my_projects(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ProjectApplications>>, ApiError> {
    Ok(Json(state.store.my_projects(&user).await?))
}

#[derive(serde::Serialize)]
pub struct TimelineEntry {
    pub application: ApplicationRow,
    pub steps: Vec<TimelineStep>,
}

pub async fn project_timeline(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    let t = state.store.project_timeline(&user, &id).await?;
    Ok(Json(t.into_iter().map(|(application, steps)| TimelineEntry { application, steps }).collect()))
}

pub async fn helpers(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<ProjectHelper>>, ApiError> {
    Ok(Json(state.store.project_helpers(&user, &id).await?))
}

#[derive(Debug, Deserialize)]
pub struct AssignBody {
    pub username: String,
}

/// The office names a helper for a project.
pub async fn assign_helper(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(body): Json<AssignBody>,
) -> Result<Json<ProjectHelper>, ApiError> {
    Ok(Json(state.store.assign_helper(&user, &id, &body.username).await?))
}

#[derive(Debug, Deserialize)]
pub struct AuthoriseBody {
    pub authorised: bool,
}

/// The project unit authorises its helper (or withdraws the authorisation).
pub async fn authorise_helper(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path((id, helper)): Path<(String, String)>,
    Json(body): Json<AuthoriseBody>,
) -> Result<Json<ProjectHelper>, ApiError> {
    Ok(Json(state.store.authorise_helper(&user, &id, &helper, body.authorised).await?))
}

pub async fn item_types(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ItemType>>, ApiError> {
    Ok(Json(state.store.item_types(&user).await?))
}

pub async fn item_type(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ItemType>, ApiError> {
    Ok(Json(state.store.item_type(&user, &id).await?))
}

/// The office adds an item type (201); the addition is on the record.
pub async fn create_item_type(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<NewItemType>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<ItemType>), ApiError> {
    let Json(new) = body.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            crate::i18n::t1("api-malformed", "detail", e.body_text()),
        )
    })?;
    Ok((StatusCode::CREATED, Json(state.store.create_item_type(&user, &new).await?)))
}

pub async fn retire_item_type(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ItemType>, ApiError> {
    Ok(Json(state.store.set_item_type_retired(&user, &id, true).await?))
}

pub async fn restore_item_type(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ItemType>, ApiError> {
    Ok(Json(state.store.set_item_type_retired(&user, &id, false).await?))
}

/// The office edits an item type; the change is on the record.
pub async fn update_item_type(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<ItemTypeEdit>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ItemType>, ApiError> {
    let Json(edit) = body.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            crate::i18n::t1("api-malformed", "detail", e.body_text()),
        )
    })?;
    Ok(Json(state.store.update_item_type(&user, &id, &edit).await?))
}
