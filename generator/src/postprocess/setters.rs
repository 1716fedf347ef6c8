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
//!   setters take `&str`;
//! * fields whose setters take inputs that can be wrong become
//!   `::braze_sdk::Checked<T>` (see `checked_fields`): a free-form object
//!   (`EventProperties`, any newtype over a JSON map) takes `json!({..})`, a
//!   non-zero count (`NonZeroU64`) takes an integer literal; a value that
//!   does not fit is kept with its reason and `send()` reports it.
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
    let map_newtypes = from_one(
        types,
        &quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>).to_string(),
    );
    let type_docs = type_docs(types);
    let with_from = implementors_of(types, "From");
    let existing: BTreeSet<String> = types
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
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
                checked_fields(s, &map_newtypes);
                let (imp, default, named) = setters(s, &type_docs, &string_newtypes)?;
                if let Some(named) = named {
                    if existing.contains(&format!("{name}Required")) {
                        return Err(format!(
                            "`{name}Required` (the named required fields of `{name}`) is already a type of the spec"
                        ));
                    }
                    added.push(named);
                }
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
            Fields::Unnamed(_) if map_newtypes.contains(&name) => {
                let ident = &s.ident;
                added.push(syn::parse_quote!(impl ::braze_sdk::MapNewtype for #ident {}));
            }
            _ => {}
        }
    }
    // Enums a request carries ("one of" several shapes), made easy to build:
    // see `enum_builders`.
    let structs: BTreeMap<String, Vec<(syn::Ident, Type)>> = types
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => match &s.fields {
                Fields::Named(f) => Some((
                    s.ident.to_string(),
                    f.named
                        .iter()
                        .filter_map(|f| Some((f.ident.clone()?, f.ty.clone())))
                        .collect(),
                )),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let from_impls = from_impls(types);
    for item in types.iter() {
        let Item::Enum(e) = item else { continue };
        if !reachable.contains(&e.ident.to_string()) {
            continue;
        }
        let items = enum_builders(e, &structs, &from_impls);
        if !items.is_empty() {
            added.extend(items);
            count += 1;
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
    from_one(types, &quote!(::std::string::String).to_string())
}

/// The types with a `From<source>` impl (`source` as printed tokens).
fn from_one(types: &[Item], source: &str) -> BTreeSet<String> {
    from_impl_types(types)
        .filter_map(|(target, arg)| {
            (quote!(#arg).to_string() == source).then(|| crate::code_index::type_name(target))?
        })
        .collect()
}

/// `(target, source)` of every `impl From<source> for target` in `types`.
fn from_impl_types(types: &[Item]) -> impl Iterator<Item = (&syn::Type, &syn::Type)> {
    types.iter().filter_map(|item| {
        let Item::Impl(imp) = item else {
            return None;
        };
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
        Some((&*imp.self_ty, arg))
    })
}

/// Wraps in `::braze_sdk::Checked<..>` the fields of a request struct whose
/// setters take inputs that may not fit: a newtype over a JSON map (its
/// setter takes any `serde_json::Value`, of which only an object fits) and
/// a `NonZeroU64` (its setter takes any integer, of which 0 and negatives
/// do not fit), bare or in an `Option`. A setter cannot fail; the
/// `Checked` field keeps the rejected value with its reason, and encoding
/// the request (braze-sdk's `send()`) reports it with the field's path.
fn checked_fields(s: &mut ItemStruct, map_newtypes: &BTreeSet<String>) {
    for field in s.fields.iter_mut() {
        let flattened = field.attrs.iter().any(|a| {
            a.path().is_ident("serde")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "flatten")
        });
        if flattened {
            continue;
        }
        let checked = |ty: &Type| match ty {
            Type::Path(p) if p.qself.is_none() => {
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                match last.as_deref() {
                    Some("NonZeroU64") => true,
                    _ if is_json_map(ty) => true,
                    Some(name) => p.path.segments.len() == 1 && map_newtypes.contains(name),
                    None => false,
                }
            }
            _ => false,
        };
        if checked(&field.ty) {
            let ty = &field.ty;
            if is_json_map(ty) {
                skip_checked_map_when_empty(field);
            }
            let ty = &field.ty;
            field.ty = syn::parse_quote!(::braze_sdk::Checked<#ty>);
            continue;
        }
        // Exactly one free-form object in an array (typify's `[T; 1]` for
        // `minItems: 1, maxItems: 1`): the element is checked, so the
        // setter takes that one object and a rejection's path names it
        // (`items[0]`).
        if let Type::Array(array) = &mut field.ty
            && matches!(&array.len, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })
                if n.base10_parse::<usize>().ok() == Some(1))
            && !is_json_map(&array.elem)
            && checked(&array.elem)
        {
            let elem = &array.elem;
            let wrapped: Type = syn::parse_quote!(::braze_sdk::Checked<#elem>);
            *array.elem = wrapped;
            continue;
        }
        if let Type::Path(p) = &mut field.ty
            && let Some(last) = p.path.segments.last_mut()
            && last.ident == "Option"
            && let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
            && let Some(syn::GenericArgument::Type(inner)) = args.args.first_mut()
            && checked(inner)
        {
            *inner = syn::parse_quote!(::braze_sdk::Checked<#inner>);
        }
    }
}

/// Whether `ty` is a free-form JSON object declared in place
/// (`::serde_json::Map<::std::string::String, ::serde_json::Value>`).
fn is_json_map(ty: &Type) -> bool {
    quote!(#ty).to_string()
        == quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>).to_string()
}

/// The `skip_serializing_if` of a map field about to become `Checked`:
/// `::serde_json::Map::is_empty` becomes `::braze_sdk::Checked::is_empty`
/// (true for a valid empty map only), so an empty map is still left out of
/// the JSON and a rejected value is still encoded and reported.
fn skip_checked_map_when_empty(field: &mut syn::Field) {
    let from = "\"::serde_json::Map::is_empty\"";
    for attr in field.attrs.iter_mut() {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let syn::Meta::List(list) = &mut attr.meta else {
            continue;
        };
        list.tokens = list
            .tokens
            .clone()
            .into_iter()
            .map(|t| match t {
                proc_macro2::TokenTree::Literal(l) if l.to_string() == from => {
                    proc_macro2::TokenTree::Literal(proc_macro2::Literal::string(
                        "::braze_sdk::Checked::is_empty",
                    ))
                }
                other => other,
            })
            .collect();
    }
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
        // `Checked` with `#[serde(default)]`: a map that was `Map` above
        // (`checked_fields` ran first).
        Some("Vec" | "Map" | "HashMap" | "BTreeMap" | "Checked") => {
            serde_has("default") || serde_has("flatten")
        }
        _ => false,
    }
}

/// The `impl` block of `s`'s constructor and setters, and whether `s` gets
/// `Default` (every field optional).
fn setters(
    s: &ItemStruct,
    type_docs: &BTreeMap<String, String>,
    string_newtypes: &BTreeSet<String>,
) -> Result<(Item, bool, Option<Item>), String> {
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
        let docs = setter_doc(field, plain, type_docs);
        methods.push(quote! {
            #(#[doc = #docs])*
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
    let mut named = None;
    if swappable(&required, string_newtypes) {
        // Two required fields take the same input (two strings, ...): a
        // positional `new` would compile with them swapped, so `new` takes
        // them by name, in a struct of their own.
        let required_ident = format_ident!("{}Required", ident);
        let fields: Vec<_> = s
            .fields
            .iter()
            .filter(|f| required.iter().any(|(n, _)| Some(*n) == f.ident.as_ref()))
            .map(|f| {
                let mut docs = doc_lines(&f.attrs);
                let (n, t) = (&f.ident, &f.ty);
                if quote!(#t).to_string().starts_with(":: braze_sdk :: Checked <")
                    && !quote!(#t).to_string().contains("NonZeroU64")
                {
                    docs.push(String::new());
                    docs.push(" A JSON object converts with `.into()`: `json!({..}).into()` (another JSON value is kept and reported by `send()` with this field's path), or a `serde_json::Map`'s `.into()`.".to_string());
                }
                quote!(#(#[doc = #docs])* pub #n: #t)
            })
            .collect();
        let names: Vec<_> = required.iter().map(|(n, _)| *n).collect();
        let struct_doc = format!(
            " The required fields of [`{ident}`], by name: `{ident}::new({required_ident} {{ .. }})`. Named because two of them take the same kind of value, which positional arguments would let a caller swap without a compile error."
        );
        named = Some(syn::parse_quote! {
            #[doc = #struct_doc]
            #[derive(Clone, Debug, PartialEq)]
            pub struct #required_ident {
                #(#fields,)*
            }
        });
        let doc = format!(
            " A value with its required fields, given by name in [`{required_ident}`], set and every optional field empty."
        );
        methods.insert(
            0,
            quote! {
                #[doc = #doc]
                pub fn new(required: #required_ident) -> Self {
                    let #required_ident { #(#names),* } = required;
                    Self {
                        #(#names,)*
                        #(#optional: ::std::default::Default::default(),)*
                    }
                }
            },
        );
    } else if !default {
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
        named,
    ))
}

/// Whether two required fields accept the same input: two strings (a
/// `String` or a newtype holding any string both take `&str`), or two
/// fields of one type.
fn swappable(required: &[(&syn::Ident, &Type)], string_newtypes: &BTreeSet<String>) -> bool {
    let string = quote!(::std::string::String).to_string();
    let mut kinds = BTreeSet::new();
    for (_, ty) in required {
        let text = quote!(#ty).to_string();
        let kind = if text == string
            || text == "String"
            || crate::code_index::type_name(ty).is_some_and(|n| string_newtypes.contains(&n))
        {
            "string".to_string()
        } else {
            text
        };
        if !kinds.insert(kind) {
            return true;
        }
    }
    false
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

/// The doc lines of a field's setter: the field's own description (from
/// the spec), else the first paragraph of its type's description, else
/// "Sets `name`."; then what the setter accepts when the field is
/// nullable.
fn setter_doc(
    field: &syn::Field,
    plain: &str,
    type_docs: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut lines: Vec<String> = doc_lines(&field.attrs);
    if lines.iter().all(|l| l.trim().is_empty()) {
        lines = match field_type_name(&field.ty).and_then(|t| type_docs.get(&t)) {
            Some(doc) => vec![format!(" Sets `{plain}`: {doc}")],
            None => vec![format!(" Sets `{plain}`.")],
        };
    }
    let ty = &field.ty;
    let printed = quote!(#ty).to_string();
    if printed.contains("Checked <") {
        lines.push(String::new());
        lines.push(if printed.contains("NonZeroU64") {
            " Takes any integer (`2`); one below 1 is kept and reported by `send()` with this field's path.".to_string()
        } else if printed.starts_with('[') {
            " Takes its one element: a JSON object (`json!({..})`), a `serde_json::Map` or the element's type; another JSON value is kept and reported by `send()` with this field's path (`[0]`).".to_string()
        } else {
            " Takes a JSON object (`json!({..})`) or a `serde_json::Map`; another JSON value is kept and reported by `send()` with this field's path.".to_string()
        });
    }
    if printed.contains("Nullable <") {
        lines.push(String::new());
        lines.push(" `Nullable::Null` sends an explicit `null` (unsets it in Braze).".to_string());
    }
    lines
}

/// The text of the `#[doc = ".."]` attributes among `attrs`, one entry per
/// attribute.
fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| {
            text.lines()
                .map(|l| {
                    if l.starts_with(' ') || l.is_empty() {
                        l.to_string()
                    } else {
                        format!(" {l}")
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The innermost named type of a field: `BrazeId` for
/// `Option<Nullable<BrazeId>>`.
fn field_type_name(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if let syn::PathArguments::AngleBracketed(a) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
    {
        return field_type_name(inner);
    }
    Some(last.ident.to_string())
}

/// Type name -> the first paragraph of its description, on one line (the
/// types typify names after their field repeat the field's name only, so
/// those are skipped).
fn type_docs(types: &[Item]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for item in types {
        let (ident, attrs) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            _ => continue,
        };
        let text = doc_lines(attrs).join("\n");
        let first: Vec<&str> = text
            .trim()
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let first = first.join(" ");
        if first.is_empty() || *ident == first.trim_matches('`') {
            continue;
        }
        out.insert(ident.to_string(), first);
    }
    out
}

/// (target, source) of every `impl From<source> for target` in `types`,
/// as printed tokens.
fn from_impls(types: &[Item]) -> BTreeSet<(String, String)> {
    from_impl_types(types)
        .map(|(target, arg)| (quote!(#target).to_string(), quote!(#arg).to_string()))
        .collect()
}

/// What makes an enum of several shapes (typify's untagged `oneOf`) easy
/// to build without naming its variants or going through JSON:
///
/// * a variant holding a `String`: `From<String>` (when typify wrote none)
///   and `StringNewtype`, so a setter of the enum takes `&str`;
///   with a `Vec<String>` variant beside it, also `StringList` (a setter
///   takes a `Vec`);
/// * a variant holding a struct of `types` that typify converts with
///   `From`: `IntoField` from that struct, so a setter takes the struct;
/// * a variant holding a struct of exactly one field (Braze's
///   `{"and": [..]}`, `{"custom_attribute": {..}}`): a constructor named
///   after that field, `ConnectedAudience::and(vec![..])`, when those
///   names are distinct and not reserved.
fn enum_builders(
    e: &syn::ItemEnum,
    structs: &BTreeMap<String, Vec<(syn::Ident, Type)>>,
    from_impls: &BTreeSet<(String, String)>,
) -> Vec<Item> {
    let ident = &e.ident;
    let me = ident.to_string();
    let string = quote!(::std::string::String).to_string();
    let list = quote!(::std::vec::Vec<::std::string::String>).to_string();
    let mut out: Vec<Item> = Vec::new();
    let mut string_variant = None;
    let mut has_list = false;
    let mut constructors = Vec::new();
    let mut names = BTreeSet::new();
    let mut all_single = true;
    for v in &e.variants {
        let Fields::Unnamed(f) = &v.fields else {
            all_single = false;
            continue;
        };
        if f.unnamed.len() != 1 {
            all_single = false;
            continue;
        }
        let ty = &f.unnamed[0].ty;
        let text = quote!(#ty).to_string();
        if text == string {
            string_variant = Some(v.ident.clone());
            all_single = false;
            continue;
        }
        if text == list {
            has_list = true;
            all_single = false;
            continue;
        }
        let Some(name) = crate::code_index::type_name(ty).filter(|n| structs.contains_key(n))
        else {
            all_single = false;
            continue;
        };
        if from_impls.contains(&(me.clone(), text.clone())) {
            out.push(syn::parse_quote! {
                impl ::braze_sdk::IntoField<#ident> for #ty {
                    fn into_field(self) -> #ident {
                        #ident::from(self)
                    }
                }
            });
            out.push(syn::parse_quote! {
                impl ::braze_sdk::IntoField<::std::option::Option<#ident>> for #ty {
                    fn into_field(self) -> ::std::option::Option<#ident> {
                        ::std::option::Option::Some(#ident::from(self))
                    }
                }
            });
        }
        match structs[&name].as_slice() {
            [(field, field_ty)] => {
                let plain = field.to_string();
                let plain = plain.trim_start_matches("r#").to_string();
                if !names.insert(plain.clone()) || RESERVED.contains(&plain.as_str()) {
                    all_single = false;
                }
                let variant = &v.ident;
                let doc = format!(" `{{\"{plain}\": ..}}`: the [`{name}`] shape.");
                constructors.push(quote! {
                    #[doc = #doc]
                    pub fn #field(value: impl ::braze_sdk::IntoField<#field_ty>) -> Self {
                        Self::#variant(#ty { #field: ::braze_sdk::IntoField::into_field(value) })
                    }
                });
            }
            _ => all_single = false,
        }
    }
    if let Some(variant) = string_variant {
        if !from_impls.contains(&(me.clone(), string.clone())) {
            out.push(syn::parse_quote! {
                impl ::std::convert::From<::std::string::String> for #ident {
                    fn from(value: ::std::string::String) -> Self {
                        Self::#variant(value)
                    }
                }
            });
        }
        out.push(syn::parse_quote!(impl ::braze_sdk::StringNewtype for #ident {}));
        if has_list {
            out.push(syn::parse_quote!(impl ::braze_sdk::StringList for #ident {}));
        }
    }
    // Constructors only when every variant is such a wrapper: they then
    // name every shape the enum has.
    if all_single && !constructors.is_empty() {
        out.push(syn::parse_quote! {
            impl #ident {
                #(#constructors)*
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{checked_fields, is_optional, swappable};
    use quote::quote;
    use std::collections::BTreeSet;

    /// Free-form maps declared in place become `Checked`, keeping their
    /// serde attributes' meaning (skipped when a valid map is empty); one
    /// map newtype in a one-element array is checked per element; the
    /// flattened extra keys and other array lengths are left alone.
    #[test]
    fn free_form_maps_in_place_and_in_one_element_arrays_become_checked() {
        let mut s: syn::ItemStruct = syn::parse_quote! {
            pub struct Thing {
                pub state: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]
                pub extras: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                pub maybe: ::std::option::Option<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                pub items: [Fields; 1usize],
                pub pairs: [Fields; 2usize],
            }
        };
        let newtypes: BTreeSet<String> = ["Fields".to_string()].into();
        checked_fields(&mut s, &newtypes);
        let field = |name: &str| {
            s.fields
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
                .unwrap()
                .clone()
        };
        let printed = |name: &str| {
            let f = field(name);
            let (attrs, ty) = (&f.attrs, &f.ty);
            quote!(#(#attrs)* #ty).to_string()
        };
        let map = quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>);
        assert_eq!(
            printed("state"),
            quote!(::braze_sdk::Checked<#map>).to_string()
        );
        assert_eq!(
            printed("extras"),
            quote!(
                #[serde(default, skip_serializing_if = "::braze_sdk::Checked::is_empty")]
                ::braze_sdk::Checked<#map>
            )
            .to_string()
        );
        assert!(is_optional(&field("extras")));
        assert!(!is_optional(&field("state")));
        assert_eq!(
            printed("maybe"),
            // (the trailing comma is the input's, as rustfmt wrote it)
            quote!(::std::option::Option<::braze_sdk::Checked<#map>,>).to_string()
        );
        assert_eq!(printed("extra"), quote!(#[serde(flatten)] #map).to_string());
        assert_eq!(
            printed("items"),
            quote!([::braze_sdk::Checked<Fields>; 1usize]).to_string()
        );
        assert_eq!(printed("pairs"), quote!([Fields; 2usize]).to_string());
    }

    fn check(fields: &[(&str, syn::Type)], newtypes: &[&str]) -> bool {
        let idents: Vec<syn::Ident> = fields
            .iter()
            .map(|(n, _)| syn::Ident::new(n, proc_macro2::Span::call_site()))
            .collect();
        let required: Vec<(&syn::Ident, &syn::Type)> =
            idents.iter().zip(fields.iter().map(|(_, t)| t)).collect();
        let newtypes: BTreeSet<String> = newtypes.iter().map(|s| s.to_string()).collect();
        swappable(&required, &newtypes)
    }

    #[test]
    fn two_required_fields_taking_the_same_input_are_swappable() {
        let string: syn::Type = syn::parse_quote!(::std::string::String);
        let id: syn::Type = syn::parse_quote!(ExternalId);
        let f: syn::Type = syn::parse_quote!(f64);
        let time: syn::Type = syn::parse_quote!(::chrono::DateTime<::chrono::offset::Utc>);
        // Two strings, a string and a plain string id, two numbers.
        assert!(check(&[("a", string.clone()), ("b", string.clone())], &[]));
        assert!(check(
            &[("a", string.clone()), ("b", id.clone())],
            &["ExternalId"]
        ));
        assert!(check(&[("lat", f.clone()), ("lon", f.clone())], &[]));
        // A string and a time, or a string and a constrained id, are not.
        assert!(!check(&[("a", string.clone()), ("t", time)], &[]));
        assert!(!check(&[("a", string), ("b", id)], &[]));
    }
}
