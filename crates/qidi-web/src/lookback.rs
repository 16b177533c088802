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

/// A rule from the form's or the API's words.
fn rule(kind: &str, department: &str) -> Result<Rule, String> {
    match kind.trim() {
        "department_items" if !department.trim().is_empty() => {
            Ok(Rule::DepartmentItems { department_code: department.trim().to_string() })
        }
        "department_items" => Err("按部门选取时须选择部门".into()),
        "all_removals" => Ok(Rule::AllRemovals),
        "late_approvals" => Ok(Rule::LateApprovals),
        "all_closed" => Ok(Rule::AllClosed),
        other => {
            Err(format!("选取规则“{other}”无效：应为 department_items、all_removals、late_approvals 或 all_closed"))
        }
    }
}

fn finding(s: &str) -> Result<Finding, String> {
    Finding::parse(s.trim())
        .ok_or_else(|| format!("检查结论“{}”无效：应为 no_problem、problem_found 或 correction_needed", s.trim()))
}

/// Sample size and seed from text: empty is none.
fn numbers(size: &str, seed: &str) -> Result<(Option<u32>, Option<u64>), String> {
    let size = match size.trim() {
        "" => None,
        s => Some(s.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| format!("抽样数量“{s}”应为正整数"))?),
    };
    let seed = match seed.trim() {
        "" => None,
        s => Some(s.parse::<u64>().map_err(|_| format!("随机种子“{s}”应为非负整数"))?),
    };
    Ok((size, seed))
}

fn deadline(s: &str) -> Result<Option<chrono::NaiveDate>, String> {
    match s.trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| format!("整改期限“{d}”不是日期（如 2026-06-30）")),
    }
}
