//! Spreadsheet ledgers into the database and back out.
//!
//! [`Store::import_ledger`] upserts what a ledger file held (core `ledger_file`; the
//! spreadsheet crate reads it), keyed by (region, project
//! code) and, for pending items, by (project, item type), in ONE transaction with one
//! `ledger.import` event: importing the same file again changes nothing. A file with
//! any row error writes nothing unless the caller asks to skip the invalid projects.
//! [`Store::export_ledger`] hands the ledger in scope to a writer, project by project,
//! reading the database in pages so memory stays bounded.

use crate::baseline::{current_campaign_tx, locked_departments_tx};
use crate::db::{params, Backend};
use crate::events::{append, NewEvent};
use crate::ledger::{item_scope, project_scope};
use crate::users::User;
use crate::{new_id, now_text, today, Store, StoreError};
use qidi_core::catalogue::{DEPARTMENTS, ITEM_TYPES};
use qidi_core::ledger::{import_refusal_reason, may_import_over_item, ImportRefusal};
use qidi_core::ledger_file::{Field, LedgerImport, LedgerItem, LedgerProject, RowIssue};
use qidi_core::project::{ProjectCode, ProjectStage, Yuan};
use qidi_core::sentence::{Arg, Explain, Sentence};
use qidi_core::{RegionCode, Scope};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};

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

struct ProjectDb {
    id: String,
    name: String,
    owner_id: Option<String>,
    department_id: Option<String>,
    year: Option<i64>,
    initiated_on: Option<String>,
    investment: Option<i64>,
    stage: String,
}

