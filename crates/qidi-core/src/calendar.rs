//! Working days on China's official calendar (工作日, 调休 included).
//!
//! The State Council publishes each year's days off and make-up working days. The
//! rule that turns those notices into working days is one line: a listed date is a
//! working day exactly when it is not an off day; an unlisted date is a working day
//! Monday to Friday. A December date can sit in the next year's notice (2018-12-29
//! is in the 2019 notice), so a file for year Y may list dates from Y-1-12-01 to
//! Y+1-01-31.
//!
//! [`WorkCalendar`] answers questions in roughly constant time: it precomputes, for
//! every day of the years the notices touch (plus one year before and two after), the
//! number of working days so far and the date of each working day, and falls back to
//! weekday arithmetic outside that range. Deadlines and clock pauses are in
//! [`crate::deadline`], traffic lights in [`crate::light`].

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Everything that can be wrong with a date or a calendar. Messages are for people,
/// in Chinese, and name the date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("日期“{0}”无效：应为 YYYY-MM-DD 格式的真实日期，如 2024-02-04")]
    InvalidDate(String),
    #[error("{year} 年放假安排中的日期“{input}”无效：应为 YYYY-MM-DD 格式的真实日期，如 2024-02-04")]
    InvalidDateInFile { year: i32, input: String },
    #[error("放假安排文件无法读取：{0}")]
    Json(String),
    #[error("放假安排的年份 {0} 无效")]
    InvalidYear(i32),
    #[error("{0} 年放假安排没有列出任何日期")]
    Empty(i32),
    #[error("{year} 年放假安排中 {date} 出现两次，一次为放假、一次为上班，前后矛盾")]
    ConflictInFile { year: i32, date: NaiveDate },
    #[error("{date} 不属于 {year} 年放假安排：该年的通知只能列出 {}-12-01 至 {}-01-31 之间的日期", i64::from(*year) - 1, i64::from(*year) + 1)]
    WrongYear { year: i32, date: NaiveDate },
    #[error("{year} 年放假安排把 {date}（{weekday}）列为调休上班日，但这一天本来就是工作日，疑为录入错误")]
    SuspiciousWorkday { year: i32, date: NaiveDate, weekday: &'static str },
    #[error("{date} 在 {first_year} 年与 {second_year} 年的放假安排中互相矛盾：一份为放假，一份为上班")]
    Conflict { date: NaiveDate, first_year: i32, second_year: i32 },
    #[error("计时中止的恢复日期 {to} 早于中止日期 {from}")]
    PauseEndsBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("时限 {limit} 天过大：自 {start} 起算已超出可计算的日期范围")]
    LimitTooLarge { start: NaiveDate, limit: u32 },
}

impl crate::sentence::Explain for CalendarError {
    fn key(&self) -> &'static str {
        match self {
            CalendarError::InvalidDate(_) => "err-calendar-invalid-date",
            CalendarError::InvalidDateInFile { .. } => "err-calendar-invalid-date-in-file",
            CalendarError::Json(_) => "err-calendar-unreadable",
            CalendarError::InvalidYear(_) => "err-calendar-invalid-year",
            CalendarError::Empty(_) => "err-calendar-empty",
            CalendarError::ConflictInFile { .. } => "err-calendar-conflict-in-file",
            CalendarError::WrongYear { .. } => "err-calendar-wrong-year",
            CalendarError::SuspiciousWorkday { .. } => "err-calendar-suspicious-workday",
            CalendarError::Conflict { .. } => "err-calendar-conflict-between-years",
            CalendarError::PauseEndsBeforeStart { .. } => "err-calendar-pause-ends-before-start",
            CalendarError::LimitTooLarge { .. } => "err-calendar-limit-too-large",
        }
    }
    /// Years are data (text), not counts.
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        let year = |y: &i32| crate::sentence::Arg::Text(y.to_string());
        match self {
            CalendarError::InvalidDate(input) => vec![("input", input.into())],
            CalendarError::InvalidDateInFile { year: y, input } => vec![("year", year(y)), ("input", input.into())],
            CalendarError::Json(detail) => vec![("detail", detail.into())],
            CalendarError::InvalidYear(y) | CalendarError::Empty(y) => vec![("year", year(y))],
            CalendarError::ConflictInFile { year: y, date } => vec![("year", year(y)), ("date", (*date).into())],
            CalendarError::WrongYear { year: y, date } => vec![
                ("year", year(y)),
                ("date", (*date).into()),
                ("from", format!("{}-12-01", i64::from(*y) - 1).into()),
                ("to", format!("{}-01-31", i64::from(*y) + 1).into()),
            ],
            CalendarError::SuspiciousWorkday { year: y, date, .. } => vec![("year", year(y)), ("date", (*date).into())],
            CalendarError::Conflict { date, first_year, second_year } => {
                vec![("date", (*date).into()), ("first_year", year(first_year)), ("second_year", year(second_year))]
            }
            CalendarError::PauseEndsBeforeStart { from, to } => vec![("from", (*from).into()), ("to", (*to).into())],
            CalendarError::LimitTooLarge { start, limit } => {
                vec![("start", (*start).into()), ("limit", (*limit).into())]
            }
        }
    }
}

