//! The inbox's SQL: its conditions by side and scope, the light as dates, the sort keys, the page's and the head's queries.

use super::INBOX_LIMIT;
use crate::db::params;
use crate::users::User;
use crate::workflow::{applications_of, visible, APP_SELECT, AWAITING_DEPARTMENT, AWAITING_HIGHER, AWAITING_UNIT};
use crate::{Backend, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::light::{DueSoon, Light, LightDates};
use qidi_core::role::ScopeLimit;
use qidi_core::workflow::inbox::{InboxFilter, InboxSort};
use qidi_core::Role;

/// The due date in an export's key: an application without a deadline sorts after
/// every date, as `(a.due_on IS NULL), a.due_on` sorts it.
const DUE_KEY: &str = "COALESCE(a.due_on, '9999-12-31')";

/// The inbox's conditions (after `WHERE`) and their binds: what the user may see, what
/// awaits their side, and the filters, the light among them as dates (core's
/// [`LightDates`]). `joined`: they name the item, project or owner, not only the
/// application `a`.
pub(crate) struct InboxConditions {
    pub sql: String,
    pub binds: Vec<String>,
    pub joined: bool,
}

/// The bounds of `light` on `today` over the application `alias`'s dates, as SQL with
/// its binds pushed onto `binds`: core's [`LightDates`] translated, not decided here.
pub(crate) fn light_sql(binds: &mut Vec<String>, alias: &str, light: Light, today: NaiveDate) -> String {
    let dates = LightDates::of(light, today);
    let mut out = Vec::new();
    let due = format!("{alias}.due_on");
    let warn = format!("COALESCE({alias}.warn_on, {alias}.due_on)");
    for (bound, op, column) in [
        (dates.due_before, "<", &due),
        (dates.due_from, ">=", &due),
        (dates.warn_until, "<=", &warn),
        (dates.warn_after, ">", &warn),
    ] {
        if let Some(day) = bound {
            binds.push(day.to_string());
            out.push(format!("{column} {op} ${}", binds.len()));
        }
    }
    format!("({})", out.join(" AND "))
}

pub(super) fn inbox_conditions(user: &User, filter: &InboxFilter, today: NaiveDate) -> InboxConditions {
    let light = |binds: &mut Vec<String>, alias: &str| match filter.light {
        Some(l) => format!(" AND {}", light_sql(binds, alias, l, today)),
        None => String::new(),
    };
    let mut joined = false;
    let (mut sql, mut binds) = match (user.role, &user.department_id, user.scope().limit) {
        (Role::Applicant, _, _) => {
            joined = true;
            let (mut sql, mut binds) = visible(user, 1);
            binds.push(AWAITING_UNIT.into());
            sql.push_str(&format!(" AND a.awaiting = ${}", binds.len()));
            (sql, binds)
        }
        (role, Some(dept), _) if role.needs_department() => department_inbox(user, dept, light),
        (_, _, ScopeLimit::Region) => region_inbox(user, light),
        _ => {
            joined = true;
            let (mut sql, mut binds) = visible(user, 1);
            binds.push(AWAITING_DEPARTMENT.into());
            binds.push(AWAITING_HIGHER.into());
            let n = binds.len();
            sql.push_str(&format!(" AND a.awaiting IN (${}, ${n})", n - 1));
            sql.push_str(&light(&mut binds, "a"));
            (sql, binds)
        }
    };
    if let Some(t) = &filter.item_type_id {
        joined = true;
        binds.push(t.clone());
        sql.push_str(&format!(" AND i.item_type_id = ${}", binds.len()));
    }
    if let Some(d) = &filter.department_id {
        binds.push(d.clone());
        sql.push_str(&format!(" AND a.handling_department_id = ${}", binds.len()));
    }
    if let Some(t) = &filter.text {
        joined = true;
        binds.push(qidi_core::project::like_anywhere(t));
        let n = binds.len();
        sql.push_str(&format!(
            " AND (p.code LIKE ${n} ESCAPE '\\' OR p.name LIKE ${n} ESCAPE '\\' OR o.name LIKE ${n} ESCAPE '\\')"
        ));
    }
    InboxConditions { sql, binds, joined }
}

/// [`inbox_conditions`] as conditions on the application `a` alone, so that a count or
/// the first rows are found before any join: as they are where they name `a` alone,
/// else through the applications they hold.
fn inbox_ids(
    backend: Backend,
    user: &User,
    filter: &InboxFilter,
    today: NaiveDate,
) -> Result<(String, Vec<String>), StoreError> {
    let c = inbox_conditions(user, filter, today);
    if !c.joined {
        return Ok((c.sql, c.binds));
    }
    let (_, tables) = app_select_parts()?;
    let applications = applications_of(backend, user);
    Ok((format!("a.id IN (SELECT a.id FROM {applications}{tables} WHERE {})", c.sql), c.binds))
}

/// [`APP_SELECT`]'s columns and, after `FROM applications a`, its joins.
pub(super) fn app_select_parts() -> Result<(&'static str, &'static str), StoreError> {
    APP_SELECT.split_once("FROM applications a").ok_or_else(|| StoreError::invalid("APP_SELECT names no applications"))
}

/// The applications the user accompanies as a helper, as a branch of a list of ids.
const HELPED: &str = "SELECT a2.id FROM project_helpers hv JOIN applications a2 ON a2.project_id = hv.project_id
                      WHERE hv.helper_user_id";

/// What awaits a department (binds from `$1`), with the light `light` adds on an alias:
/// what [`visible`] lets it see of the applications it handles (those of its own
/// region, and those of the projects the user accompanies) that await a department or
/// the higher authority. As a list of applications found through the applications'
/// `(handling_department_id, awaiting, due_on)` index, so that a home page reads only
/// the department's own: [`visible`]'s scope gathers every item of every project the
/// department initiated, most of a region for the development and reform commission.
fn department_inbox(
    user: &User,
    dept: &str,
    light: impl Fn(&mut Vec<String>, &str) -> String,
) -> (String, Vec<String>) {
    let mut binds = vec![dept.to_string(), AWAITING_DEPARTMENT.into(), AWAITING_HIGHER.into(), user.id.clone()];
    let inner = light(&mut binds, "a1");
    let outer = light(&mut binds, "a");
    let sql = format!(
        "a.id IN (SELECT a1.id FROM applications a1
                  WHERE a1.handling_department_id = $1 AND a1.awaiting IN ($2, $3){inner}
                    AND a1.region_code = (SELECT dr.region_code FROM departments dr WHERE dr.id = $1)
                  UNION {HELPED} = $4)
         AND a.awaiting IN ($2, $3) AND a.handling_department_id = $1{outer}"
    );
    (sql, binds)
}

