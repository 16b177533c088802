//! The ledger the baseline tests share: a workbook of four projects imported, its users,
//! and 发改委's ledger signed. Each test binary uses part of it.
#![allow(dead_code)]

use chrono::NaiveDate;
use qidi_core::ledger::Capacity;
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::{RegionCode, Role};
use qidi_office::{LedgerImport, LedgerItem, LedgerProject};
use qidi_store::users::{NewUser, User};
use qidi_store::Store;
use sqlx::Row;

pub const P1: &str = "2022-152529-44-01-000101";
pub const P2: &str = "2021-152529-59-03-000202";
pub const P3: &str = "2022-152529-44-01-000303";
pub const P4: &str = "2020-152529-76-01-000404";
pub const OWNER: &str = "锡林能源有限公司";
pub const PASSWORD: &str = "Test-Ledger-2026";

pub fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn item(code: &str, dept: &str) -> LedgerItem {
    LedgerItem {
        item_type: code.into(),
        handling_department: dept.into(),
        check_result: Some("已核查".into()),
        responsible_person: Some("王海".into()),
        acceptance_status: None,
        due_on: Some(date(2022, 9, 30)),
        note: None,
        row: 4,
    }
}

pub fn project(code: &str, dept: &str, items: Vec<LedgerItem>) -> LedgerProject {
    LedgerProject {
        code: ProjectCode::parse(code).unwrap(),
        name: format!("项目{code}"),
        owner: Some(OWNER.into()),
        owner_credit_code: None,
        initiating_department: Some(dept.into()),
        year: Some(2022),
        initiated_on: None,
        investment: Some(Yuan(12_345_600)),
        stage: Some(ProjectStage::NotStarted),
        items,
        first_row: 4,
    }
}

/// Three projects of 发改委 (whose ledger is signed) and one of 工信局 (not signed).
pub fn workbook() -> LedgerImport {
    LedgerImport {
        sheet: "Sheet1".into(),
        header_row: 3,
        title: None,
        unit: None,
        date: None,
        projects: vec![
            project(P1, "fgw", vec![item("land_pre_review", "zrzy"), item("eia", "sthj"), item("water_intake", "slj")]),
            project(P2, "gxj", vec![item("construction_permit", "zjj")]),
            project(P3, "fgw", vec![item("energy_review", "fgw"), item("soil_water", "slj")]),
            project(P4, "fgw", vec![item("grassland", "lcj"), item("forest_land", "lcj")]),
        ],
        errors: Vec::new(),
        warnings: Vec::new(),
        unknown_names: Vec::new(),
    }
}

pub async fn user(store: &Store, username: &str, role: Role, dept: Option<&str>, owner: Option<&str>) -> User {
    let department_id = match dept {
        Some(code) => Some(store.department_id(&banner(), code).await.unwrap()),
        None => None,
    };
    store
        .create_user(
            &NewUser {
                region: &banner(),
                username,
                display_name: username,
                role,
                department_id: department_id.as_deref(),
                owner_id: owner,
                password: PASSWORD,
            },
            None,
        )
        .await
        .unwrap()
}

pub struct Fixture {
    pub office: User,
    pub fgw_head: User,
    pub fgw_handler: User,
    pub zrzy: User,
    pub slj: User,
    pub sthj: User,
    pub unit: User,
    pub inspector: User,
    pub leader: User,
}

/// The workbook imported, and 发改委's ledger signed by its head and the leader: seven
/// entries in the baseline, none reduced.
pub async fn fixture(store: &Store) -> Fixture {
    let f = fixture_signed_by_head(store).await;
    let fgw = f.fgw_head.department_id.clone().unwrap();
    let hash = store.ledger_state(&banner(), Some(&fgw)).await.unwrap().current_hash;
    let out = store.sign_ledger(&banner(), Some(&fgw), Capacity::Leader, &hash, true, &f.leader).await.unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (true, 7));
    assert_eq!(remaining(store).await, 7);
    f
}

/// The workbook imported, and 发改委's ledger signed by its head alone: the leader's
/// signature would fix it, and nothing is in the baseline yet.
pub async fn fixture_signed_by_head(store: &Store) -> Fixture {
    store.seed_catalogue(&banner()).await.unwrap();
    let s = store.import_ledger(&banner(), &workbook(), None, false).await.unwrap();
    assert_eq!((s.projects_new, s.items_new), (4, 8));
    let owner = store.owner_id_or_create(&banner(), OWNER).await.unwrap();
    let f = Fixture {
        office: user(store, "office", Role::Office, None, None).await,
        fgw_head: user(store, "fgw_head", Role::DepartmentHead, Some("fgw"), None).await,
        fgw_handler: user(store, "fgw_handler", Role::Handler, Some("fgw"), None).await,
        zrzy: user(store, "zrzy_handler", Role::Handler, Some("zrzy"), None).await,
        slj: user(store, "slj_handler", Role::Handler, Some("slj"), None).await,
        sthj: user(store, "sthj_handler", Role::Handler, Some("sthj"), None).await,
        unit: user(store, "unit", Role::Applicant, None, Some(&owner)).await,
        inspector: user(store, "inspector", Role::Inspector, None, None).await,
        leader: user(store, "leader", Role::Leader, None, None).await,
    };
    let fgw = f.fgw_head.department_id.clone().unwrap();
    let hash = store.ledger_state(&banner(), Some(&fgw)).await.unwrap().current_hash;
    let out =
        store.sign_ledger(&banner(), Some(&fgw), Capacity::DepartmentHead, &hash, true, &f.fgw_head).await.unwrap();
    assert_eq!((out.fully_signed, out.baseline_added), (false, 0));
    f
}

pub async fn item_id(store: &Store, project: &str, item_type: &str) -> String {
    sqlx::query(
        "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
         WHERE p.code = $1 AND t.code = $2",
    )
    .bind(project)
    .bind(item_type)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0)
}

pub async fn project_id(store: &Store, code: &str) -> String {
    sqlx::query("SELECT id FROM projects WHERE code = $1").bind(code).fetch_one(store.pool()).await.unwrap().get(0)
}

pub async fn remaining(store: &Store) -> u64 {
    store.baseline_progress(&banner(), None).await.unwrap().total.remaining
}

pub async fn status(store: &Store, item: &str) -> String {
    sqlx::query("SELECT status FROM pending_items WHERE id = $1")
        .bind(item)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0)
}

pub async fn reduction(store: &Store, item: &str) -> Option<String> {
    sqlx::query("SELECT reduction FROM baseline_items WHERE pending_item_id = $1")
        .bind(item)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0)
}

pub async fn in_library(store: &Store, project: &str) -> bool {
    sqlx::query("SELECT COUNT(*) FROM projects WHERE id = $1 AND in_library = TRUE")
        .bind(project)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
        == 1
}
