//! The life of an application (申请): from draft to decision, who may move it, and the
//! clocks that run on the way (R8–R12, R15, R17).
//!
//! [`decide`] says whether one actor may take one action in one state, and what state
//! follows. The store appends an [`ApplicationEvent`] only after `decide` said yes, and
//! the current state is always [`replay`]ed from the events, never kept on its own.
//!
//! ```text
//! draft ─submit→ submitted ─return→ returned ─resubmit→ submitted …
//!                submitted ─accept | deem_accept→ under_review ⇄ paused → approved | refused
//!                                                  under_review ─extend (once)→ under_review
//!                submitted ─accept | deem_accept→ accepted ─forward→ forwarded → higher_approved | higher_refused
//! deemed under_review | accepted | paused ─return (late)→ returned
//! any state not yet decided ─withdraw→ withdrawn
//! ```
//!
//! A submission is never refused for what it lacks ([`SubmissionWarnings`]). When the
//! notice limit runs out, qidi records `deem_accept` ([`deemed_acceptance`]); every
//! clock that ends is kept with its lateness ([`clock_record`]).
//!
//! Acceptance and the start of review are one step: accepting an item decided at the
//! deployment's own level puts it under review at once; accepting an item whose
//! authority lies higher leaves it accepted, waiting to be forwarded.
//!
//! Time is counted by the caller with the working-day calendar; this module only says
//! which [`Clock`] runs, since which date, against what limit, and which days are paused.
//!
//! The [`ApplicationFacts`] an application is judged by (handling department, level,
//! required materials, promised limit) should be copied onto the application when it
//! is created, so that later catalogue edits neither change the rules mid-way nor make
//! an old history fail to replay.

use crate::catalogue::{AuthorityLevel, LimitUnit};
use crate::role::Role;
use serde::{Deserialize, Serialize};

pub mod inbox;
mod lateness;
mod notice;
mod replay;

pub use lateness::{clock_record, clock_records, deemed_acceptance, ClockOutcome, ClockRecord};
pub use notice::{department_short_name, notice_number, NoticeProblem, OneTimeNotice};
pub use replay::{
    one_time_violations, replay, running_clock, running_clocks, shanghai_date, ApplicationEvent, ApplicationView,
    Clock, ClockEnd, ClockKind, ClockRun, Decision, DeemedAcceptance, Extension, Forwarding, NoticeRecord,
    OneTimeViolation, PauseRecord, ReturnFlag, Submission, Withdrawal,
};

/// The plan's limit for the initial review, from submission or resubmission (R11).
pub const INITIAL_REVIEW_WORKING_DAYS: u32 = 5;
/// The plan's limit for returning an application with its one-time notice (R8).
pub const NOTICE_WORKING_DAYS: u32 = 3;
/// The plan's limit for forwarding to the higher authority, from acceptance (R10).
pub const FORWARD_WORKING_DAYS: u32 = 5;

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
    fn is_reflected_by(&self, state: ApplicationState) -> bool {
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
fn action_code_of_label(label: &str) -> Option<&'static str> {
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

/// What the rules need to know about the application and its item type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationFacts {
    pub handling_department_id: String,
    pub owner_id: String,
    /// The level that holds the authority to approve this item type.
    pub authority_level: AuthorityLevel,
    /// The level of this deployment, normally the banner.
    pub home_level: AuthorityLevel,
    /// Required-material codes, in checklist order.
    pub required_materials: Vec<String>,
    /// The item type's promised limit (承诺时限), counted from acceptance.
    pub promised_limit: u32,
    pub limit_unit: LimitUnit,
    /// How far the department head may extend the decision limit, once, in
    /// `limit_unit` (行政许可法 art. 42: 10 days); 0 where no extension is allowed.
    /// Facts stored before extensions existed read as the law's 10.
    #[serde(default = "statutory_extension")]
    pub extension_limit: u32,
}

/// The Administrative Licensing Law's extension of a decision limit (art. 42).
pub const STATUTORY_EXTENSION_DAYS: u32 = 10;

fn statutory_extension() -> u32 {
    STATUTORY_EXTENSION_DAYS
}

fn level_rank(l: AuthorityLevel) -> u8 {
    match l {
        AuthorityLevel::Banner => 0,
        AuthorityLevel::League => 1,
        AuthorityLevel::Region => 2,
        AuthorityLevel::National => 3,
    }
}

