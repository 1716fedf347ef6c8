//! The answer to a valid request: the operation's example (or what the test
//! set), a page of the items the test gave, non-fatal `errors[]` for the
//! inputs the test chose, and `*_processed` counts that match the request.

use serde_json::{Value, json};

use crate::http::Response;
use crate::spec::{Operation, Paging};
use crate::validate::{Inputs, Rejection};

/// Items per page of a cursor-paged list unless the test sets another size
/// (Braze's catalog items and CDI lists send 50).
pub const CURSOR_PAGE: usize = 50;

/// Decides whether an input of a bulk request is refused: gets the name of
/// the request's array (`events`) and the item; returns the error's `type`
/// text to refuse it.
pub type RejectFn = dyn Fn(&str, &Value) -> Option<String> + Send + Sync;

/// What the test set for one operation.
#[derive(Default, Clone)]
pub struct Script {
    /// Answer this instead of the example.
    pub reply: Option<(u16, Value)>,
    /// The whole list a paged operation serves, page by page.
    pub items: Option<Vec<Value>>,
    /// Items per page (cursor style; page and offset styles follow the spec
    /// and the request).
    pub page_size: Option<usize>,
    pub reject: Option<std::sync::Arc<RejectFn>>,
}

/// A cursor: opaque to clients, the index of the page's first item here.
fn cursor(start: usize) -> String {
    format!("bm{start:x}")
}

fn cursor_start(token: &str) -> Option<usize> {
    usize::from_str_radix(token.strip_prefix("bm")?, 16).ok()
}

fn bad_param(name: &str, value: &str, why: &str) -> Rejection {
    Rejection {
        status: 400,
        body: json!({
            "message": format!("Invalid request: query parameter {name}: {why}"),
            "errors": [{
                "type": "invalid_request",
                "message": format!("query parameter {name}: {why}"),
                "location": "query",
                "pointer": format!("/{name}"),
                "parameters": [name],
                "parameter_values": [value],
            }],
        }),
    }
}

/// The success answer of `op` (without rate-limit headers).
pub fn success(
    op: &Operation,
    inputs: &Inputs,
    script: Option<&Script>,
    base_url: &str,
    path: &str,
) -> Result<Response, Rejection> {
    if let Some((status, body)) = script.and_then(|s| s.reply.as_ref()) {
        return Ok(if body.is_null() && *status == 204 {
            Response {
                status: 204,
                headers: Vec::new(),
                body: Vec::new(),
            }
        } else {
            Response::json(*status, body)
        });
    }
    let Some(mut body) = op.example.clone() else {
        return Ok(Response {
            status: op.status,
            headers: Vec::new(),
            body: Vec::new(),
        });
    };
    let mut link = None;
    if let (Some(paging), Some(items)) = (&op.paging, script.and_then(|s| s.items.as_ref())) {
        let (start, size) = match paging {
            Paging::Page {
                param, page_size, ..
            } => {
                let page = match inputs.query(param) {
                    Some(p) => p
                        .parse::<usize>()
                        .map_err(|_| bad_param(param, p, "not a page number"))?,
                    None => 0,
                };
                (page.saturating_mul(*page_size), *page_size)
            }
            Paging::Offset {
                offset_param,
                limit_param,
                default_limit,
                ..
            } => {
                let offset = inputs
                    .query(offset_param)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let limit = inputs
                    .query(limit_param)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(*default_limit);
                (offset, limit)
            }
            Paging::Cursor { param, .. } => {
                let start = match inputs.query(param) {
                    Some(c) => cursor_start(c)
                        .ok_or_else(|| bad_param(param, c, "not a cursor this server gave"))?,
                    None => 0,
                };
                let size = script
                    .and_then(|s| s.page_size)
                    .unwrap_or(CURSOR_PAGE)
                    .max(1);
                let query = |at: usize| {
                    let mut q = form_urlencoded::Serializer::new(String::new());
                    for (k, v) in inputs.query.iter().filter(|(k, _)| k != param) {
                        q.append_pair(k, v);
                    }
                    q.append_pair(param, &cursor(at));
                    format!("<{base_url}{path}?{}>", q.finish())
                };
                let mut links = Vec::new();
                if start > 0 {
                    links.push(format!(
                        "{}; rel=\"prev\"",
                        query(start.saturating_sub(size))
                    ));
                }
                if start + size < items.len() {
                    links.push(format!("{}; rel=\"next\"", query(start + size)));
                }
                link = (!links.is_empty()).then(|| links.join(", "));
                (start, size)
            }
        };
        let page: Vec<Value> = items.iter().skip(start).take(size).cloned().collect();
        if let Some(obj) = body.as_object_mut() {
            obj.insert(paging.items_key().to_string(), Value::Array(page));
        }
    }
    if let (Some(request), Some(obj)) = (
        inputs.body.as_ref().and_then(Value::as_object),
        body.as_object_mut(),
    ) {
        let reject = script.and_then(|s| s.reject.as_ref());
        let mut errors = Vec::new();
        for (array, entries) in request.iter().filter_map(|(k, v)| Some((k, v.as_array()?))) {
            let mut refused = 0;
            if let Some(reject) = reject {
                for (index, item) in entries.iter().enumerate() {
                    if let Some(why) = reject(array, item) {
                        refused += 1;
                        errors.push(json!({"type": why, "input_array": array, "index": index}));
                    }
                }
            }
            let counted = format!("{array}_processed");
            if obj.contains_key(&counted) {
                obj.insert(counted, json!(entries.len() - refused));
            }
        }
        // Counts of arrays the request did not carry are left out, as Braze
        // does (unless the response schema requires them).
        let required = op
            .response_schema
            .as_ref()
            .map(|s| crate::spec::resolve(&crate::spec::spec().document, s)["required"].clone())
            .unwrap_or_default();
        obj.retain(|k, _| {
            k.strip_suffix("_processed").is_none_or(|array| {
                request.contains_key(array)
                    || required.as_array().is_some_and(|r| r.contains(&json!(k)))
            })
        });
        if !errors.is_empty() {
            obj.insert("errors".into(), Value::Array(errors));
        }
    }
    let mut response = Response::json(op.status, &body);
    if let Some(link) = link {
        response = response.header("link", link);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        for n in [0, 1, 50, 12345] {
            assert_eq!(cursor_start(&cursor(n)), Some(n));
        }
        assert_eq!(cursor_start("abc"), None);
    }
}
