//! The structs of `types` decode through a lean `Deserialize` impl instead
//! of `#[derive(Deserialize)]`.
//!
//! serde_derive's expansion (a field enum with its own visitor, `visit_seq`
//! and `visit_map`) was half of the SDK's expanded code and most of what
//! rustc spent checking it. What is written here is an impl of
//! `lean_de::Struct` (the JSON keys and one `visit_map` whose per-field
//! steps call `braze_sdk::lean_de`) and a `Deserialize` impl handing over
//! to `lean_de`'s shared visitor (see there for the behaviour, which is
//! serde_derive's, tested side by side).
//!
//! Enums of unit variants (typify's string enums) get one too: the
//! variant's index from `lean_de::unit_variant`, then the variant.
//!
//! A struct is rewritten only when every serde attribute on it is one this
//! rewrite understands: on the struct `deny_unknown_fields`; on a field
//! `rename`, `default` (with or without a path), `deserialize_with`,
//! `skip_serializing_if` (serialization only) and `flatten` of a
//! `serde_json::Map<String, Value>`. Anything else keeps the derive. The
//! other derives (`Serialize`, ...) and the serde attributes stay as they
//! are.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Fields, Item, ItemStruct, LitStr, Token};

/// Returns how many structs were rewritten.
pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    let types = super::module_items_mut(&mut file.items, "types").ok_or("no `types` module")?;
    let mut out = Vec::with_capacity(types.len() + types.len() / 2);
    let mut rewritten = 0;
    for mut item in types.drain(..) {
        let lean = match &mut item {
            Item::Struct(s) if derives_deserialize(&s.attrs, &s.generics) => match plan(s) {
                Some(plan) => {
                    remove_serde_derive(&mut s.attrs, &s.ident, "Deserialize")?;
                    Some(lean_impl(s, &plan)?)
                }
                None => None,
            },
            Item::Enum(e) if derives_deserialize(&e.attrs, &e.generics) => match unit_names(e) {
                Some(names) => {
                    remove_serde_derive(&mut e.attrs, &e.ident, "Deserialize")?;
                    Some(vec![lean_enum_impl(e, &names)?])
                }
                None => None,
            },
            _ => None,
        };
        out.push(item);
        if let Some(impls) = lean {
            out.extend(impls);
            rewritten += 1;
        }
    }
    *types = out;
    Ok(rewritten)
}

/// Whether [`apply`] would rewrite `item` (a struct or enum still deriving
/// `Deserialize`): for tests that check no such item is left behind.
pub fn would_rewrite(item: &Item) -> bool {
    match item {
        Item::Struct(s) => derives_deserialize(&s.attrs, &s.generics) && plan(s).is_some(),
        Item::Enum(e) => derives_deserialize(&e.attrs, &e.generics) && unit_names(e).is_some(),
        _ => false,
    }
}

/// What a field's serde attributes ask of decoding.
#[derive(Default)]
struct FieldPlan {
    json: Option<String>,
    default: Option<Option<syn::ExprPath>>,
    with: Option<syn::ExprPath>,
    flatten: bool,
}

struct Plan {
    deny_unknown: bool,
    fields: Vec<FieldPlan>,
}

/// Whether `p` is `serde::<name>` (`::serde::Deserialize`, ...).
pub(super) fn is_serde(p: &syn::Path, name: &str) -> bool {
    let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
    segs == ["serde", name]
}

pub(super) fn derive_paths(attr: &syn::Attribute) -> Option<Punctuated<syn::Path, Token![,]>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        .ok()
}

fn derives_deserialize(attrs: &[syn::Attribute], generics: &syn::Generics) -> bool {
    generics.params.is_empty()
        && attrs
            .iter()
            .filter_map(derive_paths)
            .any(|paths| paths.iter().any(|p| is_serde(p, "Deserialize")))
}

/// The JSON names of an enum's variants when they are all unit variants
/// whose only serde attribute is `rename`, and the enum has none.
pub(super) fn unit_names(e: &syn::ItemEnum) -> Option<Vec<String>> {
    if e.attrs.iter().any(|a| a.path().is_ident("serde")) || e.variants.is_empty() {
        return None;
    }
    let mut names = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, Fields::Unit) || v.discriminant.is_some() {
            return None;
        }
        let mut name = v.ident.to_string();
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    name = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("not handled"))
                }
            })
            .ok()?;
        }
        names.push(name);
    }
    Some(names)
}

