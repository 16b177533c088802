//! The store on both backends: migrations, the append-only record, the demo banner,
//! scoping, sign-in.

use qidi_core::role::ScopeLimit;
use qidi_core::{RegionCode, Role};
use qidi_store::testing::on_each_backend;
use qidi_store::users::{LoginFailure, NewUser};
use qidi_store::Store;

fn banner() -> RegionCode {
    RegionCode::parse("152529").unwrap()
}

#[tokio::test]
async fn migrations_are_idempotent_and_seed_is_repeatable() {
    on_each_backend(|store| async move {
        store.migrate().await.expect("second migrate is a no-op");
        store.seed_catalogue(&banner()).await.unwrap();
        store.seed_catalogue(&banner()).await.unwrap();
        let n: i64 =
            sqlx::Row::get(&sqlx::query("SELECT COUNT(*) FROM item_types").fetch_one(store.pool()).await.unwrap(), 0);
        assert_eq!(n, qidi_core::catalogue::ITEM_TYPES.len() as i64);
    })
    .await;
}

#[tokio::test]
async fn events_cannot_be_changed_or_deleted() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let id = store
            .append_event(&qidi_store::events::NewEvent {
                region_code: "152529".into(),
                action: "test.event".into(),
                object_type: "test".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let upd =
            sqlx::query("UPDATE events SET action = 'forged' WHERE id = $1").bind(&id).execute(store.pool()).await;
        assert!(upd.is_err(), "UPDATE on events must be refused");
        let del = sqlx::query("DELETE FROM events WHERE id = $1").bind(&id).execute(store.pool()).await;
        assert!(del.is_err(), "DELETE on events must be refused");
        let n: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'test.event'")
                .fetch_one(store.pool())
                .await
                .unwrap(),
            0,
        );
        assert_eq!(n, 1);
    })
    .await;
}

#[tokio::test]
async fn demo_loads_once_and_departments_see_only_their_items() {
    on_each_backend(|store| async move {
        let accounts = store.load_demo(&banner()).await.unwrap();
        assert_eq!(
            accounts.len(),
            15,
            "one account per demo role, a head per initiating department, a handler per handling department"
        );
        assert!(store.load_demo(&banner()).await.unwrap().is_empty(), "second load adds nothing");

        let office = store.user_by_username("office").await.unwrap().unwrap();
        let all = store.ledger_summary(&office.scope()).await.unwrap();
        assert_eq!(all.projects, 465);
        assert!(all.pending_items >= 465);

        let handler = store.user_by_username("zrzy_handler").await.unwrap().unwrap();
        assert_eq!(handler.role, Role::Handler);
        let ScopeLimit::Department(dept) = handler.scope().limit else { panic!("handler scope") };
        let items = store.list_pending_items(&handler.scope(), 10_000).await.unwrap();
        assert!(!items.is_empty());
        assert!(items.iter().all(|i| i.handling_department_id == dept), "a handler sees only its department's items");
        let other = store.user_by_username("slj_handler").await.unwrap().unwrap();
        let other_items = store.list_pending_items(&other.scope(), 10_000).await.unwrap();
        assert!(other_items.iter().all(|i| i.handling_department_id != dept));
        let s = store.ledger_summary(&handler.scope()).await.unwrap();
        assert_eq!(s.by_department.len(), 1);
        assert_eq!(s.pending_items, items.len() as i64);
        assert!(s.pending_items < all.pending_items);

        // A project with no item of the handler's department is invisible to it.
        let hidden = other_items
            .iter()
            .find(|i| !items.iter().any(|m| m.project_id == i.project_id))
            .expect("some project only 水利 handles");
        assert!(store.project_in_scope(&handler.scope(), &hidden.project_id).await.unwrap().is_none());
        assert!(store.project_in_scope(&office.scope(), &hidden.project_id).await.unwrap().is_some());

        let applicant = store.user_by_username("applicant").await.unwrap().unwrap();
        let mine = store.list_projects(&applicant.scope(), 1000, 0).await.unwrap();
        assert!(!mine.is_empty() && mine.len() < 465);
        assert!(mine.iter().all(|p| p.owner.as_deref() == applicant.owner_name.as_deref()));

        // A league account sees the banner's rows; another banner's account does not.
        let league_scope =
            qidi_core::Scope::for_user(Role::Inspector, &RegionCode::parse("152500").unwrap(), None, None);
        assert_eq!(store.ledger_summary(&league_scope).await.unwrap().projects, 465);
        let other_banner = qidi_core::Scope::for_user(Role::Office, &RegionCode::parse("152530").unwrap(), None, None);
        assert_eq!(store.ledger_summary(&other_banner).await.unwrap().projects, 0);
    })
    .await;
}

