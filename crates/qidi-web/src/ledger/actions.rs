//! The ledger's forms: signing and confirming changes, the campaign's end, pushing check
//! lists and answering them, removal proposals and decisions, and 补录. A refused form
//! on a department page shows that page again, the sentence beside the form.

use super::department::{department_page, Kept, KeptAnswer, KeptRemoval};
use super::signing::{Seen, Signing};
use super::{department_signer, forbidden, not_read_only, unprocessable, visible_department};
use crate::auth::PageUser;
use crate::error::{in_place, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use qidi_core::ledger::{
    may_answer, may_propose_removal, may_sign, BaselineQuery, Capacity, CheckAnswer, Decision, LedgerKind, RemovalKind,
    RemovalReason,
};
use qidi_core::role::ScopeLimit;
use qidi_store::baseline::{DepartmentRef, NewPendingItem, NewRemoval};
use qidi_store::users::User;
use qidi_store::StoreError;
use serde::Deserialize;

/// A date typed in a form as `YYYY-MM-DD`; a bad one names its `field` (as shown).
fn form_date(text: &str, field: &str) -> Result<NaiveDate, PageError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| unprocessable(crate::i18n::t1("ledger-error-date-format", "field", field)))
}

/// Like [`form_date`], where an empty field means no date.
fn optional_form_date(text: &str, field: &str) -> Result<Option<NaiveDate>, PageError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        form_date(text, field).map(Some)
    }
}

fn back_to(code: &str) -> Response {
    back_to_view(code, &BaselineQuery::default())
}

/// The department page showing the rows of `view` (its filters and page).
fn back_to_view(code: &str, view: &BaselineQuery) -> Response {
    let query = serde_urlencoded::to_string(view).unwrap_or_default();
    let query = if query.is_empty() { query } else { format!("?{query}") };
    Redirect::to(&format!("/ledger/departments/{code}{query}")).into_response()
}

#[derive(Deserialize)]
pub struct SignForm {
    capacity: String,
    hash: String,
    /// The checkbox confirming that check results are missing (shown with the count).
    #[serde(default)]
    confirm_missing_checks: String,
}

impl SignForm {
    fn confirms_missing_checks(&self) -> bool {
        !self.confirm_missing_checks.trim().is_empty()
    }

    fn seen(&self, capacity: Capacity) -> Seen<'_> {
        Seen { capacity, hash: &self.hash, missing_checks_confirmed: self.confirms_missing_checks() }
    }
}

/// Store refusals of a rule (stale hash, out of order …) are 409 with the reason.
fn refused(e: StoreError) -> PageError {
    match e {
        StoreError::Conflict(m) => PageError::Status(StatusCode::CONFLICT, crate::i18n::explain(&m)),
        other => other.into(),
    }
}

/// The department ledger `code` and the capacity `user` signs it in: in scope (else
/// 404), a known capacity (else 422), the role that signs in it (else 403).
async fn signing(
    state: &SharedState,
    user: &User,
    code: &str,
    capacity: &str,
) -> Result<(DepartmentRef, Capacity), PageError> {
    let dept = visible_department(state, user, code).await?;
    let capacity = Capacity::parse(capacity).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-capacity")))?;
    department_signer(user, capacity, &dept).map_err(|m| forbidden(&m))?;
    Ok((dept, capacity))
}

pub async fn sign_department(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    let (dept, capacity) = signing(&state, &user, &code, &form.capacity).await?;
    match state.ledger_signing.sign(&state, &user, &dept, form.seen(capacity)).await {
        Signing::Done(done) => done.map_err(refused).map(|_| back_to(&dept.code)),
        Signing::GoesOn => Ok(goes_on(&dept, "ledger-signing-title", "ledger-signing-goes-on")),
        other => Err(not_done(other)),
    }
}

/// The signatories confirm the changes to a fixed department ledger (新增/变更，待签认).
pub async fn confirm_changes(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    let (dept, capacity) = signing(&state, &user, &code, &form.capacity).await?;
    match state.ledger_signing.confirm(&state, &user, &dept, form.seen(capacity)).await {
        Signing::Done(done) => done
            .map_err(refused)
            .map(|_| Redirect::to(&format!("/ledger/departments/{}#signoff", dept.code)).into_response()),
        Signing::GoesOn => Ok(goes_on(&dept, "ledger-confirming-title", "ledger-confirming-goes-on")),
        other => Err(not_done(other)),
    }
}

