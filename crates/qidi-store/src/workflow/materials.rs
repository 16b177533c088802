//! Checklist materials by name, and a submission's warnings with those names.

use qidi_core::workflow::SubmissionWarnings;
use serde::Serialize;

pub use qidi_core::catalogue::MaterialSpec;

/// The checklist's name of a material code (the code itself if the checklist lacks it).
pub(crate) fn material_name(checklist: &[MaterialSpec], code: &str) -> String {
    checklist.iter().find(|m| m.code == code).map_or_else(|| code.to_string(), |m| m.name.clone())
}

/// [`SubmissionWarnings`] with the materials' Chinese names, as people see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NamedWarnings {
    pub missing_materials: Vec<MaterialSpec>,
    pub unmet_prerequisites: Vec<String>,
}

impl NamedWarnings {
    /// Missing materials are codes of the application's own checklist, so each has its name.
    pub fn of(w: &SubmissionWarnings, checklist: &[MaterialSpec]) -> NamedWarnings {
        NamedWarnings {
            missing_materials: w
                .missing_materials
                .iter()
                .map(|code| MaterialSpec { code: code.clone(), name: material_name(checklist, code) })
                .collect(),
            unmet_prerequisites: w.unmet_prerequisites.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.missing_materials.is_empty() && self.unmet_prerequisites.is_empty()
    }

    /// One line for people: "缺少材料：…；前置事项未办结：…".
    pub fn summary_zh(&self) -> String {
        let mut parts = Vec::new();
        if !self.missing_materials.is_empty() {
            let names: Vec<&str> = self.missing_materials.iter().map(|m| m.name.as_str()).collect();
            parts.push(format!("缺少材料：{}", names.join("、")));
        }
        if !self.unmet_prerequisites.is_empty() {
            parts.push(format!("前置事项未办结：{}", self.unmet_prerequisites.join("、")));
        }
        parts.join("；")
    }
}
