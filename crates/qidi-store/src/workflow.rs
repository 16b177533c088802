//! Applications (申请) on the record: created as drafts, moved only by the core's
//! [`decide`](qidi_core::workflow::decide), every step an `application.<action>` event.
//!
//! The `applications` row is derived: state, version, and the running clock's
//! `due_on`/`warn_on` are rewritten in the same transaction as the event that changes
//! them, and only if the version is still the one the step was decided on
//! (`UPDATE … WHERE version = $expected`). Of two handlers deciding at once, one wins
//! and the other gets [`WorkflowError::Conflict`].
//!
//! Visibility follows the ledger's scope ([`crate::ledger`]): a department sees the
//! applications of the items it handles and of the projects it initiated, a project
//! unit its own projects', the office and inspectors their region's; an
//! assisted-service helper also sees the projects they accompany. Anything else is
//! [`WorkflowError::NotFound`].

use crate::events::{append, NewEvent};
use crate::ledger::{item_scope, owner_sql};
use crate::users::User;
use crate::{new_id, now_text, Backend, Store, StoreError};
use chrono::{DateTime, FixedOffset, NaiveDate};
use qidi_core::catalogue::{stored_limit, AuthorityLevel, LimitUnit};
use qidi_core::deadline::{ClockPause, Deadline};
use qidi_core::light::{Light, LightPolicy};
use qidi_core::region::RegionLevel;
use qidi_core::role::ScopeLimit;
use qidi_core::sentence::Sentence;
use qidi_core::workflow::{
    decide, replay, running_clock, shanghai_date, Action, Actor, ApplicationEvent, ApplicationFacts, ApplicationState,
    ApplicationView, Side, SubmissionWarnings, TransitionError,
};
use qidi_core::{RegionCode, Role};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

mod catalogue;
mod files;
mod helpers;
mod lateness;
pub(crate) mod read;
mod step;
pub(crate) mod unit;

pub(crate) use catalogue::fill_catalogue_defaults;
pub use catalogue::{ItemType, ItemTypeEdit, NewItemType};
pub use files::{uploads_dir, StoredFile, MAX_UPLOAD_BYTES};
pub use helpers::{HelperChoice, ProjectBrief, ProjectHelper};
pub use lateness::{ClockRecordFilter, ClockRecordRow};
pub use read::{
    ApplicationDetail, ClockStatus, InboxExported, InboxHead, ItemWithApplication, ProjectApplications, TimelineStep,
    INBOX_EXPORT_BATCH, INBOX_EXPORT_LIMIT, INBOX_LIMIT,
};
pub(crate) use step::Step;
pub use step::SYSTEM_ACTOR;
pub use unit::UnitCounts;

/// Why a workflow request was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// No such record, or not in the user's scope (the two look the same).
    #[error("未找到，或无权查看")]
    NotFound,
    /// The core refused the step; its kind says forbidden, conflict or invalid.
    #[error("{0}")]
    Refused(TransitionError),
    /// Not the user's to do, outside the state machine (catalogue edits, helpers).
    #[error("{0}")]
    Forbidden(Sentence),
    /// Someone else changed the record first, or the request clashes with it.
    #[error("{0}")]
    Conflict(Sentence),
    #[error("{0}")]
    Invalid(Sentence),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WorkflowError {
    /// Not the user's to do: a [`Sentence`], a core error (`&e`), or plain text.
    pub fn forbidden(s: impl Into<Sentence>) -> Self {
        WorkflowError::Forbidden(s.into())
    }

    /// The request clashes with the record.
    pub fn conflict(s: impl Into<Sentence>) -> Self {
        WorkflowError::Conflict(s.into())
    }

    /// What was sent is incomplete or wrong.
    pub fn invalid(s: impl Into<Sentence>) -> Self {
        WorkflowError::Invalid(s.into())
    }
}

impl From<sqlx::Error> for WorkflowError {
    fn from(e: sqlx::Error) -> Self {
        WorkflowError::Store(StoreError::Db(e))
    }
}

/// One required material as the checklist names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialSpec {
    pub code: String,
    pub name: String,
}

