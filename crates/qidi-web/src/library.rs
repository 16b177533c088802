//! The project library (项目库): a page at a time, by key, and filtered.

use crate::auth::{ClientAddr, PageUser};
use crate::error::{render, PageError};
use crate::pages::ProjectView;
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use qidi_core::project::{LibraryFilter, LibraryQuery};
use qidi_store::ledger::{PageDirection, ProjectKey};
use qidi_store::users::User;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage<'a> {
    user: &'a User,
    projects: Vec<ProjectView>,
    page: u32,
    prev_page: u32,
    /// Keys of the pages before and after this one (`REGION/CODE`), if there are any.
    previous: Option<String>,
    next: Option<String>,
    /// The filters as typed, for the form and for the links (`q=…&light=…&`).
    query: LibraryQuery,
    query_string: String,
    filtered: bool,
    /// A filtered page past the first.
    q_after_set: bool,
    /// Why the filters could not be read, if they could not.
    filter_error: Option<String>,
    /// A filtered page that did not fill: how many projects it looked at.
    looked_at: Option<i64>,
    departments: Vec<(String, String)>,
    item_types: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
    /// Keyset paging: the page after (or before) this project key (`REGION/CODE`).
    after: Option<String>,
    before: Option<String>,
    q: Option<String>,
    department: Option<String>,
    item_type: Option<String>,
    light: Option<String>,
    year: Option<String>,
    stage: Option<String>,
}

const PER_PAGE: u32 = 50;

/// The project library, a page at a time. Links move by key (`after`, `before`), so
/// every page costs the same however deep; `page` alone still opens a page by number.
/// With filters (`q`, `department`, `item_type`, `light`, `year`, `stage`) pages go
/// forward by key, each looking at a bounded part of the library
/// (`qidi_store::library`).
pub async fn projects(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    ClientAddr(addr): ClientAddr,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let query = LibraryQuery {
        q: q.q.clone(),
        department: q.department.clone(),
        item_type: q.item_type.clone(),
        light: q.light.clone(),
        year: q.year.clone(),
        stage: q.stage.clone(),
    };
    let departments = state.store.departments(&user.region()).await?.into_iter().map(|d| (d.id, d.name)).collect();
    let item_types = state.store.item_types(&user).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let mut view = ProjectsPage {
        user: &user,
        projects: Vec::new(),
        page,
        prev_page: page.saturating_sub(1).max(1),
        previous: None,
        next: None,
        query_string: serde_urlencoded::to_string(&query).unwrap_or_default(),
        query: query.clone(),
        filtered: false,
        q_after_set: q.after.is_some(),
        filter_error: None,
        looked_at: None,
        departments,
        item_types,
    };
    match query.filter() {
        Err(e) => view.filter_error = Some(e.to_string()),
        Ok(filter) if !filter.is_empty() => {
            // A search may test thousands of projects: it has a rate of its own.
            if let Err(wait) = state.search_throttle.check_both(addr, &user.id) {
                return Ok(crate::throttle::too_many("/projects", wait));
            }
            view.filtered = true;
            filtered(&state, &user, &filter, &q, &mut view).await?;
        }
        Ok(_) => unfiltered(&state, &user, &q, &mut view).await?,
    }
    Ok(render(&view))
}

async fn filtered(
    state: &SharedState,
    user: &User,
    filter: &LibraryFilter,
    q: &PageQuery,
    view: &mut ProjectsPage<'_>,
) -> Result<(), PageError> {
    let after = q.after.as_deref().and_then(ProjectKey::parse);
    let found = state.store.find_projects(&user.scope(), filter, after.as_ref(), i64::from(PER_PAGE)).await?;
    view.looked_at = found.looked_at;
    view.next = found.next.map(|k| k.to_string());
    view.projects = found.projects.into_iter().map(ProjectView::from).collect();
    Ok(())
}

async fn unfiltered(
    state: &SharedState,
    user: &User,
    q: &PageQuery,
    view: &mut ProjectsPage<'_>,
) -> Result<(), PageError> {
    let scope = user.scope();
    let page = view.page;
    let want = i64::from(PER_PAGE) + 1;
    let keyed = |t: &Option<String>| t.as_deref().and_then(ProjectKey::parse);
    let from = match (keyed(&q.after), keyed(&q.before)) {
        (Some(k), _) => Some((k, PageDirection::After)),
        (None, Some(k)) => Some((k, PageDirection::Before)),
        (None, None) => None,
    };
    let mut projects = match &from {
        Some((k, d)) => state.store.list_projects_from(&scope, want, k, *d).await?,
        None => state.store.list_projects(&scope, want, i64::from((page - 1) * PER_PAGE)).await?,
    };
    let direction = from.map(|(_, d)| d);
    let more = projects.len() > PER_PAGE as usize;
    if more {
        // The extra row tells that there is more in the direction of travel.
        match direction {
            Some(PageDirection::Before) => {
                projects.remove(0);
            }
            _ => projects.truncate(PER_PAGE as usize),
        }
    }
    let first = projects.first().map(|p| ProjectKey::of(p).to_string());
    let last = projects.last().map(|p| ProjectKey::of(p).to_string());
    (view.previous, view.next) = match direction {
        Some(PageDirection::Before) => (first.filter(|_| more), last),
        Some(PageDirection::After) => (first, last.filter(|_| more)),
        None => (first.filter(|_| page > 1), last.filter(|_| more)),
    };
    view.projects = projects.into_iter().map(ProjectView::from).collect();
    Ok(())
}
