//! Readings of a department ledger that outlast a request (台账核算).
//!
//! A department ledger's state is computed from every one of its lines. A region's
//! department holds two million, which take a minute and more to read on SQLite, past
//! the server's 30 s. So the page starts the reading as a task of its own and waits for
//! it a few seconds; a ledger of ordinary size is shown at once, as before. A longer
//! reading goes on without the request: the page says how far it has come, and its
//! address (`?reading=ID`) shows the result once it is done, for ten minutes after.
//!
//! A reading that outlasts its wait is noted in the database (`qidi_store::ledger_readings`)
//! by the task that reads: how far it has come every [`NOTE_EVERY`], and the state once
//! read, so that any server behind the same load balancer answers the page's questions
//! about it. One not heard from for [`STALE_AFTER`] stopped with its server, and is begun
//! again. A reading within its wait writes nothing: a page view stays a read.
//!
//! A reading's result is shown only to the account that started it, on the view it was
//! started for (department and page of changes), and only at its address; every other
//! request begins a reading of its own, so no one is shown a state read before a change
//! they made. A server reads at most [`READING_AT_ONCE`] ledgers at once (the rest wait
//! their turn), and an account at most [`READINGS_PER_ACCOUNT`]: a further one stops the
//! account's oldest.

use qidi_core::ledger::{line_key_text, LineKey};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use qidi_store::baseline::{LedgerReading, LedgerState};
use qidi_store::ledger_readings::{NewReading, ReadingRecord};
use qidi_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};

/// How long a page waits for its reading before it says how far the reading has come.
pub(crate) const READING_WAIT: Duration = Duration::from_secs(5);
/// How long a reading's result stays at its address.
const KEPT_FOR: Duration = Duration::from_secs(600);
/// How often the reading server notes how far it has come.
const NOTE_EVERY: Duration = Duration::from_secs(2);
/// A reading not heard from for this long stopped with its server.
const STALE_AFTER: Duration = Duration::from_secs(30);
/// Ledgers this server reads at once; further readings wait their turn.
const READING_AT_ONCE: usize = 4;
/// Readings one account runs at once; a further one stops its oldest.
const READINGS_PER_ACCOUNT: usize = 2;
/// Readings this server keeps in memory (running or finished); the oldest finished go
/// first. The database keeps every one for [`KEPT_FOR`].
const KEPT_AT_MOST: usize = 64;

/// A reading's end as its task sends it: None while it runs, then the state read, or
/// Err when it failed.
type Outcome = Option<Result<Arc<LedgerState>, ()>>;

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
    done: watch::Receiver<Outcome>,
    /// Why it failed, for the first request to show it.
    error: Mutex<Option<StoreError>>,
    finished: Mutex<Option<Instant>>,
    /// Stops its task (an account's further reading stops its oldest).
    task: Mutex<Option<tokio::task::AbortHandle>>,
}

impl Reading {
    /// None while it runs; a task that ended without a result (stopped, or panicked)
    /// failed.
    fn result(&self) -> Outcome {
        let result = self.done.borrow().clone();
        match result {
            None if self.done.has_changed().is_err() => Some(Err(())),
            result => result,
        }
    }

    fn expired(&self, now: Instant) -> bool {
        let finished = self.finished.lock().map(|f| *f).unwrap_or(None);
        match finished {
            Some(at) => now.duration_since(at) > KEPT_FOR,
            None => self.result().is_some(),
        }
    }

