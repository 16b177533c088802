//! Reading ledgers as departments keep them: real .xlsx files written here with
//! rust_xlsxwriter and read back with the importer.

mod common;

use common::*;
use qidi_core::project::{ProjectStage, Yuan};
use qidi_office::{read_ledger, read_ledger_bytes, HeaderMap, ImportOptions, NameTable, RowIssue};

fn issue(issues: &[RowIssue], row: u32) -> &RowIssue {
    issues.iter().find(|i| i.row == row).unwrap_or_else(|| panic!("no issue at row {row}: {issues:#?}"))
}

#[test]
fn title_unit_rows_and_the_usual_header() {
    let mut rows = preamble();
    rows.push(header());
    rows.push(row![
        1,
        CODE_A,
        "风电项目",
        "某某新能源公司",
        "旗发改委",
        2022,
        1234.56,
        "未开工",
        "环评",
        "生态环境局",
        "需补充材料",
        "张三",
        "已受理",
        date(2022, 9, 30),
        "加急"
    ]);
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.header_row, 3);
    assert_eq!(got.title.as_deref(), Some("正镶白旗待批项目大起底台账"));
    assert_eq!(got.unit.as_deref(), Some("旗发改委"));
    assert_eq!(got.date, Some(date(2022, 10, 8)));
    assert_eq!(got.projects.len(), 1);
    let p = &got.projects[0];
    assert_eq!(p.code.as_str(), CODE_A);
    assert_eq!(p.name, "风电项目");
    assert_eq!(p.owner.as_deref(), Some("某某新能源公司"));
    assert_eq!(p.initiating_department.as_deref(), Some("fgw"));
    assert_eq!(p.year, Some(2022));
    assert_eq!(p.investment, Some(Yuan(12_345_600)));
    assert_eq!(p.stage, Some(ProjectStage::NotStarted));
    assert_eq!(p.first_row, 4);
    let it = &p.items[0];
    assert_eq!(it.item_type, "eia");
    assert_eq!(it.handling_department, "sthj");
    assert_eq!(it.check_result.as_deref(), Some("需补充材料"));
    assert_eq!(it.responsible_person.as_deref(), Some("张三"));
    assert_eq!(it.acceptance_status.as_deref(), Some("已受理"));
    assert_eq!(it.due_on, Some(date(2022, 9, 30)));
    assert_eq!(it.note.as_deref(), Some("加急"));
    assert_eq!(it.row, 4);
}

#[test]
fn header_variants() {
    // Different words, a different column order, line breaks and units in the header.
    let variants = [
        row![
            "项目编码",
            "名称",
            "建设单位",
            "立项部门",
            "年度",
            "投资额",
            "项目状态",
            "审批事项",
            "审批部门",
            "核查情况",
            "部门责任人",
            "审批受理情况",
            "办结时限",
            "备注"
        ],
        row![
            "代码",
            "项目名称",
            "业主单位",
            "立项部门",
            "立项年度",
            "总投资\n（万元）",
            "建设状态",
            "事项名称",
            "责任部门",
            "核查情况",
            "责任人",
            "受理情况",
            "完成时限",
            "备注"
        ],
        row![
            "项目代码 ",
            "项目名称",
            "项目单位",
            "立项部门",
            "立项年度",
            "总投资(万元)",
            "建设状态",
            "待批事项",
            "办理部门",
            "核查情况",
            "责任人",
            "受理情况",
            "完成时限",
            "备注"
        ],
    ];
    for (i, h) in variants.into_iter().enumerate() {
        let rows = vec![
            row!["某某部门台账"],
            row!["填报单位：旗工信局"],
            row![],
            h,
            row![
                CODE_A,
                "风电项目",
                "某公司",
                "工信局",
                2023,
                10.5,
                "在建",
                "能评",
                "发改委",
                "",
                "李四",
                "",
                "2023.1.31",
                ""
            ],
        ];
        let got = import(&xlsx(&rows, &[]));
        assert!(got.errors.is_empty(), "variant {i}: {:#?}", got.errors);
        assert_eq!(got.header_row, 4, "variant {i}");
        assert_eq!(got.unit.as_deref(), Some("旗工信局"), "variant {i}");
        let p = &got.projects[0];
        assert_eq!((p.name.as_str(), p.owner.as_deref()), ("风电项目", Some("某公司")), "variant {i}");
        assert_eq!(p.initiating_department.as_deref(), Some("gxj"), "variant {i}");
        assert_eq!(p.investment, Some(Yuan(105_000)), "variant {i}");
        assert_eq!(p.stage, Some(ProjectStage::UnderConstruction), "variant {i}");
        assert_eq!(p.items[0].item_type, "energy_review", "variant {i}");
        assert_eq!(p.items[0].handling_department, "fgw", "variant {i}");
        assert_eq!(p.items[0].responsible_person.as_deref(), Some("李四"), "variant {i}");
        assert_eq!(p.items[0].due_on, Some(date(2023, 1, 31)), "variant {i}");
    }
}

