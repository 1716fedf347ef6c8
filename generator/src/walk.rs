//! Walking the OpenAPI document: its operations, the schemas they send and
//! receive, the components those reach, and local `$ref`s.
//!
//! Shared by every step that reads a document as JSON (rules, lowering,
//! metadata, streams, batches, prepared requests, the dispatcher, the
//! breaking-change comparison, the Prism contract run), so that "what is an
//! operation", "what are its parameters" and "where does this `$ref` lead"
//! are answered in one place. Nothing else follows a `$ref` by hand.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostics::escape_token;

/// HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the document, with its location.
pub struct OperationRef<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub pointer: String,
    pub operation: &'a Value,
    pub path_item: &'a Value,
}

impl<'a> OperationRef<'a> {
    /// The `operationId`, or `""` when it has none (a rule reports that).
    pub fn id(&self) -> &'a str {
        self.operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The parameters of the path item, then those of the operation, each
    /// with its `$ref` followed (dangling ones left out).
    pub fn parameters(&self, document: &'a Value) -> Vec<&'a Value> {
        let of_item = self.path_item.get("parameters").and_then(Value::as_array);
        let of_op = self.operation.get("parameters").and_then(Value::as_array);
        of_item
            .into_iter()
            .chain(of_op)
            .flatten()
            .filter_map(|p| resolve(document, p))
            .collect()
    }

    /// The request body (its `$ref` followed), if any.
    pub fn request_body(&self, document: &'a Value) -> Option<&'a Value> {
        resolve(document, self.operation.get("requestBody")?)
    }

    /// The `application/json` media type of the request body, if any.
    pub fn json_body(&self, document: &'a Value) -> Option<&'a Value> {
        self.request_body(document)?
            .pointer("/content/application~1json")
    }
}

/// Every operation of `document`, in document order.
pub fn operations(document: &Value) -> Vec<OperationRef<'_>> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                out.push(OperationRef {
                    path,
                    method,
                    pointer: format!("/paths/{}/{method}", escape_token(path)),
                    operation,
                    path_item: item,
                });
            }
        }
    }
    out
}

/// One operation of a document being changed in place.
pub struct OperationMut<'a> {
    /// The path, as written (`/users/track`).
    pub path: &'a str,
    /// The method, lower case.
    pub method: &'a str,
    /// The operation object.
    pub operation: &'a mut Value,
}

impl OperationMut<'_> {
    /// The `operationId`, else the method.
    pub fn id(&self) -> &str {
        self.operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or(self.method)
    }
}

/// Every operation of `document`, to change in place: the methods of each
/// path item in the order the item lists them (a path item's other keys,
/// such as `parameters`, are not operations). The rewrites of the export
/// and the lowering go through this instead of each walking `paths`.
pub fn operations_mut(document: &mut Value) -> Vec<OperationMut<'_>> {
    let mut out = Vec::new();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return out;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if METHODS.contains(&method.as_str()) {
                out.push(OperationMut {
                    path,
                    method,
                    operation,
                });
            }
        }
    }
    out
}

/// The JSON schema of every response (success and error) of every
/// operation: everything the server sends.
pub fn response_schemas(document: &Value) -> Vec<&Value> {
    operation_schemas(document, |o| {
        o.get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(_, r)| resolve(document, r))
            .filter_map(|r| r.pointer("/content/application~1json/schema"))
            .collect()
    })
}

/// The JSON schema of the request body of every operation, with the pointer
/// of each.
pub fn request_schemas(document: &Value) -> Vec<(String, &Value)> {
    operations(document)
        .into_iter()
        .filter_map(|op| {
            let schema = op.json_body(document)?.get("schema")?;
            Some((
                format!(
                    "{}/requestBody/content/application~1json/schema",
                    op.pointer
                ),
                schema,
            ))
        })
        .collect()
}

/// The schema of every parameter (path, query, header) of every operation,
/// including path-level parameters.
pub fn parameter_schemas(document: &Value) -> Vec<&Value> {
    operations(document)
        .into_iter()
        .flat_map(|op| op.parameters(document))
        .filter_map(|p| p.get("schema"))
        .collect()
}

fn operation_schemas<'v>(
    document: &'v Value,
    of: impl Fn(&'v Value) -> Vec<&'v Value>,
) -> Vec<&'v Value> {
    operations(document)
        .into_iter()
        .flat_map(|op| of(op.operation))
        .collect()
}

/// Names of the component schemas reachable through `$ref`s from `roots`.
pub fn reachable_components<'v>(document: &'v Value, roots: Vec<&'v Value>) -> BTreeSet<String> {
    let mut todo = roots;
    let mut seen = BTreeSet::new();
    while let Some(v) = todo.pop() {
        collect_refs(v, &mut |name| {
            if seen.insert(name.to_string())
                && let Some(s) = document.pointer(&format!("/components/schemas/{name}"))
            {
                todo.push(s);
            }
        });
    }
    seen
}

/// Calls `found` with the component name of every `#/components/schemas/`
/// `$ref` in `v`, examples aside.
pub fn collect_refs(v: &Value, found: &mut impl FnMut(&str)) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                found(name);
            }
            for (k, child) in m {
                if k != "example" && k != "examples" {
                    collect_refs(child, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, found)),
        _ => {}
    }
}

/// Follows a local `$ref` (`#/components/...`) if `value` is one; `None`
/// when it leads nowhere (not local, dangling, or a chain of more than 32).
pub fn resolve<'v>(document: &'v Value, value: &'v Value) -> Option<&'v Value> {
    let mut current = value;
    for _ in 0..32 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => current = document.pointer(r.strip_prefix('#')?)?,
            None => return Some(current),
        }
    }
    None
}

/// [`resolve`], with `null` for a `$ref` that leads nowhere: for readers
/// that index into the result (`resolved(doc, v)["name"]`) and treat a
/// missing target as an absent value.
pub fn resolved<'v>(document: &'v Value, value: &'v Value) -> &'v Value {
    static NULL: Value = Value::Null;
    resolve(document, value).unwrap_or(&NULL)
}

/// Points every `$ref` to a renamed component (`renames`: old name to new)
/// at its new name, below `v`; examples are left as they are.
pub fn rename_refs(v: &mut Value, renames: &BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(new) = r
                    .strip_prefix("#/components/schemas/")
                    .and_then(|n| renames.get(n))
            {
                *r = format!("#/components/schemas/{new}");
            }
            for (k, child) in m.iter_mut() {
                if k != "example" && k != "examples" {
                    rename_refs(child, renames);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rename_refs(i, renames)),
        _ => {}
    }
}

/// [`rename_refs`] over every response body: the operations' and the
/// shared response components'.
pub fn rename_response_refs(document: &mut Value, renames: &BTreeMap<String, String>) {
    for op in operations_mut(document) {
        if let Some(Value::Object(responses)) = op.operation.get_mut("responses") {
            for r in responses.values_mut() {
                if let Some(content) = r.get_mut("content") {
                    rename_refs(content, renames);
                }
            }
        }
    }
    if let Some(Value::Object(responses)) = document.pointer_mut("/components/responses") {
        for r in responses.values_mut() {
            if let Some(content) = r.get_mut("content") {
                rename_refs(content, renames);
            }
        }
    }
}
