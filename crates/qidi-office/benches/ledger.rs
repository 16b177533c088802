//! Import and export benchmarks (a plain binary, not criterion: each measurement
//! runs in its own process so that its peak memory, VmHWM, is its own).
//!
//! `cargo bench -p qidi-office --bench ledger` runs everything:
//! * write a 100,000-row official ledger (project cells merged over 3 items each),
//!   once as qidi exports it (inline strings) and once as Excel saves files
//!   (a shared string table);
//! * read it with calamine alone (open + `worksheet_range`), the baseline;
//! * read it with `read_ledger` (safety checks, header detection, merges, parsing);
//! * export 1,000,000 rows, plain sheet only (constant memory);
//! * export 100,000 rows in the official layout (merged cells), for comparison;
//! * export 1,000,000 rows to both sheets, as the CLI's default export does.
//!
//! One step alone: `… --bench ledger -- STEP [ARGS]` with STEP one of
//! `gen ROWS PATH`, `gen-shared ROWS PATH`, `calamine PATH`, `import PATH`, `export-plain ROWS PATH`,
//! `export-official ROWS PATH`, `export-both ROWS PATH`.
//!
//! The binary runs on mimalloc, like the `qidi` binary, so both measure the same allocator.

use calamine::Reader;
use chrono::NaiveDate;
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_office::{ExportSheets, ImportOptions, LedgerItem, LedgerProject, LedgerWriter, NameTable};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ITEMS: [(&str, &str); 4] =
    [("land_pre_review", "zrzy"), ("energy_review", "fgw"), ("eia", "sthj"), ("construction_permit", "zjj")];

fn project(i: u64, items: usize) -> LedgerProject {
    let due = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Days::new(i % 700);
    LedgerProject {
        owner_credit_code: None,
        initiated_on: None,
        first_row: 0,
        code: ProjectCode::parse(&format!("2022-152529-44-01-{i:06}")).unwrap(),
        name: format!("正镶白旗第{i}号风电光伏储能一体化项目"),
        owner: Some(format!("内蒙古某某新能源有限公司{}", i % 97)),
        initiating_department: Some(if i.is_multiple_of(3) { "gxj" } else { "fgw" }.into()),
        year: Some(2020 + (i % 5) as i32),
        investment: Some(Yuan(((i * 7_919) % 10_000_000) as i64 * 100)),
        stage: Some(if i.is_multiple_of(2) { ProjectStage::NotStarted } else { ProjectStage::UnderConstruction }),
        items: (0..items)
            .map(|k| {
                let (t, d) = ITEMS[k % ITEMS.len()];
                LedgerItem {
                    row: 0,
                    item_type: t.into(),
                    handling_department: d.into(),
                    check_result: Some("材料基本齐全，待补充专家评审意见".into()),
                    responsible_person: Some(format!("经办人{}", (i + k as u64) % 50)),
                    acceptance_status: Some(if k % 2 == 0 { "已受理" } else { "未受理" }.into()),
                    due_on: Some(due),
                    note: (k == 0).then(|| "重点项目".to_string()),
                }
            })
            .collect(),
    }
}

fn write(rows: u64, items_per_project: usize, sheets: ExportSheets, path: &Path) -> u64 {
    let names = NameTable::shipped();
    let date = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut w = LedgerWriter::new("正镶白旗待批项目大起底台账", "旗发展和改革委员会", date, &names, sheets).unwrap();
    let mut i = 0;
    while w.rows() < rows {
        let left = (rows - w.rows()) as usize;
        w.push(&project(i, items_per_project.min(left))).unwrap();
        i += 1;
    }
    w.finish(path).unwrap()
}

