//! The database guards the baseline (R5, migration 0008), on both backends: on a
//! realistic ledger — imported from a spreadsheet, signed, its entries in the baseline —
//! each forbidden change is tried in raw SQL against the store's own pool and refused
//! by the database itself, while the same statement goes through once the decision
//! behind it exists, and the legitimate paths (an approved application, an approval
//! recorded from outside the system, an approved removal) still reduce the baseline.

#[path = "support/baseline_fixture.rs"]
mod baseline_fixture;

use baseline_fixture::*;
use chrono::Duration;
use qidi_core::ledger::{Decision, RemovalKind, RemovalReason};
use qidi_core::workflow::{Action, ApplicationState};
use qidi_store::baseline::NewRemoval;
use qidi_store::testing::on_each_backend;
use qidi_store::users::User;
use qidi_store::workflow::{ActRequest, WorkflowError};
use qidi_store::{Store, StoreError};
use sqlx::Row;

/// Why the database refuses, as the triggers of 0004/0008 word it. Every refusal below
/// is checked against its reason, so a statement that fails for another reason (a typo,
/// a foreign key) cannot pass for a guard.
const NOT_APPROVED: &str = "granted only with its approval";
const UNKNOWN_STATUS: &str = "is pending or granted";
const STAYS_GRANTED: &str = "stays granted";
const ADDED_UNREDUCED: &str = "added unreduced";
const NOT_REDUCIBLE: &str = "reduced only by approval";
const STAYS_REDUCED: &str = "stays reduced";
const NOT_REMOVED: &str = "leaves the library only by an approved removal";
const OTHER_REGION: &str = "pending item of its own region";
const APPEND_ONLY: &str = "append-only";

/// Run one raw statement on the store's pool, outside any store function.
async fn raw(store: &Store, sql: &str, binds: &[&str]) -> Result<u64, String> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    q.execute(store.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
}

/// The statement is refused by the database, for the reason given.
async fn refused(store: &Store, sql: &str, binds: &[&str], why: &str) {
    match raw(store, sql, binds).await {
        Ok(n) => panic!("the database let this through ({n} rows): {sql} {binds:?}"),
        Err(e) => assert!(e.contains(why), "refused, but not because `{why}`: {e}\n  {sql}"),
    }
}

/// The statement goes through and changes exactly one row.
async fn allowed(store: &Store, sql: &str, binds: &[&str]) {
    match raw(store, sql, binds).await {
        Ok(n) => assert_eq!(n, 1, "{sql} {binds:?}"),
        Err(e) => panic!("refused, but its decision is there: {e}\n  {sql} {binds:?}"),
    }
}

const GRANT: &str = "UPDATE pending_items SET status = 'granted' WHERE id = $1";

async fn outside_row(store: &Store, region: &str, item: &str, number: &str, decided_on: &str) -> Result<u64, String> {
    raw(
        store,
        "INSERT INTO outside_approvals (id, region_code, pending_item_id, document_number, decided_on, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&qidi_store::new_id(), region, item, number, decided_on, &qidi_store::now_text()],
    )
    .await
}

fn req(action: Action) -> ActRequest {
    ActRequest { action, client_token: None, expected_version: None, reason: None }
}

