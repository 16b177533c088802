//! Light changes: who hears of one, when a clock's light changed, and the daily digest that lists them.

use super::render::{esc, md, sentence, url};
use super::{Message, MessageKind};
use crate::calendar::WorkCalendar;
use crate::light::Light;
use crate::sentence::{Arg, Sentence, Words};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Borrow;
use std::fmt::Write;

/// Who hears of a light change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightAudience {
    /// The handler who holds the clock (or the department's handlers while none does).
    pub holder: bool,
    pub department_head: bool,
    /// The sweep office (清理办), at red only.
    pub office: bool,
}

/// Yellow: the holder and the department head. Red: the sweep office as well.
pub fn light_audience(light: Light) -> Option<LightAudience> {
    match light {
        Light::Green => None,
        Light::Yellow => Some(LightAudience { holder: true, department_head: true, office: false }),
        Light::Red => Some(LightAudience { holder: true, department_head: true, office: true }),
    }
}

/// The light a clock changed to, if it changed since the last run. `since` is the day
/// of the previous run (`None`: there was none, so every yellow or red clock counts).
/// A clock that turned red is reported red only, even if it passed yellow too.
pub fn light_change(due_on: NaiveDate, warn_on: NaiveDate, since: Option<NaiveDate>, on: NaiveDate) -> Option<Light> {
    let now = crate::light::light(on, due_on, warn_on);
    let before = since.map_or(Light::Green, |s| crate::light::light(s, due_on, warn_on));
    (now > before).then_some(now)
}

/// One item in a light digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LightItem {
    pub project_code: String,
    pub project_name: String,
    pub item_type: String,
    pub department: String,
    pub due_on: NaiveDate,
    pub light: Light,
    /// Working days after the due date up to and including the run's day.
    pub days_overdue: i64,
    /// Path on this server, e.g. `/applications/ID`.
    pub link: String,
}

impl LightItem {
    pub fn days_overdue_on(calendar: &WorkCalendar, due_on: NaiveDate, on: NaiveDate) -> i64 {
        calendar.working_days_overdue(due_on, on)
    }
}

/// A digest lists at most this many items and counts the rest: the first run over a
/// region-sized ledger lights tens of thousands of items at once, and nobody reads (or
/// any robot accepts) a message that long.
pub const DIGEST_LISTED: usize = 200;

/// The items of one light digest as a run finds them: the first [`DIGEST_LISTED`] in
/// the digest's order are kept, the others only counted. A run over a region-sized
/// ledger finds hundreds of thousands of changes for the office alone; keeping them
/// all until the end held the server at over a gigabyte.
#[derive(Debug, Clone)]
pub struct DigestItems<I> {
    listed: Vec<I>,
    red: usize,
    yellow: usize,
}

impl<I> Default for DigestItems<I> {
    fn default() -> Self {
        Self { listed: Vec::new(), red: 0, yellow: 0 }
    }
}

/// Red first, then by due date, then by project code.
fn digest_order(a: &LightItem, b: &LightItem) -> std::cmp::Ordering {
    b.light.cmp(&a.light).then(a.due_on.cmp(&b.due_on)).then(a.project_code.cmp(&b.project_code))
}

impl<I: Borrow<LightItem>> DigestItems<I> {
    pub fn push(&mut self, item: I) {
        match item.borrow().light {
            Light::Red => self.red += 1,
            _ => self.yellow += 1,
        }
        self.listed.push(item);
        // Trimmed in batches: one sort per DIGEST_LISTED items pushed.
        if self.listed.len() >= 2 * DIGEST_LISTED {
            self.trim();
        }
    }

