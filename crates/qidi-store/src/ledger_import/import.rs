//! The import itself: its mode and summary, its batches, and the one transaction that writes a file chunk by chunk.

use super::batch::{addition_row, Batch, Col, Val, BASELINE_COLUMNS, PROJECT_COLUMNS};
use super::lookup::{
    department_id, item_type_id, load_map, owner_name, stored_items, stored_owners, stored_projects, DEPARTMENT_IDS,
    LOOKUP,
};
use super::refusals::{import_refusals, reason_arg};
use crate::baseline::{add_missing_additions, current_campaign_tx, locked_departments_tx, FixedNow};
use crate::db::Backend;
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, today, Store, StoreError};
use qidi_core::ledger::may_import_over_item;
use qidi_core::ledger_file::LedgerImport;
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use upsert::{update_item, upsert_project};

mod upsert;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub dry_run: bool,
    /// Whether anything was committed.
    pub written: bool,
    pub projects_new: u64,
    pub projects_changed: u64,
    pub projects_unchanged: u64,
    pub items_new: u64,
    pub items_changed: u64,
    pub items_unchanged: u64,
    pub owners_new: u64,
    /// New pending items of departments whose ledger is already fixed: added to the
    /// baseline, marked as additions.
    pub additions: u64,
    /// Existing items handled by another department, left as that department answered
    /// (a department's import changes only its own items; see
    /// [`qidi_core::ledger::may_import_over_item`]).
    pub items_kept: u64,
    /// Row errors in the file (their projects were not imported).
    pub errors: u64,
}

impl ImportSummary {
    /// Whether the import changes anything in the database.
    pub fn changes_anything(&self) -> bool {
        self.projects_new + self.projects_changed + self.items_new + self.items_changed + self.owners_new > 0
    }
}

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportMode {
    /// Work everything out, reading only: nothing is written.
    pub dry_run: bool,
    /// Import the valid projects even when other rows have errors.
    pub skip_invalid: bool,
}

/// Who an import's events name: nobody for the console.
#[derive(Default)]
struct EventActor {
    id: Option<String>,
    role: Option<String>,
    department_id: Option<String>,
}

impl EventActor {
    fn of(actor: Option<&User>) -> EventActor {
        EventActor {
            id: actor.map(|a| a.id.clone()),
            role: actor.map(|a| a.role.as_str().to_string()),
            department_id: actor.and_then(|a| a.department_id.clone()),
        }
    }

    /// An event by this actor, with no request details yet.
    fn event(&self, region: &str, action: &str, object_type: &str, object_id: &str) -> NewEvent {
        NewEvent {
            region_code: region.to_string(),
            actor_id: self.id.clone(),
            actor_role: self.role.clone(),
            actor_department_id: self.id.as_ref().map(|_| self.department_id.clone()),
            action: action.into(),
            object_type: object_type.into(),
            object_id: Some(object_id.to_string()),
            ..Default::default()
        }
    }
}

impl Store {
    /// Import a ledger read by `qidi_office`: refuses a file with row errors (nothing is
    /// written). With `dry_run` everything is worked out and nothing written.
    pub async fn import_ledger(
        &self,
        region: &RegionCode,
        import: &LedgerImport,
        actor: Option<&User>,
        dry_run: bool,
    ) -> Result<ImportSummary, StoreError> {
        self.import_ledger_with(region, import, actor, ImportMode { dry_run, skip_invalid: false }).await
    }

    /// Import with explicit options; see [`ImportMode`].
    pub async fn import_ledger_with(
        &self,
        region: &RegionCode,
        import: &LedgerImport,
        actor: Option<&User>,
        mode: ImportMode,
    ) -> Result<ImportSummary, StoreError> {
        self.import_claiming(region, import, actor, mode, None).await
    }

    /// Import a web upload kept with [`Store::keep_ledger_upload`], claiming it in the
    /// same transaction: a token imports once, even when confirmed twice at the same
    /// moment (the second gets [`StoreError::Conflict`]).
    pub async fn import_upload(
        &self,
        region: &RegionCode,
        import: &LedgerImport,
        actor: &User,
        token: &str,
        skip_invalid: bool,
    ) -> Result<ImportSummary, StoreError> {
        let mode = ImportMode { dry_run: false, skip_invalid };
        self.import_claiming(region, import, Some(actor), mode, Some(token)).await
    }

