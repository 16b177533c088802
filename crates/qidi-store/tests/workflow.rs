//! The workflow store on both backends: one transaction per step, optimistic
//! concurrency, idempotent tokens, the grant on approval, scope.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use qidi_core::workflow::{Action, ApplicationState, NoticeProblem, OneTimeNotice, PauseReason};
use qidi_core::{RegionCode, Role};
use qidi_store::testing::on_each_backend;
use qidi_store::users::{NewUser, User};
use qidi_store::workflow::{ActRequest, WorkflowError};
use qidi_store::Store;
use sqlx::Row;

fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

const PASSWORD: &str = "Test-Ledger-2026";

struct Fixture {
    applicant: User,
    handler: User,
    other_handler: User,
    inspector: User,
    item: String,
    project: String,
}

async fn user(store: &Store, name: &str, role: Role, dept: Option<&str>, owner: Option<&str>) -> User {
    let dept_id = match dept {
        Some(code) => Some(store.department_id(&banner(), code).await.unwrap()),
        None => None,
    };
    store
        .create_user(
            &NewUser {
                region: &banner(),
                username: name,
                display_name: &format!("{name} 显示名"),
                role,
                department_id: dept_id.as_deref(),
                owner_id: owner,
                password: PASSWORD,
            },
            None,
        )
        .await
        .unwrap()
}

async fn fixture(store: &Store) -> Fixture {
    store.seed_catalogue(&banner()).await.unwrap();
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    let fgw = store.department_id(&banner(), "fgw").await.unwrap();
    let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
    let project = qidi_store::new_id();
    let now = qidi_store::now_text();
    sqlx::query(
        "INSERT INTO projects (id, region_code, code, name, owner_id, initiating_department_id, stage, in_library, created_at, updated_at)
         VALUES ($1, '152529', '2022-152529-44-01-000001', '明安图风电场项目', $2, $3, 'not_started', TRUE, $4, $4)",
    )
    .bind(&project)
    .bind(&owner)
    .bind(&fgw)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    let item = qidi_store::new_id();
    let t: String = sqlx::query("SELECT id FROM item_types WHERE code = 'land_pre_review'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    sqlx::query(
        "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
         VALUES ($1, '152529', $2, $3, $4, 'pending', $5)",
    )
    .bind(&item)
    .bind(&project)
    .bind(&t)
    .bind(&zrzy)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    Fixture {
        applicant: user(store, "unit", Role::Applicant, None, Some(&owner)).await,
        handler: user(store, "zrzy_h", Role::Handler, Some("zrzy"), None).await,
        other_handler: user(store, "slj_h", Role::Handler, Some("slj"), None).await,
        inspector: user(store, "insp", Role::Inspector, None, None).await,
        item,
        project,
    }
}