/// Parse a date written strictly as `YYYY-MM-DD` (four-digit year, two-digit month
/// and day, no spaces), rejecting dates that do not exist such as 2023-02-29.
pub fn parse_date(s: &str) -> Result<NaiveDate, CalendarError> {
    parse_ymd(s).ok_or_else(|| CalendarError::InvalidDate(s.to_string()))
}

fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// The weekday as written in Chinese, for messages.
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// One date a notice lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayEntry {
    pub date: NaiveDate,
    /// The holiday it belongs to, as written (元旦, 春节, 中秋节、国庆节 …).
    pub name: String,
    /// `true`: a day off; `false`: a make-up working day (调休上班).
    pub is_off_day: bool,
}

/// One year's notice, in holiday-cn's JSON format
/// (`{"year": 2023, "papers": [...], "days": [{"name", "date", "isOffDay"}]}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayFile {
    pub year: i32,
    /// Links to the notices the file was taken from.
    pub papers: Vec<String>,
    /// Sorted by date, each date once.
    pub days: Vec<HolidayEntry>,
}

#[derive(Deserialize)]
struct RawFile {
    year: i32,
    #[serde(default)]
    papers: Vec<String>,
    days: Vec<RawDay>,
}

#[derive(Deserialize)]
struct RawDay {
    #[serde(default)]
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

impl HolidayFile {
    /// Parse and check one year's file. Rejected, with the date named:
    /// - a date that is not `YYYY-MM-DD` or does not exist;
    /// - the same date twice with different `isOffDay` (the same value twice is kept once);
    /// - a date outside `year-1-12-01 ..= year+1-01-31`;
    /// - a make-up working day on a Monday to Friday, which is already a working day,
    ///   unless it marks the end of a holiday: the day before is an off day of the same
    ///   holiday and the day after is not. The 2020 notice extending the Spring Festival
    ///   for COVID lists 2020-02-03 (Monday) that way ("2月3日起正常上班").
    pub fn parse(json: &str) -> Result<HolidayFile, CalendarError> {
        let raw: RawFile = serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        let year = raw.year;
        let (first, last) = year
            .checked_sub(1)
            .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 1))
            .zip(year.checked_add(1).and_then(|y| NaiveDate::from_ymd_opt(y, 1, 31)))
            .ok_or(CalendarError::InvalidYear(year))?;
        if raw.days.is_empty() {
            return Err(CalendarError::Empty(year));
        }
        let mut by_date: BTreeMap<NaiveDate, HolidayEntry> = BTreeMap::new();
        let mut order = Vec::with_capacity(raw.days.len());
        for d in raw.days {
            let date =
                parse_ymd(&d.date).ok_or_else(|| CalendarError::InvalidDateInFile { year, input: d.date.clone() })?;
            if date < first || date > last {
                return Err(CalendarError::WrongYear { year, date });
            }
            match by_date.get(&date) {
                Some(seen) if seen.is_off_day != d.is_off_day => {
                    return Err(CalendarError::ConflictInFile { year, date });
                }
                Some(_) => {}
                None => {
                    order.push(date);
                    by_date.insert(date, HolidayEntry { date, name: d.name, is_off_day: d.is_off_day });
                }
            }
        }
        for date in order {
            let e = &by_date[&date];
            if e.is_off_day || is_weekend(date) {
                continue;
            }
            let off_with_same_name = |d: Option<NaiveDate>| {
                d.and_then(|d| by_date.get(&d)).is_some_and(|p| p.is_off_day && p.name == e.name)
            };
            let ends_a_holiday = off_with_same_name(date.pred_opt())
                && !date.succ_opt().and_then(|d| by_date.get(&d)).is_some_and(|n| n.is_off_day);
            if !ends_a_holiday {
                return Err(CalendarError::SuspiciousWorkday { year, date, weekday: weekday_zh(date) });
            }
        }
        Ok(HolidayFile { year, papers: raw.papers, days: by_date.into_values().collect() })
    }

    /// The listed dates as calendar rows, tagged with this file's year.
    pub fn calendar_days(&self) -> impl Iterator<Item = CalendarDay> + '_ {
        self.days.iter().map(move |e| CalendarDay { date: e.date, is_off_day: e.is_off_day, year: self.year })
    }
}

