//! Readings of a department ledger that outlast a request (台账核算).
//!
//! A department ledger's state is computed from every one of its lines. A region's
//! department holds two million, which take a minute and more to read on SQLite, past
//! the server's 30 s. So the page starts the reading as a task of its own and waits for
//! it a few seconds; a ledger of ordinary size is shown at once, as before. A longer
//! reading goes on without the request: the page says how far it has come, and its
//! address (`?reading=ID`) shows the result once it is done, for ten minutes after.
//!
//! The server that reads notes the reading in the database (`qidi_store::ledger_readings`):
//! how far it has come every [`NOTE_EVERY`], and the state once read, so that any server
//! behind the same load balancer answers the page's questions about it. One that has not
//! said how far it has come for [`STALE_AFTER`] stopped with its server, and is begun
//! again.
//!
//! A reading's result is shown only to the account that started it, on the view it was
//! started for (department and page of changes); any other request starts its own, so
//! no one is shown a state read before a change they made. The one exception is the
//! same account asking for the same view while its reading still runs on this server:
//! it follows that reading rather than start a second. A result read before the request
//! is shown with the time its reading began.

use qidi_core::ledger::{line_key_text, LineKey};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use qidi_store::baseline::{LedgerReading, LedgerState};
use qidi_store::ledger_readings::{NewReading, ReadingRecord};
use qidi_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a page waits for its reading before it says how far the reading has come.
pub(crate) const READING_WAIT: Duration = Duration::from_secs(5);
/// How long a reading's result stays at its address.
const KEPT_FOR: Duration = Duration::from_secs(600);
/// How often the reading server notes how far it has come.
const NOTE_EVERY: Duration = Duration::from_secs(2);
/// A reading not heard from for this long stopped with its server.
const STALE_AFTER: Duration = Duration::from_secs(30);
/// Readings this server keeps in memory (running or finished); the oldest finished go
/// first. The database keeps every one for [`KEPT_FOR`].
const KEPT_AT_MOST: usize = 64;

/// What a reading is of: whose, which department, which changes listed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    user_id: String,
    department_id: String,
    after: Option<LineKey>,
    listed: usize,
}

impl View {
    /// The changes listed, as the database keeps them beside the account and department.
    fn listing(&self) -> String {
        let after = self.after.as_ref().map(|(p, t)| line_key_text(p, t)).unwrap_or_default();
        format!("listed={};after={after}", self.listed)
    }

    fn is_of(&self, r: &ReadingRecord) -> bool {
        r.user_id == self.user_id && r.department_id == self.department_id && r.view == self.listing()
    }
}

/// One reading this server runs, or ran: how far it has come and, once done, what it
/// found.
struct Reading {
    view: View,
    began_at: chrono::DateTime<chrono::Utc>,
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

/// A reading's progress as its page's script asks for it. `done` also when the reading
/// stopped with its server: the page's address then begins another.
#[derive(serde::Serialize)]
pub(crate) struct ReadingStatus {
    pub(crate) lines_read: u64,
    pub(crate) lines: u64,
    pub(crate) done: bool,
    /// "N of about M lines read", in the request's language, for the page to show.
    pub(crate) text: String,
}

impl ReadingStatus {
    fn of(lines_read: u64, lines: u64, done: bool) -> Self {
        let lines = lines.max(lines_read);
        let text = crate::i18n::t2("ledger-reading-lines", "read", lines_read, "lines", lines);
        ReadingStatus { lines_read, lines, done, text }
    }
}

/// When a reading began, as the page says it: Beijing time (as every time qidi shows), to
/// the second.
fn began_text(at: chrono::DateTime<chrono::Utc>) -> String {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&cst).format("%H:%M:%S").to_string()
}

fn older_than(at: chrono::DateTime<chrono::Utc>, age: Duration) -> bool {
    chrono::Utc::now().signed_duration_since(at).to_std().is_ok_and(|d| d > age)
}

