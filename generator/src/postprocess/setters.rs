//! Request types are built directly, with setters that take plain values.
//!
//! typify gives every type a separate builder whose fields are
//! `Result<T, String>` and whose setters take `TryInto<Option<T>>`: a caller
//! writes `.external_id(Some(types::ExternalId("u".into())))` and learns about
//! a missing field only at `try_into()` or `send()`. In its place (the
//! builders are removed by `type_builders`), every struct a request can
//! carry (reachable from an operation builder's parameters or body) gets:
//!
//! * `Default`, when every field is optional (`Option`, a defaulted `Vec`, the
//!   flattened map of extra keys): `UserAttributes::default()`;
//! * `new(required..)` otherwise, one argument per required field, so a
//!   missing one is a compile error;
//! * one setter per field, named after it, taking
//!   `impl ::braze_sdk::IntoField<FieldType>` (`.first_name("Ada")`,
//!   `.first_name(Nullable::Null)`);
//! * `extra_value(key, value)` beside a flattened map of extra keys;
//! * `::braze_sdk::StringNewtype` on newtypes that hold any string, so their
//!   setters take `&str`.
//!
//! Response-only types get none of this: nobody builds them.
//! Fails loudly when a setter would shadow a method a caller relies on
//! (`clone`, `eq`, ...) or collide with another generated method.

use std::collections::{BTreeMap, BTreeSet};

use quote::{format_ident, quote};
use syn::{Fields, Item, ItemStruct, Type};

/// Method names a setter must never take: trait methods callers use on
/// these types, and the methods this rewrite adds besides setters. (`from`
/// is allowed: `EmailObject.from`, the sender, reads best as `.from(..)`;
/// an inherent `from` only shadows `From::from` when called as
/// `EmailObject::from`, so a type with such a field that implements `From`
/// fails generation.)
const RESERVED: &[&str] = &[
    "new",
    "default",
    "extra_value",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "into",
    "try_into",
    "try_from",
    "into_field",
    "to_owned",
    "to_string",
    "borrow",
    "type_id",
];

/// What the rewrite did: the number of request types given setters, and the
/// names of those that implement `Default`.
pub struct Outcome {
    pub types: usize,
    pub defaults: BTreeSet<String>,
}

pub fn apply(file: &mut syn::File) -> Result<Outcome, String> {
    let roots = operation_parameter_types(file);
    let types = super::module_items_mut(&mut file.items, "types").ok_or("no `types` module")?;
    let reachable = reachable(types, roots);
    let string_newtypes = string_newtypes(types);
    let with_from = implementors_of(types, "From");
    let mut defaults = BTreeSet::new();
    let mut added: Vec<Item> = Vec::new();
    let mut count = 0;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !reachable.contains(&name) {
            continue;
        }
        match &s.fields {
            Fields::Named(_) => {
                let shadows_from = s
                    .fields
                    .iter()
                    .any(|f| f.ident.as_ref().is_some_and(|i| i == "from"));
                if shadows_from && with_from.contains(&name) {
                    return Err(format!(
                        "`{name}.from`: a setter named `from` would shadow `{name}::from` of its `From` impl"
                    ));
                }
                let (imp, default) = setters(s)?;
                if default {
                    add_derive_default(s)?;
                    defaults.insert(name.clone());
                }
                added.push(imp);
                count += 1;
            }
            Fields::Unnamed(_) if string_newtypes.contains(&name) => {
                let ident = &s.ident;
                added.push(syn::parse_quote!(impl ::braze_sdk::StringNewtype for #ident {}));
            }
            _ => {}
        }
    }
    types.extend(added);
    Ok(Outcome {
        types: count,
        defaults,
    })
}

/// Every type named in a field of an operation builder (its parameters
/// and body), by last path segment.
fn operation_parameter_types(file: &syn::File) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if let Some(items) = super::module_items(&file.items, "builder") {
        for item in items {
            if let Item::Struct(s) = item {
                for field in &s.fields {
                    if field.ident.as_ref().is_some_and(|i| i != "client") {
                        idents_in(&field.ty, &mut names);
                    }
                }
            }
        }
    }
    names
}

/// Every identifier of every path in `ty`, generic arguments included.
fn idents_in(ty: &Type, out: &mut BTreeSet<String>) {
    struct Collect<'a>(&'a mut BTreeSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Collect<'_> {
        fn visit_path_segment(&mut self, seg: &'ast syn::PathSegment) {
            self.0.insert(seg.ident.to_string());
            syn::visit::visit_path_segment(self, seg);
        }
    }
    syn::visit::Visit::visit_type(&mut Collect(out), ty);
}

