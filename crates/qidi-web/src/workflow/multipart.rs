//! Just enough of `multipart/form-data` (RFC 7578) for the upload form: a few text
//! fields and one file, the whole body already in memory and size-capped.

/// One part of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl Part {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).trim().to_string()
    }
}

/// The boundary named by a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("boundary")).then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..hay.len() - needle.len() + 1].iter().position(|&b| b == first) {
            None => return None,
            Some(p) => {
                let at = i + p;
                if &hay[at..at + needle.len()] == needle {
                    return Some(at);
                }
                i = at + 1;
            }
        }
    }
    None
}

/// A parameter of a `Content-Disposition` header (quoted or not).
fn disposition_param(value: &str, key: &str) -> Option<String> {
    let mut rest = value;
    while let Some(i) = rest.find(';') {
        rest = &rest[i + 1..];
        let t = rest.trim_start();
        let Some((k, v)) = t.split_once('=') else { continue };
        if !k.trim().eq_ignore_ascii_case(key) {
            continue;
        }
        let v = v.trim_start();
        return Some(if let Some(q) = v.strip_prefix('"') {
            let end = q.find('"').unwrap_or(q.len());
            q[..end].to_string()
        } else {
            v.split(';').next().unwrap_or("").trim().to_string()
        });
    }
    None
}

/// Split the body into its parts; None if it is not well formed.
pub fn parse(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let b = boundary(content_type)?;
    let delim = format!("--{b}");
    let next_delim = format!("\r\n--{b}");
    let mut pos = find(body, delim.as_bytes(), 0)? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Some(parts);
        }
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return None;
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, next_delim.as_bytes(), data_start)?;
        let mut part = Part { name: String::new(), filename: None, content_type: None, data: Vec::new() };
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else { continue };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                part.name = disposition_param(v, "name").unwrap_or_default();
                part.filename = disposition_param(v, "filename");
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(v.trim().to_string());
            }
        }
        part.data = body[data_start..data_end].to_vec();
        parts.push(part);
        pos = data_end + next_delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_a_file() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"material_code\"\r\n\r\nsite_plan\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xe7\x94\xb3\xe8\xaf\xb7.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--X\r\n--XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].text().as_str()), ("material_code", "site_plan"));
        assert_eq!(parts[1].filename.as_deref(), Some("申请.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(parts[1].data, b"%PDF\r\n--X");
        assert!(parse("multipart/form-data; boundary=XyZ", b"--XyZ\r\nbroken").is_none());
        assert!(parse("application/json", body).is_none());
        assert_eq!(boundary("multipart/form-data; boundary=\"a b\""), Some("a b".into()));
    }
}
