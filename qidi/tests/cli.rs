//! The binary as an operator meets it: bad input gives one clear line and a non-zero
//! exit; `serve --demo` serves the demo banner and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn qidi() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    // The operator's environment must not leak into these tests.
    for k in ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION", "QIDI_LISTEN"] {
        c.env_remove(k);
    }
    c.env("QIDI_LOG", "warn");
    c
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("qidi-cli-{}-{}", std::process::id(), uuid_like()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}-{}",
        N.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure is one line naming the problem, with no panic or backtrace.
fn assert_clean_failure(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "must fail: {err}");
    assert!(err.contains(needle), "stderr should mention `{needle}`: {err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "no panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[test]
fn malformed_database_url() {
    let o = qidi().args(["--database-url", "mysql://root@localhost/x", "migrate"]).output().unwrap();
    assert_clean_failure(&o, "is not valid");
}

#[test]
fn unreachable_postgres_hides_the_password() {
    let o = qidi().args(["--database-url", "postgres://qidi:s3cret-pw@127.0.0.1:1/qidi", "migrate"]).output().unwrap();
    assert_clean_failure(&o, "cannot reach the database");
    assert!(!stderr(&o).contains("s3cret-pw"));
}

#[test]
fn corrupt_sqlite_file_is_left_untouched() {
    let dir = temp_dir();
    let file = dir.join("qidi.db");
    let junk = "这是会议纪要，不是数据库。".repeat(500);
    std::fs::write(&file, &junk).unwrap();
    let o = qidi().args(["--database-url", &format!("sqlite://{}", file.display()), "migrate"]).output().unwrap();
    assert_clean_failure(&o, "not a usable SQLite database");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), junk);
    assert!(!dir.join("qidi.db-wal").exists() || std::fs::metadata(dir.join("qidi.db-wal")).unwrap().len() == 0);
}

#[test]
fn port_in_use() {
    let dir = temp_dir();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = qidi().current_dir(&dir).args(["serve", "--listen", &addr]).output().unwrap();
    assert_clean_failure(&o, "already in use");
}

#[test]
fn bad_config_file_and_region() {
    let dir = temp_dir();
    let cfg = dir.join("qidi.toml");
    std::fs::write(&cfg, "databse_url = \"sqlite://x.db\"\n").unwrap();
    let o = qidi().current_dir(&dir).args(["--config", cfg.to_str().unwrap(), "migrate"]).output().unwrap();
    assert_clean_failure(&o, "is not valid");
    let o = qidi().current_dir(&dir).args(["--region", "15252", "migrate"]).output().unwrap();
    assert_clean_failure(&o, "six-digit");
    // Password rules: a profile qidi does not know, an expiry that is no number of days.
    let o = qidi().current_dir(&dir).env("QIDI_PROFILE", "strict").arg("migrate").output().unwrap();
    assert_clean_failure(&o, "QIDI_PROFILE");
    for days in ["90d", "-5", "0.5"] {
        let o = qidi().current_dir(&dir).env("QIDI_PASSWORD_MAX_AGE_DAYS", days).arg("migrate").output().unwrap();
        assert_clean_failure(&o, "QIDI_PASSWORD_MAX_AGE_DAYS");
    }
    for days in ["30", "off"] {
        let o = qidi().current_dir(&dir).env("QIDI_PASSWORD_MAX_AGE_DAYS", days).arg("migrate").output().unwrap();
        assert!(o.status.success(), "{days}: {}", stderr(&o));
    }
}

#[test]
fn default_database_is_an_embedded_file_and_config_file_is_read() {
    let dir = temp_dir();
    let o = qidi().current_dir(&dir).arg("migrate").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("qidi-data/qidi.db").is_file());
    let cfg = dir.join("qidi.toml");
    std::fs::write(&cfg, format!("database_url = \"sqlite://{}/other.db\"\n", dir.display())).unwrap();
    let o = qidi().current_dir(&dir).args(["--config", cfg.to_str().unwrap(), "migrate"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("other.db").is_file(), "the file's database_url is used");
    // A flag beats the file.
    let o = qidi()
        .current_dir(&dir)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "--database-url",
            &format!("sqlite://{}/flag.db", dir.display()),
            "migrate",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("flag.db").is_file());
}

#[test]
fn user_commands() {
    let dir = temp_dir();
    let db = format!("sqlite://{}/u.db", dir.display());
    let run = |args: &[&str]| qidi().args(["--database-url", &db]).args(args).output().unwrap();
    let o = run(&["user", "add", "hu", "--role", "handler"]);
    assert_clean_failure(&o, "部门");
    let o = run(&["user", "add", "hu", "--role", "root"]);
    assert_clean_failure(&o, "unknown role");
    let o = run(&["user", "add", "hu", "--role", "handler", "--department", "zrzy"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("initial password"), "{out}");
    let o = run(&["user", "add", "hu", "--role", "office"]);
    assert_clean_failure(&o, "已存在");
    let mut child = qidi()
        .args(["--database-url", &db, "user", "add", "ma", "--role", "office", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"weak\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_clean_failure(&o, "密码至少 8 位");
    let o = run(&["user", "list"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("hu") && out.contains("handler") && out.contains("旗自然资源局"), "{out}");
    assert!(!out.contains("ma "), "the refused account was not created: {out}");
    let o = run(&["user", "passwd", "nobody"]);
    assert_clean_failure(&o, "不存在");
}

fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, buf)
}

#[test]
fn serve_demo_then_sigterm() {
    let dir = temp_dir();
    let mut child = qidi()
        .current_dir(&dir)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let addr = loop {
        let Some(line) = lines.next() else {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("server exited early: {err}");
        };
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("qidi 已启动：http://") {
            break rest.trim().to_string();
        }
        printed.push(line);
        assert!(Instant::now() < deadline, "server did not start");
    };
    let all = printed.join("\n");
    assert!(all.contains("465 个项目"), "{all}");
    for user in ["admin", "office", "leader", "inspector", "fgw_head", "zrzy_handler", "applicant"] {
        assert!(printed.iter().any(|l| l.starts_with(user)), "account {user} printed: {all}");
    }
    let (status, body) = http_get(&addr, "/healthz");
    assert_eq!(status, 200, "{body}");
    let (status, _) = http_get(&addr, "/readyz");
    assert_eq!(status, 200);
    let (status, body) = http_get(&addr, "/login");
    assert_eq!(status, 200);
    assert!(body.contains("登录"));

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful exit on SIGTERM: {status:?}");
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");

    // The demo is loaded once: a second start prints no new passwords.
    let o = qidi().current_dir(&dir).arg("demo").output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("已存在"));
}
