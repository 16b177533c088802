//! How to read a ledger, and the reading itself: file checks, the sheet to try, its cells grouped into rows.

use super::importer::Importer;
use super::layout::find_header;
use crate::cells::Val;
use crate::headers::HeaderMap;
use crate::safety::{check_size, check_zip, read_capped, sniff, ArchiveLimits, Cancel, Container, ZipFacts};
use crate::OfficeError;
use calamine::Reader;
use qidi_core::ledger_file::LedgerImport;
use qidi_core::names::NameTable;
use std::io::Cursor;
use std::path::Path;

/// How to read a ledger.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Department and item type names.
    pub names: NameTable,
    /// Header names beyond the built-in variants.
    pub headers: HeaderMap,
    /// Caps checked before parsing.
    pub limits: ArchiveLimits,
    /// Read this sheet; by default the first visible sheet with a recognisable header.
    pub sheet: Option<String>,
    /// How many rows from the top are searched for the header row (default 10).
    pub header_search_rows: u32,
    /// Stops the reading when set.
    pub cancel: Cancel,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            names: NameTable::shipped(),
            headers: HeaderMap::default(),
            limits: ArchiveLimits::default(),
            sheet: None,
            header_search_rows: 10,
            cancel: Cancel::default(),
        }
    }
}

/// Read a ledger file (.xlsx, or .xls) from disk. The size cap is checked before reading.
pub fn read_ledger(path: &Path, opts: &ImportOptions) -> Result<LedgerImport, OfficeError> {
    let bytes = read_capped(path, &opts.limits)?;
    read_ledger_bytes(&bytes, opts)
}

/// Read a ledger from bytes (a web upload).
pub fn read_ledger_bytes(bytes: &[u8], opts: &ImportOptions) -> Result<LedgerImport, OfficeError> {
    check_size(bytes.len() as u64, &opts.limits)?;
    match sniff(bytes)? {
        Container::Zip => guarded(|| {
            let facts = check_zip(bytes, &opts.limits, &opts.cancel)?;
            read_xlsx(bytes, &facts, opts)
        }),
        Container::Cfb => {
            if is_encrypted_ooxml(bytes) {
                return Err(OfficeError::Encrypted);
            }
            guarded(|| read_xls(bytes, opts))
        }
    }
}

/// The parsers must never take the process down: a panic on a malformed file is
/// reported as a corrupt file.
fn guarded<T>(f: impl FnOnce() -> Result<T, OfficeError>) -> Result<T, OfficeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(OfficeError::corrupt("parser panicked")))
}

/// A password-protected .xlsx is a compound file with an `EncryptionInfo` stream.
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    memchr::memmem::find(bytes, &name).is_some()
}

/// A sheet row: 0-based index and its non-empty cells, sorted by column.
pub(super) type Row<'a> = (u32, Vec<(u32, Val<'a>)>);
type CellResult<'a> = Result<Option<((u32, u32), Val<'a>)>, OfficeError>;

/// Groups a stream of cells (in sheet order) into rows.
struct CellRows<'a, F> {
    next: F,
    pending: Option<((u32, u32), Val<'a>)>,
    /// The reader said there are no more cells; asking again would read past the sheet data.
    done: bool,
}

impl<'a, F> CellRows<'a, F>
where
    F: FnMut() -> CellResult<'a>,
{
    fn new(next: F) -> Self {
        CellRows { next, pending: None, done: false }
    }

    fn pull(&mut self) -> CellResult<'a> {
        if self.done {
            return Ok(None);
        }
        let c = (self.next)()?;
        self.done = c.is_none();
        Ok(c)
    }

    fn next_row(&mut self) -> Result<Option<Row<'a>>, OfficeError> {
        let first = match self.pending.take() {
            Some(c) => c,
            None => loop {
                match self.pull()? {
                    None => return Ok(None),
                    Some((_, Val::Empty)) => continue,
                    Some(c) => break c,
                }
            },
        };
        let row = first.0 .0;
        let mut cells = vec![(first.0 .1, first.1)];
        loop {
            match self.pull()? {
                None => break,
                Some((_, Val::Empty)) => continue,
                Some(((r, c), v)) if r == row => cells.push((c, v)),
                Some(other) => {
                    self.pending = Some(other);
                    break;
                }
            }
        }
        if !cells.is_sorted_by_key(|c| c.0) {
            cells.sort_by_key(|c| c.0);
        }
        Ok(Some((row, cells)))
    }
}

fn xlsx_err(e: calamine::XlsxError) -> OfficeError {
    match e {
        calamine::XlsxError::Password => OfficeError::Encrypted,
        other => OfficeError::corrupt(other),
    }
}

