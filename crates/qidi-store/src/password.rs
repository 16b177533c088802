//! Argon2id password hashes and random secrets.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails on parameters we do not set; an unusable hash is the safe fallback.
        .unwrap_or_else(|_| "!".to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    CHECKS.real.fetch_add(1, Ordering::Relaxed);
    check(password, hash)
}

fn check(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Burn the same time as a real check, so an unknown user and a wrong password
/// cannot be told apart by timing.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let h = DUMMY.get_or_init(|| hash_password("qidi-dummy-password"));
    CHECKS.dummy.fetch_add(1, Ordering::Relaxed);
    let _ = check(password, h);
}

struct Checks {
    real: AtomicU64,
    dummy: AtomicU64,
}

static CHECKS: Checks = Checks { real: AtomicU64::new(0), dummy: AtomicU64::new(0) };

/// How many password checks this process has made so far: against stored hashes, and
/// dummy ones (unknown usernames, locked accounts). For tests that count what a burst
/// of sign-ins cost.
pub fn password_checks() -> (u64, u64) {
    (CHECKS.real.load(Ordering::Relaxed), CHECKS.dummy.load(Ordering::Relaxed))
}

/// Run a password hash or check on the blocking pool, at most as many at once as there
/// are cores. One argon2 check takes about 19 MiB and tens of milliseconds of CPU: run
/// on the async workers, a burst of sign-ins would stall every other request (and keep
/// SQLite's write lock waiting on a transaction whose task cannot run); run without a
/// bound, it would take the memory of one hash per request.
pub async fn on_hash_pool<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let permits = PERMITS
        .get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
    let _permit = permits.acquire().await.expect("the semaphore is never closed");
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// [`verify_password`] on the hash pool.
pub async fn verify_password_async(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    on_hash_pool(move || verify_password(&password, &hash)).await
}

/// [`verify_dummy`] on the hash pool.
pub async fn verify_dummy_async(password: &str) {
    let password = password.to_string();
    on_hash_pool(move || verify_dummy(&password)).await
}

/// A random token of 256 bits, hex.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    hex::encode(bytes)
}

/// A random password that meets the policy: letters, digits and a symbol.
pub fn random_password() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let mut s: String = (0..14).map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char).collect();
    s.insert(rng.gen_range(0..s.len()), '-');
    s.push_str(&format!("{}a", rng.gen_range(2..10)));
    s.insert(0, 'Q');
    s
}

/// A random password that meets the policy for `username`: never one that happens to
/// contain the username (a short name such as `hu` would otherwise now and then be
/// refused by the policy).
pub fn random_password_for(username: &str) -> String {
    loop {
        let p = random_password();
        if qidi_core::auth::check_password(username, &p).is_ok() {
            return p;
        }
    }
}

/// Sessions are stored by the hash of their token, so a database dump holds no
/// usable cookie.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("Qidi-2026-ledger");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Qidi-2026-ledger", &h));
        assert!(!verify_password("Qidi-2026-ledgeR", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn random_passwords_meet_policy() {
        for _ in 0..50 {
            let p = random_password();
            assert!(qidi_core::auth::check_password("demo", &p).is_ok(), "{p}");
        }
        for name in ["hu", "qa", "a2"] {
            for _ in 0..200 {
                let p = random_password_for(name);
                assert!(qidi_core::auth::check_password(name, &p).is_ok(), "{name}: {p}");
            }
        }
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 64);
    }
}
