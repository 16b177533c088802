//! The official calendar: the administrator's page for loading a year's notice, and
//! working-day answers for any signed-in user.
//!
//! - `GET /admin/calendar`: loaded years with their counts, and a form to upload a
//!   notice (JSON in holiday-cn's format) or paste it. Administrators only; anyone
//!   else gets 404.
//! - `POST /admin/calendar`: import it (multipart: `file` and/or `json`). A refusal
//!   shows the reason, naming the date, and changes nothing.
//! - `GET /api/v1/calendar/{date}` → `{date, is_working_day, provisional}`.
//! - `GET /api/v1/calendar/add?from=&n=` → `{from, n, date, provisional}`: the date `n`
//!   working days after `from` (`from` not counted).
//!
//! `provisional` is true when the answer depends on a day whose year's notice is not
//! loaded (for a December day, also the next year's), and may change when it is.

use crate::auth::{ApiUser, PageUser};
use crate::error::{render, ApiError, PageError};
use crate::upload;
use crate::SharedState;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qidi_core::calendar::{parse_date, CalendarError, HolidayFile};
use qidi_core::sentence::Sentence;
use qidi_store::calendar::CalendarYear;
use qidi_store::users::User;
use qidi_store::StoreError;
use serde::{Deserialize, Serialize};

/// A notice file is a few kilobytes; anything near this is not one.
const MAX_NOTICE_BYTES: usize = 256 * 1024;

/// A loaded year as the page shows it.
struct YearView {
    year: i32,
    days: i64,
    off_days: i64,
    make_up_days: i64,
    loaded_at: String,
    /// Links (http/https only) and other notes from the file.
    links: Vec<String>,
    notes: Vec<String>,
}

impl From<CalendarYear> for YearView {
    fn from(y: CalendarYear) -> Self {
        let (links, notes) = y.papers.into_iter().partition(|p| p.starts_with("https://") || p.starts_with("http://"));
        YearView {
            year: y.year,
            days: y.days,
            off_days: y.off_days,
            make_up_days: y.make_up_days,
            // RFC 3339 with +08:00: the date and the minute are enough here.
            loaded_at: y.loaded_at.chars().take(16).collect::<String>().replace('T', " "),
            links,
            notes,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct AdminCalendarPage<'a> {
    user: &'a User,
    years: Vec<YearView>,
    notice: Option<String>,
    error: Option<String>,
    pasted: String,
}

fn require_admin(user: &User) -> Result<(), PageError> {
    if qidi_core::calendar::may_import(user.role) {
        Ok(())
    } else {
        Err(PageError::not_found())
    }
}

async fn page(
    state: &SharedState,
    user: &User,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    pasted: String,
) -> Result<Response, PageError> {
    let years = state.store.calendar_years().await?.into_iter().rev().map(YearView::from).collect();
    let body = render(&AdminCalendarPage { user, years, notice, error, pasted });
    Ok((status, body).into_response())
}

pub async fn admin_page(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    require_admin(&user)?;
    page(&state, &user, StatusCode::OK, None, None, String::new()).await
}

/// What the form sent: an uploaded file and/or pasted text.
struct Upload {
    file: Option<Vec<u8>>,
    pasted: String,
}

async fn read_upload(multipart: Multipart) -> Result<Upload, String> {
    let parts = upload::read_form(multipart, MAX_NOTICE_BYTES).await.map_err(|e| match e {
        upload::FormError::TooLarge => crate::i18n::t1("calendar-too-large", "kb", MAX_NOTICE_BYTES / 1024),
        upload::FormError::Unreadable => crate::i18n::t("calendar-unreadable"),
    })?;
    Ok(Upload {
        file: upload::part(&parts, "file").filter(|p| !p.data.is_empty()).map(|p| p.data.clone()),
        pasted: upload::part(&parts, "json").map(|p| p.text()).unwrap_or_default(),
    })
}

pub async fn admin_import(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    // Who is asking comes first: anyone but an administrator gets 404, whatever was sent.
    require_admin(&user)?;
    let refuse = |message: String, pasted: String| {
        let state = state.clone();
        let user = user.clone();
        async move { page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, Some(message), pasted).await }
    };
    let Ok(multipart) = multipart else {
        return refuse(crate::i18n::t("calendar-use-form"), String::new()).await;
    };
    let upload = match read_upload(multipart).await {
        Ok(u) => u,
        Err(m) => return refuse(m, String::new()).await,
    };
    let json = match upload.file {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => return refuse(crate::i18n::t("calendar-not-utf8"), upload.pasted).await,
        },
        None if !upload.pasted.is_empty() => upload.pasted.clone(),
        None => return refuse(crate::i18n::t("calendar-choose-file"), upload.pasted).await,
    };
    let file = match HolidayFile::parse(&json) {
        Ok(f) => f,
        Err(e) => return refuse(crate::i18n::explain_error(&e), upload.pasted).await,
    };
    match state.store.import_calendar_file(&file, Some(&user)).await {
        Ok(done) => {
            // The year as text: a number argument might be formatted as one (2,027).
            let year = done.year.to_string();
            let notice = if done.unchanged {
                crate::i18n::t1("calendar-unchanged", "year", year)
            } else {
                let imported = crate::i18n::t2("calendar-imported", "year", year, "days", done.days);
                let recomputed = crate::i18n::t2(
                    "calendar-recomputed",
                    "examined",
                    done.recomputed.examined,
                    "changed",
                    done.recomputed.changed,
                );
                format!("{imported}{recomputed}")
            };
            page(&state, &user, StatusCode::OK, Some(notice), None, String::new()).await
        }
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => refuse(crate::i18n::explain(&m), upload.pasted).await,
        Err(e) => Err(e.into()),
    }
}

