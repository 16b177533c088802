//! Cell values and the parsing of what people type into them.

use crate::headers::AmountUnit;
use chrono::{Datelike, NaiveDate};
use qidi_core::catalogue::to_half_width;
use qidi_core::deadline::is_no_date_yet;
use qidi_core::project::Yuan;
use qidi_core::sentence::Sentence;
use std::borrow::Cow;

/// One cell. Shared strings are borrowed from the workbook; everything else is owned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Empty,
    /// Trimmed, never empty.
    Text(Cow<'a, str>),
    Num(f64),
    Date(NaiveDate),
    Bool(bool),
    Error(String),
}

impl<'a> Val<'a> {
    pub(crate) fn from_data_ref(d: &calamine::DataRef<'a>) -> Val<'a> {
        use calamine::DataRef as D;
        match d {
            D::Empty => Val::Empty,
            D::Int(i) => Val::Num(*i as f64),
            D::Float(f) => Val::Num(*f),
            D::String(s) => text_or_empty(Cow::Owned(s.clone())),
            D::SharedString(s) => text_or_empty(Cow::Borrowed(s)),
            D::Bool(b) => Val::Bool(*b),
            D::DateTime(dt) => excel_datetime(dt),
            D::DateTimeIso(s) | D::DurationIso(s) => text_or_empty(Cow::Owned(s.clone())),
            D::Error(e) => Val::Error(e.to_string()),
        }
    }

    pub(crate) fn from_data(d: &'a calamine::Data) -> Val<'a> {
        use calamine::Data as D;
        match d {
            D::Empty => Val::Empty,
            D::Int(i) => Val::Num(*i as f64),
            D::Float(f) => Val::Num(*f),
            D::String(s) => text_or_empty(Cow::Borrowed(s)),
            D::Bool(b) => Val::Bool(*b),
            D::DateTime(dt) => excel_datetime(dt),
            D::DateTimeIso(s) | D::DurationIso(s) => text_or_empty(Cow::Borrowed(s)),
            D::Error(e) => Val::Error(e.to_string()),
        }
    }

    pub(crate) fn into_owned(self) -> Val<'static> {
        match self {
            Val::Empty => Val::Empty,
            Val::Text(s) => Val::Text(Cow::Owned(s.into_owned())),
            Val::Num(f) => Val::Num(f),
            Val::Date(d) => Val::Date(d),
            Val::Bool(b) => Val::Bool(b),
            Val::Error(e) => Val::Error(e),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Val::Empty)
    }

    /// The cell as text, trimmed; numbers without a spurious `.0`. An error value's
    /// Chinese sentence is the error.
    pub(crate) fn text(&self) -> Result<Option<Cow<'_, str>>, String> {
        self.cell_text().map_err(|e| e.text)
    }

    /// [`Val::text`], with the error as a sentence for a row issue.
    pub(crate) fn cell_text(&self) -> Result<Option<Cow<'_, str>>, Sentence> {
        Ok(match self {
            Val::Empty => None,
            Val::Text(s) => Some(Cow::Borrowed(s.as_ref())),
            Val::Num(f) => Some(Cow::Owned(number_text(*f))),
            Val::Date(d) => Some(Cow::Owned(d.format("%Y-%m-%d").to_string())),
            Val::Bool(b) => Some(Cow::Borrowed(if *b { "是" } else { "否" })),
            Val::Error(e) => return Err(cell_error(e)),
        })
    }

    /// The cell as owned text, leaving the cell empty (no copy for owned strings).
    pub(crate) fn take_text(&mut self) -> Result<Option<String>, Sentence> {
        match std::mem::replace(self, Val::Empty) {
            Val::Text(s) => Ok(Some(s.into_owned())),
            other => {
                let t = other.cell_text().map(|t| t.map(Cow::into_owned));
                *self = other;
                t
            }
        }
    }

    /// The cell as text for a structured field: like [`Val::text`], but the
    /// placeholders people write in empty cells (`/`, `—`, `无` …) count as empty.
    pub(crate) fn structured_text(&self) -> Result<Option<Cow<'_, str>>, Sentence> {
        Ok(self.cell_text()?.filter(|s| !is_placeholder(s)))
    }
}

