//! Sign-in throttling per client address: core's token bucket, one per address, kept in
//! this process. 429 with `Retry-After` when an address has used up its attempts.

use qidi_core::auth::{Bucket, ThrottlePolicy};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// The environment variable that sets sign-in attempts per minute per client address
/// (default 10; 0 turns throttling off).
pub const LOGIN_RATE_ENV: &str = "QIDI_LOGIN_RATE";

/// Buckets kept before full ones (addresses that have been quiet long enough) are
/// forgotten, so a scan from many addresses cannot grow the map without bound.
const PRUNE_AT: usize = 10_000;

pub struct LoginThrottle {
    policy: ThrottlePolicy,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle { policy, buckets: Mutex::new(HashMap::new()) }
    }

    /// Take one attempt for `addr`, or the seconds to wait. An unknown address (no
    /// socket behind the request, as in-process) is not throttled.
    pub fn check(&self, addr: Option<IpAddr>) -> Result<(), u64> {
        let Some(addr) = addr else { return Ok(()) };
        if self.policy.per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT && !buckets.contains_key(&addr) {
            buckets.retain(|_, b| !self.policy.is_full(b, now));
        }
        let bucket = buckets.entry(addr).or_insert_with(|| self.policy.bucket(now));
        self.policy.take(bucket, now)
    }
}

/// The rate from [`LOGIN_RATE_ENV`], or the default; a value that is not a number is
/// reported and the default kept.
pub fn policy_from_env() -> ThrottlePolicy {
    match std::env::var(LOGIN_RATE_ENV) {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<u32>() {
            Ok(per_minute) => ThrottlePolicy { per_minute },
            Err(_) => {
                tracing::warn!(
                    "{LOGIN_RATE_ENV}={v:?} is not a whole number of attempts per minute; using the default"
                );
                ThrottlePolicy::default()
            }
        },
        _ => ThrottlePolicy::default(),
    }
}
