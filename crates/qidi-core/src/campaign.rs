//! Campaigns (大起底): a time-boxed sweep with its plan's milestones as data (R6), and
//! the span of dates a person or a file may set for its work.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A dated step of a campaign's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub on: NaiveDate,
    pub label: String,
}

/// A time-boxed sweep (大起底) with its plan's milestones as data (R6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub milestones: Vec<Milestone>,
}

/// How many years after its end (or after today, for a campaign that overran it) a
/// date set for a campaign's work may lie. A deadline further out is a slip of the
/// keyboard (2202 for 2022) or a probe, never a plan.
pub const YEARS_AHEAD: u32 = 5;

/// How many years after its start a campaign may be extended to.
pub const LONGEST_YEARS: u32 = 10;

/// The first day any date of the sweep's work may name: the ledger covers projects
/// initiated since 2016 (R1), so no deadline, feedback date or decision lies earlier.
pub fn scope_starts() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 1).expect("valid literal date")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("结束日期 {ends_on} 早于开始日期 {starts_on}")]
    EndsBeforeStart { starts_on: NaiveDate, ends_on: NaiveDate },
    #[error("结束日期 {ends_on} 晚于 {latest}（开始后 {LONGEST_YEARS} 年），请核对年份")]
    EndsTooLate { ends_on: NaiveDate, latest: NaiveDate },
    #[error("节点“{label}”的日期 {on} 不在工作期内")]
    MilestoneOutside { label: String, on: NaiveDate },
}

