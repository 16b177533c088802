//! Removals and reductions: why and what is removed, the office's decision, how a baseline entry may be reduced.

use crate::role::Role;
use crate::sentence::{Arg, Explain};
use serde::{Deserialize, Serialize};

/// Why a project or a baseline entry is removed (R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// 不符合产业政策
    IndustrialPolicy,
    /// 不符合节约集约用地要求
    LandSaving,
    /// 项目不再实施
    NotGoingAhead,
    Other,
}

pub const REMOVAL_REASONS: [RemovalReason; 4] =
    [RemovalReason::IndustrialPolicy, RemovalReason::LandSaving, RemovalReason::NotGoingAhead, RemovalReason::Other];

impl RemovalReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalReason::IndustrialPolicy => "industrial_policy",
            RemovalReason::LandSaving => "land_saving",
            RemovalReason::NotGoingAhead => "not_going_ahead",
            RemovalReason::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<RemovalReason> {
        REMOVAL_REASONS.into_iter().find(|r| r.as_str() == s.trim())
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            RemovalReason::IndustrialPolicy => "不符合产业政策",
            RemovalReason::LandSaving => "不符合节约集约用地要求",
            RemovalReason::NotGoingAhead => "项目不再实施",
            RemovalReason::Other => "其他",
        }
    }
}

/// What a removal takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalKind {
    /// The project leaves the library (in_library = false); its baseline entries go with it.
    Project,
    /// One pending item leaves the baseline.
    Item,
}

impl RemovalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalKind::Project => "project",
            RemovalKind::Item => "item",
        }
    }
    pub fn parse(s: &str) -> Option<RemovalKind> {
        match s {
            "project" => Some(RemovalKind::Project),
            "item" => Some(RemovalKind::Item),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            RemovalKind::Project => "移出项目库",
            RemovalKind::Item => "核减待批事项",
        }
    }
}

/// The office's decision on a proposed removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Proposed,
    Approved,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Proposed => "proposed",
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "proposed" => Some(Decision::Proposed),
            "approved" => Some(Decision::Approved),
            "rejected" => Some(Decision::Rejected),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Decision::Proposed => "待办公室审核",
            Decision::Approved => "已批准",
            Decision::Rejected => "未批准",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemovalError {
    #[error("请说明移除理由")]
    NoReasonText,
    #[error("移除理由过长（最多 2000 个字符）")]
    ReasonTooLong,
    #[error("您的角色不能提出移除")]
    MayNotPropose,
    #[error("只有领导小组办公室可以批准或驳回移除")]
    MayNotDecide,
    #[error("该移除申请已有决定（{}），不能再改", .0.label_zh())]
    AlreadyDecided(Decision),
    #[error("决定只能是批准或驳回")]
    NotADecision,
}

impl Explain for RemovalError {
    fn key(&self) -> &'static str {
        match self {
            RemovalError::NoReasonText => "err-ledger-removal-no-reason-text",
            RemovalError::ReasonTooLong => "err-ledger-removal-reason-too-long",
            RemovalError::MayNotPropose => "err-ledger-removal-may-not-propose",
            RemovalError::MayNotDecide => "err-ledger-removal-may-not-decide",
            RemovalError::AlreadyDecided(_) => "err-ledger-removal-already-decided",
            RemovalError::NotADecision => "err-ledger-removal-not-a-decision",
        }
    }
    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            RemovalError::ReasonTooLong => vec![("max", 2000u32.into())],
            RemovalError::AlreadyDecided(d) => {
                vec![("decision", Arg::Label { prefix: "removal-decision", code: d.as_str() })]
            }
            _ => Vec::new(),
        }
    }
}

/// The reason text, trimmed, present and not too long.
pub fn check_reason_text(text: &str) -> Result<String, RemovalError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(RemovalError::NoReasonText);
    }
    if t.chars().count() > 2000 {
        return Err(RemovalError::ReasonTooLong);
    }
    Ok(t.to_string())
}

/// Departments propose removals of what they answer for; the office may too.
pub fn may_propose_removal(role: Role) -> Result<(), RemovalError> {
    match role {
        Role::Office | Role::DepartmentHead | Role::Handler => Ok(()),
        _ => Err(RemovalError::MayNotPropose),
    }
}

/// Who may propose removing what `departments` answer for (a project: its initiating
/// department; an item: the department handling it and the project's initiating
/// department): their staff, or the office.
pub fn may_propose_removal_of(role: Role, user_department: Option<&str>, departments: &[&str]) -> bool {
    may_propose_removal(role).is_ok() && super::permission::acts_for(role, user_department, departments)
}

/// Only the office decides, once, between approval and rejection.
/// Whether `role` decides proposed removals: the sweep office.
pub fn may_decide_removal(role: Role) -> bool {
    role == Role::Office
}

