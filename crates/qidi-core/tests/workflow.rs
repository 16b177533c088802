//! The application lifecycle: every branch, every refusal, who may act, the one-time
//! rule, clocks, and events as stored.

#[path = "workflow_common.rs"]
mod common;

use common::*;
use qidi_core::catalogue::{AuthorityLevel, LimitUnit};
use qidi_core::workflow::*;
use qidi_core::Role;
use ApplicationState as S;

fn refused(app: &mut App, actor: Actor, action: Action) -> TransitionError {
    let before = app.view.clone();
    let err = app.act(actor, action, 28).expect_err("should be refused");
    assert_eq!(app.view, before);
    err
}

// ---- branches ------------------------------------------------------------------

#[test]
fn draft_to_approval_through_return_and_pause() {
    let mut app = App::new(facts());
    assert_eq!(app.state(), S::Draft);
    assert_eq!(app.ok(unit(), submit(), 1), S::Submitted);
    assert_eq!(app.ok(handler(), ret(&["site_plan"]), 2), S::Returned);
    assert_eq!(app.ok(unit(), resubmit(&["site_plan"]), 5), S::Submitted);
    assert_eq!(app.ok(handler(), Action::Accept, 6), S::UnderReview);
    assert_eq!(app.ok(handler(), pause(), 8), S::Paused);
    assert_eq!(app.ok(handler(), Action::Resume, 13), S::UnderReview);
    assert_eq!(app.ok(handler(), approve(), 20), S::Approved);

    let v = &app.view;
    assert_eq!(v.submissions.len(), 2);
    assert!(v.submissions[1].resubmission);
    assert_eq!(v.submissions[1].replaced, vec!["site_plan".to_string()]);
    assert_eq!(v.notices.len(), 1);
    assert_eq!(v.notices[0].on, day(2));
    assert!(v.notices[0].flags.is_empty());
    assert_eq!(v.accepted_on, Some(day(6)));
    assert_eq!(v.pauses.len(), 1);
    assert_eq!((v.pauses[0].paused_on, v.pauses[0].resumed_on), (day(8), Some(day(13))));
    assert_eq!(v.pauses[0].reason, PauseReason::ExpertReview);
    let d = v.decision.as_ref().unwrap();
    assert!(d.approved && !d.by_higher_authority);
    assert_eq!(d.document_number.as_deref(), Some("正自然资字〔2022〕12号"));
    assert_eq!((d.decided_on, d.recorded_on), (day(20), day(20)));
    assert!(v.forwarding.is_none() && v.withdrawal.is_none());
    assert_eq!(running_clock(v), None);
    assert!(running_clocks(v).is_empty());
    assert!(one_time_violations(v).is_empty());
    assert_eq!(v.last_seq, Some(7));
}

#[test]
fn refusal_after_review() {
    let mut app = reach(S::UnderReview);
    assert_eq!(app.ok(handler(), refuse(), 9), S::Refused);
    let d = app.view.decision.clone().unwrap();
    assert!(!d.approved);
    assert_eq!(d.reasons.as_deref(), Some("不符合国土空间规划"));
    assert_eq!(d.document_number, None);
    assert_eq!(d.decided_on, day(9));
}

#[test]
fn a_paused_review_can_be_decided_and_the_pause_ends_that_day() {
    let mut app = reach(S::Paused);
    assert_eq!(app.ok(handler(), refuse(), 12), S::Refused);
    assert_eq!(app.view.pauses[0].resumed_on, Some(day(12)));
    let review = app.view.clocks.iter().find(|r| r.clock.kind == ClockKind::Review).unwrap();
    assert_eq!(review.clock.pauses, vec![(day(3), Some(day(12)))]);
    assert_eq!(review.ended.as_ref().unwrap().action, "refuse");
}

