//! Reading applications: one with its full timeline, a handler's inbox ordered by
//! light, a project unit's projects with their applications.

use super::{
    actor_for, app_from_row, applications_of, bind_all, material_name, visible, ApplicationRow, MaterialSpec,
    NamedWarnings, ProjectHelper, StoredFile, WorkflowError, APP_SELECT, AWAITING_DEPARTMENT, AWAITING_HIGHER,
    AWAITING_UNIT,
};
use crate::db::params;
use crate::users::User;
use crate::{Backend, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::ClockPause;
use qidi_core::light::{DueSoon, Light, LightDates, LightPolicy};
use qidi_core::role::ScopeLimit;
use qidi_core::workflow::inbox::{InboxFilter, InboxSort};
use qidi_core::workflow::{
    clock_record, clock_records, one_time_violations, running_clocks, Action, ApplicationEvent, ApplicationFacts,
    ApplicationState, ApplicationView, ClockOutcome, ClockRecord, NoticeProblem, OneTimeNotice, OneTimeViolation,
    PauseReason, SubmissionWarnings,
};
use qidi_core::Role;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// One step of an application's record, as the timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineStep {
    pub seq: u64,
    pub at: String,
    pub on: NaiveDate,
    pub actor_user_id: String,
    pub actor_name: String,
    pub actor_role: &'static str,
    /// The actor's role; `None` for qidi itself.
    pub role: Option<Role>,
    /// A resubmission's replaced materials, by their names in the checklist.
    pub replaced_names: Vec<String>,
    /// Taken by an assisted-service helper on the unit's behalf.
    pub helper_for: bool,
    pub action: Action,
    pub action_code: &'static str,
    pub action_label: &'static str,
    pub state_after: ApplicationState,
    pub state_label: &'static str,
    /// What the action carried, in one line (document number, reasons, notice size …).
    pub summary: String,
    pub reason: Option<String>,
    pub attachments: Vec<String>,
    /// Working days in (previous step, this step]; for the first step, since the
    /// application was created.
    pub working_days_since_previous: i64,
    /// A return that breaks the one-time rule.
    pub breaks_one_time_rule: bool,
    /// A return after the notice limit ran out.
    pub after_notice_limit: bool,
    /// Taken by qidi itself (视为受理).
    pub by_system: bool,
    /// The clocks this step ended, with their lateness ("承诺审批时限超期 3 个工作日办结").
    pub clocks_ended: Vec<ClockRecord>,
}

impl TimelineStep {
    /// Whether a clock this step ended ran late.
    pub fn late(&self) -> bool {
        self.clocks_ended.iter().any(|r| r.outcome == ClockOutcome::Late)
    }
}

/// A clock running now, counted for today.
#[derive(Debug, Clone, Serialize)]
pub struct ClockStatus {
    pub kind: &'static str,
    pub label: &'static str,
    pub started_on: NaiveDate,
    pub limit: u32,
    pub unit: LimitUnit,
    pub due_on: Option<NaiveDate>,
    pub warn_on: Option<NaiveDate>,
    pub provisional: bool,
    pub paused: bool,
    pub used: i64,
    pub light: Option<Light>,
}

/// One checklist line with its current file.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistEntry {
    pub code: String,
    pub name: String,
    pub file: Option<StoredFile>,
}

/// An application with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationDetail {
    pub application: ApplicationRow,
    pub facts: ApplicationFacts,
    pub checklist: Vec<ChecklistEntry>,
    /// Every upload, newest first (replaced ones included).
    pub files: Vec<StoredFile>,
    pub view: ApplicationView,
    pub timeline: Vec<TimelineStep>,
    pub clocks: Vec<ClockStatus>,
    pub one_time_violations: Vec<OneTimeViolation>,
    /// Every clock that ended, with its lateness, in the order started.
    pub clock_records: Vec<ClockRecord>,
    /// What the (last) submission lacks, or for a draft or a return what the files
    /// uploaded now lack: a warning for the unit before it submits, and for the
    /// handler, who decides through the one-time notice what is really missing.
    pub warnings: NamedWarnings,
    /// The actions (core `Action::as_str`) the core would let this user take now.
    pub available_actions: Vec<&'static str>,
    pub helpers: Vec<ProjectHelper>,
}

impl ApplicationDetail {
    pub fn can(&self, action: &str) -> bool {
        self.available_actions.contains(&action)
    }
}

