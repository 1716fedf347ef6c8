//! What `cargo xtask drift` reads from one Braze endpoint page: its method
//! and path, the rows of its parameter tables, the top-level keys of its
//! request examples, its rate limit and the success status it names.
//!
//! Braze's pages are Markdown with Liquid tags, written by hand: every
//! reader here is lenient (an example that is not JSON still gives its
//! top-level keys, a rate limit worded in an unknown way gives `None`) and
//! nothing here fails on odd input.

use std::collections::BTreeSet;

/// One row of a parameter table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableField {
    /// As the page spells it, without backticks: `attributes`,
    /// `messages.apple_push`, `items[].name`.
    pub name: String,
    /// The `Required` column, lower case (`required`, `optional`,
    /// `conditional`, ...); empty when the table has no such column.
    pub required: String,
    /// The `Data Type` column, lower case; empty when absent.
    pub data_type: String,
    /// Which table: `path`, `query` or `request` (body or query, by the
    /// operation: GET pages call their query parameters "request
    /// parameters").
    pub table: &'static str,
}

/// What a page documents.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// Lower case: `post`.
    pub method: String,
    /// As written in the page's `apimethod` block.
    pub path: String,
    pub fields: Vec<TableField>,
    /// Top-level keys of the request examples (curl `--data-raw` bodies
    /// and JSON blocks in the request sections).
    pub example_keys: BTreeSet<String>,
    /// The text of the `## Rate limit` section, with a
    /// `multi_lang_include rate_limits.md` resolved.
    pub rate_limit_text: String,
    /// 2xx statuses the page names for a successful call.
    pub success_statuses: BTreeSet<u16>,
}

/// Reads an endpoint page; `None` when the page has no `apimethod` block
/// (a landing or object page). `rate_limits` is `_includes/rate_limits.md`.
pub fn parse(markdown: &str, rate_limits: &str) -> Option<Page> {
    let (method, path) = method_and_path(markdown)?;
    let mut page = Page {
        method,
        path,
        ..Page::default()
    };
    page.fields = tables(markdown);
    page.example_keys = example_keys(markdown);
    page.rate_limit_text = rate_limit_text(markdown, rate_limits);
    page.success_statuses = success_statuses(markdown);
    Some(page)
}

/// `{% apimethod post ... %}` then the path on the next non-empty line.
fn method_and_path(markdown: &str) -> Option<(String, String)> {
    let start = markdown.find("{% apimethod")?;
    let rest = &markdown[start + "{% apimethod".len()..];
    let method = rest.split_whitespace().next()?.to_ascii_lowercase();
    let close = rest.find("%}")?;
    let path = rest[close + 2..]
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())?;
    if path.is_empty() || path.contains(char::is_whitespace) || path.starts_with('{') {
        return None;
    }
    // One page writes its path without the leading slash.
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Some((method, path))
}

/// The cells of a Markdown table row.
fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

/// A field name as a table cell writes it: the first backticked word, or
/// the cell itself when it has no backticks.
fn field_name(cell: &str) -> Option<String> {
    let name = match cell.split('`').nth(1) {
        Some(inner) => inner.trim(),
        None => cell.trim(),
    };
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.[]-".contains(c));
    ok.then(|| name.to_string())
}

/// The rows of the path, query and request parameter tables.
fn tables(markdown: &str) -> Vec<TableField> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_ascii_lowercase();
        }
        let is_table_start = line.starts_with('|')
            && lines
                .get(i + 1)
                .is_some_and(|n| n.trim_start().starts_with('|') && n.contains("--"));
        if !is_table_start {
            i += 1;
            continue;
        }
        let header: Vec<String> = cells(line).iter().map(|c| c.to_ascii_lowercase()).collect();
        let table = if heading.contains("path param") {
            Some("path")
        } else if heading.contains("query param") {
            Some("query")
        } else if heading.contains("request param")
            || heading.contains("request body")
            || heading.contains("body param")
        {
            Some("request")
        } else {
            None
        };
        let first_is_name = header
            .first()
            .is_some_and(|h| h.contains("parameter") || h == "key" || h == "field");
        let col = |name: &str| header.iter().position(|h| h.contains(name));
        let (req_col, type_col) = (col("required"), col("type"));
        i += 2;
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            if let (Some(table), true) = (table, first_is_name) {
                let row = cells(lines[i]);
                if let Some(name) = row.first().and_then(|c| field_name(c)) {
                    let get = |c: Option<usize>| {
                        c.and_then(|c| row.get(c))
                            .map(|s| s.replace('`', "").to_ascii_lowercase())
                            .unwrap_or_default()
                    };
                    out.push(TableField {
                        name,
                        required: get(req_col),
                        data_type: get(type_col),
                        table,
                    });
                }
            }
            i += 1;
        }
    }
    out
}

