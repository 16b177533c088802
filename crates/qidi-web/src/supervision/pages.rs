//! The supervision pages: orders and progress reports.

use crate::auth::PageUser;
use crate::error::{refusal_status, refusal_text, render, PageError, RefusedForm};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use qidi_core::progress_report::{may_file, may_set_schedule, ReportFigures, ReportPeriod, ReportSchedule};
use qidi_core::role::ScopeLimit;
use qidi_core::supervision::{OrderRequest, OrderTarget};
use qidi_core::Role;
use qidi_store::baseline::DepartmentRef;
use qidi_store::progress_reports::{FiledReport, ReportPlan, ReportStatus};
use qidi_store::supervision::{NewOrder, OrderFilter, SupervisionOrder};
use qidi_store::users::User;
use qidi_store::StoreError;
use std::collections::{BTreeSet, HashMap};

/// Who sees the supervision pages ([`Role::sees_supervision`]); a department's
/// head and handlers see their own department's.
fn may_read(u: &User) -> bool {
    u.role.sees_supervision()
}

fn region_wide(u: &User) -> bool {
    u.scope().limit == ScopeLimit::Region
}

/// The codes of the departments an inspector oversees, to highlight.
pub(crate) async fn overseen(state: &SharedState, user: &User) -> Result<BTreeSet<String>, StoreError> {
    if user.role != Role::Inspector {
        return Ok(BTreeSet::new());
    }
    Ok(state.store.inspector_departments(&user.id).await?.into_iter().map(|d| d.code).collect())
}

/// A page's error for a refused or bad write: the message in place, with its status.
fn refused(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) => Ok(crate::i18n::explain(&m)),
        StoreError::Forbidden(m) => Err(PageError::Status(StatusCode::FORBIDDEN, crate::i18n::explain(&m))),
        other => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct OverviewPage<'a> {
    user: &'a User,
    orders: Vec<SupervisionOrder>,
    plan: ReportPlan,
    current: Option<ReportPeriod>,
    statuses: Vec<ReportStatus>,
    departments: Vec<DepartmentRef>,
    may_issue: bool,
    may_file: bool,
    overseen: BTreeSet<String>,
    error: Option<String>,
    form: HashMap<String, String>,
}

impl OverviewPage<'_> {
    /// Whether an inspector oversees this department (its rows stand out).
    fn mine(&self, department_code: &str) -> bool {
        self.overseen.contains(department_code)
    }
    fn value(&self, k: &str) -> &str {
        self.form.get(k).map_or("", String::as_str)
    }
}

