//! Who sees which applications and who acts for whom: the visibility SQL, binds, a helper's link and the actor.

use crate::ledger::{item_scope, owner_sql};
use crate::users::User;
use crate::{Backend, Store, StoreError};
use qidi_core::role::ScopeLimit;
use qidi_core::workflow::{Actor, Side};
use qidi_core::Role;

/// SQL that keeps what `user` may see of applications or pending items: the ledger's
/// item scope, or the projects the user accompanies as a helper. Aliases `i`
/// (pending items) and `p` (projects); placeholders from `$first`.
pub(crate) fn visible(user: &User, first: usize) -> (String, Vec<String>) {
    let scope = user.scope();
    if let ScopeLimit::Owner(o) = &scope.limit {
        // A unit's projects and those it accompanies, as one list of projects, so that
        // its applications are found through their project's index; under an `OR`
        // the planner reads every application of every region and tests each.
        let n = first + 1;
        let sql = format!(
            "p.id IN (SELECT q.id FROM projects q WHERE {}
                      UNION SELECT hv.project_id FROM project_helpers hv WHERE hv.helper_user_id = ${n})",
            owner_sql("q", first)
        );
        return (sql, vec![o.clone(), user.id.clone()]);
    }
    let s = item_scope(&scope, first);
    let n = first + s.binds.len();
    let sql = format!(
        "(({}) OR EXISTS (SELECT 1 FROM project_helpers hv WHERE hv.project_id = p.id AND hv.helper_user_id = ${n}))",
        s.sql
    );
    let mut binds = s.binds;
    binds.push(user.id.clone());
    (sql, binds)
}

/// The applications `a`, as a `FROM` item, of a list [`visible`] keeps to a unit's
/// projects. SQLite, which has no statistics, would start at every region's
/// applications awaiting the unit (or a department, or by deadline) and test each
/// against the unit's list, 30–950 ms at a million projects; the index named makes it
/// take each of the unit's projects' applications instead. PostgreSQL plans this from
/// its statistics. Anyone else's list keeps `applications a` as it is.
pub(crate) fn applications_of(backend: Backend, user: &User) -> &'static str {
    match (backend, user.scope().limit) {
        (Backend::Sqlite, ScopeLimit::Owner(_)) => "applications a INDEXED BY applications_project",
        _ => "applications a",
    }
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = q.bind(b.as_str());
    }
    q
}

/// A helper's link to a project.
#[derive(Debug, Clone)]
pub(crate) struct HelperLink {
    pub authorised_by_unit: bool,
}

/// Who `user` is for an action of `side` on a project owned by `owner_id`: a helper
/// acts as such (for the unit when authorised) on the unit's side; everyone else as
/// their account says.
pub(crate) fn actor_for(user: &User, helper: Option<&HelperLink>, owner_id: &str, side: Side) -> Actor {
    match helper {
        Some(h)
            if side == Side::Unit && !(user.role == Role::Applicant && user.owner_id.as_deref() == Some(owner_id)) =>
        {
            Actor::helper(user.role, user.department_id.as_deref(), h.authorised_by_unit.then_some(owner_id))
        }
        _ => Actor {
            role: user.role,
            department_id: user.department_id.clone(),
            owner_id: user.owner_id.clone(),
            helper_for: false,
            system: false,
        },
    }
}

impl Store {
    pub(crate) async fn helper_link(&self, user_id: &str, project_id: &str) -> Result<Option<HelperLink>, StoreError> {
        let row =
            sqlx::query("SELECT authorised_by_unit FROM project_helpers WHERE project_id = $1 AND helper_user_id = $2")
                .bind(project_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| HelperLink { authorised_by_unit: crate::get_bool(&r, 0) }))
    }
}
