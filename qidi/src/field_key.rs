//! The field key, which seals callers' names and phones (`qidi_store::personal`).
//!
//! It comes from `QIDI_FIELD_KEY` (64 hex digits) or the file `QIDI_FIELD_KEY_FILE`
//! names, and is never stored in the database. With neither set, it is `field.key`
//! under the data directory; on a fresh install that file is generated (mode 0600)
//! the first time the database is opened, and its place is logged. A database that
//! already holds sealed data is never given a new key: without its key, or with
//! another, qidi refuses to start.

use crate::config::Config;
use crate::key_file;
use anyhow::bail;
use qidi_store::personal::{FieldKey, DEFAULT_FIELD_KEY_FILE, FIELD_KEY_ENV, FIELD_KEY_FILE_ENV};
use qidi_store::Store;
use std::path::Path;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn read_key(path: &Path) -> anyhow::Result<FieldKey> {
    FieldKey::parse_hex(&key_file::read(path, "field key")?)
        .map_err(|_| anyhow::anyhow!("the field key file {} does not hold a key (64 hex digits)", path.display()))
}

/// Write a new key to `path` (mode 0600). When another process made the file first,
/// its key is the one used.
fn generate(path: &Path) -> anyhow::Result<FieldKey> {
    let (key, text) = FieldKey::generate();
    if !key_file::create(path, "field key", &format!("{text}\n"))? {
        return read_key(path);
    }
    tracing::info!(
        "generated a new field key at {} (mode 0600; {FIELD_KEY_ENV} and {FIELD_KEY_FILE_ENV} are not set). It seals the 12345 callers' names and phones: back it up off this machine, without it they cannot be read",
        path.display()
    );
    Ok(key)
}

/// Find the field key, load it into `store`, and seal any caller still held in plain
/// text. Refuses a malformed key, a missing key for sealed data, and a wrong key.
pub async fn load(store: &Store, cfg: &Config) -> anyhow::Result<()> {
    let key = match (env(FIELD_KEY_ENV), env(FIELD_KEY_FILE_ENV)) {
        (Some(_), Some(_)) => bail!("both {FIELD_KEY_ENV} and {FIELD_KEY_FILE_ENV} are set: set only one"),
        (Some(text), None) => FieldKey::parse_hex(&text)
            .map_err(|_| anyhow::anyhow!("{FIELD_KEY_ENV} does not hold a field key (64 hex digits)"))?,
        (None, Some(path)) => {
            let path = Path::new(&path);
            if !path.exists() {
                bail!("the field key file {} named by {FIELD_KEY_FILE_ENV} does not exist", path.display());
            }
            read_key(path)?
        }
        (None, None) => {
            let path = cfg.data_dir.join(DEFAULT_FIELD_KEY_FILE);
            if path.exists() {
                read_key(&path)?
            } else if store.has_sealed_personal_data().await? {
                bail!(
                    "the database holds sealed personal data of 12345 callers but no field key was given: {} does not exist and neither {FIELD_KEY_ENV} nor {FIELD_KEY_FILE_ENV} is set. Restore the key the data was sealed with; a new key cannot read it",
                    path.display()
                );
            } else {
                generate(&path)?
            }
        }
    };
    store.open_personal_data(key).await?;
    Ok(())
}
