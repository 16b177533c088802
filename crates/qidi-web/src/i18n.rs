//! The pages' languages (R23): Fluent string catalogues, the language of each request,
//! and the switch between languages.
//!
//! Simplified Chinese (`zh-CN`) is the default and the fallback for any message another
//! language lacks. The catalogues ship in `locales/<tag>/*.ftl` (embedded at build time);
//! `QIDI_LOCALES_DIR` may name a directory of the same shape, read at start-up, so that a
//! translator adds a language (Mongolian, say) or corrects a message without a build.
//!
//! A request's language comes from, in order: the `qidi_lang` cookie (set by the switch,
//! and at sign-in from the user's saved choice), then `Accept-Language`, then `zh-CN`.
//! It is kept in a task-local for the request, so that a template says `t("key")`
//! without every page struct carrying the language.

use axum::extract::{Form, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use qidi_core::sentence::{Arg as SentenceArg, Explain, Sentence};
use serde::Deserialize;
use std::path::Path;
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// The default language, and the fallback for a message another language lacks.
pub const DEFAULT: &str = "zh-CN";
/// The cookie that carries a browser's chosen language.
pub const LANGUAGE_COOKIE: &str = "qidi_lang";

struct Language {
    tag: String,
    bundle: FluentBundle<FluentResource>,
    /// Message identifiers, for the completeness tests.
    keys: std::collections::BTreeSet<String>,
}

/// Every language's catalogue; the first is [`DEFAULT`].
pub struct Catalogues {
    languages: Vec<Language>,
    /// What did not parse, as `tag/file: error`; empty when all is well.
    pub problems: Vec<String>,
}

impl Catalogues {
    /// The catalogues built into the binary.
    pub fn embedded() -> Self {
        let mut c = Catalogues { languages: Vec::new(), problems: Vec::new() };
        for (tag, file, text) in CATALOGUES {
            c.add(tag, file, text.to_string());
        }
        c.order();
        c
    }

    /// The embedded catalogues, with every `<dir>/<tag>/*.ftl` added over them (a message
    /// in the directory replaces the embedded one of the same key).
    pub fn with_directory(dir: &Path) -> Self {
        let mut c = Self::embedded();
        let Ok(languages) = std::fs::read_dir(dir) else {
            c.problems.push(format!("{}: cannot read the directory", dir.display()));
            return c;
        };
        let mut languages: Vec<_> = languages.flatten().filter(|e| e.path().is_dir()).collect();
        languages.sort_by_key(|e| e.file_name());
        for language in languages {
            let tag = language.file_name().to_string_lossy().into_owned();
            let mut files: Vec<_> =
                std::fs::read_dir(language.path()).map(|d| d.flatten().collect()).unwrap_or_default();
            files.sort_by_key(|e| e.file_name());
            for file in files.iter().filter(|f| f.path().extension().is_some_and(|x| x == "ftl")) {
                let name = file.file_name().to_string_lossy().into_owned();
                match std::fs::read_to_string(file.path()) {
                    Ok(text) => c.add(&tag, &name, text),
                    Err(e) => c.problems.push(format!("{tag}/{name}: {e}")),
                }
            }
        }
        c.order();
        c
    }

    fn add(&mut self, tag: &str, file: &str, text: String) {
        let Ok(id) = tag.parse::<LanguageIdentifier>() else {
            self.problems.push(format!("{tag}/{file}: `{tag}` is not a language tag"));
            return;
        };
        let keys = message_keys(&text);
        let resource = match FluentResource::try_new(text) {
            Ok(r) => r,
            Err((r, errors)) => {
                self.problems.extend(errors.iter().map(|e| format!("{tag}/{file}: {e:?}")));
                r
            }
        };
        let i = match self.languages.iter().position(|l| l.tag == tag) {
            Some(i) => i,
            None => {
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Fluent wraps arguments in bidirectional isolation marks by default; the
                // pages are left-to-right, and the marks would show in copied text.
                bundle.set_use_isolating(false);
                self.languages.push(Language { tag: tag.to_string(), bundle, keys: Default::default() });
                self.languages.len() - 1
            }
        };
        let language = &mut self.languages[i];
        language.bundle.add_resource_overriding(resource);
        language.keys.extend(keys);
    }

    /// The default language first, the rest by tag.
    fn order(&mut self) {
        self.languages.sort_by(|a, b| (a.tag != DEFAULT, &a.tag).cmp(&(b.tag != DEFAULT, &b.tag)));
    }

    /// The tags of the languages held, the default first.
    pub fn tags(&self) -> Vec<&str> {
        self.languages.iter().map(|l| l.tag.as_str()).collect()
    }

    /// The message keys of one language.
    pub fn keys(&self, tag: &str) -> Vec<&str> {
        self.index(tag).map(|i| self.languages[i].keys.iter().map(String::as_str).collect()).unwrap_or_default()
    }

    fn index(&self, tag: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.tag.eq_ignore_ascii_case(tag))
    }

    /// The language for a request: the cookie's if held, else the best of
    /// `Accept-Language`, else the default (index 0).
    pub fn negotiate(&self, cookie: Option<&str>, accept_language: Option<&str>) -> usize {
        if let Some(i) = cookie.and_then(|c| self.index(c)) {
            return i;
        }
        let mut wanted: Vec<(f32, &str)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, tag))
            })
            .collect();
        // Stable: equal weights keep the browser's order.
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in wanted {
            if let Some(i) = self.index(tag) {
                return i;
            }
            // `en-GB` takes `en`; `zh-TW` takes `zh-CN`.
            let primary = tag.split('-').next().unwrap_or(tag);
            if let Some(i) = self
                .languages
                .iter()
                .position(|l| l.tag.split('-').next().is_some_and(|p| p.eq_ignore_ascii_case(primary)))
            {
                return i;
            }
        }
        0
    }

    /// The message `key` in language `lang`, falling back to the default language, then
    /// to the key itself (which the tests forbid).
    pub fn format(&self, lang: usize, key: &str, args: Option<&FluentArgs>) -> String {
        for language in [self.languages.get(lang), self.languages.first()].into_iter().flatten() {
            if let Some(pattern) = language.bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = language.bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(key, language = %language.tag, ?errors, "a message did not format cleanly");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(key, "no such message in the string catalogues");
        key.to_string()
    }

    /// Whether language `tag` has its own message `key` (not by fallback).
    pub fn has(&self, tag: &str, key: &str) -> bool {
        self.index(tag).is_some_and(|i| self.languages[i].bundle.has_message(key))
    }
}

