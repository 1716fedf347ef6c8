//! The lowering: a copy of the spec rewritten for progenitor only.
//!
//! The published spec says what Braze does; progenitor (through typify) turns
//! some of it into Rust that loses data. Rather than edit generated code, the
//! generator feeds progenitor a lowered copy where those constructs name Rust
//! types of the SDK (`x-rust-type`, which typify honours):
//!
//! * `additionalProperties: true` beside `properties` becomes `{}`: typify then
//!   emits a flattened map, so custom attributes and catalog fields round-trip
//!   instead of being dropped.
//! * an optional `nullable` property becomes `braze_sdk::Nullable<T>`, so the
//!   SDK can send an explicit `null` (Braze's way to unset a value).
//! * a string enum that a response (success or error) can carry becomes
//!   `braze_sdk::Open<T>`:
//!   a value Braze adds later decodes as `Open::Unknown` instead of failing.
//!
//! * a component that requests and responses share and that holds an enum is
//!   split (see the `split` module): responses get an open copy, requests keep the
//!   closed original.
//! * response schemas lose their validation keywords (`maxLength`,
//!   `pattern`, `maximum`...): the SDK checks what it sends, never what Braze
//!   sends.
//! * the one success response of each operation (`200`, `201`, `2XX`, ...)
//!   becomes `2XX`: Braze documents "any 2xx means success" and often sends
//!   another 2xx than a page names (`201` on `/users/track`), so the SDK
//!   decodes every 2xx with the operation's success schema. A bodiless `204`
//!   becomes a bodiless `2XX`.
//!
//! typify cannot name an inline schema used as a type parameter, so inline
//! enums and objects wrapped this way are hoisted into named components first,
//! under the name typify would have given them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::walk::{operations_mut, reachable_components, response_schemas};

mod split;

pub use split::{RECEIVED_SUFFIX, VALIDATION_KEYWORDS, components_to_split, is_read_only};

/// Returns the lowered copy of `document`.
pub fn lower(document: &Value) -> Value {
    let mut doc = document.clone();
    inline_any_value_components(&mut doc);
    secrets(&mut doc);
    split::split_shared(&mut doc);
    let document = &doc.clone();
    let open_components = reachable_components(document, response_schemas(document));
    let existing: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let enum_components: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, s)| s.get("enum").is_some())
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    // Nullability moves from the component to the properties that use it
    // (as `Nullable<T>`), so the component itself becomes a plain type.
    let mut nullable_components = BTreeSet::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
                nullable_components.insert(name.clone());
                strip_null(schema);
            }
        }
    }
    let mut lowerer = Lowerer {
        hoisted: BTreeMap::new(),
        taken: existing,
        enum_components,
        nullable_components,
    };

    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            let open = open_components.contains(name);
            lowerer.schema(schema, name, open);
        }
    }
    for op in operations_mut(&mut doc) {
        let base = pascal(op.id());
        let op = op.operation;
        if let Some(s) = op.pointer_mut("/requestBody/content/application~1json/schema") {
            lowerer.schema(s, &format!("{base}Body"), false);
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for r in responses.values_mut() {
                if let Some(s) = r.pointer_mut("/content/application~1json/schema") {
                    lowerer.schema(s, &format!("{base}Response"), true);
                }
            }
            any_success_status(responses);
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in std::mem::take(&mut lowerer.hoisted) {
            schemas.insert(name, schema);
        }
    }
    doc
}

/// Components that allow any JSON value (no `type`, `properties`, `enum`,
/// composition...: only a description and notes) are replaced by `{}` where
/// they are used, so that the SDK types them as `serde_json::Value` rather
/// than a newtype around it; the component itself is dropped from the copy.
fn inline_any_value_components(doc: &mut Value) {
    let any: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, s)| {
            s.as_object().is_some_and(|m| {
                m.keys().all(|k| {
                    matches!(k.as_str(), "description" | "nullable" | "example" | "title")
                        || k.starts_with("x-")
                })
            })
        })
        .map(|(k, _)| k.clone())
        .collect();
    if any.is_empty() {
        return;
    }
    fn replace(v: &mut Value, any: &BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                let is_any_ref = m
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .is_some_and(|n| any.contains(n));
                if is_any_ref {
                    m.remove("$ref");
                    return;
                }
                for (k, child) in m.iter_mut() {
                    if k != "example" && k != "examples" {
                        replace(child, any);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| replace(i, any)),
            _ => {}
        }
    }
    replace(doc, &any);
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| !any.contains(name));
    }
}

