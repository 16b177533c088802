//! `qidi audit …`: the tamper-evident record.
//!
//! - `checkpoint -o FILE` verifies the record, then signs its head (检查点) with the
//!   audit key and appends it to FILE as one JSON line (and keeps a copy in the database).
//! - `verify [--checkpoints FILE]` recomputes the hash chain; at the first broken record
//!   it prints one line naming it and exits non-zero.
//! - `prove EVENT_ID` prints a JSON inclusion proof against the latest checkpoint;
//!   `check-proof FILE --public-key HEX` is how a project unit checks one.
//! - `lock-down --app-role NAME` (PostgreSQL) takes UPDATE, DELETE and TRUNCATE on the
//!   record from the application's role.
//!
//! The signing key is an Ed25519 seed in a file outside the database:
//! `QIDI_AUDIT_KEY_FILE`, or `audit-signing.key` under the data directory, generated
//! with mode 0600 by the first checkpoint.
//!
//! Checkpoints are also taken once a day, from the morning time, by `qidi serve` and
//! `qidi jobs run` ([`daily_checkpoint`]), into `QIDI_AUDIT_CHECKPOINTS` or
//! `audit-checkpoints.jsonl` under the data directory, once an audit key exists.

use crate::config::Config;
use crate::key_file;
use anyhow::{bail, Context};
use clap::Subcommand;
use qidi_core::audit::{self, Checkpoint, CheckpointMark, InclusionProof, SigningKey, VerifyingKey};
use qidi_store::{redact_url, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable naming the audit signing key file.
pub const KEY_ENV: &str = "QIDI_AUDIT_KEY_FILE";
const DEFAULT_KEY_FILE: &str = "audit-signing.key";

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify the record, sign a checkpoint (检查点) of its head and append it to FILE
    /// (one JSON line per checkpoint). Keep FILE elsewhere.
    Checkpoint {
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Recompute the hash chain and compare it with the checkpoints in FILE (and those
    /// kept in the database). Exits non-zero naming the first broken record.
    Verify {
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// Check signatures with this public key (hex) instead of the key file's.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Print a JSON inclusion proof of one event against the latest checkpoint.
    Prove {
        event_id: String,
        /// Take the latest checkpoint from FILE instead of the database's copies.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Check an inclusion proof made by `prove` (FILE, or - for standard input).
    CheckProof {
        file: PathBuf,
        /// qidi's published audit public key (hex); default: the key file's.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Print the audit public key (hex), for publishing to those who check proofs.
    PublicKey,
    /// PostgreSQL: leave the application's role no UPDATE, DELETE or TRUNCATE on the record.
    LockDown {
        #[arg(long)]
        app_role: String,
    },
}

/// Connect and migrate, nothing else: verifying must not write business data.
async fn open_record(cfg: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&cfg.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

fn key_path(cfg: &Config) -> (PathBuf, bool) {
    match std::env::var_os(KEY_ENV).filter(|v| !v.is_empty()) {
        Some(p) => (PathBuf::from(p), true),
        None => (cfg.data_dir.join(DEFAULT_KEY_FILE), false),
    }
}

fn read_key(path: &Path) -> anyhow::Result<SigningKey> {
    audit::parse_signing_key(&key_file::read(path, "audit key")?)
        .with_context(|| format!("the audit key file {} does not hold a key (64 hex digits)", path.display()))
}

/// The signing key; with `create`, a missing default key file is generated.
fn signing_key(cfg: &Config, create: bool) -> anyhow::Result<SigningKey> {
    let (path, explicit) = key_path(cfg);
    if path.exists() {
        return read_key(&path);
    }
    if explicit {
        bail!("the audit key file {} named by {KEY_ENV} does not exist", path.display());
    }
    if !create {
        bail!(
            "no audit key: {} does not exist and {KEY_ENV} is not set; `qidi audit checkpoint` makes one, or give --public-key",
            path.display()
        );
    }
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    if !key_file::create(&path, "audit key", &audit::signing_key_text(&seed))? {
        bail!("cannot create the audit key file {}: it appeared meanwhile", path.display());
    }
    let key = SigningKey::from_bytes(&seed);
    eprintln!(
        "qidi: generated a new audit signing key at {} (mode 0600; {KEY_ENV} was not set). Keep a copy off this machine; public key {}",
        path.display(),
        hex_key(&key.verifying_key())
    );
    Ok(key)
}

fn hex_key(k: &VerifyingKey) -> String {
    audit::hex_hash(k.as_bytes())
}

fn trusted_key(cfg: &Config, public_key: Option<&str>) -> anyhow::Result<VerifyingKey> {
    match public_key {
        Some(hex) => audit::parse_public_key(hex)
            .with_context(|| format!("`{hex}` is not an Ed25519 public key (64 hex digits)")),
        None => Ok(signing_key(cfg, false)?.verifying_key()),
    }
}

/// The checkpoints of a file as (name, checkpoint), each signature checked; the first
/// bad line is an error naming it.
fn file_checkpoints(path: &Path, key: &VerifyingKey) -> anyhow::Result<Vec<(String, Checkpoint)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the checkpoints file {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let name = format!("checkpoint line {} of {}", i + 1, path.display());
        let cp = Checkpoint::parse_line(line).and_then(|cp| cp.check(key).map(|_| cp));
        match cp {
            Ok(cp) => out.push((format!("{name} (seq {}, {})", cp.seq, cp.at), cp)),
            Err(reason) => bail!("{}", audit::Break::BadCheckpoint { checkpoint: name, reason }),
        }
    }
    Ok(out)
}

/// The database's copies of checkpoints made with `key`; others are skipped (a copy in
/// the database is a convenience, the file kept elsewhere is the evidence).
async fn stored_checkpoints(store: &Store, key: &VerifyingKey) -> anyhow::Result<Vec<(String, Checkpoint)>> {
    let mut out = Vec::new();
    for line in store.audit_checkpoint_lines().await? {
        if let Ok(cp) = Checkpoint::parse_line(&line) {
            if cp.check(key).is_ok() {
                out.push((format!("the checkpoint of {} kept in the database (seq {})", cp.at, cp.seq), cp));
            }
        }
    }
    Ok(out)
}

/// The marks to check, one per signed checkpoint (a copy in the file and in the
/// database counts once).
fn marks(cps: &[(String, Checkpoint)]) -> Vec<CheckpointMark> {
    let mut seen = std::collections::HashSet::new();
    cps.iter()
        .filter(|(_, cp)| seen.insert(cp.signature.clone()))
        .filter_map(|(name, cp)| {
            audit::parse_hash(&cp.head_hash).map(|hash| CheckpointMark { seq: cp.seq, hash, name: name.clone() })
        })
        .collect()
}

pub async fn run(cfg: &Config, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Checkpoint { output } => checkpoint(cfg, &output).await,
        AuditCommand::Verify { checkpoints, public_key } => {
            verify(cfg, checkpoints.as_deref(), public_key.as_deref()).await
        }
        AuditCommand::Prove { event_id, checkpoints } => prove(cfg, &event_id, checkpoints.as_deref()).await,
        AuditCommand::CheckProof { file, public_key } => check_proof(cfg, &file, public_key.as_deref()),
        AuditCommand::PublicKey => {
            println!("{}", hex_key(&signing_key(cfg, false)?.verifying_key()));
            Ok(())
        }
        AuditCommand::LockDown { app_role } => {
            let store = open_record(cfg).await?;
            let r = store.lock_down_audit(&app_role).await?;
            if r.update || r.delete || r.truncate {
                bail!(
                    "role `{}` still has UPDATE, DELETE or TRUNCATE on events through another role it belongs to; revoke that membership",
                    r.role
                );
            }
            println!(
                "role {} may read and append the record of {}, and may not update, delete or truncate it",
                r.role,
                redact_url(&cfg.database_url)
            );
            Ok(())
        }
    }
}

async fn checkpoint(cfg: &Config, output: &Path) -> anyhow::Result<()> {
    let key = signing_key(cfg, true)?;
    let store = open_record(cfg).await?;
    let cp = sign_checkpoint(cfg, &store, &key, output, "cli").await?;
    println!(
        "检查点 checkpoint: {} events, head {} at {}, signed by {}; appended to {}",
        cp.count,
        cp.head_hash,
        cp.at,
        cp.public_key,
        output.display()
    );
    Ok(())
}

/// The environment variable naming the file daily checkpoints are appended to.
pub const CHECKPOINTS_ENV: &str = "QIDI_AUDIT_CHECKPOINTS";
const DAILY_JOB: &str = "audit_checkpoint";

/// Where daily checkpoints go: `QIDI_AUDIT_CHECKPOINTS`, or `audit-checkpoints.jsonl`
/// under the data directory.
pub fn daily_checkpoints_file(cfg: &Config) -> PathBuf {
    match std::env::var_os(CHECKPOINTS_ENV).filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => cfg.data_dir.join("audit-checkpoints.jsonl"),
    }
}

/// Take the day's checkpoint if it is due: from the morning time, once a day across
/// every instance (claimed in `job_runs`), and only once an audit key exists (the
/// first `qidi audit checkpoint` makes one). Returns the checkpoint taken, if any.
pub async fn daily_checkpoint(cfg: &Config, store: &Store) -> anyhow::Result<Option<Checkpoint>> {
    let now = qidi_store::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    let today = now.date_naive();
    if now.time() < cfg.schedule.morning || store.job_ran(DAILY_JOB, today).await? {
        return Ok(None);
    }
    let (path, _) = key_path(cfg);
    if !path.exists() {
        return Ok(None);
    }
    let key = read_key(&path)?;
    let cp = sign_checkpoint(cfg, store, &key, &daily_checkpoints_file(cfg), "scheduler").await?;
    store.record_job_run(DAILY_JOB, today, "checkpoint").await?;
    Ok(Some(cp))
}

/// Verify the record, sign its head, append the checkpoint to `output` and keep a copy
/// in the database.
async fn sign_checkpoint(
    cfg: &Config,
    store: &Store,
    key: &SigningKey,
    output: &Path,
    by: &str,
) -> anyhow::Result<Checkpoint> {
    let stored = stored_checkpoints(store, &key.verifying_key()).await?;
    // Sign only a record that verifies, and exactly the head that was verified.
    let summary = store
        .verify_audit_chain(marks(&stored))
        .await?
        .map_err(|b| anyhow::anyhow!("no checkpoint signed: the record is broken: {b}"))?;
    let head_hash = summary.head_hash.unwrap_or_else(|| audit::hex_hash(&audit::GENESIS));
    let cp = Checkpoint::sign(key, summary.count, &head_hash, summary.count, &qidi_store::now_text());
    let line = serde_json::to_string(&cp).context("cannot encode the checkpoint")?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(output)
        .with_context(|| format!("cannot open {} to append the checkpoint", output.display()))?;
    writeln!(f, "{line}")
        .and_then(|_| f.sync_all())
        .with_context(|| format!("cannot write the checkpoint to {}", output.display()))?;
    store.record_audit_checkpoint(cfg.region.as_str(), &cp, Some(by)).await?;
    Ok(cp)
}

async fn verify(cfg: &Config, file: Option<&Path>, public_key: Option<&str>) -> anyhow::Result<()> {
    let key = match (file, public_key) {
        (_, Some(_)) | (Some(_), None) => Some(trusted_key(cfg, public_key)?),
        (None, None) => trusted_key(cfg, None).ok(),
    };
    let store = open_record(cfg).await?;
    let mut cps = Vec::new();
    if let (Some(path), Some(key)) = (file, &key) {
        cps.extend(file_checkpoints(path, key)?);
    }
    match &key {
        Some(key) => cps.extend(stored_checkpoints(&store, key).await?),
        None => eprintln!("qidi: note: no audit key, so no checkpoint is checked; the chain itself is"),
    }
    match store.verify_audit_chain(marks(&cps)).await? {
        Ok(s) => {
            match s.head_hash.as_deref() {
                Some(head) => println!(
                    "record intact: {} events, seq 1–{} unbroken, head {head}, {} checkpoint(s) matched",
                    s.count, s.count, s.checkpoints
                ),
                None => println!("record intact: no events yet, {} checkpoint(s) matched", s.checkpoints),
            }
            Ok(())
        }
        Err(b) => bail!("{b}"),
    }
}

async fn prove(cfg: &Config, event_id: &str, file: Option<&Path>) -> anyhow::Result<()> {
    let store = open_record(cfg).await?;
    let key = trusted_key(cfg, None).ok();
    let mut cps: Vec<Checkpoint> = match file {
        Some(path) => {
            let key = key.context("cannot check the checkpoints' signatures without the audit key")?;
            file_checkpoints(path, &key)?.into_iter().map(|(_, cp)| cp).collect()
        }
        None => {
            let lines = store.audit_checkpoint_lines().await?;
            lines
                .iter()
                .filter_map(|l| Checkpoint::parse_line(l).ok())
                .filter(|cp| key.as_ref().is_none_or(|k| cp.check(k).is_ok()))
                .collect()
        }
    };
    cps.sort_by(|a, b| (a.seq, &a.at).cmp(&(b.seq, &b.at)));
    let Some(latest) = cps.pop() else {
        bail!("there is no checkpoint to prove against; make one with `qidi audit checkpoint -o FILE`");
    };
    let proof = store.audit_proof(event_id, &latest).await?;
    println!("{}", serde_json::to_string_pretty(&proof).context("cannot encode the proof")?);
    Ok(())
}

fn check_proof(cfg: &Config, file: &Path, public_key: Option<&str>) -> anyhow::Result<()> {
    let key = trusted_key(cfg, public_key)?;
    let text = if file == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("cannot read the proof from standard input")?;
        s
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read the proof {}", file.display()))?
    };
    let proof: InclusionProof =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("not an inclusion proof: {e}"))?;
    proof.check(&key).map_err(|e| anyhow::anyhow!("the proof does not hold: {e}"))?;
    println!(
        "proof holds: event {} (seq {}) is in the record fixed by the checkpoint of {} (seq {})",
        proof.event.get("id").cloned().flatten().unwrap_or_default(),
        proof.seq,
        proof.checkpoint.at,
        proof.checkpoint.seq
    );
    Ok(())
}
