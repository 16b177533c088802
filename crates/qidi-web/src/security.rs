//! Response headers, and the rule that state-changing requests come from our own pages.

use crate::SharedState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qidi_store::events::RequestContext;
use std::net::SocketAddr;

const X_REQUEST_ID: &str = "x-request-id";

/// A client's `X-Request-Id` is kept only if core finds it plain; otherwise it is
/// dropped here, before the layer that gives a request without one a new id.
pub async fn plain_request_id(mut req: Request, next: Next) -> Response {
    let plain = match req.headers().get(X_REQUEST_ID) {
        None => true,
        Some(v) => v.to_str().is_ok_and(qidi_core::audit::is_valid_request_id),
    };
    if !plain {
        req.headers_mut().remove(X_REQUEST_ID);
    }
    next.run(req).await
}

/// Serve the request with its id and client address as the store's request context,
/// so that every event it writes records them.
pub async fn request_context(req: Request, next: Next) -> Response {
    let context = RequestContext {
        request_id: req.headers().get(X_REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_string),
        client_addr: req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
    };
    qidi_store::events::with_request(context, next.run(req)).await
}

/// A refusal (403) of a signed-in user's request goes on the record, whichever handler
/// or guard refused it.
pub async fn record_refusals(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let token = crate::auth::session_token(req.headers(), state.config.secure_cookies);
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    let res = next.run(req).await;
    if res.status() != StatusCode::FORBIDDEN {
        return res;
    }
    let Some(token) = token else { return res };
    let recorded = match state.store.session_user(&token).await {
        Ok(Some(user)) => state.store.record_refusal(&user, &method, &path).await,
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, %path, "cannot record a refusal");
    }
    res
}

pub async fn headers(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if state.config.secure_cookies {
        // Behind HTTPS, browsers are told to come back only over HTTPS for a year.
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Cross-site request forgery guard: the session cookie is `SameSite=Strict`, and a
/// request that changes state must not come from another origin.
pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_ok = match h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some("null") => false,
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
            host.is_some_and(|host| origin_host.eq_ignore_ascii_case(host))
        }
        None => h.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_none_or(|s| s != "cross-site"),
    };
    if !origin_ok {
        return (StatusCode::FORBIDDEN, crate::i18n::t("api-cross-site")).into_response();
    }
    next.run(req).await
}
