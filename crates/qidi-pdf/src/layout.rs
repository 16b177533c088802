//! Line breaking and page layout, in points, with y measured down from the page's top.
//! The layout is computed first and drawn afterwards, so it can be tested without a PDF.

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Body,
    Title,
    Heading,
}

/// A line of text placed on a page: `x` and `baseline` in points from the top left.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub baseline: f32,
    pub face: Face,
    pub size: f32,
    pub red: bool,
    pub text: String,
}

/// A horizontal red rule (the line under the issuing body's mark).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub thickness: f32,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Page {
    pub texts: Vec<Placed>,
    pub rules: Vec<Rule>,
}

/// Characters that may not begin a line (避头): they stay at the end of the line before,
/// hanging into the margin if they must.
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】〕…%,.;:?!)]".contains(c)
}

/// Characters that may not end a line (避尾): they move to the next line.
fn no_line_end(c: char) -> bool {
    "（《「『【〔([".contains(c)
}

/// Letters, digits and the joiners of codes and numbers stay together (a project code
/// such as 2017-150725-44-01-000123 is never split unless it is longer than a line).
fn joins(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-./:_%".contains(c)
}

/// Split a paragraph into unbreakable pieces: a run of joined ASCII, or one character.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in text.chars() {
        match out.last_mut() {
            Some(last) if joins(c) && last.chars().all(joins) => last.push(c),
            _ => out.push(c.to_string()),
        }
    }
    out
}

/// Break `text` into lines no wider than `width` (the first `first_indent` narrower),
/// measuring with `measure`. Punctuation that may not start a line hangs at the end of
/// the line before; an opening bracket never ends a line.
pub fn break_lines(text: &str, width: f32, first_indent: f32, measure: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    for token in tokens(text) {
        let w = measure(&token);
        let room = if lines.is_empty() { width - first_indent } else { width };
        let first = token.chars().next().unwrap_or(' ');
        if used + w > room + 0.01 && !line.is_empty() && !no_line_start(first) {
            // Move a trailing opening bracket down with what follows it.
            let mut carry = String::new();
            while line.chars().last().is_some_and(no_line_end) {
                carry.insert(0, line.pop().unwrap_or(' '));
            }
            if line.is_empty() {
                line = carry;
            } else {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line = carry;
            }
            used = measure(&line);
            if token.chars().all(char::is_whitespace) {
                continue;
            }
        }
        if w > room && line.is_empty() && token.chars().count() > 1 {
            // A piece longer than a whole line is split by character.
            for c in token.chars() {
                let cw = measure(&c.to_string());
                if used + cw > room && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                line.push(c);
                used += cw;
            }
            continue;
        }
        line.push_str(&token);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK characters a full em, ASCII half, at size 1.
    fn measure(s: &str) -> f32 {
        s.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
    }

    #[test]
    fn lines_never_exceed_the_width_and_keep_every_character() {
        let text = "根据审批全程留痕记录，现将2026年5月待批项目审批超期情况通报如下：月末仍超期未办结事项 3 个。";
        let lines = break_lines(text, 10.0, 2.0, &measure);
        assert!(lines.len() > 3);
        assert!(measure(&lines[0]) <= 8.0 + 1.0, "first line is indented: {:?}", lines[0]);
        for l in &lines {
            // At most one hanging punctuation mark beyond the width.
            assert!(measure(l) <= 11.0, "{l:?} is too wide");
        }
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn punctuation_never_starts_a_line_and_brackets_never_end_one() {
        for width in 3..14 {
            let text = "项目甲（代码）已办结，项目乙《批复》未办结。";
            let lines = break_lines(text, width as f32, 0.0, &measure);
            for l in &lines[1..] {
                assert!(!no_line_start(l.chars().next().unwrap()), "width {width}: {lines:?}");
            }
            for l in &lines {
                assert!(!no_line_end(l.chars().last().unwrap()), "width {width}: {lines:?}");
            }
        }
    }

    #[test]
    fn a_project_code_is_not_split_when_it_fits() {
        let text = "某某项目名称很长很长（2017-150725-44-01-000123）";
        let lines = break_lines(text, 14.0, 0.0, &measure);
        assert!(lines.iter().any(|l| l.contains("2017-150725-44-01-000123")), "{lines:?}");
    }

    #[test]
    fn a_piece_longer_than_a_line_is_split_by_character() {
        let code = "1".repeat(40);
        let lines = break_lines(&code, 5.0, 0.0, &measure);
        assert_eq!(lines.concat(), code);
        assert!(lines.iter().all(|l| measure(l) <= 5.0));
    }
}
