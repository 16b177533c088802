//! Rows merged into projects: a code seen again, project cells that disagree, items listed twice.

use super::{Acc, Current, Importer, ItemCells, ProjectCells};
use crate::headers::Field;
use qidi_core::ledger_file::{LedgerItem, LedgerProject, RowIssue};
use qidi_core::project::ProjectCode;
use qidi_core::sentence::{Arg, Sentence};

impl<'o> Importer<'o> {
    /// The project a parsed code names: the current one, an earlier one (merged, with
    /// a warning), or a new one.
    pub(super) fn project_for_code(
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
    pub(super) fn compare(&mut self, row: u32, i: usize, pc: &ProjectCells) {
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

    pub(super) fn add_item(&mut self, row: u32, i: usize, ic: ItemCells) {
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
