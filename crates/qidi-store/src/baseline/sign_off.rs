//! Ledger versions and sign-off: a ledger now, its signed versions and the change sets
//! that confirm changes to a fixed department ledger.
//!
//! A department ledger is signed whole until it is fixed (every capacity has signed one
//! version). From then on, what is signed is that version: approvals and approved
//! removals reduce it without touching a signature, and only changes to the signed
//! content itself are confirmed, as change sets bound to their own hash. The rules are
//! core's (`diff_lines`, `ChangeSet`, `check_signature`, `check_change_confirmation`).

mod lines;
mod sign;
mod state;
mod texts;

#[cfg(test)]
pub(crate) use lines::KEPT_LEDGER_LINES;
pub use lines::{ChangeListing, LedgerReading};
pub use sign::{ChangeOutcome, SignOutcome};
pub use state::{ChangeSetView, ChangeView, LedgerState, PendingChangeSet, SignatureView, SignedContent, VersionView};
