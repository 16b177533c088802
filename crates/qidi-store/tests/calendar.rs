//! The calendar in the database on both backends: importing a year, refusing
//! contradictions, and recomputing exactly the stored deadlines a change touches.

use chrono::NaiveDate;
use qidi_core::calendar::HolidayFile;
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::ClockPause;
use qidi_core::light::LightPolicy;
use qidi_core::RegionCode;
use qidi_store::calendar::{set_deadline, DeadlineClock, DeadlineRecompute, DeadlineTarget, StoredDeadline};
use qidi_store::testing::on_each_backend;
use qidi_store::{Store, StoreError};
use sqlx::Row;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A made-up 2027 notice (the real one is not shipped): 2027-01-01 (Friday) off, a
/// Spring Festival week with two make-up Saturdays, and 2027-12-25 (Saturday) worked.
const FILE_2027: &str = r#"{"year": 2027, "papers": ["test"], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "春节", "date": "2027-02-06", "isOffDay": false},
  {"name": "春节", "date": "2027-02-08", "isOffDay": true},
  {"name": "春节", "date": "2027-02-09", "isOffDay": true},
  {"name": "春节", "date": "2027-02-10", "isOffDay": true},
  {"name": "春节", "date": "2027-02-11", "isOffDay": true},
  {"name": "春节", "date": "2027-02-12", "isOffDay": true},
  {"name": "春节", "date": "2027-02-20", "isOffDay": false},
  {"name": "元旦", "date": "2027-12-25", "isOffDay": false}
]}"#;

/// A 2028 notice that lists 2027-12-25 as a day off, against the 2027 notice.
const FILE_2028_CONTRADICTING: &str = r#"{"year": 2028, "days": [
  {"name": "元旦", "date": "2027-12-25", "isOffDay": true},
  {"name": "元旦", "date": "2028-01-03", "isOffDay": true}
]}"#;

fn parse(json: &str) -> HolidayFile {
    HolidayFile::parse(json).unwrap()
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get(0)
}

/// Everything an import could change, to compare before and after a refusal.
async fn calendar_state(store: &Store) -> (i64, i64, i64, Vec<i32>) {
    let cal = store.work_calendar().await.unwrap();
    (
        count(store, "SELECT COUNT(*) FROM calendar_years").await,
        count(store, "SELECT COUNT(*) FROM calendar_days").await,
        count(store, "SELECT COUNT(*) FROM events WHERE object_type = 'calendar'").await,
        cal.published_years().to_vec(),
    )
}

