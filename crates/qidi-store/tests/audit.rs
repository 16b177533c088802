//! The tamper-evident record on both backends: a real history (the demo banner with
//! its applications) verifies untouched, and a copy of it altered, shortened, or given
//! a forged record fails verification naming the record. Plus parallel appenders,
//! events from before the hash chain, checkpoints and inclusion proofs.

use qidi_core::audit::{self, Break, Checkpoint, CheckpointMark};
use qidi_core::RegionCode;
use qidi_store::events::NewEvent;
use qidi_store::testing::{fresh_database_urls, migrated_store, FreshDatabase, TEST_DATABASE_ENV};
use qidi_store::{Backend, Store};
use sqlx::Row;

fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

async fn exec(store: &Store, sql: &str) {
    sqlx::raw_sql(sql).execute(store.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn one_i64(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get(0)
}

async fn id_at(store: &Store, seq: i64) -> String {
    sqlx::query("SELECT id FROM events WHERE seq = $1").bind(seq).fetch_one(store.pool()).await.unwrap().get(0)
}

fn test_event(action: impl Into<String>) -> NewEvent {
    NewEvent { region_code: "152529".into(), action: action.into(), object_type: "test".into(), ..Default::default() }
}

async fn verdict(store: &Store, marks: Vec<CheckpointMark>) -> Result<audit::Summary, Break> {
    store.verify_audit_chain(marks).await.expect("verify reads the database")
}

/// A copy of the database at `url` (whose store must be closed), migrated as it is,
/// removed when the test is done with it.
async fn copy_of(url: &str) -> (FreshDatabase, Store) {
    let copy_url = if url.starts_with("sqlite:") {
        let path = url.trim_start_matches("sqlite://").split('?').next().unwrap().to_string();
        let copy = format!("{path}.copy-{}.db", qidi_store::new_id());
        // The closed store's last connection checkpoints the WAL into the main file and
        // removes it as SQLite closes, which on a loaded machine may still be under way
        // when the pool's close returns: a copy taken meanwhile is torn. Wait for it.
        let wal = format!("{path}-wal");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while std::path::Path::new(&wal).exists() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        std::fs::copy(&path, &copy).unwrap();
        // Still there (a connection kept it): it may hold committed pages the main file
        // does not have yet.
        if std::path::Path::new(&wal).exists() {
            std::fs::copy(&wal, format!("{copy}-wal")).unwrap();
        }
        format!("sqlite://{copy}")
    } else {
        use sqlx::Connection;
        let base = std::env::var(TEST_DATABASE_ENV).unwrap();
        let (head, _) = url.rsplit_once('/').unwrap();
        let orig = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
        let name = format!("{orig}_c{}", &qidi_store::new_id().replace('-', "")[20..]);
        let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
        // A closed pool's server sessions end a moment after it returns (on a busy machine,
        // seconds after): until they have, PostgreSQL refuses the source as a template
        // ("being accessed by other users"). The store is closed, so end them, and retry
        // for as long as a loaded machine may need.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&orig)
            .execute(&mut conn)
            .await
            .unwrap();
            match sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {orig}")).execute(&mut conn).await {
                Ok(_) => break,
                Err(e) => assert!(
                    std::time::Instant::now() < deadline && e.to_string().contains("being accessed by other users"),
                    "{e}"
                ),
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let _ = conn.close().await;
        format!("{head}/{name}")
    };
    let store = Store::connect(&copy_url).await.unwrap();
    (FreshDatabase::adopt(copy_url), store)
}

async fn drop_event_triggers(store: &Store) {
    match store.backend() {
        Backend::Sqlite => exec(store, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;").await,
        Backend::Postgres => exec(store, "ALTER TABLE events DISABLE TRIGGER USER").await,
    }
}

/// A forged event that hashes correctly, linked after the current head: what someone
/// who knows the (public) algorithm and may insert rows can write.
async fn forge_after_head(store: &Store, at: &str, move_head: bool) -> String {
    let head = store.audit_head().await.unwrap();
    let prev = audit::parse_hash(head.hash.as_deref().unwrap()).unwrap();
    let id = qidi_store::new_id();
    let seq = head.seq + 1;
    let cols = [
        ("id", Some(id.as_str())),
        ("region_code", Some("152529")),
        ("at", Some(at)),
        ("actor_role", Some("leader")),
        ("action", Some("application.approve")),
        ("object_type", Some("application")),
        ("outcome", Some("ok")),
        ("payload", Some("{\"note\":\"forged\"}")),
    ];
    let hash = audit::hex_hash(&audit::link_hash(seq as u64, &prev, &audit::content_digest(cols)));
    sqlx::query(
        "INSERT INTO events (id, region_code, at, actor_role, action, object_type, outcome, payload, seq, prev_hash, hash)
         VALUES ($1, '152529', $2, 'leader', 'application.approve', 'application', 'ok', '{\"note\":\"forged\"}', $3, $4, $5)",
    )
    .bind(&id)
    .bind(at)
    .bind(seq)
    .bind(audit::hex_hash(&prev))
    .bind(&hash)
    .execute(store.pool())
    .await
    .expect("a well-formed insert passes the triggers");
    if move_head {
        sqlx::query("UPDATE audit_chain_head SET seq = $1, hash = $2, at = $3 WHERE id = 1")
            .bind(seq)
            .bind(&hash)
            .bind(at)
            .execute(store.pool())
            .await
            .unwrap();
    }
    id
}

#[tokio::test]
async fn tampering_with_a_copy_of_a_real_history_is_caught() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        eprintln!("-- on {:?}", store.backend());
        store.load_demo(&banner()).await.unwrap();
        let dir = std::env::temp_dir().join(format!("qidi-audit-{}", qidi_store::new_id()));
        assert!(store.load_demo_applications(&banner(), &dir).await.unwrap() > 0);
        let n = one_i64(&store, "SELECT COUNT(*) FROM events").await;
        assert!(n > 30, "a real history: {n} events");
        let summary = verdict(&store, vec![]).await.expect("an untouched record verifies");
        assert_eq!(summary.count, n);
        assert_eq!(one_i64(&store, "SELECT MAX(seq) FROM events").await, n, "gap-free from 1");
        let head = store.audit_head().await.unwrap();
        let mark = CheckpointMark {
            seq: head.seq,
            hash: audit::parse_hash(head.hash.as_deref().unwrap()).unwrap(),
            name: "the checkpoint".into(),
        };
        let (altered_id, before_deleted, after_deleted) =
            (id_at(&store, 7).await, id_at(&store, 8).await, id_at(&store, 10).await);
        store.close().await;

        // (a) A record's payload altered, the triggers dropped first.
        let (_copied, copy) = copy_of(&url).await;
        drop_event_triggers(&copy).await;
        exec(&copy, "UPDATE events SET payload = '{\"decision\":\"refused\"}' WHERE seq = 7").await;
        let err = verdict(&copy, vec![]).await.unwrap_err();
        assert_eq!(err, Break::Altered { seq: 7, id: altered_id.clone() });
        assert!(
            err.to_string().starts_with("altered record: event ") && err.to_string().contains(&altered_id),
            "{err}"
        );
        copy.close().await;

        // (b) A record deleted.
        let (_copied, copy) = copy_of(&url).await;
        drop_event_triggers(&copy).await;
        exec(&copy, "DELETE FROM events WHERE seq = 9").await;
        let err = verdict(&copy, vec![]).await.unwrap_err();
        assert_eq!(err, Break::Missing { from: 9, to: 9, after_id: Some(before_deleted), before_id: after_deleted });
        assert!(err.to_string().starts_with("missing record: seq 9 "), "{err}");
        assert_eq!(one_i64(&copy, "SELECT COUNT(*) FROM events").await, n - 1);
        copy.close().await;

        // (c) A backdated forged record, triggers on.
        let (_copied, copy) = copy_of(&url).await;
        // Written the old way, without chain columns: the database refuses it.
        let naive = sqlx::query(
            "INSERT INTO events (id, region_code, at, action, object_type, outcome, payload)
             VALUES ('forged-1', '152529', '2026-03-02T10:00:00.000000+08:00', 'application.approve', 'application', 'ok', '{}')",
        )
        .execute(copy.pool())
        .await;
        assert!(naive.is_err(), "an event outside the chain is refused");
        // Into the middle of the chain: its seq is taken.
        let middle = sqlx::query(
            "INSERT INTO events (id, region_code, at, action, object_type, outcome, payload, seq, prev_hash, hash)
             VALUES ('forged-2', '152529', '2026-03-02T10:00:00.000000+08:00', 'x', 'application', 'ok', '{}', 5, 'a', 'b')",
        )
        .execute(copy.pool())
        .await;
        assert!(middle.is_err(), "a taken seq is refused");
        // After the head, hashed correctly, head left alone.
        let forged = forge_after_head(&copy, "2026-03-02T10:00:00.000000+08:00", false).await;
        let err = verdict(&copy, vec![]).await.unwrap_err();
        assert_eq!(err, Break::BeyondHead { seq: n + 1, id: forged.clone(), head_seq: n });
        copy.close().await;
        // After the head, hashed correctly, head moved too: its date gives it away.
        let (_copied, copy) = copy_of(&url).await;
        let forged = forge_after_head(&copy, "2026-03-02T10:00:00.000000+08:00", true).await;
        let err = verdict(&copy, vec![]).await.unwrap_err();
        assert!(matches!(&err, Break::Backdated { seq, id, .. } if *seq == n + 1 && *id == forged), "{err:?}");
        assert!(err.to_string().starts_with("forged insertion: event ") && err.to_string().contains(&forged), "{err}");
        copy.close().await;

        // (d) The tail truncated.
        let (_copied, copy) = copy_of(&url).await;
        drop_event_triggers(&copy).await;
        let del = format!("DELETE FROM events WHERE seq > {}", n - 3);
        exec(&copy, &del).await;
        let err = verdict(&copy, vec![]).await.unwrap_err();
        assert_eq!(err, Break::TruncatedHead { head_seq: n, last_seq: n - 3 });
        assert!(err.to_string().starts_with("truncated tail: "), "{err}");
        // The head rewound as well: only the checkpoint kept elsewhere still knows.
        let last =
            sqlx::query("SELECT hash, at FROM events WHERE seq = $1").bind(n - 3).fetch_one(copy.pool()).await.unwrap();
        sqlx::query("UPDATE audit_chain_head SET seq = $1, hash = $2, at = $3")
            .bind(n - 3)
            .bind(last.get::<String, _>(0))
            .bind(last.get::<String, _>(1))
            .execute(copy.pool())
            .await
            .unwrap();
        assert!(verdict(&copy, vec![]).await.is_ok(), "without a checkpoint a clean truncation is invisible");
        let err = verdict(&copy, vec![mark.clone()]).await.unwrap_err();
        assert_eq!(err, Break::TruncatedCheckpoint { checkpoint: "the checkpoint".into(), count: n, last_seq: n - 3 });
        copy.close().await;

        // The original, untouched, still verifies against its checkpoint.
        let store = Store::connect(&url).await.unwrap();
        assert_eq!(verdict(&store, vec![mark]).await.unwrap().count, n);
        store.close().await;
    }
}

/// Give the test event at `seq` (triggers dropped) `prev` and the hash its content
/// has now, as a forger who knows the algorithm would. Returns the new hash.
async fn relink(store: &Store, seq: i64, prev: &str) -> String {
    let r = sqlx::query("SELECT id, region_code, at, action, object_type, outcome, payload FROM events WHERE seq = $1")
        .bind(seq)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let names = ["id", "region_code", "at", "action", "object_type", "outcome", "payload"];
    let values: Vec<String> = (0..7).map(|i| r.get::<String, _>(i)).collect();
    let content = audit::content_digest(names.iter().copied().zip(values.iter().map(|v| Some(v.as_str()))));
    let h = audit::hex_hash(&audit::link_hash(seq as u64, &audit::parse_hash(prev).unwrap(), &content));
    sqlx::query("UPDATE events SET prev_hash = $1, hash = $2 WHERE seq = $3")
        .bind(prev)
        .bind(&h)
        .bind(seq)
        .execute(store.pool())
        .await
        .unwrap();
    h
}

#[tokio::test]
async fn a_rewritten_record_fails_at_its_checkpoint_and_a_rehash_breaks_the_next_link() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        for i in 0..6 {
            store.append_event(&test_event(format!("test.{i}"))).await.unwrap();
        }
        let head = store.audit_head().await.unwrap();
        let mark = CheckpointMark {
            seq: 6,
            hash: audit::parse_hash(head.hash.as_deref().unwrap()).unwrap(),
            name: "cp".into(),
        };
        drop_event_triggers(&store).await;
        // Alter seq 3 and give it the hash its new content has.
        exec(&store, "UPDATE events SET action = 'test.rewritten' WHERE seq = 3").await;
        let id3 = id_at(&store, 3).await;
        let id4 = id_at(&store, 4).await;
        let proofless = store.verify_audit_chain(vec![]).await.unwrap().unwrap_err();
        assert_eq!(proofless, Break::Altered { seq: 3, id: id3.clone() });
        let prev3: String =
            sqlx::query("SELECT prev_hash FROM events WHERE seq = 3").fetch_one(store.pool()).await.unwrap().get(0);
        let mut prev_hash = relink(&store, 3, &prev3).await;
        let err = store.verify_audit_chain(vec![]).await.unwrap().unwrap_err();
        assert_eq!(err, Break::BrokenLink { seq: 4, id: id4, prev_id: id3.clone() });
        // Re-link everything after it too: the checkpoint still catches it.
        for seq in 4..=6i64 {
            prev_hash = relink(&store, seq, &prev_hash).await;
        }
        sqlx::query("UPDATE audit_chain_head SET hash = $1").bind(&prev_hash).execute(store.pool()).await.unwrap();
        assert!(store.verify_audit_chain(vec![]).await.unwrap().is_ok(), "a full rewrite is consistent");
        let err = store.verify_audit_chain(vec![mark]).await.unwrap().unwrap_err();
        assert!(matches!(err, Break::CheckpointMismatch { seq: 6, .. }), "{err:?}");
        // A second row with a taken seq, the unique index dropped: both are named.
        exec(&store, "DROP INDEX events_seq").await;
        let id2 = id_at(&store, 2).await;
        let dup = "ffffffff-0000-7000-8000-000000000000"; // sorts after the real one
        sqlx::query(
            "INSERT INTO events (id, region_code, at, action, object_type, outcome, payload, seq, prev_hash, hash)
             SELECT $1, region_code, at, 'test.dup', object_type, outcome, payload, seq, prev_hash, hash FROM events WHERE seq = 2",
        )
        .bind(dup)
        .execute(store.pool())
        .await
        .unwrap();
        let err = store.verify_audit_chain(vec![]).await.unwrap().unwrap_err();
        assert_eq!(err, Break::WrongSeq { seq: 2, expected: 3, id: dup.into(), taken_by: Some(id2.clone()) });
        assert!(err.to_string().contains(&format!("events {id2} and {dup} both carry seq 2")), "{err}");
        exec(&store, &format!("DELETE FROM events WHERE id = '{dup}'")).await;
        // A mangled row is reported, never a panic.
        exec(&store, "UPDATE events SET hash = NULL, prev_hash = 'zz' WHERE seq = 2").await;
        let err = store.verify_audit_chain(vec![]).await.unwrap().unwrap_err();
        assert!(matches!(err, Break::OutsideChain { .. }), "{err:?}");
        exec(&store, "UPDATE events SET seq = NULL WHERE seq = 2").await;
        assert!(store.verify_audit_chain(vec![]).await.unwrap().is_err());
        store.close().await;
    }
}

