//! An order as it arrives, checked field by field; where it starts; how long to wait before calling the platform back.

use super::{normalise_phone, Category, OrderState, Urgency};
use serde::Deserialize;

/// A field of an order that is refused, and why (in Chinese), with the sentence's
/// catalogue key and arguments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
    pub key: &'static str,
    pub args: Vec<(&'static str, crate::sentence::Arg)>,
}

impl crate::sentence::Explain for FieldError {
    fn key(&self) -> &'static str {
        self.key
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        self.args.clone()
    }
}

fn field(field: &'static str, key: &'static str, message: impl Into<String>) -> FieldError {
    FieldError { field, message: message.into(), key, args: vec![("field", field.into())] }
}

impl FieldError {
    fn arg(mut self, name: &'static str, value: impl Into<crate::sentence::Arg>) -> FieldError {
        self.args.push((name, value.into()));
        self
    }
}

/// An order as it arrives, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct OrderInput {
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub caller_name: Option<String>,
    #[serde(default)]
    pub caller_phone: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub project_code: Option<String>,
    #[serde(default)]
    pub item_type: Option<String>,
}

/// A checked order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub order_number: String,
    pub category: Category,
    pub urgency: Urgency,
    pub caller_name: String,
    /// Digits, perhaps with a leading `+`.
    pub caller_phone: String,
    pub text: String,
    pub project_code: Option<String>,
    pub item_type: Option<String>,
}

/// `label` is the field's Chinese name; `code` names its label in the pages'
/// catalogue (`hotline-<code>`).
fn required(
    v: &Option<String>,
    name: &'static str,
    label: &str,
    code: &'static str,
    max: usize,
) -> Result<String, FieldError> {
    use crate::sentence::Arg;
    let label_arg = || Arg::Label { prefix: "hotline", code };
    let s = v.as_deref().map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Err(
            field(name, "err-hotline-field-missing", format!("缺少{label}（{name}）")).arg("label", label_arg())
        );
    }
    if s.chars().count() > max {
        return Err(field(name, "err-hotline-field-too-long", format!("{label}（{name}）不能超过 {max} 个字符"))
            .arg("label", label_arg())
            .arg("max", max));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(field(name, "err-hotline-field-control", format!("{label}（{name}）含有控制字符"))
            .arg("label", label_arg()));
    }
    Ok(s.to_string())
}

fn optional(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

impl OrderInput {
    /// Check every field; the first refused one is named.
    pub fn check(&self) -> Result<NewOrder, FieldError> {
        let order_number = required(&self.order_number, "order_number", "工单编号", "order-number", 64)?;
        let category_s = required(&self.category, "category", "投诉类别", "complaint-category", 32)?;
        let category = Category::parse(&category_s).ok_or_else(|| {
            field(
                "category",
                "err-hotline-bad-category",
                format!(
                    "投诉类别（category）“{category_s}”无效，应为 {}",
                    Category::ALL.map(Category::as_str).join("、")
                ),
            )
            .arg("value", &category_s)
            .arg("allowed", Category::ALL.map(Category::as_str).join(", "))
        })?;
        let urgency = match optional(&self.urgency) {
            None => Urgency::Normal,
            Some(u) => Urgency::parse(&u).ok_or_else(|| {
                field(
                    "urgency",
                    "err-hotline-bad-urgency",
                    format!("紧急程度（urgency）“{u}”无效，应为 normal 或 urgent"),
                )
                .arg("value", &u)
            })?,
        };
        let caller_name = required(&self.caller_name, "caller_name", "来电人姓名", "caller-name", 64)?;
        let phone = required(&self.caller_phone, "caller_phone", "来电人电话", "caller-phone", 32)?;
        // The number itself is never repeated back: answers may end up in logs.
        let caller_phone = normalise_phone(&phone).ok_or_else(|| {
            field("caller_phone", "err-hotline-bad-phone", "来电人电话（caller_phone）格式有误，应为 5 到 20 位数字")
        })?;
        let text = required(&self.text, "text", "诉求内容", "text", 5000)?;
        let project_code = optional(&self.project_code);
        if let Some(p) = &project_code {
            if p.chars().count() > 64 {
                return Err(field(
                    "project_code",
                    "err-hotline-project-code-too-long",
                    "项目代码（project_code）不能超过 64 个字符",
                )
                .arg("max", 64));
            }
        }
        let item_type = optional(&self.item_type);
        if item_type.as_ref().is_some_and(|i| i.chars().count() > 64) {
            return Err(field(
                "item_type",
                "err-hotline-item-type-too-long",
                "审批事项（item_type）不能超过 64 个字符",
            )
            .arg("max", 64));
        }
        Ok(NewOrder { order_number, category, urgency, caller_name, caller_phone, text, project_code, item_type })
    }
}

/// Where an order starts: assigned to the leading department when its project
/// matched, else received for the office to assign.
pub fn initial_state(leading_department_id: Option<&str>) -> OrderState {
    if leading_department_id.is_some() {
        OrderState::Assigned
    } else {
        OrderState::Received
    }
}

/// How long to wait before calling the platform back again after `attempts` failed
/// calls: 1, 2, 4 … minutes, at most an hour. Callbacks are retried until the
/// platform acknowledges them.
pub fn callback_retry_delay(attempts: u32) -> chrono::Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(6);
    chrono::Duration::minutes(minutes.min(60))
}

/// Only the office enters a 12345 work order (web entry; the 12345 platform's
/// own callbacks come through its token, not an account).
pub fn may_enter(role: crate::Role) -> bool {
    role == crate::Role::Office
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_office_enters_orders() {
        let entering: Vec<crate::Role> = crate::role::ALL_ROLES.into_iter().filter(|r| may_enter(*r)).collect();
        assert_eq!(entering, [crate::Role::Office]);
    }

    #[test]
    fn input_is_checked_field_by_field() {
        let ok = OrderInput {
            order_number: Some(" GD2026 ".into()),
            category: Some("delay".into()),
            caller_name: Some("张三".into()),
            caller_phone: Some("13812341234".into()),
            text: Some("迟迟不受理".into()),
            project_code: Some("2026-152529-44-01-000001".into()),
            ..Default::default()
        };
        let o = ok.check().unwrap();
        assert_eq!((o.order_number.as_str(), o.category, o.urgency), ("GD2026", Category::Delay, Urgency::Normal));
        let bad = |f: fn(&mut OrderInput)| {
            let mut i = ok.clone();
            f(&mut i);
            i.check().unwrap_err().field
        };
        assert_eq!(bad(|i| i.order_number = None), "order_number");
        assert_eq!(bad(|i| i.category = Some("noise".into())), "category");
        assert_eq!(bad(|i| i.urgency = Some("now".into())), "urgency");
        assert_eq!(bad(|i| i.caller_phone = Some("call me".into())), "caller_phone");
        assert_eq!(bad(|i| i.text = Some("  ".into())), "text");
        assert_eq!(bad(|i| i.caller_name = Some("x".repeat(65))), "caller_name");
        let e = {
            let mut i = ok.clone();
            i.caller_phone = Some("13812341234x".into());
            i.check().unwrap_err()
        };
        assert!(!e.message.contains("1381234"), "the number is not repeated: {}", e.message);
    }

    #[test]
    fn retry_delays_grow_and_stop_growing() {
        assert_eq!(callback_retry_delay(1), chrono::Duration::minutes(1));
        assert_eq!(callback_retry_delay(3), chrono::Duration::minutes(4));
        assert_eq!(callback_retry_delay(100), chrono::Duration::minutes(60));
    }
}
