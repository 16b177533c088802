//! Supervision orders (挂牌督办, R18): the office puts a department, a project or a
//! pending item under a named order with a reason, the action required, a deadline and
//! a responsible person, and lifts it with a recorded result. An open order lights like
//! any clock: yellow near its deadline by the light policy, red after it.

use crate::calendar::WorkCalendar;
use crate::light::{light, Light, LightPolicy};
use crate::role::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an order is put on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderTarget {
    Department,
    Project,
    Item,
}

impl OrderTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderTarget::Department => "department",
            OrderTarget::Project => "project",
            OrderTarget::Item => "item",
        }
    }

    pub fn parse(s: &str) -> Option<OrderTarget> {
        [OrderTarget::Department, OrderTarget::Project, OrderTarget::Item].into_iter().find(|t| t.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            OrderTarget::Department => "部门",
            OrderTarget::Project => "项目",
            OrderTarget::Item => "待批事项",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("只有领导小组办公室可以挂牌督办或解除督办")]
    NotOffice,
    /// `field` is the field's Chinese name; `code` names its label in the pages'
    /// catalogue (`supervision-<code>`).
    #[error("{field}：不能为空")]
    Blank { field: &'static str, code: &'static str },
    #[error("{field}：不能超过 {max} 字")]
    TooLong { field: &'static str, code: &'static str, max: usize },
    #[error("督办时限 {deadline} 早于挂牌日期 {issued_on}")]
    DeadlineBeforeIssue { deadline: NaiveDate, issued_on: NaiveDate },
    #[error("该督办已于 {0} 解除")]
    AlreadyLifted(NaiveDate),
}

impl crate::sentence::Explain for OrderError {
    fn key(&self) -> &'static str {
        match self {
            OrderError::NotOffice => "err-supervision-office-only",
            OrderError::Blank { .. } => "err-supervision-field-blank",
            OrderError::TooLong { .. } => "err-supervision-field-too-long",
            OrderError::DeadlineBeforeIssue { .. } => "err-supervision-deadline-before-issue",
            OrderError::AlreadyLifted(_) => "err-supervision-already-lifted",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        use crate::sentence::Arg;
        match self {
            OrderError::NotOffice => Vec::new(),
            OrderError::Blank { code, .. } => vec![("field", Arg::Label { prefix: "supervision", code })],
            OrderError::TooLong { code, max, .. } => {
                vec![("field", Arg::Label { prefix: "supervision", code }), ("max", (*max).into())]
            }
            OrderError::DeadlineBeforeIssue { deadline, issued_on } => {
                vec![("deadline", (*deadline).into()), ("issued_on", (*issued_on).into())]
            }
            OrderError::AlreadyLifted(on) => vec![("on", (*on).into())],
        }
    }
}

/// What the office writes when it issues an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// The order's name, e.g. 关于加快办理某项目环评审批的督办.
    pub title: String,
    pub reason: String,
    pub required_action: String,
    pub deadline: NaiveDate,
    pub responsible_person: String,
}

/// Only the office issues and lifts orders.
pub fn may_manage(role: Role) -> Result<(), OrderError> {
    if role == Role::Office {
        Ok(())
    } else {
        Err(OrderError::NotOffice)
    }
}

/// `field` is the Chinese name, `code` the label's in the pages' catalogue.
fn text(field: &'static str, code: &'static str, value: &str, max: usize) -> Result<String, OrderError> {
    let t = value.trim();
    if t.is_empty() {
        return Err(OrderError::Blank { field, code });
    }
    if t.chars().count() > max {
        return Err(OrderError::TooLong { field, code, max });
    }
    Ok(t.to_string())
}

impl OrderRequest {
    /// Trimmed and checked; the deadline may not be before the day of issue.
    pub fn validated(&self, issued_on: NaiveDate) -> Result<OrderRequest, OrderError> {
        if self.deadline < issued_on {
            return Err(OrderError::DeadlineBeforeIssue { deadline: self.deadline, issued_on });
        }
        Ok(OrderRequest {
            title: text("督办名称", "order-title", &self.title, 200)?,
            reason: text("督办事由", "reason", &self.reason, 2000)?,
            required_action: text("整改要求", "required-action", &self.required_action, 2000)?,
            deadline: self.deadline,
            responsible_person: text("责任人", "responsible-person", &self.responsible_person, 50)?,
        })
    }
}

/// Who sees an order on a department: the office, the leader and the inspectors of the
/// region; that department's head and handlers.
pub fn may_see(role: Role, user_department: Option<&str>, order_department: &str) -> bool {
    match role {
        Role::Office | Role::Leader | Role::Inspector => true,
        Role::DepartmentHead | Role::Handler => user_department == Some(order_department),
        Role::Applicant | Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => false,
    }
}