impl ApplicationFacts {
    /// Whether the authority lies above this deployment, so the application is forwarded.
    pub fn lies_higher(&self) -> bool {
        level_rank(self.authority_level) > level_rank(self.home_level)
    }

    /// Required materials not among `provided`, in checklist order.
    pub fn missing_materials(&self, provided: &[String]) -> Vec<String> {
        self.required_materials.iter().filter(|m| !provided.contains(m)).cloned().collect()
    }
}

/// What a submission lacks, as far as qidi can tell: shown to the unit before it
/// confirms and to the handler on the application. It never stops a submission (R11:
/// units may submit at any time); whether something is really missing is the
/// department's call, made through the one-time notice on the department's clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionWarnings {
    /// Required-material codes without a file, in checklist order.
    pub missing_materials: Vec<String>,
    /// Prerequisite items (by name) of the same project not yet granted.
    pub unmet_prerequisites: Vec<String>,
}

impl SubmissionWarnings {
    pub fn of(facts: &ApplicationFacts, provided: &[String], unmet_prerequisites: Vec<String>) -> SubmissionWarnings {
        SubmissionWarnings { missing_materials: facts.missing_materials(provided), unmet_prerequisites }
    }

    pub fn is_empty(&self) -> bool {
        self.missing_materials.is_empty() && self.unmet_prerequisites.is_empty()
    }
}

/// How the web layer answers a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// This actor may not do this here (403, or 404 to hide that the record exists).
    Forbidden,
    /// The application's state does not allow it now (409).
    Conflict,
    /// What was sent is incomplete or wrong (422).
    Invalid,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Invalid => "invalid",
        }
    }
}

/// Why a transition was refused. The message is for people; [`TransitionError::kind`]
/// and [`TransitionError::code`] are for programs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("“{}”不能办理审批业务", .role.label_zh())]
    RoleCannotAct { role: Role },
    #[error("非本项目单位，无权办理")]
    NotOwner,
    #[error("未获项目单位授权代办，无权办理")]
    HelperNotAuthorised,
    #[error("该操作只能由项目单位或经其授权的帮办代办人员办理")]
    NotApplicant,
    #[error("该操作只能由审批部门经办人办理")]
    NotHandler,
    #[error("非本部门经办人，无权办理")]
    NotHandlingDepartment,
    #[error("帮办代办人员代表项目单位，不能办理审批部门的操作")]
    HelperCannotHandle,
    #[error("上级审批结果只能由领导小组办公室或本部门经办人录入")]
    NotRecorder,
    #[error("视为受理由系统依法记录，不能人工办理")]
    SystemOnly,
    #[error("系统只记录视为受理，不能代人办理")]
    NotForSystem,
    #[error("延期须由本部门主要负责人批准")]
    NotDepartmentHead,

    /// The state already reflects this action: a repeat. The caller may answer a repeat
    /// by the same client idempotently; anyone else gets a 409.
    #[error("申请已处于“{}”状态，无需重复办理", .state.label_zh())]
    AlreadyInState { state: ApplicationState },
    #[error("申请已办结（{}），不能再办理", .state.label_zh())]
    Terminal { state: ApplicationState },
    #[error("尚未受理，不能作出审批决定")]
    NotYetAccepted,
    #[error("申请处于“{}”状态，不能{}", .state.label_zh(), .action)]
    WrongState { action: &'static str, state: ApplicationState },

    #[error("审批时限已延长过一次，不能再次延期")]
    AlreadyExtended,
    #[error("该事项的审批时限依法不能延长")]
    NoExtension,
    #[error("延期须说明理由")]
    MissingExtensionReason,
    #[error("决定日期 {date} 应在受理之日（{from}）与今天（{to}）之间")]
    DecisionDateOutOfRange { date: chrono::NaiveDate, from: chrono::NaiveDate, to: chrono::NaiveDate },
    #[error("一次性告知时限（至 {notice_due_on}）尚未届满，不能视为受理")]
    NoticeLimitNotOver { notice_due_on: chrono::NaiveDate },
    #[error("视为受理的收件日期 {received_on} 不是本次提交之日")]
    WrongReceivedOn { received_on: chrono::NaiveDate },
    #[error("注明更换的材料未在本次提交之列：{}", .materials.join("、"))]
    ReplacedNotProvided { materials: Vec<String> },
    #[error("一次性告知书至少应列明一个问题")]
    EmptyNotice,
    #[error("一次性告知书第{position}项问题的材料、存在问题或整改要求未填写")]
    IncompleteNoticeProblem { position: usize },
    #[error("批准须填写批复文号")]
    MissingDocumentNumber,
    #[error("不予许可须说明理由")]
    MissingReasons,
    #[error("转报须写明上级审批机关")]
    MissingAuthority,
    #[error("以“其他法定情形”中止计时须说明具体情形")]
    MissingPauseNote,
    #[error("撤回须说明理由")]
    MissingWithdrawReason,
    #[error("本事项由本级审批，不能转报")]
    NotHigherAuthority,
    #[error("本事项审批权限在{}，应受理后转报，不能由本级作出决定", .level.label_zh())]
    HigherAuthority { level: AuthorityLevel },

    #[error("事件序号{seq}不在上一事件之后")]
    EventOutOfOrder { seq: u64 },
    #[error("事件{seq}的日期与其时间（北京时间）不符")]
    EventDateMismatch { seq: u64 },
    #[error("事件{seq}：{error}")]
    InEvent { seq: u64, error: Box<TransitionError> },
}

