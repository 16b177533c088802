//! The security administrator's page (`/security/accounts`): every account of the
//! region with its lock and second factor; unlock, reset the second factor, change the
//! role. Every other role gets 404; what may be changed is core's rule.

use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use qidi_core::role::ALL_ROLES;
use qidi_core::Role;
use qidi_store::users::User;
use serde::Deserialize;

pub fn routes() -> Router<SharedState> {
    Router::new().route("/security/accounts", get(page)).route("/security/accounts/{username}", post(change))
}

struct AccountRow {
    username: String,
    name: String,
    role: String,
    department: String,
    locked_until: Option<String>,
    disabled: bool,
    second_factor: bool,
    may_change: bool,
    may_change_role: bool,
}

#[derive(Template)]
#[template(path = "security_accounts.html")]
struct AccountsPage<'a> {
    user: &'a User,
    rows: Vec<AccountRow>,
    /// Roles an account may be given here, as (name, label).
    roles: Vec<(&'static str, String)>,
    departments: Vec<(String, String)>,
    error: Option<String>,
}

async fn render_page(
    state: &SharedState,
    user: &User,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    if !user.role.manages_accounts() {
        return Err(PageError::not_found());
    }
    let rows = state
        .store
        .account_security(user)
        .await?
        .into_iter()
        .map(|a| {
            let own = a.user.id == user.id;
            AccountRow {
                may_change: Role::may_change_account(user.role, a.user.role, own, None),
                may_change_role: Role::may_change_account(user.role, a.user.role, own, Some(Role::Handler)),
                username: a.user.username,
                name: a.user.display_name,
                role: crate::i18n::tc("role", a.user.role.as_str()),
                department: a.user.department_name.or(a.user.owner_name).unwrap_or_default(),
                locked_until: a.locked_until.map(|t| t.get(..16).unwrap_or(&t).replace('T', " ")),
                disabled: a.user.disabled,
                second_factor: a.user.second_factor,
            }
        })
        .collect();
    let roles = ALL_ROLES
        .into_iter()
        .filter(|r| Role::may_change_account(user.role, Role::Handler, false, Some(*r)))
        .map(|r| (r.as_str(), crate::i18n::tc("role", r.as_str())))
        .collect();
    let departments = state.store.departments(&user.region()).await?.into_iter().map(|d| (d.id, d.name)).collect();
    Ok((status, render(&AccountsPage { user, rows, roles, departments, error })).into_response())
}

async fn page(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    render_page(&state, &user, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    action: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department_id: String,
}

async fn change(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    if !user.role.manages_accounts() {
        return Err(PageError::not_found());
    }
    let done = match form.action.as_str() {
        "unlock" => state.store.unlock_account(&user, &username).await,
        "reset_second_factor" => state.store.reset_account_second_factor(&user, &username).await,
        "role" => match Role::parse(&form.role) {
            Some(role) => {
                let department = Some(form.department_id.trim()).filter(|d| !d.is_empty());
                state.store.change_role(&user, &username, role, department).await
            }
            None => Err(qidi_store::StoreError::invalid(crate::i18n::t("admin-choose-role"))),
        },
        _ => Err(qidi_store::StoreError::invalid(crate::i18n::t("admin-unknown-action"))),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/security/accounts").into_response()),
        Err(qidi_store::StoreError::Invalid(m)) => {
            let error =
                crate::i18n::t2("admin-account-error", "username", &username, "message", crate::i18n::explain(&m));
            render_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(error)).await
        }
        Err(e) => Err(e.into()),
    }
}
