//! Kept counts (region scale). The figures a region's dashboards show (pending items
//! per department, projects in the library and in a department's scope, baseline
//! progress per pair of departments and by day, ended clocks by outcome) are kept in
//! `pending_counts`, `library_counts`, `scope_counts`, `baseline_counts`,
//! `baseline_pairs`, `baseline_days` and `clock_counts`, with `pending_projects` and
//! `scope_projects` (per project and department, what the project totals rest on), by
//! triggers (migrations 0019, 0020 and 0031), in the same transaction as each change that
//! moves them. This module recounts them in full, to
//! check and repair them (`qidi check counts`).

use crate::{Backend, Store, StoreError};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// One kept table: how to read it, how to recount it, and its key columns.
struct Kept {
    table: &'static str,
    /// `key columns, value columns` of the table, in the order the queries return them.
    columns: &'static str,
    keys: usize,
    /// Which kept rows count (a group gone down to zero is the same as no group).
    nonzero: &'static str,
    /// The same columns counted in full from the rows they summarise.
    full: &'static str,
}

const KEPT: [Kept; 9] = [
    // What a project's items count for the project total rests on.
    Kept {
        table: "pending_projects",
        columns: "project_id, department_id, n",
        keys: 2,
        nonzero: "n <> 0",
        full: "SELECT project_id, handling_department_id, COUNT(*) FROM pending_items WHERE status = 'pending'
               GROUP BY project_id, handling_department_id",
    },
    Kept {
        table: "pending_counts",
        columns: "region_code, initiating_department_id, department_id, pending_items, projects",
        keys: 3,
        nonzero: "pending_items <> 0 OR projects <> 0",
        full: "SELECT i.region_code, COALESCE(p.initiating_department_id, ''), i.handling_department_id, COUNT(*),
                      COUNT(DISTINCT i.project_id)
               FROM pending_items i JOIN projects p ON p.id = i.project_id
               WHERE i.status = 'pending' AND p.in_library = TRUE
               GROUP BY i.region_code, COALESCE(p.initiating_department_id, ''), i.handling_department_id",
    },
    Kept {
        table: "library_counts",
        columns: "region_code, projects",
        keys: 1,
        nonzero: "projects <> 0",
        full: "SELECT region_code, COUNT(*) FROM projects WHERE in_library = TRUE GROUP BY region_code",
    },
    Kept {
        table: "baseline_counts",
        columns: "campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction, \
                  reduced_on, n",
        keys: 7,
        nonzero: "n <> 0",
        full: "SELECT b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                      b.is_addition, b.added_on, COALESCE(b.reduction, ''), COALESCE(b.reduced_on, ''), COUNT(*)
               FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                    JOIN projects p ON p.id = i.project_id
               GROUP BY b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                        b.is_addition, b.added_on, COALESCE(b.reduction, ''), COALESCE(b.reduced_on, '')",
    },
    // Kept from baseline_counts by triggers of their own; after it, so that a repair of
    // baseline_counts (which moves them) is followed by theirs.
    Kept {
        table: "baseline_days",
        columns: "department_id, campaign_id, day, is_addition, reduction, n",
        keys: 5,
        nonzero: "n <> 0",
        full: "SELECT department_id, campaign_id, day, is_addition, reduction, COUNT(*) FROM baseline_day_entries
               GROUP BY department_id, campaign_id, day, is_addition, reduction",
    },
    Kept {
        table: "baseline_pairs",
        columns: "campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, n",
        keys: 5,
        nonzero: "n <> 0",
        full: "SELECT b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                      b.is_addition, COALESCE(b.reduction, ''), COUNT(*)
               FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                    JOIN projects p ON p.id = i.project_id
               GROUP BY b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                        b.is_addition, COALESCE(b.reduction, '')",
    },
    // A department's scope: the view `scope_reasons` lists each reason once. Each row
    // carries its project's key (migration 0031), by which a department's library is
    // read in order, so a wrong key is a difference too.
    Kept {
        table: "scope_projects",
        columns: "department_id, project_id, region_code, code, n",
        keys: 4,
        nonzero: "n <> 0",
        full: "SELECT r.department_id, r.project_id, p.region_code, p.code, COUNT(*)
               FROM scope_reasons r JOIN projects p ON p.id = r.project_id
               GROUP BY r.department_id, r.project_id, p.region_code, p.code",
    },
    Kept {
        table: "scope_counts",
        columns: "department_id, projects",
        keys: 1,
        nonzero: "projects <> 0",
        full: "SELECT s.department_id, COUNT(DISTINCT s.project_id) FROM scope_reasons s
               JOIN projects p ON p.id = s.project_id WHERE p.in_library = TRUE GROUP BY s.department_id",
    },
    Kept {
        table: "clock_counts",
        columns: "region_code, department_id, outcome, n",
        keys: 3,
        nonzero: "n <> 0",
        full: "SELECT region_code, handling_department_id, outcome, COUNT(*) FROM clock_records
               GROUP BY region_code, handling_department_id, outcome",
    },
];

