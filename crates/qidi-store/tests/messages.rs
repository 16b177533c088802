//! Messages on both backends: a step tells its people in its own transaction, the
//! daily light run announces each light change once per person and channel on the
//! right morning (a month across the Labour Day holiday and its make-up Saturday),
//! and two instances never write or claim a message twice.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use qidi_core::calendar::WorkCalendar;
use qidi_core::message::{due_run, ChannelKind};
use qidi_core::workflow::Action;
use qidi_core::Role;
use qidi_store::testing::{banner, fresh_database_urls, migrated_store, on_each_backend, test_pending_item, test_user};
use qidi_store::users::User;
use qidi_store::workflow::ActRequest;
use qidi_store::Store;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

fn at(d: NaiveDate) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&d.and_hms_opt(10, 0, 0).unwrap()).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn req(action: Action) -> ActRequest {
    ActRequest { action, client_token: None, expected_version: None, reason: None }
}

struct People {
    unit: User,
    handler: User,
    /// A second handler of the department who never acts.
    idle_handler: User,
    head: User,
    office: User,
    owner: String,
}

async fn people(store: &Store) -> People {
    store.seed_catalogue(&banner()).await.unwrap();
    let owner = store.owner_id_or_create(&banner(), "白旗绿野能源有限公司").await.unwrap();
    People {
        unit: test_user(store, "unit", Role::Applicant, None, Some(&owner), Some("unit@example.cn")).await,
        handler: test_user(store, "zrzy_h", Role::Handler, Some("zrzy"), None, Some("h@example.cn")).await,
        idle_handler: test_user(store, "zrzy_h2", Role::Handler, Some("zrzy"), None, None).await,
        head: test_user(store, "zrzy_head", Role::DepartmentHead, Some("zrzy"), None, Some("head@example.cn")).await,
        office: test_user(store, "office", Role::Office, None, None, Some("office@example.cn")).await,
        owner,
    }
}

