//! Check lists, signed ledger versions, the baseline and removals.
//!
//! The rules are `qidi_core::ledger`'s; this module remembers. Every write is one
//! transaction with its event. The database backs the baseline up with triggers
//! (migration 0004): no row is deleted, and a row is marked reduced only when its item
//! is granted or an approved removal with its reason says so.

pub(crate) use crate::campaigns::current_campaign_tx;
pub use crate::campaigns::CampaignRow;
pub use check_lists::{CheckRow, PushSummary};
pub(crate) use progress::{add_missing_additions, FixedNow};
pub use progress::{AddedItem, BaselineRow, DepartmentProgress, NewPendingItem, ProgressReport};
/// For the query-plan tests (`crate::plans`).
#[cfg(test)]
pub(crate) use removals::removals_sql;
pub use removals::{NewRemoval, RemovalRow};
#[cfg(test)]
pub(crate) use sign_off::KEPT_LEDGER_LINES;
pub use sign_off::{
    ChangeListing, ChangeOutcome, ChangeSetView, ChangeView, LedgerReading, LedgerState, PendingChangeSet, SignOutcome,
    SignatureView, SignedContent, VersionView,
};

mod check_lists;
mod progress;
mod removals;
mod sign_off;

use crate::events::NewEvent;
use crate::users::User;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use qidi_core::ledger::{fully_signed, BaselineDay, Capacity, LedgerKind, Reduction};
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashSet};

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn actor_event(actor: &User, action: &str, object_type: &str, object_id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent::by(actor, actor.region_code.clone(), action, object_type, Some(object_id.to_string()), payload)
}

/// Baseline progress per pair of departments: how many rows were added as what and
/// reduced how, over every day (the kept counts, `crate::counts`).
pub(crate) const BASELINE_GROUPS: &str =
    "SELECT initiating_department_id, handling_department_id, is_addition, reduction, CAST(n AS BIGINT)
     FROM baseline_pairs WHERE campaign_id = $1 AND n <> 0";

/// The burn-down's days: rows added and reduced per day, of one department (`$1`; in
/// its ledger or handled by it) or of all (`$1` empty), in one campaign (`$2`).
pub(crate) const BASELINE_DAYS: &str = "SELECT day, is_addition, reduction, CAST(n AS BIGINT)
     FROM baseline_days WHERE department_id = $1 AND campaign_id = $2 AND n <> 0";

/// One part of a signed text (`$1` its row, `$2` which text, `$3` which part), by its
/// key: a region's department ledger has hundreds of megabytes of them.
pub(crate) const LEDGER_TEXT_PART: &str =
    "SELECT text FROM ledger_text_parts WHERE owner_id = $1 AND field = $2 AND part = $3";

/// A row of (day, addition, reduction or '', number) of `baseline_days`.
pub(crate) fn baseline_day(r: &sqlx::any::AnyRow) -> Option<BaselineDay> {
    Some(BaselineDay {
        day: parse_date(&r.get::<String, _>(0))?,
        addition: crate::get_bool(r, 1),
        reduction: Reduction::parse(&r.get::<String, _>(2)),
        n: u64::try_from(r.get::<i64, _>(3)).ok()?,
    })
}

/// Department ids whose ledger has a fully signed version in the campaign.
pub(crate) async fn locked_departments_tx(
    conn: &mut AnyConnection,
    campaign_id: &str,
) -> Result<HashSet<String>, StoreError> {
    // A department is locked once any one version carries every signature; signatures of
    // different versions do not add up, so count per version.
    let rows = sqlx::query(
        "SELECT v.id, v.department_id, s.capacity FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.kind = 'department'",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut per_version: BTreeMap<String, (String, Vec<Capacity>)> = BTreeMap::new();
    for r in &rows {
        let d: Option<String> = r.get(1);
        if let (Some(d), Some(c)) = (d, Capacity::parse(&r.get::<String, _>(2))) {
            per_version.entry(r.get(0)).or_insert_with(|| (d, Vec::new())).1.push(c);
        }
    }
    Ok(per_version
        .into_values()
        .filter(|(_, caps)| fully_signed(LedgerKind::Department, caps))
        .map(|(d, _)| d)
        .collect())
}

// ---------------------------------------------------------------------------
// Departments
// ---------------------------------------------------------------------------

/// A department as the ledger pages name it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DepartmentRef {
    pub id: String,
    pub code: String,
    pub name: String,
    pub initiates: bool,
}

impl Store {
    /// A department of the region by code.
    pub async fn department_by_code(
        &self,
        region: &RegionCode,
        code: &str,
    ) -> Result<Option<DepartmentRef>, StoreError> {
        let row = sqlx::query("SELECT id, code, name, initiates FROM departments WHERE region_code = $1 AND code = $2")
            .bind(region.as_str())
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| DepartmentRef {
            id: r.get(0),
            code: r.get(1),
            name: r.get(2),
            initiates: crate::get_bool(&r, 3),
        }))
    }

    /// The region's departments, by code.
    pub async fn departments(&self, region: &RegionCode) -> Result<Vec<DepartmentRef>, StoreError> {
        let rows =
            sqlx::query("SELECT id, code, name, initiates FROM departments WHERE region_code = $1 ORDER BY code")
                .bind(region.as_str())
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| DepartmentRef { id: r.get(0), code: r.get(1), name: r.get(2), initiates: crate::get_bool(r, 3) })
            .collect())
    }
}