#[test]
fn higher_items_are_accepted_forwarded_and_their_outcome_recorded() {
    let mut app = App::new(higher_facts());
    app.ok(unit(), submit(), 1);
    assert_eq!(app.ok(handler(), Action::Accept, 2), S::Accepted);
    assert_eq!(app.ok(handler(), forward(), 6), S::Forwarded);
    let f = app.view.forwarding.clone().unwrap();
    assert_eq!((f.on, f.to_authority.as_str()), (day(6), "锡林郭勒盟自然资源局"));
    assert_eq!(running_clock(&app.view), None, "the higher authority's time is not ours");
    assert_eq!(app.ok(office(), higher(true), 26), S::HigherApproved);
    let d = app.view.decision.clone().unwrap();
    assert!(d.approved && d.by_higher_authority);
    assert_eq!(d.document_number.as_deref(), Some("锡自然资字〔2022〕88号"));
    assert_eq!((d.decided_on, d.recorded_on), (day(25), day(26)));

    let mut app = reach(S::Forwarded);
    assert_eq!(app.ok(handler(), higher(false), 27), S::HigherRefused);
    let d = app.view.decision.clone().unwrap();
    assert!(!d.approved && d.by_higher_authority);
    assert_eq!(d.decided_on, day(27), "without a date the recording date stands");
}

#[test]
fn withdrawal_from_every_open_state() {
    for state in ALL_STATES.into_iter().filter(|s| !s.is_terminal()) {
        let mut app = reach(state);
        assert_eq!(app.ok(unit(), withdraw(), 20), S::Withdrawn, "from {state:?}");
        let w = app.view.withdrawal.clone().unwrap();
        assert_eq!((w.on, w.reason.as_str()), (day(20), "项目调整，暂缓建设"));
        assert_eq!(running_clock(&app.view), None);
        assert!(app.view.pauses.iter().all(|p| p.resumed_on.is_some()));
    }
}

#[test]
fn withdrawal_after_a_decision_is_refused() {
    for state in [S::Approved, S::Refused, S::HigherApproved, S::HigherRefused] {
        let mut app = reach(state);
        let e = refused(&mut app, unit(), withdraw());
        assert_eq!(e, TransitionError::Terminal { state });
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(e.to_string().contains("不能再办理"), "{e}");
    }
    let mut app = reach(S::Withdrawn);
    let e = refused(&mut app, unit(), withdraw());
    assert!(e.is_repeat());
}

#[test]
fn terminal_states_accept_nothing() {
    for state in ALL_STATES.into_iter().filter(|s| s.is_terminal()) {
        for action in every_action() {
            let mut app = reach(state);
            let actor = entitled(&action);
            let e = refused(&mut app, actor, action.clone());
            assert_eq!(e.kind(), ErrorKind::Conflict, "{state:?} {}: {e}", action.as_str());
            assert!(
                matches!(e, TransitionError::Terminal { .. } | TransitionError::AlreadyInState { .. }),
                "{state:?} {}: {e:?}",
                action.as_str()
            );
        }
    }
}

// ---- clocks ---------------------------------------------------------------------

#[test]
fn initial_review_runs_two_limits_from_each_submission() {
    let mut app = App::new(facts());
    assert_eq!(running_clock(&app.view), None);
    app.ok(unit(), submit(), 1);
    let clocks = running_clocks(&app.view);
    assert_eq!(
        clocks.iter().map(|c| (c.kind, c.limit)).collect::<Vec<_>>(),
        [(ClockKind::NoticeDue, 3), (ClockKind::InitialReview, 5)]
    );
    assert!(clocks.iter().all(|c| c.started_on == day(1) && c.unit == LimitUnit::WorkingDays));
    let main = running_clock(&app.view).unwrap();
    assert_eq!(
        (main.kind, main.started_on, main.limit),
        (ClockKind::NoticeDue, day(1), 3),
        "the notice limit binds first"
    );

    app.ok(handler(), ret(&["site_plan"]), 2);
    assert_eq!(running_clock(&app.view), None, "the unit's turn: no department clock");
    let ended: Vec<_> = app.view.clocks.iter().map(|r| r.ended.as_ref().map(|e| (e.seq, e.action.clone()))).collect();
    assert_eq!(ended, vec![Some((2, "return".to_string())); 2]);

    app.ok(unit(), resubmit(&["site_plan"]), 7);
    let main = running_clock(&app.view).unwrap();
    assert_eq!((main.kind, main.started_on), (ClockKind::NoticeDue, day(7)), "restarts on resubmission");
    assert_eq!(running_clocks(&app.view).len(), 2);
}

