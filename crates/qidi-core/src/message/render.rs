//! A message ready for any channel, and what every message is written with: escaping, links, sentences, lines.

use super::MessageKind;
use crate::sentence::{Arg, Sentence, Words};
use serde::{Deserialize, Serialize};

/// A message ready for any channel: a subject, plain text, HTML and markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub kind: MessageKind,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub markdown: String,
    /// Path on this server of what the message is about, if one thing.
    pub link: Option<String>,
}

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Markdown robots render `*`, `_`, `[` and `]`; project names may contain them.
pub(super) fn md(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '*' | '_' | '[' | ']' | '`' | '#')).collect()
}

pub(super) fn url(base: &str, link: &str) -> String {
    format!("{}{link}", base.trim_end_matches('/'))
}

/// A sentence of a message, with its Chinese wording.
pub(super) fn sentence(key: &'static str, text: String) -> Sentence {
    Sentence::new(key, text)
}

pub(super) fn single(
    w: &dyn Words,
    kind: MessageKind,
    subject: String,
    lines: &[String],
    link: &str,
    base_url: &str,
) -> Message {
    let full = url(base_url, link);
    let view = w.say(sentence("msg-view", "查看".into()));
    let view_at = w.say(sentence("msg-view-at", format!("查看：{full}")).arg("url", full.as_str()));
    let text = format!("{subject}\n\n{}\n\n{view_at}\n", lines.join("\n"));
    let markdown = format!(
        "### {}\n\n{}\n\n[{view}]({full})",
        md(&subject),
        lines.iter().map(|l| format!("- {}", md(l))).collect::<Vec<_>>().join("\n")
    );
    let html = format!(
        "<p><strong>{}</strong></p><ul>{}</ul><p><a href=\"{}\">{}</a></p>",
        esc(&subject),
        lines.iter().map(|l| format!("<li>{}</li>", esc(l))).collect::<String>(),
        esc(&full),
        esc(&view)
    );
    Message { kind, subject, text, html, markdown, link: Some(link.to_string()) }
}

/// A line `label：value` of a message.
pub(super) fn field(
    w: &dyn Words,
    key: &'static str,
    zh: &str,
    name: &'static str,
    value: impl Into<Arg> + std::fmt::Display,
) -> String {
    let text = format!("{zh}：{value}");
    w.say(sentence(key, text).arg(name, value))
}
