//! The inbox (审批办理·待办) as an Excel workbook: one row per application the inbox
//! shows with the filters used, every page of it, in the inbox's order.
//!
//! The file is an official list, so its words are Chinese whatever language the page
//! was read in: the title, the filters, the headings, the lights, states and clocks
//! (core's `label_zh`). Rows are written in rust_xlsxwriter's constant-memory mode, one
//! at a time as the store reads them, so memory does not grow with the row count. What
//! was left out at the export's cap is said under the table, never silently.
//!
//! Every text value is written with `write_string` (never as a formula), with Excel's
//! quote prefix when it starts like one.

use crate::cells::Val;
use crate::export::is_formula_like;
use crate::OfficeError;
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::light::Light;
use qidi_core::message::LightItem;
use qidi_core::workflow::inbox::{InboxFilter, InboxSort};
use qidi_core::workflow::{ApplicationState, ClockKind};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use std::io::Cursor;

/// The sheet's name.
pub const INBOX_SHEET: &str = "审批待办";

/// The title in the first row.
pub const INBOX_TITLE: &str = "审批办理待办清单";

/// The table's headings, in order: the inbox page's columns (its project column split
/// into code, name and unit), then the working days the due date leaves or is past.
pub const INBOX_HEADINGS: [&str; 13] = [
    "序号",
    "预警灯",
    "项目代码",
    "项目名称",
    "项目单位",
    "审批事项",
    "办理部门",
    "状态",
    "时限",
    "到期日",
    "到期日暂定",
    "剩余工作日",
    "超期工作日",
];

const WIDTHS: [f64; 13] = [6.0, 9.0, 26.0, 30.0, 22.0, 24.0, 16.0, 10.0, 14.0, 11.0, 8.0, 8.0, 8.0];

/// The row of the headings (0-based): title, filters and date above it.
const HEADING_ROW: u32 = 3;

/// Excel's last row (0-based).
const MAX_ROW: u32 = 1_048_575;

/// One application as the inbox lists it, in core's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxExportRow {
    pub project_code: String,
    pub project_name: String,
    pub owner: Option<String>,
    pub item_type: String,
    pub handling_department: String,
    pub state: ApplicationState,
    /// The running clock (time limit), if any.
    pub clock: Option<ClockKind>,
    /// The light for the export's day (`None`: no deadline runs).
    pub light: Option<Light>,
    /// The clock is paused (计时中止): shown in place of a light, as on the page.
    pub paused: bool,
    pub due_on: Option<NaiveDate>,
    /// The due date reaches past the published calendar.
    pub provisional: bool,
}

/// What the list was filtered by, with the names the page shows for the ids.
#[derive(Debug, Clone, Copy)]
pub struct InboxExportHeading<'a> {
    pub filter: &'a InboxFilter,
    /// The name of `filter.item_type_id` (its id is written when `None`).
    pub item_type: Option<&'a str>,
    /// The name of `filter.department_id` (its id is written when `None`).
    pub department: Option<&'a str>,
    /// 导出日期: also the day the working days are counted to.
    pub today: NaiveDate,
}

/// The filters in one Chinese line: `预警灯：红灯；审批事项：…`, or that there are none.
pub fn filter_line(h: &InboxExportHeading<'_>) -> String {
    let f = h.filter;
    let mut parts = Vec::new();
    if let Some(l) = f.light {
        parts.push(format!("预警灯：{}", l.label_zh()));
    }
    if let Some(id) = &f.item_type_id {
        parts.push(format!("审批事项：{}", h.item_type.unwrap_or(id)));
    }
    if let Some(id) = &f.department_id {
        parts.push(format!("办理部门：{}", h.department.unwrap_or(id)));
    }
    if let Some(t) = &f.text {
        parts.push(format!("关键词：“{t}”"));
    }
    let filters = if parts.is_empty() { "无（全部待办）".to_string() } else { parts.join("；") };
    let sort = match f.sort {
        InboxSort::Light => "按预警灯（红灯、黄灯、绿灯，同色按到期日）",
        InboxSort::Due => "按到期日",
        InboxSort::Project => "按项目代码",
    };
    format!("筛选条件：{filters}　排序：{sort}")
}

