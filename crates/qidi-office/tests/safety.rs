//! Hostile and broken files: refused with a clear Chinese message before (or
//! instead of) parsing, never a panic.

mod common;

use common::*;
use qidi_office::{read_ledger_bytes, ArchiveLimits, ImportOptions, OfficeError};
use std::io::Write;

fn small_ledger() -> Vec<u8> {
    let mut rows = preamble();
    rows.push(header());
    rows.push(row![1, CODE_A, "风电项目", "", "发改委", 2022, 100, "未开工", "环评"]);
    xlsx(&rows, &[])
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(false);
    for (name, data) in entries {
        w.start_file(name.to_string(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn assert_chinese(e: &OfficeError) {
    let m = e.to_string();
    assert!(m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "not Chinese: {m}");
}

#[test]
fn the_test_ledger_itself_is_accepted() {
    assert_eq!(import(&small_ledger()).projects.len(), 1);
}

#[test]
fn zip_bomb_by_ratio() {
    // 40 MB of zeros deflates to ~40 KB: a ratio of ~1000.
    let zeros = vec![0u8; 40 << 20];
    let bomb = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("xl/worksheets/sheet1.xml", &zeros)]);
    assert!(bomb.len() < 1 << 20);
    let e = import_err(&bomb);
    assert!(matches!(e, OfficeError::CompressionRatio { .. }), "{e:?}");
    assert!(e.to_string().contains("压缩炸弹"), "{e}");
}

#[test]
fn zip_bomb_by_total_size() {
    // Many entries, each with an ordinary ratio, adding up past the cap.
    let text: Vec<u8> = (0..(4 << 20)).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let names: Vec<String> = (0..4).map(|i| format!("xl/media/image{i}.bin")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), text.as_slice())).collect();
    let bytes = zip_of(&entries);
    let limits = ArchiveLimits { max_uncompressed_bytes: 10 << 20, ..Default::default() };
    let opts = ImportOptions { limits, ..Default::default() };
    let e = read_ledger_bytes(&bytes, &opts).unwrap_err();
    assert!(matches!(e, OfficeError::Uncompressed { .. }), "{e:?}");
}

/// Patch every declared uncompressed size of the single entry to `size`.
fn lie_about_size(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
    let mut patched = 0;
    for i in 0..bytes.len().saturating_sub(4) {
        if bytes[i..].starts_with(b"PK\x03\x04") {
            bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        } else if bytes[i..].starts_with(b"PK\x01\x02") {
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    bytes
}

#[test]
fn declared_sizes_that_lie_are_caught_on_the_real_stream() {
    // 30 MB of zeros declared as 100 bytes: the declared ratio looks harmless.
    let zeros = vec![0u8; 30 << 20];
    let bomb = lie_about_size(zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]), 100);
    let e = import_err(&bomb);
    assert!(matches!(e, OfficeError::CompressionRatio { .. } | OfficeError::Corrupt { .. }), "{e:?}");
    assert_chinese(&e);

    // Same with the ratio cap out of the way: the real size above the declared one is refused.
    let limits = ArchiveLimits { max_ratio: u64::MAX, ..Default::default() };
    let e = read_ledger_bytes(&bomb, &ImportOptions { limits, ..Default::default() }).unwrap_err();
    assert!(matches!(&e, OfficeError::Corrupt { detail } if detail.contains("more data than declared")), "{e:?}");

    // And the total cap counts real bytes, not declared ones.
    let limits = ArchiveLimits { max_ratio: u64::MAX, max_uncompressed_bytes: 1 << 20, ..Default::default() };
    let e = read_ledger_bytes(
        &lie_about_size(zip_of(&[("a.xml", &zeros)]), 1000),
        &ImportOptions { limits, ..Default::default() },
    )
    .unwrap_err();
    assert!(matches!(e, OfficeError::Uncompressed { .. } | OfficeError::Corrupt { .. }), "{e:?}");
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..10_001).map(|i| format!("xl/x{i}.xml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), b"<a/>".as_slice())).collect();
    let e = import_err(&zip_of(&entries));
    assert!(matches!(e, OfficeError::TooManyEntries { count: 10_001, max: 10_000 }), "{e:?}");
    assert!(e.to_string().contains("条目过多"), "{e}");
}

#[test]
fn a_doctype_in_the_sheet_xml_is_refused() {
    let evil = replace_entry(&small_ledger(), "xl/worksheets/sheet1.xml", |xml| {
        let s = String::from_utf8(xml.to_vec()).unwrap();
        let i = s.find("?>").unwrap() + 2;
        let dtd = r#"<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>"#;
        format!("{}{}{}", &s[..i], dtd, &s[i..]).into_bytes()
    });
    let e = import_err(&evil);
    assert!(matches!(&e, OfficeError::ForbiddenXml { entry } if entry == "xl/worksheets/sheet1.xml"), "{e:?}");
    assert!(e.to_string().contains("DOCTYPE"), "{e}");

    // An external entity in the shared strings, lower case and in UTF-16.
    let evil = replace_entry(&small_ledger(), "xl/sharedStrings.xml", |xml| {
        let s = String::from_utf8(xml.to_vec()).unwrap();
        s.replacen("<sst", "<!doctype sst SYSTEM \"file:///etc/passwd\"><sst", 1).into_bytes()
    });
    assert!(matches!(import_err(&evil), OfficeError::ForbiddenXml { .. }));
    let evil = replace_entry(&small_ledger(), "xl/workbook.xml", |xml| {
        let mut out = vec![0xFF, 0xFE];
        for u in String::from_utf8(xml.to_vec()).unwrap().encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    });
    assert!(matches!(import_err(&evil), OfficeError::ForbiddenXml { .. }));
}

#[test]
fn not_a_zip() {
    for bytes in [&b"hello, this is not a spreadsheet"[..], b"%PDF-1.7\n", b"", b"PK"] {
        let e = import_err(bytes);
        assert!(matches!(e, OfficeError::NotExcel), "{e:?}");
        assert!(e.to_string().contains("不是 Excel 工作簿"), "{e}");
    }
    // A zip that is not a workbook.
    let e = import_err(&zip_of(&[("readme.txt", b"hello")]));
    assert!(matches!(e, OfficeError::NotExcel | OfficeError::Corrupt { .. }), "{e:?}");
    assert_chinese(&e);
}

#[test]
fn truncated_files() {
    let good = small_ledger();
    for cut in [good.len() / 2, good.len() - 10, good.len() - 1, 100] {
        let e = import_err(&good[..cut]);
        assert!(matches!(e, OfficeError::Corrupt { .. }), "cut at {cut}: {e:?}");
        assert!(e.to_string().contains("损坏"), "{e}");
    }
}

#[test]
fn a_compound_file_that_is_not_a_workbook() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    let e = import_err(&bytes);
    assert!(matches!(e, OfficeError::Corrupt { .. }), "{e:?}");
    assert_chinese(&e);
}

