//! A project unit's (or a helper's) projects with their pending items and latest applications.

use crate::users::User;
use crate::workflow::{app_from_row, bind_all, visible, ApplicationRow, WorkflowError, APP_SELECT};
use crate::Store;
use qidi_core::Role;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// A pending item of one of the user's projects, with its latest application.
#[derive(Debug, Clone, Serialize)]
pub struct ItemWithApplication {
    pub pending_item_id: String,
    pub item_type_code: String,
    pub item_type: String,
    pub handling_department: String,
    pub status: String,
    /// Prerequisite item types of this project not yet granted.
    pub open_prerequisites: Vec<String>,
    pub application: Option<ApplicationRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectApplications {
    pub project_id: String,
    pub project_code: String,
    pub project_name: String,
    pub owner: Option<String>,
    pub items: Vec<ItemWithApplication>,
}

/// [`Store::my_projects`]'s queries, of pending items and of applications, with their
/// binds: for a project unit its own projects, for anyone else those it accompanies.
pub(crate) fn my_projects_sql(user: &User) -> (String, String, Vec<String>) {
    let (vis, binds) = if user.role == Role::Applicant {
        visible(user, 1)
    } else {
        (
            // The projects accompanied, as a list, found through the helper's index.
            "p.id IN (SELECT hv.project_id FROM project_helpers hv WHERE hv.helper_user_id = $1)".to_string(),
            vec![user.id.clone()],
        )
    };
    let sql = format!(
        "SELECT i.id, p.id, p.code, p.name, o.name, t.code, t.name, d.name, i.status, t.prerequisites
         FROM pending_items i JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments d ON d.id = i.handling_department_id LEFT JOIN owners o ON o.id = p.owner_id
         WHERE {vis} ORDER BY p.code, t.code LIMIT 2000"
    );
    let app_sql = format!("{APP_SELECT} WHERE {vis} ORDER BY a.created_at");
    (sql, app_sql, binds)
}

impl Store {
    /// The user's projects with their pending items and latest applications: for a
    /// project unit its own projects, for anyone else the projects they accompany as
    /// a helper.
    pub async fn my_projects(&self, user: &User) -> Result<Vec<ProjectApplications>, WorkflowError> {
        let (sql, app_sql, binds) = my_projects_sql(user);
        let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        let today = crate::today();
        let apps = bind_all(sqlx::query(&app_sql), &binds).fetch_all(&self.pool).await?;
        let mut latest: HashMap<String, ApplicationRow> = HashMap::new();
        for r in &apps {
            let a = app_from_row(r, today)?;
            latest.insert(a.pending_item_id.clone(), a);
        }
        let mut out: Vec<ProjectApplications> = Vec::new();
        // (project id, item type code) → (name, status), for prerequisites.
        let statuses: HashMap<(String, String), (String, String)> = rows
            .iter()
            .map(|r| ((r.get::<String, _>(1), r.get::<String, _>(5)), (r.get::<String, _>(6), r.get::<String, _>(8))))
            .collect();
        for r in &rows {
            let project_id: String = r.get(1);
            let prereqs: Vec<String> = serde_json::from_str(&r.get::<String, _>(9)).unwrap_or_default();
            let open_prerequisites = prereqs
                .iter()
                .filter_map(|code| statuses.get(&(project_id.clone(), code.clone())))
                .filter(|(_, status)| status == "pending")
                .map(|(name, _)| name.clone())
                .collect();
            let item_id: String = r.get(0);
            let item = ItemWithApplication {
                application: latest.remove(&item_id),
                pending_item_id: item_id,
                item_type_code: r.get(5),
                item_type: r.get(6),
                handling_department: r.get(7),
                status: r.get(8),
                open_prerequisites,
            };
            match out.last_mut() {
                Some(p) if p.project_id == project_id => p.items.push(item),
                _ => out.push(ProjectApplications {
                    project_id,
                    project_code: r.get(2),
                    project_name: r.get(3),
                    owner: r.get(4),
                    items: vec![item],
                }),
            }
        }
        Ok(out)
    }
}