/// An application of `item` by the unit, with every material uploaded, submitted and
/// accepted by `handler`.
async fn accepted_application(store: &Store, f: &Fixture, handler: &User, item: &str) -> String {
    let dir = std::env::temp_dir().join(format!("qidi-guard-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let app = store.create_application(&f.unit, item, None).await.unwrap().application;
    let codes = store.application_detail(&f.unit, &app.id).await.unwrap().facts.required_materials;
    for c in codes {
        store
            .upload_material(&dir, &f.unit, &app.id, &c, &format!("{c}.pdf"), Some("application/pdf"), b"%PDF-1.4 x")
            .await
            .unwrap();
    }
    store.act(&f.unit, &app.id, req(Action::Submit { materials: Vec::new() })).await.unwrap();
    store.act(handler, &app.id, req(Action::Accept)).await.unwrap();
    app.id
}

#[tokio::test]
async fn a_pending_item_is_granted_only_with_the_approval_of_that_very_item() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let land = item_id(&store, P1, "land_pre_review").await;
        let energy = item_id(&store, P3, "energy_review").await;
        let eia = item_id(&store, P1, "eia").await;
        let today = qidi_store::today();

        // No approval at all: refused, by any spelling of the grant.
        refused(&store, GRANT, &[&land], NOT_APPROVED).await;
        refused(
            &store,
            "UPDATE pending_items SET status = 'granted', note = '已批' WHERE id = $1",
            &[&land],
            NOT_APPROVED,
        )
        .await;
        refused(
            &store,
            "UPDATE pending_items SET status = 'granted' WHERE project_id = $1",
            &[&project_id(&store, P1).await],
            NOT_APPROVED,
        )
        .await;
        // Nor may an item leave the ledger under another status.
        refused(&store, "UPDATE pending_items SET status = 'withdrawn' WHERE id = $1", &[&land], UNKNOWN_STATUS).await;

        // The legitimate path: an application approved in the system grants the item
        // and reduces its entry (审批1个核减1个) in the same transaction. While it is
        // only accepted, the raw grant is still refused.
        let app = accepted_application(&store, &f, &f.fgw_handler, &energy).await;
        refused(&store, GRANT, &[&energy], NOT_APPROVED).await;
        let approve = Action::Approve { document_number: "正发改审字〔2022〕7号".into(), decided_on: today };
        let out = store.act(&f.fgw_handler, &app, req(approve)).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::Approved);
        assert_eq!(status(&store, &energy).await, "granted");
        assert_eq!(reduction(&store, &energy).await.as_deref(), Some("approved"));
        assert_eq!(remaining(&store).await, 6);

        // That approval is energy review's, not land pre-review's.
        refused(&store, GRANT, &[&land], NOT_APPROVED).await;
        // An outside approval recorded in another region does not count (nor can it
        // be recorded there at all).
        let e = outside_row(&store, "152522", &land, "镶黄旗自然资字〔2022〕3号", "2022-09-01").await.unwrap_err();
        assert!(e.contains(OTHER_REGION), "{e}");
        refused(&store, GRANT, &[&land], NOT_APPROVED).await;
        // Recorded here, with its document number and date: the same statement goes
        // through, and the baseline follows.
        outside_row(&store, "152529", &land, "正自然资字〔2022〕12号", "2022-09-01").await.unwrap();
        allowed(&store, GRANT, &[&land]).await;
        assert_eq!(reduction(&store, &land).await.as_deref(), Some("approved"));
        assert_eq!(remaining(&store).await, 5);

        // An approval decided above (转报, 上级批复) counts too: higher_approved.
        sqlx::query("UPDATE item_types SET authority_level = 'league' WHERE code = 'eia'")
            .execute(store.pool())
            .await
            .unwrap();
        let app = accepted_application(&store, &f, &f.sthj, &eia).await;
        let forward = Action::Forward { to_authority: "锡林郭勒盟生态环境局".into() };
        store.act(&f.sthj, &app, req(forward)).await.unwrap();
        refused(&store, GRANT, &[&eia], NOT_APPROVED).await;
        let higher = Action::RecordHigherOutcome {
            approved: true,
            document_number: Some("锡署环审〔2022〕45号".into()),
            reasons: None,
            decided_on: Some(today),
        };
        let out = store.act(&f.sthj, &app, req(higher)).await.unwrap();
        assert_eq!(out.application.state, ApplicationState::HigherApproved);
        assert_eq!(status(&store, &eia).await, "granted");
        assert_eq!(reduction(&store, &eia).await.as_deref(), Some("approved"));
        assert_eq!(remaining(&store).await, 4);
    })
    .await;
}

