//! The spec's OpenAPI 3.0 schemas as JSON Schema 2020-12, compiled once per
//! schema by the `jsonschema` crate, and its errors turned into the JSON
//! pointer of the offending value.
//!
//! Why a validator crate and a conversion instead of a hand-written checker:
//! the request schemas use `oneOf`, `anyOf`, `allOf`, `$ref`, patterns,
//! formats and `additionalProperties`; `jsonschema` implements them all and
//! is already built for braze-tests. OpenAPI 3.0 differs from JSON Schema in
//! a few keywords only: `nullable: true` becomes a `null` alternative, and the
//! OpenAPI-only keywords (`example`, `discriminator`, `x-*`...) are dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value, json};

use crate::spec::spec;

/// OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes a `null`
/// alternative; OpenAPI-only keywords are dropped.
pub fn convert(schema: &Value) -> Value {
    let Value::Object(m) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        match k.as_str() {
            "nullable" | "example" | "examples" | "discriminator" | "externalDocs" | "xml"
            | "deprecated" | "readOnly" | "writeOnly" => {}
            k if k.starts_with("x-") => {}
            "properties" | "patternProperties" => {
                let props = v
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(n, s)| (n.clone(), convert(s)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(k.to_string(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(k.to_string(), convert(v));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = v
                    .as_array()
                    .map(|a| a.iter().map(convert).collect())
                    .unwrap_or_default();
                out.insert(k.to_string(), Value::Array(list));
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if m.get("nullable").and_then(Value::as_bool) == Some(true) {
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
    } else {
        Value::Object(out)
    }
}

/// The spec's component schemas, converted once.
fn components() -> &'static Value {
    static COMPONENTS: OnceLock<Value> = OnceLock::new();
    COMPONENTS.get_or_init(|| {
        let converted = spec().document["components"]["schemas"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), convert(v)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        Value::Object(converted)
    })
}

/// `schema` as one JSON Schema document whose `$ref`s resolve inside it.
pub fn json_schema(schema: &Value) -> Value {
    let mut root = match convert(schema) {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("allOf".into(), json!([other]));
            m
        }
    };
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    let used = referenced(schema);
    if !used.is_empty() {
        let all = components();
        let schemas: Map<String, Value> = used
            .into_iter()
            .filter_map(|n| Some((n.clone(), all.get(&n)?.clone())))
            .collect();
        root.insert("components".into(), json!({ "schemas": schemas }));
    }
    Value::Object(root)
}

/// The component schemas `schema` refers to, directly or through others:
/// only those go into its document, so that each validator compiles a few
/// schemas instead of the spec's hundreds.
fn referenced(schema: &Value) -> std::collections::BTreeSet<String> {
    fn walk(v: &Value, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(name) = m
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    found.push(name.to_string());
                }
                m.values().for_each(|x| walk(x, found));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, found)),
            _ => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = Vec::new();
    walk(schema, &mut todo);
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone())
            && let Some(s) = components().get(&name)
        {
            walk(s, &mut todo);
        }
    }
    seen
}

/// A date and time as Braze reads them: ISO 8601 with a `T` or a space, with
/// or without seconds, fraction and zone. Stricter than what Braze accepts
/// would refuse requests Braze takes; this still catches a value that is no
/// date at all.
fn iso_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if b.len() < 16
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ') || !digits(11..13) || b[13] != b':' || !digits(14..16) {
        return false;
    }
    let rest = &s[16..];
    let rest = rest
        .strip_prefix(':')
        .map(|r| {
            let sec = r.bytes().take_while(u8::is_ascii_digit).count();
            let r = &r[sec..];
            match r.strip_prefix('.') {
                Some(f) => f.trim_start_matches(|c: char| c.is_ascii_digit()),
                None => r,
            }
        })
        .unwrap_or(rest);
    matches!(rest, "" | "Z" | "z")
        || ((rest.starts_with('+') || rest.starts_with('-'))
            && rest[1..].chars().all(|c| c.is_ascii_digit() || c == ':')
            && (3..=6).contains(&rest.len()))
}

/// The compiled validator of `schema`, shared by every server of the
/// process (the spec's schemas never change while it runs).
pub fn validator(schema: &Value) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let key = schema.to_string();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&key) {
        return v.clone();
    }
    let compiled = Arc::new(
        jsonschema::options()
            .should_validate_formats(true)
            .with_format("date-time", iso_date_time)
            .build(&json_schema(schema))
            .unwrap_or_else(|e| panic!("a schema of the embedded spec does not compile: {e}")),
    );
    cache.lock().unwrap().insert(key, compiled.clone());
    compiled
}

/// One problem of a value: where (a JSON pointer into it) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

/// The problems of `value` against `schema` (empty if it is valid), most
/// precise first: inside a failed `oneOf`/`anyOf`, the branch errors that
/// reach deepest into the value; a missing or unexpected property is named
/// in the pointer.
pub fn check(schema: &Value, value: &Value) -> Vec<Problem> {
    let v = validator(schema);
    let mut out = Vec::new();
    for e in v.iter_errors(value) {
        collect(&e, &mut out);
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.pointer.matches('/').count()));
    out.dedup();
    out
}

fn collect(e: &jsonschema::ValidationError<'_>, out: &mut Vec<Problem>) {
    let path = e.instance_path().as_str().to_string();
    let branches = match e.kind() {
        ValidationErrorKind::AnyOf { context } => Some(context),
        ValidationErrorKind::OneOfNotValid { context } => Some(context),
        _ => None,
    };
    if let Some(branches) = branches {
        // The branch that got furthest into the value says most.
        let deepest = branches.iter().max_by_key(|errs| {
            errs.iter()
                .map(|e| e.instance_path().as_str().matches('/').count())
                .max()
                .unwrap_or(0)
        });
        if let Some(errs) = deepest
            && errs
                .iter()
                .any(|x| x.instance_path().as_str().len() > path.len())
        {
            for x in errs {
                collect(x, out);
            }
            return;
        }
    }
    let pointer = match e.kind() {
        ValidationErrorKind::Required { property } => {
            format!("{path}/{}", escape(property.as_str().unwrap_or_default()))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } if unexpected.len() == 1 => {
            format!("{path}/{}", escape(&unexpected[0]))
        }
        _ => path,
    };
    out.push(Problem {
        pointer,
        message: e.to_string(),
    });
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_and_formats_are_openapi_3_0_s() {
        let s = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "string", "nullable": true},
            "t": {"type": "string", "format": "date-time"},
            "e": {"type": "string", "format": "email"}}});
        assert!(check(&s, &json!({"a": null, "t": "2025-01-01 10:00:00"})).is_empty());
        assert!(check(&s, &json!({"a": "x", "t": "2025-01-01T10:00:00.123+01:00"})).is_empty());
        let p = check(&s, &json!({"t": "yesterday", "e": "nobody"}));
        let pointers: Vec<&str> = p.iter().map(|p| p.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"/a") && pointers.contains(&"/t") && pointers.contains(&"/e"),
            "{p:?}"
        );
    }

    #[test]
    fn a_failed_one_of_names_the_deepest_problem() {
        let s = json!({"oneOf": [
            {"type": "object", "required": ["x"], "properties": {"x": {"type": "object", "properties": {"y": {"type": "integer"}}}}},
            {"type": "string"}]});
        let p = check(&s, &json!({"x": {"y": "no"}}));
        assert_eq!(p[0].pointer, "/x/y", "{p:?}");
    }
}
