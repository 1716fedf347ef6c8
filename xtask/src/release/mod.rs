//! `cargo xtask release VERSION`: cuts a release of the spec and the crates.
//!
//! 1. checks first, before anything is written: a clean work tree, a
//!    version above the last release, generated files fresh, no
//!    unacknowledged drift;
//! 2. sets `info.version` and `info.x-braze-docs-snapshot` (the date of the
//!    last commit that changed `reference/`) in `spec/openapi.yaml`, and the
//!    version of braze-sdk and braze-sdk-types, then regenerates;
//! 3. `cargo xtask breaking` against the previous release must pass (each
//!    break acknowledged, or a major bump), and so must the public API
//!    comparison of the crates and the package checks (npm package, `cargo
//!    publish --dry-run` of both crates in dependency order);
//! 4. records the release in the repository (`releases/VERSION/braze.json`
//!    and the crates' public API), writes its CHANGELOG.md section, leaves
//!    the assets in `target/release-assets/`, commits and tags `vVERSION`.
//!
//! A clone without tags still compares with the last release: every
//! comparison reads `releases/`, not git tags.

pub mod changelog;
pub mod version;

use crate::git::git;
use std::path::Path;
use std::process::{Command, ExitCode};

use version::Version;

use crate::{api, breaking, codegen, drift, packages, publish};

pub const CHANGELOG: &str = "CHANGELOG.md";
/// The published crates, in the order they must be published.
pub const CRATES: [(&str, &str); 2] = [
    ("braze-sdk-types", "sdk-types/Cargo.toml"),
    ("braze-sdk", "sdk/Cargo.toml"),
];
pub const ASSETS: &str = "target/release-assets";

/// What to leave out (for a rehearsal): the commit and tag, or the slow
/// asset gates (Python wheel, reference HTML).
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub no_commit: bool,
    pub no_assets: bool,
}

pub fn run(root: &Path, version: &str, options: Options) -> ExitCode {
    match release(root, version, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("release: {e}");
            ExitCode::FAILURE
        }
    }
}

fn step(name: &str, code: ExitCode) -> Result<(), String> {
    if code == ExitCode::SUCCESS {
        eprintln!("release: {name}: ok");
        Ok(())
    } else {
        Err(format!("{name} failed (see above); nothing was committed"))
    }
}

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))
}

fn write(root: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {rel}: {e}"))
}

