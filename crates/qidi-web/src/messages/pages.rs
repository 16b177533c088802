//! The message centre and the administrator's channel pages.

use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::message::{ChannelKind, ChannelRule, MessageKind};
use qidi_core::Role;
use qidi_store::messages::{Channel, InAppMessage, Preference, SendLogEntry};
use qidi_store::users::User;
use qidi_store::StoreError;
use serde::Deserialize;
use std::collections::HashMap;

/// RFC 3339 with +08:00, as a person reads it: `2026-03-02 09:00`.
fn minute(at: &str) -> String {
    at.chars().take(16).collect::<String>().replace('T', " ")
}

/// A row with its time to the minute, and the label of its kind or channel.
struct Shown<T> {
    at: String,
    label: String,
    row: T,
}

/// A message kind's label; a kind this build does not know is just a message.
fn kind_label(kind: &str) -> String {
    match MessageKind::parse(kind) {
        Some(k) => crate::i18n::tc("message-kind", k.as_str()),
        None => crate::i18n::t("messages-kind-other"),
    }
}

/// A channel's label; `—` for one this build does not know.
fn channel_label(channel: &str) -> String {
    match ChannelKind::parse(channel) {
        Some(c) => crate::i18n::tc("channel-kind", c.as_str()),
        None => "—".to_string(),
    }
}

