//! Workflow pages, in the request's language (their text is in `locales/*/workflow.ftl`).
//! Forms post to the same store calls as the JSON API; every form carries its own client
//! token, so a double click is one step.

use super::{file_response, MAX_REQUEST_BYTES};
use crate::auth::PageUser;
use crate::error::{in_place, render, PageError, RefusedForm};
use crate::i18n::{t, t1, t2, tc};
use crate::upload;
use crate::SharedState;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::catalogue::LimitUnit;
use qidi_core::light::Light;
use qidi_core::workflow::{Action, ALL_PAUSE_REASONS};
use qidi_core::workflow::{ClockOutcome, ClockRecord};
use qidi_store::users::User;
use qidi_store::workflow::{
    ActRequest, ApplicationDetail, ApplicationRow, MaterialSpec, ProjectBrief, ProjectHelper, TimelineStep,
    MAX_UPLOAD_BYTES,
};
use std::collections::HashMap;

/// Rows offered for problems in a one-time notice.
const NOTICE_ROWS: usize = 8;

fn token() -> String {
    qidi_store::new_id()
}

/// A lamp as the page draws it: a CSS class and its words.
pub(super) struct Lamp {
    pub(super) class: &'static str,
    pub(super) label: String,
}

pub(super) fn lamp(light: Option<Light>, paused: bool) -> Lamp {
    match light {
        Some(l) => Lamp { class: l.as_str(), label: tc("light", l.as_str()) },
        None if paused => Lamp { class: "paused", label: t("workflow-clock-paused") },
        None => Lamp { class: "none", label: "—".to_string() },
    }
}

/// Names in a line of text: `、` in Chinese, `, ` in English.
pub(super) fn list(names: &[String]) -> String {
    names.join(&t("workflow-list-separator"))
}

/// A time limit's length with its unit: "5 个工作日", "5 working days".
pub(crate) fn limit_days(n: impl std::borrow::Borrow<u32>, unit: impl std::borrow::Borrow<LimitUnit>) -> String {
    let n = *n.borrow();
    match unit.borrow() {
        LimitUnit::WorkingDays => t1("workflow-days-working", "n", n),
        LimitUnit::CalendarDays => t1("workflow-days-calendar", "n", n),
    }
}

/// The label of an application's state.
pub(super) fn state_label(a: &ApplicationRow) -> String {
    tc("application-state", a.state.as_str())
}

/// Who took a step, by role: the core's role, or qidi itself for what the law makes
/// happen (视为受理).
pub(crate) fn step_actor_role(s: &TimelineStep) -> String {
    match s.role {
        Some(r) if !s.by_system => tc("role", r.as_str()),
        _ => t("workflow-system-role"),
    }
}

/// What a step carried, in one line (the store's `TimelineStep::summary`, in the
/// request's language).
pub(crate) fn step_summary(s: &TimelineStep) -> String {
    match &s.action {
        Action::Submit { materials } => t1("workflow-summary-submit", "n", materials.len()),
        Action::Resubmit { materials, replaced } if replaced.is_empty() => {
            t1("workflow-summary-resubmit", "n", materials.len())
        }
        Action::Resubmit { materials, .. } => {
            t2("workflow-summary-resubmit-replaced", "n", materials.len(), "names", list(&s.replaced_names))
        }
        Action::Return { notice } => match &notice.number {
            Some(number) => t2("workflow-summary-return-numbered", "number", number, "n", notice.problems.len()),
            None => t1("workflow-summary-return", "n", notice.problems.len()),
        },
        Action::Accept | Action::Resume => String::new(),
        Action::DeemAccept { received_on, notice_due_on } => {
            t2("workflow-summary-deem-accept", "due", notice_due_on.to_string(), "received", received_on.to_string())
        }
        Action::Extend { reason } => t1("workflow-summary-extend", "reason", reason),
        Action::Pause { reason, note } if note.trim().is_empty() => tc("pause-reason", reason.as_str()),
        Action::Pause { reason, note } => {
            t2("workflow-summary-pause", "reason", tc("pause-reason", reason.as_str()), "note", note.trim())
        }
        Action::Approve { document_number, decided_on } => {
            t2("workflow-summary-approve", "number", document_number, "on", decided_on.to_string())
        }
        Action::Refuse { reasons } => t1("workflow-summary-reasons", "reasons", reasons),
        Action::Forward { to_authority } => t1("workflow-summary-forward", "authority", to_authority),
        Action::RecordHigherOutcome { approved: true, document_number, decided_on, .. } => {
            let number = document_number.as_deref().unwrap_or("");
            match decided_on {
                Some(on) => t2("workflow-summary-higher-approved-on", "number", number, "on", on.to_string()),
                None => t1("workflow-summary-higher-approved", "number", number),
            }
        }
        Action::RecordHigherOutcome { approved: false, reasons, .. } => {
            t1("workflow-summary-higher-refused", "reasons", reasons.as_deref().unwrap_or(""))
        }
        Action::Withdraw { reason } => t1("workflow-summary-reasons", "reasons", reason),
    }
}

