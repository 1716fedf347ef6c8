//! typify's struct builders are removed; operation builders hold their body
//! as the type itself.
//!
//! typify's `types::builder` module (one builder struct per type, half of
//! the generated client) is replaced by setters on the types themselves
//! (`setters`). What referred to it is rewritten:
//!
//! * `impl X { pub fn builder() -> builder::X }` in `types` is removed;
//! * in the operation builders, `types::builder::X` becomes `types::X`
//!   (the `body` field and `body_map`'s closure type);
//! * a body whose type has no `Default` (it has required fields) starts as
//!   "not initialized" instead of as an empty builder;
//! * `send()` no longer converts the body from a builder
//!   (`.and_then(|v| X::try_from(v)..)` is dropped).
//!
//! Each step counts what it changed; a count that does not match the number
//! of builders or bodies found fails generation.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item};

/// Removes typify's `builder` module (and its attributes) from the `types`
/// module of progenitor's tokens, before they are parsed: it is half of the
/// tokens, and parsing it only for [`apply`] to drop it was the largest
/// single cost of `cargo xtask generate`. Fails unless exactly one such
/// module is found.
pub fn drop_builder_tokens(tokens: TokenStream) -> Result<TokenStream, String> {
    let mut dropped = 0;
    let out = in_module(tokens, "types", &mut |inner| {
        remove_module(inner, "builder", &mut dropped)
    });
    match dropped {
        1 => Ok(out),
        0 => Err("`types` has no `builder` module (typify's struct builders)".into()),
        n => Err(format!("{n} `builder` modules in `types`, expected one")),
    }
}

/// `tokens` with the body of each top-level `mod name { .. }` rewritten.
fn in_module(
    tokens: TokenStream,
    name: &str,
    f: &mut dyn FnMut(TokenStream) -> TokenStream,
) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        if let TokenTree::Group(g) = &tree
            && g.delimiter() == Delimiter::Brace
            && is_mod_header(&out, name)
        {
            let mut body = Group::new(Delimiter::Brace, f(g.stream()));
            body.set_span(g.span());
            out.push(TokenTree::Group(body));
            continue;
        }
        out.push(tree);
    }
    out.into_iter().collect()
}

/// `tokens` without their top-level `mod name { .. }` items (attributes
/// and visibility included); counts them in `dropped`.
fn remove_module(tokens: TokenStream, name: &str, dropped: &mut usize) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        if let TokenTree::Group(g) = &tree
            && g.delimiter() == Delimiter::Brace
            && is_mod_header(&out, name)
        {
            // `mod name`, then the visibility and the attributes before it.
            out.truncate(out.len() - 2);
            if matches!(out.last(), Some(TokenTree::Group(v)) if v.delimiter() == Delimiter::Parenthesis)
                && matches!(out.iter().rev().nth(1), Some(TokenTree::Ident(i)) if i == "pub")
            {
                out.truncate(out.len() - 2);
            } else if matches!(out.last(), Some(TokenTree::Ident(i)) if i == "pub") {
                out.pop();
            }
            while out.len() >= 2
                && matches!(&out[out.len() - 1], TokenTree::Group(a) if a.delimiter() == Delimiter::Bracket)
                && matches!(&out[out.len() - 2], TokenTree::Punct(p) if p.as_char() == '#')
            {
                out.truncate(out.len() - 2);
            }
            *dropped += 1;
            continue;
        }
        out.push(tree);
    }
    out.into_iter().collect()
}

/// Whether `before` ends with `mod name` (the brace group comes next).
fn is_mod_header(before: &[TokenTree], name: &str) -> bool {
    matches!(before, [.., TokenTree::Ident(m), TokenTree::Ident(n)] if m == "mod" && n == name)
}

