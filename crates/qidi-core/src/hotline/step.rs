//! The steps of an order: who acts, what is known, who may take which step from which state, and what it changes.

use super::{Clock, OrderState};
use crate::Role;
use serde::{Deserialize, Serialize};

/// More than this many reopenings escalate an order to the office.
pub const ESCALATE_AFTER_REOPENINGS: u32 = 3;

/// Who acts on an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person: role, and the department they act for.
    Person { role: Role, department_id: Option<String> },
    /// The hotline platform, with its API token.
    Platform,
    /// qidi itself (routing at intake).
    System,
}

/// What is known of an order when a step is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub state: OrderState,
    pub leading_department_id: Option<String>,
    pub complained_department_id: Option<String>,
    pub reopen_count: u32,
}

/// A step on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// The office assigns (or reassigns, before it is signed for) the leading department.
    Assign {
        department_id: String,
    },
    SignFor,
    Handle {
        note: String,
    },
    /// The reply to the caller, sent back to the platform.
    Reply {
        text: String,
    },
    /// The result of the follow-up call.
    FollowUp {
        satisfied: bool,
        #[serde(default)]
        note: String,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "assign",
            Action::SignFor => "sign_for",
            Action::Handle { .. } => "handle",
            Action::Reply { .. } => "reply",
            Action::FollowUp { .. } => "follow_up",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "派单",
            Action::SignFor => "签收",
            Action::Handle { .. } => "办理",
            Action::Reply { .. } => "答复来电人",
            Action::FollowUp { satisfied: true, .. } => "回访：满意",
            Action::FollowUp { satisfied: false, .. } => "回访：不满意",
        }
    }
}

/// What a step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub to: OrderState,
    pub reopen_count: u32,
    /// This step escalates the order to the office (it was reopened more than three times).
    pub escalates: bool,
    /// The step assigns a department (tell its head).
    pub assigns: Option<String>,
    /// The step is news for the hotline platform (sent to its callback URL).
    pub calls_back: bool,
}

