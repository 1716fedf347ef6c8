//! The `braze` command line's table of commands, read off the spec.
//!
//! Emits [`FILE`] for the `cli` crate: one entry per operation with its
//! command words, method, path, help text (the spec's summary and
//! description), its parameters as typed flags and the top-level scalar
//! fields of its JSON body as flags too. The CLI builds its clap commands
//! from this table at start-up (no per-operation code to compile), and calls
//! the operations through the generated dispatcher ([`crate::dispatch`],
//! target [`crate::dispatch::CLI`]), which checks every input through the
//! SDK's types.
//!
//! The naming scheme (documented in the README's CLI section): an
//! operation's command is its `operationId` split at `_`
//! (`users_track` -> `braze users track`, `catalog_items_list` ->
//! `braze catalog items list`); a flag is its parameter's or field's name in
//! lower case with every run of other characters turned into `-` and
//! camelCase split (`last_edit.time[gt]` -> `--last-edit-time-gt`,
//! `external_id[]` -> `--external-id`, `preferenceCenterExternalID` ->
//! `--preference-center-external-id`). A body field whose flag is taken (by
//! a parameter or one of the CLI's own flags) has no flag; it is still set
//! through `--body`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::walk::{operations, resolve};

/// Where the table goes, relative to the repository root.
pub const FILE: &str = "cli/src/generated/commands.rs";

/// Flags of the CLI itself, which no parameter or body field may take.
pub const RESERVED_FLAGS: &[&str] = &[
    "help",
    "version",
    "instance",
    "base-url",
    "profile",
    "deadline",
    "retries",
    "error-format",
    "body",
    "records",
    "rejects",
    "strict",
    "dry-run",
    "all",
    "concurrency",
    "no-progress",
];

/// `last_edit.time[gt]` -> `last-edit-time-gt`, `preferenceCenterExternalID`
/// -> `preference-center-external-id`.
pub fn flag_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            // A lower-case letter or digit followed by an upper-case one,
            // or an upper-case run ending before a lower-case letter.
            let boundary = c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// What a flag's text becomes in the JSON handed to the SDK's types.
fn kind(schema: &Value) -> &'static str {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => "Integer",
        Some("number") => "Number",
        Some("boolean") => "Boolean",
        Some("array") => "Array",
        _ => "String",
    }
}

/// A short note on the accepted form, for `--help`.
fn hint(schema: &Value) -> String {
    let format = schema.get("format").and_then(Value::as_str);
    match (schema.get("type").and_then(Value::as_str), format) {
        (_, Some("date-time")) => "RFC 3339 date-time, e.g. 2026-01-31T23:00:00Z".into(),
        (_, Some("date")) => "date, YYYY-MM-DD".into(),
        (_, Some("email")) => "email address".into(),
        (Some("integer"), _) => "integer".into(),
        (Some("number"), _) => "number".into(),
        (Some("boolean"), _) => "true or false".into(),
        (Some("array"), _) => "repeat the flag for several values".into(),
        _ => String::new(),
    }
}

fn enum_values(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        })
        .collect()
}

