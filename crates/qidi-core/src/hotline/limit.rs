//! Limits per category and urgency, the deadlines and lights they set, and when an order is urged.

use super::{Category, Clock, HotlineError, OrderState, Urgency};
use crate::calendar::WorkCalendar;
use crate::light::{light, Light, LightPolicy};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Limits in working days for one category and urgency. 0 means the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLimits {
    pub assign: u32,
    pub sign_for: u32,
    pub reply: u32,
    pub follow_up: u32,
}

/// The longest limit accepted for any step: a quarter of a year of working days.
pub const MAX_LIMIT: u32 = 60;

impl StepLimits {
    pub fn of(&self, clock: Clock) -> u32 {
        match clock {
            Clock::Assign => self.assign,
            Clock::SignFor => self.sign_for,
            Clock::Reply => self.reply,
            Clock::FollowUp => self.follow_up,
        }
    }

    /// The practice's defaults (DOMAIN.md, "12345 work orders"): urgent orders the
    /// same day; complaints about approvals 15 working days to the reply, other
    /// matters 7; signing for within 1 working day; the office assigns and calls back
    /// within 1 and 3.
    pub fn default_for(category: Category, urgency: Urgency) -> StepLimits {
        match urgency {
            Urgency::Urgent => StepLimits { assign: 0, sign_for: 0, reply: 0, follow_up: 1 },
            Urgency::Normal => StepLimits {
                assign: 1,
                sign_for: 1,
                reply: match category {
                    Category::Other => 7,
                    Category::Attitude => 13,
                    Category::BlockedSubmission | Category::Delay | Category::RepeatedDemands => 15,
                },
                follow_up: 3,
            },
        }
    }

    /// Limits stored as data override the defaults; each must be at most [`MAX_LIMIT`].
    pub fn check(&self) -> Result<(), HotlineError> {
        for c in [Clock::Assign, Clock::SignFor, Clock::Reply, Clock::FollowUp] {
            if self.of(c) > MAX_LIMIT {
                return Err(HotlineError::LimitTooLong { clock: c, max: MAX_LIMIT });
            }
        }
        Ok(())
    }
}

/// The limits in force: the stored override for (category, urgency), else the default.
pub fn limits_for(overrides: &[(Category, Urgency, StepLimits)], category: Category, urgency: Urgency) -> StepLimits {
    overrides
        .iter()
        .find(|(c, u, _)| *c == category && *u == urgency)
        .map_or_else(|| StepLimits::default_for(category, urgency), |(_, _, l)| *l)
}

/// A running clock's dates: due at the end of `due_on`, yellow from `warn_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub clock: Clock,
    pub started_on: NaiveDate,
    pub limit: u32,
    pub due_on: NaiveDate,
    pub warn_on: NaiveDate,
}

impl Deadline {
    /// The clock starting on `started_on` (not counted) with `limit` working days.
    pub fn start(calendar: &WorkCalendar, clock: Clock, started_on: NaiveDate, limit: u32) -> Deadline {
        let limit = limit.min(MAX_LIMIT);
        let due_on = calendar.add_working_days(started_on, limit);
        let warn_on = calendar.add_working_days(started_on, LightPolicy::default().warn_threshold(limit));
        Deadline { clock, started_on, limit, due_on, warn_on }
    }

    pub fn light(&self, today: NaiveDate) -> Light {
        light(today, self.due_on, self.warn_on)
    }

    /// Working days past the due date on `today` (0 when not late).
    pub fn days_overdue(&self, calendar: &WorkCalendar, today: NaiveDate) -> i64 {
        calendar.working_days_overdue(self.due_on, today)
    }
}

/// The urging notice (催办) is due once a clock of the leading department is late by
/// one working day: on the first working day after the due date, or later if no run
/// happened then.
pub fn urging_due(calendar: &WorkCalendar, state: OrderState, due_on: NaiveDate, today: NaiveDate) -> bool {
    state.with_department() && calendar.working_days_between(due_on, today) >= 1
}

/// Who sets the work orders' time limits: the office, or the system administrator
/// who keeps the catalogues.
pub fn may_set_limits(role: crate::Role) -> bool {
    matches!(role, crate::Role::Office | crate::Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_and_the_system_administrator_set_limits() {
        let setting: Vec<crate::Role> = crate::role::ALL_ROLES.into_iter().filter(|r| may_set_limits(*r)).collect();
        assert_eq!(setting, [crate::Role::Office, crate::Role::Admin]);
    }

    #[test]
    fn limits_default_and_override() {
        let d = StepLimits::default_for(Category::Delay, Urgency::Normal);
        assert_eq!((d.sign_for, d.reply), (1, 15));
        assert_eq!(StepLimits::default_for(Category::Other, Urgency::Normal).reply, 7);
        assert_eq!(StepLimits::default_for(Category::Delay, Urgency::Urgent).reply, 0);
        let custom = StepLimits { assign: 1, sign_for: 1, reply: 10, follow_up: 2 };
        let table = [(Category::Delay, Urgency::Normal, custom)];
        assert_eq!(limits_for(&table, Category::Delay, Urgency::Normal), custom);
        assert_eq!(limits_for(&table, Category::Attitude, Urgency::Normal).reply, 13);
        assert!(StepLimits { reply: 61, ..custom }.check().is_err());
        assert!(custom.check().is_ok());
    }
}