struct ItemDb {
    id: String,
    handling_department_id: String,
    check_result: Option<String>,
    responsible_person: Option<String>,
    acceptance_status: Option<String>,
    due_on: Option<String>,
    note: Option<String>,
}

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
    /// Take out of `import` the projects with dates far outside the campaign (see
    /// [`Store::refuse_far_dates`]) and those `actor` may not load (see
    /// [`qidi_core::ledger::import_refusal_reason`]) and report each as a row error, so the
    /// person sees them beside the file's own errors before anything is written.
    pub async fn restrict_import(
        &self,
        region: &RegionCode,
        actor: &User,
        import: &mut LedgerImport,
    ) -> Result<(), StoreError> {
        self.refuse_far_dates(region, import).await?;
        let refused = if import_refusal_reason(actor.role, actor.department_id.as_deref(), None, None).is_none() {
            // Refused nothing even for a project with no department named: no lookups.
            Vec::new()
        } else {
            let rc = region.as_str();
            let mut conn = self.pool.acquire().await?;
            let dept_ids = load_map(&mut conn, DEPARTMENT_IDS, rc).await?;
            let mut refused = Vec::new();
            for (n, chunk) in import.projects.chunks(LOOKUP).enumerate() {
                let stored = stored_projects(&mut conn, self.backend(), rc, chunk).await?;
                let of = |code: &str| stored.get(code).map(|p| p.department_id.as_deref());
                let found = import_refusals(actor, chunk, &dept_ids, of);
                refused.extend(found.into_iter().map(|(i, why)| (n * LOOKUP + i, why)));
            }
            refused
        };
        let column = Field::InitiatingDepartment.label_zh();
        let mut reasons: HashMap<usize, ImportRefusal> = refused.into_iter().collect();
        // One pass in place, not one `remove` per refused project: a whole banner's file
        // may be mostly other departments' projects.
        let (sheet, errors) = (&import.sheet, &mut import.errors);
        let mut i = 0;
        import.projects.retain(|p| {
            let why = reasons.remove(&i);
            i += 1;
            let Some(why) = why else { return true };
            errors.push(RowIssue {
                row: p.first_row,
                column: column.to_string(),
                message: project_refused(p.code.as_str(), why),
                sheet: sheet.clone(),
            });
            false
        });
        import.errors.sort_by_key(|e| e.row);
        Ok(())
    }

    /// Take out of `import` the projects with a completion limit far outside the
    /// region's campaign (see [`qidi_core::campaign::Campaign::date_window`]), and
    /// report each such date as a row error: 2202 typed for 2022 is caught here, not
    /// counted as a deadline centuries away.
    pub async fn refuse_far_dates(&self, region: &RegionCode, import: &mut LedgerImport) -> Result<(), StoreError> {
        let window = self.campaign(region).await?.campaign.date_window(today());
        let column = Field::DueOn.label_zh();
        // In place: a second list of a region-sized ledger's projects would cost as much
        // memory as the first.
        let (sheet, errors) = (&import.sheet, &mut import.errors);
        import.projects.retain(|p| {
            let far: Vec<RowIssue> = p
                .items
                .iter()
                .filter_map(|it| {
                    let e = window.check(column, it.due_on?).err()?;
                    let code = p.code.as_str();
                    Some(RowIssue {
                        row: it.row,
                        column: column.to_string(),
                        message: Sentence::new("err-import-project-due-outside", format!("项目 {code}：{e}"))
                            .arg("code", code)
                            .arg("field", Arg::Label { prefix: "ledger-field", code: "due_on" })
                            .arg("on", e.on)
                            .arg("from", e.from)
                            .arg("to", e.to),
                        sheet: sheet.clone(),
                    })
                })
                .collect();
            let keep = far.is_empty();
            errors.extend(far);
            keep
        });
        import.errors.sort_by_key(|e| e.row);
        Ok(())
    }

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
                                if locked.contains(d) {
                                    // A new item of a signed ledger is an addition to the
                                    // baseline; its batch is written after the items'.
                                    batches.baseline.push([
                                        text(&new_id()),
                                        text(rc),
                                        text(&c.id),
                                        text(&id),
                                        Val::Bool(true),
                                        text(&today),
                                        text(&now),
                                    ]);
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

    /// The title and 填报单位 of an exported ledger: the region's, or a department's.
    pub async fn export_heading(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
    ) -> Result<(String, String), StoreError> {
        let region_name: String = sqlx::query("SELECT name FROM regions WHERE code = $1")
            .bind(region.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0))
            .unwrap_or_else(|| region.to_string());
        let unit = match department_id {
            Some(d) => sqlx::query("SELECT name FROM departments WHERE id = $1")
                .bind(d)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.get(0))
                .ok_or_else(|| StoreError::NotFound("部门不存在".into()))?,
            None => format!("{region_name}待批项目大起底工作领导小组办公室"),
        };
        Ok((format!("{region_name}待批项目台账"), unit))
    }

    /// The ledger in `scope` for export, one project at a time (by project code):
    /// projects in the library, and their pending items still pending. Reads the
    /// database in pages of `page` projects.
    pub async fn export_ledger<F>(&self, scope: &Scope, page: i64, mut each: F) -> Result<u64, StoreError>
    where
        F: FnMut(LedgerProject) -> Result<(), StoreError>,
    {
        let page = page.clamp(1, 10_000);
        let mut last = String::new();
        let mut count = 0u64;
        loop {
            let ps = project_scope(scope, 3);
            let sql = format!(
                "{LEDGER_PROJECT_SELECT} WHERE p.in_library = TRUE AND p.code > $1 AND {} ORDER BY p.code LIMIT $2",
                ps.sql
            );
            let mut q = sqlx::query(&sql).bind(&last).bind(page);
            for b in &ps.binds {
                q = q.bind(b.as_str());
            }
            let rows = q.fetch_all(&self.pool).await?;
            if rows.is_empty() {
                break;
            }
            let first_code: String = rows[0].get(1);
            let last_code: String = rows[rows.len() - 1].get(1);
            let is = item_scope(scope, 3);
            let sql = format!(
                "{LEDGER_ITEM_SELECT}
                 WHERE i.status = 'pending' AND p.in_library = TRUE AND p.code >= $1 AND p.code <= $2 AND {}
                 ORDER BY p.code, t.code",
                is.sql
            );
            let mut q = sqlx::query(&sql).bind(&first_code).bind(&last_code);
            for b in &is.binds {
                q = q.bind(b.as_str());
            }
            let mut by_project = ledger_items(&q.fetch_all(&self.pool).await?);
            for r in &rows {
                each(ledger_project(r, &mut by_project))?;
                count += 1;
            }
            last = last_code;
            if (rows.len() as i64) < page {
                break;
            }
        }
        Ok(count)
    }
}

