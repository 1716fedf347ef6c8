//! Reading the spec directory and merging its fragments into one document.
//!
//! The spec is kept as a root file (`openapi.yaml`) and one fragment per
//! endpoint family, so that families can be reviewed and edited on their own.
//! A fragment may only hold `paths` and `components`; merging refuses a path or
//! a component defined twice. The merged document remembers which file each
//! path and component came from, so later checks can name the right file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, escape_token, pointer};

/// The root file's name inside the spec directory.
pub const ROOT_FILE: &str = "openapi.yaml";

/// The merged spec and where each part of it came from.
#[derive(Clone, Debug)]
pub struct LoadedSpec {
    /// The whole document, as one JSON value (paths and components merged).
    pub document: Value,
    /// Which file defined which part of `document`.
    pub origins: Origins,
}

/// Maps JSON pointers of the merged document back to spec files.
#[derive(Clone, Debug)]
pub struct Origins {
    root: PathBuf,
    /// `/paths/<escaped path>` or `/components/<kind>/<name>` -> file.
    owners: BTreeMap<String, PathBuf>,
}

impl Origins {
    /// The root file of the spec.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file that defines whatever `pointer` points into.
    pub fn file_for(&self, pointer: &str) -> &Path {
        let mut tokens = pointer.split('/').skip(1);
        let key = match (tokens.next(), tokens.next(), tokens.next()) {
            (Some("paths"), Some(p), _) => format!("/paths/{p}"),
            (Some("components"), Some(kind), Some(name)) => format!("/components/{kind}/{name}"),
            _ => return &self.root,
        };
        self.owners
            .get(&key)
            .map(PathBuf::as_path)
            .unwrap_or(&self.root)
    }

    /// Creates a diagnostic located at `pointer`, in the file that owns it.
    pub fn diagnostic(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file_for(pointer), pointer, message)
    }

    /// Every fragment file and the keys it owns (for reporting).
    pub fn files(&self) -> Vec<&Path> {
        let mut files: Vec<&Path> = self.owners.values().map(PathBuf::as_path).collect();
        files.push(&self.root);
        files.sort();
        files.dedup();
        files
    }
}

/// Lists the spec files of `dir`: the root first, then the fragments sorted by
/// name. Sub-directories (such as `dist/`) are not part of the source.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let root = dir.join(ROOT_FILE);
    let read = fs::read_dir(dir).map_err(|e| {
        single(
            &root,
            "",
            format!("cannot read the spec directory {}: {e}", dir.display()),
        )
    })?;
    let mut fragments = Vec::new();
    for entry in read {
        let entry =
            entry.map_err(|e| single(&root, "", format!("cannot list {}: {e}", dir.display())))?;
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if path.is_file() && is_yaml && path.file_name() != Some(ROOT_FILE.as_ref()) {
            fragments.push(path);
        }
    }
    fragments.sort();
    let mut files = vec![root];
    files.extend(fragments);
    Ok(files)
}

/// Reads and merges the spec in `dir`. All problems are reported together;
/// a fragment that cannot be parsed is left out of the merge so that the
/// problems of the others are still found.
pub fn load_dir(dir: &Path) -> Result<LoadedSpec, Diagnostics> {
    let files = spec_files(dir)?;
    let mut sources = Vec::new();
    let mut diags = Diagnostics::default();
    for file in &files {
        match fs::read_to_string(file) {
            Ok(text) => sources.push((file.clone(), text)),
            Err(e) => diags.push(Diagnostic::new(file, "", format!("cannot read file: {e}"))),
        }
    }
    match load_sources(&sources) {
        Ok(spec) if diags.is_empty() => Ok(spec),
        Ok(_) => Err(diags),
        Err(more) => {
            diags.0.extend(more.0);
            diags.sort();
            Err(diags)
        }
    }
}

/// Merges already-read sources; the first one is the root. Used by
/// [`load_dir`] and by tests that build a spec in memory.
pub fn load_sources(sources: &[(PathBuf, String)]) -> Result<LoadedSpec, Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(((root_path, _), fragments)) = sources.split_first() else {
        return Err(single(Path::new(ROOT_FILE), "", "no spec files given"));
    };

    let mut parsed = parse_all(sources).into_iter();
    let mut document = match parsed.next() {
        Some(Ok(Value::Object(map))) => Value::Object(map),
        Some(Ok(_)) => return Err(single(root_path, "", "the root document must be a mapping")),
        Some(Err(d)) => return Err(single_diag(d)),
        None => return Err(single(root_path, "", "the root document was not parsed")),
    };
    let mut owners = BTreeMap::new();
    record_owners(&document, root_path, &mut owners);

    for ((path, _), fragment) in fragments.iter().zip(parsed) {
        let fragment = match fragment {
            Ok(v) => v,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let Value::Object(fragment) = fragment else {
            diags.push(Diagnostic::new(
                path,
                "",
                "a fragment must be a mapping with `paths` and/or `components`",
            ));
            continue;
        };
        for (key, value) in fragment {
            match key.as_str() {
                "paths" => merge_section(&mut document, &["paths"], value, path, &mut owners, &mut diags),
                "components" => {
                    let Value::Object(kinds) = value else {
                        diags.push(Diagnostic::new(path, "/components", "`components` must be a mapping"));
                        continue;
                    };
                    for (kind, entries) in kinds {
                        merge_section(&mut document, &["components", &kind], entries, path, &mut owners, &mut diags);
                    }
                }
                other => diags.push(Diagnostic::new(
                    path,
                    pointer([other]),
                    format!("a fragment may only define `paths` and `components`, not `{other}` (put it in {ROOT_FILE})"),
                )),
            }
        }
    }

    let origins = Origins {
        root: root_path.clone(),
        owners,
    };
    for (at, message) in crate::standard_responses::expand(&mut document) {
        diags.push(origins.diagnostic(&at, message));
    }
    if diags.is_empty() {
        Ok(LoadedSpec { document, origins })
    } else {
        diags.sort();
        Err(diags)
    }
}

