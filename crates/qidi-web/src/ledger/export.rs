//! The ledger as an Excel workbook: the banner's, or a department's.

use super::{unprocessable, visible_department};
use crate::error::PageError;
use crate::SharedState;
use axum::extract::{Query, State};
use axum::response::Response;
use qidi_core::ledger::may_export;
use qidi_core::role::ScopeLimit;
use qidi_office::{ExportSheets, LedgerWriter};
use qidi_store::baseline::DepartmentRef;
use qidi_store::StoreError;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ExportQuery {
    department: Option<String>,
}

pub async fn export(
    crate::throttle::ExportUser(user): crate::throttle::ExportUser,
    State(state): State<SharedState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    if !may_export(user.role) {
        return Err(PageError::not_found());
    }
    let region = user.region();
    let mut scope = user.scope();
    let mut department: Option<DepartmentRef> = None;
    if let Some(code) = q.department.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let d = visible_department(&state, &user, code).await?;
        scope.limit = ScopeLimit::Department(d.id.clone());
        department = Some(d);
    } else if let ScopeLimit::Department(d) = &scope.limit {
        department = state.store.departments(&region).await?.into_iter().find(|x| x.id == *d);
    }
    let names = state.store.name_table(&region).await?;
    let (title, unit) = state.store.export_heading(&region, department.as_ref().map(|d| d.id.as_str())).await?;
    let today = qidi_store::today();
    let mut writer = LedgerWriter::new(&title, &unit, today, &names, ExportSheets::Both)
        .map_err(|e| unprocessable(crate::i18n::explain_error(&e)))?;
    let projects =
        state.store.export_ledger(&scope, 1000, |p| writer.push(&p).map_err(|e| StoreError::invalid(&e))).await?;
    let (bytes, _) = writer.finish_to_buffer().map_err(|e| unprocessable(crate::i18n::explain_error(&e)))?;
    let department_id = department.as_ref().map(|d| d.id.clone());
    let payload = serde_json::json!({ "format": "xlsx", "department": department_id, "projects": projects });
    state.store.record_export(&user, "ledger.export", "ledger", department_id.clone(), payload).await?;
    let name = department.map(|d| d.name).unwrap_or_else(|| crate::i18n::t("ledger-export-banner-name"));
    let name = crate::i18n::t2("ledger-export-file", "name", name, "date", today.to_string());
    Ok(crate::workflow::xlsx_download(bytes, &format!("ledger-{today}.xlsx"), &name))
}