/// The checklist's name of a material code (the code itself if the checklist lacks it).
pub(crate) fn material_name(checklist: &[MaterialSpec], code: &str) -> String {
    checklist.iter().find(|m| m.code == code).map_or_else(|| code.to_string(), |m| m.name.clone())
}

/// Whose turn it is.
pub const AWAITING_UNIT: &str = "unit";
pub const AWAITING_DEPARTMENT: &str = "department";
pub const AWAITING_HIGHER: &str = "higher_authority";

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

/// SQL that keeps what `user` may see of applications or pending items: the ledger's
/// item scope, or the projects the user accompanies as a helper. Aliases `i`
/// (pending items) and `p` (projects); placeholders from `$first`.
pub(crate) fn visible(user: &User, first: usize) -> (String, Vec<String>) {
    let scope = user.scope();
    if let ScopeLimit::Owner(o) = &scope.limit {
        // A unit's projects and those it accompanies, as one list of projects, so that
        // its applications are found through their project's index; under an `OR`
        // the planner reads every application of every region and tests each.
        let n = first + 1;
        let sql = format!(
            "p.id IN (SELECT q.id FROM projects q WHERE {}
                      UNION SELECT hv.project_id FROM project_helpers hv WHERE hv.helper_user_id = ${n})",
            owner_sql("q", first)
        );
        return (sql, vec![o.clone(), user.id.clone()]);
    }
    let s = item_scope(&scope, first);
    let n = first + s.binds.len();
    let sql = format!(
        "(({}) OR EXISTS (SELECT 1 FROM project_helpers hv WHERE hv.project_id = p.id AND hv.helper_user_id = ${n}))",
        s.sql
    );
    let mut binds = s.binds;
    binds.push(user.id.clone());
    (sql, binds)
}

/// The applications `a`, as a `FROM` item, of a list [`visible`] keeps to a unit's
/// projects. SQLite, which has no statistics, would start at every region's
/// applications awaiting the unit (or a department, or by deadline) and test each
/// against the unit's list, 30–950 ms at a million projects; the index named makes it
/// take each of the unit's projects' applications instead. PostgreSQL plans this from
/// its statistics. Anyone else's list keeps `applications a` as it is.
pub(crate) fn applications_of(backend: Backend, user: &User) -> &'static str {
    match (backend, user.scope().limit) {
        (Backend::Sqlite, ScopeLimit::Owner(_)) => "applications a INDEXED BY applications_project",
        _ => "applications a",
    }
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = q.bind(b.as_str());
    }
    q
}

/// The level of government a region code stands for, as an authority level.
pub(crate) fn home_level(region: &str) -> AuthorityLevel {
    match RegionCode::parse(region).map(|r| r.level()) {
        Ok(RegionLevel::Region) => AuthorityLevel::Region,
        Ok(RegionLevel::League) => AuthorityLevel::League,
        _ => AuthorityLevel::Banner,
    }
}

/// A helper's link to a project.
#[derive(Debug, Clone)]
pub(crate) struct HelperLink {
    pub authorised_by_unit: bool,
}

/// Who `user` is for an action of `side` on a project owned by `owner_id`: a helper
/// acts as such (for the unit when authorised) on the unit's side; everyone else as
/// their account says.
pub(crate) fn actor_for(user: &User, helper: Option<&HelperLink>, owner_id: &str, side: Side) -> Actor {
    match helper {
        Some(h)
            if side == Side::Unit && !(user.role == Role::Applicant && user.owner_id.as_deref() == Some(owner_id)) =>
        {
            Actor::helper(user.role, user.department_id.as_deref(), h.authorised_by_unit.then_some(owner_id))
        }
        _ => Actor {
            role: user.role,
            department_id: user.department_id.clone(),
            owner_id: user.owner_id.clone(),
            helper_for: false,
            system: false,
        },
    }
}

