//! The ledger pages on both backends: spreadsheet upload (errors shown, nothing
//! written; valid files imported after a dry run), export, sign-off bound to the
//! content hash, the baseline that only approval or an approved removal reduces (down
//! to the database triggers), and who may do what.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{banner, ledger_xlsx as xlsx, TestApp, PASSWORD};
use http_body_util::BodyExt;
use qidi_core::ledger::{content_hash, Capacity};
use qidi_core::role::{Scope, ScopeLimit};
use qidi_core::Role;
use qidi_office::{read_ledger_bytes, ImportOptions};
use qidi_store::users::{NewUser, User};
use sqlx::Row;
use tower::ServiceExt;

const P1: &str = common::WIND_FARM_CODE;
const P2: &str = "2021-152529-59-03-000202";
const P3: &str = "2020-152529-76-01-000303";

/// Rows under the header, one per item: project cells repeated (a project's later rows
/// leave them empty, as merged cells read).
fn ledger_rows(extra: &[[&'static str; 15]]) -> Vec<[&'static str; 15]> {
    let mut rows = vec![
        common::WIND_FARM_ROW,
        ["", "", "", "", "", "", "", "", "环评", "生态环境局", "正在编制", "李娜", "未受理", "2022年10月31日", ""],
        [
            "2",
            P2,
            "正镶白旗冷链物流园项目",
            "草原农牧业发展有限公司",
            "工信局",
            "2021",
            "800",
            "在建",
            "施工许可",
            "住建局",
            "待提交",
            "张伟",
            "未受理",
            "2022/09/30",
            "",
        ],
        [
            "3",
            P3,
            "正镶白旗牧区饮水安全工程",
            "北疆建设投资有限公司",
            "发改委",
            "2020",
            "50.5",
            "未开工",
            "取水",
            "水利局",
            "已核查",
            "巴特尔",
            "已受理",
            "2022-11-15",
            "",
        ],
        ["", "", "", "", "", "", "", "", "水保", "水利局", "已核查", "巴特尔", "已受理", "2022-11-30", ""],
    ];
    rows.extend_from_slice(extra);
    rows
}

fn error_rows() -> Vec<[&'static str; 15]> {
    ledger_rows(&[
        [
            "4",
            "2022-152529-44-01-000404",
            "正镶白旗储能电站项目",
            "天骄公司",
            "发改委",
            "2022",
            "约一千万",
            "未开工",
            "规划许可",
            "自然资源局",
            "",
            "",
            "",
            "2022.9.30",
            "",
        ],
        [
            "5",
            "坏代码",
            "正镶白旗污水处理厂项目",
            "白旗公司",
            "发改委",
            "2021",
            "300",
            "未开工",
            "环评",
            "生态环境局",
            "",
            "",
            "",
            "下个月",
            "",
        ],
    ])
}

/// An .xlsx as a department keeps it: title, 填报单位, header on row 3, data from row 4.
async fn user(app: &TestApp, username: &str, role: Role, dept: Option<&str>) -> User {
    let department_id = match dept {
        Some(code) => Some(app.store.department_id(&banner(), code).await.unwrap()),
        None => None,
    };
    app.store
        .create_user(
            &NewUser {
                region: &banner(),
                username,
                display_name: username,
                role,
                department_id: department_id.as_deref(),
                owner_id: None,
                password: PASSWORD,
            },
            None,
        )
        .await
        .unwrap()
}

struct Cast {
    office: User,
    leader: User,
    fgw_head: User,
    zrzy_handler: User,
}

async fn cast(app: &TestApp) -> Cast {
    Cast {
        office: user(app, "office", Role::Office, None).await,
        leader: user(app, "leader", Role::Leader, None).await,
        fgw_head: user(app, "fgw_head", Role::DepartmentHead, Some("fgw")).await,
        zrzy_handler: {
            user(app, "inspector", Role::Inspector, None).await;
            user(app, "fgw_handler", Role::Handler, Some("fgw")).await;
            user(app, "slj_head", Role::DepartmentHead, Some("slj")).await;
            user(app, "zrzy_handler", Role::Handler, Some("zrzy")).await
        },
    }
}

/// Read these rows as the server would, with the banner's names.
async fn read(app: &TestApp, rows: &[[&str; 15]]) -> qidi_office::LedgerImport {
    let names = app.store.name_table(&banner()).await.unwrap();
    read_ledger_bytes(&xlsx(rows), &ImportOptions { names, ..ImportOptions::default() }).unwrap()
}

/// Load the clean ledger straight through the store.
async fn import(app: &TestApp, rows: &[[&str; 15]]) -> qidi_store::ledger_import::ImportSummary {
    let l = read(app, rows).await;
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    app.store.import_ledger(&banner(), &l, None, false).await.unwrap()
}

fn region() -> Scope {
    Scope { region_prefix: "152529".into(), limit: ScopeLimit::Region, read_only: true }
}

fn skip_invalid() -> qidi_store::ledger_import::ImportMode {
    qidi_store::ledger_import::ImportMode { dry_run: false, skip_invalid: true }
}

async fn counts(app: &TestApp) -> (usize, usize, usize) {
    let projects = app.store.list_projects(&region(), 1000, 0).await.unwrap().len();
    let items = app.store.list_pending_items(&region(), None, 1000).await.unwrap().len();
    let imports = app.store.recent_events(1000).await.unwrap().iter().filter(|e| e.action == "ledger.import").count();
    (projects, items, imports)
}

fn hidden(body: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = body.find(&needle).unwrap_or_else(|| panic!("no hidden {name} in {body}")) + needle.len();
    body[i..].split('"').next().unwrap().to_string()
}

/// The bytes of a response, for downloads (the common helper reads text).
async fn get_bytes(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn an_upload_with_errors_shows_them_in_chinese_and_writes_nothing() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;
        let res = app.get("/ledger/import", Some(&office)).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("enctype=\"multipart/form-data\""));

        let res = app.upload_ledger(&office, "errors.xlsx", &xlsx(&error_rows())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("<th class=\"n\">行</th><th>列</th><th>原因</th>"), "{}", res.body);
        for (row, column, reason) in [
            (9, "总投资（万元）", "金额"),
            (9, "待批事项", "规划许可"),
            (10, "项目代码", "坏代码"),
            (10, "完成时限", "下个月"),
        ] {
            let cells = format!("<tr><td class=\"n\">{row}</td><td>{column}</td><td>");
            let at = res.body.find(&cells).unwrap_or_else(|| panic!("row {row} {column} in {}", res.body));
            let rest = &res.body[at + cells.len()..];
            let msg = &rest[..rest.find("</td>").unwrap()];
            assert!(msg.contains(reason), "{row} {column}: {msg}");
        }
        assert!(res.body.contains("错误 4 处"));
        assert_eq!(counts(&app).await, (0, 0, 0), "a dry run writes nothing, not even its event");

        // Confirming without choosing to skip the broken projects writes nothing either.
        let token = hidden(&res.body, "token");
        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("未导入任何内容"), "{}", res.body);
        assert_eq!(counts(&app).await, (0, 0, 0));

        // Not a workbook, or a broken one: a clear sentence, nothing written.
        let res = app.upload_ledger(&office, "notes.xlsx", "项目代码,项目名称\n".as_bytes()).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("不是 Excel 工作簿"), "{}", res.body);
        let good = xlsx(&ledger_rows(&[]));
        let res = app.upload_ledger(&office, "cut.xlsx", &good[..good.len() / 2]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("已损坏"), "{}", res.body);
        assert_eq!(counts(&app).await, (0, 0, 0));

        // Someone else's token, or a forged one, finds nothing.
        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", "../../etc/passwd")]).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // With the choice to skip, the three good projects go in.
        let res = app.upload_ledger(&office, "errors.xlsx", &xlsx(&error_rows())).await;
        let token = hidden(&res.body, "token");
        let res =
            app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token), ("skip_invalid", "1")]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(counts(&app).await, (3, 5, 1));
    })
    .await;
}

#[tokio::test]
async fn dates_far_outside_the_campaign_are_refused_where_they_are_entered() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;
        // A completion limit typed 2092 for 2029: a row error at its row and column.
        let mut rows = ledger_rows(&[]);
        rows[2][13] = "2092/09/30";
        let res = app.upload_ledger(&office, "far.xlsx", &xlsx(&rows)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let cells = "<tr><td class=\"n\">6</td><td>完成时限</td><td>";
        let at = res.body.find(cells).unwrap_or_else(|| panic!("row 6 in {}", res.body));
        assert!(res.body[at..].contains("2092-09-30 超出合理范围"), "{}", res.body);
        assert!(res.body.contains("错误 1 处"), "{}", res.body);
        // The other projects go in when the office skips the broken one.
        let token = hidden(&res.body, "token");
        let res =
            app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token), ("skip_invalid", "on")]).await;
        assert!(res.status.is_success() || res.status.is_redirection(), "{}", res.body);
        let codes: Vec<String> =
            app.store.list_projects(&region(), 1000, 0).await.unwrap().into_iter().map(|p| p.code).collect();
        assert!(codes.iter().any(|c| c == P1) && !codes.iter().any(|c| c == P2), "{codes:?}");

        // A feedback date a century back, a completion limit centuries ahead, and a
        // campaign end decades away are refused with the span, and change nothing.
        let head = app.sign_in("fgw_head").await;
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "1922-08-20")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("反馈期限 1922-08-20 超出合理范围（应在 2016-01-01 至"), "{}", res.body);
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let zrzy = app.sign_in("zrzy_handler").await;
        let item = item_id(&app, P1, "land_pre_review").await;
        let answer = |due: &'static str| {
            vec![
                ("check_result", "材料齐全，已受理"),
                ("responsible_person", "王海"),
                ("acceptance_status", "已受理"),
                ("due_on", due),
            ]
        };
        let path = format!("/ledger/items/{item}/answer");
        let res = app.post_form(&path, Some(&zrzy), &answer("2202-10-15")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("完成时限 2202-10-15 超出合理范围"), "{}", res.body);
        let stored: Option<String> = sqlx::query("SELECT due_on FROM pending_items WHERE id = $1")
            .bind(&item)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_ne!(stored.as_deref(), Some("2202-10-15"));
        let res = app.post_form(&path, Some(&zrzy), &answer("2022-10-15")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        let res = app.post_form("/ledger/campaign", Some(&office), &[("ends_on", "2099-12-31")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("结束日期 2099-12-31 晚于 2032-08-19"), "{}", res.body);
        assert_eq!(app.store.campaign(&banner()).await.unwrap().campaign.ends_on.to_string(), "2022-12-31");
    })
    .await;
}

