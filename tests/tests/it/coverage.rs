//! Coverage of the endpoints Braze documents beyond the 92-entry glossary:
//! every row of `reference/extra-endpoints.tsv` and
//! `reference/extra-endpoints-forks.tsv` is an operation of the spec, is
//! covered by another operation that the same pages describe, or is in the
//! reasoned exclusion list below. The availability marks
//! (`x-braze-availability`) and the stated rate limits of those rows are
//! checked against the spec too.

use braze_openapi_generator as generator;
use braze_tests::reference::{ExtraEndpointRow, extra_endpoint_rows, parse_rate_limit, spec_dir};
use serde_json::Value;

/// A row documented under another method+path than the spec uses: the
/// operation at `spec_path` covers it.
struct CoveredBy {
    method: &'static str,
    path: &'static str,
    spec_path: &'static str,
    reason: &'static str,
}

const COVERED_BY: &[CoveredBy] = &[CoveredBy {
    method: "get",
    path: "/templates/translations/email",
    spec_path: "/templates/email/translations",
    reason: "one email-template page orders the path differently from its three siblings and \
             the webhook-template pages; the spec keeps the majority order and one GET with an \
             optional locale_id for both pages (x-braze-decision on the operation)",
}];

/// Rows deliberately left out of the spec. `rows` is how many table rows
/// the entry must match: an entry that matches more or fewer rows fails, so
/// the list cannot silently grow to swallow new endpoints.
struct Exclusion {
    method: &'static str,
    /// An exact path, or a prefix when it ends with `/`.
    path: &'static str,
    rows: usize,
    reason: &'static str,
}

const EXCLUSIONS: &[Exclusion] = &[
    Exclusion {
        method: "get",
        path: "/users/subscription",
        rows: 1,
        reason: "hidden page (front matter `hidden: true`, absent from navigation and from Braze's \
                 rate-limit table, no permission named); its example URL uses another path \
                 (/users/subscriptions), it does not say how 1 to 50 emails or phones are put in \
                 the query, and its response example has a misspelt state: not enough to model \
                 the request soundly",
    },
    Exclusion {
        method: "delete",
        path: "/users/subscription",
        rows: 1,
        reason: "hidden page (as its GET sibling); the only request example is not JSON (a brace \
                 block of unquoted key/value pairs), so the body's shape (one object with arrays, \
                 or a list of objects) is unknown",
    },
];

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    doc.pointer(&format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    ))
}

fn excluded_by(row: &ExtraEndpointRow) -> Option<&'static Exclusion> {
    EXCLUSIONS.iter().find(|e| {
        (e.method == "*" || e.method == row.method)
            && if e.path.ends_with('/') {
                row.path.starts_with(e.path)
            } else {
                row.path == e.path
            }
    })
}

fn covered_by(row: &ExtraEndpointRow) -> Option<&'static CoveredBy> {
    COVERED_BY
        .iter()
        .find(|c| c.method == row.method && c.path == row.path)
}

/// The spec operation that covers `row`, if any.
fn covering<'a>(doc: &'a Value, row: &ExtraEndpointRow) -> Option<&'a Value> {
    let path = covered_by(row).map_or(row.path.as_str(), |c| c.spec_path);
    operation(doc, &row.method, path)
}

