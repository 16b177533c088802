//! Applications (申请) on the record: created as drafts, moved only by the core's
//! [`decide`](qidi_core::workflow::decide), every step an `application.<action>` event.
//!
//! The `applications` row is derived: state, version, and the running clock's
//! `due_on`/`warn_on` are rewritten in the same transaction as the event that changes
//! them, and only if the version is still the one the step was decided on
//! (`UPDATE … WHERE version = $expected`). Of two handlers deciding at once, one wins
//! and the other gets [`WorkflowError::Conflict`].
//!
//! Visibility follows the ledger's scope ([`crate::ledger`]): a department sees the
//! applications of the items it handles and of the projects it initiated, a project
//! unit its own projects', the office and inspectors their region's; an
//! assisted-service helper also sees the projects they accompany. Anything else is
//! [`WorkflowError::NotFound`].

mod act;
mod catalogue;
mod create;
mod error;
mod files;
mod helpers;
mod lateness;
mod materials;
pub(crate) mod read;
mod record;
mod row;
mod scope;
mod step;
pub(crate) mod unit;

pub(crate) use act::Derived;
pub use act::{ActOutcome, ActRequest};
pub(crate) use catalogue::fill_catalogue_defaults;
pub use catalogue::{ItemType, ItemTypeEdit, NewItemType};
pub(crate) use create::home_level;
pub use create::Created;
pub use error::WorkflowError;
pub use files::{uploads_dir, StoredFile, MAX_UPLOAD_BYTES};
pub use helpers::{HelperChoice, ProjectBrief, ProjectHelper};
pub use lateness::{ClockRecordFilter, ClockRecordRow};
pub(crate) use materials::material_name;
pub use materials::{MaterialSpec, NamedWarnings};
pub use read::{
    ApplicationDetail, ClockStatus, InboxExported, InboxHead, ItemWithApplication, ProjectApplications, TimelineStep,
    INBOX_EXPORT_BATCH, INBOX_EXPORT_LIMIT, INBOX_LIMIT,
};
pub(crate) use record::{to_json, Stored};
pub(crate) use row::{app_from_row, date_text, parse_date, APP_SELECT};
pub use row::{ApplicationRow, AWAITING_DEPARTMENT, AWAITING_HIGHER, AWAITING_UNIT};
pub(crate) use scope::{actor_for, applications_of, bind_all, visible};
pub(crate) use step::Step;
pub use step::SYSTEM_ACTOR;
pub use unit::UnitCounts;