fn at(y: i32, m: u32, d: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

fn req(action: Action) -> ActRequest {
    ActRequest { action, client_token: None, expected_version: None, reason: None }
}

fn submit() -> Action {
    Action::Submit { materials: Vec::new() }
}

async fn upload_all(store: &Store, dir: &std::path::Path, u: &User, app: &str) {
    let codes: Vec<String> = store.application_detail(u, app).await.unwrap().facts.required_materials;
    for c in codes {
        store
            .upload_material(dir, u, app, &c, &format!("{c}.pdf"), Some("application/pdf"), b"%PDF-1.4 x")
            .await
            .unwrap();
    }
}

fn data_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("qidi-wf-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test]
async fn shipped_item_types_get_default_checklists() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let rows = sqlx::query("SELECT code, required_materials, prerequisites FROM item_types ORDER BY code")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(rows.len(), 8);
        for r in &rows {
            let code: String = r.get(0);
            let ms: Vec<serde_json::Value> = serde_json::from_str(&r.get::<String, _>(1)).unwrap();
            assert!(ms.len() >= 4, "{code} has a default checklist");
            let pre: Vec<String> = serde_json::from_str(&r.get::<String, _>(2)).unwrap();
            if code == "construction_permit" {
                assert_eq!(pre, vec!["land_pre_review".to_string()]);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_step_is_one_transaction_and_approval_grants_the_item() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        assert_eq!(app.state, ApplicationState::Draft);

        // Before uploading, the unit is warned of every missing material, by name.
        let draft = store.application_detail(&f.applicant, &app.id).await.unwrap();
        assert_eq!(draft.warnings.missing_materials.len(), draft.checklist.len());
        assert!(draft.warnings.missing_materials.iter().all(|m| !m.name.is_empty() && m.name != m.code));
        assert!(draft.can("submit"), "a unit may always submit");
        upload_all(&store, &dir, &f.applicant, &app.id).await;
        assert!(store.application_detail(&f.applicant, &app.id).await.unwrap().warnings.is_empty());

        let out = store.act_at(&f.applicant, &app.id, req(submit()), at(2022, 9, 5)).await.unwrap();
        assert!(out.warnings.unwrap().is_empty());
        let notice = OneTimeNotice {
            problems: vec![NoticeProblem::new("boundary_survey", "坐标缺失", "补充界址点坐标")],
            suggestions: vec![],
            number: None,
        };
        let out = store.act_at(&f.handler, &app.id, req(Action::Return { notice }), at(2022, 9, 7)).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Returned);
        assert_eq!(out.application.awaiting.as_deref(), Some("unit"));
        store.upload_material(&dir, &f.applicant, &app.id, "boundary_survey", "new.pdf", None, b"fixed").await.unwrap();
        let out = store
            .act_at(
                &f.applicant,
                &app.id,
                req(Action::Resubmit { materials: vec![], replaced: vec![] }),
                at(2022, 9, 8),
            )
            .await
            .unwrap();
        // The notice limit binds first: 3 working days after Thursday 8 September 2022,
        // the Mid-Autumn Monday (12th) off → Wednesday 14 September.
        assert_eq!(out.application.due_on, NaiveDate::from_ymd_opt(2022, 9, 14));
        assert_eq!(out.application.clock_kind.as_deref(), Some("notice_due"));
        let view = store.application_view(&f.handler, &app.id).await.unwrap();
        assert_eq!(view.submissions.last().unwrap().replaced, vec!["boundary_survey".to_string()]);

        store.act_at(&f.handler, &app.id, req(Action::Accept), at(2022, 9, 9)).await.unwrap();
        store
            .act_at(
                &f.handler,
                &app.id,
                req(Action::Pause { reason: PauseReason::ExpertReview, note: "专家评审".into() }),
                at(2022, 9, 13),
            )
            .await
            .unwrap();
        let paused = store.application(&f.handler, &app.id).await.unwrap();
        assert_eq!((paused.due_on, paused.paused_since), (None, NaiveDate::from_ymd_opt(2022, 9, 13)));
        store.act_at(&f.handler, &app.id, req(Action::Resume), at(2022, 9, 20)).await.unwrap();
        let resumed = store.application(&f.handler, &app.id).await.unwrap();
        assert!(resumed.due_on.is_some() && resumed.paused_since.is_none());

        let approve = Action::Approve {
            document_number: "正自然资字〔2022〕12号".into(),
            decided_on: at(2022, 9, 30).date_naive(),
        };
        let out = store.act_at(&f.handler, &app.id, req(approve), at(2022, 9, 30)).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Approved);
        assert_eq!(out.application.pending_item_status, "granted");
        assert_eq!(out.version, 7);
        let grants: i64 =
            sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'pending_item.grant' AND object_id = $1")
                .bind(&f.item)
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
        assert_eq!(grants, 1);

        let detail = store.application_detail(&f.applicant, &app.id).await.unwrap();
        let days: Vec<i64> = detail.timeline.iter().map(|s| s.working_days_since_previous).collect();
        // 5 Sep → 7 Sep: 2; → 8: 1; → 9: 1 (Mid-Autumn is the 10th–12th); → 13: 1; → 20: 5; → 30: 8.
        assert_eq!(&days[1..], &[2, 1, 1, 1, 5, 8]);
        assert!(detail.available_actions.is_empty(), "nothing is open after the decision");
        assert_eq!(detail.timeline[1].actor_name, "zrzy_h 显示名");
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn two_handlers_deciding_at_once_yield_one_decision() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let second = user(&store, "zrzy_h2", Role::Handler, Some("zrzy"), None).await;
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        upload_all(&store, &dir, &f.applicant, &app.id).await;
        store.act(&f.applicant, &app.id, req(submit())).await.unwrap();
        let accepted = store.act(&f.handler, &app.id, req(Action::Accept)).await.unwrap();
        let v = accepted.version;
        let mk = |who: &str| ActRequest {
            action: Action::Approve { document_number: format!("文号-{who}"), decided_on: qidi_store::today() },
            client_token: None,
            expected_version: Some(v),
            reason: None,
        };
        let (a, b) = (store.clone(), store.clone());
        let (h1, h2) = (f.handler.clone(), second.clone());
        let (id1, id2) = (app.id.clone(), app.id.clone());
        let (r1, r2) = (mk("1"), mk("2"));
        let t1 = tokio::spawn(async move { a.act(&h1, &id1, r1).await });
        let t2 = tokio::spawn(async move { b.act(&h2, &id2, r2).await });
        let (r1, r2) = (t1.await.unwrap(), t2.await.unwrap());
        assert_eq!([&r1, &r2].iter().filter(|r| r.is_ok()).count(), 1, "exactly one decision: {r1:?} / {r2:?}");
        let ((Err(err), _) | (_, Err(err))) = (r1, r2) else { unreachable!("one failed") };
        assert!(matches!(&err, WorkflowError::Conflict(_)), "the loser gets a conflict: {err:?}");
        let decisions: i64 =
            sqlx::query("SELECT COUNT(*) FROM events WHERE object_id = $1 AND action = 'application.approve'")
                .bind(&app.id)
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
        assert_eq!(decisions, 1);
        let final_row = store.application(&f.handler, &app.id).await.unwrap();
        assert_eq!(final_row.version, accepted.version + 1);
    })
    .await;
}

