//! Targeted rewrites of progenitor's output, applied to the syntax tree.
//!
//! Each rewrite fixes one thing progenitor's settings cannot express; each is
//! a no-op when progenitor stops needing it. None edits generated text by hand.
//!
//! 1. `progenitor_client::{...}` imports point at the SDK's own runtime
//!    (`crate::runtime`), which keeps the status and body of every failed
//!    response and drives retries and rate limits.
//! 2. The `api-version` header progenitor adds to every request is removed:
//!    Braze does not define it.
//! 3. Builders of types with a flattened map of extra keys (custom attributes,
//!    catalog fields) start with an empty map instead of demanding one.
//! 4. `Error::UnexpectedResponse(response)` becomes
//!    `Error::from_unexpected(response).await`: the runtime reads the body so
//!    that the error owns the status, headers and body.
//! 5. Optional nullable fields (`Option<Nullable<T>>`) decode an explicit
//!    `null` as `Some(Nullable::Null)` rather than `None`, so a response that
//!    says "no value" is told apart from one that says nothing.
//! 6. Multi-line `#[doc = "..."]` attributes become one attribute per line.
//!    prettyplease prints a multi-line doc as an indented `/** */` block,
//!    whose indented lines rustdoc then reads as code blocks. progenitor's
//!    usage snippets (```` ```ignore ````) are fragments with free variables,
//!    not programs: they become ```` ```text ```` so rustdoc neither compiles
//!    nor counts them.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall, ExprLit, ExprMethodCall, Lit, Stmt, UseTree};

/// Applies every rewrite to `file`.
pub fn apply(file: &mut syn::File) {
    Rewriter.visit_file_mut(file);
}

struct Rewriter;

