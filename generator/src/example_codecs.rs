//! The table that lets the tests push every example of the spec through the
//! generated Rust types (async-stripe round-trips every fixture the same way).
//!
//! For each operation it names the request body type, the success type and
//! the error type, read from the generated client itself (the `body` setter's
//! `TryInto<T>` bound and the `send` return type), so that the table cannot
//! drift from the code. Written to `tests/src/generated/example_codecs.rs`;
//! the generic `codec::<T>` it refers to is hand-written in the tests crate.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::lower::pascal;
use crate::walk::operations;

/// Where the table is written, relative to the repository root.
pub const EXAMPLE_CODECS_FILE: &str = "tests/src/generated/example_codecs.rs";

/// The types one operation's builder sends and receives.
#[derive(Default)]
struct OperationTypes {
    body: Option<syn::Type>,
    success: Option<syn::Type>,
    error: Option<syn::Type>,
}

/// Tokens of the table, or the problems found: an operation without a
/// builder, or a builder whose types could not be read.
pub fn example_codecs(document: &Value, client: &syn::File) -> Result<TokenStream, Vec<String>> {
    let builders = builder_types(client);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for op in operations(document) {
        let Some(id) = op.operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some(types) = builders.get(&pascal(id)) else {
            problems.push(format!(
                "no generated builder `{}` for operation `{id}`",
                pascal(id)
            ));
            continue;
        };
        let (Some(success), Some(error)) = (&types.success, &types.error) else {
            problems.push(format!(
                "cannot read the success and error types of `{id}`'s send()"
            ));
            continue;
        };
        let body = match &types.body {
            Some(t) => quote!(Some(codec::<braze_sdk::#t>)),
            None => quote!(None),
        };
        let success = if is_unit(success) {
            quote!(None)
        } else {
            quote!(Some(codec::<braze_sdk::#success>))
        };
        let error = if is_unit(error) {
            quote!(codec::<()>)
        } else {
            quote!(codec::<braze_sdk::#error>)
        };
        rows.push(quote! {
            ExampleCodecs { operation_id: #id, request: #body, success: #success, error: #error }
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let count = rows.len();
    Ok(quote! {
        //! For each operation: the generated types its examples must decode
        //! into. Read from the generated client by the generator.
        use super::{ExampleCodecs, codec};

        /// One entry per operation of the spec, in spec order.
        pub static EXAMPLE_CODECS: [ExampleCodecs; #count] = [ #(#rows),* ];
    })
}

fn is_unit(t: &syn::Type) -> bool {
    matches!(t, syn::Type::Tuple(t) if t.elems.is_empty())
}

/// Builder name -> its body, success and error types.
fn builder_types(client: &syn::File) -> BTreeMap<String, OperationTypes> {
    let mut out = BTreeMap::new();
    let builder_items = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| i),
        _ => None,
    });
    for item in builder_items.into_iter().flatten() {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let mut types = OperationTypes::default();
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if f.sig.ident == "body_map" {
                // `F: FnOnce(T) -> T`: the body type (the body itself is an
                // argument of the `Client` method, see `required_args`).
                types.body = body_map_type(&f.sig);
            }
            if f.sig.ident == "send"
                && let syn::ReturnType::Type(_, ret) = &f.sig.output
            {
                let args = generic_args(ret);
                // Result<ResponseValue<S>, Error<E>>
                if let [ok, err] = args.as_slice() {
                    types.success = generic_args(ok).into_iter().next();
                    types.error = generic_args(err).into_iter().next();
                }
            }
        }
        out.insert(name, types);
    }
    out
}

/// `T` of `body_map`'s `F: FnOnce(T) -> T` bound.
fn body_map_type(sig: &syn::Signature) -> Option<syn::Type> {
    let where_clause = sig.generics.where_clause.as_ref()?;
    where_clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(p) = p else {
            return None;
        };
        p.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => {
                let last = t.path.segments.last()?;
                match &last.arguments {
                    syn::PathArguments::Parenthesized(a) if last.ident == "FnOnce" => {
                        a.inputs.first().map(|a| a.ty.clone())
                    }
                    _ => None,
                }
            }
            _ => None,
        })
    })
}

/// The type arguments of the last segment of a path type.
fn generic_args(t: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(p) = t else {
        return Vec::new();
    };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
