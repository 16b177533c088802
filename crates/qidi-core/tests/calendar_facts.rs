//! The official calendar against the State Council notices, and the calendar's
//! handling of bad files. Every fact below was checked against the notice (or the
//! shipped JSON taken from it) and an independent day-by-day script.

use chrono::{Datelike, NaiveDate, Weekday};
use qidi_core::calendar::{parse_date, CalendarDay, CalendarError, HolidayFile, WorkCalendar, SHIPPED_FILES};
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::{ClockPause, Due};
use qidi_core::light::{Light, LightPolicy};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn cal() -> WorkCalendar {
    WorkCalendar::shipped()
}

/// `start + n working days == expected`, and the count back is `n`.
fn check_add(c: &WorkCalendar, start: &str, n: u32, expected: &str) {
    assert_eq!(c.add_working_days(d(start), n), d(expected), "{start} + {n}");
    assert_eq!(c.working_days_between(d(start), d(expected)), i64::from(n), "({start}, {expected}]");
}

fn working(c: &WorkCalendar, dates: &[&str]) {
    for s in dates {
        assert!(c.is_working_day(d(s)), "{s} should be a working day");
    }
}

fn off(c: &WorkCalendar, dates: &[&str]) {
    for s in dates {
        assert!(!c.is_working_day(d(s)), "{s} should be a day off");
    }
}

#[test]
fn shipped_files_parse_and_cover_2016_to_2026() {
    assert_eq!(SHIPPED_FILES.len(), 11);
    for (year, json) in SHIPPED_FILES {
        let f = HolidayFile::parse(json).unwrap_or_else(|e| panic!("{year}: {e}"));
        assert_eq!(f.year, *year);
        assert!(!f.papers.is_empty(), "{year}");
    }
    let c = cal();
    assert_eq!(c.published_years(), (2016..=2026).collect::<Vec<_>>());
    assert!(!c.is_published(2015) && !c.is_published(2027));
    assert!(qidi_core::calendar::SHIPPED_LICENSE.contains("MIT License"));
}

#[test]
fn y2016() {
    let c = cal();
    working(&c, &["2016-02-06", "2016-02-14", "2016-06-12", "2016-09-18", "2016-10-08", "2016-10-09"]);
    off(&c, &["2016-01-01", "2016-02-08", "2016-02-12", "2016-04-04", "2016-10-07"]);
    check_add(&c, "2016-02-05", 1, "2016-02-06");
    check_add(&c, "2016-02-05", 2, "2016-02-14");
    check_add(&c, "2016-09-30", 1, "2016-10-08");
}

#[test]
fn y2017() {
    let c = cal();
    working(&c, &["2017-01-22", "2017-02-04", "2017-04-01", "2017-05-27", "2017-09-30"]);
    off(&c, &["2017-01-02", "2017-01-27", "2017-02-02", "2017-04-03", "2017-05-29", "2017-10-06"]);
    check_add(&c, "2017-01-20", 1, "2017-01-22");
    check_add(&c, "2017-01-26", 1, "2017-02-03");
    check_add(&c, "2017-01-26", 2, "2017-02-04");
}

#[test]
fn y2018() {
    let c = cal();
    working(&c, &["2018-02-11", "2018-02-24", "2018-04-08", "2018-04-28", "2018-09-29", "2018-09-30"]);
    off(&c, &["2018-02-15", "2018-02-21", "2018-04-30", "2018-06-18", "2018-09-24"]);
    check_add(&c, "2018-02-14", 1, "2018-02-22");
    check_add(&c, "2018-09-28", 1, "2018-09-29");
    check_add(&c, "2018-09-28", 3, "2018-10-08");
}

#[test]
fn y2019_starts_in_december_2018() {
    let c = cal();
    // The 2019 notice: 2018-12-29 (Saturday) worked, 12-30 to 2019-01-01 off.
    working(&c, &["2018-12-29", "2019-02-02", "2019-02-03", "2019-04-28", "2019-05-05", "2019-09-29", "2019-10-12"]);
    off(&c, &["2018-12-31", "2019-01-01", "2019-02-04", "2019-05-02", "2019-05-03", "2019-10-07"]);
    check_add(&c, "2018-12-28", 1, "2018-12-29");
    check_add(&c, "2018-12-28", 2, "2019-01-02");
    // May Day was extended to four days by the second 2019 notice.
    check_add(&c, "2019-04-30", 1, "2019-05-05");
    // The 2018 file itself does not list December 29.
    let only_2018 = WorkCalendar::from_files(&[HolidayFile::parse(SHIPPED_FILES[2].1).unwrap()]).unwrap();
    assert!(!only_2018.is_working_day(d("2018-12-29")));
    assert!(only_2018.is_working_day(d("2018-12-31")));
}

