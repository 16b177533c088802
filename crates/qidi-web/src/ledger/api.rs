//! The ledger's JSON API, for the league's systems and scripts: the same rules as the
//! pages (scope: what a user may not see is 404; who may do what: core).
//!
//! - `POST /api/v1/ledger/import?dry_run=&skip_invalid=` with the spreadsheet as the body:
//!   `{"projects", "items", "errors": [{"row", "column", "message"}], "warnings", "summary"}`,
//!   as `qidi import ledger --json` prints it plus what was (or would be) written. A file
//!   with row errors is 422 and writes nothing unless `skip_invalid`.
//! - `GET /api/v1/ledger/departments/{code}?limit=&after=`: the department ledger now and
//!   its signatures. `changes` lists the pending changes in key order, at most `limit`
//!   ([`CHANGES_LIMIT`] by default, [`CHANGES_LIMIT_MAX`] at most) after the key `after`
//!   (`project_code/item_type`); `changes_total` counts them all, `more_changes` says more
//!   follow, and `next_after` is the key the next page starts after.
//! - `POST /api/v1/ledger/departments/{code}/sign` `{"capacity", "hash", "confirm_missing_checks"}`:
//!   sign the department ledger whole, until it is fixed. With check results missing
//!   (`missing_checks` in the ledger), `confirm_missing_checks: true` is required, or 409.
//! - `POST /api/v1/ledger/departments/{code}/changes/sign` (the same body, `hash` being
//!   `change_set.hash`): confirm the changes to a fixed ledger's signed content
//!   (`changes`, 新增/变更，待签认), the department head first, then the leader.
//! - Either of the two answers `202 Accepted` `{"status": "running", "location"}` (and a
//!   `Location` header) when the work outlasts its wait (25 s): it goes on, and the
//!   department ledger at `location` shows the signature once it is stored. While the
//!   server already works on as many as it takes (one on SQLite, two on PostgreSQL), they
//!   answer `503` with the code `busy`, and begin nothing.
//! - `POST /api/v1/projects/{id}/items`: add a pending item found later (补录).

use super::import::read_upload;
use super::reading::{Read, READING_WAIT};
use super::signing::{Seen, Signing};
use super::{department_signer, read_only_refusal, visible_department, MAX_LEDGER_UPLOAD};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::SharedState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use qidi_core::ledger::{may_import, parse_line_key, Capacity};
use qidi_core::sentence::Sentence;
use qidi_store::baseline::{DepartmentRef, LedgerState, NewPendingItem};
use qidi_store::ledger_import::ImportMode;
use qidi_store::users::User;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/ledger/import", post(import).layer(DefaultBodyLimit::max(MAX_LEDGER_UPLOAD)))
        .route("/api/v1/ledger/departments/{code}", get(department))
        .route("/api/v1/ledger/departments/{code}/sign", post(sign))
        .route("/api/v1/ledger/departments/{code}/changes/sign", post(confirm_changes))
        .route("/api/v1/projects/{id}/items", post(add_item))
}

fn forbidden(message: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
}

fn writer(user: &User) -> Result<(), ApiError> {
    read_only_refusal(user).map_or(Ok(()), |_| Err(forbidden(&crate::i18n::t("ledger-error-read-only"))))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    skip_invalid: bool,
}

pub async fn import(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    writer(&user)?;
    if !may_import(user.role) {
        return Err(forbidden(&crate::i18n::t("import-refused")));
    }
    if body.is_empty() {
        let not_excel = Sentence::new("err-ledger-api-not-excel", "请求体应为 Excel 文件（.xlsx/.xls）");
        return Err(ApiError::invalid(&not_excel));
    }
    let mut ledger = read_upload(&state, &user, &body)
        .await
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unreadable", e.to_string()))?;
    state.store.restrict_import(&user.region(), &user, &mut ledger).await?;
    let refused = !ledger.errors.is_empty() && !q.skip_invalid && !q.dry_run;
    let summary = if refused {
        None
    } else {
        let mode = ImportMode { dry_run: q.dry_run, skip_invalid: true };
        Some(state.store.import_ledger_with(&user.region(), &ledger, Some(&user), mode).await?)
    };
    let status = if ledger.errors.is_empty() || (q.skip_invalid && !q.dry_run) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let report = ledger.report();
    let body = serde_json::json!({
        "projects": report.projects,
        "items": report.items,
        "errors": report.errors,
        "warnings": report.warnings,
        "unknown_names": report.unknown_names,
        "summary": summary,
    });
    Ok((status, Json(body)).into_response())
}

/// How many pending changes a department ledger's JSON lists when not asked, and at most:
/// a page of them, so that a ledger of a million changes is not one answer.
pub const CHANGES_LIMIT: usize = 1_000;
pub const CHANGES_LIMIT_MAX: usize = 10_000;

#[derive(Deserialize)]
pub struct ChangesQuery {
    limit: Option<String>,
    after: Option<String>,
    /// A reading begun by an earlier request that answered 202.
    reading: Option<String>,
}

/// A department ledger, and the key its next page of changes starts after.
#[derive(Serialize)]
pub struct DepartmentLedger {
    #[serde(flatten)]
    state: LedgerState,
    next_after: Option<String>,
    /// When the reading shown began, if before this request (`HH:MM:SS`, Beijing time).
    reading_began_at: Option<String>,
}

/// A reading still under way: where to ask again, and how far it has come.
#[derive(Serialize)]
struct ReadingUnderWay {
    reading: String,
    lines_read: u64,
    lines: u64,
    location: String,
}