    fn stop(&self) {
        if let Some(task) = self.task.lock().ok().and_then(|mut t| t.take()) {
            task.abort();
        }
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

/// How far a reading has come, as its page shows it and its status says it.
#[derive(serde::Serialize)]
pub(crate) struct LinesRead {
    pub(crate) lines_read: u64,
    /// About how many in all: never fewer than those read.
    pub(crate) lines: u64,
    /// "N of about M lines read", in the request's language.
    pub(crate) text: String,
}

impl LinesRead {
    pub(crate) fn of(lines_read: u64, lines: u64) -> Self {
        let lines = lines.max(lines_read);
        let text = crate::i18n::t2("ledger-reading-lines", "read", lines_read, "lines", lines);
        LinesRead { lines_read, lines, text }
    }
}

/// A reading's progress as its page's script asks for it. `done` also when the reading
/// stopped with its server: the page's address then begins another.
#[derive(serde::Serialize)]
pub(crate) struct ReadingStatus {
    #[serde(flatten)]
    pub(crate) read: LinesRead,
    pub(crate) done: bool,
}

impl ReadingStatus {
    fn of(lines_read: u64, lines: u64, done: bool) -> Self {
        ReadingStatus { read: LinesRead::of(lines_read, lines), done }
    }
}

/// When a reading began, as the page says it: Beijing time (as every time qidi shows), to
/// the second.
fn began_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&qidi_store::beijing()).format("%H:%M:%S").to_string()
}

fn older_than(at: chrono::DateTime<chrono::Utc>, age: Duration) -> bool {
    chrono::Utc::now().signed_duration_since(at).to_std().is_ok_and(|d| d > age)
}

/// The readings this server runs; the database has every server's.
pub struct LedgerReadings {
    readings: Mutex<HashMap<String, Arc<Reading>>>,
    at_once: Arc<Semaphore>,
}

impl Default for LedgerReadings {
    fn default() -> Self {
        LedgerReadings { readings: Mutex::default(), at_once: Arc::new(Semaphore::new(READING_AT_ONCE)) }
    }
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
                self.begin(store, region, view, wait).await?
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

    /// A new reading of `view`, running as a task of its own that notes it in the
    /// database once it outlasts `wait`. The flag is false: it began with this request.
    async fn begin(
        &self,
        store: &Store,
        region: &RegionCode,
        view: View,
        wait: Duration,
    ) -> Result<(String, Arc<Reading>, bool), StoreError> {
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
            task: Mutex::new(None),
        });
        self.keep(&id, reading.clone());
        let task = Task { store: store.clone(), region: *region, id: id.clone(), reading: reading.clone(), wait };
        let handle = tokio::spawn(task.run(self.at_once.clone(), tx));
        if let Ok(mut t) = reading.task.lock() {
            *t = Some(handle.abort_handle());
        }
        Ok((id, reading, false))
    }

    /// Keep a reading here, making room: expired ones go, then the oldest finished.
    fn keep(&self, id: &str, reading: Arc<Reading>) {
        let mut readings = self.readings.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        readings.retain(|_, r| !r.expired(now));
        let mut running: Vec<(String, Arc<Reading>)> = readings
            .iter()
            .filter(|(_, r)| r.view.user_id == reading.view.user_id && r.result().is_none())
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect();
        running.sort_by_key(|(_, r)| r.began_at);
        while running.len() >= READINGS_PER_ACCOUNT {
            let (id, oldest) = running.remove(0);
            oldest.stop();
            readings.remove(&id);
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
        readings.insert(id.to_string(), reading);
    }

    fn forget(&self, id: &str) {
        if let Ok(mut readings) = self.readings.lock() {
            readings.remove(id);
        }
    }
}

/// A reading's task: what it reads and where it notes it.
struct Task {
    store: Store,
    region: RegionCode,
    id: String,
    reading: Arc<Reading>,
    /// Past this it notes the reading in the database, then every [`NOTE_EVERY`].
    wait: Duration,
}