/// The request to take one step.
#[derive(Debug, Clone, Deserialize)]
pub struct ActRequest {
    pub action: Action,
    /// Sent again with the same token, the request returns the first result.
    #[serde(default)]
    pub client_token: Option<String>,
    /// The version the user saw; if the application moved on since, a conflict.
    #[serde(default)]
    pub expected_version: Option<i64>,
    /// A remark beyond what the action carries.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The result of a step.
#[derive(Debug, Clone, Serialize)]
pub struct ActOutcome {
    pub application: ApplicationRow,
    /// The event the step appended (for a repeat: the first request's event).
    pub seq: u64,
    /// The version right after the step.
    pub version: i64,
    /// The same client token was seen before: nothing new happened.
    pub repeated: bool,
    /// A return that breaks the one-time rule (allowed, but counted in assessment).
    pub breaks_one_time_rule: bool,
    /// A return after the notice limit ran out (视为受理 had been recorded).
    pub after_notice_limit: bool,
    /// A return's one-time notice number.
    pub notice_number: Option<String>,
    /// For a (re)submission: what it lacks, as far as qidi can tell. It went through.
    pub warnings: Option<NamedWarnings>,
}

/// [`SubmissionWarnings`] with the materials' Chinese names, as people see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NamedWarnings {
    pub missing_materials: Vec<MaterialSpec>,
    pub unmet_prerequisites: Vec<String>,
}

impl NamedWarnings {
    /// Missing materials are codes of the application's own checklist, so each has its name.
    pub fn of(w: &SubmissionWarnings, checklist: &[MaterialSpec]) -> NamedWarnings {
        NamedWarnings {
            missing_materials: w
                .missing_materials
                .iter()
                .map(|code| MaterialSpec { code: code.clone(), name: material_name(checklist, code) })
                .collect(),
            unmet_prerequisites: w.unmet_prerequisites.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.missing_materials.is_empty() && self.unmet_prerequisites.is_empty()
    }

    /// One line for people: "缺少材料：…；前置事项未办结：…".
    pub fn summary_zh(&self) -> String {
        let mut parts = Vec::new();
        if !self.missing_materials.is_empty() {
            let names: Vec<&str> = self.missing_materials.iter().map(|m| m.name.as_str()).collect();
            parts.push(format!("缺少材料：{}", names.join("、")));
        }
        if !self.unmet_prerequisites.is_empty() {
            parts.push(format!("前置事项未办结：{}", self.unmet_prerequisites.join("、")));
        }
        parts.join("；")
    }
}

/// What `create_application` did.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub application: ApplicationRow,
    /// False when the same client token had already created it.
    pub created: bool,
}

/// What an application was judged by, as stored at its creation.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub facts: ApplicationFacts,
    pub checklist: Vec<MaterialSpec>,
    pub policy: LightPolicy,
    pub created_at: String,
}

fn check_token(token: Option<&str>) -> Result<Option<String>, WorkflowError> {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.len() > 100 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
            Err(WorkflowError::invalid(Sentence::new(
                "err-workflow-bad-client-token",
                "请求标识（client_token）须为不超过 100 位的字母、数字或连字符",
            )))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn shanghai_now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&now_text()).expect("now_text is RFC 3339")
}

