//! Every response type's decoder (the success and error body of every
//! operation, as `send()` decodes them) fed JSON it was not written for:
//! the spec's response examples mutated at every node, and random JSON.
//!
//! Whatever the input: no panic, and a rejected input is an error that
//! names a JSON path which exists in the input (the runtime puts that path
//! in `Error::InvalidResponsePayload`). For a mutated example (which
//! decodes before the mutation) the path is also on the way to the
//! mutation, or inside it: the error points at what changed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use braze_tests::generated::example_codecs::EXAMPLE_CODECS;
use braze_tests::reference::spec_dir;
use braze_tests::typed_examples::{Codec, response_examples};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// One step of a JSON path: an object key or an array index.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Each operation's (operation id, response kind, decoder).
fn response_decoders() -> Vec<(&'static str, &'static str, Codec)> {
    EXAMPLE_CODECS
        .iter()
        .flat_map(|c| {
            let success = c.success.map(|s| (c.operation_id, "success", s));
            success
                .into_iter()
                .chain([(c.operation_id, "error", c.error)])
        })
        .collect()
}

/// The path of a decode error (`codec`'s "at `a.b[0]`: ..."), as steps;
/// `None` when the message names no path or a step serde could not name.
fn error_path(message: &str) -> Option<Vec<Step>> {
    let path = message.strip_prefix("at `")?.split_once("`: ")?.0;
    if path == "." {
        return Some(Vec::new());
    }
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if key == "?" {
            return None;
        }
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let (n, after) = inner.split_once(']')?;
            steps.push(Step::Index(n.parse().ok()?));
            rest = after;
        }
    }
    Some(steps)
}

/// Whether `path` leads to a node of `value`.
fn exists(value: &Value, path: &[Step]) -> bool {
    let mut at = value;
    for step in path {
        at = match (step, at) {
            (Step::Key(k), Value::Object(m)) => match m.get(k) {
                Some(v) => v,
                None => return false,
            },
            (Step::Index(i), Value::Array(a)) => match a.get(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

/// Decodes `input` with `decode`; a panic, or an error without a path that
/// exists in `input`, is the problem returned. Returns the error's path.
fn check(decode: Codec, input: &Value) -> Result<Option<Vec<Step>>, String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| decode(input)))
        .map_err(|_| format!("the decoder panicked on {input}"))?;
    match outcome {
        Ok(_) => Ok(None),
        Err(message) => {
            let path = error_path(&message)
                .ok_or_else(|| format!("the error names no JSON path: {message}"))?;
            if exists(input, &path) {
                Ok(Some(path))
            } else {
                Err(format!(
                    "the error's path is not in the input: {message}; input {input}"
                ))
            }
        }
    }
}

/// Every node of `value` with its path (the root first).
fn nodes(value: &Value, at: Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(m) => {
            out.push(at.clone());
            for (k, v) in m {
                let mut next = at.clone();
                next.push(Step::Key(k.clone()));
                nodes(v, next, out);
            }
        }
        Value::Array(items) => {
            out.push(at.clone());
            for (i, v) in items.iter().enumerate() {
                let mut next = at.clone();
                next.push(Step::Index(i));
                nodes(v, next, out);
            }
        }
        _ => out.push(at),
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |at, step| match step {
        Step::Key(k) => &mut at[k.as_str()],
        Step::Index(i) => &mut at[*i],
    })
}

/// Values of every JSON kind, one of which is wrong for any node.
fn replacements() -> [Value; 6] {
    [
        Value::Null,
        json!(true),
        json!(-1.5),
        json!("\u{0}not what was expected"),
        json!([{"x": 1}]),
        json!({"unexpected": [null]}),
    ]
}

/// Every example with one node replaced by a value of another kind, and
/// every object with one key removed.
fn mutations(example: &Value) -> Vec<(Vec<Step>, Value)> {
    let mut paths = Vec::new();
    nodes(example, Vec::new(), &mut paths);
    let mut out = Vec::new();
    for path in paths {
        for replacement in replacements() {
            let mut mutated = example.clone();
            let node = node_mut(&mut mutated, &path);
            if std::mem::discriminant(node) != std::mem::discriminant(&replacement) {
                *node = replacement;
                out.push((path.clone(), mutated));
            }
        }
        if let Some((Step::Key(key), parent)) = path.split_last() {
            let mut mutated = example.clone();
            if let Value::Object(m) = node_mut(&mut mutated, parent) {
                m.remove(key);
            }
            out.push((parent.to_vec(), mutated));
        }
    }
    out
}

#[test]
fn mutated_response_examples_fail_at_the_mutation_and_never_panic() {
    let doc = braze_openapi_generator::check(&spec_dir())
        .unwrap_or_else(|d| panic!("{d}"))
        .document;
    let decoders = response_decoders();
    let mut tried = 0;
    let mut rejected = 0;
    let mut problems = Vec::new();
    for op in braze_openapi_generator::walk::operations(&doc) {
        for (kind, at, example) in response_examples(&doc, &op) {
            let Some((_, _, decode)) = decoders
                .iter()
                .find(|(id, k, _)| *id == op.id() && *k == kind)
            else {
                problems.push(format!("{at}: no {kind} decoder for `{}`", op.id()));
                continue;
            };
            // The example itself decodes (spec_examples checks that too):
            // any error below comes from the mutation.
            if let Err(e) = decode(&example) {
                problems.push(format!("{at}: the example does not decode: {e}"));
                continue;
            }
            for (mutated_at, mutated) in mutations(&example) {
                tried += 1;
                match check(*decode, &mutated) {
                    Err(problem) => problems.push(format!("{at}: {problem}")),
                    Ok(None) => {}
                    Ok(Some(path)) => {
                        rejected += 1;
                        let related =
                            path.starts_with(&mutated_at) || mutated_at.starts_with(&path);
                        if !related {
                            problems.push(format!(
                                "{at}: mutated at {mutated_at:?}, the error points at {path:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    println!("{tried} mutated response examples decoded, {rejected} rejected");
    // A decoder that accepts anything would reject nothing.
    assert!(
        tried > 2_000 && rejected > tried / 4,
        "{tried} tried, {rejected} rejected"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Any JSON value, small and shallow: keys drawn from the names responses
/// use, so that random objects reach into the types' fields.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("message".to_string()),
        Just("errors".to_string()),
        Just("id".to_string()),
        Just("name".to_string()),
        Just("created_at".to_string()),
        Just("users".to_string()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(json!("2025-11-20T08:45:00Z")),
        Just(json!("success")),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    // Each case runs every response decoder (about 260) once.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_json_never_panics_a_response_decoder(input in any_json()) {
        for (id, kind, decode) in response_decoders() {
            if let Err(problem) = check(decode, &input) {
                prop_assert!(false, "{id} ({kind}): {problem}");
            }
        }
    }
}

#[test]
fn error_paths_are_read_as_steps() {
    assert_eq!(error_path("at `.`: x"), Some(vec![]));
    assert_eq!(
        error_path("at `a.b[2][0].c`: invalid type"),
        Some(vec![
            Step::Key("a".into()),
            Step::Key("b".into()),
            Step::Index(2),
            Step::Index(0),
            Step::Key("c".into()),
        ])
    );
    assert_eq!(error_path("at `a.?`: x"), None);
    assert_eq!(error_path("does not encode again: x"), None);
    assert!(exists(
        &json!({"a": [1, {"b": 2}]}),
        &[Step::Key("a".into()), Step::Index(1)]
    ));
    assert!(!exists(
        &json!({"a": [1]}),
        &[Step::Key("a".into()), Step::Index(1)]
    ));
}
