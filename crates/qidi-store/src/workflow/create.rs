//! Opening a draft application for a pending item, once per client token.

use super::{actor_for, bind_all, to_json, visible, ApplicationRow, MaterialSpec, WorkflowError, AWAITING_UNIT};
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::catalogue::{stored_limit, AuthorityLevel, LimitUnit};
use qidi_core::light::LightPolicy;
use qidi_core::region::RegionLevel;
use qidi_core::sentence::Sentence;
use qidi_core::workflow::{decide, Action, ApplicationFacts, ApplicationState, Side};
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::Row;

/// The level of government a region code stands for, as an authority level.
pub(crate) fn home_level(region: &str) -> AuthorityLevel {
    match RegionCode::parse(region).map(|r| r.level()) {
        Ok(RegionLevel::Region) => AuthorityLevel::Region,
        Ok(RegionLevel::League) => AuthorityLevel::League,
        _ => AuthorityLevel::Banner,
    }
}

/// What `create_application` did.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub application: ApplicationRow,
    /// False when the same client token had already created it.
    pub created: bool,
}

pub(super) fn check_token(token: Option<&str>) -> Result<Option<String>, WorkflowError> {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.len() > 100 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
            Err(WorkflowError::invalid(Sentence::new(
                "err-workflow-bad-client-token",
                "请求标识（client_token）须为不超过 100 位的字母、数字或连字符",
            )))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

impl Store {
    /// Open a draft application for a pending item the user may see. The account must
    /// be one the core lets submit for the project unit. With a client token, the
    /// same request made twice returns the first draft.
    pub async fn create_application(
        &self,
        user: &User,
        pending_item_id: &str,
        client_token: Option<&str>,
    ) -> Result<Created, WorkflowError> {
        let token = check_token(client_token)?;
        if let Some(t) = &token {
            if let Some(existing) = self.application_by_token(user, t).await? {
                return Ok(Created { application: existing, created: false });
            }
        }
        let (vis, binds) = visible(user, 2);
        let sql = format!(
            "SELECT i.id, i.region_code, i.project_id, i.handling_department_id, i.status, p.owner_id,
                    t.authority_level, t.promised_limit, t.limit_unit, t.required_materials, t.warn_days, t.warn_ratio_percent,
                    t.code, t.extension_limit
             FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
             WHERE i.id = $1 AND {vis}"
        );
        let item = bind_all(sqlx::query(&sql).bind(pending_item_id), &binds)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WorkflowError::NotFound)?;
        let region: String = item.get(1);
        let project_id: String = item.get(2);
        let status: String = item.get(4);
        if status != "pending" {
            return Err(WorkflowError::conflict(Sentence::new("err-workflow-item-closed", "该事项已办结，无需再申请")));
        }
        let owner_id: String = item.get::<Option<String>, _>(5).ok_or_else(|| {
            WorkflowError::invalid(Sentence::new("err-workflow-no-owner", "该项目未登记项目单位，不能申请"))
        })?;
        let checklist: Vec<MaterialSpec> =
            item.get::<Option<String>, _>(9).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let level: String = item.get(6);
        let unit: String = item.get(8);
        let item_code: String = item.get(12);
        let facts = ApplicationFacts {
            handling_department_id: item.get(3),
            owner_id: owner_id.clone(),
            authority_level: AuthorityLevel::parse(&level)
                .ok_or_else(|| StoreError::invalid(format!("unknown authority level `{level}`")))?,
            home_level: home_level(&region),
            required_materials: checklist.iter().map(|m| m.code.clone()).collect(),
            promised_limit: stored_limit(&item_code, "承诺时限", item.get::<i64, _>(7), false)
                .map_err(|e| WorkflowError::invalid(&e))?,
            limit_unit: LimitUnit::parse(&unit)
                .ok_or_else(|| StoreError::invalid(format!("unknown limit unit `{unit}`")))?,
            extension_limit: stored_limit(&item_code, "延期时限", item.get::<i64, _>(13), true)
                .map_err(|e| WorkflowError::invalid(&e))?,
        };
        let policy = LightPolicy::from_stored(item.get(10), item.get(11));
        // Whoever may submit the draft may open it: the core says who acts for the unit.
        let helper = self.helper_link(&user.id, &project_id).await?;
        let actor = actor_for(user, helper.as_ref(), &owner_id, Side::Unit);
        let probe = Action::Submit { materials: facts.required_materials.clone() };
        if let Err(e) = decide(&ApplicationState::Draft, &facts, &actor, &probe) {
            if e.kind() == qidi_core::workflow::ErrorKind::Forbidden {
                self.record_denial(user, &region, pending_item_id, "create", &e).await?;
                return Err(WorkflowError::Refused(e));
            }
        }

        let id = new_id();
        let now = now_text();
        let mut tx = self.begin_write().await?;
        let res = sqlx::query(
            "INSERT INTO applications (id, region_code, pending_item_id, project_id, state, version, facts, checklist,
                 light_policy, client_token, created_by, awaiting, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&id)
        .bind(&region)
        .bind(pending_item_id)
        .bind(&project_id)
        .bind(ApplicationState::Draft.as_str())
        .bind(to_json(&facts))
        .bind(to_json(&checklist))
        .bind(to_json(&policy))
        .bind(&token)
        .bind(&user.id)
        .bind(AWAITING_UNIT)
        .bind(&now)
        .execute(&mut *tx)
        .await;
        if let Err(e) = res {
            let e = StoreError::from(e);
            drop(tx);
            if !e.is_unique_violation() {
                return Err(e.into());
            }
            if let Some(t) = &token {
                if let Some(existing) = self.application_by_token(user, t).await? {
                    return Ok(Created { application: existing, created: false });
                }
            }
            return Err(WorkflowError::conflict(Sentence::new(
                "err-workflow-application-open",
                "该事项已有办理中的申请，请在原申请上继续办理",
            )));
        }
        append(
            &mut tx,
            &NewEvent::by(
                user,
                region.clone(),
                "application.create",
                "application",
                Some(id.clone()),
                serde_json::json!({
                    "pending_item_id": pending_item_id,
                    "project_id": project_id,
                    "facts": facts,
                    "checklist": checklist,
                    "helper_for": actor.helper_for,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Created { application: self.application(user, &id).await?, created: true })
    }

    /// The application a client token created, if `user` made it. Another user's
    /// token is a conflict.
    async fn application_by_token(&self, user: &User, token: &str) -> Result<Option<ApplicationRow>, WorkflowError> {
        let row = sqlx::query("SELECT id, created_by FROM applications WHERE client_token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        if row.get::<Option<String>, _>(1).as_deref() != Some(user.id.as_str()) {
            return Err(WorkflowError::conflict(Sentence::new("err-workflow-token-used", "该请求标识已被使用")));
        }
        Ok(Some(self.application(user, &row.get::<String, _>(0)).await?))
    }
}
