//! Progress reports (信息报送, R18): every department reports its progress to the office,
//! half-monthly until a date of the campaign's plan (30 September in 2022), monthly
//! after, each report due a number of working days after its period ends.
//!
//! The schedule is data kept with the campaign; this module turns it into the report
//! periods and their due dates, says when a report is late or missing, and checks what
//! a department writes. The store remembers the reports; it decides nothing.

use crate::calendar::WorkCalendar;
use crate::ledger::Campaign;
use crate::role::Role;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a campaign's departments report: half-monthly periods (1st–15th,
/// 16th–month's end) up to and including `half_monthly_until`, whole months after;
/// each due `due_working_days` working days after its period's last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSchedule {
    pub half_monthly_until: NaiveDate,
    /// Not in the plan: a default of 3 working days, shown as unconfirmed.
    pub due_working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("报送时限应为期末后 1 至 30 个工作日，现为 {0}")]
    BadDueDays(u32),
    #[error("半月报截止日期 {0} 不在工作期内（{1} 至 {2}）")]
    UntilOutside(NaiveDate, NaiveDate, NaiveDate),
    #[error("报送期次 {0} 不是本工作期的报送期次")]
    UnknownPeriod(String),
    #[error("报送内容：{0}")]
    BadText(String),
    #[error("只有本部门的部门负责人或经办人可以报送本部门的工作进展")]
    NotAllowed,
}

/// What [`check_text`] says of a report's text, in Chinese (the `BadText` it returns).
const TEXT_MISSING: &str = "请填写本期工作进展";
const TEXT_TOO_LONG: &str = "不能超过 5000 字";

impl crate::sentence::Explain for ReportError {
    fn key(&self) -> &'static str {
        match self {
            ReportError::BadDueDays(_) => "err-report-bad-due-days",
            ReportError::UntilOutside(..) => "err-report-until-outside",
            ReportError::UnknownPeriod(_) => "err-report-unknown-period",
            ReportError::BadText(t) if t == TEXT_MISSING => "err-report-text-missing",
            ReportError::BadText(t) if t == TEXT_TOO_LONG => "err-report-text-too-long",
            ReportError::BadText(_) => "err-report-bad-text",
            ReportError::NotAllowed => "err-report-not-allowed",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            ReportError::BadDueDays(n) => vec![("days", (*n).into())],
            ReportError::UntilOutside(until, from, to) => {
                vec![("until", (*until).into()), ("from", (*from).into()), ("to", (*to).into())]
            }
            ReportError::UnknownPeriod(period) => vec![("period", period.into())],
            ReportError::BadText(t) => vec![("problem", t.into())],
            ReportError::NotAllowed => Vec::new(),
        }
    }
}

impl ReportSchedule {
    /// The plan's schedule for a campaign: half-monthly until the milestone by which
    /// every department is online (全部部门上线办理, 30 September), else until the
    /// campaign's end; due 3 working days after each period.
    pub fn of_plan(campaign: &Campaign) -> ReportSchedule {
        let until =
            campaign.milestones.iter().find(|m| m.label.contains("上线")).map(|m| m.on).unwrap_or(campaign.ends_on);
        ReportSchedule { half_monthly_until: until, due_working_days: 3 }
    }

    pub fn validate(&self, campaign: &Campaign) -> Result<(), ReportError> {
        if !(1..=30).contains(&self.due_working_days) {
            return Err(ReportError::BadDueDays(self.due_working_days));
        }
        if self.half_monthly_until < campaign.starts_on || self.half_monthly_until > campaign.ends_on {
            return Err(ReportError::UntilOutside(self.half_monthly_until, campaign.starts_on, campaign.ends_on));
        }
        Ok(())
    }
}

/// Half a month or a whole month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    HalfMonth,
    Month,
}

/// One period a report covers, and when the report is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPeriod {
    /// `2026-04a` (1st–15th), `2026-04b` (16th–end) or `2026-05` (whole month).
    pub key: String,
    pub kind: PeriodKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub due_on: NaiveDate,
}

