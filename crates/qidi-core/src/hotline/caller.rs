//! The caller (来电人): who sees them and the order, who may look them up, their phone masked and normalised.

use super::OrderFacts;
use crate::Role;
use serde::Serialize;

/// How a viewer sees the caller (来电人).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerView {
    /// Name and phone hidden: the viewer sees "来电人".
    Hidden,
    /// The name, and the phone masked (138****1234); the viewer may unmask, recorded.
    Masked,
}

/// Who sees the caller: never the department complained about (even when it also
/// leads); the office and the leading department see the phone masked; everyone
/// else (leaders, inspectors, other departments) sees "来电人".
pub fn caller_view(role: Role, department_id: Option<&str>, facts: &OrderFacts) -> CallerView {
    if department_id.is_some() && department_id == facts.complained_department_id.as_deref() {
        return CallerView::Hidden;
    }
    match role {
        Role::Office => CallerView::Masked,
        Role::Handler | Role::DepartmentHead
            if department_id.is_some() && department_id == facts.leading_department_id.as_deref() =>
        {
            CallerView::Masked
        }
        _ => CallerView::Hidden,
    }
}

/// Whether a person may look a caller's orders up by phone: only those who may see
/// callers masked (the office, and departments' people for the orders they lead).
pub fn may_find_by_phone(role: Role) -> bool {
    matches!(role, Role::Office | Role::Handler | Role::DepartmentHead)
}

/// Whether a person may see the order at all: the office, leaders and inspectors of
/// the region, the leading department and the department complained about.
pub fn may_see(role: Role, department_id: Option<&str>, facts: &OrderFacts) -> bool {
    match role {
        Role::Office | Role::Leader | Role::Inspector => true,
        Role::Handler | Role::DepartmentHead => department_id.is_some_and(|d| {
            Some(d) == facts.leading_department_id.as_deref() || Some(d) == facts.complained_department_id.as_deref()
        }),
        Role::Applicant | Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => false,
    }
}

/// Who may record a complaint as substantiated (属实): the office, or the leading
/// department (the initiating department assesses the handling departments).
pub fn may_substantiate(role: Role, department_id: Option<&str>, facts: &OrderFacts) -> bool {
    role == Role::Office
        || (matches!(role, Role::Handler | Role::DepartmentHead)
            && department_id.is_some()
            && department_id == facts.leading_department_id.as_deref()
            && department_id != facts.complained_department_id.as_deref())
}

/// The caller's label when hidden.
pub const CALLER_LABEL: &str = "来电人";

/// A phone number as the office and the leading department see it: the first three
/// and the last four digits (138****1234); short numbers are masked whole.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Normalise a phone number: spaces and dashes dropped; then 5 to 20 digits, perhaps
/// after a `+`.
pub fn normalise_phone(s: &str) -> Option<String> {
    let p: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    let digits = p.strip_prefix('+').unwrap_or(&p);
    (digits.len() >= 5 && digits.len() <= 20 && digits.chars().all(|c| c.is_ascii_digit())).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotline::fixtures::facts;
    use crate::hotline::OrderState;

    #[test]
    fn the_complained_about_department_never_sees_the_caller() {
        let f = facts(OrderState::Assigned);
        assert_eq!(caller_view(Role::Handler, Some("zrzy"), &f), CallerView::Hidden);
        assert_eq!(caller_view(Role::DepartmentHead, Some("zrzy"), &f), CallerView::Hidden);
        assert_eq!(caller_view(Role::Handler, Some("fgw"), &f), CallerView::Masked);
        assert_eq!(caller_view(Role::Office, None, &f), CallerView::Masked);
        assert_eq!(caller_view(Role::Leader, None, &f), CallerView::Hidden);
        assert_eq!(caller_view(Role::Inspector, None, &f), CallerView::Hidden);
        // Leading and complained about at once: hidden wins.
        let same = OrderFacts { complained_department_id: Some("fgw".into()), ..f.clone() };
        assert_eq!(caller_view(Role::Handler, Some("fgw"), &same), CallerView::Hidden);
        assert!(may_see(Role::Handler, Some("zrzy"), &f));
        assert!(!may_see(Role::Handler, Some("slj"), &f));
        assert!(!may_see(Role::Applicant, None, &f));
        assert!(may_substantiate(Role::Handler, Some("fgw"), &f));
        assert!(!may_substantiate(Role::Handler, Some("zrzy"), &f));
        assert!(!may_substantiate(Role::Leader, None, &f));
    }

    #[test]
    fn only_those_who_may_see_a_caller_masked_find_callers_by_phone() {
        let f = facts(OrderState::Assigned);
        for role in crate::role::ALL_ROLES {
            let sees_some =
                [None, Some("fgw"), Some("zrzy")].into_iter().any(|d| caller_view(role, d, &f) == CallerView::Masked);
            assert_eq!(may_find_by_phone(role), sees_some, "{role:?}");
        }
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("+8613812341234"), "+86****1234");
        assert_eq!(mask_phone("1234"), "****");
        assert_eq!(normalise_phone("138-1234 1234").as_deref(), Some("13812341234"));
        assert_eq!(normalise_phone("abc"), None);
        assert_eq!(normalise_phone("12"), None);
    }
}
