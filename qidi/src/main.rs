//! `qidi`: one binary for the server and its command-line tools.

mod audit_cmd;
mod bulletin_cmd;
mod calendar_cmd;
mod check_cmd;
mod config;
mod field_key;
mod key_file;
mod ledger_cmd;
mod notify_cmd;
mod token_cmd;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use config::{Config, Sources};
use qidi_core::Role;
use qidi_store::{redact_url, Store};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

// glibc's allocator spent a third of a large ledger import in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "qidi", version, about = "起底 qidi: 待批项目审批监督平台 — tracking projects pending approval")]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: an embedded
    /// SQLite file under the data directory.
    #[arg(long, global = true, env = "QIDI_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Region code (GB/T 2260) of this deployment.
    #[arg(long, global = true, env = "QIDI_REGION")]
    region: Option<String>,
    /// Directory for the embedded database and uploads.
    #[arg(long, global = true, env = "QIDI_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Optional TOML config file.
    #[arg(long, global = true, env = "QIDI_CONFIG")]
    config: Option<PathBuf>,
    /// Trial clock (演练时钟): start this process's clock at an RFC 3339 instant, e.g.
    /// 2026-03-02T09:00:00+08:00. For training, trials and tests on a copy of the data.
    #[arg(long, global = true, env = "QIDI_NOW")]
    now: Option<String>,
    /// SMTP server for email: smtp://HOST:PORT, smtp://USER:PASS@HOST:587?tls=required
    /// or smtps://USER:PASS@HOST:465.
    #[arg(long, global = true, env = "QIDI_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of email messages.
    #[arg(long, global = true, env = "QIDI_SMTP_FROM")]
    smtp_from: Option<String>,
    /// When the daily light run is due on working days (HH:MM, Beijing time; 08:30).
    #[arg(long, global = true, env = "QIDI_MORNING")]
    morning: Option<String>,
    /// Where people reach this server, for links in messages (default http://LISTEN).
    #[arg(long, global = true, env = "QIDI_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "QIDI_LISTEN")]
        listen: Option<String>,
        /// Load the demo banner first (once).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo banner (once) and print its accounts; `--projects N` then adds N
    /// generated projects (for benchmarks at the scale of a league or region).
    Demo {
        /// Add this many generated projects, spread over the banners under the region.
        #[arg(long, value_name = "N")]
        projects: Option<u64>,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Working days on the official calendar, and loading a year's notice.
    Calendar {
        #[command(subcommand)]
        command: calendar_cmd::CalendarCommand,
    },
    /// Import spreadsheets: `qidi import ledger FILE.xlsx [--dry-run] [--json] [--skip-invalid]`.
    Import {
        #[command(subcommand)]
        command: ledger_cmd::ImportCommand,
    },
    /// Export spreadsheets: `qidi export ledger [--department CODE] -o FILE.xlsx`.
    Export {
        #[command(subcommand)]
        command: ledger_cmd::ExportCommand,
    },
    /// Group channels for messages: `qidi channel add|list|remove|test`.
    Channel {
        #[command(subcommand)]
        command: notify_cmd::ChannelCommand,
    },
    /// Monthly bulletins: `qidi bulletin make --month YYYY-MM --format json|xlsx|docx -o FILE`, `list`.
    Bulletin {
        #[command(subcommand)]
        command: bulletin_cmd::BulletinCommand,
    },
    /// Scheduled jobs: `qidi jobs run` runs what is due now, once.
    Jobs {
        #[command(subcommand)]
        command: notify_cmd::JobsCommand,
    },
    /// The tamper-evident record: `qidi audit checkpoint -o FILE`, `verify [--checkpoints FILE]`, `prove EVENT_ID`.
    Audit {
        #[command(subcommand)]
        command: audit_cmd::AuditCommand,
    },
    /// Checks of the database: `qidi check counts [--dry-run] [--json]` recounts the kept counts.
    Check {
        #[command(subcommand)]
        command: check_cmd::CheckCommand,
    },
    /// API tokens for machines: `qidi token add --purpose hotline [--name NAME]`, `list`, `revoke ID`.
    Token {
        #[command(subcommand)]
        command: token_cmd::TokenCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. Without --password-stdin a random password is printed once.
    Add {
        username: String,
        /// applicant, handler, department_head, office, leader, inspector or admin
        #[arg(long)]
        role: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// Department code (e.g. zrzy) for handlers and department heads.
        #[arg(long)]
        department: Option<String>,
        /// Project unit name for applicants (created if missing).
        #[arg(long)]
        owner: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Email address for the person's messages.
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a new password; the user must change it at next sign-in.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Turn a user's second factor off (a lost phone): its secret and recovery codes are
    /// forgotten and its sessions end. If the role requires one, it is set up again at
    /// the next sign-in.
    ResetSecondFactor { username: String },
    /// List accounts.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("QIDI_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("qidi: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, the whole cause chain, no backtrace.
            let msg = format!("{e:#}");
            let one_line: Vec<&str> = msg.lines().map(str::trim).filter(|l| !l.is_empty() && *l != "|").collect();
            eprintln!("qidi: error: {}", one_line.join(" "));
            ExitCode::FAILURE
        }
    }
}

