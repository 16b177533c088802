//! The audit administrator's search of the record (`/audit`, `GET /api/v1/audit/events`):
//! every event of the region, newest first, narrowed by action, who acted, object,
//! outcome, request, client address and days, paged by the chain's `seq`. Every other
//! role gets 404.

use crate::auth::{ApiUser, PageUser};
use crate::error::{render, ApiError, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use qidi_core::record_query::{may_search_record, RecordQuery, PAGE};
use qidi_store::events::RecordEntry;
use qidi_store::users::User;
use serde::Deserialize;

pub fn routes() -> Router<SharedState> {
    Router::new().route("/audit", get(page)).route("/api/v1/audit/events", get(api))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(flatten)]
    query: RecordQuery,
    /// Events older than this `seq`.
    before: Option<i64>,
}

/// One page of the search, and the `seq` the next page starts below.
async fn search(
    state: &SharedState,
    user: &User,
    q: &SearchQuery,
) -> Result<Result<(Vec<RecordEntry>, Option<i64>), qidi_core::record_query::RecordQueryError>, qidi_store::StoreError>
{
    let filter = match q.query.filter() {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let mut found = state.store.search_record(&user.scope().region_prefix, &filter, q.before, PAGE + 1).await?;
    let more = found.len() > PAGE as usize;
    found.truncate(PAGE as usize);
    let next = if more { found.last().map(|e| e.event.seq) } else { None };
    Ok(Ok((found, next)))
}

async fn api(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    if !may_search_record(user.role) {
        return Err(ApiError::not_found());
    }
    match search(&state, &user, &q).await? {
        Ok((events, next)) => Ok(Json(serde_json::json!({ "events": events, "next_before": next })).into_response()),
        Err(e) => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query", e.to_string())),
    }
}

struct Row {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
    outcome: String,
    client: String,
    request_id: String,
    payload: String,
}

impl Row {
    fn of(e: RecordEntry) -> Row {
        let ev = e.event;
        let role = ev
            .actor_role
            .as_deref()
            .and_then(qidi_core::Role::parse)
            .map(|r| crate::i18n::tc("role", r.as_str()))
            .unwrap_or_default();
        Row {
            seq: ev.seq,
            at: ev.at.get(..19).unwrap_or(&ev.at).replace('T', " "),
            actor: match (e.actor_username, role) {
                (Some(u), r) if !r.is_empty() => crate::i18n::t2("audit-actor-with-role", "user", u, "role", r),
                (Some(u), _) => u,
                (None, _) => crate::i18n::t("audit-actor-system"),
            },
            action: ev.action,
            object: format!("{} {}", ev.object_type, ev.object_id.unwrap_or_default()).trim().to_string(),
            outcome: ev.outcome,
            client: ev.client_addr.unwrap_or_default(),
            request_id: ev.request_id.unwrap_or_default(),
            payload: ev.payload.chars().take(200).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    user: &'a User,
    query: RecordQuery,
    rows: Vec<Row>,
    error: Option<String>,
    next: Option<String>,
}

async fn page(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    if !may_search_record(user.role) {
        return Err(PageError::not_found());
    }
    let mut view = AuditPage { user: &user, query: q.query.clone(), rows: Vec::new(), error: None, next: None };
    let status = match search(&state, &user, &q).await? {
        Ok((events, next)) => {
            view.rows = events.into_iter().map(Row::of).collect();
            view.next = next.map(|seq| {
                let mut params = serde_urlencoded::to_string(&q.query).unwrap_or_default();
                params.push_str(&format!("&before={seq}"));
                params
            });
            StatusCode::OK
        }
        Err(e) => {
            view.error = Some(crate::i18n::explain_error(&e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    Ok((status, render(&view)).into_response())
}
