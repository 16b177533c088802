//! `qidi bulletin make` as an operator runs it, on both backends: one bulletin of the
//! demo's closed month written as JSON, Excel, Word and PDF, with the same content in
//! each; asked again, the same bulletin; `--correct`, a new one that names it.

use qidi_store::testing::fresh_database_urls;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-06-01T09:00:00+08:00";

fn qidi(url: &str, data_dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in ["QIDI_CONFIG", "QIDI_REGION", "QIDI_LISTEN", "QIDI_MORNING", "QIDI_PUBLIC_URL", "QIDI_SMTP_URL"] {
        c.env_remove(k);
    }
    c.env("QIDI_DATABASE_URL", url)
        .env("QIDI_DATA_DIR", data_dir)
        .env("QIDI_NOW", NOW)
        .env("QIDI_LOG", "warn")
        .args(args)
        .output()
        .expect("run qidi")
}

async fn run(url: &str, data_dir: &Path, args: &[&str]) -> Output {
    let (url, data_dir) = (url.to_string(), data_dir.to_path_buf());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        qidi(&url, &data_dir, &a)
    })
    .await
    .unwrap()
}

async fn ok(url: &str, data_dir: &Path, args: &[&str]) -> String {
    let o = run(url, data_dir, args).await;
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "qidi {args:?} failed: {err}");
    err
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulletin_make_writes_one_bulletin_in_four_formats() {
    for url in fresh_database_urls().await {
        let dir = std::env::temp_dir().join(format!("qidi-bulletin-cli-{}", qidi_store::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        ok(&url, &dir, &["demo"]).await;
        let out = |ext: &str| -> PathBuf { dir.join(format!("b.{ext}")) };
        let mut said = Vec::new();
        for format in ["json", "xlsx", "docx", "pdf"] {
            let file = out(format);
            let err = ok(
                &url,
                &dir,
                &["bulletin", "make", "--month", "2026-05", "--format", format, "-o", file.to_str().unwrap()],
            )
            .await;
            said.push(err);
        }
        let says = |err: &str, what: &str| err.lines().any(|l| l.starts_with(what));
        assert!(says(&said[0], "issued: "), "the first make issues: {}", said[0]);
        assert!(said[1..].iter().all(|s| says(s, "already issued: ")), "{said:?}");

        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out("json")).unwrap()).unwrap();
        let items = json["items"].as_array().expect("an items array");
        assert!(!items.is_empty(), "the demo has items overdue at the end of May 2026");
        for i in items {
            for field in ["project_code", "item_type", "department", "due_on", "closed_on", "overdue_working_days"] {
                assert!(i.get(field).is_some(), "{field} in {i}");
            }
            assert!(i["overdue_working_days"].as_i64().unwrap() > 0, "{i}");
        }

        // Word and PDF carry the same words, in the same order.
        let paragraphs = qidi_office::docx_paragraphs(&std::fs::read(out("docx")).unwrap()).unwrap();
        let mut pdf = squeeze(&pdf_extract::extract_text_from_mem(&std::fs::read(out("pdf")).unwrap()).unwrap());
        for n in (1..100).rev() {
            pdf = pdf.replace(&format!("—{n}—"), ""); // page numbers
        }
        let mut from = 0;
        for p in paragraphs.iter().filter(|p| !p.starts_with('━')) {
            let want = squeeze(p);
            let at = pdf[from..].find(&want).unwrap_or_else(|| panic!("PDF lacks `{want}`"));
            from += at + want.len();
        }
        // Excel: one row per item, in the JSON's order.
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(out("xlsx")).unwrap();
        let sheet = wb.worksheet_range("超期事项").unwrap();
        for (n, i) in items.iter().enumerate() {
            let cell = |c: u32| sheet.get_value((n as u32 + 1, c)).map(|v| v.to_string()).unwrap_or_default();
            assert_eq!(cell(1), i["project_code"].as_str().unwrap());
            assert_eq!(cell(5), i["due_on"].as_str().unwrap());
        }

        // A correction is a new bulletin naming the first.
        let err = ok(
            &url,
            &dir,
            &["bulletin", "make", "--month", "2026-05", "--correct", "-o", out("json").to_str().unwrap()],
        )
        .await;
        assert!(says(&err, "issued: "), "{err}");
        let corrected: serde_json::Value = serde_json::from_slice(&std::fs::read(out("json")).unwrap()).unwrap();
        assert_eq!(corrected["corrects"], json["document_number"]);

        // A month not yet over, and an unknown format, are refused with a reason.
        let o = run(&url, &dir, &["bulletin", "make", "--month", "2026-06", "-o", out("x").to_str().unwrap()]).await;
        assert!(!o.status.success());
        let o = run(
            &url,
            &dir,
            &["bulletin", "make", "--month", "2026-05", "--format", "odt", "-o", out("x").to_str().unwrap()],
        )
        .await;
        assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
