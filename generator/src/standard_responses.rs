//! `x-braze-responses: standard`: the responses almost every operation
//! shares, written once.
//!
//! An operation with this key gets, when the fragments are merged, the
//! rate-limit headers (`X-RateLimit-Limit`, `-Remaining`, `-Reset`) on its
//! success response and the six standard error responses (`400`, `401`,
//! `403`, `404`, `429`, `5XX`, each a `$ref` to `#/components/responses/`).
//! The key itself is removed: the merged and published document spells every
//! response out, exactly as if the fragment had (nothing is hidden from other
//! toolchains). An operation that differs (SCIM's errors, a bodiless 204)
//! writes its responses in full instead. The headers and errors are
//! [`crate::conventions`].

use serde_json::{Map, Value, json};

use crate::conventions::{
    RATE_LIMIT_HEADERS, STANDARD_ERRORS as ERRORS, STANDARD_RESPONSES_KEY as KEY,
};
use crate::diagnostics::escape_token;
use crate::walk::{OperationMut, operations_mut};

/// Expands every `x-braze-responses: standard` of `document` in place.
/// Problems are returned as (pointer, message) for the caller to locate.
pub fn expand(document: &mut Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for OperationMut {
        path,
        method,
        operation,
    } in operations_mut(document)
    {
        let Some(op) = operation.as_object_mut() else {
            continue;
        };
        let Some(marker) = op.remove(KEY) else {
            continue;
        };
        let at = format!("/paths/{}/{method}/{KEY}", escape_token(path));
        if marker != json!("standard") {
            problems.push((at, "the only value is `standard`".into()));
            continue;
        }
        if let Err(message) = expand_operation(op) {
            problems.push((at, message));
        }
    }
    problems
}

fn expand_operation(op: &mut Map<String, Value>) -> Result<(), String> {
    let Some(Value::Object(responses)) = op.get_mut("responses") else {
        return Err("the operation has no `responses` to complete".into());
    };
    let success: Vec<String> = responses
        .keys()
        .filter(|k| k.starts_with('2'))
        .cloned()
        .collect();
    let [code] = success.as_slice() else {
        return Err("`standard` needs exactly one success response".into());
    };
    for (status, _) in ERRORS {
        if responses.contains_key(status) {
            return Err(format!(
                "`standard` adds the {status} response, which the operation already declares: write all responses out instead"
            ));
        }
    }
    let Some(Value::Object(ok)) = responses.get_mut(code) else {
        return Err(format!("response {code} is not a mapping"));
    };
    if ok.contains_key("headers") {
        return Err(format!(
            "`standard` adds the rate-limit headers to {code}, which already declares headers"
        ));
    }
    // The headers go right after the description, where fragments write them.
    let old = std::mem::take(ok);
    for (k, v) in old {
        let after_description = k == "description";
        ok.insert(k, v);
        if after_description {
            ok.insert("headers".into(), rate_limit_headers());
        }
    }
    if !ok.contains_key("headers") {
        ok.insert("headers".into(), rate_limit_headers());
    }
    for (status, name) in ERRORS {
        responses.insert(
            status.into(),
            json!({ "$ref": format!("#/components/responses/{name}") }),
        );
    }
    Ok(())
}

fn rate_limit_headers() -> Value {
    let mut headers = Map::new();
    for h in RATE_LIMIT_HEADERS {
        headers.insert(
            h.into(),
            json!({ "$ref": format!("#/components/headers/{h}") }),
        );
    }
    Value::Object(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_spells_out_the_headers_and_the_six_errors() {
        let mut doc = json!({"paths": {"/a": {"post": {
            "operationId": "a",
            "x-braze-responses": "standard",
            "responses": {"201": {"description": "ok", "content": {}}}
        }}}});
        assert!(expand(&mut doc).is_empty());
        let op = &doc["paths"]["/a"]["post"];
        assert!(op.get(KEY).is_none());
        let responses = op["responses"].as_object().unwrap();
        let codes: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(codes, ["201", "400", "401", "403", "404", "429", "5XX"]);
        let ok: Vec<&str> = responses["201"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(ok, ["description", "headers", "content"]);
        assert_eq!(
            responses["429"]["$ref"],
            "#/components/responses/TooManyRequests"
        );
    }

    #[test]
    fn a_conflict_or_a_wrong_value_is_located() {
        let mut doc = json!({"paths": {"/a": {
            "post": {"x-braze-responses": "standard", "responses": {"200": {"description": "ok"}, "404": {}}},
            "get": {"x-braze-responses": "all", "responses": {}}
        }}});
        let problems = expand(&mut doc);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|(at, m)| at == "/paths/~1a/post/x-braze-responses" && m.contains("404"))
        );
        assert!(problems.iter().any(|(at, m)| at == "/paths/~1a/get/x-braze-responses" && m.contains("`standard`")));
    }
}