#[tokio::test]
async fn a_department_imports_only_the_projects_it_initiates() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let fgw = app.sign_in("fgw_handler").await;
        assert_eq!(app.get("/ledger/import", Some(&fgw)).await.status, StatusCode::OK);
        // P1 and P3 are fgw's (旗发改委, 发改委); P2 (rows 6) is 工信局's.
        let res = app.upload_ledger(&fgw, "fgw.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let cells = "<tr><td class=\"n\">6</td><td>立项部门</td><td>";
        let at = res.body.find(cells).unwrap_or_else(|| panic!("row 6 refused in {}", res.body));
        assert!(res.body[at..].contains(P2), "the message names the project");
        assert!(res.body.contains("错误 1 处"), "{}", res.body);
        assert_eq!(counts(&app).await, (0, 0, 0));
        let token = hidden(&res.body, "token");
        let res =
            app.post_form("/ledger/import/confirm", Some(&fgw), &[("token", &token), ("skip_invalid", "1")]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(counts(&app).await, (2, 4, 1), "P1 and P3 with their items");

        // A department that initiates none of them has nothing to confirm.
        let zrzy = app.sign_in("zrzy_handler").await;
        let res = app.upload_ledger(&zrzy, "fgw.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("错误 3 处"), "{}", res.body);
        assert!(!res.body.contains("跳过有错误的项目"), "no valid project to import");

        // The office loads P2; fgw then cannot take it over by naming itself.
        let office = app.sign_in("office").await;
        let res = app.upload_ledger(&office, "all.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let token = hidden(&res.body, "token");
        app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token)]).await;
        assert_eq!(counts(&app).await.0, 3);
        let mut rows = ledger_rows(&[]);
        rows[2][4] = "发改委";
        rows[2][2] = "改名后的项目";
        let res = app.upload_ledger(&fgw, "takeover.xlsx", &xlsx(&rows)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("系统中已有此项目"), "{}", res.body);

        // fgw's own project, with another answer on 自然资源局's item: that answer is
        // 自然资源局's to give, so fgw's import leaves it as it is.
        let mut answered = ledger_rows(&[]);
        answered[0][10] = "已办结（发改委改写）";
        answered[0][11] = "发改委某人";
        let mut l = read(&app, &answered).await;
        let fgw_user = app.store.user_by_username("fgw_handler").await.unwrap().unwrap();
        app.store.restrict_import(&banner(), &fgw_user, &mut l).await.unwrap();
        let s = app.store.import_ledger_with(&banner(), &l, Some(&fgw_user), skip_invalid()).await.unwrap();
        // All four items of P1 and P3 are handled by other departments: kept as answered.
        assert_eq!((s.items_kept, s.items_changed, s.items_unchanged), (4, 0, 0), "{s:?}");
        let land: (Option<String>, Option<String>) = {
            let r = sqlx::query(
                "SELECT i.check_result, i.responsible_person FROM pending_items i JOIN projects p ON p.id = i.project_id
                 JOIN item_types t ON t.id = i.item_type_id WHERE p.code = $1 AND t.code = 'land_pre_review'",
            )
            .bind(P1)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
            (r.get(0), r.get(1))
        };
        assert_eq!((land.0.as_deref(), land.1.as_deref()), (Some("材料已齐"), Some("王海")), "zrzy's answer stands");

        // The store refuses it too, whoever calls it without the check.
        let l = read(&app, &rows).await;
        let refused = app.store.import_ledger(&banner(), &l, Some(&fgw_user), false).await;
        assert!(matches!(refused, Err(qidi_store::StoreError::Forbidden(ref m)) if m.contains(P2)), "{refused:?}");
        let name: String = sqlx::query("SELECT name FROM projects WHERE code = $1")
            .bind(P2)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(name, "正镶白旗冷链物流园项目", "nothing rewritten");
    })
    .await;
}

/// Move an upload's time `hours` into the past.
async fn age(app: &TestApp, token: &str, hours: i64) {
    let then = qidi_store::timestamp_text(chrono::Utc::now() - chrono::Duration::hours(hours));
    sqlx::query("UPDATE ledger_uploads SET created_at = $1 WHERE id = $2")
        .bind(then)
        .bind(token)
        .execute(app.store.pool())
        .await
        .unwrap();
}

async fn uploads(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM ledger_uploads").fetch_one(app.store.pool()).await.unwrap().get(0)
}

#[tokio::test]
async fn unconfirmed_uploads_expire_after_a_day_and_any_instance_confirms() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;
        let res = app.upload_ledger(&office, "a.xlsx", &xlsx(&ledger_rows(&[]))).await;
        let stale = hidden(&res.body, "token");
        assert_eq!(uploads(&app).await, 1);
        // A day and an hour later, confirming it is refused.
        age(&app, &stale, 25).await;
        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", &stale)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("已过期"), "{}", res.body);
        assert_eq!(counts(&app).await, (0, 0, 0));

        // Forgotten uploads are removed when the next one is kept; fresh ones stay.
        let res = app.upload_ledger(&office, "b.xlsx", &xlsx(&ledger_rows(&[]))).await;
        let fresh = hidden(&res.body, "token");
        assert_eq!(uploads(&app).await, 1, "the day-old upload is gone");
        // Another user cannot confirm it.
        let fgw = app.sign_in("fgw_head").await;
        let res = app.post_form("/ledger/import/confirm", Some(&fgw), &[("token", &fresh)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(counts(&app).await, (0, 0, 0));

        // A second server on the same database (another data directory) confirms it.
        let other = qidi_web::router(
            app.store.clone(),
            qidi_web::WebConfig {
                secure_cookies: false,
                data_dir: app.data_dir.join("elsewhere"),
                ..Default::default()
            },
        );
        let req = Request::post("/ledger/import/confirm")
            .header(header::COOKIE, &office)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("token={fresh}")))
            .unwrap();
        let res = other.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(counts(&app).await, (3, 5, 1));
        assert_eq!(uploads(&app).await, 0, "an imported upload is forgotten");
        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", &fresh)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a token imports once");
    })
    .await;
}

#[tokio::test]
async fn a_pending_item_found_later_joins_a_fixed_baseline_as_an_addition() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let p1 = project_id(&app, P1).await;
        let energy = item_type_id(&app, "energy_review").await;
        let path = format!("/projects/{p1}/items");
        let form = [("item_type_id", energy.as_str()), ("responsible_person", " 王海 "), ("due_on", "2022-12-15")];

        // Only the initiating department (or the office) sees the form and may add.
        let zrzy = app.sign_in("zrzy_handler").await;
        let page = app.get(&format!("/projects/{p1}"), Some(&zrzy)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"add-item\""));
        assert_eq!(app.post_form(&path, Some(&zrzy), &form).await.status, StatusCode::FORBIDDEN, "sees it, may not");
        let inspector = app.sign_in("inspector").await;
        assert_eq!(app.post_form(&path, Some(&inspector), &form).await.status, StatusCode::FORBIDDEN);
        let slj = app.sign_in("slj_head").await;
        assert_eq!(app.post_form(&path, Some(&slj), &form).await.status, StatusCode::NOT_FOUND, "out of its scope");
        assert_eq!(total(&app).await.additions, 0);

        let fgw = app.sign_in("fgw_head").await;
        let page = app.get(&format!("/projects/{p1}"), Some(&fgw)).await;
        assert!(page.body.contains("id=\"add-item\""), "{}", page.body);
        assert!(page.body.contains("节能审查") || page.body.contains("能评"), "energy review is offered");
        let res = app.post_form(&path, Some(&fgw), &[("item_type_id", energy.as_str()), ("due_on", "12/15")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("YYYY-MM-DD"));
        let res = app.post_form(&path, Some(&fgw), &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let p = total(&app).await;
        assert_eq!((p.baseline, p.additions, p.remaining), (4, 1, 5), "the baseline grows by an addition");
        let (person, due, handling): (Option<String>, Option<String>, String) = {
            let r = sqlx::query(
                "SELECT i.responsible_person, i.due_on, d.code FROM pending_items i JOIN departments d
                 ON d.id = i.handling_department_id WHERE i.item_type_id = $1",
            )
            .bind(&energy)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        assert_eq!((person.as_deref(), due.as_deref(), handling.as_str()), (Some("王海"), Some("2022-12-15"), "fgw"));
        let events = app.store.recent_events(100).await.unwrap();
        assert!(events.iter().any(|e| e.action == "pending_item.add" && e.payload.contains("\"addition\":true")));

        // The same item twice is refused, and the form no longer offers it.
        let res = app.post_form(&path, Some(&fgw), &form).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("已有待批事项"), "{}", res.body);
        let page = app.get(&format!("/projects/{p1}"), Some(&fgw)).await;
        assert!(!page.body.contains(&format!("value=\"{energy}\"")));
        assert_eq!(total(&app).await.additions, 1);
    })
    .await;
}

