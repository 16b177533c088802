//! Spreadsheet imports read in the background, a few at a time. Each holds its file
//! and the parsed rows in memory, so the server admits a few (`QIDI_MAX_IMPORTS`,
//! default 2) and asks the rest to try again, rather than letting a burst of uploads
//! exhaust its memory. A reading whose request has gone (closed, or timed out) stops
//! at its next row and gives its place back.

use qidi_office::{read_ledger_bytes, Cancel, ImportOptions, LedgerImport, OfficeError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub const MAX_IMPORTS_ENV: &str = "QIDI_MAX_IMPORTS";

#[derive(Clone)]
pub struct ImportGate {
    places: Arc<Semaphore>,
    /// Readings stopped because their request had gone.
    stopped: Arc<AtomicU64>,
}

/// Cancels the reading when the request's future is dropped with it.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl ImportGate {
    pub fn new(at_once: usize) -> ImportGate {
        ImportGate { places: Arc::new(Semaphore::new(at_once.max(1))), stopped: Arc::default() }
    }

    pub fn from_env() -> ImportGate {
        let n = std::env::var(MAX_IMPORTS_ENV).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(2);
        ImportGate::new(n)
    }

    /// A place for one import, held until the permit is dropped; `None` when all are taken.
    fn try_enter(&self) -> Option<OwnedSemaphorePermit> {
        self.places.clone().try_acquire_owned().ok()
    }

    /// How many readings stopped because their request had gone.
    pub fn stopped(&self) -> u64 {
        self.stopped.load(Ordering::Relaxed)
    }

    /// Read `bytes` on a blocking thread in a place of the gate. If this future is
    /// dropped before the reading ends, the reading stops at its next check.
    pub async fn read(&self, mut opts: ImportOptions, bytes: Vec<u8>) -> Result<LedgerImport, OfficeError> {
        let Some(place) = self.try_enter() else {
            return Err(OfficeError::Busy);
        };
        let cancel = Cancel::default();
        opts.cancel = cancel.clone();
        let _stop = CancelOnDrop(cancel);
        let stopped = self.stopped.clone();
        tokio::task::spawn_blocking(move || {
            let _place = place;
            let read = read_ledger_bytes(&bytes, &opts);
            if matches!(read, Err(OfficeError::Cancelled)) {
                stopped.fetch_add(1, Ordering::Relaxed);
                tracing::info!("a spreadsheet import stopped: its request has gone");
            }
            read
        })
        .await
        .unwrap_or_else(|_| Err(OfficeError::Corrupt { detail: "reader failed".into() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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

    /// A ledger of `rows` projects, as a department would upload it.
    fn ledger(rows: u32) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let header = ["序号", "项目代码", "项目名称", "项目单位", "立项部门", "立项年度", "审批事项", "审批部门"];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..=rows {
            let code = format!("2019-152527-44-01-{:06}", r);
            ws.write_number(r, 0, r as f64).unwrap();
            ws.write_string(r, 1, &code).unwrap();
            ws.write_string(r, 2, format!("项目{r}")).unwrap();
            ws.write_string(r, 3, "锡林能源有限公司").unwrap();
            ws.write_string(r, 4, "旗发改委").unwrap();
            ws.write_number(r, 5, 2019.0).unwrap();
            ws.write_string(r, 6, "土地预审").unwrap();
            ws.write_string(r, 7, "自然资源局").unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reading_whose_request_is_gone_stops_and_frees_its_place() {
        let gate = ImportGate::new(1);
        let bytes = ledger(60_000);
        let done = gate.read(ImportOptions::default(), ledger(3)).await.expect("a small ledger reads");
        assert_eq!(done.projects.len(), 3, "{:?}", done.errors);
        assert_eq!(gate.stopped(), 0, "a reading that ends is not stopped");

        let reading = tokio::spawn({
            let gate = gate.clone();
            async move { gate.read(ImportOptions::default(), bytes).await }
        });
        // Wait until the reading holds the one place, then drop the request.
        while gate.places.available_permits() == 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        reading.abort();
        assert!(reading.await.unwrap_err().is_cancelled());
        while gate.places.available_permits() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(gate.stopped(), 1, "the reading stopped rather than ran to its end");
    }
}