/// Top-level keys of every request example: the JSON of `--data-raw` /
/// `-d` in curl blocks, and JSON blocks under a request heading (before the
/// response section).
fn example_keys(markdown: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut in_response = false;
    let mut heading = String::new();
    let mut block: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        let t = line.trim_start();
        if t.starts_with("```") {
            match block.take() {
                None => block = Some(Vec::new()),
                Some(lines) => {
                    let text = lines.join("\n");
                    if text.contains("curl ") {
                        if let Some(i) = text.find("--data-raw").or_else(|| text.find(" -d ")) {
                            keys.extend(top_level_keys(&text[i..]));
                        }
                    } else if !in_response
                        && (heading.contains("request") || heading.contains("body"))
                        && !heading.contains("response")
                    {
                        keys.extend(top_level_keys(&text));
                    }
                }
            }
            continue;
        }
        if let Some(lines) = block.as_mut() {
            lines.push(line);
            continue;
        }
        if t.starts_with('#') {
            heading = t.trim_start_matches('#').trim().to_ascii_lowercase();
            if heading.contains("response") || heading.contains("error") {
                in_response = true;
            } else if t.starts_with("## ") {
                in_response = false;
            }
        }
    }
    keys
}

/// The keys at depth 1 of the first JSON object in `text`. Works on
/// examples that are not valid JSON (placeholders, comments, trailing
/// commas): it only tracks strings and brackets.
pub fn top_level_keys(text: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let Some(start) = text.find('{') else {
        return keys;
    };
    let chars: Vec<char> = text[start..].chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            '"' => {
                let mut j = i + 1;
                let mut s = String::new();
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    if let Some(c) = chars.get(j) {
                        s.push(*c);
                    }
                    j += 1;
                }
                // A key is a string at depth 1 followed by `:`.
                let mut k = j + 1;
                while k < chars.len() && chars[k].is_whitespace() {
                    k += 1;
                }
                if depth == 1 && chars.get(k) == Some(&':') && !s.is_empty() {
                    keys.insert(s);
                }
                i = j;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

/// The `## Rate limit` section's text, with the rate-limit include
/// resolved to its branch for the page's `endpoint='...'`.
fn rate_limit_text(markdown: &str, rate_limits: &str) -> String {
    let Some(start) = markdown.find("## Rate limit") else {
        return String::new();
    };
    let rest = &markdown[start + "## Rate limit".len()..];
    let section = rest[..rest.find("\n#").unwrap_or(rest.len())].trim();
    let marker = "rate_limits.md endpoint='";
    match section.find(marker) {
        Some(i) => {
            let name = &section[i + marker.len()..];
            let name = &name[..name.find('\'').unwrap_or(name.len())];
            include_branch(rate_limits, name).unwrap_or_default()
        }
        None => section.to_string(),
    }
}

/// The text of `{% if/elsif include.endpoint == "name" %}` up to the next
/// Liquid tag of that chain.
fn include_branch(rate_limits: &str, name: &str) -> Option<String> {
    let needle = format!("include.endpoint == \"{name}\"");
    let at = rate_limits.find(&needle)?;
    let body = &rate_limits[at..];
    let body = &body[body.find("%}")? + 2..];
    let end = ["{% elsif", "{% else", "{% endif", "{% if"]
        .iter()
        .filter_map(|t| body.find(t))
        .min()
        .unwrap_or(body.len());
    Some(body[..end].trim().to_string())
}

/// The first limit stated in a rate-limit text as (requests, window in
/// seconds): "250,000 requests per hour", "3,000 requests per three
/// seconds", "100 API calls per minute", "50 requests per minute".
pub fn parse_limit(text: &str) -> Option<(u64, u64)> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != ',')
                .trim_end_matches(',')
                .to_ascii_lowercase()
        })
        .collect();
    let number = |w: &str| -> Option<u64> {
        match w {
            "one" | "a" | "an" => Some(1),
            "two" => Some(2),
            "three" => Some(3),
            "five" => Some(5),
            "ten" => Some(10),
            _ => w.replace(',', "").parse().ok(),
        }
    };
    let unit = |w: &str| match w {
        "second" | "seconds" | "sec" => Some(1),
        "minute" | "minutes" | "min" => Some(60),
        "hour" | "hours" => Some(3600),
        "day" | "days" => Some(86_400),
        _ => None,
    };
    for i in 0..words.len() {
        let Some(n) = words[i].replace(',', "").parse::<u64>().ok() else {
            continue;
        };
        // N requests per [K] unit | N API calls per unit
        let mut j = i + 1;
        if words.get(j).map(String::as_str) == Some("api") {
            j += 1;
        }
        let noun = words.get(j).map(String::as_str);
        if !matches!(noun, Some("requests" | "request" | "calls" | "call")) {
            continue;
        }
        if words.get(j + 1).map(String::as_str) != Some("per") {
            continue;
        }
        let a = words.get(j + 2).map(String::as_str).unwrap_or_default();
        if let Some(s) = unit(a) {
            return Some((n, s));
        }
        let b = words.get(j + 3).map(String::as_str).unwrap_or_default();
        if let (Some(k), Some(s)) = (number(a), unit(b)) {
            return Some((n, k * s));
        }
    }
    None
}

