//! The hotline's pages: the list, the office's form for an order taken by phone, and
//! one order with the steps the viewer may take. The caller is shown as core decides
//! (`caller_view`): "来电人" to the department complained about, the phone masked to
//! the office and the leading department, whole only after an unmasking, recorded.

use crate::auth::PageUser;
use crate::error::{refusal_status, render, PageError, RefusedForm};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::hotline::{Action, CallerView, Category, Clock, OrderInput, Urgency};
use qidi_store::baseline::DepartmentRef;
use qidi_store::hotline::{Complaint, ComplaintDetail, HistoryEntry, IntakeSource, Substantiation};
use qidi_store::users::User;
use std::collections::HashMap;

/// A light as the lamp shows it.
fn lamp(c: &Complaint) -> (&'static str, String) {
    match c.light {
        Some(l) => (l.as_str(), crate::i18n::tc("light", l.as_str())),
        None => ("none", "—".to_string()),
    }
}

/// The code of a clock, for its label (`hotline-clock-<code>`).
fn clock_code(c: Clock) -> &'static str {
    c.as_str()
}

/// The clock that runs now, in the request's language.
pub(super) fn clock_label(c: &Complaint) -> Option<String> {
    c.state.clock().map(|k| crate::i18n::tc("hotline-clock", clock_code(k)))
}

/// What the store writes for a caller whose sealed data does not open.
const UNREADABLE_CALLER: &str = "（来电人信息无法读取）";

/// The caller as the viewer may see them: "caller" when hidden, else the name.
pub(super) fn caller(c: &Complaint) -> String {
    match c.caller_view {
        CallerView::Hidden => crate::i18n::t("hotline-caller"),
        CallerView::Masked if c.caller == UNREADABLE_CALLER => crate::i18n::t("hotline-caller-unreadable"),
        CallerView::Masked => c.caller.clone(),
    }
}

/// The steps of an order's history the store names (`hotline.<step>`).
const STEPS: [&str; 10] =
    ["receive", "assign", "sign_for", "handle", "reply", "follow_up", "escalate", "urge", "unmask", "substantiate"];

/// A step of the history, in the request's language.
pub(super) fn step_label(h: &HistoryEntry) -> String {
    match h.action.strip_prefix("hotline.").filter(|a| STEPS.contains(a)) {
        Some(a) => crate::i18n::tc("hotline-step", a),
        None => crate::i18n::t("hotline-step-other"),
    }
}

/// Who took a step: the platform and the system by name in the request's language.
pub(super) fn step_actor(h: &HistoryEntry) -> String {
    match h.actor.as_str() {
        "12345热线平台" => crate::i18n::t("hotline-actor-platform"),
        "系统" => crate::i18n::t("hotline-actor-system"),
        other => other.to_string(),
    }
}

/// A step's detail: the follow-up's result, the days of an urging notice and the
/// reopenings of an escalation are said in the request's language; notes as written.
pub(super) fn step_detail(h: &HistoryEntry) -> Option<String> {
    let d = h.detail.as_deref()?;
    let number = |prefix: &str, suffix: &str| -> Option<i64> {
        d.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)).and_then(|n| n.parse().ok())
    };
    let said = match h.action.as_str() {
        "hotline.follow_up" => {
            let (result, rest) = if let Some(rest) = d.strip_prefix("不满意") {
                (crate::i18n::t("hotline-unsatisfied"), rest)
            } else if let Some(rest) = d.strip_prefix("满意") {
                (crate::i18n::t("hotline-satisfied"), rest)
            } else {
                return Some(d.to_string());
            };
            match rest.strip_prefix('：') {
                Some(note) => Some(crate::i18n::t2("hotline-result-with-note", "result", result, "note", note)),
                None if rest.is_empty() => Some(result),
                None => None,
            }
        }
        "hotline.urge" => number("已超期 ", " 个工作日").map(|n| crate::i18n::t1("hotline-urge-detail", "n", n)),
        "hotline.escalate" => number("已重办 ", " 次").map(|n| crate::i18n::t1("hotline-escalate-detail", "n", n)),
        _ => None,
    };
    Some(said.unwrap_or_else(|| d.to_string()))
}

