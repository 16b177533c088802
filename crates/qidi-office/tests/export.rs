//! The official layout, the plain sheet, formula injection and the round trip.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::date;
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_office::{
    read_ledger_bytes, ExportSheets, ImportOptions, LedgerExport, LedgerItem, LedgerProject, LedgerWriter, NameTable,
    OFFICIAL_SHEET, PLAIN_SHEET,
};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

/// A project read back, without the sheet rows it was read from (a written project
/// has none).
fn without_rows(mut p: LedgerProject) -> LedgerProject {
    p.first_row = 0;
    for i in &mut p.items {
        i.row = 0;
    }
    p
}

fn item(t: &str, dept: &str) -> LedgerItem {
    LedgerItem {
        row: 0,
        item_type: t.into(),
        handling_department: dept.into(),
        check_result: None,
        responsible_person: None,
        acceptance_status: None,
        due_on: None,
        note: None,
    }
}

fn sample() -> LedgerExport {
    LedgerExport {
        title: "正镶白旗待批项目大起底台账".into(),
        unit: "旗发展和改革委员会".into(),
        date: date(2026, 11, 27),
        projects: vec![
            LedgerProject {
                owner_credit_code: None,
                initiated_on: None,
                first_row: 0,
                code: ProjectCode::parse("2022-152529-44-01-000001").unwrap(),
                name: "风电项目（一期）".into(),
                owner: Some("某某新能源有限公司".into()),
                initiating_department: Some("fgw".into()),
                year: Some(2022),
                investment: Some(Yuan(12_345_678)), // 1234.5678 万元
                stage: Some(ProjectStage::NotStarted),
                items: vec![
                    LedgerItem {
                        row: 0,
                        check_result: Some("材料不全，需补充".into()),
                        responsible_person: Some("张三".into()),
                        acceptance_status: Some("已受理".into()),
                        due_on: Some(date(2022, 9, 30)),
                        note: Some("加急".into()),
                        ..item("land_pre_review", "zrzy")
                    },
                    LedgerItem { due_on: Some(date(2023, 1, 31)), ..item("energy_review", "gxj") },
                    item("construction_permit", "zjj"),
                ],
            },
            LedgerProject {
                owner_credit_code: None,
                initiated_on: None,
                first_row: 0,
                code: ProjectCode::parse("2021-152529-78-02-000003").unwrap(),
                name: "光伏项目".into(),
                owner: None,
                initiating_department: Some("gxj".into()),
                year: Some(2021),
                investment: Some(Yuan(3_000_000)),
                stage: Some(ProjectStage::UnderConstruction),
                items: vec![item("eia", "sthj")],
            },
            LedgerProject {
                owner_credit_code: None,
                initiated_on: None,
                first_row: 0,
                code: ProjectCode::parse("2023-152529-44-01-000009").unwrap(),
                name: "没有待批事项的项目".into(),
                owner: Some("丁公司".into()),
                initiating_department: None,
                year: None,
                investment: None,
                stage: None,
                items: vec![],
            },
        ],
    }
}

fn write(ledger: &LedgerExport) -> Vec<u8> {
    let names = NameTable::shipped();
    let mut buf = Cursor::new(Vec::new());
    let rows = qidi_office::write_ledger_to(&mut buf, ledger, &names).unwrap();
    assert_eq!(rows, ledger.projects.iter().map(|p| p.items.len().max(1) as u64).sum::<u64>());
    buf.into_inner()
}

fn entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn round_trip() {
    let ledger = sample();
    let bytes = write(&ledger);
    let got = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert!(got.warnings.is_empty(), "{:#?}", got.warnings);
    assert_eq!(got.sheet, OFFICIAL_SHEET);
    assert_eq!(got.header_row, 3);
    assert_eq!(got.title.as_deref(), Some(ledger.title.as_str()));
    assert_eq!(got.unit.as_deref(), Some(ledger.unit.as_str()));
    assert_eq!(got.date, Some(ledger.date));
    let back: Vec<LedgerProject> = got.projects.into_iter().map(without_rows).collect();
    assert_eq!(back, ledger.projects);

    // The plain sheet reads back to the same ledger too.
    let opts = ImportOptions { sheet: Some(PLAIN_SHEET.into()), ..Default::default() };
    let got = read_ledger_bytes(&bytes, &opts).unwrap();
    assert!(got.errors.is_empty() && got.warnings.is_empty(), "{got:#?}");
    let back: Vec<LedgerProject> = got.projects.into_iter().map(without_rows).collect();
    assert_eq!(back, ledger.projects);
}