#[tokio::test]
async fn tokens_make_steps_idempotent_and_scope_hides_applications() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let c1 = store.create_application(&f.applicant, &f.item, Some("form-1")).await.unwrap();
        let c2 = store.create_application(&f.applicant, &f.item, Some("form-1")).await.unwrap();
        assert!(c1.created && !c2.created);
        assert_eq!(c1.application.id, c2.application.id);
        let e = store.create_application(&f.applicant, &f.item, Some("form-2")).await.unwrap_err();
        assert!(matches!(e, WorkflowError::Conflict(_)), "one open application per item: {e:?}");
        let id = c1.application.id;
        upload_all(&store, &dir, &f.applicant, &id).await;
        let with = |t: &str| ActRequest {
            action: submit(),
            client_token: Some(t.into()),
            expected_version: Some(0),
            reason: None,
        };
        let first = store.act(&f.applicant, &id, with("submit-1")).await.unwrap();
        let again = store.act(&f.applicant, &id, with("submit-1")).await.unwrap();
        assert!(!first.repeated && again.repeated);
        assert_eq!((first.seq, first.version), (again.seq, again.version));
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE object_id = $1 AND action = 'application.submit'")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 1);
        // Without the token the repeat is a conflict with the reason.
        let e = store.act(&f.applicant, &id, req(submit())).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.is_repeat()), "{e:?}");

        // Another department: not found. The inspector sees it but may not act.
        assert!(matches!(store.application(&f.other_handler, &id).await, Err(WorkflowError::NotFound)));
        assert!(matches!(store.act(&f.other_handler, &id, req(Action::Accept)).await, Err(WorkflowError::NotFound)));
        store.application(&f.inspector, &id).await.unwrap();
        let e = store.act(&f.inspector, &id, req(Action::Accept)).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.code() == "role_cannot_act"), "{e:?}");
        assert!(store.inbox(&f.other_handler).await.unwrap().is_empty());
        assert_eq!(store.inbox(&f.handler).await.unwrap().len(), 1);
        let _ = f.project;
    })
    .await;
}