/// The identifiers of the messages (not terms) in an FTL text: a line that starts in the
/// first column with an identifier and `=`.
fn message_keys(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(str::to_string)
        .collect()
}

static CATALOGUES_LOADED: OnceLock<Catalogues> = OnceLock::new();

/// The catalogues of this process: the embedded ones, with `QIDI_LOCALES_DIR` over them.
pub fn catalogues() -> &'static Catalogues {
    CATALOGUES_LOADED.get_or_init(|| {
        let c = match std::env::var_os("QIDI_LOCALES_DIR") {
            Some(dir) => Catalogues::with_directory(Path::new(&dir)),
            None => Catalogues::embedded(),
        };
        for p in &c.problems {
            tracing::error!(problem = %p, "string catalogue problem");
        }
        c
    })
}

/// What a request's pages need to know of it.
#[derive(Clone)]
struct RequestLanguage {
    lang: usize,
    /// The path and query of the page this answer stands for, for the language switch
    /// to come back to: the request's own, or for a form's answer (a POST) the page the
    /// form was on, since the form's address cannot be fetched again.
    here: String,
    /// Whether the answer is to a form (a POST): its address is not the page's.
    posted: bool,
    /// The page of this site the request came from (its `Referer`), for a way back.
    back: Option<String>,
}

tokio::task_local! {
    static REQUEST: RequestLanguage;
}

fn current() -> usize {
    REQUEST.try_with(|r| r.lang).unwrap_or(0)
}

