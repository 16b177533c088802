//! The life of an application (申请): from draft to decision, who may move it, and the
//! clocks that run on the way (R8–R12, R15, R17).
//!
//! [`decide`] says whether one actor may take one action in one state, and what state
//! follows. The store appends an [`ApplicationEvent`] only after `decide` said yes, and
//! the current state is always [`replay`]ed from the events, never kept on its own.
//!
//! ```text
//! draft ─submit→ submitted ─return→ returned ─resubmit→ submitted …
//!                submitted ─accept | deem_accept→ under_review ⇄ paused → approved | refused
//!                                                  under_review ─extend (once)→ under_review
//!                submitted ─accept | deem_accept→ accepted ─forward→ forwarded → higher_approved | higher_refused
//! deemed under_review | accepted | paused ─return (late)→ returned
//! any state not yet decided ─withdraw→ withdrawn
//! ```
//!
//! A submission is never refused for what it lacks ([`SubmissionWarnings`]). When the
//! notice limit runs out, qidi records `deem_accept` ([`deemed_acceptance`]); every
//! clock that ends is kept with its lateness ([`clock_record`]).
//!
//! Acceptance and the start of review are one step: accepting an item decided at the
//! deployment's own level puts it under review at once; accepting an item whose
//! authority lies higher leaves it accepted, waiting to be forwarded.
//!
//! Time is counted by the caller with the working-day calendar; this module only says
//! which [`Clock`] runs, since which date, against what limit, and which days are paused.
//!
//! The [`ApplicationFacts`] an application is judged by (handling department, level,
//! required materials, promised limit) should be copied onto the application when it
//! is created, so that later catalogue edits neither change the rules mid-way nor make
//! an old history fail to replay.

mod action;
mod facts;
pub mod inbox;
mod lateness;
mod notice;
mod refusal;
mod replay;
mod state;
mod transition;

pub use action::{Action, Actor, Side};
pub use facts::{
    ApplicationFacts, SubmissionWarnings, FORWARD_WORKING_DAYS, INITIAL_REVIEW_WORKING_DAYS, NOTICE_WORKING_DAYS,
    STATUTORY_EXTENSION_DAYS,
};
pub use lateness::{clock_record, clock_records, deemed_acceptance, ClockOutcome, ClockRecord};
pub use notice::{department_short_name, notice_number, NoticeProblem, OneTimeNotice};
pub use refusal::{ErrorKind, TransitionError};
pub use replay::{
    one_time_violations, replay, running_clock, running_clocks, shanghai_date, ApplicationEvent, ApplicationView,
    Clock, ClockEnd, ClockKind, ClockRun, Decision, DeemedAcceptance, Extension, Forwarding, NoticeRecord,
    OneTimeViolation, PauseRecord, ReturnFlag, Submission, Withdrawal,
};
pub use state::{ApplicationState, Awaiting, PauseReason, ALL_PAUSE_REASONS, ALL_STATES};
pub use transition::decide;
// For the replay, which knows whether an acceptance was deemed.
use transition::decide_in;
