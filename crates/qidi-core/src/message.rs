//! Messages (消息): what qidi tells people, who is told what, and when.
//!
//! The store writes messages to an outbox in the same transaction as the change that
//! causes them; the notifier delivers them. Everything decided about a message (its
//! recipients, its text, how it is grouped, when the daily run is due, how long to
//! wait before trying a failed channel again) is decided here.

use crate::calendar::WorkCalendar;
use crate::light::Light;
use crate::sentence::{Arg, Sentence, Words};
use crate::workflow::Action;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt::Write;

/// What a message is about. People choose channels per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A clock turned yellow or red (红绿灯预警).
    LightChange,
    /// A new application in a department's queue.
    NewApplication,
    /// A one-time notice, an acceptance or a decision, for the project unit.
    ApplicantUpdate,
    /// A check result or signature due under the campaign's milestones is missing.
    MissingReport,
    /// A monthly bulletin was issued.
    Bulletin,
    /// A 12345 hotline work order: assigned, urged (催办) or escalated.
    Hotline,
    /// A channel test sent by the administrator.
    ChannelTest,
}

impl MessageKind {
    pub const ALL: [MessageKind; 6] = [
        MessageKind::LightChange,
        MessageKind::NewApplication,
        MessageKind::ApplicantUpdate,
        MessageKind::MissingReport,
        MessageKind::Bulletin,
        MessageKind::Hotline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::LightChange => "light_change",
            MessageKind::NewApplication => "new_application",
            MessageKind::ApplicantUpdate => "applicant_update",
            MessageKind::MissingReport => "missing_report",
            MessageKind::Bulletin => "bulletin",
            MessageKind::Hotline => "hotline",
            MessageKind::ChannelTest => "channel_test",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [MessageKind::ChannelTest].into_iter().chain(MessageKind::ALL).find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MessageKind::LightChange => "红黄灯预警",
            MessageKind::NewApplication => "新申请待受理",
            MessageKind::ApplicantUpdate => "补正告知、受理与审批结果",
            MessageKind::MissingReport => "核查反馈、签字与信息报送提醒",
            MessageKind::Bulletin => "月度通报",
            MessageKind::Hotline => "12345热线工单",
            MessageKind::ChannelTest => "渠道测试",
        }
    }
}

/// Where a message goes (渠道). In-app and email reach one person; the group robots
/// (群机器人) and a department's shared mailbox reach a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    InApp,
    Email,
    Wecom,
    Dingtalk,
}

impl ChannelKind {
    /// The channels a person chooses among for themselves.
    pub const PERSONAL: [ChannelKind; 2] = [ChannelKind::InApp, ChannelKind::Email];
    /// The channels an administrator configures for a department or the office.
    pub const GROUP: [ChannelKind; 3] = [ChannelKind::Email, ChannelKind::Wecom, ChannelKind::Dingtalk];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::InApp => "in_app",
            ChannelKind::Email => "email",
            ChannelKind::Wecom => "wecom",
            ChannelKind::Dingtalk => "dingtalk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ChannelKind::InApp, ChannelKind::Email, ChannelKind::Wecom, ChannelKind::Dingtalk]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ChannelKind::InApp => "站内消息",
            ChannelKind::Email => "电子邮件",
            ChannelKind::Wecom => "企业微信群机器人",
            ChannelKind::Dingtalk => "钉钉群机器人",
        }
    }
}

/// What the administrator allows for one kind of message over one personal channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelRule {
    /// Each person chooses (on unless they turn it off).
    Optional,
    /// Always on; nobody can turn it off.
    Required,
    /// Never used for this kind.
    Forbidden,
}

