//! `qidi calendar …` run as a real process against a fresh database: SQLite always,
//! PostgreSQL too when `QIDI_TEST_DATABASE_URL` names a server.

use qidi_store::testing::fresh_database_urls;
use qidi_store::Store;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A made-up 2027 notice: 2027-01-01 (Friday) off and 2027-12-25 (Saturday) worked.
const FILE_2027: &str = r#"{"year": 2027, "papers": ["test"], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "春节", "date": "2027-02-06", "isOffDay": false},
  {"name": "春节", "date": "2027-02-08", "isOffDay": true},
  {"name": "春节", "date": "2027-02-09", "isOffDay": true},
  {"name": "春节", "date": "2027-02-10", "isOffDay": true},
  {"name": "春节", "date": "2027-02-11", "isOffDay": true},
  {"name": "春节", "date": "2027-02-12", "isOffDay": true},
  {"name": "元旦", "date": "2027-12-25", "isOffDay": false}
]}"#;

/// Lists 2027-12-25 as a day off, against the 2027 notice.
const FILE_2028_CONTRADICTING: &str = r#"{"year": 2028, "days": [
  {"name": "元旦", "date": "2027-12-25", "isOffDay": true},
  {"name": "元旦", "date": "2028-01-03", "isOffDay": true}
]}"#;

