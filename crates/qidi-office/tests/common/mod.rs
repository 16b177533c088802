//! Building real .xlsx files for the tests, as departments make them.
#![allow(dead_code)]

use chrono::NaiveDate;
use qidi_office::{read_ledger_bytes, ImportOptions, LedgerImport, OfficeError};
use rust_xlsxwriter::{Format, Workbook};

/// A cell as someone typed it.
#[derive(Clone, Debug)]
pub enum C {
    E,
    T(String),
    N(f64),
    D(NaiveDate),
}

impl From<&str> for C {
    fn from(s: &str) -> C {
        if s.is_empty() {
            C::E
        } else {
            C::T(s.to_string())
        }
    }
}
impl From<String> for C {
    fn from(s: String) -> C {
        C::from(s.as_str())
    }
}
impl From<f64> for C {
    fn from(n: f64) -> C {
        C::N(n)
    }
}
impl From<i32> for C {
    fn from(n: i32) -> C {
        C::N(n as f64)
    }
}
impl From<NaiveDate> for C {
    fn from(d: NaiveDate) -> C {
        C::D(d)
    }
}

#[macro_export]
macro_rules! row {
    ($($x:expr),* $(,)?) => { vec![$($crate::common::C::from($x)),*] };
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// One sheet: rows from the top (row 1), and merged ranges (0-based, inclusive).
/// A merged range: first row, first column, last row, last column (0-based).
pub type Merge = (u32, u16, u32, u16);

/// A sheet's name, rows and merged ranges.
pub type SheetSpec<'a> = (&'a str, &'a [Vec<C>], &'a [Merge]);

pub fn xlsx(rows: &[Vec<C>], merges: &[Merge]) -> Vec<u8> {
    xlsx_sheets(&[("Sheet1", rows, merges)])
}

pub fn xlsx_sheets(sheets: &[SheetSpec<'_>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date_fmt = Format::new().set_num_format("yyyy/m/d");
    let blank = Format::new();
    for (name, rows, merges) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for &(r1, c1, r2, c2) in *merges {
            ws.merge_range(r1, c1, r2, c2, "", &blank).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::E => {}
                    C::T(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    C::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    C::D(d) => {
                        ws.write_date_with_format(r, c, d, &date_fmt).unwrap();
                    }
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

pub fn import(bytes: &[u8]) -> LedgerImport {
    read_ledger_bytes(bytes, &ImportOptions::default()).expect("import")
}

pub fn import_err(bytes: &[u8]) -> OfficeError {
    read_ledger_bytes(bytes, &ImportOptions::default()).expect_err("should be refused")
}

/// The usual header, as the official layout writes it.
pub fn header() -> Vec<C> {
    row![
        "序号",
        "项目代码",
        "项目名称",
        "项目单位",
        "立项部门",
        "立项年度",
        "总投资（万元）",
        "建设状态",
        "待批事项",
        "办理部门",
        "核查情况",
        "责任人",
        "受理情况",
        "完成时限",
        "备注"
    ]
}

/// A title row and a 填报单位 row, as departments keep them.
pub fn preamble() -> Vec<Vec<C>> {
    vec![row!["正镶白旗待批项目大起底台账"], row!["填报单位：旗发改委    填报日期：2022年10月8日"]]
}

pub const CODE_A: &str = "2022-152529-44-01-000001";
pub const CODE_B: &str = "2022-152529-44-01-000002";
pub const CODE_C: &str = "2021-152529-78-02-000003";

/// Rebuild a zip, replacing one entry's content.
pub fn replace_entry(bytes: &[u8], name: &str, f: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        let data = if e.name() == name { f(&data) } else { data };
        out.start_file(e.name().to_string(), opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}
