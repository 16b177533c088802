//! Scoring: each department's terms with the facts behind them, its score, grade and rank.

use super::{
    centi_text, Centi, ClockGroup, CountedFact, DepartmentRef, EndedClock, EntryFact, Facts, Grade, Link, Period,
    Profile, Rating,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One term of a score: what it is, its value, its weight, what it added or took off,
/// and the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub key: String,
    pub label: String,
    /// The value in words: "4/5（80%）", "2 件".
    pub value: String,
    /// The weight in words: "15 分" or "每件 -3 分"; "—" for a term shown only.
    pub weight: String,
    pub contribution: Centi,
    pub links: Vec<Link>,
}

/// Average working days of the decision clocks of one item type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTypeDays {
    pub item_type: String,
    pub clocks: u32,
    /// In hundredths of a day.
    pub average: Centi,
}

/// A department's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentScore {
    pub department_code: String,
    pub department: String,
    pub score: Centi,
    pub grade: Grade,
    pub rank: u32,
    pub terms: Vec<Term>,
    pub average_days: Vec<ItemTypeDays>,
    pub online: bool,
}

/// A period's assessment of every department, ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub period: Period,
    pub profile: Profile,
    pub departments: Vec<DepartmentScore>,
}

fn sorted_links<'a>(it: impl Iterator<Item = &'a Link>) -> Vec<Link> {
    let mut v: Vec<Link> = it.cloned().collect();
    v.sort();
    v
}

fn percent_text(num: u64, den: u64) -> String {
    // Per mille, rounded down, as the bulletin shows rates.
    let p = num * 1000 / den;
    format!("{num}/{den}（{}.{}%）", p / 10, p % 10)
}

/// `weight × num / den`, rounded down to the hundredth.
fn share(weight: Centi, num: u64, den: u64) -> Centi {
    (i128::from(weight) * i128::from(num) / i128::from(den)) as Centi
}

