//! Other-language gates: clients generated from the exported spec must build,
//! import or compile, and contain every operation.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{SPEC_JSON, SPEC_YAML, Tools, path_with, workdir};
use crate::process;

/// The operationIds of the exported spec.
pub fn operation_ids() -> Result<Vec<String>, String> {
    let text =
        fs::read_to_string(SPEC_JSON).map_err(|e| format!("cannot read {SPEC_JSON}: {e}"))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{SPEC_JSON} is not JSON: {e}"))?;
    let mut ids = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in ["get", "put", "post", "delete", "patch"] {
            if let Some(id) = item[method]["operationId"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    if ids.is_empty() {
        return Err(format!("{SPEC_JSON} has no operations"));
    }
    Ok(ids)
}

/// Files under `dir` (recursively), relative to it; tool caches
/// (`.ruff_cache`, `__pycache__`) are not part of a generated tree.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            let name = entry.file_name();
            if name == ".ruff_cache" || name == "__pycache__" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The first file that differs between two generated trees, if any.
fn first_tree_difference(a: &Path, b: &Path) -> Option<String> {
    let fa = files_under(a);
    let fb = files_under(b);
    if fa != fb {
        let sa: BTreeSet<_> = fa.iter().collect();
        let sb: BTreeSet<_> = fb.iter().collect();
        let only: Vec<_> = sa.symmetric_difference(&sb).take(5).collect();
        return Some(format!("file lists differ, e.g. {only:?}"));
    }
    fa.into_iter()
        .find(|f| fs::read(a.join(f)).ok() != fs::read(b.join(f)).ok())
        .map(|f| format!("{} differs", f.display()))
}

/// openapi-python-client: JSON and YAML give the same client; it builds as a
/// wheel, installs, imports, has a module per operation,
/// tools/python/usage_client.py passes `mypy --strict` against it, and the
/// whole package passes `mypy --strict` but for the findings listed in
/// [`super::python_types::EXPECTED`].
pub fn python_client(tools: &Tools) -> Result<String, String> {
    let dir = workdir("python-client")?;
    for (spec, out) in [(SPEC_JSON, "from-json"), (SPEC_YAML, "from-yaml")] {
        let log = process::run(
            tools
                .py("openapi-python-client")
                .args(["generate", "--path", spec, "--overwrite", "--output-path"])
                .arg(dir.join(out)),
            &dir.join(format!("generate-{out}.log")),
        )?;
        if log.contains("Warning(s) encountered") || log.contains("Error(s) encountered") {
            return Err(format!(
                "openapi-python-client left pieces out of the client from {spec}:\n{}",
                process::tail(&log, 40)
            ));
        }
    }
    if let Some(d) = first_tree_difference(&dir.join("from-json"), &dir.join("from-yaml")) {
        return Err(format!(
            "the client from {SPEC_YAML} differs from the one from {SPEC_JSON} (a YAML loader reads the YAML differently): {d}"
        ));
    }
    let package = "braze_rest_api_client";
    let ids = operation_ids()?;
    let api = dir.join("from-json").join(package).join("api");
    let modules: BTreeSet<String> = files_under(&api)
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let missing: Vec<&String> = ids.iter().filter(|id| !modules.contains(*id)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "no module for {} operation(s): {missing:?}",
            missing.len()
        ));
    }
    process::run(
        tools
            .py("pip")
            .args([
                "wheel",
                "--quiet",
                "--no-build-isolation",
                "--no-deps",
                "--wheel-dir",
            ])
            .arg(dir.join("wheel"))
            .arg(dir.join("from-json")),
        &dir.join("wheel.log"),
    )?;
    let wheel = fs::read_dir(dir.join("wheel"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("pip wheel wrote no .whl")?;
    let site = dir.join("site");
    process::run(
        tools
            .py("pip")
            .args(["install", "--quiet", "--no-deps", "--target"])
            .arg(&site)
            .arg(&wheel),
        &dir.join("install.log"),
    )?;
    process::run(
        tools
            .py("python")
            .args([
                "-c",
                &format!("import {package}.api.user_data.users_track, {package}.models"),
            ])
            .env("PYTHONPATH", &site),
        &dir.join("import.log"),
    )?;
    process::run(
        tools
            .py("mypy")
            .args(["--strict", "--follow-imports=silent", "--cache-dir"])
            .arg(dir.join("mypy-cache"))
            .arg("tools/python/usage_client.py")
            .env("MYPYPATH", &site),
        &dir.join("mypy.log"),
    )?;
    let package_check = super::python_types::check(tools, &site, package, &dir)?;
    let wheel_name = wheel
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    Ok(format!(
        "same client from JSON and YAML, {} operations, {wheel_name} builds and imports, usage_client.py passes mypy --strict; the whole package under mypy --strict: {package_check}",
        ids.len()
    ))
}

/// Warning lines of an openapi-generator log, deduplicated.
fn generator_warnings(log: &str) -> BTreeSet<String> {
    log.lines()
        .filter(|l| l.contains(" WARN "))
        .map(|l| l.trim().to_string())
        .collect()
}

fn openapi_generator(
    tools: &Tools,
    dir: &Path,
    spec: &str,
    generator: &str,
    extra: &[&str],
) -> Result<BTreeSet<String>, String> {
    let log = process::run(
        tools
            .py("openapi-generator-cli")
            .args([
                "generate",
                "--input-spec",
                spec,
                "--generator-name",
                generator,
            ])
            .arg("--output")
            .arg(dir.join("out"))
            .args(extra),
        &dir.join("generate.log"),
    )?;
    let warnings = generator_warnings(&log);
    for w in &warnings {
        eprintln!("{generator}: {w}");
    }
    Ok(warnings)
}

/// Every operationId appears in the generated sources as `name(`.
fn check_methods(root: &Path, names: &[(String, String)]) -> Result<(), String> {
    let mut text = String::new();
    for f in files_under(root) {
        text.push_str(&fs::read_to_string(root.join(f)).unwrap_or_default());
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|(_, method)| !text.contains(&format!("{method}(")))
        .map(|(id, _)| id.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "no method for {} operation(s): {missing:?}",
            missing.len()
        ))
    }
}

