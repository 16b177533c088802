//! 12345 hotline (12345 热线) complaints as work orders (工单).
//!
//! An order arrives from the hotline platform (or the office types it in), is led by
//! the initiating department of the project it names (the office assigns it when no
//! project matches), and runs through its steps: received → assigned → signed for →
//! handled → replied → follow-up call → closed, or reopened when the caller is not
//! satisfied. Every step has a limit in working days on the official calendar,
//! configurable per category and urgency, and a light. A reply late by one working
//! day is urged (催办); an order reopened more than three times is escalated to the
//! office. The caller (来电人) is never shown to the department complained about.
//!
//! Everything here is pure: the store keeps the rows, the web translates.

mod caller;
mod intake;
mod limit;
mod order;
mod step;

pub use caller::{
    caller_view, mask_phone, may_find_by_phone, may_see, may_substantiate, normalise_phone, CallerView, CALLER_LABEL,
};
pub use intake::{callback_retry_delay, initial_state, may_enter, FieldError, NewOrder, OrderInput};
pub use limit::{limits_for, may_set_limits, urging_due, Deadline, StepLimits, MAX_LIMIT};
pub use order::{Category, Clock, OrderState, Urgency};
pub use step::{decide, Action, Actor, HotlineError, OrderFacts, Transition, ESCALATE_AFTER_REOPENINGS};

// Test fixtures the submodules' tests share.
#[cfg(test)]
mod fixtures {
    use super::{Actor, OrderFacts, OrderState};
    use crate::Role;

    pub(super) fn facts(state: OrderState) -> OrderFacts {
        OrderFacts {
            state,
            leading_department_id: Some("fgw".into()),
            complained_department_id: Some("zrzy".into()),
            reopen_count: 0,
        }
    }

    pub(super) fn person(role: Role, d: Option<&str>) -> Actor {
        Actor::Person { role, department_id: d.map(str::to_string) }
    }
}
