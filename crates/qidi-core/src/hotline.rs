//! 12345 hotline (12345 热线) complaints as work orders (工单).
//!
//! An order arrives from the hotline platform (or the office types it in), is led by
//! the initiating department of the project it names (the office assigns it when no
//! project matches), and runs through its steps: received → assigned → signed for →
//! handled → replied → follow-up call → closed, or reopened when the caller is not
//! satisfied. Every step has a limit in working days on the official calendar,
//! configurable per category and urgency, and a light. A reply late by one working
//! day is urged (催办); an order reopened more than three times is escalated to the
//! office. The caller (来电人) is never shown to the department complained about.
//!
//! Everything here is pure: the store keeps the rows, the web translates.

use crate::calendar::WorkCalendar;
use crate::light::{light, Light, LightPolicy};
use crate::Role;
use chrono::NaiveDate;
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

/// Limits in working days for one category and urgency. 0 means the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLimits {
    pub assign: u32,
    pub sign_for: u32,
    pub reply: u32,
    pub follow_up: u32,
}

/// The longest limit accepted for any step: a quarter of a year of working days.
pub const MAX_LIMIT: u32 = 60;

impl StepLimits {
    pub fn of(&self, clock: Clock) -> u32 {
        match clock {
            Clock::Assign => self.assign,
            Clock::SignFor => self.sign_for,
            Clock::Reply => self.reply,
            Clock::FollowUp => self.follow_up,
        }
    }

    /// The practice's defaults (DOMAIN.md, "12345 work orders"): urgent orders the
    /// same day; complaints about approvals 15 working days to the reply, other
    /// matters 7; signing for within 1 working day; the office assigns and calls back
    /// within 1 and 3.
    pub fn default_for(category: Category, urgency: Urgency) -> StepLimits {
        match urgency {
            Urgency::Urgent => StepLimits { assign: 0, sign_for: 0, reply: 0, follow_up: 1 },
            Urgency::Normal => StepLimits {
                assign: 1,
                sign_for: 1,
                reply: match category {
                    Category::Other => 7,
                    Category::Attitude => 13,
                    Category::BlockedSubmission | Category::Delay | Category::RepeatedDemands => 15,
                },
                follow_up: 3,
            },
        }
    }

    /// Limits stored as data override the defaults; each must be at most [`MAX_LIMIT`].
    pub fn check(&self) -> Result<(), HotlineError> {
        for c in [Clock::Assign, Clock::SignFor, Clock::Reply, Clock::FollowUp] {
            if self.of(c) > MAX_LIMIT {
                return Err(HotlineError::LimitTooLong { clock: c, max: MAX_LIMIT });
            }
        }
        Ok(())
    }
}

/// The limits in force: the stored override for (category, urgency), else the default.
pub fn limits_for(overrides: &[(Category, Urgency, StepLimits)], category: Category, urgency: Urgency) -> StepLimits {
    overrides
        .iter()
        .find(|(c, u, _)| *c == category && *u == urgency)
        .map_or_else(|| StepLimits::default_for(category, urgency), |(_, _, l)| *l)
}

/// A running clock's dates: due at the end of `due_on`, yellow from `warn_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub clock: Clock,
    pub started_on: NaiveDate,
    pub limit: u32,
    pub due_on: NaiveDate,
    pub warn_on: NaiveDate,
}

impl Deadline {
    /// The clock starting on `started_on` (not counted) with `limit` working days.
    pub fn start(calendar: &WorkCalendar, clock: Clock, started_on: NaiveDate, limit: u32) -> Deadline {
        let limit = limit.min(MAX_LIMIT);
        let due_on = calendar.add_working_days(started_on, limit);
        let warn_on = calendar.add_working_days(started_on, LightPolicy::default().warn_threshold(limit));
        Deadline { clock, started_on, limit, due_on, warn_on }
    }

    pub fn light(&self, today: NaiveDate) -> Light {
        light(today, self.due_on, self.warn_on)
    }

    /// Working days past the due date on `today` (0 when not late).
    pub fn days_overdue(&self, calendar: &WorkCalendar, today: NaiveDate) -> i64 {
        calendar.working_days_between(self.due_on, today).max(0)
    }
}

/// The urging notice (催办) is due once a clock of the leading department is late by
/// one working day: on the first working day after the due date, or later if no run
/// happened then.
pub fn urging_due(calendar: &WorkCalendar, state: OrderState, due_on: NaiveDate, today: NaiveDate) -> bool {
    state.with_department() && calendar.working_days_between(due_on, today) >= 1
}

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

