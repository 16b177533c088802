//! Ledger uploads on the pages: row errors, dry runs and confirmation, expiry, unknown names, and the export.

use crate::common::{banner, ledger_xlsx as xlsx, TestApp};
use crate::{cast, counts, error_rows, get_bytes, item_id, ledger_rows, read, region, P1, P2, P3};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use qidi_office::{read_ledger_bytes, ImportOptions};
use sqlx::Row;
use tower::ServiceExt;

fn skip_invalid() -> qidi_store::ledger_import::ImportMode {
    qidi_store::ledger_import::ImportMode { dry_run: false, skip_invalid: true }
}

fn hidden(body: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = body.find(&needle).unwrap_or_else(|| panic!("no hidden {name} in {body}")) + needle.len();
    body[i..].split('"').next().unwrap().to_string()
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