/// A signature that was not begun (no turn free: 503) or stopped (500).
fn not_done<T>(signing: Signing<T>) -> PageError {
    let (status, _, message) = signing.not_done();
    PageError::Status(status, message)
}

#[derive(Template)]
#[template(path = "ledger_signing.html")]
struct GoesOnPage {
    title: String,
    message: String,
    back: String,
}

/// 202: a signature or confirmation that outlasts its request goes on without it; the
/// department's page shows it once stored.
fn goes_on(dept: &DepartmentRef, title: &str, message: &str) -> Response {
    let page = GoesOnPage {
        title: crate::i18n::t(title),
        message: crate::i18n::t(message),
        back: format!("/ledger/departments/{}#signoff", dept.code),
    };
    (StatusCode::ACCEPTED, crate::error::render(&page)).into_response()
}

pub async fn sign_banner(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    if user.scope().limit != ScopeLimit::Region {
        return Err(PageError::not_found());
    }
    let capacity =
        Capacity::parse(&form.capacity).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-capacity")))?;
    if may_sign(LedgerKind::Banner, capacity, user.role, user.department_id.as_deref(), None).is_err() {
        return Err(forbidden(&crate::i18n::t("ledger-error-banner-signer")));
    }
    state
        .store
        .sign_ledger(&user.region(), None, capacity, form.hash.trim(), form.confirms_missing_checks(), &user)
        .await
        .map_err(refused)?;
    Ok(Redirect::to("/ledger/banner").into_response())
}

#[derive(Deserialize)]
pub struct EndForm {
    ends_on: String,
}

pub async fn set_campaign_end(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Form(form): Form<EndForm>,
) -> Result<Response, PageError> {
    let d = form_date(&form.ends_on, &crate::i18n::t("ledger-form-date-end"))?;
    state.store.set_campaign_end(&user.region(), d, &user).await?;
    Ok(Redirect::to("/ledger/banner").into_response())
}

#[derive(Deserialize)]
pub struct PushForm {
    due_on: String,
}

