//! Server-rendered pages: sign-in, the password, the home page's dashboards, a project.
//! Their text comes from the string catalogues (`locales/*/home.ftl`).

use crate::auth::{clear_cookie, client_addr, client_ip, session_cookie, AnySession, PageUser, SessionUser};
use crate::error::{render, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::sentence::Sentence;
use qidi_core::Role;
use qidi_store::ledger::{LedgerSummary, PendingItemRow, ProjectRow};
use qidi_store::users::{LoginFailure, User};
use serde::Deserialize;

/// A project as a page shows it.
pub(crate) struct ProjectView {
    pub(crate) id: String,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) owner: String,
    pub(crate) department: String,
    pub(crate) year: String,
    pub(crate) investment_wan: String,
    pub(crate) stage: String,
    pub(crate) pending_items: i64,
}

impl From<ProjectRow> for ProjectView {
    fn from(p: ProjectRow) -> Self {
        ProjectView {
            id: p.id,
            code: p.code,
            name: p.name,
            owner: p.owner.unwrap_or_default(),
            department: p.initiating_department.unwrap_or_default(),
            year: p.initiated_year.map(|y| y.to_string()).unwrap_or_default(),
            // Ledgers write money in 万元 with two decimals.
            investment_wan: p.investment_yuan.map(|y| qidi_core::project::Yuan(y).to_wan_string()).unwrap_or_default(),
            stage: qidi_core::project::ProjectStage::parse(&p.stage)
                .map_or_else(|| "—".to_string(), |s| crate::i18n::tc("stage", s.as_str())),
            pending_items: p.pending_items,
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage<'a> {
    pub(crate) error: Option<&'a str>,
    pub(crate) username: &'a str,
}

pub async fn login_form() -> Response {
    render(&LoginPage { error: None, username: "" })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// What a failed sign-in is told. An unknown username, a wrong password and a locked
/// account get the same words (and the same status), so that no answer tells whether an
/// account exists or is locked; the lock is in the record. Only the right password of a
/// disabled account learns that it is disabled. In the request's language.
pub fn login_failure_message(f: &LoginFailure) -> String {
    let s = match f {
        LoginFailure::BadCredentials | LoginFailure::Locked => Sentence::new("err-login-failed", LOGIN_FAILED),
        LoginFailure::Disabled => Sentence::new("err-login-disabled", "该账户已停用，请联系管理员"),
    };
    crate::i18n::explain(&s)
}

pub const LOGIN_FAILED: &str = "用户名或密码错误（连续输错多次后，账户将暂时锁定）";

/// Said with 429 when a client address has used up its sign-in attempts.
pub fn throttled_message(retry_after: u64) -> String {
    let s = Sentence::new("err-login-throttled", format!("登录尝试过于频繁，请 {retry_after} 秒后再试"))
        .arg("seconds", retry_after);
    crate::i18n::explain(&s)
}

/// A 429 answer's `Retry-After` header.
pub fn retry_after(seconds: u64) -> (header::HeaderName, header::HeaderValue) {
    (header::RETRY_AFTER, header::HeaderValue::from(seconds))
}

pub async fn login(
    State(state): State<SharedState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let addr = client_addr(&parts);
    if let Err(wait) = state.login_throttle.check_both(client_ip(&parts), &form.username) {
        let message = throttled_message(wait);
        let page = render(&LoginPage { error: Some(&message), username: &form.username });
        return Ok((StatusCode::TOO_MANY_REQUESTS, [retry_after(wait)], page).into_response());
    }
    match state.store.login(&form.username, &form.password, addr.as_deref()).await? {
        Ok((user, token)) => {
            let to = crate::second_factor::next_page(&user);
            let mut res = Redirect::to(to).into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.config.secure_cookies));
            // The user's own choice of language follows them to a new browser.
            if let Some(v) =
                user.language.as_deref().and_then(|l| crate::i18n::language_cookie(l, state.config.secure_cookies))
            {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(f) => {
            let message = login_failure_message(&f);
            let page = render(&LoginPage { error: Some(&message), username: &form.username });
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

pub async fn logout(
    State(state): State<SharedState>,
    AnySession(user, token): AnySession,
) -> Result<Response, PageError> {
    state.store.logout(&token, &user).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(header::SET_COOKIE, clear_cookie(state.config.secure_cookies));
    Ok(res)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    user: &'a User,
    error: Option<String>,
}

pub async fn password_form(SessionUser(user, _): SessionUser) -> Response {
    render(&PasswordPage { user: &user, error: None })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<SharedState>,
    SessionUser(user, _): SessionUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let fail = |msg: String| {
        (StatusCode::UNPROCESSABLE_ENTITY, render(&PasswordPage { user: &user, error: Some(msg) })).into_response()
    };
    if form.new != form.confirm {
        return Ok(fail(crate::i18n::t("password-mismatch")));
    }
    if form.new == form.current {
        return Ok(fail(crate::i18n::t("password-same")));
    }
    // The current password is checked by signing in with it; that also counts failures.
    match state.store.login(&user.username, &form.current, None).await? {
        Ok(_) => {}
        Err(f) => return Ok(fail(crate::i18n::t1("password-current-wrong", "reason", login_failure_message(&f)))),
    }
    match state.store.set_password_as(Some(&user), &user.username, &form.new, false).await {
        Ok(()) => {}
        Err(qidi_store::StoreError::Invalid(m)) => return Ok(fail(crate::i18n::explain(&m))),
        Err(e) => return Err(e.into()),
    }
    // Every session ended with the change; sign in again with the new password.
    let (fresh, token) = match state.store.login(&user.username, &form.new, None).await? {
        Ok(ok) => ok,
        Err(_) => return Ok(Redirect::to("/login").into_response()),
    };
    let mut res = Redirect::to(crate::second_factor::next_page(&fresh)).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.config.secure_cookies));
    Ok(res)
}

/// One bar of the by-department chart.
struct Bar<'a> {
    label: &'a str,
    value: i64,
    projects: i64,
    percent: i64,
}

/// One application of a handler's own work on the home page.
struct WorkRow {
    id: String,
    project_code: String,
    project_name: String,
    item_type: String,
    state_label: String,
    lamp_class: &'static str,
    lamp_label: String,
    due_on: String,
    due_soon: String,
}

/// A department's own work, red first: what awaits it, and what falls due today and on
/// the next working day.
struct MyWork {
    rows: Vec<WorkRow>,
    total: usize,
    red: usize,
    due_today: usize,
    due_next: usize,
}

/// Applications listed on the home page; the inbox has them all.
const WORK_SHOWN: usize = 10;

async fn my_work(state: &SharedState, user: &User) -> Result<Option<MyWork>, PageError> {
    use qidi_core::light::{DueSoon, Light};
    if !matches!(user.role, Role::Handler | Role::DepartmentHead) {
        return Ok(None);
    }
    let head = state.store.inbox_head(user, &Default::default(), &[], WORK_SHOWN).await?;
    let calendar = state.store.work_calendar().await?;
    let today = qidi_store::today();
    let soon = |r: &qidi_store::workflow::ApplicationRow| {
        r.due_on.filter(|_| r.paused_since.is_none()).and_then(|d| DueSoon::of(&calendar, d, today))
    };
    Ok(Some(MyWork {
        total: head.total,
        red: head.red,
        due_today: head.due_today,
        due_next: head.due_next_working_day,
        rows: head
            .rows
            .iter()
            .map(|r| WorkRow {
                id: r.id.clone(),
                project_code: r.project_code.clone(),
                project_name: r.project_name.clone(),
                item_type: r.item_type.clone(),
                state_label: crate::i18n::tc("application-state", r.state.as_str()),
                lamp_class: r.light.map_or("none", Light::as_str),
                lamp_label: match r.light {
                    Some(l) => crate::i18n::tc("light", l.as_str()),
                    None if r.paused_since.is_some() => crate::i18n::t("home-clock-paused"),
                    None => "—".to_string(),
                },
                due_on: r.due_on.map(|d| d.to_string()).unwrap_or_default(),
                due_soon: soon(r).map_or_else(String::new, due_soon_label),
            })
            .collect(),
    }))
}

/// When a clock falls due, in the request's language.
fn due_soon_label(d: qidi_core::light::DueSoon) -> String {
    use qidi_core::light::DueSoon;
    crate::i18n::tc(
        "due-soon",
        match d {
            DueSoon::Overdue => "overdue",
            DueSoon::Today => "today",
            DueSoon::NextWorkingDay => "next_working_day",
        },
    )
}

/// When the baseline would be cleared, in the request's language.
pub(crate) fn forecast_label(f: qidi_core::ledger::Forecast) -> String {
    use qidi_core::ledger::Forecast;
    match f {
        Forecast::NoBaseline => crate::i18n::t("forecast-no_baseline"),
        Forecast::Done => crate::i18n::t("forecast-done"),
        Forecast::On { on, per_week } => crate::i18n::t2("forecast-on", "per_week", per_week, "on", on.to_string()),
        Forecast::Stalled => crate::i18n::t("forecast-stalled"),
    }
}

/// The campaign's state for those who lead or answer for it: the burn-down with its
/// forecast, the milestones (the office and the leader), the latest bulletin.
struct Overview {
    chart: crate::ledger::Chart,
    forecast: String,
    /// Overdue applications, the most working days overdue first (at most [`OVERDUE_SHOWN`]).
    overdue: Vec<OverdueRow>,
    overdue_total: usize,
    /// The departments an inspector oversees, named (empty: the whole region).
    overseen: Vec<String>,
    campaign: Option<crate::ledger::CampaignView>,
    /// (id, document number, title) of the latest bulletin.
    bulletin: Option<(String, String, String)>,
}

/// One overdue application on a dashboard.
struct OverdueRow {
    id: String,
    project_name: String,
    item_type: String,
    department: String,
    due_on: String,
    days: i64,
}

/// Overdue applications listed on a dashboard.
const OVERDUE_SHOWN: usize = 10;

async fn overview(state: &SharedState, user: &User) -> Result<Option<Overview>, PageError> {
    use qidi_core::role::ScopeLimit;
    let department = match (user.role, user.scope().limit) {
        (Role::Office | Role::Leader | Role::Inspector, ScopeLimit::Region) => None,
        (Role::DepartmentHead, ScopeLimit::Department(d)) => Some(d),
        _ => return Ok(None),
    };
    let store = &state.store;
    let region = user.region();
    let report = store.baseline_progress(&region, department.as_deref()).await?;
    let forecast = forecast_label(report.burn_down.forecast(qidi_store::today()));
    let campaign = if matches!(user.role, Role::Office | Role::Leader) {
        let facts = store.campaign_facts(&report.campaign).await?;
        Some(crate::ledger::CampaignView::of(&report.campaign, Some(&facts)))
    } else {
        None
    };
    // Overdue applications in the user's view (an inspector's: the departments it
    // oversees), by working days overdue (the due date itself not counted).
    let overseen = if user.role == Role::Inspector { store.inspector_departments(&user.id).await? } else { Vec::new() };
    let red = qidi_core::workflow::inbox::InboxFilter {
        light: Some(qidi_core::light::Light::Red),
        department_id: department.clone(),
        ..Default::default()
    };
    let calendar = store.work_calendar().await?;
    let today = qidi_store::today();
    // Red first is the earliest due first, which is the most working days overdue.
    let among: Vec<String> = overseen.iter().map(|d| d.id.clone()).collect();
    let head = store.inbox_head(user, &red, &among, OVERDUE_SHOWN).await?;
    let overdue = head
        .rows
        .into_iter()
        .filter_map(|a| {
            let due = a.due_on?;
            Some(OverdueRow {
                days: calendar.working_days_overdue(due, today),
                due_on: due.to_string(),
                id: a.id,
                project_name: a.project_name,
                item_type: a.item_type,
                department: a.handling_department,
            })
        })
        .collect();
    let overdue_total = head.total;
    let overseen = overseen.into_iter().map(|d| d.name).collect();
    let bulletin = store
        .bulletins(&region)
        .await?
        .into_iter()
        .next()
        .map(|b| (b.id, b.bulletin.document_number, b.bulletin.title));
    Ok(Some(Overview {
        chart: crate::ledger::Chart::of(&report.burn_down, &report.campaign),
        forecast,
        overdue,
        overdue_total,
        overseen,
        campaign,
        bulletin,
    }))
}

/// A project unit's projects at a glance: what waits on it, what waits on a department.
struct UnitWork {
    counts: qidi_store::workflow::UnitCounts,
    /// Applications waiting for the unit (a draft, or returned with a one-time notice).
    on_unit: usize,
    /// The first of them, earliest due first: (id, project, item type, state).
    on_unit_shown: Vec<(String, String, String, String)>,
}

/// Applications waiting for a unit listed on its home page; the rest are in its inbox.
const ON_UNIT_SHOWN: usize = 20;

async fn unit_work(state: &SharedState, user: &User) -> Result<Option<UnitWork>, PageError> {
    if user.role != Role::Applicant {
        return Ok(None);
    }
    let counts = state.store.unit_counts(user).await?;
    let head = state.store.inbox_head(user, &Default::default(), &[], ON_UNIT_SHOWN).await?;
    Ok(Some(UnitWork {
        counts,
        on_unit: head.total,
        on_unit_shown: head
            .rows
            .into_iter()
            .map(|a| (a.id, a.project_name, a.item_type, crate::i18n::tc("application-state", a.state.as_str())))
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    user: &'a User,
    summary: &'a LedgerSummary,
    bars: Vec<Bar<'a>>,
    /// A handler's or department head's own work (none for other roles).
    work: Option<MyWork>,
    overview: Option<Overview>,
    unit: Option<UnitWork>,
}

pub async fn home(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    // The administrators hold no business data: their home is their own work.
    match user.role {
        Role::Admin => return Ok(Redirect::to("/admin/calendar").into_response()),
        Role::SecurityAdmin => return Ok(Redirect::to("/security/accounts").into_response()),
        Role::AuditAdmin => return Ok(Redirect::to("/audit").into_response()),
        _ => {}
    }
    let summary = state.store.ledger_summary(&user.scope()).await?;
    let max = summary.by_department.iter().map(|d| d.pending_items).max().unwrap_or(0).max(1);
    let bars = summary
        .by_department
        .iter()
        .map(|d| Bar {
            label: &d.department,
            value: d.pending_items,
            projects: d.projects,
            percent: d.pending_items * 100 / max,
        })
        .collect();
    let work = my_work(&state, &user).await?;
    let overview = overview(&state, &user).await?;
    let unit = unit_work(&state, &user).await?;
    Ok(render(&HomePage { user: &user, summary: &summary, bars, work, overview, unit }))
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage<'a> {
    user: &'a User,
    project: ProjectView,
    items: Vec<PendingItemRow>,
    /// Item types that may still be added (补录), as (id, "name（department）").
    add_types: Vec<(String, String)>,
    /// Open supervision orders on the project or its items (staff only).
    supervision_orders: Vec<qidi_store::supervision::SupervisionOrder>,
}

pub async fn project(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = state.store.project_page(&user.scope(), &id).await?.ok_or_else(PageError::not_found)?;
    let (project, items) = (page.project, page.items);
    let may_add = qidi_core::ledger::add_item_refusal(
        user.role,
        user.department_id.as_deref(),
        project.initiating_department_id.as_deref(),
        project.in_library,
    )
    .is_none();
    let add_types = if may_add {
        let present: Vec<&str> = items.iter().map(|i| i.item_type.as_str()).collect();
        state
            .store
            .item_types_of_region_at(&project.region_code, page.item_types_version)
            .await?
            .iter()
            .filter(|t| t.retired_at.is_none() && !present.contains(&t.name.as_str()))
            .map(|t| {
                (t.id.clone(), crate::i18n::t2("project-add-type-option", "item", &t.name, "department", &t.department))
            })
            .collect()
    } else {
        Vec::new()
    };
    let supervision_orders =
        if page.open_orders { crate::supervision::project_orders(&state, &user, &id).await? } else { Vec::new() };
    Ok(render(&ProjectPage { user: &user, project: project.into(), items, add_types, supervision_orders }))
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/qidi.css"),
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/qidi.js"),
    )
        .into_response()
}

pub async fn not_found() -> PageError {
    PageError::not_found()
}
