//! Shared helpers for the workflow tests.
#![allow(dead_code)]

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};
use qidi_core::catalogue::{AuthorityLevel, LimitUnit};
use qidi_core::workflow::*;
use qidi_core::Role;

pub const OWNER: &str = "owner-1";
pub const DEPT: &str = "zrzy";
pub const MATERIALS: [&str; 3] = ["application_form", "site_plan", "land_certificate"];

pub fn facts() -> ApplicationFacts {
    ApplicationFacts {
        handling_department_id: DEPT.to_string(),
        owner_id: OWNER.to_string(),
        authority_level: AuthorityLevel::Banner,
        home_level: AuthorityLevel::Banner,
        required_materials: MATERIALS.iter().map(|s| s.to_string()).collect(),
        promised_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        extension_limit: 10,
    }
}

/// An item whose authority lies with the league: accepted here, then forwarded.
pub fn higher_facts() -> ApplicationFacts {
    ApplicationFacts { authority_level: AuthorityLevel::League, ..facts() }
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 9, d).unwrap()
}

pub fn at(d: u32) -> DateTime<FixedOffset> {
    at_date(day(d))
}

/// 10:00 Beijing time on `d`.
pub fn at_date(d: NaiveDate) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(d.year(), d.month(), d.day(), 10, 0, 0).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

pub fn submit() -> Action {
    Action::Submit { materials: strings(&MATERIALS) }
}

pub fn resubmit(replaced: &[&str]) -> Action {
    Action::Resubmit { materials: strings(&MATERIALS), replaced: strings(replaced) }
}

pub fn notice(materials: &[&str]) -> OneTimeNotice {
    OneTimeNotice {
        problems: materials.iter().map(|m| NoticeProblem::new(m, &format!("{m}不符合要求"), "按要求补正")).collect(),
        suggestions: vec!["建议先行咨询帮办代办人员".to_string()],
        number: None,
    }
}

pub fn ret(materials: &[&str]) -> Action {
    Action::Return { notice: notice(materials) }
}

pub fn approve() -> Action {
    approve_on(20)
}

/// An approval whose document is dated `d` (it must lie between acceptance and the
/// day it is recorded).
pub fn approve_on(d: u32) -> Action {
    Action::Approve { document_number: "正自然资字〔2022〕12号".to_string(), decided_on: day(d) }
}

pub fn refuse() -> Action {
    Action::Refuse { reasons: "不符合国土空间规划".to_string() }
}

pub fn forward() -> Action {
    Action::Forward { to_authority: "锡林郭勒盟自然资源局".to_string() }
}

pub fn pause() -> Action {
    Action::Pause { reason: PauseReason::ExpertReview, note: "组织专家评审".to_string() }
}

pub fn higher(approved: bool) -> Action {
    higher_dated(approved, Some(day(25)))
}

/// The higher outcome with its decision dated `decided_on` (if approved).
pub fn higher_dated(approved: bool, decided_on: Option<NaiveDate>) -> Action {
    if approved {
        Action::RecordHigherOutcome {
            approved: true,
            document_number: Some("锡自然资字〔2022〕88号".to_string()),
            reasons: None,
            decided_on,
        }
    } else {
        Action::RecordHigherOutcome {
            approved: false,
            document_number: None,
            reasons: Some("选址不符合盟级规划".to_string()),
            decided_on: None,
        }
    }
}

pub fn withdraw() -> Action {
    Action::Withdraw { reason: "项目调整，暂缓建设".to_string() }
}

pub fn unit() -> Actor {
    Actor::applicant(OWNER)
}

pub fn handler() -> Actor {
    Actor::handler(DEPT)
}

pub fn head() -> Actor {
    Actor { role: Role::DepartmentHead, ..handler() }
}

pub fn office() -> Actor {
    Actor::of_role(Role::Office)
}

/// An application driven step by step: each step is decided, applied to the view,
/// and the whole history replayed, which must agree.
pub struct App {
    pub facts: ApplicationFacts,
    pub events: Vec<ApplicationEvent>,
    pub view: ApplicationView,
}

