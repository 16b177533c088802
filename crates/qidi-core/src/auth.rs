//! Sign-in rules: what a password must be, when an account locks, how long a
//! session lives (SECURITY.md, profile "mlps"). Time is passed in, never read.

use chrono::{DateTime, Duration, FixedOffset};

/// Passwords are never truncated; this bound only stops absurd inputs.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The common passwords refused whatever else they satisfy, one a line, lower case.
///
/// `common.txt`: the 17,950 entries of 8 or more characters (shorter ones fail the
/// length rule anyway), in rank order and lower-cased, of `src/passwords.json` in the npm
/// package `@zxcvbn-ts/language-common` 4.1.3 (49,233 passwords ranked by frequency in
/// public password leaks), MIT licence: Copyright (c) 2012-2016 Dan Wheeler and Dropbox,
/// Inc., Copyright (c) 2021 @zxcvbn-ts; the licence text is `LICENSE-zxcvbn-ts.txt`
/// beside it.
/// `extra.txt`: qidi's own (MIT, this project): weak passwords common in Chinese systems
/// (`Admin@123456`, keyboard walks such as `1qaz@WSX3edc`) that the first list lacks.
const COMMON_LISTS: [&str; 2] =
    [include_str!("../../../data/passwords/common.txt"), include_str!("../../../data/passwords/extra.txt")];

fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        COMMON_LISTS
            .iter()
            .flat_map(|list| list.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `password` is on the common-password list, compared case-insensitively.
pub fn is_common_password(password: &str) -> bool {
    common_passwords().contains(password.to_lowercase().as_str())
}

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
    #[error("新密码不能与最近 {0} 次使用过的密码相同")]
    Reused(usize),
}

impl crate::sentence::Explain for PasswordError {
    fn key(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "err-password-too-short",
            PasswordError::TooLong => "err-password-too-long",
            PasswordError::TooFewClasses => "err-password-too-few-classes",
            PasswordError::ContainsUsername => "err-password-contains-username",
            PasswordError::TooCommon => "err-password-too-common",
            PasswordError::Reused(_) => "err-password-reused",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            PasswordError::TooLong => vec![("max", MAX_PASSWORD_CHARS.into())],
            PasswordError::Reused(n) => vec![("count", (*n).into())],
            _ => Vec::new(),
        }
    }
}

/// Reuse and expiry of passwords: on under the "mlps" profile, the default (MLPS level
/// 3): none of the last 5 passwords again, and a password older than 90 days must be
/// changed at the next sign-in. The expiry can be set or turned off on its own
/// ([`PasswordAgePolicy::with_max_age`]); the "standard" profile has neither rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasswordAgePolicy {
    /// How many of the latest passwords (the current one included) may not be set again.
    pub reuse_depth: usize,
    /// Days after which a password must be changed.
    pub max_age_days: Option<i64>,
}

impl PasswordAgePolicy {
    pub const MLPS: PasswordAgePolicy = PasswordAgePolicy { reuse_depth: 5, max_age_days: Some(90) };

    /// The policy of a profile by name: `mlps` (or empty, the default) or `standard`.
    pub fn of_profile(profile: &str) -> Result<PasswordAgePolicy, String> {
        match profile.trim() {
            "" | "mlps" => Ok(PasswordAgePolicy::MLPS),
            "standard" => Ok(PasswordAgePolicy::default()),
            other => Err(format!("{other:?} is not a profile (mlps or standard)")),
        }
    }

    /// The same policy with another expiry: a number of days, or `off` (also `0`).
    pub fn with_max_age(self, setting: &str) -> Result<PasswordAgePolicy, String> {
        let max_age_days = match setting.trim() {
            "off" | "0" => None,
            n => match n.parse::<i64>() {
                Ok(days) if (1..=3650).contains(&days) => Some(days),
                _ => return Err(format!("{n:?} is not a number of days from 1 to 3650, or off")),
            },
        };
        Ok(PasswordAgePolicy { max_age_days, ..self })
    }

