//! The bulletin's PDF, read back: its text is extracted and compared with the same
//! words the Word document carries, and the layout keeps every line inside its page.

use chrono::NaiveDate;
use qidi_core::bulletin::{BaselineLine, Bulletin, BulletinItem, DepartmentLine, ListedFact, Month};
use qidi_core::official::OfficialDocument;
use qidi_pdf::lay_out;
use qidi_pdf::{bulletin_pdf, Fonts};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn bulletin(items: usize) -> Bulletin {
    let item = |n: usize| BulletinItem {
        project_code: format!("2024-152529-44-01-{:06}", n),
        project_name: format!("正镶白旗第{n}号风电储能一体化示范项目"),
        item_type: "建设项目用地预审与选址意见书".into(),
        department: "旗自然资源局".into(),
        clock: "review".into(),
        due_on: day("2026-04-03"),
        closed_on: n.is_multiple_of(2).then(|| day("2026-04-20")),
        overdue_working_days: 7 + n as i64,
        link: format!("/applications/{n}"),
    };
    Bulletin {
        document_number: "清理办通报〔2026〕1号".into(),
        title: "关于2026年4月待批项目审批超期情况的通报".into(),
        issuing_body: "正镶白旗待批项目清理工作领导小组办公室".into(),
        issued_on: day("2026-05-06"),
        month: Month { year: 2026, month: 4 },
        main_recipients: vec!["各审批部门".into(), "各派驻纪检监察组".into()],
        corrects: None,
        items: (1..=items).map(item).collect(),
        notice_breaches: vec![ListedFact {
            project_code: "2024-152529-44-01-000001".into(),
            project_name: "某光伏项目".into(),
            item_type: "环境影响评价".into(),
            department: "旗生态环境分局".into(),
            on: day("2026-04-08"),
            detail: "第二次补正告知（违反一次性告知）".into(),
            link: "/applications/x".into(),
        }],
        deemed_acceptances: vec![],
        late_forwards: vec![],
        departments: vec![DepartmentLine {
            department_code: "zrzy".into(),
            department: "旗自然资源局".into(),
            on_time: 3,
            late: 1,
            on_time_permille: Some(750),
            rank: Some(1),
            ..Default::default()
        }],
        baseline: BaselineLine { baseline: 465, reduced: 12, remaining: 453 },
        report_lapses: vec![],
        open_orders: vec![],
        not_online: vec![],
        not_reported: vec![],
    }
}

fn fonts() -> Fonts {
    Fonts::from_environment().expect("a Chinese font for the PDF: install fonts-noto-cjk (as .ci/run does)")
}

/// Text without whitespace, so that line breaks inside a paragraph do not matter.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_pdf_says_what_the_word_document_says_in_the_same_order() {
    let b = bulletin(30);
    let bytes = bulletin_pdf(&b, &fonts()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("the PDF's text can be extracted");
    let mut text = squeeze(&text);
    // Thirty items do not fit on one page: the pages are numbered. The numbers sit
    // between the lines of a paragraph broken across pages, so they are taken out.
    assert!(text.contains("—2—"), "a second page with its number");
    for n in (1..100).rev() {
        text = text.replace(&format!("—{n}—"), "");
    }
    let doc = OfficialDocument::from(&b);
    let mut from = 0;
    for line in doc.lines() {
        let want = squeeze(&line);
        let at = text[from..].find(&want).unwrap_or_else(|| panic!("`{want}` is missing after byte {from}"));
        from += at + want.len();
    }
}

#[test]
fn every_line_stays_inside_the_page_and_the_text_block() {
    let b = bulletin(60);
    let f = fonts();
    let measure = |face, size, s: &str| qidi_pdf::text_width(&f, face, size, s);
    let pages = lay_out(&OfficialDocument::from(&b), &measure);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let (w, h) = (595.3, 841.9);
    for (n, p) in pages.iter().enumerate() {
        for t in &p.texts {
            let right = t.x + measure(t.face, t.size, &t.text);
            assert!(t.x >= 28.0 * 72.0 / 25.4 - 0.1, "page {n}: `{}` starts in the left margin", t.text);
            // Hanging punctuation may reach one character into the right margin.
            assert!(right <= w - 26.0 * 72.0 / 25.4 + t.size + 0.1, "page {n}: `{}` runs off", t.text);
            assert!(t.baseline > 0.0 && t.baseline < h, "page {n}: `{}` is off the page", t.text);
        }
        let numbers: Vec<_> = p.texts.iter().filter(|t| t.text == format!("— {} —", n + 1)).collect();
        assert_eq!(numbers.len(), 1, "page {n} carries its number once");
    }
    // The mark is red, and nothing else is.
    let red: Vec<_> = pages.iter().flat_map(|p| &p.texts).filter(|t| t.red).collect();
    assert_eq!(red.len(), 1);
    assert_eq!(red[0].text, b.issuing_body);
}

#[test]
fn a_missing_font_file_is_a_clear_error() {
    let err = Fonts::discover(Some(std::path::Path::new("/nonexistent/font.ttc"))).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/font.ttc"), "{err}");
    let not_a_font = std::env::temp_dir().join(format!("not-a-font-{}.ttf", std::process::id()));
    std::fs::write(&not_a_font, b"plain text").unwrap();
    let err = Fonts::discover(Some(&not_a_font)).unwrap_err();
    assert!(err.to_string().contains("Chinese"), "{err}");
    std::fs::remove_file(not_a_font).ok();
}
