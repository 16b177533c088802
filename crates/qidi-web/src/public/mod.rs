//! The public record (阳光审批, R12): pages and JSON anyone may read without signing
//! in. What is public is decided by core `public`; these handlers look projects up,
//! hand the store's rows to core, and render. Every answer is cacheable (`ETag`,
//! `If-None-Match` → 304, `Cache-Control: public, max-age=60`) and rate-limited per
//! client address ([`PUBLIC_RATE_ENV`]).

mod api;
mod chart;
mod pages;
pub(crate) mod qr;

use crate::SharedState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

/// The environment variable that sets requests to the public record per minute per
/// client address (default [`DEFAULT_PUBLIC_RATE`]; 0 turns throttling off).
pub const PUBLIC_RATE_ENV: &str = "QIDI_PUBLIC_RATE";
pub const DEFAULT_PUBLIC_RATE: u32 = 120;

/// How long a public answer may be reused without asking again.
const CACHE_CONTROL: &str = "public, max-age=60";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/public", get(pages::index))
        .route("/public/projects/{code}", get(pages::project))
        .route("/public/projects/{code}/qr", get(pages::qr_sheet))
        .route("/public/projects/{code}/qr.svg", get(qr::svg))
        .route("/public/projects/{code}/qr.png", get(qr::png))
        .route("/api/v1/public/projects", get(api::search))
        .route("/api/v1/public/projects/{code}", get(api::project))
        .route("/api/v1/public/stats", get(api::stats))
}

/// A request to the public record that its client's rate allows; otherwise 429 with
/// `Retry-After` (JSON for the API, a Chinese page otherwise).
pub struct PublicClient;

impl FromRequestParts<SharedState> for PublicClient {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        match state.public_throttle.check(crate::auth::client_ip(parts)) {
            Ok(()) => Ok(PublicClient),
            Err(wait) => Err(crate::throttle::too_many(parts.uri.path(), wait)),
        }
    }
}

/// The entity tag of a body: its SHA-256, shortened.
fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// Whether `If-None-Match` names `etag` (or `*`); weak tags compare by their value.
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// A cacheable answer: 304 without a body when the client has this very body already.
pub(crate) fn cached(request: &HeaderMap, content_type: &'static str, body: Vec<u8>) -> Response {
    let etag = etag_of(&body);
    let mut res = if matches(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

/// The public path of a project's page (the code is digits and hyphens; anything else
/// is percent-encoded).
pub(crate) fn project_path(code: &str) -> String {
    let mut out = String::from("/public/projects/");
    for b in code.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let tag = etag_of(b"x");
        let mut h = HeaderMap::new();
        assert!(!matches(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"a\", W/{tag}")).unwrap());
        assert!(matches(&h, &tag));
        assert!(!matches(&h, &etag_of(b"y")));
        assert_eq!(project_path("2022-152529-44-01-012345"), "/public/projects/2022-152529-44-01-012345");
        assert_eq!(project_path("a b/"), "/public/projects/a%20b%2F");
    }
}
