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
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "未找到，或无权查看")
    }
    pub fn unauthorized() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "请先登录")
    }
}

/// The code and sentence of an API answer that no handler shaped: axum's own
/// rejections (a body that is not JSON, a missing field, a wrong method), the request
/// timeout, the body limit, an unknown route.
fn generic(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => ("bad_request", "请求格式有误"),
        StatusCode::UNAUTHORIZED => ("unauthorized", "请先登录"),
        StatusCode::FORBIDDEN => ("forbidden", "无权执行该操作"),
        StatusCode::NOT_FOUND => ("not_found", "未找到，或无权查看"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该地址不支持此请求方法"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "请求处理超时，请稍后再试"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "请求内容过大"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "请求内容类型有误，应为 application/json"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "请求内容有误"),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "访问过于频繁，请稍后再试"),
        s if s.is_server_error() => ("internal", "系统暂时无法处理，请稍后再试"),
        _ => ("error", "请求未能完成"),
    }
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
        sentence.to_string()
    } else {
        format!("{sentence}：{detail}")
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
            // The JSON API speaks Chinese, as its other messages do; `code` is for programs.
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m.text),
            StoreError::Invalid(m) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m.text),
            StoreError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m.text),
            // The path and the OS's words go to the log, never to the client.
            StoreError::Io { .. } => {
                tracing::error!(error = %e, "server file error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器文件读写失败，请稍后再试或联系系统管理员",
                )
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "系统暂时无法处理，请稍后再试")
            }
        }
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
        let message = match &e {
            StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::Forbidden(m) => {
                Some(crate::i18n::explain(m))
            }
            _ => None,
        };
        let api = ApiError::from(e);
        PageError::Status(api.status, message.unwrap_or(api.message))
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