/// `Deserialize` of an enum of unit variants: the variant's index, then
/// the variant (the last one under `_`: the index is always in range).
fn lean_enum_impl(e: &syn::ItemEnum, names: &[String]) -> Result<Item, String> {
    let ident = &e.ident;
    let type_name = ident.to_string();
    let variants: Vec<&syn::Ident> = e.variants.iter().map(|v| &v.ident).collect();
    let (last, rest) = variants.split_last().ok_or("an enum without variants")?;
    let indices = 0..rest.len();
    let tokens = quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                const VARIANTS: &[&str] = &[#(#names),*];
                ::std::result::Result::Ok(
                    match ::braze_sdk::lean_de::unit_variant(deserializer, #type_name, VARIANTS)? {
                        #(#indices => Self::#rest,)*
                        _ => Self::#last,
                    },
                )
            }
        }
    };
    syn::parse2(tokens).map_err(|e| format!("`{ident}`: the lean Deserialize does not parse: {e}"))
}

/// The struct's decoding plan, or `None` when an attribute is one this
/// rewrite does not handle (the derive then stays).
fn plan(s: &ItemStruct) -> Option<Plan> {
    if !matches!(s.fields, Fields::Named(_)) {
        return None;
    }
    let mut deny_unknown = false;
    for attr in s.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("deny_unknown_fields") {
                deny_unknown = true;
                Ok(())
            } else {
                Err(meta.error("not handled"))
            }
        })
        .ok()?;
    }
    let Fields::Named(named) = &s.fields else {
        return None;
    };
    let mut fields = Vec::new();
    for field in &named.named {
        let mut plan = FieldPlan::default();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let path = &meta.path;
                if path.is_ident("rename") {
                    plan.json = Some(meta.value()?.parse::<LitStr>()?.value());
                } else if path.is_ident("default") {
                    plan.default = Some(if meta.input.peek(Token![=]) {
                        Some(meta.value()?.parse::<LitStr>()?.parse()?)
                    } else {
                        None
                    });
                } else if path.is_ident("deserialize_with") {
                    plan.with = Some(meta.value()?.parse::<LitStr>()?.parse()?);
                } else if path.is_ident("skip_serializing_if") {
                    meta.value()?.parse::<LitStr>()?;
                } else if path.is_ident("flatten") {
                    plan.flatten = true;
                } else {
                    return Err(meta.error("not handled"));
                }
                Ok(())
            })
            .ok()?;
        }
        if plan.flatten {
            let ty = &field.ty;
            let map = quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>);
            if quote!(#ty).to_string() != map.to_string()
                || plan.json.is_some()
                || plan.default.is_some()
                || plan.with.is_some()
            {
                return None;
            }
        }
        fields.push(plan);
    }
    if fields.iter().filter(|f| f.flatten).count() > 1
        || (deny_unknown && fields.iter().any(|f| f.flatten))
    {
        return None;
    }
    Some(Plan {
        deny_unknown,
        fields,
    })
}

/// Removes `serde::<name>` from the derives in `attrs`; fails unless it
/// was derived exactly once.
pub(super) fn remove_serde_derive(
    attrs: &mut [syn::Attribute],
    ident: &syn::Ident,
    name: &str,
) -> Result<(), String> {
    let mut removed = 0;
    for attr in attrs {
        let Some(paths) = derive_paths(attr) else {
            continue;
        };
        if !paths.iter().any(|p| is_serde(p, name)) {
            continue;
        }
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_serde(p, name)).collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        removed += 1;
    }
    match removed {
        1 => Ok(()),
        n => Err(format!("`{ident}`: {n} derives of {name}")),
    }
}

