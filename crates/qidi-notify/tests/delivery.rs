//! Delivery to real receivers on loopback, on both backends: email to an SMTP server,
//! WeCom and DingTalk robots to an HTTP server (DingTalk's signature checked), a
//! channel that fails three times and then recovers, and two notifiers on one
//! database sending nothing twice.

use base64::Engine;
use chrono::{DateTime, FixedOffset, TimeZone};
use hmac::{Hmac, Mac};
use qidi_core::message::ChannelKind;
use qidi_core::workflow::Action;
use qidi_core::Role;
use qidi_notify::testing::{SmtpSink, WebhookSink};
use qidi_notify::{Notifier, SmtpSettings};
use qidi_store::testing::{banner, fresh_database_urls, migrated_store, on_each_backend, test_pending_item, test_user};
use qidi_store::workflow::ActRequest;
use qidi_store::Store;
use sha2::Sha256;
use sqlx::Row;

fn submitted_on() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2026, 4, 20, 10, 0, 0).unwrap()
}

/// A unit with `n` projects, each with one item of the natural resources bureau,
/// submitted; the bureau's handler `zrzy_h` has an email address.
async fn submissions(store: &Store, n: u32) {
    store.seed_catalogue(&banner()).await.unwrap();
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    let unit = test_user(store, "unit", Role::Applicant, None, Some(&owner), None).await;
    test_user(store, "zrzy_h", Role::Handler, Some("zrzy"), None, Some("zrzy.h@example.cn")).await;
    for i in 0..n {
        let (_, item) = test_pending_item(store, &owner, i + 1, "land_pre_review", "zrzy").await;
        let app = store.create_application(&unit, &item, None).await.unwrap().application;
        let req = ActRequest {
            action: Action::Submit { materials: vec![] },
            client_token: None,
            expected_version: None,
            reason: None,
        };
        store.act_at(&unit, &app.id, req, submitted_on()).await.unwrap();
    }
}

#[tokio::test]
async fn email_reaches_a_real_smtp_server_once() {
    on_each_backend(|store| async move {
        let smtp = SmtpSink::start().await;
        submissions(&store, 1).await;
        let notifier =
            Notifier::new(Some(SmtpSettings { url: smtp.url(), from: "qidi@example.gov.cn".into() })).unwrap();
        let report = notifier.deliver_due(&store, qidi_store::now()).await.unwrap();
        assert_eq!((report.sent, report.failed), (1, 0));
        let mails = smtp.mails();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, vec!["zrzy.h@example.cn".to_string()]);
        assert_eq!(mails[0].from, "qidi@example.gov.cn");
        assert!(mails[0].subject().starts_with("【待受理】测试项目1"), "{}", mails[0].subject());
        let text = mails[0].text();
        assert!(text.contains("2026-152529-44-01-000001"), "{text}");
        assert!(mails[0].data.contains("text/plain") && mails[0].data.contains("text/html"), "plain text and HTML");
        // Sent once: nothing more on the next pass.
        let again = notifier.deliver_due(&store, qidi_store::now()).await.unwrap();
        assert_eq!(again.sent, 0);
        assert_eq!(smtp.mails().len(), 1);
        let log = store.send_log("152529", 10).await.unwrap();
        assert_eq!(log[0].status, "sent");
        assert!(log[0].last_answer.as_deref().unwrap_or_default().starts_with("250"), "{:?}", log[0].last_answer);
    })
    .await;
}

