//! The second factor on the web: the code after the password (`/login/code`, and
//! `POST /api/v1/login/code`), and a user's own setup page (`/account/second-factor`):
//! a QR code for the authenticator app, the first code to confirm it, recovery codes
//! shown once, and turning it off where the role allows.

use crate::auth::{clear_cookie, AnySession, SessionUser};
use crate::error::{render, ApiError, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use qidi_core::second_factor::SecondFactorStep;
use qidi_store::second_factor::CodeFailure;
use qidi_store::users::User;
use serde::Deserialize;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/login/code", get(code_form).post(code))
        .route("/api/v1/login/code", post(api_code))
        .route("/account/second-factor", get(account).post(account_action))
}

/// Where a user goes after a step of signing in: the code, the new password, the
/// second factor's setup, or home.
pub fn next_page(user: &User) -> &'static str {
    match user.pending_second_factor {
        Some(SecondFactorStep::Code) => "/login/code",
        _ if user.must_change_password => "/password",
        Some(SecondFactorStep::Enrol) => "/account/second-factor",
        None => "/",
    }
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

async fn code_form(AnySession(user, _): AnySession) -> Response {
    if user.pending_second_factor != Some(SecondFactorStep::Code) {
        return Redirect::to(next_page(&user)).into_response();
    }
    render(&CodePage { error: None })
}

async fn code(
    State(state): State<SharedState>,
    AnySession(_, token): AnySession,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    match state.store.verify_second_factor(&token, &form.code).await? {
        Ok(user) => Ok(Redirect::to(next_page(&user)).into_response()),
        Err(CodeFailure::Wrong) => {
            let page = render(&CodePage { error: Some(crate::i18n::t("second-factor-wrong-code")) });
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(CodeFailure::Ended) => {
            let ended = crate::i18n::t("second-factor-ended");
            let page = render(&crate::pages::LoginPage { error: Some(&ended), username: "" });
            Ok((StatusCode::UNAUTHORIZED, [(header::SET_COOKIE, clear_cookie(state.config.secure_cookies))], page)
                .into_response())
        }
    }
}

async fn api_code(
    State(state): State<SharedState>,
    AnySession(_, token): AnySession,
    Json(body): Json<CodeForm>,
) -> Result<Response, ApiError> {
    match state.store.verify_second_factor(&token, &body.code).await? {
        Ok(user) => Ok(Json(user).into_response()),
        // The API's answers say what the pages say, in the request's language.
        Err(CodeFailure::Wrong) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong_code", crate::i18n::t("second-factor-wrong-code")))
        }
        Err(CodeFailure::Ended) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "session_ended", crate::i18n::t("second-factor-ended")))
        }
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct AccountPage<'a> {
    user: &'a User,
    required: bool,
    /// Set up already: how many recovery codes are left.
    codes_left: Option<i64>,
    /// Being set up: the secret's text and its QR code (inline SVG).
    secret_text: String,
    qr_svg: String,
    /// Shown once, right after the setup is confirmed.
    recovery_codes: Vec<String>,
    error: Option<String>,
    notice: Option<String>,
}

async fn account_page(
    state: &SharedState,
    user: &User,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    recovery_codes: Vec<String>,
) -> Result<Response, PageError> {
    let mut page = AccountPage {
        user,
        required: state.store.second_factor_required(user),
        codes_left: None,
        secret_text: String::new(),
        qr_svg: String::new(),
        recovery_codes,
        error,
        notice,
    };
    if user.second_factor {
        page.codes_left = Some(state.store.recovery_codes_left(user).await?);
    } else {
        let enrolment = match state.store.pending_second_factor(user).await? {
            Some(e) => e,
            None => state.store.start_second_factor(user).await?,
        };
        page.qr_svg = crate::public::qr::svg_of(&enrolment.otpauth_url)?;
        page.secret_text = enrolment.secret_text;
    }
    Ok((status, render(&page)).into_response())
}

async fn account(State(state): State<SharedState>, SessionUser(user, _): SessionUser) -> Result<Response, PageError> {
    account_page(&state, &user, StatusCode::OK, None, None, Vec::new()).await
}

#[derive(Deserialize)]
pub struct AccountForm {
    action: String,
    #[serde(default)]
    code: String,
}

async fn account_action(
    State(state): State<SharedState>,
    SessionUser(user, token): SessionUser,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    match form.action.as_str() {
        "confirm" if !user.second_factor => match state.store.confirm_second_factor(&user, &token, &form.code).await? {
            Some(codes) => {
                let user = state.store.session(&token).await?.ok_or(PageError::SignIn)?;
                let notice = crate::i18n::t("second-factor-enabled");
                account_page(&state, &user, StatusCode::OK, None, Some(notice), codes).await
            }
            None => {
                let error = crate::i18n::t("second-factor-wrong-code");
                account_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(error), None, Vec::new()).await
            }
        },
        "restart" if !user.second_factor => {
            state.store.start_second_factor(&user).await?;
            let notice = crate::i18n::t("second-factor-new-key");
            account_page(&state, &user, StatusCode::OK, None, Some(notice), Vec::new()).await
        }
        "turn_off" if user.second_factor => match state.store.turn_off_second_factor(&user, &form.code).await? {
            true => {
                let mut res = Redirect::to("/login").into_response();
                res.headers_mut().insert(header::SET_COOKIE, clear_cookie(state.config.secure_cookies));
                Ok(res)
            }
            false => {
                let error = crate::i18n::t("second-factor-wrong-code");
                account_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(error), None, Vec::new()).await
            }
        },
        _ => {
            account_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(crate::i18n::t("second-factor-cannot")),
                None,
                Vec::new(),
            )
            .await
        }
    }
}