#[tokio::test]
async fn a_pending_item_is_never_inserted_granted_and_a_grant_is_final() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let p2 = project_id(&store, P2).await;
        let (region, type_id, dept): (String, String, String) = {
            let r = sqlx::query(
                "SELECT i.region_code, t.id, t.department_id FROM item_types t, pending_items i
                 WHERE t.code = 'water_intake' AND i.project_id = $1",
            )
            .bind(&p2)
            .fetch_one(store.pool())
            .await
            .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        let insert = |status: &'static str| {
            let (store, p2, region, type_id, dept) = (store.clone(), p2.clone(), region.clone(), type_id.clone(), dept.clone());
            async move {
                let id = qidi_store::new_id();
                let sql = format!(
                    "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, created_at)
                     VALUES ($1, $2, $3, $4, $5, '{status}', $6)"
                );
                raw(&store, &sql, &[&id, &region, &p2, &type_id, &dept, &qidi_store::now_text()]).await
            }
        };
        let e = insert("granted").await.unwrap_err();
        assert!(e.contains(NOT_APPROVED), "{e}");
        let e = insert("closed").await.unwrap_err();
        assert!(e.contains(UNKNOWN_STATUS), "{e}");
        assert_eq!(insert("pending").await, Ok(1), "the same row, pending, is an ordinary new item");

        // A granted item (here by an outside approval through the store) stays granted,
        // and stays the item that was granted.
        let land = item_id(&store, P1, "land_pre_review").await;
        store.record_outside_approval(&f.zrzy, &land, "正自然资字〔2022〕12号", date(2022, 9, 1), None).await.unwrap();
        assert_eq!(status(&store, &land).await, "granted");
        refused(&store, "UPDATE pending_items SET status = 'pending' WHERE id = $1", &[&land], STAYS_GRANTED).await;
        refused(&store, "UPDATE pending_items SET status = 'refused' WHERE id = $1", &[&land], STAYS_GRANTED).await;
        refused(&store, "UPDATE pending_items SET project_id = $1 WHERE id = $2", &[&p2, &land], STAYS_GRANTED).await;
        refused(&store, "DELETE FROM pending_items WHERE id = $1", &[&land], STAYS_GRANTED).await;
        // Its reduction cannot be undone either, and the record of the approval stays.
        refused(&store, "UPDATE baseline_items SET reduction = NULL, reduced_on = NULL WHERE pending_item_id = $1", &[&land], STAYS_REDUCED).await;
        refused(&store, "DELETE FROM outside_approvals WHERE pending_item_id = $1", &[&land], APPEND_ONLY).await;
        refused(&store, "UPDATE outside_approvals SET pending_item_id = $1", &[&land], APPEND_ONLY).await;
        // What is not the grant may still change on a granted item.
        allowed(&store, "UPDATE pending_items SET note = '批复已归档' WHERE id = $1", &[&land]).await;
        allowed(&store, "UPDATE pending_items SET status = 'granted' WHERE id = $1", &[&land]).await;
        // A pending item may go on being answered and its status rewritten as pending.
        let water = item_id(&store, P1, "water_intake").await;
        allowed(&store, "UPDATE pending_items SET status = 'pending', responsible_person = '巴特尔' WHERE id = $1", &[&water])
            .await;
    })
    .await;
}

#[tokio::test]
async fn a_baseline_row_is_added_unreduced() {
    on_each_backend(|store| async move {
        fixture(&store).await;
        // 工信局's ledger is not signed: its item has no baseline row yet.
        let permit = item_id(&store, P2, "construction_permit").await;
        let (campaign, removal): (String, String) = {
            let c: String = sqlx::query("SELECT id FROM campaigns").fetch_one(store.pool()).await.unwrap().get(0);
            let p2 = project_id(&store, P2).await;
            let r = qidi_store::new_id();
            raw(
                &store,
                "INSERT INTO removals (id, region_code, campaign_id, kind, project_id, pending_item_id, reason_category, reason_text, proposed_at, decision)
                 VALUES ($1, '152529', $2, 'item', $3, $4, 'other', '不再建设', $5, 'approved')",
                &[&r, &c, &p2, &permit, &qidi_store::now_text()],
            )
            .await
            .unwrap();
            (c, r)
        };
        let insert = |extra_cols: &'static str, extra_vals: &'static str, extra: Vec<String>| {
            let (store, campaign, permit) = (store.clone(), campaign.clone(), permit.clone());
            async move {
                let sql = format!(
                    "INSERT INTO baseline_items (id, region_code, campaign_id, pending_item_id, is_addition, added_on, added_at{extra_cols})
                     VALUES ($1, '152529', $2, $3, TRUE, '2022-09-01', $4{extra_vals})"
                );
                let mut binds = vec![qidi_store::new_id(), campaign, permit, qidi_store::now_text()];
                binds.extend(extra);
                let binds: Vec<&str> = binds.iter().map(String::as_str).collect();
                raw(&store, &sql, &binds).await
            }
        };
        for (cols, vals, extra) in [
            (", reduction, reduced_on", ", 'approved', '2022-09-01'", vec![]),
            (
                ", reduction, reduced_on, reason_category, reason_text, removal_id",
                ", 'removed', '2022-09-01', 'other', '不再建设', $5",
                vec![removal.clone()],
            ),
            (", reduced_on", ", '2022-09-01'", vec![]),
            (", removal_id", ", $5", vec![removal.clone()]),
            (", reason_category, reason_text", ", 'other', '不再建设'", vec![]),
        ] {
            let e = insert(cols, vals, extra).await.unwrap_err();
            assert!(e.contains(ADDED_UNREDUCED), "{cols}: {e}");
        }
        assert_eq!(insert("", "", vec![]).await, Ok(1), "the same row, unreduced, is an ordinary addition");
    })
    .await;
}

