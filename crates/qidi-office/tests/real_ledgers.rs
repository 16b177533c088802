//! Ledgers as departments really write them (issue 10): 立项时间 as a date in every
//! notation, "no date yet" in a deadline, department names with their region inside,
//! project codes with and without hyphens, unknown names with suggestions. Real .xlsx
//! workbooks, read back with the importer; the dry-run report is checked exactly.

mod common;

use common::*;
use qidi_core::names::{NameKind, NameTable, RegionNames};
use qidi_core::RegionCode;
use qidi_office::{read_ledger_bytes, ImportOptions, LedgerImport, RowIssue};
use serde_json::Value;

fn header_with_initiation() -> Vec<C> {
    let mut h = header();
    h[5] = C::from("立项时间");
    h
}

/// One ledger row: project cells, one item, its handling department and deadline.
#[allow(clippy::too_many_arguments)]
fn r(seq: i32, code: &str, name: &str, dept: &str, initiated: C, item: &str, handling: &str, due: C) -> Vec<C> {
    let mut v = row![seq, code, name, "某某能源公司", dept];
    v.push(initiated);
    v.extend(row![100, "未开工", item, handling, "", "张三", ""]);
    v.push(due);
    v
}

fn serial(d: chrono::NaiveDate) -> f64 {
    (d - date(1899, 12, 30)).num_days() as f64
}

/// The messy ledger: sheet 台账, title and 填报单位 above the header (row 3).
fn messy() -> Vec<u8> {
    let mut rows =
        vec![row!["正镶白旗待批项目台账"], row!["填报单位：正镶白旗发展和改革委员会"], header_with_initiation()];
    let fgw = "正镶白旗发展和改革委员会";
    // 4-5: one project merged over two items; the second has no deadline yet.
    rows.push(r(
        1,
        "2022-152529-44-01-000001",
        "风电项目",
        fgw,
        C::D(date(2017, 4, 4)),
        "环评",
        "锡林郭勒盟生态环境局正镶白旗分局",
        C::from("2022.9.30"),
    ));
    let mut second = row!["", "", "", "", "", "", "", "", "土地预审", "正镶白旗自然资源局", "", "李四", ""];
    second.push(C::from("待定"));
    rows.push(second);
    // 6: the national code's 20 digits without hyphens.
    rows.push(r(
        2,
        "20221525294401000002",
        "光伏项目",
        "旗发改委",
        C::from("2017年2月21日"),
        "环评",
        "生态环境局正镶白旗分局",
        C::from("—"),
    ));
    // 7: an Excel serial number in 立项时间.
    rows.push(r(
        3,
        "2021-152529-78-02-000003",
        "储能项目",
        "发改委",
        C::N(serial(date(2019, 9, 2))),
        "能评",
        "发改委",
        C::from("无"),
    ));
    // 8: a code of another shape (accepted with a warning).
    rows.push(r(4, "SX-2016-0042", "牧场项目", "发改委", C::from("2017/12/13"), "施工许可", "住建局", C::from("暂无")));
    rows.push(r(
        5,
        "2019-152529-44-01-000005",
        "水厂项目",
        "发改委",
        C::from("2019-09-02"),
        "取水许可",
        "水利局",
        C::from("/"),
    )); // 9
    rows.push(r(
        6,
        "2020-152529-44-01-000006",
        "道路项目",
        "发改委",
        C::from("2020"),
        "林地征占",
        "林草局",
        C::from("空"),
    )); // 10
    rows.push(r(
        7,
        "2020-152529-44-01-000007",
        "桥梁项目",
        "发改委",
        C::from("2020年"),
        "草原征占用",
        "林草局",
        C::from("未定"),
    )); // 11
    rows.push(r(
        8,
        "2021-152529-44-01-000008",
        "学校项目",
        "发改委",
        C::N(2021.0),
        "水保",
        "水利局",
        C::from("待确定"),
    )); // 12
        // 13: digits only, 19 of them: a truncated code.
    rows.push(r(9, "2022152529440100012", "截断代码项目", "发改委", C::from("2022"), "环评", "", C::E));
    // 14: a department name that matches nothing.
    rows.push(r(
        10,
        "2022-152529-44-01-000014",
        "未知部门项目",
        "发改委",
        C::from("2022"),
        "环评",
        "锡林郭勒盟生态环境保护局正镶白旗分局",
        C::E,
    ));
    // 15: an item type that matches nothing.
    rows.push(r(11, "2022-152529-44-01-000015", "未知事项项目", "发改委", C::from("2022"), "规划许可", "", C::E));
    // 16: 立项时间 with a dot, a deadline as an Excel date.
    rows.push(r(
        12,
        "2022-152529-44-01-000016",
        "园区项目",
        "工信局",
        C::from("2017.4.4"),
        "环评",
        "",
        C::D(date(2023, 6, 30)),
    ));
    // 17-18: a project block written twice whose rows disagree (investment).
    rows.push(r(13, "2022-152529-44-01-000017", "供热项目", "发改委", C::from("2022"), "环评", "", C::E));
    let mut disagree = r(13, "2022-152529-44-01-000017", "供热项目", "发改委", C::from("2022"), "能评", "", C::E);
    disagree[6] = C::N(200.0);
    rows.push(disagree);
    let merges: Vec<Merge> = (0..8).map(|c| (3, c, 4, c)).collect();
    xlsx_sheets(&[("台账", &rows, &merges)])
}

