//! The ledger in the store, on both backends: importing is keyed and idempotent, a dry
//! run and a refused import leave nothing behind, check lists track missing answers,
//! and a fixed ledger takes later items as additions.

use chrono::NaiveDate;
use qidi_core::ledger::{Capacity, ChangeKind, CheckAnswer, Decision, RemovalKind, RemovalReason, SignatureState};
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::{RegionCode, Role};
use qidi_office::{LedgerImport, LedgerItem, LedgerProject, RowIssue};
use qidi_store::ledger_import::{ImportMode, ImportSummary};
use qidi_store::testing::on_each_backend;
use qidi_store::users::{NewUser, User};
use qidi_store::Store;
use sqlx::Row;

fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn item(code: &str, dept: &str, person: Option<&str>) -> LedgerItem {
    LedgerItem {
        item_type: code.into(),
        handling_department: dept.into(),
        check_result: Some("已核查".into()),
        responsible_person: person.map(str::to_string),
        acceptance_status: None,
        due_on: Some(date(2022, 9, 30)),
        note: None,
        row: 4,
    }
}

fn project(code: &str, dept: &str, items: Vec<LedgerItem>) -> LedgerProject {
    LedgerProject {
        code: ProjectCode::parse(code).unwrap(),
        name: format!("项目{code}"),
        owner: Some("锡林能源有限公司".into()),
        owner_credit_code: None,
        initiating_department: Some(dept.into()),
        year: Some(2022),
        initiated_on: Some(date(2022, 3, 1)),
        investment: Some(Yuan(12_345_600)),
        stage: Some(ProjectStage::NotStarted),
        items,
        first_row: 4,
    }
}

fn ledger(projects: Vec<LedgerProject>, errors: Vec<RowIssue>) -> LedgerImport {
    LedgerImport {
        sheet: "Sheet1".into(),
        header_row: 3,
        title: None,
        unit: None,
        date: None,
        projects,
        errors,
        warnings: Vec::new(),
        unknown_names: Vec::new(),
    }
}

fn sample() -> LedgerImport {
    ledger(
        vec![
            project(
                "2022-152529-44-01-000101",
                "fgw",
                vec![item("land_pre_review", "zrzy", Some("王海")), item("eia", "sthj", None)],
            ),
            project("2021-152529-59-03-000202", "gxj", vec![item("construction_permit", "zjj", Some("张伟"))]),
        ],
        Vec::new(),
    )
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get(0)
}

async fn user(store: &Store, username: &str, role: Role, dept: Option<&str>) -> User {
    let department_id = match dept {
        Some(code) => Some(store.department_id(&banner(), code).await.unwrap()),
        None => None,
    };
    store
        .create_user(
            &NewUser {
                region: &banner(),
                username,
                display_name: username,
                role,
                department_id: department_id.as_deref(),
                owner_id: None,
                password: "Test-Ledger-2026",
            },
            None,
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn import_is_keyed_idempotent_and_all_or_nothing() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        // A dry run works everything out and keeps nothing.
        let s = store.import_ledger(&banner(), &sample(), None, true).await.unwrap();
        assert!(s.dry_run && !s.written);
        assert_eq!((s.projects_new, s.items_new, s.owners_new), (2, 3, 1));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, 0);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events").await, 0);

        let s = store.import_ledger(&banner(), &sample(), None, false).await.unwrap();
        assert!(s.written);
        assert_eq!((s.projects_new, s.items_new, s.owners_new), (2, 3, 1));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events WHERE action = 'project.import'").await, 2);

        // Again: nothing new, nothing changed, one `unchanged` import event and no other.
        let s = store.import_ledger(&banner(), &sample(), None, false).await.unwrap();
        assert_eq!((s.projects_new, s.projects_changed, s.projects_unchanged), (0, 0, 2));
        assert_eq!((s.items_new, s.items_changed, s.items_unchanged, s.owners_new), (0, 0, 3, 0));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events WHERE action = 'project.import'").await, 2);
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM events WHERE action = 'ledger.import' AND outcome = 'unchanged'").await,
            1
        );
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, 2);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM pending_items").await, 3);
        // 立项时间 as a date: kept beside the year.
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM projects WHERE initiated_on = '2022-03-01' AND initiated_year = 2022")
                .await,
            2
        );

        // An empty cell keeps what the database has; a new value is a change.
        let mut l = sample();
        l.projects[0].owner = None;
        l.projects[0].items[1].responsible_person = Some("李娜".into());
        let s = store.import_ledger(&banner(), &l, None, false).await.unwrap();
        assert_eq!((s.projects_changed, s.items_changed), (0, 1));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects WHERE owner_id IS NULL").await, 0);

        // Row errors: refused outright, or only the valid projects with skip_invalid.
        let issue = RowIssue {
            row: 9,
            column: "项目代码".into(),
            message: "项目代码格式不正确".into(),
            sheet: "Sheet1".into(),
        };
        let mut l = sample();
        l.projects.push(project("2020-152529-76-01-000303", "fgw", vec![item("water_intake", "slj", None)]));
        l.errors.push(issue);
        let before = count(&store, "SELECT COUNT(*) FROM events").await;
        assert!(matches!(
            store.import_ledger(&banner(), &l, None, false).await,
            Err(qidi_store::StoreError::Invalid(m)) if m.contains("1 处错误")
        ));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events").await, before);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, 2);
        let s = store
            .import_ledger_with(&banner(), &l, None, ImportMode { dry_run: false, skip_invalid: true })
            .await
            .unwrap();
        assert_eq!((s.projects_new, s.errors), (1, 1));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, 3);
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_dry_run_reads_only_and_foretells_the_import() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        store.import_ledger(&banner(), &sample(), None, false).await.unwrap();
        let mut l = sample();
        l.projects[0].name = "改名后的项目".into();
        l.projects[0].items[0].responsible_person = Some("新责任人".into());
        l.projects[0].items.push(item("energy_review", "fgw", None));
        l.projects[1].owner = Some("新的项目单位有限公司".into());
        l.projects.push(project("2020-152529-76-01-000303", "fgw", vec![item("water_intake", "slj", None)]));

        // Someone else is writing to the same project, and has not committed yet.
        let mut other = store.pool().begin().await.unwrap();
        sqlx::query("UPDATE projects SET updated_at = $1 WHERE code = $2")
            .bind(qidi_store::now_text())
            .bind(l.projects[0].code.as_str())
            .execute(&mut *other)
            .await
            .unwrap();
        let events = count(&store, "SELECT COUNT(*) FROM events").await;
        let dry =
            tokio::time::timeout(std::time::Duration::from_secs(3), store.import_ledger(&banner(), &l, None, true))
                .await
                .expect("a dry run does not wait for other writers")
                .unwrap();
        other.rollback().await.unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events").await, events, "nothing written");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM owners").await, 1);

        let real = store.import_ledger(&banner(), &l, None, false).await.unwrap();
        assert_eq!(
            (real.projects_new, real.projects_changed, real.items_new, real.items_changed, real.owners_new),
            (1, 2, 2, 1, 1)
        );
        assert_eq!(dry, ImportSummary { dry_run: true, written: false, ..real.clone() }, "the dry run foretold it");
    })
    .await;
}