    async fn import_claiming(
        &self,
        region: &RegionCode,
        import: &LedgerImport,
        actor: Option<&User>,
        mode: ImportMode,
        upload: Option<&str>,
    ) -> Result<ImportSummary, StoreError> {
        let errors = import.errors.len() as u64;
        if errors > 0 && !mode.skip_invalid && !mode.dry_run {
            return Err(StoreError::invalid(
                Sentence::new(
                    "err-import-file-has-errors",
                    format!("台账有 {errors} 处错误，未导入任何内容：请改正后重新导入，或选择只导入无误的项目"),
                )
                .arg("n", errors),
            ));
        }
        // A large page cache keeps SQLite from spilling the transaction's pages to disk
        // and reading them back: a 100,000-row import took a quarter longer without it.
        // The connection is closed afterwards (even if the request is dropped halfway),
        // so no pooled connection keeps the cache.
        let mut conn = self.pool.acquire().await?;
        if self.backend() == Backend::Sqlite && !mode.dry_run {
            conn.close_on_drop();
            sqlx::query("PRAGMA cache_size = -32768").execute(&mut *conn).await?;
        }
        let s = self.import_on(&mut conn, region, import, actor, mode, upload).await?;
        if self.backend() == Backend::Postgres && s.written && s.projects_new + s.items_new >= BULK {
            // PostgreSQL plans from statistics that autovacuum gathers later: until then a
            // table never analyzed is guessed two-thirds full of any value asked for, and
            // the next import's lookups read every item for each chunk (a second import
            // of 100,000 projects: 18.6 s). The import has committed; a failure here only
            // leaves the statistics to autovacuum.
            let tables = "projects, owners, pending_items, baseline_items, scope_projects, pending_projects";
            if let Err(e) = sqlx::query(&format!("ANALYZE {tables}")).execute(&mut *conn).await {
                tracing::warn!(error = %e, "statistics not gathered after an import");
            }
        }
        Ok(s)
    }

