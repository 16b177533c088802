//! Reading department ledgers as they are really kept.

use crate::cells::{column_letter, parse_amount, parse_date_text, parse_due, parse_initiation, DueCell, Val};
use crate::headers::{AmountUnit, Field, HeaderMap};
use crate::safety::{
    check_size, check_zip, read_capped, sniff, ArchiveLimits, Cancel, Container, MergedRange, ZipFacts,
};
use crate::OfficeError;
use calamine::Reader;
use chrono::NaiveDate;
use qidi_core::catalogue::to_half_width;
use qidi_core::credit_code::CreditCode;
use qidi_core::ledger_file::{LedgerImport, LedgerItem, LedgerProject, RowIssue, UnknownName};
use qidi_core::names::NameTable;
use qidi_core::names::{did_you_mean, NameKind};
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::sentence::{Arg, Explain, Sentence};
use std::collections::HashMap;
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
type Row<'a> = (u32, Vec<(u32, Val<'a>)>);
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

/// Where the header is and which column holds which field.
#[derive(Debug, Clone)]
struct Layout {
    /// 0-based index of the last header row; data starts below it.
    header_row: u32,
    /// Field → (column, header text as written).
    columns: Vec<Option<(u32, String)>>,
    unit: AmountUnit,
}

impl Layout {
    fn col(&self, f: Field) -> Option<u32> {
        self.columns[f as usize].as_ref().map(|c| c.0)
    }

    /// The header text of a field's column as written; a column letter if the header cell is blank.
    fn header(&self, f: Field) -> String {
        match &self.columns[f as usize] {
            Some((c, h)) if h.is_empty() => column_letter(*c),
            Some((_, h)) => h.clone(),
            None => f.label_zh().to_string(),
        }
    }
}

fn header_text(v: &Val<'_>) -> Option<String> {
    match v {
        Val::Text(s) => Some(s.split_whitespace().collect::<Vec<_>>().join("")),
        _ => None,
    }
}

/// A header cell: column, field, text as written.
type HeaderCell = (u32, Field, String);

