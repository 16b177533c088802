//! Properties of the hotline's working-day arithmetic on the shipped calendar: a
//! step's due date is its limit in working days after it started, yellow never comes
//! after the due date, the light follows the dates, and the urging notice is due
//! exactly from the first working day after the due date. Checked against day-by-day
//! loops that share no code with the tables.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use qidi_core::calendar::WorkCalendar;
use qidi_core::hotline::{urging_due, Category, Clock, Deadline, OrderState, StepLimits, Urgency};
use qidi_core::light::Light;
use std::sync::OnceLock;

fn cal() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::shipped)
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let from = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    (0u64..365 * 10).prop_map(move |o| from + Days::new(o))
}

fn category() -> impl Strategy<Value = Category> {
    prop::sample::select(Category::ALL.to_vec())
}

fn urgency() -> impl Strategy<Value = Urgency> {
    prop::sample::select(Urgency::ALL.to_vec())
}

/// Working days in `(from, to]`, one day at a time.
fn naive_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let c = cal();
    if to <= from {
        return -(to.iter_days().skip(1).take_while(|d| *d <= from).filter(|d| c.naive_is_working_day(*d)).count()
            as i64);
    }
    from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| c.naive_is_working_day(*d)).count() as i64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn due_dates_are_the_limit_in_working_days(start in date(), c in category(), u in urgency()) {
        let limits = StepLimits::default_for(c, u);
        for clock in [Clock::Assign, Clock::SignFor, Clock::Reply, Clock::FollowUp] {
            let n = limits.of(clock);
            let d = Deadline::start(cal(), clock, start, n);
            prop_assert_eq!(d.due_on, cal().naive_add_working_days(start, n));
            prop_assert_eq!(naive_between(start, d.due_on), i64::from(n));
            prop_assert!(d.started_on <= d.warn_on && d.warn_on <= d.due_on);
            if n >= 1 {
                prop_assert!(cal().naive_is_working_day(d.due_on));
            }
        }
    }

    #[test]
    fn lights_and_urging_follow_the_dates(start in date(), limit in 0u32..30, after in 0u64..40) {
        let d = Deadline::start(cal(), Clock::Reply, start, limit);
        let today = start + Days::new(after);
        let expected = if today > d.due_on { Light::Red } else if today >= d.warn_on { Light::Yellow } else { Light::Green };
        prop_assert_eq!(d.light(today), expected);
        let late_by = naive_between(d.due_on, today);
        prop_assert_eq!(d.days_overdue(cal(), today), late_by.max(0));
        // Urged once late by one working day, and only while the department holds it.
        prop_assert_eq!(urging_due(cal(), OrderState::SignedFor, d.due_on, today), late_by >= 1);
        prop_assert!(!urging_due(cal(), OrderState::Replied, d.due_on, today));
        prop_assert!(!urging_due(cal(), OrderState::Closed, d.due_on, today));
    }
}

#[test]
fn a_reply_due_before_labour_day_is_urged_after_it() {
    // 2026: 1–5 May off, Saturday 9 May a make-up working day.
    let ymd = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let d = Deadline::start(cal(), Clock::Reply, ymd(4, 29), 1);
    assert_eq!(d.due_on, ymd(4, 30));
    assert!(!urging_due(cal(), OrderState::Handled, d.due_on, ymd(5, 5)), "holidays do not count");
    assert!(urging_due(cal(), OrderState::Handled, d.due_on, ymd(5, 6)));
    let d = Deadline::start(cal(), Clock::SignFor, ymd(5, 8), 1);
    assert_eq!(d.due_on, ymd(5, 9), "the make-up Saturday is a working day");
}
