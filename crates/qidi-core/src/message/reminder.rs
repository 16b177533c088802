//! Reminders of reports due or late: check results, ledger signatures, progress reports; the stage of each.

use super::render::{field, sentence, single};
use super::{Message, MessageKind};
use crate::calendar::WorkCalendar;
use crate::sentence::{Arg, Sentence, Words};
use chrono::NaiveDate;

/// A report stage as an argument.
fn stage_arg(stage: ReportStage) -> Arg {
    Arg::Label { prefix: "report-stage", code: stage.as_str() }
}

/// A check list whose answers are due and still missing, for the handling department.
pub fn missing_check_results(
    w: &dyn Words,
    department: &str,
    due_on: NaiveDate,
    stage: ReportStage,
    missing: usize,
    link: &str,
    base_url: &str,
) -> Message {
    let subject = w.say(
        sentence(
            "msg-missing-check-subject",
            format!(
                "【核查反馈提醒】{department}尚有 {missing} 个事项未反馈核查情况，时限 {due_on}（{}）",
                stage.label_zh()
            ),
        )
        .arg("department", department)
        .arg("missing", missing)
        .arg("due", due_on)
        .arg("stage", stage_arg(stage)),
    );
    let lines = vec![
        field(w, "msg-line-unit-department", "部门", "department", department),
        w.say(sentence("msg-line-missing-answers", format!("未反馈事项：{missing} 个")).arg("missing", missing)),
        field(w, "msg-line-answer-due", "反馈时限", "due", due_on),
        w.say(sentence("msg-missing-check-ask", "请在时限内逐项反馈核查结果并签字确认。".into())),
    ];
    single(w, MessageKind::MissingReport, subject, &lines, link, base_url)
}
/// How far a report (a check list's answers, a ledger signature) is from its due
/// date, for a reminder: once when it is due within a working day, once when late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStage {
    Due,
    Overdue,
}

impl ReportStage {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStage::Due => "due",
            ReportStage::Overdue => "overdue",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStage::Due => "即将到期",
            ReportStage::Overdue => "已逾期",
        }
    }
}

pub fn report_stage(calendar: &WorkCalendar, due_on: NaiveDate, on: NaiveDate) -> Option<ReportStage> {
    if on > due_on {
        Some(ReportStage::Overdue)
    } else if calendar.working_days_between(on, due_on) <= 1 {
        Some(ReportStage::Due)
    } else {
        None
    }
}

/// The campaign milestone by which departments sign their ledgers: the one of that
/// kind, or else (a milestone without a kind) the first whose label speaks of signing.
pub fn signing_milestone(campaign: &crate::ledger::Campaign) -> Option<&crate::ledger::Milestone> {
    use crate::campaign::MilestoneKind;
    (campaign.milestones.iter())
        .find(|m| m.kind == Some(MilestoneKind::LedgersSigned))
        .or_else(|| campaign.milestones.iter().find(|m| m.kind.is_none() && m.label.contains("签字")))
}

/// A department's ledger still unsigned at the campaign's signing milestone.
pub fn missing_signature(
    w: &dyn Words,
    department: &str,
    due_on: NaiveDate,
    stage: ReportStage,
    link: &str,
    base_url: &str,
) -> Message {
    let subject = w.say(
        sentence(
            "msg-missing-signature-subject",
            format!("【台账签字提醒】{department}的待批事项台账尚未签字确认，时限 {due_on}（{}）", stage.label_zh()),
        )
        .arg("department", department)
        .arg("due", due_on)
        .arg("stage", stage_arg(stage)),
    );
    let lines = vec![
        field(w, "msg-line-unit-department", "部门", "department", department),
        field(w, "msg-line-signature-due", "签字时限", "due", due_on),
        w.say(sentence(
            "msg-missing-signature-ask",
            "请部门负责人核对本部门台账后签字确认；签字后的台账作为基线，只减不增。".into(),
        )),
    ];
    single(w, MessageKind::MissingReport, subject, &lines, link, base_url)
}

/// A department's progress report (信息报送) for a period, not yet filed.
pub fn missing_progress_report(
    w: &dyn Words,
    department: &str,
    period: &Sentence,
    due_on: NaiveDate,
    stage: ReportStage,
    link: &str,
    base_url: &str,
) -> Message {
    let zh = &period.text;
    let period = w.say(period.clone());
    let period = period.as_str();
    let subject = w.say(
        sentence(
            "msg-missing-progress-subject",
            format!("【信息报送提醒】{department}{zh}工作进展尚未报送，时限 {due_on}（{}）", stage.label_zh()),
        )
        .arg("department", department)
        .arg("period", period)
        .arg("due", due_on)
        .arg("stage", stage_arg(stage)),
    );
    let lines = vec![
        field(w, "msg-line-unit-department", "部门", "department", department),
        w.say(sentence("msg-line-period", format!("报送期次：{zh}")).arg("period", period)),
        field(w, "msg-line-report-due", "报送时限", "due", due_on),
        w.say(sentence(
            "msg-missing-progress-ask",
            "请部门负责人或经办人在平台填报本期工作进展（办理数据已按记录预填）。".into(),
        )),
    ];
    single(w, MessageKind::MissingReport, subject, &lines, link, base_url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::fixtures::d;

    #[test]
    fn reports_are_reminded_when_due_and_when_late() {
        let cal = WorkCalendar::shipped();
        // Due Wednesday 2026-04-29: Monday is too early, Tuesday and Wednesday are due,
        // Thursday is late.
        let due = d("2026-04-29");
        assert_eq!(report_stage(&cal, due, d("2026-04-27")), None);
        assert_eq!(report_stage(&cal, due, d("2026-04-28")), Some(ReportStage::Due));
        assert_eq!(report_stage(&cal, due, due), Some(ReportStage::Due));
        assert_eq!(report_stage(&cal, due, d("2026-04-30")), Some(ReportStage::Overdue));
        let c = crate::ledger::Campaign::sweep_2022();
        assert_eq!(signing_milestone(&c).unwrap().on, d("2022-08-23"));
    }
}
