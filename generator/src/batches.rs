//! `Batchable` for the request bodies of Braze's bulk operations.
//!
//! Emits `sdk/src/generated/batches.rs`: for each operation of
//! [`BATCHED_OPERATIONS`], an implementation of `braze_sdk::batch::Batchable`
//! on its body type, whose arrays and limits are the body schema's arrays
//! with a `maxItems` (so a limit changed in the spec changes the splitting),
//! and `InputErrors` on its response type (its non-fatal `errors`, if it has
//! them). A body whose schema allows one property (`maxProperties: 1`, as
//! `/users/delete`) is split one array per request. A property that is one
//! value or a list (`oneOf` string / array with `maxItems`, as in
//! `/subscription/status/set`) counts one value as a list of one; its
//! pieces always send lists.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::code_index::{CodeIndex, ListField, json_field, type_name};
use crate::walk::{operations, resolved};

/// The operations whose bodies are split. A choice, not a fact of the spec:
/// these are the bulk endpoints where one request is only a transport unit.
/// Sends and triggers (`/messages/send`, ...) also cap their arrays, but
/// splitting one of them changes what is sent (several sends, several
/// `send_id`s), so they are left to the caller.
pub const BATCHED_OPERATIONS: &[&str] = &[
    "users_track",
    "users_delete",
    "users_alias_new",
    "users_alias_update",
    "users_identify",
    "users_merge",
    "subscription_status_set",
    "users_external_ids_rename",
    "users_external_ids_remove",
    "catalog_items_create",
    "catalog_items_update",
    "catalog_items_replace",
    "catalog_items_delete",
    "sms_invalid_phone_numbers_remove",
];

/// Tokens of the batches module.
pub fn batches(document: &Value, client: &syn::File) -> Result<TokenStream, String> {
    let index = CodeIndex::new(client);
    let mut impls = Vec::new();
    let mut responses = BTreeSet::new();
    let mut found = BTreeSet::new();
    for op in operations(document) {
        let id = op.id();
        if !BATCHED_OPERATIONS.contains(&id) {
            continue;
        }
        found.insert(id);
        let at = |e: String| format!("{}: {e}", op.pointer);
        let schema = op
            .json_body(document)
            .and_then(|media| media.get("schema"))
            .map(|s| resolved(document, s))
            .ok_or_else(|| at("no application/json request body".into()))?;
        impls.push(batchable_impl(document, &index, id, schema).map_err(at)?);
        let (response, _) = index.send_types(id).map_err(at)?;
        if responses.insert(response.clone()) {
            impls.push(input_errors_impl(&index, &response).map_err(at)?);
        }
    }
    if let Some(missing) = BATCHED_OPERATIONS.iter().find(|id| !found.contains(*id)) {
        return Err(format!("batched operation `{missing}` is not in the spec"));
    }
    Ok(quote! {
        //! `Batchable` request bodies and `InputErrors` responses of the
        //! bulk operations, from the spec's `maxItems`.
        #[allow(unused_imports)]
        use crate::types::*;
        use crate::types;
        use crate::batch::{Batch, Batchable, InputErrors};

        #(#impls)*
    })
}

