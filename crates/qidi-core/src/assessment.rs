//! Department assessment (考核): a score per department and period, derived from the
//! recorded facts only (clock records, one-time notices, complaints and their
//! follow-up ratings, online applications, initiating departments' scored entries).
//!
//! The store gathers the facts of a period; this module scores them by a profile
//! (weights, deductions and grade thresholds are data the office edits) and keeps,
//! for every score, how it was derived: each term, its value, its weight, its
//! contribution and the links to the facts behind it. Scores are integers in
//! hundredths of a point, so the same facts give the same result in any order.

mod error;
mod facts;
mod period;
mod permission;
mod profile;
mod score;

pub use error::{AssessmentError, EntryError, ProfileError};
pub use facts::{ClockGroup, CountedFact, DepartmentRef, EndedClock, EntryFact, Facts, Link, Rating};
pub use period::Period;
pub use permission::{check_entry, may_edit_profile, may_rate, may_read, may_see_all};
pub use profile::{centi_text, parse_centi, Centi, Grade, Profile, FIELDS};
pub use score::{assess, Assessment, DepartmentScore, ItemTypeDays, Term};
