//! A loopback server enforcing a workspace rate limit the way Braze does:
//! fixed windows aligned on the epoch, `X-RateLimit-Limit`, `-Remaining`,
//! `-Reset` on every answer, 429 past the limit. Runs on a thread of its
//! own (the fleet tests block on worker processes). Answers every request
//! with a small `/users/track` success.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Default)]
struct Window {
    index: u64,
    served: u64,
    first: Option<Instant>,
    last: Option<Instant>,
    refused_at: Vec<Instant>,
    /// Served and refused per window, in window order.
    per_window: Vec<(u64, u64, u64)>,
}

pub struct LimitedServer {
    pub url: String,
    pub limit: u64,
    pub window_secs: u64,
    pub ok: Arc<AtomicU64>,
    pub refused: Arc<AtomicU64>,
    window: Arc<Mutex<Window>>,
}

const OK_BODY: &str = r#"{"message":"success","events_processed":1}"#;
const REFUSED_BODY: &str = r#"{"message":"API rate limit exceeded"}"#;

impl LimitedServer {
    /// `limit` requests per window of `window_secs`.
    pub fn start(limit: u64, window_secs: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = Self {
            url,
            limit,
            window_secs,
            ok: Arc::default(),
            refused: Arc::default(),
            window: Arc::default(),
        };
        let (ok, refused, window) = (
            server.ok.clone(),
            server.refused.clone(),
            server.window.clone(),
        );
        std::thread::spawn(move || {
            for socket in listener.incoming() {
                let Ok(socket) = socket else { return };
                let (ok, refused, window) = (ok.clone(), refused.clone(), window.clone());
                std::thread::spawn(move || {
                    serve(socket, limit, window_secs, &ok, &refused, &window)
                });
            }
        });
        server
    }

    /// When the 429s were answered, in ms since `since`.
    pub fn refusals_since(&self, since: Instant) -> Vec<u128> {
        let w = self.window.lock().unwrap();
        w.refused_at
            .iter()
            .map(|t| t.saturating_duration_since(since).as_millis())
            .collect()
    }

    /// Requests served and refused in each window that saw any, in order.
    pub fn served_per_window(&self) -> Vec<(u64, u64)> {
        let w = self.window.lock().unwrap();
        w.per_window.iter().map(|&(_, ok, no)| (ok, no)).collect()
    }

    /// Requests served per second over the time from the first to the last
    /// served one, as a share of the ceiling (`limit / window`).
    pub fn share_of_ceiling(&self) -> f64 {
        let w = self.window.lock().unwrap();
        let (Some(first), Some(last)) = (w.first, w.last) else {
            return 0.0;
        };
        let ok = self.ok.load(Ordering::SeqCst) as f64;
        let seconds = (last - first).as_secs_f64();
        // n requests span n - 1 gaps.
        let rate = (ok - 1.0) / seconds;
        rate / (self.limit as f64 / self.window_secs as f64)
    }
}

fn serve(
    socket: TcpStream,
    limit: u64,
    window_secs: u64,
    ok: &AtomicU64,
    refused: &AtomicU64,
    window: &Mutex<Window>,
) {
    let _ = socket.set_nodelay(true);
    let mut reader = BufReader::new(socket.try_clone().unwrap());
    let mut socket = socket;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        let mut first_line = true;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if !first_line
                && let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            first_line = false;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let index = now / window_secs;
        let (allowed, remaining) = {
            let mut w = window.lock().unwrap();
            if w.index != index {
                w.index = index;
                w.served = 0;
            }
            let allowed = w.served < limit;
            if w.per_window.last().is_none_or(|last| last.0 != index) {
                w.per_window.push((index, 0, 0));
            }
            let counts = w.per_window.last_mut().unwrap();
            if allowed {
                counts.1 += 1;
            } else {
                counts.2 += 1;
            }
            if !allowed {
                w.refused_at.push(Instant::now());
            }
            if allowed {
                w.served += 1;
                let at = Instant::now();
                w.first.get_or_insert(at);
                w.last = Some(at);
            }
            (allowed, limit - w.served)
        };
        let (status, body) = if allowed {
            ok.fetch_add(1, Ordering::SeqCst);
            ("200 OK", OK_BODY)
        } else {
            refused.fetch_add(1, Ordering::SeqCst);
            ("429 Too Many Requests", REFUSED_BODY)
        };
        let reset = (index + 1) * window_secs;
        // `Date`, as Braze sends it: a client whose clock is off reads the
        // reset against it.
        let date = httpdate::fmt_http_date(SystemTime::now());
        let answer = format!(
            "HTTP/1.1 {status}\r\ndate: {date}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-ratelimit-limit: {limit}\r\nx-ratelimit-remaining: {remaining}\r\nx-ratelimit-reset: {reset}\r\n\r\n{body}",
            body.len()
        );
        if socket.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}
