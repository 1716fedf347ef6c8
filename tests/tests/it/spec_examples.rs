//! Every example written in the spec is proven twice:
//!
//! * against its schema (JSON Schema, formats checked): schema examples,
//!   parameter examples and media-type examples alike;
//! * through the generated Rust types: each operation's request example
//!   decodes into the request type and encodes back to the same JSON, and
//!   each response example (success and error) decodes into its type. A
//!   mismatch names the operation and the JSON path.
//!
//! The published document keeps some examples in files of their own
//! (`spec/dist/examples/`); they are the same examples, checked here by
//! putting them back and comparing with the published form of the sources.

use braze_openapi_generator as generator;
use braze_tests::doc_examples::Validators;
use braze_tests::generated::example_codecs::EXAMPLE_CODECS;
use braze_tests::reference::spec_dir;
use braze_tests::typed_examples::first_difference;
use serde_json::Value;

fn document() -> Value {
    generator::check(&spec_dir())
        .unwrap_or_else(|d| panic!("{d}"))
        .document
}

/// (pointer of the example, the example, the schema it must satisfy).
fn examples_with_schemas(v: &Value, at: String, out: &mut Vec<(String, Value, Value)>) {
    match v {
        Value::Object(m) => {
            if let Some(example) = m.get("example") {
                // A media type or a parameter holds its schema under `schema`;
                // a schema object is its own schema.
                let schema = m.get("schema").cloned().unwrap_or_else(|| {
                    let mut s = m.clone();
                    s.remove("example");
                    Value::Object(s)
                });
                out.push((format!("{at}/example"), example.clone(), schema));
            }
            if let (Some(Value::Object(examples)), Some(schema)) =
                (m.get("examples"), m.get("schema"))
            {
                for (name, e) in examples {
                    if let Some(value) = e.get("value") {
                        out.push((
                            format!("{at}/examples/{name}/value"),
                            value.clone(),
                            schema.clone(),
                        ));
                    }
                }
            }
            for (k, child) in m {
                if k != "example" && k != "examples" && !k.starts_with("x-") {
                    examples_with_schemas(
                        child,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                examples_with_schemas(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_in_the_spec_validates_against_its_schema() {
    let doc = document();
    let mut validators = Validators::new(&doc);
    let mut examples = Vec::new();
    examples_with_schemas(&doc, String::new(), &mut examples);
    assert!(
        examples.len() > 200,
        "only {} examples found",
        examples.len()
    );
    let mut failures = Vec::new();
    for (at, example, schema) in &examples {
        let validator = validators.get(schema, at);
        for e in validator.iter_errors(example).take(3) {
            failures.push(format!("{at}: {e} at `{}`", e.instance_path()));
        }
    }
    println!("{} examples validated", examples.len());
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Each operation's media-type examples: (kind, pointer, example).
fn operation_examples(
    doc: &Value,
    op: &generator::walk::OperationRef<'_>,
) -> Vec<(&'static str, String, Value)> {
    let mut out = Vec::new();
    let resolve = |v: &Value| generator::walk::resolve(doc, v).cloned();
    let mut push = |kind, at: String, media: &Value| {
        if let Some(e) = media.get("example") {
            out.push((kind, format!("{at}/example"), e.clone()));
        }
        if let Some(Value::Object(examples)) = media.get("examples") {
            for (name, e) in examples {
                if let Some(v) = e.get("value") {
                    out.push((kind, format!("{at}/examples/{name}/value"), v.clone()));
                }
            }
        }
    };
    if let Some(body) = op.operation.get("requestBody").and_then(resolve)
        && let Some(media) = body.pointer("/content/application~1json")
    {
        push(
            "request",
            format!("{}/requestBody/content/application~1json", op.pointer),
            media,
        );
    }
    if let Some(Value::Object(responses)) = op.operation.get("responses") {
        for (code, r) in responses {
            let Some(r) = resolve(r) else { continue };
            let Some(media) = r.pointer("/content/application~1json") else {
                continue;
            };
            let kind = if code.starts_with('2') {
                "success"
            } else {
                "error"
            };
            push(
                kind,
                format!("{}/responses/{code}/content/application~1json", op.pointer),
                media,
            );
        }
    }
    out
}

/// Request examples that knowingly do not survive the round trip, with why.
/// Each must still differ, or the entry is stale.
const ROUND_TRIP_EXCEPTIONS: [(&str, &str, &str); 1] = [(
    "scim_user_update",
    "/permissions/companyPermissions",
    "an empty optional list is left out of the request (typify skips empty Vecs); \
     SCIM PUT replaces the whole user, so an omitted companyPermissions clears it \
     just as `[]` does",
)];

/// `v` with the differences that do not change what a response means
/// removed: object entries holding an empty list or map, and numbers as
/// `f64`.
fn same_meaning(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| {
                    !matches!(v, Value::Array(a) if a.is_empty())
                        && !matches!(v, Value::Object(o) if o.is_empty())
                })
                .map(|(k, v)| (k.clone(), same_meaning(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(same_meaning).collect()),
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| v.clone(), Value::Number),
        other => other.clone(),
    }
}

#[test]
fn same_meaning_keeps_every_other_difference() {
    use serde_json::json;
    let a = json!({"tags": [], "n": 9870, "name": "x", "list": [1, 2]});
    let b = json!({"n": 9870.0, "name": "x", "list": [1, 2]});
    assert_eq!(first_difference(&same_meaning(&a), &same_meaning(&b)), None);
    // A dropped value, a changed string and a changed number still differ.
    for changed in [
        json!({"n": 9870, "list": [1, 2]}),
        json!({"n": 9870, "name": "y", "list": [1, 2]}),
        json!({"n": 9871, "name": "x", "list": [1, 2]}),
        json!({"n": 9870, "name": "x", "list": [1]}),
    ] {
        assert!(
            first_difference(&same_meaning(&a), &same_meaning(&changed)).is_some(),
            "{changed}"
        );
    }
}

#[test]
fn every_operation_example_goes_through_the_generated_types() {
    let doc = document();
    let ops = generator::walk::operations(&doc);
    assert_eq!(ops.len(), EXAMPLE_CODECS.len(), "the codec table is stale");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (op, codecs) in ops.iter().zip(EXAMPLE_CODECS.iter()) {
        let id = op.operation["operationId"].as_str().unwrap_or_default();
        assert_eq!(id, codecs.operation_id, "the codec table is out of order");
        for (kind, at, example) in operation_examples(&doc, op) {
            let codec = match kind {
                "request" => codecs.request,
                "success" => codecs.success,
                _ => Some(codecs.error),
            };
            let Some(codec) = codec else {
                failures.push(format!("{id}: {at}: an example, but no {kind} type"));
                continue;
            };
            checked += 1;
            match codec(&example) {
                Err(e) => failures.push(format!("{id}: {kind} example {at} does not decode {e}")),
                Ok(encoded) if kind == "request" => {
                    let expected = ROUND_TRIP_EXCEPTIONS.iter().find(|(op, _, _)| *op == id);
                    match (first_difference(&example, &encoded), expected) {
                        (None, None) => {}
                        (Some(d), Some((_, path, _))) if d.starts_with(&format!("{path}:")) => {}
                        (Some(d), _) => failures.push(format!(
                            "{id}: request example {at} changes when re-encoded: {d}"
                        )),
                        (None, Some((_, path, _))) => failures.push(format!(
                            "{id}: the round-trip exception for {path} is stale: remove it"
                        )),
                    }
                }
                Ok(encoded) => {
                    // A response decodes into the SDK's types and encodes back
                    // to the same JSON: nothing Braze sends is dropped or
                    // changed on the way. Two encodings mean the same
                    // response: an empty list or map left out (such a field
                    // skips itself when empty and decodes a missing key as
                    // empty)
                    // and a whole number written as `9870.0` (an `f64`).
                    if let Some(d) =
                        first_difference(&same_meaning(&example), &same_meaning(&encoded))
                    {
                        failures.push(format!(
                            "{id}: {kind} example {at} changes when re-encoded: {d}"
                        ));
                    }
                }
            }
        }
    }
    println!("{checked} operation examples went through the generated types");
    assert!(checked >= 140, "only {checked} operation examples found");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_published_example_files_are_the_sources_examples_and_all_are_referenced() {
    let root = braze_tests::reference::repo_root();
    let text = std::fs::read_to_string(root.join(generator::EXPORT_JSON)).expect("exported spec");
    let mut published: Value = serde_json::from_str(&text).expect("JSON");
    braze_mock::spec::inline_external_examples(&mut published).expect("embedded examples");
    let mut expected = generator::published::published(&document());
    // The sources keep the examples inline: as an Example Object they read
    // the same after the move.
    let moved = generator::external_examples::move_out(&mut expected);
    assert!(
        !moved.is_empty(),
        "no example is published in a file of its own"
    );
    let files: Vec<String> = std::fs::read_dir(root.join(generator::EXPORT_DIR).join("examples"))
        .expect("spec/dist/examples")
        .map(|e| {
            format!(
                "examples/{}",
                e.expect("entry").file_name().to_string_lossy()
            )
        })
        .collect();
    let mut files = files;
    files.sort();
    let mut wanted: Vec<String> = moved.iter().map(|m| m.path.clone()).collect();
    wanted.sort();
    assert_eq!(
        files, wanted,
        "stale or missing files in spec/dist/examples"
    );
    let mut read_back = expected.clone();
    for m in &moved {
        let reference = serde_json::json!({"$ref": m.path});
        replace(&mut read_back, &reference, &m.example);
    }
    assert!(
        read_back == published,
        "spec/dist/braze.json with its example files inline differs from the published form of the sources"
    );
}

/// Replaces every occurrence of `from` in `v` with `to`.
fn replace(v: &mut Value, from: &Value, to: &Value) {
    if v == from {
        *v = to.clone();
        return;
    }
    match v {
        Value::Object(m) => m.values_mut().for_each(|c| replace(c, from, to)),
        Value::Array(a) => a.iter_mut().for_each(|c| replace(c, from, to)),
        _ => {}
    }
}
