//! Points in hundredths, and the profile the office edits: weights, deductions, grade thresholds.

use super::{AssessmentError, ProfileError};
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