/// A clock that ended, in one line: "初审时限超期 3 个工作日办结" (the core's
/// `ClockRecord::summary_zh`, in the request's language).
pub(crate) fn clock_summary(r: &ClockRecord) -> String {
    let kind = tc("clock-kind", r.kind.as_str());
    let working = r.unit == LimitUnit::WorkingDays;
    match r.outcome {
        ClockOutcome::Late if working => t2("workflow-clock-late-working", "kind", kind, "n", r.days_overdue),
        ClockOutcome::Late => t2("workflow-clock-late-calendar", "kind", kind, "n", r.days_overdue),
        ClockOutcome::OnTime => {
            let used = format!("{}/{}", r.days_used, r.limit);
            if working {
                t2("workflow-clock-on-time-working", "kind", kind, "used", used)
            } else {
                t2("workflow-clock-on-time-calendar", "kind", kind, "used", used)
            }
        }
        ClockOutcome::Deemed => t1("workflow-clock-deemed", "kind", kind),
    }
}

pub(super) fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

pub(super) fn bad(message: impl Into<String>) -> PageError {
    PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, message.into())
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---------- 我的项目 ----------

struct MyItemView {
    pending_item_id: String,
    item_type: String,
    handling_department: String,
    granted: bool,
    can_apply: bool,
    open_prerequisites: String,
    app: Option<AppLink>,
    token: String,
}

struct AppLink {
    id: String,
    state_label: String,
    lamp: Lamp,
    due_on: String,
}

impl From<&ApplicationRow> for AppLink {
    fn from(a: &ApplicationRow) -> Self {
        AppLink {
            id: a.id.clone(),
            state_label: state_label(a),
            lamp: lamp(a.light, a.paused_since.is_some()),
            due_on: opt(&a.due_on),
        }
    }
}

struct MyProjectView {
    id: String,
    code: String,
    name: String,
    owner: String,
    items: Vec<MyItemView>,
}

#[derive(Template)]
#[template(path = "workflow_my.html")]
struct MyProjectsPage<'a> {
    user: &'a User,
    projects: Vec<MyProjectView>,
}

pub async fn my_projects(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    let projects = state
        .store
        .my_projects(&user)
        .await?
        .into_iter()
        .map(|p| MyProjectView {
            id: p.project_id,
            code: p.project_code,
            name: p.project_name,
            owner: p.owner.unwrap_or_default(),
            items: p
                .items
                .into_iter()
                .map(|i| MyItemView {
                    granted: i.status == "granted",
                    can_apply: i.status != "granted" && i.application.as_ref().is_none_or(|a| a.closed_at.is_some()),
                    app: i.application.as_ref().map(AppLink::from),
                    pending_item_id: i.pending_item_id,
                    item_type: i.item_type,
                    handling_department: i.handling_department,
                    open_prerequisites: list(&i.open_prerequisites),
                    token: token(),
                })
                .collect(),
        })
        .collect();
    Ok(render(&MyProjectsPage { user: &user, projects }))
}

