//! A bulletin's new sections in Excel and Word, read back: late and missing progress
//! reports (信息报送) and the supervision orders (挂牌督办) open at the month's end,
//! and their counts on each department's line.

use calamine::Reader;
use chrono::NaiveDate;
use qidi_core::bulletin::{BaselineLine, Bulletin, DepartmentLine, Month};
use qidi_core::progress_report::{ReportLapse, ReportState};
use qidi_core::supervision::{OpenOrder, OrderTarget};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn bulletin() -> Bulletin {
    let lapse = |period: &str, label: &str, filed: Option<&str>, late: i64| ReportLapse {
        department_code: "sthj".into(),
        department: "旗生态环境分局".into(),
        period: period.into(),
        period_label: label.into(),
        due_on: d("2026-04-20"),
        state: if filed.is_some() { ReportState::Late } else { ReportState::Missing },
        filed_on: filed.map(d),
        working_days_late: late,
        link: format!("/supervision/reports?period={period}"),
    };
    Bulletin {
        document_number: "清理办通报〔2026〕1号".into(),
        title: "关于2026年4月待批项目审批超期情况的通报".into(),
        issuing_body: "正镶白旗待批项目清理工作领导小组办公室".into(),
        issued_on: d("2026-05-06"),
        month: Month::parse("2026-04").unwrap(),
        main_recipients: vec!["各审批部门".into()],
        corrects: None,
        items: vec![],
        notice_breaches: vec![],
        deemed_acceptances: vec![],
        late_forwards: vec![],
        departments: vec![DepartmentLine {
            department_code: "sthj".into(),
            department: "旗生态环境分局".into(),
            report_lapses: 2,
            open_orders: 1,
            ..Default::default()
        }],
        baseline: BaselineLine::default(),
        report_lapses: vec![
            lapse("2026-03b", "2026年3月下半月", None, 18),
            lapse("2026-04a", "2026年4月上半月", Some("2026-04-22"), 2),
        ],
        open_orders: vec![OpenOrder {
            department_code: "sthj".into(),
            department: "旗生态环境分局".into(),
            target: OrderTarget::Item,
            target_name: "测试项目 · 环境影响评价".into(),
            title: "督办环评审批".into(),
            reason: "超期".into(),
            required_action: "限期办结".into(),
            responsible_person: "王局长".into(),
            issued_on: d("2026-04-13"),
            deadline: d("2026-04-24"),
            days_past_deadline: 4,
            link: "/supervision/orders/x".into(),
        }],
        not_online: vec![qidi_core::bulletin::NotOnline {
            department_code: "rf".into(),
            department: "旗人防办".into(),
            pending_items: 3,
        }],
        not_reported: vec!["一条说明。".into()],
    }
}

#[test]
fn the_new_sections_read_back_from_excel_and_word() {
    let b = bulletin();
    // Word: the body is the bulletin's paragraphs, with the new sections.
    let paragraphs = qidi_office::docx_paragraphs(&qidi_office::bulletin_docx(&b).unwrap()).unwrap();
    let body = &paragraphs[5..5 + b.paragraphs().len()];
    assert_eq!(body, b.paragraphs().as_slice());
    let at = |title: &str| body.iter().position(|p| p == title).unwrap_or_else(|| panic!("{title} missing: {body:?}"));
    let reports = at("六、信息报送逾期或未报送");
    assert_eq!(
        body[reports + 1],
        "1. 旗生态环境分局，2026年3月下半月进展情况，应于 2026-04-20 前报送，月末仍未报送，逾期 18 个工作日。"
    );
    assert_eq!(
        body[reports + 2],
        "2. 旗生态环境分局，2026年4月上半月进展情况，应于 2026-04-20 前报送，2026-04-22 报送，逾期 2 个工作日。"
    );
    let orders = at("七、挂牌督办事项");
    assert_eq!(
        body[orders + 1],
        "1. 督办环评审批（督办待批事项：测试项目 · 环境影响评价，责任部门 旗生态环境分局，责任人 王局长），2026-04-13 挂牌，督办时限 2026-04-24，已超过督办时限 4 个工作日。督办事由：超期；整改要求：限期办结。"
    );
    assert_eq!(
        body[at("八、尚未上线办理的部门") + 1],
        "1. 旗人防办：待批事项 3 项，截至月末尚无一件申请在系统中提交办理。"
    );
    assert_eq!(body[at("九、说明") + 1], "一条说明。");

    // Excel: the two new sheets and the two new columns, cell by cell.
    let path = std::env::temp_dir().join(format!("bulletin-sections-{}.xlsx", std::process::id()));
    std::fs::write(&path, qidi_office::bulletin_xlsx(&b).unwrap()).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let cell = |r: &calamine::Range<calamine::Data>, row: u32, col: u32| {
        r.get_value((row, col)).map(|v| v.to_string()).unwrap_or_default()
    };
    let sheet = wb.worksheet_range("信息报送").unwrap();
    assert_eq!(sheet.height(), 3);
    let rows: Vec<Vec<String>> = (1..3).map(|r| (0..7).map(|c| cell(&sheet, r, c)).collect()).collect();
    assert_eq!(
        rows,
        vec![
            vec!["1", "旗生态环境分局", "2026年3月下半月", "2026-04-20", "未报送", "未报送", "18"],
            vec!["2", "旗生态环境分局", "2026年4月上半月", "2026-04-20", "2026-04-22", "逾期报送", "2"],
        ]
    );
    let sheet = wb.worksheet_range("挂牌督办").unwrap();
    assert_eq!(sheet.height(), 2);
    let row: Vec<String> = (0..10).map(|c| cell(&sheet, 1, c)).collect();
    assert_eq!(
        row,
        vec![
            "1",
            "督办环评审批",
            "待批事项：测试项目 · 环境影响评价",
            "旗生态环境分局",
            "王局长",
            "超期",
            "限期办结",
            "2026-04-13",
            "2026-04-24",
            "4"
        ]
    );
    let ranking = wb.worksheet_range("部门排名").unwrap();
    assert_eq!((cell(&ranking, 0, 11), cell(&ranking, 0, 12)), ("报送逾期或未报".into(), "督办中".into()));
    assert_eq!((cell(&ranking, 1, 11), cell(&ranking, 1, 12)), ("2".into(), "1".into()));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_bulletin_issued_before_the_new_sections_still_reads() {
    // Stored bulletins are JSON of `Bulletin`; those issued before these sections have
    // none of their fields and read back with them empty.
    let mut v = serde_json::to_value(bulletin()).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("report_lapses");
    o.remove("open_orders");
    o["departments"][0].as_object_mut().unwrap().remove("report_lapses");
    let old: Bulletin = serde_json::from_value(v).unwrap();
    assert!(old.report_lapses.is_empty() && old.open_orders.is_empty());
    assert_eq!(old.departments[0].report_lapses, 0);
}