/// Only the system administrator sets which departments an inspector oversees (and
/// reads them, as the inspector itself may).
pub fn may_set_overseen_departments(by: Role) -> bool {
    by == Role::Admin
}

/// Whether `role` may lift an order lifted on `lifted_on` (if it was): the office, once.
pub fn may_lift(role: Role, lifted_on: Option<NaiveDate>) -> bool {
    may_manage(role).is_ok() && lifted_on.is_none()
}

/// The result recorded when an order is lifted.
pub fn check_result(result: &str, lifted_on: Option<NaiveDate>) -> Result<String, OrderError> {
    if let Some(on) = lifted_on {
        return Err(OrderError::AlreadyLifted(on));
    }
    text("办理结果", "result", result, 2000)
}

/// When yellow comes on for an order issued on `issued_on` with `deadline`: the light
/// policy applied to the working days between them, as for any clock.
pub fn warn_on(calendar: &WorkCalendar, policy: LightPolicy, issued_on: NaiveDate, deadline: NaiveDate) -> NaiveDate {
    let limit = u32::try_from(calendar.working_days_between(issued_on, deadline).max(0)).unwrap_or(u32::MAX);
    let threshold = policy.warn_threshold(limit);
    calendar.add_working_days(issued_on, threshold).min(deadline)
}

/// An open order's light on `today`; a lifted order has none.
pub fn order_light(
    calendar: &WorkCalendar,
    policy: LightPolicy,
    issued_on: NaiveDate,
    deadline: NaiveDate,
    lifted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Light> {
    lifted_on.is_none().then(|| light(today, deadline, warn_on(calendar, policy, issued_on, deadline)))
}

/// Working days past the deadline on `on` (0 on or before it).
pub fn days_past(calendar: &WorkCalendar, deadline: NaiveDate, on: NaiveDate) -> i64 {
    calendar.working_days_overdue(deadline, on)
}

/// An order open at a month's end, as the bulletin lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrder {
    pub department_code: String,
    pub department: String,
    pub target: OrderTarget,
    /// What it is on: the department's, project's or item's name.
    pub target_name: String,
    pub title: String,
    pub reason: String,
    pub required_action: String,
    pub responsible_person: String,
    pub issued_on: NaiveDate,
    pub deadline: NaiveDate,
    /// Working days past the deadline at the month's end.
    pub days_past_deadline: i64,
    pub link: String,
}