impl TransitionError {
    pub fn kind(&self) -> ErrorKind {
        use TransitionError as E;
        match self {
            E::RoleCannotAct { .. }
            | E::NotOwner
            | E::HelperNotAuthorised
            | E::NotApplicant
            | E::NotHandler
            | E::NotHandlingDepartment
            | E::HelperCannotHandle
            | E::NotRecorder
            | E::SystemOnly
            | E::NotForSystem
            | E::NotDepartmentHead => ErrorKind::Forbidden,
            E::AlreadyInState { .. }
            | E::Terminal { .. }
            | E::NotYetAccepted
            | E::WrongState { .. }
            | E::AlreadyExtended
            | E::NoExtension
            | E::NoticeLimitNotOver { .. } => ErrorKind::Conflict,
            E::ReplacedNotProvided { .. }
            | E::MissingExtensionReason
            | E::DecisionDateOutOfRange { .. }
            | E::WrongReceivedOn { .. }
            | E::EmptyNotice
            | E::IncompleteNoticeProblem { .. }
            | E::MissingDocumentNumber
            | E::MissingReasons
            | E::MissingAuthority
            | E::MissingPauseNote
            | E::MissingWithdrawReason
            | E::NotHigherAuthority
            | E::HigherAuthority { .. }
            | E::EventOutOfOrder { .. }
            | E::EventDateMismatch { .. } => ErrorKind::Invalid,
            E::InEvent { error, .. } => error.kind(),
        }
    }

    /// A stable snake_case code for each refusal.
    pub fn code(&self) -> &'static str {
        use TransitionError as E;
        match self {
            E::RoleCannotAct { .. } => "role_cannot_act",
            E::NotOwner => "not_owner",
            E::HelperNotAuthorised => "helper_not_authorised",
            E::NotApplicant => "not_applicant",
            E::NotHandler => "not_handler",
            E::NotHandlingDepartment => "not_handling_department",
            E::HelperCannotHandle => "helper_cannot_handle",
            E::NotRecorder => "not_recorder",
            E::SystemOnly => "system_only",
            E::NotForSystem => "not_for_system",
            E::NotDepartmentHead => "not_department_head",
            E::AlreadyExtended => "already_extended",
            E::NoExtension => "no_extension",
            E::MissingExtensionReason => "missing_extension_reason",
            E::DecisionDateOutOfRange { .. } => "decision_date_out_of_range",
            E::NoticeLimitNotOver { .. } => "notice_limit_not_over",
            E::WrongReceivedOn { .. } => "wrong_received_on",
            E::AlreadyInState { .. } => "already_in_state",
            E::Terminal { .. } => "terminal",
            E::NotYetAccepted => "not_yet_accepted",
            E::WrongState { .. } => "wrong_state",
            E::ReplacedNotProvided { .. } => "replaced_not_provided",
            E::EmptyNotice => "empty_notice",
            E::IncompleteNoticeProblem { .. } => "incomplete_notice_problem",
            E::MissingDocumentNumber => "missing_document_number",
            E::MissingReasons => "missing_reasons",
            E::MissingAuthority => "missing_authority",
            E::MissingPauseNote => "missing_pause_note",
            E::MissingWithdrawReason => "missing_withdraw_reason",
            E::NotHigherAuthority => "not_higher_authority",
            E::HigherAuthority { .. } => "higher_authority",
            E::EventOutOfOrder { .. } => "event_out_of_order",
            E::EventDateMismatch { .. } => "event_date_mismatch",
            E::InEvent { error, .. } => error.code(),
        }
    }

    /// Whether this refusal only says the action was already taken.
    pub fn is_repeat(&self) -> bool {
        match self {
            TransitionError::AlreadyInState { .. } => true,
            TransitionError::InEvent { error, .. } => error.is_repeat(),
            _ => false,
        }
    }
}