#[tokio::test]
async fn a_removal_reduces_only_its_own_item_or_project_in_its_region() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let eia = item_id(&store, P1, "eia").await;
        let water = item_id(&store, P1, "water_intake").await;
        let p1 = project_id(&store, P1).await;
        let p4 = project_id(&store, P4).await;
        let campaign: String = sqlx::query("SELECT id FROM campaigns").fetch_one(store.pool()).await.unwrap().get(0);

        // The legitimate path: 生态环境局 proposes taking eia out, the office approves,
        // and exactly that entry is reduced with the removal's reason.
        let text = "用地不符合节约集约要求，项目调整选址";
        let removal_eia = store
            .propose_removal(
                &banner(),
                &NewRemoval {
                    kind: RemovalKind::Item,
                    project_id: &p1,
                    pending_item_id: Some(&eia),
                    reason: RemovalReason::LandSaving,
                    text,
                },
                &f.sthj,
            )
            .await
            .unwrap();
        assert_eq!(store.decide_removal(&removal_eia, Decision::Approved, "白旗发改发〔2022〕18号", &f.office).await.unwrap(), 1);
        assert_eq!(reduction(&store, &eia).await.as_deref(), Some("removed"));
        assert_eq!(reduction(&store, &water).await, None, "the project's other entries stay");
        assert_eq!(remaining(&store).await, 6);

        // And a whole project: P4 leaves the library, both its entries are reduced.
        let removal_p4 = store
            .propose_removal(
                &banner(),
                &NewRemoval {
                    kind: RemovalKind::Project,
                    project_id: &p4,
                    pending_item_id: None,
                    reason: RemovalReason::NotGoingAhead,
                    text: "项目单位书面申请不再实施",
                },
                &f.fgw_head,
            )
            .await
            .unwrap();
        assert_eq!(store.decide_removal(&removal_p4, Decision::Approved, "", &f.office).await.unwrap(), 2);
        assert!(!in_library(&store, &p4).await);
        assert_eq!(remaining(&store).await, 4);

        const REDUCE: &str = "UPDATE baseline_items SET reduction = 'removed', reduced_on = '2022-09-20',
                              reason_category = $1, reason_text = $2, removal_id = $3 WHERE pending_item_id = $4";
        // An approved removal of ANOTHER item of the same project, its reason copied: refused.
        refused(&store, REDUCE, &["land_saving", text, &removal_eia, &water], NOT_REDUCIBLE).await;
        // An approved removal of ANOTHER project: refused.
        refused(&store, REDUCE, &["not_going_ahead", "项目单位书面申请不再实施", &removal_p4, &water], NOT_REDUCIBLE).await;
        // An approved removal of this very item, but in ANOTHER region: refused.
        let elsewhere = qidi_store::new_id();
        raw(
            &store,
            "INSERT INTO removals (id, region_code, campaign_id, kind, project_id, pending_item_id, reason_category, reason_text, proposed_at, decision)
             VALUES ($1, '152522', $2, 'item', $3, $4, 'other', '不再建设', $5, 'approved')",
            &[&elsewhere, &campaign, &p1, &water, &qidi_store::now_text()],
        )
        .await
        .unwrap();
        refused(&store, REDUCE, &["other", "不再建设", &elsewhere, &water], NOT_REDUCIBLE).await;
        // Of this very item, in this region, but only proposed: refused.
        let own = store
            .propose_removal(
                &banner(),
                &NewRemoval {
                    kind: RemovalKind::Item,
                    project_id: &p1,
                    pending_item_id: Some(&water),
                    reason: RemovalReason::Other,
                    text: "取水许可改由盟级审批，不再列入本旗台账",
                },
                &f.slj,
            )
            .await
            .unwrap();
        let own_text = "取水许可改由盟级审批，不再列入本旗台账";
        refused(&store, REDUCE, &["other", own_text, &own, &water], NOT_REDUCIBLE).await;
        // Once the office's approval is there, the very same statement goes through —
        // but still not with another reason than the removal's.
        allowed(&store, "UPDATE removals SET decision = 'approved', decided_at = $1 WHERE id = $2", &[&qidi_store::now_text(), &own]).await;
        refused(&store, REDUCE, &["industrial_policy", own_text, &own, &water], NOT_REDUCIBLE).await;
        refused(&store, REDUCE, &["other", "随便写的理由", &own, &water], NOT_REDUCIBLE).await;
        allowed(&store, REDUCE, &["other", own_text, &own, &water]).await;
        assert_eq!(reduction(&store, &water).await.as_deref(), Some("removed"));
        assert_eq!(remaining(&store).await, 3);
    })
    .await;
}

