//! Splitting components that both requests and responses use.
//!
//! The lowering makes enums inside response schemas open (`Open<T>`), so that
//! a value Braze adds later still decodes. A component reached from both a
//! request and a response would then be open on the request side too, and
//! the SDK would let a caller send a value Braze rejects (`CatalogField.type
//! = "not-a-type"`). Likewise the lowering drops validation keywords
//! (`maxLength`, `pattern`, `maximum`...) from response schemas, so that a
//! value Braze sends is never refused on decode, while requests keep them.
//!
//! Properties marked `readOnly` (keys only Braze's answers carry) are dropped
//! from request schemas.
//!
//! So each shared component that holds an enum, a validation keyword or a
//! `readOnly` property
//! (directly or through another such component) gets a response-side copy,
//! named `<Name>Received`: responses refer to the copy, requests keep the
//! original. Other shared components lower the same way on both sides.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::walk::{
    collect_refs, parameter_schemas, reachable_components, rename_refs, rename_response_refs,
    request_schemas, response_schemas,
};

/// Suffix of the response-side copy of a split component.
pub const RECEIVED_SUFFIX: &str = "Received";

/// Splits the shared components of `doc` in place and returns the map from
/// each split component to its response-side copy.
pub fn split_shared(doc: &mut Value) -> BTreeMap<String, String> {
    let split = components_to_split(doc);
    if split.is_empty() {
        return BTreeMap::new();
    }
    let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let renames: BTreeMap<String, String> = split
        .iter()
        .map(|name| {
            let mut copy = format!("{name}{RECEIVED_SUFFIX}");
            let mut n = 2;
            while taken.contains(&copy) {
                copy = format!("{name}{RECEIVED_SUFFIX}{n}");
                n += 1;
            }
            (name.clone(), copy)
        })
        .collect();

    // Which components only responses reach: their refs move to the copies.
    let response_only: BTreeSet<String> = {
        let from_responses = reachable_components(doc, response_schemas(doc));
        let from_requests = request_reach(doc);
        from_responses.difference(&from_requests).cloned().collect()
    };

    let mut copies = Vec::new();
    if let Some(Value::Object(all)) = doc.pointer_mut("/components/schemas") {
        hoist_inline_enums(all, &split);
        for (name, copy) in &renames {
            if let Some(schema) = all.get(name) {
                let mut schema = schema.clone();
                rename_refs(&mut schema, &renames);
                copies.push((copy.clone(), schema));
            }
        }
        for name in &response_only {
            if let Some(schema) = all.get_mut(name) {
                rename_refs(schema, &renames);
            }
        }
        for (copy, schema) in copies {
            all.insert(copy, schema);
        }
    }
    rename_response_refs(doc, &renames);
    renames
}

/// Moves the inline enums of the split components' properties (and of their
/// array items) into components, under the names typify would give them, so
/// that the two copies share one enum type instead of two equal ones.
fn hoist_inline_enums(all: &mut serde_json::Map<String, Value>, split: &BTreeSet<String>) {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut taken: BTreeSet<String> = all.keys().cloned().collect();
    for name in split {
        let Some(Value::Object(props)) = all.get_mut(name).and_then(|s| s.get_mut("properties"))
        else {
            continue;
        };
        for (prop, schema) in props.iter_mut() {
            let base = format!("{name}{}", super::pascal(prop));
            let (target, wanted) = if schema.get("enum").is_some() {
                (schema, base)
            } else {
                match schema.get_mut("items") {
                    Some(items) if items.get("enum").is_some() => (items, format!("{base}Item")),
                    _ => continue,
                }
            };
            let mut enum_name = wanted.clone();
            let mut n = 2;
            while taken.contains(&enum_name) {
                enum_name = format!("{wanted}{n}");
                n += 1;
            }
            taken.insert(enum_name.clone());
            let mut inner = std::mem::take(target);
            let mut reference = serde_json::Map::new();
            reference.insert(
                "$ref".into(),
                Value::String(format!("#/components/schemas/{enum_name}")),
            );
            if let Some(d) = inner.as_object_mut().and_then(|m| m.remove("description")) {
                reference.insert("description".into(), d);
            }
            *target = Value::Object(reference);
            hoisted.push((enum_name, inner));
        }
    }
    all.extend(hoisted);
}

fn schemas(doc: &Value) -> &serde_json::Map<String, Value> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> = std::sync::OnceLock::new();
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new))
}

/// Components reached from request bodies and parameters.
fn request_reach(doc: &Value) -> BTreeSet<String> {
    let mut roots: Vec<&Value> = request_schemas(doc).into_iter().map(|(_, s)| s).collect();
    roots.extend(parameter_schemas(doc));
    reachable_components(doc, roots)
}

/// The shared components that hold an enum, directly or through another
/// component of the set.
pub fn components_to_split(doc: &Value) -> BTreeSet<String> {
    let all = schemas(doc);
    let from_responses = reachable_components(doc, response_schemas(doc));
    let from_requests = request_reach(doc);
    let shared: BTreeSet<&String> = from_responses.intersection(&from_requests).collect();
    let is_enum_component = |name: &str| all.get(name).is_some_and(|s| s.get("enum").is_some());
    let mut split: BTreeSet<String> = shared
        .iter()
        .filter(|n| !is_enum_component(n))
        .filter(|n| {
            all.get(n.as_str())
                .is_some_and(|s| lowers_differently(s, &is_enum_component))
        })
        .map(|n| n.to_string())
        .collect();
    loop {
        let more: Vec<String> = shared
            .iter()
            .filter(|n| !split.contains(n.as_str()) && !is_enum_component(n))
            .filter(|n| {
                let mut reaches_split = false;
                if let Some(s) = all.get(n.as_str()) {
                    collect_refs(s, &mut |r| reaches_split |= split.contains(r));
                }
                reaches_split
            })
            .map(|n| n.to_string())
            .collect();
        if more.is_empty() {
            return split;
        }
        split.extend(more);
    }
}

/// Whether `s` lowers differently in a response: it holds an inline `enum`,
/// a `$ref` to an enum component, or a validation keyword, in itself or in
/// its subschemas (not through `$ref`s to other objects).
fn lowers_differently(s: &Value, is_enum_component: &impl Fn(&str) -> bool) -> bool {
    let Some(m) = s.as_object() else { return false };
    if m.contains_key("enum") || VALIDATION_KEYWORDS.iter().any(|k| m.contains_key(*k)) {
        return true;
    }
    if is_read_only(s) {
        return true;
    }
    if m.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .is_some_and(is_enum_component)
    {
        return true;
    }
    let mut subs: Vec<&Value> = Vec::new();
    if let Some(Value::Object(props)) = m.get("properties") {
        subs.extend(props.values());
    }
    for key in ["items", "additionalProperties", "not"] {
        subs.extend(m.get(key));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = m.get(key) {
            subs.extend(list);
        }
    }
    subs.into_iter()
        .any(|sub| lowers_differently(sub, is_enum_component))
}

/// `readOnly: true`: a property only responses carry (requests drop it).
pub fn is_read_only(s: &Value) -> bool {
    s.get("readOnly").and_then(Value::as_bool) == Some(true)
}

/// The JSON Schema keywords that make a decoder refuse values. Response
/// schemas lose them in the lowering (the spec keeps them as documentation).
pub const VALIDATION_KEYWORDS: [&str; 13] = [
    "maxLength",
    "minLength",
    "pattern",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "multipleOf",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
];
