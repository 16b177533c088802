//! A ledger as departments keep it in spreadsheets: its columns, its projects and their
//! pending items as read from a file or written to one, and the rows it could not read.
//! The spreadsheet crate reads and writes these; the store persists them without
//! knowing that a spreadsheet existed.

use crate::names::NameKind;
use crate::project::{ProjectCode, ProjectStage, Yuan};
use crate::sentence::Sentence;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// A column the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// 序号 (ignored on import; numbered on export)
    Seq,
    Code,
    Name,
    Owner,
    InitiatingDepartment,
    Year,
    Investment,
    Stage,
    ItemType,
    HandlingDepartment,
    CheckResult,
    ResponsiblePerson,
    AcceptanceStatus,
    DueOn,
    Note,
    /// 统一社会信用代码 of the project unit: read when a ledger has it, not in the
    /// official layout.
    OwnerCreditCode,
}

impl Field {
    /// Every field, the official layout's 15 columns first, in their order.
    pub const ALL: [Field; 16] = [
        Field::Seq,
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
        Field::OwnerCreditCode,
    ];

    /// The identifier used in mapping files (the field names of [`LedgerProject`] and [`LedgerItem`]).
    pub fn id(self) -> &'static str {
        match self {
            Field::Seq => "seq",
            Field::Code => "code",
            Field::Name => "name",
            Field::Owner => "owner",
            Field::InitiatingDepartment => "initiating_department",
            Field::Year => "year",
            Field::Investment => "investment",
            Field::Stage => "stage",
            Field::ItemType => "item_type",
            Field::HandlingDepartment => "handling_department",
            Field::CheckResult => "check_result",
            Field::ResponsiblePerson => "responsible_person",
            Field::AcceptanceStatus => "acceptance_status",
            Field::DueOn => "due_on",
            Field::Note => "note",
            Field::OwnerCreditCode => "owner_credit_code",
        }
    }

    /// The header the official layout writes.
    pub fn label_zh(self) -> &'static str {
        match self {
            Field::Seq => "序号",
            Field::Code => "项目代码",
            Field::Name => "项目名称",
            Field::Owner => "项目单位",
            Field::InitiatingDepartment => "立项部门",
            Field::Year => "立项年度",
            Field::Investment => "总投资（万元）",
            Field::Stage => "建设状态",
            Field::ItemType => "待批事项",
            Field::HandlingDepartment => "办理部门",
            Field::CheckResult => "核查情况",
            Field::ResponsiblePerson => "责任人",
            Field::AcceptanceStatus => "受理情况",
            Field::DueOn => "完成时限",
            Field::Note => "备注",
            Field::OwnerCreditCode => "统一社会信用代码",
        }
    }

    /// Whether the field describes the project (merged over its items) rather than an item.
    pub fn is_project_field(self) -> bool {
        matches!(
            self,
            Field::Seq
                | Field::Code
                | Field::Name
                | Field::Owner
                | Field::InitiatingDepartment
                | Field::Year
                | Field::Investment
                | Field::Stage
                | Field::OwnerCreditCode
        )
    }
}

/// A row that could not be read, or was read with a doubt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowIssue {
    /// 1-based sheet row, as Excel numbers it.
    pub row: u32,
    /// The header text as written in the file (or a column letter).
    pub column: String,
    /// Why: its Chinese wording, and the catalogue key a page words it by in another
    /// language. Serialised (`--json`, the API) as the Chinese text.
    #[serde(serialize_with = "chinese_text")]
    pub message: Sentence,
    /// The sheet the row is on.
    pub sheet: String,
}

/// A sentence as its Chinese wording, as the JSON reports have always shown it.
fn chinese_text<S: Serializer>(message: &Sentence, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(message.as_str())
}

/// A department or item type name in the file that matches nothing in the catalogue,
/// with the rows it is on and the closest known names. The office can map it once
/// (an alias), and the next file goes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownName {
    pub kind: NameKind,
    /// As first written in the file.
    pub written: String,
    /// 1-based sheet rows, in order.
    pub rows: Vec<u32>,
    /// The closest known names (as the catalogue writes them), best first.
    pub suggestions: Vec<String>,
}

/// One pending item of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerItem {
    /// Item type code.
    pub item_type: String,
    /// Department code; the item type's default when the cell is empty.
    pub handling_department: String,
    pub check_result: Option<String>,
    pub responsible_person: Option<String>,
    pub acceptance_status: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// 1-based sheet row it was read from; 0 when it was not read from a file.
    pub row: u32,
}

/// One project with its pending items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerProject {
    pub code: ProjectCode,
    pub name: String,
    pub owner: Option<String>,
    /// The project unit's unified social credit code, checked, when the ledger gives it.
    pub owner_credit_code: Option<String>,
    /// Department code.
    pub initiating_department: Option<String>,
    pub year: Option<i32>,
    /// 立项时间, when the ledger gives the day (the year is then `year`).
    pub initiated_on: Option<NaiveDate>,
    pub investment: Option<Yuan>,
    pub stage: Option<ProjectStage>,
    pub items: Vec<LedgerItem>,
    /// 1-based sheet row where the project first appears; 0 when not read from a file.
    pub first_row: u32,
}

/// What a ledger file held. `projects` holds only projects none of whose rows has
/// an error; every error is in `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerImport {
    /// The sheet read.
    pub sheet: String,
    /// 1-based row of the (last) header row.
    pub header_row: u32,
    /// The title row above the header, if any.
    pub title: Option<String>,
    /// 填报单位, if written above the header.
    pub unit: Option<String>,
    /// 填报日期, if written above the header.
    pub date: Option<NaiveDate>,
    pub projects: Vec<LedgerProject>,
    pub errors: Vec<RowIssue>,
    pub warnings: Vec<RowIssue>,
    /// Names that match no department or item type (each also a row error).
    pub unknown_names: Vec<UnknownName>,
}

/// The summary the CLI prints with `--json` and the web page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport<'a> {
    pub projects: usize,
    pub items: usize,
    pub errors: &'a [RowIssue],
    pub warnings: &'a [RowIssue],
    /// Left out when there are none, so that a clean file's report is as before.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub unknown_names: &'a [UnknownName],
}

impl LedgerImport {
    pub fn item_count(&self) -> usize {
        self.projects.iter().map(|p| p.items.len()).sum()
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// `{"projects": N, "items": N, "errors": [...], "warnings": [...]}`.
    pub fn report(&self) -> ImportReport<'_> {
        ImportReport {
            projects: self.projects.len(),
            items: self.item_count(),
            errors: &self.errors,
            warnings: &self.warnings,
            unknown_names: &self.unknown_names,
        }
    }
}
