//! The packages a release ships besides the repository: the npm package of
//! the spec (built and checked by `tools/package-npm`) and the two crates
//! (`cargo publish --dry-run`, in dependency order).

use std::path::Path;
use std::process::Command;

use crate::process;
use crate::release::CRATES;

/// `tools/package-npm`: npm pack, install from the tarball into a scratch
/// project, tsc --strict on a usage file.
pub fn npm(root: &Path) -> Result<(), String> {
    let out = process::run(
        Command::new(root.join("tools/package-npm")).current_dir(root),
        &root.join("target/npm-check.log"),
    )?;
    eprintln!(
        "release: {}",
        out.lines().last().unwrap_or("npm package checked")
    );
    Ok(())
}

/// The tarball `tools/package-npm` left in `target/npm/`, copied to `assets`.
pub fn copy_npm_tarball(root: &Path, assets: &Path) -> Result<(), String> {
    let dir = root.join("target/npm");
    let tarball = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "tgz"))
        .ok_or("tools/package-npm left no .tgz in target/npm")?;
    std::fs::copy(tarball.path(), assets.join(tarball.file_name())).map_err(|e| e.to_string())?;
    Ok(())
}

/// `cargo publish --dry-run` of the crates in dependency order (one cargo
/// call: cargo >= 1.90 packages braze-sdk against the braze-sdk-types it
/// packages beside it, though that one is not on crates.io yet). It builds
/// each packaged crate from its .crate file, so a missing file or a
/// path-only dependency fails here, not at publish time.
pub fn cargo_publish_dry_run(root: &Path) -> Result<(), String> {
    let mut cmd = Command::new("cargo");
    cmd.args(["publish", "--dry-run", "--allow-dirty", "--quiet"])
        .current_dir(root);
    for (name, _) in CRATES {
        cmd.args(["-p", name]);
    }
    process::run(&mut cmd, &root.join("target/cargo-publish-dry-run.log"))?;
    eprintln!(
        "release: cargo publish --dry-run: {} packaged and built",
        CRATES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
