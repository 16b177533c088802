//! Properties of the assessment: the order of the facts does not change the result,
//! a score is the sum of its terms' contributions (never below 0), the grade follows
//! the thresholds, and ranks follow scores. And a sample drawn from a seed does not
//! depend on the order of the candidates.

use proptest::prelude::*;
use qidi_core::assessment::{
    assess, CountedFact, DepartmentRef, EndedClock, EntryFact, Facts, Link, Period, Profile, Rating,
};
use qidi_core::lookback::{choose, Candidate, Sample};

const DEPTS: [&str; 4] = ["fgw", "zrzy", "sthj", "slj"];
const KINDS: [&str; 5] = ["notice_due", "initial_review", "review", "forward", "extension"];
const OUTCOMES: [&str; 3] = ["on_time", "late", "deemed"];

fn link() -> impl Strategy<Value = Link> {
    (0u32..40).prop_map(|n| Link { label: format!("f{n}"), href: format!("/x/{n}") })
}

fn dept() -> impl Strategy<Value = String> {
    prop::sample::select(DEPTS.to_vec()).prop_map(String::from)
}

fn counted() -> impl Strategy<Value = Vec<CountedFact>> {
    prop::collection::vec((dept(), link()).prop_map(|(d, l)| CountedFact { department_code: d, link: l }), 0..8)
}

fn facts() -> impl Strategy<Value = Facts> {
    let clocks = prop::collection::vec(
        (dept(), prop::sample::select(KINDS.to_vec()), prop::sample::select(OUTCOMES.to_vec()), 0i64..40, link()),
        0..30,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(d, k, o, days, l)| EndedClock {
                department_code: d,
                kind: k.into(),
                ended_by: if days % 3 == 0 { "return".into() } else { "approve".into() },
                outcome: o.into(),
                item_type: if days % 2 == 0 { "环评".into() } else { "土地预审".into() },
                days_used: days,
                link: l,
            })
            .collect::<Vec<_>>()
    });
    let ratings = prop::collection::vec(
        (dept(), any::<bool>(), link()).prop_map(|(d, s, l)| Rating { department_code: d, satisfied: s, link: l }),
        0..8,
    );
    let entries = prop::collection::vec(
        (dept(), 0i64..=10000, link()).prop_map(|(d, s, l)| EntryFact {
            department_code: d,
            by_department: "发改委".into(),
            score: s,
            comment: "c".into(),
            link: l,
        }),
        0..6,
    );
    (clocks, counted(), counted(), counted(), counted(), counted(), ratings, counted(), counted(), entries).prop_map(
        |(
            ended_clocks,
            breaches,
            deemed,
            overdue,
            complaints,
            substantiated,
            ratings,
            late_reports,
            online,
            entries,
        )| {
            Facts {
                departments: DEPTS
                    .iter()
                    .map(|d| DepartmentRef { code: d.to_string(), name: d.to_uppercase() })
                    .collect(),
                ended_clocks,
                breaches,
                deemed,
                overdue,
                complaints,
                substantiated,
                ratings,
                late_reports,
                online,
                entries,
            }
        },
    )
}

/// Reverse and rotate every list: a permutation the store could have read.
fn permuted(f: &Facts, by: usize) -> Facts {
    fn p<T: Clone>(v: &[T], by: usize) -> Vec<T> {
        let mut v = v.to_vec();
        v.reverse();
        if !v.is_empty() {
            let n = by % v.len();
            v.rotate_left(n);
        }
        v
    }
    Facts {
        departments: p(&f.departments, by),
        ended_clocks: p(&f.ended_clocks, by),
        breaches: p(&f.breaches, by),
        deemed: p(&f.deemed, by),
        overdue: p(&f.overdue, by),
        complaints: p(&f.complaints, by),
        substantiated: p(&f.substantiated, by),
        ratings: p(&f.ratings, by),
        late_reports: p(&f.late_reports, by),
        online: p(&f.online, by),
        entries: p(&f.entries, by),
    }
}

proptest! {
    #[test]
    fn order_of_facts_does_not_matter(f in facts(), by in 0usize..50, full in any::<bool>()) {
        let period = Period::parse("2026-05").unwrap();
        let profile = Profile { empty_gets_full: full, ..Profile::default() };
        prop_assert_eq!(assess(&period, &profile, &f), assess(&period, &profile, &permuted(&f, by)));
    }

    #[test]
    fn a_score_is_its_terms(f in facts()) {
        let profile = Profile::default();
        let a = assess(&Period::parse("2026-Q2").unwrap(), &profile, &f);
        prop_assert_eq!(a.departments.len(), DEPTS.len());
        for (i, d) in a.departments.iter().enumerate() {
            let sum: i64 = d.terms.iter().map(|t| t.contribution).sum();
            prop_assert_eq!(d.score, sum.max(0));
            prop_assert!(d.score <= 10000, "the default profile's positive weights add up to 100");
            prop_assert_eq!(d.grade, profile.grade(d.score));
            prop_assert_eq!(d.rank as usize, i + 1);
            if i > 0 {
                prop_assert!(a.departments[i - 1].score >= d.score);
            }
        }
    }

    #[test]
    fn a_sample_does_not_depend_on_reading_order(n in 0usize..60, size in 0u32..70, seed in any::<u64>(), by in 0usize..60) {
        let c: Vec<Candidate> = (0..n).map(|i| Candidate {
            object_type: if i % 3 == 0 { "removal".into() } else { "application".into() },
            object_id: format!("{i:04}"),
            department_code: "zrzy".into(),
            label: format!("{i}"),
            link: format!("/x/{i}"),
        }).collect();
        let mut other = c.clone();
        other.reverse();
        if !other.is_empty() { let k = by % other.len(); other.rotate_left(k); }
        let a = choose(&c, Some(Sample { size, seed }));
        prop_assert_eq!(&a, &choose(&other, Some(Sample { size, seed })));
        prop_assert_eq!(a.len(), (size as usize).min(n));
    }
}
