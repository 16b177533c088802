//! One row's project and item cells, read and checked but not yet attached.

use super::{Importer, ItemCells, ProjectCells};
use crate::cells::{parse_amount, parse_due, parse_initiation, DueCell, Val};
use crate::headers::Field;
use qidi_core::catalogue::to_half_width;
use qidi_core::credit_code::CreditCode;
use qidi_core::ledger_file::RowIssue;
use qidi_core::names::NameKind;
use qidi_core::project::ProjectStage;
use qidi_core::sentence::{Explain, Sentence};

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
    pub(super) fn project_cells(
        &mut self,
        row: u32,
        cells: &mut [(u32, Val<'_>)],
        errs: &mut Vec<RowIssue>,
    ) -> ProjectCells {
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

    pub(super) fn item_cells(&mut self, row: u32, cells: &mut [(u32, Val<'_>)], errs: &mut Vec<RowIssue>) -> ItemCells {
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
}
