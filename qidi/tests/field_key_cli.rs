//! The field key as an operator meets it: a fresh install makes `field.key` (mode
//! 0600) in the data directory and says where; an older caller in plain text is
//! sealed when qidi starts; a database holding sealed data is refused, in one line,
//! without its key or with another key, and opens again with the right one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PHONE: &str = "13512345678";

fn qidi(data_dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in
        ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION", "QIDI_FIELD_KEY", "QIDI_FIELD_KEY_FILE"]
    {
        c.env_remove(k);
    }
    c.env("QIDI_LOG", "info").envs(env.iter().copied()).arg("--data-dir").arg(data_dir).args(args).output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "qidi failed: {}", err(&o));
    err(&o)
}

/// Fails with one `qidi: error:` line containing `needle`.
fn refused(o: &Output, needle: &str) {
    let e = err(o);
    assert!(!o.status.success(), "expected a refusal: {e}");
    let last = e.trim().lines().last().unwrap_or_default();
    assert!(last.starts_with("qidi: error: ") && last.contains(needle), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

async fn sealed_phone(db: &Path) -> (String, String) {
    use sqlx::Row;
    let store = qidi_store::Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let r = sqlx::query("SELECT caller_phone, caller_phone_sealed FROM hotline_orders")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let out = (r.get(0), r.get::<Option<String>, _>(1).unwrap_or_default());
    store.close().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_install_makes_its_key_and_a_wrong_key_is_refused() {
    let dir: PathBuf = std::env::temp_dir().join(format!("qidi-field-key-{}", qidi_store::new_id()));
    let key_file = dir.join("field.key");
    let log = ok(qidi(&dir, &[], &["migrate"]));
    assert!(log.contains(&key_file.display().to_string()) && log.contains("back it up"), "{log}");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(text.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Started again, the same key is used and nothing is generated.
    let log = ok(qidi(&dir, &[], &["migrate"]));
    assert!(!log.contains("generated"), "{log}");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), text);

    // An order from before the sealing, in plain text, is sealed at the next start.
    let db = dir.join("qidi.db");
    {
        let store = qidi_store::Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        sqlx::query(
            "INSERT INTO hotline_orders (id, region_code, order_number, category, urgency, caller_name, caller_phone, text,
                 state, source, received_on, created_at, updated_at)
             VALUES ('o-1', '152529', 'GD-OLD', 'delay', 'normal', '老来电', $1, '旧工单', 'received', 'api',
                 '2026-01-05', '2026-01-05T09:00:00+08:00', '2026-01-05T09:00:00+08:00')",
        )
        .bind(PHONE)
        .execute(store.pool())
        .await
        .unwrap();
        store.close().await;
    }
    ok(qidi(&dir, &[], &["migrate"]));
    let (plain, sealed) = sealed_phone(&db).await;
    assert_eq!(plain, "");
    assert!(sealed.starts_with("sm4g1:") && !sealed.contains(PHONE), "{sealed}");

    // Another key, given either way, is refused; so is no key at all.
    let other = "11".repeat(32);
    refused(&qidi(&dir, &[("QIDI_FIELD_KEY", &other)], &["migrate"]), "wrong key");
    let other_file = dir.join("other.key");
    std::fs::write(&other_file, &other).unwrap();
    refused(&qidi(&dir, &[("QIDI_FIELD_KEY_FILE", other_file.to_str().unwrap())], &["migrate"]), "wrong key");
    refused(&qidi(&dir, &[("QIDI_FIELD_KEY", "not hex")], &["migrate"]), "64 hex digits");
    let moved = dir.join("field.key.bak");
    std::fs::rename(&key_file, &moved).unwrap();
    refused(&qidi(&dir, &[], &["migrate"]), "no field key");
    assert!(!key_file.exists(), "no new key is made for sealed data");
    // The right key, from the environment, opens it.
    ok(qidi(&dir, &[("QIDI_FIELD_KEY", text.trim())], &["migrate"]));
    assert_eq!(sealed_phone(&db).await.1, sealed);
    let _ = std::fs::remove_dir_all(&dir);
}
