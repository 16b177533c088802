//! Progress reports (信息报送) and supervision orders (挂牌督办) on both backends: a
//! report is due, reminded by the daily run before its due date, filed, one late and
//! one missing, and both are named in the bulletin; an order is issued on a department,
//! a project and an item, shows where it should, lights red after its deadline, is
//! listed in the bulletin while open and lifted with its result; the bulletin reaches
//! the inspectors of the departments it names.

use chrono::NaiveDate;
use qidi_core::bulletin::Month;
use qidi_core::light::Light;
use qidi_core::progress_report::{ReportSchedule, ReportState};
use qidi_core::supervision::{OrderRequest, OrderTarget};
use qidi_core::Role;
use qidi_store::supervision::{NewOrder, OrderFilter};
use qidi_store::testing::{banner, on_each_backend, test_pending_item, test_user};
use qidi_store::{Store, StoreError};
use sqlx::Row;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The 2026 schedule used below: half-monthly until 30 April, due 3 working days after
/// each period. 2026-03b (16–31 March) is due Friday 3 April; 2026-04a (1–15 April)
/// Monday 20 April; 2026-04b (16–30 April) Friday 8 May, after Labour Day.
async fn schedule_2026(store: &Store, office: &qidi_store::users::User) {
    store.set_campaign_end(&banner(), day("2026-12-31"), office).await.unwrap();
    let plan = store
        .set_report_schedule(office, ReportSchedule { half_monthly_until: day("2026-04-30"), due_working_days: 3 })
        .await
        .unwrap();
    let due = |k: &str| plan.period(k).unwrap().due_on;
    assert_eq!(
        (due("2026-03b"), due("2026-04a"), due("2026-04b"), due("2026-05")),
        (day("2026-04-03"), day("2026-04-20"), day("2026-05-08"), day("2026-06-03"))
    );
}

async fn count_messages(store: &Store, user: &qidi_store::users::User, needle: &str) -> usize {
    store.messages_for(user, false, 100).await.unwrap().iter().filter(|m| m.subject.contains(needle)).count()
}

