//! Any text written as a project code: parsed or refused, never a panic; a parsed
//! code is plain ASCII and parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qidi_core::project::ProjectCode;

fuzz_target!(|text: &str| {
    if let Ok(code) = ProjectCode::parse(text) {
        let s = code.as_str();
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{s:?}");
        assert_eq!(ProjectCode::parse(s).as_ref(), Ok(&code), "parsing is idempotent");
        assert_eq!(code.shape_warning().is_none(), code.is_national_shape());
        assert_eq!(code.region_segment().is_some(), code.is_national_shape());
    }
});
