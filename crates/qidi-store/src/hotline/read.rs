//! Reading work orders as each person may see them: who sees an order at all (core
//! `may_see`) and how they see its caller (core `caller_view`). The caller's name and
//! phone leave the store only through this module, already hidden or masked; they are
//! opened with the field key only for a viewer who sees them masked.

use crate::personal::{Field, FieldKey, OpenError};
use crate::users::User;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::parse_date;
use qidi_core::hotline::{caller_view, mask_phone, may_see, CallerView, Category, OrderFacts, OrderState, Urgency};
use qidi_core::light::Light;
use qidi_core::sentence::Sentence;
use qidi_core::{Role, Scope};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// A work order as one person sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Complaint {
    pub id: String,
    pub order_number: String,
    pub category: Category,
    pub category_label: &'static str,
    pub urgency: Urgency,
    pub urgency_label: &'static str,
    pub state: OrderState,
    pub state_label: &'static str,
    /// `hidden` (the viewer sees "来电人") or `masked`.
    pub caller_view: CallerView,
    /// The caller's name, or "来电人".
    pub caller: String,
    /// The phone masked (138****1234), for those who may see it; never whole.
    pub caller_phone_masked: Option<String>,
    pub text: String,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub project_id: Option<String>,
    pub item_type: Option<String>,
    pub item_type_name: Option<String>,
    pub leading_department: Option<String>,
    pub leading_department_code: Option<String>,
    pub complained_department: Option<String>,
    pub complained_department_code: Option<String>,
    pub reopen_count: i64,
    pub escalated: bool,
    pub due_on: Option<NaiveDate>,
    pub warn_on: Option<NaiveDate>,
    pub clock_label: Option<&'static str>,
    pub light: Option<Light>,
    pub handling_note: Option<String>,
    pub reply_text: Option<String>,
    pub source: String,
    pub received_on: String,
    pub created_at: String,
}

/// One step in an order's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub at: String,
    pub action: String,
    pub label: String,
    pub actor: String,
    pub detail: Option<String>,
}

/// A complaint found substantiated (属实) against a handling department.
#[derive(Debug, Clone, Serialize)]
pub struct Substantiation {
    pub id: String,
    pub order_id: String,
    pub department: String,
    pub department_code: String,
    pub item_type: Option<String>,
    pub note: String,
    pub recorded_on: String,
}

/// An order with its history, what the viewer may do, and its substantiations.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintDetail {
    pub complaint: Complaint,
    pub history: Vec<HistoryEntry>,
    pub substantiations: Vec<Substantiation>,
    /// Steps the viewer may take now (core `decide`), by name: `assign`, `sign_for` …
    pub actions: Vec<&'static str>,
    pub may_unmask: bool,
    pub may_substantiate: bool,
}

/// What a step needs to know of an order someone may see.
pub(crate) struct VisibleFacts {
    pub region: String,
    pub facts: OrderFacts,
}

/// What a message about an order says (never the caller).
pub(crate) struct NewsFacts {
    pub order_number: String,
    pub category: Category,
    pub project: Option<String>,
    pub due_on: Option<NaiveDate>,
}

