//! Writing ledgers: the official layout and a plain sheet for analysis.
//!
//! Both sheets are written in rust_xlsxwriter's constant-memory mode: each row goes
//! to a temporary file as soon as the next row starts, so memory does not grow with
//! the row count. The official sheet's project cells are merged over their item rows,
//! but not through rust_xlsxwriter, which keeps one map entry per merged cell: the
//! rows below a project's first are formatted blanks, and the merged ranges are added
//! to the saved file afterwards (see `crate::merges`).
//!
//! Every text value is written with `write_string`/`merge_range` (never as a
//! formula), and text starting with `= + - @`, tab or CR (or their full-width forms)
//! also gets Excel's quote prefix so that editing the cell keeps it text.

use crate::headers::Field;
use crate::merges::{self, RowSpans};
use crate::OfficeError;
use chrono::{Datelike, NaiveDate};
use qidi_core::ledger_file::{LedgerItem, LedgerProject};
use qidi_core::names::NameTable;
use qidi_core::project::Yuan;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use std::fs::File;
use std::io::{BufWriter, Cursor, Seek, Write};
use std::path::{Path, PathBuf};

/// The official sheet's name.
pub const OFFICIAL_SHEET: &str = "台账";
/// The plain sheet's name.
pub const PLAIN_SHEET: &str = "明细";

/// Excel's last row (0-based) is 1,048,575.
const MAX_ROW: u32 = 1_048_575;

/// A whole ledger in memory. For very large exports stream with [`LedgerWriter`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerExport {
    /// The title row, e.g. `正镶白旗待批项目大起底台账`.
    pub title: String,
    /// 填报单位.
    pub unit: String,
    /// 填报日期.
    pub date: NaiveDate,
    pub projects: Vec<LedgerProject>,
}

/// Which sheets to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportSheets {
    /// 台账 (official layout) then 明细 (plain).
    #[default]
    Both,
    OfficialOnly,
    /// Only 明细: constant memory at any size.
    PlainOnly,
}

/// Write a ledger to a file. Returns the number of data rows (one per item; a
/// project without items takes one row).
pub fn write_ledger(path: &Path, ledger: &LedgerExport, names: &NameTable) -> Result<u64, OfficeError> {
    let mut w = LedgerWriter::new(&ledger.title, &ledger.unit, ledger.date, names, ExportSheets::Both)?;
    for p in &ledger.projects {
        w.push(p)?;
    }
    w.finish(path)
}

/// Write a ledger to any seekable writer (an HTTP response buffer, a `Vec<u8>` cursor).
pub fn write_ledger_to<W: Write + Seek + Send>(
    writer: W,
    ledger: &LedgerExport,
    names: &NameTable,
) -> Result<u64, OfficeError> {
    let mut w = LedgerWriter::new(&ledger.title, &ledger.unit, ledger.date, names, ExportSheets::Both)?;
    for p in &ledger.projects {
        w.push(p)?;
    }
    w.finish_to_writer(writer)
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    text_quoted: Format,
    center: Format,
    center_quoted: Format,
    money: Format,
    date: Format,
    integer: Format,
    footer: Format,
    plain_header: Format,
    plain_text_quoted: Format,
    plain_money: Format,
    plain_date: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_font_size(10)
            .set_text_wrap();
        let center = cell.clone().set_align(FormatAlign::Center);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_font_size(11).set_align(FormatAlign::VerticalCenter),
            header: Format::new()
                .set_bold()
                .set_font_size(10)
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9D9D9)),
            text_quoted: cell.clone().set_quote_prefix(),
            center_quoted: center.clone().set_quote_prefix(),
            money: cell.clone().set_num_format("#,##0.00").set_align(FormatAlign::Right),
            date: center.clone().set_num_format("yyyy-mm-dd"),
            integer: center.clone().set_num_format("0"),
            text: cell,
            center,
            footer: Format::new().set_font_size(12).set_align(FormatAlign::VerticalCenter),
            plain_header: Format::new().set_bold(),
            plain_text_quoted: Format::new().set_quote_prefix(),
            plain_money: Format::new().set_num_format("0.00##"),
            plain_date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// Text that a spreadsheet would take for a formula or a command if typed.
