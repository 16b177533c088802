use super::*;
use crate::catalogue::AuthorityLevel;
use crate::ledger::{BaselineDay, BaselineEntry, BurnDown, Progress, Reduction};
use crate::workflow::{Actor, NoticeProblem, OneTimeNotice, PauseReason};
use chrono::{Datelike, FixedOffset, TimeZone};
use proptest::prelude::*;

const PHONE: &str = "13912345678";
const ID_NUMBER: &str = "11010519491231002X";
const HANDLER: &str = "user-zrzy-handler-wang";
const NOTICE_TEXT: &str = "缺少法定代表人身份证明原件的盖章页";
const SUGGESTION: &str = "请联系王经办补正";
const NOTE: &str = "内部备注：暂缓处理";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> chrono::DateTime<FixedOffset> {
    let d = date(s);
    FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(d.year(), d.month(), d.day(), 10, 0, 0).unwrap()
}

fn facts() -> ApplicationFacts {
    ApplicationFacts {
        handling_department_id: "dept-zrzy".into(),
        owner_id: "owner-1".into(),
        authority_level: AuthorityLevel::Banner,
        home_level: AuthorityLevel::Banner,
        required_materials: vec!["application_form".into()],
        promised_limit: 20,
        limit_unit: LimitUnit::WorkingDays,
        extension_limit: 10,
    }
}

fn event(seq: u64, on: &str, actor: Actor, action: Action) -> ApplicationEvent {
    let mut e = ApplicationEvent::new(seq, at(on), HANDLER, actor, action);
    e.reason = Some(format!("经办人电话 {PHONE}"));
    e.attachments = vec![format!("{ID_NUMBER}.pdf")];
    e
}

/// Submitted, returned with a notice full of private text, resubmitted, accepted,
/// paused and resumed, approved late.
fn history() -> Vec<ApplicationEvent> {
    let unit = Actor::applicant("owner-1");
    let handler = Actor::handler("dept-zrzy");
    let notice = OneTimeNotice {
        problems: vec![NoticeProblem::new("application_form", NOTICE_TEXT, SUGGESTION)],
        suggestions: vec![format!("咨询电话 {PHONE}")],
        number: Some("自然资源告〔2026〕3号".into()),
    };
    vec![
        event(1, "2026-03-02", unit.clone(), Action::Submit { materials: vec!["application_form".into()] }),
        event(2, "2026-03-04", handler.clone(), Action::Return { notice }),
        event(3, "2026-03-09", unit, Action::Resubmit { materials: vec!["application_form".into()], replaced: vec![] }),
        event(4, "2026-03-10", handler.clone(), Action::Accept),
        event(5, "2026-03-12", handler.clone(), Action::Pause { reason: PauseReason::ExpertReview, note: NOTE.into() }),
        event(6, "2026-03-16", handler.clone(), Action::Resume),
        event(
            7,
            "2026-05-06",
            handler,
            Action::Approve { document_number: "正自然资字〔2026〕7号".into(), decided_on: date("2026-05-06") },
        ),
    ]
}

fn item(status: &str, applications: Vec<ApplicationSource>) -> ItemSource {
    ItemSource {
        item_type: "建设项目用地预审与选址意见书".into(),
        department: "自然资源局".into(),
        status: status.into(),
        responsible_person: Some(format!("王海 {PHONE}")),
        check_result: Some(format!("身份证 {ID_NUMBER}")),
        note: Some(NOTE.into()),
        due_on: Some(date("2026-06-30")),
        warn_on: Some(date("2026-06-25")),
        provisional: false,
        applications,
    }
}

fn project(items: Vec<ItemSource>) -> ProjectSource {
    ProjectSource {
        code: "2026-152529-44-01-000001".into(),
        name: "明安图风电场".into(),
        owner: Some(format!("张伟（{ID_NUMBER}）")),
        initiating_department: Some("发展和改革委员会".into()),
        initiated_year: Some(2026),
        investment_yuan: Some(987_654_321),
        stage: "not_started".into(),
        in_library: true,
        items,
    }
}

fn app(events: Vec<ApplicationEvent>) -> ApplicationSource {
    ApplicationSource { facts: facts(), light_policy: LightPolicy::default(), events }
}

