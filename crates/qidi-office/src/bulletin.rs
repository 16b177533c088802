//! A bulletin (通报) as an Excel workbook and as an editable Word document laid out as
//! an official document (GB/T 9704-2012: A4; the issuing body's mark in red over a red
//! line; document number; title in 2号小标宋; main recipients; body in 3号仿宋 with a
//! two-character first-line indent; issuing body and date at the foot). Fonts are
//! named as county PCs have them (方正小标宋简体, 仿宋_GB2312, 黑体), with Noto CJK
//! named for the East Asian fallback where they are absent.

use crate::OfficeError;
use docx_rs::{AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};
use qidi_core::bulletin::{Bulletin, ListedFact};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> OfficeError {
    OfficeError::from(e)
}

/// The bulletin as a workbook: 通报 (header and body), 超期事项 (one row per item),
/// 部门排名, and one sheet per listed section.
pub fn bulletin_xlsx(b: &Bulletin) -> Result<Vec<u8>, OfficeError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let wrap = Format::new().set_text_wrap();

    let sheet = wb.add_worksheet().set_name("通报").map_err(xlsx_err)?;
    sheet.set_column_width(0, 100).map_err(xlsx_err)?;
    let mut row = 0;
    for (text, f) in [
        (b.issuing_body.as_str(), &bold),
        (b.document_number.as_str(), &bold),
        (b.title.as_str(), &title),
        (&format!("{}：", b.main_recipients.join("、")), &bold),
    ] {
        sheet.write_string_with_format(row, 0, text, f).map_err(xlsx_err)?;
        row += 1;
    }
    for p in b.paragraphs() {
        sheet.write_string_with_format(row, 0, &p, &wrap).map_err(xlsx_err)?;
        row += 1;
    }
    sheet.write_string(row, 0, &b.issuing_body).map_err(xlsx_err)?;
    sheet.write_string(row + 1, 0, date_zh(b.issued_on)).map_err(xlsx_err)?;

    let sheet = wb.add_worksheet().set_name("超期事项").map_err(xlsx_err)?;
    header(sheet, &["序号", "项目代码", "项目名称", "审批事项", "办理部门", "时限", "办结日期", "超期工作日"], &bold)?;
    for (n, i) in b.items.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_number(r, 0, r as f64).map_err(xlsx_err)?;
        for (c, v) in [&i.project_code, &i.project_name, &i.item_type, &i.department].into_iter().enumerate() {
            sheet.write_string(r, c as u16 + 1, v).map_err(xlsx_err)?;
        }
        sheet.write_string(r, 5, i.due_on.to_string()).map_err(xlsx_err)?;
        sheet.write_string(r, 6, i.closed_on.map_or_else(|| "未办结".into(), |d| d.to_string())).map_err(xlsx_err)?;
        sheet.write_number(r, 7, i.overdue_working_days as f64).map_err(xlsx_err)?;
    }

    let sheet = wb.add_worksheet().set_name("部门排名").map_err(xlsx_err)?;
    header(
        sheet,
        &[
            "名次",
            "部门",
            "按时",
            "超期",
            "视为受理",
            "按时率",
            "月末超期",
            "超期办结",
            "补正告知违规",
            "超期转报",
            "新增红灯",
        ],
        &bold,
    )?;
    for (n, l) in b.departments.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_string(r, 0, l.rank.map_or_else(|| "—".into(), |x| x.to_string())).map_err(xlsx_err)?;
        sheet.write_string(r, 1, &l.department).map_err(xlsx_err)?;
        for (c, v) in [l.on_time, l.late, l.deemed].into_iter().enumerate() {
            sheet.write_number(r, c as u16 + 2, f64::from(v)).map_err(xlsx_err)?;
        }
        sheet.write_string(r, 5, l.on_time_rate_text()).map_err(xlsx_err)?;
        for (c, v) in [l.overdue_at_end, l.closed_late, l.notice_breaches, l.late_forwards, l.new_red_lights]
            .into_iter()
            .enumerate()
        {
            sheet.write_number(r, c as u16 + 6, f64::from(v)).map_err(xlsx_err)?;
        }
    }
    for (name, facts) in
        [("补正告知", &b.notice_breaches), ("视为受理", &b.deemed_acceptances), ("超期转报", &b.late_forwards)]
    {
        let sheet = wb.add_worksheet().set_name(name).map_err(xlsx_err)?;
        listed_sheet(sheet, facts, &bold)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

fn header(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), OfficeError> {
    for (c, h) in names.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold).map_err(xlsx_err)?;
        sheet.set_column_width(c as u16, if c == 2 { 36 } else { 14 }).map_err(xlsx_err)?;
    }
    Ok(())
}

