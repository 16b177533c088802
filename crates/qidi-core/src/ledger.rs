//! The ledger rules (台账): check lists and their answers, ledger versions and the hash a
//! sign-off binds, who signs what in which order, the baseline and what may reduce it,
//! removal reasons, progress against the baseline and its burn-down, campaigns.
//!
//! Pure: the store remembers versions, signatures and baseline rows; everything that
//! decides is here.

pub use crate::campaign::{Campaign, CampaignError, DateOutsideCampaign, DateWindow, Milestone};

mod canonical;
mod change;
mod check;
mod permission;
mod progress;
mod removal;
mod sign;

pub use canonical::{
    content_hash, line_key_text, parse_line_key, short_hash, BannerPart, CanonicalLedger, DepartmentReading,
    DepartmentText, LedgerLine, LineKey, ReadText, WrittenText, CANONICAL_TAG, LINE_FIELDS,
};
// The head lines, for the stream beside the whole ledger.
use canonical::{change_set_head, department_head};
pub use change::{apply_changes, diff_lines, ChangeKind, ChangeSet, ChangeSetCheck, FieldChange, LineChange};
pub use check::{
    check_list_default_due, check_missing, AnswerState, CheckAnswer, CheckAnswerError, CHECK_LIST_DEFAULT_DAYS,
};
pub use permission::{
    acts_for, add_item_refusal, import_refusal_reason, may_answer, may_export, may_import, may_import_over_item,
    may_push_check_list, read_only_refusal, AddItemRefusal, ImportRefusal,
};
pub use progress::{BaselineDay, BaselineEntry, BurnDown, Forecast, Progress, FORECAST_DAYS};
pub use removal::{
    check_decision, check_reason_text, check_reduction, may_decide_removal, may_propose_removal,
    may_propose_removal_of, Decision, Reduction, ReductionError, RemovalError, RemovalFacts, RemovalKind,
    RemovalReason, GRANTED, REMOVAL_REASONS,
};
pub use sign::{
    check_change_confirmation, check_signature, fully_signed, may_sign, Capacity, LedgerKind, LedgerNow, SignError,
    SignRequest, SignatureState,
};

pub mod baseline_filter;
pub use baseline_filter::{
    BaselineFilter, BaselineFilterError, BaselineFilterField, BaselineQuery, BaselineSort, BaselineSource,
    BaselineStatus,
};
pub mod stream;
pub use stream::{
    KeptChangeSet, KeptText, LedgerPage, LedgerStream, OutOfOrder, RowSpill, Signed, StreamEnd, StreamPass,
    CHANGE_ROWS_HELD,
};

// Test fixtures the submodules' tests share.
#[cfg(test)]
mod fixtures {
    use super::LedgerLine;
    use chrono::NaiveDate;

    pub(super) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(super) fn line(code: &str, item: &str) -> LedgerLine {
        LedgerLine {
            project_code: code.into(),
            project_name: "测试项目".into(),
            owner: Some("某公司".into()),
            initiating_department: Some("fgw".into()),
            item_type: item.into(),
            handling_department: "zrzy".into(),
            check_result: Some("材料齐全".into()),
            responsible_person: Some("王海".into()),
            acceptance_status: None,
            due_on: Some(ymd(2022, 9, 30)),
        }
    }

    pub(super) fn lines() -> Vec<LedgerLine> {
        vec![
            line("2022-152529-44-01-000001", "land"),
            line("2022-152529-44-01-000001", "eia"),
            line("2022-152529-44-01-000002", "water"),
            line("2022-152529-44-01-000003", "forest"),
        ]
    }
}
