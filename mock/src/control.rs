//! The control API under `/_mock/`, for tests in other languages: what a
//! Rust test does with [`crate::MockBraze`]'s methods, over HTTP with JSON.
//! Control calls need no key and are neither counted nor recorded.
//!
//! | request | effect |
//! | --- | --- |
//! | `GET /_mock/requests[?operation=ID]` | the recorded requests (`Authorization` left out) |
//! | `GET /_mock/counts` | `{"total", "calls": {op: n}, "rate_limited": {op: n}}` |
//! | `GET /_mock/windows[?bucket=NAME]` | each rate-limit window counted: `[{"bucket", "start", "seconds", "served", "refused"}]` |
//! | `POST /_mock/reset` | forgets requests, counters, scripts, faults, windows |
//! | `PUT /_mock/operations/ID/response` `{"status", "body"}` | answer this instead of the example |
//! | `PUT /_mock/operations/ID/items` `{"items": [..], "page_size"?}` | the list a paged operation serves |
//! | `PUT /_mock/operations/ID/reject` `{"pointer", "equals", "type"}` | refuse bulk inputs whose value at `pointer` is `equals`, as non-fatal `errors[]` |
//! | `POST /_mock/operations/ID/faults` `{"calls": "2" or "1-3" or "2-", one of "status", "delay_ms", "drop", "truncate", "hang", "reply": {"status", "headers", "body"}}` | a scripted fault (`ID` `*`: every call) |
//! | `PUT /_mock/buckets/NAME/limit` `{"requests", "window_seconds"}` or `{"unlimited": true}` | a bucket's limit (`*`: every bucket not named) |
//! | `POST /_mock/advance` `{"seconds"}` | moves the clock forward |

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::http::Response;
use crate::spec::spec;
use crate::{Fault, Limit, Recorded, State};

/// The path prefix of control calls.
pub const PREFIX: &str = "/_mock/";

fn bad(message: impl Into<String>) -> Response {
    Response::json(400, &json!({ "message": message.into() }))
}

fn ok() -> Response {
    Response::json(200, &json!({ "message": "success" }))
}

/// A recorded request as JSON, without its `Authorization` header.
pub fn recorded_json(r: &Recorded) -> Value {
    json!({
        "operation": r.operation,
        "method": r.method,
        "path": r.path,
        "query": r.query,
        "headers": r.headers.iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
            .collect::<Vec<_>>(),
        "body": r.body,
        "status": r.status,
        "at_ms": r.at.as_millis() as u64,
    })
}

/// `"2"`, `"1-3"`, `"2-"`: 1-based calls, inclusive.
fn calls(text: &str) -> Option<(usize, Option<usize>)> {
    match text.split_once('-') {
        None => text.trim().parse().ok().map(|n| (n, Some(n))),
        Some((a, "")) => a.trim().parse().ok().map(|a| (a, None)),
        Some((a, b)) => Some((a.trim().parse().ok()?, Some(b.trim().parse().ok()?))),
    }
}

fn fault(v: &Value) -> Result<Fault, String> {
    let int = |k: &str| v[k].as_u64().ok_or_else(|| format!("{k} must be a number"));
    if v.get("status").is_some() {
        return Ok(Fault::Status(int("status")? as u16));
    }
    if v.get("delay_ms").is_some() {
        return Ok(Fault::Delay(Duration::from_millis(int("delay_ms")?)));
    }
    if v.get("truncate").is_some() {
        return Ok(Fault::Truncate(int("truncate")? as usize));
    }
    if v["drop"] == true {
        return Ok(Fault::Drop);
    }
    if v["hang"] == true {
        return Ok(Fault::Hang);
    }
    if let Some(reply) = v.get("reply") {
        let status = reply["status"]
            .as_u64()
            .ok_or("reply.status must be a number")? as u16;
        let headers = reply["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = match &reply["body"] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        return Ok(Fault::Reply {
            status,
            headers,
            body,
        });
    }
    Err("a fault needs one of status, delay_ms, truncate, drop, hang, reply".into())
}

