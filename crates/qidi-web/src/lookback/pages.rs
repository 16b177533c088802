//! The look-back reviews' pages.

use super::{deadline, numbers, rule, rule_label};
use crate::auth::PageUser;
use crate::error::{render, PageError, RefusedForm};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::lookback::{may_read, may_run, Finding};
use qidi_store::baseline::DepartmentRef;
use qidi_store::lookback::{NewFinding, Review, ReviewView};
use qidi_store::users::User;
use qidi_store::StoreError;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "lookback_list.html")]
struct ListPage<'a> {
    user: &'a User,
    /// Each review's rule as a label, and the review.
    reviews: Vec<(String, Review)>,
    departments: Vec<DepartmentRef>,
    may_open: bool,
    error: Option<String>,
    /// What was typed into the form to open a review, kept when it is refused.
    form: HashMap<String, String>,
}

impl ListPage<'_> {
    /// What was typed into field `k` of the refused form (else empty).
    fn value(&self, k: &str) -> &str {
        self.form.get(k).map_or("", String::as_str)
    }
}

/// The list; after a refused opening, with the refusal, its status and what was typed.
async fn list_page(
    state: &SharedState,
    user: &User,
    refused: Option<(StatusCode, String, HashMap<String, String>)>,
) -> Result<Response, PageError> {
    if !may_read(user.role) {
        return Err(PageError::not_found());
    }
    let reviews = state.store.lookback_reviews(user).await?;
    let reviews = reviews.into_iter().map(|r| (rule_label(&r.rule), r)).collect();
    let departments = state.store.departments(&user.region()).await?;
    let (status, error, form) = match refused {
        Some((status, message, form)) => (status, Some(message), form),
        None => (StatusCode::OK, None, HashMap::new()),
    };
    let page = ListPage { user, reviews, departments, may_open: may_run(user.role), error, form };
    Ok((status, render(&page)).into_response())
}

pub async fn list(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    list_page(&state, &user, None).await
}

pub async fn open(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !may_run(user.role) {
        return Err(PageError::not_found());
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let parsed =
        rule(get("rule"), get("department")).and_then(|r| numbers(get("sample_size"), get("seed")).map(|n| (r, n)));
    let (r, (size, seed)) = match parsed {
        Ok(x) => x,
        Err(b) => return list_page(&state, &user, Some((StatusCode::UNPROCESSABLE_ENTITY, b.page(), f))).await,
    };
    let opened = state.store.open_lookback(&user, get("title"), &r, size, seed).await;
    match opened {
        Ok(id) => Ok(Redirect::to(&format!("/lookback/{id}")).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::Forbidden(_))) => {
            let message = crate::error::refusal_text(&e);
            list_page(&state, &user, Some((crate::error::refusal_status(&e), message, f))).await
        }
        Err(e) => Err(e.into()),
    }
}

struct ItemLine {
    i: qidi_store::lookback::Item,
    /// The light's code (for the style) and its label.
    lamp: (&'static str, String),
    finding: String,
}

#[derive(Template)]
#[template(path = "lookback_detail.html")]
struct DetailPage<'a> {
    user: &'a User,
    v: ReviewView,
    rule: String,
    lines: Vec<ItemLine>,
    may_edit: bool,
    findings: Vec<(&'static str, String)>,
    /// The write just refused: which form, why, and what was typed into it.
    refused: Option<RefusedForm>,
}

/// Whether refusal `r` came from form `form` (`finding` or `corrected`) of the row of
/// object `object_id`; a refusal of no row (closing the review) has an empty form.
fn is_for(r: &RefusedForm, form: &str, object_type: &str, object_id: &str) -> bool {
    r.form == form
        && r.typed.get("object_type").is_some_and(|t| t == object_type)
        && r.typed.get("object_id").is_some_and(|o| o == object_id)
}

impl DetailPage<'_> {
    /// The refusal to show in form `form` of row `l`, if that form was refused.
    fn refused_for(&self, form: &str, l: &ItemLine) -> Option<&str> {
        self.refused.as_ref().filter(|r| is_for(r, form, &l.i.object_type, &l.i.object_id)).map(|r| r.message.as_str())
    }

    /// What was typed into field `name` of the refused form `form` of row `l`.
    fn typed(&self, form: &str, l: &ItemLine, name: &str) -> &str {
        self.refused
            .as_ref()
            .filter(|r| is_for(r, form, &l.i.object_type, &l.i.object_id))
            .and_then(|r| r.typed.get(name))
            .map_or("", String::as_str)
    }

