//! `qidi token …`: API tokens for machines (the 12345 hotline platform). The token is
//! printed once, alone on the last line; only its SHA-256 is kept.

use crate::config::Config;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a token. It is printed once, alone on the last line.
    Add {
        /// What the token is for: hotline (the 12345 platform's intake API).
        #[arg(long)]
        purpose: String,
        /// A name to tell tokens apart in `qidi token list`.
        #[arg(long)]
        name: Option<String>,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token at once.
    Revoke { id: String },
}

pub async fn run(cfg: &Config, command: TokenCommand) -> anyhow::Result<()> {
    let store = crate::open(cfg).await?;
    match command {
        TokenCommand::Add { purpose, name } => {
            let (t, secret) = store.add_api_token(&cfg.region, purpose.trim(), name.as_deref()).await?;
            println!("issued {} token {} ({}); it is shown this once, keep it safe:", t.purpose, t.id, t.name);
            println!("{secret}");
        }
        TokenCommand::List => {
            let tokens = store.list_api_tokens(&cfg.region).await?;
            if tokens.is_empty() {
                println!("no tokens; issue one with `qidi token add --purpose hotline`");
            }
            for t in tokens {
                let state = match &t.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => format!("last used {}", t.last_used_at.as_deref().unwrap_or("never")),
                };
                println!("{}  {:<8} {:<16} created {}  {state}", t.id, t.purpose, t.name, t.created_at);
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_api_token(&cfg.region, &id).await?;
            println!("revoked token {id}");
        }
    }
    Ok(())
}
