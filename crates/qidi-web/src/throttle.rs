//! Throttling per client address (sign-in, and the public record): core's token bucket,
//! one per address, kept in this process. 429 with `Retry-After` when an address has
//! used up its attempts.

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
        let addr = bucket_key(addr);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT && !buckets.contains_key(&addr) {
            buckets.retain(|_, b| !self.policy.is_full(b, now));
        }
        let bucket = buckets.entry(addr).or_insert_with(|| self.policy.bucket(now));
        self.policy.take(bucket, now)
    }
}

/// Whose bucket an address draws on: an IPv4 address (also one mapped into IPv6) its
/// own; an IPv6 address its /64, which one client can change addresses within at will.
fn bucket_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

/// The rate from [`LOGIN_RATE_ENV`], or the default; a value that is not a number is
/// reported and the default kept.
pub fn policy_from_env() -> ThrottlePolicy {
    policy_from(LOGIN_RATE_ENV, ThrottlePolicy::default())
}

/// A rate per minute per client address from the variable `name`, or `default`; a value
/// that is not a whole number is reported and the default kept.
pub fn policy_from(name: &str, default: ThrottlePolicy) -> ThrottlePolicy {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<u32>() {
            Ok(per_minute) => ThrottlePolicy { per_minute },
            Err(_) => {
                tracing::warn!("{name}={v:?} is not a whole number of requests per minute; using the default");
                default
            }
        },
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bucket_per_ipv4_address_and_per_ipv6_64() {
        let t = LoginThrottle::new(ThrottlePolicy { per_minute: 2 });
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert!(t.check(ip("2001:db8:1:2::1")).is_ok());
        assert!(t.check(ip("2001:db8:1:2:ffff::9")).is_ok());
        assert!(t.check(ip("2001:db8:1:2::77")).is_err(), "the same /64");
        assert!(t.check(ip("2001:db8:1:3::1")).is_ok(), "another /64");
        assert!(t.check(ip("192.0.2.1")).is_ok());
        assert!(t.check(ip("::ffff:192.0.2.1")).is_ok());
        assert!(t.check(ip("192.0.2.1")).is_err(), "IPv4 mapped into IPv6 is the same client");
        assert!(t.check(ip("192.0.2.2")).is_ok());
        assert!((0..100).all(|_| t.check(None).is_ok()), "no address, no throttle");
    }
}
