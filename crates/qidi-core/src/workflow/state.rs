//! Where an application stands, and why a review clock is paused.

use serde::{Deserialize, Serialize};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Being prepared by the unit; nobody else has seen it.
    Draft,
    /// Submitted (or resubmitted); the initial review is running.
    Submitted,
    /// Returned with a one-time notice; waiting for the unit to resubmit.
    Returned,
    /// Accepted, and the authority lies higher: waiting to be forwarded.
    Accepted,
    /// Accepted and under review at this level; the promised clock runs.
    UnderReview,
    /// Review clock paused (expert review, hearing, public notice …).
    Paused,
    Approved,
    Refused,
    /// Sent to the higher authority; its outcome is awaited.
    Forwarded,
    HigherApproved,
    HigherRefused,
    Withdrawn,
}

pub const ALL_STATES: [ApplicationState; 12] = [
    ApplicationState::Draft,
    ApplicationState::Submitted,
    ApplicationState::Returned,
    ApplicationState::Accepted,
    ApplicationState::UnderReview,
    ApplicationState::Paused,
    ApplicationState::Approved,
    ApplicationState::Refused,
    ApplicationState::Forwarded,
    ApplicationState::HigherApproved,
    ApplicationState::HigherRefused,
    ApplicationState::Withdrawn,
];

impl ApplicationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationState::Draft => "draft",
            ApplicationState::Submitted => "submitted",
            ApplicationState::Returned => "returned",
            ApplicationState::Accepted => "accepted",
            ApplicationState::UnderReview => "under_review",
            ApplicationState::Paused => "paused",
            ApplicationState::Approved => "approved",
            ApplicationState::Refused => "refused",
            ApplicationState::Forwarded => "forwarded",
            ApplicationState::HigherApproved => "higher_approved",
            ApplicationState::HigherRefused => "higher_refused",
            ApplicationState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL_STATES.into_iter().find(|st| st.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ApplicationState::Draft => "草稿",
            ApplicationState::Submitted => "已提交待初审",
            ApplicationState::Returned => "已退回（一次性告知）",
            ApplicationState::Accepted => "已受理待转报",
            ApplicationState::UnderReview => "审查中",
            ApplicationState::Paused => "计时中止",
            ApplicationState::Approved => "已批准",
            ApplicationState::Refused => "不予许可",
            ApplicationState::Forwarded => "已转报上级",
            ApplicationState::HigherApproved => "上级已批准",
            ApplicationState::HigherRefused => "上级不予许可",
            ApplicationState::Withdrawn => "已撤回",
        }
    }

    /// Decided or withdrawn: no action is accepted any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ApplicationState::Approved
                | ApplicationState::Refused
                | ApplicationState::HigherApproved
                | ApplicationState::HigherRefused
                | ApplicationState::Withdrawn
        )
    }

    /// Whether the application has been accepted (受理) at some point.
    pub fn is_accepted(self) -> bool {
        matches!(
            self,
            ApplicationState::Accepted
                | ApplicationState::UnderReview
                | ApplicationState::Paused
                | ApplicationState::Approved
                | ApplicationState::Refused
                | ApplicationState::Forwarded
                | ApplicationState::HigherApproved
                | ApplicationState::HigherRefused
        )
    }
}

/// Whose turn it is on an application: the project unit's, the handling department's,
/// or the higher authority's it was forwarded to. Inboxes and a unit's counts are read
/// by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Awaiting {
    Unit,
    Department,
    HigherAuthority,
}

impl Awaiting {
    pub const fn as_str(self) -> &'static str {
        match self {
            Awaiting::Unit => "unit",
            Awaiting::Department => "department",
            Awaiting::HigherAuthority => "higher_authority",
        }
    }

    /// Whose turn it is in `state`, while a department's clock runs or not: nobody's
    /// once decided or withdrawn; the department's while its clock runs; the higher
    /// authority's once forwarded; otherwise the unit's (a draft, a returned application).
    pub fn of(state: ApplicationState, clock_running: bool) -> Option<Awaiting> {
        if state.is_terminal() {
            None
        } else if clock_running {
            Some(Awaiting::Department)
        } else if state == ApplicationState::Forwarded {
            Some(Awaiting::HigherAuthority)
        } else {
            Some(Awaiting::Unit)
        }
    }
}

/// Why the review clock is paused. The law excludes hearings, tendering, testing,
/// appraisal and expert review from the limit (行政许可法 art. 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    ExpertReview,
    Hearing,
    PublicNotice,
    Tendering,
    Testing,
    Appraisal,
    /// Waiting for the unit to correct materials during review.
    AwaitingCorrection,
    /// Another legal ground; the note must name it.
    Other,
}

pub const ALL_PAUSE_REASONS: [PauseReason; 8] = [
    PauseReason::ExpertReview,
    PauseReason::Hearing,
    PauseReason::PublicNotice,
    PauseReason::Tendering,
    PauseReason::Testing,
    PauseReason::Appraisal,
    PauseReason::AwaitingCorrection,
    PauseReason::Other,
];

impl PauseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PauseReason::ExpertReview => "expert_review",
            PauseReason::Hearing => "hearing",
            PauseReason::PublicNotice => "public_notice",
            PauseReason::Tendering => "tendering",
            PauseReason::Testing => "testing",
            PauseReason::Appraisal => "appraisal",
            PauseReason::AwaitingCorrection => "awaiting_correction",
            PauseReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL_PAUSE_REASONS.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PauseReason::ExpertReview => "专家评审",
            PauseReason::Hearing => "听证",
            PauseReason::PublicNotice => "公示",
            PauseReason::Tendering => "招标、拍卖",
            PauseReason::Testing => "检验、检测、检疫",
            PauseReason::Appraisal => "鉴定",
            PauseReason::AwaitingCorrection => "补正材料",
            PauseReason::Other => "其他法定情形",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_turn_is_the_departments_while_its_clock_runs_and_nobodys_once_decided() {
        for state in ALL_STATES {
            let running = Awaiting::of(state, true);
            let stopped = Awaiting::of(state, false);
            if state.is_terminal() {
                assert_eq!((running, stopped), (None, None), "{state:?}");
                continue;
            }
            assert_eq!(running, Some(Awaiting::Department), "{state:?}");
            let expected =
                if state == ApplicationState::Forwarded { Awaiting::HigherAuthority } else { Awaiting::Unit };
            assert_eq!(stopped, Some(expected), "{state:?}");
        }
        assert_eq!(Awaiting::HigherAuthority.as_str(), "higher_authority");
    }
}