#[tokio::test]
async fn parallel_appenders_leave_one_unbroken_chain() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        eprintln!("-- on {:?}", store.backend());
        let before = store.audit_head().await.unwrap().seq;
        let mut tasks = Vec::new();
        for t in 0..12 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..25 {
                    // Half alone, half inside a transaction that also writes.
                    if i % 2 == 0 {
                        store.append_event(&test_event(format!("test.parallel.{t}.{i}"))).await.unwrap();
                    } else {
                        let mut tx = store.pool().begin().await.unwrap();
                        sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, 'x')")
                            .bind(format!("parallel-{t}-{i}"))
                            .execute(&mut *tx)
                            .await
                            .unwrap();
                        qidi_store::events::append(&mut tx, &test_event(format!("test.parallel.{t}.{i}")))
                            .await
                            .unwrap();
                        if i % 5 == 0 {
                            tx.rollback().await.unwrap(); // leaves no gap
                        } else {
                            tx.commit().await.unwrap();
                        }
                    }
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        // Of each task's odd i, 5 and 15 rolled back.
        let n = one_i64(&store, "SELECT COUNT(*) FROM events WHERE action LIKE 'test.parallel.%'").await;
        assert_eq!(n, 12 * (25 - 2), "every committed append is there, the rolled-back ones are not");
        let summary = store.verify_audit_chain(vec![]).await.unwrap().expect("no fork, no gap");
        assert_eq!(summary.count, before + n);
        assert_eq!(one_i64(&store, "SELECT COUNT(DISTINCT prev_hash) FROM events").await, summary.count);
        store.close().await;
    }
}