async fn api_import(app: &TestApp, cookie: &str, query: &str, bytes: &[u8]) -> common::TestResponse {
    let req = Request::post(format!("/api/v1/ledger/import{query}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn the_json_api_imports_signs_and_adds_like_the_pages() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;

        // Row errors: 422 with each row, column and reason, and nothing written.
        let res = api_import(&app, &office, "", &xlsx(&error_rows())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let j = res.json();
        assert_eq!(j["errors"].as_array().unwrap().len(), 4);
        assert!(j["errors"].as_array().unwrap().iter().any(|e| e["row"] == 10 && e["column"] == "项目代码"));
        assert!(j["summary"].is_null());
        assert_eq!(counts(&app).await, (0, 0, 0));
        // A dry run tells what the valid part would do, and writes nothing.
        let res = api_import(&app, &office, "?dry_run=true", &xlsx(&error_rows())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "the file has errors");
        let j = res.json();
        assert_eq!((j["summary"]["projects_new"].as_u64(), j["summary"]["written"].as_bool()), (Some(3), Some(false)));
        assert_eq!(counts(&app).await, (0, 0, 0));
        // Not a workbook: a sentence, not a crash.
        let res = api_import(&app, &office, "", b"not a spreadsheet").await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["error"]["code"], "unreadable");
        // A clean file goes in.
        let res = api_import(&app, &office, "", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let j = res.json();
        assert_eq!((j["projects"].as_u64(), j["items"].as_u64()), (Some(3), Some(5)));
        assert_eq!(j["summary"]["written"], true);
        assert_eq!(counts(&app).await, (3, 5, 1));
        // The inspector reads and never writes.
        let inspector = app.sign_in("inspector").await;
        let res = api_import(&app, &inspector, "", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        // The department ledger, and its signatures through the API.
        let fgw_head = app.sign_in("fgw_head").await;
        let res = app.get("/api/v1/ledger/departments/fgw", Some(&fgw_head)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let hash = res.json()["current_hash"].as_str().unwrap().to_string();
        let zrzy = app.sign_in("zrzy_handler").await;
        assert_eq!(app.get("/api/v1/ledger/departments/fgw", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        let sign = |capacity: &'static str, hash: String| serde_json::json!({ "capacity": capacity, "hash": hash });
        let res =
            app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&fgw_head), &sign("leader", hash.clone())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "not the head's capacity");
        let res = app
            .post_json("/api/v1/ledger/departments/fgw/sign", Some(&fgw_head), &sign("department_head", "0".repeat(64)))
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "a hash that is not the ledger's now: {}", res.body);
        let res = app
            .post_json("/api/v1/ledger/departments/fgw/sign", Some(&fgw_head), &sign("department_head", hash.clone()))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["fully_signed"], false);
        let res =
            app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&inspector), &sign("leader", hash.clone())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "the inspector signs nothing");
        let leader = app.sign_in("leader").await;
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &sign("leader", hash)).await;
        assert_eq!(res.status, StatusCode::OK, "the deputy banner head signs second: {}", res.body);
        assert_eq!(
            (res.json()["fully_signed"].as_bool(), res.json()["baseline_added"].as_u64()),
            (Some(true), Some(4))
        );
        assert_eq!(total(&app).await.baseline, 4);

        // 补录 through the API joins the fixed baseline.
        let p1 = project_id(&app, P1).await;
        let energy = item_type_id(&app, "energy_review").await;
        let body = serde_json::json!({ "item_type_id": energy, "due_on": "2022-12-15" });
        let res = app.post_json(&format!("/api/v1/projects/{p1}/items"), Some(&fgw_head), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        assert_eq!(res.json()["addition"], true);
        let res = app.post_json(&format!("/api/v1/projects/{p1}/items"), Some(&fgw_head), &body).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(total(&app).await.additions, 1);
    })
    .await;
}

#[tokio::test]
async fn a_valid_upload_is_imported_after_the_dry_run_and_exports_back() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;
        let res = app.upload_ledger(&office, "台账.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("可导入 3 个项目、5 个待批事项"), "{}", res.body);
        assert!(res.body.contains("确认导入"));
        assert_eq!(counts(&app).await, (0, 0, 0), "nothing before confirmation");

        let token = hidden(&res.body, "token");
        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token)]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("项目：新增 3"), "{}", res.body);
        assert_eq!(counts(&app).await, (3, 5, 1));
        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a token imports once");
        assert_eq!(counts(&app).await, (3, 5, 1));

        // The same file again changes nothing.
        let res = app.upload_ledger(&office, "台账.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert!(res.body.contains("项目新增 0、更新 0、未变 3"), "{}", res.body);

        // The download: an attachment that reads back as the same ledger.
        let (status, headers, bytes) = get_bytes(&app, "/ledger/export", &office).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(cd.starts_with("attachment; filename=\"ledger-") && cd.contains("filename*=UTF-8''"), "{cd}");
        let back = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
        assert!(back.errors.is_empty());
        assert_eq!((back.projects.len(), back.item_count()), (3, 5));
        let page = app.get("/ledger/banner", Some(&office)).await;
        assert!(page.body.contains("href=\"/ledger/export\""));

        // A department's download holds its own ledger only.
        let fgw = app.sign_in("fgw_head").await;
        let (status, _, bytes) = get_bytes(&app, "/ledger/export", &fgw).await;
        assert_eq!(status, StatusCode::OK);
        let mine = read_ledger_bytes(&bytes, &ImportOptions::default()).unwrap();
        let codes: Vec<&str> = mine.projects.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, vec![P3, P1]);
        assert_eq!(mine.unit.as_deref(), Some("旗发展和改革委员会"));
    })
    .await;
}

