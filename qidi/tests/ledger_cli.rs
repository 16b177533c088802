//! `qidi import ledger` and `qidi export ledger` through the real binary, on real .xlsx
//! files made here the way departments make them, against a fresh SQLite file and,
//! when `QIDI_TEST_DATABASE_URL` names a server, a fresh PostgreSQL database too.

use qidi_core::role::{Scope, ScopeLimit};
use qidi_office::{read_ledger, ImportOptions, LedgerProject};
use qidi_store::testing::fresh_database_urls;
use qidi_store::Store;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qidi(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qidi"));
    for k in ["QIDI_DATABASE_URL", "QIDI_CONFIG", "QIDI_DATA_DIR", "QIDI_REGION", "QIDI_LISTEN"] {
        c.env_remove(k);
    }
    c.env("QIDI_LOG", "warn").args(["--database-url", url, "--region", "152529"]);
    c
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("qidi-ledger-cli-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HEADER: [&str; 15] = [
    "序号",
    "项目代码",
    "项目名称",
    "项目单位",
    "立项部门",
    "立项年度",
    "总投资（万元）",
    "建设状态",
    "待批事项",
    "办理部门",
    "核查情况",
    "责任人",
    "受理情况",
    "完成时限",
    "备注",
];

/// One project as typed: its cells (columns 1–7) and its item rows (columns 8–14).
struct P<'a> {
    code: &'a str,
    name: &'a str,
    owner: &'a str,
    dept: &'a str,
    year: &'a str,
    investment: &'a str,
    stage: &'a str,
    items: Vec<[&'a str; 7]>,
}

/// A ledger as departments keep it: a title row, a 填报单位 row, the header, then each
/// project's cells merged down over its item rows. Numbers-looking cells are numbers.
fn write_xlsx(path: &Path, header: &[&str], projects: &[P<'_>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let merged = Format::new().set_align(rust_xlsxwriter::FormatAlign::VerticalCenter);
    ws.merge_range(0, 0, 0, 14, "正镶白旗待批项目台账", &Format::new()).unwrap();
    ws.write_string(1, 0, "填报单位：旗发改委    填报日期：2022年8月20日").unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let mut r = 3u32;
    for (n, p) in projects.iter().enumerate() {
        let k = p.items.len().max(1) as u32;
        let seq = (n + 1).to_string();
        let cells = [seq.as_str(), p.code, p.name, p.owner, p.dept, p.year, p.investment, p.stage];
        for (c, v) in cells.iter().enumerate() {
            let c = c as u16;
            let number = v.parse::<f64>().ok().filter(|_| c != 1);
            if k > 1 {
                ws.merge_range(r, c, r + k - 1, c, if number.is_some() { "" } else { v }, &merged).unwrap();
            }
            match number {
                Some(x) => ws.write_number(r, c, x).unwrap(),
                None if !v.is_empty() => ws.write_string(r, c, *v).unwrap(),
                None => ws,
            };
        }
        for (i, item) in p.items.iter().enumerate() {
            for (j, v) in item.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r + i as u32, 8 + j as u16, *v).unwrap();
                }
            }
        }
        r += k;
    }
    ws.write_string(r + 1, 0, "填报人：").unwrap();
    wb.save(path).unwrap();
}

fn clean_projects() -> Vec<P<'static>> {
    vec![
        P {
            code: "2022-152529-44-01-000101",
            name: "正镶白旗明安图风电场项目（一期）",
            owner: "锡林能源有限公司",
            dept: "旗发改委",
            year: "2022",
            investment: "1,234.56",
            stage: "未开工",
            items: vec![
                ["土地预审", "自然资源局", "材料已齐", "王海", "已受理", "2022.9.30", "需补充坐标"],
                ["环评", "生态环境局", "正在编制报告", "李娜", "未受理", "2022年10月31日", ""],
            ],
        },
        P {
            code: "2021-152529-59-03-000202",
            name: "正镶白旗农畜产品冷链物流园项目",
            owner: "草原农牧业发展有限公司",
            dept: "工信局",
            year: "2021",
            investment: "800",
            stage: "在建",
            items: vec![["施工许可", "住建局", "待提交", "张伟", "未受理", "2022/09/30", ""]],
        },
        P {
            code: "2020-152529-76-01-000303",
            name: "正镶白旗牧区饮水安全工程",
            owner: "北疆建设投资有限公司",
            dept: "正镶白旗发展和改革委员会",
            year: "2020",
            investment: "50.5",
            stage: "未开工",
            items: vec![
                ["取水", "水利局", "已核查", "巴特尔", "已受理", "2022-11-15", ""],
                ["水保", "水利局 ", "已核查", "巴特尔", "已受理", "2022-11-30", ""],
            ],
        },
    ]
}