/// Score every department of `facts` by `profile`, and rank them: higher score
/// first, then department code. The order of the facts does not matter.
pub fn assess(period: &Period, profile: &Profile, facts: &Facts) -> Assessment {
    let mut departments: Vec<&DepartmentRef> = facts.departments.iter().collect();
    departments.sort_by(|a, b| a.code.cmp(&b.code));
    departments.dedup_by(|a, b| a.code == b.code);
    let mut scores: Vec<DepartmentScore> = departments.iter().map(|d| score_department(profile, facts, d)).collect();
    scores.sort_by(|a, b| b.score.cmp(&a.score).then(a.department_code.cmp(&b.department_code)));
    for (i, s) in scores.iter_mut().enumerate() {
        s.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    Assessment { period: period.clone(), profile: profile.clone(), departments: scores }
}

fn score_department(profile: &Profile, facts: &Facts, d: &DepartmentRef) -> DepartmentScore {
    let mine = |f: &&CountedFact| f.department_code == d.code;
    let mut terms = Vec::new();
    let empty = |weight: Centi| if profile.empty_gets_full { weight } else { 0 };
    let empty_text = if profile.empty_gets_full { "无记录（按满分计）" } else { "无记录（不得分）" };

    let clocks: Vec<&EndedClock> = facts.ended_clocks.iter().filter(|c| c.department_code == d.code).collect();
    for (group, key, label, weight) in [
        (ClockGroup::Notice, "notice", "补正告知按时率", profile.notice_weight),
        (ClockGroup::InitialReview, "initial_review", "初审按时率", profile.initial_review_weight),
        (ClockGroup::Forward, "forward", "转报按时率", profile.forward_weight),
        (ClockGroup::Decision, "decision", "承诺时限内办结率", profile.decision_weight),
    ] {
        let of: Vec<&&EndedClock> =
            clocks.iter().filter(|c| ClockGroup::of(&c.kind, &c.ended_by) == Some(group)).collect();
        let on_time = of.iter().filter(|c| c.outcome == "on_time").count() as u64;
        let total = of.len() as u64;
        let (value, contribution) = if total == 0 {
            (empty_text.to_string(), empty(weight))
        } else {
            (percent_text(on_time, total), share(weight, on_time, total))
        };
        // The links behind a rate: the clocks that were not on time.
        terms.push(Term {
            key: key.into(),
            label: label.into(),
            value,
            weight: format!("{} 分", centi_text(weight)),
            contribution,
            links: sorted_links(of.iter().filter(|c| c.outcome != "on_time").map(|c| &c.link)),
        });
    }

    let ratings: Vec<&Rating> = facts.ratings.iter().filter(|r| r.department_code == d.code).collect();
    let satisfied = ratings.iter().filter(|r| r.satisfied).count() as u64;
    let (value, contribution) = if ratings.is_empty() {
        (empty_text.to_string(), empty(profile.satisfaction_weight))
    } else {
        (
            percent_text(satisfied, ratings.len() as u64),
            share(profile.satisfaction_weight, satisfied, ratings.len() as u64),
        )
    };
    terms.push(Term {
        key: "satisfaction".into(),
        label: "来电人满意率".into(),
        value,
        weight: format!("{} 分", centi_text(profile.satisfaction_weight)),
        contribution,
        links: sorted_links(ratings.iter().map(|r| &r.link)),
    });

    let online: Vec<&CountedFact> = facts.online.iter().filter(mine).collect();
    terms.push(Term {
        key: "online".into(),
        label: "网上办理".into(),
        value: if online.is_empty() {
            "本期无网上受理的申请".into()
        } else {
            format!("是（本期网上申请 {} 件）", online.len())
        },
        weight: format!("{} 分", centi_text(profile.online_weight)),
        contribution: if online.is_empty() { 0 } else { profile.online_weight },
        links: sorted_links(online.iter().map(|f| &f.link)),
    });

    let entries: Vec<&EntryFact> = facts.entries.iter().filter(|e| e.department_code == d.code).collect();
    let (value, contribution) = if entries.is_empty() {
        (empty_text.to_string(), empty(profile.entries_weight))
    } else {
        let sum: i64 = entries.iter().map(|e| e.score.clamp(0, 10000)).sum();
        let n = entries.len() as i64;
        // weight × (average score / 100 points): sum / (n × 10000).
        let c = (i128::from(profile.entries_weight) * i128::from(sum) / (i128::from(n) * 10000)) as Centi;
        (format!("{} 条，平均 {} 分", n, centi_text(sum / n)), c)
    };
    terms.push(Term {
        key: "entries".into(),
        label: "立项部门评价".into(),
        value,
        weight: format!("{} 分", centi_text(profile.entries_weight)),
        contribution,
        links: sorted_links(entries.iter().map(|e| &e.link)),
    });

    for (key, label, list, per) in [
        ("breaches", "违反一次性告知", &facts.breaches, profile.breach_deduction),
        ("deemed", "视为受理", &facts.deemed, profile.deemed_deduction),
        ("overdue", "超期事项", &facts.overdue, profile.overdue_deduction),
        ("complaints", "收到投诉", &facts.complaints, profile.complaint_deduction),
        ("substantiated", "投诉属实", &facts.substantiated, profile.substantiated_deduction),
        ("late_reports", "信息报送迟报漏报", &facts.late_reports, profile.late_report_deduction),
    ] {
        let of: Vec<&CountedFact> = list.iter().filter(mine).collect();
        terms.push(Term {
            key: key.into(),
            label: label.into(),
            value: format!("{} 件", of.len()),
            weight: format!("每件 -{} 分", centi_text(per)),
            contribution: -(per * of.len() as i64),
            links: sorted_links(of.iter().map(|f| &f.link)),
        });
    }

    let score = terms.iter().map(|t| t.contribution).sum::<Centi>().max(0);

    // Average working days per item type, over the decision clocks that ended.
    let mut days: BTreeMap<&str, (u32, i64)> = BTreeMap::new();
    for c in clocks.iter().filter(|c| ClockGroup::of(&c.kind, &c.ended_by) == Some(ClockGroup::Decision)) {
        let e = days.entry(c.item_type.as_str()).or_default();
        e.0 += 1;
        e.1 += c.days_used;
    }
    let average_days = days
        .into_iter()
        .map(|(t, (n, sum))| ItemTypeDays { item_type: t.to_string(), clocks: n, average: sum * 100 / i64::from(n) })
        .collect();

    DepartmentScore {
        department_code: d.code.clone(),
        department: d.name.clone(),
        score,
        grade: profile.grade(score),
        rank: 0,
        terms,
        average_days,
        online: !online.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Link {
        Link { label: s.into(), href: format!("/x/{s}") }
    }

    fn fact(d: &str, s: &str) -> CountedFact {
        CountedFact { department_code: d.into(), link: link(s) }
    }

    fn clock(d: &str, kind: &str, outcome: &str, days: i64, s: &str) -> EndedClock {
        EndedClock {
            department_code: d.into(),
            kind: kind.into(),
            ended_by: if kind == "review" || kind == "extension" { "approve".into() } else { "accept".into() },
            outcome: outcome.into(),
            item_type: "环评".into(),
            days_used: days,
            link: link(s),
        }
    }

    #[test]
    fn a_department_scored_term_by_term() {
        let facts = Facts {
            departments: vec![DepartmentRef { code: "zrzy".into(), name: "自然资源局".into() }],
            ended_clocks: vec![
                clock("zrzy", "notice_due", "on_time", 1, "a"),
                clock("zrzy", "notice_due", "deemed", 3, "b"),
                clock("zrzy", "review", "on_time", 10, "a"),
                clock("zrzy", "review", "late", 22, "c"),
                clock("zrzy", "extension", "on_time", 15, "d"),
            ],
            breaches: vec![fact("zrzy", "a")],
            deemed: vec![fact("zrzy", "b")],
            overdue: vec![fact("zrzy", "c")],
            complaints: vec![fact("zrzy", "h1"), fact("zrzy", "h2")],
            substantiated: vec![fact("zrzy", "h1")],
            ratings: vec![
                Rating { department_code: "zrzy".into(), satisfied: true, link: link("h1") },
                Rating { department_code: "zrzy".into(), satisfied: false, link: link("h2") },
            ],
            late_reports: vec![],
            online: vec![fact("zrzy", "a")],
            entries: vec![EntryFact {
                department_code: "zrzy".into(),
                by_department: "发改委".into(),
                score: 8000,
                comment: "配合较好".into(),
                link: link("e1"),
            }],
        };
        let p = Profile::default();
        let a = assess(&Period::parse("2026-05").unwrap(), &p, &facts);
        let s = &a.departments[0];
        let c = |k: &str| s.terms.iter().find(|t| t.key == k).unwrap().contribution;
        assert_eq!(c("notice"), 750); // 15 × 1/2
        assert_eq!(c("initial_review"), 1500); // none: full
        assert_eq!(c("forward"), 1000);
        assert_eq!(c("decision"), 1333); // 20 × 2/3 = 13.333
        assert_eq!(c("satisfaction"), 750);
        assert_eq!(c("online"), 1000);
        assert_eq!(c("entries"), 1200); // 15 × 0.8
        assert_eq!(c("breaches"), -300);
        assert_eq!(c("deemed"), -200);
        assert_eq!(c("overdue"), -200);
        assert_eq!(c("complaints"), -100);
        assert_eq!(c("substantiated"), -500);
        assert_eq!(s.score, 750 + 1500 + 1000 + 1333 + 750 + 1000 + 1200 - 300 - 200 - 200 - 100 - 500);
        assert_eq!(s.score, 6233);
        assert_eq!(s.grade, Grade::Pass);
        assert_eq!(s.average_days, vec![ItemTypeDays { item_type: "环评".into(), clocks: 3, average: 1566 }]);
        let notice = s.terms.iter().find(|t| t.key == "notice").unwrap();
        assert_eq!(notice.links, vec![link("b")]);
        assert_eq!(notice.value, "1/2（50.0%）");
    }
}
