//! 12345 hotline work orders on both backends: API tokens stored hashed and
//! revocable; an order sent twice (also at once) is one complaint; routing to the
//! project's initiating department or, without a project, by the office; the whole
//! lifecycle with reopenings, escalation after the fourth, callbacks written with each
//! result and claimed once; urging a day late; the caller hidden from the department
//! complained about and masked for the others, unmasking recorded; substantiated
//! complaints kept as facts; limits overridden as data.

use qidi_core::hotline::{Action, Category, OrderState, StepLimits, Urgency};
use qidi_core::Role;
use qidi_store::hotline::IntakeSource;
use qidi_store::testing::{
    banner, hotline_order, hotline_setup, on_each_backend, test_user, CALLER_NAME, HOTLINE_PROJECT_CODE,
};
use qidi_store::users::User;
use qidi_store::{Store, StoreError};
use sqlx::Row;

const PHONE: &str = "13812345678";
const NAME: &str = CALLER_NAME;

fn order(number: &str, project_code: Option<&str>) -> qidi_core::hotline::NewOrder {
    hotline_order(number, PHONE, project_code)
}

struct World {
    token: qidi_store::tokens::ApiToken,
    office: User,
    /// 发改委: initiates the project, so leads the complaint.
    lead: User,
    lead_head: User,
    /// 自然资源局: handles the item complained about.
    complained: User,
    project_code: String,
}

async fn world(store: &Store) -> World {
    let token = hotline_setup(store).await;
    World {
        token,
        office: test_user(store, "office", Role::Office, None, None, None).await,
        lead: test_user(store, "fgw_h", Role::Handler, Some("fgw"), None, None).await,
        lead_head: test_user(store, "fgw_head", Role::DepartmentHead, Some("fgw"), None, None).await,
        complained: test_user(store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await,
        project_code: HOTLINE_PROJECT_CODE.into(),
    }
}

/// An order of the world's project through the API; its id.
async fn intake(store: &Store, w: &World, number: &str) -> String {
    let o = order(number, Some(&w.project_code));
    store.intake_hotline_order(&banner(), IntakeSource::Api(&w.token), &o).await.unwrap().id
}

async fn messages_of(store: &Store, user: &User) -> Vec<String> {
    store.messages_for(user, false, 100).await.unwrap().into_iter().map(|m| m.subject).collect()
}

async fn state_of(store: &Store, user: &User, id: &str) -> OrderState {
    store.hotline_complaint(user, id).await.unwrap().complaint.state
}

#[tokio::test]
async fn tokens_are_stored_hashed_and_can_be_revoked() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let (t, secret) = store.add_api_token(&banner(), "hotline", None).await.unwrap();
        assert_eq!(t.name, "hotline");
        let stored: String =
            sqlx::query("SELECT token_hash FROM api_tokens").fetch_one(store.pool()).await.unwrap().get(0);
        assert_ne!(stored, secret);
        assert!(!stored.contains(&secret));
        assert_eq!(store.api_token(&secret, "hotline").await.unwrap().unwrap().id, t.id);
        assert!(store.api_token("qidi_hotline_guess", "hotline").await.unwrap().is_none());
        assert!(store.add_api_token(&banner(), "root", None).await.is_err());
        store.revoke_api_token(&banner(), &t.id).await.unwrap();
        assert!(store.api_token(&secret, "hotline").await.unwrap().is_none(), "revoked at once");
        assert!(matches!(store.revoke_api_token(&banner(), &t.id).await, Err(StoreError::NotFound(_))));
        let listed = store.list_api_tokens(&banner()).await.unwrap();
        assert!(listed[0].revoked_at.is_some());
        let events: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE object_type = 'api_token'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(events, 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_sent_twice_is_one_complaint_even_at_once() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let o = order("GD-0001", Some(&w.project_code));
        let first = store.intake_hotline_order(&banner(), IntakeSource::Api(&w.token), &o).await.unwrap();
        assert!(first.created);
        let again = store.intake_hotline_order(&banner(), IntakeSource::Api(&w.token), &o).await.unwrap();
        assert_eq!((again.id.as_str(), again.created), (first.id.as_str(), false));

        // Eight at once, of one new number: one complaint, the same id for all.
        let o2 = order("GD-0002", Some(&w.project_code));
        let mut runs = Vec::new();
        for _ in 0..8 {
            let (store, token, o2) = (store.clone(), w.token.clone(), o2.clone());
            runs.push(tokio::spawn(async move {
                store.intake_hotline_order(&banner(), IntakeSource::Api(&token), &o2).await
            }));
        }
        let mut results = Vec::new();
        for r in runs {
            results.push(r.await.unwrap());
        }
        let ids: std::collections::BTreeSet<String> =
            results.iter().map(|r| r.as_ref().expect("intake").id.clone()).collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(results.iter().filter(|r| r.as_ref().unwrap().created).count(), 1);
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM hotline_orders").fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(n, 2);
        let received: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'hotline.receive'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(received, 2, "one receipt per complaint");
    })
    .await;
}

