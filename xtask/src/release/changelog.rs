//! The CHANGELOG.md section of a release, from the comparison of the
//! released document with the previous release's: breaking changes first,
//! each with the reason it was acknowledged, then the operations added, the
//! fields and parameters added or removed per operation, and the operations
//! removed.

use std::collections::{BTreeMap, BTreeSet};

use braze_openapi_generator::breaking;
use serde_json::Value;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// The reason of each acknowledged break: the comment paragraph above its
/// line in `tools/breaking-acknowledged.txt` (or the ` # ...` after it).
pub fn reasons(ack_text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut comment: Vec<String> = Vec::new();
    let mut last_was_comment = false;
    for line in ack_text.lines() {
        let t = line.trim();
        if t.is_empty() {
            last_was_comment = false;
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            if !last_was_comment {
                comment.clear();
            }
            comment.push(c.trim().to_string());
            last_was_comment = true;
            continue;
        }
        last_was_comment = false;
        let (entry, own) = match t.split_once(" # ") {
            Some((a, r)) => (a.trim(), Some(r.trim().to_string())),
            None => (t, None),
        };
        let entry = entry.strip_prefix("- ").unwrap_or(entry).to_string();
        let reason = own.unwrap_or_else(|| comment.join(" "));
        out.insert(entry, reason);
    }
    out
}

struct Op<'a> {
    id: String,
    tag: String,
    summary: String,
    op: &'a Value,
    item: &'a Value,
}

fn operations(doc: &Value) -> BTreeMap<String, Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.insert(
                    format!("{} {path}", m.to_uppercase()),
                    Op {
                        id: op["operationId"].as_str().unwrap_or("?").to_string(),
                        tag: op["tags"][0].as_str().unwrap_or("(untagged)").to_string(),
                        summary: op["summary"].as_str().unwrap_or_default().to_string(),
                        op,
                        item,
                    },
                );
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(t) => v = t,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

/// Dotted paths of every property under `schema` (arrays as `[]`),
/// following `$ref`s, `allOf`, `oneOf`, `anyOf`; a reference met again on
/// the same branch is not expanded twice (recursive filters end).
fn fields(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    seen: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    if seen.len() > 8 {
        return;
    }
    let r = schema.get("$ref").and_then(Value::as_str).map(String::from);
    if let Some(r) = &r {
        if seen.contains(r) {
            return;
        }
        seen.push(r.clone());
    }
    let s = resolve(doc, schema);
    for (k, v) in s["properties"].as_object().into_iter().flatten() {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        out.insert(path.clone());
        fields(doc, v, &path, seen, out);
    }
    if s["type"] == "array" {
        fields(doc, &s["items"], &format!("{prefix}[]"), seen, out);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for sub in s[key].as_array().into_iter().flatten() {
            fields(doc, sub, prefix, seen, out);
        }
    }
    if r.is_some() {
        seen.pop();
    }
}

/// `request field x`, `response field y`, `query parameter z` of an operation.
fn surface(doc: &Value, o: &Op<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for list in [&o.item["parameters"], &o.op["parameters"]] {
        for p in list.as_array().into_iter().flatten() {
            let p = resolve(doc, p);
            out.insert(format!(
                "{} parameter `{}`",
                p["in"].as_str().unwrap_or("?"),
                p["name"].as_str().unwrap_or("?")
            ));
        }
    }
    if let Some(schema) =
        o.op.get("requestBody")
            .map(|b| resolve(doc, b))
            .and_then(|b| b.pointer("/content/application~1json/schema"))
    {
        let mut f = BTreeSet::new();
        fields(doc, schema, "", &mut Vec::new(), &mut f);
        out.extend(f.into_iter().map(|f| format!("request field `{f}`")));
    }
    for (code, resp) in o.op["responses"].as_object().into_iter().flatten() {
        if !code.starts_with('2') {
            continue;
        }
        if let Some(schema) = resolve(doc, resp).pointer("/content/application~1json/schema") {
            let mut f = BTreeSet::new();
            fields(doc, schema, "", &mut Vec::new(), &mut f);
            out.extend(f.into_iter().map(|f| format!("response field `{f}`")));
        }
    }
    out
}

