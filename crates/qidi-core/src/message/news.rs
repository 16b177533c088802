//! News of an application, a step, a bulletin, a hotline order or a channel test, and who hears of a step.

use super::render::{field, sentence, single};
use super::{Message, MessageKind};
use crate::sentence::{Arg, Sentence, Words};
use crate::workflow::Action;
use chrono::NaiveDate;

/// What happened to an application, as told to its department or its project unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationNews<'a> {
    pub project_code: &'a str,
    pub project_name: &'a str,
    pub item_type: &'a str,
    pub department: &'a str,
    /// Path of the application on this server.
    pub link: &'a str,
    /// What happened, in a few words, e.g. "已受理" or "出具一次性补正告知书（自然资源告〔2026〕3号）".
    pub what: Sentence,
    /// The new due date, if a clock runs.
    pub due_on: Option<NaiveDate>,
}

fn news_lines(w: &dyn Words, n: &ApplicationNews<'_>) -> Vec<String> {
    let project = w.say(
        sentence("msg-line-project", format!("项目：{}（{}）", n.project_name, n.project_code))
            .arg("name", n.project_name)
            .arg("code", n.project_code),
    );
    let mut lines = vec![
        project,
        field(w, "msg-line-item-type", "审批事项", "item_type", n.item_type),
        field(w, "msg-line-department", "办理部门", "department", n.department),
        field(w, "msg-line-what", "情况", "what", w.say(n.what.clone())),
    ];
    if let Some(d) = n.due_on {
        lines.push(field(w, "msg-line-due", "办理时限", "due", d));
    }
    lines
}

/// A new application in a department's queue, for its handlers.
pub fn new_application(w: &dyn Words, n: &ApplicationNews<'_>, base_url: &str) -> Message {
    let subject = w.say(
        sentence("msg-new-application-subject", format!("【待受理】{} · {}", n.project_name, n.item_type))
            .arg("name", n.project_name)
            .arg("item_type", n.item_type),
    );
    single(w, MessageKind::NewApplication, subject, &news_lines(w, n), n.link, base_url)
}

/// A notice, an acceptance or a decision, for the project unit and its helper.
pub fn applicant_update(w: &dyn Words, n: &ApplicationNews<'_>, base_url: &str) -> Message {
    let what = w.say(n.what.clone());
    let subject = w.say(
        sentence("msg-applicant-update-subject", format!("【审批进展】{} · {}：{what}", n.project_name, n.item_type))
            .arg("name", n.project_name)
            .arg("item_type", n.item_type)
            .arg("what", what.as_str()),
    );
    single(w, MessageKind::ApplicantUpdate, subject, &news_lines(w, n), n.link, base_url)
}

/// A bulletin was issued, for the office, the leader and the discipline inspectors.
pub fn bulletin_issued(w: &dyn Words, number: &str, title: &str, items: usize, link: &str, base_url: &str) -> Message {
    let subject = w.say(
        sentence("msg-bulletin-subject", format!("【通报】{number} {title}")).arg("number", number).arg("title", title),
    );
    let lines = vec![
        field(w, "msg-line-number", "文号", "number", number),
        field(w, "msg-line-title", "标题", "title", title),
        w.say(sentence("msg-line-overdue-items", format!("超期事项：{items} 个")).arg("items", items)),
        w.say(sentence("msg-bulletin-download", "可在平台查看并下载 Excel、Word 版本。".into())),
    ];
    single(w, MessageKind::Bulletin, subject, &lines, link, base_url)
}

/// What happened to a hotline work order, for the message that tells of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotlineNews {
    /// Assigned to the leading department (to its head).
    Assigned,
    /// A step of the leading department is late (催办).
    Urging { days_overdue: i64 },
    /// Reopened more than three times (to the office).
    Escalated { reopenings: u32 },
}

/// A complaint category as an argument.
fn category_arg(c: crate::hotline::Category) -> Arg {
    Arg::Label { prefix: "hotline-category", code: c.as_str() }
}

/// A hotline work order's news. It names the order, its category, the project and
/// the due date, never the caller (来电人).
#[allow(clippy::too_many_arguments)]
pub fn hotline_news(
    w: &dyn Words,
    news: HotlineNews,
    order_number: &str,
    category: crate::hotline::Category,
    project: Option<&str>,
    due_on: Option<NaiveDate>,
    link: &str,
    base_url: &str,
) -> Message {
    let subject = w.say(match news {
        HotlineNews::Assigned => sentence(
            "msg-hotline-assigned",
            format!("【12345工单】{order_number}（{}）已派至本部门牵头办理", category.label_zh()),
        )
        .arg("order", order_number)
        .arg("category", category_arg(category)),
        HotlineNews::Urging { days_overdue } => sentence(
            "msg-hotline-urging",
            format!("【催办】12345工单 {order_number} 已超期 {days_overdue} 个工作日，请尽快办理答复"),
        )
        .arg("order", order_number)
        .arg("days", days_overdue),
        HotlineNews::Escalated { reopenings } => sentence(
            "msg-hotline-escalated",
            format!("【升级督办】12345工单 {order_number} 已重办 {reopenings} 次，来电人仍不满意"),
        )
        .arg("order", order_number)
        .arg("reopenings", reopenings),
    });
    let mut lines = vec![
        field(w, "msg-line-order", "工单编号", "order", order_number),
        w.say(
            sentence("msg-line-category", format!("投诉类别：{}", category.label_zh()))
                .arg("category", category_arg(category)),
        ),
    ];
    if let Some(p) = project {
        lines.push(field(w, "msg-line-hotline-project", "涉及项目", "project", p));
    }
    if let Some(d) = due_on {
        lines.push(field(w, "msg-line-due", "办理时限", "due", d));
    }
    lines.push(
        w.say(sentence("msg-hotline-caller-protected", "来电人信息按规定保护，请在平台内查看诉求并办理。".into())),
    );
    single(w, MessageKind::Hotline, subject, &lines, link, base_url)
}

