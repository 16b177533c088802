//! The system administrator's accounts page (`/admin/accounts`): create a staff account
//! with a one-time password shown once, disable or enable one. Roles, locks and second
//! factors are the security administrator's (`/security/accounts`). Every other role
//! gets 404; who may keep which account is core's `Role::may_keep_account`.

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
use qidi_store::StoreError;
use serde::Deserialize;

pub fn routes() -> Router<SharedState> {
    Router::new().route("/admin/accounts", get(page).post(create)).route("/admin/accounts/{username}", post(change))
}

struct AccountRow {
    username: String,
    name: String,
    role: String,
    department: String,
    disabled: bool,
    may_keep: bool,
}

/// A new account's sign-in details, shown once.
struct Created {
    username: String,
    password: String,
    /// A password reset, not a new account.
    reset: bool,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AccountsPage<'a> {
    user: &'a User,
    rows: Vec<AccountRow>,
    /// Roles an account may be given here, as (name, label).
    roles: Vec<(&'static str, String)>,
    departments: Vec<(String, String)>,
    created: Option<Created>,
    error: Option<String>,
    /// The new account's form as typed, when its creation was refused: the refusal is
    /// said in that form and what was typed is kept.
    typed: Option<CreateForm>,
}

impl AccountsPage<'_> {
    /// What was typed into field `k` of the refused creation form (else empty).
    fn typed(&self, k: &str) -> &str {
        let Some(t) = &self.typed else { return "" };
        match k {
            "username" => &t.username,
            "display_name" => &t.display_name,
            "role" => &t.role,
            "department_id" => &t.department_id,
            _ => "",
        }
    }
}

async fn render_page(
    state: &SharedState,
    user: &User,
    status: StatusCode,
    created: Option<Created>,
    error: Option<String>,
    typed: Option<CreateForm>,
) -> Result<Response, PageError> {
    let rows = state
        .store
        .account_security(user)
        .await?
        .into_iter()
        .map(|a| AccountRow {
            may_keep: Role::may_keep_account(user.role, a.user.role, a.user.id == user.id),
            username: a.user.username,
            name: a.user.display_name,
            role: crate::i18n::tc("role", a.user.role.as_str()),
            department: a.user.department_name.or(a.user.owner_name).unwrap_or_default(),
            disabled: a.user.disabled,
        })
        .collect();
    let roles = ALL_ROLES
        .into_iter()
        .filter(|r| Role::may_keep_account(user.role, *r, false))
        .map(|r| (r.as_str(), crate::i18n::tc("role", r.as_str())))
        .collect();
    let departments = state.store.departments(&user.region()).await?.into_iter().map(|d| (d.id, d.name)).collect();
    let page = AccountsPage { user, rows, roles, departments, created, error, typed };
    Ok((status, render(&page)).into_response())
}

fn system_admin(user: &User) -> Result<(), PageError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(PageError::not_found())
    }
}

async fn page(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    system_admin(&user)?;
    render_page(&state, &user, StatusCode::OK, None, None, None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    #[serde(default)]
    department_id: String,
}

async fn create(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    system_admin(&user)?;
    let department = Some(form.department_id.trim()).filter(|d| !d.is_empty());
    let done = match Role::parse(&form.role) {
        Some(role) => {
            state.store.create_account(&user, form.username.trim(), &form.display_name, role, department).await
        }
        None => Err(StoreError::invalid(crate::i18n::t("admin-choose-role"))),
    };
    match done {
        // The one-time password goes out in this answer only (never stored in clear,
        // never in a redirect's URL); the page is `no-store` like every signed-in page.
        Ok((new, password)) => {
            let created = Created { username: new.username, password, reset: false };
            render_page(&state, &user, StatusCode::CREATED, Some(created), None, None).await
        }
        // A name taken is said in the form like any other refusal, what was typed kept.
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::Conflict(_))) => {
            let error = crate::error::refusal_text(&e);
            render_page(&state, &user, crate::error::refusal_status(&e), None, Some(error), Some(form)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    action: String,
}

async fn change(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    system_admin(&user)?;
    let done = match form.action.as_str() {
        "disable" => state.store.set_account_disabled(&user, &username, true).await,
        "enable" => state.store.set_account_disabled(&user, &username, false).await,
        "reset_password" => match state.store.reset_account_password(&user, &username).await {
            // The one-time password is shown once, like a new account's.
            Ok(password) => {
                let created = Created { username: username.clone(), password, reset: true };
                return render_page(&state, &user, StatusCode::OK, Some(created), None, None).await;
            }
            Err(e) => Err(e),
        },
        _ => Err(StoreError::invalid(crate::i18n::t("admin-unknown-action"))),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/admin/accounts").into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::Conflict(_))) => {
            let message = crate::error::refusal_text(&e);
            let error = crate::i18n::t2("admin-account-error", "username", &username, "message", message);
            render_page(&state, &user, crate::error::refusal_status(&e), None, Some(error), None).await
        }
        Err(e) => Err(e.into()),
    }
}
