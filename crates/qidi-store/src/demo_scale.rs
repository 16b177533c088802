//! Region-scale data for benchmarks (`qidi demo --projects N`): N more projects, spread
//! over the banners under the deployment's region, with owners, pending items in both
//! statuses, ledger deadlines that light every colour today, baseline rows (some
//! reduced by approval or removal), approvals made outside qidi, and for a small share
//! of items an application with its history in the record, linked into the hash chain.
//!
//! Deterministic for a given database state (seeded by region and how many projects it
//! already has). Written in transactions of [`BATCH_PROJECTS`] projects, many rows to a
//! statement, through the same guards and triggers as every other writer: items are
//! inserted pending and granted afterwards with their approval on record; baseline
//! rows are inserted unreduced and reduced afterwards.

use crate::db::params;
use crate::demo::{OWNER_KINDS, PEOPLE, PLACES, WORKS};
use crate::events::chain_next;
use crate::ledger_import::{Batch, Col, Val};
use crate::workflow::{Derived, MaterialSpec, Stored};
use crate::{new_id, now_text, timestamp_text, Backend, Store, StoreError};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use qidi_core::calendar::WorkCalendar;
use qidi_core::catalogue::{stored_limit, AuthorityLevel, LimitUnit};
use qidi_core::light::LightPolicy;
use qidi_core::region::RegionLevel;
use qidi_core::workflow::{
    Action, Actor, ApplicationEvent, ApplicationFacts, ApplicationState, ApplicationView, NoticeProblem, OneTimeNotice,
};
use qidi_core::RegionCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap};

/// Projects written per transaction.
pub const BATCH_PROJECTS: u64 = 10_000;
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

/// What one run made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScaleReport {
    pub projects: u64,
    pub owners: u64,
    pub pending_items: u64,
    /// Items granted: by an approval recorded as made outside qidi, or by an application.
    pub granted: u64,
    pub outside_approvals: u64,
    pub baseline_items: u64,
    pub baseline_approved: u64,
    pub baseline_removed: u64,
    pub applications: u64,
    pub events: u64,
    /// Projects made per banner, in code order.
    pub regions: Vec<(String, u64)>,
}

struct ItemKind {
    id: String,
    department_id: String,
    authority_level: AuthorityLevel,
    promised_limit: u32,
    limit_unit: LimitUnit,
    extension_limit: u32,
    checklist: Vec<MaterialSpec>,
    policy: LightPolicy,
}

/// One banner's catalogue and counters.
struct RegionCtx {
    code: String,
    name: String,
    initiators: Vec<String>,
    kinds: Vec<ItemKind>,
    campaign_id: String,
    /// A handler (or head) of each department that has one: the actor of its steps.
    handlers: HashMap<String, String>,
    next_project: u64,
    next_owner: u64,
}

fn meta_key(region: &str, what: &str) -> String {
    format!("demo_scale:{region}:{what}")
}

fn at(day: NaiveDate, minute: u32) -> DateTime<FixedOffset> {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let t = day.and_hms_opt(9 + minute / 60 % 8, minute % 60, 0).expect("a valid time");
    cst.from_local_datetime(&t).single().expect("fixed offset")
}

