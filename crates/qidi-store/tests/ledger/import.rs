//! Importing a ledger into the store: keyed and idempotent, dry runs, batches, uploads and credit codes.

use crate::{banner, count, item, ledger, project, sample, user};
use qidi_core::Role;
use qidi_office::{LedgerProject, RowIssue};
use qidi_store::ledger_import::{ImportMode, ImportSummary};
use qidi_store::testing::on_each_backend;
use sqlx::Row;

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