fn text_or_empty(s: Cow<'_, str>) -> Val<'_> {
    let t = s.trim();
    if t.is_empty() {
        Val::Empty
    } else if t.len() == s.len() {
        Val::Text(s)
    } else {
        match s {
            Cow::Borrowed(b) => Val::Text(Cow::Borrowed(b.trim())),
            Cow::Owned(o) => Val::Text(Cow::Owned(o.trim().to_string())),
        }
    }
}

fn excel_datetime(dt: &calamine::ExcelDateTime) -> Val<'static> {
    if dt.is_datetime() {
        match dt.as_datetime() {
            Some(d) => Val::Date(d.date()),
            None => Val::Num(dt.as_f64()),
        }
    } else {
        Val::Num(dt.as_f64())
    }
}

pub(crate) fn cell_error(e: &str) -> Sentence {
    Sentence::new("err-import-cell-error", format!("单元格是错误值（{e}），无法读取")).arg("value", e)
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// What people write in a cell that has nothing to say.
pub(crate) fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    if s.chars().count() > 3 {
        return false;
    }
    let t = to_half_width(s);
    matches!(t.as_str(), "" | "/" | "\\" | "-" | "--" | "—" | "——" | "–" | "无" | "暂无" | "空" | "N/A" | "n/a" | "NA")
}

/// Dates: Excel dates, `2022.9.30`, `2022年9月30日`, `2022/09/30`, `2022-09-30`,
/// `20220930`, with full-width digits, a trailing time, or a trailing 前/之前;
/// `2022年9月底` is the month's last day.
pub(crate) fn parse_date(v: &Val<'_>) -> Result<Option<NaiveDate>, Sentence> {
    match v {
        Val::Empty => Ok(None),
        Val::Date(d) => Ok(Some(*d)),
        Val::Num(f) => date_from_number(*f).map(Some).ok_or_else(|| date_error(&number_text(*f))),
        Val::Bool(_) => Err(date_error(&v.text().ok().flatten().unwrap_or_default())),
        Val::Error(e) => Err(cell_error(e)),
        Val::Text(s) => {
            if is_placeholder(s) {
                return Ok(None);
            }
            parse_date_text(s).map(Some).ok_or_else(|| date_error(s))
        }
    }
}

fn date_error(s: &str) -> Sentence {
    Sentence::new(
        "err-import-date-unreadable",
        format!("日期“{s}”无法识别：应如 2022-09-30、2022.9.30、2022/09/30 或 2022年9月30日"),
    )
    .arg("written", s)
}

/// An Excel serial date (1900 system) between 1950 and 2099, or yyyymmdd as a number.
fn date_from_number(f: f64) -> Option<NaiveDate> {
    if !f.is_finite() || f < 0.0 {
        return None;
    }
    let n = f.trunc() as i64;
    if (18_264..=73_050).contains(&n) {
        return NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n as u64));
    }
    if f.fract() == 0.0 && (19_500_101..=20_991_231).contains(&n) {
        return NaiveDate::from_ymd_opt((n / 10_000) as i32, (n / 100 % 100) as u32, (n % 100) as u32);
    }
    None
}

