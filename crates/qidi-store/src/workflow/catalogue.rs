//! The item catalogue as the office edits it: limits, authority level, the checklist
//! of required materials, prerequisites and warning thresholds. Every edit is one
//! `item_type.update` event with the values before and after.
//!
//! An application copies what it is judged by when it is created, so an edit applies
//! to applications created after it.

use super::{to_json, MaterialSpec, WorkflowError};
use crate::db::CachedItemTypes;
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::catalogue::{
    check_code, check_handling_department, check_item_type_edit, check_limit_set, check_limits, check_names,
    check_retire_item_type, may_keep_catalogue, prerequisite_cycle, stored_limit, AuthorityLevel, CatalogueError,
    LimitUnit,
};
use qidi_core::light::LightPolicy;
use qidi_core::names::NameKind;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Arc;

/// An item type as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ItemType {
    pub id: String,
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub department_id: String,
    pub department: String,
    pub department_code: String,
    /// Other names files use for it.
    pub aliases: Vec<String>,
    /// When the office retired it: no new pending items of it (those it has go on).
    pub retired_at: Option<String>,
    pub authority_level: AuthorityLevel,
    pub statutory_limit: u32,
    pub limit_unit: LimitUnit,
    pub promised_limit: u32,
    /// How far the department head may extend the decision limit, once (art. 42), in
    /// `limit_unit`; 0: not at all.
    pub extension_limit: u32,
    pub limit_confirmed: bool,
    pub limit_source: String,
    pub required_materials: Vec<MaterialSpec>,
    pub prerequisites: Vec<String>,
    /// Where the checklist comes from (默认清单 until the office edits it).
    pub materials_source: String,
    /// The warning thresholds applications of this type are created with.
    pub light_policy: LightPolicy,
    pub updated_at: Option<String>,
}

pub use qidi_core::catalogue::ItemTypeEdit;

const ITEM_SELECT: &str = "SELECT t.id, t.region_code, t.code, t.name, t.department_id, d.name, t.authority_level,
        t.statutory_limit, t.limit_unit, t.promised_limit, t.limit_confirmed, t.limit_source, t.required_materials,
        t.prerequisites, t.materials_source, t.warn_days, t.warn_ratio_percent, t.updated_at, t.extension_limit,
        d.code, t.aliases, t.retired_at
    FROM item_types t JOIN departments d ON d.id = t.department_id";

fn item_from_row(r: &AnyRow) -> Result<ItemType, StoreError> {
    let level: String = r.get(6);
    let unit: String = r.get(8);
    let code: String = r.get(2);
    let limit = |what, idx: usize, zero_allowed| {
        stored_limit(&code, what, r.get::<i64, _>(idx), zero_allowed).map_err(|e| StoreError::invalid(&e))
    };
    Ok(ItemType {
        id: r.get(0),
        region_code: r.get(1),
        code: code.clone(),
        name: r.get(3),
        department_id: r.get(4),
        department: r.get(5),
        department_code: r.get(19),
        aliases: serde_json::from_str(&r.get::<String, _>(20)).unwrap_or_default(),
        retired_at: r.get(21),
        authority_level: AuthorityLevel::parse(&level)
            .ok_or_else(|| StoreError::invalid(format!("unknown authority level `{level}`")))?,
        statutory_limit: limit("法定时限", 7, false)?,
        limit_unit: LimitUnit::parse(&unit)
            .ok_or_else(|| StoreError::invalid(format!("unknown limit unit `{unit}`")))?,
        promised_limit: limit("承诺时限", 9, false)?,
        extension_limit: limit("延期时限", 18, true)?,
        limit_confirmed: crate::get_bool(r, 10),
        limit_source: r.get(11),
        required_materials: r
            .get::<Option<String>, _>(12)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        prerequisites: serde_json::from_str(&r.get::<String, _>(13)).unwrap_or_default(),
        materials_source: r.get(14),
        light_policy: LightPolicy::from_stored(r.get(15), r.get(16)),
        updated_at: r.get(17),
    })
}

