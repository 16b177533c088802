//! Sentences for people that a page words in its reader's language.
//!
//! A refusal or a validation error keeps its Chinese wording where it is decided (its
//! `Display`, which the logs, the JSON API and the command line show). Beside it, it
//! names a catalogue key and the arguments that key takes, so that a page in another
//! language looks the key up instead. Chinese is the default language: its words live
//! here, in code, and the catalogues of other languages hold the `err-` keys.

use std::fmt;

/// One argument of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Data, shown as it is in every language: a name, a code, a date, a number.
    Text(String),
    /// A whole number, which a language may inflect around (1 day, 2 days).
    Number(i64),
    /// A code with a label in the catalogues (`<prefix>-<code>`, as the pages' `tc`):
    /// a state, a role, an item type's kind.
    Label { prefix: &'static str, code: &'static str },
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

impl From<chrono::NaiveDate> for Arg {
    fn from(d: chrono::NaiveDate) -> Self {
        Arg::Text(d.to_string())
    }
}

macro_rules! number_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_from!(i32, i64, u32, u64, usize);

/// An error whose sentence a page can word in another language.
pub trait Explain: fmt::Display {
    /// The catalogue key, `err-<area>-<what>`.
    fn key(&self) -> &'static str;
    /// The key's arguments by name.
    fn args(&self) -> Vec<(&'static str, Arg)> {
        Vec::new()
    }
    /// The sentence, with its Chinese wording.
    fn sentence(&self) -> Sentence {
        Sentence { key: Some(self.key()), args: self.args(), text: self.to_string() }
    }
}

/// A sentence for a person: its Chinese wording and, where it has one, its catalogue
/// key with arguments. A sentence without a key is shown as it is in every language
/// (an internal fault's English, a sentence a page already worded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub key: Option<&'static str>,
    pub args: Vec<(&'static str, Arg)>,
    pub text: String,
}

impl Sentence {
    /// A sentence with a catalogue key: `text` is its Chinese wording.
    pub fn new(key: &'static str, text: impl Into<String>) -> Sentence {
        Sentence { key: Some(key), args: Vec::new(), text: text.into() }
    }

    /// A sentence shown as it is in every language.
    pub fn plain(text: impl Into<String>) -> Sentence {
        Sentence { key: None, args: Vec::new(), text: text.into() }
    }

    /// This sentence with one more argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Sentence {
        self.args.push((name, value.into()));
        self
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Tests and callers that only read the Chinese may treat a sentence as text.
impl std::ops::Deref for Sentence {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq<str> for Sentence {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Sentence {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl From<String> for Sentence {
    fn from(text: String) -> Self {
        Sentence::plain(text)
    }
}

impl From<&str> for Sentence {
    fn from(text: &str) -> Self {
        Sentence::plain(text)
    }
}

impl<E: Explain> From<&E> for Sentence {
    fn from(e: &E) -> Self {
        e.sentence()
    }
}

/// The words a message is written in: each sentence in one language. Messages are
/// written per reader (a person's own language; Chinese for group channels and
/// documents); core says what each sentence is, the catalogues how it reads.
pub trait Words {
    fn say(&self, s: Sentence) -> String;
}

/// Words from a function, such as a catalogue's wording in one language.
impl<F: Fn(Sentence) -> String> Words for F {
    fn say(&self, s: Sentence) -> String {
        self(s)
    }
}

/// The Chinese every sentence carries.
pub struct InChinese;

impl Words for InChinese {
    fn say(&self, s: Sentence) -> String {
        s.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("第{row}行：缺少{field}")]
    struct Missing {
        row: usize,
        field: &'static str,
    }

    impl Explain for Missing {
        fn key(&self) -> &'static str {
            "err-test-missing"
        }
        fn args(&self) -> Vec<(&'static str, Arg)> {
            vec![("row", self.row.into()), ("field", self.field.into())]
        }
    }

    #[test]
    fn an_explained_error_keeps_its_chinese_and_names_its_key_and_arguments() {
        let s = Sentence::from(&Missing { row: 3, field: "项目代码" });
        assert_eq!(s.text, "第3行：缺少项目代码");
        assert_eq!(s.key, Some("err-test-missing"));
        assert_eq!(s.args, vec![("row", Arg::Number(3)), ("field", Arg::Text("项目代码".into()))]);
        assert_eq!(s, "第3行：缺少项目代码");
    }

    #[test]
    fn a_plain_sentence_has_no_key() {
        let s: Sentence = "bad row".into();
        assert_eq!(s.key, None);
        assert!(s.contains("bad"));
        let keyed =
            Sentence::new("err-x", "错").arg("n", 2u32).arg("on", chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        assert_eq!(keyed.args, vec![("n", Arg::Number(2)), ("on", Arg::Text("2026-01-02".into()))]);
    }
}
