//! The types of `types` encode through a lean `Serialize` impl instead of
//! `#[derive(Serialize)]`.
//!
//! serde_derive's expansion of a struct counts the fields to write with one
//! `if` per skippable field, then writes each field behind another `if`
//! and a `?`; rustc spent about a fifth of its time on the SDK checking
//! that code (issue 15). The impl written here is one chain of calls into
//! `braze_sdk::lean_ser` (see there for the behaviour, which is
//! serde_derive's, tested call for call).
//!
//! | type | gets |
//! | --- | --- |
//! | struct of named fields | `l::begin(..).field(..).opt(..)...end()` |
//! | enum of unit variants | `serialize_unit_variant` with the variant's index and name |
//! | `#[serde(transparent)]` newtype | the inner value's `serialize` |
//!
//! A type is rewritten only when every serde attribute on it is one this
//! rewrite understands (on a struct's field: `rename`, `skip_serializing_if`
//! with one of the four predicates `lean_ser` has a method for, and the
//! decoding-only `default` and `deserialize_with`). Anything else (`flatten`,
//! `untagged`, ...) keeps the derive.
//!
//! When neither serde derive is left on a type, its `#[serde]` attributes
//! would no longer compile; they are removed by [`strip_serde_attrs`], once
//! the generator has read the JSON names off them.

use quote::quote;
use syn::{Fields, Item, ItemStruct, LitStr};

use super::lean_deserialize::{derive_paths, is_serde, remove_serde_derive, unit_names};

/// Returns how many types were rewritten.
pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    let types = super::module_items_mut(&mut file.items, "types").ok_or("no `types` module")?;
    let mut out = Vec::with_capacity(types.len() + types.len() / 2);
    let mut rewritten = 0;
    for mut item in types.drain(..) {
        let lean = match lean_impl(&item)? {
            Some(imp) => {
                remove_serialize_derive(&mut item)?;
                Some(imp)
            }
            None => None,
        };
        out.push(item);
        if let Some(imp) = lean {
            out.push(imp);
            rewritten += 1;
        }
    }
    *types = out;
    Ok(rewritten)
}

/// Whether [`apply`] would rewrite `item` (a type still deriving
/// `Serialize`): for tests that check no such item is left behind.
pub fn would_rewrite(item: &Item) -> bool {
    matches!(lean_impl(item), Ok(Some(_)))
}

fn is_serde_derive(p: &syn::Path) -> bool {
    is_serde(p, "Serialize") || is_serde(p, "Deserialize")
}

/// The attributes and generics of a struct or an enum.
fn parts(item: &Item) -> Option<(&[syn::Attribute], &syn::Generics, &syn::Ident)> {
    match item {
        Item::Struct(s) => Some((&s.attrs, &s.generics, &s.ident)),
        Item::Enum(e) => Some((&e.attrs, &e.generics, &e.ident)),
        _ => None,
    }
}

fn derives_serialize(item: &Item) -> bool {
    parts(item).is_some_and(|(attrs, generics, _)| {
        generics.params.is_empty()
            && attrs
                .iter()
                .filter_map(derive_paths)
                .any(|paths| paths.iter().any(|p| is_serde(p, "Serialize")))
    })
}

/// The lean impl of `item`, or `None` when it does not derive `Serialize`
/// or carries an attribute this rewrite does not handle.
fn lean_impl(item: &Item) -> Result<Option<Item>, String> {
    if !derives_serialize(item) {
        return Ok(None);
    }
    let tokens = match item {
        Item::Enum(e) => match unit_names(e) {
            Some(names) => enum_body(e, &names),
            None => return Ok(None),
        },
        Item::Struct(s) if matches!(s.fields, Fields::Named(_)) => match struct_plan(s) {
            Some(plan) => struct_body(s, &plan),
            None => return Ok(None),
        },
        Item::Struct(s) if is_transparent_newtype(s) => {
            quote!(::serde::Serialize::serialize(&self.0, serializer))
        }
        _ => return Ok(None),
    };
    let Some((_, _, ident)) = parts(item) else {
        return Ok(None);
    };
    let imp = quote! {
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                #tokens
            }
        }
    };
    syn::parse2(imp)
        .map(Some)
        .map_err(|e| format!("`{ident}`: the lean Serialize does not parse: {e}"))
}

/// How a field is written: always, or skipped when empty (the `lean_ser`
/// method named here, and how to tell it is present).
enum Write {
    Always,
    Skippable {
        method: &'static str,
        present: proc_macro2::TokenStream,
    },
}

struct FieldPlan {
    json: String,
    write: Write,
}

/// `skip_serializing_if` predicates and the `lean_ser` method that applies
/// the same one.
const PREDICATES: &[(&str, &str)] = &[
    ("::std::option::Option::is_none", "opt"),
    ("::std::vec::Vec::is_empty", "vec"),
    ("::std::collections::HashMap::is_empty", "hash_map"),
    ("::serde_json::Map::is_empty", "json_map"),
];

