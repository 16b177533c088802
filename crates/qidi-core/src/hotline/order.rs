//! What an order is: its complaint category, its urgency, its states and the clock that runs in each.

use serde::{Deserialize, Serialize};

/// What the caller complains about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 阻挠申报: a department stops a unit from submitting.
    BlockedSubmission,
    /// 拖延办理: approval dragged out.
    Delay,
    /// 反复要求补充材料: materials demanded again and again.
    RepeatedDemands,
    /// 服务态度: attitude.
    Attitude,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::BlockedSubmission, Category::Delay, Category::RepeatedDemands, Category::Attitude, Category::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::BlockedSubmission => "blocked_submission",
            Category::Delay => "delay",
            Category::RepeatedDemands => "repeated_demands",
            Category::Attitude => "attitude",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Category::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Category::BlockedSubmission => "阻挠申报",
            Category::Delay => "拖延办理",
            Category::RepeatedDemands => "反复要求补充材料",
            Category::Attitude => "服务态度",
            Category::Other => "其他",
        }
    }
}

/// How fast the hotline wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
}

impl Urgency {
    pub const ALL: [Urgency; 2] = [Urgency::Normal, Urgency::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Urgency::ALL.into_iter().find(|u| u.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Urgency::Normal => "一般",
            Urgency::Urgent => "紧急",
        }
    }
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// 已受理: in, with no leading department yet; the office assigns it.
    Received,
    /// 已派单: the leading department is to sign for it.
    Assigned,
    /// 已签收
    SignedFor,
    /// 已办理: handled, the reply to the caller still to be written.
    Handled,
    /// 已答复: the follow-up call is due.
    Replied,
    /// 重办: the caller was not satisfied; the leading department handles it again.
    Reopened,
    /// 已办结
    Closed,
}

impl OrderState {
    pub const ALL: [OrderState; 7] = [
        OrderState::Received,
        OrderState::Assigned,
        OrderState::SignedFor,
        OrderState::Handled,
        OrderState::Replied,
        OrderState::Reopened,
        OrderState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Received => "received",
            OrderState::Assigned => "assigned",
            OrderState::SignedFor => "signed_for",
            OrderState::Handled => "handled",
            OrderState::Replied => "replied",
            OrderState::Reopened => "reopened",
            OrderState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        OrderState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            OrderState::Received => "待派单",
            OrderState::Assigned => "待签收",
            OrderState::SignedFor => "办理中",
            OrderState::Handled => "待答复",
            OrderState::Replied => "待回访",
            OrderState::Reopened => "重办中",
            OrderState::Closed => "已办结",
        }
    }

    /// The clock that runs in this state, if any.
    pub fn clock(self) -> Option<Clock> {
        match self {
            OrderState::Received => Some(Clock::Assign),
            OrderState::Assigned => Some(Clock::SignFor),
            OrderState::SignedFor | OrderState::Handled | OrderState::Reopened => Some(Clock::Reply),
            OrderState::Replied => Some(Clock::FollowUp),
            OrderState::Closed => None,
        }
    }

    /// Whether the leading department holds the order (its clocks are the ones urged).
    pub fn with_department(self) -> bool {
        matches!(self, OrderState::Assigned | OrderState::SignedFor | OrderState::Handled | OrderState::Reopened)
    }
}

/// The clocks of an order. Handling and reply share one clock: the reply is due a
/// number of working days after the order was signed for (or reopened).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// The office assigns an order no project matched.
    Assign,
    /// 签收, 1 working day.
    SignFor,
    /// Handling and the reply to the caller.
    Reply,
    /// The follow-up call (回访).
    FollowUp,
}

impl Clock {
    pub fn as_str(self) -> &'static str {
        match self {
            Clock::Assign => "assign",
            Clock::SignFor => "sign_for",
            Clock::Reply => "reply",
            Clock::FollowUp => "follow_up",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Clock::Assign => "派单时限",
            Clock::SignFor => "签收时限",
            Clock::Reply => "答复时限",
            Clock::FollowUp => "回访时限",
        }
    }
}
