//! The message centre and the administrator's channel pages on both backends: a step
//! taken through the JSON API reaches the handler's message centre, the header counts
//! it, it can be read; people choose channels within the administrator's policy;
//! channels are added, refused in Chinese, removed only when confirmed; the send log
//! is for the administrator and the office.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use qidi_core::message::{ChannelKind, ChannelRule, MessageKind};
use qidi_core::Role;
use qidi_store::testing::{banner, test_pending_item, test_user};
use serde_json::json;

#[tokio::test]
async fn a_submission_through_the_api_reaches_the_handlers_message_centre() {
    TestApp::on_each_backend(|app| async move {
        let owner = app.store.owner_id_or_create(&banner(), "锡林能源有限公司").await.unwrap();
        test_user(&app.store, "unit", Role::Applicant, None, Some(&owner), None).await;
        test_user(&app.store, "zrzy_h", Role::Handler, Some("zrzy"), None, Some("h@example.cn")).await;
        test_user(&app.store, "slj_h", Role::Handler, Some("slj"), None, None).await;
        let (_, item) = test_pending_item(&app.store, &owner, 7, "land_pre_review", "zrzy").await;
        let (unit, handler, other) =
            (app.sign_in("unit").await, app.sign_in("zrzy_h").await, app.sign_in("slj_h").await);

        let res = app.post_json("/api/v1/applications", Some(&unit), &json!({ "pending_item_id": item })).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let id = res.json()["application"]["id"].as_str().unwrap().to_string();
        let res = app
            .post_json(
                &format!("/api/v1/applications/{id}/actions"),
                Some(&unit),
                &json!({"action": {"type": "submit", "materials": []}}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);

        let list = app.get("/api/v1/messages?unread=true", Some(&handler)).await.json();
        assert_eq!(list["unread"], 1);
        let m = &list["messages"][0];
        assert_eq!(m["kind"], "new_application");
        assert!(m["subject"].as_str().unwrap().contains("测试项目7"));
        assert_eq!(m["link"], format!("/applications/{id}"));
        assert_eq!(
            app.get("/api/v1/messages", Some(&other)).await.json()["unread"],
            0,
            "another department hears nothing"
        );

        // Every page's header counts it; the centre lists it.
        let home = app.get("/", Some(&handler)).await;
        assert!(home.body.contains(r#"<span class="badge" aria-label="未读消息">1</span>"#), "{}", home.body);
        let centre = app.get("/messages", Some(&handler)).await;
        assert_eq!(centre.status, StatusCode::OK);
        assert!(centre.body.contains("测试项目7") && centre.body.contains("新申请待受理"));

        // Someone else cannot mark it; its owner can.
        let mid = m["id"].as_str().unwrap();
        assert_eq!(
            app.post_json(&format!("/api/v1/messages/{mid}/read"), Some(&other), &json!({})).await.status,
            StatusCode::NOT_FOUND
        );
        let res = app.post_json(&format!("/api/v1/messages/{mid}/read"), Some(&handler), &json!({})).await;
        assert_eq!(res.json()["marked"], 1);
        assert_eq!(app.get("/api/v1/messages?unread=true", Some(&handler)).await.json()["unread"], 0);
        assert!(!app.get("/", Some(&handler)).await.body.contains("class=\"badge\""));
        // Opening a message from the page follows its link.
        app.store.mark_read(&app.store.user_by_username("zrzy_h").await.unwrap().unwrap(), None).await.unwrap();
        let res = app
            .post_form("/messages/read", Some(&handler), &[("id", mid), ("then", &format!("/applications/{id}"))])
            .await;
        assert_eq!(res.location(), Some(format!("/applications/{id}").as_str()));
        let res = app.post_form("/messages/read", Some(&handler), &[("then", "//evil.example/")]).await;
        assert_eq!(res.location(), Some("/messages"), "only paths on this server");
    })
    .await;
}

#[tokio::test]
async fn people_choose_channels_within_the_administrators_policy() {
    TestApp::on_each_backend(|app| async move {
        test_user(&app.store, "zrzy_h", Role::Handler, Some("zrzy"), None, Some("h@example.cn")).await;
        test_user(&app.store, "admin", Role::Admin, None, None, None).await;
        let (handler, admin) = (app.sign_in("zrzy_h").await, app.sign_in("admin").await);
        // Turn email off for light changes only (every other box stays on).
        let mut form: Vec<(String, String)> = Vec::new();
        for k in MessageKind::ALL {
            for c in ChannelKind::PERSONAL {
                if !(k == MessageKind::LightChange && c == ChannelKind::Email) {
                    form.push((format!("{}:{}", k.as_str(), c.as_str()), "on".into()));
                }
            }
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let res = app.post_form("/messages/preferences", Some(&handler), &pairs).await;
        assert_eq!(res.location(), Some("/messages?saved=true"));
        let user = app.store.user_by_username("zrzy_h").await.unwrap().unwrap();
        let prefs = app.store.preferences(&user).await.unwrap();
        let off: Vec<_> = prefs.iter().filter(|p| !p.enabled).map(|p| (p.kind, p.channel)).collect();
        assert_eq!(off, vec![(MessageKind::LightChange, ChannelKind::Email)]);

        // The administrator requires light changes by email: it is back on and locked.
        assert_eq!(app.post_form("/admin/message-policy", Some(&handler), &[]).await.status, StatusCode::NOT_FOUND);
        // and forbids email for new applications.
        let res = app
            .post_form(
                "/admin/message-policy",
                Some(&admin),
                &[
                    ("light_change:email", "required"),
                    ("new_application:email", "forbidden"),
                    ("new_application:in_app", "optional"),
                ],
            )
            .await;
        assert_eq!(res.location(), Some("/admin/channels?saved=true"));
        // The change of configuration is on the record, with its actor and the time's offset.
        let record = app.store.recent_events(200).await.unwrap();
        let policy = record.iter().find(|e| e.action == "message.policy").expect("the policy change is recorded");
        assert_eq!(policy.actor_role.as_deref(), Some("admin"));
        assert!(policy.at.ends_with("+08:00"), "{}", policy.at);
        let prefs = app.store.preferences(&user).await.unwrap();
        let find = |k, c| prefs.iter().find(|p| p.kind == k && p.channel == c).unwrap().clone();
        let light_email = find(MessageKind::LightChange, ChannelKind::Email);
        assert!(light_email.enabled && light_email.rule == ChannelRule::Required);
        let new_email = find(MessageKind::NewApplication, ChannelKind::Email);
        assert!(!new_email.enabled && new_email.rule == ChannelRule::Forbidden);
        assert!(find(MessageKind::NewApplication, ChannelKind::InApp).enabled);
        let err =
            app.store.set_preference(&user, MessageKind::LightChange, ChannelKind::Email, false).await.unwrap_err();
        assert!(err.to_string().contains("不能更改"), "{err}");
        assert!(app.store.set_preference(&user, MessageKind::NewApplication, ChannelKind::Email, true).await.is_err());
        let page = app.get("/messages", Some(&handler)).await.body;
        assert!(page.contains("必收") && page.contains("不发送"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn the_administrator_configures_channels_and_reads_the_send_log() {
    TestApp::on_each_backend(|app| async move {
        test_user(&app.store, "admin", Role::Admin, None, None, None).await;
        test_user(&app.store, "office", Role::Office, None, None, None).await;
        test_user(&app.store, "zrzy_h", Role::Handler, Some("zrzy"), None, None).await;
        let (admin, office, handler) =
            (app.sign_in("admin").await, app.sign_in("office").await, app.sign_in("zrzy_h").await);
        assert_eq!(app.get("/admin/channels", Some(&handler)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/admin/channels", Some(&office)).await.status, StatusCode::NOT_FOUND);
        let page = app.get("/admin/channels", Some(&admin)).await;
        assert!(page.body.contains("尚未配置渠道") && page.body.contains("旗自然资源局"), "{}", page.body);

        let res = app
            .post_form(
                "/admin/channels",
                Some(&admin),
                &[("department", "zrzy"), ("kind", "wecom"), ("target", "qyapi.weixin.qq.com/x")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a refused channel is a 422");
        assert!(res.body.contains("群机器人地址须为 http:// 或 https:// 开头的 Webhook 地址"), "{}", res.body);
        assert!(app.store.list_channels("152529").await.unwrap().is_empty(), "nothing added");

        let res = app
            .post_form(
                "/admin/channels",
                Some(&admin),
                &[
                    ("department", "zrzy"),
                    ("kind", "dingtalk"),
                    ("target", "https://oapi.dingtalk.com/robot/send?access_token=t"),
                    ("secret", "SEC"),
                ],
            )
            .await;
        assert_eq!(res.location(), Some("/admin/channels?added=true"));
        let channels = app.store.list_channels("152529").await.unwrap();
        assert_eq!(channels.len(), 1);
        assert!(channels[0].signed);
        let page = app.get("/admin/channels?added=true", Some(&admin)).await;
        assert!(page.body.contains("钉钉群机器人") && !page.body.contains(">SEC<"), "the secret is never shown");
        let added = app.store.events_for("channel", &channels[0].id).await.unwrap();
        let e = added.iter().find(|e| e.action == "channel.add").expect("the new channel is on the record");
        assert_eq!(e.actor_role.as_deref(), Some("admin"));
        assert!(!e.payload.contains("SEC"), "nor is the secret on the record: {}", e.payload);

        // Removing needs the confirmation box.
        let id = channels[0].id.clone();
        let res = app.post_form(&format!("/admin/channels/{id}/remove"), Some(&admin), &[]).await;
        assert!(res.body.contains("请勾选“确认删除”"));
        assert_eq!(app.store.list_channels("152529").await.unwrap().len(), 1);
        let res = app.post_form(&format!("/admin/channels/{id}/remove"), Some(&admin), &[("confirm", "yes")]).await;
        assert_eq!(res.location(), Some("/admin/channels?removed=true"));
        assert!(app.store.list_channels("152529").await.unwrap().is_empty());

        assert_eq!(app.get("/admin/send-log", Some(&handler)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/admin/send-log", Some(&office)).await.status, StatusCode::OK);
        assert!(app.get("/admin/send-log", Some(&admin)).await.body.contains("消息发送记录"));
    })
    .await;
}

#[tokio::test]
async fn a_person_is_told_in_their_own_language_and_a_group_channel_in_chinese() {
    TestApp::on_each_backend(|app| async move {
        use sqlx::Row;
        let owner = app.store.owner_id_or_create(&banner(), "锡林能源有限公司").await.unwrap();
        test_user(&app.store, "unit", Role::Applicant, None, Some(&owner), None).await;
        test_user(&app.store, "zh_h", Role::Handler, Some("zrzy"), None, Some("zh@example.cn")).await;
        test_user(&app.store, "en_h", Role::Handler, Some("zrzy"), None, Some("en@example.cn")).await;
        let english = app.store.user_by_username("en_h").await.unwrap().unwrap();
        app.store.set_language(&english.id, Some("en")).await.unwrap();
        app.store.add_channel(&banner(), "zrzy", ChannelKind::Email, "zrzy@example.cn", None, None).await.unwrap();
        let (_, item) = test_pending_item(&app.store, &owner, 7, "land_pre_review", "zrzy").await;
        let unit = app.sign_in("unit").await;
        let res = app.post_json("/api/v1/applications", Some(&unit), &json!({ "pending_item_id": item })).await;
        let id = res.json()["application"]["id"].as_str().unwrap().to_string();
        let submit = json!({"action": {"type": "submit", "materials": []}});
        let res = app.post_json(&format!("/api/v1/applications/{id}/actions"), Some(&unit), &submit).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);

        // In the message centre: each in their own language; the data (names) as it is.
        let zh = app.get("/api/v1/messages", Some(&app.sign_in("zh_h").await)).await.json();
        let en = app.get("/api/v1/messages", Some(&app.sign_in("en_h").await)).await.json();
        let (zh, en) = (&zh["messages"][0], &en["messages"][0]);
        assert!(zh["subject"].as_str().unwrap().starts_with("【待受理】测试项目7"), "{zh}");
        assert!(zh["body"].as_str().unwrap().contains("情况：项目单位提交了申请"), "{zh}");
        assert!(en["subject"].as_str().unwrap().starts_with("[To accept] 测试项目7"), "{en}");
        let body = en["body"].as_str().unwrap();
        assert!(body.contains("What happened: The project unit submitted an application"), "{body}");
        assert!(!body.contains("情况") && !body.contains("查看"), "no Chinese words in English: {body}");

        // Their e-mails likewise; the department's shared mailbox in Chinese.
        let rows = sqlx::query(
            "SELECT COALESCE(u.username, 'mailbox'), o.subject, o.body_html FROM outbox o
             LEFT JOIN users u ON u.id = o.user_id WHERE o.channel_kind = 'email' ORDER BY 1",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        let mail: Vec<(String, String, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
        let who: Vec<&str> = mail.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(who, ["en_h", "mailbox", "zh_h"]);
        assert!(mail[0].1.starts_with("[To accept]") && mail[0].2.contains(">View</a>"), "{:?}", mail[0]);
        assert!(mail[1].1.starts_with("【待受理】") && mail[1].2.contains(">查看</a>"), "{:?}", mail[1]);
        assert!(mail[2].1.starts_with("【待受理】"), "{:?}", mail[2]);
    })
    .await;
}
