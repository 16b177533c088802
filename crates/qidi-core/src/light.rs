//! Traffic lights (红绿灯预警): green on time, yellow near the limit, red overdue.
//!
//! No national threshold exists (DOMAIN.md, "Warning lights"); the default below is
//! configurable per item type.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// When yellow comes on. Yellow starts on the first day on which either condition
/// holds, that is the earlier of the two:
/// - at most `warn_days` units of the limit remain;
/// - at least `warn_ratio_percent` % of the limit is used (rounded up to whole days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightPolicy {
    pub warn_days: u32,
    /// Values above 100 count as 100.
    pub warn_ratio_percent: u32,
}

impl Default for LightPolicy {
    /// 2 working days left, or 80 % used.
    fn default() -> Self {
        LightPolicy { warn_days: 2, warn_ratio_percent: 80 }
    }
}

impl LightPolicy {
    /// The most warning days an item type may set (ten years of days).
    pub const MAX_WARN_DAYS: u32 = 3650;

    /// An item type's policy as stored: each value the type does not set is the
    /// default's; warning days are held to 0–[`Self::MAX_WARN_DAYS`] and the ratio to 0–100 %.
    pub fn from_stored(warn_days: Option<i64>, warn_ratio_percent: Option<i64>) -> LightPolicy {
        let default = LightPolicy::default();
        let held = |v: i64, max: u32| u32::try_from(v.clamp(0, i64::from(max))).unwrap_or(max);
        LightPolicy {
            warn_days: warn_days.map_or(default.warn_days, |v| held(v, Self::MAX_WARN_DAYS)),
            warn_ratio_percent: warn_ratio_percent.map_or(default.warn_ratio_percent, |v| held(v, 100)),
        }
    }

    /// How many days of a `limit` must be used for yellow: the smaller of
    /// `limit - warn_days` and `ceil(limit × ratio / 100)`. 0 means yellow from the
    /// start (a limit no longer than `warn_days`). Never more than `limit`.
    pub fn warn_threshold(&self, limit: u32) -> u32 {
        let by_days = limit.saturating_sub(self.warn_days);
        let ratio = u64::from(self.warn_ratio_percent.min(100));
        let by_ratio = (u64::from(limit) * ratio).div_ceil(100) as u32;
        by_days.min(by_ratio)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "green" => Some(Light::Green),
            "yellow" => Some(Light::Yellow),
            "red" => Some(Light::Red),
            _ => None,
        }
    }
}

/// The light on `today`: red after the due day (the due day itself is still on
/// time), yellow from `warn_on`, green before.
pub fn light(today: NaiveDate, due_on: NaiveDate, warn_on: NaiveDate) -> Light {
    if today > due_on {
        Light::Red
    } else if today >= warn_on {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// The dates that make a clock show one light on a day, for finding clocks by date:
/// `due_on < due_before`, `due_on >= due_from`, `warn_on <= warn_until`,
/// `warn_on > warn_after`, each where set. [`LightDates::holds`] says the same as
/// [`light`]; a query translates these bounds, it does not decide them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LightDates {
    pub due_before: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub warn_until: Option<NaiveDate>,
    pub warn_after: Option<NaiveDate>,
}

impl LightDates {
    /// The clocks that show `light` on `today`.
    pub fn of(light: Light, today: NaiveDate) -> LightDates {
        match light {
            Light::Red => LightDates { due_before: Some(today), ..Default::default() },
            Light::Yellow => LightDates { due_from: Some(today), warn_until: Some(today), ..Default::default() },
            Light::Green => LightDates { due_from: Some(today), warn_after: Some(today), ..Default::default() },
        }
    }

    pub fn holds(&self, due_on: NaiveDate, warn_on: NaiveDate) -> bool {
        self.due_before.is_none_or(|d| due_on < d)
            && self.due_from.is_none_or(|d| due_on >= d)
            && self.warn_until.is_none_or(|d| warn_on <= d)
            && self.warn_after.is_none_or(|d| warn_on > d)
    }
}

/// When a running clock falls due, as a handler plans the day: already past, today, or
/// on the next working day (the official calendar, 调休 included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueSoon {
    Overdue,
    Today,
    NextWorkingDay,
}

impl DueSoon {
    /// `None`: due later than the next working day.
    pub fn of(calendar: &crate::calendar::WorkCalendar, due_on: NaiveDate, today: NaiveDate) -> Option<DueSoon> {
        if due_on < today {
            Some(DueSoon::Overdue)
        } else if due_on == today {
            Some(DueSoon::Today)
        } else if due_on <= DueSoon::next_working_day_until(calendar, today) {
            // A due date on the weekend before the next working day counts with it.
            Some(DueSoon::NextWorkingDay)
        } else {
            None
        }
    }

