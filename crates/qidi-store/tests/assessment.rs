//! Department assessment and look-back reviews on both backends.
//!
//! A month of history (April 2026, across the Qingming days off): items closed on
//! time and late, one open and overdue, a late return (a one-time-rule breach and a
//! deemed acceptance), another deemed acceptance, two complaints against 自然资源局
//! (one substantiated, one caller satisfied and one not) and an initiating
//! department's entry. Its assessment is asserted term by term and grade by grade,
//! recomputed after later facts with an equal result, and rescored after the office
//! edits the profile as the arithmetic says. A look-back review by rule and by seeded
//! sample (same seed, same items), findings, a correction going red after its
//! deadline, its closure, and the summary read back from Excel and Word.
//!
//! The process runs on a trial clock at 2026-04-29 10:00 (Asia/Shanghai), so that the
//! facts recorded "today" (complaints, ratings, entries) fall in April.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use qidi_core::assessment::{DepartmentScore, Grade, Period, Profile};
use qidi_core::hotline::{Action as HotlineAction, OrderInput};
use qidi_core::light::Light;
use qidi_core::lookback::{Finding, Rule};
use qidi_core::workflow::{Action, NoticeProblem, OneTimeNotice};
use qidi_core::Role;
use qidi_store::assessment::NewEntry;
use qidi_store::hotline::IntakeSource;
use qidi_store::lookback::NewFinding;
use qidi_store::testing::{banner, on_each_backend, test_pending_item, test_user};
use qidi_store::users::User;
use qidi_store::workflow::ActRequest;
use qidi_store::{Store, StoreError};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&day(s).and_hms_opt(10, 0, 0).unwrap()).unwrap()
}

fn trial_clock() {
    qidi_store::start_trial_clock(at("2026-04-29"));
}

async fn step(store: &Store, u: &User, app: &str, action: Action, on: &str) {
    let req = ActRequest { action, client_token: None, expected_version: None, reason: None };
    store.act_at(u, app, req, at(on)).await.unwrap_or_else(|e| panic!("{on}: {e}"));
}

async fn application(store: &Store, unit: &User, owner: &str, serial: u32) -> String {
    let (_, item) = test_pending_item(store, owner, serial, "land_pre_review", "zrzy").await;
    store.create_application(unit, &item, None).await.unwrap().application.id
}

fn approve(on: &str) -> Action {
    Action::Approve { document_number: format!("正自然资字〔2026〕{on}号"), decided_on: day(on) }
}

struct World {
    office: User,
    fgw: User,
    zrzy: User,
    unit: User,
    owner: String,
    /// A closed late (April), B on time, C open and overdue, D returned late, E deemed.
    apps: [String; 5],
}