/// The project page reads its project and the items in scope in one query: the same as the
/// project's and its items' own queries give, in every scope, items in their order.
#[tokio::test]
async fn a_project_page_reads_its_project_and_its_items_in_scope_at_once() {
    on_each_backend(|store| async move {
        store.load_demo(&banner()).await.unwrap();
        let office = store.user_by_username("office").await.unwrap().unwrap();
        let projects = store.list_projects(&office.scope(), 1000, 0).await.unwrap();
        assert_eq!(projects.len(), 465);
        // The rows compared whole (they do not implement `PartialEq`).
        fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
            serde_json::to_value(v).unwrap()
        }
        let mut office_items = std::collections::HashMap::new();
        for username in ["office", "zrzy_handler", "fgw_head", "applicant"] {
            let scope = store.user_by_username(username).await.unwrap().unwrap().scope();
            // Every item of the scope, in the ledger's order: a project's are its own, in order.
            let scope_items = store.list_pending_items(&scope, 100_000).await.unwrap();
            let (mut seen, mut in_part) = (0, 0);
            for p in projects.iter().step_by(3) {
                let page = store.project_page(&scope, &p.id).await.unwrap();
                let project = store.project_in_scope(&scope, &p.id).await.unwrap();
                assert_eq!(page.is_some(), project.is_some(), "{username} sees {} on both or neither", p.code);
                let (Some(page), Some(project)) = (page, project) else { continue };
                seen += 1;
                let items: Vec<_> = scope_items.iter().filter(|i| i.project_id == p.id).collect();
                assert!(!page.open_orders, "the demo issues no order");
                assert_eq!(json(&page.project), json(&project), "{username}: {}", p.code);
                assert_eq!(json(&page.items), json(&items), "{username}: {}'s items", p.code);
                let all = *office_items.entry(p.id.clone()).or_insert(items.len());
                in_part += usize::from(items.len() < all);
            }
            assert!(seen > 0, "{username} sees some projects");
            if username == "zrzy_handler" {
                assert!(in_part > 0, "a handler sees only its own items of a project");
            }
        }

        // A project without items: its row, no items.
        let bare = qidi_store::new_id();
        sqlx::query(
            "INSERT INTO projects (id, region_code, code, name, stage, in_library, created_at, updated_at)
             VALUES ($1, '152529', '2026-152529-44-01-999999', '无事项的项目', 'not_started', TRUE, '2026-01-05', '2026-01-05')",
        )
        .bind(&bare)
        .execute(store.pool())
        .await
        .unwrap();
        let page = store.project_page(&office.scope(), &bare).await.unwrap().expect("the office sees it");
        assert_eq!((page.project.name.as_str(), page.items.len()), ("无事项的项目", 0));
        assert!(store.project_page(&office.scope(), "no-such-project").await.unwrap().is_none());
    })
    .await;
}

