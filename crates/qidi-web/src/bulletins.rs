//! Monthly bulletins (通报) on the web. The office issues them (or a correction); the
//! office, the leader, department heads and discipline inspectors read and download
//! them; nobody changes one.
//!
//! - `GET /bulletins`, `POST /bulletins` (office: form `month`, `correct`);
//! - `GET /bulletins/{id}[?department=CODE&what=SECTION]` (each number of a department's
//!   line links to the page narrowed to the items behind it),
//!   `GET /bulletins/{id}/download/{json|xlsx|docx|pdf}`;
//! - `GET /api/v1/bulletins`, `GET /api/v1/bulletins/{id}`.

use crate::auth::{ApiUser, PageUser};
use crate::error::{render, ApiError, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use qidi_core::bulletin::{BulletinItem, ListedFact, Month};
use qidi_core::progress_report::ReportLapse;
use qidi_core::supervision::OpenOrder;
use qidi_store::bulletins::IssuedBulletin;
use qidi_store::users::User;
use qidi_store::StoreError;
use std::collections::HashMap;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/bulletins", get(list).post(issue))
        .route("/bulletins/{id}", get(page))
        .route("/bulletins/{id}/download/{format}", get(download))
        .route("/api/v1/bulletins", get(api_list))
        .route("/api/v1/bulletins/{id}", post(refuse_write).get(api_one))
}

fn may_read(u: &User) -> bool {
    qidi_core::bulletin::may_read(u.role)
}

#[derive(Template)]
#[template(path = "bulletins.html")]
struct ListPage<'a> {
    user: &'a User,
    bulletins: Vec<IssuedBulletin>,
    may_issue: bool,
    last_month: String,
    error: Option<String>,
}

async fn list_page(state: &SharedState, user: &User, error: Option<String>) -> Result<Response, PageError> {
    let last_month = Month::of(qidi_store::today()).previous().to_string();
    list_page_with(state, user, last_month, error).await
}

/// The list with `month` in the form: last month, or the month the office typed.
async fn list_page_with(
    state: &SharedState,
    user: &User,
    last_month: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let bulletins = state.store.bulletins(&user.region()).await?;
    Ok(render(&ListPage { user, bulletins, may_issue: qidi_core::bulletin::may_issue(user.role), last_month, error }))
}

