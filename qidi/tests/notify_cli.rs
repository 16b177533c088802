//! Messages from the command line, as an operator runs them, on both backends:
//! `QIDI_NOW` for the demo and the jobs, `qidi user add --email`, `qidi channel
//! add|list|test|remove`, and `qidi jobs run` sending to a real SMTP server and HTTP
//! receiver, and sending nothing new when run again.

use qidi_notify::testing::{SmtpSink, WebhookSink};
use qidi_store::testing::fresh_database_urls;
use std::process::{Command, Output};

fn qidi(url: &str, now: &str, smtp: &str, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in ["QIDI_CONFIG", "QIDI_REGION", "QIDI_LISTEN", "QIDI_MORNING", "QIDI_PUBLIC_URL"] {
        c.env_remove(k);
    }
    // The demo writes applicants' materials under the data directory: a temporary one.
    let data_dir = std::env::temp_dir().join(format!("qidi-notify-cli-{}", std::process::id()));
    c.env("QIDI_DATABASE_URL", url)
        .env("QIDI_DATA_DIR", &data_dir)
        .env("QIDI_NOW", now)
        .env("QIDI_SMTP_URL", smtp)
        .env("QIDI_SMTP_FROM", "qidi@example.gov.cn")
        .env("QIDI_LOG", "warn")
        .args(args)
        .output()
        .expect("run qidi")
}

