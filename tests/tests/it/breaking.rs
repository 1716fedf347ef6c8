//! The breaking-change comparison (`cargo xtask breaking`) on fixture pairs:
//! each directory of tests/fixtures/breaking/ holds `old.json`, `new.json`
//! and `expected.txt`, the breaks it must report, one per line (empty for a
//! change that only adds), and may hold `widened.txt`, the widenings it must
//! report (`line <- where its reason is`, or `<- none`; a pair without one
//! reports none). Every kind of change is covered by some pair.

use std::collections::BTreeSet;
use std::path::PathBuf;

use braze_openapi_generator::breaking::{self, Kind};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/breaking")
}

fn load(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_fixture_pair_reports_exactly_its_breaks() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/breaking exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 10,
        "expected the fixture pairs, found {dirs:?}"
    );
    let mut kinds = BTreeSet::new();
    let mut failures = Vec::new();
    for dir in &dirs {
        let report = breaking::report(&load(&dir.join("old.json")), &load(&dir.join("new.json")));
        kinds.extend(report.breaks.iter().map(|b| b.kind));
        kinds.extend(report.widenings.iter().map(|w| w.change.kind));
        let widened: Vec<String> = report
            .widenings
            .iter()
            .map(|w| {
                let at = w.reason.as_ref().map_or("none", |r| r.at.as_str());
                format!("{} <- {at}", w.change)
            })
            .collect();
        let want_widened: Vec<String> = std::fs::read_to_string(dir.join("widened.txt"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect();
        if widened != want_widened {
            failures.push(format!(
                "{} (widened.txt):\n  got  {widened:#?}\n  want {want_widened:#?}",
                dir.display()
            ));
        }
        let found = report.breaks;
        let got: Vec<String> = found.iter().map(ToString::to_string).collect();
        let want: Vec<String> = std::fs::read_to_string(dir.join("expected.txt"))
            .expect("expected.txt")
            .lines()
            .map(String::from)
            .collect();
        if got != want {
            failures.push(format!(
                "{}:\n  got  {got:#?}\n  want {want:#?}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for kind in [
        Kind::RemovedOperation,
        Kind::RemovedField,
        Kind::RemovedSchema,
        Kind::NewRequiredField,
        Kind::NewRequiredParameter,
        Kind::RequestBodyRequired,
        Kind::ResponseFieldOptional,
        Kind::TypeChanged,
        Kind::NullableRemoved,
        Kind::EnumNarrowed,
        Kind::LimitNarrowed,
        Kind::SuccessResponseAdded,
        Kind::EnumOpened,
        Kind::NullableAdded,
    ] {
        assert!(kinds.contains(&kind), "no fixture pair exercises {kind:?}");
    }
}

#[test]
fn a_document_has_no_breaks_against_itself() {
    let spec = load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/dist/braze.json"));
    assert_eq!(breaking::report(&spec, &spec), breaking::Report::default());
}

#[test]
fn removing_every_operation_of_the_real_spec_is_reported_per_operation() {
    let spec = load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/dist/braze.json"));
    let mut emptied = spec.clone();
    emptied["paths"] = serde_json::json!({});
    let removed = breaking::compare(&spec, &emptied)
        .into_iter()
        .filter(|b| b.kind == Kind::RemovedOperation)
        .count();
    let ops: usize = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| *k != "parameters")
                .count()
        })
        .sum();
    assert_eq!(removed, ops);
}

#[test]
fn major_version_is_the_first_number() {
    let v = |s: &str| breaking::major_version(&serde_json::json!({"info": {"version": s}}));
    assert_eq!(v("2026.12.1"), Some(2026));
    assert_eq!(v("v3.1.0"), Some(3));
    assert_eq!(v("2026-11-26"), Some(2026));
    assert_eq!(v("draft"), None);
}