/// A project's columns as an export of the ledger holds it (projects `p`, their unit
/// `o` and initiating department `d`), read by [`ledger_project`]; the project's
/// region is the last column, for paging by key.
pub(crate) const LEDGER_PROJECT_SELECT: &str =
    "SELECT p.id, p.code, p.name, o.name, d.code, p.initiated_year, p.investment_yuan, p.stage, p.region_code
     FROM projects p LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id";

/// A pending item's columns as an export of the ledger holds it (items `i`, their
/// project `p`), read by [`ledger_items`].
pub(crate) const LEDGER_ITEM_SELECT: &str =
    "SELECT i.project_id, t.code, hd.code, i.check_result, i.responsible_person, i.acceptance_status, i.due_on, i.note
     FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
          JOIN departments hd ON hd.id = i.handling_department_id";

/// Rows of [`LEDGER_ITEM_SELECT`] by project id, in the rows' order.
pub(crate) fn ledger_items(rows: &[sqlx::any::AnyRow]) -> HashMap<String, Vec<LedgerItem>> {
    let mut by_project: HashMap<String, Vec<LedgerItem>> = HashMap::new();
    for r in rows {
        let due: Option<String> = r.get(6);
        by_project.entry(r.get(0)).or_default().push(LedgerItem {
            item_type: r.get(1),
            handling_department: r.get(2),
            check_result: r.get(3),
            responsible_person: r.get(4),
            acceptance_status: r.get(5),
            due_on: due.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            note: r.get(7),
            row: 0,
        });
    }
    by_project
}

/// A row of [`LEDGER_PROJECT_SELECT`] as a ledger's project, with its items taken
/// from `items` (by project id).
pub(crate) fn ledger_project(r: &sqlx::any::AnyRow, items: &mut HashMap<String, Vec<LedgerItem>>) -> LedgerProject {
    let id: String = r.get(0);
    let code: String = r.get(1);
    let year: Option<i64> = r.get(5);
    let investment: Option<i64> = r.get(6);
    let stage: String = r.get(7);
    LedgerProject {
        code: ProjectCode::from_stored(code),
        name: r.get(2),
        owner: r.get(3),
        initiating_department: r.get(4),
        year: year.and_then(|y| i32::try_from(y).ok()),
        investment: investment.map(Yuan),
        stage: ProjectStage::parse(&stage),
        items: items.remove(&id).unwrap_or_default(),
        // Not in the official layout's columns.
        owner_credit_code: None,
        initiated_on: None,
        first_row: 0,
    }
}

/// The projects of `projects` (by index) that `actor` may not load, and why. `stored`
/// gives an existing project's initiating department id (by project code).
fn import_refusals<'a>(
    actor: &User,
    projects: &[LedgerProject],
    dept_ids: &HashMap<String, String>,
    stored: impl Fn(&str) -> Option<Option<&'a str>>,
) -> Vec<(usize, ImportRefusal)> {
    let own = actor.department_id.as_deref();
    projects
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let file_dept = p.initiating_department.as_deref().and_then(|c| dept_ids.get(c)).map(String::as_str);
            import_refusal_reason(actor.role, own, file_dept, stored(p.code.as_str())).map(|why| (i, why))
        })
        .collect()
}

/// A project `actor` may not load, as a row error: "项目 {code}：{why}".
fn project_refused(code: &str, why: ImportRefusal) -> Sentence {
    Sentence::new("err-import-project-refused", format!("项目 {code}：{why}"))
        .arg("code", code)
        .arg("why", reason_arg(&why))
}

