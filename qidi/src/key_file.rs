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
///
/// The text is written to a file of its own beside `path` and then linked in place, so
/// that a process racing this one finds either no file or the whole key, never a file
/// still being written.
pub fn create(path: &Path, what: &str, text: &str) -> anyhow::Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Named for this process and call, so that no racer writes the same one; one left by
    // a process that died is written over.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staged = path.with_file_name(format!(".{name}.{}.{call}.new", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    let made = write_new(&staged, text)
        .with_context(|| format!("cannot write the {what} file {}", staged.display()))
        .and_then(|()| match std::fs::hard_link(&staged, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("cannot create the {what} file {}", path.display())),
        });
    let _ = std::fs::remove_file(&staged);
    made
}

/// Write `text` to the new file `path`, mode 0600, synced to disk.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Processes starting at once race to make the key: one makes it, and every one of
    /// them then reads that whole key, never a file still being written.
    #[test]
    fn racers_read_the_one_whole_key() {
        for round in 0..20 {
            let dir = std::env::temp_dir().join(format!("qidi-key-file-{}-{round}", std::process::id()));
            let path = dir.join("field.key");
            let texts: Vec<String> = (0..8).map(|i| format!("{}\n", format!("{i:x}").repeat(4096))).collect();
            let outcomes: Vec<(bool, String)> = std::thread::scope(|s| {
                let racers: Vec<_> = texts
                    .iter()
                    .map(|t| s.spawn(|| (create(&path, "field key", t).unwrap(), read(&path, "field key").unwrap())))
                    .collect();
                racers.into_iter().map(|r| r.join().unwrap()).collect()
            });
            let made: Vec<&String> = outcomes.iter().zip(&texts).filter(|((m, _), _)| *m).map(|(_, t)| t).collect();
            assert_eq!(made.len(), 1, "round {round}: one racer makes the key");
            assert!(outcomes.iter().all(|(_, read)| read == made[0]), "round {round}: everyone reads it whole");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            }
            let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
            assert_eq!(left, vec![std::ffi::OsString::from("field.key")], "no staged file is left");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
