//! Writing generated files so that a failure never leaves a half-written SDK.
//!
//! Every output is first written to a temporary file next to its target; only
//! when all of them are written are they renamed into place. A rename within
//! one directory is atomic, so each file is either the old or the new version.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use braze_openapi_generator::Output;

/// Writes `outputs` under `root`; returns the paths whose content changed.
/// Files whose content is already right are not touched (their mtime stays,
/// so cargo does not rebuild for nothing).
pub fn write_atomically(root: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    let mut staged: Vec<(PathBuf, PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for o in outputs {
            let target = root.join(&o.path);
            if fs::read_to_string(&target).is_ok_and(|old| old == o.content) {
                continue;
            }
            let dir = target
                .parent()
                .expect("outputs are files inside the repository");
            fs::create_dir_all(dir)?;
            let name = target
                .file_name()
                .expect("outputs have file names")
                .to_string_lossy();
            let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let mut f = fs::File::create(&temp)?;
            f.write_all(o.content.as_bytes())?;
            f.sync_all()?;
            staged.push((temp, target, o.path.clone()));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(e);
    }
    let mut changed = Vec::new();
    for (temp, target, rel) in staged {
        fs::rename(&temp, &target)?;
        changed.push(rel);
    }
    Ok(changed)
}