fn release(root: &Path, version_text: &str, options: Options) -> Result<(), String> {
    let version = Version::parse(version_text)?;
    let dirty = git(root, &["status", "--porcelain"])?;
    if !dirty.is_empty() {
        return Err(format!(
            "the work tree has uncommitted changes; commit them first:\n{dirty}"
        ));
    }
    let previous = version::latest_release(root);
    if let Some((pv, _)) = &previous
        && version <= *pv
    {
        return Err(format!("{version} is not above the last release, {pv}"));
    }
    let spec_dir = Path::new("spec");
    step(
        "generated files are fresh",
        codegen::check(root, spec_dir, 40),
    )?;
    step(
        "drift against the vendored Braze docs",
        drift::run(root, &[], false),
    )?;

    // Versions.
    let snapshot = git(root, &["log", "-1", "--format=%cs", "--", "reference"])?;
    let today = today();
    let spec = version::set_spec_version(&read(root, "spec/openapi.yaml")?, version, &snapshot)?;
    write(root, "spec/openapi.yaml", &spec)?;
    let siblings: Vec<&str> = CRATES.iter().map(|(n, _)| *n).collect();
    for (_, manifest) in CRATES {
        let text = version::set_crate_version(&read(root, manifest)?, version, &siblings)?;
        write(root, manifest, &text)?;
    }
    let lock = Command::new("cargo")
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo update: {e}"))?;
    if !lock.success() {
        return Err("cargo update --workspace failed".into());
    }
    step(
        "regenerate with the new version",
        codegen::generate(root, spec_dir),
    )?;

    // Comparisons with the previous release, and the packages.
    step(
        "breaking changes against the previous release",
        breaking::run(root, None),
    )?;
    api::check_against_release(root)?;
    eprintln!("release: public Rust API against the previous release: ok");
    packages::npm(root)?;
    packages::cargo_publish_dry_run(root)?;

    // Record the release.
    let dist = read(root, publish::SPEC_JSON)?;
    let new: serde_json::Value = serde_json::from_str(&dist).map_err(|e| e.to_string())?;
    write(
        root,
        &format!("{}/{version}/braze.json", version::RELEASES),
        &dist,
    )?;
    api::record(root, version)?;
    let old = match &previous {
        Some((pv, path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            Some((
                pv.to_string(),
                serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())?,
            ))
        }
        None => None,
    };
    let ack = read(root, breaking::ACKNOWLEDGED).unwrap_or_default();
    let section = changelog::section(
        &version.to_string(),
        &today,
        &snapshot,
        old.as_ref().map(|(v, d)| (v.as_str(), d)),
        &new,
        &ack,
    );
    let current = std::fs::read_to_string(root.join(CHANGELOG)).unwrap_or_default();
    write(root, CHANGELOG, &changelog::insert(&current, &section))?;

    // Assets.
    let assets = root.join(ASSETS);
    let _ = std::fs::remove_dir_all(&assets);
    std::fs::create_dir_all(&assets).map_err(|e| e.to_string())?;
    for f in [publish::SPEC_JSON, publish::SPEC_YAML] {
        let name = Path::new(f).file_name().expect("a file name");
        std::fs::copy(root.join(f), assets.join(name)).map_err(|e| format!("{f}: {e}"))?;
    }
    // The example files the document references, beside it as in spec/dist/.
    let examples = root.join("spec/dist/examples");
    std::fs::create_dir_all(assets.join("examples")).map_err(|e| e.to_string())?;
    for e in std::fs::read_dir(&examples)
        .map_err(|e| format!("{}: {e}", examples.display()))?
        .filter_map(Result::ok)
    {
        std::fs::copy(e.path(), assets.join("examples").join(e.file_name()))
            .map_err(|err| format!("{}: {err}", e.path().display()))?;
    }
    packages::copy_npm_tarball(root, &assets)?;
    if !options.no_assets {
        step(
            "Python client wheel and reference HTML",
            publish::run(root, &[publish::Gate::PythonClient, publish::Gate::Docs]),
        )?;
        let wheel_dir = root.join("target/publish/python-client/wheel");
        for e in std::fs::read_dir(&wheel_dir)
            .map_err(|e| format!("{}: {e}", wheel_dir.display()))?
            .filter_map(Result::ok)
        {
            if e.path().extension().is_some_and(|x| x == "whl") {
                std::fs::copy(e.path(), assets.join(e.file_name())).map_err(|e| e.to_string())?;
            }
        }
        std::fs::copy(
            root.join("target/publish/docs/braze-reference.html"),
            assets.join("braze-reference.html"),
        )
        .map_err(|e| format!("reference HTML: {e}"))?;
    }
    let listed: Vec<String> = std::fs::read_dir(&assets)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    eprintln!("release: assets in {ASSETS}: {}", listed.join(", "));

    if options.no_commit {
        eprintln!("release: {version} prepared, not committed (--no-commit)");
        return Ok(());
    }
    git(root, &["add", "-A"])?;
    git(
        root,
        &[
            "commit",
            "-q",
            "-m",
            &format!(
                "Release {version}: spec info.version and crates at {version}, Braze docs snapshot {snapshot}; \
                 releases/{version}/ records the document and the public API; CHANGELOG.md section"
            ),
        ],
    )?;
    git(
        root,
        &[
            "tag",
            "-a",
            &format!("v{version}"),
            "-m",
            &format!("braze-openapi {version}"),
        ],
    )?;
    eprintln!("release: {version} committed and tagged v{version}");
    Ok(())
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_date() {
        let t = super::today();
        assert_eq!(t.len(), 10);
        assert!(
            t.starts_with("20") && &t[4..5] == "-" && &t[7..8] == "-",
            "{t}"
        );
    }
}
