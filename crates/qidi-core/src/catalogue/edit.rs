//! The office's edit of an item type, and the checks of its shape. What the values mean
//! (which limit, which materials) is the office's call; that they are well formed is
//! checked here.

use super::{AuthorityLevel, LimitUnit, MAX_LIMIT};
use crate::light::LightPolicy;
use serde::{Deserialize, Serialize};

/// One required material as the checklist names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialSpec {
    pub code: String,
    pub name: String,
}

/// An office edit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ItemTypeEdit {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    /// The handling department, by code.
    #[serde(default)]
    pub department_code: Option<String>,
    #[serde(default)]
    pub promised_limit: Option<u32>,
    #[serde(default)]
    pub statutory_limit: Option<u32>,
    #[serde(default)]
    pub extension_limit: Option<u32>,
    #[serde(default)]
    pub limit_unit: Option<LimitUnit>,
    #[serde(default)]
    pub authority_level: Option<AuthorityLevel>,
    #[serde(default)]
    pub limit_source: Option<String>,
    #[serde(default)]
    pub limit_confirmed: Option<bool>,
    #[serde(default)]
    pub required_materials: Option<Vec<MaterialSpec>>,
    #[serde(default)]
    pub prerequisites: Option<Vec<String>>,
    #[serde(default)]
    pub warn_days: Option<u32>,
    #[serde(default)]
    pub warn_ratio_percent: Option<u32>,
}

/// At most this many materials on one checklist.
pub const MAX_MATERIALS: usize = 100;

/// Why an item type's edit is refused. A material is named by its place on the list,
/// from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemTypeEditError {
    #[error("时限须为 1 至 3650 之间的整数")]
    LimitOutOfRange,
    #[error("延期时限须为 0 至 3650 之间的整数（0 表示不得延期）")]
    ExtensionOutOfRange,
    #[error("材料清单最多 100 项")]
    TooManyMaterials,
    #[error("第{0}项材料的代码须为小写字母、数字或下划线（不超过 64 位）")]
    BadMaterialCode(usize),
    #[error("第{0}项材料的名称须为 1–200 个字")]
    BadMaterialName(usize),
    #[error("材料代码“{0}”重复")]
    MaterialCodeRepeated(String),
    #[error("事项不能以自身为前置事项")]
    OwnPrerequisite,
    #[error("前置事项“{0}”不在事项目录中")]
    UnknownPrerequisite(String),
    #[error("黄灯比例须在 0 至 100 之间")]
    BadWarnRatio,
    #[error("黄灯提前天数过大")]
    WarnDaysTooLarge,
    #[error("时限依据最多 500 字")]
    LimitSourceTooLong,
}

impl crate::sentence::Explain for ItemTypeEditError {
    fn key(&self) -> &'static str {
        match self {
            ItemTypeEditError::LimitOutOfRange => "err-item-type-limit-out-of-range",
            ItemTypeEditError::ExtensionOutOfRange => "err-item-type-extension-out-of-range",
            ItemTypeEditError::TooManyMaterials => "err-item-type-too-many-materials",
            ItemTypeEditError::BadMaterialCode(_) => "err-item-type-bad-material-code",
            ItemTypeEditError::BadMaterialName(_) => "err-item-type-bad-material-name",
            ItemTypeEditError::MaterialCodeRepeated(_) => "err-item-type-material-code-repeated",
            ItemTypeEditError::OwnPrerequisite => "err-item-type-own-prerequisite",
            ItemTypeEditError::UnknownPrerequisite(_) => "err-item-type-unknown-prerequisite",
            ItemTypeEditError::BadWarnRatio => "err-item-type-bad-warn-ratio",
            ItemTypeEditError::WarnDaysTooLarge => "err-item-type-warn-days-too-large",
            ItemTypeEditError::LimitSourceTooLong => "err-item-type-limit-source-too-long",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            ItemTypeEditError::BadMaterialCode(n) | ItemTypeEditError::BadMaterialName(n) => vec![("n", (*n).into())],
            ItemTypeEditError::MaterialCodeRepeated(code) | ItemTypeEditError::UnknownPrerequisite(code) => {
                vec![("code", code.into())]
            }
            _ => Vec::new(),
        }
    }
}

