//! An application as lists show it: whose turn it is, the row, its `SELECT` and how a result row is read.

use crate::StoreError;
use chrono::NaiveDate;
use qidi_core::deadline::Deadline;
use qidi_core::light::Light;
use qidi_core::workflow::{ApplicationState, Awaiting};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Whose turn it is (core [`Awaiting`]), as the `awaiting` column holds it.
pub const AWAITING_UNIT: &str = Awaiting::Unit.as_str();
pub const AWAITING_DEPARTMENT: &str = Awaiting::Department.as_str();
pub const AWAITING_HIGHER: &str = Awaiting::HigherAuthority.as_str();

/// An application as lists show it. `light` is worked out for today from the stored
/// dates by the core; it is never stored.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationRow {
    pub id: String,
    pub region_code: String,
    pub pending_item_id: String,
    pub project_id: String,
    pub project_code: String,
    pub project_name: String,
    pub item_type_code: String,
    pub item_type: String,
    pub handling_department_id: String,
    pub handling_department: String,
    pub owner_id: Option<String>,
    pub owner: Option<String>,
    pub state: ApplicationState,
    pub state_label: &'static str,
    pub version: i64,
    pub due_on: Option<NaiveDate>,
    pub warn_on: Option<NaiveDate>,
    pub provisional: bool,
    pub paused_since: Option<NaiveDate>,
    pub clock_kind: Option<String>,
    pub awaiting: Option<String>,
    pub light: Option<Light>,
    pub pending_item_status: String,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
}

impl ApplicationRow {
    pub fn deadline(&self) -> Deadline {
        Deadline {
            due_on: self.due_on,
            warn_on: self.warn_on,
            provisional: self.provisional,
            paused_since: self.paused_since,
        }
    }
}

pub(crate) const APP_SELECT: &str =
    "SELECT a.id, a.region_code, a.pending_item_id, a.project_id, p.code, p.name, t.code, t.name,
        i.handling_department_id, d.name, p.owner_id, o.name, a.state, a.version, a.due_on, a.warn_on, a.provisional,
        a.paused_since, a.clock_kind, a.awaiting, i.status, a.created_at, a.updated_at, a.closed_at
    FROM applications a JOIN pending_items i ON i.id = a.pending_item_id JOIN projects p ON p.id = a.project_id
         JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = i.handling_department_id
         LEFT JOIN owners o ON o.id = p.owner_id";

pub(crate) fn parse_date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

pub(crate) fn app_from_row(r: &AnyRow, today: NaiveDate) -> Result<ApplicationRow, StoreError> {
    let state_text: String = r.get(12);
    let state = ApplicationState::parse(&state_text)
        .ok_or_else(|| StoreError::invalid(format!("unknown application state `{state_text}`")))?;
    let mut row = ApplicationRow {
        id: r.get(0),
        region_code: r.get(1),
        pending_item_id: r.get(2),
        project_id: r.get(3),
        project_code: r.get(4),
        project_name: r.get(5),
        item_type_code: r.get(6),
        item_type: r.get(7),
        handling_department_id: r.get(8),
        handling_department: r.get(9),
        owner_id: r.get(10),
        owner: r.get(11),
        state,
        state_label: state.label_zh(),
        version: r.get(13),
        due_on: parse_date(r.get(14)),
        warn_on: parse_date(r.get(15)),
        provisional: crate::get_bool(r, 16),
        paused_since: parse_date(r.get(17)),
        clock_kind: r.get(18),
        awaiting: r.get(19),
        light: None,
        pending_item_status: r.get(20),
        created_at: r.get(21),
        updated_at: r.get(22),
        closed_at: r.get(23),
    };
    row.light = row.deadline().light(today);
    Ok(row)
}
