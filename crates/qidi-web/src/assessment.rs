//! Department assessment (考核) on the web: the ranking of a closed period, each
//! department's derivation (every term, its weight, its contribution and the facts
//! behind it), the office's profile, and the initiating departments' entries (R16).
//! The office, the leader and inspectors see every department (inspectors only
//! read); a department's staff see their own.
//!
//! - `GET /assessment?period=2026-05|2026-Q2|campaign[&profile=N]`;
//! - `GET /assessment/departments/{code}?period=…`;
//! - `GET /assessment/profile`, `POST /assessment/profile` (office);
//! - `GET /assessment/entries?period=…`, `POST /assessment/entries` (initiating departments);
//! - `GET /api/v1/assessment?period=…[&profile=N]`, `GET|POST /api/v1/assessment/profile`,
//!   `POST /api/v1/assessment/entries` `{department, score, comment, project_code?}`.

mod api;
mod pages;

use crate::SharedState;
use axum::routing::get;
use axum::Router;
use qidi_core::assessment::{may_see_all, Assessment, Period};
use qidi_store::users::User;
use qidi_store::{Store, StoreError};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/assessment", get(pages::ranking))
        .route("/assessment/departments/{code}", get(pages::department))
        .route("/assessment/profile", get(pages::profile).post(pages::save_profile))
        .route("/assessment/entries", get(pages::entries).post(pages::add_entry))
        .route("/api/v1/assessment", get(api::assessment))
        .route("/api/v1/assessment/profile", get(api::profile).post(api::save_profile))
        .route("/api/v1/assessment/entries", axum::routing::post(api::add_entry))
}

fn may_read(u: &User) -> bool {
    qidi_core::assessment::may_read(u.role)
}

/// The period asked for, or last month by default.
async fn period(store: &Store, user: &User, key: Option<&str>) -> Result<Period, StoreError> {
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => store.assessment_period(&user.region(), k).await,
        None => Ok(Period::last_month(qidi_store::today())),
    }
}

/// The department codes the user may see: None for all.
async fn visible(store: &Store, user: &User) -> Result<Option<String>, StoreError> {
    if may_see_all(user.role) {
        return Ok(None);
    }
    let code = store
        .departments(&user.region())
        .await?
        .into_iter()
        .find(|d| Some(&d.id) == user.department_id.as_ref())
        .map(|d| d.code)
        .unwrap_or_default();
    Ok(Some(code))
}

/// Keep only what the user may see.
fn scoped(mut a: Assessment, only: Option<&str>) -> Assessment {
    if let Some(code) = only {
        a.departments.retain(|d| d.department_code == code);
    }
    a
}