#[tokio::test]
async fn check_lists_show_missing_answers_and_fixed_ledgers_take_additions() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        store.import_ledger(&banner(), &sample(), None, false).await.unwrap();
        let fgw_head = user(&store, "fgw_head", Role::DepartmentHead, Some("fgw")).await;
        let leader = user(&store, "leader", Role::Leader, None).await;
        let zrzy = user(&store, "zrzy_handler", Role::Handler, Some("zrzy")).await;
        let slj = user(&store, "slj_handler", Role::Handler, Some("slj")).await;
        let fgw = fgw_head.department_id.clone().unwrap();

        let s = store.push_check_lists(&banner(), &fgw, date(2022, 8, 20), &fgw_head).await.unwrap();
        assert_eq!((s.lists, s.items_added), (2, 2), "zrzy and sthj each get one row");
        let again = store.push_check_lists(&banner(), &fgw, date(2022, 8, 22), &fgw_head).await.unwrap();
        assert_eq!(again.items_added, 0);
        let rows = store.check_rows(&banner(), &fgw).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.answered_at.is_none() && r.answer_due_on == date(2022, 8, 22)));
        let zrzy_rows = store.check_rows(&banner(), zrzy.department_id.as_deref().unwrap()).await.unwrap();
        assert_eq!(zrzy_rows.len(), 1, "the handling side sees its row");
        let land = zrzy_rows[0].pending_item_id.clone();

        let answer = CheckAnswer {
            check_result: "材料齐全".into(),
            responsible_person: "王海".into(),
            acceptance_status: "已受理".into(),
            due_on: Some(date(2022, 10, 15)),
        };
        assert!(store.answer_check(&land, answer.clone(), &slj).await.is_err(), "not slj's item");
        assert!(store.answer_check(&land, CheckAnswer::default(), &zrzy).await.is_err(), "incomplete");
        store.answer_check(&land, answer, &zrzy).await.unwrap();
        let rows = store.check_rows(&banner(), &fgw).await.unwrap();
        assert_eq!(rows.iter().filter(|r| r.answered_at.is_some()).count(), 1);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events WHERE action = 'check_report.answer'").await, 1);

        // Fix fgw's ledger, then a later import adds an item: an addition. sthj has not
        // answered for eia yet: each signer confirms knowing that one check is missing.
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_eq!(state.missing_checks, 1);
        let hash = state.current_hash;
        let refused = store.sign_ledger(&banner(), Some(&fgw), Capacity::DepartmentHead, &hash, false, &fgw_head).await;
        assert!(
            matches!(refused, Err(qidi_store::StoreError::Conflict(ref m)) if m.contains("尚有 1 项待批事项缺少核查情况")),
            "{refused:?}"
        );
        store.sign_ledger(&banner(), Some(&fgw), Capacity::DepartmentHead, &hash, true, &fgw_head).await.unwrap();
        let out = store.sign_ledger(&banner(), Some(&fgw), Capacity::Leader, &hash, true, &leader).await.unwrap();
        assert_eq!((out.fully_signed, out.baseline_added), (true, 2));
        let mut l = sample();
        l.projects[0].items.push(item("energy_review", "fgw", None));
        let s = store.import_ledger(&banner(), &l, None, false).await.unwrap();
        assert_eq!((s.items_new, s.additions), (1, 1));
        // gxj's ledger is not fixed: its new items are not in the baseline.
        let mut l = sample();
        l.projects[1].items.push(item("eia", "sthj", None));
        let s = store.import_ledger(&banner(), &l, None, false).await.unwrap();
        assert_eq!((s.items_new, s.additions), (1, 0));
        assert_eq!(store.record_additions(&banner(), None).await.unwrap(), 0, "nothing missed");
        let p = store.baseline_progress(&banner(), None).await.unwrap();
        assert_eq!((p.total.baseline, p.total.additions, p.total.remaining), (2, 1, 3));
        assert_eq!(p.by_initiating.len(), 1);
        assert_eq!(p.burn_down.end, date(2022, 12, 31));
        // gxj's project moved to fgw brings its two items into fgw's fixed ledger: both
        // join the baseline as additions, though the import added no item.
        l.projects[1].initiating_department = Some("fgw".into());
        let s = store.import_ledger(&banner(), &l, None, false).await.unwrap();
        assert_eq!((s.projects_changed, s.items_new, s.additions), (1, 0, 2));
        assert_eq!(store.record_additions(&banner(), None).await.unwrap(), 0, "nothing missed");
        let p = store.baseline_progress(&banner(), None).await.unwrap();
        assert_eq!((p.total.baseline, p.total.additions, p.total.remaining), (2, 3, 5));

        // The signed versions and signatures are the record.
        assert!(sqlx::query("UPDATE ledger_signatures SET content_hash = 'x'").execute(store.pool()).await.is_err());
        assert!(sqlx::query("DELETE FROM ledger_versions").execute(store.pool()).await.is_err());
        assert!(sqlx::query("UPDATE ledger_versions SET content = 'x'").execute(store.pool()).await.is_err());
        // What was signed is stored in parts (one, at this size), its row's column left empty.
        let (content, parts): (String, i64) = {
            let r = sqlx::query("SELECT content, content_parts FROM ledger_versions WHERE id = $1")
                .bind(&out.version_id)
                .fetch_one(store.pool())
                .await
                .unwrap();
            (r.get(0), r.get(1))
        };
        assert_eq!((content.as_str(), parts), ("", 1));
        let part: String = sqlx::query("SELECT text FROM ledger_text_parts WHERE owner_id = $1 AND field = 'content'")
            .bind(&out.version_id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(qidi_core::ledger::content_hash(&part), out.content_hash);
        for sql in ["UPDATE ledger_text_parts SET text = 'x'", "DELETE FROM ledger_text_parts"] {
            assert!(sqlx::query(sql).execute(store.pool()).await.is_err(), "{sql}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_large_import_is_written_in_batches_and_whole() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        // 1,100 projects with 1–3 items each: several full batches and a partial one.
        let mut projects: Vec<LedgerProject> = (0..1100)
            .map(|n| {
                let items = [("land_pre_review", "zrzy"), ("eia", "sthj"), ("water_intake", "slj")]
                    .iter()
                    .take(1 + n % 3)
                    .map(|(t, d)| item(t, d, Some("王海")))
                    .collect();
                project(&format!("2022-152529-44-01-{:06}", 100_000 + n), "fgw", items)
            })
            .collect();
        // Values that must survive the batch encoding exactly: quotes, a backslash, a
        // line break, a character outside the BMP, and empty optional numbers.
        let odd = "引号\"与\\反斜杠\n第二行 😀 '单引号'";
        projects[7].name = odd.into();
        projects[7].year = None;
        projects[7].investment = None;
        projects[7].items[0].note = Some(odd.into());
        projects[7].items[0].due_on = None;
        let expected_items: usize = projects.iter().map(|p| p.items.len()).sum();
        let s = store.import_ledger(&banner(), &ledger(projects.clone(), Vec::new()), None, false).await.unwrap();
        assert_eq!((s.projects_new, s.items_new), (1100, expected_items as u64));
        let count = |sql: &'static str| {
            let store = store.clone();
            async move { sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get::<i64, _>(0) }
        };
        assert_eq!(count("SELECT COUNT(*) FROM projects").await, 1100);
        assert_eq!(count("SELECT COUNT(*) FROM pending_items").await, expected_items as i64);
        if store.backend() == qidi_store::Backend::Postgres {
            // A bulk import leaves PostgreSQL the statistics of what it wrote (never
            // analyzed, a table counts -1 rows), so the next import plans from them.
            let counted = "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = CAST('pending_items' AS regclass)";
            assert_eq!(count(counted).await, expected_items as i64);
        }
        assert_eq!(
            count("SELECT COUNT(*) FROM events WHERE action = 'project.import'").await,
            1100,
            "one record per project"
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM pending_items i JOIN projects p ON p.id = i.project_id").await,
            expected_items as i64,
            "every item belongs to its project"
        );
        assert_eq!(count("SELECT COUNT(*) FROM projects WHERE in_library = TRUE AND initiated_year = 2022").await, 1099);
        assert_eq!(count("SELECT CAST(SUM(investment_yuan) AS BIGINT) FROM projects").await, 1099 * 12_345_600);
        let r = sqlx::query(
            "SELECT p.name, p.initiated_year, p.investment_yuan, i.note, i.due_on FROM projects p
             JOIN pending_items i ON i.project_id = p.id WHERE p.code = '2022-152529-44-01-100007' AND i.note IS NOT NULL",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(r.get::<String, _>(0), odd);
        assert_eq!((r.get::<Option<i64>, _>(1), r.get::<Option<i64>, _>(2)), (None, None));
        assert_eq!(r.get::<Option<String>, _>(3).as_deref(), Some(odd));
        assert_eq!(r.get::<Option<String>, _>(4), None);
        let due: String = sqlx::query("SELECT due_on FROM pending_items WHERE due_on IS NOT NULL LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(due, "2022-09-30");

        // Again, with changes past the first chunk the import looks up at a time: what
        // the database holds is found for every chunk, so nothing is added twice.
        let mut again = ledger(projects, Vec::new());
        again.projects[1050].name = "第三块中改名的项目".into();
        again.projects[700].items[0].responsible_person = Some("李娜".into());
        let s = store.import_ledger(&banner(), &again, None, false).await.unwrap();
        assert_eq!((s.projects_new, s.projects_changed, s.projects_unchanged), (0, 1, 1099));
        assert_eq!((s.items_new, s.items_changed, s.owners_new), (0, 1, 0));
        assert_eq!(count("SELECT COUNT(*) FROM projects").await, 1100);
        assert_eq!(count("SELECT COUNT(*) FROM owners").await, 1);

        // A department's import refused for a project in the last chunk writes nothing,
        // not even the chunks before it; checked first, that project alone is refused.
        let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
        sqlx::query("UPDATE projects SET initiating_department_id = $1 WHERE code = '2022-152529-44-01-101090'")
            .bind(&zrzy)
            .execute(store.pool())
            .await
            .unwrap();
        let fgw = user(&store, "fgw_importer", Role::Handler, Some("fgw")).await;
        again.projects[0].name = "第一块中改名的项目".into();
        let refused = store.import_ledger(&banner(), &again, Some(&fgw), false).await.unwrap_err();
        assert!(
            matches!(&refused, qidi_store::StoreError::Forbidden(m) if m.contains("2022-152529-44-01-101090")),
            "{refused:?}"
        );
        assert_eq!(count("SELECT COUNT(*) FROM projects WHERE name = '第一块中改名的项目'").await, 0);
        let mut checked = again.clone();
        store.restrict_import(&banner(), &fgw, &mut checked).await.unwrap();
        assert_eq!(checked.projects.len(), 1099);
        assert_eq!(checked.errors.len(), 1);
        assert!(checked.errors[0].message.contains("2022-152529-44-01-101090"), "{:?}", checked.errors);
        let skip = ImportMode { dry_run: false, skip_invalid: true };
        let s = store.import_ledger_with(&banner(), &checked, Some(&fgw), skip).await.unwrap();
        assert_eq!((s.projects_changed, s.projects_unchanged), (1, 1098));
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn an_upload_is_imported_once_even_when_confirmed_twice_at_once() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let office = user(&store, "office", Role::Office, None).await;
        let other = user(&store, "office2", Role::Office, None).await;
        let token = store.keep_ledger_upload(&office, "台账.xlsx", b"the file").await.unwrap();
        assert!(store.ledger_upload(&other, &token).await.unwrap().is_none(), "only its uploader's");
        let theirs = store.import_upload(&banner(), &sample(), &other, &token, false).await;
        assert!(matches!(theirs, Err(qidi_store::StoreError::Conflict(_))), "{theirs:?}");
        assert_eq!(store.ledger_upload(&office, &token).await.unwrap().unwrap().content, b"the file");

        let (region, ledger) = (banner(), sample());
        let (a, b) = tokio::join!(
            store.import_upload(&region, &ledger, &office, &token, false),
            store.import_upload(&region, &ledger, &office, &token, false),
        );
        let outcomes = [&a, &b];
        assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1, "{a:?} {b:?}");
        assert!(outcomes.iter().any(|r| matches!(r, Err(qidi_store::StoreError::Conflict(_)))), "{a:?} {b:?}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events WHERE action = 'ledger.import'").await, 1);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM projects").await, 2);
        assert!(store.ledger_upload(&office, &token).await.unwrap().is_none(), "claimed with the import");
    })
    .await;
}

