//! `qidi audit …` as an operator runs it: a demo database is checkpointed, copies of
//! it are tampered with in different ways, and `qidi audit verify --checkpoints FILE`
//! names what happened to each in one line and exits non-zero; the untouched one
//! passes. Then an inclusion proof is made and checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qidi(data_dir: &Path, db: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION", "QIDI_AUDIT_KEY_FILE"] {
        c.env_remove(k);
    }
    c.env("QIDI_LOG", "warn")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .args(args)
        .output()
        .expect("run qidi")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("qidi-audit-cli-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A failure naming `needle` in one line, with no panic.
fn assert_names(o: &Output, needle: &str) {
    let e = err(o);
    assert!(!o.status.success(), "must fail: {e}");
    assert!(e.contains(needle), "stderr should name `{needle}`: {e}");
    assert!(!e.contains("panicked"), "no panic: {e}");
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
}

/// Copy the database file and run `sql` on the copy with the sqlite3 shell's
/// semantics through sqlx (triggers dropped first when asked).
async fn tampered_copy(dir: &Path, db: &Path, name: &str, sql: &str) -> PathBuf {
    let copy = dir.join(format!("{name}.db"));
    std::fs::copy(db, &copy).unwrap();
    // Committed pages may still be in the write-ahead log (a process that ended without
    // a last checkpoint): the copy needs it, or SQLite reads a torn database.
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", copy.display())).unwrap();
    }
    let store = qidi_store::Store::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    sqlx::raw_sql(sql).execute(store.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    store.close().await;
    copy
}

async fn one(db: &Path, sql: &str) -> String {
    use sqlx::Row;
    let store = qidi_store::Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let v: String = sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get(0);
    store.close().await;
    v
}

const DROP_TRIGGERS: &str = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; ";

#[tokio::test]
async fn checkpoint_then_verify_catches_each_tampering() {
    let dir = temp_dir();
    let db = dir.join("qidi.db");
    let o = qidi(&dir, &db, &["demo"]);
    assert!(o.status.success(), "{}", err(&o));

    // The first checkpoint generates the key, 0600, and says so.
    let cps = dir.join("checkpoints.jsonl");
    let cps_s = cps.to_str().unwrap();
    let o = qidi(&dir, &db, &["audit", "checkpoint", "-o", cps_s]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("generated a new audit signing key"), "{}", err(&o));
    let key = dir.join("audit-signing.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(out(&o).contains("检查点"), "{}", out(&o));
    // A second one is appended to the same file, with the same key, silently.
    let o = qidi(&dir, &db, &["audit", "checkpoint", "-o", cps_s]);
    assert!(o.status.success() && !err(&o).contains("generated"), "{}", err(&o));
    assert_eq!(std::fs::read_to_string(&cps).unwrap().lines().count(), 2);

    let o = qidi(&dir, &db, &["audit", "verify", "--checkpoints", cps_s]);
    assert!(o.status.success(), "untouched passes: {}", err(&o));
    assert!(out(&o).starts_with("record intact: "), "{}", out(&o));
    assert!(out(&o).contains("checkpoint(s) matched"), "{}", out(&o));

    let id7 = one(&db, "SELECT id FROM events WHERE seq = 7").await;
    let n: i64 = one(&db, "SELECT CAST(MAX(seq) AS TEXT) FROM events").await.parse().unwrap();

    // (a) A payload altered behind the triggers' back.
    let copy = tampered_copy(
        &dir,
        &db,
        "altered",
        &format!("{DROP_TRIGGERS} UPDATE events SET payload = '{{\"decision\":\"refused\"}}' WHERE seq = 7;"),
    )
    .await;
    let o = qidi(&dir, &copy, &["audit", "verify", "--checkpoints", cps_s]);
    assert_names(&o, &format!("altered record: event {id7} (seq 7)"));

    // (b) A record deleted.
    let copy = tampered_copy(&dir, &db, "deleted", &format!("{DROP_TRIGGERS} DELETE FROM events WHERE seq = 9;")).await;
    assert_names(&qidi(&dir, &copy, &["audit", "verify", "--checkpoints", cps_s]), "missing record: seq 9 ");

    // (c) A forged record written the old way, triggers on: the database refuses it.
    let copy = dir.join("forged.db");
    std::fs::copy(&db, &copy).unwrap();
    let store = qidi_store::Store::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    let forged = sqlx::query(
        "INSERT INTO events (id, region_code, at, action, object_type, outcome, payload)
         VALUES ('forged', '152529', '2026-01-05T09:00:00.000000+08:00', 'application.approve', 'application', 'ok', '{}')",
    )
    .execute(store.pool())
    .await;
    assert!(forged.is_err());
    // … and with made-up chain columns after the head, it is named.
    sqlx::query(
        "INSERT INTO events (id, region_code, at, action, object_type, outcome, payload, seq, prev_hash, hash)
         VALUES ('forged', '152529', '2026-01-05T09:00:00.000000+08:00', 'application.approve', 'application', 'ok', '{}', $1, $2, $2)",
    )
    .bind(n + 5)
    .bind("0".repeat(64))
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    assert_names(&qidi(&dir, &copy, &["audit", "verify", "--checkpoints", cps_s]), "forged insertion: event forged");

    // (d) The tail cut off, the head rewound and the database's copies of the
    // checkpoints deleted: only the file kept elsewhere still knows.
    let cut = n - 4;
    let copy = tampered_copy(
        &dir,
        &db,
        "truncated",
        &format!(
            "{DROP_TRIGGERS} DROP TRIGGER audit_checkpoints_no_delete;
             DELETE FROM events WHERE seq > {cut}; DELETE FROM audit_checkpoints;
             UPDATE audit_chain_head SET seq = {cut}, hash = (SELECT hash FROM events WHERE seq = {cut}),
                    at = (SELECT at FROM events WHERE seq = {cut});"
        ),
    )
    .await;
    let o = qidi(&dir, &copy, &["audit", "verify"]);
    assert!(o.status.success(), "without the file a clean cut is invisible: {}", err(&o));
    assert_names(&qidi(&dir, &copy, &["audit", "verify", "--checkpoints", cps_s]), "truncated tail: checkpoint line ");

    // A checkpoint line edited to match: its signature no longer holds.
    let edited = dir.join("edited.jsonl");
    let text = std::fs::read_to_string(&cps).unwrap();
    let first = text.lines().next().unwrap().to_string();
    let cp: serde_json::Value = serde_json::from_str(&first).unwrap();
    let count = cp["count"].as_i64().unwrap();
    std::fs::write(&edited, first.replace(&format!("\"count\":{count}"), &format!("\"count\":{}", count - 1))).unwrap();
    assert_names(
        &qidi(&dir, &db, &["audit", "verify", "--checkpoints", edited.to_str().unwrap()]),
        "bad checkpoint: checkpoint line 1 of ",
    );
    std::fs::write(&edited, "not json\n").unwrap();
    assert_names(
        &qidi(&dir, &db, &["audit", "verify", "--checkpoints", edited.to_str().unwrap()]),
        "not a checkpoint line",
    );

    // The untouched database still passes; a proof of event 7 checks with the public key.
    let o = qidi(&dir, &db, &["audit", "verify", "--checkpoints", cps_s]);
    assert!(o.status.success(), "{}", err(&o));
    let o = qidi(&dir, &db, &["audit", "prove", &id7]);
    assert!(o.status.success(), "{}", err(&o));
    let proof = dir.join("proof.json");
    std::fs::write(&proof, out(&o)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["seq"], 7);
    assert_eq!(v["event"]["id"], id7.as_str());
    let public = out(&qidi(&dir, &db, &["audit", "public-key"])).trim().to_string();
    assert_eq!(public.len(), 64);
    let checker = dir.join("elsewhere");
    std::fs::create_dir_all(&checker).unwrap();
    let o = qidi(
        &checker,
        &checker.join("none.db"),
        &["audit", "check-proof", proof.to_str().unwrap(), "--public-key", &public],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).starts_with("proof holds: event "), "{}", out(&o));
    let altered = std::fs::read_to_string(&proof).unwrap().replacen("\"seq\": 7", "\"seq\": 6", 1);
    std::fs::write(&proof, altered).unwrap();
    assert_names(
        &qidi(
            &checker,
            &checker.join("none.db"),
            &["audit", "check-proof", proof.to_str().unwrap(), "--public-key", &public],
        ),
        "the proof does not hold",
    );
    assert_names(&qidi(&dir, &db, &["audit", "prove", "no-such-event"]), "no event with id no-such-event");
}

/// The same commands against PostgreSQL (when `QIDI_TEST_DATABASE_URL` names a server):
/// a checkpoint, an untouched verify, then a payload altered with the triggers disabled.
#[tokio::test]
async fn checkpoint_then_verify_on_postgres() {
    let Some(url) = qidi_store::testing::fresh_postgres_url().await else { return };
    let dir = temp_dir();
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
        for k in ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION"] {
            c.env_remove(k);
        }
        c.env("QIDI_LOG", "warn")
            .env("QIDI_AUDIT_KEY_FILE", dir.join("elsewhere.key"))
            .arg("--data-dir")
            .arg(&dir)
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .output()
            .expect("run qidi")
    };
    assert!(run(&["demo"]).status.success());
    let cps = dir.join("cps.jsonl");
    let cps_s = cps.to_str().unwrap();
    // A named key file that does not exist is an error, never silently made.
    assert_names(&run(&["audit", "checkpoint", "-o", cps_s]), "QIDI_AUDIT_KEY_FILE does not exist");
    std::fs::write(dir.join("elsewhere.key"), format!("{}\n", "ab".repeat(32))).unwrap();
    #[cfg(unix)]
    {
        // Readable by others: said on every use.
        let o = run(&["audit", "public-key"]);
        assert!(err(&o).contains("can be read by others"), "{}", err(&o));
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("elsewhere.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let o = run(&["audit", "checkpoint", "-o", cps_s]);
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&["audit", "verify", "--checkpoints", cps_s]);
    assert!(o.status.success() && out(&o).starts_with("record intact: "), "{}", err(&o));

    let store = qidi_store::Store::connect(&url).await.unwrap();
    sqlx::raw_sql("ALTER TABLE events DISABLE TRIGGER USER; UPDATE events SET payload = '{}' WHERE seq = 5;")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    assert_names(&run(&["audit", "verify", "--checkpoints", cps_s]), "(seq 5) no longer matches its hash");
    qidi_store::testing::discard(&url).await;
}

