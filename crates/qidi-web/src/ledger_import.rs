//! Spreadsheet import on the web: upload, the check (a dry run that writes nothing,
//! with every row error and warning, and a select per unknown name for the office to
//! map it once as an alias), then confirmation of the kept upload.

use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::ledger::{forbidden, not_read_only, unprocessable, MAX_LEDGER_UPLOAD};
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
    errors: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
    summary: ImportSummary,
    token: String,
    confirmed: bool,
    /// Names matching nothing, each with a select to map it (empty unless the office).
    unknown: Vec<UnknownView>,
}

/// An unknown name in the check step, and what it can be mapped to (suggestions first).
struct UnknownView {
    kind: &'static str,
    kind_label: &'static str,
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
            rows.push(format!("等共 {} 行", u.rows.len()));
        }
        UnknownView {
            kind: u.kind.as_str(),
            kind_label: u.kind.label_zh(),
            written: u.written.clone(),
            rows: rows.join("、"),
            hint: qidi_core::names::did_you_mean(&u.suggestions.iter().map(String::as_str).collect::<Vec<_>>()),
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
        return Err(forbidden("无权导入台账：领导小组办公室可导入全旗台账，各部门可导入本部门立项的项目"));
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
        OfficeError::Io { detail: "系统暂时无法读取部门目录".into() }
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
        Err(upload::FormError::TooLarge) => {
            return Ok(import_failed(
                &user,
                "文件过大：网页上传上限为 20 MB，更大的台账请用命令行 qidi import ledger 导入".to_string(),
            ))
        }
        Err(upload::FormError::Unreadable) => {
            return Ok(import_failed(&user, "上传不完整，请重新选择文件上传".to_string()))
        }
    };
    let file = parts
        .into_iter()
        .find(|p| p.name == "file")
        .map(|f| (qidi_core::file_name::clean(f.file_name.as_deref().unwrap_or(""), "台账.xlsx"), f.data));
    let Some((file_name, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        return Ok(import_failed(&user, "请选择要导入的 Excel 文件".to_string()));
    };
    let import = match read_upload(&state, &user, &bytes).await {
        Ok(i) => i,
        Err(e) => return Ok(import_failed(&user, format!("无法读取“{file_name}”：{e}"))),
    };
    let token = match state.store.keep_ledger_upload(&user, &file_name, &bytes).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot keep the upload for confirmation");
            return Ok(import_failed(&user, "系统暂时无法保存上传的文件，请稍后再试".to_string()));
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
        errors: import.errors,
        warnings: import.warnings,
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
        return Err(forbidden(qidi_core::names::MAP_NAMES_REFUSED));
    }
    if uuid::Uuid::parse_str(form.token.trim()).is_err() {
        return Err(PageError::not_found());
    }
    let Some(kind) = NameKind::parse(&form.kind) else {
        return Err(unprocessable("名称类别无效：应为部门或审批事项"));
    };
    let Some(upload) = state.store.ledger_upload(&user, &form.token).await? else {
        return Ok(import_failed(&user, "上传的文件已过期（超过 24 小时未确认）或已导入，请重新上传".to_string()));
    };
    let error = if form.target.trim().is_empty() {
        Some(format!("“{}”：请选择要对应的{}", form.written.trim(), kind.label_zh()))
    } else {
        match state.store.save_alias(&user, kind, &form.written, form.target.trim()).await {
            Ok(_) => None,
            Err(StoreError::Forbidden(m)) => return Err(forbidden(&m)),
            Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::NotFound(_))) => {
                Some(format!("“{}”未能保存为别名：{e}", form.written.trim()))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let import = match read_upload(&state, &user, &upload.content).await {
        Ok(i) => i,
        Err(e) => return Ok(import_failed(&user, e.to_string())),
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
        return Ok(import_failed(&user, "上传的文件已过期（超过 24 小时未确认）或已导入，请重新上传".to_string()));
    };
    let bytes = upload.content;
    let mut import = match read_upload(&state, &user, &bytes).await {
        Ok(i) => i,
        Err(e) => return Ok(import_failed(&user, e.to_string())),
    };
    state.store.restrict_import(&user.region(), &user, &mut import).await?;
    let skip_invalid = !form.skip_invalid.is_empty();
    if !import.errors.is_empty() && !skip_invalid {
        return Ok(import_failed(
            &user,
            format!("台账有 {} 处错误，未导入任何内容：请改正后重新上传，或选择只导入无误的项目", import.errors.len()),
        ));
    }
    let summary = state.store.import_upload(&user.region(), &import, &user, &form.token, skip_invalid).await?;
    let view = ImportView {
        file_name: upload.file_name,
        sheet: import.sheet.clone(),
        header_row: import.header_row,
        unit: import.unit.clone().unwrap_or_default(),
        projects: import.projects.len(),
        items: import.item_count(),
        errors: import.errors,
        warnings: import.warnings,
        summary,
        token: String::new(),
        confirmed: true,
        unknown: Vec::new(),
    };
    Ok(render(&ImportPage { user: &user, error: None, result: Some(view) }))
}
