//! JSON for departments, campaigns and the organisation.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use qidi_core::campaign::{Campaign, Milestone, MilestoneState};
use qidi_core::organisation::{may_read, parse_members, Body, Member};
use qidi_core::sentence::Sentence;
use qidi_store::campaigns::CampaignRow;
use qidi_store::departments::{Department, DepartmentDraft};
use qidi_store::users::User;
use serde::{Deserialize, Serialize};

fn body_of<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b).map_err(|e| {
        let detail = e.body_text();
        let s = Sentence::new("err-organisation-request-malformed", format!("请求格式有误：{detail}"))
            .arg("detail", detail);
        ApiError::invalid(&s)
    })
}

fn reader(user: &User) -> Result<(), ApiError> {
    if may_read(user.role) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

pub async fn departments(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<Department>>, ApiError> {
    reader(&user)?;
    Ok(Json(state.store.department_list(&user.region()).await?))
}

pub async fn create_department(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<DepartmentDraft>, JsonRejection>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    let draft = body_of(body)?;
    Ok((StatusCode::CREATED, Json(state.store.create_department(&user, &draft).await?)))
}

pub async fn update_department(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    body: Result<Json<DepartmentDraft>, JsonRejection>,
) -> Result<Json<Department>, ApiError> {
    let draft = body_of(body)?;
    Ok(Json(state.store.update_department(&user, &code, &draft).await?))
}

pub async fn retire_department(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<Department>, ApiError> {
    Ok(Json(state.store.set_department_retired(&user, &code, true).await?))
}

pub async fn restore_department(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<Department>, ApiError> {
    Ok(Json(state.store.set_department_retired(&user, &code, false).await?))
}

/// A milestone with its state as of today.
#[derive(Serialize)]
pub struct MilestoneView {
    #[serde(flatten)]
    pub milestone: Milestone,
    #[serde(flatten)]
    pub state: MilestoneState,
}

/// A campaign as the API shows it.
#[derive(Serialize)]
pub struct CampaignView {
    pub id: String,
    pub current: bool,
    pub code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub milestones: Vec<MilestoneView>,
    pub organisation: Vec<Member>,
}

/// Each campaign of the region with its milestones' states and its organisation,
/// the current one first.
pub(super) async fn campaign_views(state: &SharedState, user: &User) -> Result<Vec<CampaignView>, ApiError> {
    let region = user.region();
    // The region's first campaign exists once anyone looks.
    state.store.campaign(&region).await?;
    let today = qidi_store::today();
    let mut out = Vec::new();
    for (i, row) in state.store.campaigns(&region).await?.into_iter().enumerate() {
        out.push(campaign_view(state, row, i == 0, today).await?);
    }
    Ok(out)
}

async fn campaign_view(
    state: &SharedState,
    row: CampaignRow,
    current: bool,
    today: NaiveDate,
) -> Result<CampaignView, ApiError> {
    let facts = state.store.campaign_facts(&row).await?;
    let organisation = state.store.organisation(&row.id).await?;
    let c = row.campaign;
    Ok(CampaignView {
        id: row.id,
        current,
        milestones: c
            .milestones
            .iter()
            .map(|m| MilestoneView { state: m.state(&facts, today), milestone: m.clone() })
            .collect(),
        code: c.code,
        name: c.name,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        organisation,
    })
}

pub async fn campaigns(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    reader(&user)?;
    Ok(Json(campaign_views(&state, &user).await?))
}

#[derive(Deserialize)]
pub struct NewCampaign {
    code: String,
    name: String,
    starts_on: NaiveDate,
    #[serde(default)]
    ends_on: Option<NaiveDate>,
    #[serde(default)]
    milestones: Option<Vec<Milestone>>,
}

impl NewCampaign {
    pub(super) fn from_form(
        code: &str,
        name: &str,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        milestones: Vec<Milestone>,
    ) -> Self {
        NewCampaign {
            code: code.to_string(),
            name: name.to_string(),
            starts_on,
            ends_on: Some(ends_on),
            milestones: Some(milestones),
        }
    }

    /// The campaign asked for: the plan's template moved to its start, with what was given.
    pub(super) fn campaign(self) -> Campaign {
        let t = Campaign::from_template(self.code.trim(), &self.name, self.starts_on);
        Campaign {
            ends_on: self.ends_on.unwrap_or(t.ends_on),
            milestones: self.milestones.unwrap_or(t.milestones.clone()),
            ..t
        }
        .with_known_kinds()
    }
}

pub async fn create_campaign(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    body: Result<Json<NewCampaign>, JsonRejection>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let new = body_of(body)?.campaign();
    let row = state.store.create_campaign(&user, &new).await?;
    Ok((StatusCode::CREATED, Json(campaign_view(&state, row, true, qidi_store::today()).await?)))
}

#[derive(Deserialize)]
pub struct OrganisationBody {
    text: String,
}

pub async fn set_organisation(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path((id, body_name)): Path<(String, String)>,
    body: Result<Json<OrganisationBody>, JsonRejection>,
) -> Result<Json<Vec<Member>>, ApiError> {
    let text = body_of(body)?.text;
    let body = Body::parse(&body_name).ok_or_else(ApiError::not_found)?;
    let members = parse_members(body, &text)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", crate::i18n::explain_error(&e)))?;
    state.store.set_organisation(&user, &id, body, &members).await?;
    Ok(Json(state.store.organisation(&id).await?.into_iter().filter(|m| m.body == body).collect()))
}