pub(crate) fn is_formula_like(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠'))
}

/// The official sheet's columns, in order.
/// The official layout's 15 columns: every field but the project unit's credit code,
/// which is read when a ledger has it and never written.
const OFFICIAL_COLUMNS: &[Field] = Field::ALL.as_slice().split_at(15).0;
/// The plain sheet's columns: no 序号.
const PLAIN_COLUMNS: [Field; 14] = [
    Field::Code,
    Field::Name,
    Field::Owner,
    Field::InitiatingDepartment,
    Field::Year,
    Field::Investment,
    Field::Stage,
    Field::ItemType,
    Field::HandlingDepartment,
    Field::CheckResult,
    Field::ResponsiblePerson,
    Field::AcceptanceStatus,
    Field::DueOn,
    Field::Note,
];

fn width(f: Field) -> f64 {
    match f {
        Field::Seq => 5.0,
        Field::Code => 26.0,
        Field::Name => 30.0,
        Field::Owner | Field::OwnerCreditCode => 22.0,
        Field::InitiatingDepartment | Field::HandlingDepartment => 16.0,
        Field::Year => 7.0,
        Field::Investment => 12.0,
        Field::Stage => 8.0,
        Field::ItemType => 16.0,
        Field::CheckResult | Field::AcceptanceStatus => 18.0,
        Field::ResponsiblePerson => 10.0,
        Field::DueOn => 11.0,
        Field::Note => 20.0,
    }
}

/// A value in one cell.
enum Cell<'a> {
    Blank,
    Text(&'a str),
    Int(i64),
    Money(Yuan),
    Date(NaiveDate),
}

/// Streams projects into a workbook. `push` each project, then `finish`.
pub struct LedgerWriter<'n> {
    names: &'n NameTable,
    workbook: Workbook,
    official: Option<Worksheet>,
    plain: Option<Worksheet>,
    fmt: Formats,
    official_row: u32,
    plain_row: u32,
    seq: u32,
    rows: u64,
    /// Projects of the official sheet whose cells are merged, added at `finish`.
    spans: RowSpans,
    /// Where temporary files go (`None`: the system's temp dir).
    tempdir: Option<PathBuf>,
}

impl<'n> LedgerWriter<'n> {
    /// Start a workbook: title, 填报单位 and date rows and the headers are written now.
    pub fn new(
        title: &str,
        unit: &str,
        date: NaiveDate,
        names: &'n NameTable,
        sheets: ExportSheets,
    ) -> Result<Self, OfficeError> {
        Self::new_in(title, unit, date, names, sheets, None)
    }

    /// Like [`LedgerWriter::new`], with the rows' temporary files in `tempdir`
    /// (the system temp dir by default; it should not be a RAM disk for huge exports).
    pub fn new_in(
        title: &str,
        unit: &str,
        date: NaiveDate,
        names: &'n NameTable,
        sheets: ExportSheets,
        tempdir: Option<&Path>,
    ) -> Result<Self, OfficeError> {
        let mut workbook = Workbook::new();
        if let Some(dir) = tempdir {
            workbook.set_tempdir(dir)?;
        }
        let fmt = Formats::new();
        let mut w = LedgerWriter {
            names,
            official: None,
            plain: None,
            fmt,
            official_row: 0,
            plain_row: 0,
            seq: 0,
            rows: 0,
            workbook,
            spans: RowSpans::new(tempdir),
            tempdir: tempdir.map(Path::to_path_buf),
        };
        if sheets != ExportSheets::PlainOnly {
            let mut ws = w.workbook.new_worksheet_with_constant_memory();
            ws.set_name(OFFICIAL_SHEET)?;
            w.official_row = official_preamble(&mut ws, &w.fmt, title, unit, date)?;
            w.official = Some(ws);
        }
        if sheets != ExportSheets::OfficialOnly {
            let mut ws = w.workbook.new_worksheet_with_constant_memory();
            ws.set_name(PLAIN_SHEET)?;
            for (c, f) in PLAIN_COLUMNS.iter().enumerate() {
                ws.set_column_width(c as u16, width(*f))?;
                ws.write_string_with_format(0, c as u16, f.label_zh(), &w.fmt.plain_header)?;
            }
            ws.set_freeze_panes(1, 0)?;
            w.plain_row = 1;
            w.plain = Some(ws);
        }
        Ok(w)
    }