fn lean_impl(s: &ItemStruct, plan: &Plan) -> Result<Vec<Item>, String> {
    let ident = &s.ident;
    let Fields::Named(named) = &s.fields else {
        return Err(format!("`{ident}` has no named fields"));
    };
    // Short names (`l::`, `None`, `Ok`) come from `use`s inside the impl:
    // every token here is parsed again by syn, 400 times over.
    let lean = quote!(l);
    let mut names = Vec::new();
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    let mut seeds = Vec::new();
    let mut inits = Vec::new();
    let mut flatten = None;
    for (i, (field, fp)) in named.named.iter().zip(&plan.fields).enumerate() {
        let name = field.ident.as_ref().ok_or("a named field has no name")?;
        if fp.flatten {
            flatten = Some(name);
            inits.push(quote!(#name: extra));
            continue;
        }
        let json = fp.json.clone().unwrap_or_else(|| {
            let n = name.to_string();
            n.strip_prefix("r#").map(str::to_string).unwrap_or(n)
        });
        let index = names.len();
        names.push(json.clone());
        let slot = format_ident!("field{i}");
        slots.push(quote!(let mut #slot = None;));
        match &fp.with {
            Some(path) => {
                let seed = format_ident!("With{i}");
                let ty = &field.ty;
                seeds.push(quote! {
                    struct #seed;
                    impl<'de> ::serde::de::DeserializeSeed<'de> for #seed {
                        type Value = #ty;
                        fn deserialize<D: ::serde::Deserializer<'de>>(
                            self,
                            deserializer: D,
                        ) -> ::std::result::Result<#ty, D::Error> {
                            #path(deserializer)
                        }
                    }
                });
                arms.push(quote!(#lean::Field::Known(#index) => #lean::slot_seed(&mut #slot, &mut map, #json, #seed),));
            }
            None => {
                arms.push(quote!(#lean::Field::Known(#index) => #lean::slot(&mut #slot, &mut map, #json),));
            }
        }
        inits.push(match (&fp.default, &fp.with) {
            (Some(None), _) => quote!(#name: #slot.unwrap_or_default()),
            (Some(Some(path)), _) => quote!(#name: #slot.unwrap_or_else(#path)),
            (None, Some(_)) => quote!(#name: #lean::required_with(#slot, #json)?),
            // A missing `Option` is `None` (serde_derive asks `Option`'s
            // Deserialize, which says the same): no `?` to check.
            (None, None) if is_option(&field.ty) => quote!(#name: #slot.unwrap_or_default()),
            (None, None) => quote!(#name: #lean::required(#slot, #json)?),
        });
    }
    let unknown = match (plan.deny_unknown, flatten.is_some()) {
        (true, _) => quote!(Deny),
        (false, true) => quote!(Keep),
        (false, false) => quote!(Ignore),
    };
    let (extra, other_arm) = match flatten {
        Some(_) => (
            quote!(let mut extra = ::serde_json::Map::new();),
            quote! {
                #lean::Field::Other(key) => #lean::keep(&mut extra, key, &mut map),
            },
        ),
        None => (TokenStream::new(), TokenStream::new()),
    };
    let type_name = ident.to_string();
    // serde_derive reads a struct with a flattened field as a map.
    let entry = match flatten {
        Some(_) => quote!(deserialize_map),
        None => quote!(deserialize_struct),
    };
    // The visitor (`expecting`, the `deserialize_struct` call) is
    // `lean_de`'s, shared by every struct: each writes only its keys and
    // its `visit_map`.
    let tokens = quote! {
        impl ::braze_sdk::lean_de::Struct for #ident {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [&'static str] = &[#(#names),*];
            fn visit_map<'de, A: ::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::std::result::Result<Self, A::Error> {
                use ::braze_sdk::lean_de as l;
                use ::std::option::Option::{None, Some};
                use ::std::result::Result::Ok;
                #(#slots)*
                #extra
                #(#seeds)*
                while let Some(key) = map.next_key_seed(
                    l::Key { fields: Self::FIELDS, unknown: l::Unknown::#unknown },
                )? {
                    // One `?` for all the arms: a `?` per field was
                    // most of what rustc spent checking these impls.
                    (match key {
                        #(#arms)*
                        #other_arm
                        _ => #lean::skip(&mut map),
                    })?;
                }
                Ok(#ident { #(#inits),* })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                ::braze_sdk::lean_de::#entry(deserializer)
            }
        }
    };
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| format!("`{ident}`: the lean Deserialize does not parse: {e}"))
}

/// Whether `ty` is written `Option<..>` (by any path ending in `Option`).
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p)
        if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}
