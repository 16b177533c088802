//! Spreadsheet import on the web: upload, the check (a dry run that writes nothing,
//! with every row error and warning, and a select per unknown name for the office to
//! map it once as an alias), then confirmation of the kept upload.

use super::{forbidden, joined, not_read_only, unprocessable, MAX_LEDGER_UPLOAD};
use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::upload;
use crate::SharedState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use qidi_core::ledger::may_import;
use qidi_core::names::NameKind;
use qidi_office::{ImportOptions, LedgerImport, OfficeError, RowIssue};
use qidi_store::ledger_import::{ImportMode, ImportSummary};
use qidi_store::users::User;
use qidi_store::StoreError;
use serde::Deserialize;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route(
            "/ledger/import",
            get(import_form).post(import_upload).layer(axum::extract::DefaultBodyLimit::max(MAX_LEDGER_UPLOAD)),
        )
        .route("/ledger/import/confirm", post(import_confirm))
        .route("/ledger/import/aliases", post(import_alias))
}

struct ImportView {
    file_name: String,
    sheet: String,
    header_row: u32,
    unit: String,
    projects: usize,
    items: usize,
    errors: Vec<IssueView>,
    warnings: Vec<IssueView>,
    summary: ImportSummary,
    token: String,
    confirmed: bool,
    /// Names matching nothing, each with a select to map it (empty unless the office).
    unknown: Vec<UnknownView>,
}

impl ImportView {
    /// Confirmed: what the import did to projects.
    fn summary_projects(&self) -> String {
        let s = &self.summary;
        crate::i18n::tn(
            "import-summary-projects",
            &[("new", &s.projects_new), ("changed", &s.projects_changed), ("unchanged", &s.projects_unchanged)],
        )
    }
    /// Confirmed: what the import did to pending items.
    fn summary_items(&self) -> String {
        let s = &self.summary;
        crate::i18n::tn(
            "import-summary-items",
            &[("new", &s.items_new), ("changed", &s.items_changed), ("unchanged", &s.items_unchanged)],
        )
    }
    /// The check: which file, sheet and header row were read.
    fn file_line(&self) -> String {
        crate::i18n::tn(
            "import-file-line",
            &[("file", &self.file_name), ("sheet", &self.sheet), ("row", &self.header_row)],
        )
    }
    /// The check: what would be imported, and what it would change in projects.
    fn dry_run_projects(&self) -> String {
        let s = &self.summary;
        crate::i18n::tn(
            "import-dry-run-projects",
            &[
                ("projects", &self.projects),
                ("items", &self.items),
                ("new", &s.projects_new),
                ("changed", &s.projects_changed),
                ("unchanged", &s.projects_unchanged),
            ],
        )
    }
    /// The check: what it would change in pending items.
    fn dry_run_items(&self) -> String {
        let s = &self.summary;
        crate::i18n::tn(
            "import-dry-run-items",
            &[("new", &s.items_new), ("changed", &s.items_changed), ("unchanged", &s.items_unchanged)],
        )
    }
}

/// A row error or warning as the page shows it: its sentence in the page's language.
struct IssueView {
    row: u32,
    /// The header as written in the file.
    column: String,
    message: String,
    sheet: String,
}

impl IssueView {
    fn all(issues: Vec<RowIssue>) -> Vec<IssueView> {
        issues
            .into_iter()
            .map(|i| IssueView {
                row: i.row,
                column: i.column,
                message: crate::i18n::explain(&i.message),
                sheet: i.sheet,
            })
            .collect()
    }
}

/// An unknown name in the check step, and what it can be mapped to (suggestions first).
struct UnknownView {
    kind: &'static str,
    kind_label: String,
    written: String,
    rows: String,
    hint: String,
    choices: Vec<(String, String)>,
}