    /// Whether a password set at `set_at` must be changed at `now`.
    pub fn expired(&self, set_at: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> bool {
        self.max_age_days.is_some_and(|days| now - set_at >= Duration::days(days))
    }
}

/// Why an account's name or display name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountNameError {
    #[error("用户名须为 1–64 个字符，且不含空格")]
    BadUsername,
    #[error("请填写姓名或岗位（最多 64 个字）")]
    BadDisplayName,
}

impl crate::sentence::Explain for AccountNameError {
    fn key(&self) -> &'static str {
        match self {
            AccountNameError::BadUsername => "err-account-bad-username",
            AccountNameError::BadDisplayName => "err-account-bad-display-name",
        }
    }
}

/// An account's name as kept: trimmed, 1–64 characters, no whitespace inside.
pub fn check_username(username: &str) -> Result<&str, AccountNameError> {
    let t = username.trim();
    if t.is_empty() || t.chars().count() > 64 || t.chars().any(char::is_whitespace) {
        return Err(AccountNameError::BadUsername);
    }
    Ok(t)
}

/// The name or post an account is shown under: trimmed, 1–64 characters.
pub fn check_display_name(name: &str) -> Result<&str, AccountNameError> {
    let t = name.trim();
    if t.is_empty() || t.chars().count() > 64 {
        return Err(AccountNameError::BadDisplayName);
    }
    Ok(t)
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
    if is_common_password(password) {
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

/// An account's count of sign-in attempts that have not (yet) succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCount {
    /// Attempts counted since `first_at`, the one being checked included.
    pub attempts: u32,
    pub first_at: Option<DateTime<FixedOffset>>,
    pub locked_until: Option<DateTime<FixedOffset>>,
}

/// Whether a sign-in attempt may have its password checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Locked, or the attempts of this window are used up: refuse without checking.
    Refused,
    /// Check the password; the account's count is now this.
    Check(AttemptCount),
}

impl LockoutPolicy {
    /// How many attempts in one window have their password checked: the failures
    /// allowed, and the one that locks.
    pub fn checks_per_window(&self) -> u32 {
        self.max_failures + 1
    }

    /// The earliest first attempt that still counts at `now`.
    pub fn window_start(&self, now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        now - self.window
    }

    /// Count an attempt before its password is checked. Every attempt is counted first
    /// (a success then clears the count), so that attempts made at once cannot all see
    /// the count from before them: of any number of parallel guesses only
    /// [`checks_per_window`](Self::checks_per_window) are checked. The store does this
    /// in one conditional UPDATE; this function says what that UPDATE must do.
    pub fn admit(&self, now: DateTime<FixedOffset>, count: &AttemptCount) -> Admission {
        if self.is_locked(now, count.locked_until) {
            return Admission::Refused;
        }
        match count.first_at {
            Some(first) if first >= self.window_start(now) => {
                if count.attempts >= self.checks_per_window() {
                    Admission::Refused
                } else {
                    Admission::Check(AttemptCount { attempts: count.attempts + 1, ..*count })
                }
            }
            _ => Admission::Check(AttemptCount { attempts: 1, first_at: Some(now), locked_until: count.locked_until }),
        }
    }

    /// A checked attempt failed: whether it locks the account, and until when. The
    /// 6th failure in the window does.
    pub fn lock_after_failure(&self, now: DateTime<FixedOffset>, attempts: u32) -> Option<DateTime<FixedOffset>> {
        (attempts > self.max_failures).then(|| now + self.lock_for)
    }

    pub fn is_locked(&self, now: DateTime<FixedOffset>, locked_until: Option<DateTime<FixedOffset>>) -> bool {
        locked_until.is_some_and(|t| now < t)
    }
}

