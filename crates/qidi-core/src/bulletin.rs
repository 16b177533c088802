//! The monthly bulletin (通报) to discipline inspection: what was late in a closed
//! month, counted from the recorded facts (clock records, one-time notices, light
//! notices), never from a recount of dates.
//!
//! The store gathers the facts of a month; this module decides what belongs in the
//! bulletin, how many working days each item is overdue, how departments rank, and how
//! the bulletin is numbered. It is issued once and never rewritten: a correction is a
//! new bulletin that names the one it corrects.

use crate::calendar::WorkCalendar;
use crate::role::Role;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BulletinError {
    #[error("“{0}”不是月份，应写作 2026-03 这样的形式")]
    BadMonth(String),
    #[error("{0} 尚未结束（最后一天是 {1}），只能通报已结束的月份")]
    NotClosed(Month, NaiveDate),
}

impl crate::sentence::Explain for BulletinError {
    fn key(&self) -> &'static str {
        match self {
            BulletinError::BadMonth(_) => "err-bulletin-bad-month",
            BulletinError::NotClosed(..) => "err-bulletin-month-not-closed",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            BulletinError::BadMonth(v) => vec![("value", v.into())],
            BulletinError::NotClosed(month, last) => {
                vec![("month", month.to_string().into()), ("last", (*last).into())]
            }
        }
    }
}

/// Who reads the bulletins: the office that issues them, the leader, department heads
/// and the inspectors they go to; not a handler, a project unit or an administrator.
pub fn may_read(role: Role) -> bool {
    matches!(role, Role::Office | Role::Leader | Role::DepartmentHead | Role::Inspector)
}

/// Only the office issues a bulletin, or a correction of one.
pub fn may_issue(role: Role) -> bool {
    role == Role::Office
}

