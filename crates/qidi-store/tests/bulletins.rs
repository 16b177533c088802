//! The monthly bulletin on both backends: a month of history across the Qingming
//! holiday (items closed on time and late, one still open and overdue, a late return,
//! a deemed acceptance) gives exactly the bulletin it should, in JSON, Excel and Word,
//! issued once; a second one for the month is a correction, and the first stays.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use qidi_core::bulletin::Month;
use qidi_core::workflow::{Action, NoticeProblem, OneTimeNotice};
use qidi_core::Role;
use qidi_store::testing::{banner, on_each_backend, test_pending_item, test_user};
use qidi_store::users::User;
use qidi_store::workflow::ActRequest;
use qidi_store::Store;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&day(s).and_hms_opt(10, 0, 0).unwrap()).unwrap()
}

async fn step(store: &Store, u: &User, app: &str, action: Action, on: &str) {
    let req = ActRequest { action, client_token: None, expected_version: None, reason: None };
    store.act_at(u, app, req, at(on)).await.unwrap_or_else(|e| panic!("{on}: {e}"));
}

async fn application(store: &Store, unit: &User, owner: &str, serial: u32) -> (String, String) {
    let (_, item) = test_pending_item(store, owner, serial, "land_pre_review", "zrzy").await;
    let app = store.create_application(unit, &item, None).await.unwrap().application;
    (app.id, app.project_code)
}

