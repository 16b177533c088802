//! Key files kept beside the database, never in it: the audit signing key and the
//! field key. Read with a warning when others may read them; created new, mode 0600.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// The text of the key file `path` (`what`: "audit key", "field key"), with a warning
/// on stderr when others than its owner may read it.
pub fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0) {
            eprintln!("qidi: warning: the {what} file {} can be read by others; chmod 600 it", path.display());
        }
    }
    Ok(text)
}

/// Create `path` (and its folder) new, mode 0600, holding `text`, synced to disk.
/// `Ok(false)` when the file exists already (another process made it first).
pub fn create(path: &Path, what: &str, text: &str) -> anyhow::Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("cannot create the {what} file {}", path.display())),
    };
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .with_context(|| format!("cannot write the {what} file {}", path.display()))?;
    Ok(true)
}
