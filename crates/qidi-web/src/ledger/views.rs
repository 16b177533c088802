//! What the banner and department pages show of the ledger: the campaign, progress,
//! the signed versions and pending changes, and removals.

use super::joined;
use qidi_core::ledger::{
    check_change_confirmation, check_signature, short_hash, Capacity, ChangeKind, Decision, LedgerNow, Progress,
    SignRequest, SignatureState,
};
use qidi_store::baseline::{CampaignRow, DepartmentProgress, LedgerState, RemovalRow, SignatureView};
use qidi_store::users::User;
use std::collections::BTreeMap;

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

pub(super) struct ProgressRow {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) baseline: u64,
    pub(super) additions: u64,
    pub(super) approved: u64,
    pub(super) removed: u64,
    pub(super) remaining: u64,
    pub(super) percent: u64,
}

impl ProgressRow {
    pub(super) fn of(code: &str, name: &str, p: &Progress) -> Self {
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
    pub(super) fn rows(list: &[DepartmentProgress]) -> Vec<ProgressRow> {
        list.iter().map(|d| ProgressRow::of(&d.department.code, &d.department.name, &d.progress)).collect()
    }
}

pub(super) struct SigRow {
    pub(super) capacity: String,
    pub(super) signer: String,
    pub(super) signed_at: String,
    pub(super) state: String,
    pub(super) state_class: &'static str,
    /// Check results missing when it was given (the signer confirmed), 0 if none.
    pub(super) missing_checks: i64,
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

pub(super) struct VersionRow {
    pub(super) hash: String,
    pub(super) short: String,
    pub(super) items: i64,
    pub(super) fully_signed: bool,
    pub(super) in_force: bool,
    pub(super) signatures: Vec<SigRow>,
}

/// What the signatories of a fixed department ledger signed, as it stands.
pub(super) struct SignedView {
    pub(super) short: String,
    pub(super) hash: String,
    pub(super) items: u64,
    pub(super) reduced: u64,
    pub(super) remaining: u64,
    pub(super) confirmed_change_sets: u64,
}

/// One change to the signed content awaiting confirmation: (label, before, after) per field.
pub(super) struct ChangeRow {
    pub(super) kind: String,
    pub(super) kind_class: &'static str,
    pub(super) project_code: String,
    pub(super) project_name: String,
    pub(super) item_type: String,
    pub(super) fields: Vec<(String, String, String)>,
    pub(super) missing_check: bool,
}

/// The change set that confirms the pending changes.
pub(super) struct PendingView {
    pub(super) hash: String,
    pub(super) short: String,
    pub(super) changes: u64,
    /// The capacities that confirmed it, as one list.
    pub(super) signed: String,
    pub(super) missing_checks: u64,
}

pub(super) struct ChangeSetRow {
    pub(super) short: String,
    pub(super) hash: String,
    pub(super) changes: i64,
    pub(super) confirmed: bool,
    pub(super) signatures: Vec<SigRow>,
}

pub(super) struct LedgerView {
    pub(super) hash: String,
    pub(super) short: String,
    pub(super) items: u64,
    pub(super) locked: bool,
    /// The capacities that signed the current content, as one list.
    pub(super) signed_now: String,
    pub(super) versions: Vec<VersionRow>,
    /// Capacities this user may sign the current content in: (value, label).
    pub(super) can_sign: Vec<(&'static str, String)>,
    pub(super) parts: Vec<(String, String, u64)>,
    /// Pending items whose check report is missing (shown before signing, confirmed).
    pub(super) missing_checks: u64,
    pub(super) signed: Option<SignedView>,
    /// The pending changes the store listed (the first [`CHANGES_LISTED`] on a
    /// department's page); the export holds the whole ledger.
    pub(super) changes: Vec<ChangeRow>,
    pub(super) changes_total: usize,
    /// Links to the first page of the changes (when this is a later one) and to the next.
    pub(super) changes_first: Option<String>,
    pub(super) changes_next: Option<String>,
    pub(super) change_set: Option<PendingView>,
    /// Capacities this user may confirm the pending change set in: (value, the button's text).
    pub(super) can_confirm: Vec<(&'static str, String)>,
    pub(super) change_sets: Vec<ChangeSetRow>,
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
    pub(super) fn of(
        s: &LedgerState,
        user: &User,
        ledger_dept_id: Option<&str>,
        departments: &BTreeMap<String, String>,
    ) -> Self {
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
            changes_first: None,
            changes_next: None,
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

pub(super) struct RemovalView {
    pub(super) id: String,
    pub(super) kind: String,
    pub(super) project_code: String,
    pub(super) project_name: String,
    pub(super) in_library: bool,
    pub(super) item_type: String,
    pub(super) reason: String,
    pub(super) reason_text: String,
    pub(super) proposed_at: String,
    pub(super) decision: String,
    pub(super) proposed: bool,
    pub(super) decided_at: String,
    pub(super) decision_note: String,
}

impl RemovalView {
    pub(super) fn of(r: &RemovalRow) -> Self {
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