#[tokio::test]
async fn routed_handled_reopened_escalated_and_closed_with_callbacks() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let id = intake(&store, &w, "GD-0100").await;
        // Routed to the initiating department (发改委), whose head is told.
        let c = store.hotline_complaint(&w.office, &id).await.unwrap().complaint;
        assert_eq!(c.state, OrderState::Assigned);
        assert_eq!(c.leading_department_code.as_deref(), Some("fgw"));
        assert_eq!(c.complained_department_code.as_deref(), Some("zrzy"));
        let head_msgs = messages_of(&store, &w.lead_head).await;
        assert_eq!(head_msgs.len(), 1, "{head_msgs:?}");
        assert!(head_msgs[0].contains("GD-0100") && head_msgs[0].contains("牵头办理"));
        assert!(messages_of(&store, &w.complained).await.is_empty());

        // Only the leading department signs for it.
        let err = store.hotline_act(&w.complained, &id, Action::SignFor).await.unwrap_err();
        assert!(matches!(err, StoreError::Forbidden(_)), "{err:?}");
        store.hotline_act(&w.lead, &id, Action::SignFor).await.unwrap();
        assert!(matches!(store.hotline_act(&w.lead, &id, Action::SignFor).await, Err(StoreError::Conflict(_))));
        for round in 1..=4 {
            store.hotline_act(&w.lead, &id, Action::Handle { note: format!("第{round}次办理") }).await.unwrap();
            store.hotline_act(&w.lead, &id, Action::Reply { text: format!("第{round}次答复") }).await.unwrap();
            store.hotline_follow_up(&w.token, "GD-0100", false, "仍未受理").await.unwrap();
            assert_eq!(state_of(&store, &w.office, &id).await, OrderState::Reopened);
            let escalated = store.hotline_complaint(&w.office, &id).await.unwrap().complaint.escalated;
            assert_eq!(escalated, round == 4, "escalated only past three reopenings (round {round})");
        }
        let office_msgs = messages_of(&store, &w.office).await;
        assert_eq!(office_msgs.iter().filter(|s| s.contains("升级督办")).count(), 1, "{office_msgs:?}");
        store.hotline_act(&w.lead, &id, Action::Handle { note: "已督促受理".into() }).await.unwrap();
        store.hotline_act(&w.lead, &id, Action::Reply { text: "已受理".into() }).await.unwrap();
        store.hotline_act(&w.office, &id, Action::FollowUp { satisfied: true, note: String::new() }).await.unwrap();
        assert_eq!(state_of(&store, &w.office, &id).await, OrderState::Closed);

        // Callbacks: signed for, each reply and each follow-up, in order, claimed once.
        let now = qidi_store::now();
        let batch = store.claim_hotline_callbacks("w1", now, 60, 100).await.unwrap();
        assert!(store.claim_hotline_callbacks("w2", now, 60, 100).await.unwrap().is_empty(), "claimed once");
        let events: Vec<String> = batch
            .iter()
            .map(|c| {
                serde_json::from_str::<serde_json::Value>(&c.payload).unwrap()["event"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(events.len(), 1 + 5 * 2);
        assert_eq!(events[0], "sign_for");
        assert_eq!(events.last().map(String::as_str), Some("follow_up"));
        for c in &batch {
            assert!(!c.payload.contains(PHONE) && !c.payload.contains(NAME), "no caller in callbacks");
        }
        // A failure comes back after the backoff; an acknowledgement ends it.
        store.record_hotline_callback(&batch[0].id, "w1", now, false, "HTTP 500").await.unwrap();
        for c in &batch[1..] {
            store.record_hotline_callback(&c.id, "w1", now, true, "HTTP 200").await.unwrap();
        }
        assert!(store.claim_hotline_callbacks("w1", now, 60, 100).await.unwrap().is_empty());
        let later = store.claim_hotline_callbacks("w1", now + chrono::Duration::minutes(2), 60, 100).await.unwrap();
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].attempts, 1);

        // Nothing written about the caller outside the order row.
        let leaks: i64 = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM events WHERE payload LIKE $1 OR payload LIKE $2)
                  + (SELECT COUNT(*) FROM messages WHERE body LIKE $1 OR subject LIKE $1 OR body LIKE $2)
                  + (SELECT COUNT(*) FROM outbox WHERE body_text LIKE $1 OR body_text LIKE $2)",
        )
        .bind(format!("%{PHONE}%"))
        .bind(format!("%{NAME}%"))
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        assert_eq!(leaks, 0);
    })
    .await;
}

