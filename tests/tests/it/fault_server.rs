//! A tiny HTTP/1.1 server on 127.0.0.1 for the faults wiremock cannot
//! produce: a connection closed before any response byte, a body shorter
//! than its `Content-Length`, a server that never answers, a refused
//! connection.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with the `n`-th request (0-based).
#[derive(Clone, Debug)]
pub enum Fault {
    /// Closes the connection without sending a byte.
    CloseBeforeResponse,
    /// Sends status and headers announcing 100 bytes, 11 bytes, and closes.
    TruncatedBody,
    /// Keeps the connection open and never answers.
    NeverAnswer,
    /// Answers `status` with a JSON `body` and keeps the connection.
    Json(u16, &'static str),
}

pub struct FaultServer {
    pub url: String,
    hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server answering request `n` as `plan(n)` says.
pub async fn start(plan: impl Fn(usize) -> Fault + Send + Sync + 'static) -> FaultServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let plan = Arc::new(plan);
    let counter = hits.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let (plan, counter) = (plan.clone(), counter.clone());
            tokio::spawn(async move { serve(socket, &*plan, &counter).await });
        }
    });
    FaultServer { url, hits, task }
}

async fn serve(
    mut socket: TcpStream,
    plan: &(dyn Fn(usize) -> Fault + Send + Sync),
    hits: &AtomicUsize,
) {
    let mut buf = Vec::new();
    loop {
        if !read_request(&mut socket, &mut buf).await {
            return;
        }
        let n = hits.fetch_add(1, Ordering::SeqCst);
        match plan(n) {
            Fault::CloseBeforeResponse => return,
            Fault::TruncatedBody => {
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nx-probe: kept\r\n\r\n{\"catalogs\"")
                    .await;
                return;
            }
            Fault::NeverAnswer => {
                std::future::pending::<()>().await;
            }
            Fault::Json(status, body) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err()
                    || socket.write_all(body.as_bytes()).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// Reads one request (head and `Content-Length` body); false at EOF.
async fn read_request(socket: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
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
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf.drain(..head_end + length);
    true
}

/// A URL nothing listens on.
pub async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}