impl Transition {
    /// Whether the step from `from` starts a new clock: when the clock changes, on
    /// reopening and on reassignment. Handling keeps the reply clock running.
    pub fn restarts_clock(&self, from: OrderState) -> bool {
        self.to.clock() != from.clock() || self.to == OrderState::Reopened || self.assigns.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HotlineError {
    /// `step` is the action's name ([`Action::name`]), `action` its Chinese label.
    #[error("工单当前状态为“{}”，不能{action}", .state.label_zh())]
    WrongState { state: OrderState, step: &'static str, action: &'static str },
    /// `step` is the action's name; `what` says it in Chinese.
    #[error("只有领导小组办公室可以{what}")]
    OfficeOnly { step: &'static str, what: &'static str },
    #[error("只有牵头部门可以{what}")]
    LeadingDepartmentOnly { step: &'static str, what: &'static str },
    /// `field` is the action's field (`department_id`, `note`, `text`); `label` its
    /// Chinese name.
    #[error("{label}不能为空")]
    Blank { field: &'static str, label: &'static str },
    #[error("{}不能超过 {max} 个工作日", .clock.label_zh())]
    LimitTooLong { clock: Clock, max: u32 },
}

impl crate::sentence::Explain for HotlineError {
    fn key(&self) -> &'static str {
        match self {
            HotlineError::WrongState { step, .. } => match *step {
                "assign" => "err-hotline-cannot-assign",
                "sign_for" => "err-hotline-cannot-sign-for",
                "handle" => "err-hotline-cannot-handle",
                "reply" => "err-hotline-cannot-reply",
                _ => "err-hotline-cannot-follow-up",
            },
            HotlineError::OfficeOnly { step, .. } => match *step {
                "assign" => "err-hotline-office-assigns",
                _ => "err-hotline-office-follows-up",
            },
            HotlineError::LeadingDepartmentOnly { step, .. } => match *step {
                "sign_for" => "err-hotline-leading-signs-for",
                "handle" => "err-hotline-leading-handles",
                _ => "err-hotline-leading-replies",
            },
            HotlineError::Blank { field, .. } => match *field {
                "department_id" => "err-hotline-blank-department",
                "note" => "err-hotline-blank-note",
                _ => "err-hotline-blank-reply",
            },
            HotlineError::LimitTooLong { .. } => "err-hotline-limit-too-long",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        use crate::sentence::Arg;
        match self {
            HotlineError::WrongState { state, .. } => {
                vec![("state", Arg::Label { prefix: "hotline-state", code: state.as_str() })]
            }
            HotlineError::LimitTooLong { clock, max } => {
                vec![("clock", Arg::Label { prefix: "hotline-clock", code: clock.as_str() }), ("max", (*max).into())]
            }
            _ => Vec::new(),
        }
    }
}

fn is_office(actor: &Actor) -> bool {
    matches!(actor, Actor::Person { role: Role::Office, .. })
}

fn is_leading(actor: &Actor, facts: &OrderFacts) -> bool {
    match actor {
        Actor::Person { role: Role::Handler | Role::DepartmentHead, department_id: Some(d) } => {
            facts.leading_department_id.as_deref() == Some(d.as_str())
        }
        _ => false,
    }
}

/// Decide a step: who may take it, from which state, and what it changes.
pub fn decide(facts: &OrderFacts, actor: &Actor, action: &Action) -> Result<Transition, HotlineError> {
    use OrderState as S;
    let wrong = || HotlineError::WrongState { state: facts.state, step: action.name(), action: action.label_zh() };
    let plain =
        |to| Transition { to, reopen_count: facts.reopen_count, escalates: false, assigns: None, calls_back: false };
    match action {
        Action::Assign { department_id } => {
            if !(is_office(actor) || *actor == Actor::System) {
                return Err(HotlineError::OfficeOnly { step: "assign", what: "派单" });
            }
            if department_id.trim().is_empty() {
                return Err(HotlineError::Blank { field: "department_id", label: "牵头部门" });
            }
            if !matches!(facts.state, S::Received | S::Assigned) {
                return Err(wrong());
            }
            Ok(Transition { assigns: Some(department_id.clone()), ..plain(S::Assigned) })
        }
        Action::SignFor | Action::Handle { .. } | Action::Reply { .. } => {
            if !is_leading(actor, facts) {
                return Err(HotlineError::LeadingDepartmentOnly { step: action.name(), what: action.label_zh() });
            }
            match (action, facts.state) {
                (Action::SignFor, S::Assigned) => Ok(Transition { calls_back: true, ..plain(S::SignedFor) }),
                (Action::Handle { note }, S::SignedFor | S::Reopened) => {
                    if note.trim().is_empty() {
                        return Err(HotlineError::Blank { field: "note", label: "办理情况" });
                    }
                    Ok(plain(S::Handled))
                }
                (Action::Reply { text }, S::Handled) => {
                    if text.trim().is_empty() {
                        return Err(HotlineError::Blank { field: "text", label: "答复内容" });
                    }
                    Ok(Transition { calls_back: true, ..plain(S::Replied) })
                }
                _ => Err(wrong()),
            }
        }
        Action::FollowUp { satisfied, .. } => {
            if !(is_office(actor) || *actor == Actor::Platform) {
                return Err(HotlineError::OfficeOnly { step: "follow_up", what: "登记回访结果" });
            }
            if facts.state != S::Replied {
                return Err(wrong());
            }
            if *satisfied {
                Ok(Transition { calls_back: true, ..plain(S::Closed) })
            } else {
                let reopen_count = facts.reopen_count.saturating_add(1);
                Ok(Transition {
                    to: S::Reopened,
                    reopen_count,
                    // Once, on the reopening that passes the threshold.
                    escalates: reopen_count == ESCALATE_AFTER_REOPENINGS + 1,
                    assigns: None,
                    calls_back: true,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotline::fixtures::{facts, person};

    #[test]
    fn the_whole_life_of_an_order() {
        let lead = person(Role::Handler, Some("fgw"));
        let office = person(Role::Office, None);
        let mut f = facts(OrderState::Assigned);
        let step = |f: &mut OrderFacts, who: &Actor, a: Action| {
            let t = decide(f, who, &a).unwrap();
            f.state = t.to;
            f.reopen_count = t.reopen_count;
            t
        };
        let signed = step(&mut f, &lead, Action::SignFor);
        assert!(signed.calls_back && signed.restarts_clock(OrderState::Assigned), "signing for starts the reply clock");
        let handled = step(&mut f, &lead, Action::Handle { note: "已约谈".into() });
        assert!(!handled.calls_back);
        assert!(!handled.restarts_clock(OrderState::SignedFor), "handling keeps the reply clock running");
        assert!(step(&mut f, &lead, Action::Reply { text: "已督促受理".into() }).restarts_clock(OrderState::Handled));
        assert_eq!(f.state, OrderState::Replied);
        // Unsatisfied four times: the fourth reopening escalates, once.
        let mut escalations = 0;
        for n in 1..=5 {
            let t = step(&mut f, &Actor::Platform, Action::FollowUp { satisfied: false, note: String::new() });
            assert_eq!((t.to, t.reopen_count), (OrderState::Reopened, n));
            assert!(t.restarts_clock(OrderState::Replied), "a reopening starts a new reply clock");
            escalations += usize::from(t.escalates);
            assert_eq!(t.escalates, n == 4, "reopening {n}");
            step(&mut f, &lead, Action::Handle { note: "重办".into() });
            step(&mut f, &lead, Action::Reply { text: "再次答复".into() });
        }
        assert_eq!(escalations, 1);
        let t = step(&mut f, &office, Action::FollowUp { satisfied: true, note: String::new() });
        assert_eq!(t.to, OrderState::Closed);
    }

    #[test]
    fn who_may_do_what() {
        let f = facts(OrderState::Assigned);
        let other = person(Role::Handler, Some("slj"));
        let complained = person(Role::DepartmentHead, Some("zrzy"));
        for a in [&other, &complained, &person(Role::Office, None), &Actor::Platform] {
            assert!(matches!(decide(&f, a, &Action::SignFor), Err(HotlineError::LeadingDepartmentOnly { .. })));
        }
        let assign = Action::Assign { department_id: "fgw".into() };
        assert!(matches!(decide(&f, &other, &assign), Err(HotlineError::OfficeOnly { .. })));
        assert!(decide(&f, &person(Role::Office, None), &assign).is_ok());
        assert!(decide(&facts(OrderState::SignedFor), &person(Role::Office, None), &assign).is_err());
        let lead = person(Role::DepartmentHead, Some("fgw"));
        assert!(matches!(decide(&f, &lead, &Action::Reply { text: "x".into() }), Err(HotlineError::WrongState { .. })));
        assert_eq!(
            decide(&facts(OrderState::SignedFor), &lead, &Action::Handle { note: "  ".into() }),
            Err(HotlineError::Blank { field: "note", label: "办理情况" })
        );
        let follow = Action::FollowUp { satisfied: true, note: String::new() };
        assert!(decide(&facts(OrderState::Replied), &lead, &follow).is_err());
        assert!(decide(&facts(OrderState::Closed), &Actor::Platform, &follow).is_err());
    }
}
