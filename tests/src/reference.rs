//! Access to `reference/` (Braze's endpoint tables and doc pages), vendored
//! into the repository so that a clone alone passes the tests.

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// `reference/` at the repository root: the vendored Braze material.
pub fn reference_dir() -> PathBuf {
    repo_root().join("reference")
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
    /// The `rate_limit` column, as Braze words it.
    pub rate_limit: String,
}

/// The first `N req/min`, `N req per K seconds`... of a rate-limit text, as
/// (requests, window in seconds). `None` when the text states no such limit.
pub fn parse_rate_limit(text: &str) -> Option<(u64, u64)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let unit_seconds = |u: &str| match u.trim_end_matches(|c: char| !c.is_ascii_alphabetic()) {
        "s" | "sec" | "second" | "seconds" => Some(1),
        "min" | "minute" | "minutes" => Some(60),
        "hour" | "hours" => Some(3600),
        "day" | "days" => Some(86400),
        _ => None,
    };
    for (i, w) in words.iter().enumerate() {
        let Ok(n) = w.replace(',', "").parse::<u64>() else {
            continue;
        };
        let Some(next) = words.get(i + 1) else {
            continue;
        };
        if let Some(unit) = next.strip_prefix("req/") {
            return unit_seconds(unit).map(|s| (n, s));
        }
        if *next == "req" && words.get(i + 2) == Some(&"per") {
            let (k, unit) = match words.get(i + 3).and_then(|w| w.parse::<u64>().ok()) {
                Some(k) => (k, words.get(i + 4)?),
                None => (1, words.get(i + 3)?),
            };
            return unit_seconds(unit).map(|s| (n, k * s));
        }
    }
    None
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
    let (n, method, path, doc, dep, rate) = (
        col("n"),
        col("real_method"),
        col("real_path"),
        col("doc_file"),
        col("deprecated"),
        col("rate_limit"),
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
                rate_limit: f[rate].to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_texts() {
        assert_eq!(
            parse_rate_limit("20,000 req/min shared with /users/delete"),
            Some((20_000, 60))
        );
        assert_eq!(
            parse_rate_limit("default 250,000 req/hour"),
            Some((250_000, 3600))
        );
        assert_eq!(
            parse_rate_limit("3,000 req per 3 seconds (since 2024-10-28)"),
            Some((3_000, 3))
        );
        assert_eq!(
            parse_rate_limit("5,000 req/day per company"),
            Some((5_000, 86_400))
        );
        assert_eq!(
            parse_rate_limit("not rate limited (volume per hour covered by SLA)"),
            None
        );
        assert_eq!(parse_rate_limit("(not stated in saved version)"), None);
    }
}
