//! `mypy --strict` over the whole Python package openapi-python-client
//! generates (not only over code that uses it): users commit that package
//! into their own repositories and type-check it with their code.
//!
//! The one finding the spec cannot remove is listed, with its reason, in
//! [`EXPECTED`]; any other finding fails the gate, and so does an expected
//! finding that no longer appears (the list cannot go stale).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Stdio;

use super::Tools;
use crate::process;

/// Findings of the generated package accepted as known, one per line as
/// [`findings`] prints them (`path: error: message  [code]`, no line number);
/// `#` starts a comment, and each entry needs one above it saying why.
pub const EXPECTED: &str = "tools/python/mypy-expected.txt";

/// The error lines of mypy's output, as `path inside the package: error:
/// message`, without line numbers (they move when unrelated code moves).
pub fn findings(output: &str, package: &str) -> BTreeSet<String> {
    output
        .lines()
        .filter_map(|l| {
            let (file, rest) = l.split_once(".py:")?;
            let (_, rest) = rest.split_once(": ")?;
            if !rest.starts_with("error: ") {
                return None;
            }
            let file = file
                .rfind(&format!("{package}/"))
                .map_or(file, |i| &file[i..]);
            Some(format!("{file}.py: {rest}"))
        })
        .collect()
}

/// The entries of the expected-findings file, each of which must have a
/// comment (its reason) in the paragraph above it.
pub fn expected(text: &str) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let mut has_reason = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            has_reason = false;
        } else if line.starts_with('#') {
            has_reason = true;
        } else if !has_reason {
            return Err(format!(
                "{EXPECTED}: `{line}` has no comment above it saying why"
            ));
        } else {
            out.insert(line.to_string());
        }
    }
    Ok(out)
}

/// Compares what mypy found with what is expected: every finding must be
/// expected, and every expected finding must still be found.
pub fn judge(found: &BTreeSet<String>, expected: &BTreeSet<String>) -> Result<(), String> {
    let new: Vec<&String> = found.difference(expected).collect();
    let stale: Vec<&String> = expected.difference(found).collect();
    let mut problems = Vec::new();
    if !new.is_empty() {
        problems.push(format!(
            "mypy --strict finds {} new error(s) in the generated package:\n  {}",
            new.len(),
            new.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        ));
    }
    if !stale.is_empty() {
        problems.push(format!(
            "{} expected finding(s) of {EXPECTED} no longer appear (remove them):\n  {}",
            stale.len(),
            stale
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Runs `mypy --strict` over `package`, installed under `site`; returns the
/// summary line mypy printed.
pub fn check(tools: &Tools, site: &Path, package: &str, dir: &Path) -> Result<String, String> {
    let log = dir.join("mypy-package.log");
    let out = tools
        .py("mypy")
        .args(["--strict", "--cache-dir"])
        .arg(dir.join("mypy-package-cache"))
        .args(["-p", package])
        .env("MYPYPATH", site)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start mypy: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = fs::write(&log, &text);
    // 0: clean, 1: type errors; anything else is mypy failing to run.
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "mypy failed ({}); end of {}:\n{}",
            out.status,
            log.display(),
            process::tail(&text, 20)
        ));
    }
    let found = findings(&text, package);
    if out.status.code() == Some(1) && found.is_empty() {
        return Err(format!(
            "mypy reported errors that were not read; see {}",
            log.display()
        ));
    }
    let expected_text =
        fs::read_to_string(EXPECTED).map_err(|e| format!("cannot read {EXPECTED}: {e}"))?;
    judge(&found, &expected(&expected_text)?)?;
    let summary = text
        .lines()
        .rev()
        .find(|l| l.starts_with("Found ") || l.starts_with("Success:"))
        .unwrap_or("")
        .to_string();
    Ok(format!("{summary} ({} expected, {EXPECTED})", found.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
/x/site/braze_rest_api_client/models/a.py:385: error: Redundant cast to \"list[Any]\"  [redundant-cast]
/x/site/braze_rest_api_client/models/a.py:12: note: See https://mypy.rtfd.io
braze_rest_api_client/api/b.py:7: error: Returning Any from function  [no-any-return]
Found 2 errors in 2 files (checked 625 source files)
";

    #[test]
    fn findings_drop_line_numbers_and_notes() {
        let f = findings(OUTPUT, "braze_rest_api_client");
        assert_eq!(
            f.into_iter().collect::<Vec<_>>(),
            vec![
                "braze_rest_api_client/api/b.py: error: Returning Any from function  [no-any-return]",
                "braze_rest_api_client/models/a.py: error: Redundant cast to \"list[Any]\"  [redundant-cast]",
            ]
        );
    }

    #[test]
    fn a_new_finding_and_a_stale_expectation_both_fail() {
        let found = findings(OUTPUT, "braze_rest_api_client");
        let cast = "braze_rest_api_client/models/a.py: error: Redundant cast to \"list[Any]\"  [redundant-cast]";
        let ok = expected(&format!("# why\n{cast}\n")).unwrap();
        let err = judge(&found, &ok).unwrap_err();
        assert!(
            err.contains("1 new error(s)") && err.contains("no-any-return"),
            "{err}"
        );
        let all = found.clone();
        assert!(judge(&found, &all).is_ok());
        let stale = expected(&format!("# why\n{cast}\n# gone\nsomething else\n")).unwrap();
        let mut only_cast = found.clone();
        only_cast.retain(|f| f.contains("redundant-cast"));
        let err = judge(&only_cast, &stale).unwrap_err();
        assert!(
            err.contains("no longer appear") && err.contains("something else"),
            "{err}"
        );
    }

    #[test]
    fn an_entry_without_a_reason_is_refused() {
        assert!(expected("a: error: b\n").is_err());
        assert!(expected("# reason\na: error: b\n\nc: error: d\n").is_err());
        assert_eq!(expected("# reason\na: error: b\n").unwrap().len(), 1);
    }

    #[test]
    fn the_committed_list_has_a_reason_for_each_entry() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(EXPECTED),
        )
        .unwrap();
        assert!(!expected(&text).unwrap().is_empty());
    }
}