#[tokio::test]
async fn events_from_before_the_chain_are_chained_at_migrate() {
    for url in fresh_database_urls().await {
        let store = Store::connect(&url).await.unwrap();
        let dir = match store.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(dir);
        let mut old = sqlx::migrate::Migrator::new(path).await.unwrap();
        old.migrations = old.migrations.iter().filter(|m| m.version < 13).cloned().collect::<Vec<_>>().into();
        old.run(store.pool()).await.unwrap();
        for (i, at) in
            ["2026-01-05T09:00:00.000000+08:00", "2026-01-04T09:00:00.000000+08:00", "2026-01-06T09:00:00.000000+08:00"]
                .iter()
                .enumerate()
        {
            sqlx::query(
                "INSERT INTO events (id, region_code, at, action, object_type, outcome, payload, client_addr)
                 VALUES ($1, '152529', $2, 'legacy', 'test', 'ok', '{}', $3)",
            )
            .bind(format!("legacy-{i}"))
            .bind(*at)
            .bind(if i == 1 { None } else { Some("10.0.0.1") })
            .execute(store.pool())
            .await
            .unwrap();
        }
        store.migrate().await.unwrap();
        assert_eq!(id_at(&store, 1).await, "legacy-1", "older events are chained in time order");
        store.append_event(&test_event("after")).await.unwrap();
        let s = verdict(&store, vec![]).await.expect("an upgraded database verifies");
        assert_eq!(s.count, 4);
        // The one update the trigger allows is spent: a hashed event stays as it is.
        let again = sqlx::query("UPDATE events SET prev_hash = NULL, hash = NULL WHERE id = 'legacy-0'")
            .execute(store.pool())
            .await;
        assert!(again.is_err());
        let again = sqlx::query("UPDATE events SET action = 'x' WHERE id = 'legacy-0'").execute(store.pool()).await;
        assert!(again.is_err());
        store.migrate().await.unwrap();
        assert_eq!(verdict(&store, vec![]).await.unwrap().count, 4);
        store.close().await;
    }
}

