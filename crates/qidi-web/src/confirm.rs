//! A step that cannot be undone is confirmed before it is taken, with or without
//! scripts.
//!
//! Such a form carries its question in a hidden field, `confirm_question`. In the
//! browser `qidi.js` asks it and adds `confirmed=1`. A form that arrives with the
//! question and without that answer (scripts off, or blocked) is not passed on: the
//! server shows the question on a page of its own, whose button sends the same fields
//! again with the answer. Handlers never see an unconfirmed step.

use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The hidden field that holds a form's question.
pub const QUESTION: &str = "confirm_question";
/// The field a yes adds.
pub const ANSWER: &str = "confirmed";

/// axum's own limit on what a form extractor reads; a larger form is refused there too.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage<'a> {
    question: &'a str,
    action: &'a str,
    fields: &'a [(String, String)],
    back: String,
}

/// What a form asks, if it asks and was not yet answered.
fn unanswered(fields: &[(String, String)]) -> Option<&str> {
    if fields.iter().any(|(k, v)| k == ANSWER && v == "1") {
        return None;
    }
    fields.iter().find(|(k, _)| k == QUESTION).map(|(_, v)| v.as_str())
}

fn is_page_form(req: &Request) -> bool {
    req.method() == Method::POST
        && !req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
}

pub async fn ask_first(req: Request, next: Next) -> Response {
    if !is_page_form(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, crate::i18n::t("api-error-payload-too-large")).into_response();
    };
    // A body that does not parse is the handler's to refuse, in its own words.
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if let Some(question) = unanswered(&fields) {
        let action = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let back = crate::i18n::back().unwrap_or_else(|| "/".to_string());
        return crate::error::render(&ConfirmPage { question, action, fields: &fields, back });
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn only_a_question_without_its_yes_is_asked() {
        assert_eq!(unanswered(&form(&[("action", "disable"), (QUESTION, "停用？")])), Some("停用？"));
        assert_eq!(unanswered(&form(&[(QUESTION, "停用？"), (ANSWER, "1")])), None);
        assert_eq!(unanswered(&form(&[(QUESTION, "停用？"), (ANSWER, "0")])), Some("停用？"));
        assert_eq!(unanswered(&form(&[("action", "disable")])), None, "a form that asks nothing goes through");
    }
}
