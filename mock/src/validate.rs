//! Checks one request against its operation: the key, every declared
//! parameter (typed from its text as the spec's schema says, then validated),
//! and the JSON body against the request schema. A wrong request is answered
//! as Braze answers it: 400 with `message` and an `errors` array whose
//! entries name where the problem is (`location` and a JSON `pointer`; for a
//! parameter also `parameters` and `parameter_values`, the keys Braze's own
//! error objects use).

use serde_json::{Value, json};

use crate::http::Request;
use crate::schema::{Problem, check};
use crate::spec::{Location, Operation};

/// A request refused before it reaches the operation.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub status: u16,
    pub body: Value,
}

impl Rejection {
    pub fn message(status: u16, message: impl Into<String>) -> Self {
        Rejection {
            status,
            body: json!({ "message": message.into() }),
        }
    }
}

/// The key of `Authorization: Bearer <key>`, if there is one.
pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.header("authorization")?.trim();
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// 401 unless the request carries a key (the one required, if any).
pub fn authorize(op: &Operation, req: &Request, required: Option<&str>) -> Result<(), Rejection> {
    let what = if op.scim {
        "SCIM token"
    } else {
        "REST API key"
    };
    match (bearer(req), required) {
        (None, _) => Err(Rejection::message(
            401,
            format!("no {what}: send it as Authorization: Bearer <key>"),
        )),
        (Some(k), Some(r)) if k != r => Err(Rejection::message(401, format!("invalid {what}"))),
        _ => Ok(()),
    }
}

/// One problem found in the request.
struct Fault {
    location: &'static str,
    pointer: String,
    message: String,
    parameter: Option<(String, String)>,
}

/// The request's inputs once checked.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The JSON body (`None` when the operation has none or none was sent).
    pub body: Option<Value>,
}

impl Inputs {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A parameter's text as the JSON value its schema expects (left a string
/// where it does not parse, so that the schema check names it).
fn typed(schema: &Value, raw: &[String]) -> Value {
    if schema["type"] == "array" {
        return Value::Array(raw.iter().map(|s| scalar(&schema["items"], s)).collect());
    }
    scalar(schema, raw.last().map(String::as_str).unwrap_or(""))
}

fn scalar(schema: &Value, s: &str) -> Value {
    let parsed = match schema["type"].as_str() {
        Some("integer") => s.parse::<i64>().ok().map(Value::from),
        Some("number") => s
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        Some("boolean") => match s {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(s.to_string()))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Compiles the validator of every parameter and body of the spec, once per
/// process, so that no request pays for it: a client's first call is
/// answered as fast as its later ones (a pace measured at the server would
/// otherwise start with a stall).
pub fn warm_up() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        for op in &crate::spec::spec().operations {
            for p in &op.params {
                crate::schema::validator(&p.schema);
            }
            if let Some(body) = &op.body {
                crate::schema::validator(body);
            }
        }
    });
}

/// Checks parameters and body; `path` holds the raw path parameters.
pub fn check_request(
    op: &Operation,
    path: &[(String, String)],
    query: &str,
    req: &Request,
) -> Result<Inputs, Rejection> {
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let mut faults = Vec::new();
    for p in &op.params {
        let raw: Vec<String> = match p.location {
            Location::Path => path
                .iter()
                .filter(|(n, _)| *n == p.name)
                .map(|(_, v)| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .collect(),
            Location::Query => query
                .iter()
                .filter(|(n, _)| *n == p.name)
                .map(|(_, v)| v.clone())
                .collect(),
            Location::Header => req
                .header(&p.name)
                .map(|v| vec![v.to_string()])
                .unwrap_or_default(),
        };
        let name = escape(&p.name);
        if raw.is_empty() {
            if p.required {
                faults.push(Fault {
                    location: p.location.as_str(),
                    pointer: format!("/{name}"),
                    message: format!(
                        "the required {} parameter {} is missing",
                        p.location.as_str(),
                        p.name
                    ),
                    parameter: Some((p.name.clone(), String::new())),
                });
            }
            continue;
        }
        let value = typed(&p.schema, &raw);
        for Problem { pointer, message } in check(&p.schema, &value).into_iter().take(1) {
            faults.push(Fault {
                location: p.location.as_str(),
                pointer: format!("/{name}{pointer}"),
                message: format!("{} parameter {}: {message}", p.location.as_str(), p.name),
                parameter: Some((p.name.clone(), raw.join(","))),
            });
        }
    }
    let mut body = None;
    if let Some(schema) = &op.body {
        let text = &req.body;
        if text.iter().all(u8::is_ascii_whitespace) {
            if op.body_required {
                faults.push(Fault {
                    location: "body",
                    pointer: String::new(),
                    message: "a JSON body is required".into(),
                    parameter: None,
                });
            }
        } else if !req
            .header("content-type")
            .is_some_and(|c| c.to_ascii_lowercase().contains("application/json"))
        {
            faults.push(Fault {
                location: "header",
                pointer: "/Content-Type".into(),
                message: "the body must be sent as Content-Type: application/json".into(),
                parameter: Some((
                    "Content-Type".into(),
                    req.header("content-type").unwrap_or("").into(),
                )),
            });
        } else {
            match serde_json::from_slice::<Value>(text) {
                Err(e) => faults.push(Fault {
                    location: "body",
                    pointer: String::new(),
                    message: format!("the body is not JSON: {e}"),
                    parameter: None,
                }),
                Ok(v) => {
                    for Problem { pointer, message } in check(schema, &v).into_iter().take(10) {
                        faults.push(Fault {
                            location: "body",
                            message: format!(
                                "body {}: {message}",
                                if pointer.is_empty() { "/" } else { &pointer }
                            ),
                            pointer,
                            parameter: None,
                        });
                    }
                    body = Some(v);
                }
            }
        }
    }
    if faults.is_empty() {
        return Ok(Inputs { query, body });
    }
    let errors: Vec<Value> = faults
        .iter()
        .map(|f| {
            let mut e = json!({
                "type": "invalid_request",
                "message": f.message,
                "location": f.location,
                "pointer": f.pointer,
            });
            if let Some((name, value)) = &f.parameter {
                e["parameters"] = json!([name]);
                e["parameter_values"] = json!([value]);
            }
            e
        })
        .collect();
    Err(Rejection {
        status: 400,
        body: json!({
            "message": format!("Invalid request: {}", faults[0].message),
            "errors": errors,
        }),
    })
}
