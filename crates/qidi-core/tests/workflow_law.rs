//! The workflow as the Administrative Licensing Law means it: deemed acceptance when the
//! notice limit runs out (art. 32), one extension by the department head (art. 42), late
//! returns, decision dates, and lateness kept for every kind of clock. Counted on the
//! official calendar, 调休 included.

#[path = "workflow_common.rs"]
mod common;

use common::*;
use qidi_core::calendar::WorkCalendar;
use qidi_core::catalogue::LimitUnit;
use qidi_core::workflow::*;

use ApplicationState as S;

fn cal() -> WorkCalendar {
    WorkCalendar::shipped()
}

fn deem(app: &mut App, on: &str) -> ApplicationState {
    let (deemed_on, action) = deemed_acceptance(&app.view, &cal(), date(on)).unwrap().expect("deemed by then");
    assert_eq!(deemed_on, date(on), "deemed on the first day past the limit");
    app.ok_on(Actor::system(), action, deemed_on)
}

fn records(app: &App) -> Vec<ClockRecord> {
    clock_records(&app.view, &cal()).unwrap()
}

fn record(app: &App, kind: ClockKind) -> ClockRecord {
    records(app).into_iter().rfind(|r| r.kind == kind).unwrap_or_else(|| panic!("no {kind:?} record"))
}

/// Submitted on Thursday 29 September 2022: the notice limit counts 30 September, then
/// skips the National Day holiday (1–7 October) and counts the make-up working days
/// Saturday 8 and Sunday 9 October. It runs out on the 9th; on the 10th the
/// application counts as accepted from the 29th.
#[test]
fn acceptance_is_deemed_on_the_first_day_past_the_notice_limit_across_a_holiday_and_a_make_up_weekend() {
    let cal = cal();
    assert!(cal.is_working_day(date("2022-10-08")) && cal.is_working_day(date("2022-10-09")), "调休");
    let mut app = App::new(facts());
    app.ok_on(unit(), submit(), date("2022-09-29"));

    for not_yet in ["2022-09-30", "2022-10-07", "2022-10-08", "2022-10-09"] {
        assert_eq!(deemed_acceptance(&app.view, &cal, date(not_yet)).unwrap(), None, "{not_yet}");
    }
    let (on, action) = deemed_acceptance(&app.view, &cal, date("2022-10-10")).unwrap().unwrap();
    assert_eq!(on, date("2022-10-10"));
    assert_eq!(action, Action::DeemAccept { received_on: date("2022-09-29"), notice_due_on: date("2022-10-09") });
    // Asked a week later, it was still deemed on the 10th.
    assert_eq!(deemed_acceptance(&app.view, &cal, date("2022-10-17")).unwrap().unwrap().0, date("2022-10-10"));

    // Only qidi records it, and not before the limit has run out.
    assert_eq!(app.act_on(handler(), action.clone(), on), Err(TransitionError::SystemOnly));
    assert_eq!(app.act_on(head(), action.clone(), on), Err(TransitionError::SystemOnly));
    assert_eq!(
        app.act_on(Actor::system(), action.clone(), date("2022-10-09")),
        Err(TransitionError::NoticeLimitNotOver { notice_due_on: date("2022-10-09") })
    );
    assert_eq!(app.act_on(Actor::system(), Action::Accept, on), Err(TransitionError::NotForSystem));
    let wrong = Action::DeemAccept { received_on: date("2022-09-28"), notice_due_on: date("2022-10-09") };
    assert_eq!(
        app.act_on(Actor::system(), wrong, on),
        Err(TransitionError::WrongReceivedOn { received_on: date("2022-09-28") })
    );

    assert_eq!(deem(&mut app, "2022-10-10"), S::UnderReview);
    let deemed = app.view.deemed.clone().unwrap();
    assert_eq!((deemed.on, deemed.received_on, deemed.notice_due_on), (on, date("2022-09-29"), date("2022-10-09")));
    assert_eq!(app.view.accepted_on, Some(date("2022-09-29")), "accepted from the day of receipt");
    let review = running_clock(&app.view).unwrap();
    assert_eq!((review.kind, review.started_on, review.limit), (ClockKind::Review, date("2022-09-29"), 20));
    assert_eq!(deemed_acceptance(&app.view, &cal, date("2022-10-20")).unwrap(), None, "deemed once");

    // The notice clock ran out: deemed, not days late. The initial review ended in time.
    let notice = record(&app, ClockKind::NoticeDue);
    assert_eq!(notice.outcome, ClockOutcome::Deemed);
    assert_eq!((notice.due_on, notice.ended_on, notice.days_overdue), (date("2022-10-09"), on, 0));
    assert_eq!(notice.summary_zh(), "一次性告知时限届满未告知，视为受理");
    let initial = record(&app, ClockKind::InitialReview);
    assert_eq!((initial.outcome, initial.due_on), (ClockOutcome::OnTime, date("2022-10-11")));

    // The handler cannot accept what is already accepted, but decides as usual.
    assert!(app.act_on(handler(), Action::Accept, date("2022-10-11")).unwrap_err().is_repeat());
    let decided =
        Action::Approve { document_number: "正自然资字〔2022〕30号".into(), decided_on: date("2022-09-29") };
    assert_eq!(app.ok_on(handler(), decided, date("2022-10-12")), S::Approved, "dated from the day of receipt");
}

