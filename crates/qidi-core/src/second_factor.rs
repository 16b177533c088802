//! The second factor for staff (双因素认证): time-based one-time codes (TOTP, RFC 6238,
//! the codes any authenticator app shows), which roles must use one, and the recovery
//! codes that stand in for a lost phone.
//!
//! A code is accepted for the current 30-second step or one step either side (clocks
//! drift), and only for a step later than the last one accepted, so a code seen over a
//! shoulder cannot be used again.

use crate::Role;
use rand::Rng;
use totp_rs::{Algorithm, TOTP};

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
/// Steps either side of the current one that are still accepted.
pub const SKEW_STEPS: u64 = 1;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes given at enrolment; each works once.
pub const RECOVERY_CODES: usize = 10;
/// Wrong codes after the password before the half-open session is ended.
pub const MAX_CODE_FAILURES: i64 = 5;
/// The name authenticator apps show above the account.
pub const ISSUER: &str = "qidi 起底";

/// What a session opened by the password alone still waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactorStep {
    /// A one-time code (or a recovery code) from an enrolled user.
    Code,
    /// The user's role requires a second factor and none is set up: set it up first.
    Enrol,
}

impl SecondFactorStep {
    pub fn as_str(self) -> &'static str {
        match self {
            SecondFactorStep::Code => "code",
            SecondFactorStep::Enrol => "enrol",
        }
    }

    pub fn parse(s: &str) -> Option<SecondFactorStep> {
        match s {
            "code" => Some(SecondFactorStep::Code),
            "enrol" => Some(SecondFactorStep::Enrol),
            _ => None,
        }
    }

    /// The step a session opened by a right password starts in: a code if the user has
    /// a second factor, enrolment if the role requires one, none otherwise.
    pub fn after_password(enrolled: bool, policy: &SecondFactorPolicy, role: Role) -> Option<SecondFactorStep> {
        if enrolled {
            Some(SecondFactorStep::Code)
        } else if policy.requires(role) {
            Some(SecondFactorStep::Enrol)
        } else {
            None
        }
    }
}

/// Which roles must sign in with a second factor: `QIDI_TOTP_ROLES`, a comma-separated
/// list of role names, or `staff` for every role but the project unit. Empty: none
/// must, and anyone may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecondFactorPolicy {
    roles: Vec<Role>,
}

impl SecondFactorPolicy {
    pub fn parse(text: &str) -> Result<SecondFactorPolicy, String> {
        let mut roles = Vec::new();
        for word in text.split([',', ' ']).map(str::trim).filter(|w| !w.is_empty()) {
            if word == "staff" {
                roles.extend(crate::role::ALL_ROLES.iter().copied().filter(|r| *r != Role::Applicant));
                continue;
            }
            match Role::parse(word) {
                Some(r) => roles.push(r),
                None => return Err(format!("{word:?} is not a role (or `staff`)")),
            }
        }
        roles.sort_by_key(|r| r.as_str());
        roles.dedup();
        Ok(SecondFactorPolicy { roles })
    }

    pub fn requires(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill(&mut secret[..]);
    secret
}

/// A secret as the enrolment page shows it, for typing into an app (RFC 4648 base32).
pub fn secret_text(secret: &[u8]) -> String {
    match totp_rs::Secret::Raw(secret.to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// The secret that [`secret_text`] wrote, if the text is one.
pub fn parse_secret(text: &str) -> Option<Vec<u8>> {
    totp_rs::Secret::Encoded(text.trim().to_string()).to_bytes().ok().filter(|s| s.len() >= 16)
}

fn totp(secret: &[u8], account: &str) -> TOTP {
    // Unchecked: the secret is ours (always 20 bytes); the check would only refuse
    // account names with a colon.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW_STEPS as u8,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.to_string()),
        account.to_string(),
    )
}

/// The `otpauth://` address an authenticator app reads from the enrolment QR code.
pub fn otpauth_url(secret: &[u8], account: &str) -> String {
    totp(secret, &account.replace(':', "_")).get_url()
}

/// The code for the step holding `unix_time`.
pub fn code_at(secret: &[u8], unix_time: u64) -> String {
    totp(secret, "").generate(unix_time)
}

/// The step `code` is right for, among the current step and [`SKEW_STEPS`] either side,
/// and only if it is later than `last_step`; `None` otherwise. Spaces in the code are
/// ignored.
pub fn accepted_step(secret: &[u8], code: &str, unix_time: u64, last_step: Option<u64>) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, "");
    let now = unix_time / STEP_SECONDS;
    (now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| constant_time_eq(t.generate(step * STEP_SECONDS).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Letters of recovery codes: no 0/o, 1/l/i to misread.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// New recovery codes, as shown once to their owner: `xxxxx-xxxxx` (about 49 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let c: String =
                (0..10).map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char).collect();
            format!("{}-{}", &c[..5], &c[5..])
        })
        .collect()
}

