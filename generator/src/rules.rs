//! The project's rules for the spec, checked before progenitor sees it.
//!
//! progenitor rejects or panics on some constructs and silently mishandles
//! others; these rules catch them, and the project's own conventions, with a
//! located message each. Every rule runs on the merged JSON document so that a
//! violation is reported with its JSON pointer.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::conventions::RATE_LIMIT_HEADERS;
use crate::diagnostics::{Diagnostics, escape_token, pointer};
use crate::load::LoadedSpec;
use crate::walk::{OperationRef, operations, reachable_components, request_schemas, resolve};

/// Runs every rule and returns all violations.
pub fn check(spec: &LoadedSpec) -> Diagnostics {
    let mut c = Checker {
        spec,
        diags: Diagnostics::default(),
    };
    c.check_header();
    c.check_refs(&spec.document, String::new());
    c.check_placeholder_objects(&spec.document, String::new(), false);
    c.check_operations();
    c.check_request_defaults();
    c.check_required_strings();
    c.check_nested_inline_schemas(&spec.document, String::new(), false);
    c.diags.sort();
    c.diags
}

struct Checker<'a> {
    spec: &'a LoadedSpec,
    diags: Diagnostics,
}

impl Checker<'_> {
    /// Objects with properties and `oneOf`/`anyOf` compositions nested in
    /// another schema must be named components: other generators invent a
    /// name for them (`CampaignMessageDetails_extras`), which then changes
    /// from one toolchain (and version) to the next.
    fn check_nested_inline_schemas(&mut self, value: &Value, at: String, nested: bool) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(values)) = map.get("enum") {
                    let mut seen = BTreeSet::new();
                    for v in values.iter().filter_map(Value::as_str) {
                        if !seen.insert(v.to_ascii_lowercase()) {
                            self.error(&format!("{at}/enum"), format!("`{v}` differs from another value only by case: other generators (Python) cannot name both; list one spelling and say in the description that Braze sends the other (the Rust SDK decodes any case)"));
                        }
                    }
                }
                if let (Some(Value::Object(props)), Some(ap)) =
                    (map.get("properties"), map.get("additionalProperties"))
                    && ap != &Value::Bool(false)
                    && props.keys().any(|k| k.eq_ignore_ascii_case("extra"))
                {
                    self.error(&format!("{at}/properties"), "a property named `extra` beside `additionalProperties`: the SDK keeps the extra keys in a field named `extra`, and the two would collide (rename the property in the spec only if Braze allows, or drop `additionalProperties`)");
                }
                if nested {
                    let has_props = map
                        .get("properties")
                        .and_then(Value::as_object)
                        .is_some_and(|p| !p.is_empty());
                    let composed = map.contains_key("oneOf")
                        || map.contains_key("anyOf")
                        || map
                            .get("allOf")
                            .and_then(Value::as_array)
                            .is_some_and(|a| a.len() > 1);
                    if has_props || composed {
                        self.error(&at, "an inline object or composition inside another schema: make it a named component so that every toolchain names it the same");
                    }
                }
                for (k, v) in map {
                    if k == "example" || k == "examples" || k.starts_with("x-") {
                        continue;
                    }
                    let at = format!("{at}/{}", escape_token(k));
                    match k.as_str() {
                        "properties" => {
                            if let Value::Object(props) = v {
                                for (name, p) in props {
                                    let at = format!("{at}/{}", escape_token(name));
                                    self.check_nested_inline_schemas(p, at, true);
                                }
                            }
                        }
                        "items" | "additionalProperties" => {
                            self.check_nested_inline_schemas(v, at, true)
                        }
                        "oneOf" | "anyOf" | "allOf" => {
                            if let Value::Array(subs) = v {
                                for (i, s) in subs.iter().enumerate() {
                                    // Members are not nested schemas themselves,
                                    // but what they hold is.
                                    self.check_nested_inline_schemas(s, format!("{at}/{i}"), false);
                                }
                            }
                        }
                        _ => self.check_nested_inline_schemas(v, at, false),
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_nested_inline_schemas(v, format!("{at}/{i}"), false);
                }
            }
            _ => {}
        }
    }

    /// A required string parameter must refuse the empty string: Braze
    /// treats `?id=` or `/catalogs//items` as a different request, and the
    /// SDK should fail before sending it.
    fn check_required_strings(&mut self) {
        let doc = self.doc();
        let mut found = Vec::new();
        let mut visit = |ptr: String, param: &Value| {
            let Some(schema) = param.get("schema") else {
                return;
            };
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            let string = schema.get("type").and_then(Value::as_str) == Some("string");
            let bounded = ["minLength", "enum", "pattern", "format"]
                .iter()
                .any(|k| schema.get(*k).is_some());
            if required && string && !bounded {
                found.push(format!("{ptr}/schema"));
            }
        };
        if let Some(Value::Object(params)) = doc.pointer("/components/parameters") {
            for (name, param) in params {
                visit(
                    format!("/components/parameters/{}", escape_token(name)),
                    param,
                );
            }
        }
        for op in crate::walk::operations(doc) {
            for (owner, base) in [
                (op.path_item, format!("/paths/{}", escape_token(op.path))),
                (op.operation, op.pointer.clone()),
            ] {
                if let Some(Value::Array(list)) = owner.get("parameters") {
                    for (i, param) in list.iter().enumerate() {
                        if param.get("$ref").is_none() {
                            visit(format!("{base}/parameters/{i}"), param);
                        }
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        for ptr in found {
            self.error(
                &ptr,
                "a required string parameter needs `minLength: 1` (or an enum, pattern or format): an empty value must fail before it is sent",
            );
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let d = self.spec.origins.diagnostic(pointer, message);
        self.diags.push(d);
    }

    fn doc(&self) -> &Value {
        &self.spec.document
    }

    fn check_header(&mut self) {
        match self.doc().get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0.") => {}
            Some(v) => self.error(
                "/openapi",
                format!("OpenAPI {v} is not supported: the spec must be OpenAPI 3.0.x"),
            ),
            None => self.error("/openapi", "missing `openapi: 3.0.x`"),
        }
        for key in ["title", "version"] {
            if self
                .doc()
                .pointer(&format!("/info/{key}"))
                .and_then(Value::as_str)
                .is_none()
            {
                self.error(&format!("/info/{key}"), format!("missing info.{key}"));
            }
        }
        if let Some(version) = self.doc().pointer("/info/version").and_then(Value::as_str)
            && !is_package_version(version)
        {
            self.error(
                "/info/version",
                format!("info.version `{version}` is not MAJOR.MINOR.PATCH (digits, no leading zeros): generated packages (npm, PyPI) take it as their version, and semver and PEP 440 must both accept it"),
            );
        }
    }

    /// Every `$ref` must be local and point at something that exists.
    fn check_refs(&mut self, value: &Value, at: String) {
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref") {
                    match r.as_str() {
                        Some(r) if r.starts_with("#/") => {
                            if self.doc().pointer(&r[1..]).is_none() {
                                self.error(
                                    &format!("{at}/$ref"),
                                    format!(
                                        "`{r}` does not resolve to anything in the merged document"
                                    ),
                                );
                            }
                        }
                        _ => self.error(
                            &format!("{at}/$ref"),
                            "only local references (`#/components/...`) are allowed",
                        ),
                    }
                }
                for (k, v) in map {
                    if k == "example" || k == "examples" || k.starts_with("x-") {
                        continue;
                    }
                    self.check_refs(v, format!("{at}/{}", escape_token(k)));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_refs(v, format!("{at}/{i}"));
                }
            }
            _ => {}
        }
    }

    /// A `default` on a property of a request body would be sent on every
    /// request (typify makes such a field always present), which changes
    /// what Braze does: say the default in the description instead.
    fn check_request_defaults(&mut self) {
        let doc = self.doc();
        let requests = request_schemas(doc);
        let mut found = Vec::new();
        for (at, schema) in &requests {
            property_defaults(schema, at.clone(), &mut found);
        }
        let roots = requests.iter().map(|(_, s)| *s).collect();
        for name in reachable_components(doc, roots) {
            if let Some(schema) = doc.pointer(&format!("/components/schemas/{name}")) {
                property_defaults(
                    schema,
                    pointer(["components", "schemas", &name]),
                    &mut found,
                );
            }
        }
        for at in found {
            self.error(&at, "a request body property must not have a `default` (it would be sent on every request); state the default in the description");
        }
    }

    /// `type: object` with nothing said about its content is a placeholder.
    fn check_placeholder_objects(&mut self, value: &Value, at: String, in_schema: bool) {
        match value {
            Value::Object(map) => {
                if in_schema && map.get("type").and_then(Value::as_str) == Some("object") {
                    let described = [
                        "properties",
                        "additionalProperties",
                        "allOf",
                        "oneOf",
                        "anyOf",
                        "x-rust-type",
                    ]
                    .iter()
                    .any(|k| match map.get(*k) {
                        Some(Value::Bool(false)) => false,
                        Some(Value::Object(m)) if *k == "properties" => !m.is_empty(),
                        Some(_) => true,
                        None => false,
                    });
                    if !described {
                        self.error(&at, "placeholder `type: object`: declare its `properties` or a typed `additionalProperties`");
                    }
                }
                if in_schema && map.get("type").and_then(Value::as_str) == Some("array") {
                    let typed = map
                        .get("items")
                        .and_then(Value::as_object)
                        .is_some_and(|items| {
                            [
                                "$ref",
                                "type",
                                "allOf",
                                "oneOf",
                                "anyOf",
                                "enum",
                                "x-rust-type",
                            ]
                            .iter()
                            .any(|k| items.contains_key(*k))
                        });
                    if !typed {
                        self.error(&at, "untyped array: give `items` a type or a `$ref` (`#/components/schemas/JsonValue` for entries of unknown shape)");
                    }
                }
                for (k, v) in map {
                    if k == "example" || k == "examples" || k.starts_with("x-") {
                        continue;
                    }
                    let child_is_schema = match k.as_str() {
                        "schema" | "items" | "additionalProperties" | "not" => true,
                        "schemas" => at == "/components",
                        _ => in_schema,
                    };
                    self.check_placeholder_objects(
                        v,
                        format!("{at}/{}", escape_token(k)),
                        child_is_schema,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_placeholder_objects(v, format!("{at}/{i}"), in_schema);
                }
            }
            _ => {}
        }
    }

    fn check_operations(&mut self) {
        let document = self.doc();
        let tags: BTreeSet<String> = document
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
        let ops = operations(document);
        let mut found = Vec::new();
        for op in &ops {
            found.extend(self.operation_problems(op, &tags, &mut seen_ids));
        }
        for (ptr, msg) in found {
            self.error(&ptr, msg);
        }
    }

    /// Problems of one operation as (pointer, message) pairs.
    fn operation_problems(
        &self,
        op: &OperationRef<'_>,
        tags: &BTreeSet<String>,
        seen_ids: &mut BTreeMap<String, String>,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let at = &op.pointer;
        let o = op.operation;
        let mut err = |ptr: String, msg: String| out.push((ptr, msg));

        // operationId: present, snake_case, unique.
        match o.get("operationId").and_then(Value::as_str) {
            None => err(format!("{at}/operationId"), "missing operationId".into()),
            Some(id) => {
                let snake = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !snake {
                    err(
                        format!("{at}/operationId"),
                        format!("operationId `{id}` is not snake_case"),
                    );
                }
                if let Some(other) = seen_ids.get(id) {
                    err(
                        format!("{at}/operationId"),
                        format!("operationId `{id}` is already used at {other}"),
                    );
                } else {
                    seen_ids.insert(id.to_string(), at.clone());
                }
            }
        }

        // Exactly one known tag; summary; description; externalDocs.
        match o.get("tags").and_then(Value::as_array) {
            Some(t) if t.len() == 1 => {
                let name = t[0].as_str().unwrap_or_default();
                if !tags.contains(name) {
                    err(
                        format!("{at}/tags/0"),
                        format!("tag `{name}` is not declared in the root `tags` list"),
                    );
                }
            }
            Some(t) => err(
                format!("{at}/tags"),
                format!("exactly one tag is required, found {}", t.len()),
            ),
            None => err(
                format!("{at}/tags"),
                "exactly one tag is required, found none".into(),
            ),
        }
        for key in ["summary", "description"] {
            if o.get(key)
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                err(format!("{at}/{key}"), format!("missing {key}"));
            }
        }
        if o.pointer("/externalDocs/url")
            .and_then(Value::as_str)
            .is_none()
        {
            err(
                format!("{at}/externalDocs"),
                "missing externalDocs.url (the Braze reference page)".into(),
            );
        }

        // Path parameters: every `{name}` declared, every declared one used.
        let declared = self.path_parameters(op);
        let in_path: Vec<&str> = op
            .path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name))
            .collect();
        for name in &in_path {
            if !declared.contains(*name) {
                err(
                    format!("{at}/parameters"),
                    format!("path parameter `{{{name}}}` is not declared"),
                );
            }
        }
        for name in &declared {
            if !in_path.contains(&name.as_str()) {
                err(
                    format!("{at}/parameters"),
                    format!("path parameter `{name}` is declared but not in the path"),
                );
            }
        }

        // Request body: one JSON media type with a schema.
        if let Some(body) = o.get("requestBody").and_then(|b| resolve(self.doc(), b)) {
            let content = body.get("content").and_then(Value::as_object);
            match content {
                Some(c) if c.len() == 1 => {
                    let (media, m) = c.iter().next().expect("one entry");
                    if media != "application/json" {
                        err(
                            format!("{at}/requestBody/content"),
                            format!(
                                "request media type `{media}` is not supported: use application/json"
                            ),
                        );
                    } else if m.get("schema").is_none() {
                        err(
                            format!("{at}/requestBody/content/application~1json"),
                            "request body has no schema".into(),
                        );
                    }
                }
                Some(c) => err(
                    format!("{at}/requestBody/content"),
                    format!(
                        "exactly one request media type is allowed, found {}",
                        c.len()
                    ),
                ),
                None => err(
                    format!("{at}/requestBody"),
                    "request body has no content".into(),
                ),
            }
        }

        // Responses: one success, one error schema.
        self.response_problems(op, &mut err);

        // Vendor extensions the SDK runtime depends on: their shape (one
        // typed model, see `extensions`), then what they refer to.
        match crate::extensions::operation_extensions(o) {
            Err(problems) => {
                for (ptr, message) in problems {
                    err(format!("{at}{ptr}"), message);
                }
            }
            Ok(ext) => {
                let known: Vec<&str> = self
                    .doc()
                    .pointer("/components/schemas/BrazeErrorId/enum")
                    .and_then(Value::as_array)
                    .map(|v| v.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for (i, id) in ext.error_ids.iter().enumerate() {
                    if !known.contains(&id.as_str()) {
                        err(
                            format!("{at}/x-braze-error-ids/{i}"),
                            format!("\"{id}\" is not a value of the BrazeErrorId schema"),
                        );
                    }
                }
                if let Some(p) = &ext.pagination {
                    self.pagination_problems(op, p, &mut err);
                }
                if ext.availability.is_some() {
                    let description = o
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if !description.contains("Beta")
                        && !description.contains("Early access")
                        && !description.contains("early access")
                        && !description.contains("beta")
                    {
                        err(
                            format!("{at}/description"),
                            "an operation with x-braze-availability must say so in its description (the SDK's docs come from it)".into(),
                        );
                    }
                }
            }
        }
        out
    }

    fn all_parameters<'v>(&'v self, op: &OperationRef<'v>) -> Vec<&'v Value> {
        let doc = self.doc();
        [
            op.path_item.get("parameters"),
            op.operation.get("parameters"),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|p| resolve(doc, p))
        .collect()
    }

    fn path_parameters(&self, op: &OperationRef<'_>) -> BTreeSet<String> {
        self.all_parameters(op)
            .into_iter()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    fn response_problems(&self, op: &OperationRef<'_>, err: &mut impl FnMut(String, String)) {
        let at = &op.pointer;
        let Some(responses) = op.operation.get("responses").and_then(Value::as_object) else {
            err(format!("{at}/responses"), "missing responses".into());
            return;
        };
        let mut successes = Vec::new();
        let mut error_schemas: Vec<(String, Value)> = Vec::new();
        for (code, response) in responses {
            let ptr = format!("{at}/responses/{}", escape_token(code));
            let Some(response) = resolve(self.doc(), response) else {
                continue;
            };
            let content = response.get("content").and_then(Value::as_object);
            let schema = content
                .and_then(|c| c.get("application/json"))
                .and_then(|m| m.get("schema"));
            if let Some(c) = content
                && c.len() > 1
            {
                err(
                    format!("{ptr}/content"),
                    "one response media type per status is allowed".into(),
                );
            }
            let is_success = code.starts_with('2');
            if is_success {
                successes.push(code.clone());
                let headers = response.get("headers").and_then(Value::as_object);
                for h in RATE_LIMIT_HEADERS {
                    if !headers.is_some_and(|m| m.contains_key(h)) {
                        err(
                            format!("{ptr}/headers"),
                            format!("the success response must declare the `{h}` header"),
                        );
                    }
                }
                let empty = content.is_none_or(|c| c.is_empty());
                if code == "204" && !empty {
                    err(ptr.clone(), "a 204 response must not have content".into());
                }
                if code != "204" && schema.is_none() {
                    err(
                        ptr.clone(),
                        "a success response needs an application/json schema (or use 204)".into(),
                    );
                }
            } else if code.starts_with('4') || code.starts_with('5') || code == "default" {
                match schema {
                    Some(s) => error_schemas.push((ptr.clone(), s.clone())),
                    None => err(
                        ptr.clone(),
                        "an error response needs an application/json schema".into(),
                    ),
                }
            } else {
                err(ptr.clone(), format!("unsupported response status `{code}`"));
            }
        }
        match successes.len() {
            1 => {}
            0 => err(
                format!("{at}/responses"),
                "no success (2xx) response".into(),
            ),
            _ => err(
                format!("{at}/responses"),
                format!(
                    "exactly one success response is allowed, found {}",
                    successes.join(", ")
                ),
            ),
        }
        if let Some((first_ptr, first)) = error_schemas.first() {
            for (ptr, schema) in &error_schemas[1..] {
                if schema != first {
                    err(
                        ptr.clone(),
                        format!(
                            "error responses must share one schema; this one differs from {first_ptr}"
                        ),
                    );
                }
            }
        }
    }

    fn pagination_problems(
        &self,
        op: &OperationRef<'_>,
        p: &crate::extensions::Pagination,
        err: &mut impl FnMut(String, String),
    ) {
        let at = format!("{}/x-braze-pagination", op.pointer);
        let params: BTreeSet<String> = self
            .all_parameters(op)
            .into_iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        for (key, name) in p.parameters() {
            if !params.contains(name) {
                err(
                    format!("{at}/{key}"),
                    format!("`{name}` is not a parameter of this operation"),
                );
            }
        }
        // The items property must exist in the success schema.
        let items = p.items();
        let success = op
            .operation
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|r| r.iter().find(|(c, _)| c.starts_with('2')))
            .and_then(|(_, r)| resolve(self.doc(), r))
            .and_then(|r| r.pointer("/content/application~1json/schema"))
            .and_then(|s| resolve(self.doc(), s));
        let has = success
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .is_some_and(|props| props.contains_key(items));
        if !has {
            err(
                format!("{at}/items"),
                format!("the success schema has no property `{items}`"),
            );
        }
    }
}

/// Pointers of the `default`s of properties in `schema` (not following refs).
fn property_defaults(schema: &Value, at: String, found: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let prop_at = format!("{at}/properties/{}", escape_token(name));
            if prop.get("default").is_some() {
                found.push(format!("{prop_at}/default"));
            }
            property_defaults(prop, prop_at, found);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get(key) {
            property_defaults(child, format!("{at}/{key}"), found);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, child) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            property_defaults(child, format!("{at}/{key}/{i}"), found);
        }
    }
}

/// `1.2.3`: three dot-separated numbers without leading zeros, the form that
/// semver (npm, cargo) and PEP 440 (PyPI) both accept unchanged.
pub fn is_package_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}