#[tokio::test]
async fn loading_a_new_years_notice_recomputes_a_running_application_deadline() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        upload_all(&store, &dir, &f.applicant, &app.id).await;
        // The notice limit from Wednesday 30 December 2026, 3 working days, runs into
        // 2027, whose notice is not loaded: on the weekday rule alone it is Monday
        // 4 January, and provisional.
        let out = store.act_at(&f.applicant, &app.id, req(submit()), at(2026, 12, 30)).await.unwrap();
        assert_eq!(out.application.due_on, NaiveDate::from_ymd_opt(2027, 1, 4));
        assert!(out.application.provisional);
        let file = qidi_core::calendar::HolidayFile::parse(
            r#"{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
        )
        .unwrap();
        store.import_calendar_file(&file, None).await.unwrap();
        let after = store.application(&f.handler, &app.id).await.unwrap();
        assert_eq!(after.due_on, NaiveDate::from_ymd_opt(2027, 1, 5), "New Year's Day no longer counts");
        assert!(!after.provisional);
    })
    .await;
}

#[tokio::test]
async fn the_construction_permit_waits_for_land_pre_review() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let permit_type: String = sqlx::query("SELECT id FROM item_types WHERE code = 'construction_permit'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        let zjj = store.department_id(&banner(), "zjj").await.unwrap();
        let permit = qidi_store::new_id();
        sqlx::query(
            "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
             VALUES ($1, '152529', $2, $3, $4, 'pending', $5)",
        )
        .bind(&permit)
        .bind(&f.project)
        .bind(&permit_type)
        .bind(&zjj)
        .bind(qidi_store::now_text())
        .execute(store.pool())
        .await
        .unwrap();
        let app = store.create_application(&f.applicant, &permit, None).await.unwrap().application;
        upload_all(&store, &dir, &f.applicant, &app.id).await;
        // The unit sees the open prerequisite before it submits, and may still submit
        // (R11): whether to wait is the department's call, on the department's clock.
        let draft = store.application_detail(&f.applicant, &app.id).await.unwrap();
        assert_eq!(draft.warnings.unmet_prerequisites, vec!["用地预审与选址".to_string()]);
        let out = store.act(&f.applicant, &app.id, req(submit())).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Submitted);
        assert_eq!(out.warnings.unwrap().summary_zh(), "前置事项未办结：用地预审与选址");
        // The handler sees the same list on the application.
        let zjj_handler = user(&store, "zjj_h", Role::Handler, Some("zjj"), None).await;
        let seen = store.application_detail(&zjj_handler, &app.id).await.unwrap();
        assert_eq!(seen.warnings.unmet_prerequisites, vec!["用地预审与选址".to_string()]);
        assert!(seen.can("return") && seen.can("accept"));
        assert_eq!(store.application_view(&f.applicant, &app.id).await.unwrap().state, ApplicationState::Submitted);
    })
    .await;
}

#[tokio::test]
async fn step_tokens_carry_the_region() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        upload_all(&store, &dir, &f.applicant, &app.id).await;
        let mut r = req(submit());
        r.client_token = Some("token-region-1".into());
        store.act(&f.applicant, &app.id, r).await.unwrap();
        let region: String =
            sqlx::query("SELECT region_code FROM application_requests WHERE client_token = 'token-region-1'")
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
        assert_eq!(region, "152529");
    })
    .await;
}

