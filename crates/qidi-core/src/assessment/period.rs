//! The span assessed: a month, a quarter or a campaign, read from the query and checked closed.

use super::AssessmentError;
use crate::bulletin::Month;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