pub async fn push(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(view): Query<BaselineQuery>,
    Form(form): Form<PushForm>,
) -> Result<Response, PageError> {
    let dept = visible_department(&state, &user, &code).await?;
    not_read_only(&user)?;
    if !qidi_core::ledger::may_push_check_list(user.role, user.department_id.as_deref(), &dept.id) {
        return Err(forbidden(&crate::i18n::t("ledger-error-push")));
    }
    let pushed = match form_date(&form.due_on, &crate::i18n::t("ledger-answer-due")) {
        Ok(due) => state.store.push_check_lists(&user.region(), &dept.id, due, &user).await.map_err(PageError::from),
        Err(e) => Err(e),
    };
    match pushed {
        Ok(_) => Ok(back_to_view(&dept.code, &view)),
        Err(e) => {
            // Refused: the page again, the sentence above the lists, the date as typed.
            let (status, message) = in_place(e)?;
            let kept = Kept { push: Some((message, form.due_on)), ..Kept::default() };
            department_page(&state, &user, dept, &view, kept, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    check_result: String,
    responsible_person: String,
    acceptance_status: String,
    due_on: String,
}

pub async fn answer(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Query(view): Query<BaselineQuery>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    let Some((region, handling)) = state.store.pending_item_department(&id).await? else {
        return Err(PageError::not_found());
    };
    if region != user.region_code {
        return Err(PageError::not_found());
    }
    let visible = match user.scope().limit {
        ScopeLimit::Region => true,
        ScopeLimit::Department(d) => d == handling,
        _ => false,
    };
    if !visible {
        return Err(PageError::not_found());
    }
    if !may_answer(user.role, user.department_id.as_deref(), &handling) {
        return Err(forbidden(&crate::i18n::t("ledger-error-answer")));
    }
    let answered = match optional_form_date(&form.due_on, &crate::i18n::tc("ledger-field", "due_on")) {
        Ok(due_on) => {
            let a = CheckAnswer {
                check_result: form.check_result.clone(),
                responsible_person: form.responsible_person.clone(),
                acceptance_status: form.acceptance_status.clone(),
                due_on,
            };
            state.store.answer_check(&id, a, &user).await.map_err(PageError::from)
        }
        Err(e) => Err(e),
    };
    let dept = state.store.departments(&user.region()).await?.into_iter().find(|d| d.id == handling);
    let Err(e) = answered else {
        return Ok(back_to_view(&dept.map(|d| d.code).unwrap_or_default(), &view));
    };
    // Refused: the handling department's page again, the sentence in the item's row
    // (`#item-{id}`), naming its project and item, with the four values as typed.
    let Some(dept) = dept else { return Err(e) };
    let (status, message) = in_place(e)?;
    let kept = Kept {
        answer: Some(KeptAnswer {
            item_id: id,
            message,
            check_result: form.check_result,
            responsible_person: form.responsible_person,
            acceptance_status: form.acceptance_status,
            due_on: form.due_on,
        }),
        ..Kept::default()
    };
    department_page(&state, &user, dept, &view, kept, status).await
}

#[derive(Deserialize)]
pub struct RemovalForm {
    kind: String,
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    pending_item_id: String,
    /// `PROJECT_ID:ITEM_ID`: the row chosen in the baseline table (one form serves
    /// every row, instead of a form repeated on each).
    #[serde(default)]
    item: String,
    reason: String,
    text: String,
    /// Department code of the page to go back to.
    #[serde(default)]
    back: String,
}

pub async fn propose_removal(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Query(view): Query<BaselineQuery>,
    Form(form): Form<RemovalForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    if may_propose_removal(user.role).is_err() {
        return Err(forbidden(&crate::i18n::t("ledger-error-propose")));
    }
    let kind =
        RemovalKind::parse(&form.kind).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-removal-kind")))?;
    let (project_id, item) = match form.item.split_once(':') {
        Some((project, item)) => (project.trim(), Some(item.trim())),
        None => (form.project_id.trim(), Some(form.pending_item_id.trim())),
    };
    let item = item.filter(|s| !s.is_empty());
    let proposed = match RemovalReason::parse(&form.reason) {
        None => Err(unprocessable(crate::i18n::t("ledger-error-removal-reason"))),
        Some(_) if project_id.is_empty() => Err(unprocessable(crate::i18n::t("ledger-error-nothing-chosen"))),
        Some(reason) => state
            .store
            .propose_removal(
                &user.region(),
                &NewRemoval { kind, project_id, pending_item_id: item, reason, text: &form.text },
                &user,
            )
            .await
            .map_err(refused),
    };
    let Err(e) = proposed else {
        return Ok(if form.back.is_empty() {
            Redirect::to("/ledger").into_response()
        } else {
            back_to_view(&form.back, &view)
        });
    };
    // Refused from a department page the user may see: that page again, the sentence
    // beside the form and what was typed still in it. From anywhere else: the error page.
    let dept = match form.back.trim() {
        "" => None,
        code => visible_department(&state, &user, code).await.ok(),
    };
    let Some(dept) = dept else { return Err(e) };
    let (status, message) = in_place(e)?;
    let typed = KeptRemoval {
        project_id: project_id.to_string(),
        item_id: item.unwrap_or_default().to_string(),
        reason: form.reason.trim().to_string(),
        text: form.text.clone(),
        error: Some(message),
    };
    let kept = match kind {
        RemovalKind::Item => Kept { reduce: typed, ..Kept::default() },
        RemovalKind::Project => Kept { removal: typed, ..Kept::default() },
    };
    department_page(&state, &user, dept, &view, kept, status).await
}

#[derive(Deserialize)]
pub struct DecideForm {
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

pub async fn decide_removal(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    let decision =
        Decision::parse(&form.decision).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-decision")))?;
    state.store.decide_removal(&id, decision, &form.note, &user).await.map_err(refused)?;
    Ok(if form.back.is_empty() { Redirect::to("/ledger/banner").into_response() } else { back_to(&form.back) })
}

#[derive(Deserialize)]
pub struct AddItemForm {
    item_type_id: String,
    #[serde(default)]
    responsible_person: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    note: String,
}

/// 补录: a pending item found after the ledger was built, added from the project page.
pub async fn add_item(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(form): Form<AddItemForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    let due_on = optional_form_date(&form.due_on, &crate::i18n::tc("ledger-field", "due_on"))?;
    let new = NewPendingItem {
        item_type_id: form.item_type_id,
        responsible_person: Some(form.responsible_person),
        due_on,
        note: Some(form.note),
    };
    state.store.add_pending_item(&user, &id, &new).await.map_err(refused)?;
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}
