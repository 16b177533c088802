//! Projects in the library: the project code and the fields that describe a project.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The national online platform's project code (项目代码), e.g. `2022-152529-44-01-012345`.
///
/// Codes since 2020 have five hyphen-joined segments (4-6-2-2-6 digits). The same
/// 20 digits written without hyphens are read in that shape. A code of digits only
/// with any other count is a truncated or Excel-mangled code and is refused. Older
/// codes differ, so any other shape is accepted (ASCII letters, digits and hyphens,
/// 8 to 40 characters, at least one digit) and [`ProjectCode::shape_note`] says it
/// is not in the national shape. The check digit is never verified (DOMAIN.md).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProjectCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidProjectCode {
    #[error("项目代码“{0}”格式不正确：应如 2022-152529-44-01-012345")]
    Malformed(String),
    #[error(
        "项目代码位数不对：“{written}”是 {digits} 位数字，全国统一项目代码是 20 位数字（如 2022-152529-44-01-012345），可能被截断或被 Excel 改成了数字"
    )]
    DigitCount { written: String, digits: usize },
}

impl crate::sentence::Explain for InvalidProjectCode {
    fn key(&self) -> &'static str {
        match self {
            InvalidProjectCode::Malformed(_) => "err-project-code-malformed",
            InvalidProjectCode::DigitCount { .. } => "err-project-code-digit-count",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            InvalidProjectCode::Malformed(written) => vec![("code", written.into())],
            InvalidProjectCode::DigitCount { written, digits } => {
                vec![("code", written.into()), ("digits", (*digits).into())]
            }
        }
    }
}

/// The segment lengths of the national shape.
const NATIONAL_SEGMENTS: [usize; 5] = [4, 6, 2, 2, 6];

impl ProjectCode {
    pub fn parse(s: &str) -> Result<Self, InvalidProjectCode> {
        let t: String = crate::catalogue::to_half_width(s.trim())
            .chars()
            .map(|c| if c == '—' || c == '–' || c == '－' { '-' } else { c })
            .collect();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            let digits = t.len();
            if digits != 20 {
                return Err(InvalidProjectCode::DigitCount { written: s.trim().to_string(), digits });
            }
            let mut out = String::with_capacity(24);
            let mut at = 0;
            for (i, n) in NATIONAL_SEGMENTS.iter().enumerate() {
                if i > 0 {
                    out.push('-');
                }
                out.push_str(&t[at..at + n]);
                at += n;
            }
            return Ok(ProjectCode(out));
        }
        let ok_chars = t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let len_ok = (8..=40).contains(&t.len());
        let has_digit = t.chars().any(|c| c.is_ascii_digit());
        if !ok_chars || !len_ok || !has_digit || t.starts_with('-') || t.ends_with('-') {
            return Err(InvalidProjectCode::Malformed(s.to_string()));
        }
        Ok(ProjectCode(t.to_ascii_uppercase()))
    }

    /// A code as the database keeps it: stored codes were checked when they came in
    /// (possibly by an earlier, more lenient rule), so they are taken as they are.
    pub fn from_stored(s: String) -> Self {
        ProjectCode(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the code has the 2020 national shape (4-6-2-2-6 digits).
    pub fn is_national_shape(&self) -> bool {
        let parts: Vec<&str> = self.0.split('-').collect();
        parts.len() == 5
            && parts.iter().zip(NATIONAL_SEGMENTS).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
    }

    /// Why a code accepted by [`ProjectCode::parse`] deserves a second look: it is not
    /// in the national shape. `None` for a national-shape code.
    pub fn shape_note(&self) -> Option<crate::sentence::Sentence> {
        (!self.is_national_shape()).then(|| {
            crate::sentence::Sentence::new(
                "err-project-code-not-national-shape",
                format!(
                    "项目代码“{}”不是全国统一项目代码的格式（4-6-2-2-6 位数字，如 2022-152529-44-01-012345）：已按原样导入，请核对",
                    self.0
                ),
            )
            .arg("code", &self.0)
        })
    }

    /// The region segment of a national-shape code.
    pub fn region_segment(&self) -> Option<&str> {
        self.is_national_shape().then(|| &self.0[5..11])
    }
}

impl fmt::Display for ProjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProjectCode {
    type Error = InvalidProjectCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ProjectCode::parse(&s)
    }
}

impl From<ProjectCode> for String {
    fn from(c: ProjectCode) -> String {
        c.0
    }
}

/// Where a project stands on the ground.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStage {
    NotStarted,
    UnderConstruction,
}

impl ProjectStage {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStage::NotStarted => "not_started",
            ProjectStage::UnderConstruction => "under_construction",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ProjectStage::NotStarted => "未开工",
            ProjectStage::UnderConstruction => "在建",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "not_started" | "未开工" | "未建" | "拟建" => Some(ProjectStage::NotStarted),
            "under_construction" | "在建" | "已开工" => Some(ProjectStage::UnderConstruction),
            _ => None,
        }
    }
}

