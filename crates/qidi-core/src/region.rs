//! Region codes (GB/T 2260): region 150000 → league 152500 → banner 152529.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A six-digit GB/T 2260 administrative division code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode([u8; 6]);

/// The three levels qidi knows: 自治区/省, 盟/市, 旗/县.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLevel {
    Region,
    League,
    Banner,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("区划代码“{0}”无效：应为 6 位数字（GB/T 2260），例如 152529")]
pub struct InvalidRegionCode(pub String);

impl crate::sentence::Explain for InvalidRegionCode {
    fn key(&self) -> &'static str {
        "err-region-invalid-code"
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        vec![("code", (&self.0).into())]
    }
}

impl RegionCode {
    pub fn parse(s: &str) -> Result<Self, InvalidRegionCode> {
        let t = s.trim();
        let bytes = t.as_bytes();
        if bytes.len() != 6 || !bytes.iter().all(u8::is_ascii_digit) || t == "000000" {
            return Err(InvalidRegionCode(s.to_string()));
        }
        let mut b = [0u8; 6];
        b.copy_from_slice(bytes);
        Ok(RegionCode(b))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("000000")
    }

    pub fn level(&self) -> RegionLevel {
        if &self.0[2..] == b"0000" {
            RegionLevel::Region
        } else if &self.0[4..] == b"00" {
            RegionLevel::League
        } else {
            RegionLevel::Banner
        }
    }

    /// The prefix shared by this region and everything below it: a league sees
    /// `1525…`, a region `15…`, a banner only itself.
    pub fn scope_prefix(&self) -> &str {
        match self.level() {
            RegionLevel::Region => &self.as_str()[..2],
            RegionLevel::League => &self.as_str()[..4],
            RegionLevel::Banner => self.as_str(),
        }
    }

    /// Whether `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.as_str().starts_with(self.scope_prefix())
    }

    /// The next level up, if any.
    pub fn parent(&self) -> Option<RegionCode> {
        let s = self.as_str();
        match self.level() {
            RegionLevel::Region => None,
            RegionLevel::League => RegionCode::parse(&format!("{}0000", &s[..2])).ok(),
            RegionLevel::Banner => RegionCode::parse(&format!("{}00", &s[..4])).ok(),
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for RegionCode {
    type Error = InvalidRegionCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(r: RegionCode) -> String {
        r.as_str().to_string()
    }
}

/// The regions a banner deployment knows about from the start: its own chain up to
/// the region, and the banners of its league (DOMAIN.md; names as published).
pub const DEFAULT_REGIONS: &[(&str, &str, Option<&str>)] = &[
    ("150000", "内蒙古自治区", None),
    ("152500", "锡林郭勒盟", Some("150000")),
    ("152501", "二连浩特市", Some("152500")),
    ("152502", "锡林浩特市", Some("152500")),
    ("152522", "阿巴嘎旗", Some("152500")),
    ("152523", "苏尼特左旗", Some("152500")),
    ("152524", "苏尼特右旗", Some("152500")),
    ("152525", "东乌珠穆沁旗", Some("152500")),
    ("152526", "西乌珠穆沁旗", Some("152500")),
    ("152527", "太仆寺旗", Some("152500")),
    ("152528", "镶黄旗", Some("152500")),
    ("152529", "正镶白旗", Some("152500")),
    ("152530", "正蓝旗", Some("152500")),
    ("152531", "多伦县", Some("152500")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_prefixes() {
        let banner = RegionCode::parse("152529").unwrap();
        let league = RegionCode::parse("152500").unwrap();
        let region = RegionCode::parse("150000").unwrap();
        assert_eq!(banner.level(), RegionLevel::Banner);
        assert_eq!(league.level(), RegionLevel::League);
        assert_eq!(region.level(), RegionLevel::Region);
        assert!(league.contains(&banner));
        assert!(region.contains(&banner));
        assert!(!banner.contains(&league));
        assert!(!RegionCode::parse("152529").unwrap().contains(&RegionCode::parse("152530").unwrap()));
        assert_eq!(banner.parent(), Some(league));
        assert_eq!(league.parent(), Some(region));
        assert_eq!(region.parent(), None);
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["", "15252", "1525290", "15252a", "000000", "１５２５２９"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
