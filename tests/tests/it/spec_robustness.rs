//! No input makes the generator panic: the real spec is mutated node by node
//! (each sampled value replaced by a value of another JSON type) and every
//! stage that runs before progenitor - merge, rules, openapiv3 parsing, the
//! lowering - must answer with diagnostics or a result, never a panic.
//! (progenitor itself runs under the generator's panic guard, tested in
//! spec_rules.rs.)

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use braze_openapi_generator::{self as generator, load, lower};
use braze_tests::reference::spec_dir;
use serde_json::{Value, json};

fn read(name: &str) -> (PathBuf, String) {
    let path = spec_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (PathBuf::from(format!("spec/{name}")), text)
}

/// Every JSON pointer of `v`, in document order.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                pointers(
                    child,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Runs every stage before progenitor on `sources`; Err if one panicked.
fn run_stages(sources: &[(PathBuf, String)]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| {
        if let Ok(spec) = load::load_sources(sources) {
            let _ = lower::lower(&spec.document);
            let _ = generator::check_loaded(spec);
        }
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Mutates file `which` of `sources` at a sample of its nodes.
fn mutate_and_run(sources: &[(PathBuf, String)], which: usize, every: usize) -> Vec<String> {
    let original: Value = serde_yaml::from_str(&sources[which].1).unwrap();
    let mut all = Vec::new();
    pointers(&original, String::new(), &mut all);
    let replacements = [
        json!(null),
        json!("x"),
        json!(7),
        json!([]),
        json!({}),
        json!({"$ref": "#/nowhere"}),
    ];
    let mut panics = Vec::new();
    for (n, ptr) in all.iter().enumerate().filter(|(n, _)| n % every == 0) {
        let replacement = &replacements[n / every % replacements.len()];
        let mut mutated = original.clone();
        if ptr.is_empty() {
            mutated = replacement.clone();
        } else if let Some(slot) = mutated.pointer_mut(ptr) {
            *slot = replacement.clone();
        }
        let mut case = sources.to_vec();
        case[which].1 = serde_yaml::to_string(&mutated).unwrap();
        if let Err(message) = run_stages(&case) {
            panics.push(format!(
                "{}#{ptr} = {replacement}: {message}",
                sources[which].0.display()
            ));
        }
    }
    panics
}

#[test]
fn mutated_specs_never_panic() {
    let sources = vec![
        read("openapi.yaml"),
        read("user_data.yaml"),
        read("catalogs.yaml"),
    ];
    assert!(run_stages(&sources).is_ok());
    let mut panics = Vec::new();
    // About 95 mutations: every 11th node of the root, every 53rd of the
    // fragments, each replacement type in turn.
    panics.extend(mutate_and_run(&sources, 0, 11));
    panics.extend(mutate_and_run(&sources, 1, 53));
    panics.extend(mutate_and_run(&sources, 2, 53));
    assert!(
        panics.is_empty(),
        "{} mutation(s) panicked:\n{}",
        panics.len(),
        panics.join("\n")
    );
}

#[test]
fn a_root_section_of_the_wrong_type_is_reported_not_a_panic() {
    let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: just text\n";
    let fragment = "components:\n  schemas:\n    A: {type: string}\n";
    let err = load::load_sources(&[
        (PathBuf::from("spec/openapi.yaml"), root.to_string()),
        (PathBuf::from("spec/f.yaml"), fragment.to_string()),
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("spec/f.yaml#/components/schemas: the root defines this section as something other than a mapping"), "{err}");
}
