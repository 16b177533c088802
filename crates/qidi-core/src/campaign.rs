//! Campaigns (大起底): a time-boxed sweep with its plan's milestones as data (R6), and
//! the span of dates a person or a file may set for its work.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A dated step of a campaign's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub on: NaiveDate,
    pub label: String,
    /// What the record must show for the step to be met; `None`: a step the record
    /// cannot judge (it is shown by its date only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MilestoneKind>,
}

/// The steps of a sweep whose completion the record shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// Every initiating department pushed its check lists (推送核查清单).
    ListsPushed,
    /// Every department with items in the ledger signed its ledger (部门台账签字).
    LedgersSigned,
    /// The banner ledger carries all its signatures (全旗台账报旗政府).
    BannerSigned,
    /// No proposed removal waits for a decision (移出项目库).
    RemovalsDecided,
    /// Every handling department has handled an application online (全部部门上线办理).
    DepartmentsOnline,
    /// Nothing of the baseline remains (基本办结).
    Finished,
}

impl MilestoneKind {
    pub const ALL: [MilestoneKind; 6] = [
        MilestoneKind::ListsPushed,
        MilestoneKind::LedgersSigned,
        MilestoneKind::BannerSigned,
        MilestoneKind::RemovalsDecided,
        MilestoneKind::DepartmentsOnline,
        MilestoneKind::Finished,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::ListsPushed => "lists_pushed",
            MilestoneKind::LedgersSigned => "ledgers_signed",
            MilestoneKind::BannerSigned => "banner_signed",
            MilestoneKind::RemovalsDecided => "removals_decided",
            MilestoneKind::DepartmentsOnline => "departments_online",
            MilestoneKind::Finished => "finished",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            MilestoneKind::ListsPushed => "核查清单全部推送",
            MilestoneKind::LedgersSigned => "部门台账全部签字",
            MilestoneKind::BannerSigned => "全旗台账签字",
            MilestoneKind::RemovalsDecided => "移出申请全部审定",
            MilestoneKind::DepartmentsOnline => "部门全部上线办理",
            MilestoneKind::Finished => "基线事项全部核减",
        }
    }
}

/// The record's facts about a campaign's steps: the day each was completed, if it was.
/// A step with nothing to do (no department, no removal) is not complete either: the
/// store leaves it `None` until there is something and all of it is done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CampaignFacts {
    pub lists_pushed: Option<NaiveDate>,
    pub ledgers_signed: Option<NaiveDate>,
    pub banner_signed: Option<NaiveDate>,
    pub removals_decided: Option<NaiveDate>,
    pub departments_online: Option<NaiveDate>,
    pub finished: Option<NaiveDate>,
}

impl CampaignFacts {
    pub fn completed_on(&self, kind: MilestoneKind) -> Option<NaiveDate> {
        match kind {
            MilestoneKind::ListsPushed => self.lists_pushed,
            MilestoneKind::LedgersSigned => self.ledgers_signed,
            MilestoneKind::BannerSigned => self.banner_signed,
            MilestoneKind::RemovalsDecided => self.removals_decided,
            MilestoneKind::DepartmentsOnline => self.departments_online,
            MilestoneKind::Finished => self.finished,
        }
    }
}

/// Whether a milestone was met, as of `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MilestoneState {
    /// Completed on or before its date.
    Met { completed_on: NaiveDate },
    /// Completed, but after its date.
    MetLate { completed_on: NaiveDate },
    /// Not completed and its date has passed.
    Missed,
    /// Not completed; its date is still ahead (or today).
    Open,
    /// A step the record cannot judge.
    Unjudged,
}

impl MilestoneState {
    pub fn label_zh(self) -> String {
        match self {
            MilestoneState::Met { completed_on } => format!("已完成（{completed_on}）"),
            MilestoneState::MetLate { completed_on } => format!("逾期完成（{completed_on}）"),
            MilestoneState::Missed => "未按期完成".into(),
            MilestoneState::Open => "进行中".into(),
            MilestoneState::Unjudged => "—".into(),
        }
    }
    /// A CSS class for the state's colour.
    pub fn class(self) -> &'static str {
        match self {
            MilestoneState::Met { .. } => "green",
            MilestoneState::MetLate { .. } => "yellow",
            MilestoneState::Missed => "red",
            MilestoneState::Open | MilestoneState::Unjudged => "none",
        }
    }
}

