//! An approval made outside the system (线下/系统外批复): a ledger lists an item as
//! already approved, or the decision was taken before the department handled it in
//! qidi. It grants the pending item — and so reduces its baseline entry (审批1个核减1个)
//! — only when it is recorded with its document number (文号) and date, by the office
//! or by the item's handling department.
//!
//! The database refuses a grant with neither an approved application nor such a record
//! behind it (migration 0008); these are the rules a person is told about first.

use crate::role::Role;
use chrono::NaiveDate;

/// The longest document number kept (official numbers are far shorter).
pub const MAX_DOCUMENT_NUMBER_CHARS: usize = 100;
/// The longest note kept.
pub const MAX_NOTE_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutsideApprovalError {
    #[error("只有领导小组办公室或该事项的办理部门可以登记系统外审批")]
    NotAllowed,
    #[error("请填写批复文号")]
    NoDocumentNumber,
    #[error("批复文号过长（最多 100 字）")]
    DocumentNumberTooLong,
    #[error("批复日期 {decided_on} 晚于今天（{today}），不能登记尚未作出的批复")]
    DecidedInFuture { decided_on: NaiveDate, today: NaiveDate },
    #[error("批复日期 {decided_on} 早于 {from}（台账所收项目自 2016 年起），请核对年份")]
    DecidedBeforeScope { decided_on: NaiveDate, from: NaiveDate },
    #[error("备注过长（最多 2000 字）")]
    NoteTooLong,
    #[error("该事项已审批办结，无需再登记")]
    AlreadyGranted,
    #[error("该事项有正在办理的申请，请在申请中作出审批决定")]
    OpenApplication,
}

impl crate::sentence::Explain for OutsideApprovalError {
    fn key(&self) -> &'static str {
        match self {
            OutsideApprovalError::NotAllowed => "err-outside-approval-not-allowed",
            OutsideApprovalError::NoDocumentNumber => "err-outside-approval-no-document-number",
            OutsideApprovalError::DocumentNumberTooLong => "err-outside-approval-document-number-too-long",
            OutsideApprovalError::DecidedInFuture { .. } => "err-outside-approval-decided-in-future",
            OutsideApprovalError::DecidedBeforeScope { .. } => "err-outside-approval-decided-before-scope",
            OutsideApprovalError::NoteTooLong => "err-outside-approval-note-too-long",
            OutsideApprovalError::AlreadyGranted => "err-outside-approval-already-granted",
            OutsideApprovalError::OpenApplication => "err-outside-approval-open-application",
        }
    }

    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            OutsideApprovalError::DocumentNumberTooLong => vec![("max", MAX_DOCUMENT_NUMBER_CHARS.into())],
            OutsideApprovalError::NoteTooLong => vec![("max", MAX_NOTE_CHARS.into())],
            OutsideApprovalError::DecidedInFuture { decided_on, today } => {
                vec![("decided", (*decided_on).into()), ("today", (*today).into())]
            }
            OutsideApprovalError::DecidedBeforeScope { decided_on, from } => {
                vec![("decided", (*decided_on).into()), ("from", (*from).into())]
            }
            _ => Vec::new(),
        }
    }
}

/// Who may record an approval made outside the system: the office, or a handler or the
/// head of the department that handles the item.
pub fn may_record(
    role: Role,
    user_department: Option<&str>,
    handling_department: &str,
) -> Result<(), OutsideApprovalError> {
    match role {
        Role::Office => Ok(()),
        Role::Handler | Role::DepartmentHead if user_department == Some(handling_department) => Ok(()),
        _ => Err(OutsideApprovalError::NotAllowed),
    }
}

/// What is recorded, checked and trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideApproval {
    pub document_number: String,
    pub decided_on: NaiveDate,
    pub note: Option<String>,
}

