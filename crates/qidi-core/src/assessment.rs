//! Department assessment (考核): a score per department and period, derived from the
//! recorded facts only (clock records, one-time notices, complaints and their
//! follow-up ratings, online applications, initiating departments' scored entries).
//!
//! The store gathers the facts of a period; this module scores them by a profile
//! (weights, deductions and grade thresholds are data the office edits) and keeps,
//! for every score, how it was derived: each term, its value, its weight, its
//! contribution and the links to the facts behind it. Scores are integers in
//! hundredths of a point, so the same facts give the same result in any order.

use crate::bulletin::Month;
use crate::role::Role;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Points in hundredths: 9050 is 90.50 分.
pub type Centi = i64;

/// `90.5` from 9050.
pub fn centi_text(c: Centi) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    match a % 100 {
        0 => format!("{sign}{}", a / 100),
        f if f % 10 == 0 => format!("{sign}{}.{}", a / 100, f / 10),
        f => format!("{sign}{}.{f:02}", a / 100),
    }
}

/// `2.5` → 250; at most two decimals, at most 1000 points.
pub fn parse_centi(s: &str) -> Result<Centi, AssessmentError> {
    let s = s.trim();
    let bad = || AssessmentError::BadNumber(s.to_string());
    let (neg, body) = s.strip_prefix('-').map_or((false, s), |b| (true, b));
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || !int.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return Err(bad());
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let i: i64 = int.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    if i > 1000 {
        return Err(bad());
    }
    let v = i * 100 + f;
    Ok(if neg { -v } else { v })
}

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

/// The span assessed: a month, a quarter, or a campaign's span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Period {
    Month { month: Month },
    Quarter { year: i32, quarter: u32 },
    Campaign { code: String, name: String, first: NaiveDate, last: NaiveDate },
}

impl Period {
    /// `2026-05` or `2026-Q2`; a campaign's span comes from the store.
    pub fn parse(s: &str) -> Result<Period, AssessmentError> {
        let t = s.trim();
        if let Some((y, q)) = t.split_once("-Q").or_else(|| t.split_once("-q")) {
            let year: i32 = y.parse().map_err(|_| AssessmentError::BadPeriod(t.into()))?;
            let quarter: u32 = q.parse().map_err(|_| AssessmentError::BadPeriod(t.into()))?;
            if (1..=4).contains(&quarter) && (2000..=2100).contains(&year) {
                return Ok(Period::Quarter { year, quarter });
            }
            return Err(AssessmentError::BadPeriod(t.into()));
        }
        Month::parse(t).map(|month| Period::Month { month }).map_err(|_| AssessmentError::BadPeriod(t.into()))
    }

    pub fn first_day(&self) -> NaiveDate {
        match self {
            Period::Month { month } => month.first_day(),
            Period::Quarter { year, quarter } => Month { year: *year, month: quarter * 3 - 2 }.first_day(),
            Period::Campaign { first, .. } => *first,
        }
    }

    pub fn last_day(&self) -> NaiveDate {
        match self {
            Period::Month { month } => month.last_day(),
            Period::Quarter { year, quarter } => Month { year: *year, month: quarter * 3 }.last_day(),
            Period::Campaign { last, .. } => *last,
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first_day() <= d && d <= self.last_day()
    }

    /// What the query string says: `2026-05`, `2026-Q2`, `campaign`.
    pub fn key(&self) -> String {
        match self {
            Period::Month { month } => month.to_string(),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Campaign { .. } => "campaign".into(),
        }
    }

    pub fn label_zh(&self) -> String {
        match self {
            Period::Month { month } => format!("{}年{}月", month.year, month.month),
            Period::Quarter { year, quarter } => format!("{year}年第{quarter}季度"),
            Period::Campaign { name, first, last, .. } => format!("{name}（{first} 至 {last}）"),
        }
    }

    /// Only a period that is over is assessed: its facts no longer change.
    pub fn check_closed(&self, today: NaiveDate) -> Result<(), AssessmentError> {
        if today > self.last_day() {
            Ok(())
        } else {
            Err(AssessmentError::NotClosed(self.clone(), self.last_day()))
        }
    }

    /// The period before `today`'s month: the default on the page.
    pub fn last_month(today: NaiveDate) -> Period {
        Period::Month { month: Month { year: today.year(), month: today.month() }.previous() }
    }
}

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

/// The weights and rules of an assessment; the office edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    /// Points for the on-time rate of each clock group: full points at 100 %.
    pub notice_weight: Centi,
    pub initial_review_weight: Centi,
    pub forward_weight: Centi,
    pub decision_weight: Centi,
    /// Points for callers' satisfaction (satisfied / rated).
    pub satisfaction_weight: Centi,
    /// Points for handling online (any online application in the period).
    pub online_weight: Centi,
    /// Points for the initiating departments' assessments (average score / 100).
    pub entries_weight: Centi,
    /// Points taken off per fact.
    pub breach_deduction: Centi,
    pub deemed_deduction: Centi,
    pub overdue_deduction: Centi,
    pub complaint_deduction: Centi,
    pub substantiated_deduction: Centi,
    pub late_report_deduction: Centi,
    /// A rate, rating or entry term without any fact in the period: full points
    /// (nothing went wrong) or none.
    pub empty_gets_full: bool,
    /// Grade thresholds: at least `excellent` is 优秀, at least `good` 良好, at least
    /// `pass` 合格, below 不合格.
    pub excellent: Centi,
    pub good: Centi,
    pub pass: Centi,
}

