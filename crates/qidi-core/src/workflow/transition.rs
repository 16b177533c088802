//! Whether an actor may take an action in a state, checked in order, and the state that follows.

use super::{Action, Actor, ApplicationFacts, ApplicationState, PauseReason, Side, TransitionError};
// Named by a doc link here; rustdoc only.
#[cfg(doc)]
use super::ApplicationView;
use crate::role::Role;

/// Whether `actor` may take `action` on `state`, and the state that follows.
///
/// Checks run in this order, so that the first refusal is the most telling: who acts,
/// then a repeat of the step that led here, then a closed application, then the item's
/// level, then the state, then what was sent.
///
/// This judges by the state alone. An application whose acceptance was deemed may
/// still be returned, late; [`ApplicationView::decide`] knows that, and the rest of
/// the record (one extension, decision dates), and is what the store asks.
pub fn decide(
    state: &ApplicationState,
    facts: &ApplicationFacts,
    actor: &Actor,
    action: &Action,
) -> Result<ApplicationState, TransitionError> {
    decide_in(*state, false, facts, actor, action)
}

/// [`decide`], knowing whether the current acceptance was deemed rather than given.
pub(crate) fn decide_in(
    state: ApplicationState,
    acceptance_deemed: bool,
    facts: &ApplicationFacts,
    actor: &Actor,
    action: &Action,
) -> Result<ApplicationState, TransitionError> {
    authorise(facts, actor, action)?;
    if action.is_reflected_by(state) {
        return Err(TransitionError::AlreadyInState { state });
    }
    if state.is_terminal() {
        return Err(TransitionError::Terminal { state });
    }
    check_level(facts, action)?;
    let next = next_state(state, acceptance_deemed, facts, action)?;
    validate(facts, action)?;
    Ok(next)
}

fn authorise(facts: &ApplicationFacts, actor: &Actor, action: &Action) -> Result<(), TransitionError> {
    use TransitionError as E;
    match (actor.system, action.side() == Side::System) {
        (true, true) => return Ok(()),
        (true, false) => return Err(E::NotForSystem),
        (false, true) => return Err(E::SystemOnly),
        (false, false) => {}
    }
    if matches!(actor.role, Role::Inspector | Role::Leader) || actor.role.is_administrator() {
        return Err(E::RoleCannotAct { role: actor.role });
    }
    let of_owner = actor.owner_id.as_deref() == Some(facts.owner_id.as_str());
    let of_department = actor.department_id.as_deref() == Some(facts.handling_department_id.as_str());
    let department_role = matches!(actor.role, Role::Handler | Role::DepartmentHead);
    match action.side() {
        Side::Unit if actor.helper_for => of_owner.then_some(()).ok_or(E::HelperNotAuthorised),
        Side::Unit if actor.role != Role::Applicant => Err(E::NotApplicant),
        Side::Unit => of_owner.then_some(()).ok_or(E::NotOwner),
        Side::Department | Side::Recorder if actor.helper_for => Err(E::HelperCannotHandle),
        Side::Recorder if actor.role == Role::Office => Ok(()),
        Side::Department | Side::Recorder if department_role => {
            of_department.then_some(()).ok_or(E::NotHandlingDepartment)?;
            match action {
                Action::Extend { .. } if actor.role != Role::DepartmentHead => Err(E::NotDepartmentHead),
                _ => Ok(()),
            }
        }
        Side::Department => Err(E::NotHandler),
        Side::Recorder => Err(E::NotRecorder),
        Side::System => Err(E::SystemOnly),
    }
}

fn check_level(facts: &ApplicationFacts, action: &Action) -> Result<(), TransitionError> {
    match action {
        Action::Forward { .. } if !facts.lies_higher() => Err(TransitionError::NotHigherAuthority),
        Action::Approve { .. } | Action::Refuse { .. } if facts.lies_higher() => {
            Err(TransitionError::HigherAuthority { level: facts.authority_level })
        }
        _ => Ok(()),
    }
}

fn next_state(
    state: ApplicationState,
    acceptance_deemed: bool,
    facts: &ApplicationFacts,
    action: &Action,
) -> Result<ApplicationState, TransitionError> {
    use ApplicationState as S;
    Ok(match (action, state) {
        (Action::Submit { .. }, S::Draft) => S::Submitted,
        (Action::Resubmit { .. }, S::Returned) => S::Submitted,
        (Action::Return { .. }, S::Submitted) => S::Returned,
        // A return after the notice limit is still possible, and flagged late.
        (Action::Return { .. }, S::Accepted | S::UnderReview | S::Paused) if acceptance_deemed => S::Returned,
        (Action::Accept | Action::DeemAccept { .. }, S::Submitted) if facts.lies_higher() => S::Accepted,
        (Action::Accept | Action::DeemAccept { .. }, S::Submitted) => S::UnderReview,
        (Action::Extend { .. }, S::UnderReview) => S::UnderReview,
        (Action::Pause { .. }, S::UnderReview) => S::Paused,
        (Action::Resume, S::Paused) => S::UnderReview,
        (Action::Approve { .. }, S::UnderReview | S::Paused) => S::Approved,
        (Action::Refuse { .. }, S::UnderReview | S::Paused) => S::Refused,
        (Action::Approve { .. } | Action::Refuse { .. }, S::Draft | S::Submitted | S::Returned) => {
            return Err(TransitionError::NotYetAccepted)
        }
        (Action::Forward { .. }, S::Accepted) => S::Forwarded,
        (Action::RecordHigherOutcome { approved: true, .. }, S::Forwarded) => S::HigherApproved,
        (Action::RecordHigherOutcome { approved: false, .. }, S::Forwarded) => S::HigherRefused,
        // Terminal states were refused before; every other state may be withdrawn.
        (Action::Withdraw { .. }, _) => S::Withdrawn,
        _ => return Err(TransitionError::WrongState { action: action.label_zh(), state }),
    })
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn validate(facts: &ApplicationFacts, action: &Action) -> Result<(), TransitionError> {
    use TransitionError as E;
    match action {
        // Never refused for what it lacks: see [`SubmissionWarnings`].
        Action::Submit { .. } => Ok(()),
        Action::Resubmit { materials, replaced } => {
            let stray: Vec<String> = replaced.iter().filter(|m| !materials.contains(m)).cloned().collect();
            if stray.is_empty() {
                Ok(())
            } else {
                Err(E::ReplacedNotProvided { materials: stray })
            }
        }
        Action::Return { notice } => notice.validate(),
        Action::Pause { reason: PauseReason::Other, note } if blank(note) => Err(E::MissingPauseNote),
        Action::Approve { document_number, .. } if blank(document_number) => Err(E::MissingDocumentNumber),
        Action::Refuse { reasons } if blank(reasons) => Err(E::MissingReasons),
        Action::Forward { to_authority } if blank(to_authority) => Err(E::MissingAuthority),
        Action::RecordHigherOutcome { approved: true, document_number, .. }
            if document_number.as_deref().is_none_or(blank) =>
        {
            Err(E::MissingDocumentNumber)
        }
        Action::RecordHigherOutcome { approved: false, reasons, .. } if reasons.as_deref().is_none_or(blank) => {
            Err(E::MissingReasons)
        }
        Action::Withdraw { reason } if blank(reason) => Err(E::MissingWithdrawReason),
        Action::Extend { .. } if facts.extension_limit == 0 => Err(E::NoExtension),
        Action::Extend { reason } if blank(reason) => Err(E::MissingExtensionReason),
        _ => Ok(()),
    }
}
