//! Signatures and confirmations that outlast their request.
//!
//! Signing a department ledger, or confirming its changes, reads every line of it in
//! one transaction and stores what was signed. A region's department of two million
//! lines takes minutes, past the server's 30 s: the request was cut off and its
//! transaction rolled back, so nothing was ever signed. Now the work runs as a task of
//! its own. The request waits for it up to [`ACTION_WAIT`]; an ordinary ledger is signed
//! well within that, and the answer is as before. A longer one goes on without the
//! request, whether the browser waits or not, and the answer says so (202): the ledger's
//! page shows the signature once it is stored. A failure is logged; as always, a failed
//! transaction leaves nothing behind.
//!
//! A server runs at most [`ACTIONS_AT_ONCE`] such tasks at once; further ones wait their
//! turn. Each holds a department's whole ledger in memory while it works.

use crate::SharedState;
use qidi_core::ledger::Capacity;
use qidi_store::baseline::{ChangeOutcome, DepartmentRef, SignOutcome};
use qidi_store::users::User;
use qidi_store::StoreError;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a request waits for its signature before it answers that the work goes on:
/// within the server's 30 s limit.
pub(crate) const ACTION_WAIT: Duration = Duration::from_secs(25);
/// Signatures and confirmations this server works on at once.
const ACTIONS_AT_ONCE: usize = 2;

/// What became of a signature within the request's wait.
pub(crate) enum Signing<T> {
    Done(Result<T, StoreError>),
    /// Still at work; it goes on without the request.
    GoesOn,
}

/// The signatures and confirmations this server works on.
#[derive(Clone)]
pub struct LedgerSigning {
    turns: Arc<Semaphore>,
}

impl Default for LedgerSigning {
    fn default() -> Self {
        LedgerSigning { turns: Arc::new(Semaphore::new(ACTIONS_AT_ONCE)) }
    }
}

/// What the signer signs: the hash they were shown, and whether they confirmed the
/// count of missing check results.
pub(crate) struct Seen<'a> {
    pub(crate) capacity: Capacity,
    pub(crate) hash: &'a str,
    pub(crate) missing_checks_confirmed: bool,
}

impl LedgerSigning {
    /// `user` signs the department ledger `dept` as it is now ([`qidi_store::Store::sign_ledger`]).
    pub(crate) async fn sign(
        &self,
        state: &SharedState,
        user: &User,
        dept: &DepartmentRef,
        seen: Seen<'_>,
    ) -> Signing<SignOutcome> {
        let (store, user, id, hash) =
            (state.store.clone(), user.clone(), dept.id.clone(), seen.hash.trim().to_string());
        let what = format!("{} signs the ledger of {} as {}", user.username, dept.code, seen.capacity.as_str());
        let confirmed = seen.missing_checks_confirmed;
        let work =
            async move { store.sign_ledger(&user.region(), Some(&id), seen.capacity, &hash, confirmed, &user).await };
        self.run(wait(state), what, work).await
    }

    /// `user` confirms the changes to the fixed department ledger `dept`
    /// ([`qidi_store::Store::confirm_changes`]).
    pub(crate) async fn confirm(
        &self,
        state: &SharedState,
        user: &User,
        dept: &DepartmentRef,
        seen: Seen<'_>,
    ) -> Signing<ChangeOutcome> {
        let (store, user, id, hash) =
            (state.store.clone(), user.clone(), dept.id.clone(), seen.hash.trim().to_string());
        let what = format!("{} confirms the changes of {} as {}", user.username, dept.code, seen.capacity.as_str());
        let confirmed = seen.missing_checks_confirmed;
        let work =
            async move { store.confirm_changes(&user.region(), &id, seen.capacity, &hash, confirmed, &user).await };
        self.run(wait(state), what, work).await
    }

    /// Run `work` as a task of its own, and wait for it at most `wait`. `what` names the
    /// work in the log when it fails (no request may be left to say so).
    pub(crate) async fn run<T, F>(&self, wait: Duration, what: String, work: F) -> Signing<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let turns = self.turns.clone();
        let mut task = tokio::spawn(async move {
            let _turn = turns.acquire_owned().await.expect("the semaphore is never closed");
            let result = work.await;
            if let Err(e) = &result {
                tracing::info!(work = %what, error = %e, "a ledger signature was not stored");
            }
            result
        });
        match tokio::time::timeout(wait, &mut task).await {
            Ok(Ok(result)) => Signing::Done(result),
            // It panicked, and its transaction rolled back.
            Ok(Err(e)) => {
                Signing::Done(Err(StoreError::Io { what: "signing stopped".into(), source: std::io::Error::other(e) }))
            }
            // Dropping the handle leaves the task running.
            Err(_) => Signing::GoesOn,
        }
    }
}

fn wait(state: &SharedState) -> Duration {
    state.config.ledger_signing_wait.unwrap_or(ACTION_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_past_the_wait_goes_on_and_is_done() {
        let signing = LedgerSigning::default();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let work = async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            tx.send(()).unwrap();
            Ok(7)
        };
        let answer = signing.run(Duration::from_millis(1), "test".into(), work).await;
        assert!(matches!(answer, Signing::GoesOn));
        tokio::time::timeout(Duration::from_secs(10), rx).await.expect("the work went on").unwrap();

        let answer = signing.run(Duration::from_secs(10), "test".into(), async { Ok(8) }).await;
        assert!(matches!(answer, Signing::Done(Ok(8))));
    }

    #[tokio::test]
    async fn a_server_works_on_two_at_once() {
        let signing = LedgerSigning::default();
        let (release, hold) = tokio::sync::watch::channel(false);
        for _ in 0..ACTIONS_AT_ONCE {
            let mut hold = hold.clone();
            let work = async move {
                hold.wait_for(|go| *go).await.unwrap();
                Ok(())
            };
            assert!(matches!(signing.run(Duration::ZERO, "held".into(), work).await, Signing::GoesOn));
        }
        // The third waits for a turn, and runs once one is free.
        let third = signing.run(Duration::from_millis(50), "third".into(), async { Ok(3) }).await;
        assert!(matches!(third, Signing::GoesOn));
        release.send(true).unwrap();
        let fourth = signing.run(Duration::from_secs(10), "fourth".into(), async { Ok(4) }).await;
        assert!(matches!(fourth, Signing::Done(Ok(4))));
    }
}