impl Milestone {
    /// Met, late, missed or open, from the record's facts.
    pub fn state(&self, facts: &CampaignFacts, today: NaiveDate) -> MilestoneState {
        let Some(kind) = self.kind else { return MilestoneState::Unjudged };
        match facts.completed_on(kind) {
            Some(on) if on <= self.on => MilestoneState::Met { completed_on: on },
            Some(on) => MilestoneState::MetLate { completed_on: on },
            None if today > self.on => MilestoneState::Missed,
            None => MilestoneState::Open,
        }
    }
}

/// A time-boxed sweep (大起底) with its plan's milestones as data (R6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub milestones: Vec<Milestone>,
}

/// How many years after its end (or after today, for a campaign that overran it) a
/// date set for a campaign's work may lie. A deadline further out is a slip of the
/// keyboard (2202 for 2022) or a probe, never a plan.
pub const YEARS_AHEAD: u32 = 5;

/// How many years after its start a campaign may be extended to.
pub const LONGEST_YEARS: u32 = 10;

/// Read milestones as the office writes them, one a line: a date (`2027-03-02`,
/// `2027/3/2` or `2027年3月2日`), a space, the label. A label the plan uses keeps its
/// step's kind ([`Campaign::with_known_kinds`]).
pub fn parse_milestones(text: &str) -> Result<Vec<Milestone>, CampaignError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || CampaignError::BadMilestoneLine { line: i + 1 };
        let (date, label) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
        let on = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(date, f).ok())
            .ok_or_else(bad)?;
        out.push(Milestone { on, label: label.trim().to_string(), kind: None });
    }
    out.sort_by_key(|m| m.on);
    Ok(out)
}

/// Milestones as the office edits them: the inverse of [`parse_milestones`].
pub fn milestones_text(milestones: &[Milestone]) -> String {
    milestones.iter().map(|m| format!("{} {}\n", m.on, m.label)).collect()
}

/// Whether `role` may start a campaign or move its end date: the sweep office, which
/// runs the campaign for the leading group.
pub fn may_plan(role: crate::Role) -> bool {
    role == crate::Role::Office
}

/// The first day any date of the sweep's work may name: the ledger covers projects
/// initiated since 2016 (R1), so no deadline, feedback date or decision lies earlier.
pub fn scope_starts() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 1).expect("valid literal date")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("结束日期 {ends_on} 早于开始日期 {starts_on}")]
    EndsBeforeStart { starts_on: NaiveDate, ends_on: NaiveDate },
    #[error("结束日期 {ends_on} 晚于 {latest}（开始后 {LONGEST_YEARS} 年），请核对年份")]
    EndsTooLate { ends_on: NaiveDate, latest: NaiveDate },
    #[error("节点“{label}”的日期 {on} 不在工作期内")]
    MilestoneOutside { label: String, on: NaiveDate },
    #[error("工作名称须为 1–60 个字")]
    BadName,
    #[error("工作代码须为 1–32 位小写字母、数字或连字符，如 sweep-2027")]
    BadCode,
    #[error("工作代码“{0}”已被本地区的另一项工作使用")]
    CodeTaken(String),
    #[error("节点名称须为 1–100 个字")]
    BadMilestoneLabel,
    #[error("节点第{line}行应为“日期 名称”，如 2027-03-02 推送核查清单")]
    BadMilestoneLine { line: usize },
    #[error("新工作的开始日期 {starts_on} 须晚于上一项工作“{previous}”的开始日期 {previous_start}")]
    StartsBeforePrevious { starts_on: NaiveDate, previous: String, previous_start: NaiveDate },
}