#[test]
fn every_extra_endpoint_row_is_in_the_spec_or_left_out_with_a_reason() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let doc = &spec.document;
    let rows = extra_endpoint_rows();
    let main = rows
        .iter()
        .filter(|r| r.table == braze_tests::reference::ExtraTable::Main)
        .count();
    assert!(
        main >= 38 && rows.len() - main >= 27,
        "the tables lost rows: {main} main, {} forks",
        rows.len() - main
    );

    let mut missing = Vec::new();
    let mut covered = 0;
    let mut left_out = 0;
    let mut matched = vec![0usize; EXCLUSIONS.len()];
    for row in &rows {
        if let Some(e) = excluded_by(row) {
            let i = EXCLUSIONS.iter().position(|x| std::ptr::eq(x, e)).unwrap();
            matched[i] += 1;
            left_out += 1;
            assert!(
                operation(doc, &row.method, &row.path).is_none(),
                "{} ({} {}) is excluded but the spec has it now: remove the exclusion",
                row.location(),
                row.method.to_uppercase(),
                row.path
            );
            continue;
        }
        if let Some(c) = covered_by(row) {
            assert!(c.reason.len() > 20);
            assert!(
                operation(doc, &row.method, &row.path).is_none(),
                "{}: the spec has {} itself; drop the covered-by entry",
                row.location(),
                row.path
            );
        }
        match covering(doc, row) {
            Some(_) => covered += 1,
            None => missing.push(format!(
                "  {}: {} {} ({}, {})",
                row.location(),
                row.method.to_uppercase(),
                row.path,
                row.family,
                row.page
            )),
        }
    }
    for (e, n) in EXCLUSIONS.iter().zip(&matched) {
        assert!(
            e.reason.len() > 40,
            "exclusion {} needs a real reason",
            e.path
        );
        assert_eq!(
            *n, e.rows,
            "exclusion {} {} matches {n} rows, declared {}",
            e.method, e.path, e.rows
        );
    }
    println!(
        "extra endpoints: {} rows, {covered} covered, {left_out} left out by reasoned exclusion",
        rows.len()
    );
    assert!(
        missing.is_empty(),
        "{} row(s) of the extra-endpoint tables are not in the spec:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn availability_values_are_known_and_match_the_tables() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let doc = &spec.document;
    let mut bad = Vec::new();
    let mut marked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(value) = op.get("x-braze-availability") else {
                continue;
            };
            marked += 1;
            let words = match value.as_str() {
                Some("beta") => "beta",
                Some("early-access") => "early access",
                other => {
                    bad.push(format!(
                        "{method} {path}: x-braze-availability {other:?} is not beta or early-access"
                    ));
                    continue;
                }
            };
            let description = op["description"].as_str().unwrap_or_default();
            if !description.to_ascii_lowercase().contains(words) {
                bad.push(format!(
                    "{method} {path}: the description does not say `{words}` (the SDK docs show it)"
                ));
            }
        }
    }
    for row in extra_endpoint_rows() {
        let Some(want) = row.availability() else {
            continue;
        };
        if excluded_by(&row).is_some() {
            continue;
        }
        let got = covering(doc, &row)
            .and_then(|op| op.get("x-braze-availability"))
            .and_then(Value::as_str);
        if got != Some(want) {
            bad.push(format!(
                "{}: {} {} is `{}` in the table, the spec says {got:?}",
                row.location(),
                row.method.to_uppercase(),
                row.path,
                row.status
            ));
        }
    }
    assert!(
        marked >= 16,
        "only {marked} operations carry an availability"
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn extra_endpoint_rate_limits_match_the_tables() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let doc = &spec.document;
    let (mut checked, mut wrong) = (0, Vec::new());
    for row in extra_endpoint_rows() {
        if excluded_by(&row).is_some() {
            continue;
        }
        let Some(rl) = covering(doc, &row).and_then(|op| op.get("x-braze-rate-limit")) else {
            continue; // reported by the coverage test
        };
        let Some((requests, window)) = parse_rate_limit(&row.rate_limit) else {
            continue; // "not stated"
        };
        checked += 1;
        let got = (
            rl.get("requests").and_then(Value::as_u64),
            rl.get("window_seconds").and_then(Value::as_u64),
        );
        if got != (Some(requests), Some(window)) {
            wrong.push(format!(
                "{}: {} says `{}`, the spec {got:?}",
                row.location(),
                row.path,
                row.rate_limit
            ));
        }
    }
    println!("extra endpoint rate limits: {checked} rows checked");
    assert!(checked >= 40, "only {checked} rows could be checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn extra_endpoints_that_share_a_limit_share_a_bucket() {
    let spec = generator::check(&spec_dir()).unwrap_or_else(|d| panic!("{d}"));
    let doc = &spec.document;
    let bucket = |op: &Value| {
        op.pointer("/x-braze-rate-limit/bucket")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut pairs = 0;
    let mut wrong = Vec::new();
    for row in extra_endpoint_rows() {
        let Some((_, shared)) = row.rate_limit.split_once("shared with") else {
            continue;
        };
        let Some(own) = covering(doc, &row).map(bucket) else {
            continue;
        };
        for other in shared.split([',', ' ']).filter(|w| w.starts_with('/')) {
            let item = doc.pointer(&format!("/paths/{}", other.replace('/', "~1")));
            for (_, op) in item.and_then(Value::as_object).into_iter().flatten() {
                pairs += 1;
                if bucket(op) != own {
                    wrong.push(format!(
                        "{} ({}): bucket `{own}`, but it shares its limit with {other} (`{}`)",
                        row.location(),
                        row.path,
                        bucket(op)
                    ));
                }
            }
        }
    }
    println!("extra endpoint shared limits: {pairs} pairs checked");
    assert!(pairs >= 8, "only {pairs} shared-limit pairs found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