impl Month {
    pub fn parse(s: &str) -> Result<Month, BulletinError> {
        let bad = || BulletinError::BadMonth(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = (y.parse::<i32>().map_err(|_| bad())?, m.parse::<u32>().map_err(|_| bad())?);
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    pub fn of(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month has a first day")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month { year: self.year - 1, month: 12 }
        } else {
            Month { year: self.year, month: self.month - 1 }
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a month has a last day")
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        Month::of(d) == self
    }

    /// A bulletin is made for a month that is over on `today`.
    pub fn check_closed(self, today: NaiveDate) -> Result<(), BulletinError> {
        if self.last_day() < today {
            Ok(())
        } else {
            Err(BulletinError::NotClosed(self, self.last_day()))
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The first working day of `month`: when the bulletin for the month before is due.
pub fn first_working_day(calendar: &WorkCalendar, month: Month) -> NaiveDate {
    let mut d = month.first_day();
    while !calendar.is_working_day(d) {
        d = d.succ_opt().expect("dates go on");
    }
    d
}

/// The month whose bulletin is due at `today`, `time`: the month before, from the
/// morning of this month's first working day on (and every day after, until issued).
pub fn bulletin_due(
    calendar: &WorkCalendar,
    today: NaiveDate,
    time: chrono::NaiveTime,
    morning: chrono::NaiveTime,
) -> Option<Month> {
    let first = first_working_day(calendar, Month::of(today));
    (today > first || (today == first && time >= morning)).then(|| Month::of(today).previous())
}

/// Working days overdue: the working days after the due date, up to and including the
/// closing date, or up to and including the month's last day while the item is still
/// open. The due date itself is not overdue.
pub fn overdue_working_days(
    calendar: &WorkCalendar,
    due_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    month: Month,
) -> i64 {
    calendar.working_days_overdue(due_on, closed_on.unwrap_or(month.last_day()))
}

/// A clock as the store found it for a month: still running at the month's end, or
/// ended during the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockFact {
    pub project_code: String,
    pub project_name: String,
    /// The item type's name, e.g. 建设项目用地预审与选址意见书.
    pub item_type: String,
    pub department_code: String,
    pub department: String,
    /// `notice_due`, `initial_review`, `review`, `forward`, `extension`, or `ledger` for a
    /// ledger item's promised date.
    pub clock: String,
    pub due_on: NaiveDate,
    /// When the clock ended; `None` while it ran past the month's end.
    pub ended_on: Option<NaiveDate>,
    /// Whether its end closed the item (a decision, a forward to a higher authority).
    pub closed_item: bool,
    /// Path on this server.
    pub link: String,
}

/// One item in the bulletin's list: overdue at the month's end, or closed late in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinItem {
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub department: String,
    pub clock: String,
    pub due_on: NaiveDate,
    /// `None` while still open at the month's end.
    pub closed_on: Option<NaiveDate>,
    pub overdue_working_days: i64,
    pub link: String,
}

/// Which facts belong in the month's list: clocks still running past their due date at
/// the month's end, and clocks whose end closed the item late during the month.
pub fn bulletin_items(calendar: &WorkCalendar, month: Month, facts: &[ClockFact]) -> Vec<BulletinItem> {
    items_between(calendar, month.first_day(), month.last_day(), facts)
}

/// As [`bulletin_items`], for any span `first..=last` (the assessment's periods).
pub fn items_between(
    calendar: &WorkCalendar,
    first: NaiveDate,
    end: NaiveDate,
    facts: &[ClockFact],
) -> Vec<BulletinItem> {
    let mut items: Vec<BulletinItem> = facts
        .iter()
        .filter(|f| match f.ended_on {
            None => f.due_on < end,
            Some(on) => f.closed_item && first <= on && on <= end && on > f.due_on,
        })
        .map(|f| BulletinItem {
            project_code: f.project_code.clone(),
            project_name: f.project_name.clone(),
            item_type: f.item_type.clone(),
            department: f.department.clone(),
            clock: f.clock.clone(),
            due_on: f.due_on,
            closed_on: f.ended_on,
            overdue_working_days: calendar.working_days_overdue(f.due_on, f.ended_on.unwrap_or(end)),
            link: f.link.clone(),
        })
        .collect();
    items.sort_by(|a, b| {
        b.overdue_working_days
            .cmp(&a.overdue_working_days)
            .then(a.department.cmp(&b.department))
            .then(a.project_code.cmp(&b.project_code))
    });
    items
}

/// A fact listed by name in one of the bulletin's other sections (late or rule-breaking
/// returns, deemed acceptances, late forwards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedFact {
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub department: String,
    pub on: NaiveDate,
    /// What it was, e.g. the notice's number, or "超期 2 个工作日".
    pub detail: String,
    pub link: String,
}

/// A department's line: its clocks that ended in the month, and what went wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentLine {
    pub department_code: String,
    pub department: String,
    pub on_time: u32,
    pub late: u32,
    pub deemed: u32,
    /// On-time share of the clocks that ended, in per mille (None: none ended).
    pub on_time_permille: Option<u32>,
    pub overdue_at_end: u32,
    pub closed_late: u32,
    pub notice_breaches: u32,
    pub late_forwards: u32,
    pub new_red_lights: u32,
    /// Progress reports due in the month that were filed late or not at all.
    #[serde(default)]
    pub report_lapses: u32,
    /// Supervision orders open at the month's end.
    #[serde(default)]
    pub open_orders: u32,
    /// Place in the ranking, 1 = best; departments without ended clocks come last,
    /// unranked.
    pub rank: Option<u32>,
}

impl DepartmentLine {
    pub fn on_time_rate_text(&self) -> String {
        self.on_time_permille.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10))
    }
}