#[tokio::test]
async fn a_step_waits_for_a_running_calendar_import_and_both_go_through() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let dir = data_dir();
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        upload_all(&store, &dir, &f.applicant, &app.id).await;
        // A calendar import under way: it holds the calendar lock, and will rewrite this
        // application's deadline before it commits.
        let mut import = store.pool().begin().await.unwrap();
        qidi_store::calendar::locked_calendar(&mut import).await.unwrap();
        let step = {
            let (store, user, id) = (store.clone(), f.applicant.clone(), app.id.clone());
            tokio::spawn(async move { store.act_at(&user, &id, req(submit()), at(2026, 12, 1)).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!step.is_finished(), "the step waits for the import");
        // Had the step locked its application row first, this would deadlock on PostgreSQL.
        sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
            .bind(qidi_store::now_text())
            .bind(&app.id)
            .execute(&mut *import)
            .await
            .unwrap();
        import.commit().await.unwrap();
        let out = step.await.unwrap().unwrap();
        assert_eq!(out.application.state, ApplicationState::Submitted);
        assert!(out.application.due_on.is_some(), "its deadline was computed under the lock");
    })
    .await;
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ret(material: &str) -> Action {
    Action::Return {
        notice: OneTimeNotice {
            problems: vec![NoticeProblem::new(material, "缺少盖章页", "补充盖章页")],
            suggestions: vec![],
            number: Some("由客户端填写的编号".into()),
        },
    }
}

async fn clock_rows(store: &Store, app: &str) -> Vec<(String, String, String, i64)> {
    sqlx::query(
        "SELECT kind, outcome, ended_by, days_overdue FROM clock_records WHERE application_id = $1 ORDER BY ended_seq, kind",
    )
    .bind(app)
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
    .collect()
}

