//! Pages: the department list (`/catalogue/departments`) and the campaigns with their
//! organisation (`/campaigns`). A refused form comes back with its message and what
//! was typed.

use super::api::{campaign_views, CampaignView, NewCampaign};
use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use qidi_core::campaign::{milestones_text, parse_milestones, Campaign};
use qidi_core::catalogue::may_keep_catalogue;
use qidi_core::organisation::{may_keep_organisation, may_read, members_text, parse_members, Body};
use qidi_store::departments::{Department, DepartmentDraft};
use qidi_store::users::User;
use qidi_store::StoreError;
use std::collections::HashMap;

fn field<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map_or("", |s| s.trim())
}

fn reader(user: &User) -> Result<(), PageError> {
    if may_read(user.role) {
        Ok(())
    } else {
        Err(PageError::not_found())
    }
}

/// A refusal the person can act on, shown on the page with its status (409 for a
/// conflict, such as a name taken; else 422); anything else is an error page.
fn message(e: StoreError) -> Result<(StatusCode, String), PageError> {
    match e {
        StoreError::Invalid(m) => Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::i18n::explain(&m))),
        StoreError::Conflict(m) => Ok((StatusCode::CONFLICT, crate::i18n::explain(&m))),
        e => Err(e.into()),
    }
}

// ---------- The department list ----------

#[derive(Template)]
#[template(path = "catalogue_departments.html")]
struct DepartmentsPage<'a> {
    user: &'a User,
    departments: Vec<Department>,
    can_edit: bool,
    error: Option<String>,
    typed: HashMap<String, String>,
}

impl DepartmentsPage<'_> {
    fn typed(&self, k: &str) -> &str {
        self.typed.get(k).map_or("", String::as_str)
    }
}

async fn render_departments(
    state: &SharedState,
    user: &User,
    status: StatusCode,
    error: Option<String>,
    typed: HashMap<String, String>,
) -> Result<Response, PageError> {
    reader(user)?;
    let departments = state.store.department_list(&user.region()).await?;
    let can_edit = may_keep_catalogue(user.role).is_ok();
    Ok((status, render(&DepartmentsPage { user, departments, can_edit, error, typed })).into_response())
}

pub async fn departments(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    render_departments(&state, &user, StatusCode::OK, None, HashMap::new()).await
}

fn draft(f: &HashMap<String, String>) -> DepartmentDraft {
    DepartmentDraft {
        code: field(f, "code").to_string(),
        name: field(f, "name").to_string(),
        aliases: crate::workflow::names_from_text(field(f, "aliases")),
        initiates: field(f, "initiates") == "on",
    }
}

pub async fn create_department(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    match state.store.create_department(&user, &draft(&f)).await {
        Ok(d) => Ok(Redirect::to(&format!("/catalogue/departments#dept-{}", d.code)).into_response()),
        Err(e) => {
            let (status, m) = message(e)?;
            render_departments(&state, &user, status, Some(m), f).await
        }
    }
}

/// Save a department's names (`action` empty), or retire or restore it.
pub async fn change_department(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let done = match field(&f, "action") {
        "retire" => state.store.set_department_retired(&user, &code, true).await,
        "restore" => state.store.set_department_retired(&user, &code, false).await,
        _ => state.store.update_department(&user, &code, &draft(&f)).await,
    };
    match done {
        Ok(d) => Ok(Redirect::to(&format!("/catalogue/departments#dept-{}", d.code)).into_response()),
        Err(e) => {
            let (status, m) = message(e)?;
            render_departments(&state, &user, status, Some(m), HashMap::new()).await
        }
    }
}

// ---------- Campaigns and their organisation ----------

struct BodyView {
    body: &'static str,
    label: String,
    /// (position, name, title)
    members: Vec<(String, String, String)>,
    text: String,
}