impl Store {
    /// One application, if `user` may see it.
    pub async fn application(&self, user: &User, id: &str) -> Result<ApplicationRow, WorkflowError> {
        let (vis, binds) = visible(user, 2);
        let sql = format!("{APP_SELECT} WHERE a.id = $1 AND {vis}");
        let row = bind_all(sqlx::query(&sql).bind(id), &binds).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => Ok(app_from_row(&r, crate::today())?),
            None => Err(WorkflowError::NotFound),
        }
    }

    pub(crate) async fn stored_facts(&self, id: &str) -> Result<Stored, WorkflowError> {
        let r = sqlx::query("SELECT facts, checklist, light_policy, created_at FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WorkflowError::NotFound)?;
        let bad = |what: &str, e: serde_json::Error| {
            WorkflowError::Store(StoreError::invalid(format!("application {id}: stored {what} unreadable: {e}")))
        };
        Ok(Stored {
            facts: serde_json::from_str(&r.get::<String, _>(0)).map_err(|e| bad("facts", e))?,
            checklist: serde_json::from_str(&r.get::<String, _>(1)).map_err(|e| bad("checklist", e))?,
            policy: serde_json::from_str(&r.get::<String, _>(2)).unwrap_or_default(),
            created_at: r.get(3),
        })
    }

    /// The application's transition events, in order.
    pub(crate) async fn application_events(&self, id: &str) -> Result<Vec<ApplicationEvent>, WorkflowError> {
        let rows = sqlx::query(
            "SELECT payload FROM events WHERE object_type = 'application' AND object_id = $1 AND outcome = 'ok' ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let payload: serde_json::Value = serde_json::from_str(&r.get::<String, _>(0)).unwrap_or_default();
            if let Some(e) = payload.get("event") {
                let e: ApplicationEvent = serde_json::from_value(e.clone()).map_err(|e| {
                    WorkflowError::Store(StoreError::invalid(format!("application {id}: event unreadable: {e}")))
                })?;
                out.push(e);
            }
        }
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }

    pub(crate) async fn helper_link(&self, user_id: &str, project_id: &str) -> Result<Option<HelperLink>, StoreError> {
        let row =
            sqlx::query("SELECT authorised_by_unit FROM project_helpers WHERE project_id = $1 AND helper_user_id = $2")
                .bind(project_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| HelperLink { authorised_by_unit: crate::get_bool(&r, 0) }))
    }

    /// Open a draft application for a pending item the user may see. The account must
    /// be one the core lets submit for the project unit. With a client token, the
    /// same request made twice returns the first draft.
    pub async fn create_application(
        &self,
        user: &User,
        pending_item_id: &str,
        client_token: Option<&str>,
    ) -> Result<Created, WorkflowError> {
        let token = check_token(client_token)?;
        if let Some(t) = &token {
            if let Some(existing) = self.application_by_token(user, t).await? {
                return Ok(Created { application: existing, created: false });
            }
        }
        let (vis, binds) = visible(user, 2);
        let sql = format!(
            "SELECT i.id, i.region_code, i.project_id, i.handling_department_id, i.status, p.owner_id,
                    t.authority_level, t.promised_limit, t.limit_unit, t.required_materials, t.warn_days, t.warn_ratio_percent,
                    t.code, t.extension_limit
             FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
             WHERE i.id = $1 AND {vis}"
        );
        let item = bind_all(sqlx::query(&sql).bind(pending_item_id), &binds)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WorkflowError::NotFound)?;
        let region: String = item.get(1);
        let project_id: String = item.get(2);
        let status: String = item.get(4);
        if status != "pending" {
            return Err(WorkflowError::conflict(Sentence::new("err-workflow-item-closed", "该事项已办结，无需再申请")));
        }
        let owner_id: String = item.get::<Option<String>, _>(5).ok_or_else(|| {
            WorkflowError::invalid(Sentence::new("err-workflow-no-owner", "该项目未登记项目单位，不能申请"))
        })?;
        let checklist: Vec<MaterialSpec> =
            item.get::<Option<String>, _>(9).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let level: String = item.get(6);
        let unit: String = item.get(8);
        let item_code: String = item.get(12);
        let facts = ApplicationFacts {
            handling_department_id: item.get(3),
            owner_id: owner_id.clone(),
            authority_level: AuthorityLevel::parse(&level)
                .ok_or_else(|| StoreError::invalid(format!("unknown authority level `{level}`")))?,
            home_level: home_level(&region),
            required_materials: checklist.iter().map(|m| m.code.clone()).collect(),
            promised_limit: stored_limit(&item_code, "承诺时限", item.get::<i64, _>(7), false)
                .map_err(|e| WorkflowError::invalid(&e))?,
            limit_unit: LimitUnit::parse(&unit)
                .ok_or_else(|| StoreError::invalid(format!("unknown limit unit `{unit}`")))?,
            extension_limit: stored_limit(&item_code, "延期时限", item.get::<i64, _>(13), true)
                .map_err(|e| WorkflowError::invalid(&e))?,
        };
        let default = LightPolicy::default();
        let policy = LightPolicy {
            warn_days: item.get::<Option<i64>, _>(10).map_or(default.warn_days, |v| v.clamp(0, 3650) as u32),
            warn_ratio_percent: item
                .get::<Option<i64>, _>(11)
                .map_or(default.warn_ratio_percent, |v| v.clamp(0, 100) as u32),
        };
        // Whoever may submit the draft may open it: the core says who acts for the unit.
        let helper = self.helper_link(&user.id, &project_id).await?;
        let actor = actor_for(user, helper.as_ref(), &owner_id, Side::Unit);
        let probe = Action::Submit { materials: facts.required_materials.clone() };
        if let Err(e) = decide(&ApplicationState::Draft, &facts, &actor, &probe) {
            if e.kind() == qidi_core::workflow::ErrorKind::Forbidden {
                self.record_denial(user, &region, pending_item_id, "create", &e).await?;
                return Err(WorkflowError::Refused(e));
            }
        }

        let id = new_id();
        let now = now_text();
        let mut tx = self.begin_write().await?;
        let res = sqlx::query(
            "INSERT INTO applications (id, region_code, pending_item_id, project_id, state, version, facts, checklist,
                 light_policy, client_token, created_by, awaiting, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&id)
        .bind(&region)
        .bind(pending_item_id)
        .bind(&project_id)
        .bind(ApplicationState::Draft.as_str())
        .bind(to_json(&facts))
        .bind(to_json(&checklist))
        .bind(to_json(&policy))
        .bind(&token)
        .bind(&user.id)
        .bind(AWAITING_UNIT)
        .bind(&now)
        .execute(&mut *tx)
        .await;
        if let Err(e) = res {
            let e = StoreError::from(e);
            drop(tx);
            if !e.is_unique_violation() {
                return Err(e.into());
            }
            if let Some(t) = &token {
                if let Some(existing) = self.application_by_token(user, t).await? {
                    return Ok(Created { application: existing, created: false });
                }
            }
            return Err(WorkflowError::conflict(Sentence::new(
                "err-workflow-application-open",
                "该事项已有办理中的申请，请在原申请上继续办理",
            )));
        }
        append(
            &mut tx,
            &NewEvent::by(
                user,
                region.clone(),
                "application.create",
                "application",
                Some(id.clone()),
                serde_json::json!({
                    "pending_item_id": pending_item_id,
                    "project_id": project_id,
                    "facts": facts,
                    "checklist": checklist,
                    "helper_for": actor.helper_for,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Created { application: self.application(user, &id).await?, created: true })
    }

    /// The application a client token created, if `user` made it. Another user's
    /// token is a conflict.
    async fn application_by_token(&self, user: &User, token: &str) -> Result<Option<ApplicationRow>, WorkflowError> {
        let row = sqlx::query("SELECT id, created_by FROM applications WHERE client_token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        if row.get::<Option<String>, _>(1).as_deref() != Some(user.id.as_str()) {
            return Err(WorkflowError::conflict(Sentence::new("err-workflow-token-used", "该请求标识已被使用")));
        }
        Ok(Some(self.application(user, &row.get::<String, _>(0)).await?))
    }

    /// Take one step on an application now. See [`Store::act_at`].
    pub async fn act(&self, user: &User, application_id: &str, req: ActRequest) -> Result<ActOutcome, WorkflowError> {
        self.act_at(user, application_id, req, shanghai_now()).await
    }

    /// Take one step, dated `at` (the present, except when importing a history or in
    /// tests). The core decides; the event, the derived row and, for an approval, the
    /// pending item's grant are written in one transaction, and only if nobody moved
    /// the application since it was read.
    ///
    /// For a submission the materials are those uploaded, not what the client claims;
    /// for a resubmission, `replaced` are the materials whose file changed since.
    pub async fn act_at(
        &self,
        user: &User,
        application_id: &str,
        req: ActRequest,
        at: DateTime<FixedOffset>,
    ) -> Result<ActOutcome, WorkflowError> {
        let app = self.application(user, application_id).await?;
        let token = check_token(req.client_token.as_deref())?;
        if let Some(t) = &token {
            if let Some(first) = self.repeated_request(user, &app, t, &req.action).await? {
                return Ok(first);
            }
        }
        // What the law made happen before this step comes first on the record.
        let app = if self.settle_deemed(&app, shanghai_date(&at)).await? {
            self.application(user, application_id).await?
        } else {
            app
        };
        if let Some(expected) = req.expected_version {
            if expected != app.version {
                return Err(stale(app.version));
            }
        }
        let stored = self.stored_facts(application_id).await?;
        let events = self.application_events(application_id).await?;
        let mut view = replay(&events, &stored.facts).map_err(|e| {
            StoreError::invalid(format!("application {application_id}: its record does not replay: {e}"))
        })?;
        let last = view.last_seq.unwrap_or(0);
        if i64::try_from(last).ok() != Some(app.version) {
            // A step landed between reading the row and reading the events.
            return Err(stale(app.version));
        }
        let owner_id = stored.facts.owner_id.clone();
        let helper = self.helper_link(&user.id, &app.project_id).await?;
        let actor = actor_for(user, helper.as_ref(), &owner_id, req.action.side());

        let (action, attachments) = match req.action {
            Action::Submit { .. } | Action::Resubmit { .. } => {
                let files = self.current_files(application_id).await?;
                let materials: Vec<String> = stored
                    .checklist
                    .iter()
                    .filter(|m| files.iter().any(|f| f.material_code == m.code))
                    .map(|m| m.code.clone())
                    .collect();
                let attachments: Vec<String> = files.iter().map(|f| f.stored_name.clone()).collect();
                let action = if matches!(req.action, Action::Submit { .. }) {
                    Action::Submit { materials }
                } else {
                    let before: Vec<String> = view
                        .submissions
                        .last()
                        .and_then(|s| events.iter().find(|e| e.seq == s.seq))
                        .map(|e| e.attachments.clone())
                        .unwrap_or_default();
                    let replaced = files
                        .iter()
                        .filter(|f| !before.contains(&f.stored_name))
                        .map(|f| f.material_code.clone())
                        .filter(|m| materials.contains(m))
                        .collect();
                    Action::Resubmit { materials, replaced }
                };
                (action, attachments)
            }
            other => (other, Vec::new()),
        };
        let seq = last + 1;
        let mut event = ApplicationEvent::new(seq, at, &user.id, actor, action);
        event.reason = req.reason.map(|r| r.trim().chars().take(2000).collect::<String>()).filter(|r| !r.is_empty());
        event.attachments = attachments;
        let warnings = match &event.action {
            Action::Submit { materials } | Action::Resubmit { materials, .. } => {
                let unmet = self.unmet_prerequisites(application_id).await?;
                Some(SubmissionWarnings::of(&stored.facts, materials, unmet))
            }
            _ => None,
        };
        if let Err(e) = view.apply(&event, &stored.facts) {
            self.record_denial(user, &app.region_code, application_id, event.action.as_str(), &e).await?;
            return Err(WorkflowError::Refused(e));
        }
        let action = event.action.clone();
        let step = Step { app: &app, stored: &stored, view: &view, event, user: Some(user), token: token.as_deref() };
        let Some(event) = self.write_step(step).await? else {
            if let Some(t) = &token {
                if let Some(first) = self.repeated_request(user, &app, t, &action).await? {
                    return Ok(first);
                }
            }
            return Err(stale(app.version));
        };
        let notice = view.notices.last().filter(|n| n.seq == seq);
        Ok(ActOutcome {
            application: self.application(user, application_id).await?,
            seq,
            version: i64::try_from(seq).unwrap_or(i64::MAX),
            repeated: false,
            breaks_one_time_rule: notice.is_some_and(|n| n.breaks_one_time_rule()),
            after_notice_limit: notice.is_some_and(|n| n.after_notice_limit()),
            notice_number: match &event.action {
                Action::Return { notice } => notice.number.clone(),
                _ => None,
            },
            warnings: warnings.map(|w| NamedWarnings::of(&w, &stored.checklist)),
        })
    }

    /// Put a forbidden attempt on the record (SECURITY.md: denials are audited).
    /// Conflicts and invalid input are the user's to fix and are not recorded.
    async fn record_denial(
        &self,
        user: &User,
        region: &str,
        object_id: &str,
        action: &str,
        e: &TransitionError,
    ) -> Result<(), StoreError> {
        if e.kind() != qidi_core::workflow::ErrorKind::Forbidden {
            return Ok(());
        }
        self.append_event(&NewEvent {
            region_code: region.to_string(),
            actor_id: Some(user.id.clone()),
            actor_role: Some(user.role.as_str().into()),
            action: format!("application.{action}"),
            object_type: if action == "create" { "pending_item" } else { "application" }.into(),
            object_id: Some(object_id.to_string()),
            outcome: "denied".into(),
            payload: serde_json::json!({ "code": e.code(), "message": e.to_string() }),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    /// The first result of a request made with `token`, if there was one.
    async fn repeated_request(
        &self,
        user: &User,
        app: &ApplicationRow,
        token: &str,
        action: &Action,
    ) -> Result<Option<ActOutcome>, WorkflowError> {
        let row = sqlx::query(
            "SELECT application_id, user_id, action, seq, version FROM application_requests WHERE client_token = $1",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (app_id, user_id, tag): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        if app_id != app.id || user_id != user.id || tag != action.as_str() {
            return Err(WorkflowError::conflict(Sentence::new(
                "err-workflow-token-other-action",
                "该请求标识已用于另一项操作",
            )));
        }
        Ok(Some(ActOutcome {
            application: self.application(user, &app.id).await?,
            seq: u64::try_from(row.get::<i64, _>(3)).unwrap_or(0),
            version: row.get(4),
            repeated: true,
            breaks_one_time_rule: false,
            after_notice_limit: false,
            notice_number: None,
            warnings: None,
        }))
    }

    /// Replay an application's record and check it against the derived row.
    pub async fn application_view(&self, user: &User, id: &str) -> Result<ApplicationView, WorkflowError> {
        self.application(user, id).await?;
        let stored = self.stored_facts(id).await?;
        let events = self.application_events(id).await?;
        replay(&events, &stored.facts)
            .map_err(|e| WorkflowError::Store(StoreError::invalid(format!("application {id}: {e}"))))
    }
}

impl Store {
    /// Names of the application's prerequisite item types that its project still has
    /// pending (a prerequisite the project never needed, or was granted, is met).
    pub(crate) async fn unmet_prerequisites(&self, application_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.prerequisites, t2.code, t2.name
             FROM applications a
             JOIN pending_items i ON i.id = a.pending_item_id
             JOIN item_types t ON t.id = i.item_type_id
             JOIN pending_items i2 ON i2.project_id = i.project_id AND i2.status = 'pending' AND i2.id <> i.id
             JOIN item_types t2 ON t2.id = i2.item_type_id
             WHERE a.id = $1
             ORDER BY t2.code",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter(|r| {
                let required: Vec<String> = serde_json::from_str(&r.get::<String, _>(0)).unwrap_or_default();
                required.contains(&r.get::<String, _>(1))
            })
            .map(|r| r.get::<String, _>(2))
            .collect())
    }
}

fn stale(version: i64) -> WorkflowError {
    WorkflowError::conflict(
        Sentence::new("err-workflow-stale", format!("申请已被他人办理（当前版本 {version}），请刷新后再试"))
            .arg("version", version),
    )
}

/// The derived columns after a step.
pub(crate) struct Derived {
    pub deadline: Deadline,
    pub clock_kind: Option<&'static str>,
    pub awaiting: Option<&'static str>,
}

impl Derived {
    pub(crate) fn of(
        view: &ApplicationView,
        stored: &Stored,
        calendar: &qidi_core::calendar::WorkCalendar,
    ) -> Result<Derived, WorkflowError> {
        let clock = running_clock(view);
        let deadline = match &clock {
            Some(c) => {
                let pauses: Vec<ClockPause> =
                    c.pauses.iter().map(|(from, to)| ClockPause { from: *from, to: *to }).collect();
                calendar
                    .compute_deadline(c.started_on, c.limit, c.unit, &pauses, &stored.policy)
                    .map_err(|e| WorkflowError::invalid(&e))?
            }
            None => Deadline { due_on: None, warn_on: None, provisional: false, paused_since: None },
        };
        let awaiting = if view.state.is_terminal() {
            None
        } else if clock.is_some() {
            Some(AWAITING_DEPARTMENT)
        } else if view.state == ApplicationState::Forwarded {
            Some(AWAITING_HIGHER)
        } else {
            Some(AWAITING_UNIT)
        };
        Ok(Derived { deadline, clock_kind: clock.map(|c| c.kind.as_str()), awaiting })
    }
}

/// A stored JSON column; serialising these types cannot fail.
pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}
