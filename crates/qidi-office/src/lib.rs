//! Excel ledgers (台账) in and out.
//!
//! * [`read_ledger`] / [`read_ledger_bytes`] read the spreadsheets departments keep:
//!   title and 填报单位 rows above the header, header variants, project cells merged
//!   over their item rows, dates and amounts as people type them. Rows that cannot
//!   be read come back as [`RowIssue`]s naming the sheet row, the column and why.
//!   Files are checked before any parser sees them (size, zip-bomb caps on the real
//!   decompressed bytes, no DTDs): see [`ArchiveLimits`].
//! * [`write_ledger`] and [`LedgerWriter`] write the official layout (sheet 台账)
//!   and a plain one-row-per-item sheet (明细), streaming in constant memory.
//!
//! No database and no I/O beyond the file being read or written.

mod bulletin;
mod cells;
mod error;
mod export;
mod headers;
mod import;
pub mod inbox_export;
mod lookback;
mod merges;
mod safety;

pub use bulletin::{bulletin_docx, bulletin_xlsx, docx_paragraphs, official_docx};
pub use error::OfficeError;
pub use export::{
    write_ledger, write_ledger_to, ExportSheets, LedgerExport, LedgerWriter, OFFICIAL_SHEET, PLAIN_SHEET,
};
pub use headers::{normalise_header, parse_field, Field, HeaderMap};
pub use import::{read_ledger, read_ledger_bytes, ImportOptions};
pub use lookback::{lookback_docx, lookback_xlsx};
/// What a ledger file holds, in core's shapes (the store keeps them without this crate).
pub use qidi_core::ledger_file::{ImportReport, LedgerImport, LedgerItem, LedgerProject, RowIssue, UnknownName};
/// Department and item type names are matched by core's table (region names stripped).
pub use qidi_core::names::{NameKind, NameTable};
pub use safety::{ArchiveLimits, Cancel};