impl UnknownView {
    fn of(u: &qidi_office::UnknownName, departments: &[(String, String)], item_types: &[(String, String)]) -> Self {
        let all = match u.kind {
            NameKind::Department => departments,
            NameKind::ItemType => item_types,
        };
        // The suggestions first, in their order, then everything else by code.
        let mut choices: Vec<(String, String)> =
            u.suggestions.iter().filter_map(|s| all.iter().find(|c| c.1 == *s).cloned()).collect();
        choices.extend(all.iter().filter(|c| !u.suggestions.contains(&c.1)).cloned());
        let mut rows: Vec<String> = u.rows.iter().take(20).map(u32::to_string).collect();
        if u.rows.len() > 20 {
            rows.push(crate::i18n::t1("import-rows-more", "n", u.rows.len()));
        }
        UnknownView {
            kind: u.kind.as_str(),
            kind_label: crate::i18n::tc("name-kind", u.kind.as_str()),
            written: u.written.clone(),
            rows: joined(rows),
            hint: if u.suggestions.is_empty() {
                String::new()
            } else {
                crate::i18n::t1("import-did-you-mean", "names", joined(u.suggestions.iter().cloned()))
            },
            choices,
        }
    }
}

#[derive(Template)]
#[template(path = "ledger_import.html")]
struct ImportPage<'a> {
    user: &'a User,
    error: Option<String>,
    result: Option<ImportView>,
}

fn may_import_or_403(user: &User) -> Result<(), PageError> {
    not_read_only(user)?;
    if !may_import(user.role) {
        return Err(forbidden(&crate::i18n::t("import-refused")));
    }
    Ok(())
}

pub async fn import_form(PageUser(user): PageUser) -> Result<Response, PageError> {
    may_import_or_403(&user)?;
    Ok(render(&ImportPage { user: &user, error: None, result: None }))
}

pub(crate) async fn read_upload(state: &SharedState, user: &User, bytes: &[u8]) -> Result<LedgerImport, OfficeError> {
    let names = state.store.name_table(&user.region()).await.map_err(|e| {
        tracing::error!(error = %e, "name table");
        OfficeError::NamesUnavailable
    })?;
    state.imports.read(ImportOptions { names, ..ImportOptions::default() }, bytes.to_vec()).await
}

fn import_failed(user: &User, message: String) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, render(&ImportPage { user, error: Some(message), result: None })).into_response()
}

pub async fn import_upload(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    may_import_or_403(&user)?;
    let parts = match upload::read_form(multipart, MAX_LEDGER_UPLOAD).await {
        Ok(parts) => parts,
        Err(upload::FormError::TooLarge) => return Ok(import_failed(&user, crate::i18n::t("import-too-large"))),
        Err(upload::FormError::Unreadable) => return Ok(import_failed(&user, crate::i18n::t("import-incomplete"))),
    };
    let file = parts.into_iter().find(|p| p.name == "file").map(|f| {
        (
            qidi_core::file_name::clean(
                f.file_name.as_deref().unwrap_or(""),
                &crate::i18n::t("import-default-file-name"),
            ),
            f.data,
        )
    });
    let Some((file_name, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        return Ok(import_failed(&user, crate::i18n::t("import-no-file")));
    };
    let import = match read_upload(&state, &user, &bytes).await {
        Ok(i) => i,
        Err(e) => {
            return Ok(import_failed(
                &user,
                crate::i18n::t2(
                    "import-unreadable",
                    "file",
                    file_name.as_str(),
                    "error",
                    crate::i18n::explain_error(&e),
                ),
            ))
        }
    };
    let token = match state.store.keep_ledger_upload(&user, &file_name, &bytes).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot keep the upload for confirmation");
            return Ok(import_failed(&user, crate::i18n::t("import-cannot-keep")));
        }
    };
    check_page(&state, &user, file_name, import, token, None).await
}

/// The check step of a kept upload: the dry run (what would change, for the valid
/// projects; nothing is written), the rows in error, and a select per unknown name.
async fn check_page(
    state: &SharedState,
    user: &User,
    file_name: String,
    mut import: LedgerImport,
    token: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let region = user.region();
    state.store.restrict_import(&region, user, &mut import).await?;
    let summary = state
        .store
        .import_ledger_with(&region, &import, Some(user), ImportMode { dry_run: true, skip_invalid: true })
        .await?;
    let may_map = qidi_core::names::may_map_names(user.role);
    let mut unknown = Vec::new();
    if may_map && !import.unknown_names.is_empty() {
        let pairs = |v: Vec<qidi_store::name_aliases::NameChoice>| v.into_iter().map(|c| (c.code, c.name)).collect();
        let departments: Vec<(String, String)> = pairs(state.store.name_choices(&region, NameKind::Department).await?);
        let item_types: Vec<(String, String)> = pairs(state.store.name_choices(&region, NameKind::ItemType).await?);
        unknown = import.unknown_names.iter().map(|u| UnknownView::of(u, &departments, &item_types)).collect();
    }
    let view = ImportView {
        file_name,
        sheet: import.sheet.clone(),
        header_row: import.header_row,
        unit: import.unit.clone().unwrap_or_default(),
        projects: import.projects.len(),
        items: import.item_count(),
        errors: IssueView::all(import.errors),
        warnings: IssueView::all(import.warnings),
        summary,
        token,
        confirmed: false,
        unknown,
    };
    let status =
        if view.errors.is_empty() && error.is_none() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(&ImportPage { user, error, result: Some(view) })).into_response())
}