#[tokio::test]
async fn an_uploader_keeps_only_their_quota_of_waiting_uploads() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let office = user(&store, "office", Role::Office, None).await;
        let other = user(&store, "office2", Role::Office, None).await;
        let theirs = store.keep_ledger_upload(&other, "别人的.xlsx", b"theirs").await.unwrap();
        let quota = qidi_store::uploads::UploadQuota { uploads: 3, bytes: 1000 };
        let mut mine = Vec::new();
        for n in 0..4 {
            let t = store.keep_ledger_upload_within(&office, "台账.xlsx", &[n; 300], quota).await.unwrap();
            mine.push(t);
        }
        let waiting = |t: String| {
            let (store, office) = (store.clone(), office.clone());
            async move { store.ledger_upload(&office, &t).await.unwrap().map(|u| u.content[0]) }
        };
        assert_eq!(waiting(mine[0].clone()).await, None, "the oldest beyond three is gone");
        for (n, token) in mine.iter().enumerate().skip(1) {
            assert_eq!(waiting(token.clone()).await, Some(n as u8));
        }
        // 600 bytes wait; 500 more would pass 1,000, so only the newest older one stays.
        let big = store.keep_ledger_upload_within(&office, "大.xlsx", &[9; 500], quota).await.unwrap();
        assert_eq!(waiting(mine[3].clone()).await, Some(3));
        assert_eq!(waiting(mine[2].clone()).await, None);
        assert_eq!(waiting(big).await, Some(9));
        assert!(store.ledger_upload(&other, &theirs).await.unwrap().is_some(), "another uploader's quota is theirs");
    })
    .await;
}