impl ReportPeriod {
    /// 2026年4月上半月 / 2026年4月下半月 / 2026年5月
    pub fn label_zh(&self) -> String {
        let (y, m) = (self.starts_on.year(), self.starts_on.month());
        match self.kind {
            PeriodKind::Month => format!("{y}年{m}月"),
            PeriodKind::HalfMonth if self.key.ends_with('a') => format!("{y}年{m}月上半月"),
            PeriodKind::HalfMonth => format!("{y}年{m}月下半月"),
        }
    }

    /// Whether a report on the period may be filed on `today`: from its last day on
    /// (期末当天起方可报送), so a department can report as the period closes.
    pub fn open_for_filing(&self, today: NaiveDate) -> bool {
        self.ends_on <= today
    }

    /// The period's name in a message: its Chinese, or a catalogue's wording of the
    /// year, the month and which half.
    pub fn sentence(&self) -> crate::sentence::Sentence {
        let half = match self.kind {
            PeriodKind::Month => "none",
            PeriodKind::HalfMonth if self.key.ends_with('a') => "first",
            PeriodKind::HalfMonth => "second",
        };
        crate::sentence::Sentence::new("msg-period", self.label_zh())
            .arg("year", self.starts_on.year().to_string())
            .arg("month", self.starts_on.month())
            .arg("half", half)
    }
}

fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("a month has a first day").pred_opt().expect("dates go back")
}

/// Every period of a campaign, in order: they cover its days from start to end without
/// gap or overlap; the first and last are cut to the campaign. A half-monthly period
/// never runs past `half_monthly_until`: the period it falls in ends there, and the
/// rest of that month is a shorter monthly period.
pub fn periods(calendar: &WorkCalendar, campaign: &Campaign, schedule: &ReportSchedule) -> Vec<ReportPeriod> {
    let mut out = Vec::new();
    let mut d = campaign.starts_on;
    while d <= campaign.ends_on {
        let (kind, natural_end, key) = if d <= schedule.half_monthly_until {
            let mid = NaiveDate::from_ymd_opt(d.year(), d.month(), 15).expect("the 15th exists");
            let (end, half) = if d <= mid { (mid, 'a') } else { (month_end(d), 'b') };
            (
                PeriodKind::HalfMonth,
                end.min(schedule.half_monthly_until),
                format!("{:04}-{:02}{half}", d.year(), d.month()),
            )
        } else {
            (PeriodKind::Month, month_end(d), format!("{:04}-{:02}", d.year(), d.month()))
        };
        let ends_on = natural_end.min(campaign.ends_on);
        out.push(ReportPeriod {
            key,
            kind,
            starts_on: d,
            ends_on,
            due_on: calendar.add_working_days(ends_on, schedule.due_working_days),
        });
        d = ends_on.succ_opt().expect("dates go on");
    }
    out
}

/// The period named `key`.
pub fn period(
    calendar: &WorkCalendar,
    campaign: &Campaign,
    schedule: &ReportSchedule,
    key: &str,
) -> Result<ReportPeriod, ReportError> {
    periods(calendar, campaign, schedule)
        .into_iter()
        .find(|p| p.key == key)
        .ok_or_else(|| ReportError::UnknownPeriod(key.to_string()))
}

/// The period a department reports on at `today`: the latest one that has ended.
pub fn current_period(periods: &[ReportPeriod], today: NaiveDate) -> Option<&ReportPeriod> {
    periods.iter().rev().find(|p| p.ends_on < today)
}

/// Where a department's report for a period stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Not due yet and not filed.
    Open,
    OnTime,
    /// Filed after its due date.
    Late,
    /// Past its due date and not filed.
    Missing,
}

impl ReportState {
    /// Whether the state is a lapse the bulletin names: filed late, or not filed by
    /// its due date.
    pub fn is_lapse(self) -> bool {
        matches!(self, ReportState::Late | ReportState::Missing)
    }

    pub fn of(due_on: NaiveDate, filed_on: Option<NaiveDate>, today: NaiveDate) -> ReportState {
        match filed_on {
            Some(f) if f > due_on => ReportState::Late,
            Some(_) => ReportState::OnTime,
            None if today > due_on => ReportState::Missing,
            None => ReportState::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Open => "open",
            ReportState::OnTime => "on_time",
            ReportState::Late => "late",
            ReportState::Missing => "missing",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportState::Open => "待报送",
            ReportState::OnTime => "按时报送",
            ReportState::Late => "逾期报送",
            ReportState::Missing => "未报送",
        }
    }
}

