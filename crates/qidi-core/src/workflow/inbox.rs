//! The inbox's filters and orders (审批办理·待办筛选), as a form sends them: every field
//! optional, an empty field no filter. Lights are the clocks' own, read by the store.

use crate::light::Light;
use serde::{Deserialize, Serialize};

/// The inbox's filters as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InboxQuery {
    /// `red`, `yellow` or `green`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<String>,
    /// An item type, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// A handling department, by id (for those who see several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Free text over the project's code and name and the unit's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `light` (default), `due` or `project`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// 1-based page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// How the inbox is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InboxSort {
    /// Red, then yellow, then green, each by due date (the default).
    #[default]
    Light,
    /// By due date alone, the earliest first.
    Due,
    /// By project code.
    Project,
}

/// The inbox's filters, checked. The default is no filter, the first page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxFilter {
    pub light: Option<Light>,
    pub item_type_id: Option<String>,
    pub department_id: Option<String>,
    pub text: Option<String>,
    pub sort: InboxSort,
    pub page: u32,
}

impl Default for InboxFilter {
    fn default() -> Self {
        InboxFilter {
            light: None,
            item_type_id: None,
            department_id: None,
            text: None,
            sort: InboxSort::Light,
            page: 1,
        }
    }
}

/// Rows on one page of the inbox.
pub const INBOX_PAGE: usize = 100;

/// A filter field that could not be read, named by its Chinese label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}：{message}")]
pub struct InboxFilterError {
    pub field: &'static str,
    pub message: String,
    /// The catalogue key of the sentence ([`crate::sentence::Explain`]).
    pub key: &'static str,
    /// What was typed in the field.
    pub value: String,
}

impl crate::sentence::Explain for InboxFilterError {
    fn key(&self) -> &'static str {
        self.key
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        vec![("value", self.value.as_str().into())]
    }
}

impl InboxQuery {
    pub fn filter(&self) -> Result<InboxFilter, InboxFilterError> {
        let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let bad = |field, key, value: &str, message: String| InboxFilterError {
            field,
            message,
            key,
            value: value.to_string(),
        };
        let light = match set(&self.light) {
            None => None,
            Some(l) => Some(
                Light::parse(&l)
                    .ok_or_else(|| bad("预警灯", "err-inbox-bad-light", &l, format!("“{l}”不是红灯、黄灯或绿灯")))?,
            ),
        };
        let sort = match set(&self.sort).as_deref() {
            None | Some("light") => InboxSort::Light,
            Some("due") => InboxSort::Due,
            Some("project") => InboxSort::Project,
            Some(s) => {
                return Err(bad("排序", "err-inbox-bad-sort", s, format!("“{s}”不是按预警灯、到期日或项目排序")))
            }
        };
        let page = match set(&self.page) {
            None => 1,
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| bad("页码", "err-inbox-bad-page", &p, format!("“{p}”不是页码")))?,
        };
        Ok(InboxFilter {
            light,
            item_type_id: set(&self.item_type),
            department_id: set(&self.department),
            text: set(&self.q).map(|t| t.chars().take(crate::project::FILTER_TEXT_CHARS).collect()),
            sort,
            page,
        })
    }
}

impl InboxFilter {
    /// The rows of this filter's page out of `total`: (first index, end index).
    pub fn window(&self, total: usize) -> (usize, usize) {
        let start = (self.page as usize).saturating_sub(1).saturating_mul(INBOX_PAGE).min(total);
        (start, (start + INBOX_PAGE).min(total))
    }

    /// How many pages `total` rows fill (at least one).
    pub fn pages(total: usize) -> usize {
        total.div_ceil(INBOX_PAGE).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inbox_filters_read_as_typed_and_say_which_field_is_wrong() {
        let q = InboxQuery {
            light: Some(" red ".into()),
            item_type: Some("".into()),
            q: Some("风电".into()),
            sort: Some("due".into()),
            page: Some("2".into()),
            ..Default::default()
        };
        let f = q.filter().unwrap();
        assert_eq!(
            (f.light, f.item_type_id.as_deref(), f.text.as_deref(), f.sort, f.page),
            (Some(Light::Red), None, Some("风电"), InboxSort::Due, 2)
        );
        assert_eq!(f.window(250), (100, 200));
        assert_eq!(f.window(150), (100, 150));
        assert_eq!(f.window(50), (50, 50));
        assert_eq!(InboxFilter::pages(0), 1);
        assert_eq!(InboxFilter::pages(201), 3);
        assert_eq!(InboxQuery::default().filter().unwrap(), InboxFilter::default());
        assert_eq!(InboxFilter::default().window(30), (0, 30));
        assert_eq!(InboxFilter { page: 0, ..Default::default() }.window(30), (0, 30));
        let e = InboxQuery { light: Some("blue".into()), ..Default::default() }.filter().unwrap_err();
        assert_eq!(e.to_string(), "预警灯：“blue”不是红灯、黄灯或绿灯");
        let s = crate::sentence::Explain::sentence(&e);
        assert_eq!((s.key, s.args), (Some("err-inbox-bad-light"), vec![("value", "blue".into())]));
        let e = InboxQuery { page: Some("0".into()), ..Default::default() }.filter().unwrap_err();
        assert_eq!(e.field, "页码");
        let e = InboxQuery { sort: Some("name".into()), ..Default::default() }.filter().unwrap_err();
        assert_eq!(e.field, "排序");
    }
}