/// Every signature of a ledger state, as (capacity, state).
fn states(s: &qidi_store::baseline::LedgerState) -> Vec<(Capacity, SignatureState)> {
    s.versions.iter().flat_map(|v| v.signatures.iter()).map(|g| (g.capacity, g.state)).collect()
}

#[tokio::test]
async fn signatures_survive_reductions_and_changes_are_confirmed_as_change_sets() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        store.import_ledger(&banner(), &sample(), None, false).await.unwrap();
        let fgw_head = user(&store, "fgw_head", Role::DepartmentHead, Some("fgw")).await;
        let leader = user(&store, "leader", Role::Leader, None).await;
        let office = user(&store, "office", Role::Office, None).await;
        let zrzy = user(&store, "zrzy_handler", Role::Handler, Some("zrzy")).await;
        let fgw = fgw_head.department_id.clone().unwrap();
        let r = banner();
        let state = || {
            let (store, fgw) = (store.clone(), fgw.clone());
            async move { store.ledger_state(&banner(), Some(&fgw)).await.unwrap() }
        };
        let banner_states = || {
            let store = store.clone();
            async move { states(&store.ledger_state(&banner(), None).await.unwrap()) }
        };
        let valid = vec![(Capacity::DepartmentHead, SignatureState::Matches), (Capacity::Leader, SignatureState::Matches)];
        let pending = vec![
            (Capacity::DepartmentHead, SignatureState::ChangesPending),
            (Capacity::Leader, SignatureState::ChangesPending),
        ];

        // Fixed: the department head, the leader; then the banner ledger by the office.
        let hash = state().await.current_hash;
        assert!(store.confirm_changes(&r, &fgw, Capacity::DepartmentHead, &hash, false, &fgw_head).await.is_err(), "not fixed yet");
        store.sign_ledger(&r, Some(&fgw), Capacity::DepartmentHead, &hash, false, &fgw_head).await.unwrap();
        store.sign_ledger(&r, Some(&fgw), Capacity::Leader, &hash, false, &leader).await.unwrap();
        let banner_hash = store.ledger_state(&r, None).await.unwrap().current_hash;
        store.sign_ledger(&r, None, Capacity::Office, &banner_hash, false, &office).await.unwrap();
        let s = state().await;
        assert_eq!(states(&s), valid);
        assert!(s.changes.is_empty() && s.change_set.is_none());
        let signed = s.signed.clone().unwrap();
        assert_eq!((signed.items, signed.reduced, signed.hash.as_str()), (2, 0, hash.as_str()));
        assert_eq!(banner_states().await, vec![(Capacity::Office, SignatureState::Matches)]);

        // An approved removal of one item reduces the baseline: the item is still
        // pending, and the baseline, not its absence, says it left. No signature moves.
        let p101: String = sqlx::query("SELECT id FROM projects WHERE code = '2022-152529-44-01-000101'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        let item_of = |code: &'static str| {
            let store = store.clone();
            async move {
                sqlx::query("SELECT i.id FROM pending_items i JOIN item_types t ON t.id = i.item_type_id WHERE t.code = $1")
                    .bind(code)
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
                    .get::<String, _>(0)
            }
        };
        let eia = item_of("eia").await;
        let removal = qidi_store::baseline::NewRemoval {
            kind: RemovalKind::Item,
            project_id: &p101,
            pending_item_id: Some(&eia),
            reason: RemovalReason::LandSaving,
            text: "项目调整选址，不再需要原环评",
        };
        let id = store.propose_removal(&r, &removal, &fgw_head).await.unwrap();
        assert_eq!(store.decide_removal(&id, Decision::Approved, "白旗发改发〔2022〕18号", &office).await.unwrap(), 1);
        let s = state().await;
        assert_eq!(states(&s), valid, "a reduction touches no signature");
        assert_eq!(s.items, 1, "the ledger now lists what is left");
        assert_eq!(s.signed.as_ref().map(|c| (c.items, c.reduced)), Some((2, 1)));
        assert!(s.changes.is_empty());
        assert_eq!(banner_states().await, vec![(Capacity::Office, SignatureState::Matches)]);
        assert_eq!(store.baseline_progress(&r, None).await.unwrap().total.remaining, 1);

        // A changed deadline and check report of a signed line: a change, listed with
        // before and after; the whole ledger is not signed again.
        let land = item_of("land_pre_review").await;
        let answer = CheckAnswer {
            check_result: "材料齐全".into(),
            responsible_person: "王海".into(),
            acceptance_status: "已受理".into(),
            due_on: Some(date(2022, 10, 15)),
        };
        store.answer_check(&land, answer, &zrzy).await.unwrap();
        let s = state().await;
        assert_eq!(states(&s), pending);
        assert_eq!(s.changes.len(), 1);
        assert_eq!((s.changes[0].kind, s.changes[0].item_type.as_str()), (ChangeKind::Changed, "land_pre_review"));
        assert_eq!(s.changes[0].item_type_name, "用地预审与选址");
        let fields: Vec<(&str, Option<&str>, Option<&str>)> =
            s.changes[0].fields.iter().map(|f| (f.field, f.before.as_deref(), f.after.as_deref())).collect();
        assert_eq!(
            fields,
            vec![
                ("check_result", Some("已核查"), Some("材料齐全")),
                ("acceptance_status", None, Some("已受理")),
                ("due_on", Some("2022-09-30"), Some("2022-10-15")),
            ]
        );
        assert_eq!(banner_states().await, vec![(Capacity::Office, SignatureState::Matches)], "still the signed parts");
        let refused = store.sign_ledger(&r, Some(&fgw), Capacity::DepartmentHead, &s.current_hash, true, &fgw_head).await;
        assert!(matches!(refused, Err(qidi_store::StoreError::Conflict(ref m)) if m.contains("逐项签认")), "{refused:?}");

        // The head confirms; meanwhile an item is found later (补录): the set the head
        // confirmed is no longer the one pending, so the leader cannot confirm it.
        let first = s.change_set.clone().unwrap().hash;
        let refused = store.confirm_changes(&r, &fgw, Capacity::Leader, &first, false, &leader).await;
        assert!(matches!(refused, Err(qidi_store::StoreError::Conflict(ref m)) if m.contains("须先由")), "{refused:?}");
        let out = store.confirm_changes(&r, &fgw, Capacity::DepartmentHead, &first, false, &fgw_head).await.unwrap();
        assert!(!out.confirmed);
        assert_eq!(state().await.change_set.unwrap().signed, vec![Capacity::DepartmentHead]);
        let energy: String = sqlx::query("SELECT id FROM item_types WHERE code = 'energy_review'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        let new = qidi_store::baseline::NewPendingItem { item_type_id: energy, ..Default::default() };
        assert!(store.add_pending_item(&fgw_head, &p101, &new).await.unwrap().addition);
        let s = state().await;
        assert_eq!(s.changes.iter().map(|c| c.kind).collect::<Vec<_>>(), vec![ChangeKind::Added, ChangeKind::Changed]);
        let second = s.change_set.clone().unwrap();
        assert_ne!(second.hash, first);
        // Holding none of the change set's rows (they go to a temporary file), the
        // figures are the same.
        let one = qidi_store::baseline::ChangeListing { after: None, listed: 1, reading: None };
        let twice = store.ledger_state_holding(&r, Some(&fgw), one, 0).await.unwrap();
        assert_eq!(twice.change_set.map(|c| c.hash), Some(second.hash.clone()));
        assert_eq!((&twice.current_hash, twice.changes_total, twice.changes.len()), (&s.current_hash, 2, 1));
        assert!(twice.more_changes && !s.more_changes);
        // The next page starts after the last change listed, and is the last.
        let first_key = (twice.changes[0].project_code.clone(), twice.changes[0].item_type.clone());
        let next = store.ledger_state_after(&r, Some(&fgw), Some(&first_key), 1).await.unwrap();
        assert_eq!(next.changes.iter().map(|c| c.kind).collect::<Vec<_>>(), vec![ChangeKind::Changed]);
        assert_eq!((next.changes_total, next.more_changes), (2, false));
        assert_eq!(next.change_set.map(|c| c.hash), Some(second.hash.clone()));
        assert_eq!((second.signed.clone(), second.missing_checks), (vec![], 1), "the added item has no check result");
        assert!(store.confirm_changes(&r, &fgw, Capacity::Leader, &first, false, &leader).await.is_err(), "stale");
        assert!(store.confirm_changes(&r, &fgw, Capacity::Leader, &second.hash, true, &leader).await.is_err(), "order");
        let refused = store.confirm_changes(&r, &fgw, Capacity::DepartmentHead, &second.hash, false, &fgw_head).await;
        assert!(matches!(refused, Err(qidi_store::StoreError::Conflict(ref m)) if m.contains("尚有 1 项")), "{refused:?}");
        store.confirm_changes(&r, &fgw, Capacity::DepartmentHead, &second.hash, true, &fgw_head).await.unwrap();
        let out = store.confirm_changes(&r, &fgw, Capacity::Leader, &second.hash, true, &leader).await.unwrap();
        assert!(out.confirmed);
        assert_eq!(out.changes, 2);

        // Confirmed: every signature holds, the banner's too, and the signed content has grown.
        let s = state().await;
        assert_eq!(states(&s), valid);
        assert!(s.changes.is_empty() && s.change_set.is_none());
        let signed = s.signed.clone().unwrap();
        assert_eq!((signed.items, signed.reduced, signed.confirmed_change_sets), (3, 1, 1));
        assert_ne!(signed.hash, signed.version_hash);
        assert_eq!(s.change_sets.len(), 2);
        let confirmed: Vec<_> = s.change_sets.iter().map(|c| (c.confirmed, c.signatures.len())).collect();
        assert_eq!(confirmed, vec![(true, 2), (false, 1)], "newest first");
        assert_eq!(s.change_sets[1].signatures[0].state, SignatureState::Outdated, "the head's first confirmation");
        assert!(s.change_sets[0].signatures.iter().all(|g| g.state == SignatureState::Matches));
        assert_eq!(banner_states().await, vec![(Capacity::Office, SignatureState::Matches)]);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM events WHERE action = 'ledger.confirm_changes'").await, 3);

        // A second set follows the first: the content in force is the last set's result,
        // read again once the chain is known (no set's texts are kept while it is followed).
        let answer = CheckAnswer {
            check_result: "材料齐全".into(),
            responsible_person: "王海".into(),
            acceptance_status: "已受理".into(),
            due_on: Some(date(2022, 11, 30)),
        };
        store.answer_check(&land, answer, &zrzy).await.unwrap();
        let third = state().await.change_set.unwrap();
        assert_eq!(third.changes, 1);
        store.confirm_changes(&r, &fgw, Capacity::DepartmentHead, &third.hash, false, &fgw_head).await.unwrap();
        assert!(store.confirm_changes(&r, &fgw, Capacity::Leader, &third.hash, false, &leader).await.unwrap().confirmed);
        let s = state().await;
        assert_eq!(states(&s), valid);
        assert!(s.changes.is_empty() && s.change_set.is_none(), "{:?}", s.changes);
        let signed = s.signed.clone().unwrap();
        assert_eq!((signed.items, signed.reduced, signed.confirmed_change_sets), (3, 1, 2));

        // The project leaves the library with an approved removal: reductions only.
        let project = qidi_store::baseline::NewRemoval {
            kind: RemovalKind::Project,
            project_id: &p101,
            pending_item_id: None,
            reason: RemovalReason::NotGoingAhead,
            text: "项目单位书面申请不再实施",
        };
        let id = store.propose_removal(&r, &project, &fgw_head).await.unwrap();
        assert_eq!(store.decide_removal(&id, Decision::Approved, "", &office).await.unwrap(), 2);
        let s = state().await;
        assert_eq!(states(&s), valid);
        assert_eq!((s.items, s.signed.as_ref().unwrap().reduced), (0, 3));
        assert!(s.changes.is_empty());

        // Change sets and their confirmations are the record: never changed, never deleted;
        // from one signed content only one set is confirmed.
        for sql in [
            "UPDATE ledger_change_sets SET result = 'x'",
            "DELETE FROM ledger_change_sets",
            "UPDATE ledger_change_signatures SET content_hash = 'x'",
            "DELETE FROM ledger_change_signatures",
        ] {
            assert!(sqlx::query(sql).execute(store.pool()).await.is_err(), "{sql}");
        }
        // Each set's texts are in parts, written once though two confirmed it.
        for r in sqlx::query("SELECT id, content, result, content_parts, result_parts FROM ledger_change_sets")
            .fetch_all(store.pool())
            .await
            .unwrap()
        {
            let id: String = r.get(0);
            assert_eq!((r.get::<String, _>(1), r.get::<String, _>(2)), (String::new(), String::new()));
            assert_eq!((r.get::<i64, _>(3), r.get::<i64, _>(4)), (1, 1));
            let parts: i64 = sqlx::query("SELECT COUNT(*) FROM ledger_text_parts WHERE owner_id = $1")
                .bind(&id)
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
            assert_eq!(parts, 2, "its content and its result");
        }
        let row = sqlx::query("SELECT ledger_version_id, from_hash, change_set_id FROM ledger_change_signatures WHERE capacity = 'leader'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let twice = sqlx::query(
            "INSERT INTO ledger_change_signatures (id, region_code, change_set_id, ledger_version_id, from_hash, capacity,
                content_hash, signer_id, signer_name, signed_at)
             SELECT $1, '152529', s.id, $2, $3, 'leader', s.content_hash, $4, 'x', 'x'
             FROM ledger_change_sets s WHERE s.id <> $5",
        )
        .bind(qidi_store::new_id())
        .bind(row.get::<String, _>(0))
        .bind(row.get::<String, _>(1))
        .bind(&leader.id)
        .bind(row.get::<String, _>(2))
        .execute(store.pool())
        .await;
        assert!(twice.is_err(), "a second confirmed set from the same signed content");
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_project_units_credit_code_fills_in_once_and_is_never_overwritten_by_a_file() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let code = |c: Option<&str>| {
            let mut p = project("2022-152529-44-01-000101", "fgw", vec![item("eia", "sthj", None)]);
            p.owner_credit_code = c.map(str::to_string);
            ledger(vec![p], Vec::new())
        };
        let kept = || async {
            sqlx::query_scalar::<_, Option<String>>("SELECT credit_code FROM owners WHERE name = '锡林能源有限公司'")
                .fetch_one(store.pool())
                .await
                .unwrap()
        };
        store.import_ledger(&banner(), &code(None), None, false).await.unwrap();
        assert_eq!(kept().await, None);
        // A dry run writes nothing.
        store.import_ledger(&banner(), &code(Some("91350100M000100Y43")), None, true).await.unwrap();
        assert_eq!(kept().await, None);
        store.import_ledger(&banner(), &code(Some("91350100M000100Y43")), None, false).await.unwrap();
        assert_eq!(kept().await.as_deref(), Some("91350100M000100Y43"));
        store.import_ledger(&banner(), &code(Some("91110000600037341L")), None, false).await.unwrap();
        assert_eq!(kept().await.as_deref(), Some("91350100M000100Y43"), "a file does not overwrite it");
    })
    .await;
}

