//! Assisted service (帮办代办): the office names a helper for a project; the project
//! unit authorises the helper to act for it. A helper sees the project's applications
//! either way, and acts for the unit only once authorised, recorded as a helper.

use super::WorkflowError;
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{now_text, Store};
use qidi_core::sentence::{Arg, Sentence};
use qidi_core::Role;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
pub struct ProjectHelper {
    pub project_id: String,
    pub helper_user_id: String,
    pub helper_name: String,
    pub authorised_by_unit: bool,
    pub assigned_at: String,
    pub authorised_at: Option<String>,
}

/// A staff member who may be named a helper, as the office picks one from a list.
#[derive(Debug, Clone, Serialize)]
pub struct HelperChoice {
    pub username: String,
    pub display_name: String,
    pub department: Option<String>,
}

impl Store {
    /// Who the office may name as a helper: the region's active staff whose role may
    /// help (core `Role::may_help`), by department and name.
    pub async fn helper_choices(&self, user: &User) -> Result<Vec<HelperChoice>, WorkflowError> {
        let rows = sqlx::query(
            "SELECT u.username, u.display_name, d.name, u.role FROM users u LEFT JOIN departments d ON d.id = u.department_id
             WHERE u.region_code = $1 AND NOT u.disabled ORDER BY d.name, u.display_name",
        )
        .bind(&user.region_code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter(|r| Role::parse(&r.get::<String, _>(3)).is_some_and(Role::may_help))
            .map(|r| HelperChoice { username: r.get(0), display_name: r.get(1), department: r.get(2) })
            .collect())
    }