impl ChannelRule {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelRule::Optional => "optional",
            ChannelRule::Required => "required",
            ChannelRule::Forbidden => "forbidden",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ChannelRule::Optional, ChannelRule::Required, ChannelRule::Forbidden].into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ChannelRule::Optional => "个人自选",
            ChannelRule::Required => "必收",
            ChannelRule::Forbidden => "不发送",
        }
    }

    /// Whether a person gets the message over the channel: the rule first, then their
    /// own choice (`None`: never chosen, which means on).
    pub fn takes(self, own_choice: Option<bool>) -> bool {
        match self {
            ChannelRule::Required => true,
            ChannelRule::Forbidden => false,
            ChannelRule::Optional => own_choice.unwrap_or(true),
        }
    }

    /// Whether a person may set `enabled` under this rule.
    pub fn allows(self, enabled: bool) -> bool {
        match self {
            ChannelRule::Optional => true,
            ChannelRule::Required => enabled,
            ChannelRule::Forbidden => !enabled,
        }
    }
}

/// Why a group channel's target is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("“{0}”不是有效的电子邮件地址")]
    NotAnEmail(String),
    #[error("“{0}”不是有效地址：群机器人地址须为 http:// 或 https:// 开头的 Webhook 地址")]
    NotAUrl(String),
    #[error("只有钉钉群机器人使用加签密钥")]
    SecretNotUsed,
    #[error("站内消息发给个人，不能配置为渠道")]
    NotAGroupChannel,
}

impl crate::sentence::Explain for ChannelError {
    fn key(&self) -> &'static str {
        match self {
            ChannelError::NotAnEmail(_) => "err-channel-not-an-email",
            ChannelError::NotAUrl(_) => "err-channel-not-a-url",
            ChannelError::SecretNotUsed => "err-channel-secret-not-used",
            ChannelError::NotAGroupChannel => "err-channel-not-a-group-channel",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            ChannelError::NotAnEmail(v) | ChannelError::NotAUrl(v) => vec![("value", v.into())],
            _ => Vec::new(),
        }
    }
}

/// Check a group channel's target before it is stored: an email channel is a shared
/// mailbox, a robot is a webhook URL.
pub fn check_channel(kind: ChannelKind, target: &str, secret: Option<&str>) -> Result<(), ChannelError> {
    let t = target.trim();
    match kind {
        ChannelKind::InApp => return Err(ChannelError::NotAGroupChannel),
        ChannelKind::Email => {
            if !is_email(t) {
                return Err(ChannelError::NotAnEmail(t.to_string()));
            }
        }
        ChannelKind::Wecom | ChannelKind::Dingtalk => {
            let rest = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
                return Err(ChannelError::NotAUrl(t.to_string()));
            }
        }
    }
    if secret.is_some_and(|s| !s.is_empty()) && kind != ChannelKind::Dingtalk {
        return Err(ChannelError::SecretNotUsed);
    }
    Ok(())
}