pub fn check_decision(role: Role, current: Decision, new: Decision) -> Result<(), RemovalError> {
    if !may_decide_removal(role) {
        return Err(RemovalError::MayNotDecide);
    }
    if current != Decision::Proposed {
        return Err(RemovalError::AlreadyDecided(current));
    }
    if new == Decision::Proposed {
        return Err(RemovalError::NotADecision);
    }
    Ok(())
}

/// How an entry leaves the baseline (核减).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// The pending item was granted: 审批1个核减1个.
    Approved,
    /// Removed with a reason and the office's approval.
    Removed,
}

impl Reduction {
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::Approved => "approved",
            Reduction::Removed => "removed",
        }
    }
    pub fn parse(s: &str) -> Option<Reduction> {
        match s {
            "approved" => Some(Reduction::Approved),
            "removed" => Some(Reduction::Removed),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Reduction::Approved => "已审批核减",
            Reduction::Removed => "移除核减",
        }
    }
}

/// The pending-item status that counts as approval.
pub const GRANTED: &str = "granted";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReductionError {
    #[error("该事项已核减，不能再变")]
    AlreadyReduced,
    #[error("只有审批通过的事项才能按审批核减")]
    NotGranted,
    #[error("移除核减须有办公室批准的移除决定")]
    RemovalNotApproved,
    #[error("移除核减须写明理由")]
    NoReason,
}

impl Explain for ReductionError {
    fn key(&self) -> &'static str {
        match self {
            ReductionError::AlreadyReduced => "err-ledger-reduction-already-reduced",
            ReductionError::NotGranted => "err-ledger-reduction-not-granted",
            ReductionError::RemovalNotApproved => "err-ledger-reduction-removal-not-approved",
            ReductionError::NoReason => "err-ledger-reduction-no-reason",
        }
    }
}

/// What a removal carries when it reduces a baseline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalFacts<'a> {
    pub decision: Decision,
    pub reason: RemovalReason,
    pub text: &'a str,
}

/// Whether a baseline entry may be reduced: by approval only if its item is granted;
/// by removal only with an approved decision and a stated reason. Nothing else.
pub fn check_reduction(
    already: Option<Reduction>,
    how: Reduction,
    item_status: &str,
    removal: Option<&RemovalFacts<'_>>,
) -> Result<(), ReductionError> {
    if already.is_some() {
        return Err(ReductionError::AlreadyReduced);
    }
    match how {
        Reduction::Approved if item_status == GRANTED => Ok(()),
        Reduction::Approved => Err(ReductionError::NotGranted),
        Reduction::Removed => match removal {
            Some(r) if r.decision == Decision::Approved => {
                if r.text.trim().is_empty() {
                    Err(ReductionError::NoReason)
                } else {
                    Ok(())
                }
            }
            _ => Err(ReductionError::RemovalNotApproved),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reductions() {
        let approved =
            RemovalFacts { decision: Decision::Approved, reason: RemovalReason::LandSaving, text: "占地超标" };
        let proposed = RemovalFacts { decision: Decision::Proposed, ..approved.clone() };
        assert_eq!(check_reduction(None, Reduction::Approved, "granted", None), Ok(()));
        assert_eq!(check_reduction(None, Reduction::Approved, "pending", None), Err(ReductionError::NotGranted));
        assert_eq!(check_reduction(None, Reduction::Removed, "pending", Some(&approved)), Ok(()));
        assert_eq!(
            check_reduction(None, Reduction::Removed, "pending", Some(&proposed)),
            Err(ReductionError::RemovalNotApproved)
        );
        assert_eq!(check_reduction(None, Reduction::Removed, "pending", None), Err(ReductionError::RemovalNotApproved));
        let blank = RemovalFacts { text: "  ", ..approved.clone() };
        assert_eq!(check_reduction(None, Reduction::Removed, "pending", Some(&blank)), Err(ReductionError::NoReason));
        assert_eq!(
            check_reduction(Some(Reduction::Approved), Reduction::Removed, "granted", Some(&approved)),
            Err(ReductionError::AlreadyReduced)
        );
    }

    #[test]
    fn removal_rules() {
        for r in REMOVAL_REASONS {
            assert_eq!(RemovalReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(RemovalReason::parse("whim"), None);
        assert_eq!(check_reason_text("  "), Err(RemovalError::NoReasonText));
        assert_eq!(check_reason_text(" 用地超标 ").unwrap(), "用地超标");
        assert!(may_propose_removal(Role::Handler).is_ok());
        assert!(may_propose_removal(Role::Inspector).is_err());
        assert!(check_decision(Role::Office, Decision::Proposed, Decision::Approved).is_ok());
        assert_eq!(
            check_decision(Role::DepartmentHead, Decision::Proposed, Decision::Approved),
            Err(RemovalError::MayNotDecide)
        );
        assert_eq!(
            check_decision(Role::Office, Decision::Approved, Decision::Rejected),
            Err(RemovalError::AlreadyDecided(Decision::Approved))
        );
        assert_eq!(
            check_decision(Role::Office, Decision::Proposed, Decision::Proposed),
            Err(RemovalError::NotADecision)
        );
    }
}
