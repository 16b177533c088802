//! Roles and what each may see. The store turns a [`Scope`] into SQL; it never decides
//! who sees what on its own.

use crate::region::RegionCode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 项目单位: submits applications for its own projects.
    Applicant,
    /// 审批部门经办人: reviews applications of one department.
    Handler,
    /// 部门主要负责人: owns and signs a department's ledger.
    DepartmentHead,
    /// 领导小组办公室: aggregates the ledger, dispatches, publishes bulletins.
    Office,
    /// 分管旗长 / 领导小组: signs the ledger, watches dashboards.
    Leader,
    /// 派驻纪检组: reads, never writes.
    Inspector,
    /// 系统管理员: accounts and configuration (the calendar, message channels).
    Admin,
    /// 安全管理员: account security: roles, unlocking, second factors.
    SecurityAdmin,
    /// 审计管理员: reads the record.
    AuditAdmin,
}

pub const ALL_ROLES: [Role; 9] = [
    Role::Applicant,
    Role::Handler,
    Role::DepartmentHead,
    Role::Office,
    Role::Leader,
    Role::Inspector,
    Role::Admin,
    Role::SecurityAdmin,
    Role::AuditAdmin,
];

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Handler => "handler",
            Role::DepartmentHead => "department_head",
            Role::Office => "office",
            Role::Leader => "leader",
            Role::Inspector => "inspector",
            Role::Admin => "admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        ALL_ROLES.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Applicant => "项目单位",
            Role::Handler => "审批经办人",
            Role::DepartmentHead => "部门负责人",
            Role::Office => "领导小组办公室",
            Role::Leader => "分管领导",
            Role::Inspector => "派驻纪检组",
            Role::Admin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    /// The three administrators (三员分立): the system, security and audit
    /// administrators. Each holds one role only, and none of them reads business data or
    /// applicants' materials by virtue of it: their scope is empty.
    pub fn is_administrator(self) -> bool {
        matches!(self, Role::Admin | Role::SecurityAdmin | Role::AuditAdmin)
    }

    /// Whether an account of this role may be named a project's helper (帮办代办): the
    /// staff who handle approvals (the office, handlers, department heads), never a
    /// project unit, an inspector, a leader or an administrator.
    pub fn may_help(self) -> bool {
        matches!(self, Role::Office | Role::Handler | Role::DepartmentHead)
    }

    /// Whether this role names a project's helpers: the office.
    pub fn assigns_helpers(self) -> bool {
        self == Role::Office
    }

    /// Whether an account of this role, of the project unit `own_owner`, authorises the
    /// helpers of a project of `project_owner`: only the project's own unit.
    pub fn may_authorise_helpers(self, own_owner: Option<&str>, project_owner: Option<&str>) -> bool {
        self == Role::Applicant && own_owner.is_some() && own_owner == project_owner
    }

    /// Whether this role manages other accounts' security (roles, locks, second factors).
    pub fn manages_accounts(self) -> bool {
        self == Role::SecurityAdmin
    }

    /// Whether the security administrator may change the account of a `target` role (its
    /// lock, second factor, role) on the web, and (`to`) give it that role. Never their
    /// own account or another administrator's, never to an administrator's role (those
    /// accounts are made at the server's console, one role each), and not to or from a
    /// project unit (an account tied to its unit).
    pub fn may_change_account(by: Role, target: Role, own: bool, to: Option<Role>) -> bool {
        let plain = |r: Role| !r.is_administrator() && r != Role::Applicant;
        by.manages_accounts() && !own && !target.is_administrator() && to.is_none_or(|to| plain(to) && plain(target))
    }

    /// Whether the system administrator keeps (creates, disables, enables) an account of
    /// the `target` role on the web. Staff accounts only: never an administrator's (made
    /// at the server's console, one role each), never a project unit's (tied to its
    /// unit, made by the office), never their own. Roles are then changed by the
    /// security administrator alone ([`Role::may_change_account`]).
    pub fn may_keep_account(by: Role, target: Role, own: bool) -> bool {
        by == Role::Admin && !own && !target.is_administrator() && target != Role::Applicant
    }

    /// Whether this role sees the list of the region's accounts: the system
    /// administrator (who keeps them) and the security administrator (who secures them).
    pub fn sees_accounts(self) -> bool {
        matches!(self, Role::Admin | Role::SecurityAdmin)
    }

    /// Whether this role takes part in supervision: sees supervision orders and the
    /// progress reports' plan. The administration's staff do; a project unit does not
    /// (an order is the administration's business with a department), nor do the
    /// administrators, who read no business data.
    pub fn sees_supervision(self) -> bool {
        self != Role::Applicant && !self.is_administrator()
    }

    /// Roles that act for one department and must belong to one.
    pub fn needs_department(self) -> bool {
        matches!(self, Role::Handler | Role::DepartmentHead)
    }

    /// Roles that act for one project unit and must belong to one.
    pub fn needs_owner(self) -> bool {
        matches!(self, Role::Applicant)
    }
}