#[test]
fn no_header_is_a_clear_error() {
    let rows = vec![row!["随便什么表"], row!["姓名", "电话"], row!["张三", "123"]];
    let e = import_err(&xlsx(&rows, &[]));
    assert!(matches!(e, qidi_office::OfficeError::NoHeader { .. }), "{e:?}");
    assert!(e.to_string().contains("未找到表头"), "{e}");
}

#[test]
fn the_ledger_sheet_is_found_among_others() {
    let notes: Vec<Vec<C>> = vec![row!["说明"], row!["本表由各部门填报"]];
    let mut ledger = preamble();
    ledger.push(header());
    ledger.push(row![1, CODE_A, "项目A", "", "", "", "", "", "环评"]);
    let bytes = xlsx_sheets(&[("填表说明", &notes, &[]), ("台账", &ledger, &[])]);
    let got = import(&bytes);
    assert_eq!(got.sheet, "台账");
    assert_eq!(got.projects.len(), 1);
    let opts = ImportOptions { sheet: Some("不存在".into()), ..Default::default() };
    assert!(matches!(read_ledger_bytes(&bytes, &opts), Err(qidi_office::OfficeError::SheetNotFound(_))));
}

#[test]
fn two_row_header() {
    // Project columns merged over two header rows; the item columns grouped under a title.
    let rows = vec![
        row!["台账"],
        row!["序号", "项目代码", "项目名称", "前期手续办理情况", "", ""],
        row!["", "", "", "待批事项", "办理部门", "完成时限"],
        row![1, CODE_A, "项目A", "环评", "", "2022-09-30"],
    ];
    let merges = [(1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 5)];
    let got = import(&xlsx(&rows, &merges));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.header_row, 3);
    assert_eq!(got.projects[0].items[0].item_type, "eia");
    assert_eq!(got.projects[0].items[0].due_on, Some(date(2022, 9, 30)));
}

fn three_items(merged: bool) -> (Vec<Vec<C>>, Vec<Merge>) {
    let mut rows = preamble();
    rows.push(header());
    // Rows 4-6 (0-based 3-5): project A with three items; row 7: project B.
    rows.push(row![
        1,
        CODE_A,
        "风电项目",
        "某公司",
        "发改委",
        2022,
        5000,
        "未开工",
        "土地预审",
        "",
        "",
        "王五",
        "",
        "2022.9.30",
        ""
    ]);
    rows.push(row!["", "", "", "", "", "", "", "", "能评", "工信局", "", "", "", "2022.10.30", ""]);
    rows.push(row!["", "", "", "", "", "", "", "", "施工许可", "", "", "", "", "", "最后办"]);
    rows.push(row![2, CODE_B, "光伏项目", "另一公司", "工信局", 2021, 300, "在建", "环评", "", "", "", "", "", ""]);
    let merges = if merged {
        // Project columns (A–H) merged down over the three item rows, and the
        // handling department merged over the first two items (written once, row 5).
        let mut m: Vec<_> = (0..8).map(|c| (3, c, 5, c)).collect();
        m.push((3, 9, 4, 9));
        m
    } else {
        Vec::new()
    };
    (rows, merges)
}

#[test]
fn merged_project_cells() {
    let (mut rows, merges) = three_items(true);
    // In a merged range only the top cell holds the value.
    rows[3][9] = C::from("工信局");
    rows[4][9] = C::E;
    let got = import(&xlsx(&rows, &merges));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.projects.len(), 2);
    let a = &got.projects[0];
    assert_eq!(a.code.as_str(), CODE_A);
    let types: Vec<&str> = a.items.iter().map(|i| i.item_type.as_str()).collect();
    assert_eq!(types, ["land_pre_review", "energy_review", "construction_permit"]);
    assert_eq!(a.items.iter().map(|i| i.row).collect::<Vec<_>>(), [4, 5, 6]);
    // The merged handling department applies to both rows it covers ...
    assert_eq!(a.items[0].handling_department, "gxj");
    assert_eq!(a.items[1].handling_department, "gxj");
    // ... and an empty one falls back to the item type's department.
    assert_eq!(a.items[2].handling_department, "zjj");
    assert_eq!(a.items[2].note.as_deref(), Some("最后办"));
    assert_eq!(got.projects[1].code.as_str(), CODE_B);
    assert_eq!(got.projects[1].items.len(), 1);
    assert!(got.warnings.is_empty(), "{:#?}", got.warnings);
}

