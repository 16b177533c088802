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
    /// 系统管理员: accounts and configuration.
    Admin,
}

pub const ALL_ROLES: [Role; 7] =
    [Role::Applicant, Role::Handler, Role::DepartmentHead, Role::Office, Role::Leader, Role::Inspector, Role::Admin];

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
        }
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
    /// Nothing at all (a misconfigured account).
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("该角色必须归属一个部门")]
    MissingDepartment,
    #[error("该角色必须归属一个项目单位")]
    MissingOwner,
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
            Role::Office | Role::Leader | Role::Inspector | Role::Admin => ScopeLimit::Region,
        };
        Scope {
            region_prefix: region.scope_prefix().to_string(),
            limit,
            read_only: matches!(role, Role::Inspector | Role::Leader),
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
    fn role_names_round_trip() {
        for r in ALL_ROLES {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
