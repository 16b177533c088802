//! Any file name a client sends: what qidi keeps has no path, control, quote or
//! bidirectional character, is not `.` or `..`, and cleaning it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qidi_core::file_name::{clean, MAX_CHARS};

fuzz_target!(|name: &str| {
    let kept = clean(name, "材料");
    assert!(!kept.is_empty() && kept != "." && kept != "..");
    assert!(kept.chars().count() <= MAX_CHARS);
    assert!(!kept.chars().any(|c| c == '/' || c == '\\' || c == '"' || c.is_control()), "{kept:?}");
    assert!(!kept.chars().any(
        |c| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    ));
    assert_eq!(clean(&kept, "材料"), kept, "cleaning is idempotent");
});