    /// Every item pushed, listed or not.
    pub fn len(&self) -> usize {
        self.red + self.yellow
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn trim(&mut self) {
        self.listed.sort_by(|a, b| digest_order(a.borrow(), b.borrow()));
        self.listed.truncate(DIGEST_LISTED);
    }

    /// The items the digest lists, in its order.
    pub fn listed(&self) -> Vec<&LightItem> {
        let mut listed: Vec<&LightItem> = self.listed.iter().map(Borrow::borrow).collect();
        listed.sort_by(|a, b| digest_order(a, b));
        listed.truncate(DIGEST_LISTED);
        listed
    }
}

impl<I: Borrow<LightItem>> FromIterator<I> for DigestItems<I> {
    fn from_iter<T: IntoIterator<Item = I>>(iter: T) -> Self {
        let mut d = Self::default();
        for i in iter {
            d.push(i);
        }
        d
    }
}

/// A light's label as an argument: its Chinese, or its catalogue label.
fn light_arg(l: Light) -> Arg {
    Arg::Label { prefix: "light", code: l.as_str() }
}

/// One item of a digest in one line: `[红灯] 名称（代码）事项，部门，时限 …`.
fn digest_line(w: &dyn Words, i: &LightItem, clean: fn(&str) -> String) -> String {
    let overdue = if i.days_overdue > 0 {
        w.say(
            sentence("msg-digest-overdue", format!("，已超期 {} 个工作日", i.days_overdue)).arg("days", i.days_overdue),
        )
    } else {
        String::new()
    };
    let (name, item_type, department) = (clean(&i.project_name), clean(&i.item_type), clean(&i.department));
    w.say(
        sentence(
            "msg-digest-line",
            format!(
                "[{}] {name}（{}）{item_type}，{department}，时限 {}{overdue}",
                i.light.label_zh(),
                i.project_code,
                i.due_on
            ),
        )
        .arg("light", light_arg(i.light))
        .arg("name", name.as_str())
        .arg("code", i.project_code.as_str())
        .arg("item_type", item_type.as_str())
        .arg("department", department.as_str())
        .arg("due", i.due_on)
        .arg("overdue", overdue),
    )
}

fn same(s: &str) -> String {
    s.to_string()
}

/// One message per person, channel and day listing the items whose light changed: red
/// first, then by due date, at most [`DIGEST_LISTED`] and a count of the rest. `base_url`
/// makes links absolute for email and robots.
pub fn light_digest<I: Borrow<LightItem>>(
    w: &dyn Words,
    on: NaiveDate,
    items: &DigestItems<I>,
    base_url: &str,
) -> Message {
    let (red, yellow) = (items.red, items.yellow);
    let listed = items.listed();
    let more = items.len() - listed.len();
    let subject = w.say(match (red, yellow) {
        (0, y) => sentence("msg-digest-subject-yellow", format!("【黄灯预警】{on} 有 {y} 个事项临近办理时限"))
            .arg("on", on)
            .arg("yellow", y),
        (r, 0) => sentence("msg-digest-subject-red", format!("【红灯预警】{on} 有 {r} 个事项已超期"))
            .arg("on", on)
            .arg("red", r),
        (r, y) => {
            sentence("msg-digest-subject-both", format!("【红灯预警】{on} 有 {r} 个事项已超期，{y} 个事项临近时限"))
                .arg("on", on)
                .arg("red", r)
                .arg("yellow", y)
        }
    });
    let view = w.say(sentence("msg-view", "查看".into()));
    let mut text = format!("{subject}\n\n");
    let mut markdown = format!("### {subject}\n\n");
    let heads: String = [
        ("msg-digest-col-light", "灯"),
        ("msg-digest-col-code", "项目代码"),
        ("msg-digest-col-name", "项目名称"),
        ("msg-digest-col-item-type", "审批事项"),
        ("msg-digest-col-department", "办理部门"),
        ("msg-digest-col-due", "办理时限"),
        ("msg-digest-col-overdue", "超期工作日"),
    ]
    .into_iter()
    .map(|(key, zh)| format!("<th>{}</th>", esc(&w.say(sentence(key, zh.into())))))
    .collect();
    let mut html = format!(
        "<p>{}</p><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><thead><tr>{heads}<th></th></tr></thead><tbody>",
        esc(&subject)
    );
    for (n, i) in listed.iter().enumerate() {
        let link = url(base_url, &i.link);
        let _ = writeln!(text, "{}. {}\n   {link}", n + 1, digest_line(w, i, same));
        let _ = writeln!(markdown, "{}. {} [{view}]({link})", n + 1, digest_line(w, i, md));
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
            esc(&w.say(Sentence::new("msg-light", i.light.label_zh()).arg("light", light_arg(i.light)))),
            esc(&i.project_code),
            esc(&i.project_name),
            esc(&i.item_type),
            esc(&i.department),
            i.due_on,
            i.days_overdue,
            esc(&link),
            esc(&view)
        );
    }
    html.push_str("</tbody></table>");
    if more > 0 {
        let line =
            w.say(sentence("msg-digest-more", format!("另有 {more} 个事项未列出，请登录系统查看。")).arg("more", more));
        let _ = write!(html, "<p>{}</p>", esc(&line));
        let _ = writeln!(text, "\n{line}");
        let _ = writeln!(markdown, "\n{line}");
    }
    let footer = w.say(sentence("msg-digest-footer", "请及时办理。超期情况将计入月度通报和部门考核。".into()));
    let _ = write!(html, "<p>{}</p>", esc(&footer));
    let _ = writeln!(text, "\n{footer}");
    let _ = write!(markdown, "\n{footer}");
    Message { kind: MessageKind::LightChange, subject, text, html, markdown, link: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::fixtures::d;
    use crate::sentence::InChinese;

    #[test]
    fn who_hears_of_a_light() {
        assert_eq!(light_audience(Light::Green), None);
        assert!(!light_audience(Light::Yellow).unwrap().office);
        let red = light_audience(Light::Red).unwrap();
        assert!(red.holder && red.department_head && red.office);
    }

    #[test]
    fn light_changes_between_runs() {
        let (warn, due) = (d("2026-03-10"), d("2026-03-12"));
        // Before yellow: nothing; on the warning day: yellow; once only.
        assert_eq!(light_change(due, warn, Some(d("2026-03-06")), d("2026-03-09")), None);
        assert_eq!(light_change(due, warn, Some(d("2026-03-09")), d("2026-03-10")), Some(Light::Yellow));
        assert_eq!(light_change(due, warn, Some(d("2026-03-10")), d("2026-03-11")), None);
        // The due day itself is on time; red the day after.
        assert_eq!(light_change(due, warn, Some(d("2026-03-11")), d("2026-03-12")), None);
        assert_eq!(light_change(due, warn, Some(d("2026-03-12")), d("2026-03-13")), Some(Light::Red));
        // Skipping yellow (the server was down): red only.
        assert_eq!(light_change(due, warn, Some(d("2026-03-05")), d("2026-03-16")), Some(Light::Red));
        // No previous run: whatever is lit now.
        assert_eq!(light_change(due, warn, None, d("2026-03-11")), Some(Light::Yellow));
        assert_eq!(light_change(due, warn, None, d("2026-03-09")), None);
    }

    #[test]
    fn the_digest_lists_every_item_red_first() {
        let item = |code: &str, light, due: &str, over| LightItem {
            project_code: code.into(),
            project_name: "风电*项目".into(),
            item_type: "环境影响评价".into(),
            department: "旗生态环境分局".into(),
            due_on: d(due),
            light,
            days_overdue: over,
            link: format!("/applications/{code}"),
        };
        let items: DigestItems<LightItem> =
            [item("A", Light::Yellow, "2026-03-16", 0), item("B", Light::Red, "2026-03-12", 1)].into_iter().collect();
        let m = light_digest(&InChinese, d("2026-03-13"), &items, "http://qidi.example/");
        assert_eq!(m.subject, "【红灯预警】2026-03-13 有 1 个事项已超期，1 个事项临近时限");
        let b = m.text.find("（B）").unwrap();
        let a = m.text.find("（A）").unwrap();
        assert!(b < a, "red first: {}", m.text);
        assert!(m.text.contains("已超期 1 个工作日"));
        assert!(m.text.contains("http://qidi.example/applications/B"));
        assert!(m.markdown.contains("[查看](http://qidi.example/applications/A)"));
        assert!(!m.markdown.contains("风电*"), "markdown specials are dropped");
        assert!(m.html.contains("<td>风电*项目</td>"));
    }

    #[test]
    fn a_long_digest_lists_the_first_and_counts_the_rest() {
        let item = |n: usize, light| LightItem {
            project_code: format!("P{n:04}"),
            project_name: "项目".into(),
            item_type: "环境影响评价".into(),
            department: "旗生态环境分局".into(),
            due_on: d("2026-03-16"),
            light,
            days_overdue: 0,
            link: format!("/projects/{n}"),
        };
        // The one red item comes last in, and is listed first.
        let mut items: Vec<LightItem> = (0..DIGEST_LISTED + 5).map(|n| item(n, Light::Yellow)).collect();
        items.push(item(9999, Light::Red));
        let m = light_digest(&InChinese, d("2026-03-13"), &items.iter().collect(), "http://qidi.example");
        assert!(m.subject.contains(&format!("{} 个事项临近时限", DIGEST_LISTED + 5)), "{}", m.subject);
        assert_eq!(m.html.matches("<tr><td>").count(), DIGEST_LISTED);
        assert_eq!(m.text.matches("http://qidi.example/projects/").count(), DIGEST_LISTED);
        assert!(m.text.starts_with(&m.subject) && m.text.contains("1. [红灯] 项目（P9999）"), "{}", &m.text[..300]);
        for body in [&m.text, &m.html, &m.markdown] {
            assert!(body.contains("另有 6 个事项未列出，请登录系统查看。"));
        }
        let short = light_digest(&InChinese, d("2026-03-13"), &items[..3].iter().collect(), "http://qidi.example");
        assert!(!short.text.contains("未列出"));
    }

    proptest::proptest! {
        /// Gathered one at a time and trimmed on the way, a digest keeps exactly the
        /// items a sort of all of them would list first, and counts every one.
        #[test]
        fn a_digest_gathered_one_by_one_lists_what_a_full_sort_would(
            found in proptest::collection::vec((proptest::bool::ANY, 0u32..40, 0u32..3000), 0..1500)
        ) {
            let items: Vec<LightItem> = found
                .iter()
                .map(|&(red, day, code)| LightItem {
                    project_code: format!("P{code:05}"),
                    project_name: "项目".into(),
                    item_type: "环境影响评价".into(),
                    department: "旗生态环境分局".into(),
                    due_on: d("2026-03-01") + chrono::Days::new(day.into()),
                    light: if red { Light::Red } else { Light::Yellow },
                    days_overdue: 0,
                    link: String::new(),
                })
                .collect();
            let mut gathered: DigestItems<&LightItem> = items.iter().collect();
            gathered.trim();
            let mut all: Vec<&LightItem> = items.iter().collect();
            all.sort_by(|a, b| digest_order(a, b));
            all.truncate(DIGEST_LISTED);
            proptest::prop_assert_eq!(&gathered.listed, &all);
            proptest::prop_assert_eq!(gathered.red, found.iter().filter(|f| f.0).count());
            proptest::prop_assert_eq!(gathered.len(), found.len());
        }
    }
}
