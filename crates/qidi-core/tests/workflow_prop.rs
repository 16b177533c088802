//! Random action sequences: replay never panics, terminal states stay terminal, and
//! replaying the accepted events gives what folding `decide` step by step gave.

#[path = "workflow_common.rs"]
mod common;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use common::*;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use qidi_core::workflow::*;
use qidi_core::Role;

fn pool() -> Vec<String> {
    let mut p = strings(&MATERIALS);
    p.push("extra".to_string());
    p
}

fn materials() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![3 => Just(strings(&MATERIALS)), 1 => subsequence(pool(), 0..=4)]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![8 => Just("有内容".to_string()), 1 => Just(String::new()), 1 => Just("  ".to_string())]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![text().prop_map(Some), Just(None)]
}

fn notice() -> impl Strategy<Value = OneTimeNotice> {
    let problem = (select(pool()), text(), text()).prop_map(|(material, problem, remedy)| NoticeProblem {
        material,
        problem,
        remedy,
    });
    let problems = prop_oneof![6 => prop::collection::vec(problem, 1..4), 1 => Just(Vec::new())];
    (problems, prop::collection::vec(text(), 0..2)).prop_map(|(problems, suggestions)| OneTimeNotice {
        problems,
        suggestions,
        number: None,
    })
}

fn action() -> impl Strategy<Value = Action> {
    // Decisions are dated between acceptance and the day they are recorded; the steps
    // fall in September and early October, so some dates are in range and some not.
    let date = (1u32..=30).prop_map(|d| NaiveDate::from_ymd_opt(2022, 9, d).unwrap());
    prop_oneof![
        9 => materials().prop_map(|materials| Action::Submit { materials }),
        9 => notice().prop_map(|notice| Action::Return { notice }),
        9 => (materials(), subsequence(pool(), 0..=2))
            .prop_map(|(materials, replaced)| Action::Resubmit { materials, replaced }),
        9 => Just(Action::Accept),
        6 => (select(ALL_PAUSE_REASONS.to_vec()), text()).prop_map(|(reason, note)| Action::Pause { reason, note }),
        6 => Just(Action::Resume),
        6 => (text(), date.clone())
            .prop_map(|(document_number, decided_on)| Action::Approve { document_number, decided_on }),
        3 => text().prop_map(|reasons| Action::Refuse { reasons }),
        6 => text().prop_map(|to_authority| Action::Forward { to_authority }),
        6 => (any::<bool>(), opt_text(), opt_text(), prop::option::of(date)).prop_map(
            |(approved, document_number, reasons, decided_on)| Action::RecordHigherOutcome {
                approved,
                document_number,
                reasons,
                decided_on
            }
        ),
        1 => text().prop_map(|reason| Action::Withdraw { reason }),
        3 => text().prop_map(|reason| Action::Extend { reason }),
    ]
}

/// An action, and mostly the actor entitled to it, sometimes anyone.
fn step() -> impl Strategy<Value = (Actor, Action)> {
    (action(), prop_oneof![4 => Just(None), 1 => actor().prop_map(Some)])
        .prop_map(|(action, actor)| (actor.unwrap_or_else(|| entitled(&action)), action))
}

fn actor() -> impl Strategy<Value = Actor> {
    let others = vec![
        Actor::applicant("owner-2"),
        Actor::handler("sthj"),
        Actor { role: Role::DepartmentHead, ..handler() },
        Actor::helper(Role::Handler, Some("fgw"), Some(OWNER)),
        Actor::helper(Role::Handler, Some("fgw"), None),
        Actor::helper(Role::Handler, Some(DEPT), Some(OWNER)),
        Actor::of_role(Role::Inspector),
        Actor::of_role(Role::Leader),
        Actor { role: Role::Admin, ..handler() },
    ];
    prop_oneof![4 => Just(unit()), 5 => Just(handler()), 1 => Just(office()), 3 => select(others)]
}

fn instant(i: usize, evening: bool, utc: bool) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(if utc { 0 } else { 8 * 3600 }).unwrap();
    let base = offset.with_ymd_and_hms(2022, 9, 1, if evening { 20 } else { 9 }, 30, 0).unwrap();
    base + TimeDelta::days(i as i64 / 2)
}