/// Two broken projects (rows 6–7 and 8) between two good ones.
fn projects_with_errors() -> Vec<P<'static>> {
    let mut ps = clean_projects();
    ps.insert(
        1,
        P {
            code: "2022-152529-44-01-000404",
            name: "正镶白旗储能电站项目",
            owner: "天骄新能源开发有限公司",
            dept: "发改委",
            year: "2022",
            investment: "约一千万",
            stage: "未开工",
            items: vec![
                ["环评", "生态环境局", "", "", "", "2022.9.30", ""],
                ["规划许可", "自然资源局", "", "", "", "2022.9.30", ""],
            ],
        },
    );
    ps.insert(
        2,
        P {
            code: "坏代码",
            name: "正镶白旗污水处理厂项目",
            owner: "白旗建设投资有限公司",
            dept: "发改委",
            year: "2021",
            investment: "300",
            stage: "未开工",
            items: vec![["环评", "生态环境局", "", "", "", "下个月", ""]],
        },
    );
    ps
}

fn region_scope() -> Scope {
    Scope { region_prefix: "152529".into(), limit: ScopeLimit::Region, read_only: true }
}

/// Projects, pending items and `ledger.import` events (with their outcomes) in the database.
async fn db_counts(url: &str) -> (usize, usize, Vec<String>, usize) {
    let store = Store::connect(url).await.unwrap();
    let projects = store.list_projects(&region_scope(), 10_000, 0).await.unwrap().len();
    let items = store.list_pending_items(&region_scope(), 10_000).await.unwrap().len();
    let events = store.recent_events(10_000).await.unwrap();
    let mut imports: Vec<(String, String)> =
        events.iter().filter(|e| e.action == "ledger.import").map(|e| (e.at.clone(), e.outcome.clone())).collect();
    imports.sort();
    let project_events = events.iter().filter(|e| e.action == "project.import").count();
    store.close().await;
    (projects, items, imports.into_iter().map(|e| e.1).collect(), project_events)
}