fn single(file: &Path, pointer: &str, message: impl Into<String>) -> Diagnostics {
    single_diag(Diagnostic::new(file, pointer, message))
}

fn single_diag(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

/// Records which file owns each path and component of a freshly parsed root.
fn record_owners(document: &Value, file: &Path, owners: &mut BTreeMap<String, PathBuf>) {
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for p in paths.keys() {
            owners.insert(format!("/paths/{}", escape_token(p)), file.to_path_buf());
        }
    }
    if let Some(components) = document.get("components").and_then(Value::as_object) {
        for (kind, entries) in components {
            if let Some(entries) = entries.as_object() {
                for name in entries.keys() {
                    owners.insert(pointer(["components", kind, name]), file.to_path_buf());
                }
            }
        }
    }
}

/// Adds every entry of `value` to the mapping at `section` in `document`,
/// refusing entries that already exist.
fn merge_section(
    document: &mut Value,
    section: &[&str],
    value: Value,
    file: &Path,
    owners: &mut BTreeMap<String, PathBuf>,
    diags: &mut Diagnostics,
) {
    let section_ptr = pointer(section.iter().copied());
    let Value::Object(entries) = value else {
        diags.push(Diagnostic::new(file, section_ptr, "must be a mapping"));
        return;
    };
    let mut target = Some(document);
    for key in section {
        target = target.and_then(Value::as_object_mut).map(|m| {
            m.entry(key.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
        });
    }
    let Some(target) = target.and_then(Value::as_object_mut) else {
        diags.push(Diagnostic::new(
            file,
            section_ptr,
            "the root defines this section as something other than a mapping",
        ));
        return;
    };
    for (name, entry) in entries {
        let ptr = format!("{section_ptr}/{}", escape_token(&name));
        if let Some(existing) = owners.get(&ptr) {
            diags.push(Diagnostic::new(
                file,
                &ptr,
                format!("already defined in {}", existing.display()),
            ));
            continue;
        }
        owners.insert(ptr, file.to_path_buf());
        target.insert(name, entry);
    }
}

/// Parses YAML into JSON values. Mapping keys that YAML reads as numbers or
/// booleans (an unquoted `200:`) become strings, as OpenAPI means them.
/// Parses every source, in order: the larger half (by size) on a second
/// thread. YAML parsing is a tenth of `cargo xtask generate`, and the
/// fragments are independent until they are merged.
fn parse_all(sources: &[(PathBuf, String)]) -> Vec<Result<Value, Diagnostic>> {
    let total: usize = sources.iter().map(|(_, t)| t.len()).sum();
    if sources.len() < 2 {
        return sources.iter().map(|(p, t)| parse_yaml(p, t)).collect();
    }
    // The first sources (about half the bytes) go to the other thread.
    let mut split = 0;
    let mut bytes = 0;
    while split < sources.len() - 1 && bytes < total / 2 {
        bytes += sources[split].1.len();
        split += 1;
    }
    let (first, rest) = sources.split_at(split);
    let parse = |part: &[(PathBuf, String)]| -> Vec<Result<Value, Diagnostic>> {
        part.iter().map(|(p, t)| parse_yaml(p, t)).collect()
    };
    std::thread::scope(|scope| {
        let other = scope.spawn(|| parse(first));
        let mut later = parse(rest);
        let mut all = crate::joined(other);
        all.append(&mut later);
        all
    })
}

pub fn parse_yaml(file: &Path, text: &str) -> Result<Value, Diagnostic> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        Diagnostic::new(file, at, format!("YAML syntax error: {e}"))
    })?;
    yaml_to_json(&yaml, file, "")
}

fn yaml_to_json(v: &serde_yaml::Value, file: &Path, at: &str) -> Result<Value, Diagnostic> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::new(
                            file,
                            at,
                            "a number that JSON cannot hold (NaN or infinity)",
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, file, &format!("{at}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, item) in map {
                let key = match k {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => return Err(Diagnostic::new(file, at, "mapping keys must be scalars")),
                };
                let child = format!("{at}/{}", escape_token(&key));
                let value = yaml_to_json(item, file, &child)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            return Err(Diagnostic::new(
                file,
                at,
                format!("YAML tags ({}) are not allowed", t.tag),
            ));
        }
    })
}
