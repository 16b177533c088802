//! Results of 12345 work orders going back to the hotline platform: each callback row
//! is posted as JSON to `QIDI_HOTLINE_CALLBACK_URL` and retried with backoff until the
//! platform answers 2xx. The payload names the order, never the caller.

use crate::{DeliveryReport, Notifier, NotifyError, BATCH, LEASE_SECONDS};
use qidi_store::{Store, StoreError};

/// Check the hotline platform's callback URL before it is used.
pub(crate) fn check_callback_url(url: &str) -> Result<String, NotifyError> {
    let t = url.trim();
    let rest = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://"));
    if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
        return Err(NotifyError::CallbackUrl);
    }
    Ok(t.to_string())
}

impl Notifier {
    /// Post the platform's callbacks to `url` (`QIDI_HOTLINE_CALLBACK_URL`).
    pub fn with_hotline_callback(mut self, url: Option<&str>) -> Result<Notifier, NotifyError> {
        self.hotline_callback = url.filter(|u| !u.trim().is_empty()).map(check_callback_url).transpose()?;
        Ok(self)
    }

    /// Claim and post every callback due at `now`. Without a callback URL nothing is
    /// claimed: the results wait until one is configured.
    pub async fn deliver_hotline_callbacks(
        &self,
        store: &Store,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DeliveryReport, StoreError> {
        let mut report = DeliveryReport::default();
        let Some(url) = self.hotline_callback.as_deref() else { return Ok(report) };
        loop {
            let batch = store.claim_hotline_callbacks(&self.worker, now, LEASE_SECONDS, BATCH).await?;
            if batch.is_empty() {
                return Ok(report);
            }
            for cb in &batch {
                let sent = self
                    .http
                    .post(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(cb.payload.clone())
                    .send()
                    .await;
                let (ok, answer) = match sent {
                    Ok(res) => {
                        let status = res.status();
                        let text = res.text().await.unwrap_or_default();
                        let answer: String =
                            format!("HTTP {} {}", status.as_u16(), text.trim()).chars().take(300).collect();
                        (status.is_success(), answer)
                    }
                    // The error without the URL, which may carry a key.
                    Err(e) => (false, format!("无法连接12345热线平台：{}", e.without_url())),
                };
                if ok {
                    report.sent += 1;
                } else {
                    report.failed += 1;
                    tracing::warn!(callback = %cb.id, attempt = cb.attempts + 1, %answer, "hotline callback failed; will retry");
                }
                store.record_hotline_callback(&cb.id, &self.worker, now, ok, &answer).await?;
            }
            if (batch.len() as i64) < BATCH {
                return Ok(report);
            }
        }
    }
}