/// What awaits a department or the higher authority in a region-wide scope (binds from
/// `$1`), with the light `light` adds: the region's, found through the
/// `(awaiting, due_on, region_code)` index, and those of the projects the user
/// accompanies. ([`visible`]'s `OR` with the helpers could use no index, and read
/// every application of the region on each home page.)
fn region_inbox(user: &User, light: impl Fn(&mut Vec<String>, &str) -> String) -> (String, Vec<String>) {
    let (low, high) = crate::ledger::region_range(&user.scope().region_prefix);
    let mut binds = vec![low, high, AWAITING_DEPARTMENT.into(), AWAITING_HIGHER.into(), user.id.clone()];
    let inner = light(&mut binds, "a1");
    let outer = light(&mut binds, "a");
    let sql = format!(
        "a.id IN (SELECT a1.id FROM applications a1
                  WHERE a1.awaiting IN ($3, $4){inner} AND a1.region_code >= $1 AND a1.region_code < $2
                  UNION {HELPED} = $5)
         AND a.awaiting IN ($3, $4){outer}"
    );
    (sql, binds)
}

/// The sort's key for `sort`, over the application `a` and (by project) `p` and `t`:
/// text columns, none NULL, each bind pushed onto `binds`.
pub(super) fn sort_keys(sort: InboxSort, binds: &mut Vec<String>, today: NaiveDate) -> Vec<String> {
    let due = DUE_KEY.to_string();
    match sort {
        InboxSort::Light => {
            let mut rank = String::from("CASE");
            // Red, yellow, green, then no light: the page's `sort_by_light`.
            for (light, n) in [(Light::Red, "'0'"), (Light::Yellow, "'1'"), (Light::Green, "'2'")] {
                rank.push_str(&format!(" WHEN {} THEN {n}", light_sql(binds, "a", light, today)));
            }
            rank.push_str(" ELSE '3' END");
            vec![rank, due, "a.created_at".into(), "a.id".into()]
        }
        InboxSort::Due => vec![due, "a.created_at".into(), "a.id".into()],
        InboxSort::Project => vec!["p.code".into(), "t.name".into(), due, "a.created_at".into(), "a.id".into()],
    }
}

/// The inbox's query and binds ([`Store::inbox_filtered`]).
pub(crate) fn inbox_sql(
    backend: Backend,
    user: &User,
    filter: &InboxFilter,
    today: NaiveDate,
) -> Result<(String, Vec<String>), StoreError> {
    let c = inbox_conditions(user, filter, today);
    let (columns, tables) = app_select_parts()?;
    let applications = applications_of(backend, user);
    // The earliest deadlines first, so that a cut at the limit never drops a red one;
    // the id last, so that the order is the same at every request (and in the export).
    let sql = format!(
        "{columns}FROM {applications}{tables} WHERE {} ORDER BY (a.due_on IS NULL), a.due_on, a.created_at, a.id LIMIT {INBOX_LIMIT}",
        c.sql
    );
    Ok((sql, c.binds))
}

/// [`Store::inbox_head`]'s queries with their binds: the counts, then the first
/// `shown` rows. Both find the applications by their own conditions before any join;
/// only the rows shown are joined with their item, project and unit.
pub(crate) struct InboxHeadSql {
    pub counts: String,
    pub count_binds: Vec<String>,
    pub rows: String,
    pub row_binds: Vec<String>,
}

pub(crate) fn inbox_head_sql(
    backend: Backend,
    user: &User,
    filter: &InboxFilter,
    among: &[String],
    shown: usize,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Result<InboxHeadSql, StoreError> {
    let (mut ids, mut binds) = inbox_ids(backend, user, filter, today)?;
    if !among.is_empty() {
        let from = binds.len() + 1;
        binds.extend(among.iter().cloned());
        ids.push_str(&format!(" AND a.handling_department_id IN ({})", params(from, among.len())));
    }
    let mut row_binds = binds.clone();
    let keys = sort_keys(InboxSort::Light, &mut row_binds, today).join(", ");
    let rows = format!(
        "{APP_SELECT} WHERE a.id IN (SELECT a.id FROM applications a WHERE {ids} ORDER BY {keys} LIMIT {shown})
         ORDER BY {keys}"
    );
    let red = light_sql(&mut binds, "a", Light::Red, today);
    binds.push(today.to_string());
    let t = binds.len();
    binds.push(DueSoon::next_working_day_until(calendar, today).to_string());
    let next = binds.len();
    let counts = format!(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN {red} THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN a.paused_since IS NULL AND a.due_on = ${t} THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN a.paused_since IS NULL AND a.due_on > ${t} AND a.due_on <= ${next}
                                  THEN 1 ELSE 0 END), 0)
         FROM applications a WHERE {ids}"
    );
    Ok(InboxHeadSql { counts, count_binds: binds, rows, row_binds })
}
