//! Messages (消息) that reach people: the in-app message centre, the outbox the
//! notifier sends from, each person's choice of channels, and the daily run that
//! tells people of light changes.
//!
//! A change that tells someone something calls [`tell`] inside its own transaction:
//! an in-app message and one outbox row per other channel are written with it, or
//! not at all. Every row has a `dedup_key` (what, for whom, over which channel), so
//! a message cannot be written twice, even by two instances at once. Who is told what
//! is decided in `qidi_core::message`.

mod channels;
pub(crate) mod lights;
mod outbox;
pub(crate) mod reminders;

pub use channels::{Channel, OFFICE};
pub use lights::{LightRun, STALE_RUN_MINUTES};
pub(crate) use outbox::claim_statement;
pub use outbox::{Attempt, Outgoing, SendLogEntry};

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{get_bool, new_id, now_text, Store, StoreError};
use qidi_core::message::{is_email, ChannelKind, ChannelRule, Message, MessageKind};
use qidi_core::sentence::{Arg, InChinese, Sentence, Words};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::sync::OnceLock;

static PUBLIC_URL: OnceLock<String> = OnceLock::new();

/// The address people reach this server at, for links in email and robot messages
/// (`QIDI_PUBLIC_URL`). Only the first call counts.
pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_string());
}

pub fn public_url() -> &'static str {
    PUBLIC_URL.get().map_or("http://127.0.0.1:8080", String::as_str)
}

/// How a sentence reads in a language (a catalogue's tag such as `en`).
pub type Wording = fn(&str, Sentence) -> String;

static WORDING: OnceLock<Wording> = OnceLock::new();

/// The catalogues a message to a person is worded from in their own language (the web
/// layer's, set when its router is made). Until then, and for Chinese, messages are
/// written in the Chinese core gives them. Only the first call counts.
pub fn set_wording(wording: Wording) {
    let _ = WORDING.set(wording);
}

/// The words of one language, from [`set_wording`]'s catalogues.
struct InLanguage<'a>(&'a str);

impl Words for InLanguage<'_> {
    fn say(&self, s: Sentence) -> String {
        match WORDING.get() {
            Some(word) => word(self.0, s),
            None => s.text,
        }
    }
}

/// A message, written in the words it is given: once per language of its readers.
pub(crate) type Write<'a> = &'a (dyn Fn(&dyn Words) -> Message + Sync + 'a);

/// Someone a message is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Recipient {
    /// A person, over the channels they chose.
    User(String),
    /// A department's or the office's group channel.
    Channel { id: String, kind: ChannelKind },
}

