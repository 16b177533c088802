//! The handler's inbox (待办) and its Excel export, in the request's language.

use super::pages::{bad, lamp, opt, state_label, Lamp};
use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::i18n::{t1, tc};
use crate::throttle::ExportUser;
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use qidi_core::light::Light;
use qidi_core::role::ScopeLimit;
use qidi_core::workflow::inbox::{InboxFilter, InboxQuery, InboxSort};
use qidi_core::workflow::ClockKind;
use qidi_office::inbox_export::{InboxExportHeading, InboxExportRow, InboxWriter};
use qidi_store::users::User;
use qidi_store::workflow::{ApplicationRow, INBOX_EXPORT_BATCH, INBOX_EXPORT_LIMIT};
use qidi_store::StoreError;

struct InboxRow {
    id: String,
    lamp: Lamp,
    project_id: String,
    project_code: String,
    project_name: String,
    owner: String,
    item_type: String,
    department: String,
    state_label: String,
    clock: String,
    due_on: String,
    provisional: bool,
}

#[derive(Template)]
#[template(path = "workflow_inbox.html")]
struct InboxPage<'a> {
    user: &'a User,
    rows: Vec<InboxRow>,
    /// The filters as typed, for the form and the page links.
    query: InboxQuery,
    /// The query string without its page, for the page links.
    query_string: String,
    filter_error: Option<String>,
    item_types: Vec<(String, String)>,
    /// Departments to filter by: only for those who see several.
    departments: Vec<(String, String)>,
    total: usize,
    page: usize,
    pages: usize,
    /// The earliest-due cut of the inbox was reached: the page says so.
    capped: bool,
    limit: usize,
    /// The export of these filters is offered (not to an account that sees nothing).
    may_export: bool,
    export_limit: usize,
}

fn clock_label(kind: Option<&str>) -> String {
    match kind {
        Some(k @ ("initial_review" | "review" | "forward" | "notice_due")) => tc("workflow-inbox-clock", k),
        _ => "—".to_string(),
    }
}

pub async fn inbox(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(query): Query<InboxQuery>,
) -> Result<Response, PageError> {
    let (filter, filter_error) = match query.filter() {
        Ok(f) => (f, None),
        Err(e) => (InboxFilter::default(), Some(crate::i18n::explain_error(&e))),
    };
    let (rows, capped) = state.store.inbox_filtered(&user, &filter).await?;
    let total = rows.len();
    let (from, to) = filter.window(total);
    let rows = rows[from..to]
        .iter()
        .cloned()
        .map(|a| InboxRow {
            lamp: lamp(a.light, a.paused_since.is_some()),
            clock: clock_label(a.clock_kind.as_deref()),
            due_on: opt(&a.due_on),
            provisional: a.provisional,
            state_label: state_label(&a),
            id: a.id,
            project_id: a.project_id,
            project_code: a.project_code,
            project_name: a.project_name,
            owner: a.owner.unwrap_or_default(),
            item_type: a.item_type,
            department: a.handling_department,
        })
        .collect();
    let item_types = state.store.item_types(&user).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let departments = if user.scope().limit == qidi_core::role::ScopeLimit::Region {
        state.store.departments(&user.region()).await?.into_iter().map(|d| (d.id, d.name)).collect()
    } else {
        Vec::new()
    };
    let query_string = serde_urlencoded::to_string(InboxQuery { page: None, ..query.clone() }).unwrap_or_default();
    let page = InboxPage {
        user: &user,
        rows,
        query,
        query_string,
        filter_error,
        item_types,
        departments,
        total,
        page: filter.page as usize,
        pages: InboxFilter::pages(total),
        capped,
        limit: qidi_store::workflow::INBOX_LIMIT,
        may_export: user.scope().limit != ScopeLimit::Nothing,
        export_limit: INBOX_EXPORT_LIMIT,
    };
    Ok(render(&page))
}

/// The inbox with the same filters and order as the page, every page of it, as an
/// Excel list (at most [`INBOX_EXPORT_LIMIT`] rows; the file says when more were left
/// out). What the user may see, as on the page; nothing for an account that sees
/// nothing (404). On the record as `inbox.export`, with the filters and the row count.
pub async fn inbox_export(
    ExportUser(user): ExportUser,
    State(state): State<SharedState>,
    Query(query): Query<InboxQuery>,
) -> Result<Response, PageError> {
    if user.scope().limit == ScopeLimit::Nothing {
        return Err(PageError::not_found());
    }
    // Every page: the page number is not a filter.
    let filter = InboxQuery { page: None, ..query }
        .filter()
        .map_err(|e| bad(t1("workflow-inbox-filter-error", "error", crate::i18n::explain_error(&e))))?;
    let item_type = match &filter.item_type_id {
        Some(id) => state.store.item_types(&user).await?.into_iter().find(|t| t.id == *id).map(|t| t.name),
        None => None,
    };
    let department = match &filter.department_id {
        Some(id) => state.store.departments(&user.region()).await?.into_iter().find(|d| d.id == *id).map(|d| d.name),
        None => None,
    };
    let today = qidi_store::today();
    let calendar = state.store.work_calendar().await?;
    let heading = InboxExportHeading {
        filter: &filter,
        item_type: item_type.as_deref(),
        department: department.as_deref(),
        today,
    };
    let mut writer = InboxWriter::new(&heading, &calendar).map_err(|e| bad(e.to_string()))?;
    let done = state
        .store
        .inbox_each(&user, &filter, INBOX_EXPORT_BATCH, INBOX_EXPORT_LIMIT, |a| {
            writer.push(&export_row(a)).map_err(|e| StoreError::invalid(e.to_string()))
        })
        .await?;
    let bytes = writer.finish_to_buffer(done.capped.then_some(INBOX_EXPORT_LIMIT)).map_err(|e| bad(e.to_string()))?;
    let sort = match filter.sort {
        InboxSort::Light => "light",
        InboxSort::Due => "due",
        InboxSort::Project => "project",
    };
    let payload = serde_json::json!({
        "format": "xlsx",
        "filters": {
            "light": filter.light.map(Light::as_str),
            "item_type": filter.item_type_id,
            "department": filter.department_id,
            "q": filter.text,
            "sort": sort,
        },
        "rows": done.rows,
        "capped": done.capped,
    });
    state.store.record_export(&user, "inbox.export", "inbox", None, payload).await?;
    let name = t1("workflow-inbox-export-file", "date", today.to_string());
    Ok(crate::workflow::xlsx_download(bytes, &format!("inbox-{today}.xlsx"), &name))
}

/// An inbox row in the export's (core's) terms.
fn export_row(a: ApplicationRow) -> InboxExportRow {
    InboxExportRow {
        clock: a.clock_kind.as_deref().and_then(ClockKind::parse),
        paused: a.paused_since.is_some(),
        project_code: a.project_code,
        project_name: a.project_name,
        owner: a.owner,
        item_type: a.item_type,
        handling_department: a.handling_department,
        state: a.state,
        light: a.light,
        due_on: a.due_on,
        provisional: a.provisional,
    }
}