/// A plausible address: one `@`, something before it, a dot in the domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An address as it may appear in a log line: `z***@example.cn`. Addresses themselves
/// are never logged.
pub fn mask_address(s: &str) -> String {
    match s.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

/// `text` with every email address in it masked, for logs and the send log: a
/// receiver's answer may quote the address it refused.
pub fn mask_addresses_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str(&mask_address(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '"' | '\'' | '：' | '，') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Who hears of a light change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightAudience {
    /// The handler who holds the clock (or the department's handlers while none does).
    pub holder: bool,
    pub department_head: bool,
    /// The sweep office (清理办), at red only.
    pub office: bool,
}

/// Yellow: the holder and the department head. Red: the sweep office as well.
pub fn light_audience(light: Light) -> Option<LightAudience> {
    match light {
        Light::Green => None,
        Light::Yellow => Some(LightAudience { holder: true, department_head: true, office: false }),
        Light::Red => Some(LightAudience { holder: true, department_head: true, office: true }),
    }
}

/// The light a clock changed to, if it changed since the last run. `since` is the day
/// of the previous run (`None`: there was none, so every yellow or red clock counts).
/// A clock that turned red is reported red only, even if it passed yellow too.
pub fn light_change(due_on: NaiveDate, warn_on: NaiveDate, since: Option<NaiveDate>, on: NaiveDate) -> Option<Light> {
    let now = crate::light::light(on, due_on, warn_on);
    let before = since.map_or(Light::Green, |s| crate::light::light(s, due_on, warn_on));
    (now > before).then_some(now)
}

/// One item in a light digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightItem {
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub department: String,
    pub due_on: NaiveDate,
    pub light: Light,
    /// Working days after the due date up to and including the run's day.
    pub days_overdue: i64,
    /// Path on this server, e.g. `/applications/ID`.
    pub link: String,
}

impl LightItem {
    pub fn days_overdue_on(calendar: &WorkCalendar, due_on: NaiveDate, on: NaiveDate) -> i64 {
        calendar.working_days_between(due_on, on).max(0)
    }
}

/// A message ready for any channel: a subject, plain text, HTML and markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub kind: MessageKind,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub markdown: String,
    /// Path on this server of what the message is about, if one thing.
    pub link: Option<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Markdown robots render `*`, `_`, `[` and `]`; project names may contain them.
fn md(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '*' | '_' | '[' | ']' | '`' | '#')).collect()
}

fn url(base: &str, link: &str) -> String {
    format!("{}{link}", base.trim_end_matches('/'))
}

/// A digest lists at most this many items and counts the rest: the first run over a
/// region-sized ledger lights tens of thousands of items at once, and nobody reads (or
/// any robot accepts) a message that long.
pub const DIGEST_LISTED: usize = 200;

/// The items of one light digest as a run finds them: the first [`DIGEST_LISTED`] in
/// the digest's order are kept, the others only counted. A run over a region-sized
/// ledger finds hundreds of thousands of changes for the office alone; keeping them
/// all until the end held the server at over a gigabyte.
#[derive(Debug, Clone)]
pub struct DigestItems<I> {
    listed: Vec<I>,
    red: usize,
    yellow: usize,
}

impl<I> Default for DigestItems<I> {
    fn default() -> Self {
        Self { listed: Vec::new(), red: 0, yellow: 0 }
    }
}

/// Red first, then by due date, then by project code.
fn digest_order(a: &LightItem, b: &LightItem) -> std::cmp::Ordering {
    b.light.cmp(&a.light).then(a.due_on.cmp(&b.due_on)).then(a.project_code.cmp(&b.project_code))
}

impl<I: Borrow<LightItem>> DigestItems<I> {
    pub fn push(&mut self, item: I) {
        match item.borrow().light {
            Light::Red => self.red += 1,
            _ => self.yellow += 1,
        }
        self.listed.push(item);
        // Trimmed in batches: one sort per DIGEST_LISTED items pushed.
        if self.listed.len() >= 2 * DIGEST_LISTED {
            self.trim();
        }
    }