/// What one signed-in user may see: a region subtree, and within it perhaps only one
/// department's or one project unit's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Rows whose `region_code` starts with this prefix.
    pub region_prefix: String,
    pub limit: ScopeLimit,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeLimit {
    /// Everything in the region subtree.
    Region,
    /// Projects this department initiated, and pending items it handles.
    Department(String),
    /// Projects of this project unit.
    Owner(String),
    /// Nothing at all: an administrator, or a misconfigured account.
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("该角色必须归属一个部门")]
    MissingDepartment,
    #[error("该角色必须归属一个项目单位")]
    MissingOwner,
}

impl crate::sentence::Explain for ScopeError {
    fn key(&self) -> &'static str {
        match self {
            ScopeError::MissingDepartment => "err-account-missing-department",
            ScopeError::MissingOwner => "err-account-missing-owner",
        }
    }
}

impl Scope {
    /// The scope of a user with this role, region, department and project unit.
    pub fn for_user(role: Role, region: &RegionCode, department_id: Option<&str>, owner_id: Option<&str>) -> Scope {
        let limit = match role {
            Role::Handler | Role::DepartmentHead => match department_id {
                Some(d) => ScopeLimit::Department(d.to_string()),
                None => ScopeLimit::Nothing,
            },
            Role::Applicant => match owner_id {
                Some(o) => ScopeLimit::Owner(o.to_string()),
                None => ScopeLimit::Nothing,
            },
            Role::Office | Role::Leader | Role::Inspector => ScopeLimit::Region,
            Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => ScopeLimit::Nothing,
        };
        Scope {
            region_prefix: region.scope_prefix().to_string(),
            limit,
            read_only: matches!(role, Role::Inspector | Role::Leader) || role.is_administrator(),
        }
    }

