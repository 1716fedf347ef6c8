//! Each type of `types` derives only the serde direction the SDK needs.
//!
//! typify derives both `Serialize` and `Deserialize` on every type. The SDK
//! only ever encodes what a request carries and decodes what a response
//! carries, and serde_derive's expansions were most of what rustc spent on
//! the types crate (async-stripe makes the same cut). So:
//!
//! | the type is reachable from | it derives | and behind the feature `serde-all` |
//! | --- | --- | --- |
//! | a request (an operation builder's parameters or body) only | `Serialize` | `Deserialize` |
//! | a response (what an operation's `send()` returns, errors included) only | `Deserialize` | `Serialize` |
//! | both | both | - |
//! | neither | both | - |
//!
//! `serde-all` (a feature of braze-sdk-types, forwarded by braze-sdk) is
//! for code that needs the other direction: tests that push examples
//! through a type both ways, a mock server recording requests, a CLI
//! printing responses. Hand-written impls (typify's constrained strings)
//! are left as they are; when one of them is a type's only direction left
//! without the feature, its `#[serde(..)]` attributes move behind the
//! feature too (no derive would be there to accept them). A type neither
//! side reaches keeps both derives.
//!
//! This replaced hand-written serde impls ("lean", issue 23): the
//! measurements are in that closing note and the commit that
//! removed them.

use syn::punctuated::Punctuated;
use syn::{Item, Token};

/// The cargo feature of braze-sdk-types that gives every type both
/// directions.
pub const FEATURE: &str = "serde-all";

/// What [`apply`] did: how many types lost each direction to the feature.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub serialize_gated: usize,
    pub deserialize_gated: usize,
}

/// Gates the direction each type of `types` does not need behind
/// [`FEATURE`]. Fails on a type that derives a serde trait twice.
pub fn apply(file: &mut syn::File) -> Result<Outcome, String> {
    let requests = super::reach::request_roots(file);
    let responses = super::reach::response_roots(file);
    let types = super::module_items_mut(&mut file.items, "types").ok_or("no `types` module")?;
    let refs = super::reach::type_references(types);
    let sent = super::reach::closure(&refs, requests);
    let received = super::reach::closure(&refs, responses);
    let mut outcome = Outcome::default();
    for item in types.iter_mut() {
        let (attrs, ident) = match item {
            Item::Struct(s) => (&mut s.attrs, s.ident.clone()),
            Item::Enum(e) => (&mut e.attrs, e.ident.clone()),
            _ => continue,
        };
        let ident = &ident;
        let name = ident.to_string();
        let (is_sent, is_received) = (sent.contains(&name), received.contains(&name));
        let gated = match (is_sent, is_received) {
            (true, false) => "Deserialize",
            (false, true) => "Serialize",
            _ => continue,
        };
        if gate(attrs, ident, gated)? {
            match gated {
                "Serialize" => outcome.serialize_gated += 1,
                _ => outcome.deserialize_gated += 1,
            }
            // A type whose other direction is hand-written (typify's
            // constrained strings) may have no serde derive left: its
            // `#[serde]` attributes then only exist with the feature.
            let derives_any = attrs.iter().filter_map(derive_paths).any(|paths| {
                paths
                    .iter()
                    .any(|p| is_serde(p, "Serialize") || is_serde(p, "Deserialize"))
            });
            if !derives_any {
                gate_serde_attrs(item);
            }
        }
    }
    Ok(outcome)
}

/// Moves `serde::<name>` out of the derives in `attrs` into
/// `#[cfg_attr(feature = "serde-all", derive(::serde::<name>))]` placed
/// right after them. Returns whether the type derived it; fails when it
/// derived it more than once.
fn gate(attrs: &mut Vec<syn::Attribute>, ident: &syn::Ident, name: &str) -> Result<bool, String> {
    let mut at = None;
    for (i, attr) in attrs.iter_mut().enumerate() {
        let Some(paths) = derive_paths(attr) else {
            continue;
        };
        if !paths.iter().any(|p| is_serde(p, name)) {
            continue;
        }
        if at.is_some() {
            return Err(format!("`{ident}` derives {name} twice"));
        }
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_serde(p, name)).collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        at = Some(i);
    }
    let Some(at) = at else { return Ok(false) };
    let trait_ident = syn::Ident::new(name, proc_macro2::Span::call_site());
    attrs.insert(
        at + 1,
        syn::parse_quote!(#[cfg_attr(feature = #FEATURE, derive(::serde::#trait_ident))]),
    );
    Ok(true)
}

/// Turns every `#[serde(..)]` of `item` (its own, its fields', its
/// variants') into `#[cfg_attr(feature = "serde-all", serde(..))]`.
fn gate_serde_attrs(item: &mut Item) {
    use syn::visit_mut::VisitMut;
    struct Gate;
    impl VisitMut for Gate {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if let syn::Meta::List(list) = &attr.meta
                && list.path.is_ident("serde")
            {
                let args = &list.tokens;
                *attr = syn::parse_quote!(#[cfg_attr(feature = #FEATURE, serde(#args))]);
            }
        }
    }
    Gate.visit_item_mut(item);
}

/// Whether `p` is `serde::<name>` (`::serde::Deserialize`, ...).
fn is_serde(p: &syn::Path, name: &str) -> bool {
    let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
    segs == ["serde", name]
}

fn derive_paths(attr: &syn::Attribute) -> Option<Punctuated<syn::Path, Token![,]>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        .ok()
}