#[test]
fn an_item_decided_higher_is_deemed_accepted_and_owes_its_forwarding_from_receipt() {
    let mut app = App::new(higher_facts());
    app.ok_on(unit(), submit(), date("2022-09-29"));
    assert_eq!(deem(&mut app, "2022-10-10"), S::Accepted);
    let c = running_clock(&app.view).unwrap();
    assert_eq!((c.kind, c.started_on), (ClockKind::Forward, date("2022-09-29")));
}

#[test]
fn a_return_after_deemed_acceptance_is_possible_and_flagged_late() {
    let mut app = App::new(facts());
    app.ok_on(unit(), submit(), date("2022-09-29"));
    deem(&mut app, "2022-10-10");
    assert_eq!(app.ok_on(handler(), ret(&["site_plan"]), date("2022-10-12")), S::Returned);
    let n = app.view.notices.last().unwrap();
    assert!(n.after_notice_limit() && !n.breaks_one_time_rule());
    assert_eq!(n.flags, vec![ReturnFlag::AfterNoticeLimit { notice_due_on: date("2022-10-09") }]);
    assert_eq!(app.view.accepted_on, None, "the return undoes the deemed acceptance");
    assert_eq!(app.view.deemed, None);

    // Late by the working days after the notice limit: 10, 11 and 12 October.
    let late = record(&app, ClockKind::NoticeDue);
    assert_eq!((late.outcome, late.ended_by.as_str(), late.days_overdue), (ClockOutcome::Late, "return", 3));
    assert_eq!(late.summary_zh(), "一次性告知时限超期 3 个工作日办结");
    let review = record(&app, ClockKind::Review);
    assert_eq!((review.outcome, review.ended_by.as_str()), (ClockOutcome::OnTime, "return"));

    // A return within the limit carries no flag; a resubmission starts afresh.
    app.ok_on(unit(), resubmit(&["site_plan"]), date("2022-10-13"));
    assert_eq!(running_clock(&app.view).unwrap().kind, ClockKind::NoticeDue);
    app.ok_on(handler(), ret(&["site_plan"]), date("2022-10-14"));
    assert!(app.view.notices.last().unwrap().flags.is_empty());
    assert_eq!(record(&app, ClockKind::NoticeDue).outcome, ClockOutcome::OnTime);

    // Without a deemed acceptance, an accepted application is not returned.
    let mut app = reach(S::UnderReview);
    assert!(matches!(app.act(handler(), ret(&["site_plan"]), 5), Err(TransitionError::WrongState { .. })));
}

