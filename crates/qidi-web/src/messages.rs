//! Messages on the web: the message centre every signed-in person has (unread count
//! in the header, list, mark as read, channel choices), and the administrator's
//! channel configuration, message policy and send log.
//!
//! - `GET /messages`, `POST /messages/read` (form `id`, or none for all),
//!   `POST /messages/preferences`;
//! - `GET /admin/channels`, `POST /admin/channels`, `POST /admin/channels/{id}/remove`,
//!   `POST /admin/message-policy`, `GET /admin/send-log`;
//! - `GET /api/v1/messages?unread=true`, `POST /api/v1/messages/{id}/read`,
//!   `POST /api/v1/messages/read-all`.

mod api;
mod pages;

use crate::SharedState;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/messages", get(pages::centre))
        .route("/messages/read", post(pages::mark_read))
        .route("/messages/preferences", post(pages::set_preferences))
        .route("/admin/channels", get(pages::channels).post(pages::add_channel))
        .route("/admin/channels/{id}/remove", post(pages::remove_channel))
        .route("/admin/message-policy", post(pages::set_policy))
        .route("/admin/send-log", get(pages::send_log))
        .route("/api/v1/messages", get(api::list))
        .route("/api/v1/messages/read-all", post(api::read_all))
        .route("/api/v1/messages/{id}/read", post(api::read))
}
