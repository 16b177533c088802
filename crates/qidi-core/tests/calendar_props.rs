//! Properties of the working-day arithmetic and of deadlines, on the shipped calendar.
//! The table lookups are compared with day-by-day loops that share no code with them.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use qidi_core::calendar::WorkCalendar;
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::{ClockPause, Due};
use qidi_core::light::{light, Light, LightPolicy};
use std::sync::OnceLock;

fn cal() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::shipped)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A date between two dates, inclusive.
fn date_in(from: NaiveDate, to: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    (0..=(to - from).num_days() as u64).prop_map(move |o| from + Days::new(o))
}

/// 2015–2028: the table the shipped calendar builds.
fn table_date() -> impl Strategy<Value = NaiveDate> {
    date_in(ymd(2015, 1, 1), ymd(2028, 12, 31))
}

/// Across and beyond both ends of the table.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![date_in(ymd(2013, 6, 1), ymd(2015, 3, 1)), table_date(), date_in(ymd(2028, 10, 1), ymd(2031, 1, 1))]
}

fn unit() -> impl Strategy<Value = LimitUnit> {
    prop_oneof![Just(LimitUnit::WorkingDays), Just(LimitUnit::CalendarDays)]
}

/// Closed pauses near `start`: (offset of the pause day, length in days).
fn closed_pauses() -> impl Strategy<Value = Vec<(i64, u64)>> {
    prop::collection::vec((-10i64..80, 0u64..20), 0..4)
}

fn to_pauses(start: NaiveDate, v: &[(i64, u64)]) -> Vec<ClockPause> {
    v.iter()
        .map(|&(off, len)| {
            let from = if off >= 0 { start + Days::new(off as u64) } else { start - Days::new((-off) as u64) };
            ClockPause { from, to: Some(from + Days::new(len)) }
        })
        .collect()
}

