//! The public pages: search and statistics, a project's record, its QR sheet.

use super::{cached, chart, PublicClient};
use crate::error::PageError;
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qidi_core::catalogue::LimitUnit;
use qidi_core::project::ProjectStage;
use qidi_core::public::{
    PublicClock, PublicItem, PublicLateness, PublicProject, PublicProjectHit, PublicStats, PublicStep, SearchTerm,
};
use qidi_core::workflow::{ApplicationState, ClockKind, ClockOutcome, ALL_PAUSE_REASONS, ALL_STATES};
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

/// The page's words in the request's language. Core's public record carries Chinese
/// labels (the JSON keeps them); the page finds each label's code again and asks the
/// catalogues, keeping the Chinese as it is when a label has no code.
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
        let used = match unit_of(c.unit) {
            LimitUnit::WorkingDays => {
                crate::i18n::t2("public-clock-used-working_days", "used", c.used, "limit", c.limit)
            }
            LimitUnit::CalendarDays => {
                crate::i18n::t2("public-clock-used-calendar_days", "used", c.used, "limit", c.limit)
            }
        };
        crate::i18n::t2("public-clock", "clock", clock_label(c.label), "used", used)
    }

    /// A clock that ended: "初审时限按时办结（用时 2/5 个工作日）" …
    fn lateness(&self, l: &PublicLateness) -> String {
        if clock_kind(l.label).is_none() {
            return l.summary.clone();
        }
        let clock = clock_label(l.label);
        let unit = unit_of(l.unit);
        match l.outcome {
            ClockOutcome::Late => match unit {
                LimitUnit::WorkingDays => {
                    crate::i18n::t2("public-lateness-late-working_days", "clock", clock, "days", l.days_overdue)
                }
                LimitUnit::CalendarDays => {
                    crate::i18n::t2("public-lateness-late-calendar_days", "clock", clock, "days", l.days_overdue)
                }
            },
            ClockOutcome::OnTime => {
                let used = match unit {
                    LimitUnit::WorkingDays => {
                        crate::i18n::t2("public-lateness-used-working_days", "used", l.days_used, "limit", l.limit)
                    }
                    LimitUnit::CalendarDays => {
                        crate::i18n::t2("public-lateness-used-calendar_days", "used", l.days_used, "limit", l.limit)
                    }
                };
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
        ALL_STATES
            .into_iter()
            .find(|st| st.label_zh() == s.state_label)
            .map_or_else(|| s.state_label.to_string(), |st| crate::i18n::tc("application-state", st.as_str()))
    }

    /// Who took a step: core names the side in Chinese (`public::side_label`).
    fn side(&self, s: &PublicStep) -> String {
        match s.by {
            "项目单位" => crate::i18n::t("public-side-unit"),
            "审批部门" => crate::i18n::t("public-side-department"),
            "上级结果录入" => crate::i18n::t("public-side-recorder"),
            "起底系统" => crate::i18n::t("public-side-system"),
            other => other.to_string(),
        }
    }

    /// A step's structured facts: a document number, a pause's kind, a deemed acceptance's day.
    fn detail(&self, s: &PublicStep) -> Option<String> {
        let d = s.detail.as_deref()?;
        // "批复文号 X", "上级批复文号 X", "依法自收件之日 2026-03-02 起视为受理".
        let after_label = d.split_once(' ').map(|(_, rest)| rest.to_string());
        let text = match (s.action, after_label) {
            ("approve", Some(n)) => crate::i18n::t1("public-detail-document-number", "number", n),
            ("record_higher_outcome", Some(n)) => crate::i18n::t1("public-detail-higher-document-number", "number", n),
            ("deem_accept", Some(rest)) => match rest.split(' ').next() {
                Some(on) if on.parse::<chrono::NaiveDate>().is_ok() => {
                    crate::i18n::t1("public-detail-deemed", "on", on)
                }
                _ => d.to_string(),
            },
            ("pause", _) => ALL_PAUSE_REASONS
                .into_iter()
                .find(|r| r.label_zh() == d)
                .map_or_else(|| d.to_string(), |r| crate::i18n::tc("pause-reason", r.as_str())),
            _ => d.to_string(),
        };
        Some(text)
    }
}

/// The clock kind whose Chinese label core wrote.
fn clock_kind(label: &str) -> Option<ClockKind> {
    ["notice_due", "initial_review", "review", "forward", "extension"]
        .into_iter()
        .filter_map(ClockKind::parse)
        .find(|k| k.label_zh() == label)
}

fn clock_label(label: &str) -> String {
    clock_kind(label).map_or_else(|| label.to_string(), |k| crate::i18n::tc("clock-kind", k.as_str()))
}

/// The limit unit whose Chinese label core wrote.
fn unit_of(label: &str) -> LimitUnit {
    if label == qidi_core::public::unit_label(LimitUnit::CalendarDays) {
        LimitUnit::CalendarDays
    } else {
        LimitUnit::WorkingDays
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