#[tokio::test]
async fn a_signature_binds_the_hash_and_a_changed_ledger_outdates_it() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let state = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap();
        assert_eq!(state.items, 4, "P1's two items and P3's two");
        let hash = state.current_hash.clone();

        let head = app.sign_in("fgw_head").await;
        let leader = app.sign_in("leader").await;
        let handler = app.sign_in("fgw_handler").await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("name=\"hash\" value=\"{hash}\"")), "{}", page.body);

        let sign = |cookie: String, capacity: &'static str, hash: String| {
            let app = &app;
            async move {
                app.post_form("/ledger/departments/fgw/sign", Some(&cookie), &[("capacity", capacity), ("hash", &hash)])
                    .await
            }
        };
        // A handler cannot sign; the leader cannot sign before the head; a stale hash signs nothing.
        assert_eq!(sign(handler.clone(), "department_head", hash.clone()).await.status, StatusCode::FORBIDDEN);
        let res = sign(leader.clone(), "leader", hash.clone()).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("须先由“部门主要负责人”签字"), "{}", res.body);
        assert_eq!(sign(head.clone(), "department_head", "0".repeat(64)).await.status, StatusCode::CONFLICT);
        assert!(app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().versions.is_empty());

        assert_eq!(sign(head.clone(), "department_head", hash.clone()).await.status, StatusCode::SEE_OTHER);
        assert_eq!(sign(head.clone(), "department_head", hash.clone()).await.status, StatusCode::CONFLICT, "once");
        assert_eq!(sign(leader.clone(), "leader", hash.clone()).await.status, StatusCode::SEE_OTHER);

        // What was signed: the stored content (its parts, in order) hashes to the signed
        // hash, for both signers.
        let rows = sqlx::query(
            "SELECT s.capacity, s.content_hash, v.id, s.signer_name FROM ledger_signatures s
             JOIN ledger_versions v ON v.id = s.ledger_version_id ORDER BY s.signed_at",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(rows.len(), 2);
        for r in &rows {
            assert_eq!(r.get::<String, _>(1), hash);
            let parts = sqlx::query("SELECT text FROM ledger_text_parts WHERE owner_id = $1 ORDER BY part")
                .bind(r.get::<String, _>(2))
                .fetch_all(app.store.pool())
                .await
                .unwrap();
            let content: String = parts.iter().map(|p| p.get::<String, _>(0)).collect();
            assert_eq!(content_hash(&content), hash);
        }
        assert_eq!(rows[0].get::<String, _>(3), c.fgw_head.display_name);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.body.matches("与签字版本一致</td>").count(), 2, "{}", page.body);
        assert!(page.body.contains("基线已锁定"));
        let progress = app.store.baseline_progress(&banner(), None).await.unwrap();
        assert_eq!((progress.total.baseline, progress.total.remaining), (4, 4));

        // The banner ledger aggregates the signed department ledger; the office signs it.
        let office = app.sign_in("office").await;
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        assert_eq!(banner_state.parts.len(), 1);
        assert_eq!(banner_state.parts[0].content_hash, hash);
        let res = app
            .post_form(
                "/ledger/banner/sign",
                Some(&office),
                &[("capacity", "office"), ("hash", &banner_state.current_hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app
            .post_form(
                "/ledger/banner/sign",
                Some(&leader),
                &[("capacity", "office"), ("hash", &banner_state.current_hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        // A handling department answers its check list: the ledger content changes.
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let zrzy = app.sign_in("zrzy_handler").await;
        let page = app.get("/ledger/departments/zrzy", Some(&zrzy)).await;
        assert!(page.body.contains("逾期未反馈"), "the 08-20 due date has passed: {}", page.body);
        let head_page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(head_page.body.contains("尚未反馈的事项") && head_page.body.contains("逾期未反馈"));
        let item = app
            .store
            .check_rows(&banner(), &c.zrzy_handler.department_id.clone().unwrap())
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.project_code == P1)
            .unwrap()
            .pending_item_id;
        let incomplete = app
            .post_form(
                &format!("/ledger/items/{item}/answer"),
                Some(&zrzy),
                &[
                    ("check_result", "已受理"),
                    ("responsible_person", ""),
                    ("acceptance_status", "已受理"),
                    ("due_on", ""),
                ],
            )
            .await;
        assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(incomplete.body.contains("责任人") && incomplete.body.contains("完成时限"), "{}", incomplete.body);
        let res = app
            .post_form(
                &format!("/ledger/items/{item}/answer"),
                Some(&zrzy),
                &[
                    ("check_result", "材料齐全，已受理"),
                    ("responsible_person", "王海"),
                    ("acceptance_status", "已受理"),
                    ("due_on", "2022-10-15"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // A changed check report of a signed line: a change to the signed content,
        // listed with what changed, for the signatories to confirm.
        let now = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap();
        assert_ne!(now.current_hash, hash);
        assert_eq!(now.changes.len(), 1);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.body.matches("新增/变更，待签认</td>").count(), 2, "{}", page.body);
        assert!(page.body.contains("新增/变更，待签认（1 项）"), "{}", page.body);
        assert!(page.body.contains("完成时限：2022-09-30 → 2022-10-15"), "{}", page.body);
        assert!(page.body.contains("核查情况：材料已齐 → 材料齐全，已受理"), "{}", page.body);
        assert!(page.body.contains("尚有 <strong>3</strong> 项待批事项缺少核查情况"), "{}", page.body);
        // The ledger is not signed whole again, with the old hash or the new one.
        assert_eq!(sign(head.clone(), "department_head", hash.clone()).await.status, StatusCode::CONFLICT);
        let res = sign(head.clone(), "department_head", now.current_hash.clone()).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("逐项签认"), "{}", res.body);
        // The change is confirmed: the head, then the leader.
        let set = now.change_set.clone().unwrap().hash;
        assert!(page.body.contains(&format!("name=\"hash\" value=\"{set}\"")), "{}", page.body);
        let confirm = |cookie: String, capacity: &'static str| {
            let (app, set) = (&app, set.clone());
            async move {
                app.post_form(
                    "/ledger/departments/fgw/changes/sign",
                    Some(&cookie),
                    &[("capacity", capacity), ("hash", &set)],
                )
                .await
            }
        };
        assert_eq!(confirm(leader.clone(), "leader").await.status, StatusCode::CONFLICT, "the head first");
        assert_eq!(confirm(head.clone(), "department_head").await.status, StatusCode::SEE_OTHER);
        assert_eq!(confirm(leader.clone(), "leader").await.status, StatusCode::SEE_OTHER);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(
            page.body.matches("与签字版本一致</td>").count(),
            4,
            "two signatures, two confirmations: {}",
            page.body
        );
        assert!(!page.body.contains("待签认（"), "{}", page.body);
        assert!(page.body.contains("新增/变更签认记录"));
        let banner_now = app.store.ledger_state(&banner(), None).await.unwrap();
        assert_eq!(banner_now.current_hash, banner_state.current_hash, "the banner ledger is unchanged");
        let _ = (c.office, c.leader);
    })
    .await;
}

/// Sign fgw's ledger as its head and the leader: the baseline is fixed.
async fn fix_baseline(app: &TestApp, c: &Cast) {
    let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
    let hash = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().current_hash;
    app.store.sign_ledger(&banner(), Some(&fgw_id), Capacity::DepartmentHead, &hash, false, &c.fgw_head).await.unwrap();
    let out = app.store.sign_ledger(&banner(), Some(&fgw_id), Capacity::Leader, &hash, false, &c.leader).await.unwrap();
    assert!(out.fully_signed);
    assert_eq!(out.baseline_added, 4);
}

async fn item_id(app: &TestApp, project: &str, item_type: &str) -> String {
    sqlx::query(
        "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
         WHERE p.code = $1 AND t.code = $2",
    )
    .bind(project)
    .bind(item_type)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
    .get(0)
}

async fn project_id(app: &TestApp, code: &str) -> String {
    sqlx::query("SELECT id FROM projects WHERE code = $1").bind(code).fetch_one(app.store.pool()).await.unwrap().get(0)
}

async fn item_type_id(app: &TestApp, code: &str) -> String {
    sqlx::query("SELECT id FROM item_types WHERE code = $1")
        .bind(code)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn total(app: &TestApp) -> qidi_core::ledger::Progress {
    app.store.baseline_progress(&banner(), None).await.unwrap().total
}

#[tokio::test]
async fn the_baseline_shrinks_only_by_approval_or_an_approved_removal() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let pool = app.store.pool().clone();
        let land = item_id(&app, P1, "land_pre_review").await;
        let eia = item_id(&app, P1, "eia").await;
        let before = total(&app).await;
        assert_eq!((before.baseline, before.remaining, before.approved, before.removed), (4, 4, 0, 0));

        // The database itself refuses every other way out.
        let refused = |sql: &'static str, bind: String| {
            let pool = pool.clone();
            async move { sqlx::query(sql).bind(bind).execute(&pool).await }
        };
        assert!(refused("DELETE FROM baseline_items WHERE pending_item_id = $1", land.clone()).await.is_err());
        assert!(refused("DELETE FROM baseline_items WHERE pending_item_id <> $1", String::new()).await.is_err());
        assert!(refused(
            "UPDATE baseline_items SET reduction = 'removed', reduced_on = '2022-09-01' WHERE pending_item_id = $1",
            land.clone()
        )
        .await
        .is_err());
        assert!(refused(
            "UPDATE baseline_items SET reduction = 'removed', reduced_on = '2022-09-01', reason_category = 'other', reason_text = '不想做了' WHERE pending_item_id = $1",
            land.clone()
        )
        .await
        .is_err(), "a reason without the office's approved removal is not enough");
        assert!(refused(
            "UPDATE baseline_items SET reduction = 'approved', reduced_on = '2022-09-01' WHERE pending_item_id = $1",
            land.clone()
        )
        .await
        .is_err(), "not granted, so not approved");
        assert!(refused("UPDATE baseline_items SET added_on = '2023-01-01' WHERE pending_item_id = $1", land.clone())
            .await
            .is_err());
        assert!(refused("DELETE FROM pending_items WHERE id = $1", land.clone()).await.is_err(), "the item stays");
        assert_eq!(total(&app).await, before);

        // 审批1个核减1个: the approval transaction marks the item granted; the baseline follows.
        // (Granting needs the approval behind it: here one recorded from outside the system.)
        let today = qidi_store::today();
        app.store.record_outside_approval(&c.zrzy_handler, &land, "正自然资字〔2022〕12号", today, None).await.unwrap();
        let after = total(&app).await;
        assert_eq!((after.baseline, after.approved, after.removed, after.remaining), (4, 1, 0, 3));
        let reduced: Option<String> = sqlx::query("SELECT reduction FROM baseline_items WHERE pending_item_id = $1")
            .bind(&land)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(reduced.as_deref(), Some("approved"));
        assert!(refused("UPDATE baseline_items SET reduction = NULL, reduced_on = NULL WHERE pending_item_id = $1", land.clone())
            .await
            .is_err(), "a reduction is final");

        // A removal: proposed by the department, decided by the office only.
        let head = app.sign_in("fgw_head").await;
        let inspector = app.sign_in("inspector").await;
        let office = app.sign_in("office").await;
        let p1 = project_id(&app, P1).await;
        // The page's one form, with the row chosen by its radio button.
        let chosen = format!("{p1}:{eia}");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await.body;
        assert_eq!(page.matches("id=\"reduce-item\"").count(), 1, "one form serves every row");
        assert!(page.contains(&format!("name=\"item\" value=\"{chosen}\" form=\"reduce-item\"")), "{page}");
        let form = [
            ("kind", "item"),
            ("item", chosen.as_str()),
            ("reason", "land_saving"),
            ("text", "用地不符合节约集约要求，项目调整选址"),
            ("back", "fgw"),
        ];
        let nothing_chosen = [("kind", "item"), ("reason", "land_saving"), ("text", "x")];
        let res = app.post_form("/ledger/removals", Some(&head), &nothing_chosen).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请先在表中选中"), "{}", res.body);
        // The rows on view (filters and page) go with the page's forms: a refusal shows
        // the same rows, and so does the page after a step.
        let view = "status=pending&q=%E5%8F%91%E6%94%B9&baseline_page=1";
        let filtered = app.get(&format!("/ledger/departments/fgw?{view}"), Some(&head)).await.body;
        assert!(
            filtered.contains(&format!(r#"action="/ledger/removals?{}""#, view.replace('&', "&#38;"))),
            "{filtered}"
        );
        let mut refused_here = nothing_chosen.to_vec();
        refused_here.push(("back", "fgw"));
        let res = app.post_form(&format!("/ledger/removals?{view}"), Some(&head), &refused_here).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请先在表中选中") && res.body.contains(r#"id="baseline-filter""#), "{}", res.body);
        assert!(res.body.contains(r#"name="q" value="发改""#), "the filter is kept: {}", res.body);
        assert!(res.body.contains(r#"<option value="pending" selected>"#), "{}", res.body);
        assert_eq!(app.post_form("/ledger/removals", Some(&inspector), &form).await.status, StatusCode::FORBIDDEN);
        let res = app.post_form(&format!("/ledger/removals?{view}"), Some(&head), &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location(), Some(format!("/ledger/departments/fgw?{view}").as_str()));
        let no_reason = [("kind", "item"), ("project_id", p1.as_str()), ("pending_item_id", eia.as_str()), ("reason", "other"), ("text", "  ")];
        assert_eq!(app.post_form("/ledger/removals", Some(&head), &no_reason).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(total(&app).await.remaining, 3, "a proposal reduces nothing");
        let removal: String =
            sqlx::query("SELECT id FROM removals").fetch_one(&pool).await.unwrap().get(0);
        let decide = format!("/ledger/removals/{removal}/decide");
        assert_eq!(app.post_form(&decide, Some(&head), &[("decision", "approved")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.post_form(&decide, Some(&inspector), &[("decision", "approved")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(total(&app).await.remaining, 3);
        let res = app.post_form(&decide, Some(&office), &[("decision", "approved"), ("note", "白旗发改发〔2022〕18号")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let t = total(&app).await;
        assert_eq!((t.baseline, t.approved, t.removed, t.remaining), (4, 1, 1, 2));
        assert_eq!(app.post_form(&decide, Some(&office), &[("decision", "rejected")]).await.status, StatusCode::CONFLICT);
        let row = sqlx::query("SELECT reason_category, reason_text, removal_id FROM baseline_items WHERE pending_item_id = $1")
            .bind(&eia)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>(0), "land_saving");
        assert_eq!(row.get::<String, _>(2), removal);
        assert!(refused("UPDATE removals SET decision = 'rejected' WHERE id = $1", removal.clone()).await.is_err());
        assert!(refused("DELETE FROM removals WHERE id = $1", removal.clone()).await.is_err());

        // A project leaves the library with its reason; it stays on record.
        let p3 = project_id(&app, P3).await;
        let form = [("kind", "project"), ("project_id", p3.as_str()), ("reason", "not_going_ahead"), ("text", "项目单位书面申请不再实施")];
        assert_eq!(app.post_form("/ledger/removals", Some(&head), &form).await.status, StatusCode::SEE_OTHER);
        let removal: String = sqlx::query("SELECT id FROM removals WHERE kind = 'project'").fetch_one(&pool).await.unwrap().get(0);
        let res = app.post_form(&format!("/ledger/removals/{removal}/decide"), Some(&office), &[("decision", "approved")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let t = total(&app).await;
        assert_eq!((t.baseline, t.approved, t.removed, t.remaining), (4, 1, 3, 0));
        let project = app.get(&format!("/projects/{p3}"), Some(&office)).await;
        assert_eq!(project.status, StatusCode::OK, "a removed project stays visible");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("项目不再实施") && page.body.contains("已移出"), "{}", page.body);
        assert!(page.body.contains("白旗发改发〔2022〕18号"));

        // Found later: a new item of a fixed ledger joins as an addition.
        let s = import(
            &app,
            &ledger_rows(&[["", P1, "正镶白旗明安图风电场项目（一期）", "", "", "", "", "", "能评", "发改委", "", "", "", "", ""]]),
        )
        .await;
        assert_eq!((s.items_new, s.additions), (1, 1));
        let t = total(&app).await;
        assert_eq!((t.baseline, t.additions, t.remaining), (4, 1, 1));

        // The progress table and the burn-down, server-drawn without inline styles.
        let page = app.get("/ledger/banner", Some(&office)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg") && page.body.contains("class=\"actual\""), "{}", page.body);
        assert!(!page.body.contains("style="), "the CSP forbids inline styles");
        assert!(
            page.body.match_indices("<script").all(|(i, _)| page.body[i..].starts_with("<script src=\"/static/")),
            "no inline script: the chart is drawn by the server"
        );
        assert!(page.body.contains("id=\"progress-total\""));
        assert!(page.body.contains("2022-12-31"));
    })
    .await;
}

#[tokio::test]
async fn roles_decide_who_signs_reads_and_sees() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let hash = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().current_hash;
        let handler = app.sign_in("fgw_handler").await;
        let inspector = app.sign_in("inspector").await;
        let zrzy = app.sign_in("zrzy_handler").await;
        let slj_head = app.sign_in("slj_head").await;

        // A handler sees its department's page but no sign button, and cannot sign.
        let page = app.get("/ledger/departments/fgw", Some(&handler)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("name=\"capacity\""));
        let res = app
            .post_form(
                "/ledger/departments/fgw/sign",
                Some(&handler),
                &[("capacity", "department_head"), ("hash", &hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Another department's head cannot sign fgw's ledger either: it cannot even see it.
        let res = app
            .post_form(
                "/ledger/departments/fgw/sign",
                Some(&slj_head),
                &[("capacity", "department_head"), ("hash", &hash)],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // The inspector reads everything and changes nothing.
        for path in ["/ledger/banner", "/ledger/departments/fgw", "/ledger/departments/zrzy"] {
            let page = app.get(path, Some(&inspector)).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(!page.body.contains("<form method=\"post\" action=\"/ledger"), "{path} has no forms");
        }
        assert_eq!(app.get("/ledger", Some(&inspector)).await.location(), Some("/ledger/banner"));
        let (status, _, _) = get_bytes(&app, "/ledger/export?department=fgw", &inspector).await;
        assert_eq!(status, StatusCode::OK);
        for (path, form) in [
            ("/ledger/departments/fgw/push", vec![("due_on", "2022-08-20")]),
            ("/ledger/departments/fgw/sign", vec![("capacity", "department_head"), ("hash", hash.as_str())]),
            ("/ledger/campaign", vec![("ends_on", "2023-06-30")]),
        ] {
            assert_eq!(app.post_form(path, Some(&inspector), &form).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(app.get("/ledger/import", Some(&inspector)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.upload_ledger(&inspector, "x.xlsx", &xlsx(&ledger_rows(&[]))).await.status,
            StatusCode::FORBIDDEN
        );
        // A department's handler may upload, but another department's project is refused.
        let res = app.upload_ledger(&handler, "x.xlsx", &xlsx(&ledger_rows(&[]))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("立项部门不是本部门"), "{}", res.body);
        assert!(app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap().versions.is_empty());
        assert_eq!(app.store.campaign(&banner()).await.unwrap().campaign.ends_on.to_string(), "2022-12-31");

        // Another department's ledger is 404, in the page, the download and the answers.
        assert_eq!(app.get("/ledger/departments/fgw", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/ledger/departments/nope", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/ledger/banner", Some(&zrzy)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/ledger", Some(&zrzy)).await.location(), Some("/ledger/departments/zrzy"));
        let (status, _, _) = get_bytes(&app, "/ledger/export?department=fgw", &zrzy).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let water = item_id(&app, P3, "water_intake").await;
        let res = app
            .post_form(
                &format!("/ledger/items/{water}/answer"),
                Some(&zrzy),
                &[
                    ("check_result", "x"),
                    ("responsible_person", "x"),
                    ("acceptance_status", "x"),
                    ("due_on", "2022-10-01"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // The office moves the campaign's end; the burn-down follows.
        let office = app.sign_in("office").await;
        let res = app.post_form("/ledger/campaign", Some(&office), &[("ends_on", "2023-06-30")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(app.get("/ledger/banner", Some(&office)).await.body.contains("2023-06-30"));
        let res = app.post_form("/ledger/campaign", Some(&office), &[("ends_on", "2022-09-01")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "milestones stay inside the campaign");
    })
    .await;
}

/// Take a pending item through the workflow as its project unit and handler: an
/// application with every material, submitted, accepted and approved today.
async fn approve_through_workflow(app: &TestApp, project: &str, item_type: &str, handler: &str) {
    let item = item_id(app, project, item_type).await;
    let owner: String = sqlx::query("SELECT owner_id FROM projects WHERE code = $1")
        .bind(project)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0);
    let unit_name = format!("unit-{}", &owner[owner.len() - 6..]);
    if app.store.user_by_username(&unit_name).await.unwrap().is_none() {
        app.store
            .create_user(
                &NewUser {
                    region: &banner(),
                    username: &unit_name,
                    display_name: "项目单位",
                    role: Role::Applicant,
                    department_id: None,
                    owner_id: Some(&owner),
                    password: PASSWORD,
                },
                None,
            )
            .await
            .unwrap();
    }
    let unit = app.sign_in(&unit_name).await;
    let handler = app.sign_in(handler).await;
    let res = app.post_json("/api/v1/applications", Some(&unit), &serde_json::json!({ "pending_item_id": item })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["application"]["id"].as_str().unwrap().to_string();
    let detail = app.get(&format!("/api/v1/applications/{id}"), Some(&unit)).await.json();
    for code in detail["facts"]["required_materials"].as_array().unwrap() {
        let code = code.as_str().unwrap();
        let req = Request::put(format!("/api/v1/applications/{id}/materials/{code}?name={code}.pdf"))
            .header(header::COOKIE, &unit)
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(&b"%PDF-1.4 material"[..]))
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::CREATED);
    }
    let today = qidi_store::today().to_string();
    for (cookie, action) in [
        (&unit, serde_json::json!({ "type": "submit" })),
        (&handler, serde_json::json!({ "type": "accept" })),
        (
            &handler,
            serde_json::json!({ "type": "approve", "document_number": "正自然资预〔2026〕7号", "decided_on": today }),
        ),
    ] {
        let res = app
            .post_json(
                &format!("/api/v1/applications/{id}/actions"),
                Some(cookie),
                &serde_json::json!({ "action": action }),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.body);
    }
    let status: String = sqlx::query("SELECT status FROM pending_items WHERE id = $1")
        .bind(&item)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "granted");
}

/// Every signature of a ledger's JSON, as (capacity, state).
fn signature_states(ledger: &serde_json::Value) -> Vec<(String, String)> {
    ledger["versions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["signatures"].as_array().unwrap().iter())
        .map(|s| (s["capacity"].as_str().unwrap().to_string(), s["state"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn an_approval_on_a_signed_ledger_leaves_every_signature_valid() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        app.store
            .sign_ledger(&banner(), None, Capacity::Office, &banner_state.current_hash, false, &c.office)
            .await
            .unwrap();
        let head = app.sign_in("fgw_head").await;
        let before = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        let valid = |caps: &[&str]| caps.iter().map(|c| (c.to_string(), "matches".to_string())).collect::<Vec<_>>();
        assert_eq!(signature_states(&before), valid(&["department_head", "leader"]));
        assert_eq!(total(&app).await.remaining, 4);

        approve_through_workflow(&app, P1, "land_pre_review", "zrzy_handler").await;

        let after = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(signature_states(&after), valid(&["department_head", "leader"]), "{after}");
        let t = total(&app).await;
        assert_eq!((t.baseline, t.approved, t.remaining), (4, 1, 3), "审批1个核减1个");
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        let banner_sigs: Vec<_> =
            banner_state.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        assert_eq!(banner_sigs, vec![qidi_core::ledger::SignatureState::Matches], "the banner signature holds");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(!page.body.contains("不一致"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn an_item_added_later_waits_for_confirmation_and_is_confirmed_not_signed_again() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        app.store.sign_ledger(&banner(), None, Capacity::Office, &banner_state.current_hash, false, &c.office).await.unwrap();
        let head = app.sign_in("fgw_head").await;
        let leader = app.sign_in("leader").await;

        // 补录: an energy review of P1, found after the ledger was fixed.
        let p1 = project_id(&app, P1).await;
        let energy = item_type_id(&app, "energy_review").await;
        let body = serde_json::json!({ "item_type_id": energy, "responsible_person": "杨帆", "due_on": "2022-12-15" });
        let res = app.post_json(&format!("/api/v1/projects/{p1}/items"), Some(&head), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

        // Listed separately: which item, what it is; the signatures wait for it.
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        let pending = |caps: &[&str]| caps.iter().map(|c| (c.to_string(), "changes_pending".to_string())).collect::<Vec<_>>();
        assert_eq!(signature_states(&ledger), pending(&["department_head", "leader"]));
        let changes = ledger["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{ledger}");
        assert_eq!((changes[0]["kind"].as_str(), changes[0]["project_code"].as_str()), (Some("added"), Some(P1)));
        assert_eq!(changes[0]["item_type"], "energy_review");
        assert_eq!(changes[0]["missing_check"], true, "no check result yet");
        assert_eq!((ledger["signed"]["items"].as_u64(), ledger["signed"]["reduced"].as_u64()), (Some(4), Some(0)));
        let set = ledger["change_set"]["hash"].as_str().unwrap().to_string();
        assert_eq!(ledger["change_set"]["missing_checks"], 1);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("新增/变更，待签认（1 项）"), "{}", page.body);
        assert!(page.body.contains("完成时限：2022-12-15") && page.body.contains("责任人：杨帆"), "{}", page.body);
        assert!(page.body.contains("以部门主要负责人身份签认以上 1 项新增/变更"), "{}", page.body);
        assert!(page.body.contains("name=\"confirm_missing_checks\" value=\"1\" required"), "{}", page.body);
        assert!(!page.body.contains("action=\"/ledger/departments/fgw/sign\""), "no whole-ledger signing once fixed");

        // The head confirms in the page; a check result is missing, so the box must be ticked.
        let form = |hash: &str, tick: bool| {
            let mut f = vec![("capacity".to_string(), "department_head".to_string()), ("hash".into(), hash.to_string())];
            if tick {
                f.push(("confirm_missing_checks".into(), "1".into()));
            }
            f
        };
        let post = |cookie: String, f: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.post_form("/ledger/departments/fgw/changes/sign", Some(&cookie), &f).await
            }
        };
        let res = post(head.clone(), form(&set, false)).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("尚有 1 项待批事项缺少核查情况"), "{}", res.body);
        assert_eq!(post(head.clone(), form(&"0".repeat(64), true)).await.status, StatusCode::CONFLICT, "stale");
        let res = post(head.clone(), form(&set, true)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("已签认：部门主要负责人"), "{}", page.body);

        // The leader confirms through the API.
        let confirm = |hash: &str, tick: bool| serde_json::json!({ "capacity": "leader", "hash": hash, "confirm_missing_checks": tick });
        let res = app.post_json("/api/v1/ledger/departments/fgw/changes/sign", Some(&leader), &confirm(&set, false)).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("1 项"), "{}", res.body);
        let res = app.post_json("/api/v1/ledger/departments/fgw/changes/sign", Some(&leader), &confirm(&set, true)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!((res.json()["confirmed"].as_bool(), res.json()["changes"].as_u64()), (Some(true), Some(1)));
        let res = app.post_json("/api/v1/ledger/departments/fgw/changes/sign", Some(&leader), &confirm(&set, true)).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "nothing left to confirm");

        // Every signature holds again; the banner ledger never moved.
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        let valid = |caps: &[&str]| caps.iter().map(|c| (c.to_string(), "matches".to_string())).collect::<Vec<_>>();
        assert_eq!(signature_states(&ledger), valid(&["department_head", "leader"]), "{ledger}");
        assert_eq!(ledger["changes"], serde_json::json!([]));
        assert_eq!((ledger["signed"]["items"].as_u64(), ledger["signed"]["confirmed_change_sets"].as_u64()), (Some(5), Some(1)));
        assert_ne!(ledger["signed"]["hash"], ledger["signed"]["version_hash"]);
        let sets = ledger["change_sets"].as_array().unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0]["confirmed"], true);
        assert_eq!(sets[0]["signatures"][0]["missing_checks"], 1, "the count the head confirmed is kept");
        let banner_now = app.store.ledger_state(&banner(), None).await.unwrap();
        let states: Vec<_> = banner_now.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        assert_eq!(states, vec![qidi_core::ledger::SignatureState::Matches]);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("签字有效：与签字版本一致"), "{}", page.body);
        assert!(page.body.contains("含已签认的新增/变更 1 次"), "{}", page.body);
        let events = app.store.recent_events(100).await.unwrap();
        assert_eq!(events.iter().filter(|e| e.action == "ledger.confirm_changes").count(), 2);

        // Approving the added item afterwards reduces it, and touches no signature.
        approve_through_workflow(&app, P1, "energy_review", "fgw_handler").await;
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(signature_states(&ledger), valid(&["department_head", "leader"]), "{ledger}");
        assert_eq!(ledger["signed"]["reduced"], 1);
        assert_eq!(total(&app).await.remaining, 4, "4 signed + 1 added − 1 approved");
    })
    .await;
}

/// `n` more projects of the fgw ledger, one item each: the wind farm's row under
/// another number, code and name.
fn more_projects(n: usize) -> Vec<[&'static str; 15]> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    (0..n)
        .map(|i| {
            let mut row = common::WIND_FARM_ROW;
            row[0] = leak((10 + i).to_string());
            row[1] = leak(format!("2022-152529-44-01-{:06}", 300 + i));
            row[2] = leak(format!("正镶白旗第{}号光伏发电项目", i + 1));
            row
        })
        .collect()
}

#[tokio::test]
async fn a_department_page_lists_the_first_changes_and_counts_them_all() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        fix_baseline(&app, &c).await;
        // A file of 205 more projects imported into the fixed ledger: 205 additions.
        import(&app, &ledger_rows(&more_projects(205))).await;
        let head = app.sign_in("fgw_head").await;
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(ledger["changes"].as_array().map(Vec::len), Some(205), "a page of 1,000 holds them all");
        assert_eq!((&ledger["changes_total"], &ledger["more_changes"]), (&205.into(), &false.into()), "{ledger}");
        assert!(ledger["next_after"].is_null(), "{ledger}");
        // Paged by key, 100 at a time: the same changes in the same order, then no more.
        let key = |c: &serde_json::Value| {
            format!("{}/{}", c["project_code"].as_str().unwrap(), c["item_type"].as_str().unwrap())
        };
        let (mut paged, mut after) = (Vec::new(), String::new());
        for expected in [100, 100, 5] {
            let url = format!("/api/v1/ledger/departments/fgw?limit=100{after}");
            let page = app.get(&url, Some(&head)).await.json();
            let changes = page["changes"].as_array().unwrap();
            assert_eq!((changes.len(), &page["changes_total"]), (expected, &205.into()), "{url}");
            assert_eq!(page["more_changes"], expected == 100, "{url}");
            assert_eq!(page["change_set"]["hash"], ledger["change_set"]["hash"], "every page confirms all");
            paged.extend(changes.iter().map(key));
            match page["next_after"].as_str() {
                Some(next) => after = format!("&after={}", common::urlencode(next)),
                None => assert_eq!(expected, 5),
            }
        }
        assert_eq!(paged, ledger["changes"].as_array().unwrap().iter().map(key).collect::<Vec<_>>());
        for bad in ["limit=0", "limit=10001", "limit=many", "after=no-item-type"] {
            let res = app.get(&format!("/api/v1/ledger/departments/fgw?{bad}"), Some(&head)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", res.body);
            assert!(res.body.contains("收到"), "says what it got: {}", res.body);
        }
        // Listed in part, the state's change set and hash are those of all 205 changes.
        let fgw_id = ledger["department_id"].as_str().unwrap();
        let listed = app.store.ledger_state_listing(&banner(), Some(fgw_id), 3).await.unwrap();
        assert_eq!((listed.changes.len(), listed.changes_total), (3, 205));
        assert_eq!(listed.change_set.map(|s| s.hash).as_deref(), ledger["change_set"]["hash"].as_str());
        assert_eq!(listed.current_hash, ledger["current_hash"].as_str().unwrap());
        assert_eq!(listed.changes[0].project_code, ledger["changes"][0]["project_code"].as_str().unwrap());

        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("新增/变更，待签认（205 项）"), "{}", page.body);
        assert_eq!(page.body.matches("<tr class=\"change-added\">").count(), 200, "{}", page.body);
        assert!(page.body.contains("以上只列出前 200 项，共 205 项"), "{}", page.body);
        assert!(page.body.contains("签认以上 205 项新增/变更"), "the confirmation covers all: {}", page.body);
        // The 5 that follow are a link away, and the confirmation there covers all 205 too.
        assert!(!page.body.contains("回到开头"), "the first page links to no start");
        let before_link = page.body.split("\" id=\"changes-next\"").next().unwrap();
        let next = before_link.rsplit("href=\"").next().unwrap().replace("&amp;", "&");
        let later = app.get(&format!("/ledger/departments/fgw{next}"), Some(&head)).await;
        assert_eq!(later.status, StatusCode::OK, "{next}");
        assert_eq!(later.body.matches("<tr class=\"change-added\">").count(), 5, "{}", later.body);
        assert!(later.body.contains("以上列出其后的 5 项，共 205 项"), "{}", later.body);
        assert!(later.body.contains("签认以上 205 项新增/变更") && later.body.contains("回到开头"), "{}", later.body);
        assert!(!later.body.contains("id=\"changes-next\""), "the last page links to no next");
        let last_of_first = page.body.rsplit("<tr class=\"change-added\"><td><span class=\"code\">").next().unwrap();
        let first_of_later = later.body.split("<tr class=\"change-added\"><td><span class=\"code\">").nth(1).unwrap();
        assert!(
            last_of_first.split('<').next() < first_of_later.split('<').next(),
            "in key order, after the first 200"
        );
        // Confirmed from the page, all 205 are confirmed.
        let set = ledger["change_set"]["hash"].as_str().unwrap().to_string();
        let leader = app.sign_in("leader").await;
        for (cookie, capacity) in [(&head, "department_head"), (&leader, "leader")] {
            let f = [("capacity", capacity), ("hash", set.as_str()), ("confirm_missing_checks", "1")];
            let res = app.post_form("/ledger/departments/fgw/changes/sign", Some(cookie), &f).await;
            assert!(res.status.is_redirection(), "{capacity}: {} {}", res.status, res.body);
        }
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(ledger["changes"], serde_json::json!([]), "{ledger}");
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(!page.body.contains("id=\"changes-capped\"") && !page.body.contains("待签认（"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn missing_check_results_are_counted_and_confirmed_before_signing() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let head = app.sign_in("fgw_head").await;
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let ledger = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json();
        assert_eq!(ledger["missing_checks"], 4, "no handling department has answered yet");
        let hash = ledger["current_hash"].as_str().unwrap().to_string();

        // The page says how many, and the signing form asks for confirmation.
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("尚有 <strong>4</strong> 项待批事项缺少核查情况"), "{}", page.body);
        assert!(page.body.contains("我已知悉尚有 4 项缺少核查情况，仍签字确认"), "{}", page.body);
        let res = app
            .post_form("/ledger/departments/fgw/sign", Some(&head), &[("capacity", "department_head"), ("hash", &hash)])
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("尚有 4 项待批事项缺少核查情况"), "{}", res.body);
        // The API the same: 409 with the count, unless confirmed.
        let body = |tick: bool| serde_json::json!({ "capacity": "department_head", "hash": hash, "confirm_missing_checks": tick });
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&head), &body(false)).await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert_eq!(res.json()["error"]["message"], "尚有 4 项待批事项缺少核查情况（核查清单未反馈或未填写核查情况）：请确认知悉后再签字");
        assert!(app.store.ledger_state(&banner(), ledger["department_id"].as_str()).await.unwrap().versions.is_empty());
        let res = app
            .post_form(
                "/ledger/departments/fgw/sign",
                Some(&head),
                &[("capacity", "department_head"), ("hash", &hash), ("confirm_missing_checks", "1")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("签字时 4 项缺核查情况，已确认知悉"), "{}", page.body);

        // The leader is asked to confirm the count too.
        let leader = app.sign_in("leader").await;
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &serde_json::json!({ "capacity": "leader", "hash": hash })).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "the leader is asked too: {}", res.body);
        let res = app.post_json("/api/v1/ledger/departments/fgw/sign", Some(&leader), &serde_json::json!({ "capacity": "leader", "hash": hash, "confirm_missing_checks": true })).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["fully_signed"], true);
    })
    .await;
}

#[tokio::test]
async fn the_demo_approvals_leave_the_demo_signatures_valid() {
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        assert!(total(&app).await.approved > 0, "the demo approves some of fgw's baseline");
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let fgw = app.store.ledger_state(&banner(), Some(&fgw_id)).await.unwrap();
        let states: Vec<_> = fgw.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        use qidi_core::ledger::SignatureState::Matches;
        assert_eq!(states, vec![Matches, Matches]);
        assert!(fgw.signed.as_ref().is_some_and(|s| s.reduced > 0) && fgw.changes.is_empty());
        let banner_state = app.store.ledger_state(&banner(), None).await.unwrap();
        let states: Vec<_> = banner_state.versions.iter().flat_map(|v| v.signatures.iter()).map(|s| s.state).collect();
        assert_eq!(states, vec![Matches]);
        let head = app.sign_in("fgw_head").await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        // The demo's biggest department ledger stays small: the baseline's rows carry a
        // radio button each, not a form (it was over 1 MB with a form on every row).
        assert!(page.body.len() < 500_000, "the fgw ledger page is {} bytes", page.body.len());
        // The baseline table is paged, 200 rows a page, and says how many there are.
        let rows = |body: &str| body.matches("form=\"reduce-item\"").count();
        let (baseline, total) = app.store.baseline_rows(&banner(), Some(&fgw_id), 1, 0).await.unwrap();
        assert_eq!(baseline.len(), 1);
        assert!(total > 200, "the demo's fgw baseline has {total} rows");
        let pages = total.div_ceil(200);
        assert!(page.body.contains(&format!("第 1 / {pages} 页，共 {total} 个事项")), "{}", page.body);
        let unreduced_first = rows(&page.body);
        assert!(unreduced_first <= 200);
        let last = app.get(&format!("/ledger/departments/fgw?baseline_page={pages}"), Some(&head)).await;
        assert!(last.body.contains(&format!("第 {pages} / {pages} 页")) && !last.body.contains(">下一页<"));
        assert!(last.body.contains(">上一页<"));
        assert!(page.body.len() < 300_000, "paged, the fgw ledger page is {} bytes", page.body.len());
        assert_eq!(page.body.matches("class=\"state-ok\">与签字版本一致").count(), 2, "{}", page.body);
        assert!(
            page.body.contains("签字时") && page.body.contains("项缺核查情况，已确认知悉"),
            "the demo signed knowingly"
        );
    })
    .await;
}

/// A ledger whose names the catalogue does not know: a department written out with its
/// league and banner in an unusual form, and an item type by a local name.
fn unknown_name_rows() -> Vec<[&'static str; 15]> {
    vec![
        [
            "1",
            "20221525294401000701",
            "正镶白旗光伏治沙项目",
            "锡林能源有限公司",
            "正镶白旗发展和改革委员会",
            "2017.4.4",
            "500",
            "未开工",
            "环评",
            "锡林郭勒盟生态环境保护局正镶白旗分局",
            "",
            "王海",
            "",
            "待定",
            "",
        ],
        ["", "", "", "", "", "", "", "", "规划条件核实", "正镶白旗自然资源局", "", "李娜", "", "2022年10月31日", ""],
    ]
}

#[tokio::test]
async fn the_office_maps_unknown_names_once_and_the_next_file_goes_through() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let office = app.sign_in("office").await;
        let rows = unknown_name_rows();
        let res = app.upload_ledger(&office, "names.xlsx", &xlsx(&rows)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("未识别的名称 2 个"), "{}", res.body);
        assert!(res.body.contains("是否指：旗生态环境分局？"), "{}", res.body);
        // The select offers the suggestion first.
        let select = &res.body[res.body.find("name=\"target\"").unwrap()..];
        let first = select.find("<option value=\"sthj\">").unwrap();
        assert!(select[..first].matches("<option value=\"").count() == 1, "only the placeholder before sthj");
        let token = hidden(&res.body, "token");
        let dept = "锡林郭勒盟生态环境保护局正镶白旗分局";
        let alias = |kind: &'static str, written: &'static str, target: &'static str| {
            [("token", token.clone()), ("kind", kind.into()), ("written", written.into()), ("target", target.into())]
        };
        let post = |form: [(&'static str, String); 4]| {
            let app = &app;
            let office = office.clone();
            async move {
                let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form("/ledger/import/aliases", Some(&office), &f).await
            }
        };

        // Someone other than the office may not map names.
        let fgw = app.sign_in("fgw_handler").await;
        let f = alias("department", dept, "sthj");
        let fv: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.post_form("/ledger/import/aliases", Some(&fgw), &fv).await.status, StatusCode::FORBIDDEN);

        // No choice made: said so, nothing saved.
        let res = post(alias("department", dept, "")).await;
        assert!(res.body.contains("请选择要对应的部门"), "{}", res.body);

        // The department: saved, and the file checked again; the item type is left.
        let res = post(alias("department", dept, "sthj")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("未识别的名称 1 个"), "{}", res.body);
        assert!(res.body.contains("规划条件核实"));
        // The same name again is a duplicate; a retired department takes no alias.
        let res = post(alias("department", dept, "zrzy")).await;
        assert!(
            res.body.contains(&format!("“{dept}”已是部门“旗生态环境分局”的名称或别名，不能重复添加")),
            "{}",
            res.body
        );
        sqlx::query("UPDATE departments SET retired_at = '2026-01-01T00:00:00+08:00' WHERE code = 'nmj'")
            .execute(app.store.pool())
            .await
            .unwrap();
        let res = post(alias("department", "牧业局", "nmj")).await;
        assert!(res.body.contains("部门“旗农牧局”已撤销，不能把别名对应到已撤销的部门"), "{}", res.body);
        assert!(!res.body.contains("<option value=\"nmj\">"), "a retired department is not offered");

        // The item type: now the file is clean.
        let res = post(alias("item_type", "规划条件核实", "land_pre_review")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(!res.body.contains("未识别的名称"), "{}", res.body);
        assert!(res.body.contains("“待定”"), "the deadline not yet set is a warning: {}", res.body);
        let saved = app.store.saved_aliases(&banner()).await.unwrap();
        assert_eq!(saved.len(), 2);
        let events: Vec<_> =
            app.store.recent_events(100).await.unwrap().into_iter().filter(|e| e.action == "name_alias.add").collect();
        assert_eq!(events.len(), 2);

        let res = app.post_form("/ledger/import/confirm", Some(&office), &[("token", &token)]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(counts(&app).await, (1, 2, 1));
        let row = sqlx::query(
            "SELECT p.code, p.initiated_on, p.initiated_year, d.code, i.due_on FROM projects p
             JOIN pending_items i ON i.project_id = p.id JOIN departments d ON d.id = i.handling_department_id
             JOIN item_types t ON t.id = i.item_type_id WHERE t.code = 'eia'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(row.get::<String, _>(0), "2022-152529-44-01-000701", "normalised code");
        assert_eq!(row.get::<Option<String>, _>(1).as_deref(), Some("2017-04-04"));
        assert_eq!(row.get::<Option<i64>, _>(2), Some(2017));
        assert_eq!(row.get::<String, _>(3), "sthj");
        assert_eq!(row.get::<Option<String>, _>(4), None, "no date yet: none stored");

        // The next file with the same names goes through at once, on the web and as read
        // for the CLI.
        let mut next = unknown_name_rows();
        next[0][1] = "2022-152529-44-01-000702";
        let res = app.upload_ledger(&office, "next.xlsx", &xlsx(&next)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(read(&app, &next).await.errors.is_empty());
    })
    .await;
}

/// The baseline table's filters on a department's page: the rows and the count follow
/// them, the pager keeps them, nothing found says so, and a value that cannot be read
/// is named next to the form (the table shows every row), never a server error.
#[tokio::test]
async fn the_baseline_table_filters_and_keeps_its_filters_in_the_pager() {
    use qidi_core::ledger::BaselineQuery;
    TestApp::on_each_backend(|app| async move {
        app.store.load_demo(&banner()).await.unwrap();
        app.store.load_demo_applications(&banner(), &app.data_dir).await.unwrap();
        let fgw_id = app.store.department_id(&banner(), "fgw").await.unwrap();
        let count = |status: &str| {
            let (app, fgw_id) = (&app, fgw_id.clone());
            let filter = BaselineQuery { status: Some(status.into()), ..Default::default() }.filter().unwrap();
            async move { app.store.baseline_rows_filtered(&banner(), Some(&fgw_id), &filter, 0, 0).await.unwrap().1 }
        };
        let (all, pending, reduced) = (count("all").await, count("pending").await, count("reduced").await);
        assert!(reduced > 0 && pending > 200 && all == pending + reduced, "{all} {pending} {reduced}");
        let head = app.sign_in("fgw_head").await;
        let radios = |body: &str| body.matches("form=\"reduce-item\"").count();

        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("id=\"baseline-filter\"") && page.body.contains("method=\"get\" action=\"#baseline\"")
        );
        assert!(page.body.contains("name=\"handling\""), "an initiating department filters by handling department");
        assert!(page.body.contains(&format!("共 {all} 项基线事项，符合条件的 {all} 项")), "{}", page.body);

        // Reduced rows only: no row to choose for a reduction, one page.
        let page = app.get("/ledger/departments/fgw?status=reduced&sort=name#baseline", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("共 {all} 项基线事项，符合条件的 {reduced} 项")), "{}", page.body);
        assert_eq!(radios(&page.body), 0, "reduced rows are not chosen again");
        assert!(page.body.contains("<option value=\"reduced\" selected>"));
        assert!(page.body.contains("<option value=\"name\" selected>"));

        // Not reduced: every row on the page may be chosen, and the pager keeps the filter.
        let page = app.get("/ledger/departments/fgw?status=pending", Some(&head)).await;
        assert!(page.body.contains(&format!("符合条件的 {pending} 项")), "{}", page.body);
        assert_eq!(radios(&page.body), 200);
        let next = "href=\"?status=pending&#38;baseline_page=2#baseline\"";
        assert!(page.body.contains(next), "the pager keeps the filter: {}", page.body);
        let second = app.get("/ledger/departments/fgw?status=pending&baseline_page=2", Some(&head)).await;
        assert!(second.body.contains("href=\"?status=pending&#38;baseline_page=1#baseline\""), "{}", second.body);
        assert!(second.body.contains(&format!("第 2 / {} 页", pending.div_ceil(200))));

        // An item type and a project's name or code.
        let (types, handlings) = app.store.baseline_choices(&banner(), Some(&fgw_id)).await.unwrap();
        assert!(!types.is_empty() && !handlings.is_empty());
        let (type_id, type_name) = &types[0];
        let filter = BaselineQuery { item_type: Some(type_id.clone()), ..Default::default() }.filter().unwrap();
        let (rows, n) = app.store.baseline_rows_filtered(&banner(), Some(&fgw_id), &filter, 200, 0).await.unwrap();
        let page = app.get(&format!("/ledger/departments/fgw?item_type={type_id}"), Some(&head)).await;
        assert!(page.body.contains(&format!("符合条件的 {n} 项")), "{}", page.body);
        assert!(page.body.contains(&format!("<option value=\"{type_id}\" selected>{type_name}</option>")));
        assert!(rows.iter().all(|r| r.item_type == *type_name));
        let code = rows[0].project_code.clone();
        let page = app.get(&format!("/ledger/departments/fgw?q={code}"), Some(&head)).await;
        assert!(page.body.contains(&code) && !page.body.contains("符合条件的 0 项"), "{}", page.body);

        // Nothing found: said so, with a way back.
        let page = app
            .get("/ledger/departments/fgw?q=%E6%97%A0%E6%AD%A4%E9%A1%B9%E7%9B%AE&source=addition", Some(&head))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("没有符合筛选条件的基线事项。"), "{}", page.body);
        assert!(page.body.contains("符合条件的 0 项") && page.body.contains("清除筛选"));

        // A value that cannot be read: named next to the form, in Chinese, not a 500.
        for (query, message) in [
            ("status=done", "筛选条件有误：状态“done”无效"),
            ("sort=due&status=pending", "筛选条件有误：排序“due”无效"),
            ("source=both", "筛选条件有误：来源“both”无效"),
            ("baseline_page=x", "筛选条件有误：页码“x”无效"),
        ] {
            let page = app.get(&format!("/ledger/departments/fgw?{query}"), Some(&head)).await;
            assert_eq!(page.status, StatusCode::OK, "{query}");
            assert!(page.body.contains(message), "{query}: {}", page.body);
            assert!(page.body.contains(&format!("符合条件的 {all} 项")), "{query}: every row is shown");
            assert!(page.body.contains("href=\"?baseline_page=2#baseline\""), "{query}: the pager drops the bad value");
        }
    })
    .await;
}

#[tokio::test]
async fn a_ledger_refusal_reads_in_the_page_language() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let head = app.sign_in("fgw_head").await;
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // A check report without a person responsible or a deadline: the fields it lacks
        // are named in the page's language.
        let zrzy = app.sign_in("zrzy_handler").await;
        let path = format!("/ledger/items/{}/answer", item_id(&app, P1, "land_pre_review").await);
        let incomplete =
            [("check_result", "已受理"), ("responsible_person", ""), ("acceptance_status", "已受理"), ("due_on", "")];
        let zh = app.post_form(&path, Some(&zrzy), &incomplete).await;
        assert_eq!(zh.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(zh.body.contains("请填写：责任人、完成时限"), "{}", zh.body);
        let en = app.post_form(&path, Some(&format!("{zrzy}; qidi_lang=en")), &incomplete).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(en.body.contains("Fill in: Person responsible and Deadline."), "{}", en.body);
        assert!(!en.body.contains("请填写"), "{}", en.body);

        // The deputy banner head may not sign before the department head: the capacity
        // is named by its label.
        let hash = app.get("/api/v1/ledger/departments/fgw", Some(&head)).await.json()["current_hash"]
            .as_str()
            .unwrap()
            .to_string();
        let leader = app.sign_in("leader").await;
        let form = [("capacity", "leader"), ("hash", hash.as_str())];
        let zh = app.post_form("/ledger/departments/fgw/sign", Some(&leader), &form).await;
        assert_eq!(zh.status, StatusCode::CONFLICT);
        assert!(zh.body.contains("须先由“部门主要负责人”签字"), "{}", zh.body);
        let en = app.post_form("/ledger/departments/fgw/sign", Some(&format!("{leader}; qidi_lang=en")), &form).await;
        assert_eq!(en.status, StatusCode::CONFLICT);
        assert!(en.body.contains("“Principal head of the department” must sign off first."), "{}", en.body);
        assert!(!en.body.contains("须先由"), "{}", en.body);
    })
    .await;
}

/// The row `<tr … id="item-{id}">…</tr>` of the department page's answers table.
fn item_row<'a>(body: &'a str, item: &str) -> &'a str {
    let at = body.find(&format!("id=\"item-{item}\"")).unwrap_or_else(|| panic!("row of {item} in {body}"));
    let end = body[at..].find("</tr>").map_or(body.len(), |e| at + e);
    &body[at..end]
}

#[tokio::test]
async fn a_refused_form_on_the_department_page_is_shown_again_where_it_was_filled_in() {
    TestApp::on_each_backend(|app| async move {
        cast(&app).await;
        let head = app.sign_in("fgw_head").await;

        // Nothing in the library yet: no push form, and pushing anyway is refused in place.
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/ledger/departments/fgw/push"), "nothing to push: {}", page.body);
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("id=\"checklists-error\""), "{}", res.body);
        assert!(res.body.contains("没有待批事项"), "{}", res.body);
        assert!(res.body.contains("id=\"checklists\""), "the department page again: {}", res.body);

        import(&app, &ledger_rows(&[])).await;
        let page = app.get("/ledger/departments/fgw", Some(&head)).await;
        assert!(page.body.contains("action=\"/ledger/departments/fgw/push\""), "{}", page.body);
        // 自然资源局 initiates nothing here: its handler sees no push form.
        let zrzy = app.sign_in("zrzy_handler").await;
        let page = app.get("/ledger/departments/zrzy", Some(&zrzy)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/push\""), "{}", page.body);

        // A date out of range: the page again, the date as typed, the sentence above the lists.
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "1922-08-20")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("name=\"due_on\" value=\"1922-08-20\""), "{}", res.body);
        let res = app.post_form("/ledger/departments/fgw/push", Some(&head), &[("due_on", "2022-08-20")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // An answer refused: 422, the sentence in that item's row naming project and item,
        // the four values typed kept in the row's inputs, and nothing stored.
        let land = item_id(&app, P1, "land_pre_review").await;
        let land_name: String = sqlx::query("SELECT name FROM item_types WHERE code = 'land_pre_review'")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        let path = format!("/ledger/items/{land}/answer");
        let typed = [
            ("check_result", "材料待补正，已通知项目单位"),
            ("responsible_person", "王海燕"),
            ("acceptance_status", "待受理"),
            ("due_on", "2202-10-15"),
        ];
        let res = app.post_form(&path, Some(&zrzy), &typed).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let row = item_row(&res.body, &land);
        let error = row.split("class=\"error\"").nth(1).unwrap_or_else(|| panic!("an error in the row: {row}"));
        let error = &error[..error.find("</p>").unwrap()];
        assert!(error.contains(P1), "names the project: {error}");
        assert!(error.contains(&land_name), "names the item: {error}");
        assert!(error.contains("完成时限 2202-10-15 超出合理范围"), "{error}");
        for (name, value) in typed {
            assert!(row.contains(&format!("name=\"{name}\" value=\"{value}\"")), "{name} kept: {row}");
        }
        assert_eq!(res.body.matches("class=\"error\"").count(), 1, "only that row: {}", res.body);
        let stored: Option<String> = sqlx::query("SELECT check_result FROM pending_items WHERE id = $1")
            .bind(&land)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
            .get(0);
        assert_ne!(stored.as_deref(), Some("材料待补正，已通知项目单位"));
        // The English page words it in English around the same values.
        let res = app.post_form(&path, Some(&format!("{zrzy}; qidi_lang=en")), &typed).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(item_row(&res.body, &land).contains("was not saved"), "{}", res.body);
    })
    .await;
}

