//! Versions and where they are written: `info.version` (and the Braze docs
//! snapshot date) in `spec/openapi.yaml`, the `version` of the published
//! crates and of braze-sdk's dependency on braze-sdk-types, and the
//! releases recorded under `releases/<version>/`.

use std::cmp::Ordering;
use std::fmt;
use std::path::{Path, PathBuf};

/// `MAJOR.MINOR.PATCH`, the only form semver, PEP 440 and npm all read the
/// same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        let t = text.trim().trim_start_matches('v');
        let parts: Vec<&str> = t.split('.').collect();
        let num = |s: &str| -> Result<u64, String> {
            if s.is_empty()
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                Err(format!(
                    "`{text}` is not MAJOR.MINOR.PATCH (numbers without leading zeros)"
                ))
            } else {
                s.parse().map_err(|e| format!("`{text}`: {e}"))
            }
        };
        match parts.as_slice() {
            [a, b, c] => Ok(Version {
                major: num(a)?,
                minor: num(b)?,
                patch: num(c)?,
            }),
            _ => Err(format!("`{text}` is not MAJOR.MINOR.PATCH")),
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Where the released documents are kept: `releases/<version>/braze.json`.
pub const RELEASES: &str = "releases";

/// Every recorded release, oldest first.
pub fn releases(root: &Path) -> Vec<(Version, PathBuf)> {
    let mut out: Vec<(Version, PathBuf)> = std::fs::read_dir(root.join(RELEASES))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = Version::parse(&e.file_name().to_string_lossy()).ok()?;
            let doc = e.path().join("braze.json");
            doc.is_file().then_some((v, doc))
        })
        .collect();
    out.sort_by_key(|a| a.0);
    out
}

/// The latest recorded release and its document.
pub fn latest_release(root: &Path) -> Option<(Version, PathBuf)> {
    releases(root).pop()
}

/// `spec/openapi.yaml` with `info.version` and `info.x-braze-docs-snapshot`
/// set (the snapshot line is added after `version:` when missing).
pub fn set_spec_version(yaml: &str, version: Version, snapshot: &str) -> Result<String, String> {
    let mut out = Vec::new();
    let mut in_info = false;
    let mut set_version = false;
    let mut set_snapshot = false;
    for line in yaml.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_info = line.trim_end() == "info:";
        }
        if in_info && line.starts_with("  version:") {
            out.push(format!("  version: {version}"));
            set_version = true;
            continue;
        }
        if in_info && line.starts_with("  x-braze-docs-snapshot:") {
            out.push(format!("  x-braze-docs-snapshot: \"{snapshot}\""));
            set_snapshot = true;
            continue;
        }
        out.push(line.to_string());
    }
    if !set_version {
        return Err("spec/openapi.yaml: no `version:` under `info:`".into());
    }
    if !set_snapshot {
        let i = out
            .iter()
            .position(|l| l.starts_with("  version:"))
            .expect("just written");
        out.insert(i + 1, format!("  x-braze-docs-snapshot: \"{snapshot}\""));
    }
    let mut s = out.join("\n");
    if yaml.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

/// A crate manifest with its `[package] version` set, and any dependency on
/// one of `siblings` (`name = { path = ..., version = "..." }`) pointed at
/// the same version.
pub fn set_crate_version(
    toml: &str,
    version: Version,
    siblings: &[&str],
) -> Result<String, String> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut done = false;
    for line in toml.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.to_string();
        }
        if section == "[package]" && !done && t.starts_with("version") && t.contains('=') {
            out.push(format!("version = \"{version}\""));
            done = true;
            continue;
        }
        let dep = siblings
            .iter()
            .any(|s| t.starts_with(&format!("{s} ")) || t.starts_with(&format!("{s}=")));
        if dep && t.contains("path =") && t.contains("version = \"") {
            let start = line.find("version = \"").expect("checked") + "version = \"".len();
            let end = start + line[start..].find('"').ok_or("unterminated version")?;
            out.push(format!("{}{version}{}", &line[..start], &line[end..]));
            continue;
        }
        out.push(line.to_string());
    }
    if !done {
        return Err("no `version` in [package]".into());
    }
    let mut s = out.join("\n");
    if toml.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.0.0") < v("1.0.1") && v("1.0.1") < v("1.1.0") && v("1.9.0") < v("1.10.0"));
        assert!(v("2026.12.1") > v("1.0.0"));
        assert_eq!(v("v1.2.3").to_string(), "1.2.3");
        for bad in ["1.0", "1.0.0-rc1", "01.0.0", "a.b.c", "1..0", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_spec_version_and_snapshot_are_set_under_info_only() {
        let yaml = "openapi: 3.0.3\ninfo:\n  title: T\n  version: 2026.12.1\n  description: x\nservers:\n  - url: u\n    version: keep\n";
        let v = Version::parse("1.0.0").unwrap();
        let once = set_spec_version(yaml, v, "2026-12-06").unwrap();
        assert_eq!(
            once,
            "openapi: 3.0.3\ninfo:\n  title: T\n  version: 1.0.0\n  x-braze-docs-snapshot: \"2026-12-06\"\n  description: x\nservers:\n  - url: u\n    version: keep\n"
        );
        let twice =
            set_spec_version(&once, Version::parse("1.1.0").unwrap(), "2027-01-02").unwrap();
        assert!(twice.contains("  version: 1.1.0\n  x-braze-docs-snapshot: \"2027-01-02\"\n"));
        assert_eq!(twice.matches("x-braze-docs-snapshot").count(), 1);
        assert!(set_spec_version("info:\n  title: T\n", v, "d").is_err());
    }

    #[test]
    fn crate_versions_and_sibling_dependencies_are_set() {
        let toml = "[package]\nname = \"braze-sdk\"\nversion = \"0.1.0\"\nedition.workspace = true\n\n[dependencies]\nbraze-sdk-types = { path = \"../sdk-types\", version = \"0.1.0\", default-features = false }\nserde = { version = \"1\" }\n";
        let out = set_crate_version(toml, Version::parse("1.0.0").unwrap(), &["braze-sdk-types"])
            .unwrap();
        assert!(out.contains("[package]\nname = \"braze-sdk\"\nversion = \"1.0.0\"\n"));
        assert!(out.contains("braze-sdk-types = { path = \"../sdk-types\", version = \"1.0.0\", default-features = false }"));
        assert!(
            out.contains("serde = { version = \"1\" }"),
            "other dependencies keep theirs"
        );
    }
}
