//! Who sees which departments' assessments, who edits the profile, and who may rate whom.

use super::{centi_text, AssessmentError, Centi, EntryError};
use crate::role::Role;

/// Who sees which departments' assessments: the office, the leader and the
/// inspectors see all (inspectors only read); a department its own; the administrators
/// nothing (三员分立).
pub fn may_see_all(role: Role) -> bool {
    matches!(role, Role::Office | Role::Leader | Role::Inspector)
}

/// Who looks at assessments at all: the administration's staff. Not a project unit,
/// and not the administrators, who read no business data (三员分立).
pub fn may_read(role: Role) -> bool {
    role != Role::Applicant && !role.is_administrator()
}

/// Who enters assessments: the head or a handler of a department that initiates
/// projects (and then only of departments other than their own, [`check_entry`]).
pub fn may_rate(role: Role, own_department_initiates: bool) -> bool {
    matches!(role, Role::Handler | Role::DepartmentHead) && own_department_initiates
}

/// Only the office edits the profile.
pub fn may_edit_profile(role: Role) -> bool {
    role == Role::Office
}

/// An initiating department's staff (its head or handlers) assess a handling
/// department other than their own, with a score of 0–100 and a comment.
pub fn check_entry(
    role: Role,
    own_department_initiates: bool,
    own_department: Option<&str>,
    assessed: &str,
    score: Centi,
    comment: &str,
) -> Result<(), AssessmentError> {
    if !may_rate(role, own_department_initiates) {
        return Err(AssessmentError::BadEntry(EntryError::NotInitiating));
    }
    if own_department == Some(assessed) {
        return Err(AssessmentError::BadEntry(EntryError::OwnDepartment));
    }
    if !(0..=10000).contains(&score) {
        return Err(AssessmentError::BadEntry(EntryError::ScoreOutOfRange(centi_text(score))));
    }
    if comment.trim().is_empty() {
        return Err(AssessmentError::BadEntry(EntryError::CommentBlank));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_checked() {
        assert!(check_entry(Role::Handler, true, Some("fgw"), "zrzy", 8000, "好").is_ok());
        assert!(check_entry(Role::Handler, false, Some("zrzy"), "sthj", 8000, "好").is_err());
        assert!(check_entry(Role::Handler, true, Some("fgw"), "fgw", 8000, "好").is_err());
        assert!(check_entry(Role::Handler, true, Some("fgw"), "zrzy", 10001, "好").is_err());
        assert!(check_entry(Role::Handler, true, Some("fgw"), "zrzy", 8000, " ").is_err());
        assert!(check_entry(Role::Office, true, None, "zrzy", 8000, "好").is_err());
    }

    #[test]
    fn the_administrations_staff_read_and_an_initiating_departments_staff_rate() {
        use crate::role::ALL_ROLES;
        let reading: Vec<Role> = ALL_ROLES.into_iter().filter(|r| may_read(*r)).collect();
        assert_eq!(reading, [Role::Handler, Role::DepartmentHead, Role::Office, Role::Leader, Role::Inspector]);
        let rating: Vec<Role> = ALL_ROLES.into_iter().filter(|r| may_rate(*r, true)).collect();
        assert_eq!(rating, [Role::Handler, Role::DepartmentHead]);
        assert!(ALL_ROLES.into_iter().all(|r| !may_rate(r, false)));
    }
}