struct Row {
    lamp: (&'static str, String),
    c: Complaint,
}

#[derive(Template)]
#[template(path = "hotline_list.html")]
struct ListPage<'a> {
    user: &'a User,
    rows: Vec<Row>,
    may_enter: bool,
    /// Those who see callers masked may find a caller's orders by phone.
    may_search: bool,
    /// The phone searched for, when the list is its orders.
    phone: Option<String>,
    error: Option<String>,
}

fn list_page(user: &User, found: Vec<Complaint>, phone: Option<String>, error: Option<String>) -> Response {
    render(&ListPage {
        may_enter: qidi_core::hotline::may_enter(user.role),
        may_search: qidi_core::hotline::may_find_by_phone(user.role),
        user,
        rows: found.into_iter().map(|c| Row { lamp: lamp(&c), c }).collect(),
        phone,
        error,
    })
}

pub async fn list(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    Ok(list_page(&user, state.store.hotline_complaints(&user).await?, None, None))
}

/// A caller's orders, by phone (posted, so that the number stays out of URLs).
pub async fn by_phone(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let phone = f.get("phone").map(|p| p.trim().to_string()).unwrap_or_default();
    match state.store.hotline_complaints_by_phone(&user, &phone).await {
        Ok(found) => Ok(list_page(&user, found, Some(phone), None)),
        // A number that is not one is sent back with its error; a role that may not
        // search by phone is refused.
        Err(qidi_store::StoreError::Invalid(m)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            list_page(&user, Vec::new(), Some(phone), Some(crate::i18n::explain(&m))),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "hotline_new.html")]
struct NewPage<'a> {
    user: &'a User,
    categories: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    error: Option<String>,
    form: HashMap<String, String>,
}

impl NewPage<'_> {
    fn value(&self, k: &str) -> &str {
        self.form.get(k).map_or("", String::as_str)
    }
}

fn new_page(user: &User, error: Option<String>, form: HashMap<String, String>) -> Response {
    render(&NewPage {
        user,
        categories: Category::ALL
            .iter()
            .map(|c| (c.as_str(), crate::i18n::tc("hotline-category", c.as_str())))
            .collect(),
        urgencies: Urgency::ALL.iter().map(|u| (u.as_str(), crate::i18n::tc("hotline-urgency", u.as_str()))).collect(),
        error,
        form,
    })
}

fn office_only(user: &User) -> Result<(), PageError> {
    if qidi_core::hotline::may_enter(user.role) {
        Ok(())
    } else {
        Err(PageError::not_found())
    }
}

pub async fn new_form(PageUser(user): PageUser) -> Result<Response, PageError> {
    office_only(&user)?;
    Ok(new_page(&user, None, HashMap::new()))
}

pub async fn create(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    office_only(&user)?;
    let get = |k: &str| f.get(k).cloned();
    let input = OrderInput {
        order_number: get("order_number"),
        category: get("category"),
        urgency: get("urgency"),
        caller_name: get("caller_name"),
        caller_phone: get("caller_phone"),
        text: get("text"),
        project_code: get("project_code"),
        item_type: get("item_type"),
    };
    let order = match input.check() {
        Ok(o) => o,
        Err(e) => return Ok(new_page(&user, Some(crate::i18n::explain_error(&e)), f)),
    };
    match state.store.intake_hotline_order(&user.region(), IntakeSource::Web(&user), &order).await {
        Ok(intake) => Ok(Redirect::to(&format!("/hotline/{}", intake.id)).into_response()),
        Err(qidi_store::StoreError::Invalid(m)) => Ok(new_page(&user, Some(crate::i18n::explain(&m)), f)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "hotline_detail.html")]
struct DetailPage<'a> {
    user: &'a User,
    d: ComplaintDetail,
    lamp: (&'static str, String),
    departments: Vec<DepartmentRef>,
    /// The whole phone number, right after an unmasking.
    unmasked: Option<String>,
    /// The step just refused: which form, why, and what was typed into it.
    refused: Option<RefusedForm>,
}

impl DetailPage<'_> {
    fn may(&self, action: &str) -> bool {
        self.d.actions.contains(&action)
    }

    /// The refusal to show in the form of `action`, if that form's step was refused.
    fn refused_for(&self, action: &str) -> Option<&str> {
        self.refused.as_ref().and_then(|r| r.message_for(action))
    }

    /// What was typed into field `name` of the refused form of `action` (else empty).
    fn typed(&self, action: &str, name: &str) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed(action, name))
    }

    /// Whether the refused form of `action` had `value` chosen in its field `name`.
    fn chose(&self, action: &str, name: &str, value: &str) -> bool {
        self.refused_for(action).is_some() && self.typed(action, name) == value
    }

    /// A refusal whose form this page does not show (the step is no longer open, or
    /// the refusal belongs to no form): shown at the top instead, never lost.
    fn refused_without_form(&self) -> Option<&str> {
        let r = self.refused.as_ref()?;
        let shown = match r.form.as_str() {
            "" => false,
            "substantiate" => self.d.may_substantiate,
            a => self.may(a),
        };
        (!shown).then_some(r.message.as_str())
    }

    /// What was written into a refused form this page does not show (the note or the
    /// reply), said under the refusal so that it is not lost.
    fn typed_without_form(&self) -> Option<&str> {
        self.refused_without_form()?;
        let r = self.refused.as_ref()?;
        let field = if r.form == "reply" { "text" } else { "note" };
        r.typed.get(field).map(String::as_str).filter(|t| !t.trim().is_empty())
    }

    /// A substantiation in words: the department (and item type) and the reason.
    fn substantiation(&self, s: &Substantiation) -> String {
        let against = match &s.item_type {
            Some(i) => crate::i18n::t2("hotline-department-item", "department", &s.department, "item", i),
            None => s.department.clone(),
        };
        crate::i18n::t2("hotline-substantiated-against", "department", against, "note", &s.note)
    }
}

