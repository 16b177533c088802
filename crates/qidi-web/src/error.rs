//! One error type per face: JSON for the API, a Chinese page for people. Both hide
//! internals: a database failure is logged and shown as a plain sentence.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use qidi_store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", crate::i18n::t("api-error-not-found"))
    }
    pub fn unauthorized() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", crate::i18n::t("api-error-unauthorized"))
    }
    /// A request refused for what it holds (422), the sentence in the request's language.
    pub fn invalid(s: &qidi_core::sentence::Sentence) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", crate::i18n::explain(s))
    }
}

/// The code and sentence of an API answer that no handler shaped: axum's own
/// rejections (a body that is not JSON, a missing field, a wrong method), the request
/// timeout, the body limit, an unknown route.
fn generic(status: StatusCode) -> (&'static str, String) {
    let (code, key) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "api-error-bad-request"),
        StatusCode::UNAUTHORIZED => ("unauthorized", "api-error-unauthorized"),
        StatusCode::FORBIDDEN => ("forbidden", "api-error-forbidden"),
        StatusCode::NOT_FOUND => ("not_found", "api-error-not-found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "api-error-method-not-allowed"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "api-error-timeout"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "api-error-payload-too-large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "api-error-unsupported-media-type"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "api-error-invalid"),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "api-error-too-many-requests"),
        s if s.is_server_error() => ("internal", "api-error-internal"),
        _ => ("error", "api-error-error"),
    };
    (code, crate::i18n::t(key))
}

/// Every error under `/api/` answers `{error: {code, message}}`: one that a handler did
/// not shape as JSON is reshaped here. A client error keeps axum's detail after the
/// Chinese sentence (it names the field); a server error never shows its detail.
pub async fn api_errors_as_json(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let detail = match axum::body::to_bytes(body, 16 * 1024).await {
        Ok(b) if status.is_client_error() => String::from_utf8_lossy(&b).trim().chars().take(300).collect(),
        _ => String::new(),
    };
    let (code, sentence) = generic(status);
    // A page's HTML (an unknown route's 404) is no detail for an API client.
    let message = if detail.is_empty() || detail.starts_with('<') {
        sentence
    } else {
        crate::i18n::t2("api-error-with-detail", "sentence", sentence.as_str(), "detail", detail.as_str())
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    let mut out = (status, axum::Json(body)).into_response();
    for (name, value) in parts.headers.iter().filter(|(n, _)| *n != axum::http::header::CONTENT_TYPE) {
        out.headers_mut().insert(name.clone(), value.clone());
    }
    out
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ApiError::not_found(),
            // Messages in the request's language, as the pages; `code` is for programs.
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", crate::i18n::explain(&m)),
            StoreError::Invalid(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", crate::i18n::explain(&m))
            }
            StoreError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", crate::i18n::explain(&m)),
            // The path and the OS's words go to the log, never to the client.
            StoreError::Io { .. } => {
                tracing::error!(error = %e, "server file error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", crate::i18n::t("api-error-file"))
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", crate::i18n::t("api-error-internal"))
            }
        }
    }
}

/// A refused form to show again where it was filled in: which of the page's forms (the
/// page's own name for it; empty for a refusal that belongs to no form), the refusal in
/// the reader's language, and what was typed.
pub struct RefusedForm {
    pub form: String,
    pub message: String,
    pub typed: std::collections::HashMap<String, String>,
}

impl RefusedForm {
    pub fn new(form: impl Into<String>, message: String, typed: std::collections::HashMap<String, String>) -> Self {
        RefusedForm { form: form.into(), message, typed }
    }

    /// The refusal, if it came from form `form`.
    pub fn message_for(&self, form: &str) -> Option<&str> {
        (self.form == form).then_some(self.message.as_str())
    }

    /// A page's status and the form refused on it, if any: 200 when none was.
    pub fn split(refused: Option<(StatusCode, RefusedForm)>) -> (StatusCode, Option<RefusedForm>) {
        match refused {
            Some((status, r)) => (status, Some(r)),
            None => (StatusCode::OK, None),
        }
    }

    /// What was typed into field `name` of form `form` (else empty).
    pub fn typed(&self, form: &str, name: &str) -> &str {
        if self.form != form {
            return "";
        }
        self.typed.get(name).map_or("", String::as_str)
    }
}

/// The status a refused write answers with: 409 for a conflict, 403 for a forbidden
/// step, else 422.
pub fn refusal_status(e: &StoreError) -> StatusCode {
    match e {
        StoreError::Conflict(_) => StatusCode::CONFLICT,
        StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A page error that is a refusal (403, 409, 422), to show on the form's own page: its
/// status and sentence. Any other error stays an error.
pub fn in_place(e: PageError) -> Result<(StatusCode, String), PageError> {
    match e {
        PageError::Status(s, m)
            if matches!(s, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::FORBIDDEN) =>
        {
            Ok((s, m))
        }
        other => Err(other),
    }
}

/// A refusal's sentence in the request's language; any other error as it reads.
pub fn refusal_text(e: &StoreError) -> String {
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::Forbidden(m) => crate::i18n::explain(m),
        other => other.to_string(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, axum::Json(body)).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page.
    SignIn,
    /// Must set a new password first.
    ChangePassword,
    /// Signed in with the password; the second factor's code is still owed.
    SecondFactor,
    /// The role requires a second factor and none is set up: set it up first.
    Enrol,
    Status(StatusCode, String),
}

impl PageError {
    pub fn not_found() -> Self {
        PageError::Status(StatusCode::NOT_FOUND, crate::i18n::t("error-not-found"))
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        // The API's answer is already worded in the request's language.
        let api = ApiError::from(e);
        PageError::Status(api.status, api.message)
    }
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template error");
            (StatusCode::INTERNAL_SERVER_ERROR, crate::i18n::t("error-render")).into_response()
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn => Redirect::to("/login").into_response(),
            PageError::ChangePassword => Redirect::to("/password").into_response(),
            PageError::SecondFactor => Redirect::to("/login/code").into_response(),
            PageError::Enrol => Redirect::to("/account/second-factor").into_response(),
            PageError::Status(status, message) => {
                let title = crate::i18n::t(if status == StatusCode::NOT_FOUND {
                    "error-not-found-title"
                } else {
                    "error-title"
                });
                (status, render(&ErrorPage { title: &title, message: &message })).into_response()
            }
        }
    }
}