/// The same ledger as Excel itself saves it: a shared string table instead of
/// inline strings (rust_xlsxwriter's standard mode), project cells merged.
fn write_shared(rows: u64, path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let names = NameTable::shipped();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let plain = Format::new();
    ws.write_string(0, 0, "正镶白旗待批项目大起底台账").unwrap();
    ws.write_string(1, 0, "填报单位：旗发展和改革委员会    填报日期：2026年11月27日").unwrap();
    let header = [
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
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let (mut r, mut i) = (3u32, 0u64);
    while u64::from(r - 3) < rows {
        let p = project(i, 3.min((rows - u64::from(r - 3)) as usize));
        let k = p.items.len() as u32;
        let text = [
            p.code.to_string(),
            p.name.clone(),
            p.owner.clone().unwrap_or_default(),
            names.department_name(p.initiating_department.as_deref().unwrap_or("")).to_string(),
        ];
        for (c, t) in text.iter().enumerate() {
            let c = c as u16 + 1;
            if k > 1 {
                ws.merge_range(r, c, r + k - 1, c, t, &plain).unwrap();
            } else {
                ws.write_string(r, c, t).unwrap();
            }
        }
        let nums =
            [(0u16, (i + 1) as f64), (5, p.year.unwrap() as f64), (6, p.investment.unwrap().0 as f64 / 10_000.0)];
        for (c, v) in nums {
            if k > 1 {
                ws.merge_range(r, c, r + k - 1, c, "", &plain).unwrap();
            }
            ws.write_number(r, c, v).unwrap();
        }
        if k > 1 {
            ws.merge_range(r, 7, r + k - 1, 7, p.stage.unwrap().label_zh(), &plain).unwrap();
        } else {
            ws.write_string(r, 7, p.stage.unwrap().label_zh()).unwrap();
        }
        for (j, it) in p.items.iter().enumerate() {
            let rr = r + j as u32;
            ws.write_string(rr, 8, names.item_type_name(&it.item_type)).unwrap();
            ws.write_string(rr, 9, names.department_name(&it.handling_department)).unwrap();
            ws.write_string(rr, 10, it.check_result.as_deref().unwrap_or("")).unwrap();
            ws.write_string(rr, 11, it.responsible_person.as_deref().unwrap_or("")).unwrap();
            ws.write_string(rr, 12, it.acceptance_status.as_deref().unwrap_or("")).unwrap();
            ws.write_date_with_format(rr, 13, it.due_on.unwrap(), &date_fmt).unwrap();
            if let Some(n) = &it.note {
                ws.write_string(rr, 14, n).unwrap();
            }
        }
        r += k;
        i += 1;
    }
    ws.write_string(r + 1, 0, "填报人：").unwrap();
    wb.save(path).unwrap();
}

/// Peak resident memory of this process so far, in MiB.
fn vm_hwm_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn report(step: &str, secs: f64, extra: &str) {
    println!("RESULT {step} seconds={secs:.3} vm_hwm_mib={:.1} {extra}", vm_hwm_mib());
}

fn step(args: &[String]) {
    match args[0].as_str() {
        "gen" => {
            let rows: u64 = args[1].parse().unwrap();
            let t = Instant::now();
            write(rows, 3, ExportSheets::OfficialOnly, Path::new(&args[2]));
            let size = std::fs::metadata(&args[2]).unwrap().len();
            report("gen", t.elapsed().as_secs_f64(), &format!("bytes={size}"));
        }
        "gen-shared" => {
            let rows: u64 = args[1].parse().unwrap();
            let t = Instant::now();
            write_shared(rows, Path::new(&args[2]));
            let size = std::fs::metadata(&args[2]).unwrap().len();
            report("gen-shared", t.elapsed().as_secs_f64(), &format!("bytes={size}"));
        }
        "calamine" => {
            let t = Instant::now();
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&args[1]).unwrap();
            let name = wb.sheet_names()[0].clone();
            let range = wb.worksheet_range(&name).unwrap();
            let cells = range.used_cells().count();
            report("calamine", t.elapsed().as_secs_f64(), &format!("cells={cells}"));
        }
        "import" => {
            let t = Instant::now();
            let got = qidi_office::read_ledger(Path::new(&args[1]), &ImportOptions::default()).unwrap();
            assert!(got.errors.is_empty(), "{:?}", &got.errors[..got.errors.len().min(5)]);
            report(
                "import",
                t.elapsed().as_secs_f64(),
                &format!("projects={} items={}", got.projects.len(), got.item_count()),
            );
        }
        "export-plain" | "export-official" | "export-both" => {
            let rows: u64 = args[1].parse().unwrap();
            let (sheets, per) = match args[0].as_str() {
                "export-plain" => (ExportSheets::PlainOnly, 4),
                "export-official" => (ExportSheets::OfficialOnly, 3),
                _ => (ExportSheets::Both, 3),
            };
            let t = Instant::now();
            let n = write(rows, per, sheets, Path::new(&args[2]));
            let size = std::fs::metadata(&args[2]).unwrap().len();
            report(&args[0], t.elapsed().as_secs_f64(), &format!("rows={n} bytes={size}"));
        }
        other => panic!("unknown step {other}"),
    }
}

fn run(args: &[&str]) -> String {
    let out = Command::new(std::env::current_exe().unwrap()).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8_lossy(&out.stdout).lines().find(|l| l.starts_with("RESULT")).unwrap().to_string();
    println!("{line}");
    line
}

fn seconds(line: &str) -> f64 {
    line.split_whitespace().find_map(|w| w.strip_prefix("seconds=")).unwrap().parse().unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if !args.is_empty() {
        return step(&args);
    }
    let dir: PathBuf = std::env::temp_dir().join(format!("qidi-office-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ledger = dir.join("ledger-100k.xlsx");
    let ledger_s = ledger.to_str().unwrap();
    run(&["gen", "100000", ledger_s]);

    let shared = dir.join("ledger-100k-shared.xlsx");
    let shared_s = shared.to_str().unwrap();
    run(&["gen-shared", "100000", shared_s]);

    let runs = 3;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    for (what, file) in [("inline strings (qidi's export)", ledger_s), ("shared strings (as Excel saves)", shared_s)] {
        let mut cal = Vec::new();
        let mut imp = Vec::new();
        for _ in 0..runs {
            cal.push(seconds(&run(&["calamine", file])));
            imp.push(seconds(&run(&["import", file])));
        }
        let (c, i) = (median(&mut cal), median(&mut imp));
        println!(
            "SUMMARY import 100k rows, {what}: calamine alone {c:.3}s, read_ledger {i:.3}s, ratio {:.2}x (median of {runs})",
            i / c
        );
    }

    let plain = dir.join("export-1m.xlsx");
    run(&["export-plain", "1000000", plain.to_str().unwrap()]);
    let official = dir.join("export-official-100k.xlsx");
    run(&["export-official", "100000", official.to_str().unwrap()]);
    let both = dir.join("export-both-1m.xlsx");
    run(&["export-both", "1000000", both.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
}
