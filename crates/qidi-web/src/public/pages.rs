//! The public pages: search and statistics, a project's record, its QR sheet.

use super::{cached, chart, PublicClient};
use crate::error::PageError;
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qidi_core::project::ProjectStage;
use qidi_core::public::{
    PublicClock, PublicFact, PublicItem, PublicLateness, PublicProject, PublicProjectHit, PublicStats, PublicStep,
    SearchTerm,
};
use qidi_core::workflow::{ApplicationState, ClockOutcome};
use serde::Deserialize;

const HTML: &str = "text/html; charset=utf-8";

pub(super) fn not_found() -> PageError {
    PageError::Status(StatusCode::NOT_FOUND, crate::i18n::t("public-not-found"))
}

fn html<T: Template>(headers: &HeaderMap, page: &T) -> Result<Response, PageError> {
    let body = page.render().map_err(|e| {
        tracing::error!(error = %e, "template error");
        PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, crate::i18n::t("public-render-failed"))
    })?;
    Ok(cached(headers, HTML, body.into_bytes()))
}

/// The public record of a project on today, if a project has that code.
pub(super) async fn load_project(
    state: &SharedState,
    code: &str,
) -> Result<Option<PublicProject>, qidi_store::StoreError> {
    let Some(src) = state.store.public_project_source(code).await? else { return Ok(None) };
    let calendar = state.store.work_calendar().await?;
    Ok(Some(PublicProject::of(&src, &calendar, qidi_store::today())))
}

pub(super) async fn load_stats(state: &SharedState) -> Result<PublicStats, qidi_store::StoreError> {
    Ok(PublicStats::of(&state.store.public_stats_source().await?, qidi_store::today()))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct IndexPage {
    q: String,
    searched: bool,
    hits: Vec<PublicProjectHit>,
    stats: PublicStats,
    chart: Option<String>,
}

pub async fn index(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let term = SearchTerm::parse(&query.q);
    let hits = match &term {
        Some(t) => state.store.public_search(t).await?.iter().map(PublicProjectHit::of).collect(),
        None => Vec::new(),
    };
    let stats = load_stats(&state).await?;
    let chart = chart::burn_down(&stats.burn_down, stats.campaign_ends_on);
    let q = query.q.trim().chars().take(qidi_core::public::MAX_SEARCH_CHARS).collect();
    html(&headers, &IndexPage { q, searched: term.is_some(), hits, stats, chart })
}

#[derive(Template)]
#[template(path = "public_project.html")]
struct ProjectPage {
    p: PublicProject,
    path: String,
}

/// The page's words in the request's language, from the codes core's public record
/// carries beside its Chinese labels (which the JSON keeps).
impl ProjectPage {
    fn stage(&self) -> String {
        ProjectStage::parse(self.p.stage)
            .map_or_else(|| self.p.stage.to_string(), |s| crate::i18n::tc("stage", s.as_str()))
    }

    fn application_state(&self, i: &PublicItem) -> String {
        if i.application_state == "not_applied" {
            return crate::i18n::t("public-not-applied");
        }
        ApplicationState::parse(i.application_state)
            .map_or_else(|| i.application_state_label.to_string(), |s| crate::i18n::tc("application-state", s.as_str()))
    }

    /// "承诺审批时限：已用 2/20 个工作日".
    fn clock(&self, c: &PublicClock) -> String {
        let used = crate::i18n::t2(&format!("public-clock-used-{}", c.unit_code), "used", c.used, "limit", c.limit);
        crate::i18n::t2("public-clock", "clock", crate::i18n::tc("clock-kind", c.kind), "used", used)
    }

    /// A clock that ended: "初审时限按时办结（用时 2/5 个工作日）" …
    fn lateness(&self, l: &PublicLateness) -> String {
        let clock = crate::i18n::tc("clock-kind", l.kind);
        match l.outcome {
            ClockOutcome::Late => crate::i18n::t2(
                &format!("public-lateness-late-{}", l.unit_code),
                "clock",
                clock,
                "days",
                l.days_overdue,
            ),
            ClockOutcome::OnTime => {
                let used = crate::i18n::t2(
                    &format!("public-lateness-used-{}", l.unit_code),
                    "used",
                    l.days_used,
                    "limit",
                    l.limit,
                );
                crate::i18n::t2("public-lateness-on_time", "clock", clock, "used", used)
            }
            ClockOutcome::Deemed => crate::i18n::t1("public-lateness-deemed", "clock", clock),
        }
    }

    /// The clocks a step ended: the same records as the items' (matched by their summary).
    fn step_lateness(&self, s: &PublicStep) -> Vec<String> {
        s.lateness
            .iter()
            .map(|summary| {
                self.p
                    .items
                    .iter()
                    .filter(|i| i.item_type == s.item_type)
                    .flat_map(|i| i.lateness.iter())
                    .find(|l| &l.summary == summary)
                    .map_or_else(|| summary.clone(), |l| self.lateness(l))
            })
            .collect()
    }

    fn state_after(&self, s: &PublicStep) -> String {
        crate::i18n::tc("application-state", s.state)
    }

    /// Who took a step: a side, never a name.
    fn side(&self, s: &PublicStep) -> String {
        crate::i18n::tc("public-side", s.side)
    }

    /// A step's structured facts: a document number, a pause's kind, a deemed acceptance's day.
    fn detail(&self, s: &PublicStep) -> Option<String> {
        Some(match s.fact.as_ref()? {
            PublicFact::DocumentNumber { number } => {
                crate::i18n::t1("public-detail-document-number", "number", number.as_str())
            }
            PublicFact::HigherDocumentNumber { number } => {
                crate::i18n::t1("public-detail-higher-document-number", "number", number.as_str())
            }
            PublicFact::Pause { reason } => crate::i18n::tc("pause-reason", reason),
            PublicFact::DeemedAcceptance { received_on } => {
                crate::i18n::t1("public-detail-deemed", "on", received_on.to_string())
            }
        })
    }
}

pub async fn project(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let p = load_project(&state, &code).await?.ok_or_else(not_found)?;
    let path = super::project_path(&p.code);
    html(&headers, &ProjectPage { p, path })
}

#[derive(Template)]
#[template(path = "public_qr.html")]
struct QrSheet {
    p: PublicProject,
    path: String,
    url: String,
}

/// A printable sheet for the project's notice board: the QR code, the project's name
/// and code, and the address it points at.
pub async fn qr_sheet(
    _: PublicClient,
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let p = load_project(&state, &code).await?.ok_or_else(not_found)?;
    let path = super::project_path(&p.code);
    let url = format!("{}{path}", qidi_store::messages::public_url());
    html(&headers, &QrSheet { p, path, url })
}
