//! Throttling per client address and per account (sign-in, the public record, search
//! and export): core's token bucket, one per address and one per account, kept in this
//! process. 429 with `Retry-After` when either has used up its requests.

use crate::auth::{client_ip, PageUser};
use crate::error::{ApiError, PageError};
use crate::SharedState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qidi_core::auth::{Bucket, ThrottlePolicy};
use qidi_store::users::User;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// The environment variable that sets sign-in attempts per minute per client address
/// and per account name (default 10; 0 turns throttling off).
pub const LOGIN_RATE_ENV: &str = "QIDI_LOGIN_RATE";

/// Filtered library pages (search) per minute per client address and per account
/// (default 60; 0 turns throttling off).
pub const SEARCH_RATE_ENV: &str = "QIDI_SEARCH_RATE";
pub const DEFAULT_SEARCH_RATE: u32 = 60;

/// Exports and downloads of documents (ledger, bulletins, look-backs) per minute per
/// client address and per account (default 20; 0 turns throttling off).
pub const EXPORT_RATE_ENV: &str = "QIDI_EXPORT_RATE";
pub const DEFAULT_EXPORT_RATE: u32 = 20;

/// Buckets kept before full ones (addresses that have been quiet long enough) are
/// forgotten, so a scan from many addresses cannot grow the map without bound.
const PRUNE_AT: usize = 10_000;

/// Whose requests a bucket counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Client {
    Addr(IpAddr),
    /// An account name, as typed at sign-in (lower-cased) or a signed-in user's id;
    /// unknown names have buckets too, so a bucket says nothing of who exists.
    Account(String),
}

pub struct Throttle {
    policy: ThrottlePolicy,
    buckets: Mutex<HashMap<Client, Bucket>>,
}

impl Throttle {
    pub fn new(policy: ThrottlePolicy) -> Throttle {
        Throttle { policy, buckets: Mutex::new(HashMap::new()) }
    }

    /// Take one request for `addr`, or the seconds to wait. An unknown address (no
    /// socket behind the request, as in-process) is not throttled.
    pub fn check(&self, addr: Option<IpAddr>) -> Result<(), u64> {
        match addr {
            Some(addr) => self.take(Client::Addr(bucket_key(addr))),
            None => Ok(()),
        }
    }

    /// Take one request for `addr` and one for `account`, or the seconds to wait: a
    /// client cannot go faster by changing accounts, nor an account by changing
    /// addresses.
    pub fn check_both(&self, addr: Option<IpAddr>, account: &str) -> Result<(), u64> {
        self.check(addr)?;
        self.take(Client::Account(account.trim().to_lowercase()))
    }

    fn take(&self, client: Client) -> Result<(), u64> {
        if self.policy.per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT && !buckets.contains_key(&client) {
            buckets.retain(|_, b| !self.policy.is_full(b, now));
        }
        let bucket = buckets.entry(client).or_insert_with(|| self.policy.bucket(now));
        self.policy.take(bucket, now)
    }
}

/// The 429 answer after [`Throttle::check`] refused: JSON under `/api/`, a page
/// elsewhere, in the request's language, with `Retry-After`.
pub fn too_many(path: &str, wait: u64) -> Response {
    let message = crate::i18n::t1("api-too-many-requests", "seconds", wait);
    let mut res = if path.starts_with("/api/") {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message).into_response()
    } else {
        PageError::Status(StatusCode::TOO_MANY_REQUESTS, message).into_response()
    };
    let (name, value) = crate::pages::retry_after(wait);
    res.headers_mut().insert(name, value);
    res
}

/// A signed-in user exporting or downloading a document, within the export rate
/// ([`EXPORT_RATE_ENV`]) of their address and their account.
pub struct ExportUser(pub User);

impl FromRequestParts<SharedState> for ExportUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let PageUser(user) = PageUser::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        match state.export_throttle.check_both(client_ip(parts), &user.id) {
            Ok(()) => Ok(ExportUser(user)),
            Err(wait) => Err(too_many(parts.uri.path(), wait)),
        }
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
        let t = Throttle::new(ThrottlePolicy { per_minute: 2 });
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

    #[test]
    fn an_account_is_counted_across_addresses() {
        let t = Throttle::new(ThrottlePolicy { per_minute: 2 });
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert!(t.check_both(ip("192.0.2.1"), "Office").is_ok());
        assert!(t.check_both(ip("192.0.2.2"), "office ").is_ok());
        assert!(t.check_both(ip("192.0.2.3"), "OFFICE").is_err(), "the same account from a third address");
        assert!(t.check_both(None, "office").is_err(), "and from no address at all");
        assert!(t.check_both(ip("192.0.2.3"), "nobody-at-all").is_ok(), "an unknown name has its own bucket");
    }
}