#[tokio::test]
async fn reports_are_due_reminded_filed_late_missing_and_named() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        test_pending_item(&store, &owner, 1, "land_pre_review", "zrzy").await;
        test_pending_item(&store, &owner, 2, "eia", "sthj").await;
        let office = test_user(&store, "office", Role::Office, None, None, None).await;
        let zrzy = test_user(&store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None, None).await;
        let sthj = test_user(&store, "sthj_h", Role::Handler, Some("sthj"), None, None).await;
        let inspector = test_user(&store, "insp", Role::Inspector, None, None, None).await;
        let other_inspector = test_user(&store, "insp_lcj", Role::Inspector, None, None, None).await;
        let wide_inspector = test_user(&store, "insp_all", Role::Inspector, None, None, None).await;
        let admin = test_user(&store, "admin", Role::Admin, None, None, None).await;
        schedule_2026(&store, &office).await;
        store.set_inspector_departments(&admin, &inspector.id, &["sthj".into()]).await.unwrap();
        store.set_inspector_departments(&admin, &other_inspector.id, &["lcj".into()]).await.unwrap();
        assert!(matches!(
            store.set_inspector_departments(&office, &inspector.id, &["zrzy".into()]).await,
            Err(StoreError::Forbidden(_))
        ));
        assert_eq!(store.inspector_departments(&inspector.id).await.unwrap()[0].code, "sthj");

        // zrzy files 2026-03b on time; nobody else does.
        let r = store.file_progress_report(&zrzy, "2026-03b", "三月下半月办结 1 件。", day("2026-04-02")).await.unwrap();
        assert_eq!((r.version, r.department_code.as_str(), r.due_on), (1, "zrzy", day("2026-04-03")));
        assert_eq!(r.figures.pending, 1, "zrzy handles one pending item");
        // Not before the period ends; not by the office; not for a period that is not one.
        assert!(matches!(
            store.file_progress_report(&zrzy, "2026-04a", "x", day("2026-04-14")).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.file_progress_report(&office, "2026-04a", "x", day("2026-04-20")).await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            store.file_progress_report(&inspector, "2026-04a", "x", day("2026-04-20")).await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(store.file_progress_report(&zrzy, "2026-04c", "x", day("2026-04-20")).await.is_err());

        // Reminded before the due date of 2026-04a (20 April): not on Thursday 16th
        // (two working days before), on Friday 17th (one before).
        assert!(store.run_lights(day("2026-04-16"), "test").await.unwrap().is_some());
        assert_eq!(count_messages(&store, &zrzy, "信息报送提醒").await, 0);
        store.run_lights(day("2026-04-17"), "test").await.unwrap();
        assert_eq!(count_messages(&store, &zrzy, "2026年4月上半月").await, 1);
        assert_eq!(count_messages(&store, &sthj, "2026年4月上半月").await, 1);
        assert!(store.messages_for(&sthj, false, 100).await.unwrap().iter().any(|m| m.kind == "missing_report"
            && m.link.as_deref() == Some("/supervision/reports/new?period=2026-04a")));

        // zrzy files on the due date; the day after, sthj is reminded that it is late,
        // and files the day after that, two working days late.
        store.file_progress_report(&zrzy, "2026-04a", "上半月进展。", day("2026-04-20")).await.unwrap();
        store.run_lights(day("2026-04-21"), "test").await.unwrap();
        assert_eq!(count_messages(&store, &zrzy, "时限 2026-04-20（已逾期）").await, 0);
        assert_eq!(count_messages(&store, &sthj, "时限 2026-04-20（已逾期）").await, 1);
        store.file_progress_report(&sthj, "2026-04a", "上半月进展（迟报）。", day("2026-04-22")).await.unwrap();
        // A second filing is a new version naming the first; lateness stays the first's.
        let v2 = store.file_progress_report(&zrzy, "2026-04a", "上半月进展（更正）。", day("2026-04-24")).await.unwrap();
        assert_eq!(v2.version, 2);
        assert!(v2.supersedes_id.is_some());
        assert!(
            sqlx::query("UPDATE progress_reports SET text = 'x'").execute(store.pool()).await.is_err(),
            "reports are kept as filed"
        );
        let plan = store.report_plan(&banner()).await.unwrap();
        let statuses =
            store.report_statuses(&banner(), plan.period("2026-04a").unwrap(), day("2026-04-30")).await.unwrap();
        let state = |code: &str| statuses.iter().find(|s| s.department_code == code).unwrap().state;
        assert_eq!((state("zrzy"), state("sthj")), (ReportState::OnTime, ReportState::Late));
        assert_eq!(statuses.len(), 2, "only departments handling pending items report");

        // The April bulletin names sthj's missing 2026-03b and late 2026-04a, nothing of zrzy.
        let (issued, _) =
            store.issue_bulletin(&banner(), Month::parse("2026-04").unwrap(), day("2026-05-06"), None, false).await.unwrap();
        let bl = &issued.bulletin;
        let lapses: Vec<(&str, &str, ReportState, i64)> = bl
            .report_lapses
            .iter()
            .map(|l| (l.department_code.as_str(), l.period.as_str(), l.state, l.working_days_late))
            .collect();
        // 3 April to 30 April: 7–10, 13–17, 20–24, 27–30 (Qingming 4–6 off) = 18.
        assert_eq!(lapses, vec![("sthj", "2026-03b", ReportState::Missing, 18), ("sthj", "2026-04a", ReportState::Late, 2)]);
        let line = bl.departments.iter().find(|l| l.department_code == "sthj").unwrap();
        assert_eq!(line.report_lapses, 2);
        assert!(bl.not_reported.is_empty(), "everything is reported: {:?}", bl.not_reported);
        assert!(bl.paragraphs().iter().any(|p| p.contains("旗生态环境分局") && p.contains("2026年4月上半月") && p.contains("逾期 2 个工作日")));
        // Delivered to sthj's inspector and the region-wide one, not to lcj's.
        let got = |u: &qidi_store::users::User| {
            let store = store.clone();
            let u = u.clone();
            async move { store.messages_for(&u, false, 10).await.unwrap().iter().filter(|m| m.kind == "bulletin").count() }
        };
        assert_eq!((got(&inspector).await, got(&wide_inspector).await, got(&other_inspector).await), (1, 1, 0));
        // The events of filing are in the record.
        let filed: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'progress_report.file'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(filed, 4);
    })
    .await;
}

