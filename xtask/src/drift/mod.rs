//! `cargo xtask drift [--docs DIR]... [--json]`: what Braze's docs say
//! that the spec does not (or no longer) say.
//!
//! Reads the endpoint pages of one or more braze-docs trees (default: the
//! vendored `reference/braze-docs` and `reference/braze-docs-forks/*`) and
//! compares them with `spec/dist/braze.json` (see [`compare`]). Each
//! finding is printed in a table; the ones the spec departs from on purpose
//! (it follows what Braze really does) are listed, with the reason, in
//! [`ACKNOWLEDGED`]. An unacknowledged finding fails the command, and so
//! does an acknowledgement that no longer matches anything when the
//! vendored reference is read (so the file cannot rot).

pub mod compare;
pub mod page;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

use compare::{DocPage, Finding};

/// Findings declared intended, one per line exactly as the table's
/// `finding` column prints them; every entry needs a reason (a `#` comment
/// above it in its paragraph, or ` # reason` after it).
pub const ACKNOWLEDGED: &str = "tools/drift-acknowledged.txt";
const SPEC: &str = "spec/dist/braze.json";

/// The docs trees read when no `--docs` is given.
pub fn vendored_roots(root: &Path) -> Vec<PathBuf> {
    let reference = root.join("reference");
    let mut roots = vec![reference.join("braze-docs")];
    if let Ok(entries) = std::fs::read_dir(reference.join("braze-docs-forks")) {
        let mut forks: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        forks.sort();
        roots.extend(forks.into_iter().filter(|p| p.is_dir()));
    }
    roots
}

/// Every `.md` file under `dir`, sorted (bounded depth: a link loop ends).
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        if depth > 12 {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                walk(&p, depth + 1, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out);
    out.sort();
    out
}

/// The endpoint pages of the docs trees, the first tree winning when two
/// hold the same page.
pub fn load_pages(roots: &[PathBuf]) -> Result<Vec<DocPage>, String> {
    let includes = roots
        .iter()
        .map(|r| r.join("_includes/rate_limits.md"))
        .find(|p| p.is_file())
        .map(|p| {
            std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        })
        .transpose()?
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    let mut pages = Vec::new();
    for root in roots {
        let endpoints = root.join("_docs/_api/endpoints");
        if !endpoints.is_dir() {
            return Err(format!(
                "{} has no _docs/_api/endpoints: not a braze-docs tree",
                root.display()
            ));
        }
        let own = root.join("_includes/rate_limits.md");
        let limits = match std::fs::read_to_string(&own) {
            Ok(t) => t,
            Err(_) => includes.clone(),
        };
        for file in markdown_files(&endpoints) {
            let rel = file
                .strip_prefix(root)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            if !seen.insert(rel.clone()) {
                continue;
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            if let Some(page) = page::parse(&text, &limits) {
                pages.push(DocPage { rel, page });
            }
        }
    }
    Ok(pages)
}

/// The acknowledged findings of `text`, or the entries that give no reason.
pub fn acknowledged(text: &str) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let mut unexplained = Vec::new();
    let mut paragraph_has_reason = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            paragraph_has_reason = false;
            continue;
        }
        if t.starts_with('#') {
            paragraph_has_reason |= t.trim_start_matches('#').trim().len() >= 10;
            continue;
        }
        let (entry, reason) = match t.split_once(" # ") {
            Some((a, r)) => (a.trim(), r.trim().len() >= 10),
            None => (t, false),
        };
        if !(paragraph_has_reason || reason) {
            unexplained.push(format!("{ACKNOWLEDGED}:{}: {entry}", i + 1));
        }
        out.insert(entry.to_string());
    }
    if unexplained.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "acknowledged findings need a reason (a `# ...` comment above them in their paragraph, or ` # ...` after them):\n{}",
            unexplained.join("\n")
        ))
    }
}

/// Findings split by their acknowledgement.
pub struct Report {
    pub findings: Vec<(Finding, bool)>,
    /// Acknowledged lines that match no finding.
    pub stale: Vec<String>,
}

impl Report {
    pub fn new(findings: Vec<Finding>, ack: &BTreeSet<String>) -> Report {
        let texts: BTreeSet<String> = findings.iter().map(Finding::text).collect();
        let stale = ack
            .iter()
            .filter(|a| !texts.contains(*a))
            .cloned()
            .collect();
        let findings = findings
            .into_iter()
            .map(|f| {
                let known = ack.contains(&f.text());
                (f, known)
            })
            .collect();
        Report { findings, stale }
    }

    pub fn open(&self) -> usize {
        self.findings.iter().filter(|(_, a)| !a).count()
    }

    /// A Markdown table: one row per finding.
    pub fn table(&self) -> String {
        let mut s =
            String::from("| operation or page | check | detail | status |\n|---|---|---|---|\n");
        for (f, known) in &self.findings {
            let status = if *known { "acknowledged" } else { "NEW" };
            s.push_str(&format!(
                "| {} | {} | {} | {status} |\n",
                f.subject.replace('|', "\\|"),
                f.check,
                f.detail.replace('|', "\\|")
            ));
        }
        s
    }

    pub fn json(&self) -> Value {
        json!({
            "findings": self.findings.iter().map(|(f, known)| json!({
                "subject": f.subject,
                "check": f.check,
                "detail": f.detail,
                "page": f.page,
                "finding": f.text(),
                "acknowledged": known,
            })).collect::<Vec<_>>(),
            "stale_acknowledgements": self.stale,
        })
    }
}

pub fn run(root: &Path, docs: &[PathBuf], as_json: bool) -> ExitCode {
    match drift(root, docs, as_json) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("drift: {e}");
            ExitCode::FAILURE
        }
    }
}

fn drift(root: &Path, docs: &[PathBuf], as_json: bool) -> Result<ExitCode, String> {
    let vendored = docs.is_empty();
    let roots = if vendored {
        vendored_roots(root)
    } else {
        docs.to_vec()
    };
    let pages = load_pages(&roots)?;
    let text = std::fs::read_to_string(root.join(SPEC))
        .map_err(|e| format!("cannot read {SPEC}: {e} (run `cargo xtask spec`)"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{SPEC}: {e}"))?;
    let ack_text = std::fs::read_to_string(root.join(ACKNOWLEDGED)).unwrap_or_default();
    let ack = acknowledged(&ack_text)?;
    let report = Report::new(compare::compare(&doc, &pages), &ack);
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.json()).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", report.table());
    }
    let open = report.open();
    eprintln!(
        "drift: {} endpoint page(s) read from {}; {} finding(s), {} acknowledged in {ACKNOWLEDGED}, {open} new",
        pages.len(),
        roots
            .iter()
            .map(|r| r.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        report.findings.len(),
        report.findings.len() - open,
    );
    for s in &report.stale {
        eprintln!("drift: acknowledged but not found: {s}");
    }
    let stale_fails = vendored && !report.stale.is_empty();
    if stale_fails {
        eprintln!(
            "drift: {} acknowledgement(s) match nothing in the vendored reference: remove them from {ACKNOWLEDGED}",
            report.stale.len()
        );
    }
    if open > 0 {
        eprintln!(
            "drift: fix the spec, or add each NEW finding's text (the `finding` of --json, \
             `operation: check: detail`) to {ACKNOWLEDGED} with the reason"
        );
    }
    Ok(if open > 0 || stale_fails {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests;