pub async fn create(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let item = f.get("pending_item_id").map(String::as_str).unwrap_or("");
    let c = state.store.create_application(&user, item, f.get("client_token").map(String::as_str)).await?;
    Ok(see_other(&format!("/applications/{}", c.application.id)))
}

// ---------- 申请办理 ----------

struct ClockView {
    label: String,
    started_on: String,
    /// The limit with its unit: "5 个工作日".
    limit: String,
    due_on: String,
    warn_on: String,
    used: i64,
    paused: bool,
    provisional: bool,
    lamp: Lamp,
}

struct ChecklistView {
    name: String,
    file_id: String,
    file_name: String,
    file_size: String,
    uploaded_at: String,
}

struct NoticeLink {
    seq: u64,
    on: String,
    number: String,
    problems: usize,
    breaks: bool,
    after_limit: bool,
}

struct Forms {
    submit: String,
    resubmit: String,
    ret: String,
    accept: String,
    extend: String,
    pause: String,
    resume: String,
    approve: String,
    refuse: String,
    forward: String,
    higher: String,
    withdraw: String,
}

#[derive(Template)]
#[template(path = "workflow_application.html")]
struct DetailPage<'a> {
    user: &'a User,
    d: &'a ApplicationDetail,
    a: &'a ApplicationRow,
    lamp: Lamp,
    clocks: Vec<ClockView>,
    checklist: Vec<ChecklistView>,
    notices: Vec<NoticeLink>,
    can_upload: bool,
    forms: Forms,
    today: String,
    rows: Vec<usize>,
    pause_reasons: Vec<(&'static str, String)>,
    materials: Vec<MaterialSpec>,
    steps: &'a [TimelineStep],
    state_label: String,
    authority_level: String,
    promised_limit: String,
    extension_limit: String,
    /// The missing materials' names, and the prerequisites not yet completed, in a line.
    missing_materials: String,
    unmet_prerequisites: String,
    /// The step just refused: which form, why, and what was typed into it.
    refused: Option<RefusedForm>,
}

impl DetailPage<'_> {
    /// The refusal to show in the form of `action`, if that form's step was refused.
    fn refused_for(&self, action: &str) -> Option<&str> {
        self.refused.as_ref().and_then(|r| r.message_for(action))
    }

    /// What was typed into field `name` of the refused form of `action` (else empty).
    fn typed(&self, action: &str, name: &str) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed(action, name))
    }

    /// A refusal whose form this page does not show (the step is no longer open):
    /// shown at the top instead, so that it is never lost.
    fn refused_without_form(&self) -> Option<&str> {
        let r = self.refused.as_ref()?;
        let shown = if r.form == "upload" { self.can_upload } else { self.d.can(&r.form) };
        (!shown).then_some(r.message.as_str())
    }

    /// The same for the `i`th row's field of the one-time notice.
    fn typed_row(&self, name: &str, i: &usize) -> &str {
        self.typed("return", &format!("{name}_{i}"))
    }
}

pub async fn detail(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    detail_page(&state, &user, &id, None).await
}

