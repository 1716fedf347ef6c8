//! What the published document (`spec/dist/`) spells out beyond the merged
//! spec: the two behaviours of Braze that the SDK's lowering gives braze-sdk
//! and that every other toolchain must read off the document itself.
//!
//! * **Any 2xx is success.** Braze counts every 2xx as success and sends
//!   other codes than its pages name (`200` and `202` where `201` is
//!   recorded). Every operation keeps the status Braze is known to send and
//!   gets a `2XX` response with the same body and headers right after it, so
//!   a generated client decodes the body whatever 2xx comes back.
//!   openapi-python-client and openapi-generator's `python` both try the
//!   exact code first, then the range (`publish-check --only real-answers`
//!   proves it with real answers).
//! * **Enums Braze sends are open.** A value Braze adds later, or a known
//!   value in another case (`Subscribed`), must decode. Every enum a
//!   response reaches is received as `<Name>Received`:
//!   `anyOf: [{$ref: <Name>}, {type: string}]`: the known values stay
//!   documented and typed (`<Name>`), any other string still decodes.
//!   Requests keep the closed enums: a component that requests and
//!   responses share and that holds an enum gets a response-side copy,
//!   `<Name>Received`, as in the SDK (see `lower::split`). Inline enums in
//!   response schemas become named components (`<Parent><Property>`) first.
//!   Why this design (and not an open string with the values in an `x-`
//!   extension, nor openapi-generator's `enumUnknownDefaultCase`): see
//!   spec/README.md, "Enums in responses".
//!
//! The SDK is generated from the merged spec, not from this document: its
//! lowering makes the same two choices for Rust (`2XX`, `Open<T>`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::lower::pascal;
use crate::walk::{
    collect_refs, operations_mut, parameter_schemas, reachable_components, rename_refs,
    rename_response_refs, request_schemas, response_schemas,
};

/// Suffix of the response-side name of an enum or of a split component.
pub const RECEIVED: &str = "Received";

/// Why each operation has a `2XX` response (its `x-braze-decision`, which
/// `cargo xtask breaking` prints as the reason of the change).
pub const SUCCESS_RANGE_DECISION: &str = "Braze counts any 2xx status as success and \
     does not always send the code its page names (200 or 202 where 201 is recorded, \
     issue 22); clients generated from this document must decode the body under any \
     2xx, so the range is declared beside the recorded code.";

/// Why a response enum is published open (the `x-braze-decision` of every
/// `<Name>Received` enum form).
pub const OPEN_ENUM_DECISION: &str = "Braze adds values to the enums it sends and \
     sends some known values in another case than its pages (issue 22); a closed enum \
     would make a generated client refuse the whole answer, so any string is accepted \
     and the known values stay typed in the first arm (spec/README.md, \"Enums in \
     responses\").";

/// The published form of the merged `document`.
pub fn published(document: &Value) -> Value {
    let mut doc = document.clone();
    open_response_enums(&mut doc);
    any_other_2xx(&mut doc);
    doc
}

/// Adds, after each operation's one success response (`200`, `201`, `202`,
/// `204`), a `2XX` response with the same content and headers. Operations
/// that already declare `2XX` keep it as it is.
fn any_other_2xx(doc: &mut Value) {
    for op in operations_mut(doc) {
        let Some(Value::Object(responses)) = op.operation.get_mut("responses") else {
            continue;
        };
        let success: Vec<String> = responses
            .keys()
            .filter(|k| k.len() == 3 && k.starts_with('2') && k.as_str() != "2XX")
            .cloned()
            .collect();
        if success.len() != 1 || responses.contains_key("2XX") {
            continue;
        }
        let code = &success[0];
        let mut range = responses[code].clone();
        if let Some(r) = range.as_object_mut() {
            r.insert(
                "x-braze-decision".into(),
                Value::String(SUCCESS_RANGE_DECISION.into()),
            );
            r.insert(
                "description".into(),
                Value::String(format!(
                    "Any other 2xx status. Braze counts every 2xx as success and does not \
                 always send `{code}`; the body and headers are those of `{code}`."
                )),
            );
            if let Some(Value::Object(content)) = r.get_mut("content") {
                for media in content.values_mut() {
                    if let Some(m) = media.as_object_mut() {
                        m.remove("example");
                        m.remove("examples");
                    }
                }
            }
        }
        let old = std::mem::take(responses);
        for (k, v) in old {
            let is_success = k == *code;
            responses.insert(k, v);
            if is_success {
                responses.insert("2XX".into(), range.clone());
            }
        }
    }
}