#[tokio::test]
async fn clean_import_then_reimport_changes_nothing() {
    for url in fresh_database_urls().await {
        eprintln!("-- {}", if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" });
        let dir = temp_dir();
        let file = dir.join("台账.xlsx");
        write_xlsx(&file, &HEADER, &clean_projects());

        let o = qidi(&url).args(["import", "ledger"]).arg(&file).arg("--json").output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let report: serde_json::Value = serde_json::from_str(out(&o).trim()).expect("stdout is only the JSON report");
        assert_eq!(
            report,
            serde_json::json!({"projects": 3, "items": 5, "errors": [], "warnings": []}),
            "exactly these keys"
        );
        assert_eq!(db_counts(&url).await, (3, 5, vec!["ok".to_string()], 3));

        // The same file again: nothing new, nothing changed, one `unchanged` import event.
        let o = qidi(&url).args(["import", "ledger"]).arg(&file).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        assert!(out(&o).contains("新增 0，更新 0，未变 3"), "{}", out(&o));
        assert!(out(&o).contains("新增 0，更新 0，未变 5"), "{}", out(&o));
        assert_eq!(db_counts(&url).await, (3, 5, vec!["ok".to_string(), "unchanged".to_string()], 3));

        // A changed answer is an update of that item only.
        let mut ps = clean_projects();
        ps[1].items[0][2] = "材料已提交";
        let changed = dir.join("changed.xlsx");
        write_xlsx(&changed, &HEADER, &ps);
        let o = qidi(&url).args(["import", "ledger"]).arg(&changed).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        assert!(out(&o).contains("待批事项：新增 0，更新 1，未变 4"), "{}", out(&o));
    }
}

#[tokio::test]
async fn errors_are_reported_by_row_and_column_and_nothing_is_written() {
    for url in fresh_database_urls().await {
        let dir = temp_dir();
        let file = dir.join("errors.xlsx");
        write_xlsx(&file, &HEADER, &projects_with_errors());

        for extra in [&[][..], &["--dry-run"][..]] {
            let o = qidi(&url).args(["import", "ledger"]).arg(&file).arg("--json").args(extra).output().unwrap();
            assert!(!o.status.success(), "an import with errors must exit non-zero");
            assert!(err(&o).contains("台账有 4 处错误，未导入任何内容"), "{}", err(&o));
            let report: serde_json::Value = serde_json::from_str(out(&o).trim()).expect("JSON report on stdout");
            // The three good projects still count; the two broken ones are only in `errors`.
            assert_eq!(report["projects"], 3);
            assert_eq!(report["items"], 5);
            let mut errors: Vec<(u64, String)> = report["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap().to_string()))
                .collect();
            errors.sort();
            // Rows as Excel numbers them: title 1, unit 2, header 3, first project 4–5.
            assert_eq!(
                errors,
                vec![
                    (6, "总投资（万元）".to_string()),
                    (7, "待批事项".to_string()),
                    (8, "完成时限".to_string()),
                    (8, "项目代码".to_string()),
                ],
                "{report}"
            );
            for e in report["errors"].as_array().unwrap() {
                let m = e["message"].as_str().unwrap();
                assert!(m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "Chinese message: {m}");
            }
            assert!(report["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["row"] == 7 && e["message"].as_str().unwrap().contains("规划许可")));
            assert_eq!(db_counts(&url).await, (0, 0, vec![], 0), "nothing written");
        }
    }
}

#[tokio::test]
async fn skip_invalid_imports_the_valid_projects_and_reports_the_rest() {
    for url in fresh_database_urls().await {
        let dir = temp_dir();
        let file = dir.join("errors.xlsx");
        write_xlsx(&file, &HEADER, &projects_with_errors());
        let o = qidi(&url).args(["import", "ledger"]).arg(&file).args(["--skip-invalid", "--json"]).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let report: serde_json::Value = serde_json::from_str(out(&o).trim()).unwrap();
        assert_eq!(report["errors"].as_array().unwrap().len(), 4);
        assert!(err(&o).contains("4 处错误所在项目未导入"), "{}", err(&o));
        // The three good projects; neither broken one.
        assert_eq!(db_counts(&url).await, (3, 5, vec!["ok".to_string()], 3));
        let store = Store::connect(&url).await.unwrap();
        let codes: Vec<String> =
            store.list_projects(&region_scope(), 100, 0).await.unwrap().into_iter().map(|p| p.code).collect();
        assert!(!codes.contains(&"2022-152529-44-01-000404".to_string()), "{codes:?}");
        store.close().await;
    }
}

fn without_rows(mut ps: Vec<LedgerProject>) -> Vec<LedgerProject> {
    for p in &mut ps {
        p.first_row = 0;
        for i in &mut p.items {
            i.row = 0;
        }
        p.items.sort_by(|a, b| a.item_type.cmp(&b.item_type));
    }
    ps.sort_by(|a, b| a.code.cmp(&b.code));
    ps
}

#[tokio::test]
async fn export_then_import_gives_back_the_same_ledger() {
    for url in fresh_database_urls().await {
        let dir = temp_dir();
        let file = dir.join("in.xlsx");
        write_xlsx(&file, &HEADER, &clean_projects());
        let o = qidi(&url).args(["import", "ledger"]).arg(&file).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));

        let exported = dir.join("out.xlsx");
        let o = qidi(&url).args(["export", "ledger", "-o"]).arg(&exported).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        assert!(out(&o).contains("已导出 3 个项目、5 行"), "{}", out(&o));

        let opts = ImportOptions::default();
        let original = read_ledger(&file, &opts).unwrap();
        let back = read_ledger(&exported, &opts).unwrap();
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(without_rows(back.projects.clone()), without_rows(original.projects.clone()));
        assert_eq!(back.unit.as_deref(), Some("正镶白旗待批项目大起底工作领导小组办公室"));

        // Importing the export changes nothing.
        let o = qidi(&url).args(["import", "ledger"]).arg(&exported).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        assert!(out(&o).contains("项目：新增 0，更新 0，未变 3；待批事项：新增 0，更新 0，未变 5"), "{}", out(&o));

        // One department's export: the items it handles.
        let water = dir.join("slj.xlsx");
        let o = qidi(&url).args(["export", "ledger", "--department", "slj", "-o"]).arg(&water).output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let w = read_ledger(&water, &opts).unwrap();
        assert_eq!(w.projects.len(), 1);
        assert_eq!(w.projects[0].items.len(), 2);
        assert!(w.projects[0].items.iter().all(|i| i.handling_department == "slj"));
        assert_eq!(w.unit.as_deref(), Some("旗水利局"));

        let o = qidi(&url).args(["export", "ledger", "--department", "nope", "-o"]).arg(&water).output().unwrap();
        assert!(!o.status.success());
        assert!(err(&o).contains("没有代码为“nope”的部门"), "{}", err(&o));
    }
}

#[tokio::test]
async fn corrupt_and_non_excel_files_are_refused_and_nothing_is_written() {
    for url in fresh_database_urls().await {
        let dir = temp_dir();
        let corrupt = dir.join("corrupt.xlsx");
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(std::iter::repeat_n(0x5a, 500));
        std::fs::write(&corrupt, bytes).unwrap();
        let text = dir.join("notes.xlsx");
        std::fs::write(&text, "项目代码,项目名称\n2022-152529-44-01-000101,风电场\n").unwrap();
        // A real workbook cut short.
        let good = dir.join("good.xlsx");
        write_xlsx(&good, &HEADER, &clean_projects());
        let full = std::fs::read(&good).unwrap();
        let cut = dir.join("cut.xlsx");
        std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
        let missing = dir.join("missing.xlsx");

        for (file, needle) in
            [(&corrupt, "已损坏"), (&text, "不是 Excel 工作簿"), (&cut, "已损坏"), (&missing, "文件不存在")]
        {
            let o = qidi(&url).args(["import", "ledger"]).arg(file).arg("--json").output().unwrap();
            assert!(!o.status.success(), "{}", file.display());
            let e = err(&o);
            assert!(e.contains(needle), "{}: {e}", file.display());
            assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
            assert!(!e.contains("panicked"), "{e}");
            assert!(out(&o).trim().is_empty(), "no report for an unreadable file");
        }
        assert_eq!(db_counts(&url).await, (0, 0, vec![], 0), "nothing written");
    }
}

#[tokio::test]
async fn a_mapping_file_names_unusual_headers() {
    for url in fresh_database_urls().await {
        let dir = temp_dir();
        let mut header = HEADER;
        header[2] = "工程名称";
        header[9] = "牵头审批单位";
        let file = dir.join("odd.xlsx");
        write_xlsx(&file, &header, &clean_projects());
        let o = qidi(&url).args(["import", "ledger"]).arg(&file).arg("--json").output().unwrap();
        assert!(!o.status.success(), "without the mapping the name column is unknown");

        let mapping = dir.join("map.json");
        std::fs::write(&mapping, r#"{"工程名称": "name", "牵头审批单位": "办理部门"}"#).unwrap();
        let o = qidi(&url)
            .args(["import", "ledger"])
            .arg(&file)
            .arg("--json")
            .arg("--mapping")
            .arg(&mapping)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let report: serde_json::Value = serde_json::from_str(out(&o).trim()).unwrap();
        assert_eq!((report["projects"].as_u64(), report["items"].as_u64()), (Some(3), Some(5)));

        let bad = dir.join("bad.json");
        std::fs::write(&bad, r#"{"工程名称": "nonsense"}"#).unwrap();
        let o = qidi(&url).args(["import", "ledger"]).arg(&file).arg("--mapping").arg(&bad).output().unwrap();
        assert!(!o.status.success());
        assert!(err(&o).contains("表头映射文件无效"), "{}", err(&o));
    }
}

/// Ledgers as officials write them (issue 10): 立项时间 as a date, "no date yet" in a
/// deadline, department names with their region, a bare 20-digit code, a truncated code
/// and a name nobody knows; then the office's saved alias lets that name through.
#[tokio::test]
async fn a_messy_ledger_dry_run_reports_exactly_and_saved_aliases_are_used() {
    let mut header = HEADER;
    header[5] = "立项时间";
    let unknown = "锡林郭勒盟生态环境保护局正镶白旗分局";
    let projects = vec![
        P {
            code: "20221525294401000801",
            name: "正镶白旗光伏治沙项目",
            owner: "锡林能源有限公司",
            dept: "正镶白旗发展和改革委员会",
            year: "2017年2月21日",
            investment: "1,200",
            stage: "未开工",
            items: vec![
                ["环评", "锡林郭勒盟生态环境局正镶白旗分局", "", "王海", "", "待定", ""],
                ["土地预审", "正镶白旗自然资源局", "", "李娜", "", "2022.9.30", ""],
            ],
        },
        P {
            code: "2022-152529-44-01-000802",
            name: "正镶白旗储能项目",
            owner: "锡林能源有限公司",
            dept: "发改委",
            year: "2019-09-02",
            investment: "300",
            stage: "在建",
            items: vec![["能评", "发改委", "", "", "", "—", ""]],
        },
        P {
            code: "2022152529440100803",
            name: "截断代码项目",
            owner: "",
            dept: "发改委",
            year: "2020",
            investment: "",
            stage: "",
            items: vec![["环评", "", "", "", "", "", ""]],
        },
        P {
            code: "2022-152529-44-01-000804",
            name: "正镶白旗供热项目",
            owner: "",
            dept: "发改委",
            year: "2017.4.4",
            investment: "",
            stage: "",
            items: vec![["环评", unknown, "", "", "", "2023/6/30", ""]],
        },
    ];
    for url in fresh_database_urls().await {
        let dir = temp_dir();
        let file = dir.join("台账.xlsx");
        write_xlsx(&file, &header, &projects);
        let run = |extra: &[&str]| {
            qidi(&url)
                .env("QIDI_DATA_DIR", &dir)
                .args(["import", "ledger"])
                .arg(&file)
                .args(["--json"])
                .args(extra)
                .output()
                .unwrap()
        };
        let rows_of = |v: &serde_json::Value| -> Vec<(u64, String, String)> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let s = |k: &str| e[k].as_str().unwrap().to_string();
                    (e["row"].as_u64().unwrap(), s("column"), s("sheet"))
                })
                .collect()
        };

        let o = run(&["--dry-run"]);
        assert!(!o.status.success(), "errors: non-zero exit");
        let report: serde_json::Value = serde_json::from_str(out(&o).trim()).expect("only the JSON report on stdout");
        assert_eq!((report["projects"].as_u64(), report["items"].as_u64()), (Some(2), Some(3)), "{report}");
        let sheet = "Sheet1".to_string();
        assert_eq!(
            rows_of(&report["errors"]),
            [(7, "项目代码".to_string(), sheet.clone()), (8, "办理部门".to_string(), sheet.clone())],
            "{report}"
        );
        assert!(report["errors"][0]["message"].as_str().unwrap().starts_with("项目代码位数不对"));
        assert!(report["errors"][1]["message"].as_str().unwrap().contains("是否指：旗生态环境分局？"));
        assert_eq!(
            rows_of(&report["warnings"]),
            [(4, "完成时限".to_string(), sheet.clone()), (6, "完成时限".to_string(), sheet.clone())],
            "{report}"
        );
        assert_eq!(report["unknown_names"][0]["written"], unknown);
        assert_eq!(report["unknown_names"][0]["rows"], serde_json::json!([8]));
        assert_eq!(db_counts(&url).await, (0, 0, vec![], 0), "a dry run writes nothing");

        // The office maps the name once (as on the web); the CLI uses the alias.
        let store = Store::connect(&url).await.unwrap();
        let region = qidi_core::RegionCode::parse("152529").unwrap();
        let office = store
            .create_user(
                &qidi_store::users::NewUser {
                    region: &region,
                    username: "office",
                    display_name: "办公室",
                    role: qidi_core::Role::Office,
                    department_id: None,
                    owner_id: None,
                    password: "Qidi-test-2026!",
                },
                None,
            )
            .await
            .unwrap();
        store.save_alias(&office, qidi_core::names::NameKind::Department, unknown, "sthj").await.unwrap();
        store.close().await;

        let o = run(&["--dry-run"]);
        let report: serde_json::Value = serde_json::from_str(out(&o).trim()).unwrap();
        assert_eq!((report["projects"].as_u64(), report["items"].as_u64()), (Some(3), Some(4)), "{report}");
        assert_eq!(rows_of(&report["errors"]), [(7, "项目代码".to_string(), sheet.clone())]);
        assert!(report.get("unknown_names").is_none(), "{report}");

        let o = run(&["--skip-invalid"]);
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(db_counts(&url).await.0, 3);
        let store = Store::connect(&url).await.unwrap();
        let mut got: Vec<(String, Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT code, initiated_on, initiated_year FROM projects ORDER BY code")
                .fetch_all(store.pool())
                .await
                .unwrap();
        got.sort();
        assert_eq!(
            got,
            [
                ("2022-152529-44-01-000801".into(), Some("2017-02-21".into()), Some(2017)),
                ("2022-152529-44-01-000802".into(), Some("2019-09-02".into()), Some(2019)),
                ("2022-152529-44-01-000804".into(), Some("2017-04-04".into()), Some(2017)),
            ]
        );
        let no_date: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pending_items WHERE due_on IS NULL")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(no_date, 2, "待定 and — store no date");
        store.close().await;
    }
}