/// An application's page; after a refused step, with the refusal in that step's form,
/// what was typed kept, and the refusal's status.
async fn detail_page(
    state: &SharedState,
    user: &User,
    id: &str,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    let d = state.store.application_detail(user, id).await?;
    let a = &d.application;
    let clocks = d
        .clocks
        .iter()
        .map(|c| ClockView {
            label: tc("clock-kind", c.kind),
            started_on: c.started_on.to_string(),
            limit: limit_days(c.limit, c.unit),
            due_on: opt(&c.due_on),
            warn_on: opt(&c.warn_on),
            used: c.used,
            paused: c.paused,
            provisional: c.provisional,
            lamp: lamp(c.light, c.paused),
        })
        .collect();
    let checklist = d
        .checklist
        .iter()
        .map(|m| ChecklistView {
            name: m.name.clone(),
            file_id: m.file.as_ref().map(|f| f.id.clone()).unwrap_or_default(),
            file_name: m.file.as_ref().map(|f| f.original_name.clone()).unwrap_or_default(),
            file_size: m.file.as_ref().map(|f| format!("{:.1} KB", f.size_bytes as f64 / 1024.0)).unwrap_or_default(),
            // `2026-12-03 12:48`, as people write a time.
            uploaded_at: m
                .file
                .as_ref()
                .map(|f| f.uploaded_at.chars().take(16).collect::<String>().replacen('T', " ", 1))
                .unwrap_or_default(),
        })
        .collect();
    let notices = d
        .view
        .notices
        .iter()
        .map(|n| NoticeLink {
            seq: n.seq,
            on: n.on.to_string(),
            number: n.notice.number.clone().unwrap_or_default(),
            problems: n.notice.problems.len(),
            breaks: n.breaks_one_time_rule(),
            after_limit: n.after_notice_limit(),
        })
        .collect();
    let (status, refused) = RefusedForm::split(refused);
    let page = DetailPage {
        user,
        d: &d,
        a,
        lamp: lamp(a.light, a.paused_since.is_some()),
        clocks,
        checklist,
        notices,
        can_upload: d.can("submit") || d.can("resubmit"),
        forms: Forms {
            submit: token(),
            resubmit: token(),
            ret: token(),
            accept: token(),
            extend: token(),
            pause: token(),
            resume: token(),
            approve: token(),
            refuse: token(),
            forward: token(),
            higher: token(),
            withdraw: token(),
        },
        today: qidi_store::today().to_string(),
        rows: (0..NOTICE_ROWS).collect(),
        pause_reasons: ALL_PAUSE_REASONS.iter().map(|r| (r.as_str(), tc("pause-reason", r.as_str()))).collect(),
        materials: d.checklist.iter().map(|m| MaterialSpec { code: m.code.clone(), name: m.name.clone() }).collect(),
        steps: &d.timeline,
        state_label: state_label(a),
        authority_level: tc("authority-level", d.facts.authority_level.as_str()),
        promised_limit: limit_days(d.facts.promised_limit, d.facts.limit_unit),
        extension_limit: limit_days(d.facts.extension_limit, d.facts.limit_unit),
        missing_materials: list(&d.warnings.missing_materials.iter().map(|m| m.name.clone()).collect::<Vec<_>>()),
        unmet_prerequisites: list(&d.warnings.unmet_prerequisites),
        refused,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) fn field<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(|s| s.trim()).unwrap_or("")
}

fn non_empty(f: &HashMap<String, String>, k: &str) -> serde_json::Value {
    match field(f, k) {
        "" => serde_json::Value::Null,
        v => serde_json::Value::String(v.to_string()),
    }
}

/// The core's action from a page form. Dates and names are checked by the core's
/// types (a malformed date is refused here, a missing document number by the core).
fn action_from_form(f: &HashMap<String, String>) -> Result<Action, PageError> {
    use serde_json::json;
    let t = field(f, "type");
    let v = match t {
        "submit" => json!({ "type": t, "materials": [] }),
        "resubmit" => json!({ "type": t, "materials": [], "replaced": [] }),
        "accept" | "resume" => json!({ "type": t }),
        "return" => {
            let problems: Vec<serde_json::Value> = (0..NOTICE_ROWS)
                .map(|i| {
                    (
                        field(f, &format!("material_{i}")),
                        field(f, &format!("problem_{i}")),
                        field(f, &format!("remedy_{i}")),
                    )
                })
                .filter(|(m, p, r)| !(m.is_empty() && p.is_empty() && r.is_empty()))
                .map(|(m, p, r)| json!({ "material": m, "problem": p, "remedy": r }))
                .collect();
            let suggestions: Vec<&str> =
                field(f, "suggestions").lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            json!({ "type": t, "notice": { "problems": problems, "suggestions": suggestions } })
        }
        "pause" => json!({ "type": t, "reason": field(f, "pause_reason"), "note": field(f, "note") }),
        "approve" => {
            json!({ "type": t, "document_number": field(f, "document_number"), "decided_on": field(f, "decided_on") })
        }
        "refuse" => json!({ "type": t, "reasons": field(f, "reasons") }),
        "extend" => json!({ "type": t, "reason": field(f, "extend_reason") }),
        "forward" => json!({ "type": t, "to_authority": field(f, "to_authority") }),
        "record_higher_outcome" => json!({
            "type": t,
            "approved": field(f, "approved") == "true",
            "document_number": non_empty(f, "document_number"),
            "reasons": non_empty(f, "reasons"),
            "decided_on": non_empty(f, "decided_on"),
        }),
        "withdraw" => json!({ "type": t, "reason": field(f, "withdraw_reason") }),
        _ => return Err(bad(crate::i18n::t("workflow-error-unknown-action"))),
    };
    if matches!(t, "approve" | "record_higher_outcome") {
        let d = field(f, "decided_on");
        if (t == "approve" || !d.is_empty()) && qidi_core::calendar::parse_date(d).is_err() {
            return Err(bad(crate::i18n::t("workflow-error-date-format")));
        }
    }
    serde_json::from_value(v).map_err(|e| bad(t1("workflow-error-form", "error", e.to_string())))
}