/// (dedup key, kind) of every in-app message and outbox row.
async fn written(store: &Store) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sql in ["SELECT dedup_key, kind FROM messages", "SELECT dedup_key, kind FROM outbox"] {
        out.extend(sqlx::query(sql).fetch_all(store.pool()).await.unwrap().iter().map(|r| (r.get(0), r.get(1))));
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_step_tells_the_queue_and_the_unit_in_its_own_transaction() {
    on_each_backend(|store| async move {
        let p = people(&store).await;
        let robot = store
            .add_channel(&banner(), "zrzy", ChannelKind::Wecom, "http://127.0.0.1:9/wecom?key=k", None, None)
            .await
            .unwrap();
        let (_, item) = test_pending_item(&store, &p.owner, 1, "land_pre_review", "zrzy").await;
        let app = store.create_application(&p.unit, &item, None).await.unwrap().application;
        store.act_at(&p.unit, &app.id, req(Action::Submit { materials: vec![] }), at(day("2026-04-20"))).await.unwrap();
        let step = format!("step:{}:1", app.id);
        let keys: BTreeSet<String> = written(&store).await.into_iter().map(|(k, _)| k).collect();
        let expected: BTreeSet<String> = [
            format!("{step}:u:{}:in_app", p.handler.id),
            format!("{step}:u:{}:email", p.handler.id),
            // No address: in the app only.
            format!("{step}:u:{}:in_app", p.idle_handler.id),
            format!("{step}:c:{}", robot.id),
        ]
        .into();
        assert_eq!(keys, expected, "the department's handlers and its robot hear of a new application");

        // The unit hears of the acceptance; a handler who turned email off does not get one.
        store
            .set_preference(&p.unit, qidi_core::message::MessageKind::ApplicantUpdate, ChannelKind::Email, false)
            .await
            .unwrap();
        store.act_at(&p.handler, &app.id, req(Action::Accept), at(day("2026-04-21"))).await.unwrap();
        let unit_msgs = store.messages_for(&p.unit, true, 10).await.unwrap();
        assert_eq!(unit_msgs.len(), 1);
        assert!(unit_msgs[0].subject.contains("已受理"), "{}", unit_msgs[0].subject);
        assert_eq!(unit_msgs[0].link.as_deref(), Some(format!("/applications/{}", app.id).as_str()));
        let unit_email: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE user_id = $1")
            .bind(&p.unit.id)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(unit_email, 0, "the unit turned email off for this kind");
        assert_eq!(store.user_by_id(&p.unit.id).await.unwrap().unwrap().unread_messages, 1);
        assert_eq!(store.mark_read(&p.unit, None).await.unwrap(), 1);
        assert_eq!(store.user_by_id(&p.unit.id).await.unwrap().unwrap().unread_messages, 0);
        // Another person's message is not found.
        let handler_msg = store.messages_for(&p.handler, false, 10).await.unwrap()[0].id.clone();
        assert!(store.mark_read(&p.unit, Some(&handler_msg)).await.is_err());

        // A step that fails writes no message: a second acceptance is refused.
        let before = written(&store).await;
        assert!(store.act_at(&p.handler, &app.id, req(Action::Accept), at(day("2026-04-21"))).await.is_err());
        assert_eq!(written(&store).await, before);
    })
    .await;
}

/// What the month's runs must announce, worked out from the clocks' dates alone.
fn expected_changes(
    cal: &WorkCalendar,
    clocks: &[(String, NaiveDate, NaiveDate)],
    days: &[NaiveDate],
) -> BTreeMap<NaiveDate, Vec<(String, &'static str)>> {
    let mut out: BTreeMap<NaiveDate, Vec<(String, &'static str)>> = BTreeMap::new();
    for (code, warn_on, due_on) in clocks {
        let first_run_from = |d: NaiveDate| days.iter().copied().find(|r| *r >= d && cal.is_working_day(*r));
        let red = first_run_from(due_on.succ_opt().unwrap());
        let yellow = first_run_from(*warn_on).filter(|y| Some(*y) != red && *y <= *due_on);
        if let Some(y) = yellow {
            out.entry(y).or_default().push((code.clone(), "yellow"));
        }
        if let Some(r) = red {
            out.entry(r).or_default().push((code.clone(), "red"));
        }
    }
    out
}

#[tokio::test]
async fn a_month_of_mornings_announces_each_light_change_once() {
    on_each_backend(|store| async move {
        let p = people(&store).await;
        let robot = store
            .add_channel(&banner(), "zrzy", ChannelKind::Dingtalk, "http://127.0.0.1:9/ding", Some("S"), None)
            .await
            .unwrap();
        let office_box =
            store.add_channel(&banner(), "office", ChannelKind::Email, "qlb@example.gov.cn", None, None).await.unwrap();
        // Five applications submitted before the month; three accepted (review clocks
        // held by the handler who accepted), two left waiting (notice clocks held by
        // every handler of the department).
        let mut apps = Vec::new();
        for (n, submitted) in ["2026-04-13", "2026-04-14", "2026-04-16", "2026-04-17", "2026-04-20"].iter().enumerate()
        {
            let (_, item) = test_pending_item(&store, &p.owner, n as u32 + 1, "land_pre_review", "zrzy").await;
            let app = store.create_application(&p.unit, &item, None).await.unwrap().application;
            store
                .act_at(&p.unit, &app.id, req(Action::Submit { materials: vec![] }), at(day(submitted)))
                .await
                .unwrap();
            if n < 3 {
                store.act_at(&p.handler, &app.id, req(Action::Accept), at(day(submitted))).await.unwrap();
            }
            apps.push((app.id, app.project_code, n < 3));
        }
        let clocks: Vec<(String, NaiveDate, NaiveDate)> = {
            let mut v = Vec::new();
            for (id, code, _) in &apps {
                let r = sqlx::query("SELECT warn_on, due_on FROM applications WHERE id = $1")
                    .bind(id)
                    .fetch_one(store.pool())
                    .await
                    .unwrap();
                v.push((code.clone(), day(&r.get::<String, _>(0)), day(&r.get::<String, _>(1))));
            }
            v
        };
        let before = written(&store).await;

        // Every morning at 09:00 from 20 April to 20 May 2026, as the scheduler would.
        let cal = store.work_calendar().await.unwrap();
        let morning = NaiveTime::from_hms_opt(8, 30, 0).unwrap();
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let days: Vec<NaiveDate> = day("2026-04-20").iter_days().take_while(|d| *d <= day("2026-05-20")).collect();
        let mut ran = Vec::new();
        for d in &days {
            let last = store.last_light_run().await.unwrap();
            if let Some(run_on) = due_run(&cal, *d, nine, morning, last) {
                assert_eq!(run_on, *d, "runs on the day itself");
                assert!(store.run_lights(run_on, "test").await.unwrap().is_some());
                // Running the same day again, by this or another instance, writes nothing.
                assert!(store.run_lights(run_on, "other").await.unwrap().is_none());
                ran.push(run_on);
            }
        }
        assert!(ran.contains(&day("2026-05-09")), "the make-up Saturday is a working morning");
        for off in ["2026-05-01", "2026-05-04", "2026-05-05", "2026-04-25", "2026-05-10"] {
            assert!(!ran.contains(&day(off)), "no run on {off}, a day off");
        }

        let expected = expected_changes(&cal, &clocks, &days);
        assert!(expected.values().flatten().any(|(_, l)| *l == "red"), "the month has red lights: {expected:?}");
        let new: Vec<(String, String)> = written(&store).await.into_iter().filter(|w| !before.contains(w)).collect();
        assert!(new.iter().all(|(_, kind)| kind == "light_change"));
        // Per morning: which (recipient, channel) got a digest.
        let mut got: BTreeMap<NaiveDate, BTreeSet<String>> = BTreeMap::new();
        for (key, _) in &new {
            let rest = key.strip_prefix("light:").unwrap();
            let (d, who) = rest.split_once(':').unwrap();
            assert!(
                got.entry(day(d)).or_default().insert(who.to_string()),
                "one message per person and channel: {key}"
            );
        }
        let accepted: BTreeSet<&str> = apps.iter().filter(|a| a.2).map(|a| a.1.as_str()).collect();
        for (d, changes) in &expected {
            let mut want = BTreeSet::new();
            for (code, light) in changes {
                let holders =
                    if accepted.contains(code.as_str()) { vec![&p.handler] } else { vec![&p.handler, &p.idle_handler] };
                for u in holders.into_iter().chain([&p.head]).chain((*light == "red").then_some(&p.office)) {
                    want.insert(format!("u:{}:in_app", u.id));
                    if u.email.is_some() {
                        want.insert(format!("u:{}:email", u.id));
                    }
                }
                want.insert(format!("c:{}", robot.id));
                if *light == "red" {
                    want.insert(format!("c:{}", office_box.id));
                }
            }
            assert_eq!(got.get(d), Some(&want), "recipients on {d} for {changes:?}");
        }
        assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>(), "no message on other days");

        // The head's digest on a morning lists exactly that morning's items.
        for (d, changes) in &expected {
            let body: String = sqlx::query("SELECT body FROM messages WHERE dedup_key = $1")
                .bind(format!("light:{d}:u:{}:in_app", p.head.id))
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get(0);
            for (code, light) in changes {
                let label = if *light == "red" { "[红灯]" } else { "[黄灯]" };
                assert!(
                    body.lines().any(|l| l.contains(label) && l.contains(code.as_str())),
                    "{d}: {code} {light} in\n{body}"
                );
            }
            assert_eq!(body.lines().filter(|l| l.contains("[红灯]") || l.contains("[黄灯]")).count(), changes.len());
        }
    })
    .await;
}

#[tokio::test]
async fn two_instances_never_write_or_claim_a_message_twice() {
    for url in fresh_database_urls().await {
        let (a, b) = (migrated_store(&url).await, Store::connect(&url).await.unwrap());
        let p = people(&a).await;
        a.add_channel(&banner(), "zrzy", ChannelKind::Wecom, "http://127.0.0.1:9/w", None, None).await.unwrap();
        for n in 0..6 {
            let (_, item) = test_pending_item(&a, &p.owner, n + 1, "land_pre_review", "zrzy").await;
            let app = a.create_application(&p.unit, &item, None).await.unwrap().application;
            a.act_at(&p.unit, &app.id, req(Action::Submit { materials: vec![] }), at(day("2026-04-20"))).await.unwrap();
        }
        // Both instances run the same morning at once: one run, one set of messages.
        let run_on = day("2026-05-06");
        let (ra, rb) = tokio::join!(a.run_lights(run_on, "a"), b.run_lights(run_on, "b"));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!([&ra, &rb].iter().filter(|r| r.is_some()).count(), 1, "{ra:?} / {rb:?}");
        assert!(ra.or(rb).unwrap().changes >= 6);

        // Both claim at once: every pending message goes to exactly one of them.
        let pending: i64 = sqlx::query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            .fetch_one(a.pool())
            .await
            .unwrap()
            .get(0);
        assert!(pending > 6);
        let now = qidi_store::now();
        let (ca, cb) = tokio::join!(a.claim_outgoing("a", now, 60, 100), b.claim_outgoing("b", now, 60, 100));
        let (ca, cb) = (ca.unwrap(), cb.unwrap());
        let ids_a: BTreeSet<String> = ca.iter().map(|m| m.id.clone()).collect();
        let ids_b: BTreeSet<String> = cb.iter().map(|m| m.id.clone()).collect();
        assert!(ids_a.is_disjoint(&ids_b));
        assert_eq!((ids_a.len() + ids_b.len()) as i64, pending);
        // A claim in force is not taken again; one whose lease ran out is.
        assert!(b.claim_outgoing("b", now, 60, 100).await.unwrap().is_empty());
        let later = now + chrono::Duration::seconds(61);
        assert_eq!(b.claim_outgoing("b", later, 60, 100).await.unwrap().len() as i64, pending);
        a.close().await;
        b.close().await;
    }
}

#[tokio::test]
async fn missing_check_results_and_signatures_are_reminded_when_due_and_when_late() {
    on_each_backend(|store| async move {
        let p = people(&store).await;
        let (_, item) = test_pending_item(&store, &p.owner, 1, "land_pre_review", "zrzy").await;
        // The campaign of 2026 asks for signatures by Wednesday 29 April and check
        // results from the natural resources bureau by the same day.
        store.campaign(&banner()).await.unwrap();
        sqlx::query(
            "UPDATE campaigns SET ends_on = '2026-12-31',
                 milestones = '[{\"on\":\"2026-04-29\",\"label\":\"部门台账签字\"}]'",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let campaign: String = sqlx::query("SELECT id FROM campaigns").fetch_one(store.pool()).await.unwrap().get(0);
        let fgw = store.department_id(&banner(), "fgw").await.unwrap();
        let zrzy = store.department_id(&banner(), "zrzy").await.unwrap();
        sqlx::query(
            "INSERT INTO check_lists (id, region_code, campaign_id, initiating_department_id, handling_department_id, due_on, pushed_at)
             VALUES ('cl1', '152529', $1, $2, $3, '2026-04-29', '2026-04-20T09:00:00+08:00')",
        )
        .bind(&campaign)
        .bind(&fgw)
        .bind(&zrzy)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query("INSERT INTO check_list_items (check_list_id, pending_item_id, region_code) VALUES ('cl1', $1, '152529')")
            .bind(&item)
            .execute(store.pool())
            .await
            .unwrap();
        let reminders = |store: Store| async move {
            // Progress reports (信息报送) are reminded by the same run; they have a test of their own.
            let rows = sqlx::query(
                "SELECT dedup_key, subject FROM messages
                 WHERE kind = 'missing_report' AND dedup_key NOT LIKE 'missing:progress:%' ORDER BY dedup_key",
            )
                .fetch_all(store.pool())
                .await
                .unwrap();
            rows.iter().map(|r| (r.get::<String, _>(0), r.get::<String, _>(1))).collect::<Vec<_>>()
        };
        // Monday: too early.
        store.run_lights(day("2026-04-27"), "t").await.unwrap().unwrap();
        assert!(reminders(store.clone()).await.is_empty());
        // Tuesday: due tomorrow: the head and both handlers, once each, for each report.
        let run = store.run_lights(day("2026-04-28"), "t").await.unwrap().unwrap();
        assert!(run.reminders > 0);
        let due = reminders(store.clone()).await;
        let for_head: Vec<_> = due.iter().filter(|(k, _)| k.contains(&p.head.id) && k.ends_with("in_app")).collect();
        assert_eq!(for_head.len(), 2, "{due:?}");
        assert!(for_head.iter().any(|(k, s)| k.starts_with("missing:check:cl1:due") && s.contains("1 个事项未反馈") && s.contains("即将到期")));
        assert!(for_head.iter().any(|(k, s)| k.starts_with("missing:signature:") && s.contains("旗自然资源局") && s.contains("即将到期")));
        assert!(due.iter().any(|(k, _)| k.contains(&p.idle_handler.id)), "every handler of the department");
        assert!(!due.iter().any(|(k, _)| k.contains(&p.office.id) || k.contains(&p.unit.id)), "only the department");
        // Wednesday, the due day: nothing new. Thursday: late, once more.
        store.run_lights(day("2026-04-29"), "t").await.unwrap().unwrap();
        assert_eq!(reminders(store.clone()).await.len(), due.len());
        store.run_lights(day("2026-04-30"), "t").await.unwrap().unwrap();
        let late = reminders(store.clone()).await;
        assert_eq!(late.len(), 2 * due.len());
        assert!(late.iter().any(|(k, s)| k.starts_with("missing:check:cl1:overdue") && s.contains("已逾期")));
        // Answered and signed reports are not reminded: answer the check list and the
        // overdue stage has nothing new to say (its key is taken); a new list is quiet.
        sqlx::query("UPDATE check_list_items SET answered_at = '2026-05-06T09:00:00+08:00'")
            .execute(store.pool())
            .await
            .unwrap();
        store.run_lights(day("2026-05-06"), "t").await.unwrap().unwrap();
        assert_eq!(reminders(store.clone()).await.len(), late.len());
    })
    .await;
}

/// Every open clock with its object type, due date and warning date, read whole (the
/// run itself reads them by date, in pages).
async fn open_clocks(store: &Store) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    for (kind, sql) in [
        ("application", "SELECT due_on, warn_on FROM applications WHERE closed_at IS NULL AND paused_since IS NULL"),
        (
            "pending_item",
            "SELECT i.due_on, i.warn_on FROM pending_items i WHERE i.status = 'pending'
             AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pending_item_id = i.id AND a.closed_at IS NULL)",
        ),
        (
            "hotline_order",
            "SELECT due_on, warn_on FROM hotline_orders WHERE state <> 'closed' AND leading_department_id IS NOT NULL",
        ),
    ] {
        for r in sqlx::query(sql).fetch_all(store.pool()).await.unwrap() {
            let date = |i: usize| r.get::<Option<String>, _>(i).and_then(|s| s.parse::<NaiveDate>().ok());
            if let (Some(due), Some(warn)) = (date(0), date(1)) {
                out.push((kind.to_string(), due, warn));
            }
        }
    }
    out
}

