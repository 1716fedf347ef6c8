//! `generate`, `check`, `lint` and `spec`: the generator driven from disk.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use braze_openapi_generator::{self as generator, Diagnostics, Output};

use crate::write;

/// Diff lines printed per stale file unless `--max-diff-lines` says otherwise:
/// enough to see what changed, not a 48 000-line client.
pub const DEFAULT_DIFF_LINES: usize = 80;

fn report(diags: &Diagnostics) -> ExitCode {
    eprintln!("{diags}");
    ExitCode::FAILURE
}

/// Everything `generate` writes: SDK sources, the tests crate's tables and
/// contract dispatcher, the exported spec.
fn all_outputs(spec_dir: &Path) -> Result<Vec<Output>, String> {
    generator::generate(spec_dir).map_err(|d| d.to_string())
}

pub fn generate(root: &Path, spec_dir: &Path) -> ExitCode {
    let started = Instant::now();
    let outputs = match all_outputs(spec_dir) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("generation failed; no file was written.");
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    write_all(root, &outputs, started)
}

pub fn export(root: &Path, spec_dir: &Path) -> ExitCode {
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

pub fn lint(spec_dir: &Path) -> ExitCode {
    let spec = match generator::check(spec_dir) {
        Ok(s) => s,
        Err(d) => return report(&d),
    };
    if let Err(d) = generator::generate_sdk(&spec) {
        return report(&d);
    }
    let files = spec.origins.files().len();
    let ops = generator::walk::operations(&spec.document).len();
    eprintln!("spec is clean: {ops} operations in {files} files");
    ExitCode::SUCCESS
}

/// Compares every output with the committed file; writes nothing.
pub fn check(root: &Path, spec_dir: &Path, max_diff_lines: usize) -> ExitCode {
    let outputs = match all_outputs(spec_dir) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = 0;
    for o in &outputs {
        let on_disk = std::fs::read_to_string(root.join(&o.path));
        let on_disk = match on_disk {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                eprintln!("cannot read {}: {e}", o.path.display());
                stale += 1;
                continue;
            }
        };
        if on_disk != o.content {
            stale += 1;
            eprintln!("stale: {}", o.path.display());
            eprint!(
                "{}",
                unified_diff(&o.path, &on_disk, &o.content, max_diff_lines)
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

/// A unified diff (committed -> generated) cut after `max_lines` lines, with
/// a note saying how many were left out.
pub fn unified_diff(path: &Path, committed: &str, generated: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(committed, generated);
    let name = path.display().to_string();
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{name} (committed)"),
            &format!("b/{name} (generated)"),
        )
        .to_string();
    let total = text.lines().count();
    if total <= max_lines {
        return text;
    }
    let mut out: String = text
        .lines()
        .take(max_lines)
        .flat_map(|l| [l, "\n"])
        .collect();
    out.push_str(&format!(
        "... diff cut: {} more lines (use --max-diff-lines)\n",
        total - max_lines
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines_and_is_capped() {
        let a: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let b = a
            .replace("line 5\n", "line five\n")
            .replace("line 90\n", "");
        let d = unified_diff(Path::new("x.rs"), &a, &b, 1000);
        assert!(d.contains("-line 5\n+line five\n"), "{d}");
        assert!(d.contains("-line 90\n"), "{d}");
        assert!(
            d.starts_with("--- a/x.rs (committed)\n+++ b/x.rs (generated)\n"),
            "{d}"
        );
        let capped = unified_diff(Path::new("x.rs"), &a, &b, 5);
        assert_eq!(capped.lines().count(), 6, "{capped}");
        assert!(
            capped.ends_with("more lines (use --max-diff-lines)\n"),
            "{capped}"
        );
    }

    #[test]
    fn equal_files_give_no_diff() {
        assert_eq!(unified_diff(Path::new("x"), "a\n", "a\n", 10), "");
    }
}
