//! `--dry-run`: the requests the SDK would send, without sending them.
//!
//! The call runs exactly as it would (the SDK's types encode the body, its
//! builders the path and query), against a capture server on 127.0.0.1
//! that this process starts: it records each request, prints it as one
//! JSON line (method, the URL on the real instance, headers without
//! `authorization`, body) and answers `200 {"message": "success"}`. No key
//! is needed: the client is built with a placeholder, which is not printed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use braze_sdk::serde_json::{self, Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running capture server.
pub struct Capture {
    pub url: String,
    pub captured: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server; each request is printed with `shown_base` (the real
/// instance's URL, or nothing) before its path.
pub async fn start(shown_base: String) -> std::io::Result<Capture> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let captured = Arc::new(AtomicU64::new(0));
    let count = captured.clone();
    let shown_base: Arc<str> = shown_base.into();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let count = count.clone();
            let base = shown_base.clone();
            tokio::spawn(async move {
                let _ = serve(stream, &base, &count).await;
            });
        }
    });
    Ok(Capture {
        url,
        captured,
        task,
    })
}

/// The most a captured request may hold (head and body): a bound, not a limit of Braze.
const MAX_REQUEST: usize = 64 * 1024 * 1024;

async fn serve(mut stream: TcpStream, base: &str, count: &AtomicU64) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        // The head.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            if buf.len() > MAX_REQUEST {
                return Ok(());
            }
            let mut chunk = [0u8; 8192];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = Map::new();
        let mut length = 0usize;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim();
            if name == "content-length" {
                length = value.parse().unwrap_or(0);
            }
            // The key (a placeholder here) is never printed; nor are the
            // transport's own headers.
            if matches!(
                name.as_str(),
                "authorization" | "host" | "content-length" | "accept-encoding"
            ) {
                continue;
            }
            headers.insert(name, Value::String(value.to_string()));
        }
        let body_start = head_end + 4;
        if length > MAX_REQUEST {
            return Ok(());
        }
        while buf.len() < body_start + length {
            let mut chunk = [0u8; 65536];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = &buf[body_start..body_start + length];
        let body = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
        };
        let shown = json!({
            "method": method,
            "url": format!("{base}{target}"),
            "headers": headers,
            "body": body,
        });
        count.fetch_add(1, Ordering::SeqCst);
        if crate::output::line(&shown).is_err() {
            return Ok(());
        }
        buf.drain(..body_start + length);
        let reply = br#"{"message":"success"}"#;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            reply.len()
        );
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(reply).await?;
    }
}