pub(crate) fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let mut t = to_half_width(s.trim());
    // A trailing time of day: "2022-09-30 00:00:00", "2022-09-30T00:00:00".
    if t.contains(':') {
        if let Some(i) = t.find([' ', 'T']) {
            t.truncate(i);
        }
    }
    let mut t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    for suffix in ["之前", "以前", "前"] {
        if let Some(r) = t.strip_suffix(suffix) {
            t = r.to_string();
            break;
        }
    }
    let month_end = t.ends_with("月底") || t.ends_with("月末");
    if month_end {
        t.truncate(t.len() - "底".len());
    }
    let t = t.trim_end_matches(['日', '号']);
    let mut parts: Vec<&str> = t.split(['年', '月', '.', '/', '-']).collect();
    if parts.last() == Some(&"") {
        parts.pop();
    }
    let num = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse().ok()
        }
    };
    match parts.as_slice() {
        [y, m] if month_end && y.len() == 4 => {
            let (y, m) = (num(y)? as i32, num(m)?);
            let first_next =
                if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(y, m + 1, 1)? };
            first_next.pred_opt()
        }
        [y, m, d] if !month_end && y.len() == 4 => {
            let date = NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)?;
            (1950..=2099).contains(&date.year()).then_some(date)
        }
        [ymd] if !month_end && ymd.len() == 8 => {
            date_from_number(num(&ymd[..4])? as f64 * 10_000.0 + num(&ymd[4..])? as f64)
        }
        [serial] if !month_end && serial.len() == 5 && serial.bytes().all(|b| b.is_ascii_digit()) => {
            date_from_number(serial.parse::<u32>().ok()? as f64)
        }
        _ => None,
    }
}

/// An amount. Numbers are in the header's unit (万元 unless it says 亿元 or 元);
/// text may carry its own unit (`1.2亿元`, `500万元`) and thousands separators.
pub(crate) fn parse_amount(v: &Val<'_>, unit: AmountUnit) -> Result<Option<Yuan>, Sentence> {
    let err = |s: &str| {
        Sentence::new("err-import-amount-unreadable", format!("金额“{s}”无法识别：应为数字（万元），如 1,234.56"))
            .arg("written", s)
    };
    match v {
        Val::Empty => Ok(None),
        Val::Error(e) => Err(cell_error(e)),
        Val::Num(f) => {
            let wan = match unit {
                AmountUnit::Wan => *f,
                AmountUnit::Yi => *f * 10_000.0,
                AmountUnit::Yuan => *f / 10_000.0,
            };
            Yuan::from_wan_f64(wan).map(Some).map_err(|_| err(&number_text(*f)))
        }
        Val::Date(_) | Val::Bool(_) => Err(err(&v.text().ok().flatten().unwrap_or_default())),
        Val::Text(s) => {
            if is_placeholder(s) {
                return Ok(None);
            }
            let t = to_half_width(s.trim());
            let (body, unit) = if let Some(b) = t.strip_suffix("亿元").or_else(|| t.strip_suffix('亿')) {
                (b.to_string(), AmountUnit::Yi)
            } else if t.ends_with('万') || t.ends_with("万元") {
                (t.clone(), AmountUnit::Wan)
            } else if let Some(b) = t.strip_suffix('元') {
                (b.to_string(), AmountUnit::Yuan)
            } else {
                (t.clone(), unit)
            };
            let y = Yuan::parse_wan(&body).map_err(|_| err(s))?;
            let y = match unit {
                AmountUnit::Wan => Some(y),
                AmountUnit::Yi => y.0.checked_mul(10_000).map(Yuan),
                AmountUnit::Yuan => Some(Yuan((y.0 + 5_000) / 10_000)),
            };
            y.map(Some).ok_or_else(|| err(s))
        }
    }
}