/// The first run over a ledger larger than one page of clocks announces every lit
/// clock once, and the office's digest counts every red one while listing 200.
#[tokio::test]
async fn the_first_run_over_many_clocks_reads_them_in_pages() {
    use qidi_core::light::Light;
    use qidi_core::message::{light_change, DIGEST_LISTED};
    on_each_backend(|store| async move {
        let p = people(&store).await;
        store.generate_projects(&banner(), 5_000, |_| {}).await.unwrap();
        let run_on = qidi_store::today();
        let clocks = open_clocks(&store).await;
        let lit: Vec<(&str, Light)> = clocks
            .iter()
            .filter_map(|(k, due, warn)| Some((k.as_str(), light_change(*due, *warn, None, run_on)?)))
            .collect();
        let red = lit.iter().filter(|(_, l)| *l == Light::Red).count();
        // The premise: more lit items than one page (2,000) of the run's reads by
        // warning date, which finds every one of them.
        let lit_items = lit.iter().filter(|(k, _)| *k == "pending_item").count();
        assert!(lit_items > 2_000, "{lit_items} lit items");

        let run = store.run_lights(run_on, "t").await.unwrap().unwrap();
        assert_eq!(run.changes, lit.len(), "each lit clock once");
        let notices: i64 =
            sqlx::query("SELECT COUNT(*) FROM light_notices").fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(notices as usize, lit.len());

        let office = sqlx::query("SELECT subject, body FROM messages WHERE user_id = $1 AND kind = 'light_change'")
            .bind(&p.office.id)
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(office.len(), 1, "one digest for the office");
        let (subject, body): (String, String) = (office[0].get(0), office[0].get(1));
        assert_eq!(subject, format!("【红灯预警】{run_on} 有 {red} 个事项已超期"));
        assert_eq!(body.matches("[红灯]").count(), DIGEST_LISTED, "{body}");
        assert!(body.contains(&format!("另有 {} 个事项未列出", red - DIGEST_LISTED)), "{body}");

        // The next day announces nothing already announced.
        let next = store.run_lights(run_on.succ_opt().unwrap(), "t").await.unwrap().unwrap();
        let fresh_next = clocks
            .iter()
            .filter(|(_, due, warn)| light_change(*due, *warn, Some(run_on), run_on.succ_opt().unwrap()).is_some())
            .count();
        assert_eq!(next.changes, fresh_next);
    })
    .await;
}