/// The first sentence-ish line of a description, for a flag's help.
fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    line.to_string()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Tokens of one flag entry: `Flag { name, flag, location, required, kind, values, help }`.
fn flag_tokens(
    name: &str,
    flag: &str,
    location: &str,
    required: bool,
    schema: &Value,
    description: &str,
) -> TokenStream {
    let kind = syn::Ident::new(kind(schema), proc_macro2::Span::call_site());
    let values = enum_values(schema);
    let mut help = first_line(description);
    let hint = hint(schema);
    if !hint.is_empty() {
        if help.is_empty() {
            help = hint;
        } else {
            help = format!("{help} ({hint})");
        }
    }
    quote! {
        Flag {
            name: #name,
            flag: #flag,
            location: #location,
            required: #required,
            kind: Kind::#kind,
            values: &[#(#values),*],
            help: #help,
        }
    }
}

/// The table's source for the exported spec `doc`.
pub fn commands(doc: &Value) -> Result<TokenStream, String> {
    let batched: BTreeSet<&str> = crate::batches::BATCHED_OPERATIONS.iter().copied().collect();
    let mut entries: Vec<(String, TokenStream)> = Vec::new();
    for op in operations(doc) {
        let o = op.operation;
        let Some(id) = o.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let words: Vec<&str> = id.split('_').filter(|w| !w.is_empty()).collect();
        let method = op.method.to_ascii_uppercase();
        let path = op.path;
        let summary = text(o, "summary");
        let description = text(o, "description");
        let mut taken: BTreeSet<String> = RESERVED_FLAGS.iter().map(|f| f.to_string()).collect();
        let mut params = Vec::new();
        for list in [op.path_item.get("parameters"), o.get("parameters")] {
            for p in list.and_then(Value::as_array).into_iter().flatten() {
                let p = resolve(doc, p).unwrap_or(p);
                let name = text(p, "name");
                let location = text(p, "in");
                let schema = p
                    .get("schema")
                    .map(|s| resolve(doc, s).unwrap_or(s))
                    .cloned()
                    .unwrap_or(Value::Null);
                let required =
                    p.get("required").and_then(Value::as_bool) == Some(true) || location == "path";
                let flag = flag_name(&name);
                if !taken.insert(flag.clone()) {
                    return Err(format!(
                        "{id}: parameter `{name}` gives flag --{flag}, which is taken"
                    ));
                }
                params.push(flag_tokens(
                    &name,
                    &flag,
                    &location,
                    required,
                    &schema,
                    &text(p, "description"),
                ));
            }
        }
        let body = o
            .get("requestBody")
            .map(|b| resolve(doc, b).unwrap_or(b))
            .and_then(|b| {
                let schema = b.pointer("/content/application~1json/schema")?;
                Some((b, resolve(doc, schema).unwrap_or(schema)))
            });
        let body = match body {
            None => quote! { None },
            Some((b, schema)) => {
                let required_body = b.get("required").and_then(Value::as_bool) == Some(true);
                let required: BTreeSet<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut fields = Vec::new();
                for (name, prop) in schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let prop = resolve(doc, prop).unwrap_or(prop);
                    let scalar = matches!(
                        prop.get("type").and_then(Value::as_str),
                        Some("string" | "integer" | "number" | "boolean")
                    );
                    let flag = flag_name(name);
                    if !scalar || flag.is_empty() || !taken.insert(flag.clone()) {
                        continue;
                    }
                    fields.push(flag_tokens(
                        name,
                        &flag,
                        "body",
                        required.contains(name.as_str()),
                        prop,
                        &text(prop, "description"),
                    ));
                }
                quote! { Some(Body { required: #required_body, fields: &[#(#fields),*] }) }
            }
        };
        let list = o.get("x-braze-pagination").is_some();
        let batchable = batched.contains(id);
        entries.push((
            id.to_string(),
            quote! {
                Op {
                    id: #id,
                    command: &[#(#words),*],
                    method: #method,
                    path: #path,
                    summary: #summary,
                    description: #description,
                    params: &[#(#params),*],
                    body: #body,
                    list: #list,
                    batchable: #batchable,
                }
            },
        ));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let entries = entries.into_iter().map(|(_, t)| t);
    Ok(quote! {
        //! Every operation of the spec as a command of `braze`: words,
        //! method, path, help text, flags. Generated by `generator::cli`.

        use crate::table::{Body, Flag, Kind, Op};

        /// The operations, by operation id.
        pub static OPERATIONS: &[Op] = &[#(#entries),*];
    })
}

#[cfg(test)]
mod tests {
    use super::flag_name;

    #[test]
    fn flags_are_kebab_case_of_the_name() {
        assert_eq!(flag_name("last_edit.time[gt]"), "last-edit-time-gt");
        assert_eq!(flag_name("external_id[]"), "external-id");
        assert_eq!(
            flag_name("preferenceCenterExternalID"),
            "preference-center-external-id"
        );
        assert_eq!(flag_name("X-Request-Origin"), "x-request-origin");
        assert_eq!(flag_name("userID"), "user-id");
        assert_eq!(flag_name("app_id"), "app-id");
    }
}
