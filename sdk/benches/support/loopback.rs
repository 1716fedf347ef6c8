//! A loopback HTTP/1.1 server for the runtime benches: keep-alive, answers
//! every request with a small `/users/track` success, either without limit
//! or enforcing a fixed-window limit the way Braze does (`X-RateLimit-*`
//! headers, 429 past the limit).

#![allow(dead_code)] // each bench uses part of this module

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy)]
pub enum Mode {
    /// Every request succeeds (a huge limit in the headers).
    Open,
    /// `limit` requests per window of `window_secs`, aligned on the epoch.
    Limited { limit: u64, window_secs: u64 },
}

pub struct Server {
    pub url: String,
    pub ok: Arc<AtomicU64>,
    pub refused: Arc<AtomicU64>,
}

struct Shared {
    mode: Mode,
    window: Mutex<(u64, u64)>,
    ok: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
}

pub const OK_BODY: &str = r#"{"message":"success","attributes_processed":1}"#;
const REFUSED_BODY: &str = r#"{"message":"API rate limit exceeded"}"#;

pub async fn start(mode: Mode) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let shared = Arc::new(Shared {
        mode,
        window: Mutex::new((0, 0)),
        ok: Arc::new(AtomicU64::new(0)),
        refused: Arc::new(AtomicU64::new(0)),
    });
    let server = Server {
        url,
        ok: shared.ok.clone(),
        refused: shared.refused.clone(),
    };
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let _ = socket.set_nodelay(true);
            tokio::spawn(serve(socket, shared.clone()));
        }
    });
    server
}

fn answer(shared: &Shared) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (allowed, limit, remaining, reset) = match shared.mode {
        Mode::Open => (true, 1_000_000, 999_999, now + 3),
        Mode::Limited { limit, window_secs } => {
            let index = now / window_secs;
            let mut w = shared.window.lock().unwrap();
            if w.0 != index {
                if std::env::var_os("BENCH_WINDOWS").is_some() && w.0 != 0 {
                    eprintln!("window {} served {}", w.0, w.1);
                }
                *w = (index, 0);
            }
            let allowed = w.1 < limit;
            if allowed {
                w.1 += 1;
            }
            (allowed, limit, limit - w.1, (index + 1) * window_secs)
        }
    };
    let (status, body) = if allowed {
        shared.ok.fetch_add(1, Ordering::Relaxed);
        ("200 OK", OK_BODY)
    } else {
        shared.refused.fetch_add(1, Ordering::Relaxed);
        ("429 Too Many Requests", REFUSED_BODY)
    };
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-ratelimit-limit: {limit}\r\nx-ratelimit-remaining: {remaining}\r\nx-ratelimit-reset: {reset}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(mut socket: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        if socket.write_all(&answer(&shared)).await.is_err() {
            return;
        }
    }
}