/// One listed date, as the calendar needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub is_off_day: bool,
    /// The year of the notice that lists it (2019 for 2018-12-29).
    pub year: i32,
}

/// The holiday files shipped with qidi (from holiday-cn, MIT; see [`SHIPPED_LICENSE`]).
pub const SHIPPED_FILES: &[(i32, &str)] = &[
    (2016, include_str!("../../../data/holidays/2016.json")),
    (2017, include_str!("../../../data/holidays/2017.json")),
    (2018, include_str!("../../../data/holidays/2018.json")),
    (2019, include_str!("../../../data/holidays/2019.json")),
    (2020, include_str!("../../../data/holidays/2020.json")),
    (2021, include_str!("../../../data/holidays/2021.json")),
    (2022, include_str!("../../../data/holidays/2022.json")),
    (2023, include_str!("../../../data/holidays/2023.json")),
    (2024, include_str!("../../../data/holidays/2024.json")),
    (2025, include_str!("../../../data/holidays/2025.json")),
    (2026, include_str!("../../../data/holidays/2026.json")),
];

/// holiday-cn's MIT notice, to ship beside the data.
pub const SHIPPED_LICENSE: &str = include_str!("../../../data/holidays/LICENSE");

/// The shipped files, parsed. They are checked by the tests, so this cannot fail.
pub fn shipped_files() -> Vec<HolidayFile> {
    SHIPPED_FILES
        .iter()
        .map(|(year, json)| HolidayFile::parse(json).unwrap_or_else(|e| panic!("shipped holiday file {year}: {e}")))
        .collect()
}

/// Days are numbered from 0001-01-01, a Monday, so that `t % 7 == 0` is a Monday.
fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 1
}

fn from_day_number(t: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(t.checked_add(1)?).ok()?)
}

/// Weekdays (Monday to Friday) among day numbers `0..t` (signed: negative for t < 0).
fn weekdays_before(t: i64) -> i64 {
    5 * t.div_euclid(7) + t.rem_euclid(7).min(5)
}

/// The day number of the k-th weekday counted from day 0 (k = 1 is day 0, a Monday;
/// k = 0 is the Friday before).
fn kth_weekday(k: i64) -> i64 {
    7 * (k - 1).div_euclid(5) + (k - 1).rem_euclid(5)
}

