//! The unified social credit code (统一社会信用代码, GB 32100-2015) of a project unit:
//! 18 characters from a 31-character set (digits and capitals without I, O, S, V, Z),
//! the last a check character over the first 17.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The code's characters, each worth its position.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weight of each of the first 17 characters: 3^i mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A unified social credit code whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCreditCode {
    #[error("统一社会信用代码“{0}”应为 18 位（数字和大写字母）")]
    Length(String),
    #[error("统一社会信用代码“{written}”含不允许的字符“{found}”（不用 I、O、S、V、Z）")]
    Character { written: String, found: char },
    #[error("统一社会信用代码“{written}”校验位不符（应为 {expected}），请核对是否抄错")]
    Check { written: String, expected: char },
}

impl crate::sentence::Explain for InvalidCreditCode {
    fn key(&self) -> &'static str {
        match self {
            InvalidCreditCode::Length(_) => "err-credit-code-length",
            InvalidCreditCode::Character { .. } => "err-credit-code-character",
            InvalidCreditCode::Check { .. } => "err-credit-code-check",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        match self {
            InvalidCreditCode::Length(written) => vec![("code", written.into())],
            InvalidCreditCode::Character { written, found } => {
                vec![("code", written.into()), ("found", found.to_string().into())]
            }
            InvalidCreditCode::Check { written, expected } => {
                vec![("code", written.into()), ("expected", expected.to_string().into())]
            }
        }
    }
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

impl CreditCode {
    /// Read a code as written: full-width characters and lower case are taken, spaces
    /// around it dropped; the check character must match.
    pub fn parse(s: &str) -> Result<CreditCode, InvalidCreditCode> {
        let written = s.trim();
        let t: String = crate::catalogue::to_half_width(written).to_ascii_uppercase();
        if t.chars().count() != 18 {
            return Err(InvalidCreditCode::Length(written.to_string()));
        }
        let mut values = Vec::with_capacity(18);
        for c in t.chars() {
            match value(c) {
                Some(v) => values.push(v),
                None => return Err(InvalidCreditCode::Character { written: written.to_string(), found: c }),
            }
        }
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        let expected = CHARSET.as_bytes()[check as usize] as char;
        if values[17] != check {
            return Err(InvalidCreditCode::Check { written: written.to_string(), expected });
        }
        Ok(CreditCode(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = InvalidCreditCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Codes of real registered units, as printed on their business licences.
    const REAL: [&str; 4] = ["91350100M000100Y43", "91110000600037341L", "914403001922038216", "91310000132149237G"];

    #[test]
    fn real_codes_pass_and_slips_are_named() {
        for c in REAL {
            assert_eq!(CreditCode::parse(c).unwrap().as_str(), c);
        }
        assert_eq!(CreditCode::parse(" 91350100m000100y43 ").unwrap().as_str(), "91350100M000100Y43");
        assert_eq!(CreditCode::parse("９１３５０１００Ｍ０００１００Ｙ４３").unwrap().as_str(), "91350100M000100Y43");
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(InvalidCreditCode::Check { written: "91350100M000100Y44".into(), expected: '3' })
        );
        assert!(matches!(CreditCode::parse("91350100M00010Y43"), Err(InvalidCreditCode::Length(_))));
        assert!(matches!(
            CreditCode::parse("91350100M00O100Y43"),
            Err(InvalidCreditCode::Character { found: 'O', .. })
        ));
        assert!(CreditCode::parse("91350100M000100Y44").unwrap_err().to_string().contains("校验位不符（应为 3）"));
    }

    proptest! {
        /// Any 17 characters have exactly one check character that completes them.
        #[test]
        fn exactly_one_check_character_completes_a_code(body in proptest::collection::vec(0usize..31, 17)) {
            let body: String = body.iter().map(|i| CHARSET.as_bytes()[*i] as char).collect();
            let passing: Vec<char> = CHARSET.chars().filter(|c| CreditCode::parse(&format!("{body}{c}")).is_ok()).collect();
            prop_assert_eq!(passing.len(), 1);
        }

        /// Changing any one character of a real code is caught.
        #[test]
        fn one_changed_character_is_caught(which in 0usize..4, at in 0usize..18, by in 1usize..31) {
            let code: Vec<char> = REAL[which].chars().collect();
            let mut changed = code.clone();
            let i = CHARSET.find(code[at]).unwrap();
            changed[at] = CHARSET.as_bytes()[(i + by) % 31] as char;
            let changed: String = changed.into_iter().collect();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{}", changed);
        }
    }
}
