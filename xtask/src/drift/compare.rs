//! The comparison behind `cargo xtask drift`: Braze's endpoint pages
//! against the merged spec (`spec/dist/braze.json`).
//!
//! Operations find their page through `externalDocs.url` (the page the spec
//! says it was written from); a page no operation links, and whose method
//! and path no operation has, is an endpoint the spec lacks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::page::{self, Page};

/// One difference between a page and the spec.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// `METHOD /path (operation_id)`, or `METHOD /path` for a page without
    /// an operation.
    pub subject: String,
    /// `no operation`, `page gone`, `field missing`, `field extra`,
    /// `field type`, `field required`, `rate limit`, `success status`.
    pub check: &'static str,
    pub detail: String,
    /// The page, relative to its docs root (`_docs/_api/endpoints/...`).
    pub page: String,
}

impl Finding {
    /// The line that acknowledges it (`tools/drift-acknowledged.txt`).
    pub fn text(&self) -> String {
        format!("{}: {}: {}", self.subject, self.check, self.detail)
    }
}

/// An endpoint page read from a docs tree.
pub struct DocPage {
    /// Relative to the docs root: `_docs/_api/endpoints/user_data/post_user_track.md`.
    pub rel: String,
    pub page: Page,
}

/// The page an operation's `externalDocs.url` names, relative to a docs
/// root; `None` for a URL outside the API endpoint pages.
pub fn page_of_url(url: &str) -> Option<String> {
    let rest = url.split("/docs/api/").nth(1)?;
    let rest = rest.split('#').next()?.trim_end_matches('/');
    rest.starts_with("endpoints/")
        .then(|| format!("_docs/_api/{rest}.md"))
}

/// `{anything}` and `:name` become `{}`, trailing slashes go: the shape
/// of a path, whatever its parameters are called.
pub fn path_shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    path.split('/')
        .map(|seg| {
            if (seg.starts_with('{') && seg.ends_with('}')) || seg.starts_with(':') {
                "{}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Operation<'a> {
    method: String,
    path: String,
    id: String,
    op: &'a Value,
    item: &'a Value,
}

impl Operation<'_> {
    fn subject(&self) -> String {
        format!("{} {} ({})", self.method.to_uppercase(), self.path, self.id)
    }
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
            ) {
                continue;
            }
            out.push(Operation {
                method: method.clone(),
                path: path.clone(),
                id: op["operationId"].as_str().unwrap_or("?").to_string(),
                op,
                item,
            });
        }
    }
    out
}

/// Follows `$ref`s (bounded: a cycle of references ends the walk).
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(t) => v = t,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

/// The properties of an object schema (through `allOf`, `oneOf`, `anyOf`),
/// the names it requires, and whether it takes keys it does not declare.
struct Shape<'a> {
    properties: BTreeMap<String, &'a Value>,
    required: BTreeSet<String>,
    open: bool,
}

fn shape<'a>(doc: &'a Value, schema: &'a Value, depth: usize) -> Shape<'a> {
    let s = resolve(doc, schema);
    let mut out = Shape {
        properties: BTreeMap::new(),
        required: BTreeSet::new(),
        open: false,
    };
    if depth > 16 {
        return out;
    }
    for (k, v) in s["properties"].as_object().into_iter().flatten() {
        out.properties.insert(k.clone(), v);
    }
    for r in s["required"].as_array().into_iter().flatten() {
        if let Some(r) = r.as_str() {
            out.required.insert(r.to_string());
        }
    }
    match s.get("additionalProperties") {
        Some(Value::Bool(true)) | Some(Value::Object(_)) => out.open = true,
        _ => {}
    }
    for (key, all) in [("allOf", true), ("oneOf", false), ("anyOf", false)] {
        for sub in s[key].as_array().into_iter().flatten() {
            let inner = shape(doc, sub, depth + 1);
            out.properties.extend(inner.properties);
            out.open |= inner.open;
            if all {
                out.required.extend(inner.required);
            }
        }
    }
    out
}

/// The JSON types a schema allows (empty: unknown, compare nothing).
fn schema_types(doc: &Value, schema: &Value, depth: usize) -> BTreeSet<String> {
    let s = resolve(doc, schema);
    let mut out = BTreeSet::new();
    if depth > 16 {
        return out;
    }
    if let Some(t) = s["type"].as_str() {
        out.insert(t.to_string());
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for sub in s[key].as_array().into_iter().flatten() {
            out.extend(schema_types(doc, sub, depth + 1));
        }
    }
    if out.is_empty() && s.get("properties").is_some() {
        out.insert("object".into());
    }
    out
}