async fn ok(url: &str, now: &str, smtp: &str, args: &[&str]) -> String {
    let (url, now, smtp) = (url.to_string(), now.to_string(), smtp.to_string());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let o = tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        qidi(&url, &now, &smtp, &a)
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "qidi failed: {err}");
    assert!(!err.contains("example.cn") && !err.contains("example.gov.cn"), "no address in the log: {err}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_sends_each_light_change_once() {
    for url in fresh_database_urls().await {
        let smtp = SmtpSink::start().await;
        let hook = WebhookSink::start(0).await;
        let monday = "2026-03-02T09:00:00+08:00";
        let out = ok(&url, monday, &smtp.url(), &["demo"]).await;
        assert!(out.contains("已加载演示旗县"), "{out}");
        ok(
            &url,
            monday,
            &smtp.url(),
            &["user", "add", "zhang", "--role", "handler", "--department", "zjj", "--email", "zhang@example.cn"],
        )
        .await;
        ok(&url, monday, &smtp.url(), &["user", "add", "wang", "--role", "office", "--email", "wang@example.cn"]).await;
        // The office's officer reads English: the command line words their messages so.
        let store = qidi_store::Store::connect(&url).await.unwrap();
        let wang = store.user_by_username("wang").await.unwrap().unwrap();
        store.set_language(&wang.id, Some("en")).await.unwrap();
        let added = ok(
            &url,
            monday,
            &smtp.url(),
            &["channel", "add", "--department", "zjj", "--kind", "email", "--target", "zjj@example.gov.cn"],
        )
        .await;
        assert!(added.starts_with("added channel "), "{added}");
        let robot = ok(
            &url,
            monday,
            &smtp.url(),
            &[
                "channel",
                "add",
                "--department",
                "office",
                "--kind",
                "dingtalk",
                "--target",
                &hook.url("/ding?access_token=t"),
                "--secret",
                "SEC",
            ],
        )
        .await;
        let robot_id = robot.split_whitespace().nth(2).unwrap().to_string();
        let list = ok(&url, monday, &smtp.url(), &["channel", "list"]).await;
        assert!(list.contains("zjj@example.gov.cn") && list.contains(&robot_id) && list.contains("(signed)"), "{list}");

        // The first morning announces whatever the demo already has lit: the housing
        // bureau (zjj) has applications past their limit.
        let first = ok(&url, monday, &smtp.url(), &["jobs", "run"]).await;
        assert!(first.contains("light run for 2026-03-02"), "{first}");
        let mails = smtp.mails();
        assert!(!mails.is_empty(), "{first}");
        let is_digest = |s: &str| s.contains("预警") || s.starts_with("[Red light]") || s.starts_with("[Yellow light]");
        let digests: Vec<_> = mails.iter().filter(|m| is_digest(&m.subject())).collect();
        let count = |to: &str| digests.iter().filter(|m| m.to == [to]).count();
        let to_department: Vec<_> = digests.iter().filter(|m| m.to == ["zjj@example.gov.cn"]).collect();
        assert_eq!(to_department.len(), 1, "one digest for the department's mailbox");
        // The demo's departments other than 发改委 have not signed their ledgers, long
        // after the campaign's signing milestone: each is reminded once.
        let reminders: Vec<_> =
            mails.iter().filter(|m| m.to == ["zjj@example.gov.cn"] && m.subject().contains("台账签字提醒")).collect();
        assert_eq!(reminders.len(), 1);
        assert!(reminders[0].subject().contains("已逾期"));
        assert!(to_department[0].subject().starts_with("【红灯预警】2026-03-02"), "{}", to_department[0].subject());
        assert!(to_department[0].text().contains("已超期"), "{}", to_department[0].text());
        assert_eq!(count("zhang@example.cn"), 1, "the department's handler, once");
        assert_eq!(count("wang@example.cn"), 1, "the office hears of red lights, once");
        let to_wang = digests.iter().find(|m| m.to == ["wang@example.cn"]).unwrap();
        assert!(to_wang.subject().starts_with("[Red light] 2026-03-02"), "in English: {}", to_wang.subject());
        assert_eq!(hook.taken().len(), 1, "the office's robot likewise");
        assert!(hook.taken()[0].query("sign").is_some(), "signed");

        // Run again: nothing new.
        let again = ok(&url, monday, &smtp.url(), &["jobs", "run"]).await;
        assert!(again.contains("light run: nothing due") && again.contains("messages sent: 0"), "{again}");
        assert_eq!(smtp.mails().len(), mails.len());

        // Three weeks on, more clocks have turned; announced once, on that morning.
        let later = "2026-03-23T09:30:00+08:00";
        ok(&url, later, &smtp.url(), &["jobs", "run"]).await;
        let after = smtp.mails().len();
        assert!(after > mails.len(), "new light changes were sent");
        let again = ok(&url, later, &smtp.url(), &["jobs", "run"]).await;
        assert!(again.contains("messages sent: 0"), "{again}");
        assert_eq!(smtp.mails().len(), after);
        // A Saturday is not a working morning: it only catches up on Friday's missed run.
        let saturday = ok(&url, "2026-03-28T09:30:00+08:00", &smtp.url(), &["jobs", "run"]).await;
        assert!(saturday.contains("light run for 2026-03-27"), "{saturday}");
        let saturday = ok(&url, "2026-03-28T10:30:00+08:00", &smtp.url(), &["jobs", "run"]).await;
        assert!(saturday.contains("light run: nothing due"), "{saturday}");

        // `channel test` sends one message and reports the answer.
        let before = hook.calls().len();
        let test = ok(&url, later, &smtp.url(), &["channel", "test", &robot_id]).await;
        assert!(test.contains("errcode"), "{test}");
        assert_eq!(hook.calls().len(), before + 1);
        assert!(hook.calls().last().unwrap().json()["markdown"]["title"].as_str().unwrap().contains("测试"));
        ok(&url, later, &smtp.url(), &["channel", "remove", &robot_id]).await;
        assert!(!ok(&url, later, &smtp.url(), &["channel", "list"]).await.contains(&robot_id));
    }
}

#[test]
fn bad_settings_are_one_clear_line() {
    let url = qidi_store::testing::fresh_sqlite_database();
    let o = qidi(&url, "yesterday", "smtp://127.0.0.1:1", &["jobs", "run"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("QIDI_NOW") && err.contains("RFC 3339"), "{err}");
    let o = qidi(
        &url,
        "2026-03-02T09:00:00+08:00",
        "smtp://127.0.0.1:1",
        &["channel", "add", "--department", "zrzy", "--kind", "sms", "--target", "x"],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown channel kind `sms`"));
    let o = qidi(
        &url,
        "2026-03-02T09:00:00+08:00",
        "smtp://127.0.0.1:1",
        &["channel", "add", "--department", "zrzy", "--kind", "email", "--target", "not-an-address"],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("“not-an-address”不是有效的电子邮件地址"));
    let o = qidi(
        &url,
        "2026-03-02T09:00:00+08:00",
        "smtp://127.0.0.1:1",
        &["user", "add", "li", "--role", "handler", "--department", "zrzy", "--email", "li"],
    );
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("is not an email address"));
}