#[test]
fn the_official_layout() {
    let bytes = write(&sample());
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), [OFFICIAL_SHEET, PLAIN_SHEET]);
    let r = wb.worksheet_range(OFFICIAL_SHEET).unwrap();
    let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 0), Data::String("正镶白旗待批项目大起底台账".into()));
    assert_eq!(at(1, 0), Data::String("填报单位：旗发展和改革委员会    填报日期：2026年11月27日".into()));
    assert_eq!(at(2, 0), Data::String("序号".into()));
    assert_eq!(at(2, 8), Data::String("待批事项".into()));
    assert_eq!(at(3, 0), Data::Float(1.0));
    assert_eq!(at(3, 1), Data::String("2022-152529-44-01-000001".into()));
    assert_eq!(at(3, 4), Data::String("旗发展和改革委员会".into()));
    assert_eq!(at(3, 6), Data::Float(1234.5678));
    assert_eq!(at(3, 8), Data::String("用地预审与选址".into()));
    assert_eq!(at(4, 8), Data::String("节能审查".into()));
    assert_eq!(at(4, 9), Data::String("旗工业和信息化局".into()));
    assert_eq!(at(4, 1), Data::Empty, "merged cells below the top are empty");
    assert_eq!(at(6, 0), Data::Float(2.0));
    // Dates are real dates, formatted yyyy-mm-dd.
    match at(3, 13) {
        Data::DateTime(d) => assert_eq!(d.as_datetime().unwrap().date(), date(2022, 9, 30)),
        other => panic!("not a date: {other:?}"),
    }
    assert!(entry(&bytes, "xl/styles.xml").contains("formatCode=\"yyyy-mm-dd\""));
    // Signature lines one row below the table (3 header rows + 5 data rows + 1 blank).
    assert_eq!(at(9, 0), Data::String("填报人：".into()));
    assert_eq!(at(9, 5), Data::String("审核人（部门主要负责人）：".into()));
    assert_eq!(at(9, 10), Data::String("分管旗长：".into()));

    // The project columns are merged down over the first project's three item rows.
    let merges = wb.worksheet_merge_cells(OFFICIAL_SHEET).unwrap().unwrap();
    let merges: Vec<((u32, u32), (u32, u32))> = merges.iter().map(|d| (d.start, d.end)).collect();
    for c in 0..8 {
        assert!(merges.contains(&((3, c), (5, c))), "column {c}: {merges:?}");
    }
    assert!(!merges.iter().any(|m| m.0 .1 >= 8 && m.0 .0 >= 3 && m.0 .0 < 9), "item columns are not merged");
    assert!(merges.contains(&((0, 0), (0, 14))), "title merged across");

    // Each row written once, in order, with its height (constant-memory mode is picky).
    for part in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        let xml = entry(&bytes, part);
        let rows: Vec<u32> = xml
            .match_indices("<row r=\"")
            .map(|(i, m)| {
                let rest = &xml[i + m.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "{part}: rows {rows:?}");
    }
    let sheet = entry(&bytes, "xl/worksheets/sheet1.xml");
    for (row, height) in [(1, 36), (2, 22), (3, 30)] {
        assert!(sheet.contains(&format!("<row r=\"{row}\" ht=\"{height}\" customHeight=\"1\"")), "row {row} height");
    }

    // Borders, bold title, column widths.
    assert!(sheet.contains("<mergeCell ref=\"A4:A6\"/>"), "{sheet}");
    assert!(sheet.contains("<col "), "column widths");
    let styles = entry(&bytes, "xl/styles.xml");
    assert!(styles.contains("<left style=\"thin\">"), "borders");
    assert!(styles.contains("<sz val=\"18\"/>"), "large title");

    // The plain sheet: one row per item, no merges.
    let p = wb.worksheet_range(PLAIN_SHEET).unwrap();
    assert_eq!(p.height(), 1 + 5);
    assert_eq!(p.get_value((0, 0)), Some(&Data::String("项目代码".into())));
    assert_eq!(p.get_value((2, 0)), Some(&Data::String("2022-152529-44-01-000001".into())));
    assert!(wb.worksheet_merge_cells(PLAIN_SHEET).unwrap().unwrap().is_empty());
}

