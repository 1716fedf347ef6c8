//! `cargo xtask api [--record VERSION]`: the public Rust API of the
//! published crates against the last release's.
//!
//! rustdoc's JSON output (`--output-format json`, read with
//! `RUSTC_BOOTSTRAP=1` on the stable toolchain, as cargo-semver-checks does)
//! is reduced to one line per public item: modules, types with their public
//! fields and variants (and whether fields are hidden), functions and
//! methods with their signatures, trait implementations, constants. A line
//! of the release that is gone (an item removed, a signature or field type
//! changed, a trait no longer implemented) is a breaking change: it fails
//! unless the crate's major version went up since that release (the minor
//! one for a 0.x crate). Installing cargo-semver-checks takes many minutes
//! on CI's two cores; this takes one rustdoc run per crate. It sees less than
//! cargo-semver-checks (no generic bounds, no auto traits), which the README
//! says.
//!
//! The release's lines are kept in `releases/VERSION/api/<crate>.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

use crate::release::CRATES;
use crate::release::version::{self, Version};

/// rustdoc JSON of `krate` (default features), built into `target/doc`.
fn rustdoc_json(root: &Path, krate: &str) -> Result<Value, String> {
    let status = Command::new("cargo")
        .args([
            "rustdoc",
            "-q",
            "-p",
            krate,
            "--lib",
            "--",
            "-Zunstable-options",
            "--output-format",
            "json",
        ])
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !status.success() {
        return Err(format!("cargo rustdoc -p {krate} (JSON) failed"));
    }
    let file = root
        .join("target/doc")
        .join(format!("{}.json", krate.replace('-', "_")));
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

struct Api<'a> {
    doc: &'a Value,
    index: &'a serde_json::Map<String, Value>,
    out: BTreeSet<String>,
    seen: BTreeSet<(String, String)>,
}