/// A page's `Data Type` cell as a JSON type; `None` when it names several
/// or none the checker knows.
fn page_type(cell: &str) -> Option<&'static str> {
    let c = cell.trim();
    if c.is_empty() || c.contains(" or ") || c.contains('/') {
        return None;
    }
    let starts = |p: &[&str]| p.iter().any(|p| c.starts_with(p));
    if c.contains("array") {
        Some("array")
    } else if starts(&["int"]) {
        Some("integer")
    } else if starts(&["float", "number", "double", "decimal"]) {
        Some("number")
    } else if starts(&["bool"]) {
        Some("boolean")
    } else if starts(&["object", "hash", "json object"]) {
        Some("object")
    } else if starts(&["string", "datetime", "date", "iso", "email", "url"]) {
        Some("string")
    } else {
        None
    }
}

fn types_agree(page: &str, schema: &BTreeSet<String>) -> bool {
    schema.is_empty()
        || schema.contains(page)
        || (page == "number" && schema.contains("integer"))
        || (page == "integer" && schema.contains("number"))
}

/// Where a dotted page field (`a.b`, `a[].b`) lands in a body schema: the
/// field's schema and whether its parent requires it. `Err(true)` when the
/// walk passed through an object that takes undeclared keys (nothing to
/// compare), `Err(false)` when the field is not there.
fn lookup<'a>(doc: &'a Value, body: &'a Value, name: &str) -> Result<(&'a Value, bool), bool> {
    let mut current = body;
    let mut result = None;
    for seg in name.split('.') {
        let seg = seg.trim_end_matches("[]");
        let mut s = resolve(doc, current);
        if s["type"] == "array" {
            s = resolve(doc, &s["items"]);
        }
        let sh = shape(doc, s, 0);
        match sh.properties.get(seg) {
            Some(p) => {
                result = Some((*p, sh.required.contains(seg)));
                current = p;
            }
            None => return Err(sh.open),
        }
    }
    result.ok_or(false)
}

struct Param<'a> {
    name: String,
    location: String,
    required: bool,
    schema: &'a Value,
}

fn parameters<'a>(doc: &'a Value, o: &Operation<'a>) -> Vec<Param<'a>> {
    let mut out: Vec<Param<'a>> = Vec::new();
    for list in [&o.item["parameters"], &o.op["parameters"]] {
        for p in list.as_array().into_iter().flatten() {
            let p = resolve(doc, p);
            // `email[]`: an array query parameter, named as it is sent;
            // the pages name it without the brackets.
            let name = p["name"].as_str().unwrap_or_default();
            let name = name.strip_suffix("[]").unwrap_or(name).to_string();
            let location = p["in"].as_str().unwrap_or_default().to_string();
            if location == "header" || location == "cookie" {
                continue;
            }
            out.retain(|q| !(q.name == name && q.location == location));
            out.push(Param {
                name,
                location,
                required: p["required"].as_bool().unwrap_or(false),
                schema: &p["schema"],
            });
        }
    }
    out
}

fn body_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let body = resolve(doc, op.get("requestBody")?);
    body.pointer("/content/application~1json/schema")
}