impl crate::sentence::Explain for CampaignError {
    fn key(&self) -> &'static str {
        match self {
            CampaignError::EndsBeforeStart { .. } => "err-campaign-ends-before-start",
            CampaignError::EndsTooLate { .. } => "err-campaign-ends-too-late",
            CampaignError::MilestoneOutside { .. } => "err-campaign-milestone-outside",
            CampaignError::BadName => "err-campaign-bad-name",
            CampaignError::BadCode => "err-campaign-bad-code",
            CampaignError::CodeTaken(_) => "err-campaign-code-taken",
            CampaignError::BadMilestoneLabel => "err-campaign-bad-milestone-label",
            CampaignError::BadMilestoneLine { .. } => "err-campaign-bad-milestone-line",
            CampaignError::StartsBeforePrevious { .. } => "err-campaign-starts-before-previous",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            CampaignError::EndsBeforeStart { starts_on, ends_on } => {
                vec![("starts_on", (*starts_on).into()), ("ends_on", (*ends_on).into())]
            }
            CampaignError::EndsTooLate { ends_on, latest } => {
                vec![("ends_on", (*ends_on).into()), ("latest", (*latest).into()), ("years", LONGEST_YEARS.into())]
            }
            CampaignError::MilestoneOutside { label, on } => vec![("label", label.into()), ("on", (*on).into())],
            CampaignError::CodeTaken(code) => vec![("code", code.into())],
            CampaignError::BadMilestoneLine { line } => vec![("line", (*line).into())],
            CampaignError::StartsBeforePrevious { starts_on, previous, previous_start } => vec![
                ("starts_on", (*starts_on).into()),
                ("previous", previous.into()),
                ("previous_start", (*previous_start).into()),
            ],
            CampaignError::BadName | CampaignError::BadCode | CampaignError::BadMilestoneLabel => Vec::new(),
        }
    }
}

/// The dates a campaign's work may name, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateWindow {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A date far outside the campaign: named by its field, with the span it must lie in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {on} 超出合理范围（应在 {from} 至 {to} 之间），请核对年份")]
pub struct DateOutsideCampaign {
    pub field: String,
    pub on: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl crate::sentence::Explain for DateOutsideCampaign {
    fn key(&self) -> &'static str {
        "err-campaign-date-outside"
    }
    /// `field` names the date for the catalogues to word (`due_on`, `answer_due`, or
    /// `other`, which shows `label`, the field as the caller wrote it).
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        let field = match self.field.as_str() {
            "完成时限" => "due_on",
            "反馈期限" => "answer_due",
            _ => "other",
        };
        vec![
            ("field", field.into()),
            ("label", (&self.field).into()),
            ("on", self.on.into()),
            ("from", self.from.into()),
            ("to", self.to.into()),
        ]
    }
}

impl DateWindow {
    pub fn contains(&self, on: NaiveDate) -> bool {
        self.from <= on && on <= self.to
    }

