//! Accounts, sign-in and sessions.

use crate::events::{append, NewEvent};
use crate::password::{hash_password, random_token, token_hash, verify_dummy_async, verify_password_async};
use crate::{new_id, now_text, Store, StoreError};
use chrono::{DateTime, FixedOffset};
use qidi_core::auth::{check_password, LockoutPolicy, PasswordAgePolicy, PasswordError, SessionPolicy};
use qidi_core::second_factor::SecondFactorStep;
use qidi_core::sentence::Sentence;
use qidi_core::{RegionCode, Role, Scope};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A signed-in or listed account.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub region_code: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub department_name: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Where email messages go; never logged.
    #[serde(skip_serializing)]
    pub email: Option<String>,
    /// Unread messages in the message centre, for the page header.
    pub unread_messages: i64,
    /// The user has a second factor (TOTP) set up.
    pub second_factor: bool,
    /// What this user's session still waits for after the password; `None` for a
    /// complete session (and for a user not read through a session).
    pub pending_second_factor: Option<SecondFactorStep>,
    /// The language this user chose for the pages (a catalogue's tag), if any.
    pub language: Option<String>,
}

impl User {
    pub fn region(&self) -> RegionCode {
        // Region codes are validated before any user row is written.
        RegionCode::parse(&self.region_code).unwrap_or_else(|_| RegionCode::parse("152529").expect("valid"))
    }