/// The list again with the month as typed and why it was refused, as 422.
async fn refused(state: &SharedState, user: &User, typed: &str, error: String) -> Result<Response, PageError> {
    let mut res = list_page_with(state, user, typed.trim().to_string(), Some(error)).await?;
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

async fn list(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    if !may_read(&user) {
        return Err(PageError::not_found());
    }
    list_page(&state, &user, None).await
}

async fn issue(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !qidi_core::bulletin::may_issue(user.role) {
        return Err(PageError::not_found());
    }
    let typed = f.get("month").map(String::as_str).unwrap_or_default();
    let month = match Month::parse(typed) {
        Ok(m) => m,
        Err(_) => return refused(&state, &user, typed, crate::i18n::t("bulletin-pick-month")).await,
    };
    let correct = f.get("correct").is_some_and(|v| v == "yes");
    match state.store.issue_bulletin(&user.region(), month, qidi_store::today(), Some(&user), correct).await {
        Ok((b, _)) => Ok(Redirect::to(&format!("/bulletins/{}", b.id)).into_response()),
        Err(e @ StoreError::Invalid(_)) => refused(&state, &user, typed, crate::error::refusal_text(&e)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage<'a> {
    user: &'a User,
    b: IssuedBulletin,
    /// The bulletin's own (Chinese) text: the recipients' line and the paragraphs, as issued.
    recipients: String,
    paragraphs: Vec<String>,
    /// The department and section the lists are narrowed to (a number's link).
    filter: Option<(String, String)>,
    items: Vec<BulletinItem>,
    notice_breaches: Vec<ListedFact>,
    deemed_acceptances: Vec<ListedFact>,
    late_forwards: Vec<ListedFact>,
    report_lapses: Vec<ReportLapse>,
    open_orders: Vec<OpenOrder>,
    /// An inspector's departments, highlighted.
    overseen: std::collections::BTreeSet<String>,
}

impl BulletinPage<'_> {
    /// Whether an inspector oversees this department (its rows stand out).
    fn mine(&self, department_code: &str) -> bool {
        self.overseen.contains(department_code)
    }
    /// The link behind a department line's number: the same page narrowed to the
    /// department and the section the number counts.
    fn count_link(&self, department: &str, what: &str) -> String {
        format!("/bulletins/{}?department={department}&what={what}#{what}", self.b.id)
    }

    /// The listed sections: (anchor, title, facts).
    fn sections(&self) -> [(&'static str, String, &[ListedFact]); 3] {
        [
            ("notice_breaches", crate::i18n::t("bulletin-section-notice_breaches"), &self.notice_breaches),
            ("deemed", crate::i18n::t("bulletin-section-deemed"), &self.deemed_acceptances),
            ("late_forwards", crate::i18n::t("bulletin-section-late_forwards"), &self.late_forwards),
        ]
    }

    fn clock_records_link(&self, department: &str, outcome: &str) -> String {
        format!("/api/v1/clock-records?department={department}&month={}&outcome={outcome}", self.b.bulletin.month)
    }
}

async fn readable(state: &SharedState, user: &User, id: &str) -> Result<IssuedBulletin, StoreError> {
    match state.store.bulletin(id).await? {
        Some(b)
            if may_read(user)
                && state.store.bulletin_region(id).await?.as_deref() == Some(user.region_code.as_str()) =>
        {
            Ok(b)
        }
        _ => Err(StoreError::NotFound("通报不存在".into())),
    }
}

#[derive(serde::Deserialize)]
struct PageQuery {
    department: Option<String>,
    what: Option<String>,
}

async fn page(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let b = readable(&state, &user, &id).await?;
    let paragraphs = b.bulletin.paragraphs();
    let recipients = qidi_core::official::OfficialDocument::from(&b.bulletin).recipients_line();
    let bl = &b.bulletin;
    // A number's link narrows every list to one department and one section.
    let filter = match (q.department.filter(|d| !d.is_empty()), q.what.filter(|w| !w.is_empty())) {
        (Some(code), Some(what)) => {
            let name = bl.departments.iter().find(|l| l.department_code == code).map(|l| l.department.clone());
            name.map(|n| (code, n, what))
        }
        _ => None,
    };
    let shows = |section: &str, department: &str| match &filter {
        None => true,
        Some((_, name, what)) => what == section && name == department,
    };
    let items = bl
        .items
        .iter()
        .filter(|i| {
            let section = if i.closed_on.is_some() { "closed_late" } else { "overdue_at_end" };
            filter.as_ref().is_none_or(|(_, _, w)| w == "items" || w == section) && {
                filter.as_ref().is_none_or(|(_, n, _)| n == &i.department)
            }
        })
        .cloned()
        .collect();
    let listed = |facts: &[ListedFact], section: &str| -> Vec<ListedFact> {
        facts.iter().filter(|f| shows(section, &f.department)).cloned().collect()
    };
    let notice_breaches = listed(&bl.notice_breaches, "notice_breaches");
    let deemed_acceptances = listed(&bl.deemed_acceptances, "deemed");
    let late_forwards = listed(&bl.late_forwards, "late_forwards");
    let report_lapses = bl.report_lapses.iter().filter(|l| shows("report_lapses", &l.department)).cloned().collect();
    let open_orders = bl.open_orders.iter().filter(|o| shows("open_orders", &o.department)).cloned().collect();
    let overseen = crate::supervision::overseen_departments(&state, &user).await?;
    Ok(render(&BulletinPage {
        user: &user,
        filter: filter.map(|(_, name, what)| (name, what)),
        items,
        notice_breaches,
        deemed_acceptances,
        late_forwards,
        report_lapses,
        open_orders,
        overseen,
        recipients,
        paragraphs,
        b,
    }))
}

async fn download(
    State(state): State<SharedState>,
    crate::throttle::ExportUser(user): crate::throttle::ExportUser,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let b = readable(&state, &user, &id).await?;
    let (bytes, content_type) = match format.as_str() {
        "json" => (serde_json::to_vec_pretty(&b.bulletin).unwrap_or_default(), "application/json"),
        "xlsx" => (
            qidi_office::bulletin_xlsx(&b.bulletin).map_err(|e| StoreError::invalid(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "docx" => (
            qidi_office::bulletin_docx(&b.bulletin).map_err(|e| StoreError::invalid(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "pdf" => (pdf(b.bulletin.clone()).await?, "application/pdf"),
        _ => return Err(PageError::not_found()),
    };
    let payload = serde_json::json!({ "format": format });
    state.store.record_export(&user, "bulletin.download", "bulletin", Some(id.clone()), payload).await?;
    let ascii = format!("bulletin-{}.{format}", b.bulletin.month);
    let name = format!("{}.{format}", b.bulletin.document_number);
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_DISPOSITION, crate::workflow::attachment(&ascii, &name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

/// The PDF is drawn off the async threads: embedding a CJK font takes a moment.
async fn pdf(b: qidi_core::bulletin::Bulletin) -> Result<Vec<u8>, PageError> {
    let made = tokio::task::spawn_blocking(move || {
        let fonts = qidi_pdf::Fonts::from_environment()?;
        qidi_pdf::bulletin_pdf(&b, &fonts)
    })
    .await;
    match made {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "bulletin PDF");
            let message = match e {
                qidi_pdf::PdfError::Font(_) => crate::i18n::t("bulletin-pdf-no-font"),
                qidi_pdf::PdfError::Write(_) => crate::i18n::t("bulletin-pdf-failed"),
            };
            Err(PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, message))
        }
        Err(_) => Err(PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, crate::i18n::t("bulletin-pdf-failed"))),
    }
}

async fn api_list(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<IssuedBulletin>>, ApiError> {
    if !may_read(&user) {
        return Err(ApiError::not_found());
    }
    Ok(Json(state.store.bulletins(&user.region()).await?))
}

async fn api_one(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<IssuedBulletin>, ApiError> {
    Ok(Json(readable(&state, &user, &id).await?))
}

/// A bulletin is never changed: any write to one is refused.
async fn refuse_write(ApiUser(_): ApiUser) -> ApiError {
    ApiError::new(axum::http::StatusCode::FORBIDDEN, "forbidden", crate::i18n::t("api-bulletin-final"))
}