/// Orders open at `as_of` (issued by then, not lifted by then), most overdue first.
pub fn open_at(
    calendar: &WorkCalendar,
    orders: Vec<(OpenOrder, Option<NaiveDate>)>,
    as_of: NaiveDate,
) -> Vec<OpenOrder> {
    let mut out: Vec<OpenOrder> = orders
        .into_iter()
        .filter(|(o, lifted)| o.issued_on <= as_of && lifted.is_none_or(|l| l > as_of))
        .map(|(mut o, _)| {
            o.days_past_deadline = days_past(calendar, o.deadline, as_of);
            o
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_past_deadline.cmp(&a.days_past_deadline).then(a.deadline.cmp(&b.deadline)).then(a.title.cmp(&b.title))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn req(deadline: &str) -> OrderRequest {
        OrderRequest {
            title: " 关于加快环评审批的督办 ".into(),
            reason: "超期 10 个工作日".into(),
            required_action: "五个工作日内办结".into(),
            deadline: d(deadline),
            responsible_person: "王某".into(),
        }
    }

    #[test]
    fn only_the_office_manages_orders() {
        assert!(may_manage(Role::Office).is_ok());
        for r in [Role::Inspector, Role::Leader, Role::DepartmentHead, Role::Handler, Role::Admin, Role::Applicant] {
            assert_eq!(may_manage(r), Err(OrderError::NotOffice));
            assert!(!may_lift(r, None));
        }
        assert!(may_lift(Role::Office, None));
        assert!(may_see(Role::Inspector, None, "fgw") && may_see(Role::Leader, None, "fgw"));
        assert!(may_see(Role::Handler, Some("fgw"), "fgw") && !may_see(Role::Handler, Some("zrzy"), "fgw"));
        assert!(!may_see(Role::Applicant, None, "fgw") && !may_see(Role::Admin, None, "fgw"));
        let setting: Vec<Role> =
            crate::role::ALL_ROLES.into_iter().filter(|r| may_set_overseen_departments(*r)).collect();
        assert_eq!(setting, [Role::Admin]);
        assert!(!may_lift(Role::Office, Some(d("2026-04-25"))));
    }

    #[test]
    fn requests_are_checked() {
        let ok = req("2026-04-30").validated(d("2026-04-20")).unwrap();
        assert_eq!(ok.title, "关于加快环评审批的督办");
        assert!(matches!(req("2026-04-19").validated(d("2026-04-20")), Err(OrderError::DeadlineBeforeIssue { .. })));
        let mut r = req("2026-04-30");
        r.responsible_person = " ".into();
        assert_eq!(r.validated(d("2026-04-20")).unwrap_err().to_string(), "责任人：不能为空");
        assert!(check_result("已办结", None).is_ok());
        assert!(check_result(" ", None).is_err());
        assert_eq!(check_result("已办结", Some(d("2026-04-25"))), Err(OrderError::AlreadyLifted(d("2026-04-25"))));
        assert_eq!(OrderTarget::parse("item"), Some(OrderTarget::Item));
        assert_eq!(OrderTarget::parse("x"), None);
    }

    #[test]
    fn an_order_lights_like_a_clock() {
        let cal = WorkCalendar::shipped();
        let p = LightPolicy::default();
        // Issued Monday 13 April 2026, due Friday 24 April: 9 working days; yellow
        // after 7 (2 left): Wednesday 22 April.
        assert_eq!(warn_on(&cal, p, d("2026-04-13"), d("2026-04-24")), d("2026-04-22"));
        let l = |today| order_light(&cal, p, d("2026-04-13"), d("2026-04-24"), None, d(today));
        assert_eq!(l("2026-04-21"), Some(Light::Green));
        assert_eq!(l("2026-04-22"), Some(Light::Yellow));
        assert_eq!(l("2026-04-24"), Some(Light::Yellow));
        assert_eq!(l("2026-04-25"), Some(Light::Red));
        assert_eq!(
            order_light(&cal, p, d("2026-04-13"), d("2026-04-24"), Some(d("2026-04-23")), d("2026-04-30")),
            None
        );
        // Labour Day 1–5 May 2026 is off: 30 April due, 6 May is 1 working day past.
        assert_eq!(days_past(&cal, d("2026-04-30"), d("2026-05-06")), 1);
        assert_eq!(days_past(&cal, d("2026-04-30"), d("2026-04-29")), 0);
    }

    #[test]
    fn open_orders_at_a_months_end() {
        let cal = WorkCalendar::shipped();
        let o = |title: &str, issued: &str, deadline: &str| OpenOrder {
            department_code: "sthj".into(),
            department: "旗生态环境分局".into(),
            target: OrderTarget::Department,
            target_name: "旗生态环境分局".into(),
            title: title.into(),
            reason: "r".into(),
            required_action: "a".into(),
            responsible_person: "p".into(),
            issued_on: d(issued),
            deadline: d(deadline),
            days_past_deadline: 0,
            link: "/supervision/orders/x".into(),
        };
        let orders = vec![
            (o("open-late", "2026-04-01", "2026-04-20"), None),
            (o("open-not-due", "2026-04-01", "2026-05-20"), None),
            (o("lifted-in-april", "2026-04-01", "2026-04-20"), Some(d("2026-04-29"))),
            (o("lifted-in-may", "2026-04-01", "2026-04-28"), Some(d("2026-05-08"))),
            (o("issued-in-may", "2026-05-02", "2026-05-20"), None),
        ];
        let open = open_at(&cal, orders, d("2026-04-30"));
        let got: Vec<(&str, i64)> = open.iter().map(|o| (o.title.as_str(), o.days_past_deadline)).collect();
        assert_eq!(got, vec![("open-late", 8), ("lifted-in-may", 2), ("open-not-due", 0)]);
    }

    proptest! {
        /// Yellow never comes after the deadline nor before the day of issue, and the
        /// light only goes green → yellow → red as days pass.
        #[test]
        fn lights_only_get_worse(start in 0i64..2000, len in 0i64..60) {
            let cal = WorkCalendar::shipped();
            let issued = d("2020-01-01") + chrono::Duration::days(start);
            let deadline = issued + chrono::Duration::days(len);
            let p = LightPolicy::default();
            let w = warn_on(&cal, p, issued, deadline);
            prop_assert!(w >= issued && w <= deadline);
            let mut last = Light::Green;
            for k in 0..(len + 10) {
                let today = issued + chrono::Duration::days(k);
                let l = order_light(&cal, p, issued, deadline, None, today).unwrap();
                prop_assert!(l >= last);
                prop_assert_eq!(l == Light::Red, today > deadline);
                last = l;
            }
        }
    }
}