#[test]
fn empty_project_cells_continue_the_project_above() {
    let (rows, _) = three_items(false);
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.projects.len(), 2);
    let a = &got.projects[0];
    assert_eq!(a.items.len(), 3);
    // Without a merge, an empty handling department is the item type's default.
    assert_eq!(a.items[0].handling_department, "zrzy");
    assert_eq!(a.items[1].handling_department, "gxj");
    assert_eq!(a.items[2].handling_department, "zjj");
}

#[test]
fn project_cells_repeated_on_every_row() {
    let mut rows = vec![header()];
    for item in ["环评", "能评"] {
        rows.push(row![1, CODE_A, "风电项目", "某公司", "发改委", 2022, 5000, "未开工", item]);
    }
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty() && got.warnings.is_empty(), "{got:#?}");
    assert_eq!(got.projects.len(), 1);
    assert_eq!(got.projects[0].items.len(), 2);
}

#[test]
fn every_date_format() {
    let mut rows = vec![header()];
    let dates: Vec<C> = vec![
        C::D(date(2022, 9, 30)), // an Excel date cell
        C::N(44834.0),           // a bare serial number
        C::from("2022.9.30"),
        C::from("2022年9月30日"),
        C::from("2022/09/30"),
        C::from("2022-09-30"),
        C::from("２０２２年９月３０日"),
        C::from("2022年9月底"),
    ];
    let items = ["环评", "能评", "土地预审", "取水许可", "水保", "林地征占", "草原征占用", "施工许可"];
    for (i, (d, item)) in dates.into_iter().zip(items).enumerate() {
        let mut r = row![
            (i + 1) as i32,
            format!("2022-152529-44-01-00001{i}"),
            format!("项目{i}"),
            "",
            "",
            "",
            "",
            "",
            item,
            "",
            "",
            "",
            ""
        ];
        r.push(d);
        rows.push(r);
    }
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.projects.len(), 8);
    for p in &got.projects {
        assert_eq!(p.items[0].due_on, Some(date(2022, 9, 30)), "{}", p.name);
    }
}

#[test]
fn amounts_with_separators_and_units() {
    let mut rows = vec![header()];
    let amounts = [
        (C::from("1,234.56"), 12_345_600),
        (C::from("１，２３４.５６"), 12_345_600),
        (C::N(1234.56), 12_345_600),
        (C::from("1,234.56万元"), 12_345_600),
        (C::from("1.5亿元"), 150_000_000),
        (C::from(" 20,000 "), 200_000_000),
    ];
    for (i, (a, _)) in amounts.iter().enumerate() {
        let mut r = row![(i + 1) as i32, format!("2022-152529-44-01-00002{i}"), format!("项目{i}"), "", "", ""];
        r.push(a.clone());
        r.extend(row!["", "环评"]);
        rows.push(r);
    }
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    for (p, (_, want)) in got.projects.iter().zip(amounts) {
        assert_eq!(p.investment, Some(Yuan(want)), "{}", p.name);
    }

    // A header in 亿元 scales bare numbers.
    let mut h = header();
    h[6] = C::from("总投资（亿元）");
    let rows = vec![h, row![1, CODE_A, "项目", "", "", "", 1.5, "", "环评"]];
    assert_eq!(import(&xlsx(&rows, &[])).projects[0].investment, Some(Yuan(150_000_000)));
}

