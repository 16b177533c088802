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

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ApiError::not_found(),
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            StoreError::Invalid(m) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m),
            StoreError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "系统暂时无法处理，请稍后再试")
            }
        }
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
        PageError::Status(StatusCode::NOT_FOUND, "您要找的页面不存在，或您无权查看。".into())
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        let api = ApiError::from(e);
        PageError::Status(api.status, api.message)
    }
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template error");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
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
                let title = if status == StatusCode::NOT_FOUND { "未找到" } else { "出错了" };
                (status, render(&ErrorPage { title, message: &message })).into_response()
            }
        }
    }
}
