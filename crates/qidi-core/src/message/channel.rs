//! Kinds of message and channels, the administrator's channel rules, group targets checked, addresses masked for logs.

use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