    /// Data rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Write one project and its items.
    pub fn push(&mut self, p: &LedgerProject) -> Result<(), OfficeError> {
        let k = p.items.len().max(1) as u32;
        self.seq += 1;
        let names = self.names;
        let dept = p.initiating_department.as_deref().map(|c| names.department_name(c));
        let project_cell = |f: Field, seq: u32| -> Cell<'_> {
            match f {
                Field::Seq => Cell::Int(seq as i64),
                Field::Code => Cell::Text(p.code.as_str()),
                Field::Name => Cell::Text(&p.name),
                Field::Owner => opt_text(p.owner.as_deref()),
                Field::InitiatingDepartment => opt_text(dept),
                Field::Year => p.year.map_or(Cell::Blank, |y| Cell::Int(y as i64)),
                Field::Investment => p.investment.map_or(Cell::Blank, Cell::Money),
                Field::Stage => p.stage.map_or(Cell::Blank, |s| Cell::Text(s.label_zh())),
                _ => Cell::Blank,
            }
        };
        if let Some(ws) = self.official.as_mut() {
            let r0 = self.official_row;
            if r0 + k - 1 > MAX_ROW - 2 {
                return Err(OfficeError::TooManyRows);
            }
            // Row after row, as constant-memory mode wants. Below the first row the
            // project cells are blanks with the same format (borders), merged at `finish`.
            for i in 0..k {
                let it = p.items.get(i as usize);
                for (c, f) in OFFICIAL_COLUMNS.iter().enumerate() {
                    let cell = match (f.is_project_field(), i) {
                        (true, 0) => project_cell(*f, self.seq),
                        (true, _) => Cell::Blank,
                        (false, _) => item_cell(names, *f, it),
                    };
                    write_official(ws, &self.fmt, r0 + i, c as u16, *f, &cell)?;
                }
            }
            if k > 1 {
                self.spans.push(r0, r0 + k - 1)?;
            }
            self.official_row += k;
        }