#[tokio::test]
async fn a_month_of_history_gives_exactly_its_bulletin() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        let unit = test_user(&store, "unit", Role::Applicant, None, Some(&owner), None).await;
        let h = test_user(&store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await;
        let inspector = test_user(&store, "insp", Role::Inspector, None, None, None).await;
        let submit = || Action::Submit { materials: vec![] };
        let approve = |on: &str| Action::Approve {
            document_number: format!("正自然资字〔2026〕{on}号"),
            decided_on: day(on),
        };

        // A: accepted 2 March, approved 15 April, after its 20 working days: closed late.
        let (a, a_code) = application(&store, &unit, &owner, 1).await;
        step(&store, &unit, &a, submit(), "2026-03-02").await;
        step(&store, &h, &a, Action::Accept, "2026-03-02").await;
        step(&store, &h, &a, approve("2026-04-15"), "2026-04-15").await;
        // B: accepted 1 April, approved 10 April: on time, not listed.
        let (b, b_code) = application(&store, &unit, &owner, 2).await;
        step(&store, &unit, &b, submit(), "2026-04-01").await;
        step(&store, &h, &b, Action::Accept, "2026-04-01").await;
        step(&store, &h, &b, approve("2026-04-10"), "2026-04-10").await;
        // C: accepted 3 March, never decided: overdue at the month's end.
        let (c, c_code) = application(&store, &unit, &owner, 3).await;
        step(&store, &unit, &c, submit(), "2026-03-03").await;
        step(&store, &h, &c, Action::Accept, "2026-03-03").await;
        // D: submitted 1 April, returned 9 April, after the notice limit (7 April, the
        // Qingming days off between): a late return, listed, the item not closed.
        let (d, d_code) = application(&store, &unit, &owner, 4).await;
        step(&store, &unit, &d, submit(), "2026-04-01").await;
        let notice = OneTimeNotice {
            problems: vec![NoticeProblem::new("boundary_survey", "坐标缺失", "补充界址点坐标")],
            suggestions: vec![],
            number: None,
        };
        step(&store, &h, &d, Action::Return { notice }, "2026-04-09").await;
        // E: submitted 13 April and left: deemed accepted by law.
        let (e, e_code) = application(&store, &unit, &owner, 5).await;
        step(&store, &unit, &e, submit(), "2026-04-13").await;
        assert!(store.settle_deemed_acceptance(&e, day("2026-04-30")).await.unwrap());

        // Two items of the environment bureau, with no application on qidi: not online.
        test_pending_item(&store, &owner, 90, "eia", "sthj").await;
        test_pending_item(&store, &owner, 91, "eia", "sthj").await;

        let april = Month::parse("2026-04").unwrap();
        assert!(
            store.issue_bulletin(&banner(), april, day("2026-04-30"), None, false).await.is_err(),
            "April is not over"
        );
        let (issued, new) = store.issue_bulletin(&banner(), april, day("2026-05-06"), None, false).await.unwrap();
        assert!(new);
        let bl = &issued.bulletin;
        assert_eq!(bl.document_number, "清理办通报〔2026〕1号");
        let not_online: Vec<_> = bl.not_online.iter().map(|d| (d.department_code.as_str(), d.pending_items)).collect();
        assert_eq!(not_online, [("sthj", 2)], "zrzy handles online, sthj has two items and no application");
        let cal = store.work_calendar().await.unwrap();
        let due = |id: &str| {
            let store = store.clone();
            let id = id.to_string();
            async move {
                use sqlx::Row;
                let r = sqlx::query("SELECT due_on FROM clock_records WHERE application_id = $1 AND kind = 'review'")
                    .bind(&id)
                    .fetch_optional(store.pool())
                    .await
                    .unwrap();
                match r {
                    Some(r) => day(&r.get::<String, _>(0)),
                    None => sqlx::query("SELECT due_on FROM applications WHERE id = $1")
                        .bind(&id)
                        .fetch_one(store.pool())
                        .await
                        .unwrap()
                        .get::<Option<String>, _>(0)
                        .map(|s| day(&s))
                        .unwrap(),
                }
            }
        };
        let (a_due, c_due) = (due(&a).await, due(&c).await);
        assert!(a_due < day("2026-04-15") && c_due < day("2026-04-30"), "{a_due} {c_due}");
        let listed: Vec<(&str, Option<NaiveDate>, i64)> =
            bl.items.iter().map(|i| (i.project_code.as_str(), i.closed_on, i.overdue_working_days)).collect();
        let mut want = vec![
            (c_code.as_str(), None, cal.working_days_between(c_due, day("2026-04-30"))),
            (a_code.as_str(), Some(day("2026-04-15")), cal.working_days_between(a_due, day("2026-04-15"))),
        ];
        want.sort_by(|x, y| y.2.cmp(&x.2).then(x.0.cmp(y.0)));
        assert_eq!(listed, want, "exactly A (closed late) and C (open, overdue)");
        assert!(!bl.items.iter().any(|i| [&b_code, &d_code, &e_code].contains(&&i.project_code)));
        assert_eq!(bl.items.iter().find(|i| i.project_code == a_code).unwrap().due_on, a_due);
        assert_eq!(bl.notice_breaches.len(), 1);
        assert_eq!(bl.notice_breaches[0].project_code, d_code);
        assert!(bl.notice_breaches[0].detail.contains("超过补正告知期限"), "{}", bl.notice_breaches[0].detail);
        // D's notice limit ran out before its return, so the law had deemed it accepted
        // too (the late return ends the notice clock as deemed).
        assert_eq!(
            bl.deemed_acceptances.iter().map(|f| f.project_code.as_str()).collect::<Vec<_>>(),
            vec![d_code.as_str(), e_code.as_str()]
        );
        let zrzy = bl.departments.iter().find(|l| l.department_code == "zrzy").unwrap();
        assert_eq!((zrzy.overdue_at_end, zrzy.closed_late, zrzy.notice_breaches), (1, 1, 1));
        assert_eq!(zrzy.rank, Some(1), "the only department with clocks that ended");

        // Issued once: asked again, the same bulletin; corrected, a new one naming it.
        let (again, new) = store.issue_bulletin(&banner(), april, day("2026-05-07"), None, false).await.unwrap();
        assert!(!new);
        assert_eq!(again.id, issued.id);
        // Only the office issues: an inspector's correction is refused, and nothing is issued
        // (the office's correction below is still number 2).
        let refused = store.issue_bulletin(&banner(), april, day("2026-05-08"), Some(&inspector), true).await;
        assert!(matches!(refused, Err(qidi_store::StoreError::Forbidden(_))), "{refused:?}");
        let (correction, new) = store.issue_bulletin(&banner(), april, day("2026-05-08"), None, true).await.unwrap();
        assert!(new);
        assert_eq!(correction.bulletin.document_number, "清理办通报〔2026〕2号");
        assert_eq!(correction.bulletin.corrects.as_deref(), Some("清理办通报〔2026〕1号"));
        assert_eq!(store.bulletin(&issued.id).await.unwrap().unwrap().content_hash, issued.content_hash);
        assert!(
            sqlx::query("UPDATE bulletins SET content = '{}'").execute(store.pool()).await.is_err(),
            "the database keeps bulletins as issued"
        );
        assert_eq!(store.latest_bulletin(&banner(), april).await.unwrap().unwrap().id, correction.id);
        // Delivered to the inspector's message centre.
        let inbox = store.messages_for(&inspector, false, 10).await.unwrap();
        assert_eq!(inbox.iter().filter(|m| m.kind == "bulletin").count(), 2);

        // Word: read back paragraph by paragraph.
        let docx = qidi_office::bulletin_docx(bl).unwrap();
        let paragraphs = qidi_office::docx_paragraphs(&docx).unwrap();
        assert!(paragraphs[0].contains("待批项目清理工作领导小组办公室"));
        assert_eq!(paragraphs[1], "清理办通报〔2026〕1号");
        assert_eq!(paragraphs[3], "关于2026年4月待批项目审批超期情况的通报");
        assert_eq!(paragraphs[4], "各审批部门、各派驻纪检监察组：");
        assert_eq!(&paragraphs[5..5 + bl.paragraphs().len()], bl.paragraphs().as_slice());
        assert_eq!(paragraphs.last().unwrap(), "2026年5月6日");
        // PDF: the same words, extracted from the file.
        let fonts = qidi_pdf::Fonts::from_environment().expect("install fonts-noto-cjk for PDF output");
        let pdf = qidi_pdf::bulletin_pdf(bl, &fonts).unwrap();
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let mut text = squeeze(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
        for n in (1..100).rev() {
            text = text.replace(&format!("—{n}—"), ""); // page numbers
        }
        let mut from = 0;
        for p in &paragraphs {
            let want = squeeze(p).replace('━', "");
            let at = text[from..].find(&want).unwrap_or_else(|| panic!("the PDF lacks `{want}`"));
            from += at + want.len();
        }
        // Excel: read back cell by cell.
        let xlsx = qidi_office::bulletin_xlsx(bl).unwrap();
        let path = std::env::temp_dir().join(format!("bulletin-{}.xlsx", qidi_store::new_id()));
        std::fs::write(&path, xlsx).unwrap();
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let sheet = wb.worksheet_range("超期事项").unwrap();
        for (n, item) in bl.items.iter().enumerate() {
            let row = n as u32 + 1;
            let cell = |c: u32| sheet.get_value((row, c)).map(|v| v.to_string()).unwrap_or_default();
            assert_eq!(cell(1), item.project_code);
            assert_eq!(cell(3), item.item_type);
            assert_eq!(cell(4), item.department);
            assert_eq!(cell(5), item.due_on.to_string());
            assert_eq!(cell(6), item.closed_on.map_or_else(|| "未办结".to_string(), |d| d.to_string()));
            assert_eq!(cell(7), item.overdue_working_days.to_string());
        }
        assert_eq!(sheet.height(), bl.items.len() + 1);
        let ranking = wb.worksheet_range("部门排名").unwrap();
        assert_eq!(ranking.get_value((1, 1)).unwrap().to_string(), "旗自然资源局");
    })
    .await;
}
