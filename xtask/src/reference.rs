//! `cargo xtask reference --docs DIR [--fork OWNER]`: refreshes the vendored
//! Braze pages in `reference/` from a newer braze-docs checkout.
//!
//! Every page kept under `reference/braze-docs/` (or
//! `reference/braze-docs-forks/OWNER/` with `--fork`) is replaced by the
//! checkout's copy, or removed when the checkout no longer has it; endpoint
//! pages the checkout has and `reference/` lacks are added, with a row in
//! the extra-endpoint table for a maintainer to review. The source tables
//! (`sources.tsv`, `extra-sources.tsv`) get each page's commit (from the
//! checkout's git history) and length. Then `cargo xtask drift` shows what
//! the spec must catch up with.

use crate::git::git;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::drift::{self, page};

/// What a refresh did, by page (relative to the tree root).
#[derive(Debug, Default)]
pub struct Summary {
    pub updated: Vec<String>,
    pub unchanged: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

pub fn run(root: &Path, docs: &Path, fork: Option<&str>) -> ExitCode {
    match refresh(&root.join("reference"), docs, fork) {
        Ok(s) => {
            for p in &s.updated {
                eprintln!("updated  {p}");
            }
            for p in &s.added {
                eprintln!("added    {p}");
            }
            for p in &s.removed {
                eprintln!("removed  {p}");
            }
            eprintln!(
                "reference: {} updated, {} added, {} removed, {} unchanged; now run `cargo xtask drift`",
                s.updated.len(),
                s.added.len(),
                s.removed.len(),
                s.unchanged
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("reference: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every file under `dir`, relative to it, `/`-separated.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, depth: usize, out: &mut Vec<String>) {
        if depth > 12 {
            return;
        }
        for e in std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, depth + 1, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, 0, &mut out);
    out.sort();
    out
}

/// A TSV table: its header and rows.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut lines = text.lines();
        let header = lines
            .next()
            .unwrap_or_default()
            .split('\t')
            .map(String::from)
            .collect();
        let rows = lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split('\t').map(String::from).collect())
            .collect();
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    fn col(&self, name: &str) -> Result<usize, String> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{} has no `{name}` column", self.path.display()))
    }

    fn write(&self) -> Result<(), String> {
        let mut s = self.header.join("\t");
        s.push('\n');
        for r in &self.rows {
            s.push_str(&r.join("\t"));
            s.push('\n');
        }
        std::fs::write(&self.path, s)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    fn push(&mut self, values: &[(&str, String)]) -> Result<(), String> {
        let mut row = vec![String::new(); self.header.len()];
        for (name, v) in values {
            row[self.col(name)?] = v.clone();
        }
        self.rows.push(row);
        Ok(())
    }
}

/// The commit that last changed `rel` in the checkout.
fn commit_of(docs: &Path, rel: &str) -> Result<String, String> {
    let c = git(docs, &["log", "-1", "--format=%H", "--", rel])?;
    if c.is_empty() {
        return Err(format!("{rel} is not committed in {}", docs.display()));
    }
    Ok(c)
}

/// `N req/<unit>` for the extra-endpoint tables, from a page's rate-limit text.
fn limit_cell(text: &str) -> String {
    match page::parse_limit(text) {
        Some((n, 1)) => format!("{n} req/second"),
        Some((n, 60)) => format!("{n} req/min"),
        Some((n, 3600)) => format!("{n} req/hour"),
        Some((n, 86_400)) => format!("{n} req/day"),
        Some((n, w)) => format!("{n} req per {w} seconds"),
        None => "not stated".into(),
    }
}

/// Refreshes `reference` (the `reference/` directory) from the checkout
/// `docs`; `fork` names the owner of a fork checkout.
pub fn refresh(reference: &Path, docs: &Path, fork: Option<&str>) -> Result<Summary, String> {
    if !docs.join("_docs/_api/endpoints").is_dir() {
        return Err(format!(
            "{} has no _docs/_api/endpoints: not a braze-docs checkout",
            docs.display()
        ));
    }
    git(docs, &["rev-parse", "HEAD"]).map_err(|e| {
        format!(
            "{e}\n(the source commits come from the checkout's git history: give a git checkout)"
        )
    })?;
    let tree_name = match fork {
        Some(owner) => format!("braze-docs-forks/{owner}"),
        None => "braze-docs".to_string(),
    };
    let repo = match fork {
        Some(owner) => format!("{owner}/braze-docs"),
        None => "braze-inc/braze-docs".to_string(),
    };
    let tree = reference.join(&tree_name);
    let mut summary = Summary::default();
    let mut sources = Table::read(&reference.join("sources.tsv"))?;
    let mut extra_sources = Table::read(&reference.join("extra-sources.tsv"))?;
    let mut endpoints_table = Table::read(&reference.join(if fork.is_some() {
        "extra-endpoints-forks.tsv"
    } else {
        "extra-endpoints.tsv"
    }))?;
    // (commit, chars) of every page now in the tree, by its path.
    let mut facts: BTreeMap<String, Option<(String, usize)>> = BTreeMap::new();

    for rel in files(&tree) {
        let upstream = docs.join(&rel);
        let local = tree.join(&rel);
        match std::fs::read_to_string(&upstream) {
            Ok(text) => {
                let old = std::fs::read_to_string(&local).unwrap_or_default();
                if old == text {
                    summary.unchanged += 1;
                } else {
                    std::fs::write(&local, &text)
                        .map_err(|e| format!("cannot write {}: {e}", local.display()))?;
                    summary.updated.push(rel.clone());
                }
                facts.insert(
                    rel.clone(),
                    Some((commit_of(docs, &rel)?, text.chars().count())),
                );
            }
            Err(_) => {
                std::fs::remove_file(&local)
                    .map_err(|e| format!("cannot remove {}: {e}", local.display()))?;
                summary.removed.push(rel.clone());
                facts.insert(rel, None);
            }
        }
    }

    // Endpoint pages the checkout has and the tree lacks.
    let limits = std::fs::read_to_string(docs.join("_includes/rate_limits.md")).unwrap_or_default();
    for file in drift::markdown_files(&docs.join("_docs/_api/endpoints")) {
        let rel = file
            .strip_prefix(docs)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        if facts.contains_key(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let Some(p) = page::parse(&text, &limits) else {
            continue;
        };
        let local = tree.join(&rel);
        if let Some(dir) = local.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&local, &text)
            .map_err(|e| format!("cannot write {}: {e}", local.display()))?;
        let commit = commit_of(docs, &rel)?;
        let chars = text.chars().count();
        extra_sources.push(&[
            ("repo", repo.clone()),
            ("path", rel.clone()),
            ("commit", commit.clone()),
            ("total_chars", chars.to_string()),
            ("saved_as", format!("{tree_name}/{rel}")),
        ])?;
        let lower = text.to_ascii_lowercase();
        let status = if lower.contains("early access") {
            "early access"
        } else if lower.contains("in beta") || lower.contains("beta feature") {
            "beta"
        } else {
            "GA (no status note)"
        };
        let family = rel
            .trim_start_matches("_docs/_api/endpoints/")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let doc_file = match fork {
            Some(_) => format!("{tree_name}/{rel}"),
            None => rel.clone(),
        };
        let mut row = vec![
            ("method", p.method.to_uppercase()),
            ("path", p.path.clone()),
            ("doc_file", doc_file),
            ("family", family),
            ("rate_limit", limit_cell(&p.rate_limit_text)),
            ("status", status.to_string()),
            (
                "notes",
                "added by `cargo xtask reference`: review, then add the operation to the spec"
                    .into(),
            ),
        ];
        if fork.is_some() {
            row.push((
                "source",
                format!("{repo}@{}", &commit[..8.min(commit.len())]),
            ));
        }
        endpoints_table.push(&row)?;
        facts.insert(rel.clone(), Some((commit, chars)));
        summary.added.push(rel);
    }

    // The source tables: commit and length of every page kept.
    let (s_path, s_commit, s_chars) = (
        sources.col("path")?,
        sources.col("commit")?,
        sources.col("total_chars")?,
    );
    if fork.is_none() {
        sources
            .rows
            .retain(|r| !matches!(facts.get(&r[s_path]), Some(None)));
        for r in &mut sources.rows {
            if let Some(Some((c, n))) = facts.get(&r[s_path]) {
                r[s_commit] = c.clone();
                r[s_chars] = n.to_string();
            }
        }
    }
    let (e_repo, e_path, e_commit, e_chars) = (
        extra_sources.col("repo")?,
        extra_sources.col("path")?,
        extra_sources.col("commit")?,
        extra_sources.col("total_chars")?,
    );
    extra_sources
        .rows
        .retain(|r| r[e_repo] != repo || !matches!(facts.get(&r[e_path]), Some(None)));
    for r in &mut extra_sources.rows {
        if r[e_repo] != repo {
            continue;
        }
        if let Some(Some((c, n))) = facts.get(&r[e_path]) {
            r[e_commit] = c.clone();
            r[e_chars] = n.to_string();
        }
    }
    sources.write()?;
    extra_sources.write()?;
    endpoints_table.write()?;
    Ok(summary)
}