        if let Some(ws) = self.plain.as_mut() {
            if self.plain_row + k - 1 > MAX_ROW {
                return Err(OfficeError::TooManyRows);
            }
            for i in 0..k {
                let it = p.items.get(i as usize);
                let r = self.plain_row + i;
                for (c, f) in PLAIN_COLUMNS.iter().enumerate() {
                    let cell = if f.is_project_field() { project_cell(*f, 0) } else { item_cell(names, *f, it) };
                    write_plain(ws, &self.fmt, r, c as u16, &cell)?;
                }
            }
            self.plain_row += k;
        }
        self.rows += k as u64;
        Ok(())
    }

    fn finish_sheets(&mut self) -> Result<(), OfficeError> {
        if let Some(mut ws) = self.official.take() {
            // Signature lines, one blank row below the table.
            let r = self.official_row + 1;
            if r > MAX_ROW {
                return Err(OfficeError::TooManyRows);
            }
            ws.merge_range(r, 0, r, 4, "填报人：", &self.fmt.footer)?;
            ws.merge_range(r, 5, r, 9, "审核人（部门主要负责人）：", &self.fmt.footer)?;
            ws.merge_range(r, 10, r, 14, "分管旗长：", &self.fmt.footer)?;
            // No custom height here: rust_xlsxwriter 0.90's constant-memory mode writes
            // the last row twice (an invalid file) if that row has a custom height.
            self.workbook.push_worksheet(ws);
        }
        if let Some(mut ws) = self.plain.take() {
            if self.plain_row > 1 {
                ws.autofilter(0, 0, self.plain_row - 1, PLAIN_COLUMNS.len() as u16 - 1)?;
            }
            self.workbook.push_worksheet(ws);
        }
        Ok(())
    }

    /// Write the footer and save to `path`. Returns the number of data rows.
    ///
    /// With merged projects, the workbook is first saved to a temporary file next to
    /// `path`, then copied into `path` with the merges; if that fails, `path` is removed
    /// rather than left half written.
    pub fn finish(mut self, path: &Path) -> Result<u64, OfficeError> {
        self.finish_sheets()?;
        if self.spans.is_empty() {
            self.workbook.save(path)?;
            return Ok(self.rows);
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let saved = save_to_temp(&mut self.workbook, Some(dir))?;
        let out = File::create(path).map_err(merges::io_err)?;
        let written = merges::add_merges(saved, BufWriter::new(out), OFFICIAL_SHEET, &merged_columns(), self.spans)
            .and_then(|w| w.into_inner().map_err(|e| merges::io_err(e.into_error())));
        if written.is_err() {
            let _ = std::fs::remove_file(path);
        }
        written?;
        Ok(self.rows)
    }

    /// Write the footer and save to a seekable writer. Returns the number of data rows.
    pub fn finish_to_writer<W: Write + Seek + Send>(mut self, writer: W) -> Result<u64, OfficeError> {
        self.finish_sheets()?;
        if self.spans.is_empty() {
            self.workbook.save_to_writer(writer)?;
            return Ok(self.rows);
        }
        let saved = save_to_temp(&mut self.workbook, self.tempdir.as_deref())?;
        merges::add_merges(saved, writer, OFFICIAL_SHEET, &merged_columns(), self.spans)?;
        Ok(self.rows)
    }

    /// Write the footer and return the file's bytes and the number of data rows.
    pub fn finish_to_buffer(mut self) -> Result<(Vec<u8>, u64), OfficeError> {
        self.finish_sheets()?;
        if self.spans.is_empty() {
            let bytes = self.workbook.save_to_buffer()?;
            return Ok((bytes, self.rows));
        }
        // Through a temporary file, so that only the final bytes are held in memory.
        let saved = save_to_temp(&mut self.workbook, self.tempdir.as_deref())?;
        let out = merges::add_merges(saved, Cursor::new(Vec::new()), OFFICIAL_SHEET, &merged_columns(), self.spans)?;
        Ok((out.into_inner(), self.rows))
    }
}

/// Save the workbook, as rust_xlsxwriter writes it, to an anonymous temporary file in
/// `dir`, rewound for reading.
fn save_to_temp(workbook: &mut Workbook, dir: Option<&Path>) -> Result<File, OfficeError> {
    let mut file = merges::temp_file(dir)?;
    workbook.save_to_writer(&mut file)?;
    file.rewind().map_err(merges::io_err)?;
    Ok(file)
}

/// The official sheet's columns that hold project fields: merged over the item rows.
fn merged_columns() -> Vec<u16> {
    (0..OFFICIAL_COLUMNS.len() as u16).filter(|&c| OFFICIAL_COLUMNS[c as usize].is_project_field()).collect()
}

fn item_cell<'a>(names: &'a NameTable, f: Field, it: Option<&'a LedgerItem>) -> Cell<'a> {
    let Some(it) = it else { return Cell::Blank };
    match f {
        Field::ItemType => Cell::Text(names.item_type_name(&it.item_type)),
        Field::HandlingDepartment => Cell::Text(names.department_name(&it.handling_department)),
        Field::CheckResult => opt_text(it.check_result.as_deref()),
        Field::ResponsiblePerson => opt_text(it.responsible_person.as_deref()),
        Field::AcceptanceStatus => opt_text(it.acceptance_status.as_deref()),
        Field::DueOn => it.due_on.map_or(Cell::Blank, Cell::Date),
        Field::Note => opt_text(it.note.as_deref()),
        _ => Cell::Blank,
    }
}

fn opt_text(s: Option<&str>) -> Cell<'_> {
    match s {
        Some(s) if !s.is_empty() => Cell::Text(s),
        _ => Cell::Blank,
    }
}

