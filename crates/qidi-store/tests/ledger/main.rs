//! The ledger in the store, on both backends: importing is keyed and idempotent, a dry
//! run and a refused import leave nothing behind, check lists track missing answers,
//! and a fixed ledger takes later items as additions.

mod baseline;
mod import;
mod signing;

use chrono::NaiveDate;
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::{RegionCode, Role};
use qidi_office::{LedgerImport, LedgerItem, LedgerProject, RowIssue};
use qidi_store::users::User;
use qidi_store::Store;
use sqlx::Row;

fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn item(code: &str, dept: &str, person: Option<&str>) -> LedgerItem {
    LedgerItem {
        item_type: code.into(),
        handling_department: dept.into(),
        check_result: Some("已核查".into()),
        responsible_person: person.map(str::to_string),
        acceptance_status: None,
        due_on: Some(date(2022, 9, 30)),
        note: None,
        row: 4,
    }
}

fn project(code: &str, dept: &str, items: Vec<LedgerItem>) -> LedgerProject {
    LedgerProject {
        code: ProjectCode::parse(code).unwrap(),
        name: format!("项目{code}"),
        owner: Some("锡林能源有限公司".into()),
        owner_credit_code: None,
        initiating_department: Some(dept.into()),
        year: Some(2022),
        initiated_on: Some(date(2022, 3, 1)),
        investment: Some(Yuan(12_345_600)),
        stage: Some(ProjectStage::NotStarted),
        items,
        first_row: 4,
    }
}

fn ledger(projects: Vec<LedgerProject>, errors: Vec<RowIssue>) -> LedgerImport {
    LedgerImport {
        sheet: "Sheet1".into(),
        header_row: 3,
        title: None,
        unit: None,
        date: None,
        projects,
        errors,
        warnings: Vec::new(),
        unknown_names: Vec::new(),
    }
}

fn sample() -> LedgerImport {
    ledger(
        vec![
            project(
                "2022-152529-44-01-000101",
                "fgw",
                vec![item("land_pre_review", "zrzy", Some("王海")), item("eia", "sthj", None)],
            ),
            project("2021-152529-59-03-000202", "gxj", vec![item("construction_permit", "zjj", Some("张伟"))]),
        ],
        Vec::new(),
    )
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get(0)
}

async fn user(store: &Store, username: &str, role: Role, dept: Option<&str>) -> User {
    qidi_store::testing::test_user(store, username, role, dept, None, None).await
}
