//! The second factor (TOTP) on the record: enrolment, the code after the password,
//! recovery codes, and a reset from the console. The rules (which roles, which codes
//! are right, once) are core's `second_factor`.
//!
//! The secret is sealed with the field key (SM4-GCM, as callers' data is), so a copy
//! of the database alone does not give away anyone's codes.
//!
//! A code is spent atomically: `totp_last_step` only moves forward, in one conditional
//! UPDATE, so two requests with the same code cannot both get in; a recovery code is
//! spent by the UPDATE that marks it used.

use crate::events::{append, NewEvent};
use crate::password::token_hash;
use crate::personal::{Field, FieldKey};
use crate::users::User;
use crate::{now_text, Store, StoreError};
use qidi_core::second_factor::{self as sf, SecondFactorPolicy, SecondFactorStep};
use qidi_core::sentence::Sentence;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// Why a code after the password was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFailure {
    /// Wrong, used already, or out of time: try again.
    Wrong,
    /// Too many wrong codes: the session is ended; start again with the password.
    Ended,
}

/// A user's second factor while it is being set up: the secret to show.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_text: String,
    pub otpauth_url: String,
}

fn recovery_hash(user_id: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{user_id}:{}", sf::normalise_recovery_code(code)).as_bytes()))
}

fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

fn event(user: &User, action: &str, outcome: &str, payload: serde_json::Value) -> NewEvent {
    let mut e = NewEvent::by(user, user.region_code.clone(), action, "user", Some(user.id.clone()), payload);
    e.outcome = outcome.to_string();
    e
}

/// The secret sealed in `users.totp_secret` (SM4-GCM under the field key, bound to the
/// user's id).
fn open_secret(key: &FieldKey, user_id: &str, sealed: &str) -> Result<Vec<u8>, StoreError> {
    let text = key.open(Field::TotpSecret, user_id, sealed).map_err(|_| {
        StoreError::FieldKey(format!("the second-factor secret of user {user_id} does not open with the field key"))
    })?;
    sf::parse_secret(&text).ok_or_else(|| StoreError::invalid("second-factor secret unreadable"))
}

/// Accept `code` (one-time or recovery) for `user_id`, spending it; false if it is not
/// right or was spent already.
async fn spend_code(
    conn: &mut AnyConnection,
    key: &FieldKey,
    user_id: &str,
    code: &str,
    now: u64,
) -> Result<bool, StoreError> {
    if sf::is_recovery_code(code) {
        let spent = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_text())
        .bind(user_id)
        .bind(recovery_hash(user_id, code))
        .execute(&mut *conn)
        .await?;
        return Ok(spent.rows_affected() == 1);
    }
    let row = sqlx::query("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(false) };
    let Some(sealed) = row.get::<Option<String>, _>(0) else { return Ok(false) };
    let secret = open_secret(key, user_id, &sealed)?;
    let last = row.get::<Option<i64>, _>(1).and_then(|s| u64::try_from(s).ok());
    let Some(step) = sf::accepted_step(&secret, code, now, last) else { return Ok(false) };
    let step = i64::try_from(step).map_err(|_| StoreError::invalid("time step out of range"))?;
    let moved = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}

impl Store {
    /// This store with the roles that must sign in with a second factor.
    pub fn with_second_factor(mut self, policy: SecondFactorPolicy) -> Store {
        self.second_factor = std::sync::Arc::new(policy);
        self
    }

    /// Whether `user`'s role must have a second factor.
    pub fn second_factor_required(&self, user: &User) -> bool {
        self.second_factor.requires(user.role)
    }

    /// Start (or start again) setting up `user`'s second factor: a new secret, kept until
    /// a code confirms it. Refused if one is set up already.
    pub async fn start_second_factor(&self, user: &User) -> Result<Enrolment, StoreError> {
        let secret = sf::new_secret();
        let sealed = self.field_key()?.seal(Field::TotpSecret, &user.id, &sf::secret_text(&secret));
        let mut tx = self.begin_write().await?;
        let set = sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_enabled_at IS NULL")
            .bind(sealed)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        if set.rows_affected() == 0 {
            return Err(StoreError::conflict(Sentence::new(
                "err-second-factor-already-on",
                "已设置双因素认证；如需更换，请先停用",
            )));
        }
        tx.commit().await?;
        Ok(Enrolment { secret_text: sf::secret_text(&secret), otpauth_url: sf::otpauth_url(&secret, &user.username) })
    }