/// Fill the rates and rank departments by on-time rate (higher first), then by fewer
/// items overdue at the month's end, then by name. Ties share no rank: the order is total.
pub fn rank(lines: &mut [DepartmentLine]) {
    for l in lines.iter_mut() {
        let ended = l.on_time + l.late + l.deemed;
        l.on_time_permille = (ended > 0).then(|| (u64::from(l.on_time) * 1000 / u64::from(ended)) as u32);
    }
    lines.sort_by(|a, b| {
        b.on_time_permille
            .is_some()
            .cmp(&a.on_time_permille.is_some())
            .then(b.on_time_permille.cmp(&a.on_time_permille))
            .then(a.overdue_at_end.cmp(&b.overdue_at_end))
            .then(a.department_code.cmp(&b.department_code))
    });
    let mut n = 0;
    for l in lines.iter_mut() {
        l.rank = l.on_time_permille.map(|_| {
            n += 1;
            n
        });
    }
}

/// The baseline's progress at the time of issue: 审批1个核减1个.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineLine {
    pub baseline: u64,
    pub reduced: u64,
    pub remaining: u64,
}

/// A bulletin as issued: its header and every section. Serialised as the JSON format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bulletin {
    /// e.g. 正镶白旗待批项目清理办通报〔2026〕3号
    pub document_number: String,
    pub title: String,
    pub issuing_body: String,
    pub issued_on: NaiveDate,
    pub month: Month,
    pub main_recipients: Vec<String>,
    /// The document number of the bulletin this one corrects.
    pub corrects: Option<String>,
    pub items: Vec<BulletinItem>,
    pub notice_breaches: Vec<ListedFact>,
    pub deemed_acceptances: Vec<ListedFact>,
    pub late_forwards: Vec<ListedFact>,
    pub departments: Vec<DepartmentLine>,
    pub baseline: BaselineLine,
    /// Progress reports (信息报送) due in the month and filed late or not by its end.
    #[serde(default)]
    pub report_lapses: Vec<crate::progress_report::ReportLapse>,
    /// Supervision orders (挂牌督办) open at the month's end.
    #[serde(default)]
    pub open_orders: Vec<crate::supervision::OpenOrder>,
    /// Departments with pending items that had not received one application on qidi by
    /// the month's end (not yet handling online).
    #[serde(default)]
    pub not_online: Vec<NotOnline>,
    /// What the bulletin cannot report yet, said plainly rather than left out silently.
    pub not_reported: Vec<String>,
}

impl Bulletin {
    /// The codes of the departments the bulletin names for something that went wrong:
    /// items overdue or closed late, rule-breaking returns, late forwards, new red
    /// lights, late or missing reports, open orders. Their discipline inspectors
    /// receive it.
    pub fn named_departments(&self) -> std::collections::BTreeSet<String> {
        let mut named: std::collections::BTreeSet<String> = self
            .departments
            .iter()
            .filter(|l| {
                l.late
                    + l.deemed
                    + l.overdue_at_end
                    + l.closed_late
                    + l.notice_breaches
                    + l.late_forwards
                    + l.new_red_lights
                    + l.report_lapses
                    + l.open_orders
                    > 0
            })
            .map(|l| l.department_code.clone())
            .collect();
        named.extend(self.report_lapses.iter().map(|l| l.department_code.clone()));
        named.extend(self.open_orders.iter().map(|o| o.department_code.clone()));
        named
    }
}

/// A department not yet handling online: it has pending items, and no application to
/// it had started a clock on qidi by the month's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotOnline {
    pub department_code: String,
    pub department: String,
    pub pending_items: u64,
}

/// Which departments are not yet handling online: those among `pending` (department
/// code, name, pending items) with pending items and none of `online`.
pub fn not_online(pending: &[(String, String, u64)], online: &std::collections::HashSet<String>) -> Vec<NotOnline> {
    let mut out: Vec<NotOnline> = pending
        .iter()
        .filter(|(code, _, n)| *n > 0 && !online.contains(code))
        .map(|(code, name, n)| NotOnline { department_code: code.clone(), department: name.clone(), pending_items: *n })
        .collect();
    out.sort_by(|a, b| a.department_code.cmp(&b.department_code));
    out
}

