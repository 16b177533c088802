//! Email over SMTP with `lettre`: Chinese plain text plus HTML, one recipient per
//! message. The transport comes from a URL: `smtp://HOST:PORT` (no TLS, no login:
//! for a relay on loopback), `smtp://USER:PASS@HOST:587?tls=required` (STARTTLS) or
//! `smtps://USER:PASS@HOST:465` (TLS).

use crate::NotifyError;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use qidi_store::messages::{Attempt, Outgoing};
use std::time::Duration;

/// `QIDI_SMTP_URL` and `QIDI_SMTP_FROM`.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub url: String,
    pub from: String,
}

#[derive(Clone)]
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub(crate) fn new(s: SmtpSettings) -> Result<Mailer, NotifyError> {
        let from: Mailbox = match s.from.parse::<lettre::Address>() {
            Ok(a) => Mailbox::new(Some("起底 待批项目审批监督平台".into()), a),
            Err(_) => return Err(NotifyError::SmtpFrom(s.from)),
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&s.url)
            // The error may quote the URL and its password: say only what is wrong.
            .map_err(|e| NotifyError::SmtpUrl(without_credentials(&e.to_string(), &s.url)))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }

    pub(crate) async fn send(&self, to: &str, m: &Outgoing) -> Attempt {
        let to: Mailbox = match to.parse::<lettre::Address>() {
            Ok(a) => Mailbox::new(None, a),
            Err(_) => return Attempt::Undeliverable("收件地址无效".into()),
        };
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            .multipart(MultiPart::alternative_plain_html(m.text.clone(), m.html.clone()));
        let email = match email {
            Ok(e) => e,
            Err(e) => return Attempt::Undeliverable(format!("邮件无法生成：{e}")),
        };
        match self.transport.send(email).await {
            Ok(r) => Attempt::Sent(format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" "))),
            Err(e) if e.is_permanent() => Attempt::Failed(format!("邮件服务器拒收：{e}")),
            Err(e) => Attempt::Failed(format!("邮件发送失败：{e}")),
        }
    }
}

fn without_credentials(msg: &str, url: &str) -> String {
    match url.split_once("://").and_then(|(_, rest)| rest.split_once('@')) {
        Some((cred, _)) if !cred.is_empty() => msg.replace(cred, "***"),
        _ => msg.to_string(),
    }
}