#[test]
fn y2020_spring_festival_extended_for_covid() {
    let c = cal();
    // The first notice made 2020-02-01 (Saturday) a working day; the extension to
    // 2020-02-02 turned it into a day off. Work resumed on Monday 2020-02-03.
    working(&c, &["2020-01-19", "2020-02-03", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"]);
    off(&c, &["2020-01-24", "2020-01-30", "2020-01-31", "2020-02-01", "2020-02-02", "2020-05-05", "2020-10-08"]);
    check_add(&c, "2020-01-23", 1, "2020-02-03");
    check_add(&c, "2020-01-17", 1, "2020-01-19");
}

#[test]
fn y2021() {
    let c = cal();
    working(&c, &["2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09"]);
    off(&c, &["2021-01-01", "2021-02-11", "2021-02-17", "2021-04-05", "2021-06-14", "2021-09-20", "2021-10-07"]);
    check_add(&c, "2021-02-10", 1, "2021-02-18");
    check_add(&c, "2021-09-17", 1, "2021-09-18");
}

#[test]
fn y2022() {
    let c = cal();
    working(&c, &["2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09"]);
    off(&c, &["2022-01-03", "2022-01-31", "2022-04-05", "2022-05-04", "2022-06-03", "2022-09-12", "2022-10-07"]);
    check_add(&c, "2022-09-29", 5, "2022-10-11");
}

#[test]
fn y2023() {
    let c = cal();
    working(&c, &["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"]);
    off(&c, &["2022-12-31", "2023-01-02", "2023-01-27", "2023-04-05", "2023-05-03", "2023-06-23", "2023-09-29"]);
    check_add(&c, "2023-01-19", 3, "2023-01-29");
    check_add(&c, "2023-09-28", 1, "2023-10-07");
}

#[test]
fn y2024() {
    let c = cal();
    working(&c, &["2024-02-04", "2024-02-09", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14"]);
    working(&c, &["2024-09-29", "2024-10-12"]);
    off(&c, &["2024-01-01", "2024-02-12", "2024-02-16", "2024-04-05", "2024-05-03", "2024-06-10", "2024-09-16"]);
    check_add(&c, "2024-02-09", 1, "2024-02-18");
    check_add(&c, "2024-09-30", 1, "2024-10-08");
}

#[test]
fn y2025() {
    let c = cal();
    working(&c, &["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]);
    off(&c, &["2025-01-28", "2025-02-04", "2025-04-04", "2025-05-05", "2025-06-02", "2025-10-08"]);
    check_add(&c, "2025-01-27", 1, "2025-02-05");
}

#[test]
fn y2026() {
    let c = cal();
    working(&c, &["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]);
    off(&c, &["2026-01-02", "2026-02-16", "2026-02-23", "2026-04-06", "2026-05-05", "2026-06-19", "2026-09-25"]);
    check_add(&c, "2026-02-13", 1, "2026-02-14");
    check_add(&c, "2026-02-13", 2, "2026-02-24");
}

#[test]
fn working_days_per_year() {
    // 2023: 249, 2024: 251, 2025: 248 as widely reported; the others from the notices.
    let expected = [250, 249, 250, 250, 249, 250, 249, 249, 251, 248, 248];
    let c = cal();
    for (y, n) in (2016..=2026).zip(expected) {
        let from = NaiveDate::from_ymd_opt(y - 1, 12, 31).unwrap();
        let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
        assert_eq!(c.working_days_between(from, to), n, "{y}");
        assert_eq!(c.working_days_between(to, from), -n, "{y}");
    }
}

#[test]
fn outside_the_notices_only_weekdays_count() {
    let c = cal();
    // 2015 and 2029 are outside the notices and outside the table.
    assert!(c.is_working_day(d("2015-02-19"))); // the 2015 Spring Festival, not loaded
    check_add(&c, "2028-12-29", 1, "2029-01-01");
    check_add(&c, "2010-01-01", 1, "2010-01-04");
    check_add(&c, "2014-12-31", 5, "2015-01-07");
    check_add(&c, "2013-06-03", 5000, &c.naive_add_working_days(d("2013-06-03"), 5000).to_string());
    assert_eq!(c.add_working_days(d("2024-05-06"), 0), d("2024-05-06"));
    assert_eq!(c.add_working_days(d("2024-05-04"), 0), d("2024-05-04"));
    assert_eq!(c.checked_add_working_days(NaiveDate::MAX, 1), None);
}

#[test]
fn provisional_years() {
    let c = cal();
    let due = |s, n| c.compute_due(d(s), n, LimitUnit::WorkingDays, &[]).unwrap();
    assert_eq!(due("2026-11-02", 5), Due::On { due_on: d("2026-11-09"), provisional: false });
    // December can be moved by next year's notice (as 2018-12-29 was), so it waits for 2027.
    assert_eq!(due("2026-11-27", 5), Due::On { due_on: d("2026-12-04"), provisional: true });
    assert!(due("2027-03-01", 5).is_provisional());
    assert!(due("2015-03-02", 5).is_provisional());
    assert!(!due("2025-12-01", 5).is_provisional());
    assert!(c.is_settled(d("2025-12-31")) && !c.is_settled(d("2026-12-01")) && c.is_settled(d("2026-11-30")));
    assert!(!c.is_provisional(d("2016-01-01"), d("2026-11-30")));
    assert!(c.is_provisional(d("2015-12-30"), d("2016-01-05")));
    assert!(!c.is_provisional(d("2015-12-31"), d("2016-01-05")));
    assert!(!c.is_provisional(d("2016-01-05"), d("2016-01-05")));
    // Loading 2027 settles December 2026.
    let mut files = qidi_core::calendar::shipped_files();
    files.push(
        HolidayFile::parse(r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#)
            .unwrap(),
    );
    let c2 = WorkCalendar::from_files(&files).unwrap();
    assert!(!c2.compute_due(d("2026-11-27"), 5, LimitUnit::WorkingDays, &[]).unwrap().is_provisional());
    // Calendar-day limits depend only on the final day.
    let cd = c.compute_due(d("2026-11-20"), 7, LimitUnit::CalendarDays, &[]).unwrap();
    assert_eq!(cd, Due::On { due_on: d("2026-11-27"), provisional: false });
}

#[test]
fn pauses_exclude_the_days_after_the_pause_up_to_the_resume_day() {
    let c = cal();
    let start = d("2024-03-01"); // Friday; March 2024 has no holiday
    let due = |p: &[ClockPause]| c.compute_due(start, 5, LimitUnit::WorkingDays, p).unwrap();
    assert_eq!(due(&[]).due_on(), Some(d("2024-03-08")));
    // Paused on Tuesday 5th (counted), resumed Thursday 7th (not counted): 6th and 7th excluded.
    let p = [ClockPause { from: d("2024-03-05"), to: Some(d("2024-03-07")) }];
    assert_eq!(due(&p).due_on(), Some(d("2024-03-12")));
    assert_eq!(c.working_days_used(start, d("2024-03-12"), &p).unwrap(), 5);
    assert_eq!(c.working_days_used(start, d("2024-03-07"), &p).unwrap(), 2);
    assert_eq!(c.working_days_used(start, d("2024-03-01"), &p).unwrap(), 0);
    assert_eq!(c.working_days_used(start, d("2024-02-20"), &p).unwrap(), 0);
    // Two pauses, one repeated inside the other.
    let p2 = [
        ClockPause { from: d("2024-03-05"), to: Some(d("2024-03-07")) },
        ClockPause { from: d("2024-03-06"), to: Some(d("2024-03-06")) },
        ClockPause { from: d("2024-03-11"), to: Some(d("2024-03-13")) },
    ];
    assert_eq!(due(&p2).due_on(), Some(d("2024-03-14")));
    // An open pause before the limit runs out: no deadline.
    let open = [ClockPause { from: d("2024-03-05"), to: None }];
    assert_eq!(due(&open), Due::Paused { since: d("2024-03-05"), provisional: false });
    assert_eq!(c.working_days_used(start, d("2024-04-30"), &open).unwrap(), 2);
    // An open pause after the deadline does not move it.
    let late = [ClockPause { from: d("2024-03-08"), to: None }];
    assert_eq!(due(&late).due_on(), Some(d("2024-03-08")));
    // A resume before the pause is an error naming both dates.
    let bad = [ClockPause { from: d("2024-03-05"), to: Some(d("2024-03-04")) }];
    let e = c.compute_due(start, 5, LimitUnit::WorkingDays, &bad).unwrap_err();
    assert_eq!(e, CalendarError::PauseEndsBeforeStart { from: d("2024-03-05"), to: d("2024-03-04") });
    assert!(e.to_string().contains("2024-03-04"));
}

#[test]
fn calendar_days_end_on_a_working_day() {
    let c = cal();
    // Construction permit, 7 days, from Saturday 2024-09-28: the 7th day is 10-05, in
    // the National Day holiday; the next working day is Tuesday 10-08.
    let due = c.compute_due(d("2024-09-28"), 7, LimitUnit::CalendarDays, &[]).unwrap();
    assert_eq!(due, Due::On { due_on: d("2024-10-08"), provisional: false });
    // Sunday 2024-09-29 is a make-up working day, so a limit ending there stays there.
    assert_eq!(
        c.compute_due(d("2024-09-22"), 7, LimitUnit::CalendarDays, &[]).unwrap().due_on(),
        Some(d("2024-09-29"))
    );
    // Two excluded days move the 7th counted day to Sunday 03-10, then to Monday 03-11.
    let p = [ClockPause { from: d("2024-03-03"), to: Some(d("2024-03-05")) }];
    assert_eq!(c.compute_due(d("2024-03-01"), 7, LimitUnit::CalendarDays, &p).unwrap().due_on(), Some(d("2024-03-11")));
    assert_eq!(c.limit_used(d("2024-03-01"), d("2024-03-10"), LimitUnit::CalendarDays, &p).unwrap(), 7);
}

#[test]
fn deadlines_and_lights() {
    let c = cal();
    let policy = LightPolicy::default();
    // 20 working days from 2024-03-01: yellow after 16 (80 %), due after 20.
    let dl = c.compute_deadline(d("2024-03-01"), 20, LimitUnit::WorkingDays, &[], &policy).unwrap();
    assert_eq!(dl.due_on, Some(d("2024-03-29")));
    assert_eq!(dl.warn_on, Some(d("2024-03-25")));
    assert!(!dl.provisional && dl.paused_since.is_none());
    assert_eq!(dl.light(d("2024-03-24")), Some(Light::Green));
    assert_eq!(dl.light(d("2024-03-25")), Some(Light::Yellow));
    assert_eq!(dl.light(d("2024-03-29")), Some(Light::Yellow));
    assert_eq!(dl.light(d("2024-03-30")), Some(Light::Red));
    // 5 working days (initial review) across the 2022 National Day: yellow with 2 left.
    let dl = c.compute_deadline(d("2022-09-29"), 5, LimitUnit::WorkingDays, &[], &policy).unwrap();
    assert_eq!((dl.warn_on, dl.due_on), (Some(d("2022-10-09")), Some(d("2022-10-11"))));
    // Paused after 3 of 5 days: warn date known, due not.
    let open = [ClockPause { from: d("2024-03-06"), to: None }];
    let dl = c.compute_deadline(d("2024-03-01"), 5, LimitUnit::WorkingDays, &open, &policy).unwrap();
    assert_eq!((dl.due_on, dl.warn_on, dl.paused_since), (None, Some(d("2024-03-06")), Some(d("2024-03-06"))));
    assert_eq!(dl.light(d("2024-06-01")), None);
    // A limit no longer than warn_days is yellow from the event day.
    let dl = c.compute_deadline(d("2024-03-01"), 1, LimitUnit::WorkingDays, &[], &policy).unwrap();
    assert_eq!((dl.warn_on, dl.due_on), (Some(d("2024-03-01")), Some(d("2024-03-04"))));
}

#[test]
fn huge_limits_are_errors_not_panics() {
    let c = cal();
    for unit in [LimitUnit::WorkingDays, LimitUnit::CalendarDays] {
        let e = c.compute_due(d("2024-03-01"), u32::MAX, unit, &[]).unwrap_err();
        assert!(matches!(e, CalendarError::LimitTooLarge { .. }), "{e}");
    }
}

fn file(year: i32, days: &[(&str, bool)]) -> String {
    let days: Vec<String> =
        days.iter().map(|(date, off)| format!(r#"{{"name": "测试", "date": "{date}", "isOffDay": {off}}}"#)).collect();
    format!(r#"{{"year": {year}, "papers": [], "days": [{}]}}"#, days.join(", "))
}

fn parse_err(json: &str) -> String {
    let e = HolidayFile::parse(json).unwrap_err();
    e.to_string()
}

#[test]
fn bad_files_are_rejected_naming_the_date() {
    // Malformed and impossible dates.
    let m = parse_err(&file(2024, &[("2024-02-30", true)]));
    assert!(m.contains("2024-02-30") && m.contains("无效"), "{m}");
    let m = parse_err(&file(2024, &[("2024/10/01", true)]));
    assert!(m.contains("2024/10/01"), "{m}");
    // The same date twice with different values.
    let m = parse_err(&file(2024, &[("2024-10-01", true), ("2024-10-02", true), ("2024-10-01", false)]));
    assert!(m.contains("2024-10-01") && m.contains("矛盾"), "{m}");
    // The same value twice is kept once.
    let f = HolidayFile::parse(&file(2024, &[("2024-10-01", true), ("2024-10-01", true)])).unwrap();
    assert_eq!(f.days.len(), 1);
    // Wrong year: only December before and January after are allowed.
    let m = parse_err(&file(2024, &[("2023-11-30", true)]));
    assert!(m.contains("2023-11-30") && m.contains("2024"), "{m}");
    let m = parse_err(&file(2024, &[("2025-02-01", true)]));
    assert!(m.contains("2025-02-01"), "{m}");
    assert!(HolidayFile::parse(&file(2024, &[("2023-12-01", true), ("2025-01-31", true)])).is_ok());
    // A make-up working day on a weekday is a typo, unless it ends a holiday (2020-02-03).
    let m = parse_err(&file(2024, &[("2024-10-01", true), ("2024-10-02", false), ("2024-10-03", true)]));
    assert!(m.contains("2024-10-02") && m.contains("星期三"), "{m}");
    let m = parse_err(&file(2024, &[("2024-10-08", false)]));
    assert!(m.contains("2024-10-08"), "{m}");
    assert!(HolidayFile::parse(&file(2024, &[("2024-10-07", true), ("2024-10-08", false)])).is_ok());
    // Not JSON, no days.
    assert!(matches!(HolidayFile::parse("{"), Err(CalendarError::Json(_))));
    assert!(matches!(HolidayFile::parse(r#"{"year": 2024, "days": []}"#), Err(CalendarError::Empty(2024))));
}

#[test]
fn contradicting_files_are_rejected_naming_the_date() {
    let a = HolidayFile::parse(&file(2019, &[("2018-12-29", false)])).unwrap();
    let b = HolidayFile::parse(&file(2018, &[("2018-12-29", true)])).unwrap();
    let e = WorkCalendar::from_files(&[a.clone(), b]).unwrap_err();
    assert_eq!(e, CalendarError::Conflict { date: d("2018-12-29"), first_year: 2019, second_year: 2018 });
    assert!(e.to_string().contains("2018-12-29"), "{e}");
    // Agreeing files are fine.
    assert!(WorkCalendar::from_files(&[a.clone(), a]).is_ok());
    // Rows from elsewhere (a database) are held to the same year rule.
    let row = CalendarDay { date: d("2020-06-01"), is_off_day: true, year: 2021 };
    let e = WorkCalendar::from_days([row], [2021]).unwrap_err();
    assert!(matches!(e, CalendarError::WrongYear { year: 2021, .. }) && e.to_string().contains("2020-06-01"), "{e}");
}

#[test]
fn every_shipped_make_up_day_is_a_weekend_or_ends_a_holiday() {
    for f in qidi_core::calendar::shipped_files() {
        for e in f.days.iter().filter(|e| !e.is_off_day) {
            let weekend = matches!(e.date.weekday(), Weekday::Sat | Weekday::Sun);
            assert!(weekend || e.date == d("2020-02-03"), "{}", e.date);
        }
    }
}
