//! Look-back reviews (回头看, R19): the office re-checks completed work — closed
//! items and removals — chosen by a rule or by a random sample that its seed
//! reproduces. Reviewers record a finding per item; a correction has a deadline and
//! a light on the working-day calendar until it is closed; the review ends with a
//! summary.

use crate::calendar::WorkCalendar;
use crate::light::{light, Light, LightPolicy};
use crate::role::Role;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookbackError {
    #[error("检查结论有误：{0}")]
    BadFinding(FindingError),
}

/// What is wrong with a finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    #[error("发现问题时须写明问题")]
    NoteBlank,
    #[error("需要整改时须写明整改要求")]
    CorrectionBlank,
    #[error("需要整改时须给出整改期限")]
    NoDeadline,
    #[error("整改期限 {due_on} 应晚于今天（{today}）")]
    DeadlineNotAfterToday { due_on: NaiveDate, today: NaiveDate },
}

impl crate::sentence::Explain for LookbackError {
    fn key(&self) -> &'static str {
        match self {
            LookbackError::BadFinding(FindingError::NoteBlank) => "err-lookback-note-blank",
            LookbackError::BadFinding(FindingError::CorrectionBlank) => "err-lookback-correction-blank",
            LookbackError::BadFinding(FindingError::NoDeadline) => "err-lookback-no-deadline",
            LookbackError::BadFinding(FindingError::DeadlineNotAfterToday { .. }) => {
                "err-lookback-deadline-not-after-today"
            }
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            LookbackError::BadFinding(FindingError::DeadlineNotAfterToday { due_on, today }) => {
                vec![("due_on", (*due_on).into()), ("today", (*today).into())]
            }
            LookbackError::BadFinding(_) => Vec::new(),
        }
    }
}

/// Which completed work a review covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Every closed application of one handling department (by its code).
    DepartmentItems { department_code: String },
    /// Every approved removal.
    AllRemovals,
    /// Every application approved after its promised limit.
    LateApprovals,
    /// Every closed application and approved removal.
    AllClosed,
}

impl Rule {
    pub fn label_zh(&self) -> String {
        match self {
            Rule::DepartmentItems { department_code } => format!("部门（{department_code}）全部已办结事项"),
            Rule::AllRemovals => "全部移出项目库的项目".into(),
            Rule::LateApprovals => "全部超期办结的审批".into(),
            Rule::AllClosed => "全部已办结事项和移出项目".into(),
        }
    }
}

/// How a review chooses from what its rule covers: all of it, or a sample of `size`
/// drawn with `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub size: u32,
    pub seed: u64,
}

/// Something a review can look at: a closed application or an approved removal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Candidate {
    /// `application` or `removal`.
    pub object_type: String,
    pub object_id: String,
    pub department_code: String,
    pub label: String,
    pub link: String,
}

/// What a review covers: every candidate, or a sample of them. The candidates are
/// put in a canonical order first (by type and id), so the same seed over the same
/// candidates gives the same items whatever order the store read them in. The sample
/// is a partial Fisher–Yates shuffle driven by ChaCha8 from the seed (rand_chacha
/// pinned, so the stream does not change under us); it keeps the drawn order.
pub fn choose(candidates: &[Candidate], sample: Option<Sample>) -> Vec<Candidate> {
    let mut all: Vec<Candidate> = candidates.to_vec();
    all.sort();
    all.dedup_by(|a, b| a.object_type == b.object_type && a.object_id == b.object_id);
    let Some(Sample { size, seed }) = sample else { return all };
    let n = all.len();
    let k = (size as usize).min(n);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    for i in 0..k {
        let j = rng.gen_range(i..n);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

/// A reviewer's finding on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    NoProblem,
    ProblemFound,
    CorrectionNeeded,
}

impl Finding {
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::NoProblem => "no_problem",
            Finding::ProblemFound => "problem_found",
            Finding::CorrectionNeeded => "correction_needed",
        }
    }
    pub fn parse(s: &str) -> Option<Finding> {
        match s {
            "no_problem" => Some(Finding::NoProblem),
            "problem_found" => Some(Finding::ProblemFound),
            "correction_needed" => Some(Finding::CorrectionNeeded),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Finding::NoProblem => "未发现问题",
            Finding::ProblemFound => "发现问题",
            Finding::CorrectionNeeded => "需要整改",
        }
    }
}

/// A correction's dates: due on the deadline, yellow by the light policy over the
/// working days from the finding to the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionClock {
    pub started_on: NaiveDate,
    pub due_on: NaiveDate,
    pub warn_on: NaiveDate,
}