/// Submitted on Thursday 29 September 2022 with nothing uploaded: it goes through. The
/// notice limit counts the 30th and the make-up working days 8 and 9 October; on the
/// 10th qidi records 视为受理, and a return on the 12th is flagged late by 3 working days.
#[tokio::test]
async fn deemed_acceptance_is_recorded_once_and_a_late_return_is_kept_as_late() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        let out = store.act_at(&f.applicant, &app.id, req(submit()), at(2022, 9, 29)).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Submitted, "missing materials never block");
        let warned = out.warnings.unwrap();
        assert_eq!(warned.missing_materials.len(), 5);
        assert!(warned.summary_zh().starts_with("缺少材料：建设项目用地预审与选址申请表、"), "{}", warned.summary_zh());
        assert_eq!(out.application.due_on, Some(date("2022-10-09")), "the notice limit, on a 调休 Sunday");

        assert!(!store.settle_deemed_acceptance(&app.id, date("2022-10-09")).await.unwrap());
        assert_eq!(store.settle_deemed_acceptances(date("2022-10-10")).await.unwrap(), 1);
        assert_eq!(store.settle_deemed_acceptances(date("2022-10-11")).await.unwrap(), 0, "recorded once");
        let row = store.application(&f.handler, &app.id).await.unwrap();
        assert_eq!((row.state, row.version), (ApplicationState::UnderReview, 2));
        assert_eq!(row.clock_kind.as_deref(), Some("review"));
        let detail = store.application_detail(&f.handler, &app.id).await.unwrap();
        let deemed = detail.view.deemed.clone().unwrap();
        assert_eq!((deemed.on, deemed.received_on), (date("2022-10-10"), date("2022-09-29")));
        assert_eq!(detail.view.accepted_on, Some(date("2022-09-29")));
        let step = &detail.timeline[1];
        assert_eq!((step.action_label, step.by_system, step.on), ("视为受理", true, date("2022-10-10")));
        assert!(step.summary.contains("视为受理"), "{}", step.summary);
        let system_events: i64 = sqlx::query(
            "SELECT COUNT(*) FROM events WHERE action = 'application.deem_accept' AND actor_role = 'system' AND actor_id IS NULL",
        )
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
        assert_eq!(system_events, 1);
        assert!(!detail.can("accept"), "already accepted");
        assert!(detail.can("return"), "a late return is still possible");

        let out = store.act_at(&f.handler, &app.id, req(ret("boundary_survey")), at(2022, 10, 12)).await.unwrap();
        assert!(out.after_notice_limit && !out.breaks_one_time_rule);
        assert_eq!(out.notice_number.as_deref(), Some("自然资源告〔2022〕1号"), "the client's number is replaced");
        assert_eq!(
            clock_rows(&store, &app.id).await,
            vec![
                ("initial_review".to_string(), "on_time".to_string(), "deem_accept".to_string(), 0),
                ("notice_due".to_string(), "deemed".to_string(), "deem_accept".to_string(), 0),
                ("notice_due".to_string(), "late".to_string(), "return".to_string(), 3),
                ("review".to_string(), "on_time".to_string(), "return".to_string(), 0),
            ]
        );

        // Queryable by department and month; the inspector sees it, another department not.
        let filter = |month: &str, outcome: &str| qidi_store::workflow::ClockRecordFilter {
            department: Some("zrzy".into()),
            month: Some(month.into()),
            outcome: Some(outcome.into()),
        };
        let late = store.clock_records(&f.inspector, &filter("2022-10", "late")).await.unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!((late[0].kind.as_str(), late[0].days_overdue, late[0].due_on.as_str()), ("notice_due", 3, "2022-10-09"));
        assert!(store.clock_records(&f.inspector, &filter("2022-09", "late")).await.unwrap().is_empty());
        assert!(store.clock_records(&f.other_handler, &filter("2022-10", "late")).await.unwrap().is_empty());
        let e = store.clock_records(&f.inspector, &filter("2022/10", "late")).await.unwrap_err();
        assert!(e.to_string().contains("YYYY-MM"), "{e}");

        // The next return of the department that year takes the next number.
        store.act_at(&f.applicant, &app.id, req(Action::Resubmit { materials: vec![], replaced: vec![] }), at(2022, 10, 13)).await.unwrap();
        let out = store.act_at(&f.handler, &app.id, req(ret("planning_map")), at(2022, 10, 14)).await.unwrap();
        assert_eq!(out.notice_number.as_deref(), Some("自然资源告〔2022〕2号"));
        assert!(!out.after_notice_limit);
        let detail = store.application_detail(&f.applicant, &app.id).await.unwrap();
        let numbers: Vec<_> = detail.view.notices.iter().map(|n| n.notice.number.clone().unwrap()).collect();
        assert_eq!(numbers, vec!["自然资源告〔2022〕1号", "自然资源告〔2022〕2号"]);
        // The database keeps notices as issued.
        let changed = sqlx::query("UPDATE one_time_notices SET serial = 9").execute(store.pool()).await;
        assert!(changed.is_err(), "notices cannot be renumbered");
        let changed = sqlx::query("DELETE FROM clock_records").execute(store.pool()).await;
        assert!(changed.is_err(), "clock records cannot be deleted");
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_step_after_the_notice_limit_finds_the_deemed_acceptance_first() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        store.act_at(&f.applicant, &app.id, req(submit()), at(2022, 9, 29)).await.unwrap();
        // Nobody swept; the handler's acceptance on 11 October comes after the law's.
        let e = store.act_at(&f.handler, &app.id, req(Action::Accept), at(2022, 10, 11)).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.is_repeat()), "{e:?}");
        let view = store.application_view(&f.handler, &app.id).await.unwrap();
        assert_eq!(view.deemed.unwrap().on, date("2022-10-10"));
        // Approved later: the document dated from receipt, and lateness kept if any.
        let approve = Action::Approve {
            document_number: "正自然资字〔2022〕40号".into(),
            decided_on: date("2022-10-20"),
        };
        let out = store.act_at(&f.handler, &app.id, req(approve), at(2022, 11, 10)).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Approved);
        let review = clock_rows(&store, &app.id).await.into_iter().find(|r| r.0 == "review").unwrap();
        // Land pre-review promises 20 working days from 29 September: due 1 November;
        // decided on 10 November, 7 working days late.
        assert_eq!((review.1.as_str(), review.3), ("late", 7));
        let timeline = store.application_detail(&f.handler, &app.id).await.unwrap().timeline;
        let last = timeline.last().unwrap();
        assert!(last.late(), "the approval step shows it closed late");
        assert!(last.clocks_ended.iter().any(|r| r.summary_zh() == "承诺审批时限超期 7 个工作日办结"));
    })
    .await;
}

