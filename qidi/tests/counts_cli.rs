//! Kept counts survive a `kill -9` in the middle of a write: the generator's batches are
//! transactions that carry their counts with them, so after the process is killed mid-way
//! `qidi check counts` finds every kept figure right, on both backends. A count broken by
//! hand is reported and repaired, with exit status 1.

use qidi_store::testing::fresh_database_urls;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn qidi(url: &str, data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in
        ["QIDI_CONFIG", "QIDI_REGION", "QIDI_LISTEN", "QIDI_MORNING", "QIDI_PUBLIC_URL", "QIDI_SMTP_URL", "QIDI_NOW"]
    {
        c.env_remove(k);
    }
    c.env("QIDI_DATABASE_URL", url).env("QIDI_DATA_DIR", data_dir).env("QIDI_LOG", "warn");
    c
}

fn run(url: &str, data_dir: &Path, args: &[&str]) -> Output {
    qidi(url, data_dir).args(args).output().expect("run qidi")
}

async fn projects(url: &str) -> i64 {
    let store = qidi_store::Store::connect(url).await.unwrap();
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM projects").fetch_one(store.pool()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_counts_survive_a_kill_in_the_middle_of_a_write() {
    for url in fresh_database_urls().await {
        let dir = std::env::temp_dir().join(format!("qidi-counts-cli-{}", qidi_store::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let o = run(&url, &dir, &["demo"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let before = projects(&url).await;

        // Generate far more than can finish, and kill the process once some batches are in.
        let mut child = qidi(&url, &dir)
            .args(["demo", "--projects", "2000000"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let n = projects(&url).await;
            if n > before || start.elapsed() > Duration::from_secs(300) {
                break;
            }
        }
        // SIGKILL: no destructor, no rollback from the process; the database alone decides.
        child.kill().unwrap();
        child.wait().unwrap();
        let after = projects(&url).await;
        assert!(after > before, "some batches were written before the kill ({before} → {after})");
        assert!(after < before + 2_000_000, "the kill came in the middle");

        let o = run(&url, &dir, &["check", "counts"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "check counts after the kill: {out}{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.contains("kept counts are right"), "{out}");

        // A figure broken by hand: reported, repaired, exit 1; then right again.
        let store = qidi_store::Store::connect(&url).await.unwrap();
        sqlx::query("UPDATE library_counts SET projects = projects + 3").execute(store.pool()).await.unwrap();
        let o = run(&url, &dir, &["check", "counts"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{out}");
        assert!(out.contains("MISMATCH library_counts") && out.contains("repaired"), "{out}");
        let o = run(&url, &dir, &["check", "counts", "--json"]);
        assert!(o.status.success());
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(json["mismatches"].as_array().map(Vec::len), Some(0), "{json}");
        assert!(json["groups"]["pending_counts"].as_u64().unwrap() > 0, "{json}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