/// `qidi jobs run` at the given Beijing time, with no mail server to reach.
fn jobs_at(data_dir: &Path, db: &Path, at: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in
        ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION", "QIDI_AUDIT_KEY_FILE", "QIDI_SMTP_URL"]
    {
        c.env_remove(k);
    }
    c.env("QIDI_LOG", "warn")
        .env("QIDI_NOW", at)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .args(["jobs", "run"])
        .output()
        .expect("run qidi")
}

#[test]
fn a_checkpoint_is_taken_each_morning_once_a_key_exists() {
    let dir = temp_dir();
    let db = dir.join("qidi.db");
    let file = dir.join("audit-checkpoints.jsonl");
    let lines = || std::fs::read_to_string(&file).map(|t| t.lines().count()).unwrap_or(0);
    let o = qidi(&dir, &db, &["migrate"]);
    assert!(o.status.success(), "{}", err(&o));
    // No key yet: nothing is signed, and nothing is made behind the operator's back.
    let o = jobs_at(&dir, &db, "2026-03-02T09:00:00+08:00");
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("audit checkpoint: nothing due"), "{}", out(&o));
    assert!(!dir.join("audit-signing.key").exists() && lines() == 0);

    // The operator's first checkpoint makes the key; from then on each morning has one.
    let manual = dir.join("elsewhere.jsonl");
    let o = qidi(&dir, &db, &["audit", "checkpoint", "-o", manual.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let o = jobs_at(&dir, &db, "2026-03-03T08:00:00+08:00");
    assert!(out(&o).contains("audit checkpoint: nothing due"), "before the morning: {}", out(&o));
    let o = jobs_at(&dir, &db, "2026-03-03T09:00:00+08:00");
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("audit checkpoint: ") && out(&o).contains("appended to"), "{}", out(&o));
    assert_eq!(lines(), 1);
    let o = jobs_at(&dir, &db, "2026-03-03T15:00:00+08:00");
    assert!(out(&o).contains("audit checkpoint: nothing due"), "once a day: {}", out(&o));
    let o = jobs_at(&dir, &db, "2026-03-04T09:00:00+08:00");
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(lines(), 2);

    // The daily file is a checkpoints file like any other.
    let o = qidi(&dir, &db, &["audit", "verify", "--checkpoints", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
}