struct CampaignPageView {
    c: CampaignView,
    /// (date, label, state label, lamp class)
    milestones: Vec<(String, String, String, &'static str)>,
    bodies: Vec<BodyView>,
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct CampaignsPage<'a> {
    user: &'a User,
    campaigns: Vec<CampaignPageView>,
    can_plan: bool,
    can_keep_organisation: bool,
    error: Option<String>,
    /// The new campaign's form: typed values, or the template from today.
    new_code: String,
    new_name: String,
    new_starts_on: String,
    new_ends_on: String,
    new_milestones: String,
}

async fn render_campaigns(
    state: &SharedState,
    user: &User,
    status: StatusCode,
    error: Option<String>,
    typed: Option<HashMap<String, String>>,
) -> Result<Response, PageError> {
    reader(user)?;
    let views = campaign_views(state, user).await.map_err(|e| PageError::Status(e.status, e.message))?;
    let campaigns = views
        .into_iter()
        .map(|c| CampaignPageView {
            milestones: c
                .milestones
                .iter()
                .map(|m| {
                    (
                        m.milestone.on.to_string(),
                        m.milestone.label.clone(),
                        super::milestone_state_label(m.state),
                        m.state.class(),
                    )
                })
                .collect(),
            bodies: Body::ALL
                .iter()
                .map(|&b| {
                    let members: Vec<_> = c.organisation.iter().filter(|m| m.body == b).cloned().collect();
                    BodyView {
                        body: b.as_str(),
                        label: super::body_label(b),
                        text: members_text(&members),
                        members: members.into_iter().map(|m| (m.position, m.name, m.title)).collect(),
                    }
                })
                .collect(),
            c,
        })
        .collect();
    let today = qidi_store::today();
    let template = Campaign::from_template(
        &format!("sweep-{}", today.format("%Y")),
        &crate::i18n::t("campaign-default-name"),
        today,
    );
    let typed = typed.unwrap_or_default();
    let or = |k: &str, d: String| typed.get(k).cloned().unwrap_or(d);
    let page = CampaignsPage {
        user,
        campaigns,
        can_plan: qidi_core::campaign::may_plan(user.role),
        can_keep_organisation: may_keep_organisation(user.role).is_ok(),
        error,
        new_code: or("code", template.code.clone()),
        new_name: or("name", template.name.clone()),
        new_starts_on: or("starts_on", template.starts_on.to_string()),
        new_ends_on: or("ends_on", template.ends_on.to_string()),
        new_milestones: or("milestones", milestones_text(&template.milestones)),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn campaigns(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    render_campaigns(&state, &user, StatusCode::OK, None, None).await
}

fn form_date(f: &HashMap<String, String>, k: &str, label: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(field(f, k), "%Y-%m-%d")
        .map_err(|_| crate::i18n::t2("campaign-invalid-date", "field", label, "value", field(f, k)))
}

pub async fn create_campaign(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let parsed = (|| -> Result<Campaign, String> {
        let milestones = parse_milestones(field(&f, "milestones")).map_err(|e| crate::i18n::explain_error(&e))?;
        let new = NewCampaign::from_form(
            field(&f, "code"),
            field(&f, "name"),
            form_date(&f, "starts_on", &crate::i18n::t("campaign-new-starts-on"))?,
            form_date(&f, "ends_on", &crate::i18n::t("campaign-new-ends-on"))?,
            milestones,
        );
        Ok(new.campaign())
    })();
    let done = match parsed {
        Ok(c) => state.store.create_campaign(&user, &c).await.map_err(message),
        Err(m) => Err(Ok((StatusCode::UNPROCESSABLE_ENTITY, m))),
    };
    match done {
        Ok(_) => Ok(Redirect::to("/campaigns").into_response()),
        Err(m) => {
            let (status, m) = m?;
            render_campaigns(&state, &user, status, Some(m), Some(f)).await
        }
    }
}

pub async fn set_organisation(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let body = Body::parse(field(&f, "body")).ok_or_else(PageError::not_found)?;
    let done = match parse_members(body, f.get("text").map_or("", String::as_str)) {
        Ok(members) => state.store.set_organisation(&user, &id, body, &members).await.map_err(message),
        Err(e) => {
            let error = crate::i18n::explain_error(&e);
            let m = crate::i18n::t2("organisation-body-error", "body", super::body_label(body), "error", error);
            Err(Ok((StatusCode::UNPROCESSABLE_ENTITY, m)))
        }
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/campaigns#org-{id}")).into_response()),
        Err(m) => {
            let (status, m) = m?;
            render_campaigns(&state, &user, status, Some(m), None).await
        }
    }
}
