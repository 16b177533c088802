//! Progress against the baseline: entries by day, the counts, the burn-down and the forecast of its finish.

use super::Reduction;
use chrono::NaiveDate;
use serde::Serialize;

/// One baseline entry as progress counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineEntry {
    pub added_on: NaiveDate,
    /// Found after the baseline was fixed.
    pub addition: bool,
    pub reduced: Option<(Reduction, NaiveDate)>,
}

/// Baseline entries counted by day (the store keeps them so): `n` entries added on
/// `day` as `addition` (`reduction` is `None`), or `n` entries reduced on `day` as
/// `reduction`. A reduction counts on the day it was made, but never before the day
/// its entry was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineDay {
    pub day: NaiveDate,
    pub addition: bool,
    pub reduction: Option<Reduction>,
    pub n: u64,
}

impl BaselineDay {
    /// The days of `n` entries alike: the day they were added, and the day they were
    /// reduced if they were.
    pub fn of_entry(e: &BaselineEntry, n: u64) -> impl Iterator<Item = BaselineDay> {
        let added = BaselineDay { day: e.added_on, addition: e.addition, reduction: None, n };
        let reduced = e.reduced.map(|(r, on)| BaselineDay {
            day: on.max(e.added_on),
            addition: e.addition,
            reduction: Some(r),
            n,
        });
        std::iter::once(added).chain(reduced)
    }

    /// The day the baseline was fixed: the first day an entry of a signed ledger was
    /// added, else the first day any entry was.
    pub fn baseline_start<'a>(days: impl IntoIterator<Item = &'a BaselineDay> + Clone) -> Option<NaiveDate> {
        let added = |d: &&BaselineDay| d.reduction.is_none() && d.n > 0;
        days.clone()
            .into_iter()
            .filter(|d| added(d) && !d.addition)
            .map(|d| d.day)
            .min()
            .or_else(|| days.into_iter().filter(added).map(|d| d.day).min())
    }
}

/// Progress against the baseline: `remaining = baseline + additions − approved − removed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    /// Entries of the signed ledgers.
    pub baseline: u64,
    /// Entries added later.
    pub additions: u64,
    pub approved: u64,
    pub removed: u64,
    pub remaining: u64,
}

impl Progress {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a BaselineEntry>) -> Progress {
        let mut p = Progress::default();
        for e in entries {
            p.add(e);
        }
        p
    }

    /// Progress from entries counted by day.
    pub fn of_days<'a>(days: impl IntoIterator<Item = &'a BaselineDay>) -> Progress {
        let mut p = Progress::default();
        let mut reduced = 0u64;
        for d in days {
            match d.reduction {
                None => p.add_counted(d.addition, None, d.n),
                Some(Reduction::Approved) => p.approved += d.n,
                Some(Reduction::Removed) => p.removed += d.n,
            }
            reduced += if d.reduction.is_some() { d.n } else { 0 };
        }
        p.remaining = p.remaining.saturating_sub(reduced);
        p
    }

    pub fn add(&mut self, e: &BaselineEntry) {
        self.add_counted(e.addition, e.reduced.map(|(r, _)| r), 1);
    }

    /// Add `n` entries added as `addition` (or not) and reduced as `reduction` (or not
    /// yet), whatever their days.
    pub fn add_counted(&mut self, addition: bool, reduction: Option<Reduction>, n: u64) {
        if addition {
            self.additions += n;
        } else {
            self.baseline += n;
        }
        match reduction {
            Some(Reduction::Approved) => self.approved += n,
            Some(Reduction::Removed) => self.removed += n,
            None => self.remaining += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.baseline + self.additions
    }

    /// Share of the entries reduced, in whole percent (0 when there are none).
    pub fn percent_done(&self) -> u64 {
        (self.total() - self.remaining).checked_mul(100).and_then(|d| d.checked_div(self.total())).unwrap_or(0)
    }

    pub fn merge(&mut self, o: &Progress) {
        self.baseline += o.baseline;
        self.additions += o.additions;
        self.approved += o.approved;
        self.removed += o.removed;
        self.remaining += o.remaining;
    }
}