fn struct_plan(s: &ItemStruct) -> Option<Vec<FieldPlan>> {
    // Container attributes: only `deny_unknown_fields`, which is about
    // decoding.
    for attr in s.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("deny_unknown_fields") {
                Ok(())
            } else {
                Err(meta.error("not handled"))
            }
        })
        .ok()?;
    }
    let mut plans = Vec::new();
    for field in &s.fields {
        let name = field.ident.as_ref()?;
        let mut json = None;
        let mut skip = None;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let path = &meta.path;
                if path.is_ident("rename") {
                    json = Some(meta.value()?.parse::<LitStr>()?.value());
                } else if path.is_ident("skip_serializing_if") {
                    skip = Some(meta.value()?.parse::<LitStr>()?.value());
                } else if path.is_ident("default") {
                    if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<LitStr>()?;
                    }
                } else if path.is_ident("deserialize_with") {
                    meta.value()?.parse::<LitStr>()?;
                } else {
                    return Err(meta.error("not handled"));
                }
                Ok(())
            })
            .ok()?;
        }
        let write = match skip {
            None => Write::Always,
            Some(predicate) => {
                let compact: String = predicate.chars().filter(|c| !c.is_whitespace()).collect();
                let (_, method) = PREDICATES.iter().find(|(p, _)| *p == compact)?;
                let present = match *method {
                    "opt" => quote!(self.#name.is_some()),
                    _ => quote!(!self.#name.is_empty()),
                };
                Write::Skippable { method, present }
            }
        };
        let json = json.unwrap_or_else(|| {
            let n = name.to_string();
            n.strip_prefix("r#").map(str::to_string).unwrap_or(n)
        });
        plans.push(FieldPlan { json, write });
    }
    Some(plans)
}

/// `l::begin(serializer, name, len)` then a call per field, then `end()`.
fn struct_body(s: &ItemStruct, plan: &[FieldPlan]) -> proc_macro2::TokenStream {
    let type_name = s.ident.to_string();
    let always = plan
        .iter()
        .filter(|f| matches!(f.write, Write::Always))
        .count();
    let present: Vec<&proc_macro2::TokenStream> = plan
        .iter()
        .filter_map(|f| match &f.write {
            Write::Skippable { present, .. } => Some(present),
            Write::Always => None,
        })
        .collect();
    let len = match (always, present.is_empty()) {
        (n, true) => quote!(#n),
        (0, false) => quote!(l::count(&[#(#present),*])),
        (n, false) => quote!(#n + l::count(&[#(#present),*])),
    };
    let calls = s.fields.iter().zip(plan).map(|(field, f)| {
        let name = &field.ident;
        let json = &f.json;
        let method = match &f.write {
            Write::Always => quote::format_ident!("field"),
            Write::Skippable { method, .. } => quote::format_ident!("{method}"),
        };
        quote!(.#method(#json, &self.#name))
    });
    quote! {
        use ::braze_sdk::lean_ser as l;
        l::begin(serializer, #type_name, #len) #(#calls)* .end()
    }
}

/// `serialize_unit_variant` with the variant's index and JSON name.
fn enum_body(e: &syn::ItemEnum, names: &[String]) -> proc_macro2::TokenStream {
    let type_name = e.ident.to_string();
    let arms = e.variants.iter().zip(names).enumerate().map(|(i, (v, n))| {
        let ident = &v.ident;
        let index = i as u32;
        quote!(Self::#ident => (#index, #n),)
    });
    quote! {
        let (index, name) = match self { #(#arms)* };
        ::serde::Serializer::serialize_unit_variant(serializer, #type_name, index, name)
    }
}

/// `#[serde(transparent)] struct X(T);` with no other serde attribute.
fn is_transparent_newtype(s: &ItemStruct) -> bool {
    let Fields::Unnamed(fields) = &s.fields else {
        return false;
    };
    let mut transparent = false;
    let understood = s
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .all(|attr| {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("transparent") {
                    transparent = true;
                    Ok(())
                } else {
                    Err(meta.error("not handled"))
                }
            })
            .is_ok()
        });
    understood
        && transparent
        && fields.unnamed.len() == 1
        && fields.unnamed[0]
            .attrs
            .iter()
            .all(|a| !a.path().is_ident("serde"))
}

fn remove_serialize_derive(item: &mut Item) -> Result<(), String> {
    match item {
        Item::Struct(s) => remove_serde_derive(&mut s.attrs, &s.ident, "Serialize"),
        Item::Enum(e) => remove_serde_derive(&mut e.attrs, &e.ident, "Serialize"),
        _ => Err("not a struct or an enum".into()),
    }
}

/// Removes the `#[serde]` attributes of every type of `types` that derives
/// neither `Serialize` nor `Deserialize` any more (they would not compile
/// there). Returns how many types it changed.
///
/// Runs after the generator has read the JSON names off the attributes
/// (`code_index::json_field`), just before the client is printed.
pub fn strip_serde_attrs(file: &mut syn::File) -> usize {
    let Some(types) = super::module_items_mut(&mut file.items, "types") else {
        return 0;
    };
    let mut stripped = 0;
    for item in types.iter_mut() {
        let derives_serde = parts(item).is_some_and(|(attrs, _, _)| {
            attrs
                .iter()
                .filter_map(derive_paths)
                .any(|paths| paths.iter().any(is_serde_derive))
        });
        if derives_serde {
            continue;
        }
        let mut removed = 0;
        let mut strip = |attrs: &mut Vec<syn::Attribute>| {
            let before = attrs.len();
            attrs.retain(|a| !a.path().is_ident("serde"));
            removed += before - attrs.len();
        };
        match item {
            Item::Struct(s) => {
                strip(&mut s.attrs);
                s.fields.iter_mut().for_each(|f| strip(&mut f.attrs));
            }
            Item::Enum(e) => {
                strip(&mut e.attrs);
                for v in &mut e.variants {
                    strip(&mut v.attrs);
                    v.fields.iter_mut().for_each(|f| strip(&mut f.attrs));
                }
            }
            _ => continue,
        }
        if removed > 0 {
            stripped += 1;
        }
    }
    stripped
}