pub(crate) async fn open(cfg: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&cfg.database_url)
        .await?
        .with_second_factor(cfg.second_factor.clone())
        .with_password_age(cfg.password_age);
    store.migrate().await?;
    field_key::load(&store, cfg).await?;
    store.seed_catalogue(&cfg.region).await?;
    store.seed_calendar().await?;
    Ok(store)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(at) = cli.now.as_deref().filter(|s| !s.trim().is_empty()) {
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(at.trim()) else {
            bail!("QIDI_NOW `{at}` is not an RFC 3339 instant such as 2026-03-02T09:00:00+08:00");
        };
        qidi_store::start_trial_clock(at);
        tracing::warn!(start = %at, "trial clock (QIDI_NOW) is set: this process's clock started at {at}; for training, trials and tests only");
    }
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let cfg = Config::resolve(Sources {
        database_url: cli.database_url,
        region: cli.region,
        data_dir: cli.data_dir,
        listen,
        config_file: cli.config,
        smtp_url: cli.smtp_url,
        smtp_from: cli.smtp_from,
        morning: cli.morning,
        public_url: cli.public_url,
    })?;
    qidi_store::messages::set_public_url(&cfg.public_url);
    // Every command that tells someone (`jobs run`, `bulletin`, …) words a person's
    // messages in their language, not only the server.
    qidi_store::messages::set_wording(qidi_web::i18n::word_in);
    match cli.command {
        Command::Serve { demo, .. } => serve(&cfg, demo).await,
        Command::Migrate => {
            open(&cfg).await?;
            println!("database at {} is migrated", redact_url(&cfg.database_url));
            Ok(())
        }
        Command::Demo { projects } => {
            let store = open(&cfg).await?;
            load_demo(&store, &cfg).await?;
            match projects {
                Some(n) => generate_projects(&store, &cfg, n).await,
                None => Ok(()),
            }
        }
        Command::User { command } => user(&cfg, command).await,
        Command::Calendar { command } => calendar_cmd::run(&cfg, command).await,
        Command::Import { command } => ledger_cmd::import(&cfg, command).await,
        Command::Export { command } => ledger_cmd::export(&cfg, command).await,
        Command::Channel { command } => notify_cmd::channel(&cfg, command).await,
        Command::Jobs { command } => notify_cmd::jobs(&cfg, command).await,
        Command::Bulletin { command } => bulletin_cmd::run(&cfg, command).await,
        Command::Audit { command } => audit_cmd::run(&cfg, command).await,
        Command::Token { command } => token_cmd::run(&cfg, command).await,
        Command::Check { command } => check_cmd::run(&cfg, command).await,
    }
}

async fn load_demo(store: &Store, cfg: &Config) -> anyhow::Result<()> {
    let accounts = store.load_demo(&cfg.region).await?;
    if accounts.is_empty() {
        println!("演示数据已存在（demo data already loaded）；账户密码只在首次加载时显示，可用 `qidi user passwd NAME` 重设。");
        return Ok(());
    }
    let applications = store.load_demo_applications(&cfg.region, &cfg.data_dir).await?;
    println!(
        "已加载演示旗县：{} 个项目，{applications} 件演示申请。演示账户（密码仅显示这一次，首次登录须修改）：",
        qidi_store::demo::DEMO_PROJECTS
    );
    println!("{:<14} {:<16} {:<18} 单位", "用户名", "角色", "初始密码");
    for a in &accounts {
        println!("{:<14} {:<16} {:<18} {}", a.username, a.role.as_str(), a.password, a.unit);
    }
    Ok(())
}

async fn generate_projects(store: &Store, cfg: &Config, n: u64) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let report = store.generate_projects(&cfg.region, n, |done| eprintln!("已生成 {done} / {n} 个项目")).await?;
    eprintln!("正在整理数据库（统计信息与可见性）…");
    store.settle().await?;
    println!(
        "已生成 {} 个项目（{} 个旗县），用时 {:.1} 秒：项目单位 {} 个，待批事项 {} 项（已办结 {} 项，其中系统外审批 {} 项），申请 {} 件，记录 {} 条；基线 {} 项（审批核减 {} 项，移出核减 {} 项）。",
        report.projects,
        report.regions.len(),
        started.elapsed().as_secs_f64(),
        report.owners,
        report.pending_items,
        report.granted,
        report.outside_approvals,
        report.applications,
        report.events,
        report.baseline_items,
        report.baseline_approved,
        report.baseline_removed,
    );
    for (region, projects) in &report.regions {
        println!("  {region}: {projects} 个项目");
    }
    Ok(())
}

