//! Located problems found while loading, checking or generating from the spec.
//!
//! Every problem names the file it comes from and a JSON pointer into the
//! merged document, so that a reader can jump straight to it. Checks collect
//! all problems before failing: fixing a spec should not be a loop of one
//! error at a time.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem, located in a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the offending construct was read from.
    pub file: PathBuf,
    /// JSON pointer into the merged document (`/paths/~1users~1track/post`),
    /// or `line L column C` for YAML syntax errors.
    pub pointer: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Diagnostic {
    pub fn new(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}#{}: {}",
            self.file.display(),
            self.pointer,
            self.message
        )
    }
}

/// All the problems found by one run, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file then pointer, so that output does not depend on the
    /// order in which checks ran.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, &a.pointer, &a.message).cmp(&(&b.file, &b.pointer, &b.message))
        });
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        write!(f, "{} problem(s)", self.0.len())
    }
}

impl std::error::Error for Diagnostics {}

/// The JSON pointer of a `serde_path_to_error` path (`/paths/~1x/get/0`).
pub fn pointer_of_path(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Map { key } => Some(pointer([key.as_str()])),
            serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
            _ => None,
        })
        .collect()
}

impl Diagnostics {
    /// Messages that belong to no single place of the spec, reported at
    /// `pointer` in the root file.
    pub fn at_root(root: &Path, pointer: &str, messages: impl IntoIterator<Item = String>) -> Self {
        Diagnostics(
            messages
                .into_iter()
                .map(|m| Diagnostic::new(root, pointer, m))
                .collect(),
        )
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a JSON pointer from unescaped tokens.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_token(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slashes_and_tildes() {
        assert_eq!(
            pointer(["paths", "/users/track", "post"]),
            "/paths/~1users~1track/post"
        );
        assert_eq!(pointer(["a~b"]), "/a~0b");
    }
}
