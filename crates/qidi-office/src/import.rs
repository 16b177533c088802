//! Reading department ledgers as they are really kept.

mod importer;
mod layout;
mod merge_fill;
mod read;

pub use read::{read_ledger, read_ledger_bytes, ImportOptions};
