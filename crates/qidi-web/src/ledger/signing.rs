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
//! A server works on at most two at once on PostgreSQL, and one on SQLite, whose write
//! lock a region's signature holds for minutes (a second would fail on it). Each holds
//! what it stores in memory while it works. A request past that is answered at once: try
//! again shortly (503). On shutdown the server waits for the work under way
//! ([`LedgerSigning::finish`]); a process killed meanwhile loses it, and its transaction
//! rolls back.

use crate::SharedState;
use axum::http::StatusCode;
use qidi_core::ledger::Capacity;
use qidi_store::baseline::{ChangeOutcome, DepartmentRef, SignOutcome};
use qidi_store::users::User;
use qidi_store::{Backend, Store, StoreError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tracing::Instrument;

/// How long a request waits for its signature before it answers that the work goes on:
/// within the server's 30 s limit.
pub(crate) const ACTION_WAIT: Duration = Duration::from_secs(25);
/// Signatures and confirmations this server works on at once, on PostgreSQL.
const ACTIONS_AT_ONCE: usize = 2;

/// What became of a signature within the request's wait.
pub(crate) enum Signing<T> {
    Done(Result<T, StoreError>),
    /// Still at work; it goes on without the request.
    GoesOn,
    /// No turn was free: nothing was begun.
    Busy,
    /// The work panicked; its transaction rolled back.
    Stopped,
}

impl<T> Signing<T> {
    /// For a signature not begun (no turn free) or stopped, what the answer says: 503
    /// `busy` or 500 `internal`, and the message to show.
    pub(crate) fn not_done(&self) -> (StatusCode, &'static str, String) {
        match self {
            Signing::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy", crate::i18n::t("ledger-signing-busy")),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal", crate::i18n::t("api-error-internal")),
        }
    }
}

/// The signatures and confirmations this server works on.
#[derive(Debug, Clone)]
pub struct LedgerSigning {
    turns: Arc<Semaphore>,
    at_once: u32,
}

impl LedgerSigning {
    /// For a server on `backend`.
    pub fn for_backend(backend: Backend) -> LedgerSigning {
        LedgerSigning::at_once(match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => ACTIONS_AT_ONCE,
        })
    }

    fn at_once(n: usize) -> LedgerSigning {
        LedgerSigning { turns: Arc::new(Semaphore::new(n)), at_once: n as u32 }
    }

    /// Wait for the work under way, and take no more: for a server that stops.
    pub async fn finish(&self) {
        if let Ok(all) = self.turns.acquire_many(self.at_once).await {
            all.forget();
        }
        self.turns.close();
    }
}

/// What the signer signs: the hash they were shown, and whether they confirmed the
/// count of missing check results.
pub(crate) struct Seen<'a> {
    pub(crate) capacity: Capacity,
    pub(crate) hash: &'a str,
    pub(crate) missing_checks_confirmed: bool,
}

/// A signature or confirmation as the work that outlasts its request owns it.
struct Asked {
    store: Store,
    user: User,
    department_id: String,
    capacity: Capacity,
    hash: String,
    missing_checks_confirmed: bool,
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
        let what = "signs the ledger of";
        self.asked(state, user, dept, seen, what, |a| async move {
            let confirmed = a.missing_checks_confirmed;
            a.store.sign_ledger(&a.user.region(), Some(&a.department_id), a.capacity, &a.hash, confirmed, &a.user).await
        })
        .await
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
        let what = "confirms the changes of";
        self.asked(state, user, dept, seen, what, |a| async move {
            let confirmed = a.missing_checks_confirmed;
            a.store.confirm_changes(&a.user.region(), &a.department_id, a.capacity, &a.hash, confirmed, &a.user).await
        })
        .await
    }

    /// [`LedgerSigning::run`] the work `act` makes of what `user` asked of `dept`; `what`
    /// names it in the log.
    async fn asked<T, F>(
        &self,
        state: &SharedState,
        user: &User,
        dept: &DepartmentRef,
        seen: Seen<'_>,
        what: &str,
        act: impl FnOnce(Asked) -> F,
    ) -> Signing<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let what = format!("{} {what} {} as {}", user.username, dept.code, seen.capacity.as_str());
        let asked = Asked {
            store: state.store.clone(),
            user: user.clone(),
            department_id: dept.id.clone(),
            capacity: seen.capacity,
            hash: seen.hash.trim().to_string(),
            missing_checks_confirmed: seen.missing_checks_confirmed,
        };
        self.run(wait(state), what, act(asked)).await
    }

    /// Run `work` as a task of its own, and wait for it at most `wait`. `what` names the
    /// work in the log when it fails (no request may be left to say so).
    pub(crate) async fn run<T, F>(&self, wait: Duration, what: String, work: F) -> Signing<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let Ok(turn) = self.turns.clone().try_acquire_owned() else { return Signing::Busy };
        let task = async move {
            let _turn = turn;
            let result = work.await;
            match &result {
                // A rule's refusal (the ledger changed since it was shown …).
                Err(e @ StoreError::Conflict(_)) => {
                    tracing::info!(work = %what, error = %e, "a ledger signature was refused")
                }
                Err(e) => tracing::warn!(work = %what, error = %e, "a ledger signature was not stored"),
                Ok(_) => tracing::info!(work = %what, "a ledger signature was stored"),
            }
            result
        };
        // Logged under the request that began it, whose id the log then names.
        let mut task = tokio::spawn(task.instrument(tracing::Span::current()));
        match tokio::time::timeout(wait, &mut task).await {
            Ok(Ok(result)) => Signing::Done(result),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "a ledger signature stopped");
                Signing::Stopped
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
        let signing = LedgerSigning::at_once(2);
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
        let answer = signing.run(Duration::from_secs(10), "test".into(), async { panic!("a bug") }).await;
        assert!(matches!(answer, Signing::<()>::Stopped));
    }

    #[tokio::test]
    async fn past_its_turns_a_server_begins_nothing_and_waits_for_its_work_to_stop() {
        assert_eq!(LedgerSigning::for_backend(Backend::Sqlite).at_once, 1, "SQLite has one writer");
        let signing = LedgerSigning::for_backend(Backend::Postgres);
        let (release, hold) = tokio::sync::watch::channel(false);
        let (done_tx, mut done) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..ACTIONS_AT_ONCE {
            let (mut hold, done_tx) = (hold.clone(), done_tx.clone());
            let work = async move {
                hold.wait_for(|go| *go).await.unwrap();
                done_tx.send(()).unwrap();
                Ok(())
            };
            assert!(matches!(signing.run(Duration::ZERO, "held".into(), work).await, Signing::GoesOn));
        }
        let began = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let b = began.clone();
        let third = async move {
            b.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(3)
        };
        assert!(matches!(signing.run(Duration::from_secs(1), "third".into(), third).await, Signing::Busy));
        assert!(!began.load(std::sync::atomic::Ordering::SeqCst), "a refused one is never begun");

        // Stopping waits for the two at work.
        let finishing = tokio::spawn({
            let signing = signing.clone();
            async move { signing.finish().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!finishing.is_finished(), "the work is still under way");
        release.send(true).unwrap();
        finishing.await.unwrap();
        assert_eq!((done.recv().await, done.recv().await), (Some(()), Some(())), "both were done first");
        let after = signing.run(Duration::from_secs(1), "after".into(), async { Ok(4) }).await;
        assert!(matches!(after, Signing::Busy), "nothing is begun once stopped");
    }
}