/// Compares one page with one operation.
fn compare_page(doc: &Value, o: &Operation<'_>, rel: &str, page: &Page, out: &mut Vec<Finding>) {
    let subject = o.subject();
    let mut push = |check: &'static str, detail: String| {
        out.push(Finding {
            subject: subject.clone(),
            check,
            detail,
            page: rel.to_string(),
        })
    };
    let params = parameters(doc, o);
    let body = body_schema(doc, o.op);
    let body_shape = body.map(|b| {
        let s = resolve(doc, b);
        shape(doc, s, 0)
    });

    // Fields of the page's tables.
    let mut on_page: BTreeSet<String> = BTreeSet::new();
    for f in &page.fields {
        let top = f
            .name
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .to_string();
        on_page.insert(top.clone());
        on_page.insert(f.name.clone());
        let param = params.iter().find(|p| {
            p.name == f.name
                && (f.table == "request" || p.location == f.table)
                && (f.table != "request" || body.is_none() || p.location != "path")
        });
        let (schema, required) = if let Some(p) = param {
            (p.schema, p.required)
        } else if let Some(b) = body.filter(|_| f.table == "request") {
            match lookup(doc, b, &f.name) {
                Ok(found) => found,
                Err(true) => continue,
                Err(false) => {
                    push("field missing", format!("`{}` ({} table)", f.name, f.table));
                    continue;
                }
            }
        } else {
            push("field missing", format!("`{}` ({} table)", f.name, f.table));
            continue;
        };
        if let Some(t) = page_type(&f.data_type) {
            let types = schema_types(doc, schema, 0);
            if !types_agree(t, &types) {
                let types: Vec<_> = types.into_iter().collect();
                push(
                    "field type",
                    format!("`{}`: page {t}, spec {}", f.name, types.join("|")),
                );
            }
        }
        let page_required = if f.required.starts_with("required") {
            Some(true)
        } else if f.required.starts_with("optional") {
            Some(false)
        } else {
            None
        };
        if let Some(pr) = page_required
            && pr != required
        {
            let word = |r: bool| if r { "required" } else { "optional" };
            push(
                "field required",
                format!(
                    "`{}`: {} on the page, {} in the spec",
                    f.name,
                    word(pr),
                    word(required)
                ),
            );
        }
    }

    // Keys of the request examples.
    for key in &page.example_keys {
        on_page.insert(key.clone());
        let in_body = body_shape
            .as_ref()
            .is_some_and(|s| s.open || s.properties.contains_key(key));
        let in_params = params.iter().any(|p| &p.name == key);
        if !in_body && !in_params && !page.fields.iter().any(|f| &f.name == key) {
            push("field missing", format!("`{key}` (request example)"));
        }
    }

    // What the spec has and the page's tables do not.
    let has = |t: &str| page.fields.iter().any(|f| f.table == t);
    if let Some(s) = &body_shape
        && has("request")
    {
        for (name, schema) in &s.properties {
            let read_only = resolve(doc, schema)["readOnly"] == Value::Bool(true);
            if !read_only && !on_page.contains(name) {
                push(
                    "field extra",
                    format!("`{name}` (request body) is not on the page"),
                );
            }
        }
    }
    for p in &params {
        let documented = match p.location.as_str() {
            "path" => has("path"),
            "query" => has("query") || (has("request") && body.is_none()),
            _ => false,
        };
        if documented && !on_page.contains(&p.name) {
            push(
                "field extra",
                format!("`{}` ({} parameter) is not on the page", p.name, p.location),
            );
        }
    }

    // Rate limit.
    if let Some((n, w)) = page::parse_limit(&page.rate_limit_text) {
        let rl = &o.op["x-braze-rate-limit"];
        let spec = (rl["requests"].as_u64(), rl["window_seconds"].as_u64());
        if spec != (Some(n), Some(w)) {
            let spec_text = match spec {
                (Some(r), Some(s)) => format!("{r} per {s} s"),
                _ if rl["unlimited"] == Value::Bool(true) => "unlimited".to_string(),
                _ => "none".to_string(),
            };
            push(
                "rate limit",
                format!("page {n} per {w} s, spec {spec_text}"),
            );
        }
    }

    // Success status.
    if !page.success_statuses.is_empty() {
        let spec: Vec<String> = o.op["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .filter(|k| k.starts_with('2'))
            .collect();
        let agrees = spec.iter().any(|k| {
            k.parse::<u16>()
                .is_ok_and(|c| page.success_statuses.contains(&c))
        });
        if !agrees {
            let page_codes: Vec<String> =
                page.success_statuses.iter().map(u16::to_string).collect();
            push(
                "success status",
                format!("page {}, spec {}", page_codes.join("|"), spec.join("|")),
            );
        }
    }
}