fn stamp(t: DateTime<FixedOffset>) -> String {
    timestamp_text(t.with_timezone(&chrono::Utc))
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn text(s: impl Into<String>) -> Val {
    Val::Text(Some(s.into()))
}

fn opt(s: Option<String>) -> Val {
    Val::Text(s)
}

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

/// An application made for an item, as it stands after its history.
struct MadeApplication {
    row: [Val; 20],
    /// The events: (actor id, actor role, action, object type, object id, payload).
    events: Vec<[Option<String>; 6]>,
    /// The approval's date, when the application ended approved.
    approved_on: Option<NaiveDate>,
}

impl Store {
    /// Add `n` generated projects under `region` (every banner below it, or the banner
    /// itself), calling `progress` with the number made so far after each transaction.
    pub async fn generate_projects(
        &self,
        region: &RegionCode,
        n: u64,
        mut progress: impl FnMut(u64),
    ) -> Result<ScaleReport, StoreError> {
        self.seed_catalogue(region).await?;
        let banners = self.banners_under(region).await?;
        if banners.is_empty() {
            return Err(StoreError::NotFound(format!("no banner under region {region} in the region tree")));
        }
        let calendar = self.work_calendar().await?;
        let today = crate::today();
        let mut report = ScaleReport::default();
        let per = n / banners.len() as u64;
        let extra = n % banners.len() as u64;
        let mut done = 0u64;
        for (i, banner) in banners.iter().enumerate() {
            let quota = per + u64::from((i as u64) < extra);
            if quota == 0 {
                continue;
            }
            let mut ctx = self.region_ctx(banner).await?;
            let mut left = quota;
            while left > 0 {
                let count = left.min(BATCH_PROJECTS);
                let seed = ctx.code.parse::<u64>().unwrap_or(0) * 1_000_003 + ctx.next_project;
                let mut rng = StdRng::seed_from_u64(seed);
                self.write_batch(&mut ctx, &mut rng, count, &calendar, today, &mut report).await?;
                left -= count;
                done += count;
                progress(done);
            }
            report.regions.push((ctx.code.clone(), quota));
        }
        Ok(report)
    }

    /// The banners at or below `region` in the region tree, in code order.
    async fn banners_under(&self, region: &RegionCode) -> Result<Vec<RegionCode>, StoreError> {
        if region.level() == RegionLevel::Banner {
            return Ok(vec![*region]);
        }
        let rows = sqlx::query("SELECT code FROM regions ORDER BY code").fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in rows {
            let Ok(code) = RegionCode::parse(&r.get::<String, _>(0)) else { continue };
            if code.level() == RegionLevel::Banner && region.contains(&code) {
                out.push(code);
            }
        }
        Ok(out)
    }

    async fn region_ctx(&self, banner: &RegionCode) -> Result<RegionCtx, StoreError> {
        self.seed_catalogue(banner).await?;
        let campaign_id = self.campaign(banner).await?.id;
        let rc = banner.as_str();
        let name: String = sqlx::query("SELECT name FROM regions WHERE code = $1")
            .bind(rc)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0))
            .unwrap_or_else(|| rc.to_string());
        let mut initiators: Vec<String> = Vec::new();
        for d in qidi_core::catalogue::DEPARTMENTS.iter().filter(|d| d.initiates) {
            if let Ok(id) = self.department_id(banner, d.code).await {
                initiators.push(id);
            }
        }
        if initiators.is_empty() {
            return Err(StoreError::NotFound(format!("no initiating department in region {rc}")));
        }
        let rows = sqlx::query(
            "SELECT id, code, department_id, authority_level, promised_limit, limit_unit, extension_limit,
                    required_materials, warn_days, warn_ratio_percent
             FROM item_types WHERE region_code = $1 AND retired_at IS NULL ORDER BY code",
        )
        .bind(rc)
        .fetch_all(&self.pool)
        .await?;
        let mut kinds = Vec::new();
        for r in &rows {
            let code: String = r.get(1);
            let bad = |e: qidi_core::catalogue::CatalogueError| StoreError::invalid(e.to_string());
            let level: String = r.get(3);
            let unit: String = r.get(5);
            let default = LightPolicy::default();
            kinds.push(ItemKind {
                id: r.get(0),
                department_id: r.get(2),
                authority_level: AuthorityLevel::parse(&level)
                    .ok_or_else(|| StoreError::invalid(format!("unknown authority level `{level}`")))?,
                promised_limit: stored_limit(&code, "承诺时限", r.get::<i64, _>(4), false).map_err(bad)?,
                limit_unit: LimitUnit::parse(&unit)
                    .ok_or_else(|| StoreError::invalid(format!("unknown limit unit `{unit}`")))?,
                extension_limit: stored_limit(&code, "延期时限", r.get::<i64, _>(6), true).map_err(bad)?,
                checklist: r
                    .get::<Option<String>, _>(7)
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
                policy: LightPolicy {
                    warn_days: r.get::<Option<i64>, _>(8).map_or(default.warn_days, |v| v.clamp(0, 3650) as u32),
                    warn_ratio_percent: r
                        .get::<Option<i64>, _>(9)
                        .map_or(default.warn_ratio_percent, |v| v.clamp(0, 100) as u32),
                },
            });
        }
        if kinds.is_empty() {
            return Err(StoreError::NotFound(format!("no item types in region {rc}")));
        }
        let mut handlers = HashMap::new();
        for r in sqlx::query(
            "SELECT department_id, id FROM users
             WHERE region_code = $1 AND role IN ('handler', 'department_head') AND department_id IS NOT NULL
             ORDER BY role DESC, username",
        )
        .bind(rc)
        .fetch_all(&self.pool)
        .await?
        {
            handlers.entry(r.get::<String, _>(0)).or_insert_with(|| r.get::<String, _>(1));
        }
        let counter = |what: &'static str| {
            let key = meta_key(rc, what);
            async move {
                let v: Option<String> = sqlx::query("SELECT value FROM app_meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| r.get(0));
                Ok::<u64, StoreError>(v.and_then(|v| v.parse().ok()).unwrap_or(0))
            }
        };
        Ok(RegionCtx {
            code: rc.to_string(),
            name,
            initiators,
            kinds,
            campaign_id,
            handlers,
            next_project: counter("projects").await?,
            next_owner: counter("owners").await?,
        })
    }

    /// One transaction: `count` projects of `ctx` with everything that hangs on them.
    async fn write_batch(
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

/// An application of `item_id` taken through a history chosen by `rng`, at dates before
/// `today`: a draft, just submitted, returned with a one-time notice, under review (its
/// clock green, yellow or red), approved, refused, withdrawn, or resubmitted and under
/// review. Every step is checked by core's replay, as the workflow would.
#[allow(clippy::too_many_arguments)]
fn make_application(
    ctx: &RegionCtx,
    rng: &mut StdRng,
    kind: &ItemKind,
    facts: ApplicationFacts,
    item_id: &str,
    project_id: &str,
    calendar: &WorkCalendar,
    today: NaiveDate,
    now: &str,
) -> Result<MadeApplication, StoreError> {
    let app_id = new_id();
    let ago = |d: i64| today - Duration::days(d);
    let handler_user = ctx.handlers.get(&kind.department_id).cloned();
    let unit = Actor::applicant(&facts.owner_id);
    let dept = Actor::handler(&kind.department_id);
    let materials = facts.required_materials.clone();
    let higher = facts.lies_higher();

    // (day, by the department?, action)
    let mut steps: Vec<(NaiveDate, bool, Action)> = Vec::new();
    let submit = Action::Submit { materials: materials.clone() };
    let notice = || OneTimeNotice {
        problems: vec![NoticeProblem::new(
            materials.first().map(String::as_str).unwrap_or("application_form"),
            "材料缺少盖章页",
            "补充加盖单位公章的完整材料",
        )],
        suggestions: vec!["可预约帮办代办人员现场指导".into()],
        number: None,
    };
    let document =
        |on: NaiveDate, rng: &mut StdRng| format!("{}审批字〔{}〕{}号", ctx.name, on.year(), rng.gen_range(1..1000));
    let created = match rng.gen_range(0..20) {
        0..2 => ago(rng.gen_range(0..30)),
        2..5 => {
            let s = ago(rng.gen_range(0..=1));
            steps.push((s, false, submit));
            s
        }
        5..7 => {
            let s = ago(rng.gen_range(8..20));
            steps.push((s, false, submit));
            steps.push((s + Duration::days(1), true, Action::Return { notice: notice() }));
            s
        }
        7..13 => {
            let s = ago(rng.gen_range(3..60));
            steps.push((s, false, submit));
            steps.push((s + Duration::days(1), true, Action::Accept));
            s
        }
        13..17 => {
            let s = ago(rng.gen_range(20..56));
            let accepted = s + Duration::days(1);
            let decided = (accepted + Duration::days(rng.gen_range(3..15))).min(today);
            steps.push((s, false, submit));
            steps.push((accepted, true, Action::Accept));
            if higher {
                let to_authority = "上级审批机关".to_string();
                steps.push((accepted + Duration::days(1), true, Action::Forward { to_authority }));
                let decided = decided.max(accepted + Duration::days(1));
                let outcome = Action::RecordHigherOutcome {
                    approved: true,
                    document_number: Some(document(decided, rng)),
                    reasons: None,
                    decided_on: Some(decided),
                };
                steps.push((decided, true, outcome));
            } else {
                let approve = Action::Approve { document_number: document(decided, rng), decided_on: decided };
                steps.push((decided, true, approve));
            }
            s
        }
        17 => {
            let s = ago(rng.gen_range(20..56));
            let accepted = s + Duration::days(1);
            let decided = accepted + Duration::days(rng.gen_range(3..15));
            steps.push((s, false, submit));
            steps.push((accepted, true, Action::Accept));
            let reasons = "项目不符合国土空间规划".to_string();
            if higher {
                let to_authority = "上级审批机关".to_string();
                steps.push((accepted + Duration::days(1), true, Action::Forward { to_authority }));
                let outcome = Action::RecordHigherOutcome {
                    approved: false,
                    document_number: None,
                    reasons: Some(reasons),
                    decided_on: Some(decided.max(accepted + Duration::days(1))),
                };
                steps.push((decided.max(accepted + Duration::days(1)), true, outcome));
            } else {
                steps.push((decided, true, Action::Refuse { reasons }));
            }
            s
        }
        18 => {
            let s = ago(rng.gen_range(5..30));
            steps.push((s, false, submit));
            steps.push((
                s + Duration::days(1),
                false,
                Action::Withdraw { reason: "项目方案调整，重新编制材料".into() },
            ));
            s
        }
        _ => {
            let s = ago(rng.gen_range(10..40));
            steps.push((s, false, submit));
            steps.push((s + Duration::days(1), true, Action::Return { notice: notice() }));
            let again = s + Duration::days(4);
            let replaced = materials.first().cloned().into_iter().collect();
            steps.push((again, false, Action::Resubmit { materials: materials.clone(), replaced }));
            steps.push((again + Duration::days(1), true, Action::Accept));
            s
        }
    };

    let checklist = kind.checklist.clone();
    let mut events: Vec<[Option<String>; 6]> = vec![[
        None,
        Some("applicant".into()),
        Some("application.create".into()),
        Some("application".into()),
        Some(app_id.clone()),
        Some(
            serde_json::json!({
                "pending_item_id": item_id,
                "project_id": project_id,
                "facts": facts,
                "checklist": checklist,
                "helper_for": false,
            })
            .to_string(),
        ),
    ]];
    let mut view = ApplicationView::new();
    let mut last_at = at(created, 0);
    let mut approved_on = None;
    for (i, (on, by_department, action)) in steps.into_iter().enumerate() {
        let seq = i as u64 + 1;
        let when = at(on, 10 + 20 * seq as u32);
        let (actor, actor_id, role) = if by_department {
            (dept.clone(), handler_user.clone(), "handler")
        } else {
            (unit.clone(), None, "applicant")
        };
        let actor_user = actor_id.clone().unwrap_or_else(|| {
            if by_department {
                kind.department_id.clone()
            } else {
                facts.owner_id.clone()
            }
        });
        let event = ApplicationEvent::new(seq, when, &actor_user, actor, action);
        view.apply(&event, &facts)
            .map_err(|e| StoreError::invalid(format!("a generated application does not replay: {e}")))?;
        let grant = view.decision.as_ref().filter(|d| d.approved && d.seq == seq).map(|d| {
            serde_json::json!({
                "application_id": app_id,
                "document_number": d.document_number,
                "decided_on": d.decided_on,
                "by_higher_authority": d.by_higher_authority,
            })
        });
        events.push([
            actor_id.clone(),
            Some(role.into()),
            Some(format!("application.{}", event.action.as_str())),
            Some("application".into()),
            Some(app_id.clone()),
            Some(serde_json::json!({ "event": event, "state": view.state }).to_string()),
        ]);
        if let Some(payload) = grant {
            approved_on = view.decision.as_ref().map(|d| d.decided_on);
            events.push([
                actor_id,
                Some(role.into()),
                Some("pending_item.grant".into()),
                Some("pending_item".into()),
                Some(item_id.to_string()),
                Some(payload.to_string()),
            ]);
        }
        last_at = when;
    }
    let stored = Stored { facts, checklist, policy: kind.policy, created_at: stamp(at(created, 0)) };
    let derived = Derived::of(&view, &stored, calendar).map_err(|e| StoreError::invalid(e.to_string()))?;
    let terminal = view.state.is_terminal();
    debug_assert!(
        approved_on.is_none() || matches!(view.state, ApplicationState::Approved | ApplicationState::HigherApproved)
    );
    use crate::workflow::to_json;
    let row = [
        text(&app_id),
        text(&ctx.code),
        text(item_id),
        text(project_id),
        text(view.state.as_str()),
        opt(derived.deadline.due_on.map(day)),
        opt(derived.deadline.warn_on.map(day)),
        Val::Int(Some(view.last_seq.unwrap_or(0) as i64)),
        text(&stored.created_at),
        text(stamp(last_at)),
        text(to_json(&stored.facts)),
        text(to_json(&stored.checklist)),
        text(to_json(&stored.policy)),
        Val::Bool(derived.deadline.provisional),
        opt(derived.deadline.paused_since.map(day)),
        opt(derived.clock_kind.map(str::to_string)),
        opt(derived.awaiting.map(str::to_string)),
        opt(terminal.then(|| now.to_string())),
        Val::Text(None),
        Val::Text(None),
    ];
    Ok(MadeApplication { row, events, approved_on })
}
