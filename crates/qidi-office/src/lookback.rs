//! A look-back review's summary (回头看) as an Excel workbook (汇总, 检查清单) and as a
//! Word document in the bulletin's official layout (`bulletin::official_docx`).

use crate::bulletin::official_docx;
use crate::OfficeError;
use qidi_core::lookback::{correction_light, Report};
use rust_xlsxwriter::{Format, Workbook};

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> OfficeError {
    OfficeError::from(e)
}

/// The workbook: 汇总 (one count per row) and 检查清单 (one row per item reviewed).
pub fn lookback_xlsx(r: &Report) -> Result<Vec<u8>, OfficeError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet().set_name("汇总").map_err(xlsx_err)?;
    sheet.set_column_width(0, 24).map_err(xlsx_err)?;
    sheet.write_string_with_format(0, 0, &r.title, &bold).map_err(xlsx_err)?;
    sheet.write_string(0, 1, &r.rule).map_err(xlsx_err)?;
    let s = &r.summary;
    let rows: [(&str, u32); 9] = [
        ("检查事项", s.items),
        ("尚未检查", s.unreviewed),
        ("未发现问题", s.no_problem),
        ("发现问题", s.problem_found),
        ("需要整改", s.correction_needed),
        ("已整改", s.corrected),
        ("超期整改", s.corrected_late),
        ("未整改", s.open_corrections),
        ("未整改且已超期", s.red),
    ];
    for (n, (label, v)) in rows.iter().enumerate() {
        let row = n as u32 + 1;
        sheet.write_string(row, 0, *label).map_err(xlsx_err)?;
        sheet.write_number(row, 1, f64::from(*v)).map_err(xlsx_err)?;
    }
    let sheet = wb.add_worksheet().set_name("检查清单").map_err(xlsx_err)?;
    for (c, h) in
        ["序号", "检查对象", "部门", "结论", "问题", "整改要求", "整改期限", "整改完成", "灯"].iter().enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xlsx_err)?;
    }
    for (n, i) in r.items.iter().enumerate() {
        let row = n as u32 + 1;
        sheet.write_number(row, 0, f64::from(row)).map_err(xlsx_err)?;
        let light = i.clock.as_ref().and_then(|c| correction_light(c, i.corrected_on, r.made_on));
        let cells = [
            i.label.clone(),
            i.department_code.clone(),
            i.finding.map_or_else(|| "未检查".to_string(), |f| f.label_zh().to_string()),
            i.note.clone(),
            i.correction.clone(),
            i.clock.map_or_else(String::new, |c| c.due_on.to_string()),
            i.corrected_on.map_or_else(String::new, |d| d.to_string()),
            light.map_or_else(String::new, |l| l.label_zh().to_string()),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(row, c as u16 + 1, v).map_err(xlsx_err)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

/// The summary as a Word document in the official layout.
pub fn lookback_docx(r: &Report) -> Result<Vec<u8>, OfficeError> {
    official_docx(&qidi_core::official::OfficialDocument::from(r))
}