/// A department's baseline table: each filter and each order keeps exactly its rows,
/// counts them, and pages them; the choices are what the rows hold.
#[tokio::test]
async fn the_baseline_table_filters_sorts_and_counts() {
    use qidi_core::ledger::{BaselineFilter, BaselineQuery};
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let named = |code: &str, name: &str, items| LedgerProject { name: name.into(), ..project(code, "fgw", items) };
        let file = ledger(
            vec![
                named(
                    "2022-152529-44-01-000101",
                    "A风电项目",
                    vec![item("land_pre_review", "zrzy", Some("王海")), item("eia", "sthj", None)],
                ),
                named("2022-152529-44-01-000102", "C光伏项目", vec![item("eia", "sthj", None)]),
                named("2021-152529-59-03-000303", "B储能项目", vec![item("construction_permit", "zjj", None)]),
            ],
            Vec::new(),
        );
        store.import_ledger(&banner(), &file, None, false).await.unwrap();
        let fgw_head = user(&store, "fgw_head", Role::DepartmentHead, Some("fgw")).await;
        let leader = user(&store, "leader", Role::Leader, None).await;
        let office = user(&store, "office", Role::Office, None).await;
        let fgw = fgw_head.department_id.clone().unwrap();
        let r = banner();
        let hash = store.ledger_state(&r, Some(&fgw)).await.unwrap().current_hash;
        store.sign_ledger(&r, Some(&fgw), Capacity::DepartmentHead, &hash, false, &fgw_head).await.unwrap();
        store.sign_ledger(&r, Some(&fgw), Capacity::Leader, &hash, false, &leader).await.unwrap();
        let id_of = |sql: &'static str| {
            let store = store.clone();
            async move { sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get::<String, _>(0) }
        };
        let p101 = id_of("SELECT id FROM projects WHERE code = '2022-152529-44-01-000101'").await;
        let p102 = id_of("SELECT id FROM projects WHERE code = '2022-152529-44-01-000102'").await;
        let eia_101 = id_of(
            "SELECT i.id FROM pending_items i JOIN item_types t ON t.id = i.item_type_id JOIN projects p ON p.id = i.project_id
             WHERE t.code = 'eia' AND p.code = '2022-152529-44-01-000101'",
        )
        .await;
        // One signed row reduced by an approved removal, one item added later.
        let removal = qidi_store::baseline::NewRemoval {
            kind: RemovalKind::Item,
            project_id: &p101,
            pending_item_id: Some(&eia_101),
            reason: RemovalReason::LandSaving,
            text: "项目调整选址，不再需要原环评",
        };
        let id = store.propose_removal(&r, &removal, &fgw_head).await.unwrap();
        store.decide_removal(&id, Decision::Approved, "", &office).await.unwrap();
        let energy = id_of("SELECT id FROM item_types WHERE code = 'energy_review'").await;
        let eia = id_of("SELECT id FROM item_types WHERE code = 'eia'").await;
        let sthj = store.department_id(&r, "sthj").await.unwrap();
        let zjj = store.department_id(&r, "zjj").await.unwrap();
        let new = qidi_store::baseline::NewPendingItem { item_type_id: energy, ..Default::default() };
        assert!(store.add_pending_item(&fgw_head, &p102, &new).await.unwrap().addition);

        // Rows as (project code's last digits, item type, handling department).
        let rows = |dept: Option<String>, query: BaselineQuery, limit: i64, offset: i64| {
            let store = store.clone();
            async move {
                let filter = query.filter().unwrap();
                let (rows, total) =
                    store.baseline_rows_filtered(&banner(), dept.as_deref(), &filter, limit, offset).await.unwrap();
                let rows: Vec<String> = rows
                    .iter()
                    .map(|b| format!("{} {} {}", &b.project_code[18..], b.item_type, b.handling_department))
                    .collect();
                (rows, total)
            }
        };
        let q = |f: fn(&mut BaselineQuery)| {
            let mut q = BaselineQuery::default();
            f(&mut q);
            q
        };
        let d = Some(fgw.clone());
        let all = rows(d.clone(), BaselineQuery::default(), 200, 0).await;
        // The departments' names are the catalogue's; the rows and their order are the test.
        let shown: Vec<String> = all.0.iter().map(|r| r.split(' ').take(2).collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(
            shown,
            ["000303 建筑工程施工许可", "000101 环境影响评价", "000101 用地预审与选址", "000102 环境影响评价", "000102 节能审查"],
            "by project code, then item type"
        );
        assert_eq!(all.1, 5);
        let [p3_cp, p1_eia, p1_land, p2_eia, p2_energy]: [String; 5] = all.0.clone().try_into().unwrap();
        let expect = |v: &[&String]| -> Vec<String> { v.iter().map(|s| (*s).clone()).collect() };

        let cases: Vec<(&str, BaselineQuery, Vec<String>)> = vec![
            ("pending", q(|q| q.status = Some("pending".into())), expect(&[&p3_cp, &p1_land, &p2_eia, &p2_energy])),
            ("reduced", q(|q| q.status = Some("reduced".into())), expect(&[&p1_eia])),
            ("all", q(|q| q.status = Some("all".into())), expect(&[&p3_cp, &p1_eia, &p1_land, &p2_eia, &p2_energy])),
            ("item type", q(|q| q.item_type = Some(String::new())), expect(&[&p3_cp, &p1_eia, &p1_land, &p2_eia, &p2_energy])),
            ("signed", q(|q| q.source = Some("signed".into())), expect(&[&p3_cp, &p1_eia, &p1_land, &p2_eia])),
            ("addition", q(|q| q.source = Some("addition".into())), expect(&[&p2_energy])),
            ("text: name", q(|q| q.q = Some("光伏".into())), expect(&[&p2_eia, &p2_energy])),
            ("text: code", q(|q| q.q = Some("000303".into())), expect(&[&p3_cp])),
            ("text: a literal %", q(|q| q.q = Some("%".into())), Vec::new()),
            ("by name", q(|q| q.sort = Some("name".into())), expect(&[&p1_eia, &p1_land, &p3_cp, &p2_eia, &p2_energy])),
            (
                "by item type",
                q(|q| q.sort = Some("item_type".into())),
                expect(&[&p3_cp, &p1_eia, &p2_eia, &p1_land, &p2_energy]),
            ),
            ("by status", q(|q| q.sort = Some("status".into())), expect(&[&p3_cp, &p1_land, &p2_eia, &p2_energy, &p1_eia])),
        ];
        for (what, query, expected) in cases {
            let (got, total) = rows(d.clone(), query, 200, 0).await;
            assert_eq!(got, expected, "{what}");
            assert_eq!(total, expected.len() as u64, "{what}: the total");
        }
        // Filters by id, and several at once.
        let by_type = BaselineQuery { item_type: Some(eia.clone()), ..Default::default() };
        assert_eq!(rows(d.clone(), by_type, 200, 0).await, (expect(&[&p1_eia, &p2_eia]), 2));
        let by_handling = BaselineQuery { handling: Some(sthj.clone()), ..Default::default() };
        assert_eq!(rows(d.clone(), by_handling, 200, 0).await, (expect(&[&p1_eia, &p2_eia]), 2));
        let by_zjj = BaselineQuery { handling: Some(zjj.clone()), ..Default::default() };
        assert_eq!(rows(d.clone(), by_zjj, 200, 0).await, (expect(&[&p3_cp]), 1));
        let both = BaselineQuery {
            status: Some("pending".into()),
            handling: Some(sthj.clone()),
            sort: Some("name".into()),
            ..Default::default()
        };
        assert_eq!(rows(d.clone(), both, 200, 0).await, (expect(&[&p2_eia]), 1));
        let unknown = BaselineQuery { item_type: Some("no-such-type".into()), ..Default::default() };
        assert_eq!(rows(d.clone(), unknown, 200, 0).await, (Vec::new(), 0));
        // A page counts every row the filter keeps.
        assert_eq!(rows(d.clone(), BaselineQuery::default(), 2, 2).await, (expect(&[&p1_land, &p2_eia]), 5));
        let pending = BaselineQuery { status: Some("pending".into()), ..Default::default() };
        assert_eq!(rows(d.clone(), pending, 3, 3).await, (expect(&[&p2_energy]), 4));
        // The handling department's own table: the rows it handles, in any ledger.
        assert_eq!(rows(Some(sthj.clone()), BaselineQuery::default(), 200, 0).await, (expect(&[&p1_eia, &p2_eia]), 2));
        let reduced = BaselineQuery { status: Some("reduced".into()), ..Default::default() };
        assert_eq!(rows(Some(sthj.clone()), reduced, 200, 0).await, (expect(&[&p1_eia]), 1));
        // Region-wide: the same rows.
        assert_eq!(rows(None, BaselineQuery::default(), 200, 0).await.1, 5);
        let addition = BaselineQuery { source: Some("addition".into()), ..Default::default() };
        assert_eq!(rows(None, addition, 200, 0).await, (expect(&[&p2_energy]), 1));
        // The unfiltered call is the default filter.
        assert_eq!(store.baseline_rows(&r, Some(&fgw), 200, 0).await.unwrap().1, 5);
        assert_eq!(BaselineQuery::default().filter().unwrap(), BaselineFilter::default());

        // The choices: the region's item types, and the handling departments the rows hold.
        let (types, handling) = store.baseline_choices(&r, Some(&fgw)).await.unwrap();
        let catalogue: Vec<(String, String)> =
            sqlx::query("SELECT id, name FROM item_types WHERE region_code = $1 ORDER BY code, id")
                .bind(r.as_str())
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect();
        assert!(catalogue.len() > 4 && types == catalogue, "by catalogue code: {types:?}");
        assert!(types.iter().any(|(id, _)| *id == eia));
        assert_eq!(handling.len(), 4);
        assert!(handling.iter().any(|(id, _)| *id == sthj) && handling.iter().any(|(id, _)| *id == fgw));
        let (_, handling) = store.baseline_choices(&r, Some(&sthj)).await.unwrap();
        assert!(handling.len() == 1 && handling[0].0 == sthj, "{handling:?}");
        let (_, all) = store.baseline_choices(&r, None).await.unwrap();
        assert_eq!(all.len(), 4, "the region's rows: {all:?}");
        qidi_store::testing::assert_kept_counts(&store).await;
    })
    .await;
}