fn id_key(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'a> Api<'a> {
    fn item(&self, id: &Value) -> Option<&'a Value> {
        self.index.get(&id_key(id))
    }

    /// The canonical path of a type id (from the `paths` table), else its
    /// spelling at the use site.
    fn path_of(&self, id: &Value, written: &str) -> String {
        self.doc["paths"]
            .get(id_key(id))
            .and_then(|p| p["path"].as_array())
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("::")
            })
            .unwrap_or_else(|| written.to_string())
    }

    fn args(&self, args: &Value) -> String {
        let Some(a) = args.get("angle_bracketed") else {
            return String::new();
        };
        let mut parts: Vec<String> = Vec::new();
        for arg in a["args"].as_array().into_iter().flatten() {
            if let Some(t) = arg.get("type") {
                parts.push(self.ty(t));
            } else if let Some(l) = arg.get("lifetime").and_then(Value::as_str) {
                parts.push(l.to_string());
            } else {
                parts.push(strip_ids(arg).to_string());
            }
        }
        for c in a["constraints"].as_array().into_iter().flatten() {
            parts.push(strip_ids(c).to_string());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("<{}>", parts.join(", "))
        }
    }

    fn bound(&self, b: &Value) -> String {
        match b.get("trait_bound") {
            Some(t) => {
                let tr = &t["trait"];
                format!(
                    "{}{}",
                    self.path_of(&tr["id"], tr["path"].as_str().unwrap_or("?")),
                    self.args(&tr["args"])
                )
            }
            None => strip_ids(b).to_string(),
        }
    }

    fn ty(&self, t: &Value) -> String {
        if let Some(p) = t.get("resolved_path") {
            return format!(
                "{}{}",
                self.path_of(&p["id"], p["path"].as_str().unwrap_or("?")),
                self.args(&p["args"])
            );
        }
        if let Some(p) = t.get("primitive").and_then(Value::as_str) {
            return p.to_string();
        }
        if let Some(g) = t.get("generic").and_then(Value::as_str) {
            return g.to_string();
        }
        if let Some(r) = t.get("borrowed_ref") {
            let m = if r["is_mutable"] == Value::Bool(true) {
                "mut "
            } else {
                ""
            };
            return format!("&{m}{}", self.ty(&r["type"]));
        }
        if let Some(s) = t.get("slice") {
            return format!("[{}]", self.ty(s));
        }
        if let Some(a) = t.get("array") {
            return format!(
                "[{}; {}]",
                self.ty(&a["type"]),
                a["len"].as_str().unwrap_or("?")
            );
        }
        if let Some(items) = t.get("tuple").and_then(Value::as_array) {
            let parts: Vec<String> = items.iter().map(|x| self.ty(x)).collect();
            return format!("({})", parts.join(", "));
        }
        if let Some(bounds) = t.get("impl_trait").and_then(Value::as_array) {
            let parts: Vec<String> = bounds.iter().map(|b| self.bound(b)).collect();
            return format!("impl {}", parts.join(" + "));
        }
        if let Some(d) = t.get("dyn_trait") {
            let parts: Vec<String> = d["traits"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let tr = &p["trait"];
                    format!(
                        "{}{}",
                        self.path_of(&tr["id"], tr["path"].as_str().unwrap_or("?")),
                        self.args(&tr["args"])
                    )
                })
                .collect();
            return format!("dyn {}", parts.join(" + "));
        }
        if let Some(q) = t.get("qualified_path") {
            return format!(
                "<{} as {}>::{}",
                self.ty(&q["self_type"]),
                q["trait"]["path"].as_str().unwrap_or("?"),
                q["name"].as_str().unwrap_or("?")
            );
        }
        strip_ids(t).to_string()
    }

    fn signature(&self, f: &Value) -> String {
        let sig = &f["sig"];
        let inputs: Vec<String> = sig["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| format!("{}: {}", p[0].as_str().unwrap_or("_"), self.ty(&p[1])))
            .collect();
        let generics: Vec<String> = f["generics"]["params"]
            .as_array()
            .into_iter()
            .flatten()
            // `impl Trait` arguments appear as synthetic parameters named
            // by their source text: the argument's type already says it.
            .filter(|p| p.pointer("/kind/type/is_synthetic") != Some(&Value::Bool(true)))
            .filter_map(|p| p["name"].as_str())
            .filter(|n| !n.starts_with('\''))
            .map(String::from)
            .collect();
        let g = if generics.is_empty() {
            String::new()
        } else {
            format!("<{}>", generics.join(", "))
        };
        let out = match &sig["output"] {
            Value::Null => String::new(),
            t => format!(" -> {}", self.ty(t)),
        };
        let asyncness = if f["header"]["is_async"] == Value::Bool(true) {
            "async "
        } else {
            ""
        };
        format!("{asyncness}{g}({}){out}", inputs.join(", "))
    }

    fn impls(&mut self, path: &str, impls: &Value) {
        for id in impls.as_array().into_iter().flatten() {
            let Some(imp) = self.item(id).map(|i| &i["inner"]["impl"]) else {
                continue;
            };
            if imp["is_synthetic"] == Value::Bool(true) || !imp["blanket_impl"].is_null() {
                continue;
            }
            match imp.get("trait").filter(|t| !t.is_null()) {
                Some(tr) => {
                    let name = format!(
                        "{}{}",
                        self.path_of(&tr["id"], tr["path"].as_str().unwrap_or("?")),
                        self.args(&tr["args"])
                    );
                    self.out.insert(format!("impl {path}: {name}"));
                }
                None => {
                    for m in imp["items"].as_array().into_iter().flatten() {
                        let Some(item) = self.item(m) else { continue };
                        if item["visibility"] != "public" {
                            continue;
                        }
                        let name = item["name"].as_str().unwrap_or("?");
                        if let Some(f) = item["inner"].get("function") {
                            let sig = self.signature(f);
                            self.out.insert(format!("fn {path}::{name}{sig}"));
                        } else if let Some(c) = item["inner"].get("assoc_const") {
                            let t = self.ty(&c["type"]);
                            self.out.insert(format!("const {path}::{name}: {t}"));
                        }
                    }
                }
            }
        }
    }

    fn fields(&mut self, owner: &str, ids: &Value) {
        for (i, id) in ids.as_array().into_iter().flatten().enumerate() {
            if id.is_null() {
                continue;
            }
            let Some(f) = self.item(id) else { continue };
            let name = f["name"]
                .as_str()
                .map_or_else(|| i.to_string(), String::from);
            let t = self.ty(&f["inner"]["struct_field"]);
            self.out.insert(format!("field {owner}.{name}: {t}"));
        }
    }

    fn visit(&mut self, id: &Value, path: &str) {
        if !self.seen.insert((id_key(id), path.to_string())) {
            return;
        }
        let Some(item) = self.item(id) else {
            return;
        };
        let inner = &item["inner"];
        let Some((kind, body)) = inner.as_object().and_then(|o| o.iter().next()) else {
            return;
        };
        match kind.as_str() {
            "module" => {
                self.out.insert(format!("mod {path}"));
                for child in body["items"].as_array().into_iter().flatten() {
                    let Some(c) = self.item(child) else { continue };
                    if c["visibility"] != "public" {
                        continue;
                    }
                    if let Some(u) = c["inner"].get("use") {
                        if u["is_glob"] == Value::Bool(true) {
                            if let Some(target) = u.get("id").filter(|t| !t.is_null())
                                && let Some(m) = self.item(target)
                            {
                                for grandchild in m["inner"]["module"]["items"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                {
                                    if let Some(name) =
                                        self.item(grandchild).and_then(|g| g["name"].as_str())
                                    {
                                        self.visit(grandchild, &format!("{path}::{name}"));
                                    }
                                }
                            }
                            continue;
                        }
                        let name = u["name"].as_str().unwrap_or("?");
                        match u.get("id").filter(|t| !t.is_null()) {
                            Some(target) if self.item(target).is_some() => {
                                self.visit(target, &format!("{path}::{name}"))
                            }
                            _ => {
                                self.out.insert(format!(
                                    "use {path}::{name} = {}",
                                    u["source"].as_str().unwrap_or("?")
                                ));
                            }
                        }
                        continue;
                    }
                    let name = c["name"].as_str().unwrap_or("?").to_string();
                    self.visit(child, &format!("{path}::{name}"));
                }
            }
            "struct" => {
                let k = &body["kind"];
                let hidden = match k {
                    Value::String(_) => false,
                    _ => {
                        k.pointer("/plain/has_stripped_fields") == Some(&Value::Bool(true))
                            || k.get("tuple")
                                .and_then(Value::as_array)
                                .is_some_and(|f| f.iter().any(Value::is_null))
                    }
                };
                let note = if hidden { " (has private fields)" } else { "" };
                self.out.insert(format!("struct {path}{note}"));
                if let Some(f) = k.pointer("/plain/fields") {
                    self.fields(path, f);
                }
                if let Some(f) = k.get("tuple") {
                    self.fields(path, f);
                }
                self.impls(path, &body["impls"]);
            }
            "enum" => {
                let note = if body["has_stripped_variants"] == Value::Bool(true) {
                    " (has private variants)"
                } else {
                    ""
                };
                self.out.insert(format!("enum {path}{note}"));
                for v in body["variants"].as_array().into_iter().flatten() {
                    let Some(var) = self.item(v) else { continue };
                    let name = var["name"].as_str().unwrap_or("?");
                    let vk = &var["inner"]["variant"]["kind"];
                    let vpath = format!("{path}::{name}");
                    self.out.insert(format!("variant {vpath}"));
                    if let Some(f) = vk.get("tuple") {
                        self.fields(&vpath, f);
                    }
                    if let Some(f) = vk.pointer("/struct/fields") {
                        self.fields(&vpath, f);
                    }
                }
                self.impls(path, &body["impls"]);
            }
            "union" => {
                self.out.insert(format!("union {path}"));
            }
            "function" => {
                let sig = self.signature(body);
                self.out.insert(format!("fn {path}{sig}"));
            }
            "trait" => {
                self.out.insert(format!("trait {path}"));
                for t in body["items"].as_array().into_iter().flatten() {
                    if let Some(name) = self.item(t).and_then(|i| i["name"].as_str()) {
                        self.out.insert(format!("trait-item {path}::{name}"));
                    }
                }
            }
            "constant" => {
                let t = self.ty(&body["type"]);
                self.out.insert(format!("const {path}: {t}"));
            }
            "static" => {
                let t = self.ty(&body["type"]);
                self.out.insert(format!("static {path}: {t}"));
            }
            "type_alias" => {
                let t = self.ty(&body["type"]);
                self.out.insert(format!("type {path} = {t}"));
            }
            "macro" | "proc_macro" => {
                self.out.insert(format!("macro {path}"));
            }
            other => {
                self.out.insert(format!("{other} {path}"));
            }
        }
    }
}

/// Removes `id` keys (they differ between builds) from a JSON value.
fn strip_ids(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| k.as_str() != "id")
                .map(|(k, v)| (k.clone(), strip_ids(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_ids).collect()),
        other => other.clone(),
    }
}