    /// The helpers of a project the user may see.
    pub async fn project_helpers(&self, user: &User, project_id: &str) -> Result<Vec<ProjectHelper>, WorkflowError> {
        self.visible_project(user, project_id).await?;
        let rows = sqlx::query(
            "SELECT h.project_id, h.helper_user_id, u.display_name, h.authorised_by_unit, h.assigned_at, h.authorised_at
             FROM project_helpers h JOIN users u ON u.id = h.helper_user_id WHERE h.project_id = $1 ORDER BY h.assigned_at",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| ProjectHelper {
                project_id: r.get(0),
                helper_user_id: r.get(1),
                helper_name: r.get(2),
                authorised_by_unit: crate::get_bool(r, 3),
                assigned_at: r.get(4),
                authorised_at: r.get(5),
            })
            .collect())
    }

    /// The project's region, if the user may see it (scope or helper).
    pub(crate) async fn visible_project(&self, user: &User, project_id: &str) -> Result<String, WorkflowError> {
        if let Some(p) = self.project_in_scope(&user.scope(), project_id).await? {
            return Ok(p.region_code);
        }
        let row = sqlx::query(
            "SELECT p.region_code FROM projects p JOIN project_helpers h ON h.project_id = p.id
             WHERE p.id = $1 AND h.helper_user_id = $2",
        )
        .bind(project_id)
        .bind(&user.id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.get(0)).ok_or(WorkflowError::NotFound)
    }

    /// Name `helper_username` as a helper of the project. The office only.
    pub async fn assign_helper(
        &self,
        user: &User,
        project_id: &str,
        helper_username: &str,
    ) -> Result<ProjectHelper, WorkflowError> {
        let region = self.visible_project(user, project_id).await?;
        if !user.role.assigns_helpers() {
            return Err(WorkflowError::forbidden(Sentence::new(
                "err-workflow-helper-office-assigns",
                "帮办代办人员由领导小组办公室指定",
            )));
        }
        let helper = self
            .user_by_username(helper_username)
            .await?
            .filter(|h| !h.disabled && h.region_code == user.region_code)
            .ok_or_else(|| {
                WorkflowError::invalid(
                    Sentence::new("err-workflow-helper-unknown-user", format!("用户“{helper_username}”不存在或已停用"))
                        .arg("username", helper_username),
                )
            })?;
        if !helper.role.may_help() {
            return Err(WorkflowError::invalid(
                Sentence::new(
                    "err-workflow-helper-wrong-role",
                    format!(
                        "“{}”是{}账户，帮办代办人员须为领导小组办公室、部门负责人或经办人",
                        helper.display_name,
                        helper.role.label_zh()
                    ),
                )
                .arg("name", &helper.display_name)
                .arg("role", Arg::Label { prefix: "role", code: helper.role.as_str() }),
            ));
        }
        let now = now_text();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO project_helpers (project_id, helper_user_id, region_code, authorised_by_unit, assigned_by, assigned_at)
             VALUES ($1, $2, $3, FALSE, $4, $5) ON CONFLICT (project_id, helper_user_id) DO NOTHING",
        )
        .bind(project_id)
        .bind(&helper.id)
        .bind(&region)
        .bind(&user.id)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            append(
                &mut tx,
                &NewEvent::by(
                    user,
                    region,
                    "project.helper_assign",
                    "project",
                    Some(project_id.to_string()),
                    serde_json::json!({ "helper_user_id": helper.id, "helper": helper.username }),
                ),
            )
            .await?;
        }
        tx.commit().await?;
        self.project_helpers(user, project_id)
            .await?
            .into_iter()
            .find(|h| h.helper_user_id == helper.id)
            .ok_or(WorkflowError::NotFound)
    }

    /// The project unit authorises (or stops authorising) a helper to act for it.
    pub async fn authorise_helper(
        &self,
        user: &User,
        project_id: &str,
        helper_user_id: &str,
        authorised: bool,
    ) -> Result<ProjectHelper, WorkflowError> {
        let region = self.visible_project(user, project_id).await?;
        let owner: Option<String> = sqlx::query("SELECT owner_id FROM projects WHERE id = $1")
            .bind(project_id)
            .fetch_one(&self.pool)
            .await?
            .get(0);
        if !user.role.may_authorise_helpers(user.owner_id.as_deref(), owner.as_deref()) {
            return Err(WorkflowError::forbidden(Sentence::new(
                "err-workflow-helper-owner-authorises",
                "只有项目单位本身可以授权帮办代办",
            )));
        }
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE project_helpers SET authorised_by_unit = $1, authorised_at = $2 WHERE project_id = $3 AND helper_user_id = $4",
        )
        .bind(authorised)
        .bind(authorised.then(now_text))
        .bind(project_id)
        .bind(helper_user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(WorkflowError::NotFound);
        }
        append(
            &mut tx,
            &NewEvent {
                region_code: region,
                actor_id: Some(user.id.clone()),
                actor_role: Some(user.role.as_str().into()),
                action: if authorised { "project.helper_authorise" } else { "project.helper_revoke" }.into(),
                object_type: "project".into(),
                object_id: Some(project_id.to_string()),
                payload: serde_json::json!({ "helper_user_id": helper_user_id }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.project_helpers(user, project_id)
            .await?
            .into_iter()
            .find(|h| h.helper_user_id == helper_user_id)
            .ok_or(WorkflowError::NotFound)
    }
}

/// A project's heading, for pages that show it.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectBrief {
    pub id: String,
    pub code: String,
    pub name: String,
    pub owner_id: Option<String>,
    pub owner: Option<String>,
}

impl Store {
    /// The project's code, name and unit, if the user may see it (scope or helper).
    pub async fn project_brief(&self, user: &User, project_id: &str) -> Result<ProjectBrief, WorkflowError> {
        self.visible_project(user, project_id).await?;
        let r = sqlx::query(
            "SELECT p.id, p.code, p.name, p.owner_id, o.name FROM projects p LEFT JOIN owners o ON o.id = p.owner_id WHERE p.id = $1",
        )
        .bind(project_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ProjectBrief { id: r.get(0), code: r.get(1), name: r.get(2), owner_id: r.get(3), owner: r.get(4) })
    }
}