fn facts_for(higher: bool) -> ApplicationFacts {
    if higher {
        higher_facts()
    } else {
        facts()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn folding_decide_and_replaying_agree(
        higher in any::<bool>(),
        steps in prop::collection::vec((step(), any::<bool>(), any::<bool>()), 0..60),
    ) {
        let facts = facts_for(higher);
        let mut state = ApplicationState::Draft;
        let mut folded = ApplicationView::new();
        let mut accepted = Vec::new();
        let mut attempted = Vec::new();
        for (i, ((actor, action), evening, utc)) in steps.into_iter().enumerate() {
            let event = ApplicationEvent::new(i as u64 + 1, instant(i, evening, utc), "u", actor, action);
            attempted.push(event.clone());
            match folded.decide(&facts, &event.actor, &event.action, event.on) {
                Ok(next) => {
                    prop_assert!(!state.is_terminal(), "left terminal {:?} by {}", state, event.action.as_str());
                    // What the view decides, the state alone allows (it only adds rules).
                    prop_assert_eq!(decide(&state, &facts, &event.actor, &event.action), Ok(next));
                    folded.apply(&event, &facts).expect("a decided step applies");
                    state = next;
                    accepted.push(event);
                }
                Err(e) => {
                    if state.is_terminal() {
                        // Only who acts is checked before the closed state.
                        prop_assert_ne!(e.kind(), ErrorKind::Invalid);
                    }
                    // Messages never panic and are never empty.
                    prop_assert!(!e.to_string().is_empty());
                }
            }
        }

        let view = replay(&accepted, &facts).expect("accepted events replay");
        prop_assert_eq!(view.state, state);
        prop_assert_eq!(&view, &folded);
        let extensions = accepted.iter().filter(|e| matches!(e.action, Action::Extend { .. })).count();
        prop_assert!(extensions <= 1, "a limit is extended at most once");
        if let Some(d) = view.decision.as_ref().filter(|d| !d.by_higher_authority && d.approved) {
            prop_assert!(d.decided_on <= d.recorded_on, "an approval is not dated after it was recorded");
        }

        // Stored as JSON and read back, the history replays the same.
        let json = serde_json::to_string(&accepted).unwrap();
        let back: Vec<ApplicationEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(replay(&back, &facts).unwrap(), view.clone());

        // The unfiltered attempts replay without panicking; they replay at all only if
        // every attempt was accepted.
        let raw = replay(&attempted, &facts);
        prop_assert_eq!(raw.is_ok(), attempted.len() == accepted.len());

        // The view's parts agree with its state.
        use ApplicationState as S;
        let clock = running_clock(&view);
        prop_assert_eq!(clock.is_some(), matches!(state, S::Submitted | S::Accepted | S::UnderReview | S::Paused));
        if let Some(c) = &clock {
            prop_assert_eq!(c.is_paused(), state == S::Paused);
            let want = match state {
                S::Submitted => ClockKind::NoticeDue,
                S::Accepted => ClockKind::Forward,
                _ if view.extension.is_some() => ClockKind::Extension,
                _ => ClockKind::Review,
            };
            prop_assert_eq!(c.kind, want);
        }
        prop_assert_eq!(running_clocks(&view).len(), match state {
            S::Submitted => 2,
            _ => usize::from(clock.is_some()),
        });
        prop_assert_eq!(view.decision.is_some(), matches!(state, S::Approved | S::Refused | S::HigherApproved | S::HigherRefused));
        prop_assert_eq!(view.withdrawal.is_some(), state == S::Withdrawn);
        let returns = accepted.iter().filter(|e| matches!(e.action, Action::Return { .. })).count();
        prop_assert_eq!(view.notices.len(), returns);
        prop_assert!(view.notices.first().is_none_or(|n| n.flags.is_empty()), "the first notice is never flagged");
        prop_assert!(view.pauses.iter().filter(|p| p.resumed_on.is_none()).count() <= 1);
        prop_assert_eq!(view.pauses.iter().any(|p| p.resumed_on.is_none()), state == S::Paused);
        let flagged: usize = view.notices.iter().map(|n| n.flags.len()).sum();
        prop_assert_eq!(flagged > 0, !one_time_violations(&view).is_empty());
        if let Some(last) = accepted.last() {
            prop_assert_eq!(view.last_seq, Some(last.seq));
        }
    }

    #[test]
    fn replay_of_arbitrary_histories_never_panics(
        higher in any::<bool>(),
        steps in prop::collection::vec((step(), 0u64..6, any::<bool>()), 0..25),
    ) {
        let facts = facts_for(higher);
        let mut seq = 0;
        let events: Vec<ApplicationEvent> = steps
            .into_iter()
            .enumerate()
            .map(|(i, ((actor, action), gap, utc))| {
                seq += gap; // gaps of 0 make out-of-order histories
                let mut e = ApplicationEvent::new(seq, instant(i, false, utc), "u", actor, action);
                if gap == 5 {
                    e.on += TimeDelta::days(1); // and a wrong date now and then
                }
                e
            })
            .collect();
        match replay(&events, &facts) {
            Ok(view) => prop_assert_eq!(view.last_seq, events.last().map(|e| e.seq)),
            Err(e) => {
                let TransitionError::InEvent { seq, error } = &e else {
                    return Err(TestCaseError::fail(format!("not named by event: {e:?}")));
                };
                prop_assert!(events.iter().any(|ev| ev.seq == *seq));
                prop_assert_eq!(e.kind(), error.kind());
            }
        }
    }
}
