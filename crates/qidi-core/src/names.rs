//! Matching the names spreadsheets use for departments and item types.
//!
//! Officials write a department's full name, often with the league or banner inside
//! it: 锡林郭勒盟生态环境局正镶白旗分局, 生态环境局正镶白旗分局, 正镶白旗自然资源局. The
//! names of this deployment's region and of all its ancestors ([`RegionNames`], built
//! from the region tree, in full and short forms) are taken out wherever they appear,
//! then the rest is compared with the catalogue's names and aliases ([`NameTable`]).
//! A name that matches nothing gets the closest known names as suggestions.

use crate::catalogue::{to_half_width, DEPARTMENTS, ITEM_TYPES};
use crate::region::{RegionCode, RegionLevel, DEFAULT_REGIONS};
use std::collections::HashMap;

/// The names of a region and its ancestors, as officials write them inside other names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionNames {
    /// Full and short forms, longest first, so that 锡林郭勒盟 goes before 锡林郭勒.
    forms: Vec<String>,
}

/// Suffixes a region's name ends with; the name without one is its short form.
const LEVEL_SUFFIXES: [&str; 10] = ["自治区", "自治旗", "自治县", "自治州", "地区", "盟", "旗", "市", "县", "省"];

impl RegionNames {
    /// From the chain of (name, level) from the deployment's region up to the top.
    pub fn of_chain<'a>(chain: impl IntoIterator<Item = (&'a str, RegionLevel)>) -> RegionNames {
        let mut forms: Vec<String> = Vec::new();
        let mut add = |f: String| {
            if f.chars().count() >= 2 && !forms.contains(&f) {
                forms.push(f);
            }
        };
        for (name, level) in chain {
            let name: String = to_half_width(name).chars().filter(|c| !c.is_whitespace()).collect();
            // A name that is only the code (a region missing from the tree) is no name.
            if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            add(name.clone());
            if let Some(short) = LEVEL_SUFFIXES.iter().find_map(|s| name.strip_suffix(s)) {
                add(short.to_string());
                // 锡林郭勒盟 is commonly 锡盟.
                if level == RegionLevel::League && name.ends_with('盟') {
                    if let Some(first) = short.chars().next() {
                        add(format!("{first}盟"));
                    }
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.chars().count()));
        RegionNames { forms }
    }

    /// The chain of `region` in a region tree given as (code, name, parent code) rows.
    /// A region missing from the tree still brings its ancestors by code.
    pub fn from_tree<'a>(
        region: &RegionCode,
        tree: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>)>,
    ) -> Self {
        let by_code: HashMap<&str, (&str, Option<&str>)> = tree.into_iter().map(|(c, n, p)| (c, (n, p))).collect();
        let mut chain: Vec<(&str, RegionLevel)> = Vec::new();
        let mut next = Some(*region);
        let mut seen = 0;
        while let Some(code) = next {
            seen += 1;
            if seen > 8 {
                break; // a cycle in bad data
            }
            match by_code.get(code.as_str()) {
                Some((name, parent)) => {
                    chain.push((name, code.level()));
                    next = parent.and_then(|p| RegionCode::parse(p).ok()).or_else(|| code.parent());
                }
                None => next = code.parent(),
            }
        }
        RegionNames::of_chain(chain)
    }

    /// From the shipped region tree ([`DEFAULT_REGIONS`]).
    pub fn shipped(region: &RegionCode) -> Self {
        RegionNames::from_tree(region, DEFAULT_REGIONS.iter().map(|(c, n, p)| (*c, *n, *p)))
    }

    /// The forms taken out of names, longest first.
    pub fn forms(&self) -> &[String] {
        &self.forms
    }

    /// `s` with every form taken out, wherever it appears.
    pub fn strip(&self, s: &str) -> String {
        let mut t = s.to_string();
        for f in &self.forms {
            if t.contains(f.as_str()) {
                t = t.replace(f.as_str(), "");
            }
        }
        t
    }
}

