//! A department's ledger page: its check lists, sign-off and pending changes, progress
//! and burn-down, the baseline table (filtered and paged), and removals; shown again
//! with a refused form's sentence and values kept.

use super::reading::{LinesRead, Read, READING_WAIT};
use super::views::{CampaignView, LedgerView, ProgressRow, RemovalView};
use super::{visible_department, Chart, REMOVALS_SHOWN};
use crate::auth::PageUser;
use crate::error::{render, PageError};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use qidi_core::ledger::{
    acts_for, may_answer, may_import, may_propose_removal_of, parse_line_key, AnswerState, BaselineFilter,
    BaselineFilterError, BaselineQuery, BaselineSort, REMOVAL_REASONS,
};
use qidi_core::role::ScopeLimit;
use qidi_core::Scope;
use qidi_store::baseline::{BaselineRow, CheckRow, DepartmentRef, ProgressReport};
use qidi_store::users::User;
use std::collections::BTreeMap;

struct CheckRowView {
    item_id: String,
    project_code: String,
    project_name: String,
    item_type: String,
    initiating: String,
    handling: String,
    answer_due_on: String,
    state: String,
    state_class: &'static str,
    answer: AnswerState,
    answered: bool,
    check_result: String,
    responsible_person: String,
    acceptance_status: String,
    due_on: String,
    /// Why the answer just sent for this row was refused (the values above are then the
    /// ones typed).
    error: Option<String>,
}

/// The glossary's name of a check-list row's state (`answer-state-…` labels it).
fn answer_state_code(state: AnswerState) -> &'static str {
    match state {
        AnswerState::Answered => "answered",
        AnswerState::Missing => "missing",
        AnswerState::Overdue => "overdue",
    }
}

impl CheckRowView {
    fn of(r: &CheckRow, today: NaiveDate) -> Self {
        let st = AnswerState::of(r.answered_at.is_some(), r.answer_due_on, today);
        CheckRowView {
            item_id: r.pending_item_id.clone(),
            project_code: r.project_code.clone(),
            project_name: r.project_name.clone(),
            item_type: r.item_type.clone(),
            initiating: r.initiating_department.clone(),
            handling: r.handling_department.clone(),
            answer_due_on: r.answer_due_on.to_string(),
            state: crate::i18n::tc("answer-state", answer_state_code(st)),
            state_class: match st {
                AnswerState::Answered => "ok",
                AnswerState::Missing => "missing",
                AnswerState::Overdue => "overdue",
            },
            answer: st,
            answered: st == AnswerState::Answered,
            check_result: r.check_result.clone().unwrap_or_default(),
            responsible_person: r.responsible_person.clone().unwrap_or_default(),
            acceptance_status: r.acceptance_status.clone().unwrap_or_default(),
            due_on: r.due_on.clone().unwrap_or_default(),
            error: None,
        }
    }
}

/// One pushed list, as the initiating department sees it.
struct ListSummary {
    handling: String,
    due_on: String,
    items: usize,
    answered: usize,
    missing: usize,
    overdue: usize,
}

struct BaselineView {
    project_id: String,
    item_id: String,
    project_code: String,
    project_name: String,
    item_type: String,
    handling: String,
    addition: bool,
    status: String,
    reduced: bool,
}

impl BaselineView {
    fn of(b: &BaselineRow) -> Self {
        let status = match (b.reduction, &b.reduced_on) {
            (Some(r), on) => {
                let reason = b
                    .reason
                    .map(|x| {
                        let label = crate::i18n::tc("removal-reason", x.as_str());
                        let text = b.reason_text.clone().unwrap_or_default();
                        crate::i18n::t2("ledger-reduction-reason", "reason", label, "text", text)
                    })
                    .unwrap_or_default();
                format!("{} {}{}", crate::i18n::tc("reduction", r.as_str()), on.clone().unwrap_or_default(), reason)
            }
            (None, _) => crate::i18n::t("ledger-baseline-open"),
        };
        BaselineView {
            project_id: b.project_id.clone(),
            item_id: b.pending_item_id.clone(),
            project_code: b.project_code.clone(),
            project_name: b.project_name.clone(),
            item_type: b.item_type.clone(),
            handling: b.handling_department.clone(),
            addition: b.is_addition,
            status,
            reduced: b.reduction.is_some(),
        }
    }
}

