//! Who may do what to a ledger: import, export, push and answer check lists, add items; the read-only rule.

use crate::role::Role;
use crate::sentence::Explain;

/// Why `role` may not change a ledger (push, answer, sign, propose, decide, add), if it
/// may not: discipline inspectors read only.
pub fn read_only_refusal(role: Role) -> Option<&'static str> {
    (role == Role::Inspector).then_some("派驻纪检组为只读权限，不能修改台账")
}

/// Who may load spreadsheet ledgers into the database: the office, for the whole
/// region; a department's head or handler, for the projects their department
/// initiates (see [`import_refusal_reason`]).
pub fn may_import(role: Role) -> bool {
    matches!(role, Role::Office | Role::DepartmentHead | Role::Handler)
}

/// Why a person may not load one project of a spreadsheet ([`import_refusal_reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRefusal {
    /// A department's staff member whose account names no department.
    NoDepartment,
    /// The file names another initiating department for the project.
    OtherDepartment,
    /// The project is on record with another initiating department.
    StoredOtherDepartment,
    /// The role does not import.
    NotAllowed,
}

impl ImportRefusal {
    /// The Chinese wording.
    pub fn message(self) -> &'static str {
        match self {
            ImportRefusal::NoDepartment => "账号未关联部门，不能导入台账",
            ImportRefusal::OtherDepartment => "只能导入本部门立项的项目：此项目的立项部门不是本部门",
            ImportRefusal::StoredOtherDepartment => {
                "系统中已有此项目，立项部门不是本部门，不能由本部门导入改写；请联系领导小组办公室"
            }
            ImportRefusal::NotAllowed => "无权导入台账",
        }
    }
}

impl std::fmt::Display for ImportRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl Explain for ImportRefusal {
    fn key(&self) -> &'static str {
        match self {
            ImportRefusal::NoDepartment => "err-ledger-import-no-department",
            ImportRefusal::OtherDepartment => "err-ledger-import-other-department",
            ImportRefusal::StoredOtherDepartment => "err-ledger-import-stored-other-department",
            ImportRefusal::NotAllowed => "err-ledger-import-not-allowed",
        }
    }
}

/// Why this person may not load one project of a spreadsheet, or `None` if they may.
/// `file_department` is the initiating department the file names for the project and
/// `stored_department` the one the database holds (`Some(None)`: the project exists
/// with none recorded; `None`: it is new). A department's staff load only their own
/// department's projects, so an import cannot rewrite another department's ledger.
pub fn import_refusal_reason(
    role: Role,
    user_department: Option<&str>,
    file_department: Option<&str>,
    stored_department: Option<Option<&str>>,
) -> Option<ImportRefusal> {
    match role {
        Role::Office => None,
        Role::DepartmentHead | Role::Handler => {
            let Some(own) = user_department else {
                return Some(ImportRefusal::NoDepartment);
            };
            if file_department != Some(own) {
                return Some(ImportRefusal::OtherDepartment);
            }
            match stored_department {
                Some(stored) if stored != Some(own) => Some(ImportRefusal::StoredOtherDepartment),
                _ => None,
            }
        }
        _ => Some(ImportRefusal::NotAllowed),
    }
}

/// Who may export a ledger: anyone who reads ledgers (a project unit has none).
pub fn may_export(role: Role) -> bool {
    role != Role::Applicant
}

/// Whether `role` of `user_department` acts for one of `departments` on a ledger: the
/// office for any; a department's head or handler only when one of them is their own.
pub fn acts_for(role: Role, user_department: Option<&str>, departments: &[&str]) -> bool {
    match role {
        Role::Office => true,
        Role::DepartmentHead | Role::Handler => user_department.is_some_and(|u| departments.contains(&u)),
        _ => false,
    }
}

/// Who may push check lists: the initiating department's own staff, or the office.
pub fn may_push_check_list(role: Role, user_department: Option<&str>, initiating_department: &str) -> bool {
    acts_for(role, user_department, &[initiating_department])
}

/// Why a pending item found later (补录) may not be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddItemRefusal {
    /// Only the project's initiating department or the office adds items.
    NotAllowed,
    /// The project was removed from the library.
    NotInLibrary,
}

impl AddItemRefusal {
    pub fn message(self) -> &'static str {
        match self {
            AddItemRefusal::NotAllowed => "只有项目的立项部门或领导小组办公室可以补录待批事项",
            AddItemRefusal::NotInLibrary => "项目已移出项目库，不能再补录待批事项",
        }
    }
}

impl std::fmt::Display for AddItemRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl Explain for AddItemRefusal {
    fn key(&self) -> &'static str {
        match self {
            AddItemRefusal::NotAllowed => "err-ledger-add-item-not-allowed",
            AddItemRefusal::NotInLibrary => "err-ledger-add-item-not-in-library",
        }
    }
}

/// Whether this person may add a pending item found later (补录) to a project. The
/// people who push the project's check lists may — its initiating department's staff,
/// or the office — and only while it is in the project library.
pub fn add_item_refusal(
    role: Role,
    user_department: Option<&str>,
    initiating_department: Option<&str>,
    in_library: bool,
) -> Option<AddItemRefusal> {
    let allowed = match initiating_department {
        Some(d) => may_push_check_list(role, user_department, d),
        None => role == Role::Office,
    };
    if !allowed {
        Some(AddItemRefusal::NotAllowed)
    } else if !in_library {
        Some(AddItemRefusal::NotInLibrary)
    } else {
        None
    }
}