fn invalid_message(e: StoreError) -> String {
    match e {
        StoreError::Invalid(m) => m.text,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn importing_a_year_extends_the_calendar_and_is_audited() {
    on_each_backend(|store| async move {
        let before = store.work_calendar().await.unwrap();
        assert!(!before.is_published(2027));
        assert!(before.is_working_day(d("2027-01-01")), "unlisted Friday");
        let done = store.import_calendar_file(&parse(FILE_2027), None).await.unwrap();
        assert_eq!(done.year, 2027);
        assert_eq!(done.days, 9);
        assert!(!done.unchanged);
        assert_eq!(done.first_changed, Some(d("2027-01-01")));

        let cal = store.work_calendar().await.unwrap();
        assert!(cal.is_published(2027));
        assert!(!cal.is_working_day(d("2027-01-01")));
        assert!(cal.is_working_day(d("2027-02-06")), "make-up Saturday");
        assert_eq!(cal.add_working_days(d("2027-02-05"), 1), d("2027-02-06"));
        assert_eq!(cal.add_working_days(d("2027-02-06"), 1), d("2027-02-15"));

        let years = store.calendar_years().await.unwrap();
        let y = years.iter().find(|y| y.year == 2027).expect("2027 listed");
        assert_eq!((y.days, y.off_days, y.make_up_days), (9, 6, 3));
        assert_eq!(y.papers, vec!["test".to_string()]);
        assert_eq!(years.len(), 12);

        let row = sqlx::query("SELECT payload, object_id FROM events WHERE action = 'calendar.import'")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(row.len(), 1, "one import, one event");
        let payload: serde_json::Value = serde_json::from_str(&row[0].get::<String, _>(0)).unwrap();
        assert_eq!(payload["year"], 2027);
        assert_eq!(payload["days"], 9);
        assert_eq!(row[0].get::<Option<String>, _>(1).as_deref(), Some("2027"));
    })
    .await;
}

#[tokio::test]
async fn a_loaded_year_is_kept_unless_the_file_is_identical() {
    on_each_backend(|store| async move {
        store.import_calendar_file(&parse(FILE_2027), None).await.unwrap();
        let state = calendar_state(&store).await;

        // The same notice again: accepted, nothing written.
        let again = store.import_calendar_file(&parse(FILE_2027), None).await.unwrap();
        assert!(again.unchanged);
        assert_eq!(calendar_state(&store).await, state);

        // A shipped year, identical: the same.
        let shipped_2024 = qidi_core::calendar::SHIPPED_FILES.iter().find(|(y, _)| *y == 2024).unwrap().1;
        assert!(store.import_calendar_file(&parse(shipped_2024), None).await.unwrap().unchanged);

        // A different 2024 (the make-up Sunday 2024-02-04 turned into a day off): refused.
        let changed = shipped_2024.replacen(
            r#""date": "2024-02-04",
            "isOffDay": false"#,
            r#""date": "2024-02-04",
            "isOffDay": true"#,
            1,
        );
        assert_ne!(changed, shipped_2024, "the test must change the file");
        let msg = invalid_message(store.import_calendar_file(&parse(&changed), None).await.unwrap_err());
        assert!(msg.contains("2024-02-04") && msg.contains("已经导入"), "{msg}");
        assert_eq!(calendar_state(&store).await, state);
        assert!(store.work_calendar().await.unwrap().is_working_day(d("2024-02-04")));

        // A date added to a loaded year is a difference too.
        let extra = FILE_2027.replace(
            r#"{"name": "元旦", "date": "2027-12-25""#,
            r#"{"name": "国庆节", "date": "2027-10-04", "isOffDay": true}, {"name": "元旦", "date": "2027-12-25""#,
        );
        let msg = invalid_message(store.import_calendar_file(&parse(&extra), None).await.unwrap_err());
        assert!(msg.contains("2027-10-04") && msg.contains("未列出"), "{msg}");
        assert_eq!(calendar_state(&store).await, state);
    })
    .await;
}

#[tokio::test]
async fn a_contradicting_file_is_refused_and_changes_nothing() {
    on_each_backend(|store| async move {
        store.import_calendar_file(&parse(FILE_2027), None).await.unwrap();
        let state = calendar_state(&store).await;
        let msg = invalid_message(store.import_calendar_file(&parse(FILE_2028_CONTRADICTING), None).await.unwrap_err());
        assert!(msg.contains("2027-12-25") && msg.contains("矛盾"), "{msg}");
        assert_eq!(calendar_state(&store).await, state);
        let cal = store.work_calendar().await.unwrap();
        assert!(!cal.is_published(2028));
        assert!(cal.is_working_day(d("2028-01-03")), "the refused file's day off was not stored");

        // Out of range years are refused before anything is read.
        let far = r#"{"year": 2999, "days": [{"name": "元旦", "date": "2999-01-01", "isOffDay": true}]}"#;
        let msg = invalid_message(store.import_calendar_file(&parse(far), None).await.unwrap_err());
        assert!(msg.contains("2999"), "{msg}");
        assert_eq!(calendar_state(&store).await, state);
    })
    .await;
}

struct Rows {
    project: String,
    item_types: Vec<String>,
    department: String,
}

async fn fixture(store: &Store) -> Rows {
    let region = RegionCode::parse("152529").unwrap();
    store.seed_catalogue(&region).await.unwrap();
    let r =
        sqlx::query("SELECT id, department_id FROM item_types ORDER BY code").fetch_all(store.pool()).await.unwrap();
    let now = qidi_store::now_text();
    let project = qidi_store::new_id();
    sqlx::query(
        "INSERT INTO projects (id, region_code, code, name, created_at, updated_at) VALUES ($1, '152529', $2, '测试项目', $3, $3)",
    )
    .bind(&project)
    .bind("2026-152529-44-01-000001")
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    // Every item is filed under the first type's department: the tests only need rows.
    Rows { project, item_types: r.iter().map(|r| r.get(0)).collect(), department: r[0].get(1) }
}

async fn pending_item(store: &Store, rows: &Rows, item_type: &str) -> String {
    let id = qidi_store::new_id();
    sqlx::query(
        "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, created_at)
         VALUES ($1, '152529', $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&rows.project)
    .bind(item_type)
    .bind(&rows.department)
    .bind(qidi_store::now_text())
    .execute(store.pool())
    .await
    .unwrap();
    id
}

async fn application(store: &Store, rows: &Rows, item: &str) -> String {
    let id = qidi_store::new_id();
    let now = qidi_store::now_text();
    sqlx::query(
        "INSERT INTO applications (id, region_code, pending_item_id, project_id, state, created_at, updated_at)
         VALUES ($1, '152529', $2, $3, 'under_review', $4, $4)",
    )
    .bind(&id)
    .bind(item)
    .bind(&rows.project)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    id
}

async fn set(store: &Store, target: DeadlineTarget, id: &str, clock: &DeadlineClock) -> StoredDeadline {
    let mut tx = store.pool().begin().await.unwrap();
    let dl = set_deadline(&mut tx, target, id, clock).await.unwrap();
    tx.commit().await.unwrap();
    let stored = store.stored_deadline(target, id).await.unwrap().unwrap();
    assert_eq!((stored.due_on, stored.warn_on, stored.is_provisional), (dl.due_on, dl.warn_on, dl.provisional));
    stored
}

fn clock(start: &str, limit: u32, pauses: Vec<ClockPause>) -> DeadlineClock {
    DeadlineClock { started_on: d(start), limit, unit: LimitUnit::WorkingDays, pauses, policy: LightPolicy::default() }
}

#[tokio::test]
async fn loading_a_year_recomputes_only_the_deadlines_it_touches() {
    on_each_backend(|store| async move {
        let rows = fixture(&store).await;
        let types = &rows.item_types;
        let (a, b, lit) = (
            pending_item(&store, &rows, &types[0]).await,
            pending_item(&store, &rows, &types[1]).await,
            pending_item(&store, &rows, &types[2]).await,
        );
        let c = application(&store, &rows, &a).await;

        // A: 10 working days from Thursday 2026-12-24 run into 2027, which has no notice yet:
        // Dec 25, 28–31, then 2027-01-01 (an unlisted Friday), Jan 4–7.
        let sa = set(&store, DeadlineTarget::PendingItem, &a, &clock("2026-12-24", 10, vec![])).await;
        assert_eq!(
            sa,
            StoredDeadline { due_on: Some(d("2027-01-07")), warn_on: Some(d("2027-01-05")), is_provisional: true }
        );
        // B: settled, long before: Friday 2024-03-01 + 5 = 2024-03-08.
        let sb = set(&store, DeadlineTarget::PendingItem, &b, &clock("2024-03-01", 5, vec![])).await;
        assert_eq!(sb.due_on, Some(d("2024-03-08")));
        assert!(!sb.is_provisional);
        // C: paused on 2026-12-31 with the limit not reached: no due date yet.
        let paused = vec![ClockPause { from: d("2026-12-31"), to: None }];
        let sc = set(&store, DeadlineTarget::Application, &c, &clock("2026-12-30", 5, paused.clone())).await;
        assert_eq!(sc.due_on, None);
        assert!(sc.is_provisional);
        // A literal date with no clock, and B made stale by hand: neither may be read.
        sqlx::query("UPDATE pending_items SET due_on = '2027-01-05' WHERE id = $1")
            .bind(&lit)
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE pending_items SET due_on = '2024-03-09' WHERE id = $1")
            .bind(&b)
            .execute(store.pool())
            .await
            .unwrap();

        let done = store.import_calendar_file(&parse(FILE_2027), None).await.unwrap();
        assert_eq!(done.recomputed, DeadlineRecompute { examined: 2, changed: 2 }, "A and C only");

        let a_now = store.stored_deadline(DeadlineTarget::PendingItem, &a).await.unwrap().unwrap();
        assert_eq!(
            a_now,
            StoredDeadline { due_on: Some(d("2027-01-08")), warn_on: Some(d("2027-01-06")), is_provisional: false },
            "2027-01-01 is now a day off and the year is published"
        );
        let c_now = store.stored_deadline(DeadlineTarget::Application, &c).await.unwrap().unwrap();
        assert_eq!(
            c_now,
            StoredDeadline { due_on: None, warn_on: None, is_provisional: false },
            "settled, still paused"
        );
        let b_now = store.stored_deadline(DeadlineTarget::PendingItem, &b).await.unwrap().unwrap();
        assert_eq!(b_now.due_on, Some(d("2024-03-09")), "before the first changed date: not selected");
        let lit_now = store.stored_deadline(DeadlineTarget::PendingItem, &lit).await.unwrap().unwrap();
        assert_eq!(lit_now.due_on, Some(d("2027-01-05")), "no clock: a literal date");
        assert_eq!(store.deadline_clock(DeadlineTarget::Application, &c).await.unwrap().unwrap().pauses, paused);

        // Recomputing from an earlier date reaches B, and is audited.
        let again = store.recompute_deadlines_from(d("2024-01-01")).await.unwrap();
        assert_eq!(again, DeadlineRecompute { examined: 3, changed: 1 });
        let b_now = store.stored_deadline(DeadlineTarget::PendingItem, &b).await.unwrap().unwrap();
        assert_eq!(b_now.due_on, Some(d("2024-03-08")));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events WHERE action = 'calendar.recompute'").await, 1);

        // "Red in department X" stays an index query on the stored date.
        let red: i64 = sqlx::query(
            "SELECT COUNT(*) FROM pending_items WHERE region_code = '152529' AND handling_department_id = $1
             AND status = 'pending' AND due_on < $2",
        )
        .bind(&rows.department)
        .bind("2027-01-08")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        assert_eq!(red, 2, "on 2027-01-08, B and the literal date are past due; A is due that day");
    })
    .await;
}

#[tokio::test]
async fn a_deadline_needs_its_row_and_valid_pauses() {
    on_each_backend(|store| async move {
        let mut tx = store.pool().begin().await.unwrap();
        let e = set_deadline(&mut tx, DeadlineTarget::Application, "nope", &clock("2026-12-01", 5, vec![]))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
        drop(tx);

        let rows = fixture(&store).await;
        let item = pending_item(&store, &rows, &rows.item_types[0]).await;
        let bad_pause = vec![ClockPause { from: d("2026-12-10"), to: Some(d("2026-12-09")) }];
        let mut tx = store.pool().begin().await.unwrap();
        let e = set_deadline(&mut tx, DeadlineTarget::PendingItem, &item, &clock("2026-12-01", 5, bad_pause))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("2026-12-09"), "{e}");
        drop(tx);
        assert!(store.deadline_clock(DeadlineTarget::PendingItem, &item).await.unwrap().is_none());
    })
    .await;
}

/// Each server keeps the calendar it read; a year imported through another server (or
/// a day changed by hand in the database) is seen on the next read all the same.
#[tokio::test]
async fn a_calendar_changed_elsewhere_is_read_again() {
    for url in qidi_store::testing::fresh_database_urls().await {
        let one = qidi_store::testing::migrated_store(&url).await;
        let other = qidi_store::Store::connect(&url).await.unwrap();
        assert!(!one.work_calendar().await.unwrap().is_published(2027));
        assert!(one.work_calendar().await.unwrap().is_working_day(d("2027-01-01")));

        other.import_calendar_file(&parse(FILE_2027), None).await.unwrap();
        let cal = one.work_calendar().await.unwrap();
        assert!(cal.is_published(2027), "{url}");
        assert!(!cal.is_working_day(d("2027-01-01")));

        // A make-up working day turned into a day off by hand.
        assert!(cal.is_working_day(d("2027-02-06")));
        sqlx::query("UPDATE calendar_days SET is_off_day = TRUE WHERE date = '2027-02-06'")
            .execute(other.pool())
            .await
            .unwrap();
        assert!(!one.work_calendar().await.unwrap().is_working_day(d("2027-02-06")), "{url}");
        other.close().await;
        one.close().await;
    }
}
