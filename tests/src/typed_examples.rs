//! Pushing a JSON example through a generated Rust type: decode it (with the
//! JSON path of any mismatch) and encode it again.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `example` as `T` and encodes the result back to JSON. The error
/// names the JSON path where decoding failed.
pub type Codec = fn(&Value) -> Result<Value, String>;

/// The codecs of one operation (see `generated::example_codecs`).
pub struct ExampleCodecs {
    pub operation_id: &'static str,
    /// The request body type; `None` when the operation takes no body.
    pub request: Option<Codec>,
    /// The success body type; `None` when the success has no body.
    pub success: Option<Codec>,
    /// The error body type.
    pub error: Codec,
}

/// Decodes `example` into `T`, then encodes it back.
pub fn codec<T: DeserializeOwned + Serialize>(example: &Value) -> Result<Value, String> {
    let decoded: T = serde_path_to_error::deserialize(example)
        .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))?;
    serde_json::to_value(&decoded).map_err(|e| format!("does not encode again: {e}"))
}

/// The response examples of one operation: (`"success"` or `"error"`, the
/// example's pointer, the example), from `example` and `examples` of each
/// response's `application/json`.
pub fn response_examples(
    doc: &Value,
    op: &braze_openapi_generator::walk::OperationRef<'_>,
) -> Vec<(&'static str, String, Value)> {
    let mut out = Vec::new();
    let Some(Value::Object(responses)) = op.operation.get("responses") else {
        return out;
    };
    for (code, response) in responses {
        let Some(media) = braze_openapi_generator::walk::resolve(doc, response)
            .and_then(|r| r.pointer("/content/application~1json"))
        else {
            continue;
        };
        let kind = if code.starts_with('2') {
            "success"
        } else {
            "error"
        };
        let at = format!("{}/responses/{code}/content/application~1json", op.pointer);
        if let Some(e) = media.get("example") {
            out.push((kind, format!("{at}/example"), e.clone()));
        }
        if let Some(Value::Object(examples)) = media.get("examples") {
            for (name, e) in examples {
                if let Some(v) = e.get("value") {
                    out.push((kind, format!("{at}/examples/{name}/value"), v.clone()));
                }
            }
        }
    }
    out
}

/// The first JSON path where `a` and `b` differ, as `/a/0/b`, with both
/// values; `None` when they are equal. Two RFC 3339 date-times that name
/// the same instant are equal: the SDK writes every date-time in UTC
/// (`08:45:00+01:00` is sent as `07:45:00Z`).
pub fn first_difference(a: &Value, b: &Value) -> Option<String> {
    fn walk(a: &Value, b: &Value, at: String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    let at = format!("{at}/{key}");
                    match (x.get(key), y.get(key)) {
                        (Some(p), Some(q)) => {
                            if let Some(d) = walk(p, q, at) {
                                return Some(d);
                            }
                        }
                        (p, q) => return Some(format!("{at}: {p:?} != {q:?}")),
                    }
                }
                None
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| walk(p, q, format!("{at}/{i}"))),
            _ if a == b => None,
            (Value::String(x), Value::String(y)) if same_instant(x, y) => None,
            _ => Some(format!("{at}: {a} != {b}")),
        }
    }
    walk(a, b, String::new())
}

fn same_instant(a: &str, b: &str) -> bool {
    use braze_sdk::chrono::DateTime;
    match (
        DateTime::parse_from_rfc3339(a),
        DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Serialize)]
    struct Item {
        id: u32,
    }

    #[test]
    fn codec_names_the_path_of_a_mismatch() {
        let err = codec::<Vec<Item>>(&json!([{"id": 1}, {"id": "x"}])).unwrap_err();
        assert!(err.contains("at `[1].id`"), "{err}");
        assert_eq!(
            codec::<Vec<Item>>(&json!([{"id": 1}])).unwrap(),
            json!([{"id": 1}])
        );
    }

    #[test]
    fn first_difference_names_the_path() {
        assert_eq!(
            first_difference(&json!({"a": [1, 2]}), &json!({"a": [1, 2]})),
            None
        );
        let d = first_difference(&json!({"a": [1, 2]}), &json!({"a": [1, 3]})).unwrap();
        assert_eq!(d, "/a/1: 2 != 3");
        let d = first_difference(&json!({"a": 1}), &json!({})).unwrap();
        assert!(d.starts_with("/a:"), "{d}");
        let t = |s: &str| json!({"time": s});
        assert_eq!(
            first_difference(&t("2025-11-20T08:45:00+01:00"), &t("2025-11-20T07:45:00Z")),
            None
        );
        assert!(
            first_difference(&t("2025-11-20T08:45:00+01:00"), &t("2025-11-20T08:45:00Z")).is_some()
        );
    }
}