#[tokio::test]
async fn only_the_department_head_extends_and_the_new_deadline_is_lit() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let head = user(&store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None).await;
        let app = store.create_application(&f.applicant, &f.item, None).await.unwrap().application;
        store.act_at(&f.applicant, &app.id, req(submit()), at(2022, 8, 31)).await.unwrap();
        store.act_at(&f.handler, &app.id, req(Action::Accept), at(2022, 9, 1)).await.unwrap();
        let before = store.application(&f.handler, &app.id).await.unwrap();
        assert_eq!(before.due_on, Some(date("2022-09-30")));
        let extend = || req(Action::Extend { reason: "需补充现场踏勘".into() });
        let e = store.act_at(&f.handler, &app.id, extend(), at(2022, 9, 28)).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.code() == "not_department_head"), "{e:?}");
        assert!(store.application_detail(&head, &app.id).await.unwrap().can("extend"));
        assert!(!store.application_detail(&f.handler, &app.id).await.unwrap().can("extend"));
        let out = store.act_at(&head, &app.id, extend(), at(2022, 9, 28)).await.unwrap();
        assert_eq!(out.application.due_on, Some(date("2022-10-19")), "10 more working days, 调休 counted");
        assert_eq!(out.application.clock_kind.as_deref(), Some("extension"));
        let e = store.act_at(&head, &app.id, extend(), at(2022, 9, 29)).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.code() == "already_extended"), "{e:?}");
        let detail = store.application_detail(&f.applicant, &app.id).await.unwrap();
        assert_eq!(detail.view.extension.as_ref().unwrap().reason, "需补充现场踏勘");
        assert_eq!(detail.clocks[0].label, "延期后审批时限");
        assert_eq!(clock_rows(&store, &app.id).await.last().unwrap().2, "extend");
    })
    .await;
}

#[tokio::test]
async fn the_catalogue_keeps_promises_within_the_law_and_prerequisites_acyclic() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let office = user(&store, "office", Role::Office, None, None).await;
        let id_of = |code: &'static str| {
            let pool = store.pool().clone();
            async move {
                sqlx::query("SELECT id FROM item_types WHERE code = $1")
                    .bind(code)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
                    .get::<String, _>(0)
            }
        };
        let land = id_of("land_pre_review").await;
        let over = qidi_store::workflow::ItemTypeEdit { promised_limit: Some(999), ..Default::default() };
        let e = store.update_item_type(&office, &land, &over).await.unwrap_err();
        assert!(e.to_string().starts_with("承诺时限（999）不能超过法定时限"), "{e}");
        let cycle = qidi_store::workflow::ItemTypeEdit {
            prerequisites: Some(vec!["construction_permit".into()]),
            ..Default::default()
        };
        let e = store.update_item_type(&office, &land, &cycle).await.unwrap_err();
        assert!(e.to_string().contains("前置事项不能形成循环：用地预审与选址 → "), "{e}");
        let fine = qidi_store::workflow::ItemTypeEdit { extension_limit: Some(0), ..Default::default() };
        assert_eq!(store.update_item_type(&office, &land, &fine).await.unwrap().extension_limit, 0);

        // A bad stored limit is an error naming the item type, never a silent 0.
        sqlx::query("UPDATE item_types SET promised_limit = -3 WHERE id = $1")
            .bind(&land)
            .execute(store.pool())
            .await
            .unwrap();
        let e = store.create_application(&f.applicant, &f.item, None).await.unwrap_err();
        assert!(e.to_string().contains("land_pre_review") && e.to_string().contains("-3"), "{e}");
        assert!(store.item_type(&office, &land).await.is_err());
    })
    .await;
}
