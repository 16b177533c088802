//! The name an uploaded file is shown and sent back under. What a client sends as a
//! file name is text to show, never a path: no directories, no control characters,
//! and no bidirectional controls, which can make `报告` + U+202E + `fdp.exe` read as `报告exe.pdf`.

/// The longest name kept, in characters.
pub const MAX_CHARS: usize = 120;

/// Unicode's bidirectional formatting characters (marks, embeddings, overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `name` without any path, control or bidirectional characters or quotes, trimmed, at
/// most [`MAX_CHARS`] characters; `fallback` if nothing is left.
pub fn clean(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '"')
        .take(MAX_CHARS)
        .collect::<String>()
        .trim()
        .to_string();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        fallback.to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_controls_and_overrides_are_dropped() {
        assert_eq!(clean("C:\\临时\\..\\申请书.pdf", "材料"), "申请书.pdf");
        assert_eq!(clean("../../etc/passwd", "材料"), "passwd");
        assert_eq!(clean("报告\u{202E}fdp.exe", "材料"), "报告fdp.exe");
        assert_eq!(clean("a\u{2066}b\u{2069}c\u{200F}\r\n\"d\".pdf", "材料"), "abcd.pdf");
        assert_eq!(clean(" .. ", "材料"), "材料");
        assert_eq!(clean("", "台账.xlsx"), "台账.xlsx");
        assert_eq!(clean(&"长".repeat(300), "材料").chars().count(), MAX_CHARS);
    }

    proptest! {
        #[test]
        fn a_clean_name_has_nothing_to_drop(name in "(?s).{0,200}") {
            let once = clean(&name, "材料");
            prop_assert!(!once.chars().any(|c| c.is_control() || is_bidi_control(c) || matches!(c, '/' | '\\' | '"')));
            prop_assert!(once.chars().count() <= MAX_CHARS);
            prop_assert_eq!(clean(&once, "材料"), once.clone());
        }
    }
}
