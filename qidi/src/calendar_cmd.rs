//! `qidi calendar …`: working days on the calendar as stored in the configured database.
//!
//! Answers go to standard output alone (`add` prints one date, `count` one number,
//! `is-workday` `true` or `false`), so scripts can use them. A result that depends on
//! a year whose notice is not loaded is provisional: a note says so on standard error.
//! Bad input is one line on standard error naming the date, a non-zero exit, and no
//! change to the database.

use crate::config::Config;
use anyhow::{bail, Context};
use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use qidi_core::calendar::{parse_date, HolidayFile, WorkCalendar};
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Print the date N working days after DATE (DATE itself is not counted).
    Add {
        /// YYYY-MM-DD
        date: String,
        /// Working days, 0 or more.
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Print the number of working days in (FROM, TO]: FROM not counted, TO counted.
    Count {
        /// YYYY-MM-DD
        from: String,
        /// YYYY-MM-DD
        to: String,
    },
    /// Print `true` if DATE is a working day, else `false`.
    IsWorkday {
        /// YYYY-MM-DD
        date: String,
    },
    /// Load a year's notice from a JSON file in holiday-cn's format
    /// ({"year": 2027, "papers": [...], "days": [{"name", "date", "isOffDay"}]}).
    Import { file: PathBuf },
}

fn date(s: &str) -> anyhow::Result<NaiveDate> {
    Ok(parse_date(s)?)
}

fn working_days(s: &str) -> anyhow::Result<u32> {
    match s.parse::<i64>() {
        Ok(n) if n < 0 => bail!("工作日数“{s}”无效：不能为负数，应为 0 或正整数"),
        Ok(n) => u32::try_from(n).map_err(|_| anyhow::anyhow!("工作日数“{s}”过大")),
        Err(_) => bail!("工作日数“{s}”无效：应为 0 或正整数，如 5"),
    }
}

/// Warn on standard error when an answer depends on days in `(after, through]` that are
/// not settled: their year's notice (or, for December, the next year's) is not loaded.
fn note_provisional(cal: &WorkCalendar, after: NaiveDate, through: NaiveDate) {
    if !cal.is_provisional(after, through) {
        return;
    }
    let first = after.succ_opt().unwrap_or(after);
    let mut missing = BTreeSet::new();
    for y in first.year()..=through.year() {
        if !cal.is_published(y) {
            missing.insert(y);
        }
        let december_in_span = through.year() > y || through.month() == 12;
        if december_in_span && !cal.is_published(y + 1) {
            missing.insert(y + 1);
        }
    }
    let mut years: Vec<String> = missing.iter().take(5).map(|y| y.to_string()).collect();
    if missing.len() > 5 {
        years.push("…".into());
    }
    eprintln!("注意：{} 年的放假安排尚未导入，此结果为暂定", years.join("、"));
}

pub async fn run(cfg: &Config, command: CalendarCommand) -> anyhow::Result<()> {
    // Check the arguments before touching the database.
    match command {
        CalendarCommand::Add { date: d, n } => {
            let (d, n) = (date(&d)?, working_days(&n)?);
            let cal = calendar(cfg).await?;
            let Some(due) = cal.checked_add_working_days(d, n) else {
                bail!("自 {d} 起加 {n} 个工作日超出可计算的日期范围");
            };
            note_provisional(&cal, d, due);
            println!("{}", due.format("%Y-%m-%d"));
        }
        CalendarCommand::Count { from, to } => {
            let (from, to) = (date(&from)?, date(&to)?);
            let cal = calendar(cfg).await?;
            note_provisional(&cal, from.min(to), from.max(to));
            println!("{}", cal.working_days_between(from, to));
        }
        CalendarCommand::IsWorkday { date: d } => {
            let d = date(&d)?;
            let cal = calendar(cfg).await?;
            note_provisional(&cal, d.pred_opt().unwrap_or(d), d);
            println!("{}", cal.is_working_day(d));
        }
        CalendarCommand::Import { file } => {
            let json =
                std::fs::read_to_string(&file).with_context(|| format!("无法读取放假安排文件 {}", file.display()))?;
            let parsed = HolidayFile::parse(&json)?;
            qidi_store::calendar::check_import_year(parsed.year)?;
            let store = crate::open(cfg).await?;
            let done = store.import_calendar_file(&parsed, None).await;
            store.close().await;
            let done = done?;
            if done.unchanged {
                println!("{} 年放假安排已导入，文件内容相同，未作更改", done.year);
            } else {
                println!(
                    "已导入 {} 年放假安排：{} 个日期；重新计算时限 {} 个，其中 {} 个有变化",
                    done.year, done.days, done.recomputed.examined, done.recomputed.changed
                );
            }
        }
    }
    Ok(())
}

async fn calendar(cfg: &Config) -> anyhow::Result<std::sync::Arc<WorkCalendar>> {
    let store = crate::open(cfg).await?;
    let cal = store.work_calendar().await?;
    store.close().await;
    Ok(cal)
}