/// Fill the checklist and prerequisites of item types that have none yet from the
/// shipped defaults (`item_type_defaults`, see migration 0003). Never overwrites an
/// edit, even one that emptied the list.
pub(crate) async fn fill_catalogue_defaults(conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE item_types SET
             required_materials = (SELECT d.required_materials FROM item_type_defaults d WHERE d.item_code = item_types.code),
             prerequisites = (SELECT d.prerequisites FROM item_type_defaults d WHERE d.item_code = item_types.code),
             materials_source = (SELECT d.source FROM item_type_defaults d WHERE d.item_code = item_types.code)
         WHERE required_materials IS NULL AND code IN (SELECT item_code FROM item_type_defaults)",
    )
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// The item types of the user's region (and below), by code.
    pub async fn item_types(&self, user: &User) -> Result<Vec<ItemType>, StoreError> {
        let sql = format!("{ITEM_SELECT} WHERE t.region_code LIKE $1 ORDER BY t.region_code, t.code");
        let rows = sqlx::query(&sql).bind(format!("{}%", user.scope().region_prefix)).fetch_all(&self.pool).await?;
        rows.iter().map(item_from_row).collect()
    }

    /// The item types of one region, by code: a project's, for its page (a league's or a
    /// region's office sees every banner's types, and a project takes its own banner's).
    /// The caller has checked that the region is the user's to see.
    pub async fn item_types_of_region(&self, region_code: &str) -> Result<Vec<ItemType>, StoreError> {
        let sql = format!("{ITEM_SELECT} WHERE t.region_code = $1 ORDER BY t.code");
        let rows = sqlx::query(&sql).bind(region_code).fetch_all(&self.pool).await?;
        rows.iter().map(item_from_row).collect()
    }

    /// [`Store::item_types_of_region`] at `version`, the `item_types_version` read with
    /// the page's project ([`crate::ledger::ProjectPage`]): from memory while the
    /// version holds. Read after that version was, the types are never older than it.
    pub async fn item_types_of_region_at(
        &self,
        region_code: &str,
        version: i64,
    ) -> Result<Arc<[ItemType]>, StoreError> {
        let held = |cache: &CachedItemTypes| (cache.0 == version).then(|| cache.1.get(region_code).cloned()).flatten();
        if let Some(types) = held(&self.item_types.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(types);
        }
        let types: Arc<[ItemType]> = self.item_types_of_region(region_code).await?.into();
        let mut cache = self.item_types.lock().unwrap_or_else(|e| e.into_inner());
        if cache.0 != version {
            *cache = (version, Default::default());
        }
        cache.1.insert(region_code.to_string(), types.clone());
        Ok(types)
    }

    pub async fn item_type(&self, user: &User, id: &str) -> Result<ItemType, WorkflowError> {
        let sql = format!("{ITEM_SELECT} WHERE t.id = $1 AND t.region_code LIKE $2");
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(format!("{}%", user.scope().region_prefix))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WorkflowError::NotFound)?;
        Ok(item_from_row(&row)?)
    }

    /// Edit an item type: the office only. One transaction with its audit event.
    pub async fn update_item_type(
        &self,
        user: &User,
        id: &str,
        edit: &ItemTypeEdit,
    ) -> Result<ItemType, WorkflowError> {
        let before = self.item_type(user, id).await?;
        may_keep_catalogue(user.role).map_err(refused)?;
        let catalogue = self.item_types(user).await?;
        let known: Vec<String> = catalogue.iter().map(|t| t.code.clone()).collect();
        check_item_type_edit(edit, &before.code, &known).map_err(|e| WorkflowError::invalid(&e))?;
        let names = self.name_table(&user.region()).await?;
        let name = edit.name.as_deref().map_or(before.name.as_str(), str::trim).to_string();
        let aliases = check_names(
            NameKind::ItemType,
            &before.code,
            &name,
            edit.aliases.as_deref().unwrap_or(&before.aliases),
            &names,
        )
        .map_err(refused)?;
        let (department_id, department, department_code) = match edit.department_code.as_deref().map(str::trim) {
            Some(code) if code != before.department_code => {
                let d = self.handling_department(&before.region_code, code).await?;
                (d.0, d.1, code.to_string())
            }
            _ => (before.department_id.clone(), before.department.clone(), before.department_code.clone()),
        };
        let materials = edit.required_materials.clone().map(|ms| {
            ms.into_iter().map(|m| MaterialSpec { code: m.code.trim().into(), name: m.name.trim().into() }).collect()
        });
        let after = ItemType {
            name,
            aliases,
            department_id,
            department,
            department_code,
            promised_limit: edit.promised_limit.unwrap_or(before.promised_limit),
            statutory_limit: edit.statutory_limit.unwrap_or(before.statutory_limit),
            extension_limit: edit.extension_limit.unwrap_or(before.extension_limit),
            limit_unit: edit.limit_unit.unwrap_or(before.limit_unit),
            authority_level: edit.authority_level.unwrap_or(before.authority_level),
            limit_source: edit
                .limit_source
                .as_deref()
                .map(str::trim)
                .map(str::to_string)
                .unwrap_or(before.limit_source.clone()),
            limit_confirmed: edit.limit_confirmed.unwrap_or(before.limit_confirmed),
            materials_source: if materials.is_some() {
                format!("{} 修改", user.username)
            } else {
                before.materials_source.clone()
            },
            required_materials: materials.unwrap_or(before.required_materials.clone()),
            prerequisites: edit.prerequisites.clone().unwrap_or(before.prerequisites.clone()),
            light_policy: LightPolicy {
                warn_days: edit.warn_days.unwrap_or(before.light_policy.warn_days),
                warn_ratio_percent: edit.warn_ratio_percent.unwrap_or(before.light_policy.warn_ratio_percent),
            },
            updated_at: Some(now_text()),
            ..before.clone()
        };
        // The law's rules for the catalogue (core): a promise within the statutory limit,
        // and prerequisites that never wait on each other.
        check_limits(after.promised_limit, after.statutory_limit).map_err(|e| WorkflowError::invalid(&e))?;
        let others: Vec<(String, Vec<String>)> = catalogue
            .iter()
            .filter(|t| t.region_code == before.region_code && t.code != before.code)
            .map(|t| (t.code.clone(), t.prerequisites.clone()))
            .collect();
        if let Some(cycle) = prerequisite_cycle(&before.code, &after.prerequisites, &others) {
            let name =
                |code: &String| catalogue.iter().find(|t| &t.code == code).map_or(code.clone(), |t| t.name.clone());
            let names = cycle.iter().map(name).collect();
            return Err(WorkflowError::invalid(&CatalogueError::PrerequisiteCycle(names)));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE item_types SET extension_limit = $14, promised_limit = $1, statutory_limit = $2, limit_unit = $3, authority_level = $4,
                 limit_source = $5, limit_confirmed = $6, required_materials = $7, prerequisites = $8,
                 materials_source = $9, warn_days = $10, warn_ratio_percent = $11, updated_at = $12,
                 name = $15, aliases = $16, department_id = $17
             WHERE id = $13",
        )
        .bind(i64::from(after.promised_limit))
        .bind(i64::from(after.statutory_limit))
        .bind(after.limit_unit.as_str())
        .bind(after.authority_level.as_str())
        .bind(&after.limit_source)
        .bind(after.limit_confirmed)
        .bind(to_json(&after.required_materials))
        .bind(to_json(&after.prerequisites))
        .bind(&after.materials_source)
        .bind(i64::from(after.light_policy.warn_days))
        .bind(i64::from(after.light_policy.warn_ratio_percent))
        .bind(&after.updated_at)
        .bind(id)
        .bind(i64::from(after.extension_limit))
        .bind(&after.name)
        .bind(to_json(&after.aliases))
        .bind(&after.department_id)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &NewEvent::by(
                user,
                before.region_code.clone(),
                "item_type.update",
                "item_type",
                Some(id.to_string()),
                serde_json::json!({ "code": before.code, "before": before, "after": after }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The id and name of a department that may handle item types, by code.
    async fn handling_department(&self, region: &str, code: &str) -> Result<(String, String), WorkflowError> {
        let row = sqlx::query("SELECT id, name, retired_at FROM departments WHERE region_code = $1 AND code = $2")
            .bind(region)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        let found = row.as_ref().map(|r| (r.get::<String, _>(1), r.get::<Option<String>, _>(2).is_some()));
        check_handling_department(code, found.as_ref().map(|(n, retired)| (n.as_str(), *retired))).map_err(refused)?;
        let r = row.ok_or(WorkflowError::NotFound)?;
        Ok((r.get(0), r.get(1)))
    }

    /// Add an item type to the actor's region (the office): any other item before
    /// groundbreaking (R2) the plan did not list. It is then matched in files, offered
    /// for 补录 and applied for like the shipped ones.
    pub async fn create_item_type(&self, user: &User, new: &NewItemType) -> Result<ItemType, WorkflowError> {
        may_keep_catalogue(user.role).map_err(refused)?;
        let region = user.region();
        let code = new.code.trim();
        let catalogue = self.item_types(user).await?;
        let mine: Vec<&ItemType> = catalogue.iter().filter(|t| t.region_code == region.as_str()).collect();
        check_code("审批事项", code, mine.iter().any(|t| t.code == code)).map_err(refused)?;
        let names = self.name_table(&region).await?;
        let aliases = check_names(NameKind::ItemType, code, &new.name, &new.aliases, &names).map_err(refused)?;
        check_limit_set(new.statutory_limit, new.promised_limit, new.extension_limit).map_err(refused)?;
        let known: Vec<String> = mine.iter().map(|t| t.code.clone()).collect();
        let edit = ItemTypeEdit {
            required_materials: Some(new.required_materials.clone()),
            prerequisites: Some(new.prerequisites.clone()),
            limit_source: Some(new.limit_source.clone()),
            ..Default::default()
        };
        check_item_type_edit(&edit, code, &known).map_err(|e| WorkflowError::invalid(&e))?;
        let (department_id, _) = self.handling_department(region.as_str(), new.department_code.trim()).await?;
        let id = new_id();
        let materials: Vec<MaterialSpec> = new
            .required_materials
            .iter()
            .map(|m| MaterialSpec { code: m.code.trim().into(), name: m.name.trim().into() })
            .collect();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO item_types (id, region_code, code, name, aliases, department_id, authority_level,
                statutory_limit, limit_unit, promised_limit, limit_confirmed, limit_source, required_materials,
                prerequisites, materials_source, extension_limit, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(code)
        .bind(new.name.trim())
        .bind(to_json(&aliases))
        .bind(&department_id)
        .bind(new.authority_level.as_str())
        .bind(i64::from(new.statutory_limit))
        .bind(new.limit_unit.as_str())
        .bind(i64::from(new.promised_limit))
        .bind(true)
        .bind(new.limit_source.trim())
        .bind(to_json(&materials))
        .bind(to_json(&new.prerequisites))
        .bind(format!("{} 新增", user.username))
        .bind(i64::from(new.extension_limit))
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &NewEvent::by(
                user,
                region.to_string(),
                "item_type.create",
                "item_type",
                Some(id.clone()),
                serde_json::json!({ "code": code, "item_type": new, "aliases": aliases }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.item_type(user, &id).await
    }

    /// Retire an item type (`retire`) or restore it (the office). A retired type
    /// matches no name in files and takes no new pending items; those it has, and their
    /// applications, go on. Refused while item types in use name it as a prerequisite.
    pub async fn set_item_type_retired(&self, user: &User, id: &str, retire: bool) -> Result<ItemType, WorkflowError> {
        may_keep_catalogue(user.role).map_err(refused)?;
        let t = self.item_type(user, id).await?;
        if retire {
            let dependants: Vec<String> = self
                .item_types(user)
                .await?
                .into_iter()
                .filter(|o| {
                    o.region_code == t.region_code && o.retired_at.is_none() && o.prerequisites.contains(&t.code)
                })
                .map(|o| o.name)
                .collect();
            check_retire_item_type(&t.name, t.retired_at.is_some(), &dependants).map_err(refused)?;
        } else if t.retired_at.is_none() {
            return Err(refused(CatalogueError::NotRetired { what: "审批事项", name: t.name }));
        } else {
            // Its handling department must still be there to take applications.
            self.handling_department(&t.region_code, &t.department_code).await?;
        }
        let mut tx = self.begin_write().await?;
        let stamp = retire.then(now_text);
        sqlx::query("UPDATE item_types SET retired_at = $1 WHERE id = $2")
            .bind(&stamp)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let action = if retire { "item_type.retire" } else { "item_type.restore" };
        append(
            &mut tx,
            &NewEvent::by(
                user,
                t.region_code.clone(),
                action,
                "item_type",
                Some(id.to_string()),
                serde_json::json!({ "code": t.code, "name": t.name }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.item_type(user, id).await
    }
}

/// A new item type as the office enters it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct NewItemType {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The handling department, by code.
    pub department_code: String,
    pub authority_level: AuthorityLevel,
    pub statutory_limit: u32,
    pub limit_unit: LimitUnit,
    pub promised_limit: u32,
    #[serde(default)]
    pub extension_limit: u32,
    #[serde(default)]
    pub limit_source: String,
    #[serde(default)]
    pub required_materials: Vec<MaterialSpec>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
}

fn refused(e: CatalogueError) -> WorkflowError {
    match e {
        CatalogueError::Forbidden => WorkflowError::forbidden(&e),
        CatalogueError::CodeTaken { .. } | CatalogueError::NameTaken { .. } => WorkflowError::conflict(&e),
        _ => WorkflowError::invalid(&e),
    }
}