pub fn apply(file: &mut syn::File, defaults: &BTreeSet<String>) -> Result<usize, String> {
    let types = super::module_items_mut(&mut file.items, "types").ok_or("no `types` module")?;
    // Normally gone already (`drop_builder_tokens`, which fails when it is
    // missing); a syntax tree built another way may still have it.
    types.retain(|i| !matches!(i, Item::Mod(m) if m.ident == "builder"));
    let mut builder_fns = 0;
    for item in types.iter_mut() {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
        {
            let n = imp.items.len();
            imp.items
                .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
            builder_fns += n - imp.items.len();
        }
    }
    types.retain(|i| !matches!(i, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()));
    if builder_fns == 0 {
        return Err("no `X::builder()` function found in `types`".into());
    }

    let ops = super::module_items_mut(&mut file.items, "builder")
        .ok_or("no operation `builder` module")?;
    // Operation builder -> its body type, read off `body: Result<types::builder::X, String>`.
    let mut bodies: BTreeMap<String, String> = BTreeMap::new();
    for item in ops.iter() {
        if let Item::Struct(s) = item
            && let Some(body) = s
                .fields
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))
            && let Some(name) = builder_path_in(&body.ty)
        {
            bodies.insert(s.ident.to_string(), name);
        }
    }
    let mut paths = Paths(0);
    for item in ops.iter_mut() {
        paths.visit_item_mut(item);
    }
    let mut starts = 0;
    let mut conversions = 0;
    for item in ops.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(op) = crate::code_index::type_name(&imp.self_ty) else {
            continue;
        };
        let Some(body_type) = bodies.get(&op) else {
            continue;
        };
        for f in &mut imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if f.sig.ident == "new" {
                let mut start = BodyStart {
                    has_default: defaults.contains(body_type),
                    found: 0,
                };
                start.visit_block_mut(&mut f.block);
                starts += start.found;
            } else if f.sig.ident == "send" {
                let mut drop = DropConversion(0);
                drop.visit_block_mut(&mut f.block);
                conversions += drop.0;
            }
        }
    }
    let n = bodies.len();
    if paths.0 < 2 * n || starts != n || conversions != n {
        return Err(format!(
            "{n} operation bodies are typify builders, but rewrote {} `types::builder` paths (expected at least {}), {starts} initial bodies and {conversions} conversions in send() (expected {n} each)",
            paths.0,
            2 * n
        ));
    }
    Ok(n)
}

/// `X` when `ty` mentions `types::builder::X`.
fn builder_path_in(ty: &syn::Type) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            if segs.len() == 3 && segs[0] == "types" && segs[1] == "builder" {
                self.0 = Some(segs[2].clone());
            }
            syn::visit::visit_path(self, p);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_type(&mut find, ty);
    find.0
}

/// `types::builder::X` -> `types::X`.
struct Paths(usize);

impl VisitMut for Paths {
    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segs.len() == 3 && segs[0] == "types" && segs[1] == "builder" {
            let last = p.segments.pop().expect("three segments");
            p.segments.pop();
            p.segments.push(last);
            self.0 += 1;
        }
        visit_mut::visit_path_mut(self, p);
    }
}

/// In `new()`: the `body: Ok(Default::default())` field of the builder.
/// Kept when the body type has `Default`, else "not initialized".
struct BodyStart {
    has_default: bool,
    found: usize,
}

impl VisitMut for BodyStart {
    fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
        if matches!(&fv.member, syn::Member::Named(i) if i == "body") {
            self.found += 1;
            if !self.has_default {
                fv.expr = syn::parse_quote!(Err("body was not initialized".to_string()));
            }
        }
        visit_mut::visit_field_value_mut(self, fv);
    }
}

/// In `send()`: `body.and_then(|v| X::try_from(v)..)` -> `body`.
struct DropConversion(usize);

impl VisitMut for DropConversion {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::MethodCall(call) = e
            && call.method == "and_then"
            && matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("body"))
        {
            *e = (*call.receiver).clone();
            self.0 += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }
}

#[cfg(test)]
mod token_tests {
    use super::drop_builder_tokens;
    use quote::quote;

    #[test]
    fn the_builder_module_goes_with_its_attributes_and_nothing_else() {
        let tokens = quote! {
            pub mod types {
                pub struct A;
                #[doc = "typify's builders"]
                #[allow(clippy::all)]
                pub mod builder { pub struct A { a: u8 } }
                pub mod defaults { pub fn x() {} }
            }
            pub mod builder { pub struct Op; }
        };
        let out = drop_builder_tokens(tokens).unwrap().to_string();
        let expected = quote! {
            pub mod types {
                pub struct A;
                pub mod defaults { pub fn x() {} }
            }
            pub mod builder { pub struct Op; }
        };
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn a_missing_or_repeated_builder_module_fails() {
        let none = quote! { pub mod types { pub struct A; } };
        assert!(
            drop_builder_tokens(none)
                .unwrap_err()
                .contains("no `builder` module")
        );
        let two = quote! { pub mod types { pub mod builder {} mod builder {} } };
        assert!(
            drop_builder_tokens(two)
                .unwrap_err()
                .contains("2 `builder` modules")
        );
    }
}
