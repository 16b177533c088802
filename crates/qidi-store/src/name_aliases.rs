//! The names spreadsheets use for departments and item types: the live name table of a
//! region (its region names from the region tree, the catalogue, aliases), and aliases
//! the office saves in an import's check step (migration 0017).

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::names::{alias_refusal, AliasRequest, NameKind, NameTable, RegionNames};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::Row;

/// A department or item type an unknown name can be mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameChoice {
    pub code: String,
    pub name: String,
}

/// A saved alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedAlias {
    pub id: String,
    pub kind: NameKind,
    pub alias: String,
    /// The code of the department or item type it means.
    pub target: String,
}

impl Store {
    /// The names of `region` and its ancestors, from the stored region tree (the shipped
    /// tree where the database has none).
    pub async fn region_names(&self, region: &RegionCode) -> Result<RegionNames, StoreError> {
        let rows = sqlx::query("SELECT code, name, parent_code FROM regions").fetch_all(&self.pool).await?;
        if rows.is_empty() {
            return Ok(RegionNames::shipped(region));
        }
        let tree: Vec<(String, String, Option<String>)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
        Ok(RegionNames::from_tree(region, tree.iter().map(|(c, n, p)| (c.as_str(), n.as_str(), p.as_deref()))))
    }

    /// The names spreadsheets use for departments and item types in `region`: the
    /// shipped catalogue, overridden and extended by the region's live rows, their
    /// aliases and the aliases saved in import checks; the region's names and its
    /// ancestors' are taken out before comparing. Retired rows match nothing.
    pub async fn name_table(&self, region: &RegionCode) -> Result<NameTable, StoreError> {
        let mut t = NameTable::shipped_for(self.region_names(region).await?);
        let rows =
            sqlx::query("SELECT code, name, aliases, retired_at FROM departments WHERE region_code = $1 ORDER BY code")
                .bind(region.as_str())
                .fetch_all(&self.pool)
                .await?;
        for r in &rows {
            let code: String = r.get(0);
            t.add_department(&code, &r.get::<String, _>(1));
            for a in serde_json::from_str::<Vec<String>>(&r.get::<String, _>(2)).unwrap_or_default() {
                t.add_department_alias(&code, &a);
            }
            if r.get::<Option<String>, _>(3).is_some() {
                t.retire_department(&code);
            }
        }
        let rows = sqlx::query(
            "SELECT t.code, t.name, t.aliases, d.code, t.retired_at FROM item_types t JOIN departments d ON d.id = t.department_id
             WHERE t.region_code = $1 ORDER BY t.code",
        )
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let code: String = r.get(0);
            t.add_item_type(&code, &r.get::<String, _>(1), &r.get::<String, _>(3));
            for a in serde_json::from_str::<Vec<String>>(&r.get::<String, _>(2)).unwrap_or_default() {
                t.add_item_type_alias(&code, &a);
            }
            if r.get::<Option<String>, _>(4).is_some() {
                t.retire_item_type(&code);
            }
        }
        for a in self.saved_aliases(region).await? {
            match a.kind {
                NameKind::Department => t.add_department_alias(&a.target, &a.alias),
                NameKind::ItemType => {
                    t.add_item_type_alias(&a.target, &a.alias);
                }
            }
        }
        Ok(t)
    }

    /// The aliases saved in import checks, oldest first.
    pub async fn saved_aliases(&self, region: &RegionCode) -> Result<Vec<SavedAlias>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.kind, a.alias, COALESCE(d.code, t.code)
             FROM name_aliases a LEFT JOIN departments d ON d.id = a.department_id
                  LEFT JOIN item_types t ON t.id = a.item_type_id
             WHERE a.region_code = $1 ORDER BY a.created_at, a.id",
        )
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(SavedAlias {
                    id: r.get(0),
                    kind: NameKind::parse(&r.get::<String, _>(1))?,
                    alias: r.get(2),
                    target: r.get(3),
                })
            })
            .collect())
    }

    /// What an unknown name of `kind` can be mapped to: the region's departments or item
    /// types that are not retired, by code.
    pub async fn name_choices(&self, region: &RegionCode, kind: NameKind) -> Result<Vec<NameChoice>, StoreError> {
        let sql = match kind {
            NameKind::Department => {
                "SELECT code, name FROM departments WHERE region_code = $1 AND retired_at IS NULL ORDER BY code"
            }
            NameKind::ItemType => {
                "SELECT code, name FROM item_types WHERE region_code = $1 AND retired_at IS NULL ORDER BY code"
            }
        };
        let rows = sqlx::query(sql).bind(region.as_str()).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| NameChoice { code: r.get(0), name: r.get(1) }).collect())
    }

    /// Save `written` as an alias of the department or item type `target` (its code), for
    /// the office, in the actor's region; one transaction with its `name_alias.add` event.
    /// Refused (see [`qidi_core::names::alias_refusal`]): anyone but the office (403), a
    /// name that already means something (409), a retired target (422); an unknown
    /// target is 404.
    pub async fn save_alias(
        &self,
        actor: &User,
        kind: NameKind,
        written: &str,
        target: &str,
    ) -> Result<SavedAlias, StoreError> {
        let region = actor.region();
        let written = written.trim();
        // Read what the name means now, before the write transaction.
        let names = self.name_table(&region).await?;
        let key = names.key(written);
        let already = names.code_of(kind, written).map(|code| match kind {
            NameKind::Department => names.department_name(code).to_string(),
            NameKind::ItemType => names.item_type_name(code).to_string(),
        });
        let table = match kind {
            NameKind::Department => "departments",
            NameKind::ItemType => "item_types",
        };
        let row =
            sqlx::query(&format!("SELECT id, name, retired_at FROM {table} WHERE region_code = $1 AND code = $2"))
                .bind(region.as_str())
                .bind(target)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("没有代码为“{target}”的{}", kind.label_zh())))?;
        let (target_id, target_name, retired): (String, String, Option<String>) = (row.get(0), row.get(1), row.get(2));
        let request = AliasRequest {
            kind,
            written,
            key: &key,
            already_means: already.as_deref(),
            target_name: &target_name,
            target_retired: retired.is_some(),
        };
        if let Some(why) = alias_refusal(actor.role, &request) {
            return Err(if actor.role != qidi_core::Role::Office {
                StoreError::forbidden(why)
            } else if already.is_some() {
                StoreError::conflict(why)
            } else {
                StoreError::invalid(why)
            });
        }

        let mut tx = self.begin_write().await?;
        // Retired in the meantime? Checked again under the write lock.
        let still: Option<String> = sqlx::query(&format!("SELECT retired_at FROM {table} WHERE id = $1"))
            .bind(&target_id)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        if still.is_some() {
            let why = alias_refusal(actor.role, &AliasRequest { target_retired: true, ..request }).unwrap_or_default();
            return Err(StoreError::invalid(why));
        }
        let id = new_id();
        let (dept_id, type_id) = match kind {
            NameKind::Department => (Some(target_id.clone()), None),
            NameKind::ItemType => (None, Some(target_id.clone())),
        };
        let inserted = sqlx::query(
            "INSERT INTO name_aliases (id, region_code, kind, alias, alias_key, department_id, item_type_id, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(region.as_str())
        .bind(kind.as_str())
        .bind(written)
        .bind(&key)
        .bind(dept_id)
        .bind(type_id)
        .bind(&actor.id)
        .bind(now_text())
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                let key = match kind {
                    NameKind::Department => "err-names-alias-saved-meanwhile-department",
                    NameKind::ItemType => "err-names-alias-saved-meanwhile-item-type",
                };
                return Err(StoreError::conflict(
                    Sentence::new(key, format!("“{written}”刚刚已被保存为{}的别名，不能重复添加", kind.label_zh()))
                        .arg("written", written),
                ));
            }
            return Err(e.into());
        }
        append(
            &mut tx,
            &NewEvent {
                region_code: region.to_string(),
                actor_id: Some(actor.id.clone()),
                actor_role: Some(actor.role.as_str().to_string()),
                action: "name_alias.add".into(),
                object_type: table.trim_end_matches('s').into(),
                object_id: Some(target_id),
                outcome: "ok".into(),
                payload: serde_json::json!({ "kind": kind.as_str(), "alias": written, "target": target }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SavedAlias { id, kind, alias: written.to_string(), target: target.to_string() })
    }
}
