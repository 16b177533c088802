//! The facts a period is assessed by, as the store gathers them from the record.

use super::Centi;
use serde::{Deserialize, Serialize};

/// A link to a fact on this server.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// A department assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentRef {
    pub code: String,
    pub name: String,
}

/// The clock kinds of the record, grouped as the assessment rates them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockGroup {
    Notice,
    InitialReview,
    Forward,
    /// The promised limit and its extension.
    Decision,
}

impl ClockGroup {
    /// From `clock_records.kind` and `ended_by`: a review or extension clock counts as
    /// a decision only when a decision ended it (not a late return after a deemed
    /// acceptance, nor a withdrawal).
    pub fn of(kind: &str, ended_by: &str) -> Option<ClockGroup> {
        match kind {
            "notice_due" => Some(ClockGroup::Notice),
            "initial_review" => Some(ClockGroup::InitialReview),
            "forward" => Some(ClockGroup::Forward),
            "review" | "extension" if matches!(ended_by, "approve" | "refuse") => Some(ClockGroup::Decision),
            _ => None,
        }
    }
}

/// A clock that ended in the period, as `clock_records` keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndedClock {
    pub department_code: String,
    /// `clock_records.kind`.
    pub kind: String,
    /// The step that ended it (`approve`, `return`, …).
    pub ended_by: String,
    /// `on_time`, `late`, `deemed`.
    pub outcome: String,
    pub item_type: String,
    pub days_used: i64,
    pub link: Link,
}

/// A fact counted once against a department (a breach, a deemed acceptance, an
/// overdue item, a complaint, a missed progress report, an online application).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedFact {
    pub department_code: String,
    pub link: Link,
}

/// A follow-up call's rating of a complaint against a department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub department_code: String,
    pub satisfied: bool,
    pub link: Link,
}

/// An initiating department's scored assessment of a handling department (R16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFact {
    /// The department assessed.
    pub department_code: String,
    pub by_department: String,
    /// 0..=100 points, in hundredths.
    pub score: Centi,
    pub comment: String,
    pub link: Link,
}

/// Everything the assessment of a period reads, gathered by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub departments: Vec<DepartmentRef>,
    pub ended_clocks: Vec<EndedClock>,
    pub breaches: Vec<CountedFact>,
    pub deemed: Vec<CountedFact>,
    /// Items overdue at the period's end, or closed late in it.
    pub overdue: Vec<CountedFact>,
    pub complaints: Vec<CountedFact>,
    pub substantiated: Vec<CountedFact>,
    pub ratings: Vec<Rating>,
    /// Late or missing progress reports (信息报送), one fact each.
    pub late_reports: Vec<CountedFact>,
    /// Applications the department received online in the period.
    pub online: Vec<CountedFact>,
    pub entries: Vec<EntryFact>,
}
