//! 12345 hotline work orders: intake (idempotent by order number), routing to the
//! leading department, the steps of core `hotline::decide` with their clocks, the
//! urging notice and escalation as messages, the callbacks to the platform, the
//! caller's privacy as core `caller_view` decides it, and substantiated complaints.
//!
//! Every change is one write transaction with its event (object_type
//! `hotline_order`). The caller's name and phone are never written into events,
//! messages or callbacks, and never logged; in the row they are sealed with the field
//! key (`crate::personal`), and the phone is found by its keyed hash.

mod callbacks;
mod read;

pub use callbacks::HotlineCallback;
pub use read::{Complaint, ComplaintDetail, HistoryEntry, Substantiation};

use crate::events::{append, NewEvent};
use crate::messages::{department_users, group_channels, public_url, tell, Recipient};
use crate::personal::Field;
use crate::tokens::ApiToken;
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::calendar::WorkCalendar;
use qidi_core::hotline::{
    decide, initial_state, limits_for, Action, Actor, Category, Deadline, HotlineError, NewOrder, OrderFacts,
    OrderState, StepLimits, Urgency,
};
use qidi_core::message::{hotline_news, HotlineNews};
use qidi_core::sentence::Sentence;
use sqlx::{AnyConnection, Row};

/// Where an order came from.
#[derive(Debug, Clone, Copy)]
pub enum IntakeSource<'a> {
    /// The hotline platform, with its token.
    Api(&'a ApiToken),
    /// The office, on the web.
    Web(&'a User),
}

/// The limits for one category and urgency.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LimitRow {
    pub category: Category,
    pub urgency: Urgency,
    pub limits: StepLimits,
    /// Stored as data (set by the office), else core's default.
    pub stored: bool,
}

/// What intake did: a new complaint, or the one this order number already is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Intake {
    pub id: String,
    pub order_number: String,
    pub state: OrderState,
    pub created: bool,
}

impl From<HotlineError> for StoreError {
    fn from(e: HotlineError) -> Self {
        match e {
            HotlineError::WrongState { .. } => StoreError::conflict(&e),
            HotlineError::OfficeOnly { .. } | HotlineError::LeadingDepartmentOnly { .. } => StoreError::forbidden(&e),
            HotlineError::Blank { .. } | HotlineError::LimitTooLong { .. } => StoreError::invalid(&e),
        }
    }
}

/// The stored limits overriding core's defaults in `region`.
async fn stored_limits(
    conn: &mut AnyConnection,
    region: &str,
) -> Result<Vec<(Category, Urgency, StepLimits)>, StoreError> {
    let rows = sqlx::query(
        "SELECT category, urgency, assign, sign_for, reply, follow_up FROM hotline_limits WHERE region_code = $1",
    )
    .bind(region)
    .fetch_all(&mut *conn)
    .await?;
    let n = |r: &sqlx::any::AnyRow, i| u32::try_from(r.get::<i64, _>(i)).unwrap_or(0);
    Ok(rows
        .iter()
        .filter_map(|r| {
            let c = Category::parse(&r.get::<String, _>(0))?;
            let u = Urgency::parse(&r.get::<String, _>(1))?;
            Some((c, u, StepLimits { assign: n(r, 2), sign_for: n(r, 3), reply: n(r, 4), follow_up: n(r, 5) }))
        })
        .collect())
}

/// The clock of `state`, started on `day`, with the limits in force.
fn clock_for(calendar: &WorkCalendar, limits: &StepLimits, state: OrderState, day: NaiveDate) -> Option<Deadline> {
    state.clock().map(|c| Deadline::start(calendar, c, day, limits.of(c)))
}

fn order_event(region: &str, actor: Option<&User>, action: &str, id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        region_code: region.to_string(),
        actor_id: actor.map(|u| u.id.clone()),
        actor_role: Some(actor.map_or("system", |u| u.role.as_str()).to_string()),
        action: action.to_string(),
        object_type: "hotline_order".into(),
        object_id: Some(id.to_string()),
        payload,
        ..Default::default()
    }
}

