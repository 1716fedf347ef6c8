//! Constructors of `braze_sdk::prepared::Prepared` requests.
//!
//! Emits `sdk/src/generated/prepared.rs`: for each operation with a JSON
//! request body, no query or header parameter and a JSON answer, a function
//! named after its `operationId` that takes the path parameters and a
//! reference to the body, serialises it once, and records which statuses
//! the spec documents as success and as error, so that the hand-written
//! sender decodes like the builder's `send()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::code_index::{CodeIndex, generic_arg, type_name};
use crate::walk::{operations, resolved};

/// Tokens of the prepared-request constructors.
pub fn prepared(document: &Value, client: &syn::File) -> Result<TokenStream, String> {
    let index = CodeIndex::new(client);
    let mut fns = Vec::new();
    for op in operations(document) {
        let o = op.operation;
        let id = op.id();
        if op.json_body(document).is_none() {
            continue;
        }
        let params = op.parameters(document);
        if params
            .iter()
            .any(|p| p.get("in").and_then(Value::as_str) != Some("path"))
        {
            continue;
        }
        let Some(responses) = o.get("responses").and_then(Value::as_object) else {
            continue;
        };
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut json_success = true;
        for (status, response) in responses {
            // `200`, or a range such as `2XX`.
            let range = match status.parse::<u16>() {
                Ok(code) => (code, code),
                Err(_) => match status
                    .strip_suffix("XX")
                    .and_then(|d| d.parse::<u16>().ok())
                {
                    Some(d) => (d * 100, d * 100 + 99),
                    None => continue,
                },
            };
            let has_json = resolved(document, response)
                .pointer("/content/application~1json")
                .is_some();
            let (lo, hi) = range;
            if (200..300).contains(&lo) {
                // Any 2xx is a success, whichever one the spec records (as
                // the lowering does for the builders' `send()`).
                json_success &= has_json;
                if success.is_empty() {
                    success.push(quote!((200u16, 299u16)));
                }
            } else if has_json {
                errors.push(quote!((#lo, #hi)));
            }
        }
        if !json_success || success.is_empty() {
            continue;
        }
        let at = |e: String| format!("{}: {e}", op.pointer);
        let (response, error) = index.send_types(id).map_err(at)?;
        let error_body = generic_arg(error, "Error", 0).and_then(type_name);
        if error_body.as_deref() != Some("BrazeError") {
            continue;
        }
        let body = format_ident!("{}", index.body_type(id).map_err(at)?);
        let response = format_ident!("{response}");
        // Path parameters in template order, typed as the builder stores them.
        let mut args = Vec::new();
        let mut values = Vec::new();
        let mut template = String::new();
        let mut rest = op.path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .map(|c| open + c)
                .ok_or_else(|| at("bad path".into()))?;
            template.push_str(&rest[..open]);
            template.push_str("{}");
            let name = snake_case(&rest[open + 1..close]);
            let ident = format_ident!("{name}");
            let ty = index.builder_param_type(id, &name).map_err(at)?;
            if type_name(ty).as_deref() == Some("String") {
                args.push(quote!(#ident: &str));
            } else {
                args.push(quote!(#ident: &#ty));
            }
            values.push(quote!(crate::runtime::encode_path(&#ident.to_string())));
            rest = &rest[close + 1..];
        }
        template.push_str(rest);
        let method = op.method.to_ascii_uppercase();
        let doc = crate::streams::doc_lines(&format!(
            "`{method} {}` with `body` serialised once (see [`crate::prepared`]).",
            op.path
        ));
        let fn_ident = format_ident!("{id}");
        fns.push(quote! {
            #(#[doc = #doc])*
            #[allow(clippy::result_large_err)]
            // Compiled where it is called, not in braze-sdk: each constructor
            // instantiates serde_json's serialiser for its body, which made
            // up about a quarter of the crate's release build (issue 15).
            #[inline]
            pub fn #fn_ident(#(#args,)* body: &types::#body) -> Result<Prepared<types::#response>, Error<types::BrazeError>> {
                Prepared::new(
                    #id,
                    #method,
                    format!(#template, #(#values),*),
                    body,
                    &[#(#success),*],
                    &[#(#errors),*],
                )
            }
        });
    }
    Ok(quote! {
        //! One constructor of a prepared request per operation with a JSON body.
        use crate::prepared::Prepared;
        use crate::runtime::Error;
        use crate::types;

        #(#fns)*
    })
}

/// `preferenceCenterExternalID` -> `preference_center_external_id`, as
/// progenitor names parameters.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        previous = Some(c);
    }
    out
}
