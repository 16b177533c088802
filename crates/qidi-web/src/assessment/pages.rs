//! The assessment's pages: ranking, one department's derivation, the profile form,
//! and the entries form.

use super::{may_read, period, scoped, visible};
use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::assessment::{
    centi_text, may_edit_profile, parse_centi, DepartmentScore, Grade, Period, Profile, Term, FIELDS,
};
use qidi_store::assessment::{EntryRow, NewEntry};
use qidi_store::baseline::DepartmentRef;
use qidi_store::users::User;
use qidi_store::StoreError;
use std::collections::HashMap;

#[derive(serde::Deserialize)]
pub struct Ask {
    period: Option<String>,
    profile: Option<i64>,
}

/// The code of a grade, for its label (`assessment-grade-<code>`).
pub(super) fn grade_code(g: &Grade) -> &'static str {
    match g {
        Grade::Excellent => "excellent",
        Grade::Good => "good",
        Grade::Pass => "pass",
        Grade::Fail => "fail",
    }
}

/// A period in the request's language: 2026年5月, 2026年第2季度, or a campaign and its span.
pub(super) fn period_label(p: &Period) -> String {
    match p {
        Period::Month { month } => crate::i18n::t2(
            "assessment-period-month",
            "year",
            month.year.to_string(),
            "month",
            crate::supervision::month_name(month.month),
        ),
        Period::Quarter { year, quarter } => {
            crate::i18n::t2("assessment-period-quarter", "year", year.to_string(), "quarter", *quarter)
        }
        Period::Campaign { name, first, last, .. } => crate::i18n::t2(
            "assessment-period-campaign",
            "name",
            name,
            "span",
            crate::i18n::t2("assessment-span", "first", first.to_string(), "last", last.to_string()),
        ),
    }
}

/// Points in words ("15 分"): the text as the profile has it, the number for plurals.
fn points(key: &str, text: &str) -> String {
    crate::i18n::t2(key, "points", text, "n", text.parse::<f64>().unwrap_or(0.0))
}

/// A term's weight in the request's language: core says "15 分" or "每件 -3 分".
fn term_weight(w: &str) -> String {
    if let Some(p) = w.strip_prefix("每件 -").and_then(|r| r.strip_suffix(" 分")) {
        points("assessment-points-each", p)
    } else if let Some(p) = w.strip_suffix(" 分") {
        points("assessment-points", p)
    } else {
        w.to_string()
    }
}

/// A term's value in the request's language. Core says it in Chinese: "4/5（80.0%）",
/// "无记录（按满分计）", "2 件", "是（本期网上申请 3 件）", "2 条，平均 75.5 分"; a text
/// of another shape is shown as it is.
fn term_value(term: &Term) -> String {
    let v = term.value.as_str();
    let count = |suffix: &str| v.strip_suffix(suffix).and_then(|n| n.parse::<i64>().ok());
    let said = match v {
        "无记录（按满分计）" => Some(crate::i18n::t("assessment-no-records-full")),
        "无记录（不得分）" => Some(crate::i18n::t("assessment-no-records-none")),
        "本期无网上受理的申请" => Some(crate::i18n::t("assessment-no-online")),
        _ => match term.key.as_str() {
            "notice" | "initial_review" | "forward" | "decision" | "satisfaction" => {
                v.strip_suffix('）').and_then(|r| r.split_once('（')).map(|(fraction, percent)| {
                    crate::i18n::t2("assessment-rate", "fraction", fraction, "percent", percent)
                })
            }
            "online" => v
                .strip_prefix("是（本期网上申请 ")
                .and_then(|r| r.strip_suffix(" 件）"))
                .and_then(|n| n.parse::<i64>().ok())
                .map(|n| crate::i18n::t1("assessment-online-yes", "n", n)),
            "entries" => v.split_once(" 条，平均 ").and_then(|(n, average)| {
                let n = n.parse::<i64>().ok()?;
                Some(crate::i18n::t2("assessment-entries-value", "n", n, "average", average.strip_suffix(" 分")?))
            }),
            _ => count(" 件").map(|n| crate::i18n::t1("assessment-count", "n", n)),
        },
    };
    said.unwrap_or_else(|| v.to_string())
}

struct Line {
    s: DepartmentScore,
    score: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct RankingPage<'a> {
    user: &'a User,
    key: String,
    label: String,
    profile_version: i64,
    lines: Vec<Line>,
    error: Option<String>,
    may_edit: bool,
}

