//! A run over the banners: what it made, each banner's catalogue and counters read, a batch at a time.

use super::values::meta_key;
use super::{ItemKind, RegionCtx};
use crate::{Store, StoreError};
use qidi_core::catalogue::{stored_limit, AuthorityLevel, LimitUnit};
use qidi_core::light::LightPolicy;
use qidi_core::region::RegionLevel;
use qidi_core::RegionCode;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// Projects written per transaction.
pub const BATCH_PROJECTS: u64 = 10_000;

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
}
