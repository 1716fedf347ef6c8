//! A YAML writer for the exported spec that every YAML loader reads the same.
//!
//! serde_yaml writes YAML 1.2, where `2026-11-26`, `Yes` and `on` are plain
//! strings; YAML 1.1 loaders (PyYAML's `safe_load`, which openapi-python-client
//! and many tools use) read the same unquoted scalars as a date and booleans,
//! and so see another document. This writer leaves a string unquoted only when
//! it is plainly a string under both versions, and double-quotes every other
//! one, JSON-style (a JSON string is a valid YAML double-quoted scalar).
//! Multi-line strings become literal blocks.

use serde_json::Value;

/// `value` as a YAML document (no leading `---`), ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, m: &serde_json::Map<String, Value>, level: usize) {
    for (k, v) in m {
        indent(out, level);
        out.push_str(&scalar_string(k));
        out.push(':');
        write_value_after_key(out, v, level);
    }
}

fn write_seq(out: &mut String, a: &[Value], level: usize) {
    for v in a {
        indent(out, level);
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash's line.
                let mut first = true;
                for (k, child) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 2);
                    }
                    out.push_str(&scalar_string(k));
                    out.push(':');
                    write_value_after_key(out, child, level + 2);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 2);
            }
            Value::String(s) if is_block(s) => {
                out.push(' ');
                write_block(out, s, level + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// Writes what follows `key:` (the colon is already written).
fn write_value_after_key(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, level + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, level);
        }
        Value::String(s) if is_block(s) => {
            out.push(' ');
            write_block(out, s, level + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

/// Scalars and empty collections on one line.
fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as a plain scalar when that is unambiguous, else double-quoted.
fn scalar_string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serialises")
    }
}

/// Whether `s` reads as this very string, unquoted, under YAML 1.1 and 1.2,
/// as a key or a value in block context. Deliberately conservative: it starts
/// with a letter, holds only letters, digits and a few punctuation marks, and
/// is none of YAML 1.1's booleans or nulls.
pub fn is_plain_safe(s: &str) -> bool {
    const RESERVED: [&str; 22] = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf", "infinity",
        // Their other spellings are caught by the lower-case comparison;
        // these are YAML 1.1's remaining special plain scalars.
        "~", "<<", "=", ".nan", ".inf", "-.inf", "+.inf", ".na", "-", "",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_ascii_alphabetic() {
        return false;
    }
    if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    if s.ends_with([' ', ':', '.', '-']) {
        return false;
    }
    // `a: b` and `a #b` change meaning; other characters are simply avoided.
    if s.contains(": ") || s.contains(" #") {
        return false;
    }
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " _-./()'+@$=%&*!?".contains(c))
}

/// Multi-line strings of printable text are written as literal blocks.
fn is_block(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && s.chars()
            .all(|c| c == '\n' || (!c.is_control() && c != '\u{feff}'))
        && !s.lines().any(|l| l.ends_with(' '))
}

fn write_block(out: &mut String, s: &str, level: usize) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    out.push('\n');
    let body = s.trim_end_matches('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_a_yaml_1_1_loader_would_retype_are_quoted() {
        for s in [
            "2026-11-26",
            "Yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "null",
            "~",
            "1.5",
            "0x1F",
            "12:30",
            "1_000",
            "true",
            "",
            " lead",
            "trail ",
            "a: b",
            "#c",
            "-",
            "<<",
            "=",
            "@x",
            "*x",
            "!x",
            "%x",
            "|",
            ">",
            "[a]",
            "{a}",
            "a,b",
        ] {
            assert!(!is_plain_safe(s), "{s:?} must be quoted");
        }
        for s in [
            "success",
            "users_track",
            "Bearer token",
            "X-RateLimit-Limit",
            "v2.0",
            "A/B",
        ] {
            assert!(is_plain_safe(s), "{s:?} can stay plain");
        }
    }

    #[test]
    fn the_output_parses_back_to_the_same_value() {
        let v = json!({
            "openapi": "3.0.3",
            "version": "2026.12.1",
            "date": "2026-11-26",
            "answers": ["Yes", "No", true, null, 1.5, -3],
            "200": {"description": "ok\nsecond line\n", "empty": {}, "none": []},
            "nested": [{"a": 1, "b": [1, 2]}, [3, 4], "multi\nline", {}],
            "kept": "trailing\n\n",
            "stripped": "no newline\nat end",
            "unicode": "caf\u{e9} \u{2014} \u{1f600}",
            "control": "tab\there",
        });
        let yaml = to_yaml(&v);
        let back: Value = serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(back, v, "{yaml}");
        assert!(yaml.contains("date: \"2026-11-26\""), "{yaml}");
        assert!(yaml.contains("- \"Yes\""), "{yaml}");
    }
}