fn refuse(user: &User) -> Result<(), PageError> {
    if may_read(user) {
        Ok(())
    } else {
        Err(PageError::not_found())
    }
}

/// A period that does not parse or is not over is said on the page, in Chinese.
fn page_error(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Invalid(m) => Ok(crate::i18n::explain(&m)),
        other => Err(other.into()),
    }
}

pub async fn ranking(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<Ask>,
) -> Result<Response, PageError> {
    refuse(&user)?;
    let mut page = RankingPage {
        user: &user,
        key: q.period.clone().unwrap_or_default(),
        label: String::new(),
        profile_version: 0,
        lines: Vec::new(),
        error: None,
        may_edit: may_edit_profile(user.role),
    };
    let result = match period(&state.store, &user, q.period.as_deref()).await {
        Ok(p) => {
            page.key = p.key();
            page.label = period_label(&p);
            state.store.assessment(&user.region(), &p, q.profile, qidi_store::today()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            page.profile_version = r.profile_version;
            let only = visible(&state.store, &user).await?;
            page.lines = scoped(r.assessment, only.as_deref())
                .departments
                .into_iter()
                .map(|s| Line { score: centi_text(s.score), s })
                .collect();
        }
        Err(e) => page.error = Some(page_error(e)?),
    }
    Ok(render(&page))
}

struct TermLine {
    t: Term,
    label: String,
    value: String,
    weight: String,
    contribution: String,
}

#[derive(Template)]
#[template(path = "assessment_department.html")]
struct DepartmentPage<'a> {
    user: &'a User,
    key: String,
    label: String,
    profile_version: i64,
    s: DepartmentScore,
    score: String,
    terms: Vec<TermLine>,
    days: Vec<(String, u32, String)>,
}

pub async fn department(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(code): Path<String>,
    Query(q): Query<Ask>,
) -> Result<Response, PageError> {
    refuse(&user)?;
    if let Some(own) = visible(&state.store, &user).await? {
        if own != code {
            return Err(PageError::not_found());
        }
    }
    let p: Period = period(&state.store, &user, q.period.as_deref()).await?;
    let r = state.store.assessment(&user.region(), &p, q.profile, qidi_store::today()).await?;
    let s =
        r.assessment.departments.into_iter().find(|d| d.department_code == code).ok_or_else(PageError::not_found)?;
    Ok(render(&DepartmentPage {
        user: &user,
        key: p.key(),
        label: period_label(&p),
        profile_version: r.profile_version,
        score: centi_text(s.score),
        terms: s
            .terms
            .iter()
            .map(|term| TermLine {
                label: crate::i18n::tc("assessment-term", &term.key),
                value: term_value(term),
                weight: term_weight(&term.weight),
                contribution: centi_text(term.contribution),
                t: term.clone(),
            })
            .collect(),
        days: s.average_days.iter().map(|d| (d.item_type.clone(), d.clocks, centi_text(d.average))).collect(),
        s,
    }))
}

#[derive(Template)]
#[template(path = "assessment_profile.html")]
struct ProfilePage<'a> {
    user: &'a User,
    version: i64,
    name: String,
    empty_gets_full: bool,
    fields: Vec<(&'static str, String, String)>,
    may_edit: bool,
    error: Option<String>,
    saved: bool,
}

fn profile_page(user: &User, version: i64, p: &Profile, saved: bool) -> Response {
    render(&ProfilePage {
        user,
        version,
        name: p.name.clone(),
        empty_gets_full: p.empty_gets_full,
        fields: FIELDS
            .iter()
            .map(|(k, _)| (*k, crate::i18n::tc("assessment-field", k), centi_text(p.get(k).unwrap_or(0))))
            .collect(),
        may_edit: may_edit_profile(user.role),
        error: None,
        saved,
    })
}