#[tokio::test]
async fn checkpoints_are_kept_and_proofs_lead_to_them() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        store.load_demo(&banner()).await.unwrap();
        for i in 0..5 {
            store.append_event(&test_event(format!("test.{i}"))).await.unwrap();
        }
        let key = audit::parse_signing_key(&audit::signing_key_text(&[5; 32])).unwrap();
        let head = store.audit_head().await.unwrap();
        let cp = Checkpoint::sign(&key, head.seq, head.hash.as_deref().unwrap(), head.seq, &qidi_store::now_text());
        store.record_audit_checkpoint("152529", &cp, Some("cli")).await.unwrap();
        let lines = store.audit_checkpoint_lines().await.unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(Checkpoint::parse_line(&lines[0]).unwrap(), cp);
        assert!(sqlx::query("DELETE FROM audit_checkpoints").execute(store.pool()).await.is_err());
        // The checkpoint is itself recorded, after the head it fixed.
        assert_eq!(one_i64(&store, "SELECT COUNT(*) FROM events WHERE action = 'audit.checkpoint'").await, 1);

        let id = id_at(&store, 3).await;
        let proof = store.audit_proof(&id, &cp).await.unwrap();
        assert_eq!(proof.steps.len() as i64, cp.seq - 3);
        proof.check(&key.verifying_key()).unwrap();
        let json = serde_json::to_string(&proof).unwrap();
        let back: audit::InclusionProof = serde_json::from_str(&json).unwrap();
        back.check(&key.verifying_key()).unwrap();
        // Newer than the checkpoint, or unknown: a clear refusal.
        let newest = id_at(&store, cp.seq + 1).await;
        assert!(store
            .audit_proof(&newest, &cp)
            .await
            .unwrap_err()
            .to_string()
            .contains("newer than the latest checkpoint"));
        assert!(store.audit_proof("no-such-event", &cp).await.is_err());
        store.close().await;
    }
}