    async fn import_on(
        &self,
        conn: &mut AnyConnection,
        region: &RegionCode,
        import: &LedgerImport,
        actor: Option<&User>,
        mode: ImportMode,
        upload: Option<&str>,
    ) -> Result<ImportSummary, StoreError> {
        let rc = region.as_str();
        let errors = import.errors.len() as u64;
        // A dry run only reads, so it takes no write lock and waits for no writer.
        let mut tx =
            if mode.dry_run { sqlx::Connection::begin(conn).await? } else { self.begin_write_on(conn).await? };
        if let (Some(token), Some(actor)) = (upload, actor) {
            if !crate::uploads::claim_upload(&mut tx, actor, token).await? {
                return Err(StoreError::conflict(Sentence::new(
                    "err-import-upload-gone",
                    "上传的文件已导入或已过期，请重新上传",
                )));
            }
        }
        let mut s = ImportSummary { dry_run: mode.dry_run, errors, ..Default::default() };

        let mut dept_ids = load_map(&mut tx, DEPARTMENT_IDS, rc).await?;
        let mut type_ids = load_map(&mut tx, "SELECT code, id FROM item_types WHERE region_code = $1", rc).await?;
        let campaign = current_campaign_tx(&mut tx, region).await?;
        let locked: HashSet<String> = match &campaign {
            Some(c) => locked_departments_tx(&mut tx, &c.id).await?,
            None => HashSet::new(),
        };

        let now = now_text();
        let today = today().format("%Y-%m-%d").to_string();
        // Departments not fixed when this began that it added items to (PostgreSQL).
        let mut unlocked_with_items: HashSet<String> = HashSet::new();
        // Stored projects it moved to another initiating department, with that department.
        let mut moved_in: Vec<(String, String)> = Vec::new();
        let event_actor = EventActor::of(actor);
        // A dry run only reads: it works out the same summary without taking the
        // database's write lock, so checking a file never holds up anyone's work.
        let write = !mode.dry_run;
        let mut batches = Batches::new(self.backend(), write);
        let mut credit_codes_set: HashSet<String> = HashSet::new();
        // The units of the file found so far, by name (the file's own, not the region's).
        let mut owner_ids: HashMap<String, String> = HashMap::new();
        // What the database already holds is read for a chunk of the file's projects at a
        // time, so memory follows the chunk and not the region's ledger, which may hold
        // a million projects.
        for chunk in import.projects.chunks(LOOKUP) {
            let mut projects = stored_projects(&mut tx, self.backend(), rc, chunk).await?;
            let mut items = stored_items(&mut tx, self.backend(), &projects).await?;
            stored_owners(&mut tx, self.backend(), rc, chunk, &mut owner_ids).await?;
            if let Some(actor) = actor {
                let stored = |code: &str| projects.get(code).map(|p| p.department_id.as_deref());
                if let Some((i, why)) = import_refusals(actor, chunk, &dept_ids, stored).into_iter().next() {
                    // Returned before the commit: what earlier chunks wrote is rolled back.
                    let code = chunk[i].code.as_str();
                    return Err(StoreError::forbidden(
                        Sentence::new(
                            "err-import-project-refused-nothing",
                            format!("项目 {code}：{why}；未导入任何内容"),
                        )
                        .arg("code", code)
                        .arg("why", reason_arg(&why)),
                    ));
                }
            }
            for p in chunk {
                let owner_id = match owner_name(p) {
                    None => None,
                    Some(name) => Some(match owner_ids.get(name) {
                        Some(id) => id.clone(),
                        None => {
                            let id = new_id();
                            if write {
                                sqlx::query("INSERT INTO owners (id, region_code, name) VALUES ($1, $2, $3)")
                                    .bind(&id)
                                    .bind(rc)
                                    .bind(name)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                            owner_ids.insert(name.to_string(), id.clone());
                            s.owners_new += 1;
                            id
                        }
                    }),
                };
                // A credit code the file gives (checked when read) fills in a unit's that
                // is still empty; one already kept is never overwritten by a file.
                if let (Some(id), Some(code), true) = (&owner_id, &p.owner_credit_code, write) {
                    if credit_codes_set.insert(id.clone()) {
                        sqlx::query("UPDATE owners SET credit_code = $1 WHERE id = $2 AND credit_code IS NULL")
                            .bind(code)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                let dept_id = match &p.initiating_department {
                    Some(code) => Some(department_id(&mut tx, write, rc, &mut dept_ids, code).await?),
                    None => None,
                };
                let department_before = projects.get(p.code.as_str()).map(|o| o.department_id.clone());
                let (project_id, project_dept) = upsert_project(
                    &mut tx,
                    &mut batches,
                    rc,
                    &mut projects,
                    p,
                    owner_id,
                    dept_id,
                    &now,
                    &event_actor,
                    &mut s,
                )
                .await?;
                if let (Some(before), Some(d), true) = (&department_before, &project_dept, write) {
                    if before.as_ref() != Some(d) {
                        moved_in.push((project_id.clone(), d.clone()));
                    }
                }
                for it in &p.items {
                    let type_id = item_type_id(&mut tx, write, rc, &mut type_ids, &mut dept_ids, &it.item_type).await?;
                    let handling = department_id(&mut tx, write, rc, &mut dept_ids, &it.handling_department).await?;
                    let key = (project_id.clone(), type_id.clone());
                    match items.get_mut(&key) {
                        Some(old)
                            if actor.is_some_and(|a| {
                                !may_import_over_item(a.role, a.department_id.as_deref(), &old.handling_department_id)
                            }) =>
                        {
                            s.items_kept += 1;
                        }
                        Some(old) => {
                            if update_item(&mut tx, write, old, it, handling).await? {
                                s.items_changed += 1;
                            } else {
                                s.items_unchanged += 1;
                            }
                        }
                        None => {
                            let id = new_id();
                            let due = it.due_on.map(|d| d.format("%Y-%m-%d").to_string());
                            batches.items.push([
                                text(&id),
                                text(rc),
                                text(&project_id),
                                text(&type_id),
                                text(&handling),
                                text("pending"),
                                Val::Text(it.check_result.clone()),
                                Val::Text(it.responsible_person.clone()),
                                Val::Text(it.acceptance_status.clone()),
                                Val::Text(due),
                                Val::Text(it.note.clone()),
                                text(&now),
                            ]);
                            batches.flush_full(&mut tx).await?;
                            s.items_new += 1;
                            if let (Some(c), Some(d)) = (&campaign, &project_dept) {
                                if !locked.contains(d) && self.backend() == Backend::Postgres {
                                    unlocked_with_items.insert(d.clone());
                                }
                                if locked.contains(d) {
                                    // A new item of a signed ledger is an addition to the
                                    // baseline; its batch is written after the items'.
                                    batches.baseline.push(addition_row(rc, &c.id, &id, &today, &now));
                                    batches.flush_full(&mut tx).await?;
                                    s.additions += 1;
                                }
                            }
                            // Not remembered either: the reader merged a project's rows by
                            // item type, so this item does not come again.
                        }
                    }
                }
            }
        }

        batches.flush_all(&mut tx).await?;
        if !write {
            tx.rollback().await?;
            return Ok(s);
        }
        // On PostgreSQL a department's ledger may have been fixed since `locked` was read:
        // its signature could not see the items added here, nor these rows its baseline.
        // A project moved into a fixed department brings items its baseline lacks, on
        // either engine. The items' statements and the moves took the department's lock
        // (migrations 0038, 0039), so this reading is exact.
        if let (Some(c), false) = (&campaign, unlocked_with_items.is_empty() && moved_in.is_empty()) {
            let fixed_now = locked_departments_tx(&mut tx, &c.id).await?;
            let at = |d| FixedNow { region: rc, campaign_id: &c.id, department_id: d, day: &today, at: &now };
            for d in unlocked_with_items.intersection(&fixed_now) {
                s.additions += add_missing_additions(&mut tx, self.backend(), &at(d), None).await?;
            }
            for (project, d) in moved_in.iter().filter(|(_, d)| fixed_now.contains(d)) {
                s.additions += add_missing_additions(&mut tx, self.backend(), &at(d), Some(project)).await?;
            }
        }
        let changed = s.changes_anything();
        append(
            &mut tx,
            &NewEvent {
                outcome: if changed { "ok" } else { "unchanged" }.into(),
                payload: serde_json::json!({
                    "sheet": import.sheet,
                    "unit": import.unit,
                    "summary": s,
                    "skip_invalid": mode.skip_invalid,
                }),
                ..event_actor.event(rc, "ledger.import", "ledger", rc)
            },
        )
        .await?;
        tx.commit().await?;
        s.written = true;
        Ok(s)
    }
}

/// New projects and items from which an import on PostgreSQL gathers the statistics of
/// the tables it wrote at once, rather than leave them to autovacuum.
const BULK: u64 = 1_000;

/// The columns of a batched event before the chain's own (`seq`, `prev_hash`, `hash`).
/// The event columns written besides the chain's own: the record's own list.
const EVENT_COLUMNS: [&str; 13] = crate::events::COLUMNS;

/// The batches of one import, flushed parents first so foreign keys hold.
struct Batches {
    backend: Backend,
    /// False in a dry run: rows are counted and dropped.
    write: bool,
    projects: Batch,
    items: Batch,
    /// Additions to the baseline (rows of `baseline_items`), after the items they name.
    baseline: Batch,
    events: Batch,
}

impl Batches {
    fn new(backend: Backend, write: bool) -> Batches {
        use Col::{Int, Text};
        Batches {
            backend,
            write,
            projects: Batch::new("projects", &PROJECT_COLUMNS),
            items: Batch::new(
                "pending_items",
                &[
                    ("id", Text),
                    ("region_code", Text),
                    ("project_id", Text),
                    ("item_type_id", Text),
                    ("handling_department_id", Text),
                    ("status", Text),
                    ("check_result", Text),
                    ("responsible_person", Text),
                    ("acceptance_status", Text),
                    ("due_on", Text),
                    ("note", Text),
                    ("created_at", Text),
                ],
            ),
            baseline: Batch::new("baseline_items", &BASELINE_COLUMNS),
            events: Batch::new(
                "events",
                &[
                    ("id", Text),
                    ("region_code", Text),
                    ("at", Text),
                    ("actor_id", Text),
                    ("actor_role", Text),
                    ("actor_department_id", Text),
                    ("action", Text),
                    ("object_type", Text),
                    ("object_id", Text),
                    ("outcome", Text),
                    ("payload", Text),
                    ("client_addr", Text),
                    ("request_id", Text),
                    ("seq", Int),
                    ("prev_hash", Text),
                    ("hash", Text),
                ],
            ),
        }
    }

    async fn flush_full(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        if !self.write {
            self.drop_rows();
            return Ok(());
        }
        if self.projects.is_full() || self.items.is_full() || self.baseline.is_full() {
            self.projects.flush(conn, self.backend).await?;
            self.items.flush(conn, self.backend).await?;
            self.baseline.flush(conn, self.backend).await?;
        }
        if self.events.is_full() {
            self.flush_events(conn).await?;
        }
        Ok(())
    }

    async fn flush_all(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        if !self.write {
            self.drop_rows();
            return Ok(());
        }
        self.projects.flush(conn, self.backend).await?;
        self.items.flush(conn, self.backend).await?;
        self.baseline.flush(conn, self.backend).await?;
        self.flush_events(conn).await
    }

    /// Make the batched events the next links of the record's hash chain, then write them.
    async fn flush_events(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        const CONTENT: usize = EVENT_COLUMNS.len();
        let width = self.events.width;
        let mut rows: Vec<Vec<Option<String>>> = self
            .events
            .vals
            .chunks(width)
            .map(|r| {
                r[..CONTENT]
                    .iter()
                    .map(|v| match v {
                        Val::Text(t) => t.clone(),
                        Val::Int(i) => i.map(|n| n.to_string()),
                        Val::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
                    })
                    .collect()
            })
            .collect();
        let links = crate::events::chain_next(conn, &EVENT_COLUMNS, &mut rows).await?;
        self.events.vals.clear();
        for (row, link) in rows.into_iter().zip(links) {
            self.events.vals.extend(row.into_iter().map(Val::Text));
            self.events.vals.extend([
                Val::Int(Some(link.seq)),
                Val::Text(Some(link.prev_hash)),
                Val::Text(Some(link.hash)),
            ]);
        }
        self.events.flush(conn, self.backend).await?;
        Ok(())
    }
}

impl Batches {
    fn drop_rows(&mut self) {
        self.projects.vals.clear();
        self.items.vals.clear();
        self.baseline.vals.clear();
        self.events.vals.clear();
    }
}

fn text(s: &str) -> Val {
    Val::Text(Some(s.to_string()))
}