/// The changelog section of `version` (released on `date`, from Braze's docs
/// as of `snapshot`), against `previous` (`None` for a first release).
pub fn section(
    version: &str,
    date: &str,
    snapshot: &str,
    previous: Option<(&str, &Value)>,
    new: &Value,
    ack_text: &str,
) -> String {
    let mut s = format!("## {version} - {date}\n\n");
    s.push_str(&format!(
        "Braze docs snapshot: {snapshot} (the pages in `reference/`, commits in `reference/sources.tsv` and `reference/extra-sources.tsv`). \
         The released document is `releases/{version}/braze.json`.\n\n\
         Packages at {version}: the crates `braze-sdk` and `braze-sdk-types`, the npm package `braze-openapi` \
         (JSON, YAML, TypeScript types); assets: the spec, the Python client's wheel, the reference HTML.\n\n"
    ));
    let new_ops = operations(new);
    let Some((prev_version, old)) = previous else {
        s.push_str(&format!(
            "First release: {} operations. Compared with: nothing (no earlier release).\n\n### Added\n\n",
            new_ops.len()
        ));
        let mut by_tag: BTreeMap<&str, Vec<&Op<'_>>> = BTreeMap::new();
        for o in new_ops.values() {
            by_tag.entry(o.tag.as_str()).or_default().push(o);
        }
        for (tag, ops) in by_tag {
            let mut ids: Vec<String> = ops.iter().map(|o| format!("`{}`", o.id)).collect();
            ids.sort();
            let early = ops
                .iter()
                .filter(|o| o.op.get("x-braze-availability").is_some())
                .count();
            let note = if early > 0 {
                format!(", {early} beta or early access")
            } else {
                String::new()
            };
            s.push_str(&format!(
                "- **{tag}** ({}{note}): {}\n",
                ops.len(),
                ids.join(", ")
            ));
        }
        s.push('\n');
        return s;
    };
    s.push_str(&format!(
        "Compared with: {prev_version} (`releases/{prev_version}/braze.json`).\n\n"
    ));
    let old_ops = operations(old);
    let breaks = breaking::compare(old, new);
    let major_bump = matches!(
        (breaking::major_version(old), breaking::major_version(new)),
        (Some(o), Some(n)) if n > o
    );
    let reasons = reasons(ack_text);
    let break_lines: BTreeSet<String> = breaks.iter().map(ToString::to_string).collect();
    s.push_str("### Breaking\n\n");
    if breaks.is_empty() {
        s.push_str("None.\n");
    }
    for b in &breaks {
        let line = b.to_string();
        let why = match reasons.get(&line) {
            Some(r) if !r.is_empty() => r.clone(),
            _ if major_bump => "major version bump".to_string(),
            _ => "NOT ACKNOWLEDGED".to_string(),
        };
        s.push_str(&format!("- {line} — {why}\n"));
    }
    // Widenings: nothing breaks on the wire, but generated clients' types
    // change; each with the reason `cargo xtask breaking` finds for it.
    let verdict = crate::breaking::judge(&breaking::report(old, new), ack_text, major_bump);
    if !verdict.widenings.is_empty() {
        s.push_str("\n### Widened\n\n");
        for (line, mark) in &verdict.widenings {
            let why = match mark {
                crate::breaking::Mark::Intended { reason, .. } => reason.as_str(),
                _ => "NO REASON RECORDED",
            };
            s.push_str(&format!("- {line} — {why}\n"));
        }
    }
    s.push_str("\n### Added\n\n");
    let added: Vec<_> = new_ops
        .iter()
        .filter(|(k, _)| !old_ops.contains_key(*k))
        .collect();
    if added.is_empty() {
        s.push_str("No operation.\n");
    }
    for (key, o) in &added {
        s.push_str(&format!(
            "- `{key}` (`{}`, {}): {}\n",
            o.id, o.tag, o.summary
        ));
    }
    s.push_str("\n### Changed\n\n");
    let mut changed = 0;
    for (key, o) in &new_ops {
        let Some(old_o) = old_ops.get(key) else {
            continue;
        };
        let (a, b) = (surface(old, old_o), surface(new, o));
        let plus: Vec<String> = b.difference(&a).map(|f| format!("{f} added")).collect();
        let minus: Vec<String> = a
            .difference(&b)
            .map(|f| format!("{f} removed"))
            .filter(|_| true)
            .collect();
        if plus.is_empty() && minus.is_empty() {
            continue;
        }
        changed += 1;
        let mut items = plus;
        items.extend(minus);
        s.push_str(&format!("- `{key}` (`{}`): {}\n", o.id, items.join("; ")));
    }
    if changed == 0 {
        s.push_str("No field or parameter added or removed.\n");
    }
    s.push_str("\n### Removed\n\n");
    let removed: Vec<_> = old_ops
        .iter()
        .filter(|(k, _)| !new_ops.contains_key(*k))
        .collect();
    if removed.is_empty() {
        s.push_str("No operation.\n");
    }
    for (key, o) in removed {
        let flag = if break_lines.iter().any(|l| l.contains(key.as_str())) {
            " (see Breaking)"
        } else {
            ""
        };
        s.push_str(&format!("- `{key}` (`{}`){flag}\n", o.id));
    }
    s.push('\n');
    s
}

