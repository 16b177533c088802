//! An official document (公文) as GB/T 9704 lays it out, independent of its file format:
//! the issuing body's mark, the document number, the title, the main recipients, the
//! body, the signature and the date. Word and PDF both render this one shape, so the
//! words are the same in every format.

use crate::bulletin::Bulletin;
use crate::lookback::Report;
use chrono::{Datelike, NaiveDate};

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A first-level heading: 一、… (set in 黑体).
    Heading(String),
    /// A paragraph, indented two characters on its first line (set in 仿宋).
    Paragraph(String),
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Block::Heading(t) | Block::Paragraph(t) => t,
        }
    }

    /// A paragraph that opens with a Chinese numeral and 、 is a first-level heading.
    pub fn classify(text: String) -> Block {
        let mut chars = text.chars();
        let numeral = chars.next().is_some_and(|c| "一二三四五六七八九十".contains(c));
        if numeral && chars.next() == Some('、') {
            Block::Heading(text)
        } else {
            Block::Paragraph(text)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialDocument {
    /// The issuing body's mark (发文机关标志), printed in red above the red line.
    pub issuing_body: String,
    pub document_number: String,
    pub title: String,
    pub main_recipients: Vec<String>,
    pub body: Vec<Block>,
    /// The issuing body as signed under the body (发文机关署名).
    pub signature: String,
    pub date: NaiveDate,
}

impl OfficialDocument {
    /// 主送机关 as its line: 各成员单位：
    pub fn recipients_line(&self) -> String {
        format!("{}：", self.main_recipients.join("、"))
    }

    /// The date in the body's form: 2026年6月1日 (Arabic numerals, no leading zeros).
    pub fn date_text(&self) -> String {
        format!("{}年{}月{}日", self.date.year(), self.date.month(), self.date.day())
    }

    /// Every line of text in reading order, as a reader of the file would see it.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.issuing_body.clone(), self.document_number.clone(), self.title.clone()];
        out.push(self.recipients_line());
        out.extend(self.body.iter().map(|b| b.text().to_string()));
        out.push(self.signature.clone());
        out.push(self.date_text());
        out
    }
}

impl From<&Bulletin> for OfficialDocument {
    fn from(b: &Bulletin) -> Self {
        OfficialDocument {
            issuing_body: b.issuing_body.clone(),
            document_number: b.document_number.clone(),
            title: b.title.clone(),
            main_recipients: b.main_recipients.clone(),
            body: b.paragraphs().into_iter().map(Block::classify).collect(),
            signature: b.issuing_body.clone(),
            date: b.issued_on,
        }
    }
}

/// A look-back review's summary: a report to the leading group, without a number.
impl From<&Report> for OfficialDocument {
    fn from(r: &Report) -> Self {
        OfficialDocument {
            issuing_body: r.issuing_body.clone(),
            document_number: String::new(),
            title: format!("关于{}情况的报告", r.title),
            main_recipients: vec!["领导小组".into()],
            body: r.paragraphs().into_iter().map(Block::classify).collect(),
            signature: r.issuing_body.clone(),
            date: r.made_on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_sections_are_headings_and_the_rest_paragraphs() {
        assert_eq!(Block::classify("一、超期事项".into()), Block::Heading("一、超期事项".into()));
        assert_eq!(Block::classify("十、说明".into()), Block::Heading("十、说明".into()));
        assert!(matches!(Block::classify("1. 项目（代码）".into()), Block::Paragraph(_)));
        assert!(matches!(Block::classify("一是加快".into()), Block::Paragraph(_)));
        assert!(matches!(Block::classify(String::new()), Block::Paragraph(_)));
    }

    #[test]
    fn the_date_has_no_leading_zeros() {
        let doc = OfficialDocument {
            issuing_body: "机关".into(),
            document_number: "文〔2026〕3号".into(),
            title: "标题".into(),
            main_recipients: vec!["甲".into(), "乙".into()],
            body: vec![],
            signature: "机关".into(),
            date: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        };
        assert_eq!(doc.date_text(), "2026年6月1日");
        assert_eq!(doc.recipients_line(), "甲、乙：");
        assert_eq!(doc.lines().len(), 6);
    }
}
