//! The shipped defaults: the departments named in the plan and the pre-construction
//! item types, with the aliases spreadsheets use for them. The office edits the live
//! copies in the database; these seed it.

use serde::{Deserialize, Serialize};

mod edit;
pub use edit::{check_item_type_edit, ItemTypeEdit, ItemTypeEditError, MaterialSpec, MAX_MATERIALS};

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
    /// as 未确认 until the office confirms it.
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
        limit_source: "据实践为 20 个工作日；2019 年起与选址意见书合并办理（待确认）",
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
        limit_source: "未确认，默认 20 个工作日",
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
        limit_source: "《环境影响评价法》：报告书 60 日，报告表 30 日",
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
        limit_source: "未确认；可能需转报流域管理机构",
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
        limit_source: "20 个工作日（已核实）",
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
        limit_source: "未确认；有地区承诺 11.5 个工作日（据实践）",
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
        limit_source: "未确认，默认 20 个工作日",
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
        limit_source: "7 日（已核实）",
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
    #[error("{what}代码须为 1–32 位小写字母、数字或下划线，如 fire_design")]
    BadCode { what: &'static str },
    #[error("{what}代码“{code}”已被使用")]
    CodeTaken { what: &'static str, code: String },
    #[error("{what}名称须为 1–60 个字")]
    BadName { what: &'static str },
    #[error("{what}的别名最多 20 个，每个 1–100 个字")]
    BadAliases { what: &'static str },
    #[error("“{written}”已是{what}“{means}”的名称或别名，不能重复使用")]
    NameTaken { what: &'static str, written: String, means: String },
    #[error("“{0}”去掉地区名称和括号内的注释后为空，不能作为名称或别名")]
    EmptyAfterRegion(String),
    #[error("法定时限和承诺时限须为 1 至 3650 之间的整数，延期时限 0 至 3650")]
    LimitOutOfRange,
    #[error("审批事项须有办理部门：部门“{0}”不存在")]
    NoDepartment(String),
    #[error("部门“{0}”已撤销，不能作为审批事项的办理部门")]
    DepartmentRetired(String),
    #[error("部门“{department}”仍是审批事项 {} 的办理部门，请先把这些事项交给其他部门或撤销", .items.join("、"))]
    DepartmentStillHandles { department: String, items: Vec<String> },
    #[error("审批事项“{item}”仍是 {} 的前置事项，请先修改这些事项", .dependants.join("、"))]
    StillPrerequisite { item: String, dependants: Vec<String> },
    #[error("{what}“{name}”已撤销")]
    AlreadyRetired { what: &'static str, name: String },
    #[error("{what}“{name}”未撤销")]
    NotRetired { what: &'static str, name: String },
    #[error("只有领导小组办公室可以维护部门和事项目录")]
    Forbidden,
}

/// A department or an item type, as [`CatalogueError`] names it (`what`): its label.
fn what_arg(what: &'static str) -> crate::sentence::Arg {
    use crate::names::NameKind;
    use crate::sentence::Arg;
    match [NameKind::Department, NameKind::ItemType].into_iter().find(|k| k.label_zh() == what) {
        Some(NameKind::Department) => Arg::Label { prefix: "name-kind", code: "department" },
        Some(NameKind::ItemType) => Arg::Label { prefix: "name-kind", code: "item_type" },
        None => Arg::Text(what.to_string()),
    }
}

/// A stored limit, as [`CatalogueError::BadStoredLimit`] names it: which one, for the
/// catalogues to choose their words (`statutory`, `promised`, `extension`).
fn limit_arg(what: &'static str) -> crate::sentence::Arg {
    let which = match what {
        "法定时限" => "statutory",
        "承诺时限" => "promised",
        "延期时限" | "延期" => "extension",
        _ => "other",
    };
    crate::sentence::Arg::Text(which.to_string())
}

impl crate::sentence::Explain for CatalogueError {
    fn key(&self) -> &'static str {
        match self {
            CatalogueError::PromisedAboveStatutory { .. } => "err-catalogue-promised-above-statutory",
            CatalogueError::PrerequisiteCycle(_) => "err-catalogue-prerequisite-cycle",
            CatalogueError::BadStoredLimit { .. } => "err-catalogue-bad-stored-limit",
            CatalogueError::BadCode { .. } => "err-catalogue-bad-code",
            CatalogueError::CodeTaken { .. } => "err-catalogue-code-taken",
            CatalogueError::BadName { .. } => "err-catalogue-bad-name",
            CatalogueError::BadAliases { .. } => "err-catalogue-bad-aliases",
            CatalogueError::NameTaken { .. } => "err-catalogue-name-taken",
            CatalogueError::EmptyAfterRegion(_) => "err-catalogue-empty-after-region",
            CatalogueError::LimitOutOfRange => "err-catalogue-limit-out-of-range",
            CatalogueError::NoDepartment(_) => "err-catalogue-no-department",
            CatalogueError::DepartmentRetired(_) => "err-catalogue-department-retired",
            CatalogueError::DepartmentStillHandles { .. } => "err-catalogue-department-still-handles",
            CatalogueError::StillPrerequisite { .. } => "err-catalogue-still-prerequisite",
            CatalogueError::AlreadyRetired { .. } => "err-catalogue-already-retired",
            CatalogueError::NotRetired { .. } => "err-catalogue-not-retired",
            CatalogueError::Forbidden => "err-catalogue-forbidden",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            CatalogueError::PromisedAboveStatutory { promised, statutory } => {
                vec![("promised", (*promised).into()), ("statutory", (*statutory).into())]
            }
            CatalogueError::PrerequisiteCycle(path) => vec![("cycle", path.join(" → ").into())],
            CatalogueError::BadStoredLimit { code, what, value } => {
                vec![("code", code.into()), ("which", limit_arg(what)), ("value", (*value).into())]
            }
            CatalogueError::BadCode { what }
            | CatalogueError::BadName { what }
            | CatalogueError::BadAliases { what } => {
                vec![("what", what_arg(what))]
            }
            CatalogueError::CodeTaken { what, code } => vec![("what", what_arg(what)), ("code", code.into())],
            CatalogueError::NameTaken { what, written, means } => {
                vec![("what", what_arg(what)), ("written", written.into()), ("means", means.into())]
            }
            CatalogueError::EmptyAfterRegion(written) => vec![("written", written.into())],
            CatalogueError::NoDepartment(code) => vec![("code", code.into())],
            CatalogueError::DepartmentRetired(name) => vec![("name", name.into())],
            CatalogueError::DepartmentStillHandles { department, items } => {
                vec![("department", department.into()), ("items", items.join("、").into())]
            }
            CatalogueError::StillPrerequisite { item, dependants } => {
                vec![("item", item.into()), ("dependants", dependants.join("、").into())]
            }
            CatalogueError::AlreadyRetired { what, name } | CatalogueError::NotRetired { what, name } => {
                vec![("what", what_arg(what)), ("name", name.into())]
            }
            CatalogueError::LimitOutOfRange | CatalogueError::Forbidden => Vec::new(),
        }
    }
}

/// Whether `role` keeps the catalogue (departments and item types): the sweep office.
pub fn may_keep_catalogue(role: crate::Role) -> Result<(), CatalogueError> {
    if role == crate::Role::Office {
        Ok(())
    } else {
        Err(CatalogueError::Forbidden)
    }
}

/// A department or item type's stable code: lowercase ASCII letters, digits and `_`.
pub fn check_code(what: &'static str, code: &str, taken: bool) -> Result<(), CatalogueError> {
    let ok = (1..=32).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(CatalogueError::BadCode { what });
    }
    if taken {
        return Err(CatalogueError::CodeTaken { what, code: code.to_string() });
    }
    Ok(())
}

/// The name and aliases of a department (`kind` Department) or an item type, as the
/// office writes them: each must be a name nothing else of that kind already answers
/// to in `names` (its own code, `own`, may), and must not vanish when the region's
/// names are taken out. Returns the trimmed aliases without repeats.
pub fn check_names(
    kind: crate::names::NameKind,
    own: &str,
    name: &str,
    aliases: &[String],
    names: &crate::names::NameTable,
) -> Result<Vec<String>, CatalogueError> {
    use crate::names::NameKind;
    let what = kind.label_zh();
    let n = name.trim().chars().count();
    if n == 0 || n > 60 {
        return Err(CatalogueError::BadName { what });
    }
    let mut kept: Vec<String> = Vec::new();
    for a in aliases.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if a.chars().count() > 100 {
            return Err(CatalogueError::BadAliases { what });
        }
        if !kept.iter().any(|k| k == a) && a != name.trim() {
            kept.push(a.to_string());
        }
    }
    if kept.len() > 20 {
        return Err(CatalogueError::BadAliases { what });
    }
    for written in std::iter::once(name.trim()).chain(kept.iter().map(String::as_str)) {
        if names.key(written).is_empty() {
            return Err(CatalogueError::EmptyAfterRegion(written.to_string()));
        }
        if let Some(other) = names.code_of(kind, written).filter(|c| *c != own) {
            let means = match kind {
                NameKind::Department => names.department_name(other),
                NameKind::ItemType => names.item_type_name(other),
            };
            return Err(CatalogueError::NameTaken { what, written: written.to_string(), means: means.to_string() });
        }
    }
    Ok(kept)
}

/// An item type's limits as the office sets them: each in range, the promise within the law.
pub fn check_limit_set(statutory: u32, promised: u32, extension: u32) -> Result<(), CatalogueError> {
    if !(1..=MAX_LIMIT).contains(&statutory) || !(1..=MAX_LIMIT).contains(&promised) || extension > MAX_LIMIT {
        return Err(CatalogueError::LimitOutOfRange);
    }
    check_limits(promised, statutory)
}

/// The handling department an item type is given: it must exist and not be retired.
/// `found` is the department's name and whether it is retired, if one has the code.
pub fn check_handling_department(code: &str, found: Option<(&str, bool)>) -> Result<(), CatalogueError> {
    match found {
        None => Err(CatalogueError::NoDepartment(code.to_string())),
        Some((name, true)) => Err(CatalogueError::DepartmentRetired(name.to_string())),
        Some((_, false)) => Ok(()),
    }
}

/// Whether a department may be retired: not twice, and not while item types still in
/// use name it as their handling department (`handled`: their names).
pub fn check_retire_department(name: &str, retired: bool, handled: &[String]) -> Result<(), CatalogueError> {
    if retired {
        return Err(CatalogueError::AlreadyRetired { what: "部门", name: name.to_string() });
    }
    if !handled.is_empty() {
        return Err(CatalogueError::DepartmentStillHandles { department: name.to_string(), items: handled.to_vec() });
    }
    Ok(())
}

/// Whether an item type may be retired: not twice, and not while item types in use
/// name it as a prerequisite (`dependants`: their names). Its pending items and their
/// applications go on; no new pending items of it are read from files or added.
pub fn check_retire_item_type(name: &str, retired: bool, dependants: &[String]) -> Result<(), CatalogueError> {
    if retired {
        return Err(CatalogueError::AlreadyRetired { what: "审批事项", name: name.to_string() });
    }
    if !dependants.is_empty() {
        return Err(CatalogueError::StillPrerequisite { item: name.to_string(), dependants: dependants.to_vec() });
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_adds_departments_and_item_types_under_names_no_other_one_answers_to() {
        use crate::names::{NameKind, NameTable};
        let names = NameTable::shipped();
        assert_eq!(may_keep_catalogue(crate::Role::Office), Ok(()));
        assert_eq!(may_keep_catalogue(crate::Role::DepartmentHead), Err(CatalogueError::Forbidden));
        assert_eq!(check_code("部门", "rfb", false), Ok(()));
        for bad in ["", "Rfb", "r-fb", "1rf", "人防", &"a".repeat(33)] {
            assert_eq!(check_code("部门", bad, false), Err(CatalogueError::BadCode { what: "部门" }), "{bad}");
        }
        assert_eq!(
            check_code("部门", "fgw", true),
            Err(CatalogueError::CodeTaken { what: "部门", code: "fgw".into() })
        );
        // A new department: aliases trimmed, repeats and the name itself dropped.
        let kept = check_names(
            NameKind::Department,
            "rfb",
            "旗人民防空办公室",
            &[" 人防办 ".into(), "人防办".into(), "旗人民防空办公室".into(), "".into()],
            &names,
        );
        assert_eq!(kept, Ok(vec!["人防办".to_string()]));
        // A name another department answers to, with the region's name around it.
        let taken = check_names(NameKind::Department, "rfb", "人防", &["正镶白旗发改委".into()], &names);
        assert_eq!(
            taken,
            Err(CatalogueError::NameTaken {
                what: "部门",
                written: "正镶白旗发改委".into(),
                means: "旗发展和改革委员会".into()
            })
        );
        // Its own names are its own: renaming fgw may keep 发改委.
        assert!(check_names(NameKind::Department, "fgw", "旗发展改革委", &["发改委".into()], &names).is_ok());
        // An alias that is only a bracketed note compares as nothing.
        assert_eq!(
            check_names(NameKind::Department, "x", "旗人防办", &["（旧称）".into()], &names),
            Err(CatalogueError::EmptyAfterRegion("（旧称）".into()))
        );
        assert_eq!(
            check_names(NameKind::ItemType, "x", " ", &[], &names),
            Err(CatalogueError::BadName { what: "审批事项" })
        );
        let many: Vec<String> = (0..21).map(|i| format!("别名{i}")).collect();
        assert_eq!(
            check_names(NameKind::ItemType, "x", "人防审批", &many, &names),
            Err(CatalogueError::BadAliases { what: "审批事项" })
        );
        assert!(matches!(
            check_names(NameKind::ItemType, "x", "人防审批", &["环评".into()], &names),
            Err(CatalogueError::NameTaken { .. })
        ));
        // Limits and the handling department.
        assert_eq!(check_limit_set(20, 15, 0), Ok(()));
        assert_eq!(
            check_limit_set(20, 25, 0),
            Err(CatalogueError::PromisedAboveStatutory { promised: 25, statutory: 20 })
        );
        assert_eq!(check_limit_set(0, 0, 0), Err(CatalogueError::LimitOutOfRange));
        assert_eq!(check_limit_set(20, 20, 3651), Err(CatalogueError::LimitOutOfRange));
        assert_eq!(check_handling_department("rfb", Some(("旗人防办", false))), Ok(()));
        assert_eq!(check_handling_department("rfb", None), Err(CatalogueError::NoDepartment("rfb".into())));
        assert_eq!(
            check_handling_department("rfb", Some(("旗人防办", true))).unwrap_err().to_string(),
            "部门“旗人防办”已撤销，不能作为审批事项的办理部门"
        );
    }

    #[test]
    fn nothing_is_retired_while_something_in_use_leans_on_it() {
        assert_eq!(check_retire_department("旗农牧局", false, &[]), Ok(()));
        let e =
            check_retire_department("旗水利局", false, &["取水许可".into(), "水土保持方案审批".into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "部门“旗水利局”仍是审批事项 取水许可、水土保持方案审批 的办理部门，请先把这些事项交给其他部门或撤销"
        );
        assert!(matches!(check_retire_department("旗农牧局", true, &[]), Err(CatalogueError::AlreadyRetired { .. })));
        assert_eq!(check_retire_item_type("节能审查", false, &[]), Ok(()));
        assert!(matches!(
            check_retire_item_type("用地预审与选址", false, &["规划许可".into()]),
            Err(CatalogueError::StillPrerequisite { .. })
        ));
        assert!(matches!(check_retire_item_type("节能审查", true, &[]), Err(CatalogueError::AlreadyRetired { .. })));
    }

    #[test]
    fn a_refusal_names_its_key_and_the_label_of_what_it_is_about() {
        use crate::sentence::{Arg, Explain};
        let e = check_code("审批事项", "eia", true).unwrap_err();
        assert_eq!(e.key(), "err-catalogue-code-taken");
        assert_eq!(
            e.args(),
            vec![("what", Arg::Label { prefix: "name-kind", code: "item_type" }), ("code", Arg::Text("eia".into()))]
        );
        let e = check_retire_department("旗农牧局", true, &[]).unwrap_err();
        assert_eq!(e.args()[0], ("what", Arg::Label { prefix: "name-kind", code: "department" }));
        let e = stored_limit("eia", "延期时限", -1, true).unwrap_err();
        assert_eq!(e.args()[1], ("which", Arg::Text("extension".into())));
        assert_eq!(e.sentence().text, e.to_string());
    }

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
