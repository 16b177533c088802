//! Reading a `multipart/form-data` form (a few text fields and a file) through axum's
//! `Multipart`, with a cap on what the whole form may hold, for every upload form: a
//! material, a ledger spreadsheet, the holiday calendar.

use axum::extract::multipart::{Multipart, MultipartError};
use axum::http::StatusCode;

/// One field of the form, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl Part {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).trim().to_string()
    }
}

/// Why a form could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormError {
    /// The fields together hold more than the form's limit, or the request's.
    TooLarge,
    /// Not multipart, cut off, or not well formed.
    Unreadable,
}

impl FormError {
    fn of(e: MultipartError) -> FormError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FormError::TooLarge
        } else {
            FormError::Unreadable
        }
    }
}

/// The parts of the form, each read whole; the first part past `limit` bytes in all
/// ends the reading.
pub async fn read_form(mut form: Multipart, limit: usize) -> Result<Vec<Part>, FormError> {
    let mut parts = Vec::new();
    let mut total = 0usize;
    while let Some(mut field) = form.next_field().await.map_err(FormError::of)? {
        let mut part = Part {
            name: field.name().unwrap_or_default().to_string(),
            file_name: field.file_name().map(str::to_string),
            content_type: field.content_type().map(str::to_string),
            data: Vec::new(),
        };
        while let Some(chunk) = field.chunk().await.map_err(FormError::of)? {
            total += chunk.len();
            if total > limit {
                return Err(FormError::TooLarge);
            }
            part.data.extend_from_slice(&chunk);
        }
        parts.push(part);
    }
    Ok(parts)
}

/// The part named `name`, if the form had one.
pub fn part<'a>(parts: &'a [Part], name: &str) -> Option<&'a Part> {
    parts.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::FromRequest;
    use axum::http::{header, Request};

    async fn form(content_type: &str, body: &'static [u8]) -> Multipart {
        let req = Request::post("/").header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap();
        Multipart::from_request(req, &()).await.expect("multipart")
    }

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"material_code\"\r\n\r\nsite_plan\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xe7\x94\xb3\xe8\xaf\xb7.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--X\r\n--XyZ--\r\n";

    #[tokio::test]
    async fn reads_fields_and_a_file_within_the_limit() {
        let parts = read_form(form("multipart/form-data; boundary=XyZ", BODY).await, 1024).await.unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(part(&parts, "material_code").unwrap().text(), "site_plan");
        let file = part(&parts, "file").unwrap();
        assert_eq!(file.file_name.as_deref(), Some("申请.pdf"));
        assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(file.data, b"%PDF\r\n--X");
        // site_plan (9 bytes) and the file (9 bytes): 17 is one too few.
        let small = read_form(form("multipart/form-data; boundary=XyZ", BODY).await, 17).await;
        assert_eq!(small, Err(FormError::TooLarge));
        assert!(read_form(form("multipart/form-data; boundary=XyZ", BODY).await, 18).await.is_ok());
    }

    #[tokio::test]
    async fn a_cut_form_is_unreadable() {
        let cut = read_form(form("multipart/form-data; boundary=XyZ", b"--XyZ\r\nbroken").await, 1024).await;
        assert_eq!(cut, Err(FormError::Unreadable));
    }
}