/// When a reminder of a report not yet filed goes out: once when it is due within a
/// working day, once when it is late (up to 5 working days after its due date, so that
/// a first run does not remind of every period since the campaign began). The
/// reminders' stages are those of the other missing reports.
pub fn reminder_stage(
    calendar: &WorkCalendar,
    due_on: NaiveDate,
    run_on: NaiveDate,
) -> Option<crate::message::ReportStage> {
    let stage = crate::message::report_stage(calendar, due_on, run_on)?;
    (calendar.working_days_between(due_on, run_on) <= 5).then_some(stage)
}

/// Who may file a department's progress report: its head or one of its handlers.
pub fn may_file(role: Role, user_department: Option<&str>, department_id: &str) -> Result<(), ReportError> {
    match (role, user_department) {
        (Role::DepartmentHead | Role::Handler, Some(d)) if d == department_id => Ok(()),
        _ => Err(ReportError::NotAllowed),
    }
}

/// Only the office sets when the reports are due (the schedule).
pub fn may_set_schedule(role: Role) -> bool {
    role == Role::Office
}

/// What a department writes: required, at most 5000 characters, trimmed.
pub fn check_text(text: &str) -> Result<String, ReportError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ReportError::BadText(TEXT_MISSING.into()));
    }
    if t.chars().count() > 5000 {
        return Err(ReportError::BadText(TEXT_TOO_LONG.into()));
    }
    Ok(t.to_string())
}

/// The figures pre-filled from the record for a department and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFigures {
    /// Pending items the department handles, at filing.
    pub pending: i64,
    /// Items granted in the period.
    pub approved: i64,
    /// Items removed (with an approved removal) in the period.
    pub removed: i64,
    /// Clocks that ended late in the period, plus those running past their due date
    /// at its end.
    pub overdue: i64,
}

/// A late or missing report, as the bulletin and the office page list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLapse {
    pub department_code: String,
    pub department: String,
    pub period: String,
    pub period_label: String,
    pub due_on: NaiveDate,
    /// `late` or `missing`.
    pub state: ReportState,
    pub filed_on: Option<NaiveDate>,
    /// Working days after the due date, to the filing or to `as_of`.
    pub working_days_late: i64,
    pub link: String,
}

