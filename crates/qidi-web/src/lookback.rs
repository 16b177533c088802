//! Look-back reviews (回头看) on the web. The office opens a review over closed items
//! or removals (by a rule, or a sample reproducible from its seed), records findings,
//! closes corrections and the review, and downloads the summary (Excel, Word in the
//! official layout). The leader and inspectors read.
//!
//! - `GET /lookback`, `POST /lookback` (form `title`, `rule`, `department`, `sample_size`, `seed`);
//! - `GET /lookback/{id}`, `POST /lookback/{id}/finding`, `POST /lookback/{id}/corrected`,
//!   `POST /lookback/{id}/close`, `GET /lookback/{id}/download/{xlsx|docx}`;
//! - `GET|POST /api/v1/lookback`, `GET /api/v1/lookback/{id}`, `POST /api/v1/lookback/{id}/findings`,
//!   `POST /api/v1/lookback/{id}/corrections`, `POST /api/v1/lookback/{id}/close`.

mod api;
mod pages;

use crate::SharedState;
use axum::routing::{get, post};
use axum::Router;
use qidi_core::lookback::{Finding, Rule};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/lookback", get(pages::list).post(pages::open))
        .route("/lookback/{id}", get(pages::detail))
        .route("/lookback/{id}/finding", post(pages::finding))
        .route("/lookback/{id}/corrected", post(pages::corrected))
        .route("/lookback/{id}/close", post(pages::close))
        .route("/lookback/{id}/download/{format}", get(pages::download))
        .route("/api/v1/lookback", get(api::list).post(api::open))
        .route("/api/v1/lookback/{id}", get(api::detail))
        .route("/api/v1/lookback/{id}/findings", post(api::finding))
        .route("/api/v1/lookback/{id}/corrections", post(api::corrected))
        .route("/api/v1/lookback/{id}/close", post(api::close))
}

/// What is wrong with the form's or the API's words, in the request's language: the
/// API names the codes it takes, a page its lists.
enum Bad {
    NoDepartment,
    Rule(String),
    Finding(String),
    SampleSize(String),
    Seed(String),
    Deadline(String),
}

impl Bad {
    /// For the JSON API.
    fn api(&self) -> String {
        match self {
            Bad::Rule(other) => crate::i18n::t1("api-lookback-rule", "rule", other),
            Bad::Finding(s) => crate::i18n::t1("api-lookback-finding", "finding", s),
            _ => self.page(),
        }
    }

    /// For a page, in the request's language.
    fn page(&self) -> String {
        match self {
            Bad::NoDepartment => crate::i18n::t("lookback-error-department"),
            Bad::Rule(other) => crate::i18n::t1("lookback-error-rule", "rule", other),
            Bad::Finding(s) => crate::i18n::t1("lookback-error-finding", "finding", s),
            Bad::SampleSize(s) => crate::i18n::t1("lookback-error-sample-size", "value", s),
            Bad::Seed(s) => crate::i18n::t1("lookback-error-seed", "value", s),
            Bad::Deadline(d) => crate::i18n::t1("lookback-error-deadline", "value", d),
        }
    }
}

/// A rule from the form's or the API's words.
fn rule(kind: &str, department: &str) -> Result<Rule, Bad> {
    match kind.trim() {
        "department_items" if !department.trim().is_empty() => {
            Ok(Rule::DepartmentItems { department_code: department.trim().to_string() })
        }
        "department_items" => Err(Bad::NoDepartment),
        "all_removals" => Ok(Rule::AllRemovals),
        "late_approvals" => Ok(Rule::LateApprovals),
        "all_closed" => Ok(Rule::AllClosed),
        other => Err(Bad::Rule(other.to_string())),
    }
}

/// A rule's label on a page.
fn rule_label(r: &Rule) -> String {
    match r {
        Rule::DepartmentItems { department_code } => {
            crate::i18n::t1("lookback-rule-department_items", "department", department_code)
        }
        Rule::AllRemovals => crate::i18n::t("lookback-rule-all_removals"),
        Rule::LateApprovals => crate::i18n::t("lookback-rule-late_approvals"),
        Rule::AllClosed => crate::i18n::t("lookback-rule-all_closed"),
    }
}

fn finding(s: &str) -> Result<Finding, Bad> {
    Finding::parse(s.trim()).ok_or_else(|| Bad::Finding(s.trim().to_string()))
}

/// Sample size and seed from text: empty is none.
fn numbers(size: &str, seed: &str) -> Result<(Option<u32>, Option<u64>), Bad> {
    let size = match size.trim() {
        "" => None,
        s => Some(s.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| Bad::SampleSize(s.to_string()))?),
    };
    let seed = match seed.trim() {
        "" => None,
        s => Some(s.parse::<u64>().map_err(|_| Bad::Seed(s.to_string()))?),
    };
    Ok((size, seed))
}

fn deadline(s: &str) -> Result<Option<chrono::NaiveDate>, Bad> {
    match s.trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| Bad::Deadline(d.to_string())),
    }
}