#[test]
fn review_clock_uses_the_promised_limit_and_its_pauses() {
    let mut app = App::new(ApplicationFacts { promised_limit: 60, limit_unit: LimitUnit::CalendarDays, ..facts() });
    app.ok(unit(), submit(), 1);
    app.ok(handler(), Action::Accept, 2);
    let c = running_clock(&app.view).unwrap();
    assert_eq!((c.kind, c.started_on, c.limit, c.unit), (ClockKind::Review, day(2), 60, LimitUnit::CalendarDays));
    assert_eq!(running_clocks(&app.view).len(), 1);
    assert!(!c.is_paused());
    app.ok(handler(), pause(), 5);
    let c = running_clock(&app.view).unwrap();
    assert!(c.is_paused());
    assert_eq!(c.pauses, vec![(day(5), None)]);
    app.ok(handler(), Action::Resume, 9);
    app.ok(handler(), Action::Pause { reason: PauseReason::Hearing, note: String::new() }, 12);
    app.ok(handler(), Action::Resume, 14);
    let c = running_clock(&app.view).unwrap();
    assert_eq!(c.pauses, vec![(day(5), Some(day(9))), (day(12), Some(day(14)))]);
    assert_eq!(c.started_on, day(2));
    assert!(!c.is_paused());
}

#[test]
fn forward_clock_runs_five_working_days_from_acceptance() {
    let mut app = App::new(higher_facts());
    app.ok(unit(), submit(), 1);
    app.ok(handler(), Action::Accept, 3);
    let c = running_clock(&app.view).unwrap();
    assert_eq!((c.kind, c.started_on, c.limit, c.unit), (ClockKind::Forward, day(3), 5, LimitUnit::WorkingDays));
}

// ---- refusals -------------------------------------------------------------------

#[test]
fn approving_before_acceptance_is_refused() {
    for state in [S::Draft, S::Submitted, S::Returned] {
        for action in [approve(), refuse()] {
            let mut app = reach(state);
            let e = refused(&mut app, handler(), action);
            assert_eq!(e, TransitionError::NotYetAccepted);
            assert_eq!(e.to_string(), "尚未受理，不能作出审批决定");
            assert_eq!((e.kind(), e.code()), (ErrorKind::Conflict, "not_yet_accepted"));
        }
    }
}