    /// Every item pushed, listed or not.
    pub fn len(&self) -> usize {
        self.red + self.yellow
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn trim(&mut self) {
        self.listed.sort_by(|a, b| digest_order(a.borrow(), b.borrow()));
        self.listed.truncate(DIGEST_LISTED);
    }

    /// The items the digest lists, in its order.
    pub fn listed(&self) -> Vec<&LightItem> {
        let mut listed: Vec<&LightItem> = self.listed.iter().map(Borrow::borrow).collect();
        listed.sort_by(|a, b| digest_order(a, b));
        listed.truncate(DIGEST_LISTED);
        listed
    }
}

impl<I: Borrow<LightItem>> FromIterator<I> for DigestItems<I> {
    fn from_iter<T: IntoIterator<Item = I>>(iter: T) -> Self {
        let mut d = Self::default();
        for i in iter {
            d.push(i);
        }
        d
    }
}

/// A sentence of a message, with its Chinese wording.
fn sentence(key: &'static str, text: String) -> Sentence {
    Sentence::new(key, text)
}

/// A light's label as an argument: its Chinese, or its catalogue label.
fn light_arg(l: Light) -> Arg {
    Arg::Label { prefix: "light", code: l.as_str() }
}

/// One item of a digest in one line: `[红灯] 名称（代码）事项，部门，时限 …`.
fn digest_line(w: &dyn Words, i: &LightItem, clean: fn(&str) -> String) -> String {
    let overdue = if i.days_overdue > 0 {
        w.say(
            sentence("msg-digest-overdue", format!("，已超期 {} 个工作日", i.days_overdue)).arg("days", i.days_overdue),
        )
    } else {
        String::new()
    };
    let (name, item_type, department) = (clean(&i.project_name), clean(&i.item_type), clean(&i.department));
    w.say(
        sentence(
            "msg-digest-line",
            format!(
                "[{}] {name}（{}）{item_type}，{department}，时限 {}{overdue}",
                i.light.label_zh(),
                i.project_code,
                i.due_on
            ),
        )
        .arg("light", light_arg(i.light))
        .arg("name", name.as_str())
        .arg("code", i.project_code.as_str())
        .arg("item_type", item_type.as_str())
        .arg("department", department.as_str())
        .arg("due", i.due_on)
        .arg("overdue", overdue),
    )
}

fn same(s: &str) -> String {
    s.to_string()
}

/// One message per person, channel and day listing the items whose light changed: red
/// first, then by due date, at most [`DIGEST_LISTED`] and a count of the rest. `base_url`
/// makes links absolute for email and robots.
pub fn light_digest<I: Borrow<LightItem>>(
    w: &dyn Words,
    on: NaiveDate,
    items: &DigestItems<I>,
    base_url: &str,
) -> Message {
    let (red, yellow) = (items.red, items.yellow);
    let listed = items.listed();
    let more = items.len() - listed.len();
    let subject = w.say(match (red, yellow) {
        (0, y) => sentence("msg-digest-subject-yellow", format!("【黄灯预警】{on} 有 {y} 个事项临近办理时限"))
            .arg("on", on)
            .arg("yellow", y),
        (r, 0) => sentence("msg-digest-subject-red", format!("【红灯预警】{on} 有 {r} 个事项已超期"))
            .arg("on", on)
            .arg("red", r),
        (r, y) => {
            sentence("msg-digest-subject-both", format!("【红灯预警】{on} 有 {r} 个事项已超期，{y} 个事项临近时限"))
                .arg("on", on)
                .arg("red", r)
                .arg("yellow", y)
        }
    });
    let view = w.say(sentence("msg-view", "查看".into()));
    let mut text = format!("{subject}\n\n");
    let mut markdown = format!("### {subject}\n\n");
    let heads: String = [
        ("msg-digest-col-light", "灯"),
        ("msg-digest-col-code", "项目代码"),
        ("msg-digest-col-name", "项目名称"),
        ("msg-digest-col-item-type", "审批事项"),
        ("msg-digest-col-department", "办理部门"),
        ("msg-digest-col-due", "办理时限"),
        ("msg-digest-col-overdue", "超期工作日"),
    ]
    .into_iter()
    .map(|(key, zh)| format!("<th>{}</th>", esc(&w.say(sentence(key, zh.into())))))
    .collect();
    let mut html = format!(
        "<p>{}</p><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><thead><tr>{heads}<th></th></tr></thead><tbody>",
        esc(&subject)
    );
    for (n, i) in listed.iter().enumerate() {
        let link = url(base_url, &i.link);
        let _ = writeln!(text, "{}. {}\n   {link}", n + 1, digest_line(w, i, same));
        let _ = writeln!(markdown, "{}. {} [{view}]({link})", n + 1, digest_line(w, i, md));
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
            esc(&w.say(Sentence::new("msg-light", i.light.label_zh()).arg("light", light_arg(i.light)))),
            esc(&i.project_code),
            esc(&i.project_name),
            esc(&i.item_type),
            esc(&i.department),
            i.due_on,
            i.days_overdue,
            esc(&link),
            esc(&view)
        );
    }
    html.push_str("</tbody></table>");
    if more > 0 {
        let line =
            w.say(sentence("msg-digest-more", format!("另有 {more} 个事项未列出，请登录系统查看。")).arg("more", more));
        let _ = write!(html, "<p>{}</p>", esc(&line));
        let _ = writeln!(text, "\n{line}");
        let _ = writeln!(markdown, "\n{line}");
    }
    let footer = w.say(sentence("msg-digest-footer", "请及时办理。超期情况将计入月度通报和部门考核。".into()));
    let _ = write!(html, "<p>{}</p>", esc(&footer));
    let _ = writeln!(text, "\n{footer}");
    let _ = write!(markdown, "\n{footer}");
    Message { kind: MessageKind::LightChange, subject, text, html, markdown, link: None }
}

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

