//! Messages (消息): what qidi tells people, who is told what, and when.
//!
//! The store writes messages to an outbox in the same transaction as the change that
//! causes them; the notifier delivers them. Everything decided about a message (its
//! recipients, its text, how it is grouped, when the daily run is due, how long to
//! wait before trying a failed channel again) is decided here.

mod channel;
mod digest;
mod news;
mod reminder;
mod render;
mod schedule;

pub use channel::{
    check_channel, is_email, mask_address, mask_addresses_in, ChannelError, ChannelKind, ChannelRule, MessageKind,
};
pub use digest::{light_audience, light_change, light_digest, DigestItems, LightAudience, LightItem, DIGEST_LISTED};
pub use news::{
    applicant_update, bulletin_issued, channel_test, hotline_news, new_application, step_news, ApplicationNews,
    HotlineNews, StepNews,
};
pub use reminder::{
    missing_check_results, missing_progress_report, missing_signature, report_stage, signing_milestone, ReportStage,
};
pub use render::Message;
pub use schedule::{due_run, retry_delay, MAX_ATTEMPTS};

/// Who reads the send log (every message, its channel and whether it arrived): the
/// office the messages speak for, and the system administrator who keeps the channels
/// working. Not the people the messages went to.
pub fn may_read_send_log(role: crate::Role) -> bool {
    matches!(role, crate::Role::Office | crate::Role::Admin)
}

/// Only the system administrator sets which channels each kind of message goes by.
pub fn may_set_policy(role: crate::Role) -> bool {
    role == crate::Role::Admin
}

// Test fixtures the submodules' tests share.
#[cfg(test)]
mod fixtures {
    use crate::calendar::parse_date;
    use chrono::NaiveDate;

    pub(super) fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }
}

#[cfg(test)]
mod tests;
