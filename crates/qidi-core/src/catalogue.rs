//! The shipped defaults: the departments named in the plan and the pre-construction
//! item types, with the aliases spreadsheets use for them. The office edits the live
//! copies in the database; these seed it.

use serde::{Deserialize, Serialize};

/// How an item type's limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    WorkingDays,
    /// Some sector laws write 日 (calendar days), not working days.
    CalendarDays,
}

impl LimitUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "working_days",
            LimitUnit::CalendarDays => "calendar_days",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "working_days" => Some(LimitUnit::WorkingDays),
            "calendar_days" => Some(LimitUnit::CalendarDays),
            _ => None,
        }
    }
}

/// Which level of government holds the authority to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityLevel {
    Banner,
    League,
    Region,
    National,
}

impl AuthorityLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityLevel::Banner => "banner",
            AuthorityLevel::League => "league",
            AuthorityLevel::Region => "region",
            AuthorityLevel::National => "national",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AuthorityLevel::Banner => "旗级",
            AuthorityLevel::League => "盟级",
            AuthorityLevel::Region => "自治区级",
            AuthorityLevel::National => "国家级",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "banner" => Some(AuthorityLevel::Banner),
            "league" => Some(AuthorityLevel::League),
            "region" => Some(AuthorityLevel::Region),
            "national" => Some(AuthorityLevel::National),
            _ => None,
        }
    }
}

/// A department as shipped: a stable code, its full name, and other names people write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Initiating departments (立项部门) own projects.
    pub initiates: bool,
}

/// An item type as shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTypeSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub department: &'static str,
    pub level: AuthorityLevel,
    pub statutory_limit: u32,
    pub limit_unit: LimitUnit,
    pub promised_limit: u32,
    /// Whether the limit comes from a cited source (DOMAIN.md); otherwise it shows
    /// as "unconfirmed" until an administrator confirms it.
    pub limit_confirmed: bool,
    pub limit_source: &'static str,
}

pub const DEPARTMENTS: &[DepartmentSeed] = &[
    DepartmentSeed {
        code: "fgw",
        name: "旗发展和改革委员会",
        aliases: &["发改委", "发改", "发展改革委", "发改局"],
        initiates: true,
    },
    DepartmentSeed {
        code: "gxj", name: "旗工业和信息化局", aliases: &["工信局", "工信", "工信委"], initiates: true
    },
    DepartmentSeed {
        code: "zrzy",
        name: "旗自然资源局",
        aliases: &["自然资源", "自然资源和规划局", "国土局"],
        initiates: false,
    },
    DepartmentSeed {
        code: "sthj",
        name: "旗生态环境分局",
        aliases: &["生态环境局", "生态环境", "环保局"],
        initiates: false,
    },
    DepartmentSeed {
        code: "zjj",
        name: "旗住房和城乡建设局",
        aliases: &["住建局", "住建", "住房城乡建设局"],
        initiates: false,
    },
    DepartmentSeed { code: "jtj", name: "旗交通运输局", aliases: &["交通局", "交通"], initiates: false },
    DepartmentSeed { code: "slj", name: "旗水利局", aliases: &["水利", "水务局"], initiates: false },
    DepartmentSeed {
        code: "lcj", name: "旗林业和草原局", aliases: &["林草局", "林草", "林业局"], initiates: false
    },
    DepartmentSeed { code: "nmj", name: "旗农牧局", aliases: &["农牧", "农牧业局"], initiates: false },
    DepartmentSeed { code: "jrws", name: "旗金融外事服务中心", aliases: &["金融办"], initiates: false },
    DepartmentSeed {
        code: "mat",
        name: "旗明安图产业园办公室",
        aliases: &["明安图产业园", "产业园办公室", "产业园"],
        initiates: true,
    },
];

