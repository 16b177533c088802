//! The 12345 caller's personal data at rest, on both backends: the name and phone are
//! sealed with SM4-GCM (nothing of them in plain text anywhere in the database), shown
//! masked and unmasked on record as before, found by the phone's keyed hash; a sealed
//! value moved to another row does not open; a wrong field key is refused at start-up
//! and changes nothing; older plain rows are sealed once at start-up.

use qidi_core::hotline::OrderState;
use qidi_core::Role;
use qidi_store::hotline::IntakeSource;
use qidi_store::personal::FieldKey;
use qidi_store::testing::{
    banner, fresh_database_urls, hotline_order, hotline_setup, migrated_store, on_each_backend, test_field_key,
    test_user, CALLER_NAME, HOTLINE_PROJECT_CODE,
};
use qidi_store::users::User;
use qidi_store::{Store, StoreError};
use sqlx::{Column, Row};

const PHONE: &str = "13812345678";
const OTHER_PHONE: &str = "13987654321";
const NAME: &str = CALLER_NAME;

fn order(number: &str, phone: &str, project_code: &str) -> qidi_core::hotline::NewOrder {
    hotline_order(number, phone, Some(project_code))
}

struct World {
    token: qidi_store::tokens::ApiToken,
    office: User,
    /// 发改委: leads the complaints.
    lead: User,
    /// 自然资源局: complained about.
    complained: User,
    leader: User,
}

async fn world(store: &Store) -> World {
    let token = hotline_setup(store).await;
    World {
        token,
        office: test_user(store, "office", Role::Office, None, None, None).await,
        lead: test_user(store, "fgw_h", Role::Handler, Some("fgw"), None, None).await,
        complained: test_user(store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await,
        leader: test_user(store, "leader", Role::Leader, None, None, None).await,
    }
}

async fn intake(store: &Store, w: &World, number: &str, phone: &str) -> String {
    let o = order(number, phone, HOTLINE_PROJECT_CODE);
    store.intake_hotline_order(&banner(), IntakeSource::Api(&w.token), &o).await.unwrap().id
}

/// Every text value of every row of `table`, as stored.
async fn texts_of(store: &Store, table: &str) -> Vec<String> {
    let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(store.pool()).await.unwrap();
    let mut out = Vec::new();
    for r in &rows {
        for c in r.columns() {
            if let Ok(Some(v)) = r.try_get::<Option<String>, _>(c.ordinal()) {
                out.push(format!("{table}.{}={v}", c.name()));
            }
        }
    }
    out
}

async fn unmaskings(store: &Store) -> i64 {
    sqlx::query("SELECT count(*) FROM events WHERE action = 'hotline.unmask'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0)
}

/// An order as it was before migration 0024: the caller in plain text, not sealed.
async fn plain_row(store: &Store, number: &str) -> String {
    let id = qidi_store::new_id();
    let now = qidi_store::now_text();
    sqlx::query(
        "INSERT INTO hotline_orders (id, region_code, order_number, category, urgency, caller_name, caller_phone, text,
             state, source, received_on, created_at, updated_at)
         VALUES ($1, '152529', $2, 'delay', 'normal', $3, $4, '老工单', 'received', 'api', $5, $6, $6)",
    )
    .bind(&id)
    .bind(number)
    .bind(NAME)
    .bind(PHONE)
    .bind(qidi_store::today().to_string())
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn the_caller_is_stored_sealed_and_shown_masked() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let id = intake(&store, &w, "GD-P100", PHONE).await;
        // Nowhere in the tables an order touches: not the name, the number, or its tail.
        for table in ["hotline_orders", "events", "messages", "hotline_callbacks"] {
            let texts = texts_of(&store, table).await;
            if matches!(table, "hotline_orders" | "events") {
                assert!(!texts.is_empty(), "{table} was read");
            }
            for t in &texts {
                assert!(!t.contains(NAME) && !t.contains(PHONE) && !t.contains("12345678"), "plain text in {t}");
            }
        }
        let r = sqlx::query(
            "SELECT caller_name, caller_phone, caller_name_sealed, caller_phone_sealed, caller_phone_lookup
             FROM hotline_orders WHERE id = $1",
        )
        .bind(&id)
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!((r.get::<String, _>(0), r.get::<String, _>(1)), (String::new(), String::new()));
        let sealed_name: String = r.get(2);
        let sealed_phone: String = r.get(3);
        assert!(sealed_name.starts_with("sm4g1:") && sealed_phone.starts_with("sm4g1:"));
        assert_eq!(r.get::<String, _>(4), test_field_key().phone_lookup(PHONE));

        // The office and the leading department see it masked, as before.
        for u in [&w.office, &w.lead] {
            let c = store.hotline_complaint(u, &id).await.unwrap().complaint;
            assert_eq!((c.caller.as_str(), c.caller_phone_masked.as_deref()), (NAME, Some("138****5678")));
            let listed = store.hotline_complaints(u).await.unwrap();
            assert_eq!(listed[0].caller_phone_masked.as_deref(), Some("138****5678"));
        }
        let hidden = store.hotline_complaint(&w.complained, &id).await.unwrap().complaint;
        assert_eq!((hidden.caller.as_str(), hidden.caller_phone_masked), ("来电人", None));
        // Unmasking opens the whole number, on record.
        assert_eq!(unmaskings(&store).await, 0);
        assert_eq!(store.hotline_unmask_phone(&w.office, &id).await.unwrap(), PHONE);
        assert_eq!(unmaskings(&store).await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_callers_orders_are_found_by_the_phones_keyed_hash() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let a1 = intake(&store, &w, "GD-P201", PHONE).await;
        let b = intake(&store, &w, "GD-P202", OTHER_PHONE).await;
        let a2 = intake(&store, &w, "GD-P203", PHONE).await;
        let ids = |found: Vec<qidi_store::hotline::Complaint>| found.into_iter().map(|c| c.id).collect::<Vec<_>>();
        // Newest first; written as the caller might say it.
        let found = store.hotline_complaints_by_phone(&w.office, "138-1234 5678").await.unwrap();
        assert!(found.iter().all(|c| c.caller_phone_masked.as_deref() == Some("138****5678")));
        assert_eq!(ids(found), vec![a2.clone(), a1.clone()]);
        assert_eq!(ids(store.hotline_complaints_by_phone(&w.lead, OTHER_PHONE).await.unwrap()), vec![b]);
        assert!(store.hotline_complaints_by_phone(&w.office, "13800000000").await.unwrap().is_empty());
        // The department complained about does not learn whose orders they are.
        assert!(store.hotline_complaints_by_phone(&w.complained, PHONE).await.unwrap().is_empty());
        assert!(matches!(store.hotline_complaints_by_phone(&w.leader, PHONE).await, Err(StoreError::Forbidden(_))));
        assert!(matches!(store.hotline_complaints_by_phone(&w.office, "call me").await, Err(StoreError::Invalid(_))));
        // Each search is recorded, without the number.
        let searches =
            sqlx::query("SELECT actor_id, payload FROM events WHERE action = 'hotline.find_by_phone' ORDER BY seq")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(searches.len(), 4);
        assert_eq!(searches[0].get::<String, _>(0), w.office.id);
        assert!(searches.iter().all(|r| !r.get::<String, _>(1).contains("5678")));
        // Equal phones have equal lookup values; other phones other ones.
        let lookups: Vec<String> = sqlx::query("SELECT caller_phone_lookup FROM hotline_orders ORDER BY created_at")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(lookups[0], lookups[2]);
        assert_ne!(lookups[0], lookups[1]);
    })
    .await;
}