#[tokio::test]
async fn without_a_project_the_office_assigns() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let mut o = order("GD-0200", Some("2099-000000-00-00-000000"));
        o.item_type = None;
        let id = store.intake_hotline_order(&banner(), IntakeSource::Web(&w.office), &o).await.unwrap().id;
        assert_eq!(state_of(&store, &w.office, &id).await, OrderState::Received);
        assert!(
            matches!(store.hotline_complaint(&w.lead, &id).await, Err(StoreError::NotFound(_))),
            "no department sees it before it is assigned"
        );
        assert!(matches!(
            store.hotline_act(&w.lead, &id, Action::Assign { department_id: "fgw".into() }).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.hotline_act(&w.office, &id, Action::Assign { department_id: "nowhere".into() }).await,
            Err(StoreError::Invalid(_))
        ));
        store.hotline_act(&w.office, &id, Action::Assign { department_id: "fgw".into() }).await.unwrap();
        assert_eq!(state_of(&store, &w.lead, &id).await, OrderState::Assigned);
        assert_eq!(messages_of(&store, &w.lead_head).await.len(), 1);
        // A department cannot enter orders.
        assert!(matches!(
            store.intake_hotline_order(&banner(), IntakeSource::Web(&w.lead), &order("GD-0201", None)).await,
            Err(StoreError::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn a_late_reply_is_urged_once_a_working_day_late() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let id = intake(&store, &w, "GD-0300").await;
        store.hotline_act(&w.lead, &id, Action::SignFor).await.unwrap();
        let due = store.hotline_complaint(&w.office, &id).await.unwrap().complaint.due_on.unwrap();
        let cal = store.work_calendar().await.unwrap();
        assert_eq!(cal.working_days_between(qidi_store::today(), due), 15, "delay: 15 working days to reply");
        assert_eq!(store.run_hotline_urging(due).await.unwrap(), 0, "not late on the due day");
        let next = cal.add_working_days(due, 1);
        assert_eq!(store.run_hotline_urging(next).await.unwrap(), 1);
        assert_eq!(store.run_hotline_urging(next).await.unwrap(), 0, "once");
        assert_eq!(store.run_hotline_urging(cal.add_working_days(due, 3)).await.unwrap(), 0, "once per due date");
        for u in [&w.lead, &w.lead_head] {
            let m = messages_of(&store, u).await;
            assert!(m.iter().any(|s| s.starts_with("【催办】") && s.contains("GD-0300")), "{m:?}");
        }
        assert!(messages_of(&store, &w.complained).await.is_empty());
        let history = store.hotline_complaint(&w.office, &id).await.unwrap().history;
        assert!(history.iter().any(|h| h.action == "hotline.urge"));
    })
    .await;
}

#[tokio::test]
async fn the_caller_is_hidden_from_the_department_complained_about() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let id = intake(&store, &w, "GD-0400").await;
        let seen = store.hotline_complaint(&w.complained, &id).await.unwrap();
        assert_eq!(seen.complaint.caller, "来电人");
        assert_eq!(seen.complaint.caller_phone_masked, None);
        assert!(!seen.may_unmask && !seen.may_substantiate && seen.actions.is_empty());
        let json = serde_json::to_string(&seen).unwrap()
            + &serde_json::to_string(&store.hotline_complaints(&w.complained).await.unwrap()).unwrap();
        // Neither the number nor its masked form (ids and timestamps may hold any four digits).
        assert!(!json.contains(PHONE) && !json.contains(NAME) && !json.contains("****5678"), "{json}");
        assert!(matches!(store.hotline_unmask_phone(&w.complained, &id).await, Err(StoreError::Forbidden(_))));

        for u in [&w.lead, &w.office] {
            let c = store.hotline_complaint(u, &id).await.unwrap().complaint;
            assert_eq!(c.caller, NAME);
            assert_eq!(c.caller_phone_masked.as_deref(), Some("138****5678"));
        }
        let other = test_user(&store, "slj_h", Role::Handler, Some("slj"), None, None).await;
        assert!(matches!(store.hotline_complaint(&other, &id).await, Err(StoreError::NotFound(_))));
        assert!(store.hotline_complaints(&other).await.unwrap().is_empty());

        assert_eq!(store.hotline_unmask_phone(&w.lead, &id).await.unwrap(), PHONE);
        let unmasked: Vec<String> = sqlx::query("SELECT actor_id FROM events WHERE action = 'hotline.unmask'")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(unmasked, vec![w.lead.id.clone()]);
        assert!(
            !store
                .hotline_complaint(&w.complained, &id)
                .await
                .unwrap()
                .history
                .iter()
                .any(|h| h.action == "hotline.unmask"),
            "nor who looked"
        );
    })
    .await;
}

