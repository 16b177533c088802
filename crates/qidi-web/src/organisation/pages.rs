//! Pages: the department list (`/catalogue/departments`) and the campaigns with their
//! organisation (`/campaigns`). A refused form comes back beside itself, with its
//! message, its status (403, 409, 422) and what was typed.

use super::api::{campaign_views, CampaignView, NewCampaign};
use crate::auth::PageUser;
use crate::error::{in_place, render, PageError, RefusedForm};
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

/// The page's name for the form that adds a department or a campaign.
const NEW_FORM: &str = "new";

// ---------- The department list ----------

#[derive(Template)]
#[template(path = "catalogue_departments.html")]
struct DepartmentsPage<'a> {
    user: &'a User,
    departments: Vec<Department>,
    can_edit: bool,
    /// The form just refused: which, why, and what was typed into it.
    refused: Option<RefusedForm>,
}

/// The page's name for form `form` (`edit`, or `retire` for retire and restore) of
/// department `code`.
fn row_form(form: &str, code: &str) -> String {
    format!("{form}-{code}")
}

impl DepartmentsPage<'_> {
    /// The refusal to show in form `form` (`new`, or a row's form), if it was refused.
    fn refused_for(&self, form: &str) -> Option<&str> {
        self.refused.as_ref().and_then(|r| r.message_for(form))
    }

    /// The refusal to show in form `form` (`edit` or `retire`) of department `d`.
    fn refused_in(&self, form: &str, d: &Department) -> Option<&str> {
        self.refused_for(&row_form(form, &d.code))
    }

    /// What was typed into field `name` of the refused new department's form.
    fn typed(&self, name: &str) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed(NEW_FORM, name))
    }

    /// Field `name` of department `d`'s edit form: what was typed when it was refused,
    /// else the department's value (`on` for a ticked box).
    fn edit_value(&self, d: &Department, name: &str) -> String {
        if let Some(r) = self.refused.as_ref().filter(|r| r.form == row_form("edit", &d.code)) {
            return r.typed(&r.form, name).to_string();
        }
        match name {
            "name" => d.name.clone(),
            "aliases" => d.aliases.join(&crate::i18n::t("catalogue-departments-separator")),
            "initiates" if d.initiates => "on".to_string(),
            _ => String::new(),
        }
    }

    /// A refusal whose form this page does not show (the reader may not edit, or the
    /// department is not listed): shown at the top instead, never lost.
    fn refused_without_form(&self) -> Option<&str> {
        let r = self.refused.as_ref()?;
        let shown = self.can_edit
            && (r.form == NEW_FORM
                || self
                    .departments
                    .iter()
                    .any(|d| r.form == row_form("edit", &d.code) || r.form == row_form("retire", &d.code)));
        (!shown).then_some(r.message.as_str())
    }
}

/// The department list; after a refused form, with the refusal beside it, what was
/// typed kept, and the refusal's status.
async fn departments_page(
    state: &SharedState,
    user: &User,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    reader(user)?;
    let departments = state.store.department_list(&user.region()).await?;
    let can_edit = may_keep_catalogue(user.role).is_ok();
    let (status, refused) = RefusedForm::split(refused);
    Ok((status, render(&DepartmentsPage { user, departments, can_edit, refused })).into_response())
}

pub async fn departments(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    departments_page(&state, &user, None).await
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
            let (status, m) = in_place(e.into())?;
            departments_page(&state, &user, Some((status, RefusedForm::new(NEW_FORM, m, f)))).await
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
    let (form, done) = match field(&f, "action") {
        "retire" => ("retire", state.store.set_department_retired(&user, &code, true).await),
        "restore" => ("retire", state.store.set_department_retired(&user, &code, false).await),
        _ => ("edit", state.store.update_department(&user, &code, &draft(&f)).await),
    };
    match done {
        Ok(d) => Ok(Redirect::to(&format!("/catalogue/departments#dept-{}", d.code)).into_response()),
        Err(e) => {
            let (status, m) = in_place(e.into())?;
            let refused = RefusedForm::new(row_form(form, &code), m, f);
            departments_page(&state, &user, Some((status, refused))).await
        }
    }
}