/// A pending item of one of the user's projects, with its latest application.
#[derive(Debug, Clone, Serialize)]
pub struct ItemWithApplication {
    pub pending_item_id: String,
    pub item_type_code: String,
    pub item_type: String,
    pub handling_department: String,
    pub status: String,
    /// Prerequisite item types of this project not yet granted.
    pub open_prerequisites: Vec<String>,
    pub application: Option<ApplicationRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectApplications {
    pub project_id: String,
    pub project_code: String,
    pub project_name: String,
    pub owner: Option<String>,
    pub items: Vec<ItemWithApplication>,
}

fn light_rank(l: Option<Light>) -> u8 {
    match l {
        Some(Light::Red) => 0,
        Some(Light::Yellow) => 1,
        Some(Light::Green) => 2,
        None => 3,
    }
}

/// Red first, then yellow, then green, then those without a running clock; within a
/// colour the earliest due date first.
/// The most applications an inbox reads: the earliest due. The page says when it is reached.
pub const INBOX_LIMIT: usize = 5000;

pub fn sort_by_light(rows: &mut [ApplicationRow]) {
    rows.sort_by(|a, b| {
        (light_rank(a.light), a.due_on.is_none(), a.due_on, &a.created_at).cmp(&(
            light_rank(b.light),
            b.due_on.is_none(),
            b.due_on,
            &b.created_at,
        ))
    });
}

/// Action templates to ask the core which steps are open: each with content that
/// passes validation, so that only who and when decide.
fn probes(facts: &ApplicationFacts, today: NaiveDate) -> Vec<Action> {
    let all = facts.required_materials.clone();
    let text = || "—".to_string();
    vec![
        Action::Submit { materials: all.clone() },
        Action::Resubmit { materials: all.clone(), replaced: Vec::new() },
        Action::Return {
            notice: OneTimeNotice {
                problems: vec![NoticeProblem::new(all.first().map_or("—", |s| s.as_str()), "—", "—")],
                suggestions: Vec::new(),
                number: None,
            },
        },
        Action::Accept,
        Action::Extend { reason: text() },
        Action::Pause { reason: PauseReason::ExpertReview, note: text() },
        Action::Resume,
        Action::Approve { document_number: text(), decided_on: today },
        Action::Refuse { reasons: text() },
        Action::Forward { to_authority: text() },
        Action::RecordHigherOutcome { approved: true, document_number: Some(text()), reasons: None, decided_on: None },
        Action::Withdraw { reason: text() },
    ]
}

fn summary(action: &Action, checklist: &[MaterialSpec]) -> String {
    let names = |codes: &[String]| codes.iter().map(|c| material_name(checklist, c)).collect::<Vec<_>>().join("、");
    match action {
        Action::Submit { materials } => format!("提交材料 {} 项", materials.len()),
        Action::Resubmit { materials, replaced } if replaced.is_empty() => {
            format!("重新提交材料 {} 项", materials.len())
        }
        Action::Resubmit { materials, replaced } => {
            format!("重新提交材料 {} 项，更换：{}", materials.len(), names(replaced))
        }
        Action::Return { notice } => match &notice.number {
            Some(n) => format!("{n}，一次性告知问题 {} 项", notice.problems.len()),
            None => format!("一次性告知问题 {} 项", notice.problems.len()),
        },
        Action::Accept | Action::Resume => String::new(),
        Action::DeemAccept { received_on, notice_due_on } => {
            format!("一次性告知时限至 {notice_due_on} 届满未告知，自收件之日 {received_on} 起视为受理")
        }
        Action::Extend { reason } => format!("延期理由：{reason}"),
        Action::Pause { reason, note } if note.trim().is_empty() => reason.label_zh().to_string(),
        Action::Pause { reason, note } => format!("{}：{}", reason.label_zh(), note.trim()),
        Action::Approve { document_number, decided_on } => format!("批复文号 {document_number}，{decided_on}"),
        Action::Refuse { reasons } => format!("理由：{reasons}"),
        Action::Forward { to_authority } => format!("转报至 {to_authority}"),
        Action::RecordHigherOutcome { approved: true, document_number, decided_on, .. } => format!(
            "上级批准，文号 {}{}",
            document_number.as_deref().unwrap_or(""),
            decided_on.map(|d| format!("，{d}")).unwrap_or_default()
        ),
        Action::RecordHigherOutcome { approved: false, reasons, .. } => {
            format!("上级不予许可，理由：{}", reasons.as_deref().unwrap_or(""))
        }
        Action::Withdraw { reason } => format!("理由：{reason}"),
    }
}

/// How many applications an inbox export ([`Store::inbox_each`]) writes at most: the
/// file says when there were more.
pub const INBOX_EXPORT_LIMIT: usize = 100_000;

/// Rows an inbox export reads a query.
pub const INBOX_EXPORT_BATCH: usize = 1_000;

/// The columns of [`APP_SELECT`]: a key read after them starts here.
const APP_COLUMNS: usize = 24;

/// The due date in an export's key: an application without a deadline sorts after
/// every date, as `(a.due_on IS NULL), a.due_on` sorts it.
const DUE_KEY: &str = "COALESCE(a.due_on, '9999-12-31')";

/// What an inbox export handed over: how many rows, and whether the limit left some out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InboxExported {
    pub rows: usize,
    pub capped: bool,
}

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