/// A material's code: lowercase ASCII letters, digits and `_`, at most 64.
fn material_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The shape of an edit of the item type `own_code`, whose prerequisites must be among
/// `known_codes`: limits in range, a checklist of at most [`MAX_MATERIALS`] well-named
/// materials with distinct codes, no prerequisite on itself, the light's thresholds in
/// range, and a limit's source of at most 500 characters.
pub fn check_item_type_edit(
    edit: &ItemTypeEdit,
    own_code: &str,
    known_codes: &[String],
) -> Result<(), ItemTypeEditError> {
    use ItemTypeEditError as E;
    for limit in [edit.promised_limit, edit.statutory_limit].into_iter().flatten() {
        if limit == 0 || limit > MAX_LIMIT {
            return Err(E::LimitOutOfRange);
        }
    }
    if edit.extension_limit.is_some_and(|l| l > MAX_LIMIT) {
        return Err(E::ExtensionOutOfRange);
    }
    if let Some(ms) = &edit.required_materials {
        if ms.len() > MAX_MATERIALS {
            return Err(E::TooManyMaterials);
        }
        for (i, m) in ms.iter().enumerate() {
            let code = m.code.trim();
            if !material_code(code) {
                return Err(E::BadMaterialCode(i + 1));
            }
            if m.name.trim().is_empty() || m.name.chars().count() > 200 {
                return Err(E::BadMaterialName(i + 1));
            }
            if ms[..i].iter().any(|o| o.code.trim() == code) {
                return Err(E::MaterialCodeRepeated(code.to_string()));
            }
        }
    }
    for p in edit.prerequisites.iter().flatten() {
        if p == own_code {
            return Err(E::OwnPrerequisite);
        }
        if !known_codes.contains(p) {
            return Err(E::UnknownPrerequisite(p.clone()));
        }
    }
    if edit.warn_ratio_percent.is_some_and(|r| r > 100) {
        return Err(E::BadWarnRatio);
    }
    if edit.warn_days.is_some_and(|d| d > LightPolicy::MAX_WARN_DAYS) {
        return Err(E::WarnDaysTooLarge);
    }
    if edit.limit_source.as_ref().is_some_and(|s| s.chars().count() > 500) {
        return Err(E::LimitSourceTooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentence::Explain;

    fn material(code: &str, name: &str) -> MaterialSpec {
        MaterialSpec { code: code.into(), name: name.into() }
    }

    fn check(edit: ItemTypeEdit) -> Result<(), ItemTypeEditError> {
        check_item_type_edit(&edit, "eia", &["land_pre".to_string(), "eia".to_string()])
    }

    #[test]
    fn an_edit_in_shape_passes_and_each_bad_field_is_named() {
        let good = ItemTypeEdit {
            promised_limit: Some(20),
            statutory_limit: Some(60),
            extension_limit: Some(0),
            required_materials: Some(vec![material("report", "环境影响报告书"), material("form_2", "申请表")]),
            prerequisites: Some(vec!["land_pre".into()]),
            warn_days: Some(3),
            warn_ratio_percent: Some(100),
            limit_source: Some("《环境影响评价法》".into()),
            ..Default::default()
        };
        assert_eq!(check(good.clone()), Ok(()));
        assert_eq!(check(ItemTypeEdit::default()), Ok(()), "an edit that changes nothing");

        let with = |f: fn(&mut ItemTypeEdit)| {
            let mut e = good.clone();
            f(&mut e);
            check(e)
        };
        assert_eq!(with(|e| e.promised_limit = Some(0)), Err(ItemTypeEditError::LimitOutOfRange));
        assert_eq!(with(|e| e.statutory_limit = Some(MAX_LIMIT + 1)), Err(ItemTypeEditError::LimitOutOfRange));
        assert_eq!(with(|e| e.extension_limit = Some(MAX_LIMIT + 1)), Err(ItemTypeEditError::ExtensionOutOfRange));
        assert_eq!(
            with(|e| e.required_materials = Some(vec![material("a", "甲"); MAX_MATERIALS + 1])),
            Err(ItemTypeEditError::TooManyMaterials)
        );
        assert_eq!(
            with(|e| e.required_materials.as_mut().unwrap()[1].code = "Form-2".into()),
            Err(ItemTypeEditError::BadMaterialCode(2))
        );
        assert_eq!(
            with(|e| e.required_materials.as_mut().unwrap()[0].name = " ".into()),
            Err(ItemTypeEditError::BadMaterialName(1))
        );
        assert_eq!(
            with(|e| e.required_materials.as_mut().unwrap()[1].code = " report".into()),
            Err(ItemTypeEditError::MaterialCodeRepeated("report".into()))
        );
        assert_eq!(with(|e| e.prerequisites = Some(vec!["eia".into()])), Err(ItemTypeEditError::OwnPrerequisite));
        assert_eq!(
            with(|e| e.prerequisites = Some(vec!["nope".into()])),
            Err(ItemTypeEditError::UnknownPrerequisite("nope".into()))
        );
        assert_eq!(with(|e| e.warn_ratio_percent = Some(101)), Err(ItemTypeEditError::BadWarnRatio));
        assert_eq!(with(|e| e.warn_days = Some(3651)), Err(ItemTypeEditError::WarnDaysTooLarge));
        assert_eq!(with(|e| e.limit_source = Some("依".repeat(501))), Err(ItemTypeEditError::LimitSourceTooLong));
    }

    #[test]
    fn a_refusal_names_the_material_by_its_place_for_every_language() {
        let e = ItemTypeEditError::BadMaterialName(3);
        assert_eq!(e.to_string(), "第3项材料的名称须为 1–200 个字");
        assert_eq!(e.key(), "err-item-type-bad-material-name");
        assert_eq!(e.args().len(), 1);
    }
}
