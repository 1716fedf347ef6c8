//! Project tasks: `cargo xtask <command>`.
//!
//! * `generate` - regenerate the SDK sources and the exported spec from spec/.
//! * `check`    - fail when committed generated files differ from what spec/ gives.
//! * `lint`     - check spec/ (project rules and progenitor) without writing.
//! * `spec`     - export the merged spec to spec/dist/ (JSON and YAML).
//! * `bench`    - time each generation stage (a bench binary, not a test).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use braze_openapi_generator::{self as generator, Diagnostics, Output};

mod bench;
mod write;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    // Work from the repository root so that every path printed is relative.
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let root = PathBuf::from(".");
    let spec_dir = PathBuf::from("spec");
    match args.first().map(String::as_str) {
        Some("generate") => generate(&root, &spec_dir),
        Some("check") => check(&root, &spec_dir),
        Some("lint") => lint(&spec_dir),
        Some("spec") => export(&root, &spec_dir),
        Some("bench") => match bench::run(&spec_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask <generate|check|lint|spec|bench>");
            eprintln!("  generate  regenerate sdk/src/generated/ and spec/dist/ from spec/");
            eprintln!("  check     fail if committed generated files are stale");
            eprintln!("  lint      check spec/ without writing anything");
            eprintln!("  spec      export the merged spec to spec/dist/braze.{{json,yaml}}");
            eprintln!("  bench     time each generation stage (use --release)");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn report(diags: &Diagnostics) -> ExitCode {
    eprintln!("{diags}");
    ExitCode::FAILURE
}

fn generate(root: &Path, spec_dir: &Path) -> ExitCode {
    let started = Instant::now();
    let outputs = match generator::generate(spec_dir) {
        Ok(o) => o,
        Err(d) => {
            eprintln!("generation failed; no file was written.");
            return report(&d);
        }
    };
    write_all(root, &outputs, started)
}

fn export(root: &Path, spec_dir: &Path) -> ExitCode {
    let started = Instant::now();
    let outputs = match generator::check(spec_dir).and_then(|s| generator::export_spec(&s)) {
        Ok(o) => o,
        Err(d) => return report(&d),
    };
    write_all(root, &outputs, started)
}

fn write_all(root: &Path, outputs: &[Output], started: Instant) -> ExitCode {
    match write::write_atomically(root, outputs) {
        Ok(changed) => {
            for o in outputs {
                let mark = if changed.contains(&o.path) {
                    "updated"
                } else {
                    "unchanged"
                };
                eprintln!(
                    "{mark:>9} {} ({} lines)",
                    o.path.display(),
                    o.content.lines().count()
                );
            }
            eprintln!("done in {:.2?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("writing failed, previous files kept: {e}");
            ExitCode::FAILURE
        }
    }
}

fn lint(spec_dir: &Path) -> ExitCode {
    let spec = match generator::check(spec_dir) {
        Ok(s) => s,
        Err(d) => return report(&d),
    };
    if let Err(d) = generator::generate_sdk(&spec) {
        return report(&d);
    }
    let files = spec.origins.files().len();
    let ops = generator::rules::operations(&spec.document).len();
    eprintln!("spec is clean: {ops} operations in {files} files");
    ExitCode::SUCCESS
}

fn check(root: &Path, spec_dir: &Path) -> ExitCode {
    let outputs = match generator::generate(spec_dir) {
        Ok(o) => o,
        Err(d) => return report(&d),
    };
    let mut stale = 0;
    for o in &outputs {
        let on_disk = std::fs::read_to_string(root.join(&o.path)).unwrap_or_default();
        if on_disk != o.content {
            stale += 1;
            let line = first_difference(&on_disk, &o.content);
            eprintln!(
                "stale: {} (first difference at line {line})",
                o.path.display()
            );
        }
    }
    if stale == 0 {
        eprintln!("generated files are up to date ({} files)", outputs.len());
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{stale} generated file(s) are stale: run `cargo xtask generate` and commit the result"
        );
        ExitCode::FAILURE
    }
}

fn first_difference(a: &str, b: &str) -> usize {
    let mut al = a.lines();
    let mut bl = b.lines();
    let mut n = 1;
    loop {
        match (al.next(), bl.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (None, None) => return n,
            _ => return n,
        }
    }
}