/// A kept figure that differed from the full count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountMismatch {
    pub table: String,
    /// The key columns' values, joined with `/`.
    pub key: String,
    pub kept: Vec<i64>,
    pub counted: Vec<i64>,
}

/// What `check_counts` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CountsCheck {
    /// Groups compared, per table.
    pub groups: BTreeMap<String, usize>,
    pub mismatches: Vec<CountMismatch>,
    /// Whether the kept counts were replaced by the full count.
    pub repaired: bool,
}

/// At most this many differences are listed per table (all are repaired).
const LISTED: usize = 200;

/// Rows of (keys…, values…) as key text → values.
fn groups(rows: &[sqlx::any::AnyRow], keys: usize) -> BTreeMap<String, Vec<i64>> {
    let mut out = BTreeMap::new();
    for r in rows {
        let key: Vec<String> = (0..keys)
            // is_addition is the one key that is not text (an integer on SQLite, a
            // boolean on PostgreSQL).
            .map(|i| r.try_get::<String, _>(i).unwrap_or_else(|_| crate::get_bool(r, i).to_string()))
            .collect();
        let values: Vec<i64> = (keys..r.len()).map(|i| r.try_get::<i64, _>(i).unwrap_or_default()).collect();
        out.insert(key.join("/"), values);
    }
    out
}

impl Store {
    /// Recount every kept figure in full and compare it with what is kept; the database
    /// compares (`EXCEPT` both ways), so only the differences come back. With `repair`,
    /// the kept tables are replaced by the full count when any differs, in one
    /// transaction that holds writers off meanwhile.
    pub async fn check_counts(&self, repair: bool) -> Result<CountsCheck, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            // Writers wait until the recount is done, so kept and counted see one state.
            sqlx::query("LOCK TABLE projects, pending_items, baseline_items, clock_records IN SHARE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let mut check = CountsCheck::default();
        for k in &KEPT {
            let kept = format!("SELECT {} FROM {} WHERE {}", k.columns, k.table, k.nonzero);
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM ({}) f", k.full)).fetch_one(&mut *tx).await?.get(0);
            check.groups.insert(k.table.to_string(), usize::try_from(n).unwrap_or(0));
            let wrong = groups(&sqlx::query(&format!("{kept} EXCEPT {}", k.full)).fetch_all(&mut *tx).await?, k.keys);
            let missing = groups(&sqlx::query(&format!("{} EXCEPT {kept}", k.full)).fetch_all(&mut *tx).await?, k.keys);
            let keys: std::collections::BTreeSet<&String> = wrong.keys().chain(missing.keys()).collect();
            for key in keys.into_iter().take(LISTED) {
                let (a, b) = (wrong.get(key), missing.get(key));
                let width = a.or(b).map_or(0, Vec::len);
                check.mismatches.push(CountMismatch {
                    table: k.table.to_string(),
                    key: key.clone(),
                    kept: a.cloned().unwrap_or_else(|| vec![0; width]),
                    counted: b.cloned().unwrap_or_else(|| vec![0; width]),
                });
            }
        }
        if repair && !check.mismatches.is_empty() {
            for k in &KEPT {
                sqlx::query(&format!("DELETE FROM {}", k.table)).execute(&mut *tx).await?;
                sqlx::query(&format!("INSERT INTO {} ({}) {}", k.table, k.columns, k.full)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            check.repaired = true;
        } else {
            tx.rollback().await?;
        }
        Ok(check)
    }
}