#[test]
fn the_file_size_cap() {
    let bytes = small_ledger();
    let limits = ArchiveLimits { max_file_bytes: 1000, ..Default::default() };
    let e = read_ledger_bytes(&bytes, &ImportOptions { limits, ..Default::default() }).unwrap_err();
    assert!(matches!(e, OfficeError::FileTooLarge { max: 1000, .. }), "{e:?}");
    assert!(e.to_string().contains("文件过大"), "{e}");
}

#[test]
fn damaged_files_never_panic() {
    // Flip bytes all over a valid workbook (deterministically) and make sure every
    // outcome is a value, not a panic.
    let good = small_ledger();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let mut bad = good.clone();
        for _ in 0..(1 + next() % 8) {
            let i = (next() as usize) % bad.len();
            bad[i] = next() as u8;
        }
        let r = std::panic::catch_unwind(|| read_ledger_bytes(&bad, &ImportOptions::default()));
        let r = r.expect("the importer panicked");
        if let Err(e) = r {
            assert_chinese(&e);
        }
    }
}

#[test]
fn shared_strings_that_inflate_past_their_cap_are_refused_before_parsing() {
    // Text of an ordinary ratio (well under the ratio cap), as the heavy spreadsheet's
    // shared strings are: it is their size, not their ratio, that would exhaust memory.
    let mut xml = b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">".to_vec();
    let mut n: u32 = 1;
    while xml.len() < 6 << 20 {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        xml.extend_from_slice(format!("<si><t>项目{n:x}{:x}</t></si>", n.rotate_left(7)).as_bytes());
    }
    xml.extend_from_slice(b"</sst>");
    let bytes = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("xl/sharedStrings.xml", &xml)]);
    let limits = ArchiveLimits { max_shared_strings_bytes: 4 << 20, ..Default::default() };
    let opts = ImportOptions { limits, ..Default::default() };
    let e = read_ledger_bytes(&bytes, &opts).unwrap_err();
    assert!(matches!(e, OfficeError::SharedStrings { max } if max == 4 << 20), "{e:?}");
    assert!(e.to_string().contains("文字内容解压后过大"), "{e}");

    // The same part with its declared size lowered is caught on the real stream.
    let lying = zip_of(&[("xl/SharedStrings.xml", &xml)]);
    let lying = lie_about_size(lying, 1 << 20);
    let e = read_ledger_bytes(&lying, &opts).unwrap_err();
    assert!(matches!(e, OfficeError::SharedStrings { .. } | OfficeError::Corrupt { .. }), "{e:?}");

    // Under the default cap the same strings pass the check (and fail later only
    // because this archive is not a workbook).
    let e = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap_err();
    assert!(!matches!(e, OfficeError::SharedStrings { .. }), "{e:?}");
}