#[test]
fn a_submission_is_never_refused_for_what_it_lacks() {
    // R11: units submit at any time; what is missing is a warning, and the
    // department's call through the one-time notice, on the department's clock.
    let mut app = App::new(facts());
    let provided = strings(&["site_plan", "extra"]);
    assert_eq!(app.ok(unit(), Action::Submit { materials: provided.clone() }, 1), S::Submitted);
    let running: Vec<ClockKind> = running_clocks(&app.view).iter().map(|c| c.kind).collect();
    assert_eq!(running, vec![ClockKind::NoticeDue, ClockKind::InitialReview], "both clocks start on submission");
    assert_eq!(running_clock(&app.view).unwrap().started_on, day(1));

    let warnings = SubmissionWarnings::of(&facts(), &provided, strings(&["用地预审与选址"]));
    assert_eq!(warnings.missing_materials, strings(&["application_form", "land_certificate"]));
    assert_eq!(warnings.unmet_prerequisites, strings(&["用地预审与选址"]));
    assert!(!warnings.is_empty());
    assert!(SubmissionWarnings::of(&facts(), &strings(&MATERIALS), vec![]).is_empty());

    // A resubmission lacking a material goes through too; a replaced material it
    // does not provide is still a mistake in what was sent.
    let mut app = reach(S::Returned);
    app.ok(unit(), Action::Resubmit { materials: strings(&MATERIALS[..1]), replaced: vec![] }, 5);
    let mut app = reach(S::Returned);
    let e =
        refused(&mut app, unit(), Action::Resubmit { materials: strings(&MATERIALS), replaced: strings(&["photo"]) });
    assert_eq!(e, TransitionError::ReplacedNotProvided { materials: strings(&["photo"]) });
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn notices_must_be_complete() {
    let mut app = reach(S::Submitted);
    let e = refused(
        &mut app,
        handler(),
        Action::Return { notice: OneTimeNotice { problems: vec![], suggestions: strings(&["x"]), number: None } },
    );
    assert_eq!((e.clone(), e.kind()), (TransitionError::EmptyNotice, ErrorKind::Invalid));
    assert_eq!(e.to_string(), "一次性告知书至少应列明一个问题");
    for blank in [
        NoticeProblem::new(" ", "缺页", "补齐"),
        NoticeProblem::new("site_plan", "", "补齐"),
        NoticeProblem::new("site_plan", "缺页", "  "),
    ] {
        let mut n = notice(&["application_form"]);
        n.problems.push(blank);
        let e = refused(&mut app, handler(), Action::Return { notice: n });
        assert_eq!(e, TransitionError::IncompleteNoticeProblem { position: 2 });
        assert_eq!(e.kind(), ErrorKind::Invalid);
    }
}

#[test]
fn decisions_need_their_content() {
    let mut app = reach(S::UnderReview);
    let cases = [
        (Action::Approve { document_number: "  ".into(), decided_on: day(9) }, TransitionError::MissingDocumentNumber),
        (Action::Refuse { reasons: "".into() }, TransitionError::MissingReasons),
        (Action::Pause { reason: PauseReason::Other, note: " ".into() }, TransitionError::MissingPauseNote),
    ];
    for (action, want) in cases {
        let e = refused(&mut app, handler(), action);
        assert_eq!((e.clone(), e.kind()), (want, ErrorKind::Invalid));
    }
    assert_eq!(
        refused(&mut app, unit(), Action::Withdraw { reason: " ".into() }),
        TransitionError::MissingWithdrawReason
    );
    assert_eq!(
        refused(&mut app, handler(), Action::Approve { document_number: String::new(), decided_on: day(9) })
            .to_string(),
        "批准须填写批复文号"
    );
    // With a legal ground named, "other" may pause.
    assert_eq!(app.ok(handler(), Action::Pause { reason: PauseReason::Other, note: "现场踏勘".into() }, 10), S::Paused);

    let mut app = reach(S::Accepted);
    assert_eq!(
        refused(&mut app, handler(), Action::Forward { to_authority: " ".into() }),
        TransitionError::MissingAuthority
    );
    let mut app = reach(S::Forwarded);
    let no_number =
        Action::RecordHigherOutcome { approved: true, document_number: None, reasons: None, decided_on: None };
    assert_eq!(refused(&mut app, office(), no_number), TransitionError::MissingDocumentNumber);
    let no_reasons = Action::RecordHigherOutcome {
        approved: false,
        document_number: None,
        reasons: Some(" ".into()),
        decided_on: None,
    };
    assert_eq!(refused(&mut app, office(), no_reasons), TransitionError::MissingReasons);
}

#[test]
fn levels_decide_between_forwarding_and_deciding() {
    let mut app = reach(S::UnderReview);
    let e = refused(&mut app, handler(), forward());
    assert_eq!((e.clone(), e.kind()), (TransitionError::NotHigherAuthority, ErrorKind::Invalid));
    let mut app = reach(S::Accepted);
    for action in [approve(), refuse()] {
        let e = refused(&mut app, handler(), action);
        assert_eq!(e, TransitionError::HigherAuthority { level: AuthorityLevel::League });
        assert!(e.to_string().contains("盟级"), "{e}");
    }
    // A league deployment decides league items itself.
    let mut app = App::new(ApplicationFacts { home_level: AuthorityLevel::League, ..higher_facts() });
    app.ok(unit(), submit(), 1);
    assert_eq!(app.ok(handler(), Action::Accept, 2), S::UnderReview);
    assert_eq!(app.ok(handler(), approve_on(3), 3), S::Approved);
}

#[test]
fn steps_out_of_order_are_refused() {
    let cases: Vec<(S, Actor, Action)> = vec![
        (S::Draft, handler(), Action::Accept),
        (S::Draft, unit(), resubmit(&[])),
        (S::Draft, handler(), ret(&["site_plan"])),
        (S::Returned, unit(), submit()),
        (S::Returned, handler(), Action::Accept),
        (S::Submitted, handler(), pause()),
        (S::Submitted, handler(), Action::Resume),
        (S::Paused, handler(), Action::Accept),
        (S::Paused, handler(), pause()),
        (S::UnderReview, handler(), ret(&["site_plan"])),
        (S::Accepted, handler(), pause()),
        (S::Accepted, office(), higher(true)),
        (S::Forwarded, handler(), Action::Accept),
        (S::Forwarded, handler(), forward()),
    ];
    for (state, actor, action) in cases {
        let what = action.as_str();
        let mut app = reach(state);
        let e = refused(&mut app, actor, action);
        assert_eq!(e.kind(), ErrorKind::Conflict, "{state:?} {what}: {e}");
    }
    let mut app = reach(S::Submitted);
    let e = refused(&mut app, handler(), forward());
    assert_eq!(e, TransitionError::NotHigherAuthority);
    let mut app = App::new(higher_facts());
    app.ok(unit(), submit(), 1);
    let e = refused(&mut app, handler(), forward());
    assert_eq!(e, TransitionError::WrongState { action: "转报", state: S::Submitted });
    assert_eq!(e.to_string(), "申请处于“已提交待初审”状态，不能转报");
}

#[test]
fn repeats_are_told_apart() {
    let repeats: Vec<(S, Actor, Action)> = vec![
        (S::Submitted, unit(), submit()),
        (S::Submitted, unit(), resubmit(&[])),
        (S::Returned, handler(), ret(&["application_form"])),
        (S::UnderReview, handler(), Action::Accept),
        (S::Accepted, handler(), Action::Accept),
        (S::Paused, handler(), pause()),
        (S::UnderReview, handler(), Action::Resume),
        (S::Approved, handler(), approve()),
        (S::Refused, handler(), refuse()),
        (S::Forwarded, handler(), forward()),
        (S::HigherApproved, office(), higher(true)),
        (S::HigherRefused, office(), higher(false)),
        (S::Withdrawn, unit(), withdraw()),
    ];
    for (state, actor, action) in repeats {
        let mut app = reach(state);
        let e = refused(&mut app, actor, action);
        assert_eq!(e, TransitionError::AlreadyInState { state });
        assert!(e.is_repeat());
        assert_eq!((e.kind(), e.code()), (ErrorKind::Conflict, "already_in_state"));
    }
    // A second handler deciding differently after the first is a conflict, not a repeat.
    let mut app = reach(S::Approved);
    let e = refused(&mut app, Actor::handler(DEPT), refuse());
    assert_eq!(e, TransitionError::Terminal { state: S::Approved });
    assert!(!e.is_repeat());
    let mut app = reach(S::HigherApproved);
    assert_eq!(refused(&mut app, office(), higher(false)), TransitionError::Terminal { state: S::HigherApproved });
}

// ---- who may act ----------------------------------------------------------------

#[test]
fn inspectors_leaders_and_admins_never_act() {
    for role in [Role::Inspector, Role::Leader, Role::Admin] {
        for action in every_action() {
            for actor in [
                Actor {
                    role,
                    department_id: Some(DEPT.into()),
                    owner_id: Some(OWNER.into()),
                    helper_for: false,
                    system: false,
                },
                Actor {
                    role,
                    department_id: Some(DEPT.into()),
                    owner_id: Some(OWNER.into()),
                    helper_for: true,
                    system: false,
                },
            ] {
                let mut app = reach(S::Submitted);
                let e = refused(&mut app, actor, action.clone());
                assert_eq!(e, TransitionError::RoleCannotAct { role });
                assert_eq!(e.kind(), ErrorKind::Forbidden);
            }
        }
    }
    let e = TransitionError::RoleCannotAct { role: Role::Inspector };
    assert_eq!(e.to_string(), "“派驻纪检组”不能办理审批业务");
}

#[test]
fn only_the_handling_department_handles() {
    let other = Actor::handler("sthj");
    for (state, action) in [
        (S::Submitted, ret(&["site_plan"])),
        (S::Submitted, Action::Accept),
        (S::UnderReview, pause()),
        (S::Paused, Action::Resume),
        (S::UnderReview, approve()),
        (S::UnderReview, refuse()),
        (S::Accepted, forward()),
        (S::Forwarded, higher(true)),
    ] {
        let mut app = reach(state);
        let e = refused(&mut app, other.clone(), action.clone());
        assert_eq!(e, TransitionError::NotHandlingDepartment);
        assert_eq!(e.to_string(), "非本部门经办人，无权办理");
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        let e = refused(&mut app, Actor { department_id: None, ..handler() }, action.clone());
        assert_eq!(e, TransitionError::NotHandlingDepartment);
        if action.side() == Side::Department {
            assert_eq!(refused(&mut app, unit(), action.clone()), TransitionError::NotHandler);
            assert_eq!(refused(&mut app, office(), action.clone()), TransitionError::NotHandler);
        }
    }
    // The department head of the handling department may act like its handlers.
    let head = Actor { role: Role::DepartmentHead, ..handler() };
    let mut app = reach(S::UnderReview);
    assert_eq!(app.ok(head, approve_on(9), 9), S::Approved);
}

#[test]
fn only_the_unit_submits_resubmits_and_withdraws() {
    for (state, action) in [(S::Draft, submit()), (S::Returned, resubmit(&["site_plan"])), (S::UnderReview, withdraw())]
    {
        let mut app = reach(state);
        let e = refused(&mut app, Actor::applicant("owner-2"), action.clone());
        assert_eq!((e.clone(), e.kind()), (TransitionError::NotOwner, ErrorKind::Forbidden));
        assert_eq!(e.to_string(), "非本项目单位，无权办理");
        assert_eq!(refused(&mut app, Actor { owner_id: None, ..unit() }, action.clone()), TransitionError::NotOwner);
        assert_eq!(refused(&mut app, handler(), action.clone()), TransitionError::NotApplicant);
        assert_eq!(refused(&mut app, office(), action.clone()), TransitionError::NotApplicant);
    }
}

#[test]
fn helpers_act_for_the_unit_only_when_authorised() {
    let unauthorised = [
        Actor::helper(Role::Handler, Some("fgw"), None),
        Actor::helper(Role::Handler, Some("fgw"), Some("owner-2")),
        Actor::helper(Role::Office, None, None),
    ];
    for helper in unauthorised {
        let mut app = reach(S::Draft);
        let e = refused(&mut app, helper.clone(), submit());
        assert_eq!((e.clone(), e.kind()), (TransitionError::HelperNotAuthorised, ErrorKind::Forbidden));
        assert_eq!(e.to_string(), "未获项目单位授权代办，无权办理");
    }
    let helper = Actor::helper(Role::Handler, Some("fgw"), Some(OWNER));
    let mut app = App::new(facts());
    assert_eq!(app.ok(helper.clone(), submit(), 1), S::Submitted);
    app.ok(handler(), ret(&["site_plan"]), 2);
    assert_eq!(app.ok(helper.clone(), resubmit(&["site_plan"]), 3), S::Submitted);
    assert_eq!(app.events[2].actor, helper, "recorded as a helper's act");
    assert!(app.events[2].actor.helper_for);
    // A helper who is also a handler of the handling department does not handle in that capacity.
    let dual = Actor::helper(Role::Handler, Some(DEPT), Some(OWNER));
    let e = refused(&mut app, dual.clone(), Action::Accept);
    assert_eq!((e.clone(), e.kind()), (TransitionError::HelperCannotHandle, ErrorKind::Forbidden));
    assert_eq!(app.ok(dual, withdraw(), 4), S::Withdrawn);
}

#[test]
fn higher_outcomes_are_recorded_by_the_office_or_the_department() {
    let mut app = reach(S::Forwarded);
    assert_eq!(refused(&mut app, unit(), higher(true)), TransitionError::NotRecorder);
    assert_eq!(
        refused(&mut app, Actor::helper(Role::Office, None, Some(OWNER)), higher(true)),
        TransitionError::HelperCannotHandle
    );
    assert_eq!(refused(&mut app, Actor::handler("sthj"), higher(true)), TransitionError::NotHandlingDepartment);
    assert_eq!(app.ok(office(), higher_dated(true, Some(day(19))), 20), S::HigherApproved);
    let mut app = reach(S::Forwarded);
    assert_eq!(app.ok(Actor { role: Role::DepartmentHead, ..handler() }, higher(false), 20), S::HigherRefused);
    // The office does not handle.
    let mut app = reach(S::Accepted);
    assert_eq!(refused(&mut app, office(), forward()), TransitionError::NotHandler);
}

// ---- the one-time rule ----------------------------------------------------------

#[test]
fn a_new_problem_on_an_unchanged_material_breaks_the_one_time_rule() {
    let mut app = App::new(facts());
    app.ok(unit(), submit(), 1);
    app.ok(handler(), ret(&["site_plan"]), 2);
    app.ok(unit(), resubmit(&["site_plan"]), 5);
    // site_plan was in the first notice; land_certificate was not and is unchanged.
    assert_eq!(app.view.one_time_breaches(&notice(&["site_plan", "land_certificate"])), strings(&["land_certificate"]));
    assert_eq!(app.ok(handler(), ret(&["site_plan", "land_certificate"]), 6), S::Returned, "allowed");
    let n = &app.view.notices[1];
    assert_eq!(n.flags, vec![ReturnFlag::BreaksOneTimeRule { materials: strings(&["land_certificate"]) }]);
    assert!(app.view.notices[0].flags.is_empty());
    assert!(app.view.breaks_one_time_rule());
    let v = one_time_violations(&app.view);
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].seq, v[0].on, v[0].material.as_str()), (4, day(6), "land_certificate"));
    assert_eq!(v[0].problem, "land_certificate不符合要求");

    // A third return raising it again is flagged again; one on a replaced material is not.
    app.ok(unit(), resubmit(&["application_form"]), 7);
    app.ok(handler(), ret(&["land_certificate", "application_form"]), 8);
    assert_eq!(
        app.view.notices[2].flags,
        vec![ReturnFlag::BreaksOneTimeRule { materials: strings(&["land_certificate"]) }]
    );
    assert_eq!(one_time_violations(&app.view).len(), 2);
}