/// 2xx statuses named as the result of a successful call.
fn success_statuses(markdown: &str) -> BTreeSet<u16> {
    let mut out = BTreeSet::new();
    let text = markdown.replace('`', "");
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(code) = w.trim_matches(|c: char| !c.is_ascii_digit()).parse::<u16>() else {
            continue;
        };
        if !(200..300).contains(&code)
            || w.trim_matches(|c: char| !c.is_ascii_alphanumeric()).len() != 3
        {
            continue;
        }
        let before = |k: usize| i.checked_sub(k).and_then(|j| words.get(j)).copied();
        let status_code_before = before(2) == Some("status") && before(1) == Some("code");
        let status_code_after = words.get(i + 1) == Some(&"status")
            && words.get(i + 2).is_some_and(|w| w.starts_with("code"));
        let http = before(1).is_some_and(|w| w.starts_with("HTTP/"));
        if status_code_before || status_code_after || http {
            out.insert(code);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "---\ntitle: x\n---\n{% api %}\n# Thing\n{% apimethod post core %}\n/things/{id}\n{% endapimethod %}\n\n## Rate limit\n\n{% multi_lang_include rate_limits.md endpoint='things' %}\n\n## Path parameters\n\n| Parameter | Required | Data Type | Description |\n|---|---|---|---|\n| `id` | Required | String | The id |\n\n## Request parameters\n\n| Parameter | Required | Data Type | Description |\n| --- | --- | --- | --- |\n| `name` | Required | String | A name |\n| `tags` | Optional | Array of strings | Tags |\n\n## Example request\n\n```\ncurl -X POST 'https://x/things/1' \\\n--data-raw '{\n  \"name\": \"a\", // a comment\n  \"nested\": {\"inner\": 1},\n  \"tags\": [\"x\",],\n}'\n```\n\n## Response\n\n```json\n{\"not_a_request_key\": 1}\n```\n\nThe status code `201` could return the following response body.\n{% endapi %}\n";
    const LIMITS: &str = "{% if include.endpoint == \"default\" %}\n250,000 requests per hour\n{% elsif include.endpoint == \"things\" %}\nWe allow 3,000 requests per three seconds.\n{% endif %}\n";

    #[test]
    fn reads_method_path_tables_examples_limit_and_status() {
        let p = parse(PAGE, LIMITS).expect("an endpoint page");
        assert_eq!(
            (p.method.as_str(), p.path.as_str()),
            ("post", "/things/{id}")
        );
        let names: Vec<_> = p
            .fields
            .iter()
            .map(|f| (f.table, f.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [("path", "id"), ("request", "name"), ("request", "tags")]
        );
        assert_eq!(p.fields[2].data_type, "array of strings");
        assert_eq!(p.fields[1].required, "required");
        let keys: Vec<_> = p.example_keys.iter().map(String::as_str).collect();
        assert_eq!(keys, ["name", "nested", "tags"]);
        assert_eq!(parse_limit(&p.rate_limit_text), Some((3_000, 3)));
        assert_eq!(
            p.success_statuses.iter().copied().collect::<Vec<_>>(),
            [201]
        );
    }

    #[test]
    fn pages_without_a_method_are_not_endpoint_pages() {
        assert!(parse("---\nnav_title: Types\n---\n", "").is_none());
    }

    #[test]
    fn limits_in_several_wordings() {
        assert_eq!(
            parse_limit("a limit of 250,000 requests per hour, as"),
            Some((250_000, 3600))
        );
        assert_eq!(
            parse_limit("This endpoint is limited to 100 API calls per minute."),
            Some((100, 60))
        );
        assert_eq!(parse_limit("50 requests per minute"), Some((50, 60)));
        assert_eq!(
            parse_limit("5000 requests per day, per company"),
            Some((5000, 86_400))
        );
        assert_eq!(parse_limit("no limit at all"), None);
    }

    #[test]
    fn keys_of_broken_json_examples() {
        let k = top_level_keys(
            "{\n \"attributes\": (optional, array of attributes object),\n \"events\": [ {\"x\": 1} ],\n}",
        );
        assert_eq!(k.into_iter().collect::<Vec<_>>(), ["attributes", "events"]);
    }
}
