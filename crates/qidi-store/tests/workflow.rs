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

        // Submitting without the files is refused by the core with what is missing.
        let e = store.act(&f.applicant, &app.id, req(submit())).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.code() == "missing_materials"), "{e:?}");
        upload_all(&store, &dir, &f.applicant, &app.id).await;

        store.act_at(&f.applicant, &app.id, req(submit()), at(2022, 9, 5)).await.unwrap();
        let notice = OneTimeNotice {
            problems: vec![NoticeProblem::new("boundary_survey", "坐标缺失", "补充界址点坐标")],
            suggestions: vec![],
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
        // Initial review: 5 working days after Thursday 8 September 2022, the Mid-Autumn
        // Monday (12th) off → Friday 16 September.
        assert_eq!(out.application.due_on, NaiveDate::from_ymd_opt(2022, 9, 16));
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
        // Monday 28 December 2026 + 5 working days runs into 2027, whose notice is not
        // loaded: on the weekday rule alone it is Monday 4 January, and provisional.
        let out = store.act_at(&f.applicant, &app.id, req(submit()), at(2026, 12, 28)).await.unwrap();
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
        let e = store.act(&f.applicant, &app.id, req(submit())).await.unwrap_err();
        assert!(matches!(&e, WorkflowError::Refused(t) if t.code() == "unmet_prerequisites"), "{e:?}");
        assert!(e.to_string().contains("用地预审与选址"), "{e}");

        // Once land pre-review is granted, the permit may be submitted, and its history
        // replays although the refusal came first.
        store.record_outside_approval(&f.handler, &f.item, "正自然资字〔2022〕12号", qidi_store::today(), None).await.unwrap();
        let out = store.act(&f.applicant, &app.id, req(submit())).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Submitted);
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
