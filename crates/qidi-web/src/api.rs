//! The JSON API. Same scope rules as the pages: what a user may not see is 404.

use crate::auth::{client_addr, client_ip, session_cookie, ApiUser};
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::{Path, Query, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use qidi_store::ledger::{LedgerSummary, PendingItemRow, ProjectRow};
use qidi_store::users::User;
use serde::Deserialize;

pub async fn readyz(State(state): State<SharedState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

pub async fn me(ApiUser(user): ApiUser) -> Json<User> {
    Json(user)
}

pub async fn summary(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<LedgerSummary>, ApiError> {
    Ok(Json(state.store.ledger_summary(&user.scope()).await?))
}

#[derive(Debug, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Keyset paging: projects after this key (`REGION/CODE`, the last one of the
    /// previous page). Every page then costs the same however deep.
    #[serde(default)]
    pub after: Option<String>,
}

impl Paging {
    pub fn limit_offset(&self) -> (i64, i64) {
        let per = i64::from(self.per_page.unwrap_or(50).clamp(1, 500));
        let page = i64::from(self.page.unwrap_or(1).max(1));
        (per, (page - 1) * per)
    }
}

pub async fn projects(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Vec<ProjectRow>>, ApiError> {
    let (limit, offset) = paging.limit_offset();
    let scope = user.scope();
    let rows = match paging.after.as_deref().map(qidi_store::ledger::ProjectKey::parse) {
        Some(Some(key)) => {
            state.store.list_projects_from(&scope, limit, &key, qidi_store::ledger::PageDirection::After).await?
        }
        Some(None) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_key",
                "`after` is REGION/CODE, e.g. 152529/2016-152529-44-01-010000",
            ))
        }
        None => state.store.list_projects(&scope, limit, offset).await?,
    };
    Ok(Json(rows))
}

pub async fn project(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let page = state.store.project_page(&user.scope(), &id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(serde_json::json!({ "project": page.project, "pending_items": page.items })))
}

pub async fn pending_items(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<PendingItemRow>>, ApiError> {
    Ok(Json(state.store.list_pending_items(&user.scope(), 5000).await?))
}

#[derive(Debug, Deserialize)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

/// Sign in for API clients: sets the same session cookie as the page.
pub async fn login(
    State(state): State<SharedState>,
    parts: Parts,
    Json(body): Json<LoginBody>,
) -> Result<Response, ApiError> {
    if let Err(wait) = state.login_throttle.check_both(client_ip(&parts), &body.username) {
        let mut res =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", crate::pages::throttled_message(wait))
                .into_response();
        let (name, value) = crate::pages::retry_after(wait);
        res.headers_mut().insert(name, value);
        return Ok(res);
    }
    match state.store.login(&body.username, &body.password, client_addr(&parts).as_deref()).await? {
        Ok((user, token)) => {
            let mut res = Json(user).into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.config.secure_cookies));
            Ok(res)
        }
        Err(f) => Err(ApiError::new(StatusCode::UNAUTHORIZED, "login_failed", crate::pages::login_failure_message(&f))),
    }
}
