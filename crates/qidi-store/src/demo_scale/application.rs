//! An application made for a generated item, taken through a history that core's replay checks.

use super::values::{at, day, opt, stamp, text};
use super::{ItemKind, RegionCtx};
use crate::ledger_import::Val;
use crate::workflow::{Derived, Stored};
use crate::{new_id, StoreError};
use chrono::{Datelike, Duration, NaiveDate};
use qidi_core::calendar::WorkCalendar;
use qidi_core::workflow::{
    Action, Actor, ApplicationEvent, ApplicationFacts, ApplicationState, ApplicationView, NoticeProblem, OneTimeNotice,
};
use rand::rngs::StdRng;
use rand::Rng;

/// An application made for an item, as it stands after its history.
pub(super) struct MadeApplication {
    pub(super) row: [Val; 20],
    /// The events: (actor id, actor role, action, object type, object id, payload).
    pub(super) events: Vec<[Option<String>; 6]>,
    /// The approval's date, when the application ended approved.
    pub(super) approved_on: Option<NaiveDate>,
}

/// An application of `item_id` taken through a history chosen by `rng`, at dates before
/// `today`: a draft, just submitted, returned with a one-time notice, under review (its
/// clock green, yellow or red), approved, refused, withdrawn, or resubmitted and under
/// review. Every step is checked by core's replay, as the workflow would.
#[allow(clippy::too_many_arguments)]
pub(super) fn make_application(
    ctx: &RegionCtx,
    rng: &mut StdRng,
    kind: &ItemKind,
    facts: ApplicationFacts,
    item_id: &str,
    project_id: &str,
    calendar: &WorkCalendar,
    today: NaiveDate,
    now: &str,
) -> Result<MadeApplication, StoreError> {
    let app_id = new_id();
    let ago = |d: i64| today - Duration::days(d);
    let handler_user = ctx.handlers.get(&kind.department_id).cloned();
    let unit = Actor::applicant(&facts.owner_id);
    let dept = Actor::handler(&kind.department_id);
    let materials = facts.required_materials.clone();
    let higher = facts.lies_higher();

    // (day, by the department?, action)
    let mut steps: Vec<(NaiveDate, bool, Action)> = Vec::new();
    let submit = Action::Submit { materials: materials.clone() };
    let notice = || OneTimeNotice {
        problems: vec![NoticeProblem::new(
            materials.first().map(String::as_str).unwrap_or("application_form"),
            "材料缺少盖章页",
            "补充加盖单位公章的完整材料",
        )],
        suggestions: vec!["可预约帮办代办人员现场指导".into()],
        number: None,
    };
    let document =
        |on: NaiveDate, rng: &mut StdRng| format!("{}审批字〔{}〕{}号", ctx.name, on.year(), rng.gen_range(1..1000));
    let created = match rng.gen_range(0..20) {
        0..2 => ago(rng.gen_range(0..30)),
        2..5 => {
            let s = ago(rng.gen_range(0..=1));
            steps.push((s, false, submit));
            s
        }
        5..7 => {
            let s = ago(rng.gen_range(8..20));
            steps.push((s, false, submit));
            steps.push((s + Duration::days(1), true, Action::Return { notice: notice() }));
            s
        }
        7..13 => {
            let s = ago(rng.gen_range(3..60));
            steps.push((s, false, submit));
            steps.push((s + Duration::days(1), true, Action::Accept));
            s
        }
        13..17 => {
            let s = ago(rng.gen_range(20..56));
            let accepted = s + Duration::days(1);
            let decided = (accepted + Duration::days(rng.gen_range(3..15))).min(today);
            steps.push((s, false, submit));
            steps.push((accepted, true, Action::Accept));
            if higher {
                let to_authority = "上级审批机关".to_string();
                steps.push((accepted + Duration::days(1), true, Action::Forward { to_authority }));
                let decided = decided.max(accepted + Duration::days(1));
                let outcome = Action::RecordHigherOutcome {
                    approved: true,
                    document_number: Some(document(decided, rng)),
                    reasons: None,
                    decided_on: Some(decided),
                };
                steps.push((decided, true, outcome));
            } else {
                let approve = Action::Approve { document_number: document(decided, rng), decided_on: decided };
                steps.push((decided, true, approve));
            }
            s
        }
        17 => {
            let s = ago(rng.gen_range(20..56));
            let accepted = s + Duration::days(1);
            let decided = accepted + Duration::days(rng.gen_range(3..15));
            steps.push((s, false, submit));
            steps.push((accepted, true, Action::Accept));
            let reasons = "项目不符合国土空间规划".to_string();
            if higher {
                let to_authority = "上级审批机关".to_string();
                steps.push((accepted + Duration::days(1), true, Action::Forward { to_authority }));
                let outcome = Action::RecordHigherOutcome {
                    approved: false,
                    document_number: None,
                    reasons: Some(reasons),
                    decided_on: Some(decided.max(accepted + Duration::days(1))),
                };
                steps.push((decided.max(accepted + Duration::days(1)), true, outcome));
            } else {
                steps.push((decided, true, Action::Refuse { reasons }));
            }
            s
        }
        18 => {
            let s = ago(rng.gen_range(5..30));
            steps.push((s, false, submit));
            steps.push((
                s + Duration::days(1),
                false,
                Action::Withdraw { reason: "项目方案调整，重新编制材料".into() },
            ));
            s
        }
        _ => {
            let s = ago(rng.gen_range(10..40));
            steps.push((s, false, submit));
            steps.push((s + Duration::days(1), true, Action::Return { notice: notice() }));
            let again = s + Duration::days(4);
            let replaced = materials.first().cloned().into_iter().collect();
            steps.push((again, false, Action::Resubmit { materials: materials.clone(), replaced }));
            steps.push((again + Duration::days(1), true, Action::Accept));
            s
        }
    };

    let checklist = kind.checklist.clone();
    let mut events: Vec<[Option<String>; 6]> = vec![[
        None,
        Some("applicant".into()),
        Some("application.create".into()),
        Some("application".into()),
        Some(app_id.clone()),
        Some(
            serde_json::json!({
                "pending_item_id": item_id,
                "project_id": project_id,
                "facts": facts,
                "checklist": checklist,
                "helper_for": false,
            })
            .to_string(),
        ),
    ]];
    let mut view = ApplicationView::new();
    let mut last_at = at(created, 0);
    let mut approved_on = None;
    for (i, (on, by_department, action)) in steps.into_iter().enumerate() {
        let seq = i as u64 + 1;
        let when = at(on, 10 + 20 * seq as u32);
        let (actor, actor_id, role) = if by_department {
            (dept.clone(), handler_user.clone(), "handler")
        } else {
            (unit.clone(), None, "applicant")
        };
        let actor_user = actor_id.clone().unwrap_or_else(|| {
            if by_department {
                kind.department_id.clone()
            } else {
                facts.owner_id.clone()
            }
        });
        let event = ApplicationEvent::new(seq, when, &actor_user, actor, action);
        view.apply(&event, &facts)
            .map_err(|e| StoreError::invalid(format!("a generated application does not replay: {e}")))?;
        let grant = view.decision.as_ref().filter(|d| d.approved && d.seq == seq).map(|d| {
            serde_json::json!({
                "application_id": app_id,
                "document_number": d.document_number,
                "decided_on": d.decided_on,
                "by_higher_authority": d.by_higher_authority,
            })
        });
        events.push([
            actor_id.clone(),
            Some(role.into()),
            Some(format!("application.{}", event.action.as_str())),
            Some("application".into()),
            Some(app_id.clone()),
            Some(serde_json::json!({ "event": event, "state": view.state }).to_string()),
        ]);
        if let Some(payload) = grant {
            approved_on = view.decision.as_ref().map(|d| d.decided_on);
            events.push([
                actor_id,
                Some(role.into()),
                Some("pending_item.grant".into()),
                Some("pending_item".into()),
                Some(item_id.to_string()),
                Some(payload.to_string()),
            ]);
        }
        last_at = when;
    }
    let stored = Stored { facts, checklist, policy: kind.policy, created_at: stamp(at(created, 0)) };
    let derived = Derived::of(&view, &stored, calendar).map_err(|e| StoreError::invalid(e.to_string()))?;
    let terminal = view.state.is_terminal();
    debug_assert!(
        approved_on.is_none() || matches!(view.state, ApplicationState::Approved | ApplicationState::HigherApproved)
    );
    use crate::workflow::to_json;
    let row = [
        text(&app_id),
        text(&ctx.code),
        text(item_id),
        text(project_id),
        text(view.state.as_str()),
        opt(derived.deadline.due_on.map(day)),
        opt(derived.deadline.warn_on.map(day)),
        Val::Int(Some(view.last_seq.unwrap_or(0) as i64)),
        text(&stored.created_at),
        text(stamp(last_at)),
        text(to_json(&stored.facts)),
        text(to_json(&stored.checklist)),
        text(to_json(&stored.policy)),
        Val::Bool(derived.deadline.provisional),
        opt(derived.deadline.paused_since.map(day)),
        opt(derived.clock_kind.map(str::to_string)),
        opt(derived.awaiting.map(str::to_string)),
        opt(terminal.then(|| now.to_string())),
        Val::Text(None),
        Val::Text(None),
    ];
    Ok(MadeApplication { row, events, approved_on })
}
