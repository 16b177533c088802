//! The steps taken on an application, their codes and labels, and who takes them.

use super::{ApplicationState, OneTimeNotice, PauseReason};
use crate::role::Role;
use serde::{Deserialize, Serialize};

/// One step someone takes on an application. Stored as JSON with a `type` tag equal to
/// [`Action::as_str`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// The unit submits; `materials` are the required-material codes provided.
    Submit {
        materials: Vec<String>,
    },
    /// The handler returns the application with its one-time notice.
    Return {
        notice: OneTimeNotice,
    },
    /// The unit resubmits after a return. `materials` are all codes provided now;
    /// `replaced` are those replaced or corrected since the last submission.
    Resubmit {
        materials: Vec<String>,
        #[serde(default)]
        replaced: Vec<String>,
    },
    /// The handler accepts (受理): review starts, or forwarding is due.
    Accept,
    /// 视为受理: the notice limit ran out with neither a return nor an acceptance, so
    /// the application counts as accepted from the day it was received (行政许可法
    /// art. 32). Recorded by qidi itself ([`Actor::system`]), never by a person.
    DeemAccept {
        /// The day the application was received: its (re)submission.
        received_on: chrono::NaiveDate,
        /// The last day of the notice limit that ran out.
        notice_due_on: chrono::NaiveDate,
    },
    /// The department head extends the decision limit once, with a reason, by the
    /// item type's extension (行政许可法 art. 42).
    Extend {
        reason: String,
    },
    /// The handler pauses the review clock.
    Pause {
        reason: PauseReason,
        #[serde(default)]
        note: String,
    },
    /// The handler resumes the review clock.
    Resume,
    Approve {
        document_number: String,
        decided_on: chrono::NaiveDate,
    },
    Refuse {
        reasons: String,
    },
    Forward {
        to_authority: String,
    },
    /// The higher authority's outcome, entered by the office or the handling department.
    /// `decided_on` is the higher decision's date when known; otherwise the date of
    /// recording stands for it.
    RecordHigherOutcome {
        approved: bool,
        #[serde(default)]
        document_number: Option<String>,
        #[serde(default)]
        reasons: Option<String>,
        #[serde(default)]
        decided_on: Option<chrono::NaiveDate>,
    },
    /// The unit withdraws its application.
    Withdraw {
        reason: String,
    },
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Submit { .. } => "submit",
            Action::Return { .. } => "return",
            Action::Resubmit { .. } => "resubmit",
            Action::Accept => "accept",
            Action::DeemAccept { .. } => "deem_accept",
            Action::Extend { .. } => "extend",
            Action::Pause { .. } => "pause",
            Action::Resume => "resume",
            Action::Approve { .. } => "approve",
            Action::Refuse { .. } => "refuse",
            Action::Forward { .. } => "forward",
            Action::RecordHigherOutcome { .. } => "record_higher_outcome",
            Action::Withdraw { .. } => "withdraw",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        action_label_zh(self.as_str())
    }

    /// Who takes this action.
    pub fn side(&self) -> Side {
        match self {
            Action::Submit { .. } | Action::Resubmit { .. } | Action::Withdraw { .. } => Side::Unit,
            Action::RecordHigherOutcome { .. } => Side::Recorder,
            Action::DeemAccept { .. } => Side::System,
            _ => Side::Department,
        }
    }

    /// Whether `state` is exactly what this action leads to, so that taking it again
    /// is a repeat (a double click, two tabs, two handlers at once).
    pub(super) fn is_reflected_by(&self, state: ApplicationState) -> bool {
        use ApplicationState as S;
        match self {
            Action::Submit { .. } | Action::Resubmit { .. } => state == S::Submitted,
            Action::Return { .. } => state == S::Returned,
            Action::Accept | Action::DeemAccept { .. } => matches!(state, S::Accepted | S::UnderReview),
            Action::Extend { .. } => false,
            Action::Pause { .. } => state == S::Paused,
            Action::Resume => state == S::UnderReview,
            Action::Approve { .. } => state == S::Approved,
            Action::Refuse { .. } => state == S::Refused,
            Action::Forward { .. } => state == S::Forwarded,
            Action::RecordHigherOutcome { approved: true, .. } => state == S::HigherApproved,
            Action::RecordHigherOutcome { approved: false, .. } => state == S::HigherRefused,
            Action::Withdraw { .. } => state == S::Withdrawn,
        }
    }
}

