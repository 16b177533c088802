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

mod application;
mod batch;
mod run;
mod values;

pub use run::{ScaleReport, BATCH_PROJECTS};

use crate::workflow::MaterialSpec;
use qidi_core::catalogue::{AuthorityLevel, LimitUnit};
use qidi_core::light::LightPolicy;
use std::collections::HashMap;

// `ItemKind` and `RegionCtx` are read by every file below; here, their fields stay private.
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
