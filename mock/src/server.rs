//! The accept loop and what happens to one request, in Braze's order:
//! routing (404/405), scripted faults, the key (401), the bucket's window
//! (429), validation (400), then the answer. Every request is recorded with
//! the status it got, and every answer carries a `Date` on the server's
//! clock, as Braze's do.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::http::{self, ReadError, Request, Response};
use crate::spec::{Route, spec};
use crate::validate::{Inputs, Rejection, authorize, check_request};
use crate::{Fault, Recorded, State, answer, control, limits};

/// Binds 127.0.0.1:`port` and serves in a task; returns the base URL.
pub async fn serve(
    port: u16,
    state: Arc<Mutex<State>>,
) -> std::io::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let base = url.clone();
    let task = tokio::spawn(async move {
        // Dropping the set (when the server is stopped) ends every
        // connection, hanging ones included.
        let mut connections = JoinSet::new();
        while let Ok((socket, _)) = listener.accept().await {
            while connections.try_join_next().is_some() {}
            let _ = socket.set_nodelay(true);
            connections.spawn(connection(socket, state.clone(), base.clone()));
        }
    });
    Ok((url, task))
}

/// What to do with the connection after a request.
enum Action {
    /// Write this; with `Some(n)`, only `n` body bytes, then close.
    Respond(Response, Option<usize>),
    Drop,
    Hang,
}