#[tokio::test]
async fn substantiated_complaints_are_kept_as_facts() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let id = intake(&store, &w, "GD-0500").await;
        assert!(matches!(
            store.record_hotline_substantiated(&w.complained, &id, "zrzy", None, "x").await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            store.record_hotline_substantiated(&w.lead, &id, "zrzy", Some("land_pre_review"), " ").await,
            Err(StoreError::Invalid(_))
        ));
        let s = store
            .record_hotline_substantiated(&w.lead, &id, "zrzy", Some("land_pre_review"), "材料齐全仍未受理，属实")
            .await
            .unwrap();
        assert_eq!((s.department_code.as_str(), s.item_type.as_deref()), ("zrzy", Some("用地预审与选址")));
        assert!(matches!(
            store.record_hotline_substantiated(&w.office, &id, "zrzy", Some("land_pre_review"), "再记").await,
            Err(StoreError::Conflict(_))
        ));
        let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
        assert_eq!(store.substantiated_complaints(&zrzy).await.unwrap().len(), 1);
        assert!(sqlx::query("DELETE FROM hotline_substantiations").execute(store.pool()).await.is_err(), "append-only");
    })
    .await;
}

#[tokio::test]
async fn limits_are_data() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let region = banner();
        assert_eq!(store.hotline_limits(region.as_str(), Category::Delay, Urgency::Normal).await.unwrap().reply, 15);
        let custom = StepLimits { assign: 1, sign_for: 1, reply: 5, follow_up: 2 };
        assert!(matches!(
            store.set_hotline_limits(&w.lead, Category::Delay, Urgency::Normal, custom).await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            store
                .set_hotline_limits(&w.office, Category::Delay, Urgency::Normal, StepLimits { reply: 99, ..custom })
                .await,
            Err(StoreError::Invalid(_))
        ));
        store.set_hotline_limits(&w.office, Category::Delay, Urgency::Normal, custom).await.unwrap();
        assert_eq!(store.hotline_limits(region.as_str(), Category::Delay, Urgency::Normal).await.unwrap(), custom);
        let changed = store.recent_events(50).await.unwrap();
        let e = changed.iter().find(|e| e.action == "hotline.limits").expect("the change of limits is recorded");
        assert_eq!(e.actor_id.as_deref(), Some(w.office.id.as_str()));
        let id = store
            .intake_hotline_order(&region, IntakeSource::Api(&w.token), &order("GD-0600", Some(&w.project_code)))
            .await
            .unwrap()
            .id;
        store.hotline_act(&w.lead, &id, Action::SignFor).await.unwrap();
        let due = store.hotline_complaint(&w.office, &id).await.unwrap().complaint.due_on.unwrap();
        let cal = store.work_calendar().await.unwrap();
        assert_eq!(cal.working_days_between(qidi_store::today(), due), 5);
    })
    .await;
}

/// A made-up 2027 notice with New Year's Day (a Friday) off.
const NEW_YEAR_2027: &str = r#"{"year": 2027, "papers": ["test"], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true}
]}"#;

#[tokio::test]
async fn a_new_holiday_moves_a_running_work_order_clock() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let id = intake(&store, &w, "WO-CAL").await;
        // Its clock started Monday 28 December 2026 with 5 working days: before 2027's
        // notice, 1 January counts as a working day, so it is due Monday 4 January.
        let cal = store.work_calendar().await.unwrap();
        let started = chrono::NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        let before = qidi_core::hotline::Deadline::start(&cal, qidi_core::hotline::Clock::Assign, started, 5);
        assert_eq!(before.due_on.to_string(), "2027-01-04");
        sqlx::query("UPDATE hotline_orders SET clock_started_on = '2026-12-28', clock_limit = 5, due_on = $1, warn_on = $2 WHERE id = $3")
            .bind(before.due_on.to_string())
            .bind(before.warn_on.to_string())
            .bind(&id)
            .execute(store.pool())
            .await
            .unwrap();
        let holiday = qidi_core::calendar::HolidayFile::parse(NEW_YEAR_2027).unwrap();
        let done = store.import_calendar_file(&holiday, None).await.unwrap();
        assert!(done.recomputed.changed >= 1, "{done:?}");
        let row = sqlx::query("SELECT due_on, warn_on FROM hotline_orders WHERE id = $1")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        let after = qidi_core::hotline::Deadline::start(
            &store.work_calendar().await.unwrap(),
            qidi_core::hotline::Clock::Assign,
            started,
            5,
        );
        assert_eq!(row.get::<String, _>(0), "2027-01-05", "New Year's Day no longer counts");
        assert_eq!(row.get::<String, _>(1), after.warn_on.to_string());
    })
    .await;
}