impl Task {
    async fn run(self, at_once: Arc<Semaphore>, done: watch::Sender<Outcome>) {
        let Task { store, region, id, reading, wait } = self;
        let (view, counted) = (&reading.view, &reading.counted);
        let work = async {
            // Waits its turn while as many ledgers are read; a closed semaphore never happens.
            let _turn = at_once.acquire().await;
            store.ledger_state_read(&region, &view.department_id, view.after.as_ref(), view.listed, counted).await
        };
        tokio::pin!(work);
        // A reading with no wait at all is noted before it reads: a zero sleep may lose the
        // race to a short reading, which then finishes unnoted and unknown to the other
        // servers.
        let mut noted = wait.is_zero() && Self::note(&store, &id, &reading, false).await;
        let note = tokio::time::sleep(if noted { NOTE_EVERY } else { wait });
        tokio::pin!(note);
        let read = loop {
            tokio::select! {
                read = &mut work => break read,
                () = &mut note => {
                    noted |= Self::note(&store, &id, &reading, noted).await;
                    note.as_mut().reset(tokio::time::Instant::now() + NOTE_EVERY);
                }
            }
        };
        let read = match read {
            Ok(state) => Ok(Arc::new(state)),
            Err(e) => {
                tracing::warn!(error = %e, department = %view.department_id, "ledger reading failed");
                if let Ok(mut kept) = reading.error.lock() {
                    *kept = Some(e);
                }
                Err(())
            }
        };
        if let Ok(mut at) = reading.finished.lock() {
            *at = Some(Instant::now());
        }
        // This server's requests first; then the other servers', through the database.
        let _ = done.send(Some(read.clone()));
        if noted {
            let state = read.as_ref().ok().map(|s| &**s);
            if let Err(e) = store.finish_ledger_reading(&id, counted.lines_read(), state).await {
                tracing::warn!(error = %e, "noting a ledger reading's end failed");
            }
        }
    }

    /// Note the reading: the first time its row, then how far it has come. Whether it
    /// is noted now. A failure is logged: other servers then cannot answer for it.
    async fn note(store: &Store, id: &str, reading: &Reading, noted: bool) -> bool {
        let (lines, lines_read) = (reading.counted.lines(), reading.counted.lines_read());
        let written = if noted {
            store.note_ledger_reading(id, lines, lines_read).await
        } else {
            let listing = reading.view.listing();
            let new = NewReading {
                id,
                user_id: &reading.view.user_id,
                department_id: &reading.view.department_id,
                view: &listing,
                began_at: reading.began_at,
                lines,
            };
            let forget_before = reading.began_at - chrono::Duration::from_std(KEPT_FOR).unwrap_or_default();
            store.begin_ledger_reading(&new, forget_before).await
        };
        match written {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "noting a ledger reading failed");
                noted
            }
        }
    }
}

fn failed() -> StoreError {
    StoreError::conflict(Sentence::new("err-ledger-reading-failed", "台账核算未能完成，请刷新页面重试"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(user: &str) -> (Arc<Reading>, watch::Sender<Outcome>) {
        let (tx, rx) = watch::channel(None);
        let view = View { user_id: user.into(), department_id: "d".into(), after: None, listed: 200 };
        let r = Reading {
            view,
            began_at: chrono::Utc::now(),
            counted: Arc::new(LedgerReading::expecting(3)),
            done: rx,
            error: Mutex::new(None),
            finished: Mutex::new(None),
            task: Mutex::new(None),
        };
        (Arc::new(r), tx)
    }

    #[test]
    fn a_task_that_ends_without_a_result_failed_and_is_let_go() {
        let (r, tx) = reading("a");
        assert!(r.result().is_none() && !r.expired(Instant::now()), "running");
        drop(tx);
        assert_eq!(r.result().map(|x| x.is_err()), Some(true), "stopped or panicked");
        assert!(r.expired(Instant::now()), "not kept");
    }

    #[tokio::test]
    async fn an_account_runs_at_most_two_readings_and_a_third_stops_its_oldest() {
        let readings = LedgerReadings::default();
        let mut senders = Vec::new();
        let mut tasks = Vec::new();
        for (i, user) in ["a", "a", "b", "a"].iter().enumerate() {
            let (r, tx) = reading(user);
            let task = tokio::spawn(std::future::pending::<()>());
            *r.task.lock().unwrap() = Some(task.abort_handle());
            readings.keep(&format!("r{i}"), r);
            senders.push(tx);
            tasks.push(task);
            tokio::task::yield_now().await;
        }
        let kept: Vec<String> = {
            let mut ids: Vec<String> = readings.readings.lock().unwrap().keys().cloned().collect();
            ids.sort();
            ids
        };
        assert_eq!(kept, ["r1", "r2", "r3"], "a's oldest is let go");
        let first = tasks.remove(0);
        assert!(first.await.unwrap_err().is_cancelled(), "and its task stopped");
        assert!(tasks.iter().all(|t| !t.is_finished()), "the others run on");
    }
}