    /// Whether the refused finding form of row `l` had finding `code` chosen.
    fn chose_finding(&self, l: &ItemLine, code: &str) -> bool {
        self.refused_for("finding", l).is_some() && self.typed("finding", l, "finding") == code
    }

    /// A refusal whose form this page does not show (no such row, the row's form is
    /// gone, or the refusal belongs to no row): shown at the top, never lost.
    fn refused_without_form(&self) -> Option<&str> {
        let r = self.refused.as_ref()?;
        let shown = self.may_edit
            && self.lines.iter().any(|l| {
                is_for(r, &r.form, &l.i.object_type, &l.i.object_id)
                    && l.i.corrected_on.is_none()
                    && (r.form == "finding" || (r.form == "corrected" && l.i.clock.is_some()))
            });
        (!shown).then_some(r.message.as_str())
    }
}

async fn detail_page(
    state: &SharedState,
    user: &User,
    id: &str,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    let v = state.store.lookback(user, id, qidi_store::today()).await?;
    let lines = v
        .items
        .iter()
        .map(|i| ItemLine {
            lamp: i.light.map_or(("none", "—".to_string()), |l| (l.as_str(), crate::i18n::tc("light", l.as_str()))),
            finding: i.finding.map_or_else(
                || crate::i18n::t("lookback-unreviewed"),
                |f| crate::i18n::tc("lookback-finding", f.as_str()),
            ),
            i: i.clone(),
        })
        .collect();
    let (status, refused) = RefusedForm::split(refused);
    let page = DetailPage {
        user,
        rule: rule_label(&v.review.rule),
        may_edit: qidi_core::lookback::may_edit(user.role, v.review.closed_on),
        findings: [Finding::NoProblem, Finding::ProblemFound, Finding::CorrectionNeeded]
            .iter()
            .map(|f| (f.as_str(), crate::i18n::tc("lookback-finding", f.as_str())))
            .collect(),
        lines,
        v,
        refused,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn detail(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    detail_page(&state, &user, &id, None).await
}

/// After a write from form `form`: back to the review, or the review with the
/// refusal said in that form, what was typed kept, and the refusal's status.
async fn after(
    state: &SharedState,
    user: &User,
    id: &str,
    form: &'static str,
    typed: HashMap<String, String>,
    r: Result<(), StoreError>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/lookback/{id}")).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::Forbidden(_))) => {
            let refused = RefusedForm::new(form, crate::error::refusal_text(&e), typed);
            detail_page(state, user, id, Some((crate::error::refusal_status(&e), refused))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn finding(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !may_run(user.role) {
        return Err(PageError::not_found());
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let parsed = super::finding(get("finding")).and_then(|x| deadline(get("deadline")).map(|d| (x, d)));
    let (which, due) = match parsed {
        Ok(x) => x,
        Err(b) => {
            let refused = RefusedForm::new("finding", b.page(), f.clone());
            return detail_page(&state, &user, &id, Some((StatusCode::UNPROCESSABLE_ENTITY, refused))).await;
        }
    };
    let nf = NewFinding {
        object_type: get("object_type"),
        object_id: get("object_id"),
        finding: which,
        note: get("note"),
        correction: get("correction"),
        deadline: due,
    };
    let r = state.store.record_lookback_finding(&user, &id, &nf).await;
    after(&state, &user, &id, "finding", f.clone(), r).await
}

pub async fn corrected(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !may_run(user.role) {
        return Err(PageError::not_found());
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let r = state.store.close_lookback_correction(&user, &id, get("object_type"), get("object_id"), get("note")).await;
    after(&state, &user, &id, "corrected", f.clone(), r).await
}

pub async fn close(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    if !may_run(user.role) {
        return Err(PageError::not_found());
    }
    let r = state.store.close_lookback(&user, &id).await;
    after(&state, &user, &id, "", HashMap::new(), r).await
}

pub async fn download(
    State(state): State<SharedState>,
    crate::throttle::ExportUser(user): crate::throttle::ExportUser,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let report = state.store.lookback_report(&user, &id, qidi_store::today()).await?;
    let (bytes, content_type) = match format.as_str() {
        "xlsx" => (
            qidi_office::lookback_xlsx(&report).map_err(|e| StoreError::invalid(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "docx" => (
            qidi_office::lookback_docx(&report).map_err(|e| StoreError::invalid(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        _ => return Err(PageError::not_found()),
    };
    let payload = serde_json::json!({ "format": format });
    state.store.record_export(&user, "lookback.download", "lookback", Some(id.clone()), payload).await?;
    let ascii = format!("lookback-{id}.{format}");
    let name = format!("{}.{format}", report.title);
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_DISPOSITION, crate::workflow::attachment(&ascii, &name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}
