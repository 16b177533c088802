//! Kept counts (region scale). The figures a region's dashboards show (pending items
//! per department, projects in the library and in a department's scope, baseline
//! progress per pair of departments and by day, ended clocks by outcome) are kept in
//! `pending_counts`, `library_counts`, `scope_counts`, `baseline_counts`,
//! `baseline_pairs`, `baseline_days` and `clock_counts`, with `pending_projects` and
//! `scope_projects` (per project and department, what the project totals rest on), by
//! triggers (migrations 0019, 0020 and 0031), in the same transaction as each change that
//! moves them. Each application also carries its item's handling department (migration
//! 0032), by which a department's inbox is read. This module recounts them in full, to
//! check and repair them (`qidi check counts`).

use crate::{Backend, Store, StoreError};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// One kept table: how to read it, how to recount it, and its key columns.
struct Kept {
    table: &'static str,
    keys: usize,
    /// The kept groups' key and value columns counted in full from the rows they summarise.
    full: &'static str,
    how: How,
}

enum How {
    /// A table of counts alone, replaced by the full count on repair.
    Counts {
        /// `key columns, value columns` of the table, in the order `full` returns them.
        columns: &'static str,
        /// Which kept rows count (a group gone down to zero is the same as no group).
        nonzero: &'static str,
    },
    /// A value each row of the table carries a copy of: its groups are counted from the
    /// table (`kept`), and a repair sets the copy again (`repair`).
    Copy { kept: &'static str, repair: &'static str },
}

impl Kept {
    /// The kept groups, in the columns `full` returns.
    fn kept_sql(&self) -> String {
        match self.how {
            How::Counts { columns, nonzero } => format!("SELECT {columns} FROM {} WHERE {nonzero}", self.table),
            How::Copy { kept, .. } => kept.to_string(),
        }
    }

    /// Set the kept rows to the full count.
    fn repair_sql(&self) -> Vec<String> {
        match self.how {
            How::Counts { columns, .. } => vec![
                format!("DELETE FROM {}", self.table),
                format!("INSERT INTO {} ({columns}) {}", self.table, self.full),
            ],
            How::Copy { repair, .. } => vec![repair.to_string()],
        }
    }
}