/// 立项时间 / 立项年度: a date in any notation [`parse_date`] reads (Excel dates,
/// `2017.4.4`, `2017年2月21日`, `2017/12/13`, `2019-09-02` …), whose year is the year;
/// or a bare year (`2022`, `2022年`, `2022年度`, the number 2022), with no date.
pub(crate) fn parse_initiation(v: &Val<'_>) -> Result<Option<Initiation>, Sentence> {
    let err = |s: &str| {
        Sentence::new(
            "err-import-initiation-unreadable",
            format!("立项时间“{s}”无法识别：应为日期（如 2017-04-04、2017.4.4、2017年4月4日）或四位年份（如 2022）"),
        )
        .arg("written", s)
    };
    let ok = |y: i64| (1949..=2100).contains(&y);
    let dated = |d: NaiveDate| Initiation { year: d.year(), date: Some(d) };
    match v {
        Val::Empty => Ok(None),
        Val::Error(e) => Err(cell_error(e)),
        Val::Date(d) => Ok(Some(dated(*d))),
        Val::Num(f) if f.fract() == 0.0 && ok(*f as i64) => Ok(Some(Initiation { year: *f as i32, date: None })),
        // A date cell without a date format is its serial number.
        Val::Num(f) => date_from_number(*f).map(|d| Some(dated(d))).ok_or_else(|| err(&number_text(*f))),
        Val::Bool(_) => Err(err(&v.text().ok().flatten().unwrap_or_default())),
        Val::Text(s) => {
            if is_placeholder(s) {
                return Ok(None);
            }
            let t = to_half_width(s.trim());
            let y = t.trim_end_matches("年度").trim_end_matches('年').trim();
            if let Ok(n) = y.parse::<i64>() {
                if y.len() == 4 && ok(n) {
                    return Ok(Some(Initiation { year: n as i32, date: None }));
                }
            }
            if let Some(d) = parse_date_text(s) {
                return Ok(Some(dated(d)));
            }
            // A month without a day (2017年4月, 2017.4): the year is still known.
            let parts: Vec<&str> = t.trim_end_matches('月').split(['年', '.', '/', '-']).map(str::trim).collect();
            match parts.as_slice() {
                [y, m] if y.len() == 4 && (1..=2).contains(&m.len()) => match (y.parse::<i64>(), m.parse::<u32>()) {
                    (Ok(y), Ok(m)) if ok(y) && (1..=12).contains(&m) => {
                        Ok(Some(Initiation { year: y as i32, date: None }))
                    }
                    _ => Err(err(s)),
                },
                _ => Err(err(s)),
            }
        }
    }
}

/// When a project was initiated: the year, and the day if the ledger gives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Initiation {
    pub year: i32,
    pub date: Option<NaiveDate>,
}

/// A deadline cell: a date, nothing, or words saying there is no date yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DueCell {
    Empty,
    On(NaiveDate),
    /// 待定, 无, — … (see `qidi_core::deadline::NO_DATE_YET`), as written.
    NotYet(String),
}

/// A deadline: like [`parse_date`], but the words for "no date yet" are told apart
/// from an empty cell, so that the importer can say so.
pub(crate) fn parse_due(v: &Val<'_>) -> Result<DueCell, Sentence> {
    if let Val::Text(s) = v {
        if is_no_date_yet(s) || is_placeholder(s) {
            return Ok(DueCell::NotYet(s.to_string()));
        }
    }
    Ok(match parse_date(v)? {
        Some(d) => DueCell::On(d),
        None => DueCell::Empty,
    })
}