fn request(title: &str, deadline: &str) -> OrderRequest {
    OrderRequest {
        title: title.into(),
        reason: "环评审批超期 10 个工作日".into(),
        required_action: "限期办结并说明原因".into(),
        deadline: day(deadline),
        responsible_person: "王局长".into(),
    }
}

#[tokio::test]
async fn orders_are_issued_shown_lit_listed_and_lifted() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        let (project, item) = test_pending_item(&store, &owner, 7, "eia", "sthj").await;
        let office = test_user(&store, "office", Role::Office, None, None, None).await;
        let sthj = test_user(&store, "sthj_head", Role::DepartmentHead, Some("sthj"), None, None).await;
        let zrzy = test_user(&store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None, None).await;
        let inspector = test_user(&store, "insp", Role::Inspector, None, None, None).await;
        // The project page asks for the orders only when its project says one is open.
        let page_says_open = |project: String| {
            let (store, scope) = (store.clone(), office.scope());
            async move { store.project_page(&scope, &project).await.unwrap().unwrap().open_orders }
        };
        assert!(!page_says_open(project.clone()).await, "no order yet");

        let on = |target, target_id: &str, title: &str, deadline: &str| NewOrder {
            target,
            target_id: target_id.into(),
            request: request(title, deadline),
        };
        // Issued Monday 13 April, due Friday 24 April.
        let dept = store
            .issue_order(
                &office,
                &on(OrderTarget::Department, "sthj", "督办生态环境分局", "2026-04-24"),
                day("2026-04-13"),
            )
            .await
            .unwrap();
        assert_eq!((dept.department_code.as_str(), dept.warn_on), ("sthj", day("2026-04-22")));
        let item_order = store
            .issue_order(&office, &on(OrderTarget::Item, &item, "督办环评审批", "2026-05-29"), day("2026-04-13"))
            .await
            .unwrap();
        assert_eq!(item_order.department_code, "sthj", "an item's order is answered by its handling department");
        assert_eq!(item_order.project_id.as_deref(), Some(project.as_str()));
        assert!(page_says_open(project.clone()).await, "an order on one of its items is open");
        let project_order = store
            .issue_order(
                &office,
                &on(OrderTarget::Project, &project, "督办项目前期手续", "2026-04-20"),
                day("2026-04-13"),
            )
            .await
            .unwrap();
        assert_eq!(project_order.department_code, "fgw", "a project's order is answered by its initiating department");
        // Refused: not the office, bad fields, an unknown department, a deadline before issue.
        for who in [&inspector, &sthj] {
            assert!(matches!(
                store
                    .issue_order(who, &on(OrderTarget::Department, "sthj", "x", "2026-04-24"), day("2026-04-13"))
                    .await,
                Err(StoreError::Forbidden(_))
            ));
        }
        let mut blank = on(OrderTarget::Department, "sthj", "x", "2026-04-24");
        blank.request.responsible_person = " ".into();
        let e = store.issue_order(&office, &blank, day("2026-04-13")).await.unwrap_err();
        assert_eq!(e.to_string(), "责任人：不能为空");
        assert!(store
            .issue_order(&office, &on(OrderTarget::Department, "nope", "x", "2026-04-24"), day("2026-04-13"))
            .await
            .is_err());
        assert!(store
            .issue_order(&office, &on(OrderTarget::Department, "sthj", "x", "2026-04-10"), day("2026-04-13"))
            .await
            .is_err());

        // Shown to the department that answers for it, not to another.
        let mine = store.orders_for(&sthj, &OrderFilter::default(), day("2026-04-21")).await.unwrap();
        assert_eq!(mine.len(), 2);
        assert!(store.orders_for(&zrzy, &OrderFilter::default(), day("2026-04-21")).await.unwrap().is_empty());
        assert!(store.order_for(&zrzy, &dept.id, day("2026-04-21")).await.unwrap().is_none());
        let of_dept =
            store.open_orders_of_department(&sthj.department_id.clone().unwrap(), day("2026-04-21")).await.unwrap();
        assert_eq!(of_dept.len(), 2);
        let of_project = store.open_orders_of_project(&project, day("2026-04-21")).await.unwrap();
        assert_eq!(
            of_project.iter().map(|o| o.title.as_str()).collect::<Vec<_>>(),
            vec!["督办项目前期手续", "督办环评审批"]
        );

        // Lit like a clock: green, yellow from 22 April, red after 24 April.
        let light = |today: &str| {
            let store = store.clone();
            let (office, id, today) = (office.clone(), dept.id.clone(), day(today));
            async move { store.order_for(&office, &id, today).await.unwrap().unwrap().light }
        };
        assert_eq!(light("2026-04-21").await, Some(Light::Green));
        assert_eq!(light("2026-04-22").await, Some(Light::Yellow));
        assert_eq!(light("2026-04-24").await, Some(Light::Yellow));
        assert_eq!(light("2026-04-27").await, Some(Light::Red));

        // The project's order is lifted on 28 April: not open at the month's end.
        assert!(matches!(
            store.lift_order(&inspector, &project_order.id, "已办结", day("2026-04-28")).await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            store.lift_order(&office, &project_order.id, "  ", day("2026-04-28")).await,
            Err(StoreError::Invalid(_))
        ));
        let lifted =
            store.lift_order(&office, &project_order.id, "项目已补齐材料并受理", day("2026-04-28")).await.unwrap();
        assert_eq!((lifted.lifted_on, lifted.light), (Some(day("2026-04-28")), None));
        assert_eq!(lifted.result.as_deref(), Some("项目已补齐材料并受理"));
        assert!(store.lift_order(&office, &project_order.id, "再次", day("2026-04-29")).await.is_err(), "lifted once");
        assert_eq!(store.open_orders_of_project(&project, day("2026-04-29")).await.unwrap().len(), 1);

        // The April bulletin lists the two open orders, the red one first.
        let (issued, _) = store
            .issue_bulletin(&banner(), Month::parse("2026-04").unwrap(), day("2026-05-06"), None, false)
            .await
            .unwrap();
        let open: Vec<(&str, i64)> =
            issued.bulletin.open_orders.iter().map(|o| (o.title.as_str(), o.days_past_deadline)).collect();
        // 24 April to 30 April: 27, 28, 29, 30.
        assert_eq!(open, vec![("督办生态环境分局", 4), ("督办环评审批", 0)]);
        assert_eq!(issued.bulletin.departments.iter().find(|l| l.department_code == "sthj").unwrap().open_orders, 2);
        assert!(issued
            .bulletin
            .paragraphs()
            .iter()
            .any(|p| p.contains("督办生态环境分局") && p.contains("已超过督办时限 4 个工作日")));

        // Lifted in May: the April bulletin keeps it (issued, never rewritten); May's does not list it.
        store.lift_order(&office, &dept.id, "已办结", day("2026-05-07")).await.unwrap();
        let may = store.open_orders_at(&banner(), Month::parse("2026-05").unwrap()).await.unwrap();
        assert_eq!(may.iter().map(|o| o.title.as_str()).collect::<Vec<_>>(), vec!["督办环评审批"]);
        assert!(page_says_open(project.clone()).await, "the item's order is still open");

        // The database lifts once and changes nothing else; nothing is deleted.
        assert!(sqlx::query("UPDATE supervision_orders SET result = 'x'").execute(store.pool()).await.is_err());
        assert!(sqlx::query("UPDATE supervision_orders SET deadline = '2030-01-01' WHERE lifted_on IS NULL")
            .execute(store.pool())
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM supervision_orders").execute(store.pool()).await.is_err());
        store.lift_order(&office, &item_order.id, "已受理", day("2026-05-08")).await.unwrap();
        assert!(!page_says_open(project.clone()).await, "every order on it lifted");
        // Every step is an event.
        let events: Vec<String> =
            sqlx::query("SELECT action FROM events WHERE object_type = 'supervision_order' ORDER BY seq")
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
        assert_eq!(
            events,
            vec![
                "supervision.issue",
                "supervision.issue",
                "supervision.issue",
                "supervision.lift",
                "supervision.lift",
                "supervision.lift"
            ]
        );
    })
    .await;
}