fn cal() -> WorkCalendar {
    WorkCalendar::shipped()
}

#[test]
fn private_fields_are_not_carried_into_the_public_record() {
    let src = project(vec![item("granted", vec![app(history())]), item("pending", Vec::new())]);
    let public = PublicProject::of(&src, &cal(), date("2026-05-20"));
    let json = serde_json::to_string(&public).unwrap();
    for private in
        [PHONE, ID_NUMBER, HANDLER, NOTICE_TEXT, SUGGESTION, NOTE, "王海", "张伟", "987654321", "自然资源告", ".pdf"]
    {
        assert!(!json.contains(private), "`{private}` reached the public record: {json}");
    }
    // What is public is there.
    assert!(json.contains("明安图风电场") && json.contains("自然资源局") && json.contains("发展和改革委员会"));
    assert!(json.contains("正自然资字〔2026〕7号"), "the decision's number is published");
    assert!(json.contains("专家评审"), "a pause shows its kind, not its note");
}

#[test]
fn the_timeline_has_every_step_with_its_side_date_and_lateness() {
    let src = project(vec![item("granted", vec![app(history())])]);
    let public = PublicProject::of(&src, &cal(), date("2026-05-20"));
    let actions: Vec<&str> = public.timeline.iter().map(|s| s.action).collect();
    assert_eq!(actions, ["submit", "return", "resubmit", "accept", "pause", "resume", "approve"]);
    let by: Vec<&str> = public.timeline.iter().map(|s| s.by).collect();
    assert_eq!(by, ["项目单位", "审批部门", "项目单位", "审批部门", "审批部门", "审批部门", "审批部门"]);
    // The same facts by code, for pages in other languages.
    let sides: Vec<&str> = public.timeline.iter().map(|s| s.side).collect();
    assert_eq!(sides, ["unit", "department", "unit", "department", "department", "department", "department"]);
    assert_eq!(public.timeline.last().map(|s| (s.state, s.state_label)), Some(("approved", "已批准")));
    assert_eq!(public.timeline[4].fact, Some(PublicFact::Pause { reason: "expert_review" }));
    assert!(
        matches!(&public.timeline[6].fact, Some(PublicFact::DocumentNumber { number }) if number.contains("〔2026〕7号"))
    );
    assert_eq!(public.timeline[1].on, date("2026-03-04"));
    assert_eq!(public.timeline[1].working_days_since_previous, 2);
    assert_eq!(public.last_step_on, Some(date("2026-05-06")));
    // Approved long after 20 working days (pause excluded): the lateness is kept.
    let approve = public.timeline.last().unwrap();
    assert!(approve.lateness.iter().any(|l| l.contains("承诺审批时限超期")), "{:?}", approve.lateness);
    let item = &public.items[0];
    assert_eq!((item.status, item.status_label), ("granted", "已批复"));
    assert_eq!(item.application_state, "approved");
    assert_eq!(item.submitted_on, Some(date("2026-03-02")));
    assert_eq!(item.decided_on, Some(date("2026-05-06")));
    assert_eq!(item.light, None, "a granted item has no light");
    assert!(item.clock.is_none());
    let review = item.lateness.iter().find(|l| l.label == "承诺审批时限").expect("the review clock is kept");
    assert_eq!((review.kind, review.unit_code), ("review", "working_days"));
    assert_eq!(review.outcome, ClockOutcome::Late);
    assert!(review.days_overdue > 0 && review.days_used > i64::from(review.limit));
    assert_eq!((public.pending_items, public.granted_items), (0, 1));
}

#[test]
fn a_running_clock_shows_days_used_against_its_limit_and_its_light() {
    let events: Vec<ApplicationEvent> = history().into_iter().take(4).collect();
    let src = project(vec![item("pending", vec![app(events)])]);
    // Accepted 2026-03-10 (Tuesday): 20 working days of review.
    let on = date("2026-03-17");
    let public = PublicProject::of(&src, &cal(), on);
    let item = &public.items[0];
    assert_eq!(item.application_state, "under_review");
    let clock = item.clock.as_ref().expect("the review runs");
    assert_eq!((clock.label, clock.limit, clock.unit, clock.used), ("承诺审批时限", 20, "个工作日", 5));
    assert_eq!(item.light, Some(Light::Green));
    let late = PublicProject::of(&src, &cal(), date("2026-05-20"));
    assert_eq!(late.items[0].light, Some(Light::Red));
    assert_eq!(late.items[0].light_label, "红灯");
}