/// The official calendar: which days are working days, and which years are published.
///
/// Internally every date has a rank `W(d)`: the number of working days up to and
/// including `d`, from a fixed origin. Counting is `W(to) - W(from)`, and adding `n`
/// working days is "the working day whose rank is `W(d) + n`". Inside the table both
/// are array lookups; outside it only weekdays are working days, which has a closed
/// form.
#[derive(Clone)]
pub struct WorkCalendar {
    listed: BTreeMap<NaiveDate, CalendarDay>,
    /// Sorted, each year once.
    published: Vec<i32>,
    /// Day number of the table's first day.
    base: i64,
    /// `working[i]`: whether day `base + i` is a working day.
    working: Vec<bool>,
    /// `cum[i]`: working days among days `base ..= base + i`.
    cum: Vec<u32>,
    /// `nth[j]`: offset from `base` of the table's (j+1)-th working day.
    nth: Vec<u32>,
    /// `W(base - 1)`: no listed date precedes the table, so this is the weekday count.
    rank_before: i64,
    /// Working days minus weekdays over the whole table: the shift of `W` after it.
    shift_after: i64,
}

impl fmt::Debug for WorkCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkCalendar")
            .field("listed_days", &self.listed.len())
            .field("published", &self.published)
            .field("table_from", &from_day_number(self.base))
            .field("table_days", &self.working.len())
            .finish()
    }
}

impl Default for WorkCalendar {
    /// No notices: Monday to Friday are working days, and every year is unpublished.
    fn default() -> Self {
        WorkCalendar {
            listed: BTreeMap::new(),
            published: Vec::new(),
            base: 0,
            working: Vec::new(),
            cum: Vec::new(),
            nth: Vec::new(),
            rank_before: 0,
            shift_after: 0,
        }
    }
}

impl WorkCalendar {
    /// Build a calendar from listed dates and the years whose notices are published.
    ///
    /// The same date listed twice with the same value is fine (a notice and its
    /// correction); with different values it is an error naming the date and both
    /// years. A date must lie within its notice's years (`year-1-12-01 ..= year+1-01-31`).
    pub fn from_days(
        days: impl IntoIterator<Item = CalendarDay>,
        published_years: impl IntoIterator<Item = i32>,
    ) -> Result<WorkCalendar, CalendarError> {
        let mut listed: BTreeMap<NaiveDate, CalendarDay> = BTreeMap::new();
        for day in days {
            let (y, notice) = (i64::from(day.date.year()), i64::from(day.year));
            let in_year = y == notice
                || (y == notice - 1 && day.date.month() == 12)
                || (y == notice + 1 && day.date.month() == 1);
            if !in_year {
                return Err(CalendarError::WrongYear { year: day.year, date: day.date });
            }
            match listed.get(&day.date) {
                Some(seen) if seen.is_off_day != day.is_off_day => {
                    return Err(CalendarError::Conflict {
                        date: day.date,
                        first_year: seen.year,
                        second_year: day.year,
                    });
                }
                Some(_) => {}
                None => {
                    listed.insert(day.date, day);
                }
            }
        }
        let mut published: Vec<i32> = published_years.into_iter().collect();
        published.sort_unstable();
        published.dedup();

        let mut cal = WorkCalendar { listed, published, ..WorkCalendar::default() };
        let (Some(first), Some(last)) = (cal.listed.keys().next(), cal.listed.keys().next_back()) else {
            return Ok(cal);
        };
        // One year of margin before, two after: for the shipped files 2015-01-01 ..= 2028-12-31.
        let from = NaiveDate::from_ymd_opt(first.year() - 1, 1, 1).unwrap_or(*first);
        let to = NaiveDate::from_ymd_opt(last.year() + 2, 12, 31).unwrap_or(*last);
        let (base, end) = (day_number(from), day_number(to));
        let len = usize::try_from(end - base + 1).unwrap_or(0);
        let mut working = Vec::with_capacity(len);
        let mut cum = Vec::with_capacity(len);
        let mut nth = Vec::new();
        let mut count = 0u32;
        let mut d = from;
        for i in 0..len {
            let w = cal.listed.get(&d).map_or(!is_weekend(d), |l| !l.is_off_day);
            if w {
                nth.push(i as u32);
                count += 1;
            }
            working.push(w);
            cum.push(count);
            d = d.succ_opt().unwrap_or(d);
        }
        cal.rank_before = weekdays_before(base);
        cal.shift_after = i64::from(count) - (weekdays_before(end + 1) - weekdays_before(base));
        cal.base = base;
        cal.working = working;
        cal.cum = cum;
        cal.nth = nth;
        Ok(cal)
    }