/// Whether a spreadsheet import by this person may change an existing pending item
/// (its handling department and the answers on it). The office's may; a department's
/// may change only the items it handles itself, because the others' answers are theirs
/// to give ([`may_answer`]). New items of a department's own projects are always added.
pub fn may_import_over_item(role: Role, user_department: Option<&str>, handling_department: &str) -> bool {
    role == Role::Office || may_answer(role, user_department, handling_department)
}

/// Who may answer a check-list row: the handling department's own staff.
pub fn may_answer(role: Role, user_department: Option<&str>, handling_department: &str) -> bool {
    matches!(role, Role::DepartmentHead | Role::Handler) && user_department == Some(handling_department)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_items_found_later_are_added_by_the_initiating_department_or_the_office() {
        let fgw = Some("fgw-id");
        assert_eq!(add_item_refusal(Role::Office, None, fgw, true), None);
        assert_eq!(add_item_refusal(Role::Office, None, None, true), None);
        assert_eq!(add_item_refusal(Role::DepartmentHead, fgw, fgw, true), None);
        assert_eq!(add_item_refusal(Role::Handler, fgw, fgw, true), None);
        assert!(add_item_refusal(Role::Handler, Some("zrzy-id"), fgw, true).is_some());
        assert!(add_item_refusal(Role::Handler, fgw, None, true).is_some());
        assert!(add_item_refusal(Role::Inspector, None, fgw, true).is_some());
        assert!(add_item_refusal(Role::Leader, None, fgw, true).is_some());
        assert!(add_item_refusal(Role::Applicant, None, fgw, true).is_some());
        assert_eq!(add_item_refusal(Role::Office, None, fgw, false), Some(AddItemRefusal::NotInLibrary));
        assert_eq!(add_item_refusal(Role::Handler, Some("zrzy-id"), fgw, false), Some(AddItemRefusal::NotAllowed));
    }

    #[test]
    fn the_office_acts_for_every_department_and_its_staff_for_their_own() {
        assert!(acts_for(Role::Office, None, &["fgw-id"]));
        assert!(acts_for(Role::Handler, Some("fgw-id"), &["zrzy-id", "fgw-id"]));
        assert!(acts_for(Role::DepartmentHead, Some("fgw-id"), &["fgw-id"]));
        assert!(!acts_for(Role::Handler, Some("fgw-id"), &["zrzy-id"]));
        assert!(!acts_for(Role::Handler, None, &[]));
        assert!(!acts_for(Role::Handler, Some("fgw-id"), &[]));
        for r in [Role::Leader, Role::Inspector, Role::Applicant, Role::Admin] {
            assert!(!acts_for(r, Some("fgw-id"), &["fgw-id"]), "{r:?}");
        }
    }

    #[test]
    fn a_department_import_leaves_other_departments_answers_alone() {
        assert!(may_import_over_item(Role::Office, None, "zrzy-id"));
        assert!(may_import_over_item(Role::Handler, Some("zrzy-id"), "zrzy-id"));
        assert!(may_import_over_item(Role::DepartmentHead, Some("zrzy-id"), "zrzy-id"));
        assert!(!may_import_over_item(Role::Handler, Some("fgw-id"), "zrzy-id"));
        assert!(!may_import_over_item(Role::Leader, None, "zrzy-id"));
        assert!(!may_import_over_item(Role::Inspector, None, "zrzy-id"));
    }

    #[test]
    fn a_department_imports_only_its_own_projects() {
        let own = Some("fgw-id");
        // The office loads anything; readers and project units load nothing.
        assert_eq!(import_refusal_reason(Role::Office, None, Some("gxj-id"), Some(Some("slj-id"))), None);
        assert!(import_refusal_reason(Role::Inspector, None, own, None).is_some());
        assert!(import_refusal_reason(Role::Applicant, None, own, None).is_some());
        assert!(import_refusal_reason(Role::Leader, None, own, None).is_some());
        for role in [Role::DepartmentHead, Role::Handler] {
            assert_eq!(import_refusal_reason(role, own, own, None), None, "a new project of its own");
            assert_eq!(import_refusal_reason(role, own, own, Some(own)), None, "its own existing project");
            assert!(import_refusal_reason(role, own, Some("gxj-id"), None).is_some(), "another department's");
            assert!(import_refusal_reason(role, own, None, None).is_some(), "no initiating department named");
            assert!(import_refusal_reason(role, own, own, Some(Some("gxj-id"))).is_some(), "taking over another's");
            assert!(import_refusal_reason(role, own, own, Some(None)).is_some(), "claiming an unassigned project");
            assert!(import_refusal_reason(role, None, own, None).is_some(), "an account with no department");
        }
        assert!(may_import(Role::Handler) && may_import(Role::DepartmentHead) && may_import(Role::Office));
        assert!(!may_import(Role::Inspector) && !may_import(Role::Leader) && !may_import(Role::Applicant));
    }
}
