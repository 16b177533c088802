//! First-start data: the region tree and the shipped catalogue for one banner.

use crate::{new_id, Store, StoreError};
use qidi_core::catalogue::{DepartmentSeed, ItemTypeSeed, DEPARTMENTS, ITEM_TYPES};
use qidi_core::region::DEFAULT_REGIONS;
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use sqlx::Row;

impl Store {
    /// Insert the regions, departments and item types of `region` where missing.
    /// Running it twice changes nothing.
    pub async fn seed_catalogue(&self, region: &RegionCode) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (code, name, parent) in DEFAULT_REGIONS {
            sqlx::query(
                "INSERT INTO regions (code, name, parent_code) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
            )
            .bind(*code)
            .bind(*name)
            .bind(*parent)
            .execute(&mut *tx)
            .await?;
        }
        let known =
            sqlx::query("SELECT 1 FROM regions WHERE code = $1").bind(region.as_str()).fetch_optional(&mut *tx).await?;
        if known.is_none() {
            let parent = region.parent().map(|p| p.to_string());
            sqlx::query("INSERT INTO regions (code, name, parent_code) VALUES ($1, $2, $3)")
                .bind(region.as_str())
                .bind(region.as_str())
                .bind(parent)
                .execute(&mut *tx)
                .await?;
        }
        for d in DEPARTMENTS {
            insert_department(&mut tx, &new_id(), region.as_str(), d).await?;
        }
        for t in ITEM_TYPES {
            let dept: String = sqlx::query("SELECT id FROM departments WHERE region_code = $1 AND code = $2")
                .bind(region.as_str())
                .bind(t.department)
                .fetch_one(&mut *tx)
                .await?
                .get(0);
            insert_item_type(&mut tx, &new_id(), region.as_str(), t, &dept).await?;
        }
        crate::workflow::fill_catalogue_defaults(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The id of a department by its code in a region.
    pub async fn department_id(&self, region: &RegionCode, code: &str) -> Result<String, StoreError> {
        sqlx::query("SELECT id FROM departments WHERE region_code = $1 AND code = $2")
            .bind(region.as_str())
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::NotFound(format!("no department with code `{code}` in region {region}")))
    }
}

impl Store {
    /// The id of a project unit by name, created if missing.
    pub async fn owner_id_or_create(&self, region: &RegionCode, name: &str) -> Result<String, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid(Sentence::new("err-owner-name-missing", "项目单位名称不能为空")));
        }
        sqlx::query(
            "INSERT INTO owners (id, region_code, name) VALUES ($1, $2, $3) ON CONFLICT (region_code, name) DO NOTHING",
        )
        .bind(new_id())
        .bind(region.as_str())
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(sqlx::query("SELECT id FROM owners WHERE region_code = $1 AND name = $2")
            .bind(region.as_str())
            .bind(name)
            .fetch_one(&self.pool)
            .await?
            .get(0))
    }
}

/// Add a shipped department to a region, unless the region has one of that code.
pub(crate) async fn insert_department(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    region: &str,
    d: &DepartmentSeed,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO departments (id, region_code, code, name, aliases, initiates) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (region_code, code) DO NOTHING",
    )
    .bind(id)
    .bind(region)
    .bind(d.code)
    .bind(d.name)
    .bind(serde_json::to_string(d.aliases).unwrap_or_else(|_| "[]".into()))
    .bind(d.initiates)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Add a shipped item type to a region, unless the region has one of that code.
pub(crate) async fn insert_item_type(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    region: &str,
    t: &ItemTypeSeed,
    department_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO item_types (id, region_code, code, name, aliases, department_id, authority_level,
            statutory_limit, limit_unit, promised_limit, limit_confirmed, limit_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (region_code, code) DO NOTHING",
    )
    .bind(id)
    .bind(region)
    .bind(t.code)
    .bind(t.name)
    .bind(serde_json::to_string(t.aliases).unwrap_or_else(|_| "[]".into()))
    .bind(department_id)
    .bind(t.level.as_str())
    .bind(i64::from(t.statutory_limit))
    .bind(t.limit_unit.as_str())
    .bind(i64::from(t.promised_limit))
    .bind(t.limit_confirmed)
    .bind(t.limit_source)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
