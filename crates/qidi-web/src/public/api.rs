//! The public record as JSON: `/api/v1/public/…`, no sign-in.

use super::pages::{load_project, load_stats};
use super::{cached, PublicClient};
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qidi_core::public::{PublicProjectHit, SearchTerm};
use serde::Serialize;

const JSON: &str = "application/json";

fn json<T: Serialize>(headers: &HeaderMap, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| {
        tracing::error!(error = %e, "json error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", crate::i18n::t("api-error-internal"))
    })?;
    Ok(cached(headers, JSON, body))
}

fn unknown_project() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", crate::i18n::t("api-public-unknown-project"))
}

pub async fn project(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let p = load_project(&state, &code).await?.ok_or_else(unknown_project)?;
    json(&headers, &p)
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct SearchResult {
    /// At most this many projects are listed.
    limit: i64,
    projects: Vec<PublicProjectHit>,
}

/// `?q=` a project code (or its beginning) or part of a name.
pub async fn search(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let Some(term) = SearchTerm::parse(&query.q) else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            crate::i18n::t("api-public-empty-query"),
        ));
    };
    let projects = state.store.public_search(&term).await?.iter().map(PublicProjectHit::of).collect();
    json(&headers, &SearchResult { limit: qidi_store::public::SEARCH_LIMIT, projects })
}

pub async fn stats(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    json(&headers, &load_stats(&state).await?)
}