/// The office's series: 〔YEAR〕N号 after the issuing body's short name.
pub fn bulletin_number(series: &str, year: i32, serial: u32) -> String {
    format!("{series}〔{year}〕{serial}号")
}

impl Bulletin {
    /// The body as paragraphs, for Word, PDF and plain text: a summary, then each
    /// section. The same words in every format.
    pub fn paragraphs(&self) -> Vec<String> {
        let mut p = Vec::new();
        if let Some(c) = &self.corrects {
            p.push(format!("本通报更正{c}，原通报同时作废。"));
        }
        let overdue_open = self.items.iter().filter(|i| i.closed_on.is_none()).count();
        let closed_late = self.items.len() - overdue_open;
        p.push(format!(
            "根据审批全程留痕记录，现将{}年{}月待批项目审批超期情况通报如下：月末仍超期未办结事项 {} 个，当月超期办结事项 {} 个，违反一次性告知规定的补正告知 {} 次，视为受理 {} 件，超过 5 个工作日转报 {} 件。",
            self.month.year,
            self.month.month,
            overdue_open,
            closed_late,
            self.notice_breaches.len(),
            self.deemed_acceptances.len(),
            self.late_forwards.len()
        ));
        p.push(format!(
            "基线进展（审批1个核减1个）：基线 {} 个，已核减 {} 个，剩余 {} 个。",
            self.baseline.baseline, self.baseline.reduced, self.baseline.remaining
        ));
        p.push("一、超期事项".into());
        if self.items.is_empty() {
            p.push("本月无超期事项。".into());
        }
        for (n, i) in self.items.iter().enumerate() {
            let state = match i.closed_on {
                Some(on) => format!("{on} 办结"),
                None => "月末仍未办结".into(),
            };
            p.push(format!(
                "{}. {}（{}）{}，{}，时限 {}，{}，超期 {} 个工作日。",
                n + 1,
                i.project_name,
                i.project_code,
                i.item_type,
                i.department,
                i.due_on,
                state,
                i.overdue_working_days
            ));
        }
        for (title, facts) in [
            ("二、违反一次性告知规定或超期出具的补正告知", &self.notice_breaches),
            ("三、视为受理", &self.deemed_acceptances),
            ("四、超过 5 个工作日转报", &self.late_forwards),
        ] {
            p.push(title.into());
            if facts.is_empty() {
                p.push("无。".into());
            }
            for (n, f) in facts.iter().enumerate() {
                p.push(format!(
                    "{}. {}（{}）{}，{}，{}，{}。",
                    n + 1,
                    f.project_name,
                    f.project_code,
                    f.item_type,
                    f.department,
                    f.on,
                    f.detail
                ));
            }
        }
        p.push("五、部门按时办结率排名".into());
        for l in &self.departments {
            p.push(format!(
                "{}{}：按时 {}，超期 {}，视为受理 {}，按时率 {}；月末超期 {}，新增红灯 {}。",
                l.rank.map_or_else(|| "（未排名）".into(), |r| format!("第 {r} 名 ")),
                l.department,
                l.on_time,
                l.late,
                l.deemed,
                l.on_time_rate_text(),
                l.overdue_at_end,
                l.new_red_lights
            ));
        }
        p.push("六、信息报送逾期或未报送".into());
        if self.report_lapses.is_empty() {
            p.push("无。".into());
        }
        for (n, l) in self.report_lapses.iter().enumerate() {
            let what = match l.filed_on {
                Some(f) => format!("{f} 报送，逾期 {} 个工作日", l.working_days_late),
                None => format!("月末仍未报送，逾期 {} 个工作日", l.working_days_late),
            };
            p.push(format!(
                "{}. {}，{}进展情况，应于 {} 前报送，{}。",
                n + 1,
                l.department,
                l.period_label,
                l.due_on,
                what
            ));
        }
        p.push("七、挂牌督办事项".into());
        if self.open_orders.is_empty() {
            p.push("月末无未解除的督办事项。".into());
        }
        for (n, o) in self.open_orders.iter().enumerate() {
            let past = if o.days_past_deadline > 0 {
                format!("已超过督办时限 {} 个工作日", o.days_past_deadline)
            } else {
                "尚在督办时限内".to_string()
            };
            p.push(format!(
                "{}. {}（督办{}：{}，责任部门 {}，责任人 {}），{} 挂牌，督办时限 {}，{}。督办事由：{}；整改要求：{}。",
                n + 1,
                o.title,
                o.target.label_zh(),
                o.target_name,
                o.department,
                o.responsible_person,
                o.issued_on,
                o.deadline,
                past,
                o.reason,
                o.required_action
            ));
        }
        p.push("八、尚未上线办理的部门".into());
        if self.not_online.is_empty() {
            p.push("有待批事项的部门均已在系统中办理申请。".into());
        }
        for (n, d) in self.not_online.iter().enumerate() {
            p.push(format!(
                "{}. {}：待批事项 {} 项，截至月末尚无一件申请在系统中提交办理。",
                n + 1,
                d.department,
                d.pending_items
            ));
        }
        if !self.not_reported.is_empty() {
            p.push("九、说明".into());
            p.extend(self.not_reported.iter().cloned());
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;
    use crate::role::ALL_ROLES;

    #[test]
    fn the_office_issues_and_the_accountable_read() {
        let reading: Vec<Role> = ALL_ROLES.into_iter().filter(|r| may_read(*r)).collect();
        assert_eq!(reading, [Role::DepartmentHead, Role::Office, Role::Leader, Role::Inspector]);
        let issuing: Vec<Role> = ALL_ROLES.into_iter().filter(|r| may_issue(*r)).collect();
        assert_eq!(issuing, [Role::Office]);
    }

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn fact(code: &str, due: &str, ended: Option<&str>, closed_item: bool) -> ClockFact {
        ClockFact {
            project_code: code.into(),
            project_name: format!("项目{code}"),
            item_type: "环境影响评价".into(),
            department_code: "sthj".into(),
            department: "旗生态环境分局".into(),
            clock: "review".into(),
            due_on: d(due),
            ended_on: ended.map(d),
            closed_item,
            link: format!("/applications/{code}"),
        }
    }

    #[test]
    fn months_parse_and_close() {
        let m = Month::parse("2026-04").unwrap();
        assert_eq!((m.first_day(), m.last_day()), (d("2026-04-01"), d("2026-04-30")));
        assert_eq!(Month::parse("2026-02").unwrap().last_day(), d("2026-02-28"));
        assert_eq!(Month::parse("2026-12").unwrap().next(), Month { year: 2027, month: 1 });
        assert_eq!(Month::parse("2026-01").unwrap().previous(), Month { year: 2025, month: 12 });
        for bad in ["2026-13", "2026", "26-04", "2026-4x", ""] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        assert!(m.check_closed(d("2026-04-30")).is_err());
        assert!(m.check_closed(d("2026-05-01")).is_ok());
        assert_eq!(m.to_string(), "2026-04");
    }

    #[test]
    fn the_first_working_day_skips_holidays() {
        let cal = WorkCalendar::shipped();
        // 1–5 May 2026 is the Labour Day holiday.
        assert_eq!(first_working_day(&cal, Month::parse("2026-05").unwrap()), d("2026-05-06"));
        // 1 October 2026 (National Day) to 7 October.
        assert_eq!(first_working_day(&cal, Month::parse("2026-10").unwrap()), d("2026-10-08"));
        assert_eq!(first_working_day(&cal, Month::parse("2026-06").unwrap()), d("2026-06-01"));
    }

    #[test]
    fn the_bulletin_is_due_from_the_first_working_morning() {
        let cal = WorkCalendar::shipped();
        let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let morning = t(8);
        // May 2026: the first working day is the 6th (Labour Day holiday 1–5 May).
        assert_eq!(bulletin_due(&cal, d("2026-05-04"), t(9), morning), None);
        assert_eq!(bulletin_due(&cal, d("2026-05-06"), t(7), morning), None);
        assert_eq!(bulletin_due(&cal, d("2026-05-06"), t(9), morning), Some(Month::parse("2026-04").unwrap()));
        assert_eq!(bulletin_due(&cal, d("2026-05-20"), t(7), morning), Some(Month::parse("2026-04").unwrap()));
    }

    #[test]
    fn overdue_days_count_after_the_due_date_to_the_close_or_the_months_end() {
        let cal = WorkCalendar::shipped();
        let april = Month::parse("2026-04").unwrap();
        // Due Thursday 2 April; 3 April is a working day, 4–6 April (Qingming) are off.
        assert_eq!(overdue_working_days(&cal, d("2026-04-02"), Some(d("2026-04-02")), april), 0);
        assert_eq!(overdue_working_days(&cal, d("2026-04-02"), Some(d("2026-04-03")), april), 1);
        assert_eq!(overdue_working_days(&cal, d("2026-04-02"), Some(d("2026-04-07")), april), 2);
        // Still open: to 30 April inclusive. Working days 3, 7–10, 13–17, 20–24, 27–30 April.
        assert_eq!(overdue_working_days(&cal, d("2026-04-02"), None, april), 1 + 4 + 5 + 5 + 4);
        // Closed early: never negative.
        assert_eq!(overdue_working_days(&cal, d("2026-04-20"), Some(d("2026-04-10")), april), 0);
    }

    #[test]
    fn the_list_holds_exactly_what_belongs_in_it() {
        let cal = WorkCalendar::shipped();
        let april = Month::parse("2026-04").unwrap();
        let facts = [
            fact("OPEN-LATE", "2026-04-20", None, false),
            fact("OPEN-DUE-ON-LAST-DAY", "2026-04-30", None, false),
            fact("CLOSED-LATE", "2026-04-08", Some("2026-04-10"), true),
            fact("CLOSED-ON-TIME", "2026-04-08", Some("2026-04-08"), true),
            fact("STEP-LATE-NOT-CLOSED", "2026-04-08", Some("2026-04-10"), false),
            fact("CLOSED-LATE-IN-MARCH", "2026-03-20", Some("2026-03-31"), true),
        ];
        let items = bulletin_items(&cal, april, &facts);
        let codes: Vec<&str> = items.iter().map(|i| i.project_code.as_str()).collect();
        assert_eq!(codes, vec!["OPEN-LATE", "CLOSED-LATE"]);
        assert_eq!(items[0].overdue_working_days, 8, "21–24 and 27–30 April");
        assert_eq!(items[0].closed_on, None);
        assert_eq!(items[1].overdue_working_days, 2);
    }

    #[test]
    fn departments_rank_by_on_time_rate() {
        let line = |code: &str, on_time, late, overdue| DepartmentLine {
            department_code: code.into(),
            department: code.into(),
            on_time,
            late,
            overdue_at_end: overdue,
            ..Default::default()
        };
        let mut lines = vec![line("a", 1, 1, 0), line("b", 3, 0, 2), line("c", 0, 0, 5), line("d", 1, 1, 3)];
        rank(&mut lines);
        let order: Vec<(&str, Option<u32>)> = lines.iter().map(|l| (l.department_code.as_str(), l.rank)).collect();
        assert_eq!(order, vec![("b", Some(1)), ("a", Some(2)), ("d", Some(3)), ("c", None)]);
        assert_eq!(lines[0].on_time_rate_text(), "100.0%");
        assert_eq!(lines[1].on_time_rate_text(), "50.0%");
        assert_eq!(lines[3].on_time_rate_text(), "—");
    }

    #[test]
    fn numbers_follow_the_office_series() {
        assert_eq!(bulletin_number("正镶白旗清理办通报", 2026, 3), "正镶白旗清理办通报〔2026〕3号");
    }
}
