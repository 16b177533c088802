//! Departments as the office keeps them on the web: add, rename, change aliases and
//! whether a department initiates projects, retire and restore. The rules are core's
//! (`qidi_core::catalogue`); every change is one transaction with its event.

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::catalogue::{check_code, check_names, check_retire_department, may_keep_catalogue, CatalogueError};
use qidi_core::names::NameKind;
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A department with everything the office edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    pub id: String,
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// Initiating departments (立项部门) own projects and push check lists.
    pub initiates: bool,
    pub retired_at: Option<String>,
    /// Item types it handles that are not retired, by name.
    pub handles: Vec<String>,
}

/// A new department, or the new values of one (the code is fixed once given).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DepartmentDraft {
    #[serde(default)]
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub initiates: bool,
}

fn refused(e: CatalogueError) -> StoreError {
    match e {
        CatalogueError::Forbidden => StoreError::forbidden(&e),
        CatalogueError::CodeTaken { .. } | CatalogueError::NameTaken { .. } => StoreError::conflict(&e),
        _ => StoreError::invalid(&e),
    }
}

impl Store {
    /// The region's departments with their aliases and the item types they handle, by code.
    pub async fn department_list(&self, region: &RegionCode) -> Result<Vec<Department>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, code, name, aliases, initiates, retired_at FROM departments WHERE region_code = $1 ORDER BY code",
        )
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await?;
        let handled = sqlx::query(
            "SELECT department_id, name FROM item_types WHERE region_code = $1 AND retired_at IS NULL ORDER BY code",
        )
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let id: String = r.get(0);
                Department {
                    handles: handled.iter().filter(|h| h.get::<String, _>(0) == id).map(|h| h.get(1)).collect(),
                    id,
                    code: r.get(1),
                    name: r.get(2),
                    aliases: serde_json::from_str(&r.get::<String, _>(3)).unwrap_or_default(),
                    initiates: crate::get_bool(r, 4),
                    retired_at: r.get(5),
                }
            })
            .collect())
    }

    async fn department_of(&self, region: &RegionCode, code: &str) -> Result<Department, StoreError> {
        self.department_list(region)
            .await?
            .into_iter()
            .find(|d| d.code == code)
            .ok_or_else(|| StoreError::NotFound(format!("部门“{code}”不存在")))
    }

    /// Add a department to the actor's region (the office).
    pub async fn create_department(&self, actor: &User, draft: &DepartmentDraft) -> Result<Department, StoreError> {
        may_keep_catalogue(actor.role).map_err(refused)?;
        let region = actor.region();
        let code = draft.code.trim();
        let existing = self.department_list(&region).await?;
        check_code("部门", code, existing.iter().any(|d| d.code == code)).map_err(refused)?;
        let names = self.name_table(&region).await?;
        let aliases = check_names(NameKind::Department, code, &draft.name, &draft.aliases, &names).map_err(refused)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO departments (id, region_code, code, name, aliases, initiates) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(code)
        .bind(draft.name.trim())
        .bind(serde_json::to_string(&aliases).unwrap_or_else(|_| "[]".into()))
        .bind(draft.initiates)
        .execute(&mut *tx)
        .await?;
        let payload = serde_json::json!({ "code": code, "name": draft.name.trim(), "aliases": aliases, "initiates": draft.initiates });
        append(&mut tx, &NewEvent::by(actor, region.to_string(), "department.create", "department", Some(id), payload))
            .await?;
        tx.commit().await?;
        self.department_of(&region, code).await
    }

    /// Rename a department, change its aliases or whether it initiates (the office).
    /// Old names stay in the record; files that use them still match while they are
    /// aliases.
    pub async fn update_department(
        &self,
        actor: &User,
        code: &str,
        draft: &DepartmentDraft,
    ) -> Result<Department, StoreError> {
        may_keep_catalogue(actor.role).map_err(refused)?;
        let region = actor.region();
        let before = self.department_of(&region, code).await?;
        let names = self.name_table(&region).await?;
        let aliases = check_names(NameKind::Department, code, &draft.name, &draft.aliases, &names).map_err(refused)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE departments SET name = $1, aliases = $2, initiates = $3 WHERE id = $4")
            .bind(draft.name.trim())
            .bind(serde_json::to_string(&aliases).unwrap_or_else(|_| "[]".into()))
            .bind(draft.initiates)
            .bind(&before.id)
            .execute(&mut *tx)
            .await?;
        let payload = serde_json::json!({
            "code": code, "before": { "name": before.name, "aliases": before.aliases, "initiates": before.initiates },
            "after": { "name": draft.name.trim(), "aliases": aliases, "initiates": draft.initiates },
        });
        append(
            &mut tx,
            &NewEvent::by(
                actor,
                region.to_string(),
                "department.update",
                "department",
                Some(before.id.clone()),
                payload,
            ),
        )
        .await?;
        tx.commit().await?;
        self.department_of(&region, code).await
    }

    /// Retire a department (`retire`) or restore it. A retired department matches no name
    /// in files and cannot be given new item types or aliases; its ledgers and record
    /// stay. Refused while item types in use name it as their handling department.
    pub async fn set_department_retired(
        &self,
        actor: &User,
        code: &str,
        retire: bool,
    ) -> Result<Department, StoreError> {
        may_keep_catalogue(actor.role).map_err(refused)?;
        let region = actor.region();
        let d = self.department_of(&region, code).await?;
        if retire {
            check_retire_department(&d.name, d.retired_at.is_some(), &d.handles).map_err(refused)?;
        } else if d.retired_at.is_none() {
            return Err(refused(CatalogueError::NotRetired { what: "部门", name: d.name }));
        }
        let mut tx = self.begin_write().await?;
        // The guard is repeated in the statement so that a concurrent item type
        // assignment cannot slip in between the check and the write.
        let res = if retire {
            sqlx::query(
                "UPDATE departments SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM item_types t WHERE t.department_id = departments.id AND t.retired_at IS NULL)",
            )
            .bind(now_text())
            .bind(&d.id)
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("UPDATE departments SET retired_at = NULL WHERE id = $1").bind(&d.id).execute(&mut *tx).await?
        };
        if res.rows_affected() == 0 {
            return Err(StoreError::conflict(Sentence::new(
                "err-department-changed-meanwhile",
                "部门刚被他人修改，请刷新后重试",
            )));
        }
        let action = if retire { "department.retire" } else { "department.restore" };
        let payload = serde_json::json!({ "code": code, "name": d.name });
        append(&mut tx, &NewEvent::by(actor, region.to_string(), action, "department", Some(d.id.clone()), payload))
            .await?;
        tx.commit().await?;
        self.department_of(&region, code).await
    }
}