async fn make_user(store: &Store, name: &str, password: &str) {
    store.seed_catalogue(&banner()).await.unwrap();
    store
        .create_user(
            &NewUser {
                region: &banner(),
                username: name,
                display_name: name,
                role: Role::Office,
                department_id: None,
                owner_id: None,
                password,
            },
            None,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn sign_in_sessions_and_lockout() {
    on_each_backend(|store| async move {
        make_user(&store, "wang", "Ledger-2026-ok").await;
        assert!(store
            .create_user(
                &NewUser {
                    region: &banner(),
                    username: "wang",
                    display_name: "x",
                    role: Role::Office,
                    department_id: None,
                    owner_id: None,
                    password: "Ledger-2026-ok"
                },
                None
            )
            .await
            .unwrap_err()
            .is_unique_violation());
        let weak = store
            .create_user(
                &NewUser {
                    region: &banner(),
                    username: "li",
                    display_name: "x",
                    role: Role::Office,
                    department_id: None,
                    owner_id: None,
                    password: "short",
                },
                None,
            )
            .await;
        assert!(weak.is_err(), "weak password refused");
        let no_dept = store
            .create_user(
                &NewUser {
                    region: &banner(),
                    username: "li",
                    display_name: "x",
                    role: Role::Handler,
                    department_id: None,
                    owner_id: None,
                    password: "Ledger-2026-ok",
                },
                None,
            )
            .await;
        assert!(no_dept.is_err(), "handler without department refused");

        assert_eq!(
            store.login("nobody", "Ledger-2026-ok", None).await.unwrap().unwrap_err(),
            LoginFailure::BadCredentials
        );
        let (user, token) = store.login("wang", "Ledger-2026-ok", None).await.unwrap().unwrap();
        assert_eq!(store.session_user(&token).await.unwrap().unwrap().id, user.id);
        assert!(store.session_user("forged").await.unwrap().is_none());
        store.logout(&token, &user).await.unwrap();
        assert!(store.session_user(&token).await.unwrap().is_none(), "logout ends the session");

        for i in 0..5 {
            assert_eq!(
                store.login("wang", "wrong", None).await.unwrap().unwrap_err(),
                LoginFailure::BadCredentials,
                "failure {i}"
            );
        }
        assert_eq!(
            store.login("wang", "wrong", None).await.unwrap().unwrap_err(),
            LoginFailure::Locked,
            "6th failure locks"
        );
        assert_eq!(
            store.login("wang", "Ledger-2026-ok", None).await.unwrap().unwrap_err(),
            LoginFailure::Locked,
            "locked refuses the right password"
        );
        let locks: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM events WHERE action = 'auth.lockout'")
                .fetch_one(store.pool())
                .await
                .unwrap(),
            0,
        );
        assert_eq!(locks, 1, "the lock is audited");

        let (_, token) = {
            store.set_password("wang", "Another-2026-pw", false).await.unwrap();
            store.login("wang", "Another-2026-pw", None).await.unwrap().unwrap()
        };
        store.set_disabled("wang", true).await.unwrap();
        assert!(store.session_user(&token).await.unwrap().is_none(), "disabling ends sessions");
        let sessions: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
                .bind(&user.id)
                .fetch_one(store.pool())
                .await
                .unwrap(),
            0,
        );
        assert_eq!(sessions, 0, "disabling deletes the sessions, not only hides them");
        let account: Vec<String> =
            store.events_for("user", &user.id).await.unwrap().into_iter().map(|e| e.action).collect();
        for action in ["user.create", "user.password", "user.disable"] {
            assert!(account.iter().any(|a| a == action), "{action} is on the record: {account:?}");
        }
        assert_eq!(store.login("wang", "Another-2026-pw", None).await.unwrap().unwrap_err(), LoginFailure::Disabled);
    })
    .await;
}

