//! `drift` and `reference` on fixture trees: copies of the vendored
//! reference with a page added, a field renamed and a limit changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{Report, acknowledged, compare, load_pages, vendored_roots};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spec() -> Value {
    let text = std::fs::read_to_string(repo().join("spec/dist/braze.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-drift-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

fn texts(roots: &[PathBuf]) -> BTreeSet<String> {
    let pages = load_pages(roots).unwrap();
    compare::compare(&spec(), &pages)
        .iter()
        .map(compare::Finding::text)
        .collect()
}

const NEW_PAGE: &str = "_docs/_api/endpoints/user_data/post_users_frobnicate.md";
const RENAMED: &str = "_docs/_api/endpoints/email/post_blocklist.md";
const LIMITS: &str = "_includes/rate_limits.md";

/// A page added, a field renamed in a request table, a limit changed.
fn change(tree: &Path) {
    std::fs::write(
        tree.join(NEW_PAGE),
        "---\nnav_title: x\n---\n{% api %}\n# Frobnicate\n{% apimethod post %}\n/users/frobnicate\n{% endapimethod %}\n\n## Rate limit\n\n{% multi_lang_include rate_limits.md endpoint='default' %}\n{% endapi %}\n",
    )
    .unwrap();
    let page = tree.join(RENAMED);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(
        text.contains("| `email` |"),
        "fixture page changed upstream"
    );
    std::fs::write(&page, text.replace("| `email` |", "| `email_address` |")).unwrap();
    let limits = tree.join(LIMITS);
    let text = std::fs::read_to_string(&limits).unwrap();
    let before = "We apply a rate limit of 1,000 requests per minute to this endpoint";
    assert!(text.contains(before), "fixture include changed upstream");
    std::fs::write(
        &limits,
        text.replace(
            before,
            "We apply a rate limit of 2,000 requests per minute to this endpoint",
        ),
    )
    .unwrap();
}

fn expected_new() -> BTreeSet<String> {
    [
        "POST /users/frobnicate: no operation: _docs/_api/endpoints/user_data/post_users_frobnicate.md",
        "POST /email/blocklist (email_blocklist): field missing: `email_address` (request table)",
        "POST /users/external_ids/remove (users_external_ids_remove): rate limit: page 2000 per 60 s, spec 1000 per 60 s",
        "POST /users/external_ids/rename (users_external_ids_rename): rate limit: page 2000 per 60 s, spec 1000 per 60 s",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

#[test]
fn the_vendored_reference_has_no_unacknowledged_finding() {
    let ack_text = std::fs::read_to_string(repo().join(super::ACKNOWLEDGED)).unwrap();
    let ack = acknowledged(&ack_text).unwrap_or_else(|e| panic!("{e}"));
    let pages = load_pages(&vendored_roots(&repo())).unwrap();
    assert!(
        pages.len() >= 150,
        "only {} endpoint pages read",
        pages.len()
    );
    let report = Report::new(compare::compare(&spec(), &pages), &ack);
    let open: Vec<String> = report
        .findings
        .iter()
        .filter(|(_, a)| !a)
        .map(|(f, _)| f.text())
        .collect();
    assert!(open.is_empty(), "unacknowledged:\n{}", open.join("\n"));
    assert!(
        report.stale.is_empty(),
        "stale:\n{}",
        report.stale.join("\n")
    );
}

#[test]
fn a_fixture_tree_shows_the_added_page_the_renamed_field_and_the_new_limit() {
    let dir = scratch("fixture");
    let tree = dir.join("braze-docs");
    std::fs::create_dir_all(&tree).unwrap();
    copy_tree(&repo().join("reference/braze-docs"), &tree);
    let before = texts(std::slice::from_ref(&tree));
    change(&tree);
    let after = texts(std::slice::from_ref(&tree));
    let appeared: BTreeSet<String> = after.difference(&before).cloned().collect();
    let gone: BTreeSet<String> = before.difference(&after).cloned().collect();
    assert_eq!(appeared, expected_new());
    // The examples still send `email`, so the rename only adds findings.
    assert_eq!(gone, BTreeSet::new(), "findings disappeared");
    let _ = std::fs::remove_dir_all(&dir);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=fixture",
            "-c",
            "user.email=fixture@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn reference_refreshes_pages_tables_and_commits_from_a_newer_checkout() {
    let dir = scratch("refresh");
    // A "newer checkout": the vendored pages, committed, then changed.
    let docs = dir.join("checkout");
    std::fs::create_dir_all(&docs).unwrap();
    copy_tree(&repo().join("reference/braze-docs"), &docs);
    git(&docs, &["init", "-q"]);
    git(&docs, &["add", "-A"]);
    git(&docs, &["commit", "-q", "-m", "old"]);
    let old = git(&docs, &["rev-parse", "HEAD"]);
    change(&docs);
    git(&docs, &["add", "-A"]);
    git(&docs, &["commit", "-q", "-m", "new"]);
    let new = git(&docs, &["rev-parse", "HEAD"]);
    assert_ne!(old, new);
    // A copy of reference/ to refresh.
    let reference = dir.join("reference");
    std::fs::create_dir_all(&reference).unwrap();
    copy_tree(&repo().join("reference"), &reference);
    let summary = crate::reference::refresh(&reference, &docs, None).unwrap();
    assert_eq!(summary.added, vec![NEW_PAGE.to_string()]);
    let mut updated = summary.updated.clone();
    updated.sort();
    assert_eq!(updated, vec![RENAMED.to_string(), LIMITS.to_string()]);
    assert!(summary.removed.is_empty());
    // Source commits: the changed pages name the new commit, the others the old one.
    let sources = std::fs::read_to_string(reference.join("sources.tsv")).unwrap();
    let extra = std::fs::read_to_string(reference.join("extra-sources.tsv")).unwrap();
    let row = |table: &str, path: &str| {
        table
            .lines()
            .find(|l| l.split('\t').any(|c| c == path))
            .unwrap_or_else(|| panic!("no row for {path}"))
            .to_string()
    };
    let all = format!("{sources}\n{extra}");
    assert!(row(&all, RENAMED).contains(&new));
    assert!(row(&all, LIMITS).contains(&new));
    assert!(row(&all, "_docs/_api/endpoints/user_data/post_user_track.md").contains(&old));
    let added = row(&extra, NEW_PAGE);
    assert!(
        added.starts_with("braze-inc/braze-docs\t") && added.contains(&new),
        "{added}"
    );
    // The endpoint table has a row for the new page, for review.
    let endpoints = std::fs::read_to_string(reference.join("extra-endpoints.tsv")).unwrap();
    let new_row = row(&endpoints, "/users/frobnicate");
    assert!(new_row.starts_with("POST\t/users/frobnicate\t_docs/_api/endpoints/user_data/post_users_frobnicate.md\tuser_data\t250000 req/hour"), "{new_row}");
    // Drift on the refreshed reference shows exactly what changed.
    let before = texts(&vendored_roots(&repo()));
    let after = texts(&vendored_roots(&dir));
    let appeared: BTreeSet<String> = after.difference(&before).cloned().collect();
    assert_eq!(appeared, expected_new());
    // A second refresh from the same checkout changes nothing.
    let again = crate::reference::refresh(&reference, &docs, None).unwrap();
    assert!(again.added.is_empty() && again.updated.is_empty() && again.removed.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn acknowledgements_need_a_reason() {
    let ok = acknowledged("# the spec follows real traffic here\nA: b: c\nD: e: f\n\nG: h: i  # Braze sends 201, seen live\n").unwrap();
    assert_eq!(ok.len(), 3);
    let err = acknowledged("# reason for the first paragraph\nA: b: c\n\nD: e: f\n").unwrap_err();
    assert!(err.contains("D: e: f") && !err.contains("A: b: c"), "{err}");
}