#[test]
fn a_new_problem_on_a_replaced_or_new_material_is_fair() {
    let mut app = App::new(facts());
    app.ok(unit(), submit(), 1);
    app.ok(handler(), ret(&["site_plan"]), 2);
    app.ok(unit(), resubmit(&["site_plan", "land_certificate"]), 5);
    app.ok(handler(), ret(&["land_certificate"]), 6);
    assert!(app.view.notices[1].flags.is_empty());
    assert!(one_time_violations(&app.view).is_empty());

    // A material provided for the first time after the notice is new, hence changed.
    let mut app = App::new(facts());
    app.ok(unit(), submit(), 1);
    app.ok(handler(), ret(&["site_plan"]), 2);
    let mut materials = strings(&MATERIALS);
    materials.push("traffic_study".to_string());
    app.ok(unit(), Action::Resubmit { materials, replaced: vec![] }, 3);
    app.ok(handler(), ret(&["traffic_study"]), 4);
    assert!(!app.view.breaks_one_time_rule());

    // The first notice itself is never flagged, whatever it raises.
    let mut app = reach(S::Submitted);
    app.ok(handler(), ret(&MATERIALS), 5);
    assert!(app.view.notices[0].flags.is_empty());
}

// ---- events as stored -----------------------------------------------------------