/// A value a message can take as an argument.
pub trait Arg {
    fn value(&self) -> FluentValue<'static>;
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn value(&self) -> FluentValue<'static> {
                FluentValue::from(*self)
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize, f64);

impl Arg for str {
    fn value(&self) -> FluentValue<'static> {
        FluentValue::from(self.to_string())
    }
}

impl Arg for String {
    fn value(&self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

impl<T: Arg + ?Sized> Arg for &T {
    fn value(&self) -> FluentValue<'static> {
        (**self).value()
    }
}

/// The message `key` in the request's language.
pub fn t(key: &str) -> String {
    catalogues().format(current(), key, None)
}

/// The message `key` with one argument.
pub fn t1(key: &str, name: &str, value: impl Arg) -> String {
    let mut args = FluentArgs::new();
    args.set(name.to_string(), value.value());
    catalogues().format(current(), key, Some(&args))
}

/// The message `key` with two arguments.
pub fn t2(key: &str, name: &str, value: impl Arg, name2: &str, value2: impl Arg) -> String {
    let mut args = FluentArgs::new();
    args.set(name.to_string(), value.value());
    args.set(name2.to_string(), value2.value());
    catalogues().format(current(), key, Some(&args))
}

/// The message `key` with any number of arguments.
pub fn tn(key: &str, args: &[(&str, &dyn Arg)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(name.to_string(), value.value());
    }
    catalogues().format(current(), key, Some(&fluent))
}

/// A sentence from core or the store in the request's language: its Chinese wording,
/// or, in a language whose catalogue has the sentence's key, that message.
pub fn explain(s: &Sentence) -> String {
    explain_at(current(), s)
}

/// A sentence in the language at `lang` (see [`explain`]).
fn explain_at(lang: usize, s: &Sentence) -> String {
    let c = catalogues();
    match s.key {
        Some(key) if c.languages.get(lang).is_some_and(|l| l.tag != DEFAULT && l.bundle.has_message(key)) => {
            let mut args = FluentArgs::new();
            for (name, arg) in &s.args {
                let value = match arg {
                    SentenceArg::Text(t) => FluentValue::from(t.clone()),
                    SentenceArg::Number(n) => FluentValue::from(*n),
                    SentenceArg::Label { prefix, code } => FluentValue::from(label_at(lang, prefix, code)),
                };
                args.set(name.to_string(), value);
            }
            c.format(lang, key, Some(&args))
        }
        _ => s.text.clone(),
    }
}

/// A sentence in the language tagged `tag` (Chinese for a tag no catalogue has): how
/// the store words a message to a person in their own language
/// (`qidi_store::messages::set_wording`).
pub fn word_in(tag: &str, s: Sentence) -> String {
    match catalogues().index(tag) {
        Some(lang) => explain_at(lang, &s),
        None => s.text,
    }
}

/// A core error in the request's language (see [`explain`]).
pub fn explain_error(e: &impl Explain) -> String {
    explain(&e.sentence())
}

/// The label of a code: the message `<prefix>-<code>` (`tc("role", "office")` is
/// `role-office`). Codes are the glossary's English names; the pages never show them.
pub fn tc(prefix: &str, code: &str) -> String {
    label_at(current(), prefix, code)
}

/// The label of a code in the language at `lang`.
fn label_at(lang: usize, prefix: &str, code: &str) -> String {
    catalogues().format(lang, &format!("{prefix}-{code}"), None)
}

/// The request's language tag, for `<html lang>`.
pub fn lang() -> String {
    catalogues().languages.get(current()).map(|l| l.tag.clone()).unwrap_or_else(|| DEFAULT.to_string())
}

/// The request's path and query.
pub fn here() -> String {
    REQUEST.try_with(|r| r.here.clone()).unwrap_or_else(|_| "/".to_string())
}

/// For a page that answers a form (a refusal shown in place, a confirmation), the
/// address of the page the form was on: the browser shows it instead of the form's, so
/// that reloading fetches that page instead of sending the form again.
pub fn address() -> Option<String> {
    REQUEST.try_with(|r| r.posted.then(|| r.here.clone())).ok().flatten()
}

/// The path and query of the page of this site the request came from, if it said.
pub fn back() -> Option<String> {
    REQUEST.try_with(|r| r.back.clone()).ok().flatten()
}

/// The path and query of `referer` when it is a page of `host`; another site's page
/// is never offered as a way back.
fn same_site_path(referer: Option<&str>, host: Option<&str>) -> Option<String> {
    let uri: axum::http::Uri = referer?.parse().ok()?;
    let host = host?;
    if uri.authority()?.as_str() != host {
        return None;
    }
    uri.path_and_query().map(|p| p.as_str().to_string())
}

/// The languages to switch to: each other language's tag and its name in itself.
pub fn other_languages() -> Vec<(String, String)> {
    let c = catalogues();
    let now = current();
    c.languages
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != now)
        .map(|(i, l)| (l.tag.clone(), c.format(i, "language-name", None)))
        .collect()
}

