//! Header names: which column holds which field.

use crate::OfficeError;
use qidi_core::catalogue::to_half_width;
pub use qidi_core::ledger_file::Field;
use qidi_core::sentence::Sentence;
use std::collections::HashMap;

/// A field from its identifier or its Chinese header (or any built-in variant).
pub fn parse_field(s: &str) -> Option<Field> {
    let t = s.trim();
    Field::ALL.into_iter().find(|f| f.id() == t).or_else(|| builtin(&normalise_header(t)))
}

/// The built-in Chinese header names of a field, after [`normalise_header`].
fn variants(field: Field) -> &'static [&'static str] {
    match field {
        Field::Seq => &["序号", "编号", "序"],
        Field::Code => &[
            "项目代码",
            "项目编码",
            "代码",
            "项目统一代码",
            "统一项目代码",
            "投资项目代码",
            "在线平台项目代码",
            "项目代码号",
        ],
        Field::Name => &["项目名称", "名称", "项目名"],
        Field::Owner => {
            &["项目单位", "建设单位", "业主单位", "项目业主", "项目法人", "项目法人单位", "项目建设单位", "申报单位"]
        }
        Field::InitiatingDepartment => &["立项部门", "立项单位", "立项机关", "立项审批部门"],
        Field::Year => {
            &["立项年度", "年度", "立项年份", "年份", "立项时间", "立项日期", "立项批复时间", "立项批复日期"]
        }
        Field::Investment => &["总投资", "投资额", "总投资额", "计划总投资", "项目总投资", "投资总额"],
        Field::Stage => &["建设状态", "项目状态", "建设阶段", "项目建设状态", "状态"],
        Field::ItemType => &[
            "待批事项",
            "审批事项",
            "事项名称",
            "待办事项",
            "待批手续",
            "前期手续",
            "未批事项",
            "手续名称",
            "待办理事项",
            "审批手续",
        ],
        Field::HandlingDepartment => {
            &["办理部门", "审批部门", "责任部门", "前期手续办理部门", "承办部门", "审批单位", "办理单位"]
        }
        Field::CheckResult => &["核查情况", "核查结果", "核查意见"],
        Field::ResponsiblePerson => &["责任人", "部门责任人", "负责人", "责任领导"],
        Field::AcceptanceStatus => &["受理情况", "审批受理情况", "受理状态", "办理情况", "办理进度"],
        Field::DueOn => {
            &["完成时限", "办结时限", "完成时间", "计划完成时间", "办结时间", "预计完成时间", "时限", "预计办结时间"]
        }
        Field::Note => &["备注", "说明"],
        Field::OwnerCreditCode => &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "统一信用代码",
            "项目单位统一社会信用代码",
            "单位统一社会信用代码",
        ],
    }
}

fn builtin(normalised: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| variants(*f).contains(&normalised))
}

/// The form in which header cells are compared: half-width, no whitespace (headers
/// often break lines), no `*` required-markers or trailing colon, and without a
/// bracketed unit or note: `总投资\n（万元）` → `总投资`.
pub fn normalise_header(s: &str) -> String {
    let mut t: String = to_half_width(s).chars().filter(|c| !c.is_whitespace() && *c != '*' && *c != '※').collect();
    if let Some(i) = t.find(['(', '（', '[', '【']) {
        if i > 0 {
            t.truncate(i);
        }
    }
    while t.ends_with([':', '：']) {
        t.pop();
    }
    t
}

/// The unit an amount header declares; 万元 unless the header says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountUnit {
    Wan,
    Yi,
    Yuan,
}

impl AmountUnit {
    pub(crate) fn from_header(raw: &str) -> AmountUnit {
        let t: String = to_half_width(raw).chars().filter(|c| !c.is_whitespace()).collect();
        if t.contains("亿") {
            AmountUnit::Yi
        } else if t.contains("万") {
            AmountUnit::Wan
        } else if t.contains("(元)") || t.ends_with("元") {
            AmountUnit::Yuan
        } else {
            AmountUnit::Wan
        }
    }
}

/// Extra header names → fields, for ledgers whose columns use words the built-in
/// table does not know. Keys are header texts (compared after [`normalise_header`]);
/// values are field identifiers (`name`, `due_on` …, see [`Field::id`]) or a known
/// Chinese header (`项目名称`).
///
/// JSON: `{"工程名称": "name", "牵头单位": "立项部门"}`; TOML: `"工程名称" = "name"`.
/// Either may put the pairs under a `headers` key/table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    extra: HashMap<String, Field>,
}