#[tokio::test]
async fn a_sealed_value_moved_to_another_row_does_not_open() {
    on_each_backend(|store| async move {
        let w = world(&store).await;
        let a = intake(&store, &w, "GD-P301", PHONE).await;
        let b = intake(&store, &w, "GD-P302", OTHER_PHONE).await;
        sqlx::query(
            "UPDATE hotline_orders SET caller_phone_sealed = (SELECT caller_phone_sealed FROM hotline_orders WHERE id = $1)
             WHERE id = $2",
        )
        .bind(&a)
        .bind(&b)
        .execute(store.pool())
        .await
        .unwrap();
        assert!(matches!(store.hotline_unmask_phone(&w.office, &b).await, Err(StoreError::FieldKey(_))));
        assert_eq!(unmaskings(&store).await, 0, "an unmasking that showed nothing is not recorded");
        let c = store.hotline_complaint(&w.office, &b).await.unwrap().complaint;
        assert_eq!(c.caller_phone_masked, None);
        assert!(c.caller != NAME && !c.caller.contains(PHONE), "{}", c.caller);
        // The other order is untouched, and the list still shows.
        assert_eq!(store.hotline_unmask_phone(&w.office, &a).await.unwrap(), PHONE);
        assert_eq!(store.hotline_complaints(&w.office).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_key_is_refused_at_start_up_and_changes_nothing() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        let w = world(&store).await;
        assert!(!store.has_sealed_personal_data().await.unwrap());
        let id = intake(&store, &w, "GD-P401", PHONE).await;
        assert!(store.has_sealed_personal_data().await.unwrap());
        let old = plain_row(&store, "GD-P402").await;

        // Started again, with no key: nothing about callers can be written or read.
        let keyless = Store::connect(&url).await.unwrap();
        let o = order("GD-P403", PHONE, HOTLINE_PROJECT_CODE);
        let refused = keyless.intake_hotline_order(&banner(), IntakeSource::Api(&w.token), &o).await;
        assert!(matches!(refused, Err(StoreError::FieldKey(_))), "{refused:?}");
        assert!(matches!(keyless.hotline_complaints(&w.office).await, Err(StoreError::FieldKey(_))));
        // With the wrong key: refused, saying so, and the old plain row is left as it was.
        let err = keyless.open_personal_data(FieldKey::from_secret(&[1; 32])).await.unwrap_err();
        assert!(matches!(&err, StoreError::FieldKey(m) if m.contains("wrong key")), "{err}");
        let r = sqlx::query("SELECT caller_phone, caller_phone_sealed FROM hotline_orders WHERE id = $1")
            .bind(&old)
            .fetch_one(keyless.pool())
            .await
            .unwrap();
        assert_eq!((r.get::<String, _>(0), r.get::<Option<String>, _>(1)), (PHONE.to_string(), None));
        assert!(matches!(keyless.hotline_complaints(&w.office).await, Err(StoreError::FieldKey(_))));
        // The right key opens it.
        assert_eq!(keyless.open_personal_data(test_field_key()).await.unwrap(), 1);
        assert_eq!(keyless.hotline_unmask_phone(&w.office, &id).await.unwrap(), PHONE);
        keyless.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn older_plain_rows_are_sealed_once_at_start_up() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        let w = world(&store).await;
        let old = plain_row(&store, "GD-P501").await;
        let other = plain_row(&store, "GD-P502").await;
        store.close().await;

        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(store.open_personal_data(test_field_key()).await.unwrap(), 2);
        for t in texts_of(&store, "hotline_orders").await {
            assert!(!t.contains(NAME) && !t.contains(PHONE), "plain text left in {t}");
        }
        let c = store.hotline_complaint(&w.office, &old).await.unwrap().complaint;
        assert_eq!((c.caller.as_str(), c.caller_phone_masked.as_deref()), (NAME, Some("138****5678")));
        assert_eq!(c.state, OrderState::Received);
        assert_eq!(store.hotline_unmask_phone(&w.office, &other).await.unwrap(), PHONE);
        let found: Vec<String> =
            store.hotline_complaints_by_phone(&w.office, PHONE).await.unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(found.len(), 2);
        assert!(found.contains(&old) && found.contains(&other));
        store.close().await;

        // Again: nothing left to seal, and what was sealed still opens.
        let again = Store::connect(&url).await.unwrap();
        assert_eq!(again.open_personal_data(test_field_key()).await.unwrap(), 0);
        assert_eq!(again.hotline_unmask_phone(&w.office, &old).await.unwrap(), PHONE);
        again.close().await;
    }
}

#[tokio::test]
async fn second_factor_secrets_are_sealed_and_a_wrong_key_for_them_is_refused() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        store.seed_catalogue(&banner()).await.unwrap();
        let user = qidi_store::testing::office_account(&store, "wang", "Ledger-2026-ok").await;
        assert!(!store.has_sealed_personal_data().await.unwrap());
        let enrolment = store.start_second_factor(&user).await.unwrap();
        assert!(store.has_sealed_personal_data().await.unwrap(), "a sealed secret counts");
        let stored: String = sqlx::query("SELECT totp_secret FROM users WHERE id = $1")
            .bind(&user.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert!(stored.starts_with("sm4g1:") && !stored.contains(&enrolment.secret_text), "{stored}");
        let again = store.pending_second_factor(&user).await.unwrap().expect("being set up");
        assert_eq!(again.secret_text, enrolment.secret_text, "it opens with the key");

        let keyless = Store::connect(&url).await.unwrap();
        assert!(matches!(keyless.pending_second_factor(&user).await, Err(StoreError::FieldKey(_))));
        let err = keyless.open_personal_data(FieldKey::from_secret(&[1; 32])).await.unwrap_err();
        assert!(matches!(&err, StoreError::FieldKey(m) if m.contains("second-factor")), "{err}");
        keyless.open_personal_data(test_field_key()).await.unwrap();
        assert_eq!(keyless.pending_second_factor(&user).await.unwrap().unwrap().secret_text, enrolment.secret_text);
        keyless.close().await;
        store.close().await;
    }
}