/// How a viewer sees the caller (来电人).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerView {
    /// Name and phone hidden: the viewer sees "来电人".
    Hidden,
    /// The name, and the phone masked (138****1234); the viewer may unmask, recorded.
    Masked,
}

/// Who sees the caller: never the department complained about (even when it also
/// leads); the office and the leading department see the phone masked; everyone
/// else (leaders, inspectors, other departments) sees "来电人".
pub fn caller_view(role: Role, department_id: Option<&str>, facts: &OrderFacts) -> CallerView {
    if department_id.is_some() && department_id == facts.complained_department_id.as_deref() {
        return CallerView::Hidden;
    }
    match role {
        Role::Office => CallerView::Masked,
        Role::Handler | Role::DepartmentHead
            if department_id.is_some() && department_id == facts.leading_department_id.as_deref() =>
        {
            CallerView::Masked
        }
        _ => CallerView::Hidden,
    }
}

/// Whether a person may look a caller's orders up by phone: only those who may see
/// callers masked (the office, and departments' people for the orders they lead).
pub fn may_find_by_phone(role: Role) -> bool {
    matches!(role, Role::Office | Role::Handler | Role::DepartmentHead)
}

/// Whether a person may see the order at all: the office, leaders and inspectors of
/// the region, the leading department and the department complained about.
pub fn may_see(role: Role, department_id: Option<&str>, facts: &OrderFacts) -> bool {
    match role {
        Role::Office | Role::Leader | Role::Inspector => true,
        Role::Handler | Role::DepartmentHead => department_id.is_some_and(|d| {
            Some(d) == facts.leading_department_id.as_deref() || Some(d) == facts.complained_department_id.as_deref()
        }),
        Role::Applicant | Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => false,
    }
}

/// Who may record a complaint as substantiated (属实): the office, or the leading
/// department (the initiating department assesses the handling departments).
pub fn may_substantiate(role: Role, department_id: Option<&str>, facts: &OrderFacts) -> bool {
    role == Role::Office
        || (matches!(role, Role::Handler | Role::DepartmentHead)
            && department_id.is_some()
            && department_id == facts.leading_department_id.as_deref()
            && department_id != facts.complained_department_id.as_deref())
}

/// The caller's label when hidden.
pub const CALLER_LABEL: &str = "来电人";

/// A phone number as the office and the leading department see it: the first three
/// and the last four digits (138****1234); short numbers are masked whole.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// A field of an order that is refused, and why (in Chinese), with the sentence's
/// catalogue key and arguments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
    pub key: &'static str,
    pub args: Vec<(&'static str, crate::sentence::Arg)>,
}

impl crate::sentence::Explain for FieldError {
    fn key(&self) -> &'static str {
        self.key
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        self.args.clone()
    }
}

fn field(field: &'static str, key: &'static str, message: impl Into<String>) -> FieldError {
    FieldError { field, message: message.into(), key, args: vec![("field", field.into())] }
}

impl FieldError {
    fn arg(mut self, name: &'static str, value: impl Into<crate::sentence::Arg>) -> FieldError {
        self.args.push((name, value.into()));
        self
    }
}

/// An order as it arrives, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct OrderInput {
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub caller_name: Option<String>,
    #[serde(default)]
    pub caller_phone: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub project_code: Option<String>,
    #[serde(default)]
    pub item_type: Option<String>,
}

/// A checked order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub order_number: String,
    pub category: Category,
    pub urgency: Urgency,
    pub caller_name: String,
    /// Digits, perhaps with a leading `+`.
    pub caller_phone: String,
    pub text: String,
    pub project_code: Option<String>,
    pub item_type: Option<String>,
}

/// `label` is the field's Chinese name; `code` names its label in the pages'
/// catalogue (`hotline-<code>`).
fn required(
    v: &Option<String>,
    name: &'static str,
    label: &str,
    code: &'static str,
    max: usize,
) -> Result<String, FieldError> {
    use crate::sentence::Arg;
    let label_arg = || Arg::Label { prefix: "hotline", code };
    let s = v.as_deref().map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Err(
            field(name, "err-hotline-field-missing", format!("缺少{label}（{name}）")).arg("label", label_arg())
        );
    }
    if s.chars().count() > max {
        return Err(field(name, "err-hotline-field-too-long", format!("{label}（{name}）不能超过 {max} 个字符"))
            .arg("label", label_arg())
            .arg("max", max));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(field(name, "err-hotline-field-control", format!("{label}（{name}）含有控制字符"))
            .arg("label", label_arg()));
    }
    Ok(s.to_string())
}

