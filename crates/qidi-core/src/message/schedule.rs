//! When the daily run is due, and how long a failed channel waits before it is tried again.

use crate::calendar::WorkCalendar;
use chrono::{NaiveDate, NaiveTime};

/// The daily run is due at `morning` on working days. Returns the working day the
/// run is for: the latest working day up to `today` whose morning has come (today
/// once the morning time has passed, otherwise an earlier day), if it is later than
/// the last run. So a server started after days down runs once, for the latest day it
/// missed, and a server started on a day off catches up on the last working day.
pub fn due_run(
    calendar: &WorkCalendar,
    today: NaiveDate,
    time: NaiveTime,
    morning: NaiveTime,
    last_run: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let mut day = if time >= morning { today } else { today.pred_opt()? };
    // A fortnight back covers the longest holiday (Spring Festival with its weekends).
    for _ in 0..15 {
        if last_run.is_some_and(|l| day <= l) {
            return None;
        }
        if calendar.is_working_day(day) {
            return Some(day);
        }
        day = day.pred_opt()?;
    }
    None
}

/// How many times a channel is tried before the message is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// How long to wait after the `attempts`-th failure: 1, 2, 4, 8 … minutes, at most 4
/// hours. `None` once the message is given up.
pub fn retry_delay(attempts: u32) -> Option<chrono::Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let minutes = 1i64 << attempts.saturating_sub(1).min(8);
    Some(chrono::Duration::minutes(minutes.min(240)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::fixtures::d;

    #[test]
    fn the_daily_run_is_due_on_working_mornings_and_catches_up() {
        let cal = WorkCalendar::shipped();
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let morning = NaiveTime::from_hms_opt(8, 30, 0).unwrap();
        // Monday 2026-03-02, after the morning: today.
        assert_eq!(due_run(&cal, d("2026-03-02"), nine, morning, Some(d("2026-02-27"))), Some(d("2026-03-02")));
        // Before the morning: Friday's run, if it was missed; nothing if it ran.
        assert_eq!(due_run(&cal, d("2026-03-09"), eight, morning, Some(d("2026-03-05"))), Some(d("2026-03-06")));
        assert_eq!(due_run(&cal, d("2026-03-09"), eight, morning, Some(d("2026-03-06"))), None);
        // Before Monday's morning after the make-up Saturday 2026-02-28: Saturday's run.
        assert_eq!(due_run(&cal, d("2026-03-02"), eight, morning, Some(d("2026-02-27"))), Some(d("2026-02-28")));
        // Once run today: nothing more.
        assert_eq!(due_run(&cal, d("2026-03-02"), nine, morning, Some(d("2026-03-02"))), None);
        // Saturday: nothing if Friday ran.
        assert_eq!(due_run(&cal, d("2026-03-07"), nine, morning, Some(d("2026-03-06"))), None);
        // A make-up working Saturday (调休): 2026-02-28 is a working day.
        assert!(cal.is_working_day(d("2026-02-28")));
        assert_eq!(due_run(&cal, d("2026-02-28"), nine, morning, Some(d("2026-02-27"))), Some(d("2026-02-28")));
        // A holiday (Spring Festival 2026-02-17): no run once the make-up Saturday
        // before it (2026-02-14) ran; that Saturday's run if it was missed.
        assert!(!cal.is_working_day(d("2026-02-17")));
        assert_eq!(due_run(&cal, d("2026-02-17"), nine, morning, Some(d("2026-02-14"))), None);
        assert_eq!(due_run(&cal, d("2026-02-17"), nine, morning, Some(d("2026-02-13"))), Some(d("2026-02-14")));
    }

    #[test]
    fn backoff_grows_and_gives_up() {
        assert_eq!(retry_delay(1), Some(chrono::Duration::minutes(1)));
        assert_eq!(retry_delay(2), Some(chrono::Duration::minutes(2)));
        assert_eq!(retry_delay(3), Some(chrono::Duration::minutes(4)));
        assert!(retry_delay(MAX_ATTEMPTS - 1).unwrap() <= chrono::Duration::hours(4));
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
    }
}