/// Set a session's start and last use back by the given minutes.
async fn age_session(store: &Store, user_id: &str, started_minutes_ago: i64, seen_minutes_ago: i64) {
    let at = |m: i64| qidi_store::timestamp_text(qidi_store::now() - chrono::Duration::minutes(m));
    sqlx::query("UPDATE sessions SET created_at = $1, last_seen_at = $2 WHERE user_id = $3")
        .bind(at(started_minutes_ago))
        .bind(at(seen_minutes_ago))
        .bind(user_id)
        .execute(store.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn sessions_end_after_30_idle_minutes_or_12_hours_and_every_sign_in_is_a_new_token() {
    on_each_backend(|store| async move {
        make_user(&store, "wang", "Ledger-2026-ok").await;
        let user = store.user_by_username("wang").await.unwrap().unwrap();
        let (_, first) = store.login("wang", "Ledger-2026-ok", None).await.unwrap().unwrap();
        let (_, second) = store.login("wang", "Ledger-2026-ok", None).await.unwrap().unwrap();
        assert_ne!(first, second, "each sign-in makes its own token");
        assert!(first.len() >= 32 && second.len() >= 32);
        store.logout(&first, &user).await.unwrap();
        assert!(store.session_user(&first).await.unwrap().is_none());

        // 29 idle minutes: live. 31: gone, and deleted, not only hidden.
        age_session(&store, &user.id, 29, 29).await;
        assert!(store.session_user(&second).await.unwrap().is_some());
        age_session(&store, &user.id, 31, 31).await;
        assert!(store.session_user(&second).await.unwrap().is_none(), "30 idle minutes end a session");
        let left: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
                .bind(&user.id)
                .fetch_one(store.pool())
                .await
                .unwrap(),
            0,
        );
        assert_eq!(left, 0);

        // In use a minute ago, but begun 12 hours back: gone all the same.
        let (_, third) = store.login("wang", "Ledger-2026-ok", None).await.unwrap().unwrap();
        age_session(&store, &user.id, 11 * 60 + 59, 1).await;
        assert!(store.session_user(&third).await.unwrap().is_some());
        age_session(&store, &user.id, 12 * 60 + 1, 1).await;
        assert!(store.session_user(&third).await.unwrap().is_none(), "12 hours end any session");
    })
    .await;
}

#[tokio::test]
async fn no_two_installs_share_a_password_and_each_must_be_changed() {
    // Two fresh installs of the demo, as two banners would make them.
    let (da, db) = (qidi_store::testing::fresh_sqlite_database(), qidi_store::testing::fresh_sqlite_database());
    let (a, b) = (qidi_store::testing::migrated_store(&da).await, qidi_store::testing::migrated_store(&db).await);
    let first = a.load_demo(&banner()).await.unwrap();
    let second = b.load_demo(&banner()).await.unwrap();
    let mut seen = std::collections::HashSet::new();
    for acc in first.iter().chain(&second) {
        assert!(seen.insert(acc.password.clone()), "{} shares a password", acc.username);
        assert!(qidi_core::auth::check_password(&acc.username, &acc.password).is_ok(), "{}", acc.username);
    }
    assert_eq!(seen.len(), 30);
    for acc in &first {
        assert!(a.user_by_username(&acc.username).await.unwrap().unwrap().must_change_password, "{}", acc.username);
    }
}

#[tokio::test]
async fn a_long_password_is_checked_to_its_last_character() {
    on_each_backend(|store| async move {
        // 100 characters; another that differs only in the last one must not sign in.
        let long = format!("Ledger-2026-{}", "x".repeat(87)) + "A";
        assert_eq!(long.chars().count(), 100);
        make_user(&store, "wang", &long).await;
        let almost = format!("{}B", &long[..99]);
        assert_eq!(store.login("wang", &almost, None).await.unwrap().unwrap_err(), LoginFailure::BadCredentials);
        assert!(store.login("wang", &long, None).await.unwrap().is_ok());
    })
    .await;
}

#[tokio::test]
async fn bad_urls_and_corrupt_files_are_reported() {
    assert!(matches!(Store::connect("mysql://x").await, Err(qidi_store::StoreError::BadUrl(_))));
    let err = Store::connect("postgres://u:secret@127.0.0.1:1/db").await.err().expect("unreachable");
    let msg = err.to_string();
    assert!(!msg.contains("secret"), "password must not be printed: {msg}");
    let dir = std::env::temp_dir().join(format!("qidi-corrupt-{}", qidi_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("qidi.db");
    let junk = b"this is not a database, but someone's notes".repeat(200);
    std::fs::write(&file, &junk).unwrap();
    let res = async {
        let s = Store::connect(&format!("sqlite://{}", file.display())).await?;
        s.migrate().await
    }
    .await;
    assert!(res.is_err(), "a corrupt file must be refused");
    assert_eq!(std::fs::read(&file).unwrap(), junk, "and left untouched");
}

/// The pool checks a connection before use only once it has sat idle, not on every
/// query. A PostgreSQL connection that the server ended while idle (a restart, a
/// firewall's cut) must still never reach a request: the next read is answered.
#[tokio::test]
async fn a_connection_the_server_ended_while_idle_is_replaced() {
    use sqlx::Connection;
    // SQLite's connections live in this process; no server can end them.
    let Some(url) = qidi_store::testing::fresh_postgres_url().await else { return };
    let store = qidi_store::testing::migrated_store(&url).await;
    let count = || sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM projects").fetch_one(store.pool());
    assert_eq!(count().await.expect("read before"), 0);
    let database = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    let base = std::env::var(qidi_store::testing::TEST_DATABASE_ENV).unwrap();
    let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
    let ended: Vec<bool> =
        sqlx::query_scalar("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&database)
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert!(!ended.is_empty() && ended.iter().all(|e| *e), "the pool's connections were ended: {ended:?}");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(count().await.expect("read after the server ended the idle connections"), 0);
    store.close().await;
    let _ = admin.close().await;
    qidi_store::testing::discard(&url).await;
}

#[tokio::test]
async fn calendar_is_seeded_once_and_matches_the_shipped_one() {
    on_each_backend(|store| async move {
        let cal = store.work_calendar().await.unwrap();
        store.seed_calendar().await.unwrap();
        let again = store.work_calendar().await.unwrap();
        let shipped = qidi_core::calendar::WorkCalendar::shipped();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 2022-09-29 + 5 working days skips the National Day week.
        assert_eq!(cal.add_working_days(d("2022-09-29"), 5), d("2022-10-11"));
        // 2023-01-29 was a make-up Sunday.
        assert_eq!(again.add_working_days(d("2023-01-19"), 3), d("2023-01-29"));
        for (from, n) in [("2016-01-01", 300), ("2020-01-20", 40), ("2025-09-25", 12)] {
            assert_eq!(cal.add_working_days(d(from), n), shipped.add_working_days(d(from), n));
        }
        let years: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM calendar_years").fetch_one(store.pool()).await.unwrap(),
            0,
        );
        assert_eq!(years, 11);
    })
    .await;
}

#[tokio::test]
async fn demo_applications_light_lamps_and_reduce_the_signed_baseline() {
    on_each_backend(|store| async move {
        store.load_demo(&banner()).await.unwrap();
        let dir = std::env::temp_dir().join(format!("qidi-demo-{}", qidi_store::new_id()));
        let made = store.load_demo_applications(&banner(), &dir).await.unwrap();
        assert!(made >= 10, "the demo unit's items become applications: {made}");
        assert_eq!(store.load_demo_applications(&banner(), &dir).await.unwrap(), 0, "only once");
        let count = |sql: &'static str| {
            let store = store.clone();
            async move { sqlx::Row::get::<i64, _>(&sqlx::query(sql).fetch_one(store.pool()).await.unwrap(), 0) }
        };
        let approved = count("SELECT COUNT(*) FROM applications WHERE state = 'approved'").await;
        assert!(approved > 0);
        assert_eq!(count("SELECT COUNT(*) FROM pending_items WHERE status = 'granted'").await, approved);
        assert_eq!(
            count("SELECT COUNT(*) FROM baseline_items WHERE reduction = 'approved'").await,
            approved,
            "each approval reduces the signed baseline by one"
        );
        let today = qidi_store::today().format("%Y-%m-%d").to_string();
        let red: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM applications WHERE due_on < $1")
                .bind(&today)
                .fetch_one(store.pool())
                .await
                .unwrap(),
            0,
        );
        assert!(red > 0, "some demo applications are overdue");
    })
    .await;
}

/// The conditional UPDATE that counts a sign-in attempt does what core's
/// `LockoutPolicy::admit` says, case by case.
#[tokio::test]
async fn attempt_counting_follows_the_core_rule() {
    use chrono::{DateTime, Duration, FixedOffset};
    use qidi_core::auth::{Admission, AttemptCount, LockoutPolicy};
    on_each_backend(|store| async move {
        let wang = qidi_store::testing::office_account(&store, "wang", "Ledger-2026-ok").await;
        let policy = LockoutPolicy::default();
        let now: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(&qidi_store::now_text()).unwrap();
        let text = |t: DateTime<FixedOffset>| qidi_store::timestamp_text(t.with_timezone(&chrono::Utc));
        let ago = |m: i64| Some(now - Duration::minutes(m));
        let cases = [
            AttemptCount { attempts: 0, first_at: None, locked_until: None },
            AttemptCount { attempts: 4, first_at: ago(3), locked_until: None },
            AttemptCount { attempts: 5, first_at: ago(3), locked_until: None },
            AttemptCount { attempts: 6, first_at: ago(3), locked_until: None },
            AttemptCount { attempts: 6, first_at: ago(20), locked_until: None },
            AttemptCount { attempts: 2, first_at: ago(3), locked_until: Some(now + Duration::minutes(10)) },
            AttemptCount { attempts: 6, first_at: ago(40), locked_until: ago(5) },
        ];
        for case in cases {
            sqlx::query("UPDATE users SET failed_logins = $1, first_failed_at = $2, locked_until = $3 WHERE id = $4")
                .bind(i64::from(case.attempts))
                .bind(case.first_at.map(text))
                .bind(case.locked_until.map(text))
                .bind(&wang.id)
                .execute(store.pool())
                .await
                .unwrap();
            let expected = policy.admit(now, &case);
            store.login("wang", "Wrong-2026-pw", None).await.unwrap().unwrap_err();
            let row = sqlx::query("SELECT failed_logins, first_failed_at FROM users WHERE id = $1")
                .bind(&wang.id)
                .fetch_one(store.pool())
                .await
                .unwrap();
            let attempts: i64 = sqlx::Row::get(&row, 0);
            let first: Option<String> = sqlx::Row::get(&row, 1);
            match expected {
                Admission::Refused => {
                    assert_eq!(attempts, i64::from(case.attempts), "{case:?}: refused, not counted");
                    assert_eq!(first, case.first_at.map(text), "{case:?}");
                }
                Admission::Check(c) => {
                    assert_eq!(attempts, i64::from(c.attempts), "{case:?}");
                    match case.first_at.filter(|f| *f >= policy.window_start(now)) {
                        // The window goes on from the same first attempt.
                        Some(f) => assert_eq!(first, Some(text(f)), "{case:?}"),
                        // A new window starts with this attempt (stored a moment after `now`).
                        None => {
                            assert!(first.as_deref().is_some_and(|f| f >= text(now).as_str()), "{case:?}: {first:?}")
                        }
                    }
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn under_the_mlps_profile_passwords_are_not_reused_and_age() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let first = "Ledger-2026-p0";
        let user = qidi_store::testing::office_account(&store, "wang", first).await;
        let standard = store.clone();
        let mlps = store.with_password_age(qidi_core::auth::PasswordAgePolicy::MLPS);
        let set = |n: usize| format!("Ledger-2026-p{n}");
        // Standard profile: setting the same password again is allowed.
        standard.set_password("wang", first, false).await.unwrap();
        for n in 1..=5 {
            mlps.set_password("wang", &set(n), false).await.unwrap();
        }
        // The current one and the four before it may not come back; the sixth back may.
        for n in 1..=5 {
            match mlps.set_password("wang", &set(n), false).await {
                Err(qidi_store::StoreError::Invalid(m)) => assert!(m.contains("最近 5 次"), "{m}"),
                other => panic!("p{n} was reused: {other:?}"),
            }
        }
        mlps.set_password("wang", first, false).await.expect("six passwords back is allowed");

        // A password 90 days old must be changed at the next sign-in; a newer one not.
        let (fresh, _) = mlps.login("wang", first, None).await.unwrap().unwrap();
        assert!(!fresh.must_change_password);
        let old = qidi_store::timestamp_text(qidi_store::now() - chrono::Duration::days(90));
        sqlx::query("UPDATE users SET password_set_at = $1 WHERE id = $2")
            .bind(&old)
            .bind(&user.id)
            .execute(mlps.pool())
            .await
            .unwrap();
        let (at_standard, _) = standard.login("wang", first, None).await.unwrap().unwrap();
        assert!(!at_standard.must_change_password, "passwords do not age in the standard profile");
        let (aged, _) = mlps.login("wang", first, None).await.unwrap().unwrap();
        assert!(aged.must_change_password, "90 days old: it must be changed");
        mlps.set_password("wang", "Ledger-2026-p7", false).await.unwrap();
        let (changed, _) = mlps.login("wang", "Ledger-2026-p7", None).await.unwrap().unwrap();
        assert!(!changed.must_change_password);
    })
    .await;
}

/// A transaction PostgreSQL gives up to end a deadlock is a refusal that says to try
/// again (nothing of it was written), not a database error, and not "someone else got
/// there first".
#[tokio::test]
async fn a_transaction_given_up_for_a_deadlock_is_told_to_try_again() {
    let Some(url) = qidi_store::testing::fresh_postgres_url().await else { return };
    let store = qidi_store::testing::migrated_store(&url).await;
    let (mut a, mut b) = (store.pool().begin().await.unwrap(), store.pool().begin().await.unwrap());
    let lock = |key: i64| sqlx::query("SELECT pg_advisory_xact_lock($1)::text").bind(key);
    lock(1).execute(&mut *a).await.unwrap();
    lock(2).execute(&mut *b).await.unwrap();
    // Each now waits for the other; PostgreSQL gives one of them up.
    let first = tokio::spawn(async move {
        let r = lock(2).execute(&mut *a).await.map(|_| ());
        (r, a)
    });
    let second = lock(1).execute(&mut *b).await.map(|_| ());
    let (first, a) = first.await.unwrap();
    let given_up = match (first, second) {
        (Err(e), Ok(())) | (Ok(()), Err(e)) => qidi_store::StoreError::from(e),
        other => panic!("exactly one is given up: {other:?}"),
    };
    assert!(
        matches!(&given_up, qidi_store::StoreError::Conflict(s) if s.key == Some("err-given-up-for-another") && s.text.contains("再试")),
        "{given_up:?}"
    );
    assert!(!given_up.is_unique_violation());
    drop((a, b));
    store.close().await;
    qidi_store::testing::discard(&url).await;
}

#[tokio::test]
async fn a_projects_page_reads_its_own_regions_item_types() {
    on_each_backend(|store| async move {
        let other = RegionCode::parse("152530").unwrap();
        store.seed_catalogue(&banner()).await.unwrap();
        store.seed_catalogue(&other).await.unwrap();
        for region in [banner(), other] {
            let types = store.item_types_of_region(region.as_str()).await.unwrap();
            assert!(!types.is_empty(), "{region:?} has its catalogue");
            assert!(types.iter().all(|t| t.region_code == region.as_str()), "only {region:?}'s types");
            assert!(types.windows(2).all(|w| w[0].code < w[1].code), "by code");
        }
        assert!(store.item_types_of_region("152599").await.unwrap().is_empty());
    })
    .await;
}

/// The project page offers the item types still to be added from memory while
/// `item_types_version` holds; any change of the types, or of a department's name they
/// show, moves it, and nothing else does.
#[tokio::test]
async fn a_project_pages_item_types_are_read_again_only_when_they_changed() {
    on_each_backend(|store| async move {
        store.seed_catalogue(&banner()).await.unwrap();
        let region = banner();
        let region = region.as_str();
        let version = || {
            let store = store.clone();
            async move {
                sqlx::Row::get::<i64, _>(
                    &sqlx::query("SELECT version FROM item_types_version").fetch_one(store.pool()).await.unwrap(),
                    0,
                )
            }
        };
        let first_name = |version: i64| {
            let store = store.clone();
            async move { store.item_types_of_region_at(region, version).await.unwrap()[0].name.clone() }
        };
        let v1 = version().await;
        let types = store.item_types_of_region_at(region, v1).await.unwrap();
        let (id, name, department) = (types[0].id.clone(), types[0].name.clone(), types[0].department_id.clone());
        assert_eq!(types.len(), store.item_types_of_region(region).await.unwrap().len());

        // A change made by plain SQL, as another server or a command would make it.
        sqlx::query("UPDATE item_types SET name = '改名后的事项' WHERE id = $1")
            .bind(&id)
            .execute(store.pool())
            .await
            .unwrap();
        let v2 = version().await;
        assert!(v2 > v1, "a change of an item type moves the version");
        assert_eq!(first_name(v1).await, name, "at the version read before, from memory");
        assert_eq!(first_name(v2).await, "改名后的事项", "at the new version, read again");

        sqlx::query("UPDATE departments SET name = '改名后的部门' WHERE id = $1")
            .bind(&department)
            .execute(store.pool())
            .await
            .unwrap();
        let v3 = version().await;
        assert!(v3 > v2, "a department's new name moves it");
        assert_eq!(store.item_types_of_region_at(region, v3).await.unwrap()[0].department, "改名后的部门");

        // A project and its pending item are no change of the catalogue.
        let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
        qidi_store::testing::test_pending_item(&store, &owner, 7, "eia", "sthj").await;
        assert_eq!(version().await, v3);
    })
    .await;
}
