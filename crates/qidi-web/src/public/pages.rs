//! The public pages: search and statistics, a project's record, its QR sheet.

use super::{cached, chart, PublicClient};
use crate::error::PageError;
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qidi_core::public::{PublicProject, PublicProjectHit, PublicStats, SearchTerm};
use serde::Deserialize;

const HTML: &str = "text/html; charset=utf-8";

pub(super) fn not_found() -> PageError {
    PageError::Status(
        StatusCode::NOT_FOUND,
        "未找到该项目代码对应的项目。请核对项目代码（形如 2022-152529-44-01-012345），或在“阳光审批”首页（/public）按项目名称查询。"
            .into(),
    )
}

fn html<T: Template>(headers: &HeaderMap, page: &T) -> Result<Response, PageError> {
    let body = page.render().map_err(|e| {
        tracing::error!(error = %e, "template error");
        PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败，请稍后再试".into())
    })?;
    Ok(cached(headers, HTML, body.into_bytes()))
}

/// The public record of a project on today, if a project has that code.
pub(super) async fn load_project(
    state: &SharedState,
    code: &str,
) -> Result<Option<PublicProject>, qidi_store::StoreError> {
    let Some(src) = state.store.public_project_source(code).await? else { return Ok(None) };
    let calendar = state.store.work_calendar().await?;
    Ok(Some(PublicProject::of(&src, &calendar, qidi_store::today())))
}

pub(super) async fn load_stats(state: &SharedState) -> Result<PublicStats, qidi_store::StoreError> {
    Ok(PublicStats::of(&state.store.public_stats_source().await?, qidi_store::today()))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct IndexPage {
    q: String,
    searched: bool,
    hits: Vec<PublicProjectHit>,
    stats: PublicStats,
    chart: Option<String>,
}

pub async fn index(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let term = SearchTerm::parse(&query.q);
    let hits = match &term {
        Some(t) => state.store.public_search(t).await?.iter().map(PublicProjectHit::of).collect(),
        None => Vec::new(),
    };
    let stats = load_stats(&state).await?;
    let chart = chart::burn_down(&stats.burn_down, stats.campaign_ends_on);
    let q = query.q.trim().chars().take(qidi_core::public::MAX_SEARCH_CHARS).collect();
    html(&headers, &IndexPage { q, searched: term.is_some(), hits, stats, chart })
}

#[derive(Template)]
#[template(path = "public_project.html")]
struct ProjectPage {
    p: PublicProject,
    path: String,
}

pub async fn project(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let p = load_project(&state, &code).await?.ok_or_else(not_found)?;
    let path = super::project_path(&p.code);
    html(&headers, &ProjectPage { p, path })
}

#[derive(Template)]
#[template(path = "public_qr.html")]
struct QrSheet {
    p: PublicProject,
    path: String,
    url: String,
}

/// A printable sheet for the project's notice board: the QR code, the project's name
/// and code, and the address it points at.
pub async fn qr_sheet(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let p = load_project(&state, &code).await?.ok_or_else(not_found)?;
    let path = super::project_path(&p.code);
    let url = format!("{}{path}", qidi_store::messages::public_url());
    html(&headers, &QrSheet { p, path, url })
}
