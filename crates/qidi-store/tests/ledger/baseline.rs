//! Check lists and the department baseline: missing answers, additions to a fixed ledger, and the baseline table.

use crate::{banner, count, date, item, ledger, project, sample, user};
use qidi_core::ledger::{Capacity, CheckAnswer, Decision, RemovalKind, RemovalReason};
use qidi_core::Role;
use qidi_office::LedgerProject;
use qidi_store::testing::on_each_backend;
use sqlx::Row;

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