impl Default for Profile {
    /// 100 points: timeliness 60, satisfaction 15, online 10, initiating
    /// departments' assessments 15; deductions per fact.
    fn default() -> Self {
        Profile {
            name: "默认考核方案".into(),
            notice_weight: 1500,
            initial_review_weight: 1500,
            forward_weight: 1000,
            decision_weight: 2000,
            satisfaction_weight: 1500,
            online_weight: 1000,
            entries_weight: 1500,
            breach_deduction: 300,
            deemed_deduction: 200,
            overdue_deduction: 200,
            complaint_deduction: 50,
            substantiated_deduction: 500,
            late_report_deduction: 100,
            empty_gets_full: true,
            excellent: 9000,
            good: 8000,
            pass: 6000,
        }
    }
}

impl Profile {
    /// Weights and deductions are not negative; thresholds descend.
    pub fn check(&self) -> Result<(), AssessmentError> {
        let bad = |e: ProfileError| Err(AssessmentError::BadProfile(e));
        if self.name.trim().is_empty() {
            return bad(ProfileError::NameBlank);
        }
        for (field, label) in FIELDS {
            let v = self.get(field).unwrap_or(0);
            if v < 0 {
                return bad(ProfileError::Negative { field, label, value: centi_text(v) });
            }
        }
        if !(self.excellent >= self.good && self.good >= self.pass) {
            return bad(ProfileError::GradesOutOfOrder {
                excellent: centi_text(self.excellent),
                good: centi_text(self.good),
                pass: centi_text(self.pass),
            });
        }
        Ok(())
    }

    /// Every number with its Chinese label, in the form's order.
    pub fn numbers(&self) -> Vec<(&'static str, Centi)> {
        FIELDS.iter().map(|(key, label)| (*label, self.get(key).unwrap_or(0))).collect()
    }

    pub fn get(&self, key: &str) -> Option<Centi> {
        Some(match key {
            "notice_weight" => self.notice_weight,
            "initial_review_weight" => self.initial_review_weight,
            "forward_weight" => self.forward_weight,
            "decision_weight" => self.decision_weight,
            "satisfaction_weight" => self.satisfaction_weight,
            "online_weight" => self.online_weight,
            "entries_weight" => self.entries_weight,
            "breach_deduction" => self.breach_deduction,
            "deemed_deduction" => self.deemed_deduction,
            "overdue_deduction" => self.overdue_deduction,
            "complaint_deduction" => self.complaint_deduction,
            "substantiated_deduction" => self.substantiated_deduction,
            "late_report_deduction" => self.late_report_deduction,
            "excellent" => self.excellent,
            "good" => self.good,
            "pass" => self.pass,
            _ => return None,
        })
    }

    /// Set a number by its key; false for an unknown key.
    pub fn set(&mut self, key: &str, v: Centi) -> bool {
        let slot = match key {
            "notice_weight" => &mut self.notice_weight,
            "initial_review_weight" => &mut self.initial_review_weight,
            "forward_weight" => &mut self.forward_weight,
            "decision_weight" => &mut self.decision_weight,
            "satisfaction_weight" => &mut self.satisfaction_weight,
            "online_weight" => &mut self.online_weight,
            "entries_weight" => &mut self.entries_weight,
            "breach_deduction" => &mut self.breach_deduction,
            "deemed_deduction" => &mut self.deemed_deduction,
            "overdue_deduction" => &mut self.overdue_deduction,
            "complaint_deduction" => &mut self.complaint_deduction,
            "substantiated_deduction" => &mut self.substantiated_deduction,
            "late_report_deduction" => &mut self.late_report_deduction,
            "excellent" => &mut self.excellent,
            "good" => &mut self.good,
            "pass" => &mut self.pass,
            _ => return false,
        };
        *slot = v;
        true
    }