/// Middleware: serve the request in its language, and say which.
pub async fn negotiate(req: Request, next: Next) -> Response {
    let c = catalogues();
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = c.negotiate(crate::auth::cookie_value(req.headers(), LANGUAGE_COOKIE), accept);
    let back = {
        let header = |name| req.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        same_site_path(header(header::REFERER), header(header::HOST))
    };
    let posted = req.method() == axum::http::Method::POST;
    let here = match (posted, &back) {
        (true, back) => back.clone().unwrap_or_else(|| "/".into()),
        (false, _) => req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into()),
    };
    let mut res = REQUEST.scope(RequestLanguage { lang, here, posted, back }, next.run(req)).await;
    if let Some(Ok(tag)) = c.languages.get(lang).map(|l| HeaderValue::from_str(&l.tag)) {
        res.headers_mut().insert(header::CONTENT_LANGUAGE, tag);
    }
    res.headers_mut().append(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    res
}

/// The `Set-Cookie` that keeps a browser's language for a year.
pub fn language_cookie(tag: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{LANGUAGE_COOKIE}={tag}; Path=/; SameSite=Lax; Max-Age=31536000{secure}")).ok()
}

#[derive(Deserialize)]
pub struct SwitchForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// `POST /language`: switch this browser (and, when signed in, this user) to a language,
/// and go back to the page the switch was pressed on.
pub async fn switch(
    State(state): State<crate::SharedState>,
    headers: HeaderMap,
    Form(form): Form<SwitchForm>,
) -> Result<Response, crate::error::PageError> {
    let c = catalogues();
    // Only a path on this site: never `//elsewhere` or a full address.
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") && !form.back.contains('\\') {
        form.back.as_str()
    } else {
        "/"
    };
    let Some(i) = c.index(&form.lang) else {
        return Ok(Redirect::to(back).into_response());
    };
    let tag = c.languages[i].tag.clone();
    if let Some(token) = crate::auth::session_token(&headers, state.config.secure_cookies) {
        if let Some(user) = state.store.session_user(&token).await? {
            state.store.set_language(&user.id, Some(&tag)).await?;
        }
    }
    let mut res = Redirect::to(back).into_response();
    if let Some(v) = language_cookie(&tag, state.config.secure_cookies) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_to_a_person_is_worded_in_their_language() {
        use qidi_core::progress_report::{PeriodKind, ReportPeriod};
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let period = |key: &str, kind| ReportPeriod {
            key: key.into(),
            kind,
            starts_on: day("2026-04-01"),
            ends_on: day("2026-04-15"),
            due_on: day("2026-04-16"),
        };
        let first = period("2026-04a", PeriodKind::HalfMonth);
        assert_eq!(word_in("en", first.sentence()), "April 2026, first half");
        assert_eq!(word_in("en", period("2026-04", PeriodKind::Month).sentence()), "April 2026");
        assert_eq!(word_in("zh-CN", first.sentence()), "2026年4月上半月");
        assert_eq!(word_in("xx", first.sentence()), "2026年4月上半月", "a language nobody ships: Chinese");
        // A label argument is worded in the message's language, not the request's.
        let stage = qidi_core::message::missing_signature(
            &|s: Sentence| word_in("en", s),
            "Ecology",
            day("2026-04-16"),
            qidi_core::message::ReportStage::Overdue,
            "/ledger",
            "http://h",
        );
        assert!(stage.subject.ends_with("due 2026-04-16 (overdue)"), "{}", stage.subject);
    }

    #[test]
    fn a_way_back_is_only_a_page_of_this_site() {
        let host = Some("qidi.example:8080");
        assert_eq!(
            same_site_path(Some("http://qidi.example:8080/ledger/banner?light=red"), host).as_deref(),
            Some("/ledger/banner?light=red")
        );
        assert_eq!(same_site_path(Some("http://elsewhere.example/ledger"), host), None);
        assert_eq!(same_site_path(Some("http://qidi.example/ledger"), host), None, "another port is another site");
        assert_eq!(same_site_path(Some("/ledger"), host), None, "a referer is a whole address");
        assert_eq!(same_site_path(None, host), None);
        assert_eq!(same_site_path(Some("http://qidi.example:8080/"), None), None);
    }

    #[test]
    fn negotiation_prefers_the_cookie_then_the_weights_then_chinese() {
        let c = Catalogues::embedded();
        let en = c.index("en").expect("English ships");
        assert_eq!(c.negotiate(Some("en"), Some("zh-CN")), en);
        assert_eq!(c.negotiate(Some("xx"), Some("en-GB,en;q=0.8")), en);
        assert_eq!(c.negotiate(None, Some("fr, zh-CN;q=0.5, en;q=0.9")), en);
        assert_eq!(c.negotiate(None, Some("en;q=0, zh-TW")), 0);
        assert_eq!(c.negotiate(None, Some("fr-FR")), 0);
        assert_eq!(c.negotiate(None, None), 0);
        assert_eq!(c.tags()[0], DEFAULT);
    }

    #[test]
    fn a_missing_message_falls_back_to_chinese_and_arguments_are_not_isolated() {
        let mut c = Catalogues { languages: Vec::new(), problems: Vec::new() };
        c.add("zh-CN", "a.ftl", "only-zh = 仅中文\ncount = 共 { $n } 项\n".into());
        c.add("en", "a.ftl", "count = { $n ->\n    [one] one item\n   *[other] { $n } items\n}\n".into());
        c.order();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.format(1, "only-zh", None), "仅中文");
        let mut args = FluentArgs::new();
        args.set("n", FluentValue::from(3));
        assert_eq!(c.format(1, "count", Some(&args)), "3 items");
        assert_eq!(c.format(0, "count", Some(&args)), "共 3 项");
        args.set("n", FluentValue::from(1));
        assert_eq!(c.format(1, "count", Some(&args)), "one item");
        assert_eq!(c.format(0, "no-such-key", None), "no-such-key");
        assert_eq!(c.keys("en"), vec!["count"]);
    }

    #[test]
    fn a_directory_adds_a_language_and_overrides_a_message() {
        let dir = std::env::temp_dir().join(format!("qidi-locales-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("mn")).unwrap();
        std::fs::create_dir_all(dir.join("en")).unwrap();
        std::fs::write(dir.join("mn/base.ftl"), "language-name = ᠮᠣᠩᠭᠣᠯ\n").unwrap();
        std::fs::write(dir.join("en/base.ftl"), "language-name = English (UK)\n").unwrap();
        let c = Catalogues::with_directory(&dir);
        std::fs::remove_dir_all(&dir).ok();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let mn = c.index("mn").expect("the directory's language is added");
        assert_eq!(c.format(mn, "language-name", None), "ᠮᠣᠩᠭᠣᠯ");
        assert_eq!(c.format(c.index("en").unwrap(), "language-name", None), "English (UK)");
        assert_eq!(c.negotiate(None, Some("mn-MN")), mn);
    }
}
