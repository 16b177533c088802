//! How many spreadsheet imports are read at once. Each holds its file and the parsed
//! rows in memory, so the server admits a few (`QIDI_MAX_IMPORTS`, default 2) and asks
//! the rest to try again, rather than letting a burst of uploads exhaust its memory.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub const MAX_IMPORTS_ENV: &str = "QIDI_MAX_IMPORTS";

#[derive(Clone)]
pub struct ImportGate(Arc<Semaphore>);

impl ImportGate {
    pub fn new(at_once: usize) -> ImportGate {
        ImportGate(Arc::new(Semaphore::new(at_once.max(1))))
    }

    pub fn from_env() -> ImportGate {
        let n = std::env::var(MAX_IMPORTS_ENV).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(2);
        ImportGate::new(n)
    }

    /// A place for one import, held until the permit is dropped (after parsing ends,
    /// even if the request that asked for it has gone); `None` when all are taken.
    pub fn try_enter(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_as_many_as_it_was_given_and_one_more_when_one_ends() {
        let gate = ImportGate::new(2);
        let a = gate.try_enter().expect("first");
        let _b = gate.try_enter().expect("second");
        assert!(gate.try_enter().is_none(), "a third waits");
        drop(a);
        assert!(gate.try_enter().is_some(), "a place is free again");
        assert!(ImportGate::new(0).try_enter().is_some(), "never zero places");
    }
}
