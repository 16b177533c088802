//! The 12345 platform's callbacks on both backends, to a real HTTP receiver on
//! loopback that fails the first two calls: every result (signed for, replies,
//! follow-ups) reaches it, the failed ones after their backoff, each acknowledged
//! once; nothing is claimed without a callback URL; the jobs run urges a late order
//! and posts the callbacks.

use chrono::{FixedOffset, TimeZone};
use qidi_core::hotline::{Action, OrderInput};
use qidi_core::Role;
use qidi_notify::testing::WebhookSink;
use qidi_notify::{run_due_jobs, Notifier, Schedule};
use qidi_store::hotline::IntakeSource;
use qidi_store::testing::{banner, on_each_backend, test_pending_item, test_user};
use qidi_store::Store;

const PHONE: &str = "13712345678";

/// 发改委's handler and the platform's token, with a project 发改委 initiated.
async fn setup(store: &Store) -> (qidi_store::users::User, qidi_store::tokens::ApiToken) {
    store.seed_catalogue(&banner()).await.unwrap();
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    test_pending_item(store, &owner, 1, "land_pre_review", "zrzy").await;
    let lead = test_user(store, "fgw_h", Role::Handler, Some("fgw"), None, None).await;
    (lead, store.add_api_token(&banner(), "hotline", None).await.unwrap().0)
}

/// An order of that project.
fn order(number: &str, category: &str, urgency: &str) -> qidi_core::hotline::NewOrder {
    OrderInput {
        order_number: Some(number.into()),
        category: Some(category.into()),
        urgency: Some(urgency.into()),
        caller_name: Some("钱来电".into()),
        caller_phone: Some(PHONE.into()),
        text: Some("第三次要求补充同一份材料".into()),
        project_code: Some("2026-152529-44-01-000001".into()),
        ..Default::default()
    }
    .check()
    .unwrap()
}

/// An order taken through its steps: signed for, handled, replied, rated
/// unsatisfied, handled and replied again, rated satisfied. Returns the id.
async fn closed_order(store: &Store) -> String {
    let (lead, token) = setup(store).await;
    let id = store
        .intake_hotline_order(&banner(), IntakeSource::Api(&token), &order("GD-77", "repeated_demands", "normal"))
        .await
        .unwrap()
        .id;
    store.hotline_act(&lead, &id, Action::SignFor).await.unwrap();
    for satisfied in [false, true] {
        store.hotline_act(&lead, &id, Action::Handle { note: "已约谈窗口".into() }).await.unwrap();
        store.hotline_act(&lead, &id, Action::Reply { text: "已一次性告知".into() }).await.unwrap();
        store.hotline_follow_up(&token, "GD-77", satisfied, "").await.unwrap();
    }
    id
}

#[tokio::test]
async fn every_result_reaches_the_platform_once_retried_until_acknowledged() {
    on_each_backend(|store| async move {
        let id = closed_order(&store).await;
        let sink = WebhookSink::start(2).await;
        let now = qidi_store::now();

        let without = Notifier::new(None).unwrap();
        assert_eq!(without.deliver_hotline_callbacks(&store, now).await.unwrap().sent, 0);
        assert!(sink.calls().is_empty());
        assert!(Notifier::new(None).unwrap().with_hotline_callback(Some("ftp://x")).is_err());

        let notifier = Notifier::new(None).unwrap().with_hotline_callback(Some(&sink.url("/12345/callback"))).unwrap();
        let first = notifier.deliver_hotline_callbacks(&store, now).await.unwrap();
        assert_eq!((first.sent, first.failed), (3, 2), "five results, the first two calls fail");
        assert_eq!(notifier.deliver_hotline_callbacks(&store, now).await.unwrap().sent, 0, "not before the backoff");
        let later = notifier.deliver_hotline_callbacks(&store, now + chrono::Duration::minutes(2)).await.unwrap();
        assert_eq!((later.sent, later.failed), (2, 0));
        assert_eq!(notifier.deliver_hotline_callbacks(&store, now + chrono::Duration::hours(2)).await.unwrap().sent, 0);
        assert_eq!(store.hotline_callback_counts().await.unwrap(), vec![("sent".to_string(), 5)]);

        let taken = sink.taken();
        assert_eq!(taken.len(), 5);
        assert!(taken.iter().all(|c| c.target == "/12345/callback"));
        let mut events: Vec<(String, Option<bool>)> = taken
            .iter()
            .map(|c| {
                let j = c.json();
                assert_eq!(j["order_number"], "GD-77");
                assert_eq!(j["id"], id.as_str());
                assert!(!c.body.contains(PHONE) && !c.body.contains("钱来电"), "no caller: {}", c.body);
                (j["event"].as_str().unwrap().to_string(), j["satisfied"].as_bool())
            })
            .collect();
        events.sort();
        assert_eq!(
            events,
            vec![
                ("follow_up".to_string(), Some(false)),
                ("follow_up".to_string(), Some(true)),
                ("reply".to_string(), None),
                ("reply".to_string(), None),
                ("sign_for".to_string(), None),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn the_jobs_run_urges_a_late_order_and_calls_back() {
    on_each_backend(|store| async move {
        let (lead, token) = setup(&store).await;
        let order = order("GD-88", "delay", "urgent");
        let id = store.intake_hotline_order(&banner(), IntakeSource::Api(&token), &order).await.unwrap().id;
        store.hotline_act(&lead, &id, Action::SignFor).await.unwrap();
        let due = store.hotline_complaint(&lead, &id).await.unwrap().complaint.due_on.unwrap();
        let cal = store.work_calendar().await.unwrap();
        let late = cal.add_working_days(due, 1).and_hms_opt(10, 0, 0).unwrap();
        let at =
            FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&late).unwrap().with_timezone(&chrono::Utc);
        let sink = WebhookSink::start(0).await;
        let notifier = Notifier::new(None).unwrap().with_hotline_callback(Some(&sink.url("/cb"))).unwrap();
        let r = run_due_jobs(&store, &notifier, Schedule::default(), at).await.unwrap();
        assert_eq!(r.hotline_urged, 1);
        assert_eq!(r.hotline_callbacks.sent, 1, "the sign-for");
        let again = run_due_jobs(&store, &notifier, Schedule::default(), at).await.unwrap();
        assert_eq!((again.hotline_urged, again.hotline_callbacks.sent), (0, 0), "once");
        let urged = store.messages_for(&lead, false, 10).await.unwrap();
        assert!(urged.iter().any(|m| m.subject.starts_with("【催办】") && m.kind == "hotline"), "{urged:?}");
    })
    .await;
}
