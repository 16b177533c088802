//! Sign-in rules: what a password must be, when an account locks, how long a
//! session lives (SECURITY.md, profile "mlps"). Time is passed in, never read.

use chrono::{DateTime, Duration, FixedOffset};

/// Passwords are never truncated; this bound only stops absurd inputs.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A few of the most common passwords; the full list is loaded by the store.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "1qaz2wsx",
    "abc12345",
    "admin123",
    "admin@123",
    "Aa123456",
    "a1234567",
    "iloveyou",
    "woaini1314",
    "88888888",
    "11111111",
    "qwertyuiop",
    "P@ssw0rd",
    "Abc@1234",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少 8 位")]
    TooShort,
    #[error("密码过长（最多 {MAX_PASSWORD_CHARS} 个字符）")]
    TooLong,
    #[error("密码须包含大写字母、小写字母、数字、符号中的至少三类")]
    TooFewClasses,
    #[error("密码不能包含用户名")]
    ContainsUsername,
    #[error("该密码过于常见，请换一个")]
    TooCommon,
}

/// Check a new password against the "mlps" policy.
pub fn check_password(username: &str, password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < 8 {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < 3 {
        return Err(PasswordError::TooFewClasses);
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && password.to_lowercase().contains(&user) {
        return Err(PasswordError::ContainsUsername);
    }
    if COMMON.iter().any(|c| c.eq_ignore_ascii_case(password)) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Lockout: the 6th failure within 15 minutes locks the account for 30 minutes.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub window: Duration,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy { max_failures: 5, window: Duration::minutes(15), lock_for: Duration::minutes(30) }
    }
}

/// An account's failure counter after one more failed sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureState {
    pub failures: u32,
    pub first_failed_at: DateTime<FixedOffset>,
    pub locked_until: Option<DateTime<FixedOffset>>,
}

impl LockoutPolicy {
    pub fn after_failure(
        &self,
        now: DateTime<FixedOffset>,
        failures: u32,
        first_failed_at: Option<DateTime<FixedOffset>>,
    ) -> FailureState {
        let (failures, first) = match first_failed_at {
            Some(first) if now - first <= self.window => (failures + 1, first),
            _ => (1, now),
        };
        let locked_until = (failures > self.max_failures).then(|| now + self.lock_for);
        FailureState { failures, first_failed_at: first, locked_until }
    }

    pub fn is_locked(&self, now: DateTime<FixedOffset>, locked_until: Option<DateTime<FixedOffset>>) -> bool {
        locked_until.is_some_and(|t| now < t)
    }
}

/// Sessions end after 30 minutes idle or 12 hours in all.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy { idle: Duration::minutes(30), absolute: Duration::hours(12) }
    }
}

impl SessionPolicy {
    pub fn is_live(
        &self,
        now: DateTime<FixedOffset>,
        created_at: DateTime<FixedOffset>,
        last_seen_at: DateTime<FixedOffset>,
    ) -> bool {
        now - last_seen_at < self.idle && now - created_at < self.absolute && now >= created_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap() + Duration::minutes(min)
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_password("zhang", "Ab1!"), Err(PasswordError::TooShort));
        assert_eq!(check_password("zhang", "abcdefgh12"), Err(PasswordError::TooFewClasses));
        assert_eq!(check_password("zhang", "Zhang#2026x"), Err(PasswordError::ContainsUsername));
        assert_eq!(check_password("zhang", "P@ssw0rd"), Err(PasswordError::TooCommon));
        assert!(check_password("zhang", "Qidi-2026-ledger").is_ok());
        let long: String = "Aa1!".repeat(40);
        assert!(check_password("zhang", &long).is_ok(), "160 chars are allowed");
        assert_eq!(check_password("zhang", &"Aa1!".repeat(300)), Err(PasswordError::TooLong));
    }

    #[test]
    fn sixth_failure_locks() {
        let p = LockoutPolicy::default();
        let mut failures = 0;
        let mut first = None;
        let mut locked = None;
        for i in 0..6 {
            let s = p.after_failure(t(i), failures, first);
            failures = s.failures;
            first = Some(s.first_failed_at);
            locked = s.locked_until;
            if i < 5 {
                assert!(locked.is_none(), "failure {} must not lock", i + 1);
            }
        }
        assert_eq!(locked, Some(t(5) + Duration::minutes(30)));
        assert!(p.is_locked(t(20), locked));
        assert!(!p.is_locked(t(36), locked));
        // Failures spread beyond the window start a new count.
        let s = p.after_failure(t(40), 5, Some(t(0)));
        assert_eq!(s.failures, 1);
        assert!(s.locked_until.is_none());
    }

    #[test]
    fn sessions_expire() {
        let p = SessionPolicy::default();
        assert!(p.is_live(t(29), t(0), t(0)));
        assert!(!p.is_live(t(30), t(0), t(0)));
        assert!(p.is_live(t(700), t(0), t(690)));
        assert!(!p.is_live(t(721), t(0), t(715)));
    }
}