#[test]
fn an_item_never_applied_for_is_lit_by_its_ledger_deadline() {
    let src = project(vec![item("pending", vec![app(Vec::new())])]);
    let item = &PublicProject::of(&src, &cal(), date("2026-06-26")).items[0];
    assert_eq!((item.application_state, item.application_state_label), ("not_applied", "尚未申请"));
    assert_eq!(item.light, Some(Light::Yellow));
    assert_eq!(item.due_on, Some(date("2026-06-30")));
    assert!(item.clock.is_none() && item.lateness.is_empty());
}

#[test]
fn numbers_that_look_personal_are_masked_in_free_text() {
    assert_eq!(mask_personal("联系电话13912345678"), "联系电话139****5678");
    assert_eq!(mask_personal(ID_NUMBER), "110105********002X");
    assert_eq!(
        mask_personal("身份证 110105199001011234，电话 13812345678"),
        "身份证 110105********1234，电话 138****5678"
    );
    assert_eq!(mask_personal("2026-152529-44-01-000001"), "2026-152529-44-01-000001", "codes stay");
    assert_eq!(mask_personal("正审批字〔2026〕105号"), "正审批字〔2026〕105号");
    assert_eq!(mask_personal("电话0479-1234567"), "电话0479-*****67");
    assert_eq!(mask_personal("123456"), "123456");
    let mut src = project(Vec::new());
    src.name = format!("风电场（联系人 {PHONE}）");
    let public = PublicProject::of(&src, &cal(), date("2026-05-20"));
    assert!(!public.name.contains(PHONE) && public.name.contains("139****5678"));
}

#[test]
fn searches_are_by_code_or_by_name() {
    assert_eq!(SearchTerm::parse("  "), None);
    assert_eq!(SearchTerm::parse(" 2022-152529 "), Some(SearchTerm::Code("2022-152529".into())));
    assert_eq!(SearchTerm::parse("风电"), Some(SearchTerm::Name("风电".into())));
    assert_eq!(SearchTerm::parse("12"), Some(SearchTerm::Name("12".into())), "too short for a code");
    let long = "风".repeat(200);
    assert_eq!(SearchTerm::parse(&long), Some(SearchTerm::Name("风".repeat(MAX_SEARCH_CHARS))));
}

fn entry(added: &str, reduced: Option<(Reduction, &str)>, addition: bool) -> BaselineEntry {
    BaselineEntry { added_on: date(added), addition, reduced: reduced.map(|(r, d)| (r, date(d))) }
}

#[test]
fn statistics_count_the_baseline_and_rank_departments_by_on_time_rate() {
    let src = StatsSource {
        campaign: Some("待批项目大起底".into()),
        campaign_ends_on: Some(date("2026-12-31")),
        days: [
            entry("2026-03-02", None, false),
            entry("2026-03-02", Some((Reduction::Approved, "2026-03-20")), false),
            entry("2026-03-02", Some((Reduction::Removed, "2026-03-25")), false),
            entry("2026-03-10", None, true),
        ]
        .iter()
        .flat_map(|e| BaselineDay::of_entry(e, 1))
        .collect(),
        outcomes: vec![
            DepartmentOutcomes { department: "水利局".into(), on_time: 1, late: 1, deemed: 0 },
            DepartmentOutcomes { department: "林草局".into(), on_time: 0, late: 0, deemed: 0 },
            DepartmentOutcomes { department: "自然资源局".into(), on_time: 7, late: 0, deemed: 1 },
        ],
    };
    let s = PublicStats::of(&src, date("2026-03-30"));
    assert_eq!((s.baseline, s.additions, s.approved, s.removed, s.remaining), (3, 1, 1, 1, 2));
    assert_eq!(s.percent_done, 50);
    let order: Vec<(&str, &str)> =
        s.on_time_by_department.iter().map(|d| (d.department.as_str(), d.rate.as_str())).collect();
    assert_eq!(order, [("自然资源局", "87.5%"), ("水利局", "50.0%"), ("林草局", "—")]);
    let weeks: Vec<(NaiveDate, u64)> = s.burn_down.iter().map(|p| (p.on, p.remaining)).collect();
    assert_eq!(
        weeks,
        [
            (date("2026-03-02"), 3),
            (date("2026-03-09"), 3),
            (date("2026-03-16"), 4),
            (date("2026-03-23"), 3),
            (date("2026-03-30"), 2),
        ]
    );
    assert!(!s.is_empty());
    let empty = PublicStats::of(&StatsSource::default(), date("2026-03-30"));
    assert!(empty.is_empty() && empty.burn_down.is_empty() && empty.on_time_by_department.is_empty());
}