/// An amount of money in whole yuan. Ledgers write investment in 万元 with up to
/// two decimals (100 yuan), so whole yuan are exact and need no floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Yuan(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("金额“{0}”无法识别：应为数字（万元），如 1,234.56")]
pub struct InvalidAmount(pub String);

impl crate::sentence::Explain for InvalidAmount {
    fn key(&self) -> &'static str {
        "err-project-amount-invalid"
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        vec![("amount", self.0.as_str().into())]
    }
}

impl Yuan {
    /// Parse an amount written in 万元: thousands separators, full-width digits,
    /// a trailing 万元/万 unit and surrounding spaces are accepted.
    pub fn parse_wan(s: &str) -> Result<Yuan, InvalidAmount> {
        let t = crate::catalogue::to_half_width(s.trim());
        let t = t.trim_end_matches("万元").trim_end_matches('万').trim();
        let t: String = t.chars().filter(|c| *c != ',' && *c != '，' && *c != ' ').collect();
        let err = || InvalidAmount(s.to_string());
        if t.is_empty() || t.starts_with('-') {
            return Err(err());
        }
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t.as_str(), ""),
        };
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 4
            || int.len() > 12
        {
            return Err(err());
        }
        let int: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| err())? };
        let mut frac4 = frac.to_string();
        while frac4.len() < 4 {
            frac4.push('0');
        }
        let frac: i64 = frac4.parse().map_err(|_| err())?;
        Ok(Yuan(int * 10_000 + frac))
    }

    /// From a spreadsheet number in 万元.
    pub fn from_wan_f64(v: f64) -> Result<Yuan, InvalidAmount> {
        if !v.is_finite() || !(0.0..=1e12).contains(&v) {
            return Err(InvalidAmount(v.to_string()));
        }
        Ok(Yuan((v * 10_000.0).round() as i64))
    }

    /// Written back in 万元 with two decimals.
    pub fn to_wan_string(self) -> String {
        let cents_of_wan = (self.0 + 50) / 100;
        format!("{}.{:02}", cents_of_wan / 100, cents_of_wan % 100)
    }
}

/// The project library's filters as a form sends them (项目库筛选): every field is
/// optional, and an empty field is no filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LibraryQuery {
    /// Free text over the project's code, name and unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// A department: the projects in its scope (initiated by it, or with an item it handles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// An item type: projects with a pending item of that type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// `red`, `yellow` or `green`: projects with a pending item showing that light.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub light: Option<String>,
    /// The year of initiation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
    /// `not_started` or `under_construction`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

/// The project library's filters, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibraryFilter {
    pub text: Option<String>,
    pub department_id: Option<String>,
    pub item_type_id: Option<String>,
    pub light: Option<crate::light::Light>,
    pub year: Option<i32>,
    pub stage: Option<ProjectStage>,
}

/// A filter field that could not be read: the field's Chinese name and why, and the
/// value as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub field: &'static str,
    pub message: String,
    pub value: String,
    /// The catalogue key of the sentence.
    pub key: &'static str,
}

impl crate::sentence::Explain for FilterError {
    fn key(&self) -> &'static str {
        self.key
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        vec![("value", self.value.as_str().into())]
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.field, self.message)
    }
}

/// Free text longer than this is cut (a search box, not a document).
pub const FILTER_TEXT_CHARS: usize = 50;

impl LibraryQuery {
    pub fn filter(&self) -> Result<LibraryFilter, FilterError> {
        let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let light = match set(&self.light) {
            None => None,
            Some(l) => Some(crate::light::Light::parse(&l).ok_or_else(|| FilterError {
                field: "预警灯",
                message: format!("“{l}”不是红灯、黄灯或绿灯"),
                value: l.clone(),
                key: "err-library-filter-light",
            })?),
        };
        let stage = match set(&self.stage) {
            None => None,
            Some(s) => Some(ProjectStage::parse(&s).ok_or_else(|| FilterError {
                field: "建设状态",
                message: format!("“{s}”不是未开工或在建"),
                value: s.clone(),
                key: "err-library-filter-stage",
            })?),
        };
        let year = match set(&self.year) {
            None => None,
            Some(y) => {
                Some(y.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)).ok_or_else(|| FilterError {
                    field: "立项年度",
                    message: format!("“{y}”不是 1990 至 2100 之间的年份"),
                    value: y.clone(),
                    key: "err-library-filter-year",
                })?)
            }
        };
        Ok(LibraryFilter {
            text: set(&self.q).map(|t| t.chars().take(FILTER_TEXT_CHARS).collect()),
            department_id: set(&self.department),
            item_type_id: set(&self.item_type),
            light,
            year,
            stage,
        })
    }
}

impl LibraryFilter {
    pub fn is_empty(&self) -> bool {
        *self == LibraryFilter::default()
    }

    /// The text, when it is a whole project code in the national shape: such a search
    /// is a lookup of one code, not a search of every name.
    pub fn code(&self) -> Option<ProjectCode> {
        let code = ProjectCode::parse(self.text.as_deref()?).ok()?;
        code.is_national_shape().then_some(code)
    }

