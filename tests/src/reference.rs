//! Access to `shared/reference/` (Braze's endpoint list and doc pages), which
//! sits beside the repository.

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// `../shared/reference` seen from the repository root.
pub fn reference_dir() -> PathBuf {
    repo_root().join("../shared/reference")
}

/// The spec directory.
pub fn spec_dir() -> PathBuf {
    repo_root().join("spec")
}

/// One row of `endpoints.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointRow {
    pub n: u32,
    pub method: String,
    pub path: String,
    pub doc_file: String,
    pub deprecated: bool,
}

/// Reads `endpoints.tsv`.
pub fn endpoint_rows() -> Vec<EndpointRow> {
    let path = reference_dir().join("endpoints.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_endpoint_rows(&text)
}

/// Parses the TSV text of `endpoints.tsv` (header line first).
pub fn parse_endpoint_rows(text: &str) -> Vec<EndpointRow> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("endpoints.tsv has no `{name}` column"))
    };
    let (n, method, path, doc, dep) = (
        col("n"),
        col("real_method"),
        col("real_path"),
        col("doc_file"),
        col("deprecated"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            EndpointRow {
                n: f[n].parse().expect("row number"),
                method: f[method].to_ascii_lowercase(),
                path: f[path].to_string(),
                doc_file: f[doc].to_string(),
                deprecated: f[dep].starts_with("yes"),
            }
        })
        .collect()
}