async fn overview_page(
    state: &SharedState,
    user: &User,
    error: Option<String>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    if !may_read(user) {
        return Err(PageError::not_found());
    }
    let today = qidi_store::today();
    let filter = OrderFilter {
        department_id: if region_wide(user) { None } else { user.department_id.clone() },
        ..Default::default()
    };
    let orders = state.store.orders_for(user, &filter, today).await?;
    let plan = state.store.report_plan(&user.region()).await?;
    let current = qidi_core::progress_report::current_period(&plan.periods, today).cloned();
    let mut statuses = match &current {
        Some(p) => state.store.report_statuses(&user.region(), p, today).await?,
        None => Vec::new(),
    };
    if !region_wide(user) {
        statuses.retain(|s| user.department_id.as_deref() == Some(s.department_id.as_str()));
    }
    let may_issue = qidi_core::supervision::may_manage(user.role).is_ok();
    let departments = if may_issue { state.store.departments(&user.region()).await? } else { Vec::new() };
    let page = OverviewPage {
        may_file: user.department_id.as_deref().is_some_and(|d| may_file(user.role, Some(d), d).is_ok()),
        overseen: overseen(state, user).await?,
        user,
        orders,
        plan,
        current,
        statuses,
        departments,
        may_issue,
        error,
        form,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

pub async fn overview(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    overview_page(&state, &user, None, HashMap::new()).await
}

/// The office's form: target (department: a department's code; project: its project
/// code; item: the project code and the item type's name), then the order.
pub async fn issue(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if qidi_core::supervision::may_manage(user.role).is_err() {
        return Err(PageError::Status(StatusCode::FORBIDDEN, crate::i18n::t("supervision-error-office-issues")));
    }
    let get = |k: &str| f.get(k).map_or("", |s| s.trim());
    let fail = |m: String| overview_page(&state, &user, Some(m), f.clone());
    let Some(target) = OrderTarget::parse(get("target")) else {
        return fail(crate::i18n::t("supervision-error-choose-target")).await;
    };
    let target_id = match target {
        OrderTarget::Department => get("department").to_string(),
        OrderTarget::Project | OrderTarget::Item => {
            let item = (target == OrderTarget::Item).then(|| get("item_type"));
            match state.store.order_target_by_code(&user.region(), get("project_code"), item).await? {
                Some(id) => id,
                None => {
                    let key = if target == OrderTarget::Item {
                        "supervision-error-no-project-or-item"
                    } else {
                        "supervision-error-no-project"
                    };
                    return fail(crate::i18n::t1(key, "code", get("project_code"))).await;
                }
            }
        }
    };
    let Ok(deadline) = get("deadline").parse::<NaiveDate>() else {
        return fail(crate::i18n::t("supervision-error-choose-deadline")).await;
    };
    let new = NewOrder {
        target,
        target_id,
        request: OrderRequest {
            title: get("title").into(),
            reason: get("reason").into(),
            required_action: get("required_action").into(),
            deadline,
            responsible_person: get("responsible_person").into(),
        },
    };
    match state.store.issue_order(&user, &new, qidi_store::today()).await {
        Ok(o) => Ok(Redirect::to(&format!("/supervision/orders/{}", o.id)).into_response()),
        Err(e) => fail(refused(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "supervision_order.html")]
struct OrderPage<'a> {
    user: &'a User,
    o: SupervisionOrder,
    may_lift: bool,
    /// The lift just refused: why, and the result typed.
    refused: Option<RefusedForm>,
}

impl OrderPage<'_> {
    /// The refusal to show in the lift form, if the form is shown.
    fn refused_in_form(&self) -> Option<&str> {
        self.refused.as_ref().filter(|_| self.may_lift).and_then(|r| r.message_for("lift"))
    }

    /// A refusal whose form this page does not show (the order is lifted, or the reader
    /// may not lift): shown at the top, never lost.
    fn refused_without_form(&self) -> Option<&str> {
        self.refused.as_ref().filter(|_| !self.may_lift).map(|r| r.message.as_str())
    }

    /// The result typed into the refused lift form (else empty).
    fn typed_result(&self) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed("lift", "result"))
    }

    /// The result typed into a refused lift whose form is gone (the order was lifted
    /// meanwhile), said under the refusal so that it is not lost.
    fn typed_without_form(&self) -> Option<&str> {
        self.refused_without_form()?;
        Some(self.typed_result()).filter(|t| !t.trim().is_empty())
    }
}

/// An order's page; after a refused lift, with the refusal, the result typed, and the
/// refusal's status.
async fn order_page(
    state: &SharedState,
    user: &User,
    id: &str,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    let o = state.store.order_for(user, id, qidi_store::today()).await?.ok_or_else(PageError::not_found)?;
    let may_lift = qidi_core::supervision::may_lift(user.role, o.lifted_on);
    let (status, refused) = RefusedForm::split(refused);
    Ok((status, render(&OrderPage { user, o, may_lift, refused })).into_response())
}

pub async fn order(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    order_page(&state, &user, &id, None).await
}

pub async fn lift(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let result = f.get("result").map_or("", String::as_str);
    match state.store.lift_order(&user, &id, result, qidi_store::today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/supervision/orders/{id}")).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::Forbidden(_))) => {
            let refused = RefusedForm::new("lift", refusal_text(&e), f);
            order_page(&state, &user, &id, Some((refusal_status(&e), refused))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "supervision_reports.html")]
struct ReportsPage<'a> {
    user: &'a User,
    plan: ReportPlan,
    period: ReportPeriod,
    statuses: Vec<ReportStatus>,
    reports: Vec<FiledReport>,
    lapses: usize,
    overseen: BTreeSet<String>,
    may_set_schedule: bool,
    error: Option<String>,
}

impl ReportsPage<'_> {
    /// Whether an inspector oversees this department (its rows stand out).
    fn mine(&self, department_code: &str) -> bool {
        self.overseen.contains(department_code)
    }
}

#[derive(serde::Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