#[test]
fn formula_like_text_stays_text() {
    let evil = [
        "=1+1",
        "+SUM(A1:A9)",
        "-2+3",
        "@cmd",
        "\t=1",
        "\r=1",
        "＝HYPERLINK(\"http://x\")",
        "＋1",
        "－1",
        "＠x",
        "=cmd|' /C calc'!A0",
    ];
    let mut ledger = sample();
    ledger.title = "=TITLE()".into();
    ledger.projects.truncate(1);
    let p = &mut ledger.projects[0];
    p.name = evil[0].into();
    p.owner = Some(evil[1].into());
    // One item per item type; between the notes and the check results every string appears.
    let types = [
        "eia",
        "energy_review",
        "land_pre_review",
        "water_intake",
        "soil_water",
        "forest_land",
        "grassland",
        "construction_permit",
    ];
    p.items = types
        .iter()
        .enumerate()
        .map(|(i, t)| LedgerItem {
            row: 0,
            note: Some(evil[i].into()),
            check_result: Some(evil[(i + 8) % evil.len()].into()),
            responsible_person: Some(evil[i].into()),
            acceptance_status: Some(evil[i].into()),
            ..item(t, "sthj")
        })
        .collect();
    let bytes = write(&ledger);

    // No formula anywhere in either sheet.
    for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        let xml = entry(&bytes, sheet);
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{sheet} has a formula");
    }
    // Quote prefix keeps them text when edited.
    assert!(entry(&bytes, "xl/styles.xml").contains("quotePrefix=\"1\""));

    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    for sheet in [OFFICIAL_SHEET, PLAIN_SHEET] {
        let f = wb.worksheet_formula(sheet).unwrap();
        assert!(f.used_cells().all(|(_, _, s)| s.is_empty()), "{sheet}: formulas {f:?}");
    }
    let r = wb.worksheet_range(OFFICIAL_SHEET).unwrap();
    assert_eq!(r.get_value((0, 0)), Some(&Data::String("=TITLE()".into())));
    assert_eq!(r.get_value((3, 2)), Some(&Data::String("=1+1".into())));
    assert_eq!(r.get_value((3, 3)), Some(&Data::String("+SUM(A1:A9)".into())));

    // And they come back literally.
    let got = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    let back = &got.projects[0];
    assert_eq!(back.name, "=1+1");
    for (i, it) in back.items.iter().enumerate() {
        // Leading tab/CR are whitespace and are trimmed on import; the rest is literal.
        assert_eq!(it.note.as_deref(), Some(evil[i].trim()));
        assert_eq!(it.check_result.as_deref(), Some(evil[(i + 8) % evil.len()].trim()));
    }
    assert_eq!(back.items.len(), 8);
}

#[test]
fn plain_only_and_streaming() {
    let names = NameTable::shipped();
    let mut w = LedgerWriter::new("大表", "旗发改委", date(2026, 11, 27), &names, ExportSheets::PlainOnly).unwrap();
    for i in 0..2_000u32 {
        let p = LedgerProject {
            owner_credit_code: None,
            initiated_on: None,
            first_row: 0,
            code: ProjectCode::parse(&format!("2022-152529-44-01-{i:06}")).unwrap(),
            name: format!("项目{i}"),
            owner: None,
            initiating_department: Some("fgw".into()),
            year: Some(2022),
            investment: Some(Yuan(i as i64 * 100)),
            stage: None,
            items: vec![item("eia", "sthj"), item("energy_review", "fgw")],
        };
        w.push(&p).unwrap();
    }
    assert_eq!(w.rows(), 4_000);
    let (bytes, rows) = w.finish_to_buffer().unwrap();
    assert_eq!(rows, 4_000);
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), [PLAIN_SHEET]);
    let got = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
    assert!(got.errors.is_empty());
    assert_eq!(got.projects.len(), 2_000);
    assert_eq!(got.item_count(), 4_000);
}