fn full_history() -> App {
    let mut app = App::new(facts());
    app.ok(Actor::helper(Role::Handler, Some("fgw"), Some(OWNER)), submit(), 1);
    app.ok(handler(), ret(&["site_plan"]), 2);
    app.ok(unit(), resubmit(&[]), 5);
    app.ok(handler(), ret(&["land_certificate"]), 6);
    app.ok(unit(), resubmit(&["land_certificate"]), 7);
    app.ok(handler(), Action::Accept, 8);
    app.ok(handler(), pause(), 9);
    app.ok(handler(), Action::Resume, 12);
    app.ok(handler(), approve(), 20);
    app
}

#[test]
fn events_round_trip_through_json_and_replay_the_same() {
    let mut app = full_history();
    app.events[1].reason = Some("材料不齐".into());
    app.events[1].attachments = strings(&["2022/09/abc.pdf"]);
    let json = serde_json::to_string(&app.events).unwrap();
    let back: Vec<ApplicationEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, app.events);
    let view = replay(&back, &app.facts).unwrap();
    assert_eq!(view, replay(&app.events, &app.facts).unwrap());
    assert_eq!(view.state, S::Approved);
    assert_eq!(view.notices[1].flags.len(), 1);
    // The view serialises too, for JSON endpoints.
    let v: ApplicationView = serde_json::from_str(&serde_json::to_string(&view).unwrap()).unwrap();
    assert_eq!(v, view);
}

