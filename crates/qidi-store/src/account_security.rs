//! The administrators' work on accounts (三员分立). The security administrator sees
//! each account's lock and second factor, unlocks it, resets its second factor and
//! changes its role (core's `Role::may_change_account`); the system administrator
//! creates staff accounts and disables or enables them (`Role::may_keep_account`).
//! Each change is recorded with its actor.

use crate::events::{append, NewEvent};
use crate::users::{user_from_row, User, USER_COLUMNS, USER_FROM};
use crate::{Store, StoreError};
use qidi_core::sentence::Sentence;
use qidi_core::{Role, Scope};
use serde::Serialize;
use sqlx::Row;

/// An account as the security administrator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSecurity {
    pub user: User,
    /// Locked after failed sign-ins, until this instant (if still in the future).
    pub locked_until: Option<String>,
}

fn refused() -> StoreError {
    StoreError::forbidden(Sentence::new(
        "err-account-security-refused",
        "安全管理员只能管理非管理员账户，且不能管理自己的账户",
    ))
}

impl Store {
    /// Every account of `by`'s region with its lock, for the security and system
    /// administrators.
    pub async fn account_security(&self, by: &User) -> Result<Vec<AccountSecurity>, StoreError> {
        if !by.role.sees_accounts() {
            return Err(refused());
        }
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.locked_until {USER_FROM} WHERE u.region_code = $1 ORDER BY u.role, u.username"
        );
        let rows = sqlx::query(&sql).bind(&by.region_code).fetch_all(&self.pool).await?;
        let now = crate::now_text();
        rows.iter()
            .map(|r| {
                let locked: Option<String> = r.get(crate::users::USER_COLUMN_COUNT);
                Ok(AccountSecurity { user: user_from_row(r)?, locked_until: locked.filter(|l| *l > now) })
            })
            .collect()
    }

    /// The account `username` of `by`'s region.
    async fn account_in_region(&self, by: &User, username: &str) -> Result<User, StoreError> {
        self.user_by_username(username)
            .await?
            .filter(|u| u.region_code == by.region_code)
            .ok_or_else(|| StoreError::NotFound(format!("用户“{username}”不存在")))
    }

    async fn managed(&self, by: &User, username: &str, to: Option<Role>) -> Result<User, StoreError> {
        let target = self.account_in_region(by, username).await?;
        if !Role::may_change_account(by.role, target.role, target.id == by.id, to) {
            return Err(refused());
        }
        Ok(target)
    }

    /// Lift a lock after failed sign-ins.
    pub async fn unlock_account(&self, by: &User, username: &str) -> Result<(), StoreError> {
        let target = self.managed(by, username, None).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = $1")
            .bind(&target.id)
            .execute(&mut *tx)
            .await?;
        let e =
            NewEvent::by(by, target.region_code.clone(), "user.unlock", "user", Some(target.id), serde_json::json!({}));
        append(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reset another account's second factor (a lost phone).
    pub async fn reset_account_second_factor(&self, by: &User, username: &str) -> Result<(), StoreError> {
        let target = self.managed(by, username, None).await?;
        self.reset_second_factor(&target.username, Some(by)).await
    }

    /// Give an account another role (and department, for roles that need one); its
    /// sessions end, so the new scope applies from the next sign-in.
    pub async fn change_role(
        &self,
        by: &User,
        username: &str,
        role: Role,
        department_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let target = self.managed(by, username, Some(role)).await?;
        let department_id = department_id.filter(|_| role.needs_department());
        Scope::check_account(role, department_id, None).map_err(|e| StoreError::invalid(&e))?;
        let mut tx = self.begin_write().await?;
        if let Some(d) = department_id {
            let known = sqlx::query("SELECT 1 FROM departments WHERE id = $1 AND region_code = $2")
                .bind(d)
                .bind(&target.region_code)
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(StoreError::invalid(Sentence::new("err-account-no-such-department", "所选部门不存在")));
            }
        }
        sqlx::query("UPDATE users SET role = $1, department_id = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(department_id)
            .bind(&target.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&target.id).execute(&mut *tx).await?;
        let payload = serde_json::json!({
            "from": target.role.as_str(),
            "to": role.as_str(),
            "department_id": department_id,
        });
        append(&mut tx, &NewEvent::by(by, target.region_code.clone(), "user.role", "user", Some(target.id), payload))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Create a staff account with a one-time password, which is returned to be shown
    /// once; the new user must set their own at the first sign-in.
    pub async fn create_account(
        &self,
        by: &User,
        username: &str,
        display_name: &str,
        role: Role,
        department_id: Option<&str>,
    ) -> Result<(User, String), StoreError> {
        if !Role::may_keep_account(by.role, role, false) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-account-create-refused",
                "系统管理员只能创建工作人员账户（管理员和项目单位账户除外）",
            )));
        }
        let display_name = qidi_core::auth::check_display_name(display_name).map_err(|e| StoreError::invalid(&e))?;
        let password = crate::password::random_password_for(username);
        let new = crate::users::NewUser {
            region: &by.region(),
            username,
            display_name,
            role,
            department_id,
            owner_id: None,
            password: &password,
        };
        Ok((self.create_user(&new, Some(by)).await?, password))
    }

    /// Disable a staff account (ending its sessions at once), or enable it again.
    pub async fn set_account_disabled(&self, by: &User, username: &str, disabled: bool) -> Result<(), StoreError> {
        let target = self.account_in_region(by, username).await?;
        if !Role::may_keep_account(by.role, target.role, target.id == by.id) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-account-disable-refused",
                "系统管理员只能停用或启用工作人员账户，且不能停用自己的账户",
            )));
        }
        self.set_disabled_as(Some(by), &target, disabled).await
    }

    /// Give a staff account a new one-time password, returned to be shown once: its
    /// sessions end, and the person must set their own at the next sign-in. The same
    /// accounts as [`Store::set_account_disabled`]; recorded as `user.password` by `by`.
    pub async fn reset_account_password(&self, by: &User, username: &str) -> Result<String, StoreError> {
        let target = self.account_in_region(by, username).await?;
        if !Role::may_keep_account(by.role, target.role, target.id == by.id) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-account-reset-refused",
                "系统管理员只能重置工作人员账户的密码，且不能重置自己的密码",
            )));
        }
        let password = crate::password::random_password_for(&target.username);
        self.set_password_as(Some(by), &target.username, &password, true).await?;
        Ok(password)
    }
}