#[tokio::test]
async fn a_large_import_writes_its_batched_events_as_links() {
    use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
    use qidi_office::{LedgerImport, LedgerProject};
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        store.seed_catalogue(&banner()).await.unwrap();
        let projects = (0..1200)
            .map(|i| LedgerProject {
                code: ProjectCode::parse(&format!("2022-152529-44-01-{:06}", 100_000 + i)).unwrap(),
                name: format!("项目{i}"),
                owner: Some("锡林能源有限公司".into()),
                owner_credit_code: None,
                initiating_department: Some("fgw".into()),
                year: Some(2022),
                initiated_on: None,
                investment: Some(Yuan(1_000_000)),
                stage: Some(ProjectStage::NotStarted),
                items: Vec::new(),
                first_row: 4 + i,
            })
            .collect();
        let import = LedgerImport {
            sheet: "Sheet1".into(),
            header_row: 3,
            title: None,
            unit: None,
            date: None,
            projects,
            errors: Vec::new(),
            warnings: Vec::new(),
            unknown_names: Vec::new(),
        };
        let s = store.import_ledger(&banner(), &import, None, false).await.unwrap();
        assert_eq!(s.projects_new, 1200);
        let n = one_i64(&store, "SELECT COUNT(*) FROM events WHERE action = 'project.import'").await;
        assert_eq!(n, 1200);
        let summary = verdict(&store, vec![]).await.expect("batched events are links of the chain");
        assert_eq!(summary.count, one_i64(&store, "SELECT COUNT(*) FROM events").await);
        store.close().await;
    }
}

