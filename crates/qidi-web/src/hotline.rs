//! 12345 hotline work orders on the web.
//!
//! For the hotline platform, with `Authorization: Bearer TOKEN` (`qidi token add
//! --purpose hotline`):
//! - `POST /api/v1/hotline/orders`: take in an order; 201 `{id, …}` when new, 200 with
//!   the same id when its order number was seen before; 422 naming the field;
//! - `POST /api/v1/hotline/orders/{order_number}/follow-up` `{satisfied, note?}`.
//!
//! For signed-in people (what each sees is core `hotline::may_see` and `caller_view`):
//! - `GET /api/v1/hotline/complaints`, `POST /api/v1/hotline/complaints/by-phone`
//!   `{phone}` (a caller's orders, for those who see callers masked; found by the
//!   phone's keyed hash; recorded), `GET /api/v1/hotline/complaints/{id}`,
//!   `POST /api/v1/hotline/complaints/{id}/actions` `{action: {type: assign|sign_for|handle|reply|follow_up, …}}`,
//!   `POST /api/v1/hotline/complaints/{id}/unmask`, `POST /api/v1/hotline/complaints/{id}/substantiated`;
//! - `GET /api/v1/hotline/limits`, `POST /api/v1/hotline/limits` (office, administrator)
//!   `{category, urgency, assign, sign_for, reply, follow_up}`: the limits in working days;
//! - pages `/hotline` (with a form posting to `/hotline/by-phone`), `/hotline/new`
//!   (the office enters an order), `/hotline/{id}`
//!   with its action forms.

mod api;
mod pages;

use crate::error::ApiError;
use crate::SharedState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use qidi_store::tokens::ApiToken;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/hotline/orders", post(api::intake))
        .route("/api/v1/hotline/orders/{number}/follow-up", post(api::follow_up))
        .route("/api/v1/hotline/complaints", get(api::list))
        .route("/api/v1/hotline/complaints/by-phone", post(api::by_phone))
        .route("/api/v1/hotline/complaints/{id}", get(api::detail))
        .route("/api/v1/hotline/complaints/{id}/actions", post(api::act))
        .route("/api/v1/hotline/complaints/{id}/unmask", post(api::unmask))
        .route("/api/v1/hotline/complaints/{id}/substantiated", post(api::substantiated))
        .route("/api/v1/hotline/limits", get(api::limits).post(api::set_limits))
        .route("/hotline", get(pages::list))
        .route("/hotline/new", get(pages::new_form).post(pages::create))
        .route("/hotline/by-phone", post(pages::by_phone))
        .route("/hotline/{id}", get(pages::detail))
        .route("/hotline/{id}/act", post(pages::act))
        .route("/hotline/{id}/unmask", post(pages::unmask))
        .route("/hotline/{id}/substantiated", post(pages::substantiated))
}

/// The hotline platform, by its API token; otherwise 401.
pub struct HotlineToken(pub ApiToken);

impl FromRequestParts<SharedState> for HotlineToken {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let refused = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", crate::i18n::t("api-token-refused"));
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(refused)?;
        match state.store.api_token(token, "hotline").await? {
            Some(t) => Ok(HotlineToken(t)),
            None => Err(refused()),
        }
    }
}