/// The remaining count over time, and the straight line to zero at the campaign's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnDown {
    /// The day the baseline was fixed: where both lines start.
    pub start: NaiveDate,
    /// The campaign's end: where the ideal line reaches zero. May lie before `start`
    /// (a baseline fixed after the deadline: everything is already due).
    pub end: NaiveDate,
    /// Remaining at `start` (what the ideal line starts from).
    pub initial: u64,
    /// (day, remaining at the end of that day): `start`, every day the count changed,
    /// and the last day shown (today; a campaign that overruns its end keeps showing
    /// what is left). Ascending.
    pub actual: Vec<(NaiveDate, u64)>,
}

/// When the baseline would be cleared at the recent rate, as the leader's dashboard
/// says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "forecast", rename_all = "snake_case")]
pub enum Forecast {
    /// No baseline yet: nothing to clear.
    NoBaseline,
    /// Nothing remains.
    Done,
    /// At the rate of the last [`FORECAST_DAYS`] days, the last row goes on `on`.
    On { on: NaiveDate, per_week: u64 },
    /// Nothing was reduced in the last [`FORECAST_DAYS`] days: no finish in sight.
    Stalled,
}

/// How many calendar days back the forecast's rate is measured over.
pub const FORECAST_DAYS: i64 = 28;

impl Forecast {
    pub fn label_zh(self) -> String {
        match self {
            Forecast::NoBaseline => "尚未形成基线".into(),
            Forecast::Done => "基线事项已全部核减".into(),
            Forecast::On { on, per_week } => {
                format!("按近 4 周每周核减约 {per_week} 个的速度，预计 {on} 全部核减")
            }
            Forecast::Stalled => "近 4 周没有核减，按此速度无法办结".into(),
        }
    }
}

impl BurnDown {
    /// What is left on `today` and when it would be gone at the rate of the last
    /// [`FORECAST_DAYS`] days (rows reduced in that span, net of additions).
    pub fn forecast(&self, today: NaiveDate) -> Forecast {
        let at =
            |day: NaiveDate| self.actual.iter().take_while(|(d, _)| *d <= day).last().map_or(self.initial, |(_, n)| *n);
        if self.initial == 0 && self.actual.iter().all(|(_, n)| *n == 0) {
            return Forecast::NoBaseline;
        }
        let now = at(today);
        if now == 0 {
            return Forecast::Done;
        }
        let from = today - chrono::Duration::days(FORECAST_DAYS);
        let before = if from < self.start { self.initial } else { at(from) };
        let days = (today - from.max(self.start)).num_days().max(1);
        let reduced = before.saturating_sub(now);
        if reduced == 0 {
            return Forecast::Stalled;
        }
        // Days to go at `reduced / days` a day, rounded up.
        let to_go = (now * days as u64).div_ceil(reduced);
        let on = today + chrono::Duration::days(i64::try_from(to_go).unwrap_or(i64::MAX / 2).min(36_500));
        Forecast::On { on, per_week: (reduced * 7).div_ceil(days as u64) }
    }

    /// Burn-down from `start` (the day the baseline was fixed) towards `end`, up to `today`.
    pub fn of(entries: &[BaselineEntry], start: NaiveDate, end: NaiveDate, today: NaiveDate) -> BurnDown {
        let days: Vec<BaselineDay> = entries.iter().flat_map(|e| BaselineDay::of_entry(e, 1)).collect();
        BurnDown::of_days(&days, start, end, today)
    }