/// Strings marked `format: password` (credentials in bodies) become
/// `braze_sdk::Secret`, whose `Debug` never prints the value.
fn secrets(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let is_secret = m.get("type").and_then(Value::as_str) == Some("string")
                && m.get("format").and_then(Value::as_str) == Some("password");
            if is_secret {
                let description = m.get("description").cloned();
                let mut secret = rust_type("Secret", Value::Null);
                if let Some(s) = secret.as_object_mut() {
                    if let Some(p) = s.get_mut("x-rust-type").and_then(Value::as_object_mut) {
                        p.insert("parameters".into(), json!([]));
                    }
                    if let Some(d) = description {
                        s.insert("description".into(), d);
                    }
                }
                *v = secret;
                return;
            }
            for (k, child) in m.iter_mut() {
                if k != "example" && k != "examples" {
                    secrets(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(secrets),
        _ => {}
    }
}

/// Renames the single success response (`200`, `201`, `202`, `204`, `2XX`)
/// to `2XX`, keeping its place among the responses. The rules guarantee there
/// is exactly one.
fn any_success_status(responses: &mut Map<String, Value>) {
    let success: Vec<String> = responses
        .keys()
        .filter(|k| k.starts_with('2') && k.as_str() != "2XX")
        .cloned()
        .collect();
    if success.len() != 1 || responses.contains_key("2XX") {
        return;
    }
    let old = std::mem::take(responses);
    for (k, v) in old {
        if k == success[0] {
            responses.insert("2XX".into(), v);
        } else {
            responses.insert(k, v);
        }
    }
}

struct Lowerer {
    hoisted: BTreeMap<String, Value>,
    taken: BTreeSet<String>,
    enum_components: BTreeSet<String>,
    nullable_components: BTreeSet<String>,
}

/// `x-braze-null-is-absent: true` on an object: for its values (properties,
/// items, map values), `null` means the same as leaving the key out: Braze
/// sends `null` for figures it has none of (a channel or variant that did
/// not run), and takes `null` for an unset send option. The published
/// document marks those values `nullable` for other toolchains; the SDK
/// keeps them `Option<T>` (serde reads `null` as `None`, and leaving a key
/// out says the same) rather than `Option<Nullable<T>>`, since no caller
/// needs to tell the two apart. The key is removed from progenitor's copy;
/// each value it covers is tagged for [`Lowerer::wrap_property`], which
/// also leaves a `$ref` to a nullable component unwrapped.
fn null_is_absent(map: &mut Map<String, Value>) {
    if map.remove(NULL_IS_ABSENT).and_then(|v| v.as_bool()) != Some(true) {
        return;
    }
    for (key, value) in map.iter_mut() {
        let subs: Vec<&mut Value> = match (key.as_str(), value) {
            ("properties", Value::Object(props)) => props.values_mut().collect(),
            ("items" | "additionalProperties", sub) => vec![sub],
            _ => continue,
        };
        for sub in subs {
            tag_null_is_absent(sub);
        }
    }
}

fn tag_null_is_absent(sub: &mut Value) {
    strip_null(sub);
    if let Some(m) = sub.as_object_mut() {
        m.insert(NULL_IS_ABSENT_TAG.into(), Value::Bool(true));
    }
}

/// The extension key of [`null_is_absent`].
const NULL_IS_ABSENT: &str = "x-braze-null-is-absent";
/// The tag it leaves on each value it covers, read by `wrap_property`.
const NULL_IS_ABSENT_TAG: &str = "x-lowering-null-is-absent";

/// Removes `nullable` and a `null` enum value: the wrapper carries the null.
fn strip_null(s: &mut Value) {
    if let Some(m) = s.as_object_mut() {
        m.remove("nullable");
        if let Some(Value::Array(values)) = m.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    }
}

impl Lowerer {
    /// Lowers `s` in place; `name` is the name typify would give it, `open`
    /// whether a response can carry it.
    fn schema(&mut self, s: &mut Value, name: &str, open: bool) {
        let Some(map) = s.as_object_mut() else { return };
        null_is_absent(map);
        if open {
            // What Braze sends is never refused: limits are for requests.
            // `minimum: 0` on an integer stays: typify reads it as "unsigned",
            // a type rather than a limit.
            let unsigned = map.get("type").and_then(Value::as_str) == Some("integer")
                && map.get("minimum").and_then(Value::as_f64) == Some(0.0);
            for keyword in VALIDATION_KEYWORDS {
                if !(unsigned && keyword == "minimum") {
                    map.remove(keyword);
                }
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(subs)) = map.get_mut(key) {
                for (i, sub) in subs.iter_mut().enumerate() {
                    self.schema(sub, &format!("{name}Variant{i}"), open);
                }
            }
        }
        // Array items and map values are wrapped like optional properties:
        // `Open` in responses, and `Nullable` when they may be `null` (an
        // item `null` would otherwise fail to decode).
        if let Some(items) = map.get_mut("items") {
            self.schema(items, &format!("{name}Item"), open);
            self.wrap_property(items, &format!("{name}Item"), false, open);
        }
        match map.get_mut("additionalProperties") {
            Some(Value::Bool(true)) => {
                map.insert("additionalProperties".into(), json!({}));
            }
            Some(ap @ Value::Object(_)) => {
                self.schema(ap, &format!("{name}Value"), open);
                self.wrap_property(ap, &format!("{name}Value"), false, open);
            }
            _ => {}
        }
        if !open {
            // Keys only Braze's answers carry are not part of a request type.
            let read_only: Vec<String> = match map.get("properties") {
                Some(Value::Object(props)) => props
                    .iter()
                    .filter(|(_, p)| is_read_only(p))
                    .map(|(k, _)| k.clone())
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                props.retain(|k, _| !read_only.contains(k));
            }
            if let Some(Value::Array(req)) = map.get_mut("required") {
                req.retain(|r| !r.as_str().is_some_and(|r| read_only.iter().any(|k| k == r)));
            }
        }
        let required: BTreeSet<String> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (prop, ps) in props.iter_mut() {
                let prop_name = format!("{name}{}", pascal(prop));
                self.schema(ps, &prop_name, open);
                self.wrap_property(ps, &prop_name, required.contains(prop), open);
            }
        }
    }

    /// Wraps a property schema in `Open` and/or `Nullable` where needed.
    fn wrap_property(&mut self, ps: &mut Value, name: &str, required: bool, open: bool) {
        let null_is_absent = ps
            .as_object_mut()
            .and_then(|m| m.remove(NULL_IS_ABSENT_TAG))
            .is_some();
        let ref_nullable = !null_is_absent
            && ps
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .is_some_and(|n| self.nullable_components.contains(n));
        let nullable = ref_nullable || ps.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let make_open = open && self.is_enum(ps);
        let make_nullable = nullable && !required;
        if !make_open && !make_nullable {
            return;
        }
        let description = ps.get("description").cloned();
        let mut inner = ps.clone();
        strip_null(&mut inner);
        if let Some(m) = inner.as_object_mut() {
            m.remove("description");
            m.remove("example");
        }
        if make_open {
            inner = rust_type("Open", self.hoist(inner, name));
        }
        if make_nullable {
            inner = rust_type("Nullable", self.hoist(inner, name));
        }
        if let (Some(d), Some(m)) = (description, inner.as_object_mut()) {
            m.insert("description".into(), d);
        }
        *ps = inner;
    }

    fn is_enum(&self, s: &Value) -> bool {
        if s.get("enum").is_some() {
            return true;
        }
        s.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .is_some_and(|n| self.enum_components.contains(n))
    }

    /// Moves a non-trivial inline schema into a named component and returns a
    /// reference to it; references and plain scalars are returned as they are.
    fn hoist(&mut self, s: Value, name: &str) -> Value {
        let trivial = s.get("$ref").is_some()
            || s.get("x-rust-type").is_some()
            || (s.get("enum").is_none()
                && s.get("properties").is_none()
                && s.get("oneOf").is_none()
                && s.get("anyOf").is_none()
                && s.get("allOf").is_none()
                && s.get("items").is_none_or(|i| i.get("$ref").is_some())
                && s.get("type").and_then(Value::as_str) != Some("object"));
        if trivial {
            return s;
        }
        let mut unique = name.to_string();
        let mut n = 2;
        while self.taken.contains(&unique) {
            unique = format!("{name}{n}");
            n += 1;
        }
        self.taken.insert(unique.clone());
        self.hoisted.insert(unique.clone(), s);
        json!({ "$ref": format!("#/components/schemas/{unique}") })
    }
}

/// A schema that typify maps to `braze_sdk::<wrapper><inner>`.
fn rust_type(wrapper: &str, inner: Value) -> Value {
    let mut m = Map::new();
    m.insert(
        "x-rust-type".into(),
        json!({
            "crate": "braze-sdk",
            "version": "*",
            "path": format!("braze_sdk::{wrapper}"),
            "parameters": [inner],
        }),
    );
    Value::Object(m)
}

/// `users_track` / `first_name` / `last_edit.time[gt]` -> `UsersTrack` /
/// `FirstName` / `LastEditTimeGt`, as typify names things.
pub fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_success_response_accepts_any_2xx() {
        let doc = json!({
            "paths": {"/a": {
                "post": {"operationId": "a", "responses": {
                    "201": {"description": "created"},
                    "400": {"description": "bad"}
                }},
                "delete": {"operationId": "b", "responses": {"204": {"description": "gone"}}}
            }},
            "components": {"schemas": {}}
        });
        let l = lower(&doc);
        let post = l["paths"]["/a"]["post"]["responses"].as_object().unwrap();
        assert_eq!(post.keys().collect::<Vec<_>>(), ["2XX", "400"]);
        assert_eq!(post["2XX"]["description"], "created");
        let delete = l["paths"]["/a"]["delete"]["responses"].as_object().unwrap();
        assert_eq!(delete.keys().collect::<Vec<_>>(), ["2XX"]);
        // The published document keeps the status Braze is known to send.
        assert!(doc["paths"]["/a"]["post"]["responses"].get("201").is_some());
    }

    #[test]
    fn nullable_array_items_and_map_values_keep_null() {
        let doc = json!({
            "paths": {},
            "components": {"schemas": {
                "N": {"type": "string", "nullable": true},
                "A": {"type": "object", "properties": {
                    "list": {"type": "array", "items": {"$ref": "#/components/schemas/N"}},
                    "inline": {"type": "array", "items": {"type": "integer", "nullable": true}},
                    "map": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/N"}}
                }}
            }}
        });
        let l = lower(&doc);
        let props = &l["components"]["schemas"]["A"]["properties"];
        for item in [
            &props["list"]["items"],
            &props["inline"]["items"],
            &props["map"]["additionalProperties"],
        ] {
            assert_eq!(item["x-rust-type"]["path"], "braze_sdk::Nullable", "{item}");
        }
        assert_eq!(
            props["list"]["items"]["x-rust-type"]["parameters"][0]["$ref"],
            "#/components/schemas/N"
        );
    }

    #[test]
    fn a_component_shared_by_requests_and_responses_is_open_only_in_responses() {
        let schema = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        let body = |s: Value| json!({"content": {"application/json": {"schema": s}}});
        let doc = json!({
            "paths": {"/f": {
                "post": {"operationId": "create", "requestBody": body(json!({
                    "type": "object", "properties": {"fields": {"type": "array", "items": schema("Field")}}
                })), "responses": {"201": body(schema("Plain"))}},
                "get": {"operationId": "list", "responses": {"200": body(json!({
                    "type": "object", "properties": {"fields": {"type": "array", "items": schema("Field")}}
                }))}}
            }},
            "components": {"schemas": {
                "Field": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": ["string", "number"]},
                    "name": {"type": "string", "maxLength": 10},
                    "usage": {"type": "integer", "readOnly": true},
                    "plain": schema("Plain")
                }},
                "Plain": {"type": "object", "properties": {"name": {"type": "string"}}}
            }}
        });
        let l = lower(&doc);
        let schemas = &l["components"]["schemas"];
        // The request keeps the closed enum (hoisted, so both copies share it)...
        assert_eq!(schemas["FieldType"]["enum"], json!(["string", "number"]));
        assert_eq!(
            schemas["Field"]["properties"]["type"]["$ref"],
            "#/components/schemas/FieldType"
        );
        // ...the response refers to an open copy.
        assert_eq!(
            l["paths"]["/f"]["get"]["responses"]["2XX"]["content"]["application/json"]["schema"]["properties"]
                ["fields"]["items"]["$ref"],
            "#/components/schemas/FieldReceived"
        );
        let open = &schemas["FieldReceived"]["properties"]["type"]["x-rust-type"];
        assert_eq!(open["path"], "braze_sdk::Open");
        assert_eq!(
            open["parameters"][0]["$ref"],
            "#/components/schemas/FieldType"
        );
        assert_eq!(schemas["Field"]["properties"]["name"]["maxLength"], 10);
        // A read-only key is only in the response copy.
        assert!(schemas["Field"]["properties"].get("usage").is_none());
        assert!(
            schemas["FieldReceived"]["properties"]
                .get("usage")
                .is_some()
        );
        assert!(
            schemas["FieldReceived"]["properties"]["name"]
                .get("maxLength")
                .is_none()
        );
        // A shared component without enums or limits is not copied.
        assert!(schemas.get("PlainReceived").is_none());
        assert_eq!(
            components_to_split(&doc).into_iter().collect::<Vec<_>>(),
            ["Field"]
        );
    }

    #[test]
    fn null_is_absent_keeps_plain_options() {
        let doc = json!({
            "paths": {},
            "components": {"schemas": {"Stats": {
                "type": "object",
                "x-braze-null-is-absent": true,
                "properties": {"sent": {"type": "integer", "nullable": true}},
                "additionalProperties": {"type": "array", "nullable": true, "items": {"type": "integer"}}
            }}}
        });
        let l = lower(&doc);
        let stats = &l["components"]["schemas"]["Stats"];
        assert!(stats.get("x-braze-null-is-absent").is_none());
        assert_eq!(stats["properties"]["sent"], json!({"type": "integer"}));
        assert_eq!(
            stats["additionalProperties"],
            json!({"type": "array", "items": {"type": "integer"}})
        );
        // A `$ref` to a nullable component stays a plain reference too.
        let doc = json!({
            "paths": {},
            "components": {"schemas": {
                "State": {"type": "string", "nullable": true, "enum": ["a", null]},
                "Body": {"type": "object", "x-braze-null-is-absent": true,
                         "properties": {"s": {"$ref": "#/components/schemas/State"}}},
                "Other": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/State"}}}
            }}
        });
        let l = lower(&doc);
        let schemas = &l["components"]["schemas"];
        assert_eq!(
            schemas["Body"]["properties"]["s"],
            json!({"$ref": "#/components/schemas/State"})
        );
        assert!(
            schemas["Other"]["properties"]["s"]
                .get("x-rust-type")
                .is_some()
        );
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(pascal("users_track"), "UsersTrack");
        assert_eq!(pascal("last_edit.time[gt]"), "LastEditTimeGt");
        assert_eq!(pascal("$add"), "Add");
    }

    #[test]
    fn optional_nullable_becomes_nullable_and_required_stays() {
        let doc = json!({
            "paths": {},
            "components": {"schemas": {"A": {
                "type": "object",
                "required": ["r"],
                "properties": {
                    "o": {"type": "string", "nullable": true, "description": "d"},
                    "r": {"type": "string", "nullable": true},
                    "g": {"type": "string", "enum": ["M", "F"], "nullable": true}
                },
                "additionalProperties": true
            }}}
        });
        let l = lower(&doc);
        let a = &l["components"]["schemas"]["A"];
        assert_eq!(
            a["properties"]["o"]["x-rust-type"]["path"],
            "braze_sdk::Nullable"
        );
        assert_eq!(a["properties"]["o"]["description"], "d");
        assert_eq!(a["properties"]["r"]["nullable"], true);
        assert_eq!(a["additionalProperties"], json!({}));
        // The inline enum is hoisted under typify's name and referenced.
        assert_eq!(
            a["properties"]["g"]["x-rust-type"]["parameters"][0]["$ref"],
            "#/components/schemas/AG"
        );
        assert_eq!(l["components"]["schemas"]["AG"]["enum"], json!(["M", "F"]));
    }
}
