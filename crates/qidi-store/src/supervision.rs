//! Supervision orders (挂牌督办) and the departments each discipline inspector oversees.
//!
//! The office issues an order on a department, a project (answered by its initiating
//! department) or a pending item (answered by its handling department) and lifts it
//! with a result; each step is one transaction with its event. The lamp of an open
//! order is worked out when it is read, from its dates and the calendar (core
//! `supervision`), like any clock's.

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::bulletin::Month;
use qidi_core::calendar::WorkCalendar;
use qidi_core::light::{Light, LightPolicy};
use qidi_core::sentence::Sentence;
use qidi_core::supervision::{
    check_result, days_past, may_manage, open_at, order_light, warn_on, OpenOrder, OrderRequest, OrderTarget,
};
use qidi_core::{RegionCode, Role};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// An order as stored, with its lamp on the day it was read.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionOrder {
    pub id: String,
    pub region_code: String,
    pub target: OrderTarget,
    pub department_id: String,
    pub department_code: String,
    pub department: String,
    pub project_id: Option<String>,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub pending_item_id: Option<String>,
    pub item_type: Option<String>,
    pub title: String,
    pub reason: String,
    pub required_action: String,
    pub responsible_person: String,
    pub issued_on: NaiveDate,
    pub deadline: NaiveDate,
    pub warn_on: NaiveDate,
    pub issued_by: String,
    pub lifted_on: Option<NaiveDate>,
    pub lifted_by: Option<String>,
    pub result: Option<String>,
    /// `None` once lifted.
    pub light: Option<Light>,
    pub days_past_deadline: i64,
}

impl SupervisionOrder {
    /// What the order is on, in words: the department, the project, or the item.
    pub fn target_name(&self) -> String {
        match self.target {
            OrderTarget::Department => self.department.clone(),
            OrderTarget::Project => self.project_name.clone().unwrap_or_default(),
            OrderTarget::Item => format!(
                "{} · {}",
                self.project_name.clone().unwrap_or_default(),
                self.item_type.clone().unwrap_or_default()
            ),
        }
    }

    pub fn link(&self) -> String {
        format!("/supervision/orders/{}", self.id)
    }

    pub fn light_str(&self) -> &'static str {
        self.light.map_or("none", Light::as_str)
    }

    pub fn light_label(&self) -> &'static str {
        self.light.map_or("已解除", Light::label_zh)
    }
}

const ORDER_SELECT: &str =
    "SELECT o.id, o.region_code, o.target, o.department_id, d.code, d.name, o.project_id, p.code, p.name,
        o.pending_item_id, t.name, o.title, o.reason, o.required_action, o.responsible_person, o.issued_on, o.deadline,
        o.warn_on, iu.display_name, o.lifted_on, lu.display_name, o.result
     FROM supervision_orders o JOIN departments d ON d.id = o.department_id
          LEFT JOIN projects p ON p.id = o.project_id
          LEFT JOIN pending_items i ON i.id = o.pending_item_id LEFT JOIN item_types t ON t.id = i.item_type_id
          JOIN users iu ON iu.id = o.issued_by LEFT JOIN users lu ON lu.id = o.lifted_by";

fn day(r: &sqlx::any::AnyRow, i: usize) -> Result<NaiveDate, StoreError> {
    r.get::<String, _>(i).parse().map_err(|_| StoreError::invalid("supervision_orders row has a bad date"))
}

