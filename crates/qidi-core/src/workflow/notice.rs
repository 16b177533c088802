//! The one-time notice (一次性告知): every problem of an application at once (R8, R11).

use super::TransitionError;
use serde::{Deserialize, Serialize};

/// A return's notice: every problem found, each with what to do, and suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeNotice {
    pub problems: Vec<NoticeProblem>,
    #[serde(default)]
    pub suggestions: Vec<String>,
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