fn read_xlsx(bytes: &[u8], facts: &ZipFacts, opts: &ImportOptions) -> Result<LedgerImport, OfficeError> {
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => OfficeError::Encrypted,
        // A zip that is not a workbook (a .docx, a zipped folder).
        calamine::XlsxError::FileNotFound(_) => OfficeError::NotExcel,
        other => OfficeError::corrupt(other),
    })?;
    let candidates = candidate_sheets(wb.sheets_metadata(), opts)?;
    for name in &candidates {
        // Look at the top rows only; most sheets that are not ledgers stop here.
        let top: Vec<Row<'static>> = {
            let mut reader = match wb.worksheet_cells_reader(name) {
                Ok(r) => r,
                Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(xlsx_err(e)),
            };
            let mut rows = CellRows::new(|| {
                let c = reader.next_cell().map_err(xlsx_err)?;
                Ok(c.map(|c| (c.get_position(), Val::from_data_ref(c.get_value()))))
            });
            read_top(&mut rows, opts.header_search_rows)?
                .into_iter()
                .map(|(r, cells)| (r, cells.into_iter().map(|(c, v)| (c, v.into_owned())).collect()))
                .collect()
        };
        let Some(layout) = find_header(&top, opts) else {
            continue;
        };
        // The pre-check collected the merged ranges on its way through; ask the
        // parser (another pass over the sheet) only if the sheet's part is unusual.
        let merges = match facts.merges_of(name) {
            Some(m) => m,
            None => match wb.worksheet_merge_cells(name) {
                Some(Ok(m)) => m.into_iter().map(|d| (d.start, d.end)).collect(),
                Some(Err(e)) => return Err(xlsx_err(e)),
                None => Vec::new(),
            },
        };
        let mut reader = wb.worksheet_cells_reader(name).map_err(xlsx_err)?;
        let mut rows = CellRows::new(|| {
            let c = reader.next_cell().map_err(xlsx_err)?;
            Ok(c.map(|c| (c.get_position(), Val::from_data_ref(c.get_value()))))
        });
        return Importer::new(opts, name.clone(), layout).run(&top, merges, || rows.next_row());
    }
    Err(OfficeError::NoHeader { rows: opts.header_search_rows })
}

fn read_xls(bytes: &[u8], opts: &ImportOptions) -> Result<LedgerImport, OfficeError> {
    let mut wb: calamine::Xls<_> = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => OfficeError::Encrypted,
        other => OfficeError::corrupt(other),
    })?;
    let candidates = candidate_sheets(wb.sheets_metadata(), opts)?;
    for name in &candidates {
        let range = wb.worksheet_range(name).map_err(OfficeError::corrupt)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let top: Vec<Row<'_>> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| range_row(r0 + i as u32, c0, cells))
            .take_while(|(r, _)| *r < opts.header_search_rows)
            .filter(|(_, c)| !c.is_empty())
            .collect();
        let Some(layout) = find_header(&top, opts) else {
            continue;
        };
        let merges = wb.worksheet_merge_cells(name).unwrap_or_default().into_iter().map(|d| (d.start, d.end)).collect();
        let mut rest = range.rows().enumerate().map(|(i, cells)| range_row(r0 + i as u32, c0, cells));
        return Importer::new(opts, name.clone(), layout).run(&top, merges, || Ok(rest.next()));
    }
    Err(OfficeError::NoHeader { rows: opts.header_search_rows })
}

fn range_row(row: u32, c0: u32, cells: &[calamine::Data]) -> Row<'_> {
    let cells = cells
        .iter()
        .enumerate()
        .map(|(j, d)| (c0 + j as u32, Val::from_data(d)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    (row, cells)
}

fn candidate_sheets(sheets: &[calamine::Sheet], opts: &ImportOptions) -> Result<Vec<String>, OfficeError> {
    let worksheets: Vec<&calamine::Sheet> = sheets.iter().filter(|s| s.typ == calamine::SheetType::WorkSheet).collect();
    if let Some(want) = &opts.sheet {
        return match worksheets.iter().find(|s| s.name == *want || s.name.trim() == want.trim()) {
            Some(s) => Ok(vec![s.name.clone()]),
            None => Err(OfficeError::SheetNotFound(want.clone())),
        };
    }
    if worksheets.is_empty() {
        return Err(OfficeError::NoSheet);
    }
    let visible = worksheets.iter().filter(|s| s.visible == calamine::SheetVisible::Visible);
    let hidden = worksheets.iter().filter(|s| s.visible != calamine::SheetVisible::Visible);
    Ok(visible.chain(hidden).map(|s| s.name.clone()).collect())
}

/// The non-empty rows among the first `n` sheet rows.
fn read_top<'a, F>(rows: &mut CellRows<'a, F>, n: u32) -> Result<Vec<Row<'a>>, OfficeError>
where
    F: FnMut() -> CellResult<'a>,
{
    let mut top = Vec::new();
    while let Some(row) = rows.next_row()? {
        if row.0 >= n {
            break;
        }
        top.push(row);
    }
    Ok(top)
}