/// The message `qidi channel test` sends.
pub fn channel_test(w: &dyn Words, channel: &str, base_url: &str) -> Message {
    let subject = w.say(sentence("msg-channel-test-subject", "【起底】消息渠道测试".into()));
    let lines = vec![
        w.say(
            sentence(
                "msg-channel-test-body",
                format!("这是一条测试消息，用于确认渠道「{channel}」可以收到起底平台的通知。"),
            )
            .arg("channel", channel),
        ),
        w.say(sentence("msg-channel-test-no-reply", "无需回复。".into())),
    ];
    single(w, MessageKind::ChannelTest, subject, &lines, "/", base_url)
}

/// Who hears of a step of an application, and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepNews {
    /// The application entered the department's queue: its handlers.
    Queue(Sentence),
    /// Something the project unit (and its helper) must know.
    ProjectUnit(Sentence),
}

/// What a step tells whom: a (re)submission goes to the department's queue; a
/// one-time notice, an acceptance, an extension and every decision go to the project
/// unit. A return names its notice's document number once the store has issued it.
pub fn step_news(action: &Action) -> Option<StepNews> {
    let unit = |s: Sentence| Some(StepNews::ProjectUnit(s));
    let said = |key, zh: &str| Sentence::new(key, zh);
    match action {
        Action::Submit { .. } => {
            Some(StepNews::Queue(said("msg-step-submit", "项目单位提交了申请，请在规定时限内受理或一次性告知补正")))
        }
        Action::Resubmit { .. } => {
            Some(StepNews::Queue(said("msg-step-resubmit", "项目单位补正后重新提交了申请，请及时审查")))
        }
        Action::Return { notice } => unit(match &notice.number {
            Some(n) => {
                sentence("msg-step-return-numbered", format!("出具一次性补正告知书（{n}），请按告知一次性补齐材料"))
                    .arg("number", n.as_str())
            }
            None => said("msg-step-return", "出具一次性补正告知书，请按告知一次性补齐材料"),
        }),
        Action::Accept => unit(said("msg-step-accept", "已受理，审批时限开始计算")),
        Action::DeemAccept { received_on, .. } => unit(
            sentence("msg-step-deem-accept", format!("补正告知期限届满未告知，依法自 {received_on} 起视为受理"))
                .arg("received", *received_on),
        ),
        Action::Extend { reason } => unit(
            sentence("msg-step-extend", format!("经部门负责人批准延长审批时限：{reason}"))
                .arg("reason", reason.to_string()),
        ),
        Action::Approve { document_number, .. } => unit(
            sentence("msg-step-approve", format!("准予许可（{document_number}）"))
                .arg("number", document_number.to_string()),
        ),
        Action::Refuse { reasons } => {
            unit(sentence("msg-step-refuse", format!("不予许可：{reasons}")).arg("reasons", reasons.to_string()))
        }
        Action::Forward { to_authority } => unit(
            sentence("msg-step-forward", format!("已转报{to_authority}审批"))
                .arg("authority", to_authority.to_string()),
        ),
        Action::RecordHigherOutcome { approved: true, document_number, .. } => unit(match document_number {
            Some(n) => sentence("msg-step-higher-approve-numbered", format!("上级机关准予许可（{n}）"))
                .arg("number", n.to_string()),
            None => said("msg-step-higher-approve", "上级机关准予许可"),
        }),
        Action::RecordHigherOutcome { approved: false, .. } => unit(said("msg-step-higher-refuse", "上级机关不予许可")),
        Action::Pause { .. } | Action::Resume | Action::Withdraw { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::fixtures::d;
    use crate::sentence::InChinese;

    #[test]
    fn html_is_escaped() {
        let n = ApplicationNews {
            project_code: "C",
            project_name: "<script>",
            item_type: "t",
            department: "d",
            link: "/applications/1",
            what: "已受理".into(),
            due_on: Some(d("2026-03-20")),
        };
        let m = applicant_update(&InChinese, &n, "http://h");
        assert!(m.html.contains("&lt;script&gt;") && !m.html.contains("<script>"));
        assert!(m.text.contains("办理时限：2026-03-20"));
        assert_eq!(m.link.as_deref(), Some("/applications/1"));
    }

    #[test]
    fn steps_tell_the_queue_or_the_unit() {
        assert!(matches!(step_news(&Action::Submit { materials: vec![] }), Some(StepNews::Queue(_))));
        let Some(StepNews::ProjectUnit(accepted)) = step_news(&Action::Accept) else {
            panic!("an acceptance tells the unit")
        };
        assert_eq!(accepted, "已受理，审批时限开始计算");
        let notice = serde_json::json!({"problems": [], "number": "自然资源告〔2026〕3号"});
        let Some(StepNews::ProjectUnit(s)) =
            step_news(&Action::Return { notice: serde_json::from_value(notice).unwrap() })
        else {
            panic!("a return tells the unit")
        };
        assert!(s.contains("自然资源告〔2026〕3号"));
        assert_eq!(step_news(&Action::Resume), None);
    }
}
