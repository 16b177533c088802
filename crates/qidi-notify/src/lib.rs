//! qidi's notifier: sends what the store's outbox holds over email (SMTP, with
//! `lettre`) and the WeCom and DingTalk group robots (HTTP webhooks), and runs the
//! scheduled jobs (the daily light run, deemed acceptances) inside `qidi serve` or
//! once with `qidi jobs run`.
//!
//! What a message says and who gets it were decided when it was written
//! (`qidi_core::message`, `qidi_store::messages`); here it is only carried.

mod hotline;
mod jobs;
mod robot;
mod smtp;
pub mod testing;

pub use jobs::{run_due_jobs, spawn_scheduler, JobsReport, Schedule};
pub use robot::{dingtalk_sign, dingtalk_signed_url, robot_payload};
pub use smtp::SmtpSettings;

use qidi_store::messages::{Attempt, Outgoing};
use qidi_store::{Store, StoreError};
use serde::Serialize;
use std::time::Duration;

/// What a notifier needs: where mail goes and how webhooks are called.
#[derive(Clone)]
pub struct Notifier {
    smtp: Option<smtp::Mailer>,
    http: reqwest::Client,
    /// This instance's name in claims and the send log.
    pub worker: String,
    /// The 12345 hotline platform's callback URL (`QIDI_HOTLINE_CALLBACK_URL`).
    hotline_callback: Option<String>,
}

/// Why the notifier could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("QIDI_SMTP_URL is not usable: {0}. Use smtp://HOST:PORT (loopback, no TLS), smtp://USER:PASS@HOST:587?tls=required (STARTTLS) or smtps://USER:PASS@HOST:465")]
    SmtpUrl(String),
    #[error("QIDI_SMTP_FROM `{0}` is not an email address")]
    SmtpFrom(String),
    #[error("QIDI_SMTP_URL is set but QIDI_SMTP_FROM is not: set the sender address")]
    NoSender,
    #[error("QIDI_HOTLINE_CALLBACK_URL is not an http:// or https:// URL")]
    CallbackUrl,
    #[error("cannot start the HTTP client: {0}")]
    Http(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one delivery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
    pub given_up: usize,
}

/// How long a claim lasts before another instance may take the message over.
const LEASE_SECONDS: i64 = 120;
/// Messages claimed at a time.
const BATCH: i64 = 50;

impl Notifier {
    pub fn new(smtp: Option<SmtpSettings>) -> Result<Notifier, NotifyError> {
        let smtp = smtp.map(smtp::Mailer::new).transpose()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("qidi/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Http(e.to_string()))?;
        let worker = format!("{}-{}", std::process::id(), &uuid::Uuid::now_v7().simple().to_string()[20..]);
        Ok(Notifier { smtp, http, worker, hotline_callback: None })
    }

    /// Whether email can be sent (an SMTP server is configured).
    pub fn has_email(&self) -> bool {
        self.smtp.is_some()
    }

    /// Send one message and say what the receiver answered.
    pub async fn send(&self, m: &Outgoing) -> Attempt {
        let Some(target) = m.target.as_deref() else {
            return Attempt::Undeliverable("没有收件地址（邮箱未设置或渠道已删除）".into());
        };
        match m.channel {
            qidi_core::message::ChannelKind::Email => match &self.smtp {
                Some(mailer) => mailer.send(target, m).await,
                None => Attempt::Failed("未配置邮件服务器（QIDI_SMTP_URL）".into()),
            },
            qidi_core::message::ChannelKind::Wecom | qidi_core::message::ChannelKind::Dingtalk => {
                robot::post(&self.http, m.channel, target, m.secret.as_deref(), m).await
            }
            qidi_core::message::ChannelKind::InApp => Attempt::Undeliverable("in-app messages are not sent".into()),
        }
    }

    /// Claim and send every message due at `now`, recording each attempt.
    pub async fn deliver_due(
        &self,
        store: &Store,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DeliveryReport, StoreError> {
        let mut report = DeliveryReport::default();
        loop {
            let batch = store.claim_outgoing(&self.worker, now, LEASE_SECONDS, BATCH).await?;
            if batch.is_empty() {
                return Ok(report);
            }
            for m in &batch {
                let result = self.send(m).await;
                match &result {
                    Attempt::Sent(_) => report.sent += 1,
                    Attempt::Failed(answer) => {
                        report.failed += 1;
                        let answer = qidi_core::message::mask_addresses_in(answer);
                        // The answer, never the address.
                        tracing::warn!(message = %m.id, channel = m.channel.as_str(), attempt = m.attempts + 1, %answer, "sending failed; will retry");
                    }
                    Attempt::Undeliverable(answer) => {
                        report.given_up += 1;
                        let answer = qidi_core::message::mask_addresses_in(answer);
                        tracing::warn!(message = %m.id, channel = m.channel.as_str(), %answer, "message cannot be delivered");
                    }
                }
                store.record_attempt(&m.id, &self.worker, now, result).await?;
            }
            if (batch.len() as i64) < BATCH {
                return Ok(report);
            }
        }
    }
}