#[test]
fn full_width_and_trailing_spaces() {
    let rows = vec![
        row!["序号 ", " 项目代码", "项目名称　", "立项部门", "待批事项", "办理部门"],
        row![
            1,
            "２０２２－１５２５２９－４４－０１－０００００１ ",
            "  风电项目  ",
            "旗发改委　",
            "环评　",
            " 旗自然资源局 "
        ],
        row![2, "2022—152529—44—01—000002", "光伏（二期）", "ＦＧＷ", "用地预审（含选址）", "自然资源局"],
        row![3, "2022-152529-44-01-000003", "牧场", "发改委", "规划条件核实", "自然资源局"],
    ];
    // A name only this department uses, added as an alias.
    let mut names = NameTable::shipped();
    names.add_item_type_alias("land_pre_review", "规划条件核实");
    let opts = ImportOptions { names, ..Default::default() };
    let got = read_ledger_bytes(&xlsx(&rows, &[]), &opts).unwrap();
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    let p = &got.projects[0];
    assert_eq!(p.code.as_str(), CODE_A);
    assert_eq!(p.name, "风电项目");
    assert_eq!(p.initiating_department.as_deref(), Some("fgw"));
    assert_eq!(p.items[0].item_type, "eia");
    assert_eq!(p.items[0].handling_department, "zrzy");
    assert_eq!(got.projects[1].code.as_str(), CODE_B);
    assert_eq!(got.projects[1].name, "光伏（二期）");
    assert_eq!(got.projects[1].initiating_department.as_deref(), Some("fgw"));
    assert_eq!(got.projects[1].items[0].item_type, "land_pre_review");
    assert_eq!(got.projects[2].items[0].item_type, "land_pre_review");
}

#[test]
fn department_names_with_or_without_the_banner() {
    let written = ["旗发改委", "发改委", "正镶白旗发展和改革委员会", "旗发展和改革委员会", "发展改革委", "发改局 "];
    let mut rows = vec![row!["项目代码", "项目名称", "立项部门", "待批事项", "办理部门"]];
    for (i, w) in written.iter().enumerate() {
        rows.push(row![format!("2022-152529-44-01-00003{i}"), format!("项目{i}"), *w, "能评", *w]);
    }
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.projects.len(), written.len());
    for p in &got.projects {
        assert_eq!(p.initiating_department.as_deref(), Some("fgw"), "{}", p.name);
        assert_eq!(p.items[0].handling_department, "fgw", "{}", p.name);
    }
}

#[test]
fn each_error_names_row_column_and_reason() {
    let mut rows = preamble();
    rows.push(header()); // row 3
    let ok = |code: &str| row![1, code, "正常项目", "", "发改委", 2022, 100, "未开工", "环评"];
    rows.push(ok(CODE_A)); // row 4: fine
    rows.push(row![2, "2022-152529-44-01-000010", "", "", "", "", "", "", "环评"]); // 5: no name
    rows.push(row![3, "ABC", "坏代码项目", "", "", "", "", "", "环评"]); // 6: malformed code
    rows.push(row![4, "2022-152529-44-01-000012", "金额项目", "", "", "", "一千万", "", "环评"]); // 7: amount
    rows.push(row![5, "2022-152529-44-01-000013", "日期项目", "", "", "", "", "", "环评", "", "", "", "", "明年三月"]); // 8: date
    rows.push(row![6, "2022-152529-44-01-000014", "事项项目", "", "", "", "", "", "规划许可"]); // 9: item
    rows.push(row![7, "2022-152529-44-01-000015", "部门项目", "", "", "", "", "", "环评", "公安局"]); // 10: handling dept
    rows.push(row![8, "2022-152529-44-01-000016", "立项部门项目", "", "教育局", "", "", "", "环评"]); // 11: initiating dept
    rows.push(row![9, "2022-152529-44-01-000017", "年度项目", "", "", "二〇二二", "", "", "环评"]); // 12: year
    rows.push(row![10, "2022-152529-44-01-000018", "状态项目", "", "", "", "", "已竣工", "环评"]); // 13: stage
    rows.push(row!["", "", "", "", "", "", "", "", "能评", "", "", "", "", "2022.2.30"]); // 14: bad date under row 13
    rows.push(row![11, "", "没代码项目", "", "", "", "", "", "环评"]); // 15: no code
    rows.push(ok(CODE_B)); // 16: fine
    rows.push(row!["", "", "", "", "", "", "", "", "", "", "需补充", "", "", ""]); // 17: item details without an item
    rows.push(ok(CODE_C)); // 18: fine
    let got = import(&xlsx(&rows, &[]));

    let want: &[(u32, &str, &str)] = &[
        (5, "项目名称", "缺少项目名称"),
        (6, "项目代码", "项目代码“ABC”格式不正确"),
        (7, "总投资（万元）", "金额“一千万”无法识别"),
        (8, "完成时限", "日期“明年三月”无法识别"),
        (9, "待批事项", "待批事项“规划许可”不在审批事项目录中"),
        (10, "办理部门", "部门“公安局”不在部门目录中"),
        (11, "立项部门", "部门“教育局”不在部门目录中"),
        (12, "立项年度", "立项时间“二〇二二”无法识别"),
        (13, "建设状态", "建设状态“已竣工”无法识别"),
        (14, "完成时限", "日期“2022.2.30”无法识别"),
        (15, "项目代码", "缺少项目代码"),
        (17, "待批事项", "缺少待批事项"),
    ];
    for (row, column, message) in want {
        let i = issue(&got.errors, *row);
        assert_eq!(i.column, *column, "row {row}: {i:?}");
        assert!(i.message.contains(message), "row {row}: {i:?}");
    }
    assert_eq!(got.errors.len(), want.len(), "{:#?}", got.errors);

    // Only projects none of whose rows has an error are returned.
    let codes: Vec<&str> = got.projects.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, [CODE_A, CODE_C]);

    // The report serialises as the CLI prints it.
    let json = serde_json::to_value(got.report()).unwrap();
    assert_eq!(json["projects"], 2);
    assert_eq!(json["items"], 2);
    assert_eq!(
        json["errors"][0],
        serde_json::json!({"row": 5, "column": "项目名称", "message": "缺少项目名称", "sheet": "Sheet1"})
    );
}