#[test]
fn writing_to_a_path() {
    let dir = std::env::temp_dir().join(format!("qidi-office-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.xlsx");
    let rows = qidi_office::write_ledger(&path, &sample(), &NameTable::shipped()).unwrap();
    assert_eq!(rows, 5);
    let got = qidi_office::read_ledger(&path, &ImportOptions::default()).unwrap();
    assert_eq!(got.projects.len(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_empty_ledger() {
    let ledger = LedgerExport { projects: vec![], ..sample() };
    let bytes = write(&ledger);
    let got = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
    assert!(got.projects.is_empty() && got.errors.is_empty() && got.warnings.is_empty(), "{got:#?}");
    assert_eq!(got.unit.as_deref(), Some("旗发展和改革委员会"));
    let xml = entry(&bytes, "xl/worksheets/sheet1.xml");
    assert_eq!(xml.matches("<row r=\"5\"").count(), 1, "footer once: {xml}");
}

/// A merged range as calamine gives it: (first row, first column), (last row, last column), 0-based.
type Range = ((u32, u32), (u32, u32));

fn merges_of(bytes: &[u8], sheet: &str) -> BTreeSet<Range> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    wb.worksheet_merge_cells(sheet).unwrap().unwrap().iter().map(|d| (d.start, d.end)).collect()
}

/// The official sheet's merges, worked out from the layout: the title and 填报单位 rows
/// across all 15 columns, the 8 project columns (A–H) over each project of two or more
/// items, and the three signature lines one row below the table.
fn expected_merges(ledger: &LedgerExport) -> BTreeSet<Range> {
    let mut want = BTreeSet::from([((0, 0), (0, 14)), ((1, 0), (1, 14))]);
    let mut r = 3;
    for p in &ledger.projects {
        let k = p.items.len().max(1) as u32;
        if k > 1 {
            want.extend((0..8).map(|c| ((r, c), (r + k - 1, c))));
        }
        r += k;
    }
    let footer = r + 1;
    want.extend([((footer, 0), (footer, 4)), ((footer, 5), (footer, 9)), ((footer, 10), (footer, 14))]);
    want
}

/// `n` projects with 0 to 4 items each, enough rows for a sheet of several hundred KiB.
fn varied(n: u32) -> LedgerExport {
    let types = ["eia", "energy_review", "land_pre_review", "construction_permit"];
    let projects = (0..n)
        .map(|i| LedgerProject {
            owner_credit_code: None,
            initiated_on: None,
            first_row: 0,
            code: ProjectCode::parse(&format!("2024-152529-44-01-{i:06}")).unwrap(),
            name: format!("项目{i}"),
            owner: (i % 3 != 0).then(|| format!("公司{i}")),
            initiating_department: Some("fgw".into()),
            year: Some(2024),
            investment: (i % 2 == 0).then_some(Yuan(i as i64 * 10_000)),
            stage: Some(ProjectStage::NotStarted),
            items: (0..i % 5)
                .map(|k| LedgerItem {
                    row: 0,
                    note: Some(format!("备注{i}-{k}")),
                    due_on: Some(date(2025, 1 + k, 1)),
                    ..item(types[k as usize], "fgw")
                })
                .collect(),
        })
        .collect();
    LedgerExport { projects, ..sample() }
}

fn read_back(bytes: &[u8]) -> Vec<LedgerProject> {
    let got = read_ledger_bytes(bytes, &ImportOptions::default()).unwrap();
    assert!(got.errors.is_empty() && got.warnings.is_empty(), "{:#?} {:#?}", got.errors, got.warnings);
    got.projects.into_iter().map(without_rows).collect()
}

#[test]
fn official_merges_are_exactly_the_projects() {
    let ledger = varied(3_000);
    let want = expected_merges(&ledger);
    assert_eq!(want.len(), 5 + 8 * 1_800, "projects of 2, 3 and 4 items are merged");
    let names = NameTable::shipped();

    // The three ways out: a writer, a buffer and a path.
    let by_writer = write(&ledger);
    let mut w = LedgerWriter::new(&ledger.title, &ledger.unit, ledger.date, &names, ExportSheets::Both).unwrap();
    for p in &ledger.projects {
        w.push(p).unwrap();
    }
    let (by_buffer, rows) = w.finish_to_buffer().unwrap();
    assert_eq!(rows, 6_600, "6,000 items, and a row for each of the 600 projects without one");
    let dir = std::env::temp_dir().join(format!("qidi-office-merges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("台账.xlsx");
    assert_eq!(qidi_office::write_ledger(&path, &ledger, &names).unwrap(), 6_600);
    let by_path = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    for (how, bytes) in [("writer", &by_writer), ("buffer", &by_buffer), ("path", &by_path)] {
        assert_eq!(merges_of(bytes, OFFICIAL_SHEET), want, "{how}");
        assert!(merges_of(bytes, PLAIN_SHEET).is_empty(), "{how}");
        assert_eq!(read_back(bytes), ledger.projects, "{how}");
        // The plain sheet was copied untouched and still reads back.
        let opts = ImportOptions { sheet: Some(PLAIN_SHEET.into()), ..Default::default() };
        let plain = read_ledger_bytes(bytes, &opts).unwrap();
        let plain: Vec<LedgerProject> = plain.projects.into_iter().map(without_rows).collect();
        assert_eq!(plain, ledger.projects, "{how}");
    }

    // The importer sees the merges too: the value is in the project's first row only.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(by_writer)).unwrap();
    let r = wb.worksheet_range(OFFICIAL_SHEET).unwrap();
    // Project 2 has two items: rows 5 and 6 (0-based), below projects 0 and 1 (one row each).
    assert_eq!(r.get_value((5, 1)), Some(&Data::String("2024-152529-44-01-000002".into())));
    assert_eq!(r.get_value((6, 1)).cloned().unwrap_or(Data::Empty), Data::Empty);
    assert_eq!(r.get_value((6, 14)), Some(&Data::String("备注2-1".into())));
}

#[test]
fn a_project_with_one_item_is_not_merged() {
    let mut ledger = sample();
    ledger.projects.remove(0); // leaves one project of one item and one without items
    assert!(ledger.projects.iter().all(|p| p.items.len() <= 1));
    let bytes = write(&ledger);
    let merges = merges_of(&bytes, OFFICIAL_SHEET);
    assert_eq!(merges, expected_merges(&ledger));
    assert_eq!(merges.len(), 5, "only the title, 填报单位 and signature lines: {merges:?}");
    assert_eq!(read_back(&bytes), ledger.projects);

    // In the sample, the one-item project (row 7) is not merged, the three-item one is.
    let ledger = sample();
    let merges = merges_of(&write(&ledger), OFFICIAL_SHEET);
    assert_eq!(merges, expected_merges(&ledger));
    assert!(merges.iter().all(|((r0, _), (r1, _))| !(*r0..=*r1).contains(&6) && !(*r0..=*r1).contains(&7)));
    assert!(merges.contains(&((3, 7), (5, 7))));
}

#[test]
fn the_title_and_footer_merges_stay() {
    let ledger = varied(50);
    let bytes = write(&ledger);
    let merges = merges_of(&bytes, OFFICIAL_SHEET);
    let rows: u32 = ledger.projects.iter().map(|p| p.items.len().max(1) as u32).sum();
    let footer = 3 + rows + 1;
    for m in [((0, 0), (0, 14)), ((1, 0), (1, 14)), ((footer, 0), (footer, 4)), ((footer, 5), (footer, 9))] {
        assert!(merges.contains(&m), "{m:?}");
    }
    assert!(merges.contains(&((footer, 10), (footer, 14))));
    let got = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
    assert_eq!(got.title.as_deref(), Some(ledger.title.as_str()));
    assert_eq!(got.unit.as_deref(), Some(ledger.unit.as_str()));
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let r = wb.worksheet_range(OFFICIAL_SHEET).unwrap();
    assert_eq!(r.get_value((footer, 10)), Some(&Data::String("分管旗长：".into())));
}

/// The official sheet's XML after the merges went in: well formed, `count` right, the
/// elements in the order OOXML requires, and the blanks under a merge formatted like its
/// first cell (same borders).
#[test]
fn the_merged_sheet_is_well_formed_xml() {
    use quick_xml::events::Event;
    let ledger = varied(3_000);
    let bytes = write(&ledger);
    let xml = entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.len() > 256 * 1024, "bigger than one read of the rewriter");

    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut depth = 0;
    let mut top = Vec::new(); // the children of <worksheet>, in order
    let (mut count, mut cells) = (None, 0);
    let mut style = std::collections::HashMap::new(); // cell ref → s
    loop {
        let ev = reader.read_event().unwrap_or_else(|e| panic!("not well formed: {e}"));
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
        let decoder = reader.decoder();
        let attr = |k: &str| {
            e.try_get_attribute(k).unwrap().map(|a| a.decode_and_unescape_value(decoder).unwrap().into_owned())
        };
        if depth == 1 {
            top.push(name.clone());
        }
        match name.as_str() {
            "mergeCells" => count = Some(attr("count").unwrap().parse::<usize>().unwrap()),
            "mergeCell" => {
                assert_eq!(depth, 2, "mergeCell inside mergeCells");
                assert!(empty);
                cells += 1;
            }
            "c" => {
                style.insert(attr("r").unwrap(), attr("s"));
            }
            _ => {}
        }
        if !empty {
            depth += 1;
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(count, Some(expected_merges(&ledger).len()));
    assert_eq!(cells, expected_merges(&ledger).len());
    let at = |n: &str| top.iter().position(|t| t == n).unwrap_or_else(|| panic!("no {n} in {top:?}"));
    assert_eq!(top.iter().filter(|t| *t == "mergeCells").count(), 1);
    assert!(at("sheetData") < at("mergeCells") && at("mergeCells") < at("pageMargins"), "{top:?}");
    assert!(at("mergeCells") < at("pageSetup"), "{top:?}");

    // Project 2 takes rows 6–7 (1-based): the blanks in row 7 look like row 6's cells.
    for col in ["A", "B", "C", "D", "E", "F", "G", "H"] {
        let (first, below) = (format!("{col}6"), format!("{col}7"));
        assert!(style.contains_key(&below), "{below} is written");
        assert_eq!(style[&first], style[&below], "{col}");
        assert!(style[&below].is_some(), "{below} has a format");
    }
}

#[test]
fn finishing_leaves_no_temporary_files() {
    let names = NameTable::shipped();
    let ledger = varied(100);
    let dir = std::env::temp_dir().join(format!("qidi-office-temp-{}", std::process::id()));
    let temp = dir.join("tmp");
    std::fs::create_dir_all(&temp).unwrap();

    // Rows and merges go to temporary files in `temp` (unnamed ones, gone when closed):
    // nothing named may be left there after finishing.
    let mut w = LedgerWriter::new_in(&ledger.title, &ledger.unit, ledger.date, &names, ExportSheets::Both, Some(&temp))
        .unwrap();
    for p in &ledger.projects {
        w.push(p).unwrap();
    }
    let (bytes, _) = w.finish_to_buffer().unwrap();
    assert_eq!(merges_of(&bytes, OFFICIAL_SHEET), expected_merges(&ledger));
    assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 0);

    // Saving to a path leaves that one file beside the others.
    let path = dir.join("out.xlsx");
    qidi_office::write_ledger(&path, &ledger, &names).unwrap();
    let mut left: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["out.xlsx", "tmp"]);
    assert_eq!(read_back(&std::fs::read(&path).unwrap()), ledger.projects);

    // A folder that does not exist: an error in Chinese, and no file.
    let missing = dir.join("no-such-folder").join("out.xlsx");
    let e = qidi_office::write_ledger(&missing, &ledger, &names).unwrap_err();
    assert!(e.to_string().contains("写入文件出错"), "{e}");
    assert!(!missing.exists());
    // A path that is a folder: refused, and the folder is still there.
    let e = qidi_office::write_ledger(&temp, &ledger, &names).unwrap_err();
    assert!(e.to_string().contains("生成 Excel 文件失败"), "{e}");
    assert!(temp.is_dir());
    std::fs::remove_dir_all(&dir).unwrap();
}