/// The working days from `today` to the due date (`Some` while not overdue), and the
/// working days past it (`Some` when the light is red): core's calendar, counted as
/// the daily light run counts days overdue.
pub fn working_days(
    calendar: &WorkCalendar,
    light: Option<Light>,
    due_on: Option<NaiveDate>,
    today: NaiveDate,
) -> (Option<i64>, Option<i64>) {
    match (light, due_on) {
        (_, None) => (None, None),
        (Some(Light::Red), Some(due)) => (None, Some(LightItem::days_overdue_on(calendar, due, today))),
        (_, Some(due)) => (Some(calendar.working_days_between(today, due).max(0)), None),
    }
}

struct Formats {
    title: Format,
    line: Format,
    heading: Format,
    text: Format,
    quoted: Format,
    date: Format,
    number: Format,
    note: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            line: Format::new().set_font_size(11),
            heading: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9D9D9)),
            quoted: cell.clone().set_quote_prefix(),
            date: cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Center),
            number: cell.clone().set_num_format("0").set_align(FormatAlign::Center),
            text: cell,
            note: Format::new().set_bold().set_font_color(Color::RGB(0xC00000)),
        }
    }
}

/// Streams the inbox into a workbook: [`InboxWriter::push`] each application in the
/// inbox's order, then [`InboxWriter::finish_to_buffer`].
pub struct InboxWriter<'c> {
    workbook: Workbook,
    sheet: Worksheet,
    calendar: &'c WorkCalendar,
    today: NaiveDate,
    fmt: Formats,
    /// The next row to write.
    row: u32,
    rows: u64,
}

impl<'c> InboxWriter<'c> {
    /// Start the workbook: the title, the filters, the date and the headings.
    pub fn new(heading: &InboxExportHeading<'_>, calendar: &'c WorkCalendar) -> Result<Self, OfficeError> {
        let mut workbook = Workbook::new();
        let fmt = Formats::new();
        let mut sheet = workbook.new_worksheet_with_constant_memory();
        sheet.set_name(INBOX_SHEET)?;
        for (c, w) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(c as u16, *w)?;
        }
        sheet.write_string_with_format(0, 0, INBOX_TITLE, &fmt.title)?;
        sheet.write_string_with_format(1, 0, filter_line(heading), &fmt.line)?;
        sheet.write_string_with_format(2, 0, format!("导出日期：{}", heading.today), &fmt.line)?;
        for (c, h) in INBOX_HEADINGS.iter().enumerate() {
            sheet.write_string_with_format(HEADING_ROW, c as u16, *h, &fmt.heading)?;
        }
        sheet.set_freeze_panes(HEADING_ROW + 1, 0)?;
        Ok(InboxWriter { workbook, sheet, calendar, today: heading.today, fmt, row: HEADING_ROW + 1, rows: 0 })
    }

    /// Applications written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn text(&mut self, col: u16, s: &str) -> Result<(), OfficeError> {
        if s.is_empty() {
            self.sheet.write_blank(self.row, col, &self.fmt.text)?;
        } else {
            let f = if is_formula_like(s) { &self.fmt.quoted } else { &self.fmt.text };
            self.sheet.write_string_with_format(self.row, col, s, f)?;
        }
        Ok(())
    }

    fn number(&mut self, col: u16, n: Option<i64>) -> Result<(), OfficeError> {
        match n {
            Some(n) => self.sheet.write_number_with_format(self.row, col, n as f64, &self.fmt.number)?,
            None => self.sheet.write_blank(self.row, col, &self.fmt.text)?,
        };
        Ok(())
    }

    /// Write one application.
    pub fn push(&mut self, r: &InboxExportRow) -> Result<(), OfficeError> {
        // Room for the blank row and the notes under the table.
        if self.row + 3 > MAX_ROW {
            return Err(OfficeError::TooManyRows);
        }
        let lamp = match (r.light, r.paused) {
            (Some(l), _) => l.label_zh(),
            (None, true) => ApplicationState::Paused.label_zh(),
            (None, false) => "",
        };
        let (left, overdue) = working_days(self.calendar, r.light, r.due_on, self.today);
        self.number(0, Some(self.rows as i64 + 1))?;
        self.text(1, lamp)?;
        self.text(2, &r.project_code)?;
        self.text(3, &r.project_name)?;
        self.text(4, r.owner.as_deref().unwrap_or(""))?;
        self.text(5, &r.item_type)?;
        self.text(6, &r.handling_department)?;
        self.text(7, r.state.label_zh())?;
        self.text(8, r.clock.map_or("", ClockKind::label_zh))?;
        match r.due_on {
            Some(d) => self.sheet.write_date_with_format(self.row, 9, d, &self.fmt.date).map(|_| ())?,
            None => self.sheet.write_blank(self.row, 9, &self.fmt.text).map(|_| ())?,
        }
        self.text(10, if r.provisional && r.due_on.is_some() { "是" } else { "" })?;
        self.number(11, left)?;
        self.number(12, overdue)?;
        self.row += 1;
        self.rows += 1;
        Ok(())
    }

    /// Write the notes under the table (how many, and `capped_at` when the export's cap
    /// left applications out) and return the file's bytes.
    pub fn finish_to_buffer(mut self, capped_at: Option<usize>) -> Result<Vec<u8>, OfficeError> {
        let last = self.row - 1;
        if self.rows > 0 {
            self.sheet.autofilter(HEADING_ROW, 0, last, INBOX_HEADINGS.len() as u16 - 1)?;
        }
        let mut r = self.row + 1;
        self.sheet.write_string_with_format(r, 0, format!("共 {} 件。", self.rows), &self.fmt.line)?;
        if let Some(cap) = capped_at {
            r += 1;
            let note = format!("已达导出上限 {cap} 件，其余待办未导出：请用筛选缩小范围后分次导出。");
            self.sheet.write_string_with_format(r, 0, note, &self.fmt.note)?;
        }
        self.workbook.push_worksheet(self.sheet);
        Ok(self.workbook.save_to_buffer()?)
    }
}

