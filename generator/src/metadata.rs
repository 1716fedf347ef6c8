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
    // The operation ids and bucket names, in spec order, for the typed
    // identifiers (`OperationId`, `Bucket`) the configuration takes.
    let mut ids: Vec<String> = Vec::new();
    let mut buckets: Vec<String> = Vec::new();
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
        ids.push(id.to_string());
        let bucket = match &ext.rate_limit {
            RateLimit::Unlimited { bucket, .. } | RateLimit::Limited { bucket, .. } => bucket,
        };
        if !buckets.iter().any(|b| b == bucket) {
            buckets.push(bucket.clone());
        }
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
    let operation_id = identifiers(
        "OperationId",
        "Every operation of the spec, by its `operationId` (the client method's \
         name), in spec order: what the retry policy and the pagination helpers \
         take, so that a misspelt name does not compile.",
        &ids,
    )?;
    let bucket = identifiers(
        "Bucket",
        "Every rate-limit bucket of the spec (`x-braze-rate-limit`'s `bucket`; \
         operations that share a limit share a bucket), in order of first use: \
         what `ThrottleConfig` takes, so that a misspelt bucket does not compile.",
        &buckets,
    )?;
    Ok(quote! {
        //! What the spec says about each operation, as data for the runtime.
        use crate::operation::{Operation, Pagination, RateLimit};

        /// Every operation of the spec, in spec order.
        pub static OPERATIONS: [Operation; #count] = [ #(#ops),* ];

        #operation_id

        #bucket
    })
}

/// An enum `name` with one variant per name of `names` (in upper camel
/// case), `ALL` in the same order and `as_str`.
fn identifiers(name: &str, doc: &str, names: &[String]) -> Result<TokenStream, Vec<String>> {
    let ty = quote::format_ident!("{name}");
    let mut variants = Vec::new();
    let mut problems = Vec::new();
    for n in names {
        let camel = upper_camel(n);
        match syn::parse_str::<syn::Ident>(&camel) {
            Ok(ident) if !variants.contains(&ident) => variants.push(ident),
            _ => problems.push(format!(
                "{name}: `{n}` gives no distinct Rust name (`{camel}`)"
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let count = names.len();
    let docs = names.iter().map(|n| format!("`{n}`"));
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ty { #( #[doc = #docs] #variants ),* }

        impl #ty {
            /// Every value, in the order above.
            pub const ALL: [#ty; #count] = [ #(#ty::#variants),* ];

            /// The name as the spec writes it.
            pub const fn as_str(self) -> &'static str {
                match self { #( #ty::#variants => #names ),* }
            }
        }
    })
}

/// `users-track` / `users_track` -> `UsersTrack`.
fn upper_camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
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