/// The response-side rewrite of enums described in the module docs.
fn open_response_enums(doc: &mut Value) {
    let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let enum_components: BTreeSet<String> = all
        .iter()
        .filter(|(_, s)| s.get("enum").is_some())
        .map(|(k, _)| k.clone())
        .collect();
    let from_responses = reachable_components(doc, response_schemas(doc));
    let from_requests = {
        let mut roots: Vec<&Value> = request_schemas(doc).into_iter().map(|(_, s)| s).collect();
        roots.extend(parameter_schemas(doc));
        reachable_components(doc, roots)
    };
    // Shared objects that hold an enum (directly, or through another
    // shared object that does) get a response-side copy.
    let shared: BTreeSet<&String> = from_responses
        .intersection(&from_requests)
        .filter(|n| !enum_components.contains(*n))
        .collect();
    let mut split: BTreeSet<String> = shared
        .iter()
        .filter(|n| {
            all.get(n.as_str())
                .is_some_and(|s| holds_enum(s, &enum_components))
        })
        .map(|n| n.to_string())
        .collect();
    loop {
        let more: Vec<String> = shared
            .iter()
            .filter(|n| !split.contains(n.as_str()))
            .filter(|n| {
                let mut reaches = false;
                if let Some(s) = all.get(n.as_str()) {
                    collect_refs(s, &mut |r| reaches |= split.contains(r));
                }
                reaches
            })
            .map(|n| n.to_string())
            .collect();
        if more.is_empty() {
            break;
        }
        split.extend(more);
    }
    let mut taken: BTreeSet<String> = all.keys().cloned().collect();
    let mut fresh = |wanted: String, taken: &mut BTreeSet<String>| {
        let mut name = wanted.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        name
    };
    // Every name a response-side `$ref` moves to: split objects to their
    // copies, enum components to their open form.
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for name in &split {
        renames.insert(name.clone(), fresh(format!("{name}{RECEIVED}"), &mut taken));
    }
    let response_enums: BTreeSet<&String> = from_responses
        .iter()
        .filter(|n| enum_components.contains(*n))
        .collect();
    let mut added: Vec<(String, Value)> = Vec::new();
    for name in response_enums {
        let open = fresh(format!("{name}{RECEIVED}"), &mut taken);
        added.push((open.clone(), open_form(name, &all[name.as_str()])));
        renames.insert(name.clone(), open);
    }
    // The response side: objects only responses reach, and the copies.
    let response_only: Vec<String> = from_responses
        .iter()
        .filter(|n| !from_requests.contains(*n) && !enum_components.contains(*n))
        .cloned()
        .collect();
    let mut rewritten: Vec<(String, String, Value)> = Vec::new(); // (origin, name, schema)
    for name in &response_only {
        rewritten.push((name.clone(), name.clone(), all[name.as_str()].clone()));
    }
    for name in &split {
        rewritten.push((
            name.clone(),
            renames[name].clone(),
            all[name.as_str()].clone(),
        ));
    }
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (origin, _, schema) in &mut rewritten {
        rename_refs(schema, &renames);
        hoist_enums(schema, origin, &mut taken, &mut fresh, &mut hoisted);
    }
    let Some(Value::Object(all)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (_, name, schema) in rewritten {
        all.insert(name, schema);
    }
    for (name, schema) in added.into_iter().chain(hoisted) {
        all.insert(name, schema);
    }
    rename_response_refs(doc, &renames);
}

/// `anyOf` of the known values (`$ref` to `name`) and any string. A
/// nullable enum (`null` among its values) stays nullable here.
fn open_form(name: &str, enum_schema: &Value) -> Value {
    let mut open = json!({
        "x-braze-decision": OPEN_ENUM_DECISION,
        "description": format!(
            "A value of `{name}`, or any other string: Braze adds values over time and \
             sends some in another case than documented (`Subscribed` for `subscribed`), \
             so a client must accept any string here."
        ),
        "anyOf": [
            {"$ref": format!("#/components/schemas/{name}")},
            {"type": "string"}
        ]
    });
    if enum_schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        make_nullable(&mut open);
    }
    open
}

/// `null` is accepted by the string arm (OpenAPI 3.0 wants `nullable`
/// beside a `type`, which an `anyOf` has not).
fn make_nullable(open: &mut Value) {
    open["anyOf"][1]["nullable"] = Value::Bool(true);
}

/// Whether `s` holds an inline enum or a `$ref` to an enum component, in
/// itself or its subschemas (not through `$ref`s to other objects).
fn holds_enum(s: &Value, enum_components: &BTreeSet<String>) -> bool {
    let Some(m) = s.as_object() else { return false };
    if m.contains_key("enum") {
        return true;
    }
    if m.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .is_some_and(|n| enum_components.contains(n))
    {
        return true;
    }
    subschemas(m).any(|sub| holds_enum(sub, enum_components))
}

fn subschemas(m: &Map<String, Value>) -> impl Iterator<Item = &Value> {
    let props = m
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values());
    let single = ["items", "additionalProperties", "not"]
        .into_iter()
        .filter_map(|k| m.get(k));
    let lists = ["allOf", "oneOf", "anyOf"]
        .into_iter()
        .filter_map(|k| m.get(k).and_then(Value::as_array))
        .flatten();
    props.chain(single).chain(lists)
}

