//! The project library (项目库): a page at a time, by key, and filtered; and every
//! project a filter finds as an Excel file (`/projects/export`).

use crate::auth::{ClientAddr, PageUser};
use crate::error::{render, PageError};
use crate::ledger::unprocessable;
use crate::pages::ProjectView;
use crate::throttle::ExportUser;
use crate::SharedState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use chrono::NaiveDate;
use qidi_core::ledger::may_export;
use qidi_core::names::NameTable;
use qidi_core::project::{LibraryFilter, LibraryQuery};
use qidi_core::role::{Scope, ScopeLimit};
use qidi_office::{ExportSheets, LedgerWriter};
use qidi_store::ledger::{PageDirection, ProjectKey};
use qidi_store::users::User;
use qidi_store::{Store, StoreError};
use serde::Deserialize;
use std::ops::ControlFlow;

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
    /// The link to export what the filters find (`/projects/export?…`), for those who
    /// may export.
    export: Option<String>,
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
        export: None,
    };
    if may_export(user.role) {
        view.export = Some(match view.query_string.as_str() {
            "" => "/projects/export".to_string(),
            q => format!("/projects/export?{q}"),
        });
    }
    match query.filter() {
        Err(e) => view.filter_error = Some(crate::i18n::explain_error(&e)),
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

/// Data rows an export of the library holds at most (one per pending item; a project
/// without one takes a row). The projects past it are left out, and the file's title
/// says so.
pub(crate) const EXPORT_MAX_ROWS: u64 = 100_000;

/// Projects the store reads per batch for an export.
const EXPORT_BATCH: i64 = 500;

/// Every project in the user's scope that the filters (as `/projects` takes them) find,
/// not one page: an Excel file in the layout of `/ledger/export` (sheets 台账 and 明细,
/// each project with its pending items), on the record as `library.export`.
pub async fn export(
    ExportUser(user): ExportUser,
    State(state): State<SharedState>,
    Query(query): Query<LibraryQuery>,
) -> Result<Response, PageError> {
    if !may_export(user.role) {
        return Err(PageError::not_found());
    }
    let filter = query
        .filter()
        .map_err(|e| unprocessable(crate::i18n::t1("library-filter-error", "error", crate::i18n::explain_error(&e))))?;
    let today = qidi_store::today();
    let book = workbook(&state.store, &user, &filter, today, EXPORT_MAX_ROWS).await?;
    let payload = serde_json::json!({
        "format": "xlsx",
        "filters": filters_json(&filter),
        "projects": book.projects,
        "rows": book.rows,
        "capped": book.capped.then_some(EXPORT_MAX_ROWS),
    });
    state.store.record_export(&user, "library.export", "library", None, payload).await?;
    let name = crate::i18n::t1("library-export-file", "date", today.to_string());
    let mut res = crate::workflow::xlsx_download(book.bytes, &format!("library-{today}.xlsx"), &name);
    if book.capped {
        // Also for a client that does not open the file: the rows it holds at most.
        res.headers_mut().insert(HeaderName::from_static("x-qidi-export-capped"), HeaderValue::from(EXPORT_MAX_ROWS));
    }
    Ok(res)
}

/// The filters of an export as its record names them (checked: trimmed, ids, codes).
fn filters_json(f: &LibraryFilter) -> serde_json::Value {
    serde_json::json!({
        "q": f.text,
        "department": f.department_id,
        "item_type": f.item_type_id,
        "light": f.light.map(|l| l.as_str()),
        "year": f.year,
        "stage": f.stage.map(|s| s.as_str()),
    })
}

/// An export's file and what it holds.
struct LibraryBook {
    bytes: Vec<u8>,
    projects: u64,
    rows: u64,
    /// Projects were left out at `max_rows`.
    capped: bool,
}

/// The workbook of every project in `user`'s scope that `filter` finds, at most
/// `max_rows` data rows. Its title is the ledger's (the region's, and a department's
/// own unit for a department), followed by the filters in Chinese; when projects were
/// left out, also by that. The title row is written first, and whether the cap is hit
/// is known last: the rare export that hits it is written again under the longer title.
async fn workbook(
    store: &Store,
    user: &User,
    filter: &LibraryFilter,
    today: NaiveDate,
    max_rows: u64,
) -> Result<LibraryBook, PageError> {
    let region = user.region();
    let scope = user.scope();
    let own = match &scope.limit {
        ScopeLimit::Department(d) => Some(d.as_str()),
        _ => None,
    };
    let (title, unit) = store.export_heading(&region, own).await?;
    let names = store.name_table(&region).await?;
    let title = match filters_zh(store, user, filter).await? {
        None => title,
        Some(filters) => format!("{title}（项目库筛选：{filters}）"),
    };
    let book = write_book(store, &scope, filter, (&title, &unit, today), &names, max_rows).await?;
    if !book.capped {
        return Ok(book);
    }
    let title = format!("{title}（符合条件的项目超出导出上限 {max_rows} 行，本表未全部列出）");
    let mut again = write_book(store, &scope, filter, (&title, &unit, today), &names, max_rows).await?;
    // Capped the first time: the note stays, even if projects went since.
    again.capped = true;
    Ok(again)
}

/// One pass of [`workbook`] under the heading `(title, unit, date)`.
async fn write_book(
    store: &Store,
    scope: &Scope,
    filter: &LibraryFilter,
    (title, unit, date): (&str, &str, NaiveDate),
    names: &NameTable,
    max_rows: u64,
) -> Result<LibraryBook, PageError> {
    let mut writer = LedgerWriter::new(title, unit, date, names, ExportSheets::Both)
        .map_err(|e| unprocessable(crate::i18n::explain_error(&e)))?;
    let mut capped = false;
    let projects = store
        .export_library(scope, filter, EXPORT_BATCH, |p| {
            if writer.rows() + p.items.len().max(1) as u64 > max_rows {
                capped = true;
                return Ok(ControlFlow::Break(()));
            }
            writer.push(&p).map_err(|e| StoreError::invalid(&e))?;
            Ok(ControlFlow::Continue(()))
        })
        .await?;
    let (bytes, rows) = writer.finish_to_buffer().map_err(|e| unprocessable(crate::i18n::explain_error(&e)))?;
    Ok(LibraryBook { bytes, projects, rows, capped })
}

/// The filters set, in Chinese for the file's title (`预警灯：红灯；立项年度：2019`), or
/// `None` when there are none. A department or item type is named as the page's lists
/// name it; an id that names none is shown as it is (it finds nothing).
async fn filters_zh(store: &Store, user: &User, f: &LibraryFilter) -> Result<Option<String>, StoreError> {
    let mut parts = Vec::new();
    if let Some(text) = &f.text {
        parts.push(format!("关键词“{text}”"));
    }
    if let Some(id) = &f.department_id {
        let name = store.departments(&user.region()).await?.into_iter().find(|d| d.id == *id).map(|d| d.name);
        parts.push(format!("部门：{}", name.unwrap_or_else(|| id.clone())));
    }
    if let Some(id) = &f.item_type_id {
        let name = store.item_types(user).await?.into_iter().find(|t| t.id == *id).map(|t| t.name);
        parts.push(format!("待批事项：{}", name.unwrap_or_else(|| id.clone())));
    }
    if let Some(light) = f.light {
        parts.push(format!("预警灯：{}", light.label_zh()));
    }
    if let Some(year) = f.year {
        parts.push(format!("立项年度：{year}"));
    }
    if let Some(stage) = f.stage {
        parts.push(format!("建设状态：{}", stage.label_zh()));
    }
    Ok((!parts.is_empty()).then(|| parts.join("；")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qidi_office::{read_ledger_bytes, ImportOptions};
    use qidi_store::testing::{banner, on_each_backend};

    /// An export that reaches its cap holds whole projects up to it, in library order,
    /// and its title says that some were left out; one under the cap says nothing.
    #[tokio::test]
    async fn an_export_past_its_cap_says_so_in_its_title() {
        on_each_backend(|store| async move {
            store.load_demo(&banner()).await.unwrap();
            let office = store.user_by_username("office").await.unwrap().unwrap();
            let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
            let every = LibraryFilter::default();
            let whole = workbook(&store, &office, &every, today, EXPORT_MAX_ROWS).await.unwrap();
            assert!(!whole.capped && whole.projects > 20, "{} projects", whole.projects);
            let all = read_ledger_bytes(&whole.bytes, &ImportOptions::default()).unwrap();
            assert_eq!(all.title.as_deref(), Some("正镶白旗待批项目台账"));
            assert_eq!(all.projects.len() as u64, whole.projects);

            let cut = workbook(&store, &office, &every, today, 10).await.unwrap();
            assert!(cut.capped && cut.rows <= 10 && cut.projects > 0, "{} rows", cut.rows);
            let back = read_ledger_bytes(&cut.bytes, &ImportOptions::default()).unwrap();
            assert_eq!(
                back.title.as_deref(),
                Some("正镶白旗待批项目台账（符合条件的项目超出导出上限 10 行，本表未全部列出）")
            );
            assert_eq!(back.projects.len() as u64, cut.projects);
            let codes = |l: &qidi_core::ledger_file::LedgerImport| {
                l.projects.iter().map(|p| p.code.as_str().to_string()).collect::<Vec<_>>()
            };
            assert_eq!(codes(&back)[..], codes(&all)[..back.projects.len()]);
            // The next project would have passed the cap.
            let next = &all.projects[back.projects.len()];
            assert!(cut.rows + next.items.len().max(1) as u64 > 10);

            // With filters, the title names them in Chinese.
            let red = LibraryQuery { light: Some("red".into()), year: Some("2019".into()), ..Default::default() };
            let book = workbook(&store, &office, &red.filter().unwrap(), today, EXPORT_MAX_ROWS).await.unwrap();
            let back = read_ledger_bytes(&book.bytes, &ImportOptions::default()).unwrap();
            assert_eq!(back.title.as_deref(), Some("正镶白旗待批项目台账（项目库筛选：预警灯：红灯；立项年度：2019）"));
        })
        .await;
    }
}
