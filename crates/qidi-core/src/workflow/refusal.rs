//! Why a transition is refused: the refusals, how the web answers them, their codes and sentences.

use super::action::action_code_of_label;
use super::ApplicationState;
use crate::catalogue::AuthorityLevel;
use crate::role::Role;
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentence::{Arg, Explain};
    use crate::workflow::Action;

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