    /// A calendar from whole files: their dates, and their years as published.
    pub fn from_files(files: &[HolidayFile]) -> Result<WorkCalendar, CalendarError> {
        WorkCalendar::from_days(files.iter().flat_map(HolidayFile::calendar_days), files.iter().map(|f| f.year))
    }

    /// The calendar from the shipped files (2016–2026).
    pub fn shipped() -> WorkCalendar {
        WorkCalendar::from_files(&shipped_files()).unwrap_or_else(|e| panic!("shipped holiday files: {e}"))
    }

    /// Whether a notice for `year` is loaded.
    pub fn is_published(&self, year: i32) -> bool {
        self.published.binary_search(&year).is_ok()
    }

    pub fn published_years(&self) -> &[i32] {
        &self.published
    }

    /// The listing for a date, if a notice lists it.
    pub fn listed(&self, d: NaiveDate) -> Option<CalendarDay> {
        self.listed.get(&d).copied()
    }

    /// Whether a day's status is final: its year's notice is published and, for a
    /// December day, so is the next year's (which may move it, as the 2019 notice
    /// moved 2018-12-29..31).
    pub fn is_settled(&self, d: NaiveDate) -> bool {
        self.is_published(d.year()) && (d.month() != 12 || self.is_published(d.year() + 1))
    }

    /// Whether any day in `(after, through]` is not settled (see [`Self::is_settled`]):
    /// a result that depends on such a day is provisional. Empty span: `false`.
    pub fn is_provisional(&self, after: NaiveDate, through: NaiveDate) -> bool {
        let Some(first) = after.succ_opt() else {
            return false;
        };
        if through < first {
            return false;
        }
        let (y0, y1) = (first.year(), through.year());
        if i64::from(y1) - i64::from(y0) >= self.published.len() as i64 {
            return true;
        }
        (y0..=y1).any(|y| {
            if !self.is_published(y) {
                return true;
            }
            let december_in_span = through.year() > y || through.month() == 12;
            december_in_span && !self.is_published(y + 1)
        })
    }

    fn table_index(&self, t: i64) -> Option<usize> {
        let i = t.checked_sub(self.base)?;
        (0..self.working.len() as i64).contains(&i).then_some(i as usize)
    }

    /// `W(t)`: working days up to and including day number `t`, from a fixed origin.
    #[inline]
    fn rank(&self, t: i64) -> i64 {
        match self.table_index(t) {
            Some(i) => self.rank_before + i64::from(self.cum[i]),
            None if t < self.base => weekdays_before(t + 1),
            None => weekdays_before(t + 1) + self.shift_after,
        }
    }

    /// The day number of the working day whose rank is `k`.
    #[inline]
    fn working_day_with_rank(&self, k: i64) -> i64 {
        let j = k - self.rank_before - 1;
        if j < 0 {
            kth_weekday(k)
        } else if let Some(&off) = self.nth.get(j as usize) {
            self.base + i64::from(off)
        } else {
            kth_weekday(k - self.shift_after)
        }
    }

