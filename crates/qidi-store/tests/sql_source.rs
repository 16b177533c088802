//! Parameterised SQL only (SECURITY.md, "Input and files"): values reach the database
//! as binds. Some statements are put together with `format!` (a scope's condition, a
//! column list, an engine's spelling), but what is spliced in is SQL that qidi wrote,
//! never a value. This test reads the store's source and fails on the shapes a spliced
//! value takes: a placeholder inside SQL quotes (`'{x}'`, `'%{x}%'`), or quotes put
//! around a value in code (`format!("'{}'", …)`).

use std::path::{Path, PathBuf};

/// Test-only helpers that inline constants of their own into EXPLAIN, never a
/// request's value.
const EXEMPT: &[&str] = &["plans.rs"];

fn sources_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file of the store, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    sources_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 30, "{files:?}");
    files.into_iter().map(|f| (f.clone(), std::fs::read_to_string(&f).unwrap())).collect()
}

/// The string literals of a Rust source, plain and raw, with their line numbers.
fn literals(src: &str) -> Vec<(usize, String)> {
    let b = src.as_bytes();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            // A char literal such as '"' or '\'' is not the start of a string.
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'') => i += 3,
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let start = i + 2 + hashes;
                    let close = format!("\"{}", "#".repeat(hashes));
                    let end = start + src[start..].find(&close).expect("raw string closes");
                    out.push((line, src[start..end].to_string()));
                    line += src[start..end].matches('\n').count();
                    i = end + close.len();
                    continue;
                }
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                out.push((line, src[start..j].to_string()));
                line += src[start..j].matches('\n').count();
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn looks_like_sql(s: &str) -> bool {
    ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", " SET ", " VALUES"].iter().any(|k| s.contains(k))
}

/// Where a value could be spliced into SQL: the offending fragment, if any.
fn splice(s: &str) -> Option<&'static str> {
    if s == "'{}'" || s.starts_with("'{") && s.ends_with("}'") {
        return Some("quotes put around a value");
    }
    if !looks_like_sql(s) {
        return None;
    }
    // A placeholder after an odd number of quotes sits inside an SQL string.
    let mut quotes = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => quotes += 1,
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' if quotes % 2 == 1 => return Some("a placeholder inside SQL quotes"),
            _ => {}
        }
    }
    None
}

#[test]
fn no_value_is_spliced_into_sql() {
    let mut sql = 0;
    let mut found = Vec::new();
    for (f, src) in sources().iter().filter(|(f, _)| !EXEMPT.contains(&f.file_name().unwrap().to_str().unwrap())) {
        for (line, lit) in literals(src) {
            sql += usize::from(looks_like_sql(&lit));
            if let Some(why) = splice(&lit) {
                found.push(format!("{}:{line}: {why}: {lit:?}", f.display()));
            }
        }
    }
    assert!(sql > 200, "the scanner reads the store's SQL ({sql} statements)");
    assert!(found.is_empty(), "values spliced into SQL:\n{}", found.join("\n"));
}

#[test]
fn the_scanner_sees_a_spliced_value() {
    let bad = r#"let q = format!("SELECT id FROM users WHERE name = '{name}'"); let v = format!("'{}'", x);"#;
    let hits: Vec<_> = literals(bad).into_iter().filter_map(|(_, l)| splice(&l)).collect();
    assert_eq!(hits, ["a placeholder inside SQL quotes", "quotes put around a value"]);
    let good = r#"let q = format!("SELECT id FROM t WHERE s = 'pending'{more} AND n = $1 {{x}}"); let c = '"';"#;
    assert!(literals(good).into_iter().all(|(_, l)| splice(&l).is_none()));
    let raw = "let q = r#\"UPDATE t SET a = '{a}'\"#;";
    assert_eq!(literals(raw).len(), 1);
    assert!(splice(&literals(raw)[0].1).is_some());
}

/// Every write transaction begins with `Store::begin_write` (`BEGIN IMMEDIATE` on
/// SQLite), so that concurrent writers wait for the lock instead of failing with
/// "database is locked". A plain `begin()` is for reads only: the dry run of an import.
#[test]
fn write_transactions_begin_immediate() {
    let mut found = Vec::new();
    for (f, src) in sources().iter().filter(|(f, _)| !f.ends_with("db.rs")) {
        for (n, line) in src.lines().enumerate() {
            let plain = line.contains(".begin()") || line.contains("Connection::begin(");
            if plain && !line.contains("dry_run") && !line.trim_start().starts_with("//") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "transactions not begun with begin_write:\n{}", found.join("\n"));
}
