//! The importer: the projects it assembles, a row's cells, the rows it walks and where each belongs.

use super::layout::{preamble, Layout};
use super::merge_fill::MergeFill;
use super::read::{ImportOptions, Row};
use crate::cells::Val;
use crate::headers::Field;
use crate::safety::MergedRange;
use crate::OfficeError;
use chrono::NaiveDate;
use qidi_core::catalogue::to_half_width;
use qidi_core::ledger_file::{LedgerImport, LedgerProject, RowIssue, UnknownName};
use qidi_core::names::NameKind;
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::sentence::{Explain, Sentence};
use std::collections::HashMap;

mod names;
mod projects;
mod row_cells;

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

pub(super) struct Importer<'o> {
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

impl<'o> Importer<'o> {
    pub(super) fn new(opts: &'o ImportOptions, sheet: String, layout: Layout) -> Self {
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

    pub(super) fn run<'a>(
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
}

static EMPTY: Val<'static> = Val::Empty;