    /// The text as a `LIKE … ESCAPE '\'` pattern matching it anywhere.
    pub fn like_pattern(&self) -> Option<String> {
        self.text.as_deref().map(like_anywhere)
    }
}

/// `text` as a `LIKE … ESCAPE '\'` pattern matching it anywhere: its own `%`, `_` and
/// `\` stand for themselves.
pub fn like_anywhere(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_code_shapes() {
        let c = ProjectCode::parse(" 2022-152529-44-01-012345 ").unwrap();
        assert!(c.is_national_shape());
        assert_eq!(c.shape_note(), None);
        assert_eq!(c.region_segment(), Some("152529"));
        assert_eq!(ProjectCode::parse("２０２２－152529-44-01-012345").unwrap().as_str(), "2022-152529-44-01-012345");
        // The same 20 digits without hyphens, normalised.
        let bare = ProjectCode::parse("20221525294401012345").unwrap();
        assert_eq!(bare.as_str(), "2022-152529-44-01-012345");
        assert!(bare.is_national_shape());
        assert_eq!(ProjectCode::parse("２０２２１５２５２９４４０１０１２３４５").unwrap(), bare);
        // Digits only, any other count: truncated or mangled.
        for (bad, n) in [("2017152529440100123", 19), ("202215252944010123456", 21), ("12345678", 8), ("1", 1)] {
            match ProjectCode::parse(bad) {
                Err(e @ InvalidProjectCode::DigitCount { .. }) => {
                    assert!(e.to_string().starts_with("项目代码位数不对"), "{e}");
                    assert!(e.to_string().contains(&format!("{n} 位数字")), "{e}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        // Other shapes are accepted, with a warning.
        for other in ["2017-152529-44-01-0123", "SX2017-0001-A", "152529-2016-001"] {
            let c = ProjectCode::parse(other).unwrap();
            assert!(!c.is_national_shape(), "{other}");
            assert!(c.shape_note().unwrap().contains("不是全国统一项目代码的格式"), "{other}");
        }
        for bad in ["", "abc", "2022 152529", "--2022-1", "2022-152529-44-01-01234５?", "见附件"] {
            assert!(matches!(ProjectCode::parse(bad), Err(InvalidProjectCode::Malformed(_))), "{bad}");
        }
        assert_eq!(ProjectCode::from_stored("2017152529440100123".into()).as_str(), "2017152529440100123");
    }

    #[test]
    fn amounts_in_wan() {
        assert_eq!(Yuan::parse_wan("1,234.56").unwrap(), Yuan(12_345_600));
        assert_eq!(Yuan::parse_wan("１２００万元").unwrap(), Yuan(12_000_000));
        assert_eq!(Yuan::parse_wan(" 0.5 ").unwrap(), Yuan(5_000));
        assert_eq!(Yuan(12_345_600).to_wan_string(), "1234.56");
        for bad in ["", "abc", "-5", "1.2.3", "12e5"] {
            assert!(Yuan::parse_wan(bad).is_err(), "{bad}");
        }
        assert_eq!(Yuan::from_wan_f64(1234.56).unwrap(), Yuan(12_345_600));
        assert!(Yuan::from_wan_f64(f64::NAN).is_err());
    }

    #[test]
    fn library_filters_are_read_and_refused_by_field() {
        let q = |f: fn(&mut LibraryQuery)| {
            let mut q = LibraryQuery::default();
            f(&mut q);
            q.filter()
        };
        assert!(q(|_| ()).unwrap().is_empty());
        assert!(q(|q| q.year = Some("  ".into())).unwrap().is_empty(), "an empty field is no filter");
        let f = q(|q| {
            q.year = Some("2019".into());
            q.light = Some("red".into());
            q.stage = Some("在建".into());
            q.q = Some(" 风电_100% ".into());
        })
        .unwrap();
        assert_eq!(f.year, Some(2019));
        assert_eq!(f.light, Some(crate::light::Light::Red));
        assert_eq!(f.stage, Some(ProjectStage::UnderConstruction));
        assert_eq!(f.like_pattern().as_deref(), Some("%风电\\_100\\%%"));
        assert_eq!(f.code(), None);
        let e = q(|q| q.year = Some("二〇一九".into())).unwrap_err();
        assert_eq!(e.field, "立项年度");
        assert!(e.to_string().contains("二〇一九"), "{e}");
        assert_eq!(q(|q| q.light = Some("blue".into())).unwrap_err().field, "预警灯");
        assert_eq!(q(|q| q.stage = Some("x".into())).unwrap_err().field, "建设状态");
        let code = q(|q| q.q = Some("2016-152529-44-01-010000".into())).unwrap();
        assert_eq!(code.code().map(String::from).as_deref(), Some("2016-152529-44-01-010000"));
        let long = q(|q| q.q = Some("项".repeat(200))).unwrap();
        assert_eq!(long.text.unwrap().chars().count(), FILTER_TEXT_CHARS);
    }
}
