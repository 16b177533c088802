// Embed the string catalogues: every `locales/<tag>/*.ftl` becomes one entry of
// `CATALOGUES`, so that a translator adds a language (or a file) without touching code.
use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    let mut languages: Vec<_> = fs::read_dir(&root).map(|d| d.flatten().collect()).unwrap_or_default();
    languages.sort_by_key(|e| e.file_name());
    for language in languages {
        let dir = language.path();
        if !dir.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir).map(|d| d.flatten().collect()).unwrap_or_default();
        files.sort_by_key(|e| e.file_name());
        for file in files {
            let path = file.path();
            if path.extension().is_some_and(|x| x == "ftl") {
                println!("cargo:rerun-if-changed={}", path.display());
                let tag = language.file_name().to_string_lossy().into_owned();
                let name = file.file_name().to_string_lossy().into_owned();
                entries.push(format!("({tag:?}, {name:?}, include_str!({:?})),", path.display().to_string()));
            }
        }
    }
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("catalogues.rs");
    let code = format!("pub(crate) const CATALOGUES: &[(&str, &str, &str)] = &[\n{}\n];\n", entries.join("\n"));
    fs::write(out, code).expect("write catalogues.rs");
}
