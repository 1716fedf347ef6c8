//! The operations of the embedded spec (`spec/dist/braze.json`, compiled into
//! the crate so that the binary needs no file next to it), read once into a
//! table the server routes and validates by.

use std::sync::OnceLock;

use serde_json::Value;

/// The exported spec this mock serves (the one in the repository when the
/// crate was built).
pub const SPEC_JSON: &str = include_str!("../../spec/dist/braze.json");

// The example files the spec references (`spec/dist/examples/`), embedded
// by build.rs.
include!(concat!(env!("OUT_DIR"), "/external_examples.rs"));

/// Replaces, in `doc`, every `examples` entry that references an example
/// file of `spec/dist/examples/` (`{"$ref": "examples/..."}`) with that
/// file's Example Object, so the document reads as if the example were
/// inline. The export moves an example out when a linter would misread it
/// (the generator's `external_examples`). A reference to a file the crate
/// did not embed is an error.
pub fn inline_external_examples(doc: &mut Value) -> Result<(), String> {
    match doc {
        Value::Object(m) => {
            if let Some(Value::Object(examples)) = m.get_mut("examples") {
                for e in examples.values_mut() {
                    let Some(path) = e
                        .get("$ref")
                        .and_then(Value::as_str)
                        .filter(|r| r.starts_with("examples/"))
                    else {
                        continue;
                    };
                    let (_, text) = EXTERNAL_EXAMPLES
                        .iter()
                        .find(|(p, _)| *p == path)
                        .ok_or_else(|| format!("{path}: not among the embedded example files"))?;
                    *e = serde_json::from_str(text).map_err(|err| format!("{path}: {err}"))?;
                }
            }
            m.values_mut().try_for_each(inline_external_examples)
        }
        Value::Array(items) => items.iter_mut().try_for_each(inline_external_examples),
        _ => Ok(()),
    }
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// One declared parameter, its schema resolved.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub schema: Value,
    /// The spec's example value, if it gives one.
    pub example: Option<Value>,
}

/// How a list operation pages (`x-braze-pagination`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paging {
    /// `page` from 0, `page_size` items per page.
    Page {
        param: String,
        page_size: usize,
        items: String,
    },
    /// `offset` and `limit` query parameters.
    Offset {
        offset_param: String,
        limit_param: String,
        default_limit: usize,
        items: String,
    },
    /// An opaque cursor carried by the `Link` header's `rel="next"` link.
    Cursor { param: String, items: String },
}

impl Paging {
    /// The response property holding the page's items.
    pub fn items_key(&self) -> &str {
        match self {
            Paging::Page { items, .. }
            | Paging::Offset { items, .. }
            | Paging::Cursor { items, .. } => items,
        }
    }
}

/// The documented limit of an operation (`x-braze-rate-limit`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecLimit {
    pub bucket: String,
    /// `None` where Braze says the bucket is unlimited.
    pub per_window: Option<(u64, u64)>,
}

/// One operation of the spec.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    /// Upper case (`POST`).
    pub method: String,
    /// The path template (`/catalogs/{catalog_name}/items`).
    pub path: String,
    pub tag: String,
    pub params: Vec<Param>,
    /// The request body's schema (as written, `$ref`s into components).
    pub body: Option<Value>,
    pub body_required: bool,
    /// The request body's example.
    pub body_example: Option<Value>,
    /// The status Braze sends on success (`2XX` in the spec answers 200).
    pub status: u16,
    /// The success response's example (`None` for a bodiless 204).
    pub example: Option<Value>,
    /// The success response's schema.
    pub response_schema: Option<Value>,
    pub limit: SpecLimit,
    pub paging: Option<Paging>,
    /// Authorised by the SCIM token (the other operations by a REST API key).
    pub scim: bool,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug)]
enum Segment {
    Literal(String),
    Param(String),
}

/// The parsed spec and its operations.
pub struct Spec {
    pub document: Value,
    pub operations: Vec<Operation>,
}

/// The spec, parsed on first use and shared by every server of the process.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut document: Value = serde_json::from_str(SPEC_JSON)
            .expect("the embedded spec is JSON (checked by the tests)");
        inline_external_examples(&mut document)
            .expect("build.rs embeds every example file the spec references");
        let operations = operations(&document);
        Spec {
            document,
            operations,
        }
    })
}

