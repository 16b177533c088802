//! Supervision on the web: supervision orders (挂牌督办), progress reports (信息报送)
//! and the departments each discipline inspector oversees.
//!
//! Pages (Chinese, no script needed):
//! - `/supervision`: orders (the office issues them here) and where the latest
//!   period's reports stand; a department's head and handlers see their own;
//! - `/supervision/orders/{id}` with the office's form to lift the order;
//! - `/supervision/reports?period=KEY`: every department's report for a period (the
//!   office, the leader, inspectors) with the late and missing ones named;
//! - `/supervision/reports/new?period=KEY`: a department's form, figures pre-filled.
//!
//! JSON (session): `GET|POST /api/v1/supervision/orders`, `GET /api/v1/supervision/orders/{id}`,
//! `POST /api/v1/supervision/orders/{id}/lift`, `GET /api/v1/progress-reports/plan`,
//! `GET|POST /api/v1/progress-reports`, `POST /api/v1/progress-reports/schedule`,
//! `GET|POST /api/v1/inspectors/{id}/departments`.
//!
//! Every write is checked by core rules in the store: only the office issues and lifts
//! orders and sets the schedule, only a department's head or handler files its report,
//! only the administrator scopes inspectors; anyone else gets 403 (404 for what they
//! may not see).

mod api;
mod pages;

use crate::SharedState;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/supervision", get(pages::overview))
        .route("/supervision/orders", post(pages::issue))
        .route("/supervision/orders/{id}", get(pages::order))
        .route("/supervision/orders/{id}/lift", post(pages::lift))
        .route("/supervision/reports", get(pages::reports).post(pages::file))
        .route("/supervision/reports/new", get(pages::report_form))
        .route("/supervision/schedule", post(pages::set_schedule))
        .route("/api/v1/supervision/orders", get(api::orders).post(api::issue))
        .route("/api/v1/supervision/orders/{id}", get(api::order))
        .route("/api/v1/supervision/orders/{id}/lift", post(api::lift))
        .route("/api/v1/progress-reports/plan", get(api::plan))
        .route("/api/v1/progress-reports", get(api::reports).post(api::file))
        .route("/api/v1/progress-reports/schedule", post(api::set_schedule))
        .route(
            "/api/v1/inspectors/{id}/departments",
            get(api::inspector_departments).post(api::set_inspector_departments),
        )
}

/// Open orders on a project or its items, for its page and timeline, to those who see
/// them ([`qidi_core::Role::sees_supervision`]). The caller has checked that `user` may
/// see the project.
pub(crate) async fn project_orders(
    state: &SharedState,
    user: &qidi_store::users::User,
    project_id: &str,
) -> Result<Vec<qidi_store::supervision::SupervisionOrder>, qidi_store::StoreError> {
    if !user.role.sees_supervision() {
        return Ok(Vec::new());
    }
    state.store.open_orders_of_project(project_id, qidi_store::today()).await
}

/// The codes of the departments an inspector oversees (highlighted on its pages).
pub(crate) async fn overseen_departments(
    state: &SharedState,
    user: &qidi_store::users::User,
) -> Result<std::collections::BTreeSet<String>, qidi_store::StoreError> {
    pages::overseen(state, user).await
}

/// A month's name in the request's language (`4` in Chinese, `April` in English), for
/// the period labels.
pub(crate) fn month_name(month: u32) -> String {
    crate::i18n::t1("supervision-month-name", "month", month)
}

/// A report period in the request's language: 2026年4月上半月, or "April 2026, first half".
pub(crate) fn period_label(p: &qidi_core::progress_report::ReportPeriod) -> String {
    use chrono::Datelike;
    use qidi_core::progress_report::PeriodKind;
    let key = match p.kind {
        PeriodKind::Month => "supervision-period-month",
        PeriodKind::HalfMonth if p.key.ends_with('a') => "supervision-period-first-half",
        PeriodKind::HalfMonth => "supervision-period-second-half",
    };
    crate::i18n::t2(key, "year", p.starts_on.year().to_string(), "month", month_name(p.starts_on.month()))
}
