//! The approval workflow on the web: JSON endpoints under `/api/v1/applications…` and
//! pages for the project unit (my projects, submit, notices), the handler (inbox by
//! light, review), the office (higher outcome, item catalogue) and everyone in scope
//! (a project's timeline). Handlers translate forms and JSON into the store's calls;
//! the core decides.

mod api;
mod catalogue;
mod inbox;
mod pages;

pub(crate) use catalogue::names_from_text;
pub(crate) use pages::{clock_summary, limit_days, step_actor_role, step_summary};

use crate::error::{ApiError, PageError};
use crate::SharedState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use qidi_core::workflow::ErrorKind;
use qidi_store::workflow::{StoredFile, WorkflowError, MAX_UPLOAD_BYTES};

/// The largest request the server takes: one upload and its form overhead. Other
/// routes keep axum's default limit of 2 MB on the body they read.
pub const MAX_REQUEST_BYTES: usize = MAX_UPLOAD_BYTES + 256 * 1024;

/// The workflow's routes, merged into the application's router.
pub fn routes() -> Router<SharedState> {
    let upload_limit = DefaultBodyLimit::max(MAX_REQUEST_BYTES);
    Router::new()
        .route("/api/v1/applications", post(api::create))
        .route("/api/v1/applications/inbox", get(api::inbox))
        .route("/api/v1/clock-records", get(api::clock_records))
        .route("/api/v1/applications/{id}", get(api::detail))
        .route("/api/v1/applications/{id}/actions", post(api::act))
        .route("/api/v1/applications/{id}/materials/{code}", put(api::upload).layer(upload_limit))
        .route("/api/v1/applications/{id}/files/{file_id}", get(api::download))
        .route("/api/v1/my-projects", get(api::my_projects))
        .route("/api/v1/projects/{id}/timeline", get(api::project_timeline))
        .route("/api/v1/projects/{id}/helpers", get(api::helpers).post(api::assign_helper))
        .route("/api/v1/projects/{id}/helpers/{user_id}", post(api::authorise_helper))
        .route("/api/v1/item-types", get(api::item_types).post(api::create_item_type))
        .route("/api/v1/item-types/{id}", get(api::item_type).patch(api::update_item_type))
        .route("/api/v1/item-types/{id}/retire", post(api::retire_item_type))
        .route("/api/v1/item-types/{id}/restore", post(api::restore_item_type))
        .route("/my-projects", get(pages::my_projects))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/export", get(inbox::inbox_export))
        .route("/applications", post(pages::create))
        .route("/applications/{id}", get(pages::detail))
        .route("/applications/{id}/act", post(pages::act))
        .route("/applications/{id}/materials", post(pages::upload).layer(upload_limit))
        .route("/applications/{id}/files/{file_id}", get(pages::download))
        .route("/applications/{id}/notices/{seq}", get(pages::notice))
        .route("/projects/{id}/timeline", get(pages::project_timeline))
        .route("/projects/{id}/helpers", post(pages::assign_helper))
        .route("/projects/{id}/helpers/{user_id}", post(pages::authorise_helper))
        .route("/catalogue", get(catalogue::catalogue))
        .route("/catalogue/new", post(catalogue::create_item_type))
        .route("/catalogue/{id}", post(catalogue::update_item_type))
        .route("/catalogue/{id}/retire", post(catalogue::retire_item_type))
        .route("/catalogue/{id}/restore", post(catalogue::restore_item_type))
}

/// How a refusal reaches a client: out of scope is 404; a forbidden step 403; a step
/// the state does not allow, or a lost race, 409; what was sent is wrong, 422. The
/// message is in the request's language, as on the pages; `code` is for programs.
impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> Self {
        let message = refusal_text(&e);
        match e {
            WorkflowError::NotFound => ApiError::not_found(),
            WorkflowError::Refused(t) => {
                let status = match t.kind() {
                    ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                    ErrorKind::Conflict => StatusCode::CONFLICT,
                    ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                };
                ApiError::new(status, t.code(), message)
            }
            WorkflowError::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", message),
            WorkflowError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            WorkflowError::Invalid(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message),
            WorkflowError::Store(e) => ApiError::from(e),
        }
    }
}

/// A page shows the refusal as the API words it.
impl From<WorkflowError> for PageError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::NotFound => PageError::not_found(),
            WorkflowError::Store(s) => PageError::from(s),
            e => {
                let api = ApiError::from(e);
                PageError::Status(api.status, api.message)
            }
        }
    }
}

/// A workflow refusal's sentence in the request's language; any other error as it reads.
fn refusal_text(e: &WorkflowError) -> String {
    match e {
        WorkflowError::Refused(t) => crate::i18n::explain_error(t),
        WorkflowError::Forbidden(m) | WorkflowError::Conflict(m) | WorkflowError::Invalid(m) => crate::i18n::explain(m),
        WorkflowError::Store(s) => crate::error::refusal_text(s),
        WorkflowError::NotFound => e.to_string(),
    }
}

/// Percent-encoding for `filename*` (RFC 5987).
fn rfc5987(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An Excel workbook to download, named `ascii` for old clients and `name` for the rest.
pub(crate) fn xlsx_download(bytes: Vec<u8>, ascii: &str, name: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    h.insert(axum::http::header::CONTENT_DISPOSITION, attachment(ascii, name));
    res
}

/// `Content-Disposition: attachment`, named `ascii` for old clients and `name` (any
/// characters) for the others.
pub(crate) fn attachment(ascii: &str, name: &str) -> HeaderValue {
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", rfc5987(name));
    HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"))
}

/// A stored file as an attachment: never rendered by the browser, never sniffed.
pub(crate) fn file_response(file: &StoredFile, bytes: Vec<u8>) -> Response {
    let ascii: String = file
        .original_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' })
        .collect();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, attachment(&ascii, &file.original_name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}
