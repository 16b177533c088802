//! The JSON API of supervision orders, progress reports and inspectors' departments.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use qidi_core::progress_report::{ReportFigures, ReportPeriod, ReportSchedule};
use qidi_core::role::ScopeLimit;
use qidi_core::supervision::{OrderRequest, OrderTarget};
use qidi_store::baseline::DepartmentRef;
use qidi_store::progress_reports::{FiledReport, ReportPlan};
use qidi_store::supervision::{NewOrder, OrderFilter, SupervisionOrder};
use serde::{Deserialize, Serialize};

/// 422 for a body that is not the JSON asked for: `hint` says what is needed (in the
/// request's language), and axum's detail (in English, naming the field) follows.
fn bad_json(e: &JsonRejection, hint: &str) -> ApiError {
    let message = crate::i18n::t2("api-malformed-hint", "hint", hint, "detail", e.body_text());
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
}

#[derive(Deserialize)]
pub struct OrdersQuery {
    department: Option<String>,
    project: Option<String>,
    #[serde(default)]
    open: bool,
}

/// Orders the signed-in person may see: `?department=CODE&project=ID&open=true`.
pub async fn orders(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<OrdersQuery>,
) -> Result<Json<Vec<SupervisionOrder>>, ApiError> {
    let department_id = match q.department.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => match state.store.department_by_code(&user.region(), code).await? {
            Some(d) => Some(d.id),
            None => return Ok(Json(Vec::new())),
        },
        None => None,
    };
    let filter = OrderFilter { department_id, project_id: q.project.filter(|s| !s.is_empty()), open_only: q.open };
    Ok(Json(state.store.orders_for(&user, &filter, qidi_store::today()).await?))
}

pub async fn order(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<SupervisionOrder>, ApiError> {
    state.store.order_for(&user, &id, qidi_store::today()).await?.map(Json).ok_or_else(ApiError::not_found)
}

#[derive(Deserialize)]
pub struct IssueBody {
    /// `department`, `project` or `item`.
    target: String,
    /// A department's code, a project's id or a pending item's id.
    target_id: String,
    title: String,
    reason: String,
    required_action: String,
    deadline: NaiveDate,
    responsible_person: String,
}

/// `{target, target_id, title, reason, required_action, deadline, responsible_person}`:
/// 201 with the order (the office).
pub async fn issue(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<IssueBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-supervision-order")))?;
    let target = OrderTarget::parse(&b.target).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", crate::i18n::t("api-supervision-target"))
    })?;
    let new = NewOrder {
        target,
        target_id: b.target_id,
        request: OrderRequest {
            title: b.title,
            reason: b.reason,
            required_action: b.required_action,
            deadline: b.deadline,
            responsible_person: b.responsible_person,
        },
    };
    let o = state.store.issue_order(&user, &new, qidi_store::today()).await?;
    Ok((StatusCode::CREATED, Json(o)).into_response())
}

#[derive(Deserialize)]
pub struct LiftBody {
    result: String,
}

/// `{result}`: the order lifted with its result (the office).
pub async fn lift(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<LiftBody>, JsonRejection>,
) -> Result<Json<SupervisionOrder>, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-supervision-lift")))?;
    Ok(Json(state.store.lift_order(&user, &id, &b.result, qidi_store::today()).await?))
}

/// The campaign's schedule and periods, and for a department's staff the figures of
/// the latest period that has ended, pre-filled from the record.
#[derive(Serialize)]
pub struct PlanAnswer {
    plan: ReportPlan,
    current: Option<ReportPeriod>,
    figures: Option<ReportFigures>,
}

pub async fn plan(State(state): State<SharedState>, ApiUser(user): ApiUser) -> Result<Json<PlanAnswer>, ApiError> {
    if !user.role.sees_supervision() {
        return Err(ApiError::not_found());
    }
    let plan = state.store.report_plan(&user.region()).await?;
    let current = qidi_core::progress_report::current_period(&plan.periods, qidi_store::today()).cloned();
    let figures = match (&current, user.department_id.as_deref()) {
        (Some(p), Some(d)) => Some(state.store.report_figures(d, p).await?),
        _ => None,
    };
    Ok(Json(PlanAnswer { plan, current, figures }))
}

#[derive(Deserialize)]
pub struct ReportsQuery {
    period: Option<String>,
}

/// Reports as filed, every version, newest first: all of the region for the office,
/// the leader and inspectors; a department's own for its staff.
pub async fn reports(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ReportsQuery>,
) -> Result<Json<Vec<FiledReport>>, ApiError> {
    let department = match user.scope().limit {
        ScopeLimit::Region => None,
        ScopeLimit::Department(d) => Some(d),
        ScopeLimit::Owner(_) | ScopeLimit::Nothing => return Err(ApiError::not_found()),
    };
    let period = q.period.filter(|p| !p.is_empty());
    Ok(Json(state.store.progress_reports(&user.region(), department.as_deref(), period.as_deref()).await?))
}

#[derive(Deserialize)]
pub struct FileBody {
    period: String,
    text: String,
}

/// `{period, text}`: the signed-in head or handler files the department's report
/// (201); filing again for the period adds a new version naming the earlier one.
pub async fn file(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<FileBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-progress-report")))?;
    let r = state.store.file_progress_report(&user, &b.period, &b.text, qidi_store::today()).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// `{half_monthly_until, due_working_days}` (the office).
pub async fn set_schedule(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<ReportSchedule>, JsonRejection>,
) -> Result<Json<ReportPlan>, ApiError> {
    let Json(s) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-report-schedule")))?;
    Ok(Json(state.store.set_report_schedule(&user, s).await?))
}

pub async fn inspector_departments(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<DepartmentRef>>, ApiError> {
    // The administrator who sets them, and the inspector itself.
    if !qidi_core::supervision::may_set_overseen_departments(user.role) && user.id != id {
        return Err(ApiError::not_found());
    }
    Ok(Json(state.store.inspector_departments(&id).await?))
}

#[derive(Deserialize)]
pub struct DepartmentsBody {
    departments: Vec<String>,
}

/// `{departments: [CODE, …]}`: the departments an inspector oversees (the administrator).
pub async fn set_inspector_departments(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<DepartmentsBody>, JsonRejection>,
) -> Result<Json<Vec<DepartmentRef>>, ApiError> {
    let Json(b) = body.map_err(|e| bad_json(&e, &crate::i18n::t("api-hint-inspector-departments")))?;
    Ok(Json(state.store.set_inspector_departments(&user, &id, &b.departments).await?))
}