    pub fn grade(&self, score: Centi) -> Grade {
        if score >= self.excellent {
            Grade::Excellent
        } else if score >= self.good {
            Grade::Good
        } else if score >= self.pass {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }
}

/// The profile's numbers: form key and Chinese label.
pub const FIELDS: [(&str, &str); 16] = [
    ("notice_weight", "补正告知按时率（分）"),
    ("initial_review_weight", "初审按时率（分）"),
    ("forward_weight", "转报按时率（分）"),
    ("decision_weight", "承诺时限内办结率（分）"),
    ("satisfaction_weight", "来电人满意率（分）"),
    ("online_weight", "网上办理（分）"),
    ("entries_weight", "立项部门评价（分）"),
    ("breach_deduction", "每件违反一次性告知扣分"),
    ("deemed_deduction", "每件视为受理扣分"),
    ("overdue_deduction", "每件超期事项扣分"),
    ("complaint_deduction", "每件投诉扣分"),
    ("substantiated_deduction", "每件投诉属实扣分"),
    ("late_report_deduction", "每次信息报送迟报漏报扣分"),
    ("excellent", "优秀分数线"),
    ("good", "良好分数线"),
    ("pass", "合格分数线"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Good,
    Pass,
    Fail,
}

impl Grade {
    pub fn label_zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

/// One term of a score: what it is, its value, its weight, what it added or took off,
/// and the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub key: String,
    pub label: String,
    /// The value in words: "4/5（80%）", "2 件".
    pub value: String,
    /// The weight in words: "15 分" or "每件 -3 分"; "—" for a term shown only.
    pub weight: String,
    pub contribution: Centi,
    pub links: Vec<Link>,
}

/// Average working days of the decision clocks of one item type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTypeDays {
    pub item_type: String,
    pub clocks: u32,
    /// In hundredths of a day.
    pub average: Centi,
}

/// A department's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentScore {
    pub department_code: String,
    pub department: String,
    pub score: Centi,
    pub grade: Grade,
    pub rank: u32,
    pub terms: Vec<Term>,
    pub average_days: Vec<ItemTypeDays>,
    pub online: bool,
}

/// A period's assessment of every department, ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub period: Period,
    pub profile: Profile,
    pub departments: Vec<DepartmentScore>,
}

fn sorted_links<'a>(it: impl Iterator<Item = &'a Link>) -> Vec<Link> {
    let mut v: Vec<Link> = it.cloned().collect();
    v.sort();
    v
}

fn percent_text(num: u64, den: u64) -> String {
    // Per mille, rounded down, as the bulletin shows rates.
    let p = num * 1000 / den;
    format!("{num}/{den}（{}.{}%）", p / 10, p % 10)
}

/// `weight × num / den`, rounded down to the hundredth.
fn share(weight: Centi, num: u64, den: u64) -> Centi {
    (i128::from(weight) * i128::from(num) / i128::from(den)) as Centi
}

