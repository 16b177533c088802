//! The ledger's entry (to the banner, or to the user's department) and the banner
//! ledger's page; the baseline's progress as JSON.

use super::views::{CampaignView, LedgerView, ProgressRow, RemovalView};
use super::{Chart, REMOVALS_SHOWN};
use crate::auth::{ApiUser, PageUser};
use crate::error::{render, ApiError, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use qidi_core::ledger::may_import;
use qidi_core::role::ScopeLimit;
use qidi_store::users::User;
use std::collections::BTreeMap;

pub async fn index(PageUser(user): PageUser, State(state): State<SharedState>) -> Result<Response, PageError> {
    match user.scope().limit {
        ScopeLimit::Region => Ok(Redirect::to("/ledger/banner").into_response()),
        ScopeLimit::Department(d) => {
            let code = state
                .store
                .departments(&user.region())
                .await?
                .into_iter()
                .find(|x| x.id == d)
                .map(|x| x.code)
                .ok_or_else(PageError::not_found)?;
            Ok(Redirect::to(&format!("/ledger/departments/{code}")).into_response())
        }
        _ => Err(PageError::not_found()),
    }
}

#[derive(Template)]
#[template(path = "ledger_banner.html")]
struct BannerPage<'a> {
    user: &'a User,
    campaign: CampaignView,
    ledger: LedgerView,
    total: ProgressRow,
    by_initiating: Vec<ProgressRow>,
    by_handling: Vec<ProgressRow>,
    chart: Chart,
    departments: Vec<(String, String, bool, bool)>,
    removals: Vec<RemovalView>,
    can_import: bool,
    can_set_end: bool,
    can_decide: bool,
}

/// The baseline's progress as JSON: banner-wide for region-wide roles, a department's own
/// for its staff; nothing for project units.
pub async fn progress_json(
    ApiUser(user): ApiUser,
    State(state): State<SharedState>,
) -> Result<axum::Json<qidi_store::baseline::ProgressReport>, ApiError> {
    let department = match user.scope().limit {
        ScopeLimit::Region => None,
        ScopeLimit::Department(d) => Some(d),
        ScopeLimit::Owner(_) | ScopeLimit::Nothing => return Err(ApiError::not_found()),
    };
    Ok(axum::Json(state.store.baseline_progress(&user.region(), department.as_deref()).await?))
}

pub async fn banner(PageUser(user): PageUser, State(state): State<SharedState>) -> Result<Response, PageError> {
    if user.scope().limit != ScopeLimit::Region {
        return Err(PageError::not_found());
    }
    let region = user.region();
    let store = &state.store;
    let ledger = store.ledger_state(&region, None).await?;
    let report = store.baseline_progress(&region, None).await?;
    let locked: Vec<String> = ledger.parts.iter().map(|p| p.department.clone()).collect();
    let departments = store
        .departments(&region)
        .await?
        .into_iter()
        .map(|d| {
            let signed = locked.contains(&d.code);
            (d.code, d.name, d.initiates, signed)
        })
        .collect();
    let removals = store.removals(&region, None, REMOVALS_SHOWN as i64).await?.iter().map(RemovalView::of).collect();
    let page = BannerPage {
        user: &user,
        campaign: CampaignView::of(&report.campaign, Some(&store.campaign_facts(&report.campaign).await?)),
        ledger: LedgerView::of(&ledger, &user, None, &BTreeMap::new()),
        total: ProgressRow::of("total", &crate::i18n::t("ledger-progress-total"), &report.total),
        by_initiating: ProgressRow::rows(&report.by_initiating),
        by_handling: ProgressRow::rows(&report.by_handling),
        chart: Chart::of(&report.burn_down, &report.campaign),
        departments,
        removals,
        can_import: may_import(user.role),
        can_set_end: qidi_core::campaign::may_plan(user.role),
        can_decide: qidi_core::ledger::may_decide_removal(user.role),
    };
    Ok(render(&page))
}
