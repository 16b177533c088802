//! The ledger pages (台账): a department's check lists, sign-off, baseline and progress;
//! the banner ledger; spreadsheet import (dry run, then confirm) and export.
//!
//! Handlers translate: who may do what is `qidi_core::ledger`'s, what is stored is the
//! store's. What a user may not see is 404; what a user may see but not do is 403.

use crate::auth::{ApiUser, PageUser};
use crate::error::{in_place, render, ApiError, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use qidi_core::ledger::{
    check_change_confirmation, check_signature, may_answer, may_export, may_import, may_propose_removal, short_hash,
    AnswerState, BaselineFilter, BaselineFilterError, BaselineQuery, BaselineSort, BurnDown, Capacity, ChangeKind,
    CheckAnswer, Decision, LedgerKind, LedgerNow, Progress, RemovalKind, RemovalReason, SignRequest, SignatureState,
    REMOVAL_REASONS,
};
use qidi_core::role::ScopeLimit;
use qidi_core::{Role, Scope};
use qidi_office::{ExportSheets, LedgerWriter};
use qidi_store::baseline::{
    BaselineRow, CampaignRow, CheckRow, DepartmentProgress, DepartmentRef, LedgerState, NewPendingItem, NewRemoval,
    ProgressReport, RemovalRow, SignatureView,
};
use qidi_store::users::User;
use qidi_store::StoreError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The ledger routes, merged into the application router.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .merge(crate::ledger_import::routes())
        .route("/api/v1/ledger/progress", get(progress_json))
        .route("/ledger", get(index))
        .route("/ledger/banner", get(banner))
        .route("/ledger/banner/sign", post(sign_banner))
        .route("/ledger/campaign", post(set_campaign_end))
        .route("/ledger/departments/{code}", get(department))
        .route("/ledger/departments/{code}/push", post(push))
        .route("/ledger/departments/{code}/sign", post(sign_department))
        .route("/ledger/departments/{code}/changes/sign", post(confirm_changes))
        .route("/ledger/items/{id}/answer", post(answer))
        .route("/ledger/removals", post(propose_removal))
        .route("/ledger/removals/{id}/decide", post(decide_removal))
        .route("/ledger/export", get(export))
        .route("/projects/{id}/items", post(add_item))
}

/// The largest spreadsheet the web page takes; bigger ledgers go through `qidi import ledger`.
pub(crate) const MAX_LEDGER_UPLOAD: usize = 20 << 20;

pub(crate) fn forbidden(message: &str) -> PageError {
    PageError::Status(StatusCode::FORBIDDEN, message.to_string())
}

pub(crate) fn unprocessable(message: impl Into<String>) -> PageError {
    PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, message.into())
}

/// Labels as one list: `A、B` in Chinese, `A, B` in English.
pub(crate) fn joined(labels: impl IntoIterator<Item = String>) -> String {
    labels.into_iter().collect::<Vec<_>>().join(&crate::i18n::t("ledger-list-separator"))
}

/// A date typed in a form as `YYYY-MM-DD`; a bad one names its `field` (as shown).
fn form_date(text: &str, field: &str) -> Result<NaiveDate, PageError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| unprocessable(crate::i18n::t1("ledger-error-date-format", "field", field)))
}

/// Like [`form_date`], where an empty field means no date.
fn optional_form_date(text: &str, field: &str) -> Result<Option<NaiveDate>, PageError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        form_date(text, field).map(Some)
    }
}

/// The inspector changes nothing in the ledger. (What a leader may do — sign, and no
/// more — the core rules of each action decide.) Shared by the pages and the API.
pub(crate) fn read_only_refusal(user: &User) -> Option<&'static str> {
    qidi_core::ledger::read_only_refusal(user.role)
}

pub(crate) fn not_read_only(user: &User) -> Result<(), PageError> {
    read_only_refusal(user).map_or(Ok(()), |_| Err(forbidden(&crate::i18n::t("ledger-error-read-only"))))
}

/// The department `code`, if this user may see its ledger: region-wide roles see every
/// department; a department's staff see their own; anyone else gets not found.
pub(crate) async fn visible_department(
    state: &SharedState,
    user: &User,
    code: &str,
) -> Result<DepartmentRef, StoreError> {
    let missing = || StoreError::NotFound(format!("部门“{code}”不存在，或您无权查看"));
    let dept = state.store.department_by_code(&user.region(), code).await?.ok_or_else(missing)?;
    match user.scope().limit {
        ScopeLimit::Region => Ok(dept),
        ScopeLimit::Department(d) if d == dept.id => Ok(dept),
        _ => Err(missing()),
    }
}