async fn detail_page(
    state: &SharedState,
    user: &User,
    id: &str,
    unmasked: Option<String>,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    let d = state.store.hotline_complaint(user, id).await?;
    let departments = if d.actions.contains(&"assign") || d.may_substantiate {
        state.store.departments(&user.region()).await?
    } else {
        Vec::new()
    };
    let (status, refused) = RefusedForm::split(refused);
    let page = DetailPage { user, lamp: lamp(&d.complaint), d, departments, unmasked, refused };
    Ok((status, render(&page)).into_response())
}

pub async fn detail(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    detail_page(&state, &user, &id, None, None).await
}

pub async fn act(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let text = |k: &str| f.get(k).cloned().unwrap_or_default();
    let name = f.get("action").cloned().unwrap_or_default();
    let action = match name.as_str() {
        "assign" => Action::Assign { department_id: text("department") },
        "sign_for" => Action::SignFor,
        "handle" => Action::Handle { note: text("note") },
        "reply" => Action::Reply { text: text("text") },
        "follow_up" => Action::FollowUp { satisfied: text("satisfied") == "true", note: text("note") },
        _ => {
            let message = crate::i18n::t("hotline-unknown-action");
            let refused = RefusedForm::new("", message, HashMap::new());
            return detail_page(&state, &user, &id, None, Some((StatusCode::UNPROCESSABLE_ENTITY, refused))).await;
        }
    };
    match state.store.hotline_act(&user, &id, action).await {
        Ok(()) => Ok(Redirect::to(&format!("/hotline/{id}")).into_response()),
        Err(
            e @ (qidi_store::StoreError::Invalid(_)
            | qidi_store::StoreError::Conflict(_)
            | qidi_store::StoreError::Forbidden(_)),
        ) => {
            let refused = RefusedForm::new(name, crate::error::refusal_text(&e), f);
            detail_page(&state, &user, &id, None, Some((refusal_status(&e), refused))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn unmask(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let phone = state.store.hotline_unmask_phone(&user, &id).await?;
    detail_page(&state, &user, &id, Some(phone), None).await
}

pub async fn substantiated(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| f.get(k).map_or("", String::as_str);
    let item = Some(get("item_type")).filter(|s| !s.trim().is_empty());
    match state.store.record_hotline_substantiated(&user, &id, get("department"), item, get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!("/hotline/{id}")).into_response()),
        Err(
            e @ (qidi_store::StoreError::Invalid(_)
            | qidi_store::StoreError::Conflict(_)
            | qidi_store::StoreError::Forbidden(_)),
        ) => {
            let message = crate::error::refusal_text(&e);
            let refused = RefusedForm::new("substantiate", message, f.clone());
            detail_page(&state, &user, &id, None, Some((refusal_status(&e), refused))).await
        }
        Err(e) => Err(e.into()),
    }
}