/// A reason inside another sentence. Another language shows it by its own catalogue
/// key: a key `err-…` is the label `err` of the code `…` (see `Arg::Label`).
fn reason_arg(why: &ImportRefusal) -> Arg {
    // Not a literal "err-…": the catalogue test takes such literals for keys.
    match why.key().strip_prefix("err").and_then(|k| k.strip_prefix('-')) {
        Some(code) => Arg::Label { prefix: "err", code },
        None => Arg::Text(why.to_string()),
    }
}

const DEPARTMENT_IDS: &str = "SELECT code, id FROM departments WHERE region_code = $1";

async fn load_map(conn: &mut AnyConnection, sql: &str, region: &str) -> Result<HashMap<String, String>, StoreError> {
    let rows = sqlx::query(sql).bind(region).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// New projects and items from which an import on PostgreSQL gathers the statistics of
/// the tables it wrote at once, rather than leave them to autovacuum.
const BULK: u64 = 1_000;

/// Projects of a file read per statement when the import looks up what the database
/// holds (their items: a few per project; binds stay far below either engine's limit).
/// On PostgreSQL each lookup is planned for the tables as the import has grown them
/// ([`Backend::keeps_prepared`]): planned once, it took a few hundred projects for the
/// table's size and read every project for each chunk (a 100,000-project import 2.4×
/// slower).
const LOOKUP: usize = 500;

/// The projects of the region (`$1`) with `n` codes (`$2`…), through the code's index.
pub(crate) fn stored_projects_sql(n: usize) -> String {
    format!(
        "SELECT code, id, name, owner_id, initiating_department_id, initiated_year, investment_yuan, stage,
                initiated_on
         FROM projects WHERE region_code = $1 AND code IN ({})",
        params(2, n)
    )
}

/// The pending items of `n` projects (`$1`…), through the (project, item type) index.
pub(crate) fn stored_items_sql(n: usize) -> String {
    format!(
        "SELECT project_id, item_type_id, id, handling_department_id, check_result, responsible_person,
                acceptance_status, due_on, note
         FROM pending_items WHERE project_id IN ({})",
        params(1, n)
    )
}

/// The units of the region (`$1`) with `n` names (`$2`…), through the name's index.
pub(crate) fn stored_owners_sql(n: usize) -> String {
    format!("SELECT name, id FROM owners WHERE region_code = $1 AND name IN ({})", params(2, n))
}

/// The projects of `chunk` the database already holds, by code.
async fn stored_projects(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    chunk: &[LedgerProject],
) -> Result<HashMap<String, ProjectDb>, StoreError> {
    let sql = stored_projects_sql(chunk.len());
    let mut q = sqlx::query(&sql).persistent(backend.keeps_prepared()).bind(region);
    for p in chunk {
        q = q.bind(p.code.as_str());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let p = ProjectDb {
                id: r.get(1),
                name: r.get(2),
                owner_id: r.get(3),
                department_id: r.get(4),
                year: r.get(5),
                initiated_on: r.get(8),
                investment: r.get(6),
                stage: r.get(7),
            };
            (r.get(0), p)
        })
        .collect())
}

/// The pending items of `projects`, by (project id, item type id).
async fn stored_items(
    conn: &mut AnyConnection,
    backend: Backend,
    projects: &HashMap<String, ProjectDb>,
) -> Result<HashMap<(String, String), ItemDb>, StoreError> {
    if projects.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = stored_items_sql(projects.len());
    let mut q = sqlx::query(&sql).persistent(backend.keeps_prepared());
    for p in projects.values() {
        q = q.bind(p.id.as_str());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let it = ItemDb {
                id: r.get(2),
                handling_department_id: r.get(3),
                check_result: r.get(4),
                responsible_person: r.get(5),
                acceptance_status: r.get(6),
                due_on: r.get(7),
                note: r.get(8),
            };
            ((r.get(0), r.get(1)), it)
        })
        .collect())
}