async fn history(store: &Store) -> World {
    store.seed_catalogue(&banner()).await.unwrap();
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    let unit = test_user(store, "unit", Role::Applicant, None, Some(&owner), None).await;
    let zrzy = test_user(store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await;
    let fgw = test_user(store, "fgw_h", Role::Handler, Some("fgw"), None, None).await;
    let office = test_user(store, "office", Role::Office, None, None, None).await;
    let submit = || Action::Submit { materials: vec![] };

    let a = application(store, &unit, &owner, 1).await;
    step(store, &unit, &a, submit(), "2026-03-02").await;
    step(store, &zrzy, &a, Action::Accept, "2026-03-02").await;
    step(store, &zrzy, &a, approve("2026-04-15"), "2026-04-15").await;
    let b = application(store, &unit, &owner, 2).await;
    step(store, &unit, &b, submit(), "2026-04-01").await;
    step(store, &zrzy, &b, Action::Accept, "2026-04-01").await;
    step(store, &zrzy, &b, approve("2026-04-10"), "2026-04-10").await;
    let c = application(store, &unit, &owner, 3).await;
    step(store, &unit, &c, submit(), "2026-03-03").await;
    step(store, &zrzy, &c, Action::Accept, "2026-03-03").await;
    let d = application(store, &unit, &owner, 4).await;
    step(store, &unit, &d, submit(), "2026-04-01").await;
    let notice = OneTimeNotice {
        problems: vec![NoticeProblem::new("boundary_survey", "坐标缺失", "补充界址点坐标")],
        suggestions: vec![],
        number: None,
    };
    step(store, &zrzy, &d, Action::Return { notice }, "2026-04-09").await;
    let e = application(store, &unit, &owner, 5).await;
    step(store, &unit, &e, submit(), "2026-04-13").await;
    assert!(store.settle_deemed_acceptance(&e, day("2026-04-28")).await.unwrap());

    // Two complaints about A's item (handled by 自然资源局), led by 发改委.
    let code = "2026-152529-44-01-000001";
    let mut orders = Vec::new();
    for n in ["GD-1", "GD-2"] {
        let o = OrderInput {
            order_number: Some(n.into()),
            category: Some("delay".into()),
            caller_name: Some("王来电".into()),
            caller_phone: Some("13812345678".into()),
            text: Some("土地预审一个月没有办结".into()),
            project_code: Some(code.into()),
            item_type: Some("land_pre_review".into()),
            ..Default::default()
        }
        .check()
        .unwrap();
        orders.push(store.intake_hotline_order(&banner(), IntakeSource::Web(&office), &o).await.unwrap().id);
    }
    for (id, satisfied) in orders.iter().zip([true, false]) {
        store.hotline_act(&fgw, id, HotlineAction::SignFor).await.unwrap();
        store.hotline_act(&fgw, id, HotlineAction::Handle { note: "已督办".into() }).await.unwrap();
        store.hotline_act(&fgw, id, HotlineAction::Reply { text: "已办结".into() }).await.unwrap();
        store.hotline_act(&office, id, HotlineAction::FollowUp { satisfied, note: String::new() }).await.unwrap();
    }
    store.record_hotline_substantiated(&fgw, &orders[0], "zrzy", Some("land_pre_review"), "超期属实").await.unwrap();
    // 发改委 assesses 自然资源局: 80 points.
    let entry = NewEntry { department: "zrzy", score: 8000, comment: "配合推进较慢", project_code: Some(code) };
    store.record_assessment_entry(&fgw, &entry).await.unwrap();
    World { office, fgw, zrzy, unit, owner, apps: [a, b, c, d, e] }
}

fn term(s: &DepartmentScore, key: &str) -> i64 {
    s.terms.iter().find(|t| t.key == key).unwrap_or_else(|| panic!("no term {key}")).contribution
}

fn links(s: &DepartmentScore, key: &str) -> Vec<String> {
    s.terms.iter().find(|t| t.key == key).unwrap().links.iter().map(|l| l.href.clone()).collect()
}

#[tokio::test]
async fn a_month_of_history_is_assessed_term_by_term_and_recomputes_equal() {
    trial_clock();
    on_each_backend(|store| async move {
        let w = history(&store).await;
        let [a, b, c, d, e] = w.apps.clone();
        let app = |id: &str| format!("/applications/{id}");
        let april = store.assessment_period(&banner(), "2026-04").await.unwrap();
        assert!(
            matches!(store.assessment(&banner(), &april, None, day("2026-04-30")).await, Err(StoreError::Invalid(_))),
            "April is not over"
        );
        let facts = store.assessment_facts(&banner(), &april).await.unwrap();
        let result = store.assessment(&banner(), &april, None, day("2026-05-06")).await.unwrap();
        assert_eq!(result.profile_version, 0, "core's default profile");
        let all = &result.assessment.departments;
        let z = all.iter().find(|s| s.department_code == "zrzy").unwrap_or_else(|| panic!("{facts:#?}"));

        // Notice clocks ended in April: B accepted on time; D's ran out (deemed) and its
        // return came late; E's ran out (deemed). 1 of 4 on time: 15 × 1/4 = 3.75.
        let notice: Vec<(&str, &str)> = facts
            .ended_clocks
            .iter()
            .filter(|x| x.kind == "notice_due")
            .map(|x| (x.link.href.as_str(), x.outcome.as_str()))
            .collect();
        let mut want = vec![
            (app(&b), "on_time".to_string()),
            (app(&d), "deemed".into()),
            (app(&d), "late".into()),
            (app(&e), "deemed".into()),
        ];
        want.sort();
        let mut got: Vec<(String, String)> = notice.iter().map(|(h, o)| (h.to_string(), o.to_string())).collect();
        got.sort();
        assert_eq!(got, want, "{facts:#?}");
        assert_eq!(term(z, "notice"), 375);
        // Decisions ended in April: A late, B on time: 20 × 1/2 = 10.
        let decisions: Vec<_> =
            facts.ended_clocks.iter().filter(|x| x.kind == "review" || x.kind == "extension").collect();
        assert_eq!(term(z, "decision"), 1000, "{decisions:#?}");
        assert_eq!(links(z, "decision"), vec![app(&a)]);
        // Initial reviews ended in April, whatever they are, are rated by the same rule.
        let ir: Vec<_> = facts.ended_clocks.iter().filter(|x| x.kind == "initial_review").collect();
        let on = ir.iter().filter(|x| x.outcome == "on_time").count() as i64;
        let want_ir = if ir.is_empty() { 1500 } else { 1500 * on / ir.len() as i64 };
        assert_eq!(term(z, "initial_review"), want_ir, "{ir:#?}");
        assert_eq!(term(z, "forward"), 1000, "no forwards: full marks");
        // Callers: one satisfied of two: 15 × 1/2.
        assert_eq!(term(z, "satisfaction"), 750);
        // Online: B, D and E were submitted in April.
        assert_eq!(term(z, "online"), 1000);
        let mut online = links(z, "online");
        online.sort();
        let mut want_online = vec![app(&b), app(&d), app(&e)];
        want_online.sort();
        assert_eq!(online, want_online);
        // 发改委's entry: 80 of 100: 15 × 0.8.
        assert_eq!(term(z, "entries"), 1200);
        // Deductions: D's late return breaks the notice limit (1 × 3); D and E deemed
        // (2 × 2); A closed late and C open past its limit (2 × 2); two complaints
        // (2 × 0.5), one substantiated (1 × 5); no progress reports yet (0).
        assert_eq!(term(z, "breaches"), -300);
        assert_eq!(links(z, "breaches"), vec![app(&d)]);
        assert_eq!(term(z, "deemed"), -400);
        assert_eq!(term(z, "overdue"), -400);
        let mut overdue = links(z, "overdue");
        overdue.sort();
        let mut want_overdue = vec![app(&a), app(&c)];
        want_overdue.sort();
        assert_eq!(overdue, want_overdue);
        assert_eq!(term(z, "complaints"), -100);
        assert_eq!(term(z, "substantiated"), -500);
        assert_eq!(term(z, "late_reports"), 0);
        let score = 375 + want_ir + 1000 + 1000 + 750 + 1000 + 1200 - 300 - 400 - 400 - 100 - 500;
        assert_eq!(z.score, score);
        assert_eq!(z.grade, Profile::default().grade(score));
        // Average working days used per item type: A's and B's decision clocks.
        assert_eq!(z.average_days.len(), 1);
        assert_eq!(z.average_days[0].clocks, 2);

        // A department without facts: full marks for rates, none for online: 90, 优秀.
        let s = all.iter().find(|s| s.department_code == "sthj").unwrap();
        assert_eq!(s.score, 9000);
        assert_eq!(s.grade, Grade::Excellent);
        assert!(z.rank > s.rank);
        assert_eq!(all.last().unwrap().department_code, "zrzy", "the only department with faults ranks last");

        // Later facts (C decided and F submitted in May, another entry in May's record)
        // do not change April's assessment.
        step(&store, &w.zrzy, &c, approve("2026-05-12"), "2026-05-12").await;
        let f = application(&store, &w.unit, &w.owner, 6).await;
        step(&store, &w.unit, &f, Action::Submit { materials: vec![] }, "2026-05-06").await;
        let again = store.assessment(&banner(), &april, None, day("2026-06-01")).await.unwrap();
        assert_eq!(again.assessment, result.assessment, "recomputed from the record: the same result");
        let may = store.assessment_period(&banner(), "2026-05").await.unwrap();
        let may_z = store.assessment(&banner(), &may, None, day("2026-06-01")).await.unwrap();
        let mz = may_z.assessment.departments.iter().find(|s| s.department_code == "zrzy").unwrap();
        assert_eq!(links(mz, "decision"), vec![app(&c)], "C's late decision counts in May");

        // The office edits the profile: online worth nothing, a substantiated complaint
        // 10 points. 自然资源局 loses 10 (online) and 5 more (the complaint).
        let mut p = Profile { online_weight: 0, substantiated_deduction: 1000, ..Profile::default() };
        assert!(matches!(store.save_assessment_profile(&w.fgw, &p).await, Err(StoreError::Forbidden(_))));
        let v = store.save_assessment_profile(&w.office, &p).await.unwrap();
        assert_eq!(v, 1);
        let edited = store.assessment(&banner(), &april, None, day("2026-06-01")).await.unwrap();
        assert_eq!(edited.profile_version, 1);
        let ez = edited.assessment.departments.iter().find(|s| s.department_code == "zrzy").unwrap();
        assert_eq!(ez.score, score - 1000 - 500);
        assert_eq!(term(ez, "substantiated"), -1000);
        let es = edited.assessment.departments.iter().find(|s| s.department_code == "sthj").unwrap();
        assert_eq!((es.score, es.grade), (9000, Grade::Excellent), "no online points to lose");
        // The first version still gives the first result.
        let v0 = store.assessment(&banner(), &april, Some(0), day("2026-06-01")).await.unwrap();
        assert_eq!(v0.assessment, result.assessment);
        // Thresholds are data too: with 优秀 from 95, 90 is 良好.
        p.excellent = 9500;
        store.save_assessment_profile(&w.office, &p).await.unwrap();
        let graded = store.assessment(&banner(), &april, None, day("2026-06-01")).await.unwrap();
        let gs = graded.assessment.departments.iter().find(|s| s.department_code == "sthj").unwrap();
        assert_eq!(gs.grade, Grade::Good);
        // A bad profile is refused, naming what is wrong.
        p.pass = 9900;
        let err = store.save_assessment_profile(&w.office, &p).await.unwrap_err();
        assert!(err.to_string().contains("优秀 ≥ 良好 ≥ 合格"), "{err}");

        // Profiles and entries are kept as written.
        assert!(sqlx::query("UPDATE assessment_profiles SET content = '{}'").execute(store.pool()).await.is_err());
        assert!(sqlx::query("DELETE FROM assessment_entries").execute(store.pool()).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn entries_come_from_initiating_departments_only() {
    trial_clock();
    on_each_backend(|store| async move {
        let w = history(&store).await;
        let e = |d: &'static str, score: i64, comment: &'static str| NewEntry {
            department: d,
            score,
            comment,
            project_code: None,
        };
        assert!(matches!(
            store.record_assessment_entry(&w.zrzy, &e("sthj", 9000, "好")).await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            store.record_assessment_entry(&w.fgw, &e("fgw", 9000, "好")).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.record_assessment_entry(&w.fgw, &e("zrzy", 10100, "好")).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.record_assessment_entry(&w.fgw, &e("nowhere", 9000, "好")).await,
            Err(StoreError::Invalid(_))
        ));
        let april = Period::parse("2026-04").unwrap();
        // The department assessed sees the entry about it; another department does not.
        assert_eq!(store.assessment_entries(&w.zrzy, &april).await.unwrap().len(), 1);
        let other = test_user(&store, "sthj_h", Role::Handler, Some("sthj"), None, None).await;
        assert!(store.assessment_entries(&other, &april).await.unwrap().is_empty());
        assert_eq!(store.assessment_entries(&w.office, &april).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_look_back_review_runs_end_to_end() {
    trial_clock();
    on_each_backend(|store| async move {
        let w = history(&store).await;
        let [a, b, ..] = w.apps.clone();
        // More closed items, so that a sample chooses.
        for serial in 10..16 {
            let x = application(&store, &w.unit, &w.owner, serial).await;
            step(&store, &w.unit, &x, Action::Submit { materials: vec![] }, "2026-04-20").await;
            step(&store, &w.zrzy, &x, Action::Accept, "2026-04-20").await;
            step(&store, &w.zrzy, &x, approve("2026-04-24"), "2026-04-24").await;
        }
        assert!(matches!(
            store.open_lookback(&w.fgw, "x", &Rule::AllClosed, None, None).await,
            Err(StoreError::Forbidden(_))
        ));
        // By rule: the late approvals are A alone.
        let late = store.open_lookback(&w.office, "超期审批回头看", &Rule::LateApprovals, None, None).await.unwrap();
        let v = store.lookback(&w.office, &late, day("2026-04-29")).await.unwrap();
        assert_eq!(v.items.iter().map(|i| i.object_id.clone()).collect::<Vec<_>>(), vec![a.clone()]);
        let dept = Rule::DepartmentItems { department_code: "zrzy".into() };
        let all = store.open_lookback(&w.office, "自然资源局", &dept, None, None).await.unwrap();
        assert_eq!(
            store.lookback(&w.office, &all, day("2026-04-29")).await.unwrap().items.len(),
            8,
            "A, B and six more"
        );
        // By sample: the same seed gives the same items; another seed, others.
        let ids = |v: qidi_store::lookback::ReviewView| v.items.into_iter().map(|i| i.object_id).collect::<Vec<_>>();
        let s1 = store.open_lookback(&w.office, "抽查一", &dept, Some(3), Some(20260429)).await.unwrap();
        let s2 = store.open_lookback(&w.office, "抽查二", &dept, Some(3), Some(20260429)).await.unwrap();
        let s3 = store.open_lookback(&w.office, "抽查三", &dept, Some(3), Some(7)).await.unwrap();
        let one = ids(store.lookback(&w.office, &s1, day("2026-04-29")).await.unwrap());
        assert_eq!(one.len(), 3);
        assert_eq!(one, ids(store.lookback(&w.office, &s2, day("2026-04-29")).await.unwrap()));
        assert_ne!(one, ids(store.lookback(&w.office, &s3, day("2026-04-29")).await.unwrap()));
        let fresh = store.open_lookback(&w.office, "抽查四", &dept, Some(2), None).await.unwrap();
        let seed = store.lookback(&w.office, &fresh, day("2026-04-29")).await.unwrap().review.sample.unwrap().seed;
        let again = store.open_lookback(&w.office, "抽查四复现", &dept, Some(2), Some(seed)).await.unwrap();
        assert_eq!(
            ids(store.lookback(&w.office, &fresh, day("2026-04-29")).await.unwrap()),
            ids(store.lookback(&w.office, &again, day("2026-04-29")).await.unwrap()),
            "a generated seed is stored and reproduces the sample"
        );

        // Findings on the review of 自然资源局's items.
        let f = |id: &str, finding, note: &'static str, correction: &'static str, deadline: Option<&str>| {
            let id = id.to_string();
            let deadline = deadline.map(day);
            (id, finding, note, correction, deadline)
        };
        let rows = [
            f(&a, Finding::CorrectionNeeded, "超期未说明理由", "补充超期说明并报备", Some("2026-05-08")),
            f(&b, Finding::NoProblem, "", "", None),
        ];
        for (id, finding, note, correction, deadline) in &rows {
            let nf = NewFinding {
                object_type: "application",
                object_id: id,
                finding: *finding,
                note,
                correction,
                deadline: *deadline,
            };
            store.record_lookback_finding(&w.office, &all, &nf).await.unwrap();
        }
        let bad = NewFinding {
            object_type: "application",
            object_id: &b,
            finding: Finding::CorrectionNeeded,
            note: "x",
            correction: "",
            deadline: Some(day("2026-05-08")),
        };
        let err = store.record_lookback_finding(&w.office, &all, &bad).await.unwrap_err();
        assert!(err.to_string().contains("整改要求"), "{err}");
        // The correction's light: green now, yellow near, red after 8 May.
        let light = |v: &qidi_store::lookback::ReviewView| v.items.iter().find(|i| i.object_id == a).unwrap().light;
        assert_eq!(light(&store.lookback(&w.office, &all, day("2026-04-29")).await.unwrap()), Some(Light::Green));
        assert_eq!(light(&store.lookback(&w.office, &all, day("2026-05-08")).await.unwrap()), Some(Light::Yellow));
        let red = store.lookback(&w.office, &all, day("2026-05-11")).await.unwrap();
        assert_eq!(light(&red), Some(Light::Red));
        assert_eq!((red.summary.open_corrections, red.summary.red), (1, 1));
        // Closed: no light; the review ends; the summary is exported.
        store.close_lookback_correction(&w.office, &all, "application", &a, "已补充说明").await.unwrap();
        let closed = store.lookback(&w.office, &all, day("2026-05-11")).await.unwrap();
        assert_eq!(light(&closed), None);
        let s = &closed.summary;
        assert_eq!(
            (s.items, s.no_problem, s.correction_needed, s.corrected, s.open_corrections, s.unreviewed),
            (8, 1, 1, 1, 0, 6)
        );
        store.close_lookback(&w.office, &all).await.unwrap();
        assert!(matches!(store.close_lookback(&w.office, &all).await, Err(StoreError::Conflict(_))));

        let report = store.lookback_report(&w.office, &all, day("2026-05-11")).await.unwrap();
        let docx = qidi_office::lookback_docx(&report).unwrap();
        let paragraphs = qidi_office::docx_paragraphs(&docx).unwrap();
        assert!(paragraphs[0].ends_with("待批项目清理工作领导小组办公室"), "{paragraphs:?}");
        assert_eq!(paragraphs[3], "关于自然资源局情况的报告");
        assert_eq!(&paragraphs[5..5 + report.paragraphs().len()], report.paragraphs().as_slice());
        assert!(paragraphs.iter().any(|p| p.contains("未发现问题 1 件，发现问题 0 件，需要整改 1 件，尚未检查 6 件")));
        assert!(paragraphs
            .iter()
            .any(|p| p.contains("整改要求：补充超期说明并报备，期限 2026-05-08") && p.contains("已于")));
        assert_eq!(paragraphs.last().unwrap(), "2026年5月11日");
        let xlsx = qidi_office::lookback_xlsx(&report).unwrap();
        let path = std::env::temp_dir().join(format!("lookback-{}.xlsx", qidi_store::new_id()));
        std::fs::write(&path, xlsx).unwrap();
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let sum = wb.worksheet_range("汇总").unwrap();
        let cell = |r: u32, c: u32| sum.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
        assert_eq!((cell(1, 0), cell(1, 1)), ("检查事项".to_string(), "8".to_string()));
        assert_eq!((cell(5, 0), cell(5, 1)), ("需要整改".to_string(), "1".to_string()));
        assert_eq!((cell(6, 0), cell(6, 1)), ("已整改".to_string(), "1".to_string()));
        let list = wb.worksheet_range("检查清单").unwrap();
        assert_eq!(list.height(), 9);
        let row_a = (1..9u32)
            .find(|r| list.get_value((*r, 4)).map(|v| v.to_string()) == Some("超期未说明理由".into()))
            .expect("A's row");
        assert_eq!(list.get_value((row_a, 3)).unwrap().to_string(), "需要整改");
        assert_eq!(list.get_value((row_a, 6)).unwrap().to_string(), "2026-05-08");
        let _ = std::fs::remove_file(&path);
    })
    .await;
}
