//! Readings of a department ledger that outlast a request (台账核算).
//!
//! A department ledger's state is computed from every one of its lines. A region's
//! department holds two million, which take a minute and more to read on SQLite, past
//! the server's 30 s. So the page starts the reading as a task of its own and waits for
//! it a few seconds; a ledger of ordinary size is shown at once, as before. A longer
//! reading goes on without the request: the page says how far it has come, and its
//! address (`?reading=ID`) shows the result once it is done, for some minutes after.
//!
//! A reading's result is shown only to the account that started it, on the view it was
//! started for (department and page of changes); any other request starts its own, so
//! no one is shown a state read before a change they made. The one exception is the
//! same account asking for the same view while its reading still runs: it follows that
//! reading rather than start a second. A result read before the request is shown with
//! the time its reading began.

use qidi_core::ledger::LineKey;
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use qidi_store::baseline::{LedgerReading, LedgerState};
use qidi_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a page waits for its reading before it says how far the reading has come.
pub(crate) const READING_WAIT: Duration = Duration::from_secs(5);
/// How long a finished reading's result stays at its address.
const KEPT_FOR: Duration = Duration::from_secs(600);
/// Readings kept in all (running or finished); the oldest finished go first.
const KEPT_AT_MOST: usize = 64;

/// What a reading is of: whose, which department, which changes listed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    user_id: String,
    department_id: String,
    after: Option<LineKey>,
    listed: usize,
}

/// One reading: how far it has come and, once done, what it found.
struct Reading {
    view: View,
    /// When it began, as the page says (local time of the server, to the second).
    began_at: chrono::DateTime<chrono::Local>,
    counted: Arc<LedgerReading>,
    /// None while running; then the state, or Err when it failed.
    done: watch::Receiver<Option<Result<Arc<LedgerState>, ()>>>,
    /// Why it failed, for the first request to show it.
    error: Mutex<Option<StoreError>>,
    finished: Mutex<Option<Instant>>,
}

impl Reading {
    fn result(&self) -> Option<Result<Arc<LedgerState>, ()>> {
        self.done.borrow().clone()
    }

    fn expired(&self, now: Instant) -> bool {
        self.finished.lock().map(|f| f.is_some_and(|at| now.duration_since(at) > KEPT_FOR)).unwrap_or(true)
    }
}

/// What the page shows of its department's ledger.
pub(crate) enum Read {
    /// Read within the wait; `began_at` is Some when the reading began before the
    /// request (asked for by its address, or followed), and the page says when.
    Done { state: Arc<LedgerState>, began_at: Option<String> },
    /// Still reading: its address, lines read and about how many in all.
    Reading { id: String, lines_read: u64, lines: u64 },
}

/// A reading's progress as its page's script asks for it.
#[derive(serde::Serialize)]
pub(crate) struct ReadingStatus {
    pub(crate) lines_read: u64,
    pub(crate) lines: u64,
    pub(crate) done: bool,
}

/// The readings of this server (each server of several keeps its own).
#[derive(Default)]
pub struct LedgerReadings {
    readings: Mutex<HashMap<String, Arc<Reading>>>,
}

