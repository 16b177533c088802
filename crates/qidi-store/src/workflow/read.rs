//! Reading applications: one with its full timeline, a handler's inbox ordered by
//! light, a project unit's projects with their applications.

mod detail;
mod inbox;
mod inbox_query;
mod projects;
mod timeline;

pub use detail::{ApplicationDetail, ClockStatus};
pub use inbox::{InboxExported, InboxHead, INBOX_EXPORT_BATCH, INBOX_EXPORT_LIMIT, INBOX_LIMIT};
pub(crate) use inbox_query::{inbox_head_sql, inbox_sql, light_sql};
// The query plans' tests (plans.rs) read it here.
#[cfg(test)]
pub(crate) use projects::my_projects_sql;
pub use projects::{ItemWithApplication, ProjectApplications};
pub use timeline::TimelineStep;