fn arb_entry() -> impl Strategy<Value = BaselineEntry> {
    (0i64..120, any::<bool>(), proptest::option::of((any::<bool>(), 0i64..150))).prop_map(|(added, addition, red)| {
        let base = date("2026-01-05");
        BaselineEntry {
            added_on: base + chrono::Duration::days(added),
            addition,
            reduced: red.map(|(approved, d)| {
                (if approved { Reduction::Approved } else { Reduction::Removed }, base + chrono::Duration::days(d))
            }),
        }
    })
}

proptest! {
    /// Each weekly point is the plain count of entries added by that day (not before
    /// the start) and not reduced by it; points are 7 days apart and end today.
    #[test]
    fn weekly_points_are_the_plain_count(entries in proptest::collection::vec(arb_entry(), 1..40), today in 0i64..200) {
        let today = date("2026-01-05") + chrono::Duration::days(today);
        let days: Vec<BaselineDay> = entries.iter().flat_map(|e| BaselineDay::of_entry(e, 1)).collect();
        let points = weekly_remaining(&days, today);
        let start = entries.iter().filter(|e| !e.addition).map(|e| e.added_on).min()
            .unwrap_or_else(|| entries.iter().map(|e| e.added_on).min().unwrap());
        prop_assert_eq!(points.first().unwrap().on, start);
        prop_assert_eq!(points.last().unwrap().on, today.max(start));
        for w in points.windows(2) {
            prop_assert!(w[1].on > w[0].on && (w[1].on - w[0].on).num_days() <= 7);
        }
        for p in &points {
            let count = entries.iter().filter(|e| {
                let added = e.added_on.max(start);
                let gone = e.reduced.is_some_and(|(_, on)| on.max(added) <= p.on);
                added <= p.on && !gone
            }).count() as u64;
            prop_assert_eq!(p.remaining, count, "on {}", p.on);
        }
    }
}

proptest! {
    /// Kept counts: entries collapsed into days (entries added, or reduced as what, on
    /// one day, with their number) give the same statistics, progress and burn-down as
    /// the entries one by one.
    #[test]
    fn days_count_as_their_entries(entries in proptest::collection::vec(arb_entry(), 1..60), today in 0i64..200) {
        let today = date("2026-01-05") + chrono::Duration::days(today);
        let mut days: Vec<BaselineDay> = Vec::new();
        for d in entries.iter().flat_map(|e| BaselineDay::of_entry(e, 1)) {
            match days.iter_mut().find(|k| (k.day, k.addition, k.reduction) == (d.day, d.addition, d.reduction)) {
                Some(k) => k.n += 1,
                None => days.push(d),
            }
        }
        prop_assert_eq!(Progress::of_days(&days), Progress::of(&entries));
        let ones: Vec<BaselineDay> = entries.iter().flat_map(|e| BaselineDay::of_entry(e, 1)).collect();
        let src = |days| StatsSource { days, ..StatsSource::default() };
        prop_assert_eq!(PublicStats::of(&src(days.clone()), today), PublicStats::of(&src(ones), today));
        let start = date("2026-01-05");
        let end = date("2026-06-30");
        prop_assert_eq!(BurnDown::of_days(&days, start, end, today), BurnDown::of(&entries, start, end, today));
    }
}