pub const ITEM_TYPES: &[ItemTypeSeed] = &[
    ItemTypeSeed {
        code: "land_pre_review",
        name: "用地预审与选址",
        aliases: &["土地预审", "用地预审", "用地预审与选址意见书", "建设项目用地预审"],
        department: "zrzy",
        level: AuthorityLevel::Banner,
        statutory_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        promised_limit: 20,
        limit_confirmed: false,
        limit_source: "believed 20 days; merged with site selection since 2019 (practice)",
    },
    ItemTypeSeed {
        code: "energy_review",
        name: "节能审查",
        aliases: &["能评", "节能评估", "节能审查意见"],
        department: "fgw",
        level: AuthorityLevel::Banner,
        statutory_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        promised_limit: 20,
        limit_confirmed: false,
        limit_source: "unconfirmed; default 20 working days",
    },
    ItemTypeSeed {
        code: "eia",
        name: "环境影响评价",
        aliases: &["环评", "环评审批", "环境影响评价审批", "环境影响报告书审批"],
        department: "sthj",
        level: AuthorityLevel::Banner,
        statutory_limit: 60,
        limit_unit: LimitUnit::CalendarDays,
        promised_limit: 60,
        limit_confirmed: true,
        limit_source: "EIA law: report 60 days, report form 30 days",
    },
    ItemTypeSeed {
        code: "water_intake",
        name: "取水许可",
        aliases: &["取水", "取水许可审批"],
        department: "slj",
        level: AuthorityLevel::Banner,
        statutory_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        promised_limit: 20,
        limit_confirmed: false,
        limit_source: "unconfirmed; may be forwarded to the basin authority",
    },
    ItemTypeSeed {
        code: "soil_water",
        name: "水土保持方案审批",
        aliases: &["水土保持", "水保", "水土保持方案"],
        department: "slj",
        level: AuthorityLevel::Banner,
        statutory_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        promised_limit: 20,
        limit_confirmed: true,
        limit_source: "20 working days (verified)",
    },
    ItemTypeSeed {
        code: "forest_land",
        name: "林地征占用审核",
        aliases: &["林地征占", "林地征占用", "使用林地审核", "占用林地"],
        department: "lcj",
        level: AuthorityLevel::Banner,
        statutory_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        promised_limit: 20,
        limit_confirmed: false,
        limit_source: "unconfirmed; one region promises 11.5 working days (practice)",
    },
    ItemTypeSeed {
        code: "grassland",
        name: "草原征占用审核",
        aliases: &["草地征占", "草原征占用", "草地征占用", "征占用草原"],
        department: "lcj",
        level: AuthorityLevel::Banner,
        statutory_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        promised_limit: 20,
        limit_confirmed: false,
        limit_source: "unconfirmed; default 20 working days",
    },
    ItemTypeSeed {
        code: "construction_permit",
        name: "建筑工程施工许可",
        aliases: &["施工许可", "施工许可证", "建筑工程施工许可证"],
        department: "zjj",
        level: AuthorityLevel::Banner,
        statutory_limit: 7,
        limit_unit: LimitUnit::CalendarDays,
        promised_limit: 7,
        limit_confirmed: true,
        limit_source: "7 days (verified)",
    },
];

/// Full-width ASCII and the ideographic space to their half-width forms.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The form in which names are compared without knowing the deployment's region:
/// half-width, lower case, no whitespace, no bracketed notes, no leading 旗. The
/// importer compares with [`crate::names::name_key`], which also takes out the
/// region's names (from the region tree).
pub fn normalise_name(s: &str) -> String {
    crate::names::name_key(s, &crate::names::RegionNames::default())
}

/// Find the seed whose name or an alias matches `written`, after normalising both.
pub fn match_name<'a, T>(written: &str, items: &'a [T], names: impl Fn(&T) -> Vec<&str>) -> Option<&'a T> {
    let w = normalise_name(written);
    if w.is_empty() {
        return None;
    }
    items.iter().find(|it| names(it).into_iter().any(|n| normalise_name(n) == w))
}

pub fn department_by_name(written: &str) -> Option<&'static DepartmentSeed> {
    match_name(written, DEPARTMENTS, |d| {
        let mut v = vec![d.name];
        v.extend_from_slice(d.aliases);
        v
    })
}

