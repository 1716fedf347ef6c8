//! Pulling JSON examples out of Braze's doc pages and checking them against
//! the spec.
//!
//! Braze's pages are Markdown with Liquid tags; their examples come as
//! `curl ... --data-raw '{...}'` commands and as fenced JSON blocks, often
//! with trailing commas or `//` comments. This module finds them, parses them
//! leniently, classifies them (request, response, error) by the headings
//! above them, and turns the spec's OpenAPI 3.0 schemas into JSON Schema for a
//! validator.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

/// What an example illustrates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Request,
    Response,
    Error,
}

impl Target {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "request" => Some(Target::Request),
            "response" => Some(Target::Response),
            "error" => Some(Target::Error),
            _ => None,
        }
    }
}

/// One example found on a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// 1-based position on the page.
    pub number: usize,
    /// 1-based line of the code block's opening fence.
    pub line: usize,
    /// The nearest heading above it.
    pub heading: String,
    /// What the surrounding headings say it is.
    pub target: Target,
    /// The parsed JSON, or why it could not be parsed.
    pub json: Result<Value, String>,
}

/// Finds every example of a Markdown page.
pub fn extract(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut section = Target::Request;
    let mut block: Option<(usize, Vec<&str>)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            match block.take() {
                None => block = Some((i + 1, Vec::new())),
                Some((start, lines)) => {
                    let text = lines.join("\n");
                    if let Some((target, json)) = example_in_block(&text, section, &heading) {
                        out.push(Example {
                            number: out.len() + 1,
                            line: start,
                            heading: heading.clone(),
                            target,
                            json,
                        });
                    }
                }
            }
            continue;
        }
        if let Some((_, lines)) = block.as_mut() {
            lines.push(line);
            continue;
        }
        if trimmed.starts_with('#') {
            heading = trimmed.trim_start_matches('#').trim().to_string();
            let h = heading.to_ascii_lowercase();
            if h.contains("response") || h.contains("successful") {
                section = Target::Response;
            } else if h.contains("request") || h.contains("body") {
                section = Target::Request;
            }
        }
    }
    out
}

/// The example in one code block, if the block holds one.
fn example_in_block(
    text: &str,
    section: Target,
    heading: &str,
) -> Option<(Target, Result<Value, String>)> {
    if text.contains("curl ") {
        let body = curl_body(text)?;
        return Some((Target::Request, parse_lenient(&body)));
    }
    let mut trimmed = strip_liquid(text);
    // Response examples often start with HTTP headers (`Content-Type: ...`)
    // before the JSON body: skip them.
    let first = trimmed.trim_start();
    if !(first.starts_with('{') || first.starts_with('[')) {
        let headers_then_body = first
            .lines()
            .next()
            .is_some_and(|l| l.contains(": ") && !l.contains('{'));
        let body_start = trimmed.find("\n{").map(|i| i + 1);
        match body_start {
            Some(i) if headers_then_body => trimmed = trimmed[i..].to_string(),
            _ => return None,
        }
    }
    let h = heading.to_ascii_lowercase();
    let target = match section {
        Target::Response if h.contains("error") || h.contains("fatal") || h.contains("fail") => {
            Target::Error
        }
        other => other,
    };
    Some((target, parse_lenient(&trimmed)))
}

/// The data of a `curl` command: the quoted argument of `--data-raw`,
/// `--data` or `-d`.
fn curl_body(text: &str) -> Option<String> {
    let start = ["--data-raw '", "--data '", "-d '", "--data-binary '"]
        .iter()
        .find_map(|flag| text.find(flag).map(|i| i + flag.len()))?;
    let rest = &text[start..];
    let end = rest.rfind('\'')?;
    Some(strip_liquid(&rest[..end]))
}

/// Removes Liquid tags (`{% raw %}`) that pages wrap examples in.
fn strip_liquid(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("{%"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses JSON as Braze's pages write it: `//` comments and trailing commas
/// are removed first (outside strings).
pub fn parse_lenient(text: &str) -> Result<Value, String> {
    let cleaned = remove_trailing_commas(&remove_comments(text));
    serde_json::from_str(&cleaned).map_err(|e| e.to_string())
}

/// For each character of `chars`, whether it belongs to a JSON string
/// (quotes included): the one place that knows about quotes and escapes.
fn in_string_mask(chars: &[char]) -> Vec<bool> {
    let mut mask = Vec::with_capacity(chars.len());
    let (mut in_string, mut escaped) = (false, false);
    for &c in chars {
        if in_string {
            mask.push(true);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else {
            in_string = c == '"';
            mask.push(in_string);
        }
    }
    mask
}

/// Drops `//` comments (up to the end of their line) outside strings.
fn remove_comments(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mask = in_string_mask(&chars);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !mask[i] && chars[i] == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Drops commas outside strings that only whitespace separates from a
/// closing `}` or `]` (or the end).
fn remove_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mask = in_string_mask(&chars);
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if !mask[i] && c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}') | Some(']') | None) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The spec's component schemas converted to JSON Schema, keyed by name:
/// converted once, then shared by every [`json_schema_with`] call.
pub fn converted_components(document: &Value) -> Value {
    let components = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), convert(v)))
                .collect::<Map<_, _>>()
        })
        .unwrap_or_default();
    Value::Object(components)
}