/// The form in which names are compared: half-width, lower case, no whitespace, no
/// bracketed note, without the region's names (anywhere) and a leading 本旗/旗/县;
/// 生态环境局分局 (what is left of 生态环境局正镶白旗分局) reads as 生态环境分局.
pub fn name_key(s: &str, regions: &RegionNames) -> String {
    let mut t: String = to_half_width(s).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(i) = t.find(['(', '（']) {
        t.truncate(i);
    }
    let stripped = regions.strip(&t);
    // A name that is nothing but a region's name stays as written.
    if !stripped.is_empty() {
        t = stripped;
    }
    for prefix in ["本旗", "本县", "旗", "县"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            if !rest.is_empty() {
                t = rest.to_string();
                break;
            }
        }
    }
    if t.contains("局分局") {
        t = t.replace("局分局", "分局");
    }
    t.to_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Department {
    code: String,
    name: String,
    retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ItemType {
    code: String,
    name: String,
    department: String,
    retired: bool,
}

/// What kind of name a spreadsheet cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Department,
    ItemType,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Department => "department",
            NameKind::ItemType => "item_type",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "department" => Some(NameKind::Department),
            "item_type" => Some(NameKind::ItemType),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            NameKind::Department => "部门",
            NameKind::ItemType => "审批事项",
        }
    }
}

/// Department code → names, item type code → (names, default handling department).
///
/// Names are compared by [`name_key`], so `旗发改委`, `发改委 ` and
/// `正镶白旗发展和改革委员会` all find `fgw` in a deployment at 正镶白旗. A department's or
/// item type's code matches too. Retired departments and item types keep their names
/// (exports) but match nothing.
///
/// [`NameTable::shipped`] is built from [`crate::catalogue`]; the store builds the
/// live table from the database.
#[derive(Debug, Clone, Default)]
pub struct NameTable {
    regions: RegionNames,
    departments: Vec<Department>,
    item_types: Vec<ItemType>,
    dept_index: HashMap<String, usize>,
    item_index: HashMap<String, usize>,
}

impl NameTable {
    /// An empty table that strips no region names.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table for a deployment whose region and ancestors are `regions`.
    pub fn for_regions(regions: RegionNames) -> Self {
        NameTable { regions, ..Self::default() }
    }

    /// The departments and item types shipped in [`crate::catalogue`], with their
    /// aliases, for a deployment at the shipped default region (正镶白旗).
    pub fn shipped() -> Self {
        let region = RegionCode::parse("152529").unwrap_or_else(|_| unreachable!("a valid code"));
        NameTable::shipped_for(RegionNames::shipped(&region))
    }

    /// The shipped catalogue for a deployment whose region names are `regions`.
    pub fn shipped_for(regions: RegionNames) -> Self {
        let mut t = NameTable::for_regions(regions);
        for d in DEPARTMENTS {
            t.add_department(d.code, d.name);
            for a in d.aliases {
                t.add_department_alias(d.code, a);
            }
        }
        for it in ITEM_TYPES {
            t.add_item_type(it.code, it.name, it.department);
            for a in it.aliases {
                t.add_item_type_alias(it.code, a);
            }
        }
        t
    }

    /// The region names this table strips.
    pub fn regions(&self) -> &RegionNames {
        &self.regions
    }

    /// The form in which this table compares `written`.
    pub fn key(&self, written: &str) -> String {
        name_key(written, &self.regions)
    }

    /// Add a department (or rename it, if the code is known). The name is also an alias.
    pub fn add_department(&mut self, code: &str, name: &str) {
        let idx = match self.departments.iter().position(|d| d.code == code) {
            Some(i) => {
                self.departments[i].name = name.to_string();
                i
            }
            None => {
                self.departments.push(Department { code: code.to_string(), name: name.to_string(), retired: false });
                self.departments.len() - 1
            }
        };
        self.insert_dept_key(code, idx);
        self.insert_dept_key(name, idx);
    }

