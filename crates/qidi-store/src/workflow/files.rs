//! Uploaded materials: on disk under `<data dir>/uploads/<uuid>`, never under the name
//! the client sent; the database keeps the original name, size and SHA-256. A file is
//! given out only after the same scope check as its application, and every upload and
//! download is on the record.

use super::{actor_for, visible, WorkflowError};
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::sentence::{Arg, Sentence};
use qidi_core::workflow::{decide, replay, Action, ApplicationState, ErrorKind, Side};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::path::{Path, PathBuf};

/// The largest file accepted for one material.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// One uploaded file.
#[derive(Debug, Clone, Serialize)]
pub struct StoredFile {
    pub id: String,
    pub application_id: String,
    pub material_code: String,
    /// The server-made name on disk.
    #[serde(skip)]
    pub stored_name: String,
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

const FILE_SELECT: &str =
    "SELECT id, application_id, material_code, stored_name, original_name, content_type, size_bytes,
        sha256, uploaded_by, uploaded_at FROM application_files";

fn file_from_row(r: &AnyRow) -> StoredFile {
    StoredFile {
        id: r.get(0),
        application_id: r.get(1),
        material_code: r.get(2),
        stored_name: r.get(3),
        original_name: r.get(4),
        content_type: r.get(5),
        size_bytes: r.get(6),
        sha256: r.get(7),
        uploaded_by: r.get(8),
        uploaded_at: r.get(9),
    }
}

pub fn uploads_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("uploads")
}

/// The name to show and send back (core's rule).
fn clean_name(name: &str) -> String {
    qidi_core::file_name::clean(name, "材料")
}

/// Content types a download may be labelled with; anything else goes out as bytes.
const SAFE_TYPES: &[&str] = &["application/pdf", "image/png", "image/jpeg", "application/zip", "text/plain"];

fn clean_type(t: Option<&str>) -> String {
    let t = t.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if SAFE_TYPES.contains(&t.as_str()) {
        t
    } else {
        "application/octet-stream".to_string()
    }
}

impl Store {
    /// The latest file of each material of an application, in checklist-independent
    /// order (by material code).
    pub async fn current_files(&self, application_id: &str) -> Result<Vec<StoredFile>, StoreError> {
        let sql = format!("{FILE_SELECT} WHERE application_id = $1 ORDER BY material_code, uploaded_at DESC, id DESC");
        let rows = sqlx::query(&sql).bind(application_id).fetch_all(&self.pool).await?;
        let mut out: Vec<StoredFile> = Vec::new();
        for f in rows.iter().map(file_from_row) {
            if out.last().is_none_or(|l| l.material_code != f.material_code) {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// Every file ever uploaded for an application, newest first.
    pub async fn all_files(&self, application_id: &str) -> Result<Vec<StoredFile>, StoreError> {
        let sql = format!("{FILE_SELECT} WHERE application_id = $1 ORDER BY uploaded_at DESC, id DESC");
        let rows = sqlx::query(&sql).bind(application_id).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(file_from_row).collect())
    }

    /// Store a file for one required material. Allowed to whoever may submit for the
    /// unit, while the application is a draft or returned for correction; a later file
    /// for the same material replaces the earlier one.
    #[allow(clippy::too_many_arguments)]
    pub async fn upload_material(
        &self,
        data_dir: &Path,
        user: &User,
        application_id: &str,
        material_code: &str,
        original_name: &str,
        content_type: Option<&str>,
        bytes: &[u8],
    ) -> Result<StoredFile, WorkflowError> {
        let app = self.application(user, application_id).await?;
        let stored = self.stored_facts(application_id).await?;
        if !stored.checklist.iter().any(|m| m.code == material_code) {
            return Err(WorkflowError::invalid(
                Sentence::new("err-workflow-material-not-listed", format!("材料清单中没有“{material_code}”"))
                    .arg("code", material_code),
            ));
        }
        if bytes.is_empty() {
            return Err(WorkflowError::invalid(Sentence::new("err-workflow-empty-file", "上传的文件是空的")));
        }
        if bytes.len() > MAX_UPLOAD_BYTES {
            let mb = MAX_UPLOAD_BYTES / 1024 / 1024;
            return Err(WorkflowError::invalid(
                Sentence::new("err-workflow-file-too-large", format!("文件过大：单个材料不超过 {mb} MB")).arg("mb", mb),
            ));
        }
        // Files change only when the unit may (re)submit: ask the core whether this
        // user could submit the application as it stands.
        let events = self.application_events(application_id).await?;
        let view = replay(&events, &stored.facts)
            .map_err(|e| StoreError::invalid(format!("application {application_id}: {e}")))?;
        let all = stored.facts.required_materials.clone();
        let probe = match view.state {
            ApplicationState::Draft => Action::Submit { materials: all },
            _ => Action::Resubmit { materials: all, replaced: Vec::new() },
        };
        let helper = self.helper_link(&user.id, &app.project_id).await?;
        let actor = actor_for(user, helper.as_ref(), &stored.facts.owner_id, Side::Unit);
        if let Err(e) = decide(&view.state, &stored.facts, &actor, &probe) {
            return Err(match e.kind() {
                ErrorKind::Forbidden => WorkflowError::Refused(e),
                _ => WorkflowError::conflict(
                    Sentence::new(
                        "err-workflow-upload-state",
                        format!("申请处于“{}”状态，只有草稿或退回补正时才能上传材料", view.state.label_zh()),
                    )
                    .arg("state", Arg::Label { prefix: "application-state", code: view.state.as_str() }),
                ),
            });
        }

        let dir = uploads_dir(data_dir);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|source| StoreError::Io { what: format!("cannot create {}", dir.display()), source })?;
        let id = new_id();
        let stored_name = new_id();
        let path = dir.join(&stored_name);
        let part = dir.join(format!(".{stored_name}.part"));
        let sha256 = hex::encode(Sha256::digest(bytes));
        let io =
            |source: std::io::Error| StoreError::Io { what: format!("cannot write upload {}", path.display()), source };
        async {
            use tokio::io::AsyncWriteExt;
            let mut f = tokio::fs::File::create(&part).await?;
            f.write_all(bytes).await?;
            f.sync_all().await?;
            tokio::fs::rename(&part, &path).await
        }
        .await
        .map_err(|e| {
            let _ = std::fs::remove_file(&part);
            io(e)
        })?;
        let file = StoredFile {
            id: id.clone(),
            application_id: application_id.to_string(),
            material_code: material_code.to_string(),
            stored_name: stored_name.clone(),
            original_name: clean_name(original_name),
            content_type: clean_type(content_type),
            size_bytes: bytes.len() as i64,
            sha256,
            uploaded_by: user.id.clone(),
            uploaded_at: now_text(),
        };
        let written = async {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO application_files (id, region_code, application_id, material_code, stored_name, original_name,
                     content_type, size_bytes, sha256, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&file.id)
            .bind(&app.region_code)
            .bind(&file.application_id)
            .bind(&file.material_code)
            .bind(&file.stored_name)
            .bind(&file.original_name)
            .bind(&file.content_type)
            .bind(file.size_bytes)
            .bind(&file.sha256)
            .bind(&file.uploaded_by)
            .bind(&file.uploaded_at)
            .execute(&mut *tx)
            .await?;
            append(
                &mut tx,
                &NewEvent::by(user, app.region_code.clone(), "application.file_upload", "application", Some(application_id.to_string()), serde_json::json!({
                        "file_id": file.id, "material": file.material_code, "stored_name": file.stored_name,
                        "original_name": file.original_name, "size_bytes": file.size_bytes, "sha256": file.sha256,
                        "helper_for": actor.helper_for,
                    })),
            )
            .await?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e.into());
        }
        Ok(file)
    }

