//! Real receivers for tests, on loopback: a small SMTP server that keeps every mail it
//! is given, and an HTTP server that keeps every webhook call and can be told to fail
//! the first few. Test support, like `qidi_store::testing`; never used by the server.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One mail as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, MIME-encoded).
    pub data: String,
}

impl ReceivedMail {
    /// The decoded subject (lettre encodes non-ASCII subjects as RFC 2047 Base64).
    pub fn subject(&self) -> String {
        let line = self.data.lines().find(|l| l.starts_with("Subject:")).unwrap_or_default();
        let mut raw = line.trim_start_matches("Subject:").trim().to_string();
        // Folded header lines.
        let mut lines = self.data.lines().skip_while(|l| !l.starts_with("Subject:")).skip(1);
        while let Some(l) = lines.next().filter(|l| l.starts_with(' ') || l.starts_with('\t')) {
            raw.push_str(l.trim());
        }
        decode_words(&raw)
    }

    /// The text of every part, decoded (Base64 or quoted-printable as lettre chose).
    pub fn text(&self) -> String {
        use base64::Engine;
        let mut out = String::new();
        for part in self.data.split("\r\n\r\n").skip(1) {
            let body: String = part.lines().take_while(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n");
            let compact: String = body.split_whitespace().collect();
            match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
                Ok(bytes) if !compact.is_empty() => out.push_str(&String::from_utf8_lossy(&bytes)),
                _ => out.push_str(&decode_qp(&body)),
            }
            out.push('\n');
        }
        out
    }
}

fn decode_words(s: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.to_ascii_lowercase().find("=?utf-8?b?") {
        out.push_str(rest[..start].trim());
        let word = &rest[start + 10..];
        let Some(end) = word.find("?=") else { break };
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&word[..end]) {
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
        rest = &word[end + 2..];
    }
    out.push_str(rest.trim());
    out
}

fn decode_qp(s: &str) -> String {
    decode_escapes(&s.replace("=\r\n", "").replace("=\n", ""), b'=')
}

/// Replace every `marker` followed by two hex digits with that byte: quoted-printable
/// (`=E5`) and percent-encoding (`%E5`).
fn decode_escapes(s: &str, marker: u8) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == marker && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A loopback SMTP server (no TLS, no login) that keeps what it receives.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP sink");
        let port = listener.local_addr().expect("address").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = smtp_session(stream, kept).await;
                });
            }
        });
        SmtpSink { port, mails }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.mails.lock().expect("mails").clone()
    }
}

async fn smtp_session(stream: tokio::net::TcpStream, kept: Arc<Mutex<Vec<ReceivedMail>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 qidi-test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write.write_all(b"250-qidi-test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?;
        } else if upper.starts_with("HELO") || upper.starts_with("RSET") || upper.starts_with("NOOP") {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = addr(&line);
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(addr(&line));
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go on\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
            }
            kept.lock().expect("mails").push(ReceivedMail { from: from.clone(), to: to.clone(), data });
            write.write_all(b"250 queued as test\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 not implemented\r\n").await?;
        }
    }
}

fn addr(line: &str) -> String {
    line.split_once('<').and_then(|(_, r)| r.split_once('>')).map(|(a, _)| a.to_string()).unwrap_or_default()
}

/// One HTTP request as the receiver got it.
#[derive(Debug, Clone)]
pub struct ReceivedCall {
    /// Path and query, e.g. `/ding?access_token=t&timestamp=…&sign=…`.
    pub target: String,
    pub body: String,
    /// The status the receiver answered.
    pub status: u16,
}

impl ReceivedCall {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// A query parameter of the target, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| decode_escapes(v, b'%'))
        })
    }
}

/// A loopback HTTP server answering webhook calls as WeCom and DingTalk do
/// (`{"errcode":0,"errmsg":"ok"}`), after failing the first `fail_first` with 500.
#[derive(Clone)]
pub struct WebhookSink {
    pub port: u16,
    calls: Arc<Mutex<Vec<ReceivedCall>>>,
}

impl WebhookSink {
    pub async fn start(fail_first: usize) -> WebhookSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind webhook sink");
        let port = listener.local_addr().expect("address").port();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let kept = calls.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = http_session(stream, kept, fail_first).await;
                });
            }
        });
        WebhookSink { port, calls }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn calls(&self) -> Vec<ReceivedCall> {
        self.calls.lock().expect("calls").clone()
    }

    /// The calls that were answered with success.
    pub fn taken(&self) -> Vec<ReceivedCall> {
        self.calls().into_iter().filter(|c| c.status == 200).collect()
    }
}

async fn http_session(
    stream: tokio::net::TcpStream,
    kept: Arc<Mutex<Vec<ReceivedCall>>>,
    fail_first: usize,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await? == 0 {
                return Ok(());
            }
            if h == "\r\n" || h == "\n" {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        let status = {
            let mut calls = kept.lock().expect("calls");
            let status = if calls.len() < fail_first { 500 } else { 200 };
            calls.push(ReceivedCall { target, body: String::from_utf8_lossy(&body).into_owned(), status });
            status
        };
        let answer = if status == 200 { r#"{"errcode":0,"errmsg":"ok"}"# } else { r#"{"errcode":-1,"errmsg":"busy"}"# };
        let reason = if status == 200 { "OK" } else { "Internal Server Error" };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        write.write_all(head.as_bytes()).await?;
        write.write_all(answer.as_bytes()).await?;
    }
}