/// The profile form sent back refused: the refusal, its status, and every value as
/// it was typed (not the stored one, nor the typed one as read).
fn refused_profile_page(
    user: &User,
    version: i64,
    status: StatusCode,
    error: String,
    typed: &HashMap<String, String>,
) -> Response {
    let raw = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let page = render(&ProfilePage {
        user,
        version,
        name: raw("name"),
        empty_gets_full: typed.get("empty_gets_full").is_some_and(|v| v == "yes"),
        fields: FIELDS.iter().map(|(k, _)| (*k, crate::i18n::tc("assessment-field", k), raw(k))).collect(),
        may_edit: may_edit_profile(user.role),
        error: Some(error),
        saved: false,
    });
    (status, page).into_response()
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

pub async fn profile(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    refuse(&user)?;
    let p = state.store.assessment_profile(&user.region()).await?;
    Ok(profile_page(&user, p.version, &p.profile, q.saved.is_some()))
}

pub async fn save_profile(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !may_edit_profile(user.role) {
        return Err(PageError::not_found());
    }
    let current = state.store.assessment_profile(&user.region()).await?;
    let mut p = current.profile.clone();
    p.name = f.get("name").cloned().unwrap_or_default().trim().to_string();
    p.empty_gets_full = f.get("empty_gets_full").is_some_and(|v| v == "yes");
    for (key, _) in FIELDS {
        let raw = f.get(key).map(String::as_str).unwrap_or("");
        match parse_centi(raw) {
            Ok(v) => {
                p.set(key, v);
            }
            Err(_) => {
                let msg = crate::i18n::t2(
                    "assessment-error-field",
                    "field",
                    crate::i18n::tc("assessment-field", key),
                    "value",
                    raw,
                );
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return Ok(refused_profile_page(&user, current.version, status, msg, &f));
            }
        }
    }
    match state.store.save_assessment_profile(&user, &p).await {
        Ok(_) => Ok(Redirect::to("/assessment/profile?saved=1").into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::Forbidden(_))) => {
            let msg = crate::error::refusal_text(&e);
            Ok(refused_profile_page(&user, current.version, crate::error::refusal_status(&e), msg, &f))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "assessment_entries.html")]
struct EntriesPage<'a> {
    user: &'a User,
    key: String,
    label: String,
    entries: Vec<(EntryRow, String)>,
    departments: Vec<DepartmentRef>,
    may_enter: bool,
    error: Option<String>,
    form: HashMap<String, String>,
}

impl EntriesPage<'_> {
    fn value(&self, k: &str) -> &str {
        self.form.get(k).map_or("", String::as_str)
    }
}

async fn entries_page(
    state: &SharedState,
    user: &User,
    key: Option<&str>,
    refused: Option<(StatusCode, String)>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let p = period(&state.store, user, key).await?;
    let departments = state.store.departments(&user.region()).await?;
    let own_initiates = departments.iter().any(|d| Some(&d.id) == user.department_id.as_ref() && d.initiates);
    let may_enter = qidi_core::assessment::may_rate(user.role, own_initiates);
    let entries = state
        .store
        .assessment_entries(user, &p)
        .await?
        .into_iter()
        .map(|e| {
            let s = centi_text(e.score);
            (e, s)
        })
        .collect();
    let departments = departments.into_iter().filter(|d| Some(&d.id) != user.department_id.as_ref()).collect();
    // A form sent back with its error is a refusal, not a page served.
    let (status, error) = match refused {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = render(&EntriesPage {
        user,
        key: p.key(),
        label: period_label(&p),
        entries,
        departments,
        may_enter,
        error,
        form,
    });
    Ok((status, page).into_response())
}

pub async fn entries(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<Ask>,
) -> Result<Response, PageError> {
    refuse(&user)?;
    entries_page(&state, &user, q.period.as_deref(), None, HashMap::new()).await
}

pub async fn add_entry(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    refuse(&user)?;
    let raw = f.get("score").cloned().unwrap_or_default();
    let score = match parse_centi(&raw) {
        Ok(s) => s,
        Err(_) => {
            let msg = crate::i18n::t1("assessment-error-score", "value", &raw);
            return entries_page(&state, &user, None, Some((StatusCode::UNPROCESSABLE_ENTITY, msg)), f).await;
        }
    };
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let entry = NewEntry {
        department: get("department"),
        score,
        comment: get("comment"),
        project_code: Some(get("project_code")),
    };
    match state.store.record_assessment_entry(&user, &entry).await {
        Ok(_) => {
            let month = qidi_core::bulletin::Month::of(qidi_store::today());
            Ok(Redirect::to(&format!("/assessment/entries?period={month}")).into_response())
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::Forbidden(_))) => {
            let refused = (crate::error::refusal_status(&e), crate::error::refusal_text(&e));
            entries_page(&state, &user, None, Some(refused), f).await
        }
        Err(e) => Err(e.into()),
    }
}
