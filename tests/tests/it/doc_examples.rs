//! Every JSON example of the Braze doc pages behind the spec validates
//! against the spec's schemas, or is listed with the reason it does not.
//!
//! Pages: the doc page of each covered endpoint (`endpoints.tsv`, and the
//! two extra-endpoint tables for the endpoints beyond the glossary), plus the
//! object pages named in `tests/doc_examples/*.yaml`. Decisions (skip,
//! retarget) live in those YAML files; see `tests/doc_examples/README.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use braze_openapi_generator as generator;
use braze_tests::doc_examples::{Example, Target, Validators, extract};
use braze_tests::reference::{
    endpoint_rows, extra_endpoint_rows, reference_dir, repo_root, spec_dir,
};
use serde_json::Value;

/// A decision about one example.
#[derive(Default, Debug, Clone)]
struct Decision {
    skip: Option<String>,
    schema: Option<String>,
    target: Option<Target>,
}

/// Decisions for one page.
#[derive(Default, Debug, Clone)]
struct PageDecisions {
    schema: Option<String>,
    examples: BTreeMap<usize, Decision>,
}

fn load_decisions() -> BTreeMap<String, PageDecisions> {
    let dir = repo_root().join("tests/doc_examples");
    let mut out: BTreeMap<String, PageDecisions> = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/doc_examples exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let Some(pages) = doc.get("pages").and_then(Value::as_object) else {
            continue;
        };
        for (page, d) in pages {
            let entry = out.entry(page.clone()).or_default();
            if let Some(s) = d.get("schema").and_then(Value::as_str) {
                entry.schema = Some(s.to_string());
            }
            for e in d
                .get("examples")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let n = e.get("example").and_then(Value::as_u64).unwrap_or_else(|| {
                    panic!("{}: {page}: an entry lacks `example`", file.display())
                }) as usize;
                let decision = Decision {
                    skip: e.get("skip").and_then(Value::as_str).map(str::to_string),
                    schema: e.get("schema").and_then(Value::as_str).map(str::to_string),
                    target: e.get("target").and_then(Value::as_str).map(|t| {
                        Target::parse(t).unwrap_or_else(|| {
                            panic!("{}: {page}: bad target `{t}`", file.display())
                        })
                    }),
                };
                if let Some(reason) = &decision.skip {
                    assert!(
                        reason.trim().len() >= 10,
                        "{}: {page} example {n}: a skip needs a real reason",
                        file.display()
                    );
                }
                entry.examples.insert(n, decision);
            }
        }
    }
    out
}

/// The schemas an endpoint's examples are checked against.
struct OperationSchemas {
    request: Option<Value>,
    response: Option<Value>,
    error: Option<Value>,
}

fn operation_schemas(document: &Value, method: &str, path: &str) -> Option<OperationSchemas> {
    let ptr = format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    );
    let op = document.pointer(&ptr)?;
    let resolve = |v: &Value| generator::walk::resolve(document, v).cloned();
    let request = op
        .get("requestBody")
        .and_then(resolve)
        .and_then(|b| b.pointer("/content/application~1json/schema").cloned());
    let responses = op.get("responses").and_then(Value::as_object);
    let find = |pred: &dyn Fn(&str) -> bool| {
        responses
            .and_then(|r| r.iter().find(|(c, _)| pred(c)))
            .and_then(|(_, r)| resolve(r))
            .and_then(|r| r.pointer("/content/application~1json/schema").cloned())
    };
    let response = find(&|c| c.starts_with('2'));
    let error = find(&|c| c.starts_with('4') || c.starts_with('5'));
    Some(OperationSchemas {
        request,
        response,
        error,
    })
}