#[test]
fn stored_tags_are_stable_snake_case() {
    let json = serde_json::to_value(approve()).unwrap();
    assert_eq!(json["type"], "approve");
    assert_eq!(json["document_number"], "正自然资字〔2022〕12号");
    assert_eq!(json["decided_on"], "2022-09-20");
    for action in every_action() {
        assert_eq!(serde_json::to_value(&action).unwrap()["type"], action.as_str());
    }
    assert_eq!(serde_json::to_value(Action::Accept).unwrap(), serde_json::json!({"type": "accept"}));
    let stored = r#"{"type":"resubmit","materials":["a"]}"#;
    assert_eq!(
        serde_json::from_str::<Action>(stored).unwrap(),
        Action::Resubmit { materials: strings(&["a"]), replaced: vec![] }
    );
    let stored = r#"{"type":"pause","reason":"public_notice","note":"公示10日"}"#;
    assert!(matches!(
        serde_json::from_str::<Action>(stored).unwrap(),
        Action::Pause { reason: PauseReason::PublicNotice, .. }
    ));
    for s in ALL_STATES {
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        assert_eq!(ApplicationState::parse(s.as_str()), Some(s));
        assert!(!s.label_zh().is_empty());
    }
    assert_eq!(ApplicationState::parse("pending"), None);
    for r in ALL_PAUSE_REASONS {
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        assert_eq!(PauseReason::parse(r.as_str()), Some(r));
    }
    let flag = ReturnFlag::BreaksOneTimeRule { materials: strings(&["a"]) };
    assert_eq!(serde_json::to_value(&flag).unwrap()["type"], flag.as_str());
    let actor = serde_json::to_value(Actor::helper(Role::Handler, Some("fgw"), Some(OWNER))).unwrap();
    assert_eq!(
        actor,
        serde_json::json!({"role": "handler", "department_id": "fgw", "owner_id": OWNER, "helper_for": true})
    );
    let old: Actor = serde_json::from_str(r#"{"role":"applicant","owner_id":"o"}"#).unwrap();
    assert_eq!(old, Actor::applicant("o"));
}

#[test]
fn replay_refuses_a_broken_history_and_names_the_event() {
    let app = full_history();
    let mut events = app.events.clone();
    events.swap(5, 6); // pause before accept
    let e = replay(&events, &app.facts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(
        matches!(&e, TransitionError::InEvent { seq: 7, error } if matches!(**error, TransitionError::WrongState { .. }))
    );
    assert!(e.to_string().starts_with("事件7："), "{e}");

    let mut events = app.events.clone();
    events[3].seq = 2;
    let e = replay(&events, &app.facts).unwrap_err();
    assert_eq!(e, TransitionError::InEvent { seq: 2, error: Box::new(TransitionError::EventOutOfOrder { seq: 2 }) });
    assert_eq!((e.kind(), e.code()), (ErrorKind::Invalid, "event_out_of_order"));

    let mut events = app.events.clone();
    events[0].on = day(2);
    let e = replay(&events, &app.facts).unwrap_err();
    assert_eq!(e.code(), "event_date_mismatch");

    let mut events = app.events.clone();
    events[5].actor = Actor::handler("sthj");
    let e = replay(&events, &app.facts).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Forbidden, "not_handling_department"));
    assert!(!e.is_repeat());

    let mut events = app.events.clone();
    events.push(events[8].clone());
    events[9].seq = 10;
    assert!(replay(&events, &app.facts).unwrap_err().is_repeat());

    assert_eq!(replay(&[], &app.facts).unwrap(), ApplicationView::new());
}