#[tokio::test]
async fn robots_get_their_own_formats_and_dingtalk_is_signed() {
    on_each_backend(|store| async move {
        let hook = WebhookSink::start(0).await;
        store.seed_catalogue(&banner()).await.unwrap();
        store.add_channel(&banner(), "zrzy", ChannelKind::Wecom, &hook.url("/wecom?key=K1"), None, None).await.unwrap();
        store
            .add_channel(
                &banner(),
                "zrzy",
                ChannelKind::Dingtalk,
                &hook.url("/ding?access_token=T1"),
                Some("SECxyz"),
                None,
            )
            .await
            .unwrap();
        submissions(&store, 1).await;
        let notifier = Notifier::new(None).unwrap();
        let report = notifier.deliver_due(&store, qidi_store::now()).await.unwrap();
        // The handler's email waits for an SMTP server; both robots took theirs.
        assert_eq!(report.sent, 2);
        let calls = hook.taken();
        let wecom = calls.iter().find(|c| c.target.starts_with("/wecom")).expect("WeCom was called");
        assert_eq!(wecom.target, "/wecom?key=K1");
        assert_eq!(wecom.json()["msgtype"], "markdown");
        assert!(wecom.json()["markdown"]["content"].as_str().unwrap().contains("测试项目1"));
        let ding = calls.iter().find(|c| c.target.starts_with("/ding")).expect("DingTalk was called");
        assert_eq!(ding.json()["msgtype"], "markdown");
        assert!(ding.json()["markdown"]["title"].as_str().unwrap().contains("待受理"));
        assert!(ding.json()["markdown"]["text"].as_str().unwrap().contains("2026-152529-44-01-000001"));
        // The signature, checked here with HMAC-SHA256 directly.
        let ts = ding.query("timestamp").expect("timestamp");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"SECxyz").unwrap();
        mac.update(format!("{ts}\nSECxyz").as_bytes());
        let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(ding.query("sign").as_deref(), Some(expected.as_str()));
        assert_eq!(ding.query("access_token").as_deref(), Some("T1"));
    })
    .await;
}

#[tokio::test]
async fn a_channel_that_fails_three_times_then_recovers_gets_the_message_once() {
    on_each_backend(|store| async move {
        let hook = WebhookSink::start(3).await;
        store.seed_catalogue(&banner()).await.unwrap();
        store.add_channel(&banner(), "zrzy", ChannelKind::Wecom, &hook.url("/w"), None, None).await.unwrap();
        submissions(&store, 1).await;
        let notifier = Notifier::new(None).unwrap();
        let t0 = qidi_store::now();
        let mut taken_at = None;
        // Try every minute for half an hour; the backoff decides when it is due.
        for minute in 0..30 {
            let now = t0 + chrono::Duration::minutes(minute);
            let r = notifier.deliver_due(&store, now).await.unwrap();
            if r.sent > 0 {
                taken_at = Some(minute);
            }
        }
        let calls = hook.calls();
        assert_eq!(calls.len(), 4, "three failures and one success: {calls:?}");
        assert_eq!(hook.taken().len(), 1, "received once");
        // Backoff 1, 2, 4 minutes after the failures at 0, 1, 3: taken at minute 7.
        assert_eq!(taken_at, Some(7));
        let row = sqlx::query("SELECT status, attempts FROM outbox WHERE channel_id IS NOT NULL")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!((row.get::<String, _>(0), row.get::<i64, _>(1)), ("sent".to_string(), 4));
        let attempts: Vec<bool> = sqlx::query(
            "SELECT a.ok FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
             WHERE o.channel_id IS NOT NULL ORDER BY a.attempt",
        )
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<bool, _>(0).unwrap_or_else(|_| r.get::<i64, _>(0) != 0))
        .collect();
        assert_eq!(attempts, vec![false, false, false, true]);
    })
    .await;
}

#[tokio::test]
async fn two_notifiers_on_one_database_send_nothing_twice() {
    for url in fresh_database_urls().await {
        let hook = WebhookSink::start(0).await;
        let a = migrated_store(&url).await;
        let b = Store::connect(&url).await.unwrap();
        a.seed_catalogue(&banner()).await.unwrap();
        a.add_channel(&banner(), "zrzy", ChannelKind::Wecom, &hook.url("/w"), None, None).await.unwrap();
        submissions(&a, 30).await;
        let (na, nb) = (Notifier::new(None).unwrap(), Notifier::new(None).unwrap());
        let now = qidi_store::now();
        let (ra, rb) = tokio::join!(na.deliver_due(&a, now), nb.deliver_due(&b, now));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.sent + rb.sent, 30, "{ra:?} {rb:?}");
        let bodies: Vec<String> = hook.taken().iter().map(|c| c.body.clone()).collect();
        let distinct: std::collections::BTreeSet<&String> = bodies.iter().collect();
        assert_eq!((bodies.len(), distinct.len()), (30, 30), "each project's message arrived once");
        a.close().await;
        b.close().await;
    }
}
