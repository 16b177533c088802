//! The campaign's organisation (R20): the leading group, its office and the work team,
//! with their members, as data the office keeps.
//!
//! The office writes each body's members as the plan prints them, one a line: a
//! position, a colon, the name, a tab and the title (`组 长：李东林`, tab,
//! `旗委常委、政府常务副旗长`). A line without a position (`张俊峰`, tab, `旗住建局副局长`)
//! takes the one above it, as the plan's list of 成员 does.

use serde::{Deserialize, Serialize};

/// One of the campaign's bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// 领导小组: the steering body.
    LeadingGroup,
    /// 领导小组办公室: its office (at the development and reform commission).
    Office,
    /// 工作专班: staff seconded from departments for the daily work.
    WorkTeam,
}

impl Body {
    pub const ALL: [Body; 3] = [Body::LeadingGroup, Body::Office, Body::WorkTeam];
    pub fn as_str(self) -> &'static str {
        match self {
            Body::LeadingGroup => "leading_group",
            Body::Office => "office",
            Body::WorkTeam => "work_team",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Body::LeadingGroup => "领导小组",
            Body::Office => "领导小组办公室",
            Body::WorkTeam => "工作专班",
        }
    }
}

/// A member of a body: their position in it (组长, 副组长, 成员, 主任 …), name and title
/// (their post outside the body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub body: Body,
    pub position: String,
    pub name: String,
    pub title: String,
}

/// A line of a body's list that cannot be read, by its number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationError {
    #[error("第{line}行没有职位，请写成“成员：姓名 职务”")]
    NoPosition { line: usize },
    #[error("第{line}行没有姓名")]
    NoName { line: usize },
    #[error("第{line}行过长：职位最多 20 字，姓名最多 40 字，职务最多 100 字")]
    TooLong { line: usize },
    #[error("{body}最多 100 人")]
    TooMany { body: &'static str },
    #[error("只有领导小组办公室可以维护组织机构")]
    Forbidden,
}

impl crate::sentence::Explain for OrganisationError {
    fn key(&self) -> &'static str {
        match self {
            OrganisationError::NoPosition { .. } => "err-organisation-no-position",
            OrganisationError::NoName { .. } => "err-organisation-no-name",
            OrganisationError::TooLong { .. } => "err-organisation-line-too-long",
            OrganisationError::TooMany { .. } => "err-organisation-too-many",
            OrganisationError::Forbidden => "err-organisation-forbidden",
        }
    }
    fn args(&self) -> Vec<(&'static str, crate::sentence::Arg)> {
        use crate::sentence::Arg;
        match self {
            OrganisationError::NoPosition { line }
            | OrganisationError::NoName { line }
            | OrganisationError::TooLong { line } => vec![("line", (*line).into())],
            OrganisationError::TooMany { body } => {
                let label = match Body::ALL.into_iter().find(|b| b.label_zh() == *body) {
                    Some(b) => Arg::Label { prefix: "organisation-body", code: b.as_str() },
                    None => Arg::Text(body.to_string()),
                };
                vec![("body", label)]
            }
            OrganisationError::Forbidden => Vec::new(),
        }
    }
}

/// Whether `role` keeps the organisation: the sweep office.
pub fn may_keep_organisation(role: crate::Role) -> Result<(), OrganisationError> {
    if role == crate::Role::Office {
        Ok(())
    } else {
        Err(OrganisationError::Forbidden)
    }
}

/// Whether `role` may read the organisation, the campaigns and the department list:
/// the staff who work in the campaign, not project units or administrators.
pub fn may_read(role: crate::Role) -> bool {
    !role.is_administrator() && role != crate::Role::Applicant
}

fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Read a body's members from the office's text, one a line (see the module's comment).
/// A name and title are split at the first tab, or else at the first space; spaces
/// inside a position or a tab-separated name (`组 长`, `黄 龙`) are the plan's
/// typesetting and are dropped.
pub fn parse_members(body: Body, text: &str) -> Result<Vec<Member>, OrganisationError> {
    let mut members = Vec::new();
    let mut position: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let rest = match line.split_once(['：', ':']) {
            Some((p, rest)) => {
                position = Some(without_spaces(p));
                rest.trim()
            }
            None => line,
        };
        let Some(position) = position.clone().filter(|p| !p.is_empty()) else {
            return Err(OrganisationError::NoPosition { line: line_no });
        };
        let (name, title) = match rest.split_once('\t') {
            Some((n, t)) => (without_spaces(n), t.trim().to_string()),
            None => match rest.split_once(char::is_whitespace) {
                Some((n, t)) => (n.to_string(), t.trim().to_string()),
                None => (rest.to_string(), String::new()),
            },
        };
        if name.is_empty() {
            return Err(OrganisationError::NoName { line: line_no });
        }
        if position.chars().count() > 20 || name.chars().count() > 40 || title.chars().count() > 100 {
            return Err(OrganisationError::TooLong { line: line_no });
        }
        members.push(Member { body, position, name, title });
    }
    if members.len() > 100 {
        return Err(OrganisationError::TooMany { body: body.label_zh() });
    }
    Ok(members)
}

/// A body's members as the office edits them: the inverse of [`parse_members`].
pub fn members_text(members: &[Member]) -> String {
    let mut out = String::new();
    let mut last: Option<&str> = None;
    for m in members {
        if last != Some(m.position.as_str()) {
            out.push_str(&m.position);
            out.push('：');
            last = Some(m.position.as_str());
        }
        out.push_str(&m.name);
        if !m.title.is_empty() {
            out.push('\t');
            out.push_str(&m.title);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan's own list, as printed (section 五).
    const PLAN: &str = "组 长：\t李东林\t旗委常委、政府常务副旗长
副组长：\t史春磊\t旗发改委主任
\t黄 龙\t旗金融外事服务中心主任
成 员：\t高 峰\t旗明安图产业园办公室主任
\t武鹏飞\t旗发改委副主任

张俊峰\t旗住建局副局长
";

    #[test]
    fn the_plans_list_reads_as_printed() {
        let m = parse_members(Body::LeadingGroup, PLAN).unwrap();
        let rows: Vec<(&str, &str, &str)> =
            m.iter().map(|m| (m.position.as_str(), m.name.as_str(), m.title.as_str())).collect();
        assert_eq!(
            rows,
            vec![
                ("组长", "李东林", "旗委常委、政府常务副旗长"),
                ("副组长", "史春磊", "旗发改委主任"),
                ("副组长", "黄龙", "旗金融外事服务中心主任"),
                ("成员", "高峰", "旗明安图产业园办公室主任"),
                ("成员", "武鹏飞", "旗发改委副主任"),
                ("成员", "张俊峰", "旗住建局副局长"),
            ]
        );
        // What the page shows to edit reads back to the same members.
        assert_eq!(parse_members(Body::LeadingGroup, &members_text(&m)).unwrap(), m);
        // Spaces instead of tabs, and a name alone.
        let m = parse_members(Body::Office, "主任: 史春磊 旗发改委主任\n副主任：高峰").unwrap();
        assert_eq!((m[0].name.as_str(), m[0].title.as_str()), ("史春磊", "旗发改委主任"));
        assert_eq!((m[1].position.as_str(), m[1].title.as_str()), ("副主任", ""));
    }

    #[test]
    fn a_line_that_cannot_be_read_is_named_by_its_number() {
        assert_eq!(
            parse_members(Body::WorkTeam, "\n张三 旗发改委科员"),
            Err(OrganisationError::NoPosition { line: 2 })
        );
        assert_eq!(parse_members(Body::WorkTeam, "成员：张三\n成员：  "), Err(OrganisationError::NoName { line: 2 }));
        let long = format!("成员：{}", "张".repeat(41));
        assert_eq!(parse_members(Body::WorkTeam, &long), Err(OrganisationError::TooLong { line: 1 }));
        let many: String = (0..101).map(|i| format!("成员：人{i}\n")).collect();
        assert_eq!(parse_members(Body::WorkTeam, &many), Err(OrganisationError::TooMany { body: "工作专班" }));
        assert_eq!(parse_members(Body::WorkTeam, ""), Ok(vec![]));
        assert_eq!(may_keep_organisation(crate::Role::Leader), Err(OrganisationError::Forbidden));
        assert!(may_read(crate::Role::Inspector) && !may_read(crate::Role::Applicant) && !may_read(crate::Role::Admin));
        for b in Body::ALL {
            assert_eq!(Body::parse(b.as_str()), Some(b));
        }
    }
}
