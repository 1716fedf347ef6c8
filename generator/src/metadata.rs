//! The operations table: the spec's vendor extensions as Rust data.
//!
//! The SDK's runtime (rate limiting, retries, pagination) is driven by what
//! the spec says about each operation - `x-braze-rate-limit` and
//! `x-braze-pagination` - rather than by tables kept by hand. This module
//! turns those extensions into `sdk/src/generated/operations.rs`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::walk::operations;

/// Tokens of the operations table for `document` (the published spec, not
/// the lowered one). Types come from the SDK's hand-written `operation` module.
pub fn operations_table(document: &Value) -> TokenStream {
    let mut ops: Vec<TokenStream> = Vec::new();
    for op in operations(document) {
        let o = op.operation;
        let id = o
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let method = op.method.to_ascii_uppercase();
        let path = op.path;
        let tag = o
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let deprecated = o
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let rate_limit = rate_limit(o.get("x-braze-rate-limit"));
        let pagination = pagination(o.get("x-braze-pagination"));
        ops.push(quote! {
            Operation {
                id: #id,
                method: #method,
                path: #path,
                tag: #tag,
                deprecated: #deprecated,
                rate_limit: #rate_limit,
                pagination: #pagination,
            }
        });
    }
    let count = ops.len();
    quote! {
        //! What the spec says about each operation, as data for the runtime.
        use crate::operation::{Operation, Pagination, RateLimit};

        /// Every operation of the spec, in spec order.
        pub static OPERATIONS: [Operation; #count] = [ #(#ops),* ];
    }
}

fn rate_limit(rl: Option<&Value>) -> TokenStream {
    let Some(rl) = rl else {
        return quote!(RateLimit::Unknown);
    };
    let bucket = rl
        .get("bucket")
        .and_then(Value::as_str)
        .unwrap_or("default");
    if rl
        .get("unlimited")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return quote!(RateLimit::Unlimited { bucket: #bucket });
    }
    let requests = rl.get("requests").and_then(Value::as_u64).unwrap_or(0) as u32;
    let window = rl
        .get("window_seconds")
        .and_then(Value::as_u64)
        .unwrap_or(0) as u32;
    quote!(RateLimit::Limited { requests: #requests, window_seconds: #window, bucket: #bucket })
}

fn pagination(p: Option<&Value>) -> TokenStream {
    let Some(p) = p else { return quote!(None) };
    let s = |k: &str| {
        p.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let n = |k: &str| p.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
    let items = s("items");
    match p.get("style").and_then(Value::as_str) {
        Some("page") => {
            let (param, size) = (s("param"), n("page_size"));
            quote!(Some(Pagination::Page { param: #param, page_size: #size, items: #items }))
        }
        Some("offset") => {
            let (offset, limit, max) = (s("offset_param"), s("limit_param"), n("max_limit"));
            quote!(Some(Pagination::Offset { offset_param: #offset, limit_param: #limit, max_limit: #max, items: #items }))
        }
        Some("cursor") => {
            let (param, header) = (s("param"), s("header"));
            quote!(Some(Pagination::Cursor { param: #param, header: #header, items: #items }))
        }
        _ => quote!(None),
    }
}