#[tokio::test]
async fn a_project_leaves_the_library_only_by_its_approved_removal() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let p1 = project_id(&store, P1).await;
        let p2 = project_id(&store, P2).await;
        let p3 = project_id(&store, P3).await;
        let permit = item_id(&store, P2, "construction_permit").await;
        let campaign: String = sqlx::query("SELECT id FROM campaigns").fetch_one(store.pool()).await.unwrap().get(0);
        const LEAVE: &str = "UPDATE projects SET in_library = FALSE WHERE id = $1";

        refused(&store, LEAVE, &[&p2], NOT_REMOVED).await;
        refused(&store, "UPDATE projects SET in_library = FALSE", &[], NOT_REMOVED).await;
        // An approved removal of one of its items is not the project's removal.
        let item_removal = qidi_store::new_id();
        let insert_removal = |id: String, region: &'static str, kind: &'static str, project: String, item: Option<String>| {
            let (store, campaign) = (store.clone(), campaign.clone());
            async move {
                let sql = "INSERT INTO removals (id, region_code, campaign_id, kind, project_id, pending_item_id, reason_category, reason_text, proposed_at, decision)
                           VALUES ($1, $2, $3, $4, $5, $6, 'other', '不再建设', $7, 'approved')";
                sqlx::query(sql)
                    .bind(id)
                    .bind(region)
                    .bind(campaign)
                    .bind(kind)
                    .bind(project)
                    .bind(item)
                    .bind(qidi_store::now_text())
                    .execute(store.pool())
                    .await
                    .unwrap();
            }
        };
        insert_removal(item_removal, "152529", "item", p2.clone(), Some(permit.clone())).await;
        refused(&store, LEAVE, &[&p2], NOT_REMOVED).await;
        // Nor is another project's, nor this project's in another region.
        insert_removal(qidi_store::new_id(), "152529", "project", p3.clone(), None).await;
        insert_removal(qidi_store::new_id(), "152522", "project", p2.clone(), None).await;
        refused(&store, LEAVE, &[&p2], NOT_REMOVED).await;
        // A proposed removal of the project is not yet a decision.
        let proposed = store
            .propose_removal(
                &banner(),
                &NewRemoval {
                    kind: RemovalKind::Project,
                    project_id: &p2,
                    pending_item_id: None,
                    reason: RemovalReason::IndustrialPolicy,
                    text: "不符合产业政策",
                },
                &f.office,
            )
            .await
            .unwrap();
        refused(&store, LEAVE, &[&p2], NOT_REMOVED).await;
        assert!(in_library(&store, &p2).await);
        // Approved: the same statement goes through.
        allowed(&store, "UPDATE removals SET decision = 'approved' WHERE id = $1", &[&proposed]).await;
        allowed(&store, LEAVE, &[&p2]).await;
        assert!(!in_library(&store, &p2).await);

        // The store's own path: the removal is decided before the project moves, so the
        // office's approval takes P1 out of the library and reduces its three entries.
        let removal = store
            .propose_removal(
                &banner(),
                &NewRemoval {
                    kind: RemovalKind::Project,
                    project_id: &p1,
                    pending_item_id: None,
                    reason: RemovalReason::NotGoingAhead,
                    text: "项目单位书面申请不再实施",
                },
                &f.fgw_head,
            )
            .await
            .unwrap();
        assert_eq!(store.decide_removal(&removal, Decision::Approved, "", &f.office).await.unwrap(), 3);
        assert!(!in_library(&store, &p1).await);
        assert_eq!(remaining(&store).await, 4);

        // A ledger page lists what awaits a decision first, however long ago it was
        // proposed, then the newest; at most as many as asked.
        let waiting = qidi_store::new_id();
        allowed(
            &store,
            "INSERT INTO removals (id, region_code, campaign_id, kind, project_id, reason_category, reason_text,
                                   proposed_at, decision)
             SELECT $1, '152529', id, 'project', $2, 'other', '不再建设', '2022-01-01T00:00:00Z', 'proposed' FROM campaigns",
            &[&waiting, &p2],
        )
        .await;
        let listed = store.removals(&banner(), None, 50).await.unwrap();
        let awaiting = |r: &qidi_store::baseline::RemovalRow| r.decision == Decision::Proposed;
        assert!(listed.len() >= 3 && listed.iter().any(|r| r.id == waiting));
        let first_decided = listed.iter().position(|r| !awaiting(r)).unwrap();
        assert!(listed[first_decided..].iter().all(|r| !awaiting(r)), "awaiting a decision first");
        for part in [&listed[..first_decided], &listed[first_decided..]] {
            assert!(part.windows(2).all(|w| w[0].proposed_at >= w[1].proposed_at), "then the newest");
        }
        assert_eq!(store.removals(&banner(), None, 2).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn an_outside_approval_is_recorded_with_its_number_and_date_by_whom_may() {
    on_each_backend(|store| async move {
        let f = fixture(&store).await;
        let land = item_id(&store, P1, "land_pre_review").await;
        let water = item_id(&store, P1, "water_intake").await;
        let soil = item_id(&store, P3, "soil_water").await;
        let today = qidi_store::today();
        let events = |item: String, outcome: &'static str| {
            let store = store.clone();
            async move {
                sqlx::query(
                    "SELECT COUNT(*) FROM events WHERE action = 'pending_item.record_outside_approval' AND object_id = $1 AND outcome = $2",
                )
                .bind(item)
                .bind(outcome)
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get::<i64, _>(0)
            }
        };

        // Refused with a clear message, nothing written.
        let e = store.record_outside_approval(&f.zrzy, &land, "  ", date(2022, 9, 1), None).await.unwrap_err();
        assert!(matches!(&e, StoreError::Invalid(m) if m == "请填写批复文号"), "{e:?}");
        let tomorrow = today + Duration::days(1);
        let e = store.record_outside_approval(&f.zrzy, &land, "正自然资字〔2022〕12号", tomorrow, None).await.unwrap_err();
        assert!(matches!(&e, StoreError::Invalid(m) if m.contains("晚于今天")), "{e:?}");
        // Not the handling department (slj sees the item only if it handles it: 404),
        // the initiating department (sees it, may not grant it: 403), a read-only role.
        let e = store.record_outside_approval(&f.slj, &land, "文号", today, None).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
        let e = store.record_outside_approval(&f.fgw_head, &land, "文号", today, None).await.unwrap_err();
        assert!(matches!(&e, StoreError::Forbidden(m) if m.contains("办理部门")), "{e:?}");
        let e = store.record_outside_approval(&f.inspector, &land, "文号", today, None).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
        let e = store.record_outside_approval(&f.unit, &land, "文号", today, None).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_) | StoreError::NotFound(_)), "{e:?}");
        assert_eq!(status(&store, &land).await, "pending");
        assert_eq!(remaining(&store).await, 7);
        assert_eq!(events(land.clone(), "denied").await, 3, "each forbidden attempt is on the record");
        assert_eq!(events(land.clone(), "ok").await, 0);

        // The handling department's handler records it: granted, baseline reduced, one event.
        let r = store
            .record_outside_approval(&f.zrzy, &land, " 正自然资字〔2022〕12号 ", today, Some(" 台账所列已批事项 "))
            .await
            .unwrap();
        assert_eq!((r.document_number.as_str(), r.decided_on, r.note.as_deref()), ("正自然资字〔2022〕12号", today, Some("台账所列已批事项")));
        assert!(r.baseline_reduced);
        assert_eq!(status(&store, &land).await, "granted");
        assert_eq!(reduction(&store, &land).await.as_deref(), Some("approved"));
        assert_eq!(remaining(&store).await, 6);
        assert_eq!(events(land.clone(), "ok").await, 1);
        let row = sqlx::query("SELECT region_code, document_number, decided_on, recorded_by FROM outside_approvals WHERE id = $1")
            .bind(&r.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>(0), "152529");
        assert_eq!(row.get::<String, _>(1), "正自然资字〔2022〕12号");
        assert_eq!(row.get::<String, _>(2), today.format("%Y-%m-%d").to_string());
        assert_eq!(row.get::<String, _>(3), f.zrzy.id);
        // Once granted, not again.
        let e = store.record_outside_approval(&f.office, &land, "另一个文号", today, None).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");

        // The office may record for any department; the item's department head too.
        store.record_outside_approval(&f.office, &water, "正水审〔2021〕3号", date(2021, 6, 1), None).await.unwrap();
        assert_eq!(status(&store, &water).await, "granted");
        // An item with an application under way is decided in the application.
        let app = store.create_application(&f.unit, &soil, None).await.unwrap().application;
        let e = store.record_outside_approval(&f.slj, &soil, "正水保〔2022〕5号", today, None).await.unwrap_err();
        assert!(matches!(&e, StoreError::Conflict(m) if m.contains("申请")), "{e:?}");
        store.act(&f.unit, &app.id, req(Action::Withdraw { reason: "已线下取得批复".into() })).await.unwrap();
        store.record_outside_approval(&f.slj, &soil, "正水保〔2022〕5号", today, None).await.unwrap();
        assert_eq!(remaining(&store).await, 4);
        // An item that is granted has no open application to create.
        assert!(matches!(store.create_application(&f.unit, &soil, None).await, Err(WorkflowError::Conflict(_))));
    })
    .await;
}

#[tokio::test]
async fn outside_approvals_name_a_number_a_real_date_and_an_item_of_their_region() {
    on_each_backend(|store| async move {
        fixture(&store).await;
        let land = item_id(&store, P1, "land_pre_review").await;
        for (number, day) in [
            ("  ", "2022-09-01"),
            ("", "2022-09-01"),
            ("正自然资字〔2022〕12号", "2022-02-30"),
            ("正自然资字〔2022〕12号", "2022/09/01"),
        ] {
            assert!(outside_row(&store, "152529", &land, number, day).await.is_err(), "{number:?} {day:?}");
        }
        let e =
            outside_row(&store, "152529", "no-such-item", "正自然资字〔2022〕12号", "2022-09-01").await.unwrap_err();
        assert!(e.contains(OTHER_REGION), "{e}");
        refused(&store, GRANT, &[&land], NOT_APPROVED).await;
        assert_eq!(outside_row(&store, "152529", &land, "正自然资字〔2022〕12号", "2022-09-01").await, Ok(1));
        refused(&store, "UPDATE outside_approvals SET document_number = '改过的文号'", &[], APPEND_ONLY).await;
        refused(&store, "DELETE FROM outside_approvals", &[], APPEND_ONLY).await;
    })
    .await;
}