/// Title row, 填报单位 row and header row. Returns the first data row.
fn official_preamble(
    ws: &mut Worksheet,
    fmt: &Formats,
    title: &str,
    unit: &str,
    date: NaiveDate,
) -> Result<u32, OfficeError> {
    let last = OFFICIAL_COLUMNS.len() as u16 - 1;
    for (c, f) in OFFICIAL_COLUMNS.iter().enumerate() {
        ws.set_column_width(c as u16, width(*f))?;
    }
    // In constant-memory mode a row's height is set once the row is current.
    ws.merge_range(0, 0, 0, last, title, &title_format(fmt, title))?;
    ws.set_row_height(0, 36)?;
    let line = format!("填报单位：{unit}    填报日期：{}年{}月{}日", date.year(), date.month(), date.day());
    ws.merge_range(1, 0, 1, last, &line, &fmt.subtitle)?;
    ws.set_row_height(1, 22)?;
    for (c, f) in OFFICIAL_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, f.label_zh(), &fmt.header)?;
    }
    ws.set_row_height(2, 30)?;
    ws.set_freeze_panes(3, 0)?;
    ws.set_repeat_rows(2, 2)?;
    ws.set_landscape();
    ws.set_paper_size(8); // A3
    ws.set_print_fit_to_pages(1, 0);
    Ok(3)
}

fn title_format(fmt: &Formats, title: &str) -> Format {
    if is_formula_like(title) {
        fmt.title.clone().set_quote_prefix()
    } else {
        fmt.title.clone()
    }
}

fn official_format(fmt: &Formats, f: Field) -> &Format {
    match f {
        Field::Investment => &fmt.money,
        Field::DueOn => &fmt.date,
        Field::Seq | Field::Year => &fmt.integer,
        Field::InitiatingDepartment | Field::Stage | Field::HandlingDepartment | Field::ResponsiblePerson => {
            &fmt.center
        }
        _ => &fmt.text,
    }
}

fn official_text_format<'f>(fmt: &'f Formats, f: Field, s: &str) -> &'f Format {
    let centred = std::ptr::eq(official_format(fmt, f), &fmt.center);
    match (is_formula_like(s), centred) {
        (true, true) => &fmt.center_quoted,
        (true, false) => &fmt.text_quoted,
        (false, _) => official_format(fmt, f),
    }
}

fn write_official(
    ws: &mut Worksheet,
    fmt: &Formats,
    r: u32,
    c: u16,
    f: Field,
    cell: &Cell<'_>,
) -> Result<(), OfficeError> {
    match cell {
        Cell::Blank => ws.write_blank(r, c, official_format(fmt, f))?,
        Cell::Text(s) => ws.write_string_with_format(r, c, *s, official_text_format(fmt, f, s))?,
        Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, official_format(fmt, f))?,
        Cell::Money(y) => ws.write_number_with_format(r, c, wan(*y), official_format(fmt, f))?,
        Cell::Date(d) => ws.write_date_with_format(r, c, d, official_format(fmt, f))?,
    };
    Ok(())
}

fn write_plain(ws: &mut Worksheet, fmt: &Formats, r: u32, c: u16, cell: &Cell<'_>) -> Result<(), OfficeError> {
    match cell {
        Cell::Blank => return Ok(()),
        Cell::Text(s) if is_formula_like(s) => ws.write_string_with_format(r, c, *s, &fmt.plain_text_quoted)?,
        Cell::Text(s) => ws.write_string(r, c, *s)?,
        Cell::Int(i) => ws.write_number(r, c, *i as f64)?,
        Cell::Money(y) => ws.write_number_with_format(r, c, wan(*y), &fmt.plain_money)?,
        Cell::Date(d) => ws.write_date_with_format(r, c, d, &fmt.plain_date)?,
    };
    Ok(())
}

/// Whole yuan as 万元: exact to 4 decimals, which `Yuan::from_wan_f64` reads back exactly.
fn wan(y: Yuan) -> f64 {
    y.0 as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"] {
            assert!(is_formula_like(s), "{s:?}");
        }
        for s in ["", "1+1", "项目", " =1"] {
            assert!(!is_formula_like(s), "{s:?}");
        }
    }

    #[test]
    fn wan_is_exact_through_from_wan_f64() {
        for y in [0i64, 1, 99, 12_345_600, 123_456_789_012, 999_999_999_999_999] {
            assert_eq!(Yuan::from_wan_f64(wan(Yuan(y))).unwrap(), Yuan(y), "{y}");
        }
    }
}
