//! Signing a department ledger: signatures through reductions, change sets, and ledgers too large for memory.

use crate::{banner, count, date, item, ledger, project, sample, user};
use qidi_core::ledger::{Capacity, ChangeKind, CheckAnswer, Decision, RemovalKind, RemovalReason, SignatureState};
use qidi_core::Role;
use qidi_store::testing::on_each_backend;
use sqlx::Row;

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
