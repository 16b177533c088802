//! One transaction of generated projects: owners, items, approvals, baseline rows, removals, events.

use super::application::make_application;
use super::run::ScaleReport;
use super::values::{at, day, meta_key, opt, stamp, text};
use super::RegionCtx;
use crate::db::params;
use crate::demo::{OWNER_KINDS, PEOPLE, PLACES, WORKS};
use crate::events::chain_next;
use crate::ledger_import::{Batch, Col, Val};
use crate::{new_id, now_text, Backend, Store, StoreError};
use chrono::{Datelike, Duration, NaiveDate};
use qidi_core::calendar::WorkCalendar;
use qidi_core::workflow::ApplicationFacts;
use rand::rngs::StdRng;
use rand::Rng;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// About this many projects share one project unit.
const PROJECTS_PER_OWNER: u64 = 20;
/// Generated serial numbers start here; the demo's stay below it.
const SERIAL_BASE: u64 = 100_000;
/// Initiation years 2016 … 2022.
const YEARS: u64 = 7;
/// Characters of generated trade names (字号); none of the demo's own (恒宏盛兴) so that
/// no generated name can equal a demo owner's.
const SYLLABLES: &[&str] = &[
    "安", "宝", "昌", "达", "丰", "福", "广", "海", "和", "华", "吉", "佳", "金", "锦", "康", "凯", "乐", "利", "隆",
    "茂", "明", "鹏", "瑞", "润", "森", "顺", "泰", "天", "通", "旺", "祥", "信", "鑫", "阳", "业", "益", "永", "裕",
    "远", "卓",
];
const CHECK_RESULTS: &[&str] =
    &["已核查，材料齐全", "已核查，需补充材料", "已核查，正在编制报告", "已核查，待项目单位申报"];
const ACCEPTANCE: &[&str] = &["未受理", "已受理", "待受理"];

/// The event columns written before the chain's own (`seq`, `prev_hash`, `hash`).
const EVENT_COLUMNS: [&str; 10] =
    ["id", "region_code", "at", "actor_id", "actor_role", "action", "object_type", "object_id", "outcome", "payload"];

/// The name of project unit number `i` of a region: place, two-character trade name,
/// kind; a branch number past the combinations.
fn owner_name(i: u64) -> String {
    let s = SYLLABLES.len() as u64;
    let p = PLACES.len() as u64;
    let k = OWNER_KINDS.len() as u64;
    let place = PLACES[(i % p) as usize];
    let a = SYLLABLES[(i / p % s) as usize];
    let b = SYLLABLES[(i / p / s % s) as usize];
    let kind = OWNER_KINDS[(i / p / s / s % k) as usize];
    let round = i / (p * s * s * k);
    if round == 0 {
        format!("{place}{a}{b}{kind}")
    } else {
        format!("{place}{a}{b}{kind}第{round}分公司")
    }
}

/// Rows of one table, written in statements of [`Batch::ROWS`].
struct Table<const N: usize> {
    batch: Batch,
    rows: Vec<[Val; N]>,
}

impl<const N: usize> Table<N> {
    fn new(table: &str, cols: [(&str, Col); N]) -> Self {
        Table { batch: Batch::new(table, &cols), rows: Vec::new() }
    }

    async fn write(&mut self, conn: &mut AnyConnection, backend: Backend) -> Result<u64, StoreError> {
        let n = self.rows.len() as u64;
        for row in self.rows.drain(..) {
            self.batch.push(row);
            if self.batch.is_full() {
                self.batch.flush(conn, backend).await?;
            }
        }
        self.batch.flush(conn, backend).await?;
        Ok(n)
    }
}