/// Every finding for `doc` against `pages`, sorted.
pub fn compare(doc: &Value, pages: &[DocPage]) -> Vec<Finding> {
    let ops = operations(doc);
    let by_rel: BTreeMap<&str, &DocPage> = pages.iter().map(|p| (p.rel.as_str(), p)).collect();
    let mut out = Vec::new();
    let mut linked: BTreeSet<&str> = BTreeSet::new();
    for o in &ops {
        let url = o.op.pointer("/externalDocs/url").and_then(Value::as_str);
        let Some(rel) = url.and_then(page_of_url) else {
            continue;
        };
        match by_rel.get(rel.as_str()) {
            Some(p) => {
                linked.insert(p.rel.as_str());
                compare_page(doc, o, &p.rel, &p.page, &mut out);
            }
            None => out.push(Finding {
                subject: o.subject(),
                check: "page gone",
                detail: rel.clone(),
                page: rel,
            }),
        }
    }
    let shapes: BTreeSet<(String, String)> = ops
        .iter()
        .map(|o| (o.method.clone(), path_shape(&o.path)))
        .collect();
    for p in pages {
        if linked.contains(p.rel.as_str()) {
            continue;
        }
        if shapes.contains(&(p.page.method.clone(), path_shape(&p.page.path))) {
            continue;
        }
        out.push(Finding {
            subject: format!("{} {}", p.page.method.to_uppercase(), p.page.path),
            check: "no operation",
            detail: p.rel.clone(),
            page: p.rel.clone(),
        });
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {
                "/things/{id}": {
                    "post": {
                        "operationId": "things_update",
                        "externalDocs": {"url": "https://www.braze.com/docs/api/endpoints/things/post_thing/"},
                        "x-braze-rate-limit": {"requests": 3000, "window_seconds": 3, "bucket": "t"},
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "responses": {"201": {"description": "ok"}}
                    }
                }
            },
            "components": {"schemas": {"Thing": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}, "id": {"type": "string", "readOnly": true}}
            }}}
        })
    }

    fn page(md: &str) -> Vec<DocPage> {
        vec![DocPage {
            rel: "_docs/_api/endpoints/things/post_thing.md".into(),
            page: page::parse(md, "").expect("endpoint page"),
        }]
    }

    const CLEAN: &str = "{% apimethod post %}\n/things/{id}\n{% endapimethod %}\n## Rate limit\n3,000 requests per three seconds.\n## Path parameters\n| Parameter | Required | Data Type | Description |\n|---|---|---|---|\n| `id` | Required | String | x |\n## Request parameters\n| Parameter | Required | Data Type | Description |\n|---|---|---|---|\n| `name` | Required | String | x |\n| `tags` | Optional | Array of strings | x |\n## Response\nThe status code `201` could return this.\n";

    #[test]
    fn a_page_that_matches_gives_nothing() {
        assert_eq!(compare(&doc(), &page(CLEAN)), vec![]);
    }

    #[test]
    fn each_kind_of_difference_is_found() {
        let md = CLEAN
            .replace("`name` | Required | String", "`title` | Required | Integer")
            .replace(
                "`tags` | Optional | Array of strings",
                "`tags` | Required | String",
            )
            .replace("3,000 requests per three seconds", "50 requests per minute")
            .replace("`201`", "`200`");
        let texts: Vec<String> = compare(&doc(), &page(&md))
            .iter()
            .map(Finding::text)
            .collect();
        let s = "POST /things/{id} (things_update)";
        assert_eq!(
            texts,
            vec![
                format!("{s}: field extra: `name` (request body) is not on the page"),
                format!("{s}: field missing: `title` (request table)"),
                format!("{s}: field required: `tags`: required on the page, optional in the spec"),
                format!("{s}: field type: `tags`: page string, spec array"),
                format!("{s}: rate limit: page 50 per 60 s, spec 3000 per 3 s"),
                format!("{s}: success status: page 200, spec 201"),
            ]
        );
    }

    #[test]
    fn pages_without_operations_and_operations_without_pages() {
        let other = "{% apimethod get %}\n/others\n{% endapimethod %}\n";
        let pages = vec![DocPage {
            rel: "_docs/_api/endpoints/others/get_others.md".into(),
            page: page::parse(other, "").unwrap(),
        }];
        let texts: Vec<String> = compare(&doc(), &pages).iter().map(Finding::text).collect();
        assert_eq!(
            texts,
            vec![
                "GET /others: no operation: _docs/_api/endpoints/others/get_others.md".to_string(),
                "POST /things/{id} (things_update): page gone: _docs/_api/endpoints/things/post_thing.md".to_string(),
            ]
        );
    }

    #[test]
    fn urls_and_path_shapes() {
        assert_eq!(
            page_of_url("https://www.braze.com/docs/api/endpoints/user_data/post_user_track/#x")
                .as_deref(),
            Some("_docs/_api/endpoints/user_data/post_user_track.md")
        );
        assert_eq!(
            page_of_url("https://www.braze.com/docs/user_guide/x/"),
            None
        );
        assert_eq!(path_shape("/a/{b}/c/:d/"), "/a/{}/c/{}");
    }
}