/// A column letter for a 0-based column index: 0 → A, 27 → AB.
pub(crate) fn column_letter(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn date_texts() {
        for s in [
            "2022.9.30",
            "2022年9月30日",
            "2022/09/30",
            "2022-09-30",
            "２０２２－０９－３０",
            "2022-09-30 00:00:00",
            "2022-09-30T00:00:00",
            "20220930",
            "2022年9月30日前",
            "2022年09月30号",
            "2022 年 9 月 30 日",
            " 2022.9.30 ",
            "44834",
        ] {
            assert_eq!(parse_date(&Val::Text(s.into())), Ok(Some(d(2022, 9, 30))), "{s}");
        }
        assert_eq!(parse_date_text("2022年9月底"), Some(d(2022, 9, 30)));
        assert_eq!(parse_date_text("2022年12月底"), Some(d(2022, 12, 31)));
        assert_eq!(parse_date_text("2024年2月末"), Some(d(2024, 2, 29)));
        for bad in ["2022.13.1", "2022.2.30", "22.9.30", "明年", "2022年9月", "1.2", "2022-09-30-1", "9999.1.1"] {
            assert!(parse_date(&Val::Text(bad.into())).is_err(), "{bad}");
        }
        assert_eq!(parse_date(&Val::Text("/".into())), Ok(None));
        assert_eq!(parse_date(&Val::Num(44834.0)), Ok(Some(d(2022, 9, 30))));
        assert_eq!(parse_date(&Val::Num(20220930.0)), Ok(Some(d(2022, 9, 30))));
        assert!(parse_date(&Val::Num(2022.0)).is_err());
    }

    #[test]
    fn amounts() {
        let w = AmountUnit::Wan;
        assert_eq!(parse_amount(&Val::Text("1,234.56".into()), w), Ok(Some(Yuan(12_345_600))));
        assert_eq!(parse_amount(&Val::Text("１，２３４.５６".into()), w), Ok(Some(Yuan(12_345_600))));
        assert_eq!(parse_amount(&Val::Num(1234.56), w), Ok(Some(Yuan(12_345_600))));
        assert_eq!(parse_amount(&Val::Num(1.5), AmountUnit::Yi), Ok(Some(Yuan(150_000_000))));
        assert_eq!(parse_amount(&Val::Text("1.5亿元".into()), w), Ok(Some(Yuan(150_000_000))));
        assert_eq!(parse_amount(&Val::Text("500万元".into()), AmountUnit::Yi), Ok(Some(Yuan(5_000_000))));
        assert_eq!(parse_amount(&Val::Num(12_345.0), AmountUnit::Yuan), Ok(Some(Yuan(12_345))));
        assert_eq!(parse_amount(&Val::Text("—".into()), w), Ok(None));
        assert!(parse_amount(&Val::Text("一千万".into()), w).is_err());
        assert!(parse_amount(&Val::Num(-1.0), w).is_err());
    }

    #[test]
    fn initiation_dates_and_years() {
        let dated = |y, m, dd| Ok(Some(Initiation { year: y, date: Some(d(y, m, dd)) }));
        let year = |y| Ok(Some(Initiation { year: y, date: None }));
        assert_eq!(parse_initiation(&Val::Num(2022.0)), year(2022));
        assert_eq!(parse_initiation(&Val::Text("2022年".into())), year(2022));
        assert_eq!(parse_initiation(&Val::Text("２０２２年度".into())), year(2022));
        assert_eq!(parse_initiation(&Val::Date(d(2017, 4, 4))), dated(2017, 4, 4));
        assert_eq!(parse_initiation(&Val::Num(42829.0)), dated(2017, 4, 4));
        assert_eq!(parse_initiation(&Val::Text("2017.4.4".into())), dated(2017, 4, 4));
        assert_eq!(parse_initiation(&Val::Text("2017年2月21日".into())), dated(2017, 2, 21));
        assert_eq!(parse_initiation(&Val::Text("2017/12/13".into())), dated(2017, 12, 13));
        assert_eq!(parse_initiation(&Val::Text("2019-09-02".into())), dated(2019, 9, 2));
        assert_eq!(parse_initiation(&Val::Text("20190902".into())), dated(2019, 9, 2));
        assert_eq!(parse_initiation(&Val::Text("2017年4月".into())), year(2017));
        assert_eq!(parse_initiation(&Val::Text("/".into())), Ok(None));
        for bad in ["22", "二〇二二", "2017.13.1", "明年"] {
            assert!(parse_initiation(&Val::Text(bad.into())).unwrap_err().starts_with("立项时间“"), "{bad}");
        }
        assert!(parse_initiation(&Val::Num(2022.5)).is_err());
    }

    #[test]
    fn deadlines_not_yet_set() {
        for w in ["待定", "无", "暂无", "—", "-", "/", "空", "未定", "待确定", "--", "N/A"] {
            assert_eq!(parse_due(&Val::Text(w.into())), Ok(DueCell::NotYet(w.to_string())), "{w}");
        }
        assert_eq!(parse_due(&Val::Empty), Ok(DueCell::Empty));
        assert_eq!(parse_due(&Val::Text("2022.9.30".into())), Ok(DueCell::On(d(2022, 9, 30))));
        assert!(parse_due(&Val::Text("明年三月".into())).is_err());
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
