//! What an import refuses before writing: dates far outside the campaign, projects the actor may not load.

use super::lookup::{load_map, stored_projects, DEPARTMENT_IDS, LOOKUP};
use crate::users::User;
use crate::{today, Store, StoreError};
use qidi_core::ledger::{import_refusal_reason, ImportRefusal};
use qidi_core::ledger_file::{Field, LedgerImport, LedgerProject, RowIssue};
use qidi_core::sentence::{Arg, Explain, Sentence};
use qidi_core::RegionCode;
use std::collections::HashMap;

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
}

/// The projects of `projects` (by index) that `actor` may not load, and why. `stored`
/// gives an existing project's initiating department id (by project code).
pub(super) fn import_refusals<'a>(
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
pub(super) fn reason_arg(why: &ImportRefusal) -> Arg {
    // Not a literal "err-…": the catalogue test takes such literals for keys.
    match why.key().strip_prefix("err").and_then(|k| k.strip_prefix('-')) {
        Some(code) => Arg::Label { prefix: "err", code },
        None => Arg::Text(why.to_string()),
    }
}