impl crate::sentence::Explain for TransitionError {
    fn key(&self) -> &'static str {
        use TransitionError as E;
        match self {
            E::RoleCannotAct { .. } => "err-workflow-role-cannot-act",
            E::NotOwner => "err-workflow-not-owner",
            E::HelperNotAuthorised => "err-workflow-helper-not-authorised",
            E::NotApplicant => "err-workflow-not-applicant",
            E::NotHandler => "err-workflow-not-handler",
            E::NotHandlingDepartment => "err-workflow-not-handling-department",
            E::HelperCannotHandle => "err-workflow-helper-cannot-handle",
            E::NotRecorder => "err-workflow-not-recorder",
            E::SystemOnly => "err-workflow-system-only",
            E::NotForSystem => "err-workflow-not-for-system",
            E::NotDepartmentHead => "err-workflow-not-department-head",
            E::AlreadyExtended => "err-workflow-already-extended",
            E::NoExtension => "err-workflow-no-extension",
            E::MissingExtensionReason => "err-workflow-missing-extension-reason",
            E::DecisionDateOutOfRange { .. } => "err-workflow-decision-date-out-of-range",
            E::NoticeLimitNotOver { .. } => "err-workflow-notice-limit-not-over",
            E::WrongReceivedOn { .. } => "err-workflow-wrong-received-on",
            E::AlreadyInState { .. } => "err-workflow-already-in-state",
            E::Terminal { .. } => "err-workflow-terminal",
            E::NotYetAccepted => "err-workflow-not-yet-accepted",
            E::WrongState { .. } => "err-workflow-wrong-state",
            E::ReplacedNotProvided { .. } => "err-workflow-replaced-not-provided",
            E::EmptyNotice => "err-workflow-empty-notice",
            E::IncompleteNoticeProblem { .. } => "err-workflow-incomplete-notice-problem",
            E::MissingDocumentNumber => "err-workflow-missing-document-number",
            E::MissingReasons => "err-workflow-missing-reasons",
            E::MissingAuthority => "err-workflow-missing-authority",
            E::MissingPauseNote => "err-workflow-missing-pause-note",
            E::MissingWithdrawReason => "err-workflow-missing-withdraw-reason",
            E::NotHigherAuthority => "err-workflow-not-higher-authority",
            E::HigherAuthority { .. } => "err-workflow-higher-authority",
            E::EventOutOfOrder { .. } => "err-workflow-event-out-of-order",
            E::EventDateMismatch { .. } => "err-workflow-event-date-mismatch",
            // A refusal inside a replayed event reads as that refusal.
            E::InEvent { error, .. } => error.key(),
        }
    }

    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        use crate::sentence::Arg;
        use TransitionError as E;
        let state = |s: &ApplicationState| Arg::Label { prefix: "application-state", code: s.as_str() };
        match self {
            E::RoleCannotAct { role } => vec![("role", Arg::Label { prefix: "role", code: role.as_str() })],
            E::AlreadyInState { state: s } | E::Terminal { state: s } => vec![("state", state(s))],
            E::WrongState { action, state: s } => {
                let action = match action_code_of_label(action) {
                    Some(code) => Arg::Label { prefix: "workflow-action", code },
                    None => Arg::Text(action.to_string()),
                };
                vec![("action", action), ("state", state(s))]
            }
            E::DecisionDateOutOfRange { date, from, to } => {
                vec![("date", (*date).into()), ("from", (*from).into()), ("to", (*to).into())]
            }
            E::NoticeLimitNotOver { notice_due_on } => vec![("due", (*notice_due_on).into())],
            E::WrongReceivedOn { received_on } => vec![("received", (*received_on).into())],
            E::ReplacedNotProvided { materials } => vec![("materials", materials.join(", ").into())],
            E::IncompleteNoticeProblem { position } => vec![("position", (*position).into())],
            E::HigherAuthority { level } => {
                vec![("level", Arg::Label { prefix: "authority-level", code: level.as_str() })]
            }
            E::EventOutOfOrder { seq } | E::EventDateMismatch { seq } => vec![("seq", (*seq).into())],
            E::InEvent { seq, error } => {
                let mut args = error.args();
                args.push(("seq", (*seq).into()));
                args
            }
            _ => Vec::new(),
        }
    }
}