    /// The same from entries counted by day (kept counts).
    pub fn of_days<'a>(
        days: impl IntoIterator<Item = &'a BaselineDay>,
        start: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
    ) -> BurnDown {
        let last = today.max(start);
        // Changes per day: +n when entries are added, −n when they are reduced.
        let mut deltas: Vec<(NaiveDate, i64)> = days
            .into_iter()
            .map(|d| {
                let n = i64::try_from(d.n).unwrap_or(i64::MAX);
                (d.day.max(start), if d.reduction.is_some() { -n } else { n })
            })
            .collect();
        // Additions before reductions on the same day: the line starts from everything
        // fixed at `start`, and reductions on that day show as a drop.
        deltas.sort_by_key(|d| (d.0, std::cmp::Reverse(d.1)));
        let mut remaining: i64 = 0;
        let mut i = 0;
        while i < deltas.len() && deltas[i].0 <= start && deltas[i].1 > 0 {
            remaining += deltas[i].1;
            i += 1;
        }
        let initial = remaining.max(0) as u64;
        let mut actual = vec![(start, initial)];
        while i < deltas.len() && deltas[i].0 <= last {
            let day = deltas[i].0;
            while i < deltas.len() && deltas[i].0 == day {
                remaining += deltas[i].1;
                i += 1;
            }
            actual.push((day, remaining.max(0) as u64));
        }
        if actual.last().is_some_and(|p| p.0 < last) {
            actual.push((last, remaining.max(0) as u64));
        }
        BurnDown { start, end, initial, actual }
    }

    /// The last day a chart must show: the campaign's end or the last day counted.
    pub fn axis_end(&self) -> NaiveDate {
        let last = self.actual.last().map_or(self.start, |p| p.0);
        self.end.max(last).max(self.start)
    }

    /// The ideal remaining on a day: a straight line from `initial` at `start` to 0 at
    /// `end`, and 0 after it (everything is due once the campaign ends).
    pub fn ideal(&self, on: NaiveDate) -> f64 {
        let span = (self.end - self.start).num_days();
        if span <= 0 {
            return 0.0;
        }
        let done = (on - self.start).num_days().clamp(0, span) as f64;
        self.initial as f64 * (1.0 - done / span as f64)
    }

    /// Remaining on the last day shown.
    pub fn remaining(&self) -> u64 {
        self.actual.last().map_or(0, |p| p.1)
    }

    /// Whether the count is above the ideal line on the last day shown.
    pub fn behind(&self) -> bool {
        self.actual.last().is_some_and(|(d, r)| (*r as f64) > self.ideal(*d) + 1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::fixtures::ymd;

    #[test]
    fn the_finish_is_forecast_from_the_last_four_weeks() {
        let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
        let b = BurnDown {
            start: d(8, 25),
            end: d(12, 31),
            initial: 100,
            actual: vec![(d(8, 25), 100), (d(9, 1), 90), (d(9, 29), 62), (d(10, 10), 62)],
        };
        // 28 rows in the 28 days to 29 September: one a day, 62 days to go.
        assert_eq!(b.forecast(d(9, 29)), Forecast::On { on: d(11, 30), per_week: 7 });
        // From 10 October the last 28 days hold the same 28 rows: 62 more days.
        assert_eq!(b.forecast(d(10, 10)), Forecast::On { on: d(12, 11), per_week: 7 });
        // Nothing reduced since 29 September, seen from 28 October: stalled.
        assert_eq!(b.forecast(d(10, 28)), Forecast::Stalled);
        // A young baseline measures over the days it has: 10 rows in 7 days.
        assert_eq!(b.forecast(d(9, 1)), Forecast::On { on: d(11, 3), per_week: 10 });
        let done = BurnDown { actual: vec![(d(8, 25), 100), (d(9, 1), 0)], ..b.clone() };
        assert_eq!(done.forecast(d(9, 2)), Forecast::Done);
        let none = BurnDown { initial: 0, actual: vec![(d(8, 25), 0)], ..b.clone() };
        assert_eq!(none.forecast(d(9, 2)), Forecast::NoBaseline);
        assert!(b.forecast(d(9, 29)).label_zh().contains("预计 2022-11-30 全部核减"));
    }

    #[test]
    fn progress_arithmetic() {
        let d = |m, day| ymd(2022, m, day);
        let e = |added, addition, reduced| BaselineEntry { added_on: added, addition, reduced };
        let entries = vec![
            e(d(8, 23), false, None),
            e(d(8, 23), false, Some((Reduction::Approved, d(9, 1)))),
            e(d(8, 23), false, Some((Reduction::Removed, d(9, 20)))),
            e(d(8, 23), false, Some((Reduction::Approved, d(9, 1)))),
            e(d(9, 5), true, None),
        ];
        let p = Progress::of(&entries);
        assert_eq!(p, Progress { baseline: 4, additions: 1, approved: 2, removed: 1, remaining: 2 });
        assert_eq!(p.total(), 5);
        assert_eq!(p.percent_done(), 60);
        assert_eq!(p.baseline + p.additions - p.approved - p.removed, p.remaining);
        assert_eq!(Progress::default().percent_done(), 0);

        let b = BurnDown::of(&entries, d(8, 23), d(12, 31), d(10, 1));
        assert_eq!(b.initial, 4);
        assert_eq!(b.actual, vec![(d(8, 23), 4), (d(9, 1), 2), (d(9, 5), 3), (d(9, 20), 2), (d(10, 1), 2)]);
        assert_eq!(b.remaining(), 2);
        assert_eq!(b.ideal(d(8, 23)), 4.0);
        assert_eq!(b.ideal(d(12, 31)), 0.0);
        assert_eq!(b.ideal(ymd(2023, 3, 1)), 0.0);
        assert!((b.ideal(d(10, 27)) - 2.0).abs() < 0.02);
        // The line is at 4 × (1 − 39/130) = 2.8 on 10-01: 2 left is ahead of it.
        assert!(!b.behind());
        let late = BurnDown::of(&entries, d(8, 23), d(12, 31), d(12, 1));
        assert!(late.behind(), "2 left on 12-01 is above the line (about 0.9)");
    }

    #[test]
    fn burn_down_edges() {
        let d = |m, day| ymd(2022, m, day);
        // Fixed and partly approved on the same day: the line starts from all of it.
        let same_day = [
            BaselineEntry { added_on: d(8, 23), addition: false, reduced: Some((Reduction::Approved, d(8, 23))) },
            BaselineEntry { added_on: d(8, 23), addition: false, reduced: None },
        ];
        let b = BurnDown::of(&same_day, d(8, 23), d(12, 31), d(8, 23));
        assert_eq!((b.initial, b.actual.clone()), (2, vec![(d(8, 23), 2), (d(8, 23), 1)]));
        assert_eq!(b.remaining(), 1);
        // Nothing yet.
        let b = BurnDown::of(&[], d(8, 23), d(12, 31), d(9, 1));
        assert_eq!(b.actual, vec![(d(8, 23), 0), (d(9, 1), 0)]);
        assert!(!b.behind());
        // Today past the end: the overrun stays visible, and everything is due.
        let entries = [BaselineEntry { added_on: d(8, 23), addition: false, reduced: None }];
        let b = BurnDown::of(&entries, d(8, 23), d(12, 31), ymd(2023, 2, 1));
        assert_eq!(b.actual, vec![(d(8, 23), 1), (ymd(2023, 2, 1), 1)]);
        assert_eq!(b.axis_end(), ymd(2023, 2, 1));
        assert_eq!(b.ideal(ymd(2023, 1, 15)), 0.0);
        assert!(b.behind());
        // A baseline fixed after the campaign's end: the line is at zero from the start.
        let late = [BaselineEntry { added_on: ymd(2023, 3, 1), addition: false, reduced: None }];
        let b = BurnDown::of(&late, ymd(2023, 3, 1), d(12, 31), ymd(2023, 3, 10));
        assert_eq!((b.initial, b.ideal(ymd(2023, 3, 1))), (1, 0.0));
        assert_eq!(b.axis_end(), ymd(2023, 3, 10));
        assert!(b.behind());
        // Today before the start: one point.
        let b = BurnDown::of(&entries, d(8, 23), d(12, 31), d(8, 1));
        assert_eq!(b.actual, vec![(d(8, 23), 1)]);
        assert_eq!(b.axis_end(), d(12, 31));
    }
}
