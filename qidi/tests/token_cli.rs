//! API tokens and the hotline intake from outside, on both backends: `qidi token add
//! --purpose hotline` prints the token alone on its last line; `qidi serve` takes an
//! order with it (201, then 200 with the same id), logs neither the caller's phone nor
//! the token, and refuses the token once `qidi token revoke` has revoked it.

use qidi_store::testing::fresh_database_urls;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PHONE: &str = "13612345678";

fn qidi(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in ["QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION", "QIDI_LISTEN", "QIDI_NOW", "QIDI_HOTLINE_CALLBACK_URL"] {
        c.env_remove(k);
    }
    c.env("QIDI_DATABASE_URL", url).env("QIDI_LOG", "info");
    c
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "qidi failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hotline_token_takes_orders_until_revoked() {
    for url in fresh_database_urls().await {
        let out =
            ok(qidi(&url).args(["token", "add", "--purpose", "hotline", "--name", "12345平台"]).output().unwrap());
        let token = out.lines().last().unwrap().to_string();
        assert!(token.starts_with("qidi_hotline_") && !token.contains(' '), "{out}");
        let bad = qidi(&url).args(["token", "add", "--purpose", "root"]).output().unwrap();
        assert!(!bad.status.success());
        let err = String::from_utf8_lossy(&bad.stderr);
        let last = err.trim().lines().last().unwrap_or_default();
        assert!(last.starts_with("qidi: error: ") && last.contains("hotline"), "{err}");
        let listed = ok(qidi(&url).args(["token", "list"]).output().unwrap());
        assert!(listed.contains("12345平台") && !listed.contains(&token), "{listed}");
        let id = listed.split_whitespace().next().unwrap().to_string();

        let mut child = qidi(&url)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            let line = lines.next().expect("server printed its address").unwrap();
            if let Some(rest) = line.strip_prefix("qidi 已启动：http://") {
                break rest.trim().to_string();
            }
            assert!(Instant::now() < deadline, "server did not start");
        };
        let http = reqwest::Client::new();
        let order = serde_json::json!({
            "order_number": "GD-CLI-1", "category": "delay", "caller_name": "李来电", "caller_phone": PHONE,
            "text": "审批拖了两个月", "project_code": "2026-152529-44-01-999999",
        });
        let post = |token: String| {
            let (http, order, addr) = (http.clone(), order.clone(), addr.clone());
            async move {
                http.post(format!("http://{addr}/api/v1/hotline/orders"))
                    .bearer_auth(token)
                    .json(&order)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let first = post(token.clone()).await;
        assert_eq!(first.status().as_u16(), 201);
        let first: serde_json::Value = first.json().await.unwrap();
        assert_eq!(first["state"], "received", "no such project: the office assigns it");
        let second = post(token.clone()).await;
        assert_eq!(second.status().as_u16(), 200);
        let second: serde_json::Value = second.json().await.unwrap();
        assert_eq!(second["id"], first["id"]);

        ok(qidi(&url).args(["token", "revoke", &id]).output().unwrap());
        assert_eq!(post(token.clone()).await.status().as_u16(), 401);

        let pid = child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let status = child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(
            !err.contains(PHONE) && !err.contains(&token) && !err.contains("李来电"),
            "nothing personal in the log: {err}"
        );
    }
}