#[test]
fn event_dates_are_shanghai_dates() {
    let late_utc = chrono::DateTime::parse_from_rfc3339("2022-09-30T17:30:00Z").unwrap();
    assert_eq!(shanghai_date(&late_utc), chrono::NaiveDate::from_ymd_opt(2022, 10, 1).unwrap());
    let e = ApplicationEvent::new(1, late_utc, "u", unit(), submit());
    assert_eq!(e.on, chrono::NaiveDate::from_ymd_opt(2022, 10, 1).unwrap());
    let mut view = ApplicationView::new();
    view.apply(&e, &facts()).unwrap();
    assert_eq!(running_clock(&view).unwrap().started_on, e.on);
}

#[test]
fn error_kinds_map_for_the_web() {
    assert_eq!(TransitionError::NotOwner.kind().as_str(), "forbidden");
    assert_eq!(TransitionError::Terminal { state: S::Approved }.kind().as_str(), "conflict");
    assert_eq!(TransitionError::EmptyNotice.kind().as_str(), "invalid");
    let nested =
        TransitionError::InEvent { seq: 3, error: Box::new(TransitionError::AlreadyInState { state: S::Submitted }) };
    assert_eq!((nested.kind(), nested.code()), (ErrorKind::Conflict, "already_in_state"));
}