/// Tell `to` the news of order `id` (core `hotline_news`), once per `key`. The due
/// date is the order's own unless given.
async fn tell_news(
    conn: &mut AnyConnection,
    region: &str,
    id: &str,
    news: HotlineNews,
    due_on: Option<NaiveDate>,
    key: &str,
    to: &[Recipient],
) -> Result<usize, StoreError> {
    let facts = read::news_facts(conn, id).await?;
    let link = format!("/hotline/{id}");
    let write = |w: &dyn qidi_core::sentence::Words| {
        let (number, category, project) = (&facts.order_number, facts.category, facts.project.as_deref());
        hotline_news(w, news, number, category, project, due_on.or(facts.due_on), &link, public_url())
    };
    tell(conn, region, &format!("hotline:{id}:{key}"), &write, to).await
}

/// A department's people with `roles`, and its group channels.
async fn department_recipients(
    conn: &mut AnyConnection,
    region: &str,
    department_id: &str,
    roles: &[&str],
) -> Result<Vec<Recipient>, StoreError> {
    let mut to: Vec<Recipient> =
        department_users(conn, department_id, roles).await?.into_iter().map(Recipient::User).collect();
    to.extend(group_channels(conn, region, Some(department_id)).await?);
    Ok(to)
}

/// Tell the leading department's head (and its group channels) that an order is theirs.
async fn tell_assigned(
    conn: &mut AnyConnection,
    region: &str,
    id: &str,
    department_id: &str,
    version: i64,
) -> Result<usize, StoreError> {
    let to = department_recipients(conn, region, department_id, &["department_head"]).await?;
    tell_news(conn, region, id, HotlineNews::Assigned, None, &format!("assign:{version}"), &to).await
}

/// The office's people and group channels.
async fn office_recipients(conn: &mut AnyConnection, region: &str) -> Result<Vec<Recipient>, StoreError> {
    let rows =
        sqlx::query("SELECT id FROM users WHERE region_code = $1 AND role = 'office' AND disabled = FALSE ORDER BY id")
            .bind(region)
            .fetch_all(&mut *conn)
            .await?;
    let mut to: Vec<Recipient> = rows.iter().map(|r| Recipient::User(r.get(0))).collect();
    to.extend(group_channels(conn, region, None).await?);
    Ok(to)
}