/// One row of the choice table: a kind, and its personal channels.
struct PreferenceRow {
    kind: &'static str,
    label: String,
    cells: Vec<Preference>,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct CentrePage<'a> {
    user: &'a User,
    messages: Vec<Shown<InAppMessage>>,
    unread_only: bool,
    preferences: Vec<PreferenceRow>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct CentreQuery {
    #[serde(default)]
    unread: bool,
    #[serde(default)]
    saved: bool,
}

pub async fn centre(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<CentreQuery>,
) -> Result<Response, PageError> {
    let messages = state
        .store
        .messages_for(&user, q.unread, 200)
        .await?
        .into_iter()
        .map(|m| Shown { at: minute(&m.created_at), label: kind_label(&m.kind), row: m })
        .collect();
    let all = state.store.preferences(&user).await?;
    let preferences = MessageKind::ALL
        .into_iter()
        .map(|k| PreferenceRow {
            kind: k.as_str(),
            label: crate::i18n::tc("message-kind", k.as_str()),
            cells: all.iter().filter(|p| p.kind == k).cloned().collect(),
        })
        .collect();
    let notice = q.saved.then(|| crate::i18n::t("messages-saved"));
    Ok(render(&CentrePage { user: &user, messages, unread_only: q.unread, preferences, notice }))
}

pub async fn mark_read(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = f.get("id").map(String::as_str).filter(|s| !s.is_empty());
    state.store.mark_read(&user, id).await?;
    // Follow the message's own link when one was opened from the list.
    let to = f.get("then").filter(|t| t.starts_with('/') && !t.starts_with("//")).cloned();
    Ok(Redirect::to(to.as_deref().unwrap_or("/messages")).into_response())
}

/// The form sends a checkbox `KIND:CHANNEL` for each choice that is on.
pub async fn set_preferences(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    for kind in MessageKind::ALL {
        for channel in ChannelKind::PERSONAL {
            let on = f.contains_key(&format!("{}:{}", kind.as_str(), channel.as_str()));
            match state.store.set_preference(&user, kind, channel, on).await {
                // What the administrator requires stays on; the page says so.
                Ok(()) | Err(StoreError::Forbidden(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(Redirect::to("/messages?saved=true").into_response())
}

fn require_admin(user: &User) -> Result<(), PageError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(PageError::not_found())
    }
}

struct PolicyRow {
    kind: &'static str,
    label: String,
    /// (channel, its rule)
    cells: Vec<(&'static str, ChannelRule)>,
}

#[derive(Template)]
#[template(path = "admin_channels.html")]
struct ChannelsPage<'a> {
    user: &'a User,
    channels: Vec<Channel>,
    departments: Vec<(String, String)>,
    policy: Vec<PolicyRow>,
    notice: Option<String>,
    error: Option<String>,
    /// What was typed into the form to add a channel, kept when it is refused (the
    /// secret is never sent back).
    form: HashMap<String, String>,
}

impl ChannelsPage<'_> {
    /// What was typed into field `k` of the refused form (else empty).
    fn value(&self, k: &str) -> &str {
        self.form.get(k).map_or("", String::as_str)
    }
}

#[derive(Deserialize, Default)]
pub struct ChannelsQuery {
    #[serde(default)]
    added: bool,
    #[serde(default)]
    removed: bool,
    #[serde(default)]
    saved: bool,
}

/// The channels page; after a refusal, with the refusal, its status and what was typed.
async fn channels_page(
    state: &SharedState,
    user: &User,
    notice: Option<String>,
    refused: Option<(StatusCode, String)>,
    mut form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let channels = state.store.list_channels(&user.region_code).await?;
    let mut departments = vec![(qidi_store::messages::OFFICE.to_string(), crate::i18n::t("channel-office"))];
    departments.extend(state.store.departments(&user.region()).await?.into_iter().map(|d| (d.code, d.name)));
    let rules = state.store.message_policy(&user.region_code).await?;
    let policy = MessageKind::ALL
        .into_iter()
        .map(|k| PolicyRow {
            kind: k.as_str(),
            label: crate::i18n::tc("message-kind", k.as_str()),
            cells: rules.iter().filter(|(rk, _, _)| *rk == k).map(|(_, c, r)| (c.as_str(), *r)).collect(),
        })
        .collect();
    form.remove("secret");
    let (status, error) = match refused {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = ChannelsPage { user, channels, departments, policy, notice, error, form };
    Ok((status, render(&page)).into_response())
}

pub async fn channels(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Query(q): Query<ChannelsQuery>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let notice = if q.added {
        Some(crate::i18n::t("channel-added"))
    } else if q.removed {
        Some(crate::i18n::t("channel-removed"))
    } else if q.saved {
        Some(crate::i18n::t("channel-policy-saved"))
    } else {
        None
    };
    channels_page(&state, &user, notice, None, HashMap::new()).await
}

pub async fn add_channel(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let field = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let Some(kind) = ChannelKind::parse(&field("kind")).filter(|k| ChannelKind::GROUP.contains(k)) else {
        let refused = (StatusCode::UNPROCESSABLE_ENTITY, crate::i18n::t("channel-choose-kind"));
        return channels_page(&state, &user, None, Some(refused), f).await;
    };
    let secret = field("secret");
    let secret = (!secret.is_empty()).then_some(secret.as_str());
    let added = state
        .store
        .add_channel(&user.region(), &field("department"), kind, &field("target"), secret, Some(&user))
        .await;
    match added {
        Ok(_) => Ok(Redirect::to("/admin/channels?added=true").into_response()),
        // A department that is not one is a value refused, like any other.
        Err(
            e @ (StoreError::Invalid(_) | StoreError::NotFound(_) | StoreError::Conflict(_) | StoreError::Forbidden(_)),
        ) => {
            let status = match e {
                StoreError::Conflict(_) => StatusCode::CONFLICT,
                StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let error = crate::i18n::t1("channel-not-added", "reason", channel_error(&e));
            channels_page(&state, &user, None, Some((status, error)), f).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Why a channel was refused, in the page's language.
fn channel_error(e: &StoreError) -> String {
    match e {
        StoreError::NotFound(m) if m.contains("no department") => crate::i18n::t("channel-error-department"),
        other => crate::error::refusal_text(other),
    }
}

pub async fn remove_channel(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    if f.get("confirm").map(String::as_str) != Some("yes") {
        let refused = (StatusCode::UNPROCESSABLE_ENTITY, crate::i18n::t("channel-confirm-first"));
        return channels_page(&state, &user, None, Some(refused), HashMap::new()).await;
    }
    state.store.remove_channel(&user.region_code, &id, Some(&user)).await?;
    Ok(Redirect::to("/admin/channels?removed=true").into_response())
}

pub async fn set_policy(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    // One select per kind and channel: optional, required or forbidden.
    for (kind, channel, current) in state.store.message_policy(&user.region_code).await? {
        let field = format!("{}:{}", kind.as_str(), channel.as_str());
        let Some(wanted) = f.get(&field).and_then(|v| ChannelRule::parse(v)) else { continue };
        if wanted != current {
            state.store.set_message_policy(&user, kind, channel, wanted).await?;
        }
    }
    Ok(Redirect::to("/admin/channels?saved=true").into_response())
}

#[derive(Template)]
#[template(path = "admin_send_log.html")]
struct SendLogPage<'a> {
    user: &'a User,
    entries: Vec<Shown<SendLogEntry>>,
}

pub async fn send_log(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    if !qidi_core::message::may_read_send_log(user.role) {
        return Err(PageError::not_found());
    }
    let entries = state
        .store
        .send_log(&user.region_code, 500)
        .await?
        .into_iter()
        .map(|e| Shown { at: minute(&e.created_at), label: channel_label(&e.channel), row: e })
        .collect();
    Ok(render(&SendLogPage { user: &user, entries }))
}