fn order_from_row(
    r: &sqlx::any::AnyRow,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Result<SupervisionOrder, StoreError> {
    let target = OrderTarget::parse(&r.get::<String, _>(2))
        .ok_or_else(|| StoreError::invalid("supervision_orders row has a bad target"))?;
    let (issued_on, deadline) = (day(r, 15)?, day(r, 16)?);
    let lifted_on: Option<NaiveDate> = r.get::<Option<String>, _>(19).and_then(|s| s.parse().ok());
    Ok(SupervisionOrder {
        id: r.get(0),
        region_code: r.get(1),
        target,
        department_id: r.get(3),
        department_code: r.get(4),
        department: r.get(5),
        project_id: r.get(6),
        project_code: r.get(7),
        project_name: r.get(8),
        pending_item_id: r.get(9),
        item_type: r.get(10),
        title: r.get(11),
        reason: r.get(12),
        required_action: r.get(13),
        responsible_person: r.get(14),
        issued_on,
        deadline,
        warn_on: day(r, 17)?,
        issued_by: r.get(18),
        lifted_on,
        lifted_by: r.get(20),
        result: r.get(21),
        light: order_light(calendar, LightPolicy::default(), issued_on, deadline, lifted_on, today),
        days_past_deadline: days_past(calendar, deadline, lifted_on.unwrap_or(today)),
    })
}

/// Which orders to list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub department_id: Option<String>,
    pub project_id: Option<String>,
    pub open_only: bool,
}

/// What an order is put on, as the office names it.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub target: OrderTarget,
    /// A department's code, a project's id, or a pending item's id.
    pub target_id: String,
    pub request: OrderRequest,
}

/// Orders open at `month`'s end, for the bulletin.
pub(crate) async fn month_open_orders(
    conn: &mut AnyConnection,
    calendar: &WorkCalendar,
    region: &str,
    month: Month,
) -> Result<Vec<OpenOrder>, StoreError> {
    let end = month.last_day();
    let sql = format!("{ORDER_SELECT} WHERE o.region_code = $1 AND o.issued_on <= $2 ORDER BY o.issued_on, o.id");
    let rows = sqlx::query(&sql).bind(region).bind(end.to_string()).fetch_all(&mut *conn).await?;
    let mut orders = Vec::new();
    for r in &rows {
        let o = order_from_row(r, calendar, end)?;
        orders.push((
            OpenOrder {
                department_code: o.department_code.clone(),
                department: o.department.clone(),
                target: o.target,
                target_name: o.target_name(),
                title: o.title.clone(),
                reason: o.reason.clone(),
                required_action: o.required_action.clone(),
                responsible_person: o.responsible_person.clone(),
                issued_on: o.issued_on,
                deadline: o.deadline,
                days_past_deadline: 0,
                link: o.link(),
            },
            o.lifted_on,
        ));
    }
    Ok(open_at(calendar, orders, end))
}

/// Who may see an order: the office, the leader and inspectors in the region; a
/// department's head and handlers the orders their department answers for.
fn may_see(user: &User, o: &SupervisionOrder) -> bool {
    o.region_code == user.region_code
        && qidi_core::supervision::may_see(user.role, user.department_id.as_deref(), &o.department_id)
}