/// A recovery code as typed, in the form it is kept (hashed) in: lower case, without
/// spaces or dashes.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Whether what was typed looks like a recovery code rather than a one-time code.
pub fn is_recovery_code(typed: &str) -> bool {
    normalise_recovery_code(typed).len() == 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 appendix B, SHA-1, with its 20-byte secret (the last six of its eight digits).
    #[test]
    fn codes_are_the_rfcs() {
        let secret = b"12345678901234567890";
        for (t, code) in [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")] {
            assert_eq!(code_at(secret, t), code, "at {t}");
        }
    }

    #[test]
    fn a_code_is_good_near_its_step_and_only_once() {
        let secret = new_secret();
        let t = 1_780_000_015;
        let step = t / STEP_SECONDS;
        let code = code_at(&secret, t);
        assert_eq!(accepted_step(&secret, &code, t, None), Some(step));
        assert_eq!(accepted_step(&secret, &format!("{} {}", &code[..3], &code[3..]), t, None), Some(step));
        assert_eq!(accepted_step(&secret, &code, t + STEP_SECONDS, None), Some(step), "a step late");
        assert_eq!(accepted_step(&secret, &code, t - STEP_SECONDS, None), Some(step), "a step early");
        assert_eq!(accepted_step(&secret, &code, t + 2 * STEP_SECONDS, None), None, "two steps late");
        assert_eq!(accepted_step(&secret, &code, t, Some(step)), None, "used already");
        assert_eq!(accepted_step(&secret, &code, t, Some(step - 1)), Some(step));
        assert_eq!(accepted_step(&secret, "12345", t, None), None);
        assert_eq!(accepted_step(&secret, "abcdef", t, None), None);
        assert_eq!(accepted_step(&new_secret(), &code, t, None), None, "another secret");
    }

    #[test]
    fn secrets_survive_their_text_and_the_url_names_the_account() {
        let secret = new_secret();
        assert_eq!(secret.len(), SECRET_BYTES);
        assert_eq!(parse_secret(&secret_text(&secret)), Some(secret.clone()));
        assert_eq!(parse_secret("not base32!"), None);
        let url = otpauth_url(&secret, "wang:li");
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={}", secret_text(&secret))), "{url}");
        assert!(url.contains("wang_li"), "{url}");
    }

    #[test]
    fn the_policy_names_roles_or_all_staff() {
        let p = SecondFactorPolicy::parse("office, admin").unwrap();
        assert!(p.requires(Role::Office) && p.requires(Role::Admin) && !p.requires(Role::Handler));
        let staff = SecondFactorPolicy::parse("staff").unwrap();
        assert!(crate::role::ALL_ROLES.iter().all(|r| staff.requires(*r) == (*r != Role::Applicant)));
        assert_eq!(SecondFactorPolicy::parse("").unwrap(), SecondFactorPolicy::default());
        assert!(SecondFactorPolicy::parse("office,boss").is_err());
    }

    #[test]
    fn a_password_leads_to_a_code_to_enrolment_or_in() {
        let office = SecondFactorPolicy::parse("office").unwrap();
        let step = SecondFactorStep::after_password;
        assert_eq!(step(true, &SecondFactorPolicy::default(), Role::Handler), Some(SecondFactorStep::Code));
        assert_eq!(step(true, &office, Role::Office), Some(SecondFactorStep::Code));
        assert_eq!(step(false, &office, Role::Office), Some(SecondFactorStep::Enrol));
        assert_eq!(step(false, &office, Role::Handler), None);
        for s in [SecondFactorStep::Code, SecondFactorStep::Enrol] {
            assert_eq!(SecondFactorStep::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_back() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut seen: Vec<String> = codes.iter().map(|c| normalise_recovery_code(c)).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| is_recovery_code(c) && is_recovery_code(&c.to_uppercase().replace('-', " "))));
        assert!(!is_recovery_code("123456"));
    }

    proptest! {
        #[test]
        fn the_current_code_is_always_accepted_once(t in 1_000_000_000u64..4_000_000_000) {
            let secret = b"qidi-second-factor!!";
            let code = code_at(secret, t);
            let step = accepted_step(secret, &code, t, None);
            prop_assert_eq!(step, Some(t / STEP_SECONDS));
            prop_assert_eq!(accepted_step(secret, &code, t, step), None);
        }
    }
}
