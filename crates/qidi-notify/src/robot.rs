//! WeCom (企业微信) and DingTalk (钉钉) group robots: a markdown message posted as
//! JSON to the group's webhook, in each platform's own format. DingTalk robots with
//! "加签" security also need the URL signed with the robot's secret.

use base64::Engine;
use hmac::{Hmac, Mac};
use qidi_core::message::ChannelKind;
use qidi_store::messages::{Attempt, Outgoing};
use sha2::Sha256;

/// The JSON body for a robot: WeCom `{"msgtype":"markdown","markdown":{"content"}}`,
/// DingTalk `{"msgtype":"markdown","markdown":{"title","text"}}`.
pub fn robot_payload(kind: ChannelKind, subject: &str, markdown: &str) -> serde_json::Value {
    match kind {
        ChannelKind::Dingtalk => serde_json::json!({
            "msgtype": "markdown",
            "markdown": { "title": subject, "text": markdown },
        }),
        _ => serde_json::json!({
            "msgtype": "markdown",
            "markdown": { "content": truncate(markdown, 4000) },
        }),
    }
}

/// WeCom refuses markdown over 4096 bytes.
fn truncate(s: &str, max_bytes: usize) -> String {
    if s.len() <= max_bytes {
        return s.to_string();
    }
    let mut end = max_bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n……（内容过长，请登录平台查看全部）", &s[..end])
}

/// DingTalk's signature: Base64 of HMAC-SHA256 over "{timestamp}\n{secret}" keyed with
/// the secret, where the timestamp is in milliseconds.
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The webhook URL with `timestamp` and `sign` added (the sign URL-encoded).
pub fn dingtalk_signed_url(url: &str, secret: &str, timestamp_ms: i64) -> String {
    let sign: String = dingtalk_sign(timestamp_ms, secret)
        .chars()
        .map(|c| match c {
            '+' => "%2B".to_string(),
            '/' => "%2F".to_string(),
            '=' => "%3D".to_string(),
            c => c.to_string(),
        })
        .collect();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}timestamp={timestamp_ms}&sign={sign}")
}

/// Post `m` to a robot. Both platforms answer HTTP 200 with `{"errcode":0,...}` when
/// the message was taken; anything else is a failure to retry.
pub(crate) async fn post(
    http: &reqwest::Client,
    kind: ChannelKind,
    url: &str,
    secret: Option<&str>,
    m: &Outgoing,
) -> Attempt {
    let url = match (kind, secret) {
        (ChannelKind::Dingtalk, Some(s)) if !s.is_empty() => {
            dingtalk_signed_url(url, s, qidi_store::now().timestamp_millis())
        }
        _ => url.to_string(),
    };
    let body = robot_payload(kind, &m.subject, &m.markdown);
    let res = match http.post(&url).json(&body).send().await {
        Ok(r) => r,
        // reqwest's error names the URL, which may hold the robot's key.
        Err(e) => return Attempt::Failed(format!("无法连接群机器人：{}", e.without_url())),
    };
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let answer: String = format!("HTTP {} {}", status.as_u16(), text.trim()).chars().take(300).collect();
    if !status.is_success() {
        return Attempt::Failed(answer);
    }
    let errcode = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| v.get("errcode")?.as_i64());
    match errcode {
        Some(0) => Attempt::Sent(answer),
        _ => Attempt::Failed(answer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signature_matches_the_documented_algorithm() {
        // HMAC-SHA256(key = "SEC1", "1700000000000\nSEC1"), Base64: computed
        // independently with Python's hmac module.
        assert_eq!(dingtalk_sign(1_700_000_000_000, "SEC1"), "ukR4+WoOOBTGaOauYqugxVrMSFyr92q4hPxJxuOkiio=");
        let url = dingtalk_signed_url("http://h/robot/send?access_token=t", "SEC1", 1_700_000_000_000);
        assert_eq!(
            url,
            "http://h/robot/send?access_token=t&timestamp=1700000000000&sign=ukR4%2BWoOOBTGaOauYqugxVrMSFyr92q4hPxJxuOkiio%3D"
        );
    }

    #[test]
    fn payloads_follow_each_platform() {
        let w = robot_payload(ChannelKind::Wecom, "主题", "### 主题");
        assert_eq!(w["msgtype"], "markdown");
        assert_eq!(w["markdown"]["content"], "### 主题");
        let d = robot_payload(ChannelKind::Dingtalk, "主题", "### 主题");
        assert_eq!(d["markdown"]["title"], "主题");
        assert_eq!(d["markdown"]["text"], "### 主题");
        let long = "审".repeat(3000);
        let w = robot_payload(ChannelKind::Wecom, "s", &long);
        assert!(w["markdown"]["content"].as_str().unwrap().len() < 4096);
    }
}