fn read(bytes: &[u8]) -> LedgerImport {
    read_ledger_bytes(bytes, &ImportOptions::default()).expect("readable")
}

fn at<'a>(issues: &'a [RowIssue], row: u32, column: &str) -> &'a RowIssue {
    issues
        .iter()
        .find(|i| i.row == row && i.column == column)
        .unwrap_or_else(|| panic!("no issue at row {row}, {column}: {issues:#?}"))
}

#[test]
fn the_dry_run_report_of_a_messy_ledger() {
    let got = read(&messy());
    let json: Value = serde_json::to_value(got.report()).unwrap();

    assert_eq!(json["projects"], 10, "{:#?}", got.errors);
    assert_eq!(json["items"], 12);

    // Errors: exactly these rows and columns, each naming its sheet.
    let errors: Vec<(u64, &str, &str)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap(), e["sheet"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(13, "项目代码", "台账"), (14, "办理部门", "台账"), (15, "待批事项", "台账")]);
    let e = &json["errors"];
    assert!(
        e[0]["message"].as_str().unwrap().starts_with("项目代码位数不对：“2022152529440100012”是 19 位数字"),
        "{e}"
    );
    assert_eq!(
        e[1]["message"].as_str().unwrap(),
        "部门“锡林郭勒盟生态环境保护局正镶白旗分局”不在部门目录中。是否指：旗生态环境分局？\
         （领导小组办公室可在导入检查页把它对应到已有部门，或请管理员添加别名）"
            .replace(char::is_whitespace, "")
    );
    assert!(e[2]["message"].as_str().unwrap().starts_with("待批事项“规划许可”不在审批事项目录中"), "{e}");

    // Warnings: the deadlines not yet set, the code of another shape, the disagreeing row.
    let warnings: Vec<(u64, &str)> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            assert_eq!(w["sheet"], "台账", "{w}");
            (w["row"].as_u64().unwrap(), w["column"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        warnings,
        [
            (5, "完成时限"),
            (6, "完成时限"),
            (7, "完成时限"),
            (8, "项目代码"),
            (8, "完成时限"),
            (9, "完成时限"),
            (10, "完成时限"),
            (11, "完成时限"),
            (12, "完成时限"),
            (18, "总投资（万元）"),
        ]
    );
    for (row, written) in
        [(5, "待定"), (6, "—"), (7, "无"), (8, "暂无"), (9, "/"), (10, "空"), (11, "未定"), (12, "待确定")]
    {
        let w = at(&got.warnings, row, "完成时限");
        assert!(w.message.contains(&format!("“{written}”")) && w.message.contains("不亮灯"), "{w:?}");
    }
    assert!(at(&got.warnings, 8, "项目代码").message.contains("不是全国统一项目代码的格式"));
    assert!(at(&got.warnings, 18, "总投资（万元）").message.contains("已采用第 17 行的值"));

    // The unknown names, with the rows they are on and the closest known names.
    let unknown = &json["unknown_names"];
    assert_eq!(unknown.as_array().unwrap().len(), 2, "{unknown}");
    assert_eq!(unknown[0]["kind"], "department");
    assert_eq!(unknown[0]["written"], "锡林郭勒盟生态环境保护局正镶白旗分局");
    assert_eq!(unknown[0]["rows"], serde_json::json!([14]));
    assert_eq!(unknown[0]["suggestions"][0], "旗生态环境分局");
    assert_eq!(unknown[1]["kind"], "item_type");
    assert_eq!(unknown[1]["rows"], serde_json::json!([15]));

    // What was read.
    let p = |code: &str| got.projects.iter().find(|p| p.code.as_str() == code).unwrap_or_else(|| panic!("{code}"));
    let a = p("2022-152529-44-01-000001");
    assert_eq!((a.year, a.initiated_on), (Some(2017), Some(date(2017, 4, 4))));
    assert_eq!(a.initiating_department.as_deref(), Some("fgw"));
    assert_eq!(a.items.len(), 2);
    assert_eq!((a.items[0].handling_department.as_str(), a.items[0].due_on), ("sthj", Some(date(2022, 9, 30))));
    assert_eq!((a.items[1].handling_department.as_str(), a.items[1].due_on), ("zrzy", None));
    let b = p("2022-152529-44-01-000002"); // normalised from 20 bare digits
    assert_eq!((b.year, b.initiated_on), (Some(2017), Some(date(2017, 2, 21))));
    assert_eq!(b.items[0].handling_department, "sthj");
    assert_eq!(p("2021-152529-78-02-000003").initiated_on, Some(date(2019, 9, 2)));
    assert_eq!(p("SX-2016-0042").initiated_on, Some(date(2017, 12, 13)));
    assert_eq!(p("2019-152529-44-01-000005").initiated_on, Some(date(2019, 9, 2)));
    for (code, year) in
        [("2020-152529-44-01-000006", 2020), ("2020-152529-44-01-000007", 2020), ("2021-152529-44-01-000008", 2021)]
    {
        assert_eq!((p(code).year, p(code).initiated_on), (Some(year), None), "{code}");
        assert_eq!(p(code).items[0].due_on, None, "{code}");
    }
    let k = p("2022-152529-44-01-000016");
    assert_eq!((k.initiated_on, k.items[0].due_on), (Some(date(2017, 4, 4)), Some(date(2023, 6, 30))));
    let l = p("2022-152529-44-01-000017");
    assert_eq!(l.investment, Some(qidi_core::project::Yuan(1_000_000)), "first row wins");
    assert_eq!(l.items.len(), 2);
}