    /// Check that an account's links fit its role before it is created.
    pub fn check_account(role: Role, department_id: Option<&str>, owner_id: Option<&str>) -> Result<(), ScopeError> {
        if role.needs_department() && department_id.is_none() {
            return Err(ScopeError::MissingDepartment);
        }
        if role.needs_owner() && owner_id.is_none() {
            return Err(ScopeError::MissingOwner);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_roles() {
        let banner = RegionCode::parse("152529").unwrap();
        let s = Scope::for_user(Role::Handler, &banner, Some("d1"), None);
        assert_eq!(s.limit, ScopeLimit::Department("d1".into()));
        assert_eq!(s.region_prefix, "152529");
        assert!(!s.read_only);
        let s = Scope::for_user(Role::Handler, &banner, None, None);
        assert_eq!(s.limit, ScopeLimit::Nothing);
        let s = Scope::for_user(Role::Inspector, &RegionCode::parse("152500").unwrap(), None, None);
        assert_eq!(s.limit, ScopeLimit::Region);
        assert_eq!(s.region_prefix, "1525");
        assert!(s.read_only);
        let s = Scope::for_user(Role::Applicant, &banner, None, Some("o1"));
        assert_eq!(s.limit, ScopeLimit::Owner("o1".into()));
        assert_eq!(Scope::check_account(Role::Handler, None, None), Err(ScopeError::MissingDepartment));
        assert_eq!(Scope::check_account(Role::Applicant, None, None), Err(ScopeError::MissingOwner));
        assert!(Scope::check_account(Role::Office, None, None).is_ok());
    }

    #[test]
    fn administrators_see_no_business_data_and_write_none() {
        let banner = RegionCode::parse("152529").unwrap();
        for r in ALL_ROLES {
            let s = Scope::for_user(r, &banner, Some("d1"), Some("o1"));
            assert_eq!(r.is_administrator(), matches!(r, Role::Admin | Role::SecurityAdmin | Role::AuditAdmin));
            if r.is_administrator() {
                assert_eq!(s.limit, ScopeLimit::Nothing, "{r:?}");
                assert!(s.read_only, "{r:?}");
            } else {
                assert_ne!(s.limit, ScopeLimit::Nothing, "{r:?}");
            }
        }
    }

    #[test]
    fn only_the_security_administrator_changes_accounts_and_never_an_administrator() {
        let may = Role::may_change_account;
        assert!(may(Role::SecurityAdmin, Role::Handler, false, None));
        assert!(may(Role::SecurityAdmin, Role::Handler, false, Some(Role::DepartmentHead)));
        assert!(may(Role::SecurityAdmin, Role::Applicant, false, None), "unlocking a unit's account");
        assert!(!may(Role::SecurityAdmin, Role::Applicant, false, Some(Role::Handler)));
        assert!(!may(Role::SecurityAdmin, Role::Handler, false, Some(Role::Applicant)));
        assert!(!may(Role::SecurityAdmin, Role::SecurityAdmin, true, None), "not their own");
        for admin in [Role::Admin, Role::AuditAdmin] {
            assert!(!may(Role::SecurityAdmin, admin, false, None));
            assert!(!may(Role::SecurityAdmin, Role::Office, false, Some(admin)), "no second administrator role");
        }
        for r in ALL_ROLES.into_iter().filter(|r| *r != Role::SecurityAdmin) {
            assert!(!may(r, Role::Handler, false, None), "{r:?}");
        }
    }

    #[test]
    fn only_the_system_administrator_keeps_staff_accounts() {
        let may = Role::may_keep_account;
        for staff in [Role::Handler, Role::DepartmentHead, Role::Office, Role::Leader, Role::Inspector] {
            assert!(may(Role::Admin, staff, false), "{staff:?}");
        }
        assert!(!may(Role::Admin, Role::Handler, true), "not their own");
        assert!(!may(Role::Admin, Role::Applicant, false));
        for admin in [Role::Admin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert!(!may(Role::Admin, admin, false), "{admin:?}");
        }
        for r in ALL_ROLES.into_iter().filter(|r| *r != Role::Admin) {
            assert!(!may(r, Role::Handler, false), "{r:?}");
        }
        let seeing: Vec<Role> = ALL_ROLES.into_iter().filter(|r| r.sees_accounts()).collect();
        assert_eq!(seeing, [Role::Admin, Role::SecurityAdmin]);
    }

    #[test]
    fn the_office_names_helpers_and_the_projects_own_unit_authorises_them() {
        let naming: Vec<Role> = ALL_ROLES.into_iter().filter(|r| r.assigns_helpers()).collect();
        assert_eq!(naming, [Role::Office]);
        assert!(Role::Applicant.may_authorise_helpers(Some("o1"), Some("o1")));
        assert!(!Role::Applicant.may_authorise_helpers(Some("o2"), Some("o1")));
        assert!(!Role::Applicant.may_authorise_helpers(None, None), "a unit without its unit authorises nothing");
        for r in ALL_ROLES.into_iter().filter(|r| *r != Role::Applicant) {
            assert!(!r.may_authorise_helpers(Some("o1"), Some("o1")), "{r:?}");
        }
    }

    #[test]
    fn the_administrations_staff_see_supervision_and_no_one_else() {
        let seeing: Vec<Role> = ALL_ROLES.into_iter().filter(|r| r.sees_supervision()).collect();
        assert_eq!(seeing, [Role::Handler, Role::DepartmentHead, Role::Office, Role::Leader, Role::Inspector]);
    }

    #[test]
    fn role_names_round_trip() {
        for r in ALL_ROLES {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