    /// `on`, if it lies in the window; else an error naming `field`.
    pub fn check(&self, field: &str, on: NaiveDate) -> Result<NaiveDate, DateOutsideCampaign> {
        if self.contains(on) {
            Ok(on)
        } else {
            Err(DateOutsideCampaign { field: field.to_string(), on, from: self.from, to: self.to })
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid literal date")
}

fn years_after(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(NaiveDate::MAX)
}

impl Campaign {
    /// The 2022 sweep of the Zhengxiangbai Banner plan (issued 2022-08-19): the
    /// template a region's campaigns start from.
    pub fn sweep_2022() -> Campaign {
        use MilestoneKind as K;
        let m = |mo, d, label: &str, kind| Milestone { on: ymd(2022, mo, d), label: label.to_string(), kind };
        Campaign {
            code: "sweep-2022".into(),
            name: "待批项目大起底".into(),
            starts_on: ymd(2022, 8, 19),
            ends_on: ymd(2022, 12, 31),
            milestones: vec![
                m(8, 20, "推送核查清单，各办理部门反馈核查情况", Some(K::ListsPushed)),
                m(8, 23, "部门台账签字", Some(K::LedgersSigned)),
                m(8, 25, "全旗台账报旗政府", Some(K::BannerSigned)),
                m(9, 20, "不符合要求的项目移出项目库", Some(K::RemovalsDecided)),
                m(9, 30, "全部部门上线办理", Some(K::DepartmentsOnline)),
                m(12, 31, "待批事项基本办结", Some(K::Finished)),
            ],
        }
    }

    /// A new campaign from the 2022 plan: its milestones and end keep the same number of
    /// days after the start as the plan's did.
    pub fn from_template(code: &str, name: &str, starts_on: NaiveDate) -> Campaign {
        let t = Campaign::sweep_2022();
        let shift = |d: NaiveDate| starts_on + (d - t.starts_on);
        Campaign {
            code: code.to_string(),
            name: name.to_string(),
            starts_on,
            ends_on: shift(t.ends_on),
            milestones: t.milestones.iter().map(|m| Milestone { on: shift(m.on), ..m.clone() }).collect(),
        }
    }

    /// Kinds for milestones stored before milestones had one (the 2022 plan's rows):
    /// a milestone labelled as a step of the plan is that step.
    pub fn with_known_kinds(mut self) -> Campaign {
        let template = Campaign::sweep_2022();
        for m in self.milestones.iter_mut().filter(|m| m.kind.is_none()) {
            m.kind = template.milestones.iter().find(|t| t.label == m.label).and_then(|t| t.kind);
        }
        self
    }

    /// The checks of a new campaign in a region: its own shape ([`Campaign::validate`]),
    /// a name and code, a code no other campaign of the region uses, and a start after
    /// the start of the region's campaigns so far (the newest is the current one).
    pub fn check_new(&self, existing: &[Campaign]) -> Result<(), CampaignError> {
        let name = self.name.trim().chars().count();
        if name == 0 || name > 60 {
            return Err(CampaignError::BadName);
        }
        let code_ok = (1..=32).contains(&self.code.len())
            && self.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !code_ok {
            return Err(CampaignError::BadCode);
        }
        if self.milestones.iter().any(|m| m.label.trim().is_empty() || m.label.chars().count() > 100) {
            return Err(CampaignError::BadMilestoneLabel);
        }
        self.validate()?;
        if existing.iter().any(|c| c.code == self.code) {
            return Err(CampaignError::CodeTaken(self.code.clone()));
        }
        if let Some(last) = existing.iter().max_by_key(|c| c.starts_on) {
            if self.starts_on <= last.starts_on {
                return Err(CampaignError::StartsBeforePrevious {
                    starts_on: self.starts_on,
                    previous: last.name.clone(),
                    previous_start: last.starts_on,
                });
            }
        }
        Ok(())
    }

    /// The end date may move (the campaign is extended), but not past
    /// [`LONGEST_YEARS`] years after the start; milestones must stay inside.
    pub fn validate(&self) -> Result<(), CampaignError> {
        if self.ends_on < self.starts_on {
            return Err(CampaignError::EndsBeforeStart { starts_on: self.starts_on, ends_on: self.ends_on });
        }
        let latest = years_after(self.starts_on, LONGEST_YEARS);
        if self.ends_on > latest {
            return Err(CampaignError::EndsTooLate { ends_on: self.ends_on, latest });
        }
        for m in &self.milestones {
            if m.on < self.starts_on || m.on > self.ends_on {
                return Err(CampaignError::MilestoneOutside { label: m.label.clone(), on: m.on });
            }
        }
        Ok(())
    }

    /// The campaign with another end date, checked.
    pub fn with_end(&self, ends_on: NaiveDate) -> Result<Campaign, CampaignError> {
        let c = Campaign { ends_on, ..self.clone() };
        c.validate()?;
        Ok(c)
    }

    /// The dates its work may name (deadlines, feedback dates, completion limits):
    /// from the start of the ledger's scope to [`YEARS_AHEAD`] years after its end,
    /// or after `today` when the work goes on past the end.
    pub fn date_window(&self, today: NaiveDate) -> DateWindow {
        DateWindow { from: scope_starts().min(self.starts_on), to: years_after(self.ends_on.max(today), YEARS_AHEAD) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn campaigns() {
        let c = Campaign::sweep_2022();
        assert!(c.validate().is_ok());
        assert_eq!(c.ends_on, ymd(2022, 12, 31));
        assert_eq!(c.milestones.len(), 6);
        assert!(c.with_end(ymd(2023, 3, 31)).is_ok());
        assert!(c.with_end(ymd(2032, 8, 19)).is_ok());
        assert_eq!(
            c.with_end(ymd(2032, 8, 20)),
            Err(CampaignError::EndsTooLate { ends_on: ymd(2032, 8, 20), latest: ymd(2032, 8, 19) })
        );
        assert!(matches!(c.with_end(ymd(2022, 9, 1)), Err(CampaignError::MilestoneOutside { .. })));
        assert!(matches!(c.with_end(ymd(2022, 1, 1)), Err(CampaignError::EndsBeforeStart { .. })));
    }

    #[test]
    fn dates_far_outside_the_campaign_are_refused_with_the_field_and_the_span() {
        let w = Campaign::sweep_2022().date_window(ymd(2022, 9, 1));
        assert_eq!(w, DateWindow { from: ymd(2016, 1, 1), to: ymd(2027, 12, 31) });
        // Work that goes on after the end: five years from today.
        assert_eq!(Campaign::sweep_2022().date_window(ymd(2026, 12, 2)).to, ymd(2031, 12, 2));
        assert_eq!(w.check("完成时限", ymd(2022, 9, 30)), Ok(ymd(2022, 9, 30)));
        assert_eq!(w.check("完成时限", ymd(2016, 1, 1)), Ok(ymd(2016, 1, 1)));
        assert_eq!(w.check("完成时限", ymd(2027, 12, 31)), Ok(ymd(2027, 12, 31)));
        let e = w.check("完成时限", ymd(2202, 9, 30)).unwrap_err();
        assert_eq!(e.to_string(), "完成时限 2202-09-30 超出合理范围（应在 2016-01-01 至 2027-12-31 之间），请核对年份");
        assert!(w.check("反馈期限", ymd(2015, 12, 31)).is_err());
        assert!(w.check("反馈期限", NaiveDate::MIN).is_err());
        assert!(w.check("反馈期限", NaiveDate::MAX).is_err());
        // A campaign that started before the scope's first day keeps its own start.
        let early = Campaign { starts_on: ymd(2015, 6, 1), ..Campaign::sweep_2022() };
        assert_eq!(early.date_window(ymd(2022, 9, 1)).from, ymd(2015, 6, 1));
    }

    #[test]
    fn a_new_campaign_starts_from_the_template_and_must_follow_the_last() {
        let first = Campaign::sweep_2022();
        let next = Campaign::from_template("sweep-2027", "第二轮大起底", ymd(2027, 3, 1));
        // The plan's offsets: the list one day after the start, the end 134 days after.
        assert_eq!(next.milestones[0].on, ymd(2027, 3, 2));
        assert_eq!(next.ends_on, ymd(2027, 7, 13));
        assert_eq!(next.milestones.len(), 6);
        assert!(next.milestones.iter().all(|m| m.kind.is_some()));
        assert_eq!(next.check_new(std::slice::from_ref(&first)), Ok(()));
        let same_code = Campaign { code: "sweep-2022".into(), ..next.clone() };
        assert_eq!(
            same_code.check_new(std::slice::from_ref(&first)),
            Err(CampaignError::CodeTaken("sweep-2022".into()))
        );
        let earlier = Campaign::from_template("sweep-2021", "更早", ymd(2021, 1, 1));
        assert!(matches!(
            earlier.check_new(std::slice::from_ref(&first)),
            Err(CampaignError::StartsBeforePrevious { .. })
        ));
        assert_eq!(Campaign { code: "Sweep 2027".into(), ..next.clone() }.check_new(&[]), Err(CampaignError::BadCode));
        assert_eq!(Campaign { name: " ".into(), ..next.clone() }.check_new(&[]), Err(CampaignError::BadName));
        let mut outside = next.clone();
        outside.milestones[0].on = ymd(2026, 1, 1);
        assert!(matches!(outside.check_new(&[]), Err(CampaignError::MilestoneOutside { .. })));
    }

    #[test]
    fn milestones_are_written_one_a_line_and_keep_the_plans_kinds() {
        let next = Campaign::from_template("sweep-2027", "第二轮", ymd(2027, 3, 1));
        let text = milestones_text(&next.milestones);
        assert!(text.starts_with("2027-03-02 推送核查清单"));
        let read = Campaign { milestones: parse_milestones(&text).unwrap(), ..next.clone() }.with_known_kinds();
        assert_eq!(read, next);
        let m = parse_milestones("2027年4月1日 自定节点\n\n2027/3/5  部门台账签字").unwrap();
        assert_eq!((m[0].on, m[0].label.as_str()), (ymd(2027, 3, 5), "部门台账签字"));
        assert_eq!(m[1].label, "自定节点");
        assert_eq!(parse_milestones("2027-03-05\n"), Err(CampaignError::BadMilestoneLine { line: 1 }));
        assert_eq!(parse_milestones("\n下周 签字"), Err(CampaignError::BadMilestoneLine { line: 2 }));
        assert!(may_plan(crate::Role::Office) && !may_plan(crate::Role::Leader));
    }

    #[test]
    fn a_milestone_is_met_late_missed_or_open_from_the_record() {
        let c = Campaign::sweep_2022();
        let signing = &c.milestones[1];
        assert_eq!(signing.kind, Some(MilestoneKind::LedgersSigned));
        let facts = |on| CampaignFacts { ledgers_signed: on, ..Default::default() };
        assert_eq!(
            signing.state(&facts(Some(ymd(2022, 8, 23))), ymd(2022, 9, 1)),
            MilestoneState::Met { completed_on: ymd(2022, 8, 23) }
        );
        assert_eq!(
            signing.state(&facts(Some(ymd(2022, 8, 24))), ymd(2022, 9, 1)),
            MilestoneState::MetLate { completed_on: ymd(2022, 8, 24) }
        );
        assert_eq!(signing.state(&facts(None), ymd(2022, 8, 24)), MilestoneState::Missed);
        assert_eq!(signing.state(&facts(None), ymd(2022, 8, 23)), MilestoneState::Open);
        let free = Milestone { kind: None, ..signing.clone() };
        assert_eq!(free.state(&facts(Some(ymd(2022, 8, 1))), ymd(2022, 9, 1)), MilestoneState::Unjudged);
        // Stored milestones of older databases have no kind and still read.
        let old: Milestone = serde_json::from_str(r#"{"on":"2022-08-23","label":"部门台账签字"}"#).unwrap();
        assert_eq!(old.kind, None);
        let stored =
            Campaign { milestones: vec![old, Milestone { label: "自定节点".into(), ..free.clone() }], ..c.clone() };
        let kinds: Vec<_> = stored.with_known_kinds().milestones.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, vec![Some(MilestoneKind::LedgersSigned), None]);
        for k in MilestoneKind::ALL {
            assert_eq!(MilestoneKind::parse(k.as_str()), Some(k));
        }
    }

    proptest! {
        #[test]
        fn the_window_holds_the_whole_campaign_and_a_date_is_in_it_exactly_when_check_passes(
            start in 0i64..4000, len in 0i64..1800, probe in -40_000i64..40_000, today in 0i64..6000,
        ) {
            let starts_on = ymd(2016, 1, 1) + chrono::Days::new(start as u64);
            let ends_on = starts_on + chrono::Days::new(len as u64);
            let c = Campaign { starts_on, ends_on, milestones: vec![], ..Campaign::sweep_2022() };
            let today = ymd(2016, 1, 1) + chrono::Days::new(today as u64);
            let w = c.date_window(today);
            prop_assert!(w.contains(starts_on) && w.contains(ends_on) && w.contains(today));
            let on = ymd(2022, 1, 1).checked_add_signed(chrono::Duration::days(probe)).unwrap();
            prop_assert_eq!(w.check("日期", on).is_ok(), w.from <= on && on <= w.to);
        }
    }
}
