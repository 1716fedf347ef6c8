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
//! typify cannot name an inline schema used as a type parameter, so inline
//! enums and objects wrapped this way are hoisted into named components first,
//! under the name typify would have given them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::rules::{reachable_components, response_schemas};

/// Returns the lowered copy of `document`.
pub fn lower(document: &Value) -> Value {
    let mut doc = document.clone();
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
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if !crate::rules::METHODS.contains(&method.as_str()) {
                    continue;
                }
                let base = pascal(
                    op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or(method),
                );
                if let Some(s) = op.pointer_mut("/requestBody/content/application~1json/schema") {
                    lowerer.schema(s, &format!("{base}Body"), false);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for r in responses.values_mut() {
                        if let Some(s) = r.pointer_mut("/content/application~1json/schema") {
                            lowerer.schema(s, &format!("{base}Response"), true);
                        }
                    }
                }
            }
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

struct Lowerer {
    hoisted: BTreeMap<String, Value>,
    taken: BTreeSet<String>,
    enum_components: BTreeSet<String>,
    nullable_components: BTreeSet<String>,
}

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
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(subs)) = map.get_mut(key) {
                for (i, sub) in subs.iter_mut().enumerate() {
                    self.schema(sub, &format!("{name}Variant{i}"), open);
                }
            }
        }
        if let Some(items) = map.get_mut("items") {
            self.schema(items, &format!("{name}Item"), open);
            if open && self.is_enum(items) {
                let inner = self.hoist(items.clone(), &format!("{name}Item"));
                *items = rust_type("Open", inner);
            }
        }
        match map.get_mut("additionalProperties") {
            Some(Value::Bool(true)) => {
                map.insert("additionalProperties".into(), json!({}));
            }
            Some(ap @ Value::Object(_)) => {
                self.schema(ap, &format!("{name}Value"), open);
                if open && self.is_enum(ap) {
                    let inner = self.hoist(ap.clone(), &format!("{name}Value"));
                    *ap = rust_type("Open", inner);
                }
            }
            _ => {}
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
        let ref_nullable = ps
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