#[tokio::test]
async fn on_postgres_the_application_role_cannot_change_the_record() {
    for url in fresh_database_urls().await {
        let store = migrated_store(&url).await;
        if store.backend() != Backend::Postgres {
            assert!(store.lock_down_audit("qidi_app").await.is_err(), "lock-down is for PostgreSQL");
            continue;
        }
        let role = format!("qidi_app_{}", &qidi_store::new_id().replace('-', "")[20..]);
        exec(&store, &format!("CREATE ROLE {role} LOGIN")).await;
        // An over-broad grant first, as an operator might make.
        exec(&store, &format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")).await;
        assert!(store.lock_down_audit("postgres").await.is_err(), "a superuser owner is refused");
        assert!(store.lock_down_audit("no_such_role_x").await.is_err());
        assert!(store.lock_down_audit("bad-name; DROP TABLE events").await.is_err());
        let rights = store.lock_down_audit(&role).await.unwrap();
        assert!(rights.select && rights.insert && !rights.update && !rights.delete && !rights.truncate, "{rights:?}");

        let (head, tail) = url.split_once("://").unwrap();
        let host_db = tail.split_once('@').map(|(_, h)| h).unwrap_or(tail);
        let app = Store::connect(&format!("{head}://{role}@{host_db}")).await.unwrap();
        let id = app.append_event(&test_event("test.as_app")).await.expect("the application role appends");
        for sql in [
            "UPDATE events SET payload = '{}'",
            "DELETE FROM events",
            "TRUNCATE events",
            "ALTER TABLE events DISABLE TRIGGER USER",
            "DROP TRIGGER events_no_update ON events",
            "DELETE FROM audit_checkpoints",
        ] {
            let r = sqlx::raw_sql(sql).execute(app.pool()).await;
            let e = r.expect_err(sql).to_string();
            assert!(e.contains("permission denied") || e.contains("must be owner"), "{sql}: {e}");
        }
        assert!(app.verify_audit_chain(vec![]).await.unwrap().is_ok());
        // `qidi serve` migrates at start: with nothing pending, the role can.
        app.migrate().await.expect("migrate with nothing pending as the application role");
        assert_eq!(one_i64(&app, "SELECT COUNT(*) FROM events").await, 1);
        assert!(!id.is_empty());
        app.close().await;
        // Roles belong to the server, not the test database: leave none behind.
        exec(&store, &format!("DROP OWNED BY {role}; DROP ROLE {role}")).await;
        store.close().await;
    }
}
