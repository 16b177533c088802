//! Batched inserts, many rows to a statement: the import's, the demo generator's, and the
//! baseline of a fully signed department ledger.

use crate::db::Backend;
use crate::StoreError;
use sqlx::AnyConnection;

/// The columns of `projects` a batched insert writes (the importer, the generator).
pub(crate) const PROJECT_COLUMNS: [(&str, Col); 13] = [
    ("id", Col::Text),
    ("region_code", Col::Text),
    ("code", Col::Text),
    ("name", Col::Text),
    ("owner_id", Col::Text),
    ("initiating_department_id", Col::Text),
    ("initiated_year", Col::Int),
    ("investment_yuan", Col::Int),
    ("stage", Col::Text),
    ("in_library", Col::Bool),
    ("created_at", Col::Text),
    ("updated_at", Col::Text),
    ("initiated_on", Col::Text),
];

/// The columns of `baseline_items` a batched insert of unreduced rows writes (the
/// importer's additions, the generator's baseline).
pub(crate) const BASELINE_COLUMNS: [(&str, Col); 7] = [
    ("id", Col::Text),
    ("region_code", Col::Text),
    ("campaign_id", Col::Text),
    ("pending_item_id", Col::Text),
    ("is_addition", Col::Bool),
    ("added_on", Col::Text),
    ("added_at", Col::Text),
];

/// A [`BASELINE_COLUMNS`] row: the pending item `pending_item_id` joins the baseline as
/// an addition, on `day`, at `at`.
pub(crate) fn addition_row(region: &str, campaign_id: &str, pending_item_id: &str, day: &str, at: &str) -> [Val; 7] {
    let text = |t: &str| Val::Text(Some(t.to_string()));
    [
        text(&crate::new_id()),
        text(region),
        text(campaign_id),
        text(pending_item_id),
        Val::Bool(true),
        text(day),
        text(at),
    ]
}

/// A value to bind in a batched insert.
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
}

/// The SQL type of a batched column: PostgreSQL needs the text a JSON element gives
/// cast to it; SQLite takes JSON numbers and booleans as they are.
#[derive(Clone, Copy)]
pub(crate) enum Col {
    Text,
    Int,
    Bool,
}

/// New rows of one table, written many to a statement. One statement per row spent most
/// of a 100,000-row import in round trips. SQLite takes anonymous `?` parameters, many
/// rows to a statement (named `$N` ones cost a lookup in a list as long as the
/// statement, for each one). PostgreSQL takes the rows as ONE JSON parameter that it
/// unpacks with `json_array_elements`, casting each text to its column's type.
pub(crate) struct Batch {
    sql_postgres: String,
    /// `INSERT INTO t (a, b, …) VALUES `, for SQLite.
    head_sqlite: String,
    pub(super) width: usize,
    /// What follows the rows (an `ON CONFLICT` clause), or nothing.
    tail: String,
    /// The rows so far, one after another.
    pub(super) vals: Vec<Val>,
}

impl Batch {
    /// Rows per statement: 500 rows of 13 columns stay below SQLite's 32,766 parameters.
    pub(crate) const ROWS: usize = 500;

    pub(crate) fn new(table: &str, cols: &[(&str, Col)]) -> Batch {
        let names = cols.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let postgres = cols
            .iter()
            .enumerate()
            .map(|(i, (_, c))| match c {
                Col::Text => format!("v->>{i}"),
                Col::Int => format!("(v->>{i})::bigint"),
                Col::Bool => format!("(v->>{i})::boolean"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        Batch {
            sql_postgres: format!(
                "INSERT INTO {table} ({names}) SELECT {postgres} FROM json_array_elements($1::json) AS e(v)"
            ),
            head_sqlite: format!("INSERT INTO {table} ({names}) VALUES "),
            width: cols.len(),
            tail: String::new(),
            vals: Vec::with_capacity(Batch::ROWS * cols.len()),
        }
    }

    /// Rows that would break the unique key `target` (`(a, b)`) are left out, and not
    /// counted by [`Batch::flush`].
    pub(crate) fn ignoring_conflicts(mut self, target: &str) -> Batch {
        self.tail = format!(" ON CONFLICT {target} DO NOTHING");
        self
    }

    pub(crate) fn push<const N: usize>(&mut self, row: [Val; N]) {
        debug_assert_eq!(N, self.width);
        self.vals.extend(row);
    }

    pub(crate) fn rows(&self) -> usize {
        self.vals.len() / self.width
    }

    pub(crate) fn is_full(&self) -> bool {
        self.rows() >= Batch::ROWS
    }

    /// Write the rows held; how many went in.
    pub(crate) async fn flush(&mut self, conn: &mut AnyConnection, backend: Backend) -> Result<u64, StoreError> {
        if self.vals.is_empty() {
            return Ok(0);
        }
        let done = match backend {
            Backend::Sqlite => {
                let row = format!("({})", vec!["?"; self.width].join(","));
                let mut sql = self.head_sqlite.clone();
                sql.push_str(&vec![row; self.rows()].join(","));
                sql.push_str(&self.tail);
                let mut q = sqlx::query(&sql);
                for v in self.vals.drain(..) {
                    q = match v {
                        Val::Text(t) => q.bind(t),
                        Val::Int(i) => q.bind(i),
                        Val::Bool(b) => q.bind(b),
                    };
                }
                q.execute(&mut *conn).await?
            }
            Backend::Postgres => {
                let mut json = String::from("[");
                for (i, v) in self.vals.drain(..).enumerate() {
                    json.push_str(match (i % self.width, i) {
                        (_, 0) => "[",
                        (0, _) => "],[",
                        _ => ",",
                    });
                    match v {
                        Val::Text(Some(s)) => push_json_string(&mut json, &s),
                        Val::Int(Some(n)) => json.push_str(&n.to_string()),
                        Val::Bool(b) => json.push_str(if b { "true" } else { "false" }),
                        Val::Text(None) | Val::Int(None) => json.push_str("null"),
                    }
                }
                json.push_str("]]");
                sqlx::query(&format!("{}{}", self.sql_postgres, self.tail)).bind(json).execute(&mut *conn).await?
            }
        };
        Ok(done.rows_affected())
    }
}

fn push_json_string(out: &mut String, s: &str) {
    // serde_json escapes exactly what JSON needs; writing to a String cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "null".into()));
}