/// The sheet read back: what [`InboxWriter`] wrote, every cell as text (dates
/// `YYYY-MM-DD`, numbers without `.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxSheet {
    pub title: String,
    /// The filters' line and the date's.
    pub lines: Vec<String>,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The lines under the table: the count, and the cap's note when it was reached.
    pub notes: Vec<String>,
}

/// Read an inbox export back (for checks and tests), with an upload's safety checks.
pub fn read_inbox_export(bytes: &[u8]) -> Result<InboxSheet, OfficeError> {
    use calamine::Reader;
    let limits = crate::ArchiveLimits::default();
    crate::safety::check_size(bytes.len() as u64, &limits)?;
    crate::safety::check_zip(bytes, &limits, &crate::Cancel::default())?;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(OfficeError::corrupt)?;
    let range = wb.worksheet_range(INBOX_SHEET).map_err(|_| OfficeError::SheetNotFound(INBOX_SHEET.to_string()))?;
    let width = INBOX_HEADINGS.len();
    let mut lines: Vec<Vec<String>> = Vec::new();
    for row in range.rows() {
        let mut cells: Vec<String> = row
            .iter()
            .map(|d| match Val::from_data(d).text() {
                Ok(t) => t.map(|t| t.into_owned()).unwrap_or_default(),
                Err(e) => e,
            })
            .collect();
        cells.resize(width.max(cells.len()), String::new());
        lines.push(cells);
    }
    // calamine's range starts at the first used cell: the title, in A1.
    let at = |i: usize| lines.get(i).map(|l| l[0].clone()).unwrap_or_default();
    let heading_row = HEADING_ROW as usize;
    let headings = lines.get(heading_row).map(|l| l[..width].to_vec()).unwrap_or_default();
    let mut rows = Vec::new();
    let mut i = heading_row + 1;
    while let Some(l) = lines.get(i).filter(|l| l.iter().any(|c| !c.is_empty())) {
        rows.push(l[..width].to_vec());
        i += 1;
    }
    let notes = lines[i.min(lines.len())..].iter().map(|l| l[0].clone()).filter(|s| !s.is_empty()).collect();
    Ok(InboxSheet { title: at(0), lines: vec![at(1), at(2)], headings, rows, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn row(code: &str, light: Option<Light>, due: Option<&str>) -> InboxExportRow {
        InboxExportRow {
            project_code: code.to_string(),
            project_name: "=风电场".to_string(),
            owner: Some("正镶白旗某能源公司".to_string()),
            item_type: "建设项目用地预审与选址意见书".to_string(),
            handling_department: "旗自然资源局".to_string(),
            state: ApplicationState::UnderReview,
            clock: Some(ClockKind::Review),
            light,
            paused: false,
            due_on: due.map(day),
            provisional: true,
        }
    }

    #[test]
    fn the_inbox_reads_back_row_for_row_with_its_filters_and_count() {
        let calendar = WorkCalendar::shipped();
        let filter = InboxFilter { light: Some(Light::Red), text: Some("风电".into()), ..Default::default() };
        let today = day("2026-05-08");
        let heading = InboxExportHeading { filter: &filter, item_type: None, department: None, today };
        let mut w = InboxWriter::new(&heading, &calendar).unwrap();
        // Due on Thursday 2026-04-30, before the Labour Day holiday (5.1–5.5): overdue
        // on 5.6, 5.7 and 5.8. Due on 5.13: 4 working days left, the make-up Saturday
        // 5.9 among them.
        w.push(&row("2026-152529-44-01-000001", Some(Light::Red), Some("2026-04-30"))).unwrap();
        w.push(&row("2026-152529-44-01-000002", Some(Light::Green), Some("2026-05-13"))).unwrap();
        let mut paused = row("2026-152529-44-01-000003", None, None);
        (paused.paused, paused.clock, paused.state, paused.owner) = (true, None, ApplicationState::Paused, None);
        w.push(&paused).unwrap();
        assert_eq!(w.rows(), 3);
        let back = read_inbox_export(&w.finish_to_buffer(None).unwrap()).unwrap();
        assert_eq!(back.title, INBOX_TITLE);
        assert_eq!(
            back.lines[0],
            "筛选条件：预警灯：红灯；关键词：“风电”　排序：按预警灯（红灯、黄灯、绿灯，同色按到期日）"
        );
        assert_eq!(back.lines[1], "导出日期：2026-05-08");
        assert_eq!(back.headings, INBOX_HEADINGS);
        assert_eq!(
            back.rows[0],
            [
                "1",
                "红灯",
                "2026-152529-44-01-000001",
                "=风电场",
                "正镶白旗某能源公司",
                "建设项目用地预审与选址意见书",
                "旗自然资源局",
                "审查中",
                "承诺审批时限",
                "2026-04-30",
                "是",
                "",
                "3"
            ]
        );
        assert_eq!((back.rows[1][1].as_str(), back.rows[1][11].as_str(), back.rows[1][12].as_str()), ("绿灯", "4", ""));
        assert_eq!(&back.rows[2][..5], ["3", "计时中止", "2026-152529-44-01-000003", "=风电场", ""]);
        assert_eq!(&back.rows[2][8..], ["", "", "", "", ""]);
        assert_eq!(back.notes, ["共 3 件。"]);
    }

    #[test]
    fn a_capped_export_says_so_under_the_table() {
        let calendar = WorkCalendar::shipped();
        let filter = InboxFilter::default();
        let heading = InboxExportHeading {
            filter: &InboxFilter { department_id: Some("d1".into()), sort: InboxSort::Due, ..filter },
            item_type: None,
            department: Some("旗林草局"),
            today: day("2026-05-08"),
        };
        let w = InboxWriter::new(&heading, &calendar).unwrap();
        let back = read_inbox_export(&w.finish_to_buffer(Some(100_000)).unwrap()).unwrap();
        assert!(back.rows.is_empty());
        assert_eq!(back.lines[0], "筛选条件：办理部门：旗林草局　排序：按到期日");
        assert_eq!(back.notes[0], "共 0 件。");
        assert!(back.notes[1].starts_with("已达导出上限 100000 件"), "{:?}", back.notes);
    }
}