/// Whether `actor` may take `action` on `state`, and the state that follows.
///
/// Checks run in this order, so that the first refusal is the most telling: who acts,
/// then a repeat of the step that led here, then a closed application, then the item's
/// level, then the state, then what was sent.
///
/// This judges by the state alone. An application whose acceptance was deemed may
/// still be returned, late; [`ApplicationView::decide`] knows that, and the rest of
/// the record (one extension, decision dates), and is what the store asks.
pub fn decide(
    state: &ApplicationState,
    facts: &ApplicationFacts,
    actor: &Actor,
    action: &Action,
) -> Result<ApplicationState, TransitionError> {
    decide_in(*state, false, facts, actor, action)
}

/// [`decide`], knowing whether the current acceptance was deemed rather than given.
pub(crate) fn decide_in(
    state: ApplicationState,
    acceptance_deemed: bool,
    facts: &ApplicationFacts,
    actor: &Actor,
    action: &Action,
) -> Result<ApplicationState, TransitionError> {
    authorise(facts, actor, action)?;
    if action.is_reflected_by(state) {
        return Err(TransitionError::AlreadyInState { state });
    }
    if state.is_terminal() {
        return Err(TransitionError::Terminal { state });
    }
    check_level(facts, action)?;
    let next = next_state(state, acceptance_deemed, facts, action)?;
    validate(facts, action)?;
    Ok(next)
}

fn authorise(facts: &ApplicationFacts, actor: &Actor, action: &Action) -> Result<(), TransitionError> {
    use TransitionError as E;
    match (actor.system, action.side() == Side::System) {
        (true, true) => return Ok(()),
        (true, false) => return Err(E::NotForSystem),
        (false, true) => return Err(E::SystemOnly),
        (false, false) => {}
    }
    if matches!(actor.role, Role::Inspector | Role::Leader) || actor.role.is_administrator() {
        return Err(E::RoleCannotAct { role: actor.role });
    }
    let of_owner = actor.owner_id.as_deref() == Some(facts.owner_id.as_str());
    let of_department = actor.department_id.as_deref() == Some(facts.handling_department_id.as_str());
    let department_role = matches!(actor.role, Role::Handler | Role::DepartmentHead);
    match action.side() {
        Side::Unit if actor.helper_for => of_owner.then_some(()).ok_or(E::HelperNotAuthorised),
        Side::Unit if actor.role != Role::Applicant => Err(E::NotApplicant),
        Side::Unit => of_owner.then_some(()).ok_or(E::NotOwner),
        Side::Department | Side::Recorder if actor.helper_for => Err(E::HelperCannotHandle),
        Side::Recorder if actor.role == Role::Office => Ok(()),
        Side::Department | Side::Recorder if department_role => {
            of_department.then_some(()).ok_or(E::NotHandlingDepartment)?;
            match action {
                Action::Extend { .. } if actor.role != Role::DepartmentHead => Err(E::NotDepartmentHead),
                _ => Ok(()),
            }
        }
        Side::Department => Err(E::NotHandler),
        Side::Recorder => Err(E::NotRecorder),
        Side::System => Err(E::SystemOnly),
    }
}

fn check_level(facts: &ApplicationFacts, action: &Action) -> Result<(), TransitionError> {
    match action {
        Action::Forward { .. } if !facts.lies_higher() => Err(TransitionError::NotHigherAuthority),
        Action::Approve { .. } | Action::Refuse { .. } if facts.lies_higher() => {
            Err(TransitionError::HigherAuthority { level: facts.authority_level })
        }
        _ => Ok(()),
    }
}

