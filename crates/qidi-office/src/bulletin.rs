//! A bulletin (通报) as an Excel workbook and as an editable Word document laid out as
//! an official document (GB/T 9704-2012: A4; the issuing body's mark in red over a red
//! line; document number; title in 2号小标宋; main recipients; body in 3号仿宋 with a
//! two-character first-line indent; issuing body and date at the foot). Fonts are
//! named as county PCs have them (方正小标宋简体, 仿宋_GB2312, 黑体), with Noto CJK
//! named for the East Asian fallback where they are absent.

use crate::OfficeError;
use docx_rs::{AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};
use qidi_core::bulletin::{Bulletin, ListedFact};
use qidi_core::official::{Block, OfficialDocument};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> OfficeError {
    OfficeError::from(e)
}

/// The bulletin as a workbook: 通报 (header and body), 超期事项 (one row per item),
/// 部门排名, one sheet per listed section, 信息报送 (late and missing progress reports)
/// and 挂牌督办 (orders open at the month's end).
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
    sheet.write_string(row + 1, 0, OfficialDocument::from(b).date_text()).map_err(xlsx_err)?;

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
            "报送逾期或未报",
            "督办中",
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
        for (c, v) in [
            l.overdue_at_end,
            l.closed_late,
            l.notice_breaches,
            l.late_forwards,
            l.new_red_lights,
            l.report_lapses,
            l.open_orders,
        ]
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

    let sheet = wb.add_worksheet().set_name("信息报送").map_err(xlsx_err)?;
    header(sheet, &["序号", "部门", "报送期次", "报送时限", "报送日期", "情况", "逾期工作日"], &bold)?;
    for (n, l) in b.report_lapses.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_number(r, 0, r as f64).map_err(xlsx_err)?;
        sheet.write_string(r, 1, &l.department).map_err(xlsx_err)?;
        sheet.write_string(r, 2, &l.period_label).map_err(xlsx_err)?;
        sheet.write_string(r, 3, l.due_on.to_string()).map_err(xlsx_err)?;
        sheet.write_string(r, 4, l.filed_on.map_or_else(|| "未报送".into(), |d| d.to_string())).map_err(xlsx_err)?;
        sheet.write_string(r, 5, l.state.label_zh()).map_err(xlsx_err)?;
        sheet.write_number(r, 6, l.working_days_late as f64).map_err(xlsx_err)?;
    }

    let sheet = wb.add_worksheet().set_name("挂牌督办").map_err(xlsx_err)?;
    header(
        sheet,
        &[
            "序号",
            "督办名称",
            "督办对象",
            "责任部门",
            "责任人",
            "督办事由",
            "整改要求",
            "挂牌日期",
            "督办时限",
            "超过时限工作日",
        ],
        &bold,
    )?;
    for (n, o) in b.open_orders.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_number(r, 0, r as f64).map_err(xlsx_err)?;
        let target = format!("{}：{}", o.target.label_zh(), o.target_name);
        let (issued, deadline) = (o.issued_on.to_string(), o.deadline.to_string());
        for (c, v) in
            [&o.title, &target, &o.department, &o.responsible_person, &o.reason, &o.required_action, &issued, &deadline]
                .into_iter()
                .enumerate()
        {
            sheet.write_string(r, c as u16 + 1, v).map_err(xlsx_err)?;
        }
        sheet.write_number(r, 9, o.days_past_deadline as f64).map_err(xlsx_err)?;
    }

    let sheet = wb.add_worksheet().set_name("尚未上线办理").map_err(xlsx_err)?;
    header(sheet, &["序号", "部门", "待批事项"], &bold)?;
    for (n, d) in b.not_online.iter().enumerate() {
        let r = n as u32 + 1;
        sheet.write_number(r, 0, r as f64).map_err(xlsx_err)?;
        sheet.write_string(r, 1, &d.department).map_err(xlsx_err)?;
        sheet.write_number(r, 2, d.pending_items as f64).map_err(xlsx_err)?;
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
    official_docx(&OfficialDocument::from(b))
}

/// Any official document as an editable Word document in the GB/T 9704 layout.
pub fn official_docx(d: &OfficialDocument) -> Result<Vec<u8>, OfficeError> {
    // A4 in twips; margins 37/35/28/26 mm as GB/T 9704 sets them (1 mm = 56.7 twips).
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin::new().top(2098).bottom(1984).left(1587).right(1474));
    let body_spacing = LineSpacing::new().line(560); // 28 pt: 22 lines a page
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(&d.issuing_body, "方正小标宋简体", SIZE_MARK).color("FF0000")),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
            &d.document_number,
            "仿宋_GB2312",
            SIZE_3,
        )))
        // The red line under the mark: a row of a heavy rule character in red.
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(&"━".repeat(24), "仿宋_GB2312", SIZE_3).color("FF0000")),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(&d.title, "方正小标宋简体", SIZE_2)))
        .add_paragraph(Paragraph::new().line_spacing(body_spacing.clone()).add_run(run(
            &d.recipients_line(),
            "仿宋_GB2312",
            SIZE_3,
        )));
    for block in &d.body {
        let font = match block {
            Block::Heading(_) => "黑体",
            Block::Paragraph(_) => "仿宋_GB2312",
        };
        doc =
            doc.add_paragraph(Paragraph::new().line_spacing(body_spacing.clone()).first_line_chars(200).add_run(run(
                block.text(),
                font,
                SIZE_3,
            )));
    }
    doc = doc
        .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(&d.signature, "仿宋_GB2312", SIZE_3)))
        .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
            &d.date_text(),
            "仿宋_GB2312",
            SIZE_3,
        )));
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