async fn serve(cfg: &Config, demo: bool) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&cfg.listen).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!("cannot listen on {}: the address is already in use. Stop the other program or choose another with --listen", cfg.listen)
        } else {
            anyhow::anyhow!("cannot listen on {}: {e}. Use --listen HOST:PORT", cfg.listen)
        }
    })?;
    let store = open(cfg).await?;
    if demo {
        load_demo(&store, cfg).await?;
    }
    let signing = qidi_web::LedgerSigning::for_backend(store.backend());
    let app = qidi_web::router(
        store.clone(),
        qidi_web::WebConfig {
            secure_cookies: cfg.secure_cookies,
            data_dir: cfg.data_dir.clone(),
            ledger_signing: Some(signing.clone()),
            ..Default::default()
        },
    );
    let addr = listener.local_addr().context("listener has no address")?;
    let scheduler = qidi_notify::spawn_scheduler(store.clone(), notify_cmd::notifier(cfg)?, cfg.schedule);
    let checkpoints = spawn_daily_checkpoints(cfg.clone(), store.clone());
    tracing::info!(database = %redact_url(&cfg.database_url), data_dir = %cfg.data_dir.display(), region = %cfg.region, "qidi serving on http://{addr}");
    println!("qidi 已启动：http://{addr}");
    if let Some(at) = qidi_store::trial_clock() {
        println!("注意：演练时钟已启用，系统时间从 {at} 起计（QIDI_NOW），仅用于培训、演练和测试。");
    }
    if cfg.smtp.is_none() {
        tracing::info!("no SMTP server configured (QIDI_SMTP_URL): email messages cannot be sent and are given up after their retries");
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")?;
    scheduler.abort();
    checkpoints.abort();
    // A signature of a region's ledger that outlasted its request is stored first.
    signing.finish().await;
    store.close().await;
    tracing::info!("qidi stopped");
    Ok(())
}

/// The day's audit checkpoint, looked for every ten minutes (see
/// [`audit_cmd::daily_checkpoint`]); a failure is logged and tried again.
fn spawn_daily_checkpoints(cfg: Config, store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match audit_cmd::daily_checkpoint(&cfg, &store).await {
                Ok(Some(cp)) => tracing::info!(count = cp.count, head = %cp.head_hash, "audit checkpoint taken"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "audit checkpoint failed; will try again"),
            }
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn read_password_stdin() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).context("cannot read the password from standard input")?;
    let p = s.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        bail!("no password on standard input");
    }
    Ok(p)
}

async fn user(cfg: &Config, command: UserCommand) -> anyhow::Result<()> {
    let store = open(cfg).await?;
    match command {
        UserCommand::Add { username, role, name, department, owner, password_stdin, email } => {
            let Some(role) = Role::parse(&role) else {
                bail!("unknown role `{role}`: use applicant, handler, department_head, office, leader, inspector or admin");
            };
            if let Some(e) = email.as_deref().filter(|e| !qidi_core::message::is_email(e)) {
                bail!("`{e}` is not an email address");
            }
            let department_id = match department {
                Some(code) => Some(store.department_id(&cfg.region, &code).await?),
                None => None,
            };
            let owner_id = match owner {
                Some(name) => Some(store.owner_id_or_create(&cfg.region, &name).await?),
                None => None,
            };
            let (password, generated) = if password_stdin {
                (read_password_stdin()?, false)
            } else {
                (qidi_store::password::random_password_for(&username), true)
            };
            let display = name.unwrap_or_else(|| username.clone());
            let user = store
                .create_user(
                    &qidi_store::users::NewUser {
                        region: &cfg.region,
                        username: &username,
                        display_name: &display,
                        role,
                        department_id: department_id.as_deref(),
                        owner_id: owner_id.as_deref(),
                        password: &password,
                    },
                    None,
                )
                .await?;
            if email.is_some() {
                store.set_user_email(&user.username, email.as_deref(), None).await?;
            }
            println!("created {} ({})", user.username, user.role.as_str());
            if generated {
                println!("initial password (shown once; must be changed at first sign-in): {password}");
            }
        }
        UserCommand::Passwd { username, password_stdin } => {
            let (password, generated) = if password_stdin {
                (read_password_stdin()?, false)
            } else {
                (qidi_store::password::random_password_for(&username), true)
            };
            store.set_password(&username, &password, true).await?;
            println!("password of {username} reset; it must be changed at next sign-in");
            if generated {
                println!("new password (shown once): {password}");
            }
        }
        UserCommand::ResetSecondFactor { username } => {
            store.reset_second_factor(&username, None).await?;
            println!("second factor of {username} reset; its sessions ended");
        }
        UserCommand::List => {
            for u in store.list_users().await? {
                println!(
                    "{:<16} {:<16} {:<8} {}{}",
                    u.username,
                    u.role.as_str(),
                    u.region_code,
                    u.department_name.or(u.owner_name).unwrap_or_default(),
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
    }
    Ok(())
}