/// Answers one control call.
pub fn handle(
    state: &Mutex<State>,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Response {
    let parts: Vec<&str> = path[PREFIX.len()..].split('/').collect();
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad(format!("the body is not JSON: {e}")),
        }
    };
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let known = |op: &str| op == "*" || spec().operation(op).is_some();
    match (method, parts.as_slice()) {
        ("GET", ["requests"]) => {
            let only = form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "operation")
                .map(|(_, v)| v.into_owned());
            let list: Vec<Value> = s
                .log
                .iter()
                .filter(|r| only.is_none() || r.operation == only)
                .map(recorded_json)
                .collect();
            Response::json(200, &Value::Array(list))
        }
        ("GET", ["counts"]) => Response::json(
            200,
            &json!({ "total": s.total_calls, "calls": s.calls, "rate_limited": s.refused }),
        ),
        ("GET", ["windows"]) => {
            let only = form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "bucket")
                .map(|(_, v)| v.into_owned());
            let list: Vec<Value> = s
                .windows
                .counts(only.as_deref())
                .iter()
                .map(|w| {
                    json!({
                        "bucket": w.bucket,
                        "start": w.start,
                        "seconds": w.seconds,
                        "served": w.served,
                        "refused": w.refused,
                    })
                })
                .collect();
            Response::json(200, &Value::Array(list))
        }
        ("POST", ["reset"]) => {
            s.reset();
            ok()
        }
        ("POST", ["advance"]) => match input["seconds"].as_f64() {
            Some(secs) if secs >= 0.0 => {
                s.clock_offset_ms += (secs * 1000.0) as u64;
                ok()
            }
            _ => bad("expected {\"seconds\": N}"),
        },
        ("PUT", ["buckets", bucket, "limit"]) => {
            if input["unlimited"] == true {
                s.set_limit(bucket, None);
                return ok();
            }
            match (input["requests"].as_u64(), input["window_seconds"].as_u64()) {
                (Some(requests), Some(w)) if w > 0 => {
                    s.set_limit(
                        bucket,
                        Some(Limit {
                            requests,
                            window_secs: w,
                        }),
                    );
                    ok()
                }
                _ => bad(
                    "expected {\"requests\": N, \"window_seconds\": W} or {\"unlimited\": true}",
                ),
            }
        }
        (_, ["operations", op, ..]) if !known(op) => Response::json(
            404,
            &json!({ "message": format!("the spec has no operation {op:?}") }),
        ),
        ("PUT", ["operations", op, "response"]) => match input["status"].as_u64() {
            Some(status) => {
                s.script(op).reply = Some((status as u16, input["body"].clone()));
                ok()
            }
            None => bad("expected {\"status\": N, \"body\": ...}"),
        },
        ("PUT", ["operations", op, "items"]) => {
            if spec().operation(op).is_none_or(|o| o.paging.is_none()) {
                return bad(format!("{op} is not a paged list"));
            }
            match input["items"].as_array() {
                Some(items) => {
                    let script = s.script(op);
                    script.items = Some(items.clone());
                    script.page_size = input["page_size"].as_u64().map(|n| n as usize);
                    ok()
                }
                None => bad("expected {\"items\": [...]}"),
            }
        }
        ("PUT", ["operations", op, "reject"]) => {
            let (Some(pointer), Some(kind)) = (input["pointer"].as_str(), input["type"].as_str())
            else {
                return bad(
                    "expected {\"pointer\": \"/external_id\", \"equals\": value, \"type\": \"why\"}",
                );
            };
            let (pointer, kind, equals) = (
                pointer.to_string(),
                kind.to_string(),
                input["equals"].clone(),
            );
            s.script(op).reject = Some(Arc::new(move |_array: &str, item: &Value| {
                (item.pointer(&pointer) == Some(&equals)).then(|| kind.clone())
            }));
            ok()
        }
        ("POST", ["operations", op, "faults"]) => {
            let Some((first, last)) = input["calls"].as_str().and_then(calls) else {
                return bad("expected \"calls\": \"2\", \"1-3\" or \"2-\"");
            };
            match fault(&input) {
                Ok(f) => {
                    s.add_fault(op, first, last, f);
                    ok()
                }
                Err(e) => bad(e),
            }
        }
        _ => Response::json(
            404,
            &json!({ "message": format!("no control call {method} {path}") }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ranges_and_faults_parse() {
        assert_eq!(calls("2"), Some((2, Some(2))));
        assert_eq!(calls("1-3"), Some((1, Some(3))));
        assert_eq!(calls("2-"), Some((2, None)));
        assert_eq!(calls("x"), None);
        assert_eq!(fault(&json!({"status": 503})), Ok(Fault::Status(503)));
        assert_eq!(fault(&json!({"drop": true})), Ok(Fault::Drop));
        assert!(fault(&json!({"drop": false})).is_err());
        let reply = fault(
            &json!({"reply": {"status": 429, "headers": {"retry-after": "1"}, "body": {"m": 1}}}),
        );
        assert_eq!(
            reply,
            Ok(Fault::Reply {
                status: 429,
                headers: vec![("retry-after".into(), "1".into())],
                body: "{\"m\":1}".into()
            })
        );
    }
}