const KEPT: [Kept; 10] = [
    // Each application's handling department is its item's (migration 0032): counted per
    // department, a wrong copy shows as one application too many in one department and
    // one too few in another.
    Kept {
        table: "applications",
        keys: 1,
        full: "SELECT i.handling_department_id, COUNT(*) FROM applications a
               JOIN pending_items i ON i.id = a.pending_item_id GROUP BY i.handling_department_id",
        how: How::Copy {
            kept: "SELECT COALESCE(handling_department_id, ''), COUNT(*) FROM applications
                   GROUP BY COALESCE(handling_department_id, '')",
            repair: "UPDATE applications SET handling_department_id =
                         (SELECT i.handling_department_id FROM pending_items i WHERE i.id = applications.pending_item_id)
                     WHERE handling_department_id IS NULL OR handling_department_id <>
                         (SELECT i.handling_department_id FROM pending_items i WHERE i.id = applications.pending_item_id)",
        },
    },
    // What a project's items count for the project total rests on.
    Kept {
        table: "pending_projects",
        keys: 2,
        full: "SELECT project_id, handling_department_id, COUNT(*) FROM pending_items WHERE status = 'pending'
               GROUP BY project_id, handling_department_id",
        how: How::Counts {
            columns: "project_id, department_id, n",
            nonzero: "n <> 0",
        },
    },
    Kept {
        table: "pending_counts",
        keys: 3,
        full: "SELECT i.region_code, COALESCE(p.initiating_department_id, ''), i.handling_department_id, COUNT(*),
                      COUNT(DISTINCT i.project_id)
               FROM pending_items i JOIN projects p ON p.id = i.project_id
               WHERE i.status = 'pending' AND p.in_library = TRUE
               GROUP BY i.region_code, COALESCE(p.initiating_department_id, ''), i.handling_department_id",
        how: How::Counts {
            columns: "region_code, initiating_department_id, department_id, pending_items, projects",
            nonzero: "pending_items <> 0 OR projects <> 0",
        },
    },
    Kept {
        table: "library_counts",
        keys: 1,
        full: "SELECT region_code, COUNT(*) FROM projects WHERE in_library = TRUE GROUP BY region_code",
        how: How::Counts {
            columns: "region_code, projects",
            nonzero: "projects <> 0",
        },
    },
    Kept {
        table: "baseline_counts",
        keys: 7,
        full: "SELECT b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                      b.is_addition, b.added_on, COALESCE(b.reduction, ''), COALESCE(b.reduced_on, ''), COUNT(*)
               FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                    JOIN projects p ON p.id = i.project_id
               GROUP BY b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                        b.is_addition, b.added_on, COALESCE(b.reduction, ''), COALESCE(b.reduced_on, '')",
        how: How::Counts {
            columns: "campaign_id, initiating_department_id, handling_department_id, is_addition, added_on, reduction, \
                  reduced_on, n",
            nonzero: "n <> 0",
        },
    },
    // Kept from baseline_counts by triggers of their own; after it, so that a repair of
    // baseline_counts (which moves them) is followed by theirs.
    Kept {
        table: "baseline_days",
        keys: 5,
        full: "SELECT department_id, campaign_id, day, is_addition, reduction, COUNT(*) FROM baseline_day_entries
               GROUP BY department_id, campaign_id, day, is_addition, reduction",
        how: How::Counts {
            columns: "department_id, campaign_id, day, is_addition, reduction, n",
            nonzero: "n <> 0",
        },
    },
    Kept {
        table: "baseline_pairs",
        keys: 5,
        full: "SELECT b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                      b.is_addition, COALESCE(b.reduction, ''), COUNT(*)
               FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
                    JOIN projects p ON p.id = i.project_id
               GROUP BY b.campaign_id, COALESCE(p.initiating_department_id, ''), i.handling_department_id,
                        b.is_addition, COALESCE(b.reduction, '')",
        how: How::Counts {
            columns: "campaign_id, initiating_department_id, handling_department_id, is_addition, reduction, n",
            nonzero: "n <> 0",
        },
    },
    // A department's scope: the view `scope_reasons` lists each reason once. Each row
    // carries its project's key (migration 0031), by which a department's library is
    // read in order, so a wrong key is a difference too.
    Kept {
        table: "scope_projects",
        keys: 4,
        full: "SELECT r.department_id, r.project_id, p.region_code, p.code, COUNT(*)
               FROM scope_reasons r JOIN projects p ON p.id = r.project_id
               GROUP BY r.department_id, r.project_id, p.region_code, p.code",
        how: How::Counts {
            columns: "department_id, project_id, region_code, code, n",
            nonzero: "n <> 0",
        },
    },
    Kept {
        table: "scope_counts",
        keys: 1,
        full: "SELECT s.department_id, COUNT(DISTINCT s.project_id) FROM scope_reasons s
               JOIN projects p ON p.id = s.project_id WHERE p.in_library = TRUE GROUP BY s.department_id",
        how: How::Counts {
            columns: "department_id, projects",
            nonzero: "projects <> 0",
        },
    },
    Kept {
        table: "clock_counts",
        keys: 3,
        full: "SELECT region_code, handling_department_id, outcome, COUNT(*) FROM clock_records
               GROUP BY region_code, handling_department_id, outcome",
        how: How::Counts {
            columns: "region_code, department_id, outcome, n",
            nonzero: "n <> 0",
        },
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
            sqlx::query(
                "LOCK TABLE projects, pending_items, applications, baseline_items, clock_records IN SHARE MODE",
            )
            .execute(&mut *tx)
            .await?;
        }
        let mut check = CountsCheck::default();
        for k in &KEPT {
            let kept = k.kept_sql();
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
            for sql in KEPT.iter().flat_map(Kept::repair_sql) {
                sqlx::query(&sql).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            check.repaired = true;
        } else {
            tx.rollback().await?;
        }
        Ok(check)
    }
}