    /// A file and its bytes, if the user may see its application. The download is
    /// recorded.
    pub async fn download_file(
        &self,
        data_dir: &Path,
        user: &User,
        application_id: &str,
        file_id: &str,
    ) -> Result<(StoredFile, Vec<u8>), WorkflowError> {
        let (vis, binds) = visible(user, 3);
        let sql = format!(
            "SELECT f.id, f.application_id, f.material_code, f.stored_name, f.original_name, f.content_type, f.size_bytes,
                    f.sha256, f.uploaded_by, f.uploaded_at, a.region_code
             FROM application_files f JOIN applications a ON a.id = f.application_id
                  JOIN pending_items i ON i.id = a.pending_item_id JOIN projects p ON p.id = a.project_id
             WHERE f.id = $1 AND f.application_id = $2 AND {vis}"
        );
        let row = super::bind_all(sqlx::query(&sql).bind(file_id).bind(application_id), &binds)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WorkflowError::NotFound)?;
        let file = file_from_row(&row);
        let region: String = row.get(10);
        // Server-made names only: never a path from outside.
        if file.stored_name.is_empty() || !file.stored_name.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(WorkflowError::NotFound);
        }
        let bytes = tokio::fs::read(uploads_dir(data_dir).join(&file.stored_name)).await.map_err(|e| {
            tracing::error!(file = %file.id, error = %e, "uploaded file missing");
            WorkflowError::NotFound
        })?;
        self.append_event(&NewEvent::by(
            user,
            region,
            "application.file_download",
            "application",
            Some(application_id.to_string()),
            serde_json::json!({ "file_id": file.id, "material": file.material_code }),
        ))
        .await?;
        Ok((file, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_controls() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\材料\\申请表.pdf"), "申请表.pdf");
        assert_eq!(clean_name("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name(".."), "材料");
        assert_eq!(clean_name(""), "材料");
        assert_eq!(clean_type(Some("application/pdf; charset=x")), "application/pdf");
        assert_eq!(clean_type(Some("text/html")), "application/octet-stream");
        assert_eq!(clean_type(None), "application/octet-stream");
    }
}