fn single(w: &dyn Words, kind: MessageKind, subject: String, lines: &[String], link: &str, base_url: &str) -> Message {
    let full = url(base_url, link);
    let view = w.say(sentence("msg-view", "查看".into()));
    let view_at = w.say(sentence("msg-view-at", format!("查看：{full}")).arg("url", full.as_str()));
    let text = format!("{subject}\n\n{}\n\n{view_at}\n", lines.join("\n"));
    let markdown = format!(
        "### {}\n\n{}\n\n[{view}]({full})",
        md(&subject),
        lines.iter().map(|l| format!("- {}", md(l))).collect::<Vec<_>>().join("\n")
    );
    let html = format!(
        "<p><strong>{}</strong></p><ul>{}</ul><p><a href=\"{}\">{}</a></p>",
        esc(&subject),
        lines.iter().map(|l| format!("<li>{}</li>", esc(l))).collect::<String>(),
        esc(&full),
        esc(&view)
    );
    Message { kind, subject, text, html, markdown, link: Some(link.to_string()) }
}

/// A line `label：value` of a message.
fn field(
    w: &dyn Words,
    key: &'static str,
    zh: &str,
    name: &'static str,
    value: impl Into<Arg> + std::fmt::Display,
) -> String {
    let text = format!("{zh}：{value}");
    w.say(sentence(key, text).arg(name, value))
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
    use crate::calendar::parse_date;
    use crate::sentence::InChinese;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn kinds_round_trip() {
        for k in MessageKind::ALL.into_iter().chain([MessageKind::ChannelTest]) {
            assert_eq!(MessageKind::parse(k.as_str()), Some(k));
        }
        for k in [ChannelKind::InApp, ChannelKind::Email, ChannelKind::Wecom, ChannelKind::Dingtalk] {
            assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ChannelKind::parse("sms"), None);
    }

    #[test]
    fn channel_targets_are_checked() {
        assert!(check_channel(ChannelKind::Email, "zrzy@example.gov.cn", None).is_ok());
        assert_eq!(check_channel(ChannelKind::Email, "zrzy", None), Err(ChannelError::NotAnEmail("zrzy".into())));
        assert!(
            check_channel(ChannelKind::Wecom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", None).is_ok()
        );
        assert!(
            check_channel(ChannelKind::Dingtalk, "http://127.0.0.1:9/robot/send?access_token=t", Some("SEC1")).is_ok()
        );
        assert!(matches!(check_channel(ChannelKind::Wecom, "ftp://x", None), Err(ChannelError::NotAUrl(_))));
        assert!(matches!(check_channel(ChannelKind::Wecom, "https://", None), Err(ChannelError::NotAUrl(_))));
        assert_eq!(check_channel(ChannelKind::Wecom, "https://a/b", Some("s")), Err(ChannelError::SecretNotUsed));
        assert_eq!(check_channel(ChannelKind::InApp, "x", None), Err(ChannelError::NotAGroupChannel));
        assert!(!is_email("a@b@c.cn") && !is_email("a b@c.cn") && !is_email("a@cn") && !is_email("@c.cn"));
        assert_eq!(mask_address("zhang@example.cn"), "z***@example.cn");
        assert_eq!(
            mask_addresses_in("550 5.1.1 <zhang@example.cn>: user unknown, li@x.cn"),
            "550 5.1.1 <z***@example.cn>: user unknown, l***@x.cn"
        );
    }

    #[test]
    fn the_administrators_rule_comes_before_a_persons_choice() {
        for own in [None, Some(true), Some(false)] {
            assert!(ChannelRule::Required.takes(own));
            assert!(!ChannelRule::Forbidden.takes(own));
        }
        assert!(ChannelRule::Optional.takes(None));
        assert!(!ChannelRule::Optional.takes(Some(false)));
        assert!(!ChannelRule::Required.allows(false) && ChannelRule::Required.allows(true));
        assert!(!ChannelRule::Forbidden.allows(true));
        for r in [ChannelRule::Optional, ChannelRule::Required, ChannelRule::Forbidden] {
            assert_eq!(ChannelRule::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn who_hears_of_a_light() {
        assert_eq!(light_audience(Light::Green), None);
        assert!(!light_audience(Light::Yellow).unwrap().office);
        let red = light_audience(Light::Red).unwrap();
        assert!(red.holder && red.department_head && red.office);
    }

    #[test]
    fn light_changes_between_runs() {
        let (warn, due) = (d("2026-03-10"), d("2026-03-12"));
        // Before yellow: nothing; on the warning day: yellow; once only.
        assert_eq!(light_change(due, warn, Some(d("2026-03-06")), d("2026-03-09")), None);
        assert_eq!(light_change(due, warn, Some(d("2026-03-09")), d("2026-03-10")), Some(Light::Yellow));
        assert_eq!(light_change(due, warn, Some(d("2026-03-10")), d("2026-03-11")), None);
        // The due day itself is on time; red the day after.
        assert_eq!(light_change(due, warn, Some(d("2026-03-11")), d("2026-03-12")), None);
        assert_eq!(light_change(due, warn, Some(d("2026-03-12")), d("2026-03-13")), Some(Light::Red));
        // Skipping yellow (the server was down): red only.
        assert_eq!(light_change(due, warn, Some(d("2026-03-05")), d("2026-03-16")), Some(Light::Red));
        // No previous run: whatever is lit now.
        assert_eq!(light_change(due, warn, None, d("2026-03-11")), Some(Light::Yellow));
        assert_eq!(light_change(due, warn, None, d("2026-03-09")), None);
    }

    #[test]
    fn the_digest_lists_every_item_red_first() {
        let item = |code: &str, light, due: &str, over| LightItem {
            project_code: code.into(),
            project_name: "风电*项目".into(),
            item_type: "环境影响评价".into(),
            department: "旗生态环境分局".into(),
            due_on: d(due),
            light,
            days_overdue: over,
            link: format!("/applications/{code}"),
        };
        let items: DigestItems<LightItem> =
            [item("A", Light::Yellow, "2026-03-16", 0), item("B", Light::Red, "2026-03-12", 1)].into_iter().collect();
        let m = light_digest(&InChinese, d("2026-03-13"), &items, "http://qidi.example/");
        assert_eq!(m.subject, "【红灯预警】2026-03-13 有 1 个事项已超期，1 个事项临近时限");
        let b = m.text.find("（B）").unwrap();
        let a = m.text.find("（A）").unwrap();
        assert!(b < a, "red first: {}", m.text);
        assert!(m.text.contains("已超期 1 个工作日"));
        assert!(m.text.contains("http://qidi.example/applications/B"));
        assert!(m.markdown.contains("[查看](http://qidi.example/applications/A)"));
        assert!(!m.markdown.contains("风电*"), "markdown specials are dropped");
        assert!(m.html.contains("<td>风电*项目</td>"));
    }

    #[test]
    fn a_long_digest_lists_the_first_and_counts_the_rest() {
        let item = |n: usize, light| LightItem {
            project_code: format!("P{n:04}"),
            project_name: "项目".into(),
            item_type: "环境影响评价".into(),
            department: "旗生态环境分局".into(),
            due_on: d("2026-03-16"),
            light,
            days_overdue: 0,
            link: format!("/projects/{n}"),
        };
        // The one red item comes last in, and is listed first.
        let mut items: Vec<LightItem> = (0..DIGEST_LISTED + 5).map(|n| item(n, Light::Yellow)).collect();
        items.push(item(9999, Light::Red));
        let m = light_digest(&InChinese, d("2026-03-13"), &items.iter().collect(), "http://qidi.example");
        assert!(m.subject.contains(&format!("{} 个事项临近时限", DIGEST_LISTED + 5)), "{}", m.subject);
        assert_eq!(m.html.matches("<tr><td>").count(), DIGEST_LISTED);
        assert_eq!(m.text.matches("http://qidi.example/projects/").count(), DIGEST_LISTED);
        assert!(m.text.starts_with(&m.subject) && m.text.contains("1. [红灯] 项目（P9999）"), "{}", &m.text[..300]);
        for body in [&m.text, &m.html, &m.markdown] {
            assert!(body.contains("另有 6 个事项未列出，请登录系统查看。"));
        }
        let short = light_digest(&InChinese, d("2026-03-13"), &items[..3].iter().collect(), "http://qidi.example");
        assert!(!short.text.contains("未列出"));
    }

    proptest::proptest! {
        /// Gathered one at a time and trimmed on the way, a digest keeps exactly the
        /// items a sort of all of them would list first, and counts every one.
        #[test]
        fn a_digest_gathered_one_by_one_lists_what_a_full_sort_would(
            found in proptest::collection::vec((proptest::bool::ANY, 0u32..40, 0u32..3000), 0..1500)
        ) {
            let items: Vec<LightItem> = found
                .iter()
                .map(|&(red, day, code)| LightItem {
                    project_code: format!("P{code:05}"),
                    project_name: "项目".into(),
                    item_type: "环境影响评价".into(),
                    department: "旗生态环境分局".into(),
                    due_on: d("2026-03-01") + chrono::Days::new(day.into()),
                    light: if red { Light::Red } else { Light::Yellow },
                    days_overdue: 0,
                    link: String::new(),
                })
                .collect();
            let mut gathered: DigestItems<&LightItem> = items.iter().collect();
            gathered.trim();
            let mut all: Vec<&LightItem> = items.iter().collect();
            all.sort_by(|a, b| digest_order(a, b));
            all.truncate(DIGEST_LISTED);
            proptest::prop_assert_eq!(&gathered.listed, &all);
            proptest::prop_assert_eq!(gathered.red, found.iter().filter(|f| f.0).count());
            proptest::prop_assert_eq!(gathered.len(), found.len());
        }
    }

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

    #[test]
    fn backoff_grows_and_gives_up() {
        assert_eq!(retry_delay(1), Some(chrono::Duration::minutes(1)));
        assert_eq!(retry_delay(2), Some(chrono::Duration::minutes(2)));
        assert_eq!(retry_delay(3), Some(chrono::Duration::minutes(4)));
        assert!(retry_delay(MAX_ATTEMPTS - 1).unwrap() <= chrono::Duration::hours(4));
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
    }

    /// Words that show each sentence's key and arguments, not its Chinese.
    struct Keys;

    impl Words for Keys {
        fn say(&self, s: Sentence) -> String {
            let args: Vec<String> = s.args.iter().map(|(n, a)| format!("{n}={a:?}")).collect();
            s.key.map_or(s.text, |k| format!("<{k} {}>", args.join(" ")))
        }
    }

    fn has_chinese(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "【】，。：（）「」；、".contains(c))
    }

    #[test]
    fn every_word_of_a_message_comes_from_its_words() {
        let item = |code: &str, light, over| LightItem {
            project_code: code.into(),
            project_name: "Wind farm".into(),
            item_type: "EIA".into(),
            department: "Ecology".into(),
            due_on: d("2026-03-12"),
            light,
            days_overdue: over,
            link: format!("/applications/{code}"),
        };
        let mut many: Vec<LightItem> =
            (0..DIGEST_LISTED + 2).map(|n| item(&format!("Y{n}"), Light::Yellow, 0)).collect();
        many.push(item("R", Light::Red, 2));
        let n = ApplicationNews {
            project_code: "C1",
            project_name: "Wind farm",
            item_type: "EIA",
            department: "Ecology",
            link: "/applications/1",
            what: step_news(&Action::Accept)
                .map(|s| match s {
                    StepNews::Queue(s) | StepNews::ProjectUnit(s) => s,
                })
                .unwrap(),
            due_on: Some(d("2026-03-20")),
        };
        let on = d("2026-03-13");
        let messages = [
            light_digest(&Keys, on, &many.iter().collect(), "http://h"),
            new_application(&Keys, &n, "http://h"),
            applicant_update(&Keys, &n, "http://h"),
            missing_check_results(&Keys, "Ecology", on, ReportStage::Due, 3, "/ledger", "http://h"),
            missing_signature(&Keys, "Ecology", on, ReportStage::Overdue, "/ledger", "http://h"),
            missing_progress_report(
                &Keys,
                "Ecology",
                &Sentence::new("msg-period", "2026年3月"),
                on,
                ReportStage::Due,
                "/reports",
                "http://h",
            ),
            bulletin_issued(&Keys, "No. 1", "Overdue approvals", 4, "/bulletins/1", "http://h"),
            hotline_news(
                &Keys,
                HotlineNews::Urging { days_overdue: 2 },
                "H-1",
                crate::hotline::Category::Delay,
                Some("Wind farm"),
                Some(on),
                "/hotline/1",
                "http://h",
            ),
            hotline_news(
                &Keys,
                HotlineNews::Assigned,
                "H-1",
                crate::hotline::Category::Delay,
                None,
                None,
                "/hotline/1",
                "http://h",
            ),
            hotline_news(
                &Keys,
                HotlineNews::Escalated { reopenings: 4 },
                "H-1",
                crate::hotline::Category::Delay,
                None,
                None,
                "/hotline/1",
                "http://h",
            ),
            channel_test(&Keys, "mailbox", "http://h"),
        ];
        for m in &messages {
            for part in [&m.subject, &m.text, &m.html, &m.markdown] {
                assert!(!has_chinese(part), "a Chinese word not said through the words: {part}");
            }
        }
        // The same messages in Chinese are Chinese.
        assert!(has_chinese(&light_digest(&InChinese, on, &many.iter().collect(), "http://h").text));
        assert!(messages[0].text.contains("<msg-digest-more more=Number(3)>"), "{}", messages[0].text);
        assert!(messages[0].html.contains("&lt;msg-light light=Label"), "{}", &messages[0].html[..400]);
        // Every step's news is a keyed sentence.
        let notice: crate::workflow::OneTimeNotice =
            serde_json::from_value(serde_json::json!({"problems": []})).unwrap();
        for action in [Action::Submit { materials: vec![] }, Action::Accept, Action::Return { notice }] {
            let Some(StepNews::Queue(s) | StepNews::ProjectUnit(s)) = step_news(&action) else { panic!("{action:?}") };
            assert!(s.key.is_some_and(|k| k.starts_with("msg-step-")), "{s:?}");
        }
    }
}
