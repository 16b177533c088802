//! Who is asking: the session cookie, turned into a user by the store.

use crate::error::{ApiError, PageError};
use crate::SharedState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use qidi_core::second_factor::SecondFactorStep;
use qidi_core::sentence::Sentence;
use qidi_store::users::User;

pub const SESSION_COOKIE: &str = "qidi_session";
/// The session cookie's name behind HTTPS: the `__Host-` prefix makes browsers refuse it
/// unless it is `Secure`, has `Path=/` and no `Domain`, so no other host (a sibling
/// subdomain, a plain-HTTP page) can set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-qidi_session";

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The value of the cookie `name` a request carries, if any.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session token a request carries, under the cookie name of this server's mode.
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, cookie_name(secure)).filter(|v| !v.is_empty() && v.len() <= 128).map(str::to_string)
}

pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let (name, flag) = if secure { (SECURE_SESSION_COOKIE, "; Secure") } else { (SESSION_COOKIE, "") };
    HeaderValue::from_str(&format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict{flag}"))
        .unwrap_or_else(|_| HeaderValue::from_static("qidi_session=; Path=/"))
}

pub fn clear_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static("__Host-qidi_session=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0")
    } else {
        HeaderValue::from_static("qidi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

/// The client address as the socket saw it, if known.
pub fn client_addr(parts: &Parts) -> Option<String> {
    client_ip(parts).map(|ip| ip.to_string())
}

/// [`client_addr`] as an address.
pub fn client_ip(parts: &Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

async fn current_user(parts: &Parts, state: &SharedState) -> Result<Option<(User, String)>, qidi_store::StoreError> {
    let Some(token) = session_token(&parts.headers, state.config.secure_cookies) else { return Ok(None) };
    Ok(state.store.session(&token).await?.map(|u| (u, token)))
}

/// The client address of a request, for a handler that throttles or records it.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_ip(parts)))
    }
}

/// A signed-in user for a page; otherwise a redirect to the sign-in page. A user who
/// must change the initial password is sent to do that first.
pub struct PageUser(pub User);

impl FromRequestParts<SharedState> for PageUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        match current_user(parts, state).await? {
            Some((u, _)) if u.pending_second_factor == Some(SecondFactorStep::Code) => Err(PageError::SecondFactor),
            Some((u, _)) if u.must_change_password => Err(PageError::ChangePassword),
            Some((u, _)) if u.pending_second_factor == Some(SecondFactorStep::Enrol) => Err(PageError::Enrol),
            Some((u, _)) => Ok(PageUser(u)),
            None => Err(PageError::SignIn),
        }
    }
}

/// A signed-in user, whether or not the initial password has been changed or a second
/// factor set up; with the session token (for the password change and the second
/// factor's setup). A session still waiting for its code is sent to enter it.
pub struct SessionUser(pub User, pub String);

impl FromRequestParts<SharedState> for SessionUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        match current_user(parts, state).await? {
            Some((u, _)) if u.pending_second_factor == Some(SecondFactorStep::Code) => Err(PageError::SecondFactor),
            Some((u, t)) => Ok(SessionUser(u, t)),
            None => Err(PageError::SignIn),
        }
    }
}

/// Any live session, whatever it still waits for: for signing out and for entering the
/// second factor's code.
pub struct AnySession(pub User, pub String);

impl FromRequestParts<SharedState> for AnySession {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        match current_user(parts, state).await? {
            Some((u, t)) => Ok(AnySession(u, t)),
            None => Err(PageError::SignIn),
        }
    }
}

/// A signed-in user for the JSON API; otherwise 401.
pub struct ApiUser(pub User);

impl FromRequestParts<SharedState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        match current_user(parts, state).await? {
            Some((u, _)) if u.pending_second_factor == Some(SecondFactorStep::Code) => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "second_factor_required",
                crate::i18n::explain(&Sentence::new(
                    "err-auth-second-factor-code-required",
                    "请输入双因素认证验证码（POST /api/v1/login/code）",
                )),
            )),
            Some((u, _)) if u.must_change_password => Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "password_change_required",
                crate::i18n::explain(&Sentence::new("err-auth-password-change-required", "请先修改初始密码")),
            )),
            Some((u, _)) if u.pending_second_factor == Some(SecondFactorStep::Enrol) => Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "second_factor_enrolment_required",
                crate::i18n::explain(&Sentence::new(
                    "err-auth-second-factor-enrolment-required",
                    "您的角色要求双因素认证，请先在网页上设置",
                )),
            )),
            Some((u, _)) => Ok(ApiUser(u)),
            None => Err(ApiError::unauthorized()),
        }
    }
}