async fn connection(mut socket: TcpStream, state: Arc<Mutex<State>>, base: String) {
    let mut buf = Vec::new();
    loop {
        let req = match http::read_request(&mut socket, &mut buf).await {
            Ok(r) => r,
            Err(ReadError::Closed) => return,
            Err(ReadError::Malformed(why)) => {
                let r =
                    Response::json(400, &json!({ "message": why })).header("connection", "close");
                let _ = http::write(&mut socket, &dated(&state, r), None).await;
                return;
            }
        };
        let closes = req.closes();
        match handle(&state, &base, req).await {
            Action::Respond(response, keep) => {
                let response = dated(&state, response);
                if http::write(&mut socket, &response, keep).await.is_err()
                    || keep.is_some()
                    || closes
                {
                    return;
                }
            }
            Action::Drop => return,
            Action::Hang => std::future::pending::<()>().await,
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// `response` with the `Date` header, on the server's clock (moved by
/// [`crate::MockBraze::advance`] like its windows).
fn dated(state: &Mutex<State>, response: Response) -> Response {
    let now = limits::now_ms(lock(state).clock_offset_ms);
    response.header("date", limits::http_date(now))
}

fn error(status: u16, message: impl Into<String>) -> Response {
    Response::json(status, &json!({ "message": message.into() }))
}

/// A random fault for call `n` when chaos is on (deterministic per seed).
fn chaos(setting: Option<(f64, u64)>, n: usize) -> Option<Fault> {
    let (rate, seed) = setting?;
    // splitmix64 of (seed, n): independent draws without shared state.
    let mut z = seed.wrapping_add((n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    if ((z >> 11) as f64 / (1u64 << 53) as f64) >= rate {
        return None;
    }
    Some(match z % 4 {
        0 => Fault::Status(500),
        1 => Fault::Status(503),
        2 => Fault::Reply {
            status: 429,
            headers: vec![("retry-after".into(), "1".into())],
            body: r#"{"message":"rate limited (braze-mock chaos)"}"#.into(),
        },
        _ => Fault::Drop,
    })
}

async fn handle(state: &Mutex<State>, base: &str, req: Request) -> Action {
    let (path, query) = req
        .target
        .split_once('?')
        .unwrap_or((req.target.as_str(), ""));
    let (path, query) = (path.to_string(), query.to_string());
    if path.starts_with(control::PREFIX) {
        return Action::Respond(
            control::handle(state, &req.method, &path, &query, &req.body),
            None,
        );
    }
    let at = lock(state).started.elapsed();
    let record = |operation: Option<&str>, status: u16| Recorded {
        operation: operation.map(str::to_string),
        method: req.method.clone(),
        path: path.clone(),
        query: form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers: req.headers.clone(),
        body: serde_json::from_slice(&req.body).ok(),
        status,
        at,
    };
    let (op, path_params, fault) = {
        let mut s = lock(state);
        s.total_calls += 1;
        let total = s.total_calls;
        match spec().route(&req.method, &path) {
            Route::NotFound => {
                s.keep(|| record(None, 404));
                let r = error(404, format!("no operation at {} {path}", req.method));
                return Action::Respond(r, None);
            }
            Route::WrongMethod(methods) => {
                s.keep(|| record(None, 405));
                let r = error(
                    405,
                    format!(
                        "{path} does not take {}: it takes {}",
                        req.method,
                        methods.join(", ")
                    ),
                )
                .header("allow", methods.join(", "));
                return Action::Respond(r, None);
            }
            Route::Found(op, params) => {
                let nth = {
                    let n = s.calls.entry(op.id.clone()).or_insert(0);
                    *n += 1;
                    *n
                };
                let fault = s
                    .fault_for(&op.id, nth, total)
                    .or_else(|| chaos(s.chaos, total));
                (op, params, fault)
            }
        }
    };
    let mut keep = None;
    match fault {
        Some(Fault::Drop) => {
            lock(state).keep(|| record(Some(&op.id), 0));
            return Action::Drop;
        }
        Some(Fault::Hang) => {
            lock(state).keep(|| record(Some(&op.id), 0));
            return Action::Hang;
        }
        Some(Fault::Status(status)) => {
            lock(state).keep(|| record(Some(&op.id), status));
            return Action::Respond(
                error(
                    status,
                    format!("braze-mock: scripted {status} for {}", op.id),
                ),
                None,
            );
        }
        Some(Fault::Reply {
            status,
            headers,
            body,
        }) => {
            lock(state).keep(|| record(Some(&op.id), status));
            let mut r = Response {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.into_bytes(),
            };
            r.headers.extend(headers);
            return Action::Respond(r, None);
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::Truncate(n)) => keep = Some(n),
        None => {}
    }
    let mut s = lock(state);
    let response = normal(&mut s, op, &path_params, &path, &query, &req, base);
    s.keep(|| record(Some(&op.id), response.status));
    Action::Respond(response, keep)
}

/// The answer to a call that no fault took over.
fn normal(
    s: &mut State,
    op: &crate::spec::Operation,
    path_params: &[(String, String)],
    path: &str,
    query: &str,
    req: &Request,
    base: &str,
) -> Response {
    let rejected = |r: Rejection| Response::json(r.status, &r.body);
    if let Err(r) = authorize(op, req, s.api_key.as_deref()) {
        return rejected(r);
    }
    let mut headers = Vec::new();
    if let Some(limit) = s.limit_of(op) {
        let now = limits::now_ms(s.clock_offset_ms);
        let decision = s.windows.take(&op.limit.bucket, limit, now);
        headers.extend(decision.headers().map(|(n, v)| (n.to_string(), v)));
        if !decision.allowed {
            *s.refused.entry(op.id.clone()).or_insert(0) += 1;
            let mut r = error(
                429,
                format!(
                    "rate limit exceeded: {} requests per {} s for {}; the window ends at {}",
                    limit.requests, limit.window_secs, op.limit.bucket, decision.reset
                ),
            );
            r.headers.extend(headers);
            return r;
        }
    }
    let inputs = if s.validate {
        check_request(op, path_params, query, req)
    } else {
        Ok(Inputs {
            query: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            body: serde_json::from_slice::<Value>(&req.body).ok(),
        })
    };
    let mut response = match inputs
        .and_then(|inputs| answer::success(op, &inputs, s.scripts.get(&op.id), base, path))
    {
        Ok(r) => r,
        Err(r) => rejected(r),
    };
    response.headers.extend(headers);
    response
}