impl HeaderMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Map a header text to a field.
    pub fn insert(&mut self, header: &str, field: Field) {
        let k = normalise_header(header);
        if !k.is_empty() {
            self.extra.insert(k, field);
        }
    }

    pub fn from_json(s: &str) -> Result<HeaderMap, OfficeError> {
        let v: serde_json::Value = serde_json::from_str(s).map_err(|e| {
            bad_map(
                Sentence::new("err-import-header-map-json", format!("不是有效的 JSON（{e}）"))
                    .arg("detail", e.to_string()),
            )
        })?;
        let obj = match v.get("headers") {
            Some(h) => h,
            None => &v,
        };
        let obj = obj
            .as_object()
            .ok_or_else(|| bad_map(Sentence::new("err-import-header-map-not-object", "应为“表头: 字段”的对象")))?;
        let mut pairs = Vec::new();
        for (k, v) in obj {
            let v = v.as_str().ok_or_else(|| not_a_field_name(k))?;
            pairs.push((k.clone(), v.to_string()));
        }
        HeaderMap::from_pairs(pairs)
    }

    pub fn from_toml(s: &str) -> Result<HeaderMap, OfficeError> {
        let v: toml::Table = s.parse().map_err(|e: toml::de::Error| {
            bad_map(
                Sentence::new("err-import-header-map-toml", format!("不是有效的 TOML（{e}）"))
                    .arg("detail", e.to_string()),
            )
        })?;
        let table = match v.get("headers") {
            Some(toml::Value::Table(t)) => t,
            Some(_) => return Err(bad_map(Sentence::new("err-import-header-map-not-table", "headers 应为表"))),
            None => &v,
        };
        let mut pairs = Vec::new();
        for (k, v) in table {
            let v = v.as_str().ok_or_else(|| not_a_field_name(k))?;
            pairs.push((k.clone(), v.to_string()));
        }
        HeaderMap::from_pairs(pairs)
    }

    /// Read a mapping file: TOML if the name ends in `.toml`, JSON otherwise.
    pub fn load(path: &std::path::Path) -> Result<HeaderMap, OfficeError> {
        let meta = std::fs::metadata(path)?;
        if meta.len() > 1 << 20 {
            return Err(bad_map(Sentence::new("err-import-header-map-too-large", "文件过大（上限 1 MB）")));
        }
        let s = std::fs::read_to_string(path)?;
        if path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
            HeaderMap::from_toml(&s)
        } else {
            HeaderMap::from_json(&s)
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Result<HeaderMap, OfficeError> {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            let f = parse_field(&v).ok_or_else(|| {
                bad_map(
                    Sentence::new(
                        "err-import-header-map-unknown-field",
                        format!("“{k}”对应的字段“{v}”未知，可用：{}", field_ids()),
                    )
                    .arg("header", &k)
                    .arg("field", &v)
                    .arg("fields", field_ids()),
                )
            })?;
            m.insert(&k, f);
        }
        Ok(m)
    }

    /// The field a header cell names: the mapping file first, then the built-in names.
    pub fn field_for(&self, header: &str) -> Option<Field> {
        let k = normalise_header(header);
        if k.is_empty() {
            return None;
        }
        self.extra.get(&k).copied().or_else(|| builtin(&k))
    }
}

fn field_ids() -> String {
    Field::ALL.iter().map(|f| f.id()).collect::<Vec<_>>().join(", ")
}

/// A mapping file that cannot be used, and why.
fn bad_map(why: Sentence) -> OfficeError {
    OfficeError::HeaderMap(why)
}

/// A header whose value is not a field's name.
fn not_a_field_name(header: &str) -> OfficeError {
    bad_map(
        Sentence::new("err-import-header-map-not-a-name", format!("“{header}”的值应为字段名字符串"))
            .arg("header", header),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants() {
        let m = HeaderMap::new();
        assert_eq!(m.field_for("总投资\n（万元）"), Some(Field::Investment));
        assert_eq!(m.field_for(" 项目编码 "), Some(Field::Code));
        assert_eq!(m.field_for("*项目名称"), Some(Field::Name));
        assert_eq!(m.field_for("办结时限："), Some(Field::DueOn));
        assert_eq!(m.field_for("工程名称"), None);
        assert_eq!(m.field_for(""), None);
    }

    #[test]
    fn mapping_files() {
        let m = HeaderMap::from_json(r#"{"工程名称": "name", "牵头单位": "立项部门"}"#).unwrap();
        assert_eq!(m.field_for("工程名称"), Some(Field::Name));
        assert_eq!(m.field_for("牵头单位"), Some(Field::InitiatingDepartment));
        let m = HeaderMap::from_toml("[headers]\n\"工程名称\" = \"name\"\n").unwrap();
        assert_eq!(m.field_for("工程名称"), Some(Field::Name));
        assert!(HeaderMap::from_json(r#"{"x": "nonsense"}"#).is_err());
        assert!(HeaderMap::from_json("[1]").is_err());
        assert!(HeaderMap::from_toml("x = 1").is_err());
    }

    #[test]
    fn units() {
        assert_eq!(AmountUnit::from_header("总投资（万元）"), AmountUnit::Wan);
        assert_eq!(AmountUnit::from_header("总投资(亿元)"), AmountUnit::Yi);
        assert_eq!(AmountUnit::from_header("总投资（元）"), AmountUnit::Yuan);
        assert_eq!(AmountUnit::from_header("总投资"), AmountUnit::Wan);
    }
}