/// Check what a person entered: a document number that is not blank, a decision date
/// that is not after `today` nor before the ledger's scope begins, a note of reasonable length (a blank note is none).
pub fn check(
    document_number: &str,
    decided_on: NaiveDate,
    note: Option<&str>,
    today: NaiveDate,
) -> Result<OutsideApproval, OutsideApprovalError> {
    let number = document_number.trim();
    if number.is_empty() {
        return Err(OutsideApprovalError::NoDocumentNumber);
    }
    if number.chars().count() > MAX_DOCUMENT_NUMBER_CHARS {
        return Err(OutsideApprovalError::DocumentNumberTooLong);
    }
    if decided_on > today {
        return Err(OutsideApprovalError::DecidedInFuture { decided_on, today });
    }
    let from = crate::campaign::scope_starts();
    if decided_on < from {
        return Err(OutsideApprovalError::DecidedBeforeScope { decided_on, from });
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(OutsideApprovalError::NoteTooLong);
    }
    Ok(OutsideApproval { document_number: number.to_string(), decided_on, note: note.map(str::to_string) })
}

/// Whether the item is still open to an outside approval: it is not granted yet, and
/// no application of it is under way (that one is decided in the system).
pub fn check_item(granted: bool, open_application: bool) -> Result<(), OutsideApprovalError> {
    if granted {
        Err(OutsideApprovalError::AlreadyGranted)
    } else if open_application {
        Err(OutsideApprovalError::OpenApplication)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_office_or_the_handling_department_records() {
        assert_eq!(may_record(Role::Office, None, "zrzy"), Ok(()));
        assert_eq!(may_record(Role::Handler, Some("zrzy"), "zrzy"), Ok(()));
        assert_eq!(may_record(Role::DepartmentHead, Some("zrzy"), "zrzy"), Ok(()));
        assert_eq!(may_record(Role::Handler, Some("fgw"), "zrzy"), Err(OutsideApprovalError::NotAllowed));
        assert_eq!(may_record(Role::DepartmentHead, None, "zrzy"), Err(OutsideApprovalError::NotAllowed));
        for role in [Role::Applicant, Role::Leader, Role::Inspector, Role::Admin] {
            assert_eq!(may_record(role, Some("zrzy"), "zrzy"), Err(OutsideApprovalError::NotAllowed), "{role:?}");
        }
    }

    #[test]
    fn a_document_number_and_a_date_not_in_the_future() {
        let today = day(2022, 9, 30);
        let ok = check(" 正自然资字〔2022〕12号 ", day(2022, 9, 30), Some("  "), today).unwrap();
        assert_eq!(ok.document_number, "正自然资字〔2022〕12号");
        assert_eq!((ok.decided_on, ok.note), (today, None));
        assert_eq!(check("  \t", today, None, today), Err(OutsideApprovalError::NoDocumentNumber));
        assert_eq!(
            check("文号", day(2022, 10, 1), None, today),
            Err(OutsideApprovalError::DecidedInFuture { decided_on: day(2022, 10, 1), today })
        );
        assert!(check("文号", day(2022, 10, 1), None, today).unwrap_err().to_string().contains("晚于今天"));
        assert_eq!(
            check("文号", day(1900, 1, 1), None, today),
            Err(OutsideApprovalError::DecidedBeforeScope { decided_on: day(1900, 1, 1), from: day(2016, 1, 1) })
        );
        assert!(check("文号", day(2016, 1, 1), None, today).is_ok());
        assert_eq!(check(&"号".repeat(101), today, None, today), Err(OutsideApprovalError::DocumentNumberTooLong));
        assert!(check(&"号".repeat(100), today, None, today).is_ok());
        assert_eq!(check("文号", today, Some(&"注".repeat(2001)), today), Err(OutsideApprovalError::NoteTooLong));
        assert_eq!(
            check("文号", day(2019, 1, 2), Some(" 旗政府批复 "), today).unwrap().note.as_deref(),
            Some("旗政府批复")
        );
    }

    #[test]
    fn only_an_item_still_pending_and_not_under_way() {
        assert_eq!(check_item(false, false), Ok(()));
        assert_eq!(check_item(true, false), Err(OutsideApprovalError::AlreadyGranted));
        assert_eq!(check_item(false, true), Err(OutsideApprovalError::OpenApplication));
    }
}