/// A project's unit as the file names it, trimmed; none when the cell is empty.
fn owner_name(p: &LedgerProject) -> Option<&str> {
    p.owner.as_deref().map(str::trim).filter(|o| !o.is_empty())
}

/// Adds to `ids` the units `chunk` names that the database holds and `ids` lacks.
async fn stored_owners(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    chunk: &[LedgerProject],
    ids: &mut HashMap<String, String>,
) -> Result<(), StoreError> {
    let names: HashSet<&str> = chunk.iter().filter_map(owner_name).filter(|n| !ids.contains_key(*n)).collect();
    if names.is_empty() {
        return Ok(());
    }
    let sql = stored_owners_sql(names.len());
    let mut q = sqlx::query(&sql).persistent(backend.keeps_prepared()).bind(region);
    for n in &names {
        q = q.bind(*n);
    }
    for r in q.fetch_all(&mut *conn).await? {
        ids.insert(r.get(0), r.get(1));
    }
    Ok(())
}

/// A department's id by code; a shipped department missing from the database is added.
async fn department_id(
    conn: &mut AnyConnection,
    write: bool,
    region: &str,
    ids: &mut HashMap<String, String>,
    code: &str,
) -> Result<String, StoreError> {
    if let Some(id) = ids.get(code) {
        return Ok(id.clone());
    }
    let Some(seed) = DEPARTMENTS.iter().find(|d| d.code == code) else {
        return Err(StoreError::invalid(
            Sentence::new("err-import-department-not-in-region", format!("部门“{code}”不在本地区的部门目录中"))
                .arg("code", code),
        ));
    };
    let id = new_id();
    if write {
        crate::seed::insert_department(conn, &id, region, seed).await?;
    }
    ids.insert(code.to_string(), id.clone());
    Ok(id)
}

/// An item type's id by code; a shipped item type missing from the database is added.
async fn item_type_id(
    conn: &mut AnyConnection,
    write: bool,
    region: &str,
    ids: &mut HashMap<String, String>,
    dept_ids: &mut HashMap<String, String>,
    code: &str,
) -> Result<String, StoreError> {
    if let Some(id) = ids.get(code) {
        return Ok(id.clone());
    }
    let Some(t) = ITEM_TYPES.iter().find(|t| t.code == code) else {
        return Err(StoreError::invalid(
            Sentence::new("err-import-item-type-not-in-region", format!("审批事项“{code}”不在本地区的事项目录中"))
                .arg("code", code),
        ));
    };
    let dept = department_id(conn, write, region, dept_ids, t.department).await?;
    let id = new_id();
    if write {
        crate::seed::insert_item_type(conn, &id, region, t, &dept).await?;
    }
    ids.insert(code.to_string(), id.clone());
    Ok(id)
}