impl Store {
    /// Put a department, a project or an item under a supervision order (the office).
    pub async fn issue_order(
        &self,
        actor: &User,
        new: &NewOrder,
        today: NaiveDate,
    ) -> Result<SupervisionOrder, StoreError> {
        may_manage(actor.role).map_err(|e| StoreError::forbidden(&e))?;
        let req = new.request.validated(today).map_err(|e| StoreError::invalid(&e))?;
        let calendar = self.work_calendar().await?;
        let region = actor.region_code.clone();
        let (department_id, project_id, item_id): (String, Option<String>, Option<String>) = match new.target {
            OrderTarget::Department => {
                let d = self.department_by_code(&actor.region(), &new.target_id).await?.ok_or_else(|| {
                    StoreError::invalid(
                        Sentence::new(
                            "err-supervision-target-department-unknown",
                            format!("督办对象：部门 {} 不存在", new.target_id),
                        )
                        .arg("department", &new.target_id),
                    )
                })?;
                (d.id, None, None)
            }
            OrderTarget::Project => {
                let r = sqlx::query("SELECT initiating_department_id FROM projects WHERE id = $1 AND region_code = $2")
                    .bind(&new.target_id)
                    .bind(&region)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| {
                        StoreError::invalid(Sentence::new(
                            "err-supervision-target-project-unknown",
                            "督办对象：项目不存在",
                        ))
                    })?;
                let d: Option<String> = r.get(0);
                let d = d.ok_or_else(|| {
                    StoreError::invalid(Sentence::new(
                        "err-supervision-target-project-no-department",
                        "督办对象：该项目没有立项部门，请改为督办部门",
                    ))
                })?;
                (d, Some(new.target_id.clone()), None)
            }
            OrderTarget::Item => {
                let r = sqlx::query(
                    "SELECT handling_department_id, project_id FROM pending_items WHERE id = $1 AND region_code = $2",
                )
                .bind(&new.target_id)
                .bind(&region)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| {
                    StoreError::invalid(Sentence::new(
                        "err-supervision-target-item-unknown",
                        "督办对象：待批事项不存在",
                    ))
                })?;
                (r.get(0), Some(r.get(1)), Some(new.target_id.clone()))
            }
        };
        let warn = warn_on(&calendar, LightPolicy::default(), today, req.deadline);
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO supervision_orders (id, region_code, target, department_id, project_id, pending_item_id, title, reason,
                 required_action, responsible_person, issued_on, deadline, warn_on, issued_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&id)
        .bind(&region)
        .bind(new.target.as_str())
        .bind(&department_id)
        .bind(&project_id)
        .bind(&item_id)
        .bind(&req.title)
        .bind(&req.reason)
        .bind(&req.required_action)
        .bind(&req.responsible_person)
        .bind(today.to_string())
        .bind(req.deadline.to_string())
        .bind(warn.to_string())
        .bind(&actor.id)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &NewEvent::by(
                actor,
                region.clone(),
                "supervision.issue",
                "supervision_order",
                Some(id.clone()),
                serde_json::json!({
                    "target": new.target.as_str(), "department_id": department_id, "project_id": project_id,
                    "pending_item_id": item_id, "title": req.title, "reason": req.reason,
                    "required_action": req.required_action, "responsible_person": req.responsible_person,
                    "deadline": req.deadline.to_string(),
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.order_for(actor, &id, today).await?.ok_or_else(|| StoreError::NotFound("督办不存在".into()))
    }

    /// Lift an open order with its result (the office).
    pub async fn lift_order(
        &self,
        actor: &User,
        id: &str,
        result: &str,
        today: NaiveDate,
    ) -> Result<SupervisionOrder, StoreError> {
        let order = self.order_for(actor, id, today).await?.ok_or_else(|| StoreError::NotFound("督办不存在".into()))?;
        may_manage(actor.role).map_err(|e| StoreError::forbidden(&e))?;
        let result = check_result(result, order.lifted_on).map_err(|e| match e {
            qidi_core::supervision::OrderError::AlreadyLifted(_) => StoreError::conflict(&e),
            other => StoreError::invalid(&other),
        })?;
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE supervision_orders SET lifted_on = $1, lifted_by = $2, result = $3 WHERE id = $4 AND lifted_on IS NULL",
        )
        .bind(today.to_string())
        .bind(&actor.id)
        .bind(&result)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::conflict(Sentence::new(
                "err-supervision-lifted-meanwhile",
                "该督办已被解除，请刷新后查看",
            )));
        }
        append(
            &mut tx,
            &NewEvent::by(
                actor,
                order.region_code.clone(),
                "supervision.lift",
                "supervision_order",
                Some(id.to_string()),
                serde_json::json!({
                    "result": result, "deadline": order.deadline.to_string(),
                    "days_past_deadline": days_past(&*self.work_calendar().await?, order.deadline, today),
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.order_for(actor, id, today).await?.ok_or_else(|| StoreError::NotFound("督办不存在".into()))
    }

    /// One order, if `user` may see it.
    pub async fn order_for(
        &self,
        user: &User,
        id: &str,
        today: NaiveDate,
    ) -> Result<Option<SupervisionOrder>, StoreError> {
        let calendar = self.work_calendar().await?;
        let row = sqlx::query(&format!("{ORDER_SELECT} WHERE o.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        let Some(o) = row.as_ref().map(|r| order_from_row(r, &calendar, today)).transpose()? else { return Ok(None) };
        Ok(may_see(user, &o).then_some(o))
    }

    /// The orders `user` may see, by `filter`: open ones first, reddest first.
    pub async fn orders_for(
        &self,
        user: &User,
        filter: &OrderFilter,
        today: NaiveDate,
    ) -> Result<Vec<SupervisionOrder>, StoreError> {
        let calendar = self.work_calendar().await?;
        let sql = format!(
            "{ORDER_SELECT} WHERE o.region_code = $1 AND ($2 = '' OR o.department_id = $2) AND ($3 = '' OR o.project_id = $3)
             ORDER BY o.deadline, o.id"
        );
        let rows = sqlx::query(&sql)
            .bind(&user.region_code)
            .bind(filter.department_id.as_deref().unwrap_or(""))
            .bind(filter.project_id.as_deref().unwrap_or(""))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let o = order_from_row(r, &calendar, today)?;
            if may_see(user, &o) && (!filter.open_only || o.lifted_on.is_none()) {
                out.push(o);
            }
        }
        out.sort_by(|a, b| {
            a.lifted_on
                .is_some()
                .cmp(&b.lifted_on.is_some())
                .then(b.light.cmp(&a.light))
                .then(a.deadline.cmp(&b.deadline))
        });
        Ok(out)
    }

    /// Orders from their rows, with what is left of their time. Most projects and
    /// departments have none: the calendar (one more query, for its version) is then not read.
    async fn orders_from_rows(
        &self,
        rows: &[sqlx::any::AnyRow],
        today: NaiveDate,
    ) -> Result<Vec<SupervisionOrder>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let calendar = self.work_calendar().await?;
        rows.iter().map(|r| order_from_row(r, &calendar, today)).collect()
    }

    /// Open orders of a project (on it or on one of its items), for anyone who may see
    /// the project: the project page and its timeline show them until lifted.
    pub async fn open_orders_of_project(
        &self,
        project_id: &str,
        today: NaiveDate,
    ) -> Result<Vec<SupervisionOrder>, StoreError> {
        let sql = format!("{ORDER_SELECT} WHERE o.project_id = $1 AND o.lifted_on IS NULL ORDER BY o.deadline, o.id");
        let rows = sqlx::query(&sql).bind(project_id).fetch_all(&self.pool).await?;
        self.orders_from_rows(&rows, today).await
    }

    /// Open orders a department answers for (its ledger page shows them until lifted).
    pub async fn open_orders_of_department(
        &self,
        department_id: &str,
        today: NaiveDate,
    ) -> Result<Vec<SupervisionOrder>, StoreError> {
        let sql =
            format!("{ORDER_SELECT} WHERE o.department_id = $1 AND o.lifted_on IS NULL ORDER BY o.deadline, o.id");
        let rows = sqlx::query(&sql).bind(department_id).fetch_all(&self.pool).await?;
        self.orders_from_rows(&rows, today).await
    }

    /// Orders open at the end of `month`, as the bulletin lists them.
    pub async fn open_orders_at(&self, region: &RegionCode, month: Month) -> Result<Vec<OpenOrder>, StoreError> {
        let calendar = self.work_calendar().await?;
        let mut conn = self.pool.acquire().await?;
        month_open_orders(&mut conn, &calendar, region.as_str(), month).await
    }

    /// The id of the project with `project_code` in the region, or with `item_type`
    /// (its name or code) the id of that project's pending item: what an order is put on.
    pub async fn order_target_by_code(
        &self,
        region: &RegionCode,
        project_code: &str,
        item_type: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let row = match item_type {
            None => {
                sqlx::query("SELECT id FROM projects WHERE region_code = $1 AND code = $2")
                    .bind(region.as_str())
                    .bind(project_code.trim())
                    .fetch_optional(&self.pool)
                    .await?
            }
            Some(t) => {
                sqlx::query(
                    "SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
                     WHERE p.region_code = $1 AND p.code = $2 AND (t.name = $3 OR t.code = $3)",
                )
                .bind(region.as_str())
                .bind(project_code.trim())
                .bind(t.trim())
                .fetch_optional(&self.pool)
                .await?
            }
        };
        Ok(row.map(|r| r.get(0)))
    }

    /// Set the departments an inspector oversees (the administrator), by department
    /// code; an empty list makes the inspector region-wide again.
    pub async fn set_inspector_departments(
        &self,
        admin: &User,
        inspector_id: &str,
        codes: &[String],
    ) -> Result<Vec<crate::baseline::DepartmentRef>, StoreError> {
        if !qidi_core::supervision::may_set_overseen_departments(admin.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-supervision-admin-sets-inspector-departments",
                "只有系统管理员可以设置纪检组监督的部门",
            )));
        }
        let inspector = sqlx::query("SELECT role, region_code FROM users WHERE id = $1")
            .bind(inspector_id)
            .fetch_optional(&self.pool)
            .await?
            .filter(|r| r.get::<String, _>(1) == admin.region_code)
            .ok_or_else(|| StoreError::NotFound("账户不存在".into()))?;
        if inspector.get::<String, _>(0) != Role::Inspector.as_str() {
            return Err(StoreError::invalid(Sentence::new(
                "err-supervision-not-an-inspector",
                "只能为派驻纪检组账户设置监督的部门",
            )));
        }
        let mut ids = Vec::new();
        for code in codes {
            let d = self.department_by_code(&admin.region(), code).await?.ok_or_else(|| {
                StoreError::invalid(
                    Sentence::new("err-supervision-department-unknown", format!("部门 {code} 不存在"))
                        .arg("department", code),
                )
            })?;
            ids.push(d.id);
        }
        ids.sort();
        ids.dedup();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM inspector_departments WHERE user_id = $1")
            .bind(inspector_id)
            .execute(&mut *tx)
            .await?;
        for d in &ids {
            sqlx::query("INSERT INTO inspector_departments (user_id, department_id) VALUES ($1, $2)")
                .bind(inspector_id)
                .bind(d)
                .execute(&mut *tx)
                .await?;
        }
        append(
            &mut tx,
            &NewEvent::by(
                admin,
                admin.region_code.clone(),
                "user.inspector_departments",
                "user",
                Some(inspector_id.to_string()),
                serde_json::json!({ "departments": codes }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.inspector_departments(inspector_id).await
    }

    /// The departments an inspector oversees; empty for one that oversees the region.
    pub async fn inspector_departments(
        &self,
        inspector_id: &str,
    ) -> Result<Vec<crate::baseline::DepartmentRef>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, d.code, d.name, d.initiates FROM inspector_departments x JOIN departments d ON d.id = x.department_id
             WHERE x.user_id = $1 ORDER BY d.code",
        )
        .bind(inspector_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| crate::baseline::DepartmentRef {
                id: r.get(0),
                code: r.get(1),
                name: r.get(2),
                initiates: crate::get_bool(r, 3),
            })
            .collect())
    }
}

/// The inspectors a bulletin goes to: those overseeing one of `named` (department
/// codes), and those without departments (region-wide).
pub(crate) async fn bulletin_inspectors(
    conn: &mut AnyConnection,
    region: &str,
    named: &std::collections::BTreeSet<String>,
) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.id, d.code FROM users u LEFT JOIN inspector_departments x ON x.user_id = u.id
              LEFT JOIN departments d ON d.id = x.department_id
         WHERE u.region_code = $1 AND u.role = 'inspector' AND u.disabled = FALSE ORDER BY u.id",
    )
    .bind(region)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<String> = rows
        .iter()
        .filter(|r| r.get::<Option<String>, _>(1).is_none_or(|code| named.contains(&code)))
        .map(|r| r.get(0))
        .collect();
    out.dedup();
    Ok(out)
}