#[derive(Deserialize)]
pub struct AliasForm {
    token: String,
    kind: String,
    written: String,
    #[serde(default)]
    target: String,
}

/// The office maps an unknown name of a checked upload to a department or item type:
/// saved as an alias of the region, then the same upload is checked again.
pub async fn import_alias(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Form(form): Form<AliasForm>,
) -> Result<Response, PageError> {
    may_import_or_403(&user)?;
    if !qidi_core::names::may_map_names(user.role) {
        return Err(forbidden(&crate::i18n::t("import-map-names-refused")));
    }
    if uuid::Uuid::parse_str(form.token.trim()).is_err() {
        return Err(PageError::not_found());
    }
    let Some(kind) = NameKind::parse(&form.kind) else {
        return Err(unprocessable(crate::i18n::t("import-bad-kind")));
    };
    let Some(upload) = state.store.ledger_upload(&user, &form.token).await? else {
        return Ok(import_failed(&user, crate::i18n::t("import-expired")));
    };
    let error = if form.target.trim().is_empty() {
        Some(crate::i18n::t1(&format!("import-alias-missing-{}", kind.as_str()), "written", form.written.trim()))
    } else {
        match state.store.save_alias(&user, kind, &form.written, form.target.trim()).await {
            Ok(_) => None,
            Err(StoreError::Forbidden(m)) => return Err(forbidden(&crate::i18n::explain(&m))),
            Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::NotFound(_))) => {
                Some(crate::i18n::t2(
                    "import-alias-not-saved",
                    "written",
                    form.written.trim(),
                    "error",
                    crate::error::refusal_text(&e),
                ))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let import = match read_upload(&state, &user, &upload.content).await {
        Ok(i) => i,
        Err(e) => return Ok(import_failed(&user, crate::i18n::explain_error(&e))),
    };
    check_page(&state, &user, upload.file_name, import, form.token.trim().to_string(), error).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    token: String,
    #[serde(default)]
    skip_invalid: String,
}

pub async fn import_confirm(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    may_import_or_403(&user)?;
    // Tokens are ours (UUIDs); anything else was never issued.
    if uuid::Uuid::parse_str(form.token.trim()).is_err() {
        return Err(PageError::not_found());
    }
    let Some(upload) = state.store.ledger_upload(&user, &form.token).await? else {
        return Ok(import_failed(&user, crate::i18n::t("import-expired")));
    };
    let bytes = upload.content;
    let mut import = match read_upload(&state, &user, &bytes).await {
        Ok(i) => i,
        Err(e) => return Ok(import_failed(&user, crate::i18n::explain_error(&e))),
    };
    state.store.restrict_import(&user.region(), &user, &mut import).await?;
    let skip_invalid = !form.skip_invalid.is_empty();
    if !import.errors.is_empty() && !skip_invalid {
        return Ok(import_failed(&user, crate::i18n::t1("import-has-errors", "n", import.errors.len())));
    }
    let summary = state.store.import_upload(&user.region(), &import, &user, &form.token, skip_invalid).await?;
    let view = ImportView {
        file_name: upload.file_name,
        sheet: import.sheet.clone(),
        header_row: import.header_row,
        unit: import.unit.clone().unwrap_or_default(),
        projects: import.projects.len(),
        items: import.item_count(),
        errors: IssueView::all(import.errors),
        warnings: IssueView::all(import.warnings),
        summary,
        token: String::new(),
        confirmed: true,
        unknown: Vec::new(),
    };
    Ok(render(&ImportPage { user: &user, error: None, result: Some(view) }))
}