/// The types of `types` reachable from `roots` through struct fields, enum
/// variants and newtypes.
fn reachable(types: &[Item], roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types {
        let (name, fields): (String, Vec<&syn::Field>) = match item {
            Item::Struct(s) => (s.ident.to_string(), s.fields.iter().collect()),
            Item::Enum(e) => (
                e.ident.to_string(),
                e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
            ),
            _ => continue,
        };
        let entry = refs.entry(name).or_default();
        for f in fields {
            idents_in(&f.ty, entry);
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().filter(|n| refs.contains_key(n)).collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for next in &refs[&name] {
            if refs.contains_key(next) && !seen.contains(next) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

/// The types of `types` with an impl of the trait whose last path segment
/// is `trait_name`.
fn implementors_of(types: &[Item], trait_name: &str) -> BTreeSet<String> {
    types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) => {
                let (path, _) = imp.trait_.as_ref()?;
                (path.segments.last()?.ident == trait_name)
                    .then(|| crate::code_index::type_name(&imp.self_ty))?
            }
            _ => None,
        })
        .collect()
}

/// Newtypes over `String` that convert from any `String` (typify writes
/// `From<String>` only for unconstrained ones; constrained ones get
/// `TryFrom`).
fn string_newtypes(types: &[Item]) -> BTreeSet<String> {
    let from_string = quote!(::std::string::String).to_string();
    types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) => {
                let (path, _) = imp.trait_.as_ref()?;
                let last = path.segments.last()?;
                if last.ident != "From" {
                    return None;
                }
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                let Some(syn::GenericArgument::Type(arg)) = args.args.first() else {
                    return None;
                };
                (quote!(#arg).to_string() == from_string)
                    .then(|| crate::code_index::type_name(&imp.self_ty))?
            }
            _ => None,
        })
        .collect()
}

/// Whether a field may be left out: `Option<_>`, a `Vec` or map with
/// `#[serde(default)]`, or the flattened map of extra keys.
fn is_optional(field: &syn::Field) -> bool {
    let last = match &field.ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let serde_has = |word: &str| {
        field.attrs.iter().any(|a| {
            a.path().is_ident("serde")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.clone().into_iter().any(
                    |t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == word)))
        })
    };
    match last.as_deref() {
        Some("Option") => true,
        Some("Vec" | "Map" | "HashMap" | "BTreeMap") => {
            serde_has("default") || serde_has("flatten")
        }
        _ => false,
    }
}

/// The `impl` block of `s`'s constructor and setters, and whether `s` gets
/// `Default` (every field optional).
fn setters(s: &ItemStruct) -> Result<(Item, bool), String> {
    let ident = &s.ident;
    let mut methods = Vec::new();
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut flattened = None;
    for field in &s.fields {
        let name = field.ident.as_ref().ok_or("a named field has no name")?;
        let plain = name.to_string();
        let plain = plain.trim_start_matches("r#");
        if RESERVED.contains(&plain) {
            return Err(format!(
                "`{ident}.{plain}`: a setter named `{plain}` would shadow a method callers rely on; rename the property in the spec or teach the rewrite a new name"
            ));
        }
        let ty = &field.ty;
        let doc = format!("Sets `{plain}`.");
        methods.push(quote! {
            #[doc = #doc]
            pub fn #name(mut self, value: impl ::braze_sdk::IntoField<#ty>) -> Self {
                self.#name = ::braze_sdk::IntoField::into_field(value);
                self
            }
        });
        let flatten = field.attrs.iter().any(|a| {
            a.path().is_ident("serde")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "flatten")
        });
        if flatten {
            flattened = Some(name);
        }
        if is_optional(field) {
            optional.push(name);
        } else {
            required.push((name, ty));
        }
    }
    if let Some(map) = flattened {
        methods.push(quote! {
            /// Adds one key beside the declared fields (a custom attribute,
            /// a catalog field, ...).
            pub fn extra_value(
                mut self,
                key: impl ::std::convert::Into<::std::string::String>,
                value: impl ::std::convert::Into<::serde_json::Value>,
            ) -> Self {
                self.#map.insert(key.into(), value.into());
                self
            }
        });
    }
    let default = required.is_empty();
    if !default {
        let args = required
            .iter()
            .map(|(n, t)| quote!(#n: impl ::braze_sdk::IntoField<#t>));
        let set = required
            .iter()
            .map(|(n, _)| quote!(#n: ::braze_sdk::IntoField::into_field(#n)));
        let fields: Vec<String> = required.iter().map(|(n, _)| format!("`{n}`")).collect();
        let doc = format!(
            "A value with its required fields ({}) set and every optional field empty.",
            fields.join(", ")
        );
        methods.insert(
            0,
            quote! {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self {
                        #(#set,)*
                        #(#optional: ::std::default::Default::default(),)*
                    }
                }
            },
        );
    }
    Ok((
        syn::parse_quote! {
            impl #ident {
                #(#methods)*
            }
        },
        default,
    ))
}

/// Adds `Default` to the struct's `#[derive(..)]`.
fn add_derive_default(s: &mut ItemStruct) -> Result<(), String> {
    let attr = s
        .attrs
        .iter_mut()
        .find(|a| a.path().is_ident("derive"))
        .ok_or_else(|| format!("`{}` has no #[derive(..)]", s.ident))?;
    let syn::Meta::List(list) = &mut attr.meta else {
        return Err(format!("`{}`: #[derive] is not a list", s.ident));
    };
    if list
        .tokens
        .to_string()
        .split(',')
        .any(|d| d.trim() == "Default")
    {
        return Ok(());
    }
    let tokens = &list.tokens;
    let default = format_ident!("Default");
    list.tokens = quote!(#tokens, #default);
    Ok(())
}