/// Follows local `$ref`s.
pub fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/") => v = doc.pointer(&r[1..]).unwrap_or(&Value::Null),
            _ => break,
        }
    }
    v
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            let op = &item[method];
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let mut params = Vec::new();
            for list in [&item["parameters"], &op["parameters"]] {
                for p in list.as_array().into_iter().flatten() {
                    let p = resolve(doc, p);
                    let location = match p["in"].as_str() {
                        Some("path") => Location::Path,
                        Some("header") => Location::Header,
                        Some("query") => Location::Query,
                        _ => continue,
                    };
                    let schema = resolve(doc, &p["schema"]).clone();
                    let example = p
                        .get("example")
                        .cloned()
                        .or_else(|| {
                            p["examples"]
                                .as_object()
                                .and_then(|m| m.values().next())
                                .map(|e| resolve(doc, e)["value"].clone())
                        })
                        .or_else(|| schema.get("example").cloned());
                    params.push(Param {
                        name: p["name"].as_str().unwrap_or_default().to_string(),
                        location,
                        required: p["required"].as_bool() == Some(true),
                        schema,
                        example,
                    });
                }
            }
            let request = resolve(doc, &op["requestBody"]);
            let body = request["content"]["application/json"]
                .get("schema")
                .cloned();
            let body_media = &request["content"]["application/json"];
            let body_example = body_media
                .get("example")
                .cloned()
                .or_else(|| {
                    body_media["examples"]
                        .as_object()
                        .and_then(|e| e.values().next())
                        .map(|e| resolve(doc, e)["value"].clone())
                })
                .or_else(|| {
                    body.as_ref()
                        .and_then(|b| resolve(doc, b).get("example").cloned())
                });
            let (status, success) = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .find(|(code, _)| code.starts_with('2'))
                .map(|(code, r)| (code.parse().unwrap_or(200), resolve(doc, r)))
                .unwrap_or((200, &Value::Null));
            let media = &success["content"]["application/json"];
            let example = media
                .get("example")
                .cloned()
                .or_else(|| {
                    media["examples"]
                        .as_object()
                        .and_then(|e| e.values().next())
                        .map(|e| resolve(doc, e)["value"].clone())
                })
                .or_else(|| resolve(doc, &media["schema"]).get("example").cloned());
            let limit = &op["x-braze-rate-limit"];
            let per_window = match (limit["requests"].as_u64(), limit["window_seconds"].as_u64()) {
                (Some(r), Some(w)) if limit["unlimited"].as_bool() != Some(true) => Some((r, w)),
                _ => None,
            };
            let scim = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s.get("BrazeScimToken").is_some());
            out.push(Operation {
                id: id.to_string(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                tag: op["tags"][0].as_str().unwrap_or_default().to_string(),
                params,
                body,
                body_required: request["required"].as_bool() == Some(true),
                body_example,
                status,
                example,
                response_schema: media.get("schema").cloned(),
                limit: SpecLimit {
                    bucket: limit["bucket"].as_str().unwrap_or("default").to_string(),
                    per_window,
                },
                paging: paging(&op["x-braze-pagination"]),
                scim,
                segments: segments(path),
            });
        }
    }
    out
}

fn paging(p: &Value) -> Option<Paging> {
    let s = |k: &str, d: &str| p[k].as_str().unwrap_or(d).to_string();
    let n = |k: &str, d: u64| p[k].as_u64().unwrap_or(d) as usize;
    let items = s("items", "items");
    match p["style"].as_str()? {
        "page" => Some(Paging::Page {
            param: s("param", "page"),
            page_size: n("page_size", 100),
            items,
        }),
        "offset" => Some(Paging::Offset {
            offset_param: s("offset_param", "offset"),
            limit_param: s("limit_param", "limit"),
            default_limit: n("default_limit", 100),
            items,
        }),
        "cursor" => Some(Paging::Cursor {
            param: s("param", "cursor"),
            items,
        }),
        _ => None,
    }
}

fn segments(path: &str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

/// Path parameters by name, as sent (still percent-encoded).
pub type PathParams = Vec<(String, String)>;

/// What a request path and method lead to.
pub enum Route<'a> {
    /// The operation and its path parameters (raw, still percent-encoded).
    Found(&'a Operation, PathParams),
    /// The path exists, not with this method: the methods it has.
    WrongMethod(Vec<&'a str>),
    NotFound,
}

impl Spec {
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The operation for `method` and `path` (no query). Where templates
    /// overlap, the one with most literal segments wins
    /// (`/campaigns/list` before `/campaigns/{id}`).
    pub fn route(&self, method: &str, path: &str) -> Route<'_> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<(usize, &Operation, PathParams)> = None;
        let mut methods = Vec::new();
        for op in &self.operations {
            if op.segments.len() != parts.len() {
                continue;
            }
            let mut literals = 0;
            let mut values = Vec::new();
            let fits = op.segments.iter().zip(&parts).all(|(s, p)| match s {
                Segment::Literal(l) => {
                    literals += 1;
                    l == p
                }
                Segment::Param(name) => {
                    values.push((name.clone(), p.to_string()));
                    !p.is_empty()
                }
            });
            if !fits {
                continue;
            }
            if op.method != method {
                methods.push(op.method.as_str());
                continue;
            }
            if best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
                best = Some((literals, op, values));
            }
        }
        match best {
            Some((_, op, values)) => Route::Found(op, values),
            None if !methods.is_empty() => Route::WrongMethod(methods),
            None => Route::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_read_with_its_route() {
        let spec = spec();
        assert!(spec.operations.len() > 100);
        for op in &spec.operations {
            let path = op.path.replace('{', "x").replace('}', "");
            match spec.route(&op.method, &path) {
                Route::Found(found, _) => assert_eq!(found.id, op.id, "{path}"),
                _ => panic!("{} {} does not route", op.method, op.path),
            }
        }
        let track = spec.operation("users_track").unwrap();
        assert_eq!(
            (track.status, track.limit.bucket.as_str()),
            (201, "users-track")
        );
        assert_eq!(track.limit.per_window, Some((3000, 3)));
        assert!(
            matches!(spec.route("GET", "/users/track"), Route::WrongMethod(m) if m == ["POST"])
        );
        assert!(matches!(
            spec.route("GET", "/nothing/here"),
            Route::NotFound
        ));
    }
}
