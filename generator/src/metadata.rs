//! The operations table: the spec's vendor extensions as Rust data.
//!
//! The SDK's runtime (rate limiting, retries, pagination) is driven by what
//! the spec says about each operation - `x-braze-rate-limit` and
//! `x-braze-pagination` - rather than by tables kept by hand. This module
//! turns those extensions into `sdk/src/generated/operations.rs`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::extensions::{Pagination, RateLimit};
use crate::walk::operations;

/// Tokens of the operations table for `document` (the published spec, not
/// the lowered one). Types come from the SDK's hand-written `operation` module.
/// The extensions are read through [`crate::extensions`]: an operation whose
/// extensions do not parse is an error here too, never a silent default.
pub fn operations_table(document: &Value) -> Result<TokenStream, Vec<String>> {
    let mut ops: Vec<TokenStream> = Vec::new();
    let mut problems = Vec::new();
    for op in operations(document) {
        let o = op.operation;
        let Some(id) = o.get("operationId").and_then(Value::as_str) else {
            problems.push(format!("{}: no operationId", op.pointer));
            continue;
        };
        let ext = match crate::extensions::operation_extensions(o) {
            Ok(ext) => ext,
            Err(p) => {
                problems.extend(
                    p.into_iter()
                        .map(|(at, m)| format!("{}{at}: {m}", op.pointer)),
                );
                continue;
            }
        };
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
        let rate_limit = rate_limit(&ext.rate_limit);
        let pagination = pagination(ext.pagination.as_ref());
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
    if !problems.is_empty() {
        return Err(problems);
    }
    let count = ops.len();
    Ok(quote! {
        //! What the spec says about each operation, as data for the runtime.
        use crate::operation::{Operation, Pagination, RateLimit};

        /// Every operation of the spec, in spec order.
        pub static OPERATIONS: [Operation; #count] = [ #(#ops),* ];
    })
}

fn rate_limit(rl: &RateLimit) -> TokenStream {
    match rl {
        RateLimit::Unlimited { bucket, .. } => quote!(RateLimit::Unlimited { bucket: #bucket }),
        RateLimit::Limited {
            requests,
            window_seconds,
            bucket,
            ..
        } => {
            let (requests, window) = (requests.get(), window_seconds.get());
            quote!(RateLimit::Limited { requests: #requests, window_seconds: #window, bucket: #bucket })
        }
    }
}

fn pagination(p: Option<&Pagination>) -> TokenStream {
    match p {
        None => quote!(None),
        Some(Pagination::Page {
            param,
            page_size,
            items,
        }) => {
            let size = page_size.get();
            quote!(Some(Pagination::Page { param: #param, page_size: #size, items: #items }))
        }
        Some(Pagination::Offset {
            offset_param,
            limit_param,
            max_limit,
            items,
            ..
        }) => {
            let max = max_limit.get();
            quote!(Some(Pagination::Offset { offset_param: #offset_param, limit_param: #limit_param, max_limit: #max, items: #items }))
        }
        Some(Pagination::Cursor {
            param,
            header,
            items,
        }) => quote!(Some(Pagination::Cursor { param: #param, header: #header, items: #items })),
    }
}
