//! The official layout, the plain sheet, formula injection and the round trip.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::date;
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_office::{
    read_ledger_bytes, ExportItem, ExportProject, ExportSheets, ImportOptions, LedgerExport, LedgerWriter, NameTable,
    OFFICIAL_SHEET, PLAIN_SHEET,
};
use std::io::{Cursor, Read};

fn item(t: &str, dept: &str) -> ExportItem {
    ExportItem {
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
            ExportProject {
                code: ProjectCode::parse("2022-152529-44-01-000001").unwrap(),
                name: "风电项目（一期）".into(),
                owner: Some("某某新能源有限公司".into()),
                initiating_department: Some("fgw".into()),
                year: Some(2022),
                investment: Some(Yuan(12_345_678)), // 1234.5678 万元
                stage: Some(ProjectStage::NotStarted),
                items: vec![
                    ExportItem {
                        check_result: Some("材料不全，需补充".into()),
                        responsible_person: Some("张三".into()),
                        acceptance_status: Some("已受理".into()),
                        due_on: Some(date(2022, 9, 30)),
                        note: Some("加急".into()),
                        ..item("land_pre_review", "zrzy")
                    },
                    ExportItem { due_on: Some(date(2023, 1, 31)), ..item("energy_review", "gxj") },
                    item("construction_permit", "zjj"),
                ],
            },
            ExportProject {
                code: ProjectCode::parse("2021-152529-78-02-000003").unwrap(),
                name: "光伏项目".into(),
                owner: None,
                initiating_department: Some("gxj".into()),
                year: Some(2021),
                investment: Some(Yuan(3_000_000)),
                stage: Some(ProjectStage::UnderConstruction),
                items: vec![item("eia", "sthj")],
            },
            ExportProject {
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
    let back: Vec<ExportProject> = got.projects.into_iter().map(ExportProject::from).collect();
    assert_eq!(back, ledger.projects);

    // The plain sheet reads back to the same ledger too.
    let opts = ImportOptions { sheet: Some(PLAIN_SHEET.into()), ..Default::default() };
    let got = read_ledger_bytes(&bytes, &opts).unwrap();
    assert!(got.errors.is_empty() && got.warnings.is_empty(), "{got:#?}");
    let back: Vec<ExportProject> = got.projects.into_iter().map(ExportProject::from).collect();
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
        .map(|(i, t)| ExportItem {
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
        let p = ExportProject {
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