/// Insert a project or bring it up to date with the file. Values the file leaves empty
/// keep what the database has. Returns the project id and its initiating department id.
#[allow(clippy::too_many_arguments)]
async fn upsert_project(
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
async fn update_item(
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

/// The columns of `projects` a batched insert writes (the importer, the generator).
pub(crate) const PROJECT_COLUMNS: [(&str, Col); 13] = [
    ("id", Col::Text),
    ("region_code", Col::Text),
    ("code", Col::Text),
    ("name", Col::Text),
    ("owner_id", Col::Text),
    ("initiating_department_id", Col::Text),
    ("initiated_year", Col::Int),
    ("investment_yuan", Col::Int),
    ("stage", Col::Text),
    ("in_library", Col::Bool),
    ("created_at", Col::Text),
    ("updated_at", Col::Text),
    ("initiated_on", Col::Text),
];

/// The columns of `baseline_items` a batched insert of unreduced rows writes (the
/// importer's additions, the generator's baseline).
pub(crate) const BASELINE_COLUMNS: [(&str, Col); 7] = [
    ("id", Col::Text),
    ("region_code", Col::Text),
    ("campaign_id", Col::Text),
    ("pending_item_id", Col::Text),
    ("is_addition", Col::Bool),
    ("added_on", Col::Text),
    ("added_at", Col::Text),
];

/// A value to bind in a batched insert.
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
}

/// The SQL type of a batched column: PostgreSQL needs the text a JSON element gives
/// cast to it; SQLite takes JSON numbers and booleans as they are.
#[derive(Clone, Copy)]
pub(crate) enum Col {
    Text,
    Int,
    Bool,
}

/// New rows of one table, written many to a statement. One statement per row spent most
/// of a 100,000-row import in round trips. SQLite takes anonymous `?` parameters, many
/// rows to a statement (named `$N` ones cost a lookup in a list as long as the
/// statement, for each one). PostgreSQL takes the rows as ONE JSON parameter that it
/// unpacks with `json_array_elements`, casting each text to its column's type.
pub(crate) struct Batch {
    sql_postgres: String,
    /// `INSERT INTO t (a, b, …) VALUES `, for SQLite.
    head_sqlite: String,
    width: usize,
    /// The rows so far, one after another.
    vals: Vec<Val>,
}

impl Batch {
    /// Rows per statement: 500 rows of 13 columns stay below SQLite's 32,766 parameters.
    pub(crate) const ROWS: usize = 500;

    pub(crate) fn new(table: &str, cols: &[(&str, Col)]) -> Batch {
        let names = cols.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let postgres = cols
            .iter()
            .enumerate()
            .map(|(i, (_, c))| match c {
                Col::Text => format!("v->>{i}"),
                Col::Int => format!("(v->>{i})::bigint"),
                Col::Bool => format!("(v->>{i})::boolean"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        Batch {
            sql_postgres: format!(
                "INSERT INTO {table} ({names}) SELECT {postgres} FROM json_array_elements($1::json) AS e(v)"
            ),
            head_sqlite: format!("INSERT INTO {table} ({names}) VALUES "),
            width: cols.len(),
            vals: Vec::with_capacity(Batch::ROWS * cols.len()),
        }
    }

    pub(crate) fn push<const N: usize>(&mut self, row: [Val; N]) {
        debug_assert_eq!(N, self.width);
        self.vals.extend(row);
    }

    pub(crate) fn rows(&self) -> usize {
        self.vals.len() / self.width
    }

    pub(crate) fn is_full(&self) -> bool {
        self.rows() >= Batch::ROWS
    }

    pub(crate) async fn flush(&mut self, conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
        if self.vals.is_empty() {
            return Ok(());
        }
        match backend {
            Backend::Sqlite => {
                let row = format!("({})", vec!["?"; self.width].join(","));
                let mut sql = self.head_sqlite.clone();
                sql.push_str(&vec![row; self.rows()].join(","));
                let mut q = sqlx::query(&sql);
                for v in self.vals.drain(..) {
                    q = match v {
                        Val::Text(t) => q.bind(t),
                        Val::Int(i) => q.bind(i),
                        Val::Bool(b) => q.bind(b),
                    };
                }
                q.execute(&mut *conn).await?;
            }
            Backend::Postgres => {
                let mut json = String::from("[");
                for (i, v) in self.vals.drain(..).enumerate() {
                    json.push_str(match (i % self.width, i) {
                        (_, 0) => "[",
                        (0, _) => "],[",
                        _ => ",",
                    });
                    match v {
                        Val::Text(Some(s)) => push_json_string(&mut json, &s),
                        Val::Int(Some(n)) => json.push_str(&n.to_string()),
                        Val::Bool(b) => json.push_str(if b { "true" } else { "false" }),
                        Val::Text(None) | Val::Int(None) => json.push_str("null"),
                    }
                }
                json.push_str("]]");
                sqlx::query(&self.sql_postgres).bind(json).execute(&mut *conn).await?;
            }
        }
        Ok(())
    }
}

fn push_json_string(out: &mut String, s: &str) {
    // serde_json escapes exactly what JSON needs; writing to a String cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "null".into()));
}

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
        self.events.flush(conn, self.backend).await
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
