//! The trial clock (演练时钟, `QIDI_NOW`): the process's clock starts at the chosen
//! instant and runs on, and every page says so. A test binary of its own, because the
//! clock is set once per process.

mod common;

use common::TestApp;

#[tokio::test]
async fn every_page_says_the_trial_clock_is_set() {
    let url = qidi_store::testing::fresh_sqlite_database();
    let app = TestApp::new(&url).await;
    let before = app.get("/login", None).await;
    assert!(!before.body.contains("演练时钟已启用"), "no banner without the trial clock");

    let start = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap();
    qidi_store::start_trial_clock(start);
    assert_eq!(qidi_store::today(), chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    let now = qidi_store::now();
    assert!(now >= start && now < start + chrono::Duration::minutes(5), "the clock runs on from the start: {now}");
    assert!(qidi_store::now_text().starts_with("2026-03-02T09:0"));

    let page = app.get("/login", None).await;
    assert!(page.body.contains("演练时钟已启用：系统时间从 2026-03-02 09:00:00 +08:00 起计"), "{}", page.body);
    // A second start is ignored: the clock is set once.
    qidi_store::start_trial_clock(chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00+08:00").unwrap());
    assert_eq!(qidi_store::today(), chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
}