pub(crate) async fn news_facts(conn: &mut AnyConnection, id: &str) -> Result<NewsFacts, StoreError> {
    let r = sqlx::query(
        "SELECT o.order_number, o.category, p.name, o.project_code, o.due_on
         FROM hotline_orders o LEFT JOIN projects p ON p.id = o.project_id WHERE o.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let project = match (r.get::<Option<String>, _>(2), r.get::<Option<String>, _>(3)) {
        (Some(name), Some(code)) => Some(format!("{name}（{code}）")),
        (None, code) => code,
        (Some(name), None) => Some(name),
    };
    Ok(NewsFacts {
        order_number: r.get(0),
        category: Category::parse(&r.get::<String, _>(1)).unwrap_or(Category::Other),
        project,
        due_on: r.get::<Option<String>, _>(4).and_then(|d| parse_date(&d).ok()),
    })
}

const SELECT: &str =
    "SELECT o.id, o.region_code, o.order_number, o.category, o.urgency, o.caller_name_sealed, o.caller_phone_sealed, o.text,
        o.project_code, p.name, o.project_id, o.item_type_code, it.name, o.leading_department_id, ld.name, ld.code,
        o.complained_department_id, cd.name, cd.code, o.state, o.reopen_count, o.escalated, o.due_on, o.warn_on,
        o.handling_note, o.reply_text, o.source, o.received_on, o.created_at
     FROM hotline_orders o LEFT JOIN projects p ON p.id = o.project_id LEFT JOIN item_types it ON it.id = o.item_type_id
          LEFT JOIN departments ld ON ld.id = o.leading_department_id
          LEFT JOIN departments cd ON cd.id = o.complained_department_id";

fn facts_of(r: &sqlx::any::AnyRow) -> OrderFacts {
    OrderFacts {
        state: OrderState::parse(&r.get::<String, _>(19)).unwrap_or(OrderState::Received),
        leading_department_id: r.get(13),
        complained_department_id: r.get(16),
        reopen_count: u32::try_from(r.get::<i64, _>(20)).unwrap_or(0),
    }
}

/// A caller's name or phone opened with the field key; a value that does not open
/// (altered, moved from another row, or sealed with another key) is an error.
pub(crate) fn open_caller(key: &FieldKey, field: Field, id: &str, sealed: Option<&str>) -> Result<String, StoreError> {
    sealed.ok_or(OpenError::NotSealed).and_then(|v| key.open(field, id, v)).map_err(|e| {
        tracing::error!(order = id, error = %e, "a caller's sealed data does not open with the field key");
        StoreError::FieldKey(format!("work order {id}: the caller's data cannot be opened ({e})"))
    })
}

/// What a caller's name shows when it cannot be opened.
const UNREADABLE: &str = "（来电人信息无法读取）";

/// The row as `user` sees it: the caller hidden or masked as core decides.
fn shown(r: &sqlx::any::AnyRow, user: &User, today: NaiveDate, key: &FieldKey) -> Complaint {
    let facts = facts_of(r);
    let view = caller_view(user.role, user.department_id.as_deref(), &facts);
    let (caller, phone) = match view {
        CallerView::Hidden => (qidi_core::hotline::CALLER_LABEL.to_string(), None),
        CallerView::Masked => {
            let id: String = r.get(0);
            let open =
                |i: usize, field: Field| open_caller(key, field, &id, r.get::<Option<String>, _>(i).as_deref()).ok();
            match (open(5, Field::CallerName), open(6, Field::CallerPhone)) {
                (Some(name), Some(phone)) => (name, Some(mask_phone(&phone))),
                _ => (UNREADABLE.to_string(), None),
            }
        }
    };
    let category = Category::parse(&r.get::<String, _>(3)).unwrap_or(Category::Other);
    let urgency = Urgency::parse(&r.get::<String, _>(4)).unwrap_or(Urgency::Normal);
    let date = |i| r.get::<Option<String>, _>(i).and_then(|d| parse_date(&d).ok());
    let (due_on, warn_on) = (date(22), date(23));
    Complaint {
        id: r.get(0),
        order_number: r.get(2),
        category,
        category_label: category.label_zh(),
        urgency,
        urgency_label: urgency.label_zh(),
        state: facts.state,
        state_label: facts.state.label_zh(),
        caller_view: view,
        caller,
        caller_phone_masked: phone,
        text: r.get(7),
        project_code: r.get(8),
        project_name: r.get(9),
        project_id: r.get(10),
        item_type: r.get(11),
        item_type_name: r.get(12),
        leading_department: r.get(14),
        leading_department_code: r.get(15),
        complained_department: r.get(17),
        complained_department_code: r.get(18),
        reopen_count: r.get(20),
        escalated: crate::get_bool(r, 21),
        due_on,
        warn_on,
        clock_label: facts.state.clock().map(|c| c.label_zh()),
        light: match (due_on, warn_on) {
            (Some(d), Some(w)) => Some(qidi_core::light::light(today, d, w)),
            _ => None,
        },
        handling_note: r.get(24),
        reply_text: r.get(25),
        source: r.get(26),
        received_on: r.get(27),
        created_at: r.get(28),
    }
}

fn may_see_row(user: &User, r: &sqlx::any::AnyRow) -> bool {
    let region: String = r.get(1);
    region.starts_with(&user.scope().region_prefix) && may_see(user.role, user.department_id.as_deref(), &facts_of(r))
}

fn action_label(action: &str) -> &'static str {
    match action {
        "hotline.receive" => "受理工单",
        "hotline.assign" => "派单",
        "hotline.sign_for" => "签收",
        "hotline.handle" => "办理",
        "hotline.reply" => "答复来电人",
        "hotline.follow_up" => "回访",
        "hotline.escalate" => "升级至领导小组办公室",
        "hotline.urge" => "催办",
        "hotline.unmask" => "查看来电人完整电话",
        "hotline.substantiate" => "认定投诉属实",
        _ => "其他",
    }
}

