//! `qidi check counts`: recount the kept counts in full, report and repair.

use crate::config::Config;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum CheckCommand {
    /// Recount the kept counts (dashboards, baseline progress) from the rows and compare.
    /// Differences are printed and repaired; the exit status is 1 when there were any.
    Counts {
        /// Only report; do not repair.
        #[arg(long)]
        dry_run: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cfg: &Config, command: CheckCommand) -> anyhow::Result<()> {
    match command {
        CheckCommand::Counts { dry_run, json } => {
            let store = crate::open(cfg).await?;
            let check = store.check_counts(!dry_run).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&check)?);
            } else {
                for (table, n) in &check.groups {
                    println!("{table}: {n} groups counted");
                }
                for m in &check.mismatches {
                    println!("MISMATCH {} [{}]: kept {:?}, counted {:?}", m.table, m.key, m.kept, m.counted);
                }
                if check.mismatches.is_empty() {
                    println!("kept counts are right");
                } else if check.repaired {
                    println!("{} kept counts were wrong and are repaired", check.mismatches.len());
                } else {
                    println!("{} kept counts are wrong (not repaired: --dry-run)", check.mismatches.len());
                }
            }
            if !check.mismatches.is_empty() {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