impl Store {
    /// One transaction: `count` projects of `ctx` with everything that hangs on them.
    pub(super) async fn write_batch(
        &self,
        ctx: &mut RegionCtx,
        rng: &mut StdRng,
        count: u64,
        calendar: &WorkCalendar,
        today: NaiveDate,
        report: &mut ScaleReport,
    ) -> Result<(), StoreError> {
        use Col::{Bool, Int, Text};
        let backend = self.backend();
        let rc = ctx.code.clone();
        let now = now_text();
        let home = crate::workflow::home_level(&rc);

        let mut owners = Table::new("owners", [("id", Text), ("region_code", Text), ("name", Text)]);
        let mut projects = Table::new("projects", crate::ledger_import::PROJECT_COLUMNS);
        let mut items = Table::new(
            "pending_items",
            [
                ("id", Text),
                ("region_code", Text),
                ("project_id", Text),
                ("item_type_id", Text),
                ("handling_department_id", Text),
                ("status", Text),
                ("check_result", Text),
                ("responsible_person", Text),
                ("acceptance_status", Text),
                ("due_on", Text),
                ("warn_on", Text),
                ("created_at", Text),
            ],
        );
        let mut applications = Table::new(
            "applications",
            [
                ("id", Text),
                ("region_code", Text),
                ("pending_item_id", Text),
                ("project_id", Text),
                ("state", Text),
                ("due_on", Text),
                ("warn_on", Text),
                ("version", Int),
                ("created_at", Text),
                ("updated_at", Text),
                ("facts", Text),
                ("checklist", Text),
                ("light_policy", Text),
                ("provisional", Bool),
                ("paused_since", Text),
                ("clock_kind", Text),
                ("awaiting", Text),
                ("closed_at", Text),
                ("client_token", Text),
                ("created_by", Text),
            ],
        );
        let mut outside = Table::new(
            "outside_approvals",
            [
                ("id", Text),
                ("region_code", Text),
                ("pending_item_id", Text),
                ("document_number", Text),
                ("decided_on", Text),
                ("recorded_at", Text),
                ("note", Text),
            ],
        );
        let mut baseline = Table::new("baseline_items", crate::ledger_import::BASELINE_COLUMNS);
        let mut removals = Table::new(
            "removals",
            [
                ("id", Text),
                ("region_code", Text),
                ("campaign_id", Text),
                ("kind", Text),
                ("project_id", Text),
                ("pending_item_id", Text),
                ("reason_category", Text),
                ("reason_text", Text),
                ("proposed_at", Text),
                ("decision", Text),
                ("decided_at", Text),
            ],
        );
        let mut events: Vec<Vec<Option<String>>> = Vec::new();
        let mut grants: Vec<String> = Vec::new();
        // Baseline rows to reduce: by approval (item, day), by removal (row, removal, day).
        let mut reduce_approved: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut reduce_removed: Vec<(String, String, String)> = Vec::new();
        const REMOVAL_REASON: &str = "项目单位决定不再建设，申请移出项目库";

        let owner_count = count.div_ceil(PROJECTS_PER_OWNER).max(1);
        let mut owner_ids = Vec::with_capacity(owner_count as usize);
        for i in 0..owner_count {
            let id = new_id();
            owners.rows.push([text(&id), text(&rc), text(owner_name(ctx.next_owner + i))]);
            owner_ids.push(id);
        }
        let (mut n_items, mut n_granted, mut n_apps) = (0u64, 0u64, 0u64);
        for i in 0..count {
            let k = ctx.next_project + i;
            let year = 2016 + k % YEARS;
            let serial = SERIAL_BASE + k / YEARS;
            if serial > 999_999 {
                return Err(StoreError::invalid(format!("region {rc} has no generated project codes left")));
            }
            let (work, industry) = WORKS[rng.gen_range(0..WORKS.len())];
            let place = PLACES[rng.gen_range(0..PLACES.len())];
            let code = format!("{year}-{rc}-{industry}-0{}-{serial:06}", rng.gen_range(1..=3));
            let name = format!("{}{place}{work}项目（{}期）", ctx.name, ["一", "二", "三"][rng.gen_range(0..3)]);
            let owner_id = owner_ids[rng.gen_range(0..owner_ids.len())].clone();
            let initiator = if rng.gen_bool(0.8) {
                ctx.initiators[0].clone()
            } else {
                ctx.initiators[rng.gen_range(0..ctx.initiators.len())].clone()
            };
            let pid = new_id();
            projects.rows.push([
                text(&pid),
                text(&rc),
                text(code),
                text(name),
                text(&owner_id),
                text(initiator),
                Val::Int(Some(year as i64)),
                Val::Int(Some(rng.gen_range(50..200_000i64) * 10_000)),
                text(if rng.gen_bool(0.3) { "under_construction" } else { "not_started" }),
                Val::Bool(true),
                text(&now),
                text(&now),
                text(format!("{year}-{:02}-{:02}", rng.gen_range(1..=12), rng.gen_range(1..=28))),
            ]);
            let n_kinds = rng.gen_range(1..=4usize).min(ctx.kinds.len());
            for ki in rand::seq::index::sample(rng, ctx.kinds.len(), n_kinds) {
                let kind = &ctx.kinds[ki];
                let item_id = new_id();
                n_items += 1;
                // The ledger deadline: none, red, yellow or green today.
                let (due, warn) = match rng.gen_range(0..100) {
                    0..20 => (None, None),
                    20..40 => {
                        let due = today - Duration::days(rng.gen_range(1..90));
                        (Some(due), Some(due - Duration::days(3)))
                    }
                    40..55 => (
                        Some(today + Duration::days(rng.gen_range(0..=3))),
                        Some(today - Duration::days(rng.gen_range(0..=2))),
                    ),
                    _ => {
                        let due = today + Duration::days(rng.gen_range(10..150));
                        (Some(due), Some(due - Duration::days(3)))
                    }
                };
                let fate = rng.gen_range(0..1000);
                let mut approved_on = None;
                let mut acceptance = ACCEPTANCE[0];
                if fate < 20 {
                    let owner = &owner_id;
                    let facts = ApplicationFacts {
                        handling_department_id: kind.department_id.clone(),
                        owner_id: owner.clone(),
                        authority_level: kind.authority_level,
                        home_level: home,
                        required_materials: kind.checklist.iter().map(|m| m.code.clone()).collect(),
                        promised_limit: kind.promised_limit,
                        limit_unit: kind.limit_unit,
                        extension_limit: kind.extension_limit,
                    };
                    let made = make_application(ctx, rng, kind, facts, &item_id, &pid, calendar, today, &now)?;
                    applications.rows.push(made.row);
                    n_apps += 1;
                    acceptance = ACCEPTANCE[1];
                    for [actor_id, role, action, otype, oid, payload] in made.events {
                        events.push(vec![
                            Some(new_id()),
                            Some(rc.clone()),
                            Some(now.clone()),
                            actor_id,
                            role,
                            action,
                            otype,
                            oid,
                            Some("ok".into()),
                            payload,
                        ]);
                    }
                    approved_on = made.approved_on;
                } else if fate < 120 {
                    let decided = today - Duration::days(rng.gen_range(0..56));
                    outside.rows.push([
                        text(new_id()),
                        text(&rc),
                        text(&item_id),
                        text(format!("{}审批字〔{}〕{}号", &ctx.name, decided.year(), rng.gen_range(1..1000))),
                        text(day(decided)),
                        text(&now),
                        text("批量生成的演示数据"),
                    ]);
                    approved_on = Some(decided);
                    acceptance = ACCEPTANCE[1];
                } else if rng.gen_bool(0.3) {
                    acceptance = ACCEPTANCE[rng.gen_range(0..ACCEPTANCE.len())];
                }
                if approved_on.is_some() {
                    grants.push(item_id.clone());
                    n_granted += 1;
                }
                items.rows.push([
                    text(&item_id),
                    text(&rc),
                    text(&pid),
                    text(&kind.id),
                    text(&kind.department_id),
                    text("pending"),
                    opt(rng.gen_bool(0.8).then(|| CHECK_RESULTS[rng.gen_range(0..CHECK_RESULTS.len())].to_string())),
                    text(PEOPLE[rng.gen_range(0..PEOPLE.len())]),
                    text(acceptance),
                    opt(due.map(day)),
                    opt(warn.map(day)),
                    text(&now),
                ]);
                // Nine in ten items are in the campaign's baseline.
                if rng.gen_bool(0.9) {
                    let added = today - Duration::days(rng.gen_range(60..120));
                    let row_id = new_id();
                    baseline.rows.push([
                        text(&row_id),
                        text(&rc),
                        text(&ctx.campaign_id),
                        text(&item_id),
                        Val::Bool(false),
                        text(day(added)),
                        text(stamp(at(added, 0))),
                    ]);
                    if let Some(on) = approved_on {
                        reduce_approved.entry(day(on.max(added))).or_default().push(row_id);
                    } else if fate >= 120 && rng.gen_range(0..1000) < 5 {
                        let removal = new_id();
                        let on = today - Duration::days(rng.gen_range(0..40));
                        removals.rows.push([
                            text(&removal),
                            text(&rc),
                            text(&ctx.campaign_id),
                            text("item"),
                            text(&pid),
                            text(&item_id),
                            text("not_going_ahead"),
                            text(REMOVAL_REASON),
                            text(stamp(at(on, 0))),
                            text("approved"),
                            text(stamp(at(on, 30))),
                        ]);
                        reduce_removed.push((row_id, removal, day(on)));
                    }
                }
            }
        }

        let mut tx = self.begin_write().await?;
        report.owners += owners.write(&mut tx, backend).await?;
        report.projects += projects.write(&mut tx, backend).await?;
        report.pending_items += items.write(&mut tx, backend).await?;
        report.applications += applications.write(&mut tx, backend).await?;
        report.outside_approvals += outside.write(&mut tx, backend).await?;
        // Granted only now, with the approval on record (the database checks it).
        for chunk in grants.chunks(Batch::ROWS) {
            let sql = format!(
                "UPDATE pending_items SET status = 'granted' WHERE status = 'pending' AND id IN ({})",
                params(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.execute(&mut *tx).await?;
        }
        report.granted += n_granted;
        report.baseline_items += baseline.write(&mut tx, backend).await?;
        for (on, rows) in &reduce_approved {
            for chunk in rows.chunks(Batch::ROWS) {
                let sql = format!(
                    "UPDATE baseline_items SET reduction = 'approved', reduced_on = $1
                     WHERE reduction IS NULL AND id IN ({})",
                    params(2, chunk.len())
                );
                let mut q = sqlx::query(&sql).bind(on);
                for id in chunk {
                    q = q.bind(id);
                }
                report.baseline_approved += q.execute(&mut *tx).await?.rows_affected();
            }
        }
        removals.write(&mut tx, backend).await?;
        for (row_id, removal, on) in &reduce_removed {
            report.baseline_removed += sqlx::query(
                "UPDATE baseline_items SET reduction = 'removed', reduced_on = $1, reason_category = 'not_going_ahead',
                     reason_text = $2, removal_id = $3
                 WHERE id = $4 AND reduction IS NULL",
            )
            .bind(on)
            .bind(REMOVAL_REASON)
            .bind(removal)
            .bind(row_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        events.push(vec![
            Some(new_id()),
            Some(rc.clone()),
            Some(now.clone()),
            None,
            Some("system".into()),
            Some("demo.generate".into()),
            Some("region".into()),
            Some(rc.clone()),
            Some("ok".into()),
            Some(
                serde_json::json!({
                    "projects": count,
                    "first_project": ctx.next_project,
                    "pending_items": n_items,
                    "granted": n_granted,
                    "applications": n_apps,
                })
                .to_string(),
            ),
        ]);
        let links = chain_next(&mut tx, &EVENT_COLUMNS, &mut events).await?;
        let mut event_rows = Table::new(
            "events",
            [
                ("id", Text),
                ("region_code", Text),
                ("at", Text),
                ("actor_id", Text),
                ("actor_role", Text),
                ("action", Text),
                ("object_type", Text),
                ("object_id", Text),
                ("outcome", Text),
                ("payload", Text),
                ("seq", Int),
                ("prev_hash", Text),
                ("hash", Text),
            ],
        );
        for (row, link) in events.into_iter().zip(links) {
            let mut it = row.into_iter();
            let mut next = || Val::Text(it.next().flatten());
            event_rows.rows.push([
                next(),
                next(),
                next(),
                next(),
                next(),
                next(),
                next(),
                next(),
                next(),
                next(),
                Val::Int(Some(link.seq)),
                text(link.prev_hash),
                text(link.hash),
            ]);
        }
        report.events += event_rows.write(&mut tx, backend).await?;
        ctx.next_project += count;
        ctx.next_owner += owner_count;
        for (what, value) in [("projects", ctx.next_project), ("owners", ctx.next_owner)] {
            sqlx::query(
                "INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(meta_key(&rc, what))
            .bind(value.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
