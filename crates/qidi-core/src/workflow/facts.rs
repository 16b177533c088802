//! What the rules know of an application and its item type, the plan's and the law's limits, and what a submission lacks.

use crate::catalogue::{AuthorityLevel, LimitUnit};
use serde::{Deserialize, Serialize};

/// The plan's limit for the initial review, from submission or resubmission (R11).
pub const INITIAL_REVIEW_WORKING_DAYS: u32 = 5;
/// The plan's limit for returning an application with its one-time notice (R8).
pub const NOTICE_WORKING_DAYS: u32 = 3;
/// The plan's limit for forwarding to the higher authority, from acceptance (R10).
pub const FORWARD_WORKING_DAYS: u32 = 5;

/// What the rules need to know about the application and its item type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationFacts {
    pub handling_department_id: String,
    pub owner_id: String,
    /// The level that holds the authority to approve this item type.
    pub authority_level: AuthorityLevel,
    /// The level of this deployment, normally the banner.
    pub home_level: AuthorityLevel,
    /// Required-material codes, in checklist order.
    pub required_materials: Vec<String>,
    /// The item type's promised limit (承诺时限), counted from acceptance.
    pub promised_limit: u32,
    pub limit_unit: LimitUnit,
    /// How far the department head may extend the decision limit, once, in
    /// `limit_unit` (行政许可法 art. 42: 10 days); 0 where no extension is allowed.
    /// Facts stored before extensions existed read as the law's 10.
    #[serde(default = "statutory_extension")]
    pub extension_limit: u32,
}

/// The Administrative Licensing Law's extension of a decision limit (art. 42).
pub const STATUTORY_EXTENSION_DAYS: u32 = 10;

fn statutory_extension() -> u32 {
    STATUTORY_EXTENSION_DAYS
}

fn level_rank(l: AuthorityLevel) -> u8 {
    match l {
        AuthorityLevel::Banner => 0,
        AuthorityLevel::League => 1,
        AuthorityLevel::Region => 2,
        AuthorityLevel::National => 3,
    }
}

impl ApplicationFacts {
    /// Whether the authority lies above this deployment, so the application is forwarded.
    pub fn lies_higher(&self) -> bool {
        level_rank(self.authority_level) > level_rank(self.home_level)
    }

    /// Required materials not among `provided`, in checklist order.
    pub fn missing_materials(&self, provided: &[String]) -> Vec<String> {
        self.required_materials.iter().filter(|m| !provided.contains(m)).cloned().collect()
    }
}

/// What a submission lacks, as far as qidi can tell: shown to the unit before it
/// confirms and to the handler on the application. It never stops a submission (R11:
/// units may submit at any time); whether something is really missing is the
/// department's call, made through the one-time notice on the department's clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionWarnings {
    /// Required-material codes without a file, in checklist order.
    pub missing_materials: Vec<String>,
    /// Prerequisite items (by name) of the same project not yet granted.
    pub unmet_prerequisites: Vec<String>,
}

impl SubmissionWarnings {
    pub fn of(facts: &ApplicationFacts, provided: &[String], unmet_prerequisites: Vec<String>) -> SubmissionWarnings {
        SubmissionWarnings { missing_materials: facts.missing_materials(provided), unmet_prerequisites }
    }

    pub fn is_empty(&self) -> bool {
        self.missing_materials.is_empty() && self.unmet_prerequisites.is_empty()
    }
}