fn batchable_impl(
    document: &Value,
    index: &CodeIndex<'_>,
    id: &str,
    schema: &Value,
) -> Result<TokenStream, String> {
    let body = index.body_type(id)?;
    let body_struct = index.type_struct(&body)?;
    let body_ident = format_ident!("{body}");
    let mut names = Vec::new();
    let mut limits = Vec::new();
    let mut lens = Vec::new();
    let mut takes = Vec::new();
    let mut fills = Vec::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("the body schema has no properties")?;
    for (key, property) in properties {
        let Some(max) = array_limit(document, property) else {
            continue;
        };
        let field = json_field(body_struct, key)
            .ok_or_else(|| format!("{body} has no field for `{key}`"))?;
        let name = field.ident.clone().ok_or("tuple struct body")?;
        let list = ListField::of(&field.ty);
        let one_or_list = crate::code_index::generic_arg(&field.ty, "Option", 0)
            .and_then(|inner| index.one_or_list(inner));
        if list.is_none() && one_or_list.is_none() {
            return Err(format!(
                "{body}.{name} is not a Vec, an Option<Vec> or an optional one-or-list enum"
            ));
        }
        let n = names.len();
        let iter = format_ident!("{name}_items");
        names.push(key.clone());
        limits.push(max as usize);
        match (list, one_or_list) {
            (Some(ListField::Vec(_)), _) => {
                lens.push(quote!(self.#name.len()));
                takes.push(quote!(let mut #iter = ::std::mem::take(&mut self.#name).into_iter();));
                fills.push(quote!(body.#name = #iter.by_ref().take(ranges[#n].len()).collect();));
            }
            (Some(ListField::OptionVec(_)), _) => {
                lens.push(quote!(self.#name.as_ref().map_or(0, ::std::vec::Vec::len)));
                takes.push(
                    quote!(let mut #iter = self.#name.take().unwrap_or_default().into_iter();),
                );
                fills.push(quote! {
                    let chunk: ::std::vec::Vec<_> = #iter.by_ref().take(ranges[#n].len()).collect();
                    body.#name = (!chunk.is_empty()).then_some(chunk);
                });
            }
            (None, Some((e, single, many))) => {
                // One value counts as a list of one; pieces always send lists.
                lens.push(quote! {
                    match &self.#name {
                        Some(types::#e::#single(_)) => 1,
                        Some(types::#e::#many(list)) => list.len(),
                        None => 0,
                    }
                });
                takes.push(quote! {
                    let mut #iter = match self.#name.take() {
                        Some(types::#e::#single(value)) => vec![value],
                        Some(types::#e::#many(list)) => list,
                        None => ::std::vec::Vec::new(),
                    }
                    .into_iter();
                });
                fills.push(quote! {
                    let chunk: ::std::vec::Vec<_> = #iter.by_ref().take(ranges[#n].len()).collect();
                    body.#name = (!chunk.is_empty()).then(|| types::#e::#many(chunk));
                });
            }
            (None, None) => unreachable!("checked above"),
        }
    }
    if names.is_empty() {
        return Err("the body has no array with maxItems".into());
    }
    let together = schema.get("maxProperties").and_then(Value::as_u64) != Some(1);
    let doc = crate::streams::doc_lines(&format!(
        "`{id}`: splits {} ({}){}.",
        names
            .iter()
            .zip(&limits)
            .map(|(n, l)| format!("`{n}` by {l}"))
            .collect::<Vec<_>>()
            .join(", "),
        "limits from the spec's maxItems",
        if names.len() == 1 {
            ""
        } else if together {
            ", a request carrying the next chunk of each array"
        } else {
            ", one array per request (the spec allows one property)"
        }
    ));
    Ok(quote! {
        #(#[doc = #doc])*
        impl Batchable for types::#body_ident {
            const LISTS: &'static [(&'static str, usize)] = &[#((#names, #limits)),*];
            const LISTS_TOGETHER: bool = #together;

            fn list_lens(&self) -> ::std::vec::Vec<usize> {
                vec![#(#lens),*]
            }

            // Compiled where batches are sent, like the prepared
            // constructors: braze-sdk itself never calls it (issue 15).
            #[inline]
            fn split(mut self) -> ::std::vec::Vec<Batch<Self>> {
                let limits: ::std::vec::Vec<usize> = Self::LISTS.iter().map(|(_, l)| *l).collect();
                let plan = crate::batch::plan(&self.list_lens(), &limits, Self::LISTS_TOGETHER);
                #(#takes)*
                plan.into_iter()
                    .map(|ranges| {
                        let mut body = self.clone();
                        #(#fills)*
                        Batch { carried: crate::batch::carried(Self::LISTS, &ranges), body }
                    })
                    .collect()
            }
        }
    })
}

fn input_errors_impl(index: &CodeIndex<'_>, response: &str) -> Result<TokenStream, String> {
    let ident = format_ident!("{response}");
    let errors = index
        .type_struct(response)
        .ok()
        .and_then(|s| json_field(s, "errors"))
        .and_then(|f| Some((f.ident.clone()?, ListField::of(&f.ty)?)))
        .filter(|(_, list)| type_name(list.item()).as_deref() == Some("BrazeErrorDetail"));
    let body = match errors {
        Some((name, ListField::Vec(_))) => quote!(&self.#name),
        Some((name, ListField::OptionVec(_))) => quote!(self.#name.as_deref().unwrap_or(&[])),
        None => quote!(&[]),
    };
    Ok(quote! {
        impl InputErrors for types::#ident {
            fn input_errors(&self) -> &[types::BrazeErrorDetail] {
                #body
            }
        }
    })
}

/// The `maxItems` (at least 2) of a property that is an array, or one value
/// or an array (`oneOf`, possibly behind an `allOf` of one schema).
fn array_limit(document: &Value, property: &Value) -> Option<u64> {
    let mut schema = resolved(document, property);
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        schema = resolved(document, only);
    }
    let limit = |s: &Value| {
        (s.get("type").and_then(Value::as_str) == Some("array"))
            .then(|| s.get("maxItems").and_then(Value::as_u64))
            .flatten()
            .filter(|max| *max >= 2)
    };
    if let Some(max) = limit(schema) {
        return Some(max);
    }
    let branches = schema.get("oneOf").and_then(Value::as_array)?;
    let lists: Vec<u64> = branches
        .iter()
        .filter_map(|b| limit(resolved(document, b)))
        .collect();
    (branches.len() == 2 && lists.len() == 1).then(|| lists[0])
}