    /// Mark a department retired: its names match nothing any more.
    pub fn retire_department(&mut self, code: &str) {
        if let Some(i) = self.departments.iter().position(|d| d.code == code) {
            self.departments[i].retired = true;
        }
    }

    /// Another name for a department. An unknown code is added with the alias as its name.
    /// An alias already used for another department now means this one.
    pub fn add_department_alias(&mut self, code: &str, alias: &str) {
        match self.departments.iter().position(|d| d.code == code) {
            Some(idx) => self.insert_dept_key(alias, idx),
            None => self.add_department(code, alias),
        }
    }

    /// Add an item type with its default handling department (or update it).
    pub fn add_item_type(&mut self, code: &str, name: &str, department: &str) {
        let idx = match self.item_types.iter().position(|t| t.code == code) {
            Some(i) => {
                self.item_types[i].name = name.to_string();
                self.item_types[i].department = department.to_string();
                i
            }
            None => {
                self.item_types.push(ItemType {
                    code: code.to_string(),
                    name: name.to_string(),
                    department: department.to_string(),
                    retired: false,
                });
                self.item_types.len() - 1
            }
        };
        self.insert_item_key(code, idx);
        self.insert_item_key(name, idx);
    }

    /// Mark an item type retired: its names match nothing any more.
    pub fn retire_item_type(&mut self, code: &str) {
        if let Some(i) = self.item_types.iter().position(|t| t.code == code) {
            self.item_types[i].retired = true;
        }
    }

    /// Another name for an item type. Ignored (returns false) if the code is unknown,
    /// because an item type needs a department.
    pub fn add_item_type_alias(&mut self, code: &str, alias: &str) -> bool {
        match self.item_types.iter().position(|t| t.code == code) {
            Some(idx) => {
                self.insert_item_key(alias, idx);
                true
            }
            None => false,
        }
    }

    /// The department code for a name as written.
    pub fn department_code(&self, written: &str) -> Option<&str> {
        self.lookup_dept(written).filter(|&i| !self.departments[i].retired).map(|i| self.departments[i].code.as_str())
    }

    /// The item type code and its default handling department for a name as written.
    pub fn item_type(&self, written: &str) -> Option<(&str, &str)> {
        self.lookup_item(written).filter(|&i| !self.item_types[i].retired).map(|i| {
            let t = &self.item_types[i];
            (t.code.as_str(), t.department.as_str())
        })
    }

    /// The code of the department or item type a name already means (retired ones too).
    pub fn code_of(&self, kind: NameKind, written: &str) -> Option<&str> {
        match kind {
            NameKind::Department => self.lookup_dept(written).map(|i| self.departments[i].code.as_str()),
            NameKind::ItemType => self.lookup_item(written).map(|i| self.item_types[i].code.as_str()),
        }
    }