/// Check a finding and, when it needs a correction, work out its clock. A problem
/// found needs a note; a correction needs what to correct and a deadline after the
/// day of the finding.
pub fn check_finding(
    calendar: &WorkCalendar,
    policy: &LightPolicy,
    finding: Finding,
    note: &str,
    correction: &str,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<CorrectionClock>, LookbackError> {
    let bad = |e: FindingError| Err(LookbackError::BadFinding(e));
    match finding {
        Finding::NoProblem => Ok(None),
        Finding::ProblemFound => {
            if note.trim().is_empty() {
                return bad(FindingError::NoteBlank);
            }
            Ok(None)
        }
        Finding::CorrectionNeeded => {
            if correction.trim().is_empty() {
                return bad(FindingError::CorrectionBlank);
            }
            let Some(due_on) = deadline else { return bad(FindingError::NoDeadline) };
            if due_on <= today {
                return bad(FindingError::DeadlineNotAfterToday { due_on, today });
            }
            let limit = u32::try_from(calendar.working_days_between(today, due_on).max(0)).unwrap_or(u32::MAX);
            let warn_on = calendar.add_working_days(today, policy.warn_threshold(limit)).min(due_on);
            Ok(Some(CorrectionClock { started_on: today, due_on, warn_on }))
        }
    }
}

/// A correction's light on `today`: none once it is closed.
pub fn correction_light(clock: &CorrectionClock, closed_on: Option<NaiveDate>, today: NaiveDate) -> Option<Light> {
    closed_on.is_none().then(|| light(today, clock.due_on, clock.warn_on))
}

/// Only the office opens, closes and exports reviews; the office and the leader
/// record findings (the office's reviewers); a correction is closed by the office.
pub fn may_run(role: Role) -> bool {
    role == Role::Office
}

/// Whether `role` may still change a review closed on `closed_on` (if it was): the
/// office, while the review is open. A closed review is the record and stays as it is.
pub fn may_edit(role: Role, closed_on: Option<NaiveDate>) -> bool {
    may_run(role) && closed_on.is_none()
}

/// The administrators read no business data (三员分立).
pub fn may_read(role: Role) -> bool {
    matches!(role, Role::Office | Role::Leader | Role::Inspector)
}

/// One reviewed item, as the summary counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedItem {
    pub label: String,
    pub department_code: String,
    pub finding: Option<Finding>,
    pub note: String,
    pub correction: String,
    pub clock: Option<CorrectionClock>,
    pub corrected_on: Option<NaiveDate>,
}

/// The summary of a review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub items: u32,
    pub unreviewed: u32,
    pub no_problem: u32,
    pub problem_found: u32,
    pub correction_needed: u32,
    pub corrected: u32,
    pub corrected_late: u32,
    pub open_corrections: u32,
    pub red: u32,
}

pub fn summarize(items: &[ReviewedItem], today: NaiveDate) -> Summary {
    let mut s = Summary { items: items.len() as u32, ..Default::default() };
    for i in items {
        match i.finding {
            None => s.unreviewed += 1,
            Some(Finding::NoProblem) => s.no_problem += 1,
            Some(Finding::ProblemFound) => s.problem_found += 1,
            Some(Finding::CorrectionNeeded) => s.correction_needed += 1,
        }
        if let Some(c) = &i.clock {
            match i.corrected_on {
                Some(on) => {
                    s.corrected += 1;
                    if on > c.due_on {
                        s.corrected_late += 1;
                    }
                }
                None => {
                    s.open_corrections += 1;
                    if correction_light(c, None, today) == Some(Light::Red) {
                        s.red += 1;
                    }
                }
            }
        }
    }
    s
}

/// The summary's paragraphs for the Word document (headings 一、二、…).
pub fn summary_paragraphs(
    title: &str,
    rule: &str,
    sample: Option<Sample>,
    s: &Summary,
    items: &[ReviewedItem],
) -> Vec<String> {
    let mut p = vec![
        "一、检查范围".to_string(),
        match sample {
            Some(Sample { size, seed }) => {
                format!("按“{rule}”选取，随机抽取 {size} 件（随机种子 {seed}，可复现），实际检查 {} 件。", s.items)
            }
            None => format!("按“{rule}”选取，共检查 {} 件。", s.items),
        },
        "二、检查结果".to_string(),
        format!(
            "{title}：未发现问题 {} 件，发现问题 {} 件，需要整改 {} 件，尚未检查 {} 件。",
            s.no_problem, s.problem_found, s.correction_needed, s.unreviewed
        ),
        "三、整改情况".to_string(),
        format!(
            "已整改 {} 件（其中超期整改 {} 件），未整改 {} 件（其中已超期 {} 件）。",
            s.corrected, s.corrected_late, s.open_corrections, s.red
        ),
    ];
    let problems: Vec<&ReviewedItem> =
        items.iter().filter(|i| matches!(i.finding, Some(Finding::ProblemFound | Finding::CorrectionNeeded))).collect();
    if !problems.is_empty() {
        p.push("四、问题清单".to_string());
        for (n, i) in problems.iter().enumerate() {
            let mut line = format!("{}. {}（{}）：{}", n + 1, i.label, i.department_code, i.note);
            if let Some(c) = &i.clock {
                line.push_str(&format!("；整改要求：{}，期限 {}", i.correction, c.due_on));
                match i.corrected_on {
                    Some(on) => line.push_str(&format!("，已于 {on} 整改")),
                    None => line.push_str("，尚未整改"),
                }
            }
            line.push('。');
            p.push(line);
        }
    }
    p
}