/// A department ledger whose canonical text is larger than signing holds in memory goes
/// to a file as it is written: the version stored is still the text that was hashed, and
/// the leader's signature, which stores no text, completes it.
#[tokio::test]
async fn a_ledger_larger_than_signing_holds_is_signed_from_its_file() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        // 6,000 projects of three items: about 2.7 MB of text, past the 1 MiB held.
        let items = || {
            vec![item("land_pre_review", "zrzy", None), item("eia", "sthj", None), item("water_intake", "slj", None)]
        };
        let projects =
            (0..6000).map(|n| project(&format!("2022-152529-44-01-{:06}", 200_000 + n), "fgw", items())).collect();
        store.import_ledger(&banner(), &ledger(projects, Vec::new()), None, false).await.unwrap();
        let fgw_head = user(&store, "fgw_head", Role::DepartmentHead, Some("fgw")).await;
        let leader = user(&store, "leader", Role::Leader, None).await;
        let fgw = fgw_head.department_id.clone().unwrap();
        let hash = store.ledger_state(&banner(), Some(&fgw)).await.unwrap().current_hash;

        let out =
            store.sign_ledger(&banner(), Some(&fgw), Capacity::DepartmentHead, &hash, true, &fgw_head).await.unwrap();
        assert_eq!(out.content_hash, hash);
        let parts: Vec<String> =
            sqlx::query("SELECT text FROM ledger_text_parts WHERE owner_id = $1 AND field = 'content' ORDER BY part")
                .bind(&out.version_id)
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
        let text = parts.concat();
        assert!(text.len() > 2 << 20, "{} bytes", text.len());
        assert_eq!(qidi_core::ledger::content_hash(&text), hash, "the text stored is the text hashed");
        assert_eq!(text.lines().count(), 1 + 18_000);

        let out = store.sign_ledger(&banner(), Some(&fgw), Capacity::Leader, &hash, true, &leader).await.unwrap();
        assert_eq!((out.fully_signed, out.baseline_added), (true, 18_000));
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_eq!(
            states(&state),
            vec![(Capacity::DepartmentHead, SignatureState::Matches), (Capacity::Leader, SignatureState::Matches)]
        );

        // Every line changes (a person named for each item): the change set and its result
        // are written to their files as they are made, and stored from there.
        let named = || {
            vec![
                item("land_pre_review", "zrzy", Some("王海")),
                item("eia", "sthj", Some("王海")),
                item("water_intake", "slj", Some("王海")),
            ]
        };
        let projects =
            (0..6000).map(|n| project(&format!("2022-152529-44-01-{:06}", 200_000 + n), "fgw", named())).collect();
        store.import_ledger(&banner(), &ledger(projects, Vec::new()), None, false).await.unwrap();
        let set = store.ledger_state(&banner(), Some(&fgw)).await.unwrap().change_set.unwrap();
        assert_eq!(set.changes, 18_000);
        let r = banner();
        let head = store.confirm_changes(&r, &fgw, Capacity::DepartmentHead, &set.hash, true, &fgw_head).await;
        assert!(!head.unwrap().confirmed);
        let out = store.confirm_changes(&banner(), &fgw, Capacity::Leader, &set.hash, true, &leader).await.unwrap();
        assert!(out.confirmed);
        let text_of = |field: &'static str| {
            let (store, id) = (store.clone(), out.change_set_id.clone());
            async move {
                let parts =
                    sqlx::query("SELECT text FROM ledger_text_parts WHERE owner_id = $1 AND field = $2 ORDER BY part")
                        .bind(id)
                        .bind(field)
                        .fetch_all(store.pool())
                        .await
                        .unwrap();
                parts.iter().map(|r| r.get::<String, _>(0)).collect::<String>()
            }
        };
        let (text, result) = (text_of("content").await, text_of("result").await);
        assert!(text.len() > 2 << 20 && result.len() > 2 << 20, "{} and {} bytes", text.len(), result.len());
        assert_eq!(qidi_core::ledger::content_hash(&text), set.hash, "the set stored is the set hashed");
        assert_eq!(text.lines().count(), 1 + 18_000);
        let (from, to) = qidi_core::ledger::ChangeSet::ends(&text).unwrap();
        assert_eq!((from, qidi_core::ledger::content_hash(&result)), (hash, to), "its head names its result");
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert!(state.changes.is_empty() && state.change_set.is_none());
        assert_eq!(states(&state).iter().filter(|s| s.1 == SignatureState::Matches).count(), 2);
        assert_eq!(state.signed.unwrap().confirmed_change_sets, 1);

        // The texts are read a part at a time, hashed and parsed as they come. A part
        // altered behind the database's guard (dropped here) is seen: in the result, the set no longer holds and its changes
        // are pending again; in the version, its signatures fail their check.
        let guard = match store.backend() {
            qidi_store::Backend::Sqlite => "DROP TRIGGER ledger_text_parts_frozen",
            qidi_store::Backend::Postgres => "DROP TRIGGER ledger_text_parts_frozen ON ledger_text_parts",
        };
        sqlx::query(guard).execute(store.pool()).await.unwrap();
        let alter = |owner: String, field: &'static str| {
            let store = store.clone();
            async move {
                let altered = sqlx::query(
                    "UPDATE ledger_text_parts SET text = REPLACE(text, 'zrzy', 'zrzx')
                     WHERE owner_id = $1 AND field = $2 AND part = 0",
                )
                .bind(owner)
                .bind(field)
                .execute(store.pool())
                .await
                .unwrap();
                assert_eq!(altered.rows_affected(), 1);
            }
        };
        alter(out.change_set_id.clone(), "result").await;
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_eq!(state.changes_total, 18_000, "the set's changes are pending again");
        assert_eq!(state.signed.unwrap().confirmed_change_sets, 0);
        let version: String = sqlx::query("SELECT id FROM ledger_versions WHERE kind = 'department'")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        alter(version, "content").await;
        let state = store.ledger_state(&banner(), Some(&fgw)).await.unwrap();
        assert_eq!(
            states(&state),
            vec![(Capacity::DepartmentHead, SignatureState::Broken), (Capacity::Leader, SignatureState::Broken)]
        );
    })
    .await;
}