#[test]
fn an_item_row_above_any_project_is_an_error() {
    let rows = vec![
        header(),
        row!["", "", "", "", "", "", "", "", "环评"],
        row![1, CODE_A, "项目", "", "", "", "", "", "能评"],
    ];
    let got = import(&xlsx(&rows, &[]));
    let i = issue(&got.errors, 2);
    assert_eq!(i.column, "项目代码");
    assert!(i.message.contains("没有项目代码和项目名称"), "{i:?}");
    assert_eq!(got.projects.len(), 1);
}

#[test]
fn cell_error_values_are_reported() {
    // A formula whose cached value is #N/A.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["项目代码", "项目名称", "待批事项", "完成时限"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, CODE_A).unwrap();
    ws.write_string(1, 1, "项目").unwrap();
    ws.write_string(1, 2, "环评").unwrap();
    ws.write_formula(1, 3, rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A")).unwrap();
    let got = import(&wb.save_to_buffer().unwrap());
    let i = issue(&got.errors, 2);
    assert_eq!(i.column, "完成时限");
    assert!(i.message.contains("错误值"), "{i:?}");
}

#[test]
fn a_duplicate_code_merges_with_a_warning() {
    let rows = vec![
        header(),
        row![1, CODE_A, "风电项目", "甲公司", "发改委", 2022, 100, "未开工", "环评"], // row 2
        row![2, CODE_B, "光伏项目", "乙公司", "发改委", 2022, 200, "未开工", "能评"], // row 3
        row![3, CODE_A, "风电项目", "丙公司", "发改委", 2022, 100, "在建", "土地预审"], // row 4: owner and stage differ
        row![4, CODE_A, "风电项目", "", "", "", "", "", "环评", "", "补充说明"],      // row 5: same item again
    ];
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.projects.len(), 2);
    let a = &got.projects[0];
    assert_eq!(a.code.as_str(), CODE_A);
    assert_eq!(a.owner.as_deref(), Some("甲公司"), "the first row's value is kept");
    assert_eq!(a.stage, Some(ProjectStage::NotStarted));
    let types: Vec<&str> = a.items.iter().map(|i| i.item_type.as_str()).collect();
    assert_eq!(types, ["eia", "land_pre_review"]);
    assert_eq!(a.items[0].check_result.as_deref(), Some("补充说明"), "details of a repeated item fill in");

    let at = |row: u32, col: &str| got.warnings.iter().find(|w| w.row == row && w.column == col);
    let dup = at(4, "项目代码").expect("warning about the repeated code");
    assert!(dup.message.contains("第 2 行已出现"), "{dup:?}");
    let owner = at(4, "项目单位").expect("warning about the owner");
    assert!(owner.message.contains("丙公司") && owner.message.contains("甲公司"), "{owner:?}");
    assert!(at(4, "建设状态").is_some(), "{:#?}", got.warnings);
    assert!(at(4, "项目名称").is_none(), "same name, no warning");
    assert!(at(5, "待批事项").is_some(), "repeated item: {:#?}", got.warnings);
}

