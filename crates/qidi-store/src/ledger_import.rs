//! Spreadsheet ledgers into the database and back out.
//!
//! [`Store::import_ledger`] upserts what a ledger file held (core `ledger_file`; the
//! spreadsheet crate reads it), keyed by (region, project
//! code) and, for pending items, by (project, item type), in ONE transaction with one
//! `ledger.import` event: importing the same file again changes nothing. A file with
//! any row error writes nothing unless the caller asks to skip the invalid projects.
//! [`Store::export_ledger`] hands the ledger in scope to a writer, project by project,
//! reading the database in pages so memory stays bounded.

mod batch;
mod export;
mod import;
mod lookup;
mod refusals;

pub(crate) use batch::{addition_row, Batch, Col, Val, BASELINE_COLUMNS, PROJECT_COLUMNS};
pub(crate) use export::{ledger_items, ledger_project, LEDGER_ITEM_SELECT, LEDGER_PROJECT_SELECT};
pub use import::{ImportMode, ImportSummary};
/// For the query-plan tests (`crate::plans`).
#[cfg(test)]
pub(crate) use lookup::{stored_items_sql, stored_owners_sql, stored_projects_sql};

// The module doc's links.
#[cfg(doc)]
use crate::Store;
