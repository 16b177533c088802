//! A 12345 work order's running step is in the daily light digest like an approval
//! clock: its leading department's handlers hear of it once it is late, and the
//! caller's name and phone are nowhere in the message.

use chrono::Days;
use qidi_core::hotline::OrderInput;
use qidi_core::Role;
use qidi_store::hotline::IntakeSource;
use qidi_store::testing::{banner, on_each_backend, test_pending_item, test_user};

#[tokio::test]
async fn an_open_order_lights_in_the_daily_digest() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        test_pending_item(&store, &owner, 1, "land_pre_review", "zrzy").await;
        let office = test_user(&store, "office", Role::Office, None, None, None).await;
        let lead = test_user(&store, "fgw_h", Role::Handler, Some("fgw"), None, None).await;
        let o = OrderInput {
            order_number: Some("GD-LIGHT-1".into()),
            category: Some("delay".into()),
            caller_name: Some("王来电".into()),
            caller_phone: Some("13812345678".into()),
            text: Some("一个月没有受理".into()),
            project_code: Some("2026-152529-44-01-000001".into()),
            item_type: Some("land_pre_review".into()),
            ..Default::default()
        }
        .check()
        .unwrap();
        let id = store.intake_hotline_order(&banner(), IntakeSource::Web(&office), &o).await.unwrap().id;
        // Signing for takes a working day; a run two weeks on finds it red.
        let cal = store.work_calendar().await.unwrap();
        let run_on = cal.add_working_days(qidi_store::today() + Days::new(14), 0);
        let run_on = if cal.is_working_day(run_on) { run_on } else { cal.add_working_days(run_on, 1) };
        let run = store.run_lights(run_on, "test").await.unwrap().unwrap();
        assert!(run.changes >= 1, "{run:?}");
        let messages = store.messages_for(&lead, false, 20).await.unwrap();
        let digest = messages
            .iter()
            .find(|m| m.body.contains("GD-LIGHT-1"))
            .unwrap_or_else(|| panic!("no digest naming the order: {messages:?}"));
        assert!(digest.body.contains(&format!("/hotline/{id}")), "{}", digest.body);
        for m in &messages {
            assert!(!m.body.contains("13812345678") && !m.body.contains("王来电"), "{}", m.body);
        }
        // Announced once for its due date.
        let next = cal.add_working_days(run_on, 1);
        let again = store.run_lights(next, "test").await.unwrap().unwrap();
        assert_eq!(again.changes, 0, "{again:?}");
    })
    .await;
}