fn reasons() -> Vec<(&'static str, String)> {
    REMOVAL_REASONS.iter().map(|r| (r.as_str(), crate::i18n::tc("removal-reason", r.as_str()))).collect()
}

#[derive(Template)]
#[template(path = "ledger_department.html")]
struct DepartmentPage<'a> {
    user: &'a User,
    dept: DepartmentRef,
    campaign: CampaignView,
    /// The ledger's state, once read; while a long reading goes on, how far it has come.
    ledger: Option<LedgerView>,
    reading: Option<ReadingView>,
    read_at: Option<ReadAt>,
    lists: Vec<ListSummary>,
    missing: Vec<CheckRowView>,
    to_answer: Vec<CheckRowView>,
    can_push: bool,
    can_answer: bool,
    can_propose: bool,
    can_decide: bool,
    can_import: bool,
    progress: Vec<ProgressRow>,
    chart: Chart,
    baseline: Vec<BaselineView>,
    baseline_pager: Pager,
    baseline_form: BaselineForm,
    projects: Vec<(String, String, String)>,
    /// The removal form lists only the first [`PROJECTS_LISTED`] projects.
    projects_capped: bool,
    removals: Vec<RemovalView>,
    reasons: Vec<(&'static str, String)>,
    default_due: String,
    region_wide: bool,
    sign_action: String,
    changes_action: String,
    /// Open supervision orders the department answers for.
    supervision_orders: Vec<qidi_store::supervision::SupervisionOrder>,
    /// A refusal of the push, or of an answer whose row is not listed, above the lists.
    checklists_error: Option<String>,
    /// The item reduction form (`#reduce-item`) as typed, when it was refused.
    reduce_form: KeptRemoval,
    /// The project removal form (`#propose-removal`) as typed, when it was refused.
    removal_form: KeptRemoval,
}

/// A reading of the ledger still under way: how far it has come, the address that shows
/// its result, and its status, which the page's script follows to go there once done.
struct ReadingView {
    read: LinesRead,
    href: String,
    status: String,
}

/// A ledger shown from a reading begun before the request: when it began, and the
/// address that reads the ledger again.
struct ReadAt {
    at: String,
    again: String,
}

/// The reading a department page asks for by its address, once one was begun for it.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ReadingQuery {
    #[serde(default)]
    reading: Option<String>,
}

/// A form on the department page that was refused: the page is shown again with the
/// refusal beside the form and what was typed still in it.
#[derive(Default)]
pub(super) struct Kept {
    pub(super) answer: Option<KeptAnswer>,
    /// The push form: the sentence and the date typed.
    pub(super) push: Option<(String, String)>,
    pub(super) reduce: KeptRemoval,
    pub(super) removal: KeptRemoval,
    /// The reading the page's address asks for (`?reading=`).
    pub(super) reading: Option<String>,
}

/// A check-list answer as typed, and why it was refused.
pub(super) struct KeptAnswer {
    pub(super) item_id: String,
    pub(super) message: String,
    pub(super) check_result: String,
    pub(super) responsible_person: String,
    pub(super) acceptance_status: String,
    pub(super) due_on: String,
}

/// A removal proposal as typed (empty when nothing was refused), and why it was refused.
#[derive(Default)]
pub(super) struct KeptRemoval {
    pub(super) project_id: String,
    pub(super) item_id: String,
    pub(super) reason: String,
    pub(super) text: String,
    pub(super) error: Option<String>,
}

/// Baseline rows on one page of a department's ledger.
const BASELINE_PAGE: i64 = 200;
/// Projects offered in the removal form; past it the page says the list is cut.
pub(crate) const PROJECTS_LISTED: i64 = 2000;
/// The pending changes a department page lists: a bulk import into a fixed ledger makes
/// as many changes as it adds items, and the page listed 200,000 of them (81 MB).
pub(crate) const CHANGES_LISTED: usize = 200;

/// Where a paged table stands: its page, how many pages, how many rows in all.
struct Pager {
    page: i64,
    pages: i64,
    total: u64,
}