/// The lapses among (department, period, first filing) as of `as_of`: reports filed
/// late, and reports past due and not filed by then (a filing after `as_of` does not
/// count). Sorted by due date, then department.
pub fn lapses(
    calendar: &WorkCalendar,
    rows: &[(String, String, ReportPeriod, Option<NaiveDate>)],
    as_of: NaiveDate,
) -> Vec<ReportLapse> {
    let mut out: Vec<ReportLapse> = rows
        .iter()
        .filter_map(|(code, name, p, filed)| {
            let filed = filed.filter(|f| *f <= as_of);
            let state = ReportState::of(p.due_on, filed, as_of);
            state.is_lapse().then(|| ReportLapse {
                department_code: code.clone(),
                department: name.clone(),
                period: p.key.clone(),
                period_label: p.label_zh(),
                due_on: p.due_on,
                state,
                filed_on: filed,
                working_days_late: calendar.working_days_overdue(p.due_on, filed.unwrap_or(as_of)),
                link: format!("/supervision/reports?period={}", p.key),
            })
        })
        .collect();
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.department_code.cmp(&b.department_code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn campaign(start: &str, end: &str) -> Campaign {
        Campaign { code: "t".into(), name: "t".into(), starts_on: d(start), ends_on: d(end), milestones: vec![] }
    }

    #[test]
    fn the_2022_plan_is_half_monthly_until_30_september_then_monthly() {
        let cal = WorkCalendar::shipped();
        let c = Campaign::sweep_2022();
        let s = ReportSchedule::of_plan(&c);
        assert_eq!(s.half_monthly_until, d("2022-09-30"));
        s.validate(&c).unwrap();
        let ps = periods(&cal, &c, &s);
        let keys: Vec<&str> = ps.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, vec!["2022-08b", "2022-09a", "2022-09b", "2022-10", "2022-11", "2022-12"]);
        assert_eq!((ps[0].starts_on, ps[0].ends_on), (d("2022-08-19"), d("2022-08-31")));
        assert_eq!(ps[1].label_zh(), "2022年9月上半月");
        assert_eq!(ps[2].label_zh(), "2022年9月下半月");
        assert_eq!(ps[3].label_zh(), "2022年10月");
        // 30 Sep 2022 is a Friday; 1–7 October is National Day, 8–9 October make-up days.
        assert_eq!(ps[2].due_on, d("2022-10-10"), "three working days: 8, 9 (make-up days) and 10 October");
        // 15 Sep 2022 is a Thursday: 16, 19, 20 September.
        assert_eq!(ps[1].due_on, d("2022-09-20"));
        assert!(!ps[1].open_for_filing(d("2022-09-14")));
        assert!(ps[1].open_for_filing(d("2022-09-15")), "from the period's last day on");
        assert!(ps[1].open_for_filing(d("2022-09-16")));
    }

    #[test]
    fn only_the_office_sets_the_schedule() {
        for r in crate::role::ALL_ROLES {
            assert_eq!(may_set_schedule(r), r == Role::Office, "{r:?}");
        }
    }

    #[test]
    fn a_date_inside_a_half_cuts_it() {
        let cal = WorkCalendar::shipped();
        let c = campaign("2026-03-01", "2026-06-30");
        let s = ReportSchedule { half_monthly_until: d("2026-04-20"), due_working_days: 2 };
        let ps = periods(&cal, &c, &s);
        let spans: Vec<(String, NaiveDate, NaiveDate)> =
            ps.iter().map(|p| (p.key.clone(), p.starts_on, p.ends_on)).collect();
        assert_eq!(
            spans,
            vec![
                ("2026-03a".into(), d("2026-03-01"), d("2026-03-15")),
                ("2026-03b".into(), d("2026-03-16"), d("2026-03-31")),
                ("2026-04a".into(), d("2026-04-01"), d("2026-04-15")),
                ("2026-04b".into(), d("2026-04-16"), d("2026-04-20")),
                ("2026-04".into(), d("2026-04-21"), d("2026-04-30")),
                ("2026-05".into(), d("2026-05-01"), d("2026-05-31")),
                ("2026-06".into(), d("2026-06-01"), d("2026-06-30")),
            ]
        );
        // 30 April 2026 is a Thursday; 1–5 May Labour Day; 9 May a make-up Saturday.
        assert_eq!(ps[4].due_on, d("2026-05-07"));
        assert_eq!(period(&cal, &c, &s, "2026-05").unwrap().ends_on, d("2026-05-31"));
        assert!(period(&cal, &c, &s, "2026-07").is_err());
    }

    #[test]
    fn states_and_lapses() {
        let due = d("2026-04-20");
        assert_eq!(ReportState::of(due, None, d("2026-04-20")), ReportState::Open);
        assert_eq!(ReportState::of(due, None, d("2026-04-21")), ReportState::Missing);
        assert_eq!(ReportState::of(due, Some(d("2026-04-20")), d("2026-05-01")), ReportState::OnTime);
        assert_eq!(ReportState::of(due, Some(d("2026-04-22")), d("2026-05-01")), ReportState::Late);
        let cal = WorkCalendar::shipped();
        let p = ReportPeriod {
            key: "2026-04a".into(),
            kind: PeriodKind::HalfMonth,
            starts_on: d("2026-04-01"),
            ends_on: d("2026-04-15"),
            due_on: due,
        };
        let rows = vec![
            ("a".to_string(), "甲".to_string(), p.clone(), Some(d("2026-04-20"))),
            ("b".to_string(), "乙".to_string(), p.clone(), Some(d("2026-04-22"))),
            ("c".to_string(), "丙".to_string(), p.clone(), None),
            ("d".to_string(), "丁".to_string(), p.clone(), Some(d("2026-05-06"))),
        ];
        let l = lapses(&cal, &rows, d("2026-04-30"));
        let got: Vec<(&str, ReportState, i64)> =
            l.iter().map(|x| (x.department_code.as_str(), x.state, x.working_days_late)).collect();
        // Working days after 20 April to 30 April: 21–24, 27–30 = 8.
        assert_eq!(
            got,
            vec![("b", ReportState::Late, 2), ("c", ReportState::Missing, 8), ("d", ReportState::Missing, 8)]
        );
    }

    #[test]
    fn reminders_come_the_day_before_and_once_late() {
        use crate::message::ReportStage;
        let cal = WorkCalendar::shipped();
        // Due Thursday 7 May 2026 (after Labour Day).
        let due = d("2026-05-07");
        assert_eq!(reminder_stage(&cal, due, d("2026-04-30")), None);
        assert_eq!(reminder_stage(&cal, due, d("2026-05-06")), Some(ReportStage::Due));
        assert_eq!(reminder_stage(&cal, due, d("2026-05-07")), Some(ReportStage::Due));
        assert_eq!(reminder_stage(&cal, due, d("2026-05-08")), Some(ReportStage::Overdue));
        // 9 May is a make-up Saturday: 8, 9, 11, 12, 13 are the five working days after.
        assert_eq!(reminder_stage(&cal, due, d("2026-05-13")), Some(ReportStage::Overdue));
        assert_eq!(reminder_stage(&cal, due, d("2026-05-14")), None);
    }

    #[test]
    fn who_files_and_what() {
        assert!(may_file(Role::DepartmentHead, Some("d1"), "d1").is_ok());
        assert!(may_file(Role::Handler, Some("d1"), "d1").is_ok());
        assert!(may_file(Role::Handler, Some("d2"), "d1").is_err());
        for r in [Role::Office, Role::Inspector, Role::Leader, Role::Admin, Role::Applicant] {
            assert!(may_file(r, Some("d1"), "d1").is_err(), "{r:?}");
        }
        assert!(check_text("  ").is_err());
        assert_eq!(check_text(" 本期办结 3 件 ").unwrap(), "本期办结 3 件");
        assert!(check_text(&"字".repeat(5001)).is_err());
    }

    proptest! {
        /// Periods tile the campaign: contiguous, in order, none empty, none longer than
        /// a month, half months only up to the date, each due after it ends by exactly
        /// the schedule's working days.
        #[test]
        fn periods_tile_the_campaign(start in 0i64..1500, len in 0i64..500, until in 0i64..500, due in 1u32..10) {
            let cal = WorkCalendar::shipped();
            let base = d("2019-01-01");
            let starts = base + chrono::Duration::days(start);
            let ends = starts + chrono::Duration::days(len);
            let c = Campaign { code: "p".into(), name: "p".into(), starts_on: starts, ends_on: ends, milestones: vec![] };
            let s = ReportSchedule { half_monthly_until: starts + chrono::Duration::days(until.min(len)), due_working_days: due };
            prop_assert!(s.validate(&c).is_ok());
            let ps = periods(&cal, &c, &s);
            prop_assert_eq!(ps.first().unwrap().starts_on, starts);
            prop_assert_eq!(ps.last().unwrap().ends_on, ends);
            for w in ps.windows(2) {
                prop_assert_eq!(w[0].ends_on.succ_opt().unwrap(), w[1].starts_on);
            }
            let mut keys: Vec<&str> = ps.iter().map(|p| p.key.as_str()).collect();
            keys.dedup();
            prop_assert_eq!(keys.len(), ps.len(), "keys are unique");
            for p in &ps {
                prop_assert!(p.starts_on <= p.ends_on);
                prop_assert_eq!(p.starts_on.month(), p.ends_on.month());
                match p.kind {
                    PeriodKind::HalfMonth => {
                        prop_assert!(p.ends_on <= s.half_monthly_until);
                        prop_assert!((p.ends_on - p.starts_on).num_days() < 16);
                    }
                    PeriodKind::Month => prop_assert!(p.starts_on > s.half_monthly_until),
                }
                prop_assert!(p.due_on > p.ends_on);
                prop_assert!(cal.is_working_day(p.due_on));
                prop_assert_eq!(cal.working_days_between(p.ends_on, p.due_on), i64::from(due));
            }
        }
    }
}