pub async fn act(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    // Out of scope is a 404 before anything in the form is looked at.
    state.store.application(&user, &id).await?;
    let done = match action_from_form(&f) {
        Ok(action) => {
            let req = ActRequest {
                action,
                client_token: f.get("client_token").cloned(),
                expected_version: field(&f, "expected_version").parse().ok(),
                reason: f.get("reason").cloned(),
            };
            state.store.act(&user, &id, req).await.map(|_| ()).map_err(PageError::from)
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(see_other(&format!("/applications/{id}"))),
        // A refusal goes back to the form it came from, with what was typed.
        Err(e) => {
            let (status, message) = in_place(e)?;
            let action = field(&f, "type").to_string();
            detail_page(&state, &user, &id, Some((status, RefusedForm::new(action, message, f)))).await
        }
    }
}

pub async fn upload(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    // Out of scope is a 404 before anything in the form is looked at.
    state.store.application(&user, &id).await?;
    let mut code = String::new();
    let done: Result<(), PageError> = async {
        let form = form.map_err(|_| bad(t("workflow-error-upload-form")))?;
        let parts = upload::read_form(form, MAX_REQUEST_BYTES).await.map_err(|e| match e {
            upload::FormError::TooLarge => bad(t1("workflow-error-too-large", "mb", MAX_UPLOAD_BYTES / (1024 * 1024))),
            upload::FormError::Unreadable => bad(t("workflow-error-upload-incomplete")),
        })?;
        code = upload::part(&parts, "material_code").map(|p| p.text()).unwrap_or_default();
        let file = upload::part(&parts, "file").ok_or_else(|| bad(t("workflow-error-no-file")))?;
        state
            .store
            .upload_material(
                &state.config.data_dir,
                &user,
                &id,
                &code,
                file.file_name.as_deref().unwrap_or(&code),
                file.content_type.as_deref(),
                &file.data,
            )
            .await?;
        Ok(())
    }
    .await;
    match done {
        Ok(()) => Ok(see_other(&format!("/applications/{id}"))),
        // The refusal shows beside the upload form, the material still chosen.
        Err(PageError::Status(status, message))
            if matches!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::CONFLICT
                    | StatusCode::FORBIDDEN
                    | StatusCode::PAYLOAD_TOO_LARGE
            ) =>
        {
            let typed = HashMap::from([("material_code".to_string(), code)]);
            let refused = RefusedForm::new("upload", message, typed);
            detail_page(&state, &user, &id, Some((status, refused))).await
        }
        Err(e) => Err(e),
    }
}

pub async fn download(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (file, bytes) = state.store.download_file(&state.config.data_dir, &user, &id, &file_id).await?;
    Ok(file_response(&file, bytes))
}

// ---------- 一次性告知书 ----------