/// CHANGELOG.md with `section` inserted above the newest release.
pub fn insert(changelog: &str, section: &str) -> String {
    const HEAD: &str = "# Changelog\n\nEvery release of the Braze OpenAPI description (`spec/`) and of the \
braze-sdk crates, newest first. How versions are chosen: `spec/README.md`, \
\"Versions and releases\". Written by `cargo xtask release`.\n\n";
    if changelog.trim().is_empty() {
        return format!("{HEAD}{section}");
    }
    match changelog.find("\n## ") {
        Some(i) => format!("{}\n{section}{}", &changelog[..i + 1], &changelog[i + 1..]),
        None => format!("{}\n\n{section}", changelog.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(version: &str, extra_op: bool, field: &str) -> Value {
        let mut paths = json!({
            "/a": {"post": {
                "operationId": "a_post", "tags": ["A"], "summary": "Post an a",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
                "responses": {"200": {"description": "ok"}}
            }}
        });
        if extra_op {
            paths["/b"] = json!({"get": {"operationId": "b_get", "tags": ["B"], "summary": "Get a b",
                "responses": {"200": {"description": "ok"}}}});
        }
        json!({
            "info": {"version": version},
            "paths": paths,
            "components": {"schemas": {"A": {"type": "object", "properties": {field: {"type": "string"}}}}}
        })
    }

    #[test]
    fn a_first_release_lists_its_operations_by_tag() {
        let s = section(
            "1.0.0",
            "2026-12-06",
            "2026-12-06",
            None,
            &doc("1.0.0", true, "x"),
            "",
        );
        assert!(s.starts_with("## 1.0.0 - 2026-12-06\n\nBraze docs snapshot: 2026-12-06"));
        assert!(s.contains("First release: 2 operations."));
        assert!(
            s.contains("- **A** (1): `a_post`\n- **B** (1): `b_get`\n"),
            "{s}"
        );
    }

    #[test]
    fn breaking_changes_come_first_with_their_reasons() {
        let old = doc("1.0.0", true, "x");
        let new = doc("1.1.0", false, "y");
        let ack = "# /b was never served by Braze\nremoved operation: GET /b (b_get)\n";
        let s = section(
            "1.1.0",
            "2027-01-02",
            "2027-01-01",
            Some(("1.0.0", &old)),
            &new,
            ack,
        );
        assert!(
            s.contains(
                "### Breaking\n\n\
                 - removed field: POST /a request body.x — NOT ACKNOWLEDGED\n\
                 - removed operation: GET /b (b_get) — /b was never served by Braze\n\n\
                 ### Added\n\nNo operation.\n"
            ),
            "{s}"
        );
        assert!(
            s.contains(
                "- `POST /a` (`a_post`): request field `y` added; request field `x` removed\n"
            ),
            "{s}"
        );
        assert!(
            s.contains("### Removed\n\n- `GET /b` (`b_get`) (see Breaking)\n"),
            "{s}"
        );
    }

    #[test]
    fn widenings_are_listed_with_their_decision() {
        let old = doc("1.0.0", false, "x");
        let mut new = doc("1.1.0", false, "x");
        new["components"]["schemas"]["A"]["properties"]["x"] = json!({"type": "string",
            "nullable": true, "x-braze-decision": "Integrations send null."});
        let s = section(
            "1.1.0",
            "2027-01-02",
            "2027-01-01",
            Some(("1.0.0", &old)),
            &new,
            "",
        );
        assert!(
            s.contains(
                "### Widened\n\n\
                 - now nullable: POST /a request body.x (a request may send null) — Integrations send null.\n"
            ),
            "{s}"
        );
    }

    #[test]
    fn a_major_bump_marks_unacknowledged_breaks_intended() {
        let old = doc("1.0.0", true, "x");
        let new = doc("2.0.0", false, "x");
        let s = section("2.0.0", "d", "d", Some(("1.0.0", &old)), &new, "");
        assert!(s.contains("— major version bump"), "{s}");
        assert!(!s.contains("NOT ACKNOWLEDGED"));
    }

    #[test]
    fn sections_go_above_older_ones() {
        let first = insert("", "## 1.0.0 - a\n\nfirst\n\n");
        assert!(first.starts_with("# Changelog\n"));
        let second = insert(&first, "## 1.1.0 - b\n\nsecond\n\n");
        assert!(second.find("## 1.1.0").unwrap() < second.find("## 1.0.0").unwrap());
        assert!(second.starts_with("# Changelog\n"));
    }

    #[test]
    fn reasons_come_from_the_comment_above_or_after() {
        let r = reasons("# first\n# paragraph\na: x\nb: y\n\n# second\nc: z  # own\n");
        assert_eq!(r["a: x"], "first paragraph");
        assert_eq!(r["b: y"], "first paragraph");
        assert_eq!(r["c: z"], "own");
    }
}