    pub fn scope(&self) -> Scope {
        Scope::for_user(self.role, &self.region(), self.department_id.as_deref(), self.owner_id.as_deref())
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub region: &'a RegionCode,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub department_id: Option<&'a str>,
    pub owner_id: Option<&'a str>,
    pub password: &'a str,
}

/// Why a sign-in failed. Unknown user and wrong password are one case on purpose, and
/// `Locked` must be answered like them: only the record tells them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    BadCredentials,
    Locked,
    Disabled,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.region_code, u.username, u.display_name, u.role, u.department_id, d.name, u.owner_id, o.name, u.must_change_password, u.disabled, u.email,
    (SELECT COUNT(*) FROM messages m WHERE m.user_id = u.id AND m.read_at IS NULL), u.totp_enabled_at, u.language";
/// How many columns [`USER_COLUMNS`] reads: a query that adds its own reads them from here.
pub(crate) const USER_COLUMN_COUNT: usize = 15;
pub(crate) const USER_FROM: &str =
    "FROM users u LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN owners o ON o.id = u.owner_id";

pub(crate) fn user_from_row(r: &AnyRow) -> Result<User, StoreError> {
    let role: String = r.get(4);
    Ok(User {
        id: r.get(0),
        region_code: r.get(1),
        username: r.get(2),
        display_name: r.get(3),
        role: Role::parse(&role).ok_or_else(|| StoreError::invalid(format!("unknown role `{role}` in users")))?,
        department_id: r.get(5),
        department_name: r.get(6),
        owner_id: r.get(7),
        owner_name: r.get(8),
        must_change_password: crate::get_bool(r, 9),
        disabled: crate::get_bool(r, 10),
        email: r.get(11),
        unread_messages: r.get(12),
        second_factor: r.get::<Option<String>, _>(13).is_some(),
        pending_second_factor: None,
        language: r.get(14),
    })
}

fn parse_ts(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

fn now() -> DateTime<FixedOffset> {
    parse_ts(&now_text()).expect("now_text is RFC 3339")
}

/// A time as stored (the fixed-width form of [`now_text`], so text order is time order).
fn ts_text(t: DateTime<FixedOffset>) -> String {
    crate::timestamp_text(t.with_timezone(&chrono::Utc))
}

/// An event about a sign-in to account `id`.
fn login_event(id: &str, region: &str, client_addr: Option<&str>, action: &str, outcome: &str) -> NewEvent {
    NewEvent {
        region_code: region.to_string(),
        actor_id: Some(id.to_string()),
        action: action.into(),
        object_type: "user".into(),
        object_id: Some(id.to_string()),
        outcome: outcome.into(),
        client_addr: client_addr.map(str::to_string),
        ..Default::default()
    }
}

impl Store {
    /// Create an account. The password must meet the policy; the role must have the
    /// department or project unit it acts for.
    pub async fn create_user(&self, u: &NewUser<'_>, actor: Option<&User>) -> Result<User, StoreError> {
        let username = qidi_core::auth::check_username(u.username).map_err(|e| StoreError::invalid(&e))?;
        check_password(username, u.password).map_err(|e| StoreError::invalid(&e))?;
        Scope::check_account(u.role, u.department_id, u.owner_id).map_err(|e| StoreError::invalid(&e))?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let res = sqlx::query(
            "INSERT INTO users (id, region_code, username, display_name, role, department_id, owner_id, password_hash, must_change_password, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(u.region.as_str())
        .bind(username)
        .bind(u.display_name.trim())
        .bind(u.role.as_str())
        .bind(u.department_id)
        .bind(u.owner_id)
        .bind(hash_password(u.password))
        .bind(true)
        .bind(now_text())
        .execute(&mut *tx)
        .await;
        if let Err(e) = res {
            let e = StoreError::from(e);
            return Err(if e.is_unique_violation() {
                StoreError::conflict(
                    Sentence::new("err-account-username-taken", format!("用户名“{username}”已存在"))
                        .arg("username", username),
                )
            } else {
                e
            });
        }
        append(
            &mut tx,
            &NewEvent {
                region_code: u.region.to_string(),
                actor_id: actor.map(|a| a.id.clone()),
                actor_role: actor.map(|a| a.role.as_str().to_string()),
                action: "user.create".into(),
                object_type: "user".into(),
                object_id: Some(id.clone()),
                payload: serde_json::json!({ "username": username, "role": u.role.as_str(), "department_id": u.department_id, "owner_id": u.owner_id }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(&id).await?.ok_or_else(|| StoreError::NotFound("user vanished".into()))
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.username = $1");
        let row = sqlx::query(&sql).bind(username.trim()).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Keep the language a user chose for the pages (`None`: the browser decides). A
    /// preference, not an act of office, so it is not on the record.
    pub async fn set_language(&self, user_id: &str, language: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(language)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} ORDER BY u.region_code, u.role, u.username");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    /// This store with the rules for reusing and ageing passwords (the "mlps" profile).
    pub fn with_password_age(mut self, policy: PasswordAgePolicy) -> Store {
        self.password_age = policy;
        self
    }

    /// Set a new password (policy-checked), end the user's sessions, and record it, as
    /// done at the server's console (`qidi user password`).
    pub async fn set_password(&self, username: &str, password: &str, must_change: bool) -> Result<(), StoreError> {
        self.set_password_as(None, username, password, must_change).await
    }

    /// [`Store::set_password`], recorded with `actor` as who did it (the user, changing
    /// their own); `None` is the console.
    pub async fn set_password_as(
        &self,
        actor: Option<&User>,
        username: &str,
        password: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        let user = self
            .user_by_username(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户“{username}”不存在")))?;
        check_password(&user.username, password).map_err(|e| StoreError::invalid(&e))?;
        let depth = self.password_age.reuse_depth;
        if depth > 0 {
            // The current password and the latest retired ones, newest first.
            let recent = sqlx::query(
                "SELECT password_hash FROM users WHERE id = $1
                 UNION ALL
                 SELECT password_hash FROM (SELECT password_hash, retired_at FROM password_history
                     WHERE user_id = $1 ORDER BY retired_at DESC LIMIT $2) h",
            )
            .bind(&user.id)
            .bind(i64::try_from(depth - 1).unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
            for r in &recent {
                if verify_password_async(password, &r.get::<String, _>(0)).await {
                    return Err(StoreError::invalid(&PasswordError::Reused(depth)));
                }
            }
        }
        let now = now_text();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO password_history (user_id, password_hash, retired_at)
             SELECT id, password_hash, $2 FROM users WHERE id = $1",
        )
        .bind(&user.id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL,
                 password_set_at = $3
             WHERE id = $4",
        )
        .bind(hash_password(password))
        .bind(must_change)
        .bind(&now)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
        append(
            &mut tx,
            &NewEvent {
                region_code: user.region_code.clone(),
                actor_id: actor.map(|a| a.id.clone()),
                actor_role: actor.map(|a| a.role.as_str().to_string()),
                action: "user.password".into(),
                object_type: "user".into(),
                object_id: Some(user.id.clone()),
                payload: serde_json::json!({ "by": if actor.is_some() { "web" } else { "console" } }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Check a username and password; on success open a session and return its token.
    ///
    /// The attempt is counted before its password is checked, in one conditional
    /// `UPDATE … RETURNING` (the rule is core's [`LockoutPolicy::admit`]): it is refused
    /// while the account is locked or once this window's attempts are used up, so of
    /// any number of parallel guesses only the policy's few are checked, and the one
    /// that fails the 6th time locks the account and ends its sessions. A success clears
    /// the count. An unknown username costs one password hash too. Callers must answer
    /// [`LoginFailure::BadCredentials`] and [`LoginFailure::Locked`] alike; the lock is
    /// in the record (`auth.lockout`), not in the answer.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client_addr: Option<&str>,
    ) -> Result<Result<(User, String), LoginFailure>, StoreError> {
        let policy = LockoutPolicy::default();
        let username = username.trim();
        let now = now();
        let claimed = sqlx::query(
            "UPDATE users SET
                 failed_logins = CASE WHEN first_failed_at >= $2 THEN failed_logins + 1 ELSE 1 END,
                 first_failed_at = CASE WHEN first_failed_at >= $2 THEN first_failed_at ELSE $3 END
             WHERE username = $1
               AND (locked_until IS NULL OR locked_until <= $3)
               AND (first_failed_at IS NULL OR first_failed_at < $2 OR failed_logins < $4)
             RETURNING id, password_hash, failed_logins, disabled, region_code, role, totp_enabled_at,
                 COALESCE(password_set_at, created_at)",
        )
        .bind(username)
        .bind(ts_text(policy.window_start(now)))
        .bind(ts_text(now))
        .bind(i64::from(policy.checks_per_window()))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = claimed else {
            // Unknown, or locked: the same hash, the same answer to the client.
            verify_dummy_async(password).await;
            let known = sqlx::query("SELECT id, region_code FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
            let Some(known) = known else {
                self.append_event(&NewEvent {
                    region_code: String::new(),
                    action: "auth.login".into(),
                    object_type: "user".into(),
                    outcome: "denied".into(),
                    payload: serde_json::json!({ "username": username.chars().take(64).collect::<String>() }),
                    client_addr: client_addr.map(str::to_string),
                    ..Default::default()
                })
                .await?;
                return Ok(Err(LoginFailure::BadCredentials));
            };
            let id: String = known.get(0);
            self.append_event(&login_event(&id, &known.get::<String, _>(1), client_addr, "auth.login", "locked"))
                .await?;
            return Ok(Err(LoginFailure::Locked));
        };
        let id: String = row.get(0);
        let hash: String = row.get(1);
        let attempts: i64 = row.get(2);
        let disabled = crate::get_bool(&row, 3);
        let region: String = row.get(4);
        let role = Role::parse(&row.get::<String, _>(5));
        let enrolled = row.get::<Option<String>, _>(6).is_some();
        let password_expired =
            parse_ts(&row.get::<String, _>(7)).is_some_and(|set| self.password_age.expired(set, now));
        let event = |action: &str, outcome: &str| login_event(&id, &region, client_addr, action, outcome);
        if !verify_password_async(password, &hash).await {
            let lock = policy.lock_after_failure(now, u32::try_from(attempts).unwrap_or(u32::MAX));
            let mut tx = self.begin_write().await?;
            if let Some(until) = lock {
                sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
                    .bind(ts_text(until))
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&id).execute(&mut *tx).await?;
                append(&mut tx, &event("auth.login", "locked")).await?;
                let mut lockout = event("auth.lockout", "locked");
                lockout.payload = serde_json::json!({ "failures": attempts, "locked_until": ts_text(until) });
                append(&mut tx, &lockout).await?;
            } else {
                append(&mut tx, &event("auth.login", "denied")).await?;
            }
            tx.commit().await?;
            return Ok(Err(if lock.is_some() { LoginFailure::Locked } else { LoginFailure::BadCredentials }));
        }
        if disabled {
            self.append_event(&event("auth.login", "disabled")).await?;
            return Ok(Err(LoginFailure::Disabled));
        }
        let token = random_token();
        let mut tx = self.begin_write().await?;
        // A guess that failed the 6th time while this one was being checked has locked
        // the account: a locked account refuses the right password too.
        let cleared = sqlx::query(
            "UPDATE users SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL
             WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)",
        )
        .bind(&id)
        .bind(ts_text(now))
        .execute(&mut *tx)
        .await?;
        if cleared.rows_affected() == 0 {
            append(&mut tx, &event("auth.login", "locked")).await?;
            tx.commit().await?;
            return Ok(Err(LoginFailure::Locked));
        }
        if password_expired {
            // Past its age (the "mlps" profile): the session may only change it.
            sqlx::query("UPDATE users SET must_change_password = TRUE WHERE id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        // A session opened by the password alone waits for the second factor if the
        // user has one, or must set one up if the role requires it (core's rule).
        let step = role.and_then(|r| SecondFactorStep::after_password(enrolled, &self.second_factor, r));
        let ts = now_text();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, region_code, created_at, last_seen_at, second_factor)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash(&token))
        .bind(&id)
        .bind(&region)
        .bind(&ts)
        .bind(&ts)
        .bind(step.map(SecondFactorStep::as_str))
        .execute(&mut *tx)
        .await?;
        let outcome = if step == Some(SecondFactorStep::Code) { "second_factor" } else { "ok" };
        append(&mut tx, &event("auth.login", outcome)).await?;
        tx.commit().await?;
        let mut user = self.user_by_id(&id).await?.ok_or_else(|| StoreError::NotFound("user vanished".into()))?;
        user.pending_second_factor = step;
        Ok(Ok((user, token)))
    }

    /// Whether to start a touch of the session `hash` now: not if one was started in the
    /// last minute. Forgets touches older than that as it goes.
    fn start_touch(&self, hash: &str) -> bool {
        let Ok(mut touches) = self.touches.lock() else { return true };
        let now = std::time::Instant::now();
        let minute = std::time::Duration::from_secs(60);
        if touches.get(hash).is_some_and(|t| now.duration_since(*t) < minute) {
            return false;
        }
        if touches.len() > 10_000 {
            touches.retain(|_, t| now.duration_since(*t) < minute);
        }
        touches.insert(hash.to_string(), now);
        true
    }

    /// The user behind a complete session's token (password and, where needed, second
    /// factor), if the session is still live. Touches it.
    pub async fn session_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        Ok(self.session(token).await?.filter(|u| u.pending_second_factor.is_none()))
    }

    /// The user behind a session token, if the session is still live, with what the
    /// session still waits for in [`User::pending_second_factor`]. Touches it.
    pub async fn session(&self, token: &str) -> Result<Option<User>, StoreError> {
        let hash = token_hash(token);
        // The session and its user in one query: every signed-in request makes it.
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.created_at, s.last_seen_at, s.second_factor
             {} WHERE s.token_hash = $1",
            USER_FROM.replacen("FROM users u", "FROM sessions s JOIN users u ON u.id = s.user_id", 1)
        );
        let row = sqlx::query(&sql).bind(&hash).fetch_optional(&self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        let n = USER_COLUMN_COUNT;
        let created: Option<DateTime<FixedOffset>> = parse_ts(&row.get::<String, _>(n));
        let seen_text: String = row.get(n + 1);
        let seen: Option<DateTime<FixedOffset>> = parse_ts(&seen_text);
        let now = now();
        let live = matches!((created, seen), (Some(c), Some(s)) if SessionPolicy::default().is_live(now, c, s));
        if !live {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(&self.pool).await?;
            return Ok(None);
        }
        let mut user = user_from_row(&row)?;
        if user.disabled {
            return Ok(None);
        }
        user.pending_second_factor = row.get::<Option<String>, _>(n + 2).as_deref().and_then(SecondFactorStep::parse);
        // Touch at most once a minute, so reads do not turn into writes. The touch is
        // housekeeping, made in the background: while SQLite's one writer is busy
        // (the first light run over a region holds it for minutes) the page answers at
        // once, and the touch waits for the writer on its own. One touch per session
        // per minute is started, whether the last one landed or not.
        if seen.is_some_and(|s| now - s > chrono::Duration::minutes(1)) && self.start_touch(&hash) {
            let pool = self.pool.clone();
            let at = now_text();
            tokio::spawn(async move {
                // Only over the value read: a touch that lands late never overwrites a
                // later change of the session.
                let touched =
                    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at = $3")
                        .bind(at)
                        .bind(hash)
                        .bind(seen_text)
                        .execute(&pool)
                        .await;
                if let Err(e) = touched {
                    tracing::warn!(error = %e, "session not touched");
                }
            });
        }
        Ok(Some(user))
    }

    pub async fn logout(&self, token: &str, user: &User) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(&mut *tx).await?;
        append(
            &mut tx,
            &NewEvent {
                region_code: user.region_code.clone(),
                actor_id: Some(user.id.clone()),
                actor_role: Some(user.role.as_str().into()),
                action: "auth.logout".into(),
                object_type: "user".into(),
                object_id: Some(user.id.clone()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disable an account and end its sessions at once (from the console).
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<(), StoreError> {
        let user = self
            .user_by_username(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户“{username}”不存在")))?;
        self.set_disabled_as(None, &user, disabled).await
    }

    /// As [`Store::set_disabled`], for an account already read, recorded with its actor.
    pub(crate) async fn set_disabled_as(
        &self,
        actor: Option<&User>,
        user: &User,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
        }
        append(
            &mut tx,
            &NewEvent {
                region_code: user.region_code.clone(),
                actor_id: actor.map(|a| a.id.clone()),
                actor_role: actor.map(|a| a.role.as_str().to_string()),
                action: if disabled { "user.disable" } else { "user.enable" }.into(),
                object_type: "user".into(),
                object_id: Some(user.id.clone()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod column_tests {
    #[test]
    fn the_column_count_is_the_columns_read() {
        // Top-level commas only: the unread count's sub-select has none.
        assert_eq!(super::USER_COLUMNS.split(',').count(), super::USER_COLUMN_COUNT);
    }
}
