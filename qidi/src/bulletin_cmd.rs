//! `qidi bulletin make` and `qidi bulletin list`: the monthly bulletin (通报) of a closed
//! month, issued once and written in any of its formats.

use crate::config::Config;
use anyhow::{bail, Context};
use clap::Subcommand;
use qidi_core::bulletin::Month;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum BulletinCommand {
    /// Write the bulletin of a closed month, issuing it first if it has not been.
    Make {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// json, xlsx, docx or pdf.
        #[arg(long, default_value = "json")]
        format: String,
        /// Where to write it.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Issue a correction of the month's bulletin instead (the earlier one stays as issued).
        #[arg(long)]
        correct: bool,
    },
    /// List the bulletins issued, newest first.
    List,
}

pub async fn run(cfg: &Config, command: BulletinCommand) -> anyhow::Result<()> {
    let store = crate::open(cfg).await?;
    match command {
        BulletinCommand::Make { month, format, output, correct } => {
            let month = Month::parse(&month)?;
            if !matches!(format.as_str(), "json" | "xlsx" | "docx" | "pdf") {
                bail!("unknown format `{format}`: use json, xlsx, docx or pdf");
            }
            // Fonts are found before anything is issued, so a missing font issues nothing.
            let fonts = if format == "pdf" { Some(qidi_pdf::Fonts::from_environment()?) } else { None };
            let (issued, new) = store.issue_bulletin(&cfg.region, month, qidi_store::today(), None, correct).await?;
            let b = &issued.bulletin;
            let bytes = match format.as_str() {
                "json" => serde_json::to_vec_pretty(b).context("cannot write the bulletin as JSON")?,
                "xlsx" => qidi_office::bulletin_xlsx(b)?,
                "docx" => qidi_office::bulletin_docx(b)?,
                _ => qidi_pdf::bulletin_pdf(b, fonts.as_ref().context("fonts are loaded for pdf")?)?,
            };
            std::fs::write(&output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
            let what = if new { "issued" } else { "already issued" };
            eprintln!(
                "{what}: {} ({} items overdue or closed late); written to {}",
                b.document_number,
                b.items.len(),
                output.display()
            );
        }
        BulletinCommand::List => {
            for i in store.bulletins(&cfg.region).await? {
                let b = &i.bulletin;
                let corrects = b.corrects.as_deref().map(|c| format!(" (corrects {c})")).unwrap_or_default();
                println!("{}  {}  {}  {}{corrects}", b.month, b.document_number, b.issued_on, b.title);
            }
        }
    }
    Ok(())
}