/// The readings this server runs; the database has every server's.
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
            None => {
                if let Some(read) = Self::stored(store, asked, &view).await? {
                    return Ok(read);
                }
                self.begin(store, region, view).await?
            }
        };
        let mut done = reading.done.clone();
        // A timeout is not an error here: the reading goes on, and the page says so. No
        // wait at all is none: even a timer of zero lets the reading run a little.
        if !wait.is_zero() {
            let _ = tokio::time::timeout(wait, done.wait_for(Option::is_some)).await;
        }
        match reading.result() {
            Some(Ok(state)) => Ok(Read::Done { state, began_at: earlier.then(|| began_text(reading.began_at)) }),
            Some(Err(())) => {
                self.forget(&id);
                let error = reading.error.lock().ok().and_then(|mut e| e.take());
                Err(error.unwrap_or_else(failed))
            }
            None => Ok(Read::Reading { id, lines_read: reading.counted.lines_read(), lines: reading.counted.lines() }),
        }
    }

    /// How far the reading `id` of `user_id` has come, if it is kept here or in the
    /// database.
    pub(crate) async fn status(&self, store: &Store, user_id: &str, id: &str) -> Option<ReadingStatus> {
        let here = self.readings.lock().ok().and_then(|r| r.get(id).cloned());
        if let Some(r) = here.filter(|r| r.view.user_id == user_id) {
            let done = r.result().is_some();
            return Some(ReadingStatus::of(r.counted.lines_read(), r.counted.lines(), done));
        }
        let r = store.ledger_reading(id).await.ok().flatten().filter(|r| r.user_id == user_id)?;
        let done = r.finished || older_than(r.noted_at, STALE_AFTER);
        Some(ReadingStatus::of(r.lines_read, r.lines, done))
    }

    /// The reading `asked`, if this server runs or ran it for this very view.
    fn kept(&self, asked: Option<&str>, view: &View) -> Option<(String, Arc<Reading>)> {
        let id = asked?;
        let readings = self.readings.lock().ok()?;
        let r = readings.get(id).filter(|r| r.view == *view && !r.expired(Instant::now()))?;
        Some((id.to_string(), r.clone()))
    }

    /// The reading `asked` as another server noted it, if it is this view's, still
    /// kept, and done or still heard from.
    async fn stored(store: &Store, asked: Option<&str>, view: &View) -> Result<Option<Read>, StoreError> {
        let Some(id) = asked else { return Ok(None) };
        let Some(r) = store.ledger_reading(id).await?.filter(|r| view.is_of(r) && !older_than(r.began_at, KEPT_FOR))
        else {
            return Ok(None);
        };
        Ok(match r.state {
            Some(state) => Some(Read::Done { state: Arc::new(state), began_at: Some(began_text(r.began_at)) }),
            None if !r.finished && !older_than(r.noted_at, STALE_AFTER) => {
                Some(Read::Reading { id: id.to_string(), lines_read: r.lines_read, lines: r.lines })
            }
            None => None,
        })
    }

    /// A new reading of `view`, noted in the database and running as a task of its
    /// own; or the one of this very view still running here (the same account asking
    /// again while it reads). The flag says whether it began before this request.
    async fn begin(
        &self,
        store: &Store,
        region: &RegionCode,
        view: View,
    ) -> Result<(String, Arc<Reading>, bool), StoreError> {
        if let Some(running) = self.running(&view) {
            return Ok(running);
        }
        // Said on the page from the first answer: the reading counts them again as it begins.
        let lines = store.kept_ledger_lines(region, &view.department_id).await?;
        let (tx, rx) = watch::channel(None);
        let id = qidi_store::new_id();
        let reading = Arc::new(Reading {
            view: view.clone(),
            began_at: chrono::Utc::now(),
            counted: Arc::new(LedgerReading::expecting(lines)),
            done: rx,
            error: Mutex::new(None),
            finished: Mutex::new(None),
        });
        let listing = view.listing();
        let forget_before = reading.began_at - chrono::Duration::from_std(KEPT_FOR).unwrap_or_default();
        let new = NewReading {
            id: &id,
            user_id: &view.user_id,
            department_id: &view.department_id,
            view: &listing,
            began_at: reading.began_at,
            lines,
        };
        store.begin_ledger_reading(&new, forget_before).await?;
        self.keep(&id, reading.clone());
        let (store, region, run, id_run) = (store.clone(), *region, reading.clone(), id.clone());
        tokio::spawn(async move {
            let counted = run.counted.clone();
            let work =
                store.ledger_state_read(&region, &view.department_id, view.after.as_ref(), view.listed, &counted);
            tokio::pin!(work);
            let mut note = tokio::time::interval(NOTE_EVERY);
            note.tick().await;
            let read = loop {
                tokio::select! {
                    read = &mut work => break read,
                    _ = note.tick() => {
                        let noted = store.note_ledger_reading(&id_run, counted.lines(), counted.lines_read()).await;
                        if let Err(e) = noted {
                            tracing::warn!(error = %e, "noting a ledger reading failed");
                        }
                    }
                }
            };
            let read = match read {
                Ok(state) => Ok(Arc::new(state)),
                Err(e) => {
                    tracing::warn!(error = %e, department = %view.department_id, "ledger reading failed");
                    if let Ok(mut kept) = run.error.lock() {
                        *kept = Some(e);
                    }
                    Err(())
                }
            };
            let state = read.as_ref().ok().map(|s| &**s);
            if let Err(e) = store.finish_ledger_reading(&id_run, counted.lines_read(), state).await {
                tracing::warn!(error = %e, "noting a ledger reading's end failed");
            }
            if let Ok(mut at) = run.finished.lock() {
                *at = Some(Instant::now());
            }
            let _ = tx.send(Some(read));
        });
        Ok((id, reading, false))
    }

    /// This very view's reading still running here, if any.
    fn running(&self, view: &View) -> Option<(String, Arc<Reading>, bool)> {
        let readings = self.readings.lock().unwrap_or_else(|p| p.into_inner());
        let running = readings.iter().filter(|(_, r)| r.view == *view && r.result().is_none());
        running.max_by_key(|(_, r)| r.began_at).map(|(id, r)| (id.clone(), r.clone(), true))
    }

    /// Keep a reading here, making room: expired ones go, then the oldest finished.
    fn keep(&self, id: &str, reading: Arc<Reading>) {
        let mut readings = self.readings.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        readings.retain(|_, r| !r.expired(now));
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
        readings.insert(id.to_string(), reading);
    }

    fn forget(&self, id: &str) {
        if let Ok(mut readings) = self.readings.lock() {
            readings.remove(id);
        }
    }
}

fn failed() -> StoreError {
    StoreError::conflict(Sentence::new("err-ledger-reading-failed", "台账核算未能完成，请刷新页面重试"))
}