/// One line per public item of a crate's rustdoc JSON.
pub fn summary(doc: &Value) -> Result<BTreeSet<String>, String> {
    let index = doc["index"]
        .as_object()
        .ok_or("rustdoc JSON without an index")?;
    let root = doc["root"].clone();
    let name = index
        .get(&id_key(&root))
        .and_then(|r| r["name"].as_str())
        .ok_or("rustdoc JSON without its root module")?
        .to_string();
    let mut api = Api {
        doc,
        index,
        out: BTreeSet::new(),
        seen: BTreeSet::new(),
    };
    api.visit(&root, &name);
    Ok(api.out)
}

fn release_file(root: &Path, v: Version, krate: &str) -> PathBuf {
    root.join(version::RELEASES)
        .join(v.to_string())
        .join("api")
        .join(format!("{krate}.txt"))
}

/// The crate's own version, from its manifest.
fn crate_version(root: &Path, manifest: &str) -> Result<Version, String> {
    let text =
        std::fs::read_to_string(root.join(manifest)).map_err(|e| format!("{manifest}: {e}"))?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("version =") || l.trim_start().starts_with("version="))
        .ok_or(format!("{manifest}: no version"))?;
    Version::parse(line.split('"').nth(1).unwrap_or_default())
}

/// What changed between two summaries: lines gone, lines new.
pub fn diff(old: &BTreeSet<String>, new: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    (
        old.difference(new).cloned().collect(),
        new.difference(old).cloned().collect(),
    )
}