impl Store {
    /// Take in an order. The same order number in the region is the same complaint:
    /// the second time, nothing is written and the first complaint's id is returned
    /// with `created: false`, even when both arrive at once (the unique index decides).
    pub async fn intake_hotline_order(
        &self,
        region: &qidi_core::RegionCode,
        source: IntakeSource<'_>,
        order: &NewOrder,
    ) -> Result<Intake, StoreError> {
        let region = region.as_str();
        if let IntakeSource::Web(u) = source {
            if !qidi_core::hotline::may_enter(u.role) {
                return Err(StoreError::forbidden(Sentence::new(
                    "err-hotline-office-enters",
                    "只有领导小组办公室可以登记12345工单",
                )));
            }
        }
        if let Some(found) = self.existing_order(region, &order.order_number).await? {
            return Ok(found);
        }
        let key = self.field_key()?;
        let calendar = self.work_calendar().await?;
        let mut tx = self.begin_write().await?;
        let project = match &order.project_code {
            Some(code) => {
                sqlx::query("SELECT id, initiating_department_id FROM projects WHERE region_code = $1 AND code = $2")
                    .bind(region)
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| (r.get::<String, _>(0), r.get::<Option<String>, _>(1)))
            }
            None => None,
        };
        let item_type = match &order.item_type {
            Some(code) => {
                let Some(r) = sqlx::query(
                    "SELECT id, department_id FROM item_types WHERE region_code = $1 AND (code = $2 OR name = $2)",
                )
                .bind(region)
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Err(StoreError::invalid(
                        Sentence::new(
                            "err-hotline-item-type-unknown",
                            format!("审批事项（item_type）“{code}”不在事项目录中"),
                        )
                        .arg("code", code),
                    ));
                };
                Some((r.get::<String, _>(0), r.get::<String, _>(1)))
            }
            None => None,
        };
        // The department complained about handles the item: the project's own pending
        // item says which, else the item type's department.
        let mut complained = item_type.as_ref().map(|(_, d)| d.clone());
        if let (Some((project_id, _)), Some((item_type_id, _))) = (&project, &item_type) {
            if let Some(r) = sqlx::query(
                "SELECT handling_department_id FROM pending_items WHERE project_id = $1 AND item_type_id = $2",
            )
            .bind(project_id)
            .bind(item_type_id)
            .fetch_optional(&mut *tx)
            .await?
            {
                complained = Some(r.get(0));
            }
        }
        let leading = project.as_ref().and_then(|(_, d)| d.clone());
        let state = initial_state(leading.as_deref());
        let today = crate::today();
        let limits = limits_for(&stored_limits(&mut tx, region).await?, order.category, order.urgency);
        let clock = clock_for(&calendar, &limits, state, today);
        let id = new_id();
        let now = now_text();
        let inserted = sqlx::query(
            "INSERT INTO hotline_orders (id, region_code, order_number, category, urgency, caller_name, caller_phone,
                 caller_name_sealed, caller_phone_sealed, caller_phone_lookup, text,
                 project_code, project_id, item_type_code, item_type_id, leading_department_id, complained_department_id,
                 state, clock_started_on, clock_limit, due_on, warn_on, source, received_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, '', '', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                 $21, $22, $23, $23)
             ON CONFLICT (region_code, order_number) DO NOTHING",
        )
        .bind(&id)
        .bind(region)
        .bind(&order.order_number)
        .bind(order.category.as_str())
        .bind(order.urgency.as_str())
        .bind(key.seal(Field::CallerName, &id, &order.caller_name))
        .bind(key.seal(Field::CallerPhone, &id, &order.caller_phone))
        .bind(key.phone_lookup(&order.caller_phone))
        .bind(&order.text)
        .bind(&order.project_code)
        .bind(project.as_ref().map(|(p, _)| p.clone()))
        .bind(&order.item_type)
        .bind(item_type.as_ref().map(|(i, _)| i.clone()))
        .bind(&leading)
        .bind(&complained)
        .bind(state.as_str())
        .bind(clock.map(|c| c.started_on.to_string()))
        .bind(clock.map(|c| i64::from(c.limit)))
        .bind(clock.map(|c| c.due_on.to_string()))
        .bind(clock.map(|c| c.warn_on.to_string()))
        .bind(match source {
            IntakeSource::Api(_) => "api",
            IntakeSource::Web(_) => "web",
        })
        .bind(today.to_string())
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // Another request took this order number first; it is that complaint.
            tx.rollback().await?;
            return self.existing_order(region, &order.order_number).await?.ok_or_else(|| {
                StoreError::conflict(
                    Sentence::new(
                        "err-hotline-being-entered",
                        format!("工单 {} 正在登记，请稍后重试", order.order_number),
                    )
                    .arg("number", &order.order_number),
                )
            });
        }
        let (actor, token) = match source {
            IntakeSource::Api(t) => (None, Some(t.id.clone())),
            IntakeSource::Web(u) => (Some(u), None),
        };
        let mut received = order_event(
            region,
            actor,
            "hotline.receive",
            &id,
            serde_json::json!({
                "order_number": order.order_number,
                "category": order.category.as_str(),
                "urgency": order.urgency.as_str(),
                "project_code": order.project_code,
                "item_type": order.item_type,
                "api_token": token,
                "state": state.as_str(),
            }),
        );
        if token.is_some() {
            received.actor_role = Some("hotline_platform".into());
        }
        append(&mut tx, &received).await?;
        if let Some(d) = &leading {
            append(
                &mut tx,
                &order_event(
                    region,
                    None,
                    "hotline.assign",
                    &id,
                    serde_json::json!({ "department_id": d, "routed": "project" }),
                ),
            )
            .await?;
            tell_assigned(&mut tx, region, &id, d, 1).await?;
        }
        tx.commit().await?;
        Ok(Intake { id, order_number: order.order_number.clone(), state, created: true })
    }

    async fn existing_order(&self, region: &str, order_number: &str) -> Result<Option<Intake>, StoreError> {
        let row = sqlx::query("SELECT id, state FROM hotline_orders WHERE region_code = $1 AND order_number = $2")
            .bind(region)
            .bind(order_number)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| Intake {
            id: r.get(0),
            order_number: order_number.to_string(),
            state: OrderState::parse(&r.get::<String, _>(1)).unwrap_or(OrderState::Received),
            created: false,
        }))
    }

    /// A step taken by a signed-in person (core `decide` says who may). An order the
    /// person may not see is not found.
    pub async fn hotline_act(&self, user: &User, id: &str, action: Action) -> Result<(), StoreError> {
        let facts = self.visible_facts(user, id).await?;
        let action = match action {
            Action::Assign { department_id } => {
                Action::Assign { department_id: self.department_in_region(&facts.region, &department_id).await? }
            }
            other => other,
        };
        let actor = Actor::Person { role: user.role, department_id: user.department_id.clone() };
        self.apply_step(&facts.region, id, Some(user), &actor, &action).await
    }

    /// The follow-up call's result, from the hotline platform with its token. Returns
    /// the complaint's id.
    pub async fn hotline_follow_up(
        &self,
        token: &ApiToken,
        order_number: &str,
        satisfied: bool,
        note: &str,
    ) -> Result<String, StoreError> {
        let Some(found) = self.existing_order(&token.region_code, order_number).await? else {
            return Err(StoreError::NotFound(format!("工单 {order_number} 不存在")));
        };
        let action = Action::FollowUp { satisfied, note: note.trim().to_string() };
        self.apply_step(&token.region_code, &found.id, None, &Actor::Platform, &action).await?;
        Ok(found.id)
    }

    /// A department of `region` by its id or its code.
    async fn department_in_region(&self, region: &str, id_or_code: &str) -> Result<String, StoreError> {
        sqlx::query("SELECT id FROM departments WHERE region_code = $1 AND (id = $2 OR code = $2)")
            .bind(region)
            .bind(id_or_code.trim())
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0))
            .ok_or_else(|| {
                StoreError::invalid(
                    Sentence::new("err-hotline-department-unknown", format!("部门“{}”不存在", id_or_code.trim()))
                        .arg("department", id_or_code.trim()),
                )
            })
    }

    async fn apply_step(
        &self,
        region: &str,
        id: &str,
        user: Option<&User>,
        actor: &Actor,
        action: &Action,
    ) -> Result<(), StoreError> {
        let calendar = self.work_calendar().await?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT state, leading_department_id, complained_department_id, reopen_count, version, category, urgency,
                    clock_started_on, clock_limit, due_on, warn_on, order_number
             FROM hotline_orders WHERE id = $1 AND region_code = $2",
        )
        .bind(id)
        .bind(region)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound("工单不存在".into()))?;
        let state = OrderState::parse(&row.get::<String, _>(0)).unwrap_or(OrderState::Received);
        let facts = OrderFacts {
            state,
            leading_department_id: row.get(1),
            complained_department_id: row.get(2),
            reopen_count: u32::try_from(row.get::<i64, _>(3)).unwrap_or(0),
        };
        let version: i64 = row.get(4);
        let t = decide(&facts, actor, action)?;
        let category = Category::parse(&row.get::<String, _>(5)).unwrap_or(Category::Other);
        let urgency = Urgency::parse(&row.get::<String, _>(6)).unwrap_or(Urgency::Normal);
        let limits = limits_for(&stored_limits(&mut tx, region).await?, category, urgency);
        let today = crate::today();
        let restart = t.restarts_clock(state);
        let (started, limit, due, warn): (Option<String>, Option<i64>, Option<String>, Option<String>) = if restart {
            let c = clock_for(&calendar, &limits, t.to, today);
            (
                c.map(|c| c.started_on.to_string()),
                c.map(|c| i64::from(c.limit)),
                c.map(|c| c.due_on.to_string()),
                c.map(|c| c.warn_on.to_string()),
            )
        } else {
            (row.get(7), row.get(8), row.get(9), row.get(10))
        };
        let (note, reply) = match action {
            Action::Handle { note } => (Some(note.trim().to_string()), None),
            Action::Reply { text } => (None, Some(text.trim().to_string())),
            _ => (None, None),
        };
        let n = sqlx::query(
            "UPDATE hotline_orders SET state = $1, reopen_count = $2, escalated = (escalated OR $3),
                 leading_department_id = COALESCE($4, leading_department_id), clock_started_on = $5, clock_limit = $6,
                 due_on = $7, warn_on = $8, handling_note = COALESCE($9, handling_note), reply_text = COALESCE($10, reply_text),
                 updated_at = $11, version = version + 1
             WHERE id = $12 AND version = $13",
        )
        .bind(t.to.as_str())
        .bind(i64::from(t.reopen_count))
        .bind(t.escalates)
        .bind(&t.assigns)
        .bind(&started)
        .bind(limit)
        .bind(&due)
        .bind(&warn)
        .bind(&note)
        .bind(&reply)
        .bind(now_text())
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::conflict(Sentence::new(
                "err-hotline-changed-meanwhile",
                "工单刚被他人处理，请刷新后重试",
            )));
        }
        let mut payload = serde_json::json!({ "from": state.as_str(), "to": t.to.as_str() });
        match action {
            Action::Assign { department_id } => payload["department_id"] = department_id.clone().into(),
            Action::Handle { note } => payload["note"] = note.trim().into(),
            Action::Reply { text } => payload["text"] = text.trim().into(),
            Action::FollowUp { satisfied, note } => {
                payload["satisfied"] = (*satisfied).into();
                payload["note"] = note.trim().into();
                payload["by"] = if *actor == Actor::Platform { "platform" } else { "office" }.into();
            }
            Action::SignFor => {}
        }
        let mut event = order_event(region, user, &format!("hotline.{}", action.name()), id, payload);
        if *actor == Actor::Platform {
            event.actor_role = Some("hotline_platform".into());
        }
        append(&mut tx, &event).await?;
        let version = version + 1;
        if let Some(d) = &t.assigns {
            tell_assigned(&mut tx, region, id, d, version).await?;
        }
        if t.escalates {
            append(
                &mut tx,
                &order_event(region, None, "hotline.escalate", id, serde_json::json!({ "reopenings": t.reopen_count })),
            )
            .await?;
            let to = office_recipients(&mut tx, region).await?;
            let news = HotlineNews::Escalated { reopenings: t.reopen_count };
            tell_news(&mut tx, region, id, news, None, "escalate", &to).await?;
        }
        if t.calls_back {
            callbacks::enqueue(&mut tx, region, id, version, action, t.to).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Urge (催办) every order whose leading department's step is late by a working
    /// day on `day`: its head and handlers are told once per due date. Returns how
    /// many orders were urged now.
    pub async fn run_hotline_urging(&self, day: NaiveDate) -> Result<usize, StoreError> {
        let calendar = self.work_calendar().await?;
        let rows = sqlx::query(
            "SELECT id, region_code, state, due_on, leading_department_id FROM hotline_orders
             WHERE state IN ('assigned', 'signed_for', 'handled', 'reopened') AND due_on < $1 AND leading_department_id IS NOT NULL
                   AND (urged_for IS NULL OR urged_for <> due_on)
             ORDER BY due_on, id",
        )
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut urged = 0;
        for r in rows {
            let (id, region, dept): (String, String, String) = (r.get(0), r.get(1), r.get(4));
            let Some(state) = OrderState::parse(&r.get::<String, _>(2)) else { continue };
            let Ok(due_on) = qidi_core::calendar::parse_date(&r.get::<String, _>(3)) else { continue };
            if !qidi_core::hotline::urging_due(&calendar, state, due_on, day) {
                continue;
            }
            let days_overdue = calendar.working_days_overdue(due_on, day);
            let mut tx = self.begin_write().await?;
            // Claim the urging of this due date first: another instance, or a step that
            // moved the due date meanwhile, makes this a no-op.
            let claimed = sqlx::query(
                "UPDATE hotline_orders SET urged_for = due_on
                 WHERE id = $1 AND due_on = $2 AND (urged_for IS NULL OR urged_for <> due_on)",
            )
            .bind(&id)
            .bind(due_on.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                continue;
            }
            let to = department_recipients(&mut tx, &region, &dept, &["department_head", "handler"]).await?;
            let news = HotlineNews::Urging { days_overdue };
            let written = tell_news(&mut tx, &region, &id, news, Some(due_on), &format!("urge:{due_on}"), &to).await?;
            let payload = serde_json::json!({
                "due_on": due_on, "days_overdue": days_overdue, "state": state.as_str(), "messages": written,
            });
            append(&mut tx, &order_event(&region, None, "hotline.urge", &id, payload)).await?;
            urged += 1;
            tx.commit().await?;
        }
        Ok(urged)
    }

    /// Show the caller's whole phone number to someone who sees it masked; recorded.
    pub async fn hotline_unmask_phone(&self, user: &User, id: &str) -> Result<String, StoreError> {
        let facts = self.visible_facts(user, id).await?;
        if qidi_core::hotline::caller_view(user.role, user.department_id.as_deref(), &facts.facts)
            != qidi_core::hotline::CallerView::Masked
        {
            return Err(StoreError::forbidden(Sentence::new("err-hotline-may-not-see-phone", "您无权查看来电人电话")));
        }
        let key = self.field_key()?;
        let mut tx = self.begin_write().await?;
        let sealed: Option<String> = sqlx::query("SELECT caller_phone_sealed FROM hotline_orders WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        let phone = read::open_caller(key, Field::CallerPhone, id, sealed.as_deref())?;
        append(&mut tx, &order_event(&facts.region, Some(user), "hotline.unmask", id, serde_json::json!({}))).await?;
        tx.commit().await?;
        Ok(phone)
    }

    /// Record the complaint as substantiated (属实) against a handling department
    /// (by code or id) and, where it concerns one, an item type. A fact the assessment
    /// counts; once per order, department and item.
    pub async fn record_hotline_substantiated(
        &self,
        user: &User,
        id: &str,
        department: &str,
        item_type: Option<&str>,
        note: &str,
    ) -> Result<Substantiation, StoreError> {
        let facts = self.visible_facts(user, id).await?;
        if !qidi_core::hotline::may_substantiate(user.role, user.department_id.as_deref(), &facts.facts) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-hotline-may-not-substantiate",
                "只有领导小组办公室或牵头部门可以认定投诉属实",
            )));
        }
        if note.trim().is_empty() {
            return Err(StoreError::invalid(Sentence::new(
                "err-hotline-substantiation-reason-blank",
                "认定属实须写明理由",
            )));
        }
        let department_id = self.department_in_region(&facts.region, department).await?;
        let item_type_id: Option<String> = match item_type.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(
                sqlx::query("SELECT id FROM item_types WHERE region_code = $1 AND (id = $2 OR code = $2)")
                    .bind(&facts.region)
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| r.get(0))
                    .ok_or_else(|| {
                        StoreError::invalid(
                            Sentence::new(
                                "err-hotline-substantiation-item-type-unknown",
                                format!("审批事项“{code}”不在事项目录中"),
                            )
                            .arg("code", code),
                        )
                    })?,
            ),
            None => None,
        };
        let mut tx = self.begin_write().await?;
        let dup = sqlx::query(
            "SELECT 1 FROM hotline_substantiations WHERE order_id = $1 AND handling_department_id = $2
                 AND COALESCE(item_type_id, '') = COALESCE($3, '')",
        )
        .bind(id)
        .bind(&department_id)
        .bind(&item_type_id)
        .fetch_optional(&mut *tx)
        .await?;
        if dup.is_some() {
            return Err(StoreError::conflict(Sentence::new(
                "err-hotline-already-substantiated",
                "该投诉已就此部门和事项认定属实",
            )));
        }
        let sid = new_id();
        sqlx::query(
            "INSERT INTO hotline_substantiations (id, region_code, order_id, handling_department_id, item_type_id, note,
                 recorded_by, recorded_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&sid)
        .bind(&facts.region)
        .bind(id)
        .bind(&department_id)
        .bind(&item_type_id)
        .bind(note.trim())
        .bind(&user.id)
        .bind(crate::today().to_string())
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &order_event(
                &facts.region,
                Some(user),
                "hotline.substantiate",
                id,
                serde_json::json!({ "substantiation": sid, "department_id": department_id, "item_type_id": item_type_id, "note": note.trim() }),
            ),
        )
        .await?;
        tx.commit().await?;
        read::substantiation(&self.pool, &sid).await
    }

    /// Override the limits for one category and urgency in `user`'s region (the office
    /// or the administrator); open orders keep their running clocks.
    pub async fn set_hotline_limits(
        &self,
        user: &User,
        category: Category,
        urgency: Urgency,
        limits: StepLimits,
    ) -> Result<(), StoreError> {
        if !qidi_core::hotline::may_set_limits(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-hotline-may-not-set-limits",
                "只有领导小组办公室或系统管理员可以设置工单时限",
            )));
        }
        limits.check()?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO hotline_limits (region_code, category, urgency, assign, sign_for, reply, follow_up)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (region_code, category, urgency) DO UPDATE SET assign = excluded.assign,
                 sign_for = excluded.sign_for, reply = excluded.reply, follow_up = excluded.follow_up",
        )
        .bind(&user.region_code)
        .bind(category.as_str())
        .bind(urgency.as_str())
        .bind(i64::from(limits.assign))
        .bind(i64::from(limits.sign_for))
        .bind(i64::from(limits.reply))
        .bind(i64::from(limits.follow_up))
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &NewEvent::by(
                user,
                user.region_code.clone(),
                "hotline.limits",
                "hotline_limits",
                Some(format!("{}:{}", category.as_str(), urgency.as_str())),
                serde_json::to_value(limits).unwrap_or_default(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The limits in force in `region` for every category and urgency, and whether
    /// each is stored data (else core's default).
    pub async fn hotline_limit_table(&self, region: &str) -> Result<Vec<LimitRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let stored = stored_limits(&mut conn, region).await?;
        let mut out = Vec::new();
        for category in Category::ALL {
            for urgency in Urgency::ALL {
                out.push(LimitRow {
                    category,
                    urgency,
                    limits: limits_for(&stored, category, urgency),
                    stored: stored.iter().any(|(c, u, _)| *c == category && *u == urgency),
                });
            }
        }
        Ok(out)
    }

    /// The limits in force in `region` for one category and urgency.
    pub async fn hotline_limits(
        &self,
        region: &str,
        category: Category,
        urgency: Urgency,
    ) -> Result<StepLimits, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(limits_for(&stored_limits(&mut conn, region).await?, category, urgency))
    }
}