impl Pager {
    fn of(page: i64, total: u64, per_page: i64) -> Pager {
        let per_page = u64::try_from(per_page.max(1)).unwrap_or(1);
        let pages = i64::try_from(total.div_ceil(per_page)).unwrap_or(i64::MAX);
        Pager { page, pages: pages.max(1), total }
    }

    /// “Page 2 of 5, 812 items in all”.
    fn summary(&self) -> String {
        crate::i18n::tn(
            "ledger-baseline-pages",
            &[("page", &self.page), ("pages", &self.pages), ("total", &self.total)],
        )
    }
}

/// The baseline table's GET form (`#baseline`): the values as typed, what each select
/// offers, and where the table stands.
struct BaselineForm {
    status: String,
    item_type: String,
    handling: String,
    source: String,
    q: String,
    sort: String,
    /// (id, name) of the item types in the department's baseline.
    item_types: Vec<(String, String)>,
    /// (id, name) of the handling departments in an initiating department's baseline;
    /// empty (and no select) otherwise.
    handlings: Vec<(String, String)>,
    /// (value, label) of each order.
    sorts: Vec<(&'static str, String)>,
    /// The filters as a query string without the page, `&`-ended when not empty, for
    /// the pager's links.
    keep: String,
    /// The whole view (filters and page) as a query string, empty if none: the page's
    /// forms post with it, so that a refusal, or the page after a step, shows the same
    /// rows.
    view: String,
    /// Whether a filter narrows the rows (an empty table says so).
    narrowed: bool,
    /// "n of total": the rows the filters keep, of the department's baseline.
    count: String,
    /// A value that could not be read, in the page's language.
    error: Option<String>,
}

impl BaselineForm {
    fn of(query: &BaselineQuery, error: Option<&BaselineFilterError>) -> BaselineForm {
        let typed = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
        // The pager keeps what was read, not a value that was refused.
        let kept = match error {
            None => BaselineQuery { baseline_page: None, ..query.clone() },
            Some(_) => BaselineQuery::default(),
        };
        let keep = serde_urlencoded::to_string(&kept).unwrap_or_default();
        let view = match error {
            None => serde_urlencoded::to_string(query).unwrap_or_default(),
            Some(_) => String::new(),
        };
        BaselineForm {
            view,
            status: typed(&query.status),
            item_type: typed(&query.item_type),
            handling: typed(&query.handling),
            source: typed(&query.source),
            q: typed(&query.q),
            sort: typed(&query.sort),
            item_types: Vec::new(),
            handlings: Vec::new(),
            sorts: BaselineSort::ALL
                .iter()
                .map(|s| (s.as_str(), crate::i18n::tc("ledger-baseline-filter-sort", s.as_str())))
                .collect(),
            keep: if keep.is_empty() { keep } else { format!("{keep}&") },
            narrowed: false,
            count: String::new(),
            error: error.map(|e| {
                crate::i18n::t2(
                    "ledger-baseline-filter-error",
                    "field",
                    crate::i18n::tc("ledger-baseline-filter-field", e.field.as_str()),
                    "value",
                    e.value.as_str(),
                )
            }),
        }
    }
}

pub async fn department(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(query): Query<BaselineQuery>,
    Query(asked): Query<ReadingQuery>,
) -> Result<Response, PageError> {
    let dept = visible_department(&state, &user, &code).await?;
    let kept = Kept { reading: asked.reading, ..Kept::default() };
    department_page(&state, &user, dept, &query, kept, StatusCode::OK).await
}

/// How far a reading of a department ledger has come, as JSON for its page's script;
/// 404 once it is not kept (or not this account's).
pub async fn reading_status(
    PageUser(user): PageUser,
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match state.ledger_readings.status(&state.store, &user.id, &id).await {
        Some(status) => Ok(axum::Json(status).into_response()),
        None => Err(PageError::Status(StatusCode::NOT_FOUND, crate::i18n::t("error-not-found-title"))),
    }
}

/// The department page of `dept`, with a refused form's sentence and values `kept`, as
/// `status`.
pub(super) async fn department_page(
    state: &SharedState,
    user: &User,
    dept: DepartmentRef,
    query: &BaselineQuery,
    kept: Kept,
    status: StatusCode,
) -> Result<Response, PageError> {
    let region = user.region();
    let store = &state.store;
    let campaign = store.campaign(&region).await?;
    let changes_after = query.changes_after.as_deref().and_then(parse_line_key);
    let wait = state.config.ledger_reading_wait.unwrap_or(READING_WAIT);
    let asked = kept.reading.as_deref();
    let read = state
        .ledger_readings
        .read(store, &region, &user.id, &dept.id, changes_after.clone(), CHANGES_LISTED, asked, wait)
        .await?;
    let rows = store.check_rows(&region, &dept.id).await?;
    let today = qidi_store::today();
    let mut lists: Vec<ListSummary> = Vec::new();
    let mut missing = Vec::new();
    let mut to_answer = Vec::new();
    let mut checklists_error = kept.push.as_ref().map(|(m, _)| m.clone());
    let mut kept_answer = kept.answer;
    for r in &rows {
        let mut v = CheckRowView::of(r, today);
        if r.handling_department_id == dept.id {
            if let Some(k) = kept_answer.take_if(|k| k.item_id == r.pending_item_id) {
                v.error = Some(crate::i18n::tn(
                    "ledger-answer-refused",
                    &[("project", &r.project_code), ("item", &r.item_type), ("reason", &k.message)],
                ));
                v.check_result = k.check_result;
                v.responsible_person = k.responsible_person;
                v.acceptance_status = k.acceptance_status;
                v.due_on = k.due_on;
            }
        }
        if r.initiating_department_id == dept.id {
            match lists.iter_mut().find(|l| l.handling == r.handling_department) {
                Some(l) => l.items += 1,
                None => lists.push(ListSummary {
                    handling: r.handling_department.clone(),
                    due_on: r.answer_due_on.to_string(),
                    items: 1,
                    answered: 0,
                    missing: 0,
                    overdue: 0,
                }),
            }
            let l = lists.iter_mut().find(|l| l.handling == r.handling_department).expect("just pushed");
            match v.answer {
                AnswerState::Answered => l.answered += 1,
                AnswerState::Overdue => l.overdue += 1,
                AnswerState::Missing => l.missing += 1,
            }
            if !v.answered {
                missing.push(CheckRowView::of(r, today));
            }
        }
        if r.handling_department_id == dept.id {
            to_answer.push(v);
        }
    }
    let report: ProgressReport = store.baseline_progress(&region, Some(&dept.id)).await?;
    let mut progress = Vec::new();
    if let Some(p) = report.by_initiating.iter().find(|p| p.department.id == dept.id) {
        progress.push(ProgressRow::of("ledger", &crate::i18n::t("ledger-progress-own-ledger"), &p.progress));
    }
    if let Some(p) = report.by_handling.iter().find(|p| p.department.id == dept.id) {
        progress.push(ProgressRow::of("handling", &crate::i18n::t("ledger-progress-own-handling"), &p.progress));
    }
    if let Some(k) = kept_answer {
        checklists_error = Some(k.message);
    }
    let chart = Chart::of(&report.burn_down, &report.campaign);
    // A value that cannot be read is named above the table, which shows every row.
    let (filter, filter_error) = match query.filter() {
        Ok(f) => (f, None),
        Err(e) => (BaselineFilter::default(), Some(e)),
    };
    let mut baseline_form = BaselineForm::of(query, filter_error.as_ref());
    let page = i64::from(filter.page);
    let (rows, baseline_total) = store
        .baseline_rows_filtered(&region, Some(&dept.id), &filter, BASELINE_PAGE, (page - 1) * BASELINE_PAGE)
        .await?;
    // Every row of the department's table: the progress report's total, from the same
    // kept groups as an unfiltered count, not counted again.
    let all = report.total.total();
    let (item_types, handlings) = store.baseline_choices(&region, Some(&dept.id)).await?;
    baseline_form.item_types = item_types;
    if dept.initiates {
        baseline_form.handlings = handlings;
    }
    baseline_form.narrowed = filter.narrows();
    baseline_form.count = crate::i18n::t2("ledger-baseline-filter-count", "n", baseline_total, "total", all);
    let baseline = rows.iter().map(BaselineView::of).collect();
    let baseline_pager = Pager::of(page, baseline_total, BASELINE_PAGE);
    let dept_scope = Scope { limit: ScopeLimit::Department(dept.id.clone()), ..user.scope() };
    let listed = store.list_projects(&dept_scope, PROJECTS_LISTED, 0).await?;
    let projects_capped = listed.len() as i64 >= PROJECTS_LISTED;
    // The store pushes the pending items of the department's projects in the library,
    // and refuses when there are none: the form is offered only when there are some (or
    // when the list is cut and that cannot be told here).
    let something_to_push = projects_capped
        || listed.iter().any(|p| {
            p.in_library && p.pending_items > 0 && p.initiating_department_id.as_deref() == Some(dept.id.as_str())
        });
    let projects = listed
        .into_iter()
        .filter(|p| p.in_library && p.initiating_department_id.as_deref() == Some(dept.id.as_str()))
        .map(|p| (p.id, p.code, p.name))
        .collect();
    let removals =
        store.removals(&region, Some(&dept.id), REMOVALS_SHOWN as i64).await?.iter().map(RemovalView::of).collect();
    let names: BTreeMap<String, String> =
        store.departments(&region).await?.into_iter().map(|d| (d.code, d.name)).collect();
    let supervision_orders = store.open_orders_of_department(&dept.id, today).await?;
    let default_due = match kept.push {
        Some((_, typed)) => typed,
        None => qidi_core::ledger::check_list_default_due(&*store.work_calendar().await?, today).to_string(),
    };
    // The pending changes page by key; the links keep the rest of the view.
    let changes_href = |after: Option<String>| {
        let view = BaselineQuery { changes_after: after, ..query.clone() };
        format!("?{}#changes", serde_urlencoded::to_string(&view).unwrap_or_default())
    };
    let changes_first = changes_after.is_some().then(|| changes_href(None));
    let here = |reading: Option<&str>| {
        let view = serde_urlencoded::to_string(query).unwrap_or_default();
        let reading = reading.map(|id| format!("reading={id}")).unwrap_or_default();
        let joined = [view.as_str(), reading.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>();
        format!("/ledger/departments/{}?{}#signoff", dept.code, joined.join("&"))
    };
    let (ledger, reading, read_at) = match read {
        Read::Done { state: ledger, began_at } => {
            let changes_next = ledger.next_after().map(|key| changes_href(Some(key)));
            let view =
                LedgerView { changes_first, changes_next, ..LedgerView::of(&ledger, user, Some(&dept.id), &names) };
            (Some(view), None, began_at.map(|at| ReadAt { at, again: here(None) }))
        }
        Read::Reading { id, lines_read, lines } => {
            let (href, status) = (here(Some(&id)), format!("/ledger/readings/{id}"));
            (None, Some(ReadingView { read: LinesRead::of(lines_read, lines), href, status }), None)
        }
    };
    let page = DepartmentPage {
        supervision_orders,
        checklists_error,
        reduce_form: kept.reduce,
        removal_form: kept.removal,
        user,
        campaign: CampaignView::of(&campaign, None),
        ledger,
        reading,
        read_at,
        lists,
        missing,
        to_answer,
        can_push: something_to_push
            && qidi_core::ledger::may_push_check_list(user.role, user.department_id.as_deref(), &dept.id),
        can_answer: may_answer(user.role, user.department_id.as_deref(), &dept.id),
        can_propose: may_propose_removal_of(user.role, user.department_id.as_deref(), &[&dept.id]),
        can_decide: qidi_core::ledger::may_decide_removal(user.role),
        can_import: may_import(user.role) && acts_for(user.role, user.department_id.as_deref(), &[&dept.id]),
        progress,
        chart,
        baseline,
        projects,
        projects_capped,
        baseline_pager,
        baseline_form,
        removals,
        reasons: reasons(),
        default_due,
        region_wide: user.scope().limit == ScopeLimit::Region,
        sign_action: format!("/ledger/departments/{}/sign", dept.code),
        changes_action: format!("/ledger/departments/{}/changes/sign", dept.code),
        dept,
    };
    let mut response = render(&page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}