async fn reports_page(
    state: &SharedState,
    user: &User,
    period: Option<&str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    if !may_read(user) {
        return Err(PageError::not_found());
    }
    let today = qidi_store::today();
    let plan = state.store.report_plan(&user.region()).await?;
    let period = match period.filter(|p| !p.is_empty()) {
        Some(k) => plan.period(k).cloned().ok_or_else(PageError::not_found)?,
        None => qidi_core::progress_report::current_period(&plan.periods, today)
            .or(plan.periods.first())
            .cloned()
            .ok_or_else(PageError::not_found)?,
    };
    let mut statuses = state.store.report_statuses(&user.region(), &period, today).await?;
    let department = if region_wide(user) { None } else { user.department_id.clone() };
    if let Some(d) = &department {
        statuses.retain(|s| &s.department_id == d);
    }
    let reports = state.store.progress_reports(&user.region(), department.as_deref(), Some(&period.key)).await?;
    let lapses = statuses.iter().filter(|s| s.state.is_lapse()).count();
    let page = ReportsPage {
        may_set_schedule: may_set_schedule(user.role),
        overseen: overseen(state, user).await?,
        user,
        plan,
        period,
        statuses,
        reports,
        lapses,
        error,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

pub async fn reports(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    reports_page(&state, &user, q.period.as_deref(), None).await
}

#[derive(Template)]
#[template(path = "supervision_report_new.html")]
struct ReportForm<'a> {
    user: &'a User,
    period: ReportPeriod,
    periods: Vec<ReportPeriod>,
    figures: ReportFigures,
    previous: Option<FiledReport>,
    text: String,
    error: Option<String>,
}

async fn report_form_page(
    state: &SharedState,
    user: &User,
    period: Option<&str>,
    text: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let Some(department_id) = user.department_id.clone().filter(|d| may_file(user.role, Some(d), d).is_ok()) else {
        return Err(PageError::Status(StatusCode::FORBIDDEN, crate::i18n::t("supervision-error-department-files")));
    };
    let today = qidi_store::today();
    let plan = state.store.report_plan(&user.region()).await?;
    let period = match period.filter(|p| !p.is_empty()) {
        Some(k) => plan.period(k).cloned().ok_or_else(PageError::not_found)?,
        None => qidi_core::progress_report::current_period(&plan.periods, today).cloned().ok_or_else(|| {
            PageError::Status(StatusCode::NOT_FOUND, crate::i18n::t("supervision-error-no-ended-period"))
        })?,
    };
    let figures = state.store.report_figures(&department_id, &period).await?;
    let previous =
        state.store.progress_reports(&user.region(), Some(&department_id), Some(&period.key)).await?.into_iter().next();
    let periods = plan.periods.iter().filter(|p| p.open_for_filing(today)).rev().take(12).cloned().collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ReportForm { user, period, periods, figures, previous, text, error };
    Ok((status, render(&page)).into_response())
}

pub async fn report_form(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    report_form_page(&state, &user, q.period.as_deref(), String::new(), None).await
}

pub async fn file(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let period = f.get("period").cloned().unwrap_or_default();
    let text = f.get("text").cloned().unwrap_or_default();
    match state.store.file_progress_report(&user, &period, &text, qidi_store::today()).await {
        Ok(r) => Ok(Redirect::to(&format!("/supervision/reports?period={}", r.period)).into_response()),
        Err(e) => {
            let m = refused(e)?;
            report_form_page(&state, &user, Some(&period), text, Some(m)).await
        }
    }
}

pub async fn set_schedule(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !may_set_schedule(user.role) {
        return Err(PageError::Status(StatusCode::FORBIDDEN, crate::i18n::t("supervision-error-office-schedules")));
    }
    let until = f.get("half_monthly_until").and_then(|s| s.parse::<NaiveDate>().ok());
    let due = f.get("due_working_days").and_then(|s| s.trim().parse::<u32>().ok());
    let (Some(half_monthly_until), Some(due_working_days)) = (until, due) else {
        return reports_page(&state, &user, None, Some(crate::i18n::t("supervision-error-schedule-blank"))).await;
    };
    match state.store.set_report_schedule(&user, ReportSchedule { half_monthly_until, due_working_days }).await {
        Ok(_) => Ok(Redirect::to("/supervision/reports").into_response()),
        Err(e) => {
            reports_page(
                &state,
                &user,
                None,
                Some(crate::i18n::t1("supervision-schedule-error", "message", refused(e)?)),
            )
            .await
        }
    }
}