/// Whether `user` may sign a department ledger in `capacity` (their own role's); if not,
/// the refusal in the request's language.
pub(crate) fn department_signer(user: &User, capacity: Capacity) -> Result<(), String> {
    if !LedgerKind::Department.capacities().contains(&capacity) || capacity.role() != user.role {
        return Err(crate::i18n::t("ledger-error-department-signer"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// View models
// ---------------------------------------------------------------------------

pub(crate) struct CampaignView {
    pub(crate) name: String,
    pub(crate) starts_on: String,
    pub(crate) ends_on: String,
    /// (date, label, state label, lamp class), the state from the record; empty where
    /// the page shows no milestones (`facts` not read).
    pub(crate) milestones: Vec<(String, String, String, &'static str)>,
}

impl CampaignView {
    pub(crate) fn of(c: &CampaignRow, facts: Option<&qidi_core::campaign::CampaignFacts>) -> Self {
        let today = qidi_store::today();
        CampaignView {
            name: c.campaign.name.clone(),
            starts_on: c.campaign.starts_on.to_string(),
            ends_on: c.campaign.ends_on.to_string(),
            milestones: c
                .campaign
                .milestones
                .iter()
                .filter_map(|m| Some((m, facts?)))
                .map(|(m, facts)| {
                    let state = m.state(facts, today);
                    (
                        m.on.to_string(),
                        m.label.clone(),
                        crate::organisation::milestone_state_label(state),
                        state.class(),
                    )
                })
                .collect(),
        }
    }
}

struct ProgressRow {
    code: String,
    name: String,
    baseline: u64,
    additions: u64,
    approved: u64,
    removed: u64,
    remaining: u64,
    percent: u64,
}

impl ProgressRow {
    fn of(code: &str, name: &str, p: &Progress) -> Self {
        ProgressRow {
            code: code.to_string(),
            name: name.to_string(),
            baseline: p.baseline,
            additions: p.additions,
            approved: p.approved,
            removed: p.removed,
            remaining: p.remaining,
            percent: p.percent_done(),
        }
    }
    fn rows(list: &[DepartmentProgress]) -> Vec<ProgressRow> {
        list.iter().map(|d| ProgressRow::of(&d.department.code, &d.department.name, &d.progress)).collect()
    }
}

struct SigRow {
    capacity: String,
    signer: String,
    signed_at: String,
    state: String,
    state_class: &'static str,
    /// Check results missing when it was given (the signer confirmed), 0 if none.
    missing_checks: i64,
}

impl SigRow {
    fn of(g: &SignatureView) -> Self {
        let state = match g.state {
            SignatureState::Matches => "matches",
            SignatureState::ChangesPending => "changes_pending",
            SignatureState::Outdated => "outdated",
            SignatureState::Broken => "broken",
        };
        SigRow {
            capacity: crate::i18n::tc("capacity", g.capacity.as_str()),
            signer: g.signer_name.clone(),
            signed_at: g.signed_at.chars().take(16).collect::<String>().replace('T', " "),
            state: crate::i18n::tc("signature-state", state),
            state_class: match g.state {
                SignatureState::Matches => "ok",
                SignatureState::ChangesPending => "pending",
                SignatureState::Outdated => "stale",
                SignatureState::Broken => "broken",
            },
            missing_checks: g.missing_checks,
        }
    }
}

struct VersionRow {
    hash: String,
    short: String,
    items: i64,
    fully_signed: bool,
    in_force: bool,
    signatures: Vec<SigRow>,
}

/// What the signatories of a fixed department ledger signed, as it stands.
struct SignedView {
    short: String,
    hash: String,
    items: u64,
    reduced: u64,
    remaining: u64,
    confirmed_change_sets: u64,
}

/// One change to the signed content awaiting confirmation: (label, before, after) per field.
struct ChangeRow {
    kind: String,
    kind_class: &'static str,
    project_code: String,
    project_name: String,
    item_type: String,
    fields: Vec<(String, String, String)>,
    missing_check: bool,
}

/// The change set that confirms the pending changes.
struct PendingView {
    hash: String,
    short: String,
    changes: u64,
    /// The capacities that confirmed it, as one list.
    signed: String,
    missing_checks: u64,
}

struct ChangeSetRow {
    short: String,
    hash: String,
    changes: i64,
    confirmed: bool,
    signatures: Vec<SigRow>,
}

struct LedgerView {
    hash: String,
    short: String,
    items: u64,
    locked: bool,
    /// The capacities that signed the current content, as one list.
    signed_now: String,
    versions: Vec<VersionRow>,
    /// Capacities this user may sign the current content in: (value, label).
    can_sign: Vec<(&'static str, String)>,
    parts: Vec<(String, String, u64)>,
    /// Pending items whose check report is missing (shown before signing, confirmed).
    missing_checks: u64,
    signed: Option<SignedView>,
    /// The pending changes the store listed (the first [`CHANGES_LISTED`] on a
    /// department's page); the export holds the whole ledger.
    changes: Vec<ChangeRow>,
    changes_total: usize,
    change_set: Option<PendingView>,
    /// Capacities this user may confirm the pending change set in: (value, the button's text).
    can_confirm: Vec<(&'static str, String)>,
    change_sets: Vec<ChangeSetRow>,
}

/// A value of a ledger line as people read it: department codes by name, absent as empty.
fn shown(field: &str, value: &Option<String>, departments: &BTreeMap<String, String>) -> String {
    match value {
        None => crate::i18n::t("ledger-empty-value"),
        Some(v) if v.trim().is_empty() => crate::i18n::t("ledger-empty-value"),
        Some(v) if matches!(field, "initiating_department" | "handling_department") => {
            departments.get(v).cloned().unwrap_or_else(|| v.clone())
        }
        Some(v) => v.clone(),
    }
}

impl LedgerView {
    /// `departments` names department codes (for the changes' department fields).
    fn of(s: &LedgerState, user: &User, ledger_dept_id: Option<&str>, departments: &BTreeMap<String, String>) -> Self {
        // Who may sign what is core's: each capacity asked as the user would sign it.
        // The hash is the one shown; whether it is still current the store asks again.
        let request = |capacity: Capacity| SignRequest {
            role: user.role,
            capacity,
            kind: s.kind,
            user_department: user.department_id.as_deref(),
            ledger_department: ledger_dept_id,
            seen_hash: "",
            missing_checks_confirmed: true,
        };
        let now = LedgerNow {
            hash: "",
            items: s.items,
            signed: &s.signed_now,
            fixed: s.locked,
            missing_checks: s.missing_checks,
        };
        let can_sign = s
            .kind
            .capacities()
            .iter()
            .copied()
            .filter(|c| check_signature(&request(*c), &now).is_ok())
            .map(|c| (c.as_str(), crate::i18n::tc("capacity", c.as_str())))
            .collect();
        let can_confirm = match &s.change_set {
            Some(set) => {
                let now = LedgerNow {
                    hash: "",
                    items: set.changes,
                    signed: &set.signed,
                    fixed: s.signed.is_some(),
                    missing_checks: set.missing_checks,
                };
                s.kind
                    .capacities()
                    .iter()
                    .copied()
                    .filter(|c| check_change_confirmation(&request(*c), &now).is_ok())
                    .map(|c| {
                        let button = crate::i18n::tn(
                            "ledger-confirm-as",
                            &[
                                ("capacity", &crate::i18n::tc("capacity", c.as_str())),
                                ("n", &set.changes),
                                ("hash", &short_hash(&set.hash)),
                            ],
                        );
                        (c.as_str(), button)
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        LedgerView {
            hash: s.current_hash.clone(),
            short: short_hash(&s.current_hash).to_string(),
            items: s.items,
            locked: s.locked,
            signed_now: joined(s.signed_now.iter().map(|c| crate::i18n::tc("capacity", c.as_str()))),
            versions: s
                .versions
                .iter()
                .map(|v| VersionRow {
                    hash: v.content_hash.clone(),
                    short: short_hash(&v.content_hash).to_string(),
                    items: v.items,
                    fully_signed: v.fully_signed,
                    in_force: v.in_force,
                    signatures: v.signatures.iter().map(SigRow::of).collect(),
                })
                .collect(),
            can_sign,
            parts: s
                .parts
                .iter()
                .map(|p| (p.department.clone(), short_hash(&p.content_hash).to_string(), p.items))
                .collect(),
            missing_checks: s.missing_checks,
            signed: s.signed.as_ref().map(|c| SignedView {
                short: short_hash(&c.version_hash).to_string(),
                hash: c.version_hash.clone(),
                items: c.items,
                reduced: c.reduced,
                remaining: c.items - c.reduced.min(c.items),
                confirmed_change_sets: c.confirmed_change_sets,
            }),
            changes_total: s.changes_total as usize,
            changes: s
                .changes
                .iter()
                .map(|c| ChangeRow {
                    kind: crate::i18n::tc("change-kind", c.kind.as_str()),
                    kind_class: c.kind.as_str(),
                    project_code: c.project_code.clone(),
                    project_name: c.project_name.clone(),
                    item_type: c.item_type_name.clone(),
                    // An added or dropped line is shown by its own values: the
                    // project's are in the row already.
                    fields: c
                        .fields
                        .iter()
                        .filter(|f| {
                            c.kind == ChangeKind::Changed
                                || !matches!(f.field, "project_name" | "owner" | "initiating_department")
                        })
                        .map(|f| {
                            (
                                crate::i18n::tc("ledger-field", f.field),
                                shown(f.field, &f.before, departments),
                                shown(f.field, &f.after, departments),
                            )
                        })
                        .collect(),
                    missing_check: c.missing_check,
                })
                .collect(),
            change_set: s.change_set.as_ref().map(|p| PendingView {
                hash: p.hash.clone(),
                short: short_hash(&p.hash).to_string(),
                changes: p.changes,
                signed: joined(p.signed.iter().map(|c| crate::i18n::tc("capacity", c.as_str()))),
                missing_checks: p.missing_checks,
            }),
            can_confirm,
            change_sets: s
                .change_sets
                .iter()
                .map(|c| ChangeSetRow {
                    short: short_hash(&c.content_hash).to_string(),
                    hash: c.content_hash.clone(),
                    changes: c.changes,
                    confirmed: c.confirmed,
                    signatures: c.signatures.iter().map(SigRow::of).collect(),
                })
                .collect(),
        }
    }
}

struct CheckRowView {
    item_id: String,
    project_code: String,
    project_name: String,
    item_type: String,
    initiating: String,
    handling: String,
    answer_due_on: String,
    state: String,
    state_class: &'static str,
    answer: AnswerState,
    answered: bool,
    check_result: String,
    responsible_person: String,
    acceptance_status: String,
    due_on: String,
    /// Why the answer just sent for this row was refused (the values above are then the
    /// ones typed).
    error: Option<String>,
}

/// The glossary's name of a check-list row's state (`answer-state-…` labels it).
fn answer_state_code(state: AnswerState) -> &'static str {
    match state {
        AnswerState::Answered => "answered",
        AnswerState::Missing => "missing",
        AnswerState::Overdue => "overdue",
    }
}

impl CheckRowView {
    fn of(r: &CheckRow, today: NaiveDate) -> Self {
        let st = AnswerState::of(r.answered_at.is_some(), r.answer_due_on, today);
        CheckRowView {
            item_id: r.pending_item_id.clone(),
            project_code: r.project_code.clone(),
            project_name: r.project_name.clone(),
            item_type: r.item_type.clone(),
            initiating: r.initiating_department.clone(),
            handling: r.handling_department.clone(),
            answer_due_on: r.answer_due_on.to_string(),
            state: crate::i18n::tc("answer-state", answer_state_code(st)),
            state_class: match st {
                AnswerState::Answered => "ok",
                AnswerState::Missing => "missing",
                AnswerState::Overdue => "overdue",
            },
            answer: st,
            answered: st == AnswerState::Answered,
            check_result: r.check_result.clone().unwrap_or_default(),
            responsible_person: r.responsible_person.clone().unwrap_or_default(),
            acceptance_status: r.acceptance_status.clone().unwrap_or_default(),
            due_on: r.due_on.clone().unwrap_or_default(),
            error: None,
        }
    }
}

/// One pushed list, as the initiating department sees it.
struct ListSummary {
    handling: String,
    due_on: String,
    items: usize,
    answered: usize,
    missing: usize,
    overdue: usize,
}

struct BaselineView {
    project_id: String,
    item_id: String,
    project_code: String,
    project_name: String,
    item_type: String,
    handling: String,
    addition: bool,
    status: String,
    reduced: bool,
}

impl BaselineView {
    fn of(b: &BaselineRow) -> Self {
        let status = match (b.reduction, &b.reduced_on) {
            (Some(r), on) => {
                let reason = b
                    .reason
                    .map(|x| {
                        let label = crate::i18n::tc("removal-reason", x.as_str());
                        let text = b.reason_text.clone().unwrap_or_default();
                        crate::i18n::t2("ledger-reduction-reason", "reason", label, "text", text)
                    })
                    .unwrap_or_default();
                format!("{} {}{}", crate::i18n::tc("reduction", r.as_str()), on.clone().unwrap_or_default(), reason)
            }
            (None, _) => crate::i18n::t("ledger-baseline-open"),
        };
        BaselineView {
            project_id: b.project_id.clone(),
            item_id: b.pending_item_id.clone(),
            project_code: b.project_code.clone(),
            project_name: b.project_name.clone(),
            item_type: b.item_type.clone(),
            handling: b.handling_department.clone(),
            addition: b.is_addition,
            status,
            reduced: b.reduction.is_some(),
        }
    }
}

struct RemovalView {
    id: String,
    kind: String,
    project_code: String,
    project_name: String,
    in_library: bool,
    item_type: String,
    reason: String,
    reason_text: String,
    proposed_at: String,
    decision: String,
    proposed: bool,
    decided_at: String,
    decision_note: String,
}

impl RemovalView {
    fn of(r: &RemovalRow) -> Self {
        RemovalView {
            id: r.id.clone(),
            kind: crate::i18n::tc("removal-kind", r.kind.as_str()),
            project_code: r.project_code.clone(),
            project_name: r.project_name.clone(),
            in_library: r.in_library,
            item_type: r.item_type.clone().unwrap_or_default(),
            reason: crate::i18n::tc("removal-reason", r.reason.as_str()),
            reason_text: r.reason_text.clone(),
            proposed_at: r.proposed_at.chars().take(10).collect(),
            decision: crate::i18n::tc("removal-decision", r.decision.as_str()),
            proposed: r.decision == Decision::Proposed,
            decided_at: r.decided_at.clone().map(|d| d.chars().take(10).collect()).unwrap_or_default(),
            decision_note: r.decision_note.clone().unwrap_or_default(),
        }
    }
}

fn reasons() -> Vec<(&'static str, String)> {
    REMOVAL_REASONS.iter().map(|r| (r.as_str(), crate::i18n::tc("removal-reason", r.as_str()))).collect()
}

// ---------------------------------------------------------------------------
// The burn-down chart: inline SVG with presentation attributes only (the CSP
// forbids inline styles and scripts).
// ---------------------------------------------------------------------------

pub(crate) struct Label {
    pub(crate) x: String,
    pub(crate) y: String,
    pub(crate) text: String,
    pub(crate) anchor: &'static str,
}

pub(crate) struct Chart {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) left: String,
    pub(crate) right: String,
    pub(crate) top: String,
    pub(crate) bottom: String,
    pub(crate) ideal: String,
    pub(crate) actual: String,
    pub(crate) x_labels: Vec<Label>,
    pub(crate) y_labels: Vec<Label>,
    pub(crate) milestones: Vec<Label>,
    pub(crate) summary: String,
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

impl Chart {
    pub(crate) fn of(b: &BurnDown, c: &CampaignRow) -> Chart {
        let (width, height) = (720u32, 280u32);
        let (left, right, top, bottom) = (48.0, width as f64 - 16.0, 16.0, height as f64 - 44.0);
        let axis_end = b.axis_end();
        let span = (axis_end - b.start).num_days().max(1) as f64;
        let max = b.actual.iter().map(|p| p.1).max().unwrap_or(0).max(b.initial).max(1);
        let x = |d: NaiveDate| left + ((d - b.start).num_days() as f64 / span).clamp(0.0, 1.0) * (right - left);
        let y = |v: f64| bottom - (v / max as f64) * (bottom - top);
        // The ideal line: from the start to zero at the campaign's end, then along zero.
        let mut ideal = vec![format!("{},{}", f1(x(b.start)), f1(y(b.ideal(b.start))))];
        if b.end > b.start {
            ideal.push(format!("{},{}", f1(x(b.end)), f1(y(0.0))));
        }
        ideal.push(format!("{},{}", f1(x(axis_end)), f1(y(0.0))));
        let mut pts: Vec<String> = Vec::new();
        let mut prev: Option<f64> = None;
        for (d, v) in &b.actual {
            let (px, py) = (x(*d), y(*v as f64));
            if let Some(py0) = prev {
                pts.push(format!("{},{}", f1(px), f1(py0)));
            }
            pts.push(format!("{},{}", f1(px), f1(py)));
            prev = Some(py);
        }
        let mut ticks = vec![0, max / 2, max];
        ticks.dedup();
        let y_labels = ticks
            .iter()
            .map(|v| Label { x: f1(left - 6.0), y: f1(y(*v as f64) + 4.0), text: v.to_string(), anchor: "end" })
            .collect();
        let mut days = vec![b.start, b.end.max(b.start), axis_end];
        days.dedup();
        let n = days.len();
        let x_labels = days
            .iter()
            .enumerate()
            .map(|(i, d)| Label {
                x: f1(x(*d)),
                y: f1(bottom + 16.0),
                text: d.format("%Y-%m-%d").to_string(),
                anchor: if i == 0 {
                    "start"
                } else if i + 1 == n {
                    "end"
                } else {
                    "middle"
                },
            })
            .collect();
        let milestones = c
            .campaign
            .milestones
            .iter()
            .filter(|m| m.on > b.start && m.on < axis_end)
            .map(|m| Label {
                x: f1(x(m.on)),
                y: f1(bottom + 32.0),
                text: m.on.format("%m-%d").to_string(),
                anchor: "middle",
            })
            .collect();
        let (last_day, last) = b.actual.last().copied().unwrap_or((b.start, 0));
        let summary = crate::i18n::tn(
            "ledger-burndown-summary",
            &[
                ("start", &b.start.to_string()),
                ("initial", &b.initial),
                ("day", &last_day.to_string()),
                ("left", &last),
                ("ideal", &format!("{:.0}", b.ideal(last_day))),
                ("end", &b.end.to_string()),
                ("behind", &if b.behind() { "yes" } else { "no" }),
            ],
        );
        Chart {
            width,
            height,
            left: f1(left),
            right: f1(right),
            top: f1(top),
            bottom: f1(bottom),
            ideal: ideal.join(" "),
            actual: pts.join(" "),
            x_labels,
            y_labels,
            milestones,
            summary,
        }
    }
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

pub async fn index(PageUser(user): PageUser, State(state): State<SharedState>) -> Result<Response, PageError> {
    match user.scope().limit {
        ScopeLimit::Region => Ok(Redirect::to("/ledger/banner").into_response()),
        ScopeLimit::Department(d) => {
            let code = state
                .store
                .departments(&user.region())
                .await?
                .into_iter()
                .find(|x| x.id == d)
                .map(|x| x.code)
                .ok_or_else(PageError::not_found)?;
            Ok(Redirect::to(&format!("/ledger/departments/{code}")).into_response())
        }
        _ => Err(PageError::not_found()),
    }
}

#[derive(Template)]
#[template(path = "ledger_department.html")]
struct DepartmentPage<'a> {
    user: &'a User,
    dept: DepartmentRef,
    campaign: CampaignView,
    ledger: LedgerView,
    lists: Vec<ListSummary>,
    missing: Vec<CheckRowView>,
    to_answer: Vec<CheckRowView>,
    can_push: bool,
    can_answer: bool,
    can_propose: bool,
    can_decide: bool,
    can_import: bool,
    progress: Vec<ProgressRow>,
    chart: Chart,
    baseline: Vec<BaselineView>,
    baseline_pager: Pager,
    baseline_form: BaselineForm,
    projects: Vec<(String, String, String)>,
    /// The removal form lists only the first [`PROJECTS_LISTED`] projects.
    projects_capped: bool,
    removals: Vec<RemovalView>,
    reasons: Vec<(&'static str, String)>,
    default_due: String,
    region_wide: bool,
    sign_action: String,
    changes_action: String,
    /// Open supervision orders the department answers for.
    supervision_orders: Vec<qidi_store::supervision::SupervisionOrder>,
    /// A refusal of the push, or of an answer whose row is not listed, above the lists.
    checklists_error: Option<String>,
    /// The item reduction form (`#reduce-item`) as typed, when it was refused.
    reduce_form: KeptRemoval,
    /// The project removal form (`#propose-removal`) as typed, when it was refused.
    removal_form: KeptRemoval,
}

/// A form on the department page that was refused: the page is shown again with the
/// refusal beside the form and what was typed still in it.
#[derive(Default)]
struct Kept {
    answer: Option<KeptAnswer>,
    /// The push form: the sentence and the date typed.
    push: Option<(String, String)>,
    reduce: KeptRemoval,
    removal: KeptRemoval,
}

/// A check-list answer as typed, and why it was refused.
struct KeptAnswer {
    item_id: String,
    message: String,
    check_result: String,
    responsible_person: String,
    acceptance_status: String,
    due_on: String,
}

/// A removal proposal as typed (empty when nothing was refused), and why it was refused.
#[derive(Default)]
struct KeptRemoval {
    project_id: String,
    item_id: String,
    reason: String,
    text: String,
    error: Option<String>,
}

/// Baseline rows on one page of a department's ledger.
const BASELINE_PAGE: i64 = 200;
/// Projects offered in the removal form; past it the page says the list is cut.
pub(crate) const PROJECTS_LISTED: i64 = 2000;
/// The pending changes a department page lists: a bulk import into a fixed ledger makes
/// as many changes as it adds items, and the page listed 200,000 of them (81 MB).
pub(crate) const CHANGES_LISTED: usize = 200;

/// Where a paged table stands: its page, how many pages, how many rows in all.
struct Pager {
    page: i64,
    pages: i64,
    total: u64,
}

impl Pager {
    fn of(page: i64, total: u64, per_page: i64) -> Pager {
        let per_page = u64::try_from(per_page.max(1)).unwrap_or(1);
        let pages = i64::try_from(total.div_ceil(per_page)).unwrap_or(i64::MAX);
        Pager { page, pages: pages.max(1), total }
    }

    /// “Page 2 of 5, 812 items in all”.
    fn summary(&self) -> String {
        crate::i18n::tn(
            "ledger-baseline-pages",
            &[("page", &self.page), ("pages", &self.pages), ("total", &self.total)],
        )
    }
}

/// The baseline table's GET form (`#baseline`): the values as typed, what each select
/// offers, and where the table stands.
struct BaselineForm {
    status: String,
    item_type: String,
    handling: String,
    source: String,
    q: String,
    sort: String,
    /// (id, name) of the item types in the department's baseline.
    item_types: Vec<(String, String)>,
    /// (id, name) of the handling departments in an initiating department's baseline;
    /// empty (and no select) otherwise.
    handlings: Vec<(String, String)>,
    /// (value, label) of each order.
    sorts: Vec<(&'static str, String)>,
    /// The filters as a query string without the page, `&`-ended when not empty, for
    /// the pager's links.
    keep: String,
    /// The whole view (filters and page) as a query string, empty if none: the page's
    /// forms post with it, so that a refusal, or the page after a step, shows the same
    /// rows.
    view: String,
    /// Whether a filter narrows the rows (an empty table says so).
    narrowed: bool,
    /// "n of total": the rows the filters keep, of the department's baseline.
    count: String,
    /// A value that could not be read, in the page's language.
    error: Option<String>,
}

impl BaselineForm {
    fn of(query: &BaselineQuery, error: Option<&BaselineFilterError>) -> BaselineForm {
        let typed = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
        // The pager keeps what was read, not a value that was refused.
        let kept = match error {
            None => BaselineQuery { baseline_page: None, ..query.clone() },
            Some(_) => BaselineQuery::default(),
        };
        let keep = serde_urlencoded::to_string(&kept).unwrap_or_default();
        let view = match error {
            None => serde_urlencoded::to_string(query).unwrap_or_default(),
            Some(_) => String::new(),
        };
        BaselineForm {
            view,
            status: typed(&query.status),
            item_type: typed(&query.item_type),
            handling: typed(&query.handling),
            source: typed(&query.source),
            q: typed(&query.q),
            sort: typed(&query.sort),
            item_types: Vec::new(),
            handlings: Vec::new(),
            sorts: BaselineSort::ALL
                .iter()
                .map(|s| (s.as_str(), crate::i18n::tc("ledger-baseline-filter-sort", s.as_str())))
                .collect(),
            keep: if keep.is_empty() { keep } else { format!("{keep}&") },
            narrowed: false,
            count: String::new(),
            error: error.map(|e| {
                crate::i18n::t2(
                    "ledger-baseline-filter-error",
                    "field",
                    crate::i18n::tc("ledger-baseline-filter-field", e.field.as_str()),
                    "value",
                    e.value.as_str(),
                )
            }),
        }
    }
}

pub async fn department(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(query): Query<BaselineQuery>,
) -> Result<Response, PageError> {
    let dept = visible_department(&state, &user, &code).await?;
    department_page(&state, &user, dept, &query, Kept::default(), StatusCode::OK).await
}

/// The department page of `dept`, with a refused form's sentence and values `kept`, as
/// `status`.
async fn department_page(
    state: &SharedState,
    user: &User,
    dept: DepartmentRef,
    query: &BaselineQuery,
    kept: Kept,
    status: StatusCode,
) -> Result<Response, PageError> {
    let region = user.region();
    let store = &state.store;
    let campaign = store.campaign(&region).await?;
    let ledger = store.ledger_state_listing(&region, Some(&dept.id), CHANGES_LISTED).await?;
    let rows = store.check_rows(&region, &dept.id).await?;
    let today = qidi_store::today();
    let mut lists: Vec<ListSummary> = Vec::new();
    let mut missing = Vec::new();
    let mut to_answer = Vec::new();
    let mut checklists_error = kept.push.as_ref().map(|(m, _)| m.clone());
    let mut kept_answer = kept.answer;
    for r in &rows {
        let mut v = CheckRowView::of(r, today);
        if r.handling_department_id == dept.id {
            if let Some(k) = kept_answer.take_if(|k| k.item_id == r.pending_item_id) {
                v.error = Some(crate::i18n::tn(
                    "ledger-answer-refused",
                    &[("project", &r.project_code), ("item", &r.item_type), ("reason", &k.message)],
                ));
                v.check_result = k.check_result;
                v.responsible_person = k.responsible_person;
                v.acceptance_status = k.acceptance_status;
                v.due_on = k.due_on;
            }
        }
        if r.initiating_department_id == dept.id {
            match lists.iter_mut().find(|l| l.handling == r.handling_department) {
                Some(l) => l.items += 1,
                None => lists.push(ListSummary {
                    handling: r.handling_department.clone(),
                    due_on: r.answer_due_on.to_string(),
                    items: 1,
                    answered: 0,
                    missing: 0,
                    overdue: 0,
                }),
            }
            let l = lists.iter_mut().find(|l| l.handling == r.handling_department).expect("just pushed");
            match v.answer {
                AnswerState::Answered => l.answered += 1,
                AnswerState::Overdue => l.overdue += 1,
                AnswerState::Missing => l.missing += 1,
            }
            if !v.answered {
                missing.push(CheckRowView::of(r, today));
            }
        }
        if r.handling_department_id == dept.id {
            to_answer.push(v);
        }
    }
    let report: ProgressReport = store.baseline_progress(&region, Some(&dept.id)).await?;
    let mut progress = Vec::new();
    if let Some(p) = report.by_initiating.iter().find(|p| p.department.id == dept.id) {
        progress.push(ProgressRow::of("ledger", &crate::i18n::t("ledger-progress-own-ledger"), &p.progress));
    }
    if let Some(p) = report.by_handling.iter().find(|p| p.department.id == dept.id) {
        progress.push(ProgressRow::of("handling", &crate::i18n::t("ledger-progress-own-handling"), &p.progress));
    }
    if let Some(k) = kept_answer {
        checklists_error = Some(k.message);
    }
    let chart = Chart::of(&report.burn_down, &report.campaign);
    // A value that cannot be read is named above the table, which shows every row.
    let (filter, filter_error) = match query.filter() {
        Ok(f) => (f, None),
        Err(e) => (BaselineFilter::default(), Some(e)),
    };
    let mut baseline_form = BaselineForm::of(query, filter_error.as_ref());
    let page = i64::from(filter.page);
    let (rows, baseline_total) = store
        .baseline_rows_filtered(&region, Some(&dept.id), &filter, BASELINE_PAGE, (page - 1) * BASELINE_PAGE)
        .await?;
    // Every row of the department's table: the progress report's total, from the same
    // kept groups as an unfiltered count, not counted again.
    let all = report.total.total();
    let (item_types, handlings) = store.baseline_choices(&region, Some(&dept.id)).await?;
    baseline_form.item_types = item_types;
    if dept.initiates {
        baseline_form.handlings = handlings;
    }
    baseline_form.narrowed = filter.narrows();
    baseline_form.count = crate::i18n::t2("ledger-baseline-filter-count", "n", baseline_total, "total", all);
    let baseline = rows.iter().map(BaselineView::of).collect();
    let baseline_pager = Pager::of(page, baseline_total, BASELINE_PAGE);
    let dept_scope = Scope { limit: ScopeLimit::Department(dept.id.clone()), ..user.scope() };
    let listed = store.list_projects(&dept_scope, PROJECTS_LISTED, 0).await?;
    let projects_capped = listed.len() as i64 >= PROJECTS_LISTED;
    // The store pushes the pending items of the department's projects in the library,
    // and refuses when there are none: the form is offered only when there are some (or
    // when the list is cut and that cannot be told here).
    let something_to_push = projects_capped
        || listed.iter().any(|p| {
            p.in_library && p.pending_items > 0 && p.initiating_department_id.as_deref() == Some(dept.id.as_str())
        });
    let projects = listed
        .into_iter()
        .filter(|p| p.in_library && p.initiating_department_id.as_deref() == Some(dept.id.as_str()))
        .map(|p| (p.id, p.code, p.name))
        .collect();
    let removals =
        store.removals(&region, Some(&dept.id), REMOVALS_SHOWN as i64).await?.iter().map(RemovalView::of).collect();
    let own = user.department_id.as_deref() == Some(dept.id.as_str());
    let names: BTreeMap<String, String> =
        store.departments(&region).await?.into_iter().map(|d| (d.code, d.name)).collect();
    let supervision_orders = store.open_orders_of_department(&dept.id, today).await?;
    let default_due = match kept.push {
        Some((_, typed)) => typed,
        None => qidi_core::ledger::check_list_default_due(&*store.work_calendar().await?, today).to_string(),
    };
    let page = DepartmentPage {
        supervision_orders,
        checklists_error,
        reduce_form: kept.reduce,
        removal_form: kept.removal,
        user,
        campaign: CampaignView::of(&campaign, None),
        ledger: LedgerView::of(&ledger, user, Some(&dept.id), &names),
        lists,
        missing,
        to_answer,
        can_push: something_to_push
            && qidi_core::ledger::may_push_check_list(user.role, user.department_id.as_deref(), &dept.id),
        can_answer: may_answer(user.role, user.department_id.as_deref(), &dept.id),
        can_propose: may_propose_removal(user.role).is_ok() && (own || user.role == Role::Office),
        can_decide: qidi_core::ledger::may_decide_removal(user.role),
        can_import: may_import(user.role) && (own || user.role == Role::Office),
        progress,
        chart,
        baseline,
        projects,
        projects_capped,
        baseline_pager,
        baseline_form,
        removals,
        reasons: reasons(),
        default_due,
        region_wide: user.scope().limit == ScopeLimit::Region,
        sign_action: format!("/ledger/departments/{}/sign", dept.code),
        changes_action: format!("/ledger/departments/{}/changes/sign", dept.code),
        dept,
    };
    let mut response = render(&page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "ledger_banner.html")]
struct BannerPage<'a> {
    user: &'a User,
    campaign: CampaignView,
    ledger: LedgerView,
    total: ProgressRow,
    by_initiating: Vec<ProgressRow>,
    by_handling: Vec<ProgressRow>,
    chart: Chart,
    departments: Vec<(String, String, bool, bool)>,
    removals: Vec<RemovalView>,
    can_import: bool,
    can_set_end: bool,
    can_decide: bool,
}

/// The baseline's progress as JSON: banner-wide for region-wide roles, a department's own
/// for its staff; nothing for project units.
pub async fn progress_json(
    ApiUser(user): ApiUser,
    State(state): State<SharedState>,
) -> Result<axum::Json<qidi_store::baseline::ProgressReport>, ApiError> {
    let department = match user.scope().limit {
        ScopeLimit::Region => None,
        ScopeLimit::Department(d) => Some(d),
        ScopeLimit::Owner(_) | ScopeLimit::Nothing => return Err(ApiError::not_found()),
    };
    Ok(axum::Json(state.store.baseline_progress(&user.region(), department.as_deref()).await?))
}

/// Removals a ledger page lists: every one awaiting a decision comes first.
pub(crate) const REMOVALS_SHOWN: usize = 50;

pub async fn banner(PageUser(user): PageUser, State(state): State<SharedState>) -> Result<Response, PageError> {
    if user.scope().limit != ScopeLimit::Region {
        return Err(PageError::not_found());
    }
    let region = user.region();
    let store = &state.store;
    let ledger = store.ledger_state(&region, None).await?;
    let report = store.baseline_progress(&region, None).await?;
    let locked: Vec<String> = ledger.parts.iter().map(|p| p.department.clone()).collect();
    let departments = store
        .departments(&region)
        .await?
        .into_iter()
        .map(|d| {
            let signed = locked.contains(&d.code);
            (d.code, d.name, d.initiates, signed)
        })
        .collect();
    let removals = store.removals(&region, None, REMOVALS_SHOWN as i64).await?.iter().map(RemovalView::of).collect();
    let page = BannerPage {
        user: &user,
        campaign: CampaignView::of(&report.campaign, Some(&store.campaign_facts(&report.campaign).await?)),
        ledger: LedgerView::of(&ledger, &user, None, &BTreeMap::new()),
        total: ProgressRow::of("total", &crate::i18n::t("ledger-progress-total"), &report.total),
        by_initiating: ProgressRow::rows(&report.by_initiating),
        by_handling: ProgressRow::rows(&report.by_handling),
        chart: Chart::of(&report.burn_down, &report.campaign),
        departments,
        removals,
        can_import: may_import(user.role),
        can_set_end: qidi_core::campaign::may_plan(user.role),
        can_decide: qidi_core::ledger::may_decide_removal(user.role),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

fn back_to(code: &str) -> Response {
    back_to_view(code, &BaselineQuery::default())
}

/// The department page showing the rows of `view` (its filters and page).
fn back_to_view(code: &str, view: &BaselineQuery) -> Response {
    let query = serde_urlencoded::to_string(view).unwrap_or_default();
    let query = if query.is_empty() { query } else { format!("?{query}") };
    Redirect::to(&format!("/ledger/departments/{code}{query}")).into_response()
}

#[derive(Deserialize)]
pub struct SignForm {
    capacity: String,
    hash: String,
    /// The checkbox confirming that check results are missing (shown with the count).
    #[serde(default)]
    confirm_missing_checks: String,
}

impl SignForm {
    fn confirms_missing_checks(&self) -> bool {
        !self.confirm_missing_checks.trim().is_empty()
    }
}

/// Store refusals of a rule (stale hash, out of order …) are 409 with the reason.
fn refused(e: StoreError) -> PageError {
    match e {
        StoreError::Conflict(m) => PageError::Status(StatusCode::CONFLICT, crate::i18n::explain(&m)),
        other => other.into(),
    }
}

/// The department ledger `code` and the capacity `user` signs it in: in scope (else
/// 404), a known capacity (else 422), the role that signs in it (else 403).
async fn signing(
    state: &SharedState,
    user: &User,
    code: &str,
    capacity: &str,
) -> Result<(DepartmentRef, Capacity), PageError> {
    let dept = visible_department(state, user, code).await?;
    let capacity = Capacity::parse(capacity).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-capacity")))?;
    department_signer(user, capacity).map_err(|m| forbidden(&m))?;
    Ok((dept, capacity))
}

pub async fn sign_department(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    let (dept, capacity) = signing(&state, &user, &code, &form.capacity).await?;
    state
        .store
        .sign_ledger(&user.region(), Some(&dept.id), capacity, form.hash.trim(), form.confirms_missing_checks(), &user)
        .await
        .map_err(refused)?;
    Ok(back_to(&dept.code))
}

/// The signatories confirm the changes to a fixed department ledger (新增/变更，待签认).
pub async fn confirm_changes(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    let (dept, capacity) = signing(&state, &user, &code, &form.capacity).await?;
    state
        .store
        .confirm_changes(&user.region(), &dept.id, capacity, form.hash.trim(), form.confirms_missing_checks(), &user)
        .await
        .map_err(refused)?;
    Ok(Redirect::to(&format!("/ledger/departments/{}#signoff", dept.code)).into_response())
}

pub async fn sign_banner(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    if user.scope().limit != ScopeLimit::Region {
        return Err(PageError::not_found());
    }
    let capacity =
        Capacity::parse(&form.capacity).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-capacity")))?;
    if !LedgerKind::Banner.capacities().contains(&capacity) || capacity.role() != user.role {
        return Err(forbidden(&crate::i18n::t("ledger-error-banner-signer")));
    }
    state
        .store
        .sign_ledger(&user.region(), None, capacity, form.hash.trim(), form.confirms_missing_checks(), &user)
        .await
        .map_err(refused)?;
    Ok(Redirect::to("/ledger/banner").into_response())
}

#[derive(Deserialize)]
pub struct EndForm {
    ends_on: String,
}

pub async fn set_campaign_end(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Form(form): Form<EndForm>,
) -> Result<Response, PageError> {
    let d = form_date(&form.ends_on, &crate::i18n::t("ledger-form-date-end"))?;
    state.store.set_campaign_end(&user.region(), d, &user).await?;
    Ok(Redirect::to("/ledger/banner").into_response())
}

#[derive(Deserialize)]
pub struct PushForm {
    due_on: String,
}

pub async fn push(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(view): Query<BaselineQuery>,
    Form(form): Form<PushForm>,
) -> Result<Response, PageError> {
    let dept = visible_department(&state, &user, &code).await?;
    not_read_only(&user)?;
    if !qidi_core::ledger::may_push_check_list(user.role, user.department_id.as_deref(), &dept.id) {
        return Err(forbidden(&crate::i18n::t("ledger-error-push")));
    }
    let pushed = match form_date(&form.due_on, &crate::i18n::t("ledger-answer-due")) {
        Ok(due) => state.store.push_check_lists(&user.region(), &dept.id, due, &user).await.map_err(PageError::from),
        Err(e) => Err(e),
    };
    match pushed {
        Ok(_) => Ok(back_to_view(&dept.code, &view)),
        Err(e) => {
            // Refused: the page again, the sentence above the lists, the date as typed.
            let (status, message) = in_place(e)?;
            let kept = Kept { push: Some((message, form.due_on)), ..Kept::default() };
            department_page(&state, &user, dept, &view, kept, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    check_result: String,
    responsible_person: String,
    acceptance_status: String,
    due_on: String,
}

pub async fn answer(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Query(view): Query<BaselineQuery>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    let Some((region, handling)) = state.store.pending_item_department(&id).await? else {
        return Err(PageError::not_found());
    };
    if region != user.region_code {
        return Err(PageError::not_found());
    }
    let visible = match user.scope().limit {
        ScopeLimit::Region => true,
        ScopeLimit::Department(d) => d == handling,
        _ => false,
    };
    if !visible {
        return Err(PageError::not_found());
    }
    if !may_answer(user.role, user.department_id.as_deref(), &handling) {
        return Err(forbidden(&crate::i18n::t("ledger-error-answer")));
    }
    let answered = match optional_form_date(&form.due_on, &crate::i18n::tc("ledger-field", "due_on")) {
        Ok(due_on) => {
            let a = CheckAnswer {
                check_result: form.check_result.clone(),
                responsible_person: form.responsible_person.clone(),
                acceptance_status: form.acceptance_status.clone(),
                due_on,
            };
            state.store.answer_check(&id, a, &user).await.map_err(PageError::from)
        }
        Err(e) => Err(e),
    };
    let dept = state.store.departments(&user.region()).await?.into_iter().find(|d| d.id == handling);
    let Err(e) = answered else {
        return Ok(back_to_view(&dept.map(|d| d.code).unwrap_or_default(), &view));
    };
    // Refused: the handling department's page again, the sentence in the item's row
    // (`#item-{id}`), naming its project and item, with the four values as typed.
    let Some(dept) = dept else { return Err(e) };
    let (status, message) = in_place(e)?;
    let kept = Kept {
        answer: Some(KeptAnswer {
            item_id: id,
            message,
            check_result: form.check_result,
            responsible_person: form.responsible_person,
            acceptance_status: form.acceptance_status,
            due_on: form.due_on,
        }),
        ..Kept::default()
    };
    department_page(&state, &user, dept, &view, kept, status).await
}

#[derive(Deserialize)]
pub struct RemovalForm {
    kind: String,
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    pending_item_id: String,
    /// `PROJECT_ID:ITEM_ID`: the row chosen in the baseline table (one form serves
    /// every row, instead of a form repeated on each).
    #[serde(default)]
    item: String,
    reason: String,
    text: String,
    /// Department code of the page to go back to.
    #[serde(default)]
    back: String,
}

pub async fn propose_removal(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Query(view): Query<BaselineQuery>,
    Form(form): Form<RemovalForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    if may_propose_removal(user.role).is_err() {
        return Err(forbidden(&crate::i18n::t("ledger-error-propose")));
    }
    let kind =
        RemovalKind::parse(&form.kind).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-removal-kind")))?;
    let (project_id, item) = match form.item.split_once(':') {
        Some((project, item)) => (project.trim(), Some(item.trim())),
        None => (form.project_id.trim(), Some(form.pending_item_id.trim())),
    };
    let item = item.filter(|s| !s.is_empty());
    let proposed = match RemovalReason::parse(&form.reason) {
        None => Err(unprocessable(crate::i18n::t("ledger-error-removal-reason"))),
        Some(_) if project_id.is_empty() => Err(unprocessable(crate::i18n::t("ledger-error-nothing-chosen"))),
        Some(reason) => state
            .store
            .propose_removal(
                &user.region(),
                &NewRemoval { kind, project_id, pending_item_id: item, reason, text: &form.text },
                &user,
            )
            .await
            .map_err(refused),
    };
    let Err(e) = proposed else {
        return Ok(if form.back.is_empty() {
            Redirect::to("/ledger").into_response()
        } else {
            back_to_view(&form.back, &view)
        });
    };
    // Refused from a department page the user may see: that page again, the sentence
    // beside the form and what was typed still in it. From anywhere else: the error page.
    let dept = match form.back.trim() {
        "" => None,
        code => visible_department(&state, &user, code).await.ok(),
    };
    let Some(dept) = dept else { return Err(e) };
    let (status, message) = in_place(e)?;
    let typed = KeptRemoval {
        project_id: project_id.to_string(),
        item_id: item.unwrap_or_default().to_string(),
        reason: form.reason.trim().to_string(),
        text: form.text.clone(),
        error: Some(message),
    };
    let kept = match kind {
        RemovalKind::Item => Kept { reduce: typed, ..Kept::default() },
        RemovalKind::Project => Kept { removal: typed, ..Kept::default() },
    };
    department_page(&state, &user, dept, &view, kept, status).await
}

#[derive(Deserialize)]
pub struct DecideForm {
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

pub async fn decide_removal(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    let decision =
        Decision::parse(&form.decision).ok_or_else(|| unprocessable(crate::i18n::t("ledger-error-decision")))?;
    state.store.decide_removal(&id, decision, &form.note, &user).await.map_err(refused)?;
    Ok(if form.back.is_empty() { Redirect::to("/ledger/banner").into_response() } else { back_to(&form.back) })
}

#[derive(Deserialize)]
pub struct AddItemForm {
    item_type_id: String,
    #[serde(default)]
    responsible_person: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    note: String,
}

/// 补录: a pending item found after the ledger was built, added from the project page.
pub async fn add_item(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(form): Form<AddItemForm>,
) -> Result<Response, PageError> {
    not_read_only(&user)?;
    let due_on = optional_form_date(&form.due_on, &crate::i18n::tc("ledger-field", "due_on"))?;
    let new = NewPendingItem {
        item_type_id: form.item_type_id,
        responsible_person: Some(form.responsible_person),
        due_on,
        note: Some(form.note),
    };
    state.store.add_pending_item(&user, &id, &new).await.map_err(refused)?;
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct ExportQuery {
    department: Option<String>,
}

pub async fn export(
    crate::throttle::ExportUser(user): crate::throttle::ExportUser,
    State(state): State<SharedState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    if !may_export(user.role) {
        return Err(PageError::not_found());
    }
    let region = user.region();
    let mut scope = user.scope();
    let mut department: Option<DepartmentRef> = None;
    if let Some(code) = q.department.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let d = visible_department(&state, &user, code).await?;
        scope.limit = ScopeLimit::Department(d.id.clone());
        department = Some(d);
    } else if let ScopeLimit::Department(d) = &scope.limit {
        department = state.store.departments(&region).await?.into_iter().find(|x| x.id == *d);
    }
    let names = state.store.name_table(&region).await?;
    let (title, unit) = state.store.export_heading(&region, department.as_ref().map(|d| d.id.as_str())).await?;
    let today = qidi_store::today();
    let mut writer = LedgerWriter::new(&title, &unit, today, &names, ExportSheets::Both)
        .map_err(|e| unprocessable(crate::i18n::explain_error(&e)))?;
    let projects =
        state.store.export_ledger(&scope, 1000, |p| writer.push(&p).map_err(|e| StoreError::invalid(&e))).await?;
    let (bytes, _) = writer.finish_to_buffer().map_err(|e| unprocessable(crate::i18n::explain_error(&e)))?;
    let department_id = department.as_ref().map(|d| d.id.clone());
    let payload = serde_json::json!({ "format": "xlsx", "department": department_id, "projects": projects });
    state.store.record_export(&user, "ledger.export", "ledger", department_id.clone(), payload).await?;
    let name = department.map(|d| d.name).unwrap_or_else(|| crate::i18n::t("ledger-export-banner-name"));
    let name = crate::i18n::t2("ledger-export-file", "name", name, "date", today.to_string());
    Ok(crate::workflow::xlsx_download(bytes, &format!("ledger-{today}.xlsx"), &name))
}