/// Score every department of `facts` by `profile`, and rank them: higher score
/// first, then department code. The order of the facts does not matter.
pub fn assess(period: &Period, profile: &Profile, facts: &Facts) -> Assessment {
    let mut departments: Vec<&DepartmentRef> = facts.departments.iter().collect();
    departments.sort_by(|a, b| a.code.cmp(&b.code));
    departments.dedup_by(|a, b| a.code == b.code);
    let mut scores: Vec<DepartmentScore> = departments.iter().map(|d| score_department(profile, facts, d)).collect();
    scores.sort_by(|a, b| b.score.cmp(&a.score).then(a.department_code.cmp(&b.department_code)));
    for (i, s) in scores.iter_mut().enumerate() {
        s.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    Assessment { period: period.clone(), profile: profile.clone(), departments: scores }
}

fn score_department(profile: &Profile, facts: &Facts, d: &DepartmentRef) -> DepartmentScore {
    let mine = |f: &&CountedFact| f.department_code == d.code;
    let mut terms = Vec::new();
    let empty = |weight: Centi| if profile.empty_gets_full { weight } else { 0 };
    let empty_text = if profile.empty_gets_full { "无记录（按满分计）" } else { "无记录（不得分）" };

    let clocks: Vec<&EndedClock> = facts.ended_clocks.iter().filter(|c| c.department_code == d.code).collect();
    for (group, key, label, weight) in [
        (ClockGroup::Notice, "notice", "补正告知按时率", profile.notice_weight),
        (ClockGroup::InitialReview, "initial_review", "初审按时率", profile.initial_review_weight),
        (ClockGroup::Forward, "forward", "转报按时率", profile.forward_weight),
        (ClockGroup::Decision, "decision", "承诺时限内办结率", profile.decision_weight),
    ] {
        let of: Vec<&&EndedClock> =
            clocks.iter().filter(|c| ClockGroup::of(&c.kind, &c.ended_by) == Some(group)).collect();
        let on_time = of.iter().filter(|c| c.outcome == "on_time").count() as u64;
        let total = of.len() as u64;
        let (value, contribution) = if total == 0 {
            (empty_text.to_string(), empty(weight))
        } else {
            (percent_text(on_time, total), share(weight, on_time, total))
        };
        // The links behind a rate: the clocks that were not on time.
        terms.push(Term {
            key: key.into(),
            label: label.into(),
            value,
            weight: format!("{} 分", centi_text(weight)),
            contribution,
            links: sorted_links(of.iter().filter(|c| c.outcome != "on_time").map(|c| &c.link)),
        });
    }

    let ratings: Vec<&Rating> = facts.ratings.iter().filter(|r| r.department_code == d.code).collect();
    let satisfied = ratings.iter().filter(|r| r.satisfied).count() as u64;
    let (value, contribution) = if ratings.is_empty() {
        (empty_text.to_string(), empty(profile.satisfaction_weight))
    } else {
        (
            percent_text(satisfied, ratings.len() as u64),
            share(profile.satisfaction_weight, satisfied, ratings.len() as u64),
        )
    };
    terms.push(Term {
        key: "satisfaction".into(),
        label: "来电人满意率".into(),
        value,
        weight: format!("{} 分", centi_text(profile.satisfaction_weight)),
        contribution,
        links: sorted_links(ratings.iter().map(|r| &r.link)),
    });

    let online: Vec<&CountedFact> = facts.online.iter().filter(mine).collect();
    terms.push(Term {
        key: "online".into(),
        label: "网上办理".into(),
        value: if online.is_empty() {
            "本期无网上受理的申请".into()
        } else {
            format!("是（本期网上申请 {} 件）", online.len())
        },
        weight: format!("{} 分", centi_text(profile.online_weight)),
        contribution: if online.is_empty() { 0 } else { profile.online_weight },
        links: sorted_links(online.iter().map(|f| &f.link)),
    });

    let entries: Vec<&EntryFact> = facts.entries.iter().filter(|e| e.department_code == d.code).collect();
    let (value, contribution) = if entries.is_empty() {
        (empty_text.to_string(), empty(profile.entries_weight))
    } else {
        let sum: i64 = entries.iter().map(|e| e.score.clamp(0, 10000)).sum();
        let n = entries.len() as i64;
        // weight × (average score / 100 points): sum / (n × 10000).
        let c = (i128::from(profile.entries_weight) * i128::from(sum) / (i128::from(n) * 10000)) as Centi;
        (format!("{} 条，平均 {} 分", n, centi_text(sum / n)), c)
    };
    terms.push(Term {
        key: "entries".into(),
        label: "立项部门评价".into(),
        value,
        weight: format!("{} 分", centi_text(profile.entries_weight)),
        contribution,
        links: sorted_links(entries.iter().map(|e| &e.link)),
    });

    for (key, label, list, per) in [
        ("breaches", "违反一次性告知", &facts.breaches, profile.breach_deduction),
        ("deemed", "视为受理", &facts.deemed, profile.deemed_deduction),
        ("overdue", "超期事项", &facts.overdue, profile.overdue_deduction),
        ("complaints", "收到投诉", &facts.complaints, profile.complaint_deduction),
        ("substantiated", "投诉属实", &facts.substantiated, profile.substantiated_deduction),
        ("late_reports", "信息报送迟报漏报", &facts.late_reports, profile.late_report_deduction),
    ] {
        let of: Vec<&CountedFact> = list.iter().filter(mine).collect();
        terms.push(Term {
            key: key.into(),
            label: label.into(),
            value: format!("{} 件", of.len()),
            weight: format!("每件 -{} 分", centi_text(per)),
            contribution: -(per * of.len() as i64),
            links: sorted_links(of.iter().map(|f| &f.link)),
        });
    }

    let score = terms.iter().map(|t| t.contribution).sum::<Centi>().max(0);

    // Average working days per item type, over the decision clocks that ended.
    let mut days: BTreeMap<&str, (u32, i64)> = BTreeMap::new();
    for c in clocks.iter().filter(|c| ClockGroup::of(&c.kind, &c.ended_by) == Some(ClockGroup::Decision)) {
        let e = days.entry(c.item_type.as_str()).or_default();
        e.0 += 1;
        e.1 += c.days_used;
    }
    let average_days = days
        .into_iter()
        .map(|(t, (n, sum))| ItemTypeDays { item_type: t.to_string(), clocks: n, average: sum * 100 / i64::from(n) })
        .collect();

    DepartmentScore {
        department_code: d.code.clone(),
        department: d.name.clone(),
        score,
        grade: profile.grade(score),
        rank: 0,
        terms,
        average_days,
        online: !online.is_empty(),
    }
}

/// Who sees which departments' assessments: the office, the leader and the
/// inspectors see all (inspectors only read); a department its own; the administrators
/// nothing (三员分立).
pub fn may_see_all(role: Role) -> bool {
    matches!(role, Role::Office | Role::Leader | Role::Inspector)
}

/// Only the office edits the profile.
pub fn may_edit_profile(role: Role) -> bool {
    role == Role::Office
}

/// An initiating department's staff (its head or handlers) assess a handling
/// department other than their own, with a score of 0–100 and a comment.
pub fn check_entry(
    role: Role,
    own_department_initiates: bool,
    own_department: Option<&str>,
    assessed: &str,
    score: Centi,
    comment: &str,
) -> Result<(), AssessmentError> {
    if !matches!(role, Role::Handler | Role::DepartmentHead) || !own_department_initiates {
        return Err(AssessmentError::BadEntry(EntryError::NotInitiating));
    }
    if own_department == Some(assessed) {
        return Err(AssessmentError::BadEntry(EntryError::OwnDepartment));
    }
    if !(0..=10000).contains(&score) {
        return Err(AssessmentError::BadEntry(EntryError::ScoreOutOfRange(centi_text(score))));
    }
    if comment.trim().is_empty() {
        return Err(AssessmentError::BadEntry(EntryError::CommentBlank));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Link {
        Link { label: s.into(), href: format!("/x/{s}") }
    }

    fn fact(d: &str, s: &str) -> CountedFact {
        CountedFact { department_code: d.into(), link: link(s) }
    }

    fn clock(d: &str, kind: &str, outcome: &str, days: i64, s: &str) -> EndedClock {
        EndedClock {
            department_code: d.into(),
            kind: kind.into(),
            ended_by: if kind == "review" || kind == "extension" { "approve".into() } else { "accept".into() },
            outcome: outcome.into(),
            item_type: "环评".into(),
            days_used: days,
            link: link(s),
        }
    }

    #[test]
    fn numbers_read_and_print() {
        assert_eq!(parse_centi("2.5"), Ok(250));
        assert_eq!(parse_centi("15"), Ok(1500));
        assert_eq!(parse_centi("0.05"), Ok(5));
        assert_eq!(parse_centi("-1"), Ok(-100));
        assert!(parse_centi("1.234").is_err());
        assert!(parse_centi("abc").is_err());
        assert!(parse_centi("").is_err());
        assert_eq!(centi_text(9050), "90.5");
        assert_eq!(centi_text(9005), "90.05");
        assert_eq!(centi_text(-300), "-3");
    }

    #[test]
    fn periods() {
        let q = Period::parse("2026-Q2").unwrap();
        assert_eq!(q.first_day().to_string(), "2026-04-01");
        assert_eq!(q.last_day().to_string(), "2026-06-30");
        assert_eq!(q.key(), "2026-Q2");
        let m = Period::parse("2026-05").unwrap();
        assert_eq!(m.last_day().to_string(), "2026-05-31");
        assert!(Period::parse("2026-Q5").is_err());
        assert!(Period::parse("May").is_err());
        let d = |s: &str| crate::calendar::parse_date(s).unwrap();
        assert!(m.check_closed(d("2026-05-31")).is_err());
        assert!(m.check_closed(d("2026-06-01")).is_ok());
    }

    #[test]
    fn a_department_scored_term_by_term() {
        let facts = Facts {
            departments: vec![DepartmentRef { code: "zrzy".into(), name: "自然资源局".into() }],
            ended_clocks: vec![
                clock("zrzy", "notice_due", "on_time", 1, "a"),
                clock("zrzy", "notice_due", "deemed", 3, "b"),
                clock("zrzy", "review", "on_time", 10, "a"),
                clock("zrzy", "review", "late", 22, "c"),
                clock("zrzy", "extension", "on_time", 15, "d"),
            ],
            breaches: vec![fact("zrzy", "a")],
            deemed: vec![fact("zrzy", "b")],
            overdue: vec![fact("zrzy", "c")],
            complaints: vec![fact("zrzy", "h1"), fact("zrzy", "h2")],
            substantiated: vec![fact("zrzy", "h1")],
            ratings: vec![
                Rating { department_code: "zrzy".into(), satisfied: true, link: link("h1") },
                Rating { department_code: "zrzy".into(), satisfied: false, link: link("h2") },
            ],
            late_reports: vec![],
            online: vec![fact("zrzy", "a")],
            entries: vec![EntryFact {
                department_code: "zrzy".into(),
                by_department: "发改委".into(),
                score: 8000,
                comment: "配合较好".into(),
                link: link("e1"),
            }],
        };
        let p = Profile::default();
        let a = assess(&Period::parse("2026-05").unwrap(), &p, &facts);
        let s = &a.departments[0];
        let c = |k: &str| s.terms.iter().find(|t| t.key == k).unwrap().contribution;
        assert_eq!(c("notice"), 750); // 15 × 1/2
        assert_eq!(c("initial_review"), 1500); // none: full
        assert_eq!(c("forward"), 1000);
        assert_eq!(c("decision"), 1333); // 20 × 2/3 = 13.333
        assert_eq!(c("satisfaction"), 750);
        assert_eq!(c("online"), 1000);
        assert_eq!(c("entries"), 1200); // 15 × 0.8
        assert_eq!(c("breaches"), -300);
        assert_eq!(c("deemed"), -200);
        assert_eq!(c("overdue"), -200);
        assert_eq!(c("complaints"), -100);
        assert_eq!(c("substantiated"), -500);
        assert_eq!(s.score, 750 + 1500 + 1000 + 1333 + 750 + 1000 + 1200 - 300 - 200 - 200 - 100 - 500);
        assert_eq!(s.score, 6233);
        assert_eq!(s.grade, Grade::Pass);
        assert_eq!(s.average_days, vec![ItemTypeDays { item_type: "环评".into(), clocks: 3, average: 1566 }]);
        let notice = s.terms.iter().find(|t| t.key == "notice").unwrap();
        assert_eq!(notice.links, vec![link("b")]);
        assert_eq!(notice.value, "1/2（50.0%）");
    }

    #[test]
    fn grades_follow_the_thresholds() {
        let mut p = Profile::default();
        assert_eq!(p.grade(9000), Grade::Excellent);
        assert_eq!(p.grade(8999), Grade::Good);
        assert_eq!(p.grade(6000), Grade::Pass);
        assert_eq!(p.grade(5999), Grade::Fail);
        p.pass = 9500;
        assert!(p.check().is_err());
        p.pass = 6000;
        p.breach_deduction = -1;
        assert!(p.check().is_err());
        assert!(Profile::default().check().is_ok());
    }

    #[test]
    fn entries_are_checked() {
        assert!(check_entry(Role::Handler, true, Some("fgw"), "zrzy", 8000, "好").is_ok());
        assert!(check_entry(Role::Handler, false, Some("zrzy"), "sthj", 8000, "好").is_err());
        assert!(check_entry(Role::Handler, true, Some("fgw"), "fgw", 8000, "好").is_err());
        assert!(check_entry(Role::Handler, true, Some("fgw"), "zrzy", 10001, "好").is_err());
        assert!(check_entry(Role::Handler, true, Some("fgw"), "zrzy", 8000, " ").is_err());
        assert!(check_entry(Role::Office, true, None, "zrzy", 8000, "好").is_err());
    }
}