/// Sign-in attempts allowed from one client address: a token bucket that holds
/// `per_minute` attempts and refills at that rate. 0 turns throttling off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub per_minute: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy { per_minute: 10 }
    }
}

/// One client's bucket: tokens left when last seen.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    at: std::time::Instant,
}

impl ThrottlePolicy {
    /// A full bucket at `now`.
    pub fn bucket(&self, now: std::time::Instant) -> Bucket {
        Bucket { tokens: f64::from(self.per_minute), at: now }
    }

    fn refill(&self, b: &mut Bucket, now: std::time::Instant) {
        let per_sec = f64::from(self.per_minute) / 60.0;
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * per_sec).min(f64::from(self.per_minute));
        b.at = now.max(b.at);
    }

    /// Take one attempt from the bucket, or say after how many whole seconds the next
    /// one is allowed (at least 1, for `Retry-After`).
    pub fn take(&self, b: &mut Bucket, now: std::time::Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        self.refill(b, now);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - b.tokens) * 60.0 / f64::from(self.per_minute);
        Err((wait.ceil() as u64).max(1))
    }

    /// Whether a bucket has refilled completely by `now` (so forgetting it changes nothing).
    pub fn is_full(&self, b: &Bucket, now: std::time::Instant) -> bool {
        let mut b = *b;
        self.refill(&mut b, now);
        // Refills add up in floating point: allow for its rounding.
        b.tokens >= f64::from(self.per_minute) - 1e-9
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

    #[test]
    fn account_names_are_trimmed_and_bounded() {
        assert_eq!(check_username("  fgw_h "), Ok("fgw_h"));
        assert_eq!(check_username(" "), Err(AccountNameError::BadUsername));
        assert_eq!(check_username("fgw h"), Err(AccountNameError::BadUsername));
        assert_eq!(check_username(&"名".repeat(64)), Ok("名".repeat(64).as_str()));
        assert_eq!(check_username(&"名".repeat(65)), Err(AccountNameError::BadUsername));
        assert_eq!(check_display_name(" 发改委 杨帆 "), Ok("发改委 杨帆"));
        assert_eq!(check_display_name(""), Err(AccountNameError::BadDisplayName));
        assert_eq!(check_display_name(&"名".repeat(65)), Err(AccountNameError::BadDisplayName));
    }

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

    /// Attempts one after another, each a failure: the 6th in 15 minutes locks for 30.
    #[test]
    fn sixth_failure_locks() {
        let p = LockoutPolicy::default();
        let mut count = AttemptCount { attempts: 0, first_at: None, locked_until: None };
        for i in 0..6 {
            let Admission::Check(c) = p.admit(t(i), &count) else { panic!("attempt {} refused", i + 1) };
            count = c;
            count.locked_until = p.lock_after_failure(t(i), c.attempts);
            if i < 5 {
                assert!(count.locked_until.is_none(), "failure {} must not lock", i + 1);
            }
        }
        assert_eq!(count.locked_until, Some(t(5) + Duration::minutes(30)));
        assert!(p.is_locked(t(20), count.locked_until));
        assert_eq!(p.admit(t(20), &count), Admission::Refused, "a locked account checks nothing");
        assert!(!p.is_locked(t(36), count.locked_until));
        // Once the lock and the window have passed, counting starts again.
        let Admission::Check(c) = p.admit(t(36), &count) else { panic!("refused after the lock") };
        assert_eq!((c.attempts, c.first_at), (1, Some(t(36))));
        // Failures spread beyond the window start a new count.
        let spread = AttemptCount { attempts: 5, first_at: Some(t(0)), locked_until: None };
        let Admission::Check(c) = p.admit(t(16), &spread) else { panic!("refused") };
        assert_eq!(c.attempts, 1);
        assert!(p.lock_after_failure(t(16), c.attempts).is_none());
    }

    /// Attempts counted but not yet answered (in flight at once) use up the window:
    /// the 7th is refused even though none has failed yet.
    #[test]
    fn parallel_attempts_are_counted_before_checking() {
        let p = LockoutPolicy::default();
        let mut count = AttemptCount { attempts: 0, first_at: None, locked_until: None };
        let mut checked = 0;
        for _ in 0..100 {
            if let Admission::Check(c) = p.admit(t(1), &count) {
                count = c;
                checked += 1;
            }
        }
        assert_eq!(checked, p.checks_per_window());
        assert_eq!(checked, 6);
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_case() {
        for p in ["1qaz@WSX", "Admin@123456", "P@ssw0rd", "PASSWORD1", "Qwer@1234", "iloveyou1"] {
            assert!(is_common_password(p), "{p}");
        }
        assert_eq!(check_password("zhang", "1qaz@WSX"), Err(PasswordError::TooCommon));
        assert_eq!(check_password("zhang", "Admin@123456"), Err(PasswordError::TooCommon));
        assert!(!is_common_password("Qidi-2026-ledger"));
        assert!(common_passwords().len() >= 10_000, "{}", common_passwords().len());
    }

    #[test]
    fn throttle_allows_the_rate_then_says_when() {
        let p = ThrottlePolicy { per_minute: 10 };
        let t0 = std::time::Instant::now();
        let mut b = p.bucket(t0);
        for i in 0..10 {
            assert_eq!(p.take(&mut b, t0), Ok(()), "attempt {}", i + 1);
        }
        assert_eq!(p.take(&mut b, t0), Err(6), "one attempt every 6 s");
        assert!(!p.is_full(&b, t0 + std::time::Duration::from_secs(59)));
        assert_eq!(p.take(&mut b, t0 + std::time::Duration::from_secs(6)), Ok(()));
        assert!(p.take(&mut b, t0 + std::time::Duration::from_secs(7)).is_err());
        assert!(p.is_full(&b, t0 + std::time::Duration::from_secs(66)));
        let off = ThrottlePolicy { per_minute: 0 };
        let mut b = off.bucket(t0);
        assert!((0..1000).all(|_| off.take(&mut b, t0).is_ok()));
    }

    #[test]
    fn sessions_expire() {
        let p = SessionPolicy::default();
        assert!(p.is_live(t(29), t(0), t(0)));
        assert!(!p.is_live(t(30), t(0), t(0)));
        assert!(p.is_live(t(700), t(0), t(690)));
        assert!(!p.is_live(t(721), t(0), t(715)));
    }

    #[test]
    fn passwords_age_under_the_mlps_profile_the_default() {
        let set = t(0);
        let standard = PasswordAgePolicy::of_profile("standard").unwrap();
        let mlps = PasswordAgePolicy::of_profile("mlps").unwrap();
        assert_eq!(PasswordAgePolicy::of_profile("").unwrap(), mlps);
        assert_eq!((standard.reuse_depth, mlps.reuse_depth), (0, 5));
        let day = 24 * 60;
        assert!(!standard.expired(set, t(1000 * day)));
        assert!(!mlps.expired(set, t(90 * day - 1)));
        assert!(mlps.expired(set, t(90 * day)));
        assert!(PasswordAgePolicy::of_profile("strict").is_err());
        let short = mlps.with_max_age("30").unwrap();
        assert!(short.expired(set, t(30 * day)) && !short.expired(set, t(30 * day - 1)));
        assert_eq!(short.reuse_depth, 5, "reuse stays as the profile has it");
        let never = mlps.with_max_age("off").unwrap();
        assert!(!never.expired(set, t(10_000 * day)));
        assert_eq!(mlps.with_max_age("0").unwrap(), never);
        for bad in ["-1", "90d", "", "99999"] {
            assert!(mlps.with_max_age(bad).is_err(), "{bad}");
        }
        assert_eq!(PasswordError::Reused(5).to_string(), "新密码不能与最近 5 次使用过的密码相同");
    }
}