fn next_state(
    state: ApplicationState,
    acceptance_deemed: bool,
    facts: &ApplicationFacts,
    action: &Action,
) -> Result<ApplicationState, TransitionError> {
    use ApplicationState as S;
    Ok(match (action, state) {
        (Action::Submit { .. }, S::Draft) => S::Submitted,
        (Action::Resubmit { .. }, S::Returned) => S::Submitted,
        (Action::Return { .. }, S::Submitted) => S::Returned,
        // A return after the notice limit is still possible, and flagged late.
        (Action::Return { .. }, S::Accepted | S::UnderReview | S::Paused) if acceptance_deemed => S::Returned,
        (Action::Accept | Action::DeemAccept { .. }, S::Submitted) if facts.lies_higher() => S::Accepted,
        (Action::Accept | Action::DeemAccept { .. }, S::Submitted) => S::UnderReview,
        (Action::Extend { .. }, S::UnderReview) => S::UnderReview,
        (Action::Pause { .. }, S::UnderReview) => S::Paused,
        (Action::Resume, S::Paused) => S::UnderReview,
        (Action::Approve { .. }, S::UnderReview | S::Paused) => S::Approved,
        (Action::Refuse { .. }, S::UnderReview | S::Paused) => S::Refused,
        (Action::Approve { .. } | Action::Refuse { .. }, S::Draft | S::Submitted | S::Returned) => {
            return Err(TransitionError::NotYetAccepted)
        }
        (Action::Forward { .. }, S::Accepted) => S::Forwarded,
        (Action::RecordHigherOutcome { approved: true, .. }, S::Forwarded) => S::HigherApproved,
        (Action::RecordHigherOutcome { approved: false, .. }, S::Forwarded) => S::HigherRefused,
        // Terminal states were refused before; every other state may be withdrawn.
        (Action::Withdraw { .. }, _) => S::Withdrawn,
        _ => return Err(TransitionError::WrongState { action: action.label_zh(), state }),
    })
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn validate(facts: &ApplicationFacts, action: &Action) -> Result<(), TransitionError> {
    use TransitionError as E;
    match action {
        // Never refused for what it lacks: see [`SubmissionWarnings`].
        Action::Submit { .. } => Ok(()),
        Action::Resubmit { materials, replaced } => {
            let stray: Vec<String> = replaced.iter().filter(|m| !materials.contains(m)).cloned().collect();
            if stray.is_empty() {
                Ok(())
            } else {
                Err(E::ReplacedNotProvided { materials: stray })
            }
        }
        Action::Return { notice } => notice.validate(),
        Action::Pause { reason: PauseReason::Other, note } if blank(note) => Err(E::MissingPauseNote),
        Action::Approve { document_number, .. } if blank(document_number) => Err(E::MissingDocumentNumber),
        Action::Refuse { reasons } if blank(reasons) => Err(E::MissingReasons),
        Action::Forward { to_authority } if blank(to_authority) => Err(E::MissingAuthority),
        Action::RecordHigherOutcome { approved: true, document_number, .. }
            if document_number.as_deref().is_none_or(blank) =>
        {
            Err(E::MissingDocumentNumber)
        }
        Action::RecordHigherOutcome { approved: false, reasons, .. } if reasons.as_deref().is_none_or(blank) => {
            Err(E::MissingReasons)
        }
        Action::Withdraw { reason } if blank(reason) => Err(E::MissingWithdrawReason),
        Action::Extend { .. } if facts.extension_limit == 0 => Err(E::NoExtension),
        Action::Extend { reason } if blank(reason) => Err(E::MissingExtensionReason),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentence::{Arg, Explain};

    #[test]
    fn every_action_label_leads_back_to_its_code() {
        for code in ACTION_CODES {
            assert_eq!(action_code_of_label(action_label_zh(code)), Some(code), "{code}");
        }
        assert_eq!(Action::Forward { to_authority: "盟自然资源局".into() }.label_zh(), "转报");
        assert_eq!(action_code_of_label("不是操作"), None);
    }

    #[test]
    fn a_refusal_names_its_key_and_gives_states_and_steps_as_labels() {
        let e = TransitionError::WrongState { action: Action::Resume.label_zh(), state: ApplicationState::Draft };
        let s = e.sentence();
        assert_eq!(s.text, "申请处于“草稿”状态，不能恢复计时");
        assert_eq!(s.key, Some("err-workflow-wrong-state"));
        assert_eq!(
            s.args,
            vec![
                ("action", Arg::Label { prefix: "workflow-action", code: "resume" }),
                ("state", Arg::Label { prefix: "application-state", code: "draft" }),
            ]
        );
        // A refusal inside a replayed event reads as that refusal, with the event's number.
        let inner = TransitionError::IncompleteNoticeProblem { position: 2 };
        let e = TransitionError::InEvent { seq: 7, error: Box::new(inner) };
        let s = e.sentence();
        assert_eq!(s.key, Some("err-workflow-incomplete-notice-problem"));
        assert_eq!(s.args, vec![("position", Arg::Number(2)), ("seq", Arg::Number(7))]);
        assert!(s.text.starts_with("事件7："));
    }
}