impl App {
    pub fn new(facts: ApplicationFacts) -> App {
        App { facts, events: Vec::new(), view: ApplicationView::new() }
    }

    pub fn act(&mut self, actor: Actor, action: Action, d: u32) -> Result<ApplicationState, TransitionError> {
        self.act_on(actor, action, day(d))
    }

    pub fn act_on(&mut self, actor: Actor, action: Action, on: NaiveDate) -> Result<ApplicationState, TransitionError> {
        let seq = self.events.len() as u64 + 1;
        let event = ApplicationEvent::new(seq, at_date(on), "user-1", actor, action);
        let decided = self.view.decide(&self.facts, &event.actor, &event.action, event.on);
        let mut next = self.view.clone();
        let applied = next.apply(&event, &self.facts);
        assert_eq!(decided.clone().err(), applied.clone().err(), "decide and apply disagree");
        if applied.is_err() {
            assert_eq!(next, self.view, "a refused event changed the view");
        } else {
            assert_eq!(Some(next.state), decided.clone().ok());
            self.events.push(event);
            self.view = next;
            assert_eq!(replay(&self.events, &self.facts).unwrap(), self.view, "replay differs");
        }
        decided
    }

    pub fn ok(&mut self, actor: Actor, action: Action, d: u32) -> ApplicationState {
        self.ok_on(actor, action, day(d))
    }

    pub fn ok_on(&mut self, actor: Actor, action: Action, on: NaiveDate) -> ApplicationState {
        let what = action.as_str();
        self.act_on(actor, action, on).unwrap_or_else(|e| panic!("{what} refused on {on}: {e}"))
    }

    pub fn state(&self) -> ApplicationState {
        self.view.state
    }
}

/// An application brought to `state` by the shortest ordinary path.
pub fn reach(state: ApplicationState) -> App {
    use ApplicationState as S;
    let lies_higher = matches!(state, S::Accepted | S::Forwarded | S::HigherApproved | S::HigherRefused);
    let mut app = App::new(if lies_higher { higher_facts() } else { facts() });
    let steps: Vec<(Actor, Action)> = match state {
        S::Draft => vec![],
        S::Submitted => vec![(unit(), submit())],
        S::Returned => vec![(unit(), submit()), (handler(), ret(&["site_plan"]))],
        S::Accepted | S::UnderReview => vec![(unit(), submit()), (handler(), Action::Accept)],
        S::Paused => vec![(unit(), submit()), (handler(), Action::Accept), (handler(), pause())],
        S::Approved => vec![(unit(), submit()), (handler(), Action::Accept), (handler(), approve_on(3))],
        S::Refused => vec![(unit(), submit()), (handler(), Action::Accept), (handler(), refuse())],
        S::Forwarded => vec![(unit(), submit()), (handler(), Action::Accept), (handler(), forward())],
        S::HigherApproved | S::HigherRefused => vec![
            (unit(), submit()),
            (handler(), Action::Accept),
            (handler(), forward()),
            (office(), higher_dated(state == S::HigherApproved, None)),
        ],
        S::Withdrawn => vec![(unit(), submit()), (unit(), withdraw())],
    };
    for (i, (actor, action)) in steps.into_iter().enumerate() {
        app.ok(actor, action, 1 + i as u32);
    }
    assert_eq!(app.state(), state);
    app
}

/// One action of each kind, valid in content.
pub fn every_action() -> Vec<Action> {
    vec![
        submit(),
        ret(&["site_plan"]),
        resubmit(&["site_plan"]),
        Action::Accept,
        pause(),
        Action::Resume,
        approve(),
        refuse(),
        forward(),
        higher(true),
        higher(false),
        withdraw(),
    ]
}

/// An actor entitled to take `action` on an application of [`facts`].
pub fn entitled(action: &Action) -> Actor {
    match action.side() {
        Side::Unit => unit(),
        Side::Department => handler(),
        Side::Recorder => office(),
        Side::System => Actor::system(),
    }
}