impl LedgerReadings {
    /// The state of `department_id`'s ledger for `user_id`, with the changes listed from
    /// after `after`: from the reading `asked` if it is this view's and still kept, else
    /// from a new reading, waited for at most `wait`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn read(
        &self,
        store: &Store,
        region: &RegionCode,
        user_id: &str,
        department_id: &str,
        after: Option<LineKey>,
        listed: usize,
        asked: Option<&str>,
        wait: Duration,
    ) -> Result<Read, StoreError> {
        let view = View { user_id: user_id.to_string(), department_id: department_id.to_string(), after, listed };
        let (id, reading, earlier) = match self.kept(asked, &view) {
            Some((id, r)) => (id, r, true),
            None => self.begin(store, region, view),
        };
        let mut done = reading.done.clone();
        // A timeout is not an error here: the reading goes on, and the page says so. No
        // wait at all is none: even a timer of zero lets the reading run a little.
        if !wait.is_zero() {
            let _ = tokio::time::timeout(wait, done.wait_for(Option::is_some)).await;
        }
        match reading.result() {
            Some(Ok(state)) => {
                let began_at = earlier.then(|| reading.began_at.format("%H:%M:%S").to_string());
                Ok(Read::Done { state, began_at })
            }
            Some(Err(())) => {
                self.forget(&id);
                let error = reading.error.lock().ok().and_then(|mut e| e.take());
                Err(error.unwrap_or_else(|| {
                    StoreError::conflict(Sentence::new("err-ledger-reading-failed", "台账核算未能完成，请刷新页面重试"))
                }))
            }
            None => {
                // Counted by the reading once it has begun; until then, from the kept counts.
                let lines = match reading.counted.lines() {
                    0 => store.kept_ledger_lines(region, department_id).await?,
                    n => n,
                };
                Ok(Read::Reading { id, lines_read: reading.counted.lines_read(), lines })
            }
        }
    }

    /// How far the reading `id` of `user_id` has come, if it is kept.
    pub(crate) fn status(&self, user_id: &str, id: &str) -> Option<ReadingStatus> {
        let readings = self.readings.lock().ok()?;
        let r = readings.get(id).filter(|r| r.view.user_id == user_id)?;
        Some(ReadingStatus { lines_read: r.counted.lines_read(), lines: r.counted.lines(), done: r.result().is_some() })
    }

    /// The reading `asked`, if it is kept and of this very view.
    fn kept(&self, asked: Option<&str>, view: &View) -> Option<(String, Arc<Reading>)> {
        let id = asked?;
        let readings = self.readings.lock().ok()?;
        let r = readings.get(id).filter(|r| r.view == *view && !r.expired(Instant::now()))?;
        Some((id.to_string(), r.clone()))
    }

    /// A new reading of `view`, running as a task of its own; or the one of this very
    /// view still running (the same account asking again while it reads). The flag says
    /// whether it began before this request.
    fn begin(&self, store: &Store, region: &RegionCode, view: View) -> (String, Arc<Reading>, bool) {
        let mut readings = self.readings.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        readings.retain(|_, r| !r.expired(now));
        let running = readings.iter().filter(|(_, r)| r.view == view && r.result().is_none());
        if let Some((id, r)) = running.max_by_key(|(_, r)| r.began_at) {
            return (id.clone(), r.clone(), true);
        }
        while readings.len() >= KEPT_AT_MOST {
            let oldest = readings
                .iter()
                .filter(|(_, r)| r.result().is_some())
                .min_by_key(|(_, r)| r.began_at)
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => readings.remove(&id),
                None => break,
            };
        }
        let (tx, rx) = watch::channel(None);
        let counted = Arc::new(LedgerReading::default());
        let id = qidi_store::new_id();
        let reading = Arc::new(Reading {
            view: view.clone(),
            began_at: chrono::Local::now(),
            counted: counted.clone(),
            done: rx,
            error: Mutex::new(None),
            finished: Mutex::new(None),
        });
        readings.insert(id.clone(), reading.clone());
        let (store, region, finished) = (store.clone(), *region, reading.clone());
        tokio::spawn(async move {
            let read =
                store.ledger_state_read(&region, &view.department_id, view.after.as_ref(), view.listed, &counted);
            let read = match read.await {
                Ok(state) => Ok(Arc::new(state)),
                Err(e) => {
                    tracing::warn!(error = %e, department = %view.department_id, "ledger reading failed");
                    if let Ok(mut kept) = finished.error.lock() {
                        *kept = Some(e);
                    }
                    Err(())
                }
            };
            if let Ok(mut at) = finished.finished.lock() {
                *at = Some(Instant::now());
            }
            let _ = tx.send(Some(read));
        });
        (id, reading, false)
    }

    fn forget(&self, id: &str) {
        if let Ok(mut readings) = self.readings.lock() {
            readings.remove(id);
        }
    }
}
