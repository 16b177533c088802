//! Any bytes uploaded as a ledger: the importer answers with rows or an error in
//! Chinese, and never panics (a panic aborts here, even one the importer would catch).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qidi_core::names::NameTable;
use qidi_office::{read_ledger_bytes, ImportOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ImportOptions { names: NameTable::shipped(), ..ImportOptions::default() };
    match read_ledger_bytes(data, &opts) {
        Ok(import) => {
            for issue in import.errors.iter().chain(&import.warnings) {
                assert!(issue.row >= 1, "rows are numbered from 1: {issue:?}");
                assert!(!issue.message.is_empty(), "every issue says why: {issue:?}");
            }
            for p in &import.projects {
                assert!(p.items.iter().all(|it| it.row >= p.first_row), "{p:?}");
            }
            serde_json::to_string(&import.report()).expect("the report is JSON");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