pub fn item_type_by_name(written: &str) -> Option<&'static ItemTypeSeed> {
    match_name(written, ITEM_TYPES, |t| {
        let mut v = vec![t.name];
        v.extend_from_slice(t.aliases);
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_type_has_a_department() {
        for t in ITEM_TYPES {
            assert!(DEPARTMENTS.iter().any(|d| d.code == t.department), "{}", t.code);
        }
    }

    #[test]
    fn names_match_with_variants() {
        assert_eq!(department_by_name("旗发改委").unwrap().code, "fgw");
        assert_eq!(department_by_name("旗发展和改革委员会").unwrap().code, "fgw");
        assert_eq!(department_by_name(" 自然资源局　").unwrap().code, "zrzy");
        assert_eq!(department_by_name("林草局（草原站）").unwrap().code, "lcj");
        assert!(department_by_name("公安局").is_none());
        assert!(department_by_name("").is_none());
        assert_eq!(item_type_by_name("土地预审").unwrap().code, "land_pre_review");
        assert_eq!(item_type_by_name("能评").unwrap().code, "energy_review");
        assert_eq!(item_type_by_name("草地征占").unwrap().code, "grassland");
        assert!(item_type_by_name("规划许可").is_none());
    }

    #[test]
    fn half_width() {
        assert_eq!(to_half_width("ＡＢＣ１２３　"), "ABC123 ");
    }

    #[test]
    fn names_are_unique_after_normalising() {
        let mut seen = std::collections::HashSet::new();
        for d in DEPARTMENTS {
            for n in std::iter::once(&d.name).chain(d.aliases) {
                assert!(seen.insert(normalise_name(n)), "department name {n} twice");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for t in ITEM_TYPES {
            for n in std::iter::once(&t.name).chain(t.aliases) {
                assert!(seen.insert(normalise_name(n)), "item name {n} twice");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Rules for catalogue edits
// ---------------------------------------------------------------------------

/// Why an item type's limits or prerequisites cannot stand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("承诺时限（{promised}）不能超过法定时限（{statutory}）")]
    PromisedAboveStatutory { promised: u32, statutory: u32 },
    #[error("前置事项不能形成循环：{}", .0.join(" → "))]
    PrerequisiteCycle(Vec<String>),
    #[error("事项“{code}”存储的{what}（{value}）无效，请在事项目录中改正")]
    BadStoredLimit { code: String, what: &'static str, value: i64 },
}

/// The largest limit or extension the catalogue takes (ten years of days).
pub const MAX_LIMIT: u32 = 3650;

/// A promised limit is what a department promises within the law: never above the
/// statutory limit (both in the item type's one unit).
pub fn check_limits(promised: u32, statutory: u32) -> Result<(), CatalogueError> {
    if promised > statutory {
        return Err(CatalogueError::PromisedAboveStatutory { promised, statutory });
    }
    Ok(())
}

/// A limit as stored: 1 to [`MAX_LIMIT`] (0 too where `zero_allowed`, as for an
/// extension). Anything else is an error naming the item type, never a silent 0.
pub fn stored_limit(code: &str, what: &'static str, value: i64, zero_allowed: bool) -> Result<u32, CatalogueError> {
    let min = if zero_allowed { 0 } else { 1 };
    match u32::try_from(value) {
        Ok(v) if v >= min && v <= MAX_LIMIT => Ok(v),
        _ => Err(CatalogueError::BadStoredLimit { code: code.to_string(), what, value }),
    }
}

/// The cycle `code` would close if its prerequisites became `prerequisites`, given the
/// other item types' prerequisites: the path from `code` back to itself, or `None`.
pub fn prerequisite_cycle(
    code: &str,
    prerequisites: &[String],
    others: &[(String, Vec<String>)],
) -> Option<Vec<String>> {
    let next = |c: &str| -> Vec<String> {
        if c == code {
            prerequisites.to_vec()
        } else {
            others.iter().find(|(o, _)| o == c).map(|(_, ps)| ps.clone()).unwrap_or_default()
        }
    };
    // Depth-first from `code`; the catalogue is small (tens of types).
    let mut stack: Vec<Vec<String>> = vec![vec![code.to_string()]];
    let mut seen: Vec<String> = Vec::new();
    while let Some(path) = stack.pop() {
        let last = path.last().cloned().unwrap_or_default();
        for p in next(&last) {
            let mut longer = path.clone();
            longer.push(p.clone());
            if p == code {
                return Some(longer);
            }
            if !seen.contains(&p) {
                seen.push(p);
                stack.push(longer);
            }
        }
    }
    None
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    fn s(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn promised_limits_stay_within_the_law() {
        assert_eq!(check_limits(20, 20), Ok(()));
        assert_eq!(check_limits(15, 20), Ok(()));
        let e = check_limits(25, 20).unwrap_err();
        assert_eq!(e.to_string(), "承诺时限（25）不能超过法定时限（20）");
    }

    #[test]
    fn stored_limits_are_checked_not_zeroed() {
        assert_eq!(stored_limit("eia", "承诺时限", 30, false), Ok(30));
        assert_eq!(stored_limit("eia", "延期", 0, true), Ok(0));
        for bad in [0, -1, 3651, i64::MAX] {
            let e = stored_limit("eia", "承诺时限", bad, false).unwrap_err();
            assert_eq!(e, CatalogueError::BadStoredLimit { code: "eia".into(), what: "承诺时限", value: bad });
        }
        assert!(stored_limit("eia", "承诺时限", -5, false).unwrap_err().to_string().contains("eia"));
    }

    #[test]
    fn prerequisite_cycles_are_found() {
        let others = vec![
            ("land_pre_review".to_string(), s(&[])),
            ("forest_land".to_string(), s(&["land_pre_review"])),
            ("construction_permit".to_string(), s(&["forest_land"])),
        ];
        assert_eq!(prerequisite_cycle("land_pre_review", &s(&[]), &others), None);
        assert_eq!(prerequisite_cycle("eia", &s(&["construction_permit"]), &others), None);
        assert_eq!(
            prerequisite_cycle("land_pre_review", &s(&["construction_permit"]), &others),
            Some(s(&["land_pre_review", "construction_permit", "forest_land", "land_pre_review"]))
        );
        assert_eq!(prerequisite_cycle("a", &s(&["a"]), &[]), Some(s(&["a", "a"])));
        let e = CatalogueError::PrerequisiteCycle(s(&["a", "b", "a"]));
        assert_eq!(e.to_string(), "前置事项不能形成循环：a → b → a");
    }
}
