//! The organisation as data, on the web: the region's departments, its campaigns with
//! their milestones (met or missed, from the record), and each campaign's leading
//! group, office and work team (R20). The office edits; every staff member reads.
//!
//! - `GET /api/v1/departments`, `POST /api/v1/departments` `{code, name, aliases?, initiates?}`
//!   (201), `PATCH /api/v1/departments/{code}` `{name, aliases?, initiates?}`,
//!   `POST /api/v1/departments/{code}/retire`, `…/restore`;
//! - `GET /api/v1/campaigns`: every campaign of the region, the current one first, with
//!   each milestone's state and the organisation; `POST /api/v1/campaigns`
//!   `{code, name, starts_on, ends_on?, milestones?}` (201; without milestones, the
//!   2022 plan's, moved to the new start); `PUT /api/v1/campaigns/{id}/organisation/{body}`
//!   `{text}` (body: `leading_group`, `office`, `work_team`);
//! - pages `/catalogue/departments` and `/campaigns`, with their forms.

mod api;
mod pages;

use crate::SharedState;
use axum::routing::{get, post, put};
use axum::Router;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/departments", get(api::departments).post(api::create_department))
        .route("/api/v1/departments/{code}", axum::routing::patch(api::update_department))
        .route("/api/v1/departments/{code}/retire", post(api::retire_department))
        .route("/api/v1/departments/{code}/restore", post(api::restore_department))
        .route("/api/v1/campaigns", get(api::campaigns).post(api::create_campaign))
        .route("/api/v1/campaigns/{id}/organisation/{body}", put(api::set_organisation))
        .route("/catalogue/departments", get(pages::departments).post(pages::create_department))
        .route("/catalogue/departments/{code}", post(pages::change_department))
        .route("/campaigns", get(pages::campaigns).post(pages::create_campaign))
        .route("/campaigns/{id}/organisation", post(pages::set_organisation))
}

/// A body of the organisation, in the request's language.
pub(crate) fn body_label(b: qidi_core::organisation::Body) -> String {
    crate::i18n::tc("organisation-body", b.as_str())
}

/// Whether a milestone was met, in the request's language (the home page's milestones
/// may use it too).
pub(crate) fn milestone_state_label(s: qidi_core::campaign::MilestoneState) -> String {
    use qidi_core::campaign::MilestoneState;
    match s {
        MilestoneState::Met { completed_on } => crate::i18n::t1("milestone-state-met", "on", completed_on.to_string()),
        MilestoneState::MetLate { completed_on } => {
            crate::i18n::t1("milestone-state-met_late", "on", completed_on.to_string())
        }
        MilestoneState::Missed => crate::i18n::t("milestone-state-missed"),
        MilestoneState::Open => crate::i18n::t("milestone-state-open"),
        MilestoneState::Unjudged => crate::i18n::t("milestone-state-unjudged"),
    }
}