/// The dates a campaign's work may name, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateWindow {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A date far outside the campaign: named by its field, with the span it must lie in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {on} 超出合理范围（应在 {from} 至 {to} 之间），请核对年份")]
pub struct DateOutsideCampaign {
    pub field: String,
    pub on: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateWindow {
    pub fn contains(&self, on: NaiveDate) -> bool {
        self.from <= on && on <= self.to
    }

    /// `on`, if it lies in the window; else an error naming `field`.
    pub fn check(&self, field: &str, on: NaiveDate) -> Result<NaiveDate, DateOutsideCampaign> {
        if self.contains(on) {
            Ok(on)
        } else {
            Err(DateOutsideCampaign { field: field.to_string(), on, from: self.from, to: self.to })
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid literal date")
}

fn years_after(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(NaiveDate::MAX)
}

impl Campaign {
    /// The 2022 sweep of the Zhengxiangbai Banner plan (issued 2022-08-19).
    pub fn sweep_2022() -> Campaign {
        let m = |mo, d, label: &str| Milestone { on: ymd(2022, mo, d), label: label.to_string() };
        Campaign {
            code: "sweep-2022".into(),
            name: "待批项目大起底".into(),
            starts_on: ymd(2022, 8, 19),
            ends_on: ymd(2022, 12, 31),
            milestones: vec![
                m(8, 20, "推送核查清单，各办理部门反馈核查情况"),
                m(8, 23, "部门台账签字"),
                m(8, 25, "全旗台账报旗政府"),
                m(9, 20, "不符合要求的项目移出项目库"),
                m(9, 30, "全部部门上线办理"),
                m(12, 31, "待批事项基本办结"),
            ],
        }
    }

    /// The end date may move (the campaign is extended), but not past
    /// [`LONGEST_YEARS`] years after the start; milestones must stay inside.
    pub fn validate(&self) -> Result<(), CampaignError> {
        if self.ends_on < self.starts_on {
            return Err(CampaignError::EndsBeforeStart { starts_on: self.starts_on, ends_on: self.ends_on });
        }
        let latest = years_after(self.starts_on, LONGEST_YEARS);
        if self.ends_on > latest {
            return Err(CampaignError::EndsTooLate { ends_on: self.ends_on, latest });
        }
        for m in &self.milestones {
            if m.on < self.starts_on || m.on > self.ends_on {
                return Err(CampaignError::MilestoneOutside { label: m.label.clone(), on: m.on });
            }
        }
        Ok(())
    }

    /// The campaign with another end date, checked.
    pub fn with_end(&self, ends_on: NaiveDate) -> Result<Campaign, CampaignError> {
        let c = Campaign { ends_on, ..self.clone() };
        c.validate()?;
        Ok(c)
    }

    /// The dates its work may name (deadlines, feedback dates, completion limits):
    /// from the start of the ledger's scope to [`YEARS_AHEAD`] years after its end,
    /// or after `today` when the work goes on past the end.
    pub fn date_window(&self, today: NaiveDate) -> DateWindow {
        DateWindow { from: scope_starts().min(self.starts_on), to: years_after(self.ends_on.max(today), YEARS_AHEAD) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn campaigns() {
        let c = Campaign::sweep_2022();
        assert!(c.validate().is_ok());
        assert_eq!(c.ends_on, ymd(2022, 12, 31));
        assert_eq!(c.milestones.len(), 6);
        assert!(c.with_end(ymd(2023, 3, 31)).is_ok());
        assert!(c.with_end(ymd(2032, 8, 19)).is_ok());
        assert_eq!(
            c.with_end(ymd(2032, 8, 20)),
            Err(CampaignError::EndsTooLate { ends_on: ymd(2032, 8, 20), latest: ymd(2032, 8, 19) })
        );
        assert!(matches!(c.with_end(ymd(2022, 9, 1)), Err(CampaignError::MilestoneOutside { .. })));
        assert!(matches!(c.with_end(ymd(2022, 1, 1)), Err(CampaignError::EndsBeforeStart { .. })));
    }

    #[test]
    fn dates_far_outside_the_campaign_are_refused_with_the_field_and_the_span() {
        let w = Campaign::sweep_2022().date_window(ymd(2022, 9, 1));
        assert_eq!(w, DateWindow { from: ymd(2016, 1, 1), to: ymd(2027, 12, 31) });
        // Work that goes on after the end: five years from today.
        assert_eq!(Campaign::sweep_2022().date_window(ymd(2026, 12, 2)).to, ymd(2031, 12, 2));
        assert_eq!(w.check("完成时限", ymd(2022, 9, 30)), Ok(ymd(2022, 9, 30)));
        assert_eq!(w.check("完成时限", ymd(2016, 1, 1)), Ok(ymd(2016, 1, 1)));
        assert_eq!(w.check("完成时限", ymd(2027, 12, 31)), Ok(ymd(2027, 12, 31)));
        let e = w.check("完成时限", ymd(2202, 9, 30)).unwrap_err();
        assert_eq!(e.to_string(), "完成时限 2202-09-30 超出合理范围（应在 2016-01-01 至 2027-12-31 之间），请核对年份");
        assert!(w.check("反馈期限", ymd(2015, 12, 31)).is_err());
        assert!(w.check("反馈期限", NaiveDate::MIN).is_err());
        assert!(w.check("反馈期限", NaiveDate::MAX).is_err());
        // A campaign that started before the scope's first day keeps its own start.
        let early = Campaign { starts_on: ymd(2015, 6, 1), ..Campaign::sweep_2022() };
        assert_eq!(early.date_window(ymd(2022, 9, 1)).from, ymd(2015, 6, 1));
    }

    proptest! {
        #[test]
        fn the_window_holds_the_whole_campaign_and_a_date_is_in_it_exactly_when_check_passes(
            start in 0i64..4000, len in 0i64..1800, probe in -40_000i64..40_000, today in 0i64..6000,
        ) {
            let starts_on = ymd(2016, 1, 1) + chrono::Days::new(start as u64);
            let ends_on = starts_on + chrono::Days::new(len as u64);
            let c = Campaign { starts_on, ends_on, milestones: vec![], ..Campaign::sweep_2022() };
            let today = ymd(2016, 1, 1) + chrono::Days::new(today as u64);
            let w = c.date_window(today);
            prop_assert!(w.contains(starts_on) && w.contains(ends_on) && w.contains(today));
            let on = ymd(2022, 1, 1).checked_add_signed(chrono::Duration::days(probe)).unwrap();
            prop_assert_eq!(w.check("日期", on).is_ok(), w.from <= on && on <= w.to);
        }
    }
}
