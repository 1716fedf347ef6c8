//! The spec's prose is our own: no description, summary or decision note
//! repeats a run of 12 consecutive words from Braze's pages (which are
//! CC BY-NC-SA; facts may be taken, wording may not). Lists of field names or
//! enum values are facts, and the few that are long enough to match are
//! listed below with their reason.

use std::collections::HashSet;

use braze_openapi_generator as generator;
use braze_tests::reference::{reference_dir, spec_dir};
use serde_json::Value;

const RUN: usize = 12;

/// Texts that may match: each is a list of documented values, not prose.
const ALLOWED: [&str; 2] = [
    // the comparison operators Braze accepts, in Braze's order
    "/components/schemas/ConnectedAudienceCustomAttributeCondition/description",
    // the gender codes and their meanings
    "/components/schemas/ExportedUser/properties/gender/description",
];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn doc_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            doc_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn prose(v: &Value, at: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let child_at = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (k.as_str(), child) {
                    ("description" | "summary" | "x-braze-decision", Value::String(s)) => {
                        out.push((child_at, s.clone()))
                    }
                    ("example" | "examples", _) => {}
                    _ => prose(child, child_at, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prose(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_description_copies_a_run_of_braze_prose() {
    let mut files = Vec::new();
    doc_files(&reference_dir().join("braze-docs"), &mut files);
    assert!(
        files.len() > 100,
        "Braze's pages are missing from reference/"
    );
    let mut runs: HashSet<String> = HashSet::new();
    for file in &files {
        let w = words(&std::fs::read_to_string(file).unwrap());
        for window in w.windows(RUN) {
            runs.insert(window.join(" "));
        }
    }

    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let mut texts = Vec::new();
    prose(&spec.document, String::new(), &mut texts);
    assert!(texts.len() > 1000, "the spec's prose was not found");
    let mut copied = Vec::new();
    let mut allowed_seen = 0;
    for (at, text) in &texts {
        let w = words(text);
        if let Some(run) = w
            .windows(RUN)
            .map(|r| r.join(" "))
            .find(|r| runs.contains(r))
        {
            if ALLOWED.contains(&at.as_str()) {
                allowed_seen += 1;
            } else {
                copied.push(format!("{at}: \"{run}\""));
            }
        }
    }
    assert!(
        copied.is_empty(),
        "{} text(s) repeat Braze's wording; rewrite them:\n{}",
        copied.len(),
        copied.join("\n")
    );
    assert_eq!(
        allowed_seen,
        ALLOWED.len(),
        "an ALLOWED entry no longer matches: remove it"
    );
}

/// A user's clone has nothing beside it: no test source may read
/// the shared folder beside the checkout (the reference material is vendored
/// in `reference/`).
#[test]
fn the_tests_read_nothing_outside_the_repository() {
    let root = braze_tests::reference::repo_root();
    let mut offenders = Vec::new();
    for dir in [
        "tests/src",
        "tests/tests",
        "generator/src",
        "xtask/src",
        "sdk/src",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    let needle = ["..", "/shared"].concat();
                    if text.contains(&needle) {
                        offenders.push(p.display().to_string());
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "these read outside the repository: {offenders:?}"
    );
}