#[tokio::test]
async fn a_refused_removal_proposal_is_shown_beside_its_form_on_the_department_page() {
    TestApp::on_each_backend(|app| async move {
        let c = cast(&app).await;
        import(&app, &ledger_rows(&[])).await;
        let head = app.sign_in("fgw_head").await;
        // A removal proposal refused from the department page: shown beside its form with
        // the reason and the text kept; from anywhere else, the error page as before.
        fix_baseline(&app, &c).await;
        let p1 = project_id(&app, P1).await;
        let p3 = project_id(&app, P3).await;
        let project = [
            ("kind", "project"),
            ("project_id", p3.as_str()),
            ("reason", "not_going_ahead"),
            ("text", "   "),
            ("back", "fgw"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &project).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("id=\"propose-removal-error\""), "{}", res.body);
        assert!(res.body.contains(&format!("<option value=\"{p3}\" selected>")), "{}", res.body);
        let form_at = res.body.find("id=\"propose-removal\"").unwrap();
        assert!(res.body[form_at..].contains("<option value=\"not_going_ahead\" selected>"), "{}", res.body);
        let elsewhere = [
            ("kind", "project"),
            ("project_id", p3.as_str()),
            ("reason", "not_going_ahead"),
            ("text", "   "),
            ("back", "zrzy"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &elsewhere).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(!res.body.contains("id=\"propose-removal\""), "not a page fgw may not see: {}", res.body);

        let eia = item_id(&app, P1, "eia").await;
        let chosen = format!("{p1}:{eia}");
        let reduce = [
            ("kind", "item"),
            ("item", chosen.as_str()),
            ("reason", "land_saving"),
            ("text", "项目调整选址"),
            ("back", "fgw"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &reduce).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let office = app.sign_in("office").await;
        let removal: String = sqlx::query("SELECT id FROM removals").fetch_one(app.store.pool()).await.unwrap().get(0);
        let res = app
            .post_form(&format!("/ledger/removals/{removal}/decide"), Some(&office), &[("decision", "approved")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        // Reduced already: 409, the sentence beside the reduction form, the text kept.
        let again = [
            ("kind", "item"),
            ("item", chosen.as_str()),
            ("reason", "land_saving"),
            ("text", "再次核减的理由"),
            ("back", "fgw"),
        ];
        let res = app.post_form("/ledger/removals", Some(&head), &again).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert!(res.body.contains("id=\"reduce-item-error\""), "{}", res.body);
        assert!(res.body.contains("该事项已核减"), "{}", res.body);
        let form_at = res.body.find("id=\"reduce-item\"").unwrap();
        assert!(res.body[form_at..].contains("value=\"再次核减的理由\""), "{}", res.body);
        assert!(res.body[form_at..].contains("<option value=\"land_saving\" selected>"), "{}", res.body);
    })
    .await;
}