/// One day on the calendar.
#[derive(Debug, Serialize)]
pub struct DayAnswer {
    pub date: String,
    pub is_working_day: bool,
    pub provisional: bool,
}

fn invalid_date(e: CalendarError) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_date", crate::i18n::explain_error(&e))
}

pub async fn day(
    State(state): State<SharedState>,
    ApiUser(_): ApiUser,
    Path(date): Path<String>,
) -> Result<Json<DayAnswer>, ApiError> {
    let d = parse_date(&date).map_err(invalid_date)?;
    let cal = state.store.work_calendar().await?;
    Ok(Json(DayAnswer { date: d.to_string(), is_working_day: cal.is_working_day(d), provisional: !cal.is_settled(d) }))
}

#[derive(Debug, Deserialize)]
pub struct AddQuery {
    from: Option<String>,
    n: Option<String>,
}

/// A date some working days after another.
#[derive(Debug, Serialize)]
pub struct AddAnswer {
    pub from: String,
    pub n: u32,
    pub date: String,
    pub provisional: bool,
}

pub async fn add(
    State(state): State<SharedState>,
    ApiUser(_): ApiUser,
    Query(q): Query<AddQuery>,
) -> Result<Json<AddAnswer>, ApiError> {
    let from = q.from.as_deref().ok_or_else(|| {
        ApiError::invalid(&Sentence::new("err-calendar-query-missing-from", "缺少参数 from（YYYY-MM-DD）"))
    })?;
    let from = parse_date(from).map_err(invalid_date)?;
    let n_text = q
        .n
        .as_deref()
        .ok_or_else(|| ApiError::invalid(&Sentence::new("err-calendar-query-missing-n", "缺少参数 n（工作日数）")))?;
    let n = match n_text.trim().parse::<i64>() {
        Ok(n) if n < 0 => {
            return Err(ApiError::invalid(
                &Sentence::new(
                    "err-calendar-query-negative-days",
                    format!("工作日数“{n_text}”无效：不能为负数，应为 0 或正整数"),
                )
                .arg("n", n_text),
            ))
        }
        Ok(n) => u32::try_from(n).map_err(|_| {
            ApiError::invalid(
                &Sentence::new("err-calendar-query-too-many-days", format!("工作日数“{n_text}”过大")).arg("n", n_text),
            )
        })?,
        Err(_) => {
            return Err(ApiError::invalid(
                &Sentence::new("err-calendar-query-bad-days", format!("工作日数“{n_text}”无效：应为 0 或正整数，如 5"))
                    .arg("n", n_text),
            ))
        }
    };
    let cal = state.store.work_calendar().await?;
    let date = cal.checked_add_working_days(from, n).ok_or_else(|| {
        ApiError::invalid(
            &Sentence::new(
                "err-calendar-query-out-of-range",
                format!("自 {from} 起加 {n} 个工作日超出可计算的日期范围"),
            )
            .arg("from", from)
            .arg("n", n),
        )
    })?;
    Ok(Json(AddAnswer {
        from: from.to_string(),
        n,
        date: date.to_string(),
        provisional: cal.is_provisional(from, date),
    }))
}