// ---------- Campaigns and their organisation ----------

struct BodyView {
    body: &'static str,
    label: String,
    /// (position, name, title)
    members: Vec<(String, String, String)>,
    /// The page's name for the body's form.
    form: String,
    /// The form's text: the members as written, or what was typed when it was refused.
    text: String,
}

/// The page's name for the form of body `body` of campaign `id`.
fn body_form(id: &str, body: &str) -> String {
    format!("org-{id}-{body}")
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
    /// The form just refused: which, why, and what was typed into it.
    refused: Option<RefusedForm>,
    /// The new campaign's form: typed values, or the template from today.
    new_code: String,
    new_name: String,
    new_starts_on: String,
    new_ends_on: String,
    new_milestones: String,
}

impl CampaignsPage<'_> {
    /// The refusal to show in form `form`, if that form was refused.
    fn refused_for(&self, form: &str) -> Option<&str> {
        self.refused.as_ref().and_then(|r| r.message_for(form))
    }

    /// A refusal whose form this page does not show (the reader may not plan or keep
    /// the organisation, or the campaign is not listed): shown at the top, never lost.
    fn refused_without_form(&self) -> Option<&str> {
        let r = self.refused.as_ref()?;
        let shown = if r.form == NEW_FORM {
            self.can_plan
        } else {
            self.can_keep_organisation && self.campaigns.iter().flat_map(|c| &c.bodies).any(|b| b.form == r.form)
        };
        (!shown).then_some(r.message.as_str())
    }
}

/// The campaigns; after a refused form, with the refusal beside it, what was typed
/// kept, and the refusal's status.
async fn campaigns_page(
    state: &SharedState,
    user: &User,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    reader(user)?;
    let (status, refused) = RefusedForm::split(refused);
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
                    let form = body_form(&c.id, b.as_str());
                    let text = match &refused {
                        Some(r) if r.form == form => r.typed(&form, "text").to_string(),
                        _ => members_text(&members),
                    };
                    BodyView {
                        body: b.as_str(),
                        label: super::body_label(b),
                        form,
                        text,
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
    let typed = refused.as_ref().filter(|r| r.form == NEW_FORM).map(|r| &r.typed);
    let or = |k: &str, d: String| typed.and_then(|t| t.get(k)).cloned().unwrap_or(d);
    let page = CampaignsPage {
        user,
        campaigns,
        can_plan: qidi_core::campaign::may_plan(user.role),
        can_keep_organisation: may_keep_organisation(user.role).is_ok(),
        new_code: or("code", template.code.clone()),
        new_name: or("name", template.name.clone()),
        new_starts_on: or("starts_on", template.starts_on.to_string()),
        new_ends_on: or("ends_on", template.ends_on.to_string()),
        new_milestones: or("milestones", milestones_text(&template.milestones)),
        refused,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn campaigns(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    campaigns_page(&state, &user, None).await
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
        Ok(c) => state.store.create_campaign(&user, &c).await.map_err(|e| in_place(e.into())),
        Err(m) => Err(Ok((StatusCode::UNPROCESSABLE_ENTITY, m))),
    };
    match done {
        Ok(_) => Ok(Redirect::to("/campaigns").into_response()),
        Err(m) => {
            let (status, m) = m?;
            campaigns_page(&state, &user, Some((status, RefusedForm::new(NEW_FORM, m, f)))).await
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
        Ok(members) => state.store.set_organisation(&user, &id, body, &members).await.map_err(|e| in_place(e.into())),
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
            let refused = RefusedForm::new(body_form(&id, body.as_str()), m, f);
            campaigns_page(&state, &user, Some((status, refused))).await
        }
    }
}