/// A review's summary as exported (Excel, Word in the official layout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    /// 正镶白旗待批项目清理工作领导小组办公室.
    pub issuing_body: String,
    pub rule: String,
    pub sample: Option<Sample>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The day the report was made: the date line of the document.
    pub made_on: NaiveDate,
    pub summary: Summary,
    pub items: Vec<ReviewedItem>,
}

impl Report {
    pub fn paragraphs(&self) -> Vec<String> {
        summary_paragraphs(&self.title, &self.rule, self.sample, &self.summary, &self.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_edits_a_review_until_it_is_closed() {
        assert!(may_edit(Role::Office, None));
        assert!(!may_edit(Role::Office, Some(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())));
        for r in crate::role::ALL_ROLES.into_iter().filter(|r| *r != Role::Office) {
            assert!(!may_edit(r, None), "{r:?}");
        }
    }

    fn cands(n: usize) -> Vec<Candidate> {
        (0..n)
            .map(|i| Candidate {
                object_type: "application".into(),
                object_id: format!("id-{i:03}"),
                department_code: "zrzy".into(),
                label: format!("item {i}"),
                link: format!("/applications/id-{i:03}"),
            })
            .collect()
    }

    #[test]
    fn a_seed_gives_the_same_sample_in_any_order() {
        let c = cands(50);
        let a = choose(&c, Some(Sample { size: 7, seed: 42 }));
        let mut rev = c.clone();
        rev.reverse();
        assert_eq!(a, choose(&rev, Some(Sample { size: 7, seed: 42 })));
        assert_eq!(a.len(), 7);
        let b = choose(&c, Some(Sample { size: 7, seed: 43 }));
        assert_ne!(a, b, "another seed draws another sample");
        let mut ids: Vec<_> = a.iter().map(|x| x.object_id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 7, "no item is drawn twice");
        assert_eq!(choose(&c, Some(Sample { size: 80, seed: 1 })).len(), 50);
        assert_eq!(choose(&c, None).len(), 50);
    }

    #[test]
    fn findings_need_what_they_say() {
        let cal = WorkCalendar::shipped();
        let d = |s: &str| crate::calendar::parse_date(s).unwrap();
        let p = LightPolicy::default();
        let today = d("2026-05-11"); // Monday
        assert_eq!(check_finding(&cal, &p, Finding::NoProblem, "", "", None, today), Ok(None));
        assert!(check_finding(&cal, &p, Finding::ProblemFound, " ", "", None, today).is_err());
        assert!(check_finding(&cal, &p, Finding::CorrectionNeeded, "x", "", Some(d("2026-05-20")), today).is_err());
        assert!(check_finding(&cal, &p, Finding::CorrectionNeeded, "x", "补材料", None, today).is_err());
        assert!(check_finding(&cal, &p, Finding::CorrectionNeeded, "x", "补材料", Some(today), today).is_err());
        // 10 working days to 05-25: yellow after 8 (80 %), on 05-21.
        let c = check_finding(&cal, &p, Finding::CorrectionNeeded, "x", "补材料", Some(d("2026-05-25")), today)
            .unwrap()
            .unwrap();
        assert_eq!(c.warn_on, d("2026-05-21"));
        assert_eq!(correction_light(&c, None, d("2026-05-20")), Some(Light::Green));
        assert_eq!(correction_light(&c, None, d("2026-05-21")), Some(Light::Yellow));
        assert_eq!(correction_light(&c, None, d("2026-05-26")), Some(Light::Red));
        assert_eq!(correction_light(&c, Some(d("2026-05-26")), d("2026-05-27")), None);
    }

    #[test]
    fn the_summary_counts() {
        let d = |s: &str| crate::calendar::parse_date(s).unwrap();
        let clock = CorrectionClock { started_on: d("2026-05-11"), due_on: d("2026-05-25"), warn_on: d("2026-05-21") };
        let item = |f, c: Option<CorrectionClock>, on: Option<NaiveDate>| ReviewedItem {
            label: "x".into(),
            department_code: "zrzy".into(),
            finding: f,
            note: "n".into(),
            correction: "c".into(),
            clock: c,
            corrected_on: on,
        };
        let items = vec![
            item(None, None, None),
            item(Some(Finding::NoProblem), None, None),
            item(Some(Finding::ProblemFound), None, None),
            item(Some(Finding::CorrectionNeeded), Some(clock), None),
            item(Some(Finding::CorrectionNeeded), Some(clock), Some(d("2026-05-26"))),
        ];
        let s = summarize(&items, d("2026-05-27"));
        assert_eq!(
            s,
            Summary {
                items: 5,
                unreviewed: 1,
                no_problem: 1,
                problem_found: 1,
                correction_needed: 2,
                corrected: 1,
                corrected_late: 1,
                open_corrections: 1,
                red: 1
            }
        );
        let p = summary_paragraphs("回头看", "全部移出项目库的项目", Some(Sample { size: 5, seed: 9 }), &s, &items);
        assert!(p[1].contains("随机种子 9"));
        assert!(p.iter().any(|l| l.contains("已于 2026-05-26 整改")));
    }
}
