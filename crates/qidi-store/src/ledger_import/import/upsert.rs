//! Bringing a stored project or pending item up to date with the file.

use super::{text, Batches, EventActor, ImportSummary};
use crate::events::{append, NewEvent};
use crate::ledger_import::batch::Val;
use crate::ledger_import::lookup::{ItemDb, ProjectDb};
use crate::{new_id, now_text, StoreError};
use qidi_core::ledger_file::{LedgerItem, LedgerProject};
use qidi_core::project::ProjectStage;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Set `old` to `new` when the file has a value and it differs; true if it changed.
fn take_if_some<T: PartialEq>(old: &mut Option<T>, new: Option<T>) -> bool {
    match new {
        Some(n) if old.as_ref() != Some(&n) => {
            *old = Some(n);
            true
        }
        _ => false,
    }
}

/// Insert a project or bring it up to date with the file. Values the file leaves empty
/// keep what the database has. Returns the project id and its initiating department id.
#[allow(clippy::too_many_arguments)]
pub(super) async fn upsert_project(
    conn: &mut AnyConnection,
    batches: &mut Batches,
    region: &str,
    projects: &mut HashMap<String, ProjectDb>,
    p: &LedgerProject,
    owner_id: Option<String>,
    dept_id: Option<String>,
    now: &str,
    actor: &EventActor,
    s: &mut ImportSummary,
) -> Result<(String, Option<String>), StoreError> {
    let code = p.code.as_str();
    let event = |action: &str, id: &str, payload: serde_json::Value| NewEvent {
        payload,
        ..actor.event(region, action, "project", id)
    };
    let initiated_on = p.initiated_on.map(|d| d.format("%Y-%m-%d").to_string());
    let Some(old) = projects.get_mut(code) else {
        let id = new_id();
        let stage = p.stage.unwrap_or(ProjectStage::NotStarted).as_str();
        batches.projects.push([
            text(&id),
            text(region),
            text(code),
            text(&p.name),
            Val::Text(owner_id),
            Val::Text(dept_id.clone()),
            Val::Int(p.year.map(i64::from)),
            Val::Int(p.investment.map(|y| y.0)),
            text(stage),
            Val::Bool(true),
            text(now),
            text(now),
            Val::Text(initiated_on),
        ]);
        let e = event("project.import", &id, serde_json::json!({ "code": code, "name": p.name, "new": true }));
        let (client_addr, request_id) = e.request_fields();
        batches.events.push([
            text(&new_id()),
            text(&e.region_code),
            text(&now_text()),
            Val::Text(e.actor_id),
            Val::Text(e.actor_role),
            Val::Text(e.actor_department_id.flatten()),
            Val::Text(Some(e.action)),
            Val::Text(Some(e.object_type)),
            Val::Text(e.object_id),
            text("ok"),
            text(&e.payload.to_string()),
            Val::Text(client_addr),
            Val::Text(request_id),
            // The chain's columns, filled in when the batch is written.
            Val::Int(None),
            Val::Text(None),
            Val::Text(None),
        ]);
        batches.flush_full(conn).await?;
        s.projects_new += 1;
        // Not remembered in `projects`: the reader merged the file's rows by project
        // code, so this code does not come again in this import (and remembering every
        // new project and item of a region-sized ledger cost more memory than the file).
        return Ok((id, dept_id));
    };
    let mut changed: Vec<&str> = Vec::new();
    if old.name != p.name {
        old.name = p.name.clone();
        changed.push("name");
    }
    if take_if_some(&mut old.owner_id, owner_id) {
        changed.push("owner");
    }
    if take_if_some(&mut old.department_id, dept_id) {
        changed.push("initiating_department");
    }
    if take_if_some(&mut old.year, p.year.map(i64::from)) {
        changed.push("year");
    }
    if take_if_some(&mut old.initiated_on, initiated_on) {
        changed.push("initiated_on");
    }
    if take_if_some(&mut old.investment, p.investment.map(|y| y.0)) {
        changed.push("investment");
    }
    if let Some(st) = p.stage {
        if old.stage != st.as_str() {
            old.stage = st.as_str().to_string();
            changed.push("stage");
        }
    }
    if changed.is_empty() {
        s.projects_unchanged += 1;
    } else if !batches.write {
        s.projects_changed += 1;
    } else {
        sqlx::query(
            "UPDATE projects SET name = $1, owner_id = $2, initiating_department_id = $3, initiated_year = $4,
                investment_yuan = $5, stage = $6, updated_at = $7, initiated_on = $9 WHERE id = $8",
        )
        .bind(&old.name)
        .bind(&old.owner_id)
        .bind(&old.department_id)
        .bind(old.year)
        .bind(old.investment)
        .bind(&old.stage)
        .bind(now)
        .bind(&old.id)
        .bind(&old.initiated_on)
        .execute(&mut *conn)
        .await?;
        append(
            conn,
            &event("project.import", &old.id, serde_json::json!({ "code": code, "changed": changed, "new": false })),
        )
        .await?;
        s.projects_changed += 1;
    }
    Ok((old.id.clone(), old.department_id.clone()))
}

/// Bring a pending item up to date with the file (its status is never touched).
pub(super) async fn update_item(
    conn: &mut AnyConnection,
    write: bool,
    old: &mut ItemDb,
    it: &LedgerItem,
    handling: String,
) -> Result<bool, StoreError> {
    let mut changed = false;
    if old.handling_department_id != handling {
        old.handling_department_id = handling;
        changed = true;
    }
    changed |= take_if_some(&mut old.check_result, it.check_result.clone());
    changed |= take_if_some(&mut old.responsible_person, it.responsible_person.clone());
    changed |= take_if_some(&mut old.acceptance_status, it.acceptance_status.clone());
    changed |= take_if_some(&mut old.due_on, it.due_on.map(|d| d.format("%Y-%m-%d").to_string()));
    changed |= take_if_some(&mut old.note, it.note.clone());
    if changed && write {
        sqlx::query(
            "UPDATE pending_items SET handling_department_id = $1, check_result = $2, responsible_person = $3,
                acceptance_status = $4, due_on = $5, note = $6 WHERE id = $7",
        )
        .bind(&old.handling_department_id)
        .bind(&old.check_result)
        .bind(&old.responsible_person)
        .bind(&old.acceptance_status)
        .bind(&old.due_on)
        .bind(&old.note)
        .bind(&old.id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(changed)
}