pub async fn department(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<ChangesQuery>,
) -> Result<Response, ApiError> {
    let limit = match q.limit.as_deref() {
        None => CHANGES_LIMIT,
        Some(text) => text.parse().ok().filter(|n| (1..=CHANGES_LIMIT_MAX).contains(n)).ok_or_else(|| {
            let zh = format!("limit 应为 1 至 {CHANGES_LIMIT_MAX} 之间的整数，收到：{text}");
            ApiError::invalid(
                &Sentence::new("err-ledger-api-limit", zh).arg("max", CHANGES_LIMIT_MAX).arg("value", text),
            )
        })?,
    };
    let after = match q.after.as_deref() {
        None => None,
        Some(text) => Some(parse_line_key(text).ok_or_else(|| {
            let zh = format!("after 应为“项目代码/事项类型代码”，收到：{text}");
            ApiError::invalid(&Sentence::new("err-ledger-api-after", zh).arg("value", text))
        })?),
    };
    let dept = visible_department(&state, &user, &code).await?;
    let wait = state.config.ledger_reading_wait.unwrap_or(READING_WAIT);
    let asked = q.reading.as_deref();
    let region = user.region();
    let read = state.ledger_readings.read(&state.store, &region, &user.id, &dept.id, after, limit, asked, wait);
    match read.await? {
        Read::Done { state, began_at } => {
            let state = LedgerState::clone(&state);
            Ok(Json(DepartmentLedger { next_after: state.next_after(), state, reading_began_at: began_at })
                .into_response())
        }
        // 202: a region-sized ledger is read in the background; the same query with
        // `reading=` answers with it once it is read.
        Read::Reading { id, lines_read, lines } => {
            let mut query = vec![("reading", id.clone())];
            query.extend(q.limit.map(|l| ("limit", l)));
            query.extend(q.after.map(|a| ("after", a)));
            let location = format!(
                "/api/v1/ledger/departments/{}?{}",
                dept.code,
                serde_urlencoded::to_string(&query).unwrap_or_default()
            );
            let headers = [(header::LOCATION, location.clone()), (header::RETRY_AFTER, "2".to_string())];
            let body = ReadingUnderWay { reading: id, lines_read, lines, location };
            Ok((StatusCode::ACCEPTED, headers, Json(body)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct SignBody {
    capacity: String,
    hash: String,
    /// The signer knows how many check results are missing and signs anyway.
    #[serde(default)]
    confirm_missing_checks: bool,
}

impl SignBody {
    fn seen(&self, capacity: Capacity) -> Seen<'_> {
        Seen { capacity, hash: &self.hash, missing_checks_confirmed: self.confirm_missing_checks }
    }
}

/// The department ledger `code` and the capacity `user` signs it in: in scope (else
/// 404), a known capacity (else 422), the role that signs in it, as
/// `department_signer` says (else 403).
async fn signing(
    state: &SharedState,
    user: &User,
    code: &str,
    capacity: &str,
) -> Result<(DepartmentRef, Capacity), ApiError> {
    let dept = visible_department(state, user, code).await?;
    let capacity = Capacity::parse(capacity).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", crate::i18n::t("ledger-error-capacity"))
    })?;
    department_signer(user, capacity, &dept).map_err(|m| forbidden(&m))?;
    Ok((dept, capacity))
}

pub async fn sign(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(b): Json<SignBody>,
) -> Result<Response, ApiError> {
    let (dept, capacity) = signing(&state, &user, &code, &b.capacity).await?;
    match state.ledger_signing.sign(&state, &user, &dept, b.seen(capacity)).await {
        Signing::Done(done) => Ok(Json(done?).into_response()),
        Signing::GoesOn => Ok(goes_on(&dept)),
        other => Err(not_done(other)),
    }
}

pub async fn confirm_changes(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(b): Json<SignBody>,
) -> Result<Response, ApiError> {
    let (dept, capacity) = signing(&state, &user, &code, &b.capacity).await?;
    match state.ledger_signing.confirm(&state, &user, &dept, b.seen(capacity)).await {
        Signing::Done(done) => Ok(Json(done?).into_response()),
        Signing::GoesOn => Ok(goes_on(&dept)),
        other => Err(not_done(other)),
    }
}

/// A signature that was not begun (no turn free: 503 `busy`) or stopped (500).
fn not_done<T>(signing: Signing<T>) -> ApiError {
    let (status, code, message) = signing.not_done();
    ApiError::new(status, code, message)
}

/// What a signature or confirmation past its request's wait answers.
#[derive(Serialize)]
struct SigningGoesOn {
    /// Always `"running"`.
    status: &'static str,
    /// The department ledger, whose signatures show the work once it is stored.
    location: String,
}

/// 202: the work goes on without the request; the department ledger shows it once stored.
fn goes_on(dept: &DepartmentRef) -> Response {
    let location = format!("/api/v1/ledger/departments/{}", dept.code);
    let headers = [(header::LOCATION, location.clone())];
    (StatusCode::ACCEPTED, headers, Json(SigningGoesOn { status: "running", location })).into_response()
}

#[derive(Deserialize)]
pub struct AddItemBody {
    item_type_id: String,
    #[serde(default)]
    responsible_person: Option<String>,
    #[serde(default)]
    due_on: Option<NaiveDate>,
    #[serde(default)]
    note: Option<String>,
}

pub async fn add_item(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Json(b): Json<AddItemBody>,
) -> Result<Response, ApiError> {
    writer(&user)?;
    let new = NewPendingItem {
        item_type_id: b.item_type_id,
        responsible_person: b.responsible_person,
        due_on: b.due_on,
        note: b.note,
    };
    let added = state.store.add_pending_item(&user, &id, &new).await?;
    let body = serde_json::json!({ "id": added.id, "addition": added.addition });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
