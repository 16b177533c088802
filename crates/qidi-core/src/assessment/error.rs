//! Why an assessment is refused: a bad period, number, profile or entry, and its sentence.

use super::Period;
// Named by doc links here; rustdoc only.
#[cfg(doc)]
use super::FIELDS;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("“{0}”不是考核期：应为月份（2026-05）、季度（2026-Q2）或 campaign")]
    BadPeriod(String),
    #[error("考核期 {} 尚未结束（截至 {}），只能考核已结束的期间", .0.label_zh(), .1)]
    NotClosed(Period, NaiveDate),
    #[error("“{0}”不是有效分值：应为不超过 1000、至多两位小数的数字")]
    BadNumber(String),
    #[error("考核方案有误：{0}")]
    BadProfile(ProfileError),
    #[error("评价有误：{0}")]
    BadEntry(EntryError),
}

/// What is wrong with an assessment profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("方案名称不能为空")]
    NameBlank,
    /// `field` is the form key ([`FIELDS`]), `label` its Chinese label.
    #[error("“{label}”不能为负数（现为 {value}）")]
    Negative { field: &'static str, label: &'static str, value: String },
    #[error("等次分数线应为 优秀 ≥ 良好 ≥ 合格（现为 {excellent} / {good} / {pass}）")]
    GradesOutOfOrder { excellent: String, good: String, pass: String },
}

/// What is wrong with an initiating department's rating.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// A refusal of who asked, not of what was sent.
    #[error("只有立项部门的人员可以评价办理部门")]
    NotInitiating,
    #[error("不能评价本部门")]
    OwnDepartment,
    #[error("评分应在 0 到 100 之间（现为 {0}）")]
    ScoreOutOfRange(String),
    #[error("评价意见不能为空")]
    CommentBlank,
}

impl crate::sentence::Explain for AssessmentError {
    fn key(&self) -> &'static str {
        match self {
            AssessmentError::BadPeriod(_) => "err-assessment-bad-period",
            AssessmentError::NotClosed(..) => "err-assessment-period-not-closed",
            AssessmentError::BadNumber(_) => "err-assessment-bad-number",
            AssessmentError::BadProfile(e) => e.key(),
            AssessmentError::BadEntry(e) => e.key(),
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            AssessmentError::BadPeriod(v) | AssessmentError::BadNumber(v) => vec![("value", v.into())],
            AssessmentError::NotClosed(period, last) => {
                let name = match period {
                    Period::Campaign { name, .. } => name.clone(),
                    other => other.key(),
                };
                vec![("period", name.into()), ("last", (*last).into())]
            }
            AssessmentError::BadProfile(e) => e.args(),
            AssessmentError::BadEntry(e) => e.args(),
        }
    }
}

impl crate::sentence::Explain for ProfileError {
    fn key(&self) -> &'static str {
        match self {
            ProfileError::NameBlank => "err-assessment-profile-name-blank",
            ProfileError::Negative { .. } => "err-assessment-profile-negative",
            ProfileError::GradesOutOfOrder { .. } => "err-assessment-profile-grades-out-of-order",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        use crate::sentence::Arg;
        match self {
            ProfileError::NameBlank => Vec::new(),
            ProfileError::Negative { field, value, .. } => {
                vec![("field", Arg::Label { prefix: "assessment-field", code: field }), ("value", value.into())]
            }
            ProfileError::GradesOutOfOrder { excellent, good, pass } => {
                vec![("excellent", excellent.into()), ("good", good.into()), ("pass", pass.into())]
            }
        }
    }
}

impl crate::sentence::Explain for EntryError {
    fn key(&self) -> &'static str {
        match self {
            EntryError::NotInitiating => "err-assessment-entry-not-initiating",
            EntryError::OwnDepartment => "err-assessment-entry-own-department",
            EntryError::ScoreOutOfRange(_) => "err-assessment-entry-score-out-of-range",
            EntryError::CommentBlank => "err-assessment-entry-comment-blank",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            EntryError::ScoreOutOfRange(v) => vec![("value", v.into())],
            _ => Vec::new(),
        }
    }
}