/// `schema` as one JSON Schema (2020-12) document whose `$ref`s resolve
/// inside it, with components from [`converted_components`].
pub fn json_schema_with(components: &Value, schema: &Value) -> Value {
    let mut root = match convert(schema) {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("allOf".into(), json!([other]));
            m
        }
    };
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("components".into(), json!({ "schemas": components }));
    Value::Object(root)
}

/// OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes a `null` alternative;
/// OpenAPI-only keywords are dropped.
fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                match k.as_str() {
                    "nullable" | "example" | "examples" | "discriminator" | "externalDocs"
                    | "xml" | "deprecated" => {}
                    k if k.starts_with("x-") => {}
                    "properties" | "patternProperties" => {
                        let props = v
                            .as_object()
                            .map(|p| {
                                p.iter()
                                    .map(|(n, s)| (n.clone(), convert(s)))
                                    .collect::<Map<_, _>>()
                            })
                            .unwrap_or_default();
                        out.insert(k.to_string(), Value::Object(props));
                    }
                    "items" | "additionalProperties" | "not" => {
                        out.insert(k.to_string(), convert(v));
                    }
                    "allOf" | "anyOf" | "oneOf" => {
                        out.insert(
                            k.to_string(),
                            Value::Array(
                                v.as_array()
                                    .map(|a| a.iter().map(convert).collect())
                                    .unwrap_or_default(),
                            ),
                        );
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            if m.get("nullable").and_then(Value::as_bool) == Some(true) {
                if let Some(Value::Array(values)) = out.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
                json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
            } else {
                Value::Object(out)
            }
        }
        other => other.clone(),
    }
}

/// Compiled validators, one per distinct schema: many examples share one,
/// and the spec's components are converted only once.
pub struct Validators {
    components: Value,
    compiled: HashMap<String, jsonschema::Validator>,
}

impl Validators {
    pub fn new(document: &Value) -> Self {
        Self {
            components: converted_components(document),
            compiled: HashMap::new(),
        }
    }

    /// The validator of `schema` (formats checked), compiled on first use;
    /// `label` names the example in the panic if the schema does not compile.
    pub fn get(&mut self, schema: &Value, label: &str) -> &jsonschema::Validator {
        let components = &self.components;
        self.compiled.entry(schema.to_string()).or_insert_with(|| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(&json_schema_with(components, schema))
                .unwrap_or_else(|e| panic!("{label}: schema does not compile: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_parse_accepts_trailing_commas_and_comments_but_not_placeholders() {
        let v =
            parse_lenient("{\n \"a\": [1, 2,], // two\n \"url\": \"https://x//y\",\n}").unwrap();
        assert_eq!(v, json!({"a": [1, 2], "url": "https://x//y"}));
        assert!(parse_lenient("{\"a\": (required, string)}").is_err());
        // Escaped quotes and `//` or `,}` inside strings are left alone.
        let v = parse_lenient("{\"q\": \"say \\\"hi\\\" // ,}\", // note\n}").unwrap();
        assert_eq!(v, json!({"q": "say \"hi\" // ,}"}));
    }

    #[test]
    fn examples_are_classified_by_heading() {
        let page = "## Request body\n```json\n{\"a\": 1,}\n```\n## Example request\n```\ncurl -X POST 'u' \\\n--data-raw '{\"b\": 2}'\n```\n## Response\n```json\n{\"message\": \"success\"}\n```\n### Fatal error\n```json\n{\"message\": \"bad\"}\n```\n```\nnot json\n```\n";
        let ex = extract(page);
        let targets: Vec<Target> = ex.iter().map(|e| e.target).collect();
        assert_eq!(
            targets,
            [
                Target::Request,
                Target::Request,
                Target::Response,
                Target::Error
            ]
        );
        assert_eq!(ex[1].json, Ok(json!({"b": 2})));
        assert_eq!(ex[3].number, 4);
        let with_headers = extract(
            "## Response\n```\nContent-Type: application/json\n{\"message\": \"ok\"}\n```\n",
        );
        assert_eq!(with_headers[0].json, Ok(json!({"message": "ok"})));
    }

    #[test]
    fn nullable_becomes_a_null_alternative() {
        let doc = json!({"components": {"schemas": {}}});
        let s = json_schema_with(
            &converted_components(&doc),
            &json!({"type": "string", "nullable": true, "x-a": 1}),
        );
        assert_eq!(s["anyOf"][1], json!({"type": "null"}));
        assert!(s["anyOf"][0].get("x-a").is_none());
    }
}
