//! The SDK's cargo features are the spec's tags, one each, all on by
//! default; the generated code is gated by them (see
//! `generator/src/features.rs`). CI also builds braze-sdk with no feature
//! and with one (`.ci/run`): a nested cargo cannot run here, the test run
//! holds the build directory.

use std::collections::BTreeSet;

use crate::generated_code::generated_client_source;

fn manifest(path: &str) -> toml_lite::Features {
    let text = std::fs::read_to_string(braze_tests::reference::repo_root().join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    toml_lite::features(&text)
}

/// The feature that gives every type both serde directions
/// (`generator/src/postprocess/serde_directions.rs`).
const SERDE_ALL: &str = braze_openapi_generator::postprocess::serde_directions::FEATURE;

fn spec_features() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(braze_tests::reference::repo_root().join("spec/dist/braze.json"))
            .expect("exported spec");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    braze_openapi_generator::features::features(&doc).expect("every operation has a tag")
}

/// braze-sdk's features that are not endpoint families: off by default,
/// outside `full` (`redis`: the throttle shared through Redis).
const OWN_FEATURES: &[&str] = &["redis"];

/// Both crates (braze-sdk and braze-sdk-types, which holds the types) have
/// the same features; each of braze-sdk's enables its twin.
#[test]
fn one_feature_per_tag_and_all_on_by_default() {
    let spec = spec_features();
    assert!(spec.len() > 20, "{spec:?}");
    for path in ["sdk/Cargo.toml", "sdk-types/Cargo.toml"] {
        let manifest = manifest(path);
        let declared: BTreeSet<String> = manifest
            .keys()
            .filter(|k| {
                !["default", "full", SERDE_ALL].contains(&k.as_str())
                    && !OWN_FEATURES.contains(&k.as_str())
            })
            .cloned()
            .collect();
        if path == "sdk/Cargo.toml" {
            for own in OWN_FEATURES {
                assert!(manifest.contains_key(*own), "{path} has no feature `{own}`");
            }
        }
        assert_eq!(declared, spec, "{path} [features] vs the spec's tags");
        // Besides the families: `serde-all`, off by default, braze-sdk's
        // turning on braze-sdk-types'.
        let serde_all: Vec<String> = match path {
            "sdk/Cargo.toml" => vec![format!("braze-sdk-types/{SERDE_ALL}")],
            _ => Vec::new(),
        };
        assert_eq!(manifest[SERDE_ALL], serde_all, "{path}: `{SERDE_ALL}`");
        let full: BTreeSet<String> = manifest["full"].iter().cloned().collect();
        assert_eq!(full, spec, "{path}: `full` enables every family");
        assert_eq!(manifest["default"], ["full"], "{path}");
        for f in &spec {
            let enables: Vec<String> = match path {
                "sdk/Cargo.toml" => vec![format!("braze-sdk-types/{f}")],
                _ => Vec::new(),
            };
            assert_eq!(manifest[f], enables, "{path}: what `{f}` enables");
        }
    }
    // braze-sdk turns off braze-sdk-types' defaults, or its own would not
    // compile less.
    let sdk = std::fs::read_to_string(braze_tests::reference::repo_root().join("sdk/Cargo.toml"))
        .expect("sdk/Cargo.toml");
    let dependency = sdk
        .lines()
        .find(|l| l.starts_with("braze-sdk-types "))
        .expect("braze-sdk depends on braze-sdk-types");
    assert!(
        dependency.contains("default-features = false"),
        "{dependency}"
    );
}

#[test]
fn the_readme_names_every_feature() {
    let readme = std::fs::read_to_string(braze_tests::reference::repo_root().join("README.md"))
        .expect("README.md");
    for f in spec_features() {
        assert!(
            readme.contains(&format!("`{f}`")),
            "README.md does not name the feature `{f}`"
        );
    }
}

#[test]
fn the_generated_code_is_gated_by_those_features_only() {
    let spec = spec_features();
    let source = generated_client_source();
    let mut used: BTreeSet<String> = source
        .split("feature = \"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    // The types' second serde direction is behind `serde-all`, not a family.
    assert!(used.remove(SERDE_ALL), "no type gates a serde direction");
    assert_eq!(used, spec, "features named by cfg(..) in the client");
    // An operation of one family is behind its feature.
    let method = source
        .split("pub fn users_track(")
        .next()
        .and_then(|before| before.rsplit("\n    }\n").next())
        .expect("users_track in the client");
    assert!(
        method.contains("#[cfg(feature = \"user-data\")]"),
        "users_track is not gated by user-data: {method}"
    );
    // The runtime's error type is always compiled.
    let before = source.split("pub struct BrazeError {").next().unwrap();
    let last_item = before.rsplit("\n    }\n").next().unwrap();
    assert!(
        !last_item.contains("#[cfg("),
        "BrazeError is gated: {last_item}"
    );
}

/// The `[features]` table of a Cargo manifest, read line by line (the
/// manifest keeps one feature per line or one array over several lines).
mod toml_lite {
    use std::collections::BTreeMap;

    pub type Features = BTreeMap<String, Vec<String>>;

    pub fn features(manifest: &str) -> Features {
        let mut out = Features::new();
        let mut in_table = false;
        let mut open: Option<String> = None;
        for line in manifest.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.starts_with('[') && open.is_none() {
                in_table = line == "[features]";
                continue;
            }
            if !in_table || line.is_empty() {
                continue;
            }
            let strings = |s: &str| -> Vec<String> {
                s.split('"')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            };
            if let Some(key) = &open {
                out.get_mut(key).unwrap().extend(strings(line));
                if line.contains(']') {
                    open = None;
                }
            } else if let Some((key, value)) = line.split_once('=') {
                let key = key.trim().to_string();
                out.insert(key.clone(), strings(value));
                if value.contains('[') && !value.contains(']') {
                    open = Some(key);
                }
            }
        }
        out
    }
}