    /// Whether `d` is a working day: listed dates by their notice, others Monday to Friday.
    #[inline]
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.table_index(day_number(d)) {
            Some(i) => self.working[i],
            None => !is_weekend(d),
        }
    }

    /// The date `n` working days after `d`. The day `d` itself is never counted, so
    /// for `n >= 1` the result is the n-th working day after `d` (always a working
    /// day), whatever `d` is. `n = 0` returns `d` itself, working day or not.
    /// `None` only past chrono's last date (some 260 000 years ahead).
    #[inline]
    pub fn checked_add_working_days(&self, d: NaiveDate, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return Some(d);
        }
        from_day_number(self.working_day_with_rank(self.rank(day_number(d)) + i64::from(n)))
    }

    /// As [`Self::checked_add_working_days`].
    ///
    /// # Panics
    /// Past chrono's last date, which no time limit reaches.
    #[inline]
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        self.checked_add_working_days(d, n).expect("date beyond chrono's range")
    }

    /// Working days in `(from, to]`: `from` is not counted, `to` is. When `to` is
    /// before `from` the result is minus the working days in `(to, from]`; when
    /// `to == from` it is 0. So `working_days_between(d, add_working_days(d, n)) == n`.
    #[inline]
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        self.rank(day_number(to)) - self.rank(day_number(from))
    }

    /// How many working days `on` is past `due`: the working days in `(due, on]`, and 0
    /// on or before the due day. A clock, an order or a work order due on `due` and
    /// still open on `on` is this late.
    pub fn working_days_overdue(&self, due: NaiveDate, on: NaiveDate) -> i64 {
        self.working_days_between(due, on).max(0)
    }

    /// Same as [`Self::is_working_day`], by looking the date up in the listings.
    /// The reference the tables are tested and benchmarked against.
    #[doc(hidden)]
    pub fn naive_is_working_day(&self, d: NaiveDate) -> bool {
        self.listed.get(&d).map_or(!is_weekend(d), |l| !l.is_off_day)
    }

    /// Same as [`Self::add_working_days`], one day at a time.
    #[doc(hidden)]
    pub fn naive_add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let (mut d, mut left) = (d, n);
        while left > 0 {
            d = d.succ_opt().expect("date beyond chrono's range");
            if self.naive_is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Same as [`Self::working_days_between`], one day at a time.
    #[doc(hidden)]
    pub fn naive_working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (lo, hi, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| self.naive_is_working_day(*d)).count() as i64 * sign
    }
}

/// Whether `role` loads a newly published year of the official calendar: the system
/// administrator, who keeps the configuration.
pub fn may_import(role: crate::Role) -> bool {
    role == crate::Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn day_numbers_start_on_a_monday() {
        let mondays = [(1, 1, 1), (2024, 2, 5), (1970, 1, 5), (-1, 1, 4)];
        for (y, m, dd) in mondays {
            let date = NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            assert_eq!(date.weekday(), Weekday::Mon, "{date}");
            assert_eq!(day_number(date).rem_euclid(7), 0, "{date}");
            assert_eq!(from_day_number(day_number(date)), Some(date));
        }
    }

    #[test]
    fn weekday_formulas_agree_with_counting() {
        let mut count = 0;
        for t in -30i64..60 {
            assert_eq!(weekdays_before(t) - weekdays_before(-30), count, "t={t}");
            if t.rem_euclid(7) < 5 {
                count += 1;
                assert_eq!(kth_weekday(weekdays_before(t) + 1), t, "t={t}");
            }
        }
    }

    #[test]
    fn parse_date_is_strict() {
        assert_eq!(parse_date("2024-02-29").unwrap(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        for bad in [
            "2023-02-29",
            "2023-2-01",
            " 2023-02-01",
            "2023/02/01",
            "20230201",
            "2023-02-01T00",
            "",
            "２０２３-02-01",
            "+023-02-01",
        ] {
            let e = parse_date(bad).unwrap_err();
            assert_eq!(e, CalendarError::InvalidDate(bad.to_string()));
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn default_calendar_is_weekdays() {
        let c = WorkCalendar::default();
        assert!(c.is_working_day(d("2024-02-12"))); // a Monday of the Spring Festival, unknown here
        assert!(!c.is_working_day(d("2024-02-04")));
        assert_eq!(c.add_working_days(d("2024-02-09"), 1), d("2024-02-12"));
        assert_eq!(c.working_days_between(d("2024-02-04"), d("2024-02-11")), 5);
        assert!(c.is_provisional(d("2024-01-01"), d("2024-01-02")));
    }
}