    /// The last due date that is [`DueSoon::NextWorkingDay`] on `today` (the first is
    /// the day after `today`): the bound a query counts by.
    pub fn next_working_day_until(calendar: &crate::calendar::WorkCalendar, today: NaiveDate) -> NaiveDate {
        calendar.add_working_days(today, 1)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DueSoon::Overdue => "已超期",
            DueSoon::Today => "今日到期",
            DueSoon::NextWorkingDay => "下一个工作日到期",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_policy_takes_the_default_for_what_is_not_set_and_holds_the_rest_in_range() {
        assert_eq!(LightPolicy::from_stored(None, None), LightPolicy::default());
        assert_eq!(LightPolicy::from_stored(Some(5), None), LightPolicy { warn_days: 5, warn_ratio_percent: 80 });
        assert_eq!(LightPolicy::from_stored(None, Some(50)), LightPolicy { warn_days: 2, warn_ratio_percent: 50 });
        assert_eq!(
            LightPolicy::from_stored(Some(-1), Some(250)),
            LightPolicy { warn_days: 0, warn_ratio_percent: 100 }
        );
        assert_eq!(LightPolicy::from_stored(Some(i64::MAX), Some(i64::MIN)).warn_days, 3650);
    }

    #[test]
    fn what_falls_due_today_and_on_the_next_working_day() {
        let cal = crate::calendar::WorkCalendar::shipped();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // Friday 2026-01-30: the next working day is Monday 2 February.
        let friday = d(1, 30);
        assert_eq!(DueSoon::of(&cal, d(1, 29), friday), Some(DueSoon::Overdue));
        assert_eq!(DueSoon::of(&cal, friday, friday), Some(DueSoon::Today));
        assert_eq!(DueSoon::of(&cal, d(1, 31), friday), Some(DueSoon::NextWorkingDay));
        assert_eq!(DueSoon::of(&cal, d(2, 2), friday), Some(DueSoon::NextWorkingDay));
        assert_eq!(DueSoon::of(&cal, d(2, 3), friday), None);
        // Spring Festival 2026: off from 15 to 23 February; Saturday 28 February is a
        // make-up working day (调休), so on Friday 27th it is the next working day.
        assert_eq!(DueSoon::of(&cal, d(2, 28), d(2, 27)), Some(DueSoon::NextWorkingDay));
        assert_eq!(DueSoon::of(&cal, d(3, 2), d(2, 27)), None);
        // On Friday 13 February the next working day is Saturday 14th (调休); on that
        // Saturday it is Tuesday 24th, after the holiday.
        assert_eq!(DueSoon::of(&cal, d(2, 14), d(2, 13)), Some(DueSoon::NextWorkingDay));
        assert_eq!(DueSoon::of(&cal, d(2, 16), d(2, 13)), None);
        assert_eq!(DueSoon::of(&cal, d(2, 24), d(2, 14)), Some(DueSoon::NextWorkingDay));
        assert_eq!(DueSoon::of(&cal, d(2, 25), d(2, 14)), None);
    }

    #[test]
    fn thresholds() {
        let p = LightPolicy::default();
        assert_eq!(p.warn_threshold(20), 16); // 80 % comes before "2 left" (18)
        assert_eq!(p.warn_threshold(5), 3); // "2 left" (3) before 80 % (4)
        assert_eq!(p.warn_threshold(3), 1);
        assert_eq!(p.warn_threshold(10), 8); // both at 8
        assert_eq!(p.warn_threshold(2), 0);
        assert_eq!(p.warn_threshold(0), 0);
        assert_eq!(LightPolicy { warn_days: 0, warn_ratio_percent: 75 }.warn_threshold(7), 6); // ceil 5.25
        assert_eq!(LightPolicy { warn_days: 0, warn_ratio_percent: 500 }.warn_threshold(7), 7);
        assert_eq!(LightPolicy { warn_days: 0, warn_ratio_percent: 100 }.warn_threshold(u32::MAX), u32::MAX);
    }

    #[test]
    fn lights() {
        let d = |s| crate::calendar::parse_date(s).unwrap();
        let (warn, due) = (d("2024-05-08"), d("2024-05-10"));
        assert_eq!(light(d("2024-05-07"), due, warn), Light::Green);
        assert_eq!(light(d("2024-05-08"), due, warn), Light::Yellow);
        assert_eq!(light(d("2024-05-10"), due, warn), Light::Yellow);
        assert_eq!(light(d("2024-05-11"), due, warn), Light::Red);
        for l in [Light::Green, Light::Yellow, Light::Red] {
            assert_eq!(Light::parse(l.as_str()), Some(l));
        }
        assert_eq!(Light::Red.label_zh(), "红灯");
    }

    proptest::proptest! {
        /// The bounds of a light select exactly the clocks that show it.
        #[test]
        fn light_dates_select_what_shows_the_light(due in 0u64..60, warn in 0u64..60, today in 0u64..60) {
            let day = |n: u64| NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + chrono::Days::new(n);
            let (due, warn, today) = (day(due), day(warn.min(due)), day(today));
            for l in [Light::Green, Light::Yellow, Light::Red] {
                proptest::prop_assert_eq!(LightDates::of(l, today).holds(due, warn), light(today, due, warn) == l);
            }
        }
    }
}