pub(crate) async fn substantiation(pool: &sqlx::AnyPool, id: &str) -> Result<Substantiation, StoreError> {
    let rows = substantiations_where(pool, "s.id = $1", id).await?;
    rows.into_iter().next().ok_or_else(|| StoreError::NotFound("认定记录不存在".into()))
}

async fn substantiations_where(
    pool: &sqlx::AnyPool,
    filter: &str,
    bind: &str,
) -> Result<Vec<Substantiation>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT s.id, s.order_id, d.name, d.code, it.name, s.note, s.recorded_on
         FROM hotline_substantiations s JOIN departments d ON d.id = s.handling_department_id
              LEFT JOIN item_types it ON it.id = s.item_type_id
         WHERE {filter} ORDER BY s.recorded_on, s.id"
    ))
    .bind(bind)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Substantiation {
            id: r.get(0),
            order_id: r.get(1),
            department: r.get(2),
            department_code: r.get(3),
            item_type: r.get(4),
            note: r.get(5),
            recorded_on: r.get(6),
        })
        .collect())
}

impl Store {
    /// The row of an order `user` may see; otherwise not found.
    async fn visible_row(&self, user: &User, id: &str) -> Result<sqlx::any::AnyRow, StoreError> {
        sqlx::query(&format!("{SELECT} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .filter(|r| may_see_row(user, r))
            .ok_or_else(|| StoreError::NotFound("工单不存在".into()))
    }

    /// What a step needs of an order `user` may see; otherwise not found.
    pub(crate) async fn visible_facts(&self, user: &User, id: &str) -> Result<VisibleFacts, StoreError> {
        let r = self.visible_row(user, id).await?;
        Ok(VisibleFacts { region: r.get(1), facts: facts_of(&r) })
    }

    /// The orders `user` may see, newest first: all of the region for the office,
    /// leaders and inspectors; those it leads or is complained about for a department.
    pub async fn hotline_complaints(&self, user: &User) -> Result<Vec<Complaint>, StoreError> {
        let scope: Scope = user.scope();
        let prefix = format!("{}%", scope.region_prefix);
        let rows = match (user.role, user.department_id.as_deref()) {
            (Role::Office | Role::Leader | Role::Inspector, _) => {
                sqlx::query(&format!("{SELECT} WHERE o.region_code LIKE $1 ORDER BY o.created_at DESC, o.id DESC LIMIT 500"))
                    .bind(&prefix)
                    .fetch_all(&self.pool)
                    .await?
            }
            (Role::Handler | Role::DepartmentHead, Some(d)) => {
                sqlx::query(&format!(
                    "{SELECT} WHERE o.region_code LIKE $1 AND (o.leading_department_id = $2 OR o.complained_department_id = $2)
                     ORDER BY o.created_at DESC, o.id DESC LIMIT 500"
                ))
                .bind(&prefix)
                .bind(d)
                .fetch_all(&self.pool)
                .await?
            }
            _ => Vec::new(),
        };
        let key = self.field_key()?;
        let today = crate::today();
        Ok(rows.iter().filter(|r| may_see_row(user, r)).map(|r| shown(r, user, today, key)).collect())
    }

    /// The orders of the caller with `phone` that `user` sees the caller of (masked:
    /// the office, the leading department), newest first; found by the phone's keyed
    /// hash, without opening other rows. The search is recorded, without the number.
    pub async fn hotline_complaints_by_phone(&self, user: &User, phone: &str) -> Result<Vec<Complaint>, StoreError> {
        if !qidi_core::hotline::may_find_by_phone(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-hotline-may-not-find-by-phone",
                "您无权按来电人电话查找工单",
            )));
        }
        let Some(phone) = qidi_core::hotline::normalise_phone(phone) else {
            return Err(StoreError::invalid(Sentence::new(
                "err-hotline-search-bad-phone",
                "来电人电话格式有误，应为 5 到 20 位数字",
            )));
        };
        let key = self.field_key()?;
        let prefix = format!("{}%", user.scope().region_prefix);
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE o.caller_phone_lookup = $1 AND o.region_code LIKE $2 ORDER BY o.created_at DESC, o.id DESC LIMIT 500"
        ))
        .bind(key.phone_lookup(&phone))
        .bind(&prefix)
        .fetch_all(&self.pool)
        .await?;
        let today = crate::today();
        let found: Vec<Complaint> = rows
            .iter()
            .filter(|r| may_see_row(user, r))
            .filter(|r| caller_view(user.role, user.department_id.as_deref(), &facts_of(r)) == CallerView::Masked)
            .map(|r| shown(r, user, today, key))
            .collect();
        let mut tx = self.begin_write().await?;
        crate::events::append(
            &mut tx,
            &crate::events::NewEvent::by(
                user,
                user.region_code.clone(),
                "hotline.find_by_phone",
                "hotline_order",
                None,
                serde_json::json!({ "found": found.len() }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(found)
    }

    /// One order as `user` sees it, with its history; not found when they may not.
    pub async fn hotline_complaint(&self, user: &User, id: &str) -> Result<ComplaintDetail, StoreError> {
        let r = self.visible_row(user, id).await?;
        let facts = facts_of(&r);
        let complaint = shown(&r, user, crate::today(), self.field_key()?);
        let hidden = complaint.caller_view == CallerView::Hidden;
        let mut history = Vec::new();
        for e in self.events_for("hotline_order", id).await? {
            // Whoever may not see the caller does not learn who looked at the number.
            if hidden && e.action == "hotline.unmask" {
                continue;
            }
            let actor = match (&e.actor_id, e.actor_role.as_deref()) {
                (Some(uid), _) => self.user_by_id(uid).await?.map_or_else(
                    || "—".into(),
                    |u| {
                        format!(
                            "{}（{}）",
                            u.display_name,
                            u.department_name.unwrap_or_else(|| u.role.label_zh().into())
                        )
                    },
                ),
                (None, Some("hotline_platform")) => "12345热线平台".into(),
                (None, Some("system")) if e.action == "hotline.receive" => "12345热线平台".into(),
                _ => "系统".into(),
            };
            let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
            let detail = match e.action.as_str() {
                "hotline.handle" => payload["note"].as_str().map(str::to_string),
                "hotline.reply" => payload["text"].as_str().map(str::to_string),
                "hotline.follow_up" => Some(format!(
                    "{}{}",
                    if payload["satisfied"].as_bool() == Some(true) { "满意" } else { "不满意" },
                    payload["note"].as_str().filter(|n| !n.is_empty()).map(|n| format!("：{n}")).unwrap_or_default()
                )),
                "hotline.urge" => payload["days_overdue"].as_i64().map(|d| format!("已超期 {d} 个工作日")),
                "hotline.escalate" => payload["reopenings"].as_i64().map(|n| format!("已重办 {n} 次")),
                "hotline.substantiate" => payload["note"].as_str().map(str::to_string),
                _ => None,
            };
            history.push(HistoryEntry {
                at: e.at.chars().take(16).collect::<String>().replace('T', " "),
                label: action_label(&e.action).to_string(),
                action: e.action,
                actor,
                detail,
            });
        }
        let actor = qidi_core::hotline::Actor::Person { role: user.role, department_id: user.department_id.clone() };
        let candidates = [
            qidi_core::hotline::Action::Assign { department_id: "-".into() },
            qidi_core::hotline::Action::SignFor,
            qidi_core::hotline::Action::Handle { note: "-".into() },
            qidi_core::hotline::Action::Reply { text: "-".into() },
            qidi_core::hotline::Action::FollowUp { satisfied: true, note: String::new() },
        ];
        let actions = candidates
            .iter()
            .filter(|a| qidi_core::hotline::decide(&facts, &actor, a).is_ok())
            .map(qidi_core::hotline::Action::name)
            .collect();
        Ok(ComplaintDetail {
            may_unmask: complaint.caller_view == CallerView::Masked,
            may_substantiate: qidi_core::hotline::may_substantiate(user.role, user.department_id.as_deref(), &facts),
            substantiations: substantiations_where(&self.pool, "s.order_id = $1", id).await?,
            complaint,
            history,
            actions,
        })
    }

    /// Substantiated complaints against a department (by id), for the assessment.
    pub async fn substantiated_complaints(&self, department_id: &str) -> Result<Vec<Substantiation>, StoreError> {
        substantiations_where(&self.pool, "s.handling_department_id = $1", department_id).await
    }
}
