//! Running `git` for the commands that read history (breaking, reference,
//! release): one place that turns a failed git call into a message naming
//! the command, the folder and what git said.

use std::path::Path;
use std::process::Command;

/// Runs `git ARGS` in `dir`; its standard output, trimmed, or an error that
/// says which git command failed where, and git's own message.
pub fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!(
            "git {} in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