fn row_fields(cells: &[(u32, Val<'_>)], headers: &HeaderMap) -> Vec<HeaderCell> {
    let mut out: Vec<HeaderCell> = Vec::new();
    for (c, v) in cells {
        if let Some(h) = header_text(v) {
            if let Some(f) = headers.field_for(&h) {
                if !out.iter().any(|o| o.1 == f) {
                    out.push((*c, f, h));
                }
            }
        }
    }
    out
}

/// The header is the row among the top rows naming the most known columns, with at
/// least the project code and name (possibly with a second header row below it).
fn find_header(top: &[Row<'_>], opts: &ImportOptions) -> Option<Layout> {
    let has = |fs: &[HeaderCell], f: Field| fs.iter().any(|x| x.1 == f);
    let mut best: Option<(usize, Vec<HeaderCell>)> = None;
    for (i, (_, cells)) in top.iter().enumerate() {
        let mut fs = row_fields(cells, &opts.headers);
        // A two-row header: group titles above, sub-headers below.
        let mut last = i;
        if let Some((r2, cells2)) = top.get(i + 1) {
            if *r2 == top[i].0 + 1 {
                let below = row_fields(cells2, &opts.headers);
                let new: Vec<_> = below.into_iter().filter(|b| !fs.iter().any(|f| f.1 == b.1 || f.0 == b.0)).collect();
                let complete = has(&fs, Field::Code) && has(&fs, Field::Name);
                if new.len() >= 2 || (!new.is_empty() && !complete) {
                    fs.extend(new);
                    last = i + 1;
                }
            }
        }
        if !(has(&fs, Field::Code) && has(&fs, Field::Name)) || fs.len() < 3 {
            continue;
        }
        if best.as_ref().is_none_or(|b| fs.len() > b.1.len()) {
            best = Some((last, fs));
        }
    }
    let (last, fs) = best?;
    let mut columns = vec![None; Field::ALL.len()];
    let mut unit = AmountUnit::Wan;
    for (c, f, h) in fs {
        if f == Field::Investment {
            unit = AmountUnit::from_header(&h);
        }
        columns[f as usize] = Some((c, h));
    }
    Some(Layout { header_row: top[last].0, columns, unit })
}

/// Vertically merged item cells: the value of the top cell carried down the region.
///
/// Project columns are not filled: an empty project cell under a project already
/// means "the project above", merged or not.
struct MergeFill<'a> {
    starts: HashMap<u32, Vec<(u32, u32)>>,
    active: Vec<(u32, u32, Val<'a>)>,
}

impl<'a> MergeFill<'a> {
    fn new(merges: Vec<MergedRange>, layout: &Layout) -> Self {
        let item_cols: Vec<u32> =
            Field::ALL.iter().filter(|f| !f.is_project_field()).filter_map(|f| layout.col(*f)).collect();
        let mut starts: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for ((r1, c1), (r2, _)) in merges {
            if r2 > r1 && r1 > layout.header_row && item_cols.contains(&c1) {
                starts.entry(r1).or_default().push((c1, r2));
            }
        }
        MergeFill { starts, active: Vec::new() }
    }

    fn apply(&mut self, row: u32, cells: &mut Vec<(u32, Val<'a>)>) {
        if self.active.is_empty() && self.starts.is_empty() {
            return;
        }
        self.active.retain(|a| a.1 >= row);
        for (col, _, val) in &self.active {
            match cells.binary_search_by_key(col, |c| c.0) {
                Ok(i) if cells[i].1.is_empty() => cells[i].1 = val.clone(),
                Ok(_) => {}
                Err(i) => cells.insert(i, (*col, val.clone())),
            }
        }
        if let Some(starts) = self.starts.remove(&row) {
            for (col, end) in starts {
                if let Ok(i) = cells.binary_search_by_key(&col, |c| c.0) {
                    self.active.push((col, end, cells[i].1.clone()));
                }
            }
        }
    }
}

/// A project being assembled.
struct Acc {
    p: LedgerProject,
    invalid: bool,
    /// Row each project field's value came from.
    source_row: [u32; Field::ALL.len()],
}

#[derive(Clone)]
enum Current {
    None,
    Project(usize),
    /// A project row that could not be read; its item rows are checked but not kept.
    Broken {
        name: Option<String>,
    },
}

struct Importer<'o> {
    opts: &'o ImportOptions,
    sheet: String,
    layout: Layout,
    accs: Vec<Acc>,
    by_code: HashMap<ProjectCode, usize>,
    current: Current,
    errors: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
    /// Name lookups, by the text as written: ledgers repeat a handful of names.
    dept_cache: HashMap<String, Option<String>>,
    item_cache: HashMap<String, Option<(String, String)>>,
    /// Names that matched nothing, by kind and compared form.
    unknown: Vec<UnknownName>,
    unknown_index: HashMap<(NameKind, String), usize>,
}

/// Values of the project columns in one row, read but not yet attached.
#[derive(Default)]
struct ProjectCells {
    code: Option<String>,
    name: Option<String>,
    owner: Option<String>,
    owner_credit_code: Option<String>,
    /// (as written, code)
    dept: Option<(String, String)>,
    year: Option<i32>,
    initiated_on: Option<NaiveDate>,
    investment: Option<Yuan>,
    stage: Option<ProjectStage>,
    /// Whether any project column other than 序号 has something.
    any: bool,
}

#[derive(Default)]
struct ItemCells {
    /// (as written, item type code, default department code)
    item: Option<(String, String, String)>,
    handling: Option<String>,
    check_result: Option<String>,
    responsible_person: Option<String>,
    acceptance_status: Option<String>,
    due_on: Option<NaiveDate>,
    /// The deadline cell says there is no date yet (as written).
    due_not_yet: Option<String>,
    note: Option<String>,
    /// An item column other than 备注 had something (even something unreadable).
    any_besides_note: bool,
}

const FOOTER_PREFIXES: &[&str] = &[
    "填报人",
    "填表人",
    "制表人",
    "制表",
    "审核人",
    "审核",
    "签字",
    "签批",
    "分管旗长",
    "分管副旗长",
    "分管领导",
    "主要负责人",
    "单位负责人",
    "部门负责人",
    "负责人",
    "联系人",
    "联系电话",
    "注",
    "说明",
    "备注",
];

const PROJECT_FIELDS: [Field; 8] = [
    Field::Code,
    Field::Name,
    Field::Owner,
    Field::InitiatingDepartment,
    Field::Year,
    Field::Investment,
    Field::Stage,
    Field::OwnerCreditCode,
];

const ITEM_DETAIL_FIELDS: [Field; 6] = [
    Field::ItemType,
    Field::HandlingDepartment,
    Field::CheckResult,
    Field::ResponsiblePerson,
    Field::AcceptanceStatus,
    Field::DueOn,
];

impl<'o> Importer<'o> {
    fn new(opts: &'o ImportOptions, sheet: String, layout: Layout) -> Self {
        Importer {
            opts,
            sheet,
            layout,
            accs: Vec::new(),
            by_code: HashMap::new(),
            current: Current::None,
            errors: Vec::new(),
            warnings: Vec::new(),
            dept_cache: HashMap::new(),
            item_cache: HashMap::new(),
            unknown: Vec::new(),
            unknown_index: HashMap::new(),
        }
    }

    fn run<'a>(
        mut self,
        top: &[Row<'_>],
        merges: Vec<MergedRange>,
        mut next_row: impl FnMut() -> Result<Option<Row<'a>>, OfficeError>,
    ) -> Result<LedgerImport, OfficeError> {
        let header_row = self.layout.header_row;
        let (title, unit, date) = preamble(top.iter().filter(|r| r.0 < header_row));
        let mut fill = MergeFill::new(merges, &self.layout);
        while let Some((r, mut cells)) = next_row()? {
            self.opts.cancel.check()?;
            if r <= header_row {
                continue;
            }
            fill.apply(r, &mut cells);
            if !self.row(r + 1, &mut cells) {
                break;
            }
        }
        // Collected in place, in the buffer of the larger `Acc`s; shrunk to the projects
        // kept, so the import does not carry the rest of that buffer.
        let mut projects: Vec<LedgerProject> = self.accs.into_iter().filter(|a| !a.invalid).map(|a| a.p).collect();
        projects.shrink_to_fit();
        Ok(LedgerImport {
            sheet: self.sheet,
            header_row: header_row + 1,
            title,
            unit,
            date,
            projects,
            errors: self.errors,
            warnings: self.warnings,
            unknown_names: self.unknown,
        })
    }

    /// A row issue: always a sentence with its catalogue key (a core error's, or one of
    /// this module's), never bare Chinese text.
    fn issue(&self, row: u32, f: Field, message: Sentence) -> RowIssue {
        RowIssue { row, column: self.layout.header(f), message, sheet: self.sheet.clone() }
    }

    fn index(&self, cells: &[(u32, Val<'_>)], f: Field) -> Option<usize> {
        let c = self.layout.col(f)?;
        cells.binary_search_by_key(&c, |x| x.0).ok()
    }

    fn get<'c, 'a>(&self, cells: &'c [(u32, Val<'a>)], f: Field) -> &'c Val<'a> {
        match self.index(cells, f) {
            Some(i) => &cells[i].1,
            None => &EMPTY,
        }
    }

    /// Move a free-text cell's value out of the row.
    fn take_text(&self, row: u32, cells: &mut [(u32, Val<'_>)], f: Field, errs: &mut Vec<RowIssue>) -> Option<String> {
        let i = self.index(cells, f)?;
        match cells[i].1.take_text() {
            Ok(t) => t,
            Err(e) => {
                errs.push(self.issue(row, f, e));
                None
            }
        }
    }

    fn department(&mut self, written: &str) -> Option<String> {
        if let Some(hit) = self.dept_cache.get(written) {
            return hit.clone();
        }
        let code = self.opts.names.department_code(written).map(str::to_string);
        if self.dept_cache.len() < 10_000 {
            self.dept_cache.insert(written.to_string(), code.clone());
        }
        code
    }

    fn item_type(&mut self, written: &str) -> Option<(String, String)> {
        if let Some(hit) = self.item_cache.get(written) {
            return hit.clone();
        }
        let t = self.opts.names.item_type(written).map(|(c, d)| (c.to_string(), d.to_string()));
        if self.item_cache.len() < 10_000 {
            self.item_cache.insert(written.to_string(), t.clone());
        }
        t
    }

    /// The error for a name that matches nothing, with the closest known names; the
    /// name is kept for the office to map.
    fn unknown_name(&mut self, kind: NameKind, written: &str, row: u32) -> Sentence {
        let key = (kind, self.opts.names.key(written));
        let i = match self.unknown_index.get(&key) {
            Some(&i) => i,
            None => {
                let suggestions =
                    self.opts.names.suggest(kind, written, 3).into_iter().map(str::to_string).collect::<Vec<_>>();
                self.unknown.push(UnknownName { kind, written: written.to_string(), rows: Vec::new(), suggestions });
                if self.unknown.len() < 10_000 {
                    self.unknown_index.insert(key, self.unknown.len() - 1);
                }
                self.unknown.len() - 1
            }
        };
        let u = &mut self.unknown[i];
        if u.rows.last() != Some(&row) && u.rows.len() < 10_000 {
            u.rows.push(row);
        }
        let suggestions: Vec<&str> = u.suggestions.iter().map(String::as_str).collect();
        unknown_name_sentence(kind, written, &suggestions)
    }

    /// One data row (1-based `row`). Returns false at the footer.
    fn row(&mut self, row: u32, cells: &mut [(u32, Val<'_>)]) -> bool {
        let code_empty = self.get(cells, Field::Code).is_empty();

        // Footer, totals, repeated header.
        if code_empty {
            if let Some(first) = cells.iter().find_map(|(_, v)| v.text().ok().flatten()) {
                let t = to_half_width(first.trim());
                let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if FOOTER_PREFIXES.iter().any(|p| t.starts_with(p)) && t.contains(':') {
                    return false;
                }
                if ["合计", "总计", "小计"].iter().any(|p| t.starts_with(p)) {
                    return true;
                }
            }
        }
        if let Val::Text(s) = self.get(cells, Field::Code) {
            if self.opts.headers.field_for(s) == Some(Field::Code) {
                return true;
            }
        }
        let mut errs: Vec<RowIssue> = Vec::new();
        let pc = self.project_cells(row, cells, &mut errs);
        let ic = self.item_cells(row, cells, &mut errs);
        if !pc.any && !ic.any_besides_note && ic.note.is_none() && errs.is_empty() {
            return true; // empty row (or only 序号)
        }

        // Which project does this row belong to?
        let target: Current = match (&pc.code, &pc.name) {
            (Some(raw), _) => match ProjectCode::parse(raw) {
                Err(e) => {
                    errs.push(self.issue(row, Field::Code, e.sentence()));
                    Current::Broken { name: pc.name.clone() }
                }
                Ok(code) => {
                    let new = !self.by_code.contains_key(&code);
                    if let (true, Some(m)) = (new, code.shape_note()) {
                        let w = self.issue(row, Field::Code, m);
                        self.warnings.push(w);
                    }
                    self.project_for_code(row, code, &pc, &mut errs)
                }
            },
            (None, Some(name)) => match self.current.clone() {
                Current::Project(i) if self.accs[i].p.name == *name => {
                    self.compare(row, i, &pc);
                    Current::Project(i)
                }
                Current::Broken { name: Some(n) } if n == *name => self.current.clone(),
                _ => {
                    errs.push(self.issue(row, Field::Code, Sentence::new("err-import-code-missing", "缺少项目代码")));
                    Current::Broken { name: Some(name.clone()) }
                }
            },
            (None, None) => match self.current.clone() {
                Current::None => {
                    errs.push(self.issue(
                        row,
                        Field::Code,
                        Sentence::new("err-import-no-project", "该行没有项目代码和项目名称，上方也没有可归属的项目"),
                    ));
                    Current::Broken { name: None }
                }
                Current::Project(i) => {
                    if pc.any {
                        self.compare(row, i, &pc);
                    }
                    Current::Project(i)
                }
                c @ Current::Broken { .. } => c,
            },
        };
        self.current = target.clone();

        if let Current::Project(i) = target {
            if errs.is_empty() {
                self.add_item(row, i, ic);
            } else {
                self.accs[i].invalid = true;
            }
        }
        self.errors.extend(errs);
        true
    }

    fn project_cells(&mut self, row: u32, cells: &mut [(u32, Val<'_>)], errs: &mut Vec<RowIssue>) -> ProjectCells {
        let mut pc =
            ProjectCells { any: PROJECT_FIELDS.iter().any(|f| !self.get(cells, *f).is_empty()), ..Default::default() };
        if !pc.any {
            return pc;
        }
        pc.code = match self.get(cells, Field::Code) {
            // Codes typed into a number cell lose digits past 15.
            Val::Num(f) if f.abs() >= 1e15 => {
                errs.push(self.issue(
                    row,
                    Field::Code,
                    Sentence::new(
                        "err-import-code-stored-as-number",
                        "项目代码被 Excel 存成了数字，末尾数字可能已丢失：请把该列设为文本格式后重新填写",
                    ),
                ));
                None
            }
            _ => self.take_text(row, cells, Field::Code, errs),
        };
        pc.name = self.take_text(row, cells, Field::Name, errs);
        pc.owner = self.take_text(row, cells, Field::Owner, errs);
        match self.get(cells, Field::OwnerCreditCode).structured_text() {
            Ok(Some(t)) => match CreditCode::parse(&t) {
                Ok(c) => pc.owner_credit_code = Some(c.into()),
                Err(e) => errs.push(self.issue(row, Field::OwnerCreditCode, e.sentence())),
            },
            Ok(None) => {}
            Err(e) => errs.push(self.issue(row, Field::OwnerCreditCode, e)),
        }
        match self.get(cells, Field::InitiatingDepartment).structured_text() {
            Ok(Some(t)) => {
                let t = t.into_owned();
                match self.department(&t) {
                    Some(code) => pc.dept = Some((t, code)),
                    None => {
                        let m = self.unknown_name(NameKind::Department, &t, row);
                        errs.push(self.issue(row, Field::InitiatingDepartment, m))
                    }
                }
            }
            Ok(None) => {}
            Err(e) => errs.push(self.issue(row, Field::InitiatingDepartment, e)),
        }
        match parse_initiation(self.get(cells, Field::Year)) {
            Ok(Some(i)) => {
                pc.year = Some(i.year);
                pc.initiated_on = i.date;
            }
            Ok(None) => {}
            Err(e) => errs.push(self.issue(row, Field::Year, e)),
        }
        match parse_amount(self.get(cells, Field::Investment), self.layout.unit) {
            Ok(y) => pc.investment = y,
            Err(e) => errs.push(self.issue(row, Field::Investment, e)),
        }
        match self.get(cells, Field::Stage).structured_text() {
            Ok(Some(t)) => match ProjectStage::parse(&to_half_width(&t)) {
                Some(s) => pc.stage = Some(s),
                None => errs.push(
                    self.issue(
                        row,
                        Field::Stage,
                        Sentence::new(
                            "err-import-stage-unreadable",
                            format!("建设状态“{t}”无法识别：应为“未开工”或“在建”"),
                        )
                        .arg("written", t.as_ref()),
                    ),
                ),
            },
            Ok(None) => {}
            Err(e) => errs.push(self.issue(row, Field::Stage, e)),
        }
        pc
    }

    fn item_cells(&mut self, row: u32, cells: &mut [(u32, Val<'_>)], errs: &mut Vec<RowIssue>) -> ItemCells {
        let mut ic = ItemCells {
            any_besides_note: ITEM_DETAIL_FIELDS.iter().any(|f| !self.get(cells, *f).is_empty()),
            ..Default::default()
        };
        ic.note = self.take_text(row, cells, Field::Note, errs);
        if !ic.any_besides_note {
            return ic;
        }
        match self.get(cells, Field::HandlingDepartment).structured_text() {
            Ok(Some(t)) => {
                let t = t.into_owned();
                match self.department(&t) {
                    Some(code) => ic.handling = Some(code),
                    None => {
                        let m = self.unknown_name(NameKind::Department, &t, row);
                        errs.push(self.issue(row, Field::HandlingDepartment, m))
                    }
                }
            }
            Ok(None) => {}
            Err(e) => errs.push(self.issue(row, Field::HandlingDepartment, e)),
        }
        match self.get(cells, Field::ItemType).structured_text() {
            Ok(Some(t)) => {
                let t = t.into_owned();
                match self.item_type(&t) {
                    Some((code, dept)) => ic.item = Some((t, code, dept)),
                    None => {
                        let m = self.unknown_name(NameKind::ItemType, &t, row);
                        errs.push(self.issue(row, Field::ItemType, m))
                    }
                }
            }
            Ok(None) => {
                if self.layout.col(Field::ItemType).is_some() && self.get(cells, Field::ItemType).is_empty() {
                    errs.push(self.issue(
                        row,
                        Field::ItemType,
                        Sentence::new(
                            "err-import-item-type-missing",
                            "缺少待批事项：该行填写了办理情况，但没有写是哪个事项",
                        ),
                    ));
                }
            }
            Err(e) => errs.push(self.issue(row, Field::ItemType, e)),
        }
        ic.check_result = self.take_text(row, cells, Field::CheckResult, errs);
        ic.responsible_person = self.take_text(row, cells, Field::ResponsiblePerson, errs);
        ic.acceptance_status = self.take_text(row, cells, Field::AcceptanceStatus, errs);
        match parse_due(self.get(cells, Field::DueOn)) {
            Ok(DueCell::On(d)) => ic.due_on = Some(d),
            Ok(DueCell::Empty) => {}
            Ok(DueCell::NotYet(w)) => ic.due_not_yet = Some(w),
            Err(e) => errs.push(self.issue(row, Field::DueOn, e)),
        }
        ic
    }

    /// The project a parsed code names: the current one, an earlier one (merged, with
    /// a warning), or a new one.
    fn project_for_code(
        &mut self,
        row: u32,
        code: ProjectCode,
        pc: &ProjectCells,
        errs: &mut Vec<RowIssue>,
    ) -> Current {
        if let Current::Project(i) = self.current {
            if self.accs[i].p.code == code {
                self.compare(row, i, pc);
                return Current::Project(i);
            }
        }
        if let Some(&i) = self.by_code.get(&code) {
            let first = self.accs[i].p.first_row;
            let m = Sentence::new(
                "err-import-code-repeated",
                format!("项目代码 {code} 在第 {first} 行已出现，已合并为同一项目"),
            )
            .arg("code", code.as_str())
            .arg("first", first);
            let w = self.issue(row, Field::Code, m);
            self.warnings.push(w);
            self.compare(row, i, pc);
            return Current::Project(i);
        }
        let Some(name) = pc.name.clone() else {
            errs.push(self.issue(row, Field::Name, Sentence::new("err-import-name-missing", "缺少项目名称")));
            return Current::Broken { name: None };
        };
        let i = self.accs.len();
        self.accs.push(Acc {
            p: LedgerProject {
                code: code.clone(),
                name,
                owner: pc.owner.clone(),
                owner_credit_code: pc.owner_credit_code.clone(),
                initiating_department: pc.dept.as_ref().map(|d| d.1.clone()),
                year: pc.year,
                initiated_on: pc.initiated_on,
                investment: pc.investment,
                stage: pc.stage,
                items: Vec::new(),
                first_row: row,
            },
            invalid: false,
            source_row: [row; Field::ALL.len()],
        });
        self.by_code.insert(code, i);
        Current::Project(i)
    }

    /// Compare a later row's project cells with the project; warn where they disagree,
    /// fill in what the project lacked.
    fn compare(&mut self, row: u32, i: usize, pc: &ProjectCells) {
        let names = &self.opts.names;
        let mut warns: Vec<(Field, Sentence)> = Vec::new();
        let acc = &mut self.accs[i];
        let p = &mut acc.p;
        let sr = &mut acc.source_row;
        let mut name = Some(p.name.clone());
        let mut day_src = sr[Field::Year as usize];
        let dept_name = |c: &String| Shown::data(names.department_name(c).to_string());
        let text = |s: &String| Shown::data(s.clone());
        let checks = [
            reconcile(&mut name, &pc.name, &mut sr[Field::Name as usize], row, text).map(|m| (Field::Name, m)),
            reconcile(&mut p.owner, &pc.owner, &mut sr[Field::Owner as usize], row, text).map(|m| (Field::Owner, m)),
            reconcile(
                &mut p.owner_credit_code,
                &pc.owner_credit_code,
                &mut sr[Field::OwnerCreditCode as usize],
                row,
                text,
            )
            .map(|m| (Field::OwnerCreditCode, m)),
            reconcile(
                &mut p.initiating_department,
                &pc.dept.as_ref().map(|d| d.1.clone()),
                &mut sr[Field::InitiatingDepartment as usize],
                row,
                dept_name,
            )
            .map(|m| (Field::InitiatingDepartment, m)),
            reconcile(&mut p.year, &pc.year, &mut sr[Field::Year as usize], row, |y| Shown::data(y.to_string()))
                .map(|m| (Field::Year, m)),
            // The day shares the year's column and its source row.
            reconcile(&mut p.initiated_on, &pc.initiated_on, &mut day_src, row, |d| {
                Shown::data(d.format("%Y-%m-%d").to_string())
            })
            .map(|m| (Field::Year, m)),
            reconcile(&mut p.investment, &pc.investment, &mut sr[Field::Investment as usize], row, |y| {
                Shown::data(y.to_wan_string())
            })
            .map(|m| (Field::Investment, m)),
            reconcile(&mut p.stage, &pc.stage, &mut sr[Field::Stage as usize], row, |s| Shown {
                text: s.label_zh().to_string(),
                arg: Arg::Label { prefix: "stage", code: s.as_str() },
            })
            .map(|m| (Field::Stage, m)),
        ];
        warns.extend(checks.into_iter().flatten());
        for (f, m) in warns {
            let w = self.issue(row, f, m);
            self.warnings.push(w);
        }
    }

    fn add_item(&mut self, row: u32, i: usize, ic: ItemCells) {
        let Some((written, code, default_dept)) = ic.item else {
            if ic.note.is_some() {
                let m = Sentence::new("err-import-note-without-item", "备注没有对应的待批事项，未导入");
                let w = self.issue(row, Field::Note, m);
                self.warnings.push(w);
            }
            return;
        };
        if let Some(w) = &ic.due_not_yet {
            let m = Sentence::new(
                "err-import-due-not-yet",
                format!("完成时限写的是“{w}”：尚无完成时限，已导入但不存日期、不亮灯，请在确定后补填时限"),
            )
            .arg("written", w);
            let w = self.issue(row, Field::DueOn, m);
            self.warnings.push(w);
        }
        let item = LedgerItem {
            item_type: code,
            handling_department: ic.handling.unwrap_or(default_dept),
            check_result: ic.check_result,
            responsible_person: ic.responsible_person,
            acceptance_status: ic.acceptance_status,
            due_on: ic.due_on,
            note: ic.note,
            row,
        };
        let acc = &mut self.accs[i];
        // A project lists each item type once, so it has no more items than the
        // catalogue has types: searching its few items costs less memory than a map for
        // each of a region's projects.
        match acc.p.items.iter().position(|it| it.item_type == item.item_type) {
            None => {
                // Grown one at a time: a Vec's doubling left most projects' lists a
                // quarter empty, 15 MB of a 100,000-project ledger.
                acc.p.items.reserve_exact(1);
                acc.p.items.push(item);
            }
            Some(j) => {
                let old = &mut acc.p.items[j];
                let first = old.row;
                let same = old.handling_department == item.handling_department
                    && merge_opt(&mut old.check_result, item.check_result)
                    && merge_opt(&mut old.responsible_person, item.responsible_person)
                    && merge_opt(&mut old.acceptance_status, item.acceptance_status)
                    && merge_opt(&mut old.due_on, item.due_on)
                    && merge_opt(&mut old.note, item.note);
                let message = if same {
                    Sentence::new(
                        "err-import-item-repeated",
                        format!("待批事项“{written}”在第 {first} 行已列出，已合并"),
                    )
                } else {
                    Sentence::new(
                        "err-import-item-repeated-differs",
                        format!("待批事项“{written}”在第 {first} 行已列出且内容不同，已采用第 {first} 行的内容"),
                    )
                }
                .arg("item", &written)
                .arg("first", first);
                let w = self.issue(row, Field::ItemType, message);
                self.warnings.push(w);
            }
        }
    }
}

/// A project field's value as a warning shows it: its Chinese text, and the argument
/// another language shows it by (a label for a code, else the same text).
struct Shown {
    text: String,
    arg: Arg,
}

impl Shown {
    /// Data, shown as it is in every language.
    fn data(text: String) -> Shown {
        Shown { arg: Arg::Text(text.clone()), text }
    }
}

/// The error for a department or item type name that matches nothing: the closest
/// known names, if any, and how the office maps it.
fn unknown_name_sentence(kind: NameKind, written: &str, suggestions: &[&str]) -> Sentence {
    let hint = did_you_mean(suggestions);
    let stop = if hint.is_empty() { "" } else { "。" };
    let s = match (kind, suggestions.is_empty()) {
        (NameKind::Department, true) => Sentence::new(
            "err-import-unknown-department",
            format!("部门“{written}”不在部门目录中（领导小组办公室可在导入检查页把它对应到已有部门，或请管理员添加别名）"),
        ),
        (NameKind::Department, false) => Sentence::new(
            "err-import-unknown-department-suggest",
            format!("部门“{written}”不在部门目录中{stop}{hint}（领导小组办公室可在导入检查页把它对应到已有部门，或请管理员添加别名）"),
        ),
        (NameKind::ItemType, true) => Sentence::new(
            "err-import-unknown-item-type",
            format!("待批事项“{written}”不在审批事项目录中（领导小组办公室可在导入检查页把它对应到已有事项，或请管理员添加别名）"),
        ),
        (NameKind::ItemType, false) => Sentence::new(
            "err-import-unknown-item-type-suggest",
            format!("待批事项“{written}”不在审批事项目录中{stop}{hint}（领导小组办公室可在导入检查页把它对应到已有事项，或请管理员添加别名）"),
        ),
    };
    let s = s.arg("written", written);
    if suggestions.is_empty() {
        s
    } else {
        s.arg("suggestions", suggestions.join(", "))
    }
}

/// Reconcile a project field with a later row's value: fill it in if the project
/// lacked it, or describe the disagreement (the first value is kept).
fn reconcile<T: PartialEq + Clone>(
    old: &mut Option<T>,
    new: &Option<T>,
    src: &mut u32,
    row: u32,
    show: impl Fn(&T) -> Shown,
) -> Option<Sentence> {
    match (old.as_ref(), new) {
        (Some(o), Some(n)) if o != n => {
            let (o, n, src) = (show(o), show(n), *src);
            if o.text == n.text {
                let m = format!("与第 {src} 行的值略有不同，已采用第 {src} 行的值");
                Some(Sentence::new("err-import-differs-slightly", m).arg("first", src))
            } else {
                let m =
                    format!("与第 {src} 行不一致（本行“{}”，第 {src} 行“{}”），已采用第 {src} 行的值", n.text, o.text);
                Some(
                    Sentence::new("err-import-differs", m)
                        .arg("first", src)
                        .arg("value", n.arg)
                        .arg("first_value", o.arg),
                )
            }
        }
        (None, Some(n)) => {
            *old = Some(n.clone());
            *src = row;
            None
        }
        _ => None,
    }
}

/// Fill `old` from `new` if empty; false if both are set and differ.
fn merge_opt<T: PartialEq>(old: &mut Option<T>, new: Option<T>) -> bool {
    match (old.as_ref(), new) {
        (None, n) => {
            *old = n;
            true
        }
        (Some(_), None) => true,
        (Some(o), Some(n)) => *o == n,
    }
}

static EMPTY: Val<'static> = Val::Empty;

/// Title, 填报单位 and 填报日期 from the rows above the header.
fn preamble<'r, 'a: 'r>(
    rows: impl Iterator<Item = &'r Row<'a>>,
) -> (Option<String>, Option<String>, Option<NaiveDate>) {
    let (mut title, mut unit, mut date) = (None, None, None);
    for (_, cells) in rows {
        let texts: Vec<String> =
            cells.iter().filter_map(|(_, v)| v.text().ok().flatten()).map(|t| t.into_owned()).collect();
        let mut labelled = false;
        for (k, t) in texts.iter().enumerate() {
            let next = || texts.get(k + 1).cloned();
            if let Some(v) = labelled_value(t, &["填报单位", "报送单位", "单位名称"]) {
                labelled = true;
                let v = if v.is_empty() { next().unwrap_or_default() } else { v };
                if !v.is_empty() && unit.is_none() {
                    unit = Some(v);
                }
            }
            if let Some(v) = labelled_value(t, &["填报日期", "填报时间", "报送日期", "日期", "时间"]) {
                labelled = true;
                let v = if v.is_empty() { next().unwrap_or_default() } else { v };
                if date.is_none() {
                    date = parse_date_text(&v);
                }
            }
        }
        if !labelled && title.is_none() {
            if let Some(t) = texts.first() {
                title = Some(t.clone());
            }
        }
    }
    (title, unit, date)
}

/// The text after `label：` up to the next label or a wide gap.
fn labelled_value(text: &str, labels: &[&str]) -> Option<String> {
    let (start, label) = labels.iter().filter_map(|l| text.find(l).map(|i| (i, *l))).min_by_key(|x| x.0)?;
    let rest = &text[start + label.len()..];
    let rest = rest.trim_start_matches([':', '：', ' ', '\u{3000}']);
    // The value ends at two spaces, an ideographic space, a tab, or the next label.
    let mut end = rest.len();
    for stop in ["  ", "\u{3000}", "\t", "填报日期", "填报时间", "报送日期", "填报单位", "报送单位"]
    {
        if let Some(i) = rest.find(stop) {
            end = end.min(i);
        }
    }
    Some(rest[..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_values() {
        assert_eq!(
            labelled_value("填报单位：旗发改委    填报日期：2026年11月27日", &["填报单位"]).as_deref(),
            Some("旗发改委")
        );
        assert_eq!(
            labelled_value("填报单位：旗发改委    填报日期：2026年11月27日", &["填报日期"]).as_deref(),
            Some("2026年11月27日")
        );
        assert_eq!(labelled_value("填报单位:旗发改委", &["填报单位"]).as_deref(), Some("旗发改委"));
        assert_eq!(labelled_value("填报单位：", &["填报单位"]).as_deref(), Some(""));
        assert_eq!(labelled_value("项目清单", &["填报单位"]), None);
    }
}
