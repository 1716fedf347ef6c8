//! Examples the published document keeps in files of their own
//! (`spec/dist/examples/`), referenced from the media type's `examples`.
//!
//! Linters read every object with `"type": "array"` as a schema that must
//! have `items`: Spectral's default ruleset (`spectral:oas`, rule
//! `array-items`) walks the whole document *as written* (`resolved: false`,
//! JSONPath `$..[?(@ && @.type=="array")]`), examples included. A catalog
//! example that declares a field `{"name": "Services", "type": "array"}` (the
//! field definitions of `POST /catalogs`) is data, not a schema, but is
//! flagged as an error. Such an example moves, unchanged, into an Example
//! Object file that the media type references (`examples: {default: {$ref:
//! examples/<operationId>.<request|response-NNN>.json}}`): a rule that reads
//! the document as written does not follow references, while every tool
//! that resolves them (Spectral's own `oas3-valid-media-example`, Redocly,
//! Prism, openapi-spec-validator, the generators) still sees and checks the
//! value. The spec sources keep the example inline; only the published form
//! moves it. braze-mock embeds the files and puts them back inline
//! (`braze_mock::spec::inline_external_examples`) for itself and for the
//! tests that read the published document.

use serde_json::{Map, Value, json};

use crate::walk::operations_mut;

/// The directory of the moved examples, relative to the published document.
pub const DIR: &str = "examples";

/// One example moved out: its path relative to the published document
/// (`examples/...json`) and its Example Object (`summary`, `description`,
/// `value`).
#[derive(Clone, Debug, PartialEq)]
pub struct External {
    pub path: String,
    pub example: Value,
}

/// Whether `value` holds, anywhere, an object that a schema linter would
/// read as an array schema without `items`.
pub fn looks_like_itemless_array_schema(value: &Value) -> bool {
    match value {
        Value::Object(m) => {
            (m.get("type") == Some(&Value::String("array".into())) && !m.contains_key("items"))
                || m.values().any(looks_like_itemless_array_schema)
        }
        Value::Array(items) => items.iter().any(looks_like_itemless_array_schema),
        _ => false,
    }
}

/// Moves every operation example that [`looks_like_itemless_array_schema`]
/// out of `doc` (request bodies and responses of `paths`), and returns the
/// files to write beside the document.
pub fn move_out(doc: &mut Value) -> Vec<External> {
    let mut out = Vec::new();
    for op in operations_mut(doc) {
        let id = op.id().to_string();
        let op = op.operation;
        if let Some(content) = op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
        {
            move_media(content, &format!("{id}.request"), "request", &mut out);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (status, response) in responses.iter_mut() {
                if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
                    move_media(
                        content,
                        &format!("{id}.response-{status}"),
                        &format!("{status} response"),
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

fn move_media(content: &mut Map<String, Value>, stem: &str, what: &str, out: &mut Vec<External>) {
    let several = content.len() > 1;
    for (media, m) in content.iter_mut() {
        let Some(m) = m.as_object_mut() else { continue };
        if !m
            .get("example")
            .is_some_and(looks_like_itemless_array_schema)
        {
            continue;
        }
        let Some(value) = m.remove("example") else {
            continue;
        };
        let name = if several {
            format!("{stem}.{}", media.replace(['/', '+'], "-"))
        } else {
            stem.to_string()
        };
        let path = format!("{DIR}/{name}.json");
        out.push(External {
            path: path.clone(),
            example: json!({
                "summary": format!("The {what} example"),
                "description": "Kept in a file of its own because it holds an object \
                    with `\"type\": \"array\"` that is data, not a schema (a catalog field \
                    definition): linters that read the document as written would take it \
                    for an array schema without `items`. The value is unchanged.",
                "value": value,
            }),
        });
        m.insert("examples".into(), json!({"default": {"$ref": path}}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogs() -> Value {
        let field = json!({"catalogs": [{"fields": [{"name": "id", "type": "string"},
            {"name": "Services", "type": "array"}]}]});
        json!({"paths": {"/catalogs": {"post": {
            "operationId": "catalogs_create",
            "requestBody": {"content": {"application/json": {
                "schema": {"type": "object"}, "example": field.clone()}}},
            "responses": {
                "201": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "object"}, "example": field}}},
                "400": {"description": "bad", "content": {"application/json": {
                    "example": {"message": "x"}}}}
            }
        }}}})
    }

    #[test]
    fn only_examples_with_an_itemless_array_object_move_and_come_back_unchanged() {
        let original = catalogs();
        let mut doc = original.clone();
        let files = move_out(&mut doc);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "examples/catalogs_create.request.json",
                "examples/catalogs_create.response-201.json"
            ]
        );
        let op = &doc["paths"]["/catalogs"]["post"];
        let media = &op["requestBody"]["content"]["application/json"];
        assert!(media.get("example").is_none());
        assert_eq!(
            media["examples"],
            json!({"default": {"$ref": "examples/catalogs_create.request.json"}})
        );
        // The 400 example has no such object: it stays.
        assert_eq!(
            op["responses"]["400"]["content"]["application/json"]["example"],
            json!({"message": "x"})
        );
        assert!(!looks_like_itemless_array_schema(&doc));
        // Each file holds the original value, unchanged (braze-mock's
        // `inline_external_examples` puts it back for the tests).
        let original_op = &original["paths"]["/catalogs"]["post"];
        assert_eq!(
            files[0].example["value"],
            original_op["requestBody"]["content"]["application/json"]["example"]
        );
        assert_eq!(
            files[1].example["value"],
            original_op["responses"]["201"]["content"]["application/json"]["example"]
        );
    }

    #[test]
    fn a_real_array_schema_is_not_data() {
        assert!(!looks_like_itemless_array_schema(
            &json!({"type": "array", "items": {"type": "string"}})
        ));
        assert!(looks_like_itemless_array_schema(
            &json!([{"x": {"type": "array"}}])
        ));
    }
}