fn listed_sheet(sheet: &mut Worksheet, facts: &[ListedFact], bold: &Format) -> Result<(), OfficeError> {
    header(sheet, &["序号", "项目代码", "项目名称", "审批事项", "办理部门", "日期", "情况"], bold)?;
    for (n, f) in facts.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_number(r, 0, r as f64).map_err(xlsx_err)?;
        let on = f.on.to_string();
        for (c, v) in
            [&f.project_code, &f.project_name, &f.item_type, &f.department, &on, &f.detail].into_iter().enumerate()
        {
            sheet.write_string(r, c as u16 + 1, v).map_err(xlsx_err)?;
        }
    }
    Ok(())
}

/// 2026年5月6日
pub fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Font sizes in half-points: 2号 = 22 pt, 3号 = 16 pt, 初号 = 42 pt.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_MARK: usize = 72;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new().ascii(name).hi_ansi(name).east_asia(name).cs("Noto Serif CJK SC")
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

/// The bulletin as an editable Word document in the official layout.
pub fn bulletin_docx(b: &Bulletin) -> Result<Vec<u8>, OfficeError> {
    official_docx(&Official {
        issuing_body: &b.issuing_body,
        document_number: &b.document_number,
        title: &b.title,
        main_recipients: &b.main_recipients,
        paragraphs: &b.paragraphs(),
        date: &date_zh(b.issued_on),
    })
}

/// A document in the official layout (GB/T 9704): the issuing body's red mark, the
/// number, the red line, the title, the main recipients, the body (headings 一、二、…
/// in 黑体), the issuing body and the date. Shared by bulletins and look-back summaries.
pub struct Official<'a> {
    pub issuing_body: &'a str,
    /// Empty for a document without a number.
    pub document_number: &'a str,
    pub title: &'a str,
    pub main_recipients: &'a [String],
    pub paragraphs: &'a [String],
    /// 2026年5月6日.
    pub date: &'a str,
}

pub fn official_docx(o: &Official<'_>) -> Result<Vec<u8>, OfficeError> {
    // A4 in twips; margins 37/35/28/26 mm as GB/T 9704 sets them (1 mm = 56.7 twips).
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin::new().top(2098).bottom(1984).left(1587).right(1474));
    let body_spacing = LineSpacing::new().line(560); // 28 pt: 22 lines a page
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(o.issuing_body, "方正小标宋简体", SIZE_MARK).color("FF0000")),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
            o.document_number,
            "仿宋_GB2312",
            SIZE_3,
        )))
        // The red line under the mark: a row of a heavy rule character in red.
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(&"━".repeat(24), "仿宋_GB2312", SIZE_3).color("FF0000")),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(o.title, "方正小标宋简体", SIZE_2)))
        .add_paragraph(Paragraph::new().line_spacing(body_spacing.clone()).add_run(run(
            &format!("{}：", o.main_recipients.join("、")),
            "仿宋_GB2312",
            SIZE_3,
        )));
    for p in o.paragraphs {
        // Section headings (一、二、…) in 黑体, the rest in 仿宋.
        let heading =
            p.chars().nth(1) == Some('、') && "一二三四五六七八九十".contains(p.chars().next().unwrap_or(' '));
        let font = if heading { "黑体" } else { "仿宋_GB2312" };
        doc = doc.add_paragraph(
            Paragraph::new().line_spacing(body_spacing.clone()).first_line_chars(200).add_run(run(p, font, SIZE_3)),
        );
    }
    doc = doc
        .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(o.issuing_body, "仿宋_GB2312", SIZE_3)))
        .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(o.date, "仿宋_GB2312", SIZE_3)));
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| OfficeError::Write { detail: e.to_string() })?;
    Ok(buf.into_inner())
}

/// The text of every paragraph of a Word document, in order: for tests and checks.
pub fn docx_paragraphs(bytes: &[u8]) -> Result<Vec<String>, OfficeError> {
    let doc =
        docx_rs::read_docx(bytes).map_err(|e| OfficeError::Write { detail: format!("not a Word document: {e}") })?;
    let mut out = Vec::new();
    for child in doc.document.children {
        if let docx_rs::DocumentChild::Paragraph(p) = child {
            let mut text = String::new();
            for c in &p.children {
                if let docx_rs::ParagraphChild::Run(r) = c {
                    for rc in &r.children {
                        if let docx_rs::RunChild::Text(t) = rc {
                            text.push_str(&t.text);
                        }
                    }
                }
            }
            out.push(text);
        }
    }
    Ok(out)
}