/// A run keeps its notices page by page and writes its digests last. One cut off in
/// between (the process killed) left notices that were never announced: while its claim
/// shows signs of life no one else runs that day; once stale, the next run takes it over,
/// removes what it kept, and announces every change once.
#[tokio::test]
async fn a_run_cut_off_before_its_digests_is_taken_over_and_announces_everything() {
    use qidi_core::message::light_change;
    use qidi_store::messages::STALE_RUN_MINUTES;
    on_each_backend(|store| async move {
        people(&store).await;
        store.generate_projects(&banner(), 300, |_| {}).await.unwrap();
        let run_on = qidi_store::today();
        let lit: Vec<_> = open_clocks(&store)
            .await
            .into_iter()
            .filter(|(_, due, warn)| light_change(*due, *warn, None, run_on).is_some())
            .collect();
        assert!(lit.len() > 10, "the premise: lit clocks ({})", lit.len());
        // The cut-off run: claimed, one notice kept, no summary, no digest.
        let claim = |minutes_ago: i64| {
            let store = store.clone();
            async move {
                let at = qidi_store::timestamp_text(qidi_store::now() - chrono::Duration::minutes(minutes_ago));
                sqlx::query("DELETE FROM job_runs WHERE job = 'lights'").execute(store.pool()).await.unwrap();
                sqlx::query("INSERT INTO job_runs (job, run_on, ran_at, worker) VALUES ('lights', $1, $2, 'cut-off')")
                    .bind(run_on.to_string())
                    .bind(at)
                    .execute(store.pool())
                    .await
                    .unwrap();
            }
        };
        claim(1).await;
        sqlx::query(
            "INSERT INTO light_notices (object_type, object_id, due_on, light, run_on)
             SELECT 'pending_item', id, due_on, 'red', $1 FROM pending_items WHERE due_on < $1 LIMIT 1",
        )
        .bind(run_on.to_string())
        .execute(store.pool())
        .await
        .unwrap();
        let messages = || async {
            sqlx::query("SELECT COUNT(*) FROM messages WHERE kind = 'light_change'")
                .fetch_one(store.pool())
                .await
                .unwrap()
                .get::<i64, _>(0)
        };
        // Alive a minute ago: nobody else runs the day, and it does not count as run.
        assert!(store.run_lights(run_on, "t").await.unwrap().is_none());
        assert_eq!(store.last_light_run().await.unwrap(), None, "an unfinished run is no run");
        // Silent for longer than the limit: taken over, every change announced once.
        claim(STALE_RUN_MINUTES + 1).await;
        let run = store.run_lights(run_on, "t").await.unwrap().expect("taken over");
        assert_eq!(run.changes, lit.len(), "the cut-off run's kept notice is announced too");
        assert!(messages().await > 0);
        assert_eq!(store.last_light_run().await.unwrap(), Some(run_on));
        let notices: i64 =
            sqlx::query("SELECT COUNT(*) FROM light_notices").fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(notices as usize, lit.len());
        // And once finished, it is not run again, however long ago it was.
        let before = messages().await;
        assert!(store.run_lights(run_on, "other").await.unwrap().is_none());
        assert_eq!(messages().await, before);
    })
    .await;
}