fn component(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

#[derive(Default)]
struct Tally {
    total: usize,
    valid: usize,
    skipped: usize,
    unparsable: Vec<String>,
    failures: Vec<String>,
    report: String,
}

fn check_example(
    validators: &mut Validators,
    page: &str,
    ex: &Example,
    schema: Option<Value>,
    decision: Option<&Decision>,
    t: &mut Tally,
) {
    t.total += 1;
    let label = format!(
        "{page} example {} (line {}, \"{}\", {:?})",
        ex.number, ex.line, ex.heading, ex.target
    );
    let json = match &ex.json {
        Ok(v) => v,
        Err(e) => {
            t.unparsable.push(format!("{label}: {e}"));
            let _ = writeln!(t.report, "  unparsable {label}: {e}");
            return;
        }
    };
    let Some(schema) = schema else {
        // A parameter summary shown as JSON on a page of an operation
        // without a body: nothing to validate it against; a skip with its
        // reason accounts for it.
        if let Some(reason) = decision.and_then(|d| d.skip.as_ref()) {
            t.skipped += 1;
            let _ = writeln!(t.report, "  skipped    {label}: {reason}");
            return;
        }
        t.failures.push(format!(
            "{label}: the operation has no schema for this kind of example; add a decision"
        ));
        return;
    };
    let validator = validators.get(&schema, &label);
    let errors: Vec<String> = validator
        .iter_errors(json)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    match (errors.is_empty(), decision.and_then(|d| d.skip.as_ref())) {
        (true, None) => {
            t.valid += 1;
            let _ = writeln!(t.report, "  valid      {label}");
        }
        (true, Some(_)) => t.failures.push(format!(
            "{label}: marked skip but it validates now: remove the decision"
        )),
        (false, Some(reason)) => {
            t.skipped += 1;
            let _ = writeln!(t.report, "  skipped    {label}: {reason}");
        }
        (false, None) => t
            .failures
            .push(format!("{label}:\n      {}", errors.join("\n      "))),
    }
}

#[test]
fn doc_examples_validate_against_the_spec() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let document = &spec.document;
    let mut decisions = load_decisions();
    let mut t = Tally::default();
    let mut validators = Validators::new(document);
    let docs = reference_dir().join("braze-docs");

    let mut pages: Vec<(String, Option<(String, String)>)> = Vec::new();
    for row in endpoint_rows() {
        if document
            .pointer(&format!(
                "/paths/{}/{}",
                row.path.replace('/', "~1"),
                row.method
            ))
            .is_some()
        {
            pages.push((
                row.doc_file.clone(),
                Some((row.method.clone(), row.path.clone())),
            ));
        }
    }
    // The pages of the endpoints beyond the glossary (both extra tables) that
    // the spec covers. Their keys are relative to `braze-docs/` like the
    // glossary's; a fork page keeps its `braze-docs-forks/<owner>/` prefix.
    for row in extra_endpoint_rows() {
        if document
            .pointer(&format!(
                "/paths/{}/{}",
                row.path.replace('~', "~0").replace('/', "~1"),
                row.method
            ))
            .is_some()
        {
            let page = row
                .page
                .strip_prefix("braze-docs/")
                .unwrap_or(&row.page)
                .to_string();
            pages.push((page, Some((row.method.clone(), row.path.clone()))));
        }
    }
    for (page, d) in &decisions {
        if d.schema.is_some() && !pages.iter().any(|(p, _)| p == page) {
            pages.push((page.clone(), None));
        }
    }
    // Pages may repeat (two rows share a page): check each page once per
    // operation.
    pages.dedup();

    for (page, op) in &pages {
        let file = if page.starts_with("braze-docs-forks/") {
            reference_dir().join(page)
        } else {
            docs.join(page)
        };
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {page}: {e}"));
        let examples = extract(&text);
        let page_decisions = decisions.remove(page).unwrap_or_default();
        let schemas = op
            .as_ref()
            .and_then(|(m, p)| operation_schemas(document, m, p));
        let _ = writeln!(t.report, "{page}: {} example(s)", examples.len());
        for n in page_decisions.examples.keys() {
            assert!(
                *n >= 1 && *n <= examples.len(),
                "{page}: a decision names example {n}, the page has {}",
                examples.len()
            );
        }
        for ex in &examples {
            let decision = page_decisions.examples.get(&ex.number);
            let target = decision.and_then(|d| d.target).unwrap_or(ex.target);
            let schema = if let Some(name) = decision
                .and_then(|d| d.schema.as_ref())
                .or(page_decisions.schema.as_ref())
            {
                assert!(
                    document
                        .pointer(&format!("/components/schemas/{name}"))
                        .is_some(),
                    "{page}: no component `{name}`"
                );
                Some(component(name))
            } else {
                schemas.as_ref().and_then(|s| match target {
                    Target::Request => s.request.clone(),
                    Target::Response => s.response.clone(),
                    Target::Error => s.error.clone(),
                })
            };
            check_example(&mut validators, page, ex, schema, decision, &mut t);
        }
    }
    let unknown: Vec<&String> = decisions.keys().collect();
    assert!(
        unknown.is_empty(),
        "tests/doc_examples names pages that are neither a covered endpoint's page nor an object page with a `schema`: {unknown:?}"
    );

    println!("{}", t.report);
    println!(
        "doc examples: {} found, {} valid, {} parsed but skipped by decision, {} unparsable",
        t.total,
        t.valid,
        t.skipped,
        t.unparsable.len()
    );
    for u in &t.unparsable {
        println!("unparsable: {u}");
    }
    assert!(
        t.failures.is_empty(),
        "{} example(s) do not validate:\n{}",
        t.failures.len(),
        t.failures.join("\n")
    );
}