/// Accepted on 1 September 2022 with 20 working days promised: due 30 September (the
/// Mid-Autumn holiday, 10–12 September, not counted). Extended by 10 working days on
/// the 28th: due 19 October (1–7 October off, 8 and 9 worked).
#[test]
fn the_department_head_extends_once_with_a_reason() {
    let mut app = reach(S::Submitted);
    app.ok_on(handler(), Action::Accept, date("2022-09-01"));
    let extend = || Action::Extend { reason: "需补充现场踏勘".to_string() };

    assert_eq!(app.act_on(handler(), extend(), date("2022-09-28")), Err(TransitionError::NotDepartmentHead));
    assert_eq!(
        app.act_on(
            Actor { role: qidi_core::Role::DepartmentHead, ..Actor::handler("sthj") },
            extend(),
            date("2022-09-28")
        ),
        Err(TransitionError::NotHandlingDepartment)
    );
    assert_eq!(
        app.act_on(head(), Action::Extend { reason: " ".into() }, date("2022-09-28")),
        Err(TransitionError::MissingExtensionReason)
    );
    assert_eq!(app.ok_on(head(), extend(), date("2022-09-28")), S::UnderReview);
    let ext = app.view.extension.clone().unwrap();
    assert_eq!(
        (ext.on, ext.days, ext.unit, ext.reason.as_str()),
        (date("2022-09-28"), 10, LimitUnit::WorkingDays, "需补充现场踏勘")
    );
    assert_eq!(app.act_on(head(), extend(), date("2022-09-29")), Err(TransitionError::AlreadyExtended));

    let c = running_clock(&app.view).unwrap();
    assert_eq!((c.kind, c.started_on, c.limit), (ClockKind::Extension, date("2022-09-01"), 30));
    let review = record(&app, ClockKind::Review);
    assert_eq!((review.due_on, review.ended_by.as_str()), (date("2022-09-30"), "extend"));
    assert_eq!((review.outcome, review.days_used), (ClockOutcome::OnTime, 18));

    // Decided a day after the extended limit: late by one working day.
    app.ok_on(head(), approve_on(20), date("2022-10-20"));
    let ext = record(&app, ClockKind::Extension);
    assert_eq!((ext.due_on, ext.outcome, ext.days_overdue), (date("2022-10-19"), ClockOutcome::Late, 1));
    assert_eq!(ext.summary_zh(), "延期后审批时限超期 1 个工作日办结");

    // An item type whose limit may not be extended.
    let mut app = App::new(ApplicationFacts { extension_limit: 0, ..facts() });
    app.ok(unit(), submit(), 1);
    app.ok(handler(), Action::Accept, 2);
    assert_eq!(app.act(head(), extend(), 3), Err(TransitionError::NoExtension));
    // Not before acceptance, not while paused.
    let mut app = reach(S::Submitted);
    assert!(matches!(app.act(head(), extend(), 2), Err(TransitionError::WrongState { .. })));
    let mut app = reach(S::Paused);
    assert!(matches!(app.act(head(), extend(), 5), Err(TransitionError::WrongState { .. })));
}