/// Write the message for each recipient, once: an in-app message and an email for
/// people who chose them, in their own language, and an outbox row for each group
/// channel, in Chinese. `key` names what the message is about (e.g. `step:APP:SEQ` or
/// `light:2026-03-02`). Returns how many rows were written (duplicates are skipped
/// silently).
pub(crate) async fn tell(
    conn: &mut AnyConnection,
    region: &str,
    key: &str,
    write: Write<'_>,
    recipients: &[Recipient],
) -> Result<usize, StoreError> {
    let mut recipients = recipients.to_vec();
    recipients.sort();
    recipients.dedup();
    let now = now_text();
    let chinese = write(&InChinese);
    let mut worded: std::collections::HashMap<String, Message> = std::collections::HashMap::new();
    let mut written = 0;
    for r in &recipients {
        match r {
            Recipient::User(user_id) => {
                let Some(row) = sqlx::query("SELECT email, disabled, language FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *conn)
                    .await?
                else {
                    continue;
                };
                if get_bool(&row, 1) {
                    continue;
                }
                let has_email = row.get::<Option<String>, _>(0).is_some_and(|e| is_email(&e));
                let msg = match row.get::<Option<String>, _>(2) {
                    Some(tag) if !tag.starts_with("zh") => {
                        &*worded.entry(tag).or_insert_with_key(|tag| write(&InLanguage(tag)))
                    }
                    _ => &chinese,
                };
                for channel in ChannelKind::PERSONAL {
                    if channel == ChannelKind::Email && !has_email {
                        continue;
                    }
                    if !chosen(conn, region, user_id, msg.kind, channel).await? {
                        continue;
                    }
                    let dedup = format!("{key}:u:{user_id}:{}", channel.as_str());
                    written += if channel == ChannelKind::InApp {
                        insert_in_app(conn, region, user_id, &dedup, msg, &now).await?
                    } else {
                        outbox::insert(conn, region, &dedup, msg, channel, None, Some(user_id), &now).await?
                    };
                }
            }
            Recipient::Channel { id, kind } => {
                let dedup = format!("{key}:c:{id}");
                written += outbox::insert(conn, region, &dedup, &chinese, *kind, Some(id), None, &now).await?;
            }
        }
    }
    Ok(written)
}

async fn insert_in_app(
    conn: &mut AnyConnection,
    region: &str,
    user_id: &str,
    dedup: &str,
    msg: &Message,
    now: &str,
) -> Result<usize, StoreError> {
    let n = sqlx::query(
        "INSERT INTO messages (id, region_code, user_id, kind, subject, body, link, dedup_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(region)
    .bind(user_id)
    .bind(msg.kind.as_str())
    .bind(&msg.subject)
    .bind(&msg.text)
    .bind(&msg.link)
    .bind(dedup)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n as usize)
}

/// The administrator's rule for `kind` over `channel` in `region`.
async fn rule(
    conn: &mut AnyConnection,
    region: &str,
    kind: MessageKind,
    channel: ChannelKind,
) -> Result<ChannelRule, StoreError> {
    let row = sqlx::query("SELECT rule FROM message_policy WHERE region_code = $1 AND kind = $2 AND channel_kind = $3")
        .bind(region)
        .bind(kind.as_str())
        .bind(channel.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.and_then(|r| ChannelRule::parse(&r.get::<String, _>(0))).unwrap_or(ChannelRule::Optional))
}

/// Whether the person takes `kind` over `channel` (core `ChannelRule::takes`).
async fn chosen(
    conn: &mut AnyConnection,
    region: &str,
    user_id: &str,
    kind: MessageKind,
    channel: ChannelKind,
) -> Result<bool, StoreError> {
    if kind == MessageKind::ChannelTest {
        return Ok(true);
    }
    let rule = rule(conn, region, kind, channel).await?;
    let own =
        sqlx::query("SELECT enabled FROM message_preferences WHERE user_id = $1 AND kind = $2 AND channel_kind = $3")
            .bind(user_id)
            .bind(kind.as_str())
            .bind(channel.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(rule.takes(own.map(|r| get_bool(&r, 0))))
}

/// A message in a person's message centre.
#[derive(Debug, Clone, Serialize)]
pub struct InAppMessage {
    pub id: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read: bool,
}

/// One row of a person's channel choices.
#[derive(Debug, Clone, Serialize)]
pub struct Preference {
    pub kind: MessageKind,
    pub channel: ChannelKind,
    pub enabled: bool,
    /// The administrator's rule: optional ones the person may change.
    pub rule: ChannelRule,
}

impl Store {
    /// The newest messages of `user`, unread first when `unread_only`.
    pub async fn messages_for(
        &self,
        user: &User,
        unread_only: bool,
        limit: i64,
    ) -> Result<Vec<InAppMessage>, StoreError> {
        let filter = if unread_only { " AND read_at IS NULL" } else { "" };
        let sql = format!(
            "SELECT id, kind, subject, body, link, created_at, read_at FROM messages
             WHERE user_id = $1{filter} ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql).bind(&user.id).bind(limit).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let kind: String = r.get(1);
                InAppMessage {
                    id: r.get(0),
                    kind_label: MessageKind::parse(&kind).map_or("消息", MessageKind::label_zh),
                    kind,
                    subject: r.get(2),
                    body: r.get(3),
                    link: r.get(4),
                    created_at: r.get(5),
                    read: r.get::<Option<String>, _>(6).is_some(),
                }
            })
            .collect())
    }

    /// Mark one of the user's messages read, or all of them with `None`. Returns how
    /// many changed; another person's message is not found.
    pub async fn mark_read(&self, user: &User, id: Option<&str>) -> Result<u64, StoreError> {
        let now = now_text();
        let n = match id {
            Some(id) => {
                let n =
                    sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
                        .bind(&now)
                        .bind(id)
                        .bind(&user.id)
                        .execute(&self.pool)
                        .await?
                        .rows_affected();
                if n == 0 {
                    let exists = sqlx::query("SELECT 1 FROM messages WHERE id = $1 AND user_id = $2")
                        .bind(id)
                        .bind(&user.id)
                        .fetch_optional(&self.pool)
                        .await?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound("消息不存在".into()));
                    }
                }
                n
            }
            None => sqlx::query("UPDATE messages SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(&now)
                .bind(&user.id)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        };
        Ok(n)
    }

    /// The user's choices for every kind and personal channel.
    pub async fn preferences(&self, user: &User) -> Result<Vec<Preference>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        for kind in MessageKind::ALL {
            for channel in ChannelKind::PERSONAL {
                let rule = rule(&mut conn, &user.region_code, kind, channel).await?;
                let enabled = chosen(&mut conn, &user.region_code, &user.id, kind, channel).await?;
                out.push(Preference { kind, channel, enabled, rule });
            }
        }
        Ok(out)
    }

    /// Turn one channel on or off for one kind of message, as far as the
    /// administrator's rule allows.
    pub async fn set_preference(
        &self,
        user: &User,
        kind: MessageKind,
        channel: ChannelKind,
        enabled: bool,
    ) -> Result<(), StoreError> {
        if !ChannelKind::PERSONAL.contains(&channel) || !MessageKind::ALL.contains(&kind) {
            return Err(StoreError::invalid(Sentence::new(
                "err-messages-personal-channels-only",
                "只能选择站内消息或电子邮件",
            )));
        }
        let mut tx = self.begin_write().await?;
        let rule = rule(&mut tx, &user.region_code, kind, channel).await?;
        if !rule.allows(enabled) {
            return Err(StoreError::forbidden(
                Sentence::new(
                    "err-messages-rule-fixed",
                    format!("管理员规定{}通过{}“{}”，不能更改", kind.label_zh(), channel.label_zh(), rule.label_zh()),
                )
                .arg("kind", Arg::Label { prefix: "message-kind", code: kind.as_str() })
                .arg("channel", Arg::Label { prefix: "channel-kind", code: channel.as_str() })
                .arg("rule", Arg::Label { prefix: "channel-rule", code: rule.as_str() }),
            ));
        }
        sqlx::query(
            "INSERT INTO message_preferences (user_id, kind, channel_kind, enabled) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, kind, channel_kind) DO UPDATE SET enabled = excluded.enabled",
        )
        .bind(&user.id)
        .bind(kind.as_str())
        .bind(channel.as_str())
        .bind(enabled)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Set the rule for one kind of message over one personal channel, for everyone
    /// in the region. The administrator's decision, recorded.
    pub async fn set_message_policy(
        &self,
        admin: &User,
        kind: MessageKind,
        channel: ChannelKind,
        new_rule: ChannelRule,
    ) -> Result<(), StoreError> {
        if !qidi_core::message::may_set_policy(admin.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-messages-admin-sets-policy",
                "只有系统管理员可以设置消息策略",
            )));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM message_policy WHERE region_code = $1 AND kind = $2 AND channel_kind = $3")
            .bind(&admin.region_code)
            .bind(kind.as_str())
            .bind(channel.as_str())
            .execute(&mut *tx)
            .await?;
        if new_rule != ChannelRule::Optional {
            sqlx::query("INSERT INTO message_policy (region_code, kind, channel_kind, rule) VALUES ($1, $2, $3, $4)")
                .bind(&admin.region_code)
                .bind(kind.as_str())
                .bind(channel.as_str())
                .bind(new_rule.as_str())
                .execute(&mut *tx)
                .await?;
        }
        append(
            &mut tx,
            &NewEvent::by(
                admin,
                admin.region_code.clone(),
                "message.policy",
                "message_policy",
                Some(format!("{}:{}", kind.as_str(), channel.as_str())),
                serde_json::json!({ "rule": new_rule.as_str() }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The administrator's rule for every kind and personal channel in `region`.
    pub async fn message_policy(
        &self,
        region: &str,
    ) -> Result<Vec<(MessageKind, ChannelKind, ChannelRule)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        for kind in MessageKind::ALL {
            for channel in ChannelKind::PERSONAL {
                out.push((kind, channel, rule(&mut conn, region, kind, channel).await?));
            }
        }
        Ok(out)
    }

    /// Set or clear a person's email address. The address is checked, recorded as a
    /// change (masked), and never logged.
    pub async fn set_user_email(
        &self,
        username: &str,
        email: Option<&str>,
        actor: Option<&User>,
    ) -> Result<(), StoreError> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email {
            if !is_email(e) {
                return Err(StoreError::invalid(
                    Sentence::new("err-messages-bad-email", format!("“{e}”不是有效的电子邮件地址")).arg("value", e),
                ));
            }
        }
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query("SELECT id, region_code FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::NotFound(format!("用户“{username}”不存在")));
        };
        let (id, region): (String, String) = (row.get(0), row.get(1));
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2").bind(email).bind(&id).execute(&mut *tx).await?;
        append(
            &mut tx,
            &NewEvent {
                region_code: region,
                actor_id: actor.map(|a| a.id.clone()),
                actor_role: actor.map(|a| a.role.as_str().to_string()),
                action: "user.email".into(),
                object_type: "user".into(),
                object_id: Some(id),
                payload: serde_json::json!({ "email": email.map(qidi_core::message::mask_address) }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The active users of a department with one of `roles`.
pub(crate) async fn department_users(
    conn: &mut AnyConnection,
    department_id: &str,
    roles: &[&str],
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for role in roles {
        let rows =
            sqlx::query("SELECT id FROM users WHERE department_id = $1 AND role = $2 AND disabled = FALSE ORDER BY id")
                .bind(department_id)
                .bind(role)
                .fetch_all(&mut *conn)
                .await?;
        out.extend(rows.iter().map(|r| r.get::<String, _>(0)));
    }
    Ok(out)
}

/// A department's group channels, or the office's with `None`.
pub(crate) async fn group_channels(
    conn: &mut AnyConnection,
    region: &str,
    department_id: Option<&str>,
) -> Result<Vec<Recipient>, StoreError> {
    let rows = match department_id {
        Some(d) => {
            sqlx::query(
                "SELECT id, kind FROM channels WHERE region_code = $1 AND department_id = $2 AND removed_at IS NULL ORDER BY id",
            )
            .bind(region)
            .bind(d)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(
                "SELECT id, kind FROM channels WHERE region_code = $1 AND department_id IS NULL AND removed_at IS NULL ORDER BY id",
            )
            .bind(region)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    Ok(rows
        .iter()
        .filter_map(|r| {
            let kind = ChannelKind::parse(&r.get::<String, _>(1))?;
            Some(Recipient::Channel { id: r.get(0), kind })
        })
        .collect())
}

/// Tell whoever a step of an application concerns (core `step_news`): the
/// department's handlers and group channels of a (re)submission, the project unit's
/// accounts and its helpers (帮办代办) of a notice, an acceptance or a decision. In
/// the step's own transaction.
pub(crate) async fn tell_step(
    conn: &mut AnyConnection,
    app: &crate::workflow::ApplicationRow,
    event: &qidi_core::workflow::ApplicationEvent,
    due_on: Option<chrono::NaiveDate>,
) -> Result<usize, StoreError> {
    use qidi_core::message::{applicant_update, new_application, step_news, ApplicationNews, StepNews};
    let Some(news) = step_news(&event.action) else { return Ok(0) };
    let link = format!("/applications/{}", app.id);
    let what = match &news {
        StepNews::Queue(s) | StepNews::ProjectUnit(s) => s.clone(),
    };
    let n = ApplicationNews {
        project_code: &app.project_code,
        project_name: &app.project_name,
        item_type: &app.item_type,
        department: &app.handling_department,
        link: &link,
        what,
        due_on,
    };
    let (queue, recipients) = match news {
        StepNews::Queue(_) => {
            let mut to: Vec<Recipient> = department_users(conn, &app.handling_department_id, &["handler"])
                .await?
                .into_iter()
                .map(Recipient::User)
                .collect();
            to.extend(group_channels(conn, &app.region_code, Some(&app.handling_department_id)).await?);
            (true, to)
        }
        StepNews::ProjectUnit(_) => {
            let mut to = Vec::new();
            if let Some(owner) = &app.owner_id {
                let rows =
                    sqlx::query("SELECT id FROM users WHERE owner_id = $1 AND role = 'applicant' AND disabled = FALSE")
                        .bind(owner)
                        .fetch_all(&mut *conn)
                        .await?;
                to.extend(rows.iter().map(|r| Recipient::User(r.get(0))));
            }
            let rows = sqlx::query("SELECT helper_user_id FROM project_helpers WHERE project_id = $1")
                .bind(&app.project_id)
                .fetch_all(&mut *conn)
                .await?;
            to.extend(rows.iter().map(|r| Recipient::User(r.get(0))));
            (false, to)
        }
    };
    let key = format!("step:{}:{}", app.id, event.seq);
    let write = |w: &dyn Words| match queue {
        true => new_application(w, &n, public_url()),
        false => applicant_update(w, &n, public_url()),
    };
    tell(conn, &app.region_code, &key, &write, &recipients).await
}
