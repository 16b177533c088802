//! Searching the record (the audit administrator's page): who may, and what a search
//! may ask for. A search is read as typed (`RecordQuery`) and checked into a
//! `RecordFilter`, or a Chinese message naming the field that is wrong.

use crate::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest text accepted in a field of a search.
pub const FIELD_CHARS: usize = 64;
/// Events per page.
pub const PAGE: i64 = 50;

/// Only the audit administrator reads the record as a whole (三员分立); every other
/// role sees the steps of what it may see, on the pages of those things.
pub fn may_search_record(role: Role) -> bool {
    role == Role::AuditAdmin
}

/// A search as the form or the query string sends it; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordQuery {
    /// An action (`auth.login`), or all of one kind (`hotline.`, ending with a dot).
    pub action: String,
    /// The username of who acted.
    pub actor: String,
    /// The id of the object acted on.
    pub object: String,
    pub outcome: String,
    pub request_id: String,
    pub client_addr: String,
    /// First and last day, `YYYY-MM-DD` (Beijing time, as events are stamped).
    pub from: String,
    pub to: String,
}

/// A checked search: `None` fields do not narrow it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    /// An exact action, or (`action_prefix`) every action starting with it.
    pub action: Option<String>,
    pub action_prefix: bool,
    pub actor: Option<String>,
    pub object: Option<String>,
    pub outcome: Option<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// What is wrong with a search, and in which field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{label}：{message}")]
pub struct RecordQueryError {
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
    pub problem: RecordQueryProblem,
}

/// What is wrong with a field of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordQueryProblem {
    TooLong,
    BadCharacters,
    /// Not a date; the text as typed.
    BadDate(String),
    /// The last day is before the first.
    ToBeforeFrom,
}

/// The search form's label of a field, as the pages' catalogue names it (`audit-…`).
fn field_label_code(field: &str) -> &'static str {
    match field {
        "action" => "action",
        "actor" => "actor",
        "object" => "object-id",
        "outcome" => "outcome",
        "request_id" => "request-id",
        "client_addr" => "client-addr",
        "from" => "from",
        _ => "to",
    }
}

impl crate::sentence::Explain for RecordQueryError {
    fn key(&self) -> &'static str {
        match self.problem {
            RecordQueryProblem::TooLong => "err-record-query-too-long",
            RecordQueryProblem::BadCharacters => "err-record-query-bad-characters",
            RecordQueryProblem::BadDate(_) => "err-record-query-bad-date",
            RecordQueryProblem::ToBeforeFrom => "err-record-query-to-before-from",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        let field = crate::sentence::Arg::Label { prefix: "audit", code: field_label_code(self.field) };
        match &self.problem {
            RecordQueryProblem::TooLong => vec![("field", field), ("max", FIELD_CHARS.into())],
            RecordQueryProblem::BadCharacters => vec![("field", field)],
            RecordQueryProblem::BadDate(v) => vec![("field", field), ("value", v.as_str().into())],
            RecordQueryProblem::ToBeforeFrom => Vec::new(),
        }
    }
}

fn text(
    value: &str,
    field: &'static str,
    label: &'static str,
    allowed: fn(char) -> bool,
) -> Result<Option<String>, RecordQueryError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > FIELD_CHARS {
        return Err(RecordQueryError {
            field,
            label,
            message: format!("不应超过 {FIELD_CHARS} 个字符"),
            problem: RecordQueryProblem::TooLong,
        });
    }
    if !v.chars().all(allowed) {
        return Err(RecordQueryError {
            field,
            label,
            message: "含有不允许的字符".into(),
            problem: RecordQueryProblem::BadCharacters,
        });
    }
    Ok(Some(v.to_string()))
}

fn day(value: &str, field: &'static str, label: &'static str) -> Result<Option<NaiveDate>, RecordQueryError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Some).map_err(|_| RecordQueryError {
        field,
        label,
        message: format!("“{v}”不是 YYYY-MM-DD 格式的日期"),
        problem: RecordQueryProblem::BadDate(v.to_string()),
    })
}

fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
}

impl RecordQuery {
    pub fn filter(&self) -> Result<RecordFilter, RecordQueryError> {
        let action = text(&self.action, "action", "操作", |c| c.is_ascii_lowercase() || c == '_' || c == '.')?;
        let filter = RecordFilter {
            action_prefix: action.as_deref().is_some_and(|a| a.ends_with('.')),
            action,
            actor: text(&self.actor, "actor", "操作人", |c| !c.is_control())?,
            object: text(&self.object, "object", "对象编号", plain)?,
            outcome: text(&self.outcome, "outcome", "结果", |c| c.is_ascii_lowercase() || c == '_')?,
            request_id: text(&self.request_id, "request_id", "请求编号", plain)?,
            client_addr: text(&self.client_addr, "client_addr", "客户端地址", |c| {
                c.is_ascii_hexdigit() || matches!(c, '.' | ':')
            })?,
            from: day(&self.from, "from", "起始日期")?,
            to: day(&self.to, "to", "截止日期")?,
        };
        if let (Some(f), Some(t)) = (filter.from, filter.to) {
            if t < f {
                return Err(RecordQueryError {
                    field: "to",
                    label: "截止日期",
                    message: "不能早于起始日期".into(),
                    problem: RecordQueryProblem::ToBeforeFrom,
                });
            }
        }
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_audit_administrator_searches_the_record() {
        for r in crate::role::ALL_ROLES {
            assert_eq!(may_search_record(r), r == Role::AuditAdmin, "{r:?}");
        }
    }

    #[test]
    fn a_search_is_checked_field_by_field() {
        let q = RecordQuery {
            action: "hotline.".into(),
            actor: " 王海 ".into(),
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            ..Default::default()
        };
        let f = q.filter().unwrap();
        assert_eq!((f.action.as_deref(), f.action_prefix), (Some("hotline."), true));
        assert_eq!(f.actor.as_deref(), Some("王海"));
        assert_eq!(f.to, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert!(!RecordQuery { action: "auth.login".into(), ..Default::default() }.filter().unwrap().action_prefix);
        assert_eq!(RecordQuery::default().filter().unwrap(), RecordFilter::default());

        let err = |q: RecordQuery| q.filter().unwrap_err();
        assert_eq!(err(RecordQuery { from: "2026/11/01".into(), ..Default::default() }).field, "from");
        let backwards = RecordQuery { from: "2026-11-02".into(), to: "2026-11-01".into(), ..Default::default() };
        assert_eq!(err(backwards).to_string(), "截止日期：不能早于起始日期");
        let s = crate::sentence::Explain::sentence(&err(RecordQuery { object: "a".repeat(65), ..Default::default() }));
        assert_eq!(s.key, Some("err-record-query-too-long"));
        assert_eq!(
            s.args,
            vec![
                ("field", crate::sentence::Arg::Label { prefix: "audit", code: "object-id" }),
                ("max", crate::sentence::Arg::Number(64)),
            ]
        );
        assert_eq!(err(RecordQuery { action: "DROP TABLE".into(), ..Default::default() }).field, "action");
        assert_eq!(err(RecordQuery { object: "a".repeat(65), ..Default::default() }).field, "object");
        assert_eq!(err(RecordQuery { client_addr: "1.2.3.4; x".into(), ..Default::default() }).field, "client_addr");
    }
}
