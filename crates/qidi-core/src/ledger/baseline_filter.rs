//! The filters and orders of a department's baseline table (基线台账·筛选), as its GET
//! form sends them: every field optional, an empty field no filter. The store turns the
//! checked filter into SQL; the page names a bad field in its own language.

use serde::{Deserialize, Serialize};

/// The baseline table's filters as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineQuery {
    /// `pending` (not reduced), `reduced` or `all` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// An item type, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// A handling department, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling: Option<String>,
    /// `signed` (the signed baseline), `addition` or `all` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Free text over the project's code and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `code` (default), `name`, `item_type` or `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// 1-based page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_page: Option<String>,
    /// The pending changes listed after this key (`project_code/item_type`): a later page
    /// of them. A key that cannot be read lists them from the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_after: Option<String>,
}

/// Which rows by whether they were reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineStatus {
    /// Not reduced yet (still to approve).
    Pending,
    /// Reduced, by approval or by an approved removal.
    Reduced,
}

impl BaselineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineStatus::Pending => "pending",
            BaselineStatus::Reduced => "reduced",
        }
    }
}

/// Which rows by how they joined the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineSource {
    /// In the signed ledger when it was fixed.
    Signed,
    /// Found later (补录) and added.
    Addition,
}

impl BaselineSource {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineSource::Signed => "signed",
            BaselineSource::Addition => "addition",
        }
    }
}

/// How the baseline table is ordered; each ends with project code and item type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BaselineSort {
    /// By project code, then item type (the default).
    #[default]
    Code,
    /// By project name.
    Name,
    /// By item type.
    ItemType,
    /// Open rows first, then reduced ones.
    Status,
}

impl BaselineSort {
    pub const ALL: [BaselineSort; 4] =
        [BaselineSort::Code, BaselineSort::Name, BaselineSort::ItemType, BaselineSort::Status];

    pub fn as_str(self) -> &'static str {
        match self {
            BaselineSort::Code => "code",
            BaselineSort::Name => "name",
            BaselineSort::ItemType => "item_type",
            BaselineSort::Status => "status",
        }
    }
}

/// The baseline table's filters, checked. The default is every row by project code,
/// the first page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineFilter {
    pub status: Option<BaselineStatus>,
    pub item_type_id: Option<String>,
    pub handling_department_id: Option<String>,
    pub source: Option<BaselineSource>,
    pub text: Option<String>,
    pub sort: BaselineSort,
    pub page: u32,
}

impl Default for BaselineFilter {
    fn default() -> Self {
        BaselineFilter {
            status: None,
            item_type_id: None,
            handling_department_id: None,
            source: None,
            text: None,
            sort: BaselineSort::Code,
            page: 1,
        }
    }
}

/// The field of the form a bad value was typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineFilterField {
    Status,
    Source,
    Sort,
    Page,
}

impl BaselineFilterField {
    /// The form field's name (`status`, `source`, `sort`, `baseline_page`).
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineFilterField::Status => "status",
            BaselineFilterField::Source => "source",
            BaselineFilterField::Sort => "sort",
            BaselineFilterField::Page => "baseline_page",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            BaselineFilterField::Status => "状态",
            BaselineFilterField::Source => "来源",
            BaselineFilterField::Sort => "排序",
            BaselineFilterField::Page => "页码",
        }
    }
}

/// A filter field that could not be read: which, and the value as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}：“{value}”无效", field.label_zh())]
pub struct BaselineFilterError {
    pub field: BaselineFilterField,
    pub value: String,
}

impl crate::sentence::Explain for BaselineFilterError {
    fn key(&self) -> &'static str {
        "err-ledger-baseline-filter-invalid"
    }
    /// `field` as the page's `ledger-baseline-filter-field-` label, `value` as typed.
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        vec![
            (
                "field",
                crate::sentence::Arg::Label { prefix: "ledger-baseline-filter-field", code: self.field.as_str() },
            ),
            ("value", self.value.as_str().into()),
        ]
    }
}

impl BaselineQuery {
    pub fn filter(&self) -> Result<BaselineFilter, BaselineFilterError> {
        let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let bad = |field, value: &str| BaselineFilterError { field, value: value.chars().take(50).collect() };
        let status = match set(&self.status).as_deref() {
            None | Some("all") => None,
            Some("pending") => Some(BaselineStatus::Pending),
            Some("reduced") => Some(BaselineStatus::Reduced),
            Some(s) => return Err(bad(BaselineFilterField::Status, s)),
        };
        let source = match set(&self.source).as_deref() {
            None | Some("all") => None,
            Some("signed") => Some(BaselineSource::Signed),
            Some("addition") => Some(BaselineSource::Addition),
            Some(s) => return Err(bad(BaselineFilterField::Source, s)),
        };
        let sort = match set(&self.sort) {
            None => BaselineSort::Code,
            Some(s) => BaselineSort::ALL
                .into_iter()
                .find(|x| x.as_str() == s)
                .ok_or_else(|| bad(BaselineFilterField::Sort, &s))?,
        };
        let page = match set(&self.baseline_page) {
            None => 1,
            Some(p) => p.parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| bad(BaselineFilterField::Page, &p))?,
        };
        Ok(BaselineFilter {
            status,
            item_type_id: set(&self.item_type),
            handling_department_id: set(&self.handling),
            source,
            text: set(&self.q).map(|t| t.chars().take(crate::project::FILTER_TEXT_CHARS).collect()),
            sort,
            page,
        })
    }
}

