//! The one-time notice (一次性告知): every problem of an application at once (R8, R11).

use super::TransitionError;
use serde::{Deserialize, Serialize};

/// A return's notice: every problem found, each with what to do, and suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeNotice {
    pub problems: Vec<NoticeProblem>,
    #[serde(default)]
    pub suggestions: Vec<String>,
    /// The notice's document number ([`notice_number`]), given by the store when the
    /// return is recorded; whatever a client sends here is replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// One problem: which material, what is wrong with it, what the unit should do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeProblem {
    /// The required-material code where there is one, so that the one-time rule can
    /// tell whether the material was replaced since.
    pub material: String,
    pub problem: String,
    pub remedy: String,
}

impl NoticeProblem {
    pub fn new(material: &str, problem: &str, remedy: &str) -> NoticeProblem {
        NoticeProblem { material: material.to_string(), problem: problem.to_string(), remedy: remedy.to_string() }
    }
}

impl OneTimeNotice {
    /// At least one problem, and every problem fully written.
    pub fn validate(&self) -> Result<(), TransitionError> {
        if self.problems.is_empty() {
            return Err(TransitionError::EmptyNotice);
        }
        match self
            .problems
            .iter()
            .position(|p| p.material.trim().is_empty() || p.problem.trim().is_empty() || p.remedy.trim().is_empty())
        {
            Some(i) => Err(TransitionError::IncompleteNoticeProblem { position: i + 1 }),
            None => Ok(()),
        }
    }

    /// The materials the notice raises problems about, each once, in order.
    pub fn materials(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.problems {
            let m = p.material.trim();
            if !out.iter().any(|o| o == m) {
                out.push(m.to_string());
            }
        }
        out
    }
}

/// A department's short name for document numbers: its name without the region word in
/// front (旗, 盟, 市, 县, 区) and without the kind of body at the end: 旗自然资源局 →
/// 自然资源, 旗生态环境分局 → 生态环境, 旗发展和改革委员会 → 发展和改革.
pub fn department_short_name(name: &str) -> String {
    let mut s = name.trim();
    for prefix in ["旗", "盟", "市", "县", "区"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if !rest.is_empty() {
                s = rest;
                break;
            }
        }
    }
    for suffix in ["委员会", "服务中心", "办公室", "分局", "局", "委", "中心", "办"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            if !rest.is_empty() {
                s = rest;
                break;
            }
        }
    }
    s.to_string()
}

/// The document number of a department's `serial`-th one-time notice of `year`, in the
/// style of an official document number: 自然资源告〔2026〕12号.
pub fn notice_number(department_name: &str, year: i32, serial: u32) -> String {
    format!("{}告〔{year}〕{serial}号", department_short_name(department_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_numbers_read_like_document_numbers() {
        assert_eq!(notice_number("旗自然资源局", 2026, 12), "自然资源告〔2026〕12号");
        assert_eq!(notice_number("旗生态环境分局", 2026, 1), "生态环境告〔2026〕1号");
        assert_eq!(notice_number("旗发展和改革委员会", 2025, 3), "发展和改革告〔2025〕3号");
        assert_eq!(notice_number("旗金融外事服务中心", 2025, 3), "金融外事告〔2025〕3号");
        // A name that is only a kind of body keeps it.
        assert_eq!(department_short_name("局"), "局");
        assert_ne!(notice_number("旗水利局", 2026, 1), notice_number("旗水利局", 2026, 2));
    }
}