#[test]
fn empty_rows_totals_and_the_footer() {
    let rows = vec![
        row!["台账"],
        header(), // row 2
        row![1, CODE_A, "项目A", "", "", "", 100, "", "环评"],
        row![],
        vec![C::from(" "); 15],
        row![2, CODE_B, "项目B", "", "", "", 200, "", "能评"],
        row!["合计", "", "", "", "", "", 300],
        row![],
        row!["填报人：张三", "", "", "", "", "审核人（部门主要负责人）：", "", "", "", "", "分管旗长："],
        row![3, CODE_C, "签字以后的行不读", "", "", "", "", "", "环评"],
    ];
    let got = import(&xlsx(&rows, &[]));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    let codes: Vec<&str> = got.projects.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, [CODE_A, CODE_B]);
}

#[test]
fn a_mapping_file_adds_header_names() {
    let rows = vec![row!["统一代码", "工程名称", "牵头单位", "手续"], row![CODE_A, "项目", "发改委", "环评"]];
    let bytes = xlsx(&rows, &[]);
    assert!(matches!(
        read_ledger_bytes(&bytes, &ImportOptions::default()),
        Err(qidi_office::OfficeError::NoHeader { .. })
    ));
    let headers = HeaderMap::from_json(
        r#"{"headers": {"统一代码": "code", "工程名称": "name", "牵头单位": "立项部门", "手续": "item_type"}}"#,
    )
    .unwrap();
    let opts = ImportOptions { headers, ..Default::default() };
    let got = read_ledger_bytes(&bytes, &opts).unwrap();
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    assert_eq!(got.projects[0].initiating_department.as_deref(), Some("fgw"));
    assert_eq!(got.projects[0].items[0].item_type, "eia");
    // The TOML form.
    let headers =
        HeaderMap::from_toml("\"统一代码\" = \"code\"\n\"工程名称\" = \"项目名称\"\n\"手续\" = \"待批事项\"\n")
            .unwrap();
    let got = read_ledger_bytes(&bytes, &ImportOptions { headers, ..Default::default() }).unwrap();
    assert_eq!(got.projects.len(), 1);
}

#[test]
fn a_code_typed_as_a_long_number_is_refused() {
    let mut rows = vec![header()];
    let mut r = row![1];
    r.push(C::N(2017152529440100123.0));
    r.extend(row!["老项目", "", "", "", "", "", "环评"]);
    rows.push(r);
    let got = import(&xlsx(&rows, &[]));
    let i = issue(&got.errors, 2);
    assert_eq!(i.column, "项目代码");
    assert!(i.message.contains("存成了数字"), "{i:?}");
}

#[test]
fn reading_from_a_path() {
    let mut rows = preamble();
    rows.push(header());
    rows.push(row![1, CODE_A, "项目A", "", "", "", "", "", "环评"]);
    let dir = std::env::temp_dir().join(format!("qidi-office-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("台账.xlsx");
    std::fs::write(&path, xlsx(&rows, &[])).unwrap();
    let got = read_ledger(&path, &ImportOptions::default()).unwrap();
    assert_eq!(got.projects.len(), 1);
    let missing = read_ledger(&dir.join("nope.xlsx"), &ImportOptions::default()).unwrap_err();
    assert!(missing.to_string().contains("文件不存在"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_project_units_credit_code_is_read_when_the_ledger_has_one_and_its_check_character_is_checked() {
    let mut rows = preamble();
    rows.push(row!["项目代码", "项目名称", "项目单位", "统一社会信用代码", "待批事项", "办理部门"]);
    rows.push(row![CODE_A, "风电项目", "某某新能源公司", " 91350100m000100y43 ", "环评", "生态环境局"]);
    rows.push(row![CODE_B, "光伏项目", "某某光伏公司", "91350100M000100Y44", "环评", "生态环境局"]);
    rows.push(row![CODE_C, "储能项目", "某某储能公司", "", "环评", "生态环境局"]);
    let got = import(&xlsx(&rows, &[]));
    assert_eq!(got.projects.len(), 2, "{:#?}", got.errors);
    assert_eq!(got.projects[0].owner_credit_code.as_deref(), Some("91350100M000100Y43"), "normalised");
    assert_eq!(got.projects[1].owner_credit_code, None, "none written, none kept");
    let bad = issue(&got.errors, 5);
    assert_eq!(bad.column, "统一社会信用代码");
    assert!(bad.message.contains("校验位不符（应为 3）"), "{}", bad.message);
    assert_eq!(got.errors.len(), 1, "{:#?}", got.errors);
}