    /// The secret being set up for `user`, if enrolment has started and is not done.
    pub async fn pending_second_factor(&self, user: &User) -> Result<Option<Enrolment>, StoreError> {
        let row = sqlx::query("SELECT totp_secret FROM users WHERE id = $1 AND totp_enabled_at IS NULL")
            .bind(&user.id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(sealed) = row.and_then(|r| r.get::<Option<String>, _>(0)) else { return Ok(None) };
        let s = open_secret(self.field_key()?, &user.id, &sealed)?;
        Ok(Some(Enrolment { secret_text: sf::secret_text(&s), otpauth_url: sf::otpauth_url(&s, &user.username) }))
    }

    /// Confirm the secret being set up with a code from the app: the second factor is on,
    /// the session `token` is complete, and the new recovery codes are returned (shown
    /// once; only their hashes are kept). `Ok(None)` if the code is not right.
    pub async fn confirm_second_factor(
        &self,
        user: &User,
        token: &str,
        code: &str,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let mut tx = self.begin_write().await?;
        let pending =
            sqlx::query("SELECT 1 FROM users WHERE id = $1 AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL")
                .bind(&user.id)
                .fetch_optional(&mut *tx)
                .await?;
        if pending.is_none() {
            return Err(StoreError::conflict(Sentence::new(
                "err-second-factor-no-pending-setup",
                "没有待确认的双因素认证设置，请重新开始",
            )));
        }
        if sf::is_recovery_code(code) || !spend_code(&mut tx, self.field_key()?, &user.id, code, unix_now()).await? {
            return Ok(None);
        }
        let at = now_text();
        sqlx::query("UPDATE users SET totp_enabled_at = $1 WHERE id = $2")
            .bind(&at)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
        let codes = sf::new_recovery_codes();
        for c in &codes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
                .bind(&user.id)
                .bind(recovery_hash(&user.id, c))
                .bind(&at)
                .execute(&mut *tx)
                .await?;
        }
        // Other sessions were opened without it: they end; this one is complete.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(&user.id)
            .bind(token_hash(token))
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sessions SET second_factor = NULL WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *tx)
            .await?;
        append(&mut tx, &event(user, "user.second_factor", "ok", serde_json::json!({ "enabled": true }))).await?;
        tx.commit().await?;
        Ok(Some(codes))
    }

    /// The code after the password, for the session `token` waiting for it. A right code
    /// completes the session; the fifth wrong one ends it.
    pub async fn verify_second_factor(&self, token: &str, code: &str) -> Result<Result<User, CodeFailure>, StoreError> {
        let Some(user) = self.session(token).await? else { return Ok(Err(CodeFailure::Ended)) };
        if user.pending_second_factor != Some(SecondFactorStep::Code) {
            return Ok(Err(CodeFailure::Ended));
        }
        let hash = token_hash(token);
        let mut tx = self.begin_write().await?;
        if spend_code(&mut tx, self.field_key()?, &user.id, code, unix_now()).await? {
            sqlx::query("UPDATE sessions SET second_factor = NULL WHERE token_hash = $1")
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
            let how = if sf::is_recovery_code(code) { "recovery_code" } else { "code" };
            append(&mut tx, &event(&user, "auth.second_factor", "ok", serde_json::json!({ "with": how }))).await?;
            tx.commit().await?;
            let mut user = user;
            user.pending_second_factor = None;
            return Ok(Ok(user));
        }
        let failures: i64 = sqlx::query(
            "UPDATE sessions SET code_failures = code_failures + 1 WHERE token_hash = $1 RETURNING code_failures",
        )
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get(0))
        .unwrap_or(sf::MAX_CODE_FAILURES);
        let ended = failures >= sf::MAX_CODE_FAILURES;
        if ended {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(&mut *tx).await?;
        }
        let outcome = if ended { "ended" } else { "denied" };
        append(&mut tx, &event(&user, "auth.second_factor", outcome, serde_json::json!({ "failures": failures })))
            .await?;
        tx.commit().await?;
        Ok(Err(if ended { CodeFailure::Ended } else { CodeFailure::Wrong }))
    }

    /// Recovery codes of `user` not used yet.
    pub async fn recovery_codes_left(&self, user: &User) -> Result<i64, StoreError> {
        let n = sqlx::query("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(&user.id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n.get(0))
    }

    /// Turn `username`'s second factor off, forget its secret and recovery codes, and end
    /// its sessions: for a lost phone, at the console (`qidi user reset-second-factor`),
    /// or by the user with a right code where the role does not require one (`by`).
    pub async fn reset_second_factor(&self, username: &str, by: Option<&User>) -> Result<(), StoreError> {
        let user = self
            .user_by_username(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户“{username}”不存在")))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1")
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
        let mut e = event(&user, "user.second_factor", "ok", serde_json::json!({ "enabled": false }));
        e.actor_id = by.map(|u| u.id.clone());
        e.actor_role = by.map(|u| u.role.as_str().to_string());
        append(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user turns their own second factor off, proving it with a right code; refused
    /// where the role requires one. `Ok(false)` if the code is not right.
    pub async fn turn_off_second_factor(&self, user: &User, code: &str) -> Result<bool, StoreError> {
        if self.second_factor_required(user) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-second-factor-required",
                "您的角色要求使用双因素认证，不能停用",
            )));
        }
        let mut tx = self.begin_write().await?;
        let right = spend_code(&mut tx, self.field_key()?, &user.id, code, unix_now()).await?;
        tx.commit().await?;
        if !right {
            return Ok(false);
        }
        self.reset_second_factor(&user.username, Some(user)).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_code_hash_is_the_users_own_and_ignores_how_it_was_typed() {
        assert_eq!(recovery_hash("u1", "abcde-fghjk"), recovery_hash("u1", "ABCDE FGHJK"));
        assert_ne!(recovery_hash("u1", "abcde-fghjk"), recovery_hash("u2", "abcde-fghjk"));
    }
}