fn qidi(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qidi"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("QIDI_CONFIG")
        .env_remove("QIDI_LOG")
        .env_remove("QIDI_REGION")
        .output()
        .expect("run qidi")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run, expect success, return stdout.
fn ok(url: &str, args: &[&str]) -> String {
    let o = qidi(url, args);
    assert!(o.status.success(), "qidi {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Run, expect exit code 1 with nothing on stdout and one line on stderr naming
/// `names`; return that line.
fn refused(url: &str, args: &[&str], names: &str) -> String {
    let o = qidi(url, args);
    assert_eq!(o.status.code(), Some(1), "qidi {args:?} should fail: {}", stdout(&o));
    assert_eq!(stdout(&o), "", "nothing on stdout for {args:?}");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line on stderr for {args:?}: {err}");
    assert!(err.contains(names), "stderr for {args:?} should name {names}: {err}");
    err
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qidi-cli-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Everything an import may change: the loaded years with their counts and load
/// times, and the calendar's events.
async fn calendar_state(url: &str) -> (Vec<(i32, i64, i64, String)>, usize) {
    let store = Store::connect(url).await.unwrap();
    let years = store.calendar_years().await.unwrap();
    let events = store.recent_events(100_000).await.unwrap();
    store.close().await;
    (
        years.into_iter().map(|y| (y.year, y.off_days, y.make_up_days, y.loaded_at)).collect(),
        events.iter().filter(|e| e.object_type == "calendar").count(),
    )
}

#[tokio::test]
async fn answers_follow_the_state_council_notices() {
    for url in fresh_database_urls().await {
        eprintln!("-- on {url}");
        // National Day 2022: Oct 1–7 off, Oct 8 and 9 (weekend) worked.
        assert_eq!(ok(&url, &["calendar", "add", "2022-09-29", "5"]), "2022-10-11\n");
        // Spring Festival 2023: Jan 21–27 off, Sunday Jan 29 worked.
        assert_eq!(ok(&url, &["calendar", "add", "2023-01-19", "3"]), "2023-01-29\n");
        assert_eq!(ok(&url, &["calendar", "add", "2024-02-04", "0"]), "2024-02-04\n");
        assert_eq!(ok(&url, &["calendar", "add", "2018-12-28", "1"]), "2018-12-29\n", "in the 2019 notice");
        assert_eq!(ok(&url, &["calendar", "count", "2022-09-29", "2022-10-11"]), "5\n");
        assert_eq!(ok(&url, &["calendar", "count", "2022-10-11", "2022-09-29"]), "-5\n");
        assert_eq!(ok(&url, &["calendar", "count", "2023-01-20", "2023-01-20"]), "0\n");
        assert_eq!(ok(&url, &["calendar", "is-workday", "2023-01-29"]), "true\n");
        assert_eq!(ok(&url, &["calendar", "is-workday", "2022-10-03"]), "false\n");
        assert_eq!(ok(&url, &["calendar", "is-workday", "2024-02-03"]), "false\n", "a plain Saturday");
        let o = qidi(&url, &["calendar", "add", "2022-09-29", "5"]);
        assert_eq!(stderr(&o), "", "a settled answer has no note");
    }
}

#[tokio::test]
async fn bad_input_is_one_line_naming_it() {
    for url in fresh_database_urls().await {
        eprintln!("-- on {url}");
        refused(&url, &["calendar", "add", "2023-02-29", "3"], "2023-02-29");
        refused(&url, &["calendar", "add", "2023-2-01", "3"], "2023-2-01");
        refused(&url, &["calendar", "add", "2023-02-01", "-3"], "-3");
        refused(&url, &["calendar", "add", "2023-02-01", "three"], "three");
        refused(&url, &["calendar", "count", "2023-01-01", "2023-13-01"], "2023-13-01");
        refused(&url, &["calendar", "is-workday", "tomorrow"], "tomorrow");
        let wrong_year = temp_file(
            "2027.json",
            r#"{"year": 2027, "days": [{"name": "x", "date": "2029-03-01", "isOffDay": true}]}"#,
        );
        refused(&url, &["calendar", "import", wrong_year.to_str().unwrap()], "2029-03-01");
        let twice = temp_file(
            "2027.json",
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                                        {"name": "元旦", "date": "2027-01-01", "isOffDay": false}]}"#,
        );
        refused(&url, &["calendar", "import", twice.to_str().unwrap()], "2027-01-01");
        let bad_date = temp_file("2027.json", r#"{"year": 2027, "days": [{"date": "2027-02-30", "isOffDay": true}]}"#);
        refused(&url, &["calendar", "import", bad_date.to_str().unwrap()], "2027-02-30");
        refused(&url, &["calendar", "import", "/nonexistent/2027.json"], "/nonexistent/2027.json");
    }
}

#[tokio::test]
async fn importing_a_year_settles_provisional_answers() {
    for url in fresh_database_urls().await {
        eprintln!("-- on {url}");
        // Before 2027 is loaded, 2027-01-01 (a Friday) counts and the answer is provisional.
        let o = qidi(&url, &["calendar", "add", "2026-12-24", "10"]);
        assert!(o.status.success());
        assert_eq!(stdout(&o), "2027-01-07\n");
        assert!(stderr(&o).contains("暂定") && stderr(&o).contains("2027"), "{}", stderr(&o));
        assert_eq!(ok(&url, &["calendar", "is-workday", "2027-01-01"]), "true\n");

        let file = temp_file("2027.json", FILE_2027);
        let out = ok(&url, &["calendar", "import", file.to_str().unwrap()]);
        assert!(out.contains("2027"), "{out}");
        let o = qidi(&url, &["calendar", "add", "2026-12-24", "10"]);
        assert_eq!(stdout(&o), "2027-01-08\n");
        assert_eq!(stderr(&o), "", "settled now");
        assert_eq!(ok(&url, &["calendar", "is-workday", "2027-01-01"]), "false\n");
        assert_eq!(ok(&url, &["calendar", "count", "2027-02-05", "2027-02-15"]), "2\n", "Feb 6 worked, Feb 8–12 off");

        // The same file again changes nothing and says so.
        let before = calendar_state(&url).await;
        let out = ok(&url, &["calendar", "import", file.to_str().unwrap()]);
        assert!(out.contains("未作更改"), "{out}");
        assert_eq!(calendar_state(&url).await, before);
    }
}

#[tokio::test]
async fn a_contradicting_import_leaves_the_calendar_unchanged() {
    for url in fresh_database_urls().await {
        eprintln!("-- on {url}");
        let file = temp_file("2027.json", FILE_2027);
        ok(&url, &["calendar", "import", file.to_str().unwrap()]);
        let before = calendar_state(&url).await;

        let bad = temp_file("2028.json", FILE_2028_CONTRADICTING);
        let err = refused(&url, &["calendar", "import", bad.to_str().unwrap()], "2027-12-25");
        assert!(err.contains("矛盾"), "{err}");
        assert_eq!(calendar_state(&url).await, before);
        assert_eq!(ok(&url, &["calendar", "is-workday", "2027-12-25"]), "true\n");
        assert_eq!(ok(&url, &["calendar", "is-workday", "2028-01-03"]), "true\n", "the refused day off is not stored");

        // A changed copy of a loaded year is refused too, naming the first difference.
        let changed = temp_file(
            "2027.json",
            &FILE_2027.replace(r#""2027-02-06", "isOffDay": false"#, r#""2027-02-06", "isOffDay": true"#),
        );
        refused(&url, &["calendar", "import", changed.to_str().unwrap()], "2027-02-06");
        assert_eq!(calendar_state(&url).await, before);
        assert_eq!(ok(&url, &["calendar", "is-workday", "2027-02-06"]), "true\n");
    }
}
