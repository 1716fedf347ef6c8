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

/// Which table an [`ExtraEndpointRow`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtraTable {
    /// `extra-endpoints.tsv`: pages of braze-inc/braze-docs.
    Main,
    /// `extra-endpoints-forks.tsv`: pages only in a newer fork.
    Forks,
}

/// One row of `extra-endpoints.tsv` or `extra-endpoints-forks.tsv`: an
/// endpoint Braze documents beyond the 92-entry glossary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraEndpointRow {
    pub table: ExtraTable,
    /// 1-based line number in its table (the header is line 1).
    pub line: usize,
    /// Lower case, as in the spec's path items.
    pub method: String,
    pub path: String,
    /// The saved page, relative to `reference/` (both tables are normalised
    /// to this: the main table's `doc_file` is relative to `braze-docs/`).
    pub page: String,
    pub family: String,
    pub rate_limit: String,
    /// The `status` column: `GA`, `beta`, `early access`, `hidden`...
    pub status: String,
    pub notes: String,
}

impl ExtraEndpointRow {
    /// `file:line` of the row, for messages.
    pub fn location(&self) -> String {
        let file = match self.table {
            ExtraTable::Main => "extra-endpoints.tsv",
            ExtraTable::Forks => "extra-endpoints-forks.tsv",
        };
        format!("{file}:{}", self.line)
    }

    /// The availability the `status` column gives: `beta`, `early-access`,
    /// or `None` (generally available, hidden or not stated). A status
    /// naming both ("early access/beta") is early access: the stricter one.
    pub fn availability(&self) -> Option<&'static str> {
        let s = self.status.to_ascii_lowercase();
        if s.starts_with("early access") || s.starts_with("early-access") {
            Some("early-access")
        } else if s.starts_with("beta") {
            Some("beta")
        } else {
            None
        }
    }
}

/// Reads both extra-endpoint tables, main table first.
pub fn extra_endpoint_rows() -> Vec<ExtraEndpointRow> {
    let mut rows = Vec::new();
    for (file, table) in [
        ("extra-endpoints.tsv", ExtraTable::Main),
        ("extra-endpoints-forks.tsv", ExtraTable::Forks),
    ] {
        let path = reference_dir().join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        rows.extend(parse_extra_endpoint_rows(&text, table));
    }
    rows
}

/// Parses the TSV text of an extra-endpoint table (header line first).
pub fn parse_extra_endpoint_rows(text: &str, table: ExtraTable) -> Vec<ExtraEndpointRow> {
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l)
        .unwrap_or_default()
        .split('\t')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{table:?} extra-endpoint table has no `{name}` column"))
    };
    let (method, path, doc, family, rate, status, notes) = (
        col("method"),
        col("path"),
        col("doc_file"),
        col("family"),
        col("rate_limit"),
        col("status"),
        col("notes"),
    );
    lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            let field = |c: usize| {
                f.get(c)
                    .unwrap_or_else(|| panic!("{table:?} table line {}: column {c} missing", i + 1))
                    .to_string()
            };
            let doc_file = field(doc);
            ExtraEndpointRow {
                table,
                line: i + 1,
                method: field(method).to_ascii_lowercase(),
                path: field(path),
                page: match table {
                    ExtraTable::Main => format!("braze-docs/{doc_file}"),
                    ExtraTable::Forks => doc_file,
                },
                family: field(family),
                rate_limit: field(rate),
                status: field(status),
                notes: field(notes),
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

    #[test]
    fn extra_rows_normalise_pages_and_read_availability() {
        let main = "method\tpath\tdoc_file\tfamily\trate_limit\tstatus\tnotes\n\
                    POST\t/a\t_docs/a.md\tA\t1 req/min\tearly access/beta (x)\tn\n\
                    \n\
                    GET\t/b\t_docs/b.md\tB\t\tbeta\t\n";
        let rows = parse_extra_endpoint_rows(main, ExtraTable::Main);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].method, "post");
        assert_eq!(rows[0].page, "braze-docs/_docs/a.md");
        assert_eq!(rows[0].availability(), Some("early-access"));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].availability(), Some("beta"));
        let forks = "method\tpath\tdoc_file\tfamily\trate_limit\tstatus\tnotes\tsource\n\
                     PUT\t/c\tbraze-docs-forks/o/_docs/c.md\tC\t\tGA (no status note)\t\ts\n";
        let rows = parse_extra_endpoint_rows(forks, ExtraTable::Forks);
        assert_eq!(rows[0].page, "braze-docs-forks/o/_docs/c.md");
        assert_eq!(rows[0].availability(), None);
        assert_eq!(rows[0].location(), "extra-endpoints-forks.tsv:2");
    }
}