/// Moves every inline enum of `schema` (a response-side component named
/// `base`) into a named component `<base><Property>` (`...Item` for array
/// items, `...Value` for map values) and points the property at its open
/// form.
fn hoist_enums(
    schema: &mut Value,
    base: &str,
    taken: &mut BTreeSet<String>,
    fresh: &mut impl FnMut(String, &mut BTreeSet<String>) -> String,
    out: &mut Vec<(String, Value)>,
) {
    let Some(m) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for (prop, sub) in props.iter_mut() {
            hoist_at(sub, &format!("{base}{}", pascal(prop)), taken, fresh, out);
        }
    }
    for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
        if let Some(sub) = m.get_mut(key).filter(|s| s.is_object()) {
            hoist_at(sub, &format!("{base}{suffix}"), taken, fresh, out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = m.get_mut(key) {
            for (i, sub) in list.iter_mut().enumerate() {
                hoist_enums(sub, &format!("{base}Variant{i}"), taken, fresh, out);
            }
        }
    }
}

fn hoist_at(
    sub: &mut Value,
    name: &str,
    taken: &mut BTreeSet<String>,
    fresh: &mut impl FnMut(String, &mut BTreeSet<String>) -> String,
    out: &mut Vec<(String, Value)>,
) {
    if sub.get("enum").is_none() {
        hoist_enums(sub, name, taken, fresh, out);
        return;
    }
    // The property's description moves to the known values: OpenAPI 3.0
    // ignores a `$ref`'s siblings (and linters refuse them).
    let mut known = std::mem::take(sub);
    let nullable = known.get("nullable").and_then(Value::as_bool) == Some(true);
    if let Some(k) = known.as_object_mut() {
        k.remove("nullable");
        k.remove("example");
        if let Some(Value::Array(values)) = k.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    }
    let enum_name = fresh(name.to_string(), taken);
    let open_name = fresh(format!("{enum_name}{RECEIVED}"), taken);
    let mut open = open_form(&enum_name, &Value::Null);
    if nullable {
        make_nullable(&mut open);
    }
    out.push((enum_name, known));
    out.push((open_name.clone(), open));
    *sub = json!({"$ref": format!("#/components/schemas/{open_name}")});
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(responses: Value) -> Value {
        json!({"paths": {"/a": {"post": {"operationId": "a", "responses": responses}}}})
    }

    #[test]
    fn the_known_success_code_is_followed_by_the_2xx_range() {
        let doc = op(json!({
            "201": {"description": "created", "content": {"application/json": {
                "schema": {"type": "object"}, "example": {"message": "success"}}}},
            "400": {"description": "bad"}
        }));
        let p = published(&doc);
        let responses = &p["paths"]["/a"]["post"]["responses"];
        let keys: Vec<&String> = responses.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["201", "2XX", "400"]);
        let range = &responses["2XX"]["content"]["application/json"];
        assert_eq!(range["schema"], json!({"type": "object"}));
        assert!(range.get("example").is_none(), "the example stays on 201");
        // A bodiless 204 gets a bodiless range; a declared 2XX is kept alone.
        let p = published(&op(json!({"204": {"description": "gone"}})));
        assert!(
            p["paths"]["/a"]["post"]["responses"]["2XX"]
                .get("content")
                .is_none()
        );
        let p = published(&op(json!({"2XX": {"description": "ok"}})));
        assert_eq!(
            p["paths"]["/a"]["post"]["responses"]
                .as_object()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn response_enums_open_and_request_enums_stay_closed() {
        let doc = json!({
            "paths": {"/a": {"post": {
                "operationId": "a",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Shared": {"type": "object", "properties": {
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "mode": {"type": "string", "enum": ["x"], "description": "d"}
                }},
                "Out": {"type": "object", "properties": {
                    "shared": {"$ref": "#/components/schemas/Shared"},
                    "status": {"type": "string", "enum": ["on", null], "nullable": true},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["t"]}}
                }}
            }}
        });
        let p = published(&doc);
        let s = &p["components"]["schemas"];
        // Requests: unchanged.
        assert_eq!(s["Shared"], doc["components"]["schemas"]["Shared"]);
        assert_eq!(s["Kind"], doc["components"]["schemas"]["Kind"]);
        // Responses: the shared object's copy refers to open enums.
        assert_eq!(
            s["Out"]["properties"]["shared"]["$ref"],
            "#/components/schemas/SharedReceived"
        );
        assert_eq!(
            s["SharedReceived"]["properties"]["kind"]["$ref"],
            "#/components/schemas/KindReceived"
        );
        assert_eq!(
            s["KindReceived"]["anyOf"],
            json!([{"$ref": "#/components/schemas/Kind"}, {"type": "string"}])
        );
        assert_eq!(
            s["SharedReceived"]["properties"]["mode"]["$ref"],
            "#/components/schemas/SharedModeReceived"
        );
        assert_eq!(
            s["SharedMode"],
            json!({"type": "string", "enum": ["x"], "description": "d"})
        );
        // A nullable inline enum: the known values lose null, the open form is nullable.
        assert_eq!(s["OutStatus"]["enum"], json!(["on"]));
        assert_eq!(
            s["OutStatusReceived"]["anyOf"][1],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            s["Out"]["properties"]["tags"]["items"]["$ref"],
            "#/components/schemas/OutTagsItemReceived"
        );
        // The request body still refers to the closed original.
        assert_eq!(
            p["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Shared"
        );
    }
}