#[test]
fn a_saved_alias_lets_the_name_through() {
    let mut names = NameTable::shipped();
    names.add_department_alias("sthj", "锡林郭勒盟生态环境保护局正镶白旗分局");
    names.add_item_type_alias("construction_permit", "规划许可");
    let got = read_ledger_bytes(&messy(), &ImportOptions { names, ..Default::default() }).unwrap();
    let rows: Vec<u32> = got.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows, [13]);
    assert!(got.unknown_names.is_empty());
    assert_eq!(got.report().projects, 12);
}

#[test]
fn region_names_come_from_the_deployment_not_the_code() {
    // The same ledger in a deployment at 镶黄旗: 正镶白旗 is not its name, so names
    // carrying it do not match, and its own name is stripped instead.
    let region = RegionCode::parse("152528").unwrap();
    let names = NameTable::shipped_for(RegionNames::shipped(&region));
    let rows = vec![
        row!["项目代码", "项目名称", "立项部门", "待批事项", "办理部门"],
        row!["2022-152528-44-01-000001", "项目一", "镶黄旗发展和改革委员会", "环评", "锡林郭勒盟生态环境局镶黄旗分局"],
        row!["2022-152528-44-01-000002", "项目二", "发改委", "环评", "正镶白旗自然资源局"],
    ];
    let got = read_ledger_bytes(&xlsx(&rows, &[]), &ImportOptions { names, ..Default::default() }).unwrap();
    assert_eq!(got.projects.len(), 1, "{:#?}", got.errors);
    assert_eq!(got.projects[0].initiating_department.as_deref(), Some("fgw"));
    assert_eq!(got.projects[0].items[0].handling_department, "sthj");
    let e = at(&got.errors, 3, "办理部门");
    assert!(e.message.starts_with("部门“正镶白旗自然资源局”不在部门目录中"), "{e:?}");
    assert_eq!(got.unknown_names[0].kind, NameKind::Department);
}