fn inbox_conditions(user: &User, filter: &InboxFilter, today: NaiveDate) -> InboxConditions {
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
fn app_select_parts() -> Result<(&'static str, &'static str), StoreError> {
    APP_SELECT.split_once("FROM applications a").ok_or_else(|| StoreError::invalid("APP_SELECT names no applications"))
}

/// [`Store::my_projects`]'s queries, of pending items and of applications, with their
/// binds: for a project unit its own projects, for anyone else those it accompanies.
pub(crate) fn my_projects_sql(user: &User) -> (String, String, Vec<String>) {
    let (vis, binds) = if user.role == Role::Applicant {
        visible(user, 1)
    } else {
        (
            // The projects accompanied, as a list, found through the helper's index.
            "p.id IN (SELECT hv.project_id FROM project_helpers hv WHERE hv.helper_user_id = $1)".to_string(),
            vec![user.id.clone()],
        )
    };
    let sql = format!(
        "SELECT i.id, p.id, p.code, p.name, o.name, t.code, t.name, d.name, i.status, t.prerequisites
         FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments d ON d.id = i.handling_department_id LEFT JOIN owners o ON o.id = p.owner_id
         WHERE {vis} ORDER BY p.code, t.code LIMIT 2000"
    );
    let app_sql = format!("{APP_SELECT} WHERE {vis} ORDER BY a.created_at");
    (sql, app_sql, binds)
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
fn sort_keys(sort: InboxSort, binds: &mut Vec<String>, today: NaiveDate) -> Vec<String> {
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

/// The head of an inbox for a dashboard ([`Store::inbox_head`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct InboxHead {
    /// Every application the filter keeps, not cut at [`INBOX_LIMIT`].
    pub total: usize,
    pub red: usize,
    /// Running clocks due today, and due after today up to the next working day.
    pub due_today: usize,
    pub due_next_working_day: usize,
    /// The first rows, in the inbox's light order.
    pub rows: Vec<ApplicationRow>,
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

impl Store {
    /// Display names of users by id.
    async fn user_names(&self, ids: impl Iterator<Item = &str>) -> Result<HashMap<String, (String, Role)>, StoreError> {
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            if let Some(u) = self.user_by_id(id).await? {
                out.insert(id.to_string(), (u.display_name, u.role));
            }
        }
        Ok(out)
    }

    fn timeline_of(
        events: &[ApplicationEvent],
        facts: &ApplicationFacts,
        checklist: &[MaterialSpec],
        created_on: NaiveDate,
        calendar: &WorkCalendar,
        names: &HashMap<String, (String, Role)>,
    ) -> Vec<TimelineStep> {
        let mut view = ApplicationView::new();
        let mut prev = created_on;
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            // The record was checked when written; a step that no longer replays is
            // still shown, with the state it left.
            let _ = view.apply(e, facts);
            let notice = view.notices.iter().find(|n| n.seq == e.seq);
            let clocks_ended = view
                .clocks
                .iter()
                .filter(|r| r.ended.as_ref().is_some_and(|end| end.seq == e.seq))
                .filter_map(|r| clock_record(r, calendar).ok().flatten())
                .collect();
            let (name, role) = if e.actor.system {
                ("起底系统".to_string(), None)
            } else {
                let (name, role) =
                    names.get(&e.actor_user_id).cloned().unwrap_or_else(|| (e.actor_user_id.clone(), e.actor.role));
                (name, Some(role))
            };
            let replaced_names = match &e.action {
                Action::Resubmit { replaced, .. } => replaced.iter().map(|c| material_name(checklist, c)).collect(),
                _ => Vec::new(),
            };
            out.push(TimelineStep {
                seq: e.seq,
                at: e.at.format("%Y-%m-%d %H:%M").to_string(),
                on: e.on,
                actor_user_id: e.actor_user_id.clone(),
                actor_name: name,
                actor_role: role.map_or("系统（依法记录）", Role::label_zh),
                role,
                replaced_names,
                helper_for: e.actor.helper_for,
                action: e.action.clone(),
                action_code: e.action.as_str(),
                action_label: e.action.label_zh(),
                state_after: view.state,
                state_label: view.state.label_zh(),
                summary: summary(&e.action, checklist),
                reason: e.reason.clone(),
                attachments: e.attachments.clone(),
                working_days_since_previous: calendar.working_days_between(prev, e.on).max(0),
                breaks_one_time_rule: notice.is_some_and(|n| n.breaks_one_time_rule()),
                after_notice_limit: notice.is_some_and(|n| n.after_notice_limit()),
                by_system: e.actor.system,
                clocks_ended,
            });
            prev = e.on;
        }
        out
    }

    /// An application with its checklist, files, timeline, clocks and the actions the
    /// user may take.
    pub async fn application_detail(&self, user: &User, id: &str) -> Result<ApplicationDetail, WorkflowError> {
        let application = self.application(user, id).await?;
        let stored = self.stored_facts(id).await?;
        let events = self.application_events(id).await?;
        let view = qidi_core::workflow::replay(&events, &stored.facts)
            .map_err(|e| StoreError::invalid(format!("application {id}: its record does not replay: {e}")))?;
        let calendar = self.work_calendar().await?;
        let today = crate::today();
        let names = self.user_names(events.iter().map(|e| e.actor_user_id.as_str())).await?;
        let created_on = NaiveDate::parse_from_str(stored.created_at.get(..10).unwrap_or(""), "%Y-%m-%d")
            .unwrap_or_else(|_| events.first().map_or(today, |e| e.on));
        let timeline = Self::timeline_of(&events, &stored.facts, &stored.checklist, created_on, &calendar, &names);
        let clocks = clock_statuses(&view, &calendar, &stored.policy, today);
        let helper = self.helper_link(&user.id, &application.project_id).await?;
        let available_actions = probes(&stored.facts, today)
            .into_iter()
            .filter(|a| {
                let actor = actor_for(user, helper.as_ref(), &stored.facts.owner_id, a.side());
                view.decide(&stored.facts, &actor, a, today).is_ok()
            })
            .map(|a| a.as_str())
            .collect();
        let current = self.current_files(id).await?;
        let provided: Vec<String> = match view.submissions.last() {
            Some(last) if !matches!(view.state, ApplicationState::Draft | ApplicationState::Returned) => {
                last.materials.clone()
            }
            _ => current.iter().map(|f| f.material_code.clone()).collect(),
        };
        let unmet = if view.state.is_terminal() { Vec::new() } else { self.unmet_prerequisites(id).await? };
        let warnings = NamedWarnings::of(&SubmissionWarnings::of(&stored.facts, &provided, unmet), &stored.checklist);
        let clock_records = clock_records(&view, &calendar).unwrap_or_default();
        let checklist = stored
            .checklist
            .iter()
            .map(|m| ChecklistEntry {
                code: m.code.clone(),
                name: m.name.clone(),
                file: current.iter().find(|f| f.material_code == m.code).cloned(),
            })
            .collect();
        Ok(ApplicationDetail {
            one_time_violations: one_time_violations(&view),
            clock_records,
            warnings,
            files: self.all_files(id).await?,
            helpers: self.project_helpers(user, &application.project_id).await?,
            application,
            facts: stored.facts,
            checklist,
            view,
            timeline,
            clocks,
            available_actions,
        })
    }

    /// What awaits the user's side, most urgent first: for a department its
    /// applications awaiting a step or the higher outcome; for a project unit (or a
    /// helper) those awaiting the unit; for the office and supervisors everything
    /// open in the region that awaits a department or the higher authority.
    pub async fn inbox(&self, user: &User) -> Result<Vec<ApplicationRow>, WorkflowError> {
        Ok(self.inbox_filtered(user, &InboxFilter::default()).await?.0)
    }

    /// [`Store::inbox`] filtered (core `InboxFilter`: light, item type, department, text)
    /// and ordered, with whether the [`INBOX_LIMIT`] earliest-due cut was reached. The
    /// page is the caller's to take ([`InboxFilter::window`]).
    pub async fn inbox_filtered(
        &self,
        user: &User,
        filter: &InboxFilter,
    ) -> Result<(Vec<ApplicationRow>, bool), WorkflowError> {
        let today = crate::today();
        let (sql, binds) = inbox_sql(self.backend(), user, filter, today)?;
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        let capped = rows.len() >= INBOX_LIMIT;
        let mut apps = rows.iter().map(|r| app_from_row(r, today)).collect::<Result<Vec<_>, _>>()?;
        match filter.sort {
            InboxSort::Light => sort_by_light(&mut apps),
            // Already by due date from the query.
            InboxSort::Due => {}
            InboxSort::Project => {
                apps.sort_by(|a, b| (&a.project_code, &a.item_type).cmp(&(&b.project_code, &b.item_type)))
            }
        }
        Ok((apps, capped))
    }

    /// What a dashboard shows of an inbox with `filter` (its light, department, item
    /// type and text; not its sort or page), kept to the handling departments `among`
    /// (none: all): how many, how many red and due soon, and the first `shown` in the
    /// inbox's light order. Counted in the database, not cut at [`INBOX_LIMIT`]: a home
    /// page reads only the rows it shows.
    pub async fn inbox_head(
        &self,
        user: &User,
        filter: &InboxFilter,
        among: &[String],
        shown: usize,
    ) -> Result<InboxHead, WorkflowError> {
        let today = crate::today();
        let calendar = self.work_calendar().await?;
        let q = inbox_head_sql(self.backend(), user, filter, among, shown, &calendar, today)?;
        let keep = self.backend().keeps_prepared();
        let counts = bind_all(sqlx::query(&q.counts), &q.count_binds).persistent(keep).fetch_one(&self.pool).await?;
        let count = |i: usize| usize::try_from(counts.get::<i64, _>(i)).unwrap_or(0);
        let rows = bind_all(sqlx::query(&q.rows), &q.row_binds).persistent(keep).fetch_all(&self.pool).await?;
        Ok(InboxHead {
            total: count(0),
            red: count(1),
            due_today: count(2),
            due_next_working_day: count(3),
            rows: rows.iter().map(|r| app_from_row(r, today)).collect::<Result<Vec<_>, _>>()?,
        })
    }

    /// Every application of [`Store::inbox_filtered`] with the same filters, in the
    /// same order, handed to `each` one at a time: read `batch` rows a query, by key
    /// (the sort's columns and the id), so that nothing holds the whole list. Unlike
    /// the page it is not cut at the [`INBOX_LIMIT`] earliest due. At most `limit`
    /// rows; the answer says how many were handed over and whether more were left.
    pub async fn inbox_each<F>(
        &self,
        user: &User,
        filter: &InboxFilter,
        batch: usize,
        limit: usize,
        mut each: F,
    ) -> Result<InboxExported, WorkflowError>
    where
        F: FnMut(ApplicationRow) -> Result<(), StoreError>,
    {
        let batch = batch.clamp(1, 10_000);
        let today = crate::today();
        let InboxConditions { sql: filtered, mut binds, .. } = inbox_conditions(user, filter, today);
        let applications = applications_of(self.backend(), user);
        let keys = sort_keys(filter.sort, &mut binds, today);
        let (columns, tables) = app_select_parts()?;
        let key_list = keys.join(", ");
        let mut after: Option<Vec<String>> = None;
        let mut out = InboxExported { rows: 0, capped: false };
        loop {
            // One more than the limit, to know whether the limit cut anything.
            let want = batch.min(limit.saturating_add(1) - out.rows);
            let mut binds = binds.clone();
            let mut sql = format!("{columns}, {key_list} FROM {applications}{tables} WHERE {filtered}");
            if let Some(key) = &after {
                let from = binds.len() + 1;
                binds.extend(key.iter().cloned());
                sql.push_str(&format!(" AND ({key_list}) > ({})", params(from, key.len())));
            }
            sql.push_str(&format!(" ORDER BY {key_list} LIMIT {want}"));
            let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
            for r in &rows {
                if out.rows == limit {
                    out.capped = true;
                    return Ok(out);
                }
                each(app_from_row(r, today)?)?;
                out.rows += 1;
            }
            match rows.last() {
                Some(last) if rows.len() == want => {
                    after = Some((APP_COLUMNS..APP_COLUMNS + keys.len()).map(|i| last.get::<String, _>(i)).collect());
                }
                _ => return Ok(out),
            }
        }
    }

    /// The user's projects with their pending items and latest applications: for a
    /// project unit its own projects, for anyone else the projects they accompany as
    /// a helper.
    pub async fn my_projects(&self, user: &User) -> Result<Vec<ProjectApplications>, WorkflowError> {
        let (sql, app_sql, binds) = my_projects_sql(user);
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        let today = crate::today();
        let apps = bind_all(sqlx::query(&app_sql), &binds).fetch_all(&self.pool).await?;
        let mut latest: HashMap<String, ApplicationRow> = HashMap::new();
        for r in &apps {
            let a = app_from_row(r, today)?;
            latest.insert(a.pending_item_id.clone(), a);
        }
        let mut out: Vec<ProjectApplications> = Vec::new();
        // (project id, item type code) → (name, status), for prerequisites.
        let statuses: HashMap<(String, String), (String, String)> = rows
            .iter()
            .map(|r| ((r.get::<String, _>(1), r.get::<String, _>(5)), (r.get::<String, _>(6), r.get::<String, _>(8))))
            .collect();
        for r in &rows {
            let project_id: String = r.get(1);
            let prereqs: Vec<String> = serde_json::from_str(&r.get::<String, _>(9)).unwrap_or_default();
            let open_prerequisites = prereqs
                .iter()
                .filter_map(|code| statuses.get(&(project_id.clone(), code.clone())))
                .filter(|(_, status)| status == "pending")
                .map(|(name, _)| name.clone())
                .collect();
            let item_id: String = r.get(0);
            let item = ItemWithApplication {
                application: latest.remove(&item_id),
                pending_item_id: item_id,
                item_type_code: r.get(5),
                item_type: r.get(6),
                handling_department: r.get(7),
                status: r.get(8),
                open_prerequisites,
            };
            match out.last_mut() {
                Some(p) if p.project_id == project_id => p.items.push(item),
                _ => out.push(ProjectApplications {
                    project_id,
                    project_code: r.get(2),
                    project_name: r.get(3),
                    owner: r.get(4),
                    items: vec![item],
                }),
            }
        }
        Ok(out)
    }

    /// A project's applications, each with its timeline, oldest application first.
    pub async fn project_timeline(
        &self,
        user: &User,
        project_id: &str,
    ) -> Result<Vec<(ApplicationRow, Vec<TimelineStep>)>, WorkflowError> {
        self.visible_project(user, project_id).await?;
        let (vis, binds) = visible(user, 2);
        let sql = format!("{APP_SELECT} WHERE a.project_id = $1 AND {vis} ORDER BY a.created_at, a.id");
        let rows = bind_all(sqlx::query(&sql).bind(project_id), &binds).fetch_all(&self.pool).await?;
        let today = crate::today();
        let calendar = self.work_calendar().await?;
        let mut out = Vec::new();
        for r in &rows {
            let app = app_from_row(r, today)?;
            let stored = self.stored_facts(&app.id).await?;
            let events = self.application_events(&app.id).await?;
            let names = self.user_names(events.iter().map(|e| e.actor_user_id.as_str())).await?;
            let created_on = NaiveDate::parse_from_str(stored.created_at.get(..10).unwrap_or(""), "%Y-%m-%d")
                .unwrap_or_else(|_| events.first().map_or(today, |e| e.on));
            let steps = Self::timeline_of(&events, &stored.facts, &stored.checklist, created_on, &calendar, &names);
            out.push((app, steps));
        }
        Ok(out)
    }
}

/// Every clock running now, with its deadline and light for `today`.
fn clock_statuses(
    view: &ApplicationView,
    calendar: &WorkCalendar,
    policy: &LightPolicy,
    today: NaiveDate,
) -> Vec<ClockStatus> {
    running_clocks(view)
        .into_iter()
        .filter_map(|c| {
            let pauses: Vec<ClockPause> =
                c.pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect();
            let deadline = calendar.compute_deadline(c.started_on, c.limit, c.unit, &pauses, policy).ok()?;
            let used = calendar.limit_used(c.started_on, today, c.unit, &pauses).unwrap_or(0);
            Some(ClockStatus {
                kind: c.kind.as_str(),
                label: c.kind.label_zh(),
                started_on: c.started_on,
                limit: c.limit,
                unit: c.unit,
                due_on: deadline.due_on,
                warn_on: deadline.warn_on,
                provisional: deadline.provisional,
                paused: c.is_paused(),
                used,
                light: deadline.light(today),
            })
        })
        .collect()
}
