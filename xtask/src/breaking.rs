//! `cargo xtask breaking [--against REV]`: the exported spec against the same
//! file at an earlier revision (default: the last release recorded in
//! `releases/`, which a clone without tags has too; else the latest tag,
//! else the previous commit). Prints every breaking change and fails unless each is intended:
//! the major version of `info.version` went up, or the change's line is in
//! [`ACKNOWLEDGED`].

use crate::git::git;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use braze_openapi_generator::breaking;

/// Breaking changes declared intended, one per line exactly as
/// `cargo xtask breaking` prints them (after the `- `); a line starting with
/// `#`, or the rest of a line after ` # `, is a comment.
pub const ACKNOWLEDGED: &str = "tools/breaking-acknowledged.txt";
const SPEC: &str = "spec/dist/braze.json";

/// The revision to compare with when none is given.
fn default_rev(root: &Path) -> String {
    match git(root, &["describe", "--tags", "--abbrev=0", "HEAD"]) {
        Ok(tag) if !tag.trim().is_empty() => tag.trim().to_string(),
        _ => "HEAD~1".to_string(),
    }
}

/// The acknowledged lines of `text`.
pub fn acknowledged(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        // A comment after an entry is ` # ...` (a `#` inside the entry, as in
        // `#/components/...`, has no space after it).
        .map(|l| l.split_once(" # ").map_or(l, |(a, _)| a).trim())
        .map(|l| l.strip_prefix("- ").unwrap_or(l).to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

pub fn run(root: &Path, against: Option<&str>) -> ExitCode {
    match compare(root, against) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("breaking: {e}");
            ExitCode::FAILURE
        }
    }
}

fn compare(root: &Path, against: Option<&str>) -> Result<ExitCode, String> {
    let release = against
        .is_none()
        .then(|| crate::release::version::latest_release(root))
        .flatten();
    let rev = match (&release, against) {
        (Some((v, _)), _) => format!("release {v} (releases/{v}/braze.json)"),
        (None, a) => a.map_or_else(|| default_rev(root), String::from),
    };
    let old_text = match &release {
        Some((_, path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => match git(root, &["show", &format!("{rev}:{SPEC}")]) {
            Ok(t) => t,
            Err(e)
                if against.is_none()
                    && git(
                        root,
                        &["rev-parse", "--verify", "--quiet", &format!("{rev}:{SPEC}")],
                    )
                    .is_err() =>
            {
                // No earlier revision has an exported spec (first commit, or a
                // shallow clone without history): nothing to compare with.
                eprintln!("breaking: no {SPEC} at {rev} ({e}); nothing to compare");
                return Ok(ExitCode::SUCCESS);
            }
            Err(e) => return Err(e),
        },
    };
    let new_text =
        std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let old: serde_json::Value =
        serde_json::from_str(&old_text).map_err(|e| format!("{rev}:{SPEC} is not JSON: {e}"))?;
    let new: serde_json::Value =
        serde_json::from_str(&new_text).map_err(|e| format!("{SPEC} is not JSON: {e}"))?;
    let breaks = breaking::compare(&old, &new);
    let (old_major, new_major) = (breaking::major_version(&old), breaking::major_version(&new));
    if breaks.is_empty() {
        eprintln!("breaking: none against {rev}");
        return Ok(ExitCode::SUCCESS);
    }
    let major_bump = matches!((old_major, new_major), (Some(o), Some(n)) if n > o);
    let ack_text = std::fs::read_to_string(root.join(ACKNOWLEDGED)).unwrap_or_default();
    let ack = acknowledged(&ack_text);
    let mut open = 0;
    eprintln!("breaking changes against {rev}:");
    for b in &breaks {
        let line = b.to_string();
        let mark = if major_bump || ack.contains(&line) {
            "intended"
        } else {
            open += 1;
            "NOT ACKNOWLEDGED"
        };
        eprintln!("- {line}    [{mark}]");
    }
    if major_bump {
        eprintln!(
            "breaking: {} change(s), intended by the major version bump {:?} -> {:?}",
            breaks.len(),
            old["info"]["version"],
            new["info"]["version"]
        );
        Ok(ExitCode::SUCCESS)
    } else if open == 0 {
        eprintln!(
            "breaking: {} change(s), all listed in {ACKNOWLEDGED}",
            breaks.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "breaking: {open} of {} change(s) not acknowledged: bump the major version of info.version, \
             or copy each line (without `- ` and the mark) into {ACKNOWLEDGED} with a comment saying why",
            breaks.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::acknowledged;

    #[test]
    fn acknowledgements_ignore_comments_and_blank_lines() {
        let a = acknowledged(
            "# why\n- removed operation: GET /x (x_get)  # gone upstream\n\nremoved schema: #/components/schemas/Y\n",
        );
        assert!(a.contains("removed operation: GET /x (x_get)"));
        assert!(
            a.contains("removed schema: #/components/schemas/Y"),
            "{a:?}"
        );
        assert_eq!(a.len(), 2);
    }
}