/// Whether `new` may break the API of `old`: a higher major (for 0.x, minor).
pub fn may_break(old: Version, new: Version) -> bool {
    if old.major == 0 {
        new.major > 0 || new.minor > old.minor
    } else {
        new.major > old.major
    }
}

/// Writes `releases/VERSION/api/<crate>.txt` for every published crate.
pub fn record(root: &Path, v: Version) -> Result<(), String> {
    for (krate, _) in CRATES {
        let lines = summary(&rustdoc_json(root, krate)?)?;
        let file = release_file(root, v, krate);
        std::fs::create_dir_all(file.parent().expect("a directory")).map_err(|e| e.to_string())?;
        let mut text: String = lines.into_iter().collect::<Vec<_>>().join("\n");
        text.push('\n');
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

/// Compares every published crate with the last release's API.
pub fn check_against_release(root: &Path) -> Result<(), String> {
    let Some((released, _)) = version::latest_release(root) else {
        eprintln!(
            "api: no release in {}/ yet: nothing to compare",
            version::RELEASES
        );
        return Ok(());
    };
    let mut failures = Vec::new();
    let mut report = BTreeMap::new();
    for (krate, manifest) in CRATES {
        let file = release_file(root, released, krate);
        let old: BTreeSet<String> = std::fs::read_to_string(&file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .lines()
            .map(String::from)
            .collect();
        let new = summary(&rustdoc_json(root, krate)?)?;
        let (gone, added) = diff(&old, &new);
        let current = crate_version(root, manifest)?;
        report.insert(krate, (gone.len(), added.len()));
        if !gone.is_empty() && !may_break(released, current) {
            let shown: Vec<String> = gone.iter().take(40).map(|l| format!("  - {l}")).collect();
            failures.push(format!(
                "{krate} {current}: {} public item(s) of release {released} are gone or changed (first {}):\n{}",
                gone.len(),
                shown.len(),
                shown.join("\n")
            ));
        }
    }
    for (krate, (gone, added)) in &report {
        eprintln!(
            "api: {krate} against release {released}: {gone} item(s) gone or changed, {added} new"
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\nA breaking change of the Rust API needs a major version (set it in the crate's Cargo.toml, \
             or release it as one with `cargo xtask release`).",
            failures.join("\n")
        ))
    }
}

pub fn run(root: &Path, record_version: Option<&str>) -> ExitCode {
    let result = match record_version {
        Some(v) => Version::parse(v).and_then(|v| record(root, v)),
        None => check_against_release(root),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("api: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON rustdoc 1.95 (format 57) writes for a small crate.
    fn sample(field_type: &str, with_method: bool) -> Value {
        let method_items = if with_method { "[3]" } else { "[]" };
        let json = format!(
            r#"{{
  "root": 9, "format_version": 57,
  "paths": {{"2": {{"crate_id": 0, "path": ["demo", "m", "S"], "kind": "struct"}},
             "20": {{"crate_id": 1, "path": ["core", "clone", "Clone"], "kind": "trait"}}}},
  "index": {{
    "9": {{"id": 9, "crate_id": 0, "name": "demo", "visibility": "public", "inner": {{"module": {{"is_crate": true, "items": [8, 7], "is_stripped": false}}}}}},
    "8": {{"id": 8, "crate_id": 0, "name": "m", "visibility": "public", "inner": {{"module": {{"is_crate": false, "items": [2], "is_stripped": false}}}}}},
    "7": {{"id": 7, "crate_id": 0, "name": null, "visibility": "public", "inner": {{"use": {{"source": "m::S", "name": "Alias", "id": 2, "is_glob": false}}}}}},
    "2": {{"id": 2, "crate_id": 0, "name": "S", "visibility": "public", "inner": {{"struct": {{"kind": {{"plain": {{"fields": [0], "has_stripped_fields": true}}}}, "generics": {{"params": [], "where_predicates": []}}, "impls": [6, 5]}}}}}},
    "0": {{"id": 0, "crate_id": 0, "name": "a", "visibility": "public", "inner": {{"struct_field": {{"primitive": "{field_type}"}}}}}},
    "6": {{"id": 6, "crate_id": 0, "name": null, "visibility": "default", "inner": {{"impl": {{"trait": null, "for": {{"resolved_path": {{"path": "S", "id": 2, "args": null}}}}, "items": {method_items}, "is_synthetic": false, "blanket_impl": null}}}}}},
    "5": {{"id": 5, "crate_id": 0, "name": null, "visibility": "default", "inner": {{"impl": {{"trait": {{"path": "Clone", "id": 20, "args": null}}, "for": {{"resolved_path": {{"path": "S", "id": 2, "args": null}}}}, "items": [], "is_synthetic": false, "blanket_impl": null}}}}}},
    "3": {{"id": 3, "crate_id": 0, "name": "get", "visibility": "public", "inner": {{"function": {{"sig": {{"inputs": [["self", {{"borrowed_ref": {{"lifetime": null, "is_mutable": false, "type": {{"generic": "Self"}}}}}}], ["k", {{"borrowed_ref": {{"lifetime": null, "is_mutable": false, "type": {{"primitive": "str"}}}}}}]], "output": {{"resolved_path": {{"path": "Option", "id": 30, "args": {{"angle_bracketed": {{"args": [{{"type": {{"primitive": "u8"}}}}], "constraints": []}}}}}}}}, "is_c_variadic": false}}, "generics": {{"params": [], "where_predicates": []}}, "header": {{"is_async": false}}}}}}}}
  }}
}}"#
        );
        serde_json::from_str(&json).expect("sample JSON")
    }

    #[test]
    fn a_summary_names_every_public_item_once_per_path() {
        let s: Vec<String> = summary(&sample("u32", true)).unwrap().into_iter().collect();
        assert_eq!(
            s,
            [
                "field demo::Alias.a: u32",
                "field demo::m::S.a: u32",
                "fn demo::Alias::get(self: &Self, k: &str) -> Option<u8>",
                "fn demo::m::S::get(self: &Self, k: &str) -> Option<u8>",
                "impl demo::Alias: core::clone::Clone",
                "impl demo::m::S: core::clone::Clone",
                "mod demo",
                "mod demo::m",
                "struct demo::Alias (has private fields)",
                "struct demo::m::S (has private fields)",
            ]
        );
    }

    #[test]
    fn removed_methods_and_changed_field_types_are_gone_lines() {
        let old = summary(&sample("u32", true)).unwrap();
        let new = summary(&sample("u64", false)).unwrap();
        let (gone, added) = diff(&old, &new);
        assert_eq!(gone.len(), 4, "{gone:?}");
        assert!(
            gone.contains(&"fn demo::m::S::get(self: &Self, k: &str) -> Option<u8>".to_string())
        );
        assert!(gone.contains(&"field demo::m::S.a: u32".to_string()));
        assert_eq!(
            added,
            ["field demo::Alias.a: u64", "field demo::m::S.a: u64"]
        );
    }

    #[test]
    fn breaking_needs_a_major_or_a_0x_minor() {
        let v = |s| Version::parse(s).unwrap();
        assert!(!may_break(v("1.0.0"), v("1.1.0")));
        assert!(may_break(v("1.0.0"), v("2.0.0")));
        assert!(may_break(v("0.1.0"), v("0.2.0")));
        assert!(!may_break(v("0.1.0"), v("0.1.5")));
    }
}