/// The rule written as plainly as possible: walk day by day; a day counts when it is
/// after the start, not inside any pause `(from, to]`, and (for working days) a working
/// day by the listings. `None` when an open pause stops the clock first.
fn naive_due(c: &WorkCalendar, start: NaiveDate, n: u32, unit: LimitUnit, pauses: &[ClockPause]) -> Option<NaiveDate> {
    let excluded = |x: NaiveDate| pauses.iter().any(|p| p.from < x && p.to.is_none_or(|to| x <= to));
    let open_from = pauses.iter().filter(|p| p.to.is_none()).map(|p| p.from).min();
    let (mut x, mut left) = (start, n);
    while left > 0 {
        x = x.succ_opt()?;
        if open_from.is_some_and(|f| x > f.max(start)) {
            return None;
        }
        let counts = !excluded(x) && (unit == LimitUnit::CalendarDays || c.naive_is_working_day(x));
        if counts {
            left -= 1;
        }
    }
    if unit == LimitUnit::CalendarDays {
        while !c.naive_is_working_day(x) {
            x = x.succ_opt()?;
        }
    }
    Some(x)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn table_equals_naive_loop(d in table_date(), n in 0u32..400) {
        let c = cal();
        prop_assert_eq!(c.add_working_days(d, n), c.naive_add_working_days(d, n));
        prop_assert_eq!(c.is_working_day(d), c.naive_is_working_day(d));
    }

    #[test]
    fn table_equals_naive_loop_across_its_ends(d in any_date(), n in 0u32..400, e in any_date()) {
        let c = cal();
        prop_assert_eq!(c.add_working_days(d, n), c.naive_add_working_days(d, n));
        prop_assert_eq!(c.is_working_day(d), c.naive_is_working_day(d));
        prop_assert_eq!(c.working_days_between(d, e), c.naive_working_days_between(d, e));
    }

    #[test]
    fn add_and_count_are_inverse(d in any_date(), n in 0u32..2000) {
        let c = cal();
        let r = c.add_working_days(d, n);
        prop_assert_eq!(c.working_days_between(d, r), i64::from(n));
        if n >= 1 {
            // The result is a working day, and the first day to reach n.
            prop_assert!(c.is_working_day(r));
            prop_assert_eq!(c.working_days_between(d, r.pred_opt().unwrap()), i64::from(n) - 1);
        } else {
            prop_assert_eq!(r, d);
        }
    }

    #[test]
    fn overdue_counts_the_working_days_after_the_due_day(due in any_date(), n in 0u32..400, back in 0u64..400) {
        let c = cal();
        // Due on `due`, still open n working days later: n days overdue, the due day not counted.
        prop_assert_eq!(c.working_days_overdue(due, c.add_working_days(due, n)), i64::from(n));
        // On or before the due day it is not overdue at all.
        let before = due - chrono::Days::new(back);
        prop_assert_eq!(c.working_days_overdue(due, before), 0);
        // A day that is not a working day adds nothing.
        let next = c.add_working_days(due, n).succ_opt().unwrap();
        let expected = i64::from(n) + i64::from(c.is_working_day(next));
        prop_assert_eq!(c.working_days_overdue(due, next), expected);
    }

    #[test]
    fn add_is_strictly_monotonic_in_n(d in any_date(), n in 0u32..1000) {
        let c = cal();
        prop_assert!(c.add_working_days(d, n) < c.add_working_days(d, n + 1));
    }

    #[test]
    fn count_is_antisymmetric_and_additive(a in any_date(), b in any_date(), m in any_date()) {
        let c = cal();
        prop_assert_eq!(c.working_days_between(a, b), -c.working_days_between(b, a));
        prop_assert_eq!(c.working_days_between(a, m) + c.working_days_between(m, b), c.working_days_between(a, b));
    }

    #[test]
    fn due_equals_naive_walk(
        start in table_date(), n in 0u32..60, unit in unit(), closed in closed_pauses(),
        open in prop::option::of(-5i64..90),
    ) {
        let c = cal();
        let mut pauses = to_pauses(start, &closed);
        if let Some(off) = open {
            let from = if off >= 0 { start + Days::new(off as u64) } else { start - Days::new((-off) as u64) };
            pauses.push(ClockPause { from, to: None });
        }
        let due = c.compute_due(start, n, unit, &pauses).unwrap();
        prop_assert_eq!(due.due_on(), naive_due(c, start, n, unit, &pauses), "{:?}", due);
        if let Due::Paused { since, .. } = due {
            prop_assert!(pauses.iter().any(|p| p.from == since));
        }
    }

    #[test]
    fn pauses_only_ever_extend(start in table_date(), n in 0u32..60, unit in unit(), closed in closed_pauses()) {
        let c = cal();
        let plain = c.compute_due(start, n, unit, &[]).unwrap().due_on().unwrap();
        let paused = c.compute_due(start, n, unit, &to_pauses(start, &closed)).unwrap().due_on().unwrap();
        prop_assert!(paused >= plain);
        // And each further pause extends again (or changes nothing).
        let mut more = closed.clone();
        more.push((30, 5));
        let paused_more = c.compute_due(start, n, unit, &to_pauses(start, &more)).unwrap().due_on().unwrap();
        prop_assert!(paused_more >= paused);
    }

    #[test]
    fn a_pause_inside_a_pause_changes_nothing(
        start in table_date(), n in 1u32..60, unit in unit(),
        off in -5i64..40, len in 0u64..30, a in 0u64..30, b in 0u64..30,
    ) {
        let c = cal();
        let outer = to_pauses(start, &[(off, len)]);
        let (lo, hi) = (a.min(b).min(len), a.max(b).min(len));
        let inner = ClockPause { from: outer[0].from + Days::new(lo), to: Some(outer[0].from + Days::new(hi)) };
        let both = [outer[0], inner];
        prop_assert_eq!(c.compute_due(start, n, unit, &outer).unwrap(), c.compute_due(start, n, unit, &both).unwrap());
        // An open pause is unaffected by closed ones inside it, too.
        let open = [ClockPause { from: outer[0].from, to: None }];
        let open_inner = [open[0], inner];
        prop_assert_eq!(c.compute_due(start, n, unit, &open).unwrap(), c.compute_due(start, n, unit, &open_inner).unwrap());
    }

    #[test]
    fn calendar_days_rule(start in table_date(), n in 0u32..100) {
        let c = cal();
        let due = c.compute_due(start, n, LimitUnit::CalendarDays, &[]).unwrap().due_on().unwrap();
        let raw = start + Days::new(u64::from(n));
        prop_assert!(due >= raw);
        prop_assert!(c.is_working_day(due));
        // Every day from the raw end up to the due day was a day off.
        for x in raw.iter_days().take_while(|x| *x < due) {
            prop_assert!(!c.is_working_day(x), "{x}");
        }
    }

    #[test]
    fn used_reaches_the_limit_exactly_on_the_due_day(start in table_date(), n in 1u32..60, closed in closed_pauses()) {
        let c = cal();
        let pauses = to_pauses(start, &closed);
        let due = c.compute_due(start, n, LimitUnit::WorkingDays, &pauses).unwrap().due_on().unwrap();
        prop_assert_eq!(c.working_days_used(start, due, &pauses).unwrap(), i64::from(n));
        prop_assert_eq!(c.working_days_used(start, due.pred_opt().unwrap(), &pauses).unwrap(), i64::from(n) - 1);
    }

    #[test]
    fn warn_day_is_between_start_and_due_and_lights_only_worsen(
        start in table_date(), n in 0u32..60, unit in unit(), closed in closed_pauses(),
        warn_days in 0u32..6, ratio in 0u32..=120,
    ) {
        let c = cal();
        let policy = LightPolicy { warn_days, warn_ratio_percent: ratio };
        let dl = c.compute_deadline(start, n, unit, &to_pauses(start, &closed), &policy).unwrap();
        let (due, warn) = (dl.due_on.unwrap(), dl.warn_on.unwrap());
        prop_assert!(start <= warn && warn <= due);
        let mut last = Light::Green;
        for today in start.iter_days().take_while(|x| *x <= due + Days::new(3)) {
            let l = light(today, due, warn);
            prop_assert!(l >= last);
            last = l;
        }
        prop_assert_eq!(last, Light::Red);
    }
}
