//! The string catalogues (R23): they parse, every language has every message, every key a
//! page uses exists, every sentence core and the store name is worded in every other
//! language, and a translated template holds no Chinese of its own.

use qidi_web::i18n::{Catalogues, DEFAULT};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Templates whose text is not yet in the catalogues. The list only shrinks.
const NOT_YET_TRANSLATED: &[&str] = &[];

fn web_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// Every key a template or the web code asks for by name: `t("k")`, `t1("k", …)`,
/// `t2("k", …)`, `tn("k", …)`, and `tc("prefix", …)` as `prefix-`.
fn used_keys() -> (BTreeSet<String>, BTreeSet<String>) {
    let mut sources = Vec::new();
    files(&web_dir().join("templates"), "html", &mut sources);
    files(&web_dir().join("src"), "rs", &mut sources);
    let (mut keys, mut prefixes) = (BTreeSet::new(), BTreeSet::new());
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        // `crate::i18n::t("k")` or, where imported, `t("k")`: a call not preceded by
        // another identifier's letters.
        for call in ["t(\"", "t1(\"", "t2(\"", "tn(\"", "tc(\""] {
            for (at, _) in text.match_indices(call) {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let in_comment = text[line_start..at].trim_start().starts_with("//");
                if in_comment || text[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let key: String = text[at + call.len()..].chars().take_while(|c| *c != '"').collect();
                if call == "tc(\"" {
                    prefixes.insert(key);
                } else {
                    keys.insert(key);
                }
            }
        }
    }
    (keys, prefixes)
}

/// The key prefixes of sentences from core and the store (`qidi_core::sentence`):
/// refusals, and the words of messages to people (`qidi_core::message`).
const SENTENCE_PREFIXES: [&str; 2] = ["err-", "msg-"];

fn is_sentence(key: &str) -> bool {
    SENTENCE_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Every sentence key the code names: a string literal `"err-…"` or `"msg-…"` in the
/// sources of the crates that decide, refuse or tell.
fn sentence_keys() -> BTreeSet<String> {
    let mut sources = Vec::new();
    for krate in ["qidi-core", "qidi-store", "qidi-office", "qidi-notify", "qidi-web"] {
        files(&web_dir().join("..").join(krate).join("src"), "rs", &mut sources);
    }
    let mut keys = BTreeSet::new();
    // A module's own tests (at its end, or in its `tests.rs`) may name made-up keys.
    sources.retain(|p| p.file_name().is_none_or(|n| n != "tests.rs"));
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.split("\n#[cfg(test)]").next().unwrap_or_default();
        for (at, _) in SENTENCE_PREFIXES.iter().flat_map(|p| text.match_indices(&format!("\"{p}")).collect::<Vec<_>>())
        {
            let key: String = text[at + 1..].chars().take_while(|c| *c != '"').collect();
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let in_comment = text[line_start..at].trim_start().starts_with("//");
            // A prefix being built (`format!("err-{x}")`) is not a key.
            if !in_comment && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                keys.insert(key);
            }
        }
    }
    keys
}

#[test]
fn every_sentence_the_code_names_is_worded_and_none_is_left_over() {
    let c = Catalogues::embedded();
    let used = sentence_keys();
    assert!(used.contains("err-password-too-short"), "the scan found the keys: {used:?}");
    assert!(used.contains("msg-digest-footer"), "the scan found the messages' words: {used:?}");
    for tag in c.tags().into_iter().filter(|t| *t != DEFAULT) {
        let worded: BTreeSet<String> = c.keys(tag).into_iter().filter(|k| is_sentence(k)).map(str::to_string).collect();
        let missing: Vec<_> = used.difference(&worded).collect();
        let unused: Vec<_> = worded.difference(&used).collect();
        assert!(missing.is_empty(), "{tag} lacks sentences the code names: {missing:?}");
        assert!(unused.is_empty(), "{tag} words sentences no code names: {unused:?}");
    }
}

#[test]
fn the_catalogues_parse_and_every_language_has_every_message() {
    let c = Catalogues::embedded();
    assert!(c.problems.is_empty(), "{:#?}", c.problems);
    assert_eq!(c.tags()[0], DEFAULT);
    assert!(c.tags().contains(&"en"), "English ships");
    let chinese: BTreeSet<&str> = c.keys(DEFAULT).into_iter().collect();
    // Sentences from core and the store keep their Chinese in the code that decides
    // them; every other language words each of them (`err-` and `msg-` keys, below).
    let in_code: Vec<_> = chinese.iter().filter(|k| is_sentence(k)).collect();
    assert!(in_code.is_empty(), "Chinese `err-` and `msg-` messages belong in the code: {in_code:?}");
    let sentences = sentence_keys();
    let chinese: BTreeSet<&str> = chinese.into_iter().chain(sentences.iter().map(String::as_str)).collect();
    for tag in c.tags().into_iter().filter(|t| *t != DEFAULT) {
        let theirs: BTreeSet<&str> = c.keys(tag).into_iter().collect();
        let missing: Vec<_> = chinese.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&chinese).collect();
        assert!(missing.is_empty(), "{tag} lacks {missing:?}");
        assert!(extra.is_empty(), "{tag} has keys Chinese has not: {extra:?}");
    }
}

#[test]
fn no_key_is_defined_twice() {
    for lang in std::fs::read_dir(web_dir().join("locales")).unwrap().flatten() {
        let mut seen = std::collections::BTreeMap::new();
        let mut ftl = Vec::new();
        files(&lang.path(), "ftl", &mut ftl);
        for path in ftl {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let Some((key, _)) = line.split_once('=') else { continue };
                if !line.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    continue;
                }
                if let Some(before) = seen.insert(key.trim().to_string(), file.clone()) {
                    panic!("{:?}: `{}` is in both {before} and {file}", lang.file_name(), key.trim());
                }
            }
        }
    }
}

#[test]
fn every_key_the_pages_use_exists() {
    let c = Catalogues::embedded();
    let (keys, prefixes) = used_keys();
    assert!(keys.len() > 20, "the scan found the keys: {keys:?}");
    let missing: Vec<_> = keys.iter().filter(|k| !c.has(DEFAULT, k)).collect();
    assert!(missing.is_empty(), "keys used but not in the catalogues: {missing:?}");
    let known: Vec<&str> = c.keys(DEFAULT);
    for prefix in prefixes {
        assert!(known.iter().any(|k| k.starts_with(&format!("{prefix}-"))), "tc(\"{prefix}\", …) has no messages");
    }
    for role in qidi_core::role::ALL_ROLES {
        assert!(c.has(DEFAULT, &format!("role-{}", role.as_str())) && c.has("en", &format!("role-{}", role.as_str())));
    }
}

#[test]
fn a_translated_template_holds_no_chinese_of_its_own() {
    let mut templates = Vec::new();
    files(&web_dir().join("templates"), "html", &mut templates);
    let mut offenders = Vec::new();
    for path in &templates {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        // Comments are for developers.
        let text: String = text
            .split("{#")
            .enumerate()
            .map(|(i, p)| if i == 0 { p } else { p.split_once("#}").map_or("", |x| x.1) })
            .collect();
        let han = text.chars().any(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(&c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ffef}').contains(&c)
        });
        match (han, NOT_YET_TRANSLATED.contains(&name.as_str())) {
            (true, false) => offenders.push(name),
            (false, true) => panic!("{name} is translated: take it off NOT_YET_TRANSLATED"),
            _ => {}
        }
    }
    assert!(offenders.is_empty(), "Chinese text in templates (move it to locales/): {offenders:?}");
}
