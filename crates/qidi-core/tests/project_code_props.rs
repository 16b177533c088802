//! Project codes: the national shape with and without hyphens, and digits-only codes of
//! any other length refused (a truncated or Excel-mangled code).

use proptest::prelude::*;
use qidi_core::project::{InvalidProjectCode, ProjectCode};

proptest! {
    #[test]
    fn twenty_bare_digits_are_the_national_shape(digits in "[0-9]{20}") {
        let c = ProjectCode::parse(&digits).unwrap();
        prop_assert!(c.is_national_shape());
        prop_assert_eq!(c.as_str().replace('-', ""), digits.clone());
        prop_assert_eq!(c.as_str().len(), 24);
        // Written with its hyphens, the same code.
        prop_assert_eq!(ProjectCode::parse(c.as_str()).unwrap(), c.clone());
        prop_assert_eq!(c.shape_note(), None);
    }

    #[test]
    fn other_digit_counts_are_refused(digits in "[0-9]{1,40}") {
        prop_assume!(digits.len() != 20);
        match ProjectCode::parse(&digits) {
            Err(InvalidProjectCode::DigitCount { digits: n, .. }) => prop_assert_eq!(n, digits.len()),
            other => prop_assert!(false, "{digits}: {other:?}"),
        }
    }

    #[test]
    fn other_shapes_are_kept_with_a_warning(a in "[A-Z]{1,3}", b in "[0-9]{4,8}", c in "[0-9]{1,5}") {
        let written = format!("{a}-{b}-{c}");
        let code = ProjectCode::parse(&written).unwrap();
        prop_assert_eq!(code.as_str(), written.as_str());
        prop_assert!(code.shape_note().is_some());
    }
}
