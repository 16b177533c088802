//! Readings of a department ledger as every server sees them: noted, read back with the
//! state they found, and forgotten after their time, on both engines.

use chrono::{Duration, Utc};
use qidi_store::ledger_readings::NewReading;
use qidi_store::testing::{banner, on_each_backend};

#[tokio::test]
async fn a_reading_is_noted_read_back_with_its_state_and_forgotten_after_its_time() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let fgw = store.department_id(&banner(), "fgw").await.unwrap();
        let now = Utc::now();
        let old = NewReading {
            id: "old",
            user_id: "u",
            department_id: &fgw,
            view: "listed=200;after=",
            began_at: now - Duration::minutes(20),
            lines: 7,
        };
        store.begin_ledger_reading(&old, now - Duration::hours(1)).await.unwrap();
        let new = NewReading { id: "new", began_at: now, ..old };
        // Beginning a reading forgets those begun before the time given.
        store.begin_ledger_reading(&new, now - Duration::minutes(10)).await.unwrap();
        assert!(store.ledger_reading("old").await.unwrap().is_none());

        let r = store.ledger_reading("new").await.unwrap().expect("noted");
        assert_eq!((r.lines, r.lines_read, r.finished, r.state.is_none()), (7, 0, false, true));
        assert_eq!(
            (r.user_id.as_str(), r.department_id.as_str(), r.view.as_str()),
            ("u", fgw.as_str(), "listed=200;after=")
        );
        assert!((r.began_at - now).num_milliseconds().abs() < 1, "{} against {now}", r.began_at);
        store.note_ledger_reading("new", 9, 4).await.unwrap();
        let r = store.ledger_reading("new").await.unwrap().unwrap();
        assert_eq!((r.lines, r.lines_read), (9, 4));
        assert!(r.noted_at >= r.began_at);

        // Finished with the state read, it reads back whole.
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        store.finish_ledger_reading("new", 9, Some(&state)).await.unwrap();
        let r = store.ledger_reading("new").await.unwrap().unwrap();
        assert!(r.finished && r.lines_read == 9);
        let back = r.state.expect("the state read back");
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&state).unwrap());

        // Finished without one, it failed.
        let failed = NewReading { id: "failed", began_at: now, ..new };
        store.begin_ledger_reading(&failed, now - Duration::minutes(10)).await.unwrap();
        store.finish_ledger_reading("failed", 2, None).await.unwrap();
        let r = store.ledger_reading("failed").await.unwrap().unwrap();
        assert!(r.finished && r.state.is_none());
    })
    .await;
}