    /// The name a department is written with in exports; the code itself if unknown.
    pub fn department_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.departments.iter().find(|d| d.code == code).map_or(code, |d| d.name.as_str())
    }

    /// The name an item type is written with in exports; the code itself if unknown.
    pub fn item_type_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.item_types.iter().find(|t| t.code == code).map_or(code, |t| t.name.as_str())
    }

    /// The default handling department of an item type.
    pub fn item_type_department(&self, code: &str) -> Option<&str> {
        self.item_types.iter().find(|t| t.code == code).map(|t| t.department.as_str())
    }

    /// The names (as the catalogue writes them) of the departments or item types
    /// closest to `written`, best first, at most `n`; none that are retired.
    pub fn suggest(&self, kind: NameKind, written: &str, n: usize) -> Vec<&str> {
        let w = self.key(written);
        if w.is_empty() {
            return Vec::new();
        }
        let (index, names): (&HashMap<String, usize>, Vec<(&str, bool)>) = match kind {
            NameKind::Department => {
                (&self.dept_index, self.departments.iter().map(|d| (d.name.as_str(), d.retired)).collect())
            }
            NameKind::ItemType => {
                (&self.item_index, self.item_types.iter().map(|t| (t.name.as_str(), t.retired)).collect())
            }
        };
        let mut best: HashMap<usize, f64> = HashMap::new();
        for (k, &i) in index {
            if names[i].1 {
                continue;
            }
            let s = similarity(&w, k);
            let e = best.entry(i).or_insert(0.0);
            if s > *e {
                *e = s;
            }
        }
        let mut ranked: Vec<(usize, f64)> = best.into_iter().filter(|(_, s)| *s >= SUGGESTION_FLOOR).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| names[a.0].0.cmp(names[b.0].0)));
        ranked.into_iter().take(n).map(|(i, _)| names[i].0).collect()
    }

    fn insert_dept_key(&mut self, name: &str, idx: usize) {
        let k = self.key(name);
        if !k.is_empty() {
            self.dept_index.insert(k, idx);
        }
    }

    fn insert_item_key(&mut self, name: &str, idx: usize) {
        let k = self.key(name);
        if !k.is_empty() {
            self.item_index.insert(k, idx);
        }
    }

    fn lookup_dept(&self, written: &str) -> Option<usize> {
        let k = self.key(written);
        (!k.is_empty()).then(|| self.dept_index.get(&k).copied()).flatten()
    }

    fn lookup_item(&self, written: &str) -> Option<usize> {
        let k = self.key(written);
        (!k.is_empty()).then(|| self.item_index.get(&k).copied()).flatten()
    }
}

/// Below this similarity a known name is not worth suggesting.
const SUGGESTION_FLOOR: f64 = 0.4;

/// How alike two compared names are, 0 to 1: the normalised Levenshtein similarity
/// over characters, and at least 0.75 when one contains the other (生态局 in
/// 生态环境局 is a shortening, not a typo).
pub fn similarity(a: &str, b: &str) -> f64 {
    let s = strsim::normalized_levenshtein(a, b);
    let (short, long) = if a.chars().count() <= b.chars().count() { (a, b) } else { (b, a) };
    if short.chars().count() >= 2 && long.contains(short) {
        s.max(0.75)
    } else {
        s
    }
}

/// "是否指：旗生态环境分局？" or "是否指：A、B？"; empty when there is nothing to suggest.
pub fn did_you_mean(suggestions: &[&str]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("是否指：{}？", suggestions.join("、"))
    }
}

/// Whether `role` may map unknown names to departments and item types (save aliases):
/// the sweep office, which keeps the catalogue.
pub fn may_map_names(role: crate::Role) -> bool {
    role == crate::Role::Office
}

/// What is asked when an unknown name is saved as an alias.
#[derive(Debug, Clone, Copy)]
pub struct AliasRequest<'a> {
    pub kind: NameKind,
    /// The name as written in the file.
    pub written: &'a str,
    /// Its compared form ([`NameTable::key`]).
    pub key: &'a str,
    /// The name of the department or item type the name already means, if any.
    pub already_means: Option<&'a str>,
    /// The department or item type it is to mean.
    pub target_name: &'a str,
    pub target_retired: bool,
}

/// Why an alias may not be saved ([`alias_refusal`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub enum AliasRefusal {
    /// Only the sweep office maps names (the default: the refusal that needs nothing more).
    #[default]
    #[error("只有领导小组办公室可以保存名称的对应关系（别名）")]
    NotOffice,
    /// Nothing is left of the name once region names and spaces are taken out.
    #[error("别名“{written}”去掉地区名称和空格后为空，不能作为{}的别名", kind.label_zh())]
    Empty { kind: NameKind, written: String },
    /// Over 100 characters; `start` is its first 20.
    #[error("别名最多 100 字，“{start}…”太长")]
    TooLong { start: String },
    /// The name already means a department or item type.
    #[error("“{written}”已是{}“{means}”的名称或别名，不能重复添加", kind.label_zh())]
    Taken { kind: NameKind, written: String, means: String },
    /// The department or item type it is to mean is retired.
    #[error("{}“{target}”已撤销，不能把别名对应到已撤销的{}", kind.label_zh(), kind.label_zh())]
    Retired { kind: NameKind, target: String },
}