impl VisitMut for Rewriter {
    fn visit_use_tree_mut(&mut self, tree: &mut UseTree) {
        if let UseTree::Path(p) = tree
            && p.ident == "progenitor_client"
        {
            let rest = (*p.tree).clone();
            *tree = syn::parse_quote!(crate::runtime::#rest);
            return;
        }
        visit_mut::visit_use_tree_mut(self, tree);
    }

    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        let attrs = match item {
            syn::Item::Struct(i) => Some(&mut i.attrs),
            syn::Item::Enum(i) => Some(&mut i.attrs),
            syn::Item::Fn(i) => Some(&mut i.attrs),
            syn::Item::Mod(i) => Some(&mut i.attrs),
            syn::Item::Impl(i) => Some(&mut i.attrs),
            syn::Item::Type(i) => Some(&mut i.attrs),
            syn::Item::Const(i) => Some(&mut i.attrs),
            syn::Item::Static(i) => Some(&mut i.attrs),
            syn::Item::Trait(i) => Some(&mut i.attrs),
            _ => None,
        };
        if let Some(attrs) = attrs {
            split_doc_lines(attrs);
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        split_doc_lines(&mut field.attrs);
        match date_time_field(&field.ty) {
            Some(DateTimeField::Plain) => field.attrs.push(syn::parse_quote!(
                #[serde(deserialize_with = "::braze_sdk::timestamp::deserialize")]
            )),
            Some(DateTimeField::Optional) => field.attrs.push(syn::parse_quote!(
                #[serde(default, deserialize_with = "::braze_sdk::timestamp::deserialize_option")]
            )),
            Some(DateTimeField::OptionalNullable) => field.attrs.push(syn::parse_quote!(
                #[serde(default, deserialize_with = "::braze_sdk::timestamp::deserialize_nullable_present")]
            )),
            None if is_optional_nullable(&field.ty) => field.attrs.push(syn::parse_quote!(
                #[serde(default, deserialize_with = "::braze_sdk::Nullable::deserialize_present")]
            )),
            None => {}
        }
        visit_mut::visit_field_mut(self, field);
    }

    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        split_doc_lines(&mut variant.attrs);
        visit_mut::visit_variant_mut(self, variant);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        split_doc_lines(&mut f.attrs);
        visit_mut::visit_impl_item_fn_mut(self, f);
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr {
            if is_missing_extra(call) {
                *expr = syn::parse_quote!(Ok(Default::default()));
                return;
            }
            if is_unexpected_response(call) {
                let response = call.args.first().cloned();
                *expr = syn::parse_quote!(Error::from_unexpected(#response).await);
                return;
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// The shapes of date-time fields that decode through `braze_sdk::timestamp`.
enum DateTimeField {
    Plain,
    Optional,
    OptionalNullable,
}

/// Whether `ty` is `DateTime<Utc>`, `Option<DateTime<Utc>>` or
/// `Option<Nullable<DateTime<Utc>>>` (by the paths typify writes).
fn date_time_field(ty: &syn::Type) -> Option<DateTimeField> {
    let text = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "");
    const DT: &str = "::chrono::DateTime<::chrono::offset::Utc>";
    if text == DT {
        Some(DateTimeField::Plain)
    } else if text == format!("::std::option::Option<{DT}>") {
        Some(DateTimeField::Optional)
    } else if text == format!("::std::option::Option<::braze_sdk::Nullable<{DT}>>") {
        Some(DateTimeField::OptionalNullable)
    } else {
        None
    }
}

/// `Option<::braze_sdk::Nullable<T>>`: an optional nullable field.
fn is_optional_nullable(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args.iter().any(|a| match a {
        syn::GenericArgument::Type(syn::Type::Path(inner)) => {
            let names: Vec<String> = inner
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            names.ends_with(&["braze_sdk".to_string(), "Nullable".to_string()])
        }
        _ => false,
    })
}

/// Replaces each multi-line `#[doc = "..."]` by one `#[doc = " line"]` per
/// line, so that it prints as `///` comments.
fn split_doc_lines(attrs: &mut Vec<syn::Attribute>) {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let text = match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) if s.value().contains('\n') => s.value(),
                _ => {
                    out.push(attr);
                    continue;
                }
            },
            _ => {
                out.push(attr);
                continue;
            }
        };
        for line in text.lines() {
            let line = match line {
                "" => String::new(),
                "```ignore" => " ```text".to_string(),
                _ => format!(" {line}"),
            };
            out.push(syn::parse_quote!(#[doc = #line]));
        }
    }
    *attrs = out;
}

/// `header_map.append(HeaderName::from_static("api-version"), ...);`
fn is_api_version_append(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(ExprMethodCall { method, args, .. }), _) = stmt else {
        return false;
    };
    method == "append"
        && args
            .first()
            .is_some_and(|a| contains_str_lit(a, "api-version"))
}

/// `Err("no value supplied for extra".to_string())` in a builder default.
fn is_missing_extra(call: &ExprCall) -> bool {
    let is_err = matches!(&*call.func, Expr::Path(p) if p.path.is_ident("Err"));
    is_err
        && call
            .args
            .first()
            .is_some_and(|a| contains_str_lit(a, "no value supplied for extra"))
}

/// `Error::UnexpectedResponse(response)`.
fn is_unexpected_response(call: &ExprCall) -> bool {
    let Expr::Path(p) = &*call.func else {
        return false;
    };
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments == ["Error", "UnexpectedResponse"] && call.args.len() == 1
}

fn contains_str_lit(expr: &Expr, wanted: &str) -> bool {
    struct Finder<'a> {
        wanted: &'a str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_lit(&mut self, lit: &'ast ExprLit) {
            if let Lit::Str(s) = &lit.lit
                && s.value() == self.wanted
            {
                self.found = true;
            }
        }
    }
    let mut finder = Finder {
        wanted,
        found: false,
    };
    syn::visit::Visit::visit_expr(&mut finder, expr);
    finder.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_imports_header_and_extra_default() {
        let mut file: syn::File = syn::parse_quote! {
            use progenitor_client::{encode_path, ClientHooks};
            fn send() {
                let mut header_map = HeaderMap::with_capacity(1usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                header_map.append(HeaderName::from_static("x-request-origin"), v);
            }
            async fn send() { match s { _ => Err(Error::UnexpectedResponse(response)) } }
            fn default() -> X { X { extra: Err("no value supplied for extra".to_string()), id: Err("no value supplied for id".to_string()) } }
        };
        apply(&mut file);
        let out = quote::quote!(#file).to_string();
        assert!(
            out.contains("use crate :: runtime :: { encode_path , ClientHooks }"),
            "{out}"
        );
        assert!(!out.contains("api-version"), "{out}");
        assert!(out.contains("x-request-origin"), "{out}");
        assert!(out.contains("extra : Ok (Default :: default ())"), "{out}");
        assert!(out.contains("no value supplied for id"), "{out}");
        assert!(
            out.contains("Error :: from_unexpected (response) . await"),
            "{out}"
        );
    }

    #[test]
    fn multi_line_docs_become_one_attribute_per_line() {
        let mut file: syn::File = syn::parse_quote! {
            #[doc = "Summary\n\nDetails here.\n```ignore\nlet x = y;\n```"]
            pub struct S { #[doc = "one line"] pub a: u8 }
        };
        apply(&mut file);
        let out = quote::quote!(#file).to_string();
        assert!(
            out.contains("# [doc = \" Summary\"] # [doc = \"\"] # [doc = \" Details here.\"]"),
            "{out}"
        );
        assert!(out.contains("# [doc = \"one line\"]"), "{out}");
        assert!(
            out.contains("# [doc = \" ```text\"] # [doc = \" let x = y;\"]"),
            "{out}"
        );
    }

    #[test]
    fn optional_nullable_fields_keep_an_explicit_null() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct S {
                pub a: ::std::option::Option<::braze_sdk::Nullable<String>>,
                pub b: ::std::option::Option<String>,
                c: Result<::std::option::Option<::braze_sdk::Nullable<String>>, String>,
            }
        };
        apply(&mut file);
        let out = quote::quote!(#file).to_string();
        assert_eq!(out.matches("deserialize_present").count(), 1, "{out}");
        assert!(
            out.contains("deserialize_with = \"::braze_sdk::Nullable::deserialize_present\"")
                && out.find("deserialize_present") < out.find("pub b"),
            "{out}"
        );
    }
}
