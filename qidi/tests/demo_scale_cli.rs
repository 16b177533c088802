//! `qidi demo --projects N` as an operator runs it on SQLite: the demo first (its
//! accounts printed), then N generated projects with progress on stderr; run again, N more.

use std::path::Path;
use std::process::{Command, Output};

fn qidi(data_dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_REGION", "QIDI_LISTEN", "QIDI_NOW"] {
        c.env_remove(k);
    }
    c.env("QIDI_DATA_DIR", data_dir).env("QIDI_LOG", "warn").args(args).output().expect("run qidi")
}

fn ok(data_dir: &Path, args: &[&str]) -> (String, String) {
    let o = qidi(data_dir, args);
    let (out, err) = (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    assert!(o.status.success(), "qidi {args:?} failed: {err}");
    (out, err)
}

async fn projects(data_dir: &Path) -> i64 {
    use sqlx::Connection;
    let url = format!("sqlite://{}", data_dir.join("qidi.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM projects").fetch_one(&mut conn).await.unwrap();
    n.0
}

#[tokio::test]
async fn demo_with_generated_projects() {
    let dir = std::env::temp_dir().join(format!("qidi-demo-scale-cli-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();

    let (out, err) = ok(&dir, &["demo", "--projects", "200"]);
    assert!(out.contains("已加载演示旗县"), "the demo is loaded first: {out}");
    assert!(out.contains("office"), "with its accounts: {out}");
    assert!(out.contains("已生成 200 个项目"), "{out}");
    assert!(out.contains("152529: 200 个项目"), "{out}");
    assert!(err.contains("已生成 200 / 200 个项目"), "progress on stderr: {err}");
    let demo = qidi_store::demo::DEMO_PROJECTS as i64;
    assert_eq!(projects(&dir).await, demo + 200);

    // The demo is there: only the generated projects are added.
    let (out, _) = ok(&dir, &["demo", "--projects", "200"]);
    assert!(out.contains("演示数据已存在"), "{out}");
    assert!(out.contains("已生成 200 个项目"), "{out}");
    assert_eq!(projects(&dir).await, demo + 400);

    // The record still verifies (exit 0).
    ok(&dir, &["audit", "verify"]);
    std::fs::remove_dir_all(&dir).ok();
}