impl crate::sentence::Explain for AliasRefusal {
    fn key(&self) -> &'static str {
        use NameKind::{Department as D, ItemType as I};
        match self {
            AliasRefusal::NotOffice => "err-names-map-not-office",
            AliasRefusal::Empty { kind: D, .. } => "err-names-alias-empty-department",
            AliasRefusal::Empty { kind: I, .. } => "err-names-alias-empty-item-type",
            AliasRefusal::TooLong { .. } => "err-names-alias-too-long",
            AliasRefusal::Taken { kind: D, .. } => "err-names-alias-taken-department",
            AliasRefusal::Taken { kind: I, .. } => "err-names-alias-taken-item-type",
            AliasRefusal::Retired { kind: D, .. } => "err-names-alias-retired-department",
            AliasRefusal::Retired { kind: I, .. } => "err-names-alias-retired-item-type",
        }
    }

    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            AliasRefusal::NotOffice => Vec::new(),
            AliasRefusal::Empty { written, .. } => vec![("written", written.into())],
            AliasRefusal::TooLong { start } => vec![("start", start.into())],
            AliasRefusal::Taken { written, means, .. } => vec![("written", written.into()), ("means", means.into())],
            AliasRefusal::Retired { target, .. } => vec![("target", target.into())],
        }
    }
}

/// The store takes a refusal as its sentence.
impl From<AliasRefusal> for crate::sentence::Sentence {
    fn from(r: AliasRefusal) -> Self {
        crate::sentence::Explain::sentence(&r)
    }
}

