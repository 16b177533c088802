//! Check lists and their answers: an answer checked, where a row stands, a missing check report, the default due date.

use super::LINE_FIELDS;
use crate::sentence::{Arg, Explain};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A handling department's answer for one pending item (核查情况).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckAnswer {
    pub check_result: String,
    pub responsible_person: String,
    pub acceptance_status: String,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckAnswerError {
    #[error("请填写：{}", .0.join("、"))]
    Missing(Vec<&'static str>),
    #[error("{0}过长（最多 {1} 个字符）")]
    TooLong(&'static str, usize),
}

impl Explain for CheckAnswerError {
    fn key(&self) -> &'static str {
        match self {
            CheckAnswerError::Missing(_) => "err-ledger-answer-missing",
            CheckAnswerError::TooLong(..) => "err-ledger-answer-too-long",
        }
    }
    /// `Missing`: `n` fields, `field1`… each a ledger field's label; `TooLong`: `field`, `max`.
    fn args(&self) -> Vec<(&'static str, Arg)> {
        const FIELD_ARGS: [&str; 4] = ["field1", "field2", "field3", "field4"];
        match self {
            CheckAnswerError::Missing(labels) => {
                let mut args = vec![("n", labels.len().into())];
                args.extend(FIELD_ARGS.iter().zip(labels).map(|(name, label)| (*name, field_arg(label))));
                args
            }
            CheckAnswerError::TooLong(label, max) => vec![("field", field_arg(label)), ("max", (*max).into())],
        }
    }
}

/// A ledger field named by its Chinese label, as the catalogues' `ledger-field-` label.
fn field_arg(label: &str) -> Arg {
    match LINE_FIELDS.iter().find(|(_, zh)| *zh == label) {
        Some((code, _)) => Arg::Label { prefix: "ledger-field", code },
        None => Arg::Text(label.to_string()),
    }
}

const ANSWER_MAX: usize = 500;

impl CheckAnswer {
    /// Trimmed, with every part present: result, responsible person, acceptance status
    /// and completion deadline.
    pub fn validated(self) -> Result<CheckAnswer, CheckAnswerError> {
        let a = CheckAnswer {
            check_result: self.check_result.trim().to_string(),
            responsible_person: self.responsible_person.trim().to_string(),
            acceptance_status: self.acceptance_status.trim().to_string(),
            due_on: self.due_on,
        };
        let mut missing = Vec::new();
        if a.check_result.is_empty() {
            missing.push("核查情况");
        }
        if a.responsible_person.is_empty() {
            missing.push("责任人");
        }
        if a.acceptance_status.is_empty() {
            missing.push("受理情况");
        }
        if a.due_on.is_none() {
            missing.push("完成时限");
        }
        if !missing.is_empty() {
            return Err(CheckAnswerError::Missing(missing));
        }
        for (label, v) in
            [("核查情况", &a.check_result), ("责任人", &a.responsible_person), ("受理情况", &a.acceptance_status)]
        {
            if v.chars().count() > ANSWER_MAX {
                return Err(CheckAnswerError::TooLong(label, ANSWER_MAX));
            }
        }
        Ok(a)
    }
}

/// Where one check-list row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerState {
    Answered,
    /// Not answered, due date not passed.
    Missing,
    /// Not answered and past its due date.
    Overdue,
}

impl AnswerState {
    pub fn of(answered: bool, due_on: NaiveDate, today: NaiveDate) -> AnswerState {
        if answered {
            AnswerState::Answered
        } else if today > due_on {
            AnswerState::Overdue
        } else {
            AnswerState::Missing
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AnswerState::Answered => "已反馈",
            AnswerState::Missing => "未反馈",
            AnswerState::Overdue => "逾期未反馈",
        }
    }
}

/// Whether the check report of a ledger's pending item is still missing: no check
/// result written, or a check-list row for it that its handling department has not
/// answered yet.
pub fn check_missing(check_result: Option<&str>, unanswered_on_a_check_list: bool) -> bool {
    unanswered_on_a_check_list || check_result.is_none_or(|r| r.trim().is_empty())
}

/// How many working days after the push a check list's answers are due by default
/// (the plan: lists on 8-20, answers with the ledgers signed on 8-23).
pub const CHECK_LIST_DEFAULT_DAYS: u32 = 3;

/// The due date a push form offers: [`CHECK_LIST_DEFAULT_DAYS`] working days after
/// `today` on the official calendar (the day itself not counted).
pub fn check_list_default_due(calendar: &crate::calendar::WorkCalendar, today: NaiveDate) -> NaiveDate {
    calendar.add_working_days(today, CHECK_LIST_DEFAULT_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::fixtures::ymd;
    use crate::ledger::{may_answer, may_push_check_list};
    use crate::role::Role;

    #[test]
    fn check_answers() {
        let a = CheckAnswer { check_result: " 已受理 ".into(), ..Default::default() };
        assert_eq!(a.validated(), Err(CheckAnswerError::Missing(vec!["责任人", "受理情况", "完成时限"])));
        let ok = CheckAnswer {
            check_result: "材料齐全".into(),
            responsible_person: "王海".into(),
            acceptance_status: "已受理".into(),
            due_on: Some(ymd(2022, 9, 30)),
        };
        assert_eq!(ok.clone().validated().unwrap(), ok);
        let today = ymd(2022, 8, 21);
        assert_eq!(AnswerState::of(false, ymd(2022, 8, 20), today), AnswerState::Overdue);
        assert_eq!(AnswerState::of(false, ymd(2022, 8, 21), today), AnswerState::Missing);
        assert_eq!(AnswerState::of(true, ymd(2022, 8, 20), today), AnswerState::Answered);
        assert!(may_answer(Role::Handler, Some("zrzy"), "zrzy"));
        assert!(!may_answer(Role::Handler, Some("slj"), "zrzy"));
        assert!(!may_answer(Role::Office, None, "zrzy"));
        assert!(may_push_check_list(Role::Office, None, "fgw"));
        assert!(may_push_check_list(Role::Handler, Some("fgw"), "fgw"));
        assert!(!may_push_check_list(Role::Handler, Some("zrzy"), "fgw"));
        assert!(!may_push_check_list(Role::Inspector, None, "fgw"));
    }
}