fn optional(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Normalise a phone number: spaces and dashes dropped; then 5 to 20 digits, perhaps
/// after a `+`.
pub fn normalise_phone(s: &str) -> Option<String> {
    let p: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    let digits = p.strip_prefix('+').unwrap_or(&p);
    (digits.len() >= 5 && digits.len() <= 20 && digits.chars().all(|c| c.is_ascii_digit())).then_some(p)
}

impl OrderInput {
    /// Check every field; the first refused one is named.
    pub fn check(&self) -> Result<NewOrder, FieldError> {
        let order_number = required(&self.order_number, "order_number", "工单编号", "order-number", 64)?;
        let category_s = required(&self.category, "category", "投诉类别", "complaint-category", 32)?;
        let category = Category::parse(&category_s).ok_or_else(|| {
            field(
                "category",
                "err-hotline-bad-category",
                format!(
                    "投诉类别（category）“{category_s}”无效，应为 {}",
                    Category::ALL.map(Category::as_str).join("、")
                ),
            )
            .arg("value", &category_s)
            .arg("allowed", Category::ALL.map(Category::as_str).join(", "))
        })?;
        let urgency = match optional(&self.urgency) {
            None => Urgency::Normal,
            Some(u) => Urgency::parse(&u).ok_or_else(|| {
                field(
                    "urgency",
                    "err-hotline-bad-urgency",
                    format!("紧急程度（urgency）“{u}”无效，应为 normal 或 urgent"),
                )
                .arg("value", &u)
            })?,
        };
        let caller_name = required(&self.caller_name, "caller_name", "来电人姓名", "caller-name", 64)?;
        let phone = required(&self.caller_phone, "caller_phone", "来电人电话", "caller-phone", 32)?;
        // The number itself is never repeated back: answers may end up in logs.
        let caller_phone = normalise_phone(&phone).ok_or_else(|| {
            field("caller_phone", "err-hotline-bad-phone", "来电人电话（caller_phone）格式有误，应为 5 到 20 位数字")
        })?;
        let text = required(&self.text, "text", "诉求内容", "text", 5000)?;
        let project_code = optional(&self.project_code);
        if let Some(p) = &project_code {
            if p.chars().count() > 64 {
                return Err(field(
                    "project_code",
                    "err-hotline-project-code-too-long",
                    "项目代码（project_code）不能超过 64 个字符",
                )
                .arg("max", 64));
            }
        }
        let item_type = optional(&self.item_type);
        if item_type.as_ref().is_some_and(|i| i.chars().count() > 64) {
            return Err(field(
                "item_type",
                "err-hotline-item-type-too-long",
                "审批事项（item_type）不能超过 64 个字符",
            )
            .arg("max", 64));
        }
        Ok(NewOrder { order_number, category, urgency, caller_name, caller_phone, text, project_code, item_type })
    }
}

/// Where an order starts: assigned to the leading department when its project
/// matched, else received for the office to assign.
pub fn initial_state(leading_department_id: Option<&str>) -> OrderState {
    if leading_department_id.is_some() {
        OrderState::Assigned
    } else {
        OrderState::Received
    }
}

/// How long to wait before calling the platform back again after `attempts` failed
/// calls: 1, 2, 4 … minutes, at most an hour. Callbacks are retried until the
/// platform acknowledges them.
pub fn callback_retry_delay(attempts: u32) -> chrono::Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(6);
    chrono::Duration::minutes(minutes.min(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: OrderState) -> OrderFacts {
        OrderFacts {
            state,
            leading_department_id: Some("fgw".into()),
            complained_department_id: Some("zrzy".into()),
            reopen_count: 0,
        }
    }

    fn person(role: Role, d: Option<&str>) -> Actor {
        Actor::Person { role, department_id: d.map(str::to_string) }
    }

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
        assert!(step(&mut f, &lead, Action::SignFor).calls_back);
        assert!(!step(&mut f, &lead, Action::Handle { note: "已约谈".into() }).calls_back);
        step(&mut f, &lead, Action::Reply { text: "已督促受理".into() });
        assert_eq!(f.state, OrderState::Replied);
        // Unsatisfied four times: the fourth reopening escalates, once.
        let mut escalations = 0;
        for n in 1..=5 {
            let t = step(&mut f, &Actor::Platform, Action::FollowUp { satisfied: false, note: String::new() });
            assert_eq!((t.to, t.reopen_count), (OrderState::Reopened, n));
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

    #[test]
    fn the_complained_about_department_never_sees_the_caller() {
        let f = facts(OrderState::Assigned);
        assert_eq!(caller_view(Role::Handler, Some("zrzy"), &f), CallerView::Hidden);
        assert_eq!(caller_view(Role::DepartmentHead, Some("zrzy"), &f), CallerView::Hidden);
        assert_eq!(caller_view(Role::Handler, Some("fgw"), &f), CallerView::Masked);
        assert_eq!(caller_view(Role::Office, None, &f), CallerView::Masked);
        assert_eq!(caller_view(Role::Leader, None, &f), CallerView::Hidden);
        assert_eq!(caller_view(Role::Inspector, None, &f), CallerView::Hidden);
        // Leading and complained about at once: hidden wins.
        let same = OrderFacts { complained_department_id: Some("fgw".into()), ..f.clone() };
        assert_eq!(caller_view(Role::Handler, Some("fgw"), &same), CallerView::Hidden);
        assert!(may_see(Role::Handler, Some("zrzy"), &f));
        assert!(!may_see(Role::Handler, Some("slj"), &f));
        assert!(!may_see(Role::Applicant, None, &f));
        assert!(may_substantiate(Role::Handler, Some("fgw"), &f));
        assert!(!may_substantiate(Role::Handler, Some("zrzy"), &f));
        assert!(!may_substantiate(Role::Leader, None, &f));
    }

    #[test]
    fn only_those_who_may_see_a_caller_masked_find_callers_by_phone() {
        let f = facts(OrderState::Assigned);
        for role in crate::role::ALL_ROLES {
            let sees_some =
                [None, Some("fgw"), Some("zrzy")].into_iter().any(|d| caller_view(role, d, &f) == CallerView::Masked);
            assert_eq!(may_find_by_phone(role), sees_some, "{role:?}");
        }
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("+8613812341234"), "+86****1234");
        assert_eq!(mask_phone("1234"), "****");
        assert_eq!(normalise_phone("138-1234 1234").as_deref(), Some("13812341234"));
        assert_eq!(normalise_phone("abc"), None);
        assert_eq!(normalise_phone("12"), None);
    }

    #[test]
    fn input_is_checked_field_by_field() {
        let ok = OrderInput {
            order_number: Some(" GD2026 ".into()),
            category: Some("delay".into()),
            caller_name: Some("张三".into()),
            caller_phone: Some("13812341234".into()),
            text: Some("迟迟不受理".into()),
            project_code: Some("2026-152529-44-01-000001".into()),
            ..Default::default()
        };
        let o = ok.check().unwrap();
        assert_eq!((o.order_number.as_str(), o.category, o.urgency), ("GD2026", Category::Delay, Urgency::Normal));
        let bad = |f: fn(&mut OrderInput)| {
            let mut i = ok.clone();
            f(&mut i);
            i.check().unwrap_err().field
        };
        assert_eq!(bad(|i| i.order_number = None), "order_number");
        assert_eq!(bad(|i| i.category = Some("noise".into())), "category");
        assert_eq!(bad(|i| i.urgency = Some("now".into())), "urgency");
        assert_eq!(bad(|i| i.caller_phone = Some("call me".into())), "caller_phone");
        assert_eq!(bad(|i| i.text = Some("  ".into())), "text");
        assert_eq!(bad(|i| i.caller_name = Some("x".repeat(65))), "caller_name");
        let e = {
            let mut i = ok.clone();
            i.caller_phone = Some("13812341234x".into());
            i.check().unwrap_err()
        };
        assert!(!e.message.contains("1381234"), "the number is not repeated: {}", e.message);
    }

    #[test]
    fn limits_default_and_override() {
        let d = StepLimits::default_for(Category::Delay, Urgency::Normal);
        assert_eq!((d.sign_for, d.reply), (1, 15));
        assert_eq!(StepLimits::default_for(Category::Other, Urgency::Normal).reply, 7);
        assert_eq!(StepLimits::default_for(Category::Delay, Urgency::Urgent).reply, 0);
        let custom = StepLimits { assign: 1, sign_for: 1, reply: 10, follow_up: 2 };
        let table = [(Category::Delay, Urgency::Normal, custom)];
        assert_eq!(limits_for(&table, Category::Delay, Urgency::Normal), custom);
        assert_eq!(limits_for(&table, Category::Attitude, Urgency::Normal).reply, 13);
        assert!(StepLimits { reply: 61, ..custom }.check().is_err());
        assert!(custom.check().is_ok());
    }

    #[test]
    fn retry_delays_grow_and_stop_growing() {
        assert_eq!(callback_retry_delay(1), chrono::Duration::minutes(1));
        assert_eq!(callback_retry_delay(3), chrono::Duration::minutes(4));
        assert_eq!(callback_retry_delay(100), chrono::Duration::minutes(60));
    }
}