/// Why `role` may not save this alias, or `None` if it may. Only the sweep office keeps
/// the catalogue (as it edits item types); a name means one thing in a region; nothing
/// new may point at a retired department or item type.
pub fn alias_refusal(role: crate::Role, a: &AliasRequest<'_>) -> Option<AliasRefusal> {
    let kind = a.kind;
    if !may_map_names(role) {
        return Some(AliasRefusal::NotOffice);
    }
    if a.key.is_empty() {
        return Some(AliasRefusal::Empty { kind, written: a.written.to_string() });
    }
    if a.written.chars().count() > 100 {
        return Some(AliasRefusal::TooLong { start: a.written.chars().take(20).collect() });
    }
    if let Some(n) = a.already_means {
        return Some(AliasRefusal::Taken { kind, written: a.written.to_string(), means: n.to_string() });
    }
    if a.target_retired {
        return Some(AliasRefusal::Retired { kind, target: a.target_name.to_string() });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banner() -> RegionCode {
        RegionCode::parse("152529").unwrap()
    }

    #[test]
    fn region_names_come_from_the_tree() {
        let r = RegionNames::shipped(&banner());
        let forms: Vec<&str> = r.forms().iter().map(String::as_str).collect();
        for f in ["内蒙古自治区", "锡林郭勒盟", "锡林郭勒", "正镶白旗", "内蒙古", "正镶白", "锡盟"]
        {
            assert!(forms.contains(&f), "{f} missing from {forms:?}");
        }
        // Siblings are not this deployment's names.
        assert!(!forms.iter().any(|f| f.contains("镶黄")));
        // Longest first.
        assert!(forms.windows(2).all(|w| w[0].chars().count() >= w[1].chars().count()));

        // Another banner of the league: its own name, not 正镶白旗.
        let other = RegionNames::shipped(&RegionCode::parse("152528").unwrap());
        assert!(other.forms().contains(&"镶黄旗".to_string()));
        assert!(!other.forms().contains(&"正镶白旗".to_string()));
        assert_eq!(other.strip("镶黄旗自然资源局"), "自然资源局");
        assert_eq!(other.strip("正镶白旗自然资源局"), "正镶白旗自然资源局");

        // A region not in the tree still brings its ancestors by code.
        let unknown = RegionNames::shipped(&RegionCode::parse("152599").unwrap());
        assert!(unknown.forms().contains(&"锡林郭勒盟".to_string()));
        // A tree given as data.
        let tree =
            [("220000", "吉林省", None), ("220100", "长春市", Some("220000")), ("220122", "农安县", Some("220100"))];
        let jl = RegionNames::from_tree(&RegionCode::parse("220122").unwrap(), tree);
        assert_eq!(jl.strip("吉林省长春市农安县发展和改革局"), "发展和改革局");
        assert_eq!(name_key("农安县自然资源局", &jl), "自然资源局");
    }

    #[test]
    fn keys_strip_region_names_anywhere() {
        let r = RegionNames::shipped(&banner());
        assert_eq!(name_key("锡林郭勒盟生态环境局正镶白旗分局", &r), "生态环境分局");
        assert_eq!(name_key("生态环境局正镶白旗分局", &r), "生态环境分局");
        assert_eq!(name_key("正镶白旗自然资源局", &r), "自然资源局");
        assert_eq!(name_key("内蒙古自治区锡林郭勒盟正镶白旗 发展和改革委员会", &r), "发展和改革委员会");
        assert_eq!(name_key("锡盟生态环境局正镶白旗分局", &r), "生态环境分局");
        assert_eq!(name_key("旗林草局（草原站）", &r), "林草局");
        assert_eq!(name_key("ＦＧＷ", &r), "fgw");
        // Only a region's name: kept, so that it matches nothing rather than everything.
        assert_eq!(name_key("正镶白旗", &r), "正镶白旗");
    }

    #[test]
    fn department_names_with_their_region_match() {
        let t = NameTable::shipped();
        for w in ["锡林郭勒盟生态环境局正镶白旗分局", "生态环境局正镶白旗分局", "正镶白旗生态环境分局", "环保局"]
        {
            assert_eq!(t.department_code(w), Some("sthj"), "{w}");
        }
        assert_eq!(t.department_code("正镶白旗自然资源局"), Some("zrzy"));
        assert_eq!(t.department_code("正镶白旗发展和改革委员会"), Some("fgw"));
        assert_eq!(t.department_code("旗发改委"), Some("fgw"));
        assert_eq!(t.department_code("ＦＧＷ"), Some("fgw"));
        assert_eq!(t.department_code("公安局"), None);
        assert_eq!(t.item_type("环评"), Some(("eia", "sthj")));
        assert_eq!(t.item_type("规划许可"), None);
        assert_eq!(t.department_name("fgw"), "旗发展和改革委员会");
        assert_eq!(t.department_name("xyz"), "xyz");
        assert_eq!(t.item_type_name("eia"), "环境影响评价");

        // The same names in a deployment elsewhere keep 正镶白旗 in them: no match.
        let elsewhere = NameTable::shipped_for(RegionNames::shipped(&RegionCode::parse("152528").unwrap()));
        assert_eq!(elsewhere.department_code("正镶白旗自然资源局"), None);
        assert_eq!(elsewhere.department_code("镶黄旗自然资源局"), Some("zrzy"));
    }

    #[test]
    fn aliases_and_retirement() {
        let mut t = NameTable::shipped();
        assert_eq!(t.department_code("锡林郭勒盟环境保护局"), None);
        t.add_department_alias("sthj", "锡林郭勒盟环境保护局");
        assert_eq!(t.department_code("锡林郭勒盟环境保护局"), Some("sthj"));
        assert!(t.add_item_type_alias("eia", "环境影响登记表"));
        assert_eq!(t.item_type("环境影响登记表"), Some(("eia", "sthj")));
        assert!(!t.add_item_type_alias("nope", "x"));
        t.add_department_alias("gaj", "公安局");
        assert_eq!(t.department_code("公安局"), Some("gaj"));
        t.retire_department("gaj");
        assert_eq!(t.department_code("公安局"), None);
        assert_eq!(t.code_of(NameKind::Department, "公安局"), Some("gaj"));
        t.retire_item_type("eia");
        assert_eq!(t.item_type("环评"), None);
        assert!(t.suggest(NameKind::ItemType, "环评审查", 3).iter().all(|n| *n != "环境影响评价"));
    }

    #[test]
    fn unknown_names_get_the_closest_known_ones() {
        let t = NameTable::shipped();
        let s = t.suggest(NameKind::Department, "生态局", 3);
        assert_eq!(s.first(), Some(&"旗生态环境分局"), "{s:?}");
        let s = t.suggest(NameKind::Department, "锡林郭勒盟生态环境保护局正镶白旗分局", 3);
        assert_eq!(s.first(), Some(&"旗生态环境分局"), "{s:?}");
        let s = t.suggest(NameKind::Department, "自然资源和规化局", 3);
        assert_eq!(s.first(), Some(&"旗自然资源局"), "{s:?}");
        let s = t.suggest(NameKind::ItemType, "水土保持方案批复", 3);
        assert_eq!(s.first(), Some(&"水土保持方案审批"), "{s:?}");
        assert!(t.suggest(NameKind::Department, "教育局", 3).len() <= 3);
        assert!(t.suggest(NameKind::Department, "", 3).is_empty());
        assert_eq!(did_you_mean(&["旗生态环境分局"]), "是否指：旗生态环境分局？");
        assert_eq!(did_you_mean(&["A", "B"]), "是否指：A、B？");
        assert_eq!(did_you_mean(&[]), "");
    }

    #[test]
    fn similarity_is_symmetric_and_bounded() {
        for (a, b) in [("生态环境分局", "生态局"), ("自然资源局", "林草局"), ("", "x"), ("水利局", "水利局")]
        {
            let s = similarity(a, b);
            assert!((0.0..=1.0).contains(&s), "{a} {b} {s}");
            assert_eq!(s, similarity(b, a));
        }
        assert_eq!(similarity("水利局", "水利局"), 1.0);
    }

    #[test]
    fn alias_rules() {
        use crate::Role;
        let ok = AliasRequest {
            kind: NameKind::Department,
            written: "锡盟环保局",
            key: "环保局x",
            already_means: None,
            target_name: "旗生态环境分局",
            target_retired: false,
        };
        assert_eq!(alias_refusal(Role::Office, &ok), None);
        for r in [Role::Handler, Role::DepartmentHead, Role::Admin, Role::Leader, Role::Inspector, Role::Applicant] {
            assert!(alias_refusal(r, &ok).unwrap().to_string().contains("只有领导小组办公室"), "{r:?}");
        }
        let dup = AliasRequest { already_means: Some("旗自然资源局"), ..ok };
        assert_eq!(
            alias_refusal(Role::Office, &dup).unwrap().to_string(),
            "“锡盟环保局”已是部门“旗自然资源局”的名称或别名，不能重复添加"
        );
        let retired = AliasRequest { target_retired: true, ..ok };
        assert_eq!(
            alias_refusal(Role::Office, &retired).unwrap().to_string(),
            "部门“旗生态环境分局”已撤销，不能把别名对应到已撤销的部门"
        );
        let empty = AliasRequest { key: "", written: "正镶白旗", ..ok };
        assert!(alias_refusal(Role::Office, &empty).unwrap().to_string().contains("为空"));
        let item =
            AliasRequest { kind: NameKind::ItemType, target_retired: true, target_name: "环境影响评价", ..ok };
        let refused = alias_refusal(Role::Office, &item).unwrap();
        assert!(refused.to_string().starts_with("审批事项“环境影响评价”已撤销"));
        assert_eq!(crate::sentence::Explain::key(&refused), "err-names-alias-retired-item-type");
        assert_eq!(AliasRefusal::default().to_string(), "只有领导小组办公室可以保存名称的对应关系（别名）");
    }
}