/// Every action's code ([`Action::as_str`]).
const ACTION_CODES: [&str; 13] = [
    "submit",
    "return",
    "resubmit",
    "accept",
    "deem_accept",
    "extend",
    "pause",
    "resume",
    "approve",
    "refuse",
    "forward",
    "record_higher_outcome",
    "withdraw",
];

/// The Chinese label of an action by its code ([`Action::label_zh`]).
fn action_label_zh(code: &str) -> &'static str {
    match code {
        "submit" => "提交",
        "return" => "退回并一次性告知",
        "resubmit" => "重新提交",
        "accept" => "受理",
        "deem_accept" => "视为受理",
        "extend" => "延期",
        "pause" => "中止计时",
        "resume" => "恢复计时",
        "approve" => "批准",
        "refuse" => "不予许可",
        "forward" => "转报",
        "record_higher_outcome" => "录入上级审批结果",
        "withdraw" => "撤回",
        _ => "",
    }
}

/// The code of the action whose Chinese label is `label`.
pub(super) fn action_code_of_label(label: &str) -> Option<&'static str> {
    ACTION_CODES.into_iter().find(|c| action_label_zh(c) == label)
}

/// The three kinds of actor an action belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The project unit, or its authorised helper: submit, resubmit, withdraw.
    Unit,
    /// A handler or head of the handling department.
    Department,
    /// Records the higher authority's outcome: the office or the handling department.
    Recorder,
    /// qidi itself: what the law makes happen when a limit runs out.
    System,
}

/// Who is acting, as the caller established it from the signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    #[serde(default)]
    pub department_id: Option<String>,
    /// The project unit this actor acts for: an applicant's own unit, or for a helper
    /// the unit that assigned and authorised them.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// An assisted-service helper (帮办代办) acting on the unit's behalf. The caller sets
    /// `owner_id` for a helper only when the unit has authorised them on this project.
    #[serde(default)]
    pub helper_for: bool,
    /// qidi itself, recording what the law makes happen on its own: a deemed
    /// acceptance. Carries the office's role, under whose authority the record is kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub system: bool,
}

impl Actor {
    pub fn applicant(owner_id: &str) -> Actor {
        Actor {
            role: Role::Applicant,
            department_id: None,
            owner_id: Some(owner_id.to_string()),
            helper_for: false,
            system: false,
        }
    }

    pub fn handler(department_id: &str) -> Actor {
        Actor {
            role: Role::Handler,
            department_id: Some(department_id.to_string()),
            owner_id: None,
            helper_for: false,
            system: false,
        }
    }

    /// A helper of the given role acting for `owner_id` (None: not authorised by any unit).
    pub fn helper(role: Role, department_id: Option<&str>, owner_id: Option<&str>) -> Actor {
        Actor {
            role,
            department_id: department_id.map(str::to_string),
            owner_id: owner_id.map(str::to_string),
            helper_for: true,
            system: false,
        }
    }

    pub fn of_role(role: Role) -> Actor {
        Actor { role, department_id: None, owner_id: None, helper_for: false, system: false }
    }

    /// qidi itself (see [`Actor::system`]).
    pub fn system() -> Actor {
        Actor { system: true, ..Actor::of_role(Role::Office) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_label_leads_back_to_its_code() {
        for code in ACTION_CODES {
            assert_eq!(action_code_of_label(action_label_zh(code)), Some(code), "{code}");
        }
        assert_eq!(Action::Forward { to_authority: "盟自然资源局".into() }.label_zh(), "转报");
        assert_eq!(action_code_of_label("不是操作"), None);
    }
}