impl BaselineFilter {
    /// Whether any filter narrows the rows (the sort and page do not).
    pub fn narrows(&self) -> bool {
        self.status.is_some()
            || self.item_type_id.is_some()
            || self.handling_department_id.is_some()
            || self.source.is_some()
            || self.text.is_some()
    }

    /// Whether the kept counts of the baseline (by pair of departments, source and
    /// reduction) can count what this filter keeps: every filter but the item type and
    /// the free text is one of their columns.
    pub fn counted_by_groups(&self) -> bool {
        self.item_type_id.is_none() && self.text.is_none()
    }

    /// Whether the rows of a kept group pass this filter (the item type and the free
    /// text aside, see [`BaselineFilter::counted_by_groups`]): an addition or not,
    /// reduced or not, handled by `handling_department_id`.
    pub fn keeps_group(&self, addition: bool, reduced: bool, handling_department_id: &str) -> bool {
        let status = match self.status {
            None => true,
            Some(BaselineStatus::Pending) => !reduced,
            Some(BaselineStatus::Reduced) => reduced,
        };
        let source = match self.source {
            None => true,
            Some(BaselineSource::Signed) => !addition,
            Some(BaselineSource::Addition) => addition,
        };
        status && source && self.handling_department_id.as_deref().is_none_or(|h| h == handling_department_id)
    }

    /// The free text as a `LIKE … ESCAPE '\'` pattern matching it anywhere.
    pub fn like_pattern(&self) -> Option<String> {
        self.text.as_deref().map(crate::project::like_anywhere)
    }

    /// The first row of this filter's page with `per_page` rows a page.
    pub fn offset(&self, per_page: u32) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_filters_read_as_typed_and_name_a_bad_field() {
        let q = BaselineQuery {
            status: Some(" pending ".into()),
            item_type: Some("".into()),
            handling: Some("d1".into()),
            source: Some("addition".into()),
            q: Some("风电%".into()),
            sort: Some("item_type".into()),
            baseline_page: Some("3".into()),
            changes_after: None,
        };
        let f = q.filter().unwrap();
        assert_eq!(f.status, Some(BaselineStatus::Pending));
        assert_eq!(f.item_type_id, None);
        assert_eq!(f.handling_department_id.as_deref(), Some("d1"));
        assert_eq!(f.source, Some(BaselineSource::Addition));
        assert_eq!(f.like_pattern().as_deref(), Some("%风电\\%%"));
        assert_eq!((f.sort, f.page, f.offset(200)), (BaselineSort::ItemType, 3, 400));
        assert!(f.narrows());
        assert_eq!(BaselineQuery::default().filter().unwrap(), BaselineFilter::default());
        assert!(!BaselineFilter::default().narrows());
        let all = BaselineQuery { status: Some("all".into()), source: Some("all".into()), ..Default::default() };
        assert_eq!(all.filter().unwrap(), BaselineFilter::default());
        for (q, field) in [
            (BaselineQuery { status: Some("done".into()), ..Default::default() }, BaselineFilterField::Status),
            (BaselineQuery { source: Some("x".into()), ..Default::default() }, BaselineFilterField::Source),
            (BaselineQuery { sort: Some("due".into()), ..Default::default() }, BaselineFilterField::Sort),
            (BaselineQuery { baseline_page: Some("0".into()), ..Default::default() }, BaselineFilterField::Page),
        ] {
            assert_eq!(q.filter().unwrap_err().field, field);
        }
        let e = BaselineQuery { sort: Some("due".into()), ..Default::default() }.filter().unwrap_err();
        assert_eq!((e.field.as_str(), e.to_string().as_str()), ("sort", "排序：“due”无效"));
        for s in BaselineSort::ALL {
            let q = BaselineQuery { sort: Some(s.as_str().into()), ..Default::default() };
            assert_eq!(q.filter().unwrap().sort, s);
        }
    }

    #[test]
    fn a_kept_group_passes_the_filters_its_columns_answer() {
        let f = |status, source, handling: Option<&str>| BaselineFilter {
            status,
            source,
            handling_department_id: handling.map(str::to_string),
            ..Default::default()
        };
        let any = f(None, None, None);
        assert!(any.counted_by_groups());
        for (addition, reduced) in [(false, false), (false, true), (true, false), (true, true)] {
            assert!(any.keeps_group(addition, reduced, "d1"));
        }
        let pending_additions = f(Some(BaselineStatus::Pending), Some(BaselineSource::Addition), None);
        assert!(pending_additions.keeps_group(true, false, "d1"));
        assert!(!pending_additions.keeps_group(true, true, "d1"), "reduced");
        assert!(!pending_additions.keeps_group(false, false, "d1"), "signed");
        let reduced_signed = f(Some(BaselineStatus::Reduced), Some(BaselineSource::Signed), Some("d2"));
        assert!(reduced_signed.keeps_group(false, true, "d2"));
        assert!(!reduced_signed.keeps_group(false, true, "d1"), "another handling department");
        assert!(!reduced_signed.keeps_group(false, false, "d2"), "not reduced");
        assert!(!reduced_signed.keeps_group(true, true, "d2"), "an addition");
        let typed = BaselineFilter { item_type_id: Some("t".into()), ..Default::default() };
        let text = BaselineFilter { text: Some("风电".into()), ..Default::default() };
        assert!(!typed.counted_by_groups() && !text.counted_by_groups());
    }
}