/// openapi-generator `python` from the JSON: the package imports and has a
/// method per operation.
pub fn generator_python(tools: &Tools) -> Result<String, String> {
    let dir = workdir("generator-python")?;
    let warnings = openapi_generator(
        tools,
        &dir,
        SPEC_JSON,
        "python",
        &["--package-name", "braze_client"],
    )?;
    let ids = operation_ids()?;
    let names: Vec<(String, String)> = ids
        .iter()
        .map(|i| (i.clone(), format!("def {i}")))
        .collect();
    check_methods(&dir.join("out/braze_client/api"), &names)?;
    process::run(
        tools
            .py("python")
            .args(["-c", "import braze_client, braze_client.api, braze_client.models; braze_client.ApiClient()"])
            .env("PYTHONPATH", dir.join("out")),
        &dir.join("import.log"),
    )?;
    Ok(format!(
        "python client from {SPEC_JSON}: {} operations, imports; {} generator warning(s)",
        ids.len(),
        warnings.len()
    ))
}

fn camel(id: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in id.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// openapi-generator `typescript-fetch` from the YAML: compiles with
/// `tsc --strict` (CommonJS and ESM builds) and `npm pack` accepts it.
pub fn generator_typescript(tools: &Tools) -> Result<String, String> {
    let dir = workdir("generator-typescript")?;
    let warnings = openapi_generator(
        tools,
        &dir,
        SPEC_YAML,
        "typescript-fetch",
        &["--additional-properties=npmName=braze-rest-client,npmVersion=0.0.0,supportsES6=true"],
    )?;
    let ids = operation_ids()?;
    let names: Vec<(String, String)> = ids
        .iter()
        .map(|i| (i.clone(), format!("async {}", camel(i))))
        .collect();
    let out = dir.join("out");
    check_methods(&out.join("src/apis"), &names)?;
    let tsc = fs::canonicalize(tools.node_bin.join("tsc")).map_err(|e| format!("no tsc: {e}"))?;
    for config in ["tsconfig.json", "tsconfig.esm.json"] {
        process::run(
            Command::new(&tsc)
                .args(["--project", config, "--strict"])
                .current_dir(&out),
            &dir.join(format!("tsc-{config}.log")),
        )?;
    }
    let packed = process::run(
        Command::new("npm")
            .args([
                "pack",
                "--ignore-scripts",
                "--loglevel=error",
                "--pack-destination",
                "..",
            ])
            .current_dir(&out)
            .env("PATH", path_with(&tools.node_bin)),
        &dir.join("pack.log"),
    )?;
    let tarball = packed
        .lines()
        .rfind(|l| l.ends_with(".tgz"))
        .unwrap_or("")
        .trim()
        .to_string();
    if tarball.is_empty() || !dir.join(&tarball).exists() {
        return Err(format!("npm pack wrote no tarball:\n{packed}"));
    }
    Ok(format!(
        "typescript-fetch from {SPEC_YAML}: {} operations, tsc --strict (cjs + esm) clean, npm pack -> {tarball}; {} generator warning(s)",
        ids.len(),
        warnings.len()
    ))
}
