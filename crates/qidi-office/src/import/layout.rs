//! Where the header is, which column holds which field, and the title rows above the header.

use super::read::{ImportOptions, Row};
use crate::cells::{column_letter, parse_date_text, Val};
use crate::headers::{AmountUnit, Field, HeaderMap};
use chrono::NaiveDate;

/// Where the header is and which column holds which field.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// 0-based index of the last header row; data starts below it.
    pub(super) header_row: u32,
    /// Field → (column, header text as written).
    columns: Vec<Option<(u32, String)>>,
    pub(super) unit: AmountUnit,
}

impl Layout {
    pub(super) fn col(&self, f: Field) -> Option<u32> {
        self.columns[f as usize].as_ref().map(|c| c.0)
    }

    /// The header text of a field's column as written; a column letter if the header cell is blank.
    pub(super) fn header(&self, f: Field) -> String {
        match &self.columns[f as usize] {
            Some((c, h)) if h.is_empty() => column_letter(*c),
            Some((_, h)) => h.clone(),
            None => f.label_zh().to_string(),
        }
    }
}

fn header_text(v: &Val<'_>) -> Option<String> {
    match v {
        Val::Text(s) => Some(s.split_whitespace().collect::<Vec<_>>().join("")),
        _ => None,
    }
}

/// A header cell: column, field, text as written.
type HeaderCell = (u32, Field, String);

fn row_fields(cells: &[(u32, Val<'_>)], headers: &HeaderMap) -> Vec<HeaderCell> {
    let mut out: Vec<HeaderCell> = Vec::new();
    for (c, v) in cells {
        if let Some(h) = header_text(v) {
            if let Some(f) = headers.field_for(&h) {
                if !out.iter().any(|o| o.1 == f) {
                    out.push((*c, f, h));
                }
            }
        }
    }
    out
}

/// The header is the row among the top rows naming the most known columns, with at
/// least the project code and name (possibly with a second header row below it).
pub(super) fn find_header(top: &[Row<'_>], opts: &ImportOptions) -> Option<Layout> {
    let has = |fs: &[HeaderCell], f: Field| fs.iter().any(|x| x.1 == f);
    let mut best: Option<(usize, Vec<HeaderCell>)> = None;
    for (i, (_, cells)) in top.iter().enumerate() {
        let mut fs = row_fields(cells, &opts.headers);
        // A two-row header: group titles above, sub-headers below.
        let mut last = i;
        if let Some((r2, cells2)) = top.get(i + 1) {
            if *r2 == top[i].0 + 1 {
                let below = row_fields(cells2, &opts.headers);
                let new: Vec<_> = below.into_iter().filter(|b| !fs.iter().any(|f| f.1 == b.1 || f.0 == b.0)).collect();
                let complete = has(&fs, Field::Code) && has(&fs, Field::Name);
                if new.len() >= 2 || (!new.is_empty() && !complete) {
                    fs.extend(new);
                    last = i + 1;
                }
            }
        }
        if !(has(&fs, Field::Code) && has(&fs, Field::Name)) || fs.len() < 3 {
            continue;
        }
        if best.as_ref().is_none_or(|b| fs.len() > b.1.len()) {
            best = Some((last, fs));
        }
    }
    let (last, fs) = best?;
    let mut columns = vec![None; Field::ALL.len()];
    let mut unit = AmountUnit::Wan;
    for (c, f, h) in fs {
        if f == Field::Investment {
            unit = AmountUnit::from_header(&h);
        }
        columns[f as usize] = Some((c, h));
    }
    Some(Layout { header_row: top[last].0, columns, unit })
}

/// Title, 填报单位 and 填报日期 from the rows above the header.
pub(super) fn preamble<'r, 'a: 'r>(
    rows: impl Iterator<Item = &'r Row<'a>>,
) -> (Option<String>, Option<String>, Option<NaiveDate>) {
    let (mut title, mut unit, mut date) = (None, None, None);
    for (_, cells) in rows {
        let texts: Vec<String> =
            cells.iter().filter_map(|(_, v)| v.text().ok().flatten()).map(|t| t.into_owned()).collect();
        let mut labelled = false;
        for (k, t) in texts.iter().enumerate() {
            let next = || texts.get(k + 1).cloned();
            if let Some(v) = labelled_value(t, &["填报单位", "报送单位", "单位名称"]) {
                labelled = true;
                let v = if v.is_empty() { next().unwrap_or_default() } else { v };
                if !v.is_empty() && unit.is_none() {
                    unit = Some(v);
                }
            }
            if let Some(v) = labelled_value(t, &["填报日期", "填报时间", "报送日期", "日期", "时间"]) {
                labelled = true;
                let v = if v.is_empty() { next().unwrap_or_default() } else { v };
                if date.is_none() {
                    date = parse_date_text(&v);
                }
            }
        }
        if !labelled && title.is_none() {
            if let Some(t) = texts.first() {
                title = Some(t.clone());
            }
        }
    }
    (title, unit, date)
}

/// The text after `label：` up to the next label or a wide gap.
fn labelled_value(text: &str, labels: &[&str]) -> Option<String> {
    let (start, label) = labels.iter().filter_map(|l| text.find(l).map(|i| (i, *l))).min_by_key(|x| x.0)?;
    let rest = &text[start + label.len()..];
    let rest = rest.trim_start_matches([':', '：', ' ', '\u{3000}']);
    // The value ends at two spaces, an ideographic space, a tab, or the next label.
    let mut end = rest.len();
    for stop in ["  ", "\u{3000}", "\t", "填报日期", "填报时间", "报送日期", "填报单位", "报送单位"]
    {
        if let Some(i) = rest.find(stop) {
            end = end.min(i);
        }
    }
    Some(rest[..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_values() {
        assert_eq!(
            labelled_value("填报单位：旗发改委    填报日期：2026年11月27日", &["填报单位"]).as_deref(),
            Some("旗发改委")
        );
        assert_eq!(
            labelled_value("填报单位：旗发改委    填报日期：2026年11月27日", &["填报日期"]).as_deref(),
            Some("2026年11月27日")
        );
        assert_eq!(labelled_value("填报单位:旗发改委", &["填报单位"]).as_deref(), Some("旗发改委"));
        assert_eq!(labelled_value("填报单位：", &["填报单位"]).as_deref(), Some(""));
        assert_eq!(labelled_value("项目清单", &["填报单位"]), None);
    }
}
