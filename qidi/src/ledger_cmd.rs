//! `qidi import ledger FILE.xlsx` and `qidi export ledger -o FILE.xlsx`: spreadsheet
//! ledgers (台账) in and out of the configured database.
//!
//! Import reads the file with `qidi_office` (names matched through the database's alias
//! tables), then loads it in one transaction. Any row error writes nothing and exits
//! non-zero unless `--skip-invalid`. `--json` prints exactly
//! `{"projects": N, "items": N, "errors": [{"row", "column", "message", "sheet"}], "warnings": [...],
//! "unknown_names": [{"kind", "written", "rows", "suggestions"}]}` on standard output; everything
//! else goes to standard error. Names are matched with the aliases the office saved on the web.

use crate::config::Config;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use qidi_core::role::ScopeLimit;
use qidi_core::Scope;
use qidi_office::{read_ledger, ExportSheets, HeaderMap, ImportOptions, LedgerImport, LedgerWriter};
use qidi_store::ledger_import::ImportMode;
use qidi_store::{Store, StoreError};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import a ledger spreadsheet (.xlsx or .xls) into the database.
    Ledger(ImportLedgerArgs),
}

#[derive(Args)]
pub struct ImportLedgerArgs {
    /// The ledger file.
    file: PathBuf,
    /// Check the file and report what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    json: bool,
    /// Import the projects without errors even if other rows have errors.
    #[arg(long)]
    skip_invalid: bool,
    /// Extra header names: a JSON or TOML file mapping header text to a field
    /// ({"工程名称": "name"}).
    #[arg(long)]
    mapping: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Export the ledger (official layout and a plain sheet) to an .xlsx file.
    Ledger(ExportLedgerArgs),
}

#[derive(Args)]
pub struct ExportLedgerArgs {
    /// Only this department's ledger (department code, e.g. fgw): projects it initiated
    /// and items it handles.
    #[arg(long)]
    department: Option<String>,
    /// Output file (.xlsx).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

pub async fn import(cfg: &Config, command: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Ledger(args) = command;
    let headers = match &args.mapping {
        Some(p) => HeaderMap::load(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        None => HeaderMap::default(),
    };
    let store = crate::open(cfg).await?;
    let names = store.name_table(&cfg.region).await?;
    let opts = ImportOptions { names, headers, ..ImportOptions::default() };
    let mut import = read_ledger(&args.file, &opts).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    store.refuse_far_dates(&cfg.region, &mut import).await?;
    if args.json {
        println!("{}", serde_json::to_string(&import.report()).context("report")?);
    } else {
        print_report(&import);
    }
    let errors = import.errors.len();
    if errors > 0 && !args.skip_invalid {
        bail!("台账有 {errors} 处错误，未导入任何内容：请改正后重新导入，或加 --skip-invalid 只导入无误的项目");
    }
    let mode = ImportMode { dry_run: args.dry_run, skip_invalid: args.skip_invalid };
    let s = store.import_ledger_with(&cfg.region, &import, None, mode).await?;
    let line = format!(
        "{}项目：新增 {}，更新 {}，未变 {}；待批事项：新增 {}，更新 {}，未变 {}；新增项目单位 {}；基线新增 {}{}",
        if s.dry_run { "试导入（未写入）— " } else { "已导入 — " },
        s.projects_new,
        s.projects_changed,
        s.projects_unchanged,
        s.items_new,
        s.items_changed,
        s.items_unchanged,
        s.owners_new,
        s.additions,
        if s.errors > 0 { format!("；{} 处错误所在项目未导入", s.errors) } else { String::new() },
    );
    if args.json {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
    store.close().await;
    Ok(())
}

fn print_report(import: &LedgerImport) {
    println!(
        "读取工作表“{}”（表头在第 {} 行）：{} 个项目，{} 个待批事项；错误 {} 处，提示 {} 处",
        import.sheet,
        import.header_row,
        import.projects.len(),
        import.item_count(),
        import.errors.len(),
        import.warnings.len()
    );
    for (label, issues) in [("错误", &import.errors), ("提示", &import.warnings)] {
        for i in issues.iter() {
            println!("  {label}  工作表“{}” 第 {} 行  {}：{}", i.sheet, i.row, i.column, i.message);
        }
    }
}

pub async fn export(cfg: &Config, command: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Ledger(args) = command;
    let store = crate::open(cfg).await?;
    let department = match &args.department {
        Some(code) => Some(
            store
                .department_by_code(&cfg.region, code.trim())
                .await?
                .ok_or_else(|| anyhow::anyhow!("没有代码为“{code}”的部门（例如 fgw、zrzy）"))?,
        ),
        None => None,
    };
    let scope = Scope {
        region_prefix: cfg.region.as_str().to_string(),
        limit: match &department {
            Some(d) => ScopeLimit::Department(d.id.clone()),
            None => ScopeLimit::Region,
        },
        read_only: true,
    };
    let (rows, projects) = write_export(&store, cfg, &scope, department.as_ref().map(|d| d.id.as_str()), &args.output)
        .await
        .with_context(|| format!("cannot export to {}", args.output.display()))?;
    println!("已导出 {projects} 个项目、{rows} 行到 {}", args.output.display());
    store.close().await;
    Ok(())
}

/// Write next to the target, then rename: a failed export leaves no half file.
async fn write_export(
    store: &Store,
    cfg: &Config,
    scope: &Scope,
    department_id: Option<&str>,
    output: &Path,
) -> anyhow::Result<(u64, u64)> {
    let names = store.name_table(&cfg.region).await?;
    let (title, unit) = store.export_heading(&cfg.region, department_id).await?;
    let mut writer = LedgerWriter::new(&title, &unit, qidi_store::today(), &names, ExportSheets::Both)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let projects =
        store.export_ledger(scope, 1000, |p| writer.push(&p).map_err(|e| StoreError::invalid(e.to_string()))).await?;
    let file_name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "ledger".into());
    let tmp = output.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let rows = writer.rows();
    if let Err(e) = writer.finish(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        bail!("{e}");
    }
    std::fs::rename(&tmp, output).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok((rows, projects))
}
