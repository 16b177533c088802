//! Every word of every message, whichever file writes it, is said through the reader's words.

use super::fixtures::d;
use super::*;
use crate::light::Light;
use crate::sentence::{InChinese, Sentence, Words};
use crate::workflow::Action;

/// Words that show each sentence's key and arguments, not its Chinese.
struct Keys;

impl Words for Keys {
    fn say(&self, s: Sentence) -> String {
        let args: Vec<String> = s.args.iter().map(|(n, a)| format!("{n}={a:?}")).collect();
        s.key.map_or(s.text, |k| format!("<{k} {}>", args.join(" ")))
    }
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "【】，。：（）「」；、".contains(c))
}

#[test]
fn every_word_of_a_message_comes_from_its_words() {
    let item = |code: &str, light, over| LightItem {
        project_code: code.into(),
        project_name: "Wind farm".into(),
        item_type: "EIA".into(),
        department: "Ecology".into(),
        due_on: d("2026-03-12"),
        light,
        days_overdue: over,
        link: format!("/applications/{code}"),
    };
    let mut many: Vec<LightItem> = (0..DIGEST_LISTED + 2).map(|n| item(&format!("Y{n}"), Light::Yellow, 0)).collect();
    many.push(item("R", Light::Red, 2));
    let n = ApplicationNews {
        project_code: "C1",
        project_name: "Wind farm",
        item_type: "EIA",
        department: "Ecology",
        link: "/applications/1",
        what: step_news(&Action::Accept)
            .map(|s| match s {
                StepNews::Queue(s) | StepNews::ProjectUnit(s) => s,
            })
            .unwrap(),
        due_on: Some(d("2026-03-20")),
    };
    let on = d("2026-03-13");
    let messages = [
        light_digest(&Keys, on, &many.iter().collect(), "http://h"),
        new_application(&Keys, &n, "http://h"),
        applicant_update(&Keys, &n, "http://h"),
        missing_check_results(&Keys, "Ecology", on, ReportStage::Due, 3, "/ledger", "http://h"),
        missing_signature(&Keys, "Ecology", on, ReportStage::Overdue, "/ledger", "http://h"),
        missing_progress_report(
            &Keys,
            "Ecology",
            &Sentence::new("msg-period", "2026年3月"),
            on,
            ReportStage::Due,
            "/reports",
            "http://h",
        ),
        bulletin_issued(&Keys, "No. 1", "Overdue approvals", 4, "/bulletins/1", "http://h"),
        hotline_news(
            &Keys,
            HotlineNews::Urging { days_overdue: 2 },
            "H-1",
            crate::hotline::Category::Delay,
            Some("Wind farm"),
            Some(on),
            "/hotline/1",
            "http://h",
        ),
        hotline_news(
            &Keys,
            HotlineNews::Assigned,
            "H-1",
            crate::hotline::Category::Delay,
            None,
            None,
            "/hotline/1",
            "http://h",
        ),
        hotline_news(
            &Keys,
            HotlineNews::Escalated { reopenings: 4 },
            "H-1",
            crate::hotline::Category::Delay,
            None,
            None,
            "/hotline/1",
            "http://h",
        ),
        channel_test(&Keys, "mailbox", "http://h"),
    ];
    for m in &messages {
        for part in [&m.subject, &m.text, &m.html, &m.markdown] {
            assert!(!has_chinese(part), "a Chinese word not said through the words: {part}");
        }
    }
    // The same messages in Chinese are Chinese.
    assert!(has_chinese(&light_digest(&InChinese, on, &many.iter().collect(), "http://h").text));
    assert!(messages[0].text.contains("<msg-digest-more more=Number(3)>"), "{}", messages[0].text);
    assert!(messages[0].html.contains("&lt;msg-light light=Label"), "{}", &messages[0].html[..400]);
    // Every step's news is a keyed sentence.
    let notice: crate::workflow::OneTimeNotice = serde_json::from_value(serde_json::json!({"problems": []})).unwrap();
    for action in [Action::Submit { materials: vec![] }, Action::Accept, Action::Return { notice }] {
        let Some(StepNews::Queue(s) | StepNews::ProjectUnit(s)) = step_news(&action) else { panic!("{action:?}") };
        assert!(s.key.is_some_and(|k| k.starts_with("msg-step-")), "{s:?}");
    }
}

#[test]
fn the_office_and_the_system_administrator_read_the_send_log() {
    let reading: Vec<crate::Role> = crate::role::ALL_ROLES.into_iter().filter(|r| may_read_send_log(*r)).collect();
    assert_eq!(reading, [crate::Role::Office, crate::Role::Admin]);
    let setting: Vec<crate::Role> = crate::role::ALL_ROLES.into_iter().filter(|r| may_set_policy(*r)).collect();
    assert_eq!(setting, [crate::Role::Admin]);
}
