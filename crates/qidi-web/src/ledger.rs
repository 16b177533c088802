//! The ledger (台账) on the web: pages for a department's check lists, sign-off,
//! baseline and progress, the banner ledger, spreadsheet import (dry run, then
//! confirm) and export; JSON endpoints under `/api/v1/ledger…` for the league's
//! systems and scripts.
//!
//! Handlers translate: who may do what is `qidi_core::ledger`'s, what is stored is the
//! store's. What a user may not see is 404; what a user may see but not do is 403.

mod actions;
mod api;
mod chart;
mod department;
mod export;
mod import;
mod index;
mod reading;
mod signing;
mod views;

// Named as `crate::ledger::…` by pages.rs (the home page's chart) and the templates.
pub(crate) use chart::Chart;
pub(crate) use department::PROJECTS_LISTED;
pub use reading::LedgerReadings;
pub use signing::LedgerSigning;
pub(crate) use views::CampaignView;

use crate::error::PageError;
use crate::SharedState;
use actions::{
    add_item, answer, confirm_changes, decide_removal, propose_removal, push, set_campaign_end, sign_banner,
    sign_department,
};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use department::{department, reading_status};
use export::export;
use index::{banner, index, progress_json};
use qidi_core::ledger::{may_sign, Capacity, LedgerKind};
use qidi_core::role::ScopeLimit;
use qidi_store::baseline::DepartmentRef;
use qidi_store::users::User;
use qidi_store::StoreError;

/// The ledger routes, merged into the application router.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .merge(import::routes())
        .merge(api::routes())
        .route("/api/v1/ledger/progress", get(progress_json))
        .route("/ledger", get(index))
        .route("/ledger/banner", get(banner))
        .route("/ledger/banner/sign", post(sign_banner))
        .route("/ledger/campaign", post(set_campaign_end))
        .route("/ledger/departments/{code}", get(department))
        .route("/ledger/readings/{id}", get(reading_status))
        .route("/ledger/departments/{code}/push", post(push))
        .route("/ledger/departments/{code}/sign", post(sign_department))
        .route("/ledger/departments/{code}/changes/sign", post(confirm_changes))
        .route("/ledger/items/{id}/answer", post(answer))
        .route("/ledger/removals", post(propose_removal))
        .route("/ledger/removals/{id}/decide", post(decide_removal))
        .route("/ledger/export", get(export))
        .route("/projects/{id}/items", post(add_item))
}

/// The largest spreadsheet the web page takes; bigger ledgers go through `qidi import ledger`.
pub(crate) const MAX_LEDGER_UPLOAD: usize = 20 << 20;

pub(crate) fn forbidden(message: &str) -> PageError {
    PageError::Status(StatusCode::FORBIDDEN, message.to_string())
}

pub(crate) fn unprocessable(message: impl Into<String>) -> PageError {
    PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, message.into())
}

/// Labels as one list: `A、B` in Chinese, `A, B` in English.
pub(crate) fn joined(labels: impl IntoIterator<Item = String>) -> String {
    labels.into_iter().collect::<Vec<_>>().join(&crate::i18n::t("ledger-list-separator"))
}

/// The inspector changes nothing in the ledger. (What a leader may do — sign, and no
/// more — the core rules of each action decide.) Shared by the pages and the API.
pub(crate) fn read_only_refusal(user: &User) -> Option<&'static str> {
    qidi_core::ledger::read_only_refusal(user.role)
}

pub(crate) fn not_read_only(user: &User) -> Result<(), PageError> {
    read_only_refusal(user).map_or(Ok(()), |_| Err(forbidden(&crate::i18n::t("ledger-error-read-only"))))
}

/// The department `code`, if this user may see its ledger: region-wide roles see every
/// department; a department's staff see their own; anyone else gets not found.
pub(crate) async fn visible_department(
    state: &SharedState,
    user: &User,
    code: &str,
) -> Result<DepartmentRef, StoreError> {
    let missing = || StoreError::NotFound(format!("部门“{code}”不存在，或您无权查看"));
    let dept = state.store.department_by_code(&user.region(), code).await?.ok_or_else(missing)?;
    match user.scope().limit {
        ScopeLimit::Region => Ok(dept),
        ScopeLimit::Department(d) if d == dept.id => Ok(dept),
        _ => Err(missing()),
    }
}

/// Whether `user` may sign `dept`'s ledger in `capacity` (core's `may_sign`); if not,
/// the refusal in the request's language.
pub(crate) fn department_signer(user: &User, capacity: Capacity, dept: &DepartmentRef) -> Result<(), String> {
    may_sign(LedgerKind::Department, capacity, user.role, user.department_id.as_deref(), Some(&dept.id))
        .map_err(|_| crate::i18n::t("ledger-error-department-signer"))
}

/// Removals a ledger page lists: every one awaiting a decision comes first.
pub(crate) const REMOVALS_SHOWN: usize = 50;