#[test]
fn lateness_is_kept_for_every_kind_of_clock() {
    // Initial review: accepted a day after its 5 working days (no deemed acceptance
    // is recorded here, as the store would). The notice limit binds only a return.
    let mut app = App::new(facts());
    app.ok_on(unit(), submit(), date("2022-09-01"));
    app.ok_on(handler(), Action::Accept, date("2022-09-09"));
    let initial = record(&app, ClockKind::InitialReview);
    assert_eq!((initial.due_on, initial.outcome, initial.days_overdue), (date("2022-09-08"), ClockOutcome::Late, 1));
    assert_eq!((initial.days_used, initial.ended_seq, initial.started_seq), (6, 2, 1));
    let notice = record(&app, ClockKind::NoticeDue);
    assert_eq!((notice.outcome, notice.days_overdue), (ClockOutcome::OnTime, 0));

    // Review in working days: due 30 September, approved on 12 October, late by the
    // working days after it: 8 and 9 October (调休), then 10–12 October.
    let mut app = App::new(ApplicationFacts { promised_limit: 20, ..facts() });
    app.ok_on(unit(), submit(), date("2022-08-31"));
    app.ok_on(handler(), Action::Accept, date("2022-09-01"));
    app.ok_on(handler(), approve_on(1), date("2022-10-12"));
    let review = record(&app, ClockKind::Review);
    assert_eq!((review.due_on, review.outcome, review.days_overdue), (date("2022-09-30"), ClockOutcome::Late, 5));
    assert_eq!(review.summary_zh(), "承诺审批时限超期 5 个工作日办结");

    // Review in calendar days: 10 days from 1 September end on Sunday 11 September, a
    // holiday, so it is due on Tuesday the 13th; decided on the 16th, 3 days late.
    let mut app = App::new(ApplicationFacts { promised_limit: 10, limit_unit: LimitUnit::CalendarDays, ..facts() });
    app.ok_on(unit(), submit(), date("2022-08-31"));
    app.ok_on(handler(), Action::Accept, date("2022-09-01"));
    app.ok_on(handler(), refuse(), date("2022-09-16"));
    let review = record(&app, ClockKind::Review);
    assert_eq!(
        (review.unit, review.due_on, review.days_used, review.days_overdue),
        (LimitUnit::CalendarDays, date("2022-09-13"), 15, 3)
    );
    assert_eq!(review.summary_zh(), "承诺审批时限超期 3 日办结");

    // A pause is not counted, before or after the due date.
    let mut app = App::new(ApplicationFacts { promised_limit: 5, ..facts() });
    app.ok_on(unit(), submit(), date("2022-08-31"));
    app.ok_on(handler(), Action::Accept, date("2022-09-01"));
    app.ok_on(handler(), pause(), date("2022-09-02"));
    app.ok_on(handler(), Action::Resume, date("2022-09-07"));
    app.ok_on(handler(), approve_on(9), date("2022-09-09"));
    let review = record(&app, ClockKind::Review);
    assert_eq!((review.outcome, review.days_used), (ClockOutcome::OnTime, 3));

    // Forwarding: 5 working days from acceptance, due 8 September; forwarded on the
    // 14th, late by the 9th, 13th and 14th.
    let mut app = App::new(higher_facts());
    app.ok_on(unit(), submit(), date("2022-08-31"));
    app.ok_on(handler(), Action::Accept, date("2022-09-01"));
    app.ok_on(handler(), forward(), date("2022-09-14"));
    let fwd = record(&app, ClockKind::Forward);
    assert_eq!((fwd.due_on, fwd.outcome, fwd.days_overdue), (date("2022-09-08"), ClockOutcome::Late, 3));

    // Every record's numbers agree with each other.
    for r in records(&app) {
        assert_eq!(r.outcome == ClockOutcome::Late, r.days_overdue > 0);
        assert!(r.ended_on >= r.started_on);
    }
}

#[test]
fn a_decision_is_dated_between_acceptance_and_the_day_it_is_recorded() {
    let mut app = reach(S::Submitted);
    app.ok_on(handler(), Action::Accept, date("2022-09-05"));
    let on = date("2022-09-20");
    for (decided, ok) in [("2022-09-04", false), ("2022-09-05", true), ("2022-09-20", true), ("2022-09-21", false)] {
        let action =
            Action::Approve { document_number: "正自然资字〔2022〕1号".into(), decided_on: date(decided) };
        let got = app.view.decide(&app.facts, &handler(), &action, on);
        assert_eq!(got.is_ok(), ok, "{decided}");
        if !ok {
            assert_eq!(
                got.unwrap_err(),
                TransitionError::DecisionDateOutOfRange { date: date(decided), from: date("2022-09-05"), to: on }
            );
        }
    }
    let e = TransitionError::DecisionDateOutOfRange { date: date("2022-09-21"), from: date("2022-09-05"), to: on };
    assert_eq!(e.to_string(), "决定日期 2022-09-21 应在受理之日（2022-09-05）与今天（2022-09-20）之间");
    assert_eq!(e.kind(), ErrorKind::Invalid);

    // The higher authority's decision too, when its date is given.
    let mut app = reach(S::Forwarded);
    let early = higher_dated(true, Some(day(1)));
    assert!(matches!(app.act(office(), early, 9), Err(TransitionError::DecisionDateOutOfRange { .. })));
    assert_eq!(app.ok(office(), higher_dated(true, Some(day(8))), 9), S::HigherApproved);
}

#[test]
fn stored_clock_names_read_back() {
    for kind in
        [ClockKind::NoticeDue, ClockKind::InitialReview, ClockKind::Review, ClockKind::Forward, ClockKind::Extension]
    {
        assert_eq!(ClockKind::parse(kind.as_str()), Some(kind));
    }
    for outcome in [ClockOutcome::OnTime, ClockOutcome::Late, ClockOutcome::Deemed] {
        assert_eq!(ClockOutcome::parse(outcome.as_str()), Some(outcome));
    }
    assert_eq!(ClockKind::parse("review "), None);
}
