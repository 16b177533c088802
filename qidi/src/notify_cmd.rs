//! `qidi channel …` and `qidi jobs run`: group channels, and the scheduled jobs run
//! once for deployments that prefer cron (and for tests).

use crate::config::Config;
use anyhow::{bail, Context};
use clap::Subcommand;
use qidi_core::message::{channel_test, ChannelKind};
use qidi_core::sentence::InChinese;
use qidi_notify::Notifier;
use qidi_store::messages::{public_url, Attempt, Outgoing};

#[derive(Subcommand)]
pub enum ChannelCommand {
    /// Add a department's (or, with `--department office`, the sweep office's) group
    /// channel: a shared mailbox or a WeCom/DingTalk group robot.
    Add {
        /// Department code, as in /ledger/departments/{code} (e.g. zrzy), or `office`.
        #[arg(long)]
        department: String,
        /// email, wecom or dingtalk
        #[arg(long)]
        kind: String,
        /// The mailbox address or the robot's webhook URL.
        #[arg(long)]
        target: String,
        /// DingTalk's signing secret (加签), if the robot uses one.
        #[arg(long)]
        secret: Option<String>,
    },
    /// List the channels in use.
    List,
    /// Stop using a channel.
    Remove { id: String },
    /// Send one test message over a channel and print what it answered.
    Test { id: String },
}

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Run everything due now (deemed acceptances, the daily light run, sending the
    /// outbox) once, and exit.
    Run,
}

/// Where the 12345 hotline platform takes the results of its work orders.
pub const HOTLINE_CALLBACK_ENV: &str = "QIDI_HOTLINE_CALLBACK_URL";

pub fn notifier(cfg: &Config) -> anyhow::Result<Notifier> {
    let callback = std::env::var(HOTLINE_CALLBACK_ENV).ok();
    Ok(Notifier::new(cfg.smtp.clone())?.with_hotline_callback(callback.as_deref())?)
}

pub async fn channel(cfg: &Config, command: ChannelCommand) -> anyhow::Result<()> {
    let store = crate::open(cfg).await?;
    match command {
        ChannelCommand::Add { department, kind, target, secret } => {
            let Some(kind) = ChannelKind::parse(&kind).filter(|k| ChannelKind::GROUP.contains(k)) else {
                bail!("unknown channel kind `{kind}`: use email, wecom or dingtalk");
            };
            let c = store.add_channel(&cfg.region, &department, kind, &target, secret.as_deref(), None).await?;
            println!("added channel {} ({} for {})", c.id, c.kind.as_str(), c.department_code);
        }
        ChannelCommand::List => {
            let channels = store.list_channels(cfg.region.as_str()).await?;
            if channels.is_empty() {
                println!("no channels; add one with `qidi channel add --department CODE --kind email|wecom|dingtalk --target …`");
            }
            for c in channels {
                println!(
                    "{}  {:<8} {:<9} {}{}",
                    c.id,
                    c.department_code,
                    c.kind.as_str(),
                    c.target,
                    if c.signed { " (signed)" } else { "" }
                );
            }
        }
        ChannelCommand::Remove { id } => {
            store.remove_channel(cfg.region.as_str(), &id, None).await?;
            println!("removed channel {id}");
        }
        ChannelCommand::Test { id } => {
            let Some(c) = store.channel(&id).await? else { bail!("no channel with id {id}") };
            let notifier = notifier(cfg)?;
            let msg = channel_test(&InChinese, &format!("{} · {}", c.department, c.kind_label), public_url());
            let out = Outgoing {
                id: id.clone(),
                channel: c.kind,
                target: Some(c.target.clone()),
                secret: store.channel_secret(&id).await?,
                subject: msg.subject,
                text: msg.text,
                html: msg.html,
                markdown: msg.markdown,
                attempts: 0,
            };
            match notifier.send(&out).await {
                Attempt::Sent(answer) => println!("sent; the channel answered: {answer}"),
                Attempt::Failed(answer) | Attempt::Undeliverable(answer) => {
                    bail!("the test message was not taken: {answer}")
                }
            }
        }
    }
    Ok(())
}

pub async fn jobs(cfg: &Config, command: JobsCommand) -> anyhow::Result<()> {
    let store = crate::open(cfg).await?;
    match command {
        JobsCommand::Run => {
            let notifier = notifier(cfg)?;
            let r = qidi_notify::run_due_jobs(&store, &notifier, cfg.schedule, qidi_store::now())
                .await
                .context("running the due jobs failed")?;
            match &r.light_run {
                Some(run) => println!(
                    "light run for {}: {} light changes, {} messages written",
                    run.run_on, run.changes, run.written
                ),
                None => println!("light run: nothing due"),
            }
            println!("deemed acceptances recorded: {}", r.deemed_acceptances);
            for number in &r.bulletins {
                println!("bulletin issued: {number}");
            }
            println!(
                "messages sent: {}, failed (will retry): {}, given up: {}",
                r.delivery.sent, r.delivery.failed, r.delivery.given_up
            );
            println!(
                "hotline orders urged: {}, callbacks sent: {}, failed (will retry): {}",
                r.hotline_urged, r.hotline_callbacks.sent, r.hotline_callbacks.failed
            );
            match crate::audit_cmd::daily_checkpoint(cfg, &store).await? {
                Some(cp) => println!(
                    "audit checkpoint: {} events, head {}, appended to {}",
                    cp.count,
                    cp.head_hash,
                    crate::audit_cmd::daily_checkpoints_file(cfg).display()
                ),
                None => println!("audit checkpoint: nothing due"),
            }
        }
    }
    Ok(())
}