struct ProblemView {
    material: String,
    problem: String,
    remedy: String,
}

#[derive(Template)]
#[template(path = "workflow_notice.html")]
struct NoticePage<'a> {
    user: &'a User,
    a: &'a ApplicationRow,
    number: String,
    on: String,
    problems: Vec<ProblemView>,
    suggestions: Vec<String>,
    breaks: bool,
}

pub async fn notice(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path((id, seq)): Path<(String, u64)>,
) -> Result<Response, PageError> {
    let d = state.store.application_detail(&user, &id).await?;
    let n = d.view.notices.iter().find(|n| n.seq == seq).ok_or_else(PageError::not_found)?;
    let name = |code: &str| {
        d.checklist.iter().find(|m| m.code == code.trim()).map_or_else(|| code.to_string(), |m| m.name.clone())
    };
    let problems = n
        .notice
        .problems
        .iter()
        .map(|p| ProblemView { material: name(&p.material), problem: p.problem.clone(), remedy: p.remedy.clone() })
        .collect();
    let page = NoticePage {
        user: &user,
        a: &d.application,
        // The department's running number; records from before numbering existed show
        // the application's id (its first block is the creation time) and the step.
        number: n
            .notice
            .number
            .clone()
            .unwrap_or_else(|| format!("{}-{seq}", d.application.id.split('-').next().unwrap_or(""))),
        on: notice_date(n.on),
        problems,
        suggestions: n.notice.suggestions.clone(),
        breaks: n.breaks_one_time_rule(),
    };
    Ok(render(&page))
}

/// The notice's date as the language writes it under a signature ("2026年03月05日");
/// a format a translator got wrong falls back to `2026-03-05`.
fn notice_date(on: chrono::NaiveDate) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    match write!(text, "{}", on.format(&t("workflow-notice-date-format"))) {
        Ok(()) => text,
        Err(_) => on.to_string(),
    }
}

// ---------- 项目全流程 ----------

struct TimelineApp {
    a: ApplicationRow,
    steps: Vec<TimelineStep>,
    total_days: i64,
}

#[derive(Template)]
#[template(path = "workflow_timeline.html")]
struct TimelinePage<'a> {
    user: &'a User,
    project: ProjectBrief,
    apps: Vec<TimelineApp>,
    helpers: Vec<ProjectHelper>,
    /// Staff the office may name as helpers (the office only).
    helper_choices: Vec<qidi_store::workflow::HelperChoice>,
    is_office: bool,
    is_owner: bool,
    /// Open supervision orders on the project or its items (staff only).
    supervision_orders: Vec<qidi_store::supervision::SupervisionOrder>,
}

pub async fn project_timeline(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let project = state.store.project_brief(&user, &id).await?;
    let apps = state
        .store
        .project_timeline(&user, &id)
        .await?
        .into_iter()
        .map(|(a, steps)| TimelineApp {
            total_days: steps.iter().map(|s| s.working_days_since_previous).skip(1).sum(),
            a,
            steps,
        })
        .collect();
    let helpers = state.store.project_helpers(&user, &id).await?;
    let is_owner = user.role.may_authorise_helpers(user.owner_id.as_deref(), project.owner_id.as_deref());
    let supervision_orders = crate::supervision::project_orders(&state, &user, &id).await?;
    let is_office = user.role.assigns_helpers();
    let helper_choices = if is_office { state.store.helper_choices(&user).await? } else { Vec::new() };
    let page =
        TimelinePage { helper_choices, is_office, is_owner, user: &user, project, apps, helpers, supervision_orders };
    Ok(render(&page))
}

pub async fn assign_helper(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    state.store.assign_helper(&user, &id, field(&f, "username")).await?;
    Ok(see_other(&format!("/projects/{id}/timeline")))
}

pub async fn authorise_helper(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path((id, helper)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    state.store.authorise_helper(&user, &id, &helper, field(&f, "authorised") == "true").await?;
    Ok(see_other(&format!("/projects/{id}/timeline")))
}
